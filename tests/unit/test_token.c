/* test_token.c - step's one-time tokens: claims, header, validity limits,
 * provisioner choice and key decryption, the x5c renew token, and the
 * request bodies, serials and reasons around them. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "lib/ca/token.h"
#include "lib/jwk.h"
#include "lib/jws.h"
#include "lib/key.h"
#include "lib/x509.h"

#define NOW ((time_t)1795645483)
#define URL "https://localhost:9443"
#define SHA "37637580abfdebb0f6c9da0c075e160f3b2ecc3a99c5c36c1095f43082aed770"

/* A fresh EC P-256 private JWK with a kid, as step ca init makes. */
static json_t *
new_jwk(struct pkit_ctx *ctx)
{
	struct pkit_jwk_spec spec = { "EC", "P-256", 0, 0, 0 };
	json_t *j = NULL;
	char *kid = NULL;

	assert_int_equal(pkit_jwk_generate(ctx, &spec, &j), PKIT_OK);
	assert_int_equal(pkit_jwk_thumbprint(ctx, j, &kid), PKIT_OK);
	json_object_set_new(j, "kid", json_string(kid));
	json_object_set_new(j, "alg", json_string("ES256"));
	json_object_set_new(j, "use", json_string("sig"));
	free(kid);
	return j;
}

/* {"type": "JWK", "name": name, "key": <public jwk>, "encryptedKey"}. */
static json_t *
new_prov(struct pkit_ctx *ctx, const char *name, json_t *jwk,
    const char *password)
{
	json_t *pub = NULL, *p;
	char *jwe = NULL;

	assert_int_equal(pkit_jwk_public(ctx, jwk, &pub), PKIT_OK);
	assert_int_equal(pkit_jwk_encrypt(ctx, jwk, password, 1000, 1, &jwe),
	    PKIT_OK);
	p = json_pack("{s:s, s:s, s:o, s:s}", "type", "JWK", "name", name,
	    "key", pub, "encryptedKey", jwe);
	assert_non_null(p);
	free(jwe);
	return p;
}

static void
test_claims_sign(void **state)
{
	static const char *const want[] = { "aud", "exp", "iat", "iss", "jti",
	    "nbf", "sans", "sha", "sub" };
	struct pkit_ctx ctx;
	struct pkit_token_req req = { 0 };
	json_t *c = NULL, *sans;
	const char *key, *jti;
	json_t *v;
	size_t i = 0, k;

	(void)state;
	pkit_ctx_init(&ctx);
	req.type = PKIT_TOKEN_SIGN;
	req.ca_url = URL "/some/path";
	req.issuer = "admin";
	req.subject = "localhost";
	req.sha = "37:63:75:80:AB:FD:EB:B0:F6:C9:DA:0C:07:5E:16:0F:3B:2E:CC:3A:"
	    "99:C5:C3:6C:10:95:F4:30:82:AE:D7:70";
	assert_int_equal(pkit_token_claims(&ctx, &req, NOW, &c), PKIT_OK);
	/* Exactly the members of the token step 0.19 made (captures). */
	assert_int_equal(json_object_size(c), 9);
	json_object_foreach(c, key, v) {
		for (k = 0; k < 9 && strcmp(want[k], key) != 0; k++)
			;
		assert_true(k < 9);
		i++;
	}
	assert_string_equal(json_string_value(json_object_get(c, "aud")),
	    URL "/1.0/sign");
	assert_string_equal(json_string_value(json_object_get(c, "iss")),
	    "admin");
	assert_string_equal(json_string_value(json_object_get(c, "sub")),
	    "localhost");
	assert_string_equal(json_string_value(json_object_get(c, "sha")), SHA);
	assert_int_equal(json_integer_value(json_object_get(c, "iat")), NOW);
	assert_int_equal(json_integer_value(json_object_get(c, "nbf")), NOW);
	assert_int_equal(json_integer_value(json_object_get(c, "exp")),
	    NOW + 300);
	sans = json_object_get(c, "sans");
	assert_int_equal(json_array_size(sans), 1);
	assert_string_equal(json_string_value(json_array_get(sans, 0)),
	    "localhost");
	jti = json_string_value(json_object_get(c, "jti"));
	assert_int_equal(strlen(jti), 64);
	assert_int_equal(strspn(jti, "0123456789abcdef"), 64);
	json_decref(c);

	/* Given SANs replace the default; no sha without a root. */
	{
		const char *s2[] = { "a.example", "10.0.0.1" };

		req.sans = s2;
		req.nsans = 2;
		req.sha = NULL;
		req.jti = "fixed";
		req.not_before = NOW + 60;
		req.not_after = NOW + 120;
		assert_int_equal(pkit_token_claims(&ctx, &req, NOW, &c),
		    PKIT_OK);
		assert_null(json_object_get(c, "sha"));
		assert_string_equal(json_string_value(json_object_get(c,
		    "jti")), "fixed");
		assert_int_equal(json_integer_value(json_object_get(c, "nbf")),
		    NOW + 60);
		assert_int_equal(json_integer_value(json_object_get(c, "exp")),
		    NOW + 120);
		sans = json_object_get(c, "sans");
		assert_int_equal(json_array_size(sans), 2);
		assert_string_equal(json_string_value(json_array_get(sans, 1)),
		    "10.0.0.1");
		json_decref(c);
	}
	pkit_ctx_release(&ctx);
}

static void
test_claims_revoke_and_ssh(void **state)
{
	struct pkit_ctx ctx;
	struct pkit_token_req req = { 0 };
	json_t *c = NULL, *step = NULL;
	const char *p[] = { "alice", "root" };
	const char *s1[] = { "x" };

	(void)state;
	pkit_ctx_init(&ctx);
	req.type = PKIT_TOKEN_REVOKE;
	req.ca_url = "localhost:9443";	/* no scheme: https */
	req.issuer = "admin";
	req.subject = "0xADEF";
	assert_int_equal(pkit_token_claims(&ctx, &req, NOW, &c), PKIT_OK);
	assert_string_equal(json_string_value(json_object_get(c, "aud")),
	    URL "/1.0/revoke");
	/* step-ca compares sub with the decimal serial. */
	assert_string_equal(json_string_value(json_object_get(c, "sub")),
	    "44527");
	assert_null(json_object_get(c, "sans"));
	json_decref(c);
	req.sans = s1;
	req.nsans = 1;
	assert_int_equal(pkit_token_claims(&ctx, &req, NOW, &c), PKIT_ERR_ARG);
	req.nsans = 0;
	req.subject = "12ab";
	assert_int_equal(pkit_token_claims(&ctx, &req, NOW, &c), PKIT_ERR_ARG);
	assert_non_null(strstr(ctx.errbuf, "'12ab' is not a serial number"));

	assert_int_equal(pkit_token_ssh_claim(&ctx, 0, "alice@example.com", p, 2,
	    "", "1h0m0s", &step), PKIT_OK);
	req.type = PKIT_TOKEN_SSH_SIGN;
	req.subject = "alice@example.com";
	assert_int_equal(pkit_token_claims(&ctx, &req, NOW, &c), PKIT_ERR_ARG);
	req.step = step;
	assert_int_equal(pkit_token_claims(&ctx, &req, NOW, &c), PKIT_OK);
	assert_string_equal(json_string_value(json_object_get(c, "aud")),
	    URL "/1.0/ssh/sign");
	assert_null(json_object_get(c, "sans"));
	{
		json_t *ssh = json_object_get(json_object_get(c, "step"), "ssh");

		assert_string_equal(json_string_value(json_object_get(ssh,
		    "certType")), "user");
		assert_string_equal(json_string_value(json_object_get(ssh,
		    "keyID")), "alice@example.com");
		assert_int_equal(json_array_size(json_object_get(ssh,
		    "principals")), 2);
		assert_string_equal(json_string_value(json_object_get(ssh,
		    "validBefore")), "1h0m0s");
	}
	json_decref(c);
	json_decref(step);
	/* Missing pieces. */
	req.type = PKIT_TOKEN_SIGN;
	req.step = NULL;
	req.issuer = "";
	assert_int_equal(pkit_token_claims(&ctx, &req, NOW, &c), PKIT_ERR_ARG);
	req.issuer = "admin";
	req.subject = "";
	assert_int_equal(pkit_token_claims(&ctx, &req, NOW, &c), PKIT_ERR_ARG);
	req.subject = "bad \xff utf-8";
	assert_int_equal(pkit_token_claims(&ctx, &req, NOW, &c), PKIT_ERR_ARG);
	assert_non_null(strstr(ctx.errbuf, "UTF-8"));
	req.subject = "x";
	req.sans = s1;
	req.nsans = 1;
	s1[0] = "\xc3";
	assert_int_equal(pkit_token_claims(&ctx, &req, NOW, &c), PKIT_ERR_ARG);
	assert_non_null(strstr(ctx.errbuf, "SAN 1 is not UTF-8"));
	req.nsans = 0;
	req.ca_url = "http://localhost";
	assert_int_equal(pkit_token_claims(&ctx, &req, NOW, &c), PKIT_ERR_ARG);
	pkit_ctx_release(&ctx);
}

static void
test_validity(void **state)
{
	struct pkit_ctx ctx;
	time_t nb, na;

	(void)state;
	pkit_ctx_init(&ctx);
	assert_int_equal(pkit_token_validity(&ctx, 0, 0, NOW, &nb, &na),
	    PKIT_OK);
	assert_int_equal(nb, NOW);
	assert_int_equal(na, NOW + 300);
	assert_int_equal(pkit_token_validity(&ctx, 0, NOW + 1800, NOW, &nb,
	    &na), PKIT_OK);
	assert_int_equal(pkit_token_validity(&ctx, NOW + 1800, 0, NOW, &nb,
	    &na), PKIT_OK);
	assert_int_equal(na, NOW + 2100);
	/* step's limits: 30 minutes ahead, 10s to 1h long. */
	assert_int_equal(pkit_token_validity(&ctx, NOW + 1801, 0, NOW, &nb,
	    &na), PKIT_ERR_ARG);
	assert_non_null(strstr(ctx.errbuf, "--not-before"));
	assert_int_equal(pkit_token_validity(&ctx, 0, NOW + 9, NOW, &nb, &na),
	    PKIT_ERR_ARG);
	assert_non_null(strstr(ctx.errbuf, "--not-after"));
	assert_int_equal(pkit_token_validity(&ctx, 0, NOW + 10, NOW, &nb, &na),
	    PKIT_OK);
	assert_int_equal(pkit_token_validity(&ctx, 0, NOW + 3601, NOW, &nb,
	    &na), PKIT_ERR_ARG);
	assert_int_equal(pkit_token_validity(&ctx, NOW + 100, NOW + 50, NOW,
	    &nb, &na), PKIT_ERR_ARG);
	pkit_ctx_release(&ctx);
}

static void
test_sign_and_verify(void **state)
{
	struct pkit_ctx ctx;
	struct pkit_token_req req = { 0 };
	struct pkit_jwk_key *key = NULL, *pubkey = NULL;
	struct pkit_jwt_verify_opts vo = { 0 };
	json_t *jwk, *pub = NULL, *hdr = NULL, *claims = NULL;
	char *tok = NULL;

	(void)state;
	pkit_ctx_init(&ctx);
	jwk = new_jwk(&ctx);
	assert_int_equal(pkit_jwk_key_new(&ctx, jwk, &key), PKIT_OK);
	req.type = PKIT_TOKEN_SIGN;
	req.ca_url = URL;
	req.issuer = "admin";
	req.subject = "localhost";
	assert_int_equal(pkit_token_sign(&ctx, key, &req, &tok), PKIT_OK);
	assert_int_equal(pkit_jwk_public(&ctx, jwk, &pub), PKIT_OK);
	assert_int_equal(pkit_jwk_key_new(&ctx, pub, &pubkey), PKIT_OK);
	vo.iss = "admin";
	vo.aud = URL "/1.0/sign";
	vo.sub = "localhost";
	vo.skew = 60;
	vo.kid = json_string_value(json_object_get(jwk, "kid"));
	assert_int_equal(pkit_jwt_verify(&ctx, tok, strlen(tok), pubkey, &vo,
	    &hdr, &claims), PKIT_OK);
	/* The header of step's tokens: alg, kid, typ and nothing else. */
	assert_int_equal(json_object_size(hdr), 3);
	assert_string_equal(json_string_value(json_object_get(hdr, "alg")),
	    "ES256");
	assert_string_equal(json_string_value(json_object_get(hdr, "typ")),
	    "JWT");
	assert_string_equal(json_string_value(json_object_get(hdr, "kid")),
	    vo.kid);
	/* A public key cannot sign. */
	free(tok);
	tok = NULL;
	assert_int_equal(pkit_token_sign(&ctx, pubkey, &req, &tok),
	    PKIT_ERR_ARG);
	assert_null(tok);
	json_decref(hdr);
	json_decref(claims);
	json_decref(pub);
	pkit_jwk_key_free(pubkey);
	pkit_jwk_key_free(key);
	pkit_jwk_free(jwk);
	pkit_ctx_release(&ctx);
}

static void
test_provisioners(void **state)
{
	struct pkit_ctx ctx;
	json_t *list, *out = NULL, *a, *b;

	(void)state;
	pkit_ctx_init(&ctx);
	a = json_pack("{s:s, s:s, s:{s:s}}", "type", "JWK", "name", "admin",
	    "key", "kid", "K1");
	b = json_pack("{s:s, s:s, s:{s:s}}", "type", "JWK", "name", "ops",
	    "key", "kid", "K2");
	list = json_pack("[o, {s:s, s:s}, o, {s:s, s:s, s:{s:s}}, s]", a,
	    "type", "ACME", "name", "acme", b, "type", "JWK", "name", "admin",
	    "key", "kid", "K3", "junk");
	assert_int_equal(pkit_token_provisioners(&ctx, list, NULL, NULL, &out),
	    PKIT_OK);
	assert_int_equal(json_array_size(out), 3);
	json_decref(out);
	assert_int_equal(pkit_token_provisioners(&ctx, list, "admin", NULL,
	    &out), PKIT_OK);
	assert_int_equal(json_array_size(out), 2);
	assert_string_equal(pkit_token_provisioner_kid(json_array_get(out, 1)),
	    "K3");
	json_decref(out);
	assert_int_equal(pkit_token_provisioners(&ctx, list, "admin", "K3",
	    &out), PKIT_OK);
	assert_int_equal(json_array_size(out), 1);
	json_decref(out);
	assert_int_equal(pkit_token_provisioners(&ctx, list, NULL, "K2", &out),
	    PKIT_OK);
	assert_string_equal(pkit_token_provisioner_name(json_array_get(out, 0)),
	    "ops");
	json_decref(out);
	assert_int_equal(pkit_token_provisioners(&ctx, list, "nobody", NULL,
	    &out), PKIT_OK);
	assert_int_equal(json_array_size(out), 0);
	json_decref(out);
	/* Naming a provisioner of another type says why. */
	assert_int_equal(pkit_token_provisioners(&ctx, list, "acme", NULL,
	    &out), PKIT_ERR_UNSUPPORTED);
	assert_non_null(strstr(ctx.errbuf, "'acme' is of type ACME"));
	assert_string_equal(pkit_token_provisioner_name(json_array_get(list,
	    4)), "");
	assert_int_equal(pkit_token_provisioners(&ctx, a, NULL, NULL, &out),
	    PKIT_ERR_FORMAT);
	json_decref(list);
	pkit_ctx_release(&ctx);
}

static void
test_provisioner_key(void **state)
{
	struct pkit_ctx ctx;
	struct pkit_jwk_key *key = NULL;
	json_t *jwk, *other, *prov, *prov2;
	const char *jwe;
	char *text;
	EVP_PKEY *pk = NULL;
	unsigned char *der = NULL;
	size_t len = 0;

	(void)state;
	pkit_ctx_init(&ctx);
	jwk = new_jwk(&ctx);
	other = new_jwk(&ctx);
	prov = new_prov(&ctx, "admin", jwk, "pass word");
	jwe = json_string_value(json_object_get(prov, "encryptedKey"));
	assert_int_equal(pkit_token_provisioner_key(&ctx, prov, jwe,
	    "pass word", &key), PKIT_OK);
	assert_true(key->is_private);
	assert_string_equal(json_string_value(json_object_get(key->jwk, "kid")),
	    pkit_token_provisioner_kid(prov));
	pkit_jwk_key_free(key);
	key = NULL;
	assert_int_equal(pkit_token_provisioner_key(&ctx, prov, jwe, "wrong",
	    &key), PKIT_ERR_PASSWORD);
	assert_non_null(strstr(ctx.errbuf, "provisioner 'admin'"));
	assert_non_null(strstr(ctx.errbuf, "wrong password"));
	assert_null(key);
	/* An encrypted key that is not the provisioner's. */
	prov2 = new_prov(&ctx, "ops", other, "pw");
	assert_int_equal(pkit_token_provisioner_key(&ctx, prov, json_string_value(
	    json_object_get(prov2, "encryptedKey")), "pw", &key),
	    PKIT_ERR_MISMATCH);
	assert_non_null(strstr(ctx.errbuf, "is not the key of provisioner "
	    "'admin'"));
	/* --key: a JWK file, and a PEM file of the same key. */
	text = json_dumps(jwk, 0);
	assert_int_equal(pkit_token_provisioner_keyfile(&ctx, prov,
	    (unsigned char *)text, strlen(text), NULL, "key.json", &key),
	    PKIT_OK);
	pkit_jwk_key_free(key);
	key = NULL;
	free(text);
	assert_int_equal(pkit_jwk_to_key(&ctx, jwk, &pk), PKIT_OK);
	assert_int_equal(pkit_key_private_encode(&ctx, pk, PKIT_KEY_PEM, NULL,
	    &der, &len), PKIT_OK);
	assert_int_equal(pkit_token_provisioner_keyfile(&ctx, prov, der, len,
	    NULL, "key.pem", &key), PKIT_OK);
	/* The token's kid is the provisioner's even from a PEM file. */
	assert_string_equal(json_string_value(json_object_get(key->jwk, "kid")),
	    pkit_token_provisioner_kid(prov));
	pkit_jwk_key_free(key);
	key = NULL;
	assert_int_equal(pkit_token_provisioner_keyfile(&ctx, prov2, der, len,
	    NULL, "key.pem", &key), PKIT_ERR_MISMATCH);
	assert_non_null(strstr(ctx.errbuf, "key.pem is not the key of "
	    "provisioner 'ops'"));
	EVP_PKEY_free(pk);
	free(der);
	json_decref(prov);
	json_decref(prov2);
	pkit_jwk_free(jwk);
	pkit_jwk_free(other);
	pkit_ctx_release(&ctx);
}

/* A self-signed client certificate for key with common name cn. */
static X509 *
self_signed(EVP_PKEY *key, const char *cn, long secs)
{
	X509 *x = X509_new();
	X509_NAME *n = X509_NAME_new();
	X509_EXTENSION *ext;

	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 4660);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
	    (const unsigned char *)cn, -1, -1, 0);
	X509_set_subject_name(x, n);
	X509_set_issuer_name(x, n);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), secs);
	X509_set_pubkey(x, key);
	ext = X509V3_EXT_conf_nid(NULL, NULL, NID_key_usage,
	    "critical,digitalSignature");
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	assert_true(X509_sign(x, key, EVP_sha256()) > 0);
	X509_NAME_free(n);
	return x;
}

static void
test_renew_token(void **state)
{
	struct pkit_ctx ctx;
	struct pkit_keyspec spec = { 0 };
	struct pkit_jwk_key *pubkey = NULL;
	struct pkit_jwt_verify_opts vo = { 0 };
	STACK_OF(X509) *chain = sk_X509_new_null();
	EVP_PKEY *key = NULL, *other = NULL;
	json_t *pub = NULL, *hdr = NULL, *claims = NULL, *x5c;
	char *tok = NULL;

	(void)state;
	pkit_ctx_init(&ctx);
	assert_int_equal(pkit_key_generate(&ctx, &spec, &key), PKIT_OK);
	assert_int_equal(pkit_key_generate(&ctx, &spec, &other), PKIT_OK);
	sk_X509_push(chain, self_signed(key, "leaf.example", 60));
	assert_int_equal(pkit_token_renew(&ctx, chain, key, URL "/x", NOW,
	    &tok), PKIT_OK);
	assert_int_equal(pkit_jwk_from_key(&ctx, key, 0, &pub), PKIT_OK);
	assert_int_equal(pkit_jwk_key_new(&ctx, pub, &pubkey), PKIT_OK);
	vo.iss = PKIT_TOKEN_RENEW_ISSUER;
	vo.aud = URL "/renew";
	vo.sub = "leaf.example";
	vo.no_exp_check = 1;
	assert_int_equal(pkit_jwt_verify(&ctx, tok, strlen(tok), pubkey, &vo,
	    &hdr, &claims), PKIT_OK);
	x5c = json_object_get(hdr, "x5cInsecure");
	assert_int_equal(json_array_size(x5c), 1);
	assert_non_null(json_object_get(hdr, "kid"));
	assert_null(json_object_get(claims, "jti"));
	assert_int_equal(json_integer_value(json_object_get(claims, "exp")),
	    NOW + 300);
	free(tok);
	tok = NULL;
	/* The key must be the certificate's. */
	assert_int_equal(pkit_token_renew(&ctx, chain, other, URL, NOW, &tok),
	    PKIT_ERR_MISMATCH);
	json_decref(pub);
	json_decref(hdr);
	json_decref(claims);
	pkit_jwk_key_free(pubkey);
	sk_X509_pop_free(chain, X509_free);
	EVP_PKEY_free(key);
	EVP_PKEY_free(other);
	pkit_ctx_release(&ctx);
}

static void
test_serials_and_reasons(void **state)
{
	struct pkit_ctx ctx;
	char *s = NULL;
	int code = -1;

	(void)state;
	pkit_ctx_init(&ctx);
	assert_int_equal(pkit_ca_serial_parse(&ctx,
	    "231117447564892959547048245840438182452", &s), PKIT_OK);
	assert_string_equal(s, "231117447564892959547048245840438182452");
	free(s);
	assert_int_equal(pkit_ca_serial_parse(&ctx,
	    "0xADDEB8D0E3DB7C71B5E2A4F7B4E0C93C", &s), PKIT_OK);
	assert_string_equal(s, "231112881686728492275205727169336625468");
	free(s);
	assert_int_equal(pkit_ca_serial_parse(&ctx, "007", &s), PKIT_OK);
	assert_string_equal(s, "7");
	free(s);
	assert_int_equal(pkit_ca_serial_parse(&ctx, "", &s), PKIT_ERR_ARG);
	assert_int_equal(pkit_ca_serial_parse(&ctx, "0x", &s), PKIT_ERR_ARG);
	assert_int_equal(pkit_ca_serial_parse(&ctx, "-5", &s), PKIT_ERR_ARG);
	assert_int_equal(pkit_ca_serial_parse(&ctx, "12 ", &s), PKIT_ERR_ARG);
	assert_null(s);

	assert_int_equal(pkit_ca_revoke_reason(&ctx, "0", &code), PKIT_OK);
	assert_int_equal(code, 0);
	assert_int_equal(pkit_ca_revoke_reason(&ctx, "10", &code), PKIT_OK);
	assert_int_equal(code, 10);
	assert_int_equal(pkit_ca_revoke_reason(&ctx, "KeyCompromise", &code),
	    PKIT_OK);
	assert_int_equal(code, 1);
	assert_int_equal(pkit_ca_revoke_reason(&ctx, "key compromise", &code),
	    PKIT_OK);
	assert_int_equal(code, 1);
	assert_int_equal(pkit_ca_revoke_reason(&ctx, "SUPERSEDED", &code),
	    PKIT_OK);
	assert_int_equal(code, 4);
	assert_int_equal(pkit_ca_revoke_reason(&ctx, "aACompromise", &code),
	    PKIT_OK);
	assert_int_equal(code, 10);
	assert_int_equal(pkit_ca_revoke_reason(&ctx, "7", &code), PKIT_ERR_ARG);
	assert_int_equal(pkit_ca_revoke_reason(&ctx, "11", &code),
	    PKIT_ERR_ARG);
	assert_int_equal(pkit_ca_revoke_reason(&ctx, "1x", &code),
	    PKIT_ERR_ARG);
	assert_int_equal(pkit_ca_revoke_reason(&ctx, "stolen", &code),
	    PKIT_ERR_ARG);
	assert_non_null(strstr(ctx.errbuf, "--reasonCode: 'stolen'"));
	pkit_ctx_release(&ctx);
}

static void
test_bodies(void **state)
{
	struct pkit_ctx ctx;
	json_t *b = NULL;
	char td[64];

	(void)state;
	pkit_ctx_init(&ctx);
	assert_int_equal(pkit_ca_sign_body(&ctx, "CSR", "OTT", NULL, "1h0m0s",
	    &b), PKIT_OK);
	assert_int_equal(json_object_size(b), 3);
	assert_string_equal(json_string_value(json_object_get(b, "notAfter")),
	    "1h0m0s");
	json_decref(b);
	assert_int_equal(pkit_ca_rekey_body(&ctx, "CSR", &b), PKIT_OK);
	assert_int_equal(json_object_size(b), 1);
	json_decref(b);
	/* The capture of step's revoke request, field for field. */
	assert_int_equal(pkit_ca_revoke_body(&ctx, "0x37BAEE424D5B080366B30CC56E9BE7A1",
	    "T", 4, "superseded by test", &b), PKIT_OK);
	assert_string_equal(json_string_value(json_object_get(b, "serial")),
	    "74078139450342641835124110632161109921");
	assert_string_equal(json_string_value(json_object_get(b, "ott")), "T");
	assert_int_equal(json_integer_value(json_object_get(b, "reasonCode")),
	    4);
	assert_string_equal(json_string_value(json_object_get(b, "reason")),
	    "superseded by test");
	assert_true(json_is_true(json_object_get(b, "passive")));
	json_decref(b);
	assert_int_equal(pkit_ca_revoke_body(&ctx, "5", NULL, 0, NULL, &b),
	    PKIT_OK);
	assert_string_equal(json_string_value(json_object_get(b, "ott")), "");
	json_decref(b);
	assert_int_equal(pkit_ca_revoke_body(&ctx, "5", NULL, 7, NULL, &b),
	    PKIT_ERR_ARG);

	assert_int_equal(pkit_ca_time_duration(&ctx, "90m", "--not-after", td,
	    sizeof(td)), PKIT_OK);
	assert_string_equal(td, "1h30m0s");
	assert_int_equal(pkit_ca_time_duration(&ctx, "2026-01-02T03:04:05+01:00",
	    "--not-after", td, sizeof(td)), PKIT_OK);
	assert_string_equal(td, "2026-01-02T02:04:05Z");
	assert_int_equal(pkit_ca_time_duration(&ctx, "tomorrow", "--not-after",
	    td, sizeof(td)), PKIT_ERR_ARG);
	assert_non_null(strstr(ctx.errbuf, "--not-after: 'tomorrow'"));
	pkit_ctx_release(&ctx);
}

static void
test_csr(void **state)
{
	struct pkit_ctx ctx;
	struct pkit_keyspec spec = { 0 };
	const char *sans[] = { "a.example", "10.0.0.1", "me@example.com" };
	EVP_PKEY *key = NULL;
	X509_REQ *req = NULL;
	json_t *names = NULL;
	char *pem = NULL, *cn = NULL;

	(void)state;
	pkit_ctx_init(&ctx);
	assert_int_equal(pkit_key_generate(&ctx, &spec, &key), PKIT_OK);
	assert_int_equal(pkit_ca_csr(&ctx, key, "a.example", sans, 3, &pem),
	    PKIT_OK);
	assert_non_null(strstr(pem, "-----BEGIN CERTIFICATE REQUEST-----"));
	assert_int_equal(pkit_x509_parse_csr(&ctx, (unsigned char *)pem,
	    strlen(pem), "csr", &req), PKIT_OK);
	assert_int_equal(pkit_ca_csr_names(&ctx, req, &cn, &names), PKIT_OK);
	assert_string_equal(cn, "a.example");
	assert_int_equal(json_array_size(names), 3);
	assert_string_equal(json_string_value(json_array_get(names, 0)),
	    "a.example");
	assert_string_equal(json_string_value(json_array_get(names, 1)),
	    "10.0.0.1");
	assert_string_equal(json_string_value(json_array_get(names, 2)),
	    "me@example.com");
	free(cn);
	json_decref(names);
	X509_REQ_free(req);
	free(pem);
	/* rekey's CSR: no subject, no SANs. */
	assert_int_equal(pkit_ca_csr(&ctx, key, NULL, NULL, 0, &pem), PKIT_OK);
	assert_int_equal(pkit_x509_parse_csr(&ctx, (unsigned char *)pem,
	    strlen(pem), "csr", &req), PKIT_OK);
	assert_int_equal(X509_NAME_entry_count(X509_REQ_get_subject_name(req)),
	    0);
	assert_int_equal(pkit_ca_csr_names(&ctx, req, &cn, &names), PKIT_OK);
	assert_null(cn);
	assert_int_equal(json_array_size(names), 0);
	json_decref(names);
	X509_REQ_free(req);
	free(pem);
	EVP_PKEY_free(key);
	pkit_ctx_release(&ctx);
}

static void
test_chain_pem(void **state)
{
	struct pkit_ctx ctx;
	struct pkit_keyspec spec = { 0 };
	STACK_OF(X509) *sk = sk_X509_new_null(), *back = NULL;
	EVP_PKEY *key = NULL;
	unsigned char *pem = NULL;
	size_t len = 0;

	(void)state;
	pkit_ctx_init(&ctx);
	assert_int_equal(pkit_ca_chain_pem(&ctx, sk, &pem, &len), PKIT_ERR_ARG);
	assert_int_equal(pkit_key_generate(&ctx, &spec, &key), PKIT_OK);
	sk_X509_push(sk, self_signed(key, "one", 60));
	sk_X509_push(sk, self_signed(key, "two", 60));
	assert_int_equal(pkit_ca_chain_pem(&ctx, sk, &pem, &len), PKIT_OK);
	assert_int_equal(strlen((char *)pem), len);
	assert_int_equal(pkit_x509_parse_certs(&ctx, pem, len, "chain", &back),
	    PKIT_OK);
	assert_int_equal(sk_X509_num(back), 2);
	assert_int_equal(X509_cmp(sk_X509_value(back, 1), sk_X509_value(sk, 1)),
	    0);
	sk_X509_pop_free(back, X509_free);
	sk_X509_pop_free(sk, X509_free);
	EVP_PKEY_free(key);
	free(pem);
	pkit_ctx_release(&ctx);
}

static void
test_template_data(void **state)
{
	struct pkit_ctx ctx;
	const char *sets[] = { "a=1", " b = two words ", "c={\"x\":[true]}",
	    "a=\"str\"", "e=" };
	const char *file = "{\"a\": 0, \"f\": \"file\"}";
	const char *bad1[] = { "novalue" }, *bad2[] = { " =x" };
	json_t *d = NULL;
	char *s;

	(void)state;
	pkit_ctx_init(&ctx);
	assert_int_equal(pkit_ca_template_data(&ctx, NULL, 0, NULL, NULL, 0,
	    &d), PKIT_OK);
	assert_null(d);
	assert_int_equal(pkit_ca_template_data(&ctx, (const unsigned char *)file,
	    strlen(file), "f.json", sets, 5, &d), PKIT_OK);
	s = json_dumps(d, JSON_SORT_KEYS | JSON_COMPACT);
	assert_string_equal(s, "{\"a\":\"str\",\"b\":\"two words\","
	    "\"c\":{\"x\":[true]},\"e\":\"\",\"f\":\"file\"}");
	free(s);
	json_decref(d);
	d = NULL;
	assert_int_equal(pkit_ca_template_data(&ctx, NULL, 0, NULL, bad1, 1,
	    &d), PKIT_ERR_USAGE);
	assert_null(d);
	assert_int_equal(pkit_ca_template_data(&ctx, NULL, 0, NULL, bad2, 1,
	    &d), PKIT_ERR_USAGE);
	assert_int_equal(pkit_ca_template_data(&ctx, (const unsigned char *)"[1]",
	    3, "arr.json", NULL, 0, &d), PKIT_ERR_FORMAT);
	assert_non_null(strstr(ctx.errbuf, "arr.json"));
	assert_null(d);
	pkit_ctx_release(&ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_claims_sign),
		cmocka_unit_test(test_claims_revoke_and_ssh),
		cmocka_unit_test(test_validity),
		cmocka_unit_test(test_sign_and_verify),
		cmocka_unit_test(test_provisioners),
		cmocka_unit_test(test_provisioner_key),
		cmocka_unit_test(test_renew_token),
		cmocka_unit_test(test_serials_and_reasons),
		cmocka_unit_test(test_bodies),
		cmocka_unit_test(test_csr),
		cmocka_unit_test(test_chain_pem),
		cmocka_unit_test(test_template_data),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

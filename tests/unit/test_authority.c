/* test_authority.c - the online CA's decisions: one-time token validation
 * (research/step-ca-api.md §10.2: every broken claim refused, replays
 * refused in memory, in the database and after a restart), the names,
 * key, validity and template checks of /sign, renewal, revocation, and
 * step 0.19's captured tokens and CSR accepted as they are. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "lib/ca/authority_impl.h"
#include "lib/ca/pki.h"
#include "lib/ca/server.h"
#include "lib/codec.h"
#include "lib/fs.h"
#include "lib/jwe.h"
#include "lib/jws.h"
#include "lib/key.h"
#include "lib/timeutil.h"
#include "lib/x509.h"
#include "lib/x509_build.h"

static char dir[] = "/tmp/pkit-test-authority.XXXXXX";

/* The fixture: a PKI made by pkit_ca_pki_init(), its configuration with
 * more provisioners, and the private keys of the JWK provisioners. */
struct fx {
	struct pkit_ctx ctx;
	struct pkit_ca_config *cfg;
	struct pkit_ca_pki pki;
	struct pkit_ca_authority *a;
	struct pkit_ca_auth *auth;
	struct pkit_jwk_key *admin, *other, *tmpl, *custom;
	char *kid_admin, *kid_other, *kid_tmpl, *kid_custom;
	X509 *root;
	EVP_PKEY *root_key;
	char dbpath[300];
};

static struct fx F;

static const char custom_template[] =
	"{\"subject\": {\"commonName\": {{ toJson .Subject.CommonName }}, "
	"\"organization\": {{ toJson .Org }}}, \"sans\": {{ toJson .SANs }}, "
	"\"extensions\": [{\"id\": \"1.3.6.1.4.1.37476.9000.64.1\", "
	"\"value\": \"AAAA\"}]}";

/* A JWK provisioner key: private key object, public JWK and kid. */
static void
new_jwk(struct pkit_ctx *ctx, struct pkit_jwk_key **key, json_t **pub,
    char **kid)
{
	struct pkit_jwk_spec spec = { "EC", "P-256", 0, 0, 0 };
	json_t *jwk = NULL;

	assert_int_equal(pkit_jwk_generate(ctx, &spec, &jwk), PKIT_OK);
	assert_int_equal(pkit_jwk_thumbprint(ctx, jwk, kid), PKIT_OK);
	json_object_set_new(jwk, "kid", json_string(*kid));
	json_object_set_new(jwk, "alg", json_string("ES256"));
	json_object_set_new(jwk, "use", json_string("sig"));
	assert_int_equal(pkit_jwk_public(ctx, jwk, pub), PKIT_OK);
	assert_int_equal(pkit_jwk_key_new(ctx, jwk, key), PKIT_OK);
	json_decref(jwk);
}

static void
load_certs(struct pkit_ctx *ctx, const char *path, STACK_OF(X509) **out)
{
	assert_int_equal(pkit_x509_load_certs(ctx, path, out), PKIT_OK);
}

static int
group_setup(void **state)
{
	struct pkit_ctx *ctx = &F.ctx;
	struct pkit_ca_pki_opts o;
	struct pkit_ca_pki_result res;
	const char *dns[] = { "ca.example.com", "127.0.0.1", "::1" };
	unsigned char *data = NULL;
	size_t len = 0;
	json_t *doc, *provs, *pub, *k;
	json_error_t e;
	char path[300];

	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	pkit_ctx_init(ctx);
	memset(&o, 0, sizeof(o));
	o.base = dir;
	o.name = "Test";
	o.dns = dns;
	o.ndns = 3;
	o.address = "127.0.0.1:9443";
	o.provisioner = "admin";
	o.password = "pw";
	o.prov_password = "ppw";
	o.p2c = 1000;
	assert_int_equal(pkit_ca_pki_init(ctx, &o, &res), PKIT_OK);
	/* the admin provisioner's private key, from its encryptedKey */
	doc = json_load_file(res.config, 0, &e);
	assert_non_null(doc);
	provs = json_object_get(json_object_get(doc, "authority"),
	    "provisioners");
	k = json_object_get(json_array_get(provs, 0), "encryptedKey");
	assert_int_equal(pkit_jwk_decrypt(ctx, (const unsigned char *)
	    json_string_value(k), json_string_length(k), "ppw", "encryptedKey",
	    &pub), PKIT_OK);
	assert_int_equal(pkit_jwk_key_new(ctx, pub, &F.admin), PKIT_OK);
	F.kid_admin = strdup(json_string_value(json_object_get(pub, "kid")));
	assert_string_equal(F.kid_admin, res.kid);
	pkit_jwk_free(pub);
	/* more provisioners: limits, step's leaf template as a custom
	 * template, a template that tries to forge the extension, ACME */
	new_jwk(ctx, &F.other, &pub, &F.kid_other);
	json_array_append_new(provs, json_pack("{s:s,s:s,s:o,s:{s:b,s:s,s:s}}",
	    "type", "JWK", "name", "other", "key", pub, "claims",
	    "disableRenewal", 1, "maxTLSCertDuration", "1h",
	    "defaultTLSCertDuration", "1h"));
	new_jwk(ctx, &F.tmpl, &pub, &F.kid_tmpl);
	json_array_append_new(provs, json_pack("{s:s,s:s,s:o,s:{s:{s:s}}}",
	    "type", "JWK", "name", "tmpl", "key", pub, "options", "x509",
	    "template", pkit_x509_tmpl_leaf));
	new_jwk(ctx, &F.custom, &pub, &F.kid_custom);
	json_array_append_new(provs, json_pack(
	    "{s:s,s:s,s:o,s:{s:{s:s,s:{s:s}}}}", "type", "JWK", "name",
	    "custom", "key", pub, "options", "x509", "template",
	    custom_template, "templateData", "Org", "Custom Org"));
	json_array_append_new(provs, json_pack("{s:s,s:s}", "type", "ACME",
	    "name", "acme"));
	json_object_set_new(doc, "db", json_pack("{s:s,s:s}", "type", "sqlite",
	    "dataSource", "db/pkit.db"));
	assert_int_equal(json_dump_file(doc, res.config, JSON_INDENT(1)), 0);
	json_decref(doc);
	assert_int_equal(pkit_ca_config_load(ctx, res.config, dir, &F.cfg),
	    PKIT_OK);
	/* the pki, as ca serve loads it */
	F.pki.cfg = F.cfg;
	load_certs(ctx, res.root_crt, &F.pki.roots);
	F.pki.federated = sk_X509_new_null();
	load_certs(ctx, res.int_crt, &F.pki.intermediates);
	assert_int_equal(pkit_file_read(ctx, res.int_key, 65536, &data, &len),
	    PKIT_OK);
	assert_int_equal(pkit_key_parse_private(ctx, data, len, "pw", "int",
	    &F.pki.key), PKIT_OK);
	free(data);
	assert_int_equal(pkit_file_read(ctx, res.root_key, 65536, &data, &len),
	    PKIT_OK);
	assert_int_equal(pkit_key_parse_private(ctx, data, len, "pw", "root",
	    &F.root_key), PKIT_OK);
	free(data);
	F.root = sk_X509_value(F.pki.roots, 0);
	snprintf(F.pki.fingerprint, sizeof(F.pki.fingerprint), "%s",
	    res.fingerprint);
	snprintf(F.dbpath, sizeof(F.dbpath), "%s/db/pkit.db", dir);
	snprintf(path, sizeof(path), "%s", res.config);
	pkit_ca_pki_result_release(&res);
	assert_int_equal(pkit_ca_authority_new(ctx, &F.a), PKIT_OK);
	/* an authority started an hour ago (test_step_captures checks
	 * the start) */
	F.a->start = pkit_now(ctx) - 3600;
	assert_int_equal(pkit_ca_auth_load(ctx, F.a, &F.pki, &F.auth), PKIT_OK);
	return 0;
}

static int
group_teardown(void **state)
{
	char cmd[300];

	(void)state;
	pkit_ca_auth_free(F.auth);
	pkit_ca_authority_free(F.a);
	pkit_jwk_key_free(F.admin);
	pkit_jwk_key_free(F.other);
	pkit_jwk_key_free(F.tmpl);
	pkit_jwk_key_free(F.custom);
	free(F.kid_admin);
	free(F.kid_other);
	free(F.kid_tmpl);
	free(F.kid_custom);
	sk_X509_pop_free(F.pki.roots, X509_free);
	sk_X509_pop_free(F.pki.federated, X509_free);
	sk_X509_pop_free(F.pki.intermediates, X509_free);
	EVP_PKEY_free(F.pki.key);
	EVP_PKEY_free(F.root_key);
	pkit_ca_config_free(F.cfg);
	pkit_ctx_release(&F.ctx);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* ---- minting tokens ---------------------------------------------------- */

static int jti_seq;

/* The claims of a good sign token for api.example.com. */
static json_t *
base_claims(const char *aud)
{
	char jti[32];
	time_t now = pkit_now(&F.ctx);

	snprintf(jti, sizeof(jti), "jti-%d-%ld", ++jti_seq, (long)now);
	return json_pack("{s:s,s:s,s:s,s:[s],s:s,s:s,s:I,s:I,s:I}",
	    "iss", "admin", "aud", aud, "sub", "api.example.com", "sans",
	    "api.example.com", "sha", F.pki.fingerprint, "jti", jti,
	    "iat", (json_int_t)now, "nbf", (json_int_t)now,
	    "exp", (json_int_t)now + 300);
}

static char *
mint_with(struct pkit_jwk_key *key, const char *kid, const char *alg,
    json_t *claims)
{
	json_t *hdr = json_pack("{s:s}", "kid", kid);
	char *tok = NULL;

	assert_int_equal(pkit_jwt_sign(&F.ctx, key, alg, hdr, claims, 1, &tok),
	    PKIT_OK);
	json_decref(hdr);
	return tok;
}

static char *
b64u(const char *s)
{
	char *out = NULL;

	assert_int_equal(pkit_b64_encode(&F.ctx, PKIT_B64_URL_RAW,
	    (const unsigned char *)s, strlen(s), &out), PKIT_OK);
	return out;
}

/* How a case's token is made. */
enum signer {
	S_ADMIN,		/* admin's key and kid */
	S_OTHER_KEY,		/* another key, admin's kid */
	S_OTHER_PROV,		/* provisioner other's key and kid */
	S_UNKNOWN_KID,		/* admin's key, a kid nobody has */
	S_NO_KID,		/* no kid at all */
	S_ALG_NONE,		/* "alg": "none", no signature */
	S_HS256_PUB,		/* HS256 keyed with admin's public JWK */
	S_ES384,		/* admin's key, header claims ES384 */
	S_TRUNC_SIG,		/* signature cut short */
	S_FLIP_PAYLOAD,		/* payload changed after signing */
	S_JSON,			/* JSON serialization */
	S_GARBAGE,		/* not a JWS */
};

static char *
mint(enum signer s, json_t *claims)
{
	char *tok = NULL, *h, *p, *t;
	json_t *hdr, *jwk;
	struct pkit_jwk_key *hk;
	size_t n;

	switch (s) {
	case S_ADMIN:
		return mint_with(F.admin, F.kid_admin, "ES256", claims);
	case S_OTHER_KEY:
		return mint_with(F.other, F.kid_admin, "ES256", claims);
	case S_OTHER_PROV:
		return mint_with(F.other, F.kid_other, "ES256", claims);
	case S_UNKNOWN_KID:
		return mint_with(F.admin, "no-such-kid", "ES256", claims);
	case S_NO_KID:
		assert_int_equal(pkit_jwt_sign(&F.ctx, F.admin, "ES256", NULL,
		    claims, 1, &tok), PKIT_OK);
		return tok;
	case S_ES384:
		tok = mint_with(F.admin, F.kid_admin, "ES256", claims);
		hdr = json_pack("{s:s,s:s,s:s}", "alg", "ES384", "kid",
		    F.kid_admin, "typ", "JWT");
		h = json_dumps(hdr, JSON_COMPACT);
		p = b64u(h);
		n = strlen(p) + strlen(strchr(tok, '.')) + 1;
		t = malloc(n);
		snprintf(t, n, "%s%s", p, strchr(tok, '.'));
		free(h);
		free(p);
		free(tok);
		json_decref(hdr);
		return t;
	case S_ALG_NONE:
		hdr = json_pack("{s:s,s:s}", "alg", "none", "kid", F.kid_admin);
		h = json_dumps(hdr, JSON_COMPACT);
		t = json_dumps(claims, JSON_COMPACT);
		p = b64u(h);
		free(h);
		h = b64u(t);
		free(t);
		n = strlen(p) + strlen(h) + 3;
		tok = malloc(n);
		snprintf(tok, n, "%s.%s.", p, h);
		free(p);
		free(h);
		json_decref(hdr);
		return tok;
	case S_HS256_PUB:
		/* the classic confusion: the public key as an HMAC secret */
		h = json_dumps(F.admin->jwk, JSON_COMPACT);
		p = b64u(h);
		jwk = json_pack("{s:s,s:s}", "kty", "oct", "k", p);
		assert_int_equal(pkit_jwk_key_new(&F.ctx, jwk, &hk), PKIT_OK);
		tok = mint_with(hk, F.kid_admin, "HS256", claims);
		pkit_jwk_key_free(hk);
		json_decref(jwk);
		free(h);
		free(p);
		return tok;
	case S_TRUNC_SIG:
		tok = mint_with(F.admin, F.kid_admin, "ES256", claims);
		tok[strlen(tok) - 4] = '\0';
		return tok;
	case S_FLIP_PAYLOAD:
		tok = mint_with(F.admin, F.kid_admin, "ES256", claims);
		p = strchr(tok, '.') + 5;
		*p = *p == 'A' ? 'B' : 'A';
		return tok;
	case S_JSON:
		tok = mint_with(F.admin, F.kid_admin, "ES256", claims);
		p = strchr(tok, '.');
		t = strrchr(tok, '.');
		*p = *t = '\0';
		n = strlen(tok) * 2 + strlen(p + 1) + strlen(t + 1) + 64;
		h = malloc(n);
		snprintf(h, n, "{\"protected\":\"%s\",\"payload\":\"%s\","
		    "\"signature\":\"%s\"}", tok, p + 1, t + 1);
		free(tok);
		return h;
	case S_GARBAGE:
		return strdup("this.is.not-a-token");
	}
	return NULL;
}

/* ---- the token table ---------------------------------------------------- */

#define AUD_SIGN "https://ca.example.com:9443/1.0/sign"

struct tcase {
	const char *name;
	enum pkit_ca_aud method;
	enum signer signer;
	const char *set;	/* JSON merged into the claims, or NULL */
	const char *del;	/* a claim to drop, or NULL */
	long dnbf, diat, dexp;	/* added to nbf, iat, exp */
	int want;		/* 0: accepted */
};

static const struct tcase tcases[] = {
	{ "ok", PKIT_CA_AUD_SIGN, S_ADMIN, NULL, NULL, 0, 0, 0, 0 },
	{ "ok: bare path", PKIT_CA_AUD_SIGN, S_ADMIN,
	  "{\"aud\": \"https://ca.example.com/sign\"}", NULL, 0, 0, 0, 0 },
	{ "ok: other port", PKIT_CA_AUD_SIGN, S_ADMIN,
	  "{\"aud\": \"https://ca.example.com:443/1.0/sign\"}", NULL, 0, 0, 0, 0 },
	{ "ok: IP host", PKIT_CA_AUD_SIGN, S_ADMIN,
	  "{\"aud\": \"https://127.0.0.1:9443/1.0/sign\"}", NULL, 0, 0, 0, 0 },
	{ "ok: IPv6 host", PKIT_CA_AUD_SIGN, S_ADMIN,
	  "{\"aud\": \"https://[::1]:9443/1.0/sign\"}", NULL, 0, 0, 0, 0 },
	{ "ok: aud list", PKIT_CA_AUD_SIGN, S_ADMIN,
	  "{\"aud\": [\"x\", \"https://ca.example.com/1.0/sign\"]}", NULL,
	  0, 0, 0, 0 },
	{ "ok: legacy aud", PKIT_CA_AUD_SIGN, S_ADMIN,
	  "{\"aud\": \"step-certificate-authority\"}", NULL, 0, 0, 0, 0 },
	{ "ok: ssh sign aud", PKIT_CA_AUD_SIGN, S_ADMIN,
	  "{\"aud\": \"https://ca.example.com/1.0/ssh/sign\"}", NULL, 0, 0, 0, 0 },
	{ "ok: no sha", PKIT_CA_AUD_SIGN, S_ADMIN, NULL, "sha", 0, 0, 0, 0 },
	{ "ok: no sans", PKIT_CA_AUD_SIGN, S_ADMIN, NULL, "sans", 0, 0, 0, 0 },
	{ "ok: no nbf", PKIT_CA_AUD_SIGN, S_ADMIN, NULL, "nbf", 0, 0, 0, 0 },
	{ "ok: no iat", PKIT_CA_AUD_SIGN, S_ADMIN, NULL, "iat", 0, 0, 0, 0 },
	{ "ok: expired within the skew", PKIT_CA_AUD_SIGN, S_ADMIN, NULL, NULL,
	  -330, -330, -330, 0 },
	{ "ok: early within the skew", PKIT_CA_AUD_SIGN, S_ADMIN, NULL, NULL,
	  50, 50, 50, 0 },
	{ "ok: a lifetime of an hour", PKIT_CA_AUD_SIGN, S_ADMIN, NULL, NULL,
	  0, 0, 3300, 0 },
	{ "ok: the other provisioner", PKIT_CA_AUD_SIGN, S_OTHER_PROV,
	  "{\"iss\": \"other\"}", NULL, 0, 0, 0, 0 },
	{ "ok: revoke", PKIT_CA_AUD_REVOKE, S_ADMIN,
	  "{\"aud\": \"https://ca.example.com/1.0/revoke\", \"sub\": \"1\"}",
	  NULL, 0, 0, 0, 0 },
	{ "wrong aud", PKIT_CA_AUD_SIGN, S_ADMIN, "{\"aud\": \"foobar\"}", NULL,
	  0, 0, 0, PKIT_ERR_VERIFY },
	{ "wrong aud host", PKIT_CA_AUD_SIGN, S_ADMIN,
	  "{\"aud\": \"https://evil.example.com/1.0/sign\"}", NULL,
	  0, 0, 0, PKIT_ERR_VERIFY },
	{ "wrong aud path", PKIT_CA_AUD_SIGN, S_ADMIN,
	  "{\"aud\": \"https://ca.example.com/1.0/signs\"}", NULL,
	  0, 0, 0, PKIT_ERR_VERIFY },
	{ "wrong aud scheme", PKIT_CA_AUD_SIGN, S_ADMIN,
	  "{\"aud\": \"http://ca.example.com/1.0/sign\"}", NULL,
	  0, 0, 0, PKIT_ERR_VERIFY },
	{ "revoke aud for sign", PKIT_CA_AUD_SIGN, S_ADMIN,
	  "{\"aud\": \"https://ca.example.com/1.0/revoke\"}", NULL,
	  0, 0, 0, PKIT_ERR_VERIFY },
	{ "sign aud for revoke", PKIT_CA_AUD_REVOKE, S_ADMIN, NULL, NULL,
	  0, 0, 0, PKIT_ERR_VERIFY },
	{ "sign aud for renew", PKIT_CA_AUD_RENEW, S_ADMIN, NULL, NULL,
	  0, 0, 0, PKIT_ERR_VERIFY },
	{ "no aud", PKIT_CA_AUD_SIGN, S_ADMIN, NULL, "aud", 0, 0, 0,
	  PKIT_ERR_VERIFY },
	{ "empty aud list", PKIT_CA_AUD_SIGN, S_ADMIN, "{\"aud\": []}", NULL,
	  0, 0, 0, PKIT_ERR_VERIFY },
	{ "wrong sha", PKIT_CA_AUD_SIGN, S_ADMIN,
	  "{\"sha\": \"0000000000000000000000000000000000000000000000000000000000"
	  "000000\"}", NULL, 0, 0, 0, PKIT_ERR_VERIFY },
	{ "sha not a string", PKIT_CA_AUD_SIGN, S_ADMIN, "{\"sha\": 1}", NULL,
	  0, 0, 0, PKIT_ERR_VERIFY },
	{ "expired", PKIT_CA_AUD_SIGN, S_ADMIN, NULL, NULL, -420, -420, -420,
	  PKIT_ERR_EXPIRED },
	{ "not yet valid", PKIT_CA_AUD_SIGN, S_ADMIN, NULL, NULL, 360, 0, 360,
	  PKIT_ERR_EXPIRED },
	{ "issued in the future", PKIT_CA_AUD_SIGN, S_ADMIN, NULL, NULL,
	  0, 360, 0, PKIT_ERR_EXPIRED },
	{ "no exp", PKIT_CA_AUD_SIGN, S_ADMIN, NULL, "exp", 0, 0, 0,
	  PKIT_ERR_VERIFY },
	{ "exp not a number", PKIT_CA_AUD_SIGN, S_ADMIN, "{\"exp\": \"soon\"}",
	  NULL, 0, 0, 0, PKIT_ERR_VERIFY },
	{ "lifetime too long", PKIT_CA_AUD_SIGN, S_ADMIN, NULL, NULL,
	  0, 0, 7200, PKIT_ERR_VERIFY },
	{ "replayed: no jti", PKIT_CA_AUD_SIGN, S_ADMIN, NULL, "jti", 0, 0, 0,
	  PKIT_ERR_VERIFY },
	{ "empty jti", PKIT_CA_AUD_SIGN, S_ADMIN, "{\"jti\": \"\"}", NULL,
	  0, 0, 0, PKIT_ERR_VERIFY },
	{ "jti not a string", PKIT_CA_AUD_SIGN, S_ADMIN, "{\"jti\": 7}", NULL,
	  0, 0, 0, PKIT_ERR_VERIFY },
	{ "no sub", PKIT_CA_AUD_SIGN, S_ADMIN, NULL, "sub", 0, 0, 0,
	  PKIT_ERR_VERIFY },
	{ "empty sub", PKIT_CA_AUD_SIGN, S_ADMIN, "{\"sub\": \"\"}", NULL,
	  0, 0, 0, PKIT_ERR_VERIFY },
	{ "wrong iss", PKIT_CA_AUD_SIGN, S_ADMIN, "{\"iss\": \"mallory\"}",
	  NULL, 0, 0, 0, PKIT_ERR_VERIFY },
	{ "iss of another provisioner", PKIT_CA_AUD_SIGN, S_ADMIN,
	  "{\"iss\": \"other\"}", NULL, 0, 0, 0, PKIT_ERR_VERIFY },
	{ "no iss", PKIT_CA_AUD_SIGN, S_ADMIN, NULL, "iss", 0, 0, 0,
	  PKIT_ERR_VERIFY },
	{ "sans not a list", PKIT_CA_AUD_SIGN, S_ADMIN, "{\"sans\": \"a\"}",
	  NULL, 0, 0, 0, PKIT_ERR_VERIFY },
	{ "sans with an empty name", PKIT_CA_AUD_SIGN, S_ADMIN,
	  "{\"sans\": [\"\"]}", NULL, 0, 0, 0, PKIT_ERR_VERIFY },
	{ "bad signature: another key", PKIT_CA_AUD_SIGN, S_OTHER_KEY, NULL,
	  NULL, 0, 0, 0, PKIT_ERR_VERIFY },
	{ "bad signature: truncated", PKIT_CA_AUD_SIGN, S_TRUNC_SIG, NULL, NULL,
	  0, 0, 0, PKIT_ERR_VERIFY },
	{ "bad signature: payload changed", PKIT_CA_AUD_SIGN, S_FLIP_PAYLOAD,
	  NULL, NULL, 0, 0, 0, PKIT_ERR_VERIFY },
	{ "wrong kid", PKIT_CA_AUD_SIGN, S_UNKNOWN_KID, NULL, NULL, 0, 0, 0,
	  PKIT_ERR_VERIFY },
	{ "no kid", PKIT_CA_AUD_SIGN, S_NO_KID, NULL, NULL, 0, 0, 0,
	  PKIT_ERR_VERIFY },
	{ "wrong provisioner: other's key, admin's iss", PKIT_CA_AUD_SIGN,
	  S_OTHER_PROV, NULL, NULL, 0, 0, 0, PKIT_ERR_VERIFY },
	{ "alg none", PKIT_CA_AUD_SIGN, S_ALG_NONE, NULL, NULL, 0, 0, 0,
	  PKIT_ERR_VERIFY },
	{ "HS256 keyed with the public key", PKIT_CA_AUD_SIGN, S_HS256_PUB,
	  NULL, NULL, 0, 0, 0, PKIT_ERR_VERIFY },
	{ "alg not the key's", PKIT_CA_AUD_SIGN, S_ES384, NULL, NULL,
	  0, 0, 0, PKIT_ERR_VERIFY },
	{ "JSON serialization", PKIT_CA_AUD_SIGN, S_JSON, NULL, NULL,
	  0, 0, 0, PKIT_ERR_VERIFY },
	{ "not a token", PKIT_CA_AUD_SIGN, S_GARBAGE, NULL, NULL, 0, 0, 0,
	  PKIT_ERR_VERIFY },
};

static void
shift(json_t *c, const char *k, long d)
{
	json_t *v = json_object_get(c, k);

	if (v != NULL && json_is_integer(v) && d != 0)
		json_object_set_new(c, k, json_integer(json_integer_value(v) + d));
}

static void
test_token_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(tcases) / sizeof(tcases[0]); i++) {
		const struct tcase *t = &tcases[i];
		struct pkit_ca_ott *tok = NULL;
		json_t *c = base_claims(AUD_SIGN), *set;
		char *s;
		int r;

		if (t->set != NULL) {
			set = json_loads(t->set, 0, NULL);
			assert_non_null(set);
			json_object_update(c, set);
			json_decref(set);
		}
		if (t->del != NULL)
			json_object_del(c, t->del);
		shift(c, "nbf", t->dnbf);
		shift(c, "iat", t->diat);
		shift(c, "exp", t->dexp);
		s = mint(t->signer, c);
		pkit_clearerr(&F.ctx);
		r = pkit_ca_auth_token(&F.ctx, F.auth, s, strlen(s), t->method,
		    &tok);
		if (r != t->want)
			fail_msg("%s: got %d (%s), want %d", t->name, r,
			    F.ctx.errbuf, t->want);
		if (r == 0) {
			assert_non_null(tok->prov);
			assert_non_null(tok->sub);
			assert_int_equal(strncmp(tok->id, "jti:", 4), 0);
			assert_int_equal(strlen(tok->id), 4 + 64);
			assert_true(tok->expires >= pkit_now(&F.ctx));
			if (t->del != NULL && strcmp(t->del, "sans") == 0) {
				assert_int_equal(tok->nsans, 1);
				assert_string_equal(tok->sans[0], tok->sub);
			}
		} else
			assert_null(tok);
		pkit_ca_ott_free(tok);
		free(s);
		json_decref(c);
	}
}

/* A token of the ACME provisioner's name can never be used: it has no
 * key, so no kid finds it. */
static void
test_acme_never_authorizes(void **state)
{
	struct pkit_ca_ott *tok = NULL;
	json_t *c = base_claims(AUD_SIGN);
	char *s;

	(void)state;
	json_object_set_new(c, "iss", json_string("acme"));
	s = mint_with(F.admin, "", "ES256", c);
	assert_int_equal(pkit_ca_auth_token(&F.ctx, F.auth, s, strlen(s),
	    PKIT_CA_AUD_SIGN, &tok), PKIT_ERR_VERIFY);
	free(s);
	json_decref(c);
}

static void
test_audiences(void **state)
{
	char *s = NULL;

	(void)state;
	assert_int_equal(pkit_ca_auth_audiences(&F.ctx, F.auth, PKIT_CA_AUD_SIGN,
	    &s), PKIT_OK);
	assert_non_null(strstr(s, "step-certificate-authority\n"));
	assert_non_null(strstr(s, "https://ca.example.com/1.0/sign\n"));
	assert_non_null(strstr(s, "https://ca.example.com/sign\n"));
	assert_non_null(strstr(s, "https://ca.example.com/1.0/ssh/sign\n"));
	assert_non_null(strstr(s, "https://::1/1.0/sign\n"));
	free(s);
	assert_int_equal(pkit_ca_auth_audiences(&F.ctx, F.auth,
	    PKIT_CA_AUD_RENEW, &s), PKIT_OK);
	assert_null(strstr(s, "step-certificate-authority"));
	assert_non_null(strstr(s, "https://127.0.0.1/renew\n"));
	free(s);
}

static void
test_aud_strip(void **state)
{
	static const char *const cases[][2] = {
		{ "https://ca:9000/1.0/sign", "https://ca/1.0/sign" },
		{ "https://ca/1.0/sign", "https://ca/1.0/sign" },
		{ "https://[::1]:443/x", "https://::1/x" },
		{ "https://[::1]/x", "https://::1/x" },
		{ "https://u@h:1/p?q#f", "https://u@h/p?q#f" },
		{ "step-certificate-authority", "step-certificate-authority" },
		{ "https://h:9", "https://h" },
	};
	size_t i;
	char *s;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s = pkit_ca_auth_aud_strip(cases[i][0]);
		assert_string_equal(s, cases[i][1]);
		free(s);
	}
}

static void
test_serial_parse(void **state)
{
	static const char *const ok[][3] = {
		{ "12", "12", "c" },
		{ "0x1f", "31", "1f" },
		{ "0X1F", "31", "1f" },
		{ "017", "15", "f" },
		{ "0o17", "15", "f" },
		{ "0b101", "5", "5" },
		{ "+9", "9", "9" },
		{ "74078139450342641835124110632161109921", "740781394503426418"
		  "35124110632161109921", "37baee424d5b080366b30cc56e9be7a1" },
	};
	static const char *const bad[] = { "", "0", "-5", "abc", "0x", "1_000",
	    "12a", "0b2", "09", "0x" "11223344556677889900112233445566778899001",
	};
	char hex[PKIT_DB_SERIAL_MAX + 1], *dec;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(pkit_ca_auth_serial(&F.ctx, ok[i][0], &dec,
		    hex), PKIT_OK);
		assert_string_equal(dec, ok[i][1]);
		assert_string_equal(hex, ok[i][2]);
		free(dec);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		dec = NULL;
		if (pkit_ca_auth_serial(&F.ctx, bad[i], &dec, hex) !=
		    PKIT_ERR_FORMAT)
			fail_msg("serial '%s' accepted", bad[i]);
		assert_null(dec);
	}
}

/* ---- replay ----------------------------------------------------------- */

static struct pkit_ca_ott *
good_token(const char *aud, const char *sub)
{
	struct pkit_ca_ott *tok = NULL;
	json_t *c = base_claims(aud);
	char *s;

	if (sub != NULL) {
		json_object_set_new(c, "sub", json_string(sub));
		json_object_del(c, "sans");
	}
	s = mint(S_ADMIN, c);
	assert_int_equal(pkit_ca_auth_token(&F.ctx, F.auth, s, strlen(s),
	    strstr(aud, "revoke") != NULL ? PKIT_CA_AUD_REVOKE :
	    PKIT_CA_AUD_SIGN, &tok), PKIT_OK);
	free(s);
	json_decref(c);
	return tok;
}

static struct pkit_ca_csr *
make_csr(EVP_PKEY **keyp, const char *cn, const char *sans, int rsa_bits)
{
	struct pkit_keyspec spec = { rsa_bits ? "RSA" : "EC",
	    rsa_bits ? NULL : "P-256", rsa_bits, 1 };
	struct pkit_ca_csr *csr = NULL;
	struct pkit_ca_refusal why;
	X509_REQ *req;
	X509_NAME *nm;
	EVP_PKEY *key;
	STACK_OF(X509_EXTENSION) *exts;
	X509_EXTENSION *ext;
	BIO *bio;
	BUF_MEM *mem;

	assert_int_equal(pkit_key_generate(&F.ctx, &spec, &key), PKIT_OK);
	req = X509_REQ_new();
	nm = X509_REQ_get_subject_name(req);
	if (cn != NULL)
		X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_UTF8,
		    (const unsigned char *)cn, -1, -1, 0);
	X509_REQ_set_pubkey(req, key);
	if (sans != NULL) {
		exts = sk_X509_EXTENSION_new_null();
		ext = X509V3_EXT_conf_nid(NULL, NULL, NID_subject_alt_name,
		    sans);
		assert_non_null(ext);
		sk_X509_EXTENSION_push(exts, ext);
		X509_REQ_add_extensions(req, exts);
		sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	}
	assert_true(X509_REQ_sign(req, key, EVP_sha256()) > 0);
	bio = BIO_new(BIO_s_mem());
	PEM_write_bio_X509_REQ(bio, req);
	BIO_get_mem_ptr(bio, &mem);
	if (pkit_ca_auth_csr_read(&F.ctx, F.auth, mem->data, mem->length,
	    &csr, &why) != 0)
		fail_msg("csr: %s", F.ctx.errbuf);
	BIO_free(bio);
	X509_REQ_free(req);
	if (keyp != NULL)
		*keyp = key;
	else
		EVP_PKEY_free(key);
	return csr;
}

static struct pkit_ca_issued *
sign_ok(struct pkit_ca_ott *tok, struct pkit_ca_csr *csr)
{
	struct pkit_ca_auth_sign_req sr = { csr, NULL, NULL, NULL };
	struct pkit_ca_refusal why;
	struct pkit_ca_issued *c = NULL;

	if (pkit_ca_auth_sign(&F.ctx, F.auth, tok, &sr, &c, &why) != 0)
		fail_msg("sign: %d %s (%s)", why.status, why.msg, F.ctx.errbuf);
	return c;
}

static void
test_replay_memory(void **state)
{
	struct pkit_ca_ott *tok = good_token(AUD_SIGN, NULL);
	struct pkit_ca_csr *csr = make_csr(NULL, "api.example.com",
	    "DNS:api.example.com", 0);
	struct pkit_ca_issued *c = sign_ok(tok, csr), *c2;
	struct pkit_ca_refusal why;

	(void)state;
	assert_int_equal(pkit_ca_auth_record(&F.ctx, F.auth, NULL, c, &why),
	    PKIT_OK);
	c2 = sign_ok(tok, csr);
	assert_int_equal(pkit_ca_auth_record(&F.ctx, F.auth, NULL, c2, &why),
	    PKIT_ERR_EXISTS);
	assert_int_equal(why.status, 401);
	assert_string_equal(why.msg, "");
	pkit_ca_issued_free(c);
	pkit_ca_issued_free(c2);
	pkit_ca_ott_free(tok);
	pkit_ca_auth_csr_free(csr);
}

/* Used once, in the database: refused from another handle, and after a
 * restart (a new authority and a new handle). */
static void
test_replay_database(void **state)
{
	struct pkit_ca_ott *tok = good_token(AUD_SIGN, NULL);
	struct pkit_ca_csr *csr = make_csr(NULL, NULL, NULL, 0);
	struct pkit_ca_issued *c = sign_ok(tok, csr), *c2;
	struct pkit_ca_refusal why;
	struct pkit_ca_authority *a2 = NULL;
	struct pkit_ca_auth *auth2 = NULL;
	struct pkit_db *db1 = NULL, *db2 = NULL, *db3 = NULL;
	struct pkit_db_cert *rec = NULL;

	(void)state;
	assert_int_equal(pkit_db_open(&F.ctx, "sqlite", F.dbpath, &db1), 0);
	assert_int_equal(pkit_db_open(&F.ctx, "sqlite", F.dbpath, &db2), 0);
	assert_int_equal(pkit_db_batch_begin(&F.ctx, db1), PKIT_OK);
	assert_int_equal(pkit_ca_auth_record(&F.ctx, F.auth, db1, c, &why),
	    PKIT_OK);
	assert_int_equal(pkit_db_batch_commit(&F.ctx, db1), PKIT_OK);
	/* recorded with its provisioner */
	assert_int_equal(pkit_db_cert_get(&F.ctx, db2, c->serial, &rec), 0);
	assert_string_equal(rec->provisioner_name, "admin");
	assert_int_equal(rec->der_len, c->der_len);
	pkit_db_cert_free(rec);
	c2 = sign_ok(tok, csr);
	assert_int_equal(pkit_ca_auth_record(&F.ctx, F.auth, db2, c2, &why),
	    PKIT_ERR_EXISTS);
	assert_int_equal(why.status, 401);
	pkit_db_close(db1);
	pkit_db_close(db2);
	/* restart */
	assert_int_equal(pkit_ca_authority_new(&F.ctx, &a2), PKIT_OK);
	a2->start = F.a->start;
	assert_int_equal(pkit_ca_auth_load(&F.ctx, a2, &F.pki, &auth2), 0);
	assert_int_equal(pkit_db_open(&F.ctx, "sqlite", F.dbpath, &db3), 0);
	assert_int_equal(pkit_ca_auth_record(&F.ctx, auth2, db3, c2, &why),
	    PKIT_ERR_EXISTS);
	pkit_db_close(db3);
	pkit_ca_auth_free(auth2);
	pkit_ca_authority_free(a2);
	pkit_ca_issued_free(c);
	pkit_ca_issued_free(c2);
	pkit_ca_ott_free(tok);
	pkit_ca_auth_csr_free(csr);
}

/* ---- sign-time checks ---------------------------------------------------- */

static int
sign_status(struct pkit_ca_ott *tok, struct pkit_ca_csr *csr, const char *nb,
    const char *na, char *msg, size_t size)
{
	struct pkit_ca_auth_sign_req sr = { csr, nb, na, NULL };
	struct pkit_ca_refusal why;
	struct pkit_ca_issued *c = NULL;
	int r;

	r = pkit_ca_auth_sign(&F.ctx, F.auth, tok, &sr, &c, &why);
	pkit_ca_issued_free(c);
	if (r == 0)
		return 0;
	if (msg != NULL)
		snprintf(msg, size, "%s", why.msg);
	return why.status;
}

static void
test_sign_names(void **state)
{
	struct pkit_ca_ott *tok = good_token(AUD_SIGN, NULL);
	struct pkit_ca_csr *csr;
	char msg[512];

	(void)state;
	/* covered: CN and SAN, CN only, SAN only, nothing */
	csr = make_csr(NULL, "api.example.com", "DNS:api.example.com", 0);
	assert_int_equal(sign_status(tok, csr, NULL, NULL, msg, sizeof(msg)), 0);
	pkit_ca_auth_csr_free(csr);
	csr = make_csr(NULL, "api.example.com", NULL, 0);
	assert_int_equal(sign_status(tok, csr, NULL, NULL, msg, sizeof(msg)), 0);
	pkit_ca_auth_csr_free(csr);
	csr = make_csr(NULL, NULL, NULL, 0);
	assert_int_equal(sign_status(tok, csr, NULL, NULL, msg, sizeof(msg)), 0);
	pkit_ca_auth_csr_free(csr);
	/* a CN the token does not name */
	csr = make_csr(NULL, "evil.example.com", NULL, 0);
	assert_int_equal(sign_status(tok, csr, NULL, NULL, msg, sizeof(msg)),
	    403);
	assert_string_equal(msg, "certificate request does not contain the "
	    "valid common name - got evil.example.com, want [api.example.com "
	    "api.example.com]");
	pkit_ca_auth_csr_free(csr);
	/* a SAN more, a SAN of another type, a different SAN */
	csr = make_csr(NULL, NULL, "DNS:api.example.com,DNS:evil.example.com", 0);
	assert_int_equal(sign_status(tok, csr, NULL, NULL, msg, sizeof(msg)),
	    403);
	assert_string_equal(msg, "certificate request does not contain the "
	    "valid DNS names - got [api.example.com evil.example.com], want "
	    "[api.example.com]");
	pkit_ca_auth_csr_free(csr);
	csr = make_csr(NULL, NULL, "IP:10.0.0.1", 0);
	assert_int_equal(sign_status(tok, csr, NULL, NULL, msg, sizeof(msg)),
	    403);
	assert_non_null(strstr(msg, "valid IP addresses - got [10.0.0.1], "
	    "want []"));
	pkit_ca_auth_csr_free(csr);
	csr = make_csr(NULL, NULL, "email:a@example.com", 0);
	assert_int_equal(sign_status(tok, csr, NULL, NULL, NULL, 0), 403);
	pkit_ca_auth_csr_free(csr);
	/* RSA below 2048 bits; RSA 2048 fine */
	csr = make_csr(NULL, NULL, NULL, 1024);
	assert_int_equal(sign_status(tok, csr, NULL, NULL, msg, sizeof(msg)),
	    403);
	assert_non_null(strstr(msg, "at least 2048 bits"));
	pkit_ca_auth_csr_free(csr);
	csr = make_csr(NULL, NULL, NULL, 2048);
	assert_int_equal(sign_status(tok, csr, NULL, NULL, NULL, 0), 0);
	pkit_ca_auth_csr_free(csr);
	pkit_ca_ott_free(tok);
	/* IP SANs compare as addresses */
	{
		json_t *c = base_claims(AUD_SIGN);
		char *s;

		json_object_set_new(c, "sans", json_pack("[ss]", "::1",
		    "api.example.com"));
		s = mint(S_ADMIN, c);
		assert_int_equal(pkit_ca_auth_token(&F.ctx, F.auth, s,
		    strlen(s), PKIT_CA_AUD_SIGN, &tok), PKIT_OK);
		csr = make_csr(NULL, NULL, "IP:0:0:0:0:0:0:0:1", 0);
		assert_int_equal(sign_status(tok, csr, NULL, NULL, NULL, 0), 0);
		pkit_ca_auth_csr_free(csr);
		pkit_ca_ott_free(tok);
		free(s);
		json_decref(c);
	}
}

static void
test_sign_cnf(void **state)
{
	struct pkit_ca_csr *csr = make_csr(NULL, NULL, NULL, 0), *other;
	unsigned char md[32];
	unsigned int mdlen;
	char *fp = NULL, *s;
	struct pkit_ca_ott *tok = NULL;
	json_t *c = base_claims(AUD_SIGN);

	(void)state;
	EVP_Digest(csr->der, csr->der_len, md, &mdlen, EVP_sha256(), NULL);
	pkit_b64_encode(&F.ctx, PKIT_B64_URL_RAW, md, mdlen, &fp);
	json_object_set_new(c, "cnf", json_pack("{s:s}", "x5rt#S256", fp));
	s = mint(S_ADMIN, c);
	assert_int_equal(pkit_ca_auth_token(&F.ctx, F.auth, s, strlen(s),
	    PKIT_CA_AUD_SIGN, &tok), PKIT_OK);
	assert_int_equal(sign_status(tok, csr, NULL, NULL, NULL, 0), 0);
	other = make_csr(NULL, NULL, NULL, 0);
	assert_int_equal(sign_status(tok, other, NULL, NULL, NULL, 0), 403);
	pkit_ca_auth_csr_free(other);
	pkit_ca_auth_csr_free(csr);
	pkit_ca_ott_free(tok);
	free(fp);
	free(s);
	json_decref(c);
}

static time_t
crt_time(const ASN1_TIME *t)
{
	struct tm tm;

	ASN1_TIME_to_tm(t, &tm);
	return (time_t)pkit_timegm(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	    tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void
test_sign_validity(void **state)
{
	struct pkit_ca_ott *tok = good_token(AUD_SIGN, NULL);
	struct pkit_ca_csr *csr = make_csr(NULL, NULL, NULL, 0);
	struct pkit_ca_issued *c;
	struct pkit_ca_auth_sign_req sr = { csr, NULL, NULL, NULL };
	struct pkit_ca_refusal why;
	time_t now = pkit_now(&F.ctx);
	char msg[512];

	(void)state;
	/* the default: from a minute ago (backdate) for 24 hours */
	c = sign_ok(tok, csr);
	assert_true(llabs((long long)(c->not_before - (now - 60))) <= 2);
	assert_true(llabs((long long)(c->not_after - (now + 86400))) <= 2);
	assert_int_equal(c->not_before, crt_time(X509_get0_notBefore(c->crt)));
	pkit_ca_issued_free(c);
	/* relative notBefore/notAfter, no backdate then */
	sr.not_before = "5m";
	sr.not_after = "1h";
	assert_int_equal(pkit_ca_auth_sign(&F.ctx, F.auth, tok, &sr, &c, &why),
	    0);
	assert_true(llabs((long long)(c->not_before - (now + 300))) <= 2);
	assert_int_equal(c->not_after - c->not_before, 3600);
	pkit_ca_issued_free(c);
	/* limits: 5m to 24h (+ backdate) */
	assert_int_equal(sign_status(tok, csr, NULL, "48h", msg, sizeof(msg)),
	    403);
	assert_non_null(strstr(msg, "is more than the authorized maximum "
	    "certificate duration of 24h1m0s"));
	assert_int_equal(sign_status(tok, csr, NULL, "1m", msg, sizeof(msg)),
	    403);
	assert_non_null(strstr(msg, "less than the authorized minimum"));
	assert_int_equal(sign_status(tok, csr, "-2h", "-1h", msg, sizeof(msg)),
	    400);
	assert_string_equal(msg, "notAfter cannot be in the past");
	assert_int_equal(sign_status(tok, csr, "2h", "2026-01-01T00:00:00Z",
	    msg, sizeof(msg)), 400);
	assert_int_equal(sign_status(tok, csr, "soon", NULL, msg, sizeof(msg)),
	    400);
	pkit_ca_ott_free(tok);
	/* the other provisioner's claims: 1h by default, 1h at most */
	{
		json_t *cl = base_claims(AUD_SIGN);
		char *s;

		json_object_set_new(cl, "iss", json_string("other"));
		s = mint(S_OTHER_PROV, cl);
		assert_int_equal(pkit_ca_auth_token(&F.ctx, F.auth, s, strlen(s),
		    PKIT_CA_AUD_SIGN, &tok), PKIT_OK);
		sr.not_before = sr.not_after = NULL;
		assert_int_equal(pkit_ca_auth_sign(&F.ctx, F.auth, tok, &sr, &c,
		    &why), 0);
		assert_int_equal(c->not_after - c->not_before, 3600 + 60);
		pkit_ca_issued_free(c);
		assert_int_equal(sign_status(tok, csr, NULL, "2h", NULL, 0), 403);
		pkit_ca_ott_free(tok);
		free(s);
		json_decref(cl);
	}
	pkit_ca_auth_csr_free(csr);
}

/* The issued certificate parsed again (its key decoded). */
static X509 *
parsed(const struct pkit_ca_issued *c)
{
	const unsigned char *p = c->der;
	X509 *x = d2i_X509(NULL, &p, (long)c->der_len);

	assert_non_null(x);
	return x;
}

/* The provisioner extension of crt as DER. */
static void
prov_ext(X509 *crt, unsigned char **der, int *len)
{
	ASN1_OBJECT *obj = OBJ_txt2obj(PKIT_CA_OID_PROVISIONER, 1);
	int i = X509_get_ext_by_OBJ(crt, obj, -1), n = 0;
	const ASN1_OCTET_STRING *os;

	ASN1_OBJECT_free(obj);
	assert_true(i >= 0);
	assert_int_equal(X509_get_ext_by_OBJ(crt, obj = OBJ_txt2obj(
	    PKIT_CA_OID_PROVISIONER, 1), i), -1);
	ASN1_OBJECT_free(obj);
	os = X509_EXTENSION_get_data(X509_get_ext(crt, i));
	n = ASN1_STRING_length(os);
	*der = malloc((size_t)n);
	memcpy(*der, ASN1_STRING_get0_data(os), (size_t)n);
	*len = n;
}

/* The certificate: step's leaf profile, its chain, the extension. */
static void
test_sign_certificate(void **state)
{
	struct pkit_ca_ott *tok = good_token(AUD_SIGN, NULL);
	EVP_PKEY *key = NULL;
	struct pkit_ca_csr *csr = make_csr(&key, "api.example.com",
	    "DNS:api.example.com", 0);
	struct pkit_ca_issued *c = sign_ok(tok, csr);
	X509 *px;
	unsigned char *der = NULL, *want = NULL;
	size_t wlen = 0;
	char *body = NULL, *name = NULL, *cred = NULL;
	size_t len;
	int n, type;
	json_t *doc;
	X509_STORE *store;
	X509_STORE_CTX *sc;

	(void)state;
	/* chains to the root */
	store = X509_STORE_new();
	X509_STORE_add_cert(store, F.root);
	sc = X509_STORE_CTX_new();
	px = parsed(c);
	X509_STORE_CTX_init(sc, store, px, F.pki.intermediates);
	assert_int_equal(X509_verify_cert(sc), 1);
	X509_STORE_CTX_free(sc);
	X509_STORE_free(store);
	assert_true(pkit_key_matches(X509_get0_pubkey(px), key));
	X509_free(px);
	/* keyUsage digitalSignature, EKU server+client, SAN */
	assert_int_equal(X509_get_key_usage(c->crt), KU_DIGITAL_SIGNATURE);
	assert_int_equal(X509_get_extended_key_usage(c->crt),
	    XKU_SSL_SERVER | XKU_SSL_CLIENT);
	assert_string_equal(c->sans, "[\"api.example.com\"]");
	assert_string_equal(c->subject, "CN=api.example.com");
	/* the extension: SEQUENCE {1, "admin", kid} */
	prov_ext(c->crt, &der, &n);
	assert_int_equal(pkit_ca_auth_prov_ext(&F.ctx, 1, "admin", F.kid_admin,
	    &want, &wlen), 0);
	assert_int_equal(n, (int)wlen);
	assert_memory_equal(der, want, wlen);
	assert_int_equal(pkit_ca_auth_cert_prov(&F.ctx, c->crt, &type, &name,
	    &cred), 0);
	assert_int_equal(type, 1);
	assert_string_equal(name, "admin");
	assert_string_equal(cred, F.kid_admin);
	/* the response: {"crt","ca","certChain","tlsOptions"} */
	assert_int_equal(pkit_ca_auth_response(&F.ctx, F.auth, c, &body, &len),
	    0);
	assert_int_equal(body[len - 1], '\n');
	doc = json_loads(body, 0, NULL);
	assert_non_null(doc);
	assert_int_equal(json_object_size(doc), 4);
	assert_int_equal(json_array_size(json_object_get(doc, "certChain")), 2);
	assert_true(json_equal(json_array_get(json_object_get(doc, "certChain"),
	    0), json_object_get(doc, "crt")));
	assert_true(json_equal(json_array_get(json_object_get(doc, "certChain"),
	    1), json_object_get(doc, "ca")));
	assert_int_equal(strncmp(body, "{\"crt\":\"-----BEGIN CERTIFICATE-----\\n",
	    36), 0);
	assert_non_null(strstr(body, ",\"tlsOptions\":{\"cipherSuites\":["
	    "\"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256\",\"TLS_ECDHE_"
	    "ECDSA_WITH_AES_128_GCM_SHA256\"],\"minVersion\":1.2,\"maxVersion\""
	    ":1.3,\"renegotiation\":false}}\n"));
	json_decref(doc);
	free(body);
	free(der);
	free(want);
	free(name);
	free(cred);
	pkit_ca_issued_free(c);
	pkit_ca_ott_free(tok);
	pkit_ca_auth_csr_free(csr);
	EVP_PKEY_free(key);
}

/* Two leaves for the same key and names are the same certificate but for
 * serial, validity, signature and the provisioner extension's value. */
static void
same_leaf(X509 *a, X509 *b)
{
	unsigned char *pa = NULL, *pb = NULL;
	int i, la, lb;

	assert_int_equal(X509_get_ext_count(a), X509_get_ext_count(b));
	for (i = 0; i < X509_get_ext_count(a); i++) {
		X509_EXTENSION *ea = X509_get_ext(a, i);
		X509_EXTENSION *eb = X509_get_ext(b, i);
		int nid = OBJ_obj2nid(X509_EXTENSION_get_object(ea));

		assert_int_equal(nid, OBJ_obj2nid(X509_EXTENSION_get_object(eb)));
		assert_int_equal(X509_EXTENSION_get_critical(ea),
		    X509_EXTENSION_get_critical(eb));
		/* the provisioner extensions name different provisioners */
		if (nid == 0)
			continue;
		assert_int_equal(ASN1_OCTET_STRING_cmp(X509_EXTENSION_get_data(ea),
		    X509_EXTENSION_get_data(eb)), 0);
	}
	assert_int_equal(X509_NAME_cmp(X509_get_issuer_name(a),
	    X509_get_issuer_name(b)), 0);
	assert_int_equal(X509_get_signature_nid(a), X509_get_signature_nid(b));
	assert_int_equal(X509_get_version(a), X509_get_version(b));
	la = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(a), &pa);
	lb = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(b), &pb);
	assert_int_equal(la, lb);
	assert_memory_equal(pa, pb, (size_t)la);
	OPENSSL_free(pa);
	OPENSSL_free(pb);
	pa = pb = NULL;
	la = i2d_X509_NAME(X509_get_subject_name(a), &pa);
	lb = i2d_X509_NAME(X509_get_subject_name(b), &pb);
	assert_int_equal(la, lb);
	assert_memory_equal(pa, pb, (size_t)la);
	OPENSSL_free(pa);
	OPENSSL_free(pb);
}

/* step's leaf template as a provisioner template gives what the built-in
 * path gives (EC and RSA keys, every kind of SAN); a template cannot
 * forge the provisioner extension. */
static void
test_sign_templates(void **state)
{
	struct pkit_ca_ott *t1 = NULL, *t2 = NULL, *t3 = NULL;
	struct pkit_ca_csr *csr;
	struct pkit_ca_issued *a, *b, *c;
	json_t *cl;
	char *s, buf[256];
	unsigned char *d1, *d2;
	size_t n2;
	int n1, k;

	(void)state;
	cl = base_claims(AUD_SIGN);
	json_object_set_new(cl, "sans", json_pack("[sssss]", "api.example.com",
	    "10.1.2.3", "a@example.com", "https://x.example/p", "::1"));
	s = mint(S_ADMIN, cl);
	assert_int_equal(pkit_ca_auth_token(&F.ctx, F.auth, s, strlen(s),
	    PKIT_CA_AUD_SIGN, &t1), PKIT_OK);
	free(s);
	json_object_set_new(cl, "iss", json_string("tmpl"));
	s = mint_with(F.tmpl, F.kid_tmpl, "ES256", cl);
	assert_int_equal(pkit_ca_auth_token(&F.ctx, F.auth, s, strlen(s),
	    PKIT_CA_AUD_SIGN, &t2), PKIT_OK);
	free(s);
	json_object_set_new(cl, "iss", json_string("custom"));
	json_object_set_new(cl, "jti", json_string("custom-jti"));
	s = mint_with(F.custom, F.kid_custom, "ES256", cl);
	assert_int_equal(pkit_ca_auth_token(&F.ctx, F.auth, s, strlen(s),
	    PKIT_CA_AUD_SIGN, &t3), PKIT_OK);
	free(s);
	json_decref(cl);
	for (k = 0; k < 2; k++) {
		csr = make_csr(NULL, NULL, NULL, k == 0 ? 0 : 2048);
		a = sign_ok(t1, csr);
		b = sign_ok(t2, csr);
		same_leaf(a->crt, b->crt);
		assert_int_equal(X509_get_key_usage(a->crt), k == 0 ?
		    KU_DIGITAL_SIGNATURE : KU_DIGITAL_SIGNATURE |
		    KU_KEY_ENCIPHERMENT);
		pkit_ca_issued_free(a);
		pkit_ca_issued_free(b);
		if (k == 1)
			break;
		/* the custom one: O from templateData, the genuine extension */
		c = sign_ok(t3, csr);
		X509_NAME_get_text_by_NID(X509_get_subject_name(c->crt),
		    NID_organizationName, buf, sizeof(buf));
		assert_string_equal(buf, "Custom Org");
		prov_ext(c->crt, &d1, &n1);
		assert_int_equal(pkit_ca_auth_prov_ext(&F.ctx, 1, "custom",
		    F.kid_custom, &d2, &n2), 0);
		assert_int_equal((size_t)n1, n2);
		assert_memory_equal(d1, d2, (size_t)n1);
		free(d1);
		free(d2);
		pkit_ca_issued_free(c);
		pkit_ca_auth_csr_free(csr);
	}
	pkit_ca_auth_csr_free(csr);
	pkit_ca_ott_free(t1);
	pkit_ca_ott_free(t2);
	pkit_ca_ott_free(t3);
}

/* ---- renew and revoke ------------------------------------------------------ */

static struct pkit_ca_issued *
issue_recorded(struct pkit_db *db, const char *prov, EVP_PKEY **key)
{
	struct pkit_ca_ott *tok;
	struct pkit_ca_issued *c;
	struct pkit_ca_refusal why;
	struct pkit_ca_csr *csr = make_csr(key, NULL, NULL, 0);

	if (strcmp(prov, "admin") == 0)
		tok = good_token(AUD_SIGN, NULL);
	else {
		json_t *cl = base_claims(AUD_SIGN);
		char *s;

		json_object_set_new(cl, "iss", json_string(prov));
		s = mint(S_OTHER_PROV, cl);
		assert_int_equal(pkit_ca_auth_token(&F.ctx, F.auth, s, strlen(s),
		    PKIT_CA_AUD_SIGN, &tok), PKIT_OK);
		free(s);
		json_decref(cl);
	}
	c = sign_ok(tok, csr);
	if (db != NULL)
		assert_int_equal(pkit_ca_auth_record(&F.ctx, F.auth, db, c, &why),
		    0);
	pkit_ca_ott_free(tok);
	pkit_ca_auth_csr_free(csr);
	return c;
}

static void
test_renew(void **state)
{
	struct pkit_db *db = NULL;
	struct pkit_ca_issued *c, *r1 = NULL, *r2 = NULL, *o;
	struct pkit_ca_refusal why;
	EVP_PKEY *key = NULL, *k2 = NULL;
	struct pkit_ca_csr *csr2;
	struct pkit_ca_auth_revoke_req rr;
	unsigned char *d1, *d2;
	X509 *px;
	int n1, n2;

	(void)state;
	assert_int_equal(pkit_db_open(&F.ctx, "sqlite", F.dbpath, &db), 0);
	c = issue_recorded(db, "admin", &key);
	/* renewed: new serial, same duration, same key, the extension kept */
	assert_int_equal(pkit_ca_auth_renew(&F.ctx, F.auth, db, c->crt, NULL,
	    &r1, &why), 0);
	assert_string_not_equal(r1->serial, c->serial);
	assert_int_equal(r1->not_after - r1->not_before,
	    c->not_after - c->not_before);
	px = parsed(r1);
	assert_true(pkit_key_matches(X509_get0_pubkey(px), key));
	X509_free(px);
	assert_string_equal(r1->prov_name, "admin");
	prov_ext(c->crt, &d1, &n1);
	prov_ext(r1->crt, &d2, &n2);
	assert_int_equal(n1, n2);
	assert_memory_equal(d1, d2, (size_t)n1);
	free(d1);
	free(d2);
	assert_int_equal(ASN1_OCTET_STRING_cmp(X509_get0_subject_key_id(c->crt),
	    X509_get0_subject_key_id(r1->crt)), 0);
	assert_int_equal(ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(
	    r1->crt), X509_get0_subject_key_id(sk_X509_value(
	    F.pki.intermediates, 0))), 0);
	assert_int_equal(pkit_ca_auth_record(&F.ctx, F.auth, db, r1, &why), 0);
	/* rekey: the new key and its SKI */
	csr2 = make_csr(&k2, "ignored", NULL, 0);
	assert_int_equal(pkit_ca_auth_renew(&F.ctx, F.auth, db, r1->crt, csr2,
	    &r2, &why), 0);
	px = parsed(r2);
	assert_true(pkit_key_matches(X509_get0_pubkey(px), k2));
	X509_free(px);
	pkit_ca_auth_csr_free(csr2);
	/* a weak key is refused for a rekey */
	csr2 = make_csr(NULL, NULL, NULL, 1024);
	{
		struct pkit_ca_issued *w = NULL;

		assert_int_equal(pkit_ca_auth_renew(&F.ctx, F.auth, db, r1->crt,
		    csr2, &w, &why), PKIT_ERR_VERIFY);
		assert_int_equal(why.status, 403);
	}
	pkit_ca_auth_csr_free(csr2);
	assert_int_not_equal(ASN1_OCTET_STRING_cmp(X509_get0_subject_key_id(
	    r1->crt), X509_get0_subject_key_id(r2->crt)), 0);
	pkit_ca_issued_free(r2);
	r2 = NULL;
	/* a certificate the database does not know */
	o = issue_recorded(NULL, "admin", NULL);
	assert_int_equal(pkit_ca_auth_renew(&F.ctx, F.auth, db, o->crt, NULL,
	    &r2, &why), PKIT_ERR_VERIFY);
	assert_int_equal(why.status, 401);
	/* without a database, a certificate of this intermediate is fine */
	assert_int_equal(pkit_ca_auth_renew(&F.ctx, F.auth, NULL, o->crt, NULL,
	    &r2, &why), 0);
	pkit_ca_issued_free(r2);
	r2 = NULL;
	pkit_ca_issued_free(o);
	/* renewal disabled for the other provisioner */
	o = issue_recorded(db, "other", NULL);
	assert_int_equal(pkit_ca_auth_renew(&F.ctx, F.auth, db, o->crt, NULL,
	    &r2, &why), PKIT_ERR_VERIFY);
	assert_int_equal(why.status, 401);
	pkit_ca_issued_free(o);
	/* revoked: never renewed */
	memset(&rr, 0, sizeof(rr));
	rr.serial = c->serial_dec;
	rr.peer = c->crt;
	assert_int_equal(pkit_ca_auth_revoke(&F.ctx, F.auth, db, &rr, NULL,
	    &why), 0);
	assert_int_equal(pkit_ca_auth_renew(&F.ctx, F.auth, db, c->crt, NULL,
	    &r2, &why), PKIT_ERR_VERIFY);
	assert_int_equal(why.status, 401);
	assert_string_equal(why.msg, "");
	/* its renewal is another certificate, still renewable */
	assert_int_equal(pkit_ca_auth_renew(&F.ctx, F.auth, db, r1->crt, NULL,
	    &r2, &why), 0);
	pkit_ca_issued_free(r2);
	pkit_ca_issued_free(r1);
	pkit_ca_issued_free(c);
	EVP_PKEY_free(key);
	EVP_PKEY_free(k2);
	pkit_db_close(db);
}

static void
test_revoke(void **state)
{
	struct pkit_db *db = NULL;
	struct pkit_ca_issued *c = issue_recorded(NULL, "admin", NULL);
	struct pkit_ca_issued *d = issue_recorded(NULL, "admin", NULL);
	struct pkit_ca_auth_revoke_req rr;
	struct pkit_ca_refusal why;
	struct pkit_ca_ott *tok;
	char *dec = NULL, hexs[64];
	int rev = 0;

	(void)state;
	assert_int_equal(pkit_db_open(&F.ctx, "sqlite", F.dbpath, &db), 0);
	memset(&rr, 0, sizeof(rr));
	/* no token, no client certificate */
	rr.serial = c->serial_dec;
	assert_int_equal(pkit_ca_auth_revoke(&F.ctx, F.auth, db, &rr, NULL,
	    &why), PKIT_ERR_ARG);
	assert_int_equal(why.status, 400);
	assert_string_equal(why.msg, "missing ott or client certificate");
	/* mTLS with another certificate */
	rr.peer = d->crt;
	assert_int_equal(pkit_ca_auth_revoke(&F.ctx, F.auth, db, &rr, NULL,
	    &why), PKIT_ERR_VERIFY);
	assert_int_equal(why.status, 403);
	/* a token for another serial */
	rr.peer = NULL;
	tok = good_token("https://ca.example.com/1.0/revoke", d->serial_dec);
	rr.tok = tok;
	assert_int_equal(pkit_ca_auth_revoke(&F.ctx, F.auth, db, &rr, NULL,
	    &why), PKIT_ERR_VERIFY);
	assert_int_equal(why.status, 403);
	pkit_ca_ott_free(tok);
	/* no database: 501 */
	tok = good_token("https://ca.example.com/1.0/revoke", c->serial_dec);
	rr.tok = tok;
	assert_int_equal(pkit_ca_auth_revoke(&F.ctx, F.auth, NULL, &rr, NULL,
	    &why), PKIT_ERR_UNSUPPORTED);
	assert_int_equal(why.status, 501);
	/* by hex serial, with the token */
	{
		snprintf(hexs, sizeof(hexs), "0x%s", c->serial);
		rr.serial = hexs;
		rr.reason_code = 4;
		rr.reason = "superseded";
		assert_int_equal(pkit_ca_auth_revoke(&F.ctx, F.auth, db, &rr,
		    &dec, &why), 0);
		assert_string_equal(dec, c->serial_dec);
		free(dec);
	}
	assert_int_equal(pkit_db_is_revoked(&F.ctx, db, c->serial, &rev), 0);
	assert_int_equal(rev, 1);
	/* the same token again: used */
	assert_int_equal(pkit_ca_auth_revoke(&F.ctx, F.auth, db, &rr, NULL,
	    &why), PKIT_ERR_EXISTS);
	assert_int_equal(why.status, 401);
	pkit_ca_ott_free(tok);
	/* a new token: already revoked */
	tok = good_token("https://ca.example.com/1.0/revoke", c->serial_dec);
	rr.tok = tok;
	rr.serial = c->serial_dec;
	assert_int_equal(pkit_ca_auth_revoke(&F.ctx, F.auth, db, &rr, NULL,
	    &why), PKIT_ERR_EXISTS);
	assert_int_equal(why.status, 400);
	assert_non_null(strstr(why.msg, "is already revoked"));
	pkit_ca_ott_free(tok);
	/* bad serial, reason code */
	rr.tok = NULL;
	rr.peer = c->crt;
	rr.serial = "nope";
	assert_int_equal(pkit_ca_auth_revoke(&F.ctx, F.auth, db, &rr, NULL,
	    &why), PKIT_ERR_FORMAT);
	assert_int_equal(why.status, 400);
	rr.serial = c->serial_dec;
	rr.reason_code = 11;
	assert_int_equal(pkit_ca_auth_revoke(&F.ctx, F.auth, db, &rr, NULL,
	    &why), PKIT_ERR_ARG);
	assert_int_equal(why.status, 400);
	pkit_ca_issued_free(c);
	pkit_ca_issued_free(d);
	pkit_db_close(db);
}

/* ---- step 0.19's own tokens --------------------------------------------- */

/* From research/step-0.19-captures/: ca-files/root_ca.crt, the JWK
 * provisioner of ca-files/ca.json, api/sign-request.json and
 * api/revoke-request.json (made by `step ca certificate` and `step ca
 * revoke` at 1795645514). */
static const char step_root[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIBjjCCATWgAwIBAgIQNnEGqE4RCWiI4L0SaQPXjTAKBggqhkjOPQQDAjAmMQ0w\n"
	"CwYDVQQKEwRUZXN0MRUwEwYDVQQDEwxUZXN0IFJvb3QgQ0EwHhcNMjYxMTI1MjIy\n"
	"NDI2WhcNMzYxMTIyMjIyNDI2WjAmMQ0wCwYDVQQKEwRUZXN0MRUwEwYDVQQDEwxU\n"
	"ZXN0IFJvb3QgQ0EwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAR05JLTFDmomNux\n"
	"KGWC4uLPYIfgYLj982qJNt0CqT8z+ngD3sDoQYAkzEz5sTpI9f1Ymh4rfRpBxyVv\n"
	"X3we2iGSo0UwQzAOBgNVHQ8BAf8EBAMCAQYwEgYDVR0TAQH/BAgwBgEB/wIBATAd\n"
	"BgNVHQ4EFgQUIuTeE3IWP0bcCCOkMg6/XFVw454wCgYIKoZIzj0EAwIDRwAwRAIg\n"
	"eE7LcBau8lk0KXjW6EqoCv0QSomBdQ61oTipdtAB8KECIChi/cOJKzD7vHsnejsG\n"
	"3ZVrkrTHuh9igQTx8J0Nq+j+\n"
	"-----END CERTIFICATE-----\n";

static const char step_ott[] =
	"eyJhbGciOiJFUzI1NiIsImtpZCI6IkFyamMyRGQtYU9ONjJxdWp6bGFrd0VncU1fN3FD"
	"Ql94Q1g3TnJrTU81RFEiLCJ0eXAiOiJKV1QifQ.eyJhdWQiOiJodHRwczovL2xvY2Fsa"
	"G9zdDo5NDQzLzEuMC9zaWduIiwiZXhwIjoxNzk1NjQ1ODE0LCJpYXQiOjE3OTU2NDU1M"
	"TQsImlzcyI6ImFkbWluIiwianRpIjoiMDJhNzQ1NDMzMzBmOWQ1MGY0MTBkYjU0Nzkw"
	"NDYzZWFkM2ExMWY3ZmFlODg5MzVjYzI1NDc0NTdkZGVhYjE3MiIsIm5iZiI6MTc5NTY0"
	"NTUxNCwic2FucyI6WyJhcGkubG9jYWxob3N0Il0sInNoYSI6IjM3NjM3NTgwYWJmZGVi"
	"YjBmNmM5ZGEwYzA3NWUxNjBmM2IyZWNjM2E5OWM1YzM2YzEwOTVmNDMwODJhZWQ3NzAi"
	"LCJzdWIiOiJhcGkubG9jYWxob3N0In0.203dbC8x96Ge30AImlojbfza0miyOiOJhAVp"
	"GEbWQmZDhHjWkfZPGGHgxXXgbnezV2nk1V6n1F1p8-qQrBliMA";

static const char step_revoke_ott[] =
	"eyJhbGciOiJFUzI1NiIsImtpZCI6IkFyamMyRGQtYU9ONjJxdWp6bGFrd0VncU1fN3FD"
	"Ql94Q1g3TnJrTU81RFEiLCJ0eXAiOiJKV1QifQ.eyJhdWQiOiJodHRwczovL2xvY2Fsa"
	"G9zdDo5NDQzLzEuMC9yZXZva2UiLCJleHAiOjE3OTU2NDU4MTQsImlhdCI6MTc5NTY0N"
	"TUxNCwiaXNzIjoiYWRtaW4iLCJqdGkiOiIxNjgwNjk1YzQ2MTQ4YzAyYmEwZjE4ODVlY"
	"TRiNDFkMzQxMGZhNmNmOWE3NmMwYjA4NzVmYTdlNDQ2NzFkZDk5IiwibmJmIjoxNzk1N"
	"jQ1NTE0LCJzaGEiOiIzNzYzNzU4MGFiZmRlYmIwZjZjOWRhMGMwNzVlMTYwZjNiMmVjY"
	"zNhOTljNWMzNmMxMDk1ZjQzMDgyYWVkNzcwIiwic3ViIjoiNzQwNzgxMzk0NTAzNDI2N"
	"DE4MzUxMjQxMTA2MzIxNjExMDk5MjEifQ.U_BF9qL-vm15i8iSZ9AnWoDEFeLtebbR-xE"
	"knOVJ-9ta2KIoquC8-0OWGlT4L1vDJfiVDpYITnT7x5XEqjCf2A";

static const char step_csr[] =
	"-----BEGIN CERTIFICATE REQUEST-----\n"
	"MIH/MIGlAgEAMBgxFjAUBgNVBAMTDWFwaS5sb2NhbGhvc3QwWTATBgcqhkjOPQIB\n"
	"BggqhkjOPQMBBwNCAARApq7Vz6intiCe6VdBHIykXhWdnD7zkeicIgG1FQzIhSUU\n"
	"ud2rF29KBrhgAs+m2e2KxLM9QOHNFshlkkN8LQc5oCswKQYJKoZIhvcNAQkOMRww\n"
	"GjAYBgNVHREEETAPgg1hcGkubG9jYWxob3N0MAoGCCqGSM49BAMCA0kAMEYCIQCa\n"
	"2a58qwfWllwDjmmcoOsHN5MLmJmFWdmgyUXfvBvtDQIhAM478VKh44swLJC1hcqy\n"
	"UMDl/ESkCBPJOVvYeS8e3sTg\n"
	"-----END CERTIFICATE REQUEST-----\n";

/* The extension value of the captured certificates (api/sign.body). */
static const char step_ext_b64[] =
	"MDcCAQEEBWFkbWluBCtBcmpjMkRkLWFPTjYycXVqemxha3dFZ3FNXzdxQ0JfeENYN05ya"
	"01PNURR";

static void
test_step_captures(void **state)
{
	static const char json_fmt[] = "{\"root\": \"%s\", \"crt\": \"x\", "
	    "\"key\": \"x\", \"address\": \"127.0.0.1:9443\", \"dnsNames\": "
	    "[\"localhost\"], \"db\": {\"type\": \"badgerv2\", \"dataSource\": "
	    "\"%s/step-db\"}, \"authority\": {\"provisioners\": [{\"type\": "
	    "\"JWK\", \"name\": \"admin\", \"key\": {\"use\": \"sig\", \"kty\": "
	    "\"EC\", \"kid\": \"Arjc2Dd-aON62qujzlakwEgqM_7qCB_xCX7NrkMO5DQ\", "
	    "\"crv\": \"P-256\", \"alg\": \"ES256\", \"x\": \"cCuliVX7sugQMd4QNSE"
	    "IQEgIyfb3z99HjgwqUueKoQE\", \"y\": \"dXkSBOVpwMjwT132PqpHKqg1BLIX9y"
	    "00uz3NBMCMJsU\"}}]}}";
	struct pkit_ctx ctx;
	struct pkit_ca_pki pki;
	struct pkit_ca_config *cfg = NULL;
	struct pkit_ca_authority *a = NULL;
	struct pkit_ca_auth *auth = NULL;
	struct pkit_ca_ott *tok = NULL;
	struct pkit_ca_issued *c = NULL;
	struct pkit_ca_auth_sign_req sr;
	struct pkit_ca_refusal why;
	const char *type, *dsn;
	char doc[2048], rootpath[300], want[400];
	unsigned char *der;
	char *b64 = NULL;
	int n;

	(void)state;
	pkit_ctx_init(&ctx);
	ctx.fixed_now = 1795645514 + 20;
	snprintf(rootpath, sizeof(rootpath), "%s/step_root.crt", dir);
	assert_int_equal(pkit_file_write(&ctx, rootpath, step_root,
	    strlen(step_root), PKIT_WRITE_FORCE), 0);
	snprintf(doc, sizeof(doc), json_fmt, rootpath, dir);
	assert_int_equal(pkit_ca_config_parse(&ctx, doc, strlen(doc),
	    "step.json", dir, &cfg), 0);
	memset(&pki, 0, sizeof(pki));
	pki.cfg = cfg;
	assert_int_equal(pkit_x509_load_certs(&ctx, rootpath, &pki.roots), 0);
	pki.intermediates = F.pki.intermediates;
	pki.key = F.pki.key;
	assert_int_equal(pkit_ca_authority_new(&ctx, &a), 0);
	assert_int_equal(pkit_ca_auth_load(&ctx, a, &pki, &auth), 0);
	/* step's own database kind keeps its directory */
	pkit_ca_auth_db(auth, &type, &dsn);
	assert_string_equal(type, "sqlite");
	snprintf(want, sizeof(want), "%s/step-db/pkit.db", dir);
	assert_string_equal(dsn, want);
	/* the sign token of `step ca certificate` */
	if (pkit_ca_auth_token(&ctx, auth, step_ott, strlen(step_ott),
	    PKIT_CA_AUD_SIGN, &tok) != 0)
		fail_msg("step's token refused: %s", ctx.errbuf);
	assert_string_equal(tok->sub, "api.localhost");
	assert_int_equal(tok->nsans, 1);
	assert_int_equal(tok->expires, 1795645814 + 60);
	/* and its CSR, signed with the captured extension and validity */
	memset(&sr, 0, sizeof(sr));
	assert_int_equal(pkit_ca_auth_csr_read(&ctx, NULL, step_csr,
	    strlen(step_csr), &sr.csr, &why), 0);
	assert_int_equal(pkit_ca_auth_sign(&ctx, auth, tok, &sr, &c, &why), 0);
	assert_int_equal(c->not_before, ctx.fixed_now - 60);
	assert_int_equal(c->not_after, ctx.fixed_now + 86400);
	prov_ext(c->crt, &der, &n);
	assert_int_equal(pkit_b64_encode(&ctx, PKIT_B64_STD, der, (size_t)n,
	    &b64), 0);
	assert_string_equal(b64, step_ext_b64);
	free(b64);
	free(der);
	pkit_ca_issued_free(c);
	pkit_ca_ott_free(tok);
	/* a sign token is not a revoke token */
	assert_int_equal(pkit_ca_auth_token(&ctx, auth, step_ott,
	    strlen(step_ott), PKIT_CA_AUD_REVOKE, &tok), PKIT_ERR_VERIFY);
	/* the revoke token of `step ca revoke` */
	if (pkit_ca_auth_token(&ctx, auth, step_revoke_ott,
	    strlen(step_revoke_ott), PKIT_CA_AUD_REVOKE, &tok) != 0)
		fail_msg("step's revoke token refused: %s", ctx.errbuf);
	assert_string_equal(tok->sub, "74078139450342641835124110632161109921");
	pkit_ca_ott_free(tok);
	/* five minutes and a skew later, both have expired */
	ctx.fixed_now = 1795645814 + 61;
	assert_int_equal(pkit_ca_auth_token(&ctx, auth, step_ott,
	    strlen(step_ott), PKIT_CA_AUD_SIGN, &tok), PKIT_ERR_EXPIRED);
	/* an authority started after the token was made refuses it */
	pkit_ca_auth_free(auth);
	pkit_ca_authority_free(a);
	ctx.fixed_now = 1795645514 + 100;
	assert_int_equal(pkit_ca_authority_new(&ctx, &a), 0);
	assert_int_equal(pkit_ca_auth_load(&ctx, a, &pki, &auth), 0);
	assert_int_equal(pkit_ca_auth_token(&ctx, auth, step_ott,
	    strlen(step_ott), PKIT_CA_AUD_SIGN, &tok), PKIT_ERR_VERIFY);
	assert_non_null(strstr(ctx.errbuf, "before the bootstrap"));
	pkit_ca_auth_csr_free(sr.csr);
	pkit_ca_auth_free(auth);
	pkit_ca_authority_free(a);
	sk_X509_pop_free(pki.roots, X509_free);
	pkit_ca_config_free(cfg);
	pkit_ctx_release(&ctx);
}

/* The init layout: files, modes, and the refusal to clobber. */
static void
test_pki_init(void **state)
{
	struct pkit_ca_pki_opts o;
	struct pkit_ca_pki_result res;
	const char *dns[] = { "localhost" };
	char base[300], **files = NULL;
	size_t i;

	(void)state;
	snprintf(base, sizeof(base), "%s/second", dir);
	memset(&o, 0, sizeof(o));
	o.base = base;
	o.name = "Second";
	o.dns = dns;
	o.ndns = 1;
	o.provisioner = "admin";
	o.password = o.prov_password = "pw";
	o.p2c = 1000;
	o.pki_only = 1;
	assert_int_equal(pkit_ca_pki_init(&F.ctx, &o, &res), 0);
	assert_null(res.config);
	assert_non_null(res.root_key);
	pkit_ca_pki_result_release(&res);
	assert_int_equal(pkit_ca_pki_init(&F.ctx, &o, &res), PKIT_ERR_EXISTS);
	o.force = 1;
	o.pki_only = 0;
	o.db = "postgresql://u@h/db";
	assert_int_equal(pkit_ca_pki_init(&F.ctx, &o, &res), 0);
	assert_string_equal(res.db, "postgresql://u@h/db");
	assert_null(res.db_dir);
	pkit_ca_pki_result_release(&res);
	assert_int_equal(pkit_ca_pki_files(&F.ctx, base, 0, 0, &files), 0);
	for (i = 0; files[i] != NULL; i++)
		assert_true(pkit_file_exists(files[i]));
	assert_int_equal(i, 6);
	pkit_ca_pki_files_free(files);
	{
		char *url = NULL;

		assert_int_equal(pkit_ca_pki_url(&F.ctx, "::1", ":9443", &url), 0);
		assert_string_equal(url, "https://[::1]:9443");
		free(url);
		assert_int_equal(pkit_ca_pki_url(&F.ctx, "ca", "0.0.0.0:443",
		    &url), 0);
		assert_string_equal(url, "https://ca");
		free(url);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_token_table),
		cmocka_unit_test(test_acme_never_authorizes),
		cmocka_unit_test(test_audiences),
		cmocka_unit_test(test_aud_strip),
		cmocka_unit_test(test_serial_parse),
		cmocka_unit_test(test_replay_memory),
		cmocka_unit_test(test_replay_database),
		cmocka_unit_test(test_sign_names),
		cmocka_unit_test(test_sign_cnf),
		cmocka_unit_test(test_sign_validity),
		cmocka_unit_test(test_sign_certificate),
		cmocka_unit_test(test_sign_templates),
		cmocka_unit_test(test_renew),
		cmocka_unit_test(test_revoke),
		cmocka_unit_test(test_step_captures),
		cmocka_unit_test(test_pki_init),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

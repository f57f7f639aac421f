/* token.c - one-time tokens and the request bodies of the CA client flows
 * (see token.h). */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/bn.h>

#include "lib/ca/client.h"
#include "lib/ca/token.h"
#include "lib/jws.h"
#include "lib/timeutil.h"
#include "lib/x509.h"
#include "lib/x509_build.h"

/* Longest serial number accepted (RFC 5280 allows 20 octets; leave room
 * for foreign CAs that do not follow it). */
#define SERIAL_MAX 128

int
pkit_token_validity(struct pkit_ctx *ctx, time_t not_before,
    time_t not_after, time_t now, time_t *nb, time_t *na)
{
	time_t b = not_before != 0 ? not_before : now;
	time_t a = not_after != 0 ? not_after : b + PKIT_TOKEN_VALIDITY;

	if (a < b)
		return pkit_seterr(ctx, PKIT_ERR_ARG, "--not-after is before "
		    "--not-before");
	if (b - now > PKIT_TOKEN_MAX_DELAY)
		return pkit_seterr(ctx, PKIT_ERR_ARG, "--not-before: a token "
		    "may start at most %d minutes from now",
		    PKIT_TOKEN_MAX_DELAY / 60);
	if (a - b < PKIT_TOKEN_MIN_VALIDITY)
		return pkit_seterr(ctx, PKIT_ERR_ARG, "--not-after: a token "
		    "must be valid for at least %d seconds",
		    PKIT_TOKEN_MIN_VALIDITY);
	if (a - b > PKIT_TOKEN_MAX_VALIDITY)
		return pkit_seterr(ctx, PKIT_ERR_ARG, "--not-after: a token "
		    "may be valid for at most %d hour", PKIT_TOKEN_MAX_VALIDITY /
		    3600);
	*nb = b;
	*na = a;
	return PKIT_OK;
}

/* The audience path of each token type. */
static const char *
aud_path(enum pkit_token_type type)
{
	switch (type) {
	case PKIT_TOKEN_SIGN:
		return "/1.0/sign";
	case PKIT_TOKEN_REVOKE:
		return "/1.0/revoke";
	case PKIT_TOKEN_SSH_SIGN:
		return "/1.0/ssh/sign";
	case PKIT_TOKEN_SSH_REVOKE:
		return "/1.0/ssh/revoke";
	}
	return NULL;
}

/* 1 when s is valid UTF-8 (as JSON strings must be). */
static int
utf8(const char *s)
{
	json_t *j = json_string(s);
	int ok = j != NULL;

	json_decref(j);
	return ok;
}

/* Set key to a new string value. */
static int
set_str(json_t *o, const char *key, const char *v)
{
	return json_object_set_new(o, key, json_string(v));
}

/* Set key to a JSON integer (seconds since the epoch). */
static int
set_time(json_t *o, const char *key, time_t t)
{
	return json_object_set_new(o, key, json_integer((json_int_t)t));
}

int
pkit_token_claims(struct pkit_ctx *ctx, const struct pkit_token_req *req,
    time_t now, json_t **out)
{
	char *url = NULL, *jti = NULL, *serial = NULL, *aud = NULL;
	char fp[PKIT_CA_FP_LEN + 1];
	const char *path = aud_path(req->type), *sub = req->subject;
	json_t *c = NULL, *sans = NULL;
	time_t nb, na;
	size_t i, n;
	int r = PKIT_ERR_INTERNAL;

	*out = NULL;
	if (path == NULL)
		return pkit_seterr(ctx, PKIT_ERR_ARG, "token: unknown type");
	if (req->issuer == NULL || *req->issuer == '\0')
		return pkit_seterr(ctx, PKIT_ERR_ARG, "token: no issuer "
		    "(provisioner name)");
	if (sub == NULL || *sub == '\0')
		return pkit_seterr(ctx, PKIT_ERR_ARG, "token: the subject is "
		    "empty");
	if (req->type == PKIT_TOKEN_REVOKE && req->nsans > 0)
		return pkit_seterr(ctx, PKIT_ERR_ARG, "token: a revoke token "
		    "carries no SANs");
	if (!utf8(req->issuer) || !utf8(sub) ||
	    (req->jti != NULL && !utf8(req->jti)))
		return pkit_seterr(ctx, PKIT_ERR_ARG, "token: the subject and "
		    "the provisioner name must be UTF-8");
	for (i = 0; i < req->nsans; i++)
		if (!utf8(req->sans[i]))
			return pkit_seterr(ctx, PKIT_ERR_ARG, "token: SAN %zu is "
			    "not UTF-8", i + 1);
	if (req->type == PKIT_TOKEN_SSH_SIGN && !json_is_object(req->step))
		return pkit_seterr(ctx, PKIT_ERR_ARG, "token: an SSH token "
		    "needs the \"step\" claim");
	if ((r = pkit_token_validity(ctx, req->not_before, req->not_after,
	    now, &nb, &na)) != 0)
		return r;
	if (req->sha != NULL &&
	    (r = pkit_ca_fingerprint_normalize(ctx, req->sha, fp)) != 0)
		return r;
	if (req->type == PKIT_TOKEN_REVOKE) {
		if ((r = pkit_ca_serial_parse(ctx, sub, &serial)) != 0)
			return r;
		sub = serial;
	}
	if ((r = pkit_ca_url_normalize(ctx, req->ca_url, &url)) != 0)
		goto out;
	n = strlen(url) + strlen(path) + 1;
	if ((aud = malloc(n)) == NULL) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "token");
		goto out;
	}
	snprintf(aud, n, "%s%s", url, path);
	if (req->jti == NULL && (r = pkit_jwt_new_jti(ctx, &jti)) != 0)
		goto out;
	if ((c = json_object()) == NULL ||
	    set_str(c, "aud", aud) != 0 ||
	    set_time(c, "exp", na) != 0 ||
	    set_time(c, "iat", now) != 0 ||
	    set_str(c, "iss", req->issuer) != 0 ||
	    set_str(c, "jti", req->jti != NULL ? req->jti : jti) != 0 ||
	    set_time(c, "nbf", nb) != 0 ||
	    set_str(c, "sub", sub) != 0 ||
	    (req->sha != NULL && set_str(c, "sha", fp) != 0))
		goto nomem;
	if (req->type == PKIT_TOKEN_SIGN) {
		if ((sans = json_array()) == NULL)
			goto nomem;
		for (i = 0; i < req->nsans; i++)
			if (json_array_append_new(sans,
			    json_string(req->sans[i])) != 0)
				goto nomem;
		if (req->nsans == 0 &&
		    json_array_append_new(sans, json_string(sub)) != 0)
			goto nomem;
		if (json_object_set_new(c, "sans", sans) != 0) {
			sans = NULL;
			goto nomem;
		}
		sans = NULL;
	}
	if (req->step != NULL && json_object_set(c, "step",
	    (json_t *)req->step) != 0)
		goto nomem;
	*out = c;
	c = NULL;
	r = PKIT_OK;
	goto out;
nomem:
	r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "token claims");
out:
	json_decref(sans);
	json_decref(c);
	free(url);
	free(aud);
	free(jti);
	free(serial);
	return r;
}

/* The kid of a signing key: its "kid", else its thumbprint. */
static int
key_kid(struct pkit_ctx *ctx, const struct pkit_jwk_key *key, char **out)
{
	const char *kid = json_string_value(json_object_get(key->jwk, "kid"));

	if (kid != NULL && *kid != '\0') {
		if ((*out = strdup(kid)) == NULL)
			return pkit_seterr(ctx, PKIT_ERR_NOMEM, "kid");
		return PKIT_OK;
	}
	return pkit_jwk_thumbprint(ctx, key->jwk, out);
}

int
pkit_token_sign(struct pkit_ctx *ctx, const struct pkit_jwk_key *key,
    const struct pkit_token_req *req, char **out)
{
	json_t *claims = NULL, *hdr = NULL;
	char *kid = NULL;
	const char *alg;
	int r;

	*out = NULL;
	if (!key->is_private)
		return pkit_seterr(ctx, PKIT_ERR_ARG, "token: the provisioner "
		    "key is not a private key");
	if ((alg = pkit_jws_alg_for_key(key, NULL)) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED, "token: no "
		    "signature algorithm for a %s key", key->kty);
	if ((r = pkit_token_claims(ctx, req, pkit_now(ctx), &claims)) != 0 ||
	    (r = key_kid(ctx, key, &kid)) != 0)
		goto out;
	if ((hdr = json_pack("{s:s}", "kid", kid)) == NULL) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "token");
		goto out;
	}
	r = pkit_jwt_sign(ctx, key, alg, hdr, claims, 0, out);
out:
	json_decref(hdr);
	json_decref(claims);
	free(kid);
	return r;
}

int
pkit_token_ssh_claim(struct pkit_ctx *ctx, int host, const char *key_id,
    const char *const *principals, size_t n, const char *valid_after,
    const char *valid_before, json_t **out)
{
	json_t *p = NULL, *o = NULL;
	size_t i;

	*out = NULL;
	if ((p = json_array()) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "step claim");
	for (i = 0; i < n; i++)
		if (json_array_append_new(p, json_string(principals[i])) != 0) {
			json_decref(p);
			return pkit_seterr(ctx, PKIT_ERR_ARG, "--principal '%s': "
			    "not UTF-8", principals[i]);
		}
	o = json_pack("{s:{s:s, s:s, s:o, s:s, s:s}}", "ssh",
	    "certType", host ? "host" : "user",
	    "keyID", key_id != NULL ? key_id : "",
	    "principals", p,
	    "validAfter", valid_after != NULL ? valid_after : "",
	    "validBefore", valid_before != NULL ? valid_before : "");
	if (o == NULL)
		return pkit_seterr(ctx, PKIT_ERR_ARG, "step claim: the key ID "
		    "and times must be UTF-8");
	*out = o;
	return PKIT_OK;
}

/* The common name of name as UTF-8, or "" when it has none. */
static int
common_name(struct pkit_ctx *ctx, const X509_NAME *name, char **out)
{
	unsigned char *u = NULL;
	int i, n;

	*out = NULL;
	if ((i = X509_NAME_get_index_by_NID((X509_NAME *)name,
	    NID_commonName, -1)) < 0) {
		if ((*out = strdup("")) == NULL)
			return pkit_seterr(ctx, PKIT_ERR_NOMEM, "common name");
		return PKIT_OK;
	}
	if ((n = ASN1_STRING_to_UTF8(&u, X509_NAME_ENTRY_get_data(
	    X509_NAME_get_entry(name, i)))) < 0)
		return pkit_seterr_ssl(ctx, PKIT_ERR_FORMAT, "common name");
	if (memchr(u, '\0', (size_t)n) != NULL) {
		OPENSSL_free(u);
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "the common name holds "
		    "a NUL byte");
	}
	*out = strdup((char *)u);
	OPENSSL_free(u);
	if (*out == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "common name");
	return PKIT_OK;
}

int
pkit_token_renew(struct pkit_ctx *ctx, STACK_OF(X509) *chain, EVP_PKEY *key,
    const char *ca_url, time_t now, char **out)
{
	struct pkit_jwk_key *k = NULL;
	json_t *jwk = NULL, *x5c = NULL, *hdr = NULL, *claims = NULL;
	char *url = NULL, *aud = NULL, *cn = NULL, *kid = NULL;
	const char *alg;
	size_t n;
	int r = PKIT_ERR_INTERNAL;

	*out = NULL;
	if (sk_X509_num(chain) < 1)
		return pkit_seterr(ctx, PKIT_ERR_ARG, "renew token: no "
		    "certificate");
	if ((r = pkit_jwk_from_key(ctx, key, 1, &jwk)) != 0 ||
	    (r = pkit_jwk_key_new(ctx, jwk, &k)) != 0 ||
	    (r = pkit_jwk_thumbprint(ctx, jwk, &kid)) != 0 ||
	    (r = pkit_jws_x5c(ctx, chain, k, &x5c)) != 0 ||
	    (r = common_name(ctx, X509_get_subject_name(sk_X509_value(chain,
	    0)), &cn)) != 0 ||
	    (r = pkit_ca_url_normalize(ctx, ca_url, &url)) != 0)
		goto out;
	if ((alg = pkit_jws_alg_for_key(k, NULL)) == NULL) {
		r = pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED, "renew token: no "
		    "signature algorithm for a %s key", k->kty);
		goto out;
	}
	n = strlen(url) + sizeof("/renew");
	if ((aud = malloc(n)) == NULL) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "renew token");
		goto out;
	}
	snprintf(aud, n, "%s/renew", url);
	hdr = json_pack("{s:s, s:O}", "kid", kid, "x5cInsecure", x5c);
	claims = json_pack("{s:s, s:I, s:I, s:s, s:I, s:s}", "aud", aud,
	    "exp", (json_int_t)(now + PKIT_TOKEN_VALIDITY),
	    "iat", (json_int_t)now, "iss", PKIT_TOKEN_RENEW_ISSUER,
	    "nbf", (json_int_t)now, "sub", cn);
	if (hdr == NULL || claims == NULL) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "renew token");
		goto out;
	}
	r = pkit_jwt_sign(ctx, k, alg, hdr, claims, 0, out);
out:
	pkit_jwk_key_free(k);
	pkit_jwk_free(jwk);
	json_decref(x5c);
	json_decref(hdr);
	json_decref(claims);
	free(url);
	free(aud);
	free(cn);
	free(kid);
	return r;
}

int
pkit_token_x5c(struct pkit_ctx *ctx, STACK_OF(X509) *chain, EVP_PKEY *key,
    const struct pkit_token_req *req, char **out)
{
	struct pkit_jwk_key *k = NULL;
	json_t *jwk = NULL, *x5c = NULL, *hdr = NULL, *claims = NULL;
	const char *alg, *aud;
	char *kid = NULL, *frag = NULL;
	size_t n;
	int r;

	*out = NULL;
	if (sk_X509_num(chain) < 1)
		return pkit_seterr(ctx, PKIT_ERR_ARG, "x5c token: no "
		    "certificate");
	if ((r = pkit_token_claims(ctx, req, pkit_now(ctx), &claims)) != 0 ||
	    (r = pkit_jwk_from_key(ctx, key, 1, &jwk)) != 0 ||
	    (r = pkit_jwk_key_new(ctx, jwk, &k)) != 0 ||
	    (r = pkit_jwk_thumbprint(ctx, jwk, &kid)) != 0 ||
	    (r = pkit_jws_x5c(ctx, chain, k, &x5c)) != 0)
		goto out;
	if ((alg = pkit_jws_alg_for_key(k, NULL)) == NULL) {
		r = pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED, "x5c token: no "
		    "signature algorithm for a %s key", k->kty);
		goto out;
	}
	aud = json_string_value(json_object_get(claims, "aud"));
	n = strlen(aud) + strlen(req->issuer) + sizeof("#x5c/");
	if ((frag = malloc(n)) == NULL) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "x5c token");
		goto out;
	}
	snprintf(frag, n, "%s#x5c/%s", aud, req->issuer);
	if (json_object_set_new(claims, "aud", json_string(frag)) != 0 ||
	    (hdr = json_pack("{s:s, s:O}", "kid", kid, "x5c", x5c)) == NULL) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "x5c token");
		goto out;
	}
	r = pkit_jwt_sign(ctx, k, alg, hdr, claims, 0, out);
out:
	pkit_jwk_key_free(k);
	pkit_jwk_free(jwk);
	json_decref(x5c);
	json_decref(hdr);
	json_decref(claims);
	free(kid);
	free(frag);
	return r;
}

/* ---- provisioners ---------------------------------------------------- */

const char *
pkit_token_provisioner_name(const json_t *prov)
{
	const char *s = json_string_value(json_object_get(prov, "name"));

	return s != NULL ? s : "";
}

const char *
pkit_token_provisioner_kid(const json_t *prov)
{
	const char *s = json_string_value(json_object_get(
	    json_object_get(prov, "key"), "kid"));

	return s != NULL ? s : "";
}

int
pkit_token_provisioners(struct pkit_ctx *ctx, const json_t *list,
    const char *name, const char *kid, json_t **out)
{
	const char *type, *other = NULL;
	json_t *arr, *p;
	size_t i;

	*out = NULL;
	if (!json_is_array(list))
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "provisioners: not a "
		    "list");
	if ((arr = json_array()) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "provisioners");
	json_array_foreach(list, i, p) {
		if (!json_is_object(p))
			continue;
		if (name != NULL && strcmp(pkit_token_provisioner_name(p),
		    name) != 0)
			continue;
		if (kid != NULL && strcmp(pkit_token_provisioner_kid(p),
		    kid) != 0)
			continue;
		type = json_string_value(json_object_get(p, "type"));
		if (type == NULL || strcasecmp(type, "JWK") != 0 ||
		    !json_is_object(json_object_get(p, "key"))) {
			if (other == NULL)
				other = type != NULL ? type : "unknown";
			continue;
		}
		if (json_array_append(arr, p) != 0) {
			json_decref(arr);
			return pkit_seterr(ctx, PKIT_ERR_NOMEM, "provisioners");
		}
	}
	if (json_array_size(arr) == 0 && name != NULL && other != NULL) {
		json_decref(arr);
		return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED, "provisioner "
		    "'%s' is of type %s: only JWK provisioners mint tokens",
		    name, other);
	}
	*out = arr;
	return PKIT_OK;
}

int
pkit_token_provisioners_typed(struct pkit_ctx *ctx, const json_t *list,
    const char *type, const char *name, json_t **out)
{
	const char *t;
	json_t *arr, *p;
	size_t i;

	*out = NULL;
	if (!json_is_array(list))
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "provisioners: not a "
		    "list");
	if ((arr = json_array()) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "provisioners");
	json_array_foreach(list, i, p) {
		t = json_string_value(json_object_get(p, "type"));
		if (t == NULL || strcasecmp(t, type) != 0 || (name != NULL &&
		    strcmp(pkit_token_provisioner_name(p), name) != 0))
			continue;
		if (json_array_append(arr, p) != 0) {
			json_decref(arr);
			return pkit_seterr(ctx, PKIT_ERR_NOMEM, "provisioners");
		}
	}
	*out = arr;
	return PKIT_OK;
}

/* PKIT_OK when jwk is a private key whose public half is prov's "key". */
static int
check_prov_key(struct pkit_ctx *ctx, const json_t *prov, json_t *jwk,
    const char *what)
{
	char *a = NULL, *b = NULL;
	int r;

	if (!pkit_jwk_is_private(jwk))
		return pkit_seterr(ctx, PKIT_ERR_ARG, "%s: not a private key",
		    what);
	if ((r = pkit_jwk_thumbprint(ctx, jwk, &a)) != 0)
		return r;
	if ((r = pkit_jwk_thumbprint(ctx, json_object_get(prov, "key"),
	    &b)) != 0) {
		free(a);
		return pkit_seterr(ctx, r, "provisioner '%s': its public key: "
		    "%s", pkit_token_provisioner_name(prov), ctx->errbuf);
	}
	if (strcmp(a, b) != 0)
		r = pkit_seterr(ctx, PKIT_ERR_MISMATCH, "%s is not the key of "
		    "provisioner '%s' (kid %s)", what,
		    pkit_token_provisioner_name(prov), b);
	free(a);
	free(b);
	return r;
}

/* Make the signing key of prov from a private JWK (reference taken). */
static int
prov_key(struct pkit_ctx *ctx, const json_t *prov, json_t *jwk,
    const char *what, struct pkit_jwk_key **out)
{
	const char *kid = pkit_token_provisioner_kid(prov);
	int r;

	if ((r = check_prov_key(ctx, prov, jwk, what)) != 0)
		goto fail;
	/* The token's kid is the provisioner's, whatever the key file
	 * says. */
	if (*kid != '\0' && json_object_set_new(jwk, "kid",
	    json_string(kid)) != 0) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", what);
		goto fail;
	}
	if ((r = pkit_jwk_key_new(ctx, jwk, out)) != 0)
		goto fail;
	/* The key object holds its own reference and wipes it when freed. */
	json_decref(jwk);
	return PKIT_OK;
fail:
	pkit_jwk_free(jwk);
	return r;
}

int
pkit_token_provisioner_key(struct pkit_ctx *ctx, const json_t *prov,
    const char *jwe, const char *password, struct pkit_jwk_key **out)
{
	const char *name = pkit_token_provisioner_name(prov);
	char what[256];
	json_t *jwk = NULL;
	int r;

	*out = NULL;
	snprintf(what, sizeof(what), "the key of provisioner '%s'", name);
	if ((r = pkit_jwk_decrypt(ctx, (const unsigned char *)jwe,
	    strlen(jwe), password, what, &jwk)) != 0) {
		if (r == PKIT_ERR_PASSWORD)
			return pkit_seterr(ctx, r, "%s: cannot decrypt it: wrong "
			    "password", what);
		return r;
	}
	if (!json_is_object(jwk)) {
		json_decref(jwk);
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: not a JWK", what);
	}
	return prov_key(ctx, prov, jwk, what, out);
}

int
pkit_token_provisioner_keyfile(struct pkit_ctx *ctx, const json_t *prov,
    const unsigned char *data, size_t len, const char *password,
    const char *name, struct pkit_jwk_key **out)
{
	json_t *jwk = NULL;
	int r;

	*out = NULL;
	if ((r = pkit_jwk_load(ctx, data, len, password, name, &jwk)) != 0)
		return r;
	return prov_key(ctx, prov, jwk, name, out);
}

/* ---- requests -------------------------------------------------------- */

int
pkit_ca_serial_parse(struct pkit_ctx *ctx, const char *s, char **out)
{
	BIGNUM *bn = NULL;
	const char *digits = s;
	char *dec, *copy;
	int hex = 0, n;
	size_t i;

	*out = NULL;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		hex = 1;
		digits = s + 2;
	}
	for (i = 0; digits[i] != '\0'; i++)
		if (!(hex ? isxdigit((unsigned char)digits[i]) :
		    isdigit((unsigned char)digits[i])))
			break;
	if (i == 0 || digits[i] != '\0' || i > SERIAL_MAX)
		return pkit_seterr(ctx, PKIT_ERR_ARG, "'%s' is not a serial "
		    "number (decimal, or hex after 0x)", s);
	n = hex ? BN_hex2bn(&bn, digits) : BN_dec2bn(&bn, digits);
	if (n <= 0 || bn == NULL) {
		BN_free(bn);
		return pkit_seterr_ssl(ctx, PKIT_ERR_ARG, "serial number '%s'",
		    s);
	}
	dec = BN_bn2dec(bn);
	BN_free(bn);
	if (dec == NULL)
		return pkit_seterr_ssl(ctx, PKIT_ERR_NOMEM, "serial number");
	copy = strdup(dec);
	OPENSSL_free(dec);
	if (copy == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "serial number");
	*out = copy;
	return PKIT_OK;
}

int
pkit_ca_serial_of(struct pkit_ctx *ctx, X509 *crt, char **out)
{
	BIGNUM *bn;
	char *dec, *copy;

	*out = NULL;
	if ((bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(crt), NULL)) ==
	    NULL)
		return pkit_seterr_ssl(ctx, PKIT_ERR_FORMAT, "serial number");
	dec = BN_bn2dec(bn);
	BN_free(bn);
	if (dec == NULL)
		return pkit_seterr_ssl(ctx, PKIT_ERR_NOMEM, "serial number");
	copy = strdup(dec);
	OPENSSL_free(dec);
	if (copy == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "serial number");
	*out = copy;
	return PKIT_OK;
}

int
pkit_ca_revoke_reason(struct pkit_ctx *ctx, const char *s, int *code)
{
	/* RFC 5280 CRLReason; 7 is not used. */
	static const char *const names[] = {
		"unspecified", "keycompromise", "cacompromise",
		"affiliationchanged", "superseded", "cessationofoperation",
		"certificatehold", NULL, "removefromcrl", "privilegewithdrawn",
		"aacompromise",
	};
	char word[64];
	size_t i, n = 0;
	char *end;
	long v;

	if (*s >= '0' && *s <= '9') {
		v = strtol(s, &end, 10);
		if (*end == '\0' && v >= 0 && v <= 10 && v != 7) {
			*code = (int)v;
			return PKIT_OK;
		}
	} else {
		for (i = 0; s[i] != '\0' && n + 1 < sizeof(word); i++)
			if (s[i] != ' ' && s[i] != '_' && s[i] != '-')
				word[n++] = (char)tolower((unsigned char)s[i]);
		word[n] = '\0';
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (names[i] != NULL && strcmp(names[i], word) == 0) {
				*code = (int)i;
				return PKIT_OK;
			}
	}
	return pkit_seterr(ctx, PKIT_ERR_ARG, "--reasonCode: '%s' is not a "
	    "reason: 0-6, 8-10, or a name such as KeyCompromise or "
	    "Superseded", s);
}

int
pkit_ca_time_duration(struct pkit_ctx *ctx, const char *s, const char *what,
    char *out, size_t size)
{
	struct pkit_ctx quiet;
	int64_t ns;
	time_t t;

	pkit_ctx_init(&quiet);
	if (pkit_duration_parse(&quiet, s, what, &ns) == 0) {
		pkit_ctx_release(&quiet);
		pkit_duration_format(ns, out, size);
		return PKIT_OK;
	}
	pkit_ctx_release(&quiet);
	if (pkit_time_parse(ctx, s, what, &t) != 0)
		return pkit_seterr(ctx, PKIT_ERR_ARG, "%s: '%s' is neither an "
		    "RFC 3339 time nor a duration (such as 24h or 90m)", what,
		    s);
	pkit_time_format(t, out, size);
	return PKIT_OK;
}

int
pkit_ca_csr(struct pkit_ctx *ctx, EVP_PKEY *key, const char *cn,
    const char *const *sans, size_t nsans, char **out)
{
	json_t *tmpl = NULL, *sj = NULL, *subject = NULL;
	X509_REQ *req = NULL;
	unsigned char *pem = NULL;
	size_t len = 0;
	char *s;
	int r;

	*out = NULL;
	if ((r = pkit_x509_sans_json(ctx, sans, nsans, &sj)) != 0)
		return r;
	subject = cn != NULL ? json_pack("{s:s}", "commonName", cn) :
	    json_object();
	if (subject == NULL || (tmpl = json_pack("{s:o, s:o}", "subject",
	    subject, "sans", sj)) == NULL) {
		json_decref(sj);
		return pkit_seterr(ctx, PKIT_ERR_ARG, "CSR: the subject must be "
		    "UTF-8");
	}
	if ((r = pkit_x509_csr_make(ctx, tmpl, "certificate request", key,
	    &req)) != 0 ||
	    (r = pkit_x509_csr_encode(ctx, req, PKIT_KEY_PEM, &pem,
	    &len)) != 0)
		goto out;
	if ((s = malloc(len + 1)) == NULL) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "CSR");
		goto out;
	}
	memcpy(s, pem, len);
	s[len] = '\0';
	*out = s;
	r = PKIT_OK;
out:
	free(pem);
	X509_REQ_free(req);
	json_decref(tmpl);
	return r;
}

int
pkit_ca_csr_names(struct pkit_ctx *ctx, X509_REQ *req, char **cn,
    json_t **sans)
{
	static const char *const lists[] = { "dnsNames", "ipAddresses",
	    "emailAddresses", "uris" };
	json_t *cr = NULL, *all = NULL, *v;
	const char *s;
	size_t i, k;
	int r;

	*cn = NULL;
	*sans = NULL;
	if ((r = pkit_x509_cr_json(ctx, req, &cr)) != 0)
		return r;
	if ((all = json_array()) == NULL) {
		json_decref(cr);
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "CSR names");
	}
	for (k = 0; k < sizeof(lists) / sizeof(lists[0]); k++)
		json_array_foreach(json_object_get(cr, lists[k]), i, v)
			if (json_is_string(v) && json_array_append(all, v) != 0) {
				r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "CSR names");
				goto out;
			}
	s = json_string_value(json_object_get(json_object_get(cr, "subject"),
	    "commonName"));
	if (s != NULL && *s != '\0' && (*cn = strdup(s)) == NULL) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "CSR names");
		goto out;
	}
	*sans = all;
	all = NULL;
	r = PKIT_OK;
out:
	json_decref(all);
	json_decref(cr);
	return r;
}

int
pkit_ca_sign_body(struct pkit_ctx *ctx, const char *csr_pem, const char *ott,
    const char *not_before, const char *not_after, json_t **out)
{
	json_t *o;

	*out = NULL;
	if ((o = json_pack("{s:s, s:s}", "csr", csr_pem, "ott", ott)) == NULL ||
	    (not_before != NULL && set_str(o, "notBefore", not_before) != 0) ||
	    (not_after != NULL && set_str(o, "notAfter", not_after) != 0)) {
		json_decref(o);
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "sign request");
	}
	*out = o;
	return PKIT_OK;
}

/* s without leading and trailing white space, as a new string. */
static char *
trimmed(const char *s, size_t n)
{
	while (n > 0 && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	return strndup(s, n);
}

int
pkit_ca_template_data(struct pkit_ctx *ctx, const unsigned char *file,
    size_t len, const char *file_name, const char *const *sets, size_t nsets,
    json_t **out)
{
	json_t *data = NULL, *v;
	json_error_t e;
	const char *eq;
	char *key = NULL, *val = NULL;
	size_t i;
	int r = PKIT_ERR_INTERNAL;

	*out = NULL;
	if (file == NULL && nsets == 0)
		return PKIT_OK;
	if (file != NULL) {
		data = json_loadb((const char *)file, len, 0, &e);
		if (data == NULL || !json_is_object(data)) {
			r = pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: %s", file_name,
			    data == NULL ? e.text : "not a JSON object");
			goto out;
		}
	} else if ((data = json_object()) == NULL)
		goto nomem;
	for (i = 0; i < nsets; i++) {
		if ((eq = strchr(sets[i], '=')) == NULL) {
			r = pkit_seterr(ctx, PKIT_ERR_USAGE, "--set '%s': not "
			    "KEY=VALUE", sets[i]);
			goto out;
		}
		if ((key = trimmed(sets[i], (size_t)(eq - sets[i]))) == NULL ||
		    (val = trimmed(eq + 1, strlen(eq + 1))) == NULL)
			goto nomem;
		if (*key == '\0') {
			r = pkit_seterr(ctx, PKIT_ERR_USAGE, "--set '%s': the key "
			    "is empty", sets[i]);
			goto out;
		}
		/* As step: the value as JSON when it parses, else a string. */
		if ((v = json_loads(val, JSON_DECODE_ANY, NULL)) == NULL &&
		    (v = json_string(val)) == NULL)
			goto nomem;
		if (json_object_set_new(data, key, v) != 0)
			goto nomem;
		free(key);
		free(val);
		key = val = NULL;
	}
	*out = data;
	data = NULL;
	r = PKIT_OK;
	goto out;
nomem:
	r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "template data");
out:
	free(key);
	free(val);
	json_decref(data);
	return r;
}

int
pkit_ca_rekey_body(struct pkit_ctx *ctx, const char *csr_pem, json_t **out)
{
	if ((*out = json_pack("{s:s}", "csr", csr_pem)) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "rekey request");
	return PKIT_OK;
}

int
pkit_ca_revoke_body(struct pkit_ctx *ctx, const char *serial, const char *ott,
    int reason_code, const char *reason, json_t **out)
{
	char *dec = NULL;
	json_t *o;
	int r;

	*out = NULL;
	if (reason_code < 0 || reason_code > 10 || reason_code == 7)
		return pkit_seterr(ctx, PKIT_ERR_ARG, "revocation reason code "
		    "%d is not valid", reason_code);
	if ((r = pkit_ca_serial_parse(ctx, serial, &dec)) != 0)
		return r;
	o = json_pack("{s:s, s:s, s:i, s:s, s:b}", "serial", dec,
	    "ott", ott != NULL ? ott : "", "reasonCode", reason_code,
	    "reason", reason != NULL ? reason : "", "passive", 1);
	free(dec);
	if (o == NULL)
		return pkit_seterr(ctx, PKIT_ERR_ARG, "--reason: not UTF-8");
	*out = o;
	return PKIT_OK;
}

int
pkit_ca_common_name(struct pkit_ctx *ctx, X509 *crt, char **out)
{
	return common_name(ctx, X509_get_subject_name(crt), out);
}

int
pkit_ca_chain_pem(struct pkit_ctx *ctx, STACK_OF(X509) *chain,
    unsigned char **out, size_t *len)
{
	unsigned char *all = NULL, *pem = NULL, *p;
	size_t n = 0, plen = 0;
	int i, r;

	*out = NULL;
	*len = 0;
	if (sk_X509_num(chain) < 1)
		return pkit_seterr(ctx, PKIT_ERR_ARG, "no certificate");
	for (i = 0; i < sk_X509_num(chain); i++) {
		if ((r = pkit_x509_encode(ctx, sk_X509_value(chain, i),
		    PKIT_KEY_PEM, &pem, &plen)) != 0) {
			free(all);
			return r;
		}
		if ((p = realloc(all, n + plen + 1)) == NULL) {
			free(pem);
			free(all);
			return pkit_seterr(ctx, PKIT_ERR_NOMEM, "certificate "
			    "chain");
		}
		all = p;
		memcpy(all + n, pem, plen);
		n += plen;
		all[n] = '\0';
		free(pem);
		pem = NULL;
	}
	*out = all;
	*len = n;
	return PKIT_OK;
}

/* jws.c - JSON Web Signatures and JSON Web Tokens.
 *
 * Parsing, serialization and every check are here; the signature
 * primitives are cjose's for HS*, RS*, PS* and ES* and OpenSSL's for
 * EdDSA.  Lengths are checked before cjose sees a signature: it trusts
 * them (an HMAC shorter than the hash would be read past its end).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjose/error.h>
#include <cjose/header.h>
#include <cjose/jwk.h>
#include <cjose/jws.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "codec.h"
#include "jws.h"
#include "key.h"
#include "rand.h"
#include "secret.h"

enum family { F_HMAC, F_RSA, F_PSS, F_EC, F_EDDSA };

static const struct jws_alg {
	const char *name;
	enum family fam;
	size_t hlen;		/* hash (HMAC) length */
	const char *crv;	/* EC/OKP curve */
	size_t clen;		/* EC coordinate length */
} algs[] = {
	{ "HS256", F_HMAC, 32, NULL, 0 },
	{ "HS384", F_HMAC, 48, NULL, 0 },
	{ "HS512", F_HMAC, 64, NULL, 0 },
	{ "RS256", F_RSA, 32, NULL, 0 },
	{ "RS384", F_RSA, 48, NULL, 0 },
	{ "RS512", F_RSA, 64, NULL, 0 },
	{ "PS256", F_PSS, 32, NULL, 0 },
	{ "PS384", F_PSS, 48, NULL, 0 },
	{ "PS512", F_PSS, 64, NULL, 0 },
	{ "ES256", F_EC, 32, "P-256", 32 },
	{ "ES384", F_EC, 48, "P-384", 48 },
	{ "ES512", F_EC, 64, "P-521", 66 },
	{ "EdDSA", F_EDDSA, 0, "Ed25519", 0 },
};

/* Header parameters registered by RFC 7515, 7516 and 7518: "crit" may
 * not list them. */
static const char *const registered[] = {
	"alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ",
	"cty", "crit", "enc", "zip", "epk", "apu", "apv", "iv", "tag", "p2s",
	"p2c", NULL
};

static const struct jws_alg *
find_alg(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < sizeof(algs) / sizeof(algs[0]); i++)
		if (strcmp(algs[i].name, name) == 0)
			return &algs[i];
	return NULL;
}

static const char *
get_string(const json_t *o, const char *name)
{
	return json_string_value(json_object_get(o, name));
}

/* ---- shared header helpers ------------------------------------------ */

int
pkit_jose_check_crit(struct pkit_ctx *ctx, const json_t *prot,
    const json_t *unprot, const char *name)
{
	json_t *crit, *v;
	size_t i, j;

	if (json_object_get(unprot, "crit") != NULL)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: \"crit\" must be in the protected header", name);
	if ((crit = json_object_get(prot, "crit")) == NULL)
		return PKIT_OK;
	if (!json_is_array(crit) || json_array_size(crit) == 0)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: \"crit\" must be a non-empty array", name);
	json_array_foreach(crit, i, v) {
		const char *s = json_string_value(v);

		if (s == NULL)
			return pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "%s: \"crit\" must list names", name);
		for (j = 0; registered[j] != NULL; j++)
			if (strcmp(s, registered[j]) == 0)
				return pkit_seterr(ctx, PKIT_ERR_FORMAT,
				    "%s: \"crit\" lists the registered "
				    "parameter \"%s\"", name, s);
		if (json_object_get(prot, s) == NULL)
			return pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "%s: \"crit\" lists \"%s\", which is not in the "
			    "header", name, s);
		/* pkit implements no extension header parameter. */
		return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED,
		    "%s: critical header parameter \"%s\" is not supported",
		    name, s);
	}
	return PKIT_OK;
}

int
pkit_jose_join_headers(struct pkit_ctx *ctx, const json_t *a, const json_t *b,
    const json_t *c, const char *name, json_t **out)
{
	const json_t *parts[3] = { a, b, c };
	const char *k;
	json_t *o, *v;
	size_t i;

	if ((o = json_object()) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", name);
	for (i = 0; i < 3; i++) {
		if (parts[i] == NULL)
			continue;
		json_object_foreach((json_t *)parts[i], k, v) {
			if (json_object_get(o, k) != NULL) {
				json_decref(o);
				return pkit_seterr(ctx, PKIT_ERR_FORMAT,
				    "%s: header parameter \"%s\" appears in "
				    "more than one header", name, k);
			}
			if (json_object_set(o, k, v) != 0) {
				json_decref(o);
				return pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s",
				    name);
			}
		}
	}
	*out = o;
	return PKIT_OK;
}

int
pkit_jose_b64_json(struct pkit_ctx *ctx, const char *b64, size_t len,
    const char *what, json_t **out)
{
	unsigned char *raw = NULL;
	size_t rawlen = 0;
	json_error_t e;
	json_t *o;

	if (pkit_b64_decode(ctx, PKIT_B64_URL_RAW, b64, len, &raw,
	    &rawlen) != 0)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: not base64url", what);
	o = json_loadb((const char *)raw, rawlen, JSON_REJECT_DUPLICATES, &e);
	free(raw);
	if (o == NULL)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: invalid JSON: %s",
		    what, e.text);
	if (!json_is_object(o)) {
		json_decref(o);
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: not a JSON object", what);
	}
	*out = o;
	return PKIT_OK;
}

int
pkit_jose_json_b64(struct pkit_ctx *ctx, const json_t *o, size_t flags,
    char **out)
{
	char *s;
	int r;

	if ((s = json_dumps(o, JSON_COMPACT | flags)) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "JOSE header");
	r = pkit_b64_encode(ctx, PKIT_B64_URL_RAW, (unsigned char *)s,
	    strlen(s), out);
	free(s);
	return r;
}

static int
strcmp_ptr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A copy of o with its members in sorted order (cjose writes headers in
 * insertion order; step's are sorted). */
static json_t *
sorted_copy(const json_t *o)
{
	const char *k, **keys;
	size_t n = json_object_size(o), i = 0;
	json_t *c, *v;

	if ((c = json_object()) == NULL)
		return NULL;
	if (n == 0)
		return c;
	if ((keys = calloc(n, sizeof(*keys))) == NULL) {
		json_decref(c);
		return NULL;
	}
	json_object_foreach((json_t *)o, k, v)
		keys[i++] = k;
	qsort(keys, n, sizeof(*keys), strcmp_ptr);
	for (i = 0; i < n; i++) {
		if (json_object_set(c, keys[i], json_object_get(o,
		    keys[i])) != 0) {
			json_decref(c);
			c = NULL;
			break;
		}
	}
	free(keys);
	return c;
}

/* ---- parsing --------------------------------------------------------- */

static void
sig_release(struct pkit_jws_sig *s)
{
	free(s->protected_b64);
	json_decref(s->protected);
	json_decref(s->header);
	json_decref(s->joined);
	free(s->sig);
	free(s->sig_b64);
}

void
pkit_jws_free(struct pkit_jws *jws)
{
	size_t i;

	if (jws == NULL)
		return;
	for (i = 0; i < jws->nsig; i++)
		sig_release(&jws->sigs[i]);
	free(jws->sigs);
	free(jws->payload_b64);
	pkit_secret_free(jws->payload, jws->payload_len);
	free(jws);
}

static char *
dupn(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d != NULL) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

/* Fill one signature from its parts (protected may be NULL in JSON). */
static int
sig_fill(struct pkit_ctx *ctx, struct pkit_jws_sig *s, const char *prot,
    size_t plen, const json_t *header, const char *sig, size_t slen,
    const char *name)
{
	char what[256];
	int r;

	if ((s->protected_b64 = dupn(prot != NULL ? prot : "", plen)) == NULL ||
	    (s->sig_b64 = dupn(sig, slen)) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", name);
	if (plen > 0) {
		snprintf(what, sizeof(what), "%s: protected header", name);
		if ((r = pkit_jose_b64_json(ctx, prot, plen, what,
		    &s->protected)) != 0)
			return r;
	}
	if (header != NULL) {
		if (!json_is_object(header))
			return pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "%s: \"header\" is not an object", name);
		s->header = json_incref((json_t *)header);
	}
	if (s->protected == NULL && s->header == NULL)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: a signature has no header", name);
	if ((r = pkit_jose_join_headers(ctx, s->protected, s->header, NULL,
	    name, &s->joined)) != 0)
		return r;
	if (pkit_b64_decode(ctx, PKIT_B64_URL_RAW, sig, slen, &s->sig,
	    &s->sig_len) != 0)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: the signature is not base64url", name);
	return PKIT_OK;
}

static int
set_payload_b64(struct pkit_ctx *ctx, struct pkit_jws *jws, const char *p,
    size_t len, const char *name)
{
	if ((jws->payload_b64 = dupn(p, len)) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", name);
	if (pkit_b64_decode(ctx, PKIT_B64_URL_RAW, p, len, &jws->payload,
	    &jws->payload_len) != 0)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: the payload is not base64url", name);
	return PKIT_OK;
}

static int
parse_compact(struct pkit_ctx *ctx, struct pkit_jws *jws, const char *in,
    size_t len, const char *name)
{
	const char *d1, *d2;
	size_t i, dots = 0;

	for (i = 0; i < len; i++)
		dots += in[i] == '.';
	if (dots != 2)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: not a JWS (expected three dot-separated parts, got "
		    "%zu)", name, dots + 1);
	d1 = memchr(in, '.', len);
	d2 = memchr(d1 + 1, '.', len - (size_t)(d1 + 1 - in));
	if (d1 == in)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: the protected header is empty", name);
	if ((jws->sigs = calloc(1, sizeof(*jws->sigs))) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", name);
	jws->nsig = 1;
	/* An empty payload part is either a detached payload or an empty
	 * one (ACME's POST-as-GET): it verifies as empty unless
	 * pkit_jws_set_payload() gives the detached content. */
	if (d2 == d1 + 1)
		jws->detached = 1;
	if (set_payload_b64(ctx, jws, d1 + 1, (size_t)(d2 - d1 - 1),
	    name) != 0)
		return ctx->err;
	return sig_fill(ctx, &jws->sigs[0], in, (size_t)(d1 - in), NULL,
	    d2 + 1, len - (size_t)(d2 + 1 - in), name);
}

static int
json_sig(struct pkit_ctx *ctx, struct pkit_jws_sig *s, const json_t *o,
    const char *name)
{
	const json_t *p = json_object_get(o, "protected");
	const json_t *sig = json_object_get(o, "signature");

	if (!json_is_string(sig))
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: a signature has no \"signature\"", name);
	if (p != NULL && !json_is_string(p))
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: \"protected\" is not a string", name);
	return sig_fill(ctx, s, json_string_value(p), json_string_length(p),
	    json_object_get(o, "header"), json_string_value(sig),
	    json_string_length(sig), name);
}

static int
parse_json(struct pkit_ctx *ctx, struct pkit_jws *jws, const char *in,
    size_t len, const char *name)
{
	json_t *o, *payload, *sigs, *v;
	json_error_t e;
	size_t i;
	int r = PKIT_ERR_INTERNAL;

	if ((o = json_loadb(in, len, JSON_REJECT_DUPLICATES, &e)) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: invalid JSON: %s",
		    name, e.text);
	jws->json = 1;
	if (!json_is_object(o)) {
		r = pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: not a JWS", name);
		goto out;
	}
	payload = json_object_get(o, "payload");
	if (payload == NULL) {
		jws->detached = 1;
	} else if (!json_is_string(payload)) {
		r = pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: \"payload\" is not a string", name);
		goto out;
	} else if ((r = set_payload_b64(ctx, jws, json_string_value(payload),
	    json_string_length(payload), name)) != 0) {
		goto out;
	}
	sigs = json_object_get(o, "signatures");
	if (sigs != NULL) {
		if (!json_is_array(sigs) || json_array_size(sigs) == 0 ||
		    json_object_get(o, "signature") != NULL) {
			r = pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "%s: \"signatures\" must be a non-empty array",
			    name);
			goto out;
		}
		if ((jws->sigs = calloc(json_array_size(sigs),
		    sizeof(*jws->sigs))) == NULL) {
			r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", name);
			goto out;
		}
		json_array_foreach(sigs, i, v) {
			jws->nsig++;
			if (!json_is_object(v)) {
				r = pkit_seterr(ctx, PKIT_ERR_FORMAT,
				    "%s: a signature is not an object", name);
				goto out;
			}
			if ((r = json_sig(ctx, &jws->sigs[i], v, name)) != 0)
				goto out;
		}
	} else {
		if ((jws->sigs = calloc(1, sizeof(*jws->sigs))) == NULL) {
			r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", name);
			goto out;
		}
		jws->nsig = 1;
		if ((r = json_sig(ctx, &jws->sigs[0], o, name)) != 0)
			goto out;
	}
	r = PKIT_OK;
out:
	json_decref(o);
	return r;
}

int
pkit_jws_parse(struct pkit_ctx *ctx, const char *in, size_t len,
    const char *name, struct pkit_jws **out)
{
	struct pkit_jws *jws;
	int r;

	while (len > 0 && (*in == ' ' || *in == '\t' || *in == '\n' ||
	    *in == '\r')) {
		in++;
		len--;
	}
	while (len > 0 && (in[len - 1] == ' ' || in[len - 1] == '\t' ||
	    in[len - 1] == '\n' || in[len - 1] == '\r'))
		len--;
	if (len == 0)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: empty", name);
	if (len > PKIT_JWS_MAX)
		return pkit_seterr(ctx, PKIT_ERR_TOO_LARGE,
		    "%s: larger than %d bytes", name, PKIT_JWS_MAX);
	if ((jws = calloc(1, sizeof(*jws))) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", name);
	if (in[0] == '{')
		r = parse_json(ctx, jws, in, len, name);
	else
		r = parse_compact(ctx, jws, in, len, name);
	if (r != 0) {
		pkit_jws_free(jws);
		return r;
	}
	*out = jws;
	return PKIT_OK;
}

int
pkit_jws_set_payload(struct pkit_ctx *ctx, struct pkit_jws *jws,
    const unsigned char *payload, size_t len)
{
	char *b64 = NULL;
	unsigned char *copy;
	int r;

	if ((r = pkit_b64_encode(ctx, PKIT_B64_URL_RAW, payload, len,
	    &b64)) != 0)
		return r;
	if ((copy = malloc(len + 1)) == NULL) {
		free(b64);
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "JWS payload");
	}
	if (len > 0)
		memcpy(copy, payload, len);
	free(jws->payload_b64);
	pkit_secret_free(jws->payload, jws->payload_len);
	jws->payload_b64 = b64;
	jws->payload = copy;
	jws->payload_len = len;
	return PKIT_OK;
}

/* ---- algorithms and keys --------------------------------------------- */

const char *
pkit_jws_alg_for_key(const struct pkit_jwk_key *key, const char *want)
{
	const char *alg;

	if (want != NULL)
		return want;
	if ((alg = get_string(key->jwk, "alg")) != NULL)
		return alg;
	if (strcmp(key->kty, "EC") == 0 && key->crv != NULL) {
		size_t i;

		for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
			if (algs[i].fam == F_EC &&
			    strcmp(algs[i].crv, key->crv) == 0)
				return algs[i].name;
	}
	if (strcmp(key->kty, "OKP") == 0 && key->crv != NULL &&
	    strcmp(key->crv, "Ed25519") == 0)
		return "EdDSA";
	return NULL;
}

int
pkit_jws_alg_check(struct pkit_ctx *ctx, const struct pkit_jwk_key *key,
    const char *alg, int sign, int insecure)
{
	const struct jws_alg *a = find_alg(alg);
	const char *use = get_string(key->jwk, "use");
	const char *want = NULL;

	if (alg != NULL && strcasecmp(alg, "none") == 0)
		return pkit_seterr(ctx, PKIT_ERR_VERIFY,
		    "JWS: alg \"none\" (no signature) is never accepted");
	if (a == NULL)
		return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED,
		    "JWS: algorithm \"%s\" is not supported", alg ? alg : "");
	if (use != NULL && strcmp(use, "sig") != 0)
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "JWS: the key is for use \"%s\", not \"sig\"", use);
	switch (a->fam) {
	case F_HMAC:
		want = "oct";
		break;
	case F_RSA:
	case F_PSS:
		want = "RSA";
		break;
	case F_EC:
		want = "EC";
		break;
	case F_EDDSA:
		want = "OKP";
		break;
	}
	if (strcmp(key->kty, want) != 0 || (a->crv != NULL &&
	    (key->crv == NULL || strcmp(a->crv, key->crv) != 0)))
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "JWS: alg \"%s\" does not suit a%s %s%s%s key", alg,
		    strcmp(key->kty, "oct") != 0 ? "n" : "", key->kty,
		    key->crv ? " " : "", key->crv ? key->crv : "");
	if (sign && !key->is_private)
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "JWS: a public key cannot sign");
	if (a->fam == F_HMAC && key->secret_len < a->hlen && !insecure)
		return pkit_seterr(ctx, PKIT_ERR_INSECURE,
		    "JWS: %s needs a key of at least %zu bytes, this one has "
		    "%zu (use --insecure to allow it)", alg, a->hlen,
		    key->secret_len);
	if ((a->fam == F_RSA || a->fam == F_PSS) && key->bits < 2048 &&
	    !insecure)
		return pkit_seterr(ctx, PKIT_ERR_INSECURE,
		    "JWS: RSA keys shorter than 2048 bits need --insecure");
	return PKIT_OK;
}

static void *
cjose_key(struct pkit_ctx *ctx, const struct pkit_jwk_key *key, int *r)
{
	char why[256];
	void *k;

	if (key->cjose != NULL)
		return key->cjose;
	k = pkit_jwk_cjose_import(key->jwk, why, sizeof(why));
	if (k != NULL)
		cjose_jwk_release(k);
	*r = pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED,
	    "JWS: cjose cannot use this key: %s", k ? "unknown reason" : why);
	return NULL;
}

static int
cjose_fail(struct pkit_ctx *ctx, int code, const char *what, cjose_err *err)
{
	return pkit_seterr(ctx, code, "JWS: %s: %s", what,
	    err->message != NULL ? err->message : "cjose failed");
}

/* EdDSA (RFC 8037) through OpenSSL. */
static int
eddsa_sign(struct pkit_ctx *ctx, EVP_PKEY *pkey, const char *tbs, size_t n,
    unsigned char *sig, size_t *siglen)
{
	EVP_MD_CTX *m;
	int ok;

	if ((m = EVP_MD_CTX_new()) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "JWS");
	ok = EVP_DigestSignInit_ex(m, NULL, NULL, ctx->libctx, ctx->propq,
	    pkey, NULL) == 1 && EVP_DigestSign(m, sig, siglen,
	    (const unsigned char *)tbs, n) == 1;
	EVP_MD_CTX_free(m);
	if (!ok)
		return pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "JWS: EdDSA");
	return PKIT_OK;
}

static int
eddsa_verify(struct pkit_ctx *ctx, EVP_PKEY *pkey, const char *tbs, size_t n,
    const unsigned char *sig, size_t siglen)
{
	EVP_MD_CTX *m;
	int ok;

	if ((m = EVP_MD_CTX_new()) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "JWS");
	ok = EVP_DigestVerifyInit_ex(m, NULL, NULL, ctx->libctx, ctx->propq,
	    pkey, NULL) == 1 && EVP_DigestVerify(m, sig, siglen,
	    (const unsigned char *)tbs, n) == 1;
	EVP_MD_CTX_free(m);
	ERR_clear_error();
	return ok ? PKIT_OK : pkit_seterr(ctx, PKIT_ERR_VERIFY,
	    "JWS: invalid signature");
}

/* ---- signing ---------------------------------------------------------- */

static int
assemble(struct pkit_ctx *ctx, const struct pkit_jws_sign_opts *o,
    const char *prot, const char *pay, const char *sig, char **out)
{
	json_t *j;
	char *s;
	size_t n;

	if (o->json) {
		j = json_object();
		if (j == NULL || (!o->detached && json_object_set_new(j,
		    "payload", json_string(pay)) != 0) ||
		    json_object_set_new(j, "protected",
		    json_string(prot)) != 0 ||
		    json_object_set_new(j, "signature",
		    json_string(sig)) != 0 ||
		    (s = json_dumps(j, JSON_COMPACT)) == NULL) {
			json_decref(j);
			return pkit_seterr(ctx, PKIT_ERR_NOMEM, "JWS");
		}
		json_decref(j);
		*out = s;
		return PKIT_OK;
	}
	if (o->detached)
		pay = "";
	n = strlen(prot) + strlen(pay) + strlen(sig) + 3;
	if ((s = malloc(n)) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "JWS");
	snprintf(s, n, "%s.%s.%s", prot, pay, sig);
	*out = s;
	return PKIT_OK;
}

int
pkit_jws_sign(struct pkit_ctx *ctx, const struct pkit_jwk_key *key,
    const struct pkit_jws_sign_opts *o, const unsigned char *payload,
    size_t len, char **out)
{
	const char *alg = pkit_jws_alg_for_key(key, o->alg), *k;
	const struct jws_alg *a;
	json_t *hdr = NULL, *sorted = NULL, *v;
	char *prot = NULL, *pay = NULL, *sig = NULL, *tbs = NULL;
	cjose_jws_t *cj = NULL;
	cjose_err err;
	int r = PKIT_ERR_INTERNAL;

	memset(&err, 0, sizeof(err));
	if (alg == NULL)
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "JWS: the key does not say which algorithm to use; "
		    "use --alg");
	if ((r = pkit_jws_alg_check(ctx, key, alg, 1, o->insecure)) != 0)
		return r;
	a = find_alg(alg);
	if ((hdr = json_object()) == NULL ||
	    json_object_set_new(hdr, "alg", json_string(alg)) != 0)
		goto nomem;
	if (o->header != NULL) {
		json_object_foreach((json_t *)o->header, k, v) {
			if (strcmp(k, "alg") != 0 &&
			    json_object_set(hdr, k, v) != 0)
				goto nomem;
		}
	}
	if ((sorted = sorted_copy(hdr)) == NULL)
		goto nomem;
	if (a->fam == F_EDDSA) {
		unsigned char raw[64];
		size_t rawlen = sizeof(raw), n;

		if ((r = pkit_jose_json_b64(ctx, sorted, 0, &prot)) != 0 ||
		    (r = pkit_b64_encode(ctx, PKIT_B64_URL_RAW, payload, len,
		    &pay)) != 0)
			goto out;
		n = strlen(prot) + strlen(pay) + 2;
		if ((tbs = malloc(n)) == NULL)
			goto nomem;
		snprintf(tbs, n, "%s.%s", prot, pay);
		if ((r = eddsa_sign(ctx, key->pkey, tbs, n - 1, raw,
		    &rawlen)) != 0 ||
		    (r = pkit_b64_encode(ctx, PKIT_B64_URL_RAW, raw, rawlen,
		    &sig)) != 0)
			goto out;
	} else {
		const char *ser = NULL, *d1, *d2;
		void *cjk;

		if ((cjk = cjose_key(ctx, key, &r)) == NULL)
			goto out;
		if ((cj = cjose_jws_sign(cjk, sorted, payload != NULL ?
		    payload : (const unsigned char *)"", len, &err)) == NULL ||
		    !cjose_jws_export(cj, &ser, &err) || ser == NULL) {
			r = cjose_fail(ctx, PKIT_ERR_CRYPTO, "signing", &err);
			goto out;
		}
		if ((d1 = strchr(ser, '.')) == NULL ||
		    (d2 = strchr(d1 + 1, '.')) == NULL) {
			r = pkit_seterr(ctx, PKIT_ERR_INTERNAL,
			    "JWS: cjose returned a malformed JWS");
			goto out;
		}
		if ((prot = dupn(ser, (size_t)(d1 - ser))) == NULL ||
		    (pay = dupn(d1 + 1, (size_t)(d2 - d1 - 1))) == NULL ||
		    (sig = strdup(d2 + 1)) == NULL)
			goto nomem;
	}
	r = assemble(ctx, o, prot, pay, sig, out);
	goto out;
nomem:
	r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "JWS: out of memory");
out:
	if (cj != NULL)
		cjose_jws_release(cj);
	json_decref(hdr);
	json_decref(sorted);
	free(prot);
	free(pay);
	free(sig);
	free(tbs);
	return r;
}

/* ---- verification ----------------------------------------------------- */

static int
expected_sig_len(const struct jws_alg *a, const struct pkit_jwk_key *key,
    size_t *n)
{
	switch (a->fam) {
	case F_HMAC:
		*n = a->hlen;
		return 1;
	case F_RSA:
	case F_PSS:
		*n = (size_t)(key->bits + 7) / 8;
		return 1;
	case F_EC:
		*n = 2 * a->clen;
		return 1;
	case F_EDDSA:
		*n = 64;
		return 1;
	}
	return 0;
}

static int
verify_one(struct pkit_ctx *ctx, const struct pkit_jws *jws,
    const struct pkit_jws_sig *s, const struct pkit_jwk_key *key,
    const struct pkit_jws_verify_opts *o)
{
	const char *alg = get_string(s->joined, "alg"), *want, *kid;
	const struct jws_alg *a;
	json_t *b64;
	char *tbs = NULL;
	size_t n, siglen;
	cjose_jws_t *cj = NULL;
	cjose_err err;
	int r = PKIT_ERR_INTERNAL;

	memset(&err, 0, sizeof(err));
	if (alg == NULL)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "JWS: the header has no \"alg\"");
	if (strcasecmp(alg, "none") == 0)
		return pkit_seterr(ctx, PKIT_ERR_VERIFY,
		    "JWS: alg \"none\" (no signature) is never accepted");
	if (get_string(s->protected, "alg") == NULL)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "JWS: \"alg\" must be in the protected header");
	if ((r = pkit_jose_check_crit(ctx, s->protected, s->header,
	    "JWS")) != 0)
		return r;
	if ((b64 = json_object_get(s->joined, "b64")) != NULL &&
	    !json_is_true(b64))
		return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED,
		    "JWS: unencoded payloads (\"b64\": false) are not "
		    "supported");
	if ((a = find_alg(alg)) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED,
		    "JWS: algorithm \"%s\" is not supported", alg);
	if ((r = pkit_jws_alg_check(ctx, key, alg, 0, o->insecure)) != 0)
		return r;
	want = pkit_jws_alg_for_key(key, o->alg);
	if (want == NULL && !o->insecure)
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "JWS: the key does not say which algorithm to expect; "
		    "use --alg");
	if (want != NULL && strcmp(want, alg) != 0)
		return pkit_seterr(ctx, PKIT_ERR_VERIFY,
		    "JWS: alg \"%s\" is not the expected \"%s\"", alg, want);
	if (o->kid != NULL && (kid = get_string(s->joined, "kid")) != NULL &&
	    strcmp(kid, o->kid) != 0)
		return pkit_seterr(ctx, PKIT_ERR_VERIFY,
		    "JWS: kid \"%s\" is not the expected \"%s\"", kid, o->kid);
	if (jws->payload_b64 == NULL)
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "JWS: the payload is detached and was not given");
	if (!expected_sig_len(a, key, &siglen) || s->sig_len != siglen)
		return pkit_seterr(ctx, PKIT_ERR_VERIFY,
		    "JWS: invalid signature (%zu bytes, %s needs %zu)",
		    s->sig_len, alg, siglen);
	if (a->fam == F_EDDSA) {
		n = strlen(s->protected_b64) + strlen(jws->payload_b64) + 2;
		if ((tbs = malloc(n)) == NULL)
			return pkit_seterr(ctx, PKIT_ERR_NOMEM, "JWS");
		snprintf(tbs, n, "%s.%s", s->protected_b64, jws->payload_b64);
		r = eddsa_verify(ctx, key->pkey, tbs, n - 1, s->sig,
		    s->sig_len);
		free(tbs);
		return r;
	} else {
		void *cjk;

		if ((cjk = cjose_key(ctx, key, &r)) == NULL)
			return r;
		n = strlen(s->protected_b64) + strlen(jws->payload_b64) +
		    strlen(s->sig_b64) + 3;
		if ((tbs = malloc(n)) == NULL)
			return pkit_seterr(ctx, PKIT_ERR_NOMEM, "JWS");
		snprintf(tbs, n, "%s.%s.%s", s->protected_b64, jws->payload_b64,
		    s->sig_b64);
		if ((cj = cjose_jws_import(tbs, n - 1, &err)) == NULL) {
			r = cjose_fail(ctx, PKIT_ERR_FORMAT, "cannot read",
			    &err);
		} else if (!cjose_jws_verify(cj, cjk, &err)) {
			r = pkit_seterr(ctx, PKIT_ERR_VERIFY,
			    "JWS: invalid signature");
		} else {
			r = PKIT_OK;
		}
		ERR_clear_error();
		if (cj != NULL)
			cjose_jws_release(cj);
		free(tbs);
		return r;
	}
}

int
pkit_jws_verify(struct pkit_ctx *ctx, const struct pkit_jws *jws,
    const struct pkit_jwk_key *key, const struct pkit_jws_verify_opts *o,
    size_t *which)
{
	size_t i;
	int r = PKIT_ERR_VERIFY;

	for (i = 0; i < jws->nsig; i++) {
		if ((r = verify_one(ctx, jws, &jws->sigs[i], key, o)) == 0) {
			if (which != NULL)
				*which = i;
			return PKIT_OK;
		}
	}
	return r;
}

int
pkit_jws_to_inspect(struct pkit_ctx *ctx, const struct pkit_jws *jws,
    json_t **out)
{
	const struct pkit_jws_sig *s = &jws->sigs[0];
	json_t *o;

	if ((o = json_object()) == NULL ||
	    json_object_set(o, "header", s->joined) != 0 ||
	    json_object_set_new(o, "payload", json_string(jws->payload_b64 ?
	    jws->payload_b64 : "")) != 0 ||
	    json_object_set_new(o, "signature", json_string(s->sig_b64)) != 0) {
		json_decref(o);
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "JWS");
	}
	*out = o;
	return PKIT_OK;
}

/* ---- JWT --------------------------------------------------------------- */

static int
jwt_parse(struct pkit_ctx *ctx, const char *token, size_t len,
    struct pkit_jws **jws, json_t **claims)
{
	json_error_t e;
	json_t *c;
	int r;

	while (len > 0 && (token[len - 1] == '\n' || token[len - 1] == '\r' ||
	    token[len - 1] == ' ' || token[len - 1] == '\t'))
		len--;
	while (len > 0 && (*token == ' ' || *token == '\n' || *token == '\t' ||
	    *token == '\r')) {
		token++;
		len--;
	}
	if (len > 0 && token[0] == '{')
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "JWT: a JWT uses the compact serialization, not JSON");
	if (len > 0 && memchr(token, '.', len) != NULL) {
		size_t i, dots = 0;

		for (i = 0; i < len; i++)
			dots += token[i] == '.';
		if (dots == 4)
			return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED,
			    "JWT: encrypted JWTs (JWE) are not supported here; "
			    "decrypt it with 'pkit crypto jwe decrypt'");
	}
	if ((r = pkit_jws_parse(ctx, token, len, "JWT", jws)) != 0)
		return r;
	if ((*jws)->detached) {
		pkit_jws_free(*jws);
		*jws = NULL;
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "JWT: no payload");
	}
	c = json_loadb((const char *)(*jws)->payload, (*jws)->payload_len,
	    JSON_REJECT_DUPLICATES, &e);
	if (c == NULL || !json_is_object(c)) {
		json_decref(c);
		pkit_jws_free(*jws);
		*jws = NULL;
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "JWT: the payload is not a JSON object");
	}
	*claims = c;
	return PKIT_OK;
}

int
pkit_jwt_decode(struct pkit_ctx *ctx, const char *token, size_t len,
    json_t **header, json_t **claims, char **sig_b64)
{
	struct pkit_jws *jws = NULL;
	json_t *c = NULL;
	char *sig = NULL;
	int r;

	if ((r = jwt_parse(ctx, token, len, &jws, &c)) != 0)
		return r;
	if (sig_b64 != NULL && (sig = strdup(jws->sigs[0].sig_b64)) == NULL) {
		json_decref(c);
		pkit_jws_free(jws);
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "JWT");
	}
	if (header != NULL)
		*header = json_incref(jws->sigs[0].joined);
	if (claims != NULL)
		*claims = c;
	else
		json_decref(c);
	if (sig_b64 != NULL)
		*sig_b64 = sig;
	pkit_jws_free(jws);
	return PKIT_OK;
}

/* Go-style duration: "1h2m3s", "4m0s", "5s". */
static void
fmt_duration(long long s, char *buf, size_t size)
{
	if (s >= 3600)
		snprintf(buf, size, "%lldh%lldm%llds", s / 3600, s % 3600 / 60,
		    s % 60);
	else if (s >= 60)
		snprintf(buf, size, "%lldm%llds", s / 60, s % 60);
	else
		snprintf(buf, size, "%llds", s);
}

static void
add_problem(char *buf, size_t size, const char *msg)
{
	size_t n = strlen(buf);

	snprintf(buf + n, size - n, "%s%s", n > 0 ? ", " : "", msg);
}

static int
aud_has(const json_t *aud, const char *want)
{
	json_t *v;
	size_t i;

	if (json_is_string(aud))
		return strcmp(json_string_value(aud), want) == 0;
	json_array_foreach(aud, i, v) {
		if (json_is_string(v) &&
		    strcmp(json_string_value(v), want) == 0)
			return 1;
	}
	return 0;
}

/* A NumericDate claim as whole seconds, clamped to +-1e15 (about 30
 * million years) so that a hostile value cannot overflow what follows. */
static long long
claim_time(const json_t *v)
{
	double d = json_number_value(v);

	if (d > 1e15)
		return 1000000000000000LL;
	if (d < -1e15)
		return -1000000000000000LL;
	return (long long)d;
}

int
pkit_jwt_check_claims(struct pkit_ctx *ctx, const json_t *claims,
    const struct pkit_jwt_verify_opts *o, time_t now)
{
	char buf[512] = "", msg[128], d[64];
	const char *s;
	json_t *v;
	int other = 0, timing = 0;
	long long t;

	if (o->iss != NULL && ((s = get_string(claims, "iss")) == NULL ||
	    strcmp(s, o->iss) != 0)) {
		add_problem(buf, sizeof(buf), "invalid issuer claim (iss)");
		other = 1;
	}
	if (o->sub != NULL && ((s = get_string(claims, "sub")) == NULL ||
	    strcmp(s, o->sub) != 0)) {
		add_problem(buf, sizeof(buf), "invalid subject claim (sub)");
		other = 1;
	}
	if (o->aud != NULL &&
	    !aud_has(json_object_get(claims, "aud"), o->aud)) {
		add_problem(buf, sizeof(buf), "invalid audience claim (aud)");
		other = 1;
	}
	if ((v = json_object_get(claims, "nbf")) != NULL) {
		if (!json_is_number(v)) {
			add_problem(buf, sizeof(buf), "invalid nbf claim");
			other = 1;
		} else if ((t = claim_time(v)) > (long long)now + o->skew) {
			add_problem(buf, sizeof(buf),
			    "token not valid yet (nbf)");
			timing = 1;
		}
	}
	if ((v = json_object_get(claims, "exp")) != NULL) {
		if (!json_is_number(v)) {
			add_problem(buf, sizeof(buf), "invalid exp claim");
			other = 1;
		} else if (!o->no_exp_check && (long long)now - o->skew >=
		    (t = claim_time(v))) {
			fmt_duration((long long)now - t, d, sizeof(d));
			snprintf(msg, sizeof(msg),
			    "token is expired by %s (exp)", d);
			add_problem(buf, sizeof(buf), msg);
			timing = 1;
		}
	}
	if ((v = json_object_get(claims, "iat")) != NULL) {
		if (!json_is_number(v)) {
			add_problem(buf, sizeof(buf), "invalid iat claim");
			other = 1;
		} else if (claim_time(v) > (long long)now + o->skew) {
			add_problem(buf, sizeof(buf),
			    "token issued in the future (iat)");
			timing = 1;
		}
	}
	if (buf[0] == '\0')
		return PKIT_OK;
	return pkit_seterr(ctx, timing && !other ? PKIT_ERR_EXPIRED :
	    PKIT_ERR_VERIFY, "validation failed: %s", buf);
}

int
pkit_jwt_verify(struct pkit_ctx *ctx, const char *token, size_t len,
    const struct pkit_jwk_key *key, const struct pkit_jwt_verify_opts *o,
    json_t **header, json_t **claims)
{
	struct pkit_jws_verify_opts vo;
	struct pkit_jws *jws = NULL;
	json_t *c = NULL;
	int r;

	if ((r = jwt_parse(ctx, token, len, &jws, &c)) != 0)
		return r;
	if (jws->nsig != 1) {
		r = pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "JWT: multiple signatures are not supported");
		goto out;
	}
	memset(&vo, 0, sizeof(vo));
	vo.alg = o->alg;
	vo.kid = o->kid;
	vo.insecure = o->insecure;
	if ((r = pkit_jws_verify(ctx, jws, key, &vo, NULL)) != 0) {
		char msg[sizeof(ctx->errbuf)];

		snprintf(msg, sizeof(msg), "%s", ctx->errbuf);
		if (strncmp(msg, "JWS: ", 5) == 0)
			r = pkit_seterr(ctx, r, "JWT: %s", msg + 5);
		goto out;
	}
	if ((r = pkit_jwt_check_claims(ctx, c, o, pkit_now(ctx))) != 0)
		goto out;
	if (header != NULL)
		*header = json_incref(jws->sigs[0].joined);
	if (claims != NULL) {
		*claims = c;
		c = NULL;
	}
	r = PKIT_OK;
out:
	json_decref(c);
	pkit_jws_free(jws);
	return r;
}

int
pkit_jwt_sign(struct pkit_ctx *ctx, const struct pkit_jwk_key *key,
    const char *alg, const json_t *header, const json_t *claims,
    int insecure, char **out)
{
	struct pkit_jws_sign_opts so;
	json_t *hdr;
	char *payload;
	int r;

	if ((hdr = json_object()) == NULL ||
	    json_object_set_new(hdr, "typ", json_string("JWT")) != 0 ||
	    (header != NULL && json_object_update(hdr,
	    (json_t *)header) != 0)) {
		json_decref(hdr);
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "JWT");
	}
	if ((payload = json_dumps(claims, JSON_COMPACT | JSON_SORT_KEYS)) ==
	    NULL) {
		json_decref(hdr);
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "JWT");
	}
	memset(&so, 0, sizeof(so));
	so.alg = alg;
	so.header = hdr;
	so.insecure = insecure;
	r = pkit_jws_sign(ctx, key, &so, (unsigned char *)payload,
	    strlen(payload), out);
	free(payload);
	json_decref(hdr);
	return r;
}

int
pkit_jwt_to_inspect(struct pkit_ctx *ctx, const char *token, size_t len,
    json_t **out)
{
	json_t *h = NULL, *c = NULL, *o = NULL;
	char *sig = NULL;
	int r;

	if ((r = pkit_jwt_decode(ctx, token, len, &h, &c, &sig)) != 0)
		return r;
	if ((o = json_object()) == NULL ||
	    json_object_set(o, "header", h) != 0 ||
	    json_object_set(o, "payload", c) != 0 ||
	    json_object_set_new(o, "signature", json_string(sig)) != 0) {
		json_decref(o);
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "JWT");
	} else {
		*out = o;
		r = PKIT_OK;
	}
	json_decref(h);
	json_decref(c);
	free(sig);
	return r;
}

int
pkit_jwt_new_jti(struct pkit_ctx *ctx, char **out)
{
	unsigned char *s = NULL;
	size_t n = 0;
	int r;

	if ((r = pkit_rand_string(ctx, "hex", 64, &s, &n)) != 0)
		return r;
	*out = (char *)s;
	return PKIT_OK;
}

int
pkit_jws_x5c(struct pkit_ctx *ctx, STACK_OF(X509) *chain,
    const struct pkit_jwk_key *key, json_t **out)
{
	json_t *arr = NULL;
	X509 *leaf;
	int i, r = PKIT_ERR_INTERNAL;

	if (sk_X509_num(chain) < 1)
		return pkit_seterr(ctx, PKIT_ERR_ARG, "x5c: no certificate");
	leaf = sk_X509_value(chain, 0);
	if (key->pkey == NULL || !pkit_key_matches(X509_get0_pubkey(leaf),
	    key->pkey))
		return pkit_seterr(ctx, PKIT_ERR_MISMATCH,
		    "x5c: the certificate is not for the signing key");
	if ((X509_get_extension_flags(leaf) & EXFLAG_KUSAGE) &&
	    !(X509_get_key_usage(leaf) & KU_DIGITAL_SIGNATURE))
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "x5c: the certificate's key usage does not allow "
		    "digitalSignature");
	if ((arr = json_array()) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "x5c");
	for (i = 0; i < sk_X509_num(chain); i++) {
		unsigned char *der = NULL;
		char *b64 = NULL;
		int n = i2d_X509(sk_X509_value(chain, i), &der);

		if (n <= 0) {
			r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "x5c");
			goto out;
		}
		r = pkit_b64_encode(ctx, PKIT_B64_STD, der, (size_t)n, &b64);
		OPENSSL_free(der);
		if (r != 0)
			goto out;
		if (json_array_append_new(arr, json_string(b64)) != 0) {
			free(b64);
			r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "x5c");
			goto out;
		}
		free(b64);
	}
	*out = arr;
	arr = NULL;
	r = PKIT_OK;
out:
	json_decref(arr);
	return r;
}

/* jws.c - JSON Web Signatures and JSON Web Tokens.
 *
 * Parsing, serialization and every check are here.  Signing uses cjose for
 * RS*, PS* and ES* and OpenSSL for HS* and EdDSA; verification is
 * OpenSSL's for every algorithm, on the parts pkit has decoded once (the
 * token is not handed to cjose to be parsed again).  What a key needs for
 * an algorithm (the digest, a verify context, a keyed HMAC context) is set
 * up on first use and kept in the key object (key->jws_cache).
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
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <openssl/x509v3.h>
#include <pthread.h>

#include "codec.h"
#include "jws.h"
#include "jws_cache.h"
#include "key.h"
#include "rand.h"
#include "secret.h"
#include "x509_verify.h"

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

#define NALGS (sizeof(algs) / sizeof(algs[0]))

/* ---- per-key contexts ------------------------------------------------- */

/* What one algorithm needs with one key.  Keys are shared by the CA's
 * worker threads: an operation uses the cached slot when it gets its lock
 * at once, else a slot of its own set up for the occasion. */
struct jws_slot {
	pthread_mutex_t lock;
	int ready;
	EVP_MD *md;		/* RS*, PS*, ES*: the digest */
	EVP_PKEY_CTX *pctx;	/* RS*, PS*, ES*: verify context */
	EVP_MAC_CTX *mac;	/* HS*: HMAC keyed with the secret */
};

struct pkit_jws_cache {
	struct jws_slot slots[NALGS];
};

static void
slot_release(struct jws_slot *s)
{
	EVP_MD_free(s->md);
	EVP_PKEY_CTX_free(s->pctx);
	EVP_MAC_CTX_free(s->mac);	/* OpenSSL cleanses the HMAC key */
	s->md = NULL;
	s->pctx = NULL;
	s->mac = NULL;
	s->ready = 0;
}

struct pkit_jws_cache *
pkit_jws_cache_new(void)
{
	struct pkit_jws_cache *c;
	size_t i;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	for (i = 0; i < NALGS; i++) {
		if (pthread_mutex_init(&c->slots[i].lock, NULL) != 0) {
			while (i-- > 0)
				pthread_mutex_destroy(&c->slots[i].lock);
			free(c);
			return NULL;
		}
	}
	return c;
}

void
pkit_jws_cache_free(struct pkit_jws_cache *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < NALGS; i++) {
		slot_release(&c->slots[i]);
		pthread_mutex_destroy(&c->slots[i].lock);
	}
	free(c);
}

static const char *
md_name(const struct jws_alg *a)
{
	return a->hlen == 32 ? "SHA256" : a->hlen == 48 ? "SHA384" : "SHA512";
}

/* Set up s for a (HS*, RS*, PS*, ES*) with key. */
static int
slot_setup(struct pkit_ctx *ctx, const struct pkit_jwk_key *key,
    const struct jws_alg *a, struct jws_slot *s)
{
	OSSL_PARAM params[2];
	EVP_MAC *mac = NULL;

	if (a->fam == F_HMAC) {
		params[0] = OSSL_PARAM_construct_utf8_string(
		    OSSL_MAC_PARAM_DIGEST, (char *)md_name(a), 0);
		params[1] = OSSL_PARAM_construct_end();
		mac = EVP_MAC_fetch(ctx->libctx, "HMAC", ctx->propq);
		if (mac == NULL || (s->mac = EVP_MAC_CTX_new(mac)) == NULL ||
		    EVP_MAC_init(s->mac, key->secret, key->secret_len,
		    params) != 1)
			goto fail;
		EVP_MAC_free(mac);
		s->ready = 1;
		return PKIT_OK;
	}
	if (key->pkey == NULL ||
	    (s->md = EVP_MD_fetch(ctx->libctx, md_name(a), ctx->propq)) ==
	    NULL ||
	    (s->pctx = EVP_PKEY_CTX_new_from_pkey(ctx->libctx, key->pkey,
	    ctx->propq)) == NULL ||
	    EVP_PKEY_verify_init(s->pctx) != 1 ||
	    EVP_PKEY_CTX_set_signature_md(s->pctx, s->md) != 1)
		goto fail;
	if (a->fam == F_RSA && EVP_PKEY_CTX_set_rsa_padding(s->pctx,
	    RSA_PKCS1_PADDING) != 1)
		goto fail;
	/* RFC 7518 §3.5: MGF1 with the same hash, a salt as long as it. */
	if (a->fam == F_PSS && (EVP_PKEY_CTX_set_rsa_padding(s->pctx,
	    RSA_PKCS1_PSS_PADDING) != 1 ||
	    EVP_PKEY_CTX_set_rsa_mgf1_md(s->pctx, s->md) != 1 ||
	    EVP_PKEY_CTX_set_rsa_pss_saltlen(s->pctx,
	    RSA_PSS_SALTLEN_DIGEST) != 1))
		goto fail;
	s->ready = 1;
	return PKIT_OK;
fail:
	EVP_MAC_free(mac);
	slot_release(s);
	return pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "JWS: %s", a->name);
}

/* The slot to use for a with key: the cached one (locked) or tmp. */
static struct jws_slot *
slot_get(struct pkit_ctx *ctx, const struct pkit_jwk_key *key,
    const struct jws_alg *a, struct jws_slot *tmp, int *r)
{
	struct pkit_jws_cache *c = key->jws_cache;
	struct jws_slot *s = tmp;

	memset(tmp, 0, sizeof(*tmp));
	if (c != NULL &&
	    pthread_mutex_trylock(&c->slots[a - algs].lock) == 0)
		s = &c->slots[a - algs];
	if (!s->ready && (*r = slot_setup(ctx, key, a, s)) != 0) {
		if (s != tmp)
			pthread_mutex_unlock(&s->lock);
		return NULL;
	}
	return s;
}

static void
slot_put(struct jws_slot *s, struct jws_slot *tmp)
{
	if (s == tmp)
		slot_release(tmp);
	else if (s != NULL)
		pthread_mutex_unlock(&s->lock);
}

/* HMAC of tbs with key into mac (EVP_MAX_MD_SIZE bytes). */
static int
hmac_compute(struct pkit_ctx *ctx, const struct pkit_jwk_key *key,
    const struct jws_alg *a, const char *tbs, size_t n, unsigned char *mac,
    size_t *maclen)
{
	struct jws_slot tmp, *s;
	int r = PKIT_ERR_INTERNAL, ok;

	if ((s = slot_get(ctx, key, a, &tmp, &r)) == NULL)
		return r;
	/* A NULL key restarts the HMAC with the one already set. */
	ok = EVP_MAC_init(s->mac, NULL, 0, NULL) == 1 &&
	    EVP_MAC_update(s->mac, (const unsigned char *)tbs, n) == 1 &&
	    EVP_MAC_final(s->mac, mac, maclen, EVP_MAX_MD_SIZE) == 1;
	slot_put(s, &tmp);
	if (!ok)
		return pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "JWS: %s",
		    a->name);
	return PKIT_OK;
}

/* Verify an RS*, PS* or ES* signature (ES*: JOSE's r||s) over tbs. */
static int
pkey_verify(struct pkit_ctx *ctx, const struct pkit_jwk_key *key,
    const struct jws_alg *a, const char *tbs, size_t n,
    const unsigned char *sig, size_t siglen)
{
	unsigned char h[EVP_MAX_MD_SIZE], *der = NULL;
	const unsigned char *vsig = sig;
	struct jws_slot tmp, *s;
	ECDSA_SIG *es = NULL;
	BIGNUM *br = NULL, *bs = NULL;
	unsigned int hlen = 0;
	size_t vlen = siglen;
	int r = PKIT_ERR_INTERNAL, dlen, ok = 0;

	if (a->fam == F_EC) {
		if ((es = ECDSA_SIG_new()) == NULL ||
		    (br = BN_bin2bn(sig, (int)a->clen, NULL)) == NULL ||
		    (bs = BN_bin2bn(sig + a->clen, (int)a->clen, NULL)) ==
		    NULL || ECDSA_SIG_set0(es, br, bs) != 1) {
			BN_free(br);
			BN_free(bs);
			ECDSA_SIG_free(es);
			return pkit_seterr_ssl(ctx, PKIT_ERR_NOMEM, "JWS");
		}
		if ((dlen = i2d_ECDSA_SIG(es, &der)) <= 0) {
			ECDSA_SIG_free(es);
			return pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "JWS");
		}
		ECDSA_SIG_free(es);
		vsig = der;
		vlen = (size_t)dlen;
	}
	if ((s = slot_get(ctx, key, a, &tmp, &r)) == NULL) {
		OPENSSL_free(der);
		return r;
	}
	if (EVP_Digest(tbs, n, h, &hlen, s->md, NULL) == 1)
		ok = EVP_PKEY_verify(s->pctx, vsig, vlen, h, hlen) == 1;
	slot_put(s, &tmp);
	OPENSSL_free(der);
	ERR_clear_error();
	return ok ? PKIT_OK : pkit_seterr(ctx, PKIT_ERR_VERIFY,
	    "JWS: invalid signature");
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

	if (pkit_b64_decode_public(ctx, PKIT_B64_URL_RAW, b64, len, &raw,
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
	r = pkit_b64_encode_public(ctx, PKIT_B64_URL_RAW, (unsigned char *)s,
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
	if (s->header == NULL)
		s->joined = json_incref(s->protected);
	else if ((r = pkit_jose_join_headers(ctx, s->protected, s->header,
	    NULL, name, &s->joined)) != 0)
		return r;
	if (pkit_b64_decode_public(ctx, PKIT_B64_URL_RAW, sig, slen, &s->sig,
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
	if (pkit_b64_decode_public(ctx, PKIT_B64_URL_RAW, p, len,
	    &jws->payload, &jws->payload_len) != 0)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: the payload is not base64url", name);
	return PKIT_OK;
}

static int
parse_compact(struct pkit_ctx *ctx, struct pkit_jws *jws, const char *in,
    size_t len, const char *name)
{
	const char *d1, *d2, *p = in, *end = in + len;
	size_t dots = 0;

	while (p < end && (p = memchr(p, '.', (size_t)(end - p))) != NULL) {
		dots++;
		p++;
	}
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
	if (a->fam == F_EDDSA || a->fam == F_HMAC) {
		unsigned char raw[EVP_MAX_MD_SIZE];
		size_t rawlen = sizeof(raw), n;

		if ((r = pkit_jose_json_b64(ctx, sorted, 0, &prot)) != 0 ||
		    (r = pkit_b64_encode_public(ctx, PKIT_B64_URL_RAW, payload,
		    len, &pay)) != 0)
			goto out;
		n = strlen(prot) + strlen(pay) + 2;
		if ((tbs = malloc(n)) == NULL)
			goto nomem;
		snprintf(tbs, n, "%s.%s", prot, pay);
		if (a->fam == F_EDDSA)
			r = eddsa_sign(ctx, key->pkey, tbs, n - 1, raw,
			    &rawlen);
		else
			r = hmac_compute(ctx, key, a, tbs, n - 1, raw, &rawlen);
		if (r != 0 ||
		    (r = pkit_b64_encode_public(ctx, PKIT_B64_URL_RAW, raw,
		    rawlen, &sig)) != 0)
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
	char stackbuf[2048], *tbs = NULL, *p;
	unsigned char mac[EVP_MAX_MD_SIZE];
	size_t n, siglen = 0, plen, paylen, maclen = 0;
	int r = PKIT_ERR_INTERNAL;

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
	/* The signing input: a buffer on the stack when it fits. */
	plen = strlen(s->protected_b64);
	paylen = strlen(jws->payload_b64);
	n = plen + 1 + paylen;
	if (n >= sizeof(stackbuf) && (tbs = malloc(n + 1)) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "JWS");
	p = tbs != NULL ? tbs : stackbuf;
	memcpy(p, s->protected_b64, plen);
	p[plen] = '.';
	memcpy(p + plen + 1, jws->payload_b64, paylen);
	p[n] = '\0';
	switch (a->fam) {
	case F_EDDSA:
		r = eddsa_verify(ctx, key->pkey, p, n, s->sig, s->sig_len);
		break;
	case F_HMAC:
		if ((r = hmac_compute(ctx, key, a, p, n, mac, &maclen)) != 0)
			break;
		/* Lengths are public (checked above); contents are not. */
		if (maclen != s->sig_len ||
		    CRYPTO_memcmp(mac, s->sig, maclen) != 0)
			r = pkit_seterr(ctx, PKIT_ERR_VERIFY,
			    "JWS: invalid signature");
		pkit_secret_wipe(mac, sizeof(mac));
		break;
	default:
		r = pkey_verify(ctx, key, a, p, n, s->sig, s->sig_len);
		break;
	}
	free(tbs);
	return r;
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
	if (len > 0) {
		const char *p = token, *end = token + len;
		size_t dots = 0;

		while (p < end && (p = memchr(p, '.', (size_t)(end - p))) !=
		    NULL) {
			dots++;
			p++;
		}
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

int
pkit_jws_x5c_parse(struct pkit_ctx *ctx, const json_t *x5c,
    STACK_OF(X509) **out)
{
	STACK_OF(X509) *sk = NULL;
	const unsigned char *p;
	unsigned char *der = NULL;
	const json_t *v;
	size_t i, len = 0;
	X509 *c = NULL;
	int r = PKIT_ERR_INTERNAL;

	if (!json_is_array(x5c) || json_array_size(x5c) == 0 ||
	    json_array_size(x5c) > PKIT_JWS_X5C_MAX)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "x5c: not a list of "
		    "1 to %d certificates", PKIT_JWS_X5C_MAX);
	if ((sk = sk_X509_new_null()) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "x5c");
	json_array_foreach(x5c, i, v) {
		/* RFC 7515 §4.1.6: base64, not base64url. */
		if (!json_is_string(v) || pkit_b64_decode_public(ctx,
		    PKIT_B64_STD, json_string_value(v), json_string_length(v),
		    &der, &len) != 0 || len > LONG_MAX) {
			r = pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "x5c: certificate %zu is not base64", i + 1);
			goto out;
		}
		p = der;
		if ((c = d2i_X509(NULL, &p, (long)len)) == NULL ||
		    p != der + len) {
			ERR_clear_error();
			r = pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "x5c: certificate %zu is not a DER certificate",
			    i + 1);
			goto out;
		}
		if (!sk_X509_push(sk, c)) {
			r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "x5c");
			goto out;
		}
		c = NULL;
		free(der);
		der = NULL;
	}
	*out = sk;
	sk = NULL;
	r = PKIT_OK;
out:
	X509_free(c);
	free(der);
	sk_X509_pop_free(sk, X509_free);
	return r;
}

/* name ("x5t#S256" or "x5t") of header, when present, must be the digest
 * of the leaf's DER. */
static int
x5t_check(struct pkit_ctx *ctx, const json_t *header, const char *name,
    const EVP_MD *md, X509 *leaf)
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;
	const json_t *v = json_object_get(header, name);
	char *b64 = NULL;
	int r;

	if (v == NULL)
		return PKIT_OK;
	if (!json_is_string(v))
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "x5c: \"%s\" is not a string", name);
	if (!X509_digest(leaf, md, d, &dlen))
		return pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "x5c: %s", name);
	if ((r = pkit_b64_encode(ctx, PKIT_B64_URL_RAW, d, dlen, &b64)) != 0)
		return r;
	r = strcmp(b64, json_string_value(v)) == 0 ? PKIT_OK :
	    pkit_seterr(ctx, PKIT_ERR_VERIFY, "x5c: \"%s\" is not the "
	    "thumbprint of the x5c certificate", name);
	free(b64);
	return r;
}

int
pkit_jws_x5c_key(struct pkit_ctx *ctx, const json_t *header,
    const char *roots, struct pkit_jwk_key **out)
{
	struct pkit_verify_opts vo;
	struct pkit_verify_result res;
	STACK_OF(X509) *chain = NULL;
	struct pkit_jwk_key *key = NULL;
	const char *alg = get_string(header, "alg");
	const struct jws_alg *a;
	json_t *jwk = NULL, *x5c = json_object_get(header, "x5c");
	X509 *leaf;
	int r = PKIT_ERR_INTERNAL;

	memset(&res, 0, sizeof(res));
	if (x5c == NULL)
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "JWS: the header has no \"x5c\" certificate chain");
	if ((r = pkit_jws_x5c_parse(ctx, x5c, &chain)) != 0)
		return r;
	leaf = sk_X509_value(chain, 0);
	if ((r = x5t_check(ctx, header, "x5t#S256", EVP_sha256(), leaf)) != 0 ||
	    (r = x5t_check(ctx, header, "x5t", EVP_sha1(), leaf)) != 0)
		goto out;
	memset(&vo, 0, sizeof(vo));
	vo.roots = roots;
	vo.purpose = "any";
	if ((r = pkit_x509_verify(ctx, chain, "x5c", &vo, &res)) != 0)
		goto out;
	if ((X509_get_extension_flags(leaf) & EXFLAG_KUSAGE) &&
	    !(X509_get_key_usage(leaf) & KU_DIGITAL_SIGNATURE)) {
		r = pkit_seterr(ctx, PKIT_ERR_VERIFY, "x5c: the certificate's "
		    "key usage does not allow digitalSignature");
		goto out;
	}
	if ((r = pkit_jwk_from_key(ctx, X509_get0_pubkey(leaf), 0,
	    &jwk)) != 0)
		goto out;
	if ((r = pkit_jwk_key_new(ctx, jwk, &key)) != 0)
		goto out;
	/* The certificate vouches for the key, not for one algorithm: take
	 * the header's when it suits the key (never "none" or an HMAC). */
	if ((a = find_alg(alg)) != NULL && a->fam != F_HMAC &&
	    pkit_jws_alg_check(ctx, key, alg, 0, 0) == 0 &&
	    json_object_set_new(key->jwk, "alg", json_string(alg)) != 0) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "x5c");
		goto out;
	}
	*out = key;
	key = NULL;
	r = PKIT_OK;
out:
	pkit_verify_result_release(&res);
	pkit_jwk_key_free(key);
	json_decref(jwk);
	sk_X509_pop_free(chain, X509_free);
	return r;
}

/* ---- serialization swap -------------------------------------------------- */

/* part must be base64url (may be empty when empty_ok). */
static int
fmt_part(struct pkit_ctx *ctx, const char *p, size_t n, int empty_ok,
    const char *what, const char *name)
{
	unsigned char *raw = NULL;
	size_t rawlen = 0;

	if (n == 0 && !empty_ok)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: the %s is empty",
		    name, what);
	if (pkit_b64_decode_public(ctx, PKIT_B64_URL_RAW, p, n, &raw,
	    &rawlen) != 0)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: the %s is not base64url", name, what);
	free(raw);
	return PKIT_OK;
}

static int
fmt_from_compact(struct pkit_ctx *ctx, const char *in, size_t len,
    const char *name, char **out)
{
	static const char *const jws_names[] = { "protected", "payload",
	    "signature" };
	static const char *const jwe_names[] = { "protected", "encrypted_key",
	    "iv", "ciphertext", "tag" };
	static const char *const what_jws[] = { "protected header", "payload",
	    "signature" };
	static const char *const what_jwe[] = { "protected header",
	    "encrypted key", "IV", "ciphertext", "tag" };
	const char *parts[5], *const *names, *const *what;
	size_t lens[5], i, n = 0;
	json_t *o = NULL, *hdr = NULL;
	char *s;
	int r;

	parts[0] = in;
	for (i = 0; i < len; i++) {
		if (in[i] != '.')
			continue;
		if (n == 4)
			return pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "%s: not a JWS or JWE (more than five parts)",
			    name);
		lens[n] = (size_t)(in + i - parts[n]);
		parts[++n] = in + i + 1;
	}
	lens[n] = (size_t)(in + len - parts[n]);
	n++;
	if (n != 3 && n != 5)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: not a JWS or JWE "
		    "(%zu dot-separated parts: a JWS has 3, a JWE 5)", name, n);
	names = n == 3 ? jws_names : jwe_names;
	what = n == 3 ? what_jws : what_jwe;
	for (i = 0; i < n; i++) {
		/* Empty: a JWS payload (detached), a JWE key (dir, ECDH-ES). */
		if ((r = fmt_part(ctx, parts[i], lens[i], i == 1, what[i],
		    name)) != 0)
			return r;
	}
	if ((r = pkit_jose_b64_json(ctx, parts[0], lens[0], name, &hdr)) != 0)
		return r;
	json_decref(hdr);
	if ((o = json_object()) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", name);
	for (i = 0; i < n; i++) {
		if (lens[i] == 0)
			continue;
		if (json_object_set_new(o, names[i], json_stringn(parts[i],
		    lens[i])) != 0) {
			json_decref(o);
			return pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", name);
		}
	}
	s = json_dumps(o, JSON_INDENT(2) | JSON_SORT_KEYS);
	json_decref(o);
	if (s == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", name);
	*out = s;
	return PKIT_OK;
}

/* The string member m of o ("" when absent and optional). */
static int
fmt_member(struct pkit_ctx *ctx, const json_t *o, const char *m, int required,
    const char *name, const char **s, size_t *n)
{
	const json_t *v = json_object_get(o, m);

	*s = "";
	*n = 0;
	if (v == NULL && !required)
		return PKIT_OK;
	if (!json_is_string(v))
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: \"%s\" is %s",
		    name, m, v == NULL ? "missing" : "not a string");
	*s = json_string_value(v);
	*n = json_string_length(v);
	return PKIT_OK;
}

static int
fmt_from_json(struct pkit_ctx *ctx, const char *in, size_t len,
    const char *name, char **out)
{
	static const char *const jws_m[] = { "protected", "payload",
	    "signature" };
	static const char *const jwe_m[] = { "protected", "encrypted_key",
	    "iv", "ciphertext", "tag" };
	const char *const *mem, *parts[5];
	const json_t *one, *list;
	json_error_t e;
	json_t *o;
	size_t lens[5], i, n, total = 0;
	char *s, *p;
	int jwe, r = PKIT_ERR_INTERNAL;

	if ((o = json_loadb(in, len, JSON_REJECT_DUPLICATES, &e)) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: invalid JSON: %s",
		    name, e.text);
	if (!json_is_object(o)) {
		r = pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: not a JWS or JWE",
		    name);
		goto out;
	}
	jwe = json_object_get(o, "ciphertext") != NULL;
	n = jwe ? 5 : 3;
	mem = jwe ? jwe_m : jws_m;
	list = json_object_get(o, jwe ? "recipients" : "signatures");
	one = o;
	if (list != NULL) {
		if (!json_is_array(list) || json_array_size(list) != 1) {
			r = pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: the compact "
			    "serialization has one %s, this %s has %zu", name,
			    jwe ? "recipient" : "signature", jwe ? "JWE" :
			    "JWS", json_array_size(list));
			goto out;
		}
		one = json_array_get(list, 0);
		if (!json_is_object(one)) {
			r = pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: a %s is not "
			    "an object", name, jwe ? "recipient" : "signature");
			goto out;
		}
	}
	if (json_object_get(one, "header") != NULL ||
	    json_object_get(o, "unprotected") != NULL) {
		r = pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: an unprotected "
		    "header cannot be put in the compact serialization", name);
		goto out;
	}
	if (jwe && json_object_get(o, "aad") != NULL) {
		r = pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: \"aad\" cannot be "
		    "put in the compact serialization", name);
		goto out;
	}
	for (i = 0; i < n; i++) {
		/* A JWE's encrypted_key is the recipient's, the rest the
		 * object's; a JWS's payload is the object's, the rest the
		 * signature's (one is o when flattened). */
		const json_t *from = jwe == (i == 1) ? one : o;

		if ((r = fmt_member(ctx, from, mem[i], i != 1, name, &parts[i],
		    &lens[i])) != 0 ||
		    (r = fmt_part(ctx, parts[i], lens[i], i == 1,
		    mem[i], name)) != 0)
			goto out;
		total += lens[i] + 1;
	}
	if ((s = malloc(total)) == NULL) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", name);
		goto out;
	}
	for (i = 0, p = s; i < n; i++) {
		memcpy(p, parts[i], lens[i]);
		p += lens[i];
		*p++ = i + 1 < n ? '.' : '\0';
	}
	*out = s;
	r = PKIT_OK;
out:
	json_decref(o);
	return r;
}

int
pkit_jose_format(struct pkit_ctx *ctx, const char *in, size_t len,
    const char *name, char **out)
{
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
	if (in[0] == '{')
		return fmt_from_json(ctx, in, len, name, out);
	return fmt_from_compact(ctx, in, len, name, out);
}

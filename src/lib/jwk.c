/* jwk.c - JSON Web Keys: OpenSSL keys to and from JWK, thumbprints, JWK
 * Sets, and loading keys for the JOSE verbs. */
#include "config.h"

#include <ctype.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjose/jwk.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "codec.h"
#include "http.h"
#include "jwe.h"
#include "jwk.h"
#include "jws_cache.h"
#include "key.h"
#include "secret.h"

/* Members that hold private key material. */
static const char *const private_members[] = {
	"d", "p", "q", "dp", "dq", "qi", "oth", "k", NULL
};

/* The order go-jose (and so step) writes JWK members in. */
static const char *const member_order[] = {
	"use", "kty", "kid", "crv", "alg", "k", "x", "y", "n", "e", "d", "p",
	"q", "dp", "dq", "qi", "x5c", "x5u", "x5t", "x5t#S256", NULL
};

/* jansson's memory is freed through here: every JSON string and parse
 * buffer is wiped first, so that private key members do not linger in
 * freed memory.  Allocation is plain malloc, so the switch is safe at any
 * time. */
static void
wiping_free(void *p)
{
	if (p != NULL) {
		pkit_secret_wipe(p, malloc_usable_size(p));
		free(p);
	}
}

static void
json_wipe_setup(void)
{
	json_set_alloc_funcs(malloc, wiping_free);
}

static pthread_once_t json_wipe_once = PTHREAD_ONCE_INIT;

void
pkit_jwk_json_wipe_on_free(void)
{
	pthread_once(&json_wipe_once, json_wipe_setup);
}

static const struct curve {
	const char *jose;	/* "crv" */
	const char *ossl;	/* OpenSSL group or key type name */
	int okp;		/* 1: raw OKP key */
	size_t len;		/* coordinate / raw key length */
} curves[] = {
	{ "P-256", "prime256v1", 0, 32 },
	{ "P-384", "secp384r1", 0, 48 },
	{ "P-521", "secp521r1", 0, 66 },
	{ "Ed25519", "ED25519", 1, 32 },
	{ "X25519", "X25519", 1, 32 },
};

static const struct curve *
find_curve(const char *crv, int okp)
{
	size_t i;

	if (crv == NULL)
		return NULL;
	for (i = 0; i < sizeof(curves) / sizeof(curves[0]); i++)
		if (curves[i].okp == okp && strcmp(curves[i].jose, crv) == 0)
			return &curves[i];
	return NULL;
}

/* Static spellings of kty, so that key objects can point at them. */
static const char *
kty_static(const char *kty)
{
	static const char *const names[] = { "EC", "RSA", "OKP", "oct" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (kty != NULL && strcmp(kty, names[i]) == 0)
			return names[i];
	return NULL;
}

static int
set_str(struct pkit_ctx *ctx, json_t *o, const char *name, const char *s)
{
	if (json_object_set_new(o, name, json_string(s)) != 0)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "JWK: out of memory");
	return PKIT_OK;
}

static int
set_b64(struct pkit_ctx *ctx, json_t *o, const char *name,
    const unsigned char *p, size_t n)
{
	char *s = NULL;
	int r;

	if ((r = pkit_b64_encode(ctx, PKIT_B64_URL_RAW, p, n, &s)) != 0)
		return r;
	r = set_str(ctx, o, name, s);
	pkit_secret_strfree(s);
	return r;
}

static int
set_bn(struct pkit_ctx *ctx, json_t *o, const char *name, const BIGNUM *bn,
    size_t pad)
{
	unsigned char *buf;
	size_t n = (size_t)BN_num_bytes(bn);
	int r;

	if (pad > n)
		n = pad;
	if (n == 0)
		n = 1;
	if ((buf = malloc(n)) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "JWK: out of memory");
	if (BN_bn2binpad(bn, buf, (int)n) < 0) {
		free(buf);
		return pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "JWK: %s", name);
	}
	r = set_b64(ctx, o, name, buf, n);
	pkit_secret_free(buf, n);
	return r;
}

/* Decode the base64url member name; *out is NULL when it is absent and
 * not required. */
static int
get_b64(struct pkit_ctx *ctx, const json_t *jwk, const char *name,
    int required, unsigned char **out, size_t *len)
{
	const json_t *v = json_object_get(jwk, name);
	int r;

	*out = NULL;
	*len = 0;
	if (v == NULL) {
		if (required)
			return pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "JWK: member \"%s\" is missing", name);
		return PKIT_OK;
	}
	if (!json_is_string(v))
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "JWK: member \"%s\" is not a string", name);
	if ((r = pkit_b64_decode(ctx, PKIT_B64_URL_RAW, json_string_value(v),
	    json_string_length(v), out, len)) != 0)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "JWK: member \"%s\" is not base64url", name);
	return PKIT_OK;
}

static int
get_bn(struct pkit_ctx *ctx, const json_t *jwk, const char *name,
    int required, BIGNUM **out)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	int r;

	*out = NULL;
	if ((r = get_b64(ctx, jwk, name, required, &buf, &len)) != 0)
		return r;
	if (buf == NULL)
		return PKIT_OK;
	if (len == 0) {
		free(buf);
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "JWK: member \"%s\" is empty", name);
	}
	/* Secure BIGNUMs: OSSL_PARAM_free() then wipes the copies. */
	if ((*out = BN_secure_new()) != NULL &&
	    BN_bin2bn(buf, (int)len, *out) == NULL) {
		BN_clear_free(*out);
		*out = NULL;
	}
	pkit_secret_free(buf, len);
	if (*out == NULL)
		return pkit_seterr_ssl(ctx, PKIT_ERR_NOMEM, "JWK: %s", name);
	return PKIT_OK;
}

static const char *
get_string(const json_t *o, const char *name)
{
	return json_string_value(json_object_get(o, name));
}

/* ---- EVP_PKEY -> JWK ------------------------------------------------ */

static int
rsa_to_jwk(struct pkit_ctx *ctx, EVP_PKEY *key, int priv, json_t *o)
{
	static const struct { const char *param, *name; } members[] = {
		{ OSSL_PKEY_PARAM_RSA_N, "n" },
		{ OSSL_PKEY_PARAM_RSA_E, "e" },
		{ OSSL_PKEY_PARAM_RSA_D, "d" },
		{ OSSL_PKEY_PARAM_RSA_FACTOR1, "p" },
		{ OSSL_PKEY_PARAM_RSA_FACTOR2, "q" },
		{ OSSL_PKEY_PARAM_RSA_EXPONENT1, "dp" },
		{ OSSL_PKEY_PARAM_RSA_EXPONENT2, "dq" },
		{ OSSL_PKEY_PARAM_RSA_COEFFICIENT1, "qi" },
	};
	size_t i, n = priv ? 8 : 2;
	BIGNUM *bn = NULL;
	int r;

	for (i = 0; i < n; i++) {
		if (!EVP_PKEY_get_bn_param(key, members[i].param, &bn)) {
			ERR_clear_error();
			/* A private key without CRT parameters has d only. */
			if (i >= 3)
				break;
			return pkit_seterr(ctx, PKIT_ERR_ARG,
			    "JWK: the RSA key has no \"%s\"", members[i].name);
		}
		r = set_bn(ctx, o, members[i].name, bn, 0);
		BN_clear_free(bn);
		bn = NULL;
		if (r != 0)
			return r;
	}
	return PKIT_OK;
}

static int
ec_to_jwk(struct pkit_ctx *ctx, EVP_PKEY *key, const struct curve *c,
    int priv, json_t *o)
{
	BIGNUM *x = NULL, *y = NULL, *d = NULL;
	int r = PKIT_ERR_INTERNAL;

	if (!EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, &x) ||
	    !EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, &y)) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO,
		    "JWK: cannot read the EC public key");
		goto out;
	}
	if (priv && !EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_PRIV_KEY, &d)) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_ARG,
		    "JWK: the EC key has no private part");
		goto out;
	}
	if ((r = set_str(ctx, o, "crv", c->jose)) != 0 ||
	    (r = set_bn(ctx, o, "x", x, c->len)) != 0 ||
	    (r = set_bn(ctx, o, "y", y, c->len)) != 0)
		goto out;
	if (priv && (r = set_bn(ctx, o, "d", d, c->len)) != 0)
		goto out;
	r = PKIT_OK;
out:
	BN_free(x);
	BN_free(y);
	BN_clear_free(d);
	return r;
}

static int
okp_to_jwk(struct pkit_ctx *ctx, EVP_PKEY *key, const struct curve *c,
    int priv, json_t *o)
{
	unsigned char buf[64];
	size_t n = sizeof(buf);
	int r;

	if ((r = set_str(ctx, o, "crv", c->jose)) != 0)
		return r;
	if (!EVP_PKEY_get_raw_public_key(key, buf, &n))
		return pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO,
		    "JWK: cannot read the %s public key", c->jose);
	if ((r = set_b64(ctx, o, "x", buf, n)) != 0)
		return r;
	if (!priv)
		return PKIT_OK;
	n = sizeof(buf);
	if (!EVP_PKEY_get_raw_private_key(key, buf, &n)) {
		pkit_secret_wipe(buf, sizeof(buf));
		return pkit_seterr_ssl(ctx, PKIT_ERR_ARG,
		    "JWK: the %s key has no private part", c->jose);
	}
	r = set_b64(ctx, o, "d", buf, n);
	pkit_secret_wipe(buf, sizeof(buf));
	return r;
}

int
pkit_jwk_from_key(struct pkit_ctx *ctx, EVP_PKEY *key, int with_private,
    json_t **out)
{
	const char *kty, *crv;
	const struct curve *c = NULL;
	json_t *o = NULL;
	int bits, r = PKIT_ERR_INTERNAL;

	pkit_jwk_json_wipe_on_free();
	if ((r = pkit_key_info(ctx, key, &kty, &crv, &bits)) != 0)
		return r;
	if (with_private && !pkit_key_has_private(key))
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "JWK: the key has no private part");
	if (crv != NULL &&
	    (c = find_curve(crv, strcmp(kty, "OKP") == 0)) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED,
		    "JWK: curve %s is not supported", crv);
	if ((o = json_object()) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "JWK: out of memory");
	if ((r = set_str(ctx, o, "kty", kty)) != 0)
		goto out;
	if (strcmp(kty, "RSA") == 0)
		r = rsa_to_jwk(ctx, key, with_private, o);
	else if (strcmp(kty, "EC") == 0)
		r = ec_to_jwk(ctx, key, c, with_private, o);
	else
		r = okp_to_jwk(ctx, key, c, with_private, o);
	if (r != 0)
		goto out;
	*out = o;
	o = NULL;
	r = PKIT_OK;
out:
	pkit_jwk_free(o);
	return r;
}

/* ---- JWK -> EVP_PKEY ------------------------------------------------ */

static int
fromdata(struct pkit_ctx *ctx, const char *type, OSSL_PARAM_BLD *bld,
    int selection, EVP_PKEY **out)
{
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	EVP_PKEY *pkey = NULL;
	int r = PKIT_ERR_INTERNAL;

	if ((params = OSSL_PARAM_BLD_to_param(bld)) == NULL ||
	    (pctx = EVP_PKEY_CTX_new_from_name(ctx->libctx, type,
	    ctx->propq)) == NULL ||
	    EVP_PKEY_fromdata_init(pctx) <= 0 ||
	    EVP_PKEY_fromdata(pctx, &pkey, selection, params) <= 0) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_FORMAT,
		    "JWK: not a valid %s key", type);
		goto out;
	}
	*out = pkey;
	pkey = NULL;
	r = PKIT_OK;
out:
	OSSL_PARAM_free(params);
	EVP_PKEY_CTX_free(pctx);
	EVP_PKEY_free(pkey);
	return r;
}

/* Check a key made from a JWK: the public part is valid, and a private
 * part matches it. */
static int
check_key(struct pkit_ctx *ctx, EVP_PKEY *pkey, int priv, const char *what)
{
	EVP_PKEY_CTX *pctx;
	int ok;

	if ((pctx = EVP_PKEY_CTX_new_from_pkey(ctx->libctx, pkey,
	    ctx->propq)) == NULL)
		return pkit_seterr_ssl(ctx, PKIT_ERR_NOMEM, "JWK");
	ok = priv ? EVP_PKEY_pairwise_check(pctx) : EVP_PKEY_public_check(pctx);
	EVP_PKEY_CTX_free(pctx);
	if (ok != 1)
		return pkit_seterr_ssl(ctx, PKIT_ERR_FORMAT,
		    "JWK: not a valid %s key", what);
	return PKIT_OK;
}

static int
rsa_from_jwk(struct pkit_ctx *ctx, const json_t *jwk, EVP_PKEY **out)
{
	static const struct { const char *param, *name; } crt[] = {
		{ OSSL_PKEY_PARAM_RSA_FACTOR1, "p" },
		{ OSSL_PKEY_PARAM_RSA_FACTOR2, "q" },
		{ OSSL_PKEY_PARAM_RSA_EXPONENT1, "dp" },
		{ OSSL_PKEY_PARAM_RSA_EXPONENT2, "dq" },
		{ OSSL_PKEY_PARAM_RSA_COEFFICIENT1, "qi" },
	};
	BIGNUM *n = NULL, *e = NULL, *d = NULL, *f[5] = { NULL };
	OSSL_PARAM_BLD *bld = NULL;
	size_t i, have = 0;
	int r = PKIT_ERR_INTERNAL;

	if (json_object_get(jwk, "oth") != NULL)
		return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED,
		    "JWK: multi-prime RSA keys (\"oth\") are not supported");
	if ((r = get_bn(ctx, jwk, "n", 1, &n)) != 0 ||
	    (r = get_bn(ctx, jwk, "e", 1, &e)) != 0 ||
	    (r = get_bn(ctx, jwk, "d", 0, &d)) != 0)
		goto out;
	for (i = 0; i < 5; i++) {
		if ((r = get_bn(ctx, jwk, crt[i].name, 0, &f[i])) != 0)
			goto out;
		have += f[i] != NULL;
	}
	if ((have != 0 && have != 5) || (have != 0 && d == NULL)) {
		r = pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "JWK: incomplete RSA private key (needs d, p, q, dp, dq, "
		    "qi)");
		goto out;
	}
	if ((bld = OSSL_PARAM_BLD_new()) == NULL ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) ||
	    (d != NULL && !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_D,
	    d))) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_NOMEM, "JWK");
		goto out;
	}
	for (i = 0; i < 5 && have; i++) {
		if (!OSSL_PARAM_BLD_push_BN(bld, crt[i].param, f[i])) {
			r = pkit_seterr_ssl(ctx, PKIT_ERR_NOMEM, "JWK");
			goto out;
		}
	}
	r = fromdata(ctx, "RSA", bld, d != NULL ? EVP_PKEY_KEYPAIR :
	    EVP_PKEY_PUBLIC_KEY, out);
out:
	OSSL_PARAM_BLD_free(bld);
	BN_free(n);
	BN_free(e);
	BN_clear_free(d);
	for (i = 0; i < 5; i++)
		BN_clear_free(f[i]);
	return r;
}

static int
ec_from_jwk(struct pkit_ctx *ctx, const json_t *jwk, const struct curve *c,
    EVP_PKEY **out)
{
	unsigned char *x = NULL, *y = NULL, *d = NULL, pub[1 + 2 * 66];
	size_t xl = 0, yl = 0, dl = 0;
	OSSL_PARAM_BLD *bld = NULL;
	BIGNUM *priv = NULL;
	EVP_PKEY *pkey = NULL;
	int r = PKIT_ERR_INTERNAL;

	if ((r = get_b64(ctx, jwk, "x", 1, &x, &xl)) != 0 ||
	    (r = get_b64(ctx, jwk, "y", 1, &y, &yl)) != 0 ||
	    (r = get_b64(ctx, jwk, "d", 0, &d, &dl)) != 0)
		goto out;
	if (xl != c->len || yl != c->len || (d != NULL && (dl == 0 ||
	    dl > c->len))) {
		r = pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "JWK: %s coordinates must be %zu bytes long", c->jose,
		    c->len);
		goto out;
	}
	pub[0] = 0x04;
	memcpy(pub + 1, x, xl);
	memcpy(pub + 1 + xl, y, yl);
	if ((bld = OSSL_PARAM_BLD_new()) == NULL ||
	    !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
	    c->ossl, 0) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
	    pub, 1 + xl + yl)) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_NOMEM, "JWK");
		goto out;
	}
	if (d != NULL && ((priv = BN_secure_new()) == NULL ||
	    BN_bin2bn(d, (int)dl, priv) == NULL ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, priv))) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_NOMEM, "JWK");
		goto out;
	}
	if ((r = fromdata(ctx, "EC", bld, d != NULL ? EVP_PKEY_KEYPAIR :
	    EVP_PKEY_PUBLIC_KEY, &pkey)) != 0 ||
	    (r = check_key(ctx, pkey, d != NULL, c->jose)) != 0)
		goto out;
	*out = pkey;
	pkey = NULL;
	r = PKIT_OK;
out:
	OSSL_PARAM_BLD_free(bld);
	BN_clear_free(priv);
	EVP_PKEY_free(pkey);
	free(x);
	free(y);
	pkit_secret_free(d, dl);
	return r;
}

static int
okp_from_jwk(struct pkit_ctx *ctx, const json_t *jwk, const struct curve *c,
    EVP_PKEY **out)
{
	unsigned char *x = NULL, *d = NULL, raw[64];
	size_t xl = 0, dl = 0, rl = sizeof(raw);
	EVP_PKEY *pkey = NULL;
	int r = PKIT_ERR_INTERNAL;

	if ((r = get_b64(ctx, jwk, "x", 1, &x, &xl)) != 0 ||
	    (r = get_b64(ctx, jwk, "d", 0, &d, &dl)) != 0)
		goto out;
	if (xl != c->len || (d != NULL && dl != c->len)) {
		r = pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "JWK: %s keys must be %zu bytes long", c->jose, c->len);
		goto out;
	}
	if (d != NULL)
		pkey = EVP_PKEY_new_raw_private_key_ex(ctx->libctx, c->ossl,
		    ctx->propq, d, dl);
	else
		pkey = EVP_PKEY_new_raw_public_key_ex(ctx->libctx, c->ossl,
		    ctx->propq, x, xl);
	if (pkey == NULL) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_FORMAT,
		    "JWK: not a valid %s key", c->jose);
		goto out;
	}
	if (d != NULL && (!EVP_PKEY_get_raw_public_key(pkey, raw, &rl) ||
	    rl != xl || memcmp(raw, x, xl) != 0)) {
		r = pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "JWK: \"x\" is not the public key of \"d\"");
		goto out;
	}
	*out = pkey;
	pkey = NULL;
	r = PKIT_OK;
out:
	EVP_PKEY_free(pkey);
	free(x);
	pkit_secret_free(d, dl);
	return r;
}

int
pkit_jwk_to_key(struct pkit_ctx *ctx, const json_t *jwk, EVP_PKEY **out)
{
	const char *kty = get_string(jwk, "kty");
	const struct curve *c;

	if (!json_is_object(jwk) || kty == NULL)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "JWK: member \"kty\" is missing");
	if (strcmp(kty, "RSA") == 0)
		return rsa_from_jwk(ctx, jwk, out);
	if (strcmp(kty, "EC") == 0 || strcmp(kty, "OKP") == 0) {
		int okp = kty[0] == 'O';

		if ((c = find_curve(get_string(jwk, "crv"), okp)) == NULL)
			return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED,
			    "JWK: %s curve \"%s\" is not supported", kty,
			    get_string(jwk, "crv") ? get_string(jwk, "crv") :
			    "(none)");
		return okp ? okp_from_jwk(ctx, jwk, c, out) :
		    ec_from_jwk(ctx, jwk, c, out);
	}
	if (strcmp(kty, "oct") == 0)
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "JWK: an oct key is a shared secret, not a key pair");
	return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED,
	    "JWK: key type \"%s\" is not supported", kty);
}

/* ---- thumbprints, public parts, order ------------------------------- */

int
pkit_jwk_thumbprint(struct pkit_ctx *ctx, const json_t *jwk, char **out)
{
	static const struct { const char *kty; const char *m[4]; } req[] = {
		{ "EC", { "crv", "kty", "x", "y" } },
		{ "RSA", { "e", "kty", "n", NULL } },
		{ "OKP", { "crv", "kty", "x", NULL } },
		{ "oct", { "k", "kty", NULL, NULL } },
	};
	const char *kty = get_string(jwk, "kty");
	unsigned char md[32];
	unsigned int mdlen = 0;
	json_t *o = NULL;
	char *s = NULL;
	size_t i, j;
	int r = PKIT_ERR_INTERNAL;

	for (i = 0; i < sizeof(req) / sizeof(req[0]); i++)
		if (kty != NULL && strcmp(kty, req[i].kty) == 0)
			break;
	if (i == sizeof(req) / sizeof(req[0]))
		return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED,
		    "JWK: no thumbprint for key type \"%s\"",
		    kty ? kty : "(none)");
	if ((o = json_object()) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "JWK: out of memory");
	for (j = 0; j < 4 && req[i].m[j] != NULL; j++) {
		json_t *v = json_object_get(jwk, req[i].m[j]);

		if (!json_is_string(v)) {
			r = pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "JWK: member \"%s\" is missing", req[i].m[j]);
			goto out;
		}
		if (json_object_set(o, req[i].m[j], v) != 0) {
			r = pkit_seterr(ctx, PKIT_ERR_NOMEM,
			    "JWK: out of memory");
			goto out;
		}
	}
	/* RFC 7638 §3: members in lexicographic order, no whitespace. */
	if ((s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS)) == NULL) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "JWK: out of memory");
		goto out;
	}
	if (!EVP_Digest(s, strlen(s), md, &mdlen, EVP_sha256(), NULL)) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "JWK thumbprint");
		goto out;
	}
	r = pkit_b64_encode(ctx, PKIT_B64_URL_RAW, md, mdlen, out);
out:
	pkit_secret_strfree(s);
	json_decref(o);
	return r;
}

static int
is_private_member(const char *name)
{
	size_t i;

	for (i = 0; private_members[i] != NULL; i++)
		if (strcmp(name, private_members[i]) == 0)
			return 1;
	return 0;
}

/* Wipe the secret strings of o that nobody else references. */
static void
wipe_value(json_t *v)
{
	size_t i;

	if (v == NULL || v->refcount > 1)
		return;
	if (json_is_string(v)) {
		pkit_secret_wipe((char *)json_string_value(v),
		    json_string_length(v));
	} else if (json_is_array(v)) {
		for (i = 0; i < json_array_size(v); i++) {
			json_t *e = json_array_get(v, i);
			const char *k;
			json_t *m;

			if (json_is_object(e) && e->refcount == 1)
				json_object_foreach(e, k, m)
					wipe_value(m);
		}
	}
}

void
pkit_jwk_wipe(json_t *jwk)
{
	size_t i;

	if (!json_is_object(jwk))
		return;
	for (i = 0; private_members[i] != NULL; i++)
		wipe_value(json_object_get(jwk, private_members[i]));
}

void
pkit_jwk_free(json_t *jwk)
{
	if (jwk == NULL)
		return;
	if (jwk->refcount == 1)
		pkit_jwk_wipe(jwk);
	json_decref(jwk);
}

int
pkit_jwk_is_private(const json_t *jwk)
{
	const char *kty = get_string(jwk, "kty");

	if (kty != NULL && strcmp(kty, "oct") == 0)
		return 1;
	return json_object_get(jwk, "d") != NULL;
}

int
pkit_jwk_public(struct pkit_ctx *ctx, const json_t *jwk, json_t **out)
{
	const char *kty = get_string(jwk, "kty"), *k;
	json_t *o, *v;

	if (!json_is_object(jwk) || kty == NULL)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "JWK: member \"kty\" is missing");
	if (strcmp(kty, "oct") == 0)
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "JWK: an oct key is a shared secret and has no public "
		    "part");
	if ((o = json_object()) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "JWK: out of memory");
	json_object_foreach((json_t *)jwk, k, v) {
		if (is_private_member(k))
			continue;
		if (json_object_set_new(o, k, json_deep_copy(v)) != 0) {
			json_decref(o);
			return pkit_seterr(ctx, PKIT_ERR_NOMEM,
			    "JWK: out of memory");
		}
	}
	*out = o;
	return PKIT_OK;
}

int
pkit_jwk_ordered(struct pkit_ctx *ctx, const json_t *jwk, json_t **out)
{
	const char *k;
	json_t *o, *v;
	size_t i;

	if ((o = json_object()) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "JWK: out of memory");
	for (i = 0; member_order[i] != NULL; i++) {
		if ((v = json_object_get(jwk, member_order[i])) != NULL &&
		    json_object_set(o, member_order[i], v) != 0)
			goto nomem;
	}
	json_object_foreach((json_t *)jwk, k, v) {
		if (json_object_get(o, k) == NULL &&
		    json_object_set(o, k, v) != 0)
			goto nomem;
	}
	*out = o;
	return PKIT_OK;
nomem:
	json_decref(o);
	return pkit_seterr(ctx, PKIT_ERR_NOMEM, "JWK: out of memory");
}

/* ---- generation and defaults ---------------------------------------- */

int
pkit_jwk_generate(struct pkit_ctx *ctx, const struct pkit_jwk_spec *spec,
    json_t **out)
{
	struct pkit_keyspec ks;
	EVP_PKEY *key = NULL;
	unsigned char *buf = NULL;
	json_t *o = NULL;
	long size;
	int r = PKIT_ERR_INTERNAL;

	pkit_jwk_json_wipe_on_free();
	if (spec->kty != NULL && strcmp(spec->kty, "oct") == 0) {
		size = spec->size > 0 ? spec->size : 32;
		if (spec->crv != NULL || spec->bits != 0)
			return pkit_seterr(ctx, PKIT_ERR_USAGE,
			    "JWK: an oct key takes --size (bytes) only");
		if (size < 16 && !spec->insecure)
			return pkit_seterr(ctx, PKIT_ERR_INSECURE,
			    "JWK: an oct key shorter than 16 bytes needs "
			    "--insecure");
		if (size > 1024)
			return pkit_seterr(ctx, PKIT_ERR_ARG,
			    "JWK: an oct key is at most 1024 bytes");
		if ((buf = malloc((size_t)size)) == NULL ||
		    (o = json_object()) == NULL) {
			r = pkit_seterr(ctx, PKIT_ERR_NOMEM,
			    "JWK: out of memory");
			goto out;
		}
		if (RAND_bytes_ex(ctx->libctx, buf, (size_t)size, 0) != 1) {
			r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO,
			    "JWK: random bytes");
			goto out;
		}
		if ((r = set_str(ctx, o, "kty", "oct")) != 0 ||
		    (r = set_b64(ctx, o, "k", buf, (size_t)size)) != 0)
			goto out;
		*out = o;
		o = NULL;
		r = PKIT_OK;
		goto out;
	}
	memset(&ks, 0, sizeof(ks));
	ks.kty = spec->kty;
	ks.crv = spec->crv;
	ks.bits = spec->bits;
	ks.insecure = spec->insecure;
	if ((r = pkit_key_generate(ctx, &ks, &key)) != 0)
		goto out;
	r = pkit_jwk_from_key(ctx, key, 1, out);
out:
	if (buf != NULL)
		pkit_secret_free(buf, (size_t)(spec->size > 0 ? spec->size :
		    32));
	EVP_PKEY_free(key);
	pkit_jwk_free(o);
	return r;
}

const char *
pkit_jwk_default_alg(const json_t *jwk, const char *use)
{
	const char *kty = get_string(jwk, "kty");
	const char *crv = get_string(jwk, "crv");
	int enc = use != NULL && strcmp(use, "enc") == 0;

	if (kty == NULL)
		return NULL;
	if (strcmp(kty, "oct") == 0) {
		const char *k = get_string(jwk, "k");
		size_t n = k != NULL ? strlen(k) * 3 / 4 : 0;

		if (!enc)
			return "HS256";
		/* step's default is A256GCMKW; other sizes get the key
		 * wrap of their size, or dir. */
		return n == 16 ? "A128GCMKW" : n == 24 ? "A192GCMKW" :
		    n == 32 || n == 0 ? "A256GCMKW" : "dir";
	}
	if (strcmp(kty, "RSA") == 0)
		return enc ? "RSA-OAEP-256" : "RS256";
	if (crv == NULL)
		return NULL;
	if (strcmp(kty, "EC") == 0) {
		if (enc)
			return "ECDH-ES";
		if (strcmp(crv, "P-256") == 0)
			return "ES256";
		if (strcmp(crv, "P-384") == 0)
			return "ES384";
		if (strcmp(crv, "P-521") == 0)
			return "ES512";
		return NULL;
	}
	if (strcmp(kty, "OKP") == 0) {
		if (strcmp(crv, "Ed25519") == 0)
			return enc ? NULL : "EdDSA";
		if (strcmp(crv, "X25519") == 0)
			return enc ? "ECDH-ES" : NULL;
	}
	return NULL;
}

/* ---- parsing and loading -------------------------------------------- */

static int
parse_json(struct pkit_ctx *ctx, const unsigned char *data, size_t len,
    const char *name, json_t **out)
{
	json_error_t e;
	json_t *o;

	if ((o = json_loadb((const char *)data, len, JSON_REJECT_DUPLICATES,
	    &e)) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: invalid JSON: %s",
		    name, e.text);
	if (!json_is_object(o)) {
		json_decref(o);
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: not a JSON object", name);
	}
	*out = o;
	return PKIT_OK;
}

static int
check_jwk(struct pkit_ctx *ctx, const json_t *o, const char *name)
{
	const char *kty = get_string(o, "kty");

	if (kty == NULL)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: not a JWK (no \"kty\")", name);
	if (kty_static(kty) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED,
		    "%s: key type \"%s\" is not supported", name, kty);
	return PKIT_OK;
}

int
pkit_jwk_parse(struct pkit_ctx *ctx, const unsigned char *data, size_t len,
    const char *name, json_t **out)
{
	json_t *o = NULL;
	int r;

	pkit_jwk_json_wipe_on_free();
	if ((r = parse_json(ctx, data, len, name, &o)) != 0)
		return r;
	if ((r = check_jwk(ctx, o, name)) != 0) {
		pkit_jwk_free(o);
		return r;
	}
	*out = o;
	return PKIT_OK;
}

static void
trim(const unsigned char **data, size_t *len)
{
	while (*len > 0 && isspace((*data)[0])) {
		(*data)++;
		(*len)--;
	}
	while (*len > 0 && isspace((*data)[*len - 1]))
		(*len)--;
}

/* A compact JWE: five base64url parts separated by dots. */
static int
is_compact_jwe(const unsigned char *p, size_t len)
{
	size_t i, dots = 0;

	for (i = 0; i < len; i++) {
		if (p[i] == '.')
			dots++;
		else if (!isalnum(p[i]) && p[i] != '-' && p[i] != '_')
			return 0;
	}
	return dots == 4;
}

static int
is_json_jwe(const unsigned char *p, size_t len)
{
	json_t *o;
	int yes;

	if (len == 0 || p[0] != '{')
		return 0;
	if ((o = json_loadb((const char *)p, len, 0, NULL)) == NULL)
		return 0;
	yes = json_is_object(o) && json_object_get(o, "ciphertext") != NULL;
	json_decref(o);
	return yes;
}

int
pkit_jwk_data_is_encrypted(const unsigned char *data, size_t len)
{
	trim(&data, &len);
	return is_compact_jwe(data, len) || is_json_jwe(data, len) ||
	    pkit_key_is_encrypted(data, len);
}

/* Decrypt a JWE-encrypted JWK or JWK Set, or parse the JSON as it is. */
static int
load_json(struct pkit_ctx *ctx, const unsigned char *data, size_t len,
    const char *password, const char *name, json_t **out)
{
	if (is_compact_jwe(data, len) || is_json_jwe(data, len)) {
		if (password == NULL)
			return pkit_seterr(ctx, PKIT_ERR_PASSWORD,
			    "%s: the key is encrypted; a password is needed",
			    name);
		return pkit_jwk_decrypt(ctx, data, len, password, name, out);
	}
	return parse_json(ctx, data, len, name, out);
}

int
pkit_jwk_load(struct pkit_ctx *ctx, const unsigned char *data, size_t len,
    const char *password, const char *name, json_t **out)
{
	EVP_PKEY *key = NULL;
	json_t *o = NULL;
	int r = PKIT_ERR_INTERNAL;

	pkit_jwk_json_wipe_on_free();
	trim(&data, &len);
	if (len == 0)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: empty", name);
	if (data[0] == '{' || is_compact_jwe(data, len)) {
		if ((r = load_json(ctx, data, len, password, name, &o)) != 0)
			return r;
		if (json_object_get(o, "keys") != NULL) {
			r = pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "%s: is a JWK Set, not a JWK (use --jwks)", name);
			goto out;
		}
		if ((r = check_jwk(ctx, o, name)) != 0)
			goto out;
		*out = o;
		o = NULL;
		r = PKIT_OK;
		goto out;
	}
	/* PEM or DER: a private key, else a public key or certificate. */
	if (pkit_key_is_encrypted(data, len)) {
		if (password == NULL)
			return pkit_seterr(ctx, PKIT_ERR_PASSWORD,
			    "%s: the key is encrypted; a password is needed",
			    name);
		r = pkit_key_parse_private(ctx, data, len, password, name,
		    &key);
	} else if ((r = pkit_key_parse_private(ctx, data, len, NULL, name,
	    &key)) != 0) {
		r = pkit_key_parse_public(ctx, data, len, name, &key);
	}
	if (r != 0)
		goto out;
	if ((r = pkit_jwk_from_key(ctx, key, pkit_key_has_private(key),
	    out)) != 0) {
		char msg[sizeof(ctx->errbuf)];

		snprintf(msg, sizeof(msg), "%s", ctx->errbuf);
		r = pkit_seterr(ctx, r, "%s: %s", name, msg);
	}
out:
	EVP_PKEY_free(key);
	pkit_jwk_free(o);
	return r;
}

int
pkit_jwks_load(struct pkit_ctx *ctx, const unsigned char *data, size_t len,
    const char *password, const char *name, json_t **out)
{
	json_t *o = NULL, *keys, *k;
	size_t i;
	int r;

	pkit_jwk_json_wipe_on_free();
	trim(&data, &len);
	if ((r = load_json(ctx, data, len, password, name, &o)) != 0)
		return r;
	keys = json_object_get(o, "keys");
	if (!json_is_array(keys)) {
		pkit_jwks_free(o);
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: not a JWK Set (no \"keys\" array)", name);
	}
	json_array_foreach(keys, i, k) {
		if (!json_is_object(k) || (r = check_jwk(ctx, k, name)) != 0) {
			pkit_jwks_free(o);
			return pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "%s: key %zu of the set is not a JWK", name, i + 1);
		}
	}
	*out = o;
	return PKIT_OK;
}

int
pkit_jwks_fetch(struct pkit_ctx *ctx, const char *url, json_t **out)
{
	struct pkit_http_request req;
	struct pkit_http_response *resp = NULL;
	struct pkit_http *h = NULL;
	int r;

	if (strncmp(url, "https://", 8) != 0)
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "%s: a JWK Set is fetched over https:// only", url);
	memset(&req, 0, sizeof(req));
	req.url = url;
	if ((r = pkit_http_new(ctx, &h)) != 0)
		return r;
	pkit_http_set_max_body(h, 1024 * 1024);
	if ((r = pkit_http_do(ctx, h, &req, &resp)) != 0)
		goto out;
	if (resp->status != 200) {
		r = pkit_seterr(ctx, PKIT_ERR_NET, "%s: HTTP status %ld", url,
		    resp->status);
		goto out;
	}
	r = pkit_jwks_load(ctx, resp->body, resp->len, NULL, url, out);
out:
	pkit_http_response_free(resp);
	pkit_http_free(h);
	return r;
}

json_t *
pkit_jwks_find(const json_t *set, const char *kid)
{
	json_t *keys = json_object_get(set, "keys"), *k;
	const char *s;
	size_t i;

	json_array_foreach(keys, i, k) {
		if ((s = get_string(k, "kid")) != NULL && strcmp(s, kid) == 0)
			return k;
	}
	return NULL;
}

int
pkit_jwks_add(struct pkit_ctx *ctx, json_t *set, json_t *jwk)
{
	json_t *keys = json_object_get(set, "keys"), *k;
	const char *kid = get_string(jwk, "kid"), *kty = get_string(jwk, "kty");
	size_t i;

	if (keys == NULL) {
		if (json_object_set_new(set, "keys", json_array()) != 0)
			return pkit_seterr(ctx, PKIT_ERR_NOMEM, "JWK Set");
		keys = json_object_get(set, "keys");
	}
	if (!json_is_array(keys))
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "JWK Set: \"keys\" is not an array");
	json_array_foreach(keys, i, k) {
		const char *kk = get_string(k, "kid");
		const char *kt = get_string(k, "kty");

		if (kid != NULL && kk != NULL && strcmp(kid, kk) == 0 &&
		    kty != NULL && kt != NULL && strcmp(kty, kt) == 0)
			return pkit_seterr(ctx, PKIT_ERR_EXISTS,
			    "JWK Set: a %s key with kid \"%s\" is already "
			    "there", kty, kid);
	}
	if (json_array_append(keys, jwk) != 0)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "JWK Set");
	return PKIT_OK;
}

int
pkit_jwks_remove(struct pkit_ctx *ctx, json_t *set, const char *kid,
    size_t *removed)
{
	json_t *keys = json_object_get(set, "keys");
	const char *s;
	size_t i = 0, n = 0;

	if (!json_is_array(keys))
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "JWK Set: no \"keys\" array");
	while (i < json_array_size(keys)) {
		json_t *k = json_array_get(keys, i);

		if ((s = get_string(k, "kid")) != NULL && strcmp(s, kid) == 0) {
			json_incref(k);
			json_array_remove(keys, i);
			pkit_jwk_free(k);
			n++;
		} else {
			i++;
		}
	}
	*removed = n;
	return PKIT_OK;
}

void
pkit_jwks_free(json_t *set)
{
	json_t *keys, *k;
	size_t i;

	if (set == NULL)
		return;
	if (set->refcount == 1 &&
	    (keys = json_object_get(set, "keys")) != NULL &&
	    keys->refcount == 1) {
		json_array_foreach(keys, i, k) {
			if (k->refcount == 1)
				pkit_jwk_wipe(k);
		}
	}
	pkit_jwk_free(set);
}

/* ---- encrypted JWKs -------------------------------------------------- */

int
pkit_jwk_encrypt(struct pkit_ctx *ctx, const json_t *jwk,
    const char *password, long p2c, int compact, char **out)
{
	struct pkit_jwe_opts o;
	json_t *hdr = NULL, *ord = NULL;
	char *text = NULL;
	int r = PKIT_ERR_INTERNAL;

	if (password == NULL || *password == '\0')
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "JWK: the password to encrypt it with is empty");
	if (json_object_get(jwk, "keys") != NULL)
		ord = json_incref((json_t *)jwk);
	else if ((r = pkit_jwk_ordered(ctx, jwk, &ord)) != 0)
		return r;
	if ((text = json_dumps(ord, JSON_COMPACT)) == NULL ||
	    (hdr = json_pack("{s:s}", "cty", "jwk+json")) == NULL) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "JWK: out of memory");
		goto out;
	}
	memset(&o, 0, sizeof(o));
	o.alg = "PBES2-HS256+A128KW";
	o.enc = "A256GCM";
	o.header = hdr;
	o.password = password;
	o.p2c = p2c > 0 ? p2c : PKIT_JWK_P2C;
	o.compact = compact;
	o.indent = !compact;
	r = pkit_jwe_encrypt(ctx, NULL, &o, (const unsigned char *)text,
	    strlen(text), out);
out:
	pkit_secret_strfree(text);
	json_decref(hdr);
	pkit_jwk_free(ord);
	return r;
}

int
pkit_jwk_decrypt(struct pkit_ctx *ctx, const unsigned char *data, size_t len,
    const char *password, const char *name, json_t **out)
{
	struct pkit_jwe *jwe = NULL;
	unsigned char *pt = NULL;
	size_t ptlen = 0;
	int r;

	pkit_jwk_json_wipe_on_free();
	trim(&data, &len);
	if ((r = pkit_jwe_parse(ctx, (const char *)data, len, name, &jwe)) != 0)
		return r;
	if ((r = pkit_jwe_decrypt(ctx, jwe, NULL, password, &pt, &ptlen)) != 0)
		goto out;
	r = parse_json(ctx, pt, ptlen, name, out);
out:
	pkit_secret_free(pt, ptlen);
	pkit_jwe_free(jwe);
	return r;
}

/* ---- key objects ----------------------------------------------------- */

int
pkit_jwk_key_new(struct pkit_ctx *ctx, json_t *jwk, struct pkit_jwk_key **out)
{
	struct pkit_jwk_key *k;
	const char *kty = kty_static(get_string(jwk, "kty")), *crv;
	int bits, r = PKIT_ERR_INTERNAL;

	if (kty == NULL)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "JWK: missing or unsupported \"kty\"");
	if ((k = calloc(1, sizeof(*k))) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "JWK: out of memory");
	k->jwk = json_incref(jwk);
	k->kty = kty;
	if (strcmp(kty, "oct") == 0) {
		if ((r = get_b64(ctx, jwk, "k", 1, &k->secret,
		    &k->secret_len)) != 0)
			goto out;
		if (k->secret_len == 0) {
			r = pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "JWK: the oct key is empty");
			goto out;
		}
		k->bits = (int)(k->secret_len * 8);
		k->is_private = 1;
	} else {
		if ((r = pkit_jwk_to_key(ctx, jwk, &k->pkey)) != 0 ||
		    (r = pkit_key_info(ctx, k->pkey, &kty, &crv, &bits)) != 0)
			goto out;
		if (crv != NULL) {
			const struct curve *c = find_curve(crv,
			    strcmp(kty, "OKP") == 0);

			k->crv = c != NULL ? c->jose : NULL;
		}
		k->bits = bits;
		k->is_private = json_object_get(jwk, "d") != NULL;
	}
	/* cjose signs and encrypts with EC, RSA and oct keys; if it cannot
	 * read this one, the operations that need it say so. */
	if (strcmp(k->kty, "OKP") != 0)
		k->cjose = pkit_jwk_cjose_import(k->jwk, NULL, 0);
	k->jws_cache = pkit_jws_cache_new();
	*out = k;
	k = NULL;
	r = PKIT_OK;
out:
	pkit_jwk_key_free(k);
	return r;
}

void
pkit_jwk_key_free(struct pkit_jwk_key *key)
{
	if (key == NULL)
		return;
	pkit_jws_cache_free(key->jws_cache);
	pkit_jwk_free(key->jwk);
	if (key->cjose != NULL) {
		/* cjose frees its copy of an oct key without wiping it. */
		if (key->secret != NULL) {
			void *raw = cjose_jwk_get_keydata(key->cjose, NULL);
			size_t bits = cjose_jwk_get_keysize(key->cjose, NULL);

			pkit_secret_wipe(raw, bits / 8);
		}
		cjose_jwk_release(key->cjose);
	}
	EVP_PKEY_free(key->pkey);
	pkit_secret_free(key->secret, key->secret_len);
	free(key);
}

void *
pkit_jwk_cjose_import(const json_t *jwk, char *why, size_t whysize)
{
	cjose_err err;
	cjose_jwk_t *k;
	char *text;

	memset(&err, 0, sizeof(err));
	if ((text = json_dumps(jwk, JSON_COMPACT)) == NULL) {
		if (why != NULL)
			snprintf(why, whysize, "out of memory");
		return NULL;
	}
	k = cjose_jwk_import(text, strlen(text), &err);
	pkit_secret_strfree(text);
	if (k == NULL && why != NULL)
		snprintf(why, whysize, "%s", err.message != NULL ?
		    err.message : "cjose cannot read the key");
	return k;
}

/* jwe.c - JSON Web Encryption on OpenSSL.
 *
 * Every key management and content encryption algorithm is here, in one
 * code path, so that the checks hold for all of them: the IV and tag of
 * the content encryption have their exact lengths (a GCM tag is 128
 * bits), keys have the lengths their algorithm needs, an ephemeral ECDH
 * key must be a valid point of the recipient's curve, PBES2 counts are
 * bounded, and a failed RSA-OAEP decryption goes on with a random key
 * (RFC 7516 §11.5) so that it looks like any other failure.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include "codec.h"
#include "jwe.h"
#include "jws.h"
#include "key.h"
#include "secret.h"

enum kfam { K_RSA_OAEP, K_AESKW, K_GCMKW, K_DIR, K_ECDH, K_ECDH_KW, K_PBES2 };

static const struct jwe_alg {
	const char *name;
	enum kfam fam;
	size_t kwlen;		/* key-wrapping key length */
	const char *md;		/* RSA-OAEP / PBES2 hash */
} kalgs[] = {
	{ "RSA-OAEP", K_RSA_OAEP, 0, "SHA1" },
	{ "RSA-OAEP-256", K_RSA_OAEP, 0, "SHA256" },
	{ "A128KW", K_AESKW, 16, NULL },
	{ "A192KW", K_AESKW, 24, NULL },
	{ "A256KW", K_AESKW, 32, NULL },
	{ "A128GCMKW", K_GCMKW, 16, NULL },
	{ "A192GCMKW", K_GCMKW, 24, NULL },
	{ "A256GCMKW", K_GCMKW, 32, NULL },
	{ "dir", K_DIR, 0, NULL },
	{ "ECDH-ES", K_ECDH, 0, NULL },
	{ "ECDH-ES+A128KW", K_ECDH_KW, 16, NULL },
	{ "ECDH-ES+A192KW", K_ECDH_KW, 24, NULL },
	{ "ECDH-ES+A256KW", K_ECDH_KW, 32, NULL },
	{ "PBES2-HS256+A128KW", K_PBES2, 16, "SHA256" },
	{ "PBES2-HS384+A192KW", K_PBES2, 24, "SHA384" },
	{ "PBES2-HS512+A256KW", K_PBES2, 32, "SHA512" },
};

enum efam { E_GCM, E_CBC };

static const struct jwe_enc {
	const char *name;
	enum efam fam;
	size_t keylen;		/* CEK length */
	size_t ivlen;
	size_t taglen;
	const char *cipher;
	const char *md;		/* CBC-HS HMAC hash */
} encs[] = {
	{ "A128GCM", E_GCM, 16, 12, 16, "AES-128-GCM", NULL },
	{ "A192GCM", E_GCM, 24, 12, 16, "AES-192-GCM", NULL },
	{ "A256GCM", E_GCM, 32, 12, 16, "AES-256-GCM", NULL },
	{ "A128CBC-HS256", E_CBC, 32, 16, 16, "AES-128-CBC", "SHA256" },
	{ "A192CBC-HS384", E_CBC, 48, 16, 24, "AES-192-CBC", "SHA384" },
	{ "A256CBC-HS512", E_CBC, 64, 16, 32, "AES-256-CBC", "SHA512" },
};

static const struct jwe_alg *
find_kalg(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < sizeof(kalgs) / sizeof(kalgs[0]); i++)
		if (strcmp(kalgs[i].name, name) == 0)
			return &kalgs[i];
	return NULL;
}

static const struct jwe_enc *
find_enc(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < sizeof(encs) / sizeof(encs[0]); i++)
		if (strcmp(encs[i].name, name) == 0)
			return &encs[i];
	return NULL;
}

static const char *
get_string(const json_t *o, const char *name)
{
	return json_string_value(json_object_get(o, name));
}

/* ---- primitives -------------------------------------------------------- */

static int
aes_gcm(struct pkit_ctx *ctx, int enc, const char *cipher,
    const unsigned char *key, const unsigned char *iv, size_t ivlen,
    const unsigned char *aad, size_t aadlen, const unsigned char *in,
    size_t inlen, unsigned char *out, unsigned char *tag)
{
	EVP_CIPHER *c = NULL;
	EVP_CIPHER_CTX *x = NULL;
	OSSL_PARAM p[2];
	size_t ivl = ivlen;
	int n, ok = 0;

	if (inlen > INT_MAX || aadlen > INT_MAX)
		return pkit_seterr(ctx, PKIT_ERR_TOO_LARGE, "JWE: too large");
	p[0] = OSSL_PARAM_construct_size_t(OSSL_CIPHER_PARAM_AEAD_IVLEN, &ivl);
	p[1] = OSSL_PARAM_construct_end();
	if ((c = EVP_CIPHER_fetch(ctx->libctx, cipher, ctx->propq)) == NULL ||
	    (x = EVP_CIPHER_CTX_new()) == NULL)
		goto out;
	if (enc) {
		ok = EVP_EncryptInit_ex2(x, c, key, iv, p) == 1 &&
		    (aadlen == 0 || EVP_EncryptUpdate(x, NULL, &n, aad,
		    (int)aadlen) == 1) &&
		    EVP_EncryptUpdate(x, out, &n, in, (int)inlen) == 1 &&
		    EVP_EncryptFinal_ex(x, out + n, &n) == 1 &&
		    EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_GET_TAG, 16, tag) == 1;
	} else {
		ok = EVP_DecryptInit_ex2(x, c, key, iv, p) == 1 &&
		    (aadlen == 0 || EVP_DecryptUpdate(x, NULL, &n, aad,
		    (int)aadlen) == 1) &&
		    EVP_DecryptUpdate(x, out, &n, in, (int)inlen) == 1 &&
		    EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_SET_TAG, 16,
		    tag) == 1 &&
		    EVP_DecryptFinal_ex(x, out + n, &n) == 1;
	}
out:
	EVP_CIPHER_CTX_free(x);
	EVP_CIPHER_free(c);
	if (!ok) {
		if (enc)
			return pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO,
			    "JWE: %s", cipher);
		ERR_clear_error();
		return pkit_seterr(ctx, PKIT_ERR_VERIFY,
		    "JWE: decryption failed");
	}
	return PKIT_OK;
}

/* AES key wrap (RFC 3394) with the default IV; out has inlen + 8 bytes
 * when wrapping, inlen - 8 when unwrapping. */
static int
aes_kw(struct pkit_ctx *ctx, int wrap, const unsigned char *kek,
    size_t keklen, const unsigned char *in, size_t inlen, unsigned char *out,
    size_t *outlen)
{
	const char *name = keklen == 16 ? "AES-128-WRAP" : keklen == 24 ?
	    "AES-192-WRAP" : "AES-256-WRAP";
	EVP_CIPHER *c = NULL;
	EVP_CIPHER_CTX *x = NULL;
	int n = 0, m = 0, ok = 0;

	if (inlen % 8 != 0 || inlen < (wrap ? 16u : 24u) || inlen > 1024)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "JWE: bad key length for AES key wrap");
	if ((c = EVP_CIPHER_fetch(ctx->libctx, name, ctx->propq)) == NULL ||
	    (x = EVP_CIPHER_CTX_new()) == NULL)
		goto out;
	EVP_CIPHER_CTX_set_flags(x, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
	if (wrap)
		ok = EVP_EncryptInit_ex2(x, c, kek, NULL, NULL) == 1 &&
		    EVP_EncryptUpdate(x, out, &n, in, (int)inlen) == 1 &&
		    EVP_EncryptFinal_ex(x, out + n, &m) == 1;
	else
		ok = EVP_DecryptInit_ex2(x, c, kek, NULL, NULL) == 1 &&
		    EVP_DecryptUpdate(x, out, &n, in, (int)inlen) == 1 &&
		    EVP_DecryptFinal_ex(x, out + n, &m) == 1;
out:
	EVP_CIPHER_CTX_free(x);
	EVP_CIPHER_free(c);
	if (!ok) {
		if (wrap)
			return pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO,
			    "JWE: %s", name);
		ERR_clear_error();
		return pkit_seterr(ctx, PKIT_ERR_VERIFY,
		    "JWE: decryption failed");
	}
	*outlen = (size_t)(n + m);
	return PKIT_OK;
}

/* AES-CBC with HMAC-SHA2 (RFC 7518 §5.2).  The MAC is checked, in
 * constant time, before anything is decrypted. */
static int
cbc_hs(struct pkit_ctx *ctx, int enc, const struct jwe_enc *e,
    const unsigned char *key, const unsigned char *iv,
    const unsigned char *aad, size_t aadlen, const unsigned char *in,
    size_t inlen, unsigned char *out, size_t *outlen, unsigned char *tag)
{
	size_t half = e->keylen / 2, maclen = 0, n, i;
	unsigned char mac[64], *buf = NULL;
	const unsigned char *ct;
	EVP_CIPHER *c = NULL;
	EVP_CIPHER_CTX *x = NULL;
	uint64_t al = (uint64_t)aadlen * 8;
	int a = 0, b = 0, ok = 0, r = PKIT_ERR_INTERNAL;

	if (inlen > INT_MAX - 32 || aadlen > INT_MAX)
		return pkit_seterr(ctx, PKIT_ERR_TOO_LARGE, "JWE: too large");
	if ((c = EVP_CIPHER_fetch(ctx->libctx, e->cipher,
	    ctx->propq)) == NULL ||
	    (x = EVP_CIPHER_CTX_new()) == NULL) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "JWE: %s", e->cipher);
		goto out;
	}
	if (enc) {
		if (EVP_EncryptInit_ex2(x, c, key + half, iv, NULL) != 1 ||
		    EVP_EncryptUpdate(x, out, &a, in, (int)inlen) != 1 ||
		    EVP_EncryptFinal_ex(x, out + a, &b) != 1) {
			r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "JWE: %s",
			    e->cipher);
			goto out;
		}
		*outlen = (size_t)(a + b);
		ct = out;
		n = *outlen;
	} else {
		ct = in;
		n = inlen;
	}
	/* MAC over AAD || IV || ciphertext || AL (AAD length in bits). */
	if ((buf = malloc(aadlen + 16 + n + 8)) == NULL) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "JWE");
		goto out;
	}
	if (aadlen > 0)
		memcpy(buf, aad, aadlen);
	memcpy(buf + aadlen, iv, 16);
	if (n > 0)
		memcpy(buf + aadlen + 16, ct, n);
	for (i = 0; i < 8; i++)
		buf[aadlen + 16 + n + i] = (unsigned char)(al >> (56 - 8 * i));
	if (EVP_Q_mac(ctx->libctx, "HMAC", ctx->propq, e->md, NULL, key, half,
	    buf, aadlen + 16 + n + 8, mac, sizeof(mac), &maclen) == NULL) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "JWE: HMAC");
		goto out;
	}
	if (enc) {
		memcpy(tag, mac, e->taglen);
		r = PKIT_OK;
		goto out;
	}
	if (CRYPTO_memcmp(mac, tag, e->taglen) != 0) {
		r = pkit_seterr(ctx, PKIT_ERR_VERIFY, "JWE: decryption failed");
		goto out;
	}
	ok = EVP_DecryptInit_ex2(x, c, key + half, iv, NULL) == 1 &&
	    EVP_DecryptUpdate(x, out, &a, in, (int)inlen) == 1 &&
	    EVP_DecryptFinal_ex(x, out + a, &b) == 1;
	if (!ok) {
		ERR_clear_error();
		r = pkit_seterr(ctx, PKIT_ERR_VERIFY, "JWE: decryption failed");
		goto out;
	}
	*outlen = (size_t)(a + b);
	r = PKIT_OK;
out:
	pkit_secret_wipe(mac, sizeof(mac));
	free(buf);
	EVP_CIPHER_CTX_free(x);
	EVP_CIPHER_free(c);
	return r;
}

static int
rsa_oaep(struct pkit_ctx *ctx, int enc, EVP_PKEY *pkey, const char *md,
    const unsigned char *in, size_t inlen, unsigned char **out,
    size_t *outlen)
{
	EVP_PKEY_CTX *p = NULL;
	unsigned char *buf = NULL;
	size_t n = 0;
	int ok, r = PKIT_ERR_INTERNAL;

	if ((p = EVP_PKEY_CTX_new_from_pkey(ctx->libctx, pkey,
	    ctx->propq)) == NULL)
		return pkit_seterr_ssl(ctx, PKIT_ERR_NOMEM, "JWE");
	ok = (enc ? EVP_PKEY_encrypt_init(p) : EVP_PKEY_decrypt_init(p)) == 1 &&
	    EVP_PKEY_CTX_set_rsa_padding(p, RSA_PKCS1_OAEP_PADDING) == 1 &&
	    EVP_PKEY_CTX_set_rsa_oaep_md_name(p, md, NULL) == 1 &&
	    EVP_PKEY_CTX_set_rsa_mgf1_md_name(p, md, NULL) == 1 &&
	    (enc ? EVP_PKEY_encrypt(p, NULL, &n, in, inlen) :
	    EVP_PKEY_decrypt(p, NULL, &n, in, inlen)) == 1 &&
	    (buf = malloc(n)) != NULL &&
	    (enc ? EVP_PKEY_encrypt(p, buf, &n, in, inlen) :
	    EVP_PKEY_decrypt(p, buf, &n, in, inlen)) == 1;
	if (!ok) {
		pkit_secret_free(buf, n);
		buf = NULL;
		r = enc ? pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO,
		    "JWE: RSA-OAEP") : PKIT_ERR_VERIFY;
		ERR_clear_error();
		goto out;
	}
	*out = buf;
	*outlen = n;
	r = PKIT_OK;
out:
	EVP_PKEY_CTX_free(p);
	return r;
}

static int
ecdh_derive(struct pkit_ctx *ctx, EVP_PKEY *priv, EVP_PKEY *peer,
    unsigned char **z, size_t *zlen)
{
	EVP_PKEY_CTX *p = NULL;
	unsigned char *buf = NULL;
	size_t n = 0;
	int ok;

	if ((p = EVP_PKEY_CTX_new_from_pkey(ctx->libctx, priv,
	    ctx->propq)) == NULL)
		return pkit_seterr_ssl(ctx, PKIT_ERR_NOMEM, "JWE");
	ok = EVP_PKEY_derive_init(p) == 1 &&
	    EVP_PKEY_derive_set_peer_ex(p, peer, 1) == 1 &&
	    EVP_PKEY_derive(p, NULL, &n) == 1 &&
	    (buf = malloc(n)) != NULL &&
	    EVP_PKEY_derive(p, buf, &n) == 1;
	EVP_PKEY_CTX_free(p);
	if (!ok) {
		pkit_secret_free(buf, n);
		return pkit_seterr_ssl(ctx, PKIT_ERR_VERIFY,
		    "JWE: ECDH key agreement failed");
	}
	*z = buf;
	*zlen = n;
	return PKIT_OK;
}

static void
put32(unsigned char *p, size_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* Concat KDF (RFC 7518 §4.6.2, NIST SP 800-56A single-step with SHA-256)
 * through OpenSSL's SSKDF. */
static int
concat_kdf(struct pkit_ctx *ctx, const unsigned char *z, size_t zlen,
    const char *algid, const unsigned char *apu, size_t apulen,
    const unsigned char *apv, size_t apvlen, unsigned char *out,
    size_t outlen)
{
	size_t alen = strlen(algid), n = 4 + alen + 4 + apulen + 4 + apvlen + 4;
	unsigned char *info;
	EVP_KDF *kdf = NULL;
	EVP_KDF_CTX *k = NULL;
	OSSL_PARAM p[4];
	int ok;

	if ((info = malloc(n)) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "JWE");
	put32(info, alen);
	memcpy(info + 4, algid, alen);
	put32(info + 4 + alen, apulen);
	if (apulen > 0)
		memcpy(info + 8 + alen, apu, apulen);
	put32(info + 8 + alen + apulen, apvlen);
	if (apvlen > 0)
		memcpy(info + 12 + alen + apulen, apv, apvlen);
	put32(info + 12 + alen + apulen + apvlen, outlen * 8);
	p[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
	    (char *)"SHA256", 0);
	p[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
	    (void *)z, zlen);
	p[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info, n);
	p[3] = OSSL_PARAM_construct_end();
	ok = (kdf = EVP_KDF_fetch(ctx->libctx, OSSL_KDF_NAME_SSKDF,
	    ctx->propq)) != NULL && (k = EVP_KDF_CTX_new(kdf)) != NULL &&
	    EVP_KDF_derive(k, out, outlen, p) == 1;
	EVP_KDF_CTX_free(k);
	EVP_KDF_free(kdf);
	free(info);
	if (!ok)
		return pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "JWE: Concat KDF");
	return PKIT_OK;
}

static int
pbkdf2(struct pkit_ctx *ctx, const char *md, const char *pw,
    const unsigned char *salt, size_t saltlen, unsigned iter,
    unsigned char *out, size_t outlen)
{
	EVP_KDF *kdf = NULL;
	EVP_KDF_CTX *k = NULL;
	OSSL_PARAM p[5];
	int ok;

	p[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
	    (char *)md, 0);
	p[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD,
	    (void *)pw, strlen(pw));
	p[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
	    (void *)salt, saltlen);
	p[3] = OSSL_PARAM_construct_uint(OSSL_KDF_PARAM_ITER, &iter);
	p[4] = OSSL_PARAM_construct_end();
	ok = (kdf = EVP_KDF_fetch(ctx->libctx, OSSL_KDF_NAME_PBKDF2,
	    ctx->propq)) != NULL && (k = EVP_KDF_CTX_new(kdf)) != NULL &&
	    EVP_KDF_derive(k, out, outlen, p) == 1;
	EVP_KDF_CTX_free(k);
	EVP_KDF_free(kdf);
	if (!ok)
		return pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "JWE: PBKDF2");
	return PKIT_OK;
}

static int
random_bytes(struct pkit_ctx *ctx, unsigned char *p, size_t n)
{
	if (RAND_bytes_ex(ctx->libctx, p, n, 0) != 1)
		return pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "JWE: random");
	return PKIT_OK;
}

/* ---- parsing ------------------------------------------------------------ */

void
pkit_jwe_free(struct pkit_jwe *jwe)
{
	size_t i;

	if (jwe == NULL)
		return;
	for (i = 0; i < jwe->nrcpt; i++) {
		json_decref(jwe->rcpts[i].header);
		json_decref(jwe->rcpts[i].joined);
		free(jwe->rcpts[i].ek);
	}
	free(jwe->rcpts);
	free(jwe->protected_b64);
	json_decref(jwe->protected);
	json_decref(jwe->unprotected);
	free(jwe->aad_b64);
	free(jwe->iv);
	free(jwe->ct);
	free(jwe->tag);
	free(jwe);
}

static int
b64_part(struct pkit_ctx *ctx, const char *s, size_t n, const char *name,
    const char *what, unsigned char **out, size_t *outlen)
{
	if (pkit_b64_decode(ctx, PKIT_B64_URL_RAW, s, n, out, outlen) != 0)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: the %s is not base64url", name, what);
	return PKIT_OK;
}

static int
json_part(struct pkit_ctx *ctx, const json_t *o, const char *member,
    int required, const char *name, unsigned char **out, size_t *outlen)
{
	const json_t *v = json_object_get(o, member);

	*out = NULL;
	*outlen = 0;
	if (v == NULL) {
		if (required)
			return pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "%s: \"%s\" is missing", name, member);
		return PKIT_OK;
	}
	if (!json_is_string(v))
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: \"%s\" is not a string", name, member);
	return b64_part(ctx, json_string_value(v), json_string_length(v), name,
	    member, out, outlen);
}

static int
rcpt_join(struct pkit_ctx *ctx, struct pkit_jwe *jwe, struct pkit_jwe_rcpt *r,
    const char *name)
{
	int e;

	if (r->header != NULL && !json_is_object(r->header))
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: a recipient \"header\" is not an object", name);
	if ((e = pkit_jose_join_headers(ctx, jwe->protected, jwe->unprotected,
	    r->header, name, &r->joined)) != 0)
		return e;
	if (json_object_get(r->header, "crit") != NULL)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: \"crit\" must be in the protected header", name);
	return pkit_jose_check_crit(ctx, jwe->protected, jwe->unprotected,
	    name);
}

static int
parse_compact(struct pkit_ctx *ctx, struct pkit_jwe *jwe, const char *in,
    size_t len, const char *name)
{
	const char *part[5];
	size_t plen[5], i, k = 0, start = 0;
	int r;

	for (i = 0; i <= len; i++) {
		if (i == len || in[i] == '.') {
			if (k == 5)
				return pkit_seterr(ctx, PKIT_ERR_FORMAT,
				    "%s: not a JWE (more than five parts)",
				    name);
			part[k] = in + start;
			plen[k++] = i - start;
			start = i + 1;
		}
	}
	if (k != 5)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: not a JWE (expected five dot-separated parts)", name);
	if (plen[0] == 0)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: the protected header is empty", name);
	if ((jwe->protected_b64 = strndup(part[0], plen[0])) == NULL ||
	    (jwe->rcpts = calloc(1, sizeof(*jwe->rcpts))) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", name);
	jwe->nrcpt = 1;
	if ((r = pkit_jose_b64_json(ctx, part[0], plen[0], name,
	    &jwe->protected)) != 0 ||
	    (r = b64_part(ctx, part[1], plen[1], name, "encrypted key",
	    &jwe->rcpts[0].ek, &jwe->rcpts[0].ek_len)) != 0 ||
	    (r = b64_part(ctx, part[2], plen[2], name, "IV", &jwe->iv,
	    &jwe->iv_len)) != 0 ||
	    (r = b64_part(ctx, part[3], plen[3], name, "ciphertext", &jwe->ct,
	    &jwe->ct_len)) != 0 ||
	    (r = b64_part(ctx, part[4], plen[4], name, "tag", &jwe->tag,
	    &jwe->tag_len)) != 0)
		return r;
	return rcpt_join(ctx, jwe, &jwe->rcpts[0], name);
}

static int
parse_json(struct pkit_ctx *ctx, struct pkit_jwe *jwe, const char *in,
    size_t len, const char *name)
{
	json_t *o, *v, *rc;
	json_error_t e;
	size_t i;
	int r = PKIT_ERR_INTERNAL;

	if ((o = json_loadb(in, len, JSON_REJECT_DUPLICATES, &e)) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: invalid JSON: %s",
		    name, e.text);
	jwe->json = 1;
	if (!json_is_object(o)) {
		r = pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: not a JWE", name);
		goto out;
	}
	if ((v = json_object_get(o, "protected")) != NULL) {
		if (!json_is_string(v)) {
			r = pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "%s: \"protected\" is not a string", name);
			goto out;
		}
		if ((r = pkit_jose_b64_json(ctx, json_string_value(v),
		    json_string_length(v), name, &jwe->protected)) != 0)
			goto out;
	}
	if ((jwe->protected_b64 = strdup(v != NULL ? json_string_value(v) :
	    "")) == NULL) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", name);
		goto out;
	}
	if ((v = json_object_get(o, "unprotected")) != NULL) {
		if (!json_is_object(v)) {
			r = pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "%s: \"unprotected\" is not an object", name);
			goto out;
		}
		jwe->unprotected = json_incref(v);
	}
	if ((v = json_object_get(o, "aad")) != NULL) {
		if (!json_is_string(v) || (jwe->aad_b64 =
		    strdup(json_string_value(v))) == NULL) {
			r = pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "%s: \"aad\" is not a string", name);
			goto out;
		}
	}
	if ((r = json_part(ctx, o, "iv", 1, name, &jwe->iv,
	    &jwe->iv_len)) != 0 ||
	    (r = json_part(ctx, o, "ciphertext", 1, name, &jwe->ct,
	    &jwe->ct_len)) != 0 ||
	    (r = json_part(ctx, o, "tag", 1, name, &jwe->tag,
	    &jwe->tag_len)) != 0)
		goto out;
	rc = json_object_get(o, "recipients");
	if (rc != NULL && (!json_is_array(rc) || json_array_size(rc) == 0 ||
	    json_object_get(o, "encrypted_key") != NULL ||
	    json_object_get(o, "header") != NULL)) {
		r = pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: \"recipients\" must be a non-empty array", name);
		goto out;
	}
	if ((jwe->rcpts = calloc(rc != NULL ? json_array_size(rc) : 1,
	    sizeof(*jwe->rcpts))) == NULL) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", name);
		goto out;
	}
	for (i = 0; i < (rc != NULL ? json_array_size(rc) : 1); i++) {
		const json_t *ro = rc != NULL ? json_array_get(rc, i) : o;
		struct pkit_jwe_rcpt *rp = &jwe->rcpts[i];

		jwe->nrcpt++;
		if (!json_is_object(ro)) {
			r = pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "%s: a recipient is not an object", name);
			goto out;
		}
		if ((v = json_object_get(ro, "header")) != NULL)
			rp->header = json_incref(v);
		if ((r = json_part(ctx, ro, "encrypted_key", 0, name, &rp->ek,
		    &rp->ek_len)) != 0 ||
		    (r = rcpt_join(ctx, jwe, rp, name)) != 0)
			goto out;
	}
	r = PKIT_OK;
out:
	json_decref(o);
	return r;
}

int
pkit_jwe_parse(struct pkit_ctx *ctx, const char *in, size_t len,
    const char *name, struct pkit_jwe **out)
{
	struct pkit_jwe *jwe;
	int r;

	while (len > 0 && (in[0] == ' ' || in[0] == '\n' || in[0] == '\r' ||
	    in[0] == '\t')) {
		in++;
		len--;
	}
	while (len > 0 && (in[len - 1] == ' ' || in[len - 1] == '\n' ||
	    in[len - 1] == '\r' || in[len - 1] == '\t'))
		len--;
	if (len == 0)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: empty", name);
	if (len > PKIT_JWE_MAX)
		return pkit_seterr(ctx, PKIT_ERR_TOO_LARGE,
		    "%s: larger than %d bytes", name, PKIT_JWE_MAX);
	if ((jwe = calloc(1, sizeof(*jwe))) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", name);
	r = in[0] == '{' ? parse_json(ctx, jwe, in, len, name) :
	    parse_compact(ctx, jwe, in, len, name);
	if (r != 0) {
		pkit_jwe_free(jwe);
		return r;
	}
	*out = jwe;
	return PKIT_OK;
}

int
pkit_jwe_needs_password(const struct pkit_jwe *jwe)
{
	const char *alg = get_string(jwe->rcpts[0].joined, "alg");

	return alg != NULL && strncmp(alg, "PBES2-", 6) == 0;
}

/* ---- keys ---------------------------------------------------------------- */

int
pkit_jwe_alg_check(struct pkit_ctx *ctx, const struct pkit_jwk_key *key,
    const char *alg)
{
	const struct jwe_alg *a = find_kalg(alg);
	const char *use;

	if (alg != NULL && strcmp(alg, "RSA1_5") == 0)
		return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED,
		    "JWE: RSA1_5 (RSAES-PKCS1-v1_5) is not supported; use "
		    "RSA-OAEP-256");
	if (a == NULL)
		return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED,
		    "JWE: algorithm \"%s\" is not supported", alg ? alg : "");
	if (a->fam == K_PBES2) {
		if (key != NULL)
			return pkit_seterr(ctx, PKIT_ERR_ARG,
			    "JWE: %s takes a password, not a key", alg);
		return PKIT_OK;
	}
	if (key == NULL)
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "JWE: %s needs a key", alg);
	if ((use = get_string(key->jwk, "use")) != NULL &&
	    strcmp(use, "enc") != 0)
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "JWE: the key is for use \"%s\", not \"enc\"", use);
	switch (a->fam) {
	case K_RSA_OAEP:
		if (strcmp(key->kty, "RSA") == 0)
			return PKIT_OK;
		break;
	case K_AESKW:
	case K_GCMKW:
		if (strcmp(key->kty, "oct") != 0)
			break;
		if (key->secret_len != a->kwlen)
			return pkit_seterr(ctx, PKIT_ERR_ARG,
			    "JWE: %s needs a %zu-byte key, this one has %zu",
			    alg, a->kwlen, key->secret_len);
		return PKIT_OK;
	case K_DIR:
		if (strcmp(key->kty, "oct") == 0)
			return PKIT_OK;
		break;
	case K_ECDH:
	case K_ECDH_KW:
		if (strcmp(key->kty, "EC") == 0 || (strcmp(key->kty,
		    "OKP") == 0 && key->crv != NULL &&
		    strcmp(key->crv, "X25519") == 0))
			return PKIT_OK;
		break;
	case K_PBES2:
		break;
	}
	return pkit_seterr(ctx, PKIT_ERR_ARG,
	    "JWE: alg \"%s\" does not suit a%s %s%s%s key", alg,
	    strcmp(key->kty, "oct") == 0 ? "n" : "n", key->kty,
	    key->crv ? " " : "", key->crv ? key->crv : "");
}

/* ---- key management ------------------------------------------------------ */

/* The state one recipient's key management produces or consumes. */
struct km {
	unsigned char cek[64];
	size_t ceklen;
	unsigned char *ek;	/* encrypted key (owned) */
	size_t eklen;
	json_t *params;		/* header parameters to add (encrypt) */
	int given;		/* encrypt: cek is set, wrap it */
};

static int
b64_member(struct pkit_ctx *ctx, const json_t *h, const char *m, int required,
    unsigned char **out, size_t *len)
{
	const char *s = get_string(h, m);

	*out = NULL;
	*len = 0;
	if (s == NULL) {
		if (json_object_get(h, m) != NULL || required)
			return pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "JWE: header \"%s\" is %s", m, s == NULL &&
			    json_object_get(h, m) == NULL ? "missing" :
			    "not a string");
		return PKIT_OK;
	}
	if (pkit_b64_decode(ctx, PKIT_B64_URL_RAW, s, strlen(s), out, len) != 0)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "JWE: header \"%s\" is not base64url", m);
	return PKIT_OK;
}

static int
set_b64(struct pkit_ctx *ctx, json_t *o, const char *m,
    const unsigned char *p, size_t n)
{
	char *s = NULL;
	int r;

	if ((r = pkit_b64_encode(ctx, PKIT_B64_URL_RAW, p, n, &s)) != 0)
		return r;
	r = json_object_set_new(o, m, json_string(s)) == 0 ? PKIT_OK :
	    pkit_seterr(ctx, PKIT_ERR_NOMEM, "JWE");
	free(s);
	return r;
}

/* ECDH-ES: the key agreement and the Concat KDF.  On encryption the
 * ephemeral key is made and its public JWK goes into params as "epk"; on
 * decryption it is read from the header h and checked. */
static int
ecdh_es(struct pkit_ctx *ctx, int enc, const struct jwe_alg *a,
    const struct jwe_enc *e, const struct pkit_jwk_key *key, const json_t *h,
    json_t *params, unsigned char *out, size_t outlen)
{
	struct pkit_keyspec ks;
	EVP_PKEY *eph = NULL, *peer = NULL;
	json_t *epk = NULL;
	unsigned char *z = NULL, *apu = NULL, *apv = NULL;
	size_t zlen = 0, apulen = 0, apvlen = 0;
	const char *ekty, *ecrv;
	int r = PKIT_ERR_INTERNAL;

	if ((r = b64_member(ctx, h, "apu", 0, &apu, &apulen)) != 0 ||
	    (r = b64_member(ctx, h, "apv", 0, &apv, &apvlen)) != 0)
		goto out;
	if (enc) {
		memset(&ks, 0, sizeof(ks));
		ks.kty = key->kty;
		ks.crv = key->crv;
		if ((r = pkit_key_generate(ctx, &ks, &eph)) != 0 ||
		    (r = pkit_jwk_from_key(ctx, eph, 0, &epk)) != 0 ||
		    (r = ecdh_derive(ctx, eph, key->pkey, &z, &zlen)) != 0)
			goto out;
		if (json_object_set(params, "epk", epk) != 0) {
			r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "JWE");
			goto out;
		}
	} else {
		epk = json_incref(json_object_get(h, "epk"));
		if (!json_is_object(epk)) {
			r = pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "JWE: header \"epk\" is missing");
			goto out;
		}
		ekty = get_string(epk, "kty");
		ecrv = get_string(epk, "crv");
		if (json_object_get(epk, "d") != NULL || ekty == NULL ||
		    ecrv == NULL || strcmp(ekty, key->kty) != 0 ||
		    key->crv == NULL || strcmp(ecrv, key->crv) != 0) {
			r = pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "JWE: the ephemeral key \"epk\" is not a public "
			    "%s key", key->crv ? key->crv : key->kty);
			goto out;
		}
		if (!key->is_private) {
			r = pkit_seterr(ctx, PKIT_ERR_ARG,
			    "JWE: decrypting needs the private key");
			goto out;
		}
		if ((r = pkit_jwk_to_key(ctx, epk, &peer)) != 0 ||
		    (r = ecdh_derive(ctx, key->pkey, peer, &z, &zlen)) != 0)
			goto out;
	}
	r = concat_kdf(ctx, z, zlen, a->fam == K_ECDH ? e->name : a->name,
	    apu, apulen, apv, apvlen, out, outlen);
out:
	pkit_secret_free(z, zlen);
	free(apu);
	free(apv);
	json_decref(epk);
	EVP_PKEY_free(eph);
	EVP_PKEY_free(peer);
	return r;
}

static int
pbes2_kek(struct pkit_ctx *ctx, const struct jwe_alg *a, const char *password,
    const unsigned char *p2s, size_t p2slen, long p2c, unsigned char *kek)
{
	size_t alen = strlen(a->name), n = alen + 1 + p2slen;
	unsigned char *salt;
	int r;

	if (password == NULL)
		return pkit_seterr(ctx, PKIT_ERR_PASSWORD,
		    "JWE: %s needs a password", a->name);
	if ((salt = malloc(n)) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "JWE");
	memcpy(salt, a->name, alen);
	salt[alen] = 0;
	memcpy(salt + alen + 1, p2s, p2slen);
	r = pbkdf2(ctx, a->md, password, salt, n, (unsigned)p2c, kek, a->kwlen);
	free(salt);
	return r;
}

/* Make the CEK and what carries it to the recipient. */
static int
km_encrypt(struct pkit_ctx *ctx, const struct jwe_alg *a,
    const struct jwe_enc *e, const struct pkit_jwk_key *key,
    const struct pkit_jwe_opts *o, const json_t *h, struct km *km)
{
	unsigned char kek[32], iv[12], tag[16], p2s[16];
	long p2c;
	int r = PKIT_ERR_INTERNAL;

	km->ceklen = e->keylen;
	if (a->fam == K_DIR) {
		if (key->secret_len != e->keylen)
			return pkit_seterr(ctx, PKIT_ERR_ARG,
			    "JWE: dir with %s needs a %zu-byte key, this one "
			    "has %zu", e->name, e->keylen, key->secret_len);
		memcpy(km->cek, key->secret, e->keylen);
		return PKIT_OK;
	}
	if (a->fam == K_ECDH)
		return ecdh_es(ctx, 1, a, e, key, h, km->params, km->cek,
		    km->ceklen);
	if (!km->given && (r = random_bytes(ctx, km->cek, km->ceklen)) != 0)
		return r;
	switch (a->fam) {
	case K_RSA_OAEP:
		return rsa_oaep(ctx, 1, key->pkey, a->md, km->cek, km->ceklen,
		    &km->ek, &km->eklen);
	case K_AESKW:
	case K_ECDH_KW:
	case K_PBES2:
		if (a->fam == K_AESKW) {
			memcpy(kek, key->secret, a->kwlen);
		} else if (a->fam == K_ECDH_KW) {
			if ((r = ecdh_es(ctx, 1, a, e, key, h, km->params, kek,
			    a->kwlen)) != 0)
				goto out;
		} else {
			p2c = o->p2c > 0 ? o->p2c : PKIT_JWK_P2C;
			if (p2c < PKIT_JWE_P2C_MIN || p2c > PKIT_JWE_P2C_MAX) {
				r = pkit_seterr(ctx, PKIT_ERR_ARG,
				    "JWE: the PBES2 count must be between %d "
				    "and %d", PKIT_JWE_P2C_MIN,
				    PKIT_JWE_P2C_MAX);
				goto out;
			}
			if (o->password == NULL || *o->password == '\0') {
				r = pkit_seterr(ctx, PKIT_ERR_PASSWORD,
				    "JWE: %s needs a non-empty password",
				    a->name);
				goto out;
			}
			if ((r = random_bytes(ctx, p2s, sizeof(p2s))) != 0 ||
			    (r = pbes2_kek(ctx, a, o->password, p2s,
			    sizeof(p2s), p2c, kek)) != 0 ||
			    (r = set_b64(ctx, km->params, "p2s", p2s,
			    sizeof(p2s))) != 0)
				goto out;
			if (json_object_set_new(km->params, "p2c",
			    json_integer(p2c)) != 0) {
				r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "JWE");
				goto out;
			}
		}
		if ((km->ek = malloc(km->ceklen + 8)) == NULL) {
			r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "JWE");
			goto out;
		}
		r = aes_kw(ctx, 1, kek, a->kwlen, km->cek, km->ceklen, km->ek,
		    &km->eklen);
		goto out;
	case K_GCMKW:
		if ((km->ek = malloc(km->ceklen)) == NULL) {
			r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "JWE");
			goto out;
		}
		km->eklen = km->ceklen;
		if ((r = random_bytes(ctx, iv, sizeof(iv))) != 0 ||
		    (r = aes_gcm(ctx, 1, a->kwlen == 16 ? "AES-128-GCM" :
		    a->kwlen == 24 ? "AES-192-GCM" : "AES-256-GCM", key->secret,
		    iv, sizeof(iv), NULL, 0, km->cek, km->ceklen, km->ek,
		    tag)) != 0 ||
		    (r = set_b64(ctx, km->params, "iv", iv, sizeof(iv))) != 0 ||
		    (r = set_b64(ctx, km->params, "tag", tag,
		    sizeof(tag))) != 0)
			goto out;
		r = PKIT_OK;
		goto out;
	default:
		break;
	}
out:
	pkit_secret_wipe(kek, sizeof(kek));
	return r;
}

/* Recover the CEK of one recipient. */
static int
km_decrypt(struct pkit_ctx *ctx, const struct jwe_alg *a,
    const struct jwe_enc *e, const struct pkit_jwk_key *key,
    const char *password, const struct pkit_jwe_rcpt *rc, struct km *km)
{
	const json_t *h = rc->joined;
	unsigned char kek[32], *iv = NULL, *tag = NULL, *p2s = NULL;
	unsigned char *cek = NULL;
	size_t ivlen = 0, taglen = 0, p2slen = 0, ceklen = 0, n = 0;
	json_t *p2c;
	int r = PKIT_ERR_INTERNAL;

	km->ceklen = e->keylen;
	if (a->fam == K_DIR || a->fam == K_ECDH) {
		if (rc->ek_len != 0)
			return pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "JWE: %s takes no encrypted key", a->name);
		if (a->fam == K_ECDH)
			return ecdh_es(ctx, 0, a, e, key, h, NULL, km->cek,
			    km->ceklen);
		if (key->secret_len != e->keylen)
			return pkit_seterr(ctx, PKIT_ERR_ARG,
			    "JWE: dir with %s needs a %zu-byte key, this one "
			    "has %zu", e->name, e->keylen, key->secret_len);
		memcpy(km->cek, key->secret, e->keylen);
		return PKIT_OK;
	}
	switch (a->fam) {
	case K_RSA_OAEP:
		if (!key->is_private)
			return pkit_seterr(ctx, PKIT_ERR_ARG,
			    "JWE: decrypting needs the private key");
		/* RFC 7516 §11.5: a failure goes on with a random CEK so that
		 * it cannot be told from a bad tag. */
		r = rsa_oaep(ctx, 0, key->pkey, a->md, rc->ek, rc->ek_len, &cek,
		    &ceklen);
		if ((r = random_bytes(ctx, km->cek, km->ceklen)) != 0)
			goto out;
		if (cek != NULL && ceklen == km->ceklen)
			memcpy(km->cek, cek, ceklen);
		r = PKIT_OK;
		goto out;
	case K_AESKW:
	case K_ECDH_KW:
	case K_PBES2:
		if (rc->ek_len != km->ceklen + 8) {
			r = pkit_seterr(ctx, PKIT_ERR_VERIFY,
			    "JWE: decryption failed (encrypted key length)");
			goto out;
		}
		if (a->fam == K_AESKW) {
			memcpy(kek, key->secret, a->kwlen);
		} else if (a->fam == K_ECDH_KW) {
			if ((r = ecdh_es(ctx, 0, a, e, key, h, NULL, kek,
			    a->kwlen)) != 0)
				goto out;
		} else {
			p2c = json_object_get(h, "p2c");
			if ((r = b64_member(ctx, h, "p2s", 1, &p2s,
			    &p2slen)) != 0)
				goto out;
			if (p2slen < 8) {
				r = pkit_seterr(ctx, PKIT_ERR_FORMAT,
				    "JWE: the PBES2 salt is shorter than 8 "
				    "bytes");
				goto out;
			}
			if (!json_is_integer(p2c) ||
			    json_integer_value(p2c) < 1 ||
			    json_integer_value(p2c) > PKIT_JWE_P2C_MAX) {
				r = pkit_seterr(ctx, PKIT_ERR_FORMAT,
				    "JWE: the PBES2 count \"p2c\" must be "
				    "between 1 and %d", PKIT_JWE_P2C_MAX);
				goto out;
			}
			if ((r = pbes2_kek(ctx, a, password, p2s, p2slen,
			    (long)json_integer_value(p2c), kek)) != 0)
				goto out;
		}
		if ((r = aes_kw(ctx, 0, kek, a->kwlen, rc->ek, rc->ek_len,
		    km->cek, &n)) != 0) {
			if (a->fam == K_PBES2)
				r = pkit_seterr(ctx, PKIT_ERR_PASSWORD,
				    "JWE: decryption failed (wrong password?)");
			goto out;
		}
		r = PKIT_OK;
		goto out;
	case K_GCMKW:
		if ((r = b64_member(ctx, h, "iv", 1, &iv, &ivlen)) != 0 ||
		    (r = b64_member(ctx, h, "tag", 1, &tag, &taglen)) != 0)
			goto out;
		if (ivlen != 12 || taglen != 16) {
			r = pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "JWE: %s needs a 96-bit \"iv\" and a 128-bit "
			    "\"tag\"", a->name);
			goto out;
		}
		if (rc->ek_len != km->ceklen) {
			r = pkit_seterr(ctx, PKIT_ERR_VERIFY,
			    "JWE: decryption failed (encrypted key length)");
			goto out;
		}
		r = aes_gcm(ctx, 0, a->kwlen == 16 ? "AES-128-GCM" :
		    a->kwlen == 24 ? "AES-192-GCM" : "AES-256-GCM", key->secret,
		    iv, ivlen, NULL, 0, rc->ek, rc->ek_len, km->cek, tag);
		goto out;
	default:
		break;
	}
out:
	pkit_secret_wipe(kek, sizeof(kek));
	pkit_secret_free(cek, ceklen);
	free(iv);
	free(tag);
	free(p2s);
	return r;
}

/* ---- content encryption -------------------------------------------------- */

static int
content_aad(struct pkit_ctx *ctx, const char *prot, const char *aad_b64,
    unsigned char **out, size_t *len)
{
	size_t n = strlen(prot) + (aad_b64 ? strlen(aad_b64) + 1 : 0);
	char *s;

	if ((s = malloc(n + 1)) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "JWE");
	if (aad_b64 != NULL)
		snprintf(s, n + 1, "%s.%s", prot, aad_b64);
	else
		snprintf(s, n + 1, "%s", prot);
	*out = (unsigned char *)s;
	*len = n;
	return PKIT_OK;
}

static int
content(struct pkit_ctx *ctx, int enc, const struct jwe_enc *e,
    const unsigned char *cek, const unsigned char *iv,
    const unsigned char *aad, size_t aadlen, const unsigned char *in,
    size_t inlen, unsigned char **out, size_t *outlen, unsigned char *tag)
{
	unsigned char *buf;
	size_t n = inlen + 16;
	int r;

	if ((buf = malloc(n)) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "JWE");
	if (e->fam == E_GCM) {
		r = aes_gcm(ctx, enc, e->cipher, cek, iv, e->ivlen, aad, aadlen,
		    in, inlen, buf, tag);
		n = inlen;
	} else {
		r = cbc_hs(ctx, enc, e, cek, iv, aad, aadlen, in, inlen, buf,
		    &n, tag);
	}
	if (r != 0) {
		pkit_secret_free(buf, inlen + 16);
		return r;
	}
	*out = buf;
	*outlen = n;
	return PKIT_OK;
}

/* ---- encrypt ------------------------------------------------------------- */

static int
serialize(struct pkit_ctx *ctx, const struct pkit_jwe_opts *o,
    const char *prot, const unsigned char *ek, size_t eklen,
    const unsigned char *iv, size_t ivlen, const unsigned char *ct,
    size_t ctlen, const unsigned char *tag, size_t taglen, char **out)
{
	char *b[4] = { NULL, NULL, NULL, NULL }, *s = NULL;
	json_t *j = NULL;
	size_t n, i;
	int r;

	if ((r = pkit_b64_encode(ctx, PKIT_B64_URL_RAW, ek, eklen,
	    &b[0])) != 0 ||
	    (r = pkit_b64_encode(ctx, PKIT_B64_URL_RAW, iv, ivlen,
	    &b[1])) != 0 ||
	    (r = pkit_b64_encode(ctx, PKIT_B64_URL_RAW, ct, ctlen,
	    &b[2])) != 0 ||
	    (r = pkit_b64_encode(ctx, PKIT_B64_URL_RAW, tag, taglen,
	    &b[3])) != 0)
		goto out;
	if (o->compact) {
		n = strlen(prot) + strlen(b[0]) + strlen(b[1]) + strlen(b[2]) +
		    strlen(b[3]) + 5;
		if ((s = malloc(n)) == NULL) {
			r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "JWE");
			goto out;
		}
		snprintf(s, n, "%s.%s.%s.%s.%s", prot, b[0], b[1], b[2], b[3]);
	} else {
		if ((j = json_object()) == NULL ||
		    json_object_set_new(j, "protected",
		    json_string(prot)) != 0 ||
		    (eklen > 0 && json_object_set_new(j, "encrypted_key",
		    json_string(b[0])) != 0) ||
		    json_object_set_new(j, "iv", json_string(b[1])) != 0 ||
		    json_object_set_new(j, "ciphertext",
		    json_string(b[2])) != 0 ||
		    json_object_set_new(j, "tag", json_string(b[3])) != 0 ||
		    (s = json_dumps(j, o->indent ? JSON_INDENT(2) :
		    JSON_COMPACT)) == NULL) {
			r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "JWE");
			goto out;
		}
	}
	*out = s;
	s = NULL;
	r = PKIT_OK;
out:
	for (i = 0; i < 4; i++)
		free(b[i]);
	free(s);
	json_decref(j);
	return r;
}

int
pkit_jwe_encrypt(struct pkit_ctx *ctx, const struct pkit_jwk_key *key,
    const struct pkit_jwe_opts *o, const unsigned char *pt, size_t len,
    char **out)
{
	const char *algname = o->alg, *k;
	const struct jwe_alg *a;
	const struct jwe_enc *e;
	struct km km;
	json_t *hdr = NULL, *v;
	char *prot = NULL;
	unsigned char iv[16], tag[32], *aad = NULL, *ct = NULL;
	size_t aadlen = 0, ctlen = 0;
	int r = PKIT_ERR_INTERNAL;

	memset(&km, 0, sizeof(km));
	if (algname == NULL && key != NULL) {
		algname = get_string(key->jwk, "alg");
		if (algname == NULL || find_kalg(algname) == NULL)
			algname = pkit_jwk_default_alg(key->jwk, "enc");
	}
	if (algname == NULL)
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "JWE: no key management algorithm for this key; use --alg");
	if ((r = pkit_jwe_alg_check(ctx, key, algname)) != 0)
		return r;
	a = find_kalg(algname);
	if ((e = find_enc(o->enc != NULL ? o->enc : "A256GCM")) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED,
		    "JWE: content encryption \"%s\" is not supported", o->enc);
	if ((hdr = json_object()) == NULL ||
	    (km.params = json_object()) == NULL)
		goto nomem;
	if (o->header != NULL) {
		json_object_foreach((json_t *)o->header, k, v) {
			if (json_object_set(hdr, k, v) != 0)
				goto nomem;
		}
	}
	if (json_object_set_new(hdr, "alg", json_string(a->name)) != 0 ||
	    json_object_set_new(hdr, "enc", json_string(e->name)) != 0)
		goto nomem;
	if ((r = km_encrypt(ctx, a, e, key, o, hdr, &km)) != 0)
		goto out;
	if (json_object_update(hdr, km.params) != 0)
		goto nomem;
	if ((r = pkit_jose_json_b64(ctx, hdr, JSON_SORT_KEYS, &prot)) != 0 ||
	    (r = random_bytes(ctx, iv, e->ivlen)) != 0 ||
	    (r = content_aad(ctx, prot, NULL, &aad, &aadlen)) != 0 ||
	    (r = content(ctx, 1, e, km.cek, iv, aad, aadlen, pt, len, &ct,
	    &ctlen, tag)) != 0)
		goto out;
	r = serialize(ctx, o, prot, km.ek, km.eklen, iv, e->ivlen, ct, ctlen,
	    tag, e->taglen, out);
	goto out;
nomem:
	r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "JWE: out of memory");
out:
	pkit_secret_wipe(km.cek, sizeof(km.cek));
	free(km.ek);
	json_decref(km.params);
	json_decref(hdr);
	free(prot);
	free(aad);
	free(ct);
	return r;
}

/* The key management algorithm for key: want, else the JWK's "alg" when it
 * is one, else the default for its type. */
static const char *
kalg_for(const struct pkit_jwk_key *key, const char *want)
{
	const char *alg = want;

	if (alg == NULL) {
		alg = get_string(key->jwk, "alg");
		if (alg == NULL || find_kalg(alg) == NULL)
			alg = pkit_jwk_default_alg(key->jwk, "enc");
	}
	return alg;
}

int
pkit_jwe_encrypt_multi(struct pkit_ctx *ctx,
    const struct pkit_jwk_key *const *keys, size_t nkeys,
    const struct pkit_jwe_opts *o, const unsigned char *pt, size_t len,
    char **out)
{
	const struct jwe_enc *e;
	json_t *prot_hdr = NULL, *rcpts = NULL, *j = NULL, *v;
	char *prot = NULL, *b64 = NULL, *s = NULL;
	unsigned char cek[64], iv[16], tag[32], *aad = NULL, *ct = NULL;
	size_t aadlen = 0, ctlen = 0, i;
	const char *k;
	int r = PKIT_ERR_INTERNAL;

	if (nkeys == 0)
		return pkit_seterr(ctx, PKIT_ERR_ARG, "JWE: no recipient");
	if ((e = find_enc(o->enc != NULL ? o->enc : "A256GCM")) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED,
		    "JWE: content encryption \"%s\" is not supported", o->enc);
	if ((prot_hdr = json_object()) == NULL || (rcpts = json_array()) ==
	    NULL)
		goto nomem;
	if (o->header != NULL) {
		json_object_foreach((json_t *)o->header, k, v) {
			if (strcmp(k, "alg") != 0 && strcmp(k, "kid") != 0 &&
			    json_object_set(prot_hdr, k, v) != 0)
				goto nomem;
		}
	}
	if (json_object_set_new(prot_hdr, "enc", json_string(e->name)) != 0)
		goto nomem;
	if ((r = random_bytes(ctx, cek, e->keylen)) != 0)
		goto out;
	for (i = 0; i < nkeys; i++) {
		const char *algname = kalg_for(keys[i], o->alg);
		const char *kid = get_string(keys[i]->jwk, "kid");
		const struct jwe_alg *a;
		json_t *rh = NULL, *joined = NULL, *rc = NULL;
		struct km km;

		if (algname == NULL) {
			r = pkit_seterr(ctx, PKIT_ERR_ARG, "JWE: no key "
			    "management algorithm for key %zu; use --alg",
			    i + 1);
			goto out;
		}
		if ((r = pkit_jwe_alg_check(ctx, keys[i], algname)) != 0)
			goto out;
		a = find_kalg(algname);
		/* The recipients share one CEK: each must carry it. */
		if (a->fam == K_DIR || a->fam == K_ECDH) {
			r = pkit_seterr(ctx, PKIT_ERR_ARG, "JWE: %s cannot "
			    "be used with several recipients", a->name);
			goto out;
		}
		memset(&km, 0, sizeof(km));
		memcpy(km.cek, cek, e->keylen);
		km.given = 1;
		if ((rh = json_object()) == NULL ||
		    (km.params = json_object()) == NULL ||
		    json_object_set_new(rh, "alg", json_string(a->name)) != 0 ||
		    (kid != NULL && json_object_set_new(rh, "kid",
		    json_string(kid)) != 0) ||
		    (joined = json_deep_copy(prot_hdr)) == NULL ||
		    json_object_update(joined, rh) != 0) {
			r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "JWE");
		} else if ((r = km_encrypt(ctx, a, e, keys[i], o, joined,
		    &km)) == 0) {
			if (json_object_update(rh, km.params) != 0 ||
			    (rc = json_object()) == NULL ||
			    json_object_set(rc, "header", rh) != 0 ||
			    pkit_b64_encode(ctx, PKIT_B64_URL_RAW, km.ek,
			    km.eklen, &b64) != 0 ||
			    json_object_set_new(rc, "encrypted_key",
			    json_string(b64)) != 0 ||
			    json_array_append(rcpts, rc) != 0)
				r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "JWE");
		}
		free(b64);
		b64 = NULL;
		pkit_secret_wipe(km.cek, sizeof(km.cek));
		free(km.ek);
		json_decref(km.params);
		json_decref(rh);
		json_decref(joined);
		json_decref(rc);
		if (r != 0)
			goto out;
	}
	if ((r = pkit_jose_json_b64(ctx, prot_hdr, JSON_SORT_KEYS,
	    &prot)) != 0 ||
	    (r = random_bytes(ctx, iv, e->ivlen)) != 0 ||
	    (r = content_aad(ctx, prot, NULL, &aad, &aadlen)) != 0 ||
	    (r = content(ctx, 1, e, cek, iv, aad, aadlen, pt, len, &ct,
	    &ctlen, tag)) != 0)
		goto out;
	if ((j = json_object()) == NULL ||
	    json_object_set_new(j, "protected", json_string(prot)) != 0 ||
	    json_object_set(j, "recipients", rcpts) != 0 ||
	    (r = set_b64(ctx, j, "iv", iv, e->ivlen)) != 0 ||
	    (r = set_b64(ctx, j, "ciphertext", ct, ctlen)) != 0 ||
	    (r = set_b64(ctx, j, "tag", tag, e->taglen)) != 0 ||
	    (s = json_dumps(j, o->indent ? JSON_INDENT(2) : JSON_COMPACT)) ==
	    NULL) {
		if (r == 0)
			r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "JWE");
		goto out;
	}
	*out = s;
	r = PKIT_OK;
	goto out;
nomem:
	r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "JWE: out of memory");
out:
	pkit_secret_wipe(cek, sizeof(cek));
	json_decref(prot_hdr);
	json_decref(rcpts);
	json_decref(j);
	free(prot);
	free(aad);
	free(ct);
	return r;
}

/* ---- decrypt ------------------------------------------------------------- */

static int
decrypt_rcpt(struct pkit_ctx *ctx, const struct pkit_jwe *jwe,
    const struct pkit_jwe_rcpt *rc, const struct pkit_jwk_key *key,
    const char *password, unsigned char **pt, size_t *len)
{
	const char *alg = get_string(rc->joined, "alg");
	const char *encname = get_string(rc->joined, "enc");
	const struct jwe_alg *a;
	const struct jwe_enc *e;
	struct km km;
	unsigned char *aad = NULL;
	size_t aadlen = 0;
	int r;

	memset(&km, 0, sizeof(km));
	if (alg == NULL || encname == NULL)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "JWE: the header needs \"alg\" and \"enc\"");
	if (json_object_get(rc->joined, "zip") != NULL)
		return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED,
		    "JWE: compressed content (\"zip\") is not supported");
	if ((e = find_enc(encname)) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED,
		    "JWE: content encryption \"%s\" is not supported", encname);
	if (json_object_get(jwe->protected, "enc") == NULL)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "JWE: \"enc\" must be in the protected header");
	if ((r = pkit_jwe_alg_check(ctx, find_kalg(alg) != NULL &&
	    find_kalg(alg)->fam == K_PBES2 ? NULL : key, alg)) != 0)
		return r;
	if (jwe->iv_len != e->ivlen)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "JWE: %s needs a %zu-bit IV, this one has %zu bits",
		    e->name, e->ivlen * 8, jwe->iv_len * 8);
	if (jwe->tag_len != e->taglen)
		return pkit_seterr(ctx, PKIT_ERR_VERIFY,
		    "JWE: %s needs a %zu-bit authentication tag, this one has "
		    "%zu bits", e->name, e->taglen * 8, jwe->tag_len * 8);
	a = find_kalg(alg);
	if (a->fam != K_PBES2 && key == NULL)
		return pkit_seterr(ctx, PKIT_ERR_ARG, "JWE: %s needs a key",
		    alg);
	if ((r = km_decrypt(ctx, a, e, key, password, rc, &km)) != 0 ||
	    (r = content_aad(ctx, jwe->protected_b64, jwe->aad_b64, &aad,
	    &aadlen)) != 0)
		goto out;
	r = content(ctx, 0, e, km.cek, jwe->iv, aad, aadlen, jwe->ct,
	    jwe->ct_len, pt, len, jwe->tag);
	if (r != 0 && a->fam == K_PBES2)
		r = pkit_seterr(ctx, PKIT_ERR_PASSWORD,
		    "JWE: decryption failed (wrong password?)");
out:
	pkit_secret_wipe(km.cek, sizeof(km.cek));
	free(aad);
	return r;
}

int
pkit_jwe_decrypt(struct pkit_ctx *ctx, const struct pkit_jwe *jwe,
    const struct pkit_jwk_key *key, const char *password,
    unsigned char **pt, size_t *len)
{
	const char *kid = key != NULL ? get_string(key->jwk, "kid") : NULL;
	size_t i, tried = 0;
	int r = PKIT_ERR_INTERNAL;

	for (i = 0; i < jwe->nrcpt; i++) {
		const struct pkit_jwe_rcpt *rc = &jwe->rcpts[i];
		const char *alg = get_string(rc->joined, "alg");
		const char *rkid = get_string(rc->joined, "kid");

		/* With several recipients, try those the key can be for. */
		if (jwe->nrcpt > 1) {
			struct pkit_ctx quiet;

			pkit_ctx_init(&quiet);
			quiet.libctx = ctx->libctx;
			quiet.propq = ctx->propq;
			if (alg == NULL || pkit_jwe_alg_check(&quiet,
			    find_kalg(alg) != NULL && find_kalg(alg)->fam ==
			    K_PBES2 ? NULL : key, alg) != 0 ||
			    (find_kalg(alg)->fam == K_PBES2) != (key == NULL) ||
			    (kid != NULL && rkid != NULL &&
			    strcmp(kid, rkid) != 0))
				continue;
		}
		tried++;
		if ((r = decrypt_rcpt(ctx, jwe, rc, key, password, pt,
		    len)) == 0)
			return PKIT_OK;
	}
	if (tried == 0)
		return pkit_seterr(ctx, PKIT_ERR_NOT_FOUND,
		    "JWE: no recipient of the JWE matches the key");
	return r;
}

int
pkit_jwe_to_inspect(struct pkit_ctx *ctx, const struct pkit_jwe *jwe,
    json_t **out)
{
	json_t *o = json_object();

	if (o == NULL ||
	    json_object_set(o, "header", jwe->rcpts[0].joined) != 0) {
		json_decref(o);
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "JWE");
	}
	*out = o;
	return PKIT_OK;
}

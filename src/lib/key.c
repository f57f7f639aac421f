/* key.c - key generation, parsing and PKCS#8 encoding over OpenSSL 3. */
#include "config.h"

#include <string.h>
#include <strings.h>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/encoder.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include "key.h"
#include "secret.h"

struct curve {
	const char *jose;	/* JOSE name */
	const char *ossl;	/* OpenSSL group or algorithm name */
	const char *kty;
	int okp;		/* an algorithm of its own, not an EC group */
};

static const struct curve curves[] = {
	{ "P-256", "P-256", "EC", 0 },
	{ "P-384", "P-384", "EC", 0 },
	{ "P-521", "P-521", "EC", 0 },
	{ "Ed25519", "ED25519", "OKP", 1 },
	{ "X25519", "X25519", "OKP", 1 },
};

static const struct curve *
find_curve(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(curves) / sizeof(curves[0]); i++)
		if (strcasecmp(curves[i].jose, name) == 0)
			return &curves[i];
	return NULL;
}

int
pkit_keyspec_resolve(struct pkit_ctx *ctx, struct pkit_keyspec *spec)
{
	const struct curve *c = NULL;

	if (spec->crv != NULL && (c = find_curve(spec->crv)) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED,
		    "curve '%s' is not supported (P-256, P-384, P-521, Ed25519, "
		    "X25519)", spec->crv);
	if (spec->kty == NULL)
		spec->kty = c != NULL ? c->kty : spec->bits > 0 ? "RSA" : "EC";
	if (strcasecmp(spec->kty, "EC") == 0) {
		spec->kty = "EC";
		if (c == NULL)
			c = find_curve("P-256");
	} else if (strcasecmp(spec->kty, "OKP") == 0) {
		spec->kty = "OKP";
		if (c == NULL)
			c = find_curve("Ed25519");
	} else if (strcasecmp(spec->kty, "RSA") == 0) {
		spec->kty = "RSA";
		if (c != NULL)
			return pkit_seterr(ctx, PKIT_ERR_ARG,
			    "an RSA key takes --size, not --crv");
		if (spec->bits == 0)
			spec->bits = 2048;
		if (spec->bits < 2048 && !spec->insecure)
			return pkit_seterr(ctx, PKIT_ERR_INSECURE,
			    "RSA keys under 2048 bits are insecure; pass "
			    "--insecure to make one anyway");
		if (spec->bits < 1024 || spec->bits > 16384)
			return pkit_seterr(ctx, PKIT_ERR_ARG,
			    "RSA key size %ld is out of range (1024 to 16384)",
			    spec->bits);
		spec->crv = NULL;
		return PKIT_OK;
	} else {
		return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED,
		    "key type '%s' is not supported (EC, RSA, OKP)", spec->kty);
	}
	if (strcmp(c->kty, spec->kty) != 0)
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "curve %s does not go with key type %s", c->jose, spec->kty);
	if (spec->bits != 0)
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "--size applies to RSA keys only");
	spec->crv = c->jose;
	return PKIT_OK;
}

int
pkit_key_generate(struct pkit_ctx *ctx, const struct pkit_keyspec *in,
    EVP_PKEY **out)
{
	struct pkit_keyspec spec = *in;
	const struct curve *c;
	EVP_PKEY *key = NULL;
	int r;

	*out = NULL;
	if ((r = pkit_keyspec_resolve(ctx, &spec)) != 0)
		return r;
	if (strcmp(spec.kty, "RSA") == 0) {
		key = EVP_PKEY_Q_keygen(ctx->libctx, ctx->propq, "RSA",
		    (size_t)spec.bits);
	} else {
		c = find_curve(spec.crv);
		if (c->okp)
			key = EVP_PKEY_Q_keygen(ctx->libctx, ctx->propq, c->ossl);
		else
			key = EVP_PKEY_Q_keygen(ctx->libctx, ctx->propq, "EC",
			    c->ossl);
	}
	if (key == NULL)
		return pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "key generation");
	*out = key;
	return PKIT_OK;
}

int
pkit_key_is_encrypted(const unsigned char *data, size_t len)
{
	const unsigned char *p = data;
	X509_SIG *sig;

	if (memmem(data, len, "-----BEGIN ENCRYPTED PRIVATE KEY-----", 37) != NULL ||
	    memmem(data, len, "Proc-Type: 4,ENCRYPTED", 22) != NULL)
		return 1;
	/* DER EncryptedPrivateKeyInfo. */
	if (len > 0 && data[0] == 0x30 &&
	    (sig = d2i_X509_SIG(NULL, &p, (long)len)) != NULL) {
		X509_SIG_free(sig);
		return p == data + len;
	}
	ERR_clear_error();
	return 0;
}

/* A password callback that never prompts: OpenSSL's default would open
 * the terminal itself. */
static int
no_prompt_cb(char *buf, int size, int rwflag, void *u)
{
	const char *pw = u;
	size_t n;

	(void)rwflag;
	if (pw == NULL)
		return -1;
	n = strlen(pw);
	if (n > (size_t)size)
		return -1;
	memcpy(buf, pw, n);
	return (int)n;
}

static int
decode(struct pkit_ctx *ctx, const unsigned char *data, size_t len,
    int selection, const char *password, EVP_PKEY **out)
{
	OSSL_DECODER_CTX *dctx;
	EVP_PKEY *key = NULL;
	const unsigned char *p = data;
	size_t left = len;
	int ok;

	*out = NULL;
	dctx = OSSL_DECODER_CTX_new_for_pkey(&key, NULL, NULL, NULL, selection,
	    ctx->libctx, ctx->propq);
	if (dctx == NULL)
		return PKIT_ERR_CRYPTO;
	OSSL_DECODER_CTX_set_pem_password_cb(dctx, no_prompt_cb, (void *)password);
	ok = OSSL_DECODER_from_data(dctx, &p, &left);
	OSSL_DECODER_CTX_free(dctx);
	if (!ok || key == NULL) {
		EVP_PKEY_free(key);
		return PKIT_ERR_FORMAT;
	}
	*out = key;
	return PKIT_OK;
}

int
pkit_key_parse_private(struct pkit_ctx *ctx, const unsigned char *data,
    size_t len, const char *password, const char *name, EVP_PKEY **out)
{
	int enc = pkit_key_is_encrypted(data, len);

	*out = NULL;
	if (enc && password == NULL)
		return pkit_seterr(ctx, PKIT_ERR_PASSWORD,
		    "%s: the key is encrypted and no password was given", name);
	if (decode(ctx, data, len, EVP_PKEY_KEYPAIR, password, out) == 0)
		return PKIT_OK;
	ERR_clear_error();
	if (enc)
		return pkit_seterr(ctx, PKIT_ERR_PASSWORD,
		    "%s: wrong password, or the key is damaged", name);
	/* Say something more helpful than "unsupported" for public keys. */
	if (memmem(data, len, "PUBLIC KEY-----", 15) != NULL ||
	    memmem(data, len, "CERTIFICATE-----", 16) != NULL)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: holds a public key or certificate, not a private key",
		    name);
	return pkit_seterr(ctx, PKIT_ERR_FORMAT,
	    "%s: not a private key in PEM or DER form", name);
}

int
pkit_key_parse_public(struct pkit_ctx *ctx, const unsigned char *data,
    size_t len, const char *name, EVP_PKEY **out)
{
	BIO *bio = NULL;
	X509 *crt = NULL;
	X509_REQ *req = NULL;
	const unsigned char *p;
	EVP_PKEY *key = NULL;

	*out = NULL;
	if (decode(ctx, data, len, EVP_PKEY_PUBLIC_KEY, NULL, &key) == 0)
		goto found;
	ERR_clear_error();
	/* A certificate or a CSR, PEM or DER. */
	if ((bio = BIO_new_mem_buf(data, (int)len)) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", name);
	if ((crt = PEM_read_bio_X509(bio, NULL, no_prompt_cb, NULL)) == NULL) {
		p = data;
		crt = d2i_X509(NULL, &p, (long)len);
	}
	if (crt != NULL) {
		key = X509_get_pubkey(crt);
		goto found;
	}
	(void)BIO_reset(bio);
	if ((req = PEM_read_bio_X509_REQ(bio, NULL, no_prompt_cb, NULL)) == NULL) {
		p = data;
		req = d2i_X509_REQ(NULL, &p, (long)len);
	}
	if (req != NULL) {
		key = X509_REQ_get_pubkey(req);
		goto found;
	}
	/* An unencrypted private key: its public half. */
	if (!pkit_key_is_encrypted(data, len))
		(void)decode(ctx, data, len, EVP_PKEY_KEYPAIR, NULL, &key);
found:
	BIO_free(bio);
	X509_free(crt);
	X509_REQ_free(req);
	ERR_clear_error();
	if (key == NULL) {
		if (pkit_key_is_encrypted(data, len))
			return pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "%s: an encrypted private key; give its public key "
			    "or certificate", name);
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: no public key, certificate or CSR in PEM or DER form",
		    name);
	}
	*out = key;
	return PKIT_OK;
}

/* Collect a BIO's bytes into a malloc'd buffer, wiping the BIO's copy. */
static int
bio_take(struct pkit_ctx *ctx, BIO *bio, unsigned char **out, size_t *len)
{
	char *mem;
	long n = BIO_get_mem_data(bio, &mem);
	unsigned char *buf;

	if (n <= 0 || (buf = malloc((size_t)n + 1)) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "encoding");
	memcpy(buf, mem, (size_t)n);
	buf[n] = '\0';
	OPENSSL_cleanse(mem, (size_t)n);
	*out = buf;
	*len = (size_t)n;
	return PKIT_OK;
}

int
pkit_key_private_encode(struct pkit_ctx *ctx, EVP_PKEY *key,
    enum pkit_key_encoding enc, const char *password, unsigned char **out,
    size_t *len)
{
	PKCS8_PRIV_KEY_INFO *p8 = NULL;
	X509_ALGOR *pbe = NULL;
	X509_SIG *sig = NULL;
	BIO *bio = NULL;
	int ok, r = PKIT_ERR_INTERNAL;

	*out = NULL;
	*len = 0;
	if (!pkit_key_has_private(key))
		return pkit_seterr(ctx, PKIT_ERR_ARG, "not a private key");
	if ((bio = BIO_new(BIO_s_secmem())) == NULL ||
	    (p8 = EVP_PKEY2PKCS8(key)) == NULL) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "PKCS#8 encoding");
		goto out;
	}
	if (password != NULL) {
		pbe = PKCS5_pbe2_set_iv_ex(EVP_aes_256_cbc(), PKIT_PKCS8_ITER,
		    NULL, 0, NULL, NID_hmacWithSHA256, ctx->libctx);
		if (pbe == NULL || (sig = PKCS8_set0_pbe_ex(password,
		    (int)strlen(password), p8, pbe, ctx->libctx,
		    ctx->propq)) == NULL) {
			r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO,
			    "PKCS#8 encryption");
			goto out;
		}
		pbe = NULL;	/* owned by sig now */
		ok = enc == PKIT_KEY_PEM ? PEM_write_bio_PKCS8(bio, sig) :
		    i2d_PKCS8_bio(bio, sig);
	} else {
		ok = enc == PKIT_KEY_PEM ?
		    PEM_write_bio_PKCS8_PRIV_KEY_INFO(bio, p8) :
		    i2d_PKCS8_PRIV_KEY_INFO_bio(bio, p8);
	}
	if (!ok) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "PKCS#8 encoding");
		goto out;
	}
	r = bio_take(ctx, bio, out, len);
out:
	X509_ALGOR_free(pbe);
	X509_SIG_free(sig);
	PKCS8_PRIV_KEY_INFO_free(p8);
	BIO_free(bio);
	return r;
}

int
pkit_key_public_encode(struct pkit_ctx *ctx, EVP_PKEY *key,
    enum pkit_key_encoding enc, unsigned char **out, size_t *len)
{
	BIO *bio;
	int ok, r;

	*out = NULL;
	*len = 0;
	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "encoding");
	ok = enc == PKIT_KEY_PEM ? PEM_write_bio_PUBKEY(bio, key) :
	    i2d_PUBKEY_bio(bio, key);
	if (!ok)
		r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "public key encoding");
	else
		r = bio_take(ctx, bio, out, len);
	BIO_free(bio);
	return r;
}

int
pkit_key_info(struct pkit_ctx *ctx, EVP_PKEY *key, const char **kty,
    const char **crv, int *bits)
{
	char group[64];
	size_t n = 0, i;

	*kty = NULL;
	*crv = NULL;
	*bits = EVP_PKEY_get_bits(key);
	if (EVP_PKEY_is_a(key, "RSA") || EVP_PKEY_is_a(key, "RSA-PSS")) {
		*kty = "RSA";
		return PKIT_OK;
	}
	if (EVP_PKEY_is_a(key, "ED25519") || EVP_PKEY_is_a(key, "X25519")) {
		*kty = "OKP";
		*crv = EVP_PKEY_is_a(key, "ED25519") ? "Ed25519" : "X25519";
		return PKIT_OK;
	}
	if (EVP_PKEY_is_a(key, "EC") &&
	    EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME,
	    group, sizeof(group), &n)) {
		static const struct { const char *ossl, *jose; } map[] = {
			{ "prime256v1", "P-256" }, { "secp384r1", "P-384" },
			{ "secp521r1", "P-521" },
		};

		for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
			if (strcmp(group, map[i].ossl) == 0) {
				*kty = "EC";
				*crv = map[i].jose;
				return PKIT_OK;
			}
		}
		return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED,
		    "EC curve %s is not supported", group);
	}
	return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED, "key type %s is not supported",
	    EVP_PKEY_get0_type_name(key));
}

void
pkit_key_describe(EVP_PKEY *key, char *buf, size_t size)
{
	struct pkit_ctx tmp;
	const char *kty, *crv;
	int bits;

	pkit_ctx_init(&tmp);
	if (pkit_key_info(&tmp, key, &kty, &crv, &bits) != 0)
		snprintf(buf, size, "%s", EVP_PKEY_get0_type_name(key));
	else if (strcmp(kty, "RSA") == 0)
		snprintf(buf, size, "RSA %d", bits);
	else if (strcmp(kty, "EC") == 0)
		snprintf(buf, size, "EC %s", crv);
	else
		snprintf(buf, size, "%s", crv);
	ERR_clear_error();
}

int
pkit_key_has_private(EVP_PKEY *key)
{
	BIGNUM *bn = NULL;
	unsigned char raw[64];
	size_t n = sizeof(raw);
	int has;

	if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_PRIV_KEY, &bn) ||
	    EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_D, &bn)) {
		BN_clear_free(bn);
		return 1;
	}
	has = EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PRIV_KEY,
	    raw, sizeof(raw), &n);
	OPENSSL_cleanse(raw, sizeof(raw));
	ERR_clear_error();
	return has;
}

int
pkit_key_matches(EVP_PKEY *a, EVP_PKEY *b)
{
	int r = EVP_PKEY_eq(a, b);

	ERR_clear_error();
	return r == 1;
}

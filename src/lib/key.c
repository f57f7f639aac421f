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

#include <jansson.h>

#include "codec.h"
#include "jwk.h"
#include "key.h"
#include "secret.h"
#include "sshkey.h"

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
	int enc;

	*out = NULL;
	if (pkit_sshkey_is_private(data, len))
		return pkit_sshkey_parse_private(ctx, data, len, name, out);
	enc = pkit_key_is_encrypted(data, len);
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
	if (pkit_sshkey_is_public(data, len))
		return pkit_sshkey_parse_public(ctx, data, len, name, out);
	if (pkit_sshkey_is_private(data, len))
		return pkit_sshkey_parse_private_public(ctx, data, len, name,
		    out);
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
		    NULL, PKIT_PKCS8_SALT, NULL, NID_hmacWithSHA256,
		    ctx->libctx);
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

/* PKCS#1 through OpenSSL's "type-specific" encoders: RSAPrivateKey or
 * RSAPublicKey, and for an encrypted PEM the legacy Proc-Type header. */
static int
encode_pkcs1(struct pkit_ctx *ctx, EVP_PKEY *key, int selection,
    enum pkit_key_encoding enc, const char *password, unsigned char **out,
    size_t *len)
{
	OSSL_ENCODER_CTX *ectx = NULL;
	BIO *bio = NULL;
	int r = PKIT_ERR_INTERNAL;

	if (!EVP_PKEY_is_a(key, "RSA"))
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "PKCS#1 is a form of RSA keys only, not of %s keys",
		    EVP_PKEY_get0_type_name(key));
	if (password != NULL && enc == PKIT_KEY_DER)
		return pkit_key_form_check(ctx, "RSA", NULL, enc,
		    PKIT_KEY_PKCS1, 1);
	if ((bio = BIO_new(BIO_s_secmem())) == NULL ||
	    (ectx = OSSL_ENCODER_CTX_new_for_pkey(key, selection,
	    enc == PKIT_KEY_PEM ? "PEM" : "DER", "type-specific",
	    ctx->propq)) == NULL ||
	    OSSL_ENCODER_CTX_get_num_encoders(ectx) == 0) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "PKCS#1 encoding");
		goto out;
	}
	if (password != NULL &&
	    (!OSSL_ENCODER_CTX_set_cipher(ectx, "AES-256-CBC", ctx->propq) ||
	    !OSSL_ENCODER_CTX_set_passphrase(ectx,
	    (const unsigned char *)password, strlen(password)))) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "PKCS#1 encryption");
		goto out;
	}
	if (!OSSL_ENCODER_to_bio(ectx, bio)) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "PKCS#1 encoding");
		goto out;
	}
	r = bio_take(ctx, bio, out, len);
out:
	OSSL_ENCODER_CTX_free(ectx);
	BIO_free(bio);
	return r;
}

int
pkit_key_form_check(struct pkit_ctx *ctx, const char *kty, const char *crv,
    enum pkit_key_encoding enc, enum pkit_key_form form, int encrypted)
{
	switch (form) {
	case PKIT_KEY_PKCS8:
		return PKIT_OK;
	case PKIT_KEY_PKCS1:
		if (kty == NULL || strcmp(kty, "RSA") != 0)
			return pkit_seterr(ctx, PKIT_ERR_ARG,
			    "PKCS#1 is a form of RSA keys only, not of %s keys",
			    crv != NULL ? crv : kty != NULL ? kty : "these");
		if (encrypted && enc == PKIT_KEY_DER)
			return pkit_seterr(ctx, PKIT_ERR_ARG,
			    "a PKCS#1 key in DER form cannot be encrypted; use "
			    "PEM, PKCS#8, or --no-password --insecure");
		return PKIT_OK;
	case PKIT_KEY_OPENSSH:
		if (kty == NULL || (strcmp(kty, "RSA") != 0 &&
		    (crv == NULL || strcmp(crv, "X25519") == 0)))
			return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED,
			    "%s keys have no OpenSSH form (Ed25519, ECDSA "
			    "P-256/384/521 and RSA do)", crv != NULL ? crv :
			    kty != NULL ? kty : "these");
		if (encrypted && crv != NULL && strcmp(crv, "Ed25519") == 0)
			return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED,
			    "pkit cannot encrypt OpenSSH private keys "
			    "(bcrypt_pbkdf) and OpenSSH does not read "
			    "encrypted Ed25519 keys in PKCS#8; write it with "
			    "--no-password --insecure and set a passphrase "
			    "with 'ssh-keygen -p'");
		return PKIT_OK;
	case PKIT_KEY_JWK:
		if (kty == NULL)
			return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED,
			    "these keys have no JWK form (EC P-256/384/521, "
			    "RSA, Ed25519 and X25519 do)");
		return PKIT_OK;
	}
	return pkit_seterr(ctx, PKIT_ERR_INTERNAL, "bad key form");
}

/* The JWK of key, as indented JSON and a newline; a private one is
 * encrypted when password is set.  The text may hold a secret. */
static int
encode_jwk(struct pkit_ctx *ctx, EVP_PKEY *key, int private,
    const char *password, unsigned char **out, size_t *len)
{
	json_t *jwk = NULL, *ord = NULL;
	char *text = NULL;
	unsigned char *buf;
	size_t n;
	int r;

	if ((r = pkit_jwk_from_key(ctx, key, private, &jwk)) != 0)
		return r;
	if (private && password != NULL)
		r = pkit_jwk_encrypt(ctx, jwk, password, 0, 0, &text);
	else if ((r = pkit_jwk_ordered(ctx, jwk, &ord)) == 0 &&
	    (text = json_dumps(ord, JSON_INDENT(2) | JSON_PRESERVE_ORDER)) ==
	    NULL)
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "JWK encoding");
	if (r != 0)
		goto out;
	n = strlen(text);
	if ((buf = malloc(n + 2)) == NULL) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "JWK encoding");
		goto out;
	}
	memcpy(buf, text, n);
	if (n == 0 || text[n - 1] != '\n')
		buf[n++] = '\n';
	buf[n] = '\0';
	*out = buf;
	*len = n;
	r = PKIT_OK;
out:
	pkit_secret_strfree(text);
	pkit_jwk_free(ord);
	pkit_jwk_free(jwk);
	return r;
}

int
pkit_key_private_encode_form(struct pkit_ctx *ctx, EVP_PKEY *key,
    enum pkit_key_encoding enc, enum pkit_key_form form, const char *password,
    unsigned char **out, size_t *len)
{
	const char *kty = NULL, *crv = NULL;
	int bits, r;

	*out = NULL;
	*len = 0;
	if (!pkit_key_has_private(key))
		return pkit_seterr(ctx, PKIT_ERR_ARG, "not a private key");
	if (form != PKIT_KEY_PKCS8) {
		if (pkit_key_info(ctx, key, &kty, &crv, &bits) != 0)
			kty = crv = NULL;
		pkit_clearerr(ctx);
		if ((r = pkit_key_form_check(ctx, kty, crv, enc, form,
		    password != NULL)) != 0)
			return r;
	}
	switch (form) {
	case PKIT_KEY_PKCS8:
		return pkit_key_private_encode(ctx, key, enc, password, out,
		    len);
	case PKIT_KEY_PKCS1:
		return encode_pkcs1(ctx, key, EVP_PKEY_KEYPAIR, enc, password,
		    out, len);
	case PKIT_KEY_OPENSSH:
		if (password == NULL)
			return pkit_sshkey_private_encode(ctx, key, NULL, out,
			    len);
		/* ssh and ssh-keygen read encrypted PKCS#8 PEM for ECDSA and
		 * RSA keys (the check above refused Ed25519). */
		return pkit_key_private_encode(ctx, key, PKIT_KEY_PEM, password,
		    out, len);
	case PKIT_KEY_JWK:
		return encode_jwk(ctx, key, 1, password, out, len);
	}
	return pkit_seterr(ctx, PKIT_ERR_INTERNAL, "bad key form");
}

int
pkit_key_public_encode_form(struct pkit_ctx *ctx, EVP_PKEY *key,
    enum pkit_key_encoding enc, enum pkit_key_form form, unsigned char **out,
    size_t *len)
{
	*out = NULL;
	*len = 0;
	switch (form) {
	case PKIT_KEY_PKCS8:
		return pkit_key_public_encode(ctx, key, enc, out, len);
	case PKIT_KEY_PKCS1:
		return encode_pkcs1(ctx, key, EVP_PKEY_PUBLIC_KEY, enc, NULL,
		    out, len);
	case PKIT_KEY_OPENSSH:
		return pkit_sshkey_public_encode(ctx, key, NULL, out, len);
	case PKIT_KEY_JWK:
		return encode_jwk(ctx, key, 0, NULL, out, len);
	}
	return pkit_seterr(ctx, PKIT_ERR_INTERNAL, "bad key form");
}

int
pkit_key_fingerprint_input(struct pkit_ctx *ctx, EVP_PKEY *key,
    enum pkit_key_fp what, unsigned char **out, size_t *len)
{
	unsigned char *der = NULL, *buf;
	const unsigned char *p, *pk = NULL;
	X509_PUBKEY *xpk = NULL;
	int n, pklen = 0, r = PKIT_ERR_INTERNAL;

	*out = NULL;
	*len = 0;
	if (what == PKIT_KEY_FP_SSH)
		return pkit_sshkey_public_blob(ctx, key, out, len);
	/* i2d_PUBKEY writes the public half only, also of a private key. */
	if ((n = i2d_PUBKEY(key, &der)) <= 0)
		return pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO,
		    "public key encoding");
	if (what == PKIT_KEY_FP_SPKI) {
		if ((buf = malloc((size_t)n)) == NULL) {
			r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "fingerprint");
			goto out;
		}
		memcpy(buf, der, (size_t)n);
		*out = buf;
		*len = (size_t)n;
		r = PKIT_OK;
		goto out;
	}
	p = der;
	if ((xpk = d2i_X509_PUBKEY(NULL, &p, n)) == NULL ||
	    !X509_PUBKEY_get0_param(NULL, &pk, &pklen, NULL, xpk) ||
	    pklen <= 0) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO,
		    "public key encoding");
		goto out;
	}
	if ((buf = malloc((size_t)pklen)) == NULL) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "fingerprint");
		goto out;
	}
	memcpy(buf, pk, (size_t)pklen);
	*out = buf;
	*len = (size_t)pklen;
	r = PKIT_OK;
out:
	X509_PUBKEY_free(xpk);
	OPENSSL_free(der);
	return r;
}

int
pkit_key_fingerprint(struct pkit_ctx *ctx, EVP_PKEY *key,
    enum pkit_key_fp what, const char *mdname, unsigned char *md,
    size_t *mdlen)
{
	unsigned char *in = NULL;
	size_t inlen = 0;
	unsigned int n = 0;
	EVP_MD *alg = NULL;
	int r;

	*mdlen = 0;
	if ((r = pkit_key_fingerprint_input(ctx, key, what, &in, &inlen)) != 0)
		return r;
	if ((alg = EVP_MD_fetch(ctx->libctx, mdname, ctx->propq)) == NULL ||
	    !EVP_Digest(in, inlen, md, &n, alg, NULL)) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "%s digest", mdname);
		goto out;
	}
	*mdlen = n;
	r = PKIT_OK;
out:
	EVP_MD_free(alg);
	free(in);
	return r;
}

/* Set key in obj to the hex of a big number, padded to size bytes. */
static int
set_bn_hex(struct pkit_ctx *ctx, json_t *obj, const char *key,
    EVP_PKEY *pkey, const char *param, int size)
{
	BIGNUM *bn = NULL;
	unsigned char buf[16384 / 8];
	char *hex = NULL;
	int n, r;

	if (!EVP_PKEY_get_bn_param(pkey, param, &bn))
		return pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "key parameter %s",
		    param);
	if (size <= 0)
		size = BN_num_bytes(bn);
	if (size > (int)sizeof(buf) ||
	    (n = BN_bn2binpad(bn, buf, size)) < 0) {
		BN_free(bn);
		return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED, "key too large");
	}
	BN_free(bn);
	if ((r = pkit_hex_encode(ctx, buf, (size_t)n, 0, &hex)) != 0)
		return r;
	r = json_object_set_new(obj, key, json_string(hex)) == 0 ? PKIT_OK :
	    pkit_seterr(ctx, PKIT_ERR_NOMEM, "JSON");
	free(hex);
	return r;
}

static int
set_hex(struct pkit_ctx *ctx, json_t *obj, const char *key,
    const unsigned char *data, size_t len)
{
	char *hex = NULL;
	int r;

	if ((r = pkit_hex_encode(ctx, data, len, 0, &hex)) != 0)
		return r;
	r = json_object_set_new(obj, key, json_string(hex)) == 0 ? PKIT_OK :
	    pkit_seterr(ctx, PKIT_ERR_NOMEM, "JSON");
	free(hex);
	return r;
}

/* "SHA256:" and the digest in base64, padded (step) or not (ssh-keygen). */
static int
set_fingerprint(struct pkit_ctx *ctx, json_t *obj, const char *key,
    EVP_PKEY *pkey, enum pkit_key_fp what, enum pkit_b64 variant)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	size_t mdlen;
	char *b64 = NULL, buf[128];
	int r;

	if ((r = pkit_key_fingerprint(ctx, pkey, what, "SHA256", md,
	    &mdlen)) != 0 ||
	    (r = pkit_b64_encode(ctx, variant, md, mdlen, &b64)) != 0)
		return r;
	snprintf(buf, sizeof(buf), "SHA256:%s", b64);
	free(b64);
	return json_object_set_new(obj, key, json_string(buf)) == 0 ? PKIT_OK :
	    pkit_seterr(ctx, PKIT_ERR_NOMEM, "JSON");
}

int
pkit_key_inspect(struct pkit_ctx *ctx, EVP_PKEY *key, json_t **out)
{
	const char *kty, *crv;
	json_t *obj = NULL, *fp = NULL;
	unsigned char raw[256];
	size_t n = sizeof(raw);
	int bits, flen, r;

	*out = NULL;
	if ((r = pkit_key_info(ctx, key, &kty, &crv, &bits)) != 0)
		return r;
	if ((obj = json_object()) == NULL || (fp = json_object()) == NULL) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "JSON");
		goto out;
	}
	if (json_object_set_new(obj, "type", json_string(kty)) != 0 ||
	    (crv != NULL &&
	    json_object_set_new(obj, "curve", json_string(crv)) != 0) ||
	    json_object_set_new(obj, "bits", json_integer(bits)) != 0 ||
	    json_object_set_new(obj, "private",
	    json_boolean(pkit_key_has_private(key))) != 0) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "JSON");
		goto out;
	}
	if (strcmp(kty, "RSA") == 0) {
		if ((r = set_bn_hex(ctx, obj, "modulus", key,
		    OSSL_PKEY_PARAM_RSA_N, 0)) != 0)
			goto out;
		{
			BIGNUM *e = NULL;

			if (!EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E,
			    &e) || BN_num_bits(e) > 63) {
				BN_free(e);
				r = pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED,
				    "RSA public exponent");
				goto out;
			}
			json_object_set_new(obj, "exponent",
			    json_integer((json_int_t)BN_get_word(e)));
			BN_free(e);
		}
	} else if (strcmp(kty, "EC") == 0) {
		flen = (bits + 7) / 8;
		if ((r = set_bn_hex(ctx, obj, "x", key,
		    OSSL_PKEY_PARAM_EC_PUB_X, flen)) != 0 ||
		    (r = set_bn_hex(ctx, obj, "y", key,
		    OSSL_PKEY_PARAM_EC_PUB_Y, flen)) != 0)
			goto out;
	} else {
		if (!EVP_PKEY_get_raw_public_key(key, raw, &n)) {
			r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "public key");
			goto out;
		}
		if ((r = set_hex(ctx, obj, "public_key", raw, n)) != 0)
			goto out;
	}
	if ((r = set_fingerprint(ctx, fp, "sha256", key, PKIT_KEY_FP_SPK,
	    PKIT_B64_STD)) != 0 ||
	    (r = set_fingerprint(ctx, fp, "pkix_sha256", key, PKIT_KEY_FP_SPKI,
	    PKIT_B64_STD)) != 0)
		goto out;
	if (pkit_sshkey_type(key) != NULL &&
	    (r = set_fingerprint(ctx, fp, "ssh_sha256", key, PKIT_KEY_FP_SSH,
	    PKIT_B64_STD_RAW)) != 0)
		goto out;
	if (json_object_set_new(obj, "fingerprints", fp) != 0) {
		fp = NULL;
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "JSON");
		goto out;
	}
	fp = NULL;
	*out = obj;
	obj = NULL;
	r = PKIT_OK;
out:
	json_decref(fp);
	json_decref(obj);
	ERR_clear_error();
	return r;
}

/* key.h - asymmetric keys: generate, parse, encode and describe.
 *
 * Keys are OpenSSL EVP_PKEYs.  Private keys are written as PKCS#8, and when
 * a password is given, encrypted with PBES2 (PBKDF2-HMAC-SHA256, 600,000
 * iterations, AES-256-CBC), the parameters step uses.  Parsing accepts PEM
 * or DER, PKCS#8 (plain or encrypted), PKCS#1, SEC1 and the legacy
 * "Proc-Type: 4,ENCRYPTED" PEM that step writes for EC and RSA keys.
 */
#ifndef PKIT_KEY_H
#define PKIT_KEY_H

#include <stddef.h>

#include <openssl/evp.h>

#include "err.h"

/* PBKDF2 iterations for encrypted PKCS#8 (as step's pemutil). */
#define PKIT_PKCS8_ITER 600000

/* What to generate.  NULL/0 fields take defaults when resolved. */
struct pkit_keyspec {
	const char *kty;	/* "EC", "RSA", "OKP" */
	const char *crv;	/* "P-256", "P-384", "P-521", "Ed25519", "X25519" */
	long bits;		/* RSA modulus size */
	int insecure;		/* allow RSA below 2048 bits */
};

/* Apply defaults (EC P-256; OKP Ed25519; RSA 2048) and check that the
 * fields agree; a curve without a type implies the type. */
int pkit_keyspec_resolve(struct pkit_ctx *ctx, struct pkit_keyspec *spec);

/* Generate a key pair as spec says (resolving it first). */
int pkit_key_generate(struct pkit_ctx *ctx, const struct pkit_keyspec *spec,
    EVP_PKEY **out);

/* 1 when data holds an encrypted private key (PKCS#8 or legacy PEM). */
int pkit_key_is_encrypted(const unsigned char *data, size_t len);

/* Parse a private key from PEM or DER.  password may be NULL; an encrypted
 * key then fails with PKIT_ERR_PASSWORD, as does a wrong password.  name
 * (a file name) is used in messages. */
int pkit_key_parse_private(struct pkit_ctx *ctx, const unsigned char *data,
    size_t len, const char *password, const char *name, EVP_PKEY **out);

/* Parse a public key: SubjectPublicKeyInfo or PKCS#1 in PEM or DER, or the
 * public half of a certificate, a CSR or an unencrypted private key. */
int pkit_key_parse_public(struct pkit_ctx *ctx, const unsigned char *data,
    size_t len, const char *name, EVP_PKEY **out);

enum pkit_key_encoding {
	PKIT_KEY_PEM,
	PKIT_KEY_DER,
};

/* Encode a private key as PKCS#8, encrypted when password is not NULL.
 * The buffer holds a secret: free it with pkit_secret_free(*out, *len). */
int pkit_key_private_encode(struct pkit_ctx *ctx, EVP_PKEY *key,
    enum pkit_key_encoding enc, const char *password, unsigned char **out,
    size_t *len);

/* Encode the public key as SubjectPublicKeyInfo. */
int pkit_key_public_encode(struct pkit_ctx *ctx, EVP_PKEY *key,
    enum pkit_key_encoding enc, unsigned char **out, size_t *len);

/* JOSE-style names of the key: *kty "EC"/"RSA"/"OKP", *crv "P-256" ... or
 * NULL for RSA, *bits the key size. */
int pkit_key_info(struct pkit_ctx *ctx, EVP_PKEY *key, const char **kty,
    const char **crv, int *bits);

/* A short description: "EC P-256", "RSA 2048", "Ed25519". */
void pkit_key_describe(EVP_PKEY *key, char *buf, size_t size);

/* 1 when the key holds private material. */
int pkit_key_has_private(EVP_PKEY *key);

/* 1 when pub is the public half of priv (or the same public key). */
int pkit_key_matches(EVP_PKEY *a, EVP_PKEY *b);

#endif

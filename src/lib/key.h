/* key.h - asymmetric keys: generate, parse, encode and describe.
 *
 * Keys are OpenSSL EVP_PKEYs.  Private keys are written as PKCS#8, and when
 * a password is given, encrypted with PBES2 (PBKDF2-HMAC-SHA256, 600,000
 * iterations, 16-byte salt, AES-256-CBC), the parameters step uses.
 * Parsing accepts PEM or DER, PKCS#8 (plain or encrypted), PKCS#1, SEC1,
 * the legacy "Proc-Type: 4,ENCRYPTED" PEM that step writes for EC and RSA
 * keys, and the OpenSSH formats of sshkey.h (public key lines, unencrypted
 * openssh-key-v1 private keys).
 */
#ifndef PKIT_KEY_H
#define PKIT_KEY_H

#include <stddef.h>

#include <openssl/evp.h>

#include "err.h"

/* PBKDF2 iterations for encrypted PKCS#8 (as step's pemutil). */
#define PKIT_PKCS8_ITER 600000
/* and its salt size in bytes (as step's pemutil; OpenSSL's default is 8) */
#define PKIT_PKCS8_SALT 16

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

/* Parse a public key: SubjectPublicKeyInfo or PKCS#1 in PEM or DER, an
 * OpenSSH public key line, or the public half of a certificate, a CSR, an
 * unencrypted private key or an openssh-key-v1 file (encrypted or not). */
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

/* How a key is laid out, besides PEM or DER. */
enum pkit_key_form {
	PKIT_KEY_PKCS8,		/* PKCS#8, or SubjectPublicKeyInfo */
	PKIT_KEY_PKCS1,		/* RSA only: PKCS#1 (the "traditional" form) */
	PKIT_KEY_OPENSSH,	/* openssh-key-v1 / authorized_keys line */
	PKIT_KEY_JWK,		/* JSON Web Key (jwk.h) */
};

/* PKIT_OK when a key of type kty ("EC", "RSA", "OKP") and curve crv
 * (NULL for RSA) can be written in form and enc, encrypted or not;
 * otherwise the reason, as pkit_key_private_encode_form() would give it.
 * Lets a command refuse before it prompts or generates. */
int pkit_key_form_check(struct pkit_ctx *ctx, const char *kty,
    const char *crv, enum pkit_key_encoding enc, enum pkit_key_form form,
    int encrypted);

/* Encode a private key in form.  PKCS8 is pkit_key_private_encode().
 * PKCS1 with a password is the legacy "Proc-Type: 4,ENCRYPTED" PEM with
 * AES-256-CBC (what step and `openssl rsa -traditional -aes256` write);
 * it cannot be encrypted as DER.  OPENSSH ignores enc: without a password
 * it is an unencrypted openssh-key-v1 file; with one, pkit cannot write
 * that format (bcrypt_pbkdf), so ECDSA and RSA keys become encrypted
 * PKCS#8 PEM, which ssh and ssh-keygen read, and Ed25519 keys (which
 * OpenSSH 9.2 does not read as PKCS#8) fail with PKIT_ERR_UNSUPPORTED.
 * JWK ignores enc: the JSON of the key, encrypted with a password as step
 * does (a JWE, PBES2-HS256+A128KW with 600,000 iterations, A256GCM).
 * Free *out with pkit_secret_free(*out, *len). */
int pkit_key_private_encode_form(struct pkit_ctx *ctx, EVP_PKEY *key,
    enum pkit_key_encoding enc, enum pkit_key_form form, const char *password,
    unsigned char **out, size_t *len);

/* Encode the public key in form: SubjectPublicKeyInfo, PKCS#1
 * RSAPublicKey, an authorized_keys line or a JWK (enc ignored). */
int pkit_key_public_encode_form(struct pkit_ctx *ctx, EVP_PKEY *key,
    enum pkit_key_encoding enc, enum pkit_key_form form, unsigned char **out,
    size_t *len);

/* What a key fingerprint hashes. */
enum pkit_key_fp {
	PKIT_KEY_FP_SPK,	/* subjectPublicKey BIT STRING (as step) */
	PKIT_KEY_FP_SPKI,	/* the whole SubjectPublicKeyInfo DER */
	PKIT_KEY_FP_SSH,	/* the SSH public key blob (ssh-keygen -l) */
};

/* The bytes a fingerprint of kind what hashes (the public key only). */
int pkit_key_fingerprint_input(struct pkit_ctx *ctx, EVP_PKEY *key,
    enum pkit_key_fp what, unsigned char **out, size_t *len);

/* The digest (mdname "SHA256", "SHA1" ...) of those bytes, into md of
 * EVP_MAX_MD_SIZE bytes; *mdlen is its length. */
int pkit_key_fingerprint(struct pkit_ctx *ctx, EVP_PKEY *key,
    enum pkit_key_fp what, const char *mdname, unsigned char *md,
    size_t *mdlen);

/* A JSON description of the public side of key: type, curve, bits,
 * whether it holds a private key, its public values in hex and its
 * fingerprints.  Private values are never included.  Free with
 * json_decref(). */
struct json_t;
int pkit_key_inspect(struct pkit_ctx *ctx, EVP_PKEY *key,
    struct json_t **out);

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

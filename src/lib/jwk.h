/* jwk.h - JSON Web Keys (RFC 7517) to and from OpenSSL keys, thumbprints
 * (RFC 7638), JWK Sets and the key object the JOSE modules work with.
 *
 * A JWK is a jansson object.  Private members ("d", "p", "q", "dp", "dq",
 * "qi", "oth", "k") are secrets: release a JWK that may hold them with
 * pkit_jwk_free(), which wipes them first.  The functions that read or
 * make keys also switch jansson to a free() that wipes every block, so
 * that parse buffers and copies do not keep secrets either.  EC, RSA, OKP
 * (Ed25519, X25519) and oct keys are supported.
 */
#ifndef PKIT_JWK_H
#define PKIT_JWK_H

#include <stddef.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "err.h"

/* The JWK of key: public members only, or with the private ones when
 * with_private is set (then the JSON holds secrets: wipe before freeing,
 * see pkit_jwk_free()). */
int pkit_jwk_from_key(struct pkit_ctx *ctx, EVP_PKEY *key, int with_private,
    json_t **out);

/* The key a JWK describes (EC, RSA, OKP; public or private).  Members are
 * checked strictly: fixed-length coordinates, points on the curve, a
 * private part that matches the public one. */
int pkit_jwk_to_key(struct pkit_ctx *ctx, const json_t *jwk, EVP_PKEY **out);

/* RFC 7638 SHA-256 thumbprint of a JWK, base64url without padding. */
int pkit_jwk_thumbprint(struct pkit_ctx *ctx, const json_t *jwk, char **out);

/* Wipe the string members of a JWK that hold secrets, then decref it. */
void pkit_jwk_free(json_t *jwk);

/* Make jansson wipe every block it frees (done by the functions that
 * read keys; idempotent and thread-safe). */
void pkit_jwk_json_wipe_on_free(void);

/* Wipe, in place, the private members of jwk that no other JSON value
 * shares (pkit_jwk_free() does this before letting go). */
void pkit_jwk_wipe(json_t *jwk);

/* 1 when the JWK has private members (or is an oct key). */
int pkit_jwk_is_private(const json_t *jwk);

/* A new JWK holding only the public members of jwk (kid, use, alg and the
 * other metadata are kept).  An oct key has no public form: an error. */
int pkit_jwk_public(struct pkit_ctx *ctx, const json_t *jwk, json_t **out);

/* A copy of jwk with its members in the order step (go-jose) writes them:
 * use kty kid crv alg k x y n e d p q dp dq qi, then any others. */
int pkit_jwk_ordered(struct pkit_ctx *ctx, const json_t *jwk, json_t **out);

/* What to generate with pkit_jwk_generate(). */
struct pkit_jwk_spec {
	const char *kty;	/* "EC" (default), "RSA", "OKP", "oct" */
	const char *crv;	/* EC/OKP curve; NULL for the default */
	long bits;		/* RSA modulus bits (default 2048) */
	long size;		/* oct key bytes (default 32) */
	int insecure;		/* allow RSA < 2048 bits, oct < 16 bytes */
};

/* Generate a private JWK (kty and key members only). */
int pkit_jwk_generate(struct pkit_ctx *ctx, const struct pkit_jwk_spec *spec,
    json_t **out);

/* step's default "alg" for a key: ES256/384/512, RS256, EdDSA, HS256 for
 * use "sig" (or NULL); ECDH-ES, RSA-OAEP-256, A256GCMKW for "enc" (an oct
 * key of 16 or 24 bytes gets A128GCMKW or A192GCMKW, other sizes dir).
 * NULL when there is none (Ed25519 for enc, X25519 for sig). */
const char *pkit_jwk_default_alg(const json_t *jwk, const char *use);

/* Parse a JWK from JSON text; name is used in messages. */
int pkit_jwk_parse(struct pkit_ctx *ctx, const unsigned char *data,
    size_t len, const char *name, json_t **out);

/* 1 when data looks like an encrypted JWK or JWK Set (a JWE in compact or
 * JSON serialization): a password is needed to read it. */
int pkit_jwk_data_is_encrypted(const unsigned char *data, size_t len);

/* Read a key file for JOSE: a JWK, a JWE-encrypted JWK (password needed),
 * or a PEM/DER private key, public key or certificate.  A JWK Set is an
 * error here (use pkit_jwks_load()).  name is used in messages. */
int pkit_jwk_load(struct pkit_ctx *ctx, const unsigned char *data,
    size_t len, const char *password, const char *name, json_t **out);

/* Read a JWK Set ({"keys": [...]}, maybe JWE-encrypted). */
int pkit_jwks_load(struct pkit_ctx *ctx, const unsigned char *data,
    size_t len, const char *password, const char *name, json_t **out);

/* Fetch a JWK Set from an https:// URL (an OIDC jwks_uri), verifying the
 * server against the system trust store. */
int pkit_jwks_fetch(struct pkit_ctx *ctx, const char *url, json_t **out);

/* The key of a set whose "kid" is kid (borrowed), or NULL. */
json_t *pkit_jwks_find(const json_t *set, const char *kid);

/* Append jwk (a reference is taken) to set; a key with the same kid and
 * kty already in the set is an error. */
int pkit_jwks_add(struct pkit_ctx *ctx, json_t *set, json_t *jwk);

/* Remove every key whose kid is kid; *removed counts them. */
int pkit_jwks_remove(struct pkit_ctx *ctx, json_t *set, const char *kid,
    size_t *removed);

/* Wipe the private members of every key of a set, then decref it. */
void pkit_jwks_free(json_t *set);

/* Encrypt a private JWK (or JWK Set) as a JWE the way step does:
 * PBES2-HS256+A128KW with p2c iterations (0: 600000), A256GCM, cty
 * "jwk+json".  With compact the compact serialization is returned
 * (as in ca.json's encryptedKey), otherwise indented flattened JSON. */
int pkit_jwk_encrypt(struct pkit_ctx *ctx, const json_t *jwk,
    const char *password, long p2c, int compact, char **out);

/* Decrypt what pkit_jwk_encrypt() (or step) wrote into a JSON value. */
int pkit_jwk_decrypt(struct pkit_ctx *ctx, const unsigned char *data,
    size_t len, const char *password, const char *name, json_t **out);

/* PBKDF2 iterations step uses for encrypted JWKs. */
#define PKIT_JWK_P2C 600000

/* A JWK ready for JOSE operations: the JSON and the key it describes. */
struct pkit_jwk_key {
	json_t *jwk;		/* owned reference; may hold secrets */
	EVP_PKEY *pkey;		/* EC, RSA, OKP; NULL for oct */
	unsigned char *secret;	/* oct key bytes (wiped on free) */
	size_t secret_len;
	const char *kty;	/* "EC", "RSA", "OKP", "oct" */
	const char *crv;	/* "P-256" ..., "Ed25519", "X25519" or NULL */
	int bits;		/* key size in bits */
	int is_private;		/* holds private material */
	void *cjose;		/* cjose_jwk_t (EC, RSA, oct) or NULL */
	void *jws_cache;	/* JWS contexts set up once (jws.c), or NULL */
};

/* Make a key object from a JWK (a reference to jwk is taken). */
int pkit_jwk_key_new(struct pkit_ctx *ctx, json_t *jwk,
    struct pkit_jwk_key **out);

/* A cjose_jwk_t for jwk (release it with cjose_jwk_release()), or NULL
 * with the reason in why when cjose cannot read it. */
void *pkit_jwk_cjose_import(const json_t *jwk, char *why, size_t whysize);

/* Free a key object, wiping its secrets; NULL is a no-op. */
void pkit_jwk_key_free(struct pkit_jwk_key *key);

#endif

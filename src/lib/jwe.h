/* jwe.h - JSON Web Encryption (RFC 7516) with the algorithms of RFC 7518.
 *
 * Key management: RSA-OAEP, RSA-OAEP-256, A128KW A192KW A256KW,
 * A128GCMKW A192GCMKW A256GCMKW, dir, ECDH-ES and ECDH-ES+A128KW/A192KW/
 * A256KW (P-256, P-384, P-521, X25519), PBES2-HS256+A128KW,
 * PBES2-HS384+A192KW, PBES2-HS512+A256KW.  Content encryption: A128GCM
 * A192GCM A256GCM, A128CBC-HS256 A192CBC-HS384 A256CBC-HS512.  RSA1_5 and
 * "zip" are refused.  Serializations: compact, flattened and general JSON
 * (decryption tries every recipient the key suits).
 *
 * All of it is OpenSSL, in one code path (cjose 0.6.2 lacks RSA-OAEP-256,
 * ECDH-ES+A*KW, X25519, PBES2 and A*GCMKW, and its JSON and per-recipient
 * handling would put half the checks in a second place).  The checks: a
 * GCM tag is 128 bits, IVs and keys have their exact sizes, an ephemeral
 * key is a valid point, PBES2 counts are bounded, "crit" and "zip" are
 * refused.  The unit tests use cjose as a third implementation.
 */
#ifndef PKIT_JWE_H
#define PKIT_JWE_H

#include <stddef.h>

#include <jansson.h>

#include "err.h"
#include "jwk.h"

/* Largest JWE pkit reads. */
#define PKIT_JWE_MAX (16 * 1024 * 1024)
/* PBES2 iteration counts accepted when decrypting. */
#define PKIT_JWE_P2C_MIN 1000
#define PKIT_JWE_P2C_MAX 10000000

struct pkit_jwe_opts {
	const char *alg;	/* key management; NULL: from the key */
	const char *enc;	/* content encryption; NULL: A256GCM */
	const json_t *header;	/* more protected members, or NULL */
	const char *password;	/* for PBES2-* (key is then NULL) */
	long p2c;		/* PBES2 iterations; 0: 600000 */
	int compact;		/* compact, not flattened JSON */
	int indent;		/* indent the JSON serialization */
};

/* Encrypt pt for key (a public or private JWK key object; NULL with
 * PBES2).  *out is a NUL-terminated serialization. */
int pkit_jwe_encrypt(struct pkit_ctx *ctx, const struct pkit_jwk_key *key,
    const struct pkit_jwe_opts *o, const unsigned char *pt, size_t len,
    char **out);

/* Encrypt pt for several keys in the general JSON serialization: one
 * content key, wrapped for each (o->alg, else each key's own algorithm;
 * dir and ECDH-ES cannot be used).  The protected header holds "enc" and
 * o->header; each recipient's header its "alg", "kid" and parameters. */
int pkit_jwe_encrypt_multi(struct pkit_ctx *ctx,
    const struct pkit_jwk_key *const *keys, size_t nkeys,
    const struct pkit_jwe_opts *o, const unsigned char *pt, size_t len,
    char **out);

/* One recipient of a JWE. */
struct pkit_jwe_rcpt {
	json_t *header;		/* its unprotected header, or NULL */
	json_t *joined;		/* all headers that apply, joined */
	unsigned char *ek;	/* encrypted key */
	size_t ek_len;
};

/* A parsed JWE. */
struct pkit_jwe {
	char *protected_b64;	/* "" when absent */
	json_t *protected;	/* decoded protected header, or NULL */
	json_t *unprotected;	/* shared unprotected header, or NULL */
	char *aad_b64;		/* JSON "aad", or NULL */
	unsigned char *iv, *ct, *tag;
	size_t iv_len, ct_len, tag_len;
	int json;		/* the input was JSON serialization */
	size_t nrcpt;
	struct pkit_jwe_rcpt *rcpts;
};

/* Parse a JWE in compact or JSON serialization (name is used in
 * messages).  Headers are checked (alg/enc known, no crit, no zip). */
int pkit_jwe_parse(struct pkit_ctx *ctx, const char *in, size_t len,
    const char *name, struct pkit_jwe **out);

/* 1 when the first recipient uses a PBES2 algorithm (needs a password). */
int pkit_jwe_needs_password(const struct pkit_jwe *jwe);

/* Decrypt with key (or password for PBES2).  The plaintext may be a
 * secret: free it with pkit_secret_free(*pt, *len). */
int pkit_jwe_decrypt(struct pkit_ctx *ctx, const struct pkit_jwe *jwe,
    const struct pkit_jwk_key *key, const char *password,
    unsigned char **pt, size_t *len);

void pkit_jwe_free(struct pkit_jwe *jwe);

/* 0 when alg (a key management algorithm) suits key. */
int pkit_jwe_alg_check(struct pkit_ctx *ctx, const struct pkit_jwk_key *key,
    const char *alg);

/* {"header": ..., "encrypted_key": ..., "iv": ..., "ciphertext": ...,
 * "tag": ...} of the first recipient, for inspection. */
int pkit_jwe_to_inspect(struct pkit_ctx *ctx, const struct pkit_jwe *jwe,
    json_t **out);

#endif

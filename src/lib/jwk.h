/* jwk.h - JSON Web Keys (RFC 7517) to and from OpenSSL keys.
 * (Contract for the JOSE work; implemented in jwk.c.) */
#ifndef PKIT_JWK_H
#define PKIT_JWK_H

#include <jansson.h>
#include <openssl/evp.h>

#include "err.h"

/* The JWK of key: public members only, or with the private ones when
 * with_private is set (then the JSON holds secrets: wipe before freeing,
 * see pkit_jwk_free()). */
int pkit_jwk_from_key(struct pkit_ctx *ctx, EVP_PKEY *key, int with_private,
    json_t **out);

/* The key a JWK describes (EC, RSA, OKP; public or private). */
int pkit_jwk_to_key(struct pkit_ctx *ctx, const json_t *jwk, EVP_PKEY **out);

/* RFC 7638 SHA-256 thumbprint of a JWK, base64url without padding. */
int pkit_jwk_thumbprint(struct pkit_ctx *ctx, const json_t *jwk, char **out);

/* Wipe the string members of a JWK that hold secrets, then decref it. */
void pkit_jwk_free(json_t *jwk);

#endif

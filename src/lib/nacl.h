/* nacl.h - the NaCl primitives of libsodium, as step's `crypto nacl` uses
 * them: crypto_box (X25519-XSalsa20-Poly1305), crypto_secretbox
 * (XSalsa20-Poly1305), crypto_sign (Ed25519, combined mode) and
 * crypto_auth (HMAC-SHA-512-256).
 *
 * Keys are raw bytes of a fixed size.  Outputs are malloc'd; plaintexts
 * are secret and freed with pkit_secret_free(buf, len).
 */
#ifndef PKIT_NACL_H
#define PKIT_NACL_H

#include <stddef.h>

#include "err.h"

#define PKIT_NACL_NONCE_BYTES 24	/* box and secretbox */
#define PKIT_NACL_BOX_PUBLIC_BYTES 32
#define PKIT_NACL_BOX_SECRET_BYTES 32
#define PKIT_NACL_BOX_MAC_BYTES 16
#define PKIT_NACL_SECRETBOX_KEY_BYTES 32
#define PKIT_NACL_SECRETBOX_MAC_BYTES 16
#define PKIT_NACL_SIGN_PUBLIC_BYTES 32
#define PKIT_NACL_SIGN_SECRET_BYTES 64	/* seed || public key */
#define PKIT_NACL_SIGN_BYTES 64
#define PKIT_NACL_AUTH_KEY_BYTES 32
#define PKIT_NACL_AUTH_BYTES 32

/* The nonce from a command-line word, as step reads it: the bytes of the
 * string (a "string:" prefix is dropped), or "base64:" and standard padded
 * base64.  It must be 1 to 24 bytes; shorter ones are padded with zeros. */
int pkit_nacl_nonce(struct pkit_ctx *ctx, const char *arg,
    unsigned char nonce[PKIT_NACL_NONCE_BYTES]);

/* Read a raw key of exactly size bytes from path into out; what ("box
 * public key" ...) names it in errors. */
int pkit_nacl_key_read(struct pkit_ctx *ctx, const char *path,
    const char *what, unsigned char *out, size_t size);

/* New X25519 key pair for box. */
int pkit_nacl_box_keypair(struct pkit_ctx *ctx,
    unsigned char pub[PKIT_NACL_BOX_PUBLIC_BYTES],
    unsigned char priv[PKIT_NACL_BOX_SECRET_BYTES]);
/* crypto_box_easy: MAC || ciphertext of msg, from priv to peer_pub. */
int pkit_nacl_box_seal(struct pkit_ctx *ctx, const unsigned char *msg,
    size_t len, const unsigned char nonce[PKIT_NACL_NONCE_BYTES],
    const unsigned char *peer_pub, const unsigned char *priv,
    unsigned char **out, size_t *outlen);
/* crypto_box_open_easy; PKIT_ERR_VERIFY when the box does not open. */
int pkit_nacl_box_open(struct pkit_ctx *ctx, const unsigned char *box,
    size_t len, const unsigned char nonce[PKIT_NACL_NONCE_BYTES],
    const unsigned char *peer_pub, const unsigned char *priv,
    unsigned char **out, size_t *outlen);

/* crypto_secretbox_easy with a 32-byte key. */
int pkit_nacl_secretbox_seal(struct pkit_ctx *ctx, const unsigned char *msg,
    size_t len, const unsigned char nonce[PKIT_NACL_NONCE_BYTES],
    const unsigned char *key, unsigned char **out, size_t *outlen);
/* crypto_secretbox_open_easy; PKIT_ERR_VERIFY when it does not open. */
int pkit_nacl_secretbox_open(struct pkit_ctx *ctx, const unsigned char *box,
    size_t len, const unsigned char nonce[PKIT_NACL_NONCE_BYTES],
    const unsigned char *key, unsigned char **out, size_t *outlen);

/* New Ed25519 key pair for sign (the private key is seed || public). */
int pkit_nacl_sign_keypair(struct pkit_ctx *ctx,
    unsigned char pub[PKIT_NACL_SIGN_PUBLIC_BYTES],
    unsigned char priv[PKIT_NACL_SIGN_SECRET_BYTES]);
/* crypto_sign: the signed message, signature || msg. */
int pkit_nacl_sign(struct pkit_ctx *ctx, const unsigned char *msg,
    size_t len, const unsigned char *priv, unsigned char **out,
    size_t *outlen);
/* crypto_sign_open: the message inside a signed message; PKIT_ERR_VERIFY
 * when the signature is bad. */
int pkit_nacl_sign_open(struct pkit_ctx *ctx, const unsigned char *sm,
    size_t len, const unsigned char *pub, unsigned char **out,
    size_t *outlen);

/* crypto_auth: the 32-byte authenticator of msg under key. */
int pkit_nacl_auth(struct pkit_ctx *ctx, const unsigned char *msg,
    size_t len, const unsigned char *key,
    unsigned char tag[PKIT_NACL_AUTH_BYTES]);
/* crypto_auth_verify; PKIT_ERR_VERIFY when tag does not match. */
int pkit_nacl_auth_verify(struct pkit_ctx *ctx, const unsigned char *msg,
    size_t len, const unsigned char *key,
    const unsigned char tag[PKIT_NACL_AUTH_BYTES]);

#endif

/* codec.h - text encodings of binary data: hex, base64 (four variants) and
 * base32.  Encoders return a NUL-terminated string (free with free());
 * decoders refuse bad characters and trailing garbage. */
#ifndef PKIT_CODEC_H
#define PKIT_CODEC_H

#include <stddef.h>

#include "err.h"

enum pkit_b64 {
	PKIT_B64_STD,		/* RFC 4648 §4 with '=' padding */
	PKIT_B64_STD_RAW,	/* §4 without padding */
	PKIT_B64_URL,		/* RFC 4648 §5 with padding */
	PKIT_B64_URL_RAW,	/* §5 without padding (JOSE) */
};

/* Lower-case hex; with sep non-zero, bytes are separated by it ("ab:cd"). */
int pkit_hex_encode(struct pkit_ctx *ctx, const unsigned char *in, size_t len,
    char sep, char **out);
/* Hex of either case, no separators; *out is malloc'd, *outlen its size. */
int pkit_hex_decode(struct pkit_ctx *ctx, const char *in, size_t len,
    unsigned char **out, size_t *outlen);

int pkit_b64_encode(struct pkit_ctx *ctx, enum pkit_b64 variant,
    const unsigned char *in, size_t len, char **out);
/* Decode; whitespace is not allowed unless it is a newline in STD forms. */
int pkit_b64_decode(struct pkit_ctx *ctx, enum pkit_b64 variant,
    const char *in, size_t len, unsigned char **out, size_t *outlen);

/* Encode data that is not secret (JOSE headers, payloads, signatures):
 * the output of pkit_b64_encode(), faster, not constant-time. */
int pkit_b64_encode_public(struct pkit_ctx *ctx, enum pkit_b64 variant,
    const unsigned char *in, size_t len, char **out);

/* Decode base64 that is not secret (JOSE headers, payloads, signatures):
 * several times faster than pkit_b64_decode(), not constant-time.  The same
 * strictness: no whitespace, no bad characters, zero trailing bits. */
int pkit_b64_decode_public(struct pkit_ctx *ctx, enum pkit_b64 variant,
    const char *in, size_t len, unsigned char **out, size_t *outlen);

/* RFC 4648 base32 (upper case, '=' padding optional on decode; case and
 * spaces ignored on decode, as authenticator apps print secrets). */
int pkit_b32_encode(struct pkit_ctx *ctx, const unsigned char *in, size_t len,
    int pad, char **out);
int pkit_b32_decode(struct pkit_ctx *ctx, const char *in, size_t len,
    unsigned char **out, size_t *outlen);

#endif

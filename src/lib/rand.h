/* rand.h - random strings, bytes and UUIDs from libsodium's generator.
 *
 * Characters are drawn with randombytes_uniform(), which rejects the
 * values that would bias the result, so every character of the alphabet
 * is equally likely.
 */
#ifndef PKIT_RAND_H
#define PKIT_RAND_H

#include <stddef.h>

#include "err.h"

/* Lengths are 1 .. PKIT_RAND_MAX (characters, or bytes for the raw and
 * base64 formats). */
#define PKIT_RAND_MAX (1024u * 1024)
/* "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx" without its NUL. */
#define PKIT_UUID_LEN 36

/* Formats by name: ascii (the 94 printable characters), alphanumeric,
 * alphabet, hex, dec, lower, upper (characters from those sets), raw
 * (bytes), base64 and base64url (that many bytes, encoded; base64 with
 * '=' padding, base64url without), uuid (a version 4 UUID; len unused).
 * The result is NUL-terminated one past *outlen; free it with free(). */
int pkit_rand_string(struct pkit_ctx *ctx, const char *format, size_t len,
    unsigned char **out, size_t *outlen);

/* len characters drawn uniformly from alphabet (2 .. 256 distinct
 * characters), NUL-terminated. */
int pkit_rand_chars(struct pkit_ctx *ctx, const char *alphabet, size_t len,
    char **out);

/* A random (version 4, RFC 9562) UUID in lower case into out. */
int pkit_rand_uuid(struct pkit_ctx *ctx, char out[PKIT_UUID_LEN + 1]);

#endif

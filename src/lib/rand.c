/* rand.c - random strings, bytes and UUIDs from libsodium's generator. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "codec.h"
#include "rand.h"
#include "secret.h"

static const char ascii[] =
    "!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`"
    "abcdefghijklmnopqrstuvwxyz{|}~";

static const struct {
	const char *name;
	const char *alphabet;
} alphabets[] = {
	{ "ascii", ascii },
	{ "alphanumeric", "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz" },
	{ "alphabet", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" },
	{ "hex", "0123456789abcdef" },
	{ "dec", "0123456789" },
	{ "lower", "abcdefghijklmnopqrstuvwxyz" },
	{ "upper", "ABCDEFGHIJKLMNOPQRSTUVWXYZ" },
};

int
pkit_rand_chars(struct pkit_ctx *ctx, const char *alphabet, size_t len,
    char **out)
{
	size_t i, n = strlen(alphabet);
	char *s;

	*out = NULL;
	if (n < 2 || n > 256)
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "random string: alphabet of %zu characters", n);
	if (len < 1 || len > PKIT_RAND_MAX)
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "random string: length %zu is not between 1 and %u", len,
		    PKIT_RAND_MAX);
	if ((s = malloc(len + 1)) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "random string");
	for (i = 0; i < len; i++)
		s[i] = alphabet[randombytes_uniform((uint32_t)n)];
	s[len] = '\0';
	*out = s;
	return PKIT_OK;
}

int
pkit_rand_uuid(struct pkit_ctx *ctx, char out[PKIT_UUID_LEN + 1])
{
	unsigned char b[16];
	char hex[33];

	(void)ctx;
	randombytes_buf(b, sizeof(b));
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);	/* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);	/* variant 10 */
	sodium_bin2hex(hex, sizeof(hex), b, sizeof(b));
	snprintf(out, PKIT_UUID_LEN + 1, "%.8s-%.4s-%.4s-%.4s-%.12s", hex,
	    hex + 8, hex + 12, hex + 16, hex + 20);
	sodium_memzero(b, sizeof(b));
	sodium_memzero(hex, sizeof(hex));
	return PKIT_OK;
}

/* len random bytes, NUL-terminated one past the end. */
static int
rand_bytes(struct pkit_ctx *ctx, size_t len, unsigned char **out)
{
	unsigned char *b;

	*out = NULL;
	if ((b = malloc(len + 1)) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "random bytes");
	randombytes_buf(b, len);
	b[len] = '\0';
	*out = b;
	return PKIT_OK;
}

static const char *
find_alphabet(const char *format)
{
	size_t i;

	for (i = 0; i < sizeof(alphabets) / sizeof(alphabets[0]); i++)
		if (strcmp(format, alphabets[i].name) == 0)
			return alphabets[i].alphabet;
	return NULL;
}

int
pkit_rand_string(struct pkit_ctx *ctx, const char *format, size_t len,
    unsigned char **out, size_t *outlen)
{
	const char *alphabet;
	unsigned char *b = NULL;
	char *s = NULL;
	size_t n;
	int r = PKIT_ERR_INTERNAL;

	*out = NULL;
	*outlen = 0;
	if (strcmp(format, "uuid") == 0) {
		if ((s = malloc(PKIT_UUID_LEN + 1)) == NULL) {
			r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "uuid");
			goto out;
		}
		if ((r = pkit_rand_uuid(ctx, s)) != 0)
			goto out;
		n = PKIT_UUID_LEN;
	} else if (len < 1 || len > PKIT_RAND_MAX) {
		r = pkit_seterr(ctx, PKIT_ERR_ARG,
		    "random string: length %zu is not between 1 and %u", len,
		    PKIT_RAND_MAX);
		goto out;
	} else if ((alphabet = find_alphabet(format)) != NULL) {
		if ((r = pkit_rand_chars(ctx, alphabet, len, &s)) != 0)
			goto out;
		n = len;
	} else if (strcmp(format, "raw") == 0) {
		if ((r = rand_bytes(ctx, len, &b)) != 0)
			goto out;
		s = (char *)b;
		b = NULL;
		n = len;
	} else if (strcmp(format, "base64") == 0 ||
	    strcmp(format, "base64url") == 0) {
		if ((r = rand_bytes(ctx, len, &b)) != 0 ||
		    (r = pkit_b64_encode(ctx, strcmp(format, "base64") == 0 ?
		    PKIT_B64_STD : PKIT_B64_URL_RAW, b, len, &s)) != 0)
			goto out;
		n = strlen(s);
	} else {
		r = pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED,
		    "%s: unknown random string format", format);
		goto out;
	}
	*out = (unsigned char *)s;
	*outlen = n;
	s = NULL;
	r = PKIT_OK;
out:
	if (b != NULL)
		pkit_secret_free(b, len);
	free(s);
	return r;
}

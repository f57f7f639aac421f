/* codec.c - hex and base64 through libsodium; base32 here (neither
 * OpenSSL nor libsodium has it). */
#include "config.h"

#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <sodium.h>

#include "codec.h"

int
pkit_hex_encode(struct pkit_ctx *ctx, const unsigned char *in, size_t len,
    char sep, char **out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i, n, j = 0;
	char *s;

	*out = NULL;
	n = sep ? (len == 0 ? 1 : len * 3) : len * 2 + 1;
	if (len > (SIZE_MAX - 1) / 3 || (s = malloc(n)) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "hex");
	for (i = 0; i < len; i++) {
		if (sep && i > 0)
			s[j++] = sep;
		s[j++] = digits[in[i] >> 4];
		s[j++] = digits[in[i] & 15];
	}
	s[j] = '\0';
	*out = s;
	return PKIT_OK;
}

int
pkit_hex_decode(struct pkit_ctx *ctx, const char *in, size_t len,
    unsigned char **out, size_t *outlen)
{
	unsigned char *b;
	size_t n = 0;
	const char *end;

	*out = NULL;
	*outlen = 0;
	if (len % 2 != 0)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "hex: odd length");
	if ((b = malloc(len / 2 + 1)) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "hex");
	if (sodium_hex2bin(b, len / 2 + 1, in, len, NULL, &n, &end) != 0 ||
	    end != in + len) {
		free(b);
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "hex: invalid character");
	}
	*out = b;
	*outlen = n;
	return PKIT_OK;
}

static int
sodium_variant(enum pkit_b64 v)
{
	switch (v) {
	case PKIT_B64_STD:	return sodium_base64_VARIANT_ORIGINAL;
	case PKIT_B64_STD_RAW:	return sodium_base64_VARIANT_ORIGINAL_NO_PADDING;
	case PKIT_B64_URL:	return sodium_base64_VARIANT_URLSAFE;
	case PKIT_B64_URL_RAW:	return sodium_base64_VARIANT_URLSAFE_NO_PADDING;
	}
	return sodium_base64_VARIANT_ORIGINAL;
}

int
pkit_b64_encode(struct pkit_ctx *ctx, enum pkit_b64 variant,
    const unsigned char *in, size_t len, char **out)
{
	int v = sodium_variant(variant);
	size_t n;
	char *s;

	*out = NULL;
	if (len > SIZE_MAX / 4 - 4)
		return pkit_seterr(ctx, PKIT_ERR_TOO_LARGE, "base64");
	n = sodium_base64_encoded_len(len, v);
	if ((s = malloc(n)) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "base64");
	sodium_bin2base64(s, n, in, len, v);
	*out = s;
	return PKIT_OK;
}

int
pkit_b64_decode(struct pkit_ctx *ctx, enum pkit_b64 variant,
    const char *in, size_t len, unsigned char **out, size_t *outlen)
{
	int v = sodium_variant(variant);
	const char *ignore = NULL, *end;
	unsigned char *b;
	size_t n = 0;

	*out = NULL;
	*outlen = 0;
	if (variant == PKIT_B64_STD || variant == PKIT_B64_STD_RAW)
		ignore = "\r\n";
	if ((b = malloc(len / 4 * 3 + 3)) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "base64");
	if (sodium_base642bin(b, len / 4 * 3 + 3, in, len, ignore, &n, &end,
	    v) != 0 || end != in + len) {
		sodium_memzero(b, len / 4 * 3 + 3);	/* may hold a secret */
		free(b);
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "base64: invalid encoding");
	}
	*out = b;
	*outlen = n;
	return PKIT_OK;
}

int
pkit_b64_encode_public(struct pkit_ctx *ctx, enum pkit_b64 variant,
    const unsigned char *in, size_t len, char **out)
{
	int url = variant == PKIT_B64_URL || variant == PKIT_B64_URL_RAW;
	int raw = variant == PKIT_B64_STD_RAW || variant == PKIT_B64_URL_RAW;
	size_t n, i;
	char *s;

	*out = NULL;
	if (len > (size_t)INT_MAX / 4 * 3 - 3)
		return pkit_seterr(ctx, PKIT_ERR_TOO_LARGE, "base64");
	n = (len + 2) / 3 * 4;
	if ((s = malloc(n + 1)) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "base64");
	if (EVP_EncodeBlock((unsigned char *)s, in, (int)len) != (int)n) {
		free(s);
		return pkit_seterr(ctx, PKIT_ERR_INTERNAL, "base64");
	}
	if (raw)
		while (n > 0 && s[n - 1] == '=')
			n--;
	s[n] = '\0';
	for (i = 0; url && i < n; i++) {
		if (s[i] == '+')
			s[i] = '-';
		else if (s[i] == '/')
			s[i] = '_';
	}
	*out = s;
	return PKIT_OK;
}

int
pkit_b64_decode_public(struct pkit_ctx *ctx, enum pkit_b64 variant,
    const char *in, size_t len, unsigned char **out, size_t *outlen)
{
	int url = variant == PKIT_B64_URL || variant == PKIT_B64_URL_RAW;
	unsigned char *t = NULL, *b = NULL;
	size_t i, n, rem, full;
	int got;

	*out = NULL;
	*outlen = 0;
	if (variant == PKIT_B64_STD || variant == PKIT_B64_URL) {
		if (len % 4 != 0)
			goto bad;
		for (i = 0; i < 2 && len > 0 && in[len - 1] == '='; i++)
			len--;
	}
	if ((rem = len % 4) == 1 || len > SIZE_MAX / 2)
		goto bad;
	n = len + (rem ? 4 - rem : 0);
	if ((t = malloc(n + 1)) == NULL ||
	    (b = malloc(n / 4 * 3 + 1)) == NULL) {
		free(t);
		free(b);
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "base64");
	}
	/* OpenSSL decodes the standard alphabet: map the URL one onto it
	 * and pad with 'A' (zero bits), refusing anything else. */
	for (i = 0; i < len; i++) {
		char c = in[i];

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9'))
			t[i] = (unsigned char)c;
		else if (c == (url ? '-' : '+'))
			t[i] = '+';
		else if (c == (url ? '_' : '/'))
			t[i] = '/';
		else
			goto bad;
	}
	for (; i < n; i++)
		t[i] = 'A';
	t[n] = '\0';
	if (n > INT_MAX || (got = EVP_DecodeBlock(b, t, (int)n)) < 0 ||
	    (size_t)got != n / 4 * 3)
		goto bad;
	/* The bytes the padding made must be zero: no stray trailing bits. */
	full = n / 4 * 3 - (rem ? 3 - (rem - 1) : 0);
	for (i = full; i < n / 4 * 3; i++)
		if (b[i] != 0)
			goto bad;
	free(t);
	*out = b;
	*outlen = full;
	return PKIT_OK;
bad:
	free(t);
	free(b);
	return pkit_seterr(ctx, PKIT_ERR_FORMAT, "base64: invalid encoding");
}

static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

int
pkit_b32_encode(struct pkit_ctx *ctx, const unsigned char *in, size_t len,
    int pad, char **out)
{
	size_t i, j = 0, n = (len + 4) / 5 * 8 + 1;
	unsigned buf = 0;
	int bits = 0;
	char *s;

	*out = NULL;
	if (len > SIZE_MAX / 2 || (s = malloc(n)) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "base32");
	for (i = 0; i < len; i++) {
		buf = (buf << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			s[j++] = b32[(buf >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0)
		s[j++] = b32[(buf << (5 - bits)) & 31];
	while (pad && j % 8 != 0)
		s[j++] = '=';
	s[j] = '\0';
	*out = s;
	return PKIT_OK;
}

int
pkit_b32_decode(struct pkit_ctx *ctx, const char *in, size_t len,
    unsigned char **out, size_t *outlen)
{
	unsigned char *b;
	unsigned buf = 0;
	size_t i, n = 0;
	int bits = 0, padding = 0;

	*out = NULL;
	*outlen = 0;
	if ((b = malloc(len * 5 / 8 + 1)) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "base32");
	for (i = 0; i < len; i++) {
		int c = toupper((unsigned char)in[i]);
		const char *p;

		if (c == ' ')
			continue;
		if (c == '=') {
			padding = 1;
			continue;
		}
		if (padding || c == '\0' || (p = strchr(b32, c)) == NULL) {
			free(b);
			return pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "base32: invalid character");
		}
		buf = (buf << 5) | (unsigned)(p - b32);
		bits += 5;
		if (bits >= 8) {
			b[n++] = (unsigned char)(buf >> (bits - 8));
			bits -= 8;
		}
		buf &= 0xff;
	}
	*out = b;
	*outlen = n;
	return PKIT_OK;
}

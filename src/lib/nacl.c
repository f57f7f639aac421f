/* nacl.c - crypto_box, crypto_secretbox, crypto_sign and crypto_auth from
 * libsodium, with the sizes checked and every secret wiped. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "codec.h"
#include "fs.h"
#include "nacl.h"
#include "secret.h"

_Static_assert(PKIT_NACL_NONCE_BYTES == crypto_box_NONCEBYTES, "box nonce");
_Static_assert(PKIT_NACL_NONCE_BYTES == crypto_secretbox_NONCEBYTES,
    "secretbox nonce");
_Static_assert(PKIT_NACL_BOX_PUBLIC_BYTES == crypto_box_PUBLICKEYBYTES,
    "box public key");
_Static_assert(PKIT_NACL_BOX_SECRET_BYTES == crypto_box_SECRETKEYBYTES,
    "box secret key");
_Static_assert(PKIT_NACL_BOX_MAC_BYTES == crypto_box_MACBYTES, "box mac");
_Static_assert(PKIT_NACL_SECRETBOX_KEY_BYTES == crypto_secretbox_KEYBYTES,
    "secretbox key");
_Static_assert(PKIT_NACL_SECRETBOX_MAC_BYTES == crypto_secretbox_MACBYTES,
    "secretbox mac");
_Static_assert(PKIT_NACL_BOX_MAC_BYTES == PKIT_NACL_SECRETBOX_MAC_BYTES,
    "one seal() and open_box() for both");
_Static_assert(PKIT_NACL_SIGN_PUBLIC_BYTES == crypto_sign_PUBLICKEYBYTES,
    "sign public key");
_Static_assert(PKIT_NACL_SIGN_SECRET_BYTES == crypto_sign_SECRETKEYBYTES,
    "sign secret key");
_Static_assert(PKIT_NACL_SIGN_BYTES == crypto_sign_BYTES, "signature");
_Static_assert(PKIT_NACL_AUTH_KEY_BYTES == crypto_auth_KEYBYTES, "auth key");
_Static_assert(PKIT_NACL_AUTH_BYTES == crypto_auth_BYTES, "auth tag");

/* Messages larger than this are refused before any size arithmetic. */
#define NACL_MSG_MAX (SIZE_MAX / 2)

int
pkit_nacl_nonce(struct pkit_ctx *ctx, const char *arg,
    unsigned char nonce[PKIT_NACL_NONCE_BYTES])
{
	unsigned char *raw = NULL;
	size_t n = 0;

	if (strncmp(arg, "base64:", 7) == 0) {
		const char *b = arg + 7;

		if (pkit_b64_decode(ctx, PKIT_B64_STD, b, strlen(b), &raw,
		    &n) != 0)
			return pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "nonce '%s': not valid standard base64", arg);
		if (n == 0 || n > PKIT_NACL_NONCE_BYTES) {
			free(raw);
			return pkit_seterr(ctx, PKIT_ERR_ARG,
			    "nonce '%s': %zu bytes, must be 1 to %d", arg, n,
			    PKIT_NACL_NONCE_BYTES);
		}
		memset(nonce, 0, PKIT_NACL_NONCE_BYTES);
		memcpy(nonce, raw, n);
		free(raw);
		return PKIT_OK;
	}
	if (strncmp(arg, "string:", 7) == 0)
		arg += 7;
	n = strlen(arg);
	if (n == 0 || n > PKIT_NACL_NONCE_BYTES)
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "nonce '%s': %zu bytes, must be 1 to %d", arg, n,
		    PKIT_NACL_NONCE_BYTES);
	memset(nonce, 0, PKIT_NACL_NONCE_BYTES);
	memcpy(nonce, arg, n);
	return PKIT_OK;
}

int
pkit_nacl_key_read(struct pkit_ctx *ctx, const char *path, const char *what,
    unsigned char *out, size_t size)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	int r;

	if (strcmp(path, "-") == 0)
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "%s: the %s must be a file (standard input is the message)",
		    path, what);
	/* Read one byte more than wanted, so that a longer file is told
	 * apart from a truncated read. */
	if ((r = pkit_file_read(ctx, path, size + 1, &buf, &len)) != 0) {
		if (r == PKIT_ERR_TOO_LARGE)
			return pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "%s: not a %s: larger than %zu bytes", path, what,
			    size);
		return r;
	}
	if (len != size) {
		pkit_secret_free(buf, len + 1);
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: not a %s: %zu bytes, expected %zu", path, what, len,
		    size);
	}
	memcpy(out, buf, size);
	pkit_secret_free(buf, len + 1);
	return PKIT_OK;
}

/* A buffer of n bytes plus a NUL, so that text plaintexts can be used as
 * strings. */
static unsigned char *
alloc_out(size_t n)
{
	unsigned char *p;

	if ((p = malloc(n + 1)) == NULL)
		return NULL;
	p[n] = '\0';
	return p;
}

int
pkit_nacl_box_keypair(struct pkit_ctx *ctx,
    unsigned char pub[PKIT_NACL_BOX_PUBLIC_BYTES],
    unsigned char priv[PKIT_NACL_BOX_SECRET_BYTES])
{
	if (crypto_box_keypair(pub, priv) != 0)
		return pkit_seterr(ctx, PKIT_ERR_CRYPTO,
		    "crypto_box_keypair failed");
	return PKIT_OK;
}

/* box (with peer_pub) or secretbox (without, key alone): the MAC and the
 * ciphertext of msg; what names it in errors. */
static int
seal(struct pkit_ctx *ctx, const char *what, const unsigned char *msg,
    size_t len, const unsigned char nonce[PKIT_NACL_NONCE_BYTES],
    const unsigned char *peer_pub, const unsigned char *key,
    unsigned char **out, size_t *outlen)
{
	unsigned char *c;

	*out = NULL;
	*outlen = 0;
	if (len > NACL_MSG_MAX)
		return pkit_seterr(ctx, PKIT_ERR_TOO_LARGE, "%s: message",
		    what);
	if ((c = alloc_out(len + PKIT_NACL_BOX_MAC_BYTES)) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", what);
	if (peer_pub != NULL ?
	    crypto_box_easy(c, msg, len, nonce, peer_pub, key) != 0 :
	    crypto_secretbox_easy(c, msg, len, nonce, key) != 0) {
		free(c);
		if (peer_pub != NULL)
			return pkit_seterr(ctx, PKIT_ERR_CRYPTO,
			    "box: cannot seal with this public key");
		return pkit_seterr(ctx, PKIT_ERR_CRYPTO,
		    "crypto_secretbox_easy failed");
	}
	*out = c;
	*outlen = len + PKIT_NACL_BOX_MAC_BYTES;
	return PKIT_OK;
}

/* The other way of seal(). */
static int
open_box(struct pkit_ctx *ctx, const char *what, const unsigned char *box,
    size_t len, const unsigned char nonce[PKIT_NACL_NONCE_BYTES],
    const unsigned char *peer_pub, const unsigned char *key,
    unsigned char **out, size_t *outlen)
{
	unsigned char *m;
	size_t n;

	*out = NULL;
	*outlen = 0;
	if (len < PKIT_NACL_BOX_MAC_BYTES)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: %zu bytes is too short to be a box", what, len);
	n = len - PKIT_NACL_BOX_MAC_BYTES;
	if ((m = alloc_out(n)) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", what);
	if (peer_pub != NULL ?
	    crypto_box_open_easy(m, box, len, nonce, peer_pub, key) != 0 :
	    crypto_secretbox_open_easy(m, box, len, nonce, key) != 0) {
		pkit_secret_free(m, n + 1);
		return pkit_seterr(ctx, PKIT_ERR_VERIFY,
		    "%s: cannot authenticate or decrypt (wrong key or nonce, "
		    "or altered data)", what);
	}
	*out = m;
	*outlen = n;
	return PKIT_OK;
}

int
pkit_nacl_box_seal(struct pkit_ctx *ctx, const unsigned char *msg,
    size_t len, const unsigned char nonce[PKIT_NACL_NONCE_BYTES],
    const unsigned char *peer_pub, const unsigned char *priv,
    unsigned char **out, size_t *outlen)
{
	return seal(ctx, "box", msg, len, nonce, peer_pub, priv, out, outlen);
}

int
pkit_nacl_box_open(struct pkit_ctx *ctx, const unsigned char *box,
    size_t len, const unsigned char nonce[PKIT_NACL_NONCE_BYTES],
    const unsigned char *peer_pub, const unsigned char *priv,
    unsigned char **out, size_t *outlen)
{
	return open_box(ctx, "box", box, len, nonce, peer_pub, priv, out,
	    outlen);
}

int
pkit_nacl_secretbox_seal(struct pkit_ctx *ctx, const unsigned char *msg,
    size_t len, const unsigned char nonce[PKIT_NACL_NONCE_BYTES],
    const unsigned char *key, unsigned char **out, size_t *outlen)
{
	return seal(ctx, "secretbox", msg, len, nonce, NULL, key, out, outlen);
}

int
pkit_nacl_secretbox_open(struct pkit_ctx *ctx, const unsigned char *box,
    size_t len, const unsigned char nonce[PKIT_NACL_NONCE_BYTES],
    const unsigned char *key, unsigned char **out, size_t *outlen)
{
	return open_box(ctx, "secretbox", box, len, nonce, NULL, key, out,
	    outlen);
}

int
pkit_nacl_sign_keypair(struct pkit_ctx *ctx,
    unsigned char pub[PKIT_NACL_SIGN_PUBLIC_BYTES],
    unsigned char priv[PKIT_NACL_SIGN_SECRET_BYTES])
{
	if (crypto_sign_keypair(pub, priv) != 0)
		return pkit_seterr(ctx, PKIT_ERR_CRYPTO,
		    "crypto_sign_keypair failed");
	return PKIT_OK;
}

int
pkit_nacl_sign(struct pkit_ctx *ctx, const unsigned char *msg, size_t len,
    const unsigned char *priv, unsigned char **out, size_t *outlen)
{
	unsigned long long n = 0;
	unsigned char *sm;

	*out = NULL;
	*outlen = 0;
	if (len > NACL_MSG_MAX)
		return pkit_seterr(ctx, PKIT_ERR_TOO_LARGE, "sign: message");
	if ((sm = alloc_out(len + crypto_sign_BYTES)) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "sign");
	if (crypto_sign(sm, &n, msg, len, priv) != 0 ||
	    n != len + crypto_sign_BYTES) {
		free(sm);
		return pkit_seterr(ctx, PKIT_ERR_CRYPTO, "crypto_sign failed");
	}
	*out = sm;
	*outlen = (size_t)n;
	return PKIT_OK;
}

int
pkit_nacl_sign_open(struct pkit_ctx *ctx, const unsigned char *sm,
    size_t len, const unsigned char *pub, unsigned char **out,
    size_t *outlen)
{
	unsigned long long n = 0;
	unsigned char *m;

	*out = NULL;
	*outlen = 0;
	if (len < crypto_sign_BYTES)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "sign: %zu bytes is too short to be a signed message", len);
	if ((m = alloc_out(len - crypto_sign_BYTES)) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "sign");
	if (crypto_sign_open(m, &n, sm, len, pub) != 0) {
		free(m);
		return pkit_seterr(ctx, PKIT_ERR_VERIFY,
		    "sign: the signature does not verify");
	}
	*out = m;
	*outlen = (size_t)n;
	return PKIT_OK;
}

int
pkit_nacl_auth(struct pkit_ctx *ctx, const unsigned char *msg, size_t len,
    const unsigned char *key, unsigned char tag[PKIT_NACL_AUTH_BYTES])
{
	if (crypto_auth(tag, msg, len, key) != 0)
		return pkit_seterr(ctx, PKIT_ERR_CRYPTO, "crypto_auth failed");
	return PKIT_OK;
}

int
pkit_nacl_auth_verify(struct pkit_ctx *ctx, const unsigned char *msg,
    size_t len, const unsigned char *key,
    const unsigned char tag[PKIT_NACL_AUTH_BYTES])
{
	if (crypto_auth_verify(tag, msg, len, key) != 0)
		return pkit_seterr(ctx, PKIT_ERR_VERIFY,
		    "auth: the authenticator does not match");
	return PKIT_OK;
}

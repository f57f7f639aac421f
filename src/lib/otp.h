/* otp.h - one-time passwords: HOTP (RFC 4226) and TOTP (RFC 6238).
 *
 * The HMAC is OpenSSL's EVP_MAC.  The clock is always a parameter, so that
 * callers (and tests) decide what "now" is: the command layer passes
 * pkit_now(ctx).  Secrets are held in a struct pkit_otp, which wipes them
 * when freed.
 */
#ifndef PKIT_OTP_H
#define PKIT_OTP_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

enum pkit_otp_alg {
	PKIT_OTP_SHA1 = 0,
	PKIT_OTP_SHA256,
	PKIT_OTP_SHA512,
};

/* Code lengths accepted in keys, URLs and commands (authenticator apps
 * show 6 or 8 digits). */
#define PKIT_OTP_DIGITS_MIN 6
#define PKIT_OTP_DIGITS_MAX 8
/* pkit_hotp() itself goes up to 10 digits, the whole 31-bit value. */
#define PKIT_HOTP_DIGITS_MAX 10
#define PKIT_OTP_PERIOD_MAX 86400
/* Generated secrets: RFC 4226 asks for at least 128 bits. */
#define PKIT_OTP_SECRET_MIN 16
#define PKIT_OTP_SECRET_MAX 128
/* The largest time step skew accepted at all (above 1 needs --insecure). */
#define PKIT_OTP_SKEW_MAX 10

/* A TOTP key with its parameters, as in an otpauth:// URL. */
struct pkit_otp {
	enum pkit_otp_alg alg;	/* default SHA1 */
	int digits;		/* default 6 */
	unsigned period;	/* seconds, default 30 */
	unsigned char *secret;	/* the shared secret, wiped on free */
	size_t secret_len;
	char *issuer;		/* label parts, NULL when absent */
	char *account;
};

/* Parse "SHA1", "SHA256" or "SHA512" (any case) into *alg. */
int pkit_otp_alg_parse(struct pkit_ctx *ctx, const char *name,
    enum pkit_otp_alg *alg);
/* The URL spelling of alg: "SHA1", "SHA256" or "SHA512". */
const char *pkit_otp_alg_name(enum pkit_otp_alg alg);

/* HOTP value for counter as a NUL-terminated string of digits (6 to
 * PKIT_HOTP_DIGITS_MAX) with leading zeros; out must hold digits + 1. */
int pkit_hotp(struct pkit_ctx *ctx, enum pkit_otp_alg alg,
    const unsigned char *key, size_t keylen, uint64_t counter, int digits,
    char *out, size_t outsize);

/* TOTP value at Unix time t (t >= 0) with the given period in seconds. */
int pkit_totp(struct pkit_ctx *ctx, enum pkit_otp_alg alg,
    const unsigned char *key, size_t keylen, int64_t t, unsigned period,
    int digits, char *out, size_t outsize);

/* A new key with a random secret of secret_size bytes and the default
 * parameters (SHA1, 6 digits, 30 seconds). */
int pkit_otp_generate(struct pkit_ctx *ctx, size_t secret_size,
    struct pkit_otp **out);

/* Parse a key file's text: a base32 secret, or an otpauth://totp/ URL whose
 * secret, issuer, algorithm, digits and period are taken.  name (the file
 * name) is used in error messages.  Surrounding whitespace is ignored. */
int pkit_otp_parse(struct pkit_ctx *ctx, const char *name, const char *text,
    size_t len, struct pkit_otp **out);

/* Set the issuer and account of the label (copies; either may be NULL). */
int pkit_otp_set_label(struct pkit_ctx *ctx, struct pkit_otp *k,
    const char *issuer, const char *account);

/* The secret in unpadded base32, as authenticator apps take it. */
int pkit_otp_secret_b32(struct pkit_ctx *ctx, const struct pkit_otp *k,
    char **out);

/* The key URI: otpauth://totp/<issuer>:<account>?secret=..&issuer=..
 * &algorithm=..&digits=..&period=.. with labels percent-encoded.  Needs an
 * account.  Free the result with pkit_secret_strfree(). */
int pkit_otp_url(struct pkit_ctx *ctx, const struct pkit_otp *k, char **out);

/* Check code at Unix time t, allowing skew periods before and after.
 * PKIT_ERR_VERIFY when it does not match, PKIT_ERR_FORMAT when code is not
 * k->digits decimal digits.  Every window is compared in constant time. */
int pkit_totp_verify(struct pkit_ctx *ctx, const struct pkit_otp *k,
    const char *code, int64_t t, unsigned skew);

/* Wipe and free a key; NULL is a no-op. */
void pkit_otp_free(struct pkit_otp *k);

#endif

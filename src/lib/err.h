/* err.h - error codes and the per-call context of libpkit.
 *
 * Every library function that can fail returns an int from enum pkit_err:
 * 0 on success, a negative code otherwise.  The detail ("which file", "what
 * was wrong with it") is left in ctx->errbuf; pkit_ctx_errmsg() returns it.
 * Codes are appended only and never renumbered.
 */
#ifndef PKIT_ERR_H
#define PKIT_ERR_H

#include <stdarg.h>
#include <stddef.h>
#include <time.h>

#include <openssl/types.h>

enum pkit_err {
	PKIT_OK = 0,
	PKIT_ERR_INTERNAL = -1,	/* a bug: an invariant did not hold */
	PKIT_ERR_NOMEM = -2,	/* allocation failed */
	PKIT_ERR_SYSTEM = -3,	/* a system call failed; errno is in the message */
	PKIT_ERR_CRYPTO = -4,	/* OpenSSL/libsodium failed; its queue is in the message */
	PKIT_ERR_FORMAT = -5,	/* malformed input: PEM, DER, JSON, base64 ... */
	PKIT_ERR_ARG = -6,	/* a value the caller passed is not acceptable */
	PKIT_ERR_VERIFY = -7,	/* a signature, MAC or code did not verify */
	PKIT_ERR_EXPIRED = -8,	/* outside its validity window */
	PKIT_ERR_NOT_FOUND = -9,	/* no such file, key, entry */
	PKIT_ERR_PERM = -10,	/* file permissions are unsafe or access denied */
	PKIT_ERR_EXISTS = -11,	/* refusing to overwrite */
	PKIT_ERR_PASSWORD = -12,	/* wrong password, or none given for an encrypted input */
	PKIT_ERR_UNSUPPORTED = -13,	/* algorithm or format not supported */
	PKIT_ERR_NO_TTY = -14,	/* a prompt was needed but there is no terminal */
	PKIT_ERR_NET = -15,	/* network or HTTP failure */
	PKIT_ERR_DB = -16,	/* database failure */
	PKIT_ERR_TOO_LARGE = -17,	/* input over its size limit */
	PKIT_ERR_INSECURE = -18,	/* refused as insecure without --insecure */
	PKIT_ERR_USAGE = -19,	/* command-line usage error (exit 2) */
	PKIT_ERR_MISMATCH = -20,	/* two things that must agree do not (passwords, key/cert) */
};

/* The per-call context: library handles, the clock and the error buffer. */
struct pkit_ctx {
	OSSL_LIB_CTX *libctx;	/* NULL means OpenSSL's default context */
	const char *propq;	/* property query for fetches, may be NULL */
	time_t fixed_now;	/* when non-zero, pkit_now() returns it (tests) */
	int err;		/* last error code set */
	char errbuf[1024];	/* detail of the last error */
};

/* Initialise a context with defaults. */
void pkit_ctx_init(struct pkit_ctx *ctx);
/* Release what the context holds (not the struct itself). */
void pkit_ctx_release(struct pkit_ctx *ctx);

/* Current time, honouring ctx->fixed_now. */
time_t pkit_now(const struct pkit_ctx *ctx);

/* Record an error with a printf-style detail and return the code, so that
 * callers can write: return pkit_seterr(ctx, PKIT_ERR_FORMAT, "no PEM block"); */
int pkit_seterr(struct pkit_ctx *ctx, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* As pkit_seterr(), appending the first OpenSSL error reason when the queue
 * holds one, and clearing the queue. */
int pkit_seterr_ssl(struct pkit_ctx *ctx, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* PKIT_ERR_NOMEM with "out of memory". */
int pkit_seterr_nomem(struct pkit_ctx *ctx);

/* As pkit_seterr(), appending strerror(errno). */
int pkit_seterr_sys(struct pkit_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Forget the last error. */
void pkit_clearerr(struct pkit_ctx *ctx);

/* Words for a code: "malformed input", "wrong password" ... */
const char *pkit_strerror(int code);

/* The detail of the last error, or pkit_strerror(code) when none was set. */
const char *pkit_ctx_errmsg(const struct pkit_ctx *ctx, int code);

#endif

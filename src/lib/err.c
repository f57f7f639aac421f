/* err.c - error codes, messages and the library context. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>

#include "err.h"

void
pkit_ctx_init(struct pkit_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
}

void
pkit_ctx_release(struct pkit_ctx *ctx)
{
	if (ctx == NULL)
		return;
	OSSL_LIB_CTX_free(ctx->libctx);
	ctx->libctx = NULL;
}

time_t
pkit_now(const struct pkit_ctx *ctx)
{
	if (ctx != NULL && ctx->fixed_now != 0)
		return ctx->fixed_now;
	return time(NULL);
}

static void
vset(struct pkit_ctx *ctx, int code, const char *fmt, va_list ap)
{
	ctx->err = code;
	vsnprintf(ctx->errbuf, sizeof(ctx->errbuf), fmt, ap);
}

static void
append(struct pkit_ctx *ctx, const char *s)
{
	size_t n = strlen(ctx->errbuf);

	if (s == NULL || *s == '\0' || n + 3 >= sizeof(ctx->errbuf))
		return;
	snprintf(ctx->errbuf + n, sizeof(ctx->errbuf) - n, "%s%s",
	    n > 0 ? ": " : "", s);
}

int
pkit_seterr(struct pkit_ctx *ctx, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(ctx, code, fmt, ap);
	va_end(ap);
	return code;
}

int
pkit_seterr_ssl(struct pkit_ctx *ctx, int code, const char *fmt, ...)
{
	va_list ap;
	unsigned long e;
	char reason[256];

	va_start(ap, fmt);
	vset(ctx, code, fmt, ap);
	va_end(ap);
	/* The last error pushed is the most specific one. */
	e = ERR_peek_last_error();
	if (e != 0) {
		const char *r = ERR_reason_error_string(e);

		if (r == NULL) {
			ERR_error_string_n(e, reason, sizeof(reason));
			r = reason;
		}
		append(ctx, r);
	}
	ERR_clear_error();
	return code;
}

int
pkit_seterr_nomem(struct pkit_ctx *ctx)
{
	return pkit_seterr(ctx, PKIT_ERR_NOMEM, "out of memory");
}

int
pkit_seterr_sys(struct pkit_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	vset(ctx, PKIT_ERR_SYSTEM, fmt, ap);
	va_end(ap);
	append(ctx, strerror(saved));
	errno = saved;
	return PKIT_ERR_SYSTEM;
}

void
pkit_clearerr(struct pkit_ctx *ctx)
{
	ctx->err = 0;
	ctx->errbuf[0] = '\0';
	ERR_clear_error();
}

const char *
pkit_strerror(int code)
{
	switch (code) {
	case PKIT_OK:			return "success";
	case PKIT_ERR_INTERNAL:		return "internal error";
	case PKIT_ERR_NOMEM:		return "out of memory";
	case PKIT_ERR_SYSTEM:		return "system error";
	case PKIT_ERR_CRYPTO:		return "cryptographic operation failed";
	case PKIT_ERR_FORMAT:		return "malformed input";
	case PKIT_ERR_ARG:		return "invalid argument";
	case PKIT_ERR_VERIFY:		return "verification failed";
	case PKIT_ERR_EXPIRED:		return "outside its validity period";
	case PKIT_ERR_NOT_FOUND:	return "not found";
	case PKIT_ERR_PERM:		return "permission denied";
	case PKIT_ERR_EXISTS:		return "already exists";
	case PKIT_ERR_PASSWORD:		return "wrong password";
	case PKIT_ERR_UNSUPPORTED:	return "not supported";
	case PKIT_ERR_NO_TTY:		return "no terminal to prompt on";
	case PKIT_ERR_NET:		return "network error";
	case PKIT_ERR_DB:		return "database error";
	case PKIT_ERR_TOO_LARGE:	return "input too large";
	case PKIT_ERR_INSECURE:		return "refused as insecure";
	case PKIT_ERR_USAGE:		return "usage error";
	case PKIT_ERR_MISMATCH:		return "values do not match";
	}
	return "unknown error";
}

const char *
pkit_ctx_errmsg(const struct pkit_ctx *ctx, int code)
{
	if (ctx != NULL && ctx->errbuf[0] != '\0')
		return ctx->errbuf;
	return pkit_strerror(code);
}

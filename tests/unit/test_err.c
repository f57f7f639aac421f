/* test_err.c - error codes, messages and the context. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "lib/err.h"

static void
test_strerror_covers_every_code(void **state)
{
	int code;

	(void)state;
	for (code = 0; code >= PKIT_ERR_MISMATCH; code--)
		assert_string_not_equal(pkit_strerror(code), "unknown error");
	assert_string_equal(pkit_strerror(-1000), "unknown error");
}

static void
test_seterr_returns_code_and_keeps_detail(void **state)
{
	struct pkit_ctx ctx;

	(void)state;
	pkit_ctx_init(&ctx);
	assert_int_equal(pkit_seterr(&ctx, PKIT_ERR_FORMAT, "%s: bad", "x.pem"),
	    PKIT_ERR_FORMAT);
	assert_string_equal(pkit_ctx_errmsg(&ctx, PKIT_ERR_FORMAT), "x.pem: bad");
	pkit_clearerr(&ctx);
	assert_string_equal(pkit_ctx_errmsg(&ctx, PKIT_ERR_FORMAT),
	    "malformed input");
	pkit_ctx_release(&ctx);
}

static void
test_seterr_ssl_drains_queue(void **state)
{
	struct pkit_ctx ctx;

	(void)state;
	pkit_ctx_init(&ctx);
	/* Provoke a real OpenSSL error. */
	assert_null(EVP_get_digestbyname("no-such-digest"));
	ERR_raise(ERR_LIB_EVP, EVP_R_UNSUPPORTED_ALGORITHM);
	pkit_seterr_ssl(&ctx, PKIT_ERR_CRYPTO, "digest");
	assert_non_null(strstr(ctx.errbuf, "digest: "));
	assert_int_equal(ERR_peek_error(), 0);
	pkit_ctx_release(&ctx);
}

static void
test_fixed_clock(void **state)
{
	struct pkit_ctx ctx;

	(void)state;
	pkit_ctx_init(&ctx);
	ctx.fixed_now = 1234567890;
	assert_int_equal(pkit_now(&ctx), 1234567890);
	pkit_ctx_release(&ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strerror_covers_every_code),
		cmocka_unit_test(test_seterr_returns_code_and_keeps_detail),
		cmocka_unit_test(test_seterr_ssl_drains_queue),
		cmocka_unit_test(test_fixed_clock),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

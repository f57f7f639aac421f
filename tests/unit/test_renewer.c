/* test_renewer.c - the renewal schedule: step's 2/3 rule and its jitter,
 * --renew-period, --expires-in, the back-off after failures and --exec
 * splitting. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/ca/renewer.h"
#include "lib/timeutil.h"

#define S PKIT_NS_PER_SEC
#define T0 ((time_t)1800000000)

/* A certificate issued at T0 for life seconds. */
static struct pkit_renew_sched
cert(time_t life)
{
	struct pkit_renew_sched s = { T0, T0 + life, 0, 0 };

	return s;
}

static void
test_next_two_thirds(void **state)
{
	struct pkit_renew_sched s = cert(24 * 3600);

	(void)state;
	/* Jitter 0: exactly when a third is left, 16h after issue. */
	assert_int_equal(pkit_renew_next(&s, T0, 0), 16 * 3600 * S);
	/* The jitter takes off up to lifetime/20 (72 minutes), never
	 * more. */
	assert_int_equal(pkit_renew_next(&s, T0, 5 * S), 16 * 3600 * S - 5 * S);
	assert_true(pkit_renew_next(&s, T0, UINT64_MAX) >
	    16 * 3600 * S - 72 * 60 * S);
	assert_true(pkit_renew_next(&s, T0, UINT64_MAX) <= 16 * 3600 * S);
	/* Later on, counted from now. */
	assert_int_equal(pkit_renew_next(&s, T0 + 3600, 0), 15 * 3600 * S);
	/* Past the 2/3 point: at once. */
	assert_int_equal(pkit_renew_next(&s, T0 + 17 * 3600, 0), 0);
	assert_int_equal(pkit_renew_next(&s, T0 + 30 * 3600, 7), 0);
}

static void
test_next_close_to_the_point(void **state)
{
	struct pkit_renew_sched s = cert(300);
	int64_t d;
	uint64_t r;

	(void)state;
	/* 5 minutes: renew at 200s, jitter up to 15s. */
	assert_int_equal(pkit_renew_next(&s, T0, 0), 200 * S);
	/* 10s before the point, which is less than the jitter: a random
	 * wait within those 10s. */
	for (r = 0; r < 1000; r += 37) {
		d = pkit_renew_next(&s, T0 + 190, r * 9973 * 1000003);
		assert_true(d >= 0 && d < 10 * S);
	}
}

static void
test_next_expires_in_and_period(void **state)
{
	struct pkit_renew_sched s = cert(24 * 3600);

	(void)state;
	s.expires_in = 8 * 3600 * S;
	assert_int_equal(pkit_renew_next(&s, T0, 0), 16 * 3600 * S);
	s.expires_in = 2 * 3600 * S;
	assert_int_equal(pkit_renew_next(&s, T0, 0), 22 * 3600 * S);
	s.expires_in = 0;
	s.renew_period = 3600 * S;
	assert_int_equal(pkit_renew_next(&s, T0, 12345), 3600 * S);
	/* Expiring within the period: now. */
	assert_int_equal(pkit_renew_next(&s, T0 + 23 * 3600, 0), 0);
	assert_int_equal(pkit_renew_next(&s, T0 + 23 * 3600 - 1, 0), 3600 * S);
}

static void
test_check(void **state)
{
	struct pkit_ctx ctx;
	struct pkit_renew_sched s = cert(300);

	(void)state;
	pkit_ctx_init(&ctx);
	assert_int_equal(pkit_renew_check(&ctx, &s), PKIT_OK);
	s.renew_period = 300 * S;
	assert_int_equal(pkit_renew_check(&ctx, &s), PKIT_ERR_USAGE);
	assert_non_null(strstr(ctx.errbuf, "--renew-period 5m0s"));
	assert_non_null(strstr(ctx.errbuf, "lifetime, 5m0s"));
	s.renew_period = 299 * S;
	assert_int_equal(pkit_renew_check(&ctx, &s), PKIT_OK);
	s.expires_in = 10 * S;
	assert_int_equal(pkit_renew_check(&ctx, &s), PKIT_ERR_USAGE);
	assert_non_null(strstr(ctx.errbuf, "do not go together"));
	s.renew_period = 0;
	s.expires_in = 301 * S;
	assert_int_equal(pkit_renew_check(&ctx, &s), PKIT_ERR_USAGE);
	s.expires_in = 300 * S;
	assert_int_equal(pkit_renew_check(&ctx, &s), PKIT_OK);
	s.expires_in = -1;
	assert_int_equal(pkit_renew_check(&ctx, &s), PKIT_ERR_USAGE);
	pkit_ctx_release(&ctx);
}

static void
test_due(void **state)
{
	struct pkit_renew_sched s = cert(24 * 3600);

	(void)state;
	/* No --expires-in: always due. */
	assert_true(pkit_renew_due(&s, T0, 0));
	s.expires_in = 8 * 3600 * S;
	assert_false(pkit_renew_due(&s, T0, 0));
	assert_false(pkit_renew_due(&s, T0 + 16 * 3600 - 1, 0));
	assert_true(pkit_renew_due(&s, T0 + 16 * 3600, 0));
	/* The jitter (up to 24 minutes) may make it due a bit earlier, not
	 * more. */
	assert_true(pkit_renew_due(&s, T0 + 16 * 3600 - 60, 61 * S));
	assert_false(pkit_renew_due(&s, T0 + 16 * 3600 - 25 * 60, UINT64_MAX));
	assert_true(pkit_renew_due(&s, T0 + 30 * 3600, 0));
}

static void
test_retry_backoff(void **state)
{
	struct pkit_renew_sched s = cert(300);
	int64_t d, prev = 0;
	unsigned a;

	(void)state;
	/* 5 minutes: base 1s, cap 30s; jitter 0 gives half the delay. */
	assert_int_equal(pkit_renew_retry(&s, 1, T0 + 200, 0), S / 2);
	assert_int_equal(pkit_renew_retry(&s, 2, T0 + 200, 0), S);
	assert_int_equal(pkit_renew_retry(&s, 3, T0 + 200, 0), 2 * S);
	assert_int_equal(pkit_renew_retry(&s, 6, T0 + 200, 0), 15 * S);
	assert_int_equal(pkit_renew_retry(&s, 7, T0 + 200, 0), 15 * S);
	assert_int_equal(pkit_renew_retry(&s, 1000, T0 + 200, 0), 15 * S);
	/* The most jitter gives the whole delay. */
	assert_int_equal(pkit_renew_retry(&s, 3, T0 + 200, 2 * S), 4 * S);
	/* It grows, and stays within [d/2, d]. */
	for (a = 1; a < 12; a++) {
		d = pkit_renew_retry(&s, a, T0 + 100, 0);
		assert_true(d >= prev);
		prev = d;
		d = pkit_renew_retry(&s, a, T0 + 100, UINT64_MAX - a);
		assert_true(d <= 30 * S);
	}
	/* Never past the end; nothing once expired. */
	assert_int_equal(pkit_renew_retry(&s, 9, T0 + 298, UINT64_MAX), 2 * S);
	assert_int_equal(pkit_renew_retry(&s, 1, T0 + 300, 0), -1);
	assert_int_equal(pkit_renew_retry(&s, 1, T0 + 400, 0), -1);
}

static void
test_retry_long_lived(void **state)
{
	struct pkit_renew_sched s = cert(90 * 24 * 3600);

	(void)state;
	/* 90 days: base capped at 60s, cap at one hour. */
	assert_int_equal(pkit_renew_retry(&s, 1, T0, 0), 30 * S);
	assert_int_equal(pkit_renew_retry(&s, 40, T0, 0), 1800 * S);
	assert_int_equal(pkit_renew_retry(&s, 40, T0, UINT64_MAX - 1) <=
	    3600 * S, 1);
	/* A certificate of 10 seconds still gets 1-second steps. */
	s = cert(10);
	assert_int_equal(pkit_renew_retry(&s, 1, T0, 1000), S / 2 + 1000);
}

static void
test_floor(void **state)
{
	struct pkit_renew_sched s = cert(360);

	(void)state;
	assert_int_equal(pkit_renew_floor(&s), 3600 * PKIT_NS_PER_SEC / 1000);
	s = cert(24 * 3600);
	assert_int_equal(pkit_renew_floor(&s), 864 * S);
	s = cert(30);
	assert_int_equal(pkit_renew_floor(&s), S);
}

static void
check_argv(const char *cmd, const char *const *want)
{
	struct pkit_ctx ctx;
	char **argv = NULL;
	size_t i;

	pkit_ctx_init(&ctx);
	assert_int_equal(pkit_renew_exec_argv(&ctx, cmd, &argv), PKIT_OK);
	for (i = 0; want[i] != NULL; i++) {
		assert_non_null(argv[i]);
		assert_string_equal(argv[i], want[i]);
	}
	assert_null(argv[i]);
	pkit_renew_argv_free(argv);
	pkit_ctx_release(&ctx);
}

static void
test_exec_argv(void **state)
{
	static const char *const a[] = { "nginx", "-s", "reload", NULL };
	static const char *const b[] = { "/bin/sh", "-c", "'echo", "hi'",
	    NULL };
	static const char *const c[] = { "true", NULL };
	struct pkit_ctx ctx;
	char **argv = NULL;

	(void)state;
	check_argv("nginx -s reload", a);
	check_argv("  nginx   -s reload  ", a);
	/* No shell and no quoting, as step. */
	check_argv("/bin/sh -c 'echo hi'", b);
	check_argv("true", c);
	pkit_ctx_init(&ctx);
	assert_int_equal(pkit_renew_exec_argv(&ctx, "   ", &argv),
	    PKIT_ERR_USAGE);
	assert_null(argv);
	assert_int_equal(pkit_renew_exec_argv(&ctx, "", &argv),
	    PKIT_ERR_USAGE);
	pkit_ctx_release(&ctx);
	pkit_renew_argv_free(NULL);
}

static void
test_random(void **state)
{
	(void)state;
	/* Two 64-bit draws are equal with probability 2^-64. */
	assert_true(pkit_renew_random() != pkit_renew_random());
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_next_two_thirds),
		cmocka_unit_test(test_next_close_to_the_point),
		cmocka_unit_test(test_next_expires_in_and_period),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_due),
		cmocka_unit_test(test_retry_backoff),
		cmocka_unit_test(test_retry_long_lived),
		cmocka_unit_test(test_floor),
		cmocka_unit_test(test_exec_argv),
		cmocka_unit_test(test_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

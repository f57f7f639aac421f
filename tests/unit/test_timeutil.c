/* test_timeutil.c - Go durations and RFC 3339 times (table-driven; the
 * duration cases are those of Go's time package tests). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/timeutil.h"

#define NS INT64_C(1)
#define US (1000 * NS)
#define MS (1000 * US)
#define S (1000 * MS)
#define M (60 * S)
#define H (60 * M)

static const struct {
	const char *in;
	int64_t want;
} good_durations[] = {
	{ "0", 0 },
	{ "5s", 5 * S },
	{ "30s", 30 * S },
	{ "1478s", 1478 * S },
	{ "-5s", -5 * S },
	{ "+5s", 5 * S },
	{ "-0", 0 },
	{ "+0", 0 },
	{ "5.0s", 5 * S },
	{ "5.6s", 5 * S + 600 * MS },
	{ "5.s", 5 * S },
	{ ".5s", 500 * MS },
	{ "1.0s", 1 * S },
	{ "1.00s", 1 * S },
	{ "1.004s", 1 * S + 4 * MS },
	{ "1.0040s", 1 * S + 4 * MS },
	{ "100.00100s", 100 * S + 1 * MS },
	{ "10ns", 10 * NS },
	{ "11us", 11 * US },
	{ "12\xc2\xb5s", 12 * US },
	{ "12\xce\xbcs", 12 * US },
	{ "13ms", 13 * MS },
	{ "14s", 14 * S },
	{ "15m", 15 * M },
	{ "16h", 16 * H },
	{ "3h30m", 3 * H + 30 * M },
	{ "10.5s4m", 4 * M + 10 * S + 500 * MS },
	{ "-2m3.4s", -(2 * M + 3 * S + 400 * MS) },
	{ "1h2m3s4ms5us6ns", 1 * H + 2 * M + 3 * S + 4 * MS + 5 * US + 6 * NS },
	{ "39h9m14.425s", 39 * H + 9 * M + 14 * S + 425 * MS },
	{ "52763797000ns", 52763797000 * NS },
	{ "0.3333333333333333333h", 20 * M },
	{ "9007199254740993ns", (INT64_C(1) << 53) + 1 },
	{ "9223372036854775807ns", INT64_MAX },
	{ "9223372036854775.807us", INT64_MAX },
	{ "-9223372036854775808ns", INT64_MIN },
	{ "0.100000000000000000000h", 6 * M },
	{ "0.830103483285477580700h", 49 * M + 48 * S + 372539827 * NS },
	{ "24h", 24 * H },
	{ "87600h", 87600 * H },
	{ "1h30m", 90 * M },
};

static const char *const bad_durations[] = {
	"", "3", "-", "s", ".", "-.", ".s", "+.s", "1d", "\x85\x85",
	"\xff" "ff", "hello \xff" "ff world", "9223372036854775808ns",
	"9223372036854775.808us", "9223372036854ms775us808ns",
	"-9223372036854775809ns", "5m ", " 5m", "5 m",
};

static void
test_duration_parse(void **state)
{
	struct pkit_ctx ctx;
	size_t i;

	(void)state;
	pkit_ctx_init(&ctx);
	for (i = 0; i < sizeof(good_durations) / sizeof(good_durations[0]);
	    i++) {
		int64_t got = -42;

		if (pkit_duration_parse(&ctx, good_durations[i].in, "d",
		    &got) != 0)
			fail_msg("'%s' refused: %s", good_durations[i].in,
			    ctx.errbuf);
		if (got != good_durations[i].want)
			fail_msg("'%s': got %lld, want %lld",
			    good_durations[i].in,
			    (long long)got, (long long)good_durations[i].want);
	}
	for (i = 0; i < sizeof(bad_durations) / sizeof(bad_durations[0]); i++) {
		int64_t got = -42;

		if (pkit_duration_parse(&ctx, bad_durations[i], "--x", &got) !=
		    PKIT_ERR_ARG)
			fail_msg("'%s' accepted as %lld", bad_durations[i],
			    (long long)got);
		assert_int_equal(got, -42);
		assert_non_null(strstr(ctx.errbuf, "--x: "));
	}
	pkit_ctx_release(&ctx);
}

static void
test_duration_format(void **state)
{
	static const struct {
		int64_t in;
		const char *want;
	} cases[] = {
		{ 0, "0s" },
		{ 1 * NS, "1ns" },
		{ 1100 * NS, "1.1\xc2\xb5s" },
		{ 2200 * US, "2.2ms" },
		{ 3300 * MS, "3.3s" },
		{ 4 * M + 5 * S, "4m5s" },
		{ 4 * M + 5001 * MS, "4m5.001s" },
		{ 5 * H + 6 * M + 7001 * MS, "5h6m7.001s" },
		{ 8 * M + 1 * NS, "8m0.000000001s" },
		{ 24 * H, "24h0m0s" },
		{ -1 * S, "-1s" },
		{ INT64_MAX, "2562047h47m16.854775807s" },
		{ INT64_MIN, "-2562047h47m16.854775808s" },
	};
	char buf[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pkit_duration_format(cases[i].in, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].want);
	}
}

static void
test_time_parse(void **state)
{
	static const struct {
		const char *in;
		time_t want;
	} good[] = {
		{ "1970-01-01T00:00:00Z", 0 },
		{ "2026-01-02T15:04:05Z", 1767366245 },
		{ "2026-01-02T15:04:05.123456789Z", 1767366245 },
		{ "2026-01-02t15:04:05z", 1767366245 },
		{ "2026-01-02T16:04:05+01:00", 1767366245 },
		{ "2026-01-02T10:34:05-04:30", 1767366245 },
		{ "2024-02-29T00:00:00Z", 1709164800 },
		{ "2050-01-01T00:00:00Z", 2524608000 },
	};
	static const char *const bad[] = {
		"", "2026-01-02", "2026-01-02T15:04:05", "2026-01-02 15:04:05Z",
		"2026-13-02T15:04:05Z", "2026-02-29T00:00:00Z",
		"2026-01-02T24:00:00Z", "2026-01-02T15:60:05Z",
		"2026-01-02T15:04:60Z", "2026-01-02T15:04:05+1:00",
		"2026-01-02T15:04:05.Z", "2026-01-02T15:04:05Zjunk",
		"26-01-02T15:04:05Z",
	};
	struct pkit_ctx ctx;
	char buf[32];
	size_t i;

	(void)state;
	pkit_ctx_init(&ctx);
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		time_t t = 0;

		if (pkit_time_parse(&ctx, good[i].in, "t", &t) != 0)
			fail_msg("'%s' refused: %s", good[i].in, ctx.errbuf);
		assert_int_equal((long long)t, (long long)good[i].want);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		time_t t = 7;

		if (pkit_time_parse(&ctx, bad[i], "t", &t) != PKIT_ERR_ARG)
			fail_msg("'%s' accepted", bad[i]);
		assert_int_equal((long long)t, 7);
	}
	pkit_time_format(1767366245, buf, sizeof(buf));
	assert_string_equal(buf, "2026-01-02T15:04:05Z");
	pkit_ctx_release(&ctx);
}

static void
test_time_or_duration(void **state)
{
	struct pkit_ctx ctx;
	time_t now = 1767366245, t = 1;

	(void)state;
	pkit_ctx_init(&ctx);
	assert_int_equal(pkit_time_or_duration(&ctx, NULL, now, "n", &t), 0);
	assert_int_equal((long long)t, 0);
	assert_int_equal(pkit_time_or_duration(&ctx, "", now, "n", &t), 0);
	assert_int_equal((long long)t, 0);
	assert_int_equal(pkit_time_or_duration(&ctx, "1h30m", now, "n", &t), 0);
	assert_int_equal((long long)t, (long long)now + 5400);
	assert_int_equal(pkit_time_or_duration(&ctx, "-5m", now, "n", &t), 0);
	assert_int_equal((long long)t, (long long)now - 300);
	assert_int_equal(pkit_time_or_duration(&ctx, "2030-01-01T00:00:00Z",
	    now, "n", &t), 0);
	assert_int_equal((long long)t, 1893456000LL);
	assert_int_equal(pkit_time_or_duration(&ctx, "tomorrow", now,
	    "--not-after", &t), PKIT_ERR_ARG);
	assert_non_null(strstr(ctx.errbuf, "--not-after: 'tomorrow'"));
	assert_int_equal(pkit_time_or_duration(&ctx, "2030-01-01", now,
	    "--not-after", &t), PKIT_ERR_ARG);
	assert_non_null(strstr(ctx.errbuf, "RFC 3339"));
	pkit_ctx_release(&ctx);
}

static void
test_timegm(void **state)
{
	(void)state;
	assert_int_equal(pkit_timegm(1970, 1, 1, 0, 0, 0), 0);
	assert_int_equal(pkit_timegm(2000, 3, 1, 0, 0, 0), 951868800);
	assert_int_equal(pkit_timegm(1969, 12, 31, 23, 59, 59), -1);
	assert_int_equal(pkit_timegm(9999, 12, 31, 23, 59, 59), 253402300799LL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duration_parse),
		cmocka_unit_test(test_duration_format),
		cmocka_unit_test(test_time_parse),
		cmocka_unit_test(test_time_or_duration),
		cmocka_unit_test(test_timegm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

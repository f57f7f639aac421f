/* test_rand.c - random strings: lengths, alphabets, uniformity, UUIDs. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "lib/rand.h"

static int
setup(void **state)
{
	(void)state;
	return sodium_init() < 0 ? -1 : 0;
}

/* Every character of s is in set. */
static void
assert_all_in(const unsigned char *s, size_t len, const char *set)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] == '\0' || strchr(set, s[i]) == NULL)
			fail_msg("character 0x%02x at %zu is not in the set",
			    s[i], i);
}

static void
test_formats(void **state)
{
	static const struct {
		const char *format, *set;
	} v[] = {
		{ "alphanumeric", "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" },
		{ "alphabet", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" },
		{ "hex", "0123456789abcdef" },
		{ "dec", "0123456789" },
		{ "lower", "abcdefghijklmnopqrstuvwxyz" },
		{ "upper", "ABCDEFGHIJKLMNOPQRSTUVWXYZ" },
	};
	struct pkit_ctx ctx;
	unsigned char *s;
	size_t i, len, j;

	(void)state;
	pkit_ctx_init(&ctx);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(pkit_rand_string(&ctx, v[i].format, 500, &s,
		    &len), PKIT_OK);
		assert_int_equal(len, 500);
		assert_int_equal(s[len], '\0');
		assert_all_in(s, len, v[i].set);
		free(s);
	}
	/* ascii: the 94 printable characters, no space. */
	assert_int_equal(pkit_rand_string(&ctx, "ascii", 2000, &s, &len),
	    PKIT_OK);
	assert_int_equal(len, 2000);
	for (j = 0; j < len; j++)
		assert_true(s[j] >= '!' && s[j] <= '~');
	free(s);
	/* raw: that many bytes, and not all the same. */
	assert_int_equal(pkit_rand_string(&ctx, "raw", 64, &s, &len), PKIT_OK);
	assert_int_equal(len, 64);
	for (j = 1; j < len && s[j] == s[0]; j++)
		;
	assert_true(j < len);
	free(s);
	pkit_ctx_release(&ctx);
}

static void
test_base64(void **state)
{
	struct pkit_ctx ctx;
	unsigned char *s;
	size_t len;

	(void)state;
	pkit_ctx_init(&ctx);
	assert_int_equal(pkit_rand_string(&ctx, "base64", 32, &s, &len),
	    PKIT_OK);
	assert_int_equal(len, 44);
	assert_int_equal(s[43], '=');
	assert_all_in(s, 43, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
	free(s);
	assert_int_equal(pkit_rand_string(&ctx, "base64url", 32, &s, &len),
	    PKIT_OK);
	assert_int_equal(len, 43);
	assert_all_in(s, len, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
	free(s);
	pkit_ctx_release(&ctx);
}

static void
test_bounds(void **state)
{
	struct pkit_ctx ctx;
	unsigned char *s = NULL;
	size_t len = 7;
	char *c = NULL;

	(void)state;
	pkit_ctx_init(&ctx);
	assert_int_equal(pkit_rand_string(&ctx, "ascii", 0, &s, &len),
	    PKIT_ERR_ARG);
	assert_null(s);
	assert_int_equal(len, 0);
	assert_int_equal(pkit_rand_string(&ctx, "raw", PKIT_RAND_MAX + 1, &s,
	    &len), PKIT_ERR_ARG);
	assert_int_equal(pkit_rand_string(&ctx, "emoji", 8, &s, &len),
	    PKIT_ERR_UNSUPPORTED);
	assert_non_null(strstr(ctx.errbuf, "emoji"));
	assert_int_equal(pkit_rand_string(&ctx, "hex", PKIT_RAND_MAX, &s, &len),
	    PKIT_OK);
	assert_int_equal(len, PKIT_RAND_MAX);
	free(s);
	assert_int_equal(pkit_rand_chars(&ctx, "a", 4, &c), PKIT_ERR_ARG);
	assert_null(c);
	assert_int_equal(pkit_rand_chars(&ctx, "ab", 4, &c), PKIT_OK);
	assert_int_equal(strlen(c), 4);
	free(c);
	pkit_ctx_release(&ctx);
}

/* Counts of each digit over many draws stay close to uniform: a
 * chi-square with 9 degrees of freedom above 60 has a probability below
 * 1e-9 for a fair source, while "% 10" over random bytes (about 73
 * expected here) would usually fail it. */
static void
test_uniform(void **state)
{
	struct pkit_ctx ctx;
	unsigned char *s;
	size_t len, i, n = 200000, count[10] = { 0 };
	double chi = 0, e = (double)n / 10;

	(void)state;
	pkit_ctx_init(&ctx);
	assert_int_equal(pkit_rand_string(&ctx, "dec", n, &s, &len), PKIT_OK);
	for (i = 0; i < len; i++)
		count[s[i] - '0']++;
	for (i = 0; i < 10; i++)
		chi += ((double)count[i] - e) * ((double)count[i] - e) / e;
	assert_true(chi < 60.0);
	free(s);
	pkit_ctx_release(&ctx);
}

static void
test_uuid(void **state)
{
	struct pkit_ctx ctx;
	char a[PKIT_UUID_LEN + 1], b[PKIT_UUID_LEN + 1];
	unsigned char *s;
	size_t i, len;

	(void)state;
	pkit_ctx_init(&ctx);
	assert_int_equal(pkit_rand_uuid(&ctx, a), PKIT_OK);
	assert_int_equal(pkit_rand_uuid(&ctx, b), PKIT_OK);
	assert_int_equal(strlen(a), 36);
	assert_string_not_equal(a, b);
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23)
			assert_int_equal(a[i], '-');
		else
			assert_non_null(strchr("0123456789abcdef", a[i]));
	}
	assert_int_equal(a[14], '4');
	assert_non_null(strchr("89ab", a[19]));
	/* The length is ignored for uuid. */
	assert_int_equal(pkit_rand_string(&ctx, "uuid", 0, &s, &len), PKIT_OK);
	assert_int_equal(len, 36);
	assert_int_equal(s[14], '4');
	free(s);
	pkit_ctx_release(&ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_uniform),
		cmocka_unit_test(test_uuid),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}

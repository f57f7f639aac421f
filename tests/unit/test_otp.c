/* test_otp.c - HOTP and TOTP against the RFC 4226 and RFC 6238 vectors,
 * the otpauth:// key URI both ways, and verification windows. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/otp.h"
#include "lib/secret.h"

static const char seed20[] = "12345678901234567890";
static const char seed32[] = "12345678901234567890123456789012";
static const char seed64[] =
    "1234567890123456789012345678901234567890123456789012345678901234";

/* RFC 4226 Appendix D: HOTP values for counters 0..9, with the whole
 * 31-bit truncated value (10 digits) and the 6-digit code. */
static const struct {
	uint64_t counter;
	const char *ten;
	const char *six;
} hotp_vectors[] = {
	{ 0, "1284755224", "755224" },
	{ 1, "1094287082", "287082" },
	{ 2, "0137359152", "359152" },
	{ 3, "1726969429", "969429" },
	{ 4, "1640338314", "338314" },
	{ 5, "0868254676", "254676" },
	{ 6, "1918287922", "287922" },
	{ 7, "0082162583", "162583" },
	{ 8, "0673399871", "399871" },
	{ 9, "0645520489", "520489" },
};

/* RFC 6238 Appendix B: every row, 8 digits, 30-second period. */
static const struct {
	int64_t t;
	enum pkit_otp_alg alg;
	const char *code;
} totp_vectors[] = {
	{ 59, PKIT_OTP_SHA1, "94287082" },
	{ 59, PKIT_OTP_SHA256, "46119246" },
	{ 59, PKIT_OTP_SHA512, "90693936" },
	{ 1111111109, PKIT_OTP_SHA1, "07081804" },
	{ 1111111109, PKIT_OTP_SHA256, "68084774" },
	{ 1111111109, PKIT_OTP_SHA512, "25091201" },
	{ 1111111111, PKIT_OTP_SHA1, "14050471" },
	{ 1111111111, PKIT_OTP_SHA256, "67062674" },
	{ 1111111111, PKIT_OTP_SHA512, "99943326" },
	{ 1234567890, PKIT_OTP_SHA1, "89005924" },
	{ 1234567890, PKIT_OTP_SHA256, "91819424" },
	{ 1234567890, PKIT_OTP_SHA512, "93441116" },
	{ 2000000000, PKIT_OTP_SHA1, "69279037" },
	{ 2000000000, PKIT_OTP_SHA256, "90698825" },
	{ 2000000000, PKIT_OTP_SHA512, "38618901" },
	{ 20000000000LL, PKIT_OTP_SHA1, "65353130" },
	{ 20000000000LL, PKIT_OTP_SHA256, "77737706" },
	{ 20000000000LL, PKIT_OTP_SHA512, "47863826" },
};

static const char *
seed_for(enum pkit_otp_alg alg, size_t *len)
{
	switch (alg) {
	case PKIT_OTP_SHA256:
		*len = 32;
		return seed32;
	case PKIT_OTP_SHA512:
		*len = 64;
		return seed64;
	default:
		*len = 20;
		return seed20;
	}
}

static void
test_hotp_rfc4226(void **state)
{
	struct pkit_ctx ctx;
	char code[16];
	size_t i;

	(void)state;
	pkit_ctx_init(&ctx);
	for (i = 0; i < sizeof(hotp_vectors) / sizeof(hotp_vectors[0]); i++) {
		assert_int_equal(pkit_hotp(&ctx, PKIT_OTP_SHA1,
		    (const unsigned char *)seed20, 20, hotp_vectors[i].counter,
		    6, code, sizeof(code)), PKIT_OK);
		assert_string_equal(code, hotp_vectors[i].six);
		assert_int_equal(pkit_hotp(&ctx, PKIT_OTP_SHA1,
		    (const unsigned char *)seed20, 20, hotp_vectors[i].counter,
		    10, code, sizeof(code)), PKIT_OK);
		assert_string_equal(code, hotp_vectors[i].ten);
	}
	/* Out of range: digits, an empty key, a buffer too small. */
	assert_int_equal(pkit_hotp(&ctx, PKIT_OTP_SHA1,
	    (const unsigned char *)seed20, 20, 0, 5, code, sizeof(code)),
	    PKIT_ERR_ARG);
	assert_int_equal(pkit_hotp(&ctx, PKIT_OTP_SHA1,
	    (const unsigned char *)seed20, 20, 0, 11, code, sizeof(code)),
	    PKIT_ERR_ARG);
	assert_int_equal(pkit_hotp(&ctx, PKIT_OTP_SHA1,
	    (const unsigned char *)seed20, 0, 0, 6, code, sizeof(code)),
	    PKIT_ERR_ARG);
	assert_int_not_equal(pkit_hotp(&ctx, PKIT_OTP_SHA1,
	    (const unsigned char *)seed20, 20, 0, 8, code, 8), PKIT_OK);
	pkit_ctx_release(&ctx);
}

static void
test_totp_rfc6238(void **state)
{
	struct pkit_ctx ctx;
	char code[16];
	size_t i, len;

	(void)state;
	pkit_ctx_init(&ctx);
	for (i = 0; i < sizeof(totp_vectors) / sizeof(totp_vectors[0]); i++) {
		const char *seed = seed_for(totp_vectors[i].alg, &len);

		assert_int_equal(pkit_totp(&ctx, totp_vectors[i].alg,
		    (const unsigned char *)seed, len, totp_vectors[i].t, 30, 8,
		    code, sizeof(code)), PKIT_OK);
		assert_string_equal(code, totp_vectors[i].code);
	}
	assert_int_equal(pkit_totp(&ctx, PKIT_OTP_SHA1,
	    (const unsigned char *)seed20, 20, -1, 30, 8, code, sizeof(code)),
	    PKIT_ERR_ARG);
	assert_int_equal(pkit_totp(&ctx, PKIT_OTP_SHA1,
	    (const unsigned char *)seed20, 20, 59, 0, 8, code, sizeof(code)),
	    PKIT_ERR_ARG);
	pkit_ctx_release(&ctx);
}

/* Every RFC 6238 row through pkit_totp_verify, and a neighbouring time
 * step that must not match. */
static void
test_verify_vectors(void **state)
{
	struct pkit_ctx ctx;
	struct pkit_otp k;
	size_t i, len;

	(void)state;
	pkit_ctx_init(&ctx);
	for (i = 0; i < sizeof(totp_vectors) / sizeof(totp_vectors[0]); i++) {
		const char *seed = seed_for(totp_vectors[i].alg, &len);

		memset(&k, 0, sizeof(k));
		k.alg = totp_vectors[i].alg;
		k.digits = 8;
		k.period = 30;
		k.secret = (unsigned char *)seed;
		k.secret_len = len;
		assert_int_equal(pkit_totp_verify(&ctx, &k,
		    totp_vectors[i].code, totp_vectors[i].t, 0), PKIT_OK);
		assert_int_equal(pkit_totp_verify(&ctx, &k,
		    totp_vectors[i].code, totp_vectors[i].t + 30, 0),
		    PKIT_ERR_VERIFY);
		assert_int_equal(pkit_totp_verify(&ctx, &k,
		    totp_vectors[i].code, totp_vectors[i].t + 30, 1), PKIT_OK);
		assert_int_equal(pkit_totp_verify(&ctx, &k,
		    totp_vectors[i].code, totp_vectors[i].t - 30, 1), PKIT_OK);
	}
	pkit_ctx_release(&ctx);
}

static void
test_verify_windows_and_format(void **state)
{
	struct pkit_ctx ctx;
	struct pkit_otp k = { 0 };

	(void)state;
	pkit_ctx_init(&ctx);
	k.alg = PKIT_OTP_SHA1;
	k.digits = 8;
	k.period = 30;
	k.secret = (unsigned char *)seed20;
	k.secret_len = 20;
	/* 94287082 is the code of step 1: times 30..59. */
	assert_int_equal(pkit_totp_verify(&ctx, &k, "94287082", 30, 0), PKIT_OK);
	assert_int_equal(pkit_totp_verify(&ctx, &k, "94287082", 29, 0),
	    PKIT_ERR_VERIFY);
	assert_int_equal(pkit_totp_verify(&ctx, &k, "94287082", 60, 0),
	    PKIT_ERR_VERIFY);
	assert_int_equal(pkit_totp_verify(&ctx, &k, "94287082", 119, 2),
	    PKIT_OK);
	assert_int_equal(pkit_totp_verify(&ctx, &k, "94287082", 120, 2),
	    PKIT_ERR_VERIFY);
	/* Skew before time 0 is skipped, not wrapped. */
	assert_int_equal(pkit_totp_verify(&ctx, &k, "94287082", 0, 1), PKIT_OK);
	/* A one-digit change, a wrong length, non-digits. */
	assert_int_equal(pkit_totp_verify(&ctx, &k, "94287083", 59, 1),
	    PKIT_ERR_VERIFY);
	assert_int_equal(pkit_totp_verify(&ctx, &k, "9428708", 59, 0),
	    PKIT_ERR_FORMAT);
	assert_int_equal(pkit_totp_verify(&ctx, &k, "942870822", 59, 0),
	    PKIT_ERR_FORMAT);
	assert_int_equal(pkit_totp_verify(&ctx, &k, "9428708a", 59, 0),
	    PKIT_ERR_FORMAT);
	assert_int_equal(pkit_totp_verify(&ctx, &k, "", 59, 0),
	    PKIT_ERR_FORMAT);
	assert_int_equal(pkit_totp_verify(&ctx, &k, "+4287082", 59, 0),
	    PKIT_ERR_FORMAT);
	/* Bad parameters. */
	assert_int_equal(pkit_totp_verify(&ctx, &k, "94287082", -1, 0),
	    PKIT_ERR_ARG);
	assert_int_equal(pkit_totp_verify(&ctx, &k, "94287082", 59,
	    PKIT_OTP_SKEW_MAX + 1), PKIT_ERR_ARG);
	k.period = 0;
	assert_int_equal(pkit_totp_verify(&ctx, &k, "94287082", 59, 0),
	    PKIT_ERR_ARG);
	k.period = 30;
	k.digits = 9;
	assert_int_equal(pkit_totp_verify(&ctx, &k, "942870820", 59, 0),
	    PKIT_ERR_ARG);
	/* 6 digits: the last six of the 8-digit code. */
	k.digits = 6;
	assert_int_equal(pkit_totp_verify(&ctx, &k, "287082", 59, 0), PKIT_OK);
	pkit_ctx_release(&ctx);
}

static void
test_alg_names(void **state)
{
	struct pkit_ctx ctx;
	enum pkit_otp_alg a = PKIT_OTP_SHA1;

	(void)state;
	pkit_ctx_init(&ctx);
	assert_int_equal(pkit_otp_alg_parse(&ctx, "sha256", &a), PKIT_OK);
	assert_int_equal(a, PKIT_OTP_SHA256);
	assert_int_equal(pkit_otp_alg_parse(&ctx, "SHA512", &a), PKIT_OK);
	assert_int_equal(a, PKIT_OTP_SHA512);
	assert_int_equal(pkit_otp_alg_parse(&ctx, "MD5", &a),
	    PKIT_ERR_UNSUPPORTED);
	assert_int_equal(a, PKIT_OTP_SHA512);
	assert_string_equal(pkit_otp_alg_name(PKIT_OTP_SHA1), "SHA1");
	assert_string_equal(pkit_otp_alg_name(PKIT_OTP_SHA256), "SHA256");
	pkit_ctx_release(&ctx);
}

static void
test_generate(void **state)
{
	struct pkit_ctx ctx;
	struct pkit_otp *a = NULL, *b = NULL, *bad = (struct pkit_otp *)&ctx;
	char *s = NULL;

	(void)state;
	pkit_ctx_init(&ctx);
	assert_int_equal(pkit_otp_generate(&ctx, 20, &a), PKIT_OK);
	assert_int_equal(pkit_otp_generate(&ctx, 20, &b), PKIT_OK);
	assert_int_equal(a->secret_len, 20);
	assert_int_equal(a->alg, PKIT_OTP_SHA1);
	assert_int_equal(a->digits, 6);
	assert_int_equal(a->period, 30);
	assert_memory_not_equal(a->secret, b->secret, 20);
	assert_int_equal(pkit_otp_secret_b32(&ctx, a, &s), PKIT_OK);
	assert_int_equal(strlen(s), 32);	/* 160 bits, no padding */
	pkit_secret_strfree(s);
	pkit_otp_free(a);
	pkit_otp_free(b);
	assert_int_equal(pkit_otp_generate(&ctx, 64, &a), PKIT_OK);
	assert_int_equal(a->secret_len, 64);
	pkit_otp_free(a);
	a = bad;
	assert_int_equal(pkit_otp_generate(&ctx, PKIT_OTP_SECRET_MIN - 1, &a),
	    PKIT_ERR_ARG);
	assert_null(a);
	assert_int_equal(pkit_otp_generate(&ctx, PKIT_OTP_SECRET_MAX + 1, &a),
	    PKIT_ERR_ARG);
	pkit_otp_free(NULL);
	pkit_ctx_release(&ctx);
}

static struct pkit_otp *
parse_ok(struct pkit_ctx *ctx, const char *text)
{
	struct pkit_otp *k = NULL;
	int r = pkit_otp_parse(ctx, "f", text, strlen(text), &k);

	if (r != PKIT_OK)
		fail_msg("parse '%s': %s", text, ctx->errbuf);
	return k;
}

static void
test_url_round_trip(void **state)
{
	struct pkit_ctx ctx;
	struct pkit_otp *k = NULL, *p;
	const char *want = "otpauth://totp/Ex%20Co%3A%20a%2Fb%26c:"
	    "alice%40example.com?secret=";
	char *url = NULL;

	(void)state;
	pkit_ctx_init(&ctx);
	assert_int_equal(pkit_otp_generate(&ctx, 32, &k), PKIT_OK);
	k->alg = PKIT_OTP_SHA512;
	k->digits = 8;
	k->period = 60;
	/* The URL needs an account. */
	assert_int_equal(pkit_otp_url(&ctx, k, &url), PKIT_ERR_ARG);
	assert_null(url);
	assert_int_equal(pkit_otp_set_label(&ctx, k, "Ex Co: a/b&c",
	    "alice@example.com"), PKIT_OK);
	assert_int_equal(pkit_otp_url(&ctx, k, &url), PKIT_OK);
	assert_true(strncmp(url, want, strlen(want)) == 0);
	assert_non_null(strstr(url, "&issuer=Ex%20Co%3A%20a%2Fb%26c&"
	    "algorithm=SHA512&digits=8&period=60"));
	p = parse_ok(&ctx, url);
	assert_int_equal(p->alg, PKIT_OTP_SHA512);
	assert_int_equal(p->digits, 8);
	assert_int_equal(p->period, 60);
	assert_int_equal(p->secret_len, 32);
	assert_memory_equal(p->secret, k->secret, 32);
	assert_string_equal(p->issuer, "Ex Co: a/b&c");
	assert_string_equal(p->account, "alice@example.com");
	pkit_otp_free(p);
	pkit_secret_strfree(url);

	/* Without an issuer the label is the account alone. */
	assert_int_equal(pkit_otp_set_label(&ctx, k, NULL, "bob"), PKIT_OK);
	assert_int_equal(pkit_otp_url(&ctx, k, &url), PKIT_OK);
	assert_true(strncmp(url, "otpauth://totp/bob?secret=", 26) == 0);
	assert_null(strstr(url, "issuer="));
	pkit_secret_strfree(url);
	pkit_otp_free(k);
	pkit_ctx_release(&ctx);
}

static void
test_parse_forms(void **state)
{
	struct pkit_ctx ctx;
	struct pkit_otp *k;

	(void)state;
	pkit_ctx_init(&ctx);
	/* A bare base32 secret: case, spaces, padding and newlines. */
	k = parse_ok(&ctx, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\n");
	assert_int_equal(k->secret_len, 20);
	assert_memory_equal(k->secret, seed20, 20);
	assert_int_equal(k->alg, PKIT_OTP_SHA1);
	assert_int_equal(k->digits, 6);
	assert_int_equal(k->period, 30);
	assert_null(k->issuer);
	pkit_otp_free(k);
	k = parse_ok(&ctx, "  gezd gnbv gy3t qojq gezd gnbv gy3t qojq  \r\n");
	assert_memory_equal(k->secret, seed20, 20);
	pkit_otp_free(k);
	k = parse_ok(&ctx, "JBSWY3DPEE======");
	assert_int_equal(k->secret_len, 6);
	assert_memory_equal(k->secret, "Hello!", 6);
	pkit_otp_free(k);

	/* Google's example URI, and the parameters a URL may carry. */
	k = parse_ok(&ctx, "otpauth://totp/Example:alice@google.com?"
	    "secret=JBSWY3DPEHPK3PXP&issuer=Example");
	assert_string_equal(k->issuer, "Example");
	assert_string_equal(k->account, "alice@google.com");
	assert_int_equal(k->secret_len, 10);
	pkit_otp_free(k);
	k = parse_ok(&ctx, "OTPAUTH://TOTP/ACME%20Co:%20john.doe%40email.com"
	    "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ACME+Co"
	    "&algorithm=sha256&digits=7&period=45&image=x&&#frag\n");
	assert_string_equal(k->issuer, "ACME Co");
	assert_string_equal(k->account, "john.doe@email.com");
	assert_int_equal(k->alg, PKIT_OTP_SHA256);
	assert_int_equal(k->digits, 7);
	assert_int_equal(k->period, 45);
	assert_memory_equal(k->secret, seed20, 20);
	pkit_otp_free(k);
	/* "%3A" separates when there is no literal ':'. */
	k = parse_ok(&ctx, "otpauth://totp/Big%20Corp%3Acarol?secret=JBSWY3DP");
	assert_string_equal(k->issuer, "Big Corp");
	assert_string_equal(k->account, "carol");
	pkit_otp_free(k);
	/* The issuer parameter wins over the label's. */
	k = parse_ok(&ctx, "otpauth://totp/Old:bob?issuer=New&secret=JBSWY3DP");
	assert_string_equal(k->issuer, "New");
	assert_string_equal(k->account, "bob");
	pkit_otp_free(k);
	pkit_ctx_release(&ctx);
}

static void
test_parse_errors(void **state)
{
	static const struct {
		const char *text;
		int want;
	} bad[] = {
		{ "", PKIT_ERR_FORMAT },
		{ " \n\t", PKIT_ERR_FORMAT },
		{ "not base32!", PKIT_ERR_FORMAT },
		{ "GEZDGNBV\nGY3TQOJQ", PKIT_ERR_FORMAT },
		{ "GEZDGNBV=GY3TQOJQ", PKIT_ERR_FORMAT },
		{ "A", PKIT_ERR_FORMAT },	/* decodes to nothing */
		{ "otpauth://totp", PKIT_ERR_FORMAT },
		{ "otpauth://totp/alice", PKIT_ERR_FORMAT },
		{ "otpauth://totp/alice?issuer=x", PKIT_ERR_FORMAT },
		{ "otpauth://totp/alice?secret=", PKIT_ERR_FORMAT },
		{ "otpauth://totp/alice?secret=1111", PKIT_ERR_FORMAT },
		{ "otpauth://hotp/alice?secret=JBSWY3DP&counter=1",
		  PKIT_ERR_UNSUPPORTED },
		{ "otpauth://xotp/alice?secret=JBSWY3DP", PKIT_ERR_FORMAT },
		{ "otpauth://totp/al%ZZice?secret=JBSWY3DP", PKIT_ERR_FORMAT },
		{ "otpauth://totp/alice%4?secret=JBSWY3DP", PKIT_ERR_FORMAT },
		{ "otpauth://totp/alice%00?secret=JBSWY3DP", PKIT_ERR_FORMAT },
		{ "otpauth://totp/alice?secret=JBSWY3DP%", PKIT_ERR_FORMAT },
		{ "otpauth://totp/alice?secret=JBSWY3DP&secret=JBSWY3DP",
		  PKIT_ERR_FORMAT },
		{ "otpauth://totp/alice?secret=JBSWY3DP&algorithm=MD5",
		  PKIT_ERR_UNSUPPORTED },
		{ "otpauth://totp/alice?secret=JBSWY3DP&digits=5",
		  PKIT_ERR_FORMAT },
		{ "otpauth://totp/alice?secret=JBSWY3DP&digits=9",
		  PKIT_ERR_FORMAT },
		{ "otpauth://totp/alice?secret=JBSWY3DP&digits=6x",
		  PKIT_ERR_FORMAT },
		{ "otpauth://totp/alice?secret=JBSWY3DP&digits=",
		  PKIT_ERR_FORMAT },
		{ "otpauth://totp/alice?secret=JBSWY3DP&period=0",
		  PKIT_ERR_FORMAT },
		{ "otpauth://totp/alice?secret=JBSWY3DP&period=-30",
		  PKIT_ERR_FORMAT },
		{ "otpauth://totp/alice?secret=JBSWY3DP&period=99999999999",
		  PKIT_ERR_FORMAT },
	};
	struct pkit_ctx ctx;
	struct pkit_otp *k;
	size_t i;

	(void)state;
	pkit_ctx_init(&ctx);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r;

		k = (struct pkit_otp *)&ctx;	/* must be reset to NULL */
		pkit_clearerr(&ctx);
		r = pkit_otp_parse(&ctx, "key.txt", bad[i].text,
		    strlen(bad[i].text), &k);
		if (r != bad[i].want)
			fail_msg("'%s': got %d (%s), wanted %d", bad[i].text,
			    r, ctx.errbuf, bad[i].want);
		assert_null(k);
		/* Every message names the file. */
		assert_true(strncmp(ctx.errbuf, "key.txt: ", 9) == 0);
	}
	/* An embedded NUL. */
	k = NULL;
	assert_int_equal(pkit_otp_parse(&ctx, "f", "JBSW\0Y3DP", 9, &k),
	    PKIT_ERR_FORMAT);
	assert_null(k);
	pkit_ctx_release(&ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hotp_rfc4226),
		cmocka_unit_test(test_totp_rfc6238),
		cmocka_unit_test(test_verify_vectors),
		cmocka_unit_test(test_verify_windows_and_format),
		cmocka_unit_test(test_alg_names),
		cmocka_unit_test(test_generate),
		cmocka_unit_test(test_url_round_trip),
		cmocka_unit_test(test_parse_forms),
		cmocka_unit_test(test_parse_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

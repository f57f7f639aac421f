/* test_kdf.c - password hashes: step's vectors, round trips, wrong
 * passwords and malformed or too costly PHC strings. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "lib/kdf.h"

/* Printed by step crypto kdf hash --insecure password (the examples of
 * smallstep/cli command/crypto/kdf/kdf.go); step's argon2 uses p=4. */
#define STEP_SCRYPT "$scrypt$ln=15,r=8,p=1$U8Fl1sO6LWkFeXs5GQS0vA$" \
	"Rj8nPeaBFQUzbU21N+hhm3I/s1WTxao7Dje4G6ZvO9Q"
#define STEP_ARGON2I "$argon2i$v=19$m=32768,t=3,p=4$H0IxAhFFO7fOu5K2RYTxxA$" \
	"ULEz/79vh3BtCcm7W/zRfJSpiEGULirrZ+PnHfspWKA"
#define STEP_ARGON2ID "$argon2id$v=19$m=65536,t=1,p=4$HDi5gI15NwJrKveh2AAa9Q$" \
	"30haKRwwUe5I4WfkPZPGmhJKTRTO+98x+sVnHhOHdK8"

static int
setup(void **state)
{
	(void)state;
	return sodium_init() < 0 ? -1 : 0;
}

static int
cmp(struct pkit_ctx *ctx, const char *phc, const char *pw)
{
	return pkit_kdf_compare(ctx, phc, pw, strlen(pw));
}

static void
test_step_vectors(void **state)
{
	struct pkit_ctx ctx;

	(void)state;
	pkit_ctx_init(&ctx);
	assert_int_equal(cmp(&ctx, STEP_SCRYPT, "password"), PKIT_OK);
	assert_int_equal(cmp(&ctx, STEP_SCRYPT, "Password"), PKIT_ERR_VERIFY);
	assert_string_equal(ctx.errbuf, "password does not match the hash");
	assert_int_equal(cmp(&ctx, STEP_ARGON2I, "password"), PKIT_OK);
	assert_int_equal(cmp(&ctx, STEP_ARGON2I, "passwore"), PKIT_ERR_VERIFY);
	assert_int_equal(cmp(&ctx, STEP_ARGON2ID, "password"), PKIT_OK);
	assert_int_equal(cmp(&ctx, STEP_ARGON2ID, ""), PKIT_ERR_VERIFY);
	pkit_ctx_release(&ctx);
}

static void
test_round_trips(void **state)
{
	static const struct {
		const char *alg, *prefix;
		size_t len;
	} v[] = {
		/* 16-byte salt and 32-byte hash in unpadded base64. */
		{ "scrypt", "$scrypt$ln=15,r=8,p=1$", 22 + 22 + 1 + 43 },
		{ "argon2id", "$argon2id$v=19$m=65536,t=2,p=1$", 31 + 22 + 1 + 43 },
		{ "argon2i", "$argon2i$v=19$m=32768,t=4,p=1$", 30 + 22 + 1 + 43 },
	};
	struct pkit_ctx ctx;
	char *a, *b;
	size_t i;

	(void)state;
	pkit_ctx_init(&ctx);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(pkit_kdf_hash(&ctx, v[i].alg, "s3cret pw", 9,
		    &a), PKIT_OK);
		assert_int_equal(strncmp(a, v[i].prefix, strlen(v[i].prefix)),
		    0);
		assert_int_equal(strlen(a), v[i].len);
		assert_int_equal(cmp(&ctx, a, "s3cret pw"), PKIT_OK);
		assert_int_equal(cmp(&ctx, a, "s3cret pW"), PKIT_ERR_VERIFY);
		assert_int_equal(cmp(&ctx, a, "s3cret p"), PKIT_ERR_VERIFY);
		/* A fresh salt each time. */
		assert_int_equal(pkit_kdf_hash(&ctx, v[i].alg, "s3cret pw", 9,
		    &b), PKIT_OK);
		assert_string_not_equal(a, b);
		free(a);
		free(b);
	}
	assert_int_equal(pkit_kdf_hash(&ctx, "bcrypt", "x", 1, &a),
	    PKIT_ERR_UNSUPPORTED);
	assert_null(a);
	pkit_ctx_release(&ctx);
}

/* libsodium's own scrypt strings ("$7$") are read too. */
static void
test_sodium_scrypt(void **state)
{
	struct pkit_ctx ctx;
	char s[crypto_pwhash_scryptsalsa208sha256_STRBYTES];

	(void)state;
	pkit_ctx_init(&ctx);
	assert_int_equal(crypto_pwhash_scryptsalsa208sha256_str(s, "pw", 2,
	    crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_INTERACTIVE), 0);
	assert_int_equal(cmp(&ctx, s, "pw"), PKIT_OK);
	assert_int_equal(cmp(&ctx, s, "pv"), PKIT_ERR_VERIFY);
	s[20] = '\0';
	assert_int_equal(cmp(&ctx, s, "pw"), PKIT_ERR_FORMAT);
	pkit_ctx_release(&ctx);
}

static void
test_malformed(void **state)
{
	static const char *bad[] = {
		"",
		"password",
		"$scrypt$",
		"$scrypt$ln=15,r=8$U8Fl1sO6LWkFeXs5GQS0vA$Rj8nPeaBFQUzbU21N+hhm3I/s1WTxao7Dje4G6ZvO9Q",
		"$scrypt$ln=15,r=8,p=1,x=2$U8Fl1sO6LWkFeXs5GQS0vA$Rj8nPeaBFQUzbU21N+hhm3I/s1WTxao7Dje4G6ZvO9Q",
		"$scrypt$ln=15,r=8,p=1,$U8Fl1sO6LWkFeXs5GQS0vA$Rj8nPeaBFQUzbU21N+hhm3I/s1WTxao7Dje4G6ZvO9Q",
		"$scrypt$ln=15,ln=15,r=8$U8Fl1sO6LWkFeXs5GQS0vA$Rj8nPeaBFQUzbU21N+hhm3I/s1WTxao7Dje4G6ZvO9Q",
		"$scrypt$ln=015,r=8,p=1$U8Fl1sO6LWkFeXs5GQS0vA$Rj8nPeaBFQUzbU21N+hhm3I/s1WTxao7Dje4G6ZvO9Q",
		"$scrypt$ln=15,r=8,p=0$U8Fl1sO6LWkFeXs5GQS0vA$Rj8nPeaBFQUzbU21N+hhm3I/s1WTxao7Dje4G6ZvO9Q",
		"$scrypt$ln=15,r=-8,p=1$U8Fl1sO6LWkFeXs5GQS0vA$Rj8nPeaBFQUzbU21N+hhm3I/s1WTxao7Dje4G6ZvO9Q",
		"$scrypt$ln=15,r=8,p=1$U8Fl1sO6LWkF!Xs5GQS0vA$Rj8nPeaBFQUzbU21N+hhm3I/s1WTxao7Dje4G6ZvO9Q",
		"$scrypt$ln=15,r=8,p=1$U8Fl1sO6LWkFeXs5GQS0vA$Rj8nPeaBFQUzbU21N+hhm3I/s1WTxao7Dje4G6ZvO9Q$",
		"$scrypt$ln=15,r=8,p=1$U8Fl1sO6LWkFeXs5GQS0vA$Rj8nPeaB",
		"$scrypt$ln=15,r=8,p=1$$Rj8nPeaBFQUzbU21N+hhm3I/s1WTxao7Dje4G6ZvO9Q",
		"$scrypt$ln=15,r=8,p=1$U8Fl1sO6LWkFeXs5GQS0vA$Rj8nPeaBFQUzbU21N+hhm3I/s1WTxao7Dje4G6ZvO9Q ",
		/* Too costly: 2^24 * 128 * 8 bytes is 16 GiB. */
		"$scrypt$ln=24,r=8,p=1$U8Fl1sO6LWkFeXs5GQS0vA$Rj8nPeaBFQUzbU21N+hhm3I/s1WTxao7Dje4G6ZvO9Q",
		"$scrypt$ln=15,r=8,p=99$U8Fl1sO6LWkFeXs5GQS0vA$Rj8nPeaBFQUzbU21N+hhm3I/s1WTxao7Dje4G6ZvO9Q",
		"$argon2id$v=19$m=4194304,t=1,p=4$HDi5gI15NwJrKveh2AAa9Q$30haKRwwUe5I4WfkPZPGmhJKTRTO+98x+sVnHhOHdK8",
		"$argon2id$v=19$m=65536,t=1,p=4$HDi5gI15NwJrKveh2AAa9Q",
		"$argon2id$v=19$m=65536,t=1$HDi5gI15NwJrKveh2AAa9Q$30haKRwwUe5I4WfkPZPGmhJKTRTO+98x+sVnHhOHdK8",
		"$argon2i$v=19$m=65536,t=1,p=4$HDi5gI15NwJrKveh2AAa9Q$30haKRwwUe5I4Wf!PZPGmhJKTRTO+98x+sVnHhOHdK8",
		"$7$short",
	};
	struct pkit_ctx ctx;
	size_t i;

	(void)state;
	pkit_ctx_init(&ctx);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = cmp(&ctx, bad[i], "password");

		if (r != PKIT_ERR_FORMAT)
			fail_msg("case %zu (%s): %d, not a format error", i,
			    bad[i], r);
		assert_non_null(strstr(ctx.errbuf, "not a valid password hash"));
	}
	assert_int_equal(cmp(&ctx,
	    "$2a$10$EgTYeokp/EhvlMpaDYX56O67M/Ve4JyTl9DHwailYYFOBT3COSTuy",
	    "password"), PKIT_ERR_UNSUPPORTED);
	assert_non_null(strstr(ctx.errbuf, "bcrypt"));
	pkit_ctx_release(&ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_step_vectors),
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_sodium_scrypt),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}

/* test_jwt_lint.c - the JWT rule table: each rule fires on a token made
 * to break it, and a sound token passes them all. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/codec.h"
#include "lib/jwk.h"
#include "lib/jws.h"
#include "lib/jwt_lint.h"

#define NOW 1700000000

static struct pkit_ctx ctx;
static struct pkit_jwk_key *eckey;

static int
setup(void **state)
{
	struct pkit_jwk_spec spec = { "EC", "P-256", 0, 0, 0 };
	json_t *j = NULL;

	(void)state;
	pkit_ctx_init(&ctx);
	ctx.fixed_now = NOW;
	if (pkit_jwk_generate(&ctx, &spec, &j) != 0 ||
	    pkit_jwk_key_new(&ctx, j, &eckey) != 0)
		return -1;
	json_decref(j);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	pkit_jwk_key_free(eckey);
	pkit_ctx_release(&ctx);
	return 0;
}

/* header.claims.<sig of siglen bytes> with raw JSON texts. */
static char *
token(const char *header, const char *claims, size_t siglen)
{
	unsigned char sig[512];
	char *h, *c, *s, *t;
	size_t n;

	memset(sig, 7, sizeof(sig));
	assert_int_equal(pkit_b64_encode(&ctx, PKIT_B64_URL_RAW,
	    (const unsigned char *)header, strlen(header), &h), PKIT_OK);
	assert_int_equal(pkit_b64_encode(&ctx, PKIT_B64_URL_RAW,
	    (const unsigned char *)claims, strlen(claims), &c), PKIT_OK);
	assert_int_equal(pkit_b64_encode(&ctx, PKIT_B64_URL_RAW, sig, siglen,
	    &s), PKIT_OK);
	n = strlen(h) + strlen(c) + strlen(s) + 3;
	t = malloc(n);
	snprintf(t, n, "%s.%s.%s", h, c, s);
	free(h);
	free(c);
	free(s);
	return t;
}

static struct pkit_jwt_lint_report *
lint(const char *tok, const struct pkit_jwt_lint_opts *o)
{
	struct pkit_jwt_lint_opts none;
	struct pkit_jwt_lint_report *r = NULL;

	memset(&none, 0, sizeof(none));
	assert_int_equal(pkit_jwt_lint(&ctx, tok, strlen(tok), o ? o : &none,
	    &r), PKIT_OK);
	return r;
}

static int
has(const struct pkit_jwt_lint_report *r, const char *id)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->findings[i].rule->id, id) == 0)
			return 1;
	return 0;
}

/* Lint and check that rule id fires (or not). */
static void
expect(const char *hdr, const char *claims, size_t siglen,
    const struct pkit_jwt_lint_opts *o, const char *id, int fires)
{
	char *t = token(hdr, claims, siglen);
	struct pkit_jwt_lint_report *r = lint(t, o);

	if (has(r, id) != fires)
		fail_msg("rule %s %s on %s / %s", id, fires ? "did not fire" :
		    "fired", hdr, claims);
	pkit_jwt_lint_report_free(r);
	free(t);
}

#define GOOD_HDR "{\"alg\":\"ES256\",\"kid\":\"k1\",\"typ\":\"JWT\"}"
#define GOOD_CLAIMS "{\"iss\":\"me\",\"sub\":\"you\",\"aud\":\"svc\"," \
    "\"iat\":1700000000,\"nbf\":1700000000,\"exp\":1700000300,\"jti\":\"1\"}"

static void
test_table(void **state)
{
	size_t i, j, n = pkit_jwt_lint_rule_count();

	(void)state;
	assert_true(n >= 20);
	for (i = 0; i < n; i++) {
		const struct pkit_jwt_lint_rule *r = pkit_jwt_lint_rule(i);

		assert_non_null(r->id);
		assert_non_null(r->source);
		assert_non_null(r->summary);
		assert_true(r->level >= PKIT_LINT_NOTICE &&
		    r->level <= PKIT_LINT_ERROR);
		for (j = 0; j < i; j++)
			assert_string_not_equal(r->id, pkit_jwt_lint_rule(j)->id);
	}
	assert_null(pkit_jwt_lint_rule(n));
}

static void
test_clean_token(void **state)
{
	struct pkit_jwt_lint_opts o;
	struct pkit_jwt_lint_report *r;
	json_t *claims, *hdr;
	char *tok = NULL;

	(void)state;
	claims = json_loads(GOOD_CLAIMS, 0, NULL);
	hdr = json_pack("{s:s}", "kid", "k1");
	assert_int_equal(pkit_jwt_sign(&ctx, eckey, NULL, hdr, claims, 0, &tok),
	    PKIT_OK);
	memset(&o, 0, sizeof(o));
	o.key = eckey;
	r = lint(tok, &o);
	assert_int_equal(r->n, 0);
	assert_int_equal(r->errors, 0);
	assert_true(r->applied > 25);
	pkit_jwt_lint_report_free(r);
	free(tok);
	json_decref(claims);
	json_decref(hdr);
}

static void
test_rules_fire(void **state)
{
	struct pkit_jwt_lint_opts o;

	(void)state;
	memset(&o, 0, sizeof(o));
	expect(GOOD_HDR, GOOD_CLAIMS, 64, NULL, "header.alg.none", 0);
	expect("{\"alg\":\"none\"}", GOOD_CLAIMS, 0, NULL, "header.alg.none", 1);
	expect("{\"typ\":\"JWT\"}", GOOD_CLAIMS, 64, NULL, "header.alg.missing",
	    1);
	expect("{\"alg\":\"XS256\"}", GOOD_CLAIMS, 64, NULL,
	    "header.alg.unknown", 1);
	expect("{\"alg\":\"HS256\"}", GOOD_CLAIMS, 32, NULL, "header.alg.hmac",
	    1);
	expect("{\"alg\":\"ES256\"}", GOOD_CLAIMS, 64, NULL,
	    "header.typ.missing", 1);
	expect("{\"alg\":\"ES256\",\"typ\":\"foo\"}", GOOD_CLAIMS, 64, NULL,
	    "header.typ.not-jwt", 1);
	expect("{\"alg\":\"ES256\",\"typ\":\"at+jwt\"}", GOOD_CLAIMS, 64, NULL,
	    "header.typ.not-jwt", 0);
	o.typ = "at+jwt";
	expect(GOOD_HDR, GOOD_CLAIMS, 64, &o, "header.typ.unexpected", 1);
	o.typ = NULL;
	expect("{\"alg\":\"ES256\",\"jku\":\"https://evil/k\"}", GOOD_CLAIMS,
	    64, NULL, "header.jku", 1);
	expect("{\"alg\":\"ES256\",\"x5u\":\"https://evil/c\"}", GOOD_CLAIMS,
	    64, NULL, "header.x5u", 1);
	expect("{\"alg\":\"ES256\",\"jwk\":{\"kty\":\"oct\"}}", GOOD_CLAIMS, 64,
	    NULL, "header.jwk", 1);
	expect("{\"alg\":\"ES256\",\"x5c\":[\"AA\"]}", GOOD_CLAIMS, 64, NULL,
	    "header.x5c", 1);
	expect("{\"alg\":\"ES256\",\"crit\":[\"x\"],\"x\":1}", GOOD_CLAIMS, 64,
	    NULL, "header.crit", 1);
	expect("{\"alg\":\"ES256\",\"cty\":\"JWT\"}", GOOD_CLAIMS, 64, NULL,
	    "header.cty.jwt", 1);
	expect("{\"alg\":\"ES256\",\"b64\":false}", GOOD_CLAIMS, 64, NULL,
	    "header.b64", 1);
	expect("{\"alg\":\"ES256\"}", GOOD_CLAIMS, 0, NULL, "signature.missing",
	    1);
	/* A DER-encoded ECDSA signature is longer than R||S. */
	expect("{\"alg\":\"ES256\"}", GOOD_CLAIMS, 71, NULL, "signature.length",
	    1);
	expect("{\"alg\":\"ES256\"}", GOOD_CLAIMS, 64, NULL, "signature.length",
	    0);
	/* Claims. */
	expect(GOOD_HDR, "[1,2]", 64, NULL, "claims.not-object", 1);
	expect(GOOD_HDR, "{\"iss\":\"a\"}", 64, NULL, "claims.exp.missing", 1);
	expect(GOOD_HDR, "{\"iss\":\"a\"}", 64, NULL, "claims.iat.missing", 1);
	expect(GOOD_HDR, "{\"iss\":\"a\"}", 64, NULL, "claims.aud.missing", 1);
	expect(GOOD_HDR, "{\"aud\":\"a\"}", 64, NULL, "claims.iss.missing", 1);
	expect(GOOD_HDR, "{\"aud\":\"a\"}", 64, NULL, "claims.sub.missing", 1);
	expect(GOOD_HDR, "{\"aud\":\"a\"}", 64, NULL, "claims.jti.missing", 1);
	expect(GOOD_HDR, "{\"exp\":1600000000}", 64, NULL,
	    "claims.exp.expired", 1);
	expect(GOOD_HDR, "{\"exp\":1700000030}", 64, NULL,
	    "claims.exp.expired", 0);
	expect(GOOD_HDR, "{\"nbf\":1800000000,\"exp\":1800000300}", 64, NULL,
	    "claims.nbf.future", 1);
	expect(GOOD_HDR, "{\"iat\":1700000500}", 64, NULL, "claims.iat.future",
	    1);
	expect(GOOD_HDR, "{\"iat\":1700000050}", 64, NULL, "claims.iat.future",
	    0);
	expect(GOOD_HDR, "{\"nbf\":1700000400,\"exp\":1700000300}", 64, NULL,
	    "claims.nbf.after-exp", 1);
	expect(GOOD_HDR, "{\"iat\":1700000400,\"exp\":1700000300}", 64, NULL,
	    "claims.iat.after-exp", 1);
	expect(GOOD_HDR, "{\"iat\":1700000000,\"exp\":1800000000}", 64, NULL,
	    "claims.lifetime", 1);
	o.max_lifetime = 365L * 24 * 3600 * 10;
	expect(GOOD_HDR, "{\"iat\":1700000000,\"exp\":1800000000}", 64, &o,
	    "claims.lifetime", 0);
	o.max_lifetime = 0;
	expect(GOOD_HDR, "{\"exp\":\"tomorrow\"}", 64, NULL, "claims.time.type",
	    1);
	expect(GOOD_HDR, "{\"exp\":1700000300000}", 64, NULL,
	    "claims.time.millis", 1);
	expect(GOOD_HDR, "{\"aud\":[\"a\",2]}", 64, NULL, "claims.aud.type", 1);
	expect(GOOD_HDR, "{\"aud\":[\"a\",\"b\"]}", 64, NULL, "claims.aud.type",
	    0);
	expect(GOOD_HDR, "{\"iss\":42}", 64, NULL, "claims.string.type", 1);
	expect(GOOD_HDR, "{\"iss\":\"a\",\"iss\":\"b\"}", 64, NULL,
	    "token.duplicate-member", 1);
}

static void
test_keys_and_sets(void **state)
{
	struct pkit_jwt_lint_opts o;
	struct pkit_jwk_key *shortk = NULL;
	json_t *j, *set;

	(void)state;
	memset(&o, 0, sizeof(o));
	j = json_pack("{s:s,s:s}", "kty", "oct", "k", "c2hvcnQta2V5");
	assert_int_equal(pkit_jwk_key_new(&ctx, j, &shortk), PKIT_OK);
	json_decref(j);
	o.key = shortk;
	expect("{\"alg\":\"HS256\"}", GOOD_CLAIMS, 32, &o, "key.hmac-short", 1);
	expect("{\"alg\":\"HS256\"}", GOOD_CLAIMS, 32, &o, "signature.invalid",
	    1);
	/* An HS256 token checked against an EC key: alg confusion. */
	o.key = eckey;
	expect("{\"alg\":\"HS256\"}", GOOD_CLAIMS, 32, &o, "key.alg-mismatch",
	    1);
	expect("{\"alg\":\"ES256\"}", GOOD_CLAIMS, 64, &o, "key.alg-mismatch", 0);
	expect("{\"alg\":\"ES256\"}", GOOD_CLAIMS, 64, &o, "signature.invalid",
	    1);
	o.key = NULL;
	set = json_loads("{\"keys\":[{\"kty\":\"oct\",\"kid\":\"k1\",\"k\":\"AA\"}]}",
	    0, NULL);
	o.jwks = set;
	expect("{\"alg\":\"ES256\"}", GOOD_CLAIMS, 64, &o, "header.kid.missing",
	    1);
	expect("{\"alg\":\"ES256\",\"kid\":\"k2\"}", GOOD_CLAIMS, 64, &o,
	    "header.kid.unknown", 1);
	expect("{\"alg\":\"ES256\",\"kid\":\"k1\"}", GOOD_CLAIMS, 64, &o,
	    "header.kid.unknown", 0);
	json_decref(set);
	pkit_jwk_key_free(shortk);
}

static void
test_malformed_and_output(void **state)
{
	struct pkit_jwt_lint_opts o;
	struct pkit_jwt_lint_report *r;
	char *big, *t, *text = NULL;
	size_t i;

	(void)state;
	memset(&o, 0, sizeof(o));
	r = lint("not a token", &o);
	assert_int_equal(r->errors, 1);
	assert_true(has(r, "token.malformed"));
	pkit_jwt_lint_report_free(r);
	r = lint("a.b.c.d.e", &o);
	assert_true(has(r, "token.malformed"));
	assert_non_null(strstr(r->findings[0].message, "JWE"));
	pkit_jwt_lint_report_free(r);
	r = lint("e30.e30.", &o);	/* {} . {} . (empty) */
	assert_true(has(r, "header.alg.missing"));
	pkit_jwt_lint_report_free(r);
	/* An oversized token. */
	big = malloc(12000);
	memset(big, 'a', 11000);
	big[11000] = '\0';
	i = strlen("{\"x\":\"");
	memcpy(big, "{\"x\":\"", i);
	memcpy(big + 10990, "\"}", 3);
	t = token(GOOD_HDR, big, 64);
	r = lint(t, &o);
	assert_true(has(r, "token.size"));
	pkit_jwt_lint_report_free(r);
	free(t);
	free(big);
	/* Output: text lines and a summary; JSON with the same counts. */
	t = token("{\"alg\":\"none\"}", "{}", 0);
	r = lint(t, &o);
	assert_int_equal(pkit_jwt_lint_report_text(&ctx, r, "tok", &text),
	    PKIT_OK);
	assert_true(strncmp(text, "tok: error: header.alg.none: ", 29) == 0);
	assert_non_null(strstr(text, "[RFC 8725 3.1]\n"));
	assert_non_null(strstr(text, "tok: 2 errors, "));
	free(text);
	assert_int_equal(pkit_jwt_lint_report_json(&ctx, r, "tok", &text),
	    PKIT_OK);
	{
		json_t *j = json_loads(text, 0, NULL);

		assert_non_null(j);
		assert_int_equal(json_integer_value(json_object_get(j,
		    "errors")), (json_int_t)r->errors);
		assert_string_equal(json_string_value(json_object_get(
		    json_array_get(json_object_get(j, "findings"), 0), "id")),
		    "header.alg.none");
		json_decref(j);
	}
	free(text);
	pkit_jwt_lint_report_free(r);
	free(t);
	assert_int_equal(pkit_jwt_lint_rules_render(&ctx, 0, &text), PKIT_OK);
	assert_non_null(strstr(text, "claims.exp.missing"));
	free(text);
	assert_int_equal(pkit_jwt_lint_rules_render(&ctx, 1, &text), PKIT_OK);
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_clean_token),
		cmocka_unit_test(test_rules_fire),
		cmocka_unit_test(test_keys_and_sets),
		cmocka_unit_test(test_malformed_and_output),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

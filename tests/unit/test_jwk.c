/* test_jwk.c - JWK conversion, thumbprints (RFC 7517, 7638, 8037 vectors),
 * strict parsing, generation, JWK Sets and encrypted JWKs. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/jwe.h"
#include "lib/jwk.h"
#include "lib/key.h"

/* RFC 7517 appendix A.1 and A.2. */
static const char rsa_pub[] =
    "{\"kty\":\"RSA\","
    "\"n\":\"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw\","
    "\"e\":\"AQAB\",\"alg\":\"RS256\",\"kid\":\"2011-04-29\"}";
static const char rsa_priv[] =
    "{\"kty\":\"RSA\","
    "\"n\":\"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw\","
    "\"e\":\"AQAB\","
    "\"d\":\"X4cTteJY_gn4FYPsXB8rdXix5vwsg1FLN5E3EaG6RJoVH-HLLKD9M7dx5oo7GURknchnrRweUkC7hT5fJLM0WbFAKNLWY2vv7B6NqXSzUvxT0_YSfqijwp3RTzlBaCxWp4doFk5N2o8Gy_nHNKroADIkJ46pRUohsXywbReAdYaMwFs9tv8d_cPVY3i07a3t8MN6TNwm0dSawm9v47UiCl3Sk5ZiG7xojPLu4sbg1U2jx4IBTNBznbJSzFHK66jT8bgkuqsk0GjskDJk19Z4qwjwbsnn4j2WBii3RL-Us2lGVkY8fkFzme1z0HbIkfz0Y6mqnOYtqc0X4jfcKoAC8Q\","
    "\"p\":\"83i-7IvMGXoMXCskv73TKr8637FiO7Z27zv8oj6pbWUQyLPQBQxtPVnwD20R-60eTDmD2ujnMt5PoqMrm8RfmNhVWDtjjMmCMjOpSXicFHj7XOuVIYQyqVWlWEh6dN36GVZYk93N8Bc9vY41xy8B9RzzOGVQzXvNEvn7O0nVbfs\","
    "\"q\":\"3dfOR9cuYq-0S-mkFLzgItgMEfFzB2q3hWehMuG0oCuqnb3vobLyumqjVZQO1dIrdwgTnCdpYzBcOfW5r370AFXjiWft_NGEiovonizhKpo9VVS78TzFgxkIdrecRezsZ-1kYd_s1qDbxtkDEgfAITAG9LUnADun4vIcb6yelxk\","
    "\"dp\":\"G4sPXkc6Ya9y8oJW9_ILj4xuppu0lzi_H7VTkS8xj5SdX3coE0oimYwxIi2emTAue0UOa5dpgFGyBJ4c8tQ2VF402XRugKDTP8akYhFo5tAA77Qe_NmtuYZc3C3m3I24G2GvR5sSDxUyAN2zq8Lfn9EUms6rY3Ob8YeiKkTiBj0\","
    "\"dq\":\"s9lAH9fggBsoFR8Oac2R_E2gw282rT2kGOAhvIllETE1efrA6huUUvMfBcMpn8lqeW6vzznYY5SSQF7pMdC_agI3nG8Ibp1BUb0JUiraRNqUfLhcQb_d9GF4Dh7e74WbRsobRonujTYN1xCaP6TO61jvWrX-L18txXw494Q_cgk\","
    "\"qi\":\"GyM_p6JrXySiz1toFgKbWV-JdI3jQ4ypu9rbMWx3rQJBfmt0FoYzgUIZEVFEcOqwemRN81zoDAaa-Bk0KWNGDjJHZDdDmFhW3AN7lI-puxk_mHZGJ11rxyR8O55XLSe3SPmRfKwZI6yU24ZxvQKFYItdldUKGzO6Ia6zTKhAVRU\","
    "\"alg\":\"RS256\",\"kid\":\"2011-04-29\"}";
static const char ec_priv[] =
    "{\"kty\":\"EC\",\"crv\":\"P-256\","
    "\"x\":\"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4\","
    "\"y\":\"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM\","
    "\"d\":\"870MB6gfuTJ4HtUnUvYMyJpr5eUZNP4Bk43bVdj3eAE\","
    "\"use\":\"enc\",\"kid\":\"1\"}";
/* RFC 8037 appendix A.1. */
static const char ed_priv[] =
    "{\"kty\":\"OKP\",\"crv\":\"Ed25519\","
    "\"d\":\"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A\","
    "\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}";

static json_t *
load(const char *s)
{
	json_error_t e;
	json_t *o = json_loads(s, 0, &e);

	assert_non_null(o);
	return o;
}

static void
test_thumbprint_rfc7638(void **state)
{
	struct pkit_ctx ctx;
	json_t *k = load(rsa_pub);
	char *tp = NULL;

	(void)state;
	pkit_ctx_init(&ctx);
	assert_int_equal(pkit_jwk_thumbprint(&ctx, k, &tp), PKIT_OK);
	assert_string_equal(tp, "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
	free(tp);
	json_decref(k);
	/* RFC 8037 A.3: the Ed25519 key's thumbprint. */
	k = load(ed_priv);
	assert_int_equal(pkit_jwk_thumbprint(&ctx, k, &tp), PKIT_OK);
	assert_string_equal(tp, "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
	free(tp);
	json_decref(k);
	/* Members that are not in the thumbprint do not change it. */
	k = load("{\"kty\":\"oct\",\"k\":\"AAAA\",\"kid\":\"x\"}");
	assert_int_equal(pkit_jwk_thumbprint(&ctx, k, &tp), PKIT_OK);
	free(tp);
	json_decref(k);
	k = load("{\"kty\":\"EC\",\"crv\":\"P-256\"}");
	assert_int_equal(pkit_jwk_thumbprint(&ctx, k, &tp), PKIT_ERR_FORMAT);
	json_decref(k);
	pkit_ctx_release(&ctx);
}

/* A JWK becomes a key and comes back the same. */
static void
roundtrip(const char *text, int priv)
{
	static const char *members[] = { "kty", "crv", "x", "y", "n", "e",
	    "d", "p", "q", "dp", "dq", "qi", NULL };
	struct pkit_ctx ctx;
	json_t *in = load(text), *out = NULL;
	EVP_PKEY *key = NULL;
	size_t i;

	pkit_ctx_init(&ctx);
	assert_int_equal(pkit_jwk_to_key(&ctx, in, &key), PKIT_OK);
	assert_int_equal(pkit_key_has_private(key), priv);
	assert_int_equal(pkit_jwk_from_key(&ctx, key, priv, &out), PKIT_OK);
	for (i = 0; members[i] != NULL; i++) {
		json_t *a = json_object_get(in, members[i]);
		json_t *b = json_object_get(out, members[i]);

		if (a == NULL) {
			assert_null(b);
			continue;
		}
		assert_non_null(b);
		assert_string_equal(json_string_value(a), json_string_value(b));
	}
	pkit_jwk_free(out);
	EVP_PKEY_free(key);
	pkit_jwk_free(in);
	pkit_ctx_release(&ctx);
}

static void
test_roundtrip(void **state)
{
	(void)state;
	roundtrip(rsa_pub, 0);
	roundtrip(rsa_priv, 1);
	roundtrip(ec_priv, 1);
	roundtrip(ed_priv, 1);
	roundtrip("{\"kty\":\"EC\",\"crv\":\"P-256\","
	    "\"x\":\"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4\","
	    "\"y\":\"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM\"}", 0);
}

static void
expect_bad(const char *text, int code)
{
	struct pkit_ctx ctx;
	json_t *in = load(text);
	EVP_PKEY *key = (EVP_PKEY *)&ctx;	/* must stay untouched */

	pkit_ctx_init(&ctx);
	assert_int_equal(pkit_jwk_to_key(&ctx, in, &key), code);
	assert_ptr_equal(key, (EVP_PKEY *)&ctx);
	assert_true(strncmp(ctx.errbuf, "JWK: ", 5) == 0);
	json_decref(in);
	pkit_ctx_release(&ctx);
}

static void
test_strict(void **state)
{
	(void)state;
	/* y changed: the point is not on the curve. */
	expect_bad("{\"kty\":\"EC\",\"crv\":\"P-256\","
	    "\"x\":\"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4\","
	    "\"y\":\"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyQ\"}",
	    PKIT_ERR_FORMAT);
	/* A short coordinate. */
	expect_bad("{\"kty\":\"EC\",\"crv\":\"P-256\","
	    "\"x\":\"KBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4\","
	    "\"y\":\"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM\"}",
	    PKIT_ERR_FORMAT);
	/* d that is not the private key of x/y. */
	expect_bad("{\"kty\":\"EC\",\"crv\":\"P-256\","
	    "\"x\":\"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4\","
	    "\"y\":\"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM\","
	    "\"d\":\"870MB6gfuTJ4HtUnUvYMyJpr5eUZNP4Bk43bVdj3eAF\"}",
	    PKIT_ERR_FORMAT);
	/* Ed25519 x that is not the public key of d. */
	expect_bad("{\"kty\":\"OKP\",\"crv\":\"Ed25519\","
	    "\"d\":\"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A\","
	    "\"x\":\"21qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}",
	    PKIT_ERR_FORMAT);
	expect_bad("{\"kty\":\"EC\",\"crv\":\"P-192\",\"x\":\"AA\",\"y\":\"AA\"}",
	    PKIT_ERR_UNSUPPORTED);
	expect_bad("{\"kty\":\"RSA\",\"e\":\"AQAB\"}", PKIT_ERR_FORMAT);
	expect_bad("{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQ+B\"}",
	    PKIT_ERR_FORMAT);
	expect_bad("{\"kty\":\"oct\",\"k\":\"AAAA\"}", PKIT_ERR_ARG);
	expect_bad("{\"crv\":\"P-256\"}", PKIT_ERR_FORMAT);
	expect_bad("{\"kty\":\"XYZ\"}", PKIT_ERR_UNSUPPORTED);
}

static void
test_public_and_wipe(void **state)
{
	struct pkit_ctx ctx;
	json_t *k = load(rsa_priv), *pub = NULL, *d;
	const char *s;
	size_t i, n;

	(void)state;
	pkit_ctx_init(&ctx);
	assert_true(pkit_jwk_is_private(k));
	assert_int_equal(pkit_jwk_public(&ctx, k, &pub), PKIT_OK);
	assert_false(pkit_jwk_is_private(pub));
	assert_null(json_object_get(pub, "d"));
	assert_null(json_object_get(pub, "qi"));
	assert_string_equal(json_string_value(json_object_get(pub, "kid")),
	    "2011-04-29");
	/* Wiping zeroes the private strings in place. */
	d = json_object_get(k, "d");
	s = json_string_value(d);
	n = json_string_length(d);
	pkit_jwk_wipe(k);
	for (i = 0; i < n; i++)
		assert_int_equal(s[i], 0);
	/* ... but not a string that another value shares. */
	json_decref(k);
	k = load(ec_priv);
	d = json_incref(json_object_get(k, "d"));
	pkit_jwk_wipe(k);
	assert_string_equal(json_string_value(d),
	    "870MB6gfuTJ4HtUnUvYMyJpr5eUZNP4Bk43bVdj3eAE");
	json_decref(d);
	pkit_jwk_free(k);
	pkit_jwk_free(pub);
	k = load("{\"kty\":\"oct\",\"k\":\"AAAA\"}");
	assert_int_equal(pkit_jwk_public(&ctx, k, &pub), PKIT_ERR_ARG);
	pkit_jwk_free(k);
	pkit_ctx_release(&ctx);
}

static void
test_generate_and_defaults(void **state)
{
	static const struct {
		const char *kty, *crv, *sig, *enc;
	} t[] = {
		{ "EC", NULL, "ES256", "ECDH-ES" },
		{ "EC", "P-384", "ES384", "ECDH-ES" },
		{ "EC", "P-521", "ES512", "ECDH-ES" },
		{ "OKP", NULL, "EdDSA", NULL },
		{ "OKP", "X25519", NULL, "ECDH-ES" },
		{ "RSA", NULL, "RS256", "RSA-OAEP-256" },
		{ "oct", NULL, "HS256", "A256GCMKW" },
	};
	struct pkit_jwk_spec spec;
	struct pkit_jwk_key *key = NULL;
	struct pkit_ctx ctx;
	json_t *k;
	size_t i;

	(void)state;
	pkit_ctx_init(&ctx);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const char *a;

		memset(&spec, 0, sizeof(spec));
		spec.kty = t[i].kty;
		spec.crv = t[i].crv;
		assert_int_equal(pkit_jwk_generate(&ctx, &spec, &k), PKIT_OK);
		assert_true(pkit_jwk_is_private(k));
		assert_int_equal(pkit_jwk_key_new(&ctx, k, &key), PKIT_OK);
		assert_string_equal(key->kty, t[i].kty);
		assert_true(key->is_private);
		a = pkit_jwk_default_alg(k, "sig");
		if (t[i].sig == NULL)
			assert_null(a);
		else
			assert_string_equal(a, t[i].sig);
		a = pkit_jwk_default_alg(k, "enc");
		if (t[i].enc == NULL)
			assert_null(a);
		else
			assert_string_equal(a, t[i].enc);
		pkit_jwk_key_free(key);
		pkit_jwk_free(k);
	}
	/* oct: 32 bytes by default, under 16 needs insecure. */
	memset(&spec, 0, sizeof(spec));
	spec.kty = "oct";
	assert_int_equal(pkit_jwk_generate(&ctx, &spec, &k), PKIT_OK);
	assert_int_equal(pkit_jwk_key_new(&ctx, k, &key), PKIT_OK);
	assert_int_equal(key->secret_len, 32);
	pkit_jwk_key_free(key);
	pkit_jwk_free(k);
	spec.size = 8;
	assert_int_equal(pkit_jwk_generate(&ctx, &spec, &k), PKIT_ERR_INSECURE);
	spec.insecure = 1;
	assert_int_equal(pkit_jwk_generate(&ctx, &spec, &k), PKIT_OK);
	pkit_jwk_free(k);
	pkit_ctx_release(&ctx);
}

static void
test_keyset(void **state)
{
	struct pkit_ctx ctx;
	json_t *set = json_object(), *a = load(rsa_pub), *b = load(ec_priv);
	size_t n = 0;

	(void)state;
	pkit_ctx_init(&ctx);
	assert_int_equal(pkit_jwks_add(&ctx, set, a), PKIT_OK);
	assert_int_equal(pkit_jwks_add(&ctx, set, b), PKIT_OK);
	/* The same kid and kty again is refused. */
	assert_int_equal(pkit_jwks_add(&ctx, set, a), PKIT_ERR_EXISTS);
	assert_ptr_equal(pkit_jwks_find(set, "1"), b);
	assert_ptr_equal(pkit_jwks_find(set, "2011-04-29"), a);
	assert_null(pkit_jwks_find(set, "nope"));
	assert_int_equal(pkit_jwks_remove(&ctx, set, "1", &n), PKIT_OK);
	assert_int_equal(n, 1);
	assert_null(pkit_jwks_find(set, "1"));
	assert_int_equal(pkit_jwks_remove(&ctx, set, "1", &n), PKIT_OK);
	assert_int_equal(n, 0);
	json_decref(a);
	pkit_jwk_free(b);
	pkit_jwks_free(set);
	pkit_ctx_release(&ctx);
}

static void
test_encrypted(void **state)
{
	struct pkit_ctx ctx;
	struct pkit_jwe *jwe = NULL;
	json_t *k = load(ec_priv), *back = NULL, *h;
	char *enc = NULL;

	(void)state;
	pkit_ctx_init(&ctx);
	/* step's parameters: PBES2-HS256+A128KW, p2c 600000, A256GCM. */
	assert_int_equal(pkit_jwk_encrypt(&ctx, k, "correct horse", 0, 0, &enc),
	    PKIT_OK);
	assert_true(pkit_jwk_data_is_encrypted((unsigned char *)enc,
	    strlen(enc)));
	assert_int_equal(pkit_jwe_parse(&ctx, enc, strlen(enc), "t", &jwe),
	    PKIT_OK);
	h = jwe->protected;
	assert_string_equal(json_string_value(json_object_get(h, "alg")),
	    "PBES2-HS256+A128KW");
	assert_string_equal(json_string_value(json_object_get(h, "enc")),
	    "A256GCM");
	assert_string_equal(json_string_value(json_object_get(h, "cty")),
	    "jwk+json");
	assert_int_equal(json_integer_value(json_object_get(h, "p2c")), 600000);
	assert_true(pkit_jwe_needs_password(jwe));
	pkit_jwe_free(jwe);
	assert_int_equal(pkit_jwk_decrypt(&ctx, (unsigned char *)enc,
	    strlen(enc), "correct horse", "t", &back), PKIT_OK);
	assert_string_equal(json_string_value(json_object_get(back, "d")),
	    "870MB6gfuTJ4HtUnUvYMyJpr5eUZNP4Bk43bVdj3eAE");
	pkit_jwk_free(back);
	back = NULL;
	assert_int_equal(pkit_jwk_decrypt(&ctx, (unsigned char *)enc,
	    strlen(enc), "wrong", "t", &back), PKIT_ERR_PASSWORD);
	assert_null(back);
	/* pkit_jwk_load asks for the password, then reads it. */
	assert_int_equal(pkit_jwk_load(&ctx, (unsigned char *)enc, strlen(enc),
	    NULL, "t", &back), PKIT_ERR_PASSWORD);
	assert_int_equal(pkit_jwk_load(&ctx, (unsigned char *)enc, strlen(enc),
	    "correct horse", "t", &back), PKIT_OK);
	pkit_jwk_free(back);
	free(enc);
	/* The compact form, as in ca.json, with a smaller count. */
	assert_int_equal(pkit_jwk_encrypt(&ctx, k, "pw", 1000, 1, &enc),
	    PKIT_OK);
	assert_null(strchr(enc, '{'));
	assert_int_equal(pkit_jwk_load(&ctx, (unsigned char *)enc, strlen(enc),
	    "pw", "t", &back), PKIT_OK);
	pkit_jwk_free(back);
	free(enc);
	assert_int_equal(pkit_jwk_encrypt(&ctx, k, "", 0, 1, &enc),
	    PKIT_ERR_ARG);
	pkit_jwk_free(k);
	pkit_ctx_release(&ctx);
}

static void
test_load_pem(void **state)
{
	struct pkit_keyspec spec = { "EC", "P-384", 0, 0 };
	struct pkit_ctx ctx;
	EVP_PKEY *key = NULL;
	unsigned char *pem = NULL;
	size_t len = 0;
	json_t *j = NULL;

	(void)state;
	pkit_ctx_init(&ctx);
	assert_int_equal(pkit_key_generate(&ctx, &spec, &key), PKIT_OK);
	assert_int_equal(pkit_key_private_encode(&ctx, key, PKIT_KEY_PEM, NULL,
	    &pem, &len), PKIT_OK);
	assert_false(pkit_jwk_data_is_encrypted(pem, len));
	assert_int_equal(pkit_jwk_load(&ctx, pem, len, NULL, "k.pem", &j),
	    PKIT_OK);
	assert_string_equal(json_string_value(json_object_get(j, "crv")),
	    "P-384");
	assert_non_null(json_object_get(j, "d"));
	pkit_jwk_free(j);
	free(pem);
	assert_int_equal(pkit_key_public_encode(&ctx, key, PKIT_KEY_PEM, &pem,
	    &len), PKIT_OK);
	assert_int_equal(pkit_jwk_load(&ctx, pem, len, NULL, "k.pub", &j),
	    PKIT_OK);
	assert_null(json_object_get(j, "d"));
	pkit_jwk_free(j);
	free(pem);
	assert_int_equal(pkit_key_private_encode(&ctx, key, PKIT_KEY_PEM, "pw",
	    &pem, &len), PKIT_OK);
	assert_true(pkit_jwk_data_is_encrypted(pem, len));
	assert_int_equal(pkit_jwk_load(&ctx, pem, len, NULL, "k.pem", &j),
	    PKIT_ERR_PASSWORD);
	assert_int_equal(pkit_jwk_load(&ctx, pem, len, "pw", "k.pem", &j),
	    PKIT_OK);
	pkit_jwk_free(j);
	free(pem);
	/* A JWK Set is not a JWK; garbage is a format error. */
	assert_int_equal(pkit_jwk_load(&ctx, (unsigned char *)"{\"keys\":[]}",
	    11, NULL, "s", &j), PKIT_ERR_FORMAT);
	assert_int_equal(pkit_jwk_load(&ctx, (unsigned char *)"{\"kty\":1}",
	    9, NULL, "s", &j), PKIT_ERR_FORMAT);
	assert_int_equal(pkit_jwks_load(&ctx, (unsigned char *)"{\"keys\":[1]}",
	    12, NULL, "s", &j), PKIT_ERR_FORMAT);
	EVP_PKEY_free(key);
	pkit_ctx_release(&ctx);
}

static void
test_ordered(void **state)
{
	struct pkit_ctx ctx;
	json_t *k = load(ec_priv), *o = NULL;
	char *s;

	(void)state;
	pkit_ctx_init(&ctx);
	assert_int_equal(pkit_jwk_ordered(&ctx, k, &o), PKIT_OK);
	s = json_dumps(o, JSON_COMPACT);
	assert_true(strncmp(s, "{\"use\":\"enc\",\"kty\":\"EC\",\"kid\":\"1\","
	    "\"crv\":\"P-256\",\"x\":", 46) == 0);
	free(s);
	json_decref(o);
	pkit_jwk_free(k);
	pkit_ctx_release(&ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_thumbprint_rfc7638),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_strict),
		cmocka_unit_test(test_public_and_wipe),
		cmocka_unit_test(test_generate_and_defaults),
		cmocka_unit_test(test_keyset),
		cmocka_unit_test(test_encrypted),
		cmocka_unit_test(test_load_pem),
		cmocka_unit_test(test_ordered),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

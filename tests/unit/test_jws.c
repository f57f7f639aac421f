/* test_jws.c - JWS and JWT: RFC 7515 appendix A, RFC 7520 §4 and RFC 8037
 * vectors, every algorithm round trip, forgeries and the security rules. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjose/jwk.h>
#include <cjose/jws.h>
#include <pthread.h>

#include "lib/codec.h"
#include "lib/jwk.h"
#include "lib/jws.h"

/* RFC 7515 A.1: HS256. */
static const char a1_key[] = "{\"kty\":\"oct\",\"k\":\"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow\"}";
#define A_PAYLOAD "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
static const char a1_jws[] = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9."
    A_PAYLOAD ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
/* RFC 7515 A.2: RS256. */
static const char a2_key[] = "{\"kty\":\"RSA\","
    "\"n\":\"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ\","
    "\"e\":\"AQAB\","
    "\"d\":\"Eq5xpGnNCivDflJsRQBXHx1hdR1k6Ulwe2JZD50LpXyWPEAeP88vLNO97IjlA7_GQ5sLKMgvfTeXZx9SE-7YwVol2NXOoAJe46sui395IW_GO-pWJ1O0BkTGoVEn2bKVRUCgu-GjBVaYLU6f3l9kJfFNS3E0QbVdxzubSu3Mkqzjkn439X0M_V51gfpRLI9JYanrC4D4qAdGcopV_0ZHHzQlBjudU2QvXt4ehNYTCBr6XCLQUShb1juUO1ZdiYoFaFQT5Tw8bGUl_x_jTj3ccPDVZFD9pIuhLhBOneufuBiB4cS98l2SR_RQyGWSeWjnczT0QU91p1DhOVRuOopznQ\","
    "\"p\":\"4BzEEOtIpmVdVEZNCqS7baC4crd0pqnRH_5IB3jw3bcxGn6QLvnEtfdUdiYrqBdss1l58BQ3KhooKeQTa9AB0Hw_Py5PJdTJNPY8cQn7ouZ2KKDcmnPGBY5t7yLc1QlQ5xHdwW1VhvKn-nXqhJTBgIPgtldC-KDV5z-y2XDwGUc\","
    "\"q\":\"uQPEfgmVtjL0Uyyx88GZFF1fOunH3-7cepKmtH4pxhtCoHqpWmT8YAmZxaewHgHAjLYsp1ZSe7zFYHj7C6ul7TjeLQeZD_YwD66t62wDmpe_HlB-TnBA-njbglfIsRLtXlnDzQkv5dTltRJ11BKBBypeeF6689rjcJIDEz9RWdc\","
    "\"dp\":\"BwKfV3Akq5_MFZDFZCnW-wzl-CCo83WoZvnLQwCTeDv8uzluRSnm71I3QCLdhrqE2e9YkxvuxdBfpT_PI7Yz-FOKnu1R6HsJeDCjn12Sk3vmAktV2zb34MCdy7cpdTh_YVr7tss2u6vneTwrA86rZtu5Mbr1C1XsmvkxHQAdYo0\","
    "\"dq\":\"h_96-mK1R_7glhsum81dZxjTnYynPbZpHziZjeeHcXYsXaaMwkOlODsWa7I9xXDoRwbKgB719rrmI2oKr6N3Do9U0ajaHF-NKJnwgjMd2w9cjz3_-kyNlxAr2v4IKhGNpmM5iIgOS1VZnOZ68m6_pbLBSp3nssTdlqvd0tIiTHU\","
    "\"qi\":\"IYd7DHOhrWvxkwPQsRM2tOgrjbcrfvtQJipd-DlcxyVuuM9sQLdgjVk2oy26F0EmpScGLq2MowX7fhd_QJQ3ydy5cY7YIBi87w93IKLEdfnbJtoOPLUW0ITrJReOgo1cq9SbsxYawBgfp_gh6A5603k2-ZQwVK0JKSHuLFkuQ3U\"}";
#define A2_SIG "cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw"
static const char a2_jws[] = "eyJhbGciOiJSUzI1NiJ9." A_PAYLOAD "." A2_SIG;
/* RFC 7515 A.3: ES256. */
static const char a3_key[] = "{\"kty\":\"EC\",\"crv\":\"P-256\","
    "\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\","
    "\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\","
    "\"d\":\"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI\"}";
#define A3_SIG "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q"
static const char a3_jws[] = "eyJhbGciOiJFUzI1NiJ9." A_PAYLOAD "." A3_SIG;
/* RFC 7515 A.4: ES512. */
static const char a4_key[] = "{\"kty\":\"EC\",\"crv\":\"P-521\","
    "\"x\":\"AekpBQ8ST8a8VcfVOTNl353vSrDCLLJXmPk06wTjxrrjcBpXp5EOnYG_NjFZ6OvLFV1jSfS9tsz4qUxcWceqwQGk\","
    "\"y\":\"ADSmRA43Z1DSNx_RvcLI87cdL07l6jQyyBXMoxVg_l2Th-x3S1WDhjDly79ajL4Kkd0AZMaZmh9ubmf63e3kyMj2\","
    "\"d\":\"AY5pb7A0UFiB3RELSD64fTLOSV_jazdF7fLYyuTw8lOfRhWg6Y6rUrPAxerEzgdRhajnu0ferB0d53vM9mE15j2C\"}";
static const char a4_jws[] = "eyJhbGciOiJFUzUxMiJ9.UGF5bG9hZA."
    "AdwMgeerwtHoh-l192l60hp9wAHZFVJbLfD_UxMi70cwnZOYaRI1bKPWROc-mZZqwqT2SI-KGDKB34XO0aw_7XdtAG8GaSwFKdCAPZgoXD2YBJZCPEX3xKpRwcdOO8KpEHwJjyqOgzDO7iKvU8vcnwNrmxYbSW9ERBXukOXolLzeO_Jn";
/* RFC 7515 A.6: general JSON with the A.2 and A.3 signatures. */
static const char a6_json[] = "{\"payload\":\"" A_PAYLOAD "\","
    "\"signatures\":["
    "{\"protected\":\"eyJhbGciOiJSUzI1NiJ9\",\"header\":{\"kid\":\"2010-12-29\"},"
    "\"signature\":\"" A2_SIG "\"},"
    "{\"protected\":\"eyJhbGciOiJFUzI1NiJ9\","
    "\"header\":{\"kid\":\"e9bc097a-ce51-4036-9562-d2ade882db0d\"},"
    "\"signature\":\"" A3_SIG "\"}]}";
/* RFC 7515 A.7: flattened JSON. */
static const char a7_json[] = "{\"payload\":\"" A_PAYLOAD "\","
    "\"protected\":\"eyJhbGciOiJFUzI1NiJ9\","
    "\"header\":{\"kid\":\"e9bc097a-ce51-4036-9562-d2ade882db0d\"},"
    "\"signature\":\"" A3_SIG "\"}";

/* RFC 7520 §4: the payload, and the keys of figures 3 and 5. */
#define R_PAYLOAD "SXTigJlzIGEgZGFuZ2Vyb3VzIGJ1c2luZXNzLCBGcm9kbywgZ29pbmcgb3V0IHlvdXIgZG9vci4gWW91IHN0ZXAgb250byB0aGUgcm9hZCwgYW5kIGlmIHlvdSBkb24ndCBrZWVwIHlvdXIgZmVldCwgdGhlcmXigJlzIG5vIGtub3dpbmcgd2hlcmUgeW91IG1pZ2h0IGJlIHN3ZXB0IG9mZiB0by4"
static const char r_ec_key[] = "{\"kty\":\"EC\",\"kid\":\"bilbo.baggins@hobbiton.example\",\"use\":\"sig\",\"crv\":\"P-521\","
    "\"x\":\"AHKZLLOsCOzz5cY97ewNUajB957y-C-U88c3v13nmGZx6sYl_oJXu9A5RkTKqjqvjyekWF-7ytDyRXYgCF5cj0Kt\","
    "\"y\":\"AdymlHvOiLxXkEhayXQnNCvDX4h9htZaCJN34kfmC6pV5OhQHiraVySsUdaQkAgDPrwQrJmbnX9cwlGfP-HqHZR1\","
    "\"d\":\"AAhRON2r9cqXX1hg-RoI6R1tX5p2rUAYdmpHZoC1XNM56KtscrX6zbKipQrCW9CGZH3T4ubpnoTKLDYJ_fF3_rJt\"}";
static const char r43_jws[] = "eyJhbGciOiJFUzUxMiIsImtpZCI6ImJpbGJvLmJhZ2dpbnNAaG9iYml0b24uZXhhbXBsZSJ9."
    R_PAYLOAD ".AE_R_YZCChjn4791jSQCrdPZCNYqHXCTZH0-JZGYNlaAjP2kqaluUIIUnC9qvbu9Plon7KRTzoNEuT4Va2cmL1eJAQy3mtPBu_u_sDDyYjnAMDxXPn7XrT0lw-kvAD890jl8e2puQens_IEKBpHABlsbEPX6sFY8OcGDqoRuBomu9xQ2";
static const char r_hs_key[] = "{\"kty\":\"oct\",\"kid\":\"018c0ae5-4d9b-471b-bfd6-eef314bc7037\",\"use\":\"sig\",\"alg\":\"HS256\",\"k\":\"hJtXIZ2uSN5kbQfbtTNWbpdmhkV8FJG-Onbc6mxCcYg\"}";
#define R44_PROT "eyJhbGciOiJIUzI1NiIsImtpZCI6IjAxOGMwYWU1LTRkOWItNDcxYi1iZmQ2LWVlZjMxNGJjNzAzNyJ9"
#define R44_SIG "s0h6KThzkfBBBkLspW1h84VsJZFTsPPqMDA7g1Md7p0"
static const char r44_jws[] = R44_PROT "." R_PAYLOAD "." R44_SIG;
static const char r45_jws[] = R44_PROT ".." R44_SIG;
static const char r44_json[] = "{\"payload\":\"" R_PAYLOAD "\",\"signatures\":"
    "[{\"protected\":\"" R44_PROT "\",\"signature\":\"" R44_SIG "\"}]}";
static const char r45_json[] = "{\"protected\":\"" R44_PROT "\","
    "\"signature\":\"" R44_SIG "\"}";

/* RFC 8037 A.4: Ed25519. */
static const char ed_key[] = "{\"kty\":\"OKP\",\"crv\":\"Ed25519\","
    "\"d\":\"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A\","
    "\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}";
static const char ed_jws[] = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc."
    "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";

static struct pkit_ctx ctx;

static struct pkit_jwk_key *
key_of(const char *text)
{
	struct pkit_jwk_key *k = NULL;
	json_error_t e;
	json_t *j = json_loads(text, 0, &e);

	assert_non_null(j);
	assert_int_equal(pkit_jwk_key_new(&ctx, j, &k), PKIT_OK);
	json_decref(j);
	return k;
}

static struct pkit_jwk_key *
key_copy(const struct pkit_jwk_key *k)
{
	struct pkit_jwk_key *c = NULL;
	json_t *j = json_deep_copy(k->jwk);

	assert_int_equal(pkit_jwk_key_new(&ctx, j, &c), PKIT_OK);
	json_decref(j);
	return c;
}

/* The public half of a key, as a verifier would hold it. */
static struct pkit_jwk_key *
public_of(const struct pkit_jwk_key *k)
{
	struct pkit_jwk_key *p = NULL;
	json_t *j = NULL;

	if (strcmp(k->kty, "oct") == 0)
		return key_copy(k);
	assert_int_equal(pkit_jwk_public(&ctx, k->jwk, &j), PKIT_OK);
	assert_int_equal(pkit_jwk_key_new(&ctx, j, &p), PKIT_OK);
	json_decref(j);
	return p;
}

static int
verify(const char *jws, const struct pkit_jwk_key *key, const char *alg,
    int insecure)
{
	struct pkit_jws_verify_opts o;
	struct pkit_jws *j = NULL;
	int r;

	memset(&o, 0, sizeof(o));
	o.alg = alg;
	o.insecure = insecure;
	if ((r = pkit_jws_parse(&ctx, jws, strlen(jws), "test", &j)) != 0)
		return r;
	r = pkit_jws_verify(&ctx, j, key, &o, NULL);
	pkit_jws_free(j);
	return r;
}

static int
setup(void **state)
{
	(void)state;
	pkit_ctx_init(&ctx);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	pkit_ctx_release(&ctx);
	return 0;
}

static void
test_rfc7515(void **state)
{
	struct pkit_jwk_key *k1 = key_of(a1_key), *k2 = key_of(a2_key);
	struct pkit_jwk_key *k3 = key_of(a3_key), *k4 = key_of(a4_key);
	struct pkit_jws_sign_opts so;
	char *out = NULL;

	(void)state;
	assert_int_equal(verify(a1_jws, k1, "HS256", 0), PKIT_OK);
	assert_int_equal(verify(a2_jws, k2, "RS256", 0), PKIT_OK);
	assert_int_equal(verify(a3_jws, k3, NULL, 0), PKIT_OK);
	assert_int_equal(verify(a4_jws, k4, NULL, 0), PKIT_OK);
	assert_int_equal(verify(a6_json, k2, "RS256", 0), PKIT_OK);
	assert_int_equal(verify(a6_json, k3, "ES256", 0), PKIT_OK);
	assert_int_equal(verify(a7_json, k3, NULL, 0), PKIT_OK);
	/* RSASSA-PKCS1-v1_5 is deterministic: the same signature again. */
	memset(&so, 0, sizeof(so));
	so.alg = "RS256";
	{
		unsigned char *p = NULL;
		size_t n = 0;
		struct pkit_jws *j = NULL;

		assert_int_equal(pkit_jws_parse(&ctx, a2_jws, strlen(a2_jws),
		    "a2", &j), PKIT_OK);
		p = j->payload;
		n = j->payload_len;
		assert_int_equal(pkit_jws_sign(&ctx, k2, &so, p, n, &out),
		    PKIT_OK);
		pkit_jws_free(j);
	}
	assert_string_equal(out, a2_jws);
	free(out);
	pkit_jwk_key_free(k1);
	pkit_jwk_key_free(k2);
	pkit_jwk_key_free(k3);
	pkit_jwk_key_free(k4);
}

static void
test_rfc7520_8037(void **state)
{
	struct pkit_jwk_key *ec = key_of(r_ec_key), *hs = key_of(r_hs_key);
	struct pkit_jwk_key *ed = key_of(ed_key);
	struct pkit_jws_sign_opts so;
	struct pkit_jws *j = NULL;
	json_t *hdr;
	char *out = NULL;

	(void)state;
	assert_int_equal(verify(r43_jws, ec, NULL, 0), PKIT_OK);
	assert_int_equal(verify(r44_jws, hs, NULL, 0), PKIT_OK);
	assert_int_equal(verify(r44_json, hs, NULL, 0), PKIT_OK);
	/* Detached content: without the payload it is checked as empty,
	 * and fails; an empty payload (ACME POST-as-GET) verifies. */
	assert_int_equal(verify(r45_jws, hs, NULL, 0), PKIT_ERR_VERIFY);
	memset(&so, 0, sizeof(so));
	assert_int_equal(pkit_jws_sign(&ctx, hs, &so,
	    (const unsigned char *)"", 0, &out), PKIT_OK);
	assert_non_null(strstr(out, ".."));
	assert_int_equal(verify(out, hs, NULL, 0), PKIT_OK);
	free(out);
	/* A JSON JWS without "payload" is detached and needs it. */
	assert_int_equal(verify(r45_json, hs, NULL, 0), PKIT_ERR_ARG);
	assert_int_equal(pkit_jws_parse(&ctx, r45_json, strlen(r45_json), "t",
	    &j), PKIT_OK);
	assert_true(j->detached);
	{
		struct pkit_jws *full = NULL;
		struct pkit_jws_verify_opts vo;

		assert_int_equal(pkit_jws_parse(&ctx, r44_jws, strlen(r44_jws),
		    "t", &full), PKIT_OK);
		assert_int_equal(pkit_jws_set_payload(&ctx, j, full->payload,
		    full->payload_len), PKIT_OK);
		memset(&vo, 0, sizeof(vo));
		assert_int_equal(pkit_jws_verify(&ctx, j, hs, &vo, NULL),
		    PKIT_OK);
		/* Re-signing gives the RFC's bytes (HMAC is deterministic). */
		memset(&so, 0, sizeof(so));
		hdr = json_pack("{s:s}", "kid",
		    "018c0ae5-4d9b-471b-bfd6-eef314bc7037");
		so.header = hdr;
		assert_int_equal(pkit_jws_sign(&ctx, hs, &so, full->payload,
		    full->payload_len, &out), PKIT_OK);
		assert_string_equal(out, r44_jws);
		free(out);
		so.detached = 1;
		assert_int_equal(pkit_jws_sign(&ctx, hs, &so, full->payload,
		    full->payload_len, &out), PKIT_OK);
		assert_string_equal(out, r45_jws);
		free(out);
		so.json = 1;
		assert_int_equal(pkit_jws_sign(&ctx, hs, &so, full->payload,
		    full->payload_len, &out), PKIT_OK);
		assert_string_equal(out, r45_json);
		free(out);
		json_decref(hdr);
		pkit_jws_free(full);
	}
	pkit_jws_free(j);
	/* Ed25519 is deterministic too. */
	assert_int_equal(verify(ed_jws, ed, NULL, 0), PKIT_OK);
	memset(&so, 0, sizeof(so));
	assert_int_equal(pkit_jws_sign(&ctx, ed, &so,
	    (const unsigned char *)"Example of Ed25519 signing", 26, &out),
	    PKIT_OK);
	assert_string_equal(out, ed_jws);
	free(out);
	pkit_jwk_key_free(ec);
	pkit_jwk_key_free(hs);
	pkit_jwk_key_free(ed);
}

/* Flip one bit of the character at i (keeping it base64url). */
static char *
tamper(const char *s, size_t i)
{
	char *t = strdup(s);

	t[i] = t[i] == 'A' ? 'B' : 'A';
	return t;
}

static void
test_all_algorithms(void **state)
{
	static const struct {
		const char *alg, *kty, *crv;
		long bits;
	} t[] = {
		{ "HS256", "oct", NULL, 0 }, { "HS384", "oct", NULL, 0 },
		{ "HS512", "oct", NULL, 0 }, { "RS256", "RSA", NULL, 2048 },
		{ "RS384", "RSA", NULL, 2048 }, { "RS512", "RSA", NULL, 2048 },
		{ "PS256", "RSA", NULL, 2048 }, { "PS384", "RSA", NULL, 2048 },
		{ "PS512", "RSA", NULL, 2048 }, { "ES256", "EC", "P-256", 0 },
		{ "ES384", "EC", "P-384", 0 }, { "ES512", "EC", "P-521", 0 },
		{ "EdDSA", "OKP", "Ed25519", 0 },
	};
	struct pkit_jwk_key *rsa = NULL;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct pkit_jwk_spec spec = { t[i].kty, t[i].crv, t[i].bits, 64,
		    0 };
		struct pkit_jws_sign_opts so;
		struct pkit_jwk_key *k, *pub;
		json_t *j = NULL;
		char *out = NULL, *bad;
		int json;

		if (strcmp(t[i].kty, "RSA") == 0 && rsa != NULL) {
			k = key_copy(rsa);
		} else {
			assert_int_equal(pkit_jwk_generate(&ctx, &spec, &j),
			    PKIT_OK);
			assert_int_equal(pkit_jwk_key_new(&ctx, j, &k), PKIT_OK);
			pkit_jwk_free(j);
			if (strcmp(t[i].kty, "RSA") == 0)
				rsa = key_copy(k);
		}
		pub = public_of(k);
		for (json = 0; json < 2; json++) {
			memset(&so, 0, sizeof(so));
			so.alg = t[i].alg;
			so.json = json;
			assert_int_equal(pkit_jws_sign(&ctx, k, &so,
			    (const unsigned char *)"hello", 5, &out), PKIT_OK);
			assert_int_equal(verify(out, pub, t[i].alg, 0), PKIT_OK);
			if (!json) {
				/* A bit flip anywhere: header, payload, sig. */
				size_t d1 = strcspn(out, ".");

				bad = tamper(out, 3);
				assert_int_not_equal(verify(bad, pub, t[i].alg,
				    0), PKIT_OK);
				free(bad);
				bad = tamper(out, d1 + 2);
				assert_int_not_equal(verify(bad, pub, t[i].alg,
				    0), PKIT_OK);
				free(bad);
				bad = tamper(out, strlen(out) - 5);
				assert_int_not_equal(verify(bad, pub, t[i].alg,
				    0), PKIT_OK);
				free(bad);
			}
			free(out);
		}
		pkit_jwk_key_free(pub);
		pkit_jwk_key_free(k);
	}
	pkit_jwk_key_free(rsa);
}

static void
test_security(void **state)
{
	struct pkit_jwk_key *rsa = key_of(a2_key), *hs = key_of(r_hs_key);
	struct pkit_jwk_key *ec = key_of(a3_key), *shortk;
	struct pkit_jws_sign_opts so;
	char buf[2048], *out = NULL;

	(void)state;
	/* alg "none" is never accepted, whatever the key. */
	snprintf(buf, sizeof(buf), "eyJhbGciOiJub25lIn0.%s.", A_PAYLOAD);
	assert_int_equal(verify(buf, hs, "none", 1), PKIT_ERR_VERIFY);
	assert_int_equal(verify(buf, hs, NULL, 1), PKIT_ERR_VERIFY);
	assert_non_null(strstr(ctx.errbuf, "none"));
	/* HS256 keyed with an RSA public key: the classic confusion. */
	assert_int_equal(verify(a1_jws, rsa, "HS256", 1), PKIT_ERR_ARG);
	assert_non_null(strstr(ctx.errbuf, "does not suit"));
	/* The token's alg must be the one the key pins. */
	assert_int_equal(verify(a2_jws, rsa, "PS256", 0), PKIT_ERR_VERIFY);
	assert_int_equal(verify(a3_jws, ec, "ES384", 0), PKIT_ERR_VERIFY);
	/* An RSA key without "alg" does not pick one: --alg or insecure. */
	{
		struct pkit_jwk_key *bare;
		json_t *j = json_deep_copy(rsa->jwk);

		json_object_del(j, "alg");
		assert_int_equal(pkit_jwk_key_new(&ctx, j, &bare), PKIT_OK);
		json_decref(j);
		assert_int_equal(verify(a2_jws, bare, NULL, 0), PKIT_ERR_ARG);
		assert_int_equal(verify(a2_jws, bare, NULL, 1), PKIT_OK);
		pkit_jwk_key_free(bare);
	}
	/* Unknown crit (RFC 7515 E: "http://example.com/UNDEFINED"). */
	assert_int_equal(verify("eyJhbGciOiJIUzI1NiIsImNyaXQiOlsiaHR0cDovL2V4YW1"
	    "wbGUuY29tL1VOREVGSU5FRCJdLCJodHRwOi8vZXhhbXBsZS5jb20vVU5ERUZJTkVEI"
	    "jp0cnVlfQ." A_PAYLOAD ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
	    hs, "HS256", 0), PKIT_ERR_UNSUPPORTED);
	assert_non_null(strstr(ctx.errbuf, "critical"));
	/* A truncated HMAC is refused before cjose sees it. */
	assert_int_equal(verify(R44_PROT "." R_PAYLOAD ".s0h6KThzkfBBBkLs", hs,
	    NULL, 0), PKIT_ERR_VERIFY);
	assert_non_null(strstr(ctx.errbuf, "needs 32"));
	/* An ECDSA signature of the wrong length. */
	assert_int_equal(verify("eyJhbGciOiJFUzI1NiJ9." A_PAYLOAD ".AA" A3_SIG,
	    ec, NULL, 0), PKIT_ERR_VERIFY);
	/* "alg" only in the unprotected header. */
	assert_int_equal(verify("{\"payload\":\"" A_PAYLOAD "\",\"protected\":"
	    "\"eyJraWQiOiJ4In0\",\"header\":{\"alg\":\"ES256\"},\"signature\":\""
	    A3_SIG "\"}", ec, NULL, 0), PKIT_ERR_FORMAT);
	/* The same parameter in both headers. */
	assert_int_equal(verify("{\"payload\":\"" A_PAYLOAD "\",\"protected\":"
	    "\"eyJhbGciOiJFUzI1NiJ9\",\"header\":{\"alg\":\"ES256\"},"
	    "\"signature\":\"" A3_SIG "\"}", ec, NULL, 0), PKIT_ERR_FORMAT);
	/* Malformed: two parts, four parts, bad base64, duplicate members. */
	assert_int_equal(verify("eyJhbGciOiJFUzI1NiJ9." A_PAYLOAD, ec, NULL, 0),
	    PKIT_ERR_FORMAT);
	assert_int_equal(verify("a.b.c.d", ec, NULL, 0), PKIT_ERR_FORMAT);
	assert_int_equal(verify("e+J.a.b", ec, NULL, 0), PKIT_ERR_FORMAT);
	assert_int_equal(verify("eyJhbGciOiJFUzI1NiIsImFsZyI6IkVTMjU2In0."
	    A_PAYLOAD "." A3_SIG, ec, NULL, 0), PKIT_ERR_FORMAT);
	/* Signing refuses a public key and an HMAC key shorter than the
	 * hash, unless insecure. */
	memset(&so, 0, sizeof(so));
	{
		struct pkit_jwk_key *pub = public_of(ec);

		assert_int_equal(pkit_jws_sign(&ctx, pub, &so,
		    (const unsigned char *)"x", 1, &out), PKIT_ERR_ARG);
		pkit_jwk_key_free(pub);
	}
	shortk = key_of("{\"kty\":\"oct\",\"k\":\"c2hvcnQ\"}");
	so.alg = "HS256";
	assert_int_equal(pkit_jws_sign(&ctx, shortk, &so,
	    (const unsigned char *)"x", 1, &out), PKIT_ERR_INSECURE);
	so.insecure = 1;
	assert_int_equal(pkit_jws_sign(&ctx, shortk, &so,
	    (const unsigned char *)"x", 1, &out), PKIT_OK);
	assert_int_equal(verify(out, shortk, "HS256", 0), PKIT_ERR_INSECURE);
	assert_int_equal(verify(out, shortk, "HS256", 1), PKIT_OK);
	free(out);
	/* A key for "enc" does not sign. */
	{
		struct pkit_jwk_key *enc = key_of("{\"kty\":\"EC\",\"use\":\"enc\","
		    "\"crv\":\"P-256\","
		    "\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\","
		    "\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}");

		assert_int_equal(verify(a3_jws, enc, NULL, 0), PKIT_ERR_ARG);
		pkit_jwk_key_free(enc);
	}
	pkit_jwk_key_free(shortk);
	pkit_jwk_key_free(rsa);
	pkit_jwk_key_free(hs);
	pkit_jwk_key_free(ec);
}

static void
test_jwt(void **state)
{
	struct pkit_jwk_key *k = key_of(a3_key);
	struct pkit_jwt_verify_opts o;
	json_t *claims, *h = NULL, *c = NULL, *insp = NULL;
	char *tok = NULL;

	(void)state;
	ctx.fixed_now = 1700000000;
	claims = json_pack("{s:s,s:s,s:s,s:I,s:I,s:I}", "iss", "me", "sub",
	    "you", "aud", "https://ca/1.0/sign", "iat", (json_int_t)1700000000,
	    "nbf", (json_int_t)1700000000, "exp", (json_int_t)1700000300);
	assert_int_equal(pkit_jwt_sign(&ctx, k, NULL, NULL, claims, 0, &tok),
	    PKIT_OK);
	memset(&o, 0, sizeof(o));
	o.iss = "me";
	o.aud = "https://ca/1.0/sign";
	o.skew = PKIT_JWT_SKEW;
	assert_int_equal(pkit_jwt_verify(&ctx, tok, strlen(tok), k, &o, &h, &c),
	    PKIT_OK);
	assert_string_equal(json_string_value(json_object_get(h, "typ")), "JWT");
	assert_string_equal(json_string_value(json_object_get(h, "alg")),
	    "ES256");
	assert_string_equal(json_string_value(json_object_get(c, "sub")), "you");
	json_decref(h);
	json_decref(c);
	/* Within the skew: fine; past it: expired, with how long. */
	ctx.fixed_now = 1700000300 + 59;
	assert_int_equal(pkit_jwt_verify(&ctx, tok, strlen(tok), k, &o, NULL,
	    NULL), PKIT_OK);
	ctx.fixed_now = 1700000300 + 150;
	assert_int_equal(pkit_jwt_verify(&ctx, tok, strlen(tok), k, &o, NULL,
	    NULL), PKIT_ERR_EXPIRED);
	assert_string_equal(ctx.errbuf,
	    "validation failed: token is expired by 2m30s (exp)");
	o.no_exp_check = 1;
	assert_int_equal(pkit_jwt_verify(&ctx, tok, strlen(tok), k, &o, NULL,
	    NULL), PKIT_OK);
	o.no_exp_check = 0;
	/* Not yet valid; issued in the future. */
	ctx.fixed_now = 1700000000 - 61;
	assert_int_equal(pkit_jwt_verify(&ctx, tok, strlen(tok), k, &o, NULL,
	    NULL), PKIT_ERR_EXPIRED);
	assert_string_equal(ctx.errbuf, "validation failed: token not valid "
	    "yet (nbf), token issued in the future (iat)");
	ctx.fixed_now = 1700000000;
	/* Wrong issuer and audience, reported together. */
	o.iss = "other";
	o.aud = "https://elsewhere";
	assert_int_equal(pkit_jwt_verify(&ctx, tok, strlen(tok), k, &o, NULL,
	    NULL), PKIT_ERR_VERIFY);
	assert_string_equal(ctx.errbuf, "validation failed: invalid issuer "
	    "claim (iss), invalid audience claim (aud)");
	/* An audience array matches any member. */
	free(tok);
	json_object_set_new(claims, "aud", json_pack("[s,s]", "a", "b"));
	assert_int_equal(pkit_jwt_sign(&ctx, k, "ES256", NULL, claims, 0, &tok),
	    PKIT_OK);
	o.iss = "me";
	o.aud = "b";
	assert_int_equal(pkit_jwt_verify(&ctx, tok, strlen(tok), k, &o, NULL,
	    NULL), PKIT_OK);
	/* inspect: header, payload, signature */
	assert_int_equal(pkit_jwt_to_inspect(&ctx, tok, strlen(tok), &insp),
	    PKIT_OK);
	assert_non_null(json_object_get(json_object_get(insp, "payload"), "exp"));
	assert_true(json_is_string(json_object_get(insp, "signature")));
	json_decref(insp);
	/* A payload that is not JSON is not a JWT; nor is a JWE. */
	assert_int_equal(pkit_jwt_decode(&ctx, a4_jws, strlen(a4_jws), NULL,
	    NULL, NULL), PKIT_ERR_FORMAT);
	assert_int_equal(pkit_jwt_decode(&ctx, "a.b.c.d.e", 9, NULL, NULL,
	    NULL), PKIT_ERR_UNSUPPORTED);
	/* The RFC 7519 example (A.1 of RFC 7515) is a valid JWT, expired
	 * in 2011. */
	{
		struct pkit_jwk_key *hk = key_of(a1_key);

		memset(&o, 0, sizeof(o));
		o.alg = "HS256";
		assert_int_equal(pkit_jwt_verify(&ctx, a1_jws, strlen(a1_jws),
		    hk, &o, NULL, NULL), PKIT_ERR_EXPIRED);
		ctx.fixed_now = 1300819000;
		assert_int_equal(pkit_jwt_verify(&ctx, a1_jws, strlen(a1_jws),
		    hk, &o, NULL, NULL), PKIT_OK);
		pkit_jwk_key_free(hk);
	}
	ctx.fixed_now = 0;
	free(tok);
	json_decref(claims);
	pkit_jwk_key_free(k);
}

/* pkit_b64_encode_public() and pkit_b64_decode_public() agree with the
 * libsodium coders, and the decoder refuses what libsodium refuses. */
static void
test_b64_public(void **state)
{
	static const enum pkit_b64 vs[] = { PKIT_B64_URL_RAW, PKIT_B64_STD,
	    PKIT_B64_STD_RAW, PKIT_B64_URL };
	static const char *const bad[] = { "A", "AB", "AAB", "ab+c", "ab/c",
	    "ab c", "ab=", "abc=", "YQ=", "\n", "Y Q", "!!!!", "YWJj\n" };
	unsigned char in[64], *a, *b;
	size_t i, len, v, alen, blen;
	char *enc, *fast;

	(void)state;
	for (i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)(i * 37 + 11);
	for (v = 0; v < 4; v++) {
		for (len = 0; len < sizeof(in); len++) {
			assert_int_equal(pkit_b64_encode(&ctx, vs[v], in, len,
			    &enc), PKIT_OK);
			assert_int_equal(pkit_b64_encode_public(&ctx, vs[v],
			    in, len, &fast), PKIT_OK);
			assert_string_equal(fast, enc);
			free(fast);
			assert_int_equal(pkit_b64_decode_public(&ctx, vs[v],
			    enc, strlen(enc), &a, &alen), PKIT_OK);
			assert_int_equal(alen, len);
			assert_memory_equal(a, in, len);
			free(a);
			free(enc);
		}
	}
	/* "AB" and "AAB" have non-zero trailing bits; the rest have bad
	 * characters, bad padding or an impossible length. */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r1 = pkit_b64_decode(&ctx, PKIT_B64_URL_RAW, bad[i],
		    strlen(bad[i]), &b, &blen);

		assert_int_not_equal(pkit_b64_decode_public(&ctx,
		    PKIT_B64_URL_RAW, bad[i], strlen(bad[i]), &a, &alen),
		    PKIT_OK);
		assert_int_not_equal(r1, PKIT_OK);
	}
	assert_int_equal(pkit_b64_decode_public(&ctx, PKIT_B64_URL_RAW,
	    "-_8", 3, &a, &alen), PKIT_OK);
	assert_int_equal(alen, 2);
	assert_int_equal(a[0], 0xfb);
	assert_int_equal(a[1], 0xff);
	free(a);
	assert_int_not_equal(pkit_b64_decode_public(&ctx, PKIT_B64_STD_RAW,
	    "-_8", 3, &a, &alen), PKIT_OK);
}

/* What pkit signs with HMAC (OpenSSL) cjose verifies, and one key object
 * verifies many tokens in a row and after a failure (its cached
 * contexts are reused). */
static void
test_hmac_cjose_and_reuse(void **state)
{
	struct pkit_jwk_spec spec = { "oct", NULL, 0, 64, 0 };
	struct pkit_jws_sign_opts so;
	struct pkit_jwk_key *k = NULL;
	cjose_jws_t *cj;
	cjose_err err;
	json_t *j = NULL;
	char *out = NULL, *bad;
	int i;

	(void)state;
	assert_int_equal(pkit_jwk_generate(&ctx, &spec, &j), PKIT_OK);
	assert_int_equal(pkit_jwk_key_new(&ctx, j, &k), PKIT_OK);
	pkit_jwk_free(j);
	memset(&so, 0, sizeof(so));
	so.alg = "HS512";
	assert_int_equal(pkit_jws_sign(&ctx, k, &so,
	    (const unsigned char *)"hello", 5, &out), PKIT_OK);
	memset(&err, 0, sizeof(err));
	assert_non_null(cj = cjose_jws_import(out, strlen(out), &err));
	assert_true(cjose_jws_verify(cj, k->cjose, &err));
	cjose_jws_release(cj);
	bad = tamper(out, strlen(out) - 3);
	for (i = 0; i < 5; i++) {
		assert_int_equal(verify(out, k, "HS512", 0), PKIT_OK);
		assert_int_not_equal(verify(bad, k, "HS512", 0), PKIT_OK);
	}
	/* The same key with another HMAC algorithm. */
	free(out);
	so.alg = "HS256";
	assert_int_equal(pkit_jws_sign(&ctx, k, &so,
	    (const unsigned char *)"hello", 5, &out), PKIT_OK);
	assert_int_equal(verify(out, k, "HS256", 0), PKIT_OK);
	assert_int_not_equal(verify(out, k, "HS512", 0), PKIT_OK);
	free(bad);
	free(out);
	pkit_jwk_key_free(k);
}

struct thread_arg {
	const struct pkit_jwk_key *key;
	const char *good, *bad, *alg;
	int failures;
};

static void *
verify_thread(void *p)
{
	struct thread_arg *t = p;
	struct pkit_jws_verify_opts o;
	struct pkit_jws *jg = NULL, *jb = NULL;
	struct pkit_ctx c;
	int i;

	pkit_ctx_init(&c);
	memset(&o, 0, sizeof(o));
	o.alg = t->alg;
	if (pkit_jws_parse(&c, t->good, strlen(t->good), "t", &jg) != 0 ||
	    pkit_jws_parse(&c, t->bad, strlen(t->bad), "t", &jb) != 0)
		t->failures++;
	for (i = 0; jg != NULL && jb != NULL && i < 200; i++) {
		if (pkit_jws_verify(&c, jg, t->key, &o, NULL) != 0)
			t->failures++;
		if (pkit_jws_verify(&c, jb, t->key, &o, NULL) == 0)
			t->failures++;
	}
	pkit_jws_free(jg);
	pkit_jws_free(jb);
	pkit_ctx_release(&c);
	return NULL;
}

/* Threads share one key object (as the CA's workers share provisioner
 * keys): every verification gives the right answer. */
static void
test_threads(void **state)
{
	static const struct {
		const char *alg, *kty, *crv;
	} t[] = {
		{ "HS256", "oct", NULL }, { "ES256", "EC", "P-256" },
		{ "PS256", "RSA", NULL },
	};
	struct thread_arg args[4];
	pthread_t th[4];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct pkit_jwk_spec spec = { t[i].kty, t[i].crv,
		    strcmp(t[i].kty, "RSA") == 0 ? 2048 : 0, 32, 0 };
		struct pkit_jws_sign_opts so;
		struct pkit_jwk_key *k = NULL, *pub;
		json_t *j = NULL;
		char *out = NULL, *bad;

		assert_int_equal(pkit_jwk_generate(&ctx, &spec, &j), PKIT_OK);
		assert_int_equal(pkit_jwk_key_new(&ctx, j, &k), PKIT_OK);
		pkit_jwk_free(j);
		pub = public_of(k);
		memset(&so, 0, sizeof(so));
		so.alg = t[i].alg;
		assert_int_equal(pkit_jws_sign(&ctx, k, &so,
		    (const unsigned char *)"hello", 5, &out), PKIT_OK);
		bad = tamper(out, strlen(out) - 5);
		for (n = 0; n < 4; n++) {
			args[n].key = pub;
			args[n].good = out;
			args[n].bad = bad;
			args[n].alg = t[i].alg;
			args[n].failures = 0;
			assert_int_equal(pthread_create(&th[n], NULL,
			    verify_thread, &args[n]), 0);
		}
		for (n = 0; n < 4; n++) {
			assert_int_equal(pthread_join(th[n], NULL), 0);
			assert_int_equal(args[n].failures, 0);
		}
		free(bad);
		free(out);
		pkit_jwk_key_free(pub);
		pkit_jwk_key_free(k);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc7515),
		cmocka_unit_test(test_rfc7520_8037),
		cmocka_unit_test(test_all_algorithms),
		cmocka_unit_test(test_security),
		cmocka_unit_test(test_jwt),
		cmocka_unit_test(test_b64_public),
		cmocka_unit_test(test_hmac_cjose_and_reuse),
		cmocka_unit_test(test_threads),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

/* test_key.c - key specs, generation, PKCS#8/PKCS#1 encoding and parsing,
 * forms, fingerprints and inspection. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "lib/codec.h"
#include "lib/key.h"
#include "lib/secret.h"
#include "lib/sshkey.h"

/* RFC 8032 7.1, test 1. */
static const unsigned char ed_seed[32] = {
	0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84, 0x4a, 0xf4,
	0x92, 0xec, 0x2c, 0xc4, 0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32, 0x69, 0x19,
	0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60,
};

static const char *const specs[][2] = {
	{ "OKP", "Ed25519" }, { "OKP", "X25519" }, { "EC", "P-256" },
	{ "EC", "P-384" }, { "EC", "P-521" }, { "RSA", NULL },
};
#define NSPECS (sizeof(specs) / sizeof(specs[0]))

static EVP_PKEY *rsa_key;

static EVP_PKEY *
make(struct pkit_ctx *ctx, size_t i)
{
	struct pkit_keyspec spec = { specs[i][0], specs[i][1], 0, 0 };
	EVP_PKEY *key = NULL;

	if (specs[i][1] == NULL && rsa_key != NULL) {
		assert_int_equal(EVP_PKEY_up_ref(rsa_key), 1);
		return rsa_key;
	}
	assert_int_equal(pkit_key_generate(ctx, &spec, &key), PKIT_OK);
	if (specs[i][1] == NULL) {
		assert_int_equal(EVP_PKEY_up_ref(key), 1);
		rsa_key = key;
	}
	return key;
}

static int
teardown(void **state)
{
	(void)state;
	EVP_PKEY_free(rsa_key);
	return 0;
}

static void
test_keyspec(void **state)
{
	static const struct {
		const char *kty, *crv;
		long bits;
		int insecure, err;
		const char *want_kty, *want_crv;
		long want_bits;
	} cases[] = {
		{ NULL, NULL, 0, 0, PKIT_OK, "EC", "P-256", 0 },
		{ "OKP", NULL, 0, 0, PKIT_OK, "OKP", "Ed25519", 0 },
		{ NULL, "p-384", 0, 0, PKIT_OK, "EC", "P-384", 0 },
		{ NULL, "X25519", 0, 0, PKIT_OK, "OKP", "X25519", 0 },
		{ "RSA", NULL, 0, 0, PKIT_OK, "RSA", NULL, 2048 },
		{ NULL, NULL, 3072, 0, PKIT_OK, "RSA", NULL, 3072 },
		{ "RSA", NULL, 1024, 0, PKIT_ERR_INSECURE, NULL, NULL, 0 },
		{ "RSA", NULL, 1024, 1, PKIT_OK, "RSA", NULL, 1024 },
		{ "RSA", NULL, 512, 1, PKIT_ERR_ARG, NULL, NULL, 0 },
		{ "RSA", "P-256", 0, 0, PKIT_ERR_ARG, NULL, NULL, 0 },
		{ "EC", "Ed25519", 0, 0, PKIT_ERR_ARG, NULL, NULL, 0 },
		{ "EC", NULL, 2048, 0, PKIT_ERR_ARG, NULL, NULL, 0 },
		{ NULL, "secp256k1", 0, 0, PKIT_ERR_UNSUPPORTED, NULL, NULL, 0 },
		{ "DSA", NULL, 0, 0, PKIT_ERR_UNSUPPORTED, NULL, NULL, 0 },
	};
	struct pkit_ctx ctx;
	size_t i;

	(void)state;
	pkit_ctx_init(&ctx);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pkit_keyspec s = { cases[i].kty, cases[i].crv,
		    cases[i].bits, cases[i].insecure };

		if (pkit_keyspec_resolve(&ctx, &s) != cases[i].err)
			fail_msg("case %zu: got '%s'", i, ctx.errbuf);
		if (cases[i].err != PKIT_OK) {
			assert_true(ctx.errbuf[0] != '\0');
			continue;
		}
		assert_string_equal(s.kty, cases[i].want_kty);
		if (cases[i].want_crv != NULL)
			assert_string_equal(s.crv, cases[i].want_crv);
		else
			assert_null(s.crv);
		if (cases[i].want_bits != 0)
			assert_int_equal(s.bits, cases[i].want_bits);
	}
	pkit_ctx_release(&ctx);
}

/* PKCS#8 PEM and DER, plain and encrypted, for every kind of key. */
static void
test_pkcs8_roundtrip(void **state)
{
	static const enum pkit_key_encoding encs[] = { PKIT_KEY_PEM, PKIT_KEY_DER };
	struct pkit_ctx ctx;
	unsigned char *buf, *pub;
	size_t len, publen, i, e;
	EVP_PKEY *key, *back;
	char desc[64];

	(void)state;
	pkit_ctx_init(&ctx);
	for (i = 0; i < NSPECS; i++) {
		key = make(&ctx, i);
		pkit_key_describe(key, desc, sizeof(desc));
		assert_true(strstr(desc, specs[i][1] != NULL ? specs[i][1] :
		    "RSA 2048") != NULL);
		for (e = 0; e < 2; e++) {
			/* Encrypted. */
			assert_int_equal(pkit_key_private_encode(&ctx, key, encs[e],
			    "correct horse", &buf, &len), PKIT_OK);
			assert_true(pkit_key_is_encrypted(buf, len));
			assert_int_equal(pkit_key_parse_private(&ctx, buf, len,
			    "correct horse", "k", &back), PKIT_OK);
			assert_true(EVP_PKEY_eq(key, back) == 1);
			EVP_PKEY_free(back);
			back = NULL;
			assert_int_equal(pkit_key_parse_private(&ctx, buf, len,
			    "wrong", "k", &back), PKIT_ERR_PASSWORD);
			assert_null(back);
			assert_non_null(strstr(ctx.errbuf, "k: wrong password"));
			assert_int_equal(pkit_key_parse_private(&ctx, buf, len,
			    NULL, "k", &back), PKIT_ERR_PASSWORD);
			assert_non_null(strstr(ctx.errbuf, "no password"));
			pkit_secret_free(buf, len);

			/* In the clear. */
			assert_int_equal(pkit_key_private_encode(&ctx, key, encs[e],
			    NULL, &buf, &len), PKIT_OK);
			assert_false(pkit_key_is_encrypted(buf, len));
			assert_int_equal(pkit_key_parse_private(&ctx, buf, len,
			    NULL, "k", &back), PKIT_OK);
			assert_true(EVP_PKEY_eq(key, back) == 1);
			EVP_PKEY_free(back);
			/* The public half of an unencrypted private key. */
			assert_int_equal(pkit_key_parse_public(&ctx, buf, len, "k",
			    &back), PKIT_OK);
			assert_true(pkit_key_matches(key, back));
			EVP_PKEY_free(back);
			pkit_secret_free(buf, len);

			/* SubjectPublicKeyInfo. */
			assert_int_equal(pkit_key_public_encode(&ctx, key, encs[e],
			    &pub, &publen), PKIT_OK);
			assert_int_equal(pkit_key_parse_public(&ctx, pub, publen,
			    "p", &back), PKIT_OK);
			assert_true(pkit_key_matches(key, back));
			assert_false(pkit_key_has_private(back));
			EVP_PKEY_free(back);
			/* A public key is not a private key. */
			assert_int_equal(pkit_key_parse_private(&ctx, pub, publen,
			    NULL, "p", &back), PKIT_ERR_FORMAT);
			free(pub);
		}
		EVP_PKEY_free(key);
	}
	pkit_ctx_release(&ctx);
}

static void
test_garbage(void **state)
{
	static const char *const inputs[] = {
		"", "hello", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE "
		"KEY-----\n", "\x30\x03\x02\x01\x00",
	};
	struct pkit_ctx ctx;
	EVP_PKEY *key = NULL;
	size_t i;

	(void)state;
	pkit_ctx_init(&ctx);
	for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		assert_int_equal(pkit_key_parse_private(&ctx,
		    (const unsigned char *)inputs[i], strlen(inputs[i]), NULL,
		    "g", &key), PKIT_ERR_FORMAT);
		assert_int_equal(strncmp(ctx.errbuf, "g: ", 3), 0);
		assert_int_equal(pkit_key_parse_public(&ctx,
		    (const unsigned char *)inputs[i], strlen(inputs[i]), "g",
		    &key), PKIT_ERR_FORMAT);
		assert_null(key);
	}
	pkit_ctx_release(&ctx);
}

static void
test_form_check(void **state)
{
	static const struct {
		const char *kty, *crv;
		enum pkit_key_encoding enc;
		enum pkit_key_form form;
		int encrypted, err;
	} cases[] = {
		{ "EC", "P-256", PKIT_KEY_DER, PKIT_KEY_PKCS8, 1, PKIT_OK },
		{ "RSA", NULL, PKIT_KEY_PEM, PKIT_KEY_PKCS1, 1, PKIT_OK },
		{ "RSA", NULL, PKIT_KEY_DER, PKIT_KEY_PKCS1, 0, PKIT_OK },
		{ "RSA", NULL, PKIT_KEY_DER, PKIT_KEY_PKCS1, 1, PKIT_ERR_ARG },
		{ "EC", "P-256", PKIT_KEY_PEM, PKIT_KEY_PKCS1, 0, PKIT_ERR_ARG },
		{ "OKP", "Ed25519", PKIT_KEY_PEM, PKIT_KEY_OPENSSH, 0, PKIT_OK },
		{ "OKP", "Ed25519", PKIT_KEY_PEM, PKIT_KEY_OPENSSH, 1,
		  PKIT_ERR_UNSUPPORTED },
		{ "EC", "P-521", PKIT_KEY_PEM, PKIT_KEY_OPENSSH, 1, PKIT_OK },
		{ "RSA", NULL, PKIT_KEY_PEM, PKIT_KEY_OPENSSH, 1, PKIT_OK },
		{ "OKP", "X25519", PKIT_KEY_PEM, PKIT_KEY_OPENSSH, 0,
		  PKIT_ERR_UNSUPPORTED },
		{ NULL, NULL, PKIT_KEY_PEM, PKIT_KEY_OPENSSH, 0,
		  PKIT_ERR_UNSUPPORTED },
	};
	struct pkit_ctx ctx;
	size_t i;

	(void)state;
	pkit_ctx_init(&ctx);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (pkit_key_form_check(&ctx, cases[i].kty, cases[i].crv,
		    cases[i].enc, cases[i].form, cases[i].encrypted) !=
		    cases[i].err)
			fail_msg("case %zu: got '%s'", i, ctx.errbuf);
	pkit_ctx_release(&ctx);
}

/* PKCS#1 and OpenSSH forms through the key module. */
static void
test_forms(void **state)
{
	struct pkit_ctx ctx;
	EVP_PKEY *rsa, *ec, *ed, *back = NULL;
	unsigned char *buf = NULL;
	size_t len = 0;

	(void)state;
	pkit_ctx_init(&ctx);
	ed = make(&ctx, 0);
	ec = make(&ctx, 2);
	rsa = make(&ctx, NSPECS - 1);

	/* Encrypted PKCS#1 is the legacy PEM that step writes. */
	assert_int_equal(pkit_key_private_encode_form(&ctx, rsa, PKIT_KEY_PEM,
	    PKIT_KEY_PKCS1, "pw", &buf, &len), PKIT_OK);
	assert_non_null(strstr((char *)buf, "BEGIN RSA PRIVATE KEY"));
	assert_non_null(strstr((char *)buf, "Proc-Type: 4,ENCRYPTED"));
	assert_non_null(strstr((char *)buf, "DEK-Info: AES-256-CBC,"));
	assert_true(pkit_key_is_encrypted(buf, len));
	assert_int_equal(pkit_key_parse_private(&ctx, buf, len, "pw", "r",
	    &back), PKIT_OK);
	assert_true(EVP_PKEY_eq(rsa, back) == 1);
	EVP_PKEY_free(back);
	back = NULL;
	pkit_secret_free(buf, len);
	assert_int_equal(pkit_key_private_encode_form(&ctx, rsa, PKIT_KEY_DER,
	    PKIT_KEY_PKCS1, "pw", &buf, &len), PKIT_ERR_ARG);
	assert_null(buf);
	assert_int_equal(pkit_key_private_encode_form(&ctx, ec, PKIT_KEY_PEM,
	    PKIT_KEY_PKCS1, NULL, &buf, &len), PKIT_ERR_ARG);
	assert_int_equal(pkit_key_public_encode_form(&ctx, rsa, PKIT_KEY_PEM,
	    PKIT_KEY_PKCS1, &buf, &len), PKIT_OK);
	assert_non_null(strstr((char *)buf, "BEGIN RSA PUBLIC KEY"));
	assert_int_equal(pkit_key_parse_public(&ctx, buf, len, "r", &back),
	    PKIT_OK);
	assert_true(pkit_key_matches(rsa, back));
	EVP_PKEY_free(back);
	back = NULL;
	free(buf);

	/* OpenSSH: unencrypted openssh-key-v1, encrypted PKCS#8 for ECDSA,
	 * and a refusal for encrypted Ed25519. */
	assert_int_equal(pkit_key_private_encode_form(&ctx, ed, PKIT_KEY_DER,
	    PKIT_KEY_OPENSSH, NULL, &buf, &len), PKIT_OK);
	assert_true(pkit_sshkey_is_private(buf, len));
	assert_int_equal(pkit_key_parse_private(&ctx, buf, len, NULL, "o",
	    &back), PKIT_OK);
	assert_true(EVP_PKEY_eq(ed, back) == 1);
	EVP_PKEY_free(back);
	back = NULL;
	pkit_secret_free(buf, len);
	assert_int_equal(pkit_key_private_encode_form(&ctx, ec, PKIT_KEY_PEM,
	    PKIT_KEY_OPENSSH, "pw", &buf, &len), PKIT_OK);
	assert_non_null(strstr((char *)buf, "BEGIN ENCRYPTED PRIVATE KEY"));
	pkit_secret_free(buf, len);
	assert_int_equal(pkit_key_private_encode_form(&ctx, ed, PKIT_KEY_PEM,
	    PKIT_KEY_OPENSSH, "pw", &buf, &len), PKIT_ERR_UNSUPPORTED);
	assert_non_null(strstr(ctx.errbuf, "ssh-keygen -p"));
	assert_int_equal(pkit_key_public_encode_form(&ctx, ec, PKIT_KEY_DER,
	    PKIT_KEY_OPENSSH, &buf, &len), PKIT_OK);
	assert_int_equal(strncmp((char *)buf, "ecdsa-sha2-nistp256 ", 20), 0);
	assert_int_equal(pkit_key_parse_public(&ctx, buf, len, "l", &back),
	    PKIT_OK);
	assert_true(pkit_key_matches(ec, back));
	/* A public key has no private form. */
	free(buf);
	buf = NULL;
	assert_int_equal(pkit_key_private_encode_form(&ctx, back, PKIT_KEY_PEM,
	    PKIT_KEY_OPENSSH, NULL, &buf, &len), PKIT_ERR_ARG);
	assert_null(buf);
	EVP_PKEY_free(back);
	EVP_PKEY_free(ed);
	EVP_PKEY_free(ec);
	EVP_PKEY_free(rsa);
	pkit_ctx_release(&ctx);
}

static char *
b64(const unsigned char *md, size_t n)
{
	struct pkit_ctx ctx;
	char *s = NULL;

	pkit_ctx_init(&ctx);
	assert_int_equal(pkit_b64_encode(&ctx, PKIT_B64_STD, md, n, &s), PKIT_OK);
	pkit_ctx_release(&ctx);
	return s;
}

static void
test_fingerprints(void **state)
{
	struct pkit_ctx ctx;
	EVP_PKEY *ed = EVP_PKEY_new_raw_private_key_ex(NULL, "ED25519", NULL,
	    ed_seed, sizeof(ed_seed)), *ec;
	unsigned char md[EVP_MAX_MD_SIZE], *in = NULL, *der = NULL;
	size_t mdlen = 0, inlen = 0, derlen = 0;
	char *s;

	(void)state;
	pkit_ctx_init(&ctx);
	assert_non_null(ed);
	/* Known answers for RFC 8032's key (checked against openssl dgst and
	 * ssh-keygen -l). */
	assert_int_equal(pkit_key_fingerprint(&ctx, ed, PKIT_KEY_FP_SPK,
	    "SHA256", md, &mdlen), PKIT_OK);
	s = b64(md, mdlen);
	assert_string_equal(s, "If4x36FUomFia/hUBG/SJxt77UtqvkWqWId+9H+XIbk=");
	free(s);
	assert_int_equal(pkit_key_fingerprint(&ctx, ed, PKIT_KEY_FP_SSH,
	    "SHA256", md, &mdlen), PKIT_OK);
	s = b64(md, mdlen);
	assert_string_equal(s, "bbXpuKG6zhzdmnxq256TlqzFBzRl2f6OOg722cYNbU8=");
	free(s);
	assert_int_equal(pkit_key_fingerprint(&ctx, ed, PKIT_KEY_FP_SPK,
	    "SHA1", md, &mdlen), PKIT_OK);
	assert_int_equal(mdlen, 20);

	/* For P-256 the BIT STRING is the last 65 bytes of the SPKI. */
	ec = make(&ctx, 2);
	assert_int_equal(pkit_key_fingerprint_input(&ctx, ec, PKIT_KEY_FP_SPK,
	    &in, &inlen), PKIT_OK);
	assert_int_equal(pkit_key_public_encode(&ctx, ec, PKIT_KEY_DER, &der,
	    &derlen), PKIT_OK);
	assert_int_equal(inlen, 65);
	assert_int_equal(in[0], 0x04);
	assert_memory_equal(in, der + derlen - 65, 65);
	free(in);
	assert_int_equal(pkit_key_fingerprint_input(&ctx, ec, PKIT_KEY_FP_SPKI,
	    &in, &inlen), PKIT_OK);
	assert_int_equal(inlen, derlen);
	assert_memory_equal(in, der, derlen);
	free(in);
	free(der);
	EVP_PKEY_free(ec);
	EVP_PKEY_free(ed);
	pkit_ctx_release(&ctx);
}

static void
test_inspect(void **state)
{
	struct pkit_ctx ctx;
	EVP_PKEY *key;
	json_t *j = NULL, *fp;
	size_t i;
	char *dump;

	(void)state;
	pkit_ctx_init(&ctx);
	for (i = 0; i < NSPECS; i++) {
		key = make(&ctx, i);
		assert_int_equal(pkit_key_inspect(&ctx, key, &j), PKIT_OK);
		assert_string_equal(json_string_value(json_object_get(j, "type")),
		    specs[i][0]);
		assert_true(json_is_true(json_object_get(j, "private")));
		fp = json_object_get(j, "fingerprints");
		assert_int_equal(strncmp(json_string_value(json_object_get(fp,
		    "sha256")), "SHA256:", 7), 0);
		assert_int_equal(json_object_get(fp, "ssh_sha256") != NULL,
		    pkit_sshkey_type(key) != NULL);
		if (strcmp(specs[i][0], "EC") == 0) {
			int bits = (int)json_integer_value(json_object_get(j,
			    "bits"));

			assert_int_equal(strlen(json_string_value(
			    json_object_get(j, "x"))), (size_t)(bits + 7) / 8 * 2);
		} else if (strcmp(specs[i][0], "RSA") == 0) {
			assert_int_equal(json_integer_value(json_object_get(j,
			    "exponent")), 65537);
			assert_null(json_object_get(j, "curve"));
		} else {
			assert_int_equal(strlen(json_string_value(
			    json_object_get(j, "public_key"))), 64);
		}
		/* Nothing private leaks into it. */
		dump = json_dumps(j, 0);
		assert_null(strstr(dump, "\"d\""));
		assert_null(strstr(dump, "\"p\""));
		assert_null(strstr(dump, "exponent1"));
		free(dump);
		json_decref(j);
		EVP_PKEY_free(key);
	}
	pkit_ctx_release(&ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keyspec),
		cmocka_unit_test(test_pkcs8_roundtrip),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_form_check),
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_fingerprints),
		cmocka_unit_test(test_inspect),
	};

	return cmocka_run_group_tests(tests, NULL, teardown);
}

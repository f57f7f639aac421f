/* test_sshkey.c - OpenSSH public key blobs and lines, openssh-key-v1. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

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
static const unsigned char ed_pub[32] = {
	0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7, 0xd5, 0x4b, 0xfe, 0xd3,
	0xc9, 0x64, 0x07, 0x3a, 0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25,
	0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07, 0x51, 0x1a,
};

/* Made by ssh-keygen -t ed25519 -N '' -C vec@pkit (OpenSSH 9.2). */
static const char sshkeygen_ed25519[] =
	"-----BEGIN OPENSSH PRIVATE KEY-----\n"
	"b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
	"QyNTUxOQAAACCrBhJB1w74pkvVONZ9P3QPWjOyIq4zK8Gh7iAK5MG/rQAAAJBklF29ZJRd\n"
	"vQAAAAtzc2gtZWQyNTUxOQAAACCrBhJB1w74pkvVONZ9P3QPWjOyIq4zK8Gh7iAK5MG/rQ\n"
	"AAAEAMe3+q6bCp/KTM2rKoI5/TsnwtzqwLujjXhu7xqdat7KsGEkHXDvimS9U41n0/dA9a\n"
	"M7IirjMrwaHuIArkwb+tAAAACHZlY0Bwa2l0AQIDBAU=\n"
	"-----END OPENSSH PRIVATE KEY-----\n";
static const char sshkeygen_ed25519_pub[] =
	"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKsGEkHXDvimS9U41n0/dA9aM7IirjMrwa"
	"HuIArkwb+t vec@pkit\n";

/* Made by ssh-keygen -t ecdsa -N passphrase -C enc@pkit. */
static const char sshkeygen_ecdsa_enc[] =
	"-----BEGIN OPENSSH PRIVATE KEY-----\n"
	"b3BlbnNzaC1rZXktdjEAAAAACmFlczI1Ni1jdHIAAAAGYmNyeXB0AAAAGAAAABDCVqd64u\n"
	"E8McNLpalijnifAAAAEAAAAAEAAABoAAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlz\n"
	"dHAyNTYAAABBBAno2xvjx9hF8sfpuwYti9Qiy920cbOCdQqWFvUmKQ1vNX1t3Chc/mCzjZ\n"
	"7OKQF+YoXQJ7i0QXNSTitTFtCK7QsAAACw/XlrugSLW1X9vyMzeQ/Vv/LvnDEBOIR3FpQe\n"
	"LR97d8JYQDT3wUc6bqKO17YCTqrL/YSO4h4pTgI+y9AHOPsaKjkMMyYzP7axPDuYCRGgSe\n"
	"CqTe6IwBTw7j0eN/RwaIBFLhzjhdveOt6V1pso3NRq+7D+XTRqWFaXeP2QVFDjYOeVGa6L\n"
	"2oBov4wUnEB3ckp1aup1Qi8IvEZWtEJrgSwbuEcyAHoIa5g0aUfjs1fOEEE=\n"
	"-----END OPENSSH PRIVATE KEY-----\n";
static const char sshkeygen_ecdsa_enc_pub[] =
	"ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABB"
	"BAno2xvjx9hF8sfpuwYti9Qiy920cbOCdQqWFvUmKQ1vNX1t3Chc/mCzjZ7OKQF+YoXQJ7i0"
	"QXNSTitTFtCK7Qs= enc@pkit\n";

static const char *const specs[][2] = {
	{ "OKP", "Ed25519" }, { "EC", "P-256" }, { "EC", "P-384" },
	{ "EC", "P-521" }, { "RSA", NULL },
};
#define NSPECS (sizeof(specs) / sizeof(specs[0]))

static EVP_PKEY *rsa_key;	/* made once: RSA generation is slow */

static EVP_PKEY *
make(struct pkit_ctx *ctx, size_t i)
{
	struct pkit_keyspec spec = { specs[i][0], specs[i][1], 0, 0 };
	EVP_PKEY *key = NULL;

	if (strcmp(specs[i][0], "RSA") == 0 && rsa_key != NULL) {
		assert_int_equal(EVP_PKEY_up_ref(rsa_key), 1);
		return rsa_key;
	}
	assert_int_equal(pkit_key_generate(ctx, &spec, &key), PKIT_OK);
	if (strcmp(specs[i][0], "RSA") == 0) {
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

static EVP_PKEY *
ed25519_vector(void)
{
	EVP_PKEY *key = EVP_PKEY_new_raw_private_key_ex(NULL, "ED25519", NULL,
	    ed_seed, sizeof(ed_seed));

	assert_non_null(key);
	return key;
}

static void
test_known_blob(void **state)
{
	struct pkit_ctx ctx;
	EVP_PKEY *key = ed25519_vector(), *back = NULL;
	unsigned char *blob = NULL, *line = NULL;
	size_t len = 0;
	unsigned char want[4 + 11 + 4 + 32];

	(void)state;
	pkit_ctx_init(&ctx);
	memcpy(want, "\0\0\0\x0bssh-ed25519\0\0\0\x20", 19);
	memcpy(want + 19, ed_pub, 32);
	assert_string_equal(pkit_sshkey_type(key), "ssh-ed25519");
	assert_int_equal(pkit_sshkey_public_blob(&ctx, key, &blob, &len),
	    PKIT_OK);
	assert_int_equal(len, sizeof(want));
	assert_memory_equal(blob, want, sizeof(want));
	assert_int_equal(pkit_sshkey_from_blob(&ctx, blob, len, "b", &back),
	    PKIT_OK);
	assert_true(pkit_key_matches(key, back));
	assert_false(pkit_key_has_private(back));
	EVP_PKEY_free(back);
	back = NULL;
	/* A comment goes after the key, one line only. */
	assert_int_equal(pkit_sshkey_public_encode(&ctx, key, "me@host", &line,
	    &len), PKIT_OK);
	assert_string_equal((char *)line, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA"
	    "INdamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea me@host\n");
	assert_int_equal(pkit_sshkey_parse_public(&ctx, line, len, "l", &back),
	    PKIT_OK);
	assert_true(pkit_key_matches(key, back));
	free(line);
	free(blob);
	EVP_PKEY_free(back);
	EVP_PKEY_free(key);
	pkit_ctx_release(&ctx);
}

static void
test_roundtrip_every_type(void **state)
{
	struct pkit_ctx ctx;
	unsigned char *blob, *line, *priv;
	size_t len, llen, plen, i, n;
	EVP_PKEY *key, *back;

	(void)state;
	pkit_ctx_init(&ctx);
	for (i = 0; i < NSPECS; i++) {
		key = make(&ctx, i);
		assert_non_null(pkit_sshkey_type(key));
		assert_int_equal(pkit_sshkey_public_blob(&ctx, key, &blob, &len),
		    PKIT_OK);
		assert_int_equal(pkit_sshkey_from_blob(&ctx, blob, len, "b",
		    &back), PKIT_OK);
		assert_true(pkit_key_matches(key, back));
		EVP_PKEY_free(back);
		/* Every truncation fails cleanly, and so does extra data. */
		for (n = 0; n < len; n++)
			assert_int_not_equal(pkit_sshkey_from_blob(&ctx, blob, n,
			    "b", &back), PKIT_OK);
		blob = realloc(blob, len + 1);
		assert_non_null(blob);
		blob[len] = 0;
		assert_int_equal(pkit_sshkey_from_blob(&ctx, blob, len + 1, "b",
		    &back), PKIT_ERR_FORMAT);
		assert_non_null(strstr(ctx.errbuf, "trailing"));
		free(blob);

		assert_int_equal(pkit_sshkey_public_encode(&ctx, key, NULL, &line,
		    &llen), PKIT_OK);
		assert_int_equal(strncmp((char *)line, pkit_sshkey_type(key),
		    strlen(pkit_sshkey_type(key))), 0);
		assert_int_equal(line[llen - 1], '\n');
		assert_true(pkit_sshkey_is_public(line, llen));
		assert_int_equal(pkit_sshkey_parse_public(&ctx, line, llen, "l",
		    &back), PKIT_OK);
		assert_true(pkit_key_matches(key, back));
		EVP_PKEY_free(back);
		free(line);

		assert_int_equal(pkit_sshkey_private_encode(&ctx, key, "c", &priv,
		    &plen), PKIT_OK);
		assert_true(pkit_sshkey_is_private(priv, plen));
		assert_false(pkit_sshkey_is_encrypted(priv, plen));
		assert_int_equal(pkit_sshkey_parse_private(&ctx, priv, plen, "p",
		    &back), PKIT_OK);
		assert_true(pkit_key_has_private(back));
		assert_true(EVP_PKEY_eq(key, back) == 1);
		EVP_PKEY_free(back);
		/* The public half is there without decrypting anything. */
		assert_int_equal(pkit_sshkey_parse_private_public(&ctx, priv, plen,
		    "p", &back), PKIT_OK);
		assert_false(pkit_key_has_private(back));
		assert_true(pkit_key_matches(key, back));
		EVP_PKEY_free(back);
		pkit_secret_free(priv, plen);
		EVP_PKEY_free(key);
	}
	pkit_ctx_release(&ctx);
}

static void
test_no_ssh_form(void **state)
{
	struct pkit_ctx ctx;
	struct pkit_keyspec spec = { "OKP", "X25519", 0, 0 };
	EVP_PKEY *key = NULL;
	unsigned char *out = (unsigned char *)"x";
	size_t len = 9;

	(void)state;
	pkit_ctx_init(&ctx);
	assert_int_equal(pkit_key_generate(&ctx, &spec, &key), PKIT_OK);
	assert_null(pkit_sshkey_type(key));
	assert_int_equal(pkit_sshkey_public_blob(&ctx, key, &out, &len),
	    PKIT_ERR_UNSUPPORTED);
	assert_null(out);
	assert_int_equal(pkit_sshkey_private_encode(&ctx, key, NULL, &out,
	    &len), PKIT_ERR_UNSUPPORTED);
	assert_non_null(strstr(ctx.errbuf, "no OpenSSH form"));
	EVP_PKEY_free(key);
	pkit_ctx_release(&ctx);
}

static void
test_sshkeygen_vectors(void **state)
{
	struct pkit_ctx ctx;
	EVP_PKEY *priv = NULL, *pub = NULL, *half = NULL;
	unsigned char *line = NULL;
	size_t len = 0;

	(void)state;
	pkit_ctx_init(&ctx);
	assert_int_equal(pkit_sshkey_parse_private(&ctx,
	    (const unsigned char *)sshkeygen_ed25519, strlen(sshkeygen_ed25519),
	    "v", &priv), PKIT_OK);
	assert_int_equal(pkit_sshkey_parse_public(&ctx,
	    (const unsigned char *)sshkeygen_ed25519_pub,
	    strlen(sshkeygen_ed25519_pub), "v.pub", &pub), PKIT_OK);
	assert_true(pkit_key_matches(priv, pub));
	assert_int_equal(pkit_sshkey_public_encode(&ctx, priv, "vec@pkit", &line,
	    &len), PKIT_OK);
	assert_string_equal((char *)line, sshkeygen_ed25519_pub);
	free(line);
	EVP_PKEY_free(priv);
	EVP_PKEY_free(pub);
	pub = priv = NULL;

	/* Encrypted: refused with a way out, but the public half reads. */
	assert_true(pkit_sshkey_is_encrypted(
	    (const unsigned char *)sshkeygen_ecdsa_enc,
	    strlen(sshkeygen_ecdsa_enc)));
	assert_int_equal(pkit_sshkey_parse_private(&ctx,
	    (const unsigned char *)sshkeygen_ecdsa_enc,
	    strlen(sshkeygen_ecdsa_enc), "ve", &priv), PKIT_ERR_UNSUPPORTED);
	assert_null(priv);
	assert_non_null(strstr(ctx.errbuf, "ve: encrypted OpenSSH"));
	assert_non_null(strstr(ctx.errbuf, "ssh-keygen -p -m PKCS8 -f ve"));
	assert_int_equal(pkit_sshkey_parse_private_public(&ctx,
	    (const unsigned char *)sshkeygen_ecdsa_enc,
	    strlen(sshkeygen_ecdsa_enc), "ve", &half), PKIT_OK);
	assert_int_equal(pkit_sshkey_parse_public(&ctx,
	    (const unsigned char *)sshkeygen_ecdsa_enc_pub,
	    strlen(sshkeygen_ecdsa_enc_pub), "ve.pub", &pub), PKIT_OK);
	assert_true(pkit_key_matches(half, pub));
	/* The key module routes OpenSSH files here too. */
	EVP_PKEY_free(half);
	half = NULL;
	assert_int_equal(pkit_key_parse_public(&ctx,
	    (const unsigned char *)sshkeygen_ecdsa_enc,
	    strlen(sshkeygen_ecdsa_enc), "ve", &half), PKIT_OK);
	assert_true(pkit_key_matches(half, pub));
	EVP_PKEY_free(half);
	EVP_PKEY_free(pub);
	pkit_ctx_release(&ctx);
}

static void
test_bad_lines(void **state)
{
	static const struct {
		const char *line;
		int err;
		const char *msg;
	} cases[] = {
		{ "", PKIT_ERR_FORMAT, "no SSH public key" },
		{ "# only a comment\n\n", PKIT_ERR_FORMAT, "no SSH public key" },
		{ "ssh-dss AAAAB3NzaC1kc3MAAACBAP\n", PKIT_ERR_UNSUPPORTED,
		  "'ssh-dss' is not supported" },
		{ "ssh-ed25519-cert-v01@openssh.com AAAA\n", PKIT_ERR_UNSUPPORTED,
		  "SSH certificate" },
		{ "ssh-ed25519\n", PKIT_ERR_FORMAT, "malformed" },
		{ "ssh-ed25519 ***\n", PKIT_ERR_FORMAT, "base64" },
		/* The blob is an Ed25519 key, the line says RSA. */
		{ "ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAINdamAGCsQq31Uv+08lkBzoO4XLz2qY"
		  "jJa8CGmj3B1Ea\n", PKIT_ERR_FORMAT, "not ssh-rsa" },
		/* Two keys in one file. */
		{ "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINdamAGCsQq31Uv+08lkBzoO4XL"
		  "z2qYjJa8CGmj3B1Ea\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINdamAG"
		  "CsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea\n", PKIT_ERR_FORMAT,
		  "more than one key" },
		/* A 31-byte Ed25519 key. */
		{ "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAH9damAGCsQq31Uv+08lkBzoO4XL"
		  "z2qYjJa8CGmj3B1E=\n", PKIT_ERR_FORMAT, "malformed" },
	};
	struct pkit_ctx ctx;
	EVP_PKEY *key;
	size_t i;

	(void)state;
	pkit_ctx_init(&ctx);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		key = NULL;
		assert_int_equal(pkit_sshkey_parse_public(&ctx,
		    (const unsigned char *)cases[i].line, strlen(cases[i].line),
		    "f", &key), cases[i].err);
		assert_null(key);
		if (strstr(ctx.errbuf, cases[i].msg) == NULL)
			fail_msg("case %zu: '%s' lacks '%s'", i, ctx.errbuf,
			    cases[i].msg);
		assert_int_equal(strncmp(ctx.errbuf, "f: ", 3), 0);
	}
	/* Comments and blank lines around one key are fine. */
	{
		const char *ok = "# mine\n\n  ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA"
		    "INdamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea a b c\r\n\n";

		assert_int_equal(pkit_sshkey_parse_public(&ctx,
		    (const unsigned char *)ok, strlen(ok), "f", &key), PKIT_OK);
		EVP_PKEY_free(key);
	}
	pkit_ctx_release(&ctx);
}

/* RSA blobs with mpints that break RFC 4251's rules. */
static void
test_bad_mpints(void **state)
{
	static const unsigned char neg_e[] = {
		0, 0, 0, 7, 's', 's', 'h', '-', 'r', 's', 'a',
		0, 0, 0, 1, 0x81,		/* e = -127 */
		0, 0, 0, 1, 0x01,
	};
	static const unsigned char padded_e[] = {
		0, 0, 0, 7, 's', 's', 'h', '-', 'r', 's', 'a',
		0, 0, 0, 2, 0x00, 0x03,	/* a needless leading zero */
		0, 0, 0, 1, 0x01,
	};
	static const unsigned char small_n[] = {
		0, 0, 0, 7, 's', 's', 'h', '-', 'r', 's', 'a',
		0, 0, 0, 1, 0x03,
		0, 0, 0, 2, 0x00, 0xc5,	/* n = 197 */
	};
	static const unsigned char huge_len[] = {
		0, 0, 0, 7, 's', 's', 'h', '-', 'r', 's', 'a',
		0xff, 0xff, 0xff, 0xff, 0x01,
	};
	struct pkit_ctx ctx;
	EVP_PKEY *key = NULL;

	(void)state;
	pkit_ctx_init(&ctx);
	assert_int_equal(pkit_sshkey_from_blob(&ctx, neg_e, sizeof(neg_e), "n",
	    &key), PKIT_ERR_FORMAT);
	assert_int_equal(pkit_sshkey_from_blob(&ctx, padded_e,
	    sizeof(padded_e), "n", &key), PKIT_ERR_FORMAT);
	assert_int_equal(pkit_sshkey_from_blob(&ctx, small_n, sizeof(small_n),
	    "n", &key), PKIT_ERR_FORMAT);
	assert_non_null(strstr(ctx.errbuf, "out of range"));
	assert_int_equal(pkit_sshkey_from_blob(&ctx, huge_len,
	    sizeof(huge_len), "n", &key), PKIT_ERR_FORMAT);
	assert_null(key);
	pkit_ctx_release(&ctx);
}

/* Decode the body of a PEM block, let f change it, and encode it again. */
static char *
rewrap(const unsigned char *pem, size_t len, void (*f)(unsigned char *,
    long *))
{
	BIO *in = BIO_new_mem_buf(pem, (int)len), *out = BIO_new(BIO_s_mem());
	char *name = NULL, *hdr = NULL, *mem, *s;
	unsigned char *d = NULL;
	long n = 0, m;

	assert_true(PEM_read_bio(in, &name, &hdr, &d, &n));
	f(d, &n);
	assert_true(PEM_write_bio(out, name, hdr, d, n));
	m = BIO_get_mem_data(out, &mem);
	s = malloc((size_t)m + 1);
	assert_non_null(s);
	memcpy(s, mem, (size_t)m);
	s[m] = '\0';
	OPENSSL_free(name);
	OPENSSL_free(hdr);
	OPENSSL_free(d);
	BIO_free(in);
	BIO_free(out);
	return s;
}

/* Offsets in a pkit-written Ed25519 file with an empty comment: magic 15,
 * "none" 8, "none" 8, "" 4, nkeys 4, public blob 4 + 51, private length
 * 4, then checkint 1 at 98 and checkint 2 at 102. */
#define ED_PRIV_LEN_AT 94
#define ED_CHECK1_AT 98
#define ED_SK_AT (106 + 4 + 11 + 4 + 32 + 4)

static void bump_check(unsigned char *d, long *n) { (void)n; d[ED_CHECK1_AT] ^= 1; }
static void bad_pad(unsigned char *d, long *n) { d[*n - 1] ^= 0x40; }
static void bad_seed(unsigned char *d, long *n) { (void)n; d[ED_SK_AT] ^= 1; }
static void bad_magic(unsigned char *d, long *n) { (void)n; d[3] = 'X'; }
static void cut_tail(unsigned char *d, long *n) { (void)d; *n -= 8; }
static void set_cipher(unsigned char *d, long *n)
{
	(void)n;
	memcpy(d + 15 + 4, "aes0", 4);
}

static void
test_private_corruptions(void **state)
{
	static const struct {
		void (*f)(unsigned char *, long *);
		int err;
		const char *msg;
	} cases[] = {
		{ bump_check, PKIT_ERR_FORMAT, "check bytes" },
		{ bad_pad, PKIT_ERR_FORMAT, "padding" },
		{ bad_seed, PKIT_ERR_FORMAT, "does not match" },
		{ bad_magic, PKIT_ERR_FORMAT, "bad magic" },
		{ cut_tail, PKIT_ERR_FORMAT, "malformed" },
		{ set_cipher, PKIT_ERR_UNSUPPORTED, "encrypted OpenSSH" },
	};
	struct pkit_ctx ctx;
	EVP_PKEY *key = ed25519_vector(), *back = NULL;
	unsigned char *pem = NULL;
	size_t len = 0, i;
	char *bad;

	(void)state;
	pkit_ctx_init(&ctx);
	assert_int_equal(pkit_sshkey_private_encode(&ctx, key, NULL, &pem, &len),
	    PKIT_OK);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bad = rewrap(pem, len, cases[i].f);
		assert_int_equal(pkit_sshkey_parse_private(&ctx,
		    (unsigned char *)bad, strlen(bad), "k", &back), cases[i].err);
		assert_null(back);
		if (strstr(ctx.errbuf, cases[i].msg) == NULL)
			fail_msg("case %zu: '%s' lacks '%s'", i, ctx.errbuf,
			    cases[i].msg);
		free(bad);
	}
	/* Not PEM at all, and a PEM body cut anywhere. */
	assert_int_equal(pkit_sshkey_parse_private(&ctx,
	    (const unsigned char *)"-----BEGIN OPENSSH PRIVATE KEY-----\n!!\n",
	    40, "k", &back), PKIT_ERR_FORMAT);
	for (i = 0; i < len; i += 7)
		assert_int_not_equal(pkit_sshkey_parse_private(&ctx, pem, i, "k",
		    &back), PKIT_OK);
	pkit_secret_free(pem, len);
	EVP_PKEY_free(key);
	pkit_ctx_release(&ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_blob),
		cmocka_unit_test(test_roundtrip_every_type),
		cmocka_unit_test(test_no_ssh_form),
		cmocka_unit_test(test_sshkeygen_vectors),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_bad_mpints),
		cmocka_unit_test(test_private_corruptions),
	};

	return cmocka_run_group_tests(tests, NULL, teardown);
}

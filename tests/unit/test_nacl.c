/* test_nacl.c - the NaCl wrappers interoperate with libsodium's own API in
 * both directions, reject every altered byte, parse nonces as step does and
 * read key files of exactly the right size. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <sodium.h>

#include "lib/fs.h"
#include "lib/nacl.h"
#include "lib/secret.h"

static const unsigned char msg[] = "attack at dawn, bring snacks";
#define MSGLEN (sizeof(msg) - 1)

static char dir[] = "/tmp/pkit-test-nacl.XXXXXX";

static int
setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[256];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
nonce_of(const char *s, unsigned char n[PKIT_NACL_NONCE_BYTES])
{
	struct pkit_ctx ctx;

	pkit_ctx_init(&ctx);
	assert_int_equal(pkit_nacl_nonce(&ctx, s, n), PKIT_OK);
	pkit_ctx_release(&ctx);
}

static void
test_nonce(void **state)
{
	struct pkit_ctx ctx;
	unsigned char a[24], b[24], want[24] = { 'n', 'o', 'n', 'c', 'e' };

	(void)state;
	pkit_ctx_init(&ctx);
	/* A word is its bytes, padded with zeros, as step copies it into a
	 * [24]byte; "string:" is dropped; "base64:" is standard base64. */
	nonce_of("nonce", a);
	assert_memory_equal(a, want, 24);
	nonce_of("string:nonce", b);
	assert_memory_equal(b, want, 24);
	nonce_of("base64:bm9uY2U=", b);
	assert_memory_equal(b, want, 24);
	nonce_of("123456789012345678901234", a);
	assert_memory_equal(a, "123456789012345678901234", 24);
	nonce_of("base64:081D3pFPBkwx1bURR9HQjiYbAUxigo0Z", a);
	assert_int_equal(a[0], 0xd3);
	assert_int_equal(a[23], 0x19);

	memset(b, 0xaa, sizeof(b));
	memcpy(a, b, sizeof(a));
	assert_int_equal(pkit_nacl_nonce(&ctx, "1234567890123456789012345", a),
	    PKIT_ERR_ARG);
	assert_int_equal(pkit_nacl_nonce(&ctx, "", a), PKIT_ERR_ARG);
	assert_int_equal(pkit_nacl_nonce(&ctx, "string:", a), PKIT_ERR_ARG);
	assert_int_equal(pkit_nacl_nonce(&ctx, "base64:", a), PKIT_ERR_ARG);
	assert_int_equal(pkit_nacl_nonce(&ctx, "base64:bm9uY2U", a),
	    PKIT_ERR_FORMAT);	/* padding is required, as in Go */
	assert_int_equal(pkit_nacl_nonce(&ctx, "base64:!!!!", a),
	    PKIT_ERR_FORMAT);
	/* 25 bytes of base64. */
	assert_int_equal(pkit_nacl_nonce(&ctx,
	    "base64:MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NQ==", a), PKIT_ERR_ARG);
	assert_memory_equal(a, b, sizeof(a));	/* untouched on failure */
	pkit_ctx_release(&ctx);
}

static void
test_box_interop(void **state)
{
	struct pkit_ctx ctx;
	unsigned char apk[32], ask[32], bpk[32], bsk[32], n[24];
	unsigned char *c = NULL, *m = NULL, ref[MSGLEN + crypto_box_MACBYTES];
	unsigned char plain[MSGLEN];
	size_t clen = 0, mlen = 0, i;

	(void)state;
	pkit_ctx_init(&ctx);
	assert_int_equal(pkit_nacl_box_keypair(&ctx, apk, ask), PKIT_OK);
	assert_int_equal(crypto_box_keypair(bpk, bsk), 0);
	nonce_of("nonce1", n);

	/* pkit seals (b to a), libsodium opens. */
	assert_int_equal(pkit_nacl_box_seal(&ctx, msg, MSGLEN, n, apk, bsk, &c,
	    &clen), PKIT_OK);
	assert_int_equal(clen, MSGLEN + crypto_box_MACBYTES);
	assert_int_equal(crypto_box_open_easy(plain, c, clen, n, bpk, ask), 0);
	assert_memory_equal(plain, msg, MSGLEN);
	/* The same inputs give the same box as libsodium's. */
	assert_int_equal(crypto_box_easy(ref, msg, MSGLEN, n, apk, bsk), 0);
	assert_memory_equal(ref, c, clen);
	free(c);

	/* libsodium seals (a to b), pkit opens. */
	assert_int_equal(crypto_box_easy(ref, msg, MSGLEN, n, bpk, ask), 0);
	assert_int_equal(pkit_nacl_box_open(&ctx, ref, sizeof(ref), n, apk,
	    bsk, &m, &mlen), PKIT_OK);
	assert_int_equal(mlen, MSGLEN);
	assert_memory_equal(m, msg, MSGLEN);
	assert_int_equal(m[mlen], '\0');
	pkit_secret_free(m, mlen);

	/* Every flipped bit, a wrong nonce, a wrong key, a short box. */
	for (i = 0; i < sizeof(ref) * 8; i += 7) {
		ref[i / 8] ^= (unsigned char)(1u << (i % 8));
		m = (unsigned char *)&ctx;
		assert_int_equal(pkit_nacl_box_open(&ctx, ref, sizeof(ref), n,
		    apk, bsk, &m, &mlen), PKIT_ERR_VERIFY);
		assert_null(m);
		ref[i / 8] ^= (unsigned char)(1u << (i % 8));
	}
	n[23] ^= 1;
	assert_int_equal(pkit_nacl_box_open(&ctx, ref, sizeof(ref), n, apk,
	    bsk, &m, &mlen), PKIT_ERR_VERIFY);
	n[23] ^= 1;
	assert_int_equal(pkit_nacl_box_open(&ctx, ref, sizeof(ref), n, bpk,
	    bsk, &m, &mlen), PKIT_ERR_VERIFY);
	assert_int_equal(pkit_nacl_box_open(&ctx, ref, 15, n, apk, bsk, &m,
	    &mlen), PKIT_ERR_FORMAT);
	assert_null(m);

	/* An empty message seals to the MAC alone and opens to nothing. */
	assert_int_equal(pkit_nacl_box_seal(&ctx, msg, 0, n, apk, bsk, &c,
	    &clen), PKIT_OK);
	assert_int_equal(clen, crypto_box_MACBYTES);
	assert_int_equal(pkit_nacl_box_open(&ctx, c, clen, n, bpk, ask, &m,
	    &mlen), PKIT_OK);
	assert_int_equal(mlen, 0);
	free(c);
	pkit_secret_free(m, mlen);
	pkit_ctx_release(&ctx);
}

static void
test_secretbox_interop(void **state)
{
	struct pkit_ctx ctx;
	unsigned char key[32], n[24], *c = NULL, *m = NULL;
	unsigned char ref[MSGLEN + crypto_secretbox_MACBYTES], plain[MSGLEN];
	size_t clen = 0, mlen = 0, i;

	(void)state;
	pkit_ctx_init(&ctx);
	crypto_secretbox_keygen(key);
	nonce_of("base64:081D3pFPBkwx1bURR9HQjiYbAUxigo0Z", n);

	assert_int_equal(pkit_nacl_secretbox_seal(&ctx, msg, MSGLEN, n, key,
	    &c, &clen), PKIT_OK);
	assert_int_equal(clen, sizeof(ref));
	assert_int_equal(crypto_secretbox_open_easy(plain, c, clen, n, key), 0);
	assert_memory_equal(plain, msg, MSGLEN);
	free(c);

	assert_int_equal(crypto_secretbox_easy(ref, msg, MSGLEN, n, key), 0);
	assert_int_equal(pkit_nacl_secretbox_open(&ctx, ref, sizeof(ref), n,
	    key, &m, &mlen), PKIT_OK);
	assert_int_equal(mlen, MSGLEN);
	assert_memory_equal(m, msg, MSGLEN);
	pkit_secret_free(m, mlen);

	for (i = 0; i < sizeof(ref) * 8; i += 5) {
		ref[i / 8] ^= (unsigned char)(1u << (i % 8));
		assert_int_equal(pkit_nacl_secretbox_open(&ctx, ref,
		    sizeof(ref), n, key, &m, &mlen), PKIT_ERR_VERIFY);
		assert_null(m);
		ref[i / 8] ^= (unsigned char)(1u << (i % 8));
	}
	key[0] ^= 0x80;
	assert_int_equal(pkit_nacl_secretbox_open(&ctx, ref, sizeof(ref), n,
	    key, &m, &mlen), PKIT_ERR_VERIFY);
	assert_int_equal(pkit_nacl_secretbox_open(&ctx, ref, 3, n, key, &m,
	    &mlen), PKIT_ERR_FORMAT);
	pkit_ctx_release(&ctx);
}

/* RFC 8032 section 7.1, test 1: the empty message. */
static const char rfc8032_seed[] =
    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
static const char rfc8032_pub[] =
    "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
static const char rfc8032_sig[] =
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555f"
    "b8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";

static void
unhex(const char *h, unsigned char *out, size_t len)
{
	size_t n = 0;

	assert_int_equal(sodium_hex2bin(out, len, h, strlen(h), NULL, &n,
	    NULL), 0);
	assert_int_equal(n, len);
}

static void
test_sign_interop(void **state)
{
	struct pkit_ctx ctx;
	unsigned char pk[32], sk[64], seed[32], want[64];
	unsigned char *sm = NULL, *m = NULL, ref[64 + MSGLEN];
	unsigned long long reflen = 0;
	size_t smlen = 0, mlen = 0, i;
	unsigned char plain[64 + MSGLEN];

	(void)state;
	pkit_ctx_init(&ctx);
	/* Known answer: the libsodium secret key is seed || public key. */
	unhex(rfc8032_seed, seed, 32);
	unhex(rfc8032_pub, pk, 32);
	unhex(rfc8032_sig, want, 64);
	memcpy(sk, seed, 32);
	memcpy(sk + 32, pk, 32);
	assert_int_equal(pkit_nacl_sign(&ctx, msg, 0, sk, &sm, &smlen), PKIT_OK);
	assert_int_equal(smlen, 64);
	assert_memory_equal(sm, want, 64);
	assert_int_equal(pkit_nacl_sign_open(&ctx, sm, smlen, pk, &m, &mlen),
	    PKIT_OK);
	assert_int_equal(mlen, 0);
	free(sm);
	free(m);

	/* pkit signs, libsodium opens; libsodium signs, pkit opens. */
	assert_int_equal(pkit_nacl_sign_keypair(&ctx, pk, sk), PKIT_OK);
	assert_int_equal(pkit_nacl_sign(&ctx, msg, MSGLEN, sk, &sm, &smlen),
	    PKIT_OK);
	assert_int_equal(smlen, 64 + MSGLEN);
	assert_memory_equal(sm + 64, msg, MSGLEN);
	assert_int_equal(crypto_sign_open(plain, &reflen, sm, smlen, pk), 0);
	assert_int_equal(reflen, MSGLEN);
	assert_int_equal(crypto_sign_verify_detached(sm, msg, MSGLEN, pk), 0);
	free(sm);

	assert_int_equal(crypto_sign_keypair(pk, sk), 0);
	assert_int_equal(crypto_sign(ref, &reflen, msg, MSGLEN, sk), 0);
	assert_int_equal(pkit_nacl_sign_open(&ctx, ref, sizeof(ref), pk, &m,
	    &mlen), PKIT_OK);
	assert_int_equal(mlen, MSGLEN);
	assert_memory_equal(m, msg, MSGLEN);
	free(m);

	/* Flipped bits in the signature and in the message. */
	for (i = 0; i < sizeof(ref) * 8; i += 11) {
		ref[i / 8] ^= (unsigned char)(1u << (i % 8));
		m = (unsigned char *)&ctx;
		assert_int_equal(pkit_nacl_sign_open(&ctx, ref, sizeof(ref),
		    pk, &m, &mlen), PKIT_ERR_VERIFY);
		assert_null(m);
		ref[i / 8] ^= (unsigned char)(1u << (i % 8));
	}
	assert_int_equal(pkit_nacl_sign_open(&ctx, ref, 63, pk, &m, &mlen),
	    PKIT_ERR_FORMAT);
	pk[0] ^= 1;
	assert_int_not_equal(pkit_nacl_sign_open(&ctx, ref, sizeof(ref), pk,
	    &m, &mlen), PKIT_OK);
	pkit_secret_wipe(sk, sizeof(sk));
	pkit_ctx_release(&ctx);
}

static void
test_auth_interop(void **state)
{
	struct pkit_ctx ctx;
	unsigned char key[32], tag[32], ref[32], hmac[64];
	size_t hlen = 0, i;

	(void)state;
	pkit_ctx_init(&ctx);
	crypto_auth_keygen(key);
	assert_int_equal(pkit_nacl_auth(&ctx, msg, MSGLEN, key, tag), PKIT_OK);
	assert_int_equal(crypto_auth_verify(tag, msg, MSGLEN, key), 0);
	/* HMAC-SHA-512-256 is the first half of HMAC-SHA-512: check it
	 * against OpenSSL. */
	assert_non_null(EVP_Q_mac(NULL, "HMAC", NULL, "SHA512", NULL, key,
	    sizeof(key), msg, MSGLEN, hmac, sizeof(hmac), &hlen));
	assert_int_equal(hlen, 64);
	assert_memory_equal(tag, hmac, 32);

	assert_int_equal(crypto_auth(ref, msg, MSGLEN, key), 0);
	assert_int_equal(pkit_nacl_auth_verify(&ctx, msg, MSGLEN, key, ref),
	    PKIT_OK);
	for (i = 0; i < sizeof(ref) * 8; i += 3) {
		ref[i / 8] ^= (unsigned char)(1u << (i % 8));
		assert_int_equal(pkit_nacl_auth_verify(&ctx, msg, MSGLEN, key,
		    ref), PKIT_ERR_VERIFY);
		ref[i / 8] ^= (unsigned char)(1u << (i % 8));
	}
	assert_int_equal(pkit_nacl_auth_verify(&ctx, msg, MSGLEN - 1, key,
	    ref), PKIT_ERR_VERIFY);
	key[31] ^= 1;
	assert_int_equal(pkit_nacl_auth_verify(&ctx, msg, MSGLEN, key, ref),
	    PKIT_ERR_VERIFY);
	pkit_ctx_release(&ctx);
}

static void
test_key_read(void **state)
{
	struct pkit_ctx ctx;
	unsigned char key[32], out[32], keep[32];
	char path[256], big[256], small[256], none[256];

	(void)state;
	pkit_ctx_init(&ctx);
	randombytes_buf(key, sizeof(key));
	snprintf(path, sizeof(path), "%s/k32", dir);
	snprintf(big, sizeof(big), "%s/k33", dir);
	snprintf(small, sizeof(small), "%s/k31", dir);
	snprintf(none, sizeof(none), "%s/missing", dir);
	assert_int_equal(pkit_file_write(&ctx, path, key, 32,
	    PKIT_WRITE_PRIVATE), PKIT_OK);
	assert_int_equal(pkit_file_write(&ctx, big, key, 32, 0), PKIT_OK);
	assert_int_equal(pkit_file_write(&ctx, big, "0123456789012345678901"
	    "23456789012", 33, PKIT_WRITE_FORCE), PKIT_OK);
	assert_int_equal(pkit_file_write(&ctx, small, key, 31, 0), PKIT_OK);

	assert_int_equal(pkit_nacl_key_read(&ctx, path, "box private key", out,
	    32), PKIT_OK);
	assert_memory_equal(out, key, 32);
	memcpy(keep, out, 32);
	assert_int_equal(pkit_nacl_key_read(&ctx, big, "box private key", out,
	    32), PKIT_ERR_FORMAT);
	assert_non_null(strstr(ctx.errbuf, "k33: not a box private key"));
	assert_int_equal(pkit_nacl_key_read(&ctx, small, "box public key", out,
	    32), PKIT_ERR_FORMAT);
	assert_non_null(strstr(ctx.errbuf, "31 bytes, expected 32"));
	/* A 64-byte sign key is not a 32-byte one, and vice versa. */
	assert_int_equal(pkit_nacl_key_read(&ctx, path, "sign private key", out,
	    64), PKIT_ERR_FORMAT);
	assert_int_equal(pkit_nacl_key_read(&ctx, none, "box public key", out,
	    32), PKIT_ERR_NOT_FOUND);
	assert_int_equal(pkit_nacl_key_read(&ctx, "-", "box public key", out,
	    32), PKIT_ERR_ARG);
	assert_memory_equal(out, keep, 32);
	pkit_ctx_release(&ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nonce),
		cmocka_unit_test(test_box_interop),
		cmocka_unit_test(test_secretbox_interop),
		cmocka_unit_test(test_sign_interop),
		cmocka_unit_test(test_auth_interop),
		cmocka_unit_test(test_key_read),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

/* test_digest.c - digests of buffers, files and directory trees. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/codec.h"
#include "lib/digest.h"

static char dir[] = "/tmp/pkit-test-digest.XXXXXX";

static int
setup(void **state)
{
	(void)state;
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
put(const char *rel, const void *data, size_t len)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	assert_non_null(fp = fopen(path, "wb"));
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

static void
sub(char *buf, size_t size, const char *rel)
{
	snprintf(buf, size, "%s/%s", dir, rel);
}

static char *
hex_of(const unsigned char *md, size_t len)
{
	struct pkit_ctx ctx;
	char *s;

	pkit_ctx_init(&ctx);
	assert_int_equal(pkit_hex_encode(&ctx, md, len, 0, &s), PKIT_OK);
	pkit_ctx_release(&ctx);
	return s;
}

/* FIPS 180-4, FIPS 202, RFC 7693, RFC 1321 and RFC 3174 digests of "abc". */
static void
test_vectors(void **state)
{
	static const struct {
		const char *alg, *hex;
	} v[] = {
		{ "sha256", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "sha224", "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7" },
		{ "sha384", "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7" },
		{ "sha512", "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f" },
		{ "sha512-224", "4634270f707b6a54daae7530460842e20e37ed265ceee9a43e8924aa" },
		{ "sha512-256", "53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23" },
		{ "sha3-256", "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532" },
		{ "sha3-384", "ec01498288516fc926459f58e2c6ad8df9b473cb0fc08c2596da7cf0e49be4b298d88cea927ac7f539f1edf228376d25" },
		{ "sha3-512", "b751850b1a57168a5693cd924b6b096e08f621827444f70d884f5d0240d2712e10e116e9192af3c91a7ec57647e3934057340b4cf408d5a56592f8274eec53f0" },
		{ "blake2b-512", "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923" },
		{ "blake2s-256", "508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982" },
		{ "sha1", "a9993e364706816aba3e25717850c26c9cd0d89d" },
		{ "md5", "900150983cd24fb0d6963f7d28e17f72" },
	};
	struct pkit_ctx ctx;
	unsigned char md[PKIT_DIGEST_MAX];
	char path[512], *hex;
	size_t i, len;

	(void)state;
	pkit_ctx_init(&ctx);
	put("abc", "abc", 3);
	sub(path, sizeof(path), "abc");
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(pkit_digest_buf(&ctx, v[i].alg,
		    PKIT_DIGEST_INSECURE, "abc", 3, md, &len), PKIT_OK);
		hex = hex_of(md, len);
		assert_string_equal(hex, v[i].hex);
		free(hex);
		/* The same through a file, and compare agrees. */
		assert_int_equal(pkit_digest_path(&ctx, v[i].alg,
		    PKIT_DIGEST_INSECURE, path, md, &len), PKIT_OK);
		hex = hex_of(md, len);
		assert_string_equal(hex, v[i].hex);
		free(hex);
		assert_int_equal(pkit_digest_compare(&ctx, v[i].alg,
		    PKIT_DIGEST_INSECURE, v[i].hex, path), PKIT_OK);
	}
	pkit_ctx_release(&ctx);
}

static void
test_broken_and_unknown(void **state)
{
	struct pkit_ctx ctx;
	unsigned char md[PKIT_DIGEST_MAX];
	size_t len = 0;

	(void)state;
	pkit_ctx_init(&ctx);
	assert_int_equal(pkit_digest_check(&ctx, "sha256", 0), PKIT_OK);
	assert_int_equal(pkit_digest_check(&ctx, "md5", 0), PKIT_ERR_INSECURE);
	assert_non_null(strstr(ctx.errbuf, "--insecure"));
	assert_int_equal(pkit_digest_check(&ctx, "sha1", 0), PKIT_ERR_INSECURE);
	assert_int_equal(pkit_digest_buf(&ctx, "md5", 0, "x", 1, md, &len),
	    PKIT_ERR_INSECURE);
	assert_int_equal(len, 0);
	assert_int_equal(pkit_digest_check(&ctx, "sha3-224", 0),
	    PKIT_ERR_UNSUPPORTED);
	assert_int_equal(pkit_digest_check(&ctx, "SHA256", 0),
	    PKIT_ERR_UNSUPPORTED);
	assert_int_equal(pkit_digest_check(&ctx, NULL, 0), PKIT_ERR_UNSUPPORTED);
	pkit_ctx_release(&ctx);
}

/* A file of several read chunks, with an odd tail, digests the same as
 * the buffer. */
static void
test_big_file(void **state)
{
	struct pkit_ctx ctx;
	unsigned char a[PKIT_DIGEST_MAX], b[PKIT_DIGEST_MAX], *data;
	size_t i, n = 3 * 65536 + 7, alen, blen;
	char path[512];

	(void)state;
	pkit_ctx_init(&ctx);
	assert_non_null(data = malloc(n));
	for (i = 0; i < n; i++)
		data[i] = (unsigned char)(i * 7 + i / 251);
	put("big", data, n);
	sub(path, sizeof(path), "big");
	assert_int_equal(pkit_digest_buf(&ctx, "sha512", 0, data, n, a, &alen),
	    PKIT_OK);
	assert_int_equal(pkit_digest_path(&ctx, "sha512", 0, path, b, &blen),
	    PKIT_OK);
	assert_int_equal(alen, 64);
	assert_int_equal(blen, 64);
	assert_memory_equal(a, b, 64);
	free(data);
	pkit_ctx_release(&ctx);
}

static void
test_line_escapes(void **state)
{
	struct pkit_ctx ctx;
	unsigned char md[2] = { 0xab, 0x01 };
	char *line;

	(void)state;
	pkit_ctx_init(&ctx);
	assert_int_equal(pkit_digest_line(&ctx, md, 2, "plain name", &line),
	    PKIT_OK);
	assert_string_equal(line, "ab01  plain name\n");
	free(line);
	assert_int_equal(pkit_digest_line(&ctx, md, 2, "a\\b\nc\rd", &line),
	    PKIT_OK);
	assert_string_equal(line, "\\ab01  a\\\\b\\nc\\rd\n");
	free(line);
	pkit_ctx_release(&ctx);
}

/* Append the sha256 manifest line of a file to m. */
static void
manifest_add(char *m, size_t size, const char *name, const char *content)
{
	struct pkit_ctx ctx;
	unsigned char md[PKIT_DIGEST_MAX];
	size_t len;
	char *line;

	pkit_ctx_init(&ctx);
	assert_int_equal(pkit_digest_buf(&ctx, "sha256", 0, content,
	    strlen(content), md, &len), PKIT_OK);
	assert_int_equal(pkit_digest_line(&ctx, md, len, name, &line), PKIT_OK);
	assert_true(strlen(m) + strlen(line) < size);
	memcpy(m + strlen(m), line, strlen(line) + 1);
	free(line);
}

static void
test_directory(void **state)
{
	struct pkit_ctx ctx;
	unsigned char want[PKIT_DIGEST_MAX], got[PKIT_DIGEST_MAX];
	char path[512], target[512], manifest[4096] = "", *hex;
	size_t wlen, glen;

	(void)state;
	pkit_ctx_init(&ctx);
	sub(path, sizeof(path), "tree");
	assert_int_equal(mkdir(path, 0755), 0);
	sub(path, sizeof(path), "tree/sub");
	assert_int_equal(mkdir(path, 0755), 0);
	sub(path, sizeof(path), "tree/a-b");
	assert_int_equal(mkdir(path, 0755), 0);
	sub(path, sizeof(path), "tree/empty");
	assert_int_equal(mkdir(path, 0755), 0);
	put("tree/x", "one\n", 4);
	put("tree/sub/y", "two\n", 4);
	put("tree/a-b/z", "three\n", 6);
	put("tree/n\nl", "four\n", 5);
	sub(path, sizeof(path), "tree/sub/link");
	assert_int_equal(symlink("../x", path), 0);

	/* Sorted by name in byte order: "a-b/z" < "n\nl" < "sub/link" <
	 * "sub/y" < "x" ('-' sorts before '/'). */
	manifest_add(manifest, sizeof(manifest), "a-b/z", "three\n");
	manifest_add(manifest, sizeof(manifest), "n\nl", "four\n");
	manifest_add(manifest, sizeof(manifest), "sub/link", "one\n");
	manifest_add(manifest, sizeof(manifest), "sub/y", "two\n");
	manifest_add(manifest, sizeof(manifest), "x", "one\n");
	assert_int_equal(pkit_digest_buf(&ctx, "sha256", 0, manifest,
	    strlen(manifest), want, &wlen), PKIT_OK);

	sub(path, sizeof(path), "tree");
	assert_int_equal(pkit_digest_path(&ctx, "sha256", 0, path, got, &glen),
	    PKIT_OK);
	assert_int_equal(glen, wlen);
	assert_memory_equal(got, want, wlen);
	/* A trailing slash and a compare give the same answer. */
	sub(path, sizeof(path), "tree/");
	assert_int_equal(pkit_digest_path(&ctx, "sha256", 0, path, got, &glen),
	    PKIT_OK);
	assert_memory_equal(got, want, wlen);
	hex = hex_of(want, wlen);
	assert_int_equal(pkit_digest_compare(&ctx, "sha256", 0, hex, path),
	    PKIT_OK);
	free(hex);

	/* A changed name changes the digest. */
	sub(path, sizeof(path), "tree/x");
	sub(target, sizeof(target), "tree/x2");
	assert_int_equal(rename(path, target), 0);
	sub(path, sizeof(path), "tree/sub/link");
	assert_int_equal(unlink(path), 0);
	assert_int_equal(symlink("../x2", path), 0);
	sub(path, sizeof(path), "tree");
	assert_int_equal(pkit_digest_path(&ctx, "sha256", 0, path, got, &glen),
	    PKIT_OK);
	assert_memory_not_equal(got, want, wlen);
	pkit_ctx_release(&ctx);
}

static void
test_directory_errors(void **state)
{
	struct pkit_ctx ctx;
	unsigned char md[PKIT_DIGEST_MAX];
	char path[512];
	size_t len = 0;

	(void)state;
	pkit_ctx_init(&ctx);
	sub(path, sizeof(path), "bad");
	assert_int_equal(mkdir(path, 0755), 0);
	put("bad/f", "f", 1);

	/* A loop through a symbolic link. */
	sub(path, sizeof(path), "bad/loop");
	assert_int_equal(symlink(".", path), 0);
	sub(path, sizeof(path), "bad");
	assert_int_equal(pkit_digest_path(&ctx, "sha256", 0, path, md, &len),
	    PKIT_ERR_FORMAT);
	assert_non_null(strstr(ctx.errbuf, "bad/loop: symbolic link loop"));
	assert_int_equal(len, 0);
	sub(path, sizeof(path), "bad/loop");
	assert_int_equal(unlink(path), 0);

	/* A FIFO. */
	assert_int_equal(mkfifo(path, 0600), 0);
	sub(path, sizeof(path), "bad");
	assert_int_equal(pkit_digest_path(&ctx, "sha256", 0, path, md, &len),
	    PKIT_ERR_ARG);
	assert_non_null(strstr(ctx.errbuf, "bad/loop: not a regular file"));
	sub(path, sizeof(path), "bad/loop");
	assert_int_equal(unlink(path), 0);

	/* A dangling link. */
	assert_int_equal(symlink("nowhere", path), 0);
	sub(path, sizeof(path), "bad");
	assert_int_equal(pkit_digest_path(&ctx, "sha256", 0, path, md, &len),
	    PKIT_ERR_NOT_FOUND);
	assert_non_null(strstr(ctx.errbuf, "bad/loop: broken symbolic link"));

	/* A missing file names itself. */
	sub(path, sizeof(path), "missing");
	assert_int_equal(pkit_digest_path(&ctx, "sha256", 0, path, md, &len),
	    PKIT_ERR_NOT_FOUND);
	assert_non_null(strstr(ctx.errbuf, "missing: no such file"));
	assert_int_equal(len, 0);
	pkit_ctx_release(&ctx);
}

static void
test_compare(void **state)
{
	struct pkit_ctx ctx;
	char path[512];
	const char *good =
	    "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD";
	const char *bad =
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ae";

	(void)state;
	pkit_ctx_init(&ctx);
	put("abc2", "abc", 3);
	sub(path, sizeof(path), "abc2");
	assert_int_equal(pkit_digest_compare(&ctx, "sha256", 0, good, path),
	    PKIT_OK);
	assert_int_equal(pkit_digest_compare(&ctx, "sha256", 0, bad, path),
	    PKIT_ERR_VERIFY);
	assert_non_null(strstr(ctx.errbuf, "abc2: digest does not match"));
	/* Right digest, wrong algorithm: the size differs. */
	assert_int_equal(pkit_digest_compare(&ctx, "sha512", 0, good, path),
	    PKIT_ERR_FORMAT);
	assert_int_equal(pkit_digest_compare(&ctx, "sha256", 0, "", path),
	    PKIT_ERR_FORMAT);
	assert_int_equal(pkit_digest_compare(&ctx, "sha256", 0,
	    "zz7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	    path), PKIT_ERR_FORMAT);
	assert_int_equal(pkit_digest_compare(&ctx, "md5", 0,
	    "900150983cd24fb0d6963f7d28e17f72", path), PKIT_ERR_INSECURE);
	pkit_ctx_release(&ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_broken_and_unknown),
		cmocka_unit_test(test_big_file),
		cmocka_unit_test(test_line_escapes),
		cmocka_unit_test(test_directory),
		cmocka_unit_test(test_directory_errors),
		cmocka_unit_test(test_compare),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

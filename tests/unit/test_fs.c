/* test_fs.c - bounded reads and atomic writes. */
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

#include "lib/fs.h"
#include "lib/ui.h"

static char dir[] = "/tmp/pkit-test-fs.XXXXXX";

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
test_write_then_read(void **state)
{
	struct pkit_ctx ctx;
	char path[256];
	unsigned char *buf;
	size_t len;
	struct stat st;

	(void)state;
	pkit_ctx_init(&ctx);
	snprintf(path, sizeof(path), "%s/a", dir);
	assert_int_equal(pkit_file_write(&ctx, path, "hello", 5,
	    PKIT_WRITE_PRIVATE), PKIT_OK);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(pkit_file_read(&ctx, path, 100, &buf, &len), PKIT_OK);
	assert_int_equal(len, 5);
	assert_memory_equal(buf, "hello", 5);
	assert_int_equal(buf[5], '\0');
	free(buf);
	/* No overwrite without FORCE, and the old content stays. */
	assert_int_equal(pkit_file_write(&ctx, path, "x", 1, 0), PKIT_ERR_EXISTS);
	assert_int_equal(pkit_file_write(&ctx, path, "bye", 3,
	    PKIT_WRITE_FORCE), PKIT_OK);
	assert_int_equal(pkit_file_read(&ctx, path, 100, &buf, &len), PKIT_OK);
	assert_int_equal(len, 3);
	free(buf);
	pkit_ctx_release(&ctx);
}

static void
test_read_limits_and_missing(void **state)
{
	struct pkit_ctx ctx;
	char path[256];
	unsigned char *buf = (unsigned char *)"sentinel";
	size_t len = 99;

	(void)state;
	pkit_ctx_init(&ctx);
	snprintf(path, sizeof(path), "%s/big", dir);
	assert_int_equal(pkit_file_write(&ctx, path, "0123456789", 10, 0), PKIT_OK);
	assert_int_equal(pkit_file_read(&ctx, path, 9, &buf, &len),
	    PKIT_ERR_TOO_LARGE);
	assert_null(buf);
	assert_int_equal(len, 0);
	assert_int_equal(pkit_file_read(&ctx, path, 10, &buf, &len), PKIT_OK);
	free(buf);
	snprintf(path, sizeof(path), "%s/missing", dir);
	assert_int_equal(pkit_file_read(&ctx, path, 10, &buf, &len),
	    PKIT_ERR_NOT_FOUND);
	assert_non_null(strstr(ctx.errbuf, "missing"));
	assert_int_equal(pkit_file_read(&ctx, dir, 10, &buf, &len), PKIT_ERR_ARG);
	pkit_ctx_release(&ctx);
}

static void
test_private_check(void **state)
{
	struct pkit_ctx ctx;
	char path[256];

	(void)state;
	pkit_ctx_init(&ctx);
	snprintf(path, sizeof(path), "%s/k", dir);
	assert_int_equal(pkit_file_write(&ctx, path, "k", 1,
	    PKIT_WRITE_PRIVATE), PKIT_OK);
	assert_int_equal(pkit_file_check_private(&ctx, path), PKIT_OK);
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(pkit_file_check_private(&ctx, path), PKIT_ERR_PERM);
	pkit_ctx_release(&ctx);
}

static void
test_no_temp_left_on_failure(void **state)
{
	struct pkit_ctx ctx;
	char path[256];

	(void)state;
	pkit_ctx_init(&ctx);
	snprintf(path, sizeof(path), "%s/nodir/file", dir);
	assert_int_not_equal(pkit_file_write(&ctx, path, "x", 1, 0), PKIT_OK);
	pkit_ctx_release(&ctx);
}

static void
test_chomp(void **state)
{
	char a[] = "secret\r\n", b[] = "x\n\n", c[] = "no newline";
	size_t n = strlen(a);

	(void)state;
	pkit_ui_chomp(a, &n);
	assert_string_equal(a, "secret");
	assert_int_equal(n, 6);
	pkit_ui_chomp(b, NULL);
	assert_string_equal(b, "x");
	pkit_ui_chomp(c, NULL);
	assert_string_equal(c, "no newline");
}

static void
test_mkdirs(void **state)
{
	struct pkit_ctx ctx;
	char path[256];
	struct stat st;

	(void)state;
	pkit_ctx_init(&ctx);
	snprintf(path, sizeof(path), "%s/x/y/z", dir);
	assert_int_equal(pkit_mkdirs(&ctx, path, 0700), PKIT_OK);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(pkit_mkdirs(&ctx, path, 0700), PKIT_OK);
	pkit_ctx_release(&ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_then_read),
		cmocka_unit_test(test_read_limits_and_missing),
		cmocka_unit_test(test_private_check),
		cmocka_unit_test(test_no_temp_left_on_failure),
		cmocka_unit_test(test_chomp),
		cmocka_unit_test(test_mkdirs),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

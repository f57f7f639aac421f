/* test_acme.c - ACME pieces that need no server: the External Account
 * Binding key store (acme_eab.c) on SQLite, and the validators'
 * refusals (acme_validate.c) against closed local ports. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/ca/acme.h"
#include "lib/ca/db.h"
#include "lib/secret.h"

static char dir[] = "/tmp/pkit-test-acme.XXXXXX";
static char path[256];

static int
setup(void **state)
{
	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/pkit.db", dir);
	return 0;
}

static int
teardown(void **state)
{
	char p[300];

	(void)state;
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
	unlink(path);
	rmdir(dir);
	return 0;
}

static void
test_eab_lifecycle(void **state)
{
	struct pkit_ctx ctx;
	struct pkit_db *db = NULL;
	char *kid = NULL, *hmac = NULL;
	unsigned char *key = NULL;
	size_t len = 0;
	json_t *list = NULL;
	int bound = -1;

	(void)state;
	pkit_ctx_init(&ctx);
	assert_int_equal(pkit_db_open(&ctx, "sqlite", path, &db), 0);
	/* a chosen id, then a random one */
	assert_int_equal(pkit_acme_eab_add(&ctx, db, "acme", "k1", &kid,
	    &hmac), 0);
	assert_string_equal(kid, "k1");
	assert_int_equal(strlen(hmac), 43);
	free(kid);
	pkit_secret_strfree(hmac);
	assert_int_equal(pkit_acme_eab_add(&ctx, db, "acme", NULL, &kid,
	    &hmac), 0);
	assert_true(strlen(kid) >= 16);
	free(kid);
	pkit_secret_strfree(hmac);
	/* ids are unique per provisioner, not across them */
	assert_int_equal(pkit_acme_eab_add(&ctx, db, "acme", "k1", &kid,
	    &hmac), PKIT_ERR_EXISTS);
	assert_int_equal(pkit_acme_eab_add(&ctx, db, "other", "k1", &kid,
	    &hmac), 0);
	free(kid);
	pkit_secret_strfree(hmac);
	/* bad ids */
	assert_int_equal(pkit_acme_eab_add(&ctx, db, "acme", "a/b", &kid,
	    &hmac), PKIT_ERR_ARG);
	assert_int_equal(pkit_acme_eab_add(&ctx, db, "acme", "", &kid,
	    &hmac), PKIT_ERR_ARG);
	/* the key, unbound, then bound once */
	assert_int_equal(pkit_acme_eab_get(&ctx, db, "acme", "k1", &key, &len,
	    &bound), 0);
	assert_int_equal(len, 32);
	assert_int_equal(bound, 0);
	pkit_secret_free(key, len);
	assert_int_equal(pkit_acme_eab_bind(&ctx, db, "acme", "k1", "acc1"), 0);
	assert_int_equal(pkit_acme_eab_bind(&ctx, db, "acme", "k1", "acc2"),
	    PKIT_ERR_EXISTS);
	assert_int_equal(pkit_acme_eab_get(&ctx, db, "acme", "k1", &key, &len,
	    &bound), 0);
	assert_int_equal(bound, 1);
	pkit_secret_free(key, len);
	assert_int_equal(pkit_acme_eab_get(&ctx, db, "acme", "nope", &key,
	    &len, &bound), PKIT_ERR_NOT_FOUND);
	/* the list: two keys, the account of the bound one, no secret */
	assert_int_equal(pkit_acme_eab_list(&ctx, db, "acme", &list), 0);
	assert_int_equal(json_array_size(list), 2);
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(list, 0), "account")), "acc1");
	assert_null(json_object_get(json_array_get(list, 1), "account"));
	assert_null(json_object_get(json_array_get(list, 0), "key"));
	json_decref(list);
	/* remove, twice */
	assert_int_equal(pkit_acme_eab_remove(&ctx, db, "acme", "k1"), 0);
	assert_int_equal(pkit_acme_eab_remove(&ctx, db, "acme", "k1"),
	    PKIT_ERR_NOT_FOUND);
	assert_int_equal(pkit_acme_eab_list(&ctx, db, "acme", &list), 0);
	assert_int_equal(json_array_size(list), 1);
	json_decref(list);
	assert_int_equal(pkit_acme_eab_list(&ctx, db, "none", &list), 0);
	assert_int_equal(json_array_size(list), 0);
	json_decref(list);
	pkit_db_close(db);
	pkit_ctx_release(&ctx);
}

/* Nothing listens on port 1 of 127.0.0.1: connection problems. */
static void
test_validate_refused(void **state)
{
	struct pkit_ctx ctx;
	struct pkit_acme_dev dev;
	const char *ptype = NULL;

	(void)state;
	pkit_ctx_init(&ctx);
	memset(&dev, 0, sizeof(dev));
	dev.http_port = 1;
	dev.tls_port = 1;
	assert_int_not_equal(pkit_acme_validate(&ctx, &dev, "http-01",
	    "localhost", "tok", "tok.thumb", &ptype), 0);
	assert_string_equal(ptype, "connection");
	assert_int_not_equal(pkit_acme_validate(&ctx, &dev, "tls-alpn-01",
	    "localhost", "tok", "tok.thumb", &ptype), 0);
	assert_string_equal(ptype, "connection");
	assert_int_equal(pkit_acme_validate(&ctx, &dev, "device-attest-01",
	    "localhost", "tok", "tok.thumb", &ptype), PKIT_ERR_UNSUPPORTED);
	/* a resolver that does not answer: no TXT record, a dns problem */
	snprintf(dev.resolver, sizeof(dev.resolver), "127.0.0.1:1");
	assert_int_not_equal(pkit_acme_validate(&ctx, &dev, "dns-01",
	    "example.test", "tok", "tok.thumb", &ptype), 0);
	assert_string_equal(ptype, "dns");
	snprintf(dev.resolver, sizeof(dev.resolver), "nonsense:53");
	assert_int_not_equal(pkit_acme_validate(&ctx, &dev, "dns-01",
	    "example.test", "tok", "tok.thumb", &ptype), 0);
	pkit_ctx_release(&ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_eab_lifecycle),
		cmocka_unit_test(test_validate_refused),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

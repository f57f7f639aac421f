/* test_cadb.c - the CA database, on SQLite and (when PKIT_TEST_PG_DSN names
 * a server, as tests/cli/t6900-cadb-postgres.sh does) on PostgreSQL.
 *
 * Every behaviour test runs once per backend.  PostgreSQL tests share one
 * database, so their serials, token ids and keys carry a per-run prefix.
 * Environment read here (tests only):
 *   PKIT_TEST_PG_DSN      libpq conninfo of a scratch database
 *   PKIT_TEST_PG_PHASE    "prepare": only write the data that
 *                         test_pg_after_restart checks in the main run
 *   PKIT_TEST_PG_RESTART  shell command restarting the server
 *   PKIT_TEST_PG_TRIGGER  set when a trigger makes inserting serial
 *                         "dead" fail (to test a failing batch)
 */
#include "config.h"

#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "lib/ca/db.h"

struct fx {
	int pg;
	char dsn[1024];
	char prefix[16];	/* hex, unique per run */
	int n;			/* sqlite: file counter */
};

static char dir[] = "/tmp/pkit-test-cadb.XXXXXX";
static struct fx lite = { 0 }, pg = { 1 };
static const unsigned char der[] = { 0x30, 0x03, 0x02, 0x01, 0x00, 0x00,
	0xff, 0x30 };

static int
group_setup(void **state)
{
	const char *dsn = getenv("PKIT_TEST_PG_DSN");
	unsigned x;

	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	x = (unsigned)time(NULL) * 2654435761u ^ (unsigned)getpid();
	/* Serials are stored without leading zeros: keep the first digit
	 * non-zero so that the prefix survives normalisation. */
	x |= 0x10000000u;
	snprintf(lite.prefix, sizeof(lite.prefix), "%08x", x);
	snprintf(pg.prefix, sizeof(pg.prefix), "%08x", x);
	if (dsn != NULL && *dsn != '\0')
		snprintf(pg.dsn, sizeof(pg.dsn), "%s", dsn);
	return 0;
}

static int
group_teardown(void **state)
{
	char cmd[256];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Each SQLite test gets a new file. */
static int
setup(void **state)
{
	struct fx *f = *state;

	if (!f->pg)
		snprintf(f->dsn, sizeof(f->dsn), "%s/%d.db", dir, ++f->n);
	return 0;
}

static struct fx *
fixture(void **state)
{
	return *state;
}

static const char *
type_of(const struct fx *f)
{
	return f->pg ? "postgresql" : "sqlite";
}

static struct pkit_db *
open_db(struct pkit_ctx *ctx, const struct fx *f)
{
	struct pkit_db *db = NULL;
	int r = pkit_db_open(ctx, type_of(f), f->dsn, &db);

	if (r != PKIT_OK)
		fail_msg("open %s: %s", type_of(f), pkit_ctx_errmsg(ctx, r));
	return db;
}

/* prefix + suffix: unique serials/ids per run. */
static const char *
uniq(const struct fx *f, const char *suffix, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s", f->prefix, suffix);
	return buf;
}

static void
fill_cert(struct pkit_db_cert *c, const char *serial)
{
	memset(c, 0, sizeof(*c));
	c->serial = serial;
	c->subject = "CN=foo.example.com";
	c->sans = "[\"foo.example.com\",\"10.0.0.1\"]";
	c->not_before = 1700000000;
	c->not_after = 1700086400;
	c->provisioner_id = "jwk/admin@example.com";
	c->provisioner_name = "admin@example.com";
	c->der = der;
	c->der_len = sizeof(der);
	c->created = 1700000001;
}

static void
test_cert_roundtrip(void **state)
{
	struct fx *f = fixture(state);
	struct pkit_ctx ctx;
	struct pkit_db *db;
	struct pkit_db_cert c, *got = NULL;
	char serial[64], upper[80];
	size_t i;

	pkit_ctx_init(&ctx);
	db = open_db(&ctx, f);
	fill_cert(&c, uniq(f, "0a1b", serial, sizeof(serial)));
	assert_int_equal(pkit_db_cert_put(&ctx, db, &c), PKIT_OK);

	/* Found by any spelling of the same number. */
	snprintf(upper, sizeof(upper), "000%s", serial);
	for (i = 0; upper[i] != '\0'; i++)
		if (upper[i] >= 'a' && upper[i] <= 'f')
			upper[i] -= 'a' - 'A';
	assert_int_equal(pkit_db_cert_get(&ctx, db, upper, &got), PKIT_OK);
	assert_string_equal(got->serial, serial);
	assert_string_equal(got->subject, c.subject);
	assert_string_equal(got->sans, c.sans);
	assert_int_equal(got->not_before, c.not_before);
	assert_int_equal(got->not_after, c.not_after);
	assert_string_equal(got->provisioner_id, c.provisioner_id);
	assert_string_equal(got->provisioner_name, c.provisioner_name);
	assert_int_equal(got->der_len, sizeof(der));
	assert_memory_equal(got->der, der, sizeof(der));
	assert_int_equal(got->created, c.created);
	pkit_db_cert_free(got);
	got = NULL;

	/* The same serial twice is refused, whatever its spelling. */
	c.serial = upper;
	assert_int_equal(pkit_db_cert_put(&ctx, db, &c), PKIT_ERR_EXISTS);
	assert_non_null(strstr(ctx.errbuf, serial));

	/* Optional fields: NULL provisioner stays NULL, NULL sans is [],
	 * created 0 is now, an empty subject is kept. */
	fill_cert(&c, uniq(f, "0c", serial, sizeof(serial)));
	c.provisioner_id = c.provisioner_name = NULL;
	c.sans = NULL;
	c.subject = "";
	c.created = 0;
	ctx.fixed_now = 1800000000;
	assert_int_equal(pkit_db_cert_put(&ctx, db, &c), PKIT_OK);
	assert_int_equal(pkit_db_cert_get(&ctx, db, serial, &got), PKIT_OK);
	assert_null(got->provisioner_id);
	assert_null(got->provisioner_name);
	assert_string_equal(got->sans, "[]");
	assert_string_equal(got->subject, "");
	assert_int_equal(got->created, 1800000000);
	pkit_db_cert_free(got);
	got = NULL;

	assert_int_equal(pkit_db_cert_get(&ctx, db, uniq(f, "ff", serial,
	    sizeof(serial)), &got), PKIT_ERR_NOT_FOUND);
	assert_null(got);
	assert_non_null(strstr(ctx.errbuf, serial));
	pkit_db_cert_free(NULL);
	pkit_db_close(db);
	pkit_db_close(NULL);
	pkit_ctx_release(&ctx);
}

static void
test_cert_malformed(void **state)
{
	static const char *const bad[] = {
		"", "xyz", "0x12", "-1", "12 34", "1g",
		"12345678901234567890123456789012345678901",	/* 41 digits */
	};
	struct fx *f = fixture(state);
	struct pkit_ctx ctx;
	struct pkit_db *db;
	struct pkit_db_cert c, *got = NULL;
	unsigned char *big;
	char serial[64], norm[PKIT_DB_SERIAL_MAX + 1];
	int revoked = 7;
	size_t i;

	pkit_ctx_init(&ctx);
	db = open_db(&ctx, f);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fill_cert(&c, bad[i]);
		assert_int_equal(pkit_db_cert_put(&ctx, db, &c),
		    PKIT_ERR_FORMAT);
		assert_non_null(strstr(ctx.errbuf, "serial"));
		assert_int_equal(pkit_db_cert_get(&ctx, db, bad[i], &got),
		    PKIT_ERR_FORMAT);
		assert_int_equal(pkit_db_is_revoked(&ctx, db, bad[i],
		    &revoked), PKIT_ERR_FORMAT);
		assert_int_equal(revoked, 7);
	}
	assert_int_equal(pkit_db_serial_norm(&ctx, NULL, norm),
	    PKIT_ERR_FORMAT);
	/* Leading zeros do not count towards the 20 octets. */
	assert_int_equal(pkit_db_serial_norm(&ctx,
	    "00000001234567890123456789012345678901234567890", norm), PKIT_OK);
	assert_string_equal(norm, "1234567890123456789012345678901234567890");
	assert_int_equal(pkit_db_serial_norm(&ctx, "000", norm), PKIT_OK);
	assert_string_equal(norm, "0");
	assert_int_equal(pkit_db_serial_norm(&ctx, "DeadBeef", norm), PKIT_OK);
	assert_string_equal(norm, "deadbeef");

	uniq(f, "1", serial, sizeof(serial));
	fill_cert(&c, serial);
	c.sans = "{\"a\":1}";
	assert_int_equal(pkit_db_cert_put(&ctx, db, &c), PKIT_ERR_FORMAT);
	c.sans = "[\"a\"";
	assert_int_equal(pkit_db_cert_put(&ctx, db, &c), PKIT_ERR_FORMAT);
	fill_cert(&c, serial);
	c.subject = "CN=\xc3\x28";		/* invalid UTF-8 */
	assert_int_equal(pkit_db_cert_put(&ctx, db, &c), PKIT_ERR_FORMAT);
	c.subject = "CN=\xed\xa0\x80";		/* a surrogate */
	assert_int_equal(pkit_db_cert_put(&ctx, db, &c), PKIT_ERR_FORMAT);
	c.subject = "CN=\xc0\xaf";		/* overlong '/' */
	assert_int_equal(pkit_db_cert_put(&ctx, db, &c), PKIT_ERR_FORMAT);
	c.subject = NULL;
	assert_int_equal(pkit_db_cert_put(&ctx, db, &c), PKIT_ERR_ARG);
	fill_cert(&c, serial);
	c.der = NULL;
	assert_int_equal(pkit_db_cert_put(&ctx, db, &c), PKIT_ERR_ARG);
	big = calloc(1, PKIT_DB_BLOB_MAX + 1);
	assert_non_null(big);
	c.der = big;
	c.der_len = PKIT_DB_BLOB_MAX + 1;
	assert_int_equal(pkit_db_cert_put(&ctx, db, &c), PKIT_ERR_TOO_LARGE);
	free(big);
	/* None of these left a row behind; UTF-8 text is fine. */
	assert_int_equal(pkit_db_cert_get(&ctx, db, serial, &got),
	    PKIT_ERR_NOT_FOUND);
	fill_cert(&c, serial);
	c.subject = "CN=J\xc3\xbcrgen \xf0\x9f\x94\x92";
	assert_int_equal(pkit_db_cert_put(&ctx, db, &c), PKIT_OK);
	assert_int_equal(pkit_db_cert_get(&ctx, db, serial, &got), PKIT_OK);
	assert_string_equal(got->subject, c.subject);
	pkit_db_cert_free(got);
	pkit_db_close(db);
	pkit_ctx_release(&ctx);
}

struct seen {
	const char *prefix;
	int n;
	char serial[8][64];
	struct pkit_db_revocation rev[8];
	char reason[8][64];
	int stop_after;
};

static int
collect(void *arg, const struct pkit_db_revocation *rev)
{
	struct seen *s = arg;

	if (strncmp(rev->serial, s->prefix, strlen(s->prefix)) != 0)
		return 0;
	if (s->n < 8) {
		snprintf(s->serial[s->n], sizeof(s->serial[0]), "%s",
		    rev->serial);
		snprintf(s->reason[s->n], sizeof(s->reason[0]), "%s",
		    rev->reason != NULL ? rev->reason : "(null)");
		s->rev[s->n] = *rev;
		s->rev[s->n].serial = s->serial[s->n];
		s->rev[s->n].reason = NULL;
		s->rev[s->n].provisioner_id = NULL;
		s->rev[s->n].token_id = NULL;
	}
	s->n++;
	if (s->stop_after > 0 && s->n == s->stop_after)
		return 42;
	return 0;
}

static void
test_revoke(void **state)
{
	struct fx *f = fixture(state);
	struct pkit_ctx ctx;
	struct pkit_db *db;
	struct pkit_db_cert c;
	struct pkit_db_revocation v;
	struct seen s;
	char s1[64], s2[64], s3[64];
	int revoked = -1;

	pkit_ctx_init(&ctx);
	ctx.fixed_now = 1700000500;
	db = open_db(&ctx, f);
	uniq(f, "a1", s1, sizeof(s1));
	uniq(f, "a2", s2, sizeof(s2));
	uniq(f, "a3", s3, sizeof(s3));
	fill_cert(&c, s1);
	assert_int_equal(pkit_db_cert_put(&ctx, db, &c), PKIT_OK);

	assert_int_equal(pkit_db_is_revoked(&ctx, db, s1, &revoked), PKIT_OK);
	assert_int_equal(revoked, 0);
	memset(&v, 0, sizeof(v));
	v.serial = s1;
	v.reason_code = 1;
	v.reason = "key compromise";
	v.provisioner_id = "jwk/admin";
	v.token_id = "tok-1";
	assert_int_equal(pkit_db_revoke(&ctx, db, &v), PKIT_OK);
	assert_int_equal(pkit_db_is_revoked(&ctx, db, s1, &revoked), PKIT_OK);
	assert_int_equal(revoked, 1);
	/* A second revocation is refused, and changes nothing. */
	v.reason_code = 4;
	v.reason = "superseded";
	assert_int_equal(pkit_db_revoke(&ctx, db, &v), PKIT_ERR_EXISTS);
	assert_non_null(strstr(ctx.errbuf, "already revoked"));

	/* An unknown serial can be revoked (passive revocation), by mTLS. */
	memset(&v, 0, sizeof(v));
	v.serial = s2;
	v.revoked_at = 1700000600;
	v.mtls = 5;
	assert_int_equal(pkit_db_revoke(&ctx, db, &v), PKIT_OK);
	/* Explicit expiry. */
	v.serial = s3;
	v.revoked_at = 1700000700;
	v.expires_at = 1600000000;
	v.mtls = 0;
	assert_int_equal(pkit_db_revoke(&ctx, db, &v), PKIT_OK);

	v.serial = "abc";
	v.reason_code = 11;
	assert_int_equal(pkit_db_revoke(&ctx, db, &v), PKIT_ERR_ARG);
	v.reason_code = -1;
	assert_int_equal(pkit_db_revoke(&ctx, db, &v), PKIT_ERR_ARG);
	v.reason_code = 0;
	v.serial = "zz";
	assert_int_equal(pkit_db_revoke(&ctx, db, &v), PKIT_ERR_FORMAT);

	memset(&s, 0, sizeof(s));
	s.prefix = f->prefix;
	assert_int_equal(pkit_db_revoked_list(&ctx, db, 0, collect, &s),
	    PKIT_OK);
	assert_int_equal(s.n, 3);
	/* Oldest first; expiry taken from the recorded cert. */
	assert_string_equal(s.serial[0], s1);
	assert_int_equal(s.rev[0].reason_code, 1);
	assert_string_equal(s.reason[0], "key compromise");
	assert_int_equal(s.rev[0].revoked_at, 1700000500);
	assert_int_equal(s.rev[0].expires_at, 1700086400);
	assert_int_equal(s.rev[0].mtls, 0);
	assert_string_equal(s.serial[1], s2);
	assert_string_equal(s.reason[1], "(null)");
	assert_int_equal(s.rev[1].expires_at, 0);
	assert_int_equal(s.rev[1].mtls, 1);
	assert_string_equal(s.serial[2], s3);
	assert_int_equal(s.rev[2].expires_at, 1600000000);

	/* For a CRL: entries expired long ago are left out, unknown kept. */
	memset(&s, 0, sizeof(s));
	s.prefix = f->prefix;
	assert_int_equal(pkit_db_revoked_list(&ctx, db, 1700000000, collect,
	    &s), PKIT_OK);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.serial[0], s1);
	assert_string_equal(s.serial[1], s2);

	/* The callback stops the walk with its own value. */
	memset(&s, 0, sizeof(s));
	s.prefix = "";
	s.stop_after = 1;
	assert_int_equal(pkit_db_revoked_list(&ctx, db, 0, collect, &s), 42);
	assert_int_equal(s.n, 1);
	pkit_db_close(db);
	pkit_ctx_release(&ctx);
}

static void
test_tokens(void **state)
{
	struct fx *f = fixture(state);
	struct pkit_ctx ctx;
	struct pkit_db *db;
	char a[64], b[64], c[64], d[64], longid[PKIT_DB_ID_MAX + 2];
	long long n = -1;

	pkit_ctx_init(&ctx);
	ctx.fixed_now = 1000000;
	db = open_db(&ctx, f);
	uniq(f, "-tok-a", a, sizeof(a));
	uniq(f, "-tok-b", b, sizeof(b));
	uniq(f, "-tok-c", c, sizeof(c));
	uniq(f, "-tok-d", d, sizeof(d));
	assert_int_equal(pkit_db_use_token(&ctx, db, a, 1000300), PKIT_OK);
	assert_int_equal(pkit_db_use_token(&ctx, db, a, 1000300),
	    PKIT_ERR_EXISTS);
	assert_string_equal(ctx.errbuf, "token already used");
	/* The expiry given does not matter for a replay. */
	assert_int_equal(pkit_db_use_token(&ctx, db, a, 0), PKIT_ERR_EXISTS);
	assert_int_equal(pkit_db_use_token(&ctx, db, b, 0), PKIT_OK);
	assert_int_equal(pkit_db_use_token(&ctx, db, c, 1000100), PKIT_OK);

	assert_int_equal(pkit_db_use_token(&ctx, db, "", 1), PKIT_ERR_ARG);
	assert_int_equal(pkit_db_use_token(&ctx, db, NULL, 1), PKIT_ERR_ARG);
	assert_int_equal(pkit_db_use_token(&ctx, db, "a b", 1),
	    PKIT_ERR_FORMAT);
	assert_int_equal(pkit_db_use_token(&ctx, db, "a\n", 1),
	    PKIT_ERR_FORMAT);
	assert_int_equal(pkit_db_use_token(&ctx, db, "\xc3\xa9", 1),
	    PKIT_ERR_FORMAT);
	memset(longid, 'x', sizeof(longid) - 1);
	longid[sizeof(longid) - 1] = '\0';
	assert_int_equal(pkit_db_use_token(&ctx, db, longid, 1),
	    PKIT_ERR_TOO_LARGE);
	longid[PKIT_DB_ID_MAX] = '\0';
	assert_int_equal(pkit_db_use_token(&ctx, db, longid, 1), PKIT_OK);

	/* Before expiry nothing is purged. */
	assert_int_equal(pkit_db_purge_tokens(&ctx, db, &n), PKIT_OK);
	assert_int_equal(pkit_db_use_token(&ctx, db, c, 1000100),
	    PKIT_ERR_EXISTS);
	/* Past c's expiry (and the purge interval), the next use purges
	 * c: an id is only forgotten once its token is refused anyway. */
	ctx.fixed_now = 1000100 + PKIT_DB_PURGE_INTERVAL + 1;
	assert_int_equal(pkit_db_use_token(&ctx, db, d, 0), PKIT_OK);
	assert_int_equal(pkit_db_use_token(&ctx, db, c, 2000000), PKIT_OK);
	/* a is still there until its own expiry; b (0) forever. */
	assert_int_equal(pkit_db_use_token(&ctx, db, a, 1000300),
	    PKIT_ERR_EXISTS);
	ctx.fixed_now = 3000000;
	assert_int_equal(pkit_db_purge_tokens(&ctx, db, &n), PKIT_OK);
	assert_true(n >= 2);	/* a, c and any other run's expired ids */
	assert_int_equal(pkit_db_use_token(&ctx, db, a, 3000300), PKIT_OK);
	assert_int_equal(pkit_db_use_token(&ctx, db, b, 3000300),
	    PKIT_ERR_EXISTS);
	assert_int_equal(pkit_db_purge_tokens(&ctx, db, NULL), PKIT_OK);
	pkit_db_close(db);
	pkit_ctx_release(&ctx);
}

/* Expired ids are purged in chunks, a chunk per call while a backlog is
 * left, so that no call holds the write lock for long. */
static void
test_purge_backlog(void **state)
{
	struct fx *f = fixture(state);
	struct pkit_ctx ctx;
	struct pkit_db *db;
	char id[64];
	long long n = -1;
	int i;

	pkit_ctx_init(&ctx);
	ctx.fixed_now = 5000000;
	db = open_db(&ctx, f);
	assert_int_equal(pkit_db_purge_tokens(&ctx, db, NULL), PKIT_OK);
	assert_int_equal(pkit_db_batch_begin(&ctx, db), PKIT_OK);
	for (i = 0; i < 4500; i++) {
		snprintf(id, sizeof(id), "%s-old-%d", f->prefix, i);
		assert_int_equal(pkit_db_use_token(&ctx, db, id, 5000001),
		    PKIT_OK);
	}
	assert_int_equal(pkit_db_batch_commit(&ctx, db), PKIT_OK);
	ctx.fixed_now = 5000002 + PKIT_DB_PURGE_INTERVAL;
	/* Two calls: two chunks of 2000 go, 500 are left. */
	assert_int_equal(pkit_db_use_token(&ctx, db, uniq(f, "-new-1", id,
	    sizeof(id)), 0), PKIT_OK);
	assert_int_equal(pkit_db_batch_begin(&ctx, db), PKIT_OK);
	pkit_db_batch_abort(&ctx, db);
	assert_int_equal(pkit_db_purge_tokens(&ctx, db, &n), PKIT_OK);
	assert_int_equal(n, 500);
	/* The last old id is gone, so it could be used again. */
	snprintf(id, sizeof(id), "%s-old-%d", f->prefix, 4499);
	assert_int_equal(pkit_db_use_token(&ctx, db, id, 0), PKIT_OK);
	pkit_db_close(db);
	pkit_ctx_release(&ctx);
}

static void
test_kv(void **state)
{
	struct fx *f = fixture(state);
	struct pkit_ctx ctx;
	struct pkit_db *db;
	unsigned char *v = NULL;
	size_t len = 0;
	char key[64];

	pkit_ctx_init(&ctx);
	db = open_db(&ctx, f);
	uniq(f, " acme/order 1", key, sizeof(key));
	assert_int_equal(pkit_db_kv_get(&ctx, db, "acme_orders", key, &v,
	    &len), PKIT_ERR_NOT_FOUND);
	assert_null(v);
	assert_int_equal(pkit_db_kv_put(&ctx, db, "acme_orders", key,
	    "a\0b", 3, 0), PKIT_OK);
	assert_int_equal(pkit_db_kv_get(&ctx, db, "acme_orders", key, &v,
	    &len), PKIT_OK);
	assert_int_equal(len, 3);
	assert_memory_equal(v, "a\0b", 4);	/* NUL-terminated too */
	free(v);
	/* Replace; CREATE refuses an existing key and keeps its value. */
	assert_int_equal(pkit_db_kv_put(&ctx, db, "acme_orders", key,
	    "{}", 2, 0), PKIT_OK);
	assert_int_equal(pkit_db_kv_put(&ctx, db, "acme_orders", key,
	    "x", 1, PKIT_DB_KV_CREATE), PKIT_ERR_EXISTS);
	assert_int_equal(pkit_db_kv_get(&ctx, db, "acme_orders", key, &v,
	    &len), PKIT_OK);
	assert_int_equal(len, 2);
	assert_memory_equal(v, "{}", 3);
	free(v);
	/* Buckets are separate. */
	assert_int_equal(pkit_db_kv_get(&ctx, db, "ssh_hosts", key, &v, &len),
	    PKIT_ERR_NOT_FOUND);
	assert_int_equal(pkit_db_kv_put(&ctx, db, "ssh_hosts", key, NULL, 0,
	    PKIT_DB_KV_CREATE), PKIT_OK);
	assert_int_equal(pkit_db_kv_get(&ctx, db, "ssh_hosts", key, &v, &len),
	    PKIT_OK);
	assert_int_equal(len, 0);
	assert_int_equal(v[0], '\0');
	free(v);
	assert_int_equal(pkit_db_kv_delete(&ctx, db, "acme_orders", key),
	    PKIT_OK);
	assert_int_equal(pkit_db_kv_delete(&ctx, db, "acme_orders", key),
	    PKIT_ERR_NOT_FOUND);
	assert_int_equal(pkit_db_kv_get(&ctx, db, "acme_orders", key, &v,
	    &len), PKIT_ERR_NOT_FOUND);

	assert_int_equal(pkit_db_kv_put(&ctx, db, "Bad", "k", "v", 1, 0),
	    PKIT_ERR_FORMAT);
	assert_int_equal(pkit_db_kv_put(&ctx, db, "", "k", "v", 1, 0),
	    PKIT_ERR_ARG);
	assert_int_equal(pkit_db_kv_put(&ctx, db, "b", "", "v", 1, 0),
	    PKIT_ERR_ARG);
	assert_int_equal(pkit_db_kv_put(&ctx, db, "b", "k\t", "v", 1, 0),
	    PKIT_ERR_FORMAT);
	assert_int_equal(pkit_db_kv_put(&ctx, db, "b", "k", NULL, 1, 0),
	    PKIT_ERR_ARG);
	assert_int_equal(pkit_db_kv_put(&ctx, db, "b", "k", "v",
	    PKIT_DB_BLOB_MAX + 1, 0), PKIT_ERR_TOO_LARGE);
	assert_int_equal(pkit_db_kv_delete(&ctx, db, "b/", "k"),
	    PKIT_ERR_FORMAT);
	pkit_db_close(db);
	pkit_ctx_release(&ctx);
}

static void
test_batch(void **state)
{
	struct fx *f = fixture(state);
	struct pkit_ctx ctx;
	struct pkit_db *db, *other;
	struct pkit_db_cert c, *got = NULL;
	char s1[64], s2[64], s3[64], t1[64];

	pkit_ctx_init(&ctx);
	db = open_db(&ctx, f);
	other = open_db(&ctx, f);
	uniq(f, "b1", s1, sizeof(s1));
	uniq(f, "b2", s2, sizeof(s2));
	uniq(f, "b3", s3, sizeof(s3));
	uniq(f, "-batch-t1", t1, sizeof(t1));

	assert_int_equal(pkit_db_batch_commit(&ctx, db), PKIT_ERR_ARG);
	assert_int_equal(pkit_db_batch_begin(&ctx, db), PKIT_OK);
	assert_int_equal(pkit_db_batch_begin(&ctx, db), PKIT_ERR_ARG);
	assert_int_equal(pkit_db_use_token(&ctx, db, t1, 0), PKIT_OK);
	/* A replay within the batch is seen, and does not spoil it. */
	assert_int_equal(pkit_db_use_token(&ctx, db, t1, 0), PKIT_ERR_EXISTS);
	fill_cert(&c, s1);
	assert_int_equal(pkit_db_cert_put(&ctx, db, &c), PKIT_OK);
	assert_int_equal(pkit_db_cert_put(&ctx, db, &c), PKIT_ERR_EXISTS);
	fill_cert(&c, s2);
	assert_int_equal(pkit_db_cert_put(&ctx, db, &c), PKIT_OK);
	/* Visible inside, not outside, until the commit. */
	assert_int_equal(pkit_db_cert_get(&ctx, db, s1, &got), PKIT_OK);
	pkit_db_cert_free(got);
	assert_int_equal(pkit_db_cert_get(&ctx, other, s1, &got),
	    PKIT_ERR_NOT_FOUND);
	assert_int_equal(pkit_db_batch_commit(&ctx, db), PKIT_OK);
	assert_int_equal(pkit_db_cert_get(&ctx, other, s1, &got), PKIT_OK);
	pkit_db_cert_free(got);
	assert_int_equal(pkit_db_cert_get(&ctx, other, s2, &got), PKIT_OK);
	pkit_db_cert_free(got);
	assert_int_equal(pkit_db_use_token(&ctx, other, t1, 0),
	    PKIT_ERR_EXISTS);

	/* An aborted batch leaves nothing behind. */
	assert_int_equal(pkit_db_batch_begin(&ctx, db), PKIT_OK);
	fill_cert(&c, s3);
	assert_int_equal(pkit_db_cert_put(&ctx, db, &c), PKIT_OK);
	pkit_db_batch_abort(&ctx, db);
	pkit_db_batch_abort(&ctx, db);
	assert_int_equal(pkit_db_cert_get(&ctx, other, s3, &got),
	    PKIT_ERR_NOT_FOUND);
	assert_int_equal(pkit_db_cert_get(&ctx, db, s3, &got),
	    PKIT_ERR_NOT_FOUND);

	/* Closing with an open batch rolls it back. */
	assert_int_equal(pkit_db_batch_begin(&ctx, db), PKIT_OK);
	assert_int_equal(pkit_db_cert_put(&ctx, db, &c), PKIT_OK);
	pkit_db_close(db);
	assert_int_equal(pkit_db_cert_get(&ctx, other, s3, &got),
	    PKIT_ERR_NOT_FOUND);
	pkit_db_close(other);
	pkit_ctx_release(&ctx);
}

/* A write error inside a batch: everything of the batch is dropped.  The
 * error comes from a trigger refusing serial "dead". */
static void
batch_failure(const struct fx *f)
{
	struct pkit_ctx ctx;
	struct pkit_db *db;
	struct pkit_db_cert c, *got = NULL;
	char s1[64], s2[64], t1[64];

	pkit_ctx_init(&ctx);
	db = open_db(&ctx, f);
	uniq(f, "c1", s1, sizeof(s1));
	uniq(f, "c2", s2, sizeof(s2));
	uniq(f, "-fail-t1", t1, sizeof(t1));
	assert_int_equal(pkit_db_batch_begin(&ctx, db), PKIT_OK);
	fill_cert(&c, s1);
	assert_int_equal(pkit_db_cert_put(&ctx, db, &c), PKIT_OK);
	assert_int_equal(pkit_db_use_token(&ctx, db, t1, 0), PKIT_OK);
	fill_cert(&c, "dead");
	assert_int_equal(pkit_db_cert_put(&ctx, db, &c), PKIT_ERR_DB);
	assert_non_null(strstr(ctx.errbuf, "boom"));
	fill_cert(&c, s2);
	assert_int_equal(pkit_db_cert_put(&ctx, db, &c), PKIT_ERR_DB);
	assert_non_null(strstr(ctx.errbuf, "failed earlier"));
	assert_int_equal(pkit_db_batch_commit(&ctx, db), PKIT_ERR_DB);
	assert_non_null(strstr(ctx.errbuf, "rolled back"));
	assert_non_null(strstr(ctx.errbuf, "boom"));
	/* Nothing of it was recorded, and the handle works on. */
	assert_int_equal(pkit_db_cert_get(&ctx, db, s1, &got),
	    PKIT_ERR_NOT_FOUND);
	assert_int_equal(pkit_db_cert_get(&ctx, db, s2, &got),
	    PKIT_ERR_NOT_FOUND);
	assert_int_equal(pkit_db_use_token(&ctx, db, t1, 0), PKIT_OK);
	pkit_db_close(db);
	pkit_ctx_release(&ctx);
}

static void
test_batch_failure(void **state)
{
	struct fx *f = fixture(state);
	sqlite3 *h;

	if (!f->pg) {
		struct pkit_ctx ctx;
		struct pkit_db *db;

		pkit_ctx_init(&ctx);
		db = open_db(&ctx, f);		/* creates the schema */
		pkit_db_close(db);
		assert_int_equal(sqlite3_open(f->dsn, &h), SQLITE_OK);
		assert_int_equal(sqlite3_exec(h, "CREATE TRIGGER boom BEFORE "
		    "INSERT ON pkit_certs WHEN NEW.serial = 'dead' BEGIN "
		    "SELECT RAISE(ABORT, 'boom'); END", NULL, NULL, NULL),
		    SQLITE_OK);
		sqlite3_close(h);
	}
	batch_failure(f);
}

static void
test_persistence(void **state)
{
	struct fx *f = fixture(state);
	struct pkit_ctx ctx;
	struct pkit_db *db;
	struct pkit_db_cert c, *got = NULL;
	struct pkit_db_revocation v;
	unsigned char *val = NULL;
	size_t len;
	char s1[64], t1[64];
	int revoked = 0;

	pkit_ctx_init(&ctx);
	uniq(f, "d1", s1, sizeof(s1));
	uniq(f, "-persist-t1", t1, sizeof(t1));
	db = open_db(&ctx, f);
	fill_cert(&c, s1);
	assert_int_equal(pkit_db_cert_put(&ctx, db, &c), PKIT_OK);
	assert_int_equal(pkit_db_use_token(&ctx, db, t1, 0), PKIT_OK);
	memset(&v, 0, sizeof(v));
	v.serial = s1;
	assert_int_equal(pkit_db_revoke(&ctx, db, &v), PKIT_OK);
	assert_int_equal(pkit_db_kv_put(&ctx, db, "b", t1, "v", 1, 0), PKIT_OK);
	pkit_db_close(db);

	db = open_db(&ctx, f);
	assert_int_equal(pkit_db_cert_get(&ctx, db, s1, &got), PKIT_OK);
	assert_memory_equal(got->der, der, sizeof(der));
	pkit_db_cert_free(got);
	assert_int_equal(pkit_db_use_token(&ctx, db, t1, 0), PKIT_ERR_EXISTS);
	assert_int_equal(pkit_db_is_revoked(&ctx, db, s1, &revoked), PKIT_OK);
	assert_int_equal(revoked, 1);
	assert_int_equal(pkit_db_revoke(&ctx, db, &v), PKIT_ERR_EXISTS);
	assert_int_equal(pkit_db_kv_get(&ctx, db, "b", t1, &val, &len),
	    PKIT_OK);
	free(val);
	pkit_db_close(db);
	pkit_ctx_release(&ctx);
}

/* Two threads, each with its own handle, race to use the same token ids
 * and record certificates; with batch set, in batches of 8. */
#define RACE_N 200

struct racer {
	const struct fx *f;
	int id;
	int batch;
	int won[RACE_N];
	int errors;
	char err[sizeof(((struct pkit_ctx *)0)->errbuf)];
};

static void *
race(void *arg)
{
	struct racer *rc = arg;
	struct pkit_ctx ctx;
	struct pkit_db *db = NULL;
	struct pkit_db_cert c;
	char tok[64], serial[64];
	int i, r;

	pkit_ctx_init(&ctx);
	if ((r = pkit_db_open(&ctx, type_of(rc->f), rc->f->dsn, &db)) != 0) {
		rc->errors++;
		snprintf(rc->err, sizeof(rc->err), "%s", ctx.errbuf);
		goto out;
	}
	for (i = 0; i < RACE_N; i++) {
		if (rc->batch && i % 8 == 0 &&
		    pkit_db_batch_begin(&ctx, db) != PKIT_OK)
			goto fail;
		snprintf(tok, sizeof(tok), "%s-race%d-%d", rc->f->prefix,
		    rc->batch, i);
		r = pkit_db_use_token(&ctx, db, tok, 0);
		if (r == PKIT_OK) {
			rc->won[i] = 1;
			snprintf(serial, sizeof(serial), "%se%d%04d",
			    rc->f->prefix, rc->batch, i);
			fill_cert(&c, serial);
			if (pkit_db_cert_put(&ctx, db, &c) != PKIT_OK)
				goto fail;
		} else if (r != PKIT_ERR_EXISTS)
			goto fail;
		if (rc->batch && (i % 8 == 7 || i == RACE_N - 1) &&
		    pkit_db_batch_commit(&ctx, db) != PKIT_OK)
			goto fail;
		continue;
fail:
		rc->errors++;
		snprintf(rc->err, sizeof(rc->err), "%s", ctx.errbuf);
		break;
	}
out:
	pkit_db_close(db);
	pkit_ctx_release(&ctx);
	return NULL;
}

static void
run_race(const struct fx *f, int batch)
{
	struct racer *a = calloc(2, sizeof(*a));
	pthread_t t[2];
	struct pkit_ctx ctx;
	struct pkit_db *db;
	struct pkit_db_cert *got;
	char serial[64];
	int i, wins = 0, k;

	assert_non_null(a);
	/* Create the schema first, so that the threads race on rows. */
	pkit_ctx_init(&ctx);
	db = open_db(&ctx, f);
	for (k = 0; k < 2; k++) {
		a[k].f = f;
		a[k].id = k;
		a[k].batch = batch;
		assert_int_equal(pthread_create(&t[k], NULL, race, &a[k]), 0);
	}
	for (k = 0; k < 2; k++)
		pthread_join(t[k], NULL);
	for (k = 0; k < 2; k++)
		if (a[k].errors != 0)
			fail_msg("thread %d: %s", k, a[k].err);
	for (i = 0; i < RACE_N; i++) {
		if (a[0].won[i] + a[1].won[i] != 1)
			fail_msg("token %d used %d times", i,
			    a[0].won[i] + a[1].won[i]);
		wins += a[0].won[i] + a[1].won[i];
		snprintf(serial, sizeof(serial), "%se%d%04d", f->prefix, batch,
		    i);
		assert_int_equal(pkit_db_cert_get(&ctx, db, serial, &got),
		    PKIT_OK);
		pkit_db_cert_free(got);
	}
	assert_int_equal(wins, RACE_N);
	pkit_db_close(db);
	pkit_ctx_release(&ctx);
	free(a);
}

static void
test_concurrent_replay(void **state)
{
	struct fx *f = fixture(state);

	run_race(f, 0);
	run_race(f, 1);
}

/* ---- SQLite only ------------------------------------------------------ */

static void
test_sqlite_open(void **state)
{
	struct fx *f = fixture(state);
	struct pkit_ctx ctx;
	struct pkit_db *db = NULL;
	char path[1100], uri[1200];
	struct stat st;
	sqlite3 *h;
	int fd;

	pkit_ctx_init(&ctx);
	assert_int_equal(pkit_db_open(&ctx, "badgerv2", f->dsn, &db),
	    PKIT_ERR_UNSUPPORTED);
	assert_non_null(strstr(ctx.errbuf, "badgerv2"));
	assert_int_equal(pkit_db_open(&ctx, "sqlite", "", &db), PKIT_ERR_ARG);
	assert_int_equal(pkit_db_open(&ctx, "sqlite", NULL, &db), PKIT_ERR_ARG);
	assert_null(db);

	/* Created 0600 in WAL mode; the type defaults to sqlite. */
	assert_int_equal(pkit_db_open(&ctx, NULL, f->dsn, &db), PKIT_OK);
	assert_string_equal(pkit_db_describe(db), f->dsn);
	assert_int_equal(stat(f->dsn, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(pkit_db_use_token(&ctx, db, "x", 0), PKIT_OK);
	snprintf(path, sizeof(path), "%s-wal", f->dsn);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	pkit_db_close(db);
	db = NULL;

	/* Missing directory. */
	snprintf(path, sizeof(path), "%s/no/such/dir/ca.db", dir);
	assert_int_equal(pkit_db_open(&ctx, "sqlite3", path, &db), PKIT_ERR_DB);
	assert_non_null(strstr(ctx.errbuf, path));
	assert_null(db);

	/* Not a database at all. */
	snprintf(path, sizeof(path), "%s/garbage.db", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "this is not sqlite, not at all!!!!!!!", 37),
	    37);
	close(fd);
	assert_int_equal(pkit_db_open(&ctx, "sqlite", path, &db), PKIT_ERR_DB);
	assert_non_null(strstr(ctx.errbuf, path));

	/* Another application's database is refused and left alone. */
	snprintf(path, sizeof(path), "%s/other.db", dir);
	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "CREATE TABLE t (x)", NULL, NULL,
	    NULL), SQLITE_OK);
	sqlite3_close(h);
	assert_int_equal(pkit_db_open(&ctx, "sqlite", path, &db),
	    PKIT_ERR_FORMAT);
	assert_non_null(strstr(ctx.errbuf, "not a pkit database"));
	snprintf(uri, sizeof(uri), "%s-wal", path);
	assert_int_not_equal(stat(uri, &st), 0);

	/* A newer schema is refused. */
	assert_int_equal(sqlite3_open(f->dsn, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "PRAGMA user_version = 99", NULL,
	    NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	assert_int_equal(pkit_db_open(&ctx, "sqlite", f->dsn, &db),
	    PKIT_ERR_UNSUPPORTED);
	assert_non_null(strstr(ctx.errbuf, "99"));

	/* file: URIs, with the synchronous knob. */
	snprintf(uri, sizeof(uri), "file:%s/uri.db?synchronous=normal", dir);
	assert_int_equal(pkit_db_open(&ctx, "sqlite", uri, &db), PKIT_OK);
	assert_int_equal(pkit_db_use_token(&ctx, db, "x", 0), PKIT_OK);
	pkit_db_close(db);
	db = NULL;
	snprintf(uri, sizeof(uri), "file:%s/uri.db?synchronous=sometimes",
	    dir);
	assert_int_equal(pkit_db_open(&ctx, "sqlite", uri, &db), PKIT_ERR_ARG);
	assert_non_null(strstr(ctx.errbuf, "sometimes"));
	assert_null(db);
	pkit_ctx_release(&ctx);
}

/* A process killed right after a write returned: the write is there. */
static void
test_sqlite_crash(void **state)
{
	struct fx *f = fixture(state);
	struct pkit_ctx ctx;
	struct pkit_db *db;
	struct pkit_db_cert c, *got = NULL;
	pid_t pid;
	int status, i;
	char serial[16];

	pkit_ctx_init(&ctx);
	db = open_db(&ctx, f);		/* schema */
	pkit_db_close(db);
	if ((pid = fork()) == 0) {
		if (pkit_db_open(&ctx, "sqlite", f->dsn, &db) != PKIT_OK)
			_exit(1);
		for (i = 0; i < 50; i++) {
			snprintf(serial, sizeof(serial), "f%d", i);
			fill_cert(&c, serial);
			if (pkit_db_cert_put(&ctx, db, &c) != PKIT_OK ||
			    pkit_db_use_token(&ctx, db, serial, 0) != PKIT_OK)
				_exit(1);
		}
		raise(SIGKILL);
		_exit(2);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);
	db = open_db(&ctx, f);
	for (i = 0; i < 50; i++) {
		snprintf(serial, sizeof(serial), "f%d", i);
		assert_int_equal(pkit_db_cert_get(&ctx, db, serial, &got),
		    PKIT_OK);
		pkit_db_cert_free(got);
		assert_int_equal(pkit_db_use_token(&ctx, db, serial, 0),
		    PKIT_ERR_EXISTS);
	}
	pkit_db_close(db);
	pkit_ctx_release(&ctx);
}

/* ---- PostgreSQL only -------------------------------------------------- */

static void
test_pg_messages(void **state)
{
	struct fx *f = fixture(state);
	struct pkit_ctx ctx;
	struct pkit_db *db = NULL;
	char dsn[1200];

	pkit_ctx_init(&ctx);
	/* The label never shows the password. */
	snprintf(dsn, sizeof(dsn), "%s password=S3cretPa55", f->dsn);
	assert_int_equal(pkit_db_open(&ctx, "postgres", dsn, &db), PKIT_OK);
	assert_true(strncmp(pkit_db_describe(db), "postgresql://", 13) == 0);
	assert_null(strstr(pkit_db_describe(db), "S3cret"));
	pkit_db_close(db);
	db = NULL;

	/* A failed connection: the server's reason, not the password. */
	snprintf(dsn, sizeof(dsn), "%s user=nosuchrole password=S3cretPa55",
	    f->dsn);
	assert_int_equal(pkit_db_open(&ctx, "postgresql", dsn, &db),
	    PKIT_ERR_DB);
	assert_null(db);
	assert_non_null(strstr(ctx.errbuf, "nosuchrole"));
	assert_null(strstr(ctx.errbuf, "S3cret"));
	assert_null(strchr(ctx.errbuf, '\n'));

	/* Even a message that would quote it does not show it. */
	snprintf(dsn, sizeof(dsn), "%s user=S3cretPa55 password=S3cretPa55",
	    f->dsn);
	assert_int_equal(pkit_db_open(&ctx, "postgresql", dsn, &db),
	    PKIT_ERR_DB);
	assert_null(strstr(ctx.errbuf, "S3cret"));
	assert_non_null(strstr(ctx.errbuf, "role \"***\""));

	/* A malformed string: libpq would quote it, so we do not. */
	snprintf(dsn, sizeof(dsn), "%s password=S3cretPa55 bogus", f->dsn);
	assert_int_equal(pkit_db_open(&ctx, "postgresql", dsn, &db),
	    PKIT_ERR_FORMAT);
	assert_null(strstr(ctx.errbuf, "S3cret"));
	assert_int_equal(pkit_db_open(&ctx, "postgresql",
	    "postgresql://u:S3cretPa55@[::1", &db), PKIT_ERR_FORMAT);
	assert_null(strstr(ctx.errbuf, "S3cret"));
	/* No server there: one line naming it. */
	assert_int_equal(pkit_db_open(&ctx, NULL,
	    "postgresql://u:S3cretPa55@127.0.0.1:1/x?connect_timeout=2", &db),
	    PKIT_ERR_DB);
	assert_non_null(strstr(ctx.errbuf, "postgresql://u@127.0.0.1:1/x"));
	assert_null(strstr(ctx.errbuf, "S3cret"));
	assert_null(strchr(ctx.errbuf, '\n'));
	pkit_ctx_release(&ctx);
}

/* Written by the "prepare" run before the script crashes the server. */
static void
test_pg_prepare(void **state)
{
	struct fx *f = fixture(state);
	struct pkit_ctx ctx;
	struct pkit_db *db;
	struct pkit_db_cert c;

	pkit_ctx_init(&ctx);
	db = open_db(&ctx, f);
	fill_cert(&c, "cafe");
	assert_int_equal(pkit_db_cert_put(&ctx, db, &c), PKIT_OK);
	assert_int_equal(pkit_db_batch_begin(&ctx, db), PKIT_OK);
	assert_int_equal(pkit_db_use_token(&ctx, db, "restart-jti", 0),
	    PKIT_OK);
	assert_int_equal(pkit_db_batch_commit(&ctx, db), PKIT_OK);
	pkit_db_close(db);
	pkit_ctx_release(&ctx);
}

static void
test_pg_after_restart(void **state)
{
	struct fx *f = fixture(state);
	const char *restart = getenv("PKIT_TEST_PG_RESTART");
	struct pkit_ctx ctx;
	struct pkit_db *db;
	struct pkit_db_cert *got = NULL;
	int revoked = -1, r;

	assert_non_null(restart);
	pkit_ctx_init(&ctx);
	db = open_db(&ctx, f);
	/* What the prepare run committed survived a server crash. */
	assert_int_equal(pkit_db_use_token(&ctx, db, "restart-jti", 0),
	    PKIT_ERR_EXISTS);
	assert_int_equal(pkit_db_cert_get(&ctx, db, "cafe", &got), PKIT_OK);
	pkit_db_cert_free(got);

	/* The server restarts under an open handle: a read is retried on a
	 * new connection; a write is not (it may have committed) but the
	 * next one reconnects. */
	assert_int_equal(system(restart), 0);
	assert_int_equal(pkit_db_is_revoked(&ctx, db, "cafe", &revoked),
	    PKIT_OK);
	assert_int_equal(revoked, 0);
	assert_int_equal(system(restart), 0);
	r = pkit_db_use_token(&ctx, db, "restart-jti-2", 0);
	if (r != PKIT_OK) {
		assert_int_equal(r, PKIT_ERR_DB);
		assert_null(strchr(ctx.errbuf, '\n'));
		r = pkit_db_use_token(&ctx, db, "restart-jti-2", 0);
	}
	assert_int_equal(r, PKIT_OK);
	assert_int_equal(pkit_db_use_token(&ctx, db, "restart-jti", 0),
	    PKIT_ERR_EXISTS);
	pkit_db_close(db);
	pkit_ctx_release(&ctx);
}

/* With checkpoints deferred, commits never checkpoint (the WAL grows)
 * until pkit_db_upkeep(), after which SQLite starts the WAL over. */
static off_t
wal_size(const struct fx *f)
{
	char path[1100];
	struct stat sb;

	snprintf(path, sizeof(path), "%s-wal", f->dsn);
	return stat(path, &sb) == 0 ? sb.st_size : -1;
}

static void
write_certs(struct pkit_ctx *ctx, struct pkit_db *db, const struct fx *f,
    int from, int n)
{
	struct pkit_db_cert c;
	char serial[64], tail[16];
	int i;

	assert_int_equal(pkit_db_batch_begin(ctx, db), PKIT_OK);
	for (i = from; i < from + n; i++) {
		snprintf(tail, sizeof(tail), "%06d", i);
		fill_cert(&c, uniq(f, tail, serial, sizeof(serial)));
		assert_int_equal(pkit_db_cert_put(ctx, db, &c), PKIT_OK);
	}
	assert_int_equal(pkit_db_batch_commit(ctx, db), PKIT_OK);
}

static void
test_sqlite_upkeep(void **state)
{
	struct fx *f = fixture(state);
	struct pkit_ctx ctx;
	struct pkit_db *db;
	off_t grown, after;
	int i;

	pkit_ctx_init(&ctx);
	db = open_db(&ctx, f);
	pkit_db_defer_upkeep(db);
	/* 1,500 one-page commits: SQLite alone would have checkpointed at
	 * 1,000 frames and started the WAL over. */
	for (i = 0; i < 1500; i++)
		write_certs(&ctx, db, f, i, 1);
	grown = wal_size(f);
	assert_true(grown > 1200 * 4096);
	assert_int_equal(pkit_db_upkeep(&ctx, db), PKIT_OK);
	/* the checkpoint done, the next commit writes from the start */
	write_certs(&ctx, db, f, 1500, 1);
	after = wal_size(f);
	assert_int_equal(after, grown);	/* not truncated, but reused: */
	for (i = 1501; i < 2400; i++)
		write_certs(&ctx, db, f, i, 1);
	assert_int_equal(wal_size(f), grown);
	assert_int_equal(pkit_db_upkeep(&ctx, db), PKIT_OK);
	pkit_db_close(db);
	pkit_ctx_release(&ctx);
}

#define SQLITE(t) { "sqlite_" #t, t, setup, NULL, &lite }
#define PG(t) { "postgresql_" #t, t, setup, NULL, &pg }

int
main(void)
{
	static const struct CMUnitTest common[] = {
		SQLITE(test_cert_roundtrip),
		SQLITE(test_cert_malformed),
		SQLITE(test_revoke),
		SQLITE(test_tokens),
		SQLITE(test_purge_backlog),
		SQLITE(test_kv),
		SQLITE(test_batch),
		SQLITE(test_batch_failure),
		SQLITE(test_persistence),
		SQLITE(test_concurrent_replay),
		SQLITE(test_sqlite_open),
		SQLITE(test_sqlite_crash),
		SQLITE(test_sqlite_upkeep),
		PG(test_cert_roundtrip),
		PG(test_cert_malformed),
		PG(test_revoke),
		PG(test_tokens),
		PG(test_purge_backlog),
		PG(test_kv),
		PG(test_batch),
		PG(test_persistence),
		PG(test_concurrent_replay),
		PG(test_pg_messages),
	};
	static const struct CMUnitTest trigger = PG(test_batch_failure);
	static const struct CMUnitTest restart = PG(test_pg_after_restart);
	static const struct CMUnitTest prepare = PG(test_pg_prepare);
	struct CMUnitTest tests[sizeof(common) / sizeof(common[0]) + 2];
	const char *dsn = getenv("PKIT_TEST_PG_DSN");
	const char *phase = getenv("PKIT_TEST_PG_PHASE");
	size_t i, n = 0;

	/* cmocka 1.1 reports a skipped test as "not ok", which fails the
	 * TAP driver: the PostgreSQL tests are listed only with a server. */
	for (i = 0; i < sizeof(common) / sizeof(common[0]); i++)
		if (common[i].initial_state != &pg ||
		    (dsn != NULL && *dsn != '\0'))
			tests[n++] = common[i];
	if (dsn != NULL && *dsn != '\0') {
		if (phase != NULL && strcmp(phase, "prepare") == 0) {
			tests[0] = prepare;
			n = 1;
		} else {
			if (getenv("PKIT_TEST_PG_TRIGGER") != NULL)
				tests[n++] = trigger;
			if (getenv("PKIT_TEST_PG_RESTART") != NULL)
				tests[n++] = restart;
		}
	}
	return _cmocka_run_group_tests("cadb", tests, n, group_setup,
	    group_teardown);
}

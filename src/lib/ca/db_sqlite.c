/* db_sqlite.c - the embedded SQLite backend of the CA database.
 *
 * One connection per handle, opened in multi-thread mode (the handle is
 * used by one thread at a time), WAL journal, synchronous=FULL unless a
 * "file:" URI asks for ?synchronous=normal, foreign keys on, and a busy
 * handler that polls briefly (a commit holds the write lock for about one
 * fsync) for up to PKIT_DB_BUSY_MS.  The schema carries PRAGMA
 * application_id 'pkit' and user_version SCHEMA_VERSION; a file with other
 * tables, another application id or a newer version is refused untouched.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "db_impl.h"

#define SCHEMA_VERSION 1
#define APPLICATION_ID 0x706b6974	/* "pkit" */

static const char schema_sql[] =
	"CREATE TABLE pkit_certs ("
	" serial TEXT NOT NULL PRIMARY KEY,"
	" subject TEXT NOT NULL,"
	" sans TEXT NOT NULL,"
	" not_before INTEGER NOT NULL,"
	" not_after INTEGER NOT NULL,"
	" provisioner_id TEXT,"
	" provisioner_name TEXT,"
	" der BLOB NOT NULL,"
	" created_at INTEGER NOT NULL);"
	"CREATE TABLE pkit_revoked ("
	" serial TEXT NOT NULL PRIMARY KEY,"
	" reason_code INTEGER NOT NULL,"
	" reason TEXT,"
	" revoked_at INTEGER NOT NULL,"
	" expires_at INTEGER NOT NULL,"
	" provisioner_id TEXT,"
	" token_id TEXT,"
	" mtls INTEGER NOT NULL);"
	"CREATE TABLE pkit_tokens ("
	" id TEXT NOT NULL PRIMARY KEY,"
	" expires_at INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX pkit_tokens_expires ON pkit_tokens (expires_at);"
	"CREATE TABLE pkit_kv ("
	" bucket TEXT NOT NULL,"
	" key TEXT NOT NULL,"
	" value BLOB NOT NULL,"
	" PRIMARY KEY (bucket, key));"
	"PRAGMA application_id = 1886087540;"
	"PRAGMA user_version = 1;";

enum {
	S_BEGIN, S_COMMIT, S_ROLLBACK, S_CERT_PUT, S_CERT_GET, S_REVOKE,
	S_IS_REVOKED, S_REVOKED_LIST, S_USE_TOKEN, S_PURGE, S_KV_PUT,
	S_KV_CREATE, S_KV_GET, S_KV_DELETE, S_MAX
};

static const char *const sql[S_MAX] = {
	[S_BEGIN] = "BEGIN IMMEDIATE",
	[S_COMMIT] = "COMMIT",
	[S_ROLLBACK] = "ROLLBACK",
	[S_CERT_PUT] = "INSERT INTO pkit_certs (serial, subject, sans, "
	    "not_before, not_after, provisioner_id, provisioner_name, der, "
	    "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
	    "ON CONFLICT (serial) DO NOTHING",
	[S_CERT_GET] = "SELECT serial, subject, sans, not_before, not_after, "
	    "provisioner_id, provisioner_name, der, created_at "
	    "FROM pkit_certs WHERE serial = ?1",
	[S_REVOKE] = "INSERT INTO pkit_revoked (serial, reason_code, reason, "
	    "revoked_at, expires_at, provisioner_id, token_id, mtls) "
	    "VALUES (?1, ?2, ?3, ?4, COALESCE(NULLIF(?5, 0), "
	    "(SELECT not_after FROM pkit_certs WHERE serial = ?1), 0), "
	    "?6, ?7, ?8) ON CONFLICT (serial) DO NOTHING",
	[S_IS_REVOKED] = "SELECT 1 FROM pkit_revoked WHERE serial = ?1",
	[S_REVOKED_LIST] = "SELECT serial, reason_code, reason, revoked_at, "
	    "expires_at, provisioner_id, token_id, mtls FROM pkit_revoked "
	    "WHERE expires_at = 0 OR expires_at >= ?1 "
	    "ORDER BY revoked_at, serial",
	[S_USE_TOKEN] = "INSERT INTO pkit_tokens (id, expires_at) "
	    "VALUES (?1, ?2) ON CONFLICT (id) DO NOTHING",
	[S_PURGE] = "DELETE FROM pkit_tokens WHERE id IN (SELECT id "
	    "FROM pkit_tokens WHERE expires_at > 0 AND expires_at < ?1 "
	    "LIMIT ?2)",
	[S_KV_PUT] = "INSERT INTO pkit_kv (bucket, key, value) "
	    "VALUES (?1, ?2, ?3) "
	    "ON CONFLICT (bucket, key) DO UPDATE SET value = excluded.value",
	[S_KV_CREATE] = "INSERT INTO pkit_kv (bucket, key, value) "
	    "VALUES (?1, ?2, ?3) ON CONFLICT (bucket, key) DO NOTHING",
	[S_KV_GET] = "SELECT value FROM pkit_kv WHERE bucket = ?1 AND key = ?2",
	[S_KV_DELETE] = "DELETE FROM pkit_kv WHERE bucket = ?1 AND key = ?2",
};

/* Frames in the WAL that make a checkpoint due (SQLite's default). */
#define CHECKPOINT_FRAMES 1000

struct lite {
	sqlite3 *h;
	sqlite3_stmt *st[S_MAX];
	struct timespec busy_since;
	int wal_frames;		/* after the last commit, when deferred */
};

static int
lite_err(struct pkit_ctx *ctx, struct pkit_db *db, const char *what)
{
	struct lite *l = db->impl;

	return pkit_seterr(ctx, PKIT_ERR_DB, "%s: %s: %s", db->label, what,
	    sqlite3_errmsg(l->h));
}

/* Wait for another connection's lock.  A writer holds it for one commit
 * (a fraction of a millisecond plus an fsync), so poll: 10 us doubling up
 * to 320 us per try, rather than SQLite's default of up to 100 ms. */
static int
busy(void *arg, int count)
{
	struct lite *l = arg;
	struct timespec now, ts;
	long long ms;
	long us;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (count == 0)
		l->busy_since = now;
	ms = (long long)(now.tv_sec - l->busy_since.tv_sec) * 1000 +
	    (now.tv_nsec - l->busy_since.tv_nsec) / 1000000;
	if (ms >= PKIT_DB_BUSY_MS)
		return 0;
	us = 10L << (count < 5 ? count : 5);
	ts.tv_sec = 0;
	ts.tv_nsec = us * 1000;
	nanosleep(&ts, NULL);
	return 1;
}

/* Step a statement that returns no rows, then reset it. */
static int
run(struct pkit_ctx *ctx, struct pkit_db *db, sqlite3_stmt *s,
    const char *what)
{
	int rc, r = PKIT_OK;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE)
		r = lite_err(ctx, db, what);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return r;
}

static void
finish(sqlite3_stmt *s)
{
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
}

static int
bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v == NULL)
		return sqlite3_bind_null(s, i);
	return sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
}

static int
bind_fail(struct pkit_ctx *ctx, struct pkit_db *db, sqlite3_stmt *s,
    const char *what)
{
	int r = lite_err(ctx, db, what);

	finish(s);
	return r;
}

static int
lite_begin(struct pkit_ctx *ctx, struct pkit_db *db)
{
	struct lite *l = db->impl;

	return run(ctx, db, l->st[S_BEGIN], "starting a batch");
}

static void
lite_rollback(struct pkit_db *db)
{
	struct lite *l = db->impl;

	if (!sqlite3_get_autocommit(l->h)) {
		sqlite3_step(l->st[S_ROLLBACK]);
		sqlite3_reset(l->st[S_ROLLBACK]);
	}
}

static int
lite_commit(struct pkit_ctx *ctx, struct pkit_db *db)
{
	struct lite *l = db->impl;
	int r;

	if ((r = run(ctx, db, l->st[S_COMMIT], "committing")) != PKIT_OK)
		lite_rollback(db);
	return r;
}

static int
lite_cert_put(struct pkit_ctx *ctx, struct pkit_db *db,
    const struct pkit_db_cert *c)
{
	struct lite *l = db->impl;
	sqlite3_stmt *s = l->st[S_CERT_PUT];
	int r;

	if (bind_text(s, 1, c->serial) != SQLITE_OK ||
	    bind_text(s, 2, c->subject) != SQLITE_OK ||
	    bind_text(s, 3, c->sans) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 4, c->not_before) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 5, c->not_after) != SQLITE_OK ||
	    bind_text(s, 6, c->provisioner_id) != SQLITE_OK ||
	    bind_text(s, 7, c->provisioner_name) != SQLITE_OK ||
	    sqlite3_bind_blob(s, 8, c->der, (int)c->der_len,
	    SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 9, c->created) != SQLITE_OK)
		return bind_fail(ctx, db, s, "recording a certificate");
	if ((r = run(ctx, db, s, "recording a certificate")) != PKIT_OK)
		return r;
	if (sqlite3_changes(l->h) == 0)
		return pkit_seterr(ctx, PKIT_ERR_EXISTS,
		    "certificate %s: already recorded", c->serial);
	return PKIT_OK;
}

static int
lite_cert_get(struct pkit_ctx *ctx, struct pkit_db *db, const char *serial,
    struct pkit_db_cert **out)
{
	struct lite *l = db->impl;
	sqlite3_stmt *s = l->st[S_CERT_GET];
	struct pkit_db_cert c;
	int rc, r;

	if (bind_text(s, 1, serial) != SQLITE_OK)
		return bind_fail(ctx, db, s, "reading a certificate");
	if ((rc = sqlite3_step(s)) == SQLITE_DONE) {
		finish(s);
		return pkit_seterr(ctx, PKIT_ERR_NOT_FOUND,
		    "certificate %s: not found", serial);
	} else if (rc != SQLITE_ROW) {
		r = lite_err(ctx, db, "reading a certificate");
		finish(s);
		return r;
	}
	memset(&c, 0, sizeof(c));
	c.der = sqlite3_column_blob(s, 7);
	c.der_len = (size_t)sqlite3_column_bytes(s, 7);
	c.serial = (const char *)sqlite3_column_text(s, 0);
	c.subject = (const char *)sqlite3_column_text(s, 1);
	c.sans = (const char *)sqlite3_column_text(s, 2);
	c.not_before = (time_t)sqlite3_column_int64(s, 3);
	c.not_after = (time_t)sqlite3_column_int64(s, 4);
	c.provisioner_id = (const char *)sqlite3_column_text(s, 5);
	c.provisioner_name = (const char *)sqlite3_column_text(s, 6);
	c.created = (time_t)sqlite3_column_int64(s, 8);
	if (c.serial == NULL || c.subject == NULL || c.sans == NULL)
		r = lite_err(ctx, db, "reading a certificate");
	else
		r = pkit_db_cert_pack(ctx, &c, out);
	finish(s);
	return r;
}

static int
lite_revoke(struct pkit_ctx *ctx, struct pkit_db *db,
    const struct pkit_db_revocation *v)
{
	struct lite *l = db->impl;
	sqlite3_stmt *s = l->st[S_REVOKE];
	int r;

	if (bind_text(s, 1, v->serial) != SQLITE_OK ||
	    sqlite3_bind_int(s, 2, v->reason_code) != SQLITE_OK ||
	    bind_text(s, 3, v->reason) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 4, v->revoked_at) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 5, v->expires_at) != SQLITE_OK ||
	    bind_text(s, 6, v->provisioner_id) != SQLITE_OK ||
	    bind_text(s, 7, v->token_id) != SQLITE_OK ||
	    sqlite3_bind_int(s, 8, v->mtls) != SQLITE_OK)
		return bind_fail(ctx, db, s, "recording a revocation");
	if ((r = run(ctx, db, s, "recording a revocation")) != PKIT_OK)
		return r;
	if (sqlite3_changes(l->h) == 0)
		return pkit_seterr(ctx, PKIT_ERR_EXISTS,
		    "certificate %s: already revoked", v->serial);
	return PKIT_OK;
}

static int
lite_is_revoked(struct pkit_ctx *ctx, struct pkit_db *db, const char *serial,
    int *revoked)
{
	struct lite *l = db->impl;
	sqlite3_stmt *s = l->st[S_IS_REVOKED];
	int rc, r = PKIT_OK;

	if (bind_text(s, 1, serial) != SQLITE_OK)
		return bind_fail(ctx, db, s, "reading revocations");
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		*revoked = rc == SQLITE_ROW;
	else
		r = lite_err(ctx, db, "reading revocations");
	finish(s);
	return r;
}

static int
lite_revoked_list(struct pkit_ctx *ctx, struct pkit_db *db,
    time_t min_expires, pkit_db_revoked_cb cb, void *arg)
{
	struct lite *l = db->impl;
	sqlite3_stmt *s = l->st[S_REVOKED_LIST];
	struct pkit_db_revocation v;
	int rc, r = PKIT_OK;

	if (sqlite3_bind_int64(s, 1, min_expires) != SQLITE_OK)
		return bind_fail(ctx, db, s, "listing revocations");
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&v, 0, sizeof(v));
		v.serial = (const char *)sqlite3_column_text(s, 0);
		v.reason_code = sqlite3_column_int(s, 1);
		v.reason = (const char *)sqlite3_column_text(s, 2);
		v.revoked_at = (time_t)sqlite3_column_int64(s, 3);
		v.expires_at = (time_t)sqlite3_column_int64(s, 4);
		v.provisioner_id = (const char *)sqlite3_column_text(s, 5);
		v.token_id = (const char *)sqlite3_column_text(s, 6);
		v.mtls = sqlite3_column_int(s, 7);
		if (v.serial == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
		if (cb(arg, &v) != 0) {
			finish(s);
			return 1;
		}
	}
	if (rc != SQLITE_DONE)
		r = lite_err(ctx, db, "listing revocations");
	finish(s);
	return r;
}

static int
lite_use_token(struct pkit_ctx *ctx, struct pkit_db *db, const char *id,
    time_t expires)
{
	struct lite *l = db->impl;
	sqlite3_stmt *s = l->st[S_USE_TOKEN];
	int r;

	if (bind_text(s, 1, id) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 2, expires) != SQLITE_OK)
		return bind_fail(ctx, db, s, "recording a token");
	if ((r = run(ctx, db, s, "recording a token")) != PKIT_OK)
		return r;
	if (sqlite3_changes(l->h) == 0)
		return pkit_seterr(ctx, PKIT_ERR_EXISTS,
		    "token already used");
	return PKIT_OK;
}

static int
lite_purge_tokens(struct pkit_ctx *ctx, struct pkit_db *db, time_t now,
    long long limit, long long *count)
{
	struct lite *l = db->impl;
	sqlite3_stmt *s = l->st[S_PURGE];
	int r;

	if (sqlite3_bind_int64(s, 1, now) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 2, limit) != SQLITE_OK)
		return bind_fail(ctx, db, s, "purging used tokens");
	if ((r = run(ctx, db, s, "purging used tokens")) != PKIT_OK)
		return r;
	*count = sqlite3_changes(l->h);
	return PKIT_OK;
}

static int
lite_kv_put(struct pkit_ctx *ctx, struct pkit_db *db, const char *bucket,
    const char *key, const void *value, size_t len, unsigned flags)
{
	struct lite *l = db->impl;
	sqlite3_stmt *s;
	int r;

	s = l->st[(flags & PKIT_DB_KV_CREATE) ? S_KV_CREATE : S_KV_PUT];
	if (bind_text(s, 1, bucket) != SQLITE_OK ||
	    bind_text(s, 2, key) != SQLITE_OK ||
	    sqlite3_bind_blob(s, 3, value, (int)len, SQLITE_STATIC) != SQLITE_OK)
		return bind_fail(ctx, db, s, "storing a value");
	if ((r = run(ctx, db, s, "storing a value")) != PKIT_OK)
		return r;
	if (sqlite3_changes(l->h) == 0)
		return pkit_seterr(ctx, PKIT_ERR_EXISTS, "%s/%s: exists",
		    bucket, key);
	return PKIT_OK;
}

static int
lite_kv_get(struct pkit_ctx *ctx, struct pkit_db *db, const char *bucket,
    const char *key, unsigned char **value, size_t *len)
{
	struct lite *l = db->impl;
	sqlite3_stmt *s = l->st[S_KV_GET];
	unsigned char *v;
	const void *p;
	size_t n;
	int rc, r;

	if (bind_text(s, 1, bucket) != SQLITE_OK ||
	    bind_text(s, 2, key) != SQLITE_OK)
		return bind_fail(ctx, db, s, "reading a value");
	if ((rc = sqlite3_step(s)) == SQLITE_DONE) {
		finish(s);
		return pkit_seterr(ctx, PKIT_ERR_NOT_FOUND, "%s/%s: not found",
		    bucket, key);
	} else if (rc != SQLITE_ROW) {
		r = lite_err(ctx, db, "reading a value");
		finish(s);
		return r;
	}
	p = sqlite3_column_blob(s, 0);
	n = (size_t)sqlite3_column_bytes(s, 0);
	if ((v = malloc(n + 1)) == NULL) {
		finish(s);
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s/%s", bucket, key);
	}
	if (n > 0)
		memcpy(v, p, n);
	v[n] = '\0';
	finish(s);
	*value = v;
	*len = n;
	return PKIT_OK;
}

static int
lite_kv_delete(struct pkit_ctx *ctx, struct pkit_db *db, const char *bucket,
    const char *key)
{
	struct lite *l = db->impl;
	sqlite3_stmt *s = l->st[S_KV_DELETE];
	int r;

	if (bind_text(s, 1, bucket) != SQLITE_OK ||
	    bind_text(s, 2, key) != SQLITE_OK)
		return bind_fail(ctx, db, s, "deleting a value");
	if ((r = run(ctx, db, s, "deleting a value")) != PKIT_OK)
		return r;
	if (sqlite3_changes(l->h) == 0)
		return pkit_seterr(ctx, PKIT_ERR_NOT_FOUND, "%s/%s: not found",
		    bucket, key);
	return PKIT_OK;
}

static void
lite_free(struct lite *l)
{
	int i;

	if (l == NULL)
		return;
	for (i = 0; i < S_MAX; i++)
		sqlite3_finalize(l->st[i]);
	sqlite3_close(l->h);
	free(l);
}

static void
lite_close(struct pkit_db *db)
{
	lite_free(db->impl);
	db->impl = NULL;
}

/* With checkpoints deferred, SQLite's commit hook only counts frames. */
static int
wal_count(void *arg, sqlite3 *h, const char *name, int frames)
{
	struct lite *l = arg;

	(void)h;
	(void)name;
	l->wal_frames = frames;
	return SQLITE_OK;
}

static void
lite_defer_upkeep(struct pkit_db *db)
{
	struct lite *l = db->impl;

	sqlite3_wal_hook(l->h, wal_count, l);
}

/* A passive checkpoint: copies what no reader needs back into the
 * database file and never waits for other connections. */
static int
lite_upkeep(struct pkit_ctx *ctx, struct pkit_db *db)
{
	struct lite *l = db->impl;

	if (l->wal_frames < CHECKPOINT_FRAMES)
		return PKIT_OK;
	l->wal_frames = 0;
	if (sqlite3_wal_checkpoint_v2(l->h, NULL, SQLITE_CHECKPOINT_PASSIVE,
	    NULL, NULL) != SQLITE_OK)
		return lite_err(ctx, db, "checkpointing the WAL");
	return PKIT_OK;
}

static const struct pkit_db_ops lite_ops = {
	.begin = lite_begin,
	.commit = lite_commit,
	.rollback = lite_rollback,
	.cert_put = lite_cert_put,
	.cert_get = lite_cert_get,
	.revoke = lite_revoke,
	.is_revoked = lite_is_revoked,
	.revoked_list = lite_revoked_list,
	.use_token = lite_use_token,
	.purge_tokens = lite_purge_tokens,
	.kv_put = lite_kv_put,
	.kv_get = lite_kv_get,
	.kv_delete = lite_kv_delete,
	.close = lite_close,
	.defer_upkeep = lite_defer_upkeep,
	.upkeep = lite_upkeep,
};

/* Run one statement returning one text or integer value. */
static int
query1(struct pkit_ctx *ctx, struct pkit_db *db, const char *q,
    long long *num, char *text, size_t size)
{
	struct lite *l = db->impl;
	sqlite3_stmt *s = NULL;
	const unsigned char *t;
	int r = PKIT_OK;

	if (sqlite3_prepare_v2(l->h, q, -1, &s, NULL) != SQLITE_OK)
		return lite_err(ctx, db, "reading the database");
	if (sqlite3_step(s) != SQLITE_ROW) {
		r = lite_err(ctx, db, "reading the database");
		goto out;
	}
	if (num != NULL)
		*num = sqlite3_column_int64(s, 0);
	if (text != NULL) {
		t = sqlite3_column_text(s, 0);
		snprintf(text, size, "%s", t != NULL ? (const char *)t : "");
	}
out:
	sqlite3_finalize(s);
	return r;
}

static int
exec(struct pkit_ctx *ctx, struct pkit_db *db, const char *q,
    const char *what)
{
	struct lite *l = db->impl;

	if (sqlite3_exec(l->h, q, NULL, NULL, NULL) != SQLITE_OK)
		return lite_err(ctx, db, what);
	return PKIT_OK;
}

/* Refuse a database that is not ours, or is newer than this code. */
static int
check_identity(struct pkit_ctx *ctx, struct pkit_db *db, long long *version)
{
	long long app, tables;
	int r;

	if ((r = query1(ctx, db, "PRAGMA application_id", &app, NULL,
	    0)) != PKIT_OK ||
	    (r = query1(ctx, db, "PRAGMA user_version", version, NULL,
	    0)) != PKIT_OK ||
	    (r = query1(ctx, db, "SELECT count(*) FROM sqlite_master", &tables,
	    NULL, 0)) != PKIT_OK)
		return r;
	if (app != APPLICATION_ID && (app != 0 || tables != 0))
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: not a pkit database", db->label);
	if (*version > SCHEMA_VERSION)
		return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED,
		    "%s: database schema version %lld is newer than this "
		    "pkit's (%d)", db->label, *version, SCHEMA_VERSION);
	return PKIT_OK;
}

static int
create_schema(struct pkit_ctx *ctx, struct pkit_db *db)
{
	long long version;
	int r;

	/* Another handle may create it at the same time: decide under the
	 * write lock. */
	if ((r = exec(ctx, db, "BEGIN IMMEDIATE", "creating the schema")) != 0)
		return r;
	if ((r = check_identity(ctx, db, &version)) != PKIT_OK)
		goto out;
	if (version == 0 &&
	    (r = exec(ctx, db, schema_sql, "creating the schema")) != PKIT_OK)
		goto out;
	r = exec(ctx, db, "COMMIT", "creating the schema");
out:
	if (r != PKIT_OK)
		exec(ctx, db, "ROLLBACK", "creating the schema");
	return r;
}

/* Create the file 0600 first: SQLite would use 0644, and its -wal and
 * -shm files copy the database file's mode. */
static int
precreate(struct pkit_ctx *ctx, const char *path)
{
	struct stat sb;
	int fd;

	/* Never open an existing database here: closing any descriptor of
	 * it drops every POSIX lock this process holds on it, SQLite's
	 * included, and another process may then take itself for the last
	 * user and delete the WAL under this one's handles. */
	if (stat(path, &sb) == 0)
		return PKIT_OK;
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) == -1)
		return pkit_seterr(ctx, PKIT_ERR_DB, "%s: %s", path,
		    strerror(errno));
	close(fd);
	return PKIT_OK;
}

int
pkit_db_sqlite_open(struct pkit_ctx *ctx, const char *dsn, struct pkit_db *db)
{
	struct lite *l = NULL;
	const char *sync = "FULL", *p;
	char mode[32], pragma[64];
	long long version;
	int flags, rc, i, r = PKIT_ERR_INTERNAL;

	flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_NOMUTEX;
	if (sqlite3_threadsafe() == 0)
		return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED,
		    "%s: SQLite was built without thread support", dsn);
	if (strncmp(dsn, "file:", 5) == 0)
		flags |= SQLITE_OPEN_URI;
	else if (strcmp(dsn, ":memory:") != 0 &&
	    (r = precreate(ctx, dsn)) != PKIT_OK)
		return r;
	if ((db->label = strdup(dsn)) == NULL ||
	    (l = calloc(1, sizeof(*l))) == NULL) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", dsn);
		goto out;
	}
	db->impl = l;
	if ((rc = sqlite3_open_v2(dsn, &l->h, flags, NULL)) != SQLITE_OK) {
		r = pkit_seterr(ctx, PKIT_ERR_DB, "%s: %s", dsn,
		    l->h != NULL ? sqlite3_errmsg(l->h) : sqlite3_errstr(rc));
		goto out;
	}
	sqlite3_extended_result_codes(l->h, 1);
	sqlite3_busy_handler(l->h, busy, l);
	if ((flags & SQLITE_OPEN_URI) && (p = sqlite3_uri_parameter(
	    sqlite3_db_filename(l->h, "main"), "synchronous")) != NULL) {
		if (strcasecmp(p, "normal") == 0)
			sync = "NORMAL";
		else if (strcasecmp(p, "extra") == 0)
			sync = "EXTRA";
		else if (strcasecmp(p, "full") != 0) {
			r = pkit_seterr(ctx, PKIT_ERR_ARG, "%s: synchronous=%s: "
			    "use normal, full or extra", dsn, p);
			goto out;
		}
	}
	if ((r = check_identity(ctx, db, &version)) != PKIT_OK)
		goto out;
	if ((r = query1(ctx, db, "PRAGMA journal_mode = WAL", NULL, mode,
	    sizeof(mode))) != PKIT_OK)
		goto out;
	if (strcasecmp(mode, "wal") != 0 && strcasecmp(mode, "memory") != 0) {
		r = pkit_seterr(ctx, PKIT_ERR_DB, "%s: cannot use WAL mode "
		    "(journal mode is %s)", dsn, mode);
		goto out;
	}
	snprintf(pragma, sizeof(pragma), "PRAGMA synchronous = %s", sync);
	if ((r = exec(ctx, db, pragma, "setting up")) != PKIT_OK ||
	    (r = exec(ctx, db, "PRAGMA foreign_keys = ON",
	    "setting up")) != PKIT_OK)
		goto out;
	if (version != SCHEMA_VERSION &&
	    (r = create_schema(ctx, db)) != PKIT_OK)
		goto out;
	for (i = 0; i < S_MAX; i++) {
		if (sqlite3_prepare_v3(l->h, sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &l->st[i], NULL) != SQLITE_OK) {
			r = lite_err(ctx, db, "preparing statements");
			goto out;
		}
	}
	db->ops = &lite_ops;
	r = PKIT_OK;
out:
	if (r != PKIT_OK) {
		lite_free(l);
		db->impl = NULL;
	}
	return r;
}

/* db_postgres.c - the PostgreSQL backend of the CA database (libpq).
 *
 * libpq pulls in the same tree of libraries as libcurl (GnuTLS, Kerberos,
 * LDAP ...), so it is opened with dlopen() when a handle is first opened,
 * and every pkit verb that does not use PostgreSQL starts without it.
 *
 * One connection per handle.  Every query is a named prepared statement
 * with parameters (DER and values travel as binary bytea), results come
 * back in binary.  The schema is created under a transaction-level
 * advisory lock, so that several servers starting together on an empty
 * database do not race.  A connection found broken is reset (and its
 * statements prepared again) before the next call outside a batch; a read
 * cut that way is retried once, a write is not (it may have committed).
 * pkit_db_revoked_list() reads the whole list in one result.
 *
 * Messages name the database as postgresql://user@host:port/dbname and
 * never contain the password of the connection string.
 */
#include "config.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "db_impl.h"
#include "lib/secret.h"

#ifndef PKIT_LIBPQ_SONAME
/* libpq's soname has been libpq.so.5 since PostgreSQL 8.0. */
#define PKIT_LIBPQ_SONAME "libpq.so.5"
#endif

#define SCHEMA_VERSION 1
#define LOCK_KEY "1886087540"	/* "pkit" */

/* ---- libpq, loaded on first use ----------------------------------- */

static struct {
	PGconn *(*connectdbParams)(const char *const *, const char *const *,
	    int);
	ConnStatusType (*status)(const PGconn *);
	char *(*errorMessage)(const PGconn *);
	void (*finish)(PGconn *);
	void (*reset)(PGconn *);
	PGresult *(*prepare)(PGconn *, const char *, const char *, int,
	    const Oid *);
	PGresult *(*execPrepared)(PGconn *, const char *, int,
	    const char *const *, const int *, const int *, int);
	PGresult *(*exec)(PGconn *, const char *);
	ExecStatusType (*resultStatus)(const PGresult *);
	char *(*resultErrorField)(const PGresult *, int);
	void (*clear)(PGresult *);
	int (*ntuples)(const PGresult *);
	char *(*getvalue)(const PGresult *, int, int);
	int (*getlength)(const PGresult *, int, int);
	int (*getisnull)(const PGresult *, int, int);
	char *(*cmdTuples)(PGresult *);
	char *(*cmdStatus)(PGresult *);
	PQconninfoOption *(*conninfoParse)(const char *, char **);
	void (*conninfoFree)(PQconninfoOption *);
	void (*freemem)(void *);
	PQnoticeProcessor (*setNoticeProcessor)(PGconn *, PQnoticeProcessor,
	    void *);
	int (*isthreadsafe)(void);
} pq;
static int pq_loaded;		/* 1 loaded, -1 failed */
static char pq_error[256];
static pthread_once_t pq_once = PTHREAD_ONCE_INIT;

#define SYM(field, name) do { \
	*(void **)(&pq.field) = dlsym(h, name); \
	if (pq.field == NULL) \
		goto fail; \
} while (0)

static void
pq_load(void)
{
	void *h = dlopen(PKIT_LIBPQ_SONAME, RTLD_NOW | RTLD_LOCAL);
	const char *e;

	if (h == NULL)
		goto fail;
	SYM(connectdbParams, "PQconnectdbParams");
	SYM(status, "PQstatus");
	SYM(errorMessage, "PQerrorMessage");
	SYM(finish, "PQfinish");
	SYM(reset, "PQreset");
	SYM(prepare, "PQprepare");
	SYM(execPrepared, "PQexecPrepared");
	SYM(exec, "PQexec");
	SYM(resultStatus, "PQresultStatus");
	SYM(resultErrorField, "PQresultErrorField");
	SYM(clear, "PQclear");
	SYM(ntuples, "PQntuples");
	SYM(getvalue, "PQgetvalue");
	SYM(getlength, "PQgetlength");
	SYM(getisnull, "PQgetisnull");
	SYM(cmdTuples, "PQcmdTuples");
	SYM(cmdStatus, "PQcmdStatus");
	SYM(conninfoParse, "PQconninfoParse");
	SYM(conninfoFree, "PQconninfoFree");
	SYM(freemem, "PQfreemem");
	SYM(setNoticeProcessor, "PQsetNoticeProcessor");
	SYM(isthreadsafe, "PQisthreadsafe");
	if (!pq.isthreadsafe()) {
		snprintf(pq_error, sizeof(pq_error), "not thread-safe");
		pq_loaded = -1;
		return;
	}
	pq_loaded = 1;
	return;
fail:
	e = dlerror();
	snprintf(pq_error, sizeof(pq_error), "%s",
	    e != NULL ? e : "missing symbol");
	pq_loaded = -1;
}

/* ---- statements ----------------------------------------------------- */

enum {
	P_CERT_PUT, P_CERT_GET, P_REVOKE, P_IS_REVOKED, P_REVOKED_LIST,
	P_USE_TOKEN, P_PURGE, P_KV_PUT, P_KV_CREATE, P_KV_GET, P_KV_DELETE,
	P_MAX
};

static const char *const sql[P_MAX] = {
	[P_CERT_PUT] = "INSERT INTO pkit_certs (serial, subject, sans, "
	    "not_before, not_after, provisioner_id, provisioner_name, der, "
	    "created_at) VALUES ($1::text, $2::text, $3::text, $4::bigint, "
	    "$5::bigint, $6::text, $7::text, $8::bytea, $9::bigint) "
	    "ON CONFLICT (serial) DO NOTHING",
	[P_CERT_GET] = "SELECT serial, subject, sans, not_before, not_after, "
	    "provisioner_id, provisioner_name, der, created_at "
	    "FROM pkit_certs WHERE serial = $1::text",
	[P_REVOKE] = "INSERT INTO pkit_revoked (serial, reason_code, reason, "
	    "revoked_at, expires_at, provisioner_id, token_id, mtls) "
	    "VALUES ($1::text, $2::integer, $3::text, $4::bigint, "
	    "COALESCE(NULLIF($5::bigint, 0), (SELECT not_after FROM pkit_certs "
	    "WHERE serial = $1::text), 0), $6::text, $7::text, $8::integer) "
	    "ON CONFLICT (serial) DO NOTHING",
	[P_IS_REVOKED] = "SELECT 1 FROM pkit_revoked WHERE serial = $1::text",
	[P_REVOKED_LIST] = "SELECT serial, reason_code, reason, revoked_at, "
	    "expires_at, provisioner_id, token_id, mtls FROM pkit_revoked "
	    "WHERE expires_at = 0 OR expires_at >= $1::bigint "
	    "ORDER BY revoked_at, serial",
	[P_USE_TOKEN] = "INSERT INTO pkit_tokens (id, expires_at) "
	    "VALUES ($1::text, $2::bigint) ON CONFLICT (id) DO NOTHING",
	[P_PURGE] = "DELETE FROM pkit_tokens WHERE id IN (SELECT id "
	    "FROM pkit_tokens WHERE expires_at > 0 AND "
	    "expires_at < $1::bigint LIMIT $2::bigint FOR UPDATE SKIP LOCKED)",
	[P_KV_PUT] = "INSERT INTO pkit_kv (bucket, key, value) "
	    "VALUES ($1::text, $2::text, $3::bytea) "
	    "ON CONFLICT (bucket, key) DO UPDATE SET value = EXCLUDED.value",
	[P_KV_CREATE] = "INSERT INTO pkit_kv (bucket, key, value) "
	    "VALUES ($1::text, $2::text, $3::bytea) "
	    "ON CONFLICT (bucket, key) DO NOTHING",
	[P_KV_GET] = "SELECT value FROM pkit_kv "
	    "WHERE bucket = $1::text AND key = $2::text",
	[P_KV_DELETE] = "DELETE FROM pkit_kv "
	    "WHERE bucket = $1::text AND key = $2::text",
};

/* Statements that change nothing, and so may be retried. */
static const char readonly[P_MAX] = {
	[P_CERT_GET] = 1, [P_IS_REVOKED] = 1, [P_REVOKED_LIST] = 1,
	[P_KV_GET] = 1,
};

static const char schema_sql[] =
	"BEGIN;"
	"SELECT pg_advisory_xact_lock(" LOCK_KEY ");"
	"CREATE TABLE IF NOT EXISTS pkit_schema (version INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS pkit_certs ("
	" serial TEXT NOT NULL PRIMARY KEY,"
	" subject TEXT NOT NULL,"
	" sans TEXT NOT NULL,"
	" not_before BIGINT NOT NULL,"
	" not_after BIGINT NOT NULL,"
	" provisioner_id TEXT,"
	" provisioner_name TEXT,"
	" der BYTEA NOT NULL,"
	" created_at BIGINT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS pkit_revoked ("
	" serial TEXT NOT NULL PRIMARY KEY,"
	" reason_code INTEGER NOT NULL,"
	" reason TEXT,"
	" revoked_at BIGINT NOT NULL,"
	" expires_at BIGINT NOT NULL,"
	" provisioner_id TEXT,"
	" token_id TEXT,"
	" mtls INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS pkit_tokens ("
	" id TEXT NOT NULL PRIMARY KEY,"
	" expires_at BIGINT NOT NULL);"
	"CREATE INDEX IF NOT EXISTS pkit_tokens_expires "
	" ON pkit_tokens (expires_at);"
	"CREATE TABLE IF NOT EXISTS pkit_kv ("
	" bucket TEXT NOT NULL,"
	" key TEXT NOT NULL,"
	" value BYTEA NOT NULL,"
	" PRIMARY KEY (bucket, key));"
	"INSERT INTO pkit_schema (version) SELECT 1 "
	" WHERE NOT EXISTS (SELECT 1 FROM pkit_schema);"
	"SELECT max(version) FROM pkit_schema";

struct pg {
	PGconn *conn;
	char *password;		/* to keep it out of messages; wiped */
};

/* Up to 9 parameters of one statement. */
struct params {
	int n;
	const char *v[9];
	int len[9];
	int fmt[9];
	char num[9][24];
};

static void
add_text(struct params *p, const char *s)
{
	p->v[p->n] = s;
	p->len[p->n] = 0;
	p->fmt[p->n] = 0;
	p->n++;
}

static void
add_int(struct params *p, long long x)
{
	snprintf(p->num[p->n], sizeof(p->num[p->n]), "%lld", x);
	add_text(p, p->num[p->n]);
}

static void
add_bin(struct params *p, const void *data, size_t len)
{
	p->v[p->n] = data;
	p->len[p->n] = (int)len;
	p->fmt[p->n] = 1;
	p->n++;
}

/* libpq's messages span lines ("...\n\tIs the server running ...?\n"):
 * make one line.  libpq never quotes a password, but should one appear,
 * cut it out (unless it is so short that this would garble the text).
 * out may be in: it is written no faster than in is read. */
static void
tidy(const struct pg *g, const char *in, char *out, size_t size)
{
	size_t i = 0, plen = g->password != NULL ? strlen(g->password) : 0;

	if (plen < 4)
		plen = 0;

	while (*in != '\0' && i + 1 < size) {
		if (plen > 0 && strncmp(in, g->password, plen) == 0) {
			in += plen;
			if (i + 4 < size) {
				memcpy(out + i, "***", 3);
				i += 3;
			}
			continue;
		}
		if (*in == '\n' || *in == '\t' || *in == '\r') {
			if (i > 0 && out[i - 1] != ' ')
				out[i++] = ' ';
			in++;
			continue;
		}
		out[i++] = *in++;
	}
	while (i > 0 && out[i - 1] == ' ')
		i--;
	out[i] = '\0';
}

static int
pg_err(struct pkit_ctx *ctx, struct pkit_db *db, const PGresult *res,
    const char *what)
{
	struct pg *g = db->impl;
	const char *m = NULL;
	char msg[512];

	if (res != NULL)
		m = pq.resultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	if (m == NULL || *m == '\0')
		m = pq.errorMessage(g->conn);
	tidy(g, m != NULL ? m : "unknown error", msg, sizeof(msg));
	return pkit_seterr(ctx, PKIT_ERR_DB, "%s: %s: %s", db->label, what,
	    msg);
}

static int
prepare_all(struct pkit_ctx *ctx, struct pkit_db *db)
{
	struct pg *g = db->impl;
	PGresult *res;
	char name[24];
	int i;

	for (i = 0; i < P_MAX; i++) {
		snprintf(name, sizeof(name), "pkit_%d", i);
		res = pq.prepare(g->conn, name, sql[i], 0, NULL);
		if (res == NULL || pq.resultStatus(res) != PGRES_COMMAND_OK) {
			int r = pg_err(ctx, db, res, "preparing statements");

			pq.clear(res);
			return r;
		}
		pq.clear(res);
	}
	return PKIT_OK;
}

/* Before a call outside a batch: reconnect a broken connection. */
static int
ready(struct pkit_ctx *ctx, struct pkit_db *db)
{
	struct pg *g = db->impl;

	if (pq.status(g->conn) == CONNECTION_OK)
		return PKIT_OK;
	if (db->in_batch)
		return pg_err(ctx, db, NULL, "connection lost in a batch");
	pq.reset(g->conn);
	if (pq.status(g->conn) != CONNECTION_OK)
		return pg_err(ctx, db, NULL, "reconnecting");
	return prepare_all(ctx, db);
}

/* Run prepared statement i; *res (when not NULL) gets the result. */
static int
run(struct pkit_ctx *ctx, struct pkit_db *db, int i, const struct params *p,
    const char *what, PGresult **res)
{
	struct pg *g = db->impl;
	PGresult *rs;
	ExecStatusType st;
	char name[24];
	int r, retried = 0;

	snprintf(name, sizeof(name), "pkit_%d", i);
again:
	if ((r = ready(ctx, db)) != PKIT_OK)
		return r;
	rs = pq.execPrepared(g->conn, name, p->n, p->v, p->len, p->fmt, 1);
	st = rs != NULL ? pq.resultStatus(rs) : PGRES_FATAL_ERROR;
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		r = pg_err(ctx, db, rs, what);
		pq.clear(rs);
		/* A read on a connection that broke since the last call
		 * (server restart, failover) is safe to retry once. */
		if (readonly[i] && !retried && !db->in_batch &&
		    pq.status(g->conn) != CONNECTION_OK) {
			retried = 1;
			goto again;
		}
		return r;
	}
	if (res != NULL)
		*res = rs;
	else
		pq.clear(rs);
	return PKIT_OK;
}

/* Run a statement that changes rows; *changed is how many. */
static int
run_change(struct pkit_ctx *ctx, struct pkit_db *db, int i,
    const struct params *p, const char *what, long long *changed)
{
	PGresult *res = NULL;
	const char *t;
	char *end;
	int r;

	if ((r = run(ctx, db, i, p, what, &res)) != PKIT_OK)
		return r;
	t = pq.cmdTuples(res);
	*changed = strtoll(t != NULL ? t : "", &end, 10);
	if (t == NULL || *t == '\0' || *end != '\0')
		r = pkit_seterr(ctx, PKIT_ERR_DB, "%s: %s: no row count",
		    db->label, what);
	pq.clear(res);
	return r;
}

static int
simple(struct pkit_ctx *ctx, struct pkit_db *db, const char *q,
    const char *what)
{
	struct pg *g = db->impl;
	PGresult *res = pq.exec(g->conn, q);
	int r = PKIT_OK;

	if (res == NULL || pq.resultStatus(res) != PGRES_COMMAND_OK)
		r = pg_err(ctx, db, res, what);
	pq.clear(res);
	return r;
}

/* Binary results: integers are big-endian. */
static long long
get_int(const PGresult *res, int row, int col)
{
	const unsigned char *b;
	uint64_t v = 0;
	int i, n;

	if (pq.getisnull(res, row, col))
		return 0;
	b = (const unsigned char *)pq.getvalue(res, row, col);
	n = pq.getlength(res, row, col);
	if (n != 2 && n != 4 && n != 8)
		return 0;
	for (i = 0; i < n; i++)
		v = (v << 8) | b[i];
	if (n < 8 && (b[0] & 0x80))	/* sign-extend */
		v |= ~(uint64_t)0 << (8 * n);
	return (long long)v;
}

static const char *
get_text(const PGresult *res, int row, int col)
{
	if (pq.getisnull(res, row, col))
		return NULL;
	return pq.getvalue(res, row, col);
}

/* ---- operations ----------------------------------------------------- */

static int
pg_begin(struct pkit_ctx *ctx, struct pkit_db *db)
{
	int r;

	if ((r = ready(ctx, db)) != PKIT_OK)
		return r;
	return simple(ctx, db, "BEGIN", "starting a batch");
}

static void
pg_rollback(struct pkit_db *db)
{
	struct pg *g = db->impl;

	if (pq.status(g->conn) == CONNECTION_OK)
		pq.clear(pq.exec(g->conn, "ROLLBACK"));
}

static int
pg_commit(struct pkit_ctx *ctx, struct pkit_db *db)
{
	struct pg *g = db->impl;
	PGresult *res = pq.exec(g->conn, "COMMIT");
	const char *tag;
	int r = PKIT_OK;

	if (res == NULL || pq.resultStatus(res) != PGRES_COMMAND_OK) {
		r = pg_err(ctx, db, res, "committing");
		pg_rollback(db);
	} else if ((tag = pq.cmdStatus(res)) == NULL ||
	    strcmp(tag, "COMMIT") != 0)
		/* The server rolled back a transaction that had failed. */
		r = pkit_seterr(ctx, PKIT_ERR_DB, "%s: committing: the "
		    "transaction was rolled back", db->label);
	pq.clear(res);
	return r;
}

static int
pg_cert_put(struct pkit_ctx *ctx, struct pkit_db *db,
    const struct pkit_db_cert *c)
{
	struct params p = { 0 };
	long long n;
	int r;

	add_text(&p, c->serial);
	add_text(&p, c->subject);
	add_text(&p, c->sans);
	add_int(&p, c->not_before);
	add_int(&p, c->not_after);
	add_text(&p, c->provisioner_id);
	add_text(&p, c->provisioner_name);
	add_bin(&p, c->der, c->der_len);
	add_int(&p, c->created);
	if ((r = run_change(ctx, db, P_CERT_PUT, &p, "recording a certificate",
	    &n)) != PKIT_OK)
		return r;
	if (n == 0)
		return pkit_seterr(ctx, PKIT_ERR_EXISTS,
		    "certificate %s: already recorded", c->serial);
	return PKIT_OK;
}

static int
pg_cert_get(struct pkit_ctx *ctx, struct pkit_db *db, const char *serial,
    struct pkit_db_cert **out)
{
	struct params p = { 0 };
	struct pkit_db_cert c;
	PGresult *res = NULL;
	int r;

	add_text(&p, serial);
	if ((r = run(ctx, db, P_CERT_GET, &p, "reading a certificate",
	    &res)) != PKIT_OK)
		return r;
	if (pq.ntuples(res) == 0) {
		r = pkit_seterr(ctx, PKIT_ERR_NOT_FOUND,
		    "certificate %s: not found", serial);
		goto out;
	}
	memset(&c, 0, sizeof(c));
	c.serial = get_text(res, 0, 0);
	c.subject = get_text(res, 0, 1);
	c.sans = get_text(res, 0, 2);
	c.not_before = (time_t)get_int(res, 0, 3);
	c.not_after = (time_t)get_int(res, 0, 4);
	c.provisioner_id = get_text(res, 0, 5);
	c.provisioner_name = get_text(res, 0, 6);
	c.der = (const unsigned char *)pq.getvalue(res, 0, 7);
	c.der_len = (size_t)pq.getlength(res, 0, 7);
	c.created = (time_t)get_int(res, 0, 8);
	if (c.serial == NULL || c.subject == NULL || c.sans == NULL)
		r = pkit_seterr(ctx, PKIT_ERR_DB, "%s: certificate %s: "
		    "missing column", db->label, serial);
	else
		r = pkit_db_cert_pack(ctx, &c, out);
out:
	pq.clear(res);
	return r;
}

static int
pg_revoke(struct pkit_ctx *ctx, struct pkit_db *db,
    const struct pkit_db_revocation *v)
{
	struct params p = { 0 };
	long long n;
	int r;

	add_text(&p, v->serial);
	add_int(&p, v->reason_code);
	add_text(&p, v->reason);
	add_int(&p, v->revoked_at);
	add_int(&p, v->expires_at);
	add_text(&p, v->provisioner_id);
	add_text(&p, v->token_id);
	add_int(&p, v->mtls);
	if ((r = run_change(ctx, db, P_REVOKE, &p, "recording a revocation",
	    &n)) != PKIT_OK)
		return r;
	if (n == 0)
		return pkit_seterr(ctx, PKIT_ERR_EXISTS,
		    "certificate %s: already revoked", v->serial);
	return PKIT_OK;
}

static int
pg_is_revoked(struct pkit_ctx *ctx, struct pkit_db *db, const char *serial,
    int *revoked)
{
	struct params p = { 0 };
	PGresult *res = NULL;
	int r;

	add_text(&p, serial);
	if ((r = run(ctx, db, P_IS_REVOKED, &p, "reading revocations",
	    &res)) != PKIT_OK)
		return r;
	*revoked = pq.ntuples(res) > 0;
	pq.clear(res);
	return PKIT_OK;
}

static int
pg_revoked_list(struct pkit_ctx *ctx, struct pkit_db *db, time_t min_expires,
    pkit_db_revoked_cb cb, void *arg)
{
	struct params p = { 0 };
	struct pkit_db_revocation v;
	PGresult *res = NULL;
	int i, n, r;

	add_int(&p, min_expires);
	if ((r = run(ctx, db, P_REVOKED_LIST, &p, "listing revocations",
	    &res)) != PKIT_OK)
		return r;
	n = pq.ntuples(res);
	for (i = 0; i < n; i++) {
		memset(&v, 0, sizeof(v));
		v.serial = get_text(res, i, 0);
		v.reason_code = (int)get_int(res, i, 1);
		v.reason = get_text(res, i, 2);
		v.revoked_at = (time_t)get_int(res, i, 3);
		v.expires_at = (time_t)get_int(res, i, 4);
		v.provisioner_id = get_text(res, i, 5);
		v.token_id = get_text(res, i, 6);
		v.mtls = (int)get_int(res, i, 7);
		if (v.serial != NULL && cb(arg, &v) != 0) {
			r = 1;
			break;
		}
	}
	pq.clear(res);
	return r;
}

static int
pg_use_token(struct pkit_ctx *ctx, struct pkit_db *db, const char *id,
    time_t expires)
{
	struct params p = { 0 };
	long long n;
	int r;

	add_text(&p, id);
	add_int(&p, expires);
	if ((r = run_change(ctx, db, P_USE_TOKEN, &p, "recording a token",
	    &n)) != PKIT_OK)
		return r;
	if (n == 0)
		return pkit_seterr(ctx, PKIT_ERR_EXISTS, "token already used");
	return PKIT_OK;
}

static int
pg_purge_tokens(struct pkit_ctx *ctx, struct pkit_db *db, time_t now,
    long long limit, long long *count)
{
	struct params p = { 0 };

	add_int(&p, now);
	add_int(&p, limit);
	return run_change(ctx, db, P_PURGE, &p, "purging used tokens", count);
}

static int
pg_kv_put(struct pkit_ctx *ctx, struct pkit_db *db, const char *bucket,
    const char *key, const void *value, size_t len, unsigned flags)
{
	struct params p = { 0 };
	long long n;
	int r;

	add_text(&p, bucket);
	add_text(&p, key);
	add_bin(&p, value, len);
	if ((r = run_change(ctx, db, (flags & PKIT_DB_KV_CREATE) ?
	    P_KV_CREATE : P_KV_PUT, &p, "storing a value", &n)) != PKIT_OK)
		return r;
	if (n == 0)
		return pkit_seterr(ctx, PKIT_ERR_EXISTS, "%s/%s: exists",
		    bucket, key);
	return PKIT_OK;
}

static int
pg_kv_get(struct pkit_ctx *ctx, struct pkit_db *db, const char *bucket,
    const char *key, unsigned char **value, size_t *len)
{
	struct params p = { 0 };
	PGresult *res = NULL;
	unsigned char *v;
	size_t n;
	int r;

	add_text(&p, bucket);
	add_text(&p, key);
	if ((r = run(ctx, db, P_KV_GET, &p, "reading a value", &res)) != 0)
		return r;
	if (pq.ntuples(res) == 0) {
		r = pkit_seterr(ctx, PKIT_ERR_NOT_FOUND, "%s/%s: not found",
		    bucket, key);
		goto out;
	}
	n = (size_t)pq.getlength(res, 0, 0);
	if ((v = malloc(n + 1)) == NULL) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s/%s", bucket, key);
		goto out;
	}
	memcpy(v, pq.getvalue(res, 0, 0), n);
	v[n] = '\0';
	*value = v;
	*len = n;
	r = PKIT_OK;
out:
	pq.clear(res);
	return r;
}

static int
pg_kv_delete(struct pkit_ctx *ctx, struct pkit_db *db, const char *bucket,
    const char *key)
{
	struct params p = { 0 };
	long long n;
	int r;

	add_text(&p, bucket);
	add_text(&p, key);
	if ((r = run_change(ctx, db, P_KV_DELETE, &p, "deleting a value",
	    &n)) != PKIT_OK)
		return r;
	if (n == 0)
		return pkit_seterr(ctx, PKIT_ERR_NOT_FOUND, "%s/%s: not found",
		    bucket, key);
	return PKIT_OK;
}

static void
pg_free(struct pg *g)
{
	if (g == NULL)
		return;
	if (g->conn != NULL)
		pq.finish(g->conn);
	pkit_secret_strfree(g->password);
	free(g);
}

static void
pg_close(struct pkit_db *db)
{
	pg_free(db->impl);
	db->impl = NULL;
}

static const struct pkit_db_ops pg_ops = {
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.cert_put = pg_cert_put,
	.cert_get = pg_cert_get,
	.revoke = pg_revoke,
	.is_revoked = pg_is_revoked,
	.revoked_list = pg_revoked_list,
	.use_token = pg_use_token,
	.purge_tokens = pg_purge_tokens,
	.kv_put = pg_kv_put,
	.kv_get = pg_kv_get,
	.kv_delete = pg_kv_delete,
	.close = pg_close,
};

/* ---- opening -------------------------------------------------------- */

/* NUL-free display of a conninfo value, or def when unset. */
static const char *
opt(const PQconninfoOption *o, const char *kw, const char *def)
{
	for (; o != NULL && o->keyword != NULL; o++)
		if (strcmp(o->keyword, kw) == 0 && o->val != NULL &&
		    *o->val != '\0')
			return o->val;
	return def;
}

/* Parse the connection string for the label and the password; libpq's
 * parse errors may quote the string, so they are not passed on. */
static int
parse_dsn(struct pkit_ctx *ctx, const char *dsn, struct pkit_db *db,
    struct pg *g)
{
	PQconninfoOption *o, *i;
	const char *host, *port, *user, *name;
	char *err = NULL;
	size_t n;
	int r = PKIT_OK;

	if ((o = pq.conninfoParse(dsn, &err)) == NULL) {
		if (err != NULL)
			pq.freemem(err);
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "postgresql: malformed connection string");
	}
	host = opt(o, "host", opt(o, "hostaddr", ""));
	port = opt(o, "port", "");
	user = opt(o, "user", "");
	name = opt(o, "dbname", "");
	n = strlen(host) + strlen(port) + strlen(user) + strlen(name) + 32;
	if ((db->label = malloc(n)) == NULL) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "postgresql");
		goto out;
	}
	snprintf(db->label, n, "postgresql://%s%s%s%s%s/%s", user,
	    *user != '\0' ? "@" : "", host, *port != '\0' ? ":" : "", port,
	    name);
	if ((g->password = strdup(opt(o, "password", ""))) == NULL) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "postgresql");
		goto out;
	}
	/* A user or database name could be the password, mistyped. */
	tidy(g, db->label, db->label, n);
out:
	for (i = o; i->keyword != NULL; i++)
		if (i->val != NULL)
			pkit_secret_wipe(i->val, strlen(i->val));
	pq.conninfoFree(o);
	return r;
}

static void
quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static int
schema(struct pkit_ctx *ctx, struct pkit_db *db)
{
	struct pg *g = db->impl;
	PGresult *res;
	long long version = 0;
	int r = PKIT_OK;

	/* Fast path: the schema is there. */
	res = pq.exec(g->conn, "SELECT to_regclass('pkit_schema') IS NOT NULL");
	if (res == NULL || pq.resultStatus(res) != PGRES_TUPLES_OK) {
		r = pg_err(ctx, db, res, "reading the schema");
		pq.clear(res);
		return r;
	}
	if (strcmp(pq.getvalue(res, 0, 0), "t") == 0) {
		pq.clear(res);
		res = pq.exec(g->conn,
		    "SELECT coalesce(max(version), 0) FROM pkit_schema");
		if (res == NULL || pq.resultStatus(res) != PGRES_TUPLES_OK) {
			r = pg_err(ctx, db, res, "reading the schema");
			pq.clear(res);
			return r;
		}
		version = strtoll(pq.getvalue(res, 0, 0), NULL, 10);
	}
	pq.clear(res);
	if (version == 0) {
		res = pq.exec(g->conn, schema_sql);
		if (res == NULL || pq.resultStatus(res) != PGRES_TUPLES_OK) {
			r = pg_err(ctx, db, res, "creating the schema");
			pq.clear(res);
			pg_rollback(db);
			return r;
		}
		version = strtoll(pq.getvalue(res, 0, 0), NULL, 10);
		pq.clear(res);
		if (version <= SCHEMA_VERSION &&
		    (r = simple(ctx, db, "COMMIT", "creating the schema")) != 0)
			return r;
		if (version > SCHEMA_VERSION)
			pg_rollback(db);
	}
	if (version > SCHEMA_VERSION)
		return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED,
		    "%s: database schema version %lld is newer than this "
		    "pkit's (%d)", db->label, version, SCHEMA_VERSION);
	return PKIT_OK;
}

int
pkit_db_postgres_open(struct pkit_ctx *ctx, const char *dsn,
    struct pkit_db *db)
{
	/* The connection string comes last and wins over these defaults. */
	static const char *const keys[] = {
		"connect_timeout", "fallback_application_name", "dbname", NULL
	};
	const char *vals[] = { "10", "pkit", dsn, NULL };
	struct pg *g = NULL;
	int r = PKIT_ERR_INTERNAL;

	pthread_once(&pq_once, pq_load);
	if (pq_loaded != 1)
		return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED,
		    "postgresql: cannot load %s: %s", PKIT_LIBPQ_SONAME,
		    pq_error);
	if ((g = calloc(1, sizeof(*g))) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "postgresql");
	db->impl = g;
	if ((r = parse_dsn(ctx, dsn, db, g)) != PKIT_OK)
		goto out;
	if ((g->conn = pq.connectdbParams(keys, vals, 1)) == NULL) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", db->label);
		goto out;
	}
	pq.setNoticeProcessor(g->conn, quiet, NULL);
	if (pq.status(g->conn) != CONNECTION_OK) {
		r = pg_err(ctx, db, NULL, "cannot connect");
		goto out;
	}
	if ((r = schema(ctx, db)) != PKIT_OK ||
	    (r = prepare_all(ctx, db)) != PKIT_OK)
		goto out;
	db->ops = &pg_ops;
	r = PKIT_OK;
out:
	if (r != PKIT_OK) {
		pg_free(g);
		db->impl = NULL;
	}
	return r;
}

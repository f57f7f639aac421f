/* db.c - the CA database interface: argument checks, batches, dispatch to
 * the SQLite or PostgreSQL backend (see db.h). */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "db_impl.h"

/* Longest subject, reason, provisioner id or name (bytes). */
#define TEXT_MAX (64u * 1024)
/* Expired token ids deleted per purge statement. */
#define PURGE_CHUNK 2000

/* 1 if s is well-formed UTF-8 (RFC 3629: no overlongs, no surrogates). */
static int
utf8_ok(const unsigned char *s, size_t len)
{
	size_t i = 0, n, k;
	uint32_t c, min;

	while (i < len) {
		c = s[i];
		if (c < 0x80) {
			if (c == 0)
				return 0;
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0) {
			n = 1;
			min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2;
			min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3;
			min = 0x10000;
		} else
			return 0;
		c &= 0x3f >> n;
		if (len - i <= n)
			return 0;
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			c = (c << 6) | (s[i + k] & 0x3f);
		}
		if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return 0;
		i += n + 1;
	}
	return 1;
}

/* A text field: NULL allowed when optional, bounded, UTF-8. */
static int
check_text(struct pkit_ctx *ctx, const char *what, const char *s,
    size_t max, int optional)
{
	size_t len;

	if (s == NULL) {
		if (optional)
			return PKIT_OK;
		return pkit_seterr(ctx, PKIT_ERR_ARG, "%s: missing", what);
	}
	len = strlen(s);
	if (len > max)
		return pkit_seterr(ctx, PKIT_ERR_TOO_LARGE,
		    "%s: longer than %zu bytes", what, max);
	if (!utf8_ok((const unsigned char *)s, len))
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: not valid UTF-8", what);
	return PKIT_OK;
}

/* An identifier: 1..PKIT_DB_ID_MAX printable ASCII characters (space
 * allowed only when spaces is set). */
static int
check_id(struct pkit_ctx *ctx, const char *what, const char *s, int spaces)
{
	size_t i;

	if (s == NULL || *s == '\0')
		return pkit_seterr(ctx, PKIT_ERR_ARG, "%s: empty", what);
	for (i = 0; s[i] != '\0'; i++) {
		if (i >= PKIT_DB_ID_MAX)
			return pkit_seterr(ctx, PKIT_ERR_TOO_LARGE,
			    "%s: longer than %d characters", what,
			    PKIT_DB_ID_MAX);
		if (s[i] < (spaces ? 0x20 : 0x21) || s[i] > 0x7e)
			return pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "%s: character %zu is not printable ASCII",
			    what, i + 1);
	}
	return PKIT_OK;
}

static int
check_bucket(struct pkit_ctx *ctx, const char *bucket)
{
	size_t i;

	if (bucket == NULL || *bucket == '\0')
		return pkit_seterr(ctx, PKIT_ERR_ARG, "bucket name: empty");
	for (i = 0; bucket[i] != '\0'; i++) {
		char c = bucket[i];

		if (i >= 64)
			return pkit_seterr(ctx, PKIT_ERR_TOO_LARGE,
			    "bucket name: longer than 64 characters");
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '_' || c == '.' || c == '-'))
			return pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "bucket name %.64s: only a-z 0-9 _ . - allowed",
			    bucket);
	}
	return PKIT_OK;
}

int
pkit_db_serial_norm(struct pkit_ctx *ctx, const char *serial,
    char out[PKIT_DB_SERIAL_MAX + 1])
{
	const char *p;
	size_t i, n;

	if (serial == NULL || *serial == '\0')
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "serial: empty");
	for (i = 0; serial[i] != '\0'; i++) {
		char c = serial[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		    (c >= 'A' && c <= 'F')))
			return pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "serial %.80s: not a hexadecimal number", serial);
	}
	for (p = serial; *p == '0' && p[1] != '\0'; p++)
		;
	if ((n = strlen(p)) > PKIT_DB_SERIAL_MAX)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "serial %.80s: longer than 20 octets", serial);
	for (i = 0; i < n; i++)
		out[i] = (p[i] >= 'A' && p[i] <= 'F') ? p[i] - 'A' + 'a' : p[i];
	out[n] = '\0';
	return PKIT_OK;
}

/* A write may not go on in a batch that already failed: SQLite may have
 * rolled the transaction back, and the write would then commit alone. */
static int
write_ok(struct pkit_ctx *ctx, struct pkit_db *db)
{
	if (db->in_batch && db->batch_failed)
		return pkit_seterr(ctx, PKIT_ERR_DB,
		    "%s: the batch failed earlier: %s", db->label,
		    db->batch_err);
	return PKIT_OK;
}

/* Remember the first database error of a batch. */
static int
done(struct pkit_ctx *ctx, struct pkit_db *db, int r)
{
	if (db->in_batch && !db->batch_failed && r != PKIT_OK &&
	    r != PKIT_ERR_EXISTS && r != PKIT_ERR_NOT_FOUND) {
		db->batch_failed = 1;
		snprintf(db->batch_err, sizeof(db->batch_err), "%s",
		    pkit_ctx_errmsg(ctx, r));
	}
	return r;
}

static int
is_pg_uri(const char *dsn)
{
	return strncmp(dsn, "postgresql://", 13) == 0 ||
	    strncmp(dsn, "postgres://", 11) == 0;
}

int
pkit_db_open(struct pkit_ctx *ctx, const char *type, const char *dsn,
    struct pkit_db **out)
{
	struct pkit_db *db = NULL;
	int r = PKIT_ERR_INTERNAL, pg;

	if (dsn == NULL || *dsn == '\0')
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "database: no data source given");
	if (type == NULL || *type == '\0')
		pg = is_pg_uri(dsn);
	else if (strcasecmp(type, "sqlite") == 0 ||
	    strcasecmp(type, "sqlite3") == 0)
		pg = 0;
	else if (strcasecmp(type, "postgresql") == 0 ||
	    strcasecmp(type, "postgres") == 0)
		pg = 1;
	else
		return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED,
		    "database type %.64s: not supported (use sqlite or "
		    "postgresql)", type);
	if ((db = calloc(1, sizeof(*db))) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "database");
	if (pg)
		r = pkit_db_postgres_open(ctx, dsn, db);
	else
		r = pkit_db_sqlite_open(ctx, dsn, db);
	if (r != PKIT_OK)
		goto out;
	*out = db;
	db = NULL;
	r = PKIT_OK;
out:
	if (db != NULL) {
		free(db->label);
		free(db);
	}
	return r;
}

void
pkit_db_close(struct pkit_db *db)
{
	if (db == NULL)
		return;
	if (db->in_batch)
		db->ops->rollback(db);
	db->ops->close(db);
	free(db->label);
	free(db);
}

void
pkit_db_defer_upkeep(struct pkit_db *db)
{
	if (db->ops->defer_upkeep != NULL)
		db->ops->defer_upkeep(db);
}

int
pkit_db_upkeep(struct pkit_ctx *ctx, struct pkit_db *db)
{
	if (db->ops->upkeep == NULL || db->in_batch)
		return PKIT_OK;
	return db->ops->upkeep(ctx, db);
}

const char *
pkit_db_describe(const struct pkit_db *db)
{
	return db->label;
}

/* Delete a chunk of expired token ids when the interval has passed or the
 * last purge left some behind.  Outside any transaction, so that a large
 * delete never joins (or deadlocks) a batch.  Opportunistic: a failure
 * is left for the next interval and does not fail the caller. */
static void
maybe_purge(struct pkit_ctx *ctx, struct pkit_db *db)
{
	time_t now = pkit_now(ctx);
	long long n = 0;
	int r;

	if (db->in_batch || (!db->purge_backlog &&
	    now - db->last_purge < PKIT_DB_PURGE_INTERVAL &&
	    now >= db->last_purge))
		return;
	db->last_purge = now;
	r = db->ops->purge_tokens(ctx, db, now, PURGE_CHUNK, &n);
	db->purge_backlog = r == PKIT_OK && n >= PURGE_CHUNK;
	if (r != PKIT_OK)
		pkit_clearerr(ctx);
}

int
pkit_db_batch_begin(struct pkit_ctx *ctx, struct pkit_db *db)
{
	int r;

	if (db->in_batch)
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "%s: a batch is already open", db->label);
	maybe_purge(ctx, db);
	if ((r = db->ops->begin(ctx, db)) != PKIT_OK)
		return r;
	db->in_batch = 1;
	db->batch_failed = 0;
	db->batch_err[0] = '\0';
	return PKIT_OK;
}

int
pkit_db_batch_commit(struct pkit_ctx *ctx, struct pkit_db *db)
{
	if (!db->in_batch)
		return pkit_seterr(ctx, PKIT_ERR_ARG, "%s: no batch is open",
		    db->label);
	db->in_batch = 0;
	if (db->batch_failed) {
		db->ops->rollback(db);
		return pkit_seterr(ctx, PKIT_ERR_DB,
		    "%s: batch rolled back: %s", db->label, db->batch_err);
	}
	/* The backend rolls back itself when the commit fails. */
	return db->ops->commit(ctx, db);
}

void
pkit_db_batch_abort(struct pkit_ctx *ctx, struct pkit_db *db)
{
	(void)ctx;
	if (!db->in_batch)
		return;
	db->in_batch = 0;
	db->ops->rollback(db);
}

int
pkit_db_cert_put(struct pkit_ctx *ctx, struct pkit_db *db,
    const struct pkit_db_cert *cert)
{
	char serial[PKIT_DB_SERIAL_MAX + 1];
	struct pkit_db_cert c = *cert;
	json_t *sans = NULL;
	json_error_t jerr;
	int r = PKIT_ERR_INTERNAL;

	if ((r = pkit_db_serial_norm(ctx, cert->serial, serial)) != PKIT_OK)
		return r;
	c.serial = serial;
	if (c.sans == NULL)
		c.sans = "[]";
	if (c.created == 0)
		c.created = pkit_now(ctx);
	if ((r = check_text(ctx, "subject", c.subject, TEXT_MAX, 0)) != 0 ||
	    (r = check_text(ctx, "sans", c.sans, PKIT_DB_BLOB_MAX, 0)) != 0 ||
	    (r = check_text(ctx, "provisioner id", c.provisioner_id,
	    TEXT_MAX, 1)) != 0 ||
	    (r = check_text(ctx, "provisioner name", c.provisioner_name,
	    TEXT_MAX, 1)) != 0)
		return r;
	if (c.der == NULL || c.der_len == 0)
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "certificate %s: no DER", serial);
	if (c.der_len > PKIT_DB_BLOB_MAX)
		return pkit_seterr(ctx, PKIT_ERR_TOO_LARGE,
		    "certificate %s: larger than %u bytes", serial,
		    PKIT_DB_BLOB_MAX);
	if ((sans = json_loads(c.sans, JSON_REJECT_DUPLICATES, &jerr)) == NULL ||
	    !json_is_array(sans)) {
		json_decref(sans);
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "certificate %s: sans: not a JSON array", serial);
	}
	json_decref(sans);
	if ((r = write_ok(ctx, db)) != PKIT_OK)
		return r;
	return done(ctx, db, db->ops->cert_put(ctx, db, &c));
}

int
pkit_db_cert_get(struct pkit_ctx *ctx, struct pkit_db *db,
    const char *serial, struct pkit_db_cert **out)
{
	char norm[PKIT_DB_SERIAL_MAX + 1];
	int r;

	if ((r = pkit_db_serial_norm(ctx, serial, norm)) != PKIT_OK)
		return r;
	return done(ctx, db, db->ops->cert_get(ctx, db, norm, out));
}

void
pkit_db_cert_free(struct pkit_db_cert *cert)
{
	free(cert);
}

static size_t
slen(const char *s)
{
	return s == NULL ? 0 : strlen(s) + 1;
}

static const char *
scopy(char **p, const char *s)
{
	char *d = *p;
	size_t n;

	if (s == NULL)
		return NULL;
	n = strlen(s) + 1;
	memcpy(d, s, n);
	*p += n;
	return d;
}

int
pkit_db_cert_pack(struct pkit_ctx *ctx, const struct pkit_db_cert *in,
    struct pkit_db_cert **out)
{
	struct pkit_db_cert *c;
	size_t size;
	char *p;

	size = sizeof(*c) + slen(in->serial) + slen(in->subject) +
	    slen(in->sans) + slen(in->provisioner_id) +
	    slen(in->provisioner_name) + in->der_len;
	if ((c = malloc(size)) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "certificate %s",
		    in->serial);
	*c = *in;
	p = (char *)(c + 1);
	if (in->der_len > 0)
		memcpy(p, in->der, in->der_len);
	c->der = (unsigned char *)p;
	p += in->der_len;
	c->serial = scopy(&p, in->serial);
	c->subject = scopy(&p, in->subject);
	c->sans = scopy(&p, in->sans);
	c->provisioner_id = scopy(&p, in->provisioner_id);
	c->provisioner_name = scopy(&p, in->provisioner_name);
	*out = c;
	return PKIT_OK;
}

int
pkit_db_revoke(struct pkit_ctx *ctx, struct pkit_db *db,
    const struct pkit_db_revocation *rev)
{
	char serial[PKIT_DB_SERIAL_MAX + 1];
	struct pkit_db_revocation v = *rev;
	int r;

	if ((r = pkit_db_serial_norm(ctx, rev->serial, serial)) != PKIT_OK)
		return r;
	v.serial = serial;
	if (v.reason_code < 0 || v.reason_code > 10)
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "revocation of %s: reason code %d is not 0..10", serial,
		    v.reason_code);
	if ((r = check_text(ctx, "revocation reason", v.reason, TEXT_MAX,
	    1)) != 0 ||
	    (r = check_text(ctx, "provisioner id", v.provisioner_id,
	    TEXT_MAX, 1)) != 0 ||
	    (r = check_text(ctx, "token id", v.token_id, TEXT_MAX, 1)) != 0)
		return r;
	if (v.revoked_at == 0)
		v.revoked_at = pkit_now(ctx);
	v.mtls = v.mtls != 0;
	if ((r = write_ok(ctx, db)) != PKIT_OK)
		return r;
	return done(ctx, db, db->ops->revoke(ctx, db, &v));
}

int
pkit_db_is_revoked(struct pkit_ctx *ctx, struct pkit_db *db,
    const char *serial, int *revoked)
{
	char norm[PKIT_DB_SERIAL_MAX + 1];
	int r;

	if ((r = pkit_db_serial_norm(ctx, serial, norm)) != PKIT_OK)
		return r;
	return done(ctx, db, db->ops->is_revoked(ctx, db, norm, revoked));
}

struct walk {
	pkit_db_revoked_cb cb;
	void *arg;
	int ret;
};

/* Keep the caller's return value apart from the backend's errors. */
static int
walk_one(void *arg, const struct pkit_db_revocation *rev)
{
	struct walk *w = arg;

	if ((w->ret = w->cb(w->arg, rev)) != 0)
		return 1;
	return 0;
}

int
pkit_db_revoked_list(struct pkit_ctx *ctx, struct pkit_db *db,
    time_t min_expires, pkit_db_revoked_cb cb, void *arg)
{
	struct walk w = { cb, arg, 0 };
	int r;

	r = db->ops->revoked_list(ctx, db, min_expires, walk_one, &w);
	if (r == 1)
		return w.ret;
	return done(ctx, db, r);
}

int
pkit_db_use_token(struct pkit_ctx *ctx, struct pkit_db *db, const char *id,
    time_t expires)
{
	int r;

	if ((r = check_id(ctx, "token id", id, 0)) != PKIT_OK)
		return r;
	if ((r = write_ok(ctx, db)) != PKIT_OK)
		return r;
	maybe_purge(ctx, db);
	if (expires < 0)
		expires = 0;
	return done(ctx, db, db->ops->use_token(ctx, db, id, expires));
}

int
pkit_db_purge_tokens(struct pkit_ctx *ctx, struct pkit_db *db,
    long long *count)
{
	time_t now = pkit_now(ctx);
	long long n, total = 0;
	int r;

	if ((r = write_ok(ctx, db)) != PKIT_OK)
		return r;
	do {
		n = 0;
		r = db->ops->purge_tokens(ctx, db, now, PURGE_CHUNK, &n);
		if (r != PKIT_OK)
			return done(ctx, db, r);
		total += n;
	} while (n >= PURGE_CHUNK);
	db->last_purge = now;
	db->purge_backlog = 0;
	if (count != NULL)
		*count = total;
	return PKIT_OK;
}

int
pkit_db_kv_put(struct pkit_ctx *ctx, struct pkit_db *db, const char *bucket,
    const char *key, const void *value, size_t len, unsigned flags)
{
	int r;

	if ((r = check_bucket(ctx, bucket)) != PKIT_OK ||
	    (r = check_id(ctx, "key", key, 1)) != PKIT_OK)
		return r;
	if (value == NULL && len > 0)
		return pkit_seterr(ctx, PKIT_ERR_ARG, "%s/%s: no value",
		    bucket, key);
	if (len > PKIT_DB_BLOB_MAX)
		return pkit_seterr(ctx, PKIT_ERR_TOO_LARGE,
		    "%s/%s: value larger than %u bytes", bucket, key,
		    PKIT_DB_BLOB_MAX);
	if (value == NULL)
		value = "";
	if ((r = write_ok(ctx, db)) != PKIT_OK)
		return r;
	return done(ctx, db, db->ops->kv_put(ctx, db, bucket, key, value, len,
	    flags));
}

int
pkit_db_kv_get(struct pkit_ctx *ctx, struct pkit_db *db, const char *bucket,
    const char *key, unsigned char **value, size_t *len)
{
	int r;

	if ((r = check_bucket(ctx, bucket)) != PKIT_OK ||
	    (r = check_id(ctx, "key", key, 1)) != PKIT_OK)
		return r;
	return done(ctx, db, db->ops->kv_get(ctx, db, bucket, key, value,
	    len));
}

int
pkit_db_kv_delete(struct pkit_ctx *ctx, struct pkit_db *db,
    const char *bucket, const char *key)
{
	int r;

	if ((r = check_bucket(ctx, bucket)) != PKIT_OK ||
	    (r = check_id(ctx, "key", key, 1)) != PKIT_OK)
		return r;
	if ((r = write_ok(ctx, db)) != PKIT_OK)
		return r;
	return done(ctx, db, db->ops->kv_delete(ctx, db, bucket, key));
}

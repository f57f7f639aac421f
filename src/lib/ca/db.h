/* db.h - the CA database: issued certificates, revocations, used token ids
 * and a generic key/value store, behind one interface with two backends.
 *
 * Backends
 *   "sqlite"      the embedded default; dsn is a file path, or a SQLite
 *                 "file:" URI (see Durability for its one parameter).
 *   "postgresql"  libpq (opened with dlopen() on first use, as libcurl is);
 *                 dsn is a libpq conninfo ("host=... dbname=...") or a
 *                 postgresql:// URI.  Several `ca serve` instances can
 *                 share one database.
 * The schema is created on first open (and versioned); every query is
 * prepared once per handle and takes its values as parameters.
 *
 * Threading
 *   A handle is used by one thread at a time: each event-loop thread opens
 *   its own handle (one SQLite connection, or one PostgreSQL connection).
 *   Handles of any number of threads or processes may share a database:
 *   SQLite runs in WAL mode (readers never block, writers queue for up to
 *   PKIT_DB_BUSY_MS), PostgreSQL serialises on its own row locks.  The
 *   checks below (token replay, second revocation, duplicate serial) are
 *   single INSERTs on a unique key, so they hold across handles.
 *
 * Durability
 *   When a write (outside a batch) or pkit_db_batch_commit() returns
 *   PKIT_OK, the data is on stable storage:
 *   - SQLite: WAL with synchronous=FULL, the WAL is fsync'd at each commit
 *     and survives a power loss.  A "file:" URI may ask for
 *     ?synchronous=normal: a commit then survives the crash or kill of the
 *     process (it is in the OS page cache) but the last commits can be
 *     lost on a power failure or kernel crash; the database stays
 *     consistent either way.
 *   - PostgreSQL: COMMIT returns after the server's WAL flush
 *     (synchronous_commit=on, its default; pkit does not change it).
 *
 * Group commit
 *   One commit per certificate costs one fsync.  For throughput, a server
 *   collects the requests ready in one turn of its event loop and does:
 *   sign them all, then pkit_db_batch_begin(); for each, use_token (on
 *   PKIT_ERR_EXISTS answer "token already used" and drop its cert) and
 *   cert_put; then pkit_db_batch_commit(), and only then reply.  If the
 *   commit fails, nothing of the batch was recorded: fail every request of
 *   it.  Keep CPU work and network waits out of a batch: an SQLite batch
 *   holds the database's write lock until it commits.
 */
#ifndef PKIT_CA_DB_H
#define PKIT_CA_DB_H

#include <stddef.h>
#include <time.h>

#include "lib/err.h"

/* Longest serial in hex digits (RFC 5280: at most 20 octets). */
#define PKIT_DB_SERIAL_MAX 40
/* Longest DER certificate and key/value value accepted. */
#define PKIT_DB_BLOB_MAX (1024u * 1024)
/* Longest token id, bucket name and key/value key. */
#define PKIT_DB_ID_MAX 512
/* How long a writer waits for another handle's lock (SQLite). */
#define PKIT_DB_BUSY_MS 10000
/* Expired token ids are purged at most this often per handle (seconds). */
#define PKIT_DB_PURGE_INTERVAL 60

struct pkit_db;

/* An issued certificate.  To record one, fill the fields (the pointers are
 * borrowed); pkit_db_cert_get() returns one in a single allocation. */
struct pkit_db_cert {
	const char *serial;		/* hex, either case; leading zeros ignored */
	const char *subject;		/* subject DN as text ("" when empty) */
	const char *sans;		/* JSON array of the SANs; NULL means [] */
	time_t not_before;
	time_t not_after;
	const char *provisioner_id;	/* may be NULL */
	const char *provisioner_name;	/* may be NULL */
	const unsigned char *der;	/* the certificate */
	size_t der_len;
	time_t created;			/* 0: now (pkit_now) */
};

/* A revocation (step-ca's RevokedCertificateInfo). */
struct pkit_db_revocation {
	const char *serial;
	int reason_code;		/* RFC 5280 CRLReason, 0..10 */
	const char *reason;		/* free text, may be NULL */
	time_t revoked_at;		/* 0: now */
	time_t expires_at;		/* 0: the recorded cert's not_after, if any */
	const char *provisioner_id;	/* may be NULL */
	const char *token_id;		/* the revoke token's id, may be NULL */
	int mtls;			/* revoked over mTLS by the cert itself */
};

/* Called for each revocation; the record is valid during the call only.  A
 * non-zero return stops the walk and is returned by pkit_db_revoked_list().
 * The callback must not use the same handle. */
typedef int (*pkit_db_revoked_cb)(void *arg,
    const struct pkit_db_revocation *rev);

enum pkit_db_kv_flags {
	PKIT_DB_KV_CREATE = 1 << 0,	/* fail with PKIT_ERR_EXISTS if present */
};

/* Open (and create or upgrade the schema of) a database.  type is "sqlite"
 * or "postgresql" ("sqlite3", "postgres" are accepted); NULL or "" picks
 * postgresql for a postgres:// or postgresql:// dsn and sqlite otherwise.
 * Error messages never repeat the dsn's password. */
int pkit_db_open(struct pkit_ctx *ctx, const char *type, const char *dsn,
    struct pkit_db **out);
/* Close a handle, rolling back an open batch; NULL is a no-op. */
void pkit_db_close(struct pkit_db *db);
/* A name for logs: the SQLite path, or postgresql://user@host:port/dbname
 * (never the password). */
const char *pkit_db_describe(const struct pkit_db *db);

/* Normalise a hex serial into out: lower case, no leading zeros.
 * PKIT_ERR_FORMAT when it is empty, not hex, or longer than 20 octets. */
int pkit_db_serial_norm(struct pkit_ctx *ctx, const char *serial,
    char out[PKIT_DB_SERIAL_MAX + 1]);

/* Start a batch: the writes that follow are one transaction, neither
 * durable nor visible to other handles until pkit_db_batch_commit(). */
int pkit_db_batch_begin(struct pkit_ctx *ctx, struct pkit_db *db);
/* Commit the batch durably.  If a write of the batch failed with a
 * database error (not EXISTS/NOT_FOUND), the batch is rolled back and
 * PKIT_ERR_DB returned: nothing of it was recorded. */
int pkit_db_batch_commit(struct pkit_ctx *ctx, struct pkit_db *db);
/* Roll back the open batch, if any. */
void pkit_db_batch_abort(struct pkit_ctx *ctx, struct pkit_db *db);

/* Take the backend's housekeeping (SQLite: WAL checkpoints) out of the
 * commits of db; its owner then calls pkit_db_upkeep() at a time that
 * delays no answer, e.g. after a batch's answers are out. */
void pkit_db_defer_upkeep(struct pkit_db *db);
/* Do the housekeeping deferred by pkit_db_defer_upkeep(), if it is due. */
int pkit_db_upkeep(struct pkit_ctx *ctx, struct pkit_db *db);

/* Record an issued certificate; PKIT_ERR_EXISTS if its serial is known. */
int pkit_db_cert_put(struct pkit_ctx *ctx, struct pkit_db *db,
    const struct pkit_db_cert *cert);
/* Look a certificate up by serial (PKIT_ERR_NOT_FOUND).  *out is one
 * allocation with a normalised serial; free it with pkit_db_cert_free(). */
int pkit_db_cert_get(struct pkit_ctx *ctx, struct pkit_db *db,
    const char *serial, struct pkit_db_cert **out);
/* Free what pkit_db_cert_get() returned; NULL is a no-op. */
void pkit_db_cert_free(struct pkit_db_cert *cert);

/* Record a revocation; PKIT_ERR_EXISTS when the serial is already revoked.
 * The certificate need not be recorded (passive revocation by serial). */
int pkit_db_revoke(struct pkit_ctx *ctx, struct pkit_db *db,
    const struct pkit_db_revocation *rev);
/* Set *revoked to 1 if serial is revoked, 0 if not. */
int pkit_db_is_revoked(struct pkit_ctx *ctx, struct pkit_db *db,
    const char *serial, int *revoked);
/* Call cb for each revocation whose expires_at is 0 (unknown) or not
 * before min_expires (0: all), oldest revocation first. */
int pkit_db_revoked_list(struct pkit_ctx *ctx, struct pkit_db *db,
    time_t min_expires, pkit_db_revoked_cb cb, void *arg);

/* Mark a one-time token id as used: PKIT_OK the first time, and
 * PKIT_ERR_EXISTS ever after, from any handle, across restarts.  id is
 * printable ASCII (e.g. a hash of provisioner and jti).  expires is when
 * the authority stops accepting the token anyway (its exp plus leeway);
 * the id is forgotten after it (0: never).  Expired ids are purged now and
 * then by this call. */
int pkit_db_use_token(struct pkit_ctx *ctx, struct pkit_db *db,
    const char *id, time_t expires);
/* Delete the token ids expired before now; *count (may be NULL) is how
 * many were deleted. */
int pkit_db_purge_tokens(struct pkit_ctx *ctx, struct pkit_db *db,
    long long *count);

/* Store value under bucket/key, replacing any old value unless flags has
 * PKIT_DB_KV_CREATE.  bucket is [a-z0-9_.-]+, key printable ASCII. */
int pkit_db_kv_put(struct pkit_ctx *ctx, struct pkit_db *db,
    const char *bucket, const char *key, const void *value, size_t len,
    unsigned flags);
/* Fetch bucket/key (PKIT_ERR_NOT_FOUND).  *value is malloc'd with a NUL
 * after its *len bytes. */
int pkit_db_kv_get(struct pkit_ctx *ctx, struct pkit_db *db,
    const char *bucket, const char *key, unsigned char **value, size_t *len);
/* Delete bucket/key (PKIT_ERR_NOT_FOUND when absent). */
int pkit_db_kv_delete(struct pkit_ctx *ctx, struct pkit_db *db,
    const char *bucket, const char *key);

#endif

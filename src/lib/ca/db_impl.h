/* db_impl.h - what db.c and the database backends share (private).
 *
 * db.c validates and normalises every argument, keeps the batch state and
 * calls the backend through struct pkit_db_ops; a backend sees only
 * well-formed values (normalised serial, bounded UTF-8 text, times filled
 * in) and returns PKIT_OK, PKIT_ERR_EXISTS, PKIT_ERR_NOT_FOUND, or another
 * error with ctx set to "<label>: <what>: <server message>".
 */
#ifndef PKIT_CA_DB_IMPL_H
#define PKIT_CA_DB_IMPL_H

#include "db.h"

struct pkit_db_ops {
	int (*begin)(struct pkit_ctx *, struct pkit_db *);
	int (*commit)(struct pkit_ctx *, struct pkit_db *);
	void (*rollback)(struct pkit_db *);
	int (*cert_put)(struct pkit_ctx *, struct pkit_db *,
	    const struct pkit_db_cert *);
	int (*cert_get)(struct pkit_ctx *, struct pkit_db *, const char *,
	    struct pkit_db_cert **);
	int (*revoke)(struct pkit_ctx *, struct pkit_db *,
	    const struct pkit_db_revocation *);
	int (*is_revoked)(struct pkit_ctx *, struct pkit_db *, const char *,
	    int *);
	/* Returns 1 as soon as the callback returns non-zero. */
	int (*revoked_list)(struct pkit_ctx *, struct pkit_db *, time_t,
	    pkit_db_revoked_cb, void *);
	int (*use_token)(struct pkit_ctx *, struct pkit_db *, const char *,
	    time_t);
	/* Delete at most limit ids expired before now. */
	int (*purge_tokens)(struct pkit_ctx *, struct pkit_db *, time_t,
	    long long, long long *);
	int (*kv_put)(struct pkit_ctx *, struct pkit_db *, const char *,
	    const char *, const void *, size_t, unsigned);
	int (*kv_get)(struct pkit_ctx *, struct pkit_db *, const char *,
	    const char *, unsigned char **, size_t *);
	int (*kv_delete)(struct pkit_ctx *, struct pkit_db *, const char *,
	    const char *);
	void (*close)(struct pkit_db *);
	/* Optional: pkit_db_defer_upkeep() and pkit_db_upkeep(). */
	void (*defer_upkeep)(struct pkit_db *);
	int (*upkeep)(struct pkit_ctx *, struct pkit_db *);
};

struct pkit_db {
	const struct pkit_db_ops *ops;
	void *impl;		/* the backend's state */
	char *label;		/* for messages: path or redacted URL */
	int in_batch;
	int batch_failed;	/* a write of the open batch failed */
	char batch_err[256];	/* its message */
	time_t last_purge;	/* of expired token ids */
	int purge_backlog;	/* the last purge hit its limit */
};

/* Backends: connect, create the schema, prepare the statements, and fill
 * db->ops, db->impl and db->label. */
int pkit_db_sqlite_open(struct pkit_ctx *ctx, const char *dsn,
    struct pkit_db *db);
int pkit_db_postgres_open(struct pkit_ctx *ctx, const char *dsn,
    struct pkit_db *db);

/* Copy a certificate whose fields are borrowed into one allocation. */
int pkit_db_cert_pack(struct pkit_ctx *ctx, const struct pkit_db_cert *in,
    struct pkit_db_cert **out);

#endif

/* acme.h - the ACME server of `pkit ca serve` (RFC 8555), mounted as
 * step-ca mounts it: /acme/{provisioner}/... for each provisioner of type
 * ACME in ca.json.
 *
 * ca.json, per ACME provisioner (step-ca's fields):
 *   "forceCN"      a CSR without a common name gets its first DNS name
 *   "requireEAB"   new accounts must carry an External Account Binding
 *                  made with a key from `pkit ca acme eab add`
 *   "challenges"   the challenge types offered: "http-01", "dns-01",
 *                  "tls-alpn-01" (default: all three)
 *   "claims"       certificate durations, as for any provisioner
 * and one pkit extension, for tests and development only:
 *   "pkitDev": {"http01Port": N, "tlsALPN01Port": N, "resolver": "h:p"}
 *                  validate http-01 on port N instead of 80, tls-alpn-01
 *                  on N instead of 443, and look names and TXT records
 *                  up at that DNS server instead of the system's.
 *
 * State (accounts, orders, authorizations, certificates, EAB keys, nonce
 * replay ids) lives in the CA database's key/value store, so it works on
 * SQLite and PostgreSQL and is shared by several servers on one database.
 * Challenges are validated on worker threads; the client polls.  A new
 * order reuses the account's valid authorizations for its identifiers.
 */
#ifndef PKIT_CA_ACME_H
#define PKIT_CA_ACME_H

#include <stddef.h>

#include <jansson.h>

#include "lib/ca/db.h"
#include "lib/err.h"

struct pkit_ca_server;
struct pkit_ca_authority;

/* Register the ACME routes (and their per-configuration state) on srv.
 * a must outlive srv. */
int pkit_ca_api_acme(struct pkit_ctx *ctx, struct pkit_ca_server *srv,
    struct pkit_ca_authority *a);

/* ---- challenge validation (acme_validate.c) ------------------------------ */

/* Where and how to validate (from the provisioner's "pkitDev"). */
struct pkit_acme_dev {
	int http_port;		/* 0: 80 */
	int tls_port;		/* 0: 443 */
	char resolver[256];	/* "host:port" or "" for the system's */
};

/* Seconds a validation may take, each step. */
#define PKIT_ACME_VALIDATE_TIMEOUT 10

/* Validate a challenge of type ("http-01", "dns-01", "tls-alpn-01") for
 * the DNS name with token and key authorization keyauth.  0 when valid;
 * otherwise an error with the reason in ctx and *ptype the ACME problem
 * type ("connection", "dns", "incorrectResponse", "tls",
 * "unauthorized"). */
int pkit_acme_validate(struct pkit_ctx *ctx, const struct pkit_acme_dev *dev,
    const char *type, const char *name, const char *token,
    const char *keyauth, const char **ptype);

/* ---- External Account Binding keys (acme_eab.c) -------------------------- */

/* Open the database of the ca.json at config (relative paths from base)
 * for its ACME provisioner prov (an error if there is none). */
int pkit_acme_db_open(struct pkit_ctx *ctx, const char *config,
    const char *base, const char *prov, struct pkit_db **out);
/* Add an EAB key to provisioner prov: kid (NULL: a random one) with a new
 * random 32-byte HMAC key.  *kid_out and *hmac_b64 (base64url) are
 * malloc'd; the key is a secret (wipe it). */
int pkit_acme_eab_add(struct pkit_ctx *ctx, struct pkit_db *db,
    const char *prov, const char *kid, char **kid_out, char **hmac_b64);
/* The EAB keys of prov as a JSON array of {"kid","createdAt",
 * "boundAt","account"} (no secrets). */
int pkit_acme_eab_list(struct pkit_ctx *ctx, struct pkit_db *db,
    const char *prov, json_t **out);
/* Remove kid of prov (PKIT_ERR_NOT_FOUND). */
int pkit_acme_eab_remove(struct pkit_ctx *ctx, struct pkit_db *db,
    const char *prov, const char *kid);
/* The HMAC key of kid (*key, *len: a secret) and whether an account is
 * bound to it already (*bound). */
int pkit_acme_eab_get(struct pkit_ctx *ctx, struct pkit_db *db,
    const char *prov, const char *kid, unsigned char **key, size_t *len,
    int *bound);
/* Bind kid to account acc: PKIT_ERR_EXISTS when it is bound already. */
int pkit_acme_eab_bind(struct pkit_ctx *ctx, struct pkit_db *db,
    const char *prov, const char *kid, const char *acc);

#endif

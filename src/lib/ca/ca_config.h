/* ca_config.h - ca.json, the configuration of `pkit ca serve`, in step-ca's
 * format (research/step-ca-api.md §4).
 *
 * pkit_ca_config_parse() reads the document into struct pkit_ca_config and
 * checks it as step-ca does at start-up; the whole document is kept too
 * (doc), so that keys pkit does not model survive pkit_ca_config_encode().
 * Paths are kept as written; pkit_ca_config_path() resolves a relative one
 * against the base directory ($PKITPATH), as step resolves them against
 * $STEPPATH.  Durations are nanoseconds (timeutil.h), 0 meaning "not set".
 */

#ifndef PKIT_CA_CONFIG_H
#define PKIT_CA_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <openssl/x509.h>

#include "lib/err.h"

/* CN of the CA's own TLS certificate when ca.json has no commonName. */
#define PKIT_CA_COMMON_NAME "Step Online CA"
/* authority.backdate when unset. */
#define PKIT_CA_BACKDATE (INT64_C(60) * 1000000000)

/* Claims of a provisioner, or authority-wide.  Durations 0 and flags -1
 * are "not set": the level above decides (pkit_ca_claims_resolve()). */
struct pkit_ca_claims {
	int64_t min_tls, max_tls, default_tls;
	int64_t min_user_ssh, max_user_ssh, default_user_ssh;
	int64_t min_host_ssh, max_host_ssh, default_host_ssh;
	int enable_ssh_ca;
	int disable_renewal;
	int allow_renewal_after_expiry;
	int disable_smallstep_extensions;
};

struct pkit_ca_provisioner {
	char *type;		/* canonical spelling: "JWK", "ACME", "X5C" ... */
	char *name;
	char *id;		/* step's id: "<name>:<kid>" for JWK, ... */
	char *kid;		/* JWK: key.kid ("" when absent); else NULL */
	char *encrypted_key;	/* JWK: encryptedKey, or NULL */
	struct pkit_ca_claims claims;
	json_t *json;		/* the object as ca.json has it */
};

struct pkit_ca_tls {
	char **cipher_suites;	/* as configured (Go names) */
	size_t ncipher_suites;
	char *ciphers;		/* the TLS 1.2 suites in OpenSSL's spelling */
	int min_version;	/* TLS1_2_VERSION or TLS1_3_VERSION */
	int max_version;
	int renegotiation;
};

struct pkit_ca_crl {
	int enabled;
	int generate_on_revoke;
	int64_t cache_duration;	/* 24h when unset */
	int64_t renew_period;
	char *idp_url;
};

/* "ocsp": pkit's OCSP responder (docs/compat.md), off by default. */
struct pkit_ca_ocsp {
	int enabled;
	char *url;		/* AIA OCSP URL in leaves; NULL: the CA's /ocsp */
	char *cert;		/* delegated OCSP signing certificate, or NULL */
	char *key;		/* its key (unencrypted, or with "password") */
	int64_t cache_duration;	/* nextUpdate after thisUpdate; 1h when unset */
};

struct pkit_ca_config {
	char *name;		/* where it came from, for messages */
	char *base;		/* relative paths resolve here; may be NULL */
	char **roots;		/* "root": one string or a list */
	size_t nroots;
	char **federated_roots;
	size_t nfederated_roots;
	char *crt;		/* the issuing CA certificate (and its chain) */
	char *key;		/* its private key */
	char *password;		/* the key's password, or NULL (a secret) */
	char *address;
	char *insecure_address;	/* "" when unset */
	char **dns_names;
	size_t ndns_names;
	char *common_name;
	char *log_format;	/* "text" or "json" */
	char *db_type;		/* NULL when there is no "db" */
	char *db_data_source;
	struct pkit_ca_provisioner *provisioners;	/* known types only */
	size_t nprovisioners;
	struct pkit_ca_claims claims;	/* authority.claims */
	int64_t backdate;
	int disable_issued_at_check;
	struct pkit_ca_tls tls;
	struct pkit_ca_crl crl;
	json_t *doc;		/* the whole document */
	struct pkit_ca_ocsp ocsp;
};

/* Parse and check a ca.json document; name (its file name) is used in
 * messages, base resolves relative paths later (NULL: leave them). */
int pkit_ca_config_parse(struct pkit_ctx *ctx, const void *data, size_t len,
    const char *name, const char *base, struct pkit_ca_config **out);

/* Read path and parse it as above. */
int pkit_ca_config_load(struct pkit_ctx *ctx, const char *path,
    const char *base, struct pkit_ca_config **out);

/* The document with the modelled fields taken from cfg (unknown keys kept,
 * step's key order), indented with tabs and without a final newline, as
 * step writes it.  *out is NUL-terminated; free() it. */
int pkit_ca_config_encode(struct pkit_ctx *ctx, const struct pkit_ca_config *cfg,
    char **out, size_t *len);

/* Encode cfg and write it to path atomically (fs.h flags). */
int pkit_ca_config_write(struct pkit_ctx *ctx, const struct pkit_ca_config *cfg,
    const char *path, unsigned flags);

/* A path of the configuration made absolute against cfg->base; *out is
 * malloc'd. */
int pkit_ca_config_path(struct pkit_ctx *ctx, const struct pkit_ca_config *cfg,
    const char *path, char **out);

/* The certificates of the files paths[0..n-1] (resolved as above), in
 * order, in one new stack. */
int pkit_ca_config_load_certs(struct pkit_ctx *ctx,
    const struct pkit_ca_config *cfg, char **paths, size_t n,
    STACK_OF(X509) **out);

/* The provisioner whose JWK kid is kid, or NULL. */
const struct pkit_ca_provisioner *pkit_ca_config_find_kid(
    const struct pkit_ca_config *cfg, const char *kid);

/* Fill every unset claim from authority (may be NULL), then from step's
 * global defaults (TLS 5m/24h/24h, SSH user 5m/24h/16h, SSH host
 * 5m/720h/720h, flags false), and check 0 < min <= default <= max. */
int pkit_ca_claims_resolve(struct pkit_ctx *ctx,
    const struct pkit_ca_claims *prov, const struct pkit_ca_claims *authority,
    const char *what, struct pkit_ca_claims *out);

/* Free a configuration (wiping the password); NULL is a no-op. */
void pkit_ca_config_free(struct pkit_ca_config *cfg);

#endif

/* authority.h - what the online CA decides (research/step-ca-api.md §2,
 * §6, §7, §8): it validates one-time tokens, applies a provisioner's
 * claims and template, signs, renews, rekeys and revokes, and records
 * what it issued.  The HTTP routes (/sign, /renew, /rekey, /revoke) are
 * in api_sign.c and only translate JSON to these calls and back.
 *
 * Two lifetimes:
 *   struct pkit_ca_authority  one per serving process: its start time
 *                             (tokens issued before it are refused) and,
 *                             when ca.json names no database, the
 *                             in-memory store of used token ids.
 *   struct pkit_ca_auth       one per loaded ca.json (rebuilt on reload):
 *                             parsed provisioner keys, resolved claims,
 *                             templates, audiences, the issuing key and
 *                             the pre-rendered parts of the responses.
 *
 * Refusals.  A decision that refuses fills struct pkit_ca_refusal with
 * the HTTP status and the public message step-ca gives, and leaves the
 * detail for the log in ctx->errbuf (never shown to the client: a token
 * rejected for any reason is a 401 with step's generic text).
 *
 * Threads.  A pkit_ca_auth is read-only once loaded and may be used by
 * every event loop at once; a struct pkit_db handle belongs to one thread.
 */
#ifndef PKIT_CA_AUTHORITY_H
#define PKIT_CA_AUTHORITY_H

#include <stddef.h>
#include <time.h>

#include <jansson.h>
#include <openssl/x509.h>

#include "lib/ca/ca_config.h"
#include "lib/ca/db.h"
#include "lib/err.h"

struct pkit_ca_server;
struct pkit_ca_pki;
struct pkit_ca_authority;
struct pkit_ca_auth;
struct pkit_ca_prov;
struct pkit_ca_csr;

/* OID of step's provisioner extension (research §6). */
#define PKIT_CA_OID_PROVISIONER "1.3.6.1.4.1.37476.9000.64.1"
/* Clock skew allowed on a token's nbf, iat and exp (step-ca: 1 minute). */
#define PKIT_CA_TOKEN_SKEW 60
/* Longest a one-time token may live, exp minus nbf (or iat): step's CLI
 * makes them for 5 minutes and at most 1 hour. */
#define PKIT_CA_TOKEN_MAX_LIFE 3600
/* Largest token accepted. */
#define PKIT_CA_TOKEN_MAX (16 * 1024)

/* Who the token is for: the audience sets of research §2.3. */
enum pkit_ca_aud {
	PKIT_CA_AUD_SIGN,		/* /sign (and /ssh/sign) */
	PKIT_CA_AUD_REVOKE,		/* /revoke */
	PKIT_CA_AUD_RENEW,		/* /renew with a Bearer token */
	PKIT_CA_AUD_SSH_REVOKE,		/* /ssh/revoke */
	PKIT_CA_AUD_SSH_RENEW,		/* /ssh/renew (SSHPOP) */
	PKIT_CA_AUD_SSH_REKEY,		/* /ssh/rekey (SSHPOP) */
	PKIT_CA_AUD_N
};

/* A refusal as step-ca answers it. */
struct pkit_ca_refusal {
	int status;		/* 400, 401, 403, 404, 500, 501 */
	char msg[512];		/* public text; "" means step's default text
				 * for the status (always so for 401) */
};

/* A validated one-time token.  Single use is not checked yet: that is
 * pkit_ca_auth_record()'s (or pkit_ca_auth_revoke()'s) job, atomically with what the
 * token buys. */
struct pkit_ca_ott {
	const struct pkit_ca_prov *prov;	/* its provisioner */
	json_t *claims;		/* every claim (a template's .Token) */
	const char *sub;	/* points into claims */
	char **sans;		/* "sans", or [sub] when absent */
	size_t nsans;
	const char *cnf;	/* cnf["x5rt#S256"], or NULL */
	char id[80];		/* the replay key: "jti:" + hex SHA-256(jti) */
	time_t expires;		/* until when the id must be remembered */
	time_t cred_not_before;	/* X5C: the validity of the token's */
	time_t cred_not_after;	/* certificate, which bounds the new one's */
};

/* A certificate issued but not yet recorded (and not yet returned). */
struct pkit_ca_issued {
	X509 *crt;		/* built in memory: its public key is not
				 * decoded (X509_get0_pubkey() is NULL);
				 * parse der to use it as a certificate */
	unsigned char *der;
	size_t der_len;
	char serial[PKIT_DB_SERIAL_MAX + 1];	/* hex, as the database keys it */
	char *serial_dec;	/* decimal, as step's API shows it */
	char *subject;		/* RFC 2253 text */
	char *sans;		/* JSON array of the SAN values */
	time_t not_before, not_after;
	char *prov_id, *prov_name;	/* NULL when none */
	char token_id[80];	/* to mark used when recording ("" none) */
	time_t token_expires;
};

/* ---- the process-wide authority ---------------------------------------- */

/* A new authority; its start time is now (pkit_now(ctx)). */
int pkit_ca_authority_new(struct pkit_ctx *ctx, struct pkit_ca_authority **out);
/* Free it (after the server that used it); NULL is a no-op. */
void pkit_ca_authority_free(struct pkit_ca_authority *a);

/* Register the certificate routes of a on srv: POST /sign, /renew,
 * /rekey and /revoke (bare and under /1.0), and the extension that builds
 * a pkit_ca_auth for each loaded ca.json.  a must outlive srv. */
int pkit_ca_api_sign(struct pkit_ctx *ctx, struct pkit_ca_server *srv,
    struct pkit_ca_authority *a);

/* ---- one loaded configuration ------------------------------------------- */

/* Build what a decides with from a loaded configuration: JWK keys,
 * claims resolved (provisioner, then authority, then step's defaults),
 * x509 templates (options.x509.template, templateFile, templateData),
 * audiences from dnsNames.  pki must outlive the result. */
int pkit_ca_auth_load(struct pkit_ctx *ctx, struct pkit_ca_authority *a,
    const struct pkit_ca_pki *pki, struct pkit_ca_auth **out);
void pkit_ca_auth_free(struct pkit_ca_auth *auth);

/* The database ca.json names: *type and *dsn (borrowed), or both NULL
 * when there is none.  step's own types (badger, badgerv2, bbolt) keep
 * their directory: pkit's SQLite file pkit.db is made inside it. */
void pkit_ca_auth_db(const struct pkit_ca_auth *auth, const char **type,
    const char **dsn);

/* The database of a configuration as pkit_ca_auth_db() resolves it,
 * without loading keys (for offline commands); both malloc'd.
 * PKIT_ERR_NOT_FOUND when ca.json has no "db". */
int pkit_ca_config_db(struct pkit_ctx *ctx, const struct pkit_ca_config *cfg,
    char **type, char **dsn);

/* The audiences accepted for method, one per line (for tests and logs). */
int pkit_ca_auth_audiences(struct pkit_ctx *ctx, const struct pkit_ca_auth *auth,
    enum pkit_ca_aud method, char **out);

/* ---- tokens (provisioner_jwk.c) ----------------------------------------- */

/* Validate a JWK provisioner's one-time token for method, in step-ca's
 * order (research §2.2): parse; kid names a JWK provisioner; alg is the
 * provisioner key's; the signature verifies; iss is the provisioner's
 * name; aud is one of the method's audiences (ports ignored); sha, when
 * present, is a root's fingerprint; nbf, iat, exp hold with one minute of
 * skew, exp is present and at most PKIT_CA_TOKEN_MAX_LIFE after nbf (or
 * iat); iat is not before the authority started (unless
 * disableIssuedAtCheck); sub and jti are present.  A token with an x5c
 * header is an X5C provisioner's instead: provisioner, chain, signature,
 * iss and aud as pkit_ca_x5c_authorize() says, then the same claims.
 * Any failure is PKIT_ERR_VERIFY (or _EXPIRED) with the reason in ctx. */
int pkit_ca_auth_token(struct pkit_ctx *ctx, const struct pkit_ca_auth *auth,
    const char *token, size_t len, enum pkit_ca_aud method,
    struct pkit_ca_ott **out);
void pkit_ca_ott_free(struct pkit_ca_ott *tok);

/* A provisioner's name and id (for logs). */
const char *pkit_ca_auth_prov_name(const struct pkit_ca_prov *prov);
const char *pkit_ca_auth_prov_id(const struct pkit_ca_prov *prov);

/* ---- CSRs --------------------------------------------------------------- */

/* Read a PEM CSR and check its signature, as step-ca's /sign does: 400
 * "error decoding json" when it does not parse, "invalid csr" when its
 * signature does not verify, a 400 for a key type step-ca does not take
 * (EC, RSA and Ed25519 are taken).  Fast: see authority_x509.c.  auth
 * (may be NULL) lends its curve parameters. */
int pkit_ca_auth_csr_read(struct pkit_ctx *ctx, const struct pkit_ca_auth *auth,
    const char *pem, size_t len, struct pkit_ca_csr **out,
    struct pkit_ca_refusal *why);
/* The CSR's public key (borrowed). */
EVP_PKEY *pkit_ca_auth_csr_key(const struct pkit_ca_csr *csr);
void pkit_ca_auth_csr_free(struct pkit_ca_csr *csr);

/* ---- decisions ----------------------------------------------------------- */

/* The body of a /sign request that the authority uses. */
struct pkit_ca_auth_sign_req {
	struct pkit_ca_csr *csr;	/* read (and checked) above */
	const char *not_before;	/* step's TimeDuration text, or NULL/"" */
	const char *not_after;
	json_t *template_data;	/* the request's templateData, or NULL */
};

/* Issue a certificate for the CSR that tok authorizes (research §2.4):
 * the CSR's key, common name and SANs against the token, cnf, validity
 * against the provisioner's claims, the provisioner's template, the
 * provisioner extension.  Refusals are 400 or 403. */
int pkit_ca_auth_sign(struct pkit_ctx *ctx, const struct pkit_ca_auth *auth,
    const struct pkit_ca_ott *tok, const struct pkit_ca_auth_sign_req *req,
    struct pkit_ca_issued **out, struct pkit_ca_refusal *why);

/* An order's identifiers against the ACME provisioner prov_name's policy
 * and the authority's, before any challenge (step-ca's newOrder check):
 * a 403 refusal naming the first name outside them. */
int pkit_ca_auth_policy_order(struct pkit_ctx *ctx,
    const struct pkit_ca_auth *auth, const char *prov_name,
    const char *const *names, size_t nnames, struct pkit_ca_refusal *why);

/* Issue for an order that a provisioner other than a token one (ACME)
 * has authorized: prov_name names an ACME provisioner, sub is the common
 * name and names the SANs the CSR must have exactly; then as
 * pkit_ca_auth_sign() (claims, template, policy, provisioner extension).
 * Nothing is recorded: the caller records with pkit_ca_auth_record(). */
int pkit_ca_auth_sign_order(struct pkit_ctx *ctx,
    const struct pkit_ca_auth *auth, const char *prov_name, const char *sub,
    char *const *names, size_t nnames, const struct pkit_ca_auth_sign_req *req,
    struct pkit_ca_issued **out, struct pkit_ca_refusal *why);

/* Renew crt (already authenticated: mTLS or a renew token), or rekey it
 * with the key of the CSR rekey (NULL: keep its key), as research §7
 * says: refused (401) when db knows it revoked, when it is not a
 * certificate this CA issued
 * (recorded in db, or without a db signed by one of its intermediates),
 * when its provisioner disables renewal, before its notBefore, and after
 * its notAfter unless allowRenewalAfterExpiry; a new key must pass the
 * /sign key checks (403).  db may be NULL. */
int pkit_ca_auth_renew(struct pkit_ctx *ctx, const struct pkit_ca_auth *auth,
    struct pkit_db *db, X509 *crt, const struct pkit_ca_csr *rekey,
    struct pkit_ca_issued **out, struct pkit_ca_refusal *why);

/* Validate a renew token (research §7.1: "Authorization: Bearer" with an
 * x5cInsecure header) and return the certificate it carries (*crt) and
 * its replay id (*tok, with prov NULL). */
int pkit_ca_auth_renew_token(struct pkit_ctx *ctx,
    const struct pkit_ca_auth *auth, const char *token, size_t len,
    X509 **crt, struct pkit_ca_ott **tok);

/* Record cert: mark its token used and store it, in db (inside or outside
 * a batch) or, without a db, in the authority's memory.  A token already
 * used is a 401 refusal (PKIT_ERR_EXISTS); other failures are 500. */
int pkit_ca_auth_record(struct pkit_ctx *ctx, const struct pkit_ca_auth *auth,
    struct pkit_db *db, const struct pkit_ca_issued *cert,
    struct pkit_ca_refusal *why);

/* What a /revoke request asks. */
struct pkit_ca_auth_revoke_req {
	const char *serial;	/* as sent: decimal, 0x hex, 0o, 0b */
	int reason_code;
	const char *reason;
	const struct pkit_ca_ott *tok;	/* a revoke token, or NULL */
	X509 *peer;		/* the mTLS client certificate, or NULL */
};

/* Revoke (passively) as research §8.1 says: the token's sub, or the
 * client certificate's serial, must be the serial (403); a serial already
 * revoked is a 400; the token is marked used in the same transaction;
 * without a db, 501.  *serial_dec (may be NULL) gets the normalised
 * serial. */
int pkit_ca_auth_revoke(struct pkit_ctx *ctx, const struct pkit_ca_auth *auth,
    struct pkit_db *db, const struct pkit_ca_auth_revoke_req *req,
    char **serial_dec, struct pkit_ca_refusal *why);

/* The JSON body step-ca answers /sign, /renew and /rekey with:
 * {"crt","ca","certChain":[...],"tlsOptions":{...}} and a newline. */
int pkit_ca_auth_response(struct pkit_ctx *ctx, const struct pkit_ca_auth *auth,
    const struct pkit_ca_issued *cert, char **body, size_t *len);

void pkit_ca_issued_free(struct pkit_ca_issued *cert);

/* Issuance policies (policy.h) for the ACME and SSH routes: the names of
 * an X.509 request (subject CN, may be NULL, and SANs as text), or the
 * principals of an SSH certificate (host 1, user 0), against prov's
 * policy (prov may be NULL) and then the authority's.  0 when allowed;
 * else PKIT_ERR_PERM and a 403 whose message names the name refused, as
 * step-ca words it (`dns name "x.example.com" not allowed`). */
int pkit_ca_auth_policy_x509(struct pkit_ctx *ctx,
    const struct pkit_ca_auth *auth, const struct pkit_ca_prov *prov,
    const char *cn, const char *const *sans, size_t nsans,
    struct pkit_ca_refusal *why);
int pkit_ca_auth_policy_ssh(struct pkit_ctx *ctx,
    const struct pkit_ca_auth *auth, const struct pkit_ca_prov *prov,
    int host, const char *const *principals, size_t n,
    struct pkit_ca_refusal *why);

/* ---- helpers ------------------------------------------------------------- */

/* Parse a serial as Go's big.Int SetString(s, 0) does (decimal, 0x, 0o,
 * 0b, leading 0 octal) into decimal (*dec) and database hex (hex). */
int pkit_ca_auth_serial(struct pkit_ctx *ctx, const char *s, char **dec,
    char hex[PKIT_DB_SERIAL_MAX + 1]);

/* The DER value of step's provisioner extension: type (1 JWK ...), name,
 * credential id. */
int pkit_ca_auth_prov_ext(struct pkit_ctx *ctx, int type, const char *name,
    const char *cred, unsigned char **der, size_t *len);

#endif

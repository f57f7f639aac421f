/* authority_ssh.h - what the online CA decides about SSH certificates
 * (research/step-ca-api.md §1.2, §2.2): the SSH CA keys of ca.json's
 * "ssh" block, JWK tokens with the step.ssh claim, SSHPOP tokens (a JWT
 * signed with the key of an SSH certificate this CA issued, the
 * certificate in its "sshpop" header), signing, renewing, rekeying and
 * revoking, and what is recorded in the database's key/value store:
 *
 *   ssh_certs            decimal serial -> certificate blob
 *   revoked_ssh_certs    decimal serial -> {"reasonCode","reason",...}
 *   ssh_host_principals  principal -> {"serial","validBefore"}
 *   ssh_hosts            "list" -> {"<hostname>": validBefore, ...}
 *
 * The routes (api_ssh.c) only translate JSON.  Refusals are as in
 * authority.h: a status and step-ca's public text, the detail in ctx.
 */
#ifndef PKIT_CA_AUTHORITY_SSH_H
#define PKIT_CA_AUTHORITY_SSH_H

#include <stddef.h>
#include <time.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "lib/ca/authority.h"
#include "lib/sshcert.h"

struct pkit_ca_ssh;
struct pkit_ca_ssh_api;
struct pkit_ca_server;

/* Register the SSH routes on srv (api_ssh.c): POST /ssh/sign (and the
 * legacy /sign-ssh), /ssh/renew, /ssh/rekey, /ssh/revoke, /ssh/config,
 * /ssh/config/{type}, /ssh/check-host, /ssh/bastion; GET /ssh/roots,
 * /ssh/federation, /ssh/hosts (and /ssh/get-hosts).  load_key opens
 * the SSH CA keys as the server's opens the intermediate's.  *api is
 * freed with pkit_ca_api_ssh_free() after srv. */
int pkit_ca_api_ssh(struct pkit_ctx *ctx, struct pkit_ca_server *srv,
    struct pkit_ca_authority *a,
    int (*load_key)(void *arg, struct pkit_ctx *ctx,
    const struct pkit_ca_config *cfg, const char *path, EVP_PKEY **out),
    void *load_key_arg, struct pkit_ca_ssh_api **api);
void pkit_ca_api_ssh_free(struct pkit_ca_ssh_api *api);

/* Load the SSH CA keys ca.json's "ssh" names ("hostKey", "userKey",
 * paths resolved against cfg's base) with load_key (which may ask for
 * the password, as for the intermediate).  Without an "ssh" block *out
 * has no keys and every SSH flow answers 501. */
int pkit_ca_ssh_load(struct pkit_ctx *ctx, const struct pkit_ca_config *cfg,
    int (*load_key)(void *arg, struct pkit_ctx *ctx,
    const struct pkit_ca_config *cfg, const char *path, EVP_PKEY **out),
    void *load_key_arg, struct pkit_ca_ssh **out);
void pkit_ca_ssh_free(struct pkit_ca_ssh *ssh);

/* The CA's public keys of type (PKIT_SSHCERT_USER or _HOST), with the
 * non-federated keys of ssh.keys; *n may be 0 (/ssh/roots). */
EVP_PKEY *const *pkit_ca_ssh_keys(const struct pkit_ca_ssh *ssh, int type,
    size_t *n);
/* The CA's own keys of type and the federated ones of ssh.keys
 * (/ssh/federation). */
EVP_PKEY *const *pkit_ca_ssh_federation(const struct pkit_ca_ssh *ssh,
    int type, size_t *n);

/* The body of /ssh/sign that the authority uses. */
struct pkit_ca_ssh_sign_req {
	EVP_PKEY *key;			/* publicKey */
	const char *cert_type;		/* "user", "host", or NULL */
	const char *key_id;		/* NULL: the token's */
	const char *const *principals;	/* none: the token's */
	size_t nprincipals;
	const char *valid_after;	/* TimeDuration text, or NULL */
	const char *valid_before;
	EVP_PKEY *add_user_key;		/* addUserPublicKey, or NULL */
};

/* Sign the certificate a JWK token with the step.ssh claim authorizes:
 * the provisioner must have enableSSHCA (401), the request may not
 * contradict the token (403), the validity must fit the provisioner's
 * SSH claims (403).  *add_user gets the addUserCrt when asked for. */
int pkit_ca_ssh_sign(struct pkit_ctx *ctx, const struct pkit_ca_auth *auth,
    const struct pkit_ca_ssh *ssh, const struct pkit_ca_ott *tok,
    const struct pkit_ca_ssh_sign_req *req, struct pkit_sshcert **out,
    struct pkit_sshcert **add_user, struct pkit_ca_refusal *why);

/* Validate an SSHPOP token for method (PKIT_CA_AUD_SSH_RENEW, _REKEY or
 * _REVOKE): the certificate of its header was signed by one of this CA's
 * keys, is not revoked (db, may be NULL), is valid now, and its key
 * signed the token; iss is an SSHPOP provisioner, aud the method's, sub
 * present, jti its replay id.  *cert is the certificate. */
int pkit_ca_ssh_pop(struct pkit_ctx *ctx, const struct pkit_ca_auth *auth,
    const struct pkit_ca_ssh *ssh, struct pkit_db *db, const char *token,
    size_t len, enum pkit_ca_aud method, struct pkit_sshcert **cert,
    struct pkit_ca_ott **tok, struct pkit_ca_refusal *why);

/* Renew old (authorized by pkit_ca_ssh_pop()), or rekey it with key (not
 * NULL): a host certificate only (400, as step-ca), renewal enabled on
 * the provisioner; the same key id, principals, type and options, a new
 * serial, the same lifetime from now. */
int pkit_ca_ssh_renew(struct pkit_ctx *ctx, const struct pkit_ca_auth *auth,
    const struct pkit_ca_ssh *ssh, const struct pkit_ca_ott *tok,
    const struct pkit_sshcert *old, EVP_PKEY *key,
    struct pkit_sshcert **out, struct pkit_ca_refusal *why);

/* Record certs (n of them, the first is the one asked for) with the
 * token id of tok (may be NULL) marked used, in db (NULL: the
 * authority's memory).  A used token is a 401. */
int pkit_ca_ssh_record(struct pkit_ctx *ctx, const struct pkit_ca_auth *auth,
    struct pkit_db *db, const struct pkit_ca_ott *tok,
    struct pkit_sshcert *const *certs, size_t n, struct pkit_ca_refusal *why);

/* Revoke the SSH certificate serial (decimal) passively; tok's sub must
 * be the serial (403); already revoked: 400; no db: 501. */
int pkit_ca_ssh_revoke(struct pkit_ctx *ctx, const struct pkit_ca_auth *auth,
    struct pkit_db *db, const struct pkit_ca_ott *tok, const char *serial,
    int reason_code, const char *reason, struct pkit_ca_refusal *why);

/* The hosts with a valid host certificate: {"hosts":[{"hid","host_tags",
 * "hostname"}...]} (db NULL: none). */
int pkit_ca_ssh_hosts(struct pkit_ctx *ctx, struct pkit_db *db, json_t **out);

/* 1 when a valid host certificate names principal, else 0 (*exists). */
int pkit_ca_ssh_check_host(struct pkit_ctx *ctx, struct pkit_db *db,
    const char *principal, int *exists);

/* /ssh/config's templates for type "user" or "host":
 * {"userTemplates":[...]} or {"hostTemplates":[...]}. */
int pkit_ca_ssh_config(struct pkit_ctx *ctx, const struct pkit_ca_ssh *ssh,
    const char *type, json_t **out);
/* The same rendered with the request's "data" (an object of strings, or
 * NULL): ca.json's templates.ssh (ssh_templates.h) when it has them,
 * else pkit's own, which use StepPath, Dir, Key and Certificate.  A
 * missing required key or unusable data is a 400 refusal. */
int pkit_ca_ssh_config_data(struct pkit_ctx *ctx,
    const struct pkit_ca_ssh *ssh, const char *type, const json_t *data,
    json_t **out, struct pkit_ca_refusal *why);

#endif

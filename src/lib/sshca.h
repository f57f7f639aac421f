/* sshca.h - the client side of step-ca's SSH API (research/step-ca-api.md
 * §1.2): /ssh/sign, /ssh/renew, /ssh/rekey, /ssh/revoke, /ssh/roots,
 * /ssh/federation, /ssh/hosts, and the SSHPOP tokens that renew, rekey
 * and revoke with a certificate's own key.  Keys and certificates travel
 * as standard base64 of their SSH wire form.
 *
 * An SSHPOP token is a JWT signed with the certificate's private key
 * (ES256/384/512, EdDSA or RS256 as the key is), whose header carries
 * "sshpop": the certificate; claims iss (the SSHPOP provisioner's name),
 * aud <ca>/1.0/ssh/<renew|rekey|revoke>#sshpop/<name>, sub (the
 * certificate's decimal serial), jti, iat, nbf, exp (5 minutes).
 */
#ifndef PKIT_SSHCA_H
#define PKIT_SSHCA_H

#include <stddef.h>
#include <time.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "err.h"
#include "sshcert.h"

struct pkit_ca_client;

/* GET path ("/ssh/roots" or "/ssh/federation"): the user and host CA
 * keys (either list may be empty).  Free them with pkit_sshca_keys_free(). */
int pkit_sshca_roots(struct pkit_ctx *ctx, struct pkit_ca_client *c,
    const char *path, EVP_PKEY ***user, size_t *nuser, EVP_PKEY ***host,
    size_t *nhost);
void pkit_sshca_keys_free(EVP_PKEY **keys, size_t n);

/* What POST /ssh/sign asks for. */
struct pkit_sshca_sign_req {
	EVP_PKEY *key;			/* the key to certify */
	const char *ott;
	int host;			/* a host certificate */
	const char *key_id;
	const char *const *principals;
	size_t nprincipals;
	const char *valid_after;	/* TimeDuration text, or NULL */
	const char *valid_before;
	EVP_PKEY *add_user_key;		/* addUserPublicKey, or NULL */
};

/* POST /ssh/sign; *crt is the certificate (its signature checked), and
 * *add_user (may be NULL) the addUserCrt when one came. */
int pkit_sshca_sign(struct pkit_ctx *ctx, struct pkit_ca_client *c,
    const struct pkit_sshca_sign_req *req, struct pkit_sshcert **crt,
    struct pkit_sshcert **add_user, int *status);

/* An SSHPOP token for method ("renew", "rekey" or "revoke") at ca_url,
 * for provisioner, with cert (a decoded certificate) and key (its
 * private key; PKIT_ERR_MISMATCH when it is not the certificate's). */
int pkit_sshca_pop_token(struct pkit_ctx *ctx, const struct pkit_sshcert *cert,
    EVP_PKEY *key, const char *ca_url, const char *method,
    const char *provisioner, time_t now, char **out);

/* POST /ssh/renew {"ott"}, or with key POST /ssh/rekey {"ott",
 * "publicKey"}: the new certificate. */
int pkit_sshca_renew(struct pkit_ctx *ctx, struct pkit_ca_client *c,
    const char *ott, EVP_PKEY *key, struct pkit_sshcert **out, int *status);

/* POST /ssh/revoke {"serial","ott","reasonCode","reason","passive":true}. */
int pkit_sshca_revoke(struct pkit_ctx *ctx, struct pkit_ca_client *c,
    const char *serial, const char *ott, int reason_code, const char *reason,
    int *status);

/* GET /ssh/hosts: *out is the "hosts" array. */
int pkit_sshca_hosts(struct pkit_ctx *ctx, struct pkit_ca_client *c,
    json_t **out, int *status);

/* POST /ssh/check-host {"type":"host","principal":host}: *exists. */
int pkit_sshca_check_host(struct pkit_ctx *ctx, struct pkit_ca_client *c,
    const char *host, int *exists, int *status);

/* One rendered template of /ssh/config (step's templates.Output). */
struct pkit_sshca_tmpl {
	char *name, *type, *path, *comment;
	unsigned char *content;	/* NUL-terminated; NULL: a directory */
	size_t len;
};

/* POST /ssh/config {"type":"user"|"host","data":data}: the
 * userTemplates or hostTemplates of the answer, in order (*n may be 0).
 * Free them with pkit_sshca_tmpl_free(). */
int pkit_sshca_config(struct pkit_ctx *ctx, struct pkit_ca_client *c,
    int host, const json_t *data, struct pkit_sshca_tmpl **out, size_t *n,
    int *status);
void pkit_sshca_tmpl_free(struct pkit_sshca_tmpl *t, size_t n);

/* Connect to host:port over TCP and copy in_fd to the connection and the
 * connection to out_fd until both directions end (ssh's ProxyCommand). */
int pkit_sshca_relay(struct pkit_ctx *ctx, const char *host,
    const char *port, int in_fd, int out_fd);

/* The name of the first SSHPOP provisioner of list (GET /provisioners),
 * or of the one named name; PKIT_ERR_NOT_FOUND when there is none. */
int pkit_sshca_sshpop_name(struct pkit_ctx *ctx, const json_t *list,
    const char *name, const char **out);

#endif

/* token.h - the client side of step-ca's token flows: one-time tokens
 * (OTT) signed with a JWK provisioner's key, the x5c token that renews an
 * expired certificate, and the request bodies of /sign, /rekey and
 * /revoke that carry them (research/step-ca-api.md §2, §3, §7, §8.1).
 *
 * A token is what `step ca token` prints: a compact JWS with the header
 * {"alg", "kid", "typ": "JWT"} (kid: the provisioner key's RFC 7638
 * thumbprint) and the claims aud, exp, iat, iss, jti, nbf, sans (sign
 * tokens only), sha (when the root is known), sub and, for SSH, step.
 * aud is the CA's https://host[:port] followed by /1.0/sign,
 * /1.0/revoke or /1.0/ssh/sign, as one string.
 */
#ifndef PKIT_CA_TOKEN_H
#define PKIT_CA_TOKEN_H

#include <stddef.h>
#include <time.h>

#include <jansson.h>
#include <openssl/x509.h>

#include "lib/err.h"
#include "lib/jwk.h"

/* Token validity, as step's client enforces it (cli:token/options.go). */
#define PKIT_TOKEN_VALIDITY 300		/* default: 5 minutes */
#define PKIT_TOKEN_MIN_VALIDITY 10
#define PKIT_TOKEN_MAX_VALIDITY 3600
#define PKIT_TOKEN_MAX_DELAY 1800	/* nbf at most 30 minutes ahead */

/* The issuer of x5c renew tokens (step's RenewWithToken). */
#define PKIT_TOKEN_RENEW_ISSUER "step-ca-client/1.0"

enum pkit_token_type {
	PKIT_TOKEN_SIGN,	/* aud /1.0/sign; sub and sans */
	PKIT_TOKEN_REVOKE,	/* aud /1.0/revoke; sub is the serial */
	PKIT_TOKEN_SSH_SIGN,	/* aud /1.0/ssh/sign; the "step" claim */
	PKIT_TOKEN_SSH_REVOKE,	/* aud /1.0/ssh/revoke; sub is the SSH
				   certificate's decimal serial */
};

/* What a token says. */
struct pkit_token_req {
	enum pkit_token_type type;
	const char *ca_url;	/* the CA, https://host[:port] (a path is
				   dropped) */
	const char *issuer;	/* the provisioner's name */
	const char *subject;	/* sign: the common name; revoke: the serial
				   (decimal, or 0x hex: sent as decimal) */
	const char *const *sans;	/* sign: SANs; none means [subject] */
	size_t nsans;
	const char *sha;	/* the root's SHA-256 (hex), or NULL */
	time_t not_before;	/* 0: now */
	time_t not_after;	/* 0: not_before + 5 minutes */
	const json_t *step;	/* the "step" claim (SSH), or NULL */
	const char *jti;	/* NULL: 256 random bits in hex */
};

/* Check a token validity window: not_before at most 30 minutes after
 * now, and 10 seconds to 1 hour long.  0 fields take their defaults (now,
 * not_before + 5 minutes) in *nb and *na.  Messages name --not-before and
 * --not-after. */
int pkit_token_validity(struct pkit_ctx *ctx, time_t not_before,
    time_t not_after, time_t now, time_t *nb, time_t *na);

/* The claims of req at time now, as a JSON object. */
int pkit_token_claims(struct pkit_ctx *ctx, const struct pkit_token_req *req,
    time_t now, json_t **out);

/* Sign the claims of req with key (a private JWK): *out is the compact
 * JWT.  The header's kid is the JWK's "kid", else its thumbprint. */
int pkit_token_sign(struct pkit_ctx *ctx, const struct pkit_jwk_key *key,
    const struct pkit_token_req *req, char **out);

/* The "step" claim of an SSH token: {"ssh": {"certType", "keyID",
 * "principals", "validAfter", "validBefore"}}.  host selects a host
 * certificate; valid_after and valid_before are step's time-durations
 * (RFC 3339 or Go durations, "" or NULL for the CA's defaults). */
int pkit_token_ssh_claim(struct pkit_ctx *ctx, int host, const char *key_id,
    const char *const *principals, size_t n, const char *valid_after,
    const char *valid_before, json_t **out);

/* step's renew token for a certificate that mTLS cannot present (an
 * expired one): header x5cInsecure (chain, leaf first) and kid (the
 * thumbprint of the leaf's key), claims aud <ca_url>/renew, iss
 * step-ca-client/1.0, sub the leaf's common name, iat, nbf, exp (5
 * minutes), no jti.  key must be the leaf's private key. */
int pkit_token_renew(struct pkit_ctx *ctx, STACK_OF(X509) *chain,
    EVP_PKEY *key, const char *ca_url, time_t now, char **out);

/* step's X5C token (generateX5CToken): the claims of req (whose issuer
 * names the X5C provisioner) with "#x5c/<issuer>" after the audience,
 * the header x5c (chain, leaf first) and kid (the thumbprint of the
 * leaf's key), signed with key, which must be the leaf's private key. */
int pkit_token_x5c(struct pkit_ctx *ctx, STACK_OF(X509) *chain,
    EVP_PKEY *key, const struct pkit_token_req *req, char **out);

/* ---- provisioners ---------------------------------------------------- */

/* The JWK provisioners of list (as GET /provisioners returns it) that
 * match name (NULL: any) and kid (NULL: any), in the CA's order, as a
 * new array (holding references to list's objects).  An empty result
 * is not an error here.  With name set and naming a provisioner of
 * another type, the error says that only JWK provisioners mint tokens. */
int pkit_token_provisioners(struct pkit_ctx *ctx, const json_t *list,
    const char *name, const char *kid, json_t **out);

/* The provisioners of list whose type is type (case-insensitive) and
 * whose name is name (NULL: any), as a new array as above. */
int pkit_token_provisioners_typed(struct pkit_ctx *ctx, const json_t *list,
    const char *type, const char *name, json_t **out);

/* The name and kid of a provisioner object (borrowed; "" when absent). */
const char *pkit_token_provisioner_name(const json_t *prov);
const char *pkit_token_provisioner_kid(const json_t *prov);

/* Decrypt a provisioner's encryptedKey (a compact JWE, PBES2) with
 * password into a signing key.  The key must be private and match the
 * provisioner's public key ("key"), else PKIT_ERR_MISMATCH; a wrong
 * password is PKIT_ERR_PASSWORD naming the provisioner. */
int pkit_token_provisioner_key(struct pkit_ctx *ctx, const json_t *prov,
    const char *jwe, const char *password, struct pkit_jwk_key **out);

/* A signing key for prov from a key file's contents (a JWK, an encrypted
 * JWK, a PEM private key; name for messages), checked against the
 * provisioner's public key as above. */
int pkit_token_provisioner_keyfile(struct pkit_ctx *ctx, const json_t *prov,
    const unsigned char *data, size_t len, const char *password,
    const char *name, struct pkit_jwk_key **out);

/* ---- requests -------------------------------------------------------- */

/* A serial number in decimal from s: decimal digits, or hex after "0x"
 * (step-ca parses both and stores decimal). */
int pkit_ca_serial_parse(struct pkit_ctx *ctx, const char *s, char **out);

/* The serial number of crt in decimal. */
int pkit_ca_serial_of(struct pkit_ctx *ctx, X509 *crt, char **out);

/* A revocation reason code from s: 0-10 but 7, or a name such as
 * "KeyCompromise" or "key compromise" (case and spaces ignored). */
int pkit_ca_revoke_reason(struct pkit_ctx *ctx, const char *s, int *code);

/* step's time-duration for a request's notBefore/notAfter: an RFC 3339
 * time (returned in UTC) or a Go duration (returned as Go prints it);
 * what names the flag in messages.  out holds at least 64 bytes. */
int pkit_ca_time_duration(struct pkit_ctx *ctx, const char *s,
    const char *what, char *out, size_t size);

/* A new CSR for key as PEM: subject common name cn (NULL: an empty
 * subject, as step's rekey sends) and the SANs. */
int pkit_ca_csr(struct pkit_ctx *ctx, EVP_PKEY *key, const char *cn,
    const char *const *sans, size_t nsans, char **out);

/* The common name and SANs a token for req needs (step's ca sign): the
 * CN, and the DNS, IP, email and URI SANs of the CSR.  *sans is a JSON
 * array of strings; *cn is NULL when the subject has no CN. */
int pkit_ca_csr_names(struct pkit_ctx *ctx, X509_REQ *req, char **cn,
    json_t **sans);

/* {"csr", "ott", "notBefore", "notAfter"} for POST /sign; not_before and
 * not_after may be NULL (then left out). */
int pkit_ca_sign_body(struct pkit_ctx *ctx, const char *csr_pem,
    const char *ott, const char *not_before, const char *not_after,
    json_t **out);

/* step's templateData (--set-file, --set): the JSON object of file (len
 * bytes; NULL for none; file_name for messages), then each KEY=VALUE of
 * sets, VALUE as JSON when it parses, else as a string.  *out is NULL
 * when there is neither; a --set without '=' is PKIT_ERR_USAGE. */
int pkit_ca_template_data(struct pkit_ctx *ctx, const unsigned char *file,
    size_t len, const char *file_name, const char *const *sets, size_t nsets,
    json_t **out);

/* {"csr"} for POST /rekey. */
int pkit_ca_rekey_body(struct pkit_ctx *ctx, const char *csr_pem,
    json_t **out);

/* {"serial", "ott", "reasonCode", "reason", "passive": true} for POST
 * /revoke; ott NULL or "" for mTLS, reason may be NULL. */
int pkit_ca_revoke_body(struct pkit_ctx *ctx, const char *serial,
    const char *ott, int reason_code, const char *reason, json_t **out);

/* The subject common name of crt as UTF-8 ("" when it has none). */
int pkit_ca_common_name(struct pkit_ctx *ctx, X509 *crt, char **out);

/* The certificates of chain (leaf first) as concatenated PEM. */
int pkit_ca_chain_pem(struct pkit_ctx *ctx, STACK_OF(X509) *chain,
    unsigned char **out, size_t *len);

#endif

/* client.h - a client of the step-ca HTTP API (research/step-ca-api.md).
 *
 * A struct pkit_ca_client talks to one CA over src/lib/http.c.  Its URL is
 * reduced to https://host[:port]: like step, a path in --ca-url is ignored
 * and requests go to the bare routes (/roots, /sign ...).  The CA's TLS
 * certificate is checked against the roots added to the client (never the
 * system store), or not at all for the one request that fetches a root by
 * its fingerprint.  A response of status 400 or more becomes an error whose
 * message is the CA's own ({"status":401,"message":"The request lacked
 * ..."}), after the request's URL.
 *
 * Functions that take an `int *status` set it to the HTTP status whenever
 * a response arrived, on failure too (0: none), so that callers can tell a
 * refusal (4xx) from an outage.
 */
#ifndef PKIT_CA_CLIENT_H
#define PKIT_CA_CLIENT_H

#include <stddef.h>

#include <jansson.h>
#include <openssl/x509.h>

#include "lib/err.h"

struct pkit_http;
struct pkit_ca_client;

/* Files of a client's configuration, relative to $PKITPATH (as step's
 * $STEPPATH). */
#define PKIT_CA_DEFAULTS_FILE "config/defaults.json"
#define PKIT_CA_ROOT_FILE "certs/root_ca.crt"
/* Where `ca bootstrap --federation` saves the federation bundle. */
#define PKIT_CA_FEDERATION_FILE "certs/federation.crt"

/* Hex digits of a SHA-256 fingerprint. */
#define PKIT_CA_FP_LEN 64

/* https://host[:port] from url; no scheme means https, any other scheme
 * than https is refused; the path, query and fragment are dropped. */
int pkit_ca_url_normalize(struct pkit_ctx *ctx, const char *url, char **out);

/* A SHA-256 fingerprint as 64 lower-case hex digits: either case is
 * accepted, and ':' '-' or spaces between digits are dropped. */
int pkit_ca_fingerprint_normalize(struct pkit_ctx *ctx, const char *fp,
    char out[PKIT_CA_FP_LEN + 1]);

/* The SHA-256 fingerprint of crt's DER, as above. */
int pkit_ca_fingerprint(struct pkit_ctx *ctx, X509 *crt,
    char out[PKIT_CA_FP_LEN + 1]);

/* A client of the CA at url, trusting nothing yet. */
int pkit_ca_client_new(struct pkit_ctx *ctx, const char *url,
    struct pkit_ca_client **out);
void pkit_ca_client_free(struct pkit_ca_client *c);
/* The normalised URL, https://host[:port]. */
const char *pkit_ca_client_url(const struct pkit_ca_client *c);
/* The HTTP client underneath (borrowed), for timeouts and retries. */
struct pkit_http *pkit_ca_client_http(struct pkit_ca_client *c);
/* The X-Request-Id of the last request: the CA's echo, or the one sent. */
const char *pkit_ca_client_request_id(const struct pkit_ca_client *c);

/* Trust crt (a root) for the CA's TLS certificate. */
int pkit_ca_client_add_root(struct pkit_ctx *ctx, struct pkit_ca_client *c,
    X509 *crt);
/* Trust every certificate of the PEM or DER file path. */
int pkit_ca_client_load_roots(struct pkit_ctx *ctx, struct pkit_ca_client *c,
    const char *path);
/* Do not check the CA's TLS certificate (only for pkit_ca_root()). */
void pkit_ca_client_set_insecure(struct pkit_ca_client *c);
/* Mutual TLS: present chain (leaf first) and key, as /renew, /rekey and
 * /revoke accept. */
int pkit_ca_client_set_identity(struct pkit_ctx *ctx,
    struct pkit_ca_client *c, STACK_OF(X509) *chain, EVP_PKEY *key);

/* The generic request: method on path ("/sign"), body sent as JSON when
 * not NULL, extra header lines (NULL-terminated, may be NULL).  A 2xx
 * response's JSON body goes to *resp (which may be NULL to ignore it). */
int pkit_ca_client_request(struct pkit_ctx *ctx, struct pkit_ca_client *c,
    const char *method, const char *path, const json_t *body,
    const char *const *headers, json_t **resp, int *status);
/* GET path, as pkit_ca_client_request(). */
int pkit_ca_client_get_json(struct pkit_ctx *ctx, struct pkit_ca_client *c,
    const char *path, json_t **resp, int *status);
/* GET path, as pkit_ca_client_request(), for a body that is not JSON: a
 * 2xx response's body goes to *body (malloc'd, NUL-terminated after
 * *len bytes). */
int pkit_ca_client_get_raw(struct pkit_ctx *ctx, struct pkit_ca_client *c,
    const char *path, unsigned char **body, size_t *len, int *status);
/* POST body to path, as pkit_ca_client_request(). */
int pkit_ca_client_post_json(struct pkit_ctx *ctx, struct pkit_ca_client *c,
    const char *path, const json_t *body, json_t **resp, int *status);

/* GET /root/{fingerprint} and check that the SHA-256 of the returned
 * certificate's DER is fingerprint (compared in constant time).  Use an
 * insecure client: the fingerprint is the trust. */
int pkit_ca_root(struct pkit_ctx *ctx, struct pkit_ca_client *c,
    const char *fingerprint, X509 **out);
/* step's bootstrap: pkit_ca_root() over a connection that checks nothing,
 * then a new connection to url (GET /health) that must validate the CA's
 * TLS certificate against that root.  *out is the root. */
int pkit_ca_bootstrap(struct pkit_ctx *ctx, const char *url,
    const char *fingerprint, X509 **out);
/* GET /roots: the CA's roots. */
int pkit_ca_roots(struct pkit_ctx *ctx, struct pkit_ca_client *c,
    STACK_OF(X509) **out);
/* GET /federation: the roots and the federated roots. */
int pkit_ca_federation(struct pkit_ctx *ctx, struct pkit_ca_client *c,
    STACK_OF(X509) **out);
/* GET /health: *out is the "status" the CA reports ("ok"). */
int pkit_ca_health(struct pkit_ctx *ctx, struct pkit_ca_client *c,
    char **out);
/* GET /version: *out is the CA's version ("0.19.0"). */
int pkit_ca_version(struct pkit_ctx *ctx, struct pkit_ca_client *c,
    char **out);
/* GET /provisioners, every page (limit=100, following nextCursor): *out is
 * the array of provisioner objects as the CA sent them. */
int pkit_ca_provisioners(struct pkit_ctx *ctx, struct pkit_ca_client *c,
    json_t **out);
/* GET /provisioners/{kid}/encrypted-key: *out is the compact JWE. */
int pkit_ca_provisioner_key(struct pkit_ctx *ctx, struct pkit_ca_client *c,
    const char *kid, char **out);
/* POST /sign with req ({"csr","ott",...}); *resp is the CA's answer. */
int pkit_ca_sign(struct pkit_ctx *ctx, struct pkit_ca_client *c,
    const json_t *req, json_t **resp, int *status);
/* POST /renew with an empty body: authenticated by the client identity
 * (mTLS), or by bearer (an x5c token) when not NULL. */
int pkit_ca_renew(struct pkit_ctx *ctx, struct pkit_ca_client *c,
    const char *bearer, json_t **resp, int *status);
/* POST /rekey with req ({"csr"}) over mTLS. */
int pkit_ca_rekey(struct pkit_ctx *ctx, struct pkit_ca_client *c,
    const json_t *req, json_t **resp, int *status);
/* POST /revoke with req ({"serial","ott","reasonCode","reason",
 * "passive":true}); token or mTLS. */
int pkit_ca_revoke(struct pkit_ctx *ctx, struct pkit_ca_client *c,
    const json_t *req, json_t **resp, int *status);
/* The certificates of a /sign, /renew or /rekey answer, leaf first:
 * "certChain", or "crt" then "ca" from older CAs. */
int pkit_ca_sign_response_chain(struct pkit_ctx *ctx, const json_t *resp,
    const char *what, STACK_OF(X509) **out);

/* Read a defaults.json; a file that does not exist reads as {}. */
int pkit_ca_defaults_load(struct pkit_ctx *ctx, const char *path,
    json_t **out);
/* The string value of key in defaults, or NULL (absent, empty, not a
 * string). */
const char *pkit_ca_defaults_get(const json_t *defaults, const char *key);
/* The defaults.json that bootstrap writes: {"ca-url","fingerprint","root"}
 * indented as step does, with a final newline. */
int pkit_ca_defaults_encode(struct pkit_ctx *ctx, const char *url,
    const char *fingerprint, const char *root, char **out, size_t *len);

#endif

/* http.h - an HTTPS client over libcurl (opened lazily, see curl_dl.h).
 *
 * A struct pkit_http holds what the requests of one client share: how the
 * server's certificate is checked (the system store, roots pinned from
 * memory, or not at all), an optional client certificate and key for mutual
 * TLS, timeouts, a limit on response bodies, and how often an idempotent
 * request (GET, HEAD) is retried after a transient failure.  A client keeps
 * its connection open between its own requests; two clients never share a
 * connection or a TLS session, so a check made by one cannot leak into the
 * other.  Only https:// URLs are used, TLS 1.2 at least, and redirects are
 * not followed.  Every request carries "User-Agent: pkit/<version>" and a
 * fresh "X-Request-Id" (a UUID).
 */
#ifndef PKIT_HTTP_H
#define PKIT_HTTP_H

#include <stddef.h>

#include <jansson.h>
#include <openssl/x509.h>

#include "err.h"

#define PKIT_HTTP_MAX_BODY (4u * 1024 * 1024)	/* default response limit */
#define PKIT_HTTP_CONNECT_TIMEOUT_MS 10000L
#define PKIT_HTTP_TIMEOUT_MS 60000L
#define PKIT_HTTP_RETRIES 2			/* GET/HEAD only */

struct pkit_http;

struct pkit_http_request {
	const char *method;		/* "GET" (when NULL), "HEAD", "POST" ... */
	const char *url;		/* https://host[:port]/path[?query] */
	const json_t *json;		/* body sent as application/json, or NULL */
	const void *body;		/* or raw body bytes (json == NULL) */
	size_t len;
	const char *content_type;	/* of a raw body */
	const char *const *headers;	/* NULL-terminated "Name: value" lines */
};

struct pkit_http_response {
	long status;			/* 200, 404 ... */
	char *content_type;		/* NULL when the server sent none */
	char request_id[80];		/* X-Request-Id we sent */
	char server_request_id[80];	/* X-Request-Id of the response, or "" */
	unsigned char *body;		/* NUL-terminated one past len */
	size_t len;
};

/* A new client verifying servers against the system trust store. */
int pkit_http_new(struct pkit_ctx *ctx, struct pkit_http **out);
/* Free the client, wiping the client key it holds; NULL is a no-op. */
void pkit_http_free(struct pkit_http *h);

/* Trust only the given certificate for the servers of this client (call
 * again to add more): the system store is no longer used.  The server's
 * chain must end at one of these and name the URL's host. */
int pkit_http_add_root(struct pkit_ctx *ctx, struct pkit_http *h, X509 *crt);
/* Check neither the server's certificate chain nor its name.  Only for
 * fetching something whose hash is verified afterwards (ca bootstrap). */
void pkit_http_set_insecure(struct pkit_http *h);
/* Present chain (leaf first) and key in the TLS handshake.  The key is
 * kept as PEM in memory that is wiped when the client is freed. */
int pkit_http_set_identity(struct pkit_ctx *ctx, struct pkit_http *h,
    STACK_OF(X509) *chain, EVP_PKEY *key);
/* Timeouts in milliseconds for connecting and for a whole request; 0 keeps
 * the default. */
void pkit_http_set_timeouts(struct pkit_http *h, long connect_ms,
    long total_ms);
/* Refuse response bodies over max bytes (PKIT_ERR_TOO_LARGE). */
void pkit_http_set_max_body(struct pkit_http *h, size_t max);
/* Retry a GET or HEAD up to n times after a transient failure (no
 * connection, timeout, 502/503/504); other methods are never retried. */
void pkit_http_set_retries(struct pkit_http *h, int n);

/* Send req and wait for the response.  0 when a response arrived, whatever
 * its status; PKIT_ERR_NET when none did (the message names the URL and the
 * cause: refused, timed out, certificate not trusted ...). */
int pkit_http_do(struct pkit_ctx *ctx, struct pkit_http *h,
    const struct pkit_http_request *req, struct pkit_http_response **out);
void pkit_http_response_free(struct pkit_http_response *resp);

/* Parse the response body as one JSON value (nothing after it but white
 * space, no duplicate keys); PKIT_ERR_FORMAT naming url otherwise. */
int pkit_http_response_json(struct pkit_ctx *ctx,
    const struct pkit_http_response *resp, const char *url, json_t **out);

/* Percent-encode s for one path segment or query value (RFC 3986: all but
 * ALPHA DIGIT - . _ ~).  *out is malloc'd. */
int pkit_http_escape(struct pkit_ctx *ctx, const char *s, char **out);

#endif

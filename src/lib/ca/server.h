/* server.h - the HTTPS server of `pkit ca serve`.
 *
 * A small HTTP/1.1 server on libevent bufferevents over OpenSSL, one event
 * loop per thread, all threads accepting from one listening socket.  It
 * speaks TLS 1.2 and 1.3 with a certificate it issues itself from the
 * CA's intermediate for ca.json's dnsNames (24 hours, re-issued in the
 * process at two thirds of its life), asks for a client certificate and
 * verifies one if it is given.  Requests are routed through a table of
 * {method, pattern, handler}; each route is served bare and under /1.0
 * as step-ca does, GET routes answer HEAD, errors are step-ca's JSON
 * error bodies.  SIGHUP reloads ca.json (new requests see the new
 * configuration, requests in flight finish with the old one); SIGTERM
 * and SIGINT stop accepting, let requests in flight finish, and return.
 *
 * Handlers run on the event loop threads, so they must be thread-safe.
 * A handler answers with one of the pkit_ca_reply*() functions, either
 * before it returns or later (PKIT_CA_ASYNC) from the same thread, for
 * example from an event it schedules on pkit_ca_req_base(): this is how
 * the authority can reply only after a group commit of its database.
 * State derived from ca.json (parsed provisioner keys, pre-rendered
 * responses) belongs in an extension (pkit_ca_server_extend()), built
 * for each loaded configuration and freed with it.
 */
#ifndef PKIT_CA_SERVER_H
#define PKIT_CA_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <openssl/x509.h>

#include "lib/ca/ca_config.h"
#include "lib/err.h"

struct event_base;
struct pkit_ca_server;
struct pkit_ca_req;

/* One loaded ca.json and what it names.  Immutable once published. */
struct pkit_ca_pki {
	const struct pkit_ca_config *cfg;
	STACK_OF(X509) *roots;		/* "root" */
	STACK_OF(X509) *federated;	/* "federatedRoots" */
	STACK_OF(X509) *intermediates;	/* "crt": the issuing CA first */
	EVP_PKEY *key;			/* the issuing CA's private key */
	char fingerprint[65];		/* hex SHA-256 of the first root */
};

/* A handler's return value. */
#define PKIT_CA_DONE 0		/* it replied */
#define PKIT_CA_ASYNC 1		/* it will reply later, on this thread */

typedef int (*pkit_ca_handler)(struct pkit_ca_req *req, void *arg);

enum pkit_ca_route_flags {
	PKIT_CA_ROUTE_BARE = 1 << 0,	/* not also under /1.0 (ACME, admin) */
};

/* State built from each loaded configuration (see above).  load() runs
 * at start-up and on every reload, before the configuration is
 * published; a failure refuses the configuration. */
struct pkit_ca_ext {
	const char *name;
	int (*load)(struct pkit_ctx *ctx, void *arg,
	    const struct pkit_ca_pki *pki, void **state);
	void (*free)(void *state);
};

enum pkit_ca_log_format {
	PKIT_CA_LOG_CONFIG = 0,	/* ca.json's logger.format */
	PKIT_CA_LOG_TEXT,
	PKIT_CA_LOG_JSON,
};

struct pkit_ca_server_opts {
	const char *config;	/* path of ca.json */
	const char *base;	/* relative paths in it resolve here */
	const char *address;	/* overrides ca.json's address, or NULL */
	enum pkit_ca_log_format log_format;
	int threads;		/* event loops; 0: one per online CPU */
	int64_t read_timeout;	/* ns to receive a request (and the TLS
				 * handshake); 0: 15s */
	int64_t write_timeout;	/* ns a response may stall; 0: 15s */
	int64_t idle_timeout;	/* ns a kept-alive connection may idle; 0: 120s */
	int64_t tls_lifetime;	/* ns of the server certificate; 0: 24h */
	size_t max_body;	/* request body limit; 0: 1 MiB */
	size_t max_conns;	/* connections at once; 0: from RLIMIT_NOFILE */
	int signals;		/* handle SIGTERM, SIGINT and SIGHUP */
	/* Load the issuing CA's key (path resolved) for cfg, e.g. asking for
	 * its password; NULL: the key must be unencrypted or cfg->password
	 * must open it. */
	int (*load_key)(void *arg, struct pkit_ctx *ctx,
	    const struct pkit_ca_config *cfg, const char *path, EVP_PKEY **out);
	void *load_key_arg;
	/* Log lines (access log and events), without the last newline:
	 * one, or several held by pkit_ca_log_hold(); write them at once. */
	void (*log)(void *arg, const char *line);
	void *log_arg;
	/* Called once, when the server listens on address. */
	void (*ready)(void *arg, const char *address,
	    const struct pkit_ca_pki *pki);
	void *ready_arg;
};

/* A server with no routes yet.  opts is copied. */
int pkit_ca_server_new(struct pkit_ctx *ctx,
    const struct pkit_ca_server_opts *opts, struct pkit_ca_server **out);

/* Route method ("GET", "POST" ...) and pattern to fn.  A pattern is
 * '/'-separated segments: literal, "{name}" (one segment, read with
 * pkit_ca_req_param()) or a final "*" (the rest).  GET routes answer
 * HEAD too.  Call before pkit_ca_server_run(). */
int pkit_ca_server_route(struct pkit_ca_server *srv, const char *method,
    const char *pattern, unsigned flags, pkit_ca_handler fn, void *arg);

/* Add an extension; *id is for pkit_ca_req_ext().  Before run. */
int pkit_ca_server_extend(struct pkit_ca_server *srv,
    const struct pkit_ca_ext *ext, void *arg, int *id);

/* Load the configuration, listen, serve until stopped, drain, return 0.
 * Errors before serving (configuration, keys, address) are returned. */
int pkit_ca_server_run(struct pkit_ctx *ctx, struct pkit_ca_server *srv);

/* From any thread: stop (as SIGTERM), or reload ca.json (as SIGHUP). */
void pkit_ca_server_stop(struct pkit_ca_server *srv);
void pkit_ca_server_reload(struct pkit_ca_server *srv);

/* Free a stopped server; NULL is a no-op. */
void pkit_ca_server_free(struct pkit_ca_server *srv);

/* The read-only routes (api_static.c): /health, /version, /root/{sha},
 * /roots, /roots.pem, /intermediates, /intermediates.pem, /federation,
 * /provisioners, /provisioners/{kid}/encrypted-key. */
int pkit_ca_api_static(struct pkit_ctx *ctx, struct pkit_ca_server *srv);

/* ---- inside a handler ------------------------------------------------ */

/* The method as sent: "GET", "HEAD", "POST" ... */
const char *pkit_ca_req_method(const struct pkit_ca_req *req);
/* The decoded path, without the /1.0 prefix. */
const char *pkit_ca_req_path(const struct pkit_ca_req *req);
/* The value of {name} in the route's pattern (decoded), or NULL. */
const char *pkit_ca_req_param(const struct pkit_ca_req *req, const char *name);
/* The first value of a query parameter (decoded), or NULL. */
const char *pkit_ca_req_query(struct pkit_ca_req *req, const char *name);
/* A request header (case-insensitive name), or NULL. */
const char *pkit_ca_req_header(const struct pkit_ca_req *req, const char *name);
/* The body (NUL-terminated after *len bytes; empty when there is none). */
const unsigned char *pkit_ca_req_body(const struct pkit_ca_req *req,
    size_t *len);
/* The client's certificate, verified in the handshake, or NULL; and the
 * chain it was verified with (leaf first, root last), or NULL. */
X509 *pkit_ca_req_peer(const struct pkit_ca_req *req);
STACK_OF(X509) *pkit_ca_req_peer_chain(const struct pkit_ca_req *req);
/* The configuration this request is served with. */
const struct pkit_ca_pki *pkit_ca_req_pki(const struct pkit_ca_req *req);
/* An extension's state for that configuration. */
void *pkit_ca_req_ext(const struct pkit_ca_req *req, int id);
/* This thread's library context and event loop. */
struct pkit_ctx *pkit_ca_req_ctx(const struct pkit_ca_req *req);
struct event_base *pkit_ca_req_base(const struct pkit_ca_req *req);
/* The request id (X-Request-Id, echoed or generated). */
const char *pkit_ca_req_id(const struct pkit_ca_req *req);
/* Add a field to the request's access log line (never a secret). */
void pkit_ca_req_log(struct pkit_ca_req *req, const char *key,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Hold this thread's log lines until pkit_ca_log_release(), which passes
 * them to the log in one call: for a loop answering a batch of requests,
 * one write instead of one per request.  Nests. */
void pkit_ca_log_hold(void);
void pkit_ca_log_release(void);

/* Reply with body bytes; ctype may be NULL.  Exactly one reply per
 * request; after it the request belongs to the server again. */
void pkit_ca_reply(struct pkit_ca_req *req, int status, const char *ctype,
    const void *body, size_t len);
/* As pkit_ca_reply(), with extra header lines ("Name: value", NULL
 * terminated; never text from the request). */
void pkit_ca_reply_headers(struct pkit_ca_req *req, int status,
    const char *ctype, const char *const *headers, const void *body,
    size_t len);
/* Reply with a JSON document, taking the reference to body. */
void pkit_ca_reply_json(struct pkit_ca_req *req, int status, json_t *body);
/* Reply with step-ca's error body {"status":N,"message":"..."}.  With fmt
 * NULL the message is step-ca's default for the status; otherwise 400 and
 * 403 get step's prefix ("The request could not be completed: %s.") and
 * the others the text as it is. */
void pkit_ca_reply_error(struct pkit_ca_req *req, int status,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif

/* server.c - the HTTPS server of `pkit ca serve`: listening socket, event
 * loop threads, TLS (and the server's own certificate), HTTP/1.1,
 * routing, access log, reload and drain.  See server.h.
 *
 * Threads.  The main thread loads the configuration, binds, issues the
 * TLS certificate and then only waits: for signals, for the certificate's
 * renewal time, for stop and reload requests.  Each worker thread runs an
 * event loop that accepts from the shared listening socket (one
 * connection per wake-up, so that idle loops take turns) and serves its
 * connections to the end.  The current configuration (struct snap) and
 * SSL_CTX are swapped under srv->lock; a request holds a reference to the
 * snapshot it started with.
 *
 * A connection goes HANDSHAKE -> IDLE -> HEAD -> BODY -> HANDLER -> IDLE
 * ... and ends in CLOSING (output flushing) or LINGER (discarding what
 * the client still sends after an error answer).  One timer per
 * connection bounds the handshake plus a request (read timeout), the wait
 * between requests (idle timeout) and the lingering; the bufferevent's
 * write timeout bounds a stalled response.
 */
#include "config.h"

#include <sys/queue.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/thread.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>

#include "lib/ca/server.h"
#include "lib/codec.h"
#include "lib/fs.h"
#include "lib/key.h"
#include "lib/rand.h"
#include "lib/secret.h"
#include "lib/timeutil.h"
#include "lib/x509.h"
#include "lib/x509_build.h"

#define SEC PKIT_NS_PER_SEC
#define MAX_HEAD (64 * 1024)	/* request line and headers */
#define MAX_HEADERS 100
#define MAX_PARAMS 8
#define MAX_ROUTE_SEGS 16
#define MAX_REQUEST_ID 128
#define OUT_HIGH (256 * 1024)	/* unsent output that pauses pipelining */
#define LINGER_MS 500
#define EXTRA_HEADERS 4

/* ---- types ------------------------------------------------------------ */

struct route {
	char *method;
	char **segs;
	size_t nsegs;
	unsigned flags;
	pkit_ca_handler fn;
	void *arg;
};

struct ext {
	struct pkit_ca_ext ext;
	void *arg;
};

/* One loaded configuration, shared by the requests that use it. */
struct snap {
	struct pkit_ca_pki pki;
	struct pkit_ca_config *cfg;
	char *crt_path, *key_path;	/* resolved, to reuse the key on reload */
	void **ext_state;
	size_t next;
	int json_log;
	int refs;			/* under srv->lock */
};

enum conn_state {
	ST_HANDSHAKE,
	ST_IDLE,
	ST_HEAD,
	ST_BODY,
	ST_HANDLER,
	ST_CLOSING,
	ST_LINGER,
};

struct pkit_ca_req;

struct conn {
	struct conn *next, *prev;
	struct worker *w;
	struct bufferevent *bev;
	struct event *timer;
	struct pkit_ca_req *req;
	enum conn_state state;
	char addr[INET6_ADDRSTRLEN + 8];	/* "ip:port" */
	char ip[INET6_ADDRSTRLEN];
	size_t head_bytes;
	size_t scanned;		/* input known to hold no end of line */
	int nheaders;
	int blank_lines;
	int keepalive;
	int linger;		/* after CLOSING, discard input for a while */
	int paused;		/* reading stopped until output drains */
	int in_dispatch;	/* a handler runs: replies do not continue */
	int busy;		/* on the stack: conn_free() only marks dead */
	int in_process;		/* conn_process()'s loop will read on */
	int dead;
	/* body */
	int chunked;
	int chunk_state;
	uint64_t body_left;
	struct evbuffer *body;
};

struct kv {
	char *key, *value;
};

struct pkit_ca_req {
	struct conn *conn;	/* NULL once the connection is gone */
	struct worker *w;
	struct snap *snap;
	const struct route *route;
	char *method;
	char *target;		/* as sent, for the log */
	char *path;		/* decoded */
	const char *route_path;	/* path without /1.0 */
	char *query;		/* raw, after '?', or NULL */
	struct kv *qargs;
	size_t nqargs;
	int qparsed;
	int minor;		/* HTTP/1.minor */
	int head;
	struct evkeyvalq headers;
	struct kv params[MAX_PARAMS];
	size_t nparams;
	unsigned char *body;
	size_t body_len;
	X509 *peer;
	STACK_OF(X509) *chain;
	char id[MAX_REQUEST_ID + 1];
	struct timespec start;
	struct kv *logf;
	size_t nlogf;
	int replied;
	int status;
	size_t size;
};

struct worker {
	struct pkit_ca_server *srv;
	pthread_t th;
	int started;
	struct event_base *base;
	int lfd;
	struct event *accept_ev;
	struct event *resume_ev;	/* accepting again after EMFILE */
	struct event *ctl_ev;		/* the main thread asks to drain */
	struct event *drain_ev;		/* drain deadline */
	const struct timeval *read_tv, *idle_tv;
	struct timeval write_tv;
	struct conn *conns;
	size_t nconns, max_conns;
	atomic_long load;		/* nconns + connections handed over */
	int accepting;
	int draining;
	size_t orphans;			/* async requests whose connection went */
	struct pkit_ctx ctx;
	time_t date_t;
	char date[40];
};

struct pkit_ca_server {
	struct pkit_ca_server_opts o;
	char *config, *base_dir, *address;
	struct route *routes;
	size_t nroutes;
	struct ext *exts;
	size_t nexts;
	pthread_mutex_t lock;
	struct snap *snap;		/* current, under lock */
	SSL_CTX *ssl;			/* current, under lock */
	time_t tls_not_after;		/* under lock */
	time_t tls_margin;		/* renew on accept this close to the end */
	int renew_asked;		/* under lock */
	struct event_base *base;
	struct event *sig[3];
	struct event *stop_ev, *reload_ev, *renew_ev, *renew_timer;
	struct worker *workers;
	int nworkers;
	int lfd;
	int stopping;
	char bound[INET6_ADDRSTRLEN + 8];
	struct pkit_ctx *ctx;		/* the main thread's */
};

/* ---- small helpers ------------------------------------------------------ */

static int64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * SEC + ts.tv_nsec;
}

static struct timeval
ns_tv(int64_t ns)
{
	struct timeval tv;

	tv.tv_sec = (time_t)(ns / SEC);
	tv.tv_usec = (suseconds_t)((ns % SEC) / 1000);
	return tv;
}

static const char *
reason(int status)
{
	switch (status) {
	case 100: return "Continue";
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 301: return "Moved Permanently";
	case 302: return "Found";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 409: return "Conflict";
	case 411: return "Length Required";
	case 412: return "Precondition Failed";
	case 413: return "Request Entity Too Large";
	case 414: return "Request URI Too Long";
	case 415: return "Unsupported Media Type";
	case 417: return "Expectation Failed";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	default: return "Unknown";
	}
}

/* ---- logging ------------------------------------------------------------ */

struct field {
	const char *key;
	const char *value;
	int number;		/* print unquoted in JSON */
};

static int
field_cmp(const void *a, const void *b)
{
	return strcmp(((const struct field *)a)->key,
	    ((const struct field *)b)->key);
}

/* How many bytes from p go into a log value as they are: up to a NUL,
 * '"', '\\', a control character, DEL, or (unless utf8_ok) a byte over
 * 0x7f: the callers add those in one piece, not a byte at a time. */
static size_t
plain_run(const unsigned char *p, int utf8_ok)
{
	const unsigned char *q = p;

	while (*q != '\0' && *q != '"' && *q != '\\' && *q >= 0x20 &&
	    *q != 0x7f && (*q < 0x80 || utf8_ok))
		q++;
	return (size_t)(q - p);
}

/* Append s to buf escaped, so that no client input can forge a line:
 * '"' and '\\' get a backslash; in JSON (a string's inside) the other
 * escapes are \uNNNN, in logrus's text format \n, \t and \xNN.  Bytes
 * over 0x7f are escaped too unless utf8_ok. */
static void
escape_value(struct evbuffer *buf, const char *s, int utf8_ok, int json)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		size_t n = plain_run(p, utf8_ok);

		evbuffer_add(buf, p, n);
		if (*(p += n) == '\0')
			break;
		if (*p == '"' || *p == '\\')
			evbuffer_add_printf(buf, "\\%c", *p);
		else if (json)
			evbuffer_add_printf(buf, "\\u%04x", *p);
		else if (*p == '\n')
			evbuffer_add(buf, "\\n", 2);
		else if (*p == '\t')
			evbuffer_add(buf, "\\t", 2);
		else
			evbuffer_add_printf(buf, "\\x%02x", *p);
	}
}

/* A text-format value, in double quotes when quote is set. */
static void
append_escaped(struct evbuffer *buf, const char *s, int quote, int utf8_ok)
{
	if (quote)
		evbuffer_add(buf, "\"", 1);
	escape_value(buf, s, utf8_ok, 0);
	if (quote)
		evbuffer_add(buf, "\"", 1);
}

/* logrus quotes a value unless it is made of these characters only. */
static int
needs_quote(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr("-._/@^+", *s) == NULL)
			return 1;
	return 0;
}

/* The log lines this thread holds (pkit_ca_log_hold()). */
static _Thread_local struct {
	int depth;
	struct evbuffer *buf;
	struct pkit_ca_server *srv;
} held;

/* Pass buf's lines to the log in one call. */
static void
log_write(struct pkit_ca_server *srv, struct evbuffer *buf)
{
	size_t len = evbuffer_get_length(buf);
	char *line;

	if (len == 0 || (line = malloc(len + 1)) == NULL)
		return;
	evbuffer_remove(buf, line, len);
	line[len] = '\0';
	srv->o.log(srv->o.log_arg, line);
	free(line);
}

static void
log_flush_held(void)
{
	if (held.srv != NULL && held.buf != NULL)
		log_write(held.srv, held.buf);
	held.srv = NULL;
}

/* One line in logrus's text or JSON format: time, level and msg first,
 * then the fields sorted by key.  Values from clients are escaped. */
static void
log_line(struct pkit_ca_server *srv, int json, const char *level,
    const char *msg, struct field *f, size_t n)
{
	struct evbuffer *buf;
	char when[32];
	size_t i;

	if (srv->o.log == NULL || (buf = evbuffer_new()) == NULL)
		return;
	pkit_time_format(time(NULL), when, sizeof(when));
	if (n > 0)
		qsort(f, n, sizeof(*f), field_cmp);
	if (json) {
		/* Go's encoding/json sorts map keys: all of them. */
		struct field all[64];
		size_t m = 0;

		all[m++] = (struct field){ "level", level, 0 };
		if (msg != NULL)
			all[m++] = (struct field){ "msg", msg, 0 };
		all[m++] = (struct field){ "time", when, 0 };
		for (i = 0; i < n && m < 64; i++)
			all[m++] = f[i];
		qsort(all, m, sizeof(*all), field_cmp);
		evbuffer_add(buf, "{", 1);
		for (i = 0; i < m; i++) {
			if (i > 0)
				evbuffer_add(buf, ",", 1);
			evbuffer_add(buf, "\"", 1);
			evbuffer_add(buf, all[i].key, strlen(all[i].key));
			evbuffer_add(buf, "\":", 2);
			if (all[i].number)
				evbuffer_add(buf, all[i].value,
				    strlen(all[i].value));
			else {
				evbuffer_add(buf, "\"", 1);
				escape_value(buf, all[i].value,
				    strcmp(all[i].key, "duration") == 0, 1);
				evbuffer_add(buf, "\"", 1);
			}
		}
		evbuffer_add(buf, "}", 1);
	} else {
		evbuffer_add_printf(buf, "time=\"%s\" level=%s", when, level);
		if (msg != NULL) {
			evbuffer_add(buf, " msg=", 5);
			append_escaped(buf, msg, needs_quote(msg), 0);
		}
		for (i = 0; i < n; i++) {
			evbuffer_add(buf, " ", 1);
			evbuffer_add(buf, f[i].key, strlen(f[i].key));
			evbuffer_add(buf, "=", 1);
			append_escaped(buf, f[i].value, needs_quote(f[i].value),
			    strcmp(f[i].key, "duration") == 0);
		}
	}
	if (held.depth > 0 && (held.buf != NULL ||
	    (held.buf = evbuffer_new()) != NULL)) {
		if (held.srv != NULL && held.srv != srv)
			log_flush_held();
		held.srv = srv;
		if (evbuffer_get_length(held.buf) > 0)
			evbuffer_add(held.buf, "\n", 1);
		evbuffer_add_buffer(held.buf, buf);
	} else
		log_write(srv, buf);
	evbuffer_free(buf);
}

void
pkit_ca_log_hold(void)
{
	held.depth++;
}

void
pkit_ca_log_release(void)
{
	if (held.depth > 0 && --held.depth == 0) {
		log_flush_held();
		evbuffer_free(held.buf);
		held.buf = NULL;
	}
}

static int
snap_json_log(struct pkit_ca_server *srv)
{
	int json = 0;

	pthread_mutex_lock(&srv->lock);
	if (srv->snap != NULL)
		json = srv->snap->json_log;
	else
		json = srv->o.log_format == PKIT_CA_LOG_JSON;
	pthread_mutex_unlock(&srv->lock);
	return json;
}

/* An event (not a request): start, reload, renewal, handshake errors. */
static void
log_event(struct pkit_ca_server *srv, const char *level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
log_event(struct pkit_ca_server *srv, const char *level, const char *fmt, ...)
{
	char msg[1536];
	va_list ap;

	if (srv->o.log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_line(srv, snap_json_log(srv), level, msg, NULL, 0);
}

static void
log_request(struct pkit_ca_req *req)
{
	struct pkit_ca_server *srv = req->w->srv;
	struct field f[64];
	char dur[64], durns[32], size[32], status[32];
	const char *ua, *ref, *uid;
	int64_t ns;
	size_t n = 0, i;

	if (srv->o.log == NULL)
		return;
	ns = mono_ns() - ((int64_t)req->start.tv_sec * SEC + req->start.tv_nsec);
	pkit_duration_format(ns, dur, sizeof(dur));
	snprintf(durns, sizeof(durns), "%lld", (long long)ns);
	snprintf(size, sizeof(size), "%zu", req->size);
	snprintf(status, sizeof(status), "%d", req->status);
	ua = evhttp_find_header(&req->headers, "User-Agent");
	ref = evhttp_find_header(&req->headers, "Referer");
	uid = "";
	f[n++] = (struct field){ "duration", dur, 0 };
	f[n++] = (struct field){ "duration-ns", durns, 1 };
	f[n++] = (struct field){ "method", req->method, 0 };
	f[n++] = (struct field){ "name", "ca", 0 };
	f[n++] = (struct field){ "path", req->target, 0 };
	f[n++] = (struct field){ "protocol",
	    req->minor == 0 ? "HTTP/1.0" : "HTTP/1.1", 0 };
	f[n++] = (struct field){ "referer", ref != NULL ? ref : "", 0 };
	f[n++] = (struct field){ "remote-address",
	    req->conn != NULL ? req->conn->ip : "", 0 };
	f[n++] = (struct field){ "request-id", req->id, 0 };
	f[n++] = (struct field){ "size", size, 1 };
	f[n++] = (struct field){ "status", status, 1 };
	f[n++] = (struct field){ "user-agent", ua != NULL ? ua : "", 0 };
	f[n++] = (struct field){ "user-id", uid, 0 };
	for (i = 0; i < req->nlogf && n < 64; i++)
		f[n++] = (struct field){ req->logf[i].key, req->logf[i].value, 0 };
	log_line(srv, req->snap != NULL ? req->snap->json_log :
	    srv->o.log_format == PKIT_CA_LOG_JSON,
	    req->status >= 500 ? "error" : req->status >= 400 ? "warning" :
	    "info", NULL, f, n);
}

/* ---- configuration snapshots -------------------------------------------- */

static void
snap_free(struct pkit_ca_server *srv, struct snap *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; s->ext_state != NULL && i < srv->nexts; i++)
		if (s->ext_state[i] != NULL && srv->exts[i].ext.free != NULL)
			srv->exts[i].ext.free(s->ext_state[i]);
	free(s->ext_state);
	sk_X509_pop_free(s->pki.roots, X509_free);
	sk_X509_pop_free(s->pki.federated, X509_free);
	sk_X509_pop_free(s->pki.intermediates, X509_free);
	EVP_PKEY_free(s->pki.key);
	pkit_ca_config_free(s->cfg);
	free(s->crt_path);
	free(s->key_path);
	free(s);
}

static struct snap *
snap_get(struct pkit_ca_server *srv)
{
	struct snap *s;

	pthread_mutex_lock(&srv->lock);
	if ((s = srv->snap) != NULL)
		s->refs++;
	pthread_mutex_unlock(&srv->lock);
	return s;
}

static void
snap_put(struct pkit_ca_server *srv, struct snap *s)
{
	int last;

	if (s == NULL)
		return;
	pthread_mutex_lock(&srv->lock);
	last = --s->refs == 0;
	pthread_mutex_unlock(&srv->lock);
	if (last)
		snap_free(srv, s);
}

static int
load_key(struct pkit_ctx *ctx, struct pkit_ca_server *srv,
    const struct pkit_ca_config *cfg, const char *path, EVP_PKEY **out)
{
	unsigned char *data = NULL;
	size_t len = 0;
	int r;

	if (srv->o.load_key != NULL)
		return srv->o.load_key(srv->o.load_key_arg, ctx, cfg, path, out);
	if ((r = pkit_file_read(ctx, path, 1024 * 1024, &data, &len)) != 0)
		return r;
	r = pkit_key_parse_private(ctx, data, len, cfg->password, path, out);
	pkit_secret_free(data, len);
	return r;
}

/* Load ca.json and everything it names into a new snapshot; old (may be
 * NULL) lends its key when the key and certificate files are the same. */
static int
snap_load(struct pkit_ctx *ctx, struct pkit_ca_server *srv,
    const struct snap *old, struct snap **out)
{
	struct snap *s;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char *hex = NULL;
	size_t i;
	int r = PKIT_ERR_INTERNAL;

	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return pkit_seterr_nomem(ctx);
	s->refs = 1;
	if ((r = pkit_ca_config_load(ctx, srv->config, srv->base_dir, &s->cfg)) != 0)
		goto out;
	s->pki.cfg = s->cfg;
	s->json_log = srv->o.log_format == PKIT_CA_LOG_CONFIG ?
	    strcmp(s->cfg->log_format, "json") == 0 :
	    srv->o.log_format == PKIT_CA_LOG_JSON;
	if ((r = pkit_ca_config_load_certs(ctx, s->cfg, s->cfg->roots,
	    s->cfg->nroots, &s->pki.roots)) != 0 ||
	    (r = pkit_ca_config_load_certs(ctx, s->cfg, s->cfg->federated_roots,
	    s->cfg->nfederated_roots, &s->pki.federated)) != 0 ||
	    (r = pkit_ca_config_load_certs(ctx, s->cfg, &s->cfg->crt, 1,
	    &s->pki.intermediates)) != 0 ||
	    (r = pkit_ca_config_path(ctx, s->cfg, s->cfg->crt,
	    &s->crt_path)) != 0 ||
	    (r = pkit_ca_config_path(ctx, s->cfg, s->cfg->key,
	    &s->key_path)) != 0)
		goto out;
	if (old != NULL && strcmp(old->key_path, s->key_path) == 0 &&
	    X509_cmp(sk_X509_value(old->pki.intermediates, 0),
	    sk_X509_value(s->pki.intermediates, 0)) == 0) {
		if (!EVP_PKEY_up_ref(old->pki.key)) {
			r = pkit_seterr_nomem(ctx);
			goto out;
		}
		s->pki.key = old->pki.key;
	} else if ((r = load_key(ctx, srv, s->cfg, s->key_path,
	    &s->pki.key)) != 0)
		goto out;
	if (X509_check_private_key(sk_X509_value(s->pki.intermediates, 0),
	    s->pki.key) != 1) {
		ERR_clear_error();
		r = pkit_seterr(ctx, PKIT_ERR_MISMATCH,
		    "%s: the key does not match the certificate %s",
		    s->key_path, s->crt_path);
		goto out;
	}
	if (!X509_digest(sk_X509_value(s->pki.roots, 0), EVP_sha256(), md,
	    &mdlen)) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "root fingerprint");
		goto out;
	}
	if ((r = pkit_hex_encode(ctx, md, mdlen, 0, &hex)) != 0)
		goto out;
	snprintf(s->pki.fingerprint, sizeof(s->pki.fingerprint), "%s", hex);
	if (srv->nexts > 0 &&
	    (s->ext_state = calloc(srv->nexts, sizeof(void *))) == NULL) {
		r = pkit_seterr_nomem(ctx);
		goto out;
	}
	for (i = 0; i < srv->nexts; i++)
		if ((r = srv->exts[i].ext.load(ctx, srv->exts[i].arg, &s->pki,
		    &s->ext_state[i])) != 0)
			goto out;
	*out = s;
	s = NULL;
	r = PKIT_OK;
out:
	free(hex);
	snap_free(srv, s);
	return r;
}

/* ---- the server's TLS certificate --------------------------------------- */

/* A new P-256 key and a certificate for it from the issuing CA, made as
 * step-ca makes its own (authority.GetTLSCertificate): step's default leaf
 * template with CN = commonName and SANs = dnsNames (a bracketed IPv6
 * address as an IP), valid from a minute ago for lifetime. */
static int
issue_leaf(struct pkit_ctx *ctx, const struct pkit_ca_pki *pki,
    int64_t lifetime, X509 **crt_out, EVP_PKEY **key_out, time_t *not_after)
{
	struct pkit_keyspec spec = { "EC", "P-256", 0, 0 };
	const struct pkit_ca_config *cfg = pki->cfg;
	struct pkit_x509_issue in;
	json_t *data = NULL, *tmpl = NULL;
	EVP_PKEY *key = NULL;
	X509 *crt = NULL;
	char **sans = NULL;
	time_t now = time(NULL);
	size_t i, len;
	int r;

	if ((sans = calloc(cfg->ndns_names, sizeof(*sans))) == NULL)
		return pkit_seterr_nomem(ctx);
	for (i = 0; i < cfg->ndns_names; i++) {
		len = strlen(cfg->dns_names[i]);
		if (len > 2 && cfg->dns_names[i][0] == '[' &&
		    cfg->dns_names[i][len - 1] == ']')
			sans[i] = strndup(cfg->dns_names[i] + 1, len - 2);
		else
			sans[i] = strdup(cfg->dns_names[i]);
		if (sans[i] == NULL) {
			r = pkit_seterr_nomem(ctx);
			goto out;
		}
	}
	if ((r = pkit_key_generate(ctx, &spec, &key)) != 0 ||
	    (r = pkit_x509_create_data(ctx, cfg->common_name,
	    (const char *const *)sans, cfg->ndns_names, key, NULL, &data)) != 0 ||
	    (r = pkit_x509_render(ctx, pkit_x509_tmpl_leaf,
	    strlen(pkit_x509_tmpl_leaf), "the server certificate", data,
	    &tmpl)) != 0)
		goto out;
	memset(&in, 0, sizeof(in));
	in.tmpl = tmpl;
	in.tmpl_name = "the server certificate";
	in.pub = key;
	in.issuer = sk_X509_value(pki->intermediates, 0);
	in.key = pki->key;
	in.not_before = now - 60;
	in.not_after = now + (time_t)(lifetime / SEC);
	if ((r = pkit_x509_issue(ctx, &in, &crt)) != 0)
		goto out;
	*crt_out = crt;
	*key_out = key;
	*not_after = in.not_after;
	key = NULL;
	r = PKIT_OK;
out:
	for (i = 0; i < cfg->ndns_names; i++)
		free(sans[i]);
	free(sans);
	json_decref(data);
	json_decref(tmpl);
	EVP_PKEY_free(key);
	return r;
}

static int
alpn_select(SSL *ssl, const unsigned char **out, unsigned char *outlen,
    const unsigned char *in, unsigned int inlen, void *arg)
{
	static const unsigned char h1[] = "\x08http/1.1";
	unsigned char *sel = NULL;

	(void)ssl;
	(void)arg;
	if (SSL_select_next_proto(&sel, outlen, h1, sizeof(h1) - 1, in,
	    inlen) != OPENSSL_NPN_NEGOTIATED)
		return SSL_TLSEXT_ERR_NOACK;
	*out = sel;
	return SSL_TLSEXT_ERR_OK;
}

/* The SSL_CTX for a snapshot: a fresh server certificate, the chain,
 * TLS options from ca.json, optional client certificates verified against
 * the roots and intermediates (step-ca's VerifyClientCertIfGiven). */
static int
tls_build(struct pkit_ctx *ctx, struct pkit_ca_server *srv,
    const struct snap *s, SSL_CTX **out, time_t *not_after)
{
	static const unsigned char sid[] = "pkit-ca";
	const struct pkit_ca_tls *t = &s->cfg->tls;
	SSL_CTX *ssl = NULL;
	X509_STORE *store;
	X509 *leaf = NULL;
	EVP_PKEY *key = NULL;
	STACK_OF(X509_NAME) *names = NULL;
	int64_t life = srv->o.tls_lifetime;
	int i, r;

	if ((r = issue_leaf(ctx, &s->pki, life, &leaf, &key, not_after)) != 0)
		return r;
	r = PKIT_ERR_CRYPTO;
	if ((ssl = SSL_CTX_new(TLS_server_method())) == NULL ||
	    !SSL_CTX_set_min_proto_version(ssl, t->min_version) ||
	    !SSL_CTX_set_max_proto_version(ssl, t->max_version) ||
	    (t->ciphers[0] != '\0' &&
	    !SSL_CTX_set_cipher_list(ssl, t->ciphers)) ||
	    !SSL_CTX_set1_groups_list(ssl, "X25519:P-256:P-384:P-521") ||
	    !SSL_CTX_use_certificate(ssl, leaf) ||
	    !SSL_CTX_use_PrivateKey(ssl, key) ||
	    !SSL_CTX_check_private_key(ssl))
		goto fail;
	for (i = 0; i < sk_X509_num(s->pki.intermediates); i++)
		if (!SSL_CTX_add1_chain_cert(ssl,
		    sk_X509_value(s->pki.intermediates, i)))
			goto fail;
	store = SSL_CTX_get_cert_store(ssl);
	if ((names = sk_X509_NAME_new_null()) == NULL)
		goto fail;
	for (i = 0; i < sk_X509_num(s->pki.roots) +
	    sk_X509_num(s->pki.intermediates); i++) {
		X509 *c = i < sk_X509_num(s->pki.roots) ?
		    sk_X509_value(s->pki.roots, i) :
		    sk_X509_value(s->pki.intermediates,
		    i - sk_X509_num(s->pki.roots));
		X509_NAME *nm;

		/* Intermediates in the store only help build chains: without
		 * X509_V_FLAG_PARTIAL_CHAIN a chain must still end at a root. */
		if (!X509_STORE_add_cert(store, c))
			goto fail;
		if ((nm = X509_NAME_dup(X509_get_subject_name(c))) == NULL ||
		    !sk_X509_NAME_push(names, nm)) {
			X509_NAME_free(nm);
			goto fail;
		}
	}
	/* as step-ca, federated roots verify client certificates too */
	for (i = 0; i < sk_X509_num(s->pki.federated); i++) {
		X509 *c = sk_X509_value(s->pki.federated, i);
		X509_NAME *nm;

		if (!X509_STORE_add_cert(store, c))
			goto fail;
		if ((nm = X509_NAME_dup(X509_get_subject_name(c))) == NULL ||
		    !sk_X509_NAME_push(names, nm)) {
			X509_NAME_free(nm);
			goto fail;
		}
	}
	SSL_CTX_set_client_CA_list(ssl, names);
	names = NULL;
	SSL_CTX_set_verify(ssl, SSL_VERIFY_PEER, NULL);
	SSL_CTX_set_verify_depth(ssl, 8);
	SSL_CTX_set_options(ssl, SSL_OP_NO_RENEGOTIATION |
	    SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_COMPRESSION);
	/* Idle connections give their 34 KiB of record buffers back. */
	SSL_CTX_set_mode(ssl, SSL_MODE_RELEASE_BUFFERS);
	/* Resumption by tickets only; no server-side cache to grow. */
	SSL_CTX_set_session_cache_mode(ssl, SSL_SESS_CACHE_OFF);
	if (!SSL_CTX_set_session_id_context(ssl, sid, sizeof(sid) - 1))
		goto fail;
	SSL_CTX_set_alpn_select_cb(ssl, alpn_select, NULL);
	X509_free(leaf);
	EVP_PKEY_free(key);
	*out = ssl;
	return PKIT_OK;
fail:
	r = pkit_seterr_ssl(ctx, r, "TLS set-up");
	sk_X509_NAME_pop_free(names, X509_NAME_free);
	SSL_CTX_free(ssl);
	X509_free(leaf);
	EVP_PKEY_free(key);
	return r;
}

/* Publish a new SSL_CTX (and snapshot, when s is not NULL). */
static void
publish(struct pkit_ca_server *srv, struct snap *s, SSL_CTX *ssl,
    time_t not_after)
{
	struct snap *old_snap = NULL;
	SSL_CTX *old_ssl;

	pthread_mutex_lock(&srv->lock);
	old_ssl = srv->ssl;
	srv->ssl = ssl;
	srv->tls_not_after = not_after;
	srv->renew_asked = 0;
	if (s != NULL) {
		old_snap = srv->snap;
		srv->snap = s;
	}
	pthread_mutex_unlock(&srv->lock);
	SSL_CTX_free(old_ssl);
	snap_put(srv, old_snap);
}

/* When to re-issue: step-ca's renewBefore of a third of the lifetime,
 * minus up to a twentieth of jitter. */
static void
schedule_renewal(struct pkit_ca_server *srv, time_t not_after)
{
	int64_t life = srv->o.tls_lifetime;
	int64_t jitter = life / 20, at;
	uint64_t rnd = 0;
	struct timeval tv;

	if (jitter > 0) {
		RAND_bytes((unsigned char *)&rnd, sizeof(rnd));
		jitter = (int64_t)(rnd % (uint64_t)jitter);
	}
	at = ((int64_t)not_after - time(NULL)) * SEC - life / 3 - jitter;
	if (at < SEC)
		at = SEC;
	tv = ns_tv(at);
	evtimer_add(srv->renew_timer, &tv);
}

static void
renew_cb(evutil_socket_t fd, short what, void *arg)
{
	struct pkit_ca_server *srv = arg;
	struct snap *s;
	SSL_CTX *ssl = NULL;
	time_t not_after = 0;
	struct timeval retry = { 5, 0 };

	(void)fd;
	(void)what;
	if (srv->stopping || (s = snap_get(srv)) == NULL)
		return;
	pkit_clearerr(srv->ctx);
	if (tls_build(srv->ctx, srv, s, &ssl, &not_after) != 0) {
		log_event(srv, "error", "renewing the server certificate: %s",
		    srv->ctx->errbuf);
		pthread_mutex_lock(&srv->lock);
		srv->renew_asked = 0;
		pthread_mutex_unlock(&srv->lock);
		evtimer_add(srv->renew_timer, &retry);
	} else {
		char when[32];

		publish(srv, NULL, ssl, not_after);
		pkit_time_format(not_after, when, sizeof(when));
		log_event(srv, "info", "renewed the server certificate; it "
		    "expires at %s", when);
		schedule_renewal(srv, not_after);
	}
	snap_put(srv, s);
}

/* ---- requests ------------------------------------------------------------ */

static void
req_free(struct pkit_ca_req *req)
{
	size_t i;

	if (req == NULL)
		return;
	free(req->method);
	free(req->target);
	free(req->path);
	free(req->query);
	for (i = 0; i < req->nqargs; i++) {
		free(req->qargs[i].key);
		free(req->qargs[i].value);
	}
	free(req->qargs);
	evhttp_clear_headers(&req->headers);
	for (i = 0; i < req->nparams; i++) {
		free(req->params[i].key);
		free(req->params[i].value);
	}
	free(req->body);
	X509_free(req->peer);
	sk_X509_pop_free(req->chain, X509_free);
	for (i = 0; i < req->nlogf; i++) {
		free(req->logf[i].key);
		free(req->logf[i].value);
	}
	free(req->logf);
	if (req->snap != NULL)
		snap_put(req->w->srv, req->snap);
	free(req);
}

const char *
pkit_ca_req_method(const struct pkit_ca_req *req)
{
	return req->method;
}

const char *
pkit_ca_req_path(const struct pkit_ca_req *req)
{
	return req->route_path;
}

const char *
pkit_ca_req_param(const struct pkit_ca_req *req, const char *name)
{
	size_t i;

	for (i = 0; i < req->nparams; i++)
		if (strcmp(req->params[i].key, name) == 0)
			return req->params[i].value;
	return NULL;
}

/* Split the query as Go's url.ParseQuery: '&'-separated, key=value,
 * '+' and %XX decoded. */
static void
parse_query(struct pkit_ca_req *req)
{
	const char *p, *amp, *eq;
	size_t n = 1;

	req->qparsed = 1;
	if (req->query == NULL || *req->query == '\0')
		return;
	for (p = req->query; *p != '\0'; p++)
		n += *p == '&';
	if ((req->qargs = calloc(n, sizeof(*req->qargs))) == NULL)
		return;
	for (p = req->query; p != NULL; p = amp != NULL ? amp + 1 : NULL) {
		char *k, *v, *part;
		size_t len;

		amp = strchr(p, '&');
		len = amp != NULL ? (size_t)(amp - p) : strlen(p);
		if (len == 0 || (part = strndup(p, len)) == NULL)
			continue;
		eq = strchr(part, '=');
		if (eq != NULL)
			part[eq - part] = '\0';
		k = evhttp_uridecode(part, 1, NULL);
		v = evhttp_uridecode(eq != NULL ? part + (eq - part) + 1 : "",
		    1, NULL);
		free(part);
		if (k == NULL || v == NULL) {
			free(k);
			free(v);
			continue;
		}
		req->qargs[req->nqargs].key = k;
		req->qargs[req->nqargs++].value = v;
	}
}

const char *
pkit_ca_req_query(struct pkit_ca_req *req, const char *name)
{
	size_t i;

	if (!req->qparsed)
		parse_query(req);
	for (i = 0; i < req->nqargs; i++)
		if (strcmp(req->qargs[i].key, name) == 0)
			return req->qargs[i].value;
	return NULL;
}

const char *
pkit_ca_req_header(const struct pkit_ca_req *req, const char *name)
{
	return evhttp_find_header(&req->headers, name);
}

const unsigned char *
pkit_ca_req_body(const struct pkit_ca_req *req, size_t *len)
{
	*len = req->body_len;
	return req->body != NULL ? req->body : (const unsigned char *)"";
}

X509 *
pkit_ca_req_peer(const struct pkit_ca_req *req)
{
	return req->peer;
}

STACK_OF(X509) *
pkit_ca_req_peer_chain(const struct pkit_ca_req *req)
{
	return req->chain;
}

const struct pkit_ca_pki *
pkit_ca_req_pki(const struct pkit_ca_req *req)
{
	return &req->snap->pki;
}

void *
pkit_ca_req_ext(const struct pkit_ca_req *req, int id)
{
	if (id < 0 || (size_t)id >= req->w->srv->nexts ||
	    req->snap->ext_state == NULL)
		return NULL;
	return req->snap->ext_state[id];
}

struct pkit_ctx *
pkit_ca_req_ctx(const struct pkit_ca_req *req)
{
	return &req->w->ctx;
}

struct event_base *
pkit_ca_req_base(const struct pkit_ca_req *req)
{
	return req->w->base;
}

const char *
pkit_ca_req_id(const struct pkit_ca_req *req)
{
	return req->id;
}

void
pkit_ca_req_log(struct pkit_ca_req *req, const char *key, const char *fmt, ...)
{
	struct kv *n;
	char *v = NULL, *k;
	va_list ap;
	size_t i;
	int len;

	va_start(ap, fmt);
	len = vasprintf(&v, fmt, ap);
	va_end(ap);
	if (len < 0)
		return;
	for (i = 0; i < req->nlogf; i++)
		if (strcmp(req->logf[i].key, key) == 0) {
			free(req->logf[i].value);
			req->logf[i].value = v;
			return;
		}
	if ((k = strdup(key)) == NULL ||
	    (n = reallocarray(req->logf, req->nlogf + 1, sizeof(*n))) == NULL) {
		free(k);
		free(v);
		return;
	}
	req->logf = n;
	req->logf[req->nlogf].key = k;
	req->logf[req->nlogf++].value = v;
}

/* ---- connections -------------------------------------------------------- */

static void conn_process(struct conn *c);
static void conn_free(struct conn *c);
static void conn_destroy(struct conn *c);
static void worker_maybe_done(struct worker *w);

static void
worker_date(struct worker *w)
{
	time_t now = time(NULL);
	struct tm tm;

	if (now == w->date_t)
		return;
	w->date_t = now;
	gmtime_r(&now, &tm);
	strftime(w->date, sizeof(w->date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

/* Queue a whole response in one piece (one TLS record when it fits). */
static void
write_response(struct conn *c, struct pkit_ca_req *req, int status,
    const char *ctype, const char *const *extra, const void *body, size_t len)
{
	struct evbuffer *out = bufferevent_get_output(c->bev);
	char head[2048];
	size_t hlen, i;
	int n;

	worker_date(c->w);
	n = snprintf(head, sizeof(head), "HTTP/1.1 %d %s\r\n", status,
	    reason(status));
	hlen = (size_t)n;
	if (ctype != NULL)
		hlen += (size_t)snprintf(head + hlen, sizeof(head) - hlen,
		    "Content-Type: %s\r\n", ctype);
	for (i = 0; extra != NULL && extra[i] != NULL && hlen < sizeof(head);
	    i++)
		hlen += (size_t)snprintf(head + hlen, sizeof(head) - hlen,
		    "%s\r\n", extra[i]);
	if (hlen < sizeof(head))
		hlen += (size_t)snprintf(head + hlen, sizeof(head) - hlen,
		    "Content-Length: %zu\r\nDate: %s\r\nX-Request-Id: %s\r\n%s\r\n",
		    len, c->w->date, req->id, !c->keepalive ? "Connection: close\r\n" :
		    req->minor == 0 ? "Connection: keep-alive\r\n" : "");
	if (hlen >= sizeof(head))
		hlen = sizeof(head) - 1;
	if (req->head)
		len = 0;
	evbuffer_expand(out, hlen + len);
	evbuffer_add(out, head, hlen);
	if (len > 0)
		evbuffer_add(out, body, len);
}

static void
timer_set(struct conn *c, const struct timeval *tv)
{
	evtimer_add(c->timer, tv);
}

static void
conn_close_now(struct conn *c)
{
	SSL *ssl = bufferevent_openssl_get_ssl(c->bev);

	/* Tell the client we are done (close_notify) when the connection is
	 * healthy; the socket is non-blocking and the alert is tiny. */
	if (ssl != NULL && c->state != ST_HANDSHAKE && SSL_is_init_finished(ssl))
		SSL_shutdown(ssl);
	ERR_clear_error();
	conn_free(c);
}

/* After a response is queued: close when asked to, otherwise wait for the
 * next request (which may already be buffered). */
static void
conn_next(struct conn *c)
{
	struct evbuffer *out = bufferevent_get_output(c->bev);

	c->state = ST_IDLE;
	c->head_bytes = 0;
	c->nheaders = 0;
	c->blank_lines = 0;
	if (!c->keepalive || c->w->draining) {
		c->state = ST_CLOSING;
		bufferevent_disable(c->bev, EV_READ);
		evtimer_del(c->timer);
		if (evbuffer_get_length(out) == 0)
			conn_close_now(c);
		return;
	}
	timer_set(c, c->w->idle_tv);
	if (evbuffer_get_length(out) > OUT_HIGH) {
		c->paused = 1;
		bufferevent_disable(c->bev, EV_READ);
		return;
	}
	bufferevent_enable(c->bev, EV_READ);
	/* A request already buffered (pipelined) is read by conn_process()'s
	 * loop, or, after an async reply, from a deferred read callback. */
	if (!c->in_process &&
	    evbuffer_get_length(bufferevent_get_input(c->bev)) > 0)
		bufferevent_trigger(c->bev, EV_READ, BEV_TRIG_DEFER_CALLBACKS);
}

/* A protocol error before any routing: answer as Go's net/http does
 * (plain text, Connection: close) and close. */
static void
conn_fail(struct conn *c, int status, const char *why)
{
	struct evbuffer *out = bufferevent_get_output(c->bev);

	evbuffer_add_printf(out, "HTTP/1.1 %d %s\r\nContent-Type: text/plain; "
	    "charset=utf-8\r\nConnection: close\r\n\r\n%d %s%s%s", status,
	    reason(status), status, reason(status), why != NULL ? ": " : "",
	    why != NULL ? why : "");
	req_free(c->req);
	c->req = NULL;
	c->keepalive = 0;
	c->linger = 1;
	c->state = ST_CLOSING;
	evtimer_del(c->timer);
	bufferevent_disable(c->bev, EV_READ);
}

/* Finish a request: log it, free it, go on with the connection. */
static void
req_done(struct pkit_ca_req *req)
{
	struct conn *c = req->conn;
	struct worker *w = req->w;

	log_request(req);
	if (c == NULL) {
		w->orphans--;
		req_free(req);
		worker_maybe_done(w);
		return;
	}
	c->req = NULL;
	req_free(req);
	if (!c->in_dispatch) {
		c->busy++;
		conn_next(c);
		if (--c->busy == 0 && c->dead)
			conn_destroy(c);
	}
}

static const char *const default_msg[][2] = {
	{ "400", "The request could not be completed; malformed or missing "
	  "data. Please see the certificate authority logs for more info." },
	{ "401", "The request lacked necessary authorization to be completed. "
	  "Please see the certificate authority logs for more info." },
	{ "403", "The request was forbidden by the certificate authority. "
	  "Please see the certificate authority logs for more info." },
	{ "404", "The requested resource could not be found. Please see the "
	  "certificate authority logs for more info." },
	{ "500", "The certificate authority encountered an Internal Server "
	  "Error. Please see the certificate authority logs for more info." },
	{ "501", "The requested method is not implemented by the certificate "
	  "authority. Please see the certificate authority logs for more info." },
};

static void
reply_full(struct pkit_ca_req *req, int status, const char *ctype,
    const char *const *extra, const void *body, size_t len)
{
	if (req->replied)
		return;
	req->replied = 1;
	req->status = status;
	req->size = len;
	if (req->conn != NULL)
		write_response(req->conn, req, status, ctype, extra, body, len);
	req_done(req);
}

void
pkit_ca_reply(struct pkit_ca_req *req, int status, const char *ctype,
    const void *body, size_t len)
{
	reply_full(req, status, ctype, NULL, body, len);
}

void
pkit_ca_reply_headers(struct pkit_ca_req *req, int status, const char *ctype,
    const char *const *headers, const void *body, size_t len)
{
	reply_full(req, status, ctype, headers, body, len);
}

void
pkit_ca_reply_json(struct pkit_ca_req *req, int status, json_t *body)
{
	char *s;
	size_t len;

	if (body == NULL || (s = json_dumps(body, JSON_COMPACT)) == NULL) {
		json_decref(body);
		pkit_ca_reply_error(req, 500, NULL);
		return;
	}
	json_decref(body);
	/* Go's json.Encoder ends the document with a newline. */
	len = strlen(s);
	s[len] = '\n';
	reply_full(req, status, "application/json", NULL, s, len + 1);
	free(s);
}

void
pkit_ca_reply_error(struct pkit_ca_req *req, int status, const char *fmt, ...)
{
	char msg[1024], text[1200], code[8];
	json_t *o;
	va_list ap;
	size_t i;

	snprintf(code, sizeof(code), "%d", status);
	if (fmt == NULL) {
		snprintf(text, sizeof(text), "%s", reason(status));
		for (i = 0; i < sizeof(default_msg) / sizeof(default_msg[0]); i++)
			if (strcmp(default_msg[i][0], code) == 0)
				snprintf(text, sizeof(text), "%s",
				    default_msg[i][1]);
	} else {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		if (status == 400)
			snprintf(text, sizeof(text),
			    "The request could not be completed: %s.", msg);
		else if (status == 403)
			snprintf(text, sizeof(text), "The request was forbidden "
			    "by the certificate authority: %s.", msg);
		else
			snprintf(text, sizeof(text), "%s", msg);
		for (i = 0; i < req->nlogf; i++)
			if (strcmp(req->logf[i].key, "error") == 0)
				break;
		if (i == req->nlogf)
			pkit_ca_req_log(req, "error", "%s", msg);
	}
	o = json_pack("{s:i,s:s}", "status", status, "message", text);
	pkit_ca_reply_json(req, status, o);
}

/* Match path against a route's segments, collecting {params}. */
static int
route_match(struct pkit_ca_req *req, const struct route *rt, const char *path)
{
	const char *p = path, *slash;
	size_t i, len;

	for (i = 0; i < req->nparams; i++) {
		free(req->params[i].key);
		free(req->params[i].value);
	}
	req->nparams = 0;
	for (i = 0; i < rt->nsegs; i++) {
		const char *seg = rt->segs[i];

		if (*p != '/')
			return 0;
		p++;
		if (strcmp(seg, "*") == 0 && i == rt->nsegs - 1)
			return 1;
		slash = strchr(p, '/');
		len = slash != NULL ? (size_t)(slash - p) : strlen(p);
		if (seg[0] == '{') {
			if (len == 0 || req->nparams == MAX_PARAMS)
				return 0;
			req->params[req->nparams].key =
			    strndup(seg + 1, strlen(seg) - 2);
			req->params[req->nparams].value = strndup(p, len);
			if (req->params[req->nparams].key == NULL ||
			    req->params[req->nparams].value == NULL) {
				free(req->params[req->nparams].key);
				free(req->params[req->nparams].value);
				return 0;
			}
			req->nparams++;
		} else if (strlen(seg) != len || memcmp(seg, p, len) != 0)
			return 0;
		p += len;
	}
	return *p == '\0';
}

/* A request id to echo: short, printable, no spaces. */
static int
valid_id(const char *s)
{
	size_t n = 0;

	for (; s != NULL && *s != '\0'; s++, n++)
		if (*s <= 0x20 || *s >= 0x7f || *s == '"' || *s == '\\')
			return 0;
	return s != NULL && n > 0 && n <= MAX_REQUEST_ID;
}

static void
dispatch(struct conn *c)
{
	struct worker *w = c->w;
	struct pkit_ca_server *srv = w->srv;
	struct pkit_ca_req *req = c->req;
	const struct route *found = NULL;
	const char *id, *path;
	char allow[256], allowhdr[300];
	const char *extra[2] = { NULL, NULL };
	SSL *ssl;
	size_t i;
	int v1 = 0, r;

	c->state = ST_HANDLER;
	evtimer_del(c->timer);
	bufferevent_disable(c->bev, EV_READ);
	req->snap = snap_get(srv);
	if ((id = evhttp_find_header(&req->headers, "X-Request-Id")) == NULL)
		id = evhttp_find_header(&req->headers, "X-Smallstep-Id");
	if (valid_id(id))
		snprintf(req->id, sizeof(req->id), "%s", id);
	else if (pkit_rand_uuid(&w->ctx, req->id) != 0)
		snprintf(req->id, sizeof(req->id), "%lld",
		    (long long)mono_ns());
	if ((ssl = bufferevent_openssl_get_ssl(c->bev)) != NULL) {
		STACK_OF(X509) *vc;

		req->peer = SSL_get1_peer_certificate(ssl);
		if (req->peer != NULL && (vc = SSL_get0_verified_chain(ssl)) != NULL)
			req->chain = X509_chain_up_ref(vc);
	}
	c->in_dispatch = 1;
	path = req->path;
	if (strncmp(path, "/1.0/", 5) == 0) {
		path += 4;
		v1 = 1;
	}
	req->route_path = path;
	allow[0] = '\0';
	for (i = 0; i < srv->nroutes && found == NULL; i++) {
		const struct route *rt = &srv->routes[i];

		if ((v1 && (rt->flags & PKIT_CA_ROUTE_BARE)) ||
		    !route_match(req, rt, path))
			continue;
		if (strcmp(rt->method, req->method) == 0 ||
		    (req->head && strcmp(rt->method, "GET") == 0)) {
			found = rt;
			break;
		}
		if (strstr(allow, rt->method) == NULL)
			snprintf(allow + strlen(allow), sizeof(allow) -
			    strlen(allow), "%s%s", allow[0] ? ", " : "",
			    rt->method);
	}
	if (found == NULL && allow[0] != '\0') {
		snprintf(allowhdr, sizeof(allowhdr), "Allow: %s", allow);
		extra[0] = allowhdr;
		reply_full(req, 405, NULL, extra, "", 0);
	} else if (found == NULL) {
		/* chi's NotFound, as step-ca answers an unknown route. */
		extra[0] = "X-Content-Type-Options: nosniff";
		reply_full(req, 404, "text/plain; charset=utf-8", extra,
		    "404 page not found\n", 19);
	} else {
		req->route = found;
		pkit_clearerr(&w->ctx);
		r = found->fn(req, found->arg);
		/* req is freed once replied (c->req is then NULL). */
		if (r != PKIT_CA_ASYNC && c->req != NULL) {
			pkit_ca_req_log(c->req, "error", "handler did not reply");
			pkit_ca_reply_error(c->req, 500, NULL);
		}
	}
	c->in_dispatch = 0;
	if (c->req == NULL)
		conn_next(c);
}

/* ---- reading requests ----------------------------------------------------- */

static int
is_tchar(int ch)
{
	return ch > 0x20 && ch < 0x7f && strchr("\"(),/:;<=>?@[\\]{}", ch) == NULL;
}

/* "METHOD SP target SP HTTP/1.x". */
static int
parse_request_line(struct conn *c, char *line)
{
	struct pkit_ca_req *req;
	char *sp1, *sp2, *target, *q, *path;
	size_t len, i;

	if ((sp1 = strchr(line, ' ')) == NULL ||
	    (sp2 = strchr(sp1 + 1, ' ')) == NULL || sp1 == line ||
	    sp2 == sp1 + 1) {
		conn_fail(c, 400, "malformed HTTP request");
		return -1;
	}
	*sp1 = '\0';
	*sp2 = '\0';
	for (i = 0; line[i] != '\0'; i++)
		if (!is_tchar((unsigned char)line[i]) || i >= 32) {
			conn_fail(c, 400, "invalid method");
			return -1;
		}
	if (strncmp(sp2 + 1, "HTTP/", 5) != 0) {
		conn_fail(c, 400, "malformed HTTP version");
		return -1;
	}
	if (strcmp(sp2 + 1, "HTTP/1.1") != 0 && strcmp(sp2 + 1, "HTTP/1.0") != 0) {
		conn_fail(c, 505, "unsupported protocol version");
		return -1;
	}
	target = sp1 + 1;
	for (i = 0; target[i] != '\0'; i++)
		if ((unsigned char)target[i] <= 0x20 ||
		    (unsigned char)target[i] >= 0x7f) {
			conn_fail(c, 400, "invalid request target");
			return -1;
		}
	if ((req = calloc(1, sizeof(*req))) == NULL) {
		conn_fail(c, 500, NULL);
		return -1;
	}
	TAILQ_INIT(&req->headers);
	req->conn = c;
	req->w = c->w;
	clock_gettime(CLOCK_MONOTONIC, &req->start);
	req->minor = sp2[8] == '1';
	c->req = req;
	if ((req->method = strdup(line)) == NULL ||
	    (req->target = strdup(target)) == NULL) {
		conn_fail(c, 500, NULL);
		return -1;
	}
	req->head = strcmp(req->method, "HEAD") == 0;
	/* Absolute form: keep the path. */
	if (strncasecmp(target, "http://", 7) == 0 ||
	    strncasecmp(target, "https://", 8) == 0) {
		target = strchr(target, ':') + 3;
		target = strchr(target, '/') != NULL ? strchr(target, '/') : "/";
	}
	if (target[0] != '/' && strcmp(target, "*") != 0) {
		conn_fail(c, 400, "invalid request target");
		return -1;
	}
	if ((q = strchr(target, '?')) != NULL) {
		if ((req->query = strdup(q + 1)) == NULL) {
			conn_fail(c, 500, NULL);
			return -1;
		}
		*q = '\0';
	}
	if ((path = evhttp_uridecode(target, 0, &len)) == NULL ||
	    strlen(path) != len) {
		free(path);
		conn_fail(c, 400, "invalid request path");
		return -1;
	}
	req->path = path;
	return 0;
}

static int
parse_header_line(struct conn *c, char *line, size_t n)
{
	char *colon, *v, *end;
	size_t i;

	if (line[0] == ' ' || line[0] == '\t') {
		conn_fail(c, 400, "obsolete line folding");
		return -1;
	}
	if ((colon = memchr(line, ':', n)) == NULL || colon == line) {
		conn_fail(c, 400, "malformed MIME header line");
		return -1;
	}
	*colon = '\0';
	for (i = 0; line[i] != '\0'; i++)
		if (!is_tchar((unsigned char)line[i])) {
			conn_fail(c, 400, "invalid header name");
			return -1;
		}
	for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
		;
	end = line + n;
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	*end = '\0';
	for (i = 0; v[i] != '\0'; i++)
		if (((unsigned char)v[i] < 0x20 && v[i] != '\t') || v[i] == 0x7f) {
			conn_fail(c, 400, "invalid header value");
			return -1;
		}
	if (++c->nheaders > MAX_HEADERS) {
		conn_fail(c, 431, NULL);
		return -1;
	}
	if (evhttp_add_header(&c->req->headers, line, v) != 0) {
		conn_fail(c, 400, "invalid header");
		return -1;
	}
	return 0;
}

/* Read the request line and headers: 1 when complete, 0 for more input,
 * -1 after an error answer. */
static int
read_head(struct conn *c, struct evbuffer *in)
{
	for (;;) {
		struct evbuffer_ptr p, from;
		size_t eol = 0, n, len = evbuffer_get_length(in);
		char *line;
		int r;

		/* Search only the new input, so that a client sending a
		 * line a byte at a time costs linear time, not quadratic;
		 * back up one byte for a CR whose LF had not come. */
		if (c->scanned > len)
			c->scanned = 0;
		if (evbuffer_ptr_set(in, &from, c->scanned,
		    EVBUFFER_PTR_SET) != 0)
			p = evbuffer_search_eol(in, NULL, &eol,
			    EVBUFFER_EOL_CRLF);
		else
			p = evbuffer_search_eol(in, &from, &eol,
			    EVBUFFER_EOL_CRLF);
		if (p.pos < 0) {
			if (c->head_bytes + len > MAX_HEAD) {
				conn_fail(c, c->req == NULL ? 414 : 431, NULL);
				return -1;
			}
			c->scanned = len > 0 ? len - 1 : 0;
			return 0;
		}
		c->scanned = 0;
		n = (size_t)p.pos;
		if ((c->head_bytes += n + eol) > MAX_HEAD) {
			conn_fail(c, c->req == NULL ? 414 : 431, NULL);
			return -1;
		}
		if ((line = malloc(n + 1)) == NULL) {
			conn_fail(c, 500, NULL);
			return -1;
		}
		evbuffer_remove(in, line, n);
		evbuffer_drain(in, eol);
		line[n] = '\0';
		if (memchr(line, '\0', n) != NULL) {
			free(line);
			conn_fail(c, 400, "NUL in request");
			return -1;
		}
		if (c->req == NULL) {
			/* RFC 9112 2.2: ignore a few empty lines first. */
			if (n == 0 && ++c->blank_lines <= 4) {
				free(line);
				continue;
			}
			r = parse_request_line(c, line);
		} else if (n == 0) {
			free(line);
			return 1;
		} else
			r = parse_header_line(c, line, n);
		free(line);
		if (r != 0)
			return -1;
	}
}

/* Does a comma-separated header hold token? */
static int
has_token(const char *v, const char *token)
{
	size_t tl = strlen(token);

	while (v != NULL && *v != '\0') {
		while (*v == ' ' || *v == '\t' || *v == ',')
			v++;
		if (strncasecmp(v, token, tl) == 0 &&
		    (v[tl] == '\0' || v[tl] == ',' || v[tl] == ' ' ||
		    v[tl] == '\t'))
			return 1;
		v = strchr(v, ',');
	}
	return 0;
}

/* The request body is over the limit: answer as step-ca's errs would
 * render a status without a message, and close. */
static void
too_large(struct conn *c)
{
	c->keepalive = 0;
	c->linger = 1;
	c->state = ST_HANDLER;
	c->in_dispatch = 1;
	c->req->snap = snap_get(c->w->srv);
	if (pkit_rand_uuid(&c->w->ctx, c->req->id) != 0)
		snprintf(c->req->id, sizeof(c->req->id), "-");
	pkit_ca_req_log(c->req, "error", "request body over %zu bytes",
	    c->w->srv->o.max_body);
	pkit_ca_reply_error(c->req, 413, NULL);
	c->in_dispatch = 0;
	c->state = ST_CLOSING;
	bufferevent_disable(c->bev, EV_READ);
}

/* The head is complete: decide how the body is framed.  0 to go on. */
static int
head_done(struct conn *c)
{
	struct pkit_ca_req *req = c->req;
	struct evkeyval *h;
	const char *te, *conn, *expect, *cl = NULL;
	int hosts = 0;
	uint64_t len = 0;

	TAILQ_FOREACH(h, &req->headers, next) {
		if (strcasecmp(h->key, "Host") == 0)
			hosts++;
		if (strcasecmp(h->key, "Content-Length") == 0) {
			if (cl != NULL && strcmp(cl, h->value) != 0) {
				conn_fail(c, 400, "conflicting Content-Length");
				return -1;
			}
			cl = h->value;
		}
	}
	if (req->minor == 1 && hosts == 0) {
		conn_fail(c, 400, "missing required Host header");
		return -1;
	}
	if (hosts > 1) {
		conn_fail(c, 400, "too many Host headers");
		return -1;
	}
	conn = evhttp_find_header(&req->headers, "Connection");
	c->keepalive = req->minor == 1 ? !has_token(conn, "close") :
	    has_token(conn, "keep-alive");
	te = evhttp_find_header(&req->headers, "Transfer-Encoding");
	c->chunked = 0;
	c->body_left = 0;
	if (te != NULL) {
		if (cl != NULL) {
			conn_fail(c, 400, "both Transfer-Encoding and "
			    "Content-Length");
			return -1;
		}
		if (strcasecmp(te, "chunked") != 0) {
			conn_fail(c, 501, "unsupported transfer encoding");
			return -1;
		}
		c->chunked = 1;
		c->chunk_state = 0;
	} else if (cl != NULL) {
		const char *p;

		if (*cl == '\0' || strlen(cl) > 19) {
			conn_fail(c, 400, "bad Content-Length");
			return -1;
		}
		for (p = cl; *p != '\0'; p++) {
			if (!isdigit((unsigned char)*p)) {
				conn_fail(c, 400, "bad Content-Length");
				return -1;
			}
			len = len * 10 + (uint64_t)(*p - '0');
		}
		c->body_left = len;
	}
	if (len > c->w->srv->o.max_body) {
		too_large(c);
		return -1;
	}
	if ((expect = evhttp_find_header(&req->headers, "Expect")) != NULL) {
		if (strcasecmp(expect, "100-continue") != 0) {
			conn_fail(c, 417, NULL);
			return -1;
		}
		if (req->minor == 1 && (len > 0 || c->chunked))
			evbuffer_add_printf(bufferevent_get_output(c->bev),
			    "HTTP/1.1 100 Continue\r\n\r\n");
	}
	if (len > 0 || c->chunked) {
		if ((c->body = evbuffer_new()) == NULL) {
			conn_fail(c, 500, NULL);
			return -1;
		}
	}
	return 0;
}

/* Move the body into the request: 1 when complete, 0 for more input, -1
 * after an error answer. */
static int
read_body(struct conn *c, struct evbuffer *in)
{
	struct pkit_ca_server *srv = c->w->srv;
	struct pkit_ca_req *req = c->req;
	size_t n;

	if (!c->chunked) {
		n = evbuffer_get_length(in);
		if (n > c->body_left)
			n = (size_t)c->body_left;
		if (n > 0)
			evbuffer_remove_buffer(in, c->body, n);
		c->body_left -= n;
		if (c->body_left > 0)
			return 0;
	} else {
		/* chunk_state: 0 size line, 1 data, 2 CRLF after data,
		 * 3 trailer lines. */
		for (;;) {
			struct evbuffer_ptr p;
			size_t eol = 0;
			char line[128], *end;
			unsigned long long size;

			if (c->chunk_state == 1) {
				n = evbuffer_get_length(in);
				if (n > c->body_left)
					n = (size_t)c->body_left;
				if (evbuffer_get_length(c->body) + n >
				    srv->o.max_body) {
					too_large(c);
					return -1;
				}
				evbuffer_remove_buffer(in, c->body, n);
				if ((c->body_left -= n) > 0)
					return 0;
				c->chunk_state = 2;
				continue;
			}
			p = evbuffer_search_eol(in, NULL, &eol,
			    EVBUFFER_EOL_CRLF);
			if (p.pos < 0) {
				if (evbuffer_get_length(in) > sizeof(line) - 1) {
					conn_fail(c, 400, "bad chunked encoding");
					return -1;
				}
				return 0;
			}
			if ((size_t)p.pos >= sizeof(line)) {
				conn_fail(c, 400, "bad chunked encoding");
				return -1;
			}
			evbuffer_remove(in, line, (size_t)p.pos);
			line[p.pos] = '\0';
			evbuffer_drain(in, eol);
			if (c->chunk_state == 2) {
				if (line[0] != '\0') {
					conn_fail(c, 400, "bad chunked encoding");
					return -1;
				}
				c->chunk_state = 0;
				continue;
			}
			if (c->chunk_state == 3) {
				if (line[0] == '\0')
					break;
				if (++c->nheaders > MAX_HEADERS) {
					conn_fail(c, 431, NULL);
					return -1;
				}
				continue;
			}
			if (!isxdigit((unsigned char)line[0])) {
				conn_fail(c, 400, "bad chunked encoding");
				return -1;
			}
			errno = 0;
			size = strtoull(line, &end, 16);
			if (errno != 0 || (*end != '\0' && *end != ';' &&
			    *end != ' ' && *end != '\t')) {
				conn_fail(c, 400, "bad chunked encoding");
				return -1;
			}
			if (size > srv->o.max_body) {
				too_large(c);
				return -1;
			}
			c->body_left = size;
			c->chunk_state = size == 0 ? 3 : 1;
		}
	}
	if (c->body != NULL) {
		n = evbuffer_get_length(c->body);
		if ((req->body = malloc(n + 1)) == NULL) {
			conn_fail(c, 500, NULL);
			return -1;
		}
		evbuffer_remove(c->body, req->body, n);
		req->body[n] = '\0';
		req->body_len = n;
		evbuffer_free(c->body);
		c->body = NULL;
	}
	return 1;
}

static void
conn_process_loop(struct conn *c)
{
	struct evbuffer *in = bufferevent_get_input(c->bev);
	int r;

	for (;;) {
		if (c->dead)
			return;
		switch (c->state) {
		case ST_LINGER:
			evbuffer_drain(in, evbuffer_get_length(in));
			return;
		case ST_HANDSHAKE:
		case ST_HANDLER:
		case ST_CLOSING:
			return;
		case ST_IDLE:
			if (evbuffer_get_length(in) == 0)
				return;
			c->state = ST_HEAD;
			timer_set(c, c->w->read_tv);
			/* FALLTHROUGH */
		case ST_HEAD:
			if ((r = read_head(c, in)) <= 0)
				return;
			if (head_done(c) != 0)
				return;
			c->state = ST_BODY;
			/* FALLTHROUGH */
		case ST_BODY:
			if ((r = read_body(c, in)) <= 0)
				return;
			dispatch(c);
			break;
		}
		if (c->dead || c->state != ST_IDLE || c->paused)
			return;
	}
}

/* Parse and serve what the input holds.  c stays allocated meanwhile: a
 * conn_free() from below only marks it, and it goes here. */
static void
conn_process(struct conn *c)
{
	c->busy++;
	c->in_process++;
	conn_process_loop(c);
	c->in_process--;
	if (--c->busy == 0 && c->dead)
		conn_destroy(c);
}

static void
conn_read_cb(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;

	(void)bev;
	conn_process(c);
}

static void
conn_write_cb(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;
	struct timeval tv = { 0, LINGER_MS * 1000 };

	(void)bev;
	if (c->state == ST_CLOSING) {
		if (c->linger) {
			SSL *ssl = bufferevent_openssl_get_ssl(c->bev);

			/* Read and drop what the client still sends, so
			 * that our answer is not lost to a reset; our
			 * close_notify lets it hang up at once. */
			if (ssl != NULL && SSL_is_init_finished(ssl))
				SSL_shutdown(ssl);
			ERR_clear_error();
			c->state = ST_LINGER;
			bufferevent_enable(c->bev, EV_READ);
			evtimer_add(c->timer, &tv);
			return;
		}
		conn_close_now(c);
		return;
	}
	if (c->paused && c->state == ST_IDLE) {
		c->paused = 0;
		bufferevent_enable(c->bev, EV_READ);
		conn_process(c);
	}
}

static void
log_handshake_error(struct conn *c, short what)
{
	struct pkit_ca_server *srv = c->w->srv;
	unsigned long e;
	char why[256];

	why[0] = '\0';
	while ((e = bufferevent_get_openssl_error(c->bev)) != 0)
		if (why[0] == '\0')
			ERR_error_string_n(e, why, sizeof(why));
	if (why[0] == '\0')
		snprintf(why, sizeof(why), "%s", (what & BEV_EVENT_EOF) ?
		    "EOF" : errno != 0 ? strerror(errno) : "connection closed");
	log_event(srv, "warning", "TLS handshake error from %s: %s", c->addr,
	    why);
}

static void
conn_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct conn *c = arg;

	(void)bev;
	if (what & BEV_EVENT_CONNECTED) {
		c->state = ST_IDLE;
		timer_set(c, c->w->read_tv);
		return;
	}
	if (c->state == ST_HANDSHAKE) {
		if (!(what & BEV_EVENT_TIMEOUT))
			log_handshake_error(c, what);
	} else if ((what & (BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT)) == 0 &&
	    (c->state == ST_HANDLER || (c->state == ST_CLOSING &&
	    evbuffer_get_length(bufferevent_get_output(c->bev)) > 0))) {
		/* The client is done sending (EOF) but may still read: let
		 * the answer out, then close. */
		c->keepalive = 0;
		return;
	}
	ERR_clear_error();
	conn_free(c);
}

static void
conn_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;

	(void)fd;
	(void)what;
	if (c->state == ST_HANDLER)
		return;
	conn_free(c);
}

static void
worker_maybe_done(struct worker *w)
{
	/* load also counts connections another loop handed over. */
	if (w->draining && w->nconns == 0 && w->orphans == 0 &&
	    atomic_load(&w->load) == 0)
		event_base_loopbreak(w->base);
}

static void
conn_free(struct conn *c)
{
	if (c->busy > 0) {
		c->dead = 1;
		return;
	}
	conn_destroy(c);
}

static void
conn_destroy(struct conn *c)
{
	struct worker *w = c->w;

	if (c->req != NULL) {
		if (c->state == ST_HANDLER && !c->req->replied) {
			/* An async handler still owns it. */
			c->req->conn = NULL;
			w->orphans++;
		} else
			req_free(c->req);
	}
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		w->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	w->nconns--;
	atomic_fetch_sub(&w->load, 1);
	if (c->timer != NULL)
		event_free(c->timer);
	if (c->body != NULL)
		evbuffer_free(c->body);
	bufferevent_free(c->bev);
	free(c);
	if (!w->accepting && !w->draining && w->nconns < w->max_conns) {
		event_add(w->accept_ev, NULL);
		w->accepting = 1;
	}
	worker_maybe_done(w);
}

static void
conn_new(struct worker *w, int fd, const struct sockaddr *sa)
{
	struct pkit_ca_server *srv = w->srv;
	struct conn *c;
	SSL *ssl = NULL;
	char host[INET6_ADDRSTRLEN];
	int one = 1, renew = 0;
	uint16_t port = 0;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if ((c = calloc(1, sizeof(*c))) == NULL)
		goto fail;
	host[0] = '\0';
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
		port = ntohs(in->sin_port);
		snprintf(c->addr, sizeof(c->addr), "%s:%u", host, port);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;

		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
		port = ntohs(in6->sin6_port);
		snprintf(c->addr, sizeof(c->addr), "[%s]:%u", host, port);
	}
	snprintf(c->ip, sizeof(c->ip), "%s", host);
	c->w = w;
	pthread_mutex_lock(&srv->lock);
	ssl = SSL_new(srv->ssl);
	/* The renewal timer may not have run (a suspended host): renew
	 * when the certificate is a minute from expiring. */
	if (!srv->renew_asked &&
	    time(NULL) > srv->tls_not_after - srv->tls_margin) {
		srv->renew_asked = 1;
		renew = 1;
	}
	pthread_mutex_unlock(&srv->lock);
	if (renew)
		event_active(srv->renew_ev, 0, 0);
	if (ssl == NULL)
		goto fail;
	if ((c->bev = bufferevent_openssl_socket_new(w->base, fd, ssl,
	    BUFFEREVENT_SSL_ACCEPTING,
	    BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS)) == NULL)
		goto fail;
	ssl = NULL;
	fd = -1;
	if ((c->timer = evtimer_new(w->base, conn_timeout_cb, c)) == NULL) {
		bufferevent_free(c->bev);
		goto fail;
	}
	bufferevent_openssl_set_allow_dirty_shutdown(c->bev, 1);
	bufferevent_setcb(c->bev, conn_read_cb, conn_write_cb, conn_event_cb, c);
	bufferevent_setwatermark(c->bev, EV_READ, 0,
	    srv->o.max_body + MAX_HEAD + 16384);
	bufferevent_set_timeouts(c->bev, NULL, &w->write_tv);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	c->state = ST_HANDSHAKE;
	c->keepalive = 1;
	timer_set(c, w->read_tv);
	c->next = w->conns;
	if (w->conns != NULL)
		w->conns->prev = c;
	w->conns = c;
	w->nconns++;
	atomic_fetch_add(&w->load, 1);
	return;
fail:
	if (c != NULL && c->timer != NULL)
		event_free(c->timer);
	free(c);
	SSL_free(ssl);
	if (fd != -1)
		close(fd);
	ERR_clear_error();
}

/* ---- workers -------------------------------------------------------------- */

static void
resume_cb(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;

	(void)fd;
	(void)what;
	if (!w->draining && !w->accepting && w->nconns < w->max_conns) {
		event_add(w->accept_ev, NULL);
		w->accepting = 1;
	}
}

/* A connection accepted by one loop for another. */
struct handoff {
	struct worker *w;
	int fd;
	struct sockaddr_storage ss;
};

static void
handoff_cb(evutil_socket_t unused, short what, void *arg)
{
	struct handoff *h = arg;

	(void)unused;
	(void)what;
	atomic_fetch_sub(&h->w->load, 1);
	if (h->w->draining) {
		close(h->fd);
		worker_maybe_done(h->w);
	} else
		conn_new(h->w, h->fd, (struct sockaddr *)&h->ss);
	free(h);
}

/* Whichever loop wakes up accepts, and the busiest one is the most often
 * awake: the connections go to the loop with the fewest instead, so that
 * every core signs.  0 when another loop took fd. */
static int
hand_over(struct worker *w, int fd, const struct sockaddr_storage *ss)
{
	struct pkit_ca_server *srv = w->srv;
	struct worker *best = w;
	struct handoff *h;
	long least = atomic_load(&w->load), l;
	int i;

	for (i = 0; i < srv->nworkers; i++) {
		l = atomic_load(&srv->workers[i].load);
		if (l < least && (size_t)l < srv->workers[i].max_conns) {
			least = l;
			best = &srv->workers[i];
		}
	}
	if (best == w || (h = malloc(sizeof(*h))) == NULL)
		return -1;
	h->w = best;
	h->fd = fd;
	h->ss = *ss;
	atomic_fetch_add(&best->load, 1);
	if (event_base_once(best->base, -1, EV_TIMEOUT, handoff_cb, h,
	    NULL) != 0) {
		atomic_fetch_sub(&best->load, 1);
		free(h);
		return -1;
	}
	return 0;
}

static void
accept_cb(evutil_socket_t lfd, short what, void *arg)
{
	struct worker *w = arg;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct timeval pause = { 0, 100000 };
	int fd;

	(void)what;
	/* One connection per wake-up: the other loops get their turn. */
	if ((fd = accept4(lfd, (struct sockaddr *)&ss, &sl,
	    SOCK_NONBLOCK | SOCK_CLOEXEC)) == -1) {
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
		    errno == ENOMEM) {
			/* Out of descriptors: stop accepting for a moment
			 * rather than spin on a readable listener. */
			log_event(w->srv, "warning", "accepting connections: "
			    "%s; pausing for 100ms", strerror(errno));
			event_del(w->accept_ev);
			w->accepting = 0;
			evtimer_add(w->resume_ev, &pause);
		}
		return;
	}
	if (hand_over(w, fd, &ss) != 0)
		conn_new(w, fd, (struct sockaddr *)&ss);
	if (w->nconns >= w->max_conns && w->accepting) {
		event_del(w->accept_ev);
		w->accepting = 0;
	}
}

static void
drain_deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;

	(void)fd;
	(void)what;
	while (w->conns != NULL)
		conn_free(w->conns);
	event_base_loopbreak(w->base);
}

/* The main thread asks this loop to drain: stop accepting, close idle
 * connections, finish the requests in flight. */
static void
ctl_cb(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;
	struct pkit_ca_server *srv = w->srv;
	struct conn *c, *next;
	struct timeval tv = ns_tv((srv->o.read_timeout > srv->o.write_timeout ?
	    srv->o.read_timeout : srv->o.write_timeout) + SEC);

	(void)fd;
	(void)what;
	if (w->draining)
		return;
	w->draining = 1;
	if (w->accepting)
		event_del(w->accept_ev);
	w->accepting = 0;
	evtimer_del(w->resume_ev);
	/* The socket closes with its last descriptor: new clients are then
	 * refused instead of waiting in the backlog. */
	close(w->lfd);
	w->lfd = -1;
	for (c = w->conns; c != NULL; c = next) {
		next = c->next;
		if (c->state == ST_HANDSHAKE || c->state == ST_IDLE ||
		    c->state == ST_LINGER)
			conn_free(c);
		else
			c->keepalive = 0;
	}
	evtimer_add(w->drain_ev, &tv);
	worker_maybe_done(w);
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;

	event_base_dispatch(w->base);
	return NULL;
}

static void
worker_release(struct worker *w)
{
	while (w->conns != NULL)
		conn_free(w->conns);
	if (w->accept_ev != NULL)
		event_free(w->accept_ev);
	if (w->resume_ev != NULL)
		event_free(w->resume_ev);
	if (w->ctl_ev != NULL)
		event_free(w->ctl_ev);
	if (w->drain_ev != NULL)
		event_free(w->drain_ev);
	if (w->lfd != -1)
		close(w->lfd);
	/* A bufferevent freed with a deferred callback pending is released
	 * only when that callback runs: let them run before the base goes
	 * (connections closed just before a stop leaked otherwise). */
	if (w->base != NULL)
		event_base_loop(w->base, EVLOOP_NONBLOCK);
	if (w->base != NULL)
		event_base_free(w->base);
	pkit_ctx_release(&w->ctx);
}

static int
worker_init(struct pkit_ctx *ctx, struct pkit_ca_server *srv,
    struct worker *w, size_t max_conns)
{
	struct event_config *ec;
	struct timeval tv;

	w->srv = srv;
	w->lfd = -1;
	atomic_init(&w->load, 0);
	pkit_ctx_init(&w->ctx);
	w->max_conns = max_conns;
	/* With a changelist, the write event that each response adds and
	 * removes within one loop iteration costs no epoll_ctl (3 a
	 * request without).  No descriptor of a loop is a dup of another
	 * of the same loop, the case the changelist gets wrong. */
	if ((ec = event_config_new()) != NULL) {
		event_config_set_flag(ec, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
		w->base = event_base_new_with_config(ec);
		event_config_free(ec);
	}
	if (w->base == NULL && (w->base = event_base_new()) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_SYSTEM, "event_base_new failed");
	if ((w->lfd = fcntl(srv->lfd, F_DUPFD_CLOEXEC, 3)) == -1)
		return pkit_seterr_sys(ctx, "dup");
	tv = ns_tv(srv->o.read_timeout);
	w->read_tv = event_base_init_common_timeout(w->base, &tv);
	tv = ns_tv(srv->o.idle_timeout);
	w->idle_tv = event_base_init_common_timeout(w->base, &tv);
	w->write_tv = ns_tv(srv->o.write_timeout);
	if (w->read_tv == NULL || w->idle_tv == NULL ||
	    (w->accept_ev = event_new(w->base, w->lfd, EV_READ | EV_PERSIST,
	    accept_cb, w)) == NULL ||
	    (w->resume_ev = evtimer_new(w->base, resume_cb, w)) == NULL ||
	    (w->ctl_ev = event_new(w->base, -1, 0, ctl_cb, w)) == NULL ||
	    (w->drain_ev = evtimer_new(w->base, drain_deadline_cb, w)) == NULL)
		return pkit_seterr_nomem(ctx);
	event_add(w->accept_ev, NULL);
	w->accepting = 1;
	return PKIT_OK;
}

/* ---- the main thread ------------------------------------------------------ */

static void
stop_cb(evutil_socket_t fd, short what, void *arg)
{
	struct pkit_ca_server *srv = arg;
	int i;

	(void)fd;
	(void)what;
	if (srv->stopping)
		return;
	srv->stopping = 1;
	log_event(srv, "info", "shutting down: finishing the requests in "
	    "flight");
	close(srv->lfd);
	srv->lfd = -1;
	for (i = 0; i < srv->nworkers; i++)
		event_active(srv->workers[i].ctl_ev, 0, 0);
	event_base_loopbreak(srv->base);
}

static void
reload_cb(evutil_socket_t fd, short what, void *arg)
{
	struct pkit_ca_server *srv = arg;
	struct snap *old, *s = NULL;
	SSL_CTX *ssl = NULL;
	time_t not_after = 0;

	(void)fd;
	(void)what;
	if (srv->stopping || (old = snap_get(srv)) == NULL)
		return;
	pkit_clearerr(srv->ctx);
	if (snap_load(srv->ctx, srv, old, &s) != 0 ||
	    tls_build(srv->ctx, srv, s, &ssl, &not_after) != 0) {
		log_event(srv, "error", "reloading %s: %s; keeping the "
		    "configuration in use", srv->config, srv->ctx->errbuf);
		snap_free(srv, s);
		snap_put(srv, old);
		return;
	}
	if (srv->o.address == NULL &&
	    strcmp(old->cfg->address, s->cfg->address) != 0)
		log_event(srv, "warning", "address changed to %s: a restart "
		    "is needed to listen there", s->cfg->address);
	snap_put(srv, old);
	publish(srv, s, ssl, not_after);
	evtimer_del(srv->renew_timer);
	schedule_renewal(srv, not_after);
	log_event(srv, "info", "reloaded %s", srv->config);
}

static void
signal_cb(evutil_socket_t sig, short what, void *arg)
{
	(void)what;
	if (sig == SIGHUP)
		reload_cb(-1, 0, arg);
	else
		stop_cb(-1, 0, arg);
}

static void
renew_now_cb(evutil_socket_t fd, short what, void *arg)
{
	renew_cb(fd, what, arg);
}

/* Split "host:port" ("[v6]:port", ":port") and bind a listening socket. */
static int
listen_on(struct pkit_ctx *ctx, struct pkit_ca_server *srv, const char *address)
{
	struct addrinfo hints, *res = NULL, *ai;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char host[256], port[32], ip[INET6_ADDRSTRLEN];
	const char *colon = strrchr(address, ':');
	size_t hl;
	int fd = -1, one = 1, zero = 0, e, r = PKIT_ERR_SYSTEM;

	if (colon == NULL || (size_t)(colon - address) >= sizeof(host) ||
	    strlen(colon + 1) >= sizeof(port))
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "%s: not a host:port address", address);
	hl = (size_t)(colon - address);
	memcpy(host, address, hl);
	host[hl] = '\0';
	if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
		memmove(host, host + 1, hl - 2);
		host[hl - 2] = '\0';
	}
	snprintf(port, sizeof(port), "%s", colon + 1);
	if (port[0] == '\0')
		snprintf(port, sizeof(port), "0");
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = host[0] == '\0' ? AF_INET6 : AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	if ((e = getaddrinfo(host[0] ? host : NULL, port, &hints, &res)) != 0 &&
	    host[0] == '\0') {
		hints.ai_family = AF_INET;
		e = getaddrinfo(NULL, port, &hints, &res);
	}
	if (e != 0)
		return pkit_seterr(ctx, PKIT_ERR_ARG, "%s: %s", address,
		    gai_strerror(e));
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, ai->ai_socktype |
		    SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol)) == -1)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		/* ":443" serves IPv4 and IPv6, as Go's listener does. */
		if (ai->ai_family == AF_INET6 && host[0] == '\0')
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero,
			    sizeof(zero));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    listen(fd, SOMAXCONN) == 0)
			break;
		e = errno;
		close(fd);
		fd = -1;
		errno = e;
	}
	if (fd == -1) {
		r = pkit_seterr_sys(ctx, "listening on %s", address);
		goto out;
	}
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == -1) {
		r = pkit_seterr_sys(ctx, "listening on %s", address);
		close(fd);
		goto out;
	}
	if (ss.ss_family == AF_INET6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

		inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof(ip));
		snprintf(srv->bound, sizeof(srv->bound), "[%s]:%u", ip,
		    ntohs(in6->sin6_port));
	} else {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;

		inet_ntop(AF_INET, &in->sin_addr, ip, sizeof(ip));
		snprintf(srv->bound, sizeof(srv->bound), "%s:%u", ip,
		    ntohs(in->sin_port));
	}
	srv->lfd = fd;
	r = PKIT_OK;
out:
	freeaddrinfo(res);
	return r;
}

/* Connections the process may hold: raise the descriptor limit to its
 * hard maximum and keep some for files and the database. */
static size_t
conn_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 1000;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > 1000000)
		return 1000000;
	return rl.rlim_cur > 128 ? (size_t)rl.rlim_cur - 64 : 64;
}

int
pkit_ca_server_run(struct pkit_ctx *ctx, struct pkit_ca_server *srv)
{
	static const int sigs[3] = { SIGTERM, SIGINT, SIGHUP };
	struct snap *s = NULL;
	SSL_CTX *ssl = NULL;
	sigset_t block, old;
	time_t not_after = 0;
	size_t max_conns, per;
	int i, r = PKIT_ERR_INTERNAL, masked = 0;

	srv->ctx = ctx;
	if ((r = snap_load(ctx, srv, NULL, &s)) != 0)
		return r;
	if ((r = tls_build(ctx, srv, s, &ssl, &not_after)) != 0) {
		snap_free(srv, s);
		return r;
	}
	publish(srv, s, ssl, not_after);
	if ((r = listen_on(ctx, srv, srv->o.address != NULL ? srv->o.address :
	    s->cfg->address)) != 0)
		goto out;
	r = PKIT_ERR_NOMEM;
	if ((srv->base = event_base_new()) == NULL ||
	    (srv->stop_ev = event_new(srv->base, -1, 0, stop_cb, srv)) == NULL ||
	    (srv->reload_ev = event_new(srv->base, -1, 0, reload_cb,
	    srv)) == NULL ||
	    (srv->renew_ev = event_new(srv->base, -1, 0, renew_now_cb,
	    srv)) == NULL ||
	    (srv->renew_timer = evtimer_new(srv->base, renew_cb, srv)) == NULL) {
		r = pkit_seterr_nomem(ctx);
		goto out;
	}
	for (i = 0; srv->o.signals && i < 3; i++)
		if ((srv->sig[i] = evsignal_new(srv->base, sigs[i], signal_cb,
		    srv)) == NULL || evsignal_add(srv->sig[i], NULL) != 0) {
			r = pkit_seterr(ctx, PKIT_ERR_SYSTEM,
			    "cannot handle signal %d", sigs[i]);
			goto out;
		}
	schedule_renewal(srv, not_after);
	max_conns = srv->o.max_conns > 0 ? srv->o.max_conns : conn_limit();
	per = (max_conns + (size_t)srv->nworkers - 1) / (size_t)srv->nworkers;
	if ((srv->workers = calloc((size_t)srv->nworkers,
	    sizeof(*srv->workers))) == NULL) {
		r = pkit_seterr_nomem(ctx);
		goto out;
	}
	for (i = 0; i < srv->nworkers; i++)
		srv->workers[i].lfd = -1;
	for (i = 0; i < srv->nworkers; i++)
		if ((r = worker_init(ctx, srv, &srv->workers[i], per)) != 0)
			goto out;
	/* Signals go to the main thread only. */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	masked = 1;
	for (i = 0; i < srv->nworkers; i++) {
		if ((errno = pthread_create(&srv->workers[i].th, NULL,
		    worker_main, &srv->workers[i])) != 0) {
			r = pkit_seterr_sys(ctx, "starting a thread");
			goto out;
		}
		srv->workers[i].started = 1;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	masked = 0;
	log_event(srv, "info", "Starting pkit %s CA with %d event loops",
	    PACKAGE_VERSION, srv->nworkers);
	log_event(srv, "info", "Config file: %s", srv->config);
	log_event(srv, "info", "X.509 Root Fingerprint: %s",
	    s->pki.fingerprint);
	log_event(srv, "info", "Serving HTTPS on %s ...", srv->bound);
	if (srv->o.ready != NULL)
		srv->o.ready(srv->o.ready_arg, srv->bound, &s->pki);
	event_base_dispatch(srv->base);
	r = PKIT_OK;
out:
	if (masked)
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	srv->stopping = 1;
	for (i = 0; srv->workers != NULL && i < srv->nworkers; i++) {
		if (!srv->workers[i].started)
			continue;
		event_active(srv->workers[i].ctl_ev, 0, 0);
		pthread_join(srv->workers[i].th, NULL);
		srv->workers[i].started = 0;
	}
	if (r == PKIT_OK)
		log_event(srv, "info", "stopped");
	return r;
}

void
pkit_ca_server_stop(struct pkit_ca_server *srv)
{
	if (srv->stop_ev != NULL)
		event_active(srv->stop_ev, 0, 0);
}

void
pkit_ca_server_reload(struct pkit_ca_server *srv)
{
	if (srv->reload_ev != NULL)
		event_active(srv->reload_ev, 0, 0);
}

/* ---- set-up ---------------------------------------------------------------- */

int
pkit_ca_server_new(struct pkit_ctx *ctx, const struct pkit_ca_server_opts *o,
    struct pkit_ca_server **out)
{
	struct pkit_ca_server *srv;
	static int threads_on;
	long n;

	*out = NULL;
	if (!threads_on) {
		if (evthread_use_pthreads() != 0)
			return pkit_seterr(ctx, PKIT_ERR_SYSTEM,
			    "libevent: no thread support");
		threads_on = 1;
	}
	if (o->config == NULL)
		return pkit_seterr(ctx, PKIT_ERR_ARG, "no configuration file");
	if ((srv = calloc(1, sizeof(*srv))) == NULL)
		return pkit_seterr_nomem(ctx);
	srv->o = *o;
	srv->lfd = -1;
	pthread_mutex_init(&srv->lock, NULL);
	if ((srv->config = strdup(o->config)) == NULL ||
	    (o->base != NULL && (srv->base_dir = strdup(o->base)) == NULL) ||
	    (o->address != NULL && (srv->address = strdup(o->address)) == NULL)) {
		pkit_ca_server_free(srv);
		return pkit_seterr_nomem(ctx);
	}
	srv->o.config = srv->config;
	srv->o.base = srv->base_dir;
	srv->o.address = srv->address;
	if (srv->o.read_timeout <= 0)
		srv->o.read_timeout = 15 * SEC;
	if (srv->o.write_timeout <= 0)
		srv->o.write_timeout = 15 * SEC;
	if (srv->o.idle_timeout <= 0)
		srv->o.idle_timeout = 120 * SEC;
	if (srv->o.max_body == 0)
		srv->o.max_body = 1024 * 1024;
	if (srv->o.tls_lifetime <= 0)
		srv->o.tls_lifetime = 24 * 3600 * SEC;
	/* step-ca re-issues on a handshake a minute before the end; a
	 * short-lived certificate (tests) gets a twentieth of its life. */
	srv->tls_margin = 60;
	if (srv->o.tls_lifetime / 20 < 60 * SEC)
		srv->tls_margin = (time_t)(srv->o.tls_lifetime / 20 / SEC);
	if ((n = srv->o.threads) <= 0)
		n = sysconf(_SC_NPROCESSORS_ONLN);
	srv->nworkers = n < 1 ? 1 : n > 64 ? 64 : (int)n;
	*out = srv;
	return PKIT_OK;
}

int
pkit_ca_server_route(struct pkit_ca_server *srv, const char *method,
    const char *pattern, unsigned flags, pkit_ca_handler fn, void *arg)
{
	struct route *rt, *n;
	const char *p, *slash;
	size_t len;

	if (pattern[0] != '/' || fn == NULL)
		return PKIT_ERR_ARG;
	if ((n = reallocarray(srv->routes, srv->nroutes + 1,
	    sizeof(*n))) == NULL)
		return PKIT_ERR_NOMEM;
	srv->routes = n;
	rt = &srv->routes[srv->nroutes];
	memset(rt, 0, sizeof(*rt));
	rt->flags = flags;
	rt->fn = fn;
	rt->arg = arg;
	if ((rt->method = strdup(method)) == NULL ||
	    (rt->segs = calloc(MAX_ROUTE_SEGS, sizeof(char *))) == NULL)
		goto fail;
	for (p = pattern; *p == '/'; p = slash) {
		p++;
		slash = strchr(p, '/');
		len = slash != NULL ? (size_t)(slash - p) : strlen(p);
		if (rt->nsegs == MAX_ROUTE_SEGS ||
		    (rt->segs[rt->nsegs] = strndup(p, len)) == NULL)
			goto fail;
		rt->nsegs++;
		if (slash == NULL)
			break;
	}
	srv->nroutes++;
	return PKIT_OK;
fail:
	while (rt->nsegs > 0)
		free(rt->segs[--rt->nsegs]);
	free(rt->segs);
	free(rt->method);
	return PKIT_ERR_NOMEM;
}

int
pkit_ca_server_extend(struct pkit_ca_server *srv, const struct pkit_ca_ext *ext,
    void *arg, int *id)
{
	struct ext *n;

	if ((n = reallocarray(srv->exts, srv->nexts + 1, sizeof(*n))) == NULL)
		return PKIT_ERR_NOMEM;
	srv->exts = n;
	srv->exts[srv->nexts].ext = *ext;
	srv->exts[srv->nexts].arg = arg;
	*id = (int)srv->nexts++;
	return PKIT_OK;
}

void
pkit_ca_server_free(struct pkit_ca_server *srv)
{
	size_t i, j;
	int k;

	if (srv == NULL)
		return;
	for (k = 0; srv->workers != NULL && k < srv->nworkers; k++)
		worker_release(&srv->workers[k]);
	free(srv->workers);
	for (k = 0; k < 3; k++)
		if (srv->sig[k] != NULL)
			event_free(srv->sig[k]);
	if (srv->stop_ev != NULL)
		event_free(srv->stop_ev);
	if (srv->reload_ev != NULL)
		event_free(srv->reload_ev);
	if (srv->renew_ev != NULL)
		event_free(srv->renew_ev);
	if (srv->renew_timer != NULL)
		event_free(srv->renew_timer);
	if (srv->base != NULL)
		event_base_free(srv->base);
	if (srv->lfd != -1)
		close(srv->lfd);
	SSL_CTX_free(srv->ssl);
	if (srv->snap != NULL)
		snap_put(srv, srv->snap);
	for (i = 0; i < srv->nroutes; i++) {
		for (j = 0; j < srv->routes[i].nsegs; j++)
			free(srv->routes[i].segs[j]);
		free(srv->routes[i].segs);
		free(srv->routes[i].method);
	}
	free(srv->routes);
	free(srv->exts);
	free(srv->config);
	free(srv->base_dir);
	free(srv->address);
	pthread_mutex_destroy(&srv->lock);
	free(srv);
}

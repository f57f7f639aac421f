/* api_sign.c - step-ca's certificate routes: POST /sign, /renew, /rekey,
 * /revoke (research/step-ca-api.md §1.2, §1.3, §7, §8.1).  The handlers
 * only turn JSON into authority calls and refusals into step-ca's error
 * bodies; authority.c decides.
 *
 * Group commit.  Certificates are signed on the event loop threads, then
 * handed to the configuration's committer thread, which records what has
 * queued up (token ids and certificates) in one transaction, commits it
 * durably, and posts each request back to its event loop to be answered:
 * a certificate is never returned before it is on stable storage, a
 * batch costs one fsync whatever the number of loops, and the loops never
 * wait for the database (nor for each other's write lock) while they
 * sign.  The reads of /renew and the transaction of /revoke use a
 * handle of the loop's own ("slot", found by the thread's event base).
 * Without a database there is nothing to wait for: token ids go to the
 * authority's memory and the answer is immediate.
 */
#include "config.h"

#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/event.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#include "lib/ca/authority_impl.h"
#include "lib/ca/server.h"
#include "lib/timeutil.h"
#include "lib/x509.h"
#include "lib/x509_build.h"

/* Event loop threads the server may run (ca serve --threads allows 64). */
#define MAX_SLOTS 128
/* Most certificates recorded in one transaction. */
#define MAX_BATCH 1024

struct pending {
	struct pending *next;
	struct event_base *base;	/* the loop that answers it */
	struct pkit_ca_req *req;
	struct pkit_ca_issued *cert;
	char *body;
	size_t len;
	struct pkit_ca_refusal why;
	char *err;		/* the log detail of a refusal */
	int failed;
};

struct api_state;

struct slot {
	struct api_state *st;
	struct event_base *base;
	struct pkit_db *db;
};

/* The committer thread and its queue. */
struct committer {
	pthread_t th;
	int started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct pending *head, **tail;
	int stop;
	struct pkit_db *db;
	struct pkit_ctx ctx;
};

struct api_state {
	struct pkit_ca_auth *auth;
	const char *db_type, *db_dsn;	/* NULL: no database */
	pthread_mutex_t lock;
	struct slot *slots[MAX_SLOTS];
	size_t nslots;
	struct committer c;
};

static void *committer_main(void *arg);

/* ---- per-configuration state ------------------------------------------------- */

static void
state_free(void *arg)
{
	struct api_state *st = arg;
	size_t i;

	if (st == NULL)
		return;
	if (st->c.started) {
		pthread_mutex_lock(&st->c.mu);
		st->c.stop = 1;
		pthread_cond_signal(&st->c.cv);
		pthread_mutex_unlock(&st->c.mu);
		pthread_join(st->c.th, NULL);
	}
	pkit_db_close(st->c.db);
	pkit_ctx_release(&st->c.ctx);
	pthread_cond_destroy(&st->c.cv);
	pthread_mutex_destroy(&st->c.mu);
	for (i = 0; i < st->nslots; i++) {
		pkit_db_close(st->slots[i]->db);
		free(st->slots[i]);
	}
	pthread_mutex_destroy(&st->lock);
	pkit_ca_auth_free(st->auth);
	free(st);
}

static int
state_load(struct pkit_ctx *ctx, void *arg, const struct pkit_ca_pki *pki,
    void **out)
{
	struct pkit_ca_authority *a = arg;
	struct api_state *st;
	int r;

	*out = NULL;
	if ((st = calloc(1, sizeof(*st))) == NULL)
		return pkit_seterr_nomem(ctx);
	pkit_ctx_init(&st->c.ctx);
	st->c.ctx.libctx = ctx->libctx;
	st->c.ctx.propq = ctx->propq;
	st->c.tail = &st->c.head;
	if (pthread_mutex_init(&st->lock, NULL) != 0 ||
	    pthread_mutex_init(&st->c.mu, NULL) != 0 ||
	    pthread_cond_init(&st->c.cv, NULL) != 0) {
		free(st);
		return pkit_seterr(ctx, PKIT_ERR_SYSTEM, "mutex");
	}
	if ((r = pkit_ca_auth_load(ctx, a, pki, &st->auth)) != 0)
		goto fail;
	pkit_ca_auth_db(st->auth, &st->db_type, &st->db_dsn);
	/* The committer's handle: a database that does not open refuses
	 * the configuration at start-up (or reload), not at a request. */
	if (st->db_type != NULL) {
		if ((r = pkit_db_open(ctx, st->db_type, st->db_dsn,
		    &st->c.db)) != 0)
			goto fail;
		pkit_db_defer_upkeep(st->c.db);
		if (pthread_create(&st->c.th, NULL, committer_main, st) != 0) {
			r = pkit_seterr_sys(ctx, "committer thread");
			goto fail;
		}
		st->c.started = 1;
	}
	*out = st;
	return PKIT_OK;
fail:
	state_free(st);
	return r;
}

static const struct pkit_ca_ext api_ext = {
	"authority", state_load, state_free
};

/* This thread's slot (created on first use); NULL when out of memory or
 * the database does not open (the reason is in ctx). */
static struct slot *
slot_get(struct pkit_ctx *ctx, struct api_state *st, struct event_base *base)
{
	struct slot *s = NULL;
	size_t i;

	pthread_mutex_lock(&st->lock);
	for (i = 0; i < st->nslots; i++)
		if (st->slots[i]->base == base) {
			s = st->slots[i];
			goto out;
		}
	if (st->nslots == MAX_SLOTS) {
		pkit_seterr(ctx, PKIT_ERR_INTERNAL, "too many event loops");
		goto out;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		pkit_seterr_nomem(ctx);
		goto out;
	}
	s->st = st;
	s->base = base;
	if (st->db_type != NULL &&
	    pkit_db_open(ctx, st->db_type, st->db_dsn, &s->db) != 0) {
		free(s);
		s = NULL;
		goto out;
	}
	st->slots[st->nslots++] = s;
out:
	pthread_mutex_unlock(&st->lock);
	return s;
}

/* ---- replies ---------------------------------------------------------------- */

/* Answer a refusal: the detail (ctx's message) goes to the log. */
void
pkit_ca_api_refuse(struct pkit_ca_req *req, const struct pkit_ca_refusal *why,
    const char *detail)
{
	if (detail != NULL && *detail != '\0')
		pkit_ca_req_log(req, "error", "%s", detail);
	if (why->msg[0] != '\0')
		pkit_ca_reply_error(req, why->status, "%s", why->msg);
	else
		pkit_ca_reply_error(req, why->status, NULL);
}

void
pkit_ca_api_refuse_msg(struct pkit_ca_req *req, int status, const char *msg,
    const char *detail)
{
	struct pkit_ca_refusal why;

	pkit_ca_auth_refuse(&why, status, "%s", msg != NULL ? msg : "");
	pkit_ca_api_refuse(req, &why, detail);
}

static void
log_cert(struct pkit_ca_req *req, const struct pkit_ca_issued *c)
{
	char t[32];

	pkit_ca_req_log(req, "serial", "%s", c->serial_dec);
	pkit_ca_req_log(req, "subject", "%s", c->subject);
	if (c->prov_name != NULL)
		pkit_ca_req_log(req, "provisioner", "%s", c->prov_name);
	pkit_time_format(c->not_before, t, sizeof(t));
	pkit_ca_req_log(req, "valid-from", "%s", t);
	pkit_time_format(c->not_after, t, sizeof(t));
	pkit_ca_req_log(req, "valid-to", "%s", t);
}

static void
pending_free(struct pending *p)
{
	if (p == NULL)
		return;
	pkit_ca_issued_free(p->cert);
	free(p->body);
	free(p->err);
	free(p);
}

/* On the event loop: answer the requests of a committed batch. */
static void
answer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct pending *p = arg, *next;

	(void)fd;
	(void)what;
	/* The last answer may free the configuration: touch nothing of it. */
	pkit_ca_log_hold();
	for (; p != NULL; p = next) {
		next = p->next;
		if (p->failed)
			pkit_ca_api_refuse(p->req, &p->why, p->err);
		else {
			log_cert(p->req, p->cert);
			pkit_ca_reply(p->req, 201, "application/json", p->body,
			    p->len);
		}
		pending_free(p);
	}
	pkit_ca_log_release();
}

/* Record a batch in one transaction; on failure nothing of it was. */
static void
commit_batch(struct api_state *st, struct pending *list)
{
	struct committer *c = &st->c;
	struct pkit_ctx *ctx = &c->ctx;
	struct pending *p;
	char *dberr = NULL;
	int r;

	pkit_clearerr(ctx);
	if ((r = pkit_db_batch_begin(ctx, c->db)) == 0) {
		for (p = list; p != NULL; p = p->next) {
			pkit_clearerr(ctx);
			if (pkit_ca_auth_record(ctx, st->auth, c->db, p->cert,
			    &p->why) != 0) {
				p->failed = 1;
				p->err = strdup(ctx->errbuf);
			}
		}
		r = pkit_db_batch_commit(ctx, c->db);
	}
	if (r == 0)
		return;
	dberr = strdup(ctx->errbuf);
	for (p = list; p != NULL; p = p->next) {
		pkit_ca_auth_refuse(&p->why, 500, NULL);
		p->failed = 1;
		free(p->err);
		p->err = dberr != NULL ? strdup(dberr) : NULL;
	}
	free(dberr);
}

/* Send each request of list back to its event loop. */
static void
post_back(struct pending *list)
{
	struct pending *p, *mine, **tail, *rest;

	while (list != NULL) {
		struct event_base *base = list->base;

		mine = NULL;
		tail = &mine;
		rest = NULL;
		while (list != NULL) {
			p = list;
			list = p->next;
			if (p->base == base) {
				*tail = p;
				tail = &p->next;
			} else {
				p->next = rest;
				rest = p;
			}
		}
		*tail = NULL;
		/* event_base_once() is thread-safe and wakes the loop; it
		 * only fails when out of memory: keep trying then. */
		while (event_base_once(base, -1, EV_TIMEOUT, answer_cb, mine,
		    NULL) != 0)
			sched_yield();
		list = rest;
	}
}

static void *
committer_main(void *arg)
{
	struct api_state *st = arg;
	struct committer *c = &st->c;
	struct pending *list, **tail;
	size_t n;

	pthread_mutex_lock(&c->mu);
	for (;;) {
		while (c->head == NULL && !c->stop)
			pthread_cond_wait(&c->cv, &c->mu);
		if (c->head == NULL)
			break;
		/* take up to MAX_BATCH, oldest first */
		list = c->head;
		for (n = 1, tail = &list->next; *tail != NULL && n < MAX_BATCH;
		    n++)
			tail = &(*tail)->next;
		c->head = *tail;
		if (c->head == NULL)
			c->tail = &c->head;
		*tail = NULL;
		pthread_mutex_unlock(&c->mu);
		commit_batch(st, list);
		post_back(list);
		/* a checkpoint, when due, delays the next batch, not this one */
		(void)pkit_db_upkeep(&c->ctx, c->db);
		pthread_mutex_lock(&c->mu);
	}
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

/* Answer with cert (201) once it is recorded: through the committer with
 * a database, at once without one.  Takes cert. */
static int
issue(struct pkit_ca_req *req, struct api_state *st,
    struct pkit_ca_issued *cert)
{
	struct pkit_ctx *ctx = pkit_ca_req_ctx(req);
	struct pkit_ca_refusal why;
	struct pending *p;
	char *body = NULL;
	size_t len = 0;

	if (pkit_ca_auth_response(ctx, st->auth, cert, &body, &len) != 0) {
		pkit_ca_issued_free(cert);
		pkit_ca_api_refuse_msg(req, 500, NULL, ctx->errbuf);
		return PKIT_CA_DONE;
	}
	if (st->db_type == NULL) {
		if (pkit_ca_auth_record(ctx, st->auth, NULL, cert, &why) != 0)
			pkit_ca_api_refuse(req, &why, ctx->errbuf);
		else {
			log_cert(req, cert);
			pkit_ca_reply(req, 201, "application/json", body, len);
		}
		free(body);
		pkit_ca_issued_free(cert);
		return PKIT_CA_DONE;
	}
	if ((p = calloc(1, sizeof(*p))) == NULL) {
		free(body);
		pkit_ca_issued_free(cert);
		pkit_ca_api_refuse_msg(req, 500, NULL, "out of memory");
		return PKIT_CA_DONE;
	}
	p->base = pkit_ca_req_base(req);
	p->req = req;
	p->cert = cert;
	p->body = body;
	p->len = len;
	pthread_mutex_lock(&st->c.mu);
	*st->c.tail = p;
	st->c.tail = &p->next;
	pthread_cond_signal(&st->c.cv);
	pthread_mutex_unlock(&st->c.mu);
	return PKIT_CA_ASYNC;
}

/* ---- request bodies --------------------------------------------------------- */

/* The JSON object of the body; NULL after answering 400. */
json_t *
pkit_ca_api_read_json(struct pkit_ca_req *req)
{
	const unsigned char *body;
	json_error_t e;
	json_t *doc;
	size_t len;

	body = pkit_ca_req_body(req, &len);
	doc = json_loadb((const char *)body, len, 0, &e);
	if (doc == NULL || !json_is_object(doc)) {
		json_decref(doc);
		pkit_ca_api_refuse_msg(req, 400, "error decoding json",
		    len == 0 ?
		    "error decoding json: EOF" : "error decoding json");
		return NULL;
	}
	return doc;
}

/* A string member: 1 set (non-empty), 0 absent, null or "", -1 not a
 * string (the body does not decode as step's type). */
int
pkit_ca_api_member_str(const json_t *doc, const char *key, const char **out)
{
	const json_t *v = json_object_get(doc, key);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v) || strlen(json_string_value(v)) !=
	    json_string_length(v))
		return -1;
	if (json_string_length(v) == 0)
		return 0;
	*out = json_string_value(v);
	return 1;
}

/* The "csr" of a body, read and checked as step's SignRequest.Validate()
 * does; NULL after answering 400. */
static struct api_state *state(struct pkit_ca_req *req, void *arg);

static struct pkit_ca_csr *
read_csr(struct pkit_ca_req *req, void *arg, const json_t *doc)
{
	struct pkit_ctx *ctx = pkit_ca_req_ctx(req);
	struct pkit_ca_refusal why;
	struct pkit_ca_csr *csr = NULL;
	const char *pem;
	int have = pkit_ca_api_member_str(doc, "csr", &pem);

	if (have < 0) {
		pkit_ca_api_refuse_msg(req, 400, "error decoding json",
		    "error decoding csr");
		return NULL;
	}
	if (have == 0) {
		pkit_ca_api_refuse_msg(req, 400, "missing csr", NULL);
		return NULL;
	}
	if (pkit_ca_auth_csr_read(ctx, state(req, arg)->auth, pem, strlen(pem),
	    &csr, &why) != 0) {
		pkit_ca_api_refuse(req, &why, ctx->errbuf);
		return NULL;
	}
	return csr;
}

static struct api_state *
state(struct pkit_ca_req *req, void *arg)
{
	return pkit_ca_req_ext(req, ((struct pkit_ca_authority *)arg)->api_id);
}

/* ---- handlers ---------------------------------------------------------------- */

/* POST /sign {"csr","ott","notBefore","notAfter","templateData"}. */
static int
h_sign(struct pkit_ca_req *req, void *arg)
{
	struct api_state *st = state(req, arg);
	struct pkit_ctx *ctx = pkit_ca_req_ctx(req);
	struct pkit_ca_auth_sign_req sr;
	struct pkit_ca_refusal why;
	struct pkit_ca_ott *tok = NULL;
	struct pkit_ca_issued *cert = NULL;
	const char *ott;
	json_t *doc;
	struct pkit_ca_csr *csr = NULL;
	int ret = PKIT_CA_DONE, a, b;

	if ((doc = pkit_ca_api_read_json(req)) == NULL)
		return PKIT_CA_DONE;
	memset(&sr, 0, sizeof(sr));
	if ((a = pkit_ca_api_member_str(doc, "notBefore",
	    &sr.not_before)) < 0 ||
	    (b = pkit_ca_api_member_str(doc, "notAfter", &sr.not_after)) < 0) {
		pkit_ca_api_refuse_msg(req, 400, "error decoding json",
		    "error decoding "
		    "json: notBefore and notAfter are strings");
		goto out;
	}
	if ((csr = read_csr(req, arg, doc)) == NULL)
		goto out;
	if (pkit_ca_api_member_str(doc, "ott", &ott) <= 0) {
		pkit_ca_api_refuse_msg(req, 400, "missing ott", NULL);
		goto out;
	}
	if (pkit_ca_auth_token(ctx, st->auth, ott, strlen(ott), PKIT_CA_AUD_SIGN,
	    &tok) != 0) {
		pkit_ca_api_refuse_msg(req, 401, NULL, ctx->errbuf);
		goto out;
	}
	pkit_ca_req_log(req, "provisioner", "%s", pkit_ca_auth_prov_name(tok->prov));
	sr.csr = csr;
	sr.template_data = json_object_get(doc, "templateData");
	if (pkit_ca_auth_sign(ctx, st->auth, tok, &sr, &cert, &why) != 0) {
		pkit_ca_api_refuse(req, &why, ctx->errbuf);
		goto out;
	}
	ret = issue(req, st, cert);
	cert = NULL;
out:
	pkit_ca_issued_free(cert);
	pkit_ca_ott_free(tok);
	pkit_ca_auth_csr_free(csr);
	json_decref(doc);
	return ret;
}

/* The Bearer token of an Authorization header, or NULL. */
static const char *
bearer(struct pkit_ca_req *req)
{
	const char *h = pkit_ca_req_header(req, "Authorization");

	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0)
		return NULL;
	for (h += 7; *h == ' '; h++)
		;
	return *h != '\0' ? h : NULL;
}

/* POST /renew (mTLS, or a renew token) and POST /rekey {"csr"} (mTLS). */
static int
renew(struct pkit_ca_req *req, void *arg, int rekey)
{
	struct api_state *st = state(req, arg);
	struct pkit_ctx *ctx = pkit_ca_req_ctx(req);
	struct pkit_ca_refusal why;
	struct pkit_ca_ott *tok = NULL;
	struct pkit_ca_issued *cert = NULL;
	struct slot *s;
	const char *token;
	json_t *doc = NULL;
	struct pkit_ca_csr *csr = NULL;
	X509 *crt = pkit_ca_req_peer(req);
	int ret = PKIT_CA_DONE;

	if (crt != NULL)
		X509_up_ref(crt);
	else if (!rekey && (token = bearer(req)) != NULL) {
		if (pkit_ca_auth_renew_token(ctx, st->auth, token,
		    strlen(token), &crt, &tok) != 0) {
			pkit_ca_api_refuse_msg(req, 401, NULL, ctx->errbuf);
			goto out;
		}
	} else {
		pkit_ca_api_refuse_msg(req, 400, "missing client certificate",
		    NULL);
		goto out;
	}
	if (rekey && ((doc = pkit_ca_api_read_json(req)) == NULL ||
	    (csr = read_csr(req, arg, doc)) == NULL))
		goto out;
	if ((s = slot_get(ctx, st, pkit_ca_req_base(req))) == NULL) {
		pkit_ca_api_refuse_msg(req, 500, NULL, ctx->errbuf);
		goto out;
	}
	if (pkit_ca_auth_renew(ctx, st->auth, s->db, crt, csr, &cert,
	    &why) != 0) {
		pkit_ca_api_refuse(req, &why, ctx->errbuf);
		goto out;
	}
	if (tok != NULL) {
		snprintf(cert->token_id, sizeof(cert->token_id), "%s", tok->id);
		cert->token_expires = tok->expires;
	}
	ret = issue(req, st, cert);
	cert = NULL;
out:
	pkit_ca_issued_free(cert);
	pkit_ca_ott_free(tok);
	pkit_ca_auth_csr_free(csr);
	X509_free(crt);
	json_decref(doc);
	return ret;
}

static int
h_renew(struct pkit_ca_req *req, void *arg)
{
	return renew(req, arg, 0);
}

static int
h_rekey(struct pkit_ca_req *req, void *arg)
{
	return renew(req, arg, 1);
}

/* POST /revoke {"serial","ott","reasonCode","reason","passive"}. */
static int
h_revoke(struct pkit_ca_req *req, void *arg)
{
	struct api_state *st = state(req, arg);
	struct pkit_ctx *ctx = pkit_ca_req_ctx(req);
	struct pkit_ca_auth_revoke_req rr;
	struct pkit_ca_refusal why;
	struct pkit_ca_ott *tok = NULL;
	struct slot *s;
	const json_t *v, *pv;
	const char *ott = NULL;
	char hex[PKIT_DB_SERIAL_MAX + 1], *dec = NULL;
	json_t *doc;
	json_int_t code = 0;

	if ((doc = pkit_ca_api_read_json(req)) == NULL)
		return PKIT_CA_DONE;
	memset(&rr, 0, sizeof(rr));
	v = json_object_get(doc, "reasonCode");
	pv = json_object_get(doc, "passive");
	if (pkit_ca_api_member_str(doc, "serial", &rr.serial) < 0 ||
	    pkit_ca_api_member_str(doc, "ott", &ott) < 0 ||
	    pkit_ca_api_member_str(doc, "reason", &rr.reason) < 0 ||
	    (v != NULL && !json_is_null(v) && !json_is_integer(v)) ||
	    (pv != NULL && !json_is_null(pv) && !json_is_boolean(pv))) {
		pkit_ca_api_refuse_msg(req, 400, "error decoding json", NULL);
		goto out;
	}
	if (json_is_integer(v))
		code = json_integer_value(v);
	/* step's RevokeRequest.Validate() */
	if (rr.serial == NULL) {
		pkit_ca_api_refuse_msg(req, 400, "missing serial", NULL);
		goto out;
	}
	if (pkit_ca_auth_serial(ctx, rr.serial, &dec, hex) != 0) {
		pkit_ca_api_refuse_msg(req, 400, ctx->errbuf, NULL);
		goto out;
	}
	pkit_ca_req_log(req, "serial", "%s", dec);
	if (code < 0 || code > 10) {
		pkit_ca_api_refuse_msg(req, 400, "reasonCode out of bounds",
		    NULL);
		goto out;
	}
	rr.reason_code = (int)code;
	if (!json_is_true(pv)) {
		pkit_ca_api_refuse_msg(req, 501,
		    "non-passive revocation not implemented",
		    NULL);
		goto out;
	}
	if (ott != NULL) {
		if (pkit_ca_auth_token(ctx, st->auth, ott, strlen(ott),
		    PKIT_CA_AUD_REVOKE, &tok) != 0) {
			pkit_ca_api_refuse_msg(req, 401, NULL, ctx->errbuf);
			goto out;
		}
		pkit_ca_req_log(req, "provisioner", "%s",
		    pkit_ca_auth_prov_name(tok->prov));
		rr.tok = tok;
	} else
		rr.peer = pkit_ca_req_peer(req);
	if ((s = slot_get(ctx, st, pkit_ca_req_base(req))) == NULL) {
		pkit_ca_api_refuse_msg(req, 500, NULL, ctx->errbuf);
		goto out;
	}
	if (pkit_ca_auth_revoke(ctx, st->auth, s->db, &rr, NULL, &why) != 0) {
		pkit_ca_api_refuse(req, &why, ctx->errbuf);
		goto out;
	}
	pkit_ca_req_log(req, "reason-code", "%d", rr.reason_code);
	pkit_ca_revocation_notify(req, arg);
	pkit_ca_reply_json(req, 200, json_pack("{s:s}", "status", "ok"));
out:
	free(dec);
	pkit_ca_ott_free(tok);
	json_decref(doc);
	return PKIT_CA_DONE;
}

int
pkit_ca_api_sign(struct pkit_ctx *ctx, struct pkit_ca_server *srv,
    struct pkit_ca_authority *a)
{
	static const struct {
		const char *pattern;
		pkit_ca_handler fn;
	} routes[] = {
		{ "/sign", h_sign },
		{ "/renew", h_renew },
		{ "/rekey", h_rekey },
		{ "/revoke", h_revoke },
	};
	size_t i;
	int r;

	if ((r = pkit_ca_server_extend(srv, &api_ext, a, &a->api_id)) != 0)
		return pkit_seterr(ctx, r, "registering the certificate routes");
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if ((r = pkit_ca_server_route(srv, "POST", routes[i].pattern, 0,
		    routes[i].fn, a)) != 0)
			return pkit_seterr(ctx, r, "registering %s",
			    routes[i].pattern);
	return PKIT_OK;
}

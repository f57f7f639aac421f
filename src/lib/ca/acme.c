/* acme.c - the ACME server (RFC 8555) of `pkit ca serve`: the routes of
 * /acme/{provisioner}/..., the JWS checks of §6.2, accounts, orders,
 * authorizations, challenges, finalize, certificates, revocation and key
 * change.  See acme.h for ca.json and the storage.
 *
 * Every POST goes through authenticate(): application/jose+json, a
 * flattened JWS with exactly protected/payload/signature, an allowed
 * alg, a nonce that this server issued and that was never used (its
 * replay id goes to the database's token table, atomically), a "url"
 * equal to the request's, and either "jwk" or "kid" as the route wants.
 * Only then is the signature checked and the payload read.
 *
 * Nonces are stateless until used: 16 random bytes, the time, and a MAC
 * under a key kept in the database (so that servers sharing a database
 * accept each other's nonces).  Order status is derived when an order is
 * read (pending, then ready when every authorization is valid, invalid
 * when one is invalid or the order expired), so that challenge workers
 * only ever write the authorization they validated.  While a validation
 * runs, the challenge, its authorization and its order answer with a
 * Retry-After (RFC 8555 §8.2) for the client's polling.  A validated
 * authorization is indexed by account and identifier (B_VALID) so that a
 * new order of the account reuses it, as Boulder does.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/event.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "lib/ca/acme.h"
#include "lib/ca/authority_impl.h"
#include "lib/ca/server.h"
#include "lib/codec.h"
#include "lib/http.h"
#include "lib/jwk.h"
#include "lib/jws.h"
#include "lib/secret.h"
#include "lib/timeutil.h"

#define MAX_SLOTS 128
#define NWORKERS 4
/* Validations waiting for a worker at most; more are refused (429). */
#define MAX_QUEUE 1000
/* Largest ACME request body (a CSR of a large RSA key fits many times). */
#define ACME_MAX_BODY (64 * 1024)
/* How long a nonce, an order and an authorization live (seconds). */
#define NONCE_LIFE 3600
#define ORDER_LIFE (24 * 3600)
/* A valid authorization is reused by a new order of its account only
 * while it has this long (seconds) left. */
#define REUSE_MIN_LIFE 3600
/* What a client polling an object being validated is told to wait
 * (RFC 8555 §7.5.1, §8.2); step-ca and Boulder say a few seconds. */
#define RETRY_AFTER "Retry-After: 1"
/* Orders an account lists (the oldest are dropped from the list). */
#define MAX_ACC_ORDERS 1000
/* Most identifiers in one order. */
#define MAX_IDENTIFIERS 100
#define ERR_NS "urn:ietf:params:acme:error:"

/* The bucket names of the key/value store. */
#define B_ACCOUNT "acme.account"
#define B_ACCKEY "acme.acckey"
#define B_ORDER "acme.order"
#define B_AUTHZ "acme.authz"
#define B_CERT "acme.cert"
#define B_SERIAL "acme.serial"
/* "{account} {type} {value}" -> the id of the account's last valid
 * authorization for that identifier (value with "*." for a wildcard) */
#define B_VALID "acme.validauthz"

struct acme_prov {
	const char *name;
	int force_cn, require_eab;
	int ch_http, ch_dns, ch_alpn;
	struct pkit_acme_dev dev;
	const json_t *conf;
};

struct job {
	struct job *next;
	char *authz, *type, *name, *token, *keyauth;
	struct pkit_acme_dev dev;
};

struct slot {
	struct event_base *base;
	struct pkit_db *db;
};

struct acme_state {
	struct pkit_ca_auth *auth;
	const struct pkit_ca_pki *pki;
	const char *db_type, *db_dsn;
	struct acme_prov *provs;
	size_t nprovs;
	unsigned char nonce_key[32];
	pthread_mutex_t lock;
	struct slot slots[MAX_SLOTS];
	size_t nslots;
	/* the challenge workers */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct job *head, **tail;
	size_t queued;
	int stop;
	pthread_t th[NWORKERS];
	int nth;
	OSSL_LIB_CTX *libctx;
	const char *propq;
};

/* One request being served. */
struct areq {
	struct pkit_ca_req *req;
	struct pkit_ctx *ctx;
	struct acme_state *st;
	const struct acme_prov *prov;
	struct pkit_db *db;
	char base[600];		/* https://host/acme/prov */
	char url[1200];		/* this request's URL */
	struct pkit_jws *jws;
	json_t *payload;	/* NULL: POST-as-GET */
	json_t *jwk;		/* the key that signed (borrowed) */
	struct pkit_jwk_key *key;
	char *thumb;
	char acc_id[64];
	json_t *acc;		/* the account (kid requests) */
	const char *retry;	/* RETRY_AFTER or NULL: a header of the reply */
};

/* What signs a route's requests: nothing (GET), a new key (jwk), an
 * account (kid), or either. */
enum auth_mode { A_NONE, A_JWK, A_KID, A_EITHER };

/* What the reply helpers return: the request was answered (not 0, so
 * that "if (authenticate(...) == 0)" goes on only when it was not). */
#define ANSWERED 1

static void *worker_main(void *arg);

/* ---- small helpers ---------------------------------------------------------- */

static void
time_text(time_t t, char *buf, size_t size)
{
	pkit_time_format(t, buf, size);
}

static time_t
json_time(const json_t *o, const char *key)
{
	return (time_t)json_integer_value(json_object_get(o, key));
}

static const char *
jstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* 1 when o's member key is the string value. */
static int
jstr_is(const json_t *o, const char *key, const char *value)
{
	const char *s = jstr(o, key);

	return s != NULL && value != NULL && strcmp(s, value) == 0;
}

/* A random base64url id of n bytes. */
static int
rand_id(struct pkit_ctx *ctx, size_t n, char *out, size_t size)
{
	unsigned char b[32];
	char *s = NULL;
	int r;

	if (n > sizeof(b) || RAND_bytes(b, (int)n) != 1)
		return pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "random");
	if ((r = pkit_b64_encode(ctx, PKIT_B64_URL_RAW, b, n, &s)) != 0)
		return r;
	snprintf(out, size, "%s", s);
	free(s);
	return PKIT_OK;
}

/* The B_VALID key of an identifier ordered by account acc. */
static void
valid_key(const char *acc, const char *type, const char *value, int wild,
    char *out, size_t size)
{
	snprintf(out, size, "%s %s %s%s", acc, type, wild ? "*." : "", value);
}

static int
kv_get_json(struct pkit_ctx *ctx, struct pkit_db *db, const char *bucket,
    const char *key, json_t **out)
{
	unsigned char *v = NULL;
	size_t len = 0;
	json_t *o;
	int r;

	if ((r = pkit_db_kv_get(ctx, db, bucket, key, &v, &len)) != 0)
		return r;
	o = json_loadb((const char *)v, len, 0, NULL);
	free(v);
	if (!json_is_object(o)) {
		json_decref(o);
		return pkit_seterr(ctx, PKIT_ERR_DB, "%s/%s: not a JSON object",
		    bucket, key);
	}
	*out = o;
	return PKIT_OK;
}

static int
kv_put_json(struct pkit_ctx *ctx, struct pkit_db *db, const char *bucket,
    const char *key, const json_t *o, unsigned flags)
{
	char *s;
	int r;

	if ((s = json_dumps(o, JSON_COMPACT)) == NULL)
		return pkit_seterr_nomem(ctx);
	r = pkit_db_kv_put(ctx, db, bucket, key, s, strlen(s), flags);
	free(s);
	return r;
}

/* ---- per-configuration state -------------------------------------------------- */

static void
job_free(struct job *j)
{
	if (j == NULL)
		return;
	free(j->authz);
	free(j->type);
	free(j->name);
	free(j->token);
	free(j->keyauth);
	free(j);
}

static void
state_free(void *arg)
{
	struct acme_state *st = arg;
	struct job *j;
	size_t i;
	int k;

	if (st == NULL)
		return;
	pthread_mutex_lock(&st->mu);
	st->stop = 1;
	pthread_cond_broadcast(&st->cv);
	pthread_mutex_unlock(&st->mu);
	for (k = 0; k < st->nth; k++)
		pthread_join(st->th[k], NULL);
	while ((j = st->head) != NULL) {
		st->head = j->next;
		job_free(j);
	}
	for (i = 0; i < st->nslots; i++)
		pkit_db_close(st->slots[i].db);
	pthread_mutex_destroy(&st->lock);
	pthread_mutex_destroy(&st->mu);
	pthread_cond_destroy(&st->cv);
	pkit_secret_wipe(st->nonce_key, sizeof(st->nonce_key));
	free(st->provs);
	pkit_ca_auth_free(st->auth);
	free(st);
}

static int
load_dev(struct pkit_ctx *ctx, const char *cfg, struct acme_prov *p)
{
	const json_t *d = json_object_get(p->conf, "pkitDev"), *v;
	const char *s;

	if (d == NULL)
		return PKIT_OK;
	if (!json_is_object(d))
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: provisioner %s: "
		    "pkitDev: expected an object", cfg, p->name);
	if ((v = json_object_get(d, "http01Port")) != NULL) {
		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    json_integer_value(v) > 65535)
			goto bad;
		p->dev.http_port = (int)json_integer_value(v);
	}
	if ((v = json_object_get(d, "tlsALPN01Port")) != NULL) {
		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    json_integer_value(v) > 65535)
			goto bad;
		p->dev.tls_port = (int)json_integer_value(v);
	}
	if ((v = json_object_get(d, "resolver")) != NULL) {
		if ((s = json_string_value(v)) == NULL || strchr(s, ':') == NULL ||
		    strlen(s) >= sizeof(p->dev.resolver))
			goto bad;
		snprintf(p->dev.resolver, sizeof(p->dev.resolver), "%s", s);
	}
	return PKIT_OK;
bad:
	return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: provisioner %s: pkitDev: "
	    "ports are 1 to 65535, the resolver is \"host:port\"", cfg, p->name);
}

static int
load_provs(struct pkit_ctx *ctx, struct acme_state *st)
{
	const struct pkit_ca_config *cfg = st->pki->cfg;
	const json_t *ch, *v;
	size_t i, k;
	int r;

	if ((st->provs = calloc(cfg->nprovisioners + 1,
	    sizeof(*st->provs))) == NULL)
		return pkit_seterr_nomem(ctx);
	for (i = 0; i < cfg->nprovisioners; i++) {
		struct acme_prov *p = &st->provs[st->nprovs];

		if (strcmp(cfg->provisioners[i].type, "ACME") != 0)
			continue;
		p->name = cfg->provisioners[i].name;
		p->conf = cfg->provisioners[i].json;
		p->force_cn = json_is_true(json_object_get(p->conf, "forceCN"));
		p->require_eab = json_is_true(json_object_get(p->conf,
		    "requireEAB"));
		ch = json_object_get(p->conf, "challenges");
		if (ch == NULL || json_is_null(ch)) {
			p->ch_http = p->ch_dns = p->ch_alpn = 1;
		} else if (!json_is_array(ch)) {
			return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: provisioner "
			    "%s: challenges: expected a list", cfg->name,
			    p->name);
		} else {
			json_array_foreach(ch, k, v) {
				const char *s = json_string_value(v);

				if (s != NULL && strcmp(s, "http-01") == 0)
					p->ch_http = 1;
				else if (s != NULL && strcmp(s, "dns-01") == 0)
					p->ch_dns = 1;
				else if (s != NULL && strcmp(s, "tls-alpn-01") ==
				    0)
					p->ch_alpn = 1;
				else if (s == NULL || strcmp(s,
				    "device-attest-01") != 0)
					return pkit_seterr(ctx, PKIT_ERR_FORMAT,
					    "%s: provisioner %s: challenges: "
					    "unknown type %s", cfg->name,
					    p->name, s != NULL ? s : "(not a "
					    "string)");
			}
		}
		if ((r = load_dev(ctx, cfg->name, p)) != 0)
			return r;
		st->nprovs++;
	}
	return PKIT_OK;
}

/* The nonce MAC key: in the database, made by the first server. */
static int
load_nonce_key(struct pkit_ctx *ctx, struct acme_state *st)
{
	struct pkit_db *db = NULL;
	unsigned char k[32], *v = NULL;
	size_t len = 0;
	int r;

	if ((r = pkit_db_open(ctx, st->db_type, st->db_dsn, &db)) != 0)
		return r;
	r = pkit_db_kv_get(ctx, db, "acme", "nonce-key", &v, &len);
	if (r == PKIT_ERR_NOT_FOUND) {
		if (RAND_bytes(k, sizeof(k)) != 1) {
			r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "random");
			goto out;
		}
		r = pkit_db_kv_put(ctx, db, "acme", "nonce-key", k, sizeof(k),
		    PKIT_DB_KV_CREATE);
		pkit_secret_wipe(k, sizeof(k));
		if (r != 0 && r != PKIT_ERR_EXISTS)
			goto out;
		r = pkit_db_kv_get(ctx, db, "acme", "nonce-key", &v, &len);
	}
	if (r != 0)
		goto out;
	if (len != sizeof(st->nonce_key)) {
		r = pkit_seterr(ctx, PKIT_ERR_DB, "acme/nonce-key: bad length");
		goto out;
	}
	memcpy(st->nonce_key, v, len);
	r = PKIT_OK;
out:
	pkit_secret_free(v, len);
	pkit_db_close(db);
	return r;
}

static int
state_load(struct pkit_ctx *ctx, void *arg, const struct pkit_ca_pki *pki,
    void **out)
{
	struct pkit_ca_authority *a = arg;
	struct acme_state *st;
	int r;

	*out = NULL;
	if ((st = calloc(1, sizeof(*st))) == NULL)
		return pkit_seterr_nomem(ctx);
	st->pki = pki;
	st->tail = &st->head;
	st->libctx = ctx->libctx;
	st->propq = ctx->propq;
	pthread_mutex_init(&st->lock, NULL);
	pthread_mutex_init(&st->mu, NULL);
	pthread_cond_init(&st->cv, NULL);
	if ((r = load_provs(ctx, st)) != 0)
		goto fail;
	if (st->nprovs == 0) {
		*out = st;
		return PKIT_OK;
	}
	if ((r = pkit_ca_auth_load(ctx, a, pki, &st->auth)) != 0)
		goto fail;
	pkit_ca_auth_db(st->auth, &st->db_type, &st->db_dsn);
	if (st->db_type != NULL) {
		if ((r = load_nonce_key(ctx, st)) != 0)
			goto fail;
		for (; st->nth < NWORKERS; st->nth++)
			if (pthread_create(&st->th[st->nth], NULL, worker_main,
			    st) != 0) {
				r = pkit_seterr_sys(ctx, "ACME worker thread");
				goto fail;
			}
	}
	*out = st;
	return PKIT_OK;
fail:
	state_free(st);
	return r;
}

static const struct pkit_ca_ext acme_ext = {
	"acme", state_load, state_free
};

/* This event loop's database handle. */
static struct pkit_db *
slot_db(struct pkit_ctx *ctx, struct acme_state *st, struct event_base *base)
{
	struct pkit_db *db = NULL;
	size_t i;

	pthread_mutex_lock(&st->lock);
	for (i = 0; i < st->nslots; i++)
		if (st->slots[i].base == base) {
			db = st->slots[i].db;
			goto out;
		}
	if (st->nslots == MAX_SLOTS) {
		pkit_seterr(ctx, PKIT_ERR_INTERNAL, "too many event loops");
		goto out;
	}
	if (pkit_db_open(ctx, st->db_type, st->db_dsn, &db) != 0)
		goto out;
	st->slots[st->nslots].base = base;
	st->slots[st->nslots++].db = db;
out:
	pthread_mutex_unlock(&st->lock);
	return db;
}

/* ---- nonces --------------------------------------------------------------------- */

#define NONCE_RAND 16
#define NONCE_BYTES (NONCE_RAND + 8 + 16)

static int
nonce_mac(struct acme_state *st, const unsigned char *in,
    unsigned char mac[32])
{
	size_t n = 0;

	return EVP_Q_mac(st->libctx, "HMAC", st->propq, "SHA256", NULL,
	    st->nonce_key, sizeof(st->nonce_key), in, NONCE_RAND + 8, mac, 32,
	    &n) != NULL && n == 32;
}

static int
nonce_new(struct areq *ar, char *out, size_t size)
{
	unsigned char b[NONCE_BYTES], mac[32];
	uint64_t t = (uint64_t)pkit_now(ar->ctx);
	char *s = NULL;
	int i;

	if (RAND_bytes(b, NONCE_RAND) != 1)
		return pkit_seterr_ssl(ar->ctx, PKIT_ERR_CRYPTO, "random");
	for (i = 0; i < 8; i++)
		b[NONCE_RAND + i] = (unsigned char)(t >> (56 - 8 * i));
	if (!nonce_mac(ar->st, b, mac))
		return pkit_seterr_ssl(ar->ctx, PKIT_ERR_CRYPTO, "nonce");
	memcpy(b + NONCE_RAND + 8, mac, 16);
	if (pkit_b64_encode(ar->ctx, PKIT_B64_URL_RAW, b, sizeof(b), &s) != 0)
		return PKIT_ERR_NOMEM;
	snprintf(out, size, "%s", s);
	free(s);
	return PKIT_OK;
}

/* 0 when nonce is one of ours, fresh, and now used for the first time. */
static int
nonce_use(struct areq *ar, const char *nonce)
{
	unsigned char *b = NULL, mac[32];
	size_t len = 0;
	uint64_t t = 0;
	time_t now = pkit_now(ar->ctx);
	char id[128];
	int i, r = PKIT_ERR_VERIFY;

	if (nonce == NULL || strlen(nonce) > 64 ||
	    pkit_b64_decode(ar->ctx, PKIT_B64_URL_RAW, nonce, strlen(nonce), &b,
	    &len) != 0 || len != NONCE_BYTES || !nonce_mac(ar->st, b, mac) ||
	    !pkit_secret_eq(mac, b + NONCE_RAND + 8, 16))
		goto out;
	for (i = 0; i < 8; i++)
		t = (t << 8) | b[NONCE_RAND + i];
	if ((time_t)t > now + 60 || (time_t)t + NONCE_LIFE < now)
		goto out;
	snprintf(id, sizeof(id), "acme-nonce:%s", nonce);
	r = pkit_db_use_token(ar->ctx, ar->db, id, (time_t)t + NONCE_LIFE + 60);
out:
	free(b);
	return r;
}

/* ---- replies ------------------------------------------------------------------ */

/* Reply with the standard headers (Replay-Nonce, Link index), ar->retry
 * and up to two more. */
static int
reply(struct areq *ar, int status, const char *ctype, const void *body,
    size_t len, const char *h1, const char *h2)
{
	char nonce[96], index[800], n[128];
	const char *hdrs[7];
	int i = 0;

	if (nonce_new(ar, nonce, sizeof(nonce)) == 0) {
		snprintf(n, sizeof(n), "Replay-Nonce: %s", nonce);
		hdrs[i++] = n;
	}
	snprintf(index, sizeof(index), "Link: <%s/directory>;rel=\"index\"",
	    ar->base);
	hdrs[i++] = index;
	if (h1 != NULL)
		hdrs[i++] = h1;
	if (h2 != NULL)
		hdrs[i++] = h2;
	if (ar->retry != NULL)
		hdrs[i++] = ar->retry;
	hdrs[i++] = "Cache-Control: no-store";
	hdrs[i] = NULL;
	pkit_ca_reply_headers(ar->req, status, ctype, hdrs, body, len);
	return ANSWERED;
}

/* Reply with a JSON body (taken), and a Location (may be NULL). */
static int
reply_json(struct areq *ar, int status, json_t *body, const char *location,
    const char *link)
{
	char loc[1300], *s;
	size_t len;

	if (body == NULL || (s = json_dumps(body, JSON_INDENT(2) |
	    JSON_PRESERVE_ORDER)) == NULL) {
		json_decref(body);
		pkit_ca_reply_error(ar->req, 500, NULL);
		return ANSWERED;
	}
	json_decref(body);
	len = strlen(s);
	if (location != NULL)
		snprintf(loc, sizeof(loc), "Location: %s", location);
	reply(ar, status, "application/json", s, len, location != NULL ? loc :
	    NULL, link);
	free(s);
	return ANSWERED;
}

/* An RFC 7807 problem document of type ERR_NS type; sub (taken, may be
 * NULL) holds subproblems. */
static int
problemv(struct areq *ar, int status, const char *type, json_t *sub,
    const char *extra, const char *fmt, va_list ap)
{
	char detail[1024], *s;
	json_t *o;

	vsnprintf(detail, sizeof(detail), fmt, ap);
	pkit_ca_req_log(ar->req, "error", "%s: %s", type, detail);
	o = json_pack("{s:s+,s:s,s:i}", "type", ERR_NS, type, "detail", detail,
	    "status", status);
	if (o != NULL && sub != NULL)
		json_object_set(o, "subproblems", sub);
	if (o != NULL && strcmp(type, "badSignatureAlgorithm") == 0)
		json_object_set_new(o, "algorithms", json_pack("[s,s,s,s,s]",
		    "RS256", "ES256", "ES384", "ES512", "EdDSA"));
	json_decref(sub);
	if (o == NULL || (s = json_dumps(o, JSON_INDENT(2) |
	    JSON_PRESERVE_ORDER)) == NULL) {
		json_decref(o);
		pkit_ca_reply_error(ar->req, 500, NULL);
		return ANSWERED;
	}
	json_decref(o);
	reply(ar, status, "application/problem+json", s, strlen(s), extra,
	    NULL);
	free(s);
	return ANSWERED;
}

static int problem(struct areq *ar, int status, const char *type,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int
problem(struct areq *ar, int status, const char *type, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = problemv(ar, status, type, NULL, NULL, fmt, ap);
	va_end(ap);
	return r;
}

static int problem_sub(struct areq *ar, int status, const char *type,
    json_t *sub, const char *extra, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static int
problem_sub(struct areq *ar, int status, const char *type, json_t *sub,
    const char *extra, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = problemv(ar, status, type, sub, extra, fmt, ap);
	va_end(ap);
	return r;
}

/* A 500 whose detail (ctx's message) goes to the log only. */
static int
internal(struct areq *ar)
{
	pkit_ca_req_log(ar->req, "detail", "%s", ar->ctx->errbuf);
	return problem(ar, 500, "serverInternal", "the server could not "
	    "complete the request");
}

/* ---- request set-up and the JWS ------------------------------------------------ */

static void
areq_release(struct areq *ar)
{
	pkit_jws_free(ar->jws);
	json_decref(ar->payload);
	pkit_jwk_key_free(ar->key);
	free(ar->thumb);
	json_decref(ar->acc);
}

static int
host_ok(const char *h)
{
	if (h == NULL || *h == '\0' || strlen(h) > 255)
		return 0;
	for (; *h != '\0'; h++)
		if (!isalnum((unsigned char)*h) && strchr(".-:[]_", *h) == NULL)
			return 0;
	return 1;
}

/* Find the provisioner, the database and the URLs.  On failure, the
 * request is answered and 1 returned; 0 means go on. */
static int
begin(struct pkit_ca_req *req, void *arg, struct areq *ar)
{
	struct pkit_ca_authority *a = arg;
	const char *pname = pkit_ca_req_param(req, "prov");
	const char *host = pkit_ca_req_header(req, "Host");
	const char *path = pkit_ca_req_path(req);
	char *esc = NULL;
	size_t i;

	memset(ar, 0, sizeof(*ar));
	ar->req = req;
	ar->ctx = pkit_ca_req_ctx(req);
	ar->st = pkit_ca_req_ext(req, a->acme_id);
	for (i = 0; ar->st != NULL && pname != NULL && i < ar->st->nprovs; i++)
		if (strcmp(ar->st->provs[i].name, pname) == 0)
			ar->prov = &ar->st->provs[i];
	if (ar->prov == NULL) {
		pkit_ca_reply_error(req, 404, NULL);
		return 1;
	}
	if (!host_ok(host)) {
		pkit_ca_reply_error(req, 400, "invalid Host header");
		return 1;
	}
	if (ar->st->db_type == NULL) {
		pkit_ca_req_log(req, "error", "ACME needs a database (db in "
		    "ca.json)");
		pkit_ca_reply_error(req, 501, NULL);
		return 1;
	}
	if ((ar->db = slot_db(ar->ctx, ar->st, pkit_ca_req_base(req))) ==
	    NULL) {
		pkit_ca_req_log(req, "error", "%s", ar->ctx->errbuf);
		pkit_ca_reply_error(req, 500, NULL);
		return 1;
	}
	if (pkit_http_escape(ar->ctx, ar->prov->name, &esc) != 0) {
		pkit_ca_reply_error(req, 500, NULL);
		return 1;
	}
	snprintf(ar->base, sizeof(ar->base), "https://%s%s/acme/%s", host,
	    strncmp(path, "/2.0/", 5) == 0 ? "/2.0" : "", esc);
	free(esc);
	snprintf(ar->url, sizeof(ar->url), "https://%s%s", host, path);
	return 0;
}

static int
alg_ok(const char *alg)
{
	static const char *const ok[] = { "RS256", "ES256", "ES384", "ES512",
	    "EdDSA" };
	size_t i;

	for (i = 0; alg != NULL && i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strcmp(alg, ok[i]) == 0)
			return 1;
	return 0;
}

/* The account id of a kid URL of this provisioner, or NULL. */
static const char *
kid_account(const struct areq *ar, const char *kid)
{
	size_t n = strlen(ar->base);

	if (kid == NULL || strncmp(kid, ar->base, n) != 0 ||
	    strncmp(kid + n, "/account/", 9) != 0)
		return NULL;
	kid += n + 9;
	if (*kid == '\0' || strlen(kid) >= 64 || strchr(kid, '/') != NULL)
		return NULL;
	return kid;
}

/* Read a flattened JWS (exactly protected, payload, signature). */
static int
jws_read(struct pkit_ctx *ctx, const char *body, size_t len,
    struct pkit_jws **out)
{
	json_t *o;
	const char *k;
	json_t *v;
	int bad = 0;

	if ((o = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL)) == NULL ||
	    !json_is_object(o)) {
		json_decref(o);
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "the body is not a "
		    "JSON object");
	}
	json_object_foreach(o, k, v) {
		if ((strcmp(k, "protected") != 0 && strcmp(k, "payload") != 0 &&
		    strcmp(k, "signature") != 0) || !json_is_string(v))
			bad = 1;
	}
	if (json_object_size(o) != 3)
		bad = 1;
	json_decref(o);
	if (bad)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "the body is not a "
		    "flattened JWS with protected, payload and signature");
	return pkit_jws_parse(ctx, body, len, "JWS", out);
}

/* Authenticate a POST (see the top of the file).  0: go on; otherwise
 * the request was answered. */
static int
authenticate(struct areq *ar, enum auth_mode mode)
{
	const char *ctype = pkit_ca_req_header(ar->req, "Content-Type");
	const unsigned char *body;
	const json_t *prot;
	const char *alg, *nonce, *url, *kid, *id;
	json_t *jwk;
	struct pkit_jws_verify_opts vo;
	size_t len;
	int r;

	body = pkit_ca_req_body(ar->req, &len);
	if (ctype == NULL || strncasecmp(ctype, "application/jose+json", 21) !=
	    0 || (ctype[21] != '\0' && ctype[21] != ';'))
		return problem(ar, 415, "malformed", "the Content-Type must be "
		    "application/jose+json");
	if (len > ACME_MAX_BODY)
		return problem(ar, 413, "malformed", "the request body is larger "
		    "than %d bytes", ACME_MAX_BODY);
	if (jws_read(ar->ctx, (const char *)body, len, &ar->jws) != 0)
		return problem(ar, 400, "malformed", "%s", ar->ctx->errbuf);
	prot = ar->jws->sigs[0].protected;
	if (!json_is_object(prot))
		return problem(ar, 400, "malformed", "the JWS has no protected "
		    "header");
	alg = jstr(prot, "alg");
	if (!alg_ok(alg))
		return problem(ar, 400, "badSignatureAlgorithm", "the JWS "
		    "algorithm %s is not supported", alg != NULL ? alg :
		    "(none)");
	nonce = jstr(prot, "nonce");
	url = jstr(prot, "url");
	kid = jstr(prot, "kid");
	jwk = json_object_get(prot, "jwk");
	if (url == NULL)
		return problem(ar, 400, "malformed", "the JWS has no url header");
	if (strcmp(url, ar->url) != 0)
		return problem(ar, 401, "unauthorized", "the JWS url header %s "
		    "is not the request's URL %s", url, ar->url);
	if (nonce == NULL)
		return problem(ar, 400, "badNonce", "the JWS has no nonce");
	if ((r = nonce_use(ar, nonce)) != 0) {
		if (r == PKIT_ERR_DB)
			return internal(ar);
		return problem(ar, 400, "badNonce", "the nonce is not valid, "
		    "or was used already");
	}
	if ((jwk != NULL) == (kid != NULL))
		return problem(ar, 400, "malformed", "the JWS must have either "
		    "a jwk or a kid header");
	if (jwk != NULL && mode == A_KID)
		return problem(ar, 400, "malformed", "this request must be "
		    "signed by an account (kid)");
	if (kid != NULL && mode == A_JWK)
		return problem(ar, 400, "malformed", "this request must carry "
		    "the account key (jwk)");
	if (kid != NULL) {
		if ((id = kid_account(ar, kid)) == NULL)
			return problem(ar, 400, "accountDoesNotExist", "kid %s "
			    "is not an account of this provisioner", kid);
		snprintf(ar->acc_id, sizeof(ar->acc_id), "%s", id);
		r = kv_get_json(ar->ctx, ar->db, B_ACCOUNT, ar->acc_id,
		    &ar->acc);
		if (r == PKIT_ERR_NOT_FOUND)
			return problem(ar, 400, "accountDoesNotExist", "account "
			    "%s does not exist", ar->acc_id);
		if (r != 0)
			return internal(ar);
		if (strcmp(jstr(ar->acc, "prov") ? jstr(ar->acc, "prov") : "",
		    ar->prov->name) != 0)
			return problem(ar, 400, "accountDoesNotExist", "account "
			    "%s does not exist", ar->acc_id);
		if (strcmp(jstr(ar->acc, "status") ? jstr(ar->acc, "status") :
		    "", "valid") != 0)
			return problem(ar, 401, "unauthorized", "account %s is "
			    "%s", ar->acc_id, jstr(ar->acc, "status"));
		jwk = json_object_get(ar->acc, "key");
	} else if (!json_is_object(jwk) || pkit_jwk_is_private(jwk))
		return problem(ar, 400, "malformed", "the jwk header is not a "
		    "public JWK");
	ar->jwk = jwk;
	if (pkit_jwk_key_new(ar->ctx, jwk, &ar->key) != 0)
		return problem(ar, 400, "badPublicKey", "%s", ar->ctx->errbuf);
	if (strcmp(ar->key->kty, "RSA") == 0 && ar->key->bits < 2048)
		return problem(ar, 400, "badPublicKey", "RSA keys must have 2048 "
		    "bits or more");
	if (strcmp(ar->key->kty, "oct") == 0 || (strcmp(ar->key->kty, "OKP") ==
	    0 && strcmp(ar->key->crv, "Ed25519") != 0))
		return problem(ar, 400, "badPublicKey", "the key cannot sign");
	if (pkit_jwk_thumbprint(ar->ctx, jwk, &ar->thumb) != 0)
		return problem(ar, 400, "badPublicKey", "%s", ar->ctx->errbuf);
	memset(&vo, 0, sizeof(vo));
	vo.alg = alg;
	if (pkit_jws_verify(ar->ctx, ar->jws, ar->key, &vo, NULL) != 0)
		return problem(ar, 400, "malformed", "JWS verification error: "
		    "%s", ar->ctx->errbuf);
	if (ar->jws->payload_len > 0) {
		ar->payload = json_loadb((const char *)ar->jws->payload,
		    ar->jws->payload_len, JSON_REJECT_DUPLICATES, NULL);
		if (!json_is_object(ar->payload))
			return problem(ar, 400, "malformed", "the payload is "
			    "not a JSON object");
	}
	return 0;
}

/* ---- views of the stored objects --------------------------------------------------- */

static int
account_view(struct areq *ar, const json_t *acc, json_t **out)
{
	char t[32], orders[800];
	json_t *o;

	time_text(json_time(acc, "created"), t, sizeof(t));
	snprintf(orders, sizeof(orders), "%s/account/%s/orders", ar->base,
	    jstr(acc, "id"));
	o = json_pack("{s:s,s:O,s:s,s:s}", "status", jstr(acc, "status"),
	    "contact", json_object_get(acc, "contact"), "orders", orders,
	    "createdAt", t);
	if (o == NULL)
		return pkit_seterr_nomem(ar->ctx);
	if (json_is_true(json_object_get(acc, "tos")))
		json_object_set_new(o, "termsOfServiceAgreed", json_true());
	*out = o;
	return PKIT_OK;
}

/* The status of an authorization now. */
static const char *
authz_status(struct areq *ar, const json_t *az)
{
	const char *s = jstr(az, "status");

	if (s != NULL && (strcmp(s, "pending") == 0 || strcmp(s, "valid") ==
	    0) && pkit_now(ar->ctx) > json_time(az, "expires"))
		return "expired";
	return s != NULL ? s : "invalid";
}

/* 1 when az is pending with a challenge being validated (the client is
 * told to come back: RETRY_AFTER). */
static int
authz_busy(struct areq *ar, const json_t *az)
{
	const char *s;
	json_t *ch;
	size_t i;

	if (strcmp(authz_status(ar, az), "pending") != 0)
		return 0;
	json_array_foreach(json_object_get(az, "challenges"), i, ch)
		if ((s = jstr(ch, "status")) != NULL &&
		    strcmp(s, "processing") == 0)
			return 1;
	return 0;
}

static json_t *
challenge_view(struct areq *ar, const json_t *az, const json_t *ch)
{
	char url[900], t[32];
	json_t *o;

	snprintf(url, sizeof(url), "%s/challenge/%s/%s", ar->base,
	    jstr(az, "id"), jstr(ch, "type"));
	o = json_pack("{s:s,s:s,s:s,s:s}", "type", jstr(ch, "type"), "url",
	    url, "status", jstr(ch, "status"), "token", jstr(ch, "token"));
	if (o == NULL)
		return NULL;
	if (json_object_get(ch, "validated") != NULL) {
		time_text(json_time(ch, "validated"), t, sizeof(t));
		json_object_set_new(o, "validated", json_string(t));
	}
	if (json_object_get(ch, "error") != NULL)
		json_object_set(o, "error", json_object_get(ch, "error"));
	return o;
}

static int
authz_view(struct areq *ar, const json_t *az, json_t **out)
{
	char t[32];
	json_t *o, *chs, *ch;
	size_t i;

	time_text(json_time(az, "expires"), t, sizeof(t));
	if ((o = json_pack("{s:O,s:s,s:s,s:[]}", "identifier",
	    json_object_get(az, "identifier"), "status", authz_status(ar, az),
	    "expires", t, "challenges")) == NULL)
		return pkit_seterr_nomem(ar->ctx);
	chs = json_object_get(o, "challenges");
	json_array_foreach(json_object_get(az, "challenges"), i, ch)
		json_array_append_new(chs, challenge_view(ar, az, ch));
	if (json_is_true(json_object_get(az, "wildcard")))
		json_object_set_new(o, "wildcard", json_true());
	*out = o;
	return PKIT_OK;
}

/* The status of an order now (see the top of the file), and in *busy
 * (may be NULL) whether it is processing or waits for a validation. */
static int
order_status(struct areq *ar, const json_t *ord, const char **out,
    int *busy)
{
	const char *s = jstr(ord, "status"), *as;
	json_t *v, *az;
	size_t i;
	int all = 1, wait = 0, r;

	*out = s;
	if (busy != NULL)
		*busy = s != NULL && strcmp(s, "processing") == 0;
	if (s == NULL || strcmp(s, "pending") != 0)
		return PKIT_OK;
	if (pkit_now(ar->ctx) > json_time(ord, "expires")) {
		*out = "invalid";
		return PKIT_OK;
	}
	json_array_foreach(json_object_get(ord, "authz"), i, v) {
		if ((r = kv_get_json(ar->ctx, ar->db, B_AUTHZ,
		    json_string_value(v), &az)) != 0)
			return r;
		as = authz_status(ar, az);
		if (strcmp(as, "valid") != 0)
			all = 0;
		if (authz_busy(ar, az))
			wait = 1;
		if (strcmp(as, "invalid") == 0 || strcmp(as, "deactivated") ==
		    0 || strcmp(as, "expired") == 0 || strcmp(as, "revoked") ==
		    0) {
			json_decref(az);
			*out = "invalid";
			return PKIT_OK;
		}
		json_decref(az);
	}
	*out = all ? "ready" : "pending";
	if (busy != NULL)
		*busy = wait;
	return PKIT_OK;
}

static int
order_view(struct areq *ar, const json_t *ord, const char *status,
    json_t **out)
{
	char t[32], url[900];
	json_t *o, *list, *v;
	size_t i;

	time_text(json_time(ord, "expires"), t, sizeof(t));
	snprintf(url, sizeof(url), "%s/order/%s/finalize", ar->base,
	    jstr(ord, "id"));
	if ((o = json_pack("{s:s,s:s,s:O,s:[],s:s}", "status", status,
	    "expires", t, "identifiers", json_object_get(ord, "identifiers"),
	    "authorizations", "finalize", url)) == NULL)
		return pkit_seterr_nomem(ar->ctx);
	list = json_object_get(o, "authorizations");
	json_array_foreach(json_object_get(ord, "authz"), i, v) {
		snprintf(url, sizeof(url), "%s/authz/%s", ar->base,
		    json_string_value(v));
		json_array_append_new(list, json_string(url));
	}
	if (jstr(ord, "notBefore") != NULL)
		json_object_set(o, "notBefore", json_object_get(ord,
		    "notBefore"));
	if (jstr(ord, "notAfter") != NULL)
		json_object_set(o, "notAfter", json_object_get(ord, "notAfter"));
	if (jstr(ord, "cert") != NULL) {
		snprintf(url, sizeof(url), "%s/certificate/%s", ar->base,
		    jstr(ord, "cert"));
		json_object_set_new(o, "certificate", json_string(url));
	}
	if (json_object_get(ord, "error") != NULL)
		json_object_set(o, "error", json_object_get(ord, "error"));
	*out = o;
	return PKIT_OK;
}

/* ---- directory and nonces ---------------------------------------------------------- */

static int
h_directory(struct areq *ar)
{
	json_t *o, *meta;
	const json_t *v;
	char u[5][800];

	snprintf(u[0], sizeof(u[0]), "%s/new-nonce", ar->base);
	snprintf(u[1], sizeof(u[1]), "%s/new-account", ar->base);
	snprintf(u[2], sizeof(u[2]), "%s/new-order", ar->base);
	snprintf(u[3], sizeof(u[3]), "%s/revoke-cert", ar->base);
	snprintf(u[4], sizeof(u[4]), "%s/key-change", ar->base);
	o = json_pack("{s:s,s:s,s:s,s:s,s:s}", "newNonce", u[0], "newAccount",
	    u[1], "newOrder", u[2], "revokeCert", u[3], "keyChange", u[4]);
	if (o != NULL && (meta = json_object()) != NULL) {
		if ((v = json_object_get(ar->prov->conf, "termsOfService")) !=
		    NULL && json_is_string(v))
			json_object_set(meta, "termsOfService", (json_t *)v);
		if ((v = json_object_get(ar->prov->conf, "website")) != NULL &&
		    json_is_string(v))
			json_object_set(meta, "website", (json_t *)v);
		if ((v = json_object_get(ar->prov->conf, "caaIdentities")) !=
		    NULL && json_is_array(v))
			json_object_set(meta, "caaIdentities", (json_t *)v);
		if (ar->prov->require_eab)
			json_object_set_new(meta, "externalAccountRequired",
			    json_true());
		json_object_set_new(o, "meta", meta);
	}
	/* the directory takes no nonce, but one does no harm */
	reply_json(ar, 200, o, NULL, NULL);
	return ANSWERED;
}

static int
h_new_nonce(struct areq *ar)
{
	reply(ar, strcmp(pkit_ca_req_method(ar->req), "GET") == 0 ? 204 : 200,
	    NULL, "", 0, NULL, NULL);
	return ANSWERED;
}

/* ---- accounts ------------------------------------------------------------------ */

/* contact: a list of mailto: URLs with one address each. */
static int
check_contact(struct areq *ar, const json_t *c)
{
	const json_t *v;
	const char *s, *at;
	size_t i;

	if (!json_is_array(c) || json_array_size(c) > 10) {
		problem(ar, 400, "malformed", "contact must be a list of at most "
		    "10 URLs");
		return 1;
	}
	json_array_foreach(c, i, v) {
		if ((s = json_string_value(v)) == NULL) {
			problem(ar, 400, "malformed", "contact must hold "
			    "strings");
			return 1;
		}
		if (strncasecmp(s, "mailto:", 7) != 0) {
			problem(ar, 400, "unsupportedContact", "contact %s: only "
			    "mailto: URLs are supported", s);
			return 1;
		}
		s += 7;
		at = strchr(s, '@');
		if (at == NULL || at == s || at[1] == '\0' || strpbrk(s,
		    ",?&% <>\"") != NULL || strchr(at + 1, '@') != NULL ||
		    strlen(s) > 254) {
			problem(ar, 400, "invalidContact", "contact mailto:%s is "
			    "not an email address", s);
			return 1;
		}
	}
	return 0;
}

/* Check the externalAccountBinding of a new account and return its kid
 * (*kid, malloc'd).  0: go on; otherwise answered. */
static int
check_eab(struct areq *ar, const json_t *eab, char **kid_out)
{
	struct pkit_jws *jws = NULL;
	struct pkit_jwk_key *hk = NULL;
	struct pkit_jws_verify_opts vo;
	unsigned char *key = NULL;
	size_t klen = 0;
	char *text = NULL, *b64 = NULL, *thumb = NULL;
	const json_t *prot;
	const char *alg, *kid, *url;
	json_t *inner = NULL, *jwk = NULL;
	int bound = 0, r, done = 1;

	if ((text = json_dumps(eab, JSON_COMPACT)) == NULL) {
		internal(ar);
		goto out;
	}
	if (!json_is_object(eab) || jws_read(ar->ctx, text, strlen(text),
	    &jws) != 0) {
		problem(ar, 400, "malformed", "externalAccountBinding is not a "
		    "flattened JWS");
		goto out;
	}
	prot = jws->sigs[0].protected;
	alg = jstr(prot, "alg");
	kid = jstr(prot, "kid");
	url = jstr(prot, "url");
	if (alg == NULL || (strcmp(alg, "HS256") != 0 && strcmp(alg, "HS384") !=
	    0 && strcmp(alg, "HS512") != 0)) {
		problem(ar, 400, "badSignatureAlgorithm", "externalAccountBinding "
		    "must be signed with HS256, HS384 or HS512");
		goto out;
	}
	if (kid == NULL || url == NULL || strcmp(url, ar->url) != 0 ||
	    json_object_get(prot, "nonce") != NULL) {
		problem(ar, 400, "malformed", "externalAccountBinding: kid and "
		    "url (the request's) are needed, a nonce is not allowed");
		goto out;
	}
	inner = json_loadb((const char *)jws->payload, jws->payload_len, 0,
	    NULL);
	if (!json_is_object(inner) || pkit_jwk_thumbprint(ar->ctx, inner,
	    &thumb) != 0 || strcmp(thumb, ar->thumb) != 0) {
		problem(ar, 400, "malformed", "externalAccountBinding: the "
		    "payload is not the account key");
		goto out;
	}
	r = pkit_acme_eab_get(ar->ctx, ar->db, ar->prov->name, kid, &key,
	    &klen, &bound);
	if (r == PKIT_ERR_NOT_FOUND || (r == 0 && bound)) {
		problem(ar, 401, "unauthorized", "externalAccountBinding: key "
		    "id %s is %s", kid, r == 0 ? "bound to another account" :
		    "unknown");
		goto out;
	}
	if (r != 0) {
		internal(ar);
		goto out;
	}
	if (pkit_b64_encode(ar->ctx, PKIT_B64_URL_RAW, key, klen, &b64) != 0 ||
	    (jwk = json_pack("{s:s,s:s}", "kty", "oct", "k", b64)) == NULL ||
	    pkit_jwk_key_new(ar->ctx, jwk, &hk) != 0) {
		internal(ar);
		goto out;
	}
	memset(&vo, 0, sizeof(vo));
	vo.alg = alg;
	if (pkit_jws_verify(ar->ctx, jws, hk, &vo, NULL) != 0) {
		problem(ar, 401, "unauthorized", "externalAccountBinding: the "
		    "MAC does not verify");
		goto out;
	}
	if ((*kid_out = strdup(kid)) == NULL) {
		internal(ar);
		goto out;
	}
	done = 0;
out:
	pkit_jwk_key_free(hk);
	pkit_jwk_free(jwk);
	pkit_secret_strfree(b64);
	pkit_secret_free(key, klen);
	json_decref(inner);
	free(thumb);
	free(text);
	pkit_jws_free(jws);
	return done;
}

static int
account_reply(struct areq *ar, int status, const json_t *acc)
{
	char loc[800];
	json_t *v = NULL;

	if (account_view(ar, acc, &v) != 0)
		return internal(ar);
	snprintf(loc, sizeof(loc), "%s/account/%s", ar->base, jstr(acc, "id"));
	return reply_json(ar, status, v, loc, NULL);
}

static int
new_account(struct areq *ar)
{
	const json_t *contact;
	json_t *acc = NULL;
	unsigned char *v = NULL;
	size_t len = 0;
	char id[64], *eab_kid = NULL;
	int r, ret;

	if (ar->payload == NULL)
		return problem(ar, 400, "malformed", "newAccount needs a "
		    "payload");
	r = pkit_db_kv_get(ar->ctx, ar->db, B_ACCKEY, ar->thumb, &v, &len);
	if (r == 0) {
		r = kv_get_json(ar->ctx, ar->db, B_ACCOUNT, (char *)v, &acc);
		free(v);
		if (r != 0)
			return internal(ar);
		ret = account_reply(ar, 200, acc);
		json_decref(acc);
		return ret;
	}
	if (r != PKIT_ERR_NOT_FOUND)
		return internal(ar);
	if (json_is_true(json_object_get(ar->payload, "onlyReturnExisting")))
		return problem(ar, 400, "accountDoesNotExist", "no account has "
		    "this key");
	contact = json_object_get(ar->payload, "contact");
	if (contact != NULL && check_contact(ar, contact))
		return ANSWERED;
	if (json_object_get(ar->payload, "externalAccountBinding") != NULL) {
		if (check_eab(ar, json_object_get(ar->payload,
		    "externalAccountBinding"), &eab_kid))
			return ANSWERED;
	} else if (ar->prov->require_eab)
		return problem(ar, 401, "externalAccountRequired", "this "
		    "provisioner requires an external account binding");
	if ((r = rand_id(ar->ctx, 16, id, sizeof(id))) != 0) {
		free(eab_kid);
		return internal(ar);
	}
	if (eab_kid != NULL) {
		r = pkit_acme_eab_bind(ar->ctx, ar->db, ar->prov->name, eab_kid,
		    id);
		free(eab_kid);
		if (r == PKIT_ERR_EXISTS)
			return problem(ar, 401, "unauthorized", "the external "
			    "account binding key is bound already");
		if (r != 0)
			return internal(ar);
	}
	acc = json_pack("{s:s,s:s,s:s,s:o,s:O,s:b,s:I,s:[]}", "id", id, "prov",
	    ar->prov->name, "status", "valid", "contact", contact != NULL ?
	    json_incref((json_t *)contact) : json_array(), "key", ar->jwk,
	    "tos", json_is_true(json_object_get(ar->payload,
	    "termsOfServiceAgreed")), "created", (json_int_t)pkit_now(ar->ctx),
	    "orders");
	if (acc == NULL)
		return internal(ar);
	if ((r = kv_put_json(ar->ctx, ar->db, B_ACCOUNT, id, acc, 0)) != 0 ||
	    (r = pkit_db_kv_put(ar->ctx, ar->db, B_ACCKEY, ar->thumb, id,
	    strlen(id), PKIT_DB_KV_CREATE)) != 0) {
		json_decref(acc);
		return internal(ar);
	}
	pkit_ca_req_log(ar->req, "account", "%s", id);
	ret = account_reply(ar, 201, acc);
	json_decref(acc);
	return ret;
}

/* The {id} of the route must be the signing account. */
static int
own_account(struct areq *ar)
{
	const char *id = pkit_ca_req_param(ar->req, "id");

	if (id == NULL || strcmp(id, ar->acc_id) != 0) {
		problem(ar, 401, "unauthorized", "the account does not match "
		    "the key");
		return 1;
	}
	return 0;
}

static int
account_update(struct areq *ar)
{
	const json_t *contact, *status;
	const char *s;

	if (ar->payload == NULL)
		return account_reply(ar, 200, ar->acc);
	contact = json_object_get(ar->payload, "contact");
	status = json_object_get(ar->payload, "status");
	if (contact != NULL && check_contact(ar, contact))
		return ANSWERED;
	if (status != NULL) {
		s = json_string_value(status);
		if (s == NULL || (strcmp(s, "deactivated") != 0 && strcmp(s,
		    "valid") != 0))
			return problem(ar, 400, "malformed", "an account's "
			    "status can only be set to deactivated");
		json_object_set(ar->acc, "status", (json_t *)status);
	}
	if (contact != NULL)
		json_object_set(ar->acc, "contact", (json_t *)contact);
	if (kv_put_json(ar->ctx, ar->db, B_ACCOUNT, ar->acc_id, ar->acc, 0) !=
	    0)
		return internal(ar);
	return account_reply(ar, 200, ar->acc);
}

static int
h_account(struct areq *ar)
{
	if (own_account(ar))
		return ANSWERED;
	return account_update(ar);
}

static int
h_account_orders(struct areq *ar)
{
	json_t *list, *v;
	char url[900];
	size_t i;

	if (own_account(ar))
		return ANSWERED;
	list = json_array();
	json_array_foreach(json_object_get(ar->acc, "orders"), i, v) {
		snprintf(url, sizeof(url), "%s/order/%s", ar->base,
		    json_string_value(v));
		json_array_append_new(list, json_string(url));
	}
	return reply_json(ar, 200, json_pack("{s:o}", "orders", list), NULL,
	    NULL);
}

/* ---- orders ---------------------------------------------------------------------- */

/* The canonical text of an IP address into out; 0 if s is not one. */
static int
ip_canon(const char *s, char *out, size_t size)
{
	unsigned char b[16];

	if (inet_pton(AF_INET, s, b) == 1)
		return inet_ntop(AF_INET, b, out, (socklen_t)size) != NULL;
	if (inet_pton(AF_INET6, s, b) == 1)
		return inet_ntop(AF_INET6, b, out, (socklen_t)size) != NULL;
	return 0;
}

/* A DNS name ACME can issue for: lower case letters, digits, hyphens,
 * labels of 1..63, at most 253 in all, optionally one leading "*." */
static int
dns_name_ok(const char *s)
{
	size_t label = 0, n = strlen(s);
	const char *p;

	if (strncmp(s, "*.", 2) == 0) {
		s += 2;
		n -= 2;
	}
	if (n == 0 || n > 253 || s[n - 1] == '.' || *s == '.')
		return 0;
	for (p = s; *p != '\0'; p++) {
		if (*p == '.') {
			if (label == 0 || p[-1] == '-')
				return 0;
			label = 0;
			continue;
		}
		if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) ||
		    (*p == '-' && label > 0)))
			return 0;
		if (++label > 63)
			return 0;
	}
	return p[-1] != '-';
}

static json_t *
new_challenge(struct areq *ar, const char *type)
{
	char token[64];

	if (rand_id(ar->ctx, 32, token, sizeof(token)) != 0)
		return NULL;
	return json_pack("{s:s,s:s,s:s}", "type", type, "token", token,
	    "status", "pending");
}

static int
new_authz(struct areq *ar, const char *type, const char *value,
    time_t expires, char *id, size_t idsize)
{
	int wild = strncmp(value, "*.", 2) == 0, ip = strcmp(type, "ip") == 0;
	json_t *az, *chs;
	int r;

	if ((r = rand_id(ar->ctx, 16, id, idsize)) != 0)
		return r;
	if ((az = json_pack("{s:s,s:s,s:s,s:s,s:I,s:{s:s,s:s},s:b,s:[]}",
	    "id", id, "acc", ar->acc_id, "prov", ar->prov->name, "status",
	    "pending", "expires", (json_int_t)expires, "identifier", "type",
	    type, "value", wild ? value + 2 : value, "wildcard", wild,
	    "challenges")) == NULL)
		return pkit_seterr_nomem(ar->ctx);
	chs = json_object_get(az, "challenges");
	if (!wild && ar->prov->ch_http)
		json_array_append_new(chs, new_challenge(ar, "http-01"));
	if (!ip && ar->prov->ch_dns)
		json_array_append_new(chs, new_challenge(ar, "dns-01"));
	if (!wild && ar->prov->ch_alpn)
		json_array_append_new(chs, new_challenge(ar, "tls-alpn-01"));
	r = kv_put_json(ar->ctx, ar->db, B_AUTHZ, id, az, 0);
	json_decref(az);
	return r;
}

/* A valid authorization of this account for {type, value} (value with
 * "*." for a wildcard, which only a wildcard authorization matches) that
 * has REUSE_MIN_LIFE left: 1 with its id and expiry, 0 when there is
 * none (a stale entry is dropped), or an error. */
static int
reuse_authz(struct areq *ar, const char *type, const char *value, char *id,
    size_t idsize, time_t *expires)
{
	int wild = strncmp(value, "*.", 2) == 0, ok, r;
	const char *name = wild ? value + 2 : value;
	const json_t *ident;
	unsigned char *v = NULL;
	json_t *az = NULL;
	char key[600];
	size_t len = 0;

	valid_key(ar->acc_id, type, name, wild, key, sizeof(key));
	if ((r = pkit_db_kv_get(ar->ctx, ar->db, B_VALID, key, &v, &len)) != 0)
		return r == PKIT_ERR_NOT_FOUND ? 0 : r;
	if (len == 0 || len >= idsize)
		r = PKIT_ERR_NOT_FOUND;
	else
		r = kv_get_json(ar->ctx, ar->db, B_AUTHZ, (const char *)v, &az);
	if (r != 0 && r != PKIT_ERR_NOT_FOUND) {
		free(v);
		return r;
	}
	ident = json_object_get(az, "identifier");
	ok = r == 0 && jstr_is(az, "acc", ar->acc_id) &&
	    jstr_is(az, "prov", ar->prov->name) &&
	    strcmp(authz_status(ar, az), "valid") == 0 &&
	    json_is_true(json_object_get(az, "wildcard")) == wild &&
	    jstr_is(ident, "type", type) && jstr_is(ident, "value", name) &&
	    json_time(az, "expires") - pkit_now(ar->ctx) >= REUSE_MIN_LIFE;
	if (ok) {
		snprintf(id, idsize, "%s", (const char *)v);
		*expires = json_time(az, "expires");
	} else
		pkit_db_kv_delete(ar->ctx, ar->db, B_VALID, key);
	free(v);
	json_decref(az);
	return ok;
}

static int
order_reply(struct areq *ar, int status, const json_t *ord)
{
	const char *s;
	char loc[800];
	json_t *v = NULL;
	int busy;

	if (order_status(ar, ord, &s, &busy) != 0 ||
	    order_view(ar, ord, s, &v) != 0)
		return internal(ar);
	if (busy)
		ar->retry = RETRY_AFTER;
	snprintf(loc, sizeof(loc), "%s/order/%s", ar->base, jstr(ord, "id"));
	return reply_json(ar, status, v, loc, NULL);
}

/* The identifiers against the provisioner's and the authority's policy
 * before any challenge, as step-ca's newOrder: 0, or answered. */
static int
order_policy(struct areq *ar, const json_t *idents)
{
	struct pkit_ca_refusal why;
	const char **names;
	size_t i, n = json_array_size(idents);
	int r;

	if ((names = calloc(n, sizeof(*names))) == NULL)
		return internal(ar);
	for (i = 0; i < n; i++)
		names[i] = jstr(json_array_get(idents, i), "value");
	memset(&why, 0, sizeof(why));
	r = pkit_ca_auth_policy_order(ar->ctx, ar->st->auth, ar->prov->name,
	    names, n, &why);
	free(names);
	if (r == 0)
		return 0;
	if (why.status != 403)
		return internal(ar);
	return problem(ar, 400, "rejectedIdentifier", "%s", why.msg);
}

static int
new_order(struct areq *ar)
{
	const json_t *ids = NULL, *v;
	json_t *ord = NULL, *idents = NULL, *authz = NULL, *sub = NULL;
	const char *type, *value, *nb, *na;
	time_t now = pkit_now(ar->ctx), expires = now + ORDER_LIFE, t;
	time_t oexp = expires, aexp = 0;
	char id[64], aid[64], lower[300], ip[INET6_ADDRSTRLEN];
	size_t i, k, reused = 0;
	int ret;

	if (ar->payload != NULL)
		ids = json_object_get(ar->payload, "identifiers");
	if (!json_is_array(ids) || json_array_size(ids) == 0 ||
	    json_array_size(ids) > MAX_IDENTIFIERS)
		return problem(ar, 400, "malformed", "identifiers: a list of 1 to "
		    "%d identifiers is needed", MAX_IDENTIFIERS);
	nb = jstr(ar->payload, "notBefore");
	na = jstr(ar->payload, "notAfter");
	if ((nb != NULL && pkit_time_parse(ar->ctx, nb, "notBefore", &t) != 0) ||
	    (na != NULL && pkit_time_parse(ar->ctx, na, "notAfter", &t) != 0))
		return problem(ar, 400, "malformed", "%s", ar->ctx->errbuf);
	idents = json_array();
	sub = json_array();
	json_array_foreach(ids, i, v) {
		type = jstr(v, "type");
		value = jstr(v, "value");
		if (type == NULL || value == NULL) {
			json_decref(idents);
			json_decref(sub);
			return problem(ar, 400, "malformed", "an identifier needs "
			    "a type and a value");
		}
		if (strcmp(type, "ip") == 0) {
			/* RFC 8738: an address, in its canonical text */
			if (!ip_canon(value, lower, sizeof(lower)) ||
			    (!ar->prov->ch_http && !ar->prov->ch_alpn)) {
				json_array_append_new(sub, json_pack("{s:s+,s:s,"
				    "s:{s:s,s:s}}", "type", ERR_NS,
				    "rejectedIdentifier", "detail", "not an IP "
				    "address, or no challenge for one",
				    "identifier", "type", type, "value", value));
				continue;
			}
			goto add;
		}
		if (strcmp(type, "dns") != 0) {
			json_array_append_new(sub, json_pack("{s:s+,s:s,s:{s:s,"
			    "s:s}}", "type", ERR_NS, "unsupportedIdentifier",
			    "detail", "only dns and ip identifiers are "
			    "supported", "identifier", "type", type, "value",
			    value));
			continue;
		}
		snprintf(lower, sizeof(lower), "%s", value);
		for (k = 0; lower[k] != '\0'; k++)
			lower[k] = (char)tolower((unsigned char)lower[k]);
		if (strlen(value) >= sizeof(lower) || !dns_name_ok(lower) ||
		    ip_canon(lower, ip, sizeof(ip)) ||
		    (strncmp(lower, "*.", 2) == 0 && !ar->prov->ch_dns)) {
			json_array_append_new(sub, json_pack("{s:s+,s:s,s:{s:s,"
			    "s:s}}", "type", ERR_NS, "rejectedIdentifier",
			    "detail", strncmp(lower, "*.", 2) == 0 &&
			    dns_name_ok(lower) ? "wildcards need dns-01" :
			    ip_canon(lower, ip, sizeof(ip)) ? "an IP address "
			    "is an ip identifier" : "not a valid DNS name",
			    "identifier", "type", type,
			    "value", value));
			continue;
		}
add:
		for (k = 0; k < json_array_size(idents); k++)
			if (strcmp(jstr(json_array_get(idents, k), "value"),
			    lower) == 0)
				break;
		if (k == json_array_size(idents))
			json_array_append_new(idents, json_pack("{s:s,s:s}",
			    "type", type, "value", lower));
	}
	if (json_array_size(sub) > 0) {
		json_decref(idents);
		return problem_sub(ar, 400, json_array_size(sub) == 1 ?
		    jstr(json_array_get(sub, 0), "type") + strlen(ERR_NS) :
		    "rejectedIdentifier", sub, NULL, "the order has identifiers "
		    "this CA does not issue for");
	}
	json_decref(sub);
	if ((ret = order_policy(ar, idents)) != 0) {
		json_decref(idents);
		return ret;
	}
	/* the account's valid authorizations are reused, and the order
	 * expires with the first of them */
	authz = json_array();
	json_array_foreach(idents, i, v) {
		ret = reuse_authz(ar, jstr(v, "type"), jstr(v, "value"), aid,
		    sizeof(aid), &aexp);
		if (ret > 0) {
			reused++;
			if (aexp < oexp)
				oexp = aexp;
		} else if (ret < 0 || new_authz(ar, jstr(v, "type"),
		    jstr(v, "value"), expires, aid, sizeof(aid)) != 0) {
			json_decref(idents);
			json_decref(authz);
			return internal(ar);
		}
		json_array_append_new(authz, json_string(aid));
	}
	if (rand_id(ar->ctx, 16, id, sizeof(id)) != 0 ||
	    (ord = json_pack("{s:s,s:s,s:s,s:s,s:I,s:o,s:o}", "id", id, "acc",
	    ar->acc_id, "prov", ar->prov->name, "status", "pending", "expires",
	    (json_int_t)oexp, "identifiers", idents, "authz", authz)) ==
	    NULL)
		return internal(ar);
	if (nb != NULL)
		json_object_set_new(ord, "notBefore", json_string(nb));
	if (na != NULL)
		json_object_set_new(ord, "notAfter", json_string(na));
	json_array_append_new(json_object_get(ar->acc, "orders"),
	    json_string(id));
	/* the account lists its last MAX_ACC_ORDERS orders */
	while (json_array_size(json_object_get(ar->acc, "orders")) >
	    MAX_ACC_ORDERS)
		json_array_remove(json_object_get(ar->acc, "orders"), 0);
	if (kv_put_json(ar->ctx, ar->db, B_ORDER, id, ord, 0) != 0 ||
	    kv_put_json(ar->ctx, ar->db, B_ACCOUNT, ar->acc_id, ar->acc, 0) !=
	    0) {
		json_decref(ord);
		return internal(ar);
	}
	pkit_ca_req_log(ar->req, "order", "%s", id);
	if (reused > 0)
		pkit_ca_req_log(ar->req, "reused", "%zu of %zu authorizations",
		    reused, json_array_size(idents));
	ret = order_reply(ar, 201, ord);
	json_decref(ord);
	return ret;
}

/* Load bucket/{param} owned by the signing account.  0 and *out, or the
 * request was answered. */
static int
load_owned(struct areq *ar, const char *bucket, const char *param,
    const char *what, json_t **out)
{
	const char *id = pkit_ca_req_param(ar->req, param);
	json_t *o = NULL;
	int r;

	if (id == NULL || strlen(id) > 64)
		r = PKIT_ERR_NOT_FOUND;
	else
		r = kv_get_json(ar->ctx, ar->db, bucket, id, &o);
	if (r == PKIT_ERR_NOT_FOUND || (r == 0 && strcmp(jstr(o, "prov") ?
	    jstr(o, "prov") : "", ar->prov->name) != 0)) {
		json_decref(o);
		problem(ar, 404, "malformed", "no such %s", what);
		return 1;
	}
	if (r != 0) {
		internal(ar);
		return 1;
	}
	if (strcmp(jstr(o, "acc") ? jstr(o, "acc") : "", ar->acc_id) != 0) {
		json_decref(o);
		problem(ar, 403, "unauthorized", "the %s belongs to another "
		    "account", what);
		return 1;
	}
	*out = o;
	return 0;
}

static int
h_order(struct areq *ar)
{
	json_t *ord;

	if (load_owned(ar, B_ORDER, "id", "order", &ord) == 0) {
		order_reply(ar, 200, ord);
		json_decref(ord);
	}
	return ANSWERED;
}

/* ---- authorizations and challenges ------------------------------------------------ */

static int
authz_reply(struct areq *ar, const json_t *az)
{
	char loc[800];
	json_t *v = NULL;

	if (authz_view(ar, az, &v) != 0)
		return internal(ar);
	if (authz_busy(ar, az))
		ar->retry = RETRY_AFTER;
	snprintf(loc, sizeof(loc), "%s/authz/%s", ar->base, jstr(az, "id"));
	return reply_json(ar, 200, v, loc, NULL);
}

static int
h_authz(struct areq *ar)
{
	const char *s;
	json_t *az;

	if (load_owned(ar, B_AUTHZ, "id", "authorization", &az) != 0)
		goto out;
	if (ar->payload != NULL) {
		s = jstr(ar->payload, "status");
		if (s == NULL || strcmp(s, "deactivated") != 0) {
			problem(ar, 400, "malformed", "an authorization's "
			    "status can only be set to deactivated");
			json_decref(az);
			goto out;
		}
		json_object_set_new(az, "status", json_string("deactivated"));
		if (kv_put_json(ar->ctx, ar->db, B_AUTHZ, jstr(az, "id"), az,
		    0) != 0) {
			internal(ar);
			json_decref(az);
			goto out;
		}
	}
	authz_reply(ar, az);
	json_decref(az);
out:
	return ANSWERED;
}

/* The key authorization: token "." thumbprint (RFC 8555 §8.1). */
static char *
key_authz(const struct areq *ar, const char *token)
{
	char *s = NULL;

	if (asprintf(&s, "%s.%s", token, ar->thumb) < 0)
		return NULL;
	return s;
}

/* 1 when MAX_QUEUE validations wait already (a soft limit). */
static int
queue_full(struct acme_state *st)
{
	int full;

	pthread_mutex_lock(&st->mu);
	full = st->queued >= MAX_QUEUE;
	pthread_mutex_unlock(&st->mu);
	return full;
}

static int
enqueue(struct areq *ar, const json_t *az, const json_t *ch)
{
	struct acme_state *st = ar->st;
	struct job *j;

	if ((j = calloc(1, sizeof(*j))) == NULL ||
	    (j->authz = strdup(jstr(az, "id"))) == NULL ||
	    (j->type = strdup(jstr(ch, "type"))) == NULL ||
	    (j->name = strdup(jstr(json_object_get(az, "identifier"),
	    "value"))) == NULL ||
	    (j->token = strdup(jstr(ch, "token"))) == NULL ||
	    (j->keyauth = key_authz(ar, jstr(ch, "token"))) == NULL) {
		job_free(j);
		return pkit_seterr_nomem(ar->ctx);
	}
	j->dev = ar->prov->dev;
	pthread_mutex_lock(&st->mu);
	st->queued++;
	*st->tail = j;
	st->tail = &j->next;
	pthread_cond_signal(&st->cv);
	pthread_mutex_unlock(&st->mu);
	return PKIT_OK;
}

static int
h_challenge(struct areq *ar)
{
	const char *type = NULL;
	json_t *az = NULL, *ch = NULL, *v;
	char up[900];
	size_t i;
	int r;

	if (load_owned(ar, B_AUTHZ, "authz", "authorization", &az) != 0)
		goto out;
	type = pkit_ca_req_param(ar->req, "ch");
	json_array_foreach(json_object_get(az, "challenges"), i, v)
		if (type != NULL && strcmp(jstr(v, "type"), type) == 0)
			ch = v;
	if (ch == NULL) {
		problem(ar, 404, "malformed", "no such challenge");
		goto out;
	}
	/* a payload ({}) asks to validate; POST-as-GET only reads */
	/* a validation lost with a stopped server is started again */
	if (ar->payload != NULL && strcmp(jstr(ch, "status"),
	    "processing") == 0 && pkit_now(ar->ctx) - json_time(ch,
	    "started") > 4 * PKIT_ACME_VALIDATE_TIMEOUT)
		json_object_set_new(ch, "status", json_string("pending"));
	if (ar->payload != NULL && strcmp(jstr(ch, "status"), "pending") ==
	    0 && strcmp(authz_status(ar, az), "pending") == 0) {
		json_object_set_new(ch, "status", json_string("processing"));
		json_object_set_new(ch, "started",
		    json_integer((json_int_t)pkit_now(ar->ctx)));
		if (queue_full(ar->st)) {
			problem_sub(ar, 429, "rateLimited", NULL,
			    "Retry-After: 10", "too many validations are "
			    "waiting; try again later");
			goto out;
		}
		/* written before the job is queued: the worker reads it */
		if (kv_put_json(ar->ctx, ar->db, B_AUTHZ, jstr(az, "id"), az,
		    0) != 0 || (r = enqueue(ar, az, ch)) != 0) {
			internal(ar);
			goto out;
		}
		pkit_ca_req_log(ar->req, "challenge", "%s %s",
		    jstr(ch, "type"), jstr(json_object_get(az, "identifier"),
		    "value"));
	} else if (ar->payload != NULL && strcmp(authz_status(ar, az),
	    "pending") != 0 && strcmp(jstr(ch, "status"), "pending") == 0) {
		problem(ar, 400, "malformed", "the authorization is %s",
		    authz_status(ar, az));
		goto out;
	}
	snprintf(up, sizeof(up), "Link: <%s/authz/%s>;rel=\"up\"",
	    ar->base, jstr(az, "id"));
	if (strcmp(jstr(ch, "status"), "processing") == 0 &&
	    strcmp(authz_status(ar, az), "pending") == 0)
		ar->retry = RETRY_AFTER;
	reply_json(ar, 200, challenge_view(ar, az, ch), NULL, up);
out:
	json_decref(az);
	return ANSWERED;
}

/* ---- the challenge workers -------------------------------------------------------- */

static void
job_run(struct acme_state *st, struct pkit_ctx *ctx, struct pkit_db **db,
    struct job *j)
{
	const char *ptype = "incorrectResponse";
	const json_t *ident;
	json_t *az = NULL, *ch = NULL, *v;
	char detail[1024], key[600];
	size_t i;
	int ok;

	pkit_clearerr(ctx);
	ok = pkit_acme_validate(ctx, &j->dev, j->type, j->name, j->token,
	    j->keyauth, &ptype) == 0;
	snprintf(detail, sizeof(detail), "%s", ctx->errbuf);
	if (*db == NULL && pkit_db_open(ctx, st->db_type, st->db_dsn, db) != 0)
		return;
	if (kv_get_json(ctx, *db, B_AUTHZ, j->authz, &az) != 0)
		return;
	json_array_foreach(json_object_get(az, "challenges"), i, v)
		if (strcmp(jstr(v, "type"), j->type) == 0)
			ch = v;
	if (ch == NULL || strcmp(jstr(ch, "status"), "processing") != 0 ||
	    strcmp(jstr(az, "status"), "pending") != 0) {
		json_decref(az);
		return;
	}
	if (ok) {
		json_object_set_new(ch, "status", json_string("valid"));
		json_object_set_new(ch, "validated",
		    json_integer((json_int_t)pkit_now(ctx)));
		json_object_set_new(az, "status", json_string("valid"));
	} else {
		json_object_set_new(ch, "status", json_string("invalid"));
		json_object_set_new(ch, "error", json_pack("{s:s+,s:s,s:i}",
		    "type", ERR_NS, ptype, "detail", detail, "status", 400));
		json_object_set_new(az, "status", json_string("invalid"));
	}
	ident = json_object_get(az, "identifier");
	if (kv_put_json(ctx, *db, B_AUTHZ, j->authz, az, 0) == 0 && ok &&
	    jstr(az, "acc") != NULL && jstr(ident, "type") != NULL &&
	    jstr(ident, "value") != NULL) {
		/* for newOrder to reuse (reuse_authz()) */
		valid_key(jstr(az, "acc"), jstr(ident, "type"),
		    jstr(ident, "value"), json_is_true(json_object_get(az,
		    "wildcard")), key, sizeof(key));
		pkit_db_kv_put(ctx, *db, B_VALID, key, j->authz,
		    strlen(j->authz), 0);
	}
	json_decref(az);
}

static void *
worker_main(void *arg)
{
	struct acme_state *st = arg;
	struct pkit_ctx ctx;
	struct pkit_db *db = NULL;
	struct job *j;

	pkit_ctx_init(&ctx);
	ctx.libctx = st->libctx;
	ctx.propq = st->propq;
	pthread_mutex_lock(&st->mu);
	for (;;) {
		while (st->head == NULL && !st->stop)
			pthread_cond_wait(&st->cv, &st->mu);
		if (st->stop)
			break;
		j = st->head;
		if ((st->head = j->next) == NULL)
			st->tail = &st->head;
		st->queued--;
		pthread_mutex_unlock(&st->mu);
		job_run(st, &ctx, &db, j);
		job_free(j);
		pthread_mutex_lock(&st->mu);
	}
	pthread_mutex_unlock(&st->mu);
	pkit_db_close(db);
	pkit_ctx_release(&ctx);
	return NULL;
}

/* ---- finalize and certificates ------------------------------------------------------ */

/* 1 when {type, value} is one of the identifiers. */
static int
in_idents(const json_t *idents, const char *type, const char *value,
    size_t len)
{
	const json_t *o;
	const char *v;
	size_t i;

	json_array_foreach(idents, i, o) {
		v = jstr(o, "value");
		if (v != NULL && strlen(v) == len && strncasecmp(v, value, len) ==
		    0 && strcmp(jstr(o, "type") ? jstr(o, "type") : "", type) ==
		    0)
			return 1;
	}
	return 0;
}

/* The CSR's names against the order's identifiers: its SANs are DNS
 * names, each one an identifier; each identifier is a SAN or the common
 * name; the common name, if any, is an identifier.  0: go on; otherwise
 * answered (badCSR). */
static int
check_csr_names(struct areq *ar, X509_REQ *req, const json_t *idents,
    char *cn, size_t cnsize)
{
	STACK_OF(X509_EXTENSION) *exts = X509_REQ_get_extensions(req);
	GENERAL_NAMES *gens = NULL;
	json_t *sans = json_array(), *v;
	const ASN1_STRING *d;
	char bad[300] = "";
	size_t i;
	int k;

	if (X509_NAME_get_text_by_NID(X509_REQ_get_subject_name(req),
	    NID_commonName, cn, (int)cnsize) < 0)
		*cn = '\0';
	ERR_clear_error();
	if (exts != NULL)
		gens = X509V3_get_d2i(exts, NID_subject_alt_name, NULL, NULL);
	for (k = 0; k < sk_GENERAL_NAME_num(gens) && *bad == '\0'; k++) {
		GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, k);

		if (g->type == GEN_IPADD) {
			char ip[INET6_ADDRSTRLEN];

			d = g->d.iPAddress;
			if ((ASN1_STRING_length(d) != 4 &&
			    ASN1_STRING_length(d) != 16) ||
			    inet_ntop(ASN1_STRING_length(d) == 4 ? AF_INET :
			    AF_INET6, ASN1_STRING_get0_data(d), ip,
			    sizeof(ip)) == NULL || !in_idents(idents, "ip", ip,
			    strlen(ip))) {
				snprintf(bad, sizeof(bad), "the CSR names an IP "
				    "address that is not in the order");
				break;
			}
			json_array_append_new(sans, json_pack("{s:s,s:s}",
			    "type", "ip", "value", ip));
			continue;
		}
		if (g->type != GEN_DNS) {
			snprintf(bad, sizeof(bad), "the CSR has a SAN that is "
			    "neither a DNS name nor an IP address");
			break;
		}
		d = g->d.dNSName;
		if (!in_idents(idents, "dns", (const char *)
		    ASN1_STRING_get0_data(d), (size_t)ASN1_STRING_length(d)))
			snprintf(bad, sizeof(bad), "the CSR names %.*s, which is "
			    "not in the order", ASN1_STRING_length(d) > 253 ? 253 :
			    ASN1_STRING_length(d),
			    (const char *)ASN1_STRING_get0_data(d));
		else
			json_array_append_new(sans, json_pack("{s:s,s:s%}",
			    "type", "dns", "value", (const char *)
			    ASN1_STRING_get0_data(d),
			    (size_t)ASN1_STRING_length(d)));
	}
	GENERAL_NAMES_free(gens);
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	if (*bad == '\0' && *cn != '\0' && !in_idents(idents, "dns", cn,
	    strlen(cn)) && !in_idents(idents, "ip", cn, strlen(cn)))
		snprintf(bad, sizeof(bad), "the CSR's common name %s is not in "
		    "the order", cn);
	json_array_foreach(idents, i, v) {
		if (*bad != '\0')
			break;
		if (!in_idents(sans, jstr(v, "type"), jstr(v, "value"),
		    strlen(jstr(v, "value"))) && strcasecmp(cn,
		    jstr(v, "value")) != 0)
			snprintf(bad, sizeof(bad), "the CSR does not name %s of "
			    "the order", jstr(v, "value"));
	}
	json_decref(sans);
	if (*bad != '\0') {
		problem(ar, 400, "badCSR", "%s", bad);
		return 1;
	}
	return 0;
}

/* The PEM of a DER CSR (what pkit_ca_auth_csr_read() takes). */
static char *
csr_pem(X509_REQ *req)
{
	BIO *b = BIO_new(BIO_s_mem());
	BUF_MEM *m;
	char *s = NULL;

	if (b != NULL && PEM_write_bio_X509_REQ(b, req) == 1) {
		BIO_get_mem_ptr(b, &m);
		s = strndup(m->data, m->length);
	}
	BIO_free(b);
	return s;
}

/* The PEM chain of an issued certificate: it, then the intermediates. */
static char *
chain_pem(const struct pkit_ca_pki *pki, const unsigned char *der, size_t len)
{
	BIO *b = BIO_new(BIO_s_mem());
	const unsigned char *p = der;
	X509 *x = d2i_X509(NULL, &p, (long)len);
	BUF_MEM *m;
	char *s = NULL;
	int i, ok;

	ok = b != NULL && x != NULL && PEM_write_bio_X509(b, x) == 1;
	for (i = 0; ok && i < sk_X509_num(pki->intermediates); i++)
		ok = PEM_write_bio_X509(b, sk_X509_value(pki->intermediates,
		    i)) == 1;
	if (ok) {
		BIO_get_mem_ptr(b, &m);
		s = strndup(m->data, m->length);
	}
	X509_free(x);
	BIO_free(b);
	return s;
}

static int
finalize(struct areq *ar, json_t *ord)
{
	const char *status, *b64;
	unsigned char *der = NULL;
	const unsigned char *p;
	size_t len = 0, i;
	X509_REQ *x = NULL;
	char *pem = NULL, *chain = NULL, cn[300], **names = NULL, cid[64];
	struct pkit_ca_csr *csr = NULL;
	struct pkit_ca_refusal why;
	struct pkit_ca_auth_sign_req sr;
	struct pkit_ca_issued *cert = NULL;
	const json_t *idents = json_object_get(ord, "identifiers");
	json_t *rec = NULL;
	size_t n;
	int ret;

	if (order_status(ar, ord, &status, NULL) != 0)
		return internal(ar);
	if (strcmp(status, "ready") != 0)
		return problem(ar, 403, "orderNotReady", "the order is %s, not "
		    "ready", status);
	if (ar->payload == NULL || (b64 = jstr(ar->payload, "csr")) == NULL ||
	    pkit_b64_decode(ar->ctx, PKIT_B64_URL_RAW, b64, strlen(b64), &der,
	    &len) != 0 || (p = der, x = d2i_X509_REQ(NULL, &p, (long)len)) ==
	    NULL || p != der + len) {
		ret = problem(ar, 400, "badCSR", "csr: not a base64url DER "
		    "certificate request");
		goto out;
	}
	if (check_csr_names(ar, x, idents, cn, sizeof(cn))) {
		ret = ANSWERED;
		goto out;
	}
	if (*cn == '\0')	/* forceCN, and step's default leaf needs one */
		snprintf(cn, sizeof(cn), "%s", jstr(json_array_get(idents, 0),
		    "value"));
	if ((pem = csr_pem(x)) == NULL) {
		ret = internal(ar);
		goto out;
	}
	if (pkit_ca_auth_csr_read(ar->ctx, ar->st->auth, pem, strlen(pem), &csr,
	    &why) != 0) {
		ret = problem(ar, 400, "badCSR", "the CSR does not verify or "
		    "its key is not supported");
		goto out;
	}
	n = json_array_size(idents);
	if ((names = calloc(n + 1, sizeof(*names))) == NULL) {
		ret = internal(ar);
		goto out;
	}
	for (i = 0; i < n; i++)
		names[i] = (char *)jstr(json_array_get(idents, i), "value");
	memset(&sr, 0, sizeof(sr));
	sr.csr = csr;
	sr.not_before = jstr(ord, "notBefore");
	sr.not_after = jstr(ord, "notAfter");
	memset(&why, 0, sizeof(why));
	if (pkit_ca_auth_sign_order(ar->ctx, ar->st->auth, ar->prov->name, cn,
	    names, n, &sr, &cert, &why) != 0) {
		pkit_ca_req_log(ar->req, "detail", "%s", ar->ctx->errbuf);
		if (why.status >= 500)
			ret = internal(ar);
		else
			ret = problem(ar, why.status == 403 ? 403 : 400,
			    why.status == 403 ? "rejectedIdentifier" : "badCSR",
			    "%s", why.msg[0] != '\0' ? why.msg :
			    "the certificate cannot be issued");
		goto out;
	}
	if ((chain = chain_pem(ar->st->pki, cert->der, cert->der_len)) == NULL ||
	    rand_id(ar->ctx, 16, cid, sizeof(cid)) != 0 ||
	    (rec = json_pack("{s:s,s:s,s:s,s:s,s:s}", "id", cid, "acc",
	    ar->acc_id, "prov", ar->prov->name, "serial", cert->serial, "pem",
	    chain)) == NULL) {
		ret = internal(ar);
		goto out;
	}
	if (pkit_ca_auth_record(ar->ctx, ar->st->auth, ar->db, cert, &why) !=
	    0 || kv_put_json(ar->ctx, ar->db, B_CERT, cid, rec, 0) != 0 ||
	    pkit_db_kv_put(ar->ctx, ar->db, B_SERIAL, cert->serial, ar->acc_id,
	    strlen(ar->acc_id), 0) != 0) {
		ret = internal(ar);
		goto out;
	}
	json_object_set_new(ord, "status", json_string("valid"));
	json_object_set_new(ord, "cert", json_string(cid));
	if (kv_put_json(ar->ctx, ar->db, B_ORDER, jstr(ord, "id"), ord, 0) !=
	    0) {
		ret = internal(ar);
		goto out;
	}
	pkit_ca_req_log(ar->req, "serial", "%s", cert->serial_dec);
	pkit_ca_req_log(ar->req, "subject", "%s", cert->subject);
	ret = order_reply(ar, 200, ord);
out:
	json_decref(rec);
	free(chain);
	pkit_ca_issued_free(cert);
	free(names);
	pkit_ca_auth_csr_free(csr);
	free(pem);
	X509_REQ_free(x);
	free(der);
	return ret;
}

static int
h_finalize(struct areq *ar)
{
	json_t *ord;

	if (load_owned(ar, B_ORDER, "id", "order", &ord) == 0) {
		finalize(ar, ord);
		json_decref(ord);
	}
	return ANSWERED;
}

static int
h_certificate(struct areq *ar)
{
	json_t *c;
	const char *pem;

	if (load_owned(ar, B_CERT, "id", "certificate", &c) == 0) {
		pem = jstr(c, "pem");
		reply(ar, 200, "application/pem-certificate-chain", pem,
		    pem != NULL ? strlen(pem) : 0, NULL, NULL);
		json_decref(c);
	}
	return ANSWERED;
}

/* ---- revocation and key change ------------------------------------------------------ */

static int
revoke_cert(struct areq *ar)
{
	const char *b64 = jstr(ar->payload, "certificate");
	const json_t *reason = json_object_get(ar->payload, "reason");
	unsigned char *der = NULL, *owner = NULL;
	const unsigned char *p;
	size_t len = 0, olen = 0;
	X509 *x = NULL;
	char hex[PKIT_DB_SERIAL_MAX + 1], *dec = NULL;
	struct pkit_db_cert *rec = NULL;
	struct pkit_db_revocation rev;
	BIGNUM *bn = NULL;
	char pid[300];
	int code = 0, r, ret;

	if (b64 == NULL || pkit_b64_decode(ar->ctx, PKIT_B64_URL_RAW, b64,
	    strlen(b64), &der, &len) != 0 || (p = der, x = d2i_X509(NULL, &p,
	    (long)len)) == NULL || p != der + len) {
		ret = problem(ar, 400, "malformed", "certificate: not a "
		    "base64url DER certificate");
		goto out;
	}
	if (reason != NULL) {
		if (!json_is_integer(reason) || json_integer_value(reason) < 0 ||
		    json_integer_value(reason) > 10 ||
		    json_integer_value(reason) == 7) {
			ret = problem(ar, 400, "badRevocationReason", "reason "
			    "must be an RFC 5280 reason code other than 7");
			goto out;
		}
		code = (int)json_integer_value(reason);
	}
	if ((bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL)) ==
	    NULL || (dec = BN_bn2hex(bn)) == NULL ||
	    pkit_db_serial_norm(ar->ctx, dec, hex) != 0) {
		ret = problem(ar, 400, "malformed", "certificate: bad serial");
		goto out;
	}
	r = pkit_db_cert_get(ar->ctx, ar->db, hex, &rec);
	if (r == PKIT_ERR_NOT_FOUND || (r == 0 && (rec->der_len != len ||
	    memcmp(rec->der, der, len) != 0))) {
		ret = problem(ar, 404, "malformed", "the certificate was not "
		    "issued by this CA");
		goto out;
	}
	if (r != 0) {
		ret = internal(ar);
		goto out;
	}
	if (ar->acc != NULL) {
		r = pkit_db_kv_get(ar->ctx, ar->db, B_SERIAL, hex, &owner,
		    &olen);
		if (r != 0 && r != PKIT_ERR_NOT_FOUND) {
			ret = internal(ar);
			goto out;
		}
		if (r != 0 || strcmp((char *)owner, ar->acc_id) != 0) {
			ret = problem(ar, 403, "unauthorized", "the account did "
			    "not order this certificate");
			goto out;
		}
	} else if (EVP_PKEY_eq(X509_get0_pubkey(x), ar->key->pkey) != 1) {
		ret = problem(ar, 403, "unauthorized", "the JWS key is not the "
		    "certificate's");
		goto out;
	}
	memset(&rev, 0, sizeof(rev));
	snprintf(pid, sizeof(pid), "acme/%s", ar->prov->name);
	rev.serial = hex;
	rev.reason_code = code;
	rev.reason = "revoked over ACME";
	rev.provisioner_id = pid;
	r = pkit_db_revoke(ar->ctx, ar->db, &rev);
	if (r == PKIT_ERR_EXISTS) {
		ret = problem(ar, 400, "alreadyRevoked", "the certificate is "
		    "revoked already");
		goto out;
	}
	if (r != 0) {
		ret = internal(ar);
		goto out;
	}
	pkit_ca_req_log(ar->req, "revoked", "%s", hex);
	ret = reply(ar, 200, NULL, "", 0, NULL, NULL);
out:
	free(owner);
	pkit_db_cert_free(rec);
	OPENSSL_free(dec);
	BN_free(bn);
	X509_free(x);
	free(der);
	return ret;
}

static int
h_revoke(struct areq *ar)
{
	if (ar->payload == NULL)
		return problem(ar, 400, "malformed", "revokeCert needs a "
		    "payload");
	return revoke_cert(ar);
}

static int
key_change(struct areq *ar)
{
	struct pkit_jws *in = NULL;
	struct pkit_jwk_key *nk = NULL;
	struct pkit_jws_verify_opts vo;
	const json_t *prot, *njwk;
	json_t *pl = NULL;
	char *text = NULL, *nthumb = NULL, *othumb = NULL, kid[800], loc[900];
	unsigned char *v = NULL;
	size_t len = 0;
	int r, ret;

	snprintf(kid, sizeof(kid), "%s/account/%s", ar->base, ar->acc_id);
	if (ar->payload == NULL || (text = json_dumps(ar->payload,
	    JSON_COMPACT)) == NULL || jws_read(ar->ctx, text, strlen(text),
	    &in) != 0) {
		ret = problem(ar, 400, "malformed", "keyChange: the payload is "
		    "not a flattened JWS");
		goto out;
	}
	prot = in->sigs[0].protected;
	njwk = json_object_get(prot, "jwk");
	if (!alg_ok(jstr(prot, "alg"))) {
		ret = problem(ar, 400, "badSignatureAlgorithm", "keyChange: "
		    "the inner JWS algorithm is not supported");
		goto out;
	}
	if (!json_is_object(njwk) || json_object_get(prot, "kid") != NULL ||
	    pkit_jwk_is_private(njwk) || jstr(prot, "url") == NULL ||
	    strcmp(jstr(prot, "url"), ar->url) != 0) {
		ret = problem(ar, 400, "malformed", "keyChange: the inner JWS "
		    "needs a public jwk and the outer url");
		goto out;
	}
	if (pkit_jwk_key_new(ar->ctx, (json_t *)njwk, &nk) != 0 ||
	    (strcmp(nk->kty, "RSA") == 0 && nk->bits < 2048) ||
	    strcmp(nk->kty, "oct") == 0) {
		ret = problem(ar, 400, "badPublicKey", "keyChange: the new key "
		    "is not acceptable");
		goto out;
	}
	memset(&vo, 0, sizeof(vo));
	vo.alg = jstr(prot, "alg");
	if (pkit_jws_verify(ar->ctx, in, nk, &vo, NULL) != 0) {
		ret = problem(ar, 400, "malformed", "keyChange: the inner JWS "
		    "does not verify: %s", ar->ctx->errbuf);
		goto out;
	}
	pl = json_loadb((const char *)in->payload, in->payload_len, 0, NULL);
	if (!json_is_object(pl) || jstr(pl, "account") == NULL ||
	    strcmp(jstr(pl, "account"), kid) != 0 ||
	    !json_is_object(json_object_get(pl, "oldKey")) ||
	    pkit_jwk_thumbprint(ar->ctx, json_object_get(pl, "oldKey"),
	    &othumb) != 0 || strcmp(othumb, ar->thumb) != 0) {
		ret = problem(ar, 400, "malformed", "keyChange: the inner "
		    "payload must name this account and its current key");
		goto out;
	}
	if (pkit_jwk_thumbprint(ar->ctx, njwk, &nthumb) != 0) {
		ret = internal(ar);
		goto out;
	}
	r = pkit_db_kv_put(ar->ctx, ar->db, B_ACCKEY, nthumb, ar->acc_id,
	    strlen(ar->acc_id), PKIT_DB_KV_CREATE);
	if (r == PKIT_ERR_EXISTS) {
		if (pkit_db_kv_get(ar->ctx, ar->db, B_ACCKEY, nthumb, &v,
		    &len) == 0)
			snprintf(loc, sizeof(loc), "Location: %s/account/%s",
			    ar->base, (char *)v);
		else
			loc[0] = '\0';
		ret = problem_sub(ar, 409, "malformed", NULL, loc[0] != '\0' ?
		    loc : NULL, "the new key is in use by an account");
		goto out;
	}
	if (r != 0) {
		ret = internal(ar);
		goto out;
	}
	json_object_set(ar->acc, "key", (json_t *)njwk);
	if (kv_put_json(ar->ctx, ar->db, B_ACCOUNT, ar->acc_id, ar->acc, 0) !=
	    0) {
		ret = internal(ar);
		goto out;
	}
	pkit_db_kv_delete(ar->ctx, ar->db, B_ACCKEY, ar->thumb);
	ret = account_reply(ar, 200, ar->acc);
out:
	free(v);
	free(nthumb);
	free(othumb);
	json_decref(pl);
	pkit_jwk_key_free(nk);
	pkit_jws_free(in);
	free(text);
	return ret;
}

/* ---- routes --------------------------------------------------------------------- */

/* Each route's work, once begin() found the provisioner and, unless
 * A_NONE, authenticate() accepted the JWS; it answers the request. */
static const struct acme_route {
	const char *method, *pattern;
	enum auth_mode auth;
	int (*fn)(struct areq *ar);
} routes[] = {
	{ "GET", "directory", A_NONE, h_directory },
	{ "GET", "new-nonce", A_NONE, h_new_nonce },
	{ "POST", "new-account", A_JWK, new_account },
	{ "POST", "account/{id}", A_KID, h_account },
	{ "POST", "account/{id}/orders", A_KID, h_account_orders },
	{ "POST", "new-order", A_KID, new_order },
	{ "POST", "order/{id}", A_KID, h_order },
	{ "POST", "order/{id}/finalize", A_KID, h_finalize },
	{ "POST", "authz/{id}", A_KID, h_authz },
	{ "POST", "challenge/{authz}/{ch}", A_KID, h_challenge },
	{ "POST", "certificate/{id}", A_KID, h_certificate },
	{ "POST", "revoke-cert", A_EITHER, h_revoke },
	{ "POST", "key-change", A_KID, key_change },
};
#define NROUTES (sizeof(routes) / sizeof(routes[0]))

/* The argument of a route's handler (a->acme_routes). */
struct acme_route_arg {
	struct pkit_ca_authority *a;
	const struct acme_route *route;
};

/* The handler of every ACME route. */
static int
h_acme(struct pkit_ca_req *req, void *arg)
{
	const struct acme_route_arg *ra = arg;
	struct areq ar;

	if (begin(req, ra->a, &ar) != 0)
		return PKIT_CA_DONE;
	if (ra->route->auth == A_NONE || authenticate(&ar, ra->route->auth) ==
	    0)
		ra->route->fn(&ar);
	areq_release(&ar);
	return PKIT_CA_DONE;
}

int
pkit_ca_api_acme(struct pkit_ctx *ctx, struct pkit_ca_server *srv,
    struct pkit_ca_authority *a)
{
	static const char *const prefixes[] = { "/acme/{prov}/",
	    "/2.0/acme/{prov}/" };
	struct acme_route_arg *ra = a->acme_routes;
	char pat[128];
	size_t i, k;
	int r;

	if (ra == NULL) {
		if ((ra = calloc(NROUTES, sizeof(*ra))) == NULL)
			return pkit_seterr_nomem(ctx);
		for (i = 0; i < NROUTES; i++) {
			ra[i].a = a;
			ra[i].route = &routes[i];
		}
		a->acme_routes = ra;
	}
	if ((r = pkit_ca_server_extend(srv, &acme_ext, a, &a->acme_id)) != 0)
		return r;
	for (k = 0; k < 2; k++)
		for (i = 0; i < NROUTES; i++) {
			snprintf(pat, sizeof(pat), "%s%s", prefixes[k],
			    routes[i].pattern);
			if ((r = pkit_ca_server_route(srv, routes[i].method, pat,
			    PKIT_CA_ROUTE_BARE, h_acme, &ra[i])) != 0)
				return pkit_seterr(ctx, r, "ACME route %s", pat);
		}
	return PKIT_OK;
}

/* client.c - the step-ca API client (see client.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/pem.h>

#include "lib/ca/client.h"
#include "lib/curl_dl.h"
#include "lib/digest.h"
#include "lib/fs.h"
#include "lib/http.h"
#include "lib/secret.h"
#include "lib/x509.h"

/* Longest error message from a CA that we repeat. */
#define MESSAGE_MAX 400
/* Pages of /provisioners followed before giving up. */
#define PAGES_MAX 1000
/* Largest defaults.json read. */
#define DEFAULTS_MAX (1024 * 1024)

struct pkit_ca_client {
	char *url;		/* https://host[:port] */
	struct pkit_http *http;
	char request_id[80];
};

int
pkit_ca_url_normalize(struct pkit_ctx *ctx, const char *url, char **out)
{
	const struct pkit_curl *curl;
	CURLU *u = NULL;
	CURLUcode uc;
	char *scheme = NULL, *host = NULL, *port = NULL, *s = NULL;
	size_t n;
	int r = PKIT_ERR_INTERNAL;

	*out = NULL;
	if (url == NULL || *url == '\0')
		return pkit_seterr(ctx, PKIT_ERR_ARG, "the CA URL is empty");
	if ((r = pkit_curl_load(ctx, &curl)) != 0)
		return r;
	if ((u = curl->url()) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", url);
	if ((uc = curl->url_set(u, CURLUPART_URL, url,
	    CURLU_DEFAULT_SCHEME | CURLU_NON_SUPPORT_SCHEME)) != CURLUE_OK ||
	    (uc = curl->url_get(u, CURLUPART_SCHEME, &scheme, 0)) != CURLUE_OK ||
	    (uc = curl->url_get(u, CURLUPART_HOST, &host, 0)) != CURLUE_OK) {
		r = pkit_seterr(ctx, PKIT_ERR_ARG, "%s: not a valid CA URL",
		    url);
		goto out;
	}
	if (strcasecmp(scheme, "https") != 0) {
		r = pkit_seterr(ctx, PKIT_ERR_ARG, "%s: the CA URL must use "
		    "https, not %s", url, scheme);
		goto out;
	}
	if (*host == '\0') {
		r = pkit_seterr(ctx, PKIT_ERR_ARG, "%s: the CA URL has no host",
		    url);
		goto out;
	}
	uc = curl->url_get(u, CURLUPART_PORT, &port, 0);
	if (uc != CURLUE_OK && uc != CURLUE_NO_PORT) {
		r = pkit_seterr(ctx, PKIT_ERR_ARG, "%s: not a valid CA URL",
		    url);
		goto out;
	}
	n = strlen(host) + (port != NULL ? strlen(port) : 0) + 16;
	if ((s = malloc(n)) == NULL) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", url);
		goto out;
	}
	snprintf(s, n, "https://%s%s%s", host, port != NULL ? ":" : "",
	    port != NULL ? port : "");
	*out = s;
	r = PKIT_OK;
out:
	curl->freemem(scheme);
	curl->freemem(host);
	curl->freemem(port);
	curl->url_cleanup(u);
	return r;
}

int
pkit_ca_fingerprint_normalize(struct pkit_ctx *ctx, const char *fp,
    char out[PKIT_CA_FP_LEN + 1])
{
	size_t i, n = 0;
	char c;

	for (i = 0; fp[i] != '\0'; i++) {
		c = fp[i];
		if (c == ':' || c == '-' || c == ' ')
			continue;
		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) ||
		    n == PKIT_CA_FP_LEN)
			return pkit_seterr(ctx, PKIT_ERR_ARG, "fingerprint '%s' "
			    "is not a SHA-256 fingerprint (64 hex digits)", fp);
		out[n++] = c;
	}
	if (n != PKIT_CA_FP_LEN)
		return pkit_seterr(ctx, PKIT_ERR_ARG, "fingerprint '%s' is not "
		    "a SHA-256 fingerprint (64 hex digits)", fp);
	out[n] = '\0';
	return PKIT_OK;
}

int
pkit_ca_fingerprint(struct pkit_ctx *ctx, X509 *crt,
    char out[PKIT_CA_FP_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char *der = NULL, md[PKIT_DIGEST_MAX];
	size_t mdlen, i;
	int dlen, r;

	if ((dlen = i2d_X509(crt, &der)) <= 0)
		return pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "certificate");
	r = pkit_digest_buf(ctx, "sha256", 0, der, (size_t)dlen, md, &mdlen);
	OPENSSL_free(der);
	if (r != 0)
		return r;
	if (mdlen * 2 != PKIT_CA_FP_LEN)
		return pkit_seterr(ctx, PKIT_ERR_INTERNAL, "SHA-256 size");
	for (i = 0; i < mdlen; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[PKIT_CA_FP_LEN] = '\0';
	return PKIT_OK;
}

int
pkit_ca_client_new(struct pkit_ctx *ctx, const char *url,
    struct pkit_ca_client **out)
{
	struct pkit_ca_client *c = NULL;
	int r = PKIT_ERR_INTERNAL;

	*out = NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "CA client");
	if ((r = pkit_ca_url_normalize(ctx, url, &c->url)) != 0 ||
	    (r = pkit_http_new(ctx, &c->http)) != 0)
		goto out;
	*out = c;
	c = NULL;
	r = PKIT_OK;
out:
	pkit_ca_client_free(c);
	return r;
}

void
pkit_ca_client_free(struct pkit_ca_client *c)
{
	if (c == NULL)
		return;
	pkit_http_free(c->http);
	free(c->url);
	free(c);
}

const char *
pkit_ca_client_url(const struct pkit_ca_client *c)
{
	return c->url;
}

struct pkit_http *
pkit_ca_client_http(struct pkit_ca_client *c)
{
	return c->http;
}

const char *
pkit_ca_client_request_id(const struct pkit_ca_client *c)
{
	return c->request_id;
}

int
pkit_ca_client_add_root(struct pkit_ctx *ctx, struct pkit_ca_client *c,
    X509 *crt)
{
	return pkit_http_add_root(ctx, c->http, crt);
}

int
pkit_ca_client_load_roots(struct pkit_ctx *ctx, struct pkit_ca_client *c,
    const char *path)
{
	STACK_OF(X509) *sk = NULL;
	int i, r;

	if ((r = pkit_x509_load_certs(ctx, path, &sk)) != 0)
		return r;
	for (i = 0; i < sk_X509_num(sk) && r == 0; i++)
		r = pkit_http_add_root(ctx, c->http, sk_X509_value(sk, i));
	sk_X509_pop_free(sk, X509_free);
	return r;
}

void
pkit_ca_client_set_insecure(struct pkit_ca_client *c)
{
	pkit_http_set_insecure(c->http);
}

int
pkit_ca_client_set_identity(struct pkit_ctx *ctx, struct pkit_ca_client *c,
    STACK_OF(X509) *chain, EVP_PKEY *key)
{
	return pkit_http_set_identity(ctx, c->http, chain, key);
}

/* Copy at most MESSAGE_MAX bytes of printable text from s into buf. */
static void
printable(char *buf, size_t size, const char *s, size_t len)
{
	size_t i, o = 0;

	for (i = 0; i < len && o + 1 < size && o < MESSAGE_MAX; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '\n' || ch == '\r') {
			/* Keep one line: the first non-empty one. */
			if (o > 0)
				break;
			continue;
		}
		buf[o++] = (ch < 0x20 || ch == 0x7f) ? '?' : (char)ch;
	}
	while (o > 0 && buf[o - 1] == ' ')
		o--;
	buf[o] = '\0';
}

/* The error for a response of status 400 or more: the CA's message when
 * the body is step's {"status","message"} (or an ACME/admin "detail"),
 * else the first line of the body. */
static int
http_error(struct pkit_ctx *ctx, const char *url,
    const struct pkit_http_response *resp)
{
	char msg[MESSAGE_MAX + 8];
	const char *m = NULL;
	json_t *j = NULL;
	int code;

	switch (resp->status) {
	case 401:
	case 403:
		code = PKIT_ERR_PERM;
		break;
	case 404:
		code = PKIT_ERR_NOT_FOUND;
		break;
	default:
		code = PKIT_ERR_NET;
		break;
	}
	if (resp->len > 0 && (j = json_loadb((const char *)resp->body,
	    resp->len, 0, NULL)) != NULL && json_is_object(j)) {
		m = json_string_value(json_object_get(j, "message"));
		if (m == NULL || *m == '\0')
			m = json_string_value(json_object_get(j, "detail"));
	}
	if (m != NULL && *m != '\0') {
		printable(msg, sizeof(msg), m, strlen(m));
		json_decref(j);
		return pkit_seterr(ctx, code, "%s: %s", url, msg);
	}
	json_decref(j);
	printable(msg, sizeof(msg), (const char *)resp->body, resp->len);
	if (msg[0] != '\0')
		return pkit_seterr(ctx, code, "%s: HTTP %ld: %s", url,
		    resp->status, msg);
	return pkit_seterr(ctx, code, "%s: HTTP %ld", url, resp->status);
}

int
pkit_ca_client_request(struct pkit_ctx *ctx, struct pkit_ca_client *c,
    const char *method, const char *path, const json_t *body,
    const char *const *headers, json_t **resp, int *status)
{
	struct pkit_http_request req = { 0 };
	struct pkit_http_response *res = NULL;
	json_t *j = NULL;
	char *url = NULL;
	size_t n;
	int r = PKIT_ERR_INTERNAL;

	if (resp != NULL)
		*resp = NULL;
	if (status != NULL)
		*status = 0;
	c->request_id[0] = '\0';
	if (path[0] != '/')
		return pkit_seterr(ctx, PKIT_ERR_ARG, "%s: not an absolute "
		    "path", path);
	n = strlen(c->url) + strlen(path) + 1;
	if ((url = malloc(n)) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", path);
	snprintf(url, n, "%s%s", c->url, path);
	req.method = method;
	req.url = url;
	req.json = body;
	req.headers = headers;
	if (body == NULL && method != NULL && strcmp(method, "GET") != 0 &&
	    strcmp(method, "HEAD") != 0) {
		/* As step's client: an empty body, labelled as JSON. */
		req.body = "";
		req.len = 0;
		req.content_type = "application/json";
	}
	if ((r = pkit_http_do(ctx, c->http, &req, &res)) != 0)
		goto out;
	snprintf(c->request_id, sizeof(c->request_id), "%s",
	    res->server_request_id[0] != '\0' ? res->server_request_id :
	    res->request_id);
	if (status != NULL)
		*status = (int)res->status;
	if (res->status >= 400 || res->status < 200) {
		r = http_error(ctx, url, res);
		goto out;
	}
	if (resp != NULL) {
		if ((r = pkit_http_response_json(ctx, res, url, &j)) != 0)
			goto out;
		*resp = j;
		j = NULL;
	}
	r = PKIT_OK;
out:
	json_decref(j);
	pkit_http_response_free(res);
	free(url);
	return r;
}

int
pkit_ca_client_get_raw(struct pkit_ctx *ctx, struct pkit_ca_client *c,
    const char *path, unsigned char **body, size_t *len, int *status)
{
	struct pkit_http_request req = { 0 };
	struct pkit_http_response *res = NULL;
	char *url = NULL;
	int r;

	*body = NULL;
	*len = 0;
	if (status != NULL)
		*status = 0;
	c->request_id[0] = '\0';
	if (path[0] != '/')
		return pkit_seterr(ctx, PKIT_ERR_ARG, "%s: not an absolute "
		    "path", path);
	if (asprintf(&url, "%s%s", c->url, path) < 0)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", path);
	req.url = url;
	if ((r = pkit_http_do(ctx, c->http, &req, &res)) != 0)
		goto out;
	snprintf(c->request_id, sizeof(c->request_id), "%s",
	    res->server_request_id[0] != '\0' ? res->server_request_id :
	    res->request_id);
	if (status != NULL)
		*status = (int)res->status;
	if (res->status >= 400 || res->status < 200) {
		r = http_error(ctx, url, res);
		goto out;
	}
	*body = res->body;
	*len = res->len;
	res->body = NULL;
	res->len = 0;
	r = PKIT_OK;
out:
	pkit_http_response_free(res);
	free(url);
	return r;
}

int
pkit_ca_client_get_json(struct pkit_ctx *ctx, struct pkit_ca_client *c,
    const char *path, json_t **resp, int *status)
{
	return pkit_ca_client_request(ctx, c, "GET", path, NULL, NULL, resp,
	    status);
}

int
pkit_ca_client_post_json(struct pkit_ctx *ctx, struct pkit_ca_client *c,
    const char *path, const json_t *body, json_t **resp, int *status)
{
	return pkit_ca_client_request(ctx, c, "POST", path, body, NULL, resp,
	    status);
}

/* A member of an object response that must be a string. */
static int
get_string(struct pkit_ctx *ctx, const struct pkit_ca_client *c,
    const char *path, const json_t *j, const char *key, const char **out)
{
	const char *s;

	*out = NULL;
	if (!json_is_object(j) ||
	    (s = json_string_value(json_object_get(j, key))) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s%s: the response "
		    "has no \"%s\" string", c->url, path, key);
	*out = s;
	return PKIT_OK;
}

/* Parse one PEM certificate of a response member. */
static int
parse_one(struct pkit_ctx *ctx, const char *pem, const char *what,
    X509 **out)
{
	STACK_OF(X509) *sk = NULL;
	int n, r;

	*out = NULL;
	if ((r = pkit_x509_parse_certs(ctx, (const unsigned char *)pem,
	    strlen(pem), what, &sk)) != 0)
		return r;
	if ((n = sk_X509_num(sk)) != 1) {
		sk_X509_pop_free(sk, X509_free);
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: expected one "
		    "certificate, got %d", what, n);
	}
	*out = sk_X509_shift(sk);
	sk_X509_free(sk);
	return PKIT_OK;
}

int
pkit_ca_root(struct pkit_ctx *ctx, struct pkit_ca_client *c,
    const char *fingerprint, X509 **out)
{
	char fp[PKIT_CA_FP_LEN + 1], got[PKIT_CA_FP_LEN + 1], path[128];
	char what[256];
	const char *pem;
	json_t *j = NULL;
	X509 *crt = NULL;
	int r = PKIT_ERR_INTERNAL;

	*out = NULL;
	if ((r = pkit_ca_fingerprint_normalize(ctx, fingerprint, fp)) != 0)
		return r;
	snprintf(path, sizeof(path), "/root/%s", fp);
	snprintf(what, sizeof(what), "%s%s", c->url, path);
	if ((r = pkit_ca_client_get_json(ctx, c, path, &j, NULL)) != 0 ||
	    (r = get_string(ctx, c, path, j, "ca", &pem)) != 0 ||
	    (r = parse_one(ctx, pem, what, &crt)) != 0 ||
	    (r = pkit_ca_fingerprint(ctx, crt, got)) != 0)
		goto out;
	if (!pkit_secret_eq(fp, got, PKIT_CA_FP_LEN)) {
		r = pkit_seterr(ctx, PKIT_ERR_VERIFY, "%s: the root certificate "
		    "has fingerprint %s, not %s", what, got, fp);
		goto out;
	}
	*out = crt;
	crt = NULL;
	r = PKIT_OK;
out:
	X509_free(crt);
	json_decref(j);
	return r;
}

int
pkit_ca_bootstrap(struct pkit_ctx *ctx, const char *url,
    const char *fingerprint, X509 **out)
{
	struct pkit_ca_client *fetch = NULL, *check = NULL;
	X509 *root = NULL;
	json_t *health = NULL;
	char fp[PKIT_CA_FP_LEN + 1], why[sizeof(ctx->errbuf)];
	int status, r = PKIT_ERR_INTERNAL;

	*out = NULL;
	if ((r = pkit_ca_fingerprint_normalize(ctx, fingerprint, fp)) != 0)
		return r;
	/* 1. Fetch the root by its fingerprint without checking the TLS
	 * certificate: the hash comparison is what makes it trusted. */
	if ((r = pkit_ca_client_new(ctx, url, &fetch)) != 0)
		goto out;
	pkit_ca_client_set_insecure(fetch);
	if ((r = pkit_ca_root(ctx, fetch, fp, &root)) != 0)
		goto out;
	/* 2. A new connection (a new client shares no connection or TLS
	 * session with the first) whose TLS certificate must chain to the
	 * root just fetched and name the URL's host. */
	if ((r = pkit_ca_client_new(ctx, url, &check)) != 0 ||
	    (r = pkit_ca_client_add_root(ctx, check, root)) != 0)
		goto out;
	if ((r = pkit_ca_client_get_json(ctx, check, "/health", &health,
	    &status)) != 0) {
		snprintf(why, sizeof(why), "%s", ctx->errbuf);
		if (status == 0)
			r = pkit_seterr(ctx, r, "cannot confirm the CA's TLS "
			    "certificate with the root of fingerprint %s: %s",
			    fp, why);
		goto out;
	}
	*out = root;
	root = NULL;
	r = PKIT_OK;
out:
	json_decref(health);
	X509_free(root);
	pkit_ca_client_free(fetch);
	pkit_ca_client_free(check);
	return r;
}

static int
cert_list(struct pkit_ctx *ctx, struct pkit_ca_client *c, const char *path,
    STACK_OF(X509) **out)
{
	STACK_OF(X509) *sk = NULL;
	json_t *j = NULL, *crts, *v;
	X509 *crt = NULL;
	char what[256];
	size_t i;
	int r = PKIT_ERR_INTERNAL;

	*out = NULL;
	if ((r = pkit_ca_client_get_json(ctx, c, path, &j, NULL)) != 0)
		return r;
	if (!json_is_object(j) ||
	    !json_is_array(crts = json_object_get(j, "crts"))) {
		r = pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s%s: the response has "
		    "no \"crts\" array", c->url, path);
		goto out;
	}
	if ((sk = sk_X509_new_null()) == NULL) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s%s", c->url, path);
		goto out;
	}
	json_array_foreach(crts, i, v) {
		snprintf(what, sizeof(what), "%s%s: certificate %zu", c->url,
		    path, i + 1);
		if (!json_is_string(v)) {
			r = pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s is not a "
			    "string", what);
			goto out;
		}
		if ((r = parse_one(ctx, json_string_value(v), what, &crt)) != 0)
			goto out;
		if (!sk_X509_push(sk, crt)) {
			r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", what);
			goto out;
		}
		crt = NULL;
	}
	*out = sk;
	sk = NULL;
	r = PKIT_OK;
out:
	X509_free(crt);
	sk_X509_pop_free(sk, X509_free);
	json_decref(j);
	return r;
}

int
pkit_ca_roots(struct pkit_ctx *ctx, struct pkit_ca_client *c,
    STACK_OF(X509) **out)
{
	return cert_list(ctx, c, "/roots", out);
}

int
pkit_ca_federation(struct pkit_ctx *ctx, struct pkit_ca_client *c,
    STACK_OF(X509) **out)
{
	return cert_list(ctx, c, "/federation", out);
}

/* GET path and return a copy of its string member key. */
static int
get_member(struct pkit_ctx *ctx, struct pkit_ca_client *c, const char *path,
    const char *key, char **out)
{
	json_t *j = NULL;
	const char *s;
	int r;

	*out = NULL;
	if ((r = pkit_ca_client_get_json(ctx, c, path, &j, NULL)) != 0 ||
	    (r = get_string(ctx, c, path, j, key, &s)) != 0)
		goto out;
	if ((*out = strdup(s)) == NULL)
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s%s", c->url, path);
out:
	json_decref(j);
	return r;
}

int
pkit_ca_health(struct pkit_ctx *ctx, struct pkit_ca_client *c, char **out)
{
	return get_member(ctx, c, "/health", "status", out);
}

int
pkit_ca_version(struct pkit_ctx *ctx, struct pkit_ca_client *c, char **out)
{
	return get_member(ctx, c, "/version", "version", out);
}

int
pkit_ca_provisioners(struct pkit_ctx *ctx, struct pkit_ca_client *c,
    json_t **out)
{
	json_t *all = NULL, *j = NULL, *list;
	char *cursor = NULL, *esc = NULL, path[1024];
	const char *next;
	int page, r = PKIT_ERR_INTERNAL;

	*out = NULL;
	if ((all = json_array()) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "provisioners");
	for (page = 0;; page++) {
		if (page == PAGES_MAX) {
			r = pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s/provisioners: "
			    "more than %d pages", c->url, PAGES_MAX);
			goto out;
		}
		if (cursor == NULL)
			snprintf(path, sizeof(path), "/provisioners?limit=100");
		else {
			if ((r = pkit_http_escape(ctx, cursor, &esc)) != 0)
				goto out;
			if ((size_t)snprintf(path, sizeof(path),
			    "/provisioners?cursor=%s&limit=100", esc) >=
			    sizeof(path)) {
				r = pkit_seterr(ctx, PKIT_ERR_FORMAT,
				    "%s/provisioners: the cursor is too long",
				    c->url);
				goto out;
			}
			free(esc);
			esc = NULL;
		}
		json_decref(j);
		j = NULL;
		if ((r = pkit_ca_client_get_json(ctx, c, path, &j, NULL)) != 0)
			goto out;
		if (!json_is_object(j) ||
		    !json_is_array(list = json_object_get(j, "provisioners"))) {
			r = pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s%s: the response "
			    "has no \"provisioners\" array", c->url, path);
			goto out;
		}
		if (json_array_extend(all, list) != 0) {
			r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "provisioners");
			goto out;
		}
		next = json_string_value(json_object_get(j, "nextCursor"));
		if (next == NULL || *next == '\0')
			break;
		if (cursor != NULL && strcmp(cursor, next) == 0) {
			r = pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s%s: the CA "
			    "returned the same cursor again", c->url, path);
			goto out;
		}
		free(cursor);
		if ((cursor = strdup(next)) == NULL) {
			r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "provisioners");
			goto out;
		}
	}
	*out = all;
	all = NULL;
	r = PKIT_OK;
out:
	free(cursor);
	free(esc);
	json_decref(j);
	json_decref(all);
	return r;
}

int
pkit_ca_provisioner_key(struct pkit_ctx *ctx, struct pkit_ca_client *c,
    const char *kid, char **out)
{
	char *esc = NULL, *path = NULL;
	size_t n;
	int r;

	*out = NULL;
	if ((r = pkit_http_escape(ctx, kid, &esc)) != 0)
		return r;
	n = strlen(esc) + 64;
	if ((path = malloc(n)) == NULL) {
		free(esc);
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", kid);
	}
	snprintf(path, n, "/provisioners/%s/encrypted-key", esc);
	r = get_member(ctx, c, path, "key", out);
	free(esc);
	free(path);
	return r;
}

int
pkit_ca_sign(struct pkit_ctx *ctx, struct pkit_ca_client *c,
    const json_t *req, json_t **resp, int *status)
{
	return pkit_ca_client_post_json(ctx, c, "/sign", req, resp, status);
}

int
pkit_ca_renew(struct pkit_ctx *ctx, struct pkit_ca_client *c,
    const char *bearer, json_t **resp, int *status)
{
	const char *headers[2] = { NULL, NULL };
	char *auth = NULL;
	size_t n;
	int r;

	if (bearer != NULL) {
		n = strlen(bearer) + 32;
		if ((auth = malloc(n)) == NULL)
			return pkit_seterr(ctx, PKIT_ERR_NOMEM, "renew");
		snprintf(auth, n, "Authorization: Bearer %s", bearer);
		headers[0] = auth;
	}
	r = pkit_ca_client_request(ctx, c, "POST", "/renew", NULL, headers,
	    resp, status);
	pkit_secret_strfree(auth);
	return r;
}

int
pkit_ca_rekey(struct pkit_ctx *ctx, struct pkit_ca_client *c,
    const json_t *req, json_t **resp, int *status)
{
	return pkit_ca_client_post_json(ctx, c, "/rekey", req, resp, status);
}

int
pkit_ca_revoke(struct pkit_ctx *ctx, struct pkit_ca_client *c,
    const json_t *req, json_t **resp, int *status)
{
	return pkit_ca_client_post_json(ctx, c, "/revoke", req, resp, status);
}

int
pkit_ca_sign_response_chain(struct pkit_ctx *ctx, const json_t *resp,
    const char *what, STACK_OF(X509) **out)
{
	STACK_OF(X509) *sk = NULL;
	const json_t *chain, *v;
	const char *keys[] = { "crt", "ca" };
	X509 *crt = NULL;
	char name[256];
	size_t i, n;
	int r = PKIT_ERR_INTERNAL;

	*out = NULL;
	if (!json_is_object(resp))
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: the response is "
		    "not an object", what);
	if ((sk = sk_X509_new_null()) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", what);
	chain = json_object_get(resp, "certChain");
	n = json_is_array(chain) ? json_array_size(chain) : 0;
	for (i = 0; i < (n > 0 ? n : 2); i++) {
		if (n > 0) {
			v = json_array_get(chain, i);
			snprintf(name, sizeof(name), "%s: certChain[%zu]", what,
			    i);
		} else {
			v = json_object_get(resp, keys[i]);
			snprintf(name, sizeof(name), "%s: %s", what, keys[i]);
			/* "ca" may be absent; "crt" may not. */
			if (i > 0 && (v == NULL || json_is_null(v) ||
			    (json_is_string(v) && *json_string_value(v) == '\0')))
				break;
		}
		if (!json_is_string(v)) {
			r = pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: missing or "
			    "not a string", name);
			goto out;
		}
		if ((r = parse_one(ctx, json_string_value(v), name, &crt)) != 0)
			goto out;
		if (!sk_X509_push(sk, crt)) {
			r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", name);
			goto out;
		}
		crt = NULL;
	}
	*out = sk;
	sk = NULL;
	r = PKIT_OK;
out:
	X509_free(crt);
	sk_X509_pop_free(sk, X509_free);
	return r;
}

int
pkit_ca_defaults_load(struct pkit_ctx *ctx, const char *path, json_t **out)
{
	unsigned char *buf = NULL;
	json_error_t err;
	json_t *j;
	size_t len;
	int r;

	*out = NULL;
	if (!pkit_file_exists(path)) {
		if ((j = json_object()) == NULL)
			return pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", path);
		*out = j;
		return PKIT_OK;
	}
	if ((r = pkit_file_read(ctx, path, DEFAULTS_MAX, &buf, &len)) != 0)
		return r;
	j = json_loadb((const char *)buf, len, JSON_REJECT_DUPLICATES, &err);
	free(buf);
	if (j == NULL)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: not valid JSON: %s "
		    "at line %d, column %d", path, err.text, err.line,
		    err.column);
	if (!json_is_object(j)) {
		json_decref(j);
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: not a JSON "
		    "object", path);
	}
	*out = j;
	return PKIT_OK;
}

const char *
pkit_ca_defaults_get(const json_t *defaults, const char *key)
{
	const char *s = json_string_value(json_object_get(defaults, key));

	return s != NULL && *s != '\0' ? s : NULL;
}

int
pkit_ca_defaults_encode(struct pkit_ctx *ctx, const char *url,
    const char *fingerprint, const char *root, char **out, size_t *len)
{
	json_t *j = NULL;
	char *s = NULL, *t = NULL;
	size_t n;
	int r = PKIT_ERR_INTERNAL;

	*out = NULL;
	if ((j = json_object()) == NULL ||
	    json_object_set_new(j, "ca-url", json_string(url)) != 0 ||
	    json_object_set_new(j, "fingerprint", json_string(fingerprint)) != 0 ||
	    json_object_set_new(j, "root", json_string(root)) != 0 ||
	    (s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER)) == NULL) {
		r = pkit_seterr(ctx, PKIT_ERR_FORMAT, "cannot encode "
		    "defaults.json (are the URL and the path UTF-8?)");
		goto out;
	}
	n = strlen(s);
	if ((t = malloc(n + 2)) == NULL) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "defaults.json");
		goto out;
	}
	memcpy(t, s, n);
	t[n] = '\n';
	t[n + 1] = '\0';
	*out = t;
	*len = n + 1;
	r = PKIT_OK;
out:
	free(s);
	json_decref(j);
	return r;
}

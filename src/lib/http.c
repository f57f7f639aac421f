/* http.c - the HTTPS client (see http.h). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/pem.h>

#include "curl_dl.h"
#include "http.h"
#include "rand.h"
#include "secret.h"

#define USER_AGENT PACKAGE_NAME "/" PACKAGE_VERSION
#define RETRY_DELAY_MS 250L

enum verify_mode {
	VERIFY_SYSTEM,
	VERIFY_PINNED,
	VERIFY_NONE,
};

struct pkit_http {
	const struct pkit_curl *curl;
	CURL *easy;
	enum verify_mode verify;
	char *roots;		/* PEM of the pinned roots */
	size_t roots_len;
	char *cert;		/* PEM of the client chain */
	size_t cert_len;
	char *key;		/* PEM of the client key: a secret */
	size_t key_len;
	long connect_ms, total_ms;
	size_t max_body;
	int retries;
	char errbuf[CURL_ERROR_SIZE];
};

/* Where the body of a response goes. */
struct sink {
	unsigned char *buf;
	size_t len, cap, max;
	int over;		/* more than max bytes arrived */
	int nomem;
};

/* What we keep of the response headers. */
struct heads {
	char *content_type;
	char request_id[80];
	int nomem;
};

int
pkit_http_new(struct pkit_ctx *ctx, struct pkit_http **out)
{
	struct pkit_http *h = NULL;
	const struct pkit_curl *curl;
	int r;

	*out = NULL;
	if ((r = pkit_curl_load(ctx, &curl)) != 0)
		return r;
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "HTTP client");
	h->curl = curl;
	h->verify = VERIFY_SYSTEM;
	h->connect_ms = PKIT_HTTP_CONNECT_TIMEOUT_MS;
	h->total_ms = PKIT_HTTP_TIMEOUT_MS;
	h->max_body = PKIT_HTTP_MAX_BODY;
	h->retries = PKIT_HTTP_RETRIES;
	if ((h->easy = curl->easy_init()) == NULL) {
		free(h);
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "cannot create a libcurl "
		    "handle");
	}
	*out = h;
	return PKIT_OK;
}

void
pkit_http_free(struct pkit_http *h)
{
	if (h == NULL)
		return;
	if (h->easy != NULL)
		h->curl->easy_cleanup(h->easy);
	free(h->roots);
	free(h->cert);
	pkit_secret_free(h->key, h->key_len);
	free(h);
}

/* Append the contents of a memory BIO to *buf (*len bytes so far). */
static int
append_bio(struct pkit_ctx *ctx, BIO *bio, char **buf, size_t *len,
    int secret)
{
	char *data, *n;
	long dlen;

	if ((dlen = BIO_get_mem_data(bio, &data)) <= 0)
		return pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "PEM encoding");
	if ((n = malloc(*len + (size_t)dlen + 1)) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "PEM encoding");
	if (*len > 0)
		memcpy(n, *buf, *len);
	memcpy(n + *len, data, (size_t)dlen);
	n[*len + (size_t)dlen] = '\0';
	if (secret)
		pkit_secret_free(*buf, *len);
	else
		free(*buf);
	*buf = n;
	*len += (size_t)dlen;
	return PKIT_OK;
}

int
pkit_http_add_root(struct pkit_ctx *ctx, struct pkit_http *h, X509 *crt)
{
	BIO *bio = NULL;
	int r = PKIT_ERR_INTERNAL;

	if ((bio = BIO_new(BIO_s_mem())) == NULL ||
	    !PEM_write_bio_X509(bio, crt)) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "root certificate");
		goto out;
	}
	if ((r = append_bio(ctx, bio, &h->roots, &h->roots_len, 0)) != 0)
		goto out;
	h->verify = VERIFY_PINNED;
	r = PKIT_OK;
out:
	BIO_free(bio);
	return r;
}

void
pkit_http_set_insecure(struct pkit_http *h)
{
	h->verify = VERIFY_NONE;
}

int
pkit_http_set_identity(struct pkit_ctx *ctx, struct pkit_http *h,
    STACK_OF(X509) *chain, EVP_PKEY *key)
{
	BIO *cb = NULL, *kb = NULL;
	char *cert = NULL, *pem = NULL;
	size_t cert_len = 0, pem_len = 0;
	int i, r = PKIT_ERR_INTERNAL;

	if (sk_X509_num(chain) < 1)
		return pkit_seterr(ctx, PKIT_ERR_ARG, "client certificate: "
		    "no certificate");
	if ((cb = BIO_new(BIO_s_mem())) == NULL ||
	    (kb = BIO_new(BIO_s_secmem())) == NULL) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_NOMEM, "client certificate");
		goto out;
	}
	for (i = 0; i < sk_X509_num(chain); i++) {
		if (!PEM_write_bio_X509(cb, sk_X509_value(chain, i))) {
			r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO,
			    "client certificate");
			goto out;
		}
	}
	if (!PEM_write_bio_PrivateKey(kb, key, NULL, NULL, 0, NULL, NULL)) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "client key");
		goto out;
	}
	if ((r = append_bio(ctx, cb, &cert, &cert_len, 0)) != 0 ||
	    (r = append_bio(ctx, kb, &pem, &pem_len, 1)) != 0)
		goto out;
	free(h->cert);
	pkit_secret_free(h->key, h->key_len);
	h->cert = cert;
	h->cert_len = cert_len;
	h->key = pem;
	h->key_len = pem_len;
	cert = pem = NULL;
	r = PKIT_OK;
out:
	BIO_free(cb);
	BIO_free(kb);		/* secure memory: cleared when freed */
	free(cert);
	pkit_secret_free(pem, pem_len);
	return r;
}

void
pkit_http_set_timeouts(struct pkit_http *h, long connect_ms, long total_ms)
{
	if (connect_ms > 0)
		h->connect_ms = connect_ms;
	if (total_ms > 0)
		h->total_ms = total_ms;
}

void
pkit_http_set_max_body(struct pkit_http *h, size_t max)
{
	h->max_body = max;
}

void
pkit_http_set_retries(struct pkit_http *h, int n)
{
	h->retries = n < 0 ? 0 : n;
}

void
pkit_http_response_free(struct pkit_http_response *resp)
{
	if (resp == NULL)
		return;
	free(resp->content_type);
	free(resp->body);
	free(resp);
}

static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;
	size_t len = size * n, cap;
	unsigned char *b;

	if (len > s->max - s->len) {
		s->over = 1;
		return 0;
	}
	if (s->len + len + 1 > s->cap) {
		cap = s->cap == 0 ? 4096 : s->cap;
		while (cap < s->len + len + 1)
			cap *= 2;
		if ((b = realloc(s->buf, cap)) == NULL) {
			s->nomem = 1;
			return 0;
		}
		s->buf = b;
		s->cap = cap;
	}
	memcpy(s->buf + s->len, p, len);
	s->len += len;
	s->buf[s->len] = '\0';
	return len;
}

/* The value of header line p (len bytes) when its name is name. */
static int
header_value(const char *p, size_t len, const char *name, const char **v,
    size_t *vlen)
{
	size_t nlen = strlen(name);

	if (len <= nlen || p[nlen] != ':' || strncasecmp(p, name, nlen) != 0)
		return 0;
	p += nlen + 1;
	len -= nlen + 1;
	while (len > 0 && (*p == ' ' || *p == '\t')) {
		p++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)p[len - 1]))
		len--;
	*v = p;
	*vlen = len;
	return 1;
}

static size_t
on_header(char *p, size_t size, size_t n, void *arg)
{
	struct heads *hd = arg;
	size_t len = size * n, vlen;
	const char *v;

	if (len >= 5 && memcmp(p, "HTTP/", 5) == 0) {
		/* A new response (after a 100 Continue): start over. */
		free(hd->content_type);
		hd->content_type = NULL;
		hd->request_id[0] = '\0';
	} else if (header_value(p, len, "content-type", &v, &vlen)) {
		free(hd->content_type);
		if ((hd->content_type = strndup(v, vlen)) == NULL)
			hd->nomem = 1;
	} else if (header_value(p, len, "x-request-id", &v, &vlen)) {
		if (vlen >= sizeof(hd->request_id))
			vlen = sizeof(hd->request_id) - 1;
		memcpy(hd->request_id, v, vlen);
		hd->request_id[vlen] = '\0';
	}
	return len;
}

/* Set an option, remembering the first failure in *rc. */
#define SETOPT(opt, val) do { \
	CURLcode c_ = h->curl->easy_setopt(h->easy, opt, val); \
	if (c_ != CURLE_OK && rc == CURLE_OK) { \
		rc = c_; \
		what = #opt; \
	} \
} while (0)

static int
setup(struct pkit_ctx *ctx, struct pkit_http *h,
    const struct pkit_http_request *req, const char *method,
    const char *body, size_t len, struct curl_slist *hdrs, struct sink *s,
    struct heads *hd)
{
	struct curl_blob roots, cert, key;
	CURLcode rc = CURLE_OK;
	const char *what = NULL;

	h->curl->easy_reset(h->easy);
	h->errbuf[0] = '\0';
	SETOPT(CURLOPT_ERRORBUFFER, h->errbuf);
	SETOPT(CURLOPT_URL, req->url);
	SETOPT(CURLOPT_NOSIGNAL, 1L);
	SETOPT(CURLOPT_FOLLOWLOCATION, 0L);
	SETOPT(CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	SETOPT(CURLOPT_CONNECTTIMEOUT_MS, h->connect_ms);
	SETOPT(CURLOPT_TIMEOUT_MS, h->total_ms);
	SETOPT(CURLOPT_USERAGENT, USER_AGENT);
	SETOPT(CURLOPT_HTTPHEADER, hdrs);
	SETOPT(CURLOPT_WRITEFUNCTION, on_body);
	SETOPT(CURLOPT_WRITEDATA, s);
	SETOPT(CURLOPT_HEADERFUNCTION, on_header);
	SETOPT(CURLOPT_HEADERDATA, hd);
	SETOPT(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)h->max_body);
	switch (h->verify) {
	case VERIFY_NONE:
		SETOPT(CURLOPT_SSL_VERIFYPEER, 0L);
		SETOPT(CURLOPT_SSL_VERIFYHOST, 0L);
		break;
	case VERIFY_PINNED:
		roots.data = h->roots;
		roots.len = h->roots_len;
		roots.flags = CURL_BLOB_NOCOPY;
		SETOPT(CURLOPT_SSL_VERIFYPEER, 1L);
		SETOPT(CURLOPT_SSL_VERIFYHOST, 2L);
		SETOPT(CURLOPT_CAINFO_BLOB, &roots);
		/* The blob replaces the CA file, but not the CA directory that
		 * the distribution compiled in: drop it, or the system's roots
		 * would be trusted too. */
		SETOPT(CURLOPT_CAPATH, (char *)NULL);
		break;
	case VERIFY_SYSTEM:
		SETOPT(CURLOPT_SSL_VERIFYPEER, 1L);
		SETOPT(CURLOPT_SSL_VERIFYHOST, 2L);
		break;
	}
	if (h->cert != NULL) {
		cert.data = h->cert;
		cert.len = h->cert_len;
		cert.flags = CURL_BLOB_NOCOPY;
		key.data = h->key;
		key.len = h->key_len;
		key.flags = CURL_BLOB_NOCOPY;	/* no copy we cannot wipe */
		SETOPT(CURLOPT_SSLCERTTYPE, "PEM");
		SETOPT(CURLOPT_SSLCERT_BLOB, &cert);
		SETOPT(CURLOPT_SSLKEYTYPE, "PEM");
		SETOPT(CURLOPT_SSLKEY_BLOB, &key);
	}
	if (strcmp(method, "GET") == 0) {
		SETOPT(CURLOPT_HTTPGET, 1L);
	} else if (strcmp(method, "HEAD") == 0) {
		SETOPT(CURLOPT_NOBODY, 1L);
	} else {
		if (strcmp(method, "POST") == 0)
			SETOPT(CURLOPT_POST, 1L);
		else
			SETOPT(CURLOPT_CUSTOMREQUEST, method);
		SETOPT(CURLOPT_POSTFIELDS, body != NULL ? body : "");
		SETOPT(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	}
	if (rc != CURLE_OK)
		return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED, "%s: libcurl "
		    "refused %s: %s", req->url, what,
		    h->curl->easy_strerror(rc));
#if LIBCURL_VERSION_NUM >= 0x075500
	/* Only https, where the libcurl is recent enough to be told so; the
	 * URL was checked anyway and redirects are not followed. */
	(void)h->curl->easy_setopt(h->easy, CURLOPT_PROTOCOLS_STR, "https");
#endif
	return PKIT_OK;
}

static int
transient(CURLcode rc, long status)
{
	if (rc == CURLE_OK)
		return status == 502 || status == 503 || status == 504;
	return rc == CURLE_COULDNT_CONNECT || rc == CURLE_OPERATION_TIMEDOUT ||
	    rc == CURLE_GOT_NOTHING || rc == CURLE_SEND_ERROR ||
	    rc == CURLE_RECV_ERROR;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static int
curl_error(struct pkit_ctx *ctx, struct pkit_http *h, const char *url,
    CURLcode rc, const struct sink *s)
{
	const char *why = h->errbuf[0] != '\0' ? h->errbuf :
	    h->curl->easy_strerror(rc);

	if (s->nomem || rc == CURLE_OUT_OF_MEMORY)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", url);
	if (s->over || rc == CURLE_FILESIZE_EXCEEDED)
		return pkit_seterr(ctx, PKIT_ERR_TOO_LARGE, "%s: the response "
		    "is larger than %zu bytes", url, h->max_body);
	switch (rc) {
	case CURLE_PEER_FAILED_VERIFICATION:
		return pkit_seterr(ctx, PKIT_ERR_NET, "%s: the server's "
		    "certificate is not trusted: %s", url, why);
	case CURLE_OPERATION_TIMEDOUT:
		return pkit_seterr(ctx, PKIT_ERR_NET, "%s: timed out: %s", url,
		    why);
	default:
		return pkit_seterr(ctx, PKIT_ERR_NET, "%s: %s", url, why);
	}
}

int
pkit_http_do(struct pkit_ctx *ctx, struct pkit_http *h,
    const struct pkit_http_request *req, struct pkit_http_response **out)
{
	struct pkit_http_response *resp = NULL;
	struct curl_slist *hdrs = NULL, *t;
	struct sink s = { 0 };
	struct heads hd = { 0 };
	const char *method = req->method != NULL ? req->method : "GET";
	const char *const *hp;
	char *json = NULL, line[128], rid[PKIT_UUID_LEN + 1];
	const char *body = req->body;
	size_t len = req->len;
	CURLcode rc;
	long status = 0;
	int attempt, idempotent, r = PKIT_ERR_INTERNAL;

	*out = NULL;
	if (req->url == NULL || strncasecmp(req->url, "https://", 8) != 0)
		return pkit_seterr(ctx, PKIT_ERR_ARG, "%s: only https:// URLs "
		    "are supported", req->url != NULL ? req->url : "(null)");
	idempotent = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
	if (req->json != NULL) {
		if ((json = json_dumps(req->json, JSON_COMPACT)) == NULL)
			return pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s: request "
			    "body", req->url);
		body = json;
		len = strlen(json);
	}
	if ((r = pkit_rand_uuid(ctx, rid)) != 0)
		goto out;
	snprintf(line, sizeof(line), "X-Request-Id: %s", rid);
	/* "Expect:" off: no 100-continue round trip for small bodies. */
	if ((t = h->curl->slist_append(hdrs, line)) == NULL ||
	    (hdrs = t, t = h->curl->slist_append(hdrs, "Expect:")) == NULL)
		goto nomem;
	hdrs = t;
	if (req->json != NULL || (req->content_type != NULL && body != NULL)) {
		snprintf(line, sizeof(line), "Content-Type: %s",
		    req->json != NULL ? "application/json" : req->content_type);
		if ((t = h->curl->slist_append(hdrs, line)) == NULL)
			goto nomem;
		hdrs = t;
	}
	if (req->json != NULL) {
		if ((t = h->curl->slist_append(hdrs,
		    "Accept: application/json")) == NULL)
			goto nomem;
		hdrs = t;
	}
	for (hp = req->headers; hp != NULL && *hp != NULL; hp++) {
		if ((t = h->curl->slist_append(hdrs, *hp)) == NULL)
			goto nomem;
		hdrs = t;
	}
	for (attempt = 0;; attempt++) {
		free(s.buf);
		free(hd.content_type);
		memset(&s, 0, sizeof(s));
		memset(&hd, 0, sizeof(hd));
		s.max = h->max_body;
		if ((r = setup(ctx, h, req, method, body, len, hdrs, &s,
		    &hd)) != 0)
			goto out;
		rc = h->curl->easy_perform(h->easy);
		status = 0;
		if (rc == CURLE_OK)
			h->curl->easy_getinfo(h->easy, CURLINFO_RESPONSE_CODE,
			    &status);
		if (!idempotent || attempt >= h->retries ||
		    !transient(rc, status) || s.over || s.nomem)
			break;
		sleep_ms(RETRY_DELAY_MS << attempt);
	}
	if (rc != CURLE_OK) {
		r = curl_error(ctx, h, req->url, rc, &s);
		goto out;
	}
	if (hd.nomem)
		goto nomem;
	if ((resp = calloc(1, sizeof(*resp))) == NULL)
		goto nomem;
	if (s.buf == NULL && (s.buf = calloc(1, 1)) == NULL)
		goto nomem;
	resp->status = status;
	resp->body = s.buf;
	resp->len = s.len;
	resp->content_type = hd.content_type;
	snprintf(resp->request_id, sizeof(resp->request_id), "%s", rid);
	snprintf(resp->server_request_id, sizeof(resp->server_request_id),
	    "%s", hd.request_id);
	s.buf = NULL;
	hd.content_type = NULL;
	*out = resp;
	resp = NULL;
	r = PKIT_OK;
	goto out;
nomem:
	r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", req->url);
out:
	/* Request bodies carry tokens and CSRs: do not leave them behind. */
	if (json != NULL)
		pkit_secret_strfree(json);
	h->curl->slist_free_all(hdrs);
	free(s.buf);
	free(hd.content_type);
	pkit_http_response_free(resp);
	return r;
}

int
pkit_http_response_json(struct pkit_ctx *ctx,
    const struct pkit_http_response *resp, const char *url, json_t **out)
{
	json_error_t err;
	json_t *j;

	*out = NULL;
	if (resp->len == 0)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: the response "
		    "(HTTP %ld) is empty", url, resp->status);
	if ((j = json_loadb((const char *)resp->body, resp->len,
	    JSON_REJECT_DUPLICATES, &err)) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: the response "
		    "(HTTP %ld) is not valid JSON: %s at line %d, column %d",
		    url, resp->status, err.text, err.line, err.column);
	*out = j;
	return PKIT_OK;
}

int
pkit_http_escape(struct pkit_ctx *ctx, const char *s, char **out)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(s), i, o = 0;
	char *e;

	*out = NULL;
	if (n > (SIZE_MAX - 1) / 3 || (e = malloc(3 * n + 1)) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "URL escaping");
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
		    c == '~') {
			e[o++] = (char)c;
		} else {
			e[o++] = '%';
			e[o++] = hex[c >> 4];
			e[o++] = hex[c & 15];
		}
	}
	e[o] = '\0';
	*out = e;
	return PKIT_OK;
}

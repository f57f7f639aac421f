/* test_http.c - the HTTPS client (src/lib/http.c) and the step-ca API
 * client (src/lib/ca/client.c), against a small TLS server run in a
 * thread of this test with certificates made here. */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "lib/ca/client.h"
#include "lib/http.h"

/* ---- certificates ------------------------------------------------------ */

static long serial = 1;

static void
add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX v;
	X509_EXTENSION *e;

	X509V3_set_ctx(&v, issuer != NULL ? issuer : x, x, NULL, NULL, 0);
	e = X509V3_EXT_conf_nid(NULL, &v, nid, value);
	assert_non_null(e);
	assert_true(X509_add_ext(x, e, -1));
	X509_EXTENSION_free(e);
}

/* A certificate for key: a CA when ca is set, self-signed when issuer is
 * NULL, with the subjectAltName san and extended key usage eku if set. */
static X509 *
mkcert(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *ikey, int ca,
    const char *san, const char *eku)
{
	X509 *x = X509_new();
	X509_NAME *n;

	assert_non_null(x);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
	X509_gmtime_adj(X509_getm_notBefore(x), -60);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_set_pubkey(x, key);
	n = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
	    (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, issuer != NULL ? X509_get_subject_name(issuer) :
	    n);
	add_ext(x, issuer, NID_basic_constraints, ca ? "critical,CA:TRUE" :
	    "CA:FALSE");
	add_ext(x, issuer, NID_subject_key_identifier, "hash");
	if (ca)
		add_ext(x, issuer, NID_key_usage, "critical,keyCertSign,cRLSign");
	else
		add_ext(x, issuer, NID_key_usage, "critical,digitalSignature");
	if (issuer != NULL)
		add_ext(x, issuer, NID_authority_key_identifier, "keyid");
	if (san != NULL)
		add_ext(x, issuer, NID_subject_alt_name, san);
	if (eku != NULL)
		add_ext(x, issuer, NID_ext_key_usage, eku);
	assert_true(X509_sign(x, ikey != NULL ? ikey : key, EVP_sha256()) > 0);
	return x;
}

static char *
to_pem(X509 *x)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *data, *s;
	long n;

	assert_true(PEM_write_bio_X509(b, x));
	n = BIO_get_mem_data(b, &data);
	s = strndup(data, (size_t)n);
	BIO_free(b);
	return s;
}

static struct pki {
	EVP_PKEY *root_key, *other_key, *srv_key, *cli_key;
	X509 *root, *other, *srv, *srv_other, *srv_badname, *cli;
} pki;

/* ---- the server --------------------------------------------------------- */

enum srv_cert { SRV_GOOD, SRV_OTHER_CA, SRV_BAD_NAME };

static struct server {
	int fd, port;
	pthread_t thread;
	volatile int stop;
	SSL_CTX *ctx[3];
	volatile enum srv_cert cert;
	pthread_mutex_t lock;
	char last[8192];	/* the last request, headers and body */
	char peer[128];		/* CN of the client certificate, or "" */
	int requests;		/* requests answered */
	int fail_first;		/* answer 503 to this many requests first */
	int root_any;		/* /root/<anything> serves the root */
	int big;		/* /big body size */
} srv;

static void
respond(SSL *ssl, int status, const char *ctype, const char *body,
    const char *rid)
{
	char head[512];
	int n;

	n = snprintf(head, sizeof(head), "HTTP/1.1 %d X\r\nContent-Type: %s\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\n%s%s%s\r\n", status,
	    ctype, strlen(body), rid != NULL ? "X-Request-Id: " : "",
	    rid != NULL ? rid : "", rid != NULL ? "\r\n" : "");
	SSL_write(ssl, head, n);
	if (*body != '\0')
		SSL_write(ssl, body, (int)strlen(body));
}

static void
route(SSL *ssl, const char *method, const char *path, const char *rid)
{
	static char buf[65536];
	char fp[PKIT_CA_FP_LEN + 1], want[128];
	struct pkit_ctx ctx;
	char *pem, *esc;
	json_t *j;

	pkit_ctx_init(&ctx);
	pthread_mutex_lock(&srv.lock);
	srv.requests++;
	if (srv.fail_first > 0) {
		srv.fail_first--;
		pthread_mutex_unlock(&srv.lock);
		respond(ssl, 503, "text/plain", "busy\n", rid);
		return;
	}
	pthread_mutex_unlock(&srv.lock);
	if (pkit_ca_fingerprint(&ctx, pki.root, fp) != 0)
		fp[0] = '\0';
	snprintf(want, sizeof(want), "/root/%s", fp);
	if (strcmp(path, "/health") == 0)
		respond(ssl, 200, "application/json", "{\"status\":\"ok\"}\n",
		    rid);
	else if (strcmp(path, want) == 0 ||
	    (srv.root_any && strncmp(path, "/root/", 6) == 0)) {
		pem = to_pem(srv.root_any ? pki.other : pki.root);
		j = json_pack("{s:s}", "ca", pem);
		esc = json_dumps(j, 0);
		respond(ssl, 200, "application/json", esc, rid);
		free(esc);
		json_decref(j);
		free(pem);
	} else if (strncmp(path, "/root/", 6) == 0)
		respond(ssl, 404, "application/json", "{\"status\":404,"
		    "\"message\":\"The requested resource could not be found. "
		    "Please see the certificate authority logs for more "
		    "info.\"}\n", rid);
	else if (strcmp(path, "/roots") == 0) {
		pem = to_pem(pki.root);
		j = json_pack("{s:[s]}", "crts", pem);
		esc = json_dumps(j, 0);
		respond(ssl, 201, "application/json", esc, rid);
		free(esc);
		json_decref(j);
		free(pem);
	} else if (strcmp(path, "/provisioners?limit=100") == 0)
		respond(ssl, 200, "application/json", "{\"provisioners\":"
		    "[{\"type\":\"JWK\",\"name\":\"a\"}],\"nextCursor\":"
		    "\"c/+= 1\"}", rid);
	else if (strcmp(path, "/provisioners?cursor=c%2F%2B%3D%201&limit=100")
	    == 0)
		respond(ssl, 200, "application/json", "{\"provisioners\":"
		    "[{\"type\":\"ACME\",\"name\":\"b\"}],\"nextCursor\":\"\"}",
		    rid);
	else if (strcmp(path, "/provisioners/k%2Fid/encrypted-key") == 0)
		respond(ssl, 200, "application/json", "{\"key\":\"a.b.c.d.e\"}",
		    rid);
	else if (strcmp(path, "/malformed") == 0)
		respond(ssl, 200, "application/json", "{\"crts\":[", rid);
	else if (strcmp(path, "/trailing") == 0)
		respond(ssl, 200, "application/json", "{} x", rid);
	else if (strcmp(path, "/unauthorized") == 0)
		respond(ssl, 401, "application/json", "{\"status\":401,"
		    "\"message\":\"The request lacked necessary authorization "
		    "to be completed. Please see the certificate authority "
		    "logs for more info.\"}\n", rid);
	else if (strcmp(path, "/big") == 0) {
		memset(buf, 'x', sizeof(buf) - 1);
		buf[srv.big < (int)sizeof(buf) ? srv.big : (int)sizeof(buf) - 1] =
		    '\0';
		respond(ssl, 200, "text/plain", buf, rid);
	} else if (strcmp(method, "POST") == 0 &&
	    (strcmp(path, "/sign") == 0 || strcmp(path, "/renew") == 0))
		respond(ssl, 201, "application/json", "{\"echo\":true}", rid);
	else
		respond(ssl, 404, "text/plain; charset=utf-8",
		    "404 page not found\n", rid);
	pkit_ctx_release(&ctx);
}

static void
serve_one(int cfd)
{
	SSL *ssl = SSL_new(srv.ctx[srv.cert]);
	char req[8192], method[16] = "", path[2048] = "", rid[100] = "";
	char *end, *p, *q;
	size_t got = 0, want = 0;
	long clen = 0;
	X509 *peer;
	int n;

	SSL_set_fd(ssl, cfd);
	if (SSL_accept(ssl) <= 0)
		goto out;
	for (;;) {
		if (got + 1 >= sizeof(req))
			goto out;
		if ((n = SSL_read(ssl, req + got, (int)(sizeof(req) - got - 1)))
		    <= 0)
			goto out;
		got += (size_t)n;
		req[got] = '\0';
		if ((end = strstr(req, "\r\n\r\n")) == NULL)
			continue;
		if (want == 0) {
			if ((p = strcasestr(req, "\r\ncontent-length:")) != NULL &&
			    p < end)
				clen = strtol(p + 17, NULL, 10);
			want = (size_t)(end - req) + 4 + (size_t)clen;
		}
		if (got >= want)
			break;
	}
	if ((p = strchr(req, ' ')) != NULL && (size_t)(p - req) < sizeof(method)) {
		memcpy(method, req, (size_t)(p - req));
		if ((q = strchr(p + 1, ' ')) != NULL &&
		    (size_t)(q - p - 1) < sizeof(path))
			memcpy(path, p + 1, (size_t)(q - p - 1));
	}
	if ((p = strcasestr(req, "\r\nx-request-id: ")) != NULL &&
	    (q = strstr(p + 2, "\r\n")) != NULL &&
	    (size_t)(q - p - 16) < sizeof(rid))
		memcpy(rid, p + 16, (size_t)(q - p - 16));
	pthread_mutex_lock(&srv.lock);
	snprintf(srv.last, sizeof(srv.last), "%s", req);
	srv.peer[0] = '\0';
	if ((peer = SSL_get1_peer_certificate(ssl)) != NULL) {
		X509_NAME_get_text_by_NID(X509_get_subject_name(peer),
		    NID_commonName, srv.peer, sizeof(srv.peer));
		X509_free(peer);
	}
	pthread_mutex_unlock(&srv.lock);
	route(ssl, method, path, rid[0] != '\0' ? rid : NULL);
	SSL_shutdown(ssl);
out:
	SSL_free(ssl);
	close(cfd);
}

static void *
serve(void *arg)
{
	int cfd;

	(void)arg;
	while (!srv.stop) {
		if ((cfd = accept(srv.fd, NULL, NULL)) == -1)
			continue;
		if (srv.stop) {
			close(cfd);
			break;
		}
		serve_one(cfd);
	}
	return NULL;
}

static SSL_CTX *
server_ctx(X509 *crt, EVP_PKEY *key)
{
	SSL_CTX *c = SSL_CTX_new(TLS_server_method());

	assert_non_null(c);
	assert_true(SSL_CTX_use_certificate(c, crt));
	assert_true(SSL_CTX_use_PrivateKey(c, key));
	/* Ask for a client certificate, accept none: as step-ca does. */
	SSL_CTX_set_verify(c, SSL_VERIFY_PEER, NULL);
	/* Without it, a resumed session is refused with an internal error
	 * alert whenever client certificates are verified. */
	SSL_CTX_set_session_id_context(c, (const unsigned char *)"test", 4);
	X509_STORE_add_cert(SSL_CTX_get_cert_store(c), pki.root);
	return c;
}

static int
setup(void **state)
{
	struct sockaddr_in sa;
	socklen_t salen = sizeof(sa);

	(void)state;
	pki.root_key = EVP_EC_gen("P-256");
	pki.other_key = EVP_EC_gen("P-256");
	pki.srv_key = EVP_EC_gen("P-256");
	pki.cli_key = EVP_EC_gen("P-256");
	pki.root = mkcert(pki.root_key, "Test Root", NULL, NULL, 1, NULL, NULL);
	pki.other = mkcert(pki.other_key, "Other Root", NULL, NULL, 1, NULL,
	    NULL);
	pki.srv = mkcert(pki.srv_key, "localhost", pki.root, pki.root_key, 0,
	    "IP:127.0.0.1,DNS:localhost", "serverAuth");
	pki.srv_other = mkcert(pki.srv_key, "localhost", pki.other,
	    pki.other_key, 0, "IP:127.0.0.1,DNS:localhost", "serverAuth");
	pki.srv_badname = mkcert(pki.srv_key, "other.example", pki.root,
	    pki.root_key, 0, "DNS:other.example", "serverAuth");
	pki.cli = mkcert(pki.cli_key, "client one", pki.root, pki.root_key, 0,
	    "DNS:client.example", "clientAuth");
	srv.ctx[SRV_GOOD] = server_ctx(pki.srv, pki.srv_key);
	srv.ctx[SRV_OTHER_CA] = server_ctx(pki.srv_other, pki.srv_key);
	srv.ctx[SRV_BAD_NAME] = server_ctx(pki.srv_badname, pki.srv_key);
	pthread_mutex_init(&srv.lock, NULL);
	srv.fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(srv.fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    listen(srv.fd, 16) != 0 ||
	    getsockname(srv.fd, (struct sockaddr *)&sa, &salen) != 0)
		return -1;
	srv.port = ntohs(sa.sin_port);
	return pthread_create(&srv.thread, NULL, serve, NULL) == 0 ? 0 : -1;
}

static int
teardown(void **state)
{
	struct sockaddr_in sa;
	int fd, i;

	(void)state;
	srv.stop = 1;
	fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((unsigned short)srv.port);
	(void)connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	close(fd);
	pthread_join(srv.thread, NULL);
	close(srv.fd);
	for (i = 0; i < 3; i++)
		SSL_CTX_free(srv.ctx[i]);
	X509_free(pki.root);
	X509_free(pki.other);
	X509_free(pki.srv);
	X509_free(pki.srv_other);
	X509_free(pki.srv_badname);
	X509_free(pki.cli);
	EVP_PKEY_free(pki.root_key);
	EVP_PKEY_free(pki.other_key);
	EVP_PKEY_free(pki.srv_key);
	EVP_PKEY_free(pki.cli_key);
	pthread_mutex_destroy(&srv.lock);
	return 0;
}

static void
url(char *buf, size_t size)
{
	snprintf(buf, size, "https://127.0.0.1:%d", srv.port);
}

/* A client of the test server trusting root (or nothing when NULL). */
static struct pkit_ca_client *
client(struct pkit_ctx *ctx, X509 *root)
{
	struct pkit_ca_client *c;
	char u[64];

	url(u, sizeof(u));
	assert_int_equal(pkit_ca_client_new(ctx, u, &c), PKIT_OK);
	if (root != NULL)
		assert_int_equal(pkit_ca_client_add_root(ctx, c, root), PKIT_OK);
	pkit_http_set_retries(pkit_ca_client_http(c), 0);
	return c;
}

static double
now(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* ---- offline ------------------------------------------------------------ */

static void
test_url_normalize(void **state)
{
	static const struct {
		const char *in, *out;
	} ok[] = {
		{ "https://ca.example.com:9000", "https://ca.example.com:9000" },
		{ "ca.example.com:9000", "https://ca.example.com:9000" },
		{ "ca.example.com", "https://ca.example.com" },
		{ "https://ca.example.com/", "https://ca.example.com" },
		{ "HTTPS://ca:9000/1.0/sign?x=1#f", "https://ca:9000" },
		{ "https://[::1]:9443", "https://[::1]:9443" },
		{ "https://127.0.0.1:1", "https://127.0.0.1:1" },
	};
	static const char *bad[] = { "", "http://ca.example.com",
	    "ftp://ca.example.com", "https://", "https://a b" };
	struct pkit_ctx ctx;
	char *s;
	size_t i;

	(void)state;
	pkit_ctx_init(&ctx);
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(pkit_ca_url_normalize(&ctx, ok[i].in, &s),
		    PKIT_OK);
		assert_string_equal(s, ok[i].out);
		free(s);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		s = NULL;
		assert_int_equal(pkit_ca_url_normalize(&ctx, bad[i], &s),
		    PKIT_ERR_ARG);
		assert_null(s);
	}
	assert_int_equal(pkit_ca_url_normalize(&ctx, "http://x", &s),
	    PKIT_ERR_ARG);
	assert_non_null(strstr(ctx.errbuf, "https"));
	pkit_ctx_release(&ctx);
}

static void
test_fingerprint(void **state)
{
	const char *want =
	    "37637580abfdebb0f6c9da0c075e160f3b2ecc3a99c5c36c1095f43082aed770";
	struct pkit_ctx ctx;
	char fp[PKIT_CA_FP_LEN + 1], hex[PKIT_CA_FP_LEN + 1];
	unsigned char *der = NULL, md[32];
	unsigned int mdlen;
	int i, n;

	(void)state;
	pkit_ctx_init(&ctx);
	assert_int_equal(pkit_ca_fingerprint_normalize(&ctx,
	    "37:63:75:80:AB:FD:EB:B0:F6:C9:DA:0C:07:5E:16:0F:3B:2E:CC:3A:99:"
	    "C5:C3:6C:10:95:F4:30:82:AE:D7:70", fp), PKIT_OK);
	assert_string_equal(fp, want);
	assert_int_equal(pkit_ca_fingerprint_normalize(&ctx,
	    "37637580-abfdebb0f6c9da0c075e160f3b2ecc3a99c5c36c1095f43082aed770",
	    fp), PKIT_OK);
	assert_string_equal(fp, want);
	assert_int_equal(pkit_ca_fingerprint_normalize(&ctx, "3763", fp),
	    PKIT_ERR_ARG);
	assert_int_equal(pkit_ca_fingerprint_normalize(&ctx,
	    "37637580abfdebb0f6c9da0c075e160f3b2ecc3a99c5c36c1095f43082aed7700",
	    fp), PKIT_ERR_ARG);
	assert_int_equal(pkit_ca_fingerprint_normalize(&ctx,
	    "g7637580abfdebb0f6c9da0c075e160f3b2ecc3a99c5c36c1095f43082aed770",
	    fp), PKIT_ERR_ARG);
	assert_non_null(strstr(ctx.errbuf, "g7637580"));
	/* The fingerprint of a certificate is the SHA-256 of its DER. */
	assert_int_equal(pkit_ca_fingerprint(&ctx, pki.root, fp), PKIT_OK);
	n = i2d_X509(pki.root, &der);
	assert_true(n > 0);
	assert_true(EVP_Digest(der, (size_t)n, md, &mdlen, EVP_sha256(), NULL));
	OPENSSL_free(der);
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	assert_string_equal(fp, hex);
	pkit_ctx_release(&ctx);
}

static void
test_escape(void **state)
{
	struct pkit_ctx ctx;
	char *s;

	(void)state;
	pkit_ctx_init(&ctx);
	assert_int_equal(pkit_http_escape(&ctx, "aZ09-._~/+= %\xc3\xa9", &s),
	    PKIT_OK);
	assert_string_equal(s, "aZ09-._~%2F%2B%3D%20%25%C3%A9");
	free(s);
	pkit_ctx_release(&ctx);
}

static void
test_defaults(void **state)
{
	char dir[] = "/tmp/pkit-test-http.XXXXXX", path[256], cmd[300];
	struct pkit_ctx ctx;
	json_t *j;
	char *s;
	size_t len;
	FILE *fp;

	(void)state;
	pkit_ctx_init(&ctx);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/defaults.json", dir);
	/* Missing: an empty object. */
	assert_int_equal(pkit_ca_defaults_load(&ctx, path, &j), PKIT_OK);
	assert_true(json_is_object(j) && json_object_size(j) == 0);
	assert_null(pkit_ca_defaults_get(j, "ca-url"));
	json_decref(j);
	/* What bootstrap writes, read back. */
	assert_int_equal(pkit_ca_defaults_encode(&ctx, "https://ca:9000",
	    "ab", "/r/root_ca.crt", &s, &len), PKIT_OK);
	assert_string_equal(s, "{\n  \"ca-url\": \"https://ca:9000\",\n"
	    "  \"fingerprint\": \"ab\",\n  \"root\": \"/r/root_ca.crt\"\n}\n");
	assert_int_equal(len, strlen(s));
	fp = fopen(path, "w");
	fputs(s, fp);
	fclose(fp);
	free(s);
	assert_int_equal(pkit_ca_defaults_load(&ctx, path, &j), PKIT_OK);
	assert_string_equal(pkit_ca_defaults_get(j, "ca-url"),
	    "https://ca:9000");
	assert_string_equal(pkit_ca_defaults_get(j, "root"), "/r/root_ca.crt");
	assert_null(pkit_ca_defaults_get(j, "provisioner"));
	json_decref(j);
	/* Malformed, and not an object. */
	fp = fopen(path, "w");
	fputs("{\"ca-url\": ", fp);
	fclose(fp);
	assert_int_equal(pkit_ca_defaults_load(&ctx, path, &j),
	    PKIT_ERR_FORMAT);
	assert_non_null(strstr(ctx.errbuf, path));
	fp = fopen(path, "w");
	fputs("[1]", fp);
	fclose(fp);
	assert_int_equal(pkit_ca_defaults_load(&ctx, path, &j),
	    PKIT_ERR_FORMAT);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	pkit_ctx_release(&ctx);
}

static void
test_sign_response_chain(void **state)
{
	struct pkit_ctx ctx;
	STACK_OF(X509) *sk;
	char *leaf = to_pem(pki.srv), *ca = to_pem(pki.root);
	json_t *j;

	(void)state;
	pkit_ctx_init(&ctx);
	j = json_pack("{s:s,s:s,s:[s,s]}", "crt", leaf, "ca", ca, "certChain",
	    leaf, ca);
	assert_int_equal(pkit_ca_sign_response_chain(&ctx, j, "sign", &sk),
	    PKIT_OK);
	assert_int_equal(sk_X509_num(sk), 2);
	assert_int_equal(X509_cmp(sk_X509_value(sk, 0), pki.srv), 0);
	assert_int_equal(X509_cmp(sk_X509_value(sk, 1), pki.root), 0);
	sk_X509_pop_free(sk, X509_free);
	json_decref(j);
	/* Older CAs: crt and ca. */
	j = json_pack("{s:s,s:s}", "crt", leaf, "ca", ca);
	assert_int_equal(pkit_ca_sign_response_chain(&ctx, j, "sign", &sk),
	    PKIT_OK);
	assert_int_equal(sk_X509_num(sk), 2);
	sk_X509_pop_free(sk, X509_free);
	json_decref(j);
	j = json_pack("{s:s}", "crt", leaf);
	assert_int_equal(pkit_ca_sign_response_chain(&ctx, j, "sign", &sk),
	    PKIT_OK);
	assert_int_equal(sk_X509_num(sk), 1);
	sk_X509_pop_free(sk, X509_free);
	json_decref(j);
	j = json_pack("{s:s}", "ca", ca);
	assert_int_equal(pkit_ca_sign_response_chain(&ctx, j, "sign", &sk),
	    PKIT_ERR_FORMAT);
	json_decref(j);
	j = json_pack("{s:[s]}", "certChain", "not a certificate");
	assert_int_equal(pkit_ca_sign_response_chain(&ctx, j, "sign", &sk),
	    PKIT_ERR_FORMAT);
	json_decref(j);
	free(leaf);
	free(ca);
	pkit_ctx_release(&ctx);
}

static void
test_unreachable(void **state)
{
	struct pkit_http_request req = { 0 };
	struct pkit_http_response *resp = NULL;
	struct sockaddr_in sa;
	socklen_t salen = sizeof(sa);
	struct pkit_http *h;
	struct pkit_ctx ctx;
	char u[64];
	double t;
	int fd;

	(void)state;
	pkit_ctx_init(&ctx);
	/* A port nobody listens on. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &salen), 0);
	close(fd);
	snprintf(u, sizeof(u), "https://127.0.0.1:%d/health",
	    ntohs(sa.sin_port));
	assert_int_equal(pkit_http_new(&ctx, &h), PKIT_OK);
	req.url = u;
	pkit_http_set_retries(h, 1);
	t = now();
	assert_int_equal(pkit_http_do(&ctx, h, &req, &resp), PKIT_ERR_NET);
	assert_true(now() - t >= 0.24);		/* GET: retried once */
	assert_null(resp);
	assert_non_null(strstr(ctx.errbuf, u));
	req.method = "POST";
	t = now();
	assert_int_equal(pkit_http_do(&ctx, h, &req, &resp), PKIT_ERR_NET);
	assert_true(now() - t < 0.24);		/* POST: never retried */
	/* Only https. */
	req.url = "http://127.0.0.1:1/";
	assert_int_equal(pkit_http_do(&ctx, h, &req, &resp), PKIT_ERR_ARG);
	pkit_http_free(h);
	pkit_ctx_release(&ctx);
}

/* ---- against the server -------------------------------------------------- */

static void
test_pinned_root(void **state)
{
	struct pkit_ctx ctx;
	struct pkit_ca_client *c;
	char *s = NULL, rid[100];

	(void)state;
	pkit_ctx_init(&ctx);
	srv.cert = SRV_GOOD;
	c = client(&ctx, pki.root);
	assert_int_equal(pkit_ca_health(&ctx, c, &s), PKIT_OK);
	assert_string_equal(s, "ok");
	free(s);
	pthread_mutex_lock(&srv.lock);
	assert_true(strncmp(srv.last, "GET /health HTTP/1.1\r\n", 22) == 0);
	assert_non_null(strstr(srv.last, "\r\nUser-Agent: pkit/"));
	snprintf(rid, sizeof(rid), "\r\nX-Request-Id: %s\r\n",
	    pkit_ca_client_request_id(c));
	assert_int_equal(strlen(pkit_ca_client_request_id(c)), 36);
	assert_non_null(strstr(srv.last, rid));
	pthread_mutex_unlock(&srv.lock);
	pkit_ca_client_free(c);

	/* Not trusted: the system store, another root. */
	c = client(&ctx, NULL);
	assert_int_equal(pkit_ca_health(&ctx, c, &s), PKIT_ERR_NET);
	assert_non_null(strstr(ctx.errbuf, "not trusted"));
	pkit_ca_client_free(c);
	c = client(&ctx, pki.other);
	assert_int_equal(pkit_ca_health(&ctx, c, &s), PKIT_ERR_NET);
	assert_non_null(strstr(ctx.errbuf, "not trusted"));
	pkit_ca_client_free(c);
	/* A server certificate from another CA. */
	srv.cert = SRV_OTHER_CA;
	c = client(&ctx, pki.root);
	assert_int_equal(pkit_ca_health(&ctx, c, &s), PKIT_ERR_NET);
	pkit_ca_client_free(c);
	/* The right CA, the wrong name. */
	srv.cert = SRV_BAD_NAME;
	c = client(&ctx, pki.root);
	assert_int_equal(pkit_ca_health(&ctx, c, &s), PKIT_ERR_NET);
	pkit_ca_client_free(c);
	/* Insecure: anything goes. */
	c = client(&ctx, NULL);
	pkit_ca_client_set_insecure(c);
	assert_int_equal(pkit_ca_health(&ctx, c, &s), PKIT_OK);
	free(s);
	pkit_ca_client_free(c);
	srv.cert = SRV_GOOD;
	pkit_ctx_release(&ctx);
}

static void
test_bootstrap(void **state)
{
	struct pkit_ctx ctx;
	char u[64], fp[PKIT_CA_FP_LEN + 1], ofp[PKIT_CA_FP_LEN + 1];
	X509 *root = NULL;

	(void)state;
	pkit_ctx_init(&ctx);
	url(u, sizeof(u));
	assert_int_equal(pkit_ca_fingerprint(&ctx, pki.root, fp), PKIT_OK);
	assert_int_equal(pkit_ca_fingerprint(&ctx, pki.other, ofp), PKIT_OK);
	srv.cert = SRV_GOOD;
	assert_int_equal(pkit_ca_bootstrap(&ctx, u, fp, &root), PKIT_OK);
	assert_int_equal(X509_cmp(root, pki.root), 0);
	X509_free(root);
	root = NULL;
	/* Unknown fingerprint: the CA's 404 message. */
	assert_int_equal(pkit_ca_bootstrap(&ctx, u, ofp, &root),
	    PKIT_ERR_NOT_FOUND);
	assert_non_null(strstr(ctx.errbuf, "The requested resource could not "
	    "be found"));
	/* A CA that answers with another certificate than asked for. */
	srv.root_any = 1;
	assert_int_equal(pkit_ca_bootstrap(&ctx, u, fp, &root),
	    PKIT_ERR_VERIFY);
	assert_non_null(strstr(ctx.errbuf, ofp));
	srv.root_any = 0;
	/* The root checks out, but the TLS certificate is not from it. */
	srv.cert = SRV_OTHER_CA;
	assert_int_equal(pkit_ca_bootstrap(&ctx, u, fp, &root), PKIT_ERR_NET);
	assert_non_null(strstr(ctx.errbuf, "cannot confirm the CA's TLS "
	    "certificate"));
	srv.cert = SRV_BAD_NAME;
	assert_int_equal(pkit_ca_bootstrap(&ctx, u, fp, &root), PKIT_ERR_NET);
	assert_null(root);
	srv.cert = SRV_GOOD;
	pkit_ctx_release(&ctx);
}

static void
test_responses(void **state)
{
	struct pkit_ctx ctx;
	struct pkit_ca_client *c;
	STACK_OF(X509) *sk = NULL;
	json_t *j = NULL;
	char *s = NULL, want[256];
	int status;

	(void)state;
	pkit_ctx_init(&ctx);
	c = client(&ctx, pki.root);
	assert_int_equal(pkit_ca_roots(&ctx, c, &sk), PKIT_OK);
	assert_int_equal(sk_X509_num(sk), 1);
	assert_int_equal(X509_cmp(sk_X509_value(sk, 0), pki.root), 0);
	sk_X509_pop_free(sk, X509_free);
	/* step's error body: its message, after the URL. */
	assert_int_equal(pkit_ca_client_get_json(&ctx, c, "/unauthorized", &j,
	    &status), PKIT_ERR_PERM);
	assert_int_equal(status, 401);
	assert_null(j);
	snprintf(want, sizeof(want), "https://127.0.0.1:%d/unauthorized: The "
	    "request lacked necessary authorization to be completed. Please "
	    "see the certificate authority logs for more info.", srv.port);
	assert_string_equal(ctx.errbuf, want);
	/* Go's plain 404. */
	assert_int_equal(pkit_ca_federation(&ctx, c, &sk), PKIT_ERR_NOT_FOUND);
	snprintf(want, sizeof(want), "https://127.0.0.1:%d/federation: HTTP "
	    "404: 404 page not found", srv.port);
	assert_string_equal(ctx.errbuf, want);
	/* Malformed JSON, trailing garbage, a wrong shape. */
	assert_int_equal(pkit_ca_client_get_json(&ctx, c, "/malformed", &j,
	    &status), PKIT_ERR_FORMAT);
	assert_int_equal(status, 200);
	assert_non_null(strstr(ctx.errbuf, "not valid JSON"));
	assert_int_equal(pkit_ca_client_get_json(&ctx, c, "/trailing", &j,
	    NULL), PKIT_ERR_FORMAT);
	assert_int_equal(pkit_ca_version(&ctx, c, &s), PKIT_ERR_NOT_FOUND);
	/* Body limit. */
	srv.big = 5000;
	pkit_http_set_max_body(pkit_ca_client_http(c), 4000);
	assert_int_equal(pkit_ca_client_request(&ctx, c, "GET", "/big", NULL,
	    NULL, NULL, NULL), PKIT_ERR_TOO_LARGE);
	pkit_http_set_max_body(pkit_ca_client_http(c), 5000);
	assert_int_equal(pkit_ca_client_request(&ctx, c, "GET", "/big", NULL,
	    NULL, NULL, NULL), PKIT_OK);
	pkit_ca_client_free(c);
	pkit_ctx_release(&ctx);
}

static void
test_paging_and_keys(void **state)
{
	struct pkit_ctx ctx;
	struct pkit_ca_client *c;
	json_t *j = NULL;
	char *s = NULL;

	(void)state;
	pkit_ctx_init(&ctx);
	c = client(&ctx, pki.root);
	assert_int_equal(pkit_ca_provisioners(&ctx, c, &j), PKIT_OK);
	assert_int_equal(json_array_size(j), 2);
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(j, 1), "name")), "b");
	json_decref(j);
	assert_int_equal(pkit_ca_provisioner_key(&ctx, c, "k/id", &s),
	    PKIT_OK);
	assert_string_equal(s, "a.b.c.d.e");
	free(s);
	pkit_ca_client_free(c);
	pkit_ctx_release(&ctx);
}

static void
test_retries(void **state)
{
	struct pkit_ctx ctx;
	struct pkit_ca_client *c;
	json_t *req, *j = NULL;
	char *s = NULL;
	int status, before;

	(void)state;
	pkit_ctx_init(&ctx);
	c = client(&ctx, pki.root);
	pkit_http_set_retries(pkit_ca_client_http(c), 2);
	srv.fail_first = 2;
	before = srv.requests;
	assert_int_equal(pkit_ca_health(&ctx, c, &s), PKIT_OK);
	assert_int_equal(srv.requests - before, 3);
	free(s);
	/* A POST is never repeated. */
	srv.fail_first = 1;
	before = srv.requests;
	req = json_pack("{s:s}", "csr", "x");
	assert_int_equal(pkit_ca_sign(&ctx, c, req, &j, &status), PKIT_ERR_NET);
	assert_int_equal(status, 503);
	assert_int_equal(srv.requests - before, 1);
	/* The body is JSON, labelled so. */
	assert_int_equal(pkit_ca_sign(&ctx, c, req, &j, &status), PKIT_OK);
	assert_int_equal(status, 201);
	assert_true(json_is_true(json_object_get(j, "echo")));
	json_decref(j);
	pthread_mutex_lock(&srv.lock);
	assert_true(strncmp(srv.last, "POST /sign HTTP/1.1\r\n", 21) == 0);
	assert_non_null(strstr(srv.last, "\r\nContent-Type: application/json"));
	assert_non_null(strstr(srv.last, "\r\n\r\n{\"csr\":\"x\"}"));
	pthread_mutex_unlock(&srv.lock);
	json_decref(req);
	pkit_ca_client_free(c);
	pkit_ctx_release(&ctx);
}

static void
test_identity_and_bearer(void **state)
{
	struct pkit_ctx ctx;
	struct pkit_ca_client *c;
	STACK_OF(X509) *chain = sk_X509_new_null();
	json_t *j = NULL;
	int status;

	(void)state;
	pkit_ctx_init(&ctx);
	/* Without an identity, no client certificate. */
	c = client(&ctx, pki.root);
	assert_int_equal(pkit_ca_renew(&ctx, c, "tok.en.x", &j, &status),
	    PKIT_OK);
	json_decref(j);
	pthread_mutex_lock(&srv.lock);
	assert_string_equal(srv.peer, "");
	assert_non_null(strstr(srv.last, "\r\nAuthorization: Bearer tok.en.x\r\n"));
	assert_non_null(strstr(srv.last, "\r\nContent-Length: 0\r\n"));
	pthread_mutex_unlock(&srv.lock);
	/* mTLS. */
	sk_X509_push(chain, pki.cli);
	assert_int_equal(pkit_ca_client_set_identity(&ctx, c, chain,
	    pki.cli_key), PKIT_OK);
	assert_int_equal(pkit_ca_renew(&ctx, c, NULL, &j, &status), PKIT_OK);
	assert_int_equal(status, 201);
	json_decref(j);
	pthread_mutex_lock(&srv.lock);
	assert_string_equal(srv.peer, "client one");
	assert_null(strstr(srv.last, "Authorization"));
	pthread_mutex_unlock(&srv.lock);
	sk_X509_free(chain);
	pkit_ca_client_free(c);
	pkit_ctx_release(&ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_url_normalize),
		cmocka_unit_test(test_fingerprint),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_sign_response_chain),
		cmocka_unit_test(test_unreachable),
		cmocka_unit_test(test_pinned_root),
		cmocka_unit_test(test_bootstrap),
		cmocka_unit_test(test_responses),
		cmocka_unit_test(test_paging_and_keys),
		cmocka_unit_test(test_retries),
		cmocka_unit_test(test_identity_and_bearer),
	};

	/* The server writes to clients that hung up on it. */
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, setup, teardown);
}

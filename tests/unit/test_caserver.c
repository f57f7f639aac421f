/* test_caserver.c - the server's contract with the routes plugged into it:
 * sync and async handlers, path parameters, bodies, extensions rebuilt on
 * reload, bare-only routes, a handler that forgets to reply, replies to
 * clients that left, stop. */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <event2/event.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "lib/ca/server.h"

static char dir[] = "/tmp/pkit-test-caserver.XXXXXX";
static char cfgpath[256];

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static char bound[128];
static int loads, frees;
static char logbuf[65536];

struct later {
	struct pkit_ca_req *req;
	char text[64];
};

static void
log_cb(void *arg, const char *line)
{
	(void)arg;
	size_t len;

	pthread_mutex_lock(&mu);
	len = strlen(logbuf);
	snprintf(logbuf + len, sizeof(logbuf) - len, "%s\n", line);
	pthread_mutex_unlock(&mu);
}

static void
ready_cb(void *arg, const char *address, const struct pkit_ca_pki *pki)
{
	(void)arg;
	assert_int_equal(strlen(pki->fingerprint), 64);
	pthread_mutex_lock(&mu);
	snprintf(bound, sizeof(bound), "%s", address);
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
}

/* The extension's state: which load of the configuration this is. */
static int
ext_load(struct pkit_ctx *ctx, void *arg, const struct pkit_ca_pki *pki,
    void **state)
{
	int *gen = malloc(sizeof(*gen));

	(void)ctx;
	assert_ptr_equal(arg, &loads);
	assert_non_null(pki->key);
	assert_int_equal(sk_X509_num(pki->intermediates), 1);
	if (gen == NULL)
		return PKIT_ERR_NOMEM;
	pthread_mutex_lock(&mu);
	*gen = ++loads;
	pthread_mutex_unlock(&mu);
	*state = gen;
	return PKIT_OK;
}

static void
ext_free(void *state)
{
	pthread_mutex_lock(&mu);
	frees++;
	pthread_mutex_unlock(&mu);
	free(state);
}

static const struct pkit_ca_ext ext = { "test", ext_load, ext_free };
static int ext_id;

/* POST /echo/{word}: 201 with the word, the body and the generation. */
static int
h_echo(struct pkit_ca_req *req, void *arg)
{
	const unsigned char *body;
	size_t len;
	int *gen = pkit_ca_req_ext(req, ext_id);

	(void)arg;
	body = pkit_ca_req_body(req, &len);
	pkit_ca_req_log(req, "word", "%s", pkit_ca_req_param(req, "word"));
	pkit_ca_reply_json(req, 201, json_pack("{s:s,s:s%,s:i,s:s?}",
	    "word", pkit_ca_req_param(req, "word"), "body", (const char *)body,
	    len,
	    "gen", *gen, "q", pkit_ca_req_query(req, "q")));
	return PKIT_CA_DONE;
}

static void
later_cb(evutil_socket_t fd, short what, void *arg)
{
	struct later *l = arg;

	(void)fd;
	(void)what;
	pkit_ca_reply(l->req, 200, "text/plain", l->text, strlen(l->text));
	free(l);
}

/* POST /later/{ms}: answer from a timer on the same loop. */
static int
h_later(struct pkit_ca_req *req, void *arg)
{
	struct later *l = calloc(1, sizeof(*l));
	struct timeval tv = { 0, 0 };

	(void)arg;
	assert_non_null(l);
	l->req = req;
	tv.tv_usec = strtol(pkit_ca_req_param(req, "ms"), NULL, 10) * 1000;
	snprintf(l->text, sizeof(l->text), "later %s",
	    pkit_ca_req_param(req, "ms"));
	assert_int_equal(event_base_once(pkit_ca_req_base(req), -1,
	    EV_TIMEOUT, later_cb, l, &tv), 0);
	return PKIT_CA_ASYNC;
}

static int
h_noreply(struct pkit_ca_req *req, void *arg)
{
	(void)req;
	(void)arg;
	return PKIT_CA_DONE;
}

static int
h_forbidden(struct pkit_ca_req *req, void *arg)
{
	(void)arg;
	pkit_ca_reply_error(req, 403, "%s is not allowed",
	    pkit_ca_req_path(req));
	return PKIT_CA_DONE;
}

static int
h_acme(struct pkit_ca_req *req, void *arg)
{
	(void)arg;
	pkit_ca_reply(req, 200, NULL, "acme", 4);
	return PKIT_CA_DONE;
}

static void *
run_thread(void *arg)
{
	struct pkit_ca_server *srv = arg;
	struct pkit_ctx ctx;
	intptr_t r;

	pkit_ctx_init(&ctx);
	r = pkit_ca_server_run(&ctx, srv);
	if (r != 0)
		fprintf(stderr, "run: %s\n", ctx.errbuf);
	pkit_ctx_release(&ctx);
	/* Let main() wait even when run() failed. */
	pthread_mutex_lock(&mu);
	if (bound[0] == '\0')
		snprintf(bound, sizeof(bound), "failed");
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	return (void *)r;
}

/* ---- a small blocking TLS client ---------------------------------------- */

struct cli {
	int fd;
	SSL_CTX *ctx;
	SSL *ssl;
	char buf[65536];
	size_t len;
};

static void
cli_open(struct cli *c)
{
	struct sockaddr_in sin;
	char host[sizeof(bound)], *colon;

	memset(c, 0, sizeof(*c));
	snprintf(host, sizeof(host), "%s", bound);
	colon = strrchr(host, ':');
	assert_non_null(colon);
	*colon = '\0';
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)strtol(colon + 1, NULL, 10));
	assert_int_equal(inet_pton(AF_INET, host, &sin.sin_addr), 1);
	assert_true((c->fd = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(connect(c->fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_non_null(c->ctx = SSL_CTX_new(TLS_client_method()));
	assert_non_null(c->ssl = SSL_new(c->ctx));
	SSL_set_fd(c->ssl, c->fd);
	assert_int_equal(SSL_connect(c->ssl), 1);
}

static void
cli_close(struct cli *c)
{
	SSL_free(c->ssl);
	SSL_CTX_free(c->ctx);
	close(c->fd);
}

static void
cli_send(struct cli *c, const char *s)
{
	assert_int_equal(SSL_write(c->ssl, s, (int)strlen(s)), (int)strlen(s));
}

/* One response: its status; the body into body (NUL-terminated). */
static int
cli_read(struct cli *c, char *body, size_t size)
{
	char *end, *cl;
	size_t hlen, blen;
	int n, status;

	while ((end = memmem(c->buf, c->len, "\r\n\r\n", 4)) == NULL) {
		n = SSL_read(c->ssl, c->buf + c->len, (int)(sizeof(c->buf) -
		    c->len - 1));
		if (n <= 0) {
			pthread_mutex_lock(&mu);
			fprintf(stderr, "no response (%d); the server's log:\n%s",
			    SSL_get_error(c->ssl, n), logbuf);
			pthread_mutex_unlock(&mu);
			return -1;
		}
		c->len += (size_t)n;
	}
	c->buf[c->len] = '\0';
	hlen = (size_t)(end - c->buf) + 4;
	status = (int)strtol(c->buf + 9, NULL, 10);
	cl = strcasestr(c->buf, "Content-Length: ");
	assert_non_null(cl);
	blen = (size_t)strtol(cl + 16, NULL, 10);
	while (c->len < hlen + blen) {
		n = SSL_read(c->ssl, c->buf + c->len, (int)(sizeof(c->buf) -
		    c->len - 1));
		assert_true(n > 0);
		c->len += (size_t)n;
	}
	assert_true(blen < size);
	memcpy(body, c->buf + hlen, blen);
	body[blen] = '\0';
	memmove(c->buf, c->buf + hlen + blen, c->len - hlen - blen);
	c->len -= hlen + blen;
	return status;
}

/* ---- the test ------------------------------------------------------------ */

static int
setup(void **state)
{
	char cmd[2048];
	FILE *fp;

	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(cmd, sizeof(cmd), "cd '%s' && "
	    "openssl ecparam -name prime256v1 -genkey -noout -out root.key && "
	    "openssl req -x509 -new -key root.key -subj /CN=Root -days 1 "
	    "-out root.crt -addext basicConstraints=critical,CA:true && "
	    "openssl ecparam -name prime256v1 -genkey -noout -out int.key && "
	    "chmod 600 int.key && "
	    "openssl req -new -key int.key -subj /CN=Int -out int.csr && "
	    "printf 'basicConstraints=critical,CA:true,pathlen:0\\n"
	    "keyUsage=critical,keyCertSign\\n' >int.ext && "
	    "openssl x509 -req -in int.csr -CA root.crt -CAkey root.key "
	    "-CAcreateserial -days 1 -extfile int.ext -out int.crt",
	    dir);
	if (system(cmd) != 0)
		return -1;
	snprintf(cfgpath, sizeof(cfgpath), "%s/ca.json", dir);
	if ((fp = fopen(cfgpath, "w")) == NULL)
		return -1;
	fprintf(fp, "{\"root\": \"root.crt\", \"crt\": \"int.crt\", "
	    "\"key\": \"int.key\", \"address\": \"127.0.0.1:0\", "
	    "\"dnsNames\": [\"localhost\"]}\n");
	return fclose(fp) == 0 ? 0 : -1;
}

static int
teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
test_plugged_routes(void **state)
{
	struct pkit_ca_server_opts o;
	struct pkit_ca_server *srv = NULL;
	struct pkit_ctx ctx;
	struct cli c, gone;
	pthread_t th;
	char body[4096];
	void *ret;
	int n;

	(void)state;
	pkit_ctx_init(&ctx);
	memset(&o, 0, sizeof(o));
	o.config = cfgpath;
	o.base = dir;
	o.threads = 2;
	o.log = log_cb;
	o.ready = ready_cb;
	assert_int_equal(pkit_ca_server_new(&ctx, &o, &srv), PKIT_OK);
	assert_int_equal(pkit_ca_server_extend(srv, &ext, &loads, &ext_id), 0);
	assert_int_equal(pkit_ca_server_route(srv, "POST", "/echo/{word}", 0,
	    h_echo, NULL), 0);
	assert_int_equal(pkit_ca_server_route(srv, "POST", "/later/{ms}", 0,
	    h_later, NULL), 0);
	assert_int_equal(pkit_ca_server_route(srv, "POST", "/noreply", 0,
	    h_noreply, NULL), 0);
	assert_int_equal(pkit_ca_server_route(srv, "GET", "/deny/*", 0,
	    h_forbidden, NULL), 0);
	assert_int_equal(pkit_ca_server_route(srv, "GET", "/acme/{p}/x",
	    PKIT_CA_ROUTE_BARE, h_acme, NULL), 0);
	assert_int_equal(pkit_ca_server_route(srv, "GET", "no-slash", 0,
	    h_acme, NULL), PKIT_ERR_ARG);
	assert_int_equal(pthread_create(&th, NULL, run_thread, srv), 0);
	pthread_mutex_lock(&mu);
	while (bound[0] == '\0')
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	assert_string_not_equal(bound, "failed");
	assert_int_equal(loads, 1);

	cli_open(&c);
	/* A sync handler: parameter, query, body, extension state. */
	cli_send(&c, "POST /1.0/echo/hello?q=a%20b HTTP/1.1\r\nHost: x\r\n"
	    "Content-Length: 5\r\n\r\nworld");
	assert_int_equal(cli_read(&c, body, sizeof(body)), 201);
	assert_string_equal(body, "{\"word\":\"hello\",\"body\":\"world\","
	    "\"gen\":1,\"q\":\"a b\"}\n");
	/* Async then sync, pipelined: answered in order. */
	cli_send(&c, "POST /later/150 HTTP/1.1\r\nHost: x\r\n\r\n"
	    "POST /echo/second HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_int_equal(cli_read(&c, body, sizeof(body)), 200);
	assert_string_equal(body, "later 150");
	assert_int_equal(cli_read(&c, body, sizeof(body)), 201);
	assert_non_null(strstr(body, "\"word\":\"second\""));
	/* A handler that does not reply gets a 500 for it. */
	cli_send(&c, "POST /noreply HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_int_equal(cli_read(&c, body, sizeof(body)), 500);
	assert_string_equal(body, "{\"status\":500,\"message\":\"The certificate "
	    "authority encountered an Internal Server Error. Please see the "
	    "certificate authority logs for more info.\"}\n");
	/* step's 403 prefix; "*" takes the rest of the path. */
	cli_send(&c, "GET /deny/a/b HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_int_equal(cli_read(&c, body, sizeof(body)), 403);
	assert_string_equal(body, "{\"status\":403,\"message\":\"The request was "
	    "forbidden by the certificate authority: /deny/a/b is not "
	    "allowed.\"}\n");
	/* A bare-only route is not under /1.0. */
	cli_send(&c, "GET /acme/p1/x HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_int_equal(cli_read(&c, body, sizeof(body)), 200);
	cli_send(&c, "GET /1.0/acme/p1/x HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_int_equal(cli_read(&c, body, sizeof(body)), 404);
	/* GET on a POST route. */
	cli_send(&c, "GET /echo/x HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_int_equal(cli_read(&c, body, sizeof(body)), 405);

	/* A client that leaves while its async request is pending. */
	cli_open(&gone);
	cli_send(&gone, "POST /later/300 HTTP/1.1\r\nHost: x\r\n\r\n");
	usleep(50000);
	cli_close(&gone);

	/* Reload: the extension is rebuilt, new requests see it, the old
	 * state is freed once no request holds it. */
	pkit_ca_server_reload(srv);
	for (n = 0; n < 500; n++) {
		pthread_mutex_lock(&mu);
		if (loads == 2 && strstr(logbuf, "reloaded") != NULL)
			n = 1000;
		pthread_mutex_unlock(&mu);
		usleep(10000);
	}
	assert_int_equal(loads, 2);
	cli_send(&c, "POST /echo/again HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_int_equal(cli_read(&c, body, sizeof(body)), 201);
	assert_non_null(strstr(body, "\"gen\":2"));
	cli_close(&c);

	/* The orphaned reply comes; with it the old configuration goes. */
	for (n = 0; n < 500; n++) {
		pthread_mutex_lock(&mu);
		if (frees == 1 && strstr(logbuf, "path=/later/300 ") != NULL)
			n = 1000;
		pthread_mutex_unlock(&mu);
		usleep(10000);
	}
	pthread_mutex_lock(&mu);
	assert_int_equal(frees, 1);
	pthread_mutex_unlock(&mu);
	pkit_ca_server_stop(srv);
	assert_int_equal(pthread_join(th, &ret), 0);
	assert_int_equal((intptr_t)ret, 0);
	assert_non_null(strstr(logbuf, "path=/later/300 "));
	assert_non_null(strstr(logbuf, "word=hello"));
	assert_non_null(strstr(logbuf, "error=\"handler did not reply\""));
	pkit_ca_server_free(srv);
	assert_int_equal(frees, 2);
	pkit_ctx_release(&ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plugged_routes),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

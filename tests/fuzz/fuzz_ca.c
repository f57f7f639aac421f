/* fuzz_ca.c - the CA's JSON request bodies through the real handlers.
 *
 * At start a PKI is made in a temporary directory (pkit_ca_pki_init, as
 * `ca init` does, with a SQLite database) and served in this process by
 * pkit_ca_server_run() on a free loopback port with the static and the
 * certificate routes, exactly as `ca serve` wires them.  Each input is one
 * request on a kept-alive TLS connection:
 *
 *   byte 0    the route: /sign, /renew, /rekey, /revoke (low two bits);
 *             bit 2 sends it under /1.0
 *   the rest  the body; every "@OTT@" in it becomes a fresh one-time
 *             token (a sign token for fuzz.example and 127.0.0.1, or a
 *             revoke token for serial 1234) so that inputs get past the
 *             token check into the CSR, validity and template code
 *
 * The oracle, besides the sanitizers: the server answers every request
 * with a status below 500 (a 5xx to a client's bytes is a bug), and
 * keeps answering.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/ssl.h>

#include "lib/ca/authority.h"
#include "lib/ca/pki.h"
#include "lib/ca/server.h"
#include "lib/ca/token.h"
#include "lib/fs.h"
#include "lib/jwk.h"
#include "lib/key.h"
#include "lib/secret.h"
#include "fuzz.h"

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static char bound[128];
static char fingerprint[65];
static struct pkit_jwk_key *prov;
static struct pkit_ca_server *srv;
static struct pkit_ca_authority *authority;
static char lastlog[2048];

/* the client side: one kept-alive connection */
static SSL_CTX *cctx;
static SSL *ssl;
static int fd = -1;

static void
die(const char *what, const char *why)
{
	fprintf(stderr, "fuzz_ca: %s: %s\n", what, why);
	abort();
}

static void
log_cb(void *arg, const char *line)
{
	(void)arg;
	pthread_mutex_lock(&mu);
	snprintf(lastlog, sizeof(lastlog), "%s", line);
	pthread_mutex_unlock(&mu);
}

static void
ready_cb(void *arg, const char *address, const struct pkit_ca_pki *pki)
{
	(void)arg;
	pthread_mutex_lock(&mu);
	snprintf(bound, sizeof(bound), "%s", address);
	snprintf(fingerprint, sizeof(fingerprint), "%s", pki->fingerprint);
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
}

static int
load_key(void *arg, struct pkit_ctx *ctx, const struct pkit_ca_config *cfg,
    const char *path, EVP_PKEY **out)
{
	unsigned char *data = NULL;
	size_t len = 0;
	int r;

	(void)arg;
	(void)cfg;
	if ((r = pkit_file_read(ctx, path, 65536, &data, &len)) != 0)
		return r;
	r = pkit_key_parse_private(ctx, data, len, "pw", path, out);
	pkit_secret_free(data, len);
	return r;
}

static void *
run_thread(void *arg)
{
	struct pkit_ctx ctx;

	(void)arg;
	pkit_ctx_init(&ctx);
	if (pkit_ca_server_run(&ctx, srv) != 0)
		die("serve", ctx.errbuf);
	pkit_ctx_release(&ctx);
	return NULL;
}

static void
make_pki(struct pkit_ctx *ctx, char *dir, char *config, size_t size)
{
	struct pkit_ca_pki_opts o;
	struct pkit_ca_pki_result res;
	const char *dns[] = { "127.0.0.1", "localhost" };
	json_t *doc, *k, *jwk = NULL;
	json_error_t e;

	memset(&o, 0, sizeof(o));
	o.base = dir;
	o.name = "Fuzz";
	o.dns = dns;
	o.ndns = 2;
	o.address = "127.0.0.1:0";
	o.provisioner = "fuzz";
	o.password = "pw";
	o.prov_password = "ppw";
	o.p2c = 1000;
	if (pkit_ca_pki_init(ctx, &o, &res) != 0)
		die("init", ctx->errbuf);
	if ((doc = json_load_file(res.config, 0, &e)) == NULL)
		die(res.config, e.text);
	k = json_object_get(json_array_get(json_object_get(json_object_get(
	    doc, "authority"), "provisioners"), 0), "encryptedKey");
	if (pkit_jwk_decrypt(ctx, (const unsigned char *)json_string_value(k),
	    json_string_length(k), "ppw", "encryptedKey", &jwk) != 0 ||
	    pkit_jwk_key_new(ctx, jwk, &prov) != 0)
		die("provisioner key", ctx->errbuf);
	pkit_jwk_free(jwk);
	json_decref(doc);
	snprintf(config, size, "%s", res.config);
	pkit_ca_pki_result_release(&res);
}

static char dir[64];

/* Remove the PKI at exit (the server thread may still run: the files are
 * unlinked, not closed). */
static void
cleanup(void)
{
	char cmd[128];

	if (dir[0] != '\0') {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "fuzz_ca: could not remove %s\n", dir);
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char config[4096];
	struct pkit_ca_server_opts o;
	struct pkit_ctx ctx;
	pthread_t th;

	(void)argc;
	(void)argv;
	/* tmpfs when there is one: every certificate is recorded */
	snprintf(dir, sizeof(dir), "%s/pkit-fuzz-ca.XXXXXX",
	    access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	if (mkdtemp(dir) == NULL)
		die(dir, "mkdtemp failed");
	atexit(cleanup);
	pkit_ctx_init(&ctx);
	make_pki(&ctx, dir, config, sizeof(config));
	memset(&o, 0, sizeof(o));
	o.config = config;
	o.base = dir;
	o.threads = 1;
	o.load_key = load_key;
	o.log = log_cb;
	o.ready = ready_cb;
	if (pkit_ca_server_new(&ctx, &o, &srv) != 0 ||
	    pkit_ca_api_static(&ctx, srv) != 0 ||
	    pkit_ca_authority_new(&ctx, &authority) != 0 ||
	    pkit_ca_api_sign(&ctx, srv, authority) != 0)
		die("server", ctx.errbuf);
	pkit_ctx_release(&ctx);
	if (pthread_create(&th, NULL, run_thread, NULL) != 0)
		die("thread", "pthread_create failed");
	pthread_detach(th);
	pthread_mutex_lock(&mu);
	while (bound[0] == '\0')
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	if ((cctx = SSL_CTX_new(TLS_client_method())) == NULL)
		die("client", "SSL_CTX_new failed");
	return 0;
}

static void
disconnect(void)
{
	if (ssl != NULL)
		SSL_free(ssl);
	ssl = NULL;
	if (fd != -1)
		close(fd);
	fd = -1;
}

static void
connect_server(void)
{
	struct sockaddr_in sin;
	char host[sizeof(bound)], *colon;

	snprintf(host, sizeof(host), "%s", bound);
	if ((colon = strrchr(host, ':')) == NULL)
		die(bound, "no port");
	*colon = '\0';
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)strtol(colon + 1, NULL, 10));
	if (inet_pton(AF_INET, host, &sin.sin_addr) != 1)
		die(bound, "not an IPv4 address");
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0)
		die(bound, "connect failed");
	if ((ssl = SSL_new(cctx)) == NULL)
		die("client", "SSL_new failed");
	SSL_set_fd(ssl, fd);
	if (SSL_connect(ssl) != 1)
		die(bound, "TLS handshake failed: the server stopped serving");
}

/* Send req; the status of the answer, or -1 when the connection closed
 * without one. */
static int
roundtrip(const char *req, size_t len)
{
	static char buf[1 << 20];
	size_t have = 0, hlen, blen;
	char *end, *cl;
	int n, status;

	if (SSL_write(ssl, req, (int)len) != (int)len)
		return -1;
	while ((end = memmem(buf, have, "\r\n\r\n", 4)) == NULL) {
		if (have + 1 >= sizeof(buf))
			die("response", "headers too long");
		if ((n = SSL_read(ssl, buf + have, (int)(sizeof(buf) - have -
		    1))) <= 0)
			return -1;
		have += (size_t)n;
	}
	buf[have] = '\0';
	hlen = (size_t)(end - buf) + 4;
	status = (int)strtol(buf + 9, NULL, 10);
	if ((cl = strcasestr(buf, "\r\nContent-Length: ")) == NULL)
		die("response", "no Content-Length");
	blen = (size_t)strtol(cl + 18, NULL, 10);
	if (hlen + blen >= sizeof(buf))
		die("response", "body too long");
	while (have < hlen + blen) {
		if ((n = SSL_read(ssl, buf + have, (int)(sizeof(buf) - have -
		    1))) <= 0)
			return -1;
		have += (size_t)n;
	}
	if (strcasestr(buf, "\r\nConnection: close") != NULL && strcasestr(
	    buf, "\r\nConnection: close") < end)
		disconnect();
	return status;
}

static char *
mint(int revoke)
{
	struct pkit_ctx ctx;
	struct pkit_token_req tr;
	const char *sans[] = { "fuzz.example", "127.0.0.1" };
	char *tok = NULL;

	pkit_ctx_init(&ctx);
	memset(&tr, 0, sizeof(tr));
	tr.type = revoke ? PKIT_TOKEN_REVOKE : PKIT_TOKEN_SIGN;
	tr.ca_url = "https://127.0.0.1";
	tr.issuer = "fuzz";
	tr.subject = revoke ? "1234" : "fuzz.example";
	if (!revoke) {
		tr.sans = sans;
		tr.nsans = 2;
	}
	tr.sha = fingerprint;
	if (pkit_token_sign(&ctx, prov, &tr, &tok) != 0)
		die("token", ctx.errbuf);
	pkit_ctx_release(&ctx);
	return tok;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *routes[] = { "sign", "renew", "rekey", "revoke" };
	const char *route, *p, *end;
	char *body = NULL, *req = NULL, *tok = NULL;
	size_t blen = 0, cap, tlen, n;
	int status, hdr;

	if (size < 1 || size > 256 * 1024)
		return 0;
	route = routes[data[0] & 3];
	/* the body, with @OTT@ replaced */
	p = (const char *)data + 1;
	end = (const char *)data + size;
	if (memmem(p, (size_t)(end - p), "@OTT@", 5) != NULL)
		tok = mint((data[0] & 3) == 3);
	tlen = tok ? strlen(tok) : 0;
	for (cap = (size_t)(end - p) + 1, body = memmem(p, (size_t)(end - p),
	    "@OTT@", 5); body != NULL; body = memmem(body + 5, (size_t)(end -
	    body - 5), "@OTT@", 5))
		cap += tlen;
	if ((body = malloc(cap)) == NULL)
		goto out;
	while (p < end) {
		if (tok != NULL && (size_t)(end - p) >= 5 &&
		    memcmp(p, "@OTT@", 5) == 0) {
			memcpy(body + blen, tok, tlen);
			blen += tlen;
			p += 5;
		} else
			body[blen++] = *p++;
	}
	if ((req = malloc(blen + 512)) == NULL)
		goto out;
	hdr = snprintf(req, 512, "POST %s/%s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	    "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
	    (data[0] & 4) ? "/1.0" : "", route, blen);
	memcpy(req + hdr, body, blen);
	n = (size_t)hdr + blen;
	if (ssl == NULL)
		connect_server();
	if ((status = roundtrip(req, n)) < 0) {
		/* closed: it may have been a keep-alive race; once more on a
		 * new connection, which must answer */
		disconnect();
		connect_server();
		if ((status = roundtrip(req, n)) < 0)
			die(route, "no answer on a new connection");
	}
	if (getenv("FUZZ_CA_VERBOSE") != NULL)
		fprintf(stderr, "fuzz_ca: %s: %d\n", route, status);
	if (status >= 500 && status != 501) {
		pthread_mutex_lock(&mu);
		fprintf(stderr, "fuzz_ca: %s answered %d: %s\n", route, status,
		    lastlog);
		pthread_mutex_unlock(&mu);
		abort();
	}
out:
	free(body);
	free(req);
	free(tok);
	return 0;
}

/* tlsfetch.c - connect to a TLS server with OpenSSL and keep its chain. */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "tlsfetch.h"

static const struct scheme {
	const char *prefix;
	const char *port;
} schemes[] = {
	{ "https://", "443" },
	{ "tls://", "443" },
	{ "tcp://", "443" },
	{ "smtps://", "465" },
	{ "ldaps://", "636" },
};

int
pkit_tls_is_url(const char *arg)
{
	size_t i;

	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		size_t n = strlen(schemes[i].prefix);

		if (strncmp(arg, schemes[i].prefix, n) == 0)
			return 1;
	}
	return 0;
}

static int
bad(struct pkit_ctx *ctx, const char *url, const char *why)
{
	return pkit_seterr(ctx, PKIT_ERR_ARG, "%s: %s", url, why);
}

/* Split url into host and port. */
static int
parse_url(struct pkit_ctx *ctx, const char *url, char *host, size_t hsize,
    char *port, size_t psize)
{
	const char *p = NULL, *end, *colon;
	size_t i, n;

	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		if (strncmp(url, schemes[i].prefix,
		    strlen(schemes[i].prefix)) == 0) {
			p = url + strlen(schemes[i].prefix);
			snprintf(port, psize, "%s", schemes[i].port);
			break;
		}
	}
	if (p == NULL)
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "%s: not a server address", url);
	end = p + strcspn(p, "/?#");
	if (*p == '[') {
		const char *close = memchr(p, ']', (size_t)(end - p));

		if (close == NULL)
			return bad(ctx, url, "unterminated IPv6 address");
		n = (size_t)(close - p - 1);
		if (n == 0 || n >= hsize)
			return bad(ctx, url, "bad host");
		memcpy(host, p + 1, n);
		host[n] = '\0';
		colon = close + 1 < end && close[1] == ':' ? close + 1 : NULL;
		if (close + 1 < end && colon == NULL)
			return bad(ctx, url, "bad host");
	} else {
		colon = memchr(p, ':', (size_t)(end - p));
		n = (size_t)((colon != NULL ? colon : end) - p);
		if (n == 0 || n >= hsize)
			return bad(ctx, url, "no host");
		memcpy(host, p, n);
		host[n] = '\0';
	}
	if (colon != NULL) {
		n = (size_t)(end - colon - 1);
		if (n == 0 || n >= psize || strspn(colon + 1, "0123456789") < n)
			return bad(ctx, url, "bad port");
		memcpy(port, colon + 1, n);
		port[n] = '\0';
	}
	return PKIT_OK;
}

int
pkit_tls_url_host(struct pkit_ctx *ctx, const char *url, char *host,
    size_t size)
{
	char port[16];

	return parse_url(ctx, url, host, size, port, sizeof(port));
}

/* connect() with a deadline; the socket is left blocking with send and
 * receive timeouts for the handshake. */
static int
dial(struct pkit_ctx *ctx, const char *url, const char *host,
    const char *port, int timeout_ms, int *out)
{
	struct addrinfo hints, *res = NULL, *ai;
	struct timeval tv;
	int fd = -1, e, err = 0, flags;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((e = getaddrinfo(host, port, &hints, &res)) != 0)
		return pkit_seterr(ctx, PKIT_ERR_NET, "%s: %s", url,
		    e == EAI_SYSTEM ? strerror(errno) : gai_strerror(e));
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		struct pollfd pfd;
		socklen_t sl = sizeof(err);

		if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol)) == -1) {
			err = errno;
			continue;
		}
		flags = fcntl(fd, F_GETFL);
		fcntl(fd, F_SETFL, flags | O_NONBLOCK);
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			goto connected;
		if (errno != EINPROGRESS) {
			err = errno;
			close(fd);
			fd = -1;
			continue;
		}
		pfd.fd = fd;
		pfd.events = POLLOUT;
		if ((e = poll(&pfd, 1, timeout_ms)) == 1 &&
		    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &sl) == 0 &&
		    err == 0)
			goto connected;
		if (e == 0)
			err = ETIMEDOUT;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	errno = err != 0 ? err : ECONNREFUSED;
	return pkit_seterr_sys(ctx, "%s: cannot connect", url);
connected:
	freeaddrinfo(res);
	fcntl(fd, F_SETFL, flags);
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	*out = fd;
	return PKIT_OK;
}

static int
is_ip(const char *s)
{
	unsigned char buf[16];

	return inet_pton(AF_INET, s, buf) == 1 ||
	    inet_pton(AF_INET6, s, buf) == 1;
}

static int
load_roots(struct pkit_ctx *ctx, SSL_CTX *sctx, const char *roots)
{
	struct stat st;

	if (roots == NULL) {
		if (!SSL_CTX_set_default_verify_paths(sctx))
			return pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO,
			    "cannot load the system trust store");
		return PKIT_OK;
	}
	if (stat(roots, &st) != 0)
		return errno == ENOENT ? pkit_seterr(ctx, PKIT_ERR_NOT_FOUND,
		    "%s: no such file", roots) :
		    pkit_seterr_sys(ctx, "%s", roots);
	if (S_ISDIR(st.st_mode) ? !SSL_CTX_load_verify_dir(sctx, roots) :
	    !SSL_CTX_load_verify_file(sctx, roots))
		return pkit_seterr_ssl(ctx, PKIT_ERR_FORMAT,
		    "%s: cannot load root certificates", roots);
	return PKIT_OK;
}

int
pkit_tls_fetch_chain(struct pkit_ctx *ctx, const char *url,
    const struct pkit_tls_opts *opts, STACK_OF(X509) **out)
{
	char host[256], port[16];
	const char *name;
	SSL_CTX *sctx = NULL;
	SSL *ssl = NULL;
	STACK_OF(X509) *chain = NULL;
	STACK_OF(X509) *peer;
	int fd = -1, r = PKIT_ERR_INTERNAL, i, ret;
	int timeout = opts->timeout_ms > 0 ? opts->timeout_ms : 10000;

	*out = NULL;
	if ((r = parse_url(ctx, url, host, sizeof(host), port,
	    sizeof(port))) != 0)
		return r;
	name = opts->servername != NULL ? opts->servername : host;
	if ((sctx = SSL_CTX_new_ex(ctx->libctx, ctx->propq,
	    TLS_client_method())) == NULL) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "%s", url);
		goto out;
	}
	if (!opts->insecure) {
		if ((r = load_roots(ctx, sctx, opts->roots)) != 0)
			goto out;
		SSL_CTX_set_verify(sctx, SSL_VERIFY_PEER, NULL);
	}
	if ((r = dial(ctx, url, host, port, timeout, &fd)) != 0)
		goto out;
	if ((ssl = SSL_new(sctx)) == NULL || !SSL_set_fd(ssl, fd)) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "%s", url);
		goto out;
	}
	if (!is_ip(name) && !SSL_set_tlsext_host_name(ssl, name)) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_ARG, "%s: bad server name %s",
		    url, name);
		goto out;
	}
	if (!opts->insecure) {
		X509_VERIFY_PARAM *vp = SSL_get0_param(ssl);

		if (ctx->fixed_now != 0)
			X509_VERIFY_PARAM_set_time(vp, ctx->fixed_now);
		if (is_ip(name) ? !X509_VERIFY_PARAM_set1_ip_asc(vp, name) :
		    !SSL_set1_host(ssl, name)) {
			r = pkit_seterr_ssl(ctx, PKIT_ERR_ARG,
			    "%s: bad server name %s", url, name);
			goto out;
		}
	}
	ERR_clear_error();
	if ((ret = SSL_connect(ssl)) != 1) {
		long v = SSL_get_verify_result(ssl);

		if (!opts->insecure && v != X509_V_OK)
			r = pkit_seterr(ctx, PKIT_ERR_VERIFY,
			    "%s: the server's certificate does not verify: %s "
			    "(use --roots, or --insecure to inspect it anyway)",
			    url, X509_verify_cert_error_string(v));
		else if (SSL_get_error(ssl, ret) == SSL_ERROR_SYSCALL &&
		    ERR_peek_error() == 0)
			r = pkit_seterr(ctx, PKIT_ERR_NET,
			    "%s: TLS handshake failed: %s", url,
			    errno == EAGAIN ? "timed out" : errno != 0 ?
			    strerror(errno) : "connection closed");
		else
			r = pkit_seterr_ssl(ctx, PKIT_ERR_NET,
			    "%s: TLS handshake failed", url);
		goto out;
	}
	if ((peer = SSL_get_peer_cert_chain(ssl)) == NULL ||
	    sk_X509_num(peer) == 0) {
		r = pkit_seterr(ctx, PKIT_ERR_NET, "%s: the server sent no "
		    "certificate", url);
		goto out;
	}
	if ((chain = sk_X509_new_null()) == NULL) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", url);
		goto out;
	}
	for (i = 0; i < sk_X509_num(peer); i++) {
		X509 *c = sk_X509_value(peer, i);

		if (!X509_up_ref(c)) {
			r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", url);
			goto out;
		}
		if (!sk_X509_push(chain, c)) {
			X509_free(c);
			r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", url);
			goto out;
		}
	}
	SSL_shutdown(ssl);
	*out = chain;
	chain = NULL;
	r = PKIT_OK;
out:
	sk_X509_pop_free(chain, X509_free);
	SSL_free(ssl);
	SSL_CTX_free(sctx);
	if (fd != -1)
		close(fd);
	ERR_clear_error();
	return r;
}

/* acme_validate.c - ACME challenge validation: http-01 (RFC 8555 §8.3),
 * dns-01 (§8.4) and tls-alpn-01 (RFC 8737).  Runs on acme.c's worker
 * threads, so it may block, but never longer than the timeouts below.
 *
 * Names are looked up with the system's resolver, or with glibc's
 * res_nquery() at the provisioner's pkitDev resolver (tests point it at
 * a dnsmasq of their own); TXT records always go through res_nquery().
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "lib/ca/acme.h"
#include "lib/codec.h"
#include "lib/curl_dl.h"

/* Largest http-01 response body read. */
#define HTTP01_MAX 8192
#define HTTP01_REDIRECTS 10
#define OID_ACME_IDENTIFIER "1.3.6.1.5.5.7.1.31"

/* A resolver state aimed at dev's resolver (or the system's). */
static int
res_open(struct pkit_ctx *ctx, const struct pkit_acme_dev *dev,
    struct __res_state *rs)
{
	char host[256], *colon;
	struct sockaddr_in sin;
	long port;

	memset(rs, 0, sizeof(*rs));
	if (res_ninit(rs) != 0)
		return pkit_seterr(ctx, PKIT_ERR_NET, "cannot set up the DNS "
		    "resolver");
	rs->retrans = 2;
	rs->retry = 2;
	if (dev->resolver[0] == '\0')
		return PKIT_OK;
	snprintf(host, sizeof(host), "%s", dev->resolver);
	colon = strrchr(host, ':');
	*colon = '\0';
	port = strtol(colon + 1, NULL, 10);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	if (port < 1 || port > 65535 || inet_pton(AF_INET, host,
	    &sin.sin_addr) != 1) {
		res_nclose(rs);
		return pkit_seterr(ctx, PKIT_ERR_ARG, "pkitDev resolver %s: "
		    "expected IPv4:port", dev->resolver);
	}
	rs->nscount = 1;
	rs->nsaddr_list[0] = sin;
	return PKIT_OK;
}

/* The first address of name, as text. */
static int
resolve(struct pkit_ctx *ctx, const struct pkit_acme_dev *dev,
    const char *name, char *out, size_t size)
{
	struct addrinfo hints, *ai = NULL;
	struct __res_state rs;
	unsigned char ans[4096];
	ns_msg msg;
	ns_rr rr;
	unsigned char ip[16];
	int n, i, r;

	if (inet_pton(AF_INET, name, ip) == 1 || inet_pton(AF_INET6, name,
	    ip) == 1) {
		snprintf(out, size, "%s", name);
		return PKIT_OK;
	}
	if (dev->resolver[0] == '\0') {
		memset(&hints, 0, sizeof(hints));
		hints.ai_socktype = SOCK_STREAM;
		if ((r = getaddrinfo(name, NULL, &hints, &ai)) != 0)
			return pkit_seterr(ctx, PKIT_ERR_NOT_FOUND, "%s: %s",
			    name, gai_strerror(r));
		r = getnameinfo(ai->ai_addr, ai->ai_addrlen, out,
		    (socklen_t)size, NULL, 0, NI_NUMERICHOST);
		freeaddrinfo(ai);
		if (r != 0)
			return pkit_seterr(ctx, PKIT_ERR_NOT_FOUND, "%s: %s",
			    name, gai_strerror(r));
		return PKIT_OK;
	}
	if ((r = res_open(ctx, dev, &rs)) != 0)
		return r;
	n = res_nquery(&rs, name, ns_c_in, ns_t_a, ans, sizeof(ans));
	res_nclose(&rs);
	if (n < 0 || ns_initparse(ans, n, &msg) != 0)
		return pkit_seterr(ctx, PKIT_ERR_NOT_FOUND, "%s: no A record",
		    name);
	for (i = 0; i < ns_msg_count(msg, ns_s_an); i++) {
		if (ns_parserr(&msg, ns_s_an, i, &rr) != 0)
			break;
		if (ns_rr_type(rr) == ns_t_a && ns_rr_rdlen(rr) == 4 &&
		    inet_ntop(AF_INET, ns_rr_rdata(rr), out, (socklen_t)size) !=
		    NULL)
			return PKIT_OK;
	}
	return pkit_seterr(ctx, PKIT_ERR_NOT_FOUND, "%s: no A record", name);
}

/* ---- http-01 --------------------------------------------------------------- */

struct body {
	char buf[HTTP01_MAX + 1];
	size_t len;
	int over;
};

static size_t
body_cb(char *p, size_t size, size_t n, void *arg)
{
	struct body *b = arg;
	size_t len = size * n;

	if (len > HTTP01_MAX - b->len) {
		b->over = 1;
		return 0;
	}
	memcpy(b->buf + b->len, p, len);
	b->len += len;
	return len;
}

static int
http01(struct pkit_ctx *ctx, const struct pkit_acme_dev *dev,
    const char *name, const char *token, const char *keyauth,
    const char **ptype)
{
	const struct pkit_curl *c;
	struct curl_slist *res = NULL;
	struct body *b = NULL;
	CURL *h = NULL;
	char addr[INET6_ADDRSTRLEN], url[512], pin[700];
	int port = dev->http_port != 0 ? dev->http_port : 80, r;
	long status = 0;
	CURLcode cr;
	size_t s, e;
	int i;

	if ((r = resolve(ctx, dev, name, addr, sizeof(addr))) != 0) {
		*ptype = "dns";
		return r;
	}
	if ((r = pkit_curl_load(ctx, &c)) != 0)
		return r;
	snprintf(url, sizeof(url), "http://%s%s%s:%d/.well-known/acme-challenge/"
	    "%s", strchr(name, ':') != NULL ? "[" : "", name,
	    strchr(name, ':') != NULL ? "]" : "", port, token);
	if ((b = calloc(1, sizeof(*b))) == NULL ||
	    (h = c->easy_init()) == NULL) {
		r = pkit_seterr_nomem(ctx);
		goto out;
	}
	/* the name is pinned to the address looked up, on the challenge's
	 * port and on the ports a redirect may go to */
	for (i = 0; strcmp(name, addr) != 0 && i < 3; i++) {
		struct curl_slist *n;

		snprintf(pin, sizeof(pin), "%s:%d:%s%s%s", name, i == 0 ? port :
		    i == 1 ? 80 : 443, strchr(addr, ':') != NULL ? "[" : "",
		    addr, strchr(addr, ':') != NULL ? "]" : "");
		if ((n = c->slist_append(res, pin)) == NULL) {
			r = pkit_seterr_nomem(ctx);
			goto out;
		}
		res = n;
	}
	c->easy_setopt(h, CURLOPT_URL, url);
	if (res != NULL)
		c->easy_setopt(h, CURLOPT_RESOLVE, res);
	c->easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	c->easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http");
	c->easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	c->easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	c->easy_setopt(h, CURLOPT_MAXREDIRS, (long)HTTP01_REDIRECTS);
	/* RFC 8555 §8.3: a redirect to https is followed without checking
	 * the certificate */
	c->easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
	c->easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	c->easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
	    (long)PKIT_ACME_VALIDATE_TIMEOUT * 1000 / 2);
	c->easy_setopt(h, CURLOPT_TIMEOUT_MS,
	    (long)PKIT_ACME_VALIDATE_TIMEOUT * 1000);
	c->easy_setopt(h, CURLOPT_WRITEFUNCTION, body_cb);
	c->easy_setopt(h, CURLOPT_WRITEDATA, b);
	c->easy_setopt(h, CURLOPT_USERAGENT, "pkit-acme-validator");
	if ((cr = c->easy_perform(h)) != CURLE_OK) {
		*ptype = b->over ? "incorrectResponse" : "connection";
		r = pkit_seterr(ctx, PKIT_ERR_NET, "%s: %s", url, b->over ?
		    "the response is too large" : c->easy_strerror(cr));
		goto out;
	}
	c->easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	if (status != 200) {
		*ptype = "unauthorized";
		r = pkit_seterr(ctx, PKIT_ERR_VERIFY, "%s: status %ld", url,
		    status);
		goto out;
	}
	/* RFC 8555 §8.3: white space around the key authorization is
	 * ignored */
	for (s = 0; s < b->len && strchr(" \t\r\n", b->buf[s]) != NULL; s++)
		;
	for (e = b->len; e > s && strchr(" \t\r\n", b->buf[e - 1]) != NULL; e--)
		;
	if (e - s != strlen(keyauth) || memcmp(b->buf + s, keyauth, e - s) !=
	    0) {
		*ptype = "incorrectResponse";
		r = pkit_seterr(ctx, PKIT_ERR_VERIFY, "%s: the key authorization "
		    "does not match", url);
		goto out;
	}
	r = PKIT_OK;
out:
	if (h != NULL)
		c->easy_cleanup(h);
	if (res != NULL)
		c->slist_free_all(res);
	free(b);
	return r;
}

/* ---- dns-01 ----------------------------------------------------------------- */

/* base64url(SHA-256(s)) into out. */
static int
digest_b64(struct pkit_ctx *ctx, const char *s, unsigned char md[32],
    char **out)
{
	unsigned int n = 0;

	if (!EVP_Digest(s, strlen(s), md, &n, EVP_sha256(), NULL) || n != 32)
		return pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "SHA-256");
	if (out == NULL)
		return PKIT_OK;
	return pkit_b64_encode(ctx, PKIT_B64_URL_RAW, md, 32, out);
}

static int
dns01(struct pkit_ctx *ctx, const struct pkit_acme_dev *dev,
    const char *name, const char *keyauth, const char **ptype)
{
	struct __res_state rs;
	unsigned char ans[8192], md[32];
	char qname[300], txt[1024], *want = NULL;
	ns_msg msg;
	ns_rr rr;
	int n, i, r, seen = 0;

	*ptype = "dns";
	if ((r = digest_b64(ctx, keyauth, md, &want)) != 0)
		return r;
	snprintf(qname, sizeof(qname), "_acme-challenge.%s", name);
	if ((r = res_open(ctx, dev, &rs)) != 0)
		goto out;
	n = res_nquery(&rs, qname, ns_c_in, ns_t_txt, ans, sizeof(ans));
	res_nclose(&rs);
	if (n < 0 || ns_initparse(ans, n, &msg) != 0) {
		r = pkit_seterr(ctx, PKIT_ERR_NOT_FOUND, "%s: no TXT record",
		    qname);
		goto out;
	}
	for (i = 0; i < ns_msg_count(msg, ns_s_an); i++) {
		const unsigned char *p, *end;
		size_t len = 0;

		if (ns_parserr(&msg, ns_s_an, i, &rr) != 0)
			break;
		if (ns_rr_type(rr) != ns_t_txt)
			continue;
		seen++;
		/* one record: character-strings, concatenated */
		p = ns_rr_rdata(rr);
		end = p + ns_rr_rdlen(rr);
		while (p < end && p + 1 + *p <= end && len + *p < sizeof(txt)) {
			memcpy(txt + len, p + 1, *p);
			len += *p;
			p += 1 + *p;
		}
		txt[len] = '\0';
		if (p == end && strcmp(txt, want) == 0) {
			r = PKIT_OK;
			goto out;
		}
	}
	*ptype = "incorrectResponse";
	r = pkit_seterr(ctx, PKIT_ERR_VERIFY, "%s: %s", qname, seen ?
	    "no TXT record holds the key authorization's digest" :
	    "no TXT record");
out:
	free(want);
	return r;
}

/* ---- tls-alpn-01 ----------------------------------------------------------------- */

static int
connect_to(struct pkit_ctx *ctx, const char *addr, int port)
{
	struct addrinfo hints, *ai = NULL;
	struct timeval tv = { PKIT_ACME_VALIDATE_TIMEOUT, 0 };
	char ps[16];
	int fd;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST;
	snprintf(ps, sizeof(ps), "%d", port);
	if (getaddrinfo(addr, ps, &hints, &ai) != 0)
		return pkit_seterr(ctx, PKIT_ERR_NET, "%s: bad address", addr);
	fd = socket(ai->ai_family, SOCK_STREAM, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
	    sizeof(tv)) != 0 || setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv,
	    sizeof(tv)) != 0 || connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
		pkit_seterr_sys(ctx, "connect to %s port %d", addr, port);
		if (fd >= 0)
			close(fd);
		freeaddrinfo(ai);
		return PKIT_ERR_NET;
	}
	freeaddrinfo(ai);
	return fd;
}

/* RFC 8737 §3: the one SAN is name, the critical acmeIdentifier holds
 * the SHA-256 of the key authorization. */
static int
alpn_cert_ok(struct pkit_ctx *ctx, X509 *x, const char *name,
    const unsigned char md[32])
{
	GENERAL_NAMES *gens;
	GENERAL_NAME *g;
	ASN1_OBJECT *obj = OBJ_txt2obj(OID_ACME_IDENTIFIER, 1);
	X509_EXTENSION *ext;
	const ASN1_OCTET_STRING *os;
	int ok = 0, i;

	unsigned char ip[16];
	int iplen = inet_pton(AF_INET, name, ip) == 1 ? 4 :
	    inet_pton(AF_INET6, name, ip) == 1 ? 16 : 0;

	gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	if (sk_GENERAL_NAME_num(gens) != 1 ||
	    ((g = sk_GENERAL_NAME_value(gens, 0))->type != GEN_DNS &&
	    g->type != GEN_IPADD) || (iplen == 0 && (g->type != GEN_DNS ||
	    (size_t)ASN1_STRING_length(g->d.dNSName) != strlen(name) ||
	    strncasecmp((const char *)ASN1_STRING_get0_data(g->d.dNSName),
	    name, strlen(name)) != 0)) || (iplen != 0 && (g->type !=
	    GEN_IPADD || ASN1_STRING_length(g->d.iPAddress) != iplen ||
	    memcmp(ASN1_STRING_get0_data(g->d.iPAddress), ip,
	    (size_t)iplen) != 0))) {
		pkit_seterr(ctx, PKIT_ERR_VERIFY, "%s: the certificate must "
		    "name exactly %s", name, name);
		goto out;
	}
	if (obj == NULL || (i = X509_get_ext_by_OBJ(x, obj, -1)) < 0 ||
	    (ext = X509_get_ext(x, i)) == NULL) {
		pkit_seterr(ctx, PKIT_ERR_VERIFY, "%s: the certificate has no "
		    "acmeIdentifier extension", name);
		goto out;
	}
	if (!X509_EXTENSION_get_critical(ext)) {
		pkit_seterr(ctx, PKIT_ERR_VERIFY, "%s: the acmeIdentifier "
		    "extension is not critical", name);
		goto out;
	}
	os = X509_EXTENSION_get_data(ext);
	if (ASN1_STRING_length(os) != 34 || ASN1_STRING_get0_data(os)[0] !=
	    0x04 || ASN1_STRING_get0_data(os)[1] != 32 ||
	    memcmp(ASN1_STRING_get0_data(os) + 2, md, 32) != 0) {
		pkit_seterr(ctx, PKIT_ERR_VERIFY, "%s: the acmeIdentifier does "
		    "not match the key authorization", name);
		goto out;
	}
	ok = 1;
out:
	ASN1_OBJECT_free(obj);
	GENERAL_NAMES_free(gens);
	return ok;
}

/* The SNI for name: itself, or for an IP address its reverse DNS name
 * (RFC 8738 §6): "1.0.0.127.in-addr.arpa", nibbles for IPv6. */
static void
reverse_name(const char *name, char *out, size_t size)
{
	unsigned char ip[16];
	size_t len = 0;
	int i;

	if (inet_pton(AF_INET, name, ip) == 1) {
		snprintf(out, size, "%u.%u.%u.%u.in-addr.arpa", ip[3], ip[2],
		    ip[1], ip[0]);
		return;
	}
	if (inet_pton(AF_INET6, name, ip) != 1 || size < 74) {
		snprintf(out, size, "%s", name);
		return;
	}
	for (i = 15; i >= 0; i--)
		len += (size_t)snprintf(out + len, size - len, "%x.%x.",
		    ip[i] & 0xf, ip[i] >> 4);
	snprintf(out + len, size - len, "ip6.arpa");
}

static int
tlsalpn01(struct pkit_ctx *ctx, const struct pkit_acme_dev *dev,
    const char *name, const char *keyauth, const char **ptype)
{
	static const unsigned char alpn[] = "\x0a" "acme-tls/1";
	SSL_CTX *sctx = NULL;
	SSL *ssl = NULL;
	X509 *x = NULL;
	unsigned char md[32];
	const unsigned char *proto = NULL;
	unsigned int plen = 0;
	char addr[INET6_ADDRSTRLEN], sni[300];
	int fd = -1, port = dev->tls_port != 0 ? dev->tls_port : 443, r;

	if ((r = digest_b64(ctx, keyauth, md, NULL)) != 0)
		return r;
	if ((r = resolve(ctx, dev, name, addr, sizeof(addr))) != 0) {
		*ptype = "dns";
		return r;
	}
	reverse_name(name, sni, sizeof(sni));
	*ptype = "connection";
	if ((fd = connect_to(ctx, addr, port)) < 0)
		return fd;
	*ptype = "tls";
	r = PKIT_ERR_NET;
	if ((sctx = SSL_CTX_new_ex(ctx->libctx, ctx->propq,
	    TLS_client_method())) == NULL ||
	    !SSL_CTX_set_min_proto_version(sctx, TLS1_2_VERSION) ||
	    SSL_CTX_set_alpn_protos(sctx, alpn, sizeof(alpn) - 1) != 0 ||
	    (ssl = SSL_new(sctx)) == NULL || !SSL_set_fd(ssl, fd) ||
	    !SSL_set_tlsext_host_name(ssl, sni)) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "TLS set-up");
		goto out;
	}
	SSL_set_verify(ssl, SSL_VERIFY_NONE, NULL);
	if (SSL_connect(ssl) != 1) {
		pkit_seterr_ssl(ctx, PKIT_ERR_NET, "%s port %d: TLS handshake",
		    name, port);
		goto out;
	}
	SSL_get0_alpn_selected(ssl, &proto, &plen);
	if (plen != 10 || memcmp(proto, "acme-tls/1", 10) != 0) {
		*ptype = "unauthorized";
		pkit_seterr(ctx, PKIT_ERR_VERIFY, "%s port %d: the server did "
		    "not select acme-tls/1", name, port);
		goto out;
	}
	if ((x = SSL_get1_peer_certificate(ssl)) == NULL) {
		pkit_seterr(ctx, PKIT_ERR_VERIFY, "%s: no certificate", name);
		goto out;
	}
	if (!alpn_cert_ok(ctx, x, name, md)) {
		*ptype = "incorrectResponse";
		goto out;
	}
	r = PKIT_OK;
out:
	X509_free(x);
	if (ssl != NULL)
		SSL_shutdown(ssl);
	SSL_free(ssl);
	SSL_CTX_free(sctx);
	if (fd >= 0)
		close(fd);
	ERR_clear_error();
	return r != PKIT_OK ? PKIT_ERR_VERIFY : PKIT_OK;
}

int
pkit_acme_validate(struct pkit_ctx *ctx, const struct pkit_acme_dev *dev,
    const char *type, const char *name, const char *token,
    const char *keyauth, const char **ptype)
{
	*ptype = "incorrectResponse";
	if (strcmp(type, "http-01") == 0)
		return http01(ctx, dev, name, token, keyauth, ptype);
	if (strcmp(type, "dns-01") == 0)
		return dns01(ctx, dev, name, keyauth, ptype);
	if (strcmp(type, "tls-alpn-01") == 0)
		return tlsalpn01(ctx, dev, name, keyauth, ptype);
	return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED, "challenge type %s is "
	    "not supported", type);
}

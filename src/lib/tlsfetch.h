/* tlsfetch.h - the certificate chain a live TLS server sends.
 *
 * Addresses are URLs: https://host[:port][/path], tls://host:port,
 * tcp://host:port (all port 443 by default), smtps://host (465) and
 * ldaps://host (636).  IPv6 literals go in brackets: tls://[::1]:8443.
 * The handshake is verified (roots, host name) unless insecure is set, so
 * that an inspected chain is the one a client would accept.
 */
#ifndef PKIT_TLSFETCH_H
#define PKIT_TLSFETCH_H

#include <stddef.h>

#include <openssl/x509.h>

#include "err.h"

struct pkit_tls_opts {
	const char *roots;	/* PEM file or directory of trust anchors;
				 * NULL: the system trust store */
	const char *servername;	/* SNI and name checked; NULL: host */
	int insecure;		/* accept any chain and name */
	int timeout_ms;		/* connect and handshake; 0: 10 s */
};

/* 1 when arg is a server address in one of the forms above. */
int pkit_tls_is_url(const char *arg);

/* The host part of url ("::1" for tls://[::1]:8443). */
int pkit_tls_url_host(struct pkit_ctx *ctx, const char *url, char *host,
    size_t size);

/* Connect to url, complete a TLS handshake and return the chain the server
 * sent, leaf first.  Errors name url: PKIT_ERR_NET when it cannot be
 * reached or the handshake fails, PKIT_ERR_VERIFY when its chain or name
 * does not verify. */
int pkit_tls_fetch_chain(struct pkit_ctx *ctx, const char *url,
    const struct pkit_tls_opts *opts, STACK_OF(X509) **out);

#endif

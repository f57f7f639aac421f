/* revcheck.h - is a certificate revoked?  The client side of active
 * revocation: CRLs from a file or the certificate's distribution point,
 * and OCSP (RFC 6960) queries to a responder.  Only https:// URLs are
 * fetched (http.h); the server is checked against the roots given (a PEM
 * file) or the system store.  pkit_x509_verify() takes the CRLs
 * (pkit_verify_opts.crls); OCSP is asked after the path validated.
 */
#ifndef PKIT_REVCHECK_H
#define PKIT_REVCHECK_H

#include <stddef.h>
#include <time.h>

#include <openssl/x509.h>

#include "err.h"

/* The first URI of crt's CRL distribution points or of its AIA OCSP
 * entries (*out malloc'd); PKIT_ERR_NOT_FOUND when it has none. */
int pkit_rev_crl_url(struct pkit_ctx *ctx, X509 *crt, char **out);
int pkit_rev_ocsp_url(struct pkit_ctx *ctx, X509 *crt, char **out);

/* Read a CRL from a file, or GET it from an https:// URL trusting roots
 * (a PEM file; NULL: the system store), PEM or DER. */
int pkit_rev_load_crl(struct pkit_ctx *ctx, const char *src, const char *roots,
    X509_CRL **out);

/* After a path validated: append to reason " (<reason>, revoked at
 * <RFC 3339>)" from the CRL of crls that lists crt. */
void pkit_crl_revoked_detail(STACK_OF(X509_CRL) *crls, X509 *crt,
    char *reason, size_t size);

/* What an OCSP responder said. */
struct pkit_rev_ocsp {
	int status;		/* V_OCSP_CERTSTATUS_GOOD, _REVOKED, _UNKNOWN */
	int reason;		/* CRLReason of a revocation, -1: none */
	time_t revoked_at;
	time_t this_update, next_update;	/* next_update 0: none */
};

/* Ask the responder at url (https://, trusting roots for TLS) about
 * chain[0], issued by chain[1], with a nonce; the response must be
 * signed by the issuer or by a certificate it delegated OCSP signing to,
 * answer for that certificate, echo the nonce and be current (5 minutes
 * of skew). */
int pkit_rev_ocsp(struct pkit_ctx *ctx, const char *url, const char *roots,
    STACK_OF(X509) *chain, struct pkit_rev_ocsp *out);

/* pkit_rev_ocsp() with a verdict: PKIT_OK when the responder says good;
 * PKIT_ERR_VERIFY, the message starting with name, when it says revoked
 * (with the reason and time) or unknown. */
int pkit_rev_ocsp_check(struct pkit_ctx *ctx, const char *name,
    const char *url, const char *roots, STACK_OF(X509) *chain,
    struct pkit_rev_ocsp *out);

#endif

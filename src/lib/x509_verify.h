/* x509_verify.h - certificate path validation, and the system trust
 * store's directory of extra CA certificates.
 *
 * Validation is OpenSSL's (X509_STORE, X509_verify_cert): signatures,
 * validity at pkit_now(), basic constraints, path length, name
 * constraints, key usage and purpose, and the host name or IP address.
 */
#ifndef PKIT_X509_VERIFY_H
#define PKIT_X509_VERIFY_H

#include <stddef.h>

#include <openssl/x509.h>

#include "err.h"

struct pkit_verify_opts {
	const char *roots;	/* PEM file or directory of trust anchors;
				 * NULL: the system trust store */
	const char *host;	/* DNS name or IP address to match */
	const char *issuing_ca;	/* file: the leaf must be issued by it */
	const char *purpose;	/* "server" (default), "client", "email",
				 * "any" */
	STACK_OF(X509_CRL) *crls;	/* check the leaf against these CRLs
					 * (revcheck.h), or NULL */
};

struct pkit_verify_result {
	int error;		/* X509_V_ERR_*, X509_V_OK when valid */
	int depth;		/* of the certificate that failed */
	char reason[256];	/* "certificate has expired" */
	char subject[512];	/* of the certificate that failed */
	STACK_OF(X509) *chain;	/* the validated path, leaf first */
};

/* Validate certs[0] using certs[1..] as untrusted intermediates.  name (a
 * file name or URL) starts the message.  Returns 0 when the path is
 * valid, PKIT_ERR_VERIFY (PKIT_ERR_EXPIRED for a validity failure) when
 * not, with *res telling which check failed and where; other codes when
 * an option cannot be used (unreadable roots ...). */
int pkit_x509_verify(struct pkit_ctx *ctx, STACK_OF(X509) *certs,
    const char *name, const struct pkit_verify_opts *opts,
    struct pkit_verify_result *res);

/* Release what res holds. */
void pkit_verify_result_release(struct pkit_verify_result *res);

/* The file name a CA certificate gets in a trust directory: prefix, or
 * crt's common name, with anything but letters, digits, '.', '-' and '_'
 * made '_', then ".crt". */
int pkit_trust_filename(struct pkit_ctx *ctx, X509 *crt, const char *prefix,
    char *buf, size_t size);

/* Write crt as PEM to dir/filename (mode 0644).  An identical file is
 * left alone (*changed 0); a different one needs force. */
int pkit_trust_install(struct pkit_ctx *ctx, const char *dir,
    const char *filename, X509 *crt, int force, int *changed);

/* Remove dir/filename if it holds crt; a file holding another certificate
 * is kept unless force.  PKIT_ERR_NOT_FOUND when it is not there. */
int pkit_trust_uninstall(struct pkit_ctx *ctx, const char *dir,
    const char *filename, X509 *crt, int force);

/* Run the trust store's update program (update-ca-certificates, looked up
 * in PATH unless it has a '/'), its output sent to standard error.  Fails
 * unless it exits 0. */
int pkit_trust_update(struct pkit_ctx *ctx, const char *program);

#endif

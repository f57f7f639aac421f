/* ocsp.h - an OCSP responder (RFC 6960) over OpenSSL's OCSP API.
 *
 * A responder answers for the certificates of one issuer, signing with
 * the issuer's key or with a delegated OCSP signing certificate that the
 * issuer issued (id-kp-OCSPSigning); the delegated certificate is sent
 * in the response.  Each request's CertID is matched against the issuer
 * with the request's hash (SHA-1 or SHA-2); a CertID of another issuer
 * is "unknown".  A nonce in the request is echoed.  Every request gets a
 * response: malformedRequest when it does not parse, tryLater when the
 * status lookup fails, internalError when signing does.
 */
#ifndef PKIT_CA_OCSP_H
#define PKIT_CA_OCSP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/x509.h>

#include "lib/err.h"

struct pkit_ca_ocsp;

/* The status of one serial (normalised hex): *status is
 * V_OCSP_CERTSTATUS_GOOD, _REVOKED or _UNKNOWN; for a revoked one
 * *revoked_at and *reason (CRLReason, -1 for none).  Non-zero on a
 * failure (the response is then tryLater). */
typedef int (*pkit_ca_ocsp_lookup)(void *arg, struct pkit_ctx *ctx,
    const char *serial, int *status, time_t *revoked_at, int *reason);

/* A responder for issuer, signing with signer and key (signer NULL: the
 * issuer and its key); responses are valid for validity seconds.  The
 * certificates and the key are referenced, not copied. */
int pkit_ca_ocsp_new(struct pkit_ctx *ctx, X509 *issuer, X509 *signer,
    EVP_PKEY *key, int64_t validity, struct pkit_ca_ocsp **out);
void pkit_ca_ocsp_free(struct pkit_ca_ocsp *o);

/* Check that cert may sign OCSP responses for issuer: issued by it, with
 * the OCSPSigning extended key usage, and that key is its key. */
int pkit_ca_ocsp_check_signer(struct pkit_ctx *ctx, X509 *issuer, X509 *cert,
    EVP_PKEY *key, const char *name);

/* Answer the DER request req: *out is a DER OCSPResponse (malloc'd). */
int pkit_ca_ocsp_respond(struct pkit_ctx *ctx, const struct pkit_ca_ocsp *o,
    const unsigned char *req, size_t len, pkit_ca_ocsp_lookup lookup,
    void *arg, unsigned char **out, size_t *outlen);

#endif

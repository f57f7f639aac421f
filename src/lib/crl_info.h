/* crl_info.h - certificate revocation lists (RFC 5280 §5) as files: read
 * one (PEM or DER), write it again, print it in words or as JSON. */
#ifndef PKIT_CRL_INFO_H
#define PKIT_CRL_INFO_H

#include <stddef.h>

#include <openssl/x509.h>

#include "err.h"

/* 1 when data holds a CRL: a PEM "X509 CRL" block, or DER that decodes
 * as one. */
int pkit_crl_detect(const unsigned char *data, size_t len);

/* Parse one CRL from PEM or DER, nothing after it; name is for messages. */
int pkit_crl_parse(struct pkit_ctx *ctx, const unsigned char *data,
    size_t len, const char *name, X509_CRL **out);

/* The CRL as DER, or as PEM when pem; *out is malloc'd. */
int pkit_crl_encode(struct pkit_ctx *ctx, X509_CRL *crl, int pem,
    unsigned char **out, size_t *len);

/* The CRL in words (json 0) or as a JSON document (json 1), with a final
 * newline; *out is malloc'd. */
int pkit_crl_render(struct pkit_ctx *ctx, X509_CRL *crl, int json,
    char **out);

/* The CRLReason name of code ("keyCompromise"), or NULL. */
const char *pkit_crl_reason_name(int code);

#endif

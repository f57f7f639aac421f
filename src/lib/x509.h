/* x509.h - loading and encoding certificates and CSRs (shared by every
 * certificate verb; building, inspecting, linting and verifying live in
 * x509_*.c). */
#ifndef PKIT_X509_H
#define PKIT_X509_H

#include <stddef.h>

#include <openssl/x509.h>

#include "err.h"
#include "key.h"

/* Parse every certificate in data: one or more PEM CERTIFICATE blocks
 * (text between blocks is ignored), or one DER certificate with nothing
 * after it.  An input with no certificate is PKIT_ERR_FORMAT. */
int pkit_x509_parse_certs(struct pkit_ctx *ctx, const unsigned char *data,
    size_t len, const char *name, STACK_OF(X509) **out);

/* Read path ("-" for stdin) and parse it as above. */
int pkit_x509_load_certs(struct pkit_ctx *ctx, const char *path,
    STACK_OF(X509) **out);

/* The first certificate of path. */
int pkit_x509_load_cert(struct pkit_ctx *ctx, const char *path, X509 **out);

/* Parse a CSR in PEM ("CERTIFICATE REQUEST" or "NEW CERTIFICATE REQUEST")
 * or DER. */
int pkit_x509_parse_csr(struct pkit_ctx *ctx, const unsigned char *data,
    size_t len, const char *name, X509_REQ **out);

/* Encode a certificate as PEM or DER. */
int pkit_x509_encode(struct pkit_ctx *ctx, X509 *crt,
    enum pkit_key_encoding enc, unsigned char **out, size_t *len);

/* Encode a CSR as PEM or DER. */
int pkit_x509_csr_encode(struct pkit_ctx *ctx, X509_REQ *req,
    enum pkit_key_encoding enc, unsigned char **out, size_t *len);

/* 1 when data looks like PEM text (has a "-----BEGIN " line). */
int pkit_is_pem(const unsigned char *data, size_t len);

/* Add the attribute obj = value (UTF-8) to name as Go's crypto/x509 (and
 * so step) encodes it: a PrintableString when value allows it, else a
 * UTF8String.  set as X509_NAME_add_entry_by_OBJ's; 1 on success. */
int pkit_x509_name_add(X509_NAME *name, const ASN1_OBJECT *obj,
    const char *value, int set);

#endif

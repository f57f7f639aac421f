/* x509_info.h - what a certificate or CSR says, in words.
 *
 * Three renderings, all deterministic:
 *   - the long text, laid out as step's `certificate inspect` (certinfo)
 *     prints it, with every extension decoded;
 *   - the short text (`--short`): type, key, serial, names and validity;
 *   - JSON with zcrypto's field names, as `step certificate inspect
 *     --format json` prints it.
 * Inputs are certificates (one or a chain), CSRs or PKCS#12 files, in PEM
 * or DER; pkit_x509_input_parse() tells them apart.
 */
#ifndef PKIT_X509_INFO_H
#define PKIT_X509_INFO_H

#include <stddef.h>

#include <openssl/x509.h>

#include "err.h"

enum pkit_x509_format {
	PKIT_X509_TEXT,		/* the long text */
	PKIT_X509_SHORT,	/* the short text */
	PKIT_X509_JSON,		/* zcrypto-style JSON, 2-space indent */
	PKIT_X509_PEM,		/* the PEM blocks again */
};

enum pkit_x509_info_flags {
	/* every certificate, not only the first */
	PKIT_X509_INFO_BUNDLE = 1 << 0,
	PKIT_X509_INFO_WITH_PEM = 1 << 1,	/* JSON: add a "pem" member */
};

/* An inspectable input: certificates (leaf first) or one CSR. */
struct pkit_x509_input {
	STACK_OF(X509) *certs;
	X509_REQ *csr;
	int from_p12;		/* the certificates came from PKCS#12 */
};

/* Tell what data holds and parse it: PEM or DER certificates, a PEM or DER
 * CSR, or a PKCS#12 file (which needs password; without one it fails with
 * PKIT_ERR_PASSWORD so that the caller can ask).  name is used in
 * messages. */
int pkit_x509_input_parse(struct pkit_ctx *ctx, const unsigned char *data,
    size_t len, const char *name, const char *password,
    struct pkit_x509_input *out);

/* Release what the input holds (not the struct itself). */
void pkit_x509_input_release(struct pkit_x509_input *in);

/* Render in in the given format.  *out is a malloc'd, NUL-terminated
 * string ending in a newline. */
int pkit_x509_info_render(struct pkit_ctx *ctx,
    const struct pkit_x509_input *in, enum pkit_x509_format fmt,
    unsigned flags, char **out);

/* One certificate in the long text or the short text. */
int pkit_x509_info_text(struct pkit_ctx *ctx, X509 *crt, char **out);
int pkit_x509_info_short(struct pkit_ctx *ctx, X509 *crt, char **out);

/* A CSR in the long text (with its requested extensions decoded) or the
 * short text. */
int pkit_x509_csr_info_text(struct pkit_ctx *ctx, X509_REQ *req, char **out);
int pkit_x509_csr_info_short(struct pkit_ctx *ctx, X509_REQ *req,
    char **out);

/* A distinguished name as step prints it: "O=Test,CN=Test CA" in the order
 * of the certificate. */
void pkit_x509_name_text(const X509_NAME *name, char *buf, size_t size);

/* The last common name of name, or "" (into buf). */
void pkit_x509_name_cn(const X509_NAME *name, char *buf, size_t size);

/* Go's name for a signature algorithm ("ECDSA-SHA256", "SHA256-RSA",
 * "Ed25519" ...), or the dotted OID. */
void pkit_x509_sigalg_name(const X509_ALGOR *alg, char *buf, size_t size);

/* RFC 3339 UTC ("2026-11-25T22:23:43Z") of an ASN.1 time. */
int pkit_asn1_time_rfc3339(const ASN1_TIME *t, char *buf, size_t size);

/* Seconds since the epoch of an ASN.1 time; 0 when it does not parse. */
int pkit_asn1_time_epoch(const ASN1_TIME *t, long long *out);

#endif

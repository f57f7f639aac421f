/* p12.h - PKCS#12 files: writing them for browsers, Java and Windows, and
 * reading them back (for certificate p12 --extract and for inspect).
 *
 * Writing, by default the parameters of go-pkcs12's Modern2023 (what step
 * uses): keys and certificates encrypted with PBES2 (PBKDF2 with
 * HMAC-SHA-256, 2048 iterations, AES-256-CBC) and an HMAC-SHA-256 MAC over
 * the whole (2048 iterations).  Legacy mode is go-pkcs12's LegacyRC2 for old
 * Java and Windows: certificates under pbeWithSHAAnd40BitRC2-CBC, the key
 * under pbeWithSHAAnd3-KeyTripleDES-CBC, a SHA-1 MAC; OpenSSL's "legacy"
 * provider is loaded for it only when it is asked for.
 *
 * A file with only CA certificates is a Java trust store: each certificate
 * carries Java's trusted-key-usage attribute (2.16.840.1.113894.746875.1.1 =
 * anyExtendedKeyUsage), as keytool and go-pkcs12 write them.
 *
 * An empty password ("") is a real, empty PKCS#12 password, as go-pkcs12
 * and `openssl pkcs12 -passin pass:` use it.
 */
#ifndef PKIT_P12_H
#define PKIT_P12_H

#include <stddef.h>

#include <openssl/x509.h>

#include "err.h"

/* Iterations of the key derivation and of the MAC. */
#define PKIT_P12_ITER 2048

/* Build a PKCS#12 file (DER) from key and crt (both set, or both NULL) and
 * the extra certificates cas (may be NULL; with no key, the trust store
 * described above).  password must not be NULL ("" for none).  legacy
 * selects RC2/3DES with a SHA-1 MAC.  Free *out with free(). */
int pkit_p12_create(struct pkit_ctx *ctx, EVP_PKEY *key, X509 *crt,
    STACK_OF(X509) *cas, const char *password, int legacy,
    unsigned char **out, size_t *len);

/* 1 when data parses as a DER PKCS#12 PFX (PKCS#12 files are never PEM). */
int pkit_p12_is_p12(const unsigned char *data, size_t len);

/* Parse a PKCS#12 file.  password may be NULL: then an empty password and
 * none at all are tried; a wrong or missing password is PKIT_ERR_PASSWORD
 * (so a caller can prompt and call again).  Legacy RC2/RC4/DES encryption is
 * read by loading OpenSSL's legacy provider when needed.
 * *key: the private key, or NULL when the file has none.
 * *crt: the certificate matching the key, or NULL.
 * *cas: the other certificates (an empty stack when none).
 * Any of key, crt, cas may be NULL when the caller does not want it.
 * name (the file name) is used in messages. */
int pkit_p12_parse(struct pkit_ctx *ctx, const unsigned char *data,
    size_t len, const char *password, const char *name, EVP_PKEY **key,
    X509 **crt, STACK_OF(X509) **cas);

#endif

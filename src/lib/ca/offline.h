/* offline.h - step's offline mode (`step ca token|certificate|sign
 * --offline`): the CA's own ca.json and intermediate key used in this
 * process instead of the server.  Tokens are minted with the provisioner
 * keys escrowed in ca.json; /sign is done here by the same authority code
 * as `pkit ca serve` (token checks, claims, templates, recording in the
 * database ca.json names), so what is issued offline is what the server
 * would have issued, and a token used offline cannot be used again.
 */
#ifndef PKIT_CA_OFFLINE_H
#define PKIT_CA_OFFLINE_H

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "lib/ca/ca_config.h"
#include "lib/err.h"

struct pkit_ca_offline;

/* Load ca.json at config (relative paths against base) and the roots and
 * certificates it names; the key is loaded later. */
int pkit_ca_offline_open(struct pkit_ctx *ctx, const char *config,
    const char *base, struct pkit_ca_offline **out);
void pkit_ca_offline_free(struct pkit_ca_offline *o);

/* The configuration (borrowed): its password, key path ... */
const struct pkit_ca_config *pkit_ca_offline_config(
    const struct pkit_ca_offline *o);
/* The issuing key's file, resolved against the base. */
const char *pkit_ca_offline_key_path(const struct pkit_ca_offline *o);
/* The URL tokens name: https://<dnsNames[0]>[:port of address]. */
const char *pkit_ca_offline_url(const struct pkit_ca_offline *o);
/* The SHA-256 fingerprint (hex) of the first root. */
const char *pkit_ca_offline_fingerprint(const struct pkit_ca_offline *o);
/* The provisioners as GET /provisioners lists them (borrowed array). */
const json_t *pkit_ca_offline_provisioners(const struct pkit_ca_offline *o);
/* The escrowed key (compact JWE) of the provisioner with kid, or NULL. */
const char *pkit_ca_offline_encrypted_key(const struct pkit_ca_offline *o,
    const char *kid);

/* Use key (which must match the issuing certificate; a reference is
 * taken) and get ready to sign: the authority and its database. */
int pkit_ca_offline_set_key(struct pkit_ctx *ctx, struct pkit_ca_offline *o,
    EVP_PKEY *key);

/* Do what POST /sign does with body ({"csr","ott","notBefore",
 * "notAfter","templateData"}): *resp is the answer step-ca would send.
 * A refusal is an error with the CA's public message and the detail. */
int pkit_ca_offline_sign(struct pkit_ctx *ctx, struct pkit_ca_offline *o,
    const json_t *body, json_t **resp);

/* Do what POST /revoke does: revoke serial (as sent: decimal, 0x hex)
 * authorized by the revoke token ott, with RFC 5280 reason code and text
 * (may be NULL), in the database ca.json names; a running server sees it
 * at its next check of the database.  When ca.json enables the CRL, the
 * CRL kept in the database is made again here (the revocation stays
 * recorded if that fails).  A refusal is an error as above. */
int pkit_ca_offline_revoke(struct pkit_ctx *ctx, struct pkit_ca_offline *o,
    const char *serial, const char *ott, int code, const char *reason);

/* Do what GET /crl does (ca.json's "crl" block must enable it): the CRL
 * kept in the database, made again first when a revocation is missing
 * from it or it is due; *der is malloc'd.  pkit_ca_offline_revoke() makes
 * it again itself when the CRL is enabled. */
int pkit_ca_offline_crl(struct pkit_ctx *ctx, struct pkit_ca_offline *o,
    unsigned char **der, size_t *len);

/* Do what POST /renew does for crt (its holder's key already checked):
 * *resp is the answer step-ca would send, or a refusal as above (revoked,
 * not issued by this CA, expired, renewal disabled ...). */
int pkit_ca_offline_renew(struct pkit_ctx *ctx, struct pkit_ca_offline *o,
    X509 *crt, json_t **resp);

#endif

/* crl.h - active revocation on the online CA: a signed CRL (RFC 5280 §5)
 * of the revocations in the database, served at GET /crl, and an OCSP
 * responder (RFC 6960, ocsp.h) at /ocsp.  Both are off unless ca.json's
 * "crl" / "ocsp" block enables them (step-ca's defaults); while off their
 * routes answer 404 as step-ca's do.
 *
 * The CRL.  v2, issued and signed by the intermediate, with a CRL number,
 * the issuer's key identifier, an issuing distribution point (crl.idpURL
 * or the CA's own /1.0/crl, the URL leaves carry), and one entry per
 * revoked serial with its revocation time and reason (none for
 * unspecified); revocations of certificates expired for more than an
 * hour are left out, as step-ca does.  thisUpdate is when it was made,
 * nextUpdate cacheDuration later; it is made again renewPeriod after
 * thisUpdate (2/3 of cacheDuration when unset), as step-ca's ticker.
 *
 * Several nodes, one database.  The latest CRL is kept in the database
 * (bucket "crl", key "current") and every node serves that one, so that
 * all of them serve the same bytes and CRL numbers only grow: a node that
 * finds the database's revocations different from the CRL's (a
 * revocation of its own, or one seen when it checks again, at most
 * PKIT_CA_CRL_CHECK seconds after its last check) makes number N+1, but
 * only after claiming N+1 (bucket "crl.number", created once); the loser
 * of a race reads the winner's CRL and, if it still misses something,
 * makes N+2.  A node therefore never serves a CRL that misses another
 * node's revocation for more than PKIT_CA_CRL_CHECK seconds.  Threads of
 * one node share its CRL; one of them at a time refreshes it, the others
 * serve the previous one meanwhile.
 */
#ifndef PKIT_CA_CRL_H
#define PKIT_CA_CRL_H

#include <stddef.h>
#include <time.h>

#include <jansson.h>
#include <openssl/x509.h>

#include "lib/ca/ca_config.h"
#include "lib/ca/db.h"
#include "lib/err.h"

struct pkit_ca_server;
struct pkit_ca_req;
struct pkit_ca_authority;
struct pkit_ca_pki;

/* Seconds a node serves its CRL before it checks the database again. */
#define PKIT_CA_CRL_CHECK 5

/* The URLs of a configuration, each malloc'd, NULL when not used: the
 * CRL distribution point (crl enabled: crl.idpURL, else
 * https://<dnsNames[0]>[:port]/1.0/crl), the OCSP responder (ocsp
 * enabled: ocsp.url, else .../ocsp) and the issuer's certificate
 * (ocsp enabled: .../1.0/intermediate.crt, DER).  The port is the one of
 * ca.json's address, left out when it is 443. */
struct pkit_ca_rev_urls {
	char *crl;
	char *ocsp;
	char *issuer;
};
int pkit_ca_rev_urls(struct pkit_ctx *ctx, const struct pkit_ca_config *cfg,
    struct pkit_ca_rev_urls *out);
void pkit_ca_rev_urls_release(struct pkit_ca_rev_urls *u);

/* Add the URLs of u to a leaf being built: a CRL distribution point and
 * an authority information access (OCSP, caIssuers).  1 on success. */
int pkit_ca_rev_add_exts(X509 *x, const struct pkit_ca_rev_urls *u);
/* The same for a certificate template (JSON), where it does not set
 * crlDistributionPoints, ocspServer or issuingCertificateURL itself. */
int pkit_ca_rev_tmpl(struct pkit_ctx *ctx, json_t *tmpl,
    const struct pkit_ca_rev_urls *u);

/* One revoked certificate. */
struct pkit_ca_crl_entry {
	char serial[PKIT_DB_SERIAL_MAX + 1];	/* normalised hex */
	time_t revoked_at;
	int reason;				/* CRLReason; 0: unspecified */
};

/* What a CRL says. */
struct pkit_ca_crl_params {
	X509 *issuer;
	EVP_PKEY *key;		/* the issuer's key */
	EVP_MD_CTX *sign;	/* or a DigestSign context to copy */
	long long number;
	time_t this_update, next_update;
	const char *idp_url;	/* issuing distribution point, or NULL */
	const struct pkit_ca_crl_entry *entries;
	size_t n;
};

/* Build and sign a v2 CRL; *der is malloc'd. */
int pkit_ca_crl_build(struct pkit_ctx *ctx, const struct pkit_ca_crl_params *p,
    unsigned char **der, size_t *len);

/* Read db's revocations of certificates not yet expired at now into a
 * malloc'd array sorted by serial. */
int pkit_ca_crl_entries(struct pkit_ctx *ctx, struct pkit_db *db, time_t now,
    struct pkit_ca_crl_entry **out, size_t *n);

/* The entry for serial (normalised hex) in a sorted array, or NULL. */
const struct pkit_ca_crl_entry *pkit_ca_crl_find(
    const struct pkit_ca_crl_entry *v, size_t n, const char *serial);

/* Register GET /crl, POST /ocsp, GET /ocsp/{request}, GET
 * /intermediate.crt (bare and under /1.0) and the extension that keeps
 * the CRL and the OCSP signer of each loaded ca.json; a remembers its id
 * for pkit_ca_revocation_notify().  a must outlive srv. */
int pkit_ca_api_revocation(struct pkit_ctx *ctx, struct pkit_ca_server *srv,
    struct pkit_ca_authority *a);

/* From the handler of a revocation that was recorded: make the CRL again
 * now (crl.generateOnRevoke) or at its next request. */
void pkit_ca_revocation_notify(struct pkit_ca_req *req,
    struct pkit_ca_authority *a);

/* Without a server (offline mode): bring the CRL kept in the database of
 * pki's ca.json up to date as GET /crl does (a new number only when the
 * revocations changed or it is due), signed with pki's key; *der (when
 * der is not NULL) is then the CRL served, malloc'd. */
int pkit_ca_crl_update(struct pkit_ctx *ctx, struct pkit_ca_authority *a,
    const struct pkit_ca_pki *pki, unsigned char **der, size_t *len);

#endif

/* x509_build.h - making certificates and CSRs from JSON certificate
 * templates, as step's x509util does.
 *
 * The flow: template data (pkit_x509_template_data) -> a template (one of
 * the built-ins below, or a file) rendered by template.h into JSON -> that
 * JSON applied to a new certificate (pkit_x509_issue) or CSR
 * (pkit_x509_csr_make).
 *
 * The JSON is step's x509util.Certificate: subject, issuer (ignored: the
 * issuer is the signing certificate's subject), serialNumber, dnsNames,
 * emailAddresses, ipAddresses, uris, sans [{type, value}], extensions
 * [{id, critical, value (base64)}], keyUsage, extKeyUsage,
 * unknownExtKeyUsage, subjectKeyId, authorityKeyId (base64), ocspServer,
 * issuingCertificateURL, crlDistributionPoints, policyIdentifiers,
 * basicConstraints {isCA, maxPathLen}, nameConstraints {critical,
 * permitted/excluded DNSDomains, IPRanges, EmailAddresses, URIDomains},
 * signatureAlgorithm ("SHA256-RSA", "ECDSA-SHA384", "Ed25519" ...).  Keys
 * match case-insensitively, a string stands for a one-element list, null
 * means absent, and an unknown key is an error (so is a typo).
 *
 * Defaults match step: a 128-bit random serial; SKI the SHA-1 of the
 * subjectPublicKey; AKI the issuer's SKI (none on self-signed); keyUsage and
 * basicConstraints critical; the subjectAltName critical when the subject
 * is empty; ECDSA with SHA-256/384/512 by curve, RSA with SHA-256 (PKCS#1
 * v1.5), Ed25519 pure.  A template extension with the OID of one of these
 * replaces it.
 */
#ifndef PKIT_X509_BUILD_H
#define PKIT_X509_BUILD_H

#include <stddef.h>
#include <time.h>

#include <jansson.h>
#include <openssl/x509.h>

#include "err.h"

/* step's default templates (crypto:x509util/templates.go). */
extern const char pkit_x509_tmpl_leaf[];	/* DefaultLeafTemplate */
extern const char pkit_x509_tmpl_intermediate[];	/* maxPathLen 0 */
extern const char pkit_x509_tmpl_root[];	/* maxPathLen 1 */
/* certificate sign --profile intermediate-ca: maxPathLen from .MaxPathLen */
extern const char pkit_x509_tmpl_intermediate_pathlen[];
/* certificate sign --profile csr: the CSR as it is
 * ({{ toJson .Insecure.CR }}) */
extern const char pkit_x509_tmpl_from_csr[];
/* create --csr: DefaultCertificateRequestTemplate */
extern const char pkit_x509_tmpl_csr[];

/* Default validity in seconds: leaf and self-signed 24h, CAs 10 years. */
#define PKIT_X509_LEAF_VALIDITY (24L * 3600)
#define PKIT_X509_CA_VALIDITY (87600L * 3600)

enum pkit_san_type {
	PKIT_SAN_DNS,
	PKIT_SAN_IP,
	PKIT_SAN_EMAIL,
	PKIT_SAN_URI,
};

/* What a --san value is, as step decides: an IP address, a URI (it starts
 * with "scheme:"), an email address (it holds '@'), else a DNS name. */
enum pkit_san_type pkit_san_detect(const char *s);

/* 1 when s can serve as a SAN: an IP, URI, email or a syntactically valid
 * DNS name (so "Example Root" is not, and gets no default SAN). */
int pkit_san_is_name(const char *s);

/* step's .SANs: [{"type": "dns", "value": ...}, ...] grouped DNS, IP,
 * email, URI.  Each value is checked (a DNS name must be one). */
int pkit_x509_sans_json(struct pkit_ctx *ctx, const char *const *sans,
    size_t n, json_t **out);

/* A name as step's JSON: {"commonName": ..., "organization": [...], ...}. */
int pkit_x509_name_json(struct pkit_ctx *ctx, const X509_NAME *name,
    json_t **out);

/* .Insecure.CR for a CSR: subject, dnsNames, emailAddresses, ipAddresses,
 * uris, extensions, keyUsage, extKeyUsage, basicConstraints, and publicKey
 * ({"$type": "*rsa.PublicKey"|"*ecdsa.PublicKey"|"ed25519.PublicKey"},
 * for typeIs) and publicKeyAlgorithm ("RSA", "ECDSA", "Ed25519"). */
int pkit_x509_cr_json(struct pkit_ctx *ctx, X509_REQ *req, json_t **out);

/* .Insecure.CR for a certificate made from a subject common name, SANs
 * and a public key, as step's create does. */
int pkit_x509_cr_json_simple(struct pkit_ctx *ctx, const char *cn,
    const char *const *sans, size_t n, EVP_PKEY *pub, json_t **out);

/* The template data: {"Subject": subject, "SANs": sans, "Insecure":
 * {"CR": cr, "User": user}}.  Each of subject, sans, cr, user may be NULL
 * ({} or [] then).  The references are taken. */
int pkit_x509_template_data(struct pkit_ctx *ctx, json_t *subject,
    json_t *sans, json_t *cr, json_t *user, json_t **out);

/* User data for templates (.Insecure.User), as step's --set-file and
 * --set: the JSON object in set_file (may be NULL), then each "key=value"
 * of set; a value that parses as JSON is that JSON, else the string. */
int pkit_x509_user_data(struct pkit_ctx *ctx, const char *const *set,
    size_t nset, const char *set_file, json_t **out);

/* Template data for certificate create: Subject {commonName: cn}, SANs
 * from sans, Insecure.CR for pub, Insecure.User (reference taken; may be
 * NULL). */
int pkit_x509_create_data(struct pkit_ctx *ctx, const char *cn,
    const char *const *sans, size_t nsans, EVP_PKEY *pub, json_t *user,
    json_t **out);

/* Template data for certificate sign: Subject from the CSR (its standard
 * attributes), SANs from its subjectAltName, Insecure.CR, Insecure.User,
 * and MaxPathLen. */
int pkit_x509_sign_data(struct pkit_ctx *ctx, X509_REQ *req,
    long max_path_len, json_t *user, json_t **out);

/* The validity window from --not-before/--not-after texts (RFC 3339 or a
 * duration from now; NULL or "" unset): not before defaults to now, not
 * after to not before + dflt seconds.  An end before the start is an
 * error naming both flags. */
int pkit_x509_validity(struct pkit_ctx *ctx, const char *not_before,
    const char *not_after, long dflt, time_t *nb, time_t *na);

/* Render a certificate template (text of len bytes; name for messages)
 * against data into a JSON object. */
int pkit_x509_render(struct pkit_ctx *ctx, const char *text, size_t len,
    const char *name, json_t *data, json_t **out);

/* What pkit_x509_issue() needs. */
struct pkit_x509_issue {
	json_t *tmpl;		/* the rendered template */
	const char *tmpl_name;	/* for messages */
	EVP_PKEY *pub;		/* the subject's public key */
	X509 *issuer;		/* NULL: self-signed with key */
	EVP_PKEY *key;		/* the issuer's key (or the subject's) */
	time_t not_before, not_after;
};

/* Build and sign a certificate.  The key must match the issuer's public key
 * (or pub when self-signed). */
int pkit_x509_issue(struct pkit_ctx *ctx, const struct pkit_x509_issue *in,
    X509 **out);

/* Build and sign a CSR from a rendered CSR template (subject, SANs,
 * extensions, keyUsage, extKeyUsage, basicConstraints,
 * signatureAlgorithm). */
int pkit_x509_csr_make(struct pkit_ctx *ctx, json_t *tmpl,
    const char *tmpl_name, EVP_PKEY *key, X509_REQ **out);

/* PKIT_ERR_VERIFY unless the CSR's signature verifies with its own key. */
int pkit_x509_csr_verify(struct pkit_ctx *ctx, X509_REQ *req,
    const char *name);

/* PKIT_ERR_MISMATCH unless key is the private half of crt's public key. */
int pkit_x509_check_key(struct pkit_ctx *ctx, X509 *crt, EVP_PKEY *key,
    const char *crtname, const char *keyname);

/* Can ca issue?  It must be a CA (basicConstraints cA) and, when it has a
 * keyUsage, carry keyCertSign.  For an intermediate (for_ca) with path
 * length pathlen (-1: none), ca's own pathLenConstraint must allow it. */
int pkit_x509_check_issuer(struct pkit_ctx *ctx, X509 *ca, const char *name,
    int for_ca, long pathlen);

/* 128 random bits as a positive serial number. */
int pkit_x509_random_serial(struct pkit_ctx *ctx, ASN1_INTEGER **out);

/* Digest of the DER encoding of crt ("sha256", or "sha1"); md must hold
 * EVP_MAX_MD_SIZE bytes. */
int pkit_x509_fingerprint(struct pkit_ctx *ctx, X509 *crt, const char *alg,
    unsigned char *md, size_t *len);

#endif

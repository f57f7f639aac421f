/* authority_impl.h - the insides of authority.c shared with
 * provisioner_jwk.c and api_sign.c.  Not for other modules. */
#ifndef PKIT_CA_AUTHORITY_IMPL_H
#define PKIT_CA_AUTHORITY_IMPL_H

#include <pthread.h>

#include "lib/ca/authority.h"
#include "lib/ca/crl.h"
#include "lib/ca/policy.h"
#include "lib/ca/server.h"
#include "lib/jwk.h"
#include "lib/jws.h"

/* step's provisioner type numbers in the extension (research §6). */
enum {
	PKIT_CA_PROV_NOOP = 0,
	PKIT_CA_PROV_JWK = 1,
	PKIT_CA_PROV_ACME = 6,
	PKIT_CA_PROV_X5C = 7,
};

struct memtok;

struct pkit_ca_authority {
	time_t start;			/* tokens issued before are refused */
	pthread_mutex_t lock;		/* guards the memory store */
	struct memtok **buckets;	/* used token ids when there is no db */
	size_t nbuckets, count, inserts;
	int api_id;			/* api_sign.c's server extension */
	int rev_id;			/* crl.c's, plus one (0: none) */
	int acme_id;			/* acme.c's server extension */
	void *acme_routes;		/* acme.c's route arguments, or NULL */
};

struct pkit_ca_prov {
	const struct pkit_ca_provisioner *conf;	/* as in ca.json */
	int type;			/* PKIT_CA_PROV_* */
	struct pkit_jwk_key *key;	/* JWK: the public key */
	char *alg;			/* JWK: the one alg its tokens may use */
	struct pkit_ca_claims claims;	/* resolved */
	char *tmpl;			/* custom x509 template text, or NULL */
	size_t tmpl_len;
	char *tmpl_name;
	json_t *tmpl_data;		/* options.x509.templateData, or NULL */
	unsigned char *ext;		/* the provisioner extension's value */
	size_t ext_len;
	char *ext_b64;
	struct pkit_ca_policy *policy;	/* its "policy", or NULL (policy.h) */
	STACK_OF(X509) *x5c_roots;	/* X5C: the roots of its tokens' chains */
};

struct pkit_ca_auth {
	struct pkit_ca_authority *a;
	const struct pkit_ca_pki *pki;
	const struct pkit_ca_config *cfg;
	struct pkit_ca_prov *provs;
	size_t nprovs;
	struct pkit_ca_prov noop;	/* for certificates without the extension */
	char **aud[PKIT_CA_AUD_N];	/* accepted audiences, ports stripped */
	size_t naud[PKIT_CA_AUD_N];
	char (*root_fp)[65];		/* fingerprints of the roots */
	size_t nroot_fp;
	X509 *issuer;			/* first of pki->intermediates */
	EVP_PKEY *key;			/* its key */
	ASN1_OCTET_STRING *issuer_ski;	/* the leaves' AKI */
	EVP_MD_CTX *sign_proto;		/* DigestSign with key, copied per use */
	EVP_MD *sha1;			/* fetched once: SKIs */
#define PKIT_CA_NCURVES 3
	EVP_PKEY *curve[PKIT_CA_NCURVES];	/* P-256/384/521 parameters */
	int curve_nid[PKIT_CA_NCURVES];
	int64_t backdate;		/* seconds */
	char *db_type, *db_dsn;		/* NULL: no database */
	/* pre-rendered JSON of the responses */
	char *ca_json;			/* "<first intermediate PEM>", escaped */
	char *chain_json;		/* ,"<intermediate>"... after the leaf */
	char *tls_json;			/* {"cipherSuites":...} */
	struct pkit_ca_policy *policy;	/* authority.policy, or NULL */
	struct pkit_ca_rev_urls rev;	/* CRL DP, OCSP, caIssuers (crl.h) */
};

/* A CSR read by pkit_ca_auth_csr_read() (authority_x509.c). */
struct pkit_ca_csr {
	unsigned char *der;		/* its DER */
	size_t der_len;
	void *req;			/* the parsed CA_REQ */
	const X509_NAME *subject;	/* inside req */
	EVP_PKEY *pub;			/* its key */
	STACK_OF(X509_EXTENSION) *exts;	/* requested extensions, or NULL */
	X509_REQ *x509;			/* for templates, parsed on demand */
};

/* The parameters-only keys of the NIST curves, for CSR keys. */
int pkit_ca_curves_load(struct pkit_ctx *ctx, struct pkit_ca_auth *auth);

/* The CSR as an X509_REQ (parsed the first time; owned by csr). */
X509_REQ *pkit_ca_csr_x509(struct pkit_ctx *ctx, struct pkit_ca_csr *csr);

/* Give x the SubjectPublicKeyInfo of a CSR, or of another certificate,
 * byte for byte (x509 then has no EVP_PKEY for it: X509_get0_pubkey()
 * is NULL until it is parsed again).  1 on success. */
int pkit_ca_x509_key_from_csr(X509 *x, const struct pkit_ca_csr *csr);
int pkit_ca_x509_key_from_cert(X509 *x, X509 *from);
/* x's SKI: the SHA-1 of its subjectPublicKey bits.  1 on success. */
int pkit_ca_x509_ski(const struct pkit_ca_auth *auth, X509 *x,
    ASN1_OCTET_STRING **out);

/* step's DefaultLeafTemplate for tok's subject and sans (as
 * pkit_x509_sans_json() gives them), the CSR's key, from nb to na, with
 * prov's extension, signed by the configuration's intermediate. */
int pkit_ca_leaf_build(struct pkit_ctx *ctx, const struct pkit_ca_auth *auth,
    const struct pkit_ca_prov *prov, const struct pkit_ca_ott *tok,
    const struct pkit_ca_csr *csr, json_t *sans, time_t nb, time_t na,
    X509 **out);

/* Remember a token id in the authority's memory (no database):
 * PKIT_ERR_EXISTS if it is there already. */
int pkit_ca_auth_memtok(struct pkit_ctx *ctx, struct pkit_ca_authority *a,
    const char *id, time_t expires);

/* Port-insensitive form of an audience URL, as step-ca's stripPort(). */
char *pkit_ca_auth_aud_strip(const char *url);

/* The JWK provisioner with kid, preferring the one named iss; NULL. */
const struct pkit_ca_prov *pkit_ca_auth_find_jwk(const struct pkit_ca_auth *auth,
    const char *kid, const char *iss, int *name_mismatch);

/* Read step's provisioner extension of crt: its type, name and credential
 * id (each out-param may be NULL; the strings are malloc'd).  Without the
 * extension (or when it does not decode), *name is NULL and *type 0. */
int pkit_ca_auth_cert_prov(struct pkit_ctx *ctx, X509 *crt, int *type,
    char **name, char **cred);

/* The key of the leaf certificate that signs an x5c or x5cInsecure token,
 * and the header's alg once it suits that key (never none nor HMAC);
 * what names the token in messages (provisioner_jwk.c). */
int pkit_ca_token_leaf_key(struct pkit_ctx *ctx, const json_t *hdr, X509 *leaf,
    const char *what, struct pkit_jwk_key **key, const char **alg);

/* ---- X5C provisioners (provisioner_x5c.c) ---- */

/* Read an X5C provisioner's "roots" (base64 of PEM certificates). */
int pkit_ca_x5c_load(struct pkit_ctx *ctx, const struct pkit_ca_auth *auth,
    struct pkit_ca_prov *p);

/* The steps of a token with an x5c header that differ from a JWK token:
 * the X5C provisioner (the "#x5c/<name>" of aud, else iss), the chain to
 * its roots now (clientAuth, digitalSignature), the signature with the
 * leaf's key, iss its name, aud one of method's.  *not_before and
 * *not_after get the leaf's validity. */
int pkit_ca_x5c_authorize(struct pkit_ctx *ctx, const struct pkit_ca_auth *auth,
    const struct pkit_jws *jws, const json_t *claims, enum pkit_ca_aud method,
    const struct pkit_ca_prov **prov, time_t *not_before, time_t *not_after);

/* step's profileLimitDuration: a certificate bought with an X5C token
 * (tok->cred_not_after set) ends no later than the credential; one
 * asked to start before it or end after it is a 403. */
int pkit_ca_x5c_limit(struct pkit_ctx *ctx, const struct pkit_ca_ott *tok,
    const struct pkit_ca_claims *claims,
    const struct pkit_ca_auth_sign_req *req, time_t *nb, time_t *na,
    struct pkit_ca_refusal *why);
/* For other token kinds (authority_ssh.c's SSHPOP): the checks of
 * provisioner_jwk.c.  Parse a compact JWS whose payload is a JSON object;
 * nbf, iat and exp (*expires: until when its id must be remembered); 1
 * when aud holds an audience of method; the replay id of a jti. */
struct pkit_jws;
int pkit_ca_token_parse(struct pkit_ctx *ctx, const char *token, size_t len,
    struct pkit_jws **jws, json_t **claims);
int pkit_ca_token_times(struct pkit_ctx *ctx, const struct pkit_ca_auth *auth,
    const json_t *claims, time_t *expires);
int pkit_ca_token_aud(const struct pkit_ca_auth *auth, enum pkit_ca_aud method,
    const json_t *aud);
int pkit_ca_token_jti(struct pkit_ctx *ctx, const json_t *claims,
    char id[80]);

/* Fill a refusal. */
/* Shared by the route modules (api_sign.c, api_ssh.c): answer a refusal,
 * its detail to the log only; the same from a status and a public
 * message; the body's JSON object (NULL after answering 400); a string
 * member: 1 set and non-empty, 0 absent, null or "", -1 not a string. */
void pkit_ca_api_refuse(struct pkit_ca_req *req,
    const struct pkit_ca_refusal *why, const char *detail);
void pkit_ca_api_refuse_msg(struct pkit_ca_req *req, int status,
    const char *msg, const char *detail);
json_t *pkit_ca_api_read_json(struct pkit_ca_req *req);
int pkit_ca_api_member_str(const json_t *doc, const char *key,
    const char **out);

void pkit_ca_auth_refuse(struct pkit_ca_refusal *why, int status, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));

#endif

/* crl.c - the CRL of the online CA and the server glue of active
 * revocation: GET /crl, the OCSP routes (ocsp.c answers), GET
 * /intermediate.crt (crl.h tells the design). */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "lib/ca/authority_impl.h"
#include "lib/ca/crl.h"
#include "lib/ca/ocsp.h"
#include "lib/ca/server.h"
#include "lib/codec.h"
#include "lib/fs.h"
#include "lib/key.h"
#include "lib/secret.h"
#include "lib/timeutil.h"
#include "lib/x509.h"

#define SEC_NS INT64_C(1000000000)
/* Event loops (as api_sign.c). */
#define MAX_SLOTS 128
/* Claims tried before a node gives up making a CRL for now. */
#define MAX_CLAIMS 5
/* Bucket and keys of the shared CRL. */
#define KV_BUCKET "crl"
#define KV_CURRENT "current"
#define KV_NUMBERS "crl.number"

/* ---- URLs --------------------------------------------------------------- */

/* https://<dnsNames[0]>[:port] */
static char *
base_url(const struct pkit_ca_config *cfg)
{
	const char *host = cfg->ndns_names > 0 ? cfg->dns_names[0] : "localhost";
	const char *addr = cfg->address != NULL ? cfg->address : "";
	const char *port = strrchr(addr, ':');
	char *s = NULL;
	int v6 = strchr(host, ':') != NULL;

	if (port != NULL && (strchr(port, ']') != NULL || port[1] == '\0'))
		port = NULL;
	if (port != NULL && strcmp(port, ":443") == 0)
		port = NULL;
	if (asprintf(&s, "https://%s%s%s%s", v6 ? "[" : "", host, v6 ? "]" : "",
	    port != NULL ? port : "") < 0)
		return NULL;
	return s;
}

void
pkit_ca_rev_urls_release(struct pkit_ca_rev_urls *u)
{
	if (u == NULL)
		return;
	free(u->crl);
	free(u->ocsp);
	free(u->issuer);
	memset(u, 0, sizeof(*u));
}

int
pkit_ca_rev_urls(struct pkit_ctx *ctx, const struct pkit_ca_config *cfg,
    struct pkit_ca_rev_urls *out)
{
	struct pkit_ca_rev_urls u = { NULL, NULL, NULL };
	char *base;
	int bad = 0;

	memset(out, 0, sizeof(*out));
	if (!cfg->crl.enabled && !cfg->ocsp.enabled)
		return PKIT_OK;
	if ((base = base_url(cfg)) == NULL)
		return pkit_seterr_nomem(ctx);
	if (cfg->crl.enabled) {
		if (cfg->crl.idp_url != NULL && *cfg->crl.idp_url != '\0')
			u.crl = strdup(cfg->crl.idp_url);
		else
			bad |= asprintf(&u.crl, "%s/1.0/crl", base) < 0;
		bad |= u.crl == NULL;
	}
	if (cfg->ocsp.enabled) {
		if (cfg->ocsp.url != NULL && *cfg->ocsp.url != '\0')
			u.ocsp = strdup(cfg->ocsp.url);
		else
			bad |= asprintf(&u.ocsp, "%s/ocsp", base) < 0;
		bad |= u.ocsp == NULL;
		bad |= asprintf(&u.issuer, "%s/1.0/intermediate.crt", base) < 0;
	}
	free(base);
	if (bad) {
		pkit_ca_rev_urls_release(&u);
		return pkit_seterr_nomem(ctx);
	}
	*out = u;
	return PKIT_OK;
}

static GENERAL_NAME *
uri_name(const char *url)
{
	GENERAL_NAME *gn;
	ASN1_IA5STRING *s;

	if ((gn = GENERAL_NAME_new()) == NULL)
		return NULL;
	if ((s = ASN1_IA5STRING_new()) == NULL ||
	    !ASN1_STRING_set(s, url, (int)strlen(url))) {
		ASN1_IA5STRING_free(s);
		GENERAL_NAME_free(gn);
		return NULL;
	}
	GENERAL_NAME_set0_value(gn, GEN_URI, s);
	return gn;
}

static int
add_aia(AUTHORITY_INFO_ACCESS *aia, int nid, const char *url)
{
	ACCESS_DESCRIPTION *ad;

	if ((ad = ACCESS_DESCRIPTION_new()) == NULL)
		return 0;
	ASN1_OBJECT_free(ad->method);
	GENERAL_NAME_free(ad->location);
	ad->method = OBJ_nid2obj(nid);
	if ((ad->location = uri_name(url)) == NULL ||
	    !sk_ACCESS_DESCRIPTION_push(aia, ad)) {
		ACCESS_DESCRIPTION_free(ad);
		return 0;
	}
	return 1;
}

int
pkit_ca_rev_add_exts(X509 *x, const struct pkit_ca_rev_urls *u)
{
	CRL_DIST_POINTS *dps = NULL;
	DIST_POINT *dp = NULL;
	GENERAL_NAME *gn = NULL;
	AUTHORITY_INFO_ACCESS *aia = NULL;
	int ok = 0;

	if (u->crl != NULL) {
		if ((dps = sk_DIST_POINT_new_null()) == NULL ||
		    (dp = DIST_POINT_new()) == NULL ||
		    (dp->distpoint = DIST_POINT_NAME_new()) == NULL ||
		    (dp->distpoint->name.fullname = GENERAL_NAMES_new()) ==
		    NULL || (gn = uri_name(u->crl)) == NULL ||
		    !sk_GENERAL_NAME_push(dp->distpoint->name.fullname, gn))
			goto out;
		gn = NULL;
		dp->distpoint->type = 0;
		if (!sk_DIST_POINT_push(dps, dp))
			goto out;
		dp = NULL;
		if (!X509_add1_ext_i2d(x, NID_crl_distribution_points, dps, 0,
		    X509V3_ADD_APPEND))
			goto out;
	}
	if (u->ocsp != NULL) {
		if ((aia = sk_ACCESS_DESCRIPTION_new_null()) == NULL ||
		    !add_aia(aia, NID_ad_OCSP, u->ocsp) ||
		    (u->issuer != NULL && !add_aia(aia, NID_ad_ca_issuers,
		    u->issuer)) ||
		    !X509_add1_ext_i2d(x, NID_info_access, aia, 0,
		    X509V3_ADD_APPEND))
			goto out;
	}
	ok = 1;
out:
	AUTHORITY_INFO_ACCESS_free(aia);
	GENERAL_NAME_free(gn);
	DIST_POINT_free(dp);
	CRL_DIST_POINTS_free(dps);
	return ok;
}

static int
tmpl_set(json_t *tmpl, const char *key, const char *url)
{
	const char *k;
	json_t *v;

	if (url == NULL)
		return 0;
	json_object_foreach(tmpl, k, v) {
		if (strcasecmp(k, key) == 0)
			return 0;
	}
	return json_object_set_new(tmpl, key, json_pack("[s]", url));
}

int
pkit_ca_rev_tmpl(struct pkit_ctx *ctx, json_t *tmpl,
    const struct pkit_ca_rev_urls *u)
{
	if (tmpl_set(tmpl, "crlDistributionPoints", u->crl) != 0 ||
	    tmpl_set(tmpl, "ocspServer", u->ocsp) != 0 ||
	    tmpl_set(tmpl, "issuingCertificateURL", u->issuer) != 0)
		return pkit_seterr_nomem(ctx);
	return PKIT_OK;
}

/* ---- entries ------------------------------------------------------------ */

/* Normalised hex serials compare as numbers: by length, then digits. */
static int
serial_cmp(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la != lb)
		return la < lb ? -1 : 1;
	return strcmp(a, b);
}

static int
entry_cmp(const void *a, const void *b)
{
	return serial_cmp(((const struct pkit_ca_crl_entry *)a)->serial,
	    ((const struct pkit_ca_crl_entry *)b)->serial);
}

const struct pkit_ca_crl_entry *
pkit_ca_crl_find(const struct pkit_ca_crl_entry *v, size_t n,
    const char *serial)
{
	struct pkit_ca_crl_entry key;

	if (v == NULL || strlen(serial) > PKIT_DB_SERIAL_MAX)
		return NULL;
	memset(&key, 0, sizeof(key));
	memcpy(key.serial, serial, strlen(serial));
	return bsearch(&key, v, n, sizeof(*v), entry_cmp);
}

struct collect {
	struct pkit_ca_crl_entry *v;
	size_t n, cap;
	int nomem;
};

static int
collect_cb(void *arg, const struct pkit_db_revocation *rev)
{
	struct collect *c = arg;
	struct pkit_ca_crl_entry *nv;

	if (c->n == c->cap) {
		size_t cap = c->cap == 0 ? 64 : c->cap * 2;

		if ((nv = reallocarray(c->v, cap, sizeof(*nv))) == NULL) {
			c->nomem = 1;
			return 1;
		}
		c->v = nv;
		c->cap = cap;
	}
	memset(&c->v[c->n], 0, sizeof(c->v[c->n]));
	snprintf(c->v[c->n].serial, sizeof(c->v[c->n].serial), "%s",
	    rev->serial);
	c->v[c->n].revoked_at = rev->revoked_at;
	c->v[c->n].reason = rev->reason_code;
	c->n++;
	return 0;
}

int
pkit_ca_crl_entries(struct pkit_ctx *ctx, struct pkit_db *db, time_t now,
    struct pkit_ca_crl_entry **out, size_t *n)
{
	struct collect c = { NULL, 0, 0, 0 };
	int r;

	*out = NULL;
	*n = 0;
	if ((r = pkit_db_revoked_list(ctx, db, now, collect_cb, &c)) != 0 ||
	    c.nomem) {
		free(c.v);
		return c.nomem ? pkit_seterr_nomem(ctx) : r;
	}
	if (c.n > 0)
		qsort(c.v, c.n, sizeof(*c.v), entry_cmp);
	*out = c.v;
	*n = c.n;
	return PKIT_OK;
}

/* ---- building and reading CRLs ------------------------------------------ */

static int
add_entry(X509_CRL *crl, const struct pkit_ca_crl_entry *e)
{
	X509_REVOKED *rev = NULL;
	ASN1_INTEGER *serial = NULL;
	ASN1_ENUMERATED *reason = NULL;
	ASN1_TIME *t = NULL;
	BIGNUM *bn = NULL;
	int ok = 0;

	if ((rev = X509_REVOKED_new()) == NULL ||
	    !BN_hex2bn(&bn, e->serial) ||
	    (serial = BN_to_ASN1_INTEGER(bn, NULL)) == NULL ||
	    !X509_REVOKED_set_serialNumber(rev, serial) ||
	    (t = ASN1_TIME_set(NULL, e->revoked_at)) == NULL ||
	    !X509_REVOKED_set_revocationDate(rev, t))
		goto out;
	/* RFC 5280 5.3.1: no reasonCode rather than unspecified (0). */
	if (e->reason > 0 && ((reason = ASN1_ENUMERATED_new()) == NULL ||
	    !ASN1_ENUMERATED_set(reason, e->reason) ||
	    !X509_REVOKED_add1_ext_i2d(rev, NID_crl_reason, reason, 0, 0)))
		goto out;
	if (!X509_CRL_add0_revoked(crl, rev))
		goto out;
	rev = NULL;
	ok = 1;
out:
	ASN1_ENUMERATED_free(reason);
	ASN1_TIME_free(t);
	ASN1_INTEGER_free(serial);
	BN_free(bn);
	X509_REVOKED_free(rev);
	return ok;
}

/* The issuing distribution point: fullName uri, critical (5.2.5). */
static int
add_idp(X509_CRL *crl, const char *url)
{
	ISSUING_DIST_POINT *idp = NULL;
	GENERAL_NAME *gn = NULL;
	ASN1_IA5STRING *uri = NULL;
	int ok = 0;

	if ((idp = ISSUING_DIST_POINT_new()) == NULL ||
	    (idp->distpoint = DIST_POINT_NAME_new()) == NULL ||
	    (idp->distpoint->name.fullname = GENERAL_NAMES_new()) == NULL ||
	    (gn = GENERAL_NAME_new()) == NULL ||
	    (uri = ASN1_IA5STRING_new()) == NULL ||
	    !ASN1_STRING_set(uri, url, (int)strlen(url)))
		goto out;
	idp->distpoint->type = 0;
	GENERAL_NAME_set0_value(gn, GEN_URI, uri);
	uri = NULL;
	if (!sk_GENERAL_NAME_push(idp->distpoint->name.fullname, gn))
		goto out;
	gn = NULL;
	ok = X509_CRL_add1_ext_i2d(crl, NID_issuing_distribution_point, idp, 1,
	    0) == 1;
out:
	ASN1_IA5STRING_free(uri);
	GENERAL_NAME_free(gn);
	ISSUING_DIST_POINT_free(idp);
	return ok;
}

int
pkit_ca_crl_build(struct pkit_ctx *ctx, const struct pkit_ca_crl_params *p,
    unsigned char **der, size_t *len)
{
	X509_CRL *crl = NULL;
	ASN1_TIME *t = NULL;
	ASN1_INTEGER *num = NULL;
	AUTHORITY_KEYID *akid = NULL;
	EVP_MD_CTX *mctx = NULL;
	const ASN1_OCTET_STRING *ski;
	unsigned char md[EVP_MAX_MD_SIZE], *enc = NULL;
	unsigned int mdlen;
	size_t i;
	int n, r = PKIT_ERR_CRYPTO;

	*der = NULL;
	*len = 0;
	if ((crl = X509_CRL_new_ex(ctx->libctx, ctx->propq)) == NULL ||
	    !X509_CRL_set_version(crl, X509_CRL_VERSION_2) ||
	    !X509_CRL_set_issuer_name(crl, X509_get_subject_name(p->issuer)) ||
	    (t = ASN1_TIME_set(NULL, p->this_update)) == NULL ||
	    !X509_CRL_set1_lastUpdate(crl, t) ||
	    ASN1_TIME_set(t, p->next_update) == NULL ||
	    !X509_CRL_set1_nextUpdate(crl, t))
		goto fail;
	for (i = 0; i < p->n; i++)
		if (!add_entry(crl, &p->entries[i]))
			goto fail;
	if ((num = ASN1_INTEGER_new()) == NULL ||
	    !ASN1_INTEGER_set_int64(num, p->number) ||
	    !X509_CRL_add1_ext_i2d(crl, NID_crl_number, num, 0, 0))
		goto fail;
	if ((akid = AUTHORITY_KEYID_new()) == NULL)
		goto fail;
	if ((ski = X509_get0_subject_key_id(p->issuer)) != NULL) {
		if ((akid->keyid = ASN1_OCTET_STRING_dup(ski)) == NULL)
			goto fail;
	} else if (!X509_pubkey_digest(p->issuer, EVP_sha1(), md, &mdlen) ||
	    (akid->keyid = ASN1_OCTET_STRING_new()) == NULL ||
	    !ASN1_OCTET_STRING_set(akid->keyid, md, (int)mdlen))
		goto fail;
	if (
	    !X509_CRL_add1_ext_i2d(crl, NID_authority_key_identifier, akid, 0, 0))
		goto fail;
	if (p->idp_url != NULL && !add_idp(crl, p->idp_url))
		goto fail;
	if (!X509_CRL_sort(crl) || (mctx = EVP_MD_CTX_new()) == NULL)
		goto fail;
	if (p->sign != NULL) {
		if (!EVP_MD_CTX_copy_ex(mctx, p->sign))
			goto fail;
	} else if (EVP_DigestSignInit_ex(mctx, NULL,
	    EVP_PKEY_get_base_id(p->key) == EVP_PKEY_ED25519 ? NULL : "SHA256",
	    ctx->libctx, ctx->propq, p->key, NULL) != 1)
		goto fail;
	if (X509_CRL_sign_ctx(crl, mctx) <= 0 ||
	    (n = i2d_X509_CRL(crl, &enc)) <= 0)
		goto fail;
	*der = enc;
	*len = (size_t)n;
	r = PKIT_OK;
	goto out;
fail:
	r = pkit_seterr_ssl(ctx, r, "building the CRL");
out:
	EVP_MD_CTX_free(mctx);
	AUTHORITY_KEYID_free(akid);
	ASN1_INTEGER_free(num);
	ASN1_TIME_free(t);
	X509_CRL_free(crl);
	return r;
}

/* What a CRL from the database says: 0 when it is ours (issuer and
 * signature) and well formed; its number is read even when it is not
 * ours (another intermediate, before a rotation): numbers go on from it. */
struct crl_info {
	long long number;
	time_t next_update;
	struct pkit_ca_crl_entry *entries;
	size_t n;
};

static int
asn1_time_t(const ASN1_TIME *a, time_t *out)
{
	struct tm tm;

	if (a == NULL || !ASN1_TIME_to_tm(a, &tm))
		return -1;
	*out = (time_t)pkit_timegm(tm.tm_year + 1900, tm.tm_mon + 1,
	    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return 0;
}

static int
crl_read(struct pkit_ctx *ctx, X509 *issuer, const unsigned char *der,
    size_t len, struct crl_info *out)
{
	const unsigned char *p = der;
	X509_CRL *crl = NULL;
	STACK_OF(X509_REVOKED) *revs;
	ASN1_INTEGER *num = NULL;
	ASN1_ENUMERATED *reason;
	BIGNUM *bn = NULL;
	char *hex;
	int64_t v;
	long long number = 0;
	int i, bad, r = -1;

	memset(out, 0, sizeof(*out));
	if ((crl = d2i_X509_CRL(NULL, &p, (long)len)) == NULL ||
	    p != der + len ||
	    (num = X509_CRL_get_ext_d2i(crl, NID_crl_number, NULL,
	    NULL)) == NULL || !ASN1_INTEGER_get_int64(&v, num) || v < 0)
		goto out;
	number = v;
	if (X509_NAME_cmp(X509_CRL_get_issuer(crl),
	    X509_get_subject_name(issuer)) != 0 ||
	    X509_CRL_verify(crl, X509_get0_pubkey(issuer)) != 1 ||
	    asn1_time_t(X509_CRL_get0_nextUpdate(crl), &out->next_update) != 0)
		goto out;
	revs = X509_CRL_get_REVOKED(crl);
	if (sk_X509_REVOKED_num(revs) > 0 && (out->entries = calloc(
	    (size_t)sk_X509_REVOKED_num(revs), sizeof(*out->entries))) == NULL)
		goto out;
	for (i = 0; i < sk_X509_REVOKED_num(revs); i++) {
		X509_REVOKED *rv = sk_X509_REVOKED_value(revs, i);
		struct pkit_ca_crl_entry *e = &out->entries[out->n];

		BN_free(bn);
		if ((bn = ASN1_INTEGER_to_BN(X509_REVOKED_get0_serialNumber(rv),
		    NULL)) == NULL || (hex = BN_bn2hex(bn)) == NULL)
			goto out;
		bad = pkit_db_serial_norm(ctx, hex, e->serial) != 0;
		OPENSSL_free(hex);
		if (bad || asn1_time_t(X509_REVOKED_get0_revocationDate(rv),
		    &e->revoked_at) != 0)
			goto out;
		if ((reason = X509_REVOKED_get_ext_d2i(rv, NID_crl_reason, NULL,
		    NULL)) != NULL) {
			e->reason = (int)ASN1_ENUMERATED_get(reason);
			ASN1_ENUMERATED_free(reason);
		}
		out->n++;
	}
	if (out->n > 0)
		qsort(out->entries, out->n, sizeof(*out->entries), entry_cmp);
	r = 0;
out:
	if (r != 0) {
		free(out->entries);
		memset(out, 0, sizeof(*out));
		pkit_clearerr(ctx);
		ERR_clear_error();
	}
	out->number = number;
	BN_free(bn);
	ASN1_INTEGER_free(num);
	X509_CRL_free(crl);
	return r;
}

static int
same_entries(const struct pkit_ca_crl_entry *a, size_t na,
    const struct pkit_ca_crl_entry *b, size_t nb)
{
	size_t i;

	if (na != nb)
		return 0;
	for (i = 0; i < na; i++)
		if (strcmp(a[i].serial, b[i].serial) != 0 ||
		    a[i].revoked_at != b[i].revoked_at ||
		    a[i].reason != b[i].reason)
			return 0;
	return 1;
}

/* ---- the server's state ------------------------------------------------- */

struct slot {
	struct event_base *base;
	struct pkit_db *db;
};

struct rev_state {
	struct pkit_ca_auth *auth;
	const struct pkit_ca_config *cfg;
	X509 *issuer;
	char *idp_url;
	time_t renew;			/* seconds before nextUpdate */
	unsigned char *issuer_der;	/* GET /intermediate.crt */
	size_t issuer_der_len;
	struct pkit_ca_ocsp *ocsp;	/* NULL: OCSP disabled */
	X509 *ocsp_cert;
	EVP_PKEY *ocsp_key;

	pthread_mutex_t mu;		/* guards what follows */
	unsigned char *der;		/* the CRL served, or NULL */
	size_t der_len;
	char *pem;
	size_t pem_len;
	time_t checked;			/* when it was last compared */
	time_t next_update;
	int stale;			/* a revocation was recorded here */
	struct pkit_ca_crl_entry *revs;	/* every revocation, sorted */
	size_t nrevs;
	time_t revs_loaded;
	struct slot slots[MAX_SLOTS];
	size_t nslots;

	pthread_mutex_t build_mu;	/* one refresh at a time; guards: */
	struct pkit_db *db;
	long long number;		/* the highest CRL number seen */
};

static void
state_free(void *arg)
{
	struct rev_state *st = arg;
	size_t i;

	if (st == NULL)
		return;
	for (i = 0; i < st->nslots; i++)
		pkit_db_close(st->slots[i].db);
	pkit_db_close(st->db);
	pkit_ca_ocsp_free(st->ocsp);
	X509_free(st->ocsp_cert);
	EVP_PKEY_free(st->ocsp_key);
	free(st->der);
	free(st->pem);
	free(st->revs);
	free(st->issuer_der);
	free(st->idp_url);
	pkit_ca_auth_free(st->auth);
	pthread_mutex_destroy(&st->mu);
	pthread_mutex_destroy(&st->build_mu);
	free(st);
}

/* The delegated OCSP signer of ca.json, checked against the issuer. */
static int
load_ocsp_signer(struct pkit_ctx *ctx, struct rev_state *st)
{
	const struct pkit_ca_config *cfg = st->cfg;
	unsigned char *data = NULL;
	size_t len = 0;
	char *cpath = NULL, *kpath = NULL;
	int r;

	if ((r = pkit_ca_config_path(ctx, cfg, cfg->ocsp.cert, &cpath)) != 0 ||
	    (r = pkit_ca_config_path(ctx, cfg, cfg->ocsp.key, &kpath)) != 0 ||
	    (r = pkit_x509_load_cert(ctx, cpath, &st->ocsp_cert)) != 0 ||
	    (r = pkit_file_read(ctx, kpath, 1024 * 1024, &data, &len)) != 0 ||
	    (r = pkit_key_parse_private(ctx, data, len, cfg->password, kpath,
	    &st->ocsp_key)) != 0 ||
	    (r = pkit_ca_ocsp_check_signer(ctx, st->issuer, st->ocsp_cert,
	    st->ocsp_key, cpath)) != 0)
		goto out;
	r = PKIT_OK;
out:
	if (r != 0) {
		char why[sizeof(ctx->errbuf)];

		snprintf(why, sizeof(why), "%s", ctx->errbuf);
		pkit_seterr(ctx, r, "%s: ocsp: %s", cfg->name, why);
	}
	pkit_secret_free(data, len);
	free(cpath);
	free(kpath);
	return r;
}

/* The state of pki's CRL (not yet its OCSP responder). */
static int
state_new(struct pkit_ctx *ctx, struct pkit_ca_authority *a,
    const struct pkit_ca_pki *pki, struct rev_state **out)
{
	struct rev_state *st;
	struct pkit_ca_rev_urls u;
	unsigned char *enc = NULL;
	int64_t cache, renew;
	int n, r;

	*out = NULL;
	if ((st = calloc(1, sizeof(*st))) == NULL)
		return pkit_seterr_nomem(ctx);
	if (pthread_mutex_init(&st->mu, NULL) != 0) {
		free(st);
		return pkit_seterr(ctx, PKIT_ERR_SYSTEM, "mutex");
	}
	if (pthread_mutex_init(&st->build_mu, NULL) != 0) {
		pthread_mutex_destroy(&st->mu);
		free(st);
		return pkit_seterr(ctx, PKIT_ERR_SYSTEM, "mutex");
	}
	st->cfg = pki->cfg;
	if ((r = pkit_ca_auth_load(ctx, a, pki, &st->auth)) != 0)
		goto fail;
	st->issuer = st->auth->issuer;
	if ((n = i2d_X509(st->issuer, &enc)) <= 0) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "intermediate");
		goto fail;
	}
	st->issuer_der = enc;
	st->issuer_der_len = (size_t)n;
	if ((r = pkit_ca_rev_urls(ctx, st->cfg, &u)) != 0)
		goto fail;
	st->idp_url = u.crl;
	u.crl = NULL;
	pkit_ca_rev_urls_release(&u);
	/* step-ca makes it again every renewPeriod, 2/3 of cacheDuration
	 * when unset */
	cache = st->cfg->crl.cache_duration;
	renew = st->cfg->crl.renew_period;
	st->renew = (time_t)((renew > 0 && renew < cache ? cache - renew :
	    cache / 3) / SEC_NS);
	*out = st;
	return PKIT_OK;
fail:
	state_free(st);
	return r;
}

static int
state_load(struct pkit_ctx *ctx, void *arg, const struct pkit_ca_pki *pki,
    void **out)
{
	struct rev_state *st;
	int r;

	*out = NULL;
	if ((r = state_new(ctx, arg, pki, &st)) != 0)
		return r;
	if (st->cfg->ocsp.enabled) {
		if (st->cfg->ocsp.cert != NULL &&
		    (r = load_ocsp_signer(ctx, st)) != 0)
			goto fail;
		if ((r = pkit_ca_ocsp_new(ctx, st->issuer, st->ocsp_cert,
		    st->ocsp_cert != NULL ? st->ocsp_key : st->auth->key,
		    st->cfg->ocsp.cache_duration / SEC_NS, &st->ocsp)) != 0)
			goto fail;
	}
	*out = st;
	return PKIT_OK;
fail:
	state_free(st);
	return r;
}

static const struct pkit_ca_ext rev_ext = {
	"revocation", state_load, state_free
};

static struct rev_state *
state(const struct pkit_ca_req *req, const struct pkit_ca_authority *a)
{
	return pkit_ca_req_ext(req, a->rev_id - 1);
}

/* The build handle (under build_mu); NULL without a database. */
static int
build_db(struct pkit_ctx *ctx, struct rev_state *st, struct pkit_db **out)
{
	const char *type, *dsn;
	int r;

	*out = NULL;
	pkit_ca_auth_db(st->auth, &type, &dsn);
	if (type == NULL)
		return PKIT_OK;
	if (st->db == NULL && (r = pkit_db_open(ctx, type, dsn, &st->db)) != 0)
		return r;
	*out = st->db;
	return PKIT_OK;
}

/* Load every revocation into st->revs (under build_mu). */
static int
revs_load(struct pkit_ctx *ctx, struct rev_state *st,
    struct pkit_ca_crl_entry **all, size_t *nall)
{
	struct pkit_ca_crl_entry *v = NULL;
	struct pkit_db *db;
	size_t n = 0;
	int r;

	if ((r = build_db(ctx, st, &db)) != 0)
		return r;
	if (db != NULL && (r = pkit_ca_crl_entries(ctx, db, 0, &v, &n)) != 0)
		return r;
	pthread_mutex_lock(&st->mu);
	free(st->revs);
	st->revs = v;
	st->nrevs = n;
	st->revs_loaded = pkit_now(ctx);
	pthread_mutex_unlock(&st->mu);
	if (all != NULL) {
		/* a copy for the CRL */
		*all = NULL;
		*nall = 0;
		if (n > 0) {
			if ((*all = calloc(n, sizeof(**all))) == NULL)
				return pkit_seterr_nomem(ctx);
			pthread_mutex_lock(&st->mu);
			memcpy(*all, st->revs, n * sizeof(**all));
			pthread_mutex_unlock(&st->mu);
			*nall = n;
		}
	}
	return PKIT_OK;
}

/* Serve der from now on (under build_mu). */
static int
crl_adopt(struct pkit_ctx *ctx, struct rev_state *st, unsigned char *der,
    size_t len, long long number, time_t next_update, time_t now)
{
	const unsigned char *p = der;
	X509_CRL *crl;
	BIO *bio = NULL;
	BUF_MEM *bm;
	char *pem = NULL;
	size_t pem_len = 0;

	if ((crl = d2i_X509_CRL(NULL, &p, (long)len)) == NULL ||
	    (bio = BIO_new(BIO_s_mem())) == NULL ||
	    !PEM_write_bio_X509_CRL(bio, crl) ||
	    BIO_get_mem_ptr(bio, &bm) <= 0 || bm->length == 0 ||
	    (pem = malloc(bm->length)) == NULL) {
		BIO_free(bio);
		X509_CRL_free(crl);
		free(der);
		return pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "CRL");
	}
	memcpy(pem, bm->data, bm->length);
	pem_len = bm->length;
	BIO_free(bio);
	X509_CRL_free(crl);
	if (number > st->number)
		st->number = number;
	pthread_mutex_lock(&st->mu);
	free(st->der);
	free(st->pem);
	st->der = der;
	st->der_len = len;
	st->pem = pem;
	st->pem_len = pem_len;
	st->checked = now;
	st->next_update = next_update;
	st->stale = 0;
	pthread_mutex_unlock(&st->mu);
	return PKIT_OK;
}

/* The entries of a CRL made at now: step-ca drops those of certificates
 * expired for more than an hour. */
static int
crl_current(struct pkit_ctx *ctx, struct pkit_db *db, time_t now,
    struct pkit_ca_crl_entry **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (db == NULL)
		return PKIT_OK;
	return pkit_ca_crl_entries(ctx, db, now - 3600, out, n);
}

/* Bring the CRL up to date (under build_mu): the database's CRL when it
 * has the database's revocations and is fresh, else a new one. */
static int
crl_refresh(struct pkit_ctx *ctx, struct rev_state *st)
{
	const struct pkit_ca_config *cfg = st->cfg;
	struct pkit_ca_crl_params p;
	struct pkit_ca_crl_entry *v = NULL;
	struct crl_info cur;
	struct pkit_db *db;
	unsigned char *kv = NULL, *der = NULL;
	size_t n = 0, kvlen = 0, len = 0;
	time_t now = pkit_now(ctx);
	long long number;
	char key[32];
	int attempt, r;

	memset(&p, 0, sizeof(p));
	if ((r = build_db(ctx, st, &db)) != 0)
		return r;
	if (db == NULL) {
		/* nothing is ever revoked: keep the CRL until its renewal */
		pthread_mutex_lock(&st->mu);
		if (st->der != NULL && now >= st->checked &&
		    now < st->next_update - st->renew) {
			st->checked = now;
			st->stale = 0;
			pthread_mutex_unlock(&st->mu);
			return PKIT_OK;
		}
		pthread_mutex_unlock(&st->mu);
	}
	if ((r = revs_load(ctx, st, NULL, NULL)) != 0 ||
	    (r = crl_current(ctx, db, now, &v, &n)) != 0)
		return r;
	for (attempt = 0; attempt < MAX_CLAIMS; attempt++) {
		number = st->number;
		if (db != NULL) {
			free(kv);
			kv = NULL;
			r = pkit_db_kv_get(ctx, db, KV_BUCKET, KV_CURRENT, &kv,
			    &kvlen);
			if (r != 0 && r != PKIT_ERR_NOT_FOUND)
				goto out;
			if (r == 0) {
				int fresh = crl_read(ctx, st->issuer, kv, kvlen,
				    &cur) == 0 && same_entries(v, n,
				    cur.entries, cur.n) &&
				    now < cur.next_update - st->renew;

				free(cur.entries);
				if (cur.number > number)
					number = cur.number;
				if (fresh) {
					r = crl_adopt(ctx, st, kv, kvlen,
					    cur.number, cur.next_update, now);
					kv = NULL;
					goto out;
				}
			}
		}
		memset(&p, 0, sizeof(p));
		p.issuer = st->issuer;
		p.sign = st->auth->sign_proto;
		p.number = number + 1;
		p.this_update = now;
		p.next_update = now + (time_t)(cfg->crl.cache_duration / SEC_NS);
		p.idp_url = st->idp_url;
		p.entries = v;
		p.n = n;
		free(der);
		der = NULL;
		if ((r = pkit_ca_crl_build(ctx, &p, &der, &len)) != 0)
			goto out;
		if (db != NULL) {
			snprintf(key, sizeof(key), "%lld", p.number);
			r = pkit_db_kv_put(ctx, db, KV_NUMBERS, key, "", 0,
			    PKIT_DB_KV_CREATE);
			if (r == PKIT_ERR_EXISTS) {
				/* another node claimed this number: read its
				 * CRL once it is written */
				struct timespec ts = { 0, 20000000L };

				ts.tv_nsec *= attempt + 1;
				nanosleep(&ts, NULL);
				continue;
			}
			if (r != 0 || (r = pkit_db_kv_put(ctx, db, KV_BUCKET,
			    KV_CURRENT, der, len, 0)) != 0)
				goto out;
		}
		r = crl_adopt(ctx, st, der, len, p.number, p.next_update, now);
		der = NULL;
		goto out;
	}
	/* The claimant never wrote its CRL (it died?): go past its number
	 * next time. */
	st->number = p.number;
	r = pkit_seterr(ctx, PKIT_ERR_EXISTS, "CRL number %lld: claimed by "
	    "another node, whose CRL is not there", p.number);
out:
	free(kv);
	free(der);
	free(v);
	return r;
}

/* ---- handlers ----------------------------------------------------------- */

/* step-ca answers PEM when the query has "pem"; pkit also lets a false
 * value of strconv.ParseBool ask for DER. */
static int
want_pem(const char *s)
{
	static const char *const f[] = { "0", "f", "F", "FALSE", "false",
	    "False" };
	size_t i;

	if (s == NULL)
		return 0;
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (strcmp(s, f[i]) == 0)
			return 0;
	return 1;
}

/* An HTTP date (RFC 9110 IMF-fixdate). */
static void
http_date(time_t t, char *buf, size_t size)
{
	static const char *const day[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
	    "Fri", "Sat" };
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL) {
		snprintf(buf, size, "Thu, 01 Jan 1970 00:00:00 GMT");
		return;
	}
	snprintf(buf, size, "%s, %02d %s %04d %02d:%02d:%02d GMT",
	    day[tm.tm_wday % 7], tm.tm_mday, mon[tm.tm_mon % 12],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* GET /crl[?pem=true] */
static int
h_crl(struct pkit_ca_req *req, void *arg)
{
	struct rev_state *st = state(req, arg);
	struct pkit_ctx *ctx = pkit_ca_req_ctx(req);
	time_t now = pkit_now(ctx);
	int pem = want_pem(pkit_ca_req_query(req, "pem"));
	int need, have, locked;
	void *body = NULL;
	size_t len = 0;
	time_t next = 0;
	char expires[64], date[40];
	const char *hdrs[3] = { NULL, NULL, NULL };

	if (!st->cfg->crl.enabled) {
		pkit_ca_reply_error(req, 404, NULL);
		return PKIT_CA_DONE;
	}
	pthread_mutex_lock(&st->mu);
	have = st->der != NULL;
	need = !have || st->stale || now - st->checked >= PKIT_CA_CRL_CHECK ||
	    now < st->checked || now >= st->next_update - st->renew;
	pthread_mutex_unlock(&st->mu);
	if (need) {
		/* One thread refreshes; with a CRL to serve, the others do not
		 * wait for it. */
		locked = have ? pthread_mutex_trylock(&st->build_mu) == 0 :
		    pthread_mutex_lock(&st->build_mu) == 0;
		if (locked) {
			if (crl_refresh(ctx, st) != 0)
				pkit_ca_req_log(req, "error", "CRL: %s",
				    ctx->errbuf);
			pthread_mutex_unlock(&st->build_mu);
		}
	}
	pthread_mutex_lock(&st->mu);
	if (st->der != NULL) {
		len = pem ? st->pem_len : st->der_len;
		if ((body = malloc(len)) != NULL)
			memcpy(body, pem ? (void *)st->pem : (void *)st->der,
			    len);
		next = st->next_update;
	}
	pthread_mutex_unlock(&st->mu);
	if (body == NULL) {
		pkit_ca_reply_error(req, 500, NULL);
		return PKIT_CA_DONE;
	}
	/* step-ca's headers */
	http_date(next, date, sizeof(date));
	snprintf(expires, sizeof(expires), "Expires: %s", date);
	hdrs[0] = expires;
	if (!pem)
		hdrs[1] = "Content-Disposition: attachment; filename=\"crl.crl\"";
	pkit_ca_reply_headers(req, 200, pem ? "application/x-pem-file" :
	    "application/pkix-crl", hdrs, body, len);
	free(body);
	return PKIT_CA_DONE;
}

/* GET /intermediate.crt: the issuer, DER (the leaves' caIssuers). */
static int
h_issuer(struct pkit_ca_req *req, void *arg)
{
	struct rev_state *st = state(req, arg);

	if (!st->cfg->ocsp.enabled) {
		pkit_ca_reply_error(req, 404, NULL);
		return PKIT_CA_DONE;
	}
	pkit_ca_reply(req, 200, "application/pkix-cert", st->issuer_der,
	    st->issuer_der_len);
	return PKIT_CA_DONE;
}

/* This thread's database handle for OCSP lookups. */
static struct pkit_db *
slot_db(struct pkit_ctx *ctx, struct rev_state *st, struct event_base *base,
    int *err)
{
	const char *type, *dsn;
	struct pkit_db *db = NULL;
	size_t i;

	*err = 0;
	pkit_ca_auth_db(st->auth, &type, &dsn);
	if (type == NULL)
		return NULL;
	pthread_mutex_lock(&st->mu);
	for (i = 0; i < st->nslots; i++)
		if (st->slots[i].base == base) {
			db = st->slots[i].db;
			pthread_mutex_unlock(&st->mu);
			return db;
		}
	pthread_mutex_unlock(&st->mu);
	if (pkit_db_open(ctx, type, dsn, &db) != 0) {
		*err = 1;
		return NULL;
	}
	pthread_mutex_lock(&st->mu);
	if (st->nslots == MAX_SLOTS) {
		pthread_mutex_unlock(&st->mu);
		pkit_db_close(db);
		*err = 1;
		pkit_seterr(ctx, PKIT_ERR_INTERNAL, "too many event loops");
		return NULL;
	}
	st->slots[st->nslots].base = base;
	st->slots[st->nslots].db = db;
	st->nslots++;
	pthread_mutex_unlock(&st->mu);
	return db;
}

struct lookup {
	struct rev_state *st;
	struct pkit_db *db;
};

static int
lookup(void *arg, struct pkit_ctx *ctx, const char *serial, int *status,
    time_t *revoked_at, int *reason)
{
	struct lookup *l = arg;
	struct rev_state *st = l->st;
	const struct pkit_ca_crl_entry *e;
	struct pkit_db_cert *cert = NULL;
	int revoked, found = 0, r, pass;

	*status = V_OCSP_CERTSTATUS_UNKNOWN;
	if (l->db == NULL)
		return 0;
	if ((r = pkit_db_is_revoked(ctx, l->db, serial, &revoked)) != 0)
		return r;
	if (revoked) {
		/* the details: from the loaded revocations, loaded again
		 * once when this one is not there yet */
		for (pass = 0; pass < 2 && !found; pass++) {
			if (pass == 1) {
				pthread_mutex_lock(&st->build_mu);
				r = revs_load(ctx, st, NULL, NULL);
				pthread_mutex_unlock(&st->build_mu);
				if (r != 0)
					return r;
			}
			pthread_mutex_lock(&st->mu);
			if ((e = pkit_ca_crl_find(st->revs, st->nrevs,
			    serial)) != NULL) {
				*revoked_at = e->revoked_at;
				*reason = e->reason > 0 ? e->reason : -1;
				found = 1;
			}
			pthread_mutex_unlock(&st->mu);
		}
		if (!found) {
			*revoked_at = pkit_now(ctx);
			*reason = -1;
		}
		*status = V_OCSP_CERTSTATUS_REVOKED;
		return 0;
	}
	r = pkit_db_cert_get(ctx, l->db, serial, &cert);
	pkit_db_cert_free(cert);
	if (r == PKIT_ERR_NOT_FOUND)
		return 0;
	if (r != 0)
		return r;
	*status = V_OCSP_CERTSTATUS_GOOD;
	return 0;
}

/* Answer an OCSP request; a GET may be cached (RFC 5019 6.2) for as long
 * as the answers are valid. */
static void
ocsp_answer(struct pkit_ca_req *req, struct rev_state *st,
    const unsigned char *der, size_t len, int get)
{
	struct pkit_ctx *ctx = pkit_ca_req_ctx(req);
	struct lookup l;
	unsigned char *out = NULL;
	size_t outlen = 0;
	char cache[80];
	const char *hdrs[2] = { NULL, NULL };
	int err;

	l.st = st;
	l.db = slot_db(ctx, st, pkit_ca_req_base(req), &err);
	if (err) {
		pkit_ca_req_log(req, "error", "%s", ctx->errbuf);
		pkit_ca_reply_error(req, 500, NULL);
		return;
	}
	pkit_clearerr(ctx);
	if (pkit_ca_ocsp_respond(ctx, st->ocsp, der, len, lookup, &l, &out,
	    &outlen) != 0) {
		pkit_ca_req_log(req, "error", "%s", ctx->errbuf);
		pkit_ca_reply_error(req, 500, NULL);
		return;
	}
	if (ctx->errbuf[0] != '\0')
		pkit_ca_req_log(req, "error", "%s", ctx->errbuf);
	else if (get) {
		snprintf(cache, sizeof(cache), "Cache-Control: max-age=%lld, "
		    "public, no-transform, must-revalidate",
		    (long long)(st->cfg->ocsp.cache_duration / SEC_NS));
		hdrs[0] = cache;
	}
	pkit_ca_reply_headers(req, 200, "application/ocsp-response", hdrs, out,
	    outlen);
	OPENSSL_free(out);
}

/* POST /ocsp, the request DER in the body. */
static int
h_ocsp_post(struct pkit_ca_req *req, void *arg)
{
	struct rev_state *st = state(req, arg);
	const unsigned char *body;
	size_t len;

	if (st->ocsp == NULL) {
		pkit_ca_reply_error(req, 404, NULL);
		return PKIT_CA_DONE;
	}
	body = pkit_ca_req_body(req, &len);
	ocsp_answer(req, st, body, len, 0);
	return PKIT_CA_DONE;
}

/* GET /ocsp/{base64 of the request DER} (RFC 6960 A.1; the server has
 * decoded the URL encoding, so '/' may be part of it). */
static int
h_ocsp_get(struct pkit_ca_req *req, void *arg)
{
	struct rev_state *st = state(req, arg);
	struct pkit_ctx *ctx = pkit_ca_req_ctx(req);
	const char *path = pkit_ca_req_path(req), *b64;
	unsigned char *der = NULL;
	size_t len = 0;

	if (st->ocsp == NULL) {
		pkit_ca_reply_error(req, 404, NULL);
		return PKIT_CA_DONE;
	}
	b64 = strncmp(path, "/ocsp/", 6) == 0 ? path + 6 : "";
	if (pkit_b64_decode(ctx, PKIT_B64_STD, b64, strlen(b64), &der,
	    &len) != 0 && pkit_b64_decode(ctx, PKIT_B64_STD_RAW, b64,
	    strlen(b64), &der, &len) != 0) {
		/* answered as an OCSP request that does not parse */
		der = NULL;
		len = 0;
	}
	ocsp_answer(req, st, der != NULL ? der : (const unsigned char *)"",
	    len, 1);
	free(der);
	return PKIT_CA_DONE;
}

int
pkit_ca_api_revocation(struct pkit_ctx *ctx, struct pkit_ca_server *srv,
    struct pkit_ca_authority *a)
{
	static const struct {
		const char *method, *pattern;
		pkit_ca_handler fn;
	} routes[] = {
		{ "GET", "/crl", h_crl },
		{ "GET", "/intermediate.crt", h_issuer },
		{ "POST", "/ocsp", h_ocsp_post },
		{ "GET", "/ocsp/*", h_ocsp_get },
	};
	size_t i;
	int id, r;

	if ((r = pkit_ca_server_extend(srv, &rev_ext, a, &id)) != 0)
		return pkit_seterr(ctx, r, "registering the revocation routes");
	a->rev_id = id + 1;
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if ((r = pkit_ca_server_route(srv, routes[i].method,
		    routes[i].pattern, 0, routes[i].fn, a)) != 0)
			return pkit_seterr(ctx, r, "registering %s",
			    routes[i].pattern);
	return PKIT_OK;
}

void
pkit_ca_revocation_notify(struct pkit_ca_req *req, struct pkit_ca_authority *a)
{
	struct rev_state *st;
	struct pkit_ctx *ctx = pkit_ca_req_ctx(req);

	if (a->rev_id == 0 || (st = state(req, a)) == NULL)
		return;
	pthread_mutex_lock(&st->mu);
	st->stale = 1;
	pthread_mutex_unlock(&st->mu);
	if (!st->cfg->crl.enabled || !st->cfg->crl.generate_on_revoke)
		return;
	pthread_mutex_lock(&st->build_mu);
	if (crl_refresh(ctx, st) != 0)
		pkit_ca_req_log(req, "crl-error", "%s", ctx->errbuf);
	pthread_mutex_unlock(&st->build_mu);
}

int
pkit_ca_crl_update(struct pkit_ctx *ctx, struct pkit_ca_authority *a,
    const struct pkit_ca_pki *pki, unsigned char **der, size_t *len)
{
	struct rev_state *st = NULL;
	unsigned char *d;
	int r;

	if (der != NULL) {
		*der = NULL;
		*len = 0;
	}
	if (!pki->cfg->crl.enabled)
		return pkit_seterr(ctx, PKIT_ERR_ARG, "%s: the CRL is not "
		    "enabled (ca.json's \"crl\" block)", pki->cfg->name);
	if ((r = state_new(ctx, a, pki, &st)) != 0)
		return r;
	if ((r = crl_refresh(ctx, st)) != 0)
		goto out;
	if (der != NULL) {
		if ((d = malloc(st->der_len)) == NULL) {
			r = pkit_seterr_nomem(ctx);
			goto out;
		}
		memcpy(d, st->der, st->der_len);
		*der = d;
		*len = st->der_len;
	}
	r = PKIT_OK;
out:
	state_free(st);
	return r;
}

/* revcheck.c - CRLs and OCSP on the client side (revcheck.h). */
#include "config.h"

#include <sys/stat.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/x509v3.h>

#include "crl_info.h"
#include "fs.h"
#include "http.h"
#include "revcheck.h"
#include "timeutil.h"
#include "x509.h"
#include "x509_info.h"

/* Largest CRL or OCSP response fetched. */
#define MAX_FETCH (16u * 1024 * 1024)

static char *
uri_of(const GENERAL_NAME *gn)
{
	const ASN1_IA5STRING *s;

	if (gn == NULL || gn->type != GEN_URI)
		return NULL;
	s = gn->d.uniformResourceIdentifier;
	return strndup((const char *)ASN1_STRING_get0_data(s),
	    (size_t)ASN1_STRING_length(s));
}

int
pkit_rev_crl_url(struct pkit_ctx *ctx, X509 *crt, char **out)
{
	CRL_DIST_POINTS *dps;
	char *url = NULL;
	int i, j;

	*out = NULL;
	dps = X509_get_ext_d2i(crt, NID_crl_distribution_points, NULL, NULL);
	for (i = 0; url == NULL && i < sk_DIST_POINT_num(dps); i++) {
		DIST_POINT *dp = sk_DIST_POINT_value(dps, i);

		if (dp->distpoint == NULL || dp->distpoint->type != 0)
			continue;
		for (j = 0; url == NULL &&
		    j < sk_GENERAL_NAME_num(dp->distpoint->name.fullname); j++)
			url = uri_of(sk_GENERAL_NAME_value(
			    dp->distpoint->name.fullname, j));
	}
	CRL_DIST_POINTS_free(dps);
	if (url == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOT_FOUND, "the certificate "
		    "names no CRL distribution point");
	*out = url;
	return PKIT_OK;
}

int
pkit_rev_ocsp_url(struct pkit_ctx *ctx, X509 *crt, char **out)
{
	AUTHORITY_INFO_ACCESS *aia;
	char *url = NULL;
	int i;

	*out = NULL;
	aia = X509_get_ext_d2i(crt, NID_info_access, NULL, NULL);
	for (i = 0; url == NULL && i < sk_ACCESS_DESCRIPTION_num(aia); i++) {
		ACCESS_DESCRIPTION *ad = sk_ACCESS_DESCRIPTION_value(aia, i);

		if (OBJ_obj2nid(ad->method) == NID_ad_OCSP)
			url = uri_of(ad->location);
	}
	AUTHORITY_INFO_ACCESS_free(aia);
	if (url == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOT_FOUND, "the certificate "
		    "names no OCSP responder");
	*out = url;
	return PKIT_OK;
}

static int
is_url(const char *s)
{
	return strncmp(s, "https://", 8) == 0 || strncmp(s, "http://", 7) == 0;
}

/* A client for url, trusting roots (a PEM file) or the system store. */
static int
http_client(struct pkit_ctx *ctx, const char *url, const char *roots,
    struct pkit_http **out)
{
	struct pkit_http *h = NULL;
	STACK_OF(X509) *sk = NULL;
	struct stat sb;
	int i, r;

	*out = NULL;
	if (strncmp(url, "https://", 8) != 0)
		return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED, "%s: only https:// "
		    "URLs are fetched", url);
	if ((r = pkit_http_new(ctx, &h)) != 0)
		return r;
	if (roots != NULL && stat(roots, &sb) == 0 && S_ISREG(sb.st_mode)) {
		if ((r = pkit_x509_load_certs(ctx, roots, &sk)) != 0)
			goto fail;
		for (i = 0; i < sk_X509_num(sk); i++)
			if ((r = pkit_http_add_root(ctx, h,
			    sk_X509_value(sk, i))) != 0)
				goto fail;
	}
	pkit_http_set_max_body(h, MAX_FETCH);
	sk_X509_pop_free(sk, X509_free);
	*out = h;
	return PKIT_OK;
fail:
	sk_X509_pop_free(sk, X509_free);
	pkit_http_free(h);
	return r;
}

/* Send req; a 200 response's body into *body. */
static int
fetch(struct pkit_ctx *ctx, const char *roots,
    const struct pkit_http_request *req, unsigned char **body, size_t *len)
{
	struct pkit_http *h = NULL;
	struct pkit_http_response *res = NULL;
	int r;

	*body = NULL;
	*len = 0;
	if ((r = http_client(ctx, req->url, roots, &h)) != 0 ||
	    (r = pkit_http_do(ctx, h, req, &res)) != 0)
		goto out;
	if (res->status != 200) {
		r = pkit_seterr(ctx, res->status == 404 ? PKIT_ERR_NOT_FOUND :
		    PKIT_ERR_NET, "%s: HTTP %ld", req->url, res->status);
		goto out;
	}
	*body = res->body;
	*len = res->len;
	res->body = NULL;
	r = PKIT_OK;
out:
	pkit_http_response_free(res);
	pkit_http_free(h);
	return r;
}

int
pkit_rev_load_crl(struct pkit_ctx *ctx, const char *src, const char *roots,
    X509_CRL **out)
{
	struct pkit_http_request req = { 0 };
	unsigned char *data = NULL;
	size_t len = 0;
	int r;

	*out = NULL;
	if (is_url(src)) {
		req.url = src;
		r = fetch(ctx, roots, &req, &data, &len);
	} else
		r = pkit_file_read(ctx, src, MAX_FETCH, &data, &len);
	if (r == 0)
		r = pkit_crl_parse(ctx, data != NULL ? data :
		    (const unsigned char *)"", len, src, out);
	free(data);
	return r;
}

void
pkit_crl_revoked_detail(STACK_OF(X509_CRL) *crls, X509 *crt, char *reason,
    size_t size)
{
	X509_REVOKED *rv = NULL;
	ASN1_ENUMERATED *e;
	char t[64];
	const char *why = NULL;
	size_t n;
	int i;

	for (i = 0; rv == NULL && i < sk_X509_CRL_num(crls); i++)
		if (X509_CRL_get0_by_cert(sk_X509_CRL_value(crls, i), &rv,
		    crt) != 1)
			rv = NULL;
	if (rv == NULL)
		return;
	if ((e = X509_REVOKED_get_ext_d2i(rv, NID_crl_reason, NULL,
	    NULL)) != NULL) {
		why = pkit_crl_reason_name((int)ASN1_ENUMERATED_get(e));
		ASN1_ENUMERATED_free(e);
	}
	if (pkit_asn1_time_rfc3339(X509_REVOKED_get0_revocationDate(rv), t,
	    sizeof(t)) != 0)
		return;
	n = strlen(reason);
	if (n < size)
		snprintf(reason + n, size - n, " (%s%srevoked at %s)",
		    why != NULL ? why : "", why != NULL ? ", " : "", t);
}

static time_t
gtime(const ASN1_GENERALIZEDTIME *t)
{
	long long v = 0;

	if (t == NULL || pkit_asn1_time_epoch(t, &v) != 0)
		return 0;
	return (time_t)v;
}

int
pkit_rev_ocsp(struct pkit_ctx *ctx, const char *url, const char *roots,
    STACK_OF(X509) *chain, struct pkit_rev_ocsp *out)
{
	struct pkit_http_request hreq = { 0 };
	OCSP_REQUEST *req = NULL;
	OCSP_RESPONSE *resp = NULL;
	OCSP_BASICRESP *bs = NULL;
	OCSP_CERTID *id = NULL, *id2 = NULL;
	X509_STORE *store = NULL;
	X509 *leaf, *issuer;
	ASN1_GENERALIZEDTIME *rev = NULL, *thisupd = NULL, *nextupd = NULL;
	unsigned char *der = NULL, *body = NULL;
	const unsigned char *p;
	size_t len = 0;
	int n, st, r = PKIT_ERR_CRYPTO;

	memset(out, 0, sizeof(*out));
	out->reason = -1;
	if (sk_X509_num(chain) < 2)
		return pkit_seterr(ctx, PKIT_ERR_ARG, "OCSP: no issuer for "
		    "the certificate");
	leaf = sk_X509_value(chain, 0);
	issuer = sk_X509_value(chain, 1);
	if ((req = OCSP_REQUEST_new()) == NULL ||
	    (id = OCSP_cert_to_id(NULL, leaf, issuer)) == NULL ||
	    (id2 = OCSP_CERTID_dup(id)) == NULL ||
	    OCSP_request_add0_id(req, id2) == NULL)
		goto fail;
	id2 = NULL;
	if (!OCSP_request_add1_nonce(req, NULL, -1) ||
	    (n = i2d_OCSP_REQUEST(req, &der)) <= 0)
		goto fail;
	hreq.method = "POST";
	hreq.url = url;
	hreq.body = der;
	hreq.len = (size_t)n;
	hreq.content_type = "application/ocsp-request";
	if ((r = fetch(ctx, roots, &hreq, &body, &len)) != 0)
		goto out;
	p = body;
	if (len > LONG_MAX || (resp = d2i_OCSP_RESPONSE(NULL, &p,
	    (long)len)) == NULL) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_FORMAT, "%s: not an OCSP "
		    "response", url);
		goto out;
	}
	if ((st = OCSP_response_status(resp)) !=
	    OCSP_RESPONSE_STATUS_SUCCESSFUL) {
		r = pkit_seterr(ctx, PKIT_ERR_VERIFY, "%s: the responder "
		    "answers %s", url, OCSP_response_status_str(st));
		goto out;
	}
	r = PKIT_ERR_VERIFY;
	if ((bs = OCSP_response_get1_basic(resp)) == NULL) {
		pkit_seterr_ssl(ctx, r, "%s: no basic response", url);
		goto out;
	}
	/* the signer: the issuer, or one it delegated to, up to the anchor
	 * the path was validated with */
	if ((store = X509_STORE_new()) == NULL ||
	    !X509_STORE_add_cert(store, sk_X509_value(chain,
	    sk_X509_num(chain) - 1))) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "OCSP");
		goto out;
	}
	X509_STORE_set_flags(store, X509_V_FLAG_PARTIAL_CHAIN);
	if (OCSP_basic_verify(bs, chain, store, 0) != 1) {
		pkit_seterr_ssl(ctx, r, "%s: the OCSP response does not "
		    "verify", url);
		goto out;
	}
	if (OCSP_check_nonce(req, bs) != 1) {
		pkit_seterr(ctx, r, "%s: the OCSP response does not echo the "
		    "nonce", url);
		goto out;
	}
	if (!OCSP_resp_find_status(bs, id, &out->status, &out->reason, &rev,
	    &thisupd, &nextupd)) {
		pkit_seterr(ctx, r, "%s: the OCSP response does not answer "
		    "for the certificate", url);
		goto out;
	}
	if (!OCSP_check_validity(thisupd, nextupd, 300, -1)) {
		pkit_seterr_ssl(ctx, r, "%s: the OCSP response is not "
		    "current", url);
		goto out;
	}
	out->revoked_at = gtime(rev);
	out->this_update = gtime(thisupd);
	out->next_update = gtime(nextupd);
	r = PKIT_OK;
	goto out;
fail:
	r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "OCSP request");
out:
	ERR_clear_error();
	X509_STORE_free(store);
	OCSP_BASICRESP_free(bs);
	OCSP_RESPONSE_free(resp);
	OCSP_CERTID_free(id2);
	OCSP_CERTID_free(id);
	OCSP_REQUEST_free(req);
	OPENSSL_free(der);
	free(body);
	return r;
}

int
pkit_rev_ocsp_check(struct pkit_ctx *ctx, const char *name, const char *url,
    const char *roots, STACK_OF(X509) *chain, struct pkit_rev_ocsp *out)
{
	const char *why;
	char t[32];
	int r;

	if ((r = pkit_rev_ocsp(ctx, url, roots, chain, out)) != 0)
		return r;
	switch (out->status) {
	case V_OCSP_CERTSTATUS_GOOD:
		return PKIT_OK;
	case V_OCSP_CERTSTATUS_REVOKED:
		why = pkit_crl_reason_name(out->reason);
		pkit_time_format(out->revoked_at, t, sizeof(t));
		return pkit_seterr(ctx, PKIT_ERR_VERIFY, "%s: certificate "
		    "revoked (%s%srevoked at %s, says %s)", name,
		    why != NULL ? why : "", why != NULL ? ", " : "", t, url);
	default:
		return pkit_seterr(ctx, PKIT_ERR_VERIFY, "%s: certificate "
		    "unknown to the OCSP responder %s", name, url);
	}
}

/* ocsp.c - the OCSP responder (ocsp.h): RFC 6960 with OpenSSL's OCSP API. */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/x509v3.h>

#include "lib/ca/db.h"
#include "lib/ca/ocsp.h"

/* Most single requests answered in one response. */
#define MAX_SINGLE 32

struct pkit_ca_ocsp {
	X509 *issuer;
	X509 *signer;		/* the issuer, or the delegated certificate */
	EVP_PKEY *key;
	int delegated;
	int64_t validity;
};

int
pkit_ca_ocsp_new(struct pkit_ctx *ctx, X509 *issuer, X509 *signer,
    EVP_PKEY *key, int64_t validity, struct pkit_ca_ocsp **out)
{
	struct pkit_ca_ocsp *o;

	*out = NULL;
	if ((o = calloc(1, sizeof(*o))) == NULL)
		return pkit_seterr_nomem(ctx);
	o->delegated = signer != NULL && signer != issuer;
	o->issuer = issuer;
	o->signer = signer != NULL ? signer : issuer;
	o->key = key;
	o->validity = validity > 0 ? validity : 3600;
	X509_up_ref(o->issuer);
	X509_up_ref(o->signer);
	EVP_PKEY_up_ref(o->key);
	*out = o;
	return PKIT_OK;
}

void
pkit_ca_ocsp_free(struct pkit_ca_ocsp *o)
{
	if (o == NULL)
		return;
	X509_free(o->issuer);
	X509_free(o->signer);
	EVP_PKEY_free(o->key);
	free(o);
}

int
pkit_ca_ocsp_check_signer(struct pkit_ctx *ctx, X509 *issuer, X509 *cert,
    EVP_PKEY *key, const char *name)
{
	if (X509_check_issued(issuer, cert) != X509_V_OK ||
	    X509_verify(cert, X509_get0_pubkey(issuer)) != 1)
		return pkit_seterr_ssl(ctx, PKIT_ERR_VERIFY, "%s: not issued by "
		    "the intermediate", name);
	if ((X509_get_extension_flags(cert) & EXFLAG_XKUSAGE) == 0 ||
	    (X509_get_extended_key_usage(cert) & XKU_OCSP_SIGN) == 0)
		return pkit_seterr(ctx, PKIT_ERR_VERIFY, "%s: no OCSPSigning "
		    "extended key usage", name);
	if (X509_check_private_key(cert, key) != 1)
		return pkit_seterr_ssl(ctx, PKIT_ERR_VERIFY, "%s: the key does "
		    "not match the certificate", name);
	return PKIT_OK;
}

/* Serial as the database keys it; PKIT_ERR_FORMAT for a negative one. */
static int
serial_hex(struct pkit_ctx *ctx, const ASN1_INTEGER *ai,
    char out[PKIT_DB_SERIAL_MAX + 1])
{
	BIGNUM *bn;
	char *hex = NULL;
	int r = PKIT_ERR_FORMAT;

	if ((bn = ASN1_INTEGER_to_BN(ai, NULL)) == NULL)
		return pkit_seterr_ssl(ctx, PKIT_ERR_FORMAT, "serial number");
	if (!BN_is_negative(bn) && (hex = BN_bn2hex(bn)) != NULL)
		r = pkit_db_serial_norm(ctx, hex, out);
	else
		pkit_seterr(ctx, r, "serial number");
	OPENSSL_free(hex);
	BN_free(bn);
	return r;
}

/* The response for a request that did not work out. */
static int
status_only(struct pkit_ctx *ctx, int status, unsigned char **out,
    size_t *outlen)
{
	OCSP_RESPONSE *resp;
	unsigned char *p = NULL;
	int n;

	if ((resp = OCSP_response_create(status, NULL)) == NULL ||
	    (n = i2d_OCSP_RESPONSE(resp, &p)) <= 0) {
		OCSP_RESPONSE_free(resp);
		return pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "OCSP response");
	}
	OCSP_RESPONSE_free(resp);
	*out = p;
	*outlen = (size_t)n;
	return PKIT_OK;
}

/* 1 when cid names o's issuer (with cid's hash). */
static int
our_issuer(const struct pkit_ca_ocsp *o, OCSP_CERTID *cid)
{
	ASN1_OBJECT *md_obj = NULL;
	OCSP_CERTID *mine;
	const EVP_MD *md;
	int same;

	if (!OCSP_id_get0_info(NULL, &md_obj, NULL, NULL, cid) ||
	    (md = EVP_get_digestbyobj(md_obj)) == NULL)
		return 0;
	if ((mine = OCSP_cert_to_id(md, NULL, o->issuer)) == NULL)
		return 0;
	same = OCSP_id_issuer_cmp(mine, cid) == 0;
	OCSP_CERTID_free(mine);
	return same;
}

/* The hash of a delegated or issuer signature: SHA-256, or SHA-384/512
 * for the larger curves, none for EdDSA. */
static const char *
sign_md(EVP_PKEY *key)
{
	switch (EVP_PKEY_get_base_id(key)) {
	case EVP_PKEY_ED25519:
	case EVP_PKEY_ED448:
		return NULL;
	case EVP_PKEY_EC:
		if (EVP_PKEY_get_bits(key) > 384)
			return "SHA512";
		if (EVP_PKEY_get_bits(key) > 256)
			return "SHA384";
		return "SHA256";
	default:
		return "SHA256";
	}
}

int
pkit_ca_ocsp_respond(struct pkit_ctx *ctx, const struct pkit_ca_ocsp *o,
    const unsigned char *der, size_t len, pkit_ca_ocsp_lookup lookup,
    void *arg, unsigned char **out, size_t *outlen)
{
	const unsigned char *p = der;
	OCSP_REQUEST *req = NULL;
	OCSP_BASICRESP *bs = NULL;
	OCSP_RESPONSE *resp = NULL;
	EVP_MD_CTX *mctx = NULL;
	ASN1_TIME *now = NULL, *next = NULL, *rtime = NULL;
	char serial[PKIT_DB_SERIAL_MAX + 1];
	unsigned char *enc = NULL;
	time_t t = pkit_now(ctx), revoked_at;
	int i, n, status, reason, r;

	*out = NULL;
	*outlen = 0;
	if (len > LONG_MAX || (req = d2i_OCSP_REQUEST(NULL, &p,
	    (long)len)) == NULL || p != der + len ||
	    (n = OCSP_request_onereq_count(req)) <= 0 || n > MAX_SINGLE) {
		pkit_seterr(ctx, PKIT_ERR_FORMAT, "malformed OCSP request");
		r = status_only(ctx, OCSP_RESPONSE_STATUS_MALFORMEDREQUEST,
		    out, outlen);
		OCSP_REQUEST_free(req);
		return r;
	}
	if ((bs = OCSP_BASICRESP_new()) == NULL ||
	    (now = ASN1_TIME_set(NULL, t)) == NULL ||
	    (next = ASN1_TIME_set(NULL, t + (time_t)o->validity)) == NULL)
		goto internal;
	for (i = 0; i < n; i++) {
		OCSP_CERTID *cid = OCSP_onereq_get0_id(
		    OCSP_request_onereq_get0(req, i));
		ASN1_INTEGER *ai = NULL;

		status = V_OCSP_CERTSTATUS_UNKNOWN;
		reason = -1;
		revoked_at = 0;
		if (our_issuer(o, cid) && OCSP_id_get0_info(NULL, NULL, NULL,
		    &ai, cid) && ai != NULL && serial_hex(ctx, ai, serial) == 0 &&
		    lookup(arg, ctx, serial, &status, &revoked_at, &reason) != 0) {
			r = status_only(ctx, OCSP_RESPONSE_STATUS_TRYLATER, out,
			    outlen);
			goto out;
		}
		ASN1_TIME_free(rtime);
		rtime = NULL;
		if (status == V_OCSP_CERTSTATUS_REVOKED &&
		    (rtime = ASN1_TIME_set(NULL, revoked_at)) == NULL)
			goto internal;
		if (OCSP_basic_add1_status(bs, cid, status, reason, rtime, now,
		    next) == NULL)
			goto internal;
	}
	if (OCSP_copy_nonce(bs, req) <= 0)
		goto internal;
	if ((mctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit_ex(mctx, NULL, sign_md(o->key), ctx->libctx,
	    ctx->propq, o->key, NULL) != 1 ||
	    !OCSP_basic_sign_ctx(bs, o->signer, mctx, NULL,
	    o->delegated ? 0 : OCSP_NOCERTS))
		goto internal;
	if ((resp = OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL,
	    bs)) == NULL || (n = i2d_OCSP_RESPONSE(resp, &enc)) <= 0)
		goto internal;
	*out = enc;
	*outlen = (size_t)n;
	r = PKIT_OK;
	goto out;
internal:
	pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "signing the OCSP response");
	r = status_only(ctx, OCSP_RESPONSE_STATUS_INTERNALERROR, out, outlen);
out:
	EVP_MD_CTX_free(mctx);
	ASN1_TIME_free(rtime);
	ASN1_TIME_free(now);
	ASN1_TIME_free(next);
	OCSP_RESPONSE_free(resp);
	OCSP_BASICRESP_free(bs);
	OCSP_REQUEST_free(req);
	return r;
}

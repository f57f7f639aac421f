/* crl_info.c - CRL files: parse, encode, print (crl_info.h). */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "crl_info.h"
#include "x509_info.h"

static const char *const reasons[] = {
	"unspecified", "keyCompromise", "cACompromise", "affiliationChanged",
	"superseded", "cessationOfOperation", "certificateHold", NULL,
	"removeFromCRL", "privilegeWithdrawn", "aACompromise",
};

const char *
pkit_crl_reason_name(int code)
{
	if (code < 0 || code >= (int)(sizeof(reasons) / sizeof(reasons[0])))
		return NULL;
	return reasons[code];
}

static int
is_pem_crl(const unsigned char *data, size_t len)
{
	static const char tag[] = "-----BEGIN X509 CRL-----";
	size_t i;

	for (i = 0; i + sizeof(tag) - 1 <= len; i++)
		if (memcmp(data + i, tag, sizeof(tag) - 1) == 0)
			return 1;
	return 0;
}

int
pkit_crl_detect(const unsigned char *data, size_t len)
{
	const unsigned char *p = data;
	X509_CRL *crl;

	if (is_pem_crl(data, len))
		return 1;
	if (len == 0 || len > LONG_MAX ||
	    (crl = d2i_X509_CRL(NULL, &p, (long)len)) == NULL) {
		ERR_clear_error();
		return 0;
	}
	X509_CRL_free(crl);
	return p == data + len;
}

int
pkit_crl_parse(struct pkit_ctx *ctx, const unsigned char *data, size_t len,
    const char *name, X509_CRL **out)
{
	const unsigned char *p = data;
	X509_CRL *crl = NULL;
	BIO *bio;

	*out = NULL;
	if (len > INT_MAX)
		return pkit_seterr(ctx, PKIT_ERR_TOO_LARGE, "%s: too large",
		    name);
	if (is_pem_crl(data, len)) {
		if ((bio = BIO_new_mem_buf(data, (int)len)) == NULL)
			return pkit_seterr_nomem(ctx);
		crl = PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL);
		BIO_free(bio);
	} else if ((crl = d2i_X509_CRL(NULL, &p, (long)len)) != NULL &&
	    p != data + len) {
		X509_CRL_free(crl);
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: trailing data "
		    "after the CRL", name);
	}
	if (crl == NULL)
		return pkit_seterr_ssl(ctx, PKIT_ERR_FORMAT, "%s: not a CRL",
		    name);
	*out = crl;
	return PKIT_OK;
}

int
pkit_crl_encode(struct pkit_ctx *ctx, X509_CRL *crl, int pem,
    unsigned char **out, size_t *len)
{
	unsigned char *buf = NULL;
	BIO *bio = NULL;
	BUF_MEM *bm;
	int n;

	*out = NULL;
	*len = 0;
	if (!pem) {
		if ((n = i2d_X509_CRL(crl, &buf)) <= 0)
			return pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "CRL");
		*out = buf;
		*len = (size_t)n;
		return PKIT_OK;
	}
	if ((bio = BIO_new(BIO_s_mem())) == NULL ||
	    !PEM_write_bio_X509_CRL(bio, crl) ||
	    BIO_get_mem_ptr(bio, &bm) <= 0 ||
	    (buf = malloc(bm->length + 1)) == NULL) {
		BIO_free(bio);
		return pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "CRL");
	}
	memcpy(buf, bm->data, bm->length);
	buf[bm->length] = '\0';
	*out = buf;
	*len = bm->length;
	BIO_free(bio);
	return PKIT_OK;
}

/* Decimal serial (and, with hex, " (0x...)"). */
static char *
serial_text(const ASN1_INTEGER *ai, int hex)
{
	BIGNUM *bn;
	char *d = NULL, *h = NULL, *s = NULL;

	if ((bn = ASN1_INTEGER_to_BN(ai, NULL)) == NULL ||
	    (d = BN_bn2dec(bn)) == NULL || (h = BN_bn2hex(bn)) == NULL)
		goto out;
	if (hex) {
		char *p;

		for (p = h; *p != '\0'; p++)
			if (*p >= 'A' && *p <= 'F')
				*p = (char)(*p - 'A' + 'a');
		if (asprintf(&s, "%s (0x%s)", d, h) < 0)
			s = NULL;
	} else
		s = strdup(d);
out:
	OPENSSL_free(d);
	OPENSSL_free(h);
	BN_free(bn);
	return s;
}

static int
entry_reason(X509_REVOKED *rv)
{
	ASN1_ENUMERATED *e;
	int code = -1;

	if ((e = X509_REVOKED_get_ext_d2i(rv, NID_crl_reason, NULL,
	    NULL)) != NULL) {
		code = (int)ASN1_ENUMERATED_get(e);
		ASN1_ENUMERATED_free(e);
	}
	return code;
}

static int
render_text(struct pkit_ctx *ctx, X509_CRL *crl, char **out)
{
	STACK_OF(X509_REVOKED) *revs = X509_CRL_get_REVOKED(crl);
	const STACK_OF(X509_EXTENSION) *exts = X509_CRL_get0_extensions(crl);
	const X509_ALGOR *alg;
	BIO *bio;
	BUF_MEM *bm;
	char name[1024], t[64], sig[128], *s;
	int i, n = 0;

	X509_CRL_get0_signature(crl, NULL, &alg);
	pkit_x509_sigalg_name(alg, sig, sizeof(sig));
	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		return pkit_seterr_nomem(ctx);
	pkit_x509_name_text(X509_CRL_get_issuer(crl), name, sizeof(name));
	BIO_printf(bio, "Certificate Revocation List (CRL):\n    Data:\n"
	    "        Version: %ld (0x%lx)\n"
	    "    Signature algorithm: %s\n        Issuer: %s\n",
	    X509_CRL_get_version(crl) + 1, X509_CRL_get_version(crl), sig,
	    name);
	if (pkit_asn1_time_rfc3339(X509_CRL_get0_lastUpdate(crl), t,
	    sizeof(t)) != 0)
		snprintf(t, sizeof(t), "?");
	BIO_printf(bio, "        Last Update: %s\n", t);
	if (X509_CRL_get0_nextUpdate(crl) != NULL &&
	    pkit_asn1_time_rfc3339(X509_CRL_get0_nextUpdate(crl), t,
	    sizeof(t)) == 0)
		BIO_printf(bio, "        Next Update: %s\n", t);
	if (sk_X509_EXTENSION_num(exts) > 0) {
		BIO_printf(bio, "        CRL Extensions:\n");
		for (i = 0; i < sk_X509_EXTENSION_num(exts); i++) {
			X509_EXTENSION *e = sk_X509_EXTENSION_value(exts, i);

			BIO_printf(bio, "            ");
			i2a_ASN1_OBJECT(bio, X509_EXTENSION_get_object(e));
			BIO_printf(bio, ":%s\n", X509_EXTENSION_get_critical(e) ?
			    " critical" : "");
			if (!X509V3_EXT_print(bio, e, 0, 16))
				ASN1_STRING_print(bio,
				    X509_EXTENSION_get_data(e));
			BIO_printf(bio, "\n");
		}
	}
	n = sk_X509_REVOKED_num(revs);
	if (n <= 0)
		BIO_printf(bio, "        No Revoked Certificates.\n");
	else
		BIO_printf(bio, "        Revoked Certificates: %d\n", n);
	for (i = 0; i < n; i++) {
		X509_REVOKED *rv = sk_X509_REVOKED_value(revs, i);
		int code = entry_reason(rv);

		if ((s = serial_text(X509_REVOKED_get0_serialNumber(rv),
		    1)) == NULL) {
			BIO_free(bio);
			return pkit_seterr_nomem(ctx);
		}
		if (pkit_asn1_time_rfc3339(X509_REVOKED_get0_revocationDate(rv),
		    t, sizeof(t)) != 0)
			snprintf(t, sizeof(t), "?");
		BIO_printf(bio, "            Serial Number: %s\n"
		    "                Revocation Date: %s\n", s, t);
		free(s);
		if (code >= 0)
			BIO_printf(bio, "                Reason: %s (%d)\n",
			    pkit_crl_reason_name(code) != NULL ?
			    pkit_crl_reason_name(code) : "unknown", code);
	}
	if (BIO_get_mem_ptr(bio, &bm) <= 0 ||
	    (*out = malloc(bm->length + 1)) == NULL) {
		BIO_free(bio);
		return pkit_seterr_nomem(ctx);
	}
	memcpy(*out, bm->data, bm->length);
	(*out)[bm->length] = '\0';
	BIO_free(bio);
	return PKIT_OK;
}

static json_t *
jtime(const ASN1_TIME *a)
{
	char t[64];

	if (a == NULL || pkit_asn1_time_rfc3339(a, t, sizeof(t)) != 0)
		return json_null();
	return json_string(t);
}

static json_t *
jhex(const unsigned char *p, int len)
{
	static const char hx[] = "0123456789abcdef";
	char *s;
	json_t *j;
	int i;

	if (p == NULL || len <= 0 || (s = malloc((size_t)len * 2 + 1)) == NULL)
		return json_null();
	for (i = 0; i < len; i++) {
		s[2 * i] = hx[p[i] >> 4];
		s[2 * i + 1] = hx[p[i] & 15];
	}
	s[2 * len] = '\0';
	j = json_string(s);
	free(s);
	return j;
}

static int
render_json(struct pkit_ctx *ctx, X509_CRL *crl, char **out)
{
	STACK_OF(X509_REVOKED) *revs = X509_CRL_get_REVOKED(crl);
	const X509_ALGOR *alg;
	ASN1_INTEGER *num;
	AUTHORITY_KEYID *akid;
	ISSUING_DIST_POINT *idp;
	json_t *o = NULL, *list, *urls;
	char name[1024], sig[128], *s;
	int i, j;

	X509_CRL_get0_signature(crl, NULL, &alg);
	pkit_x509_sigalg_name(alg, sig, sizeof(sig));
	pkit_x509_name_text(X509_CRL_get_issuer(crl), name, sizeof(name));
	if ((o = json_object()) == NULL ||
	    json_object_set_new(o, "version",
	    json_integer(X509_CRL_get_version(crl) + 1)) != 0 ||
	    json_object_set_new(o, "signature_algorithm",
	    json_string(sig)) != 0 ||
	    json_object_set_new(o, "issuer", json_string(name)) != 0 ||
	    json_object_set_new(o, "this_update",
	    jtime(X509_CRL_get0_lastUpdate(crl))) != 0 ||
	    json_object_set_new(o, "next_update",
	    jtime(X509_CRL_get0_nextUpdate(crl))) != 0)
		goto nomem;
	if ((num = X509_CRL_get_ext_d2i(crl, NID_crl_number, NULL,
	    NULL)) != NULL) {
		s = serial_text(num, 0);
		ASN1_INTEGER_free(num);
		if (s == NULL || json_object_set_new(o, "number",
		    json_string(s)) != 0) {
			free(s);
			goto nomem;
		}
		free(s);
	}
	if ((akid = X509_CRL_get_ext_d2i(crl, NID_authority_key_identifier,
	    NULL, NULL)) != NULL) {
		json_object_set_new(o, "authority_key_id", akid->keyid != NULL ?
		    jhex(ASN1_STRING_get0_data(akid->keyid),
		    ASN1_STRING_length(akid->keyid)) : json_null());
		AUTHORITY_KEYID_free(akid);
	}
	if ((idp = X509_CRL_get_ext_d2i(crl, NID_issuing_distribution_point,
	    NULL, NULL)) != NULL) {
		urls = json_array();
		if (idp->distpoint != NULL && idp->distpoint->type == 0)
			for (j = 0; j < sk_GENERAL_NAME_num(
			    idp->distpoint->name.fullname); j++) {
				GENERAL_NAME *gn = sk_GENERAL_NAME_value(
				    idp->distpoint->name.fullname, j);

				if (gn->type == GEN_URI)
					json_array_append_new(urls,
					    json_stringn((const char *)
					    ASN1_STRING_get0_data(gn->d.uniformResourceIdentifier),
					    (size_t)ASN1_STRING_length(
					    gn->d.uniformResourceIdentifier)));
			}
		json_object_set_new(o, "issuing_distribution_point", urls);
		ISSUING_DIST_POINT_free(idp);
	}
	if ((list = json_array()) == NULL ||
	    json_object_set_new(o, "revoked_certificates", list) != 0)
		goto nomem;
	for (i = 0; i < sk_X509_REVOKED_num(revs); i++) {
		X509_REVOKED *rv = sk_X509_REVOKED_value(revs, i);
		int code = entry_reason(rv);
		json_t *e;

		if ((s = serial_text(X509_REVOKED_get0_serialNumber(rv),
		    0)) == NULL || (e = json_pack("{s:s,s:o}", "serial_number",
		    s, "revocation_time",
		    jtime(X509_REVOKED_get0_revocationDate(rv)))) == NULL) {
			free(s);
			goto nomem;
		}
		free(s);
		if (code >= 0) {
			json_object_set_new(e, "reason_code", json_integer(code));
			if (pkit_crl_reason_name(code) != NULL)
				json_object_set_new(e, "reason", json_string(
				    pkit_crl_reason_name(code)));
		}
		json_array_append_new(list, e);
	}
	if ((s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER)) == NULL)
		goto nomem;
	json_decref(o);
	if (asprintf(out, "%s\n", s) < 0) {
		free(s);
		return pkit_seterr_nomem(ctx);
	}
	free(s);
	return PKIT_OK;
nomem:
	json_decref(o);
	return pkit_seterr_nomem(ctx);
}

int
pkit_crl_render(struct pkit_ctx *ctx, X509_CRL *crl, int json, char **out)
{
	*out = NULL;
	return json ? render_json(ctx, crl, out) : render_text(ctx, crl, out);
}

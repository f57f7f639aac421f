/* p12.c - writing and reading PKCS#12 files. */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pkcs12.h>
#include <openssl/provider.h>

#include "p12.h"

/* Java's "trusted key usage" bag attribute (keytool -importcert). */
#define JDK_TRUST_OID "2.16.840.1.113894.746875.1.1"
#define ANY_EKU_OID "2.5.29.37.0"

/* Load the legacy provider (RC2, RC4, DES) next to the default one;
 * NULL on failure.  Unload with OSSL_PROVIDER_unload(). */
static OSSL_PROVIDER *
load_legacy(struct pkit_ctx *ctx)
{
	return OSSL_PROVIDER_try_load(ctx->libctx, "legacy", 1);
}

/* friendlyName: the subject's common name, else the one-line subject. */
static void
friendly_name(X509 *crt, char *buf, size_t size)
{
	X509_NAME *n = X509_get_subject_name(crt);

	if (X509_NAME_get_text_by_NID(n, NID_commonName, buf, (int)size) > 0)
		return;
	if (X509_NAME_oneline(n, buf, (int)size) == NULL)
		buf[0] = '\0';
}

static int
trust_store(struct pkit_ctx *ctx, STACK_OF(X509) *cas, const char *pw,
    int nid, PKCS12 **out)
{
	STACK_OF(PKCS12_SAFEBAG) *bags = NULL;
	STACK_OF(PKCS7) *safes = NULL;
	ASN1_OBJECT *any = NULL;
	PKCS12 *p12 = NULL;
	int i, r = PKIT_ERR_INTERNAL;

	*out = NULL;
	if ((any = OBJ_txt2obj(ANY_EKU_OID, 1)) == NULL) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO,
		    "PKCS#12 trust store");
		goto out;
	}
	for (i = 0; i < sk_X509_num(cas); i++) {
		X509 *c = sk_X509_value(cas, i);
		PKCS12_SAFEBAG *bag;
		char name[256];

		friendly_name(c, name, sizeof(name));
		if ((bag = PKCS12_add_cert(&bags, c)) == NULL ||
		    (name[0] != '\0' &&
		    !PKCS12_add_friendlyname_utf8(bag, name, -1)) ||
		    !PKCS12_add1_attr_by_txt(bag, JDK_TRUST_OID, V_ASN1_OBJECT,
		    (const unsigned char *)any, -1)) {
			r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO,
			    "PKCS#12 trust store");
			goto out;
		}
	}
	if (!PKCS12_add_safe_ex(&safes, bags, nid, PKIT_P12_ITER, pw,
	    ctx->libctx, ctx->propq) ||
	    (p12 = PKCS12_add_safes_ex(safes, 0, ctx->libctx,
	    ctx->propq)) == NULL) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO,
		    "PKCS#12 trust store");
		goto out;
	}
	*out = p12;
	r = PKIT_OK;
out:
	ASN1_OBJECT_free(any);
	sk_PKCS12_SAFEBAG_pop_free(bags, PKCS12_SAFEBAG_free);
	sk_PKCS7_pop_free(safes, PKCS7_free);
	return r;
}

int
pkit_p12_create(struct pkit_ctx *ctx, EVP_PKEY *key, X509 *crt,
    STACK_OF(X509) *cas, const char *password, int legacy,
    unsigned char **out, size_t *len)
{
	OSSL_PROVIDER *prov = NULL;
	PKCS12 *p12 = NULL;
	unsigned char *der = NULL, *p;
	char name[256];
	int n, r = PKIT_ERR_INTERNAL;
	int nid_key = legacy ? NID_pbe_WithSHA1And3_Key_TripleDES_CBC :
	    NID_aes_256_cbc;
	int nid_cert = legacy ? NID_pbe_WithSHA1And40BitRC2_CBC :
	    NID_aes_256_cbc;

	*out = NULL;
	*len = 0;
	if (password == NULL || (key == NULL) != (crt == NULL) ||
	    (crt == NULL && sk_X509_num(cas) <= 0))
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "PKCS#12: a key and its certificate, or CA certificates, "
		    "are needed");
	if (legacy && (prov = load_legacy(ctx)) == NULL)
		return pkit_seterr_ssl(ctx, PKIT_ERR_UNSUPPORTED,
		    "PKCS#12: --legacy needs OpenSSL's legacy provider");
	if (crt != NULL) {
		friendly_name(crt, name, sizeof(name));
		p12 = PKCS12_create_ex(password, name[0] != '\0' ? name : NULL,
		    key, crt, cas, nid_key, nid_cert, PKIT_P12_ITER, -1, 0,
		    ctx->libctx, ctx->propq);
		if (p12 == NULL) {
			r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO,
			    "PKCS#12: cannot build the file");
			goto out;
		}
	} else if ((r = trust_store(ctx, cas, password, nid_cert, &p12)) != 0) {
		goto out;
	}
	if (!PKCS12_set_mac(p12, password, -1, NULL, 0,
	    legacy ? 1 : PKIT_P12_ITER, legacy ? EVP_sha1() : EVP_sha256())) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "PKCS#12: MAC");
		goto out;
	}
	if ((n = i2d_PKCS12(p12, NULL)) <= 0 ||
	    (der = malloc((size_t)n)) == NULL) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "PKCS#12: encoding");
		goto out;
	}
	p = der;
	if (i2d_PKCS12(p12, &p) != n) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "PKCS#12: encoding");
		goto out;
	}
	*out = der;
	*len = (size_t)n;
	der = NULL;
	r = PKIT_OK;
out:
	free(der);
	PKCS12_free(p12);
	if (prov != NULL)
		OSSL_PROVIDER_unload(prov);
	return r;
}

static PKCS12 *
decode(const unsigned char *data, size_t len)
{
	const unsigned char *p = data;
	PKCS12 *p12;

	if (len == 0 || len > LONG_MAX)
		return NULL;
	if ((p12 = d2i_PKCS12(NULL, &p, (long)len)) == NULL)
		return NULL;
	if (p != data + len) {
		PKCS12_free(p12);
		return NULL;
	}
	return p12;
}

int
pkit_p12_is_p12(const unsigned char *data, size_t len)
{
	PKCS12 *p12 = decode(data, len);

	ERR_clear_error();
	PKCS12_free(p12);
	return p12 != NULL;
}

int
pkit_p12_parse(struct pkit_ctx *ctx, const unsigned char *data, size_t len,
    const char *password, const char *name, EVP_PKEY **key, X509 **crt,
    STACK_OF(X509) **cas)
{
	OSSL_PROVIDER *prov = NULL;
	STACK_OF(X509) *sk = NULL;
	EVP_PKEY *k = NULL;
	X509 *c = NULL;
	PKCS12 *p12;
	const char *pw = password;
	int r = PKIT_ERR_INTERNAL, ok;

	if (key != NULL)
		*key = NULL;
	if (crt != NULL)
		*crt = NULL;
	if (cas != NULL)
		*cas = NULL;
	if ((p12 = decode(data, len)) == NULL)
		return pkit_seterr_ssl(ctx, PKIT_ERR_FORMAT,
		    "%s: not a PKCS#12 file", name);
	/* Check the MAC first, so a wrong password is told apart from a
	 * damaged file. */
	if (PKCS12_mac_present(p12)) {
		int bad = 0;

		if (pw == NULL || *pw == '\0') {
			if (PKCS12_verify_mac(p12, "", 0))
				pw = "";
			else if (PKCS12_verify_mac(p12, NULL, 0))
				pw = NULL;
			else
				bad = 1;
		} else if (!PKCS12_verify_mac(p12, pw, -1)) {
			bad = 1;
		}
		if (bad) {
			ERR_clear_error();
			r = pkit_seterr(ctx, PKIT_ERR_PASSWORD,
			    "%s: %s", name, password == NULL ||
			    *password == '\0' ?
			    "the file is protected by a password" :
			    "wrong password (the MAC does not verify)");
			goto out;
		}
	} else if (pw == NULL) {
		pw = "";
	}
	ERR_clear_error();
	ok = PKCS12_parse(p12, pw, &k, &c, &sk);
	if (!ok) {
		/* Perhaps RC2, RC4 or DES: retry with the legacy provider. */
		ERR_clear_error();
		if ((prov = load_legacy(ctx)) != NULL)
			ok = PKCS12_parse(p12, pw, &k, &c, &sk);
	}
	if (!ok) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_FORMAT,
		    "%s: cannot decrypt the PKCS#12 contents", name);
		goto out;
	}
	if (sk == NULL && (sk = sk_X509_new_null()) == NULL) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", name);
		goto out;
	}
	if (key != NULL) {
		*key = k;
		k = NULL;
	}
	if (crt != NULL) {
		*crt = c;
		c = NULL;
	}
	if (cas != NULL) {
		*cas = sk;
		sk = NULL;
	}
	r = PKIT_OK;
out:
	EVP_PKEY_free(k);
	X509_free(c);
	sk_X509_pop_free(sk, X509_free);
	PKCS12_free(p12);
	if (prov != NULL)
		OSSL_PROVIDER_unload(prov);
	return r;
}

/* x509.c - loading and encoding certificates and CSRs. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>

#include "fs.h"
#include "x509.h"

int
pkit_is_pem(const unsigned char *data, size_t len)
{
	return memmem(data, len, "-----BEGIN ", 11) != NULL;
}

int
pkit_x509_parse_certs(struct pkit_ctx *ctx, const unsigned char *data,
    size_t len, const char *name, STACK_OF(X509) **out)
{
	STACK_OF(X509) *sk = NULL;
	BIO *bio = NULL;
	X509 *crt = NULL;
	int r = PKIT_ERR_INTERNAL;

	*out = NULL;
	if (len > INT32_MAX)
		return pkit_seterr(ctx, PKIT_ERR_TOO_LARGE, "%s", name);
	if ((sk = sk_X509_new_null()) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", name);
	if (pkit_is_pem(data, len)) {
		char *pname = NULL, *header = NULL;
		unsigned char *der = NULL;
		long dlen = 0;

		if ((bio = BIO_new_mem_buf(data, (int)len)) == NULL) {
			r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", name);
			goto out;
		}
		while (PEM_read_bio(bio, &pname, &header, &der, &dlen)) {
			const unsigned char *p = der;

			if (strcmp(pname, PEM_STRING_X509) == 0 ||
			    strcmp(pname, PEM_STRING_X509_OLD) == 0 ||
			    strcmp(pname, PEM_STRING_X509_TRUSTED) == 0) {
				crt = strcmp(pname, PEM_STRING_X509_TRUSTED) == 0 ?
				    d2i_X509_AUX(NULL, &p, dlen) :
				    d2i_X509(NULL, &p, dlen);
				if (crt == NULL || p != der + dlen) {
					r = pkit_seterr_ssl(ctx, PKIT_ERR_FORMAT,
					    "%s: certificate %d is malformed",
					    name, sk_X509_num(sk) + 1);
					OPENSSL_free(pname);
					OPENSSL_free(header);
					OPENSSL_free(der);
					goto out;
				}
				if (!sk_X509_push(sk, crt)) {
					r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", name);
					goto out;
				}
				crt = NULL;
			}
			OPENSSL_free(pname);
			OPENSSL_free(header);
			OPENSSL_free(der);
			pname = header = NULL;
			der = NULL;
		}
		ERR_clear_error();	/* the end of input reads as an error */
	} else {
		const unsigned char *p = data;

		if ((crt = d2i_X509(NULL, &p, (long)len)) == NULL) {
			r = pkit_seterr_ssl(ctx, PKIT_ERR_FORMAT,
			    "%s: not a certificate in PEM or DER form", name);
			goto out;
		}
		if (p != data + len) {
			r = pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "%s: trailing data after the certificate", name);
			goto out;
		}
		if (!sk_X509_push(sk, crt)) {
			r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", name);
			goto out;
		}
		crt = NULL;
	}
	if (sk_X509_num(sk) == 0) {
		r = pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: no certificate found", name);
		goto out;
	}
	*out = sk;
	sk = NULL;
	r = PKIT_OK;
out:
	X509_free(crt);
	sk_X509_pop_free(sk, X509_free);
	BIO_free(bio);
	return r;
}

int
pkit_x509_load_certs(struct pkit_ctx *ctx, const char *path,
    STACK_OF(X509) **out)
{
	unsigned char *data = NULL;
	size_t len = 0;
	int r;

	*out = NULL;
	if ((r = pkit_file_read(ctx, path, PKIT_FILE_MAX, &data, &len)) != 0)
		return r;
	r = pkit_x509_parse_certs(ctx, data, len,
	    strcmp(path, "-") == 0 ? "standard input" : path, out);
	free(data);
	return r;
}

int
pkit_x509_load_cert(struct pkit_ctx *ctx, const char *path, X509 **out)
{
	STACK_OF(X509) *sk = NULL;
	int r;

	*out = NULL;
	if ((r = pkit_x509_load_certs(ctx, path, &sk)) != 0)
		return r;
	*out = sk_X509_shift(sk);
	sk_X509_pop_free(sk, X509_free);
	return PKIT_OK;
}

int
pkit_x509_parse_csr(struct pkit_ctx *ctx, const unsigned char *data,
    size_t len, const char *name, X509_REQ **out)
{
	X509_REQ *req = NULL;
	BIO *bio;
	const unsigned char *p = data;

	*out = NULL;
	if (len > INT32_MAX)
		return pkit_seterr(ctx, PKIT_ERR_TOO_LARGE, "%s", name);
	if (pkit_is_pem(data, len)) {
		if ((bio = BIO_new_mem_buf(data, (int)len)) == NULL)
			return pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", name);
		req = PEM_read_bio_X509_REQ(bio, NULL, NULL, NULL);
		BIO_free(bio);
	} else {
		req = d2i_X509_REQ(NULL, &p, (long)len);
		if (req != NULL && p != data + len) {
			X509_REQ_free(req);
			return pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "%s: trailing data after the CSR", name);
		}
	}
	if (req == NULL)
		return pkit_seterr_ssl(ctx, PKIT_ERR_FORMAT,
		    "%s: not a certificate request in PEM or DER form", name);
	*out = req;
	return PKIT_OK;
}

static int
bio_to_buf(struct pkit_ctx *ctx, BIO *bio, unsigned char **out, size_t *len)
{
	char *mem;
	long n = BIO_get_mem_data(bio, &mem);

	if (n <= 0 || (*out = malloc((size_t)n + 1)) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "encoding");
	memcpy(*out, mem, (size_t)n);
	(*out)[n] = '\0';
	*len = (size_t)n;
	return PKIT_OK;
}

int
pkit_x509_encode(struct pkit_ctx *ctx, X509 *crt, enum pkit_key_encoding enc,
    unsigned char **out, size_t *len)
{
	BIO *bio = BIO_new(BIO_s_mem());
	int ok, r;

	*out = NULL;
	*len = 0;
	if (bio == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "encoding");
	ok = enc == PKIT_KEY_PEM ? PEM_write_bio_X509(bio, crt) :
	    i2d_X509_bio(bio, crt);
	r = ok ? bio_to_buf(ctx, bio, out, len) :
	    pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "certificate encoding");
	BIO_free(bio);
	return r;
}

int
pkit_x509_csr_encode(struct pkit_ctx *ctx, X509_REQ *req,
    enum pkit_key_encoding enc, unsigned char **out, size_t *len)
{
	BIO *bio = BIO_new(BIO_s_mem());
	int ok, r;

	*out = NULL;
	*len = 0;
	if (bio == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "encoding");
	ok = enc == PKIT_KEY_PEM ? PEM_write_bio_X509_REQ(bio, req) :
	    i2d_X509_REQ_bio(bio, req);
	r = ok ? bio_to_buf(ctx, bio, out, len) :
	    pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "CSR encoding");
	BIO_free(bio);
	return r;
}

int
pkit_x509_name_add(X509_NAME *name, const ASN1_OBJECT *obj,
    const char *value, int set)
{
	const ASN1_STRING_TABLE *tbl = ASN1_STRING_TABLE_get(OBJ_obj2nid(obj));
	ASN1_STRING *s = NULL;
	int ok;

	/* OpenSSL's PrintableString set is Go's (no '*', no '&'); the
	 * attribute's size limits (a country has 2 letters) still hold. */
	if (ASN1_mbstring_ncopy(&s, (const unsigned char *)value, -1,
	    MBSTRING_UTF8, B_ASN1_PRINTABLESTRING | B_ASN1_UTF8STRING,
	    tbl != NULL ? tbl->minsize : 0,
	    tbl != NULL ? tbl->maxsize : 0) < 0)
		return 0;
	ok = X509_NAME_add_entry_by_OBJ(name, obj, s->type, s->data,
	    s->length, -1, set);
	ASN1_STRING_free(s);
	return ok;
}

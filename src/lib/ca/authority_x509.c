/* authority_x509.c - the X.509 work on the hot path of /sign: reading a
 * CSR and building step's default leaf.
 *
 * Why not d2i_X509_REQ() and pkit_x509_issue()?  With OpenSSL 3.0 every
 * public key that goes through d2i (a CSR's, an X509_PUBKEY's) or into
 * X509_set_pubkey() is run through the decoder or encoder framework,
 * which looks up every provider's decoders under read-write locks: that
 * was 40% of the server's CPU time, more than the signatures themselves.
 * So the CSR is read with a template that keeps the SubjectPublicKeyInfo
 * as bytes, its key is made with EVP_PKEY_fromdata() (EC, RSA) or from
 * raw bytes (Ed25519), and the leaf gets the CSR's SubjectPublicKeyInfo
 * copied as it is.  The certificate is the one pkit_x509_issue() makes
 * from step's DefaultLeafTemplate (test_authority checks it is), and a
 * provisioner with its own template still goes through x509_build.c.
 */
#include "config.h"

#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1t.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "lib/ca/authority_impl.h"
#include "lib/x509.h"
#include "lib/x509_build.h"

/* ---- a CSR with its key kept as bytes ------------------------------------- */

typedef struct {
	X509_ALGOR *algor;
	ASN1_BIT_STRING *key;
} CA_SPKI;

ASN1_SEQUENCE(CA_SPKI) = {
	ASN1_SIMPLE(CA_SPKI, algor, X509_ALGOR),
	ASN1_SIMPLE(CA_SPKI, key, ASN1_BIT_STRING),
} static_ASN1_SEQUENCE_END(CA_SPKI)

typedef struct {
	ASN1_ENCODING enc;
	ASN1_INTEGER *version;
	X509_NAME *subject;
	CA_SPKI *spki;
	STACK_OF(X509_ATTRIBUTE) *attributes;
} CA_REQ_INFO;

ASN1_SEQUENCE_enc(CA_REQ_INFO, enc, NULL) = {
	ASN1_SIMPLE(CA_REQ_INFO, version, ASN1_INTEGER),
	ASN1_SIMPLE(CA_REQ_INFO, subject, X509_NAME),
	ASN1_SIMPLE(CA_REQ_INFO, spki, CA_SPKI),
	ASN1_IMP_SET_OF_OPT(CA_REQ_INFO, attributes, X509_ATTRIBUTE, 0),
} static_ASN1_SEQUENCE_END_ref(CA_REQ_INFO, CA_REQ_INFO)

typedef struct {
	CA_REQ_INFO *info;
	X509_ALGOR *sig_alg;
	ASN1_BIT_STRING *signature;
} CA_REQ;

ASN1_SEQUENCE(CA_REQ) = {
	ASN1_SIMPLE(CA_REQ, info, CA_REQ_INFO),
	ASN1_SIMPLE(CA_REQ, sig_alg, X509_ALGOR),
	ASN1_SIMPLE(CA_REQ, signature, ASN1_BIT_STRING),
} static_ASN1_SEQUENCE_END(CA_REQ)

/* RFC 8017 RSAPublicKey. */
typedef struct {
	ASN1_INTEGER *n;
	ASN1_INTEGER *e;
} CA_RSA_PUB;

ASN1_SEQUENCE(CA_RSA_PUB) = {
	ASN1_SIMPLE(CA_RSA_PUB, n, ASN1_INTEGER),
	ASN1_SIMPLE(CA_RSA_PUB, e, ASN1_INTEGER),
} static_ASN1_SEQUENCE_END(CA_RSA_PUB)

void
pkit_ca_auth_csr_free(struct pkit_ca_csr *csr)
{
	if (csr == NULL)
		return;
	ASN1_item_free(csr->req, ASN1_ITEM_rptr(CA_REQ));
	EVP_PKEY_free(csr->pub);
	sk_X509_EXTENSION_pop_free(csr->exts, X509_EXTENSION_free);
	X509_REQ_free(csr->x509);
	OPENSSL_free(csr->der);
	free(csr);
}

EVP_PKEY *
pkit_ca_auth_csr_key(const struct pkit_ca_csr *csr)
{
	return csr->pub;
}

/* The key of an EC SubjectPublicKeyInfo: a named curve and a point.  A
 * copy of the configuration's parameters-only key of that curve, when it
 * has one, saves building the curve's group for every CSR. */
static EVP_PKEY *
ec_key(struct pkit_ctx *ctx, const struct pkit_ca_auth *auth,
    const void *pval, int ptype, const ASN1_BIT_STRING *bits)
{
	EVP_PKEY_CTX *pc = NULL;
	EVP_PKEY *pkey = NULL;
	OSSL_PARAM params[3];
	const char *curve;
	int nid, i;

	if (ptype != V_ASN1_OBJECT || (nid = OBJ_obj2nid(pval)) == NID_undef ||
	    (curve = OBJ_nid2sn(nid)) == NULL)
		return NULL;
	for (i = 0; auth != NULL && i < PKIT_CA_NCURVES; i++) {
		if (auth->curve_nid[i] != nid || auth->curve[i] == NULL)
			continue;
		if ((pkey = EVP_PKEY_dup(auth->curve[i])) == NULL ||
		    EVP_PKEY_set1_encoded_public_key(pkey,
		    ASN1_STRING_get0_data(bits),
		    (size_t)ASN1_STRING_length(bits)) != 1) {
			EVP_PKEY_free(pkey);
			return NULL;
		}
		return pkey;
	}
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
	    (char *)curve, 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY,
	    (void *)ASN1_STRING_get0_data(bits),
	    (size_t)ASN1_STRING_length(bits));
	params[2] = OSSL_PARAM_construct_end();
	if ((pc = EVP_PKEY_CTX_new_from_name(ctx->libctx, "EC",
	    ctx->propq)) == NULL || EVP_PKEY_fromdata_init(pc) <= 0 ||
	    EVP_PKEY_fromdata(pc, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0)
		pkey = NULL;
	EVP_PKEY_CTX_free(pc);
	return pkey;
}

int
pkit_ca_curves_load(struct pkit_ctx *ctx, struct pkit_ca_auth *auth)
{
	static const int nids[PKIT_CA_NCURVES] = { NID_X9_62_prime256v1,
	    NID_secp384r1, NID_secp521r1 };
	EVP_PKEY_CTX *pc;
	int i, ok;

	for (i = 0; i < PKIT_CA_NCURVES; i++) {
		auth->curve_nid[i] = nids[i];
		pc = EVP_PKEY_CTX_new_from_name(ctx->libctx, "EC", ctx->propq);
		ok = pc != NULL && EVP_PKEY_paramgen_init(pc) > 0 &&
		    EVP_PKEY_CTX_set_group_name(pc, OBJ_nid2sn(nids[i])) > 0 &&
		    EVP_PKEY_paramgen(pc, &auth->curve[i]) > 0;
		EVP_PKEY_CTX_free(pc);
		if (!ok)
			return pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO,
			    "EC parameters");
	}
	return PKIT_OK;
}

static EVP_PKEY *
rsa_key(struct pkit_ctx *ctx, const ASN1_BIT_STRING *bits)
{
	const unsigned char *p = ASN1_STRING_get0_data(bits);
	CA_RSA_PUB *rp;
	BIGNUM *n = NULL, *e = NULL;
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *pc = NULL;
	EVP_PKEY *pkey = NULL;

	rp = (CA_RSA_PUB *)ASN1_item_d2i(NULL, &p, ASN1_STRING_length(bits),
	    ASN1_ITEM_rptr(CA_RSA_PUB));
	if (rp == NULL || p != ASN1_STRING_get0_data(bits) +
	    ASN1_STRING_length(bits))
		goto out;
	if ((n = ASN1_INTEGER_to_BN(rp->n, NULL)) == NULL ||
	    (e = ASN1_INTEGER_to_BN(rp->e, NULL)) == NULL ||
	    (bld = OSSL_PARAM_BLD_new()) == NULL ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) ||
	    (params = OSSL_PARAM_BLD_to_param(bld)) == NULL ||
	    (pc = EVP_PKEY_CTX_new_from_name(ctx->libctx, "RSA",
	    ctx->propq)) == NULL || EVP_PKEY_fromdata_init(pc) <= 0 ||
	    EVP_PKEY_fromdata(pc, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0)
		pkey = NULL;
out:
	EVP_PKEY_CTX_free(pc);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(n);
	BN_free(e);
	ASN1_item_free((ASN1_VALUE *)rp, ASN1_ITEM_rptr(CA_RSA_PUB));
	return pkey;
}

/* The key of a SubjectPublicKeyInfo, for the types step-ca takes; NULL
 * (*unsupported set) for other types. */
static EVP_PKEY *
spki_key(struct pkit_ctx *ctx, const struct pkit_ca_auth *auth,
    const CA_SPKI *spki, int *unsupported)
{
	const ASN1_OBJECT *obj;
	const void *pval;
	int ptype, nid;

	*unsupported = 0;
	X509_ALGOR_get0(&obj, &ptype, &pval, spki->algor);
	nid = OBJ_obj2nid(obj);
	if (nid == NID_X9_62_id_ecPublicKey)
		return ec_key(ctx, auth, pval, ptype, spki->key);
	if (nid == NID_rsaEncryption)
		return rsa_key(ctx, spki->key);
	if (nid == NID_ED25519 && ptype == V_ASN1_UNDEF)
		return EVP_PKEY_new_raw_public_key_ex(ctx->libctx, "ED25519",
		    ctx->propq, ASN1_STRING_get0_data(spki->key),
		    (size_t)ASN1_STRING_length(spki->key));
	*unsupported = nid;
	return NULL;
}

/* The extensionRequest attribute, as X509_REQ_get_extensions(). */
static int
csr_exts(const CA_REQ_INFO *info, STACK_OF(X509_EXTENSION) **out)
{
	int i;

	*out = NULL;
	for (i = 0; i < sk_X509_ATTRIBUTE_num(info->attributes); i++) {
		X509_ATTRIBUTE *a = sk_X509_ATTRIBUTE_value(info->attributes, i);
		int nid = OBJ_obj2nid(X509_ATTRIBUTE_get0_object(a));
		ASN1_TYPE *t;
		const unsigned char *p;

		if (nid != NID_ext_req && nid != NID_ms_ext_req)
			continue;
		if ((t = X509_ATTRIBUTE_get0_type(a, 0)) == NULL ||
		    t->type != V_ASN1_SEQUENCE)
			return -1;
		p = t->value.sequence->data;
		*out = (STACK_OF(X509_EXTENSION) *)ASN1_item_d2i(NULL, &p,
		    t->value.sequence->length, ASN1_ITEM_rptr(X509_EXTENSIONS));
		return *out != NULL && p == t->value.sequence->data +
		    t->value.sequence->length ? 0 : -1;
	}
	return 0;
}

int
pkit_ca_auth_csr_read(struct pkit_ctx *ctx, const struct pkit_ca_auth *auth,
    const char *pem, size_t len, struct pkit_ca_csr **out,
    struct pkit_ca_refusal *why)
{
	struct pkit_ca_csr *csr = NULL;
	BIO *bio = NULL;
	char *name = NULL, *header = NULL;
	unsigned char *data = NULL;
	const unsigned char *p;
	long dlen = 0;
	CA_REQ *req;
	int r = PKIT_ERR_FORMAT, unsupported;

	*out = NULL;
	if (len > 64 * 1024) {
		pkit_ca_auth_refuse(why, 400, "error decoding json");
		r = pkit_seterr(ctx, PKIT_ERR_TOO_LARGE, "error decoding csr: "
		    "%zu bytes, over the 64 KiB a CSR may have", len);
		goto out;
	}
	if ((bio = BIO_new_mem_buf(pem, (int)len)) == NULL ||
	    !PEM_read_bio(bio, &name, &header, &data, &dlen) ||
	    (strcmp(name, "CERTIFICATE REQUEST") != 0 &&
	    strcmp(name, "NEW CERTIFICATE REQUEST") != 0) || *header != '\0') {
		pkit_ca_auth_refuse(why, 400, "error decoding json");
		r = pkit_seterr(ctx, PKIT_ERR_FORMAT, "error decoding csr: "
		    "not a PEM CERTIFICATE REQUEST");
		goto out;
	}
	if ((csr = calloc(1, sizeof(*csr))) == NULL) {
		pkit_ca_auth_refuse(why, 500, NULL);
		r = pkit_seterr_nomem(ctx);
		goto out;
	}
	csr->der = data;
	csr->der_len = (size_t)dlen;
	data = NULL;
	p = csr->der;
	req = (CA_REQ *)ASN1_item_d2i(NULL, &p, dlen, ASN1_ITEM_rptr(CA_REQ));
	csr->req = req;
	if (req == NULL || p != csr->der + csr->der_len ||
	    csr_exts(req->info, &csr->exts) != 0) {
		pkit_ca_auth_refuse(why, 400, "error decoding json");
		r = pkit_seterr_ssl(ctx, PKIT_ERR_FORMAT, "error decoding csr");
		goto out;
	}
	csr->subject = req->info->subject;
	if ((csr->pub = spki_key(ctx, auth, req->info->spki,
	    &unsupported)) == NULL) {
		if (unsupported) {
			pkit_ca_auth_refuse(why, 400, "certificate request key "
			    "of type %s is not supported", OBJ_nid2sn(unsupported));
			r = pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED, "%s", why->msg);
		} else {
			pkit_ca_auth_refuse(why, 400, "error decoding json");
			r = pkit_seterr_ssl(ctx, PKIT_ERR_FORMAT, "error decoding "
			    "csr: its public key");
		}
		goto out;
	}
	if (ASN1_item_verify_ex(ASN1_ITEM_rptr(CA_REQ_INFO), req->sig_alg,
	    req->signature, req->info, NULL, csr->pub, ctx->libctx,
	    ctx->propq) != 1) {
		pkit_ca_auth_refuse(why, 400, "invalid csr");
		r = pkit_seterr_ssl(ctx, PKIT_ERR_VERIFY, "invalid csr: its "
		    "signature does not verify");
		goto out;
	}
	ERR_clear_error();
	*out = csr;
	csr = NULL;
	r = PKIT_OK;
out:
	pkit_ca_auth_csr_free(csr);
	OPENSSL_free(name);
	OPENSSL_free(header);
	OPENSSL_free(data);
	BIO_free(bio);
	return r;
}

X509_REQ *
pkit_ca_csr_x509(struct pkit_ctx *ctx, struct pkit_ca_csr *csr)
{
	const unsigned char *p = csr->der;

	if (csr->x509 == NULL && (csr->x509 = d2i_X509_REQ(NULL, &p,
	    (long)csr->der_len)) == NULL)
		pkit_seterr_ssl(ctx, PKIT_ERR_FORMAT, "the CSR");
	return csr->x509;
}

/* ---- step's default leaf ---------------------------------------------------- */

static int
add_ext(X509 *x, int nid, int crit, void *value)
{
	return X509_add1_ext_i2d(x, nid, value, crit, X509V3_ADD_APPEND) == 1;
}

/* subjectAltName from the token's SANs, in x509_build.c's (Go's) order:
 * DNS names, email addresses, IP addresses, URIs. */
static GENERAL_NAMES *
leaf_sans(json_t *sans)
{
	static const char *const order[] = { "dns", "email", "ip", "uri" };
	GENERAL_NAMES *gens = GENERAL_NAMES_new();
	unsigned char ip[16];
	json_t *e;
	size_t i, k;

	if (gens == NULL)
		return NULL;
	for (k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
		json_array_foreach(sans, i, e) {
			const char *t = json_string_value(json_object_get(e,
			    "type"));
			const char *v = json_string_value(json_object_get(e,
			    "value"));
			GENERAL_NAME *g = NULL;
			ASN1_IA5STRING *s;
			ASN1_OCTET_STRING *os;
			int n;

			if (t == NULL || v == NULL || strcmp(t, order[k]) != 0)
				continue;
			if ((g = GENERAL_NAME_new()) == NULL)
				goto fail;
			if (k == 2) {
				n = inet_pton(AF_INET, v, ip) == 1 ? 4 :
				    inet_pton(AF_INET6, v, ip) == 1 ? 16 : 0;
				if (n == 0 || (os = ASN1_OCTET_STRING_new()) == NULL ||
				    !ASN1_OCTET_STRING_set(os, ip, n)) {
					GENERAL_NAME_free(g);
					goto fail;
				}
				GENERAL_NAME_set0_value(g, GEN_IPADD, os);
			} else {
				if ((s = ASN1_IA5STRING_new()) == NULL ||
				    !ASN1_STRING_set(s, v, -1)) {
					ASN1_IA5STRING_free(s);
					GENERAL_NAME_free(g);
					goto fail;
				}
				GENERAL_NAME_set0_value(g, k == 0 ? GEN_DNS :
				    k == 1 ? GEN_EMAIL : GEN_URI, s);
			}
			if (!sk_GENERAL_NAME_push(gens, g)) {
				GENERAL_NAME_free(g);
				goto fail;
			}
		}
	}
	return gens;
fail:
	GENERAL_NAMES_free(gens);
	return NULL;
}

/* Set x's SubjectPublicKeyInfo to the algorithm and key bits given,
 * copied as they are (no EVP_PKEY: see the top of this file). */
static int
set_spki(X509 *x, const X509_ALGOR *algor, const ASN1_BIT_STRING *bits)
{
	const ASN1_OBJECT *obj;
	const void *pval;
	void *val = NULL;
	unsigned char *key;
	int ptype, len = ASN1_STRING_length(bits);

	X509_ALGOR_get0(&obj, &ptype, &pval, algor);
	if (ptype == V_ASN1_OBJECT)
		val = OBJ_dup(pval);
	else if (ptype == V_ASN1_SEQUENCE)
		val = ASN1_STRING_dup(pval);
	else if (ptype != V_ASN1_NULL && ptype != V_ASN1_UNDEF)
		return 0;
	if ((ptype == V_ASN1_OBJECT || ptype == V_ASN1_SEQUENCE) && val == NULL)
		return 0;
	if ((key = OPENSSL_memdup(ASN1_STRING_get0_data(bits),
	    len > 0 ? (size_t)len : 1)) == NULL)
		goto fail;
	if (!X509_PUBKEY_set0_param(X509_get_X509_PUBKEY(x), OBJ_dup(obj), ptype,
	    val, key, len)) {
		OPENSSL_free(key);
		goto fail;
	}
	return 1;
fail:
	if (ptype == V_ASN1_OBJECT)
		ASN1_OBJECT_free(val);
	else
		ASN1_STRING_free(val);
	return 0;
}

int
pkit_ca_x509_key_from_csr(X509 *x, const struct pkit_ca_csr *csr)
{
	const CA_SPKI *spki = ((const CA_REQ *)csr->req)->info->spki;

	return set_spki(x, spki->algor, spki->key);
}

int
pkit_ca_x509_key_from_cert(X509 *x, X509 *from)
{
	X509_PUBKEY *pk = X509_get_X509_PUBKEY(from);
	const unsigned char *bits;
	ASN1_BIT_STRING *bs;
	X509_ALGOR *algor;
	int len, ok;

	if (pk == NULL || !X509_PUBKEY_get0_param(NULL, &bits, &len, &algor,
	    pk) || (bs = ASN1_BIT_STRING_new()) == NULL)
		return 0;
	ok = ASN1_BIT_STRING_set(bs, (unsigned char *)bits, len) &&
	    set_spki(x, algor, bs);
	ASN1_BIT_STRING_free(bs);
	return ok;
}

int
pkit_ca_x509_ski(const struct pkit_ca_auth *auth, X509 *x,
    ASN1_OCTET_STRING **out)
{
	const unsigned char *bits;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	int len;

	*out = NULL;
	if (!X509_PUBKEY_get0_param(NULL, &bits, &len, NULL,
	    X509_get_X509_PUBKEY(x)) ||
	    !EVP_Digest(bits, (size_t)len, md, &mdlen, auth->sha1, NULL) ||
	    (*out = ASN1_OCTET_STRING_new()) == NULL)
		return 0;
	if (!ASN1_OCTET_STRING_set(*out, md, (int)mdlen)) {
		ASN1_OCTET_STRING_free(*out);
		*out = NULL;
		return 0;
	}
	return 1;
}

int
pkit_ca_leaf_build(struct pkit_ctx *ctx, const struct pkit_ca_auth *auth,
    const struct pkit_ca_prov *prov, const struct pkit_ca_ott *tok,
    const struct pkit_ca_csr *csr, json_t *sans, time_t nb, time_t na,
    X509 **out)
{
	int id = EVP_PKEY_get_base_id(csr->pub);
	X509 *x = NULL;
	ASN1_INTEGER *serial = NULL;
	ASN1_BIT_STRING *ku = NULL;
	EXTENDED_KEY_USAGE *eku = NULL;
	ASN1_OCTET_STRING *ski = NULL, *pext = NULL;
	AUTHORITY_KEYID *akid = NULL;
	GENERAL_NAMES *gens = NULL;
	X509_EXTENSION *ext = NULL;
	X509_NAME *subject = NULL;
	EVP_MD_CTX *mctx = NULL;
	int r;

	*out = NULL;
	if ((r = pkit_x509_random_serial(ctx, &serial)) != 0)
		return r;
	r = PKIT_ERR_CRYPTO;
	if ((x = X509_new_ex(ctx->libctx, ctx->propq)) == NULL ||
	    (subject = X509_NAME_new()) == NULL ||
	    !pkit_x509_name_add(subject, OBJ_nid2obj(NID_commonName),
	    tok->sub, 0) ||
	    !X509_set_version(x, X509_VERSION_3) ||
	    !X509_set_serialNumber(x, serial) ||
	    !X509_set_subject_name(x, subject) ||
	    !X509_set_issuer_name(x, X509_get_subject_name(auth->issuer)) ||
	    ASN1_TIME_set(X509_getm_notBefore(x), nb) == NULL ||
	    ASN1_TIME_set(X509_getm_notAfter(x), na) == NULL ||
	    !pkit_ca_x509_key_from_csr(x, csr))
		goto fail;
	/* keyUsage (critical), extKeyUsage, SKI, AKI, SAN, provisioner */
	if ((ku = ASN1_BIT_STRING_new()) == NULL ||
	    !ASN1_BIT_STRING_set_bit(ku, 0, 1) ||
	    ((id == EVP_PKEY_RSA || id == EVP_PKEY_RSA_PSS) &&
	    !ASN1_BIT_STRING_set_bit(ku, 2, 1)) ||
	    !add_ext(x, NID_key_usage, 1, ku))
		goto fail;
	if ((eku = sk_ASN1_OBJECT_new_null()) == NULL ||
	    !sk_ASN1_OBJECT_push(eku, OBJ_nid2obj(NID_server_auth)) ||
	    !sk_ASN1_OBJECT_push(eku, OBJ_nid2obj(NID_client_auth)) ||
	    !add_ext(x, NID_ext_key_usage, 0, eku))
		goto fail;
	if (!pkit_ca_x509_ski(auth, x, &ski) ||
	    !add_ext(x, NID_subject_key_identifier, 0, ski))
		goto fail;
	if ((akid = AUTHORITY_KEYID_new()) == NULL ||
	    (akid->keyid = ASN1_OCTET_STRING_dup(auth->issuer_ski)) == NULL ||
	    !add_ext(x, NID_authority_key_identifier, 0, akid))
		goto fail;
	if ((gens = leaf_sans(sans)) == NULL)
		goto fail;
	if (sk_GENERAL_NAME_num(gens) > 0 &&
	    !add_ext(x, NID_subject_alt_name, 0, gens))
		goto fail;
	if (prov->claims.disable_smallstep_extensions != 1) {
		ASN1_OBJECT *obj = OBJ_txt2obj(PKIT_CA_OID_PROVISIONER, 1);

		if (obj == NULL || (pext = ASN1_OCTET_STRING_new()) == NULL ||
		    !ASN1_OCTET_STRING_set(pext, prov->ext, (int)prov->ext_len) ||
		    (ext = X509_EXTENSION_create_by_OBJ(NULL, obj, 0,
		    pext)) == NULL || !X509_add_ext(x, ext, -1)) {
			ASN1_OBJECT_free(obj);
			goto fail;
		}
		ASN1_OBJECT_free(obj);
	}
	if (!pkit_ca_rev_add_exts(x, &auth->rev))
		goto fail;
	/* sign with a copy of the configuration's ready signing context */
	if ((mctx = EVP_MD_CTX_new()) == NULL ||
	    !EVP_MD_CTX_copy_ex(mctx, auth->sign_proto) ||
	    X509_sign_ctx(x, mctx) <= 0)
		goto fail;
	*out = x;
	x = NULL;
	r = PKIT_OK;
	goto out;
fail:
	r = pkit_seterr_ssl(ctx, r, "building the certificate");
out:
	EVP_MD_CTX_free(mctx);
	X509_EXTENSION_free(ext);
	ASN1_OCTET_STRING_free(pext);
	GENERAL_NAMES_free(gens);
	AUTHORITY_KEYID_free(akid);
	ASN1_OCTET_STRING_free(ski);
	sk_ASN1_OBJECT_pop_free(eku, ASN1_OBJECT_free);
	ASN1_BIT_STRING_free(ku);
	X509_NAME_free(subject);
	ASN1_INTEGER_free(serial);
	X509_free(x);
	return r;
}

/* x509_info_json.c - certificates and CSRs as JSON: zcrypto's field names
 * and order (step-cli.md §2.3), as step certificate inspect --format json
 * prints them.  The text renderings are in x509_info.c.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ct.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "x509.h"
#include "x509_info.h"
#include "x509_info_impl.h"

/* The JSON builders note allocation failures here instead of checking
 * every call. */
struct jb {
	struct pkit_ctx *ctx;
	int oom;
};

static void
put(struct jb *jb, json_t *obj, const char *key, json_t *v)
{
	if (v == NULL || obj == NULL || json_object_set_new(obj, key, v) != 0)
		jb->oom = 1;
}

static void
push(struct jb *jb, json_t *arr, json_t *v)
{
	if (v == NULL || arr == NULL || json_array_append_new(arr, v) != 0)
		jb->oom = 1;
}

static json_t *
jb64(const unsigned char *p, size_t n)
{
	char *s;
	json_t *j;

	if (n > 64 * 1024 * 1024 || (s = malloc(4 * ((n + 2) / 3) + 1)) == NULL)
		return NULL;
	EVP_EncodeBlock((unsigned char *)s, p, (int)n);
	j = json_string(s);
	free(s);
	return j;
}

static json_t *
jbn64(const BIGNUM *bn)
{
	unsigned char *b;
	size_t n;
	json_t *j;

	if (bn == NULL || (b = info_bn_bytes(bn, &n)) == NULL)
		return NULL;
	j = jb64(b, n);
	free(b);
	return j;
}

static json_t *
jhex(const unsigned char *p, size_t n)
{
	char *s = malloc(2 * n + 1);
	json_t *j;

	if (s == NULL)
		return NULL;
	info_hex_plain(s, 2 * n + 1, p, n);
	j = json_string(s);
	free(s);
	return j;
}

/* A JSON string from bytes that may not be UTF-8. */
static json_t *
jstrn(const char *p, size_t n)
{
	json_t *j = json_stringn(p, n);
	size_t i;
	char *s;

	if (j != NULL || (s = malloc(n + 1)) == NULL)
		return j;
	for (i = 0; i < n; i++)
		s[i] = (unsigned char)p[i] < 0x80 && p[i] != '\0' ? p[i] : '?';
	j = json_stringn(s, n);
	free(s);
	return j;
}

static json_t *
jasn1str(const ASN1_STRING *s)
{
	char *u = info_str_utf8(s);
	json_t *j;

	if (u == NULL)
		return jstrn((const char *)ASN1_STRING_get0_data(s),
		    (size_t)ASN1_STRING_length(s));
	j = jstrn(u, strlen(u));
	OPENSSL_free(u);
	return j;
}

static json_t *
joid(const ASN1_OBJECT *o)
{
	char buf[128];

	info_oid_text(o, buf, sizeof(buf));
	return json_string(buf);
}

static json_t *
jfingerprint(struct jb *jb, const char *alg, const unsigned char *p,
    size_t n)
{
	EVP_MD *md = EVP_MD_fetch(jb->ctx->libctx, alg, jb->ctx->propq);
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dl = 0;
	json_t *j = NULL;

	if (md != NULL && EVP_Digest(p, n, d, &dl, md, NULL))
		j = jhex(d, dl);
	else
		j = json_string("");
	EVP_MD_free(md);
	ERR_clear_error();
	return j;
}

static const struct name_key {
	int nid;
	const char *key;
} name_keys[] = {
	{ NID_commonName, "common_name" },
	{ NID_serialNumber, "serial_number" },
	{ NID_countryName, "country" },
	{ NID_localityName, "locality" },
	{ NID_stateOrProvinceName, "province" },
	{ NID_streetAddress, "street_address" },
	{ NID_organizationName, "organization" },
	{ NID_organizationalUnitName, "organizational_unit" },
	{ NID_postalCode, "postal_code" },
	{ NID_domainComponent, "domain_component" },
	{ NID_pkcs9_emailAddress, "email_address" },
	{ NID_givenName, "given_name" },
	{ NID_surname, "surname" },
	{ NID_jurisdictionCountryName, "jurisdiction_country" },
	{ NID_jurisdictionLocalityName, "jurisdiction_locality" },
	{ NID_jurisdictionStateOrProvinceName, "jurisdiction_province" },
};

static json_t *
jname(struct jb *jb, const X509_NAME *name)
{
	json_t *o = json_object(), *arr, *unknown = NULL;
	int i, n = X509_NAME_entry_count(name);
	size_t k;

	for (k = 0; k < sizeof(name_keys) / sizeof(name_keys[0]); k++) {
		arr = NULL;
		for (i = 0; i < n; i++) {
			const X509_NAME_ENTRY *e = X509_NAME_get_entry(name, i);

			if (OBJ_obj2nid(X509_NAME_ENTRY_get_object(e)) !=
			    name_keys[k].nid)
				continue;
			if (arr == NULL)
				arr = json_array();
			push(jb, arr, jasn1str(X509_NAME_ENTRY_get_data(e)));
		}
		if (arr != NULL)
			put(jb, o, name_keys[k].key, arr);
	}
	for (i = 0; i < n; i++) {
		const X509_NAME_ENTRY *e = X509_NAME_get_entry(name, i);
		int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(e));
		json_t *a;

		for (k = 0; k < sizeof(name_keys) / sizeof(name_keys[0]); k++)
			if (name_keys[k].nid == nid)
				break;
		if (k < sizeof(name_keys) / sizeof(name_keys[0]))
			continue;
		if (unknown == NULL)
			unknown = json_array();
		a = json_object();
		put(jb, a, "type", joid(X509_NAME_ENTRY_get_object(e)));
		put(jb, a, "value", jasn1str(X509_NAME_ENTRY_get_data(e)));
		push(jb, unknown, a);
	}
	if (unknown != NULL)
		put(jb, o, "unknown_attributes", unknown);
	return o;
}

static json_t *
jsigalg(const X509_ALGOR *alg)
{
	const ASN1_OBJECT *obj;
	char name[128];
	json_t *o = json_object();

	X509_ALGOR_get0(&obj, NULL, NULL, alg);
	pkit_x509_sigalg_name(alg, name, sizeof(name));
	if (o == NULL)
		return NULL;
	json_object_set_new(o, "name", json_string(name));
	json_object_set_new(o, "oid", joid(obj));
	return o;
}

static json_t *
jtime(const ASN1_TIME *t)
{
	char buf[40];
	long long e = 0;

	pkit_asn1_time_epoch(t, &e);
	if (e < 0)
		return json_string("1970-01-01T00:00:00Z");
	if (e > 253402300799LL)
		return json_string("9999-12-31T23:59:59Z");
	pkit_asn1_time_rfc3339(t, buf, sizeof(buf));
	return json_string(buf);
}

static json_t *
jkeyinfo(struct jb *jb, X509_PUBKEY *xpk)
{
	EVP_PKEY *pk = X509_PUBKEY_get0(xpk);
	json_t *o = json_object(), *ka = json_object(), *k;
	BIGNUM *a = NULL, *b = NULL, *c = NULL, *d = NULL;
	unsigned char *der = NULL;
	char alg[80];
	int n;

	info_pk_names(xpk, alg, sizeof(alg), NULL, 0);
	put(jb, ka, "name", json_string(alg));
	put(jb, o, "key_algorithm", ka);
	if (pk != NULL && EVP_PKEY_is_a(pk, "RSA") &&
	    EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_N, &a) &&
	    EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_E, &b)) {
		k = json_object();
		put(jb, k, "exponent",
		    json_integer((json_int_t)BN_get_word(b)));
		put(jb, k, "modulus", jbn64(a));
		put(jb, k, "length", json_integer(BN_num_bits(a)));
		put(jb, o, "rsa_public_key", k);
	} else if (pk != NULL && EVP_PKEY_is_a(pk, "EC") &&
	    EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_EC_PUB_X, &a) &&
	    EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_EC_PUB_Y, &b)) {
		char g[64], param[64];
		size_t gl = 0;
		EC_GROUP *grp = NULL;
		BIGNUM *p = BN_new(), *ca = BN_new(), *cb = BN_new(),
		    *gx = BN_new(), *gy = BN_new();
		const unsigned char *raw = NULL;
		int rawlen = 0;

		info_pk_names(xpk, NULL, 0, param, sizeof(param));
		if (EVP_PKEY_get_utf8_string_param(pk,
		    OSSL_PKEY_PARAM_GROUP_NAME, g, sizeof(g), &gl))
			grp = EC_GROUP_new_by_curve_name_ex(jb->ctx->libctx,
			    jb->ctx->propq, OBJ_sn2nid(g));
		k = json_object();
		if (grp != NULL && p && ca && cb && gx && gy &&
		    EC_GROUP_get_curve(grp, p, ca, cb, NULL) &&
		    EC_POINT_get_affine_coordinates(grp,
		    EC_GROUP_get0_generator(grp), gx, gy, NULL)) {
			put(jb, k, "b", jbn64(cb));
			put(jb, k, "curve", json_string(param));
			put(jb, k, "gx", jbn64(gx));
			put(jb, k, "gy", jbn64(gy));
			put(jb, k, "length",
			    json_integer(EVP_PKEY_get_bits(pk)));
			put(jb, k, "n", jbn64(EC_GROUP_get0_order(grp)));
			put(jb, k, "p", jbn64(p));
		} else {
			put(jb, k, "curve", json_string(param));
			put(jb, k, "length",
			    json_integer(EVP_PKEY_get_bits(pk)));
		}
		X509_PUBKEY_get0_param(NULL, &raw, &rawlen, NULL, xpk);
		put(jb, k, "pub", jb64(raw, rawlen > 0 ? (size_t)rawlen : 0));
		put(jb, k, "x", jbn64(a));
		put(jb, k, "y", jbn64(b));
		put(jb, o, "ecdsa_public_key", k);
		EC_GROUP_free(grp);
		BN_free(p);
		BN_free(ca);
		BN_free(cb);
		BN_free(gx);
		BN_free(gy);
	} else if (pk != NULL && EVP_PKEY_is_a(pk, "DSA") &&
	    EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_PUB_KEY, &a) &&
	    EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_FFC_P, &b) &&
	    EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_FFC_Q, &c) &&
	    EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_FFC_G, &d)) {
		k = json_object();
		put(jb, k, "g", jbn64(d));
		put(jb, k, "p", jbn64(b));
		put(jb, k, "q", jbn64(c));
		put(jb, k, "y", jbn64(a));
		put(jb, o, "dsa_public_key", k);
	} else if (pk != NULL && (EVP_PKEY_is_a(pk, "ED25519") ||
	    EVP_PKEY_is_a(pk, "ED448"))) {
		unsigned char raw[64];
		size_t rl = sizeof(raw);

		k = json_object();
		if (EVP_PKEY_get_raw_public_key(pk, raw, &rl))
			put(jb, k, "public_key", jb64(raw, rl));
		put(jb, o, EVP_PKEY_is_a(pk, "ED25519") ?
		    "ed25519_public_key" : "ed448_public_key", k);
	}
	ERR_clear_error();
	if ((n = i2d_X509_PUBKEY(xpk, &der)) > 0)
		put(jb, o, "fingerprint_sha256", jfingerprint(jb, "SHA256",
		    der, (size_t)n));
	OPENSSL_free(der);
	BN_free(a);
	BN_free(b);
	BN_free(c);
	BN_free(d);
	return o;
}

static json_t *
jgeneral_names(struct jb *jb, const GENERAL_NAMES *gns)
{
	static const struct { int type; const char *key; } keys[] = {
		{ GEN_DIRNAME, "directory_names" },
		{ GEN_DNS, "dns_names" },
		{ GEN_EDIPARTY, "edi_party_names" },
		{ GEN_EMAIL, "email_addresses" },
		{ GEN_IPADD, "ip_addresses" },
		{ GEN_OTHERNAME, "other_names" },
		{ GEN_RID, "registered_ids" },
		{ GEN_URI, "uniform_resource_identifiers" },
	};
	json_t *o = json_object(), *arr;
	size_t k;
	int i;
	char v[1024];

	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		arr = NULL;
		for (i = 0; i < sk_GENERAL_NAME_num(gns); i++) {
			const GENERAL_NAME *gn = sk_GENERAL_NAME_value(gns, i);
			json_t *item = NULL;

			if (gn->type != keys[k].type)
				continue;
			switch (gn->type) {
			case GEN_DIRNAME:
				item = jname(jb, gn->d.directoryName);
				break;
			case GEN_OTHERNAME: {
				const OTHERNAME *on = gn->d.otherName;
				unsigned char *der = NULL;
				int n = i2d_ASN1_TYPE(on->value, &der);

				item = json_object();
				put(jb, item, "id", joid(on->type_id));
				if (n > 0)
					put(jb, item, "value",
					    jb64(der, (size_t)n));
				OPENSSL_free(der);
				break;
			}
			case GEN_RID:
				item = joid(gn->d.registeredID);
				break;
			case GEN_EDIPARTY:
				item = json_object();
				break;
			default:
				info_gn_value(gn, v, sizeof(v));
				item = jstrn(v, strlen(v));
				break;
			}
			if (arr == NULL)
				arr = json_array();
			push(jb, arr, item);
		}
		if (arr != NULL)
			put(jb, o, keys[k].key, arr);
	}
	return o;
}

static void
jsubtrees(struct jb *jb, json_t *o, const STACK_OF(GENERAL_SUBTREE) *st,
    const char *prefix)
{
	static const struct { int type; const char *key; } keys[] = {
		{ GEN_DNS, "names" },
		{ GEN_EMAIL, "email_addresses" },
		{ GEN_IPADD, "ip_addresses" },
		{ GEN_DIRNAME, "directory_names" },
		{ GEN_RID, "registred_id" },	/* sic, as zcrypto */
		{ GEN_URI, "uris" },
	};
	size_t k;
	int i;
	char key[64], v[1024];

	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		json_t *arr = NULL;

		for (i = 0; i < sk_GENERAL_SUBTREE_num(st); i++) {
			const GENERAL_NAME *gn =
			    sk_GENERAL_SUBTREE_value(st, i)->base;
			json_t *item;

			if (gn->type != keys[k].type)
				continue;
			if (gn->type == GEN_IPADD) {
				info_ip_range_text(gn->d.iPAddress, v, sizeof(v));
				item = json_object();
				put(jb, item, "cidr", json_string(v));
			} else if (gn->type == GEN_DIRNAME) {
				item = jname(jb, gn->d.directoryName);
			} else if (gn->type == GEN_RID) {
				item = joid(gn->d.registeredID);
			} else {
				info_gn_value(gn, v, sizeof(v));
				item = jstrn(v, strlen(v));
			}
			if (arr == NULL)
				arr = json_array();
			push(jb, arr, item);
		}
		if (arr != NULL) {
			snprintf(key, sizeof(key), "%s_%s", prefix,
			    keys[k].key);
			put(jb, o, key, arr);
		}
	}
}

static json_t *
jstrings(struct jb *jb, const STACK_OF(ASN1_STRING) *sk)
{
	json_t *a = json_array();
	int i;

	for (i = 0; i < sk_ASN1_STRING_num(sk); i++)
		push(jb, a, jasn1str(sk_ASN1_STRING_value(sk, i)));
	return a;
}

static json_t *
jpolicies(struct jb *jb, const CERTIFICATEPOLICIES *cp)
{
	json_t *arr = json_array();
	int i, j, k;

	for (i = 0; i < sk_POLICYINFO_num(cp); i++) {
		const POLICYINFO *pi = sk_POLICYINFO_value(cp, i);
		json_t *p = json_object(), *cps = NULL, *un = NULL;

		put(jb, p, "id", joid(pi->policyid));
		for (j = 0; j < sk_POLICYQUALINFO_num(pi->qualifiers); j++) {
			const POLICYQUALINFO *q =
			    sk_POLICYQUALINFO_value(pi->qualifiers, j);
			int nid = OBJ_obj2nid(q->pqualid);

			if (nid == NID_id_qt_cps) {
				if (cps == NULL)
					cps = json_array();
				push(jb, cps, jasn1str(q->d.cpsuri));
			} else if (nid == NID_id_qt_unotice &&
			    q->d.usernotice != NULL) {
				const USERNOTICE *u = q->d.usernotice;
				json_t *n = json_object();

				if (u->exptext != NULL)
					put(jb, n, "explicit_text",
					    jasn1str(u->exptext));
				if (u->noticeref != NULL) {
					const NOTICEREF *nr = u->noticeref;
					json_t *refs = json_array(),
					    *ref = json_object(),
					    *nums = json_array();

					put(jb, ref, "organization",
					    jasn1str(nr->organization));
					for (k = 0; k < sk_ASN1_INTEGER_num(
					    nr->noticenos); k++)
						push(jb, nums, json_integer(
						    ASN1_INTEGER_get(
						    sk_ASN1_INTEGER_value(
						    nr->noticenos, k))));
					put(jb, ref, "notice_numbers", nums);
					push(jb, refs, ref);
					put(jb, n, "notice_reference", refs);
				}
				if (un == NULL)
					un = json_array();
				push(jb, un, n);
			}
		}
		if (cps != NULL)
			put(jb, p, "cps", cps);
		if (un != NULL)
			put(jb, p, "user_notice", un);
		push(jb, arr, p);
	}
	return arr;
}

static json_t *
jscts(struct jb *jb, const STACK_OF(SCT) *scts)
{
	json_t *arr = json_array();
	int i;

	for (i = 0; i < sk_SCT_num(scts); i++) {
		const SCT *s = sk_SCT_value(scts, i);
		unsigned char *id = NULL, *sig = NULL;
		size_t idlen = SCT_get0_log_id(s, &id);
		size_t siglen = SCT_get0_signature(s, &sig);
		json_t *o = json_object();

		put(jb, o, "version", json_integer(SCT_get_version(s)));
		put(jb, o, "log_id", jb64(id, idlen));
		put(jb, o, "timestamp",
		    json_integer((json_int_t)SCT_get_timestamp(s)));
		put(jb, o, "signature", jb64(sig, siglen));
		push(jb, arr, o);
	}
	return arr;
}

static json_t *
jstep_provisioner(struct jb *jb, const ASN1_OCTET_STRING *data)
{
	STEP_PROVISIONER *sp = info_item_d2i(ASN1_ITEM_rptr(STEP_PROVISIONER),
	    ASN1_STRING_get0_data(data), ASN1_STRING_length(data));
	const char *type;
	json_t *o;
	long t;

	if (sp == NULL)
		return NULL;
	o = json_object();
	put(jb, o, "credentialID", jstrn((const char *)ASN1_STRING_get0_data(
	    sp->credential_id), (size_t)ASN1_STRING_length(sp->credential_id)));
	if (sk_ASN1_STRING_num(sp->kv) > 0)
		put(jb, o, "keyValuePairs", jstrings(jb, sp->kv));
	put(jb, o, "name", jstrn((const char *)ASN1_STRING_get0_data(sp->name),
	    (size_t)ASN1_STRING_length(sp->name)));
	t = ASN1_INTEGER_get(sp->type);
	if ((type = info_step_provisioner_type(t)) != NULL)
		put(jb, o, "type", json_string(type));
	else
		put(jb, o, "type", json_integer(t));
	ASN1_item_free((ASN1_VALUE *)sp, ASN1_ITEM_rptr(STEP_PROVISIONER));
	return o;
}

/* zcrypto's key_usage: a flag per usage and the value as Go numbers it
 * (bit i of the BIT STRING is 1 << i). */
static json_t *
jkey_usage(struct jb *jb, const ASN1_BIT_STRING *bs)
{
	static const char *const keys[9] = {
		"digital_signature", "content_commitment", "key_encipherment",
		"data_encipherment", "key_agreement", "certificate_sign",
		"crl_sign", "encipher_only", "decipher_only",
	};
	json_t *o = json_object();
	int i, v = 0;

	for (i = 0; i < 9; i++) {
		if (!ASN1_BIT_STRING_get_bit(bs, i))
			continue;
		put(jb, o, keys[i], json_true());
		v |= 1 << i;
	}
	put(jb, o, "value", json_integer(v));
	return o;
}

static json_t *
jeku(struct jb *jb, const EXTENDED_KEY_USAGE *eku)
{
	json_t *o = json_object(), *unknown = NULL;
	const char *keys[32];
	size_t nk = 0, a, b;
	int i;

	for (i = 0; i < sk_ASN1_OBJECT_num(eku); i++) {
		const ASN1_OBJECT *ob = sk_ASN1_OBJECT_value(eku, i);
		const struct eku_name *e = info_eku_lookup(ob);

		if (e == NULL) {
			if (unknown == NULL)
				unknown = json_array();
			push(jb, unknown, joid(ob));
		} else if (nk < sizeof(keys) / sizeof(keys[0])) {
			keys[nk++] = e->json;
		}
	}
	/* Go marshals these from a struct whose fields sort by name. */
	for (a = 1; a < nk; a++)
		for (b = a; b > 0 && strcmp(keys[b - 1], keys[b]) > 0; b--) {
			const char *t = keys[b];

			keys[b] = keys[b - 1];
			keys[b - 1] = t;
		}
	for (a = 0; a < nk; a++)
		put(jb, o, keys[a], json_true());
	if (unknown != NULL)
		put(jb, o, "unknown", unknown);
	return o;
}

/* Free what X509V3_EXT_d2i() returned for e. */
static void
ext_value_free(X509_EXTENSION *e, void *v)
{
	const X509V3_EXT_METHOD *m = X509V3_EXT_get(e);

	if (m == NULL || v == NULL)
		return;
	if (m->it != NULL)
		ASN1_item_free(v, ASN1_ITEM_ptr(m->it));
	else if (m->ext_free != NULL)
		m->ext_free(v);
}

static json_t *
jcrldp(struct jb *jb, const CRL_DIST_POINTS *dps)
{
	json_t *a = json_array();
	int d, j;

	for (d = 0; d < sk_DIST_POINT_num(dps); d++) {
		const DIST_POINT *dp = sk_DIST_POINT_value(dps, d);
		const GENERAL_NAMES *full;

		if (dp->distpoint == NULL || dp->distpoint->type != 0)
			continue;
		full = dp->distpoint->name.fullname;
		for (j = 0; j < sk_GENERAL_NAME_num(full); j++) {
			const GENERAL_NAME *gn = sk_GENERAL_NAME_value(full, j);

			if (gn->type == GEN_URI)
				push(jb, a, jasn1str(gn->d.ia5));
		}
	}
	return a;
}

static json_t *
jaia(struct jb *jb, const AUTHORITY_INFO_ACCESS *aia)
{
	json_t *a = json_object(), *ocsp = NULL, *iss = NULL, **dst;
	int j, m;

	for (j = 0; j < sk_ACCESS_DESCRIPTION_num(aia); j++) {
		const ACCESS_DESCRIPTION *ad =
		    sk_ACCESS_DESCRIPTION_value(aia, j);

		m = OBJ_obj2nid(ad->method);
		dst = m == NID_ad_OCSP ? &ocsp : m == NID_ad_ca_issuers ? &iss :
		    NULL;
		if (dst == NULL || ad->location->type != GEN_URI)
			continue;
		if (*dst == NULL)
			*dst = json_array();
		push(jb, *dst, jasn1str(ad->location->d.ia5));
	}
	if (ocsp != NULL)
		put(jb, a, "ocsp_urls", ocsp);
	if (iss != NULL)
		put(jb, a, "issuer_urls", iss);
	return a;
}

/* Add the member for extension e (nid, decoded as v) to o, and free v. */
static void
jext_put(struct jb *jb, json_t *o, X509_EXTENSION *e, int nid, void *v)
{
	json_t *j;

	switch (nid) {
	case NID_key_usage:
		put(jb, o, "key_usage", jkey_usage(jb, v));
		break;
	case NID_basic_constraints: {
		const BASIC_CONSTRAINTS *bc = v;

		j = json_object();
		put(jb, j, "is_ca", json_boolean(bc->ca));
		if (bc->pathlen != NULL)
			put(jb, j, "max_path_len",
			    json_integer(ASN1_INTEGER_get(bc->pathlen)));
		put(jb, o, "basic_constraints", j);
		break;
	}
	case NID_subject_alt_name:
		put(jb, o, "subject_alt_name", jgeneral_names(jb, v));
		break;
	case NID_issuer_alt_name:
		put(jb, o, "issuer_alt_name", jgeneral_names(jb, v));
		break;
	case NID_name_constraints: {
		const NAME_CONSTRAINTS *nc = v;

		j = json_object();
		put(jb, j, "critical",
		    json_boolean(X509_EXTENSION_get_critical(e) > 0));
		jsubtrees(jb, j, nc->permittedSubtrees, "permitted");
		jsubtrees(jb, j, nc->excludedSubtrees, "excluded");
		put(jb, o, "name_constraints", j);
		break;
	}
	case NID_crl_distribution_points:
		put(jb, o, "crl_distribution_points", jcrldp(jb, v));
		break;
	case NID_authority_key_identifier: {
		const AUTHORITY_KEYID *ak = v;

		if (ak->keyid != NULL)
			put(jb, o, "authority_key_id",
			    jhex(ASN1_STRING_get0_data(ak->keyid),
			    (size_t)ASN1_STRING_length(ak->keyid)));
		break;
	}
	case NID_subject_key_identifier:
		put(jb, o, "subject_key_id", jhex(ASN1_STRING_get0_data(v),
		    (size_t)ASN1_STRING_length(v)));
		break;
	case NID_ext_key_usage:
		put(jb, o, "extended_key_usage", jeku(jb, v));
		break;
	case NID_certificate_policies:
		put(jb, o, "certificate_policies", jpolicies(jb, v));
		break;
	case NID_info_access:
		put(jb, o, "authority_info_access", jaia(jb, v));
		break;
	case NID_ct_precert_scts:
		put(jb, o, "signed_certificate_timestamps", jscts(jb, v));
		break;
	default:
		break;
	}
	ext_value_free(e, v);
}

/* The extensions object and the unknown extensions array. */
static void
jextensions(struct jb *jb, const STACK_OF(X509_EXTENSION) *exts,
    json_t *parent)
{
	/* zcrypto's order of the members. */
	static const int order[] = {
		NID_key_usage, NID_basic_constraints, NID_subject_alt_name,
		NID_issuer_alt_name, NID_name_constraints,
		NID_crl_distribution_points, NID_authority_key_identifier,
		NID_subject_key_identifier, NID_ext_key_usage,
		NID_certificate_policies, NID_info_access,
		NID_ct_precert_poison, NID_ct_precert_scts, NID_undef,
	};
	json_t *o = json_object(), *unknown = NULL;
	size_t k;
	int i;

	for (k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
		for (i = 0; i < sk_X509_EXTENSION_num(exts); i++) {
			X509_EXTENSION *e = sk_X509_EXTENSION_value(exts, i);
			const ASN1_OBJECT *obj = X509_EXTENSION_get_object(e);
			int nid = OBJ_obj2nid(obj);
			void *v;

			if (order[k] == NID_undef) {
				if (!info_oid_is(obj, OID_STEP_PROVISIONER))
					continue;
				put(jb, o, "step_provisioner",
				    jstep_provisioner(jb,
				    X509_EXTENSION_get_data(e)));
				break;
			}
			if (nid != order[k])
				continue;
			if (nid == NID_ct_precert_poison)
				put(jb, o, "ct_poison", json_true());
			else if ((v = X509V3_EXT_d2i(e)) != NULL)
				jext_put(jb, o, e, nid, v);
			else
				ERR_clear_error();	/* shown as unknown */
			break;
		}
	}
	/* Everything not rendered above. */
	for (i = 0; i < sk_X509_EXTENSION_num(exts); i++) {
		X509_EXTENSION *e = sk_X509_EXTENSION_value(exts, i);
		const ASN1_OBJECT *obj = X509_EXTENSION_get_object(e);
		const ASN1_OCTET_STRING *d = X509_EXTENSION_get_data(e);
		int nid = OBJ_obj2nid(obj), known = 0;
		void *v;
		json_t *u;

		if (info_oid_is(obj, OID_STEP_PROVISIONER)) {
			STEP_PROVISIONER *sp = info_item_d2i(
			    ASN1_ITEM_rptr(STEP_PROVISIONER),
			    ASN1_STRING_get0_data(d), ASN1_STRING_length(d));

			known = sp != NULL;
			ASN1_item_free((ASN1_VALUE *)sp,
			    ASN1_ITEM_rptr(STEP_PROVISIONER));
		} else if (nid == NID_ct_precert_poison) {
			known = 1;
		} else {
			for (k = 0; k + 1 < sizeof(order) / sizeof(order[0]);
			    k++)
				if (order[k] == nid)
					break;
			if (k + 1 < sizeof(order) / sizeof(order[0]) &&
			    (v = X509V3_EXT_d2i(e)) != NULL) {
				known = 1;
				ext_value_free(e, v);
			}
			ERR_clear_error();
		}
		if (known)
			continue;
		if (unknown == NULL)
			unknown = json_array();
		u = json_object();
		put(jb, u, "id", joid(obj));
		put(jb, u, "critical", json_boolean(
		    X509_EXTENSION_get_critical(e) > 0));
		put(jb, u, "value", jb64(ASN1_STRING_get0_data(d),
		    (size_t)ASN1_STRING_length(d)));
		push(jb, unknown, u);
	}
	if (json_object_size(o) > 0)
		put(jb, parent, "extensions", o);
	else
		json_decref(o);
	if (unknown != NULL)
		put(jb, parent, "unknown_extensions", unknown);
}

/* The names zcrypto lists: the CN when it looks like a host name, DNS
 * names, URIs and IP addresses, without duplicates, sorted. */
static json_t *
jnames(struct jb *jb, const char *cn, const GENERAL_NAMES *gns,
    int *redacted)
{
	char *v[256];
	size_t n = 0, i, j;
	int g;
	json_t *arr;
	char buf[1024];

	*redacted = 0;
	if (*cn != '\0' && strpbrk(cn, " \t") == NULL)
		v[n++] = strdup(cn);
	for (g = 0; g < sk_GENERAL_NAME_num(gns) && n < 256; g++) {
		const GENERAL_NAME *gn = sk_GENERAL_NAME_value(gns, g);

		if (gn->type != GEN_DNS && gn->type != GEN_URI &&
		    gn->type != GEN_IPADD)
			continue;
		info_gn_value(gn, buf, sizeof(buf));
		v[n++] = strdup(buf);
	}
	for (i = 0; i < n; i++)
		if (v[i] == NULL)
			jb->oom = 1;
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && v[j - 1] != NULL && v[j] != NULL &&
		    strcmp(v[j - 1], v[j]) > 0; j--) {
			char *t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	arr = json_array();
	for (i = 0; i < n; i++) {
		if (v[i] != NULL && (i == 0 || v[i - 1] == NULL ||
		    strcmp(v[i - 1], v[i]) != 0)) {
			push(jb, arr, jstrn(v[i], strlen(v[i])));
			if (v[i][0] == '?')
				*redacted = 1;
		}
	}
	for (i = 0; i < n; i++)
		free(v[i]);
	return arr;
}

static const char *
validation_level(X509 *crt)
{
	CERTIFICATEPOLICIES *cp = X509_get_ext_d2i(crt,
	    NID_certificate_policies, NULL, NULL);
	const char *level = "unknown";
	char oid[128];
	int i;

	for (i = 0; i < sk_POLICYINFO_num(cp); i++) {
		info_oid_text(sk_POLICYINFO_value(cp, i)->policyid, oid,
		    sizeof(oid));
		if (strcmp(oid, "2.23.140.1.1") == 0)
			level = "EV";
		else if (strcmp(oid, "2.23.140.1.2.2") == 0 ||
		    strcmp(oid, "2.23.140.1.2.3") == 0)
			level = "OV";
		else if (strcmp(oid, "2.23.140.1.2.1") == 0)
			level = "DV";
	}
	CERTIFICATEPOLICIES_free(cp);
	ERR_clear_error();
	return level;
}

/* The TBSCertificate as encoded in der (the first element of the outer
 * SEQUENCE). */
static int
tbs_span(const unsigned char *der, long len, const unsigned char **tbs,
    long *tbslen)
{
	const unsigned char *p = der, *start;
	long l;
	int tag, cls;

	if (ASN1_get_object(&p, &l, &tag, &cls, len) & 0x80)
		return -1;
	start = p;
	if (ASN1_get_object(&p, &l, &tag, &cls, len - (p - der)) & 0x80)
		return -1;
	*tbs = start;
	*tbslen = (long)(p - start) + l;
	return 0;
}

/* SHA-256 of the TBSCertificate without the CT poison and SCT list. */
static json_t *
jtbs_noct(struct jb *jb, X509 *crt, json_t *tbs_fp)
{
	X509 *dup;
	unsigned char *der = NULL;
	int i, n;
	json_t *j;

	if (X509_get_ext_by_NID(crt, NID_ct_precert_scts, -1) < 0 &&
	    X509_get_ext_by_NID(crt, NID_ct_precert_poison, -1) < 0)
		return json_copy(tbs_fp);
	if ((dup = X509_dup(crt)) == NULL)
		return NULL;
	while ((i = X509_get_ext_by_NID(dup, NID_ct_precert_scts, -1)) >= 0 ||
	    (i = X509_get_ext_by_NID(dup, NID_ct_precert_poison, -1)) >= 0) {
		X509_EXTENSION_free(X509_delete_ext(dup, i));
	}
	if ((n = i2d_re_X509_tbs(dup, &der)) <= 0) {
		X509_free(dup);
		ERR_clear_error();
		return json_string("");
	}
	j = jfingerprint(jb, "SHA256", der, (size_t)n);
	OPENSSL_free(der);
	X509_free(dup);
	return j;
}

static json_t *
jcert(struct jb *jb, X509 *crt, unsigned flags)
{
	json_t *o = json_object(), *v, *sig, *tbsfp = NULL, *names;
	GENERAL_NAMES *gns = X509_get_ext_d2i(crt, NID_subject_alt_name, NULL,
	    NULL);
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(crt), NULL);
	char *dec = bn ? BN_bn2dec(bn) : NULL, dn[4096], cn[1024];
	const ASN1_BIT_STRING *sigbits;
	const X509_ALGOR *alg;
	const unsigned char *tbs;
	unsigned char *der = NULL, *spki = NULL, *subj = NULL, *both;
	long tbslen;
	int dlen, spkilen, subjlen, self, redacted;
	long long t1 = 0, t2 = 0;

	ERR_clear_error();
	put(jb, o, "version", json_integer(X509_get_version(crt) + 1));
	put(jb, o, "serial_number", json_string(dec ? dec : ""));
	put(jb, o, "signature_algorithm", jsigalg(X509_get0_tbs_sigalg(crt)));
	put(jb, o, "issuer", jname(jb, X509_get_issuer_name(crt)));
	info_name_dn(X509_get_issuer_name(crt), dn, sizeof(dn));
	if (*dn != '\0')
		put(jb, o, "issuer_dn", jstrn(dn, strlen(dn)));
	v = json_object();
	put(jb, v, "start", jtime(X509_get0_notBefore(crt)));
	put(jb, v, "end", jtime(X509_get0_notAfter(crt)));
	pkit_asn1_time_epoch(X509_get0_notBefore(crt), &t1);
	pkit_asn1_time_epoch(X509_get0_notAfter(crt), &t2);
	put(jb, v, "length", json_integer((json_int_t)(t2 - t1)));
	put(jb, o, "validity", v);
	put(jb, o, "subject", jname(jb, X509_get_subject_name(crt)));
	info_name_dn(X509_get_subject_name(crt), dn, sizeof(dn));
	if (*dn != '\0')
		put(jb, o, "subject_dn", jstrn(dn, strlen(dn)));
	put(jb, o, "subject_key_info", jkeyinfo(jb, X509_get_X509_PUBKEY(crt)));
	jextensions(jb, X509_get0_extensions(crt), o);

	self = info_is_self_signed(crt);
	X509_get0_signature(&sigbits, &alg, crt);
	sig = json_object();
	put(jb, sig, "signature_algorithm", jsigalg(alg));
	put(jb, sig, "value", jb64(ASN1_STRING_get0_data(sigbits),
	    (size_t)ASN1_STRING_length(sigbits)));
	put(jb, sig, "valid", json_boolean(self));
	put(jb, sig, "self_signed", json_boolean(self));
	put(jb, o, "signature", sig);

	if ((dlen = i2d_X509(crt, &der)) > 0) {
		put(jb, o, "fingerprint_md5", jfingerprint(jb, "MD5", der,
		    (size_t)dlen));
		put(jb, o, "fingerprint_sha1", jfingerprint(jb, "SHA1", der,
		    (size_t)dlen));
		put(jb, o, "fingerprint_sha256", jfingerprint(jb, "SHA256", der,
		    (size_t)dlen));
		if (tbs_span(der, dlen, &tbs, &tbslen) == 0)
			tbsfp = jfingerprint(jb, "SHA256", tbs, (size_t)tbslen);
	}
	if (tbsfp == NULL)
		tbsfp = json_string("");
	put(jb, o, "tbs_noct_fingerprint", jtbs_noct(jb, crt, tbsfp));
	spkilen = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(crt), &spki);
	subjlen = i2d_X509_NAME(X509_get_subject_name(crt), &subj);
	if (spkilen > 0 && subjlen > 0 &&
	    (both = malloc((size_t)spkilen + (size_t)subjlen)) != NULL) {
		memcpy(both, spki, (size_t)spkilen);
		memcpy(both + spkilen, subj, (size_t)subjlen);
		put(jb, o, "spki_subject_fingerprint", jfingerprint(jb,
		    "SHA256", both, (size_t)spkilen + (size_t)subjlen));
		free(both);
	}
	put(jb, o, "tbs_fingerprint", tbsfp);
	put(jb, o, "validation_level", json_string(validation_level(crt)));
	pkit_x509_name_cn(X509_get_subject_name(crt), cn, sizeof(cn));
	names = jnames(jb, cn, gns, &redacted);
	if (json_array_size(names) > 0)
		put(jb, o, "names", names);
	else
		json_decref(names);
	put(jb, o, "redacted", json_boolean(redacted));
	if (flags & PKIT_X509_INFO_WITH_PEM) {
		unsigned char *pem = NULL;
		size_t plen = 0;

		if (pkit_x509_encode(jb->ctx, crt, PKIT_KEY_PEM, &pem,
		    &plen) == 0)
			put(jb, o, "pem", jstrn((char *)pem, plen));
		else
			jb->oom = 1;
		free(pem);
	}
	OPENSSL_free(der);
	OPENSSL_free(spki);
	OPENSSL_free(subj);
	OPENSSL_free(dec);
	BN_free(bn);
	GENERAL_NAMES_free(gns);
	ERR_clear_error();
	return o;
}

/* pkit's CSR JSON: the certificate's field names where they apply (step
 * prints Go's struct field names here). */
static json_t *
jcsr(struct jb *jb, X509_REQ *req, unsigned flags)
{
	json_t *o = json_object(), *sig, *attrs = NULL, *names;
	STACK_OF(X509_EXTENSION) *exts = X509_REQ_get_extensions(req);
	GENERAL_NAMES *gns = info_csr_sans(req);
	const ASN1_BIT_STRING *sigbits;
	const X509_ALGOR *alg;
	EVP_PKEY *pk;
	char dn[4096], cn[1024];
	int i, j, valid, redacted;

	ERR_clear_error();
	put(jb, o, "version", json_integer(X509_REQ_get_version(req) > 0 ?
	    X509_REQ_get_version(req) : 0));
	put(jb, o, "subject", jname(jb, X509_REQ_get_subject_name(req)));
	info_name_dn(X509_REQ_get_subject_name(req), dn, sizeof(dn));
	if (*dn != '\0')
		put(jb, o, "subject_dn", jstrn(dn, strlen(dn)));
	put(jb, o, "subject_key_info",
	    jkeyinfo(jb, X509_REQ_get_X509_PUBKEY(req)));
	jextensions(jb, exts, o);
	for (i = 0; i < X509_REQ_get_attr_count(req); i++) {
		X509_ATTRIBUTE *a = X509_REQ_get_attr(req, i);
		const ASN1_OBJECT *ob = X509_ATTRIBUTE_get0_object(a);
		int nid = OBJ_obj2nid(ob);
		json_t *item, *vals;

		if (nid == NID_ext_req || nid == NID_ms_ext_req)
			continue;
		item = json_object();
		vals = json_array();
		put(jb, item, "id", joid(ob));
		for (j = 0; j < X509_ATTRIBUTE_count(a); j++) {
			ASN1_TYPE *t = X509_ATTRIBUTE_get0_type(a, j);
			unsigned char *der = NULL;
			int len;

			if (t == NULL)
				continue;
			if (t->type == V_ASN1_UTF8STRING ||
			    t->type == V_ASN1_PRINTABLESTRING ||
			    t->type == V_ASN1_IA5STRING ||
			    t->type == V_ASN1_T61STRING ||
			    t->type == V_ASN1_BMPSTRING) {
				push(jb, vals, jasn1str(t->value.asn1_string));
			} else if ((len = i2d_ASN1_TYPE(t, &der)) > 0) {
				push(jb, vals, jb64(der, (size_t)len));
			}
			OPENSSL_free(der);
		}
		put(jb, item, "values", vals);
		if (attrs == NULL)
			attrs = json_array();
		push(jb, attrs, item);
	}
	if (attrs != NULL)
		put(jb, o, "attributes", attrs);
	X509_REQ_get0_signature(req, &sigbits, &alg);
	pk = X509_REQ_get0_pubkey(req);
	valid = pk != NULL && X509_REQ_verify_ex(req, pk, jb->ctx->libctx,
	    jb->ctx->propq) == 1;
	ERR_clear_error();
	sig = json_object();
	put(jb, sig, "signature_algorithm", jsigalg(alg));
	put(jb, sig, "value", jb64(ASN1_STRING_get0_data(sigbits),
	    (size_t)ASN1_STRING_length(sigbits)));
	put(jb, sig, "valid", json_boolean(valid));
	put(jb, o, "signature", sig);
	pkit_x509_name_cn(X509_REQ_get_subject_name(req), cn, sizeof(cn));
	names = jnames(jb, cn, gns, &redacted);
	if (json_array_size(names) > 0)
		put(jb, o, "names", names);
	else
		json_decref(names);
	if (flags & PKIT_X509_INFO_WITH_PEM) {
		unsigned char *pem = NULL;
		size_t plen = 0;

		if (pkit_x509_csr_encode(jb->ctx, req, PKIT_KEY_PEM, &pem,
		    &plen) == 0)
			put(jb, o, "pem", jstrn((char *)pem, plen));
		else
			jb->oom = 1;
		free(pem);
	}
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	GENERAL_NAMES_free(gns);
	ERR_clear_error();
	return o;
}

int
info_json(struct pkit_ctx *ctx, const struct pkit_x509_input *in,
    unsigned flags, char **out)
{
	struct jb jb = { ctx, 0 };
	json_t *root;
	char *s;
	int i, n = in->certs != NULL ? sk_X509_num(in->certs) : 0;

	if (in->csr != NULL) {
		root = jcsr(&jb, in->csr, flags);
	} else if (!(flags & PKIT_X509_INFO_BUNDLE) || n == 1) {
		root = jcert(&jb, sk_X509_value(in->certs, 0), flags);
	} else {
		root = json_array();
		for (i = 0; i < n; i++)
			push(&jb, root, jcert(&jb, sk_X509_value(in->certs, i),
			    flags));
	}
	if (root == NULL || jb.oom) {
		json_decref(root);
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "building JSON");
	}
	s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (s == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "building JSON");
	if ((*out = malloc(strlen(s) + 2)) == NULL) {
		free(s);
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "building JSON");
	}
	snprintf(*out, strlen(s) + 2, "%s\n", s);
	free(s);
	return PKIT_OK;
}

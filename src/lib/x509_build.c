/* x509_build.c - certificates and CSRs from JSON certificate templates. */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include "codec.h"
#include "fs.h"
#include "key.h"
#include "template.h"
#include "timeutil.h"
#include "x509.h"
#include "x509_build.h"

const char pkit_x509_tmpl_leaf[] =
	"{\n"
	"\t\"subject\": {{ toJson .Subject }},\n"
	"\t\"sans\": {{ toJson .SANs }},\n"
	"{{- if typeIs \"*rsa.PublicKey\" .Insecure.CR.PublicKey }}\n"
	"\t\"keyUsage\": [\"keyEncipherment\", \"digitalSignature\"],\n"
	"{{- else }}\n"
	"\t\"keyUsage\": [\"digitalSignature\"],\n"
	"{{- end }}\n"
	"\t\"extKeyUsage\": [\"serverAuth\", \"clientAuth\"]\n"
	"}";

const char pkit_x509_tmpl_intermediate[] =
	"{\n"
	"\t\"subject\": {{ toJson .Subject }},\n"
	"\t\"keyUsage\": [\"certSign\", \"crlSign\"],\n"
	"\t\"basicConstraints\": {\n"
	"\t\t\"isCA\": true,\n"
	"\t\t\"maxPathLen\": 0\n"
	"\t}\n"
	"}";

const char pkit_x509_tmpl_root[] =
	"{\n"
	"\t\"subject\": {{ toJson .Subject }},\n"
	"\t\"issuer\": {{ toJson .Subject }},\n"
	"\t\"keyUsage\": [\"certSign\", \"crlSign\"],\n"
	"\t\"basicConstraints\": {\n"
	"\t\t\"isCA\": true,\n"
	"\t\t\"maxPathLen\": 1\n"
	"\t}\n"
	"}";

const char pkit_x509_tmpl_intermediate_pathlen[] =
	"{\n"
	"\t\"subject\": {{ toJson .Subject }},\n"
	"\t\"keyUsage\": [\"certSign\", \"crlSign\"],\n"
	"\t\"basicConstraints\": {\n"
	"\t\t\"isCA\": true,\n"
	"\t\t\"maxPathLen\": {{ .MaxPathLen }}\n"
	"\t}\n"
	"}";

const char pkit_x509_tmpl_from_csr[] = "{{ toJson .Insecure.CR }}";

const char pkit_x509_tmpl_csr[] =
	"{\n"
	"\t\"subject\": {{ toJson .Subject }},\n"
	"\t\"sans\": {{ toJson .SANs }}\n"
	"}";

/* ---- SAN strings --------------------------------------------------- */

static int
is_ip(const char *s, unsigned char *buf, int *len)
{
	unsigned char tmp[16];

	if (buf == NULL)
		buf = tmp;
	if (inet_pton(AF_INET, s, buf) == 1) {
		if (len != NULL)
			*len = 4;
		return 1;
	}
	if (inet_pton(AF_INET6, s, buf) == 1) {
		if (len != NULL)
			*len = 16;
		return 1;
	}
	return 0;
}

/* Go's url.Parse finds a scheme when the text starts with a letter, then
 * letters, digits, '+', '-' or '.', then ':'. */
static int
has_scheme(const char *s)
{
	size_t i;

	if (!isalpha((unsigned char)s[0]))
		return 0;
	for (i = 1; s[i] != '\0'; i++) {
		if (s[i] == ':')
			return 1;
		if (!isalnum((unsigned char)s[i]) && s[i] != '+' &&
		    s[i] != '-' && s[i] != '.')
			return 0;
	}
	return 0;
}

enum pkit_san_type
pkit_san_detect(const char *s)
{
	if (is_ip(s, NULL, NULL))
		return PKIT_SAN_IP;
	if (has_scheme(s))
		return PKIT_SAN_URI;
	if (strchr(s, '@') != NULL)
		return PKIT_SAN_EMAIL;
	return PKIT_SAN_DNS;
}

/* Letters, digits, '-' and '_' in labels of 1..63, at most 253 in all; a
 * leading "*." wildcard and a trailing dot are allowed. */
static int
valid_dns(const char *s)
{
	size_t len = strlen(s), label = 0, i;

	if (len > 0 && s[len - 1] == '.')
		len--;
	if (len == 0 || len > 253)
		return 0;
	if (len >= 2 && s[0] == '*' && s[1] == '.') {
		s += 2;
		len -= 2;
		if (len == 0)
			return 0;
	}
	for (i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (label == 0)
				return 0;
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
			return 0;
		if (++label > 63)
			return 0;
	}
	return label > 0;
}

static int
is_ia5(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s > 0x7e || (unsigned char)*s < 0x20)
			return 0;
	return 1;
}

int
pkit_san_is_name(const char *s)
{
	switch (pkit_san_detect(s)) {
	case PKIT_SAN_DNS:
		return valid_dns(s);
	case PKIT_SAN_IP:
		return 1;
	default:
		return is_ia5(s) && strchr(s, ' ') == NULL;
	}
}

static const char *
san_type_name(enum pkit_san_type t)
{
	switch (t) {
	case PKIT_SAN_DNS: return "dns";
	case PKIT_SAN_IP: return "ip";
	case PKIT_SAN_EMAIL: return "email";
	case PKIT_SAN_URI: return "uri";
	}
	return "dns";
}

static int
check_san(struct pkit_ctx *ctx, enum pkit_san_type t, const char *v)
{
	switch (t) {
	case PKIT_SAN_DNS:
		if (!valid_dns(v))
			return pkit_seterr(ctx, PKIT_ERR_ARG,
			    "'%s' is not a valid DNS name", v);
		return 0;
	case PKIT_SAN_IP:
		if (!is_ip(v, NULL, NULL))
			return pkit_seterr(ctx, PKIT_ERR_ARG,
			    "'%s' is not an IP address", v);
		return 0;
	case PKIT_SAN_EMAIL:
	case PKIT_SAN_URI:
		if (*v == '\0' || !is_ia5(v) || strchr(v, ' ') != NULL)
			return pkit_seterr(ctx, PKIT_ERR_ARG,
			    "'%s' is not a valid %s", v, t == PKIT_SAN_EMAIL ?
			    "email address" : "URI");
		return 0;
	}
	return 0;
}

static json_t *
san_obj(const char *type, const char *value)
{
	return json_pack("{s:s, s:s}", "type", type, "value", value);
}

int
pkit_x509_sans_json(struct pkit_ctx *ctx, const char *const *sans, size_t n,
    json_t **out)
{
	static const enum pkit_san_type order[] = { PKIT_SAN_DNS, PKIT_SAN_IP,
	    PKIT_SAN_EMAIL, PKIT_SAN_URI };
	json_t *arr;
	size_t i, k;
	int r;

	*out = NULL;
	if ((arr = json_array()) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "SANs");
	for (k = 0; k < 4; k++) {
		for (i = 0; i < n; i++) {
			enum pkit_san_type t = pkit_san_detect(sans[i]);

			if (t != order[k])
				continue;
			if ((r = check_san(ctx, t, sans[i])) != 0) {
				json_decref(arr);
				return r;
			}
			if (json_array_append_new(arr, san_obj(san_type_name(t),
			    sans[i])) != 0) {
				json_decref(arr);
				return pkit_seterr(ctx, PKIT_ERR_NOMEM, "SANs");
			}
		}
	}
	*out = arr;
	return PKIT_OK;
}

/* ---- names as JSON ------------------------------------------------- */

static const struct {
	int nid;
	const char *key;
	int multi;	/* a list in JSON (else a string; the last wins) */
} name_fields[] = {
	{ NID_countryName, "country", 1 },
	{ NID_stateOrProvinceName, "province", 1 },
	{ NID_localityName, "locality", 1 },
	{ NID_streetAddress, "streetAddress", 1 },
	{ NID_postalCode, "postalCode", 1 },
	{ NID_organizationName, "organization", 1 },
	{ NID_organizationalUnitName, "organizationalUnit", 1 },
	{ NID_commonName, "commonName", 0 },
	{ NID_serialNumber, "serialNumber", 0 },
};
#define NFIELDS (sizeof(name_fields) / sizeof(name_fields[0]))

static int
oid_text(const ASN1_OBJECT *obj, char *buf, size_t size)
{
	int n = OBJ_obj2txt(buf, (int)size, obj, 1);

	return n > 0 && (size_t)n < size ? 0 : -1;
}

static json_t *
asn1_string_json(const ASN1_STRING *s)
{
	unsigned char *utf8 = NULL;
	json_t *j;
	int n;

	if ((n = ASN1_STRING_to_UTF8(&utf8, s)) < 0)
		return NULL;
	j = json_stringn((const char *)utf8, (size_t)n);
	OPENSSL_free(utf8);
	return j;
}

int
pkit_x509_name_json(struct pkit_ctx *ctx, const X509_NAME *name,
    json_t **out)
{
	json_t *obj = json_object(), *extra = NULL;
	int i, r = PKIT_ERR_INTERNAL;

	*out = NULL;
	if (obj == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "name");
	for (i = 0; i < X509_NAME_entry_count(name); i++) {
		const X509_NAME_ENTRY *ne = X509_NAME_get_entry(name, i);
		const ASN1_OBJECT *o = X509_NAME_ENTRY_get_object(ne);
		int nid = OBJ_obj2nid(o);
		json_t *v = asn1_string_json(X509_NAME_ENTRY_get_data(ne));
		size_t k;

		if (v == NULL) {
			r = pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "a name attribute is not a valid string");
			goto out;
		}
		for (k = 0; k < NFIELDS; k++)
			if (name_fields[k].nid == nid)
				break;
		if (k < NFIELDS && name_fields[k].multi) {
			json_t *arr = json_object_get(obj, name_fields[k].key);

			if (arr == NULL) {
				arr = json_array();
				if (json_object_set_new(obj, name_fields[k].key,
				    arr) != 0)
					arr = NULL;
			}
			if (arr == NULL || json_array_append_new(arr, v) != 0) {
				r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "name");
				goto out;
			}
		} else if (k < NFIELDS) {
			if (json_object_set_new(obj, name_fields[k].key,
			    v) != 0) {
				r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "name");
				goto out;
			}
		} else {
			char oid[128];

			if (oid_text(o, oid, sizeof(oid)) != 0) {
				json_decref(v);
				r = pkit_seterr(ctx, PKIT_ERR_FORMAT,
				    "a name attribute has a bad OID");
				goto out;
			}
			if (extra == NULL && ((extra = json_array()) == NULL ||
			    json_object_set_new(obj, "extraNames",
			    extra) != 0)) {
				json_decref(v);
				r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "name");
				goto out;
			}
			if (json_array_append_new(extra, json_pack("{s:s, s:o}",
			    "type", oid, "value", v)) != 0) {
				r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "name");
				goto out;
			}
		}
	}
	*out = obj;
	obj = NULL;
	r = PKIT_OK;
out:
	json_decref(obj);
	return r;
}

/* ---- the CSR as template data -------------------------------------- */

static const struct {
	const char *name;
	int bit;
} ku_names[] = {
	{ "digitalSignature", 0 },
	{ "contentCommitment", 1 },
	{ "nonRepudiation", 1 },
	{ "keyEncipherment", 2 },
	{ "dataEncipherment", 3 },
	{ "keyAgreement", 4 },
	{ "certSign", 5 },
	{ "keyCertSign", 5 },
	{ "crlSign", 6 },
	{ "encipherOnly", 7 },
	{ "decipherOnly", 8 },
};

static const struct {
	const char *name;
	const char *oid;
} eku_names[] = {
	{ "any", "2.5.29.37.0" },
	{ "serverAuth", "1.3.6.1.5.5.7.3.1" },
	{ "clientAuth", "1.3.6.1.5.5.7.3.2" },
	{ "codeSigning", "1.3.6.1.5.5.7.3.3" },
	{ "emailProtection", "1.3.6.1.5.5.7.3.4" },
	{ "ipsecEndSystem", "1.3.6.1.5.5.7.3.5" },
	{ "ipsecTunnel", "1.3.6.1.5.5.7.3.6" },
	{ "ipsecUser", "1.3.6.1.5.5.7.3.7" },
	{ "timeStamping", "1.3.6.1.5.5.7.3.8" },
	{ "ocspSigning", "1.3.6.1.5.5.7.3.9" },
	{ "microsoftServerGatedCrypto", "1.3.6.1.4.1.311.10.3.3" },
	{ "netscapeServerGatedCrypto", "2.16.840.1.113730.4.1" },
	{ "microsoftCommercialCodeSigning", "1.3.6.1.4.1.311.2.1.22" },
	{ "microsoftKernelCodeSigning", "1.3.6.1.4.1.311.61.1.1" },
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char **
xcalloc_ptrs(size_t n)
{
	return calloc(n == 0 ? 1 : n, sizeof(const char *));
}

static int
obj_set(json_t *obj, const char *key, json_t *v)
{
	return v == NULL ? -1 : json_object_set_new(obj, key, v);
}

/* Append a JSON string for each GENERAL_NAME of type t. */
static int
gens_json(GENERAL_NAMES *gens, int type, json_t **out)
{
	json_t *arr = NULL;
	int i;

	*out = json_null();
	for (i = 0; gens != NULL && i < sk_GENERAL_NAME_num(gens); i++) {
		GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		json_t *v = NULL;

		if (g->type != type)
			continue;
		if (type == GEN_IPADD) {
			char ip[INET6_ADDRSTRLEN];
			int len = ASN1_STRING_length(g->d.ip);
			const unsigned char *d = ASN1_STRING_get0_data(g->d.ip);

			if ((len != 4 && len != 16) || inet_ntop(len == 4 ?
			    AF_INET : AF_INET6, d, ip, sizeof(ip)) == NULL)
				continue;
			v = json_string(ip);
		} else {
			v = json_stringn((const char *)ASN1_STRING_get0_data(
			    g->d.ia5), (size_t)ASN1_STRING_length(g->d.ia5));
		}
		if (v == NULL)
			continue;
		if (arr == NULL && (arr = json_array()) == NULL) {
			json_decref(v);
			return -1;
		}
		if (json_array_append_new(arr, v) != 0) {
			json_decref(arr);
			return -1;
		}
	}
	if (arr != NULL)
		*out = arr;
	return 0;
}

static const char *
key_go_type(EVP_PKEY *key, const char **alg)
{
	switch (EVP_PKEY_get_base_id(key)) {
	case EVP_PKEY_RSA:
	case EVP_PKEY_RSA_PSS:
		*alg = "RSA";
		return "*rsa.PublicKey";
	case EVP_PKEY_EC:
		*alg = "ECDSA";
		return "*ecdsa.PublicKey";
	case EVP_PKEY_ED25519:
		*alg = "Ed25519";
		return "ed25519.PublicKey";
	case EVP_PKEY_X25519:
		*alg = "X25519";
		return "*ecdh.PublicKey";
	default:
		*alg = "unknown";
		return "unknown";
	}
}

static int
set_key_json(json_t *obj, EVP_PKEY *key)
{
	const char *alg, *t = key_go_type(key, &alg);

	if (obj_set(obj, "publicKey", json_pack("{s:s, s:i}", "$type", t,
	    "bits", EVP_PKEY_get_bits(key))) != 0 ||
	    obj_set(obj, "publicKeyAlgorithm", json_string(alg)) != 0)
		return -1;
	return 0;
}

static json_t *
ku_json(uint32_t ku)
{
	static const struct { uint32_t flag; const char *name; } map[] = {
		{ KU_DIGITAL_SIGNATURE, "digitalSignature" },
		{ KU_NON_REPUDIATION, "contentCommitment" },
		{ KU_KEY_ENCIPHERMENT, "keyEncipherment" },
		{ KU_DATA_ENCIPHERMENT, "dataEncipherment" },
		{ KU_KEY_AGREEMENT, "keyAgreement" },
		{ KU_KEY_CERT_SIGN, "certSign" },
		{ KU_CRL_SIGN, "crlSign" },
		{ KU_ENCIPHER_ONLY, "encipherOnly" },
		{ KU_DECIPHER_ONLY, "decipherOnly" },
	};
	json_t *arr = json_array();
	size_t i;

	for (i = 0; arr != NULL && i < NELEM(map); i++)
		if ((ku & map[i].flag) &&
		    json_array_append_new(arr, json_string(map[i].name)) != 0) {
			json_decref(arr);
			return NULL;
		}
	return arr;
}

/* The CSR's extensions: raw list, and the parsed KU, EKU, BC and SANs. */
static int
req_exts_json(struct pkit_ctx *ctx, json_t *obj,
    STACK_OF(X509_EXTENSION) *exts)
{
	json_t *raw = json_array(), *eku = NULL, *unk = NULL, *v;
	GENERAL_NAMES *gens = NULL;
	int i, r = PKIT_ERR_NOMEM;

	if (raw == NULL)
		goto out;
	for (i = 0; i < sk_X509_EXTENSION_num(exts); i++) {
		X509_EXTENSION *ext = sk_X509_EXTENSION_value(exts, i);
		ASN1_OCTET_STRING *data = X509_EXTENSION_get_data(ext);
		int nid = OBJ_obj2nid(X509_EXTENSION_get_object(ext));
		char oid[128], *b64 = NULL;

		if (oid_text(X509_EXTENSION_get_object(ext), oid, sizeof(oid)))
			continue;
		if (pkit_b64_encode(ctx, PKIT_B64_STD,
		    ASN1_STRING_get0_data(data),
		    (size_t)ASN1_STRING_length(data),
		    &b64) != 0) {
			r = ctx->err;
			goto out;
		}
		v = json_pack("{s:s, s:b, s:s}", "id", oid, "critical",
		    X509_EXTENSION_get_critical(ext), "value", b64);
		free(b64);
		if (json_array_append_new(raw, v) != 0)
			goto out;
		if (nid == NID_key_usage) {
			ASN1_BIT_STRING *bs = X509V3_EXT_d2i(ext);
			uint32_t ku = 0;
			int b;

			for (b = 0; bs != NULL && b < 9; b++)
				if (ASN1_BIT_STRING_get_bit(bs, b))
					ku |= b < 8 ? 0x80u >> b : 0x8000u;
			ASN1_BIT_STRING_free(bs);
			if (obj_set(obj, "keyUsage", ku_json(ku)) != 0)
				goto out;
		} else if (nid == NID_ext_key_usage) {
			EXTENDED_KEY_USAGE *ek = X509V3_EXT_d2i(ext);
			int k;

			for (k = 0; ek != NULL && k < sk_ASN1_OBJECT_num(ek);
			    k++) {
				size_t m;

				if (oid_text(sk_ASN1_OBJECT_value(ek, k), oid,
				    sizeof(oid)))
					continue;
				for (m = 0; m < NELEM(eku_names); m++)
					if (strcmp(eku_names[m].oid, oid) == 0)
						break;
				if (m < NELEM(eku_names)) {
					if (eku == NULL)
						eku = json_array();
					json_array_append_new(eku,
					    json_string(eku_names[m].name));
				} else {
					if (unk == NULL)
						unk = json_array();
					json_array_append_new(unk,
					    json_string(oid));
				}
			}
			EXTENDED_KEY_USAGE_free(ek);
		} else if (nid == NID_basic_constraints) {
			BASIC_CONSTRAINTS *bc = X509V3_EXT_d2i(ext);
			long pl = -1;

			if (bc != NULL && bc->pathlen != NULL)
				pl = ASN1_INTEGER_get(bc->pathlen);
			if (bc != NULL && obj_set(obj, "basicConstraints",
			    json_pack("{s:b, s:I}", "isCA", bc->ca != 0,
			    "maxPathLen", (json_int_t)pl)) != 0) {
				BASIC_CONSTRAINTS_free(bc);
				goto out;
			}
			BASIC_CONSTRAINTS_free(bc);
		} else if (nid == NID_subject_alt_name && gens == NULL) {
			gens = X509V3_EXT_d2i(ext);
		}
	}
	if ((eku != NULL && json_object_set(obj, "extKeyUsage", eku) != 0) ||
	    (unk != NULL && json_object_set(obj, "unknownExtKeyUsage",
	    unk) != 0))
		goto out;
	if (gens_json(gens, GEN_DNS, &v) != 0 ||
	    json_object_set_new(obj, "dnsNames", v) != 0 ||
	    gens_json(gens, GEN_EMAIL, &v) != 0 ||
	    json_object_set_new(obj, "emailAddresses", v) != 0 ||
	    gens_json(gens, GEN_IPADD, &v) != 0 ||
	    json_object_set_new(obj, "ipAddresses", v) != 0 ||
	    gens_json(gens, GEN_URI, &v) != 0 ||
	    json_object_set_new(obj, "uris", v) != 0)
		goto out;
	if (json_object_set(obj, "extensions", raw) != 0)
		goto out;
	r = PKIT_OK;
out:
	if (r == PKIT_ERR_NOMEM)
		pkit_seterr(ctx, r, "CSR");
	GENERAL_NAMES_free(gens);
	json_decref(raw);
	json_decref(eku);
	json_decref(unk);
	return r;
}

int
pkit_x509_cr_json(struct pkit_ctx *ctx, X509_REQ *req, json_t **out)
{
	STACK_OF(X509_EXTENSION) *exts = NULL;
	json_t *obj = NULL, *name = NULL;
	EVP_PKEY *pub;
	int r = PKIT_ERR_INTERNAL;

	*out = NULL;
	if ((pub = X509_REQ_get0_pubkey(req)) == NULL)
		return pkit_seterr_ssl(ctx, PKIT_ERR_FORMAT,
		    "the CSR's public key is not readable");
	if ((r = pkit_x509_name_json(ctx, X509_REQ_get_subject_name(req),
	    &name)) != 0)
		return r;
	if ((obj = json_pack("{s:i, s:o, s:n, s:n, s:n, s:n, s:n, s:n, s:n, "
	    "s:n, s:n, s:s}", "version", (int)X509_REQ_get_version(req),
	    "subject", name, "dnsNames", "emailAddresses", "ipAddresses",
	    "uris", "sans", "extensions", "keyUsage", "extKeyUsage",
	    "basicConstraints", "signatureAlgorithm", "")) == NULL) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "CSR");
		goto out;
	}
	exts = X509_REQ_get_extensions(req);
	if ((r = req_exts_json(ctx, obj, exts)) != 0)
		goto out;
	if (set_key_json(obj, pub) != 0) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "CSR");
		goto out;
	}
	*out = obj;
	obj = NULL;
	r = PKIT_OK;
out:
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	json_decref(obj);
	return r;
}

int
pkit_x509_cr_json_simple(struct pkit_ctx *ctx, const char *cn,
    const char *const *sans, size_t n, EVP_PKEY *pub, json_t **out)
{
	static const char *keys[] = { "dnsNames", "ipAddresses",
	    "emailAddresses", "uris" };
	json_t *obj, *lists[4] = { NULL, NULL, NULL, NULL };
	size_t i;
	int k;

	*out = NULL;
	if ((obj = json_pack("{s:i, s:{s:s}, s:n, s:n, s:n, s:s}", "version", 0,
	    "subject", "commonName", cn, "extensions", "keyUsage",
	    "basicConstraints", "signatureAlgorithm", "")) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "CSR");
	for (i = 0; i < n; i++) {
		k = (int)pkit_san_detect(sans[i]);
		if (lists[k] == NULL)
			lists[k] = json_array();
		if (lists[k] == NULL || json_array_append_new(lists[k],
		    json_string(sans[i])) != 0)
			goto nomem;
	}
	for (k = 0; k < 4; k++) {
		/* enum order: DNS, IP, EMAIL, URI */
		if (json_object_set_new(obj, keys[k], lists[k] != NULL ?
		    lists[k] : json_null()) != 0) {
			lists[k] = NULL;
			goto nomem;
		}
		lists[k] = NULL;
	}
	if (set_key_json(obj, pub) != 0)
		goto nomem;
	*out = obj;
	return PKIT_OK;
nomem:
	for (k = 0; k < 4; k++)
		json_decref(lists[k]);
	json_decref(obj);
	return pkit_seterr(ctx, PKIT_ERR_NOMEM, "CSR");
}

int
pkit_x509_template_data(struct pkit_ctx *ctx, json_t *subject, json_t *sans,
    json_t *cr, json_t *user, json_t **out)
{
	json_t *d;

	*out = NULL;
	d = json_pack("{s:o, s:o, s:{s:o, s:o}}",
	    "Subject", subject != NULL ? subject : json_object(),
	    "SANs", sans != NULL ? sans : json_array(),
	    "Insecure",
	    "CR", cr != NULL ? cr : json_object(),
	    "User", user != NULL ? user : json_object());
	if (d == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "template data");
	*out = d;
	return PKIT_OK;
}

int
pkit_x509_user_data(struct pkit_ctx *ctx, const char *const *set,
    size_t nset, const char *set_file, json_t **out)
{
	json_t *data = NULL;
	json_error_t jerr;
	size_t i;

	*out = NULL;
	if (set_file != NULL) {
		unsigned char *buf = NULL;
		size_t len = 0;
		int r;

		if ((r = pkit_file_read(ctx, set_file, PKIT_FILE_MAX, &buf,
		    &len)) != 0)
			return r;
		data = json_loadb((const char *)buf, len,
		    JSON_REJECT_DUPLICATES,
		    &jerr);
		free(buf);
		if (data == NULL)
			return pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "%s: not valid JSON: line %d: %s", set_file,
			    jerr.line,
			    jerr.text);
		if (!json_is_object(data)) {
			json_decref(data);
			return pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "%s: expected a JSON object", set_file);
		}
	} else if ((data = json_object()) == NULL) {
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "template data");
	}
	for (i = 0; i < nset; i++) {
		const char *eq = strchr(set[i], '=');
		json_t *v;
		char *key;

		if (eq == NULL || eq == set[i]) {
			json_decref(data);
			return pkit_seterr(ctx, PKIT_ERR_USAGE,
			    "--set: '%s' is not key=value", set[i]);
		}
		if ((v = json_loads(eq + 1, JSON_DECODE_ANY, NULL)) == NULL)
			v = json_string(eq + 1);
		if ((key = strndup(set[i], (size_t)(eq - set[i]))) == NULL ||
		    v == NULL || json_object_set_new(data, key, v) != 0) {
			free(key);
			json_decref(data);
			return pkit_seterr(ctx, PKIT_ERR_NOMEM,
			    "template data");
		}
		free(key);
	}
	*out = data;
	return PKIT_OK;
}

int
pkit_x509_create_data(struct pkit_ctx *ctx, const char *cn,
    const char *const *sans, size_t nsans, EVP_PKEY *pub, json_t *user,
    json_t **out)
{
	json_t *subject = NULL, *sj = NULL, *cr = NULL;
	int r;

	*out = NULL;
	if ((r = pkit_x509_sans_json(ctx, sans, nsans, &sj)) != 0 ||
	    (r = pkit_x509_cr_json_simple(ctx, cn, sans, nsans, pub,
	    &cr)) != 0) {
		json_decref(sj);
		json_decref(user);
		return r;
	}
	if ((subject = json_pack("{s:s}", "commonName", cn)) == NULL) {
		json_decref(sj);
		json_decref(cr);
		json_decref(user);
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "template data");
	}
	return pkit_x509_template_data(ctx, subject, sj, cr, user, out);
}

int
pkit_x509_sign_data(struct pkit_ctx *ctx, X509_REQ *req, long max_path_len,
    json_t *user, json_t **out)
{
	static const char *lists[] = { "dnsNames", "emailAddresses",
	    "ipAddresses", "uris" };
	json_t *cr = NULL, *subject = NULL, *sj = NULL, *data = NULL;
	const char **sans = NULL;
	size_t n = 0, k, i;
	int r = PKIT_ERR_INTERNAL;

	*out = NULL;
	if ((r = pkit_x509_cr_json(ctx, req, &cr)) != 0 ||
	    (r = pkit_x509_name_json(ctx, X509_REQ_get_subject_name(req),
	    &subject)) != 0)
		goto out;
	json_object_del(subject, "extraNames");
	for (k = 0; k < NELEM(lists); k++)
		n += json_array_size(json_object_get(cr, lists[k]));
	if ((sans = xcalloc_ptrs(n)) == NULL) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "template data");
		goto out;
	}
	for (n = 0, k = 0; k < NELEM(lists); k++) {
		json_t *a = json_object_get(cr, lists[k]);

		for (i = 0; i < json_array_size(a); i++)
			sans[n++] = json_string_value(json_array_get(a, i));
	}
	if ((r = pkit_x509_sans_json(ctx, sans, n, &sj)) != 0)
		goto out;
	r = pkit_x509_template_data(ctx, subject, sj, json_incref(cr), user,
	    &data);
	subject = sj = NULL;
	user = NULL;
	if (r != 0)
		goto out;
	if (json_object_set_new(data, "MaxPathLen",
	    json_integer(max_path_len)) != 0) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "template data");
		goto out;
	}
	*out = data;
	data = NULL;
	r = PKIT_OK;
out:
	free(sans);
	json_decref(cr);
	json_decref(subject);
	json_decref(sj);
	json_decref(user);
	json_decref(data);
	return r;
}

int
pkit_x509_validity(struct pkit_ctx *ctx, const char *not_before,
    const char *not_after, long dflt, time_t *nb, time_t *na)
{
	time_t now = pkit_now(ctx), b = 0, a = 0;
	char tb[32], ta[32];
	int r;

	if ((r = pkit_time_or_duration(ctx, not_before, now, "--not-before",
	    &b)) != 0 ||
	    (r = pkit_time_or_duration(ctx, not_after, now, "--not-after",
	    &a)) != 0)
		return r;
	if (b == 0)
		b = now;
	if (a == 0)
		a = b + dflt;
	if (a <= b) {
		pkit_time_format(b, tb, sizeof(tb));
		pkit_time_format(a, ta, sizeof(ta));
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "--not-after (%s) is not after --not-before (%s): the "
		    "certificate would never be valid", ta, tb);
	}
	*nb = b;
	*na = a;
	return PKIT_OK;
}

int
pkit_x509_render(struct pkit_ctx *ctx, const char *text, size_t len,
    const char *name, json_t *data, json_t **out)
{
	json_t *j = NULL;
	int r;

	*out = NULL;
	if ((r = pkit_tmpl_render_json(ctx, text, len, name, data, &j)) != 0)
		return r;
	if (!json_is_object(j)) {
		json_decref(j);
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: the rendered template is not a JSON object", name);
	}
	*out = j;
	return PKIT_OK;
}

/* ---- reading the template JSON ------------------------------------- */

struct tj {
	struct pkit_ctx *ctx;
	const char *name;	/* the template, for messages */
	json_t *obj;
};

static int
tj_err(struct tj *t, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
tj_err(struct tj *t, const char *field, const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return pkit_seterr(t->ctx, PKIT_ERR_FORMAT, "%s: %s: %s", t->name,
	    field, msg);
}

/* A member by case-insensitive key; null counts as absent. */
static json_t *
get_ci(json_t *obj, const char *key)
{
	const char *k;
	json_t *v, *hit;

	if ((hit = json_object_get(obj, key)) == NULL) {
		json_object_foreach(obj, k, v) {
			if (strcasecmp(k, key) == 0) {
				hit = v;
				break;
			}
		}
	}
	return hit == NULL || json_is_null(hit) ? NULL : hit;
}

/* Check that every key of obj is one of known (case-insensitively). */
static int
check_keys(struct tj *t, json_t *obj, const char *where,
    const char *const *known)
{
	const char *k;
	json_t *v;
	size_t i;

	json_object_foreach(obj, k, v) {
		for (i = 0; known[i] != NULL; i++)
			if (strcasecmp(k, known[i]) == 0)
				break;
		if (known[i] == NULL)
			return tj_err(t, where, "unknown field \"%s\"", k);
	}
	return 0;
}

/* A string, or a list of strings: the count, and each by index. */
static int
ms_count(struct tj *t, json_t *v, const char *field, size_t *n)
{
	size_t i;

	*n = 0;
	if (v == NULL)
		return 0;
	if (json_is_string(v)) {
		*n = 1;
		return 0;
	}
	if (!json_is_array(v))
		return tj_err(t, field,
		    "expected a string or a list of strings");
	for (i = 0; i < json_array_size(v); i++)
		if (!json_is_string(json_array_get(v, i)))
			return tj_err(t, field,
			    "expected a string or a list of strings");
	*n = json_array_size(v);
	return 0;
}

static const char *
ms_get(json_t *v, size_t i)
{
	return json_is_string(v) ? json_string_value(v) :
	    json_string_value(json_array_get(v, i));
}

static int
b64_field(struct tj *t, json_t *v, const char *field, unsigned char **out,
    size_t *len)
{
	if (!json_is_string(v))
		return tj_err(t, field, "expected a base64 string");
	if (pkit_b64_decode(t->ctx, PKIT_B64_STD, json_string_value(v),
	    json_string_length(v), out, len) != 0)
		return tj_err(t, field, "not valid base64");
	return 0;
}

static ASN1_OBJECT *
oid_obj(const char *s)
{
	const char *p;

	/* Numeric OIDs only, as step writes them. */
	if (*s == '\0')
		return NULL;
	for (p = s; *p != '\0'; p++)
		if (!isdigit((unsigned char)*p) && *p != '.')
			return NULL;
	return OBJ_txt2obj(s, 1);
}

static const char *const name_keys[] = { "country", "organization",
    "organizationalUnit", "locality", "province", "streetAddress",
    "postalCode", "serialNumber", "commonName", "extraNames", NULL };

static int
name_add(struct tj *t, X509_NAME *name, ASN1_OBJECT *obj, const char *field,
    const char *value, int set)
{
	if (*value == '\0')
		return 0;
	if (!pkit_x509_name_add(name, obj, value, set)) {
		ERR_clear_error();
		return tj_err(t, field, "'%s' is not a valid value", value);
	}
	return 0;
}

/* A Name: a string (the common name) or an object of name_keys; built in
 * Go's order (C, ST, L, street, postalCode, O, OU, CN, serialNumber, extra),
 * several values of one field making one multi-valued RDN. */
static int
name_from_json(struct tj *t, json_t *v, const char *field, X509_NAME **out)
{
	X509_NAME *name = X509_NAME_new();
	json_t *extra;
	size_t k, i, n;
	char where[64];
	int r = PKIT_ERR_FORMAT;

	*out = NULL;
	if (name == NULL)
		return pkit_seterr(t->ctx, PKIT_ERR_NOMEM, "%s", t->name);
	if (v == NULL) {
		*out = name;
		return 0;
	}
	if (json_is_string(v)) {
		ASN1_OBJECT *cn = OBJ_nid2obj(NID_commonName);

		if ((r = name_add(t, name, cn, field, json_string_value(v),
		    0)) != 0)
			goto out;
		*out = name;
		return 0;
	}
	if (!json_is_object(v)) {
		r = tj_err(t, field, "expected a string or an object");
		goto out;
	}
	if ((r = check_keys(t, v, field, name_keys)) != 0)
		goto out;
	for (k = 0; k < NFIELDS; k++) {
		json_t *f = get_ci(v, name_fields[k].key);
		ASN1_OBJECT *obj = OBJ_nid2obj(name_fields[k].nid);
		int first = 1;

		snprintf(where, sizeof(where), "%s.%s", field,
		    name_fields[k].key);
		if ((r = ms_count(t, f, where, &n)) != 0)
			goto out;
		for (i = 0; i < n; i++) {
			const char *s = ms_get(f, i);

			if (*s == '\0')
				continue;
			if ((r = name_add(t, name, obj, where, s,
			    first ? 0 : -1)) != 0)
				goto out;
			first = 0;
		}
	}
	if ((extra = get_ci(v, "extraNames")) != NULL) {
		snprintf(where, sizeof(where), "%s.extraNames", field);
		if (!json_is_array(extra)) {
			r = tj_err(t, where, "expected a list");
			goto out;
		}
		for (i = 0; i < json_array_size(extra); i++) {
			json_t *e = json_array_get(extra, i);
			json_t *ty = json_is_object(e) ? get_ci(e, "type") :
			    NULL;
			json_t *va = json_is_object(e) ? get_ci(e, "value") :
			    NULL;
			ASN1_OBJECT *obj;

			if (ty == NULL || !json_is_string(ty) || va == NULL ||
			    !json_is_string(va)) {
				r = tj_err(t, where,
				    "each entry needs a \"type\" "
				    "(an OID) and a string \"value\"");
				goto out;
			}
			if ((obj = oid_obj(json_string_value(ty))) == NULL) {
				r = tj_err(t, where, "'%s' is not an OID",
				    json_string_value(ty));
				goto out;
			}
			r = name_add(t, name, obj, where, json_string_value(va),
			    0);
			ASN1_OBJECT_free(obj);
			if (r != 0)
				goto out;
		}
	}
	*out = name;
	name = NULL;
	r = 0;
out:
	X509_NAME_free(name);
	return r;
}

/* ---- building extensions ------------------------------------------- */

struct exts {
	STACK_OF(X509_EXTENSION) *sk;
};

static int
ext_push(struct tj *t, struct exts *e, int nid, int crit, void *value)
{
	X509_EXTENSION *x = X509V3_EXT_i2d(nid, crit, value);

	if (x == NULL)
		return pkit_seterr_ssl(t->ctx, PKIT_ERR_CRYPTO,
		    "%s: cannot encode the %s extension", t->name,
		    OBJ_nid2sn(nid));
	if (!sk_X509_EXTENSION_push(e->sk, x)) {
		X509_EXTENSION_free(x);
		return pkit_seterr(t->ctx, PKIT_ERR_NOMEM, "%s", t->name);
	}
	return 0;
}

static GENERAL_NAME *
gen_ia5(int type, const char *s)
{
	GENERAL_NAME *g = GENERAL_NAME_new();
	ASN1_IA5STRING *ia5 = ASN1_IA5STRING_new();

	if (g == NULL || ia5 == NULL || !ASN1_STRING_set(ia5, s, -1)) {
		GENERAL_NAME_free(g);
		ASN1_IA5STRING_free(ia5);
		return NULL;
	}
	GENERAL_NAME_set0_value(g, type, ia5);
	return g;
}

static GENERAL_NAME *
gen_ip(const unsigned char *addr, int len)
{
	GENERAL_NAME *g = GENERAL_NAME_new();
	ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();

	if (g == NULL || os == NULL || !ASN1_OCTET_STRING_set(os, addr, len)) {
		GENERAL_NAME_free(g);
		ASN1_OCTET_STRING_free(os);
		return NULL;
	}
	GENERAL_NAME_set0_value(g, GEN_IPADD, os);
	return g;
}

static int
gens_push(struct tj *t, GENERAL_NAMES *gens, GENERAL_NAME *g)
{
	if (g == NULL || !sk_GENERAL_NAME_push(gens, g)) {
		GENERAL_NAME_free(g);
		return pkit_seterr(t->ctx, PKIT_ERR_NOMEM, "%s", t->name);
	}
	return 0;
}

/* One SAN value of a known simple type. */
static int
san_add(struct tj *t, GENERAL_NAMES *gens, enum pkit_san_type type,
    const char *v, const char *field)
{
	unsigned char ip[16];
	int iplen;

	if (check_san(t->ctx, type, v) != 0) {
		char why[sizeof(t->ctx->errbuf)];

		memcpy(why, t->ctx->errbuf, sizeof(why));
		return tj_err(t, field, "%s", why);
	}
	switch (type) {
	case PKIT_SAN_DNS:
		return gens_push(t, gens, gen_ia5(GEN_DNS, v));
	case PKIT_SAN_EMAIL:
		return gens_push(t, gens, gen_ia5(GEN_EMAIL, v));
	case PKIT_SAN_URI:
		return gens_push(t, gens, gen_ia5(GEN_URI, v));
	case PKIT_SAN_IP:
		if (!is_ip(v, ip, &iplen))
			return tj_err(t, field, "'%s' is not an IP address", v);
		return gens_push(t, gens, gen_ip(ip, iplen));
	}
	return 0;
}

/* A "sans" entry of an extended type: registeredID, dn, userPrincipalName. */
static int
san_add_extended(struct tj *t, GENERAL_NAMES *gens, const char *type,
    json_t *entry, const char *v)
{
	GENERAL_NAME *g = NULL;

	if (strcasecmp(type, "registeredID") == 0) {
		ASN1_OBJECT *obj = oid_obj(v);

		if (obj == NULL)
			return tj_err(t, "sans", "'%s' is not an OID", v);
		if ((g = GENERAL_NAME_new()) == NULL) {
			ASN1_OBJECT_free(obj);
			return pkit_seterr(t->ctx, PKIT_ERR_NOMEM, "%s",
			    t->name);
		}
		GENERAL_NAME_set0_value(g, GEN_RID, obj);
		return gens_push(t, gens, g);
	}
	if (strcasecmp(type, "dn") == 0) {
		json_t *dn = get_ci(entry, "asn1Value"), *parsed = NULL;
		X509_NAME *name = NULL;
		int r;

		if (dn == NULL && (parsed = json_loads(v, 0, NULL)) == NULL)
			return tj_err(t, "sans", "a dn needs a JSON name in "
			    "\"value\" or \"asn1Value\"");
		r = name_from_json(t, dn != NULL ? dn : parsed, "sans.dn",
		    &name);
		json_decref(parsed);
		if (r != 0)
			return r;
		if (X509_NAME_entry_count(name) == 0) {
			X509_NAME_free(name);
			return tj_err(t, "sans", "an empty dn");
		}
		if ((g = GENERAL_NAME_new()) == NULL) {
			X509_NAME_free(name);
			return pkit_seterr(t->ctx, PKIT_ERR_NOMEM, "%s",
			    t->name);
		}
		GENERAL_NAME_set0_value(g, GEN_DIRNAME, name);
		return gens_push(t, gens, g);
	}
	if (strcasecmp(type, "userPrincipalName") == 0) {
		ASN1_TYPE *val = ASN1_TYPE_new();
		ASN1_UTF8STRING *u = ASN1_UTF8STRING_new();
		ASN1_OBJECT *obj = OBJ_txt2obj("1.3.6.1.4.1.311.20.2.3", 1);

		if (*v == '\0' || val == NULL || u == NULL || obj == NULL ||
		    !ASN1_STRING_set(u, v, -1) ||
		    (g = GENERAL_NAME_new()) == NULL) {
			ASN1_TYPE_free(val);
			ASN1_UTF8STRING_free(u);
			ASN1_OBJECT_free(obj);
			return *v == '\0' ? tj_err(t, "sans",
			    "an empty userPrincipalName") :
			    pkit_seterr(t->ctx, PKIT_ERR_NOMEM, "%s", t->name);
		}
		ASN1_TYPE_set(val, V_ASN1_UTF8STRING, u);
		if (!GENERAL_NAME_set0_othername(g, obj, val)) {
			GENERAL_NAME_free(g);
			ASN1_TYPE_free(val);
			ASN1_OBJECT_free(obj);
			return pkit_seterr(t->ctx, PKIT_ERR_NOMEM, "%s",
			    t->name);
		}
		return gens_push(t, gens, g);
	}
	return tj_err(t, "sans", "unsupported SAN type \"%s\" (use dns, ip, "
	    "email, uri, auto, registeredID, dn or userPrincipalName)", type);
}

/* The simple type of a "sans" entry, or -1 for an extended one. */
static int
sans_type(const char *type, const char *val)
{
	if (*type == '\0' || strcasecmp(type, "auto") == 0)
		return (int)pkit_san_detect(val);
	if (strcasecmp(type, "dns") == 0)
		return PKIT_SAN_DNS;
	if (strcasecmp(type, "ip") == 0)
		return PKIT_SAN_IP;
	if (strcasecmp(type, "email") == 0)
		return PKIT_SAN_EMAIL;
	if (strcasecmp(type, "uri") == 0)
		return PKIT_SAN_URI;
	return -1;
}

static const char *
entry_str(json_t *s, const char *key)
{
	json_t *v = get_ci(s, key);

	return v != NULL ? json_string_value(v) : "";
}

static int
build_san(struct tj *t, struct exts *e, int subject_empty)
{
	static const struct {
		const char *key;
		enum pkit_san_type type;
	} lists[] = {
		{ "dnsNames", PKIT_SAN_DNS },
		{ "emailAddresses", PKIT_SAN_EMAIL },
		{ "ipAddresses", PKIT_SAN_IP },
		{ "uris", PKIT_SAN_URI },
	};
	GENERAL_NAMES *gens = GENERAL_NAMES_new();
	json_t *sans = get_ci(t->obj, "sans");
	size_t k, i, n, ns = 0;
	int r = 0, extended = 0;

	if (gens == NULL)
		return pkit_seterr(t->ctx, PKIT_ERR_NOMEM, "%s", t->name);
	if (sans != NULL && !json_is_array(sans)) {
		r = tj_err(t, "sans",
		    "expected a list of {\"type\", \"value\"}");
		goto out;
	}
	ns = sans != NULL ? json_array_size(sans) : 0;
	for (i = 0; i < ns; i++) {
		json_t *s = json_array_get(sans, i), *ty, *va;

		ty = json_is_object(s) ? get_ci(s, "type") : NULL;
		va = json_is_object(s) ? get_ci(s, "value") : NULL;
		if (!json_is_object(s) || (ty != NULL && !json_is_string(ty)) ||
		    (va != NULL && !json_is_string(va))) {
			r = tj_err(t, "sans", "each entry is {\"type\": ..., "
			    "\"value\": ...} with strings");
			goto out;
		}
		if (sans_type(entry_str(s, "type"), entry_str(s, "value")) < 0)
			extended = 1;
	}
	/* Go's order: without extended SANs, all DNS names, then emails,
	 * IPs and URIs (each: the explicit list, then "sans"); with them,
	 * the explicit lists, then "sans" as given. */
	for (k = 0; k < NELEM(lists); k++) {
		json_t *v = get_ci(t->obj, lists[k].key);

		if ((r = ms_count(t, v, lists[k].key, &n)) != 0)
			goto out;
		for (i = 0; i < n; i++)
			if ((r = san_add(t, gens, lists[k].type, ms_get(v, i),
			    lists[k].key)) != 0)
				goto out;
		for (i = 0; !extended && i < ns; i++) {
			json_t *s = json_array_get(sans, i);
			const char *val = entry_str(s, "value");

			if (sans_type(entry_str(s, "type"), val) ==
			    (int)lists[k].type &&
			    (r = san_add(t, gens, lists[k].type, val,
			    "sans")) != 0)
				goto out;
		}
	}
	for (i = 0; extended && i < ns; i++) {
		json_t *s = json_array_get(sans, i);
		const char *type = entry_str(s, "type");
		const char *val = entry_str(s, "value");
		int st = sans_type(type, val);

		r = st >= 0 ? san_add(t, gens, (enum pkit_san_type)st, val,
		    "sans") : san_add_extended(t, gens, type, s, val);
		if (r != 0)
			goto out;
	}
	if (sk_GENERAL_NAME_num(gens) > 0)
		r = ext_push(t, e, NID_subject_alt_name, subject_empty, gens);
out:
	GENERAL_NAMES_free(gens);
	return r;
}

/* Go's convertName, for the usage names: '_' dropped (and the names are
 * compared in any case). */
static void
go_name(const char *s, char *norm, size_t size)
{
	size_t j = 0;

	for (; *s != '\0' && j + 1 < size; s++)
		if (*s != '_')
			norm[j++] = *s;
	norm[j] = '\0';
}

static int
build_ku(struct tj *t, struct exts *e)
{
	json_t *v = get_ci(t->obj, "keyUsage");
	ASN1_BIT_STRING *bs;
	size_t n, i, k;
	int r, any = 0;

	if ((r = ms_count(t, v, "keyUsage", &n)) != 0 || n == 0)
		return r;
	if ((bs = ASN1_BIT_STRING_new()) == NULL)
		return pkit_seterr(t->ctx, PKIT_ERR_NOMEM, "%s", t->name);
	for (i = 0; i < n; i++) {
		char norm[64];

		go_name(ms_get(v, i), norm, sizeof(norm));
		for (k = 0; k < NELEM(ku_names); k++)
			if (strcasecmp(ku_names[k].name, norm) == 0)
				break;
		if (k == NELEM(ku_names)) {
			ASN1_BIT_STRING_free(bs);
			return tj_err(t, "keyUsage",
			    "unsupported keyUsage \"%s\"",
			    ms_get(v, i));
		}
		if (!ASN1_BIT_STRING_set_bit(bs, ku_names[k].bit, 1)) {
			ASN1_BIT_STRING_free(bs);
			return pkit_seterr(t->ctx, PKIT_ERR_NOMEM, "%s",
			    t->name);
		}
		any = 1;
	}
	r = any ? ext_push(t, e, NID_key_usage, 1, bs) : 0;
	ASN1_BIT_STRING_free(bs);
	return r;
}

static int
build_eku(struct tj *t, struct exts *e)
{
	json_t *v = get_ci(t->obj, "extKeyUsage");
	json_t *u = get_ci(t->obj, "unknownExtKeyUsage");
	EXTENDED_KEY_USAGE *eku;
	size_t n, nu, i, k;
	int r;

	if ((r = ms_count(t, v, "extKeyUsage", &n)) != 0 ||
	    (r = ms_count(t, u, "unknownExtKeyUsage", &nu)) != 0)
		return r;
	if (n + nu == 0)
		return 0;
	if ((eku = sk_ASN1_OBJECT_new_null()) == NULL)
		return pkit_seterr(t->ctx, PKIT_ERR_NOMEM, "%s", t->name);
	for (i = 0; i < n + nu; i++) {
		const char *s = i < n ? ms_get(v, i) : ms_get(u, i - n),
		    *oid = s;
		ASN1_OBJECT *obj;

		if (i < n) {
			char norm[64];

			go_name(s, norm, sizeof(norm));
			for (k = 0; k < NELEM(eku_names); k++)
				if (strcasecmp(eku_names[k].name, norm) == 0)
					break;
			if (k == NELEM(eku_names)) {
				sk_ASN1_OBJECT_pop_free(eku, ASN1_OBJECT_free);
				return tj_err(t, "extKeyUsage",
				    "unsupported extKeyUsage \"%s\"", ms_get(v,
				    i));
			}
			oid = eku_names[k].oid;
		}
		if ((obj = oid_obj(oid)) == NULL) {
			sk_ASN1_OBJECT_pop_free(eku, ASN1_OBJECT_free);
			return tj_err(t, "unknownExtKeyUsage",
			    "'%s' is not an OID", oid);
		}
		if (!sk_ASN1_OBJECT_push(eku, obj)) {
			ASN1_OBJECT_free(obj);
			sk_ASN1_OBJECT_pop_free(eku, ASN1_OBJECT_free);
			return pkit_seterr(t->ctx, PKIT_ERR_NOMEM, "%s",
			    t->name);
		}
	}
	r = ext_push(t, e, NID_ext_key_usage, 0, eku);
	sk_ASN1_OBJECT_pop_free(eku, ASN1_OBJECT_free);
	return r;
}

static int
json_int(json_t *v, long *out)
{
	if (json_is_integer(v)) {
		*out = (long)json_integer_value(v);
		return 0;
	}
	/* in range before the cast: a template may hold any number */
	if (json_is_real(v) && json_real_value(v) > -9e18 &&
	    json_real_value(v) < 9e18 &&
	    json_real_value(v) == (double)(long)json_real_value(v)) {
		*out = (long)json_real_value(v);
		return 0;
	}
	return -1;
}

static int
build_bc(struct tj *t, struct exts *e)
{
	static const char *const keys[] = { "isCA", "maxPathLen", NULL };
	json_t *v = get_ci(t->obj, "basicConstraints"), *ca, *pl;
	BASIC_CONSTRAINTS *bc;
	long pathlen = 0;
	int r;

	if (v == NULL)
		return 0;
	if (!json_is_object(v))
		return tj_err(t, "basicConstraints", "expected an object");
	if ((r = check_keys(t, v, "basicConstraints", keys)) != 0)
		return r;
	ca = get_ci(v, "isCA");
	pl = get_ci(v, "maxPathLen");
	if (ca != NULL && !json_is_boolean(ca))
		return tj_err(t, "basicConstraints.isCA",
		    "expected true or false");
	if (pl != NULL && json_int(pl, &pathlen) != 0)
		return tj_err(t, "basicConstraints.maxPathLen",
		    "expected an integer");
	if ((bc = BASIC_CONSTRAINTS_new()) == NULL)
		return pkit_seterr(t->ctx, PKIT_ERR_NOMEM, "%s", t->name);
	/* Go: a missing maxPathLen is 0 (pathlen:0); -1 means no limit. */
	if (ca != NULL && json_is_true(ca)) {
		bc->ca = 0xff;
		if (pathlen >= 0) {
			if ((bc->pathlen = ASN1_INTEGER_new()) == NULL ||
			    !ASN1_INTEGER_set(bc->pathlen, pathlen)) {
				BASIC_CONSTRAINTS_free(bc);
				return pkit_seterr(t->ctx, PKIT_ERR_NOMEM, "%s",
				    t->name);
			}
		}
	}
	r = ext_push(t, e, NID_basic_constraints, 1, bc);
	BASIC_CONSTRAINTS_free(bc);
	return r;
}

static int
build_aia(struct tj *t, struct exts *e)
{
	json_t *ocsp = get_ci(t->obj, "ocspServer");
	json_t *iss = get_ci(t->obj, "issuingCertificateURL");
	AUTHORITY_INFO_ACCESS *aia;
	size_t no, ni, i;
	int r;

	if ((r = ms_count(t, ocsp, "ocspServer", &no)) != 0 ||
	    (r = ms_count(t, iss, "issuingCertificateURL", &ni)) != 0)
		return r;
	if (no + ni == 0)
		return 0;
	if ((aia = AUTHORITY_INFO_ACCESS_new()) == NULL)
		return pkit_seterr(t->ctx, PKIT_ERR_NOMEM, "%s", t->name);
	for (i = 0; i < no + ni; i++) {
		const char *url = i < no ? ms_get(ocsp, i) : ms_get(iss,
		    i - no);
		ACCESS_DESCRIPTION *ad = ACCESS_DESCRIPTION_new();
		GENERAL_NAME *g = gen_ia5(GEN_URI, url);

		if (ad == NULL || g == NULL || !sk_ACCESS_DESCRIPTION_push(aia,
		    ad)) {
			ACCESS_DESCRIPTION_free(ad);
			GENERAL_NAME_free(g);
			AUTHORITY_INFO_ACCESS_free(aia);
			return pkit_seterr(t->ctx, PKIT_ERR_NOMEM, "%s",
			    t->name);
		}
		ASN1_OBJECT_free(ad->method);
		ad->method = OBJ_nid2obj(i < no ? NID_ad_OCSP :
		    NID_ad_ca_issuers);
		GENERAL_NAME_free(ad->location);
		ad->location = g;
	}
	r = ext_push(t, e, NID_info_access, 0, aia);
	AUTHORITY_INFO_ACCESS_free(aia);
	return r;
}

static int
build_crldp(struct tj *t, struct exts *e)
{
	json_t *v = get_ci(t->obj, "crlDistributionPoints");
	CRL_DIST_POINTS *dps;
	size_t n, i;
	int r;

	if ((r = ms_count(t, v, "crlDistributionPoints", &n)) != 0 || n == 0)
		return r;
	if ((dps = CRL_DIST_POINTS_new()) == NULL)
		return pkit_seterr(t->ctx, PKIT_ERR_NOMEM, "%s", t->name);
	for (i = 0; i < n; i++) {
		DIST_POINT *dp = DIST_POINT_new();
		DIST_POINT_NAME *dpn = DIST_POINT_NAME_new();
		GENERAL_NAMES *full = GENERAL_NAMES_new();
		GENERAL_NAME *g = gen_ia5(GEN_URI, ms_get(v, i));

		if (dp == NULL || dpn == NULL || full == NULL || g == NULL ||
		    !sk_GENERAL_NAME_push(full, g)) {
			DIST_POINT_free(dp);
			DIST_POINT_NAME_free(dpn);
			GENERAL_NAMES_free(full);
			GENERAL_NAME_free(g);
			CRL_DIST_POINTS_free(dps);
			return pkit_seterr(t->ctx, PKIT_ERR_NOMEM, "%s",
			    t->name);
		}
		dpn->type = 0;
		dpn->name.fullname = full;
		dp->distpoint = dpn;
		if (!sk_DIST_POINT_push(dps, dp)) {
			DIST_POINT_free(dp);
			CRL_DIST_POINTS_free(dps);
			return pkit_seterr(t->ctx, PKIT_ERR_NOMEM, "%s",
			    t->name);
		}
	}
	r = ext_push(t, e, NID_crl_distribution_points, 0, dps);
	CRL_DIST_POINTS_free(dps);
	return r;
}

static int
build_policies(struct tj *t, struct exts *e)
{
	json_t *v = get_ci(t->obj, "policyIdentifiers");
	CERTIFICATEPOLICIES *cp;
	size_t n, i;
	int r;

	if ((r = ms_count(t, v, "policyIdentifiers", &n)) != 0 || n == 0)
		return r;
	if ((cp = CERTIFICATEPOLICIES_new()) == NULL)
		return pkit_seterr(t->ctx, PKIT_ERR_NOMEM, "%s", t->name);
	for (i = 0; i < n; i++) {
		POLICYINFO *pi = POLICYINFO_new();
		ASN1_OBJECT *obj = oid_obj(ms_get(v, i));

		if (obj == NULL) {
			POLICYINFO_free(pi);
			CERTIFICATEPOLICIES_free(cp);
			return tj_err(t, "policyIdentifiers",
			    "'%s' is not an OID",
			    ms_get(v, i));
		}
		if (pi == NULL || !sk_POLICYINFO_push(cp, pi)) {
			ASN1_OBJECT_free(obj);
			POLICYINFO_free(pi);
			CERTIFICATEPOLICIES_free(cp);
			return pkit_seterr(t->ctx, PKIT_ERR_NOMEM, "%s",
			    t->name);
		}
		ASN1_OBJECT_free(pi->policyid);
		pi->policyid = obj;
	}
	r = ext_push(t, e, NID_certificate_policies, 0, cp);
	CERTIFICATEPOLICIES_free(cp);
	return r;
}

/* "10.0.0.0/8" or "2001:db8::/32" as address and mask octets. */
static int
parse_cidr(const char *s, unsigned char *out, int *len)
{
	char buf[64], *slash, *end;
	unsigned char addr[16];
	long bits;
	int alen, i;

	if (strlen(s) >= sizeof(buf))
		return -1;
	memcpy(buf, s, strlen(s) + 1);
	if ((slash = strchr(buf, '/')) == NULL)
		return -1;
	*slash = '\0';
	if (!is_ip(buf, addr, &alen))
		return -1;
	bits = strtol(slash + 1, &end, 10);
	if (*end != '\0' || end == slash + 1 || bits < 0 || bits > alen * 8)
		return -1;
	memcpy(out, addr, (size_t)alen);
	for (i = 0; i < alen; i++) {
		long b = bits - i * 8;

		out[alen + i] = b >= 8 ? 0xff : b <= 0 ? 0 :
		    (unsigned char)(0xff << (8 - b));
		out[i] &= out[alen + i];
	}
	*len = alen * 2;
	return 0;
}

static int
subtrees_add(struct tj *t, STACK_OF(GENERAL_SUBTREE) **sk, json_t *v,
    const char *field, int type)
{
	size_t n, i;
	int r;

	if ((r = ms_count(t, v, field, &n)) != 0 || n == 0)
		return r;
	if (*sk == NULL && (*sk = sk_GENERAL_SUBTREE_new_null()) == NULL)
		return pkit_seterr(t->ctx, PKIT_ERR_NOMEM, "%s", t->name);
	for (i = 0; i < n; i++) {
		const char *s = ms_get(v, i);
		GENERAL_SUBTREE *st;
		GENERAL_NAME *g;

		if (type == GEN_IPADD) {
			unsigned char buf[32];
			int len;

			if (parse_cidr(s, buf, &len) != 0)
				return tj_err(t, field,
				    "'%s' is not an IP range "
				    "such as 10.0.0.0/8", s);
			g = gen_ip(buf, len);
		} else {
			if (!is_ia5(s))
				return tj_err(t, field, "'%s' is not ASCII", s);
			g = gen_ia5(type, s);
		}
		if (g == NULL || (st = GENERAL_SUBTREE_new()) == NULL) {
			GENERAL_NAME_free(g);
			return pkit_seterr(t->ctx, PKIT_ERR_NOMEM, "%s",
			    t->name);
		}
		GENERAL_NAME_free(st->base);
		st->base = g;
		if (!sk_GENERAL_SUBTREE_push(*sk, st)) {
			GENERAL_SUBTREE_free(st);
			return pkit_seterr(t->ctx, PKIT_ERR_NOMEM, "%s",
			    t->name);
		}
	}
	return 0;
}

static int
build_nc(struct tj *t, struct exts *e)
{
	static const char *const keys[] = { "critical", "permittedDNSDomains",
	    "excludedDNSDomains", "permittedIPRanges", "excludedIPRanges",
	    "permittedEmailAddresses", "excludedEmailAddresses",
	    "permittedURIDomains", "excludedURIDomains", NULL };
	static const struct {
		const char *key;
		int type;
		int excluded;
	} f[] = {
		{ "permittedDNSDomains", GEN_DNS, 0 },
		{ "excludedDNSDomains", GEN_DNS, 1 },
		{ "permittedIPRanges", GEN_IPADD, 0 },
		{ "excludedIPRanges", GEN_IPADD, 1 },
		{ "permittedEmailAddresses", GEN_EMAIL, 0 },
		{ "excludedEmailAddresses", GEN_EMAIL, 1 },
		{ "permittedURIDomains", GEN_URI, 0 },
		{ "excludedURIDomains", GEN_URI, 1 },
	};
	json_t *v = get_ci(t->obj, "nameConstraints"), *crit;
	NAME_CONSTRAINTS *nc;
	size_t i;
	int r = 0;

	if (v == NULL)
		return 0;
	if (!json_is_object(v))
		return tj_err(t, "nameConstraints", "expected an object");
	if ((r = check_keys(t, v, "nameConstraints", keys)) != 0)
		return r;
	crit = get_ci(v, "critical");
	if (crit != NULL && !json_is_boolean(crit))
		return tj_err(t, "nameConstraints.critical",
		    "expected true or false");
	if ((nc = NAME_CONSTRAINTS_new()) == NULL)
		return pkit_seterr(t->ctx, PKIT_ERR_NOMEM, "%s", t->name);
	for (i = 0; i < NELEM(f) && r == 0; i++)
		r = subtrees_add(t, f[i].excluded ? &nc->excludedSubtrees :
		    &nc->permittedSubtrees, get_ci(v, f[i].key), f[i].key,
		    f[i].type);
	if (r == 0 && (nc->permittedSubtrees != NULL ||
	    nc->excludedSubtrees != NULL))
		r = ext_push(t, e, NID_name_constraints,
		    crit != NULL && json_is_true(crit), nc);
	NAME_CONSTRAINTS_free(nc);
	return r;
}

static int
build_keyid(struct tj *t, struct exts *e, X509 *crt, X509 *issuer,
    int self_signed)
{
	json_t *ski = get_ci(t->obj, "subjectKeyId");
	json_t *aki = get_ci(t->obj, "authorityKeyId");
	unsigned char md[EVP_MAX_MD_SIZE], *buf = NULL;
	unsigned int mdlen = 0;
	ASN1_OCTET_STRING *os;
	size_t len;
	int r;

	/* SKI: the template's, or SHA-1 of the subjectPublicKey bits. */
	if ((os = ASN1_OCTET_STRING_new()) == NULL)
		return pkit_seterr(t->ctx, PKIT_ERR_NOMEM, "%s", t->name);
	if (ski != NULL) {
		if ((r = b64_field(t, ski, "subjectKeyId", &buf, &len)) != 0) {
			ASN1_OCTET_STRING_free(os);
			return r;
		}
		r = ASN1_OCTET_STRING_set(os, buf, (int)len);
		free(buf);
	} else {
		r = X509_pubkey_digest(crt, EVP_sha1(), md, &mdlen) &&
		    ASN1_OCTET_STRING_set(os, md, (int)mdlen);
	}
	if (!r) {
		ASN1_OCTET_STRING_free(os);
		return pkit_seterr_ssl(t->ctx, PKIT_ERR_CRYPTO,
		    "%s: subject key identifier", t->name);
	}
	r = ext_push(t, e, NID_subject_key_identifier, 0, os);
	if (r != 0) {
		ASN1_OCTET_STRING_free(os);
		return r;
	}
	/* AKI: the template's, or the issuer's SKI; none when self-signed
	 * (as Go). */
	if (aki != NULL || (!self_signed && issuer != NULL)) {
		AUTHORITY_KEYID *ak = AUTHORITY_KEYID_new();
		const ASN1_OCTET_STRING *iski;

		if (ak == NULL ||
		    (ak->keyid = ASN1_OCTET_STRING_new()) == NULL) {
			AUTHORITY_KEYID_free(ak);
			ASN1_OCTET_STRING_free(os);
			return pkit_seterr(t->ctx, PKIT_ERR_NOMEM, "%s",
			    t->name);
		}
		if (aki != NULL) {
			if ((r = b64_field(t, aki, "authorityKeyId", &buf,
			    &len)) != 0) {
				AUTHORITY_KEYID_free(ak);
				ASN1_OCTET_STRING_free(os);
				return r;
			}
			r = ASN1_OCTET_STRING_set(ak->keyid, buf, (int)len);
			free(buf);
		} else if ((iski = X509_get0_subject_key_id(issuer)) != NULL) {
			r = ASN1_OCTET_STRING_set(ak->keyid,
			    ASN1_STRING_get0_data(iski),
			    ASN1_STRING_length(iski));
		} else {
			r = X509_pubkey_digest(issuer, EVP_sha1(), md,
			    &mdlen) &&
			    ASN1_OCTET_STRING_set(ak->keyid, md, (int)mdlen);
		}
		r = r ? ext_push(t, e, NID_authority_key_identifier, 0, ak) :
		    pkit_seterr_ssl(t->ctx, PKIT_ERR_CRYPTO,
		    "%s: authority key identifier", t->name);
		AUTHORITY_KEYID_free(ak);
	}
	ASN1_OCTET_STRING_free(os);
	return r;
}

/* The template's raw extensions; each replaces a built one of its OID. */
static int
build_raw(struct tj *t, struct exts *e)
{
	static const char *const keys[] = { "id", "critical", "value", NULL };
	json_t *v = get_ci(t->obj, "extensions");
	size_t i;
	int r;

	if (v == NULL)
		return 0;
	if (!json_is_array(v))
		return tj_err(t, "extensions", "expected a list");
	for (i = 0; i < json_array_size(v); i++) {
		json_t *x = json_array_get(v, i), *id, *crit, *val;
		ASN1_OCTET_STRING *os = NULL;
		X509_EXTENSION *ext = NULL;
		ASN1_OBJECT *obj;
		unsigned char *buf = NULL;
		size_t len = 0;
		int k;

		if (!json_is_object(x))
			return tj_err(t, "extensions", "expected {\"id\", "
			    "\"critical\", \"value\"} objects");
		if ((r = check_keys(t, x, "extensions", keys)) != 0)
			return r;
		id = get_ci(x, "id");
		crit = get_ci(x, "critical");
		val = get_ci(x, "value");
		if (id == NULL || !json_is_string(id) ||
		    (obj = oid_obj(json_string_value(id))) == NULL)
			return tj_err(t, "extensions",
			    "each needs an \"id\" OID");
		if (crit != NULL && !json_is_boolean(crit)) {
			ASN1_OBJECT_free(obj);
			return tj_err(t, "extensions",
			    "\"critical\" is true or "
			    "false");
		}
		if (val != NULL && (r = b64_field(t, val, "extensions", &buf,
		    &len)) != 0) {
			ASN1_OBJECT_free(obj);
			return r;
		}
		if ((os = ASN1_OCTET_STRING_new()) == NULL ||
		    !ASN1_OCTET_STRING_set(os, buf != NULL ? buf :
		    (unsigned char *)"", (int)len) ||
		    (ext = X509_EXTENSION_create_by_OBJ(NULL, obj,
		    crit != NULL && json_is_true(crit), os)) == NULL) {
			free(buf);
			ASN1_OCTET_STRING_free(os);
			ASN1_OBJECT_free(obj);
			return pkit_seterr(t->ctx, PKIT_ERR_NOMEM, "%s",
			    t->name);
		}
		free(buf);
		ASN1_OCTET_STRING_free(os);
		/* Drop a built extension of the same OID (and an earlier raw
		 * one: the last wins). */
		for (k = sk_X509_EXTENSION_num(e->sk) - 1; k >= 0; k--) {
			X509_EXTENSION *old = sk_X509_EXTENSION_value(e->sk, k);

			if (OBJ_cmp(X509_EXTENSION_get_object(old), obj) == 0) {
				(void)sk_X509_EXTENSION_delete(e->sk, k);
				X509_EXTENSION_free(old);
			}
		}
		ASN1_OBJECT_free(obj);
		if (!sk_X509_EXTENSION_push(e->sk, ext)) {
			X509_EXTENSION_free(ext);
			return pkit_seterr(t->ctx, PKIT_ERR_NOMEM, "%s",
			    t->name);
		}
	}
	return 0;
}

static const char *const cert_keys[] = { "version", "subject", "issuer",
    "serialNumber", "dnsNames", "emailAddresses", "ipAddresses", "uris",
    "sans", "extensions", "keyUsage", "extKeyUsage", "unknownExtKeyUsage",
    "subjectKeyId", "authorityKeyId", "ocspServer", "issuingCertificateURL",
    "crlDistributionPoints", "policyIdentifiers", "basicConstraints",
    "nameConstraints", "signatureAlgorithm",
    /* members of step's CertificateRequest JSON that a certificate
     * ignores, so that {{ toJson .Insecure.CR }} is a valid template */
    "rawSubject", "publicKey", "publicKeyAlgorithm", "signature",
    "challengePassword", NULL };

static const char *const csr_keys[] = { "version", "subject", "rawSubject",
    "dnsNames", "emailAddresses", "ipAddresses", "uris", "sans",
    "extensions", "keyUsage", "extKeyUsage", "unknownExtKeyUsage",
    "basicConstraints", "signatureAlgorithm", "publicKey",
    "publicKeyAlgorithm", "signature", "challengePassword", NULL };

/* ---- signing ------------------------------------------------------- */

static const struct {
	const char *name;
	int kind;	/* EVP_PKEY_RSA, EVP_PKEY_EC, EVP_PKEY_ED25519 */
	const char *md;
	int pss;
} sigalgs[] = {
	{ "SHA256-RSA", EVP_PKEY_RSA, "SHA256", 0 },
	{ "SHA384-RSA", EVP_PKEY_RSA, "SHA384", 0 },
	{ "SHA512-RSA", EVP_PKEY_RSA, "SHA512", 0 },
	{ "SHA256-RSAPSS", EVP_PKEY_RSA, "SHA256", 1 },
	{ "SHA384-RSAPSS", EVP_PKEY_RSA, "SHA384", 1 },
	{ "SHA512-RSAPSS", EVP_PKEY_RSA, "SHA512", 1 },
	{ "ECDSA-SHA256", EVP_PKEY_EC, "SHA256", 0 },
	{ "ECDSA-SHA384", EVP_PKEY_EC, "SHA384", 0 },
	{ "ECDSA-SHA512", EVP_PKEY_EC, "SHA512", 0 },
	{ "Ed25519", EVP_PKEY_ED25519, NULL, 0 },
	{ "PureEd25519", EVP_PKEY_ED25519, NULL, 0 },
};

/* The digest for key, from the template's signatureAlgorithm or the key:
 * ECDSA by curve size, RSA SHA-256, Ed25519 none. */
static int
pick_sigalg(struct pkit_ctx *ctx, const char *tname, EVP_PKEY *key,
    json_t *alg, const char **md, int *pss)
{
	int id = EVP_PKEY_get_base_id(key);
	size_t i;

	*md = NULL;
	*pss = 0;
	if (id == EVP_PKEY_RSA_PSS)
		id = EVP_PKEY_RSA;
	if (id != EVP_PKEY_RSA && id != EVP_PKEY_EC && id != EVP_PKEY_ED25519 &&
	    id != EVP_PKEY_ED448)
		return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED,
		    "%s: the signing key (%s) cannot sign certificates", tname,
		    OBJ_nid2sn(EVP_PKEY_get_base_id(key)));
	if (alg != NULL && !json_is_string(alg))
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: signatureAlgorithm: expected a string", tname);
	if (alg != NULL && json_string_length(alg) > 0) {
		const char *s = json_string_value(alg);

		for (i = 0; i < NELEM(sigalgs); i++)
			if (strcasecmp(sigalgs[i].name, s) == 0)
				break;
		if (i == NELEM(sigalgs))
			return pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "%s: signatureAlgorithm: unsupported \"%s\"", tname,
			    s);
		if (sigalgs[i].kind != id)
			return pkit_seterr(ctx, PKIT_ERR_ARG,
			    "%s: signatureAlgorithm %s does not fit the "
			    "signing "
			    "key", tname, sigalgs[i].name);
		*md = sigalgs[i].md;
		*pss = sigalgs[i].pss;
		return 0;
	}
	if (id == EVP_PKEY_EC) {
		int bits = EVP_PKEY_get_bits(key);

		*md = bits > 384 ? "SHA512" : bits > 256 ? "SHA384" : "SHA256";
	} else if (id == EVP_PKEY_RSA) {
		*md = "SHA256";
		*pss = EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA_PSS;
	}
	return 0;
}

static int
sign_init(struct pkit_ctx *ctx, const char *tname, EVP_PKEY *key,
    json_t *alg, EVP_MD_CTX **out)
{
	EVP_MD_CTX *mctx;
	EVP_PKEY_CTX *pctx = NULL;
	const char *md;
	int pss, r;

	*out = NULL;
	if ((r = pick_sigalg(ctx, tname, key, alg, &md, &pss)) != 0)
		return r;
	if ((mctx = EVP_MD_CTX_new()) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", tname);
	if (EVP_DigestSignInit_ex(mctx, &pctx, md, ctx->libctx, ctx->propq,
	    key, NULL) <= 0 || (pss &&
	    (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx,
	    RSA_PSS_SALTLEN_DIGEST) <= 0))) {
		EVP_MD_CTX_free(mctx);
		return pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO,
		    "%s: cannot sign with this key", tname);
	}
	*out = mctx;
	return 0;
}

int
pkit_x509_random_serial(struct pkit_ctx *ctx, ASN1_INTEGER **out)
{
	unsigned char b[16];
	BIGNUM *bn = NULL;
	ASN1_INTEGER *ai = NULL;

	*out = NULL;
	do {
		if (RAND_bytes_ex(ctx->libctx, b, sizeof(b), 0) != 1) {
			BN_free(bn);
			return pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO,
			    "serial number");
		}
		BN_free(bn);
		if ((bn = BN_bin2bn(b, sizeof(b), NULL)) == NULL)
			return pkit_seterr(ctx, PKIT_ERR_NOMEM,
			    "serial number");
	} while (BN_is_zero(bn));
	ai = BN_to_ASN1_INTEGER(bn, NULL);
	BN_free(bn);
	if (ai == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "serial number");
	*out = ai;
	return PKIT_OK;
}

static int
serial_from_json(struct tj *t, json_t *v, ASN1_INTEGER **out)
{
	BIGNUM *bn = NULL;
	ASN1_INTEGER *ai;
	int ok;

	*out = NULL;
	if (json_is_integer(v)) {
		if (json_integer_value(v) <= 0)
			return tj_err(t, "serialNumber", "must be positive");
		if ((bn = BN_new()) == NULL ||
		    !BN_set_word(bn, (BN_ULONG)json_integer_value(v))) {
			BN_free(bn);
			return pkit_seterr(t->ctx, PKIT_ERR_NOMEM, "%s",
			    t->name);
		}
	} else if (json_is_string(v)) {
		const char *s = json_string_value(v), *p;
		int hex = strncasecmp(s, "0x", 2) == 0;

		p = hex ? s + 2 : s;
		if (*p == '\0' || strspn(p, hex ? "0123456789abcdefABCDEF" :
		    "0123456789") != strlen(p) || (!hex && *p == '0' && p[1]))
			return tj_err(t, "serialNumber",
			    "'%s' is not a decimal "
			    "or 0x-prefixed hexadecimal number", s);
		ok = hex ? BN_hex2bn(&bn, p) : BN_dec2bn(&bn, p);
		if (!ok)
			return pkit_seterr(t->ctx, PKIT_ERR_NOMEM, "%s",
			    t->name);
		if (BN_is_zero(bn)) {
			BN_free(bn);
			return tj_err(t, "serialNumber", "must be positive");
		}
	} else {
		return tj_err(t, "serialNumber",
		    "expected a number or a string");
	}
	if (BN_num_bytes(bn) > 20) {
		BN_free(bn);
		return tj_err(t, "serialNumber", "longer than 20 octets");
	}
	ai = BN_to_ASN1_INTEGER(bn, NULL);
	BN_free(bn);
	if (ai == NULL)
		return pkit_seterr(t->ctx, PKIT_ERR_NOMEM, "%s", t->name);
	*out = ai;
	return 0;
}

int
pkit_x509_check_key(struct pkit_ctx *ctx, X509 *crt, EVP_PKEY *key,
    const char *crtname, const char *keyname)
{
	EVP_PKEY *pub = X509_get0_pubkey(crt);

	if (pub == NULL || !pkit_key_matches(pub, key))
		return pkit_seterr(ctx, PKIT_ERR_MISMATCH,
		    "%s: the key does not match the certificate %s", keyname,
		    crtname);
	return PKIT_OK;
}

int
pkit_x509_check_issuer(struct pkit_ctx *ctx, X509 *ca, const char *name,
    int for_ca, long pathlen)
{
	uint32_t flags = X509_get_extension_flags(ca);
	long capl;

	if (!(flags & EXFLAG_CA))
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "%s: not a certificate authority (no basicConstraints "
		    "CA:TRUE)",
		    name);
	if ((flags & EXFLAG_KUSAGE) &&
	    !(X509_get_key_usage(ca) & KU_KEY_CERT_SIGN))
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "%s: the issuer's keyUsage lacks keyCertSign", name);
	if (!for_ca)
		return PKIT_OK;
	capl = X509_get_pathlen(ca);
	if (capl == 0)
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "%s: cannot sign an intermediate CA: its pathLenConstraint "
		    "is 0", name);
	if (capl > 0 && (pathlen < 0 || pathlen >= capl))
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "%s: cannot sign an intermediate CA with path length "
		    "%s%ld: "
		    "its pathLenConstraint is %ld, so at most %ld", name,
		    pathlen < 0 ? "unlimited " : "", pathlen < 0 ? 0 : pathlen,
		    capl, capl - 1);
	return PKIT_OK;
}

/* Build the extensions of a certificate (crt set, for the SKI) or of a CSR
 * (crt NULL). */
static int
build_exts(struct tj *t, X509 *crt, X509 *issuer, int self_signed,
    int subject_empty, STACK_OF(X509_EXTENSION) **out)
{
	struct exts e;
	int r;

	*out = NULL;
	if ((e.sk = sk_X509_EXTENSION_new_null()) == NULL)
		return pkit_seterr(t->ctx, PKIT_ERR_NOMEM, "%s", t->name);
	if (crt != NULL) {
		/* Go's order. */
		if ((r = build_ku(t, &e)) != 0 || (r = build_eku(t, &e)) != 0 ||
		    (r = build_bc(t, &e)) != 0 ||
		    (r = build_keyid(t, &e, crt, issuer, self_signed)) != 0 ||
		    (r = build_aia(t, &e)) != 0 ||
		    (r = build_san(t, &e, subject_empty)) != 0 ||
		    (r = build_nc(t, &e)) != 0 || (r = build_crldp(t,
		    &e)) != 0 ||
		    (r = build_policies(t, &e)) != 0 || (r = build_raw(t,
		    &e)) != 0)
			goto fail;
	} else {
		if ((r = build_san(t, &e, subject_empty)) != 0 ||
		    (r = build_ku(t, &e)) != 0 || (r = build_eku(t, &e)) != 0 ||
		    (r = build_bc(t, &e)) != 0 || (r = build_raw(t, &e)) != 0)
			goto fail;
	}
	*out = e.sk;
	return 0;
fail:
	sk_X509_EXTENSION_pop_free(e.sk, X509_EXTENSION_free);
	return r;
}

int
pkit_x509_issue(struct pkit_ctx *ctx, const struct pkit_x509_issue *in,
    X509 **out)
{
	struct tj t = { ctx, in->tmpl_name != NULL ? in->tmpl_name : "template",
	    in->tmpl };
	STACK_OF(X509_EXTENSION) *exts = NULL;
	X509_NAME *subject = NULL;
	ASN1_INTEGER *serial = NULL;
	EVP_MD_CTX *mctx = NULL;
	X509 *x = NULL;
	json_t *sn;
	int r = PKIT_ERR_INTERNAL, i, self = in->issuer == NULL;

	*out = NULL;
	if (!json_is_object(in->tmpl))
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: the template is not a JSON object", t.name);
	if ((r = check_keys(&t, in->tmpl, "template", cert_keys)) != 0)
		return r;
	if (in->not_after <= in->not_before)
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "the validity ends before it starts");
	if (!pkit_key_has_private(in->key))
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "the signing key is not a private key");
	if (self ? !pkit_key_matches(in->pub, in->key) :
	    !pkit_key_matches(X509_get0_pubkey(in->issuer), in->key))
		return pkit_seterr(ctx, PKIT_ERR_MISMATCH,
		    "the signing key does not match the %s",
		    self ? "certificate's public key" : "issuer certificate");
	if ((r = name_from_json(&t, get_ci(in->tmpl, "subject"), "subject",
	    &subject)) != 0)
		goto out;
	if ((sn = get_ci(in->tmpl, "serialNumber")) != NULL)
		r = serial_from_json(&t, sn, &serial);
	else
		r = pkit_x509_random_serial(ctx, &serial);
	if (r != 0)
		goto out;
	if ((x = X509_new_ex(ctx->libctx, ctx->propq)) == NULL ||
	    !X509_set_version(x, X509_VERSION_3) ||
	    !X509_set_serialNumber(x, serial) ||
	    !X509_set_subject_name(x, subject) ||
	    !X509_set_issuer_name(x, self ? subject :
	    X509_get_subject_name(in->issuer)) ||
	    ASN1_TIME_set(X509_getm_notBefore(x), in->not_before) == NULL ||
	    ASN1_TIME_set(X509_getm_notAfter(x), in->not_after) == NULL ||
	    !X509_set_pubkey(x, in->pub)) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "%s: building the "
		    "certificate", t.name);
		goto out;
	}
	if ((r = build_exts(&t, x, in->issuer, self,
	    X509_NAME_entry_count(subject) == 0, &exts)) != 0)
		goto out;
	for (i = 0; i < sk_X509_EXTENSION_num(exts); i++) {
		if (!X509_add_ext(x, sk_X509_EXTENSION_value(exts, i), -1)) {
			r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO,
			    "%s: adding an extension", t.name);
			goto out;
		}
	}
	if ((r = sign_init(ctx, t.name, in->key, get_ci(in->tmpl,
	    "signatureAlgorithm"), &mctx)) != 0)
		goto out;
	if (X509_sign_ctx(x, mctx) <= 0) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO,
		    "%s: signing the certificate", t.name);
		goto out;
	}
	*out = x;
	x = NULL;
	r = PKIT_OK;
out:
	EVP_MD_CTX_free(mctx);
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	ASN1_INTEGER_free(serial);
	X509_NAME_free(subject);
	X509_free(x);
	return r;
}

int
pkit_x509_csr_make(struct pkit_ctx *ctx, json_t *tmpl, const char *tmpl_name,
    EVP_PKEY *key, X509_REQ **out)
{
	struct tj t = { ctx, tmpl_name != NULL ? tmpl_name : "template", tmpl };
	STACK_OF(X509_EXTENSION) *exts = NULL;
	X509_NAME *subject = NULL;
	EVP_MD_CTX *mctx = NULL;
	X509_REQ *req = NULL;
	int r = PKIT_ERR_INTERNAL;

	*out = NULL;
	if (!json_is_object(tmpl))
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: the template is not a JSON object", t.name);
	if ((r = check_keys(&t, tmpl, "template", csr_keys)) != 0)
		return r;
	if ((r = name_from_json(&t, get_ci(tmpl, "subject"), "subject",
	    &subject)) != 0)
		goto out;
	if ((req = X509_REQ_new_ex(ctx->libctx, ctx->propq)) == NULL ||
	    !X509_REQ_set_version(req, X509_REQ_VERSION_1) ||
	    !X509_REQ_set_subject_name(req, subject) ||
	    !X509_REQ_set_pubkey(req, key)) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO,
		    "%s: building the CSR",
		    t.name);
		goto out;
	}
	if ((r = build_exts(&t, NULL, NULL, 0,
	    X509_NAME_entry_count(subject) == 0,
	    &exts)) != 0)
		goto out;
	if (sk_X509_EXTENSION_num(exts) > 0 &&
	    !X509_REQ_add_extensions(req, exts)) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO,
		    "%s: adding the extensions", t.name);
		goto out;
	}
	if ((r = sign_init(ctx, t.name, key, get_ci(tmpl, "signatureAlgorithm"),
	    &mctx)) != 0)
		goto out;
	if (X509_REQ_sign_ctx(req, mctx) <= 0) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "%s: signing the CSR",
		    t.name);
		goto out;
	}
	*out = req;
	req = NULL;
	r = PKIT_OK;
out:
	EVP_MD_CTX_free(mctx);
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	X509_NAME_free(subject);
	X509_REQ_free(req);
	return r;
}

int
pkit_x509_csr_verify(struct pkit_ctx *ctx, X509_REQ *req, const char *name)
{
	EVP_PKEY *pub = X509_REQ_get0_pubkey(req);

	if (pub == NULL)
		return pkit_seterr_ssl(ctx, PKIT_ERR_FORMAT,
		    "%s: the CSR's public key is not readable", name);
	if (X509_REQ_verify_ex(req, pub, ctx->libctx, ctx->propq) != 1)
		return pkit_seterr_ssl(ctx, PKIT_ERR_VERIFY,
		    "%s: the CSR's signature does not verify", name);
	ERR_clear_error();
	return PKIT_OK;
}

int
pkit_x509_fingerprint(struct pkit_ctx *ctx, X509 *crt, const char *alg,
    unsigned char *md, size_t *len)
{
	unsigned char *der = NULL;
	unsigned int mdlen = 0;
	EVP_MD *m;
	int dlen, ok;

	*len = 0;
	if ((m = EVP_MD_fetch(ctx->libctx, alg, ctx->propq)) == NULL)
		return pkit_seterr_ssl(ctx, PKIT_ERR_UNSUPPORTED, "%s", alg);
	if ((dlen = i2d_X509(crt, &der)) <= 0) {
		EVP_MD_free(m);
		return pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO,
		    "certificate encoding");
	}
	ok = EVP_Digest(der, (size_t)dlen, md, &mdlen, m, NULL);
	OPENSSL_free(der);
	EVP_MD_free(m);
	if (!ok)
		return pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "%s", alg);
	*len = mdlen;
	return PKIT_OK;
}

/* x509_info.c - certificates and CSRs in words: the long text and the
 * short text, and reading the input (the JSON is in x509_info_json.c).
 *
 * The long text follows step's certinfo layout (step-cli.md §2.1 and the
 * step 0.19 captures) byte for byte where step decodes a field, and decodes
 * the extensions it leaves out in the same style.  Every decoder here goes
 * through OpenSSL's ASN.1 types; nothing parses DER by hand.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/asn1t.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ct.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "p12.h"
#include "x509.h"
#include "x509_info.h"
#include "x509_info_impl.h"

/* ---- smallstep and other private extensions -------------------------- */

#define OID_STEP_RA		"1.3.6.1.4.1.37476.9000.64.2"
#define OID_STEP_ENDPOINT	"1.3.6.1.4.1.37476.9000.64.3"
#define OID_STEP_DEVICE		"1.3.6.1.4.1.37476.9000.64.4"
#define OID_NS_COMMENT		"2.16.840.1.113730.1.13"
#define OID_UPN			"1.3.6.1.4.1.311.20.2.3"
#define OID_PERMANENT_ID	"1.3.6.1.5.5.7.8.3"
#define OID_HW_MODULE		"1.3.6.1.5.5.7.8.4"
#define OID_TPM_MANUFACTURER	"2.23.133.2.1"
#define OID_TPM_MODEL		"2.23.133.2.2"
#define OID_TPM_VERSION		"2.23.133.2.3"

ASN1_SEQUENCE(STEP_PROVISIONER) = {
	ASN1_SIMPLE(STEP_PROVISIONER, type, ASN1_INTEGER),
	ASN1_SIMPLE(STEP_PROVISIONER, name, ASN1_OCTET_STRING),
	ASN1_SIMPLE(STEP_PROVISIONER, credential_id, ASN1_OCTET_STRING),
	ASN1_SEQUENCE_OF_OPT(STEP_PROVISIONER, kv, DIRECTORYSTRING),
} ASN1_SEQUENCE_END(STEP_PROVISIONER)

/* Step Registration Authority ::= SEQUENCE { type String,
 *   certificateID String OPTIONAL,
 *   keyValuePairs SEQUENCE OF String OPTIONAL } */
typedef struct {
	ASN1_STRING *type;
	ASN1_STRING *cert_id;
	STACK_OF(ASN1_STRING) *kv;
} STEP_RA;

ASN1_SEQUENCE(STEP_RA) = {
	ASN1_SIMPLE(STEP_RA, type, DIRECTORYSTRING),
	ASN1_OPT(STEP_RA, cert_id, DIRECTORYSTRING),
	ASN1_SEQUENCE_OF_OPT(STEP_RA, kv, DIRECTORYSTRING),
} static_ASN1_SEQUENCE_END(STEP_RA)

/* Managed endpoint ::= SEQUENCE { kind INTEGER, endpointID String } */
typedef struct {
	ASN1_INTEGER *kind;
	ASN1_STRING *id;
} STEP_ENDPOINT;

ASN1_SEQUENCE(STEP_ENDPOINT) = {
	ASN1_SIMPLE(STEP_ENDPOINT, kind, ASN1_INTEGER),
	ASN1_SIMPLE(STEP_ENDPOINT, id, DIRECTORYSTRING),
} static_ASN1_SEQUENCE_END(STEP_ENDPOINT)

/* Managed device ::= SEQUENCE { deviceID String } */
typedef struct {
	ASN1_STRING *id;
} STEP_DEVICE;

ASN1_SEQUENCE(STEP_DEVICE) = {
	ASN1_SIMPLE(STEP_DEVICE, id, DIRECTORYSTRING),
} static_ASN1_SEQUENCE_END(STEP_DEVICE)

/* RFC 4043 PermanentIdentifier ::= SEQUENCE { identifierValue UTF8String
 *   OPTIONAL, assigner OBJECT IDENTIFIER OPTIONAL } */
typedef struct {
	ASN1_UTF8STRING *value;
	ASN1_OBJECT *assigner;
} PERMANENT_ID;

ASN1_SEQUENCE(PERMANENT_ID) = {
	ASN1_OPT(PERMANENT_ID, value, ASN1_UTF8STRING),
	ASN1_OPT(PERMANENT_ID, assigner, ASN1_OBJECT),
} static_ASN1_SEQUENCE_END(PERMANENT_ID)

/* RFC 4108 HardwareModuleName ::= SEQUENCE { hwType OBJECT IDENTIFIER,
 *   hwSerialNum OCTET STRING } */
typedef struct {
	ASN1_OBJECT *type;
	ASN1_OCTET_STRING *serial;
} HW_MODULE;

ASN1_SEQUENCE(HW_MODULE) = {
	ASN1_SIMPLE(HW_MODULE, type, ASN1_OBJECT),
	ASN1_SIMPLE(HW_MODULE, serial, ASN1_OCTET_STRING),
} static_ASN1_SEQUENCE_END(HW_MODULE)


static const char *const step_endpoint_kinds[] = {
	"Unknown", "Device", "Workload", "People", "Agent", "Account",
};

const char *
info_step_provisioner_type(long t)
{
	static const char *const types[] = {
		"NOOP", "JWK", "OIDC", "GCP", "AWS", "Azure", "ACME", "X5C",
		"K8sSA", "SSHPOP", "SCEP", "Nebula",
	};

	return t >= 0 && (size_t)t < sizeof(types) / sizeof(types[0]) ?
	    types[t] : NULL;
}

/* Decode a DER value with one of the templates above; NULL if it does not
 * parse or has trailing bytes. */
void *
info_item_d2i(const ASN1_ITEM *it, const unsigned char *p, long len)
{
	const unsigned char *q = p;
	ASN1_VALUE *v;

	if ((v = ASN1_item_d2i(NULL, &q, len, it)) == NULL) {
		ERR_clear_error();
		return NULL;
	}
	if (q != p + len) {
		ASN1_item_free(v, it);
		return NULL;
	}
	return v;
}

/* ---- small helpers --------------------------------------------------- */

static const char *const months[12] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
	"Nov", "Dec",
};

void
info_oid_text(const ASN1_OBJECT *obj, char *buf, size_t size)
{
	if (OBJ_obj2txt(buf, (int)size, obj, 1) <= 0)
		snprintf(buf, size, "?");
}

int
info_oid_is(const ASN1_OBJECT *obj, const char *dotted)
{
	char buf[128];

	info_oid_text(obj, buf, sizeof(buf));
	return strcmp(buf, dotted) == 0;
}

/* An ASN.1 string as UTF-8 (malloc'd, OPENSSL_free), or NULL. */
char *
info_str_utf8(const ASN1_STRING *s)
{
	unsigned char *u = NULL;
	int n;

	if (s == NULL)
		return NULL;
	if ((n = ASN1_STRING_to_UTF8(&u, s)) < 0) {
		ERR_clear_error();
		return NULL;
	}
	return (char *)u;
}

/* Bytes of a non-negative BIGNUM with no leading zeros (Go's Bytes()). */
unsigned char *
info_bn_bytes(const BIGNUM *bn, size_t *len)
{
	int n = BN_num_bytes(bn);
	unsigned char *p = malloc(n > 0 ? (size_t)n : 1);

	*len = 0;
	if (p == NULL)
		return NULL;
	if (n > 0)
		BN_bn2bin(bn, p);
	*len = (size_t)n;
	return p;
}

/* Go's hex dump: before every per-th byte a newline and indent spaces;
 * bytes joined with ':'; a final newline. */
static void
hex_lines(FILE *fp, const unsigned char *p, size_t n, size_t per, int indent)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i % per == 0)
			fprintf(fp, "\n%*s", indent, "");
		fprintf(fp, "%02x%s", p[i], i + 1 < n ? ":" : "");
	}
	fputc('\n', fp);
}

/* "AB:CD:EF" (upper case) on one line. */
static void
hex_upper(FILE *fp, const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		fprintf(fp, "%s%02X", i ? ":" : "", p[i]);
}

void
info_hex_plain(char *buf, size_t size, const unsigned char *p, size_t n)
{
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < n && 2 * i + 2 < size; i++)
		snprintf(buf + 2 * i, size - 2 * i, "%02x", p[i]);
}

static int
tm_of(const ASN1_TIME *t, struct tm *tm)
{
	memset(tm, 0, sizeof(*tm));
	if (t == NULL || ASN1_TIME_to_tm(t, tm) != 1) {
		ERR_clear_error();
		return -1;
	}
	return 0;
}

/* Go's "Jan 2 15:04:05 2006 MST" in UTC. */
static void
go_time(FILE *fp, const ASN1_TIME *t)
{
	struct tm tm;

	if (tm_of(t, &tm) != 0) {
		fputs("(invalid time)", fp);
		return;
	}
	fprintf(fp, "%s %d %02d:%02d:%02d %d UTC", months[tm.tm_mon % 12],
	    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, tm.tm_year + 1900);
}

int
pkit_asn1_time_rfc3339(const ASN1_TIME *t, char *buf, size_t size)
{
	struct tm tm;

	if (tm_of(t, &tm) != 0) {
		snprintf(buf, size, "invalid");
		return -1;
	}
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec);
	return 0;
}

int
pkit_asn1_time_epoch(const ASN1_TIME *t, long long *out)
{
	struct tm tm;

	*out = 0;
	if (tm_of(t, &tm) != 0)
		return -1;
	*out = (long long)timegm(&tm);
	return 0;
}

/* ---- names ----------------------------------------------------------- */

/* step's spelling of an attribute type (certinfo printName). */
static void
attr_label(const ASN1_OBJECT *obj, char *buf, size_t size, int *known)
{
	static const struct { int nid; const char *label; } map[] = {
		{ NID_commonName, "CN" },
		{ NID_serialNumber, "SERIALNUMBER" },
		{ NID_countryName, "C" },
		{ NID_localityName, "L" },
		{ NID_stateOrProvinceName, "ST" },
		{ NID_streetAddress, "STREET" },
		{ NID_organizationName, "O" },
		{ NID_organizationalUnitName, "OU" },
		{ NID_postalCode, "POSTALCODE" },
		{ NID_pkcs9_emailAddress, "emailAddress" },
		{ NID_domainComponent, "DC" },
		{ NID_userId, "UID" },
	};
	int nid = OBJ_obj2nid(obj);
	size_t i;

	*known = 1;
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (map[i].nid == nid) {
			snprintf(buf, size, "%s", map[i].label);
			return;
		}
	}
	*known = 0;
	info_oid_text(obj, buf, size);
}

static void
entry_value(const X509_NAME_ENTRY *e, char *buf, size_t size)
{
	const ASN1_STRING *d = X509_NAME_ENTRY_get_data(e);
	char *u = info_str_utf8(d);

	if (u != NULL) {
		snprintf(buf, size, "%s", u);
		OPENSSL_free(u);
	} else {
		buf[0] = '#';
		info_hex_plain(buf + 1, size - 1, ASN1_STRING_get0_data(d),
		    (size_t)ASN1_STRING_length(d));
	}
}

void
pkit_x509_name_text(const X509_NAME *name, char *buf, size_t size)
{
	int i, n = X509_NAME_entry_count(name), known;
	size_t off = 0;
	char label[80], value[1024];

	buf[0] = '\0';
	for (i = 0; i < n && off < size; i++) {
		const X509_NAME_ENTRY *e = X509_NAME_get_entry(name, i);

		attr_label(X509_NAME_ENTRY_get_object(e), label, sizeof(label),
		    &known);
		entry_value(e, value, sizeof(value));
		off += (size_t)snprintf(buf + off, size - off, "%s%s=%s",
		    i ? "," : "", label, value);
	}
}

void
pkit_x509_name_cn(const X509_NAME *name, char *buf, size_t size)
{
	int i, last = -1;

	buf[0] = '\0';
	for (i = 0; i < X509_NAME_entry_count(name); i++)
		if (OBJ_obj2nid(X509_NAME_ENTRY_get_object(
		    X509_NAME_get_entry(name, i))) == NID_commonName)
			last = i;
	if (last >= 0)
		entry_value(X509_NAME_get_entry(name, last), buf, size);
}

/* zcrypto's issuer_dn/subject_dn: "O=Test, CN=Test CA". */
void
info_name_dn(const X509_NAME *name, char *buf, size_t size)
{
	int i, n = X509_NAME_entry_count(name);
	size_t off = 0;
	char label[80], value[1024];

	buf[0] = '\0';
	for (i = 0; i < n && off < size; i++) {
		const X509_NAME_ENTRY *e = X509_NAME_get_entry(name, i);
		const ASN1_OBJECT *o = X509_NAME_ENTRY_get_object(e);
		int nid = OBJ_obj2nid(o);

		if (nid != NID_undef)
			snprintf(label, sizeof(label), "%s", OBJ_nid2sn(nid));
		else
			info_oid_text(o, label, sizeof(label));
		entry_value(e, value, sizeof(value));
		off += (size_t)snprintf(buf + off, size - off, "%s%s=%s",
		    i ? ", " : "", label, value);
	}
}

/* ---- algorithms ------------------------------------------------------ */

void
pkit_x509_sigalg_name(const X509_ALGOR *alg, char *buf, size_t size)
{
	static const struct { int nid; const char *name; } map[] = {
		{ NID_md2WithRSAEncryption, "MD2-RSA" },
		{ NID_md5WithRSAEncryption, "MD5-RSA" },
		{ NID_sha1WithRSAEncryption, "SHA1-RSA" },
		{ NID_sha224WithRSAEncryption, "SHA224-RSA" },
		{ NID_sha256WithRSAEncryption, "SHA256-RSA" },
		{ NID_sha384WithRSAEncryption, "SHA384-RSA" },
		{ NID_sha512WithRSAEncryption, "SHA512-RSA" },
		{ NID_dsaWithSHA1, "DSA-SHA1" },
		{ NID_dsa_with_SHA256, "DSA-SHA256" },
		{ NID_ecdsa_with_SHA1, "ECDSA-SHA1" },
		{ NID_ecdsa_with_SHA224, "ECDSA-SHA224" },
		{ NID_ecdsa_with_SHA256, "ECDSA-SHA256" },
		{ NID_ecdsa_with_SHA384, "ECDSA-SHA384" },
		{ NID_ecdsa_with_SHA512, "ECDSA-SHA512" },
		{ NID_ED25519, "Ed25519" },
		{ NID_ED448, "Ed448" },
	};
	const ASN1_OBJECT *obj;
	int nid;
	size_t i;

	X509_ALGOR_get0(&obj, NULL, NULL, alg);
	nid = OBJ_obj2nid(obj);
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (map[i].nid == nid) {
			snprintf(buf, size, "%s", map[i].name);
			return;
		}
	}
	if (nid == NID_rsassaPss) {
		RSA_PSS_PARAMS *pss = NULL;
		const char *h = "SHA1";
		int type;
		const void *pval;

		X509_ALGOR_get0(NULL, &type, &pval, alg);
		if (type == V_ASN1_SEQUENCE) {
			const ASN1_STRING *s = pval;
			const unsigned char *p = ASN1_STRING_get0_data(s);

			pss = d2i_RSA_PSS_PARAMS(NULL, &p,
			    ASN1_STRING_length(s));
			ERR_clear_error();
		}
		if (pss != NULL && pss->hashAlgorithm != NULL) {
			int hn = OBJ_obj2nid(pss->hashAlgorithm->algorithm);

			h = hn == NID_sha256 ? "SHA256" : hn == NID_sha384 ?
			    "SHA384" : hn == NID_sha512 ? "SHA512" : "SHA1";
		}
		RSA_PSS_PARAMS_free(pss);
		snprintf(buf, size, "%s-RSAPSS", h);
		return;
	}
	info_oid_text(obj, buf, size);
}

/* The RSA key size as Go's short form counts it: whole bytes. */
static int
bytes_bits(EVP_PKEY *pk)
{
	return (EVP_PKEY_get_bits(pk) + 7) / 8 * 8;
}

/* Go's public key algorithm name and the short form's parameter ("P-256",
 * "2048", "256").  Either output may be NULL. */
void
info_pk_names(X509_PUBKEY *xpk, char *alg, size_t asize, char *param,
    size_t psize)
{
	EVP_PKEY *pk = X509_PUBKEY_get0(xpk);
	const ASN1_OBJECT *obj = NULL;
	char a[80] = "", p[64] = "unknown";

	X509_PUBKEY_get0_param((ASN1_OBJECT **)&obj, NULL, NULL, NULL, xpk);
	if (pk == NULL) {
		ERR_clear_error();
		info_oid_text(obj, a, sizeof(a));
	} else if (EVP_PKEY_is_a(pk, "RSA")) {
		snprintf(a, sizeof(a), "RSA");
		snprintf(p, sizeof(p), "%d", bytes_bits(pk));
	} else if (EVP_PKEY_is_a(pk, "EC")) {
		char g[64];
		size_t n = 0;

		snprintf(a, sizeof(a), "ECDSA");
		if (EVP_PKEY_get_utf8_string_param(pk,
		    OSSL_PKEY_PARAM_GROUP_NAME, g, sizeof(g), &n)) {
			int nid = OBJ_sn2nid(g);
			const char *nist = nid != NID_undef ?
			    EC_curve_nid2nist(nid) : NULL;

			snprintf(p, sizeof(p), "%s", nist != NULL ? nist : g);
		}
		ERR_clear_error();
	} else if (EVP_PKEY_is_a(pk, "ED25519")) {
		snprintf(a, sizeof(a), "Ed25519");
		snprintf(p, sizeof(p), "256");
	} else if (EVP_PKEY_is_a(pk, "ED448")) {
		snprintf(a, sizeof(a), "Ed448");
		snprintf(p, sizeof(p), "456");
	} else if (EVP_PKEY_is_a(pk, "DSA")) {
		BIGNUM *q = NULL;

		snprintf(a, sizeof(a), "DSA");
		if (EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_FFC_Q, &q))
			snprintf(p, sizeof(p), "%d", BN_num_bits(q));
		BN_free(q);
		ERR_clear_error();
	} else if (EVP_PKEY_is_a(pk, "RSA-PSS")) {
		snprintf(a, sizeof(a), "RSA-PSS");
		snprintf(p, sizeof(p), "%d", bytes_bits(pk));
	} else {
		snprintf(a, sizeof(a), "%s", EVP_PKEY_get0_type_name(pk));
	}
	if (alg != NULL)
		snprintf(alg, asize, "%s", a);
	if (param != NULL)
		snprintf(param, psize, "%s", p);
}

/* ---- the long text: public key --------------------------------------- */

static void
bn_block(FILE *fp, const char *label, const BIGNUM *bn)
{
	unsigned char *b;
	size_t n;

	fprintf(fp, "%16s%s:", "", label);
	if (bn == NULL || (b = info_bn_bytes(bn, &n)) == NULL) {
		fputc('\n', fp);
		return;
	}
	hex_lines(fp, b, n, 15, 20);
	free(b);
}

static void
print_pubkey(FILE *fp, X509_PUBKEY *xpk)
{
	EVP_PKEY *pk = X509_PUBKEY_get0(xpk);
	BIGNUM *a = NULL, *b = NULL, *c = NULL, *d = NULL;
	char alg[80], param[64];

	info_pk_names(xpk, alg, sizeof(alg), param, sizeof(param));
	fprintf(fp, "%8sSubject Public Key Info:\n", "");
	fprintf(fp, "%12sPublic Key Algorithm: %s\n", "", alg);
	if (pk != NULL && EVP_PKEY_is_a(pk, "RSA") &&
	    EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_N, &a) &&
	    EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_E, &b)) {
		char *e = BN_bn2dec(b), *x = BN_bn2hex(b);

		fprintf(fp, "%16sPublic-Key: (%d bit)\n", "", BN_num_bits(a));
		bn_block(fp, "Modulus", a);
		/* BN_bn2hex pads to whole bytes; Go's %#x does not. */
		fprintf(fp, "%16sExponent: %s (0x%s)\n", "", e ? e : "?",
		    x ? x + strspn(x, "0") : "?");
		OPENSSL_free(e);
		OPENSSL_free(x);
	} else if (pk != NULL && EVP_PKEY_is_a(pk, "EC") &&
	    EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_EC_PUB_X, &a) &&
	    EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_EC_PUB_Y, &b)) {
		fprintf(fp, "%16sPublic-Key: (%d bit)\n", "",
		    EVP_PKEY_get_bits(pk));
		bn_block(fp, "X", a);
		bn_block(fp, "Y", b);
		fprintf(fp, "%16sCurve: %s\n", "", param);
	} else if (pk != NULL && (EVP_PKEY_is_a(pk, "ED25519") ||
	    EVP_PKEY_is_a(pk, "ED448"))) {
		unsigned char raw[64];
		size_t n = sizeof(raw);

		if (!EVP_PKEY_get_raw_public_key(pk, raw, &n))
			n = 0;
		fprintf(fp, "%16sPublic-Key: (%d bit)", "",
		    EVP_PKEY_get_bits(pk));
		hex_lines(fp, raw, n, 15, 20);
	} else if (pk != NULL && EVP_PKEY_is_a(pk, "DSA") &&
	    EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_PUB_KEY, &a) &&
	    EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_FFC_P, &b) &&
	    EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_FFC_Q, &c) &&
	    EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_FFC_G, &d)) {
		bn_block(fp, "pub", a);
		bn_block(fp, "P", b);
		bn_block(fp, "Q", c);
		bn_block(fp, "G", d);
	} else {
		const unsigned char *raw = NULL;
		int n = 0;

		X509_PUBKEY_get0_param(NULL, &raw, &n, NULL, xpk);
		fprintf(fp, "%16sPublic-Key:\n%16sRaw Bytes:", "", "");
		hex_lines(fp, raw, n > 0 ? (size_t)n : 0, 15, 20);
	}
	BN_free(a);
	BN_free(b);
	BN_free(c);
	BN_free(d);
	ERR_clear_error();
}

/* ---- the long text: extensions --------------------------------------- */

static void
ext_header(FILE *fp, const char *name, int crit)
{
	fprintf(fp, "%12s%s:%s\n", "", name, crit ? " critical" : "");
}

/* Printable bytes as they are, others as '.', then the hex (certinfo
 * shows the runes; pkit adds the bytes). */
static void
print_raw_value(FILE *fp, const unsigned char *p, size_t n)
{
	size_t i;

	fprintf(fp, "%16s", "");
	for (i = 0; i < n; i++)
		fputc(p[i] >= 0x20 && p[i] < 0x7f ? p[i] : '.', fp);
	fputc('\n', fp);
	fprintf(fp, "%16s", "");
	for (i = 0; i < n; i++) {
		if (i > 0 && i % 18 == 0)
			fprintf(fp, "\n%16s", "");
		fprintf(fp, "%02x%s", p[i], i + 1 < n ? ":" : "");
	}
	fputc('\n', fp);
}

static void
print_unknown_ext(FILE *fp, const ASN1_OBJECT *obj, int crit,
    const ASN1_OCTET_STRING *data)
{
	char oid[128];

	info_oid_text(obj, oid, sizeof(oid));
	ext_header(fp, oid, crit);
	print_raw_value(fp, ASN1_STRING_get0_data(data),
	    (size_t)ASN1_STRING_length(data));
}

static void
ip_text(const ASN1_OCTET_STRING *ip, char *buf, size_t size)
{
	const unsigned char *p = ASN1_STRING_get0_data(ip);
	int n = ASN1_STRING_length(ip);

	if (n == 4) {
		inet_ntop(AF_INET, p, buf, (socklen_t)size);
	} else if (n == 16) {
		inet_ntop(AF_INET6, p, buf, (socklen_t)size);
	} else {
		buf[0] = '?';
		info_hex_plain(buf + 1, size - 1, p, n > 0 ? (size_t)n : 0);
	}
}

/* An IP range of a name constraint (address then mask) as Go's IPNet
 * prints it: "10.0.0.0/8", or the mask in hex when it is not a prefix. */
void
info_ip_range_text(const ASN1_OCTET_STRING *ip, char *buf, size_t size)
{
	const unsigned char *p = ASN1_STRING_get0_data(ip);
	int n = ASN1_STRING_length(ip), half = n / 2, i, bits = 0, prefix = 1;
	char addr[INET6_ADDRSTRLEN];

	if (n != 8 && n != 32) {
		ip_text(ip, buf, size);
		return;
	}
	inet_ntop(n == 8 ? AF_INET : AF_INET6, p, addr, sizeof(addr));
	for (i = 0; i < half * 8; i++) {
		int set = (p[half + i / 8] >> (7 - i % 8)) & 1;

		if (set && bits != i)
			prefix = 0;
		if (set)
			bits++;
	}
	if (prefix) {
		snprintf(buf, size, "%s/%d", addr, bits);
	} else {
		char hex[80];

		info_hex_plain(hex, sizeof(hex), p + half, (size_t)half);
		snprintf(buf, size, "%s/%s", addr, hex);
	}
}

static void
ia5_text(const ASN1_STRING *s, char *buf, size_t size)
{
	int n = ASN1_STRING_length(s);

	snprintf(buf, size, "%.*s", n, (const char *)ASN1_STRING_get0_data(s));
}

/* One general name with openssl's type prefixes, for the places where
 * certinfo has no layout of its own. */
static void
gn_text(const GENERAL_NAME *gn, char *buf, size_t size)
{
	char tmp[960];

	switch (gn->type) {
	case GEN_DNS:
		ia5_text(gn->d.dNSName, tmp, sizeof(tmp));
		snprintf(buf, size, "DNS:%s", tmp);
		break;
	case GEN_EMAIL:
		ia5_text(gn->d.rfc822Name, tmp, sizeof(tmp));
		snprintf(buf, size, "email:%s", tmp);
		break;
	case GEN_URI:
		ia5_text(gn->d.uniformResourceIdentifier, tmp, sizeof(tmp));
		snprintf(buf, size, "URI:%s", tmp);
		break;
	case GEN_IPADD:
		ip_text(gn->d.iPAddress, tmp, sizeof(tmp));
		snprintf(buf, size, "IP Address:%s", tmp);
		break;
	case GEN_DIRNAME:
		pkit_x509_name_text(gn->d.directoryName, tmp, sizeof(tmp));
		snprintf(buf, size, "DirName:%s", tmp);
		break;
	case GEN_RID:
		info_oid_text(gn->d.registeredID, tmp, sizeof(tmp));
		snprintf(buf, size, "Registered ID:%s", tmp);
		break;
	case GEN_OTHERNAME:
		info_oid_text(gn->d.otherName->type_id, tmp, sizeof(tmp));
		snprintf(buf, size, "othername:%s", tmp);
		break;
	case GEN_X400:
		snprintf(buf, size, "X400Name:<unsupported>");
		break;
	case GEN_EDIPARTY:
		snprintf(buf, size, "EdiPartyName:<unsupported>");
		break;
	default:
		snprintf(buf, size, "<unknown name type %d>", gn->type);
		break;
	}
}

/* The value of a general name of type t, without prefix. */
void
info_gn_value(const GENERAL_NAME *gn, char *buf, size_t size)
{
	switch (gn->type) {
	case GEN_DNS:
	case GEN_EMAIL:
	case GEN_URI:
		ia5_text(gn->d.ia5, buf, size);
		break;
	case GEN_IPADD:
		ip_text(gn->d.iPAddress, buf, size);
		break;
	default:
		gn_text(gn, buf, size);
		break;
	}
}

/* One line of every name of type t: "DNS:a, DNS:b". */
static void
san_line(FILE *fp, const GENERAL_NAMES *gns, int t, const char *prefix)
{
	int i, n = 0;
	char v[1024];

	for (i = 0; i < sk_GENERAL_NAME_num(gns); i++) {
		const GENERAL_NAME *gn = sk_GENERAL_NAME_value(gns, i);

		if (gn->type != t)
			continue;
		info_gn_value(gn, v, sizeof(v));
		if (n++ == 0)
			fprintf(fp, "%16s%s%s", "", prefix, v);
		else
			fprintf(fp, ", %s%s", prefix, v);
	}
	if (n > 0)
		fputc('\n', fp);
}

static void
print_othername(FILE *fp, const OTHERNAME *on)
{
	const ASN1_TYPE *v = on->value;
	char oid[128];

	info_oid_text(on->type_id, oid, sizeof(oid));
	if (strcmp(oid, OID_UPN) == 0 && v != NULL &&
	    v->type == V_ASN1_UTF8STRING) {
		char *u = info_str_utf8(v->value.utf8string);

		fprintf(fp, "%16sUPN: %s\n", "", u ? u : "");
		OPENSSL_free(u);
		return;
	}
	if (strcmp(oid, OID_PERMANENT_ID) == 0 && v != NULL &&
	    v->type == V_ASN1_SEQUENCE) {
		PERMANENT_ID *pi = info_item_d2i(ASN1_ITEM_rptr(PERMANENT_ID),
		    v->value.sequence->data, v->value.sequence->length);

		if (pi != NULL) {
			char *u = info_str_utf8(pi->value), a[128];

			if (u != NULL)
				fprintf(fp, "%16sPermanent Identifier: %s", "",
				    u);
			if (pi->assigner != NULL) {
				info_oid_text(pi->assigner, a, sizeof(a));
				fprintf(fp, ", Assigner: %s", a);
			}
			fputc('\n', fp);
			OPENSSL_free(u);
			ASN1_item_free((ASN1_VALUE *)pi,
			    ASN1_ITEM_rptr(PERMANENT_ID));
			return;
		}
	}
	if (strcmp(oid, OID_HW_MODULE) == 0 && v != NULL &&
	    v->type == V_ASN1_SEQUENCE) {
		HW_MODULE *hw = info_item_d2i(ASN1_ITEM_rptr(HW_MODULE),
		    v->value.sequence->data, v->value.sequence->length);

		if (hw != NULL) {
			char t[128];

			info_oid_text(hw->type, t, sizeof(t));
			fprintf(fp, "%16sHardware Module Name: Type: %s, "
			    "Serial Number: %.*s\n", "", t,
			    ASN1_STRING_length(hw->serial),
			    (const char *)ASN1_STRING_get0_data(hw->serial));
			ASN1_item_free((ASN1_VALUE *)hw,
			    ASN1_ITEM_rptr(HW_MODULE));
			return;
		}
	}
	/* Anything else: the DER of the value. */
	{
		unsigned char *der = NULL;
		int n = v != NULL ? i2d_ASN1_TYPE(v, &der) : 0;
		int i;

		fprintf(fp, "%16sOtherName: Type: %s, Value: 0x", "", oid);
		for (i = 0; i < n; i++)
			fprintf(fp, "%02x", der[i]);
		fputc('\n', fp);
		OPENSSL_free(der);
	}
}

static void
print_dirname(FILE *fp, const X509_NAME *dn)
{
	int i, tpm = 0;
	char v[1024];

	for (i = 0; i < X509_NAME_entry_count(dn); i++) {
		const X509_NAME_ENTRY *e = X509_NAME_get_entry(dn, i);
		const ASN1_OBJECT *o = X509_NAME_ENTRY_get_object(e);
		const char *label = NULL;

		if (info_oid_is(o, OID_TPM_MANUFACTURER))
			label = "TPM Manufacturer";
		else if (info_oid_is(o, OID_TPM_MODEL))
			label = "TPM Model";
		else if (info_oid_is(o, OID_TPM_VERSION))
			label = "TPM Version";

		if (label == NULL)
			continue;
		entry_value(e, v, sizeof(v));
		fprintf(fp, "%16s%s: %s\n", "", label, v);
		tpm = 1;
	}
	if (!tpm) {
		pkit_x509_name_text(dn, v, sizeof(v));
		fprintf(fp, "%16sDirName: %s\n", "", v);
	}
}

static void
print_general_names(FILE *fp, const GENERAL_NAMES *gns)
{
	int i;
	char v[1024];

	san_line(fp, gns, GEN_DNS, "DNS:");
	san_line(fp, gns, GEN_EMAIL, "email:");
	san_line(fp, gns, GEN_IPADD, "IP Address:");
	san_line(fp, gns, GEN_URI, "URI:");
	for (i = 0; i < sk_GENERAL_NAME_num(gns); i++) {
		const GENERAL_NAME *gn = sk_GENERAL_NAME_value(gns, i);

		switch (gn->type) {
		case GEN_OTHERNAME:
			print_othername(fp, gn->d.otherName);
			break;
		case GEN_DIRNAME:
			print_dirname(fp, gn->d.directoryName);
			break;
		case GEN_RID:
		case GEN_X400:
		case GEN_EDIPARTY:
			gn_text(gn, v, sizeof(v));
			fprintf(fp, "%16s%s\n", "", v);
			break;
		default:
			break;
		}
	}
}

/* Key usage bits in Go's order (bit i of the BIT STRING). */
static const char *const ku_names[9] = {
	"Digital Signature", "Content Commitment", "Key Encipherment",
	"Data Encipherment", "Key Agreement", "Certificate Sign", "CRL Sign",
	"Encipher Only", "Decipher Only",
};

static void
print_key_usage(FILE *fp, const ASN1_BIT_STRING *bs)
{
	int i, n = 0;

	for (i = 0; i < 9; i++) {
		if (!ASN1_BIT_STRING_get_bit(bs, i))
			continue;
		if (n++ == 0)
			fprintf(fp, "%16s%s", "", ku_names[i]);
		else
			fprintf(fp, ", %s", ku_names[i]);
	}
	if (n == 0)
		fprintf(fp, "%16sNone", "");
	fputc('\n', fp);
}

static const struct eku_name eku_names[] = {
	{ NID_anyExtendedKeyUsage, "Any Usage", "any" },
	{ NID_server_auth, "Server Authentication", "server_auth" },
	{ NID_client_auth, "Client Authentication", "client_auth" },
	{ NID_code_sign, "Code Signing", "code_signing" },
	{ NID_email_protect, "E-mail Protection", "email_protection" },
	{ NID_ipsecEndSystem, "IPSec End System", "ipsec_end_system" },
	{ NID_ipsecTunnel, "IPSec Tunnel", "ipsec_tunnel" },
	{ NID_ipsecUser, "IPSec User", "ipsec_user" },
	{ NID_time_stamp, "Time Stamping", "time_stamping" },
	{ NID_OCSP_sign, "OCSP Signing", "ocsp_signing" },
	{ NID_ms_sgc, "Microsoft Server Gated Crypto",
	  "microsoft_server_gated_crypto" },
	{ NID_ns_sgc, "Netscape Server Gated Crypto",
	  "netscape_server_gated_crypto" },
	{ NID_ms_code_com, "Microsoft Commercial Code Signing",
	  "microsoft_commercial_code_signing" },
	{ NID_ms_code_ind, "Microsoft Individual Code Signing",
	  "microsoft_individual_code_signing" },
	{ NID_ms_smartcard_login, "Microsoft Smartcard Login",
	  "microsoft_smartcard_login" },
	{ NID_ms_efs, "Microsoft Encrypted File System",
	  "microsoft_encrypted_file_system" },
};

const struct eku_name *
info_eku_lookup(const ASN1_OBJECT *o)
{
	int nid = OBJ_obj2nid(o);
	size_t i;

	for (i = 0; i < sizeof(eku_names) / sizeof(eku_names[0]); i++)
		if (eku_names[i].nid == nid)
			return &eku_names[i];
	return NULL;
}

static void
print_eku(FILE *fp, const EXTENDED_KEY_USAGE *eku)
{
	int i, n = sk_ASN1_OBJECT_num(eku);
	char oid[128];

	for (i = 0; i < n; i++) {
		const ASN1_OBJECT *o = sk_ASN1_OBJECT_value(eku, i);
		const struct eku_name *e = info_eku_lookup(o);

		if (e == NULL)
			info_oid_text(o, oid, sizeof(oid));
		fprintf(fp, "%s%s", i == 0 ? "" : ", ", e ? e->text : oid);
	}
	if (n > 0)
		fputc('\n', fp);
}

static void
print_bc(FILE *fp, const BASIC_CONSTRAINTS *bc)
{
	fprintf(fp, "%16sCA:%s", "", bc->ca ? "TRUE" : "FALSE");
	if (bc->pathlen != NULL) {
		long v = ASN1_INTEGER_get(bc->pathlen);

		fprintf(fp, ", pathlen:%ld", v);
	}
	fputc('\n', fp);
}

static void
subtree_lines(FILE *fp, const STACK_OF(GENERAL_SUBTREE) *st, int t,
    const char *label)
{
	int i, n = 0;
	char v[1024];

	for (i = 0; i < sk_GENERAL_SUBTREE_num(st); i++) {
		const GENERAL_NAME *gn = sk_GENERAL_SUBTREE_value(st, i)->base;

		if (gn->type != t)
			continue;
		if (t == GEN_IPADD)
			info_ip_range_text(gn->d.iPAddress, v, sizeof(v));
		else if (t == GEN_DIRNAME)
			pkit_x509_name_text(gn->d.directoryName, v, sizeof(v));
		else
			info_gn_value(gn, v, sizeof(v));
		if (n++ == 0)
			fprintf(fp, "%18s%s: %s", "", label, v);
		else
			fprintf(fp, ", %s", v);
	}
	if (n > 0)
		fputc('\n', fp);
}

static void
print_subtrees(FILE *fp, const STACK_OF(GENERAL_SUBTREE) *st,
    const char *title)
{
	if (sk_GENERAL_SUBTREE_num(st) <= 0)
		return;
	fprintf(fp, "%16s%s:\n", "", title);
	subtree_lines(fp, st, GEN_DNS, "DNS");
	subtree_lines(fp, st, GEN_EMAIL, "Email");
	subtree_lines(fp, st, GEN_URI, "URI");
	subtree_lines(fp, st, GEN_IPADD, "IP Range");
	subtree_lines(fp, st, GEN_DIRNAME, "DirName");
}

static void
print_crldp(FILE *fp, const CRL_DIST_POINTS *dps)
{
	int i, j, n = 0;
	char v[1024];

	for (i = 0; i < sk_DIST_POINT_num(dps); i++) {
		const DIST_POINT *dp = sk_DIST_POINT_value(dps, i);
		const GENERAL_NAMES *full;

		if (dp->distpoint == NULL || dp->distpoint->type != 0)
			continue;
		full = dp->distpoint->name.fullname;
		for (j = 0; j < sk_GENERAL_NAME_num(full); j++) {
			gn_text(sk_GENERAL_NAME_value(full, j), v, sizeof(v));
			if (n++ == 0)
				fprintf(fp, "%16sFull Name:\n%18s%s", "", "",
				    v);
			else
				fprintf(fp, ", %s", v);
		}
	}
	if (n > 0)
		fputc('\n', fp);
	for (i = 0; i < sk_DIST_POINT_num(dps); i++) {
		const DIST_POINT *dp = sk_DIST_POINT_value(dps, i);

		if (dp->distpoint != NULL && dp->distpoint->type == 1) {
			const STACK_OF(X509_NAME_ENTRY) *rdn =
			    dp->distpoint->name.relativename;
			int known;
			char label[80];

			fprintf(fp, "%16sRelative Name:", "");
			for (j = 0; j < sk_X509_NAME_ENTRY_num(rdn); j++) {
				const X509_NAME_ENTRY *e =
				    sk_X509_NAME_ENTRY_value(rdn, j);

				attr_label(X509_NAME_ENTRY_get_object(e), label,
				    sizeof(label), &known);
				entry_value(e, v, sizeof(v));
				fprintf(fp, "%s%s=%s", j ? "," : " ", label, v);
			}
			fputc('\n', fp);
		}
		for (j = 0; j < sk_GENERAL_NAME_num(dp->CRLissuer); j++) {
			gn_text(sk_GENERAL_NAME_value(dp->CRLissuer, j), v,
			    sizeof(v));
			fprintf(fp, "%16sCRL Issuer: %s\n", "", v);
		}
	}
}

static void
print_policies(FILE *fp, const CERTIFICATEPOLICIES *cp)
{
	int i, j;
	char oid[128];

	for (i = 0; i < sk_POLICYINFO_num(cp); i++) {
		const POLICYINFO *pi = sk_POLICYINFO_value(cp, i);

		info_oid_text(pi->policyid, oid, sizeof(oid));
		fprintf(fp, "%16sPolicy: %s\n", "", oid);
		for (j = 0; j < sk_POLICYQUALINFO_num(pi->qualifiers); j++) {
			const POLICYQUALINFO *q =
			    sk_POLICYQUALINFO_value(pi->qualifiers, j);
			int nid = OBJ_obj2nid(q->pqualid);

			if (nid == NID_id_qt_cps) {
				ia5_text(q->d.cpsuri, oid, sizeof(oid));
				fprintf(fp, "%18sCPS: %s\n", "", oid);
			} else if (nid == NID_id_qt_unotice &&
			    q->d.usernotice != NULL) {
				const USERNOTICE *un = q->d.usernotice;
				char *t = info_str_utf8(un->exptext);

				fprintf(fp, "%18sUser Notice:", "");
				if (un->noticeref != NULL) {
					char *o = info_str_utf8(
					    un->noticeref->organization);

					fprintf(fp, " Organization: %s",
					    o ? o : "");
					OPENSSL_free(o);
				}
				if (t != NULL)
					fprintf(fp, " Explicit Text: %s", t);
				fputc('\n', fp);
				OPENSSL_free(t);
			} else {
				info_oid_text(q->pqualid, oid, sizeof(oid));
				fprintf(fp, "%18sQualifier: %s\n", "", oid);
			}
		}
	}
}

static void
print_aia(FILE *fp, const AUTHORITY_INFO_ACCESS *aia)
{
	static const struct { int nid; const char *label; } methods[] = {
		{ NID_ad_OCSP, "OCSP" },
		{ NID_ad_ca_issuers, "CA Issuers" },
		{ NID_caRepository, "CA Repository" },
		{ NID_ad_timeStamping, "Time Stamping" },
	};
	size_t m;
	int i, n;
	char v[1024], oid[128];

	for (m = 0; m <= sizeof(methods) / sizeof(methods[0]); m++) {
		for (i = 0, n = 0; i < sk_ACCESS_DESCRIPTION_num(aia); i++) {
			const ACCESS_DESCRIPTION *ad =
			    sk_ACCESS_DESCRIPTION_value(aia, i);
			int nid = OBJ_obj2nid(ad->method);
			size_t k;

			if (m < sizeof(methods) / sizeof(methods[0])) {
				if (nid != methods[m].nid)
					continue;
			} else {
				for (k = 0; k < sizeof(methods) /
				    sizeof(methods[0]); k++)
					if (methods[k].nid == nid)
						break;
				if (k < sizeof(methods) / sizeof(methods[0]))
					continue;
			}
			gn_text(ad->location, v, sizeof(v));
			if (m == sizeof(methods) / sizeof(methods[0])) {
				info_oid_text(ad->method, oid, sizeof(oid));
				fprintf(fp, "%16s%s - %s\n", "", oid, v);
				continue;
			}
			if (n++ == 0)
				fprintf(fp, "%16s%s - %s", "",
				    methods[m].label, v);
			else
				fprintf(fp, ",%s", v);
		}
		if (n > 0)
			fputc('\n', fp);
	}
}

static void
print_scts(FILE *fp, const STACK_OF(SCT) *scts)
{
	int i;

	for (i = 0; i < sk_SCT_num(scts); i++) {
		const SCT *s = sk_SCT_value(scts, i);
		unsigned char *id = NULL, *sig = NULL;
		size_t idlen = SCT_get0_log_id(s, &id);
		size_t siglen = SCT_get0_signature(s, &sig);
		uint64_t ts = SCT_get_timestamp(s);
		time_t sec = (time_t)(ts / 1000);
		struct tm tm;
		char b64[128] = "";
		int signid = SCT_get_signature_nid(s);
		const char *alg = signid == NID_ecdsa_with_SHA256 ?
		    "SHA256-ECDSA" : signid == NID_sha256WithRSAEncryption ?
		    "SHA256-RSA" : "UNKNOWN";

		if (idlen <= 64)
			EVP_EncodeBlock((unsigned char *)b64, id, (int)idlen);
		gmtime_r(&sec, &tm);
		fprintf(fp, "%16sSCT [%d]:\n", "", i);
		fprintf(fp, "%20sVersion: V%d (0x%x)\n", "",
		    SCT_get_version(s) + 1, (unsigned)SCT_get_version(s));
		fprintf(fp, "%20sLogID: %s\n", "", b64);
		fprintf(fp, "%20sTimestamp: %s %d %02d:%02d:%02d.%03u %d UTC\n",
		    "", months[tm.tm_mon], tm.tm_mday, tm.tm_hour, tm.tm_min,
		    tm.tm_sec, (unsigned)(ts % 1000), tm.tm_year + 1900);
		fprintf(fp, "%20sSignature Algorithm: %s", "", alg);
		hex_lines(fp, sig, siglen, 18, 22);
	}
}

static void
print_step_provisioner(FILE *fp, const ASN1_OCTET_STRING *data, int crit)
{
	STEP_PROVISIONER *sp = info_item_d2i(ASN1_ITEM_rptr(STEP_PROVISIONER),
	    ASN1_STRING_get0_data(data), ASN1_STRING_length(data));
	const char *type;
	long t;
	int i, n;

	ext_header(fp, "X509v3 Step Provisioner", crit);
	if (sp == NULL) {
		print_raw_value(fp, ASN1_STRING_get0_data(data),
		    (size_t)ASN1_STRING_length(data));
		return;
	}
	t = ASN1_INTEGER_get(sp->type);
	if ((type = info_step_provisioner_type(t)) != NULL)
		fprintf(fp, "%16sType: %s\n", "", type);
	else
		fprintf(fp, "%16sType: %ld (unknown)\n", "", t);
	fprintf(fp, "%16sName: %.*s\n", "", ASN1_STRING_length(sp->name),
	    (const char *)ASN1_STRING_get0_data(sp->name));
	if (ASN1_STRING_length(sp->credential_id) > 0)
		fprintf(fp, "%16sCredentialID: %.*s\n", "",
		    ASN1_STRING_length(sp->credential_id),
		    (const char *)ASN1_STRING_get0_data(sp->credential_id));
	n = sk_ASN1_STRING_num(sp->kv);
	for (i = 0; i < n; i += 2) {
		char *k = info_str_utf8(sk_ASN1_STRING_value(sp->kv, i));
		char *v = i + 1 < n ? info_str_utf8(sk_ASN1_STRING_value(sp->kv,
		    i + 1)) : NULL;

		fprintf(fp, "%16s%s: %s\n", "", k ? k : "", v ? v : "-");
		OPENSSL_free(k);
		OPENSSL_free(v);
	}
	ASN1_item_free((ASN1_VALUE *)sp, ASN1_ITEM_rptr(STEP_PROVISIONER));
}

static int
print_step_other(FILE *fp, const char *oid, const ASN1_OCTET_STRING *data,
    int crit)
{
	const unsigned char *p = ASN1_STRING_get0_data(data);
	long len = ASN1_STRING_length(data);
	int i, n;

	if (strcmp(oid, OID_STEP_RA) == 0) {
		STEP_RA *ra = info_item_d2i(ASN1_ITEM_rptr(STEP_RA), p, len);
		char *s;

		if (ra == NULL)
			return -1;
		ext_header(fp, "X509v3 Step Registration Authority", crit);
		s = info_str_utf8(ra->type);
		fprintf(fp, "%16sType: %s\n", "", s ? s : "");
		OPENSSL_free(s);
		if ((s = info_str_utf8(ra->cert_id)) != NULL && *s != '\0')
			fprintf(fp, "%16sCertificateID: %s\n", "", s);
		OPENSSL_free(s);
		n = sk_ASN1_STRING_num(ra->kv);
		for (i = 0; i < n; i += 2) {
			char *k = info_str_utf8(sk_ASN1_STRING_value(ra->kv, i));
			char *v = i + 1 < n ? info_str_utf8(sk_ASN1_STRING_value(
			    ra->kv, i + 1)) : NULL;

			fprintf(fp, "%16s%s: %s\n", "", k ? k : "",
			    v ? v : "-");
			OPENSSL_free(k);
			OPENSSL_free(v);
		}
		ASN1_item_free((ASN1_VALUE *)ra, ASN1_ITEM_rptr(STEP_RA));
		return 0;
	}
	if (strcmp(oid, OID_STEP_ENDPOINT) == 0) {
		STEP_ENDPOINT *me = info_item_d2i(ASN1_ITEM_rptr(STEP_ENDPOINT), p,
		    len);
		char *s;
		long k;

		if (me == NULL)
			return -1;
		ext_header(fp, "X509v3 Step Managed Endpoint", crit);
		k = ASN1_INTEGER_get(me->kind);
		if (k >= 0 && (size_t)k < sizeof(step_endpoint_kinds) /
		    sizeof(step_endpoint_kinds[0]))
			fprintf(fp, "%16sKind: %s\n", "",
			    step_endpoint_kinds[k]);
		else
			fprintf(fp, "%16sKind: %ld (unknown)\n", "", k);
		s = info_str_utf8(me->id);
		fprintf(fp, "%16sEndpointID: %s\n", "", s ? s : "");
		OPENSSL_free(s);
		ASN1_item_free((ASN1_VALUE *)me, ASN1_ITEM_rptr(STEP_ENDPOINT));
		return 0;
	}
	if (strcmp(oid, OID_STEP_DEVICE) == 0) {
		STEP_DEVICE *md = info_item_d2i(ASN1_ITEM_rptr(STEP_DEVICE), p, len);
		char *s;

		if (md == NULL)
			return -1;
		ext_header(fp, "X509v3 Step Managed Device", crit);
		s = info_str_utf8(md->id);
		fprintf(fp, "%16sDeviceID: %s\n", "", s ? s : "");
		OPENSSL_free(s);
		ASN1_item_free((ASN1_VALUE *)md, ASN1_ITEM_rptr(STEP_DEVICE));
		return 0;
	}
	return -1;
}

/* One extension in certinfo's layout.  Unknown or undecodable extensions
 * show their OID, their printable bytes and their hex. */
static void
print_extension(FILE *fp, X509_EXTENSION *ext)
{
	const ASN1_OBJECT *obj = X509_EXTENSION_get_object(ext);
	const ASN1_OCTET_STRING *data = X509_EXTENSION_get_data(ext);
	int crit = X509_EXTENSION_get_critical(ext) > 0;
	int nid = OBJ_obj2nid(obj);
	void *v = NULL;
	char oid[128];

	info_oid_text(obj, oid, sizeof(oid));
	if (strcmp(oid, OID_STEP_PROVISIONER) == 0) {
		print_step_provisioner(fp, data, crit);
		return;
	}
	if (strncmp(oid, "1.3.6.1.4.1.37476.9000.64.", 26) == 0 &&
	    print_step_other(fp, oid, data, crit) == 0)
		return;
	if (strcmp(oid, OID_NS_COMMENT) == 0)
		nid = NID_netscape_comment;

	switch (nid) {
	case NID_subject_key_identifier:
	case NID_key_usage:
	case NID_subject_alt_name:
	case NID_issuer_alt_name:
	case NID_basic_constraints:
	case NID_name_constraints:
	case NID_crl_distribution_points:
	case NID_freshest_crl:
	case NID_certificate_policies:
	case NID_authority_key_identifier:
	case NID_ext_key_usage:
	case NID_info_access:
	case NID_sinfo_access:
	case NID_netscape_comment:
	case NID_ct_precert_scts:
	case NID_policy_constraints:
	case NID_policy_mappings:
	case NID_inhibit_any_policy:
		if ((v = X509V3_EXT_d2i(ext)) == NULL) {
			ERR_clear_error();
			print_unknown_ext(fp, obj, crit, data);
			return;
		}
		break;
	case NID_ct_precert_poison:
		ext_header(fp, "CT Precertificate Poison", crit);
		fprintf(fp, "%16sNULL\n", "");
		return;
	default:
		print_unknown_ext(fp, obj, crit, data);
		return;
	}

	switch (nid) {
	case NID_subject_key_identifier: {
		const ASN1_OCTET_STRING *ski = v;

		ext_header(fp, "X509v3 Subject Key Identifier", crit);
		fprintf(fp, "%16s", "");
		hex_upper(fp, ASN1_STRING_get0_data(ski),
		    (size_t)ASN1_STRING_length(ski));
		fputc('\n', fp);
		ASN1_OCTET_STRING_free(v);
		break;
	}
	case NID_key_usage:
		ext_header(fp, "X509v3 Key Usage", crit);
		print_key_usage(fp, v);
		ASN1_BIT_STRING_free(v);
		break;
	case NID_subject_alt_name:
	case NID_issuer_alt_name:
		ext_header(fp, nid == NID_subject_alt_name ?
		    "X509v3 Subject Alternative Name" :
		    "X509v3 Issuer Alternative Name", crit);
		print_general_names(fp, v);
		GENERAL_NAMES_free(v);
		break;
	case NID_basic_constraints:
		ext_header(fp, "X509v3 Basic Constraints", crit);
		print_bc(fp, v);
		BASIC_CONSTRAINTS_free(v);
		break;
	case NID_name_constraints: {
		NAME_CONSTRAINTS *nc = v;

		ext_header(fp, "X509v3 Name Constraints", crit);
		print_subtrees(fp, nc->permittedSubtrees, "Permitted");
		print_subtrees(fp, nc->excludedSubtrees, "Excluded");
		NAME_CONSTRAINTS_free(nc);
		break;
	}
	case NID_crl_distribution_points:
	case NID_freshest_crl:
		ext_header(fp, nid == NID_freshest_crl ? "X509v3 Freshest CRL" :
		    "X509v3 CRL Distribution Points", crit);
		print_crldp(fp, v);
		CRL_DIST_POINTS_free(v);
		break;
	case NID_certificate_policies:
		ext_header(fp, "X509v3 Certificate Policies", crit);
		print_policies(fp, v);
		CERTIFICATEPOLICIES_free(v);
		break;
	case NID_authority_key_identifier: {
		AUTHORITY_KEYID *akid = v;
		char buf[1024];
		int i;

		ext_header(fp, "X509v3 Authority Key Identifier", crit);
		if (akid->keyid != NULL) {
			fprintf(fp, "%16skeyid:", "");
			hex_upper(fp, ASN1_STRING_get0_data(akid->keyid),
			    (size_t)ASN1_STRING_length(akid->keyid));
			fputc('\n', fp);
		}
		for (i = 0; i < sk_GENERAL_NAME_num(akid->issuer); i++) {
			gn_text(sk_GENERAL_NAME_value(akid->issuer, i), buf,
			    sizeof(buf));
			fprintf(fp, "%16s%s\n", "", buf);
		}
		if (akid->serial != NULL) {
			fprintf(fp, "%16sserial:", "");
			hex_upper(fp, ASN1_STRING_get0_data(akid->serial),
			    (size_t)ASN1_STRING_length(akid->serial));
			fputc('\n', fp);
		}
		AUTHORITY_KEYID_free(akid);
		break;
	}
	case NID_ext_key_usage:
		ext_header(fp, "X509v3 Extended Key Usage", crit);
		if (sk_ASN1_OBJECT_num(v) > 0)
			fprintf(fp, "%16s", "");
		print_eku(fp, v);
		EXTENDED_KEY_USAGE_free(v);
		break;
	case NID_info_access:
	case NID_sinfo_access:
		ext_header(fp, nid == NID_info_access ?
		    "Authority Information Access" :
		    "Subject Information Access", crit);
		print_aia(fp, v);
		AUTHORITY_INFO_ACCESS_free(v);
		break;
	case NID_netscape_comment: {
		char buf[1024];

		ia5_text(v, buf, sizeof(buf));
		ext_header(fp, "Netscape Comment", crit);
		fprintf(fp, "%16s%s\n", "", buf);
		ASN1_IA5STRING_free(v);
		break;
	}
	case NID_ct_precert_scts:
		ext_header(fp, "RFC6962 Certificate Transparency SCT", crit);
		print_scts(fp, v);
		SCT_LIST_free(v);
		break;
	case NID_policy_constraints: {
		POLICY_CONSTRAINTS *pc = v;

		ext_header(fp, "X509v3 Policy Constraints", crit);
		if (pc->requireExplicitPolicy != NULL)
			fprintf(fp, "%16sRequire Explicit Policy: %ld\n", "",
			    ASN1_INTEGER_get(pc->requireExplicitPolicy));
		if (pc->inhibitPolicyMapping != NULL)
			fprintf(fp, "%16sInhibit Policy Mapping: %ld\n", "",
			    ASN1_INTEGER_get(pc->inhibitPolicyMapping));
		POLICY_CONSTRAINTS_free(pc);
		break;
	}
	case NID_policy_mappings: {
		POLICY_MAPPINGS *pm = v;
		char a[128], b[128];
		int i;

		ext_header(fp, "X509v3 Policy Mappings", crit);
		for (i = 0; i < sk_POLICY_MAPPING_num(pm); i++) {
			const POLICY_MAPPING *pmap =
			    sk_POLICY_MAPPING_value(pm, i);

			info_oid_text(pmap->issuerDomainPolicy, a, sizeof(a));
			info_oid_text(pmap->subjectDomainPolicy, b, sizeof(b));
			fprintf(fp, "%16s%s:%s\n", "", a, b);
		}
		sk_POLICY_MAPPING_pop_free(pm, POLICY_MAPPING_free);
		break;
	}
	case NID_inhibit_any_policy:
		ext_header(fp, "X509v3 Inhibit Any Policy", crit);
		fprintf(fp, "%16s%ld\n", "", ASN1_INTEGER_get(v));
		ASN1_INTEGER_free(v);
		break;
	default:
		break;
	}
}

static void
print_signature(FILE *fp, const X509_ALGOR *alg, const ASN1_BIT_STRING *sig)
{
	char name[128];

	pkit_x509_sigalg_name(alg, name, sizeof(name));
	fprintf(fp, "    Signature Algorithm: %s", name);
	hex_lines(fp, ASN1_STRING_get0_data(sig),
	    (size_t)ASN1_STRING_length(sig), 18, 9);
}

static int
close_stream(struct pkit_ctx *ctx, FILE *fp, char **buf, char **out)
{
	int bad = ferror(fp);

	if (fclose(fp) != 0 || bad || *buf == NULL) {
		free(*buf);
		*buf = NULL;
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "formatting output");
	}
	*out = *buf;
	*buf = NULL;
	return PKIT_OK;
}

static void
print_serial(FILE *fp, const ASN1_INTEGER *ai)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(ai, NULL);
	char *dec = bn != NULL ? BN_bn2dec(bn) : NULL;
	unsigned char *b = NULL;
	size_t n = 0, i;

	if (bn != NULL) {
		BN_set_negative(bn, 0);
		b = info_bn_bytes(bn, &n);
	}
	fprintf(fp, "%8sSerial Number: %s (", "", dec ? dec : "?");
	if (n > 0)
		fputs("0x", fp);
	for (i = 0; i < n && b != NULL; i++)
		fprintf(fp, "%02x", b[i]);
	fputs(")\n", fp);
	free(b);
	OPENSSL_free(dec);
	BN_free(bn);
}

int
pkit_x509_info_text(struct pkit_ctx *ctx, X509 *crt, char **out)
{
	const STACK_OF(X509_EXTENSION) *exts = X509_get0_extensions(crt);
	const ASN1_BIT_STRING *sig, *iuid = NULL, *suid = NULL;
	const X509_ALGOR *alg;
	char *buf = NULL, name[4096], an[128];
	size_t size = 0;
	long version = X509_get_version(crt) + 1;
	FILE *fp;
	int i;

	*out = NULL;
	if ((fp = open_memstream(&buf, &size)) == NULL)
		return pkit_seterr_sys(ctx, "formatting output");
	fprintf(fp, "Certificate:\n    Data:\n");
	fprintf(fp, "%8sVersion: %ld (0x%lx)\n", "", version,
	    version > 1 ? version - 1 : 0);
	print_serial(fp, X509_get0_serialNumber(crt));
	pkit_x509_sigalg_name(X509_get0_tbs_sigalg(crt), an, sizeof(an));
	/* step 0.19 indents this line by four; later versions by eight. */
	fprintf(fp, "    Signature Algorithm: %s\n", an);
	pkit_x509_name_text(X509_get_issuer_name(crt), name, sizeof(name));
	fprintf(fp, "%8sIssuer:%s%s\n", "", *name ? " " : "", name);
	fprintf(fp, "%8sValidity\n%12sNot Before: ", "", "");
	go_time(fp, X509_get0_notBefore(crt));
	fprintf(fp, "\n%12sNot After : ", "");
	go_time(fp, X509_get0_notAfter(crt));
	fputc('\n', fp);
	pkit_x509_name_text(X509_get_subject_name(crt), name, sizeof(name));
	fprintf(fp, "%8sSubject:%s%s\n", "", *name ? " " : "", name);
	print_pubkey(fp, X509_get_X509_PUBKEY(crt));
	X509_get0_uids(crt, &iuid, &suid);
	if (iuid != NULL && ASN1_STRING_length(iuid) > 0) {
		fprintf(fp, "%8sIssuer Unique ID: ", "");
		for (i = 0; i < ASN1_STRING_length(iuid); i++)
			fprintf(fp, "%s%02x", i ? ":" : "",
			    ASN1_STRING_get0_data(iuid)[i]);
		fputc('\n', fp);
	}
	if (suid != NULL && ASN1_STRING_length(suid) > 0) {
		fprintf(fp, "%8sSubject Unique ID: ", "");
		for (i = 0; i < ASN1_STRING_length(suid); i++)
			fprintf(fp, "%s%02x", i ? ":" : "",
			    ASN1_STRING_get0_data(suid)[i]);
		fputc('\n', fp);
	}
	if (version == 3 && sk_X509_EXTENSION_num(exts) > 0) {
		fprintf(fp, "%8sX509v3 extensions:\n", "");
		for (i = 0; i < sk_X509_EXTENSION_num(exts); i++)
			print_extension(fp, sk_X509_EXTENSION_value(exts, i));
	}
	X509_get0_signature(&sig, &alg, crt);
	print_signature(fp, alg, sig);
	ERR_clear_error();
	return close_stream(ctx, fp, &buf, out);
}

/* The attributes of a CSR other than the extension request. */
static void
print_csr_attributes(FILE *fp, X509_REQ *req)
{
	int i, j, n = X509_REQ_get_attr_count(req), shown = 0;
	char oid[128], *s;

	for (i = 0; i < n; i++) {
		X509_ATTRIBUTE *a = X509_REQ_get_attr(req, i);
		const ASN1_OBJECT *o = X509_ATTRIBUTE_get0_object(a);
		int nid = OBJ_obj2nid(o);

		if (nid == NID_ext_req || nid == NID_ms_ext_req)
			continue;
		if (!shown++)
			fprintf(fp, "%8sAttributes:\n", "");
		if (nid != NID_undef)
			snprintf(oid, sizeof(oid), "%s", OBJ_nid2ln(nid));
		else
			info_oid_text(o, oid, sizeof(oid));
		fprintf(fp, "%12s%s:\n", "", oid);
		for (j = 0; j < X509_ATTRIBUTE_count(a); j++) {
			ASN1_TYPE *t = X509_ATTRIBUTE_get0_type(a, j);
			unsigned char *der = NULL;
			int len;

			if (t == NULL)
				continue;
			if (t->type != V_ASN1_SEQUENCE &&
			    t->type != V_ASN1_SET &&
			    t->type != V_ASN1_OBJECT &&
			    t->type != V_ASN1_BOOLEAN &&
			    t->type != V_ASN1_NULL &&
			    (s = info_str_utf8(t->value.asn1_string)) != NULL) {
				fprintf(fp, "%16s%s\n", "", s);
				OPENSSL_free(s);
				continue;
			}
			if ((len = i2d_ASN1_TYPE(t, &der)) > 0)
				print_raw_value(fp, der, (size_t)len);
			OPENSSL_free(der);
		}
	}
}

int
pkit_x509_csr_info_text(struct pkit_ctx *ctx, X509_REQ *req, char **out)
{
	STACK_OF(X509_EXTENSION) *exts = X509_REQ_get_extensions(req);
	const ASN1_BIT_STRING *sig;
	const X509_ALGOR *alg;
	char *buf = NULL, name[4096];
	size_t size = 0;
	long version = X509_REQ_get_version(req) > 0 ?
	    X509_REQ_get_version(req) : 0;
	FILE *fp;
	int i;

	*out = NULL;
	ERR_clear_error();
	if ((fp = open_memstream(&buf, &size)) == NULL) {
		sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
		return pkit_seterr_sys(ctx, "formatting output");
	}
	fprintf(fp, "Certificate Request:\n    Data:\n");
	fprintf(fp, "%8sVersion: %ld (0x%lx)\n", "", version,
	    version > 1 ? version - 1 : 0);
	pkit_x509_name_text(X509_REQ_get_subject_name(req), name, sizeof(name));
	fprintf(fp, "%8sSubject:%s%s\n", "", *name ? " " : "", name);
	print_pubkey(fp, X509_REQ_get_X509_PUBKEY(req));
	if (sk_X509_EXTENSION_num(exts) > 0) {
		fprintf(fp, "%8sRequested Extensions:\n", "");
		for (i = 0; i < sk_X509_EXTENSION_num(exts); i++)
			print_extension(fp, sk_X509_EXTENSION_value(exts, i));
	}
	print_csr_attributes(fp, req);
	X509_REQ_get0_signature(req, &sig, &alg);
	print_signature(fp, alg, sig);
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	ERR_clear_error();
	return close_stream(ctx, fp, &buf, out);
}

/* ---- the short text -------------------------------------------------- */

static void
abbreviate(const char *s, char *buf, size_t size)
{
	size_t n = strlen(s);

	if (n <= 8)
		snprintf(buf, size, "%s", s);
	else
		snprintf(buf, size, "%.4s...%s", s, s + n - 4);
}

/* Subject lines: the CN, then the SANs (DNS, IP, email, URI) that differ
 * from it. */
static void
short_subject(FILE *fp, const char *cn, const GENERAL_NAMES *gns)
{
	static const int order[] = { GEN_DNS, GEN_IPADD, GEN_EMAIL, GEN_URI };
	size_t k;
	int i, n = 0;
	char v[1024];

	if (*cn != '\0') {
		fprintf(fp, "  Subject:     %s\n", cn);
		n++;
	}
	for (k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
		for (i = 0; i < sk_GENERAL_NAME_num(gns); i++) {
			const GENERAL_NAME *gn = sk_GENERAL_NAME_value(gns, i);

			if (gn->type != order[k])
				continue;
			info_gn_value(gn, v, sizeof(v));
			if (strcmp(v, cn) == 0)
				continue;
			fprintf(fp, "%s%s\n", n++ ? "               " :
			    "  Subject:     ", v);
		}
	}
	if (n == 0)
		fprintf(fp, "  Subject: \n");
}

int
info_is_self_signed(X509 *crt)
{
	EVP_PKEY *pk = X509_get0_pubkey(crt);
	int ok;

	if (pk == NULL || X509_NAME_cmp(X509_get_subject_name(crt),
	    X509_get_issuer_name(crt)) != 0) {
		ERR_clear_error();
		return 0;
	}
	ok = X509_verify(crt, pk) == 1;
	ERR_clear_error();
	return ok;
}

int
info_is_ca(X509 *crt)
{
	BASIC_CONSTRAINTS *bc = X509_get_ext_d2i(crt, NID_basic_constraints,
	    NULL, NULL);
	int ca = bc != NULL && bc->ca;

	BASIC_CONSTRAINTS_free(bc);
	ERR_clear_error();
	return ca;
}

int
pkit_x509_info_short(struct pkit_ctx *ctx, X509 *crt, char **out)
{
	GENERAL_NAMES *gns = X509_get_ext_d2i(crt, NID_subject_alt_name, NULL,
	    NULL);
	const STACK_OF(X509_EXTENSION) *exts = X509_get0_extensions(crt);
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(crt), NULL);
	char *buf = NULL, *dec = bn ? BN_bn2dec(bn) : NULL;
	char cn[1024], icn[1024], alg[80], param[64], serial[64], t1[40],
	    t2[40];
	size_t size = 0;
	FILE *fp;
	int i;

	*out = NULL;
	ERR_clear_error();
	if ((fp = open_memstream(&buf, &size)) == NULL) {
		GENERAL_NAMES_free(gns);
		OPENSSL_free(dec);
		BN_free(bn);
		return pkit_seterr_sys(ctx, "formatting output");
	}
	info_pk_names(X509_get_X509_PUBKEY(crt), alg, sizeof(alg), param,
	    sizeof(param));
	abbreviate(dec ? dec : "?", serial, sizeof(serial));
	fprintf(fp, "X.509v3 %s Certificate (%s %s) [Serial: %s]\n",
	    !info_is_ca(crt) ? "TLS" : info_is_self_signed(crt) ? "Root CA" :
	    "Intermediate CA", alg, param, serial);
	pkit_x509_name_cn(X509_get_subject_name(crt), cn, sizeof(cn));
	pkit_x509_name_cn(X509_get_issuer_name(crt), icn, sizeof(icn));
	short_subject(fp, cn, gns);
	fprintf(fp, "  Issuer:      %s\n", icn);
	for (i = 0; i < sk_X509_EXTENSION_num(exts); i++) {
		X509_EXTENSION *e = sk_X509_EXTENSION_value(exts, i);
		const ASN1_OCTET_STRING *d = X509_EXTENSION_get_data(e);
		STEP_PROVISIONER *sp;
		char id[256], idab[64];

		if (!info_oid_is(X509_EXTENSION_get_object(e), OID_STEP_PROVISIONER))
			continue;
		if ((sp = info_item_d2i(ASN1_ITEM_rptr(STEP_PROVISIONER),
		    ASN1_STRING_get0_data(d), ASN1_STRING_length(d))) == NULL)
			break;
		snprintf(id, sizeof(id), "%.*s",
		    ASN1_STRING_length(sp->credential_id),
		    (const char *)ASN1_STRING_get0_data(sp->credential_id));
		abbreviate(id, idab, sizeof(idab));
		fprintf(fp, "  Provisioner: %.*s", ASN1_STRING_length(sp->name),
		    (const char *)ASN1_STRING_get0_data(sp->name));
		if (*idab != '\0')
			fprintf(fp, " [ID: %s]", idab);
		fputc('\n', fp);
		ASN1_item_free((ASN1_VALUE *)sp,
		    ASN1_ITEM_rptr(STEP_PROVISIONER));
		break;
	}
	pkit_asn1_time_rfc3339(X509_get0_notBefore(crt), t1, sizeof(t1));
	pkit_asn1_time_rfc3339(X509_get0_notAfter(crt), t2, sizeof(t2));
	fprintf(fp, "  Valid from:  %s\n          to:  %s\n", t1, t2);
	GENERAL_NAMES_free(gns);
	OPENSSL_free(dec);
	BN_free(bn);
	ERR_clear_error();
	return close_stream(ctx, fp, &buf, out);
}

GENERAL_NAMES *
info_csr_sans(X509_REQ *req)
{
	STACK_OF(X509_EXTENSION) *exts = X509_REQ_get_extensions(req);
	GENERAL_NAMES *gns = X509V3_get_d2i(exts, NID_subject_alt_name, NULL,
	    NULL);

	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	ERR_clear_error();
	return gns;
}

int
pkit_x509_csr_info_short(struct pkit_ctx *ctx, X509_REQ *req, char **out)
{
	GENERAL_NAMES *gns = info_csr_sans(req);
	char *buf = NULL, cn[1024], alg[80], param[64];
	size_t size = 0;
	FILE *fp;

	*out = NULL;
	if ((fp = open_memstream(&buf, &size)) == NULL) {
		GENERAL_NAMES_free(gns);
		return pkit_seterr_sys(ctx, "formatting output");
	}
	info_pk_names(X509_REQ_get_X509_PUBKEY(req), alg, sizeof(alg), param,
	    sizeof(param));
	fprintf(fp, "X.509v3 Certificate Signing Request (%s %s)\n", alg,
	    param);
	pkit_x509_name_cn(X509_REQ_get_subject_name(req), cn, sizeof(cn));
	short_subject(fp, cn, gns);
	GENERAL_NAMES_free(gns);
	ERR_clear_error();
	return close_stream(ctx, fp, &buf, out);
}

/* ---- input and rendering --------------------------------------------- */

void
pkit_x509_input_release(struct pkit_x509_input *in)
{
	if (in == NULL)
		return;
	sk_X509_pop_free(in->certs, X509_free);
	X509_REQ_free(in->csr);
	memset(in, 0, sizeof(*in));
}

/* PKCS#12: the certificate with the key first, then the others. */
static int
parse_p12(struct pkit_ctx *ctx, const unsigned char *data, size_t len,
    const char *name, const char *password, struct pkit_x509_input *out)
{
	X509 *crt = NULL;
	STACK_OF(X509) *cas = NULL;
	int r;

	if ((r = pkit_p12_parse(ctx, data, len, password, name, NULL, &crt,
	    &cas)) != 0)
		return r;
	if (crt != NULL) {
		if (!sk_X509_unshift(cas, crt)) {
			X509_free(crt);
			sk_X509_pop_free(cas, X509_free);
			return pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", name);
		}
	}
	if (sk_X509_num(cas) == 0) {
		sk_X509_pop_free(cas, X509_free);
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: the PKCS#12 file holds no certificate", name);
	}
	out->certs = cas;
	out->from_p12 = 1;
	return PKIT_OK;
}

int
pkit_x509_input_parse(struct pkit_ctx *ctx, const unsigned char *data,
    size_t len, const char *name, const char *password,
    struct pkit_x509_input *out)
{
	struct pkit_x509_input in = { 0 };
	int r;

	memset(out, 0, sizeof(*out));
	if (len == 0)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: empty input",
		    name);
	if ((r = pkit_x509_parse_certs(ctx, data, len, name, &in.certs)) == 0) {
		*out = in;
		return PKIT_OK;
	}
	if (r != PKIT_ERR_FORMAT)
		return r;
	if (pkit_is_pem(data, len)) {
		/* A PEM file of certificates that fails keeps its error;
		 * one without certificates may be a CSR. */
		if (memmem(data, len, "-----BEGIN CERTIFICATE-----", 27) !=
		    NULL)
			return r;
		if (memmem(data, len, "CERTIFICATE REQUEST-----", 24) == NULL)
			return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: no "
			    "certificate or certificate request found", name);
		if ((r = pkit_x509_parse_csr(ctx, data, len, name,
		    &in.csr)) != 0)
			return r;
		*out = in;
		return PKIT_OK;
	}
	/* DER: a certificate failed; try a CSR, then PKCS#12. */
	if (pkit_x509_parse_csr(ctx, data, len, name, &in.csr) == 0) {
		*out = in;
		return PKIT_OK;
	}
	ERR_clear_error();
	if (pkit_p12_is_p12(data, len)) {
		if ((r = parse_p12(ctx, data, len, name, password, &in)) != 0)
			return r;
		*out = in;
		return PKIT_OK;
	}
	return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: not a certificate, "
	    "certificate request or PKCS#12 file in PEM or DER form", name);
}

static int
append(FILE *fp, int r, char *s)
{
	if (r == 0)
		fputs(s, fp);
	free(s);
	return r;
}

int
pkit_x509_info_render(struct pkit_ctx *ctx, const struct pkit_x509_input *in,
    enum pkit_x509_format fmt, unsigned flags, char **out)
{
	char *buf = NULL, *s = NULL;
	size_t size = 0, len;
	FILE *fp;
	int i, n, r = PKIT_OK;

	*out = NULL;
	if (in->csr == NULL && (in->certs == NULL ||
	    sk_X509_num(in->certs) == 0))
		return pkit_seterr(ctx, PKIT_ERR_ARG, "nothing to show");
	if (fmt == PKIT_X509_JSON)
		return info_json(ctx, in, flags, out);
	n = in->csr != NULL ? 1 : (flags & PKIT_X509_INFO_BUNDLE) ?
	    sk_X509_num(in->certs) : 1;
	if ((fp = open_memstream(&buf, &size)) == NULL)
		return pkit_seterr_sys(ctx, "formatting output");
	for (i = 0; i < n && r == 0; i++) {
		X509 *crt = in->csr != NULL ? NULL :
		    sk_X509_value(in->certs, i);

		s = NULL;
		switch (fmt) {
		case PKIT_X509_TEXT:
			r = crt != NULL ? pkit_x509_info_text(ctx, crt, &s) :
			    pkit_x509_csr_info_text(ctx, in->csr, &s);
			break;
		case PKIT_X509_SHORT:
			r = crt != NULL ? pkit_x509_info_short(ctx, crt, &s) :
			    pkit_x509_csr_info_short(ctx, in->csr, &s);
			break;
		case PKIT_X509_PEM: {
			unsigned char *pem = NULL;

			r = crt != NULL ? pkit_x509_encode(ctx, crt,
			    PKIT_KEY_PEM, &pem, &len) :
			    pkit_x509_csr_encode(ctx, in->csr, PKIT_KEY_PEM,
			    &pem, &len);
			s = (char *)pem;
			break;
		}
		default:
			r = pkit_seterr(ctx, PKIT_ERR_ARG, "unknown format");
			break;
		}
		r = append(fp, r, s);
	}
	if (r != 0) {
		fclose(fp);
		free(buf);
		return r;
	}
	return close_stream(ctx, fp, &buf, out);
}

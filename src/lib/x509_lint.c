/* x509_lint.c - the rule table and its checks.
 *
 * A check returns PASS, FAIL (with a message) or NA when the rule does not
 * apply to this certificate (a CA rule on a leaf, an issuer comparison
 * with no issuer at hand).  The extensions are decoded once, with
 * OpenSSL's types, before the rules run.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "x509_info.h"
#include "x509_lint.h"

enum { NA = -1, PASS = 0, FAIL = 1 };

/* The extensions the rules look at, as indexes of has[] and crit[]. */
enum ext {
	EXT_BC, EXT_KU, EXT_EKU, EXT_SAN, EXT_AKI, EXT_SKI, EXT_NC, EXT_CP,
	EXT_AIA, EXT_CRLDP, EXT_COUNT
};

/* What the checks look at, decoded once. */
struct lint {
	struct pkit_ctx *ctx;
	X509 *crt, *issuer;
	EVP_PKEY *pk;
	long version;		/* 1, 2 or 3 */
	time_t now;
	int is_ca;		/* basicConstraints cA TRUE */
	int self_issued;	/* subject equals issuer */
	int self_signed;	/* and verifies with its own key */
	int tls_leaf;		/* not a CA; no EKU, or EKU for servers */
	BASIC_CONSTRAINTS *bc;
	ASN1_BIT_STRING *ku;
	EXTENDED_KEY_USAGE *eku;
	GENERAL_NAMES *san;
	AUTHORITY_KEYID *aki;
	ASN1_OCTET_STRING *ski;
	NAME_CONSTRAINTS *nc;
	CERTIFICATEPOLICIES *cp;
	AUTHORITY_INFO_ACCESS *aia;
	CRL_DIST_POINTS *crldp;
	/* by enum ext: present (even when it did not decode), and critical */
	int has[EXT_COUNT], crit[EXT_COUNT];
	int bad_ext;		/* a known extension that does not decode */
	char bad_ext_name[64];
};

typedef int (*check_fn)(const struct lint *, char *, size_t);

/* A rule on one extension alone: which certificates it applies to, and
 * what it wants of the extension there. */
enum scope {
	ALL,
	CA,		/* basicConstraints cA TRUE */
	LEAF,		/* not a CA */
	TLS,		/* a TLS leaf (struct lint tls_leaf) */
	ISSUED,		/* not self-signed */
};
enum want {
	PRESENT,
	CRITICAL,	/* when present */
	NOT_CRITICAL,	/* when present */
};
struct ext_rule {
	enum scope scope;
	enum ext ext;
	enum want want;
	const char *fail;	/* the message when it fails */
};

/* ---- helpers --------------------------------------------------------- */

static int
key_is(const struct lint *l, const char *type)
{
	return l->pk != NULL && EVP_PKEY_is_a(l->pk, type);
}

static int
ku_bit(const struct lint *l, int bit)
{
	return l->ku != NULL && ASN1_BIT_STRING_get_bit(l->ku, bit);
}

enum {
	BIT_DIGITAL_SIGNATURE, BIT_CONTENT_COMMITMENT, BIT_KEY_ENCIPHERMENT,
	BIT_DATA_ENCIPHERMENT, BIT_KEY_AGREEMENT, BIT_KEY_CERT_SIGN,
	BIT_CRL_SIGN, BIT_ENCIPHER_ONLY, BIT_DECIPHER_ONLY,
};

static int
eku_has(const struct lint *l, int nid)
{
	int i;

	for (i = 0; i < sk_ASN1_OBJECT_num(l->eku); i++)
		if (OBJ_obj2nid(sk_ASN1_OBJECT_value(l->eku, i)) == nid)
			return 1;
	return 0;
}

static int
sig_nid(const struct lint *l)
{
	const ASN1_OBJECT *obj;

	X509_ALGOR_get0(&obj, NULL, NULL, X509_get0_tbs_sigalg(l->crt));
	return OBJ_obj2nid(obj);
}

static void
sig_name(const struct lint *l, char *buf, size_t size)
{
	pkit_x509_sigalg_name(X509_get0_tbs_sigalg(l->crt), buf, size);
}

static const char *
curve_name(const struct lint *l, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	if (!EVP_PKEY_get_utf8_string_param(l->pk, OSSL_PKEY_PARAM_GROUP_NAME,
	    buf, size, &n))
		snprintf(buf, size, "unknown");
	ERR_clear_error();
	return buf;
}

static int
utf8_chars(const ASN1_STRING *s)
{
	unsigned char *u = NULL;
	int n, i, chars = 0;

	if ((n = ASN1_STRING_to_UTF8(&u, s)) < 0) {
		ERR_clear_error();
		return ASN1_STRING_length(s);
	}
	for (i = 0; i < n; i++)
		if ((u[i] & 0xc0) != 0x80)
			chars++;
	OPENSSL_free(u);
	return chars;
}

/* RFC 1034 preferred name syntax (letters, digits, hyphens; labels of 1
 * to 63; 253 in all), with an optional leading "*." wildcard label. */
static int
dns_name_ok(const char *s)
{
	size_t n = strlen(s), label = 0, i;
	char prev = '.';

	if (strncmp(s, "*.", 2) == 0) {
		s += 2;
		n -= 2;
	}
	if (n == 0 || n > 253)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c == '.') {
			if (label == 0 || prev == '-')
				return 0;
			label = 0;
		} else if (isalnum((unsigned char)c) || c == '-') {
			if (label == 0 && c == '-')
				return 0;
			if (++label > 63)
				return 0;
		} else {
			return 0;
		}
		prev = c;
	}
	return label > 0 && prev != '-';
}

static void
ia5(const ASN1_STRING *s, char *buf, size_t size)
{
	snprintf(buf, size, "%.*s", ASN1_STRING_length(s),
	    (const char *)ASN1_STRING_get0_data(s));
}

/* A name the public DNS cannot resolve (BR "Internal Name"). */
static int
internal_name(const char *s)
{
	static const char *const tlds[] = {
		"localhost", "local", "localdomain", "internal", "intranet",
		"lan", "home", "corp", "private", "test", "example", "invalid",
	};
	const char *dot = strrchr(s, '.');
	size_t i;

	if (dot == NULL)
		return 1;
	for (i = 0; i < sizeof(tlds) / sizeof(tlds[0]); i++)
		if (strcasecmp(dot + 1, tlds[i]) == 0)
			return 1;
	return 0;
}

/* Reserved IPv4 and IPv6 ranges (IANA special-purpose registries). */
static int
reserved_ip(const unsigned char *p, int n)
{
	static const struct { unsigned char a[4]; int bits; } v4[] = {
		{ { 0, 0, 0, 0 }, 8 }, { { 10, 0, 0, 0 }, 8 },
		{ { 100, 64, 0, 0 }, 10 }, { { 127, 0, 0, 0 }, 8 },
		{ { 169, 254, 0, 0 }, 16 }, { { 172, 16, 0, 0 }, 12 },
		{ { 192, 0, 0, 0 }, 24 }, { { 192, 0, 2, 0 }, 24 },
		{ { 192, 168, 0, 0 }, 16 }, { { 198, 18, 0, 0 }, 15 },
		{ { 198, 51, 100, 0 }, 24 }, { { 203, 0, 113, 0 }, 24 },
		{ { 224, 0, 0, 0 }, 4 }, { { 240, 0, 0, 0 }, 4 },
	};
	static const struct { unsigned char a[16]; int bits; } v6[] = {
		{ { 0 }, 96 },			/* ::/96, :: and ::1 */
		{ { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff }, 96 },
		{ { 0x20, 0x01, 0x0d, 0xb8 }, 32 },
		{ { 0xfc }, 7 },
		{ { 0xfe, 0x80 }, 10 },
		{ { 0xff }, 8 },
	};
	size_t i;
	int b;

	for (i = 0; n == 4 && i < sizeof(v4) / sizeof(v4[0]); i++) {
		for (b = 0; b < v4[i].bits; b++)
			if (((p[b / 8] ^ v4[i].a[b / 8]) >> (7 - b % 8)) & 1)
				break;
		if (b == v4[i].bits)
			return 1;
	}
	for (i = 0; n == 16 && i < sizeof(v6) / sizeof(v6[0]); i++) {
		for (b = 0; b < v6[i].bits; b++)
			if (((p[b / 8] ^ v6[i].a[b / 8]) >> (7 - b % 8)) & 1)
				break;
		if (b == v6[i].bits)
			return 1;
	}
	return 0;
}

/* ---- serial and version ---------------------------------------------- */

static int
chk_serial_positive(const struct lint *l, char *m, size_t n)
{
	const ASN1_INTEGER *s = X509_get0_serialNumber(l->crt);
	BIGNUM *bn = ASN1_INTEGER_to_BN(s, NULL);
	int r = PASS;

	if (bn == NULL || BN_is_zero(bn) || BN_is_negative(bn)) {
		snprintf(m, n, "serial number is %s", bn == NULL ?
		    "unreadable" : BN_is_zero(bn) ? "zero" : "negative");
		r = FAIL;
	}
	BN_free(bn);
	return r;
}

/* Octets of the serial's DER content (with the sign octet). */
static int
serial_octets(const struct lint *l)
{
	const ASN1_INTEGER *s = X509_get0_serialNumber(l->crt);
	int len = ASN1_STRING_length(s);
	const unsigned char *p = ASN1_STRING_get0_data(s);

	if (len <= 0)
		return 1;
	return len + (ASN1_STRING_type(s) != V_ASN1_NEG_INTEGER &&
	    (p[0] & 0x80) ? 1 : 0);
}

static int
chk_serial_max(const struct lint *l, char *m, size_t n)
{
	int o = serial_octets(l);

	if (o <= 20)
		return PASS;
	snprintf(m, n, "serial number is %d octets long", o);
	return FAIL;
}

static int
chk_serial_entropy(const struct lint *l, char *m, size_t n)
{
	int o = serial_octets(l);

	if (o >= 8)
		return PASS;
	snprintf(m, n, "serial number is %d octets: too short to hold 64 "
	    "random bits", o);
	return FAIL;
}

static int
chk_version_ext(const struct lint *l, char *m, size_t n)
{
	if (X509_get_ext_count(l->crt) == 0 || l->version == 3)
		return PASS;
	snprintf(m, n, "version %ld certificate has extensions", l->version);
	return FAIL;
}

static int
chk_version3(const struct lint *l, char *m, size_t n)
{
	if (l->version == 3)
		return PASS;
	snprintf(m, n, "certificate is version %ld", l->version);
	return FAIL;
}

static int
chk_unique_ids(const struct lint *l, char *m, size_t n)
{
	const ASN1_BIT_STRING *iu = NULL, *su = NULL;

	X509_get0_uids(l->crt, &iu, &su);
	if (iu == NULL && su == NULL)
		return PASS;
	snprintf(m, n, "certificate has %s unique identifier",
	    iu != NULL ? "an issuer" : "a subject");
	return FAIL;
}

/* ---- signature ------------------------------------------------------- */

static int
chk_sig_match(const struct lint *l, char *m, size_t n)
{
	const X509_ALGOR *outer;
	const ASN1_BIT_STRING *sig;

	X509_get0_signature(&sig, &outer, l->crt);
	if (X509_ALGOR_cmp(outer, X509_get0_tbs_sigalg(l->crt)) == 0)
		return PASS;
	snprintf(m, n, "signatureAlgorithm differs from "
	    "tbsCertificate.signature");
	return FAIL;
}

static int
chk_sig_params(const struct lint *l, char *m, size_t n)
{
	int nid = sig_nid(l), ptype;
	const void *pval;
	char name[64];

	X509_ALGOR_get0(NULL, &ptype, &pval, X509_get0_tbs_sigalg(l->crt));
	sig_name(l, name, sizeof(name));
	switch (nid) {
	case NID_md5WithRSAEncryption:
	case NID_sha1WithRSAEncryption:
	case NID_sha224WithRSAEncryption:
	case NID_sha256WithRSAEncryption:
	case NID_sha384WithRSAEncryption:
	case NID_sha512WithRSAEncryption:
		if (ptype == V_ASN1_NULL)
			return PASS;
		snprintf(m, n, "%s parameters are not NULL", name);
		return FAIL;
	case NID_ecdsa_with_SHA1:
	case NID_ecdsa_with_SHA224:
	case NID_ecdsa_with_SHA256:
	case NID_ecdsa_with_SHA384:
	case NID_ecdsa_with_SHA512:
	case NID_ED25519:
	case NID_ED448:
		if (ptype == V_ASN1_UNDEF)
			return PASS;
		snprintf(m, n, "%s has parameters; they must be absent", name);
		return FAIL;
	default:
		return NA;
	}
}

static int
chk_no_md5(const struct lint *l, char *m, size_t n)
{
	int nid = sig_nid(l);

	if (nid != NID_md5WithRSAEncryption && nid != NID_md2WithRSAEncryption)
		return PASS;
	snprintf(m, n, "signed with %s", OBJ_nid2ln(nid));
	return FAIL;
}

static int
chk_no_sha1(const struct lint *l, char *m, size_t n)
{
	int nid = sig_nid(l);
	char name[64];

	if (nid != NID_sha1WithRSAEncryption && nid != NID_ecdsa_with_SHA1 &&
	    nid != NID_dsaWithSHA1 && nid != NID_shaWithRSAEncryption)
		return PASS;
	sig_name(l, name, sizeof(name));
	snprintf(m, n, "signed with SHA-1 (%s)", name);
	return FAIL;
}

static int
chk_sig_web(const struct lint *l, char *m, size_t n)
{
	static const int ok[] = {
		NID_sha256WithRSAEncryption, NID_sha384WithRSAEncryption,
		NID_sha512WithRSAEncryption, NID_rsassaPss,
		NID_ecdsa_with_SHA256, NID_ecdsa_with_SHA384,
		NID_ecdsa_with_SHA512,
	};
	int nid = sig_nid(l);
	size_t i;
	char name[64];

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (ok[i] == nid)
			return PASS;
	sig_name(l, name, sizeof(name));
	snprintf(m, n, "signature algorithm %s is not allowed", name);
	return FAIL;
}

/* ---- keys ------------------------------------------------------------ */

static int
chk_rsa_2048(const struct lint *l, char *m, size_t n)
{
	int bits;

	if (!key_is(l, "RSA") && !key_is(l, "RSA-PSS"))
		return NA;
	if ((bits = EVP_PKEY_get_bits(l->pk)) >= 2048)
		return PASS;
	snprintf(m, n, "RSA key is %d bits", bits);
	return FAIL;
}

static int
chk_rsa_mod8(const struct lint *l, char *m, size_t n)
{
	int bits;

	if (!key_is(l, "RSA") && !key_is(l, "RSA-PSS"))
		return NA;
	if ((bits = EVP_PKEY_get_bits(l->pk)) % 8 == 0)
		return PASS;
	snprintf(m, n, "RSA modulus is %d bits, not a multiple of 8", bits);
	return FAIL;
}

static int
chk_rsa_exponent(const struct lint *l, char *m, size_t n)
{
	BIGNUM *e = NULL;
	int r = PASS;

	if (!key_is(l, "RSA") && !key_is(l, "RSA-PSS"))
		return NA;
	if (!EVP_PKEY_get_bn_param(l->pk, OSSL_PKEY_PARAM_RSA_E, &e)) {
		ERR_clear_error();
		return NA;
	}
	if (!BN_is_odd(e) || BN_get_word(e) < 65537) {
		char *d = BN_bn2dec(e);

		snprintf(m, n, "RSA public exponent is %s", d ? d : "?");
		OPENSSL_free(d);
		r = FAIL;
	}
	BN_free(e);
	return r;
}

static int
chk_ec_curve(const struct lint *l, char *m, size_t n)
{
	char c[64];

	if (!key_is(l, "EC"))
		return NA;
	curve_name(l, c, sizeof(c));
	if (strcmp(c, "prime256v1") == 0 || strcmp(c, "secp384r1") == 0 ||
	    strcmp(c, "secp521r1") == 0)
		return PASS;
	snprintf(m, n, "EC key on curve %s", c);
	return FAIL;
}

static int
chk_key_web(const struct lint *l, char *m, size_t n)
{
	if (l->pk == NULL || key_is(l, "RSA") || key_is(l, "EC"))
		return PASS;
	snprintf(m, n, "%s keys are not allowed",
	    EVP_PKEY_get0_type_name(l->pk));
	return FAIL;
}

static int
chk_no_dsa(const struct lint *l, char *m, size_t n)
{
	if (!key_is(l, "DSA"))
		return PASS;
	snprintf(m, n, "DSA key");
	return FAIL;
}

static int
chk_ku_fits_key(const struct lint *l, char *m, size_t n)
{
	if (l->ku == NULL || l->pk == NULL)
		return NA;
	if (key_is(l, "EC") && (ku_bit(l, BIT_KEY_ENCIPHERMENT) ||
	    ku_bit(l, BIT_DATA_ENCIPHERMENT))) {
		snprintf(m, n, "EC key with keyEncipherment or "
		    "dataEncipherment");
		return FAIL;
	}
	if ((key_is(l, "RSA") || key_is(l, "RSA-PSS")) &&
	    (ku_bit(l, BIT_KEY_AGREEMENT) || ku_bit(l, BIT_ENCIPHER_ONLY) ||
	    ku_bit(l, BIT_DECIPHER_ONLY))) {
		snprintf(m, n, "RSA key with keyAgreement");
		return FAIL;
	}
	if ((key_is(l, "ED25519") || key_is(l, "ED448")) &&
	    (ku_bit(l, BIT_KEY_ENCIPHERMENT) ||
	    ku_bit(l, BIT_DATA_ENCIPHERMENT) || ku_bit(l, BIT_KEY_AGREEMENT))) {
		snprintf(m, n, "EdDSA key with an encryption or agreement "
		    "usage");
		return FAIL;
	}
	return PASS;
}

/* ---- validity -------------------------------------------------------- */

static int
chk_validity_order(const struct lint *l, char *m, size_t n)
{
	if (ASN1_TIME_compare(X509_get0_notBefore(l->crt),
	    X509_get0_notAfter(l->crt)) <= 0)
		return PASS;
	snprintf(m, n, "notAfter is before notBefore");
	return FAIL;
}

static int
time_format_ok(const ASN1_TIME *t)
{
	const unsigned char *p = ASN1_STRING_get0_data(t);
	int len = ASN1_STRING_length(t), digits, i;

	digits = ASN1_STRING_type(t) == V_ASN1_UTCTIME ? 12 : 14;
	if (len != digits + 1 || p[digits] != 'Z')
		return 0;
	for (i = 0; i < digits; i++)
		if (!isdigit(p[i]))
			return 0;
	return 1;
}

static int
chk_time_format(const struct lint *l, char *m, size_t n)
{
	const ASN1_TIME *t[2] = { X509_get0_notBefore(l->crt),
	    X509_get0_notAfter(l->crt) };
	int i;

	for (i = 0; i < 2; i++) {
		if (time_format_ok(t[i]))
			continue;
		snprintf(m, n, "%s \"%.*s\" is not YY(YY)MMDDHHMMSSZ",
		    i ? "notAfter" : "notBefore", ASN1_STRING_length(t[i]),
		    (const char *)ASN1_STRING_get0_data(t[i]));
		return FAIL;
	}
	return PASS;
}

static int
chk_time_encoding(const struct lint *l, char *m, size_t n)
{
	const ASN1_TIME *t[2] = { X509_get0_notBefore(l->crt),
	    X509_get0_notAfter(l->crt) };
	struct tm tm;
	int i, utc;

	for (i = 0; i < 2; i++) {
		if (ASN1_TIME_to_tm(t[i], &tm) != 1) {
			ERR_clear_error();
			continue;
		}
		utc = ASN1_STRING_type(t[i]) == V_ASN1_UTCTIME;
		if (utc == (tm.tm_year + 1900 < 2050))
			continue;
		snprintf(m, n, "%s in %d is a %s", i ? "notAfter" : "notBefore",
		    tm.tm_year + 1900, utc ? "UTCTime" : "GeneralizedTime");
		return FAIL;
	}
	return PASS;
}

static int
chk_not_expired(const struct lint *l, char *m, size_t n)
{
	time_t now = l->now;
	char t[40];

	if (X509_cmp_time(X509_get0_notAfter(l->crt), &now) > 0)
		return PASS;
	pkit_asn1_time_rfc3339(X509_get0_notAfter(l->crt), t, sizeof(t));
	snprintf(m, n, "certificate expired at %s", t);
	return FAIL;
}

static int
chk_not_future(const struct lint *l, char *m, size_t n)
{
	time_t now = l->now;
	char t[40];

	if (X509_cmp_time(X509_get0_notBefore(l->crt), &now) < 0)
		return PASS;
	pkit_asn1_time_rfc3339(X509_get0_notBefore(l->crt), t, sizeof(t));
	snprintf(m, n, "certificate is not valid before %s", t);
	return FAIL;
}

static int
chk_398_days(const struct lint *l, char *m, size_t n)
{
	int days = 0, secs = 0;

	if (!l->tls_leaf)
		return NA;
	if (!ASN1_TIME_diff(&days, &secs, X509_get0_notBefore(l->crt),
	    X509_get0_notAfter(l->crt))) {
		ERR_clear_error();
		return NA;
	}
	/* The validity period includes both ends (RFC 5280 4.1.2.5). */
	if ((long long)days * 86400 + secs + 1 <= 398LL * 86400)
		return PASS;
	snprintf(m, n, "TLS certificate is valid for %d days", days);
	return FAIL;
}

/* ---- names ----------------------------------------------------------- */

static int
chk_issuer_not_empty(const struct lint *l, char *m, size_t n)
{
	if (X509_NAME_entry_count(X509_get_issuer_name(l->crt)) > 0)
		return PASS;
	snprintf(m, n, "issuer name is empty");
	return FAIL;
}

static int
chk_empty_subject(const struct lint *l, char *m, size_t n)
{
	if (X509_NAME_entry_count(X509_get_subject_name(l->crt)) > 0)
		return NA;
	if (l->has[EXT_SAN] && l->crit[EXT_SAN])
		return PASS;
	snprintf(m, n, "subject is empty and %s", l->has[EXT_SAN] ?
	    "subjectAltName is not critical" : "there is no subjectAltName");
	return FAIL;
}

static int
chk_ca_subject(const struct lint *l, char *m, size_t n)
{
	if (!l->is_ca)
		return NA;
	if (X509_NAME_entry_count(X509_get_subject_name(l->crt)) > 0)
		return PASS;
	snprintf(m, n, "CA certificate has an empty subject");
	return FAIL;
}

static int
chk_ca_subject_web(const struct lint *l, char *m, size_t n)
{
	const X509_NAME *s = X509_get_subject_name(l->crt);

	if (!l->is_ca)
		return NA;
	if (X509_NAME_get_index_by_NID(s, NID_commonName, -1) >= 0 &&
	    X509_NAME_get_index_by_NID(s, NID_organizationName, -1) >= 0 &&
	    X509_NAME_get_index_by_NID(s, NID_countryName, -1) >= 0)
		return PASS;
	snprintf(m, n, "CA subject lacks commonName, organizationName or "
	    "countryName");
	return FAIL;
}

static int
chk_cn_length(const struct lint *l, char *m, size_t n)
{
	const X509_NAME *names[2] = { X509_get_subject_name(l->crt),
	    X509_get_issuer_name(l->crt) };
	int i, k, c;

	for (k = 0; k < 2; k++) {
		for (i = 0; i < X509_NAME_entry_count(names[k]); i++) {
			const X509_NAME_ENTRY *e =
			    X509_NAME_get_entry(names[k], i);

			if (OBJ_obj2nid(X509_NAME_ENTRY_get_object(e)) !=
			    NID_commonName)
				continue;
			if ((c = utf8_chars(X509_NAME_ENTRY_get_data(e))) <= 64)
				continue;
			snprintf(m, n, "%s commonName is %d characters",
			    k ? "issuer" : "subject", c);
			return FAIL;
		}
	}
	return PASS;
}

static int
chk_country(const struct lint *l, char *m, size_t n)
{
	const X509_NAME *s = X509_get_subject_name(l->crt);
	int i;

	for (i = 0; i < X509_NAME_entry_count(s); i++) {
		const X509_NAME_ENTRY *e = X509_NAME_get_entry(s, i);
		const ASN1_STRING *d = X509_NAME_ENTRY_get_data(e);
		const unsigned char *p = ASN1_STRING_get0_data(d);

		if (OBJ_obj2nid(X509_NAME_ENTRY_get_object(e)) !=
		    NID_countryName)
			continue;
		if (ASN1_STRING_length(d) == 2 && isupper(p[0]) &&
		    isupper(p[1]))
			continue;
		snprintf(m, n, "countryName \"%.*s\" is not two capital "
		    "letters", ASN1_STRING_length(d), (const char *)p);
		return FAIL;
	}
	return PASS;
}

static int
chk_subject_email(const struct lint *l, char *m, size_t n)
{
	if (X509_NAME_get_index_by_NID(X509_get_subject_name(l->crt),
	    NID_pkcs9_emailAddress, -1) < 0)
		return PASS;
	snprintf(m, n, "subject has an emailAddress attribute");
	return FAIL;
}

/* ---- extensions in general ------------------------------------------- */

static int
chk_no_dup_ext(const struct lint *l, char *m, size_t n)
{
	const STACK_OF(X509_EXTENSION) *exts = X509_get0_extensions(l->crt);
	int i, j;
	char oid[128];

	for (i = 0; i < sk_X509_EXTENSION_num(exts); i++) {
		const ASN1_OBJECT *a = X509_EXTENSION_get_object(
		    sk_X509_EXTENSION_value(exts, i));

		for (j = i + 1; j < sk_X509_EXTENSION_num(exts); j++) {
			if (OBJ_cmp(a, X509_EXTENSION_get_object(
			    sk_X509_EXTENSION_value(exts, j))) != 0)
				continue;
			OBJ_obj2txt(oid, sizeof(oid), a, 0);
			snprintf(m, n, "extension %s appears twice", oid);
			return FAIL;
		}
	}
	return PASS;
}

static int
chk_unknown_critical(const struct lint *l, char *m, size_t n)
{
	const STACK_OF(X509_EXTENSION) *exts = X509_get0_extensions(l->crt);
	int i;
	char oid[128];

	for (i = 0; i < sk_X509_EXTENSION_num(exts); i++) {
		X509_EXTENSION *e = sk_X509_EXTENSION_value(exts, i);

		if (X509_EXTENSION_get_critical(e) <= 0 ||
		    X509_supported_extension(e))
			continue;
		OBJ_obj2txt(oid, sizeof(oid), X509_EXTENSION_get_object(e), 1);
		snprintf(m, n, "critical extension %s is not one a verifier "
		    "knows", oid);
		return FAIL;
	}
	return PASS;
}

static int
chk_ext_decodes(const struct lint *l, char *m, size_t n)
{
	if (!l->bad_ext)
		return PASS;
	snprintf(m, n, "%s extension is malformed", l->bad_ext_name);
	return FAIL;
}

/* ---- key identifiers ------------------------------------------------- */

static int
chk_aki_keyid(const struct lint *l, char *m, size_t n)
{
	if (l->aki == NULL)
		return NA;
	if (l->aki->keyid != NULL)
		return PASS;
	snprintf(m, n, "authorityKeyIdentifier has no keyIdentifier");
	return FAIL;
}

static int
chk_aki_match(const struct lint *l, char *m, size_t n)
{
	const ASN1_OCTET_STRING *ski;
	X509 *iss = l->self_signed ? l->crt : l->issuer;

	if (l->aki == NULL || l->aki->keyid == NULL || iss == NULL ||
	    (ski = X509_get0_subject_key_id(iss)) == NULL) {
		ERR_clear_error();
		return NA;
	}
	if (ASN1_OCTET_STRING_cmp(ski, l->aki->keyid) == 0)
		return PASS;
	snprintf(m, n, "authorityKeyIdentifier differs from the %s "
	    "subjectKeyIdentifier", l->self_signed ? "certificate's own" :
	    "issuer's");
	return FAIL;
}

/* ---- key usage and basic constraints --------------------------------- */

static int
chk_ca_cert_sign(const struct lint *l, char *m, size_t n)
{
	if (!l->is_ca || l->ku == NULL)
		return NA;
	if (ku_bit(l, BIT_KEY_CERT_SIGN))
		return PASS;
	snprintf(m, n, "CA keyUsage lacks keyCertSign");
	return FAIL;
}

static int
chk_ku_not_empty(const struct lint *l, char *m, size_t n)
{
	int i;

	if (l->ku == NULL)
		return NA;
	for (i = 0; i < 9; i++)
		if (ku_bit(l, i))
			return PASS;
	snprintf(m, n, "keyUsage has no bit set");
	return FAIL;
}

static int
chk_cert_sign_needs_ca(const struct lint *l, char *m, size_t n)
{
	if (l->ku == NULL)
		return NA;
	if (!ku_bit(l, BIT_KEY_CERT_SIGN) || l->is_ca)
		return PASS;
	snprintf(m, n, "keyCertSign is set but basicConstraints %s",
	    l->has[EXT_BC] ? "has cA FALSE" : "is missing");
	return FAIL;
}

static int
chk_pathlen(const struct lint *l, char *m, size_t n)
{
	if (l->bc == NULL || l->bc->pathlen == NULL)
		return NA;
	if (l->is_ca && ku_bit(l, BIT_KEY_CERT_SIGN))
		return PASS;
	snprintf(m, n, "pathLenConstraint is set but %s", l->is_ca ?
	    "keyCertSign is not" : "cA is FALSE");
	return FAIL;
}

/* ---- subject alternative names --------------------------------------- */

/* 1 when the DNS name or IP address gn is s. */
static int
name_is(const char *s, const GENERAL_NAME *gn)
{
	unsigned char ip[16];
	char v[1024];
	int len;

	if (gn->type == GEN_DNS) {
		ia5(gn->d.dNSName, v, sizeof(v));
		return strcasecmp(v, s) == 0;
	}
	if (gn->type != GEN_IPADD)
		return 0;
	len = ASN1_STRING_length(gn->d.iPAddress);
	return (len == 4 || len == 16) && inet_pton(len == 4 ? AF_INET :
	    AF_INET6, s, ip) == 1 &&
	    memcmp(ip, ASN1_STRING_get0_data(gn->d.iPAddress),
	    (size_t)len) == 0;
}

static int
chk_cn_in_san(const struct lint *l, char *m, size_t n)
{
	const X509_NAME *s = X509_get_subject_name(l->crt);
	int i, j;

	if (!l->tls_leaf || l->san == NULL)
		return NA;
	for (i = 0; i < X509_NAME_entry_count(s); i++) {
		const X509_NAME_ENTRY *e = X509_NAME_get_entry(s, i);
		unsigned char *cn = NULL;
		int found = 0, len;

		if (OBJ_obj2nid(X509_NAME_ENTRY_get_object(e)) !=
		    NID_commonName)
			continue;
		if ((len = ASN1_STRING_to_UTF8(&cn,
		    X509_NAME_ENTRY_get_data(e))) < 0) {
			ERR_clear_error();
			continue;
		}
		for (j = 0; j < sk_GENERAL_NAME_num(l->san) && !found; j++)
			found = name_is((char *)cn,
			    sk_GENERAL_NAME_value(l->san, j));
		if (!found) {
			snprintf(m, n, "commonName \"%s\" is not among the "
			    "subjectAltNames", cn);
			OPENSSL_free(cn);
			return FAIL;
		}
		OPENSSL_free(cn);
	}
	return PASS;
}

static int
chk_san_not_empty(const struct lint *l, char *m, size_t n)
{
	if (l->san == NULL)
		return NA;
	if (sk_GENERAL_NAME_num(l->san) > 0)
		return PASS;
	snprintf(m, n, "subjectAltName holds no name");
	return FAIL;
}

static int
chk_san_crit(const struct lint *l, char *m, size_t n)
{
	if (!l->has[EXT_SAN] ||
	    X509_NAME_entry_count(X509_get_subject_name(l->crt)) == 0)
		return NA;
	if (!l->crit[EXT_SAN])
		return PASS;
	snprintf(m, n, "subjectAltName is critical although the subject is "
	    "not empty");
	return FAIL;
}

/* The URI scheme: a letter, then letters, digits, "+", "-" or ".", then
 * a colon. */
static int
no_uri_scheme(const char *v)
{
	const char *colon = strchr(v, ':');
	size_t k;

	for (k = 0; colon != NULL && v + k < colon; k++)
		if (!isalnum((unsigned char)v[k]) && v[k] != '+' &&
		    v[k] != '-' && v[k] != '.')
			break;
	return !(colon != NULL && colon > v && v + k == colon &&
	    isalpha((unsigned char)v[0]));
}

static int
not_local_at_domain(const char *v)
{
	const char *at = strchr(v, '@');

	return !(at != NULL && at > v && strchr(at + 1, '@') == NULL &&
	    dns_name_ok(at + 1) && strpbrk(v, " <>") == NULL);
}

static int
not_host_name(const char *v)
{
	return !dns_name_ok(v);
}

/* FAIL on the first subjectAltName of type (GEN_DNS, GEN_URI or
 * GEN_EMAIL) that is bad: "<what> "<name>" <why>". */
static int
san_names(const struct lint *l, int type, int (*bad)(const char *),
    const char *what, const char *why, char *m, size_t n)
{
	int i;
	char v[1024];

	if (l->san == NULL)
		return NA;
	for (i = 0; i < sk_GENERAL_NAME_num(l->san); i++) {
		const GENERAL_NAME *gn = sk_GENERAL_NAME_value(l->san, i);

		if (gn->type != type)
			continue;
		ia5(gn->d.ia5, v, sizeof(v));
		if (bad(v)) {
			snprintf(m, n, "%s \"%s\" %s", what, v, why);
			return FAIL;
		}
	}
	return PASS;
}

static int
chk_dns_syntax(const struct lint *l, char *m, size_t n)
{
	return san_names(l, GEN_DNS, not_host_name, "DNS name",
	    "is not a valid host name", m, n);
}

static int
chk_internal_names(const struct lint *l, char *m, size_t n)
{
	if (!l->tls_leaf)
		return NA;
	return san_names(l, GEN_DNS, internal_name, "DNS name",
	    "is an internal name", m, n);
}

static int
chk_reserved_ip(const struct lint *l, char *m, size_t n)
{
	int i;
	char v[64];

	if (!l->tls_leaf || l->san == NULL)
		return NA;
	for (i = 0; i < sk_GENERAL_NAME_num(l->san); i++) {
		const GENERAL_NAME *gn = sk_GENERAL_NAME_value(l->san, i);
		const unsigned char *p;
		int len;

		if (gn->type != GEN_IPADD)
			continue;
		p = ASN1_STRING_get0_data(gn->d.iPAddress);
		len = ASN1_STRING_length(gn->d.iPAddress);
		if (!reserved_ip(p, len))
			continue;
		inet_ntop(len == 4 ? AF_INET : AF_INET6, p, v, sizeof(v));
		snprintf(m, n, "IP address %s is reserved", v);
		return FAIL;
	}
	return PASS;
}

static int
chk_san_uri(const struct lint *l, char *m, size_t n)
{
	return san_names(l, GEN_URI, no_uri_scheme, "URI", "has no scheme",
	    m, n);
}

static int
chk_san_email(const struct lint *l, char *m, size_t n)
{
	return san_names(l, GEN_EMAIL, not_local_at_domain, "e-mail address",
	    "is not local@domain", m, n);
}

/* ---- extended key usage ---------------------------------------------- */

static int
chk_tls_eku_present(const struct lint *l, char *m, size_t n)
{
	if (!l->tls_leaf)
		return NA;
	if (l->has[EXT_EKU] && eku_has(l, NID_server_auth))
		return PASS;
	snprintf(m, n, "%s", l->has[EXT_EKU] ?
	    "extendedKeyUsage lacks serverAuth" : "no extendedKeyUsage");
	return FAIL;
}

static int
chk_leaf_any_eku(const struct lint *l, char *m, size_t n)
{
	if (l->is_ca || l->eku == NULL)
		return NA;
	if (!eku_has(l, NID_anyExtendedKeyUsage))
		return PASS;
	snprintf(m, n, "leaf certificate has anyExtendedKeyUsage");
	return FAIL;
}

static int
chk_eku_not_empty(const struct lint *l, char *m, size_t n)
{
	if (!l->has[EXT_EKU] || l->eku == NULL)
		return NA;
	if (sk_ASN1_OBJECT_num(l->eku) > 0)
		return PASS;
	snprintf(m, n, "extendedKeyUsage holds no purpose");
	return FAIL;
}

static int
chk_tls_eku_values(const struct lint *l, char *m, size_t n)
{
	int i;
	char oid[128];

	if (!l->tls_leaf || l->eku == NULL)
		return NA;
	for (i = 0; i < sk_ASN1_OBJECT_num(l->eku); i++) {
		const ASN1_OBJECT *o = sk_ASN1_OBJECT_value(l->eku, i);
		int nid = OBJ_obj2nid(o);

		if (nid == NID_server_auth || nid == NID_client_auth)
			continue;
		OBJ_obj2txt(oid, sizeof(oid), o, 0);
		snprintf(m, n, "TLS certificate has purpose %s", oid);
		return FAIL;
	}
	return PASS;
}

/* ---- name constraints, policies, AIA, CRL DP ------------------------- */

static int
chk_nc_ca(const struct lint *l, char *m, size_t n)
{
	if (!l->has[EXT_NC])
		return NA;
	if (l->is_ca)
		return PASS;
	snprintf(m, n, "nameConstraints in a certificate that is not a CA");
	return FAIL;
}

static int
chk_nc_not_empty(const struct lint *l, char *m, size_t n)
{
	if (l->nc == NULL)
		return NA;
	if (sk_GENERAL_SUBTREE_num(l->nc->permittedSubtrees) > 0 ||
	    sk_GENERAL_SUBTREE_num(l->nc->excludedSubtrees) > 0)
		return PASS;
	snprintf(m, n, "nameConstraints has neither permitted nor excluded "
	    "subtrees");
	return FAIL;
}

static int
chk_policy_dup(const struct lint *l, char *m, size_t n)
{
	int i, j;
	char oid[128];

	if (l->cp == NULL)
		return NA;
	for (i = 0; i < sk_POLICYINFO_num(l->cp); i++)
		for (j = i + 1; j < sk_POLICYINFO_num(l->cp); j++) {
			const ASN1_OBJECT *a =
			    sk_POLICYINFO_value(l->cp, i)->policyid;

			if (OBJ_cmp(a, sk_POLICYINFO_value(l->cp, j)->policyid))
				continue;
			OBJ_obj2txt(oid, sizeof(oid), a, 1);
			snprintf(m, n, "policy %s appears twice", oid);
			return FAIL;
		}
	return PASS;
}

static int
chk_tls_cabf_policy(const struct lint *l, char *m, size_t n)
{
	int i;
	char oid[128];

	if (!l->tls_leaf)
		return NA;
	for (i = 0; i < sk_POLICYINFO_num(l->cp); i++) {
		OBJ_obj2txt(oid, sizeof(oid),
		    sk_POLICYINFO_value(l->cp, i)->policyid, 1);
		if (strncmp(oid, "2.23.140.1.", 11) == 0)
			return PASS;
	}
	snprintf(m, n, "no CA/Browser Forum reserved policy identifier");
	return FAIL;
}

static int
uri_is_http(const GENERAL_NAME *gn)
{
	char v[1024];

	if (gn->type != GEN_URI)
		return 0;
	ia5(gn->d.uniformResourceIdentifier, v, sizeof(v));
	return strncasecmp(v, "http://", 7) == 0;
}

static int
chk_aia_http(const struct lint *l, char *m, size_t n)
{
	int i;

	if (l->aia == NULL)
		return NA;
	for (i = 0; i < sk_ACCESS_DESCRIPTION_num(l->aia); i++) {
		const ACCESS_DESCRIPTION *ad =
		    sk_ACCESS_DESCRIPTION_value(l->aia, i);
		char v[1024];

		if (uri_is_http(ad->location))
			continue;
		snprintf(v, sizeof(v), "%s", "a name");
		if (ad->location->type == GEN_URI)
			ia5(ad->location->d.uniformResourceIdentifier, v,
			    sizeof(v));
		snprintf(m, n, "authorityInfoAccess location %s is not an "
		    "http:// URI", v);
		return FAIL;
	}
	return PASS;
}

static int
chk_crldp_http(const struct lint *l, char *m, size_t n)
{
	int i, j, any = 0;

	if (l->crldp == NULL)
		return NA;
	for (i = 0; i < sk_DIST_POINT_num(l->crldp); i++) {
		const DIST_POINT *dp = sk_DIST_POINT_value(l->crldp, i);
		const GENERAL_NAMES *full;

		if (dp->distpoint == NULL || dp->distpoint->type != 0)
			continue;
		full = dp->distpoint->name.fullname;
		for (j = 0; j < sk_GENERAL_NAME_num(full); j++)
			any |= uri_is_http(sk_GENERAL_NAME_value(full, j));
	}
	if (any)
		return PASS;
	snprintf(m, n, "cRLDistributionPoints has no http:// URI");
	return FAIL;
}

/* ---- rules on one extension ------------------------------------------ */

static int
in_scope(const struct lint *l, enum scope scope)
{
	switch (scope) {
	case CA:
		return l->is_ca;
	case LEAF:
		return !l->is_ca;
	case TLS:
		return l->tls_leaf;
	case ISSUED:
		return !l->self_signed;
	default:
		return 1;
	}
}

static int
chk_ext(const struct lint *l, const struct ext_rule *x, char *m, size_t n)
{
	if (!in_scope(l, x->scope))
		return NA;
	if (x->want == PRESENT) {
		if (l->has[x->ext])
			return PASS;
	} else {
		if (!l->has[x->ext])
			return NA;
		if (l->crit[x->ext] == (x->want == CRITICAL))
			return PASS;
	}
	snprintf(m, n, "%s", x->fail);
	return FAIL;
}

/* ---- the table ------------------------------------------------------- */

#define E PKIT_LINT_ERROR
#define W PKIT_LINT_WARN
#define N PKIT_LINT_NOTICE
#define O PKIT_LINT_OFF

/* level[] is { private, web }.  A rule is checked by fn or, when that
 * is NULL, by chk_ext() with ext. */
static const struct row {
	struct pkit_lint_rule rule;
	check_fn fn;
	struct ext_rule ext;
} rows[] = {
	{ { "serial-positive", "RFC 5280 4.1.2.2",
	    "the serial number is a positive integer", { E, E } },
	  chk_serial_positive },
	{ { "serial-max-20-octets", "RFC 5280 4.1.2.2",
	    "the serial number is at most 20 octets", { E, E } },
	  chk_serial_max },
	{ { "serial-64-bit-entropy", "BR 7.1",
	    "the serial number is long enough to hold 64 random bits",
	    { W, E } }, chk_serial_entropy },
	{ { "version-3-with-extensions", "RFC 5280 4.1.2.1",
	    "a certificate with extensions is version 3", { E, E } },
	  chk_version_ext },
	{ { "version-3", "BR 7.1.1", "the certificate is version 3",
	    { N, E } }, chk_version3 },
	{ { "no-unique-ids", "RFC 5280 4.1.2.8",
	    "no issuer or subject unique identifier", { W, E } },
	  chk_unique_ids },
	{ { "sig-alg-match", "RFC 5280 4.1.1.2",
	    "signatureAlgorithm equals tbsCertificate.signature", { E, E } },
	  chk_sig_match },
	{ { "sig-alg-params", "RFC 4055 5, RFC 5758 3.2, RFC 8410 3",
	    "RSA signature parameters are NULL; ECDSA and EdDSA have none",
	    { E, E } }, chk_sig_params },
	{ { "sig-no-md5", "RFC 6151 2, BR 7.1.3.2",
	    "not signed with MD2 or MD5", { E, E } }, chk_no_md5 },
	{ { "sig-no-sha1", "RFC 9155, BR 7.1.3.2",
	    "not signed with SHA-1", { E, E } }, chk_no_sha1 },
	{ { "sig-alg-allowed", "BR 7.1.3.2",
	    "signed with RSA (PKCS#1 v1.5 or PSS) or ECDSA over SHA-2",
	    { O, E } }, chk_sig_web },
	{ { "rsa-min-2048", "BR 6.1.5, NIST SP 800-131A",
	    "RSA keys are at least 2048 bits", { E, E } }, chk_rsa_2048 },
	{ { "rsa-modulus-multiple-8", "BR 6.1.5",
	    "the RSA modulus size is a multiple of 8 bits", { W, E } },
	  chk_rsa_mod8 },
	{ { "rsa-exponent", "BR 6.1.6",
	    "the RSA public exponent is odd and at least 65537", { W, E } },
	  chk_rsa_exponent },
	{ { "ec-curve-approved", "BR 6.1.5",
	    "EC keys are on P-256, P-384 or P-521", { W, E } }, chk_ec_curve },
	{ { "key-type-allowed", "BR 6.1.5",
	    "the key is RSA or ECDSA", { O, E } }, chk_key_web },
	{ { "no-dsa-keys", "BR 6.1.5, FIPS 186-5",
	    "the key is not DSA", { W, E } }, chk_no_dsa },
	{ { "key-usage-fits-key", "RFC 3279 2.3, RFC 5480 3, RFC 8410 5",
	    "keyUsage only asserts what the key type can do", { W, E } },
	  chk_ku_fits_key },
	{ { "validity-order", "RFC 5280 4.1.2.5",
	    "notBefore is not after notAfter", { E, E } }, chk_validity_order },
	{ { "validity-time-format", "RFC 5280 4.1.2.5.1, 4.1.2.5.2",
	    "validity times are Zulu with seconds and no fractions",
	    { E, E } }, chk_time_format },
	{ { "validity-time-encoding", "RFC 5280 4.1.2.5",
	    "UTCTime through 2049, GeneralizedTime from 2050", { E, E } },
	  chk_time_encoding },
	{ { "not-expired", "RFC 5280 4.1.2.5",
	    "the certificate has not expired", { E, E } }, chk_not_expired },
	{ { "not-yet-valid", "RFC 5280 4.1.2.5",
	    "the certificate is already valid", { W, W } }, chk_not_future },
	{ { "tls-validity-398-days", "BR 6.3.2",
	    "TLS certificates are valid for at most 398 days", { O, E } },
	  chk_398_days },
	{ { "issuer-not-empty", "RFC 5280 4.1.2.4",
	    "the issuer name is not empty", { E, E } }, chk_issuer_not_empty },
	{ { "empty-subject-san-critical", "RFC 5280 4.2.1.6",
	    "an empty subject comes with a critical subjectAltName",
	    { E, E } }, chk_empty_subject },
	{ { "ca-subject-not-empty", "RFC 5280 4.1.2.6",
	    "a CA certificate has a subject name", { E, E } }, chk_ca_subject },
	{ { "ca-subject-attributes", "BR 7.1.2.10.2",
	    "a CA subject has commonName, organizationName and countryName",
	    { O, E } }, chk_ca_subject_web },
	{ { "cn-max-64", "RFC 5280 A.1 (ub-common-name)",
	    "commonName is at most 64 characters", { E, E } }, chk_cn_length },
	{ { "country-two-letters", "RFC 5280 A.1, X.520",
	    "countryName is a two-letter ISO 3166 code", { E, E } },
	  chk_country },
	{ { "subject-no-email", "RFC 5280 4.1.2.6",
	    "e-mail addresses go in subjectAltName, not in the subject",
	    { N, W } }, chk_subject_email },
	{ { "no-duplicate-extensions", "RFC 5280 4.2",
	    "no extension appears twice", { E, E } }, chk_no_dup_ext },
	{ { "no-unknown-critical", "RFC 5280 4.2",
	    "every critical extension is one verifiers know", { W, E } },
	  chk_unknown_critical },
	{ { "extensions-well-formed", "RFC 5280 4.2",
	    "every known extension decodes", { E, E } }, chk_ext_decodes },
	{ { "aki-present", "RFC 5280 4.2.1.1",
	    "certificates other than self-signed ones have an "
	    "authorityKeyIdentifier", { E, E } },
	  .ext = { ISSUED, EXT_AKI, PRESENT,
	      "no authorityKeyIdentifier" } },
	{ { "aki-not-critical", "RFC 5280 4.2.1.1",
	    "authorityKeyIdentifier is not critical", { E, E } },
	  .ext = { ALL, EXT_AKI, NOT_CRITICAL,
	      "authorityKeyIdentifier is critical" } },
	{ { "aki-keyid", "RFC 5280 4.2.1.1",
	    "authorityKeyIdentifier has a keyIdentifier", { E, E } },
	  chk_aki_keyid },
	{ { "aki-matches-issuer", "RFC 5280 4.2.1.1",
	    "authorityKeyIdentifier equals the issuer's subjectKeyIdentifier",
	    { E, E } }, chk_aki_match },
	{ { "ski-present-ca", "RFC 5280 4.2.1.2",
	    "CA certificates have a subjectKeyIdentifier", { E, E } },
	  .ext = { CA, EXT_SKI, PRESENT,
	      "CA certificate has no subjectKeyIdentifier" } },
	{ { "ski-present-leaf", "RFC 5280 4.2.1.2",
	    "end-entity certificates should have a subjectKeyIdentifier",
	    { N, O } },
	  .ext = { LEAF, EXT_SKI, PRESENT, "no subjectKeyIdentifier" } },
	{ { "ski-not-critical", "RFC 5280 4.2.1.2",
	    "subjectKeyIdentifier is not critical", { E, E } },
	  .ext = { ALL, EXT_SKI, NOT_CRITICAL,
	      "subjectKeyIdentifier is critical" } },
	{ { "ca-key-usage-present", "RFC 5280 4.2.1.3",
	    "CA certificates have keyUsage", { E, E } },
	  .ext = { CA, EXT_KU, PRESENT, "CA certificate has no keyUsage" } },
	{ { "ca-key-cert-sign", "RFC 5280 4.2.1.3, 4.2.1.9",
	    "CA keyUsage asserts keyCertSign", { E, E } }, chk_ca_cert_sign },
	{ { "ca-key-usage-critical", "RFC 5280 4.2.1.3, BR 7.1.2.10.7",
	    "CA keyUsage is critical", { W, E } },
	  .ext = { CA, EXT_KU, CRITICAL, "CA keyUsage is not critical" } },
	{ { "key-usage-critical", "RFC 5280 4.2.1.3",
	    "keyUsage should be critical", { N, W } },
	  .ext = { LEAF, EXT_KU, CRITICAL, "keyUsage is not critical" } },
	{ { "key-usage-not-empty", "RFC 5280 4.2.1.3",
	    "keyUsage asserts at least one usage", { E, E } },
	  chk_ku_not_empty },
	{ { "cert-sign-needs-ca", "RFC 5280 4.2.1.3",
	    "keyCertSign only with basicConstraints cA TRUE", { E, E } },
	  chk_cert_sign_needs_ca },
	{ { "ca-bc-critical", "RFC 5280 4.2.1.9",
	    "basicConstraints of a CA certificate is critical", { E, E } },
	  .ext = { CA, EXT_BC, CRITICAL,
	      "basicConstraints of a CA certificate is not critical" } },
	{ { "pathlen-needs-ca", "RFC 5280 4.2.1.9",
	    "pathLenConstraint only with cA TRUE and keyCertSign", { E, E } },
	  chk_pathlen },
	{ { "tls-san-present", "BR 7.1.2.7.12",
	    "TLS certificates have a subjectAltName", { W, E } },
	  .ext = { TLS, EXT_SAN, PRESENT,
	      "TLS certificate has no subjectAltName" } },
	{ { "tls-cn-in-san", "BR 7.1.4.3",
	    "the commonName of a TLS certificate is one of its "
	    "subjectAltNames", { W, E } }, chk_cn_in_san },
	{ { "san-not-empty", "RFC 5280 4.2.1.6",
	    "subjectAltName holds at least one name", { E, E } },
	  chk_san_not_empty },
	{ { "san-not-critical", "RFC 5280 4.2.1.6",
	    "subjectAltName is not critical when the subject is not empty",
	    { N, W } }, chk_san_crit },
	{ { "san-dns-syntax", "RFC 5280 4.2.1.6, RFC 1034 3.5",
	    "DNS names are host names (with an optional leading *. label)",
	    { E, E } }, chk_dns_syntax },
	{ { "san-no-internal-names", "BR 7.1.2.7.12",
	    "no internal names (single labels, .local, .internal ...)",
	    { O, E } }, chk_internal_names },
	{ { "san-no-reserved-ip", "BR 7.1.2.7.12",
	    "no reserved IP addresses (private, loopback ...)", { O, E } },
	  chk_reserved_ip },
	{ { "san-uri-scheme", "RFC 5280 4.2.1.6",
	    "URIs are absolute, with a scheme", { E, E } }, chk_san_uri },
	{ { "san-email-syntax", "RFC 5280 4.2.1.6",
	    "e-mail addresses are local@domain", { E, E } }, chk_san_email },
	{ { "tls-eku-server-auth", "BR 7.1.2.7.10",
	    "TLS certificates have extendedKeyUsage with serverAuth",
	    { N, E } }, chk_tls_eku_present },
	{ { "leaf-no-any-eku", "BR 7.1.2.7.10",
	    "end-entity certificates do not assert anyExtendedKeyUsage",
	    { N, E } }, chk_leaf_any_eku },
	{ { "eku-not-empty", "RFC 5280 4.2.1.12",
	    "extendedKeyUsage holds at least one purpose", { E, E } },
	  chk_eku_not_empty },
	{ { "tls-eku-values", "BR 7.1.2.7.10",
	    "TLS certificates assert only serverAuth and clientAuth",
	    { O, E } }, chk_tls_eku_values },
	{ { "name-constraints-critical", "RFC 5280 4.2.1.10",
	    "nameConstraints is critical", { E, W } },
	  .ext = { ALL, EXT_NC, CRITICAL, "nameConstraints is not critical" } },
	{ { "name-constraints-ca-only", "RFC 5280 4.2.1.10",
	    "nameConstraints only in CA certificates", { E, E } }, chk_nc_ca },
	{ { "name-constraints-not-empty", "RFC 5280 4.2.1.10",
	    "nameConstraints has permitted or excluded subtrees", { E, E } },
	  chk_nc_not_empty },
	{ { "policies-no-duplicate", "RFC 5280 4.2.1.4",
	    "a policy appears at most once", { E, E } }, chk_policy_dup },
	{ { "tls-cabf-policy", "BR 7.1.2.7.9",
	    "TLS certificates assert a CA/Browser Forum policy", { O, E } },
	  chk_tls_cabf_policy },
	{ { "aia-not-critical", "RFC 5280 4.2.2.1",
	    "authorityInfoAccess is not critical", { E, E } },
	  .ext = { ALL, EXT_AIA, NOT_CRITICAL,
	      "authorityInfoAccess is critical" } },
	{ { "aia-http", "BR 7.1.2.7.7",
	    "authorityInfoAccess locations are http:// URIs", { O, E } },
	  chk_aia_http },
	{ { "tls-aia-present", "BR 7.1.2.7.7",
	    "TLS certificates have authorityInfoAccess", { O, E } },
	  .ext = { TLS, EXT_AIA, PRESENT, "no authorityInfoAccess" } },
	{ { "crldp-not-critical", "RFC 5280 4.2.1.13",
	    "cRLDistributionPoints should not be critical", { W, W } },
	  .ext = { ALL, EXT_CRLDP, NOT_CRITICAL,
	      "cRLDistributionPoints is critical" } },
	{ { "crldp-http", "BR 7.1.2.11.2",
	    "cRLDistributionPoints has an http:// URI", { N, E } },
	  chk_crldp_http },
};

#undef E
#undef W
#undef N
#undef O

size_t
pkit_lint_rule_count(void)
{
	return sizeof(rows) / sizeof(rows[0]);
}

const struct pkit_lint_rule *
pkit_lint_rule(size_t i)
{
	return i < sizeof(rows) / sizeof(rows[0]) ? &rows[i].rule : NULL;
}

int
pkit_lint_profile_parse(struct pkit_ctx *ctx, const char *s,
    enum pkit_lint_profile *out)
{
	if (s == NULL || strcmp(s, "private") == 0) {
		*out = PKIT_LINT_PRIVATE;
		return PKIT_OK;
	}
	if (strcmp(s, "web") == 0) {
		*out = PKIT_LINT_WEB;
		return PKIT_OK;
	}
	return pkit_seterr(ctx, PKIT_ERR_ARG,
	    "%s: unknown profile (web or private)", s);
}

const char *
pkit_lint_profile_name(enum pkit_lint_profile p)
{
	return p == PKIT_LINT_WEB ? "web" : "private";
}

const char *
pkit_lint_level_name(enum pkit_lint_level l)
{
	switch (l) {
	case PKIT_LINT_ERROR:
		return "error";
	case PKIT_LINT_WARN:
		return "warning";
	case PKIT_LINT_NOTICE:
		return "notice";
	default:
		return "off";
	}
}

/* ---- running --------------------------------------------------------- */

static void
lint_release(struct lint *l)
{
	BASIC_CONSTRAINTS_free(l->bc);
	ASN1_BIT_STRING_free(l->ku);
	EXTENDED_KEY_USAGE_free(l->eku);
	GENERAL_NAMES_free(l->san);
	AUTHORITY_KEYID_free(l->aki);
	ASN1_OCTET_STRING_free(l->ski);
	NAME_CONSTRAINTS_free(l->nc);
	CERTIFICATEPOLICIES_free(l->cp);
	AUTHORITY_INFO_ACCESS_free(l->aia);
	CRL_DIST_POINTS_free(l->crldp);
}

/* Where lint_decode() puts each extension of enum ext. */
static const struct {
	int nid;
	size_t slot;		/* offset of its decoded form in struct lint */
} known_exts[EXT_COUNT] = {
	[EXT_BC] = { NID_basic_constraints, offsetof(struct lint, bc) },
	[EXT_KU] = { NID_key_usage, offsetof(struct lint, ku) },
	[EXT_EKU] = { NID_ext_key_usage, offsetof(struct lint, eku) },
	[EXT_SAN] = { NID_subject_alt_name, offsetof(struct lint, san) },
	[EXT_AKI] = { NID_authority_key_identifier,
	    offsetof(struct lint, aki) },
	[EXT_SKI] = { NID_subject_key_identifier, offsetof(struct lint, ski) },
	[EXT_NC] = { NID_name_constraints, offsetof(struct lint, nc) },
	[EXT_CP] = { NID_certificate_policies, offsetof(struct lint, cp) },
	[EXT_AIA] = { NID_info_access, offsetof(struct lint, aia) },
	[EXT_CRLDP] = { NID_crl_distribution_points,
	    offsetof(struct lint, crldp) },
};

/* Decode the first instance of each extension the rules look at. */
static void
lint_decode(struct lint *l)
{
	const STACK_OF(X509_EXTENSION) *exts = X509_get0_extensions(l->crt);
	int i, x;

	for (i = 0; i < sk_X509_EXTENSION_num(exts); i++) {
		X509_EXTENSION *e = sk_X509_EXTENSION_value(exts, i);
		int nid = OBJ_obj2nid(X509_EXTENSION_get_object(e));
		void **slot;

		for (x = 0; x < EXT_COUNT && known_exts[x].nid != nid; x++)
			;
		if (x == EXT_COUNT || l->has[x])
			continue;
		l->has[x] = 1;
		l->crit[x] = X509_EXTENSION_get_critical(e) > 0;
		slot = (void **)((char *)l + known_exts[x].slot);
		if ((*slot = X509V3_EXT_d2i(e)) == NULL) {
			l->bad_ext = 1;
			OBJ_obj2txt(l->bad_ext_name, sizeof(l->bad_ext_name),
			    X509_EXTENSION_get_object(e), 0);
		}
	}
	ERR_clear_error();
}

static int
cmp_findings(const void *a, const void *b)
{
	const struct pkit_lint_finding *x = a, *y = b;

	if (x->level != y->level)
		return x->level > y->level ? -1 : 1;
	return x->rule < y->rule ? -1 : x->rule > y->rule;
}

int
pkit_x509_lint(struct pkit_ctx *ctx, X509 *crt, X509 *issuer,
    enum pkit_lint_profile profile, struct pkit_lint_report **out)
{
	struct lint l;
	struct pkit_lint_report *rep = NULL;
	size_t i, nrows = sizeof(rows) / sizeof(rows[0]);
	int r = PKIT_ERR_INTERNAL;

	*out = NULL;
	memset(&l, 0, sizeof(l));
	l.ctx = ctx;
	l.crt = crt;
	/* By name only: X509_check_issued() would also drop an issuer whose
	 * key identifier disagrees, which is what a rule checks. */
	if (issuer != NULL && X509_NAME_cmp(X509_get_subject_name(issuer),
	    X509_get_issuer_name(crt)) == 0)
		l.issuer = issuer;
	l.now = pkit_now(ctx);
	l.version = X509_get_version(crt) + 1;
	l.pk = X509_get0_pubkey(crt);
	ERR_clear_error();
	lint_decode(&l);
	l.is_ca = l.bc != NULL && l.bc->ca;
	l.self_issued = X509_NAME_cmp(X509_get_subject_name(crt),
	    X509_get_issuer_name(crt)) == 0;
	l.self_signed = l.self_issued && l.pk != NULL &&
	    X509_verify(crt, l.pk) == 1;
	ERR_clear_error();
	l.tls_leaf = !l.is_ca && (!l.has[EXT_EKU] || (l.eku != NULL &&
	    (eku_has(&l, NID_server_auth) ||
	    eku_has(&l, NID_anyExtendedKeyUsage))));

	if ((rep = calloc(1, sizeof(*rep))) == NULL ||
	    (rep->findings = calloc(nrows, sizeof(*rep->findings))) == NULL) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "lint");
		goto out;
	}
	rep->profile = profile;
	pkit_x509_name_text(X509_get_subject_name(crt), rep->subject,
	    sizeof(rep->subject));
	for (i = 0; i < nrows; i++) {
		enum pkit_lint_level lvl = rows[i].rule.level[profile];
		struct pkit_lint_finding *f = &rep->findings[rep->n];
		int res;

		if (lvl == PKIT_LINT_OFF)
			continue;
		f->message[0] = '\0';
		if (rows[i].fn != NULL)
			res = rows[i].fn(&l, f->message, sizeof(f->message));
		else
			res = chk_ext(&l, &rows[i].ext, f->message,
			    sizeof(f->message));
		ERR_clear_error();
		if (res == NA)
			continue;
		rep->applied++;
		if (res != FAIL)
			continue;
		f->rule = &rows[i].rule;
		f->level = lvl;
		rep->n++;
		if (lvl == PKIT_LINT_ERROR)
			rep->errors++;
		else if (lvl == PKIT_LINT_WARN)
			rep->warnings++;
		else
			rep->notices++;
	}
	qsort(rep->findings, rep->n, sizeof(*rep->findings), cmp_findings);
	*out = rep;
	rep = NULL;
	r = PKIT_OK;
out:
	pkit_lint_report_free(rep);
	lint_release(&l);
	return r;
}

void
pkit_lint_report_free(struct pkit_lint_report *r)
{
	if (r == NULL)
		return;
	free(r->findings);
	free(r);
}

static int
close_mem(struct pkit_ctx *ctx, FILE *fp, char **buf, char **out)
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

int
pkit_lint_report_text(struct pkit_ctx *ctx, const struct pkit_lint_report *r,
    const char *name, char **out)
{
	char *buf = NULL;
	size_t size = 0, i;
	FILE *fp;

	*out = NULL;
	if ((fp = open_memstream(&buf, &size)) == NULL)
		return pkit_seterr_sys(ctx, "formatting output");
	for (i = 0; i < r->n; i++) {
		const struct pkit_lint_finding *f = &r->findings[i];

		fprintf(fp, "%s: %s: %s: %s [%s]\n", name,
		    pkit_lint_level_name(f->level), f->rule->id, f->message,
		    f->rule->source);
	}
	fprintf(fp, "%s: %zu error%s, %zu warning%s, %zu notice%s (%zu rules "
	    "applied, %s profile)\n", name, r->errors,
	    r->errors == 1 ? "" : "s", r->warnings,
	    r->warnings == 1 ? "" : "s", r->notices,
	    r->notices == 1 ? "" : "s", r->applied,
	    pkit_lint_profile_name(r->profile));
	return close_mem(ctx, fp, &buf, out);
}

static int
dump(struct pkit_ctx *ctx, json_t *root, int oom, char **out)
{
	char *s;

	if (root == NULL || oom) {
		json_decref(root);
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "building JSON");
	}
	s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (s == NULL || (*out = malloc(strlen(s) + 2)) == NULL) {
		free(s);
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "building JSON");
	}
	snprintf(*out, strlen(s) + 2, "%s\n", s);
	free(s);
	return PKIT_OK;
}

static void
jput(json_t *o, const char *k, json_t *v, int *oom)
{
	if (v == NULL || o == NULL || json_object_set_new(o, k, v) != 0)
		*oom = 1;
}

int
pkit_lint_report_json(struct pkit_ctx *ctx, const struct pkit_lint_report *r,
    const char *name, char **out)
{
	json_t *root = json_object(), *arr = json_array();
	int oom = 0;
	size_t i;

	*out = NULL;
	jput(root, "file", json_string(name), &oom);
	jput(root, "subject", json_string(r->subject), &oom);
	jput(root, "profile", json_string(pkit_lint_profile_name(r->profile)),
	    &oom);
	jput(root, "rules_applied", json_integer((json_int_t)r->applied), &oom);
	jput(root, "errors", json_integer((json_int_t)r->errors), &oom);
	jput(root, "warnings", json_integer((json_int_t)r->warnings), &oom);
	jput(root, "notices", json_integer((json_int_t)r->notices), &oom);
	for (i = 0; i < r->n; i++) {
		const struct pkit_lint_finding *f = &r->findings[i];
		json_t *o = json_object();

		jput(o, "id", json_string(f->rule->id), &oom);
		jput(o, "severity", json_string(pkit_lint_level_name(f->level)),
		    &oom);
		jput(o, "source", json_string(f->rule->source), &oom);
		jput(o, "message", json_string(f->message), &oom);
		if (o == NULL || json_array_append_new(arr, o) != 0)
			oom = 1;
	}
	jput(root, "findings", arr, &oom);
	return dump(ctx, root, oom, out);
}

int
pkit_lint_rules_render(struct pkit_ctx *ctx, int json, char **out)
{
	size_t i, n = sizeof(rows) / sizeof(rows[0]);
	char *buf = NULL;
	size_t size = 0;
	FILE *fp;

	*out = NULL;
	if (json) {
		json_t *arr = json_array();
		int oom = 0;

		for (i = 0; i < n; i++) {
			const struct pkit_lint_rule *ru = &rows[i].rule;
			json_t *o = json_object();

			jput(o, "id", json_string(ru->id), &oom);
			jput(o, "source", json_string(ru->source), &oom);
			jput(o, "summary", json_string(ru->summary), &oom);
			jput(o, "private", json_string(pkit_lint_level_name(
			    ru->level[PKIT_LINT_PRIVATE])), &oom);
			jput(o, "web", json_string(pkit_lint_level_name(
			    ru->level[PKIT_LINT_WEB])), &oom);
			if (o == NULL || json_array_append_new(arr, o) != 0)
				oom = 1;
		}
		return dump(ctx, arr, oom, out);
	}
	if ((fp = open_memstream(&buf, &size)) == NULL)
		return pkit_seterr_sys(ctx, "formatting output");
	fprintf(fp, "%-28s %-8s %-8s %s\n", "RULE", "PRIVATE", "WEB",
	    "REQUIREMENT [SOURCE]");
	for (i = 0; i < n; i++) {
		const struct pkit_lint_rule *ru = &rows[i].rule;

		fprintf(fp, "%-28s %-8s %-8s %s [%s]\n", ru->id,
		    pkit_lint_level_name(ru->level[PKIT_LINT_PRIVATE]),
		    pkit_lint_level_name(ru->level[PKIT_LINT_WEB]), ru->summary,
		    ru->source);
	}
	return close_mem(ctx, fp, &buf, out);
}

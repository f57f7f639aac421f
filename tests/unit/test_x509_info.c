/* test_x509_info.c - telling inputs apart, and the long text, short text
 * and JSON of certificates and CSRs built here with OpenSSL. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <openssl/conf.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "lib/x509.h"
#include "lib/x509_info.h"

/* A step provisioner extension: type 1 (JWK), name "admin", credential
 * "id123", key-value pairs k=v. */
#define STEP_PROV "1.3.6.1.4.1.37476.9000.64.1=DER:" \
	"3019020101040561646d696e0405696431323330060c016b0c0176"
/* One SCT from log 00..1f at 1.337 s after the epoch. */
#define SCT_LIST "1.3.6.1.4.1.11129.2.4.2=DER:043B00390037000001020304050607" \
	"08090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F000000000000053900" \
	"00040300083006020101020102"

static EVP_PKEY *key;
static X509 *crt;	/* self-signed, with every extension below */
static CONF *conf;	/* empty; certificatePolicies wants one */

static const char *const exts[] = {
	"basicConstraints=critical,CA:TRUE,pathlen:3",
	"keyUsage=critical,digitalSignature,keyCertSign,cRLSign",
	"extendedKeyUsage=serverAuth,codeSigning,1.2.3.4",
	"subjectKeyIdentifier=hash",
	"authorityKeyIdentifier=keyid:always",
	"subjectAltName=DNS:a.example.com,DNS:b.example.com,IP:10.0.0.1,"
	    "IP:2001:db8::5,email:x@example.com,URI:https://example.com/x,"
	    "RID:1.2.3.4.5",
	"nameConstraints=critical,permitted;DNS:example.com,"
	    "permitted;IP:10.0.0.0/255.255.0.0,excluded;email:bad.example.com",
	"certificatePolicies=2.23.140.1.2.1,1.3.6.1.4.1.1.2",
	"crlDistributionPoints=URI:http://crl.example.com/a.crl",
	"authorityInfoAccess=OCSP;URI:http://ocsp.example.com,"
	    "caIssuers;URI:http://ca.example.com/ca.crt",
	STEP_PROV,
	SCT_LIST,
	"1.2.3.4.5.6=DER:0c0568656c6c6f",
	NULL
};

static X509 *
make_cert(EVP_PKEY *k, const char *const *ext)
{
	X509 *x = X509_new();
	X509_NAME *n = X509_NAME_new();
	X509V3_CTX v3;
	int i;

	assert_non_null(x);
	assert_true(X509_set_version(x, 2));
	assert_true(ASN1_INTEGER_set(X509_get_serialNumber(x), 0x1234567));
	assert_true(X509_NAME_add_entry_by_txt(n, "O", MBSTRING_UTF8,
	    (const unsigned char *)"Test", -1, -1, 0));
	assert_true(X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
	    (const unsigned char *)"a.example.com", -1, -1, 0));
	assert_true(X509_NAME_add_entry_by_txt(n, "2.5.4.42", MBSTRING_UTF8,
	    (const unsigned char *)"Ann", -1, -1, 0));
	assert_true(X509_set_subject_name(x, n));
	assert_true(X509_set_issuer_name(x, n));
	X509_NAME_free(n);
	assert_true(ASN1_TIME_set_string(X509_getm_notBefore(x),
	    "260102030405Z"));
	assert_true(ASN1_TIME_set_string(X509_getm_notAfter(x),
	    "20510102030405Z"));
	assert_true(X509_set_pubkey(x, k));
	X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
	X509V3_set_nconf(&v3, conf);
	for (i = 0; ext != NULL && ext[i] != NULL; i++) {
		const char *eq = strchr(ext[i], '=');
		char nm[64];
		X509_EXTENSION *e;

		snprintf(nm, sizeof(nm), "%.*s", (int)(eq - ext[i]), ext[i]);
		if ((e = X509V3_EXT_nconf(NULL, &v3, nm, eq + 1)) == NULL)
			fail_msg("bad extension %s", ext[i]);
		assert_true(X509_add_ext(x, e, -1));
		X509_EXTENSION_free(e);
	}
	assert_true(X509_sign(x, k, EVP_PKEY_is_a(k, "ED25519") ? NULL :
	    EVP_sha256()));
	return x;
}

static int
setup(void **state)
{
	(void)state;
	conf = NCONF_new(NULL);
	key = EVP_EC_gen("P-256");
	crt = make_cert(key, exts);
	return key != NULL && crt != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	X509_free(crt);
	EVP_PKEY_free(key);
	NCONF_free(conf);
	return 0;
}

static unsigned char *
encode(X509 *x, int der, size_t *len)
{
	struct pkit_ctx ctx;
	unsigned char *p = NULL;

	pkit_ctx_init(&ctx);
	assert_int_equal(pkit_x509_encode(&ctx, x, der ? PKIT_KEY_DER :
	    PKIT_KEY_PEM, &p, len), PKIT_OK);
	return p;
}

static X509_REQ *
make_csr(void)
{
	X509_REQ *r = X509_REQ_new();
	STACK_OF(X509_EXTENSION) *sk = sk_X509_EXTENSION_new_null();
	X509V3_CTX v3;
	X509_EXTENSION *e;

	assert_non_null(r);
	assert_true(X509_REQ_set_subject_name(r, X509_get_subject_name(crt)));
	assert_true(X509_REQ_set_pubkey(r, key));
	X509V3_set_ctx(&v3, NULL, NULL, r, NULL, 0);
	e = X509V3_EXT_nconf(NULL, &v3, "subjectAltName",
	    "DNS:api.example.com,email:ops@example.com");
	assert_non_null(e);
	sk_X509_EXTENSION_push(sk, e);
	e = X509V3_EXT_nconf(NULL, &v3, "keyUsage", "critical,digitalSignature");
	sk_X509_EXTENSION_push(sk, e);
	assert_true(X509_REQ_add_extensions(r, sk));
	sk_X509_EXTENSION_pop_free(sk, X509_EXTENSION_free);
	assert_true(X509_REQ_add1_attr_by_NID(r, NID_pkcs9_challengePassword,
	    MBSTRING_UTF8, (const unsigned char *)"sesame", -1));
	assert_true(X509_REQ_sign(r, key, EVP_sha256()));
	return r;
}

/* ---- telling inputs apart -------------------------------------------- */

static void
test_input_parse(void **state)
{
	struct pkit_ctx ctx;
	struct pkit_x509_input in;
	unsigned char *pem, *der, buf[4096];
	size_t plen, dlen;
	X509_REQ *req = make_csr();
	unsigned char *rder = NULL;
	int rlen;

	(void)state;
	pkit_ctx_init(&ctx);
	pem = encode(crt, 0, &plen);
	der = encode(crt, 1, &dlen);

	/* Two PEM certificates with text around them. */
	assert_true(2 * plen + 20 < sizeof(buf));
	snprintf((char *)buf, sizeof(buf), "hello\n%s%s", pem, pem);
	assert_int_equal(pkit_x509_input_parse(&ctx, buf, strlen((char *)buf),
	    "two.pem", NULL, &in), PKIT_OK);
	assert_int_equal(sk_X509_num(in.certs), 2);
	assert_null(in.csr);
	pkit_x509_input_release(&in);

	assert_int_equal(pkit_x509_input_parse(&ctx, der, dlen, "one.der", NULL,
	    &in), PKIT_OK);
	assert_int_equal(sk_X509_num(in.certs), 1);
	pkit_x509_input_release(&in);

	/* CSRs, PEM and DER. */
	rlen = i2d_X509_REQ(req, &rder);
	assert_true(rlen > 0);
	assert_int_equal(pkit_x509_input_parse(&ctx, rder, (size_t)rlen,
	    "req.der", NULL, &in), PKIT_OK);
	assert_non_null(in.csr);
	assert_null(in.certs);
	pkit_x509_input_release(&in);
	{
		BIO *b = BIO_new(BIO_s_mem());
		char *p;
		long n;

		assert_true(PEM_write_bio_X509_REQ(b, req));
		n = BIO_get_mem_data(b, &p);
		assert_int_equal(pkit_x509_input_parse(&ctx, (unsigned char *)p,
		    (size_t)n, "req.pem", NULL, &in), PKIT_OK);
		assert_non_null(in.csr);
		pkit_x509_input_release(&in);
		BIO_free(b);
	}

	/* Garbage, empty, truncated: PKIT_ERR_FORMAT naming the input. */
	assert_int_equal(pkit_x509_input_parse(&ctx, (const unsigned char *)
	    "junk", 4, "junk.bin", NULL, &in), PKIT_ERR_FORMAT);
	assert_non_null(strstr(ctx.errbuf, "junk.bin"));
	assert_null(in.certs);
	assert_int_equal(pkit_x509_input_parse(&ctx, der, 0, "empty", NULL, &in),
	    PKIT_ERR_FORMAT);
	assert_int_equal(pkit_x509_input_parse(&ctx, der, dlen / 2, "half.der",
	    NULL, &in), PKIT_ERR_FORMAT);
	assert_non_null(strstr(ctx.errbuf, "half.der"));
	memcpy(buf, pem, plen);
	buf[40] = buf[40] == 'A' ? 'B' : 'A';
	buf[41] = '!';
	assert_int_equal(pkit_x509_input_parse(&ctx, buf, plen, "bad.pem", NULL,
	    &in), PKIT_ERR_FORMAT);
	pkit_x509_input_release(&in);
	pkit_x509_input_release(NULL);

	OPENSSL_free(rder);
	X509_REQ_free(req);
	free(pem);
	free(der);
}

/* ---- helpers --------------------------------------------------------- */

static void
test_names_and_times(void **state)
{
	char buf[256];
	X509_NAME *n = X509_NAME_new();
	ASN1_TIME *t = ASN1_TIME_new();
	long long e;

	(void)state;
	pkit_x509_name_text(X509_get_subject_name(crt), buf, sizeof(buf));
	assert_string_equal(buf, "O=Test,CN=a.example.com,2.5.4.42=Ann");
	pkit_x509_name_cn(X509_get_subject_name(crt), buf, sizeof(buf));
	assert_string_equal(buf, "a.example.com");
	pkit_x509_name_text(n, buf, sizeof(buf));
	assert_string_equal(buf, "");
	pkit_x509_name_cn(n, buf, sizeof(buf));
	assert_string_equal(buf, "");
	X509_NAME_free(n);

	assert_true(ASN1_TIME_set_string(t, "20500101000000Z"));
	assert_int_equal(pkit_asn1_time_rfc3339(t, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "2050-01-01T00:00:00Z");
	assert_int_equal(pkit_asn1_time_epoch(t, &e), 0);
	assert_true(e == 2524608000LL);
	assert_true(ASN1_TIME_set_string(t, "700101000001Z"));
	assert_int_equal(pkit_asn1_time_epoch(t, &e), 0);
	assert_true(e == 1);
	ASN1_TIME_free(t);
}

static void
test_sigalg_names(void **state)
{
	static const struct { int nid; const char *want; } v[] = {
		{ NID_sha256WithRSAEncryption, "SHA256-RSA" },
		{ NID_sha1WithRSAEncryption, "SHA1-RSA" },
		{ NID_md5WithRSAEncryption, "MD5-RSA" },
		{ NID_ecdsa_with_SHA384, "ECDSA-SHA384" },
		{ NID_ED25519, "Ed25519" },
		{ NID_dsa_with_SHA256, "DSA-SHA256" },
		{ NID_rsassaPss, "SHA1-RSAPSS" },	/* no parameters: SHA-1 */
	};
	X509_ALGOR *a = X509_ALGOR_new();
	char buf[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_true(X509_ALGOR_set0(a, OBJ_nid2obj(v[i].nid),
		    V_ASN1_UNDEF, NULL));
		pkit_x509_sigalg_name(a, buf, sizeof(buf));
		assert_string_equal(buf, v[i].want);
	}
	assert_true(X509_ALGOR_set0(a, OBJ_txt2obj("1.2.3.4.99", 1),
	    V_ASN1_UNDEF, NULL));
	pkit_x509_sigalg_name(a, buf, sizeof(buf));
	assert_string_equal(buf, "1.2.3.4.99");
	X509_ALGOR_free(a);
}

/* ---- the long text --------------------------------------------------- */

static void
want_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *p = text;

	while ((p = strstr(p, line)) != NULL) {
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return;
		p++;
	}
	fail_msg("missing line [%s] in:\n%s", line, text);
}

static void
test_text(void **state)
{
	struct pkit_ctx ctx;
	char *s, *s2;

	(void)state;
	pkit_ctx_init(&ctx);
	assert_int_equal(pkit_x509_info_text(&ctx, crt, &s), PKIT_OK);
	assert_true(strncmp(s, "Certificate:\n    Data:\n"
	    "        Version: 3 (0x2)\n"
	    "        Serial Number: 19088743 (0x01234567)\n"
	    "    Signature Algorithm: ECDSA-SHA256\n"
	    "        Issuer: O=Test,CN=a.example.com,2.5.4.42=Ann\n"
	    "        Validity\n"
	    "            Not Before: Jan 2 03:04:05 2026 UTC\n"
	    "            Not After : Jan 2 03:04:05 2051 UTC\n", 287) == 0);
	want_line(s, "            X509v3 Basic Constraints: critical");
	want_line(s, "                CA:TRUE, pathlen:3");
	want_line(s, "                Digital Signature, Certificate Sign, "
	    "CRL Sign");
	want_line(s, "                Server Authentication, Code Signing, "
	    "1.2.3.4");
	want_line(s, "                DNS:a.example.com, DNS:b.example.com");
	want_line(s, "                email:x@example.com");
	want_line(s, "                IP Address:10.0.0.1, IP Address:2001:db8::5");
	want_line(s, "                URI:https://example.com/x");
	want_line(s, "                Registered ID:1.2.3.4.5");
	want_line(s, "            X509v3 Name Constraints: critical");
	want_line(s, "                Permitted:");
	want_line(s, "                  DNS: example.com");
	want_line(s, "                  IP Range: 10.0.0.0/16");
	want_line(s, "                Excluded:");
	want_line(s, "                  Email: bad.example.com");
	want_line(s, "                Policy: 2.23.140.1.2.1");
	want_line(s, "                Policy: 1.3.6.1.4.1.1.2");
	want_line(s, "                Full Name:");
	want_line(s, "                  URI:http://crl.example.com/a.crl");
	want_line(s, "                OCSP - URI:http://ocsp.example.com");
	want_line(s, "                CA Issuers - URI:http://ca.example.com/ca.crt");
	want_line(s, "            X509v3 Step Provisioner:");
	want_line(s, "                Type: JWK");
	want_line(s, "                Name: admin");
	want_line(s, "                CredentialID: id123");
	want_line(s, "                k: v");
	want_line(s, "            RFC6962 Certificate Transparency SCT:");
	want_line(s, "                SCT [0]:");
	want_line(s, "                    Version: V1 (0x0)");
	want_line(s, "                    LogID: "
	    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
	want_line(s, "                    Timestamp: Jan 1 00:00:01.337 1970 UTC");
	want_line(s, "                    Signature Algorithm: SHA256-ECDSA");
	want_line(s, "                      30:06:02:01:01:02:01:02");
	/* An unknown extension: its OID, printable bytes and hex. */
	want_line(s, "            1.2.3.4.5.6:");
	want_line(s, "                ..hello");
	want_line(s, "                0c:05:68:65:6c:6c:6f");
	/* Deterministic. */
	assert_int_equal(pkit_x509_info_text(&ctx, crt, &s2), PKIT_OK);
	assert_string_equal(s, s2);
	free(s);
	free(s2);
}

static void
test_short(void **state)
{
	struct pkit_ctx ctx;
	EVP_PKEY *ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	const char *const none[] = { NULL };
	X509 *bare;
	X509_NAME *empty = X509_NAME_new();
	char *s;

	(void)state;
	pkit_ctx_init(&ctx);
	assert_int_equal(pkit_x509_info_short(&ctx, crt, &s), PKIT_OK);
	assert_string_equal(s,
	    "X.509v3 Root CA Certificate (ECDSA P-256) [Serial: 19088743]\n"
	    "  Subject:     a.example.com\n"
	    "               b.example.com\n"
	    "               10.0.0.1\n"
	    "               2001:db8::5\n"
	    "               x@example.com\n"
	    "               https://example.com/x\n"
	    "  Issuer:      a.example.com\n"
	    "  Provisioner: admin [ID: id123]\n"
	    "  Valid from:  2026-01-02T03:04:05Z\n"
	    "          to:  2051-01-02T03:04:05Z\n");
	free(s);

	/* No subject, no SANs, not a CA: step's "Subject: " line. */
	assert_non_null(ed);
	bare = make_cert(ed, none);
	assert_true(X509_set_subject_name(bare, empty));
	assert_true(X509_sign(bare, ed, NULL));
	assert_int_equal(pkit_x509_info_short(&ctx, bare, &s), PKIT_OK);
	assert_non_null(strstr(s, "X.509v3 TLS Certificate (Ed25519 256) "
	    "[Serial: 19088743]\n  Subject: \n  Issuer:      a.example.com\n"));
	free(s);
	assert_int_equal(pkit_x509_info_text(&ctx, bare, &s), PKIT_OK);
	want_line(s, "        Subject:");
	want_line(s, "            Public Key Algorithm: Ed25519");
	want_line(s, "                Public-Key: (256 bit)");
	want_line(s, "    Signature Algorithm: Ed25519");
	free(s);
	X509_NAME_free(empty);
	X509_free(bare);
	EVP_PKEY_free(ed);
}

static void
test_csr(void **state)
{
	struct pkit_ctx ctx;
	struct pkit_x509_input in = { 0 };
	char *s;

	(void)state;
	pkit_ctx_init(&ctx);
	in.csr = make_csr();
	assert_int_equal(pkit_x509_info_render(&ctx, &in, PKIT_X509_TEXT, 0,
	    &s), PKIT_OK);
	want_line(s, "Certificate Request:");
	want_line(s, "        Version: 0 (0x0)");
	want_line(s, "        Requested Extensions:");
	want_line(s, "                DNS:api.example.com");
	want_line(s, "                email:ops@example.com");
	want_line(s, "            X509v3 Key Usage: critical");
	want_line(s, "        Attributes:");
	want_line(s, "            challengePassword:");
	want_line(s, "                sesame");
	free(s);
	assert_int_equal(pkit_x509_info_render(&ctx, &in, PKIT_X509_SHORT, 0,
	    &s), PKIT_OK);
	assert_string_equal(s, "X.509v3 Certificate Signing Request "
	    "(ECDSA P-256)\n  Subject:     a.example.com\n"
	    "               api.example.com\n               ops@example.com\n");
	free(s);
	assert_int_equal(pkit_x509_info_render(&ctx, &in, PKIT_X509_JSON, 0,
	    &s), PKIT_OK);
	assert_non_null(strstr(s, "\"valid\": true"));
	assert_non_null(strstr(s, "\"dns_names\": [\n        \"api.example.com\""));
	free(s);
	pkit_x509_input_release(&in);
}

/* ---- JSON ------------------------------------------------------------ */

static void
test_json(void **state)
{
	static const char *const order[] = {
		"version", "serial_number", "signature_algorithm", "issuer",
		"issuer_dn", "validity", "subject", "subject_dn",
		"subject_key_info", "extensions", "unknown_extensions",
		"signature", "fingerprint_md5", "fingerprint_sha1",
		"fingerprint_sha256", "tbs_noct_fingerprint",
		"spki_subject_fingerprint", "tbs_fingerprint",
		"validation_level", "names", "redacted", "pem",
	};
	struct pkit_ctx ctx;
	struct pkit_x509_input in = { 0 };
	json_t *root, *e;
	json_error_t jerr;
	const char *k;
	void *it;
	char *s;
	size_t i = 0;

	(void)state;
	pkit_ctx_init(&ctx);
	in.certs = sk_X509_new_null();
	X509_up_ref(crt);
	sk_X509_push(in.certs, crt);
	assert_int_equal(pkit_x509_info_render(&ctx, &in, PKIT_X509_JSON,
	    PKIT_X509_INFO_WITH_PEM, &s), PKIT_OK);
	assert_non_null(root = json_loads(s, 0, &jerr));
	for (it = json_object_iter(root); it != NULL;
	    it = json_object_iter_next(root, it), i++) {
		k = json_object_iter_key(it);
		assert_true(i < sizeof(order) / sizeof(order[0]));
		assert_string_equal(k, order[i]);
	}
	assert_int_equal(i, sizeof(order) / sizeof(order[0]));
	assert_string_equal(json_string_value(json_object_get(root,
	    "serial_number")), "19088743");
	assert_string_equal(json_string_value(json_object_get(root,
	    "issuer_dn")), "O=Test, CN=a.example.com, GN=Ann");
	assert_string_equal(json_string_value(json_object_get(root,
	    "validation_level")), "DV");
	e = json_object_get(root, "extensions");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(e,
	    "key_usage"), "value")), 1 | 32 | 64);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(e,
	    "basic_constraints"), "max_path_len")), 3);
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    e, "step_provisioner"), "type")), "JWK");
	assert_int_equal(json_array_size(json_object_get(e,
	    "signed_certificate_timestamps")), 1);
	assert_string_equal(json_string_value(json_array_get(json_object_get(
	    json_object_get(e, "extended_key_usage"), "unknown"), 0)), "1.2.3.4");
	assert_true(json_is_true(json_object_get(json_object_get(root,
	    "signature"), "self_signed")));
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    json_object_get(root, "unknown_extensions"), 0), "id")),
	    "1.2.3.4.5.6");
	/* The SCT list is left out of tbs_noct_fingerprint. */
	assert_string_not_equal(json_string_value(json_object_get(root,
	    "tbs_noct_fingerprint")), json_string_value(json_object_get(root,
	    "tbs_fingerprint")));
	assert_non_null(strstr(json_string_value(json_object_get(root, "pem")),
	    "-----BEGIN CERTIFICATE-----\n"));
	json_decref(root);
	free(s);

	/* A bundle of two is an array; PEM renders both. */
	X509_up_ref(crt);
	sk_X509_push(in.certs, crt);
	assert_int_equal(pkit_x509_info_render(&ctx, &in, PKIT_X509_JSON,
	    PKIT_X509_INFO_BUNDLE, &s), PKIT_OK);
	assert_non_null(root = json_loads(s, 0, &jerr));
	assert_true(json_is_array(root) && json_array_size(root) == 2);
	json_decref(root);
	free(s);
	assert_int_equal(pkit_x509_info_render(&ctx, &in, PKIT_X509_PEM, 0, &s),
	    PKIT_OK);
	assert_null(strstr(strstr(s, "END") + 1, "BEGIN"));
	free(s);
	assert_int_equal(pkit_x509_info_render(&ctx, &in, PKIT_X509_PEM,
	    PKIT_X509_INFO_BUNDLE, &s), PKIT_OK);
	assert_non_null(strstr(strstr(s, "END") + 1, "BEGIN"));
	free(s);
	pkit_x509_input_release(&in);
	assert_int_equal(pkit_x509_info_render(&ctx, &in, PKIT_X509_TEXT, 0,
	    &s), PKIT_ERR_ARG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_input_parse),
		cmocka_unit_test(test_names_and_times),
		cmocka_unit_test(test_sigalg_names),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_short),
		cmocka_unit_test(test_csr),
		cmocka_unit_test(test_json),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

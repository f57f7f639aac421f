/* test_x509_build.c - certificates and CSRs from templates: profiles,
 * extensions, SANs, key identifiers, errors in templates, CSR signatures
 * and issuer checks. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/x509v3.h>

#include "lib/key.h"
#include "lib/template.h"
#include "lib/x509_build.h"

static struct pkit_ctx ctx;
static EVP_PKEY *ec_key, *rsa_key, *ed_key;

static int
setup(void **state)
{
	struct pkit_keyspec ec = { "EC", "P-384", 0, 0 };
	struct pkit_keyspec rsa = { "RSA", NULL, 2048, 0 };
	struct pkit_keyspec ed = { "OKP", "Ed25519", 0, 0 };

	(void)state;
	pkit_ctx_init(&ctx);
	if (pkit_key_generate(&ctx, &ec, &ec_key) != 0 ||
	    pkit_key_generate(&ctx, &rsa, &rsa_key) != 0 ||
	    pkit_key_generate(&ctx, &ed, &ed_key) != 0)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	EVP_PKEY_free(ec_key);
	EVP_PKEY_free(rsa_key);
	EVP_PKEY_free(ed_key);
	pkit_ctx_release(&ctx);
	return 0;
}

static void
test_san_detect(void **state)
{
	static const struct {
		const char *in;
		enum pkit_san_type type;
		int name;
	} cases[] = {
		{ "www.example.com", PKIT_SAN_DNS, 1 },
		{ "*.example.com", PKIT_SAN_DNS, 1 },
		{ "localhost", PKIT_SAN_DNS, 1 },
		{ "_srv.example.com.", PKIT_SAN_DNS, 1 },
		{ "192.0.2.1", PKIT_SAN_IP, 1 },
		{ "2001:db8::1", PKIT_SAN_IP, 1 },
		{ "::ffff:192.0.2.1", PKIT_SAN_IP, 1 },
		{ "jane@example.com", PKIT_SAN_EMAIL, 1 },
		{ "spiffe://example.org/ns/x", PKIT_SAN_URI, 1 },
		{ "mailto:jane@example.com", PKIT_SAN_URI, 1 },
		{ "user@host:22", PKIT_SAN_EMAIL, 1 },
		{ "Example Root", PKIT_SAN_DNS, 0 },
		{ "a..b", PKIT_SAN_DNS, 0 },
		{ "", PKIT_SAN_DNS, 0 },
		{ "caf\xc3\xa9.example", PKIT_SAN_DNS, 0 },
		{ "1.2.3.256", PKIT_SAN_DNS, 1 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (pkit_san_detect(cases[i].in) != cases[i].type)
			fail_msg("'%s': type %d", cases[i].in,
			    pkit_san_detect(cases[i].in));
		if (pkit_san_is_name(cases[i].in) != cases[i].name)
			fail_msg("'%s': is_name %d", cases[i].in,
			    pkit_san_is_name(cases[i].in));
	}
}

static void
test_sans_json(void **state)
{
	const char *sans[] = { "uri:x", "a@b.c", "192.0.2.1", "b.example",
	    "a.example" };
	const char *bad[] = { "not a name" };
	json_t *j = NULL;
	char *s;

	(void)state;
	assert_int_equal(pkit_x509_sans_json(&ctx, sans, 5, &j), 0);
	s = json_dumps(j, JSON_COMPACT);
	assert_string_equal(s, "[{\"type\":\"dns\",\"value\":\"b.example\"},"
	    "{\"type\":\"dns\",\"value\":\"a.example\"},"
	    "{\"type\":\"ip\",\"value\":\"192.0.2.1\"},"
	    "{\"type\":\"email\",\"value\":\"a@b.c\"},"
	    "{\"type\":\"uri\",\"value\":\"uri:x\"}]");
	free(s);
	json_decref(j);
	assert_int_equal(pkit_x509_sans_json(&ctx, bad, 1, &j), PKIT_ERR_ARG);
	assert_non_null(strstr(ctx.errbuf, "not a valid DNS name"));
}

/* Render text with create data for cn/sans/pub, then issue. */
static int
make(const char *text, const char *cn, const char **sans, size_t n,
    EVP_PKEY *pub, X509 *issuer, EVP_PKEY *key, X509 **out)
{
	struct pkit_x509_issue in = { 0 };
	json_t *data = NULL, *tj = NULL;
	int r;

	*out = NULL;
	if ((r = pkit_x509_create_data(&ctx, cn, sans, n, pub, NULL,
	    &data)) != 0)
		return r;
	r = pkit_x509_render(&ctx, text, strlen(text), "t", data, &tj);
	json_decref(data);
	if (r != 0)
		return r;
	in.tmpl = tj;
	in.tmpl_name = "t";
	in.pub = pub;
	in.issuer = issuer;
	in.key = key;
	in.not_before = 1767225600;	/* 2026-01-01 */
	in.not_after = in.not_before + PKIT_X509_LEAF_VALIDITY;
	r = pkit_x509_issue(&ctx, &in, out);
	json_decref(tj);
	return r;
}

static int
ext_critical(X509 *x, int nid)
{
	int i = X509_get_ext_by_NID(x, nid, -1);

	return i < 0 ? -1 : X509_EXTENSION_get_critical(X509_get_ext(x, i));
}

static void
test_profiles(void **state)
{
	const char *sans[] = { "www.example.com", "192.0.2.1" };
	X509 *root = NULL, *inter = NULL, *leaf = NULL, *rleaf = NULL;
	const ASN1_OCTET_STRING *rski, *iski, *iaki;
	const BIGNUM *bn;
	BIGNUM *sbn;
	STACK_OF(X509) *chain;
	X509_STORE *store;
	X509_STORE_CTX *sctx;

	(void)state;
	assert_int_equal(make(pkit_x509_tmpl_root, "Root", NULL, 0, ec_key,
	    NULL,
	    ec_key, &root), 0);
	assert_int_equal(make(pkit_x509_tmpl_intermediate, "Int", NULL, 0,
	    ed_key, root, ec_key, &inter), 0);
	assert_int_equal(make(pkit_x509_tmpl_leaf, "www.example.com", sans, 2,
	    rsa_key, inter, ed_key, &leaf), 0);
	assert_int_equal(make(pkit_x509_tmpl_leaf, "rsa", NULL, 0, ec_key, NULL,
	    ec_key, &rleaf), 0);

	/* root: CA pathlen 1, KU and BC critical, SKI, no AKI; P-384 signs
	 * with SHA-384. */
	assert_int_equal(X509_get_pathlen(root), 1);
	assert_true(X509_get_extension_flags(root) & EXFLAG_CA);
	assert_int_equal(X509_get_key_usage(root),
	    KU_KEY_CERT_SIGN | KU_CRL_SIGN);
	assert_int_equal(ext_critical(root, NID_key_usage), 1);
	assert_int_equal(ext_critical(root, NID_basic_constraints), 1);
	assert_int_equal(ext_critical(root, NID_subject_key_identifier), 0);
	assert_int_equal(ext_critical(root, NID_authority_key_identifier), -1);
	assert_int_equal(X509_get_signature_nid(root), NID_ecdsa_with_SHA384);
	assert_int_equal(X509_NAME_cmp(X509_get_subject_name(root),
	    X509_get_issuer_name(root)), 0);
	/* the SKI is SHA-1 of the public key */
	rski = X509_get0_subject_key_id(root);
	assert_non_null(rski);
	assert_int_equal(ASN1_STRING_length(rski), 20);

	/* intermediate: pathlen 0, AKI = root SKI, signed by root */
	assert_int_equal(X509_get_pathlen(inter), 0);
	iaki = X509_get0_authority_key_id(inter);
	assert_non_null(iaki);
	assert_int_equal(ASN1_OCTET_STRING_cmp(iaki, rski), 0);
	assert_int_equal(X509_verify(inter, ec_key), 1);

	/* leaf: RSA gets keyEncipherment, EKU server+client, SANs, not a CA;
	 * Ed25519 issuer signs with Ed25519 */
	iski = X509_get0_subject_key_id(inter);
	assert_int_equal(ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(leaf),
	    iski), 0);
	assert_int_equal(X509_get_key_usage(leaf),
	    KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT);
	assert_int_equal(X509_get_extended_key_usage(leaf),
	    XKU_SSL_SERVER | XKU_SSL_CLIENT);
	assert_false(X509_get_extension_flags(leaf) & EXFLAG_CA);
	assert_int_equal(ext_critical(leaf, NID_basic_constraints), -1);
	assert_int_equal(ext_critical(leaf, NID_subject_alt_name), 0);
	assert_int_equal(X509_check_host(leaf, "www.example.com", 0, 0, NULL),
	    1);
	assert_int_equal(X509_check_ip_asc(leaf, "192.0.2.1", 0), 1);
	assert_int_equal(X509_get_signature_nid(leaf), NID_ED25519);
	assert_int_equal(X509_get_key_usage(rleaf), KU_DIGITAL_SIGNATURE);

	/* serial: positive, at most 128 bits, at least 64 */
	sbn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(leaf), NULL);
	bn = sbn;
	assert_false(BN_is_negative(bn));
	assert_true(BN_num_bits(bn) <= 128 && BN_num_bits(bn) > 64);
	BN_free(sbn);

	/* OpenSSL builds and accepts the chain. */
	store = X509_STORE_new();
	chain = sk_X509_new_null();
	sctx = X509_STORE_CTX_new();
	assert_true(X509_STORE_add_cert(store, root));
	assert_true(sk_X509_push(chain, inter));
	assert_true(X509_STORE_CTX_init(sctx, store, leaf, chain));
	X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(sctx), 1767229200);
	if (X509_verify_cert(sctx) != 1)
		fail_msg("verify: %s", X509_verify_cert_error_string(
		    X509_STORE_CTX_get_error(sctx)));
	X509_STORE_CTX_free(sctx);
	sk_X509_free(chain);
	X509_STORE_free(store);

	X509_free(root);
	X509_free(inter);
	X509_free(leaf);
	X509_free(rleaf);
}

static void
test_template_fields(void **state)
{
	const char *t =
	    "{\"subject\": {\"commonName\": \"x\", \"organization\": [\"O1\", "
	    "\"O2\"],"
	    " \"country\": \"US\", \"extraNames\": [{\"type\": \"2.5.4.46\","
	    " \"value\": \"q\"}]},"
	    " \"serialNumber\": \"0x0102030405\","
	    " \"dnsNames\": \"a.example\", \"emailAddresses\": "
	    "[\"e@x.example\"],"
	    " \"ipAddresses\": [\"2001:db8::1\"], \"uris\": "
	    "\"https://x.example/\","
	    " \"sans\": [{\"type\": \"auto\", \"value\": \"b.example\"}],"
	    " \"KeyUsage\": [\"digital_signature\", \"contentCommitment\"],"
	    " \"extKeyUsage\": \"codeSigning\","
	    " \"unknownExtKeyUsage\": [\"1.2.3.4\"],"
	    " \"ocspServer\": \"http://ocsp.example\","
	    " \"issuingCertificateURL\": [\"http://ca.example/ca.crt\"],"
	    " \"crlDistributionPoints\": \"http://ca.example/ca.crl\","
	    " \"policyIdentifiers\": [\"2.23.140.1.2.1\"],"
	    " \"basicConstraints\": {\"isCA\": true, \"maxPathLen\": -1},"
	    " \"nameConstraints\": {\"critical\": true, "
	    "\"permittedDNSDomains\":"
	    " [\".example\"], \"excludedIPRanges\": [\"10.0.0.0/8\"]},"
	    " \"subjectKeyId\": \"AQID\","
	    " \"signatureAlgorithm\": \"ECDSA-SHA512\","
	    " \"extensions\": [{\"id\": \"1.2.3.4.5\", \"critical\": false,"
	    " \"value\": \"BQA=\"}]}";
	X509 *x = NULL;
	X509_NAME *n;
	NAME_CONSTRAINTS *nc;
	AUTHORITY_INFO_ACCESS *aia;
	CRL_DIST_POINTS *dp;
	CERTIFICATEPOLICIES *cp;
	GENERAL_NAMES *gens;
	ASN1_OBJECT *obj;
	char buf[64];

	(void)state;
	assert_int_equal(make(t, "ignored", NULL, 0, ec_key, NULL, ec_key, &x),
	    0);
	n = X509_get_subject_name(x);
	assert_int_equal(X509_NAME_entry_count(n), 5);
	/* Go's order: C, O (one RDN with two values), CN, extra */
	assert_int_equal(OBJ_obj2nid(X509_NAME_ENTRY_get_object(
	    X509_NAME_get_entry(n, 0))), NID_countryName);
	assert_int_equal(X509_NAME_ENTRY_set(X509_NAME_get_entry(n, 1)),
	    X509_NAME_ENTRY_set(X509_NAME_get_entry(n, 2)));
	assert_int_equal(OBJ_obj2nid(X509_NAME_ENTRY_get_object(
	    X509_NAME_get_entry(n, 3))), NID_commonName);
	assert_int_equal(ASN1_INTEGER_get(X509_get0_serialNumber(x)),
	    0x0102030405L);
	gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	assert_int_equal(sk_GENERAL_NAME_num(gens), 5);
	/* DNS first (the list, then "sans"), then email, IP, URI */
	assert_int_equal(sk_GENERAL_NAME_value(gens, 0)->type, GEN_DNS);
	assert_int_equal(sk_GENERAL_NAME_value(gens, 1)->type, GEN_DNS);
	assert_int_equal(sk_GENERAL_NAME_value(gens, 2)->type, GEN_EMAIL);
	assert_int_equal(sk_GENERAL_NAME_value(gens, 3)->type, GEN_IPADD);
	assert_int_equal(sk_GENERAL_NAME_value(gens, 4)->type, GEN_URI);
	GENERAL_NAMES_free(gens);
	assert_int_equal(X509_get_key_usage(x),
	    KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION);
	assert_int_equal(X509_get_extended_key_usage(x) & XKU_CODE_SIGN,
	    XKU_CODE_SIGN);
	assert_int_equal(X509_get_pathlen(x), -1);
	assert_true(X509_get_extension_flags(x) & EXFLAG_CA);
	nc = X509_get_ext_d2i(x, NID_name_constraints, NULL, NULL);
	assert_non_null(nc);
	assert_int_equal(sk_GENERAL_SUBTREE_num(nc->permittedSubtrees), 1);
	assert_int_equal(ASN1_STRING_length(sk_GENERAL_SUBTREE_value(
	    nc->excludedSubtrees, 0)->base->d.ip), 8);
	NAME_CONSTRAINTS_free(nc);
	assert_int_equal(ext_critical(x, NID_name_constraints), 1);
	aia = X509_get_ext_d2i(x, NID_info_access, NULL, NULL);
	assert_int_equal(sk_ACCESS_DESCRIPTION_num(aia), 2);
	assert_int_equal(OBJ_obj2nid(sk_ACCESS_DESCRIPTION_value(aia,
	    0)->method),
	    NID_ad_OCSP);
	AUTHORITY_INFO_ACCESS_free(aia);
	dp = X509_get_ext_d2i(x, NID_crl_distribution_points, NULL, NULL);
	assert_int_equal(sk_DIST_POINT_num(dp), 1);
	CRL_DIST_POINTS_free(dp);
	cp = X509_get_ext_d2i(x, NID_certificate_policies, NULL, NULL);
	OBJ_obj2txt(buf, sizeof(buf), sk_POLICYINFO_value(cp, 0)->policyid, 1);
	assert_string_equal(buf, "2.23.140.1.2.1");
	CERTIFICATEPOLICIES_free(cp);
	assert_int_equal(ASN1_STRING_length(X509_get0_subject_key_id(x)), 3);
	assert_int_equal(X509_get_signature_nid(x), NID_ecdsa_with_SHA512);
	obj = OBJ_txt2obj("1.2.3.4.5", 1);
	assert_true(X509_get_ext_by_OBJ(x, obj, -1) >= 0);
	ASN1_OBJECT_free(obj);
	X509_free(x);
}

/* A raw extension replaces the built one of the same OID. */
static void
test_raw_override(void **state)
{
	/* basicConstraints CA:TRUE, non-critical: 30 03 01 01 ff */
	const char *t = "{\"subject\": \"x\", \"keyUsage\": \"certSign\","
	    " \"basicConstraints\": {\"isCA\": false},"
	    " \"extensions\": [{\"id\": \"2.5.29.19\", \"value\": "
	    "\"MAMBAf8=\"}]}";
	X509 *x = NULL;

	(void)state;
	assert_int_equal(make(t, "x", NULL, 0, ec_key, NULL, ec_key, &x), 0);
	assert_int_equal(X509_get_ext_count(x), 3);	/* KU, SKI, BC */
	assert_true(X509_get_extension_flags(x) & EXFLAG_CA);
	assert_int_equal(ext_critical(x, NID_basic_constraints), 0);
	X509_free(x);
}

static void
test_template_errors(void **state)
{
	static const struct {
		const char *tmpl;
		const char *err;
	} bad[] = {
		{ "{\"subject\": \"x\", \"keyUsages\": []}",
		  "unknown field \"keyUsages\"" },
		{ "{\"keyUsage\": [\"fly\"]}", "unsupported keyUsage \"fly\"" },
		{ "{\"extKeyUsage\": [\"fly\"]}", "unsupported extKeyUsage" },
		{ "{\"keyUsage\": 5}", "expected a string or a list" },
		{ "{\"sans\": [{\"type\": \"x400Address\", \"value\": \"x\"}]}",
		  "unsupported SAN type" },
		{ "{\"ipAddresses\": [\"300.1.1.1\"]}", "not an IP address" },
		{ "{\"dnsNames\": [\"a b\"]}", "not a valid DNS name" },
		{ "{\"serialNumber\": -5}", "must be positive" },
		{ "{\"serialNumber\": \"0x\"}", "not a decimal" },
		{ "{\"serialNumber\": "
		    "\"0x010203040506070809101112131415161718192021\"}",
		  "longer than 20 octets" },
		{ "{\"signatureAlgorithm\": \"SHA256-RSA\"}", "does not fit" },
		{ "{\"signatureAlgorithm\": \"MD5-RSA\"}", "unsupported" },
		{ "{\"subject\": {\"country\": \"USA\"}}", "country" },
		{ "{\"subject\": {\"cn\": \"x\"}}", "unknown field \"cn\"" },
		{ "{\"subject\": 5}", "expected a string or an object" },
		{ "{\"basicConstraints\": {\"isCA\": \"yes\"}}",
		    "true or false" },
		{ "{\"nameConstraints\": {\"permittedIPRanges\": [\"10/8\"]}}",
		  "not an IP range" },
		{ "{\"extensions\": [{\"id\": \"x\"}]}", "OID" },
		{ "{\"extensions\": [{\"id\": \"1.2.3\", \"value\": \"!!\"}]}",
		  "base64" },
		{ "{\"policyIdentifiers\": [\"any\"]}", "not an OID" },
		{ "[1, 2]", "not a JSON object" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		X509 *x = (X509 *)1;
		int r = make(bad[i].tmpl, "x", NULL, 0, ec_key, NULL, ec_key,
		    &x);

		if (r == 0)
			fail_msg("'%s' accepted", bad[i].tmpl);
		assert_null(x);
		if (strstr(ctx.errbuf, bad[i].err) == NULL ||
		    strncmp(ctx.errbuf, "t: ", 3) != 0)
			fail_msg("'%s': message '%s' lacks '%s'", bad[i].tmpl,
			    ctx.errbuf, bad[i].err);
	}
}

static void
test_issue_checks(void **state)
{
	struct pkit_x509_issue in = { 0 };
	json_t *tj = json_pack("{s:s}", "subject", "x");
	X509 *root = NULL, *leaf = NULL, *x = (X509 *)1;

	(void)state;
	in.tmpl = tj;
	in.pub = ec_key;
	in.key = rsa_key;
	in.not_before = 1000;
	in.not_after = 2000;
	/* the key must match the self-signed certificate's key */
	assert_int_equal(pkit_x509_issue(&ctx, &in, &x), PKIT_ERR_MISMATCH);
	assert_null(x);
	in.key = ec_key;
	in.not_after = 1000;
	assert_int_equal(pkit_x509_issue(&ctx, &in, &x), PKIT_ERR_ARG);
	json_decref(tj);

	/* issuer checks */
	assert_int_equal(make(pkit_x509_tmpl_root, "R", NULL, 0, ec_key, NULL,
	    ec_key, &root), 0);
	assert_int_equal(make(pkit_x509_tmpl_leaf, "l.example", NULL, 0,
	    rsa_key,
	    root, ec_key, &leaf), 0);
	assert_int_equal(pkit_x509_check_issuer(&ctx, root, "root.crt", 0, 0),
	    0);
	assert_int_equal(pkit_x509_check_issuer(&ctx, root, "root.crt", 1, 0),
	    0);
	assert_int_equal(pkit_x509_check_issuer(&ctx, root, "root.crt", 1, 1),
	    PKIT_ERR_ARG);
	assert_non_null(strstr(ctx.errbuf, "pathLenConstraint is 1"));
	assert_int_equal(pkit_x509_check_issuer(&ctx, root, "root.crt", 1, -1),
	    PKIT_ERR_ARG);
	assert_int_equal(pkit_x509_check_issuer(&ctx, leaf, "leaf.crt", 0, 0),
	    PKIT_ERR_ARG);
	assert_non_null(strstr(ctx.errbuf,
	    "leaf.crt: not a certificate authority"));
	assert_int_equal(pkit_x509_check_key(&ctx, root, ec_key, "r", "k"), 0);
	assert_int_equal(pkit_x509_check_key(&ctx, root, rsa_key, "r", "k"),
	    PKIT_ERR_MISMATCH);
	/* a leaf cannot be signed by a key that is not the issuer's */
	X509_free(leaf);
	leaf = NULL;
	assert_int_equal(make(pkit_x509_tmpl_leaf, "l.example", NULL, 0,
	    rsa_key,
	    root, rsa_key, &leaf), PKIT_ERR_MISMATCH);
	X509_free(root);
}

static void
test_csr(void **state)
{
	const char *sans[] = { "host.example", "192.0.2.7" };
	const char *t = "{\"subject\": {{ toJson .Subject }}, \"sans\": "
	    "{{ toJson .SANs }}, \"keyUsage\": \"digitalSignature\", "
	    "\"extKeyUsage\": [\"clientAuth\"]}";
	json_t *data = NULL, *tj = NULL, *cr = NULL;
	X509_REQ *req = NULL;
	X509 *root = NULL, *x = NULL;
	struct pkit_x509_issue in = { 0 };
	ASN1_BIT_STRING *sig;
	char *s;

	(void)state;
	assert_int_equal(pkit_x509_create_data(&ctx, "host.example", sans, 2,
	    rsa_key, NULL, &data), 0);
	assert_int_equal(pkit_x509_render(&ctx, t, strlen(t), "t", data, &tj),
	    0);
	assert_int_equal(pkit_x509_csr_make(&ctx, tj, "t", rsa_key, &req), 0);
	assert_int_equal(pkit_x509_csr_verify(&ctx, req, "r.csr"), 0);
	json_decref(data);
	json_decref(tj);

	/* .Insecure.CR from the CSR */
	assert_int_equal(pkit_x509_cr_json(&ctx, req, &cr), 0);
	s = json_dumps(cr, JSON_COMPACT | JSON_SORT_KEYS);
	assert_non_null(strstr(s, "\"dnsNames\":[\"host.example\"]"));
	assert_non_null(strstr(s, "\"ipAddresses\":[\"192.0.2.7\"]"));
	assert_non_null(strstr(s, "\"keyUsage\":[\"digitalSignature\"]"));
	assert_non_null(strstr(s, "\"extKeyUsage\":[\"clientAuth\"]"));
	assert_non_null(strstr(s, "\"$type\":\"*rsa.PublicKey\""));
	assert_non_null(strstr(s, "\"publicKeyAlgorithm\":\"RSA\""));
	free(s);
	json_decref(cr);

	/* --profile csr: the CSR's extensions as they are */
	assert_int_equal(make(pkit_x509_tmpl_root, "R", NULL, 0, ec_key, NULL,
	    ec_key, &root), 0);
	assert_int_equal(pkit_x509_sign_data(&ctx, req, 0, NULL, &data), 0);
	assert_int_equal(json_array_size(json_object_get(data, "SANs")), 2);
	assert_int_equal(pkit_x509_render(&ctx, pkit_x509_tmpl_from_csr,
	    strlen(pkit_x509_tmpl_from_csr), "csr", data, &tj), 0);
	in.tmpl = tj;
	in.pub = X509_REQ_get0_pubkey(req);
	in.issuer = root;
	in.key = ec_key;
	in.not_before = 1767225600;
	in.not_after = in.not_before + 3600;
	assert_int_equal(pkit_x509_issue(&ctx, &in, &x), 0);
	assert_int_equal(X509_get_extended_key_usage(x), XKU_SSL_CLIENT);
	assert_int_equal(X509_check_ip_asc(x, "192.0.2.7", 0), 1);
	X509_free(x);
	json_decref(tj);
	json_decref(data);

	/* a flipped bit in the signature is refused */
	X509_REQ_get0_signature(req, (const ASN1_BIT_STRING **)&sig, NULL);
	sig->data[sig->length / 2] ^= 0x01;
	assert_int_equal(pkit_x509_csr_verify(&ctx, req, "r.csr"),
	    PKIT_ERR_VERIFY);
	assert_non_null(strstr(ctx.errbuf,
	    "r.csr: the CSR's signature does not "
	    "verify"));
	X509_REQ_free(req);
	X509_free(root);
}

static void
test_user_data_and_validity(void **state)
{
	const char *set[] = { "a=1", "b=text", "c={\"x\": [1]}", "d=" };
	const char *bad[] = { "novalue" };
	json_t *u = NULL;
	time_t nb = 0, na = 0;

	(void)state;
	assert_int_equal(pkit_x509_user_data(&ctx, set, 4, NULL, &u), 0);
	assert_true(json_is_integer(json_object_get(u, "a")));
	assert_string_equal(json_string_value(json_object_get(u, "b")), "text");
	assert_true(json_is_object(json_object_get(u, "c")));
	assert_string_equal(json_string_value(json_object_get(u, "d")), "");
	json_decref(u);
	assert_int_equal(pkit_x509_user_data(&ctx, bad, 1, NULL, &u),
	    PKIT_ERR_USAGE);
	assert_int_equal(pkit_x509_user_data(&ctx, NULL, 0,
	    "/nonexistent/file.json", &u), PKIT_ERR_NOT_FOUND);

	ctx.fixed_now = 1767225600;
	assert_int_equal(pkit_x509_validity(&ctx, NULL, NULL, 86400, &nb, &na),
	    0);
	assert_int_equal((long long)nb, 1767225600LL);
	assert_int_equal((long long)(na - nb), 86400LL);
	assert_int_equal(pkit_x509_validity(&ctx, "-1h", "1h30m", 86400, &nb,
	    &na), 0);
	assert_int_equal((long long)(na - nb), 9000LL);
	assert_int_equal(pkit_x509_validity(&ctx, "2026-02-01T00:00:00Z", NULL,
	    3600, &nb, &na), 0);
	assert_int_equal((long long)na, 1769907600LL);
	assert_int_equal(pkit_x509_validity(&ctx, "2h", "1h", 86400, &nb, &na),
	    PKIT_ERR_ARG);
	assert_non_null(strstr(ctx.errbuf, "--not-after"));
	assert_int_equal(pkit_x509_validity(&ctx, NULL, "soon", 86400, &nb,
	    &na),
	    PKIT_ERR_ARG);
	ctx.fixed_now = 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_san_detect),
		cmocka_unit_test(test_sans_json),
		cmocka_unit_test(test_profiles),
		cmocka_unit_test(test_template_fields),
		cmocka_unit_test(test_raw_override),
		cmocka_unit_test(test_template_errors),
		cmocka_unit_test(test_issue_checks),
		cmocka_unit_test(test_csr),
		cmocka_unit_test(test_user_data_and_validity),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

/* test_crl.c - active revocation: ca.json's crl/ocsp blocks, the URLs
 * leaves carry, CRLs built and read back, the OCSP responder (statuses,
 * nonce, malformed requests, other issuers, delegated signers), CRL
 * files (crl_info.h). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "lib/ca/ca_config.h"
#include "lib/ca/crl.h"
#include "lib/ca/ocsp.h"
#include "lib/crl_info.h"

#define HOUR (INT64_C(3600) * 1000000000)

/* ---- fixtures ------------------------------------------------------- */

static EVP_PKEY *
ec_key(void)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");

	assert_non_null(k);
	return k;
}

static void
add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX v3;
	X509_EXTENSION *e;

	X509V3_set_ctx(&v3, issuer, x, NULL, NULL, 0);
	e = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
	assert_non_null(e);
	assert_true(X509_add_ext(x, e, -1));
	X509_EXTENSION_free(e);
}

/* A certificate for key, named cn, issued by issuer/ikey (NULL: self). */
static X509 *
cert(const char *cn, EVP_PKEY *key, X509 *issuer, EVP_PKEY *ikey,
    long serial, const char *eku)
{
	X509 *x = X509_new();
	X509_NAME *n = X509_NAME_new();

	assert_non_null(x);
	assert_true(X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
	    (const unsigned char *)cn, -1, -1, 0));
	assert_true(X509_set_version(x, X509_VERSION_3));
	assert_true(ASN1_INTEGER_set(X509_get_serialNumber(x), serial));
	assert_true(X509_set_subject_name(x, n));
	assert_true(X509_set_issuer_name(x, issuer != NULL ?
	    X509_get_subject_name(issuer) : n));
	assert_non_null(X509_gmtime_adj(X509_getm_notBefore(x), -60));
	assert_non_null(X509_gmtime_adj(X509_getm_notAfter(x), 86400));
	assert_true(X509_set_pubkey(x, key));
	add_ext(x, x, NID_subject_key_identifier, "hash");
	if (issuer == NULL)
		add_ext(x, x, NID_basic_constraints, "critical,CA:true");
	if (eku != NULL)
		add_ext(x, issuer, NID_ext_key_usage, eku);
	assert_true(X509_sign(x, ikey != NULL ? ikey : key, EVP_sha256()) > 0);
	X509_NAME_free(n);
	return x;
}

/* ---- ca.json ----------------------------------------------------------- */

static struct pkit_ca_config *
parse(const char *extra)
{
	struct pkit_ctx ctx;
	struct pkit_ca_config *cfg = NULL;
	char doc[2048];

	pkit_ctx_init(&ctx);
	snprintf(doc, sizeof(doc), "{\"root\":\"r\",\"crt\":\"c\",\"key\":\"k\","
	    "\"address\":\":9443\",\"dnsNames\":[\"ca.example.com\"]%s}",
	    extra);
	if (pkit_ca_config_parse(&ctx, doc, strlen(doc), "ca.json", "/base",
	    &cfg) != 0)
		cfg = NULL;
	pkit_ctx_release(&ctx);
	return cfg;
}

static void
test_config_blocks(void **state)
{
	struct pkit_ca_config *cfg;

	(void)state;
	cfg = parse("");
	assert_non_null(cfg);
	assert_int_equal(cfg->ocsp.enabled, 0);
	assert_int_equal(cfg->ocsp.cache_duration, HOUR);
	assert_null(cfg->ocsp.cert);
	pkit_ca_config_free(cfg);
	cfg = parse(",\"ocsp\":{\"enabled\":true,\"url\":\"https://o/ocsp\","
	    "\"cert\":\"certs/o.crt\",\"key\":\"secrets/o.key\","
	    "\"cacheDuration\":\"10m\"}");
	assert_non_null(cfg);
	assert_int_equal(cfg->ocsp.enabled, 1);
	assert_string_equal(cfg->ocsp.url, "https://o/ocsp");
	assert_string_equal(cfg->ocsp.cert, "certs/o.crt");
	assert_string_equal(cfg->ocsp.key, "secrets/o.key");
	assert_int_equal(cfg->ocsp.cache_duration, HOUR / 6);
	pkit_ca_config_free(cfg);
	/* cert without key, wrong types */
	assert_null(parse(",\"ocsp\":{\"cert\":\"c\"}"));
	assert_null(parse(",\"ocsp\":{\"enabled\":1}"));
	assert_null(parse(",\"ocsp\":{\"cacheDuration\":\"soon\"}"));
	assert_null(parse(",\"ocsp\":[]"));
}

static void
test_urls(void **state)
{
	static const struct {
		const char *extra, *crl, *ocsp, *issuer;
	} t[] = {
		{ "", NULL, NULL, NULL },
		{ ",\"crl\":{\"enabled\":true}",
		  "https://ca.example.com:9443/1.0/crl", NULL, NULL },
		{ ",\"ocsp\":{\"enabled\":true}", NULL,
		  "https://ca.example.com:9443/ocsp",
		  "https://ca.example.com:9443/1.0/intermediate.crt" },
		{ ",\"crl\":{\"enabled\":true,\"idpURL\":\"https://c/x.crl\"},"
		  "\"ocsp\":{\"enabled\":true,\"url\":\"https://o/\"}",
		  "https://c/x.crl", "https://o/",
		  "https://ca.example.com:9443/1.0/intermediate.crt" },
	};
	struct pkit_ctx ctx;
	struct pkit_ca_config *cfg;
	struct pkit_ca_rev_urls u;
	size_t i;

	(void)state;
	pkit_ctx_init(&ctx);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		cfg = parse(t[i].extra);
		assert_non_null(cfg);
		assert_int_equal(pkit_ca_rev_urls(&ctx, cfg, &u), 0);
		if (t[i].crl == NULL)
			assert_null(u.crl);
		else
			assert_string_equal(u.crl, t[i].crl);
		if (t[i].ocsp == NULL)
			assert_null(u.ocsp);
		else
			assert_string_equal(u.ocsp, t[i].ocsp);
		if (t[i].issuer == NULL)
			assert_null(u.issuer);
		else
			assert_string_equal(u.issuer, t[i].issuer);
		pkit_ca_rev_urls_release(&u);
		pkit_ca_config_free(cfg);
	}
	/* port 443 is left out, an IPv6 name is bracketed */
	cfg = parse(",\"crl\":{\"enabled\":true}");
	free(cfg->address);
	cfg->address = strdup("[::]:443");
	free(cfg->dns_names[0]);
	cfg->dns_names[0] = strdup("::1");
	assert_int_equal(pkit_ca_rev_urls(&ctx, cfg, &u), 0);
	assert_string_equal(u.crl, "https://[::1]/1.0/crl");
	pkit_ca_rev_urls_release(&u);
	pkit_ca_config_free(cfg);
	pkit_ctx_release(&ctx);
}

/* ---- CRLs ------------------------------------------------------------- */

static void
test_crl_build(void **state)
{
	struct pkit_ca_crl_entry e[3];
	struct pkit_ca_crl_params p;
	struct pkit_ctx ctx;
	EVP_PKEY *key = ec_key();
	X509 *ca = cert("CA", key, NULL, NULL, 1, NULL);
	X509_CRL *crl = NULL;
	X509_REVOKED *rv = NULL;
	ASN1_INTEGER *num, *ser = ASN1_INTEGER_new();
	ASN1_ENUMERATED *reason;
	ISSUING_DIST_POINT *idp;
	unsigned char *der = NULL, *pem = NULL;
	const unsigned char *q;
	char *text = NULL;
	size_t len = 0, plen = 0;
	int crit = -1;

	(void)state;
	pkit_ctx_init(&ctx);
	memset(e, 0, sizeof(e));
	snprintf(e[0].serial, sizeof(e[0].serial), "1f");
	e[0].revoked_at = 1700000000;
	e[0].reason = 1;
	snprintf(e[1].serial, sizeof(e[1].serial), "abcdef0123456789");
	e[1].revoked_at = 1700000100;
	snprintf(e[2].serial, sizeof(e[2].serial), "ff");
	e[2].revoked_at = 1700000200;
	e[2].reason = 9;
	memset(&p, 0, sizeof(p));
	p.issuer = ca;
	p.key = key;
	p.number = 42;
	p.this_update = 1700000300;
	p.next_update = 1700086700;
	p.idp_url = "https://ca.example.com/1.0/crl";
	p.entries = e;
	p.n = 3;
	assert_int_equal(pkit_ca_crl_build(&ctx, &p, &der, &len), 0);
	q = der;
	crl = d2i_X509_CRL(NULL, &q, (long)len);
	assert_non_null(crl);
	assert_int_equal(X509_CRL_verify(crl, key), 1);
	assert_int_equal(X509_CRL_get_version(crl), X509_CRL_VERSION_2);
	assert_int_equal(X509_NAME_cmp(X509_CRL_get_issuer(crl),
	    X509_get_subject_name(ca)), 0);
	num = X509_CRL_get_ext_d2i(crl, NID_crl_number, NULL, NULL);
	assert_non_null(num);
	assert_int_equal(ASN1_INTEGER_get(num), 42);
	ASN1_INTEGER_free(num);
	idp = X509_CRL_get_ext_d2i(crl, NID_issuing_distribution_point, &crit,
	    NULL);
	assert_non_null(idp);
	assert_int_equal(crit, 1);
	ISSUING_DIST_POINT_free(idp);
	assert_int_equal(sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl)), 3);
	/* 0x1f: keyCompromise; 0xabcdef...: no reason code (unspecified) */
	assert_true(ASN1_INTEGER_set(ser, 0x1f));
	assert_int_equal(X509_CRL_get0_by_serial(crl, &rv, ser), 1);
	reason = X509_REVOKED_get_ext_d2i(rv, NID_crl_reason, NULL, NULL);
	assert_non_null(reason);
	assert_int_equal(ASN1_ENUMERATED_get(reason), 1);
	ASN1_ENUMERATED_free(reason);
	assert_true(ASN1_INTEGER_set_uint64(ser, 0xabcdef0123456789ULL));
	assert_int_equal(X509_CRL_get0_by_serial(crl, &rv, ser), 1);
	assert_null(X509_REVOKED_get_ext_d2i(rv, NID_crl_reason, NULL, NULL));
	assert_true(ASN1_INTEGER_set(ser, 0x20));
	assert_int_equal(X509_CRL_get0_by_serial(crl, &rv, ser), 0);
	/* a bit flipped in the signed part: the signature fails */
	der[len / 2] ^= 1;
	q = der;
	{
		X509_CRL *bad = d2i_X509_CRL(NULL, &q, (long)len);

		if (bad != NULL)
			assert_int_not_equal(X509_CRL_verify(bad, key), 1);
		X509_CRL_free(bad);
	}
	der[len / 2] ^= 1;
	/* crl_info: DER and PEM, detect, render */
	assert_true(pkit_crl_detect(der, len));
	assert_false(pkit_crl_detect((const unsigned char *)"hello", 5));
	assert_int_equal(pkit_crl_encode(&ctx, crl, 1, &pem, &plen), 0);
	assert_true(pkit_crl_detect(pem, plen));
	assert_int_equal(pkit_crl_render(&ctx, crl, 0, &text), 0);
	assert_non_null(strstr(text, "Reason: privilegeWithdrawn (9)"));
	assert_non_null(strstr(text, "Serial Number: 31 (0x1f)"));
	free(text);
	assert_int_equal(pkit_crl_render(&ctx, crl, 1, &text), 0);
	assert_non_null(strstr(text, "\"number\": \"42\""));
	assert_non_null(strstr(text, "\"reason\": \"keyCompromise\""));
	free(text);
	X509_CRL_free(crl);
	crl = NULL;
	assert_int_equal(pkit_crl_parse(&ctx, pem, plen, "x.pem", &crl), 0);
	X509_CRL_free(crl);
	crl = NULL;
	/* trailing garbage after DER */
	der = realloc(der, len + 1);
	der[len] = 0;
	assert_int_equal(pkit_crl_parse(&ctx, der, len + 1, "x.der", &crl),
	    PKIT_ERR_FORMAT);
	assert_non_null(strstr(ctx.errbuf, "x.der: trailing data"));
	assert_int_equal(pkit_crl_parse(&ctx, der, len / 2, "half.der", &crl),
	    PKIT_ERR_FORMAT);
	assert_null(crl);
	assert_string_equal(pkit_crl_reason_name(10), "aACompromise");
	assert_null(pkit_crl_reason_name(7));
	assert_null(pkit_crl_reason_name(11));
	free(pem);
	OPENSSL_free(der);
	ASN1_INTEGER_free(ser);
	X509_free(ca);
	EVP_PKEY_free(key);
	pkit_ctx_release(&ctx);
}

static void
test_crl_find(void **state)
{
	struct pkit_ca_crl_entry e[4];
	static const char *const s[] = { "2", "1f", "ab", "100" };
	size_t i;

	(void)state;
	memset(e, 0, sizeof(e));
	for (i = 0; i < 4; i++)
		snprintf(e[i].serial, sizeof(e[i].serial), "%s", s[i]);
	/* numeric order: shorter first */
	assert_ptr_equal(pkit_ca_crl_find(e, 4, "1f"), &e[1]);
	assert_ptr_equal(pkit_ca_crl_find(e, 4, "100"), &e[3]);
	assert_ptr_equal(pkit_ca_crl_find(e, 4, "2"), &e[0]);
	assert_null(pkit_ca_crl_find(e, 4, "3"));
	assert_null(pkit_ca_crl_find(e, 4, "1000"));
	assert_null(pkit_ca_crl_find(NULL, 0, "1"));
}

/* ---- OCSP -------------------------------------------------------------- */

struct lk {
	int fail;
	int calls;
};

static int
lookup(void *arg, struct pkit_ctx *ctx, const char *serial, int *status,
    time_t *revoked_at, int *reason)
{
	struct lk *l = arg;

	(void)ctx;
	l->calls++;
	if (l->fail)
		return PKIT_ERR_DB;
	if (strcmp(serial, "1f") == 0) {
		*status = V_OCSP_CERTSTATUS_REVOKED;
		*revoked_at = 1700000000;
		*reason = 1;
	} else if (strcmp(serial, "20") == 0)
		*status = V_OCSP_CERTSTATUS_GOOD;
	else
		*status = V_OCSP_CERTSTATUS_UNKNOWN;
	return 0;
}

/* A request for serials of issuer (sha1 or sha256 CertIDs), with a nonce
 * when nonce. */
static unsigned char *
ocsp_req(X509 *issuer, const long *serials, size_t n, const EVP_MD *md,
    int nonce, OCSP_REQUEST **keep, size_t *len)
{
	OCSP_REQUEST *req = OCSP_REQUEST_new();
	unsigned char *der = NULL;
	size_t i;
	int l;

	for (i = 0; i < n; i++) {
		ASN1_INTEGER *ai = ASN1_INTEGER_new();
		OCSP_CERTID *id;

		assert_true(ASN1_INTEGER_set(ai, serials[i]));
		id = OCSP_cert_id_new(md, X509_get_subject_name(issuer),
		    X509_get0_pubkey_bitstr(issuer), ai);
		assert_non_null(id);
		assert_non_null(OCSP_request_add0_id(req, id));
		ASN1_INTEGER_free(ai);
	}
	if (nonce)
		assert_true(OCSP_request_add1_nonce(req, NULL, -1));
	l = i2d_OCSP_REQUEST(req, &der);
	assert_true(l > 0);
	*len = (size_t)l;
	*keep = req;
	return der;
}

static OCSP_BASICRESP *
answer(const struct pkit_ca_ocsp *o, const unsigned char *der, size_t len,
    struct lk *l, int want_status)
{
	struct pkit_ctx ctx;
	unsigned char *out = NULL;
	const unsigned char *q;
	size_t outlen = 0;
	OCSP_RESPONSE *resp;
	OCSP_BASICRESP *bs = NULL;

	pkit_ctx_init(&ctx);
	assert_int_equal(pkit_ca_ocsp_respond(&ctx, o, der, len, lookup, l,
	    &out, &outlen), 0);
	q = out;
	resp = d2i_OCSP_RESPONSE(NULL, &q, (long)outlen);
	assert_non_null(resp);
	assert_int_equal(OCSP_response_status(resp), want_status);
	if (want_status == OCSP_RESPONSE_STATUS_SUCCESSFUL)
		bs = OCSP_response_get1_basic(resp);
	OCSP_RESPONSE_free(resp);
	OPENSSL_free(out);
	pkit_ctx_release(&ctx);
	return bs;
}

static int
status_of(OCSP_BASICRESP *bs, X509 *issuer, long serial, const EVP_MD *md,
    int *reason)
{
	ASN1_INTEGER *ai = ASN1_INTEGER_new();
	OCSP_CERTID *id;
	int st = -1;

	assert_true(ASN1_INTEGER_set(ai, serial));
	id = OCSP_cert_id_new(md, X509_get_subject_name(issuer),
	    X509_get0_pubkey_bitstr(issuer), ai);
	if (!OCSP_resp_find_status(bs, id, &st, reason, NULL, NULL, NULL))
		st = -1;
	OCSP_CERTID_free(id);
	ASN1_INTEGER_free(ai);
	return st;
}

static void
test_ocsp(void **state)
{
	static const long serials[] = { 0x1f, 0x20, 0x21 };
	struct pkit_ctx ctx;
	struct pkit_ca_ocsp *o = NULL, *d = NULL;
	struct lk l = { 0, 0 };
	EVP_PKEY *key = ec_key(), *okey = ec_key(), *other_key = ec_key();
	X509 *ca = cert("CA", key, NULL, NULL, 1, NULL);
	X509 *other = cert("Other CA", other_key, NULL, NULL, 1, NULL);
	X509 *signer = cert("OCSP", okey, ca, key, 7, "OCSPSigning");
	X509 *server = cert("srv", okey, ca, key, 8, "serverAuth");
	STACK_OF(X509) *certs = sk_X509_new_null();
	X509_STORE *store = X509_STORE_new();
	OCSP_REQUEST *req = NULL;
	OCSP_BASICRESP *bs;
	unsigned char *der;
	size_t len;
	int reason = -1;

	(void)state;
	pkit_ctx_init(&ctx);
	assert_true(X509_STORE_add_cert(store, ca));
	assert_true(sk_X509_push(certs, ca));
	assert_int_equal(pkit_ca_ocsp_new(&ctx, ca, NULL, key, 600, &o), 0);
	/* good, revoked with reason, unknown; nonce echoed; SHA-1 CertIDs */
	der = ocsp_req(ca, serials, 3, EVP_sha1(), 1, &req, &len);
	bs = answer(o, der, len, &l, OCSP_RESPONSE_STATUS_SUCCESSFUL);
	assert_int_equal(l.calls, 3);
	assert_int_equal(OCSP_basic_verify(bs, certs, store, 0), 1);
	assert_int_equal(OCSP_check_nonce(req, bs), 1);
	assert_int_equal(status_of(bs, ca, 0x1f, EVP_sha1(), &reason),
	    V_OCSP_CERTSTATUS_REVOKED);
	assert_int_equal(reason, 1);
	assert_int_equal(status_of(bs, ca, 0x20, EVP_sha1(), NULL),
	    V_OCSP_CERTSTATUS_GOOD);
	assert_int_equal(status_of(bs, ca, 0x21, EVP_sha1(), NULL),
	    V_OCSP_CERTSTATUS_UNKNOWN);
	OCSP_BASICRESP_free(bs);
	OCSP_REQUEST_free(req);
	OPENSSL_free(der);
	/* SHA-256 CertIDs, no nonce: none in the answer */
	der = ocsp_req(ca, serials + 1, 1, EVP_sha256(), 0, &req, &len);
	bs = answer(o, der, len, &l, OCSP_RESPONSE_STATUS_SUCCESSFUL);
	assert_int_equal(OCSP_check_nonce(req, bs), 2);
	assert_int_equal(status_of(bs, ca, 0x20, EVP_sha256(), NULL),
	    V_OCSP_CERTSTATUS_GOOD);
	OCSP_BASICRESP_free(bs);
	OCSP_REQUEST_free(req);
	OPENSSL_free(der);
	/* another issuer's CertID: unknown, without asking the database */
	l.calls = 0;
	der = ocsp_req(other, serials, 1, EVP_sha1(), 0, &req, &len);
	bs = answer(o, der, len, &l, OCSP_RESPONSE_STATUS_SUCCESSFUL);
	assert_int_equal(l.calls, 0);
	assert_int_equal(status_of(bs, other, 0x1f, EVP_sha1(), NULL),
	    V_OCSP_CERTSTATUS_UNKNOWN);
	OCSP_BASICRESP_free(bs);
	OCSP_REQUEST_free(req);
	OPENSSL_free(der);
	/* the database fails: tryLater */
	l.fail = 1;
	der = ocsp_req(ca, serials, 1, EVP_sha1(), 0, &req, &len);
	assert_null(answer(o, der, len, &l, OCSP_RESPONSE_STATUS_TRYLATER));
	OCSP_REQUEST_free(req);
	OPENSSL_free(der);
	l.fail = 0;
	/* garbage, an empty body, a truncated request: malformedRequest */
	assert_null(answer(o, (const unsigned char *)"junk", 4, &l,
	    OCSP_RESPONSE_STATUS_MALFORMEDREQUEST));
	assert_null(answer(o, (const unsigned char *)"", 0, &l,
	    OCSP_RESPONSE_STATUS_MALFORMEDREQUEST));
	der = ocsp_req(ca, serials, 1, EVP_sha1(), 1, &req, &len);
	assert_null(answer(o, der, len - 1, &l,
	    OCSP_RESPONSE_STATUS_MALFORMEDREQUEST));
	/* a delegated signer: only with OCSPSigning, issued by the CA */
	assert_int_equal(pkit_ca_ocsp_check_signer(&ctx, ca, signer, okey,
	    "o.crt"), 0);
	assert_int_equal(pkit_ca_ocsp_check_signer(&ctx, ca, server, okey,
	    "s.crt"), PKIT_ERR_VERIFY);
	assert_non_null(strstr(ctx.errbuf, "s.crt: no OCSPSigning"));
	assert_int_equal(pkit_ca_ocsp_check_signer(&ctx, other, signer, okey,
	    "o.crt"), PKIT_ERR_VERIFY);
	assert_int_equal(pkit_ca_ocsp_check_signer(&ctx, ca, signer, key,
	    "o.crt"), PKIT_ERR_VERIFY);
	assert_int_equal(pkit_ca_ocsp_new(&ctx, ca, signer, okey, 600, &d), 0);
	bs = answer(d, der, len, &l, OCSP_RESPONSE_STATUS_SUCCESSFUL);
	assert_int_equal(OCSP_basic_verify(bs, certs, store, 0), 1);
	assert_int_equal(sk_X509_num(OCSP_resp_get0_certs(bs)), 1);
	OCSP_BASICRESP_free(bs);
	OCSP_REQUEST_free(req);
	OPENSSL_free(der);
	pkit_ca_ocsp_free(d);
	pkit_ca_ocsp_free(o);
	pkit_ca_ocsp_free(NULL);
	sk_X509_free(certs);
	X509_STORE_free(store);
	X509_free(server);
	X509_free(signer);
	X509_free(other);
	X509_free(ca);
	EVP_PKEY_free(other_key);
	EVP_PKEY_free(okey);
	EVP_PKEY_free(key);
	pkit_ctx_release(&ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_blocks),
		cmocka_unit_test(test_urls),
		cmocka_unit_test(test_crl_build),
		cmocka_unit_test(test_crl_find),
		cmocka_unit_test(test_ocsp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

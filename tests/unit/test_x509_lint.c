/* test_x509_lint.c - the lint table: its shape, a good certificate that
 * passes, and one broken certificate per rule family, each flagged by the
 * right rule at the right level in each profile. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/conf.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "lib/x509_lint.h"

/* 2027-01-15; the default validity below spans it. */
#define NOW 1800000000

static EVP_PKEY *ca_key;
static X509 *ca_crt;
static CONF *conf;	/* empty; certificatePolicies wants one */

struct spec {
	const char *cn;			/* NULL: an empty subject */
	const char *exts[16];		/* "name=value", as openssl config */
	const char *not_before, *not_after;	/* GeneralizedTime or UTCTime */
	const char *key;		/* "EC" (default), "ED25519", "RSA1024",
					 * "RSA2048" */
	int md5;			/* sign with MD5 (self-signed RSA) */
	int self_signed;
	long version;			/* 0: v3 */
	const char *serial_hex;		/* NULL: 16 random-looking octets */
	const char *extra_name;		/* "C=USA" style, added to the subject */
};

static EVP_PKEY *
keygen(const char *kind)
{
	if (kind == NULL || strcmp(kind, "EC") == 0)
		return EVP_EC_gen("P-256");
	if (strcmp(kind, "ED25519") == 0)
		return EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	if (strcmp(kind, "RSA1024") == 0)
		return EVP_RSA_gen(1024);
	if (strcmp(kind, "RSA2048") == 0)
		return EVP_RSA_gen(2048);
	return NULL;
}

static int
set_time(ASN1_TIME **slot, const char *s)
{
	ASN1_TIME *t = ASN1_TIME_new();

	if (t == NULL)
		return -1;
	/* 13 characters: UTCTime; 15: GeneralizedTime, as given. */
	if (strlen(s) == 13 ? !ASN1_UTCTIME_set_string(t, s) :
	    !ASN1_GENERALIZEDTIME_set_string(t, s)) {
		ASN1_TIME_free(t);
		return -1;
	}
	ASN1_TIME_free(*slot);
	*slot = t;
	return 0;
}

static X509 *
build(const struct spec *sp, EVP_PKEY **keyout)
{
	X509 *x = X509_new();
	EVP_PKEY *key = keygen(sp->key);
	X509_NAME *name = X509_NAME_new();
	X509V3_CTX v3;
	ASN1_TIME *nb = NULL, *na = NULL;
	BIGNUM *bn = NULL;
	int i;

	assert_non_null(x);
	assert_non_null(key);
	assert_true(X509_set_version(x, sp->version ? sp->version - 1 : 2));
	assert_true(BN_hex2bn(&bn, sp->serial_hex ? sp->serial_hex :
	    "5a1b2c3d4e5f60718293a4b5c6d7e8f9"));
	assert_non_null(BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)));
	BN_free(bn);
	if (sp->cn != NULL)
		/* V_ASN1_UTF8STRING, not MBSTRING_UTF8: no length limits. */
		assert_true(X509_NAME_add_entry_by_NID(name, NID_commonName,
		    V_ASN1_UTF8STRING, (const unsigned char *)sp->cn, -1, -1, 0));
	if (sp->extra_name != NULL) {
		char field[32];
		const char *eq = strchr(sp->extra_name, '=');

		snprintf(field, sizeof(field), "%.*s", (int)(eq - sp->extra_name),
		    sp->extra_name);
		assert_true(X509_NAME_add_entry_by_txt(name, field,
		    V_ASN1_PRINTABLESTRING, (const unsigned char *)eq + 1, -1,
		    -1, 0));
	}
	assert_true(X509_set_subject_name(x, name));
	assert_true(X509_set_issuer_name(x, sp->self_signed ? name :
	    X509_get_subject_name(ca_crt)));
	X509_NAME_free(name);
	assert_int_equal(set_time(&nb, sp->not_before ? sp->not_before :
	    "270101000000Z"), 0);
	assert_int_equal(set_time(&na, sp->not_after ? sp->not_after :
	    "270301000000Z"), 0);
	assert_true(X509_set1_notBefore(x, nb));
	assert_true(X509_set1_notAfter(x, na));
	ASN1_TIME_free(nb);
	ASN1_TIME_free(na);
	assert_true(X509_set_pubkey(x, key));
	X509V3_set_ctx(&v3, sp->self_signed ? x : ca_crt, x, NULL, NULL, 0);
	X509V3_set_nconf(&v3, conf);
	for (i = 0; sp->exts[i] != NULL; i++) {
		char nm[64];
		const char *eq = strchr(sp->exts[i], '=');
		X509_EXTENSION *e;

		assert_non_null(eq);
		snprintf(nm, sizeof(nm), "%.*s", (int)(eq - sp->exts[i]),
		    sp->exts[i]);
		e = X509V3_EXT_nconf(NULL, &v3, nm, eq + 1);
		if (e == NULL)
			fail_msg("bad extension %s", sp->exts[i]);
		assert_true(X509_add_ext(x, e, -1));
		X509_EXTENSION_free(e);
	}
	assert_true(X509_sign(x, sp->self_signed ? key : ca_key, sp->md5 ?
	    EVP_md5() : EVP_sha256()));
	if (keyout != NULL)
		*keyout = key;
	else
		EVP_PKEY_free(key);
	return x;
}

#define LEAF_EXTS \
	"basicConstraints=critical,CA:FALSE", \
	"keyUsage=critical,digitalSignature", \
	"extendedKeyUsage=serverAuth", \
	"subjectKeyIdentifier=hash", \
	"authorityKeyIdentifier=keyid:always"

static int
setup(void **state)
{
	struct spec root = { "Test Root", {
	    "basicConstraints=critical,CA:TRUE",
	    "keyUsage=critical,keyCertSign,cRLSign",
	    "subjectKeyIdentifier=hash", NULL },
	    NULL, NULL, NULL, 0, 1, 0, NULL, NULL };

	(void)state;
	if ((conf = NCONF_new(NULL)) == NULL)
		return -1;
	ca_crt = build(&root, &ca_key);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	X509_free(ca_crt);
	EVP_PKEY_free(ca_key);
	NCONF_free(conf);
	return 0;
}

static struct pkit_lint_report *
lint(X509 *x, X509 *issuer, enum pkit_lint_profile p)
{
	struct pkit_ctx ctx;
	struct pkit_lint_report *rep = NULL;

	pkit_ctx_init(&ctx);
	ctx.fixed_now = NOW;
	assert_int_equal(pkit_x509_lint(&ctx, x, issuer, p, &rep), PKIT_OK);
	assert_non_null(rep);
	return rep;
}

static enum pkit_lint_level
level_of(const struct pkit_lint_report *r, const char *id)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->findings[i].rule->id, id) == 0)
			return r->findings[i].level;
	return PKIT_LINT_OFF;
}

static void
dump(const struct pkit_lint_report *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		print_message("# %s %s: %s\n",
		    pkit_lint_level_name(r->findings[i].level),
		    r->findings[i].rule->id, r->findings[i].message);
}

/* ---- the table ------------------------------------------------------- */

static void
test_table(void **state)
{
	size_t n = pkit_lint_rule_count(), i, j, on[2] = { 0, 0 };

	(void)state;
	assert_true(n >= 40);
	assert_null(pkit_lint_rule(n));
	for (i = 0; i < n; i++) {
		const struct pkit_lint_rule *r = pkit_lint_rule(i);

		assert_non_null(r);
		assert_true(strlen(r->id) > 3);
		assert_true(strncmp(r->source, "RFC ", 4) == 0 ||
		    strncmp(r->source, "BR ", 3) == 0);
		assert_true(strlen(r->summary) > 10);
		for (j = 0; j < 2; j++) {
			assert_true(r->level[j] <= PKIT_LINT_ERROR);
			on[j] += r->level[j] != PKIT_LINT_OFF;
		}
		for (j = i + 1; j < n; j++)
			assert_string_not_equal(r->id, pkit_lint_rule(j)->id);
	}
	assert_true(on[PKIT_LINT_PRIVATE] >= 40);
	assert_true(on[PKIT_LINT_WEB] > on[PKIT_LINT_PRIVATE]);
}

static void
test_profiles(void **state)
{
	struct pkit_ctx ctx;
	enum pkit_lint_profile p;

	(void)state;
	pkit_ctx_init(&ctx);
	assert_int_equal(pkit_lint_profile_parse(&ctx, "web", &p), PKIT_OK);
	assert_int_equal(p, PKIT_LINT_WEB);
	assert_int_equal(pkit_lint_profile_parse(&ctx, NULL, &p), PKIT_OK);
	assert_int_equal(p, PKIT_LINT_PRIVATE);
	assert_int_equal(pkit_lint_profile_parse(&ctx, "intranet", &p),
	    PKIT_ERR_ARG);
	assert_non_null(strstr(ctx.errbuf, "intranet"));
	assert_string_equal(pkit_lint_profile_name(PKIT_LINT_WEB), "web");
}

/* ---- good certificates pass ------------------------------------------ */

static void
test_good(void **state)
{
	struct spec leaf = { "leaf.example.com", { LEAF_EXTS,
	    "subjectAltName=DNS:leaf.example.com", NULL } };
	struct pkit_lint_report *r;
	X509 *x;

	(void)state;
	r = lint(ca_crt, NULL, PKIT_LINT_PRIVATE);
	dump(r);
	assert_int_equal(r->n, 0);
	assert_true(r->applied >= 30);
	pkit_lint_report_free(r);

	x = build(&leaf, NULL);
	r = lint(x, ca_crt, PKIT_LINT_PRIVATE);
	dump(r);
	assert_int_equal(r->n, 0);
	assert_string_equal(r->subject, "CN=leaf.example.com");
	pkit_lint_report_free(r);
	X509_free(x);
}

/* ---- one broken certificate per case --------------------------------- */

struct lcase {
	const char *what;
	struct spec spec;
	const char *rule;
	enum pkit_lint_level private_level, web_level;
};

#define E PKIT_LINT_ERROR
#define W PKIT_LINT_WARN
#define N PKIT_LINT_NOTICE
#define O PKIT_LINT_OFF

static const struct lcase cases[] = {
	{ "a duplicated extension",
	  { "a.example.com", { LEAF_EXTS, "subjectAltName=DNS:a.example.com",
	    "subjectAltName=DNS:b.example.com", NULL } },
	  "no-duplicate-extensions", E, E },
	{ "an empty subject, SAN not critical",
	  { NULL, { LEAF_EXTS, "subjectAltName=DNS:a.example.com", NULL } },
	  "empty-subject-san-critical", E, E },
	{ "version 1 with extensions",
	  { "a.example.com", { "subjectAltName=DNS:a.example.com", NULL },
	    NULL, NULL, NULL, 0, 0, 1 },
	  "version-3-with-extensions", E, E },
	{ "a 65-character CN",
	  { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	    { LEAF_EXTS, NULL } },
	  "cn-max-64", E, E },
	{ "a three-letter country",
	  { "a.example.com", { LEAF_EXTS, "subjectAltName=DNS:a.example.com",
	    NULL }, NULL, NULL, NULL, 0, 0, 0, NULL, "C=USA" },
	  "country-two-letters", E, E },
	{ "an unknown critical extension",
	  { "a.example.com", { LEAF_EXTS, "subjectAltName=DNS:a.example.com",
	    "1.2.3.4.5=critical,DER:0500", NULL } },
	  "no-unknown-critical", W, E },
	{ "a critical AKI",
	  { "a.example.com", { "basicConstraints=critical,CA:FALSE",
	    "subjectAltName=DNS:a.example.com",
	    "authorityKeyIdentifier=critical,keyid:always", NULL } },
	  "aki-not-critical", E, E },
	{ "a critical SKI",
	  { "a.example.com", { "basicConstraints=critical,CA:FALSE",
	    "subjectAltName=DNS:a.example.com",
	    "authorityKeyIdentifier=keyid:always",
	    "subjectKeyIdentifier=critical,hash", NULL } },
	  "ski-not-critical", E, E },
	{ "a key usage with no bit",
	  { "a.example.com", { "basicConstraints=critical,CA:FALSE",
	    "keyUsage=critical,DER:030100", "subjectAltName=DNS:a.example.com",
	    "authorityKeyIdentifier=keyid:always", NULL } },
	  "key-usage-not-empty", E, E },
	{ "an empty EKU",
	  { "a.example.com", { "basicConstraints=critical,CA:FALSE",
	    "extendedKeyUsage=DER:3000", "subjectAltName=DNS:a.example.com",
	    "authorityKeyIdentifier=keyid:always", NULL } },
	  "eku-not-empty", E, E },
	{ "an empty SAN",
	  { "a.example.com", { LEAF_EXTS, "subjectAltName=DER:3000", NULL } },
	  "san-not-empty", E, E },
	{ "a URI with no scheme",
	  { "a.example.com", { LEAF_EXTS,
	    "subjectAltName=DNS:a.example.com,URI:/relative/path", NULL } },
	  "san-uri-scheme", E, E },
	{ "a bad e-mail address",
	  { "a.example.com", { LEAF_EXTS,
	    "subjectAltName=DNS:a.example.com,email:not-an-address", NULL } },
	  "san-email-syntax", E, E },
	{ "pathlen on a leaf",
	  { "a.example.com", { "basicConstraints=critical,CA:FALSE,pathlen:1",
	    "subjectAltName=DNS:a.example.com",
	    "authorityKeyIdentifier=keyid:always", NULL } },
	  "pathlen-needs-ca", E, E },
	{ "notAfter before notBefore",
	  { "a.example.com", { LEAF_EXTS, "subjectAltName=DNS:a.example.com",
	    NULL }, "20270201000000Z", "20270101000000Z" },
	  "validity-order", E, E },
	{ "GeneralizedTime before 2050",
	  { "a.example.com", { LEAF_EXTS, "subjectAltName=DNS:a.example.com",
	    NULL }, "20270101000000Z", "20270301000000Z" },
	  "validity-time-encoding", E, E },
	{ "not yet valid",
	  { "a.example.com", { LEAF_EXTS, "subjectAltName=DNS:a.example.com",
	    NULL }, "270201000000Z", "270301000000Z" },
	  "not-yet-valid", W, W },
	{ "expired",
	  { "a.example.com", { LEAF_EXTS, "subjectAltName=DNS:a.example.com",
	    NULL }, "261201000000Z", "270101000000Z" },
	  "not-expired", E, E },
	{ "an Ed25519 key with keyEncipherment",
	  { "a.example.com", { "basicConstraints=critical,CA:FALSE",
	    "keyUsage=critical,digitalSignature,keyEncipherment",
	    "subjectAltName=DNS:a.example.com",
	    "authorityKeyIdentifier=keyid:always", NULL },
	    NULL, NULL, "ED25519" },
	  "key-usage-fits-key", W, E },
	{ "an MD5 signature (self-signed RSA)",
	  { "a.example.com", { "basicConstraints=critical,CA:FALSE",
	    "subjectAltName=DNS:a.example.com", NULL },
	    NULL, NULL, "RSA2048", 1, 1 },
	  "sig-no-md5", E, E },
	{ "an RSA 1024 key",
	  { "a.example.com", { LEAF_EXTS, "subjectAltName=DNS:a.example.com",
	    NULL }, NULL, NULL, "RSA1024" },
	  "rsa-min-2048", E, E },
	{ "an ldap:// AIA",
	  { "a.example.com", { LEAF_EXTS, "subjectAltName=DNS:a.example.com",
	    "authorityInfoAccess=caIssuers;URI:ldap://ca.example.com/x", NULL } },
	  "aia-http", O, E },
	{ "a critical CRL DP",
	  { "a.example.com", { LEAF_EXTS, "subjectAltName=DNS:a.example.com",
	    "crlDistributionPoints=critical,URI:http://crl.example.com/c.crl",
	    NULL } },
	  "crldp-not-critical", W, W },
	{ "a policy twice",
	  { "a.example.com", { LEAF_EXTS, "subjectAltName=DNS:a.example.com",
	    "certificatePolicies=1.2.3.4,1.2.3.4", NULL } },
	  "policies-no-duplicate", E, E },
	{ "empty name constraints on a CA",
	  { "Sub CA", { "basicConstraints=critical,CA:TRUE",
	    "keyUsage=critical,keyCertSign", "subjectKeyIdentifier=hash",
	    "authorityKeyIdentifier=keyid:always",
	    "nameConstraints=critical,DER:3000", NULL } },
	  "name-constraints-not-empty", E, E },
	{ "an e-mail address in the subject",
	  { "a.example.com", { LEAF_EXTS, "subjectAltName=DNS:a.example.com",
	    NULL }, NULL, NULL, NULL, 0, 0, 0, NULL,
	    "emailAddress=a@example.com" },
	  "subject-no-email", N, W },
	{ "a private IP address",
	  { "a.example.com", { LEAF_EXTS,
	    "subjectAltName=DNS:a.example.com,IP:192.168.1.1", NULL } },
	  "san-no-reserved-ip", O, E },
	{ "a single-label name",
	  { "intranet", { LEAF_EXTS, "subjectAltName=DNS:intranet", NULL } },
	  "san-no-internal-names", O, E },
	{ "code signing on a TLS leaf",
	  { "a.example.com", { "basicConstraints=critical,CA:FALSE",
	    "keyUsage=critical,digitalSignature",
	    "extendedKeyUsage=serverAuth,codeSigning",
	    "subjectAltName=DNS:a.example.com",
	    "authorityKeyIdentifier=keyid:always", NULL } },
	  "tls-eku-values", O, E },
	{ "a leaf valid for 400 days",
	  { "a.example.com", { LEAF_EXTS, "subjectAltName=DNS:a.example.com",
	    NULL }, "270101000000Z", "280205000000Z" },
	  "tls-validity-398-days", O, E },
	{ "a 7-octet serial",
	  { "a.example.com", { LEAF_EXTS, "subjectAltName=DNS:a.example.com",
	    NULL }, NULL, NULL, NULL, 0, 0, 0, "01020304050607" },
	  "serial-64-bit-entropy", W, E },
	{ "a zero serial",
	  { "a.example.com", { LEAF_EXTS, "subjectAltName=DNS:a.example.com",
	    NULL }, NULL, NULL, NULL, 0, 0, 0, "00" },
	  "serial-positive", E, E },
	{ "a CA without SKI",
	  { "Sub CA", { "basicConstraints=critical,CA:TRUE",
	    "keyUsage=critical,keyCertSign",
	    "authorityKeyIdentifier=keyid:always", NULL } },
	  "ski-present-ca", E, E },
	{ "a CA without key usage",
	  { "Sub CA", { "basicConstraints=critical,CA:TRUE",
	    "subjectKeyIdentifier=hash",
	    "authorityKeyIdentifier=keyid:always", NULL } },
	  "ca-key-usage-present", E, E },
	{ "a CA key usage that is not critical",
	  { "Sub CA", { "basicConstraints=critical,CA:TRUE",
	    "keyUsage=keyCertSign", "subjectKeyIdentifier=hash",
	    "authorityKeyIdentifier=keyid:always", NULL } },
	  "ca-key-usage-critical", W, E },
};

#undef E
#undef W
#undef N
#undef O

static void
test_cases(void **state)
{
	size_t i;
	int p;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct lcase *c = &cases[i];
		X509 *x = build(&c->spec, NULL);

		for (p = 0; p < 2; p++) {
			struct pkit_lint_report *r = lint(x, ca_crt,
			    (enum pkit_lint_profile)p);
			enum pkit_lint_level want = p == PKIT_LINT_WEB ?
			    c->web_level : c->private_level;
			enum pkit_lint_level got = level_of(r, c->rule);

			if (got != want) {
				dump(r);
				fail_msg("%s (%s profile): %s is %s, wanted %s",
				    c->what, pkit_lint_profile_name(p), c->rule,
				    pkit_lint_level_name(got),
				    pkit_lint_level_name(want));
			}
			/* Findings are sorted worst first. */
			if (r->n > 1)
				assert_true(r->findings[0].level >=
				    r->findings[r->n - 1].level);
			assert_int_equal(r->errors + r->warnings + r->notices,
			    r->n);
			pkit_lint_report_free(r);
		}
		X509_free(x);
	}
}

static void
test_aki_matches_issuer(void **state)
{
	struct spec other = { "Other Root", {
	    "basicConstraints=critical,CA:TRUE",
	    "keyUsage=critical,keyCertSign", "subjectKeyIdentifier=hash",
	    NULL }, NULL, NULL, NULL, 0, 1 };
	struct spec leaf = { "a.example.com", { LEAF_EXTS,
	    "subjectAltName=DNS:a.example.com", NULL } };
	X509 *o, *x, *forged;
	struct pkit_lint_report *r;

	(void)state;
	o = build(&other, NULL);
	x = build(&leaf, NULL);
	/* The right issuer: the rule runs and passes. */
	r = lint(x, ca_crt, PKIT_LINT_PRIVATE);
	assert_int_equal(level_of(r, "aki-matches-issuer"), PKIT_LINT_OFF);
	assert_int_equal(r->n, 0);
	pkit_lint_report_free(r);
	/* A certificate that did not issue it is ignored. */
	r = lint(x, o, PKIT_LINT_PRIVATE);
	dump(r);
	assert_int_equal(r->n, 0);
	pkit_lint_report_free(r);
	/* The issuer's name and key but another SKI: flagged. */
	forged = X509_dup(ca_crt);
	assert_non_null(forged);
	X509_EXTENSION_free(X509_delete_ext(forged,
	    X509_get_ext_by_NID(forged, NID_subject_key_identifier, -1)));
	{
		ASN1_OCTET_STRING *ski = ASN1_OCTET_STRING_new();

		assert_true(ASN1_OCTET_STRING_set(ski,
		    (const unsigned char *)"0123456789abcdefghij", 20));
		assert_true(X509_add1_ext_i2d(forged, NID_subject_key_identifier,
		    ski, 0, X509V3_ADD_DEFAULT));
		ASN1_OCTET_STRING_free(ski);
	}
	assert_true(X509_sign(forged, ca_key, EVP_sha256()));
	r = lint(x, forged, PKIT_LINT_PRIVATE);
	assert_int_equal(level_of(r, "aki-matches-issuer"), PKIT_LINT_ERROR);
	pkit_lint_report_free(r);
	X509_free(forged);
	X509_free(o);
	X509_free(x);
}

static void
test_render(void **state)
{
	struct spec leaf = { "a.example.com", { "basicConstraints=CA:TRUE",
	    "subjectAltName=DNS:a.example.com", NULL } };
	struct pkit_ctx ctx;
	struct pkit_lint_report *r;
	X509 *x;
	char *s;

	(void)state;
	pkit_ctx_init(&ctx);
	x = build(&leaf, NULL);
	r = lint(x, ca_crt, PKIT_LINT_PRIVATE);
	assert_true(r->errors > 0);
	assert_int_equal(pkit_lint_report_text(&ctx, r, "x.crt", &s), PKIT_OK);
	assert_non_null(strstr(s, "x.crt: error: ca-bc-critical: "
	    "basicConstraints of a CA certificate is not critical "
	    "[RFC 5280 4.2.1.9]\n"));
	assert_non_null(strstr(s, " rules applied, private profile)\n"));
	free(s);
	assert_int_equal(pkit_lint_report_json(&ctx, r, "x.crt", &s), PKIT_OK);
	assert_non_null(strstr(s, "\"file\": \"x.crt\""));
	assert_non_null(strstr(s, "\"id\": \"ca-bc-critical\""));
	assert_non_null(strstr(s, "\"source\": \"RFC 5280 4.2.1.9\""));
	free(s);
	assert_int_equal(pkit_lint_rules_render(&ctx, 0, &s), PKIT_OK);
	assert_non_null(strstr(s, "ca-bc-critical"));
	free(s);
	assert_int_equal(pkit_lint_rules_render(&ctx, 1, &s), PKIT_OK);
	assert_int_equal(s[0], '[');
	free(s);
	pkit_lint_report_free(r);
	pkit_lint_report_free(NULL);
	X509_free(x);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_profiles),
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_aki_matches_issuer),
		cmocka_unit_test(test_render),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

/* test_capolicy.c - certificate issuance policies: table-driven cases
 * after RFC 5280 §4.2.1.10 name constraints and step-ca's policy tests. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/x509v3.h>

#include "lib/ca/policy.h"

/* One case: a policy, a request (CN and SANs, "|"-separated), whether it
 * passes, and the detail a refusal gives (NULL: not checked). */
struct xcase {
	const char *policy;
	const char *cn;
	const char *sans;
	int ok;
	const char *detail;
};

static const struct xcase x509_cases[] = {
	/* no policy, or an empty one: everything */
	{ "{}", "anything", "a.example.com|10.0.0.1", 1, NULL },
	{ "{\"x509\": {\"allow\": {}}}", "x", "a.example.com", 1, NULL },
	/* dNSName constraints: exact, and "*." = exactly one more label */
	{ "{\"x509\": {\"allow\": {\"dns\": [\"host.example.com\"]}}}",
	  NULL, "host.example.com", 1, NULL },
	{ "{\"x509\": {\"allow\": {\"dns\": [\"host.example.com\"]}}}",
	  NULL, "HOST.Example.COM", 1, NULL },
	{ "{\"x509\": {\"allow\": {\"dns\": [\"host.example.com\"]}}}",
	  NULL, "differenthost.example.com", 0,
	  "dns name \"differenthost.example.com\" not allowed" },
	{ "{\"x509\": {\"allow\": {\"dns\": [\"host.example.com\"]}}}",
	  NULL, "sub.host.example.com", 0, NULL },
	{ "{\"x509\": {\"allow\": {\"dns\": [\"*.example.com\"]}}}",
	  NULL, "www.example.com|host.example.com", 1, NULL },
	{ "{\"x509\": {\"allow\": {\"dns\": [\"*.example.com\"]}}}",
	  NULL, "example.com", 0, "dns name \"example.com\" not allowed" },
	{ "{\"x509\": {\"allow\": {\"dns\": [\"*.example.com\"]}}}",
	  NULL, "sub.host.example.com", 0, NULL },
	/* a label boundary: notexample.com is not under example.com */
	{ "{\"x509\": {\"allow\": {\"dns\": [\"*.example.com\"]}}}",
	  NULL, "a.notexample.com", 0, NULL },
	/* deny wins over allow */
	{ "{\"x509\": {\"allow\": {\"dns\": [\"*.local\"]}, "
	  "\"deny\": {\"dns\": [\"forbidden.local\"]}}}",
	  NULL, "ok.local", 1, NULL },
	{ "{\"x509\": {\"allow\": {\"dns\": [\"*.local\"]}, "
	  "\"deny\": {\"dns\": [\"forbidden.local\"]}}}",
	  NULL, "ok.local|forbidden.local", 0,
	  "dns name \"forbidden.local\" not allowed" },
	/* deny only: the rest is allowed */
	{ "{\"x509\": {\"deny\": {\"dns\": [\"*.bad.com\"]}}}",
	  NULL, "good.com|10.1.1.1", 1, NULL },
	{ "{\"x509\": {\"deny\": {\"dns\": [\"*.bad.com\"]}}}",
	  NULL, "x.bad.com", 0, NULL },
	/* allowing one type refuses the types without rules */
	{ "{\"x509\": {\"allow\": {\"dns\": [\"*.local\"]}}}",
	  NULL, "a.local|10.0.0.1", 0, "ip name \"10.0.0.1\" not allowed" },
	{ "{\"x509\": {\"allow\": {\"dns\": [\"*.local\"]}}}",
	  NULL, "a.local|jane@local", 0,
	  "email name \"jane@local\" not allowed" },
	/* literal wildcards need allowWildcardNames */
	{ "{\"x509\": {\"allow\": {\"dns\": [\"*.example.com\"]}}}",
	  NULL, "*.example.com", 0, "dns name \"*.example.com\" not allowed" },
	{ "{\"x509\": {\"allow\": {\"dns\": [\"*.example.com\"]}, "
	  "\"allowWildcardNames\": true}}", NULL, "*.example.com", 1, NULL },
	{ "{\"x509\": {\"allow\": {\"dns\": [\"*.example.com\"]}, "
	  "\"allowWildcardNames\": true}}", NULL, "*.*.example.com", 0, NULL },
	{ "{\"x509\": {\"deny\": {\"dns\": [\"*.example.com\"]}}}",
	  NULL, "*.example.com", 0, NULL },
	/* iPAddress: addresses and CIDR ranges, v4 and v6 */
	{ "{\"x509\": {\"allow\": {\"ip\": [\"192.168.0.1\"]}}}",
	  NULL, "192.168.0.1", 1, NULL },
	{ "{\"x509\": {\"allow\": {\"ip\": [\"192.168.0.1\"]}}}",
	  NULL, "192.168.0.30", 0, "ip name \"192.168.0.30\" not allowed" },
	{ "{\"x509\": {\"allow\": {\"ips\": [\"192.168.0.0/24\"]}}}",
	  NULL, "192.168.0.10|192.168.0.255", 1, NULL },
	{ "{\"x509\": {\"allow\": {\"ip\": [\"192.168.0.0/24\"]}}}",
	  NULL, "192.168.1.1", 0, NULL },
	{ "{\"x509\": {\"allow\": {\"ip\": [\"10.1.2.3/8\"]}}}",
	  NULL, "10.200.0.1", 1, NULL },
	{ "{\"x509\": {\"allow\": {\"ip\": [\"::1\"]}}}", NULL, "::1", 1, NULL },
	{ "{\"x509\": {\"allow\": {\"ip\": [\"::1\"]}}}", NULL, "::2", 0, NULL },
	{ "{\"x509\": {\"allow\": {\"ip\": [\"2001:db8:85a3::8a2e:370:7334/120\"]}}}",
	  NULL, "2001:db8:85a3::8a2e:370:7300", 1, NULL },
	{ "{\"x509\": {\"allow\": {\"ip\": [\"2001:db8:85a3::8a2e:370:7334/120\"]}}}",
	  NULL, "3001:db8:85a3::8a2e:370:7334", 0, NULL },
	/* an IPv4 range does not admit an IPv6 address */
	{ "{\"x509\": {\"allow\": {\"ip\": [\"0.0.0.0/0\"]}}}",
	  NULL, "::1", 0, NULL },
	{ "{\"x509\": {\"allow\": {\"ip\": [\"10.0.0.0/8\"]}, "
	  "\"deny\": {\"ip\": [\"10.0.0.0/16\"]}}}", NULL, "10.0.3.4", 0, NULL },
	{ "{\"x509\": {\"allow\": {\"ip\": [\"10.0.0.0/8\"]}, "
	  "\"deny\": {\"ip\": [\"10.0.0.0/16\"]}}}", NULL, "10.1.3.4", 1, NULL },
	/* rfc822Name: a mailbox, or a whole domain with "@" */
	{ "{\"x509\": {\"allow\": {\"email\": [\"jdoe@example.com\"]}}}",
	  NULL, "jdoe@example.com", 1, NULL },
	{ "{\"x509\": {\"allow\": {\"email\": [\"jdoe@example.com\"]}}}",
	  NULL, "jdoe@EXAMPLE.com", 1, NULL },
	{ "{\"x509\": {\"allow\": {\"email\": [\"jdoe@example.com\"]}}}",
	  NULL, "janedoe@example.com", 0,
	  "email name \"janedoe@example.com\" not allowed" },
	{ "{\"x509\": {\"allow\": {\"emails\": [\"@example.com\"]}}}",
	  NULL, "jdoe@example.com|janedoe@example.com", 1, NULL },
	{ "{\"x509\": {\"allow\": {\"email\": [\"@example.com\"]}}}",
	  NULL, "jdoe@www.example.com", 0, NULL },
	{ "{\"x509\": {\"allow\": {\"email\": [\"@example.com\"]}}}",
	  NULL, "jdoe@somehost.com", 0, NULL },
	{ "{\"x509\": {\"allow\": {\"email\": [\"@example.com\"]}}}",
	  NULL, ".jdoe@example.com", 0,
	  "cannot parse email rfc822Name \".jdoe@example.com\"" },
	/* uniformResourceIdentifier: the host, as a DNS rule */
	{ "{\"x509\": {\"allow\": {\"uri\": [\"host.example.com\"]}}}",
	  NULL, "https://host.example.com/a|sftp://u@host.example.com:22", 1,
	  NULL },
	{ "{\"x509\": {\"allow\": {\"uri\": [\"host.example.com\"]}}}",
	  NULL, "https://www.example.com", 0,
	  "uri name \"https://www.example.com\" not allowed" },
	{ "{\"x509\": {\"allow\": {\"uris\": [\"*.example.com\"]}}}",
	  NULL, "spiffe://a.example.com/workload", 1, NULL },
	{ "{\"x509\": {\"allow\": {\"uri\": [\"*.example.com\"]}}}",
	  NULL, "https://example.com", 0, NULL },
	{ "{\"x509\": {\"allow\": {\"uri\": [\"*.example.com\"]}}}",
	  NULL, "https://10.0.0.1/", 0, NULL },
	{ "{\"x509\": {\"allow\": {\"uri\": [\"*.example.com\"]}}}",
	  NULL, "urn:uuid:1234", 0, NULL },
	/* the subject common name: its own rules, else by what it is */
	{ "{\"x509\": {\"allow\": {\"dns\": [\"*.local\"]}}}",
	  "ca.local", "ca.local", 1, NULL },
	{ "{\"x509\": {\"allow\": {\"dns\": [\"*.local\"]}}}",
	  "ca.example.com", "ca.local", 0,
	  "cn name \"ca.example.com\" not allowed" },
	{ "{\"x509\": {\"allow\": {\"ip\": [\"192.168.0.0/24\"]}}}",
	  "192.168.0.1", NULL, 1, NULL },
	{ "{\"x509\": {\"allow\": {\"email\": [\"@local\"]}}}",
	  "ca@local", NULL, 1, NULL },
	{ "{\"x509\": {\"allow\": {\"email\": [\"@local\"]}}}",
	  "ca@example.com", NULL, 0, NULL },
	{ "{\"x509\": {\"allow\": {\"cn\": [\"Custom CA Name\"]}}}",
	  "custom ca name", NULL, 1, NULL },
	{ "{\"x509\": {\"allow\": {\"commonNames\": [\"Custom CA Name\"]}}}",
	  "Different CA Name", NULL, 0, NULL },
	{ "{\"x509\": {\"allow\": {\"cn\": [\"Custom\"], \"dns\": [\"*.local\"]}}}",
	  "a.local", "a.local", 1, NULL },
	{ "{\"x509\": {\"deny\": {\"cn\": [\"root\"]}}}", "root", NULL, 0,
	  "cn name \"root\" not allowed" },
	{ "{\"x509\": {\"allow\": {\"dns\": [\"*.local\"]}}}",
	  "Jane Doe", NULL, 0, "cannot parse cn domain \"Jane Doe\"" },
	/* IPv4-in-IPv6 addresses match IPv4 rules */
	{ "{\"x509\": {\"allow\": {\"ip\": [\"10.0.0.0/8\"]}}}",
	  NULL, "::ffff:10.1.1.1", 1, NULL },
	/* hostile names are quoted as Go's %q does */
	{ "{\"x509\": {\"allow\": {\"dns\": [\"*.local\"]}}}",
	  "a\"b", NULL, 0, "cn name \"a\\\"b\" not allowed" },
	{ "{\"x509\": {\"allow\": {\"dns\": [\"*.local\"]}}}",
	  NULL, "x.local|a\001.local", 0,
	  "cannot parse dns domain \"a\\x01.local\"" },
	/* a trailing dot or an empty label is not a domain */
	{ "{\"x509\": {\"deny\": {\"dns\": [\"bad.local\"]}}}",
	  NULL, "bad.local.", 0, NULL },
	{ "{\"x509\": {\"deny\": {\"dns\": [\"bad.local\"]}}}",
	  NULL, "a..local", 0, NULL },
	/* without rules of its type (nor allow rules), a name is not parsed */
	{ "{\"x509\": {\"deny\": {\"ip\": [\"10.0.0.1\"]}}}",
	  "Jane Doe", "urn:uuid:1234|we@@ird", 1, NULL },
	/* every name must pass: one bad name among good ones refuses */
	{ "{\"x509\": {\"allow\": {\"dns\": [\"*.local\"], "
	  "\"ip\": [\"10.0.0.0/8\"]}}}", "a.local", "a.local|b.local|10.9.9.9|"
	  "11.0.0.1", 0, "ip name \"11.0.0.1\" not allowed" },
};

static void
split(char *s, const char **v, size_t *n)
{
	char *p;

	*n = 0;
	if (s == NULL || *s == '\0')
		return;
	for (;;) {
		v[(*n)++] = s;
		if ((p = strchr(s, '|')) == NULL)
			break;
		*p = '\0';
		s = p + 1;
	}
}

static struct pkit_ca_policy *
policy(struct pkit_ctx *ctx, const char *text)
{
	struct pkit_ca_policy *p = (void *)1;
	json_error_t jerr;
	json_t *j = json_loads(text, 0, &jerr);

	assert_non_null(j);
	assert_int_equal(pkit_ca_policy_new(ctx, j, "policy", &p), PKIT_OK);
	json_decref(j);
	return p;
}

static void
test_x509_table(void **state)
{
	struct pkit_ctx ctx;
	const char *v[16];
	char buf[512];
	size_t i, n;
	int r;

	(void)state;
	for (i = 0; i < sizeof(x509_cases) / sizeof(x509_cases[0]); i++) {
		const struct xcase *c = &x509_cases[i];
		struct pkit_ca_policy *p;

		pkit_ctx_init(&ctx);
		p = policy(&ctx, c->policy);
		snprintf(buf, sizeof(buf), "%s", c->sans ? c->sans : "");
		split(buf, v, &n);
		r = pkit_ca_policy_check_x509(&ctx, p, c->cn, v, n);
		if ((r == 0) != c->ok)
			fail_msg("case %zu (%s, cn %s, sans %s): got %d: %s", i,
			    c->policy, c->cn ? c->cn : "-", c->sans ? c->sans : "-",
			    r, ctx.errbuf);
		if (!c->ok)
			assert_int_equal(r, PKIT_ERR_PERM);
		if (c->detail != NULL && strcmp(ctx.errbuf, c->detail) != 0)
			fail_msg("case %zu: detail \"%s\", want \"%s\"", i,
			    ctx.errbuf, c->detail);
		pkit_ca_policy_free(p);
		pkit_ctx_release(&ctx);
	}
}

struct scase {
	const char *policy;
	int host;
	const char *principals;
	int ok;
};

static const struct scase ssh_cases[] = {
	{ "{\"ssh\": {\"user\": {\"allow\": {\"email\": [\"@devops\"]}}}}", 0,
	  "jane@devops", 1 },
	{ "{\"ssh\": {\"user\": {\"allow\": {\"email\": [\"@devops\"]}}}}", 0,
	  "john@finance", 0 },
	/* a plain principal needs a principal rule once emails are allowed */
	{ "{\"ssh\": {\"user\": {\"allow\": {\"email\": [\"@devops\"]}}}}", 0,
	  "jane", 0 },
	{ "{\"ssh\": {\"user\": {\"allow\": {\"principal\": [\"*\"]}}}}", 0,
	  "johndoe|jane", 1 },
	{ "{\"ssh\": {\"user\": {\"allow\": {\"principals\": [\"johndoe\"]}}}}",
	  0, "janedoe", 0 },
	{ "{\"ssh\": {\"user\": {\"allow\": {\"principal\": [\"*\"]}, "
	  "\"deny\": {\"principal\": [\"root\"]}}}}", 0, "jane|root", 0 },
	/* a user certificate has no IP principals */
	{ "{\"ssh\": {\"user\": {\"allow\": {\"principal\": [\"*\"]}}}}", 0,
	  "10.0.0.1", 0 },
	{ "{\"ssh\": {\"host\": {\"allow\": {\"dns\": [\"*.local\"]}}}}", 1,
	  "host.local", 1 },
	{ "{\"ssh\": {\"host\": {\"allow\": {\"dns\": [\"*.local\"]}}}}", 1,
	  "host.example.com", 0 },
	{ "{\"ssh\": {\"host\": {\"allow\": {\"ip\": [\"192.168.0.0/24\"]}}}}",
	  1, "192.168.0.1", 1 },
	{ "{\"ssh\": {\"host\": {\"allow\": {\"ip\": [\"192.168.0.0/24\"]}}}}",
	  1, "10.0.0.1", 0 },
	/* rules for one type of certificate refuse the other type */
	{ "{\"ssh\": {\"host\": {\"allow\": {\"dns\": [\"*.local\"]}}}}", 0,
	  "jane", 0 },
	{ "{\"ssh\": {\"user\": {\"allow\": {\"principal\": [\"*\"]}}}}", 1,
	  "host.local", 0 },
	/* x509 rules do not apply to SSH */
	{ "{\"x509\": {\"allow\": {\"dns\": [\"*.local\"]}}}", 1, "h.example", 1 },
};

static void
test_ssh_table(void **state)
{
	struct pkit_ctx ctx;
	const char *v[16];
	char buf[512];
	size_t i, n;
	int r;

	(void)state;
	for (i = 0; i < sizeof(ssh_cases) / sizeof(ssh_cases[0]); i++) {
		const struct scase *c = &ssh_cases[i];
		struct pkit_ca_policy *p;

		pkit_ctx_init(&ctx);
		p = policy(&ctx, c->policy);
		snprintf(buf, sizeof(buf), "%s", c->principals);
		split(buf, v, &n);
		r = pkit_ca_policy_check_ssh(&ctx, p, c->host, v, n);
		if ((r == 0) != c->ok)
			fail_msg("ssh case %zu (%s, %s): got %d: %s", i, c->policy,
			    c->principals, r, ctx.errbuf);
		pkit_ca_policy_free(p);
		pkit_ctx_release(&ctx);
	}
}

/* Policies that do not load, and the message naming the rule. */
static void
test_bad_policies(void **state)
{
	static const struct {
		const char *json, *msg;
	} bad[] = {
		{ "[]", "policy: expected an object" },
		{ "{\"x509\": {\"allow\": {\"dns\": \"a.com\"}}}",
		  "policy.x509.allow.dns: expected a list of strings" },
		{ "{\"x509\": {\"allow\": {\"dns\": [\"a.*.com\"]}}}",
		  "policy.x509.allow.dns: a.*.com can only have a wildcard as its "
		  "first label" },
		{ "{\"x509\": {\"allow\": {\"dns\": [\"a..com\"]}}}",
		  "policy.x509.allow.dns: a..com is not a domain" },
		{ "{\"x509\": {\"allow\": {\"ip\": [\"10.0.0.0/33\"]}}}",
		  "policy.x509.allow.ip: cannot parse 10.0.0.0/33 as an IP address "
		  "or CIDR range" },
		{ "{\"x509\": {\"deny\": {\"ip\": [\"host\"]}}}",
		  "policy.x509.deny.ip: cannot parse host as an IP address or CIDR "
		  "range" },
		{ "{\"x509\": {\"allow\": {\"email\": [\"*@a.com\"]}}}",
		  "policy.x509.allow.email: *@a.com cannot contain an asterisk" },
		{ "{\"x509\": {\"allow\": {\"email\": [\"a@b@c.com\"]}}}",
		  "policy.x509.allow.email: a@b@c.com has too many @ characters" },
		{ "{\"x509\": {\"allow\": {\"email\": [\"@.example.com\"]}}}",
		  "policy.x509.allow.email: @.example.com is not a mailbox or "
		  "domain" },
		{ "{\"x509\": {\"allow\": {\"dsn\": [\"a.com\"]}}}",
		  "policy.x509.allow: unknown key dsn" },
		{ "{\"x509\": {\"allow\": {\"principal\": [\"a\"]}}}",
		  "policy.x509.allow: unknown key principal" },
		{ "{\"x509\": {\"alow\": {}}}", "policy.x509.alow: unknown key" },
		{ "{\"x509\": {\"allowWildcardNames\": \"yes\"}}",
		  "policy.x509.allowWildcardNames: expected true or false" },
		{ "{\"ssh\": {\"user\": {\"allow\": {\"dns\": [\"a.com\"]}}}}",
		  "policy.ssh.user.allow: unknown key dns" },
		{ "{\"ssh\": {\"group\": {}}}", "policy.ssh.group: unknown key" },
		{ "{\"x5O9\": {}}", "policy.x5O9: unknown key" },
	};
	struct pkit_ctx ctx;
	struct pkit_ca_policy *p;
	json_t *j;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		pkit_ctx_init(&ctx);
		j = json_loads(bad[i].json, JSON_DECODE_ANY, NULL);
		assert_non_null(j);
		p = (void *)1;
		assert_int_equal(pkit_ca_policy_new(&ctx, j, "policy", &p),
		    PKIT_ERR_FORMAT);
		assert_ptr_equal(p, NULL);
		if (strcmp(ctx.errbuf, bad[i].msg) != 0)
			fail_msg("bad %zu: \"%s\", want \"%s\"", i, ctx.errbuf,
			    bad[i].msg);
		json_decref(j);
		pkit_ctx_release(&ctx);
	}
	/* no rules at all: no policy */
	pkit_ctx_init(&ctx);
	j = json_loads("{\"x509\": {\"allow\": {\"dns\": []}}, \"ssh\": {}}", 0,
	    NULL);
	assert_int_equal(pkit_ca_policy_new(&ctx, j, "policy", &p), PKIT_OK);
	assert_null(p);
	assert_int_equal(pkit_ca_policy_has_x509(p), 0);
	json_decref(j);
	pkit_ctx_release(&ctx);
}

/* A certificate's names: its CN and SANs, with their ASN.1 types. */
static void
test_cert(void **state)
{
	struct pkit_ctx ctx;
	struct pkit_ca_policy *p;
	X509 *x;
	X509V3_CTX v3;
	X509_EXTENSION *ext;

	(void)state;
	pkit_ctx_init(&ctx);
	p = policy(&ctx, "{\"x509\": {\"allow\": {\"dns\": [\"*.local\"], "
	    "\"ip\": [\"10.0.0.0/8\"], \"email\": [\"@local\"]}}}");
	x = X509_new();
	assert_non_null(x);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
	    (const unsigned char *)"a.local", -1, -1, 0);
	X509V3_set_ctx(&v3, NULL, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &v3, NID_subject_alt_name,
	    "DNS:a.local,IP:10.1.2.3,email:me@local");
	assert_non_null(ext);
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	assert_int_equal(pkit_ca_policy_check_x509_cert(&ctx, p, x), PKIT_OK);
	ext = X509V3_EXT_conf_nid(NULL, &v3, NID_subject_alt_name,
	    "DNS:a.local,IP:192.168.1.1");
	X509_EXTENSION_free(X509_delete_ext(x, 0));
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	assert_int_equal(pkit_ca_policy_check_x509_cert(&ctx, p, x),
	    PKIT_ERR_PERM);
	assert_string_equal(ctx.errbuf, "ip name \"192.168.1.1\" not allowed");
	/* no policy: everything */
	assert_int_equal(pkit_ca_policy_check_x509_cert(&ctx, NULL, x), PKIT_OK);
	X509_free(x);
	pkit_ca_policy_free(p);
	pkit_ctx_release(&ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_x509_table),
		cmocka_unit_test(test_ssh_table),
		cmocka_unit_test(test_bad_policies),
		cmocka_unit_test(test_cert),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

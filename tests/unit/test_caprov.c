/* test_caprov.c - X5C validity limits (step's profileLimitDuration) and
 * editing the provisioners of a ca.json. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "lib/ca/authority_impl.h"
#include "lib/ca/provisioners.h"
#include "lib/fs.h"

#define SEC INT64_C(1000000000)

static char dir[] = "/tmp/pkit-test-caprov.XXXXXX";

static int
setup(void **state)
{
	(void)state;
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[256];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* ---- pkit_ca_x5c_limit ------------------------------------------------ */

static const struct limit_case {
	const char *what;
	time_t now, cred_nb, cred_na;	/* cred_na 0: not an X5C token */
	const char *req_nb, *req_na;	/* as asked ("" none) */
	time_t nb, na;			/* in: validity()'s answer */
	int status;			/* 0 or the refusal */
	time_t want_na;
} limit_cases[] = {
	{ "not X5C: untouched", 10000, 0, 0, "", "", 9940, 96400, 0, 96400 },
	{ "default clamped to the credential", 10000, 9000, 20000, "", "",
	  9940, 96400, 0, 20000 },
	{ "inside the credential: untouched", 10000, 9000, 20000, "", "1h",
	  9940, 13600, 0, 13600 },
	{ "asked to end after it: 403", 10000, 9000, 20000, "", "5h", 9940,
	  28000, 403, 0 },
	{ "asked to start before it: 403", 10000, 9000, 20000, "x", "",
	  8000, 12000, 403, 0 },
	{ "now before the credential starts: 403", 8500, 9000, 20000, "", "",
	  8440, 94900, 403, 0 },
	{ "clamped below the minimum: 403", 10000, 9000, 10100, "", "",
	  9940, 96400, 403, 0 },
	{ "ends exactly with it", 10000, 9000, 96400, "", "", 9940, 96400, 0,
	  96400 },
};

static void
test_x5c_limit(void **state)
{
	struct pkit_ca_claims claims;
	size_t i;

	(void)state;
	memset(&claims, 0, sizeof(claims));
	claims.min_tls = 300 * SEC;
	for (i = 0; i < sizeof(limit_cases) / sizeof(limit_cases[0]); i++) {
		const struct limit_case *c = &limit_cases[i];
		struct pkit_ca_auth_sign_req req;
		struct pkit_ca_refusal why;
		struct pkit_ca_ott tok;
		struct pkit_ctx ctx;
		time_t nb = c->nb, na = c->na;
		int r;

		pkit_ctx_init(&ctx);
		ctx.fixed_now = c->now;
		memset(&tok, 0, sizeof(tok));
		memset(&req, 0, sizeof(req));
		memset(&why, 0, sizeof(why));
		tok.cred_not_before = c->cred_nb;
		tok.cred_not_after = c->cred_na;
		req.not_before = c->req_nb;
		req.not_after = c->req_na;
		r = pkit_ca_x5c_limit(&ctx, &tok, &claims, &req, &nb, &na, &why);
		if (c->status == 0) {
			if (r != PKIT_OK || na != c->want_na || nb != c->nb)
				fail_msg("%s: r %d na %lld", c->what, r,
				    (long long)na);
		} else if (r == PKIT_OK || why.status != c->status ||
		    why.msg[0] == '\0')
			fail_msg("%s: r %d status %d", c->what, r, why.status);
		pkit_ctx_release(&ctx);
	}
}

/* ---- editing ca.json --------------------------------------------------- */

static const char base_json[] =
    "{\n"
    "\t\"root\": \"/x/root.crt\",\n"
    "\t\"crt\": \"/x/int.crt\",\n"
    "\t\"key\": \"/x/int.key\",\n"
    "\t\"address\": \":9000\",\n"
    "\t\"dnsNames\": [\"ca.test\"],\n"
    "\t\"x-mine\": {\"kept\": true},\n"
    "\t\"authority\": {\"provisioners\": [{\"type\": \"ACME\", "
    "\"name\": \"acme\", \"x-field\": 1}, {\"type\": \"Magic\", "
    "\"name\": \"m\"}]}\n"
    "}";

static json_t *
read_json(const char *path)
{
	json_error_t e;

	return json_load_file(path, 0, &e);
}

static void
test_edit(void **state)
{
	struct pkit_ca_prov_spec s;
	struct pkit_ctx ctx;
	const char *ch[] = { "dns-01" };
	char path[256];
	json_t *d, *list;
	struct stat st;

	(void)state;
	pkit_ctx_init(&ctx);
	snprintf(path, sizeof(path), "%s/ca.json", dir);
	assert_int_equal(pkit_file_write(&ctx, path, base_json,
	    strlen(base_json), PKIT_WRITE_PRIVATE | PKIT_WRITE_FORCE), PKIT_OK);

	/* add SSHPOP with a claim, then a second ACME */
	pkit_ca_prov_spec_init(&s);
	s.type = "sshpop";
	s.name = "pop";
	s.claims.enable_ssh_ca = 1;
	assert_int_equal(pkit_ca_provisioner_add(&ctx, path, &s, NULL), PKIT_OK);
	pkit_ca_prov_spec_init(&s);
	s.type = "ACME";
	s.name = "acme2";
	s.challenges = ch;
	s.nchallenges = 1;
	s.require_eab = 1;
	assert_int_equal(pkit_ca_provisioner_add(&ctx, path, &s, NULL), PKIT_OK);
	/* duplicates, also of a type pkit does not know */
	s.name = "acme";
	assert_int_equal(pkit_ca_provisioner_add(&ctx, path, &s, NULL),
	    PKIT_ERR_EXISTS);
	s.name = "m";
	assert_int_equal(pkit_ca_provisioner_add(&ctx, path, &s, NULL),
	    PKIT_ERR_EXISTS);
	/* a field of another type */
	pkit_ca_prov_spec_init(&s);
	s.x5c_roots = (const unsigned char *)"x";
	s.x5c_roots_len = 1;
	assert_int_equal(pkit_ca_provisioner_update(&ctx, path, "pop", &s,
	    NULL), PKIT_ERR_ARG);
	/* claims out of range are refused */
	pkit_ca_prov_spec_init(&s);
	s.claims.min_tls = 48 * 3600 * SEC;
	assert_int_not_equal(pkit_ca_provisioner_update(&ctx, path, "acme2", &s,
	    NULL), PKIT_OK);
	/* update, remove */
	pkit_ca_prov_spec_init(&s);
	s.claims.allow_renewal_after_expiry = 1;
	s.require_eab = 0;
	assert_int_equal(pkit_ca_provisioner_update(&ctx, path, "acme2", &s,
	    NULL), PKIT_OK);
	assert_int_equal(pkit_ca_provisioner_remove(&ctx, path, "acme"),
	    PKIT_OK);
	assert_int_equal(pkit_ca_provisioner_remove(&ctx, path, "acme"),
	    PKIT_ERR_NOT_FOUND);
	assert_int_equal(pkit_ca_provisioner_update(&ctx, path, "nope", &s,
	    NULL), PKIT_ERR_NOT_FOUND);

	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_non_null(d = read_json(path));
	assert_true(json_is_true(json_object_get(json_object_get(d, "x-mine"),
	    "kept")));
	list = json_object_get(json_object_get(d, "authority"), "provisioners");
	assert_int_equal(json_array_size(list), 3);
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(list, 0), "name")), "m");
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(list, 1), "name")), "pop");
	assert_true(json_is_true(json_object_get(json_object_get(
	    json_array_get(list, 1), "claims"), "enableSSHCA")));
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(list, 2), "name")), "acme2");
	assert_null(json_object_get(json_array_get(list, 2), "requireEAB"));
	assert_true(json_is_true(json_object_get(json_object_get(
	    json_array_get(list, 2), "claims"), "allowRenewalAfterExpiry")));
	json_decref(d);
	pkit_ctx_release(&ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_x5c_limit),
		cmocka_unit_test(test_edit),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

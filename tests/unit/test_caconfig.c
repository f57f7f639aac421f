/* test_caconfig.c - ca.json: parse, check, claims, paths, write back. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/ssl.h>

#include "lib/ca/ca_config.h"
#include "lib/fs.h"

#define MINUTE (INT64_C(60) * 1000000000)
#define HOUR (60 * MINUTE)

/* step ca init's ca.json, as captured from step-ca 0.19 (research/). */
static const char capture[] =
	"{\n"
	"\t\"root\": \"$STEPPATH/certs/root_ca.crt\",\n"
	"\t\"federatedRoots\": null,\n"
	"\t\"crt\": \"$STEPPATH/certs/intermediate_ca.crt\",\n"
	"\t\"key\": \"$STEPPATH/secrets/intermediate_ca_key\",\n"
	"\t\"address\": \"127.0.0.1:9443\",\n"
	"\t\"insecureAddress\": \"\",\n"
	"\t\"dnsNames\": [\n"
	"\t\t\"localhost\"\n"
	"\t],\n"
	"\t\"logger\": {\n"
	"\t\t\"format\": \"text\"\n"
	"\t},\n"
	"\t\"db\": {\n"
	"\t\t\"type\": \"badgerv2\",\n"
	"\t\t\"dataSource\": \"$STEPPATH/db\",\n"
	"\t\t\"badgerFileLoadingMode\": \"\"\n"
	"\t},\n"
	"\t\"authority\": {\n"
	"\t\t\"provisioners\": [\n"
	"\t\t\t{\n"
	"\t\t\t\t\"type\": \"JWK\",\n"
	"\t\t\t\t\"name\": \"admin\",\n"
	"\t\t\t\t\"key\": {\n"
	"\t\t\t\t\t\"use\": \"sig\",\n"
	"\t\t\t\t\t\"kty\": \"EC\",\n"
	"\t\t\t\t\t\"kid\": \"Arjc2Dd-aON62qujzlakwEgqM_7qCB_xCX7NrkMO5DQ\",\n"
	"\t\t\t\t\t\"crv\": \"P-256\",\n"
	"\t\t\t\t\t\"alg\": \"ES256\",\n"
	"\t\t\t\t\t\"x\": \"cCuliVX7sugQMd4QNSEIQEgIyfb3z99HjgwqUueKoQE\",\n"
	"\t\t\t\t\t\"y\": \"dXkSBOVpwMjwT132PqpHKqg1BLIX9y00uz3NBMCMJsU\"\n"
	"\t\t\t\t},\n"
	"\t\t\t\t\"encryptedKey\": \"eyJhbGciOiJQQkVTMi1IUzI1NitBMTI4S1ciLCJjdHkiOiJqd2sranNvbiIsImVuYyI6IkEyNTZHQ00iLCJwMmMiOjEwMDAwMCwicDJzIjoieWdsMV8zUngxVGU1YXBNNnlyU3NaZyJ9.z20b0QSO7Zr64AYRTAfbXDBp42j4_wCHH5nQMVZ4BCWYAIvjMs73ZA.14ige457ixe9d-iT.xhrKfmrEUQS1L-m1IVkHBlp7OdTFcScFEh9_Mvr5mObCYOvFoub1nIMML1QPjuu5-5YaokbwY8AYqWGa5AKdF0ef-6a8SLp5Hu6lhVlFmasREMKPTLmm57qEaEFgFFS3c3h9qSuHI5Y24rfm6FYqEFrYIdEeSwiC8dWOGyYJpgHXgJvtNNtFQRraMFIXVF0-5V_d4Fncy27qE2J99buFGdwQnUKREKc9zt0i0J-U1ie5EjnSxyfW7Uo2w7yhXxE34gvXwik-AhDLNWaIdwe0ZfzXoKb6ikHL31I558r72LRgofwoBQ4GQESQB3YBqZf4DYIJV2NlLvTCYh02cOU.3P8jWvmL7lk2ZgpPlLMGyg\"\n"
	"\t\t\t}\n"
	"\t\t]\n"
	"\t},\n"
	"\t\"tls\": {\n"
	"\t\t\"cipherSuites\": [\n"
	"\t\t\t\"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256\",\n"
	"\t\t\t\"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256\"\n"
	"\t\t],\n"
	"\t\t\"minVersion\": 1.2,\n"
	"\t\t\"maxVersion\": 1.3,\n"
	"\t\t\"renegotiation\": false\n"
	"\t}\n"
	"}";

static struct pkit_ca_config *
parse_ok(const char *json)
{
	struct pkit_ctx ctx;
	struct pkit_ca_config *cfg = NULL;
	int r;

	pkit_ctx_init(&ctx);
	r = pkit_ca_config_parse(&ctx, json, strlen(json), "ca.json", "/base",
	    &cfg);
	if (r != 0)
		fail_msg("parse failed: %s", ctx.errbuf);
	pkit_ctx_release(&ctx);
	return cfg;
}

/* Parsing json fails with a message holding want. */
static void
parse_bad(const char *json, const char *want)
{
	struct pkit_ctx ctx;
	struct pkit_ca_config *cfg = (struct pkit_ca_config *)&ctx;

	pkit_ctx_init(&ctx);
	assert_int_equal(pkit_ca_config_parse(&ctx, json, strlen(json),
	    "ca.json", NULL, &cfg), PKIT_ERR_FORMAT);
	assert_null(cfg);
	if (strstr(ctx.errbuf, want) == NULL)
		fail_msg("error '%s' lacks '%s'", ctx.errbuf, want);
	assert_true(strncmp(ctx.errbuf, "ca.json: ", 9) == 0);
	pkit_ctx_release(&ctx);
}

/* capture with one substitution (from must occur). */
static char *
capture_with(const char *from, const char *to)
{
	const char *p = strstr(capture, from);
	char *s;

	assert_non_null(p);
	assert_int_not_equal(asprintf(&s, "%.*s%s%s", (int)(p - capture),
	    capture, to, p + strlen(from)), -1);
	return s;
}

static void
capture_bad(const char *from, const char *to, const char *want)
{
	char *s = capture_with(from, to);

	parse_bad(s, want);
	free(s);
}

static void
test_capture(void **state)
{
	struct pkit_ca_config *cfg;
	const struct pkit_ca_provisioner *p;

	(void)state;
	cfg = parse_ok(capture);
	assert_int_equal(cfg->nroots, 1);
	assert_string_equal(cfg->roots[0], "$STEPPATH/certs/root_ca.crt");
	assert_int_equal(cfg->nfederated_roots, 0);
	assert_string_equal(cfg->crt, "$STEPPATH/certs/intermediate_ca.crt");
	assert_string_equal(cfg->key, "$STEPPATH/secrets/intermediate_ca_key");
	assert_null(cfg->password);
	assert_string_equal(cfg->address, "127.0.0.1:9443");
	assert_string_equal(cfg->insecure_address, "");
	assert_int_equal(cfg->ndns_names, 1);
	assert_string_equal(cfg->dns_names[0], "localhost");
	assert_string_equal(cfg->common_name, "Step Online CA");
	assert_string_equal(cfg->log_format, "text");
	assert_string_equal(cfg->db_type, "badgerv2");
	assert_string_equal(cfg->db_data_source, "$STEPPATH/db");
	assert_int_equal(cfg->backdate, MINUTE);
	assert_int_equal(cfg->disable_issued_at_check, 0);
	assert_int_equal(cfg->claims.max_tls, 0);
	assert_int_equal(cfg->claims.disable_renewal, -1);
	assert_int_equal(cfg->tls.min_version, TLS1_2_VERSION);
	assert_int_equal(cfg->tls.max_version, TLS1_3_VERSION);
	assert_int_equal(cfg->tls.ncipher_suites, 2);
	assert_string_equal(cfg->tls.ciphers,
	    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256");
	assert_int_equal(cfg->tls.renegotiation, 0);
	assert_int_equal(cfg->crl.enabled, 0);
	assert_int_equal(cfg->crl.cache_duration, 24 * HOUR);
	assert_int_equal(cfg->nprovisioners, 1);
	p = &cfg->provisioners[0];
	assert_string_equal(p->type, "JWK");
	assert_string_equal(p->name, "admin");
	assert_string_equal(p->kid, "Arjc2Dd-aON62qujzlakwEgqM_7qCB_xCX7NrkMO5DQ");
	assert_string_equal(p->id,
	    "admin:Arjc2Dd-aON62qujzlakwEgqM_7qCB_xCX7NrkMO5DQ");
	assert_non_null(p->encrypted_key);
	assert_true(strncmp(p->encrypted_key, "eyJhbGciOiJQQkVTMi1IUzI1NitB",
	    28) == 0);
	assert_string_equal(json_string_value(json_object_get(
	    json_object_get(p->json, "key"), "crv")), "P-256");
	assert_ptr_equal(pkit_ca_config_find_kid(cfg,
	    "Arjc2Dd-aON62qujzlakwEgqM_7qCB_xCX7NrkMO5DQ"), p);
	assert_null(pkit_ca_config_find_kid(cfg, "nope"));
	pkit_ca_config_free(cfg);
}

/* Written back unchanged, the capture comes out byte for byte. */
static void
test_encode_identity(void **state)
{
	struct pkit_ctx ctx;
	struct pkit_ca_config *cfg;
	char *out = NULL;
	size_t len = 0;

	(void)state;
	pkit_ctx_init(&ctx);
	cfg = parse_ok(capture);
	assert_int_equal(pkit_ca_config_encode(&ctx, cfg, &out, &len), PKIT_OK);
	assert_int_equal(len, strlen(out));
	assert_string_equal(out, capture);
	free(out);
	pkit_ca_config_free(cfg);
	pkit_ctx_release(&ctx);
}

/* Changed fields are written, unknown keys and types kept, durations
 * spelled as Go prints them unless unchanged. */
static void
test_encode_changes(void **state)
{
	static const char doc[] =
	    "{\"root\":[\"r1.crt\",\"r2.crt\"],\"crt\":\"i.crt\",\"key\":\"i.key\","
	    "\"address\":\":443\",\"dnsNames\":[\"ca.example\"],"
	    "\"futureKey\":{\"x\":1},"
	    "\"authority\":{\"claims\":{\"maxTLSCertDuration\":\"48h\"},"
	    "\"provisioners\":[{\"type\":\"GCP\",\"name\":\"g\"},"
	    "{\"type\":\"Martian\",\"name\":\"m\"},"
	    "{\"type\":\"acme\",\"name\":\"acme\",\"claims\":"
	    "{\"defaultTLSCertDuration\":\"5m\",\"minTLSCertDuration\":\"5m\"}}]}}";
	struct pkit_ctx ctx;
	struct pkit_ca_config *cfg, *again;
	json_t *d, *provs, *cl;
	char *out = NULL, *tmp;
	size_t len = 0;

	(void)state;
	pkit_ctx_init(&ctx);
	cfg = parse_ok(doc);
	assert_int_equal(cfg->nroots, 2);
	assert_int_equal(cfg->nprovisioners, 2);
	assert_string_equal(cfg->provisioners[0].id, "gcp/g");
	assert_string_equal(cfg->provisioners[1].type, "ACME");
	assert_string_equal(cfg->provisioners[1].id, "acme/acme");
	assert_int_equal(cfg->provisioners[1].claims.min_tls, 5 * MINUTE);
	assert_int_equal(cfg->claims.max_tls, 48 * HOUR);
	/* Change some. */
	cfg->provisioners[1].claims.max_tls = 90 * MINUTE;
	cfg->provisioners[1].claims.disable_renewal = 1;
	cfg->backdate = 2 * MINUTE;
	tmp = cfg->address;
	cfg->address = strdup("127.0.0.1:9000");
	free(tmp);
	assert_int_equal(pkit_ca_config_encode(&ctx, cfg, &out, &len), PKIT_OK);
	assert_non_null(strstr(out, "\n\t\"root\": [\n\t\t\"r1.crt\",\n"));
	d = json_loads(out, 0, NULL);
	assert_non_null(d);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(d,
	    "futureKey"), "x")), 1);
	assert_string_equal(json_string_value(json_object_get(d, "address")),
	    "127.0.0.1:9000");
	assert_true(json_is_null(json_object_get(d, "federatedRoots")));
	provs = json_object_get(json_object_get(d, "authority"), "provisioners");
	assert_int_equal(json_array_size(provs), 3);
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(provs, 1), "type")), "Martian");
	cl = json_object_get(json_array_get(provs, 2), "claims");
	assert_string_equal(json_string_value(json_object_get(cl,
	    "minTLSCertDuration")), "5m");
	assert_string_equal(json_string_value(json_object_get(cl,
	    "maxTLSCertDuration")), "1h30m0s");
	assert_true(json_is_true(json_object_get(cl, "disableRenewal")));
	assert_string_equal(json_string_value(json_object_get(
	    json_object_get(d, "authority"), "backdate")), "2m0s");
	assert_string_equal(json_string_value(json_object_get(
	    json_object_get(json_object_get(d, "authority"), "claims"),
	    "maxTLSCertDuration")), "48h");
	json_decref(d);
	/* And it parses back to the same. */
	assert_int_equal(pkit_ca_config_parse(&ctx, out, len, "out", NULL,
	    &again), PKIT_OK);
	assert_int_equal(again->provisioners[1].claims.max_tls, 90 * MINUTE);
	assert_int_equal(again->backdate, 2 * MINUTE);
	pkit_ca_config_free(again);
	free(out);
	pkit_ca_config_free(cfg);
	pkit_ctx_release(&ctx);
}

static void
test_errors(void **state)
{
	(void)state;
	parse_bad("", "line");
	parse_bad("{\"a\":1} x", "line 1");
	parse_bad("[]", "expected a JSON object");
	parse_bad("{\"a\":1,\"a\":2}", "duplicate");
	capture_bad("\"address\": \"127.0.0.1:9443\",", "", "address is required");
	capture_bad("127.0.0.1:9443", "localhost", "not a host:port");
	capture_bad("127.0.0.1:9443", "[::1:9443", "not a host:port");
	capture_bad("\"localhost\"\n\t]", "]", "dnsNames cannot be empty");
	capture_bad("\"$STEPPATH/certs/root_ca.crt\"", "7", "root: expected");
	capture_bad("\"$STEPPATH/certs/root_ca.crt\"", "\"\"", "root is required");
	capture_bad("\"crt\": \"$STEPPATH/certs/intermediate_ca.crt\",", "",
	    "crt is required");
	capture_bad("\"format\": \"text\"", "\"format\": \"xml\"",
	    "logger.format: 'xml'");
	capture_bad("\"minVersion\": 1.2", "\"minVersion\": 1.1",
	    "TLS 1.1 is not supported");
	capture_bad("\"minVersion\": 1.2", "\"minVersion\": \"1.2\"",
	    "tls.minVersion: expected a number");
	capture_bad("\"maxVersion\": 1.3", "\"maxVersion\": 1.25",
	    "not a TLS version");
	capture_bad("\"minVersion\": 1.2,\n\t\t\"maxVersion\": 1.3",
	    "\"minVersion\": 1.3,\n\t\t\"maxVersion\": 1.2",
	    "minVersion cannot be greater");
	capture_bad("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
	    "TLS_RSA_WITH_RC4_128_SHA", "'TLS_RSA_WITH_RC4_128_SHA' is not a "
	    "supported cipher suite");
	capture_bad("\"renegotiation\": false", "\"renegotiation\": 0",
	    "tls.renegotiation: expected true or false");
	capture_bad("\"name\": \"admin\",", "",
	    "authority.provisioners[0].name is required");
	capture_bad("\"type\": \"JWK\",", "\"type\": 5,",
	    "authority.provisioners[0].type: expected a string");
	capture_bad("\"provisioners\": [", "\"claims\": {\"minTLSCertDuration\": "
	    "300}, \"provisioners\": [",
	    "authority.claims.minTLSCertDuration: expected a duration");
	capture_bad("\"provisioners\": [", "\"backdate\": \"-1m\", "
	    "\"provisioners\": [", "authority.backdate cannot be negative");
	capture_bad("\"provisioners\": [", "\"backdate\": \"1 minute\", "
	    "\"provisioners\": [", "'1 minute' is not a duration");
	capture_bad("\"name\": \"admin\",", "\"name\": \"admin\", \"claims\": "
	    "{\"minTLSCertDuration\": \"1h\", \"maxTLSCertDuration\": \"30m\"},",
	    "minTLSCertDuration 1h0m0s is greater than max 30m0s");
	capture_bad("\"name\": \"admin\",", "\"name\": \"admin\", \"claims\": "
	    "{\"maxTLSCertDuration\": \"1h\"},",
	    "defaultTLSCertDuration 24h0m0s is outside its min and max");
	capture_bad("\"name\": \"admin\",", "\"name\": \"admin\", \"claims\": "
	    "{\"disableRenewal\": \"yes\"},",
	    "claims.disableRenewal: expected true or false");
	capture_bad("\"provisioners\": [", "\"provisioners\": [{\"type\":\"JWK\","
	    "\"name\":\"x\"},", "key is required for a JWK provisioner");
	capture_bad("\"provisioners\": [", "\"provisioners\": [{\"type\":\"ACME\","
	    "\"name\":\"admin\"},", "with the same name (\"admin\")");
	capture_bad("\"db\": {", "\"crl\": {\"cacheDuration\": 5}, \"db\": {",
	    "crl.cacheDuration: expected a duration");
	capture_bad("\"badgerv2\"", "null", "db.type is required");
}

static void
test_claims_resolve(void **state)
{
	struct pkit_ctx ctx;
	struct pkit_ca_claims prov, auth, out;
	struct pkit_ca_config *cfg;

	(void)state;
	pkit_ctx_init(&ctx);
	cfg = parse_ok("{\"root\":\"r\",\"crt\":\"c\",\"key\":\"k\","
	    "\"address\":\":1\",\"dnsNames\":[\"x\"]}");
	prov = cfg->claims;
	auth = cfg->claims;
	assert_int_equal(pkit_ca_claims_resolve(&ctx, &prov, NULL, "p", &out),
	    PKIT_OK);
	assert_int_equal(out.min_tls, 5 * MINUTE);
	assert_int_equal(out.default_tls, 24 * HOUR);
	assert_int_equal(out.max_tls, 24 * HOUR);
	assert_int_equal(out.default_user_ssh, 16 * HOUR);
	assert_int_equal(out.max_host_ssh, 720 * HOUR);
	assert_int_equal(out.disable_renewal, 0);
	/* The provisioner wins over the authority, the authority over the
	 * defaults. */
	auth.max_tls = 48 * HOUR;
	auth.default_tls = 36 * HOUR;
	auth.disable_renewal = 1;
	prov.default_tls = 1 * HOUR;
	prov.allow_renewal_after_expiry = 1;
	assert_int_equal(pkit_ca_claims_resolve(&ctx, &prov, &auth, "p", &out),
	    PKIT_OK);
	assert_int_equal(out.default_tls, HOUR);
	assert_int_equal(out.max_tls, 48 * HOUR);
	assert_int_equal(out.disable_renewal, 1);
	assert_int_equal(out.allow_renewal_after_expiry, 1);
	prov.min_tls = 2 * HOUR;
	assert_int_equal(pkit_ca_claims_resolve(&ctx, &prov, &auth, "p", &out),
	    PKIT_ERR_FORMAT);
	assert_non_null(strstr(ctx.errbuf, "p: defaultTLSCertDuration"));
	pkit_ca_config_free(cfg);
	pkit_ctx_release(&ctx);
}

static void
test_paths_and_forms(void **state)
{
	struct pkit_ctx ctx;
	struct pkit_ca_config *cfg;
	char *p = NULL;

	(void)state;
	pkit_ctx_init(&ctx);
	cfg = parse_ok("{\"root\":[\"certs/a.crt\",\"/abs/b.crt\"],"
	    "\"federatedRoots\":[\"f.crt\"],\"crt\":\"c\",\"key\":\"k\","
	    "\"address\":\"[::1]:9443\",\"dnsNames\":[\"x\",\"[::1]\"],"
	    "\"commonName\":\"My CA\",\"password\":\"s3cret\","
	    "\"logger\":{\"format\":\"json\"},"
	    "\"tls\":{\"cipherSuites\":[\"TLS_AES_128_GCM_SHA256\"],"
	    "\"minVersion\":1.3},"
	    "\"crl\":{\"enabled\":true,\"cacheDuration\":\"1h\"},"
	    "\"authority\":{\"disableIssuedAtCheck\":true,"
	    "\"provisioners\":[{\"type\":\"oidc\",\"name\":\"o\","
	    "\"clientID\":\"cid\"}]}}");
	assert_int_equal(pkit_ca_config_path(&ctx, cfg, cfg->roots[0], &p), 0);
	assert_string_equal(p, "/base/certs/a.crt");
	free(p);
	assert_int_equal(pkit_ca_config_path(&ctx, cfg, cfg->roots[1], &p), 0);
	assert_string_equal(p, "/abs/b.crt");
	free(p);
	assert_int_equal(cfg->nfederated_roots, 1);
	assert_string_equal(cfg->common_name, "My CA");
	assert_string_equal(cfg->password, "s3cret");
	assert_string_equal(cfg->log_format, "json");
	assert_int_equal(cfg->tls.min_version, TLS1_3_VERSION);
	assert_string_equal(cfg->tls.ciphers, "");
	assert_int_equal(cfg->crl.enabled, 1);
	assert_int_equal(cfg->crl.cache_duration, HOUR);
	assert_int_equal(cfg->disable_issued_at_check, 1);
	assert_null(cfg->db_type);
	assert_string_equal(cfg->provisioners[0].type, "OIDC");
	assert_string_equal(cfg->provisioners[0].id, "cid");
	assert_null(cfg->provisioners[0].kid);
	pkit_ca_config_free(cfg);
	/* TLS 1.3 suites only, with TLS 1.2 allowed: nothing to offer. */
	parse_bad("{\"root\":\"r\",\"crt\":\"c\",\"key\":\"k\",\"address\":\":1\","
	    "\"dnsNames\":[\"x\"],\"tls\":{\"cipherSuites\":"
	    "[\"TLS_AES_128_GCM_SHA256\"]}}", "no TLS 1.2 cipher suite");
	pkit_ctx_release(&ctx);
}

static void
test_load_and_write(void **state)
{
	char dir[] = "/tmp/pkit-test-caconfig.XXXXXX", path[256], cmd[300];
	struct pkit_ctx ctx;
	struct pkit_ca_config *cfg = NULL, *back = NULL;
	struct stat st;
	char *s;

	(void)state;
	pkit_ctx_init(&ctx);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/ca.json", dir);
	assert_int_equal(pkit_ca_config_load(&ctx, path, NULL, &cfg),
	    PKIT_ERR_NOT_FOUND);
	assert_null(cfg);
	assert_non_null(strstr(ctx.errbuf, path));
	s = capture_with("\"tls\": {", "\"password\": \"pw\",\n\t\"tls\": {");
	assert_int_equal(pkit_file_write(&ctx, path, s, strlen(s), 0), PKIT_OK);
	free(s);
	assert_int_equal(pkit_ca_config_load(&ctx, path, dir, &cfg), PKIT_OK);
	assert_string_equal(cfg->name, path);
	assert_string_equal(cfg->password, "pw");
	/* A configuration holding a password is written 0600. */
	snprintf(path, sizeof(path), "%s/out.json", dir);
	assert_int_equal(pkit_ca_config_write(&ctx, cfg, path, 0), PKIT_OK);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(pkit_ca_config_write(&ctx, cfg, path, 0),
	    PKIT_ERR_EXISTS);
	assert_int_equal(pkit_ca_config_load(&ctx, path, NULL, &back), PKIT_OK);
	assert_string_equal(back->password, "pw");
	pkit_ca_config_free(back);
	pkit_ca_config_free(cfg);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	pkit_ctx_release(&ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capture),
		cmocka_unit_test(test_encode_identity),
		cmocka_unit_test(test_encode_changes),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_claims_resolve),
		cmocka_unit_test(test_paths_and_forms),
		cmocka_unit_test(test_load_and_write),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

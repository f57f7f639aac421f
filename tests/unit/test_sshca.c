/* test_sshca.c - the client side of the SSH CA: SSHPOP tokens (their
 * header, claims and signature), the SSHPOP provisioner lookup, and the
 * ProxyCommand relay against a loopback echo server. */
#include "config.h"

#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "lib/codec.h"
#include "lib/jwk.h"
#include "lib/jws.h"
#include "lib/key.h"
#include "lib/sshca.h"
#include "lib/sshcert.h"

static struct pkit_ctx ctx;

static EVP_PKEY *
gen(const char *kty, const char *crv)
{
	struct pkit_keyspec spec = { kty, crv, 0, 0 };
	EVP_PKEY *k = NULL;

	assert_int_equal(pkit_key_generate(&ctx, &spec, &k), 0);
	return k;
}

/* A host certificate for key, signed by ca. */
static struct pkit_sshcert *
host_cert(EVP_PKEY *key, EVP_PKEY *ca)
{
	struct pkit_sshcert *c = NULL;

	assert_int_equal(pkit_sshcert_new(&ctx, key, PKIT_SSHCERT_HOST, &c), 0);
	assert_int_equal(pkit_sshcert_set_key_id(&ctx, c, "h"), 0);
	assert_int_equal(pkit_sshcert_add_principal(&ctx, c, "h.example"), 0);
	c->serial = UINT64_C(18446744073709551615);
	c->valid_after = 1;
	c->valid_before = PKIT_SSHCERT_FOREVER;
	assert_int_equal(pkit_sshcert_sign(&ctx, c, ca, NULL), 0);
	return c;
}

static void
check_pop(const char *kty, const char *crv, const char *alg)
{
	EVP_PKEY *key = gen(kty, crv), *ca = gen("EC", "P-256");
	struct pkit_sshcert *c = host_cert(key, ca);
	struct pkit_jws_verify_opts vo;
	struct pkit_jwk_key *k = NULL;
	struct pkit_jws *jws = NULL;
	json_t *hdr = NULL, *claims = NULL, *jwk = NULL;
	char *tok = NULL, *b64 = NULL;

	assert_int_equal(pkit_sshca_pop_token(&ctx, c, key,
	    "https://ca.example.com:9000/ignored/path", "renew", "pop",
	    1700000000, &tok), 0);
	assert_int_equal(pkit_jwt_decode(&ctx, tok, strlen(tok), &hdr, &claims,
	    NULL), 0);
	assert_string_equal(json_string_value(json_object_get(hdr, "alg")), alg);
	assert_int_equal(pkit_b64_encode(&ctx, PKIT_B64_STD, c->blob,
	    c->bloblen, &b64), 0);
	assert_string_equal(json_string_value(json_object_get(hdr, "sshpop")),
	    b64);
	assert_string_equal(json_string_value(json_object_get(claims, "aud")),
	    "https://ca.example.com:9000/1.0/ssh/renew#sshpop/pop");
	assert_string_equal(json_string_value(json_object_get(claims, "iss")),
	    "pop");
	assert_string_equal(json_string_value(json_object_get(claims, "sub")),
	    "18446744073709551615");
	assert_int_equal(json_integer_value(json_object_get(claims, "iat")),
	    1700000000);
	assert_int_equal(json_integer_value(json_object_get(claims, "exp")),
	    1700000300);
	assert_int_equal(strlen(json_string_value(json_object_get(claims,
	    "jti"))), 64);
	/* the certificate's key verifies it, another key does not */
	assert_int_equal(pkit_jws_parse(&ctx, tok, strlen(tok), "t", &jws), 0);
	assert_int_equal(pkit_jwk_from_key(&ctx, c->key, 0, &jwk), 0);
	assert_int_equal(pkit_jwk_key_new(&ctx, jwk, &k), 0);
	memset(&vo, 0, sizeof(vo));
	vo.alg = alg;
	assert_int_equal(pkit_jws_verify(&ctx, jws, k, &vo, NULL), 0);
	pkit_jwk_key_free(k);
	json_decref(jwk);
	assert_int_equal(pkit_jwk_from_key(&ctx, ca, 0, &jwk), 0);
	assert_int_equal(pkit_jwk_key_new(&ctx, jwk, &k), 0);
	vo.alg = "ES256";
	assert_int_not_equal(pkit_jws_verify(&ctx, jws, k, &vo, NULL), 0);
	pkit_jwk_key_free(k);
	json_decref(jwk);
	pkit_jws_free(jws);
	json_decref(hdr);
	json_decref(claims);
	free(tok);
	free(b64);
	pkit_sshcert_free(c);
	EVP_PKEY_free(key);
	EVP_PKEY_free(ca);
}

static void
test_pop_token(void **state)
{
	(void)state;
	check_pop("EC", "P-256", "ES256");
	check_pop("EC", "P-384", "ES384");
	check_pop("OKP", "Ed25519", "EdDSA");
}

static void
test_pop_wrong_key(void **state)
{
	EVP_PKEY *key = gen("EC", "P-256"), *other = gen("EC", "P-256");
	struct pkit_sshcert *c = host_cert(key, other);
	char *tok = (char *)"untouched";

	(void)state;
	assert_int_equal(pkit_sshca_pop_token(&ctx, c, other,
	    "https://ca.example.com", "revoke", "pop", 1700000000, &tok),
	    PKIT_ERR_MISMATCH);
	assert_null(tok);
	pkit_sshcert_free(c);
	EVP_PKEY_free(key);
	EVP_PKEY_free(other);
}

static void
test_sshpop_name(void **state)
{
	json_t *list = json_loads("[{\"type\":\"JWK\",\"name\":\"admin\"},"
	    "{\"type\":\"SSHPOP\",\"name\":\"a\"},{\"type\":\"sshpop\","
	    "\"name\":\"b\"}]", 0, NULL);
	const char *name = NULL;

	(void)state;
	assert_non_null(list);
	assert_int_equal(pkit_sshca_sshpop_name(&ctx, list, NULL, &name), 0);
	assert_string_equal(name, "a");
	assert_int_equal(pkit_sshca_sshpop_name(&ctx, list, "b", &name), 0);
	assert_string_equal(name, "b");
	assert_int_equal(pkit_sshca_sshpop_name(&ctx, list, "admin", &name),
	    PKIT_ERR_NOT_FOUND);
	assert_null(name);
	json_decref(list);
}

/* The relay carries bytes both ways and ends when the server closes. */
static void
test_relay(void **state)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int ls, in[2], out[2], status;
	char port[16], buf[64];
	ssize_t n;
	pid_t pid;

	(void)state;
	assert_true((ls = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(ls, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(ls, 1), 0);
	assert_int_equal(getsockname(ls, (struct sockaddr *)&sa, &sl), 0);
	snprintf(port, sizeof(port), "%u", ntohs(sa.sin_port));
	if ((pid = fork()) == 0) {
		/* echo "<what came>!" once the client half-closes */
		char b[64];
		size_t got = 0;
		int s = accept(ls, NULL, NULL);

		while (s >= 0 && got < sizeof(b) - 1 &&
		    (n = read(s, b + got, sizeof(b) - 1 - got)) > 0)
			got += (size_t)n;
		b[got++] = '!';
		if (s >= 0 && write(s, b, got) != (ssize_t)got)
			_exit(1);
		_exit(0);
	}
	assert_true(pid > 0);
	close(ls);
	assert_int_equal(pipe(in), 0);
	assert_int_equal(pipe(out), 0);
	assert_int_equal(write(in[1], "ping", 4), 4);
	close(in[1]);
	assert_int_equal(pkit_sshca_relay(&ctx, "127.0.0.1", port, in[0],
	    out[1]), 0);
	close(out[1]);
	n = read(out[0], buf, sizeof(buf));
	assert_int_equal(n, 5);
	assert_memory_equal(buf, "ping!", 5);
	close(in[0]);
	close(out[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* nobody listens there any more */
	assert_int_equal(pkit_sshca_relay(&ctx, "127.0.0.1", port, 0, 1),
	    PKIT_ERR_NET);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pop_token),
		cmocka_unit_test(test_pop_wrong_key),
		cmocka_unit_test(test_sshpop_name),
		cmocka_unit_test(test_relay),
	};
	int r;

	pkit_ctx_init(&ctx);
	r = cmocka_run_group_tests(tests, NULL, NULL);
	pkit_ctx_release(&ctx);
	return r;
}

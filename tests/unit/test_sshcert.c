/* test_sshcert.c - OpenSSH certificates: vectors from ssh-keygen, sign and
 * decode round trips for every CA key type, and corruption loops over the
 * decoder; plus the configuration text helpers. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "lib/codec.h"
#include "lib/key.h"
#include "lib/sshcert.h"
#include "lib/sshkey.h"

/* ssh-keygen -s vca -I vector@pkit -n alice,bob -z 4242
 *   -V 20240102030405:20340102030405 -O force-command=/bin/date (9.2p1):
 * a user ECDSA P-256 key signed by an Ed25519 CA. */
static const char vec_user[] =
    "ecdsa-sha2-nistp256-cert-v01@openssh.com AAAAKGVjZHNhLXNoYTItbmlzdHAy"
    "NTYtY2VydC12MDFAb3BlbnNzaC5jb20AAAAgGF+R802EHv2KyryhR0w4YDlWBF9ipRa7T"
    "I4Cd2cskN0AAAAIbmlzdHAyNTYAAABBBDoOcVLzBIR5rPeHkl/F8vOU6Ol+5SBXJOZ+EE"
    "mXqQ0mVFG1vMBIe/tN6a20daT5ABKw+d9KrpeH6m6x1L4wu7QAAAAAAAAQkgAAAAEAAAAL"
    "dmVjdG9yQHBraXQAAAAQAAAABWFsaWNlAAAAA2JvYgAAAABlk30lAAAAAHhjdKUAAAAiAA"
    "AADWZvcmNlLWNvbW1hbmQAAAANAAAACS9iaW4vZGF0ZQAAAIIAAAAVcGVybWl0LVgxMS1m"
    "b3J3YXJkaW5nAAAAAAAAABdwZXJtaXQtYWdlbnQtZm9yd2FyZGluZwAAAAAAAAAWcGVybW"
    "l0LXBvcnQtZm9yd2FyZGluZwAAAAAAAAAKcGVybWl0LXB0eQAAAAAAAAAOcGVybWl0LXVz"
    "ZXItcmMAAAAAAAAAAAAAADMAAAALc3NoLWVkMjU1MTkAAAAgByyAgSIndgOy6UHjVagm7x"
    "ylbSkKnFe79DO3Q2ji6YMAAABTAAAAC3NzaC1lZDI1NTE5AAAAQChl3DjXb3XMLA6g2aAK"
    "4+3gbzKvs3BTeD1GOrvlEIr5efbdFgjOYWV73JzEqlpcBQLOxZ4HWwWrZvCU8+rnIAg= "
    "vu\n";
static const char vec_user_ca_fp[] =
    "SHA256:ER10wQ+t9go9nbxKU9CpzZdQeYAQ6i43p1hAcPzwjag";
static const char vec_user_key_fp[] =
    "SHA256:BGNfKEG1keU3nl1svFSE0HbkUnB8ZEif0NfsdBLsqPo";

/* The same key as a host certificate from an RSA CA with rsa-sha2-256,
 * valid forever. */
static const char vec_host[] =
    "ecdsa-sha2-nistp256-cert-v01@openssh.com AAAAKGVjZHNhLXNoYTItbmlzdHAy"
    "NTYtY2VydC12MDFAb3BlbnNzaC5jb20AAAAgv4t2O58sKEAAt0A8lAeaIO0c/mBWbyGS4S"
    "e1mriRSQUAAAAIbmlzdHAyNTYAAABBBDoOcVLzBIR5rPeHkl/F8vOU6Ol+5SBXJOZ+EEmX"
    "qQ0mVFG1vMBIe/tN6a20daT5ABKw+d9KrpeH6m6x1L4wu7QAAAAAAAAAAAAAAAIAAAADcn"
    "NhAAAABQAAAAFoAAAAAAAAAAD//////////wAAAAAAAAAAAAAAAAAAARcAAAAHc3NoLXJz"
    "YQAAAAMBAAEAAAEBALla2Aiq8dYTQnCMzEWnzTtuH0p5OOfLvjO7VEKpDXNikPO2wbnCRT"
    "MJmldEnIGKWui0vVN8jVKxRliWcQ/TcZDAPR/kOG/1dGSeKlE8d5XJ56yUINxN2jRcNMEn"
    "kjKuAXHylN6R2c1cTw1ev0HX2sqOgMHxaIhG8dQnV4irYNWCW91Jw7XcrYbBj44AJ6KSrL"
    "IkqB/DrkJbBOlTMkyJYoan9oJZ33oI1sXV8c5NZ+z+MYrjMeWbV7voJtnOVstiGcAbp3DI"
    "G3rYi2JFHDSPr3AkI7Kxj/ekOw+ZaUrfKBHkmf8VHFDXAOdRTuQLyYkkv8SpQDkIRDV4Hu"
    "W0Kt8umFsAAAEUAAAADHJzYS1zaGEyLTI1NgAAAQB9mjWhM631QJOYNAmAqPDheKKDh47Q"
    "GujLh1TkSPQkye4BQnz1F3Xq1BAL1i9OqduM4joW3dxo9oJ025yMXtA+Lnzng3ZEQmKSR5"
    "4CFjBZopIo820Mcbr+sHuCVopnTCZgRH67hADq9T4iZNClCaIacC2xxtnZX0E5ytPG+g9H"
    "P+sPFYqz60qmiWHEJPSfWhoKbeKH3q64VNpi2PBsVxaOnNKiPI+CJdYe0y6B0RTHHLm6Co"
    "IahhmNmgF+SmQxkwbYzNGH6QBrurvktyNBQq5T4BzdSG4QtGKgPFWSaqa+XA9+CLDecMkJ"
    "pjd1jbG5Ve5JdQWADR0DaJYdrYoxhkn2 vu\n";

/* ssh-keygen -s <RSA 1024 CA> -t ssh-rsa -I sha1 -n a: signed with SHA-1,
 * which decodes (as in ssh-keygen -L) but does not verify for use. */
static const char vec_sha1[] =
    "ssh-ed25519-cert-v01@openssh.com "
    "AAAAIHNzaC1lZDI1NTE5LWNlcnQtdjAxQG9wZW5zc2guY29tAAAAIK58rtCtHaFxXBtI"
    "7XuhyW3xkMgyqQSmtgIkJKv49E9ZAAAAIKFT4mcqRZUxnS3HdmCjZV1WrVPSEgvBj6W+"
    "0QVXf/nIAAAAAAAAAAAAAAABAAAABHNoYTEAAAAFAAAAAWEAAAAAAAAAAP//////////"
    "AAAAAAAAAIIAAAAVcGVybWl0LVgxMS1mb3J3YXJkaW5nAAAAAAAAABdwZXJtaXQtYWdl"
    "bnQtZm9yd2FyZGluZwAAAAAAAAAWcGVybWl0LXBvcnQtZm9yd2FyZGluZwAAAAAAAAAK"
    "cGVybWl0LXB0eQAAAAAAAAAOcGVybWl0LXVzZXItcmMAAAAAAAAAAAAAAJcAAAAHc3No"
    "LXJzYQAAAAMBAAEAAACBAKq9LUevrefMChEjwO2HV2EjGf4zUlPb7SAOXUbox9L01t+3"
    "8ak2wc5B/2/J2+HUPECO6sNXLaOLnACuUXrJppZEAeKOPdibSSBXNVKGeD1yD6le0HEY"
    "fDDEdvJ5XTaBCEz/Kk2d3w+ec3WFijuYhV585fwA0XjwCI7BcM2ZyBtLAAAAjwAAAAdz"
    "c2gtcnNhAAAAgJDDbTdKkSx690VuZg60oNyCd5XGja5j32NGC6Y70VF9IArkVPLF4aqo"
    "7r9QpMb6I+Ew4jkwIYVkuKUf9mSnnvcMGTqiR0OCet1v8HEROuM8cmEp3cUGNNLGGJjU"
    "62tGYGYnCktgQKsgo+6YzGI773X59a3yReZgJrIPOJKXOx51";

static struct pkit_ctx ctx;

static int
setup(void **state)
{
	(void)state;
	pkit_ctx_init(&ctx);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	pkit_ctx_release(&ctx);
	return 0;
}

static EVP_PKEY *
gen(const char *kty, const char *crv, long bits)
{
	struct pkit_keyspec spec = { kty, crv, bits, 0 };
	EVP_PKEY *k = NULL;

	assert_int_equal(pkit_key_generate(&ctx, &spec, &k), 0);
	return k;
}

static struct pkit_sshcert *
parse(const char *line)
{
	struct pkit_sshcert *c = NULL;

	assert_int_equal(pkit_sshcert_parse(&ctx, (const unsigned char *)line,
	    strlen(line), "vec", &c, NULL), 0);
	return c;
}

static void
test_vector_user(void **state)
{
	struct pkit_sshcert *c;
	char *fp = NULL, *comment = NULL, *v = NULL, *line = NULL;
	size_t len;

	(void)state;
	assert_int_equal(pkit_sshcert_parse(&ctx,
	    (const unsigned char *)vec_user, strlen(vec_user), "vec", &c,
	    &comment), 0);
	assert_string_equal(comment, "vu");
	assert_int_equal(c->type, PKIT_SSHCERT_USER);
	assert_string_equal(pkit_sshcert_type_name(c),
	    "ecdsa-sha2-nistp256-cert-v01@openssh.com");
	assert_string_equal(c->key_id, "vector@pkit");
	assert_true(c->serial == 4242);
	assert_int_equal(c->nprincipals, 2);
	assert_string_equal(c->principals[0], "alice");
	assert_string_equal(c->principals[1], "bob");
	assert_true(c->valid_after == 1704164645);	/* 2024-01-02T03:04:05Z */
	assert_true(c->valid_before == 2019783845);	/* 2034-01-02T03:04:05Z */
	assert_int_equal(c->ncritical, 1);
	assert_string_equal(c->critical[0].name, "force-command");
	assert_int_equal(pkit_sshcert_opt_string(&c->critical[0], &v), 1);
	assert_string_equal(v, "/bin/date");
	assert_int_equal(c->nextensions, 5);
	assert_string_equal(c->sig_alg, "ssh-ed25519");
	assert_int_equal(pkit_sshkey_fingerprint(&ctx, c->ca, &fp), 0);
	assert_string_equal(fp, vec_user_ca_fp);
	free(fp);
	assert_int_equal(pkit_sshkey_fingerprint(&ctx, c->key, &fp), 0);
	assert_string_equal(fp, vec_user_key_fp);
	assert_int_equal(pkit_sshcert_verify(&ctx, c, c->ca, "vec"), 0);
	assert_int_equal(pkit_sshcert_check_time(&ctx, c, 1704164645, "v"), 0);
	assert_int_equal(pkit_sshcert_check_time(&ctx, c, 1704164644, "v"),
	    PKIT_ERR_EXPIRED);
	assert_int_equal(pkit_sshcert_check_time(&ctx, c, 2019783845, "v"),
	    PKIT_ERR_EXPIRED);
	assert_true(pkit_sshcert_has_principal(c, "bob"));
	assert_false(pkit_sshcert_has_principal(c, "carol"));
	/* Encoding gives back the same line. */
	assert_int_equal(pkit_sshcert_encode(&ctx, c, "vu", &line, &len), 0);
	assert_string_equal(line, vec_user);
	free(line);
	free(v);
	free(fp);
	free(comment);
	pkit_sshcert_free(c);
}

static void
test_vector_host(void **state)
{
	struct pkit_sshcert *c = parse(vec_host), *u = parse(vec_user);
	char *text = NULL;

	(void)state;
	assert_int_equal(c->type, PKIT_SSHCERT_HOST);
	assert_string_equal(c->sig_alg, "rsa-sha2-256");
	assert_true(c->valid_after == 0);
	assert_true(c->valid_before == PKIT_SSHCERT_FOREVER);
	assert_int_equal(c->nextensions, 0);
	assert_int_equal(pkit_sshcert_verify(&ctx, c, c->ca, "vec"), 0);
	/* Another CA's key does not verify it. */
	assert_int_equal(pkit_sshcert_verify(&ctx, c, u->ca, "vec"),
	    PKIT_ERR_VERIFY);
	assert_int_equal(pkit_sshcert_text(&ctx, c, "h", &text), 0);
	assert_non_null(strstr(text, "        Type: ecdsa-sha2-nistp256-cert-v01"
	    "@openssh.com host certificate\n"));
	assert_non_null(strstr(text, "(using rsa-sha2-256)\n"));
	assert_non_null(strstr(text, "        Valid: forever\n"));
	assert_non_null(strstr(text, "        Extensions: (none)\n"));
	free(text);
	pkit_sshcert_free(c);
	pkit_sshcert_free(u);
}

/* Sign a certificate for key with ca and decode what was made. */
static void
round_trip(EVP_PKEY *key, EVP_PKEY *ca, const char *alg,
    enum pkit_sshcert_type type)
{
	struct pkit_sshcert *c = NULL, *d = NULL;
	char *line = NULL, *comment = NULL;
	size_t len;

	assert_int_equal(pkit_sshcert_new(&ctx, key, type, &c), 0);
	assert_int_equal(pkit_sshcert_set_key_id(&ctx, c, "id"), 0);
	assert_int_equal(pkit_sshcert_add_principal(&ctx, c, "p1"), 0);
	assert_int_equal(pkit_sshcert_add_principal(&ctx, c, "p2"), 0);
	assert_int_equal(pkit_sshcert_add_extension(&ctx, c, "z@x", "v"), 0);
	assert_int_equal(pkit_sshcert_default_extensions(&ctx, c), 0);
	assert_int_equal(pkit_sshcert_add_critical(&ctx, c, "source-address",
	    "127.0.0.1/32"), 0);
	assert_int_equal(pkit_sshcert_add_critical(&ctx, c, "force-command",
	    "true"), 0);
	assert_int_equal(pkit_sshcert_random_serial(&ctx, c), 0);
	assert_true(c->serial != 0);
	c->valid_after = 1000;
	c->valid_before = 2000;
	assert_int_equal(pkit_sshcert_sign(&ctx, c, ca, alg), 0);
	/* Options are sorted by name. */
	assert_string_equal(c->critical[0].name, "force-command");
	assert_int_equal(pkit_sshcert_encode(&ctx, c, "c", &line, &len), 0);
	assert_int_equal(pkit_sshcert_parse(&ctx, (unsigned char *)line, len,
	    "rt", &d, &comment), 0);
	assert_string_equal(comment, "c");
	assert_int_equal(d->bloblen, c->bloblen);
	assert_memory_equal(d->blob, c->blob, c->bloblen);
	assert_int_equal(d->type, type);
	assert_true(d->serial == c->serial);
	assert_string_equal(d->key_id, "id");
	assert_int_equal(d->nprincipals, 2);
	assert_true(d->valid_after == 1000 && d->valid_before == 2000);
	assert_int_equal(d->nextensions, type == PKIT_SSHCERT_USER ? 6 : 1);
	assert_true(pkit_key_matches(d->key, key));
	assert_true(pkit_key_matches(d->ca, ca));
	assert_string_equal(d->sig_alg, c->sig_alg);
	if (alg != NULL)
		assert_string_equal(d->sig_alg, alg);
	assert_int_equal(pkit_sshcert_verify(&ctx, d, ca, "rt"), 0);
	free(line);
	free(comment);
	pkit_sshcert_free(c);
	pkit_sshcert_free(d);
}

static void
test_vector_sha1(void **state)
{
	struct pkit_sshcert *c = parse(vec_sha1);

	(void)state;
	assert_string_equal(c->sig_alg, "ssh-rsa");
	assert_int_equal(pkit_sshcert_verify(&ctx, c, c->ca, "vec"),
	    PKIT_ERR_VERIFY);
	assert_non_null(strstr(ctx.errbuf, "SHA-1"));
	pkit_sshcert_free(c);
}

static void
test_round_trips(void **state)
{
	EVP_PKEY *ca[5], *keys[3];
	size_t i, j;

	(void)state;
	ca[0] = gen("OKP", "Ed25519", 0);
	ca[1] = gen("EC", "P-256", 0);
	ca[2] = gen("EC", "P-384", 0);
	ca[3] = gen("EC", "P-521", 0);
	ca[4] = gen("RSA", NULL, 2048);
	keys[0] = gen("OKP", "Ed25519", 0);
	keys[1] = gen("EC", "P-256", 0);
	keys[2] = gen("RSA", NULL, 2048);
	for (i = 0; i < 5; i++)
		for (j = 0; j < 3; j++) {
			round_trip(keys[j], ca[i], NULL, PKIT_SSHCERT_USER);
			round_trip(keys[j], ca[i], NULL, PKIT_SSHCERT_HOST);
		}
	round_trip(keys[0], ca[4], "rsa-sha2-256", PKIT_SSHCERT_USER);
	round_trip(keys[0], ca[4], "rsa-sha2-512", PKIT_SSHCERT_HOST);
	for (i = 0; i < 5; i++)
		EVP_PKEY_free(ca[i]);
	for (i = 0; i < 3; i++)
		EVP_PKEY_free(keys[i]);
}

static void
test_builder_refusals(void **state)
{
	EVP_PKEY *k = gen("OKP", "Ed25519", 0), *rsa = gen("RSA", NULL, 2048);
	EVP_PKEY *x = gen("OKP", "X25519", 0), *pub = NULL;
	struct pkit_sshcert *c = NULL;
	unsigned char *blob = NULL;
	char *line = NULL;
	size_t len = 0;
	int i;

	(void)state;
	assert_int_equal(pkit_sshcert_new(&ctx, x, PKIT_SSHCERT_USER, &c),
	    PKIT_ERR_UNSUPPORTED);
	assert_null(c);
	assert_int_equal(pkit_sshcert_new(&ctx, k, 3, &c), PKIT_ERR_ARG);
	assert_int_equal(pkit_sshcert_new(&ctx, k, PKIT_SSHCERT_USER, &c), 0);
	assert_int_equal(pkit_sshcert_add_principal(&ctx, c, ""),
	    PKIT_ERR_ARG);
	assert_int_equal(pkit_sshcert_add_principal(&ctx, c, "a"), 0);
	assert_int_equal(pkit_sshcert_add_principal(&ctx, c, "a"),
	    PKIT_ERR_ARG);
	assert_int_equal(pkit_sshcert_add_extension(&ctx, c, "permit-pty",
	    NULL), 0);
	assert_int_equal(pkit_sshcert_add_extension(&ctx, c, "permit-pty",
	    NULL), PKIT_ERR_ARG);
	assert_int_equal(pkit_sshcert_add_critical(&ctx, c, "", NULL),
	    PKIT_ERR_ARG);
	/* Defaults do not repeat what is there. */
	assert_int_equal(pkit_sshcert_default_extensions(&ctx, c), 0);
	assert_int_equal(c->nextensions, 5);
	/* Not signed yet. */
	assert_int_equal(pkit_sshcert_encode(&ctx, c, NULL, &line, &len),
	    PKIT_ERR_ARG);
	/* An empty validity interval. */
	c->valid_after = c->valid_before = 5;
	assert_int_equal(pkit_sshcert_sign(&ctx, c, k, NULL), PKIT_ERR_ARG);
	c->valid_before = 6;
	/* A public key cannot sign; nor SHA-1; nor a mismatched alg. */
	assert_int_equal(pkit_sshkey_public_blob(&ctx, rsa, &blob, &len), 0);
	assert_int_equal(pkit_sshkey_from_blob(&ctx, blob, len, "b", &pub), 0);
	assert_int_equal(pkit_sshcert_sign(&ctx, c, pub, NULL), PKIT_ERR_ARG);
	assert_int_equal(pkit_sshcert_sign(&ctx, c, rsa, "ssh-rsa"),
	    PKIT_ERR_ARG);
	assert_int_equal(pkit_sshcert_sign(&ctx, c, k, "rsa-sha2-256"),
	    PKIT_ERR_ARG);
	assert_int_equal(pkit_sshcert_sign(&ctx, c, k, NULL), 0);
	/* The wrong CA does not verify it. */
	assert_int_equal(pkit_sshcert_verify(&ctx, c, rsa, "c"),
	    PKIT_ERR_VERIFY);
	/* Too many principals. */
	for (i = 0; i < PKIT_SSHCERT_MAX_PRINCIPALS - 1; i++) {
		char p[16];

		snprintf(p, sizeof(p), "p%d", i);
		assert_int_equal(pkit_sshcert_add_principal(&ctx, c, p), 0);
	}
	assert_int_equal(pkit_sshcert_add_principal(&ctx, c, "last"),
	    PKIT_ERR_ARG);
	free(blob);
	EVP_PKEY_free(pub);
	EVP_PKEY_free(k);
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(x);
	pkit_sshcert_free(c);
}

/* Every truncation, flips at every byte and any trailing data must be
 * refused, without crashing or leaking. */
static void
corrupt_all(const char *line)
{
	unsigned char *blob = NULL, *m;
	const char *sp = strchr(line, ' '), *end = sp + 1 + strcspn(sp + 1,
	    " \n");
	struct pkit_sshcert *c = NULL;
	size_t len = 0, i, bit;

	assert_int_equal(pkit_b64_decode(&ctx, PKIT_B64_STD, sp + 1,
	    (size_t)(end - sp - 1), &blob, &len), 0);
	assert_int_equal(pkit_sshcert_decode(&ctx, blob, len, "x", &c), 0);
	pkit_sshcert_free(c);
	m = malloc(len + 8);
	assert_non_null(m);
	for (i = 0; i < len; i++) {
		c = NULL;
		assert_int_not_equal(pkit_sshcert_decode(&ctx, blob, i, "x",
		    &c), 0);
		assert_null(c);
	}
	/* The lowest and highest bit and the whole byte, at every byte. */
	for (i = 0; i < len; i++) {
		for (bit = 0; bit < 3; bit++) {
			memcpy(m, blob, len);
			m[i] ^= bit == 0 ? 0x01 : bit == 1 ? 0x80 : 0xff;
			c = NULL;
			if (pkit_sshcert_decode(&ctx, m, len, "x", &c) == 0)
				fail_msg("flip %zu of byte %zu: accepted", bit,
				    i);
			assert_null(c);
		}
	}
	for (i = 1; i <= 8; i++) {
		memcpy(m, blob, len);
		memset(m + len, 0, i);
		assert_int_equal(pkit_sshcert_decode(&ctx, m, len + i, "x",
		    &c), PKIT_ERR_FORMAT);
		assert_non_null(strstr(ctx.errbuf, "trailing data"));
	}
	free(m);
	free(blob);
}

static void
test_corruptions(void **state)
{
	EVP_PKEY *ca = gen("EC", "P-384", 0), *k = gen("RSA", NULL, 2048);
	struct pkit_sshcert *c = NULL;
	char *line = NULL;
	size_t len;

	(void)state;
	corrupt_all(vec_user);
	corrupt_all(vec_host);
	assert_int_equal(pkit_sshcert_new(&ctx, k, PKIT_SSHCERT_USER, &c), 0);
	assert_int_equal(pkit_sshcert_add_principal(&ctx, c, "a"), 0);
	assert_int_equal(pkit_sshcert_default_extensions(&ctx, c), 0);
	assert_int_equal(pkit_sshcert_sign(&ctx, c, ca, NULL), 0);
	assert_int_equal(pkit_sshcert_encode(&ctx, c, NULL, &line, &len), 0);
	corrupt_all(line);
	free(line);
	pkit_sshcert_free(c);
	EVP_PKEY_free(ca);
	EVP_PKEY_free(k);
}

/* Hand-built certificates that are well signed but malformed inside. */
static void
test_malformed_fields(void **state)
{
	EVP_PKEY *ca = gen("OKP", "Ed25519", 0), *k = gen("OKP", "Ed25519", 0);
	struct pkit_sshcert *c = NULL, *d = NULL;
	struct pkit_sshbuf b = { 0 };
	unsigned char *sig = NULL, *cablob = NULL, *kb = NULL;
	size_t siglen, cabloblen, kblen;
	static const struct {
		const char *what;
		int dup, nul, type, bad_fc;
	} cases[] = {
		{ "duplicate extension", 1, 0, 1, 0 },
		{ "NUL in key id", 0, 1, 1, 0 },
		{ "type 3", 0, 0, 3, 0 },
		{ "force-command not a string", 0, 0, 1, 1 },
	};
	size_t i;

	(void)state;
	assert_int_equal(pkit_sshkey_public_blob(&ctx, ca, &cablob,
	    &cabloblen), 0);
	assert_int_equal(pkit_sshkey_public_blob(&ctx, k, &kb, &kblen), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pkit_sshbuf ext = { 0 }, crit = { 0 };

		pkit_sshbuf_put_cstring(&b, "ssh-ed25519-cert-v01@openssh.com");
		pkit_sshbuf_put_string(&b, "nonce", 5);
		assert_int_equal(pkit_sshkey_put_fields(&ctx, &b, k), 0);
		pkit_sshbuf_put_u64(&b, 1);
		pkit_sshbuf_put_u32(&b, (uint32_t)cases[i].type);
		pkit_sshbuf_put_string(&b, "a\0b", cases[i].nul ? 3 : 1);
		pkit_sshbuf_put_string(&b, "", 0);
		pkit_sshbuf_put_u64(&b, 0);
		pkit_sshbuf_put_u64(&b, 100);
		if (cases[i].bad_fc) {
			pkit_sshbuf_put_cstring(&crit, "force-command");
			pkit_sshbuf_put_string(&crit, "xx", 2);
		}
		pkit_sshbuf_put_string(&b, crit.d, crit.len);
		pkit_sshbuf_put_cstring(&ext, "permit-pty");
		pkit_sshbuf_put_string(&ext, "", 0);
		if (cases[i].dup) {
			pkit_sshbuf_put_cstring(&ext, "permit-pty");
			pkit_sshbuf_put_string(&ext, "", 0);
		}
		pkit_sshbuf_put_string(&b, ext.d, ext.len);
		pkit_sshbuf_put_string(&b, "", 0);
		pkit_sshbuf_put_string(&b, cablob, cabloblen);
		assert_int_equal(pkit_sshkey_sign(&ctx, ca, NULL, b.d, b.len,
		    &sig, &siglen), 0);
		pkit_sshbuf_put_string(&b, sig, siglen);
		assert_false(b.bad);
		d = NULL;
		if (pkit_sshcert_decode(&ctx, b.d, b.len, "x", &d) !=
		    PKIT_ERR_FORMAT)
			fail_msg("%s: accepted", cases[i].what);
		assert_null(d);
		free(sig);
		sig = NULL;
		pkit_sshbuf_free(&b);
		pkit_sshbuf_free(&ext);
		pkit_sshbuf_free(&crit);
	}
	free(cablob);
	free(kb);
	pkit_sshcert_free(c);
	EVP_PKEY_free(ca);
	EVP_PKEY_free(k);
}

static void
test_lines(void **state)
{
	struct pkit_sshcert *c = NULL;
	char buf[8192];
	static const char *const bad[] = {
		"", "# only a comment\n", "ssh-ed25519 AAAA\n",
		"ecdsa-sha2-nistp256-cert-v01@openssh.com\n",
		"ecdsa-sha2-nistp256-cert-v01@openssh.com !!!\n",
		"foo-cert-v01@openssh.com AAAA\n",
	};
	size_t i;

	(void)state;
	assert_true(pkit_sshcert_is_cert((const unsigned char *)vec_user,
	    strlen(vec_user)));
	assert_false(pkit_sshcert_is_cert((const unsigned char *)"ssh-rsa AA",
	    10));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_not_equal(pkit_sshcert_parse(&ctx,
		    (const unsigned char *)bad[i], strlen(bad[i]), "f", &c,
		    NULL), 0);
		assert_null(c);
		assert_non_null(strstr(ctx.errbuf, "f: "));
	}
	/* Comments and blank lines around one certificate are fine; two
	 * certificates are not. */
	snprintf(buf, sizeof(buf), "# c\n\n%s\n", vec_user);
	assert_int_equal(pkit_sshcert_parse(&ctx, (unsigned char *)buf,
	    strlen(buf), "f", &c, NULL), 0);
	pkit_sshcert_free(c);
	snprintf(buf, sizeof(buf), "%s%s", vec_user, vec_host);
	assert_int_equal(pkit_sshcert_parse(&ctx, (unsigned char *)buf,
	    strlen(buf), "f", &c, NULL), PKIT_ERR_FORMAT);
	/* The type on the line must be the type in the blob. */
	snprintf(buf, sizeof(buf), "ssh-ed25519-cert-v01@openssh.com%s",
	    strchr(vec_user, ' '));
	assert_int_equal(pkit_sshcert_parse(&ctx, (unsigned char *)buf,
	    strlen(buf), "f", &c, NULL), PKIT_ERR_FORMAT);
}

static void
test_descriptions(void **state)
{
	struct pkit_sshcert *c = parse(vec_user);
	char *text = NULL, *line = NULL;
	json_t *j = NULL;

	(void)state;
	assert_int_equal(pkit_sshcert_text(&ctx, c, "vu-cert.pub", &text), 0);
	assert_string_equal(text,
	    "vu-cert.pub:\n"
	    "        Type: ecdsa-sha2-nistp256-cert-v01@openssh.com user "
	    "certificate\n"
	    "        Public key: ECDSA-CERT SHA256:BGNfKEG1keU3nl1svFSE0HbkUnB8"
	    "ZEif0NfsdBLsqPo\n"
	    "        Signing CA: ED25519 SHA256:ER10wQ+t9go9nbxKU9CpzZdQeYAQ6i43"
	    "p1hAcPzwjag (using ssh-ed25519)\n"
	    "        Key ID: \"vector@pkit\"\n"
	    "        Serial: 4242\n"
	    "        Valid: from 2024-01-02T03:04:05Z to 2034-01-02T03:04:05Z\n"
	    "        Principals:\n"
	    "                alice\n"
	    "                bob\n"
	    "        Critical Options:\n"
	    "                force-command /bin/date\n"
	    "        Extensions:\n"
	    "                permit-X11-forwarding\n"
	    "                permit-agent-forwarding\n"
	    "                permit-port-forwarding\n"
	    "                permit-pty\n"
	    "                permit-user-rc\n");
	assert_int_equal(pkit_sshcert_json(&ctx, c, &j), 0);
	assert_string_equal(json_string_value(json_object_get(j, "KeyID")),
	    "vector@pkit");
	assert_int_equal(json_integer_value(json_object_get(j, "Serial")),
	    4242);
	assert_string_equal(json_string_value(json_object_get(
	    json_object_get(j, "CriticalOptions"), "force-command")),
	    "/bin/date");
	assert_int_equal(pkit_sshcert_fingerprint(&ctx, c->blob, c->bloblen,
	    "vu", PKIT_SSHFP_B64_RAW, 0, &line), 0);
	assert_string_equal(line, "256 SHA256:BGNfKEG1keU3nl1svFSE0HbkUnB8ZEif"
	    "0NfsdBLsqPo vu (ECDSA-CERT)");
	free(line);
	assert_int_equal(pkit_sshcert_blob_line(&ctx, c->blob, c->bloblen,
	    "vu", &line), 0);
	assert_int_equal(strncmp(line, vec_user, strlen(line)), 0);
	assert_true(pkit_sshcert_blob_is_cert(c->blob, c->bloblen));
	free(line);
	json_decref(j);
	free(text);
	pkit_sshcert_free(c);
}

static void
test_config_text(void **state)
{
	struct pkit_sshcert *c = parse(vec_user);
	EVP_PKEY *keys[1];
	char *out = NULL;

	(void)state;
	keys[0] = c->ca;
	assert_int_equal(pkit_sshconfig_known_hosts(&ctx, keys, 1, NULL, &out),
	    0);
	assert_string_equal(out, "@cert-authority * ssh-ed25519 AAAAC3NzaC1lZ"
	    "DI1NTE5AAAAIAcsgIEiJ3YDsulB41WoJu8cpW0pCpxXu/Qzt0No4umD\n");
	free(out);
	assert_int_equal(pkit_sshconfig_known_hosts(&ctx, keys, 1, "a b", &out),
	    PKIT_ERR_ARG);
	assert_int_equal(pkit_sshconfig_sshd(&ctx, "/e/ca.pub", "/e/k",
	    "/e/k-cert.pub", &out), 0);
	assert_string_equal(out, "TrustedUserCAKeys \"/e/ca.pub\"\n"
	    "HostKey \"/e/k\"\nHostCertificate \"/e/k-cert.pub\"\n");
	free(out);
	assert_int_equal(pkit_sshconfig_client(&ctx, "bad\"path", &out),
	    PKIT_ERR_ARG);
	/* Merge: added on top, then replaced in place. */
	assert_int_equal(pkit_sshconfig_merge(&ctx, "Port 1\n", 7, "A\n",
	    &out), 0);
	assert_string_equal(out, "# BEGIN pkit ssh config\nA\n"
	    "# END pkit ssh config\n\nPort 1\n");
	{
		char *again = NULL;

		assert_int_equal(pkit_sshconfig_merge(&ctx, out, strlen(out),
		    "B", &again), 0);
		assert_string_equal(again, "# BEGIN pkit ssh config\nB\n"
		    "# END pkit ssh config\n\nPort 1\n");
		free(again);
	}
	free(out);
	assert_int_equal(pkit_sshconfig_merge(&ctx, "", 0, "A\n", &out), 0);
	assert_string_equal(out, "# BEGIN pkit ssh config\nA\n"
	    "# END pkit ssh config\n");
	free(out);
	assert_int_equal(pkit_sshconfig_merge(&ctx,
	    "# BEGIN pkit ssh config\nX\n", 26, "A\n", &out), PKIT_ERR_FORMAT);
	/* Prepend a line: first, once; the rest kept in order. */
	assert_int_equal(pkit_sshconfig_prepend(&ctx, "", 0, "I", &out), 0);
	assert_string_equal(out, "I\n");
	free(out);
	assert_int_equal(pkit_sshconfig_prepend(&ctx, "a\nI\n\nI x\nI", 10,
	    "I", &out), 0);
	assert_string_equal(out, "I\na\n\nI x\n");
	free(out);
	assert_int_equal(pkit_sshconfig_prepend(&ctx, "a", 1, "I", &out), 0);
	assert_string_equal(out, "I\na\n");
	free(out);
	assert_int_equal(pkit_sshconfig_prepend(&ctx, "a", 1, "I\nJ", &out),
	    PKIT_ERR_ARG);
	pkit_sshcert_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vector_user),
		cmocka_unit_test(test_vector_host),
		cmocka_unit_test(test_vector_sha1),
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_builder_refusals),
		cmocka_unit_test(test_corruptions),
		cmocka_unit_test(test_malformed_fields),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_descriptions),
		cmocka_unit_test(test_config_text),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

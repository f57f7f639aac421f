/* test_sshagent.c - the ssh-agent client against a scripted fake agent:
 * the bytes of each request, and well-formed and hostile answers. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/key.h"
#include "lib/sshagent.h"
#include "lib/sshcert.h"
#include "lib/sshkey.h"

static struct pkit_ctx ctx;
static char dir[64], sock[128], dump[128];

static int
setup(void **state)
{
	(void)state;
	pkit_ctx_init(&ctx);
	snprintf(dir, sizeof(dir), "/tmp/pkit-agent-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(sock, sizeof(sock), "%s/s", dir);
	snprintf(dump, sizeof(dump), "%s/req", dir);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(sock);
	unlink(dump);
	rmdir(dir);
	pkit_ctx_release(&ctx);
	return 0;
}

/* A fake agent: accepts one connection, saves the request body to dump,
 * answers with the raw bytes ans (length prefix included), and exits. */
static pid_t
serve(const unsigned char *ans, size_t anslen)
{
	struct sockaddr_un sun;
	unsigned char hdr[4], buf[65536];
	size_t n, got;
	ssize_t r;
	pid_t pid;
	FILE *f;
	int lfd, fd;

	unlink(sock);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, sock, strlen(sock));
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(lfd >= 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(listen(lfd, 1), 0);
	if ((pid = fork()) != 0) {
		assert_true(pid > 0);
		close(lfd);
		return pid;
	}
	if ((fd = accept(lfd, NULL, NULL)) < 0 ||
	    recv(fd, hdr, 4, MSG_WAITALL) != 4)
		_exit(1);
	n = (size_t)hdr[0] << 24 | (size_t)hdr[1] << 16 |
	    (size_t)hdr[2] << 8 | hdr[3];
	if (n > sizeof(buf))
		_exit(1);
	for (got = 0; got < n; got += (size_t)r)
		if ((r = recv(fd, buf + got, n - got, 0)) <= 0)
			_exit(1);
	if ((f = fopen(dump, "wb")) == NULL ||
	    fwrite(buf, 1, n, f) != n || fclose(f) != 0)
		_exit(1);
	if (anslen > 0 && send(fd, ans, anslen, MSG_NOSIGNAL) < 0)
		_exit(1);
	close(fd);
	_exit(0);
}

static void
reap(pid_t pid)
{
	int st;

	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* The request the fake agent saw. */
static unsigned char *
request(size_t *len)
{
	static unsigned char buf[65536];
	FILE *f = fopen(dump, "rb");

	assert_non_null(f);
	*len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	return buf;
}

/* Run one request through a fake agent that answers ans. */
static struct pkit_sshagent *
connect_to(const unsigned char *ans, size_t anslen, pid_t *pid)
{
	struct pkit_sshagent *a = NULL;

	*pid = serve(ans, anslen);
	assert_int_equal(pkit_sshagent_open(&ctx, sock, &a), 0);
	return a;
}

static const unsigned char success[] = { 0, 0, 0, 1, 6 };
static const unsigned char failure[] = { 0, 0, 0, 1, 5 };

static void
test_list(void **state)
{
	/* Two identities: blob "k1" comment "c1", blob "k22" comment "". */
	static const unsigned char ans[] = {
		0, 0, 0, 28, 12, 0, 0, 0, 2,
		0, 0, 0, 2, 'k', '1', 0, 0, 0, 2, 'c', '1',
		0, 0, 0, 3, 'k', '2', '2', 0, 0, 0, 0,
	};
	static const unsigned char want[] = { 11 };
	struct pkit_sshagent_id *ids = NULL;
	struct pkit_sshagent *a;
	unsigned char *req;
	size_t n = 0, len;
	pid_t pid;

	(void)state;
	a = connect_to(ans, sizeof(ans), &pid);
	assert_int_equal(pkit_sshagent_list(&ctx, a, &ids, &n), 0);
	reap(pid);
	req = request(&len);
	assert_int_equal(len, 1);
	assert_memory_equal(req, want, 1);
	assert_int_equal(n, 2);
	assert_int_equal(ids[0].len, 2);
	assert_memory_equal(ids[0].blob, "k1", 2);
	assert_string_equal(ids[0].comment, "c1");
	assert_int_equal(ids[1].len, 3);
	assert_string_equal(ids[1].comment, "");
	pkit_sshagent_ids_free(ids, n);
	pkit_sshagent_close(a);
}

static void
test_list_hostile(void **state)
{
	static const struct {
		const char *what;
		unsigned char ans[32];
		size_t len;
		int err;
	} cases[] = {
		{ "failure", { 0, 0, 0, 1, 5 }, 5, PKIT_ERR_FORMAT },
		{ "count past the data", { 0, 0, 0, 5, 12, 0, 0, 0, 9 }, 9,
		  PKIT_ERR_FORMAT },
		{ "huge count", { 0, 0, 0, 5, 12, 0xff, 0xff, 0xff, 0xff }, 9,
		  PKIT_ERR_FORMAT },
		{ "trailing data", { 0, 0, 0, 6, 12, 0, 0, 0, 0, 7 }, 10,
		  PKIT_ERR_FORMAT },
		{ "string past the end", { 0, 0, 0, 13, 12, 0, 0, 0, 1,
		  0x7f, 0, 0, 0, 'k', 0, 0, 0 }, 17, PKIT_ERR_FORMAT },
		{ "empty blob", { 0, 0, 0, 13, 12, 0, 0, 0, 1, 0, 0, 0, 0,
		  0, 0, 0, 0 }, 17, PKIT_ERR_FORMAT },
		{ "zero length", { 0, 0, 0, 0 }, 4, PKIT_ERR_FORMAT },
		{ "length over the limit", { 0, 0x10, 0, 0, 12 }, 5,
		  PKIT_ERR_FORMAT },
		{ "short answer", { 0, 0, 0, 9, 12, 0 }, 6, PKIT_ERR_NET },
		{ "no answer", { 0 }, 0, PKIT_ERR_NET },
	};
	struct pkit_sshagent_id *ids = NULL;
	struct pkit_sshagent *a;
	size_t i, n = 0;
	pid_t pid;
	int r;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		a = connect_to(cases[i].ans, cases[i].len, &pid);
		r = pkit_sshagent_list(&ctx, a, &ids, &n);
		reap(pid);
		if (r != cases[i].err)
			fail_msg("%s: got %d (%s)", cases[i].what, r,
			    ctx.errbuf);
		assert_null(ids);
		assert_int_equal(n, 0);
		assert_non_null(strstr(ctx.errbuf, sock));
		pkit_sshagent_close(a);
	}
}

static void
test_add_with_cert(void **state)
{
	struct pkit_keyspec spec = { "OKP", "Ed25519", 0, 0 };
	struct pkit_sshbuf want = { 0 };
	struct pkit_sshcert *c = NULL;
	struct pkit_sshagent *a;
	EVP_PKEY *key = NULL, *ca = NULL, *other = NULL;
	unsigned char *req, sk[32], pk[32];
	size_t len, n = 32;
	pid_t pid;

	(void)state;
	assert_int_equal(pkit_key_generate(&ctx, &spec, &key), 0);
	assert_int_equal(pkit_key_generate(&ctx, &spec, &ca), 0);
	assert_int_equal(pkit_key_generate(&ctx, &spec, &other), 0);
	assert_int_equal(pkit_sshcert_new(&ctx, key, PKIT_SSHCERT_USER, &c),
	    0);
	assert_int_equal(pkit_sshcert_add_principal(&ctx, c, "joe"), 0);
	assert_int_equal(pkit_sshcert_sign(&ctx, c, ca, NULL), 0);

	a = connect_to(success, sizeof(success), &pid);
	assert_int_equal(pkit_sshagent_add(&ctx, a, key, c, "joe@x", 3600), 0);
	reap(pid);
	pkit_sshagent_close(a);
	/* draft-miller-ssh-agent 4.2.1 and 4.2.6: the certificate type, the
	 * certificate, the Ed25519 public and private key, the comment,
	 * then the lifetime constraint. */
	assert_true(EVP_PKEY_get_raw_private_key(key, sk, &n));
	n = 32;
	assert_true(EVP_PKEY_get_raw_public_key(key, pk, &n));
	pkit_sshbuf_put_u8(&want, 25);
	pkit_sshbuf_put_cstring(&want, "ssh-ed25519-cert-v01@openssh.com");
	pkit_sshbuf_put_string(&want, c->blob, c->bloblen);
	pkit_sshbuf_put_string(&want, pk, 32);
	pkit_sshbuf_put_u32(&want, 64);
	pkit_sshbuf_put(&want, sk, 32);
	pkit_sshbuf_put(&want, pk, 32);
	pkit_sshbuf_put_cstring(&want, "joe@x");
	pkit_sshbuf_put_u8(&want, 1);
	pkit_sshbuf_put_u32(&want, 3600);
	req = request(&len);
	assert_int_equal(len, want.len);
	assert_memory_equal(req, want.d, len);
	pkit_sshbuf_free(&want);

	/* A plain key, no lifetime: ADD_IDENTITY. */
	a = connect_to(success, sizeof(success), &pid);
	assert_int_equal(pkit_sshagent_add(&ctx, a, key, NULL, NULL, 0), 0);
	reap(pid);
	pkit_sshagent_close(a);
	req = request(&len);
	assert_int_equal(req[0], 17);
	assert_int_equal(req[4], 11);	/* strlen("ssh-ed25519") */

	/* The agent says no. */
	a = connect_to(failure, sizeof(failure), &pid);
	assert_int_equal(pkit_sshagent_add(&ctx, a, key, c, "x", 0),
	    PKIT_ERR_NOT_FOUND);
	reap(pid);
	assert_non_null(strstr(ctx.errbuf, "refused"));
	pkit_sshagent_close(a);

	/* A certificate for another key is refused before sending. */
	assert_int_equal(pkit_sshagent_add(&ctx, NULL, other, c, "x", 0),
	    PKIT_ERR_MISMATCH);

	pkit_sshcert_free(c);
	EVP_PKEY_free(key);
	EVP_PKEY_free(ca);
	EVP_PKEY_free(other);
}

static void
test_remove(void **state)
{
	static const unsigned char want_one[] = { 18, 0, 0, 0, 3, 'a', 'b',
	    'c' };
	static const unsigned char want_all[] = { 19 };
	struct pkit_sshagent *a;
	unsigned char *req;
	size_t len;
	pid_t pid;

	(void)state;
	a = connect_to(success, sizeof(success), &pid);
	assert_int_equal(pkit_sshagent_remove(&ctx, a,
	    (const unsigned char *)"abc", 3), 0);
	reap(pid);
	pkit_sshagent_close(a);
	req = request(&len);
	assert_int_equal(len, sizeof(want_one));
	assert_memory_equal(req, want_one, len);

	a = connect_to(success, sizeof(success), &pid);
	assert_int_equal(pkit_sshagent_remove_all(&ctx, a), 0);
	reap(pid);
	pkit_sshagent_close(a);
	req = request(&len);
	assert_int_equal(len, 1);
	assert_memory_equal(req, want_all, 1);

	a = connect_to(failure, sizeof(failure), &pid);
	assert_int_equal(pkit_sshagent_remove(&ctx, a,
	    (const unsigned char *)"abc", 3), PKIT_ERR_NOT_FOUND);
	reap(pid);
	pkit_sshagent_close(a);
}

static void
test_open(void **state)
{
	struct pkit_sshagent *a = NULL;
	char longpath[200];

	(void)state;
	unlink(sock);
	assert_int_equal(pkit_sshagent_open(&ctx, sock, &a),
	    PKIT_ERR_NOT_FOUND);
	assert_null(a);
	assert_non_null(strstr(ctx.errbuf, sock));
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[sizeof(longpath) - 1] = '\0';
	assert_int_equal(pkit_sshagent_open(&ctx, longpath, &a), PKIT_ERR_ARG);
	assert_int_equal(pkit_sshagent_open(&ctx, "", &a), PKIT_ERR_ARG);
	pkit_sshagent_close(NULL);
	pkit_sshagent_ids_free(NULL, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_list_hostile),
		cmocka_unit_test(test_add_with_cert),
		cmocka_unit_test(test_remove),
		cmocka_unit_test(test_open),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

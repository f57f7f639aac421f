/* main.c - process set-up around the dispatcher (src/cmd/root.c). */
#include "config.h"

#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <sodium.h>

#include "cmd/cmd.h"

/* Make sure fds 0, 1 and 2 are open, so that a file we open never lands on
 * one of them and receives stray output. */
static void
check_fds(void)
{
	int fd;

	for (;;) {
		if ((fd = open("/dev/null", O_RDWR)) == -1)
			return;
		if (fd > 2) {
			close(fd);
			return;
		}
	}
}

static void
base_path(char *buf, size_t size)
{
	const char *p = getenv("PKITPATH"), *home = getenv("HOME");
	struct passwd *pw;

	if (p != NULL && *p != '\0') {
		snprintf(buf, size, "%s", p);
		return;
	}
	if ((home == NULL || *home == '\0') && (pw = getpwuid(getuid())) != NULL)
		home = pw->pw_dir;
	snprintf(buf, size, "%s/.pkit", home != NULL ? home : ".");
}

int
main(int argc, char **argv)
{
	static char base[PATH_MAX];
	struct pkit_ctx ctx;
	struct globals g = { 0 };
	struct cmd_run run = { 0 };
	const char *ni;
	int r;

	check_fds();
	signal(SIGPIPE, SIG_IGN);
	/* A file over RLIMIT_FSIZE is a write error (EFBIG) to report, not
	 * a signal that kills a server in the middle of its work. */
	signal(SIGXFSZ, SIG_IGN);
	/* pkit sets every TLS and algorithm choice itself; the system's
	 * openssl.cnf is neither needed nor wanted (and costs start-up). */
	OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
	if (sodium_init() < 0) {
		fprintf(stderr, "%s: libsodium failed to initialise\n", PROG);
		return EXIT_FAIL;
	}
	pkit_ctx_init(&ctx);
	base_path(base, sizeof(base));
	g.base = base;
	ni = getenv("PKIT_NONINTERACTIVE");
	/* Whether a terminal exists is asked only when a prompt is needed. */
	g.interactive = ni == NULL || *ni == '\0';
	run.ctx = &ctx;
	run.g = &g;

	r = cmd_dispatch(&run, argc - 1, argv + 1);
	pkit_ctx_release(&ctx);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "%s: write error on standard output\n", PROG);
		return EXIT_FAIL;
	}
	return r;
}

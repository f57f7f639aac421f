/* ca_renew.c - `pkit ca renew` and `pkit ca rekey`: a new certificate for
 * the same identity over mutual TLS (POST /renew, /rekey), once or as a
 * daemon (the schedule is src/lib/ca/renewer.c).
 *
 * Files are replaced atomically (temporary file, fsync, rename), so a
 * process killed at any moment leaves the old or the new file; a rekey's
 * key and certificate are swapped as a pair (pair_write()).  In the
 * daemon, SIGHUP, SIGINT and SIGTERM are blocked and taken only between
 * renewals (sigtimedwait), never in the middle of one. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/x509.h>

#include "ca_client.h"
#include "cmd.h"
#include "lib/ca/client.h"
#include "lib/ca/offline.h"
#include "lib/ca/renewer.h"
#include "lib/ca/token.h"
#include "lib/fs.h"
#include "lib/key.h"
#include "lib/secret.h"
#include "lib/timeutil.h"
#include "lib/x509.h"
#include "lib/x509_build.h"

struct renew_opts {
	struct ca_flags ca;
	struct ca_offline_flags off;		/* renew */
	const char *password_file;
	const char *out;			/* renew */
	const char *out_cert, *out_key;		/* rekey */
	const char *private_key;		/* rekey */
	const char *kty, *crv;
	long size;
	const char *expires_in, *renew_period;
	const char *pid_file, *signal, *exec;
	long pid;
	int daemon, force, insecure;
};

#define T struct renew_opts
#define COMMON_OPTS(period, period_help) \
	OPT_PASSWORD_FILE(T), \
	{ "expires-in", 0, OPT_STRING, offsetof(T, expires_in), "duration", \
	  "renew only when the certificate expires within duration (plus " \
	  "a jitter of up to a twentieth of it); with --daemon, renew that " \
	  "long before the end" }, \
	{ "daemon", 0, OPT_BOOL, offsetof(T, daemon), NULL, \
	  "keep running and renew again and again (at 2/3 of each " \
	  "lifetime by default); implies --force" }, \
	{ period, 0, OPT_STRING, offsetof(T, renew_period), "duration", \
	  period_help }, \
	{ "exec", 0, OPT_STRING, offsetof(T, exec), "command", \
	  "run command after each renewal (split at spaces; no shell)" }, \
	{ "pid", 0, OPT_INT, offsetof(T, pid), "pid", \
	  "signal this process after each renewal" }, \
	{ "pid-file", 0, OPT_STRING, offsetof(T, pid_file), "file", \
	  "signal the process whose pid is in file (read at each renewal)", \
	  NULL, OPT_F_FILE }, \
	{ "signal", 0, OPT_STRING, offsetof(T, signal), "signal", \
	  "the signal for --pid and --pid-file: a number or a name such " \
	  "as HUP or USR1 (default HUP)" }, \
	OPT_FORCE(T), \
	OPT_INSECURE(T), \
	OPT_CA_URL(T, ca), \
	OPT_CA_ROOT(T, ca)

static const struct cmd_opt renew_opts[] = {
	{ "out", 0, OPT_STRING, offsetof(T, out), "file",
	  "write the new certificate to file, not over <crt-file>", NULL,
	  OPT_F_FILE, "output-file" },
	COMMON_OPTS("renew-period", "with --daemon: renew every duration "
	    "instead"),
	OPT_CA_OFFLINE(T, off),
	OPT_CA_PASSWORD_FILE(T, off),
	{ 0 }
};

static const struct cmd_opt rekey_opts[] = {
	{ "out-cert", 0, OPT_STRING, offsetof(T, out_cert), "file",
	  "write the new certificate to file, not over <crt-file>", NULL,
	  OPT_F_FILE },
	{ "out-key", 0, OPT_STRING, offsetof(T, out_key), "file",
	  "write the new key to file, not over <key-file>", NULL,
	  OPT_F_FILE },
	{ "private-key", 0, OPT_STRING, offsetof(T, private_key), "file",
	  "use this key (unencrypted, or with --password-file) instead of "
	  "generating one", NULL, OPT_F_FILE },
	OPT_KTY(T),
	OPT_CRV(T),
	OPT_SIZE(T),
	COMMON_OPTS("rekey-period", "with --daemon: rekey every duration "
	    "instead"),
	{ 0 }
};
#undef T

#define DAEMON_HELP \
	"With --daemon it keeps running: the next renewal is when a third " \
	"of the\ncertificate's lifetime is left (or --expires-in before the " \
	"end, or every\n--renew-period), less a random jitter of up to a " \
	"twentieth of the\nlifetime, as step schedules it.  It logs \"INFO: " \
	"<time> first renewal in\n...\" and \"INFO: <time> <name> certificate " \
	"renewed, next in ...\" on the\nstandard output, errors as \"ERROR: " \
	"...\" on the standard error.  After a\nfailure (the CA is down, say) " \
	"it retries with exponential back-off and\njitter, from about a "   \
	"second up to a tenth of the lifetime, until the\ncertificate " \
	"expires; then it exits with status 1.  SIGHUP renews at once;\n" \
	"SIGINT and SIGTERM stop it (status 0), never in the middle of a " \
	"renewal.\n" \
	"\n" \
	"After each renewal the process of --pid (or --pid-file, read each " \
	"time)\ngets --signal (SIGHUP by default), then --exec runs, split at " \
	"spaces\nwith no shell, as step does: use a script for anything " \
	"more.  Files are\nreplaced atomically: whenever the process is " \
	"killed, each file is the\nold one or the new one, never a mix.\n" \
	"\n" \
	"For cron or a systemd timer, 'pkit certificate needs-renewal' "   \
	"tells\nwhen to run; see docs/renewal.md and the pkit-renew@ units " \
	"in\ncontrib/systemd.\n" \
	"\n" \
	"--ca-url and --root not given come from PKIT_CA_URL and PKIT_ROOT, " \
	"else\nfrom $PKITPATH/config/defaults.json (see 'pkit ca bootstrap')."

static int cmd_renew(struct cmd_run *, int, char **);
static int cmd_rekey(struct cmd_run *, int, char **);

const struct cmd cmd_ca_renew = {
	"renew", cmd_renew, NULL, "<crt-file> <key-file>", 2, 2,
	"renew a certificate: same key, same names, a new validity",
	"Asks the CA for a new certificate with the subject, SANs and key of "
	"the\ncurrent one and the same lifetime (POST /renew), authenticated "
	"by\nmutual TLS with <crt-file> and <key-file>; a certificate that "
	"has\nexpired (which TLS cannot present) is sent in a token signed "
	"with its\nkey instead, which the CA accepts only if it allows renewal "
	"after\nexpiry.  The new certificate and the CA's intermediates "
	"replace\n<crt-file> (mode 0600), or go to --out.  Replacing a file "
	"needs --force\nor a yes at the prompt.  A revoked certificate cannot "
	"be renewed.\n"
	"\n"
	"With --expires-in the renewal happens only when the certificate "
	"expires\nwithin that duration; otherwise pkit says so and exits 0, "
	"which suits\ncron.\n"
	"\n"
	"With --offline the renewal is done here, without the CA's server, as "
	"step's\noffline mode does: with the CA's ca.json (--ca-config, "
	"default\n$PKITPATH/config/ca.json), its intermediate key (decrypted "
	"with\n--ca-password-file, ca.json's \"password\" or a prompt) and its "
	"database,\nwith the same checks as the server's (not revoked, issued "
	"by this CA,\nrenewal allowed, not expired unless allowed).\n"
	"\n"
	DAEMON_HELP,
	"Renew now, replacing the certificate:\n"
	"  $ pkit ca renew --force host.crt host.key\n"
	"Renew only within 8 hours of the end (for cron):\n"
	"  $ pkit ca renew --force --expires-in 8h host.crt host.key\n"
	"On the CA's host, with its server down:\n"
	"  $ pkit ca renew --offline --force --ca-password-file ca-pw.txt "
	"host.crt host.key\n"
	"Keep it renewed and reload nginx each time:\n"
	"  $ pkit ca renew --daemon --exec \"nginx -s reload\" host.crt "
	"host.key\n",
	renew_opts };

const struct cmd cmd_ca_rekey = {
	"rekey", cmd_rekey, NULL, "<crt-file> <key-file>", 2, 2,
	"renew a certificate with a new key",
	"Generates a new key (EC P-256 unless --kty, --crv or --size say "
	"other; or\nuses --private-key) and asks the CA for a certificate "
	"with the subject,\nSANs and lifetime of the current one for it (POST "
	"/rekey), authenticated\nby mutual TLS with <crt-file> and "
	"<key-file>.  The new key replaces\n<key-file> (or goes to --out-key) "
	"UNENCRYPTED, mode 0600, as step's\nrekey writes it, and then the "
	"certificate and the CA's intermediates\nreplace <crt-file> (or go to "
	"--out-cert).  Replacing files needs --force\nor a yes at the "
	"prompt.\n"
	"\n"
	"--expires-in, --daemon, --rekey-period, --pid, --signal and --exec "
	"work\nas for 'pkit ca renew'.\n"
	"\n"
	DAEMON_HELP,
	"Rekey now, replacing both files:\n"
	"  $ pkit ca rekey --force host.crt host.key\n"
	"Rekey to an Ed25519 key into new files:\n"
	"  $ pkit ca rekey --kty OKP --out-cert new.crt --out-key new.key "
	"host.crt host.key\n",
	rekey_opts };

/* What the renewals of one certificate share. */
struct renewer {
	struct cmd_run *run;
	struct ca_config cfg;
	struct pkit_ca_offline *off;	/* renew --offline */
	int rekey, daemon;
	const char *crt_out, *key_out;	/* key_out: rekey */
	STACK_OF(X509) *chain;		/* the current certificate */
	EVP_PKEY *key;			/* and its key */
	EVP_PKEY *new_key;		/* rekey --private-key */
	struct pkit_keyspec spec;
	struct pkit_renew_sched sched;
	char **exec_argv;
	const char *exec;
	long pid;
	const char *pid_file;
	int signo;
	sigset_t oldmask;		/* for the --exec child */
};

/* ---- flags ----------------------------------------------------------- */

static int
parse_signal(const char *s, int *out)
{
	static const struct {
		const char *name;
		int num;
	} sigs[] = {
		{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT },
		{ "KILL", SIGKILL }, { "USR1", SIGUSR1 }, { "USR2", SIGUSR2 },
		{ "ALRM", SIGALRM }, { "TERM", SIGTERM }, { "CONT", SIGCONT },
		{ "WINCH", SIGWINCH },
	};
	const char *name = s;
	char *end;
	long v;
	size_t i;

	if (*s >= '0' && *s <= '9') {
		v = strtol(s, &end, 10);
		if (*end == '\0' && v > 0 && v < 65) {
			*out = (int)v;
			return 0;
		}
		return -1;
	}
	if (strncasecmp(name, "SIG", 3) == 0)
		name += 3;
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (strcasecmp(name, sigs[i].name) == 0) {
			*out = sigs[i].num;
			return 0;
		}
	return -1;
}

/* A --expires-in or --renew-period value in nanoseconds (0 when unset). */
static int
duration_flag(struct cmd_run *run, const char *s, const char *flag,
    int64_t *out)
{
	*out = 0;
	if (s == NULL)
		return EXIT_OK;
	if (pkit_duration_parse(run->ctx, s, flag, out) != 0)
		return cmd_usage_error(run, "%s", run->ctx->errbuf);
	if (*out <= 0)
		return cmd_usage_error(run, "%s must be positive", flag);
	return EXIT_OK;
}

/* A pid from the first line of path. */
static int
read_pid(struct cmd_run *run, const char *path, long *out)
{
	unsigned char *buf = NULL;
	char *end;
	size_t len = 0;
	long v;
	int r;

	if ((r = pkit_file_read(run->ctx, path, 4096, &buf, &len)) != 0)
		return r;
	v = strtol((char *)buf, &end, 10);
	while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r')
		end++;
	if (end == (char *)buf || *end != '\0' || v <= 0 || v > 0x7fffffffL) {
		free(buf);
		return pkit_seterr(run->ctx, PKIT_ERR_FORMAT, "%s: not a process "
		    "id", path);
	}
	free(buf);
	*out = v;
	return PKIT_OK;
}

/* ---- logging (the daemon) -------------------------------------------- */

/* "INFO: 2026/01/02 15:04:05 <message>", as step's Go logger writes. */
static void
logline(FILE *fp, const char *level, const char *fmt, ...)
{
	char when[32];
	struct tm tm;
	time_t now = time(NULL);
	va_list ap;

	if (localtime_r(&now, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y/%m/%d %H:%M:%S", &tm) == 0)
		when[0] = '\0';
	fprintf(fp, "%s: %s ", level, when);
	va_start(ap, fmt);
	vfprintf(fp, fmt, ap);
	va_end(ap);
	fputc('\n', fp);
	fflush(fp);
}

/* A duration rounded to the second, as Go's Round(time.Second) prints. */
static const char *
dur(int64_t ns, char *buf, size_t size)
{
	int64_t s = (ns + PKIT_NS_PER_SEC / 2) / PKIT_NS_PER_SEC;

	pkit_duration_format(s * PKIT_NS_PER_SEC, buf, size);
	return buf;
}

/* ---- one renewal ----------------------------------------------------- */

/* A rekey replaces two files that must stay a pair.  Both are first
 * written whole and synced as "<file>.pkit-new", then renamed: the key,
 * then the certificate, with nothing in between.  A run killed before the
 * key's rename leaves the old pair (and staged files that the next run
 * removes); one killed between the two renames leaves the certificate
 * staged, and the next run finishes the rename (pair_recover()). */
#define PAIR_STAGED ".pkit-new"

static int
pair_staged(struct cmd_run *run, const char *path, char *buf, size_t size)
{
	if ((size_t)snprintf(buf, size, "%s%s", path, PAIR_STAGED) >= size)
		return pkit_seterr(run->ctx, PKIT_ERR_ARG, "%s: path too long",
		    path);
	return PKIT_OK;
}

/* Finish or undo the pair update a killed rekey left behind. */
static int
pair_recover(struct cmd_run *run, const char *crt, const char *key)
{
	char crt_new[4096], key_new[4096];
	int r;

	if ((r = pair_staged(run, crt, crt_new, sizeof(crt_new))) != 0 ||
	    (r = pair_staged(run, key, key_new, sizeof(key_new))) != 0)
		return r;
	if (pkit_file_exists(key_new)) {
		/* the swap had not begun: the old pair stands */
		if (unlink(key_new) != 0 ||
		    (unlink(crt_new) != 0 && errno != ENOENT))
			return pkit_seterr_sys(run->ctx, "%s", key_new);
	} else if (pkit_file_exists(crt_new) && rename(crt_new, crt) != 0)
		return pkit_seterr_sys(run->ctx, "%s", crt_new);
	return PKIT_OK;
}

/* Replace key_out and crt_out with key and the PEM chain, as a pair. */
static int
pair_write(struct cmd_run *run, EVP_PKEY *key, const char *key_out,
    const char *crt_out, const unsigned char *pem, size_t len)
{
	unsigned char *kpem = NULL;
	size_t klen = 0;
	char crt_new[4096], key_new[4096];
	int r, swapped = 0;

	if ((r = pair_staged(run, crt_out, crt_new, sizeof(crt_new))) != 0 ||
	    (r = pair_staged(run, key_out, key_new, sizeof(key_new))) != 0 ||
	    (r = pkit_key_private_encode(run->ctx, key, PKIT_KEY_PEM, NULL,
	    &kpem, &klen)) != 0)
		return r;
	if ((r = pkit_file_write(run->ctx, key_new, kpem, klen,
	    PKIT_WRITE_PRIVATE | PKIT_WRITE_FORCE)) != 0 ||
	    (r = pkit_file_write(run->ctx, crt_new, pem, len,
	    PKIT_WRITE_PRIVATE | PKIT_WRITE_FORCE)) != 0)
		goto out;
	if (rename(key_new, key_out) != 0) {
		r = pkit_seterr_sys(run->ctx, "%s", key_out);
		goto out;
	}
	swapped = 1;
	if (rename(crt_new, crt_out) != 0) {
		/* the certificate stays staged for pair_recover() */
		r = pkit_seterr_sys(run->ctx, "%s", crt_out);
		goto out;
	}
	r = PKIT_OK;
out:
	if (r != 0 && !swapped) {
		(void)unlink(key_new);
		(void)unlink(crt_new);
	}
	pkit_secret_free(kpem, klen);
	return r;
}

/* Renew (or rekey) once: ask the CA, write the files, and make the new
 * certificate (and key) current. */
static int
renew_once(struct renewer *st)
{
	struct cmd_run *run = st->run;
	struct pkit_ca_client *c = NULL;
	STACK_OF(X509) *chain = NULL;
	EVP_PKEY *key = NULL;
	json_t *body = NULL, *resp = NULL;
	unsigned char *pem = NULL;
	char *csr = NULL, *token = NULL, what[512];
	size_t len = 0;
	time_t now = pkit_now(run->ctx);
	int expired = now > st->sched.not_after, r;

	if (st->off == NULL) {
		if ((r = ca_client_open(run, &st->cfg, &c)) != 0)
			goto out;
		snprintf(what, sizeof(what), "%s/%s", pkit_ca_client_url(c),
		    st->rekey ? "rekey" : "renew");
	}
	if (st->off != NULL) {
		/* --offline: the CA's own code, here. */
		snprintf(what, sizeof(what), "%s/renew",
		    pkit_ca_offline_url(st->off));
		if (!EVP_PKEY_up_ref(st->key)) {
			r = pkit_seterr(run->ctx, PKIT_ERR_INTERNAL, "key");
			goto out;
		}
		key = st->key;
		if ((r = pkit_ca_offline_renew(run->ctx, st->off,
		    sk_X509_value(st->chain, 0), &resp)) != 0)
			goto out;
	} else if (st->rekey) {
		if (expired) {
			r = pkit_seterr(run->ctx, PKIT_ERR_EXPIRED, "the "
			    "certificate has expired: a rekey needs mutual "
			    "TLS; get a new one with 'pkit ca certificate'");
			goto out;
		}
		if (st->new_key != NULL) {
			if (!EVP_PKEY_up_ref(st->new_key)) {
				r = pkit_seterr(run->ctx, PKIT_ERR_INTERNAL,
				    "key");
				goto out;
			}
			key = st->new_key;
		} else if ((r = pkit_key_generate(run->ctx, &st->spec,
		    &key)) != 0)
			goto out;
		if ((r = pkit_ca_csr(run->ctx, key, NULL, NULL, 0, &csr)) != 0 ||
		    (r = pkit_ca_rekey_body(run->ctx, csr, &body)) != 0 ||
		    (r = pkit_ca_client_set_identity(run->ctx, c, st->chain,
		    st->key)) != 0 ||
		    (r = pkit_ca_rekey(run->ctx, c, body, &resp, NULL)) != 0)
			goto out;
	} else {
		if (!EVP_PKEY_up_ref(st->key)) {
			r = pkit_seterr(run->ctx, PKIT_ERR_INTERNAL, "key");
			goto out;
		}
		key = st->key;
		if (expired) {
			/* TLS cannot present an expired certificate: step's
			 * token flow, which the CA accepts only if it allows
			 * renewal after expiry. */
			if ((r = pkit_token_renew(run->ctx, st->chain, st->key,
			    st->cfg.ca_url, now, &token)) != 0)
				goto out;
		} else if ((r = pkit_ca_client_set_identity(run->ctx, c,
		    st->chain, st->key)) != 0)
			goto out;
		if ((r = pkit_ca_renew(run->ctx, c, token, &resp, NULL)) != 0)
			goto out;
	}
	if ((r = pkit_ca_sign_response_chain(run->ctx, resp, what,
	    &chain)) != 0 ||
	    (r = pkit_ca_chain_pem(run->ctx, chain, &pem, &len)) != 0)
		goto out;
	if (!pkit_key_matches(X509_get0_pubkey(sk_X509_value(chain, 0)), key)) {
		r = pkit_seterr(run->ctx, PKIT_ERR_MISMATCH, "%s: the CA "
		    "returned a certificate for another key", what);
		goto out;
	}
	if (st->rekey) {
		if ((r = pair_write(run, key, st->key_out, st->crt_out, pem,
		    len)) != 0)
			goto out;
	} else if ((r = pkit_file_write(run->ctx, st->crt_out, pem, len,
	    PKIT_WRITE_PRIVATE | PKIT_WRITE_FORCE)) != 0)
		goto out;
	if ((r = pkit_renew_sched_cert(run->ctx, sk_X509_value(chain, 0),
	    &st->sched)) != 0)
		goto out;
	sk_X509_pop_free(st->chain, X509_free);
	st->chain = chain;
	chain = NULL;
	EVP_PKEY_free(st->key);
	st->key = key;
	key = NULL;
	r = PKIT_OK;
out:
	sk_X509_pop_free(chain, X509_free);
	EVP_PKEY_free(key);
	json_decref(body);
	json_decref(resp);
	free(pem);
	free(csr);
	free(token);
	pkit_ca_client_free(c);
	return r;
}

/* Run --exec and wait for it: 0, or an error naming its status. */
static int
run_exec(struct renewer *st)
{
	struct cmd_run *run = st->run;
	int fds[2], status, err = 0;
	ssize_t n;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) != 0)
		return pkit_seterr_sys(run->ctx, "--exec");
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) < 0) {
		close(fds[0]);
		close(fds[1]);
		return pkit_seterr_sys(run->ctx, "--exec");
	}
	if (pid == 0) {
		close(fds[0]);
		sigprocmask(SIG_SETMASK, &st->oldmask, NULL);
		execvp(st->exec_argv[0], st->exec_argv);
		err = errno;
		(void)!write(fds[1], &err, sizeof(err));
		_exit(127);
	}
	close(fds[1]);
	while ((n = read(fds[0], &err, sizeof(err))) < 0 && errno == EINTR)
		;
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return pkit_seterr_sys(run->ctx, "--exec: %s",
			    st->exec_argv[0]);
	if (n == (ssize_t)sizeof(err)) {
		errno = err;
		return pkit_seterr_sys(run->ctx, "--exec: cannot run %s",
		    st->exec_argv[0]);
	}
	if (WIFSIGNALED(status))
		return pkit_seterr(run->ctx, PKIT_ERR_SYSTEM, "--exec: %s was "
		    "killed by signal %d", st->exec, WTERMSIG(status));
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		return pkit_seterr(run->ctx, PKIT_ERR_SYSTEM, "--exec: %s "
		    "exited with status %d", st->exec, WEXITSTATUS(status));
	return PKIT_OK;
}

/* After a renewal: signal --pid/--pid-file, then run --exec (as step, in
 * that order). */
static int
after_renew(struct renewer *st)
{
	long pid = st->pid;
	int r;

	if (st->pid_file != NULL &&
	    (r = read_pid(st->run, st->pid_file, &pid)) != 0)
		return r;
	if (pid > 0 && kill((pid_t)pid, st->signo) != 0)
		return pkit_seterr_sys(st->run->ctx, "cannot send signal %d to "
		    "process %ld", st->signo, pid);
	if (st->exec_argv != NULL)
		return run_exec(st);
	return PKIT_OK;
}

/* ---- the daemon ------------------------------------------------------ */

static int64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * PKIT_NS_PER_SEC + ts.tv_nsec;
}

/* Wait up to ns for a signal of set: the signal, or 0 when the time is
 * up. */
static int
wait_signal(const sigset_t *set, int64_t ns)
{
	int64_t deadline = mono_ns() + ns, left;
	struct timespec ts;
	int sig;

	for (;;) {
		if ((left = deadline - mono_ns()) <= 0)
			return 0;
		ts.tv_sec = (time_t)(left / PKIT_NS_PER_SEC);
		ts.tv_nsec = (long)(left % PKIT_NS_PER_SEC);
		if ((sig = sigtimedwait(set, NULL, &ts)) > 0)
			return sig;
		if (errno == EAGAIN)
			return 0;
	}
}

static int
run_daemon(struct renewer *st)
{
	struct cmd_run *run = st->run;
	char d[64], when[32], *cn = NULL;
	unsigned attempt = 0;
	int64_t next;
	sigset_t set;
	int sig, r;

	/* SIGHUP is blocked since the start (renew_main); st->oldmask is
	 * the mask from before, for the --exec children. */
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0)
		return cmd_fail(run, pkit_seterr_sys(run->ctx, "signals"));
	signal(SIGPIPE, SIG_IGN);
	next = pkit_renew_next(&st->sched, pkit_now(run->ctx),
	    pkit_renew_random());
	logline(stdout, "INFO", "first renewal in %s", dur(next, d,
	    sizeof(d)));
	for (;;) {
		sig = wait_signal(&set, next);
		if (sig == SIGINT || sig == SIGTERM)
			return EXIT_OK;
		pkit_clearerr(run->ctx);
		if ((r = renew_once(st)) != 0) {
			attempt++;
			next = pkit_renew_retry(&st->sched, attempt,
			    pkit_now(run->ctx), pkit_renew_random());
			if (next < 0) {
				pkit_time_format(st->sched.not_after, when,
				    sizeof(when));
				logline(stderr, "ERROR", "%s; the certificate "
				    "expired at %s: giving up",
				    run->ctx->errbuf, when);
				return EXIT_FAIL;
			}
			logline(stderr, "ERROR", "%s; retrying in %s",
			    run->ctx->errbuf, dur(next, d, sizeof(d)));
			continue;
		}
		attempt = 0;
		next = pkit_renew_next(&st->sched, pkit_now(run->ctx),
		    pkit_renew_random());
		if (next == 0) {
			next = pkit_renew_floor(&st->sched);
			logline(stderr, "WARNING", "the new certificate is due "
			    "for renewal already (is --expires-in longer than "
			    "the CA's lifetime?); waiting %s", dur(next, d,
			    sizeof(d)));
		}
		if (pkit_ca_common_name(run->ctx, sk_X509_value(st->chain, 0),
		    &cn) != 0)
			cn = NULL;
		logline(stdout, "INFO", "%s%scertificate %s, next in %s",
		    cn != NULL ? cn : "", cn != NULL && *cn != '\0' ? " " : "",
		    st->rekey ? "rekeyed" : "renewed", dur(next, d, sizeof(d)));
		free(cn);
		cn = NULL;
		if (after_renew(st) != 0)
			logline(stderr, "ERROR", "%s", run->ctx->errbuf);
	}
}

/* ---- the verbs ------------------------------------------------------- */

static void
renewer_release(struct renewer *st)
{
	sk_X509_pop_free(st->chain, X509_free);
	EVP_PKEY_free(st->key);
	EVP_PKEY_free(st->new_key);
	pkit_renew_argv_free(st->exec_argv);
	pkit_ca_offline_free(st->off);
	ca_config_release(&st->cfg);
}

static int
renew_main(struct cmd_run *run, int argc, char **argv, int rekey)
{
	struct renew_opts o = { { 0 } };
	struct renewer st;
	const char *crtfile, *keyfile, *period_flag;
	char **args, d[64];
	int nargs, r, ret = EXIT_FAIL;
	long pid;	/* --pid-file, checked here, read again each time */
	time_t now;

	memset(&st, 0, sizeof(st));
	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	if (o.daemon) {
		sigset_t hup;

		/* A SIGHUP sent while the daemon starts up asks for a
		 * renewal; it must not kill it. */
		sigemptyset(&hup);
		sigaddset(&hup, SIGHUP);
		if (sigprocmask(SIG_BLOCK, &hup, &st.oldmask) != 0)
			return cmd_fail(run, pkit_seterr_sys(run->ctx,
			    "signals"));
	} else
		(void)sigprocmask(SIG_BLOCK, NULL, &st.oldmask);
	crtfile = args[0];
	keyfile = args[1];
	period_flag = rekey ? "--rekey-period" : "--renew-period";
	st.run = run;
	st.rekey = rekey;
	st.daemon = o.daemon;
	st.crt_out = rekey ? (o.out_cert != NULL ? o.out_cert : crtfile) :
	    (o.out != NULL ? o.out : crtfile);
	st.key_out = rekey ? (o.out_key != NULL ? o.out_key : keyfile) : NULL;
	st.signo = SIGHUP;
	st.pid = o.pid;
	st.pid_file = o.pid_file;
	st.exec = o.exec;
	st.spec.kty = o.kty;
	st.spec.crv = o.crv;
	st.spec.bits = o.size;
	st.spec.insecure = o.insecure;

	/* Flags that need no file. */
	if ((ret = duration_flag(run, o.expires_in, "--expires-in",
	    &st.sched.expires_in)) != EXIT_OK ||
	    (ret = duration_flag(run, o.renew_period, period_flag,
	    &st.sched.renew_period)) != EXIT_OK)
		goto out;
	ret = EXIT_FAIL;
	if (o.renew_period != NULL && !o.daemon) {
		ret = cmd_usage_error(run, "%s needs --daemon", period_flag);
		goto out;
	}
	if (o.renew_period != NULL && o.expires_in != NULL) {
		ret = cmd_usage_error(run, "--expires-in and %s do not go "
		    "together", period_flag);
		goto out;
	}
	if (o.pid != 0 && o.pid_file != NULL) {
		ret = cmd_usage_error(run, "--pid and --pid-file do not go "
		    "together");
		goto out;
	}
	if (o.pid < 0 || o.pid > 0x7fffffffL) {
		ret = cmd_usage_error(run, "--pid: %ld is not a process id",
		    o.pid);
		goto out;
	}
	if (o.signal != NULL && parse_signal(o.signal, &st.signo) != 0) {
		ret = cmd_usage_error(run, "--signal: '%s' is not a signal",
		    o.signal);
		goto out;
	}
	if (rekey && o.private_key != NULL && (o.daemon || o.kty != NULL ||
	    o.crv != NULL || o.size != 0)) {
		ret = cmd_usage_error(run, "--private-key does not go with "
		    "--daemon, --kty, --crv or --size");
		goto out;
	}
	if (strcmp(st.crt_out, "-") == 0 ||
	    (st.key_out != NULL && strcmp(st.key_out, "-") == 0)) {
		ret = cmd_usage_error(run, "the output goes to files, not to "
		    "the standard output");
		goto out;
	}
	if (strcmp(st.crt_out, keyfile) == 0 ||
	    (rekey && strcmp(st.crt_out, st.key_out) == 0)) {
		ret = cmd_usage_error(run, "the certificate would be written "
		    "over a key file");
		goto out;
	}
	if (!o.off.offline && (o.off.ca_config != NULL ||
	    o.off.ca_password_file != NULL)) {
		ret = cmd_usage_error(run, "--ca-config and --ca-password-file "
		    "need --offline");
		goto out;
	}
	if (o.exec != NULL && pkit_renew_exec_argv(run->ctx, o.exec,
	    &st.exec_argv) != 0) {
		ret = cmd_usage_error(run, "%s", run->ctx->errbuf);
		goto out;
	}

	/* The certificate and its key (a rekey killed half-way finished). */
	if ((r = pair_recover(run, crtfile, keyfile)) != 0 ||
	    (r = pkit_x509_load_certs(run->ctx, crtfile, &st.chain)) != 0 ||
	    (r = cmd_key_load_private(run, keyfile, o.password_file,
	    o.insecure, &st.key)) != 0 ||
	    (r = pkit_x509_check_key(run->ctx, sk_X509_value(st.chain, 0),
	    st.key, crtfile, keyfile)) != 0 ||
	    (r = pkit_renew_sched_cert(run->ctx, sk_X509_value(st.chain, 0),
	    &st.sched)) != 0 ||
	    (rekey && o.private_key != NULL &&
	    (r = cmd_key_load_private(run, o.private_key, o.password_file,
	    o.insecure, &st.new_key)) != 0) ||
	    (rekey && o.private_key == NULL &&
	    (r = pkit_keyspec_resolve(run->ctx, &st.spec)) != 0) ||
	    (o.pid_file != NULL && (r = read_pid(run, o.pid_file,
	    &pid)) != 0)) {
		ret = cmd_fail(run, r);
		goto out;
	}
	if ((r = pkit_renew_check(run->ctx, &st.sched)) != 0) {
		ret = cmd_fail(run, r);
		goto out;
	}
	if (o.off.offline) {
		if ((r = ca_offline_open(run, &o.off, 1, &st.off)) != 0) {
			ret = cmd_fail(run, r);
			goto out;
		}
	} else if ((r = ca_config_resolve(run, &o.ca, CA_NEED_URL |
	    CA_NEED_ROOT, &st.cfg)) != CMD_CONTINUE) {
		ret = r;
		goto out;
	}
	if (o.daemon) {
		ret = run_daemon(&st);
		goto out;
	}

	now = pkit_now(run->ctx);
	if (!pkit_renew_due(&st.sched, now, pkit_renew_random())) {
		fprintf(stderr, "certificate not %s: expires in %s\n",
		    rekey ? "rekeyed" : "renewed", dur((int64_t)
		    st.sched.not_after - now < INT64_MAX / PKIT_NS_PER_SEC ?
		    ((int64_t)st.sched.not_after - now) * PKIT_NS_PER_SEC :
		    INT64_MAX, d, sizeof(d)));
		ret = EXIT_OK;
		goto out;
	}
	if ((r = cmd_may_overwrite(run, st.crt_out, o.force)) != 0 ||
	    (rekey && (r = cmd_may_overwrite(run, st.key_out,
	    o.force)) != 0) ||
	    (r = renew_once(&st)) != 0) {
		ret = cmd_fail(run, r);
		goto out;
	}
	fprintf(stderr, "Your certificate has been saved in %s.\n",
	    st.crt_out);
	if (rekey)
		fprintf(stderr, "Your private key has been saved in %s.\n",
		    st.key_out);
	if ((r = after_renew(&st)) != 0) {
		ret = cmd_fail(run, r);
		goto out;
	}
	ret = EXIT_OK;
out:
	renewer_release(&st);
	return ret;
}

static int
cmd_renew(struct cmd_run *run, int argc, char **argv)
{
	return renew_main(run, argc, argv, 0);
}

static int
cmd_rekey(struct cmd_run *run, int argc, char **argv)
{
	return renew_main(run, argc, argv, 1);
}

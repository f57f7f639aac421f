/* certificate_renewal.c - `pkit certificate needs-renewal`: an exit code
 * for cron and systemd's ExecCondition=, as step's. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/x509.h>

#include "cmd.h"
#include "lib/timeutil.h"
#include "lib/x509.h"

/* step's exit statuses for this verb. */
#define RENEW_YES 0
#define RENEW_NO 1
#define RENEW_MISSING 2
#define RENEW_ERROR 255

/* Renew when this share of the lifetime is used (step's default). */
#define RENEW_DEFAULT_PERCENT 66

struct renew_opts {
	const char *expires_in;
	int bundle, verbose;
};

#define T struct renew_opts
static const struct cmd_opt renew_opts[] = {
	{ "expires-in", 0, OPT_STRING, offsetof(T, expires_in),
	    "percent|duration",
	  "renew once N% of the lifetime is used (default 66%), or when it "
	  "expires within a duration (8h)" },
	{ "bundle", 0, OPT_BOOL, offsetof(T, bundle), NULL,
	  "check every certificate of the file, not only the first" },
	{ "verbose", 'v', OPT_BOOL, offsetof(T, verbose), NULL,
	  "say why on standard output" },
	{ 0 }
};
#undef T

static int
asn1_time(const ASN1_TIME *t, time_t *out)
{
	struct tm tm;

	if (!ASN1_TIME_to_tm(t, &tm))
		return -1;
	*out = (time_t)pkit_timegm(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	    tm.tm_hour, tm.tm_min, tm.tm_sec);
	return 0;
}

static int
cmd_needs_renewal(struct cmd_run *run, int argc, char **argv)
{
	struct renew_opts o = { 0 };
	STACK_OF(X509) *sk = NULL;
	struct stat st;
	long percent = RENEW_DEFAULT_PERCENT;
	int64_t window = 0;
	int use_percent = 1, nargs, r, i, n, ret = RENEW_NO;
	time_t now = pkit_now(run->ctx);
	char **args;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	if (o.expires_in != NULL) {
		size_t len = strlen(o.expires_in);

		if (len > 0 && o.expires_in[len - 1] == '%') {
			char *end;

			errno = 0;
			percent = strtol(o.expires_in, &end, 10);
			if (errno != 0 || end == o.expires_in ||
			    end != o.expires_in + len - 1 || percent < 0 ||
			    percent > 100)
				return cmd_usage_error(run,
				    "--expires-in: '%s' is "
				    "not a percentage from 0%% to 100%%",
				    o.expires_in);
		} else {
			use_percent = 0;
			if (pkit_duration_parse(run->ctx, o.expires_in,
			    "--expires-in", &window) != 0)
				return cmd_usage_error(run, "%s",
				    run->ctx->errbuf);
		}
	}
	if (strcmp(args[0], "-") != 0 && stat(args[0], &st) != 0 &&
	    errno == ENOENT) {
		cmd_error("%s: no such file", args[0]);
		return RENEW_MISSING;
	}
	if ((r = pkit_x509_load_certs(run->ctx, args[0], &sk)) != 0) {
		cmd_fail(run, r);
		return RENEW_ERROR;
	}
	n = o.bundle ? sk_X509_num(sk) : 1;
	for (i = 0; i < n; i++) {
		X509 *c = sk_X509_value(sk, i);
		time_t nb, na;
		char when[32], left[48];
		int needs;
		double used;

		if (asn1_time(X509_get0_notBefore(c), &nb) != 0 ||
		    asn1_time(X509_get0_notAfter(c), &na) != 0) {
			cmd_error("%s: certificate %d has a malformed validity",
			    args[0], i + 1);
			ret = RENEW_ERROR;
			break;
		}
		used = na > nb ?
		    100.0 * (double)(now - nb) / (double)(na - nb) :
		    100.0;
		if (use_percent)
			needs = (long)used >= percent;
		else
			needs = window / PKIT_NS_PER_SEC >= (int64_t)(na - now);
		if (o.verbose) {
			pkit_time_format(na, when, sizeof(when));
			/* saturated: a certificate may run to 9999 */
			pkit_duration_format((int64_t)(na - now) <
			    INT64_MAX / PKIT_NS_PER_SEC ? (int64_t)(na - now) *
			    PKIT_NS_PER_SEC : INT64_MAX, left, sizeof(left));
			if (o.bundle)
				printf("%s #%d", args[0], i);
			else
				printf("%s", args[0]);
			printf(": %s: %.0f%% of its lifetime used, expires "
			    "%s (%s%s)\n", needs ? "needs renewal" :
			    "does not need renewal", used < 0 ? 0.0 : used,
			    when,
			    na >= now ? "in " : "", na >= now ? left :
			    "expired");
		}
		if (needs) {
			ret = RENEW_YES;
			break;
		}
	}
	sk_X509_pop_free(sk, X509_free);
	return ret;
}

const struct cmd cmd_certificate_needs_renewal = {
	"needs-renewal", cmd_needs_renewal, NULL, "<crt-file>", 1, 1,
	"tell by the exit status whether a certificate needs renewal",
	"Checks the certificate in <crt-file> (the first of the file, or with\n"
	"--bundle each of them) and answers with the exit status, for cron "
	    "and\n"
	"systemd's ExecCondition=.  By default a certificate needs renewal "
	    "once "
	"66%\nof its lifetime has passed; --expires-in 75% moves that "
	    "threshold, "
	"and\n--expires-in 8h asks whether it expires within 8 hours.  An "
	"expired\ncertificate always needs renewal.\n"
	"\n"
	"The exit statuses are step's, which scripts depend on; they differ "
	"from\nthose of the other verbs (see EXIT STATUS).",
	"Renew from cron when two thirds of the lifetime have passed:\n"
	"  $ pkit certificate needs-renewal /etc/ssl/host.crt && renew-host\n"
	"Ask whether it expires within a day:\n"
	"  $ pkit certificate needs-renewal --expires-in 24h host.crt\n",
	renew_opts, 0, CMD_EXIT_NEEDS_RENEWAL
};

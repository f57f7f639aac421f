/* crypto_otp.c - `pkit crypto otp generate|verify`: TOTP secrets and codes
 * (RFC 6238), as step's `crypto otp`.  The work is in src/lib/otp.c. */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "lib/fs.h"
#include "lib/otp.h"
#include "lib/secret.h"

/* Numbers left at this value were not given on the command line. */
#define UNSET LONG_MIN

static int cmd_otp_generate(struct cmd_run *, int, char **);
static int cmd_otp_verify(struct cmd_run *, int, char **);

struct gen_opts {
	const char *issuer, *account, *alg;
	long period, length, secret_size;
	int url;
};

static const struct cmd_opt gen_opts[] = {
	{ "issuer", 0, OPT_STRING, offsetof(struct gen_opts, issuer), "name",
	  "the issuing organisation shown by authenticator apps (with --url)",
	  NULL, 0, "iss" },
	{ "account", 0, OPT_STRING, offsetof(struct gen_opts, account), "name",
	  "the account name, such as a user name or email (with --url)" },
	{ "period", 0, OPT_INT, offsetof(struct gen_opts, period), "seconds",
	  "seconds each code is valid (default 30)" },
	{ "length", 0, OPT_INT, offsetof(struct gen_opts, length), "n",
	  "digits in a code: 6 (default), 7 or 8", NULL, 0, "digits" },
	{ "secret-size", 0, OPT_INT, offsetof(struct gen_opts, secret_size),
	  "bytes", "bytes of the random secret: 16 to 128 (default 20)" },
	{ "alg", 0, OPT_STRING, offsetof(struct gen_opts, alg), "alg",
	  "HMAC hash: SHA1 (default), SHA256 or SHA512",
	  "SHA1 SHA256 SHA512", OPT_F_CHOICE, "algorithm" },
	{ "url", 0, OPT_BOOL, offsetof(struct gen_opts, url), NULL,
	  "print an otpauth:// key URI (needs --account) instead of the secret" },
	{ 0 }
};

struct verify_opts {
	const char *secret, *alg;
	long period, length, skew, time;
	int insecure;
};

static const struct cmd_opt verify_opts[] = {
	{ "secret", 0, OPT_STRING, offsetof(struct verify_opts, secret), "file",
	  "the file holding the base32 secret or otpauth:// URL (required)",
	  NULL, OPT_F_FILE },
	{ "period", 0, OPT_INT, offsetof(struct verify_opts, period), "seconds",
	  "seconds each code is valid (default 30, or the URL's)" },
	{ "skew", 0, OPT_INT, offsetof(struct verify_opts, skew), "n",
	  "also accept codes n periods early or late (default 0)" },
	{ "length", 0, OPT_INT, offsetof(struct verify_opts, length), "n",
	  "digits in a code: 6, 7 or 8 (default 6, or the URL's)", NULL, 0,
	  "digits" },
	{ "alg", 0, OPT_STRING, offsetof(struct verify_opts, alg), "alg",
	  "HMAC hash: SHA1, SHA256 or SHA512 (default SHA1, or the URL's)",
	  "SHA1 SHA256 SHA512", OPT_F_CHOICE, "algorithm" },
	{ "time", 0, OPT_INT, offsetof(struct verify_opts, time), "unix-time",
	  "check the code at this time, in seconds since 1970 (default now)" },
	OPT_INSECURE(struct verify_opts),
	{ 0 }
};

static const struct cmd cmd_otp_generate_row = {
	"generate", cmd_otp_generate, NULL, NULL, 0, 0,
	"make a random TOTP secret",
	"Makes a random secret for time-based one-time passwords (TOTP, RFC "
	"6238)\nand prints it in base32, the form authenticator apps take.  "
	"With --url it\nprints an otpauth:// key URI instead, which carries "
	"the issuer, the\naccount and the code parameters as well:\n"
	"\n"
	"  otpauth://totp/ISSUER:ACCOUNT?secret=...&issuer=ISSUER&\n"
	"      algorithm=SHA1&digits=6&period=30\n"
	"\n"
	"The issuer and the account are percent-encoded.  Most authenticator "
	"apps\nsupport only the defaults: SHA1, 6 digits and 30 seconds.\n"
	"\n"
	"The secret is printed on standard output; redirect it to a file that "
	"only\nyou can read.  pkit crypto otp verify reads either form.",
	"Make a secret and keep it in a file:\n"
	"  $ pkit crypto otp generate > totp.secret\n"
	"Make a key URI for an authenticator app:\n"
	"  $ pkit crypto otp generate --url --issuer example.com "
	"--account alice@example.com\n"
	"Make an 8-digit SHA256 key with a 32-byte secret:\n"
	"  $ pkit crypto otp generate --url --account alice --alg SHA256 "
	"--length 8 --secret-size 32\n",
	gen_opts
};

static const struct cmd cmd_otp_verify_row = {
	"verify", cmd_otp_verify, NULL, "[<code>]", 0, 1,
	"check a TOTP code against a secret",
	"Checks a one-time code against the secret in the --secret file, "
	"which\nholds a base32 secret or an otpauth:// key URI (as otp "
	"generate prints\nthem).  The secret is never taken from the command "
	"line.  The code is the\nargument, or the first line of standard "
	"input when there is none.\n"
	"\n"
	"A URL's algorithm, digits and period are used unless --alg, --length "
	"or\n--period is given.  The code is checked at the current time, or "
	"at --time,\nand with --skew n also at n periods before and after; a "
	"skew above 1\nneeds --insecure.\n"
	"\n"
	"Prints \"ok\" and exits 0 when the code is valid; exits 1 with one "
	"line on\nstandard error when it is not.",
	"Check a code from an authenticator app:\n"
	"  $ pkit crypto otp verify --secret totp.secret 123456\n"
	"Read the code from standard input and allow one period of clock "
	"drift:\n"
	"  $ echo 123456 | pkit crypto otp verify --secret totp.url --skew 1\n"
	"Check a code at a given time (RFC 6238 test vector):\n"
	"  $ pkit crypto otp verify --secret seed.b32 --length 8 --time 59 "
	"94287082\n",
	verify_opts
};

static const struct cmd *const otp_sub[] = {
	&cmd_otp_generate_row,
	&cmd_otp_verify_row,
	NULL
};

const struct cmd cmd_crypto_otp = {
	"otp", NULL, otp_sub, NULL, 0, 0,
	"time-based one-time passwords (TOTP)",
	"Makes TOTP secrets and checks one-time codes (RFC 6238 over RFC "
	"4226\nHOTP), compatible with authenticator apps and with step crypto "
	"otp.",
	"Make a key URI, then check a code from the app:\n"
	"  $ pkit crypto otp generate --url --account alice > totp.url\n"
	"  $ pkit crypto otp verify --secret totp.url 123456\n"
};

static int
check_range(struct cmd_run *run, const char *flag, long v, long lo, long hi)
{
	if (v != UNSET && (v < lo || v > hi))
		return cmd_usage_error(run, "--%s: %ld is not between %ld and "
		    "%ld", flag, v, lo, hi);
	return 0;
}

static int
cmd_otp_generate(struct cmd_run *run, int argc, char **argv)
{
	struct gen_opts o = { 0 };
	struct pkit_otp *k = NULL;
	char **args, *text = NULL;
	int nargs, r;

	o.period = 30;
	o.length = 6;
	o.secret_size = 20;
	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	if ((r = check_range(run, "period", o.period, 1,
	    PKIT_OTP_PERIOD_MAX)) != 0 ||
	    (r = check_range(run, "length", o.length, PKIT_OTP_DIGITS_MIN,
	    PKIT_OTP_DIGITS_MAX)) != 0 ||
	    (r = check_range(run, "secret-size", o.secret_size,
	    PKIT_OTP_SECRET_MIN, PKIT_OTP_SECRET_MAX)) != 0)
		return r;
	if (o.url && (o.account == NULL || *o.account == '\0'))
		return cmd_usage_error(run, "--url needs --account");

	if ((r = pkit_otp_generate(run->ctx, (size_t)o.secret_size, &k)) != 0)
		goto out;
	k->period = (unsigned)o.period;
	k->digits = (int)o.length;
	if (o.alg != NULL &&
	    (r = pkit_otp_alg_parse(run->ctx, o.alg, &k->alg)) != 0)
		goto out;
	if ((r = pkit_otp_set_label(run->ctx, k, o.issuer, o.account)) != 0)
		goto out;
	if (o.url)
		r = pkit_otp_url(run->ctx, k, &text);
	else
		r = pkit_otp_secret_b32(run->ctx, k, &text);
	if (r != 0)
		goto out;
	printf("%s\n", text);
	r = PKIT_OK;
out:
	pkit_secret_strfree(text);
	pkit_otp_free(k);
	return r == PKIT_OK ? EXIT_OK : cmd_fail(run, r);
}

/* The code: the argument, or the first line of standard input. */
static int
read_code(struct cmd_run *run, int nargs, char **args, char **out)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	int r;

	if (nargs > 0) {
		if ((*out = strdup(args[0])) == NULL)
			return pkit_seterr(run->ctx, PKIT_ERR_NOMEM, "code");
		return PKIT_OK;
	}
	if ((r = pkit_file_read(run->ctx, "-", 256, &buf, &len)) != 0)
		return r;
	len = strcspn((char *)buf, "\r\n");
	buf[len] = '\0';
	if (len == 0) {
		pkit_secret_free(buf, 1);
		return pkit_seterr(run->ctx, PKIT_ERR_ARG,
		    "standard input: no code given (pass it as an argument "
		    "or on standard input)");
	}
	*out = (char *)buf;
	return PKIT_OK;
}

static int
cmd_otp_verify(struct cmd_run *run, int argc, char **argv)
{
	struct verify_opts o = { 0 };
	struct pkit_otp *k = NULL;
	unsigned char *file = NULL;
	size_t flen = 0;
	char **args, *code = NULL;
	int64_t t;
	int nargs, r;

	o.period = o.length = o.skew = o.time = UNSET;
	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	if (o.secret == NULL)
		return cmd_usage_error(run, "--secret <file> is required");
	if ((r = check_range(run, "period", o.period, 1,
	    PKIT_OTP_PERIOD_MAX)) != 0 ||
	    (r = check_range(run, "length", o.length, PKIT_OTP_DIGITS_MIN,
	    PKIT_OTP_DIGITS_MAX)) != 0 ||
	    (r = check_range(run, "skew", o.skew, 0, PKIT_OTP_SKEW_MAX)) != 0)
		return r;
	if (o.time != UNSET && o.time < 0)
		return cmd_usage_error(run, "--time: %ld is before 1970", o.time);
	if (o.skew == UNSET)
		o.skew = 0;
	if (o.skew > 1 && !o.insecure)
		return cmd_error("%s: --skew above 1 needs --insecure",
		    run->path);
	t = o.time != UNSET ? (int64_t)o.time : (int64_t)pkit_now(run->ctx);

	if ((r = read_code(run, nargs, args, &code)) != 0)
		goto out;
	if ((r = pkit_file_read(run->ctx, o.secret, 64 * 1024, &file,
	    &flen)) != 0)
		goto out;
	if ((r = pkit_otp_parse(run->ctx, o.secret, (const char *)file, flen,
	    &k)) != 0)
		goto out;
	if (o.period != UNSET)
		k->period = (unsigned)o.period;
	if (o.length != UNSET)
		k->digits = (int)o.length;
	if (o.alg != NULL &&
	    (r = pkit_otp_alg_parse(run->ctx, o.alg, &k->alg)) != 0)
		goto out;
	if ((r = pkit_totp_verify(run->ctx, k, code, t,
	    (unsigned)o.skew)) != 0)
		goto out;
	printf("ok\n");
	r = PKIT_OK;
out:
	pkit_secret_free(file, flen);
	pkit_secret_strfree(code);
	pkit_otp_free(k);
	return r == PKIT_OK ? EXIT_OK : cmd_fail(run, r);
}

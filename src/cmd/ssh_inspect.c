/* ssh_inspect.c - `pkit ssh inspect`, `ssh fingerprint` and
 * `ssh needs-renewal`: reading OpenSSH certificates and keys. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "cmd.h"
#include "lib/fs.h"
#include "lib/key.h"
#include "lib/sshcert.h"
#include "lib/sshkey.h"
#include "lib/timeutil.h"

#define CERT_FILE_MAX (1024 * 1024)

/* Read and decode the certificate file path ("-" for stdin). */
static int
load_cert(struct cmd_run *run, const char *path, struct pkit_sshcert **out,
    char **comment)
{
	unsigned char *data = NULL;
	size_t len = 0;
	int r;

	if ((r = pkit_file_read(run->ctx, path, CERT_FILE_MAX, &data,
	    &len)) != 0)
		return r;
	r = pkit_sshcert_parse(run->ctx, data, len, path, out, comment);
	free(data);
	return r;
}

/* ---- ssh inspect ------------------------------------------------------- */

struct inspect_opts {
	const char *format;
};

static const struct cmd_opt inspect_opts[] = {
	OPT_FORMAT(struct inspect_opts,
	    "output format: text (default, as ssh-keygen -L) or json",
	    "text json"),
	{ 0 }
};

static int
cmd_inspect(struct cmd_run *run, int argc, char **argv)
{
	struct inspect_opts o = { 0 };
	struct pkit_sshcert *c = NULL;
	const char *path;
	json_t *js = NULL;
	char **args, *text = NULL;
	int nargs, r;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	path = nargs > 0 ? args[0] : "-";
	if ((r = load_cert(run, path, &c, NULL)) != 0) {
		r = cmd_fail(run, r);
		goto out;
	}
	if (o.format != NULL && strcmp(o.format, "json") == 0) {
		if ((r = pkit_sshcert_json(run->ctx, c, &js)) != 0) {
			r = cmd_fail(run, r);
			goto out;
		}
		json_dumpf(js, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
	} else {
		if ((r = pkit_sshcert_text(run->ctx, c, path, &text)) != 0) {
			r = cmd_fail(run, r);
			goto out;
		}
		fputs(text, stdout);
	}
	r = EXIT_OK;
out:
	json_decref(js);
	free(text);
	pkit_sshcert_free(c);
	return r;
}

const struct cmd cmd_ssh_inspect = {
	"inspect", cmd_inspect, NULL, "[<crt-file>]", 0, 1,
	"print the contents of an OpenSSH certificate",
	"Prints the certificate in <crt-file> (a -cert.pub file, or standard "
	"input\nwhen it is missing or \"-\") field by field as ssh-keygen -L "
	"does: its type,\nthe certified key and the signing CA key with their "
	"SHA256 fingerprints,\nthe signature algorithm, key id, serial, "
	"validity, principals, critical\noptions and extensions.  Times are "
	"UTC, marked with a \"Z\".\n"
	"\n"
	"The certificate's signature is checked against the CA key it names; "
	"a\ntruncated, altered or trailing-garbage certificate is an error.  "
	"--format\njson prints the fields as step ssh inspect --format json "
	"does.",
	"Show a user certificate:\n"
	"  $ pkit ssh inspect id_ecdsa-cert.pub\n"
	"The same as JSON:\n"
	"  $ pkit ssh inspect --format json id_ecdsa-cert.pub\n",
	inspect_opts
};

/* ---- ssh fingerprint --------------------------------------------------- */

struct fp_opts {
	const char *format;
	int certificate;
};

static const struct cmd_opt fp_opts[] = {
	OPT_FORMAT(struct fp_opts,
	    "digest encoding: base64-raw (default, as ssh-keygen), base64, "
	    "base64-url, base64-url-raw or hex",
	    "base64-raw base64 base64-url base64-url-raw hex"),
	{ "certificate", 0, OPT_BOOL, offsetof(struct fp_opts, certificate),
	  NULL, "hash the whole certificate rather than its key" },
	{ 0 }
};

static enum pkit_sshfp
fp_encoding(const char *s)
{
	if (s == NULL || strcmp(s, "base64-raw") == 0)
		return PKIT_SSHFP_B64_RAW;
	if (strcmp(s, "base64") == 0)
		return PKIT_SSHFP_B64;
	if (strcmp(s, "base64-url") == 0)
		return PKIT_SSHFP_B64_URL;
	if (strcmp(s, "base64-url-raw") == 0)
		return PKIT_SSHFP_B64_URL_RAW;
	return PKIT_SSHFP_HEX;
}

static int
cmd_fingerprint(struct cmd_run *run, int argc, char **argv)
{
	struct fp_opts o = { 0 };
	struct pkit_sshcert *c = NULL;
	unsigned char *data = NULL, *blob = NULL;
	size_t len = 0, bloblen = 0;
	EVP_PKEY *key = NULL;
	char **args, *comment = NULL, *line = NULL;
	const char *path;
	int nargs, r;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	path = nargs > 0 ? args[0] : "-";
	if ((r = pkit_file_read(run->ctx, path, CERT_FILE_MAX, &data,
	    &len)) != 0)
		goto fail;
	if (pkit_sshcert_is_cert(data, len)) {
		if ((r = pkit_sshcert_parse(run->ctx, data, len, path, &c,
		    &comment)) != 0)
			goto fail;
		r = pkit_sshcert_fingerprint(run->ctx, c->blob, c->bloblen,
		    comment, fp_encoding(o.format), o.certificate, &line);
	} else if (o.certificate) {
		r = pkit_seterr(run->ctx, PKIT_ERR_FORMAT,
		    "%s: --certificate needs an SSH certificate", path);
	} else {
		if ((r = pkit_key_parse_public(run->ctx, data, len, path,
		    &key)) != 0 ||
		    (r = pkit_sshkey_public_blob(run->ctx, key, &blob,
		    &bloblen)) != 0)
			goto fail;
		if (pkit_sshkey_is_public(data, len) &&
		    (r = pkit_sshkey_line_comment(run->ctx, data, len,
		    &comment)) != 0)
			goto fail;
		r = pkit_sshcert_fingerprint(run->ctx, blob, bloblen, comment,
		    fp_encoding(o.format), 0, &line);
	}
	if (r != 0)
		goto fail;
	printf("%s\n", line);
	r = EXIT_OK;
	goto out;
fail:
	r = cmd_fail(run, r);
out:
	free(data);
	free(blob);
	free(comment);
	free(line);
	EVP_PKEY_free(key);
	pkit_sshcert_free(c);
	return r;
}

const struct cmd cmd_ssh_fingerprint = {
	"fingerprint", cmd_fingerprint, NULL, "[<file>]", 0, 1,
	"print the fingerprint of an SSH public key or certificate",
	"Prints the line ssh-keygen -l prints for <file> (standard input when "
	"it is\nmissing or \"-\"): the key size, \"SHA256:\" and the digest of "
	"the public key,\nthe comment and the key type, with \"-CERT\" for a "
	"certificate.  <file> may\nhold an OpenSSH public key or certificate "
	"line, or any key file pkit\nreads (PEM, DER, openssh-key-v1).\n"
	"\n"
	"For a certificate the fingerprint is that of the certified key, as "
	"in\nssh-keygen; --certificate hashes the whole certificate instead, "
	"as step's\n--certificate does.",
	"Fingerprint a public key:\n"
	"  $ pkit ssh fingerprint id_ecdsa.pub\n"
	"Fingerprint the key in a certificate, then the certificate itself:\n"
	"  $ pkit ssh fingerprint id_ecdsa-cert.pub\n"
	"  $ pkit ssh fingerprint --certificate id_ecdsa-cert.pub\n",
	fp_opts
};

/* ---- ssh needs-renewal ------------------------------------------------- */

/* step's exit statuses for this verb. */
#define RENEW_YES 0
#define RENEW_NO 1
#define RENEW_MISSING 2
#define RENEW_ERROR 255
#define RENEW_DEFAULT_PERCENT 66

struct renew_opts {
	const char *expires_in;
	int verbose;
};

static const struct cmd_opt renew_opts[] = {
	{ "expires-in", 0, OPT_STRING, offsetof(struct renew_opts, expires_in),
	  "percent|duration",
	  "renew once N% of the lifetime is used (default 66%), or when it "
	  "expires within a duration (8h)" },
	{ "verbose", 'v', OPT_BOOL, offsetof(struct renew_opts, verbose), NULL,
	  "say why on standard output" },
	{ 0 }
};

static int
cmd_needs_renewal(struct cmd_run *run, int argc, char **argv)
{
	struct renew_opts o = { 0 };
	struct pkit_sshcert *c = NULL;
	struct stat st;
	long percent = RENEW_DEFAULT_PERCENT;
	int64_t window = 0;
	int use_percent = 1, nargs, r, needs;
	time_t now = pkit_now(run->ctx);
	double used, nb, na;
	char **args, when[32], left[48];

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
				    "--expires-in: '%s' is not a percentage "
				    "from 0%% to 100%%", o.expires_in);
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
	if ((r = load_cert(run, args[0], &c, NULL)) != 0) {
		cmd_fail(run, r);
		return RENEW_ERROR;
	}
	if (c->valid_before == PKIT_SSHCERT_FOREVER) {
		if (o.verbose)
			printf("%s: does not need renewal: valid forever\n",
			    args[0]);
		pkit_sshcert_free(c);
		return RENEW_NO;
	}
	nb = (double)c->valid_after;
	na = (double)c->valid_before;
	used = na > nb ? 100.0 * ((double)now - nb) / (na - nb) : 100.0;
	if (use_percent)
		needs = used >= (double)percent;
	else
		needs = (double)(window / PKIT_NS_PER_SEC) >= na - (double)now;
	if (o.verbose) {
		pkit_time_format((time_t)c->valid_before, when, sizeof(when));
		pkit_duration_format(((int64_t)c->valid_before - (int64_t)now) *
		    PKIT_NS_PER_SEC, left, sizeof(left));
		printf("%s: %s: %.0f%% of its lifetime used, expires %s "
		    "(%s%s)\n", args[0], needs ? "needs renewal" :
		    "does not need renewal", used < 0 ? 0.0 : used > 100 ?
		    100.0 : used, when, na >= (double)now ? "in " : "",
		    na >= (double)now ? left : "expired");
	}
	pkit_sshcert_free(c);
	return needs ? RENEW_YES : RENEW_NO;
}

const struct cmd cmd_ssh_needs_renewal = {
	"needs-renewal", cmd_needs_renewal, NULL, "<crt-file>", 1, 1,
	"tell by the exit status whether an SSH certificate needs renewal",
	"Checks the OpenSSH certificate in <crt-file> and answers with the "
	"exit\nstatus, for cron and systemd's ExecCondition=.  By default a "
	"certificate\nneeds renewal once 66% of its lifetime has passed; "
	"--expires-in 75% moves\nthat threshold, and --expires-in 8h asks "
	"whether it expires within 8 hours.\nAn expired certificate always "
	"needs renewal; one valid forever never does.\n"
	"\n"
	"The exit statuses are step's, as for certificate needs-renewal (see "
	"EXIT\nSTATUS).",
	"Renew a host certificate from cron when two thirds of its lifetime "
	"passed:\n"
	"  $ pkit ssh needs-renewal /etc/ssh/ssh_host_ecdsa_key-cert.pub && "
	"renew-host\n"
	"Ask whether a user certificate expires within the hour:\n"
	"  $ pkit ssh needs-renewal --expires-in 1h id_ecdsa-cert.pub\n",
	renew_opts, 0, CMD_EXIT_NEEDS_RENEWAL
};

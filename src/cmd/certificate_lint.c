/* certificate_lint.c - `pkit certificate lint`: RFC 5280 and CA/Browser
 * Forum rules. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "lib/tlsfetch.h"
#include "lib/x509.h"
#include "lib/x509_lint.h"

static int cmd_certificate_lint_run(struct cmd_run *, int, char **);

struct lint_opts {
	const char *profile;
	const char *format;
	int list_rules;
	const char *roots;
	const char *servername;
	int insecure;
};

static const struct cmd_opt lint_opts[] = {
	{ "profile", 0, OPT_STRING, offsetof(struct lint_opts, profile),
	  "profile", "rules: private (default, RFC 5280) or web (CA/B)",
	  "private web", OPT_F_CHOICE },
	OPT_FORMAT(struct lint_opts, "output format: text (default) or json",
	    "text json"),
	{ "list-rules", 0, OPT_BOOL, offsetof(struct lint_opts, list_rules),
	  NULL, "print every rule with its levels and source" },
	{ "roots", 0, OPT_STRING, offsetof(struct lint_opts, roots), "file|dir",
	  "roots to trust for a server (default: system)", NULL, OPT_F_FILE },
	{ "servername", 0, OPT_STRING, offsetof(struct lint_opts, servername),
	  "name", "server name to send (SNI) and check",
	  NULL, 0, "server-name" },
	OPT_INSECURE(struct lint_opts),
	{ 0 }
};

const struct cmd cmd_certificate_lint = {
	"lint", cmd_certificate_lint_run, NULL, "<file|url>", 0, 1,
	"lint a certificate against RFC 5280 and CA/B Forum rules",
	"Runs a table of rules over the first certificate of the file (or "
	"the\ncertificate a server sends) and prints each finding: its "
	"level, the\nrule, what is wrong and the clause it comes from.  When "
	"the file (or\nthe chain) also holds the issuer, the rules that "
	"compare the two run\ntoo.\n"
	"\n"
	"Two profiles set which rules run and how much they weigh:\n"
	"\n"
	"  private  RFC 5280 and sound practice for internal PKIs: the Web\n"
	"           PKI's validity, EKU, naming and policy rules are off or\n"
	"           warnings (the default)\n"
	"  web      the Baseline Requirements for publicly trusted TLS\n"
	"           certificates, what step certificate lint checks\n"
	"\n"
	"--list-rules prints the whole table.  The exit status is 1 when "
	"a rule\nof level error fails, 0 otherwise (warnings and notices "
	"do not\nchange it).",
	"Lint a certificate of a private PKI:\n"
	"  $ pkit certificate lint leaf.crt\n"
	"Lint a public TLS certificate as JSON:\n"
	"  $ pkit certificate lint --profile web --format json "
	"https://example.com\n"
	"Show every rule:\n"
	"  $ pkit certificate lint --list-rules\n",
	lint_opts
};

static int
cmd_certificate_lint_run(struct cmd_run *run, int argc, char **argv)
{
	struct lint_opts o = { 0 };
	enum pkit_lint_profile profile;
	struct pkit_lint_report *rep = NULL;
	STACK_OF(X509) *certs = NULL;
	X509 *crt, *issuer = NULL;
	char **args, *text = NULL;
	const char *arg, *name;
	int nargs, r, json;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	json = o.format != NULL && strcmp(o.format, "json") == 0;
	if (o.list_rules) {
		if (nargs > 0)
			return cmd_usage_error(run,
			    "--list-rules takes no file");
		if ((r = pkit_lint_rules_render(run->ctx, json, &text)) != 0)
			return cmd_fail(run, r);
		fputs(text, stdout);
		free(text);
		return EXIT_OK;
	}
	if (nargs == 0)
		return cmd_usage_error(run, "no certificate given");
	arg = args[0];
	name = strcmp(arg, "-") == 0 ? "standard input" : arg;
	if ((r = pkit_lint_profile_parse(run->ctx, o.profile, &profile)) != 0)
		return cmd_fail(run, r);
	if (pkit_tls_is_url(arg)) {
		struct pkit_tls_opts t = { o.roots, o.servername, o.insecure,
		    0 };

		r = pkit_tls_fetch_chain(run->ctx, arg, &t, &certs);
	} else {
		if (o.roots != NULL || o.servername != NULL)
			return cmd_usage_error(run, "--roots and --servername "
			    "apply to a server address (https://...)");
		r = pkit_x509_load_certs(run->ctx, arg, &certs);
	}
	if (r != 0)
		return cmd_fail(run, r);
	crt = sk_X509_value(certs, 0);
	if (sk_X509_num(certs) > 1)
		issuer = sk_X509_value(certs, 1);
	r = pkit_x509_lint(run->ctx, crt, issuer, profile, &rep);
	sk_X509_pop_free(certs, X509_free);
	if (r == 0)
		r = json ? pkit_lint_report_json(run->ctx, rep, name, &text) :
		    pkit_lint_report_text(run->ctx, rep, name, &text);
	if (r != 0) {
		pkit_lint_report_free(rep);
		return cmd_fail(run, r);
	}
	fputs(text, stdout);
	free(text);
	r = rep->errors > 0 ? EXIT_FAIL : EXIT_OK;
	pkit_lint_report_free(rep);
	return r;
}

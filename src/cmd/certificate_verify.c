/* certificate_verify.c - `pkit certificate verify`: validate a chain. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "lib/tlsfetch.h"
#include "lib/x509.h"
#include "lib/x509_info.h"
#include "lib/x509_verify.h"

static int cmd_certificate_verify_run(struct cmd_run *, int, char **);

struct verify_opts {
	const char *roots;
	const char *host;
	const char *servername;
	const char *issuing_ca;
	const char *purpose;
	int verbose;
};

static const struct cmd_opt verify_opts[] = {
	{ "roots", 0, OPT_STRING, offsetof(struct verify_opts, roots),
	  "file|dir", "anchors: a PEM file or directory (default: system)",
	  NULL, OPT_F_FILE },
	{ "host", 0, OPT_STRING, offsetof(struct verify_opts, host), "name",
	  "DNS name or IP address the certificate must match" },
	{ "servername", 0, OPT_STRING, offsetof(struct verify_opts, servername),
	  "name", "server name to send (SNI) for a server address",
	  NULL, 0, "server-name" },
	{ "issuing-ca", 0, OPT_STRING, offsetof(struct verify_opts, issuing_ca),
	  "file", "the certificate must be issued by this CA", NULL,
	  OPT_F_FILE },
	{ "purpose", 0, OPT_STRING, offsetof(struct verify_opts, purpose),
	  "purpose", "server (default), client, email or any",
	  "server client email any",
	  OPT_F_CHOICE },
	{ "verbose", 'v', OPT_BOOL, offsetof(struct verify_opts, verbose), NULL,
	  "print the path, or where and why it fails" },
	{ 0 }
};

const struct cmd cmd_certificate_verify = {
	"verify", cmd_certificate_verify_run, NULL, "<file|url>", 1, 1,
	"verify a certificate's chain, validity, host and purpose",
	"Validates the first certificate of the file (or the certificate a "
	"server\nsends) up to a trust anchor: every signature, the validity "
	"periods,\nbasic constraints, path lengths, name constraints, key "
	"usages and the\npurpose.  The certificates after the first one in "
	"the file (or the\nserver's chain) are used as intermediates.  "
	"Anchors come from --roots\n(a PEM file, any certificate of which is "
	"trusted, or a hashed\ndirectory) or the system trust store.\n"
	"\n"
	"With --host the certificate must also be valid for that DNS name "
	"or IP\naddress; for a server address the host of the address is "
	"checked\nunless --host is given.  --issuing-ca requires the "
	"certificate to be\nissued by that CA.  Leaves are checked for TLS "
	"server use unless\n--purpose says otherwise.\n"
	"\n"
	"The exit status is 0 when the certificate is valid and 1 when it "
	"is\nnot; --verbose names the certificate that failed and its depth "
	"(0\nfor the leaf), or prints the validated path.",
	"Verify a certificate against a private root:\n"
	"  $ pkit certificate verify --roots root.crt leaf.crt\n"
	"Verify a server's certificate for its name:\n"
	"  $ pkit certificate verify --roots root.crt -v https://ca:9443\n",
	verify_opts
};

static int
cmd_certificate_verify_run(struct cmd_run *run, int argc, char **argv)
{
	struct verify_opts o = { 0 };
	struct pkit_verify_opts vo = { 0 };
	struct pkit_verify_result res;
	STACK_OF(X509) *certs = NULL;
	char **args, host[256], name[600];
	const char *arg;
	int nargs, r, i;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	arg = args[0];
	vo.roots = o.roots;
	vo.host = o.host;
	vo.issuing_ca = o.issuing_ca;
	vo.purpose = o.purpose;
	if (pkit_tls_is_url(arg)) {
		/* The chain is fetched as it is and verified below, with the
		 * same rules as a file. */
		struct pkit_tls_opts t = { NULL, o.servername, 1, 0 };

		if ((r = pkit_tls_url_host(run->ctx, arg, host,
		    sizeof(host))) != 0)
			return cmd_fail(run, r);
		if (vo.host == NULL)
			vo.host = o.servername != NULL ? o.servername : host;
		r = pkit_tls_fetch_chain(run->ctx, arg, &t, &certs);
	} else {
		if (o.servername != NULL)
			return cmd_usage_error(run, "--servername applies to a "
			    "server address (https://...)");
		r = pkit_x509_load_certs(run->ctx, arg, &certs);
	}
	if (r != 0)
		return cmd_fail(run, r);
	r = pkit_x509_verify(run->ctx, certs, strcmp(arg, "-") == 0 ?
	    "standard input" : arg, &vo, &res);
	sk_X509_pop_free(certs, X509_free);
	if (r != 0 && res.error != 0 && o.verbose) {
		fprintf(stderr, "%s: %s (depth %d, %s)\n", PROG,
		    run->ctx->errbuf, res.depth,
		    res.subject[0] ? res.subject : "empty subject");
		return EXIT_FAIL;
	}
	if (r != 0)
		return cmd_fail(run, r);
	if (o.verbose) {
		printf("%s: OK\n", arg);
		for (i = 0; i < sk_X509_num(res.chain); i++) {
			pkit_x509_name_text(X509_get_subject_name(
			    sk_X509_value(res.chain, i)), name, sizeof(name));
			printf("  depth %d: %s\n", i, name);
		}
	}
	pkit_verify_result_release(&res);
	return EXIT_OK;
}

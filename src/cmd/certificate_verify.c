/* certificate_verify.c - `pkit certificate verify`: validate a chain. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "lib/revcheck.h"
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
	const char *crl, *ocsp;
	int verify_crl, verify_ocsp;
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
	{ "crl", 0, OPT_STRING, offsetof(struct verify_opts, crl), "file|url",
	  "check that the certificate is not on this CRL", NULL, OPT_F_FILE,
	  "crl-endpoint" },
	{ "verify-crl", 0, OPT_BOOL, offsetof(struct verify_opts, verify_crl),
	  NULL, "check the CRL at the certificate's distribution point" },
	{ "ocsp", 0, OPT_STRING, offsetof(struct verify_opts, ocsp), "url",
	  "ask this OCSP responder whether the certificate is revoked",
	  NULL, 0, "ocsp-endpoint" },
	{ "verify-ocsp", 0, OPT_BOOL,
	  offsetof(struct verify_opts, verify_ocsp), NULL,
	  "ask the OCSP responder the certificate names" },
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
	"(0\nfor the leaf), or prints the validated path.\n"
	"\n"
	"Revocation is checked on request: --crl with a CRL file or URL, or\n"
	"--verify-crl with the certificate's CRL distribution point, makes a\n"
	"certificate on that CRL (signed by its issuer) fail; --ocsp with a\n"
	"responder's URL, or --verify-ocsp with the one the certificate "
	"names\n(AIA), asks with a nonce after the path validated and fails "
	"unless\nthe signed answer is good.  URLs must be https://; the "
	"server is\nchecked against --roots when it is a file, else the "
	"system store.",
	"Verify a certificate against a private root:\n"
	"  $ pkit certificate verify --roots root.crt leaf.crt\n"
	"Verify a server's certificate for its name:\n"
	"  $ pkit certificate verify --roots root.crt -v https://ca:9443\n"
	"Check revocation by the certificate's CRL and OCSP responder:\n"
	"  $ pkit certificate verify --roots root.crt --verify-crl "
	"--verify-ocsp \\\n      leaf.crt\n",
	verify_opts
};

static int
cmd_certificate_verify_run(struct cmd_run *run, int argc, char **argv)
{
	struct verify_opts o = { 0 };
	struct pkit_verify_opts vo = { 0 };
	struct pkit_verify_result res;
	STACK_OF(X509) *certs = NULL;
	STACK_OF(X509_CRL) *crls = NULL;
	X509_CRL *crl = NULL;
	struct pkit_rev_ocsp st;
	char **args, host[256], name[600], *url = NULL;
	const char *arg, *what;
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
	what = strcmp(arg, "-") == 0 ? "standard input" : arg;
	if (o.crl != NULL && o.verify_crl)
		r = cmd_usage_error(run, "--crl and --verify-crl are "
		    "incompatible");
	else if (o.ocsp != NULL && o.verify_ocsp)
		r = cmd_usage_error(run, "--ocsp and --verify-ocsp are "
		    "incompatible");
	if (r != 0) {
		sk_X509_pop_free(certs, X509_free);
		return r;
	}
	if (o.crl != NULL || o.verify_crl) {
		if ((o.crl == NULL && (r = pkit_rev_crl_url(run->ctx,
		    sk_X509_value(certs, 0), &url)) != 0) ||
		    (r = pkit_rev_load_crl(run->ctx, o.crl != NULL ? o.crl :
		    url, o.roots, &crl)) != 0 ||
		    (crls = sk_X509_CRL_new_null()) == NULL ||
		    !sk_X509_CRL_push(crls, crl)) {
			if (r == 0)
				r = pkit_seterr_nomem(run->ctx);
			free(url);
			X509_CRL_free(crl);
			sk_X509_CRL_free(crls);
			sk_X509_pop_free(certs, X509_free);
			return cmd_fail(run, r);
		}
		free(url);
		url = NULL;
		vo.crls = crls;
	}
	r = pkit_x509_verify(run->ctx, certs, what, &vo, &res);
	sk_X509_pop_free(certs, X509_free);
	sk_X509_CRL_pop_free(crls, X509_CRL_free);
	if (r == 0 && (o.ocsp != NULL || o.verify_ocsp)) {
		if ((o.ocsp != NULL || (r = pkit_rev_ocsp_url(run->ctx,
		    sk_X509_value(res.chain, 0), &url)) == 0))
			r = pkit_rev_ocsp_check(run->ctx, what, o.ocsp != NULL ?
			    o.ocsp : url, o.roots, res.chain, &st);
		free(url);
		if (r != 0) {
			pkit_verify_result_release(&res);
			return cmd_fail(run, r);
		}
	}
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
		if (vo.crls != NULL)
			printf("  CRL: not revoked\n");
		if (o.ocsp != NULL || o.verify_ocsp)
			printf("  OCSP: good\n");
	}
	pkit_verify_result_release(&res);
	return EXIT_OK;
}

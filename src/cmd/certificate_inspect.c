/* certificate_inspect.c - `pkit certificate inspect`: a certificate, a
 * chain, a CSR, a PKCS#12 file or a live server's certificate in words. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "lib/crl_info.h"
#include "lib/fs.h"
#include "lib/secret.h"
#include "lib/tlsfetch.h"
#include "lib/x509_info.h"

static int cmd_certificate_inspect_run(struct cmd_run *, int, char **);

struct inspect_opts {
	const char *format;
	int short_form;
	int bundle;
	int pem;
	const char *roots;
	const char *servername;
	int insecure;
	const char *password_file;
};

static const struct cmd_opt inspect_opts[] = {
	OPT_FORMAT(struct inspect_opts,
	    "output format: text (default), json or pem", "text json pem"),
	{ "short", 0, OPT_BOOL, offsetof(struct inspect_opts, short_form),
	  NULL, "print the short form (type, key, names, validity)" },
	{ "bundle", 0, OPT_BOOL, offsetof(struct inspect_opts, bundle), NULL,
	  "show every certificate, not only the first" },
	{ "pem", 0, OPT_BOOL, offsetof(struct inspect_opts, pem), NULL,
	  "add each certificate's PEM to --format json" },
	{ "roots", 0, OPT_STRING, offsetof(struct inspect_opts, roots),
	  "file|dir", "roots to trust for a server (default: system)", NULL,
	  OPT_F_FILE },
	{ "servername", 0, OPT_STRING,
	  offsetof(struct inspect_opts, servername), "name",
	  "server name to send (SNI) and check", NULL, 0,
	  "server-name" },
	OPT_INSECURE(struct inspect_opts),
	OPT_PASSWORD_FILE(struct inspect_opts),
	{ 0 }
};

const struct cmd cmd_certificate_inspect = {
	"inspect", cmd_certificate_inspect_run, NULL, "[<file|url>]", 0, 1,
	"print a certificate, chain, CSR, CRL or server certificate",
	"Prints what a certificate says: every field and extension decoded, "
	"in\nthe layout of step certificate inspect.  The input is a file "
	"(\"-\" or\nnothing for standard input) holding certificates, a "
	"certificate request\n(its requested extensions are decoded too) or "
	"a PKCS#12 file, in PEM\nor DER, or a certificate revocation list "
	"(--format text, json or\npem); or a server address, whose "
	"certificate is fetched over TLS:\n"
	"\n"
	"  https://host[:port]  tls://host:port  tcp://host:port\n"
	"  smtps://host  ldaps://host\n"
	"\n"
	"The server's chain is verified against --roots (or the system "
	"store)\nand --servername before it is shown, unless --insecure is "
	"given.\n"
	"\n"
	"Only the first certificate of a file or chain is shown unless "
	"--bundle\nis given.  --short prints one block per certificate: "
	"its type, key,\nserial, names, issuer and validity.  --format json "
	"prints zcrypto's\nfield names, as step does; --pem adds the PEM of "
	"each certificate to\nit.  --format pem prints the certificates "
	"again as PEM (a DER file\nbecomes PEM).  The output does not depend "
	"on the clock or the locale.",
	"Inspect a certificate:\n"
	"  $ pkit certificate inspect leaf.crt\n"
	"Show every certificate of a chain in the short form:\n"
	"  $ pkit certificate inspect --bundle --short chain.crt\n"
	"Print a CSR as JSON, with its PEM:\n"
	"  $ pkit certificate inspect --format json --pem request.csr\n"
	"Inspect the chain a server sends, trusting a private root:\n"
	"  $ pkit certificate inspect --bundle --roots root.crt "
	"https://ca:9443\n",
	inspect_opts
};

/* load_file() printed a CRL. */
#define CRL_SHOWN 1

/* Print a CRL: in words, as JSON or as PEM. */
static int
show_crl(struct cmd_run *run, const struct inspect_opts *o, const char *name,
    const unsigned char *data, size_t len)
{
	X509_CRL *crl = NULL;
	unsigned char *pem = NULL;
	char *text = NULL;
	size_t n = 0;
	int r;

	if ((r = pkit_crl_parse(run->ctx, data, len, name, &crl)) != 0)
		return r;
	if (o->format != NULL && strcmp(o->format, "pem") == 0) {
		if ((r = pkit_crl_encode(run->ctx, crl, 1, &pem, &n)) == 0)
			fwrite(pem, 1, n, stdout);
	} else if ((r = pkit_crl_render(run->ctx, crl, o->format != NULL &&
	    strcmp(o->format, "json") == 0, &text)) == 0)
		fputs(text, stdout);
	free(pem);
	free(text);
	X509_CRL_free(crl);
	return r != 0 ? r : CRL_SHOWN;
}

/* Read and parse a file, asking for the PKCS#12 password when one is
 * needed; a CRL is printed here (CRL_SHOWN). */
static int
load_file(struct cmd_run *run, const struct inspect_opts *o, const char *path,
    struct pkit_x509_input *in)
{
	const char *name = strcmp(path, "-") == 0 ? "standard input" : path;
	unsigned char *data = NULL;
	char *pw = NULL;
	size_t len = 0;
	int r;

	if ((r = pkit_file_read(run->ctx, path, PKIT_FILE_MAX, &data,
	    &len)) != 0)
		return r;
	if (pkit_crl_detect(data, len)) {
		r = show_crl(run, o, name, data, len);
		goto out;
	}
	if (o->password_file != NULL && (r = cmd_password(run,
	    o->password_file, NULL, 0, "--password-file", &pw)) != 0)
		goto out;
	r = pkit_x509_input_parse(run->ctx, data, len, name, pw, in);
	if (r == PKIT_ERR_PASSWORD && pw == NULL) {
		char prompt[512];

		snprintf(prompt, sizeof(prompt),
		    "Please enter the password to decrypt %s: ", name);
		if ((r = cmd_password(run, NULL, prompt, 0, "--password-file",
		    &pw)) != 0)
			goto out;
		r = pkit_x509_input_parse(run->ctx, data, len, name, pw, in);
	}
out:
	pkit_secret_strfree(pw);
	free(data);
	return r;
}

static int
cmd_certificate_inspect_run(struct cmd_run *run, int argc, char **argv)
{
	struct inspect_opts o = { 0 };
	struct pkit_x509_input in = { 0 };
	enum pkit_x509_format fmt = PKIT_X509_TEXT;
	const char *arg;
	char **args, *text = NULL;
	unsigned flags = 0;
	int nargs, r;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	arg = nargs > 0 ? args[0] : "-";
	if (o.format != NULL && strcmp(o.format, "json") == 0)
		fmt = PKIT_X509_JSON;
	else if (o.format != NULL && strcmp(o.format, "pem") == 0)
		fmt = PKIT_X509_PEM;
	if (o.short_form && fmt != PKIT_X509_TEXT)
		return cmd_usage_error(run, "--short and --format %s are "
		    "incompatible", o.format);
	if (o.short_form)
		fmt = PKIT_X509_SHORT;
	if (o.pem && fmt != PKIT_X509_JSON)
		return cmd_usage_error(run, "--pem needs --format json");
	if (o.bundle)
		flags |= PKIT_X509_INFO_BUNDLE;
	if (o.pem)
		flags |= PKIT_X509_INFO_WITH_PEM;

	if (pkit_tls_is_url(arg)) {
		struct pkit_tls_opts t = { o.roots, o.servername, o.insecure,
		    0 };

		r = pkit_tls_fetch_chain(run->ctx, arg, &t, &in.certs);
	} else {
		if (o.roots != NULL || o.servername != NULL)
			return cmd_usage_error(run, "--roots and --servername "
			    "apply to a server address (https://...)");
		if ((r = load_file(run, &o, arg, &in)) == CRL_SHOWN)
			return EXIT_OK;
	}
	if (r == 0)
		r = pkit_x509_info_render(run->ctx, &in, fmt, flags, &text);
	pkit_x509_input_release(&in);
	if (r != 0)
		return cmd_fail(run, r);
	fputs(text, stdout);
	free(text);
	return EXIT_OK;
}

/* ca_crl.c - `pkit ca crl`: download the CA's certificate revocation
 * list (GET /crl). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ca_client.h"
#include "cmd.h"
#include "lib/ca/client.h"
#include "lib/crl_info.h"

struct crl_opts {
	struct ca_flags ca;
	const char *format;
	int force;
};

static const struct cmd_opt crl_opts[] = {
	OPT_CA_URL(struct crl_opts, ca),
	OPT_CA_ROOT(struct crl_opts, ca),
	OPT_FORMAT(struct crl_opts, "der or pem (default: der into a file, "
	    "pem on standard output)", "der pem"),
	OPT_FORCE(struct crl_opts),
	{ 0 }
};

static int
cmd_crl(struct cmd_run *run, int argc, char **argv)
{
	struct crl_opts o = { { 0 } };
	struct ca_config cfg = { 0 };
	struct pkit_ca_client *c = NULL;
	X509_CRL *crl = NULL;
	unsigned char *body = NULL, *enc = NULL;
	size_t len = 0, enc_len = 0;
	const char *path;
	char **args, what[600];
	int nargs, pem, r;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	path = nargs > 0 && strcmp(args[0], "-") != 0 ? args[0] : NULL;
	pem = o.format != NULL ? strcmp(o.format, "pem") == 0 : path == NULL;
	if ((r = ca_config_resolve(run, &o.ca, CA_NEED_URL | CA_NEED_ROOT,
	    &cfg)) != CMD_CONTINUE)
		return r;
	if ((r = ca_client_open(run, &cfg, &c)) != 0 ||
	    (r = pkit_ca_client_get_raw(run->ctx, c, "/1.0/crl", &body, &len,
	    NULL)) != 0)
		goto fail;
	snprintf(what, sizeof(what), "%s/1.0/crl", pkit_ca_client_url(c));
	if ((r = pkit_crl_parse(run->ctx, body != NULL ? body :
	    (const unsigned char *)"", len, what, &crl)) != 0 ||
	    (r = pkit_crl_encode(run->ctx, crl, pem, &enc, &enc_len)) != 0 ||
	    (r = ca_save(run, path, enc, enc_len, o.force,
	    "certificate revocation list")) != 0)
		goto fail;
	r = EXIT_OK;
	goto out;
fail:
	r = cmd_fail(run, r);
out:
	free(enc);
	free(body);
	X509_CRL_free(crl);
	pkit_ca_client_free(c);
	ca_config_release(&cfg);
	return r;
}

const struct cmd cmd_ca_crl = {
	"crl", cmd_crl, NULL, "[<crl-file>]", 0, 1,
	"download the CA's certificate revocation list",
	"Fetches the CA's CRL (GET /1.0/crl) over a connection whose TLS\n"
	"certificate must chain to --root, checks that it is a CRL, and "
	"writes\nit to <crl-file> (DER unless --format pem), or to the "
	"standard output\nas PEM (DER with --format der).  The CA serves one "
	"only when ca.json's\n\"crl\" block enables it; otherwise the CA's "
	"404 is reported.\n"
	"\n"
	"--ca-url and --root, when not given, come from the environment\n"
	"(PKIT_CA_URL, PKIT_ROOT), else from $PKITPATH/config/defaults.json "
	"as\n'pkit ca bootstrap' wrote it; the root last falls back to\n"
	"$PKITPATH/certs/root_ca.crt.",
	"Save the CRL of the bootstrapped CA:\n"
	"  $ pkit ca crl crl.der\n"
	"Print it as PEM, then in words:\n"
	"  $ pkit ca crl | pkit certificate inspect\n",
	crl_opts
};

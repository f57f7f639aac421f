/* ca_crl.c - `pkit ca crl`: download the CA's certificate revocation
 * list (GET /crl). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ca_client.h"
#include "cmd.h"
#include "lib/ca/client.h"
#include "lib/ca/offline.h"
#include "lib/crl_info.h"

struct crl_opts {
	struct ca_flags ca;
	struct ca_offline_flags off;
	const char *format;
	int force;
};

static const struct cmd_opt crl_opts[] = {
	OPT_CA_URL(struct crl_opts, ca),
	OPT_CA_ROOT(struct crl_opts, ca),
	OPT_FORMAT(struct crl_opts, "der or pem (default: der into a file, "
	    "pem on standard output)", "der pem"),
	OPT_FORCE(struct crl_opts),
	OPT_CA_OFFLINE(struct crl_opts, off),
	OPT_CA_PASSWORD_FILE(struct crl_opts, off),
	{ 0 }
};

static int
cmd_crl(struct cmd_run *run, int argc, char **argv)
{
	struct crl_opts o = { { 0 } };
	struct ca_config cfg = { 0 };
	struct pkit_ca_client *c = NULL;
	struct pkit_ca_offline *off = NULL;
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
	if (!o.off.offline && (o.off.ca_config != NULL ||
	    o.off.ca_password_file != NULL))
		return cmd_usage_error(run, "--ca-config and --ca-password-file "
		    "need --offline");
	if (o.off.offline && (o.ca.ca_url != NULL || o.ca.root != NULL))
		return cmd_usage_error(run, "--offline does not go with --ca-url "
		    "and --root");
	if (o.off.offline) {
		/* What GET /crl would serve, made here with the CA's key. */
		if ((r = ca_offline_open(run, &o.off, 1, &off)) != 0 ||
		    (r = pkit_ca_offline_crl(run->ctx, off, &body, &len)) != 0)
			goto fail;
		snprintf(what, sizeof(what), "%s/1.0/crl",
		    pkit_ca_offline_url(off));
	} else {
		if ((r = ca_config_resolve(run, &o.ca, CA_NEED_URL |
		    CA_NEED_ROOT, &cfg)) != CMD_CONTINUE)
			return r;
		if ((r = ca_client_open(run, &cfg, &c)) != 0 ||
		    (r = pkit_ca_client_get_raw(run->ctx, c, "/1.0/crl", &body,
		    &len, NULL)) != 0)
			goto fail;
		snprintf(what, sizeof(what), "%s/1.0/crl",
		    pkit_ca_client_url(c));
	}
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
	pkit_ca_offline_free(off);
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
	"With --offline the CRL is made here, without the CA's server: from "
	"the\nCA's ca.json (--ca-config, default $PKITPATH/config/ca.json), "
	"its\ndatabase and its intermediate key (decrypted with "
	"--ca-password-file,\nca.json's \"password\" or a prompt), exactly "
	"as GET /crl would serve it:\nthe CRL kept in the database, made "
	"again first (with the next CRL\nnumber) when a revocation is missing "
	"from it or it is due.  This\npublishes the CRL while the server is "
	"down; 'pkit ca revoke --offline'\nmakes it again itself.\n"
	"\n"
	"--ca-url and --root, when not given, come from the environment\n"
	"(PKIT_CA_URL, PKIT_ROOT), else from $PKITPATH/config/defaults.json "
	"as\n'pkit ca bootstrap' wrote it; the root last falls back to\n"
	"$PKITPATH/certs/root_ca.crt.",
	"Save the CRL of the bootstrapped CA:\n"
	"  $ pkit ca crl crl.der\n"
	"Print it as PEM, then in words:\n"
	"  $ pkit ca crl | pkit certificate inspect\n"
	"On the CA's host, with its server down:\n"
	"  $ pkit ca crl --offline --ca-password-file ca-pw.txt crl.der\n",
	crl_opts
};

/* ca_federate.c - `pkit ca federate`: trust another CA's root next to our
 * own (ca.json federatedRoots; src/lib/ca/federate.c). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>

#include "ca_client.h"
#include "cmd.h"
#include "lib/ca/client.h"
#include "lib/ca/federate.h"
#include "lib/x509.h"

struct federate_opts {
	struct ca_flags ca;
	const char *config;
};

static const struct cmd_opt federate_opts[] = {
	OPT_CA_URL(struct federate_opts, ca),
	OPT_CA_FINGERPRINT(struct federate_opts, ca),
	{ "ca-config", 0, OPT_STRING, offsetof(struct federate_opts, config),
	  "file", "the ca.json to change (default $PKITPATH/config/ca.json)",
	  NULL, OPT_F_FILE },
	{ 0 }
};

static int cmd_federate(struct cmd_run *, int, char **);

const struct cmd cmd_ca_federate = {
	"federate", cmd_federate, NULL, "[<root-file>]", 0, 1,
	"add another CA's root to this CA's federated roots",
	"Adds the root certificate of another CA to the federatedRoots of "
	"this\nCA's ca.json, so that 'pkit ca serve' lists it at /federation "
	"and\naccepts client certificates from that CA.  The root comes from "
	"<root-file>,\nor from the CA at --ca-url, fetched and checked "
	"against --fingerprint\nexactly as 'pkit ca bootstrap' does (the "
	"other CA's TLS certificate\nmust then chain to it).\n"
	"\n"
	"The root is saved as $PKITPATH/certs/federated-<fingerprint>.crt "
	"and its\npath appended to federatedRoots; ca.json is rewritten "
	"atomically, its\nmode kept.  A root already federated (same "
	"fingerprint) changes\nnothing; this CA's own root, or a certificate "
	"that is not a CA, is\nrefused.  A running 'pkit ca serve' picks the "
	"change up on SIGHUP.\n"
	"\n"
	"Unlike the other 'pkit ca' verbs, --ca-url and --fingerprint name "
	"the\nother CA and never come from defaults.json or the environment.",
	"Federate with the CA at ca.other.example:\n"
	"  $ pkit ca federate --ca-url https://ca.other.example:9000 \\\n"
	"      --fingerprint 37637580abfdebb0f6c9da0c075e160f3b2ecc3a99c5c36c1095f43082aed770\n"
	"Federate with a root you have as a file, for another ca.json:\n"
	"  $ pkit ca federate --ca-config /etc/pkit/ca.json other_root.crt\n",
	federate_opts };

static int
cmd_federate(struct cmd_run *run, int argc, char **argv)
{
	struct federate_opts o = { { 0 } };
	struct pkit_ca_federated res = { 0 };
	X509 *root = NULL;
	char config[4096], dir[4096], *url = NULL, fp[PKIT_CA_FP_LEN + 1];
	char **args;
	int nargs, r;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	if (nargs > 0 && (o.ca.ca_url != NULL || o.ca.fingerprint != NULL))
		return cmd_usage_error(run, "give <root-file> or --ca-url and "
		    "--fingerprint, not both");
	if (nargs == 0 && (o.ca.ca_url == NULL || o.ca.fingerprint == NULL))
		return cmd_usage_error(run, "give <root-file>, or --ca-url and "
		    "--fingerprint");
	if (o.config != NULL)
		snprintf(config, sizeof(config), "%s", o.config);
	else if ((r = ca_path(run, "config/ca.json", config,
	    sizeof(config))) != 0)
		return cmd_fail(run, r);
	if ((r = ca_path(run, "certs", dir, sizeof(dir))) != 0)
		return cmd_fail(run, r);
	if (nargs > 0)
		r = pkit_x509_load_cert(run->ctx, args[0], &root);
	else if ((r = pkit_ca_url_normalize(run->ctx, o.ca.ca_url,
	    &url)) == 0 && (r = pkit_ca_fingerprint_normalize(run->ctx,
	    o.ca.fingerprint, fp)) == 0)
		r = pkit_ca_bootstrap(run->ctx, url, fp, &root);
	if (r != 0 || (r = pkit_ca_federate(run->ctx, config, run->g->base,
	    dir, root, &res)) != 0) {
		r = cmd_fail(run, r);
		goto out;
	}
	if (res.added)
		fprintf(stderr, "The root %s has been saved in %s and added to "
		    "the federated roots\nof %s; send the CA a SIGHUP to "
		    "serve it.\n", res.fingerprint, res.path, config);
	else
		fprintf(stderr, "The root %s is federated already: %s is "
		    "unchanged.\n", res.fingerprint, config);
	r = EXIT_OK;
out:
	free(res.path);
	free(url);
	X509_free(root);
	return r;
}

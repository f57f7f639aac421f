/* ca_provisioner.c - the `pkit ca provisioner` group: `list`. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "ca_client.h"
#include "cmd.h"
#include "lib/ca/client.h"

struct list_opts {
	struct ca_flags ca;
};

static const struct cmd_opt list_opts[] = {
	OPT_CA_URL(struct list_opts, ca),
	OPT_CA_ROOT(struct list_opts, ca),
	{ 0 }
};

static int cmd_list(struct cmd_run *, int, char **);

static const struct cmd cmd_ca_provisioner_list = {
	"list", cmd_list, NULL, NULL, 0, 0,
	"list the provisioners of the CA as JSON",
	"Fetches every provisioner of the CA (GET /provisioners, page after "
	"page)\nover a connection whose TLS certificate must chain to --root, "
	"and prints\nthem as one JSON array indented as step prints it.  "
	"Provisioners hold\npublic data only: a JWK provisioner's private key "
	"is encrypted\n(\"encryptedKey\").\n"
	"\n"
	"--ca-url and --root not given come from PKIT_CA_URL and PKIT_ROOT, "
	"else\nfrom $PKITPATH/config/defaults.json; the root last falls back "
	"to\n$PKITPATH/certs/root_ca.crt.",
	"List the provisioners of the bootstrapped CA:\n"
	"  $ pkit ca provisioner list\n"
	"Only their names:\n"
	"  $ pkit ca provisioner list | jq -r '.[].name'\n",
	list_opts };

static const struct cmd *const provisioner_sub[] = {
	&cmd_ca_provisioner_list,
	NULL
};

const struct cmd cmd_ca_provisioner = {
	"provisioner", NULL, provisioner_sub, NULL, 0, 0,
	"list the provisioners of a CA",
	"The provisioners of a CA are the ways it accepts to issue "
	"certificates:\nJWK (one-time tokens signed by a password-protected "
	"key), ACME, X5C,\nOIDC ...  These commands read them from a running "
	"CA.",
	"List the provisioners:\n"
	"  $ pkit ca provisioner list\n" };

static int
cmd_list(struct cmd_run *run, int argc, char **argv)
{
	struct list_opts o = { { 0 } };
	struct ca_config cfg = { 0 };
	struct pkit_ca_client *c = NULL;
	json_t *list = NULL;
	char *text = NULL;
	char **args;
	int nargs, r;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	if ((r = ca_config_resolve(run, &o.ca, CA_NEED_URL | CA_NEED_ROOT,
	    &cfg)) != CMD_CONTINUE)
		return r;
	if ((r = ca_client_open(run, &cfg, &c)) != 0 ||
	    (r = pkit_ca_provisioners(run->ctx, c, &list)) != 0)
		r = cmd_fail(run, r);
	else if ((text = json_dumps(list, JSON_INDENT(3) |
	    JSON_PRESERVE_ORDER)) == NULL)
		r = cmd_fail(run, pkit_seterr(run->ctx, PKIT_ERR_NOMEM,
		    "provisioner list"));
	else {
		printf("%s\n", text);
		r = EXIT_OK;
	}
	free(text);
	json_decref(list);
	pkit_ca_client_free(c);
	ca_config_release(&cfg);
	return r;
}

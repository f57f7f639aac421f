/* ca.c - the `pkit ca` group: the online certificate authority.  Its
 * members are in ca_*.c. */
#include "config.h"

#include "cmd.h"
#include "ca_client.h"

static const struct cmd *const ca_sub[] = {
	&cmd_ca_acme,
	&cmd_ca_bootstrap,
	&cmd_ca_certificate,
	&cmd_ca_crl,
	&cmd_ca_federate,
	&cmd_ca_federation,
	&cmd_ca_health,
	&cmd_ca_init,
	&cmd_ca_provisioner,
	&cmd_ca_rekey,
	&cmd_ca_renew,
	&cmd_ca_revoke,
	&cmd_ca_root,
	&cmd_ca_roots,
	&cmd_ca_serve,
	&cmd_ca_sign,
	&cmd_ca_token,
	NULL
};

const struct cmd cmd_ca = {
	"ca", NULL, ca_sub, NULL, 0, 0,
	"an online certificate authority: run one, or use one",
	"pkit ca serve runs an HTTPS certificate authority from a ca.json in "
	"the\nformat of step-ca, with the same routes, JSON and errors, so "
	"that pkit\nand the step CLI can both use it.  The other commands are "
	"its clients,\nand work with step-ca too: bootstrap trusts a CA by its "
	"root's\nfingerprint; root, roots, federation, health and provisioner "
	"ask it.\n"
	"\n"
	"Files live under $PKITPATH: certs/, secrets/, config/ca.json and\n"
	"config/defaults.json, as step keeps them under $STEPPATH.",
	"Serve the authority configured in $PKITPATH/config/ca.json:\n"
	"  $ pkit ca serve --password-file pw.txt\n"
	"Check from elsewhere that it is up:\n"
	"  $ pkit ca health --ca-url https://ca.example.com "
	"--root root_ca.crt\n"
};

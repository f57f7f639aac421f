/* ssh.c - the `pkit ssh` group: its members are in ssh_*.c. */
#include "config.h"

#include "cmd.h"

/* The rows of the members (ssh_inspect.c, ssh_agent.c, ssh_config.c). */
extern const struct cmd cmd_ssh_certificate;	/* ssh_ca.c */
extern const struct cmd cmd_ssh_check_host;
extern const struct cmd cmd_ssh_config;
extern const struct cmd cmd_ssh_fingerprint;
extern const struct cmd cmd_ssh_inspect;
extern const struct cmd cmd_ssh_list;
extern const struct cmd cmd_ssh_login;
extern const struct cmd cmd_ssh_logout;
extern const struct cmd cmd_ssh_needs_renewal;
extern const struct cmd cmd_ssh_proxycommand;
extern const struct cmd cmd_ssh_hosts;		/* ssh_ca.c */
extern const struct cmd cmd_ssh_rekey;
extern const struct cmd cmd_ssh_renew;
extern const struct cmd cmd_ssh_revoke;

static const struct cmd *const ssh_sub[] = {
	&cmd_ssh_certificate,
	&cmd_ssh_check_host,
	&cmd_ssh_config,
	&cmd_ssh_fingerprint,
	&cmd_ssh_hosts,
	&cmd_ssh_inspect,
	&cmd_ssh_list,
	&cmd_ssh_login,
	&cmd_ssh_logout,
	&cmd_ssh_needs_renewal,
	&cmd_ssh_proxycommand,
	&cmd_ssh_rekey,
	&cmd_ssh_renew,
	&cmd_ssh_revoke,
	NULL
};

const struct cmd cmd_ssh = {
	"ssh", NULL, ssh_sub, NULL, 0, 0,
	"get, inspect and use OpenSSH certificates from the CA",
	"OpenSSH user and host certificates (PROTOCOL.certkeys): get them "
	"from\nthe CA (pkit ca serve, or step-ca), renew, rekey and revoke "
	"them, list\nthe CA's hosts; inspect them as ssh-keygen -L does, "
	"print fingerprints,\ntell when they need renewal, add keys with "
	"their certificates to\nssh-agent for as long as the certificates "
	"are valid, and write the ssh\nand sshd configuration that trusts "
	"the CA.",
	"Get a user certificate from the CA, show it, add it to the agent:\n"
	"  $ pkit ssh certificate joe@example.com id_ecdsa --no-password "
	"--insecure\n"
	"  $ pkit ssh inspect id_ecdsa-cert.pub\n"
	"  $ pkit ssh login --key id_ecdsa\n"
};

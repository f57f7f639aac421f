/* ssh.c - the `pkit ssh` group: its members are in ssh_*.c. */
#include "config.h"

#include "cmd.h"

/* The rows of the members (ssh_inspect.c, ssh_agent.c, ssh_config.c). */
extern const struct cmd cmd_ssh_config;
extern const struct cmd cmd_ssh_fingerprint;
extern const struct cmd cmd_ssh_inspect;
extern const struct cmd cmd_ssh_list;
extern const struct cmd cmd_ssh_login;
extern const struct cmd cmd_ssh_logout;
extern const struct cmd cmd_ssh_needs_renewal;

static const struct cmd *const ssh_sub[] = {
	&cmd_ssh_config,
	&cmd_ssh_fingerprint,
	&cmd_ssh_inspect,
	&cmd_ssh_list,
	&cmd_ssh_login,
	&cmd_ssh_logout,
	&cmd_ssh_needs_renewal,
	NULL
};

const struct cmd cmd_ssh = {
	"ssh", NULL, ssh_sub, NULL, 0, 0,
	"inspect OpenSSH certificates, load them into ssh-agent, trust a CA",
	"OpenSSH user and host certificates (PROTOCOL.certkeys): inspect "
	"them as\nssh-keygen -L does, print fingerprints, tell when they need "
	"renewal, add\nkeys with their certificates to ssh-agent for as long "
	"as the certificates\nare valid, and write the ssh and sshd "
	"configuration that trusts an SSH CA.",
	"Show a certificate, then add it and its key to the agent:\n"
	"  $ pkit ssh inspect id_ecdsa-cert.pub\n"
	"  $ pkit ssh login --key id_ecdsa\n"
};

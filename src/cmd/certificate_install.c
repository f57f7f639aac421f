/* certificate_install.c - placeholder until these verbs land. */
#include "config.h"

#include "cmd.h"

const struct cmd cmd_certificate_install = {
	"install", NULL, NULL, NULL, 0, 0, "not yet implemented", NULL, NULL,
	NULL, CMD_HIDDEN
};

const struct cmd cmd_certificate_uninstall = {
	"uninstall", NULL, NULL, NULL, 0, 0, "not yet implemented", NULL, NULL,
	NULL, CMD_HIDDEN
};

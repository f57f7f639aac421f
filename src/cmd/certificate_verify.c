/* certificate_verify.c - placeholder until these verbs land. */
#include "config.h"

#include "cmd.h"

const struct cmd cmd_certificate_verify = {
	"verify", NULL, NULL, NULL, 0, 0, "not yet implemented", NULL, NULL,
	NULL, CMD_HIDDEN
};

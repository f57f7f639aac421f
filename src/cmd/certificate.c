/* certificate.c - placeholder until `pkit certificate` lands. */
#include "config.h"

#include "cmd.h"

const struct cmd cmd_certificate = {
	"certificate", NULL, NULL, NULL, 0, 0, "not yet implemented", NULL, NULL, NULL,
	CMD_HIDDEN
};

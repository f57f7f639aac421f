/* certificate_misc.c - placeholder until these verbs land. */
#include "config.h"

#include "cmd.h"

const struct cmd cmd_certificate_fingerprint = {
	"fingerprint", NULL, NULL, NULL, 0, 0, "not yet implemented", NULL, NULL,
	NULL, CMD_HIDDEN
};

const struct cmd cmd_certificate_format = {
	"format", NULL, NULL, NULL, 0, 0, "not yet implemented", NULL, NULL,
	NULL, CMD_HIDDEN
};

const struct cmd cmd_certificate_key = {
	"key", NULL, NULL, NULL, 0, 0, "not yet implemented", NULL, NULL,
	NULL, CMD_HIDDEN
};

const struct cmd cmd_certificate_bundle = {
	"bundle", NULL, NULL, NULL, 0, 0, "not yet implemented", NULL, NULL,
	NULL, CMD_HIDDEN
};

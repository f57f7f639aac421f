/* crypto_change_pass.c - placeholder until `pkit crypto change-pass` lands. */
#include "config.h"

#include "cmd.h"

const struct cmd cmd_crypto_change_pass = {
	"change-pass", NULL, NULL, NULL, 0, 0, "not yet implemented", NULL, NULL, NULL,
	CMD_HIDDEN
};

/* crypto_key.c - placeholder until `pkit crypto key` lands. */
#include "config.h"

#include "cmd.h"

const struct cmd cmd_crypto_key = {
	"key", NULL, NULL, NULL, 0, 0, "not yet implemented", NULL, NULL, NULL,
	CMD_HIDDEN
};

/* crypto_nacl.c - placeholder until `pkit crypto nacl` lands. */
#include "config.h"

#include "cmd.h"

const struct cmd cmd_crypto_nacl = {
	"nacl", NULL, NULL, NULL, 0, 0, "not yet implemented", NULL, NULL, NULL,
	CMD_HIDDEN
};

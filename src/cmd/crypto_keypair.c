/* crypto_keypair.c - placeholder until `pkit crypto keypair` lands. */
#include "config.h"

#include "cmd.h"

const struct cmd cmd_crypto_keypair = {
	"keypair", NULL, NULL, NULL, 0, 0, "not yet implemented", NULL, NULL, NULL,
	CMD_HIDDEN
};

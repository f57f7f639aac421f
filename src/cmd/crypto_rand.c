/* crypto_rand.c - placeholder until `pkit crypto rand` lands. */
#include "config.h"

#include "cmd.h"

const struct cmd cmd_crypto_rand = {
	"rand", NULL, NULL, NULL, 0, 0, "not yet implemented", NULL, NULL, NULL,
	CMD_HIDDEN
};

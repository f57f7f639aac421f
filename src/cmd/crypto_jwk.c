/* crypto_jwk.c - placeholder until `pkit crypto jwk` lands. */
#include "config.h"

#include "cmd.h"

const struct cmd cmd_crypto_jwk = {
	"jwk", NULL, NULL, NULL, 0, 0, "not yet implemented", NULL, NULL, NULL,
	CMD_HIDDEN
};

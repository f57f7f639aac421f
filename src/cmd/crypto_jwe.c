/* crypto_jwe.c - placeholder until `pkit crypto jwe` lands. */
#include "config.h"

#include "cmd.h"

const struct cmd cmd_crypto_jwe = {
	"jwe", NULL, NULL, NULL, 0, 0, "not yet implemented", NULL, NULL, NULL,
	CMD_HIDDEN
};

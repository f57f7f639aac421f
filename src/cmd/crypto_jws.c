/* crypto_jws.c - placeholder until `pkit crypto jws` lands. */
#include "config.h"

#include "cmd.h"

const struct cmd cmd_crypto_jws = {
	"jws", NULL, NULL, NULL, 0, 0, "not yet implemented", NULL, NULL, NULL,
	CMD_HIDDEN
};

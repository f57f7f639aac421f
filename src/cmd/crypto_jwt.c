/* crypto_jwt.c - placeholder until `pkit crypto jwt` lands. */
#include "config.h"

#include "cmd.h"

const struct cmd cmd_crypto_jwt = {
	"jwt", NULL, NULL, NULL, 0, 0, "not yet implemented", NULL, NULL, NULL,
	CMD_HIDDEN
};

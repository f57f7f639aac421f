/* crypto_hash.c - placeholder until `pkit crypto hash` lands. */
#include "config.h"

#include "cmd.h"

const struct cmd cmd_crypto_hash = {
	"hash", NULL, NULL, NULL, 0, 0, "not yet implemented", NULL, NULL, NULL,
	CMD_HIDDEN
};

/* crypto_kdf.c - placeholder until `pkit crypto kdf` lands. */
#include "config.h"

#include "cmd.h"

const struct cmd cmd_crypto_kdf = {
	"kdf", NULL, NULL, NULL, 0, 0, "not yet implemented", NULL, NULL, NULL,
	CMD_HIDDEN
};

/* crypto_otp.c - placeholder until `pkit crypto otp` lands. */
#include "config.h"

#include "cmd.h"

const struct cmd cmd_crypto_otp = {
	"otp", NULL, NULL, NULL, 0, 0, "not yet implemented", NULL, NULL, NULL,
	CMD_HIDDEN
};

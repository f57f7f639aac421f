/* crypto.c - the `pkit crypto` group: its members are in crypto_*.c. */
#include "config.h"

#include "cmd.h"

static const struct cmd *const crypto_sub[] = {
	&cmd_crypto_change_pass,
	&cmd_crypto_hash,
	&cmd_crypto_jose,
	&cmd_crypto_jwe,
	&cmd_crypto_jwk,
	&cmd_crypto_jws,
	&cmd_crypto_jwt,
	&cmd_crypto_kdf,
	&cmd_crypto_key,
	&cmd_crypto_keypair,
	&cmd_crypto_nacl,
	&cmd_crypto_otp,
	&cmd_crypto_rand,
	NULL
};

const struct cmd cmd_crypto = {
	"crypto", NULL, crypto_sub, NULL, 0, 0,
	"keys, hashes, random data, password hashing, one-time codes and NaCl",
	"Key generation and conversion, digests, random strings, password "
	"hashing\n(scrypt, argon2id), TOTP one-time passwords and the NaCl "
	"primitives of\nlibsodium.",
	"Make an EC P-256 key pair, prompting for the password:\n"
	"  $ pkit crypto keypair pub.pem priv.pem\n"
};

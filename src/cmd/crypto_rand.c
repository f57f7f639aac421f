/* crypto_rand.c - `pkit crypto rand`: random strings (src/lib/rand.c). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "lib/rand.h"
#include "lib/secret.h"

#define DEFAULT_LENGTH 32

struct rand_opts {
	const char *format;
};

static const struct cmd_opt rand_opts[] = {
	OPT_FORMAT(struct rand_opts,
	    "what to print (default ascii)",
	    "ascii alphanumeric alphabet hex dec lower upper raw base64 "
	    "base64url uuid"),
	{ 0 }
};

static int cmd_rand(struct cmd_run *, int, char **);

const struct cmd cmd_crypto_rand = {
	"rand", cmd_rand, NULL, "[<length>]", 0, 1,
	"print a random string, random bytes or a UUID",
	"Prints <length> random characters (32 by default) and a newline.  "
	"Every\ncharacter is drawn from the chosen set with libsodium's\n"
	"randombytes_uniform(), which rejects the values that would bias it, "
	"so\nall characters of the set are equally likely.  <length> is 1 to "
	"1048576.\n"
	"\n"
	"Formats (--format):\n"
	"  ascii          the 94 printable ASCII characters, '!' to '~' "
	"(default)\n"
	"  alphanumeric   0-9, A-Z, a-z\n"
	"  alphabet       A-Z, a-z\n"
	"  hex            0-9, a-f\n"
	"  dec            0-9\n"
	"  lower          a-z\n"
	"  upper          A-Z\n"
	"  raw            <length> random bytes, as they are, no newline\n"
	"  base64         <length> random bytes in base64, '=' padded\n"
	"  base64url      <length> random bytes in unpadded base64url\n"
	"  uuid           a random (version 4) UUID; takes no <length>\n"
	"\n"
	"For raw, base64 and base64url, <length> counts bytes before "
	"encoding, so\n--format base64 32 prints a 256-bit key in 44 "
	"characters.",
	"A 32-character password of printable characters:\n"
	"  $ pkit crypto rand\n"
	"16 hexadecimal characters:\n"
	"  $ pkit crypto rand --format hex 16\n"
	"A 256-bit key, base64-encoded:\n"
	"  $ pkit crypto rand --format base64 32\n"
	"A UUID:\n"
	"  $ pkit crypto rand --format uuid\n"
	"64 random bytes into a file:\n"
	"  $ pkit crypto rand --format raw 64 > seed.bin\n",
	rand_opts };

static int
cmd_rand(struct cmd_run *run, int argc, char **argv)
{
	struct rand_opts o = { "ascii" };
	unsigned char *out = NULL;
	size_t outlen;
	char **args, *end;
	long len = DEFAULT_LENGTH;
	int nargs, r;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	if (nargs == 1) {
		if (strcmp(o.format, "uuid") == 0)
			return cmd_usage_error(run,
			    "--format uuid takes no length");
		errno = 0;
		len = strtol(args[0], &end, 10);
		if (errno != 0 || end == args[0] || *end != '\0' ||
		    args[0][0] < '0' || args[0][0] > '9' || len < 1 ||
		    (unsigned long)len > PKIT_RAND_MAX)
			return cmd_usage_error(run,
			    "length '%s' is not a number from 1 to %u", args[0],
			    PKIT_RAND_MAX);
	}
	if ((r = pkit_rand_string(run->ctx, o.format, (size_t)len, &out,
	    &outlen)) != 0)
		return cmd_fail(run, r);
	fwrite(out, 1, outlen, stdout);
	if (strcmp(o.format, "raw") != 0)
		fputc('\n', stdout);
	/* Random output is often a secret: do not leave it in the heap. */
	pkit_secret_free(out, outlen);
	return EXIT_OK;
}

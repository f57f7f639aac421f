/* crypto_jose.c - `pkit crypto jose`: JOSE utilities (format). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "crypto_jose.h"
#include "lib/jwe.h"
#include "lib/jws.h"

static int
jose_format(struct cmd_run *run, int argc, char **argv)
{
	unsigned char *in = NULL;
	char **args, *out = NULL;
	const char *name;
	size_t len = 0;
	int nargs, r;

	if ((r = cmd_parse(run, argc, argv, NULL, &args, &nargs)) !=
	    CMD_CONTINUE)
		return r;
	name = nargs && strcmp(args[0], "-") != 0 ? args[0] : "standard input";
	if ((r = cmd_jose_read(run, nargs ? args[0] : NULL, PKIT_JWE_MAX, &in,
	    &len)) != 0 ||
	    (r = pkit_jose_format(run->ctx, (const char *)in, len, name,
	    &out)) != 0) {
		r = cmd_fail(run, r);
		goto out;
	}
	puts(out);
	r = EXIT_OK;
out:
	free(out);
	free(in);
	return r;
}

static const struct cmd cmd_jose_format = {
	"format", jose_format, NULL, "[<file>|-]", 0, 1,
	"swap the serialization of a JWT, JWS or JWE: compact and JSON",
	"Reads a JWT, JWS or JWE from <file> or standard input and prints it "
	"in the\nother serialization, as step crypto jose format does: a "
	"compact one (three\nor five dot-separated parts) as flattened JSON, "
	"a JSON one as compact.\n"
	"\n"
	"Nothing is verified or decrypted; the parts must be base64url and "
	"the\nprotected header a JSON object.  What the compact serialization "
	"cannot\ncarry is an error: unprotected headers, \"aad\", more than "
	"one signature or\nrecipient.",
	"Turn a JSON JWE into the compact form:\n"
	"  $ pkit crypto jwe encrypt --key pub.json msg.txt | pkit crypto "
	"jose format\n"
	"Turn a token into JSON:\n"
	"  $ pkit crypto jose format token.txt\n",
	NULL
};

static const struct cmd *const jose_sub[] = {
	&cmd_jose_format, NULL
};

const struct cmd cmd_crypto_jose = {
	"jose", NULL, jose_sub, NULL, 0, 0,
	"JOSE utilities: swap JWS and JWE serializations",
	"Utilities over JOSE objects (JWS, JWE, JWT) whatever their kind; "
	"see also\njwk, jws, jwe and jwt.",
	"Print a compact token as JSON:\n"
	"  $ pkit crypto jose format token.txt\n"
};

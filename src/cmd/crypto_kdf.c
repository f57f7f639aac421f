/* crypto_kdf.c - `pkit crypto kdf hash|compare`: password hashes in PHC
 * string form (src/lib/kdf.c). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "lib/kdf.h"
#include "lib/secret.h"

struct kdf_opts {
	const char *alg;
	const char *password_file;
	int insecure;
};

static const struct cmd_opt kdf_hash_opts[] = {
	{ "alg", 0, OPT_STRING, offsetof(struct kdf_opts, alg), "algorithm",
	  "scrypt (default), argon2id or argon2i",
	  "scrypt argon2id argon2i", OPT_F_CHOICE },
	OPT_PASSWORD_FILE(struct kdf_opts),
	OPT_INSECURE(struct kdf_opts),
	{ 0 }
};

static const struct cmd_opt kdf_compare_opts[] = {
	OPT_PASSWORD_FILE(struct kdf_opts),
	OPT_INSECURE(struct kdf_opts),
	{ 0 }
};

#define INPUT_TEXT \
	"The password comes from --password-file (its first line), from " \
	"standard\ninput when <input> is -, or from a prompt on the " \
	"terminal.  As in step, it\nmay also be given as <input> with " \
	"--insecure, but then other users can\nsee it in ps while the " \
	"command runs."

static int cmd_kdf_hash(struct cmd_run *, int, char **);
static int cmd_kdf_compare(struct cmd_run *, int, char **);

static const struct cmd hash_row = {
	"hash", cmd_kdf_hash, NULL, "[<input>]", 0, 1,
	"hash a password into a PHC string",
	"Hashes a password with a memory-hard function and a random salt, "
	"and\nprints the result as a PHC string that holds the algorithm, "
	"its\nparameters, the salt and the hash, ready to store and to check "
	"later with\npkit crypto kdf compare (or step crypto kdf compare).\n"
	"\n"
	"Algorithms (--alg):\n"
	"  scrypt     N=32768, r=8, p=1: $scrypt$ln=15,r=8,p=1$<salt>$<hash>,"
	"\n             the form step writes (the default)\n"
	"  argon2id   64 MiB, 2 passes: $argon2id$v=19$m=65536,t=2,p=1$...\n"
	"  argon2i    32 MiB, 4 passes: $argon2i$v=19$m=32768,t=4,p=1$...\n"
	"\n"
	INPUT_TEXT "  At the prompt it is asked for twice.",
	"Hash a password read from a file:\n"
	"  $ pkit crypto kdf hash --password-file pw.txt > pw.phc\n"
	"Hash with argon2id, reading the password from standard input:\n"
	"  $ pkit crypto kdf hash --alg argon2id - < pw.txt\n"
	"Hash a throw-away password given on the command line:\n"
	"  $ pkit crypto kdf hash --insecure password\n",
	kdf_hash_opts };

static const struct cmd compare_row = {
	"compare", cmd_kdf_compare, NULL, "<phc-hash> [<input>]", 1, 2,
	"check a password against a PHC string",
	"Checks a password against <phc-hash>, whose algorithm and parameters "
	"it\nreads from the string.  Prints nothing and exits 0 when the "
	"password\nmatches; otherwise prints one line and exits 1.\n"
	"\n"
	"Accepted hashes: step's and pkit's $scrypt$ln=..,r=..,p=..$..., "
	"libsodium's\nscrypt $7$..., and $argon2id$ and $argon2i$ strings "
	"(any parallelism, so\nstep's p=4 hashes too).  bcrypt ($2a$) is not "
	"supported.  A hash that\nasks for more than 1 GiB of memory is "
	"refused.\n"
	"\n"
	INPUT_TEXT,
	"Check a password stored earlier:\n"
	"  $ pkit crypto kdf compare --password-file pw.txt \"$(cat pw.phc)\"\n"
	"Check one read from standard input:\n"
	"  $ pkit crypto kdf compare \"$(cat pw.phc)\" - < pw.txt\n",
	kdf_compare_opts };

static const struct cmd *const kdf_sub[] = {
	&compare_row,
	&hash_row,
	NULL
};

const struct cmd cmd_crypto_kdf = {
	"kdf", NULL, kdf_sub, NULL, 0, 0,
	"password hashing with scrypt and argon2",
	"Hashes passwords with scrypt, argon2id or argon2i (libsodium) into "
	"PHC\nstrings, and checks passwords against such strings, step's "
	"included.",
	"Hash a password, then check it:\n"
	"  $ pkit crypto kdf hash --password-file pw.txt > pw.phc\n"
	"  $ pkit crypto kdf compare --password-file pw.txt \"$(cat pw.phc)\"\n"
	};

/* The password: <input> ("-" for standard input; anything else needs
 * --insecure, and is wiped from argv once copied), --password-file, or
 * a prompt.  Returns 0 or a pkit error; on a usage error, already
 * reported, *usage is the exit status. */
static int
get_input(struct cmd_run *run, const struct kdf_opts *o, char *arg,
    const char *prompt, int confirm, char **out, int *usage)
{
	size_t len;

	*out = NULL;
	*usage = 0;
	if (arg != NULL && o->password_file != NULL) {
		if (strcmp(arg, "-") != 0)
			pkit_secret_wipe(arg, strlen(arg));
		*usage = cmd_usage_error(run,
		    "give the password as <input> or with --password-file, "
		    "not both");
		return PKIT_ERR_USAGE;
	}
	if (arg != NULL && strcmp(arg, "-") == 0)
		return cmd_password(run, "-", prompt, 0, "--password-file", out);
	if (arg != NULL) {
		len = strlen(arg);
		if (!o->insecure) {
			pkit_secret_wipe(arg, len);
			return pkit_seterr(run->ctx, PKIT_ERR_INSECURE,
			    "%s: a password on the command line can be seen "
			    "with ps; use --password-file, or --insecure to "
			    "allow it", run->path);
		}
		*out = strdup(arg);
		pkit_secret_wipe(arg, len);
		if (*out == NULL)
			return pkit_seterr(run->ctx, PKIT_ERR_NOMEM, "%s",
			    run->path);
		return PKIT_OK;
	}
	return cmd_password(run, o->password_file, prompt, confirm,
	    "--password-file", out);
}

static int
cmd_kdf_hash(struct cmd_run *run, int argc, char **argv)
{
	struct kdf_opts o = { "scrypt", NULL, 0 };
	char **args, *pw = NULL, *phc = NULL;
	int nargs, r, usage;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	if ((r = get_input(run, &o, nargs > 0 ? args[0] : NULL,
	    "Password to hash: ", 1, &pw, &usage)) != 0) {
		if (usage)
			return usage;
		return cmd_fail(run, r);
	}
	if (*pw == '\0') {
		r = pkit_seterr(run->ctx, PKIT_ERR_ARG,
		    "%s: the password is empty", run->path);
		goto out;
	}
	if ((r = pkit_kdf_hash(run->ctx, o.alg, pw, strlen(pw), &phc)) != 0)
		goto out;
	printf("%s\n", phc);
out:
	pkit_secret_strfree(pw);
	free(phc);
	return r == 0 ? EXIT_OK : cmd_fail(run, r);
}

static int
cmd_kdf_compare(struct cmd_run *run, int argc, char **argv)
{
	struct kdf_opts o = { NULL, NULL, 0 };
	char **args, *pw = NULL;
	int nargs, r, usage;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	if ((r = get_input(run, &o, nargs > 1 ? args[1] : NULL,
	    "Password to compare: ", 0, &pw, &usage)) != 0) {
		if (usage)
			return usage;
		return cmd_fail(run, r);
	}
	r = pkit_kdf_compare(run->ctx, args[0], pw, strlen(pw));
	pkit_secret_strfree(pw);
	return r == 0 ? EXIT_OK : cmd_fail(run, r);
}

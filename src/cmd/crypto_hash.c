/* crypto_hash.c - `pkit crypto hash digest|compare`: digests of files,
 * standard input and directory trees (src/lib/digest.c). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "lib/digest.h"

struct hash_opts {
	const char *alg;
	int insecure;
};

#define HASH_ALGS "sha256 sha224 sha384 sha512 sha512-224 sha512-256 " \
	"sha3-256 sha3-384 sha3-512 blake2b-512 blake2s-256 sha1 md5"

static const struct cmd_opt hash_opts[] = {
	{ "alg", 0, OPT_STRING, offsetof(struct hash_opts, alg), "algorithm",
	  "digest algorithm (default sha256)",
	  HASH_ALGS, OPT_F_CHOICE },
	OPT_INSECURE(struct hash_opts),
	{ 0 }
};

#define ALGS_TEXT \
	"Algorithms (--alg): sha256 (the default), sha224, sha384, sha512,\n" \
	"sha512-224, sha512-256, sha3-256, sha3-384, sha3-512, blake2b-512,\n" \
	"blake2s-256, and the broken sha1 and md5, which need --insecure."

static int cmd_hash_digest(struct cmd_run *, int, char **);
static int cmd_hash_compare(struct cmd_run *, int, char **);

static const struct cmd digest_row = {
	"digest", cmd_hash_digest, NULL, "[<path>...]", 0, -1,
	"print the digests of files or directories",
	"Prints one line per path, \"<hex>  <path>\", as sha256sum does, so "
	"that a\nlist of file digests can be checked with sha256sum -c (or "
	"sha224sum,\nsha384sum, sha512sum -c for the other SHA-2 sizes).  "
	"With no path, or\nwith -, standard input is read.  Files are read in "
	"chunks, so their\nsize does not matter.\n"
	"\n"
	ALGS_TEXT "\n"
	"\n"
	"A directory is hashed as a whole: its digest is the digest of a "
	"manifest\nthat holds one line \"<hex>  <name>\" (and a newline) for "
	"each regular\nfile below it, where <hex> is the file's digest with "
	"the same algorithm\nand <name> its path relative to the directory, "
	"components separated by\n'/'.  The lines are sorted by <name> in "
	"byte order.  Symbolic links are\nfollowed (a loop is an error); a "
	"socket, FIFO or device below the\ndirectory is an error.  Only names "
	"and contents count: permissions,\nowners, times and empty "
	"directories do not.  A name holding a\nbackslash, newline or "
	"carriage return is escaped as sha256sum escapes\nit.  For sha256 the "
	"same digest comes from:\n"
	"\n"
	"  cd dir && find -L . -type f | sed 's|^\\./||' | LC_ALL=C sort |\n"
	"      xargs -d '\\n' sha256sum | sha256sum\n"
	"\n"
	"step computes directory digests over Go file modes instead of names,"
	"\nso the two tools give different digests for a directory (files "
	"agree).\n"
	"\n"
	"When a path cannot be read, its error is printed, the other paths "
	"are\nstill hashed, and the exit status is 1.",
	"Record the digest of a file, then check it with sha256sum:\n"
	"  $ pkit crypto hash digest root_ca.crt > root_ca.crt.sha256\n"
	"  $ sha256sum -c root_ca.crt.sha256\n"
	"Hash a directory tree with SHA3-256:\n"
	"  $ pkit crypto hash digest --alg sha3-256 config/\n"
	"Hash standard input:\n"
	"  $ tar -c certs | pkit crypto hash digest --alg sha512\n"
	"MD5, for an old system that still wants it:\n"
	"  $ pkit crypto hash digest --alg md5 --insecure image.iso\n",
	hash_opts };

static const struct cmd compare_row = {
	"compare", cmd_hash_compare, NULL, "<hash> <path>", 2, 2,
	"check a file or directory against a digest",
	"Computes the digest of <path> (a file, - for standard input, or a\n"
	"directory, hashed as pkit crypto hash digest does) and compares it "
	"in\nconstant time with <hash>, given in hex of either case.  Prints "
	"nothing\nand exits 0 when they are equal; otherwise prints \"pkit: "
	"<path>: digest\ndoes not match\" and exits 1.  A <hash> that is not "
	"hex of the\nalgorithm's size is an error too.\n"
	"\n"
	ALGS_TEXT,
	"Check a download against its published SHA-256 digest:\n"
	"  $ pkit crypto hash compare \"$(cut -d' ' -f1 app.tgz.sha256)\" "
	"app.tgz\n"
	"Check a directory against a digest recorded earlier:\n"
	"  $ pkit crypto hash compare --alg sha512 \"$sum\" /etc/pkit\n",
	hash_opts };

static const struct cmd *const hash_sub[] = {
	&compare_row,
	&digest_row,
	NULL
};

const struct cmd cmd_crypto_hash = {
	"hash", NULL, hash_sub, NULL, 0, 0,
	"digests of files and directories, and checking them",
	"Computes and checks message digests (SHA-2, SHA-3, BLAKE2, and the\n"
	"broken SHA-1 and MD5 with --insecure) of files, standard input and\n"
	"whole directory trees, printing them the way sha256sum does.",
	"Hash a file, then check it:\n"
	"  $ pkit crypto hash digest ca.crt\n"
	"  $ pkit crypto hash compare \"$sum\" ca.crt\n" };

static unsigned
hash_flags(const struct hash_opts *o)
{
	return o->insecure ? PKIT_DIGEST_INSECURE : 0;
}

static int
cmd_hash_digest(struct cmd_run *run, int argc, char **argv)
{
	struct hash_opts o = { "sha256", 0 };
	unsigned char md[PKIT_DIGEST_MAX];
	char **args, *line, *stdin_only[] = { "-", NULL };
	size_t mdlen;
	int nargs, i, r, status = EXIT_OK;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	if ((r = pkit_digest_check(run->ctx, o.alg, hash_flags(&o))) != 0)
		return cmd_fail(run, r);
	if (nargs == 0) {
		args = stdin_only;
		nargs = 1;
	}
	for (i = 0; i < nargs; i++) {
		if ((r = pkit_digest_path(run->ctx, o.alg, hash_flags(&o),
		    args[i], md, &mdlen)) != 0 ||
		    (r = pkit_digest_line(run->ctx, md, mdlen, args[i],
		    &line)) != 0) {
			status = cmd_fail(run, r);
			pkit_clearerr(run->ctx);
			continue;
		}
		fputs(line, stdout);
		free(line);
	}
	return status;
}

static int
cmd_hash_compare(struct cmd_run *run, int argc, char **argv)
{
	struct hash_opts o = { "sha256", 0 };
	char **args;
	int nargs, r;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	if ((r = pkit_digest_compare(run->ctx, o.alg, hash_flags(&o), args[0],
	    args[1])) != 0)
		return cmd_fail(run, r);
	return EXIT_OK;
}

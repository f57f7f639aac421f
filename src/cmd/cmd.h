/* cmd.h - the command tables and the one option parser.
 *
 * Every group and verb is a row of a table: its name, synopsis, summary,
 * description, examples and options.  `--help`, `pkit help`, the man pages
 * and the completion scripts are all printed from these rows, so they
 * cannot drift apart.  A verb parses argv with cmd_parse() into its own
 * option struct, calls libpkit, and reports failures with cmd_fail().
 */
#ifndef PKIT_CMD_H
#define PKIT_CMD_H

#include <stddef.h>
#include <stdio.h>

#include "lib/err.h"

#define PROG "pkit"

/* Exit statuses. */
#define EXIT_OK 0
#define EXIT_FAIL 1
#define EXIT_USAGE 2

/* cmd_parse() returns this when the verb should go on. */
#define CMD_CONTINUE (-1)

/* A growable list of strings, the destination of repeatable options. */
struct strvec {
	const char **v;
	size_t n;
};
void strvec_clear(struct strvec *sv);

enum cmd_opt_type {
	OPT_END = 0,
	OPT_BOOL,	/* int, set to 1 */
	OPT_STRING,	/* const char *, pointing into argv */
	OPT_INT,	/* long, checked with strtol */
	OPT_LIST,	/* struct strvec, one entry per use */
};

enum cmd_opt_flags {
	OPT_F_FILE = 1 << 0,	/* value is a path: complete file names */
	OPT_F_DIR = 1 << 1,	/* value is a directory */
	OPT_F_CHOICE = 1 << 2,	/* value must be one of .values */
	OPT_F_HIDDEN = 1 << 3,	/* not shown in help */
	OPT_F_BOOLVAL = 1 << 4,	/* OPT_BOOL that also takes =true or =false */
};

struct cmd_opt {
	const char *name;	/* long name without dashes */
	int short_name;		/* one letter, or 0 */
	enum cmd_opt_type type;
	size_t offset;		/* where the value goes in the verb's struct */
	const char *argh;	/* placeholder for the value, e.g. "file" */
	const char *help;	/* one line, lowercase, no full stop */
	const char *values;	/* space-separated choices, or NULL */
	unsigned flags;
	const char *alias;	/* a second long name, or NULL */
};

/* Options shared by many verbs: one definition, never copy-pasted.  T is
 * the verb's option struct, which must have the named field. */
#define OPT_FORCE(T) \
	{ "force", 'f', OPT_BOOL, offsetof(T, force), NULL, \
	  "overwrite existing files without asking" }
#define OPT_INSECURE(T) \
	{ "insecure", 0, OPT_BOOL, offsetof(T, insecure), NULL, \
	  "allow choices that weaken security (with --no-password, short keys ...)" }
#define OPT_PASSWORD_FILE(T) \
	{ "password-file", 0, OPT_STRING, offsetof(T, password_file), "file", \
	  "read the password from the first line of file", NULL, OPT_F_FILE }
#define OPT_NO_PASSWORD(T) \
	{ "no-password", 0, OPT_BOOL, offsetof(T, no_password), NULL, \
	  "do not encrypt the private key (needs --insecure)" }
#define OPT_KTY(T) \
	{ "kty", 0, OPT_STRING, offsetof(T, kty), "type", \
	  "key type: EC (default), RSA or OKP", "EC RSA OKP", OPT_F_CHOICE }
#define OPT_CRV(T) \
	{ "crv", 0, OPT_STRING, offsetof(T, crv), "curve", \
	  "curve: P-256 (default), P-384, P-521, Ed25519 or X25519", \
	  "P-256 P-384 P-521 Ed25519 X25519", OPT_F_CHOICE, "curve" }
#define OPT_SIZE(T) \
	{ "size", 0, OPT_INT, offsetof(T, size), "bits", \
	  "RSA key size in bits (default 2048; at least 2048 unless --insecure)" }
#define OPT_FORMAT(T, help, values) \
	{ "format", 0, OPT_STRING, offsetof(T, format), "format", help, values, \
	  OPT_F_CHOICE }

enum cmd_flags {
	CMD_HIDDEN = 1 << 0,	/* not listed, no man page */
};

struct cmd_run;

struct cmd {
	const char *name;
	/* A verb has fn; a group has sub, a NULL-terminated list of rows. */
	int (*fn)(struct cmd_run *run, int argc, char **argv);
	const struct cmd *const *sub;
	const char *args;	/* positionals in the synopsis: "<pub-file> <priv-file>" */
	int min_args, max_args;	/* max_args -1: unlimited */
	const char *summary;	/* one line, lowercase start, no full stop */
	const char *description;	/* paragraphs separated by blank lines */
	const char *examples;	/* "text:\n  $ command\n" blocks */
	const struct cmd_opt *opts;	/* NULL or terminated by OPT_END */
	unsigned flags;
	/* Exit statuses when they differ from 0/1/2: lines "N  meaning". */
	const char *exit_status;
};

/* step's needs-renewal statuses, which scripts depend on. */
#define CMD_EXIT_NEEDS_RENEWAL \
	"0    the certificate needs renewal\n" \
	"1    it does not\n" \
	"2    the file does not exist, or a usage error\n" \
	"255  any other error (unreadable or malformed file)\n"

/* Options given before the group, and the environment they come from. */
struct globals {
	const char *base;	/* $PKITPATH, or $HOME/.pkit; with a context
				   its authorities/<authority> (context.c) */
	int interactive;	/* 0 when PKIT_NONINTERACTIVE is set */
	const char *home;	/* $PKITPATH itself (NULL: base) */
	const char *context;	/* the context in use, or NULL */
	const char *profile;	/* its profile directory, or NULL */
	const char *ca_url;	/* pkit --ca-url URL <group> ... */
	const char *root;	/* pkit --root FILE <group> ... */
};

/* Contexts (context.c): use context name (NULL: PKIT_CONTEXT, else the
 * current context, else none) for the rest of the run: run->g->base
 * becomes its authority's directory.  Returns 0 or a pkit error. */
int cmd_context_apply(struct cmd_run *run, const char *name);
/* Use a context that does not exist yet (ca bootstrap --context). */
int cmd_context_use(struct cmd_run *run, const char *name,
    const char *authority, const char *profile);
/* Record the context of cmd_context_use() in contexts.json, give it an
 * empty profile defaults.json, and make it the current one. */
int cmd_context_save(struct cmd_run *run);

/* What a verb is called with, besides argv. */
struct cmd_run {
	struct pkit_ctx *ctx;
	const struct cmd *cmd;	/* this verb's row */
	const struct globals *g;
	char path[128];		/* "crypto keypair" */
};

/* The rows.  Each verb's file defines its own row; a group's file lists
 * the rows of its members. */
extern const struct cmd cmd_root;
extern const struct cmd cmd_crypto;
extern const struct cmd cmd_crypto_change_pass;
extern const struct cmd cmd_crypto_hash;
extern const struct cmd cmd_crypto_kdf;
extern const struct cmd cmd_crypto_key;
extern const struct cmd cmd_crypto_keypair;
extern const struct cmd cmd_crypto_nacl;
extern const struct cmd cmd_crypto_otp;
extern const struct cmd cmd_crypto_rand;
extern const struct cmd cmd_crypto_jwk;
extern const struct cmd cmd_crypto_jwt;
extern const struct cmd cmd_crypto_jws;
extern const struct cmd cmd_crypto_jwe;
extern const struct cmd cmd_crypto_jose;
extern const struct cmd cmd_ca;
extern const struct cmd cmd_certificate;
extern const struct cmd cmd_ca_init;
extern const struct cmd cmd_ca_serve;
extern const struct cmd cmd_ca_acme;
extern const struct cmd cmd_certificate_create;
extern const struct cmd cmd_certificate_sign;
extern const struct cmd cmd_certificate_fingerprint;
extern const struct cmd cmd_certificate_format;
extern const struct cmd cmd_certificate_key;
extern const struct cmd cmd_certificate_bundle;
extern const struct cmd cmd_certificate_p12;
extern const struct cmd cmd_certificate_needs_renewal;
extern const struct cmd cmd_certificate_inspect;
extern const struct cmd cmd_certificate_lint;
extern const struct cmd cmd_certificate_verify;
extern const struct cmd cmd_certificate_install;
extern const struct cmd cmd_certificate_uninstall;
extern const struct cmd cmd_ssh;
extern const struct cmd cmd_context;

/* Route argv (without the program name) to a verb and run it. */
int cmd_dispatch(struct cmd_run *run, int argc, char **argv);

/* Parse argv (argv[0] is the verb name) into dst using run->cmd->opts.
 * Positionals are returned in *args and *nargs.  Returns CMD_CONTINUE to go on,
 * or the exit status when help was printed (0) or usage was wrong (2). */
int cmd_parse(struct cmd_run *run, int argc, char **argv, void *dst,
    char ***args, int *nargs);

/* Report a library failure as "pkit: <what>: <why>" and return the exit
 * status for it (1, or 2 for PKIT_ERR_USAGE). */
int cmd_fail(struct cmd_run *run, int r);

/* Print "pkit: <message>" on stderr and return EXIT_FAIL. */
int cmd_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print "pkit: <path>: <message>" and the try-help hint, return EXIT_USAGE. */
int cmd_usage_error(struct cmd_run *run, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Print "pkit: warning: <message>" on stderr. */
void cmd_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Help for a verb or group, as --help prints it. */
void cmd_print_help(FILE *fp, const char *path, const struct cmd *c);
/* The one-line synopsis: "pkit crypto keypair [options] <pub> <priv>". */
void cmd_print_synopsis(FILE *fp, const char *path, const struct cmd *c);

/* Find a child of a group by exact name; NULL if none. */
const struct cmd *cmd_find(const struct cmd *group, const char *name);
/* The closest visible child name to word, or NULL when none is close. */
const char *cmd_suggest(const struct cmd *group, const char *word);
/* The closest option name to word ("--kyt"), or NULL. */
const char *cmd_suggest_opt(const struct cmd_opt *opts, const char *word);
/* Levenshtein-style distance used for suggestions. */
int cmd_distance(const char *a, const char *b);

/* 1 when prompting is allowed (PKIT_NONINTERACTIVE unset) and there is a
 * terminal to prompt on. */
int cmd_interactive(struct cmd_run *run);

/* Secrets from the command line: the password for a verb, from
 * --password-file (trailing newline dropped) or a prompt on the terminal.
 * flagname is used in the "no terminal" error. */
int cmd_password(struct cmd_run *run, const char *file, const char *prompt,
    int confirm, const char *flagname, char **out);

/* Before writing path: when it exists and force is not set, ask on the
 * terminal; without one, fail naming --force.  Returns 0 to go on. */
int cmd_may_overwrite(struct cmd_run *run, const char *path, int force);

/* Keys on the command line (keyio.c). */
struct evp_pkey_st;
/* Read a private key file, asking for its password (from password_file
 * or the terminal) when it is encrypted.  An unencrypted key readable by
 * group or others is refused unless insecure. */
int cmd_key_load_private(struct cmd_run *run, const char *path,
    const char *password_file, int insecure, struct evp_pkey_st **out);
/* Read a public key, certificate, CSR or unencrypted private key file. */
int cmd_key_load_public(struct cmd_run *run, const char *path,
    struct evp_pkey_st **out);
/* The password that will encrypt a new private key: from password_file,
 * or asked twice on the terminal.  With no_password (which needs
 * insecure) *out is NULL and the key is written in the clear. */
int cmd_new_password(struct cmd_run *run, const char *password_file,
    int no_password, int insecure, const char *what, char **out);
/* Write key as PKCS#8 PEM (encrypted when password is set), mode 0600,
 * atomically; an existing file needs force or a yes at the prompt. */
int cmd_key_write_private(struct cmd_run *run, struct evp_pkey_st *key,
    const char *path, const char *password, int force);
/* Write the public key as PEM to path ("-" for stdout). */
int cmd_key_write_public(struct cmd_run *run, struct evp_pkey_st *key,
    const char *path, int force);

/* Install crt in the system trust store as `pkit certificate install`
 * does (certificate_install.c); label names it in the message. */
struct x509_st;
int cmd_trust_install(struct cmd_run *run, struct x509_st *crt,
    const char *label, int force);

/* Generated documentation (docgen.c). */
int cmd_gen_man(const char *dir);
int cmd_gen_completion(FILE *fp, const char *shell);
void cmd_walk(void (*fn)(const char *path, const struct cmd *c, void *arg),
    void *arg);

#endif

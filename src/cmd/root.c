/* root.c - the root of the command tree, its own verbs, and dispatch.
 *
 * pkit <group> <verb> [options] [args]: each word is looked up exactly in
 * the table of the level above; a typo gets a did-you-mean and exit 2.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjose/version.h>
#include <event2/event.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/opensslv.h>
#include <readline/readline.h>
#include <sodium.h>
#include <sqlite3.h>

#include "cmd.h"
#include "lib/curl_dl.h"

static int cmd_help(struct cmd_run *, int, char **);
static int cmd_version(struct cmd_run *, int, char **);
static int cmd_path(struct cmd_run *, int, char **);
static int cmd_completion(struct cmd_run *, int, char **);
static int cmd_genman(struct cmd_run *, int, char **);
static int cmd_list(struct cmd_run *, int, char **);

struct path_opts {
	int base;
};
static const struct cmd_opt path_opts[] = {
	{ "base", 0, OPT_BOOL, offsetof(struct path_opts, base), NULL,
	  "print the base directory rather than the current authority's" },
	{ 0 }
};

static const struct cmd cmd_completion_row = {
	"completion", cmd_completion, NULL, "<shell>", 1, 1,
	  "print a shell completion script",
	  "Prints the completion script for bash, zsh or fish, generated from "
	  "the same\ntables as the help and the man pages.  make install puts "
	  "them where each\nshell finds them; this command is for a home "
	  "directory install.",
	  "Enable completion in the current bash session:\n"
	  "  $ source <(pkit completion bash)\n"
	  "Install the fish completion for the current user:\n"
	  "  $ pkit completion fish > ~/.config/fish/completions/pkit.fish\n" };
static const struct cmd cmd_help_row = {
	"help", cmd_help, NULL, "[<group> [<command>...]]", 0, -1,
	  "show help for pkit, a group or a command",
	  "Prints the same text as --help for the named group or command.  "
	  "The man\npages (man pkit, man pkit-crypto-keypair ...) hold the "
	  "same text.",
	  "Show the help of the keypair command:\n"
	  "  $ pkit help crypto keypair\n" };
static const struct cmd cmd_path_row = {
	"path", cmd_path, NULL, NULL, 0, 0,
	  "print the pkit configuration directory",
	  "Prints $PKITPATH, or ~/.pkit when it is unset.  This directory "
	  "holds\ncerts/root_ca.crt, config/ca.json, config/defaults.json and "
	  "secrets/ in\nthe layout that step uses under $STEPPATH.",
	  "Show where pkit keeps its files:\n"
	  "  $ pkit path\n", path_opts };
static const struct cmd cmd_version_row = {
	"version", cmd_version, NULL, NULL, 0, 0,
	  "print the version of pkit and of the libraries it uses",
	  "Prints the pkit version, then one line for each library it was "
	  "built with:\nOpenSSL, cjose, jansson, libcurl, libsodium, libevent, "
	  "SQLite and readline.",
	  "Show the versions:\n"
	  "  $ pkit version\n" };
static const struct cmd cmd_list_row = {
	"__list", cmd_list, NULL, NULL, 0, 0, "list every command path",
	NULL, NULL, NULL, CMD_HIDDEN };
static const struct cmd cmd_man_row = {
	"__man", cmd_genman, NULL, "<dir>", 1, 1, "write the man pages",
	NULL, NULL, NULL, CMD_HIDDEN };

static const struct cmd *const root_cmds[] = {
	&cmd_ca,
	&cmd_certificate,
	&cmd_completion_row,
	&cmd_context,
	&cmd_crypto,
	&cmd_help_row,
	&cmd_path_row,
	&cmd_ssh,
	&cmd_version_row,
	&cmd_list_row,
	&cmd_man_row,
	NULL
};

const struct cmd cmd_root = {
	"", NULL, root_cmds, NULL, 0, 0,
	  "a toolkit for private PKI: X.509, JOSE, SSH certificates and an online CA",
	  "pkit makes and inspects keys and certificates, signs and verifies "
	  "JOSE\nobjects and runs a small online certificate authority that "
	  "speaks the\nHTTP API of step-ca.  Files live under $PKITPATH "
	  "(default ~/.pkit).\n"
	  "\n"
	  "Environment:\n"
	  "  PKITPATH            the configuration directory (default ~/.pkit)\n"
	  "  PKIT_NONINTERACTIVE when set, never prompt: fail naming the flag\n"
	  "  PKIT_CONTEXT        the context to use (see 'pkit context')\n"
	  "\n"
	  "Global options, before the group: --context NAME uses that "
	  "context;\n--ca-url URL and --root FILE are the CA and root of the "
	  "'pkit ca'\ncommands unless they give their own.",
	  "Make a key pair and show the public key's fingerprint:\n"
	  "  $ pkit crypto keypair --password-file pw.txt pub.pem priv.pem\n"
	  "  $ pkit crypto key fingerprint pub.pem\n" };

/* Walk down the table from the root following words; on an unknown word
 * report it with a suggestion.  *consumed is the number of words used. */
static const struct cmd *
lookup(int argc, char **argv, char *path, size_t size, int *consumed,
    int report)
{
	const struct cmd *node = &cmd_root, *next;
	size_t len;
	int i;

	path[0] = '\0';
	for (i = 0; i < argc && node->sub != NULL; i++) {
		if (argv[i][0] == '-')
			break;
		if ((next = cmd_find(node, argv[i])) == NULL) {
			if (report) {
				const char *s = cmd_suggest(node, argv[i]);

				fprintf(stderr, "%s: '%s' is not a %s%s%s command",
				    PROG, argv[i], PROG, *path ? " " : "", path);
				if (s != NULL)
					fprintf(stderr, "; did you mean '%s'?", s);
				fprintf(stderr, " (see '%s%s%s --help')\n",
				    PROG, *path ? " " : "", path);
			}
			*consumed = i;
			return NULL;
		}
		len = strlen(path);
		snprintf(path + len, size - len, "%s%s", len > 0 ? " " : "",
		    next->name);
		node = next;
	}
	*consumed = i;
	return node;
}

static int
cmd_help(struct cmd_run *run, int argc, char **argv)
{
	const struct cmd *node;
	char **args, path[128];
	int nargs, used, r;

	if ((r = cmd_parse(run, argc, argv, NULL, &args, &nargs)) != CMD_CONTINUE)
		return r;
	if ((node = lookup(nargs, args, path, sizeof(path), &used, 1)) == NULL)
		return EXIT_USAGE;
	if (used < nargs)
		return cmd_usage_error(run, "'%s' has no command '%s'",
		    *path ? path : PROG, args[used]);
	cmd_print_help(stdout, path, node);
	return EXIT_OK;
}

static int
cmd_version(struct cmd_run *run, int argc, char **argv)
{
	char **args;
	int nargs, r;
	const struct pkit_curl *curl = NULL;

	if ((r = cmd_parse(run, argc, argv, NULL, &args, &nargs)) != CMD_CONTINUE)
		return r;
	printf("%s %s\n", PROG, PACKAGE_VERSION);
	printf("OpenSSL %s\n", OpenSSL_version(OPENSSL_FULL_VERSION_STRING));
	printf("cjose %s\n", cjose_version());
	printf("jansson %s\n", jansson_version_str());
	if (pkit_curl_load(run->ctx, &curl) == 0)
		printf("libcurl %s\n", curl->version_info(CURLVERSION_NOW)->version);
	else
		printf("libcurl (not loadable: %s)\n", run->ctx->errbuf);
	printf("libsodium %s\n", sodium_version_string());
	printf("libevent %s\n", event_get_version());
	printf("SQLite %s\n", sqlite3_libversion());
	printf("readline %s\n", rl_library_version);
	return EXIT_OK;
}

static int
cmd_path(struct cmd_run *run, int argc, char **argv)
{
	struct path_opts o = { 0 };
	char **args;
	int nargs, r;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	printf("%s\n", o.base && run->g->home != NULL ? run->g->home :
	    run->g->base);
	return EXIT_OK;
}

static int
cmd_completion(struct cmd_run *run, int argc, char **argv)
{
	char **args;
	int nargs, r;

	if ((r = cmd_parse(run, argc, argv, NULL, &args, &nargs)) != CMD_CONTINUE)
		return r;
	if (cmd_gen_completion(stdout, args[0]) != 0)
		return cmd_usage_error(run, "'%s' is not one of: bash, zsh, fish",
		    args[0]);
	return EXIT_OK;
}

static int
cmd_genman(struct cmd_run *run, int argc, char **argv)
{
	char **args;
	int nargs, r;

	if ((r = cmd_parse(run, argc, argv, NULL, &args, &nargs)) != CMD_CONTINUE)
		return r;
	return cmd_gen_man(args[0]) == 0 ? EXIT_OK : EXIT_FAIL;
}

static void
list_one(const char *path, const struct cmd *c, void *arg)
{
	(void)arg;
	if (*path != '\0')
		printf("%s\n", path);
}

static int
cmd_list(struct cmd_run *run, int argc, char **argv)
{
	char **args;
	int nargs, r;

	if ((r = cmd_parse(run, argc, argv, NULL, &args, &nargs)) != CMD_CONTINUE)
		return r;
	cmd_walk(list_one, NULL);
	return EXIT_OK;
}

/* Global options before the group: --context, --ca-url, --root (also
 * as --name=value).  Returns the number of words used, or -1 after a
 * usage error. */
static int
global_opts(struct cmd_run *run, int argc, char **argv, struct globals *g,
    const char **context)
{
	static const char *const names[] = { "context", "ca-url", "root" };
	const char *a, *v;
	size_t i, n;
	int used = 0;

	while (used < argc && strncmp(argv[used], "--", 2) == 0) {
		a = argv[used] + 2;
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			n = strlen(names[i]);
			if (strncmp(a, names[i], n) == 0 &&
			    (a[n] == '\0' || a[n] == '='))
				break;
		}
		if (i == sizeof(names) / sizeof(names[0]))
			break;
		if (a[n] == '=')
			v = a + n + 1;
		else if (used + 1 < argc)
			v = argv[++used];
		else {
			fprintf(stderr, "%s: option '--%s' needs a value\n",
			    PROG, names[i]);
			return -1;
		}
		if (*v == '\0') {
			fprintf(stderr, "%s: option '--%s' is empty\n", PROG,
			    names[i]);
			return -1;
		}
		if (i == 0)
			*context = v;
		else if (i == 1)
			g->ca_url = v;
		else
			g->root = v;
		used++;
	}
	(void)run;
	return used;
}

int
cmd_dispatch(struct cmd_run *run, int argc, char **argv)
{
	static struct globals g;
	const struct cmd *node;
	const char *context = NULL;
	int used, r;

	g = *run->g;
	if (g.home == NULL)
		g.home = g.base;
	run->g = &g;
	if ((used = global_opts(run, argc, argv, &g, &context)) < 0)
		return EXIT_USAGE;
	argc -= used;
	argv += used;
	/* A context that is gone must not lock out the commands that
	 * repair it (pkit context list, select, remove). */
	if ((r = cmd_context_apply(run, context)) != 0) {
		if (argc == 0 || strcmp(argv[0], "context") != 0)
			return cmd_fail(run, r);
		pkit_clearerr(run->ctx);
	}

	if (argc == 0) {
		cmd_print_help(stderr, "", &cmd_root);
		return EXIT_USAGE;
	}
	if (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) {
		cmd_print_help(stdout, "", &cmd_root);
		return EXIT_OK;
	}
	if (strcmp(argv[0], "--version") == 0 || strcmp(argv[0], "-v") == 0)
		argv[0] = "version";

	node = lookup(argc, argv, run->path, sizeof(run->path), &used, 1);
	if (node == NULL)
		return EXIT_USAGE;
	run->cmd = node;
	if (node->fn != NULL)
		return node->fn(run, argc - used + 1, argv + used - 1);
	/* A group: "pkit crypto" or "pkit crypto --help". */
	if (used < argc && (strcmp(argv[used], "--help") == 0 ||
	    strcmp(argv[used], "-h") == 0)) {
		cmd_print_help(stdout, run->path, node);
		return EXIT_OK;
	}
	if (used < argc)
		return cmd_usage_error(run, "unknown option '%s'", argv[used]);
	cmd_print_help(stderr, run->path, node);
	return EXIT_USAGE;
}

/* context.c - `pkit context current|list|select|remove`, and the use of a
 * context for the whole run (src/lib/ca/context.h): with one, the files of
 * every command live under $PKITPATH/authorities/<authority>, as step's
 * under $STEPPATH/authorities/<authority>. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cmd.h"
#include "lib/ca/context.h"
#include "lib/fs.h"
#include "lib/ui.h"

/* The globals of the run once a context is applied. */
static struct globals g_ctx;
static char *g_base, *g_profile, *g_name, *g_authority, *g_profile_name;

static const char *
home(const struct cmd_run *run)
{
	return run->g->home != NULL ? run->g->home : run->g->base;
}

int
cmd_context_use(struct cmd_run *run, const char *name, const char *authority,
    const char *profile)
{
	const char *h = home(run);
	char *base = NULL, *prof = NULL, *n = NULL, *a = NULL, *p = NULL;
	int r;

	if ((r = pkit_context_name_check(run->ctx, name, "context")) != 0 ||
	    (r = pkit_context_name_check(run->ctx, authority,
	    "authority")) != 0 ||
	    (r = pkit_context_name_check(run->ctx, profile, "profile")) != 0 ||
	    (r = pkit_context_path(run->ctx, h, authority, &base)) != 0 ||
	    (r = pkit_context_profile_path(run->ctx, h, profile, &prof)) != 0)
		goto fail;
	if ((n = strdup(name)) == NULL || (a = strdup(authority)) == NULL ||
	    (p = strdup(profile)) == NULL) {
		r = pkit_seterr(run->ctx, PKIT_ERR_NOMEM, "context");
		goto fail;
	}
	g_ctx = *run->g;
	g_ctx.home = h;
	free(g_base);
	free(g_profile);
	free(g_name);
	free(g_authority);
	free(g_profile_name);
	g_ctx.base = g_base = base;
	g_ctx.profile = g_profile = prof;
	g_ctx.context = g_name = n;
	g_authority = a;
	g_profile_name = p;
	run->g = &g_ctx;
	return PKIT_OK;
fail:
	free(base);
	free(prof);
	free(n);
	free(a);
	free(p);
	return r;
}

int
cmd_context_apply(struct cmd_run *run, const char *name)
{
	const char *h = home(run), *env, *a, *p;
	json_t *all = NULL;
	char *cur = NULL;
	int r;

	if (name == NULL && (env = getenv("PKIT_CONTEXT")) != NULL &&
	    *env != '\0')
		name = env;
	if (name == NULL) {
		if ((r = pkit_context_current(run->ctx, h, &cur)) != 0)
			return r;
		if (cur == NULL)
			return PKIT_OK;
		name = cur;
	}
	if ((r = pkit_contexts_load(run->ctx, h, &all)) == 0 &&
	    (r = pkit_context_get(run->ctx, all, name, &a, &p)) == 0)
		r = cmd_context_use(run, name, a, p);
	json_decref(all);
	free(cur);
	return r;
}

int
cmd_context_save(struct cmd_run *run)
{
	const char *h = home(run);
	json_t *all = NULL, *one = NULL;
	char *dir = NULL, *path = NULL;
	size_t n;
	int r;

	if (g_name == NULL)
		return pkit_seterr(run->ctx, PKIT_ERR_INTERNAL, "no context");
	if ((r = pkit_contexts_load(run->ctx, h, &all)) != 0)
		return r;
	if ((one = json_pack("{s:s,s:s}", "authority", g_authority,
	    "profile", g_profile_name)) == NULL ||
	    json_object_set_new(all, g_name, one) != 0) {
		r = pkit_seterr(run->ctx, PKIT_ERR_NOMEM, "context");
		goto out;
	}
	if ((r = pkit_contexts_save(run->ctx, h, all)) != 0)
		goto out;
	/* The profile's defaults.json, {} as step makes it, if missing. */
	n = strlen(g_profile) + 32;
	if ((dir = malloc(n)) == NULL || (path = malloc(n)) == NULL) {
		r = pkit_seterr(run->ctx, PKIT_ERR_NOMEM, "context");
		goto out;
	}
	snprintf(dir, n, "%s/config", g_profile);
	snprintf(path, n, "%s/config/defaults.json", g_profile);
	if (!pkit_file_exists(path) &&
	    ((r = pkit_mkdirs(run->ctx, dir, 0700)) != 0 ||
	    (r = pkit_file_write(run->ctx, path, "{}\n", 3,
	    PKIT_WRITE_PRIVATE)) != 0))
		goto out;
	r = pkit_context_select(run->ctx, h, g_name);
out:
	json_decref(all);
	free(dir);
	free(path);
	return r;
}

/* ---- the verbs ----------------------------------------------------------- */

struct current_opts {
	int json;
};

static const struct cmd_opt current_opts[] = {
	{ "json", 0, OPT_BOOL, offsetof(struct current_opts, json), NULL,
	  "print {\"name\", \"authority\", \"profile\"} as JSON" },
	{ 0 }
};

struct remove_opts {
	int force;
};

static const struct cmd_opt remove_opts[] = {
	OPT_FORCE(struct remove_opts),
	{ 0 }
};

static int cmd_current(struct cmd_run *, int, char **);
static int cmd_list(struct cmd_run *, int, char **);
static int cmd_select(struct cmd_run *, int, char **);
static int cmd_remove(struct cmd_run *, int, char **);

static const struct cmd cmd_context_current = {
	"current", cmd_current, NULL, NULL, 0, 0,
	"print the name of the current context",
	"Prints the name of the context in use: --context, else "
	"PKIT_CONTEXT,\nelse the one 'pkit context select' chose.  Fails when "
	"there is none.",
	"Show the current context:\n"
	"  $ pkit context current\n"
	"As JSON, with its authority and profile:\n"
	"  $ pkit context current --json\n",
	current_opts };

static const struct cmd cmd_context_list = {
	"list", cmd_list, NULL, NULL, 0, 0,
	"list the contexts, the current one first",
	"Prints the names of the contexts of $PKITPATH/contexts.json, one "
	"a line:\nthe current one first, marked with \xe2\x96\xb6, then the "
	"others in\nalphabetical order, as step prints them.",
	"List the contexts:\n"
	"  $ pkit context list\n" };

static const struct cmd cmd_context_select = {
	"select", cmd_select, NULL, "<name>", 1, 1,
	"make a context the current one",
	"Writes $PKITPATH/current-context.json so that the commands that "
	"follow\nuse the files of context <name> (under "
	"$PKITPATH/authorities/).",
	"Switch to the context of the staging CA:\n"
	"  $ pkit context select staging\n" };

static const struct cmd cmd_context_remove = {
	"remove", cmd_remove, NULL, "<name>", 1, 1,
	"remove a context and its files",
	"Removes context <name> from $PKITPATH/contexts.json and deletes its\n"
	"authority directory ($PKITPATH/authorities/<authority>) and profile\n"
	"directory, unless another context uses them.  It asks first on a\n"
	"terminal; --force removes without asking (and is needed without a\n"
	"terminal).  The current context cannot be removed.",
	"Remove the context of a CA that is gone:\n"
	"  $ pkit context remove --force old-ca\n",
	remove_opts };

static const struct cmd *const context_sub[] = {
	&cmd_context_current,
	&cmd_context_list,
	&cmd_context_remove,
	&cmd_context_select,
	NULL
};

const struct cmd cmd_context = {
	"context", NULL, context_sub, NULL, 0, 0,
	"manage the contexts: several CAs under one $PKITPATH",
	"A context names one certificate authority's files, as step's "
	"contexts do:\n'pkit ca bootstrap --context NAME' (or 'pkit ca init "
	"--context NAME')\nmakes one, with its files under "
	"$PKITPATH/authorities/NAME (--authority\nnames that directory, "
	"--profile the one under $PKITPATH/profiles/), and\nmakes it "
	"current.  Every command then uses the current context's files;\n"
	"'pkit --context NAME ...', the --context flag of the 'pkit ca' "
	"commands\nand PKIT_CONTEXT choose another for one run.  Without "
	"contexts,\n$PKITPATH itself holds the files.",
	"Bootstrap two CAs, then switch between them:\n"
	"  $ pkit ca bootstrap --context prod --ca-url https://ca.example.com "
	"--fingerprint $FP\n"
	"  $ pkit context select prod\n" };

static int
cmd_current(struct cmd_run *run, int argc, char **argv)
{
	struct current_opts o = { 0 };
	char **args;
	int nargs, r;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	if (run->g->context == NULL)
		return cmd_error("there is no current context");
	if (o.json) {
		json_t *j = json_pack("{s:s,s:s,s:s}", "name", g_name,
		    "authority", g_authority, "profile", g_profile_name);
		char *s = j != NULL ? json_dumps(j, JSON_COMPACT |
		    JSON_PRESERVE_ORDER) : NULL;

		json_decref(j);
		if (s == NULL)
			return cmd_error("out of memory");
		printf("%s\n", s);
		free(s);
	} else
		printf("%s\n", run->g->context);
	return EXIT_OK;
}

static int
cmd_list(struct cmd_run *run, int argc, char **argv)
{
	json_t *all = NULL, *v;
	const char *k, *cur = run->g->context;
	char **args;
	int nargs, r;

	if ((r = cmd_parse(run, argc, argv, NULL, &args, &nargs)) != CMD_CONTINUE)
		return r;
	if ((r = pkit_contexts_load(run->ctx, home(run), &all)) != 0)
		return cmd_fail(run, r);
	if (cur != NULL && json_object_get(all, cur) != NULL)
		printf("\xe2\x96\xb6 %s\n", cur);
	/* jansson keeps keys in insertion order: sort them here. */
	{
		size_t n = json_object_size(all), i = 0, j;
		const char **names = calloc(n + 1, sizeof(*names)), *t;

		if (names == NULL) {
			json_decref(all);
			return cmd_error("out of memory");
		}
		json_object_foreach(all, k, v)
			names[i++] = k;
		for (i = 1; i < n; i++)
			for (j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0;
			    j--) {
				t = names[j];
				names[j] = names[j - 1];
				names[j - 1] = t;
			}
		for (i = 0; i < n; i++)
			if (cur == NULL || strcmp(names[i], cur) != 0)
				printf("%s\n", names[i]);
		free(names);
	}
	json_decref(all);
	return EXIT_OK;
}

static int
cmd_select(struct cmd_run *run, int argc, char **argv)
{
	char **args;
	int nargs, r;

	if ((r = cmd_parse(run, argc, argv, NULL, &args, &nargs)) != CMD_CONTINUE)
		return r;
	if ((r = pkit_context_select(run->ctx, home(run), args[0])) != 0)
		return cmd_fail(run, r);
	fprintf(stderr, "Context '%s' selected.\n", args[0]);
	return EXIT_OK;
}

static int
cmd_remove(struct cmd_run *run, int argc, char **argv)
{
	struct remove_opts o = { 0 };
	json_t *all = NULL, *v;
	const char *h = home(run), *a, *p, *k, *oa, *op;
	char *cur = NULL, *apath = NULL, *ppath = NULL, q[512], **args;
	int nargs, r, keep_a = 0, keep_p = 0, yes = 0;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	if ((r = pkit_contexts_load(run->ctx, h, &all)) != 0 ||
	    (r = pkit_context_get(run->ctx, all, args[0], &a, &p)) != 0 ||
	    (r = pkit_context_current(run->ctx, h, &cur)) != 0)
		goto fail;
	if (cur != NULL && strcmp(cur, args[0]) == 0) {
		r = pkit_seterr(run->ctx, PKIT_ERR_ARG, "%s: cannot remove the "
		    "current context", args[0]);
		goto fail;
	}
	json_object_foreach(all, k, v) {
		if (strcmp(k, args[0]) == 0 ||
		    pkit_context_get(run->ctx, all, k, &oa, &op) != 0)
			continue;
		keep_a |= strcmp(oa, a) == 0;
		keep_p |= strcmp(op, p) == 0;
	}
	pkit_clearerr(run->ctx);
	if ((r = pkit_context_path(run->ctx, h, a, &apath)) != 0 ||
	    (r = pkit_context_profile_path(run->ctx, h, p, &ppath)) != 0)
		goto fail;
	if (!o.force && !(keep_a && keep_p)) {
		if (!cmd_interactive(run)) {
			r = pkit_seterr(run->ctx, PKIT_ERR_USAGE, "%s: removing "
			    "context '%s' deletes its files: use --force",
			    run->path, args[0]);
			goto fail;
		}
		fprintf(stderr, "The following directories will be removed:\n\n");
		if (!keep_a)
			fprintf(stderr, "  - %s\n", apath);
		if (!keep_p)
			fprintf(stderr, "  - %s\n", ppath);
		fprintf(stderr, "\n");
		snprintf(q, sizeof(q), "Are you sure you want to delete the "
		    "configuration for context %s (this cannot be undone!) "
		    "[y/n]: ", args[0]);
		if ((r = pkit_ui_confirm(run->ctx, q, &yes)) != 0)
			goto fail;
		if (!yes) {
			r = pkit_seterr(run->ctx, PKIT_ERR_ARG, "context not "
			    "removed");
			goto fail;
		}
	}
	if ((!keep_a && (r = pkit_context_rmtree(run->ctx, apath)) != 0) ||
	    (!keep_p && (r = pkit_context_rmtree(run->ctx, ppath)) != 0))
		goto fail;
	json_object_del(all, args[0]);
	if ((r = pkit_contexts_save(run->ctx, h, all)) != 0)
		goto fail;
	r = EXIT_OK;
	goto out;
fail:
	r = cmd_fail(run, r);
out:
	json_decref(all);
	free(cur);
	free(apath);
	free(ppath);
	return r;
}

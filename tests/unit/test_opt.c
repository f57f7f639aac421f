/* test_opt.c - the option parser, suggestions, and the command tables:
 * every visible command must have its help, examples and completions. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cmd/cmd.h"

struct demo_opts {
	int force;
	const char *kty;
	long size;
	struct strvec san;
};

static const struct cmd_opt demo_opts[] = {
	OPT_FORCE(struct demo_opts),
	OPT_KTY(struct demo_opts),
	OPT_SIZE(struct demo_opts),
	{ "san", 0, OPT_LIST, offsetof(struct demo_opts, san), "name",
	  "a subject alternative name" },
	{ 0 }
};

static const struct cmd demo = {
	"demo", NULL, NULL, "<a> [<b>]", 1, 2, "a demo", "Demo.",
	"Demo:\n  $ pkit demo a\n", demo_opts
};

static int
parse(char **argv, int argc, struct demo_opts *o, char ***args, int *nargs)
{
	struct pkit_ctx ctx;
	struct globals g = { "/tmp", 0 };
	struct cmd_run run = { &ctx, &demo, &g, "demo" };

	pkit_ctx_init(&ctx);
	memset(o, 0, sizeof(*o));
	return cmd_parse(&run, argc, argv, o, args, nargs);
}

static void
test_parse_values(void **state)
{
	char a0[] = "demo", a1[] = "--kty=ec", a2[] = "-f", a3[] = "x",
	    a4[] = "--size", a5[] = "4096", a6[] = "--san", a7[] = "a.example",
	    a8[] = "--san", a9[] = "b.example";
	char *argv[] = { a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, NULL };
	struct demo_opts o;
	char **args;
	int nargs;

	(void)state;
	assert_int_equal(parse(argv, 10, &o, &args, &nargs), CMD_CONTINUE);
	assert_string_equal(o.kty, "EC");	/* canonical spelling */
	assert_int_equal(o.force, 1);
	assert_int_equal(o.size, 4096);
	assert_int_equal(o.san.n, 2);
	assert_string_equal(o.san.v[1], "b.example");
	assert_int_equal(nargs, 1);
	assert_string_equal(args[0], "x");
	strvec_clear(&o.san);
}

static void
test_parse_errors(void **state)
{
	char a0[] = "demo", bad[] = "--kyt", x[] = "x", y[] = "y", z[] = "z",
	    kty[] = "--kty", dsa[] = "DSA", size[] = "--size", nan[] = "12x",
	    help[] = "--help";
	struct demo_opts o;
	char **args;
	int nargs;

	(void)state;
	{
		char *argv[] = { a0, bad, x, NULL };
		assert_int_equal(parse(argv, 3, &o, &args, &nargs), EXIT_USAGE);
	}
	{
		char *argv[] = { a0, NULL };
		assert_int_equal(parse(argv, 1, &o, &args, &nargs), EXIT_USAGE);
	}
	{
		char *argv[] = { a0, x, y, z, NULL };
		assert_int_equal(parse(argv, 4, &o, &args, &nargs), EXIT_USAGE);
	}
	{
		char *argv[] = { a0, kty, dsa, x, NULL };
		assert_int_equal(parse(argv, 4, &o, &args, &nargs), EXIT_USAGE);
	}
	{
		char *argv[] = { a0, size, nan, x, NULL };
		assert_int_equal(parse(argv, 4, &o, &args, &nargs), EXIT_USAGE);
	}
	{
		char *argv[] = { a0, x, kty, NULL };
		assert_int_equal(parse(argv, 3, &o, &args, &nargs), EXIT_USAGE);
	}
	{
		char *argv[] = { a0, help, NULL };
		assert_int_equal(parse(argv, 2, &o, &args, &nargs), EXIT_OK);
	}
	{
		/* A prefix of a long option is not that option. */
		char forc[] = "--forc";
		char *argv[] = { a0, forc, x, NULL };
		assert_int_equal(parse(argv, 3, &o, &args, &nargs), EXIT_USAGE);
	}
	{
		/* A value may start with dashes. */
		char san[] = "--san", val[] = "--odd";
		char *argv[] = { a0, san, val, x, NULL };
		assert_int_equal(parse(argv, 4, &o, &args, &nargs), CMD_CONTINUE);
		assert_string_equal(o.san.v[0], "--odd");
		strvec_clear(&o.san);
	}
}

static void
test_distance_and_suggest(void **state)
{
	(void)state;
	assert_int_equal(cmd_distance("keypair", "keypair"), 0);
	assert_int_equal(cmd_distance("keypiar", "keypair"), 1);	/* swap */
	assert_int_equal(cmd_distance("kepair", "keypair"), 1);
	assert_int_equal(cmd_distance("", "abc"), 3);
	assert_string_equal(cmd_suggest_opt(demo_opts, "--kyt"), "kty");
	assert_string_equal(cmd_suggest_opt(demo_opts, "--forse"), "force");
	assert_null(cmd_suggest_opt(demo_opts, "--zzzzzzzz"));
	assert_string_equal(cmd_suggest(&cmd_root, "crytpo"), "crypto");
	assert_null(cmd_suggest(&cmd_root, "qqqqqqqq"));
}

/* ---- the tables ------------------------------------------------------ */

static char *
completion(const char *shell)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	assert_int_equal(cmd_gen_completion(fp, shell), 0);
	fclose(fp);
	return buf;
}

struct check {
	char *bash, *zsh, *fish;
	int verbs;
};

static void
check_node(const char *path, const struct cmd *c, void *arg)
{
	struct check *ck = arg;
	const struct cmd_opt *o, *p;
	const struct cmd *const *s, *const *t;
	char want[300];

	if (c->summary == NULL || c->summary[0] == '\0')
		fail_msg("'%s' has no summary", path);
	if (c->description == NULL || c->description[0] == '\0')
		fail_msg("'%s' has no description", path);
	snprintf(want, sizeof(want), "$ pkit%s%s", *path ? " " : "", path);
	if (c->fn != NULL && (c->examples == NULL || strstr(c->examples, want) == NULL))
		fail_msg("'%s' has no example that runs it", path);
	if (c->sub == NULL && c->fn == NULL)
		fail_msg("'%s' is neither a group nor a verb", path);
	for (s = c->sub; s != NULL && *s != NULL; s++) {
		for (t = s + 1; *t != NULL; t++)
			if (strcmp((*s)->name, (*t)->name) == 0)
				fail_msg("'%s' lists '%s' twice", path, (*s)->name);
		if (!((*s)->flags & CMD_HIDDEN) && (strstr(ck->bash, (*s)->name) == NULL ||
		    strstr(ck->zsh, (*s)->name) == NULL ||
		    strstr(ck->fish, (*s)->name) == NULL))
			fail_msg("'%s %s' is missing from a completion script",
			    path, (*s)->name);
	}
	for (o = c->opts; o != NULL && o->type != OPT_END; o++) {
		char flag[80];

		if (o->help == NULL || o->help[0] == '\0')
			fail_msg("'%s --%s' has no help", path, o->name);
		for (p = o + 1; p->type != OPT_END; p++)
			if (strcmp(o->name, p->name) == 0 ||
			    (o->short_name && o->short_name == p->short_name))
				fail_msg("'%s' has option '%s' twice", path, o->name);
		if (o->flags & OPT_F_HIDDEN)
			continue;
		snprintf(flag, sizeof(flag), "--%s ", o->name);
		if (strstr(ck->bash, flag) == NULL || strstr(ck->zsh, flag) == NULL)
			fail_msg("'%s --%s' is missing from a completion script",
			    path, o->name);
		snprintf(flag, sizeof(flag), "-l %s", o->name);
		if (strstr(ck->fish, flag) == NULL)
			fail_msg("'%s --%s' is missing from the fish script", path,
			    o->name);
	}
	if (c->fn != NULL)
		ck->verbs++;
}

static void
test_tables_are_complete(void **state)
{
	struct check ck = { completion("bash"), completion("zsh"),
	    completion("fish"), 0 };

	(void)state;
	cmd_walk(check_node, &ck);
	assert_true(ck.verbs >= 4);
	free(ck.bash);
	free(ck.zsh);
	free(ck.fish);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_values),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_distance_and_suggest),
		cmocka_unit_test(test_tables_are_complete),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

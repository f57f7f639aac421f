/* opt.c - the one option parser, help printing and did-you-mean. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd.h"

#define MAX_OPTS 64

void
strvec_clear(struct strvec *sv)
{
	free(sv->v);
	sv->v = NULL;
	sv->n = 0;
}

static int
strvec_push(struct strvec *sv, const char *s)
{
	const char **nv;

	if ((nv = realloc(sv->v, (sv->n + 1) * sizeof(*nv))) == NULL)
		return -1;
	nv[sv->n++] = s;
	sv->v = nv;
	return 0;
}

const struct cmd *
cmd_find(const struct cmd *group, const char *name)
{
	const struct cmd *const *c;

	if (group == NULL || group->sub == NULL)
		return NULL;
	for (c = group->sub; *c != NULL; c++)
		if (strcmp((*c)->name, name) == 0)
			return *c;
	return NULL;
}

/* Optimal string alignment distance: insertions, deletions, substitutions
 * and swaps of neighbours all cost 1. */
int
cmd_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	int d[33][33];

	if (la > 32 || lb > 32)
		return INT_MAX;
	for (i = 0; i <= la; i++)
		d[i][0] = (int)i;
	for (j = 0; j <= lb; j++)
		d[0][j] = (int)j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			int cost = a[i - 1] == b[j - 1] ? 0 : 1;
			int v = d[i - 1][j] + 1;

			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[la][lb];
}

/* A candidate is close when it is within a third of its length (at least
 * 1, at most 3) or starts with the word. */
static int
closeness(const char *word, const char *cand)
{
	int d = cmd_distance(word, cand);
	int limit = (int)strlen(cand) / 3;

	if (limit < 1)
		limit = 1;
	if (limit > 3)
		limit = 3;
	if (d <= limit)
		return d;
	if (strlen(word) >= 2 && strncmp(cand, word, strlen(word)) == 0)
		return limit;
	return INT_MAX;
}

const char *
cmd_suggest(const struct cmd *group, const char *word)
{
	const struct cmd *const *c;
	const char *best = NULL;
	int bestd = INT_MAX;

	for (c = group->sub; c != NULL && *c != NULL; c++) {
		int d;

		if ((*c)->flags & CMD_HIDDEN)
			continue;
		if ((d = closeness(word, (*c)->name)) < bestd) {
			bestd = d;
			best = (*c)->name;
		}
	}
	return best;
}

const char *
cmd_suggest_opt(const struct cmd_opt *opts, const char *word)
{
	const struct cmd_opt *o;
	const char *best = NULL;
	int bestd = INT_MAX;

	while (*word == '-')
		word++;
	for (o = opts; o != NULL && o->type != OPT_END; o++) {
		int d;

		if (o->flags & OPT_F_HIDDEN)
			continue;
		if ((d = closeness(word, o->name)) < bestd) {
			bestd = d;
			best = o->name;
		}
	}
	return best;
}

/* Accept a choice case-insensitively and store the table's spelling. */
static const char *
match_choice(const char *values, const char *arg, char *buf, size_t size)
{
	const char *p = values;

	while (*p != '\0') {
		size_t n = strcspn(p, " ");

		if (n == strlen(arg) && strncasecmp(p, arg, n) == 0 && n < size) {
			memcpy(buf, p, n);
			buf[n] = '\0';
			return p;
		}
		p += n;
		while (*p == ' ')
			p++;
	}
	return NULL;
}

static void
choices_text(const char *values, char *buf, size_t size)
{
	size_t i, j = 0;

	for (i = 0; values[i] != '\0' && j + 3 < size; i++) {
		if (values[i] == ' ') {
			buf[j++] = ',';
			buf[j++] = ' ';
		} else {
			buf[j++] = values[i];
		}
	}
	buf[j] = '\0';
}

/* "--kyt=EC" -> "kyt" */
static const char *
opt_word(const char *arg, char *buf, size_t size)
{
	size_t n;

	while (*arg == '-')
		arg++;
	n = strcspn(arg, "=");
	if (n >= size)
		n = size - 1;
	memcpy(buf, arg, n);
	buf[n] = '\0';
	return buf;
}

static int
store(struct cmd_run *run, const struct cmd_opt *o, const char *arg, void *dst)
{
	char *field = (char *)dst + o->offset;

	switch (o->type) {
	case OPT_BOOL:
		if (arg != NULL && (o->flags & OPT_F_BOOLVAL) &&
		    (strcmp(arg, "false") == 0 || strcmp(arg, "true") == 0)) {
			*(int *)field = arg[0] == 't';
			return 0;
		}
		if (arg != NULL)
			return cmd_usage_error(run, "--%s: '%s' is not true or "
			    "false", o->name, arg);
		*(int *)field = 1;
		return 0;
	case OPT_STRING:
		if (o->flags & OPT_F_CHOICE) {
			char tmp[64];
			const char *p = match_choice(o->values, arg, tmp, sizeof(tmp));

			if (p == NULL) {
				char list[256];

				choices_text(o->values, list, sizeof(list));
				return cmd_usage_error(run,
				    "--%s: '%s' is not one of: %s", o->name,
				    arg, list);
			}
			/* Point at argv storage rewritten with the canonical
			 * spelling, which has the same length. */
			memcpy((char *)arg, tmp, strlen(tmp));
		}
		*(const char **)field = arg;
		return 0;
	case OPT_INT: {
		char *end;
		long v;

		errno = 0;
		v = strtol(arg, &end, 10);
		if (errno != 0 || end == arg || *end != '\0')
			return cmd_usage_error(run, "--%s: '%s' is not a number",
			    o->name, arg);
		*(long *)field = v;
		return 0;
	}
	case OPT_LIST:
		if (strvec_push((struct strvec *)field, arg) != 0)
			return cmd_error("out of memory");
		return 0;
	case OPT_END:
		break;
	}
	return cmd_error("internal error: bad option type");
}

static const struct cmd_opt *
find_long(const struct cmd_opt *opts, const char *name, size_t n)
{
	const struct cmd_opt *o;

	for (o = opts; o != NULL && o->type != OPT_END; o++)
		if ((strlen(o->name) == n && strncmp(o->name, name, n) == 0) ||
		    (o->alias != NULL && strlen(o->alias) == n &&
		    strncmp(o->alias, name, n) == 0))
			return o;
	return NULL;
}

/* getopt_long accepts any unambiguous prefix of a long option, so that
 * adding an option can change what an old command line means (the
 * iproute2 lesson).  Only exact names are accepted. */
static int
check_exact(struct cmd_run *run, int argc, char **argv)
{
	const struct cmd_opt *o;
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *name;
		size_t n;

		if (strcmp(a, "--") == 0)
			break;
		if (strncmp(a, "--", 2) != 0)
			continue;
		name = a + 2;
		n = strcspn(name, "=");
		if (n == 4 && strncmp(name, "help", 4) == 0)
			continue;
		if ((o = find_long(run->cmd->opts, name, n)) == NULL) {
			char word[64];
			const char *s;

			snprintf(word, sizeof(word), "%.*s", (int)n, name);
			s = cmd_suggest_opt(run->cmd->opts, word);
			if (s != NULL)
				return cmd_usage_error(run,
				    "unknown option '--%.*s'; did you mean '--%s'?",
				    (int)n, name, s);
			return cmd_usage_error(run, "unknown option '--%.*s'",
			    (int)n, name);
		}
		if (o->type != OPT_BOOL && name[n] != '=')
			i++;	/* its value may start with dashes */
	}
	return 0;
}

int
cmd_parse(struct cmd_run *run, int argc, char **argv, void *dst, char ***args,
    int *nargs)
{
	const struct cmd *c = run->cmd;
	struct option lopts[MAX_OPTS * 2 + 2];
	char shorts[MAX_OPTS * 2 + 4];
	const struct cmd_opt *o;
	size_t nl = 0, ns = 0, i;
	int ch, n;

	*args = NULL;
	*nargs = 0;
	shorts[ns++] = ':';
	shorts[ns++] = 'h';
	for (i = 0, o = c->opts; o != NULL && o->type != OPT_END; o++, i++) {
		int has = o->type != OPT_BOOL ? required_argument :
		    (o->flags & OPT_F_BOOLVAL) ? optional_argument : no_argument;

		if (i >= MAX_OPTS)
			return cmd_error("internal error: too many options");
		lopts[nl++] = (struct option){ o->name, has, NULL, 256 + (int)i };
		if (o->alias != NULL)
			lopts[nl++] = (struct option){ o->alias, has, NULL, 256 + (int)i };
		if (o->short_name != 0) {
			shorts[ns++] = (char)o->short_name;
			if (has == required_argument)
				shorts[ns++] = ':';
		}
	}
	lopts[nl++] = (struct option){ "help", no_argument, NULL, 'h' };
	lopts[nl] = (struct option){ NULL, 0, NULL, 0 };
	shorts[ns] = '\0';

	if ((ch = check_exact(run, argc, argv)) != 0)
		return ch;
	optind = 0;	/* full reinitialisation in glibc */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, shorts, lopts, NULL)) != -1) {
		const struct cmd_opt *hit = NULL;
		int r;

		if (ch == 'h') {
			cmd_print_help(stdout, run->path, c);
			return EXIT_OK;
		}
		if (ch == '?' || ch == ':') {
			const char *bad = argv[optind - 1];
			const char *s;
			char word[64];

			if (ch == ':')
				return cmd_usage_error(run, "%s: needs a value", bad);
			if (optopt != 0 && optopt < 256)
				return cmd_usage_error(run, "unknown option '-%c'",
				    optopt);
			s = cmd_suggest_opt(c->opts, opt_word(bad, word,
			    sizeof(word)));
			if (s != NULL)
				return cmd_usage_error(run,
				    "unknown option '%.*s'; did you mean '--%s'?",
				    (int)strcspn(bad, "="), bad, s);
			return cmd_usage_error(run, "unknown option '%.*s'",
			    (int)strcspn(bad, "="), bad);
		}
		if (ch >= 256) {
			hit = &c->opts[ch - 256];
		} else {
			for (o = c->opts; o->type != OPT_END; o++)
				if (o->short_name == ch)
					hit = o;
		}
		if (hit == NULL)
			return cmd_error("internal error: option %d", ch);
		if ((r = store(run, hit, optarg, dst)) != 0)
			return r;
	}
	n = argc - optind;
	if (n < c->min_args)
		return cmd_usage_error(run, "too few arguments");
	if (c->max_args >= 0 && n > c->max_args)
		return cmd_usage_error(run, "unexpected argument '%s'",
		    argv[optind + c->max_args]);
	*args = argv + optind;
	*nargs = n;
	return CMD_CONTINUE;
}

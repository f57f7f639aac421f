/* help.c - help text printed from the command tables. */
#include "config.h"

#include <string.h>

#include "cmd.h"

void
cmd_print_synopsis(FILE *fp, const char *path, const struct cmd *c)
{
	fprintf(fp, "%s%s%s", PROG, *path ? " " : "", path);
	if (c->sub != NULL) {
		fprintf(fp, " <command> [<args>]");
		return;
	}
	if (c->opts != NULL && c->opts[0].type != OPT_END)
		fprintf(fp, " [options]");
	if (c->args != NULL && *c->args != '\0')
		fprintf(fp, " %s", c->args);
}

/* Indent every line of text by n spaces. */
static void
print_indented(FILE *fp, const char *text, int n)
{
	const char *p = text;

	while (*p != '\0') {
		size_t len = strcspn(p, "\n");

		if (len > 0)
			fprintf(fp, "%*s%.*s", n, "", (int)len, p);
		fputc('\n', fp);
		p += len;
		if (*p == '\n')
			p++;
	}
}

static void
print_opt(FILE *fp, const struct cmd_opt *o)
{
	char left[96];
	int n;

	if (o->flags & OPT_F_HIDDEN)
		return;
	n = snprintf(left, sizeof(left), "  %s%c%s--%s",
	    o->short_name ? "-" : "", o->short_name ? o->short_name : ' ',
	    o->short_name ? "," : "", o->name);
	if (!o->short_name)
		n = snprintf(left, sizeof(left), "      --%s", o->name);
	if (o->alias != NULL && n > 0 && (size_t)n < sizeof(left))
		n += snprintf(left + n, sizeof(left) - (size_t)n, ", --%s",
		    o->alias);
	if (o->argh != NULL && n > 0 && (size_t)n < sizeof(left))
		snprintf(left + n, sizeof(left) - (size_t)n, " <%s>", o->argh);
	if (strlen(left) > 28)
		fprintf(fp, "%s\n%30s%s\n", left, "", o->help);
	else
		fprintf(fp, "%-30s%s\n", left, o->help);
}

void
cmd_print_help(FILE *fp, const char *path, const struct cmd *c)
{
	const struct cmd *const *s;
	const struct cmd_opt *o;

	fprintf(fp, "usage: ");
	cmd_print_synopsis(fp, path, c);
	fprintf(fp, "\n\n");
	if (c->summary != NULL)
		fprintf(fp, "%s%s%s.\n", *path ? path : PROG, " - ", c->summary);
	if (c->description != NULL) {
		fputc('\n', fp);
		print_indented(fp, c->description, 0);
	}
	if (c->sub != NULL) {
		fprintf(fp, "\nCommands:\n");
		for (s = c->sub; *s != NULL; s++)
			if (!((*s)->flags & CMD_HIDDEN))
				fprintf(fp, "  %-18s %s\n", (*s)->name,
				    (*s)->summary);
	}
	if (c->opts != NULL && c->opts[0].type != OPT_END) {
		fprintf(fp, "\nOptions:\n");
		for (o = c->opts; o->type != OPT_END; o++)
			print_opt(fp, o);
		fprintf(fp, "  -h, --help                  show this help\n");
	}
	if (c->exit_status != NULL) {
		fprintf(fp, "\nExit status:\n");
		print_indented(fp, c->exit_status, 2);
	}
	if (c->examples != NULL) {
		fprintf(fp, "\nExamples:\n");
		print_indented(fp, c->examples, 2);
	}
	if (c->sub != NULL)
		fprintf(fp, "\nRun '%s%s%s <command> --help' for a command's options.\n",
		    PROG, *path ? " " : "", path);
}

/* docgen.c - man pages and completion scripts, generated from the tables. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

static void
walk_node(const char *path, const struct cmd *c,
    void (*fn)(const char *, const struct cmd *, void *), void *arg)
{
	const struct cmd *const *s;
	char sub[256];

	if (c->flags & CMD_HIDDEN)
		return;
	fn(path, c, arg);
	for (s = c->sub; s != NULL && *s != NULL; s++) {
		snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? " " : "",
		    (*s)->name);
		walk_node(sub, *s, fn, arg);
	}
}

void
cmd_walk(void (*fn)(const char *path, const struct cmd *c, void *arg), void *arg)
{
	walk_node("", &cmd_root, fn, arg);
}

/* ---- man pages ------------------------------------------------------ */

/* Write text escaped for roff: backslashes, and a leading dot or quote. */
static void
roff(FILE *fp, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i == 0 && (s[0] == '.' || s[0] == '\''))
			fputs("\\&", fp);
		if (s[i] == '\\')
			fputs("\\e", fp);
		else if (s[i] == '-')
			fputs("\\-", fp);
		else
			fputc(s[i], fp);
	}
}

static void
roff_paragraphs(FILE *fp, const char *text)
{
	const char *p = text;
	int verbatim = 0;

	fputs(".PP\n", fp);
	while (*p != '\0') {
		size_t n = strcspn(p, "\n");

		if (n == 0) {
			if (verbatim)
				fputs(".fi\n", fp), verbatim = 0;
			fputs(".PP\n", fp);
		} else if (p[0] == ' ' && p[1] == ' ') {
			if (!verbatim)
				fputs(".nf\n", fp), verbatim = 1;
			roff(fp, p, n);
			fputc('\n', fp);
		} else {
			if (verbatim)
				fputs(".fi\n", fp), verbatim = 0;
			roff(fp, p, n);
			fputc('\n', fp);
		}
		p += n;
		if (*p == '\n')
			p++;
	}
	if (verbatim)
		fputs(".fi\n", fp);
}

static void
man_name(char *buf, size_t size, const char *path)
{
	size_t i;

	snprintf(buf, size, "%s%s%s", PROG, *path ? "-" : "", path);
	for (i = 0; buf[i] != '\0'; i++)
		if (buf[i] == ' ')
			buf[i] = '-';
}

static void
man_examples(FILE *fp, const char *ex)
{
	const char *p = ex;

	while (*p != '\0') {
		size_t n = strcspn(p, "\n");

		if (n > 2 && p[0] == ' ' && p[1] == ' ') {
			fputs(".PP\n.RS 4\n.nf\n", fp);
			roff(fp, p + 2, n - 2);
			fputs("\n.fi\n.RE\n", fp);
		} else if (n > 0) {
			fputs(".PP\n", fp);
			roff(fp, p, n);
			fputc('\n', fp);
		}
		p += n;
		if (*p == '\n')
			p++;
	}
}

/* "N  meaning" lines as a tagged list. */
static void
man_exit_status(FILE *fp, const char *text)
{
	const char *p = text;

	while (*p != '\0') {
		size_t n = strcspn(p, "\n"), code = strcspn(p, " ");
		const char *rest = p + code;

		if (code > n)
			code = n;
		while (rest < p + n && *rest == ' ')
			rest++;
		fprintf(fp, ".TP\n%.*s\n", (int)code, p);
		roff(fp, rest, (size_t)(p + n - rest));
		fputc('\n', fp);
		p += n;
		if (*p == '\n')
			p++;
	}
}

struct man_state {
	const char *dir;
	int failed;
};

static void
man_page(const char *path, const struct cmd *c, void *arg)
{
	struct man_state *st = arg;
	char name[320], file[PATH_MAX], upper[320];
	const struct cmd_opt *o;
	const struct cmd *const *sp;
	FILE *fp;
	size_t i;

	man_name(name, sizeof(name), path);
	snprintf(file, sizeof(file), "%s/%s.1", st->dir, name);
	for (i = 0; name[i] != '\0' && i + 1 < sizeof(upper); i++)
		upper[i] = (char)(name[i] >= 'a' && name[i] <= 'z' ?
		    name[i] - 'a' + 'A' : name[i]);
	upper[i] = '\0';
	if ((fp = fopen(file, "w")) == NULL) {
		fprintf(stderr, "%s: %s: %s\n", PROG, file, strerror(errno));
		st->failed = 1;
		return;
	}
	fprintf(fp, ".TH %s 1 \"\" \"%s %s\" \"pkit manual\"\n", upper, PROG,
	    PACKAGE_VERSION);
	fprintf(fp, ".SH NAME\n");
	roff(fp, name, strlen(name));
	fprintf(fp, " \\- ");
	roff(fp, c->summary, strlen(c->summary));
	fprintf(fp, "\n.SH SYNOPSIS\n.nf\n");
	/* One line, as the usage line of --help. */
	fprintf(fp, "\\fB%s%s%s\\fR", PROG, *path ? " " : "", path);
	if (c->sub != NULL)
		fprintf(fp, " \\fI<command>\\fR [\\fI<args>\\fR]");
	else {
		if (c->opts != NULL && c->opts[0].type != OPT_END)
			fprintf(fp, " [\\fIoptions\\fR]");
		if (c->args != NULL) {
			fputc(' ', fp);
			roff(fp, c->args, strlen(c->args));
		}
	}
	fputc('\n', fp);
	fprintf(fp, ".fi\n.SH DESCRIPTION\n");
	if (c->description != NULL)
		roff_paragraphs(fp, c->description);
	if (c->sub != NULL) {
		fprintf(fp, ".SH COMMANDS\n");
		for (sp = c->sub; *sp != NULL; sp++) {
			const struct cmd *s = *sp;
			char sn[256];

			if (s->flags & CMD_HIDDEN)
				continue;
			snprintf(sn, sizeof(sn), "%s%s%s", path, *path ? " " : "",
			    s->name);
			man_name(name, sizeof(name), sn);
			fprintf(fp, ".TP\n.B %s\n", s->name);
			roff(fp, s->summary, strlen(s->summary));
			fprintf(fp, " (see \\fB%s\\fR(1))\n", name);
		}
	}
	if (c->opts != NULL && c->opts[0].type != OPT_END) {
		fprintf(fp, ".SH OPTIONS\n");
		for (o = c->opts; o->type != OPT_END; o++) {
			if (o->flags & OPT_F_HIDDEN)
				continue;
			fprintf(fp, ".TP\n");
			if (o->short_name)
				fprintf(fp, "\\fB\\-%c\\fR, ", o->short_name);
			fprintf(fp, "\\fB\\-\\-");
			roff(fp, o->name, strlen(o->name));
			fprintf(fp, "\\fR");
			if (o->alias != NULL) {
				fprintf(fp, ", \\fB\\-\\-");
				roff(fp, o->alias, strlen(o->alias));
				fprintf(fp, "\\fR");
			}
			if (o->argh != NULL)
				fprintf(fp, " \\fI%s\\fR", o->argh);
			fputc('\n', fp);
			roff(fp, o->help, strlen(o->help));
			fputc('\n', fp);
		}
		fprintf(fp, ".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nshow the help\n");
	}
	fprintf(fp, ".SH EXIT STATUS\n");
	if (c->exit_status != NULL)
		man_exit_status(fp, c->exit_status);
	else
		fprintf(fp, ".TP\n0\nsuccess\n.TP\n1\n"
		    "failure, including a negative answer (a signature, chain "
		    "or code that does not verify)\n.TP\n2\nusage error: "
		    "unknown command or option, missing argument\n");
	if (c->examples != NULL) {
		fprintf(fp, ".SH EXAMPLES\n");
		man_examples(fp, c->examples);
	}
	fprintf(fp, ".SH SEE ALSO\n");
	if (*path == '\0')
		fprintf(fp, "\\fBpkit\\-crypto\\fR(1)\n");
	else
		fprintf(fp, "\\fBpkit\\fR(1)\n");
	if (ferror(fp) || fclose(fp) != 0) {
		fprintf(stderr, "%s: %s: write error\n", PROG, file);
		st->failed = 1;
	}
}

int
cmd_gen_man(const char *dir)
{
	struct man_state st = { dir, 0 };

	cmd_walk(man_page, &st);
	return st.failed ? -1 : 0;
}

/* ---- completion ----------------------------------------------------- */

/* Space-separated visible children of c. */
static void
children(FILE *fp, const struct cmd *c)
{
	const struct cmd *const *s;
	int first = 1;

	for (s = c->sub; s != NULL && *s != NULL; s++) {
		if ((*s)->flags & CMD_HIDDEN)
			continue;
		fprintf(fp, "%s%s", first ? "" : " ", (*s)->name);
		first = 0;
	}
}

static void
options(FILE *fp, const struct cmd *c)
{
	const struct cmd_opt *o;

	for (o = c->opts; o != NULL && o->type != OPT_END; o++) {
		if (o->flags & OPT_F_HIDDEN)
			continue;
		fprintf(fp, "--%s ", o->name);
		if (o->alias != NULL)
			fprintf(fp, "--%s ", o->alias);
		if (o->short_name)
			fprintf(fp, "-%c ", o->short_name);
	}
	fprintf(fp, "--help");
}

/* The case arms shared by the bash and zsh scripts: node children,
 * options, and what each option's value completes to. */
static void
sh_children(const char *path, const struct cmd *c, void *arg)
{
	FILE *fp = arg;

	if (c->sub == NULL)
		return;
	fprintf(fp, "\t\t\"%s\") echo \"", path);
	children(fp, c);
	fprintf(fp, "\" ;;\n");
}

static void
sh_options(const char *path, const struct cmd *c, void *arg)
{
	FILE *fp = arg;

	if (c->sub != NULL)
		return;
	fprintf(fp, "\t\t\"%s\") echo \"", path);
	options(fp, c);
	fprintf(fp, "\" ;;\n");
}

/* For each option that takes a value: "path --opt") echo "values|@file|@dir|@any" */
static void
sh_values(const char *path, const struct cmd *c, void *arg)
{
	FILE *fp = arg;
	const struct cmd_opt *o;

	for (o = c->opts; o != NULL && o->type != OPT_END; o++) {
		const char *v;

		if (o->type == OPT_BOOL)
			continue;
		v = o->values != NULL ? o->values :
		    (o->flags & OPT_F_FILE) ? "@file" :
		    (o->flags & OPT_F_DIR) ? "@dir" : "@any";
		fprintf(fp, "\t\t\"%s --%s\"", path, o->name);
		if (o->alias != NULL)
			fprintf(fp, "|\"%s --%s\"", path, o->alias);
		if (o->short_name)
			fprintf(fp, "|\"%s -%c\"", path, o->short_name);
		fprintf(fp, ") echo \"%s\" ;;\n", v);
	}
}

static void
sh_tables(FILE *fp)
{
	fprintf(fp, "__pkit_children() {\n\tcase \"$1\" in\n");
	cmd_walk(sh_children, fp);
	fprintf(fp, "\tesac\n}\n\n__pkit_options() {\n\tcase \"$1\" in\n");
	cmd_walk(sh_options, fp);
	fprintf(fp, "\tesac\n}\n\n__pkit_values() {\n\tcase \"$1\" in\n");
	cmd_walk(sh_values, fp);
	fprintf(fp, "\tesac\n}\n\n");
	/* Find the command path in the words before the cursor. */
	fprintf(fp,
	    "__pkit_path() {\n"
	    "\tlocal path=\"\" w kids\n"
	    "\tfor w in \"$@\"; do\n"
	    "\t\tcase \"$w\" in -*) continue ;; esac\n"
	    "\t\tkids=\" $(__pkit_children \"$path\") \"\n"
	    "\t\tcase \"$kids\" in *\" $w \"*) path=\"${path:+$path }$w\" ;; esac\n"
	    "\tdone\n"
	    "\techo \"$path\"\n"
	    "}\n\n");
}

static void
gen_bash(FILE *fp)
{
	fprintf(fp, "# bash completion for pkit (generated from the command tables)\n\n");
	sh_tables(fp);
	fprintf(fp,
	    "_pkit() {\n"
	    "\tlocal cur prev path vals\n"
	    "\tcur=\"${COMP_WORDS[COMP_CWORD]}\"\n"
	    "\tprev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
	    "\tpath=\"$(__pkit_path \"${COMP_WORDS[@]:1:COMP_CWORD-1}\")\"\n"
	    "\tCOMPREPLY=()\n"
	    "\tif [[ \"$prev\" == -* ]]; then\n"
	    "\t\tvals=\"$(__pkit_values \"$path $prev\")\"\n"
	    "\t\tcase \"$vals\" in\n"
	    "\t\t@file) COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n"
	    "\t\t@dir) COMPREPLY=($(compgen -d -- \"$cur\")); return ;;\n"
	    "\t\t@any) return ;;\n"
	    "\t\t?*) COMPREPLY=($(compgen -W \"$vals\" -- \"$cur\")); return ;;\n"
	    "\t\tesac\n"
	    "\tfi\n"
	    "\tif [[ \"$cur\" == -* ]]; then\n"
	    "\t\tCOMPREPLY=($(compgen -W \"$(__pkit_options \"$path\")\" -- \"$cur\"))\n"
	    "\telif [[ -n \"$(__pkit_children \"$path\")\" ]]; then\n"
	    "\t\tCOMPREPLY=($(compgen -W \"$(__pkit_children \"$path\")\" -- \"$cur\"))\n"
	    "\telse\n"
	    "\t\tCOMPREPLY=($(compgen -f -- \"$cur\"))\n"
	    "\tfi\n"
	    "}\n"
	    "complete -o filenames -F _pkit pkit\n");
}

static void
gen_zsh(FILE *fp)
{
	fprintf(fp, "#compdef pkit\n# zsh completion for pkit (generated from the command tables)\n\n");
	sh_tables(fp);
	fprintf(fp,
	    "_pkit() {\n"
	    "\tlocal cur=\"${words[CURRENT]}\" prev=\"${words[CURRENT-1]}\" path vals\n"
	    "\tpath=\"$(__pkit_path \"${(@)words[2,CURRENT-1]}\")\"\n"
	    "\tif [[ \"$prev\" == -* ]]; then\n"
	    "\t\tvals=\"$(__pkit_values \"$path $prev\")\"\n"
	    "\t\tcase \"$vals\" in\n"
	    "\t\t@file) _files; return ;;\n"
	    "\t\t@dir) _files -/; return ;;\n"
	    "\t\t@any) return ;;\n"
	    "\t\t?*) compadd -- ${=vals}; return ;;\n"
	    "\t\tesac\n"
	    "\tfi\n"
	    "\tif [[ \"$cur\" == -* ]]; then\n"
	    "\t\tvals=\"$(__pkit_options \"$path\")\"; compadd -- ${=vals}\n"
	    "\telse\n"
	    "\t\tvals=\"$(__pkit_children \"$path\")\"\n"
	    "\t\tif [[ -n \"$vals\" ]]; then compadd -- ${=vals}; else _files; fi\n"
	    "\tfi\n"
	    "}\n"
	    "if [[ \"$funcstack[1]\" == _pkit ]]; then _pkit \"$@\"; else compdef _pkit pkit; fi\n");
}

/* Print s inside fish single quotes. */
static void
fish_str(FILE *fp, const char *s)
{
	fputc('\'', fp);
	for (; *s != '\0'; s++) {
		if (*s == '\'' || *s == '\\')
			fputc('\\', fp);
		fputc(*s, fp);
	}
	fputc('\'', fp);
}

static void
fish_node(const char *path, const struct cmd *c, void *arg)
{
	FILE *fp = arg;
	const struct cmd_opt *o;
	const struct cmd *const *s;

	for (s = c->sub; s != NULL && *s != NULL; s++) {
		if ((*s)->flags & CMD_HIDDEN)
			continue;
		fprintf(fp, "complete -c pkit -f -n '__pkit_at \"%s\"' -a %s -d ",
		    path, (*s)->name);
		fish_str(fp, (*s)->summary);
		fputc('\n', fp);
	}
	for (o = c->opts; o != NULL && o->type != OPT_END; o++) {
		if (o->flags & OPT_F_HIDDEN)
			continue;
		fprintf(fp, "complete -c pkit -n '__pkit_at \"%s\"' -l %s", path,
		    o->name);
		if (o->alias != NULL)
			fprintf(fp, " -l %s", o->alias);
		if (o->short_name)
			fprintf(fp, " -s %c", o->short_name);
		if (o->type != OPT_BOOL) {
			if (o->values != NULL)
				fprintf(fp, " -x -a '%s'", o->values);
			else if (o->flags & (OPT_F_FILE | OPT_F_DIR))
				fprintf(fp, " -r -F");
			else
				fprintf(fp, " -x");
		}
		fprintf(fp, " -d ");
		fish_str(fp, o->help);
		fputc('\n', fp);
	}
}

static void
fish_children(const char *path, const struct cmd *c, void *arg)
{
	FILE *fp = arg;

	if (c->sub == NULL)
		return;
	fprintf(fp, "\t\tcase '%s'\n\t\t\techo '", path);
	children(fp, c);
	fprintf(fp, "'\n");
}

static void
gen_fish(FILE *fp)
{
	fprintf(fp, "# fish completion for pkit (generated from the command tables)\n\n");
	fprintf(fp, "function __pkit_children\n\tswitch $argv[1]\n");
	cmd_walk(fish_children, fp);
	fprintf(fp, "\tend\nend\n\n");
	fprintf(fp,
	    "function __pkit_path\n"
	    "\tset -l path ''\n"
	    "\tfor w in (commandline -opc)[2..-1]\n"
	    "\t\tstring match -q -- '-*' $w; and continue\n"
	    "\t\tif contains -- $w (string split ' ' -- (__pkit_children \"$path\"))\n"
	    "\t\t\tif test -z \"$path\"; set path $w; else; set path \"$path $w\"; end\n"
	    "\t\tend\n"
	    "\tend\n"
	    "\techo $path\n"
	    "end\n\n"
	    "function __pkit_at\n"
	    "\ttest (__pkit_path) = \"$argv[1]\"\n"
	    "end\n\n"
	    "complete -c pkit -f -n '__pkit_at \"\"' -s h -l help -d 'show help'\n");
	cmd_walk(fish_node, fp);
}

int
cmd_gen_completion(FILE *fp, const char *shell)
{
	if (strcmp(shell, "bash") == 0)
		gen_bash(fp);
	else if (strcmp(shell, "zsh") == 0)
		gen_zsh(fp);
	else if (strcmp(shell, "fish") == 0)
		gen_fish(fp);
	else
		return -1;
	return 0;
}

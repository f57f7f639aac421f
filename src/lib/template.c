/* template.c - a small, safe subset of Go's text/template over jansson
 * values: a lexer to tokens, a recursive-descent parser to a tree, and a
 * tree walker with bounded depth, steps and output. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "codec.h"
#include "template.h"

/* ---- tokens ------------------------------------------------------------ */

enum tok {
	T_EOF, T_TEXT, T_LEFT, T_RIGHT, T_SPACE, T_IDENT, T_FIELD, T_VAR,
	T_DOT, T_STRING, T_NUMBER, T_BOOL, T_NIL, T_LPAREN, T_RPAREN, T_PIPE,
	T_DECLARE, T_ASSIGN, T_COMMA, T_IF, T_ELSE, T_END, T_RANGE, T_WITH,
};

struct token {
	enum tok t;
	char *s;		/* decoded text, NUL-terminated */
	size_t len;
	int line;
};

struct toks {
	struct token *v;
	size_t n, cap;
};

/* ---- tree ------------------------------------------------------------- */

enum nkind { N_TEXT, N_ACTION, N_IF, N_RANGE, N_WITH };
enum akind { A_FIELD, A_VAR, A_DOT, A_LIT, A_FUNC, A_PIPE };

struct pipe;

struct arg {
	enum akind kind;
	char *name;		/* variable ("$x") or function name */
	json_t *lit;		/* literal value (NULL for nil) */
	char **chain;		/* field names that follow */
	size_t nchain;
	struct pipe *pipe;	/* A_PIPE */
	const struct func *fn;	/* A_FUNC */
};

struct command {
	struct arg **args;
	size_t nargs;
};

struct pipe {
	char *decl[2];
	int ndecl;
	int assign;		/* "=" rather than ":=" */
	struct command **cmds;
	size_t ncmds;
	int line;
};

struct list;

struct node {
	enum nkind kind;
	char *text;
	size_t len;
	struct pipe *pipe;
	struct list *list, *elselist;
	int line;
};

struct list {
	struct node **v;
	size_t n;
};

struct pkit_tmpl {
	char *name;
	struct list *root;
};

/* ---- functions ---------------------------------------------------------- */

struct exec;
typedef int (*tfn)(struct exec *, json_t **, size_t, json_t **);

struct func {
	const char *name;
	int min, max;		/* argument counts; max -1: any */
	tfn fn;
};

static const struct func *find_func(const char *name);

/* ---- small helpers ------------------------------------------------------ */

static void *
xcalloc(size_t n, size_t size)
{
	return calloc(n == 0 ? 1 : n, size);
}

static int
grow(void **v, size_t *cap, size_t n, size_t size)
{
	void *nv;
	size_t ncap;

	if (n < *cap)
		return 0;
	ncap = *cap == 0 ? 8 : *cap * 2;
	if (ncap > SIZE_MAX / size || (nv = realloc(*v, ncap * size)) == NULL)
		return -1;
	*v = nv;
	*cap = ncap;
	return 0;
}

/* ---- lexer ------------------------------------------------------------ */

struct lexer {
	struct pkit_ctx *ctx;
	const char *name;
	const char *s;
	size_t len, pos;
	int line;
	struct toks *out;
	int trim_next;		/* a "-}}" asked to trim the next text */
};

static int
lexerr(struct lexer *lx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int
lexerr(struct lexer *lx, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return pkit_seterr(lx->ctx, PKIT_ERR_FORMAT, "%s:%d: %s", lx->name,
	    lx->line, msg);
}

static int
emit(struct lexer *lx, enum tok t, const char *s, size_t len)
{
	struct token *tk;

	if (grow((void **)&lx->out->v, &lx->out->cap, lx->out->n,
	    sizeof(*lx->out->v)) != 0)
		return pkit_seterr(lx->ctx, PKIT_ERR_NOMEM, "%s", lx->name);
	tk = &lx->out->v[lx->out->n];
	memset(tk, 0, sizeof(*tk));
	tk->t = t;
	tk->line = lx->line;
	if (s != NULL) {
		if ((tk->s = malloc(len + 1)) == NULL)
			return pkit_seterr(lx->ctx, PKIT_ERR_NOMEM, "%s",
			    lx->name);
		memcpy(tk->s, s, len);
		tk->s[len] = '\0';
		tk->len = len;
	}
	lx->out->n++;
	return 0;
}

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
is_ident(int c)
{
	return c == '_' || isalnum((unsigned char)c) || (c & 0x80);
}

static void
count_lines(struct lexer *lx, size_t from, size_t to)
{
	for (; from < to; from++)
		if (lx->s[from] == '\n')
			lx->line++;
}

/* Text from pos to the next "{{" (or the end). */
static int
lex_text(struct lexer *lx, int *more)
{
	const char *p = lx->s + lx->pos;
	size_t rest = lx->len - lx->pos, n, start = lx->pos, end;
	const char *open = memmem(p, rest, "{{", 2);
	int trim_left;

	n = open == NULL ? rest : (size_t)(open - p);
	end = start + n;
	/* "{{- " trims the white space before it. */
	trim_left = open != NULL && n + 3 < rest + 0 && open[2] == '-' &&
	    is_space((unsigned char)open[3]);
	if (lx->trim_next)
		while (start < end && is_space((unsigned char)lx->s[start]))
			start++;
	lx->trim_next = 0;
	if (trim_left)
		while (end > start && is_space((unsigned char)lx->s[end - 1]))
			end--;
	if (end > start && emit(lx, T_TEXT, lx->s + start, end - start) != 0)
		return -1;
	count_lines(lx, lx->pos, lx->pos + n);
	lx->pos += n;
	*more = open != NULL;
	if (open != NULL)
		lx->pos += trim_left ? 3 : 2;
	return 0;
}

static int
hex_val(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static size_t
utf8_put(char *o, unsigned long cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* A Go interpreted string literal starting at pos ('"'). */
static int
lex_quote(struct lexer *lx)
{
	size_t i = lx->pos + 1, o = 0;
	char *buf;
	int r;

	if ((buf = malloc(lx->len - lx->pos + 1)) == NULL)
		return pkit_seterr(lx->ctx, PKIT_ERR_NOMEM, "%s", lx->name);
	for (;;) {
		int c;

		if (i >= lx->len || lx->s[i] == '\n') {
			free(buf);
			return lexerr(lx, "unterminated quoted string");
		}
		c = (unsigned char)lx->s[i++];
		if (c == '"')
			break;
		if (c != '\\') {
			buf[o++] = (char)c;
			continue;
		}
		if (i >= lx->len) {
			free(buf);
			return lexerr(lx, "unterminated quoted string");
		}
		c = (unsigned char)lx->s[i++];
		switch (c) {
		case 'n': buf[o++] = '\n'; break;
		case 't': buf[o++] = '\t'; break;
		case 'r': buf[o++] = '\r'; break;
		case 'a': buf[o++] = '\a'; break;
		case 'b': buf[o++] = '\b'; break;
		case 'f': buf[o++] = '\f'; break;
		case 'v': buf[o++] = '\v'; break;
		case '\\': buf[o++] = '\\'; break;
		case '"': buf[o++] = '"'; break;
		case '\'': buf[o++] = '\''; break;
		case 'x': case 'u': case 'U': {
			int n = c == 'x' ? 2 : c == 'u' ? 4 : 8, k;
			unsigned long cp = 0;

			for (k = 0; k < n; k++) {
				int h = i < lx->len ? hex_val(lx->s[i]) : -1;

				if (h < 0) {
					free(buf);
					return lexerr(lx,
					    "bad escape in string");
				}
				cp = cp * 16 + (unsigned long)h;
				i++;
			}
			if (c == 'x') {
				buf[o++] = (char)cp;
			} else {
				if (cp > 0x10ffff || (cp >= 0xd800 &&
				    cp < 0xe000)) {
					free(buf);
					return lexerr(lx,
					    "bad escape in string");
				}
				o += utf8_put(buf + o, cp);
			}
			break;
		}
		default:
			free(buf);
			return lexerr(lx, "unknown escape sequence \\%c", c);
		}
	}
	r = emit(lx, T_STRING, buf, o);
	free(buf);
	lx->pos = i;
	return r;
}

static int
lex_raw(struct lexer *lx)
{
	const char *p = lx->s + lx->pos + 1;
	const char *end = memchr(p, '`', lx->len - lx->pos - 1);
	int r;

	if (end == NULL)
		return lexerr(lx, "unterminated raw quoted string");
	r = emit(lx, T_STRING, p, (size_t)(end - p));
	count_lines(lx, lx->pos, (size_t)(end - lx->s));
	lx->pos = (size_t)(end - lx->s) + 1;
	return r;
}

static int
lex_number(struct lexer *lx)
{
	size_t i = lx->pos;

	if (lx->s[i] == '+' || lx->s[i] == '-')
		i++;
	while (i < lx->len && (isalnum((unsigned char)lx->s[i]) ||
	    lx->s[i] == '.' || lx->s[i] == '_' ||
	    ((lx->s[i] == '+' || lx->s[i] == '-') &&
	    (lx->s[i - 1] == 'e' || lx->s[i - 1] == 'E' ||
	    lx->s[i - 1] == 'p' || lx->s[i - 1] == 'P'))))
		i++;
	if (emit(lx, T_NUMBER, lx->s + lx->pos, i - lx->pos) != 0)
		return -1;
	lx->pos = i;
	return 0;
}

static const struct {
	const char *word;
	enum tok t;
} keywords[] = {
	{ "if", T_IF }, { "else", T_ELSE }, { "end", T_END },
	{ "range", T_RANGE }, { "with", T_WITH }, { "true", T_BOOL },
	{ "false", T_BOOL }, { "nil", T_NIL },
};

/* The inside of one action, up to and including "}}". */
static int
lex_action(struct lexer *lx)
{
	size_t i;

	/* A comment is the whole action. */
	for (i = lx->pos; i < lx->len && is_space((unsigned char)lx->s[i]); i++)
		;
	if (lx->len - i >= 2 && memcmp(lx->s + i, "/*", 2) == 0) {
		const char *e = memmem(lx->s + i + 2, lx->len - i - 2, "*/", 2);
		size_t after;

		if (e == NULL)
			return lexerr(lx, "unclosed comment");
		after = (size_t)(e - lx->s) + 2;
		count_lines(lx, lx->pos, after);
		lx->pos = after;
		if (lx->len - lx->pos >= 4 &&
		    is_space((unsigned char)lx->s[lx->pos]) &&
		    memcmp(lx->s + lx->pos + 1, "-}}", 3) == 0) {
			lx->pos += 4;
			lx->trim_next = 1;
			return 0;
		}
		if (lx->len - lx->pos >= 2 &&
		    memcmp(lx->s + lx->pos, "}}", 2) == 0) {
			lx->pos += 2;
			return 0;
		}
		return lexerr(lx, "comment ends before closing delimiter");
	}
	if (emit(lx, T_LEFT, NULL, 0) != 0)
		return -1;
	for (;;) {
		const char *p = lx->s + lx->pos;
		size_t rest = lx->len - lx->pos;
		int c;

		if (rest == 0)
			return lexerr(lx, "unclosed action");
		c = (unsigned char)*p;
		if (is_space(c)) {
			if (rest >= 4 && memcmp(p + 1, "-}}", 3) == 0) {
				if (emit(lx, T_RIGHT, NULL, 0) != 0)
					return -1;
				count_lines(lx, lx->pos, lx->pos + 1);
				lx->pos += 4;
				lx->trim_next = 1;
				return 0;
			}
			for (i = lx->pos; i < lx->len &&
			    is_space((unsigned char)lx->s[i]); i++)
				;
			if (i < lx->len && lx->s[i] == '-' && i + 2 < lx->len &&
			    lx->s[i + 1] == '}' && lx->s[i + 2] == '}' &&
			    i > lx->pos) {
				/* "  -}}": the last space starts the marker */
				count_lines(lx, lx->pos, i - 1);
				lx->pos = i - 1;
				continue;
			}
			if (emit(lx, T_SPACE, NULL, 0) != 0)
				return -1;
			count_lines(lx, lx->pos, i);
			lx->pos = i;
			continue;
		}
		if (rest >= 2 && memcmp(p, "}}", 2) == 0) {
			if (emit(lx, T_RIGHT, NULL, 0) != 0)
				return -1;
			lx->pos += 2;
			return 0;
		}
		switch (c) {
		case '"':
			if (lex_quote(lx) != 0)
				return -1;
			continue;
		case '`':
			if (lex_raw(lx) != 0)
				return -1;
			continue;
		case '\'':
			return lexerr(lx,
			    "character constants are not supported");
		case '(':
		case ')':
		case '|':
		case ',':
			if (emit(lx, c == '(' ? T_LPAREN : c == ')' ? T_RPAREN :
			    c == '|' ? T_PIPE : T_COMMA, NULL, 0) != 0)
				return -1;
			lx->pos++;
			continue;
		case ':':
			if (rest < 2 || p[1] != '=')
				return lexerr(lx, "expected :=");
			if (emit(lx, T_DECLARE, NULL, 0) != 0)
				return -1;
			lx->pos += 2;
			continue;
		case '=':
			if (emit(lx, T_ASSIGN, NULL, 0) != 0)
				return -1;
			lx->pos++;
			continue;
		case '$':
			for (i = lx->pos + 1; i < lx->len && is_ident(lx->s[i]);
			    i++)
				;
			if (emit(lx, T_VAR, p, i - lx->pos) != 0)
				return -1;
			lx->pos = i;
			continue;
		case '.':
			if (rest >= 2 && isdigit((unsigned char)p[1])) {
				if (lex_number(lx) != 0)
					return -1;
				continue;
			}
			for (i = lx->pos + 1; i < lx->len && is_ident(lx->s[i]);
			    i++)
				;
			if (i == lx->pos + 1) {
				if (emit(lx, T_DOT, NULL, 0) != 0)
					return -1;
			} else if (emit(lx, T_FIELD, p + 1,
			    i - lx->pos - 1) != 0) {
				return -1;
			}
			lx->pos = i;
			continue;
		default:
			break;
		}
		if (isdigit(c) || ((c == '-' || c == '+') && rest >= 2 &&
		    (isdigit((unsigned char)p[1]) || p[1] == '.'))) {
			if (lex_number(lx) != 0)
				return -1;
			continue;
		}
		if (is_ident(c) && !isdigit(c)) {
			enum tok t = T_IDENT;
			size_t k, n;

			for (i = lx->pos; i < lx->len && is_ident(lx->s[i]);
			    i++)
				;
			n = i - lx->pos;
			for (k = 0; k < sizeof(keywords) / sizeof(keywords[0]);
			    k++)
				if (strlen(keywords[k].word) == n &&
				    memcmp(keywords[k].word, p, n) == 0)
					t = keywords[k].t;
			if (emit(lx, t, p, n) != 0)
				return -1;
			lx->pos = i;
			continue;
		}
		if (isprint(c))
			return lexerr(lx, "unexpected '%c' in action", c);
		return lexerr(lx, "unexpected byte 0x%02x in action", c);
	}
}

static void
toks_free(struct toks *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->v[i].s);
	free(t->v);
}

static int
lex(struct pkit_ctx *ctx, const char *name, const char *s, size_t len,
    struct toks *out)
{
	struct lexer lx;
	int more;

	memset(&lx, 0, sizeof(lx));
	lx.ctx = ctx;
	lx.name = name;
	lx.s = s;
	lx.len = len;
	lx.line = 1;
	lx.out = out;
	for (;;) {
		if (lex_text(&lx, &more) != 0 || (more && lex_action(&lx) != 0))
			return ctx->err != 0 ? ctx->err : PKIT_ERR_INTERNAL;
		if (!more)
			break;
	}
	return emit(&lx, T_EOF, NULL, 0);
}

/* ---- parser ------------------------------------------------------------ */

struct parser {
	struct pkit_ctx *ctx;
	const char *name;
	struct token *t;
	size_t n, pos;
	int depth;
};

static void pipe_free(struct pipe *p);
static void list_free(struct list *l);

static void
arg_free(struct arg *a)
{
	size_t i;

	if (a == NULL)
		return;
	free(a->name);
	json_decref(a->lit);
	for (i = 0; i < a->nchain; i++)
		free(a->chain[i]);
	free(a->chain);
	pipe_free(a->pipe);
	free(a);
}

static void
command_free(struct command *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nargs; i++)
		arg_free(c->args[i]);
	free(c->args);
	free(c);
}

static void
pipe_free(struct pipe *p)
{
	size_t i;

	if (p == NULL)
		return;
	free(p->decl[0]);
	free(p->decl[1]);
	for (i = 0; i < p->ncmds; i++)
		command_free(p->cmds[i]);
	free(p->cmds);
	free(p);
}

static void
node_free(struct node *n)
{
	if (n == NULL)
		return;
	free(n->text);
	pipe_free(n->pipe);
	list_free(n->list);
	list_free(n->elselist);
	free(n);
}

static void
list_free(struct list *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		node_free(l->v[i]);
	free(l->v);
	free(l);
}

static int
perr(struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int
perr(struct parser *p, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return pkit_seterr(p->ctx, PKIT_ERR_FORMAT, "%s:%d: %s", p->name,
	    p->t[p->pos].line, msg);
}

static struct token *
peek(struct parser *p)
{
	return &p->t[p->pos];
}

static struct token *
next(struct parser *p)
{
	struct token *t = &p->t[p->pos];

	if (t->t != T_EOF)
		p->pos++;
	return t;
}

static void
skip_space(struct parser *p)
{
	while (peek(p)->t == T_SPACE)
		p->pos++;
}

/* The next non-space token, consumed. */
static struct token *
next_ns(struct parser *p)
{
	skip_space(p);
	return next(p);
}

static const char *
tok_desc(const struct token *t)
{
	switch (t->t) {
	case T_EOF: return "end of template";
	case T_RIGHT: return "}}";
	case T_RPAREN: return ")";
	case T_LPAREN: return "(";
	case T_PIPE: return "|";
	case T_COMMA: return ",";
	case T_DECLARE: return ":=";
	case T_ASSIGN: return "=";
	case T_TEXT: return "text";
	default: return t->s != NULL ? t->s : "token";
	}
}

static int parse_pipe(struct parser *p, int decl_max, enum tok end,
    struct pipe **out);

static int
push_chain(struct parser *p, struct arg *a)
{
	while (peek(p)->t == T_FIELD) {
		char **nc;

		if ((nc = realloc(a->chain,
		    (a->nchain + 1) * sizeof(*nc))) == NULL)
			return pkit_seterr(p->ctx, PKIT_ERR_NOMEM, "%s",
			    p->name);
		a->chain = nc;
		if ((a->chain[a->nchain] = strdup(peek(p)->s)) == NULL)
			return pkit_seterr(p->ctx, PKIT_ERR_NOMEM, "%s",
			    p->name);
		a->nchain++;
		p->pos++;
	}
	return 0;
}

static int
parse_number(struct parser *p, const char *s, json_t **out)
{
	char *end;

	errno = 0;
	if (strpbrk(s, ".eEpP") == NULL || (strncasecmp(s, "0x", 2) == 0 &&
	    strpbrk(s, ".pP") == NULL) || ((*s == '-' || *s == '+') &&
	    strncasecmp(s + 1, "0x", 2) == 0 && strpbrk(s, ".pP") == NULL)) {
		long long v = strtoll(s, &end, 0);

		if (errno == 0 && *end == '\0' && end != s) {
			*out = json_integer(v);
			return *out == NULL ? pkit_seterr(p->ctx,
			    PKIT_ERR_NOMEM,
			    "%s", p->name) : 0;
		}
	} else {
		double d = strtod(s, &end);

		if (errno == 0 && *end == '\0' && end != s && isfinite(d)) {
			*out = json_real(d);
			return *out == NULL ? pkit_seterr(p->ctx,
			    PKIT_ERR_NOMEM,
			    "%s", p->name) : 0;
		}
	}
	return perr(p, "bad number syntax: %s", s);
}

static int
parse_operand(struct parser *p, struct arg **out)
{
	struct token *t = peek(p);
	struct arg *a;
	int r = PKIT_ERR_FORMAT;

	*out = NULL;
	if ((a = xcalloc(1, sizeof(*a))) == NULL)
		return pkit_seterr(p->ctx, PKIT_ERR_NOMEM, "%s", p->name);
	switch (t->t) {
	case T_FIELD:
		a->kind = A_FIELD;
		r = push_chain(p, a);
		break;
	case T_DOT:
		a->kind = A_DOT;
		p->pos++;
		r = 0;
		if (peek(p)->t == T_FIELD)
			r = push_chain(p, a);
		break;
	case T_VAR:
		a->kind = A_VAR;
		if ((a->name = strdup(t->s)) == NULL) {
			r = pkit_seterr(p->ctx, PKIT_ERR_NOMEM, "%s", p->name);
			break;
		}
		p->pos++;
		r = push_chain(p, a);
		break;
	case T_STRING:
		a->kind = A_LIT;
		p->pos++;
		if ((a->lit = json_stringn_nocheck(t->s, t->len)) == NULL)
			r = pkit_seterr(p->ctx, PKIT_ERR_NOMEM, "%s", p->name);
		else
			r = 0;
		break;
	case T_NUMBER:
		a->kind = A_LIT;
		r = parse_number(p, t->s, &a->lit);
		p->pos++;
		break;
	case T_BOOL:
		a->kind = A_LIT;
		a->lit = json_boolean(strcmp(t->s, "true") == 0);
		p->pos++;
		r = 0;
		break;
	case T_NIL:
		a->kind = A_LIT;
		p->pos++;
		r = 0;
		break;
	case T_IDENT:
		if ((a->fn = find_func(t->s)) == NULL) {
			if (strcmp(t->s, "define") == 0 ||
			    strcmp(t->s, "template") == 0 ||
			    strcmp(t->s, "block") == 0 ||
			    strcmp(t->s, "break") == 0 ||
			    strcmp(t->s, "continue") == 0)
				r = perr(p, "{{ %s }} is not supported", t->s);
			else
				r = perr(p, "function \"%s\" not defined",
				    t->s);
			break;
		}
		a->kind = A_FUNC;
		if ((a->name = strdup(t->s)) == NULL) {
			r = pkit_seterr(p->ctx, PKIT_ERR_NOMEM, "%s", p->name);
			break;
		}
		p->pos++;
		r = 0;
		break;
	case T_LPAREN:
		if (++p->depth > PKIT_TMPL_MAX_DEPTH) {
			r = perr(p, "too deeply nested");
			break;
		}
		a->kind = A_PIPE;
		p->pos++;
		if ((r = parse_pipe(p, 0, T_RPAREN, &a->pipe)) != 0)
			break;
		if (next_ns(p)->t != T_RPAREN) {
			p->pos--;
			r = perr(p, "unclosed left paren");
			break;
		}
		p->depth--;
		r = push_chain(p, a);
		break;
	default:
		r = perr(p, "unexpected \"%s\" in operand", tok_desc(t));
		break;
	}
	if (r != 0) {
		arg_free(a);
		return r;
	}
	*out = a;
	return 0;
}

static int
parse_command(struct parser *p, enum tok end, struct command **out)
{
	struct command *c;
	int r;

	*out = NULL;
	if ((c = xcalloc(1, sizeof(*c))) == NULL)
		return pkit_seterr(p->ctx, PKIT_ERR_NOMEM, "%s", p->name);
	for (;;) {
		struct arg *a, **na;
		enum tok t;

		skip_space(p);
		t = peek(p)->t;
		if (t == T_PIPE || t == end || t == T_RIGHT || t == T_RPAREN ||
		    t == T_EOF)
			break;
		if ((r = parse_operand(p, &a)) != 0)
			goto fail;
		if ((na = realloc(c->args,
		    (c->nargs + 1) * sizeof(*na))) == NULL) {
			arg_free(a);
			r = pkit_seterr(p->ctx, PKIT_ERR_NOMEM, "%s", p->name);
			goto fail;
		}
		c->args = na;
		c->args[c->nargs++] = a;
		t = peek(p)->t;
		if (t != T_SPACE && t != T_PIPE && t != T_RIGHT &&
		    t != T_RPAREN && t != T_EOF) {
			r = perr(p, "unexpected \"%s\" in operand",
			    tok_desc(peek(p)));
			goto fail;
		}
	}
	if (c->nargs == 0) {
		r = perr(p, "missing value for command");
		goto fail;
	}
	if (c->nargs > 1 && c->args[0]->kind != A_FUNC) {
		r = perr(p, "can't give arguments to a non-function");
		goto fail;
	}
	*out = c;
	return 0;
fail:
	command_free(c);
	return r;
}

static int
parse_pipe(struct parser *p, int decl_max, enum tok end, struct pipe **out)
{
	struct pipe *pp;
	size_t save;
	int r;

	*out = NULL;
	if ((pp = xcalloc(1, sizeof(*pp))) == NULL)
		return pkit_seterr(p->ctx, PKIT_ERR_NOMEM, "%s", p->name);
	skip_space(p);
	pp->line = peek(p)->line;
	/* Declarations: "$x :=", "$x =", "$i, $v :=". */
	save = p->pos;
	if (decl_max > 0 && peek(p)->t == T_VAR) {
		struct token *v1 = next(p), *t;

		t = next_ns(p);
		if (t->t == T_DECLARE || t->t == T_ASSIGN) {
			pp->decl[0] = strdup(v1->s);
			pp->ndecl = 1;
			pp->assign = t->t == T_ASSIGN;
		} else if (t->t == T_COMMA && decl_max > 1) {
			struct token *v2 = next_ns(p);

			t = next_ns(p);
			if (v2->t != T_VAR || (t->t != T_DECLARE &&
			    t->t != T_ASSIGN)) {
				r = perr(p, "bad range declaration");
				goto fail;
			}
			pp->decl[0] = strdup(v1->s);
			pp->decl[1] = strdup(v2->s);
			pp->ndecl = 2;
			pp->assign = t->t == T_ASSIGN;
			if (pp->decl[1] == NULL) {
				r = pkit_seterr(p->ctx, PKIT_ERR_NOMEM, "%s",
				    p->name);
				goto fail;
			}
		} else {
			p->pos = save;
		}
		if (pp->ndecl > 0 && pp->decl[0] == NULL) {
			r = pkit_seterr(p->ctx, PKIT_ERR_NOMEM, "%s", p->name);
			goto fail;
		}
		if (pp->ndecl > 0 && (strcmp(pp->decl[0], "$") == 0 ||
		    (pp->decl[1] != NULL && strcmp(pp->decl[1], "$") == 0))) {
			r = perr(p, "cannot assign to $");
			goto fail;
		}
	}
	for (;;) {
		struct command *c, **nc;

		if ((r = parse_command(p, end, &c)) != 0)
			goto fail;
		if ((nc = realloc(pp->cmds,
		    (pp->ncmds + 1) * sizeof(*nc))) == NULL) {
			command_free(c);
			r = pkit_seterr(p->ctx, PKIT_ERR_NOMEM, "%s", p->name);
			goto fail;
		}
		pp->cmds = nc;
		pp->cmds[pp->ncmds++] = c;
		skip_space(p);
		if (peek(p)->t != T_PIPE)
			break;
		p->pos++;
	}
	if (peek(p)->t != end) {
		if (peek(p)->t == T_EOF || (end == T_RPAREN &&
		    peek(p)->t == T_RIGHT))
			r = perr(p, end == T_RPAREN ? "unclosed left paren" :
			    "unclosed action");
		else
			r = perr(p, "unexpected \"%s\"", tok_desc(peek(p)));
		goto fail;
	}
	*out = pp;
	return 0;
fail:
	pipe_free(pp);
	return r;
}

enum term { TERM_EOF, TERM_END, TERM_ELSE };

static int parse_list(struct parser *p, struct list **out, enum term *term);

static int
list_push(struct parser *p, struct list *l, struct node *n)
{
	struct node **nv;

	if ((nv = realloc(l->v, (l->n + 1) * sizeof(*nv))) == NULL) {
		node_free(n);
		return pkit_seterr(p->ctx, PKIT_ERR_NOMEM, "%s", p->name);
	}
	l->v = nv;
	l->v[l->n++] = n;
	return 0;
}

/* After "{{ if|range|with": the pipeline, the body, else branches and
 * {{ end }}. */
static int
parse_control(struct parser *p, enum nkind kind, struct node **out)
{
	struct node *n;
	enum term term;
	int r, line = peek(p)->line;
	const char *kw = kind == N_IF ? "if" : kind == N_RANGE ? "range" :
	    "with";

	*out = NULL;
	if (++p->depth > PKIT_TMPL_MAX_DEPTH)
		return perr(p, "too deeply nested");
	if ((n = xcalloc(1, sizeof(*n))) == NULL)
		return pkit_seterr(p->ctx, PKIT_ERR_NOMEM, "%s", p->name);
	n->kind = kind;
	n->line = line;
	if ((r = parse_pipe(p, kind == N_RANGE ? 2 : 1, T_RIGHT,
	    &n->pipe)) != 0)
		goto fail;
	p->pos++;	/* T_RIGHT */
	if ((r = parse_list(p, &n->list, &term)) != 0)
		goto fail;
	if (term == TERM_EOF) {
		r = perr(p, "unexpected end of template: {{ %s }} at line %d "
		    "has no {{ end }}", kw, line);
		goto fail;
	}
	if (term == TERM_ELSE) {
		struct token *t = next_ns(p);

		if ((t->t == T_IF && kind == N_IF) ||
		    (t->t == T_WITH && kind == N_WITH)) {
			struct node *chain;

			/* {{ else if }}: a nested node takes the {{ end }} */
			if ((n->elselist = xcalloc(1,
			    sizeof(*n->elselist))) == NULL) {
				r = pkit_seterr(p->ctx, PKIT_ERR_NOMEM, "%s",
				    p->name);
				goto fail;
			}
			if ((r = parse_control(p, kind, &chain)) != 0)
				goto fail;
			if ((r = list_push(p, n->elselist, chain)) != 0)
				goto fail;
		} else if (t->t == T_RIGHT) {
			if ((r = parse_list(p, &n->elselist, &term)) != 0)
				goto fail;
			if (term != TERM_END) {
				r = perr(p, term == TERM_ELSE ?
				    "{{ else }} after {{ else }}" :
				    "unexpected end of template: {{ %s }} at "
				    "line %d has no {{ end }}", kw, line);
				goto fail;
			}
		} else {
			p->pos--;
			r = perr(p, "unexpected \"%s\" after else",
			    tok_desc(t));
			goto fail;
		}
	}
	p->depth--;
	*out = n;
	return 0;
fail:
	node_free(n);
	return r;
}

static int
parse_list(struct parser *p, struct list **out, enum term *term)
{
	struct list *l;
	int r;

	*out = NULL;
	if ((l = xcalloc(1, sizeof(*l))) == NULL)
		return pkit_seterr(p->ctx, PKIT_ERR_NOMEM, "%s", p->name);
	for (;;) {
		struct token *t = next(p);
		struct node *n = NULL;

		if (t->t == T_EOF) {
			*term = TERM_EOF;
			break;
		}
		if (t->t == T_TEXT) {
			if ((n = xcalloc(1, sizeof(*n))) == NULL ||
			    (n->text = malloc(t->len + 1)) == NULL) {
				free(n);
				r = pkit_seterr(p->ctx, PKIT_ERR_NOMEM, "%s",
				    p->name);
				goto fail;
			}
			n->kind = N_TEXT;
			memcpy(n->text, t->s, t->len + 1);
			n->len = t->len;
			if ((r = list_push(p, l, n)) != 0)
				goto fail;
			continue;
		}
		if (t->t != T_LEFT) {
			p->pos--;
			r = perr(p, "unexpected \"%s\"", tok_desc(t));
			goto fail;
		}
		t = next_ns(p);
		switch (t->t) {
		case T_END:
			if (next_ns(p)->t != T_RIGHT) {
				p->pos--;
				r = perr(p, "unexpected \"%s\" in end",
				    tok_desc(peek(p)));
				goto fail;
			}
			*term = TERM_END;
			*out = l;
			return 0;
		case T_ELSE:
			*term = TERM_ELSE;
			*out = l;
			return 0;
		case T_IF:
		case T_RANGE:
		case T_WITH:
			r = parse_control(p, t->t == T_IF ? N_IF :
			    t->t == T_RANGE ? N_RANGE : N_WITH, &n);
			if (r != 0)
				goto fail;
			break;
		case T_RIGHT:
			p->pos--;
			r = perr(p, "missing value for command");
			goto fail;
		default:
			p->pos--;
			if ((n = xcalloc(1, sizeof(*n))) == NULL) {
				r = pkit_seterr(p->ctx, PKIT_ERR_NOMEM, "%s",
				    p->name);
				goto fail;
			}
			n->kind = N_ACTION;
			n->line = t->line;
			if ((r = parse_pipe(p, 1, T_RIGHT, &n->pipe)) != 0) {
				node_free(n);
				goto fail;
			}
			p->pos++;	/* T_RIGHT */
			break;
		}
		if ((r = list_push(p, l, n)) != 0)
			goto fail;
	}
	*out = l;
	return 0;
fail:
	list_free(l);
	return r;
}

int
pkit_tmpl_parse(struct pkit_ctx *ctx, const char *text, size_t len,
    const char *name, struct pkit_tmpl **out)
{
	struct toks toks = { 0 };
	struct parser p;
	struct pkit_tmpl *t = NULL;
	enum term term;
	int r = PKIT_ERR_INTERNAL;

	*out = NULL;
	if (len > PKIT_TMPL_MAX_INPUT)
		return pkit_seterr(ctx, PKIT_ERR_TOO_LARGE,
		    "%s: template larger than %u bytes", name,
		    PKIT_TMPL_MAX_INPUT);
	if (memchr(text, '\0', len) != NULL)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: template holds a NUL byte", name);
	if ((r = lex(ctx, name, text, len, &toks)) != 0)
		goto out;
	memset(&p, 0, sizeof(p));
	p.ctx = ctx;
	p.name = name;
	p.t = toks.v;
	p.n = toks.n;
	if ((t = xcalloc(1, sizeof(*t))) == NULL ||
	    (t->name = strdup(name)) == NULL) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", name);
		goto out;
	}
	if ((r = parse_list(&p, &t->root, &term)) != 0)
		goto out;
	if (term != TERM_EOF) {
		p.pos--;
		r = perr(&p, "unexpected {{ %s }}", term == TERM_END ? "end" :
		    "else");
		goto out;
	}
	*out = t;
	t = NULL;
	r = PKIT_OK;
out:
	toks_free(&toks);
	pkit_tmpl_free(t);
	return r;
}

void
pkit_tmpl_free(struct pkit_tmpl *t)
{
	if (t == NULL)
		return;
	list_free(t->root);
	free(t->name);
	free(t);
}

/* ---- execution ---------------------------------------------------------- */

struct var {
	char *name;
	json_t *val;
};

struct exec {
	struct pkit_ctx *ctx;
	const char *name;
	int line;
	char *out;
	size_t len, cap;
	struct var *vars;
	size_t nvars, capvars;
	unsigned long steps;
	int depth;
};

static int
xerr(struct exec *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int
xerr(struct exec *e, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return pkit_seterr(e->ctx, PKIT_ERR_FORMAT, "%s:%d: %s", e->name,
	    e->line, msg);
}

static int
nomem(struct exec *e)
{
	return pkit_seterr(e->ctx, PKIT_ERR_NOMEM, "%s", e->name);
}

static int
step(struct exec *e)
{
	if (++e->steps > PKIT_TMPL_MAX_STEPS)
		return xerr(e, "template runs too long (more than %d steps)",
		    PKIT_TMPL_MAX_STEPS);
	return 0;
}

/* A growable string with the output limit. */
struct sbuf {
	char *p;
	size_t len, cap;
	int failed;
};

static void
sb_add(struct sbuf *b, const char *s, size_t n)
{
	char *np;
	size_t ncap;

	if (b->failed)
		return;
	if (b->len + n + 1 > PKIT_TMPL_MAX_OUTPUT + 1) {
		b->failed = 2;
		return;
	}
	if (b->len + n + 1 > b->cap) {
		ncap = b->cap == 0 ? 64 : b->cap;
		while (ncap < b->len + n + 1)
			ncap *= 2;
		if ((np = realloc(b->p, ncap)) == NULL) {
			b->failed = 1;
			return;
		}
		b->p = np;
		b->cap = ncap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
sb_str(struct sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

static int
sb_done(struct exec *e, struct sbuf *b, json_t **out)
{
	if (b->failed == 2) {
		free(b->p);
		return xerr(e, "string larger than %u bytes",
		    PKIT_TMPL_MAX_OUTPUT);
	}
	if (b->failed) {
		free(b->p);
		return nomem(e);
	}
	*out = json_stringn_nocheck(b->p != NULL ? b->p : "", b->len);
	free(b->p);
	return *out == NULL ? nomem(e) : 0;
}

/* Go's %v of a float64: the shortest digits that read back the same, in
 * %e form when the exponent is below -4 or at least 6 (strconv 'g', -1). */
static void
fmt_real(double d, char *buf, size_t size)
{
	char e[64], *x;
	int prec, exp;

	if (!isfinite(d)) {
		snprintf(buf, size, "%s", isnan(d) ? "NaN" : d > 0 ? "+Inf" :
		    "-Inf");
		return;
	}
	for (prec = 0; prec < 17; prec++) {
		snprintf(e, sizeof(e), "%.*e", prec, d);
		if (strtod(e, NULL) == d)
			break;
	}
	x = strchr(e, 'e');
	exp = x != NULL ? (int)strtol(x + 1, NULL, 10) : 0;
	if (exp < -4 || exp >= 6) {
		snprintf(buf, size, "%s", e);
		return;
	}
	snprintf(buf, size, "%.*f", prec - exp > 0 ? prec - exp : 0, d);
}

static const char *
go_type(json_t *v)
{
	json_t *t;

	if (v == NULL || json_is_null(v))
		return "<nil>";
	switch (json_typeof(v)) {
	case JSON_STRING: return "string";
	case JSON_INTEGER: return "int";
	case JSON_REAL: return "float64";
	case JSON_TRUE:
	case JSON_FALSE: return "bool";
	case JSON_ARRAY: return "[]interface {}";
	case JSON_OBJECT:
		if ((t = json_object_get(v, "$type")) != NULL &&
		    json_is_string(t))
			return json_string_value(t);
		return "map[string]interface {}";
	default: return "<nil>";
	}
}

static int
cmp_keys(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Object keys in byte order (malloc'd array of borrowed strings). */
static const char **
sorted_keys(json_t *obj, size_t *n)
{
	const char **k, *key;
	json_t *v;
	size_t i = 0;

	*n = json_object_size(obj);
	if ((k = xcalloc(*n, sizeof(*k))) == NULL)
		return NULL;
	json_object_foreach(obj, key, v)
		k[i++] = key;
	qsort(k, *n, sizeof(*k), cmp_keys);
	return k;
}

/* Go's fmt %v. */
static void
print_value(struct sbuf *b, json_t *v, int top)
{
	char num[64];
	size_t i, n;

	if (v == NULL) {
		sb_str(b, top ? "<no value>" : "<nil>");
		return;
	}
	switch (json_typeof(v)) {
	case JSON_STRING:
		sb_add(b, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		sb_str(b, num);
		break;
	case JSON_REAL:
		fmt_real(json_real_value(v), num, sizeof(num));
		sb_str(b, num);
		break;
	case JSON_TRUE:
		sb_str(b, "true");
		break;
	case JSON_FALSE:
		sb_str(b, "false");
		break;
	case JSON_NULL:
		sb_str(b, "<nil>");
		break;
	case JSON_ARRAY:
		sb_str(b, "[");
		for (i = 0; i < json_array_size(v); i++) {
			if (i > 0)
				sb_str(b, " ");
			print_value(b, json_array_get(v, i), 0);
		}
		sb_str(b, "]");
		break;
	case JSON_OBJECT: {
		const char **k = sorted_keys(v, &n);

		if (k == NULL) {
			b->failed = 1;
			break;
		}
		sb_str(b, "map[");
		for (i = 0; i < n; i++) {
			if (i > 0)
				sb_str(b, " ");
			sb_str(b, k[i]);
			sb_str(b, ":");
			print_value(b, json_object_get(v, k[i]), 0);
		}
		sb_str(b, "]");
		free(k);
		break;
	}
	}
}

static int
truth(json_t *v)
{
	if (v == NULL)
		return 0;
	switch (json_typeof(v)) {
	case JSON_STRING: return json_string_length(v) > 0;
	case JSON_INTEGER: return json_integer_value(v) != 0;
	case JSON_REAL: return json_real_value(v) != 0.0;
	case JSON_TRUE: return 1;
	case JSON_FALSE: return 0;
	case JSON_NULL: return 0;
	case JSON_ARRAY: return json_array_size(v) > 0;
	case JSON_OBJECT: return json_object_size(v) > 0;
	}
	return 0;
}

static json_t *
ref(json_t *v)
{
	return v == NULL ? NULL : json_incref(v);
}

static int
var_push(struct exec *e, const char *name, json_t *val)
{
	if (grow((void **)&e->vars, &e->capvars, e->nvars,
	    sizeof(*e->vars)) != 0)
		return nomem(e);
	if ((e->vars[e->nvars].name = strdup(name)) == NULL)
		return nomem(e);
	e->vars[e->nvars].val = ref(val);
	e->nvars++;
	return 0;
}

static void
var_pop(struct exec *e, size_t mark)
{
	while (e->nvars > mark) {
		e->nvars--;
		free(e->vars[e->nvars].name);
		json_decref(e->vars[e->nvars].val);
	}
}

static struct var *
var_find(struct exec *e, const char *name)
{
	size_t i;

	for (i = e->nvars; i > 0; i--)
		if (strcmp(e->vars[i - 1].name, name) == 0)
			return &e->vars[i - 1];
	return NULL;
}

/* Look up one field of v (borrowed); the result is borrowed too. */
static int
field(struct exec *e, json_t *v, const char *name, json_t **out)
{
	const char *key;
	json_t *m;

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;	/* as a missing map entry: no value */
	if (!json_is_object(v))
		return xerr(e, "can't evaluate field %s in type %s", name,
		    go_type(v));
	if ((m = json_object_get(v, name)) != NULL) {
		*out = m;
		return 0;
	}
	json_object_foreach(v, key, m) {
		if (strcasecmp(key, name) == 0) {
			*out = m;
			return 0;
		}
	}
	return 0;
}

static int
apply_chain(struct exec *e, json_t *v, char **chain, size_t n, json_t **out)
{
	size_t i;
	int r;

	for (i = 0; i < n; i++) {
		json_t *nv;

		if ((r = field(e, v, chain[i], &nv)) != 0) {
			json_decref(v);
			return r;
		}
		json_incref(nv);
		json_decref(v);
		v = nv;
	}
	*out = v;
	return 0;
}

static int eval_pipe(struct exec *e, const struct pipe *p, json_t *dot,
    json_t **out);
static int call(struct exec *e, const struct arg *fa, const struct command *c,
    json_t *dot, json_t *final, int has_final, json_t **out);

static int
eval_arg(struct exec *e, const struct arg *a, json_t *dot, json_t **out)
{
	struct var *v;
	json_t *base;
	int r;

	*out = NULL;
	if ((r = step(e)) != 0)
		return r;
	switch (a->kind) {
	case A_DOT:
	case A_FIELD:
		return apply_chain(e, ref(dot), a->chain, a->nchain, out);
	case A_VAR:
		if ((v = var_find(e, a->name)) == NULL)
			return xerr(e, "undefined variable \"%s\"", a->name);
		return apply_chain(e, ref(v->val), a->chain, a->nchain, out);
	case A_LIT:
		*out = ref(a->lit);
		return 0;
	case A_FUNC:
		return call(e, a, NULL, dot, NULL, 0, out);
	case A_PIPE:
		if (++e->depth > PKIT_TMPL_MAX_DEPTH)
			return xerr(e, "too deeply nested");
		r = eval_pipe(e, a->pipe, dot, &base);
		e->depth--;
		if (r != 0)
			return r;
		return apply_chain(e, base, a->chain, a->nchain, out);
	}
	return xerr(e, "bad operand");
}

/* Call the function fa with the arguments of c after the first (none when
 * c is NULL) and, when has_final, the value piped in. */
static int
call(struct exec *e, const struct arg *fa, const struct command *c,
    json_t *dot, json_t *final, int has_final, json_t **out)
{
	const struct func *f = fa->fn;
	size_t n = (c != NULL ? c->nargs - 1 : 0) + (has_final ? 1 : 0), i;
	json_t **args = NULL;
	int r = 0;

	*out = NULL;
	if ((int)n < f->min || (f->max >= 0 && (int)n > f->max))
		return xerr(e, "wrong number of arguments for %s: want %s%d, "
		    "got %zu", f->name, f->max < 0 ? "at least " : "",
		    (int)n < f->min ? f->min : f->max, n);
	/* and/or evaluate their arguments lazily, as Go does. */
	if (strcmp(f->name, "and") == 0 || strcmp(f->name, "or") == 0) {
		int want = strcmp(f->name, "or") == 0;
		json_t *v = NULL;

		for (i = 0; i < n; i++) {
			json_decref(v);
			if (c != NULL && i < c->nargs - 1) {
				if ((r = eval_arg(e, c->args[i + 1], dot,
				    &v)) != 0)
					return r;
			} else {
				v = ref(final);
			}
			if (truth(v) == want)
				break;
		}
		*out = v;
		return 0;
	}
	if ((args = xcalloc(n, sizeof(*args))) == NULL)
		return nomem(e);
	for (i = 0; c != NULL && i < c->nargs - 1; i++)
		if ((r = eval_arg(e, c->args[i + 1], dot, &args[i])) != 0)
			goto out;
	if (has_final)
		args[n - 1] = ref(final);
	r = f->fn(e, args, n, out);
out:
	for (i = 0; i < n; i++)
		json_decref(args[i]);
	free(args);
	return r;
}

static int
eval_command(struct exec *e, const struct command *c, json_t *dot,
    json_t *final, int has_final, json_t **out)
{
	const struct arg *a = c->args[0];

	if (a->kind == A_FUNC)
		return call(e, a, c, dot, final, has_final, out);
	if (has_final)
		return xerr(e, "can't give an argument to a non-function");
	return eval_arg(e, a, dot, out);
}

static int
eval_pipe(struct exec *e, const struct pipe *p, json_t *dot, json_t **out)
{
	json_t *v = NULL;
	size_t i;
	int r;

	*out = NULL;
	e->line = p->line;
	for (i = 0; i < p->ncmds; i++) {
		json_t *nv;

		if ((r = eval_command(e, p->cmds[i], dot, v, i > 0,
		    &nv)) != 0) {
			json_decref(v);
			return r;
		}
		json_decref(v);
		v = nv;
	}
	if (p->ndecl == 1 && p->assign) {
		struct var *var = var_find(e, p->decl[0]);

		if (var == NULL) {
			json_decref(v);
			return xerr(e, "undefined variable \"%s\"", p->decl[0]);
		}
		json_decref(var->val);
		var->val = ref(v);
	} else if (p->ndecl == 1) {
		if ((r = var_push(e, p->decl[0], v)) != 0) {
			json_decref(v);
			return r;
		}
	}
	*out = v;
	return 0;
}

static int exec_list(struct exec *e, const struct list *l, json_t *dot);

static int
set_range_vars(struct exec *e, const struct pipe *p, json_t *key, json_t *val)
{
	int r;

	if (p->ndecl == 1)
		return var_push(e, p->decl[0], val);
	if (p->ndecl == 2) {
		if ((r = var_push(e, p->decl[0], key)) != 0)
			return r;
		return var_push(e, p->decl[1], val);
	}
	return 0;
}

/* One element of range: the variables of the pipeline set to key and val,
 * then the body with val as dot.  key is a new reference (NULL: out of
 * memory) that this consumes. */
static int
range_one(struct exec *e, const struct node *n, json_t *key, json_t *val)
{
	size_t m = e->nvars;
	int r;

	if (key == NULL)
		return nomem(e);
	if ((r = set_range_vars(e, n->pipe, key, val)) == 0)
		r = exec_list(e, n->list, val);
	json_decref(key);
	var_pop(e, m);
	return r;
}

/* range over an array (index, element), an object (key, value, in key
 * order) or an integer N (0 to N-1, one variable at most). */
static int
exec_range(struct exec *e, const struct node *n, json_t *dot)
{
	struct pipe pp = *n->pipe;
	json_t *v = NULL, *key;
	const char **k = NULL;
	size_t mark = e->nvars, i, cnt = 0;
	int r = 0;

	pp.ndecl = 0;	/* the variables are per element, not the pipeline */
	if ((r = eval_pipe(e, &pp, dot, &v)) != 0)
		return r;
	if (v != NULL && json_is_array(v)) {
		cnt = json_array_size(v);
	} else if (v != NULL && json_is_object(v)) {
		if ((k = sorted_keys(v, &cnt)) == NULL) {
			json_decref(v);
			return nomem(e);
		}
	} else if (v != NULL && json_is_integer(v)) {
		json_int_t lim = json_integer_value(v);

		cnt = lim > 0 ? (size_t)lim : 0;
	} else if (v != NULL && !json_is_null(v)) {
		r = xerr(e, "range can't iterate over %s", go_type(v));
	}
	for (i = 0; i < cnt && r == 0; i++) {
		if ((r = step(e)) != 0)
			break;
		if (json_is_array(v)) {
			r = range_one(e, n, json_integer((json_int_t)i),
			    json_array_get(v, i));
		} else if (k != NULL) {
			r = range_one(e, n, json_string(k[i]),
			    json_object_get(v, k[i]));
		} else if (n->pipe->ndecl == 2) {
			r = xerr(e, "can't use two variables to range over "
			    "an integer");
		} else {
			key = json_integer((json_int_t)i);
			r = range_one(e, n, key, key);
		}
	}
	free(k);
	if (r == 0 && cnt == 0 && n->elselist != NULL)
		r = exec_list(e, n->elselist, dot);
	var_pop(e, mark);
	json_decref(v);
	return r;
}

static int
exec_node(struct exec *e, const struct node *n, json_t *dot)
{
	struct sbuf b = { 0 };
	json_t *v = NULL;
	size_t mark;
	int r;

	if ((r = step(e)) != 0)
		return r;
	switch (n->kind) {
	case N_TEXT:
		b.p = e->out;
		b.len = e->len;
		b.cap = e->cap;
		sb_add(&b, n->text, n->len);
		e->out = b.p;
		e->len = b.len;
		e->cap = b.cap;
		if (b.failed == 2)
			return xerr(e, "output larger than %u bytes",
			    PKIT_TMPL_MAX_OUTPUT);
		return b.failed ? nomem(e) : 0;
	case N_ACTION:
		if ((r = eval_pipe(e, n->pipe, dot, &v)) != 0)
			return r;
		if (n->pipe->ndecl == 0) {
			b.p = e->out;
			b.len = e->len;
			b.cap = e->cap;
			print_value(&b, v, 1);
			e->out = b.p;
			e->len = b.len;
			e->cap = b.cap;
			if (b.failed == 2)
				r = xerr(e, "output larger than %u bytes",
				    PKIT_TMPL_MAX_OUTPUT);
			else if (b.failed)
				r = nomem(e);
		}
		json_decref(v);
		return r;
	case N_IF:
	case N_WITH:
		if (++e->depth > PKIT_TMPL_MAX_DEPTH)
			return xerr(e, "too deeply nested");
		mark = e->nvars;
		if ((r = eval_pipe(e, n->pipe, dot, &v)) == 0) {
			if (truth(v))
				r = exec_list(e, n->list, n->kind == N_WITH ?
				    v : dot);
			else if (n->elselist != NULL)
				r = exec_list(e, n->elselist, dot);
		}
		json_decref(v);
		var_pop(e, mark);
		e->depth--;
		return r;
	case N_RANGE:
		if (++e->depth > PKIT_TMPL_MAX_DEPTH)
			return xerr(e, "too deeply nested");
		r = exec_range(e, n, dot);
		e->depth--;
		return r;
	}
	return xerr(e, "bad node");
}

static int
exec_list(struct exec *e, const struct list *l, json_t *dot)
{
	size_t i, mark = e->nvars;
	int r = 0;

	for (i = 0; i < l->n && r == 0; i++)
		r = exec_node(e, l->v[i], dot);
	var_pop(e, mark);
	return r;
}

int
pkit_tmpl_execute(struct pkit_ctx *ctx, const struct pkit_tmpl *t,
    json_t *data, char **out, size_t *outlen)
{
	struct exec e;
	int r;

	*out = NULL;
	*outlen = 0;
	memset(&e, 0, sizeof(e));
	e.ctx = ctx;
	e.name = t->name;
	e.line = 1;
	if ((r = var_push(&e, "$", data)) != 0)
		goto out;
	if ((r = exec_list(&e, t->root, data)) != 0)
		goto out;
	if (e.out == NULL && (e.out = strdup("")) == NULL) {
		r = nomem(&e);
		goto out;
	}
	*out = e.out;
	*outlen = e.len;
	e.out = NULL;
	r = PKIT_OK;
out:
	var_pop(&e, 0);
	free(e.vars);
	free(e.out);
	return r;
}

int
pkit_tmpl_render_json(struct pkit_ctx *ctx, const char *text, size_t len,
    const char *name, json_t *data, json_t **out)
{
	struct pkit_tmpl *t = NULL;
	json_error_t jerr;
	char *s = NULL;
	size_t slen;
	json_t *j;
	int r;

	*out = NULL;
	if ((r = pkit_tmpl_parse(ctx, text, len, name, &t)) != 0)
		return r;
	r = pkit_tmpl_execute(ctx, t, data, &s, &slen);
	pkit_tmpl_free(t);
	if (r != 0)
		return r;
	j = json_loadb(s, slen, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
	    &jerr);
	free(s);
	if (j == NULL)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: the rendered template is not valid JSON: line %d: %s",
		    name, jerr.line, jerr.text);
	*out = j;
	return PKIT_OK;
}

/* ---- the functions ------------------------------------------------------ */

static int
want_string(struct exec *e, const char *fn, json_t *v, const char **s,
    size_t *len)
{
	*s = NULL;
	if (len != NULL)
		*len = 0;
	if (v == NULL || !json_is_string(v))
		return xerr(e, "%s: expected a string, got %s", fn, go_type(v));
	*s = json_string_value(v);
	if (len != NULL)
		*len = json_string_length(v);
	return 0;
}

/* Go's fmt.Sprint(v) as a string value. */
static int
strval(struct exec *e, json_t *v, json_t **out)
{
	struct sbuf b = { 0 };

	if (v != NULL && json_is_string(v)) {
		*out = json_incref(v);
		return 0;
	}
	print_value(&b, v, 0);
	return sb_done(e, &b, out);
}

static int
f_tojson_flags(struct exec *e, json_t *v, size_t flags, json_t **out)
{
	char *s;

	if (v == NULL) {
		*out = json_string("null");
		return *out == NULL ? nomem(e) : 0;
	}
	if ((s = json_dumps(v,
	    flags | JSON_ENCODE_ANY | JSON_SORT_KEYS)) == NULL)
		return xerr(e, "toJson: cannot encode the value");
	if (strlen(s) > PKIT_TMPL_MAX_OUTPUT) {
		free(s);
		return xerr(e, "toJson: value too large");
	}
	*out = json_string_nocheck(s);
	free(s);
	return *out == NULL ? nomem(e) : 0;
}

static int
f_tojson(struct exec *e, json_t **a, size_t n, json_t **out)
{
	(void)n;
	return f_tojson_flags(e, a[0], JSON_COMPACT, out);
}

static int
f_toprettyjson(struct exec *e, json_t **a, size_t n, json_t **out)
{
	(void)n;
	return f_tojson_flags(e, a[0], JSON_INDENT(2), out);
}

static int
f_fromjson(struct exec *e, json_t **a, size_t n, json_t **out)
{
	json_error_t jerr;
	const char *s;
	size_t len;
	int r;

	(void)n;
	if ((r = want_string(e, "fromJson", a[0], &s, &len)) != 0)
		return r;
	if ((*out = json_loadb(s, len, JSON_DECODE_ANY, &jerr)) == NULL)
		return xerr(e, "fromJson: %s", jerr.text);
	return 0;
}

static int
is_empty(json_t *v)
{
	return !truth(v);
}

static int
f_required(struct exec *e, json_t **a, size_t n, json_t **out)
{
	const char *msg;
	int r;

	(void)n;
	if ((r = want_string(e, "required", a[0], &msg, NULL)) != 0)
		return r;
	if (a[1] == NULL || json_is_null(a[1]) ||
	    (json_is_string(a[1]) && json_string_length(a[1]) == 0))
		return xerr(e, "%s", msg);
	*out = ref(a[1]);
	return 0;
}

static int
f_default(struct exec *e, json_t **a, size_t n, json_t **out)
{
	(void)e;
	*out = ref(n < 2 || is_empty(a[1]) ? a[0] : a[1]);
	return 0;
}

static int
f_empty(struct exec *e, json_t **a, size_t n, json_t **out)
{
	(void)n;
	*out = json_boolean(is_empty(a[0]));
	return *out == NULL ? nomem(e) : 0;
}

static int
f_coalesce(struct exec *e, json_t **a, size_t n, json_t **out)
{
	size_t i;

	(void)e;
	*out = NULL;
	for (i = 0; i < n; i++) {
		if (!is_empty(a[i])) {
			*out = ref(a[i]);
			break;
		}
	}
	return 0;
}

static int
f_ternary(struct exec *e, json_t **a, size_t n, json_t **out)
{
	(void)e;
	(void)n;
	*out = ref(truth(a[2]) ? a[0] : a[1]);
	return 0;
}

static int
f_fail(struct exec *e, json_t **a, size_t n, json_t **out)
{
	json_t *s = NULL;
	int r;

	(void)n;
	*out = NULL;
	if ((r = strval(e, a[0], &s)) != 0)
		return r;
	r = xerr(e, "%s", json_string_value(s));
	json_decref(s);
	return r;
}

static int
f_typeof(struct exec *e, json_t **a, size_t n, json_t **out)
{
	(void)n;
	*out = json_string(go_type(a[0]));
	return *out == NULL ? nomem(e) : 0;
}

static int
f_typeis(struct exec *e, json_t **a, size_t n, json_t **out)
{
	const char *t;
	int r;

	(void)n;
	if ((r = want_string(e, "typeIs", a[0], &t, NULL)) != 0)
		return r;
	*out = json_boolean(strcmp(t, go_type(a[1])) == 0);
	return *out == NULL ? nomem(e) : 0;
}

static int
is_number(json_t *v)
{
	return v != NULL && (json_is_integer(v) || json_is_real(v));
}

/* -1, 0, 1; or 2 when the values cannot be ordered. */
static int
compare(json_t *a, json_t *b)
{
	if (is_number(a) && is_number(b)) {
		if (json_is_integer(a) && json_is_integer(b)) {
			json_int_t x = json_integer_value(a);
			json_int_t y = json_integer_value(b);

			return x < y ? -1 : x > y;
		} else {
			double x = json_number_value(a),
			    y = json_number_value(b);

			return x < y ? -1 : x > y;
		}
	}
	if (a != NULL && b != NULL && json_is_string(a) && json_is_string(b)) {
		size_t la = json_string_length(a), lb = json_string_length(b);
		int c = memcmp(json_string_value(a), json_string_value(b),
		    la < lb ? la : lb);

		if (c == 0)
			c = la < lb ? -1 : la > lb;
		return c < 0 ? -1 : c > 0;
	}
	return 2;
}

static int
equal(json_t *a, json_t *b)
{
	int an = a == NULL || json_is_null(a), bn = b == NULL ||
	    json_is_null(b);

	if (an || bn)
		return an && bn;
	if (json_is_boolean(a) && json_is_boolean(b))
		return json_is_true(a) == json_is_true(b);
	if (compare(a, b) != 2)
		return compare(a, b) == 0;
	return json_equal(a, b);
}

static int
f_eq(struct exec *e, json_t **a, size_t n, json_t **out)
{
	size_t i;
	int eq = 0;

	for (i = 1; i < n && !eq; i++)
		eq = equal(a[0], a[i]);
	*out = json_boolean(eq);
	return *out == NULL ? nomem(e) : 0;
}

static int
f_ne(struct exec *e, json_t **a, size_t n, json_t **out)
{
	(void)n;
	*out = json_boolean(!equal(a[0], a[1]));
	return *out == NULL ? nomem(e) : 0;
}

static int
ordered(struct exec *e, const char *fn, json_t **a, int *c)
{
	if ((*c = compare(a[0], a[1])) == 2)
		return xerr(e, "%s: incompatible types for comparison (%s, %s)",
		    fn, go_type(a[0]), go_type(a[1]));
	return 0;
}

/* lt, le, gt and ge: whether compare(a[0], a[1]) is from lo to hi. */
static int
order(struct exec *e, const char *fn, json_t **a, int lo, int hi,
    json_t **out)
{
	int c, r;

	if ((r = ordered(e, fn, a, &c)) != 0)
		return r;
	*out = json_boolean(c >= lo && c <= hi);
	return 0;
}

static int
f_lt(struct exec *e, json_t **a, size_t n, json_t **out)
{
	(void)n;
	return order(e, "lt", a, -1, -1, out);
}

static int
f_le(struct exec *e, json_t **a, size_t n, json_t **out)
{
	(void)n;
	return order(e, "le", a, -1, 0, out);
}

static int
f_gt(struct exec *e, json_t **a, size_t n, json_t **out)
{
	(void)n;
	return order(e, "gt", a, 1, 1, out);
}

static int
f_ge(struct exec *e, json_t **a, size_t n, json_t **out)
{
	(void)n;
	return order(e, "ge", a, 0, 1, out);
}

static int
f_andor(struct exec *e, json_t **a, size_t n, json_t **out)
{
	(void)e;
	(void)a;
	(void)n;
	*out = NULL;	/* handled in call() */
	return 0;
}

static int
f_not(struct exec *e, json_t **a, size_t n, json_t **out)
{
	(void)n;
	*out = json_boolean(!truth(a[0]));
	return *out == NULL ? nomem(e) : 0;
}

static int
f_len(struct exec *e, json_t **a, size_t n, json_t **out)
{
	size_t l;

	(void)n;
	if (a[0] == NULL || json_is_null(a[0]))
		return xerr(e, "len of nil");
	if (json_is_string(a[0]))
		l = json_string_length(a[0]);
	else if (json_is_array(a[0]))
		l = json_array_size(a[0]);
	else if (json_is_object(a[0]))
		l = json_object_size(a[0]);
	else
		return xerr(e, "len of type %s", go_type(a[0]));
	*out = json_integer((json_int_t)l);
	return *out == NULL ? nomem(e) : 0;
}

static int
f_index(struct exec *e, json_t **a, size_t n, json_t **out)
{
	json_t *v = a[0];
	size_t i;

	for (i = 1; i < n; i++) {
		if (v == NULL || json_is_null(v))
			return xerr(e, "index of nil");
		if (json_is_object(v)) {
			if (a[i] == NULL || !json_is_string(a[i]))
				return xerr(e,
				    "index: map key must be a string");
			v = json_object_get(v, json_string_value(a[i]));
		} else if (json_is_array(v)) {
			json_int_t k;

			if (a[i] == NULL || !json_is_integer(a[i]))
				return xerr(e, "index: array index must be an "
				    "integer");
			k = json_integer_value(a[i]);
			if (k < 0 || (size_t)k >= json_array_size(v))
				return xerr(e, "index out of range: %" 
				    JSON_INTEGER_FORMAT, k);
			v = json_array_get(v, (size_t)k);
		} else {
			return xerr(e, "can't index item of type %s",
			    go_type(v));
		}
	}
	*out = ref(v);
	return 0;
}

static int
f_print(struct exec *e, json_t **a, size_t n, json_t **out)
{
	struct sbuf b = { 0 };
	size_t i;

	for (i = 0; i < n; i++) {
		/* fmt.Sprint: a space between operands when neither is a
		 * string. */
		if (i > 0 && !(a[i - 1] != NULL && json_is_string(a[i - 1])) &&
		    !(a[i] != NULL && json_is_string(a[i])))
			sb_str(&b, " ");
		print_value(&b, a[i], 0);
	}
	return sb_done(e, &b, out);
}

static int
f_println(struct exec *e, json_t **a, size_t n, json_t **out)
{
	struct sbuf b = { 0 };
	size_t i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			sb_str(&b, " ");
		print_value(&b, a[i], 0);
	}
	sb_str(&b, "\n");
	return sb_done(e, &b, out);
}

static void
quote_into(struct sbuf *b, const char *s, size_t len)
{
	json_t *j = json_stringn_nocheck(s, len);
	char *q = j != NULL ? json_dumps(j, JSON_ENCODE_ANY) : NULL;

	if (q == NULL)
		b->failed = 1;
	else
		sb_str(b, q);
	free(q);
	json_decref(j);
}

static int
f_printf(struct exec *e, json_t **a, size_t n, json_t **out)
{
	struct sbuf b = { 0 };
	const char *f, *p;
	size_t k = 1;
	int r;

	if ((r = want_string(e, "printf", a[0], &f, NULL)) != 0)
		return r;
	for (p = f; *p != '\0'; p++) {
		char num[64];
		json_t *v;

		if (*p != '%') {
			sb_add(&b, p, 1);
			continue;
		}
		p++;
		if (*p == '%') {
			sb_str(&b, "%");
			continue;
		}
		if (*p == '\0' || strchr("svdqt", *p) == NULL) {
			free(b.p);
			return xerr(e, "printf: only %%s %%v %%d %%q %%t and "
			    "%%%% are supported");
		}
		if (k >= n) {
			snprintf(num, sizeof(num), "%%!%c(MISSING)", *p);
			sb_str(&b, num);
			continue;
		}
		v = a[k++];
		if (*p == 'q' && v != NULL && json_is_string(v))
			quote_into(&b, json_string_value(v),
			    json_string_length(v));
		else
			print_value(&b, v, 0);
	}
	return sb_done(e, &b, out);
}

static int
map_string(struct exec *e, const char *fn, json_t *v, int (*f)(int),
    json_t **out)
{
	struct sbuf b = { 0 };
	const char *s;
	size_t len, i;
	int r;

	if ((r = want_string(e, fn, v, &s, &len)) != 0)
		return r;
	for (i = 0; i < len; i++) {
		char c = (char)f((unsigned char)s[i]);

		sb_add(&b, &c, 1);
	}
	return sb_done(e, &b, out);
}

static int
f_lower(struct exec *e, json_t **a, size_t n, json_t **out)
{
	(void)n;
	return map_string(e, "lower", a[0], tolower, out);
}

static int
f_upper(struct exec *e, json_t **a, size_t n, json_t **out)
{
	(void)n;
	return map_string(e, "upper", a[0], toupper, out);
}

static int
f_trim(struct exec *e, json_t **a, size_t n, json_t **out)
{
	const char *s;
	size_t len, i = 0;
	int r;

	(void)n;
	if ((r = want_string(e, "trim", a[0], &s, &len)) != 0)
		return r;
	while (i < len && isspace((unsigned char)s[i]))
		i++;
	while (len > i && isspace((unsigned char)s[len - 1]))
		len--;
	*out = json_stringn_nocheck(s + i, len - i);
	return *out == NULL ? nomem(e) : 0;
}

static int
two_strings(struct exec *e, const char *fn, json_t **a, const char **x,
    size_t *xl, const char **s, size_t *sl)
{
	int r;

	if ((r = want_string(e, fn, a[0], x, xl)) != 0)
		return r;
	return want_string(e, fn, a[1], s, sl);
}

static int
has_prefix(const char *s, size_t sl, const char *x, size_t xl)
{
	return sl >= xl && memcmp(s, x, xl) == 0;
}

static int
has_suffix(const char *s, size_t sl, const char *x, size_t xl)
{
	return sl >= xl && memcmp(s + sl - xl, x, xl) == 0;
}

static int
has_infix(const char *s, size_t sl, const char *x, size_t xl)
{
	return xl == 0 || memmem(s, sl, x, xl) != NULL;
}

/* trimPrefix and trimSuffix: a[1] without the affix a[0] at its start
 * (suffix 0) or end (1). */
static int
trim_affix(struct exec *e, const char *fn, json_t **a, int suffix,
    json_t **out)
{
	const char *x, *s;
	size_t xl, sl;
	int r;

	if ((r = two_strings(e, fn, a, &x, &xl, &s, &sl)) != 0)
		return r;
	if (suffix ? has_suffix(s, sl, x, xl) : has_prefix(s, sl, x, xl))
		*out = json_stringn_nocheck(s + (suffix ? 0 : xl), sl - xl);
	else
		*out = json_incref(a[1]);
	return *out == NULL ? nomem(e) : 0;
}

static int
f_trimprefix(struct exec *e, json_t **a, size_t n, json_t **out)
{
	(void)n;
	return trim_affix(e, "trimPrefix", a, 0, out);
}

static int
f_trimsuffix(struct exec *e, json_t **a, size_t n, json_t **out)
{
	(void)n;
	return trim_affix(e, "trimSuffix", a, 1, out);
}

/* hasPrefix, hasSuffix and contains: has(a[1], a[0]). */
static int
string_has(struct exec *e, const char *fn, json_t **a,
    int (*has)(const char *, size_t, const char *, size_t), json_t **out)
{
	const char *x, *s;
	size_t xl, sl;
	int r;

	if ((r = two_strings(e, fn, a, &x, &xl, &s, &sl)) != 0)
		return r;
	*out = json_boolean(has(s, sl, x, xl));
	return 0;
}

static int
f_hasprefix(struct exec *e, json_t **a, size_t n, json_t **out)
{
	(void)n;
	return string_has(e, "hasPrefix", a, has_prefix, out);
}

static int
f_hassuffix(struct exec *e, json_t **a, size_t n, json_t **out)
{
	(void)n;
	return string_has(e, "hasSuffix", a, has_suffix, out);
}

static int
f_contains(struct exec *e, json_t **a, size_t n, json_t **out)
{
	(void)n;
	return string_has(e, "contains", a, has_infix, out);
}

static int
f_replace(struct exec *e, json_t **a, size_t n, json_t **out)
{
	struct sbuf b = { 0 };
	const char *old, *new, *s, *hit;
	size_t ol, nl, sl;
	int r;

	(void)n;
	if ((r = two_strings(e, "replace", a, &old, &ol, &new, &nl)) != 0 ||
	    (r = want_string(e, "replace", a[2], &s, &sl)) != 0)
		return r;
	if (ol == 0) {
		*out = json_incref(a[2]);
		return 0;
	}
	while ((hit = memmem(s, sl, old, ol)) != NULL) {
		sb_add(&b, s, (size_t)(hit - s));
		sb_add(&b, new, nl);
		sl -= (size_t)(hit - s) + ol;
		s = hit + ol;
	}
	sb_add(&b, s, sl);
	return sb_done(e, &b, out);
}

static int
f_splitlist(struct exec *e, json_t **a, size_t n, json_t **out)
{
	const char *sep, *s, *hit;
	size_t seplen, sl;
	json_t *arr;
	int r;

	(void)n;
	if ((r = two_strings(e, "splitList", a, &sep, &seplen, &s, &sl)) != 0)
		return r;
	if (seplen == 0)
		return xerr(e, "splitList: empty separator");
	if ((arr = json_array()) == NULL)
		return nomem(e);
	for (;;) {
		size_t part;

		if ((r = step(e)) != 0) {
			json_decref(arr);
			return r;
		}
		hit = memmem(s, sl, sep, seplen);
		part = hit == NULL ? sl : (size_t)(hit - s);
		if (json_array_append_new(arr,
		    json_stringn_nocheck(s, part)) != 0) {
			json_decref(arr);
			return nomem(e);
		}
		if (hit == NULL)
			break;
		sl -= part + seplen;
		s = hit + seplen;
	}
	*out = arr;
	return 0;
}

static int
f_join(struct exec *e, json_t **a, size_t n, json_t **out)
{
	struct sbuf b = { 0 };
	const char *sep;
	size_t seplen, i;
	int r;

	(void)n;
	if ((r = want_string(e, "join", a[0], &sep, &seplen)) != 0)
		return r;
	if (a[1] == NULL || !json_is_array(a[1]))
		return strval(e, a[1], out);
	for (i = 0; i < json_array_size(a[1]); i++) {
		json_t *v = json_array_get(a[1], i);

		if (i > 0)
			sb_add(&b, sep, seplen);
		if (!json_is_null(v))
			print_value(&b, v, 0);
	}
	return sb_done(e, &b, out);
}

static int
f_quote(struct exec *e, json_t **a, size_t n, json_t **out)
{
	struct sbuf b = { 0 };
	size_t i;

	for (i = 0; i < n; i++) {
		json_t *s = NULL;
		int r;

		if (a[i] == NULL || json_is_null(a[i]))
			continue;
		if ((r = strval(e, a[i], &s)) != 0) {
			free(b.p);
			return r;
		}
		if (b.len > 0)
			sb_str(&b, " ");
		quote_into(&b, json_string_value(s), json_string_length(s));
		json_decref(s);
	}
	return sb_done(e, &b, out);
}

static int
f_squote(struct exec *e, json_t **a, size_t n, json_t **out)
{
	struct sbuf b = { 0 };
	size_t i;

	for (i = 0; i < n; i++) {
		if (a[i] == NULL || json_is_null(a[i]))
			continue;
		if (b.len > 0)
			sb_str(&b, " ");
		sb_str(&b, "'");
		print_value(&b, a[i], 0);
		sb_str(&b, "'");
	}
	return sb_done(e, &b, out);
}

static int
f_tostring(struct exec *e, json_t **a, size_t n, json_t **out)
{
	(void)n;
	return strval(e, a[0], out);
}

/* sprig's b64enc: standard base64 of the string's bytes. */
static int
f_b64enc(struct exec *e, json_t **a, size_t n, json_t **out)
{
	const char *s;
	char *b64 = NULL;
	size_t len;
	int r;

	(void)n;
	if ((r = want_string(e, "b64enc", a[0], &s, &len)) != 0)
		return r;
	if (len > PKIT_TMPL_MAX_OUTPUT / 4 * 3)
		return xerr(e, "b64enc: string larger than %u bytes",
		    PKIT_TMPL_MAX_OUTPUT);
	if (pkit_b64_encode(e->ctx, PKIT_B64_STD, (const unsigned char *)s,
	    len, &b64) != 0)
		return nomem(e);
	*out = json_string_nocheck(b64);
	free(b64);
	return *out == NULL ? nomem(e) : 0;
}

/* sprig's b64dec; input that is not standard base64 is an error (sprig
 * would print Go's error text instead). */
static int
f_b64dec(struct exec *e, json_t **a, size_t n, json_t **out)
{
	const char *s;
	unsigned char *raw = NULL;
	size_t len, rawlen = 0;
	int r;

	(void)n;
	if ((r = want_string(e, "b64dec", a[0], &s, &len)) != 0)
		return r;
	if (pkit_b64_decode(e->ctx, PKIT_B64_STD, s, len, &raw,
	    &rawlen) != 0)
		return xerr(e, "b64dec: not base64");
	*out = json_stringn_nocheck((const char *)raw, rawlen);
	free(raw);
	return *out == NULL ? nomem(e) : 0;
}

static int
f_list(struct exec *e, json_t **a, size_t n, json_t **out)
{
	json_t *arr = json_array();
	size_t i;

	if (arr == NULL)
		return nomem(e);
	for (i = 0; i < n; i++) {
		if (json_array_append_new(arr, a[i] != NULL ?
		    json_incref(a[i]) :
		    json_null()) != 0) {
			json_decref(arr);
			return nomem(e);
		}
	}
	*out = arr;
	return 0;
}

static int
f_dict(struct exec *e, json_t **a, size_t n, json_t **out)
{
	json_t *obj = json_object();
	size_t i;

	if (obj == NULL)
		return nomem(e);
	for (i = 0; i < n; i += 2) {
		json_t *k = NULL, *v;
		int r;

		if ((r = strval(e, a[i], &k)) != 0) {
			json_decref(obj);
			return r;
		}
		v = i + 1 < n && a[i + 1] != NULL ? json_incref(a[i + 1]) :
		    json_string("");
		r = json_object_setn_new_nocheck(obj, json_string_value(k),
		    json_string_length(k), v);
		json_decref(k);
		if (r != 0) {
			json_decref(obj);
			return nomem(e);
		}
	}
	*out = obj;
	return 0;
}

static int
f_first(struct exec *e, json_t **a, size_t n, json_t **out)
{
	(void)n;
	if (a[0] == NULL || !json_is_array(a[0]))
		return xerr(e, "first: expected a list, got %s", go_type(a[0]));
	*out = ref(json_array_get(a[0], 0));
	return 0;
}

static int
f_last(struct exec *e, json_t **a, size_t n, json_t **out)
{
	size_t sz;

	(void)n;
	if (a[0] == NULL || !json_is_array(a[0]))
		return xerr(e, "last: expected a list, got %s", go_type(a[0]));
	sz = json_array_size(a[0]);
	*out = sz == 0 ? NULL : ref(json_array_get(a[0], sz - 1));
	return 0;
}

static int
f_haskey(struct exec *e, json_t **a, size_t n, json_t **out)
{
	const char *k;
	int r;

	(void)n;
	if (a[0] == NULL || !json_is_object(a[0]))
		return xerr(e, "hasKey: expected a dict, got %s",
		    go_type(a[0]));
	if ((r = want_string(e, "hasKey", a[1], &k, NULL)) != 0)
		return r;
	*out = json_boolean(json_object_get(a[0], k) != NULL);
	return 0;
}

static int
f_keys(struct exec *e, json_t **a, size_t n, json_t **out)
{
	json_t *arr = json_array();
	const char **k;
	size_t i, j, cnt;

	if (arr == NULL)
		return nomem(e);
	for (i = 0; i < n; i++) {
		if (a[i] == NULL || !json_is_object(a[i])) {
			json_decref(arr);
			return xerr(e, "keys: expected a dict, got %s",
			    go_type(a[i]));
		}
		if ((k = sorted_keys(a[i], &cnt)) == NULL) {
			json_decref(arr);
			return nomem(e);
		}
		for (j = 0; j < cnt; j++) {
			if (json_array_append_new(arr,
			    json_string(k[j])) != 0) {
				free(k);
				json_decref(arr);
				return nomem(e);
			}
		}
		free(k);
	}
	*out = arr;
	return 0;
}

static const struct func funcs[] = {
	{ "and", 1, -1, f_andor },
	{ "b64dec", 1, 1, f_b64dec },
	{ "b64enc", 1, 1, f_b64enc },
	{ "coalesce", 0, -1, f_coalesce },
	{ "contains", 2, 2, f_contains },
	{ "default", 1, 2, f_default },
	{ "dict", 0, -1, f_dict },
	{ "empty", 1, 1, f_empty },
	{ "eq", 2, -1, f_eq },
	{ "fail", 1, 1, f_fail },
	{ "first", 1, 1, f_first },
	{ "fromJson", 1, 1, f_fromjson },
	{ "ge", 2, 2, f_ge },
	{ "gt", 2, 2, f_gt },
	{ "hasKey", 2, 2, f_haskey },
	{ "hasPrefix", 2, 2, f_hasprefix },
	{ "hasSuffix", 2, 2, f_hassuffix },
	{ "index", 1, -1, f_index },
	{ "join", 2, 2, f_join },
	{ "keys", 1, -1, f_keys },
	{ "last", 1, 1, f_last },
	{ "le", 2, 2, f_le },
	{ "len", 1, 1, f_len },
	{ "list", 0, -1, f_list },
	{ "lower", 1, 1, f_lower },
	{ "lt", 2, 2, f_lt },
	{ "ne", 2, 2, f_ne },
	{ "not", 1, 1, f_not },
	{ "or", 1, -1, f_andor },
	{ "print", 0, -1, f_print },
	{ "printf", 1, -1, f_printf },
	{ "println", 0, -1, f_println },
	{ "quote", 0, -1, f_quote },
	{ "replace", 3, 3, f_replace },
	{ "required", 2, 2, f_required },
	{ "splitList", 2, 2, f_splitlist },
	{ "squote", 0, -1, f_squote },
	{ "ternary", 3, 3, f_ternary },
	{ "toJson", 1, 1, f_tojson },
	{ "toPrettyJson", 1, 1, f_toprettyjson },
	{ "toRawJson", 1, 1, f_tojson },
	{ "toString", 1, 1, f_tostring },
	{ "trim", 1, 1, f_trim },
	{ "trimPrefix", 2, 2, f_trimprefix },
	{ "trimSuffix", 2, 2, f_trimsuffix },
	{ "typeIs", 2, 2, f_typeis },
	{ "typeOf", 1, 1, f_typeof },
	{ "upper", 1, 1, f_upper },
};

static const struct func *
find_func(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(funcs) / sizeof(funcs[0]); i++)
		if (strcmp(funcs[i].name, name) == 0)
			return &funcs[i];
	return NULL;
}

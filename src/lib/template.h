/* template.h - a small, safe subset of Go's text/template over JSON data.
 *
 * Certificate templates (step's x509util format) are text with actions in
 * {{ }}.  Supported: text; {{ pipeline }}; {{- and -}} trimming; comments
 * (a C-style comment alone in an action); {{ if }}, {{ else if }},
 * {{ else }}, {{ end }}; {{ range }} (arrays in order, objects by sorted
 * key, integers 0..n-1; "$v :=" and "$i, $v :=" forms); {{ with }};
 * variables ($x := ..., $x = ..., $); fields (.A.B, $x.A, (pipe).A);
 * string, raw-string, number, true/false/nil literals; pipes (|) passing
 * the value as the last argument.
 *
 * Fields on objects match the key exactly, or else case-insensitively, so
 * both .Subject.CommonName and the JSON key "commonName" work.  A missing
 * field is "no value" (printed "<no value>", false in conditions, null for
 * toJson), as with Go's maps.
 *
 * Functions: toJson toPrettyJson toRawJson fromJson required default empty
 * coalesce ternary fail typeOf typeIs eq ne lt le gt ge and or not len
 * index print println printf (%s %v %d %q %%) lower upper trim trimPrefix
 * trimSuffix hasPrefix hasSuffix contains replace splitList join quote
 * squote toString list dict first last hasKey keys b64enc b64dec.  An
 * unknown function is an error when the template is parsed.
 *
 * There is no way to run code, read files or the environment, or define
 * templates ({{ define }}/{{ template }}/{{ block }} are errors).  Nesting
 * depth, the number of evaluation steps, string sizes and the output size
 * are bounded, so a hostile template fails cleanly.
 */
#ifndef PKIT_TEMPLATE_H
#define PKIT_TEMPLATE_H

#include <stddef.h>

#include <jansson.h>

#include "err.h"

/* Limits (a template that exceeds one fails with PKIT_ERR_FORMAT). */
#define PKIT_TMPL_MAX_INPUT (256u * 1024)	/* template text */
#define PKIT_TMPL_MAX_OUTPUT (1024u * 1024)	/* rendered text, any string */
#define PKIT_TMPL_MAX_DEPTH 64		/* nested blocks and parentheses */
#define PKIT_TMPL_MAX_STEPS 1000000	/* evaluation steps */

struct pkit_tmpl;

/* Parse text (len bytes).  name is used in messages: "name:line: why". */
int pkit_tmpl_parse(struct pkit_ctx *ctx, const char *text, size_t len,
    const char *name, struct pkit_tmpl **out);

/* Execute against data (any JSON value; "." and "$" at the start).  *out is
 * NUL-terminated, *outlen its length; free it with free(). */
int pkit_tmpl_execute(struct pkit_ctx *ctx, const struct pkit_tmpl *t,
    json_t *data, char **out, size_t *outlen);

void pkit_tmpl_free(struct pkit_tmpl *t);

/* Parse, execute, then parse the output as one JSON value (trailing
 * garbage refused); the message names the template. */
int pkit_tmpl_render_json(struct pkit_ctx *ctx, const char *text, size_t len,
    const char *name, json_t *data, json_t **out);

#endif

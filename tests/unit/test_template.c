/* test_template.c - the template engine: a table of templates with their
 * data and output, a table of hostile or broken templates and the error
 * each must give, and step's built-in templates. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/template.h"
#include "lib/x509_build.h"

static const char *const data_json =
	"{\"Subject\": {\"commonName\": \"www.example.com\", "
	"\"organization\": [\"Acme\"]},"
	" \"SANs\": [{\"type\": \"dns\", \"value\": \"www.example.com\"},"
	" {\"type\": \"ip\", \"value\": \"192.0.2.1\"}],"
	" \"Insecure\": {\"CR\": {\"publicKey\": {\"$type\": "
	    "\"*rsa.PublicKey\"},"
	" \"emailAddresses\": null},"
	" \"User\": {\"team\": \"ops\", \"n\": 3, \"f\": 1.5, \"list\": [1, "
	    "2, 3],"
	" \"empty\": \"\", \"yes\": true, \"map\": {\"b\": 2, \"a\": 1}}},"
	" \"MaxPathLen\": 0}";

static const struct {
	const char *tmpl;
	const char *want;
} good[] = {
	{ "plain text", "plain text" },
	{ "", "" },
	{ "{{ .Subject.CommonName }}", "www.example.com" },
	{ "{{ .Subject.commonName }}", "www.example.com" },
	{ "{{ .subject.COMMONNAME }}", "www.example.com" },
	{ "{{ toJson .Subject }}",
	  "{\"commonName\":\"www.example.com\",\"organization\":[\"Acme\"]}" },
	{ "{{ toJson .SANs }}",
	  "[{\"type\":\"dns\",\"value\":\"www.example.com\"},"
	  "{\"type\":\"ip\",\"value\":\"192.0.2.1\"}]" },
	{ "{{ .Insecure.User.team }}", "ops" },
	{ "{{ .Insecure.User.missing }}", "<no value>" },
	{ "{{ toJson .Insecure.User.missing }}", "null" },
	{ "{{ toJson .Insecure.CR.EmailAddresses }}", "null" },
	{ "{{ .Insecure.User.missing.deeper }}", "<no value>" },
	{ "{{ .Insecure.User.n }} {{ .Insecure.User.f }}", "3 1.5" },
	{ "{{ .Insecure.User.list }}", "[1 2 3]" },
	{ "{{ .Insecure.User.map }}", "map[a:1 b:2]" },
	{ "{{ .MaxPathLen }}", "0" },
	{ "a {{- \" b \" -}} c", "a b c" },
	{ "a  \n {{- 1 }}  \n  b", "a1  \n  b" },
	{ "a {{ 1 -}} \n\t b", "a 1b" },
	{ "x{{/* a comment */}}y", "xy" },
	{ "x {{- /* trimmed */ -}} y", "xy" },
	{ "{{ if .Insecure.User.yes }}Y{{ else }}N{{ end }}", "Y" },
	{ "{{ if .Insecure.User.empty }}Y{{ else }}N{{ end }}", "N" },
	{ "{{ if .Insecure.User.missing }}Y{{ end }}", "" },
	{ "{{ if eq .Insecure.User.team \"dev\" }}dev{{ else if eq "
	  ".Insecure.User.team \"ops\" }}ops{{ else }}other{{ end }}", "ops" },
	{ "{{- if typeIs \"*rsa.PublicKey\" .Insecure.CR.PublicKey }}rsa"
	  "{{- else }}ec{{- end }}", "rsa" },
	{ "{{ typeOf .Insecure.User.team }} {{ typeOf .Insecure.User.list }}",
	  "string []interface {}" },
	{ "{{ range .Insecure.User.list }}<{{ . }}>{{ end }}", "<1><2><3>" },
	{ "{{ range $i, $v := .Insecure.User.list }}{{ $i }}={{ $v }};{{ end "
	    "}}",
	  "0=1;1=2;2=3;" },
	{ "{{ range $k, $v := .Insecure.User.map }}{{ $k }}{{ $v }}{{ end }}",
	  "a1b2" },
	{ "{{ range .Insecure.User.missing }}x{{ else }}none{{ end }}",
	    "none" },
	{ "{{ range 3 }}{{ . }}{{ end }}", "012" },
	{ "{{ range .SANs }}{{ .Type }}:{{ .Value }} {{ end }}",
	  "dns:www.example.com ip:192.0.2.1 " },
	{ "{{ range .SANs }}{{ $.Subject.CommonName }}{{ end }}",
	  "www.example.comwww.example.com" },
	{ "{{ with .Insecure.User }}{{ .team }}{{ end }}", "ops" },
	{ "{{ with .Insecure.User.missing }}x{{ else }}y{{ end }}", "y" },
	{ "{{ $x := \"a\" }}{{ $x }}{{ $x = \"b\" }}{{ $x }}", "ab" },
	{ "{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}", "2" },
	{ "{{ .Insecure.User.team | upper }}", "OPS" },
	{ "{{ \"A-b\" | lower | printf \"%s!\" }}", "a-b!" },
	{ "{{ (index .SANs 1).Value }}", "192.0.2.1" },
	{ "{{ index .Insecure.User.map \"b\" }}", "2" },
	{ "{{ len .SANs }} {{ len \"abc\" }}", "2 3" },
	{ "{{ default \"x\" .Insecure.User.missing }}", "x" },
	{ "{{ .Insecure.User.missing | default \"y\" }}", "y" },
	{ "{{ default \"x\" .Insecure.User.team }}", "ops" },
	{ "{{ required \"need team\" .Insecure.User.team }}", "ops" },
	{ "{{ and 1 0 }} {{ or 0 \"\" 5 }} {{ not 0 }}", "0 5 true" },
	{ "{{ and .Insecure.User.missing (index .Insecure.User.missing 0) }}",
	  "<no value>" },
	{ "{{ lt 1 2 }} {{ ge 2.5 2 }} {{ ne \"a\" \"b\" }} {{ eq 1 2 1 }}",
	  "true true true true" },
	{ "{{ hasPrefix \"www\" .Subject.CommonName }}", "true" },
	{ "{{ trimSuffix \".com\" .Subject.CommonName }}", "www.example" },
	{ "{{ replace \".\" \"-\" .Subject.CommonName }}", "www-example-com" },
	{ "{{ join \",\" (splitList \".\" .Subject.CommonName) }}",
	  "www,example,com" },
	{ "{{ quote \"a\\\"b\" }} {{ squote 1 }}", "\"a\\\"b\" '1'" },
	{ "{{ toJson (list 1 \"a\" true) }}", "[1,\"a\",true]" },
	{ "{{ toJson (dict \"k\" \"v\") }}", "{\"k\":\"v\"}" },
	{ "{{ first .SANs | toJson }}",
	  "{\"type\":\"dns\",\"value\":\"www.example.com\"}" },
	{ "{{ coalesce .Insecure.User.missing \"\" \"z\" }}", "z" },
	{ "{{ ternary \"a\" \"b\" false }}", "b" },
	{ "{{ print 1 2 \"x\" 3 }}", "1 2x3" },
	{ "{{ printf \"%d-%v-%q\" 1 true \"s\" }}", "1-true-\"s\"" },
	{ "{{ `raw \\n string` }}", "raw \\n string" },
	{ "{{ \"\\u00e9\\x41\\t\" }}", "\xc3\xa9" "A\t" },
	{ "{{ 0x10 }} {{ -3 }} {{ 1e3 }}", "16 -3 1000" },
	{ "{{ nil | toJson }}", "null" },
	{ "{{ (fromJson \"{\\\"a\\\": [1]}\").a }}", "[1]" },
	{ "{{ keys .Insecure.User.map | toJson }}", "[\"a\",\"b\"]" },
	{ "{{ hasKey .Insecure.User \"team\" }}", "true" },
	{ "{{ trim \"  x \" }}|{{ toString 5 }}", "x|5" },
	{ "{{ $ | len }}", "4" },
	{ "{{ . | typeOf }}", "map[string]interface {}" },
	{ "{{ .Subject.CommonName | b64enc }}", "d3d3LmV4YW1wbGUuY29t" },
	{ "{{ \"\" | b64enc }}|{{ \"\\x00\\xff\" | b64enc }}", "|AP8=" },
	{ "{{ \"d3d3\" | b64dec }}", "www" },
	{ "{{ \"AP8A\" | b64dec | b64enc }}", "AP8A" },
	/* the forms of step's SSH configuration templates */
	{ "{{- if or .Insecure.User.missing \"none\" | eq \"windows\" }}W"
	  "{{- else }}U{{- end }}", "U" },
	{ "{{ \"C:\\\\Users\\\\x\" | replace \"\\\\\" \"/\" | "
	  "trimPrefix \"C:\" }}", "/Users/x" },
	{ "x{{- if .Insecure.User.missing }} --context {{ .Insecure.User.missing"
	  " }}{{- end }} %h", "x %h" },
};

static const struct {
	const char *tmpl;
	const char *err;	/* a part of the message */
} bad[] = {
	{ "{{ .Subject ", "unclosed action" },
	{ "{{", "unclosed action" },
	{ "abc {{ if true }}x", "has no {{ end }}" },
	{ "{{ end }}", "unexpected {{ end }}" },
	{ "{{ else }}", "unexpected {{ else }}" },
	{ "{{ if 1 }}{{ else }}{{ else }}{{ end }}", "{{ else }} after" },
	{ "{{ nosuch .Subject }}", "function \"nosuch\" not defined" },
	{ "{{ env \"HOME\" }}", "function \"env\" not defined" },
	{ "{{ readFile \"/etc/passwd\" }}",
	    "function \"readFile\" not defined" },
	{ "{{ define \"x\" }}{{ end }}", "not supported" },
	{ "{{ template \"x\" }}", "not supported" },
	{ "{{ \"abc }}", "unterminated quoted string" },
	{ "{{ `abc }}", "unterminated raw" },
	{ "{{ 'a' }}", "character constants" },
	{ "{{ \"\\q\" }}", "unknown escape" },
	{ "{{ 12abc }}", "bad number" },
	{ "{{ ( 1 }}", "unclosed left paren" },
	{ "{{ 1 ) }}", "unexpected \")\"" },
	{ "{{ .A | }}", "missing value" },
	{ "{{ }}", "missing value" },
	{ "{{ .Subject 1 }}", "non-function" },
	{ "{{ 1 | .Subject }}", "non-function" },
	{ "{{ @ }}", "unexpected '@'" },
	{ "{{/* open", "unclosed comment" },
	{ "{{/* c */ x }}", "comment ends before" },
	{ "{{ $nope }}", "undefined variable \"$nope\"" },
	{ "{{ $nope = 1 }}", "undefined variable" },
	{ "{{ $ := 1 }}", "cannot assign to $" },
	{ "{{ fail \"stop here\" }}", "stop here" },
	{ "{{ required \"team is required\" .Insecure.User.missing }}",
	  "team is required" },
	{ "{{ .Subject.CommonName.Deeper }}", "can't evaluate field Deeper" },
	{ "{{ index .SANs 5 }}", "index out of range" },
	{ "{{ len 3 }}", "len of type int" },
	{ "{{ lt \"a\" 1 }}", "incompatible types" },
	{ "{{ toJson }}", "wrong number of arguments for toJson" },
	{ "{{ upper 1 }}", "expected a string" },
	{ "{{ range .Subject.CommonName }}{{ end }}",
	    "can't iterate over string" },
	{ "{{ printf \"%x\" 1 }}", "printf" },
	{ "line1\nline2\n{{ nosuch }}", "t:3:" },
	{ "{{ \"not base64!\" | b64dec }}", "b64dec: not base64" },
	{ "{{ b64enc 1 }}", "b64enc: expected a string" },
};

static json_t *
data(void)
{
	json_error_t e;
	json_t *d = json_loads(data_json, 0, &e);

	if (d == NULL)
		fail_msg("test data: %s", e.text);
	return d;
}

static void
test_good(void **state)
{
	struct pkit_ctx ctx;
	json_t *d = data();
	size_t i;

	(void)state;
	pkit_ctx_init(&ctx);
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct pkit_tmpl *t = NULL;
		char *out = NULL;
		size_t len = 0;

		if (pkit_tmpl_parse(&ctx, good[i].tmpl, strlen(good[i].tmpl),
		    "t",
		    &t) != 0)
			fail_msg("parse '%s': %s", good[i].tmpl, ctx.errbuf);
		if (pkit_tmpl_execute(&ctx, t, d, &out, &len) != 0)
			fail_msg("execute '%s': %s", good[i].tmpl, ctx.errbuf);
		if (strcmp(out, good[i].want) != 0 || len != strlen(out))
			fail_msg("'%s': got '%s', want '%s'", good[i].tmpl, out,
			    good[i].want);
		free(out);
		pkit_tmpl_free(t);
	}
	json_decref(d);
	pkit_ctx_release(&ctx);
}

static void
test_bad(void **state)
{
	struct pkit_ctx ctx;
	json_t *d = data();
	size_t i;

	(void)state;
	pkit_ctx_init(&ctx);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct pkit_tmpl *t = NULL;
		char *out = NULL;
		size_t len = 0;
		int r;

		r = pkit_tmpl_parse(&ctx, bad[i].tmpl, strlen(bad[i].tmpl), "t",
		    &t);
		if (r == 0) {
			r = pkit_tmpl_execute(&ctx, t, d, &out, &len);
			pkit_tmpl_free(t);
			if (r == 0)
				fail_msg("'%s' rendered as '%s'", bad[i].tmpl,
				    out);
			assert_null(out);
		} else {
			assert_null(t);
		}
		assert_int_equal(r, PKIT_ERR_FORMAT);
		if (strncmp(ctx.errbuf, "t:", 2) != 0 ||
		    strstr(ctx.errbuf, bad[i].err) == NULL)
			fail_msg("'%s': message '%s' lacks '%s'", bad[i].tmpl,
			    ctx.errbuf, bad[i].err);
		assert_null(strchr(ctx.errbuf, '\n'));
	}
	json_decref(d);
	pkit_ctx_release(&ctx);
}

/* Build a text by repeating a piece n times. */
static char *
repeat(const char *pre, const char *piece, size_t n, const char *post)
{
	size_t lp = strlen(piece), len = strlen(pre) + lp * n + strlen(post), i;
	char *s = malloc(len + 1), *p = s;

	assert_non_null(s);
	memcpy(p, pre, strlen(pre));
	p += strlen(pre);
	for (i = 0; i < n; i++, p += lp)
		memcpy(p, piece, lp);
	memcpy(p, post, strlen(post) + 1);
	return s;
}

static void
test_limits(void **state)
{
	struct pkit_ctx ctx;
	struct pkit_tmpl *t = NULL;
	json_t *d = data(), *j = NULL;
	char *s, *out = NULL;
	size_t len;

	(void)state;
	pkit_ctx_init(&ctx);
	/* Deep nesting of blocks and of parentheses. */
	s = repeat("", "{{ if 1 }}", 10000, "");
	assert_int_equal(pkit_tmpl_parse(&ctx, s, strlen(s), "t", &t),
	    PKIT_ERR_FORMAT);
	assert_non_null(strstr(ctx.errbuf, "too deeply nested"));
	free(s);
	s = repeat("{{ ", "(", 5000, "1 }}");
	assert_int_equal(pkit_tmpl_parse(&ctx, s, strlen(s), "t", &t),
	    PKIT_ERR_FORMAT);
	assert_non_null(strstr(ctx.errbuf, "too deeply nested"));
	free(s);
	/* Nesting within the limit works. */
	s = repeat("", "{{ if 1 }}", 60, "x");
	{
		char *e = repeat(s, "{{ end }}", 60, "");

		assert_int_equal(pkit_tmpl_parse(&ctx, e, strlen(e), "t", &t),
		    0);
		assert_int_equal(pkit_tmpl_execute(&ctx, t, d, &out, &len), 0);
		assert_string_equal(out, "x");
		free(out);
		out = NULL;
		pkit_tmpl_free(t);
		free(e);
	}
	free(s);
	/* Output growth: doubling a string 30 times. */
	s = repeat("{{ $s := \"0123456789abcdef\" }}",
	    "{{ $s = print $s $s }}", 30, "{{ $s }}");
	assert_int_equal(pkit_tmpl_parse(&ctx, s, strlen(s), "t", &t), 0);
	assert_int_equal(pkit_tmpl_execute(&ctx, t, d, &out, &len),
	    PKIT_ERR_FORMAT);
	assert_non_null(strstr(ctx.errbuf, "larger than"));
	assert_null(out);
	pkit_tmpl_free(t);
	free(s);
	/* Loops: nested ranges over a large integer run out of steps. */
	s = "{{ range 100000 }}{{ range 100000 }}{{ end }}{{ end }}";
	assert_int_equal(pkit_tmpl_parse(&ctx, s, strlen(s), "t", &t), 0);
	assert_int_equal(pkit_tmpl_execute(&ctx, t, d, &out, &len),
	    PKIT_ERR_FORMAT);
	assert_non_null(strstr(ctx.errbuf, "too long"));
	pkit_tmpl_free(t);
	/* Input size and NUL bytes. */
	s = repeat("", "x", PKIT_TMPL_MAX_INPUT + 1, "");
	assert_int_equal(pkit_tmpl_parse(&ctx, s, strlen(s), "t", &t),
	    PKIT_ERR_TOO_LARGE);
	free(s);
	assert_int_equal(pkit_tmpl_parse(&ctx, "a\0b", 3, "t", &t),
	    PKIT_ERR_FORMAT);
	/* Rendering to JSON: the output must be one JSON value. */
	assert_int_equal(pkit_tmpl_render_json(&ctx,
	    "{\"a\": {{ .MaxPathLen }}}",
	    24, "t", d, &j), 0);
	assert_int_equal(json_integer_value(json_object_get(j, "a")), 0);
	json_decref(j);
	s = "{\"a\": \"{{ .Insecure.User.missing }}\"} x";
	assert_int_equal(pkit_tmpl_render_json(&ctx, s, strlen(s), "t", d, &j),
	    PKIT_ERR_FORMAT);
	assert_non_null(strstr(ctx.errbuf, "not valid JSON"));
	/* toJson escapes what it inserts: no JSON injection. */
	json_object_set_new(json_object_get(json_object_get(d, "Insecure"),
	    "User"), "evil", json_string("\", \"isCA\": true, \"x\": \""));
	s = "{\"cn\": {{ toJson .Insecure.User.evil }}}";
	assert_int_equal(pkit_tmpl_render_json(&ctx, s, strlen(s), "t", d, &j),
	    0);
	assert_int_equal(json_object_size(j), 1);
	json_decref(j);
	json_decref(d);
	pkit_ctx_release(&ctx);
}

/* step's built-in templates render to the expected JSON. */
static void
test_builtin(void **state)
{
	struct pkit_ctx ctx;
	json_t *d = data(), *j = NULL, *ku;
	const char *t;

	(void)state;
	pkit_ctx_init(&ctx);
	t = pkit_x509_tmpl_leaf;
	assert_int_equal(pkit_tmpl_render_json(&ctx, t, strlen(t), "leaf", d,
	    &j), 0);
	ku = json_object_get(j, "keyUsage");
	assert_int_equal(json_array_size(ku), 2);
	assert_string_equal(json_string_value(json_array_get(ku, 0)),
	    "keyEncipherment");
	assert_int_equal(json_array_size(json_object_get(j, "sans")), 2);
	json_decref(j);
	/* An EC key: digitalSignature only. */
	json_object_set_new(json_object_get(json_object_get(d, "Insecure"),
	    "CR"), "publicKey", json_pack("{s:s}", "$type",
	    "*ecdsa.PublicKey"));
	assert_int_equal(pkit_tmpl_render_json(&ctx, t, strlen(t), "leaf", d,
	    &j), 0);
	assert_int_equal(json_array_size(json_object_get(j, "keyUsage")), 1);
	json_decref(j);
	t = pkit_x509_tmpl_root;
	assert_int_equal(pkit_tmpl_render_json(&ctx, t, strlen(t), "root", d,
	    &j), 0);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j,
	    "basicConstraints"), "maxPathLen")), 1);
	assert_true(json_equal(json_object_get(j, "subject"),
	    json_object_get(j, "issuer")));
	json_decref(j);
	t = pkit_x509_tmpl_intermediate_pathlen;
	assert_int_equal(pkit_tmpl_render_json(&ctx, t, strlen(t), "int", d,
	    &j), 0);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j,
	    "basicConstraints"), "maxPathLen")), 0);
	json_decref(j);
	t = pkit_x509_tmpl_from_csr;
	assert_int_equal(pkit_tmpl_render_json(&ctx, t, strlen(t), "csr", d,
	    &j), 0);
	assert_true(json_is_object(json_object_get(j, "publicKey")));
	json_decref(j);
	json_decref(d);
	pkit_ctx_release(&ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_builtin),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

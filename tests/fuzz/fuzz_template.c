/* fuzz_template.c - the template engine (Go text/template subset of
 * certificate templates): parse, execute against fixed data shaped like
 * a certificate request, and render as JSON as the authority does.  An
 * input "TEMPLATE\0DATA" executes against DATA (JSON) instead. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/template.h"
#include "fuzz.h"

static json_t *fixed;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fixed = json_pack("{s:{s:s,s:[s]},s:[s,s],s:{s:s,s:[s]},s:{s:i}"
	    ",s:[i,i,i]}",
	    "Subject", "commonName", "a.example", "organization", "Org",
	    "SANs", "a.example", "10.0.0.1",
	    "Token", "sub", "a.example", "sans", "a.example",
	    "Insecure", "User", 1,
	    "List", 1, 2, 3);
	return fixed == NULL ? -1 : 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pkit_ctx ctx;
	struct pkit_tmpl *t = NULL;
	json_t *doc = NULL, *out = NULL;
	json_error_t e;
	const uint8_t *nul;
	size_t tlen = size;
	char *text = NULL;
	size_t len;

	pkit_ctx_init(&ctx);
	if ((nul = memchr(data, '\0', size)) != NULL) {
		tlen = (size_t)(nul - data);
		doc = json_loadb((const char *)nul + 1, size - tlen - 1,
		    JSON_DECODE_ANY, &e);
	}
	if (doc == NULL)
		doc = json_incref(fixed);
	if (pkit_tmpl_parse(&ctx, (const char *)data, tlen, "fuzz", &t) == 0) {
		if (pkit_tmpl_execute(&ctx, t, doc, &text, &len) == 0)
			free(text);
		pkit_tmpl_free(t);
	}
	if (pkit_tmpl_render_json(&ctx, (const char *)data, tlen, "fuzz", doc,
	    &out) == 0)
		json_decref(out);
	json_decref(doc);
	pkit_ctx_release(&ctx);
	return 0;
}

/* fuzz_sshcert.c - OpenSSH certificates: the -cert.pub line and the raw
 * blob, decoded with their signatures checked, rendered as ssh-keygen -L
 * text and step's JSON, fingerprinted; and OpenSSH public and private key
 * files, as `ssh inspect` and `ssh fingerprint` read them. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/sshcert.h"
#include "lib/sshkey.h"
#include "fuzz.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static void
render(struct pkit_ctx *ctx, struct pkit_sshcert *c)
{
	json_t *j = NULL;
	char *text = NULL, *v = NULL, *line = NULL;
	size_t i, len;

	if (pkit_sshcert_text(ctx, c, "fuzz", &text) == 0)
		free(text);
	if (pkit_sshcert_json(ctx, c, &j) == 0)
		json_decref(j);
	for (i = 0; i < c->ncritical; i++)
		if (pkit_sshcert_opt_string(&c->critical[i], &v))
			free(v);
	(void)pkit_sshcert_check_time(ctx, c, FUZZ_NOW, "fuzz");
	(void)pkit_sshcert_has_principal(c, "root");
	if (pkit_sshcert_encode(ctx, c, "comment", &line, &len) == 0)
		free(line);
	if (pkit_sshcert_fingerprint(ctx, c->blob, c->bloblen, NULL, 0, 1,
	    &line) == 0)
		free(line);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pkit_ctx ctx;
	struct pkit_sshcert *c = NULL;
	EVP_PKEY *key = NULL;
	char *comment = NULL, *line = NULL;

	pkit_ctx_init(&ctx);
	ctx.fixed_now = FUZZ_NOW;
	if (pkit_sshcert_parse(&ctx, data, size, "fuzz", &c, &comment) == 0) {
		render(&ctx, c);
		pkit_sshcert_free(c);
		free(comment);
		c = NULL;
	}
	if (pkit_sshcert_decode(&ctx, data, size, "fuzz", &c) == 0) {
		render(&ctx, c);
		pkit_sshcert_free(c);
	}
	(void)pkit_sshcert_blob_is_cert(data, size);
	if (pkit_sshcert_fingerprint(&ctx, data, size, NULL, 0, 0,
	    &line) == 0)
		free(line);
	line = NULL;
	if (pkit_sshcert_blob_line(&ctx, data, size, NULL, &line) == 0)
		free(line);
	if (pkit_sshkey_parse_public(&ctx, data, size, "fuzz", &key) == 0) {
		EVP_PKEY_free(key);
		key = NULL;
	}
	if (pkit_sshkey_parse_private(&ctx, data, size, "fuzz", &key) == 0) {
		EVP_PKEY_free(key);
		key = NULL;
	}
	if (pkit_sshkey_from_blob(&ctx, data, size, "fuzz", &key) == 0)
		EVP_PKEY_free(key);
	pkit_ctx_release(&ctx);
	return 0;
}

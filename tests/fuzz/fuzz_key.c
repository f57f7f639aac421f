/* fuzz_key.c - key loading in every format pkit reads: PEM/DER PKCS#8
 * (plain and encrypted), PKCS#1, SEC1, legacy encrypted PEM, OpenSSH
 * private and public keys, SubjectPublicKeyInfo; then describe, inspect,
 * fingerprint and re-encode what parsed, as `crypto key inspect` and
 * `crypto key format` do.  The password is "pw", so that the corpus can
 * hold encrypted keys that open. */
#include "config.h"

#include <stdlib.h>

#include <jansson.h>

#include "lib/key.h"
#include "lib/secret.h"
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
describe(struct pkit_ctx *ctx, EVP_PKEY *key)
{
	json_t *j = NULL;
	unsigned char *buf = NULL, md[EVP_MAX_MD_SIZE];
	size_t len = 0, mdlen;
	char text[128];
	int form;

	pkit_key_describe(key, text, sizeof(text));
	if (pkit_key_inspect(ctx, key, &j) == 0)
		json_decref(j);
	(void)pkit_key_fingerprint(ctx, key, PKIT_KEY_FP_SPKI, "SHA256", md,
	    &mdlen);
	(void)pkit_key_fingerprint(ctx, key, PKIT_KEY_FP_SSH, "SHA256", md,
	    &mdlen);
	for (form = PKIT_KEY_PKCS8; form <= PKIT_KEY_JWK; form++) {
		if (pkit_key_public_encode_form(ctx, key, PKIT_KEY_PEM, form,
		    &buf, &len) == 0)
			free(buf);
		buf = NULL;
		if (pkit_key_has_private(key) && form != PKIT_KEY_JWK &&
		    pkit_key_private_encode_form(ctx, key, PKIT_KEY_DER, form,
		    NULL, &buf, &len) == 0)
			pkit_secret_free(buf, len);
		buf = NULL;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pkit_ctx ctx;
	EVP_PKEY *key = NULL;

	pkit_ctx_init(&ctx);
	ctx.fixed_now = FUZZ_NOW;
	(void)pkit_key_is_encrypted(data, size);
	(void)pkit_sshkey_is_encrypted(data, size);
	if (pkit_key_parse_private(&ctx, data, size, "pw", "fuzz", &key) == 0) {
		describe(&ctx, key);
		EVP_PKEY_free(key);
		key = NULL;
	}
	if (pkit_key_parse_private(&ctx, data, size, NULL, "fuzz", &key) == 0) {
		EVP_PKEY_free(key);
		key = NULL;
	}
	if (pkit_key_parse_public(&ctx, data, size, "fuzz", &key) == 0) {
		describe(&ctx, key);
		EVP_PKEY_free(key);
		key = NULL;
	}
	pkit_ctx_release(&ctx);
	return 0;
}

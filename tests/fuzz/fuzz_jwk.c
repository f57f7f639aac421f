/* fuzz_jwk.c - JWK and JWK Set parsing: a key file as the JOSE verbs read
 * it (JWK, PEM/DER, encrypted JWK with the password "pw"), the key it
 * describes, its thumbprint, public form and step's member order, and the
 * sets of `crypto jwk keyset`. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/jwe.h"
#include "lib/jwk.h"
#include "fuzz.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static void
use_jwk(struct pkit_ctx *ctx, json_t *jwk)
{
	struct pkit_jwk_key *key = NULL;
	EVP_PKEY *pkey = NULL;
	json_t *o = NULL;
	char *tp = NULL;

	if (pkit_jwk_to_key(ctx, jwk, &pkey) == 0)
		EVP_PKEY_free(pkey);
	if (pkit_jwk_thumbprint(ctx, jwk, &tp) == 0)
		free(tp);
	if (pkit_jwk_public(ctx, jwk, &o) == 0)
		json_decref(o);
	o = NULL;
	if (pkit_jwk_ordered(ctx, jwk, &o) == 0)
		pkit_jwk_free(o);
	(void)pkit_jwk_is_private(jwk);
	(void)pkit_jwk_default_alg(jwk, "sig");
	(void)pkit_jwk_default_alg(jwk, "enc");
	json_incref(jwk);
	if (pkit_jwk_key_new(ctx, jwk, &key) == 0)
		pkit_jwk_key_free(key);
	json_decref(jwk);
}

/* The password to try: "pw", unless data is a JWE whose PBES2 count is
 * over 10,000 (legal up to PKIT_JWE_P2C_MAX, but seconds per input). */
static const char *
password_for(struct pkit_ctx *ctx, const uint8_t *data, size_t size)
{
	struct pkit_jwe *jwe = NULL;
	const char *pw = "pw";
	json_t *p2c;
	char *s;

	if (!pkit_jwk_data_is_encrypted(data, size))
		return pw;
	if ((s = malloc(size + 1)) == NULL)
		return NULL;
	memcpy(s, data, size);
	s[size] = '\0';
	if (pkit_jwe_parse(ctx, s, size, "fuzz", &jwe) == 0) {
		p2c = jwe->nrcpt ? json_object_get(jwe->rcpts[0].joined,
		    "p2c") : NULL;
		if (json_is_integer(p2c) && json_integer_value(p2c) > 10000)
			pw = NULL;
		pkit_jwe_free(jwe);
	}
	free(s);
	return pw;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pkit_ctx ctx;
	json_t *jwk = NULL, *set = NULL;
	const char *pw;
	size_t i;

	pkit_ctx_init(&ctx);
	ctx.fixed_now = FUZZ_NOW;
	pw = password_for(&ctx, data, size);
	if (pkit_jwk_parse(&ctx, data, size, "fuzz", &jwk) == 0) {
		use_jwk(&ctx, jwk);
		pkit_jwk_free(jwk);
		jwk = NULL;
	}
	if (pkit_jwk_load(&ctx, data, size, pw, "fuzz", &jwk) == 0) {
		use_jwk(&ctx, jwk);
		pkit_jwk_free(jwk);
		jwk = NULL;
	}
	if (pkit_jwks_load(&ctx, data, size, pw, "fuzz", &set) == 0) {
		for (i = 0; i < json_array_size(json_object_get(set, "keys"));
		    i++)
			use_jwk(&ctx, json_array_get(json_object_get(set,
			    "keys"), i));
		(void)pkit_jwks_find(set, "fuzz");
		pkit_jwks_free(set);
	}
	pkit_ctx_release(&ctx);
	return 0;
}

/* fuzz_jose.c - JWS, JWT and JWE: parse (compact and JSON
 * serializations), inspect, verify against fixed EC, Ed25519, RSA and
 * HMAC keys, check claims, lint, and decrypt with the same keys or the
 * password "pw", as `crypto jws/jwt/jwe` verify, inspect and decrypt. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/jwe.h"
#include "lib/jwk.h"
#include "lib/jws.h"
#include "lib/jwt_lint.h"
#include "lib/secret.h"
#include "fuzz.h"

#define NKEYS 5
static struct pkit_jwk_key *keys[NKEYS];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const struct pkit_jwk_spec specs[NKEYS] = {
		{ "EC", "P-256", 0, 0, 0 },
		{ "OKP", "Ed25519", 0, 0, 0 },
		{ "RSA", NULL, 2048, 0, 0 },
		{ "oct", NULL, 0, 32, 0 },
		{ "OKP", "X25519", 0, 0, 0 },
	};
	struct pkit_ctx ctx;
	json_t *jwk = NULL;
	size_t i;

	(void)argc;
	(void)argv;
	pkit_ctx_init(&ctx);
	for (i = 0; i < NKEYS; i++) {
		if (pkit_jwk_generate(&ctx, &specs[i], &jwk) != 0 ||
		    pkit_jwk_key_new(&ctx, jwk, &keys[i]) != 0)
			abort();
		pkit_jwk_free(jwk);
		jwk = NULL;
	}
	pkit_ctx_release(&ctx);
	return 0;
}

static void
jws(struct pkit_ctx *ctx, const char *in, size_t len)
{
	struct pkit_jws *j = NULL;
	struct pkit_jws_verify_opts vo;
	json_t *o = NULL;
	size_t i, which;

	if (pkit_jws_parse(ctx, in, len, "fuzz", &j) != 0)
		return;
	if (pkit_jws_to_inspect(ctx, j, &o) == 0)
		json_decref(o);
	memset(&vo, 0, sizeof(vo));
	for (i = 0; i < NKEYS; i++) {
		vo.insecure = 1;
		(void)pkit_jws_verify(ctx, j, keys[i], &vo, &which);
	}
	if (j->detached)
		(void)pkit_jws_set_payload(ctx, j, (const unsigned char *)"x",
		    1);
	pkit_jws_free(j);
}

static void
jwt(struct pkit_ctx *ctx, const char *in, size_t len)
{
	struct pkit_jwt_verify_opts vo;
	struct pkit_jwt_lint_opts lo;
	struct pkit_jwt_lint_report *rep = NULL;
	json_t *hdr = NULL, *claims = NULL, *o = NULL;
	char *sig = NULL, *text = NULL;
	size_t i;

	if (pkit_jwt_decode(ctx, in, len, &hdr, &claims, &sig) == 0) {
		memset(&vo, 0, sizeof(vo));
		vo.iss = "fuzz";
		vo.aud = "fuzz";
		vo.skew = 60;
		(void)pkit_jwt_check_claims(ctx, claims, &vo, FUZZ_NOW);
		json_decref(hdr);
		json_decref(claims);
		free(sig);
		hdr = claims = NULL;
	}
	if (pkit_jwt_to_inspect(ctx, in, len, &o) == 0)
		json_decref(o);
	memset(&vo, 0, sizeof(vo));
	vo.no_exp_check = 1;
	for (i = 0; i < NKEYS; i++) {
		if (pkit_jwt_verify(ctx, in, len, keys[i], &vo, &hdr,
		    &claims) == 0) {
			json_decref(hdr);
			json_decref(claims);
		}
		hdr = claims = NULL;
	}
	memset(&lo, 0, sizeof(lo));
	lo.key = keys[0];
	if (pkit_jwt_lint(ctx, in, len, &lo, &rep) == 0) {
		if (pkit_jwt_lint_report_text(ctx, rep, "fuzz", &text) == 0)
			free(text);
		text = NULL;
		if (pkit_jwt_lint_report_json(ctx, rep, "fuzz", &text) == 0)
			free(text);
		pkit_jwt_lint_report_free(rep);
	}
}

static void
jwe(struct pkit_ctx *ctx, const char *in, size_t len)
{
	struct pkit_jwe *j = NULL;
	json_t *o = NULL, *p2c;
	unsigned char *pt = NULL;
	size_t i, ptlen = 0;

	if (pkit_jwe_parse(ctx, in, len, "fuzz", &j) != 0)
		return;
	if (pkit_jwe_to_inspect(ctx, j, &o) == 0)
		json_decref(o);
	if (pkit_jwe_needs_password(j)) {
		/* PBES2 counts up to PKIT_JWE_P2C_MAX are legal but slow:
		 * keep the fuzzer fast by trying only small ones */
		p2c = j->nrcpt ? json_object_get(j->rcpts[0].joined, "p2c") :
		    NULL;
		if (json_is_integer(p2c) && json_integer_value(p2c) <= 10000 &&
		    pkit_jwe_decrypt(ctx, j, NULL, "pw", &pt, &ptlen) == 0)
			pkit_secret_free(pt, ptlen);
	} else {
		for (i = 0; i < NKEYS; i++) {
			if (pkit_jwe_decrypt(ctx, j, keys[i], NULL, &pt,
			    &ptlen) == 0)
				pkit_secret_free(pt, ptlen);
			pt = NULL;
		}
	}
	pkit_jwe_free(j);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pkit_ctx ctx;
	char *in;

	/* the library takes text: make it a NUL-terminated copy */
	if ((in = malloc(size + 1)) == NULL)
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	pkit_ctx_init(&ctx);
	ctx.fixed_now = FUZZ_NOW;
	jws(&ctx, in, size);
	jwt(&ctx, in, size);
	jwe(&ctx, in, size);
	pkit_ctx_release(&ctx);
	free(in);
	return 0;
}

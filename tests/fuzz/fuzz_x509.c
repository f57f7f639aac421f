/* fuzz_x509.c - certificates and CSRs, PEM or DER (and PKCS#12): parse as
 * `certificate inspect` does, render the long, short and JSON texts, and
 * lint every certificate in both profiles as `certificate lint` does. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lib/x509.h"
#include "lib/x509_info.h"
#include "lib/x509_lint.h"
#include "fuzz.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static void
lint(struct pkit_ctx *ctx, X509 *crt, X509 *issuer)
{
	struct pkit_lint_report *rep = NULL;
	char *out = NULL;
	int p;

	for (p = PKIT_LINT_PRIVATE; p <= PKIT_LINT_WEB; p++) {
		if (pkit_x509_lint(ctx, crt, issuer, p, &rep) != 0)
			continue;
		if (pkit_lint_report_text(ctx, rep, "fuzz", &out) == 0)
			free(out);
		out = NULL;
		if (pkit_lint_report_json(ctx, rep, "fuzz", &out) == 0)
			free(out);
		out = NULL;
		pkit_lint_report_free(rep);
		rep = NULL;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pkit_ctx ctx;
	struct pkit_x509_input in;
	STACK_OF(X509) *certs = NULL;
	X509_REQ *req = NULL;
	char *out = NULL;
	int fmt, i, n;

	pkit_ctx_init(&ctx);
	ctx.fixed_now = FUZZ_NOW;
	memset(&in, 0, sizeof(in));
	if (pkit_x509_input_parse(&ctx, data, size, "fuzz", "pw", &in) == 0) {
		for (fmt = PKIT_X509_TEXT; fmt <= PKIT_X509_PEM; fmt++) {
			if (pkit_x509_info_render(&ctx, &in, fmt,
			    PKIT_X509_INFO_BUNDLE | PKIT_X509_INFO_WITH_PEM,
			    &out) == 0)
				free(out);
			out = NULL;
		}
		n = in.certs ? sk_X509_num(in.certs) : 0;
		for (i = 0; i < n; i++)
			lint(&ctx, sk_X509_value(in.certs, i), i + 1 < n ?
			    sk_X509_value(in.certs, i + 1) : NULL);
		pkit_x509_input_release(&in);
	}
	if (pkit_x509_parse_certs(&ctx, data, size, "fuzz", &certs) == 0)
		sk_X509_pop_free(certs, X509_free);
	if (pkit_x509_parse_csr(&ctx, data, size, "fuzz", &req) == 0) {
		if (pkit_x509_csr_info_text(&ctx, req, &out) == 0)
			free(out);
		out = NULL;
		if (pkit_x509_csr_info_short(&ctx, req, &out) == 0)
			free(out);
		X509_REQ_free(req);
	}
	pkit_ctx_release(&ctx);
	return 0;
}

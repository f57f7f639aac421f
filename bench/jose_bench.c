/* jose_bench.c - JWT sign and verify throughput through pkit's JOSE
 * library, next to the raw OpenSSL signature over the same input.
 *
 * For each algorithm one key is generated.  "pkit sign" is
 * pkit_jwt_sign() of a typical token (eight claims, a kid, 442
 * bytes of signing input); "pkit verify" is pkit_jwt_verify() of that
 * token with the public key, pinned alg, iss and aud, as `pkit crypto jwt
 * verify` does it.  "raw" is what an application calling OpenSSL directly
 * pays for the signature alone: EVP_DigestSignInit_ex() + EVP_DigestSign()
 * (or Verify) on the token's signing input with the same key, a fresh
 * EVP_MD_CTX per operation.  Before timing, the raw verifier checks the
 * JOSE signature, so both sides work on the same key and bytes.
 *
 *   make bench/jose_bench
 *   bench/jose_bench [-j | -k] [-t SECONDS] [-r ROUNDS] [ALG ...]
 *   bench/jose_bench -p OP [-n COUNT] [ALG ...]
 *
 * Times are CPU time of the process (as `openssl speed` reports), so a
 * loaded machine stretches the run more than it skews the figures.  Each
 * of the -r rounds (default 5) runs the four measurements of an algorithm
 * in turn for -t seconds (default 0.4); the median round is printed.
 * Overhead is how much longer one pkit operation takes than the raw one.
 *
 * -k prints another table: verification against "raw verify, contexts
 * kept", the signature alone with what OpenSSL can set up once per key set
 * up once (an EVP_PKEY_CTX after EVP_PKEY_verify_init() and the fetched
 * digest, or a keyed EVP_MAC_CTX; EdDSA has no such form: as raw), which is
 * what pkit's own per-key cache does.  It is the floor under any JOSE
 * verification.
 *
 * -j prints verification at the JWS layer: "pkit JWS verify" is
 * pkit_jws_parse() + pkit_jws_verify() + pkit_jws_free() of the same
 * compact token with the public key and pinned alg (the header parsed, the
 * payload decoded but not parsed, no claims), next to the raw verification
 * and to pkit_jwt_verify(); both overheads are against the raw one.
 *
 * -p runs one operation (raw-sign, sign, raw-verify, verify,
 * raw-verify-kept, jws-verify) COUNT times
 * (default 1000) and prints nothing, for profilers:
 *   valgrind --tool=callgrind --toggle-collect=op_jose_verify \
 *       bench/jose_bench -p verify RS256
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "lib/codec.h"
#include "lib/jwk.h"
#include "lib/jws.h"

static const struct bench_alg {
	const char *alg;
	const char *kty, *crv;
	long bits;
	const char *md;		/* digest for EVP_DigestSign, NULL: none */
	int pss;
	size_t ec_len;		/* JOSE EC coordinate length */
} bench_algs[] = {
	{ "HS256", "oct", NULL, 0, "SHA256", 0, 0 },
	{ "RS256", "RSA", NULL, 2048, "SHA256", 0, 0 },
	{ "PS256", "RSA", NULL, 2048, "SHA256", 1, 0 },
	{ "ES256", "EC", "P-256", 0, "SHA256", 0, 32 },
	{ "ES384", "EC", "P-384", 0, "SHA384", 0, 48 },
	{ "ES512", "EC", "P-521", 0, "SHA512", 0, 66 },
	{ "EdDSA", "OKP", "Ed25519", 0, NULL, 0, 0 },
};

#define ISS	"https://ca.example.com"
#define AUD	"https://ca.example.com/1.0/sign"

/* One benchmark: the keys, the token and the raw signature. */
struct bench {
	struct pkit_ctx ctx;
	const struct bench_alg *a;
	struct pkit_jwk_key *priv, *pub;
	EVP_PKEY *raw_priv, *raw_pub;	/* HMAC: one key for both */
	json_t *header, *claims;
	char *token;
	size_t token_len, tbs_len;	/* tbs: the token up to its last '.' */
	unsigned char rawsig[1024];
	size_t rawsig_len;
	struct pkit_jwt_verify_opts vo;
	EVP_MD *kept_md;		/* -k: set up once */
	EVP_PKEY_CTX *kept_pctx;
	EVP_MAC_CTX *kept_mac;
};

static void
die(const char *what, struct pkit_ctx *ctx)
{
	unsigned long e = ERR_get_error();

	fprintf(stderr, "jose_bench: %s%s%s%s%s\n", what,
	    ctx != NULL && ctx->errbuf[0] ? ": " : "",
	    ctx != NULL ? ctx->errbuf : "", e ? ": " : "",
	    e ? ERR_reason_error_string(e) : "");
	exit(1);
}

static double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- the four operations --------------------------------------------- */

static int
raw_init(struct bench *b, EVP_MD_CTX *m, int sign)
{
	EVP_PKEY_CTX *pctx = NULL;
	int ok;

	if (sign)
		ok = EVP_DigestSignInit_ex(m, &pctx, b->a->md, b->ctx.libctx,
		    b->ctx.propq, b->raw_priv, NULL) == 1;
	else
		ok = EVP_DigestVerifyInit_ex(m, &pctx, b->a->md,
		    b->ctx.libctx, b->ctx.propq, b->raw_pub, NULL) == 1;
	if (ok && b->a->pss)
		ok = EVP_PKEY_CTX_set_rsa_padding(pctx,
		    RSA_PKCS1_PSS_PADDING) == 1 &&
		    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx,
		    RSA_PSS_SALTLEN_DIGEST) == 1;
	return ok;
}

static int
op_raw_sign(struct bench *b)
{
	EVP_MD_CTX *m;
	unsigned char sig[1024];
	size_t n = sizeof(sig);
	int ok;

	if ((m = EVP_MD_CTX_new()) == NULL)
		return 0;
	ok = raw_init(b, m, 1) && EVP_DigestSign(m, sig, &n,
	    (const unsigned char *)b->token, b->tbs_len) == 1;
	EVP_MD_CTX_free(m);
	return ok;
}

static int
op_raw_verify(struct bench *b)
{
	EVP_MD_CTX *m;
	int ok;

	if ((m = EVP_MD_CTX_new()) == NULL)
		return 0;
	if (b->raw_pub == b->raw_priv) {
		/* HMAC: verifying is signing and comparing. */
		unsigned char mac[EVP_MAX_MD_SIZE];
		size_t n = sizeof(mac);

		ok = raw_init(b, m, 1) && EVP_DigestSign(m, mac, &n,
		    (const unsigned char *)b->token, b->tbs_len) == 1 &&
		    n == b->rawsig_len &&
		    CRYPTO_memcmp(mac, b->rawsig, n) == 0;
	} else {
		ok = raw_init(b, m, 0) && EVP_DigestVerify(m, b->rawsig,
		    b->rawsig_len, (const unsigned char *)b->token,
		    b->tbs_len) == 1;
	}
	EVP_MD_CTX_free(m);
	return ok;
}

static int
op_raw_verify_kept(struct bench *b)
{
	unsigned char h[EVP_MAX_MD_SIZE];
	unsigned int hlen = 0;
	size_t n = sizeof(h);

	if (b->kept_mac != NULL)
		return EVP_MAC_init(b->kept_mac, NULL, 0, NULL) == 1 &&
		    EVP_MAC_update(b->kept_mac,
		    (const unsigned char *)b->token, b->tbs_len) == 1 &&
		    EVP_MAC_final(b->kept_mac, h, &n, sizeof(h)) == 1 &&
		    n == b->rawsig_len && CRYPTO_memcmp(h, b->rawsig, n) == 0;
	if (b->kept_pctx == NULL)
		return op_raw_verify(b);
	return EVP_Digest(b->token, b->tbs_len, h, &hlen, b->kept_md,
	    NULL) == 1 && EVP_PKEY_verify(b->kept_pctx, b->rawsig,
	    b->rawsig_len, h, hlen) == 1;
}

static void
kept_setup(struct bench *b)
{
	OSSL_PARAM params[2];
	EVP_MAC *mac;

	if (b->a->md == NULL)
		return;		/* EdDSA */
	if (b->raw_pub == b->raw_priv) {
		params[0] = OSSL_PARAM_construct_utf8_string(
		    OSSL_MAC_PARAM_DIGEST, (char *)b->a->md, 0);
		params[1] = OSSL_PARAM_construct_end();
		if ((mac = EVP_MAC_fetch(b->ctx.libctx, "HMAC",
		    b->ctx.propq)) == NULL ||
		    (b->kept_mac = EVP_MAC_CTX_new(mac)) == NULL ||
		    EVP_MAC_init(b->kept_mac, b->priv->secret,
		    b->priv->secret_len, params) != 1)
			die("HMAC context", NULL);
		EVP_MAC_free(mac);
		return;
	}
	if ((b->kept_md = EVP_MD_fetch(b->ctx.libctx, b->a->md,
	    b->ctx.propq)) == NULL ||
	    (b->kept_pctx = EVP_PKEY_CTX_new_from_pkey(b->ctx.libctx,
	    b->raw_pub, b->ctx.propq)) == NULL ||
	    EVP_PKEY_verify_init(b->kept_pctx) != 1 ||
	    EVP_PKEY_CTX_set_signature_md(b->kept_pctx, b->kept_md) != 1 ||
	    (b->a->pss && (EVP_PKEY_CTX_set_rsa_padding(b->kept_pctx,
	    RSA_PKCS1_PSS_PADDING) != 1 ||
	    EVP_PKEY_CTX_set_rsa_pss_saltlen(b->kept_pctx,
	    RSA_PSS_SALTLEN_DIGEST) != 1)))
		die("verify context", NULL);
}

static int
op_jose_sign(struct bench *b)
{
	char *tok = NULL;

	if (pkit_jwt_sign(&b->ctx, b->priv, b->a->alg, b->header, b->claims,
	    0, &tok) != 0)
		return 0;
	free(tok);
	return 1;
}

static int
op_jose_verify(struct bench *b)
{
	return pkit_jwt_verify(&b->ctx, b->token, b->token_len, b->pub,
	    &b->vo, NULL, NULL) == 0;
}

/* The JWS layer alone: the compact token parsed (header decoded and
 * parsed, payload decoded, not parsed) and its signature verified with the
 * key and the pinned alg, as `pkit crypto jws verify` does; no claims. */
static int
op_jws_verify(struct bench *b)
{
	struct pkit_jws *jws = NULL;
	struct pkit_jws_verify_opts o;
	int ok;

	memset(&o, 0, sizeof(o));
	o.alg = b->a->alg;
	ok = pkit_jws_parse(&b->ctx, b->token, b->token_len, "token",
	    &jws) == 0 && pkit_jws_verify(&b->ctx, jws, b->pub, &o,
	    NULL) == 0;
	pkit_jws_free(jws);
	return ok;
}

/* ---- set-up ------------------------------------------------------------ */

static struct pkit_jwk_key *
make_key(struct bench *b, json_t *jwk)
{
	struct pkit_jwk_key *k = NULL;

	if (pkit_jwk_key_new(&b->ctx, jwk, &k) != 0)
		die(b->a->alg, &b->ctx);
	return k;
}

/* The JOSE signature of b->token in the form OpenSSL verifies: as is,
 * or for ECDSA r||s as a DER ECDSA-Sig-Value. */
static void
jose_sig_to_raw(struct bench *b, unsigned char *out, size_t *outlen)
{
	const char *dot = strrchr(b->token, '.');
	unsigned char *sig = NULL, *p = out;
	size_t n = 0;

	if (pkit_b64_decode(&b->ctx, PKIT_B64_URL_RAW, dot + 1,
	    strlen(dot + 1), &sig, &n) != 0)
		die("signature", &b->ctx);
	if (b->a->ec_len > 0) {
		ECDSA_SIG *es = ECDSA_SIG_new();
		BIGNUM *r = BN_bin2bn(sig, (int)b->a->ec_len, NULL);
		BIGNUM *s = BN_bin2bn(sig + b->a->ec_len, (int)b->a->ec_len,
		    NULL);
		int len;

		if (n != 2 * b->a->ec_len || es == NULL || r == NULL ||
		    s == NULL || ECDSA_SIG_set0(es, r, s) != 1 ||
		    (len = i2d_ECDSA_SIG(es, NULL)) <= 0 ||
		    (size_t)len > *outlen)
			die("ECDSA signature", NULL);
		i2d_ECDSA_SIG(es, &p);
		*outlen = (size_t)len;
		ECDSA_SIG_free(es);
	} else {
		if (n > *outlen)
			die("signature length", NULL);
		memcpy(out, sig, n);
		*outlen = n;
	}
	free(sig);
}

static void
bench_setup(struct bench *b, const struct bench_alg *a)
{
	struct pkit_jwk_spec spec;
	json_t *jwk = NULL, *pubjwk = NULL;
	char *kid = NULL, *jti = NULL;
	const char *dot;
	time_t now;

	memset(b, 0, sizeof(*b));
	pkit_ctx_init(&b->ctx);
	b->a = a;
	memset(&spec, 0, sizeof(spec));
	spec.kty = a->kty;
	spec.crv = a->crv;
	spec.bits = a->bits;
	if (pkit_jwk_generate(&b->ctx, &spec, &jwk) != 0 ||
	    pkit_jwk_thumbprint(&b->ctx, jwk, &kid) != 0 ||
	    json_object_set_new(jwk, "kid", json_string(kid)) != 0 ||
	    json_object_set_new(jwk, "alg", json_string(a->alg)) != 0 ||
	    json_object_set_new(jwk, "use", json_string("sig")) != 0)
		die(a->alg, &b->ctx);
	if (strcmp(a->kty, "oct") == 0)
		pubjwk = json_incref(jwk);
	else if (pkit_jwk_public(&b->ctx, jwk, &pubjwk) != 0)
		die(a->alg, &b->ctx);
	b->priv = make_key(b, jwk);
	b->pub = make_key(b, pubjwk);
	pkit_jwk_free(jwk);
	json_decref(pubjwk);

	if (b->priv->pkey != NULL) {
		b->raw_priv = b->priv->pkey;
		b->raw_pub = b->pub->pkey;
	} else if ((b->raw_priv = b->raw_pub =
	    EVP_PKEY_new_raw_private_key_ex(b->ctx.libctx, "HMAC",
	    b->ctx.propq, b->priv->secret, b->priv->secret_len)) == NULL) {
		die("HMAC key", NULL);
	}

	/* The claims of a step one-time token. */
	now = time(NULL);
	if (pkit_jwt_new_jti(&b->ctx, &jti) != 0)
		die("jti", &b->ctx);
	b->header = json_pack("{s:s}", "kid", kid);
	b->claims = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:s, s:[s]}",
	    "iss", ISS, "sub", "bench.example.com", "aud", AUD,
	    "iat", (json_int_t)now, "nbf", (json_int_t)now,
	    "exp", (json_int_t)now + 3600, "jti", jti,
	    "sans", "bench.example.com");
	if (b->header == NULL || b->claims == NULL)
		die("claims", NULL);
	free(kid);
	free(jti);
	if (pkit_jwt_sign(&b->ctx, b->priv, a->alg, b->header, b->claims, 0,
	    &b->token) != 0)
		die(a->alg, &b->ctx);
	b->token_len = strlen(b->token);
	dot = strrchr(b->token, '.');
	b->tbs_len = (size_t)(dot - b->token);

	b->vo.alg = a->alg;
	b->vo.iss = ISS;
	b->vo.aud = AUD;
	b->vo.skew = PKIT_JWT_SKEW;

	/* Same key, same bytes: the raw verifier accepts the JOSE
	 * signature, and pkit accepts the token. */
	b->rawsig_len = sizeof(b->rawsig);
	jose_sig_to_raw(b, b->rawsig, &b->rawsig_len);
	if (!op_raw_verify(b))
		die("raw verification of the JOSE signature failed", NULL);
	if (!op_jose_verify(b))
		die(a->alg, &b->ctx);
	/* The raw verifier is then timed on a raw signature (for HMAC, RSA
	 * and EdDSA the same bytes). */
	if (b->a->ec_len > 0) {
		EVP_MD_CTX *m = EVP_MD_CTX_new();

		b->rawsig_len = sizeof(b->rawsig);
		if (m == NULL || !raw_init(b, m, 1) ||
		    EVP_DigestSign(m, b->rawsig, &b->rawsig_len,
		    (const unsigned char *)b->token, b->tbs_len) != 1)
			die("raw signature", NULL);
		EVP_MD_CTX_free(m);
	}
	kept_setup(b);
	if (!op_raw_sign(b) || !op_raw_verify(b) || !op_jose_sign(b) ||
	    !op_raw_verify_kept(b) || !op_jws_verify(b))
		die(a->alg, &b->ctx);
}

static void
bench_free(struct bench *b)
{
	if (b->raw_priv != NULL && b->priv->pkey == NULL)
		EVP_PKEY_free(b->raw_priv);
	EVP_MD_free(b->kept_md);
	EVP_PKEY_CTX_free(b->kept_pctx);
	EVP_MAC_CTX_free(b->kept_mac);
	pkit_jwk_key_free(b->priv);
	pkit_jwk_key_free(b->pub);
	json_decref(b->header);
	json_decref(b->claims);
	free(b->token);
	pkit_ctx_release(&b->ctx);
}

/* ---- timing ------------------------------------------------------------ */

/* Operations per CPU second of op over about secs seconds.  Operations
 * run in batches so that reading the clock costs nothing noticeable. */
static double
measure(struct bench *b, int (*op)(struct bench *), double secs)
{
	double t0, t, batch_t;
	long n = 0, batch = 1, i;

	t0 = cpu_now();
	for (;;) {
		batch_t = cpu_now();
		for (i = 0; i < batch; i++)
			if (!op(b))
				die(b->a->alg, &b->ctx);
		n += batch;
		t = cpu_now();
		if (t - t0 >= secs)
			break;
		if (t - batch_t < 0.01)
			batch *= 2;
	}
	return n / (t - t0);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void
run(const struct bench_alg *a, double secs, int rounds, int first)
{
	int (*const ops[4])(struct bench *) = {
		op_raw_sign, op_jose_sign, op_raw_verify, op_jose_verify
	};
	double *v[4], m[4];
	struct bench b;
	int i, k;

	bench_setup(&b, a);
	if (first) {
		printf("# signing input %zu bytes (%s)\n", b.tbs_len, a->alg);
		printf("| alg | raw sign/s | pkit sign/s | overhead "
		    "| raw verify/s | pkit verify/s | overhead |\n");
		printf("|---|---:|---:|---:|---:|---:|---:|\n");
	}
	for (k = 0; k < 4; k++)
		if ((v[k] = calloc((size_t)rounds, sizeof(double))) == NULL)
			die("out of memory", NULL);
	measure(&b, op_jose_verify, secs / 4);	/* warm up */
	for (i = 0; i < rounds; i++)
		for (k = 0; k < 4; k++)
			v[k][i] = measure(&b, ops[k], secs);
	for (k = 0; k < 4; k++) {
		m[k] = median(v[k], rounds);
		free(v[k]);
	}
	printf("| %s | %.0f | %.0f | %+.1f%% | %.0f | %.0f | %+.1f%% |\n",
	    a->alg, m[0], m[1], (m[0] / m[1] - 1) * 100, m[2], m[3],
	    (m[2] / m[3] - 1) * 100);
	fflush(stdout);
	bench_free(&b);
}

/* -k: verification next to the signature with its contexts kept. */
static void
run_kept(const struct bench_alg *a, double secs, int rounds, int first)
{
	double *v[2], m[2];
	struct bench b;
	int i, k;

	bench_setup(&b, a);
	if (first) {
		printf("| alg | raw verify, contexts kept/s | pkit verify/s "
		    "| overhead |\n");
		printf("|---|---:|---:|---:|\n");
	}
	for (k = 0; k < 2; k++)
		if ((v[k] = calloc((size_t)rounds, sizeof(double))) == NULL)
			die("out of memory", NULL);
	measure(&b, op_jose_verify, secs / 4);	/* warm up */
	for (i = 0; i < rounds; i++) {
		v[0][i] = measure(&b, op_raw_verify_kept, secs);
		v[1][i] = measure(&b, op_jose_verify, secs);
	}
	for (k = 0; k < 2; k++) {
		m[k] = median(v[k], rounds);
		free(v[k]);
	}
	printf("| %s | %.0f | %.0f | %+.1f%% |\n", a->alg, m[0], m[1],
	    (m[0] / m[1] - 1) * 100);
	fflush(stdout);
	bench_free(&b);
}

/* -j: verification at the JWS layer next to the raw signature and to the
 * whole JWT verification. */
static void
run_jws(const struct bench_alg *a, double secs, int rounds, int first)
{
	int (*const ops[3])(struct bench *) = {
		op_raw_verify, op_jws_verify, op_jose_verify
	};
	double *v[3], m[3];
	struct bench b;
	int i, k;

	bench_setup(&b, a);
	if (first) {
		printf("| alg | raw verify/s | pkit JWS verify/s | overhead "
		    "| pkit JWT verify/s | overhead |\n");
		printf("|---|---:|---:|---:|---:|---:|\n");
	}
	for (k = 0; k < 3; k++)
		if ((v[k] = calloc((size_t)rounds, sizeof(double))) == NULL)
			die("out of memory", NULL);
	measure(&b, op_jws_verify, secs / 4);	/* warm up */
	for (i = 0; i < rounds; i++)
		for (k = 0; k < 3; k++)
			v[k][i] = measure(&b, ops[k], secs);
	for (k = 0; k < 3; k++) {
		m[k] = median(v[k], rounds);
		free(v[k]);
	}
	printf("| %s | %.0f | %.0f | %+.1f%% | %.0f | %+.1f%% |\n", a->alg,
	    m[0], m[1], (m[0] / m[1] - 1) * 100, m[2],
	    (m[0] / m[2] - 1) * 100);
	fflush(stdout);
	bench_free(&b);
}

static const struct bench_op {
	const char *name;
	int (*fn)(struct bench *);
} bench_ops[] = {
	{ "raw-sign", op_raw_sign },
	{ "sign", op_jose_sign },
	{ "raw-verify", op_raw_verify },
	{ "verify", op_jose_verify },
	{ "raw-verify-kept", op_raw_verify_kept },
	{ "jws-verify", op_jws_verify },
};

#define NALGS	(sizeof(bench_algs) / sizeof(bench_algs[0]))
#define NOPS	(sizeof(bench_ops) / sizeof(bench_ops[0]))

/* Profiling mode: count runs of one operation, untimed. */
static void
run_one(const struct bench_alg *a, int (*fn)(struct bench *), long count)
{
	struct bench b;
	long i;

	bench_setup(&b, a);
	for (i = 0; i < count; i++)
		if (!fn(&b))
			die(a->alg, &b.ctx);
	bench_free(&b);
}

static void
usage(void)
{
	fprintf(stderr, "usage: jose_bench [-j | -k] [-t seconds] "
	    "[-r rounds] [alg ...]\n"
	    "       jose_bench -p raw-sign|sign|raw-verify|verify|"
	    "raw-verify-kept|jws-verify [-n count] [alg ...]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	double secs = 0.4, load[3] = { 0, 0, 0 };
	int (*prof)(struct bench *) = NULL;
	int want[NALGS];
	long count = 1000;
	size_t i;
	int c, j, rounds = 5, kept = 0, jwsl = 0;

	while ((c = getopt(argc, argv, "jkn:p:r:t:")) != -1) {
		switch (c) {
		case 'j':
			jwsl = 1;
			break;
		case 'k':
			kept = 1;
			break;
		case 'n':
			count = strtol(optarg, NULL, 10);
			break;
		case 'p':
			for (i = 0; i < NOPS; i++)
				if (strcmp(optarg, bench_ops[i].name) == 0)
					prof = bench_ops[i].fn;
			if (prof == NULL)
				usage();
			break;
		case 'r':
			rounds = (int)strtol(optarg, NULL, 10);
			break;
		case 't':
			secs = strtod(optarg, NULL);
			break;
		default:
			usage();
		}
	}
	if (secs <= 0 || rounds < 1 || count < 1 || (kept && jwsl))
		usage();
	for (i = 0; i < NALGS; i++)
		want[i] = optind == argc;
	for (j = optind; j < argc; j++) {
		for (i = 0; i < NALGS; i++)
			if (strcmp(argv[j], bench_algs[i].alg) == 0)
				break;
		if (i == NALGS) {
			fprintf(stderr, "jose_bench: unknown algorithm %s\n",
			    argv[j]);
			usage();
		}
		want[i] = 1;
	}
	if (prof != NULL) {
		for (i = 0; i < NALGS; i++)
			if (want[i])
				run_one(&bench_algs[i], prof, count);
		return 0;
	}
	if (getloadavg(load, 3) < 0)
		load[0] = load[1] = load[2] = -1;
	printf("# %s; load average %.2f %.2f %.2f; %d rounds of %.2f s, "
	    "median; ops per CPU second\n",
	    OpenSSL_version(OPENSSL_VERSION), load[0], load[1], load[2],
	    rounds, secs);
	for (i = 0, j = 1; i < NALGS; i++) {
		if (want[i]) {
			if (jwsl)
				run_jws(&bench_algs[i], secs, rounds, j);
			else if (kept)
				run_kept(&bench_algs[i], secs, rounds, j);
			else
				run(&bench_algs[i], secs, rounds, j);
			j = 0;
		}
	}
	return 0;
}

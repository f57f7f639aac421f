/* jwt_lint.c - the JWT rule table and its checks.
 *
 * Each rule is a row: id, level, source, summary and a check.  A check
 * returns -1 when it does not apply (no key given, claim absent ...), 0
 * when the token passes, 1 with a message when it does not.  The checks
 * read a decoded view of the token that is built once, without trusting
 * anything in it.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "codec.h"
#include "jws.h"
#include "jwt_lint.h"
#include "timeutil.h"

/* What the checks look at. */
struct lint {
	struct pkit_ctx *ctx;
	const struct pkit_jwt_lint_opts *o;
	const char *token;
	size_t len;
	time_t now;
	long skew, max_lifetime;
	size_t max_size;
	int parts;		/* number of dot-separated parts */
	int dup;		/* a duplicate member name was found */
	const char *bad;	/* why the token could not be decoded */
	json_t *header;		/* NULL when it could not be decoded */
	json_t *claims;		/* NULL when not a JSON object */
	int claims_bad;		/* the payload is no JSON object */
	unsigned char *sig;
	size_t sig_len;
	const char *alg;
};

typedef int (*check_fn)(struct lint *, char *, size_t);

struct row {
	struct pkit_jwt_lint_rule rule;
	check_fn check;
};

static const char *registered_algs[] = {
	"HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256",
	"PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA", NULL
};

static const char *
str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* ---- token ------------------------------------------------------------ */

static int
c_malformed(struct lint *l, char *m, size_t n)
{
	if (l->bad == NULL)
		return 0;
	snprintf(m, n, "%s", l->bad);
	return 1;
}

static int
c_size(struct lint *l, char *m, size_t n)
{
	if (l->len <= l->max_size)
		return 0;
	snprintf(m, n, "the token is %zu bytes, over %zu (HTTP headers are "
	    "often limited to 8 KiB)", l->len, l->max_size);
	return 1;
}

static int
c_duplicate(struct lint *l, char *m, size_t n)
{
	if (!l->dup)
		return 0;
	snprintf(m, n, "a member name appears twice in the header or claims; "
	    "parsers disagree on which one wins");
	return 1;
}

/* ---- header ------------------------------------------------------------ */

static int
c_alg_missing(struct lint *l, char *m, size_t n)
{
	if (l->header == NULL)
		return -1;
	if (l->alg != NULL)
		return 0;
	snprintf(m, n, "the header has no \"alg\" string");
	return 1;
}

static int
c_alg_none(struct lint *l, char *m, size_t n)
{
	if (l->alg == NULL)
		return -1;
	if (strcasecmp(l->alg, "none") != 0)
		return 0;
	snprintf(m, n, "alg is \"%s\": the token is not signed, anyone can "
	    "make it", l->alg);
	return 1;
}

static int
c_alg_unknown(struct lint *l, char *m, size_t n)
{
	size_t i;

	if (l->alg == NULL || strcasecmp(l->alg, "none") == 0)
		return -1;
	for (i = 0; registered_algs[i] != NULL; i++)
		if (strcmp(l->alg, registered_algs[i]) == 0)
			return 0;
	snprintf(m, n, "alg \"%s\" is not a JWS algorithm pkit knows", l->alg);
	return 1;
}

static int
c_alg_hmac(struct lint *l, char *m, size_t n)
{
	if (l->alg == NULL)
		return -1;
	if (strncmp(l->alg, "HS", 2) != 0)
		return 0;
	snprintf(m, n, "%s uses a shared secret: whoever can verify the "
	    "token can also make one", l->alg);
	return 1;
}

static int
c_typ_missing(struct lint *l, char *m, size_t n)
{
	if (l->header == NULL)
		return -1;
	if (json_object_get(l->header, "typ") != NULL)
		return 0;
	snprintf(m, n, "no \"typ\": nothing tells this token from other JOSE "
	    "objects signed with the same key");
	return 1;
}

static int
c_typ_expected(struct lint *l, char *m, size_t n)
{
	const char *typ;

	if (l->header == NULL || l->o->typ == NULL)
		return -1;
	typ = str(l->header, "typ");
	if (typ != NULL && strcasecmp(typ, l->o->typ) == 0)
		return 0;
	snprintf(m, n, "typ is %s%s%s, expected \"%s\"", typ ? "\"" : "",
	    typ ? typ : "absent", typ ? "\"" : "", l->o->typ);
	return 1;
}

static int
c_typ_not_jwt(struct lint *l, char *m, size_t n)
{
	const char *typ;
	size_t tl;

	if (l->header == NULL || json_object_get(l->header, "typ") == NULL ||
	    l->o->typ != NULL)
		return -1;
	if ((typ = str(l->header, "typ")) == NULL) {
		snprintf(m, n, "typ is not a string");
		return 1;
	}
	tl = strlen(typ);
	if (strcasecmp(typ, "JWT") == 0 ||
	    strcasecmp(typ, "application/jwt") == 0 ||
	    (tl > 4 && strcasecmp(typ + tl - 4, "+jwt") == 0))
		return 0;
	snprintf(m, n, "typ \"%s\" does not say JWT", typ);
	return 1;
}

static int
c_kid_missing(struct lint *l, char *m, size_t n)
{
	if (l->header == NULL || l->o->jwks == NULL)
		return -1;
	if (str(l->header, "kid") != NULL)
		return 0;
	snprintf(m, n, "no \"kid\": with a JWK Set the verifier must guess "
	    "the key");
	return 1;
}

static int
c_kid_unknown(struct lint *l, char *m, size_t n)
{
	const char *kid;

	if (l->header == NULL || l->o->jwks == NULL ||
	    (kid = str(l->header, "kid")) == NULL)
		return -1;
	if (pkit_jwks_find(l->o->jwks, kid) != NULL)
		return 0;
	snprintf(m, n, "kid \"%s\" is not in the JWK Set", kid);
	return 1;
}

static int
header_member(struct lint *l, const char *name, const char *why, char *m,
    size_t n)
{
	if (l->header == NULL)
		return -1;
	if (json_object_get(l->header, name) == NULL)
		return 0;
	snprintf(m, n, "%s", why);
	return 1;
}

static int
c_jku(struct lint *l, char *m, size_t n)
{
	return header_member(l, "jku", "\"jku\" points verifiers at a key set "
	    "the token chooses: trusting it lets anyone inject a key", m, n);
}

static int
c_x5u(struct lint *l, char *m, size_t n)
{
	return header_member(l, "x5u", "\"x5u\" points verifiers at a "
	    "certificate the token chooses: a key-injection risk", m, n);
}

static int
c_jwk(struct lint *l, char *m, size_t n)
{
	return header_member(l, "jwk", "\"jwk\" embeds the verification key: "
	    "a verifier that uses it accepts any signer", m, n);
}

static int
c_x5c(struct lint *l, char *m, size_t n)
{
	return header_member(l, "x5c", "\"x5c\" carries a certificate chain; "
	    "it proves nothing until validated against trusted roots", m, n);
}

static int
c_crit(struct lint *l, char *m, size_t n)
{
	return header_member(l, "crit", "\"crit\" names extensions that "
	    "verifiers must understand or reject the token (pkit rejects it)",
	    m, n);
}

static int
c_cty_jwt(struct lint *l, char *m, size_t n)
{
	const char *cty;

	if (l->header == NULL || (cty = str(l->header, "cty")) == NULL)
		return -1;
	if (strcasecmp(cty, "JWT") != 0)
		return 0;
	snprintf(m, n, "cty \"JWT\": a nested token, which needs its own "
	    "verification");
	return 1;
}

static int
c_b64(struct lint *l, char *m, size_t n)
{
	json_t *v;

	if (l->header == NULL || (v = json_object_get(l->header, "b64")) ==
	    NULL)
		return -1;
	if (json_is_true(v))
		return 0;
	snprintf(m, n, "\"b64\": false is not allowed in a JWT");
	return 1;
}

/* ---- signature and key ----------------------------------------------- */

static int
c_sig_missing(struct lint *l, char *m, size_t n)
{
	if (l->header == NULL || l->alg == NULL ||
	    strcasecmp(l->alg, "none") == 0)
		return -1;
	if (l->sig_len > 0)
		return 0;
	snprintf(m, n, "alg is %s but the signature is empty", l->alg);
	return 1;
}

static size_t
sig_size(const char *alg)
{
	static const struct { const char *alg; size_t n; } t[] = {
		{ "HS256", 32 }, { "HS384", 48 }, { "HS512", 64 },
		{ "ES256", 64 }, { "ES384", 96 }, { "ES512", 132 },
		{ "EdDSA", 64 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(t[i].alg, alg) == 0)
			return t[i].n;
	return 0;
}

static int
c_sig_length(struct lint *l, char *m, size_t n)
{
	size_t want;

	if (l->alg == NULL || l->sig_len == 0)
		return -1;
	if ((want = sig_size(l->alg)) == 0) {
		if (l->o->key == NULL || strcmp(l->o->key->kty, "RSA") != 0 ||
		    (l->alg[0] != 'R' && l->alg[0] != 'P'))
			return -1;
		want = (size_t)(l->o->key->bits + 7) / 8;
	}
	if (l->sig_len == want)
		return 0;
	snprintf(m, n, "the %s signature is %zu bytes, not %zu%s", l->alg,
	    l->sig_len, want, l->alg[0] == 'E' && l->alg[1] == 'S' ?
	    " (a DER ECDSA signature instead of R||S?)" : "");
	return 1;
}

static int
c_key_alg(struct lint *l, char *m, size_t n)
{
	struct pkit_ctx quiet;
	int r;

	if (l->o->key == NULL || l->alg == NULL || (sig_size(l->alg) == 0 &&
	    l->alg[0] != 'R' && l->alg[0] != 'P'))
		return -1;
	pkit_ctx_init(&quiet);
	quiet.libctx = l->ctx->libctx;
	r = pkit_jws_alg_check(&quiet, l->o->key, l->alg, 0, 1);
	if (r == 0)
		return 0;
	snprintf(m, n, "%s", strncmp(quiet.errbuf, "JWS: ", 5) == 0 ?
	    quiet.errbuf + 5 : quiet.errbuf);
	return 1;
}

static int
c_hmac_short(struct lint *l, char *m, size_t n)
{
	size_t want;

	if (l->o->key == NULL || l->alg == NULL ||
	    strncmp(l->alg, "HS", 2) != 0 ||
	    strcmp(l->o->key->kty, "oct") != 0 ||
	    (want = sig_size(l->alg)) == 0)
		return -1;
	if (l->o->key->secret_len >= want)
		return 0;
	snprintf(m, n, "the %s key is %zu bytes, shorter than the %zu-byte "
	    "hash", l->alg, l->o->key->secret_len, want);
	return 1;
}

static int
c_sig_invalid(struct lint *l, char *m, size_t n)
{
	struct pkit_jws_verify_opts vo;
	struct pkit_jws *jws = NULL;
	struct pkit_ctx quiet;
	int r;

	if (l->o->key == NULL || l->header == NULL || l->alg == NULL ||
	    strcasecmp(l->alg, "none") == 0)
		return -1;
	pkit_ctx_init(&quiet);
	quiet.libctx = l->ctx->libctx;
	quiet.propq = l->ctx->propq;
	memset(&vo, 0, sizeof(vo));
	vo.alg = l->alg;
	vo.insecure = 1;
	if ((r = pkit_jws_parse(&quiet, l->token, l->len, "JWT", &jws)) == 0)
		r = pkit_jws_verify(&quiet, jws, l->o->key, &vo, NULL);
	pkit_jws_free(jws);
	if (r == 0)
		return 0;
	snprintf(m, n, "the signature does not verify with the key: %s",
	    strncmp(quiet.errbuf, "JWS: ", 5) == 0 ? quiet.errbuf + 5 :
	    quiet.errbuf);
	return 1;
}

/* ---- claims ------------------------------------------------------------ */

static int
c_claims_object(struct lint *l, char *m, size_t n)
{
	if (l->header == NULL)
		return -1;
	if (!l->claims_bad)
		return 0;
	snprintf(m, n, "the payload is not a JSON object of claims");
	return 1;
}

static int
claim_missing(struct lint *l, const char *name, const char *why, char *m,
    size_t n)
{
	if (l->claims == NULL)
		return -1;
	if (json_object_get(l->claims, name) != NULL)
		return 0;
	snprintf(m, n, "no \"%s\": %s", name, why);
	return 1;
}

static int
c_exp_missing(struct lint *l, char *m, size_t n)
{
	return claim_missing(l, "exp", "the token never expires", m, n);
}

static int
c_iat_missing(struct lint *l, char *m, size_t n)
{
	return claim_missing(l, "iat", "its age cannot be told", m, n);
}

static int
c_aud_missing(struct lint *l, char *m, size_t n)
{
	return claim_missing(l, "aud", "any service that trusts the issuer "
	    "accepts it", m, n);
}

static int
c_iss_missing(struct lint *l, char *m, size_t n)
{
	return claim_missing(l, "iss", "verifiers cannot tell whose token it "
	    "is", m, n);
}

static int
c_sub_missing(struct lint *l, char *m, size_t n)
{
	return claim_missing(l, "sub", "the token is about no one", m, n);
}

static int
c_jti_missing(struct lint *l, char *m, size_t n)
{
	return claim_missing(l, "jti", "verifiers cannot refuse a replay", m,
	    n);
}

/* A NumericDate claim: 1 and *t when it is a number. */
static int
num(const struct lint *l, const char *name, double *t)
{
	json_t *v = json_object_get(l->claims, name);

	if (v == NULL || !json_is_number(v))
		return 0;
	*t = json_number_value(v);
	return 1;
}

static int
c_time_type(struct lint *l, char *m, size_t n)
{
	static const char *names[] = { "exp", "nbf", "iat" };
	size_t i;

	if (l->claims == NULL)
		return -1;
	for (i = 0; i < 3; i++) {
		json_t *v = json_object_get(l->claims, names[i]);

		if (v != NULL && !json_is_number(v)) {
			snprintf(m, n, "\"%s\" is not a number of seconds "
			    "(NumericDate)", names[i]);
			return 1;
		}
	}
	return 0;
}

static int
c_time_millis(struct lint *l, char *m, size_t n)
{
	static const char *names[] = { "exp", "nbf", "iat" };
	double t;
	size_t i;

	if (l->claims == NULL)
		return -1;
	for (i = 0; i < 3; i++) {
		/* Year 5138 in seconds; a time in milliseconds since 1973. */
		if (num(l, names[i], &t) && t > 1e11) {
			snprintf(m, n, "\"%s\" is %.0f: milliseconds, not "
			    "seconds?", names[i], t);
			return 1;
		}
	}
	return 0;
}

static void
when(double t, char *buf, size_t size)
{
	if (t < 0 || t > 253402300799.0)
		snprintf(buf, size, "%.0f", t);
	else
		pkit_time_format((time_t)t, buf, size);
}

/* A span of secs seconds in Go's duration form, or in plain seconds when
 * it does not fit in int64 nanoseconds (claims are any JSON number). */
static void
span(double secs, char *buf, size_t size)
{
	if (secs >= 0 && secs < (double)(INT64_MAX / PKIT_NS_PER_SEC))
		pkit_duration_format((int64_t)secs * PKIT_NS_PER_SEC, buf,
		    size);
	else
		snprintf(buf, size, "%.0fs", secs);
}

static int
c_exp_expired(struct lint *l, char *m, size_t n)
{
	char w[64], d[64];
	double exp;

	if (l->claims == NULL || !num(l, "exp", &exp))
		return -1;
	if ((double)l->now - l->skew < exp)
		return 0;
	when(exp, w, sizeof(w));
	span((double)l->now - exp, d, sizeof(d));
	snprintf(m, n, "the token expired at %s, %s ago", w, d);
	return 1;
}

static int
c_nbf_future(struct lint *l, char *m, size_t n)
{
	char w[64];
	double nbf;

	if (l->claims == NULL || !num(l, "nbf", &nbf))
		return -1;
	if (nbf <= (double)l->now + l->skew)
		return 0;
	when(nbf, w, sizeof(w));
	snprintf(m, n, "the token is not valid before %s", w);
	return 1;
}

static int
c_iat_future(struct lint *l, char *m, size_t n)
{
	char w[64];
	double iat;

	if (l->claims == NULL || !num(l, "iat", &iat))
		return -1;
	if (iat <= (double)l->now + l->skew)
		return 0;
	when(iat, w, sizeof(w));
	snprintf(m, n, "the token says it was issued at %s, in the future", w);
	return 1;
}

static int
c_nbf_after_exp(struct lint *l, char *m, size_t n)
{
	double nbf, exp;

	if (l->claims == NULL || !num(l, "nbf", &nbf) || !num(l, "exp", &exp))
		return -1;
	if (nbf < exp)
		return 0;
	snprintf(m, n, "nbf (%.0f) is not before exp (%.0f): the token is "
	    "never valid", nbf, exp);
	return 1;
}

static int
c_iat_after_exp(struct lint *l, char *m, size_t n)
{
	double iat, exp;

	if (l->claims == NULL || !num(l, "iat", &iat) || !num(l, "exp", &exp))
		return -1;
	if (iat < exp)
		return 0;
	snprintf(m, n, "iat (%.0f) is not before exp (%.0f)", iat, exp);
	return 1;
}

static int
c_lifetime(struct lint *l, char *m, size_t n)
{
	char d[64], lim[64];
	double start, exp;

	if (l->claims == NULL || !num(l, "exp", &exp) ||
	    (!num(l, "nbf", &start) && !num(l, "iat", &start)) || start >= exp)
		return -1;
	if (exp - start <= (double)l->max_lifetime)
		return 0;
	span(exp - start, d, sizeof(d));
	span((double)l->max_lifetime, lim, sizeof(lim));
	snprintf(m, n, "the token is valid for %s, longer than %s", d, lim);
	return 1;
}

static int
c_aud_type(struct lint *l, char *m, size_t n)
{
	json_t *aud, *v;
	size_t i;

	if (l->claims == NULL || (aud = json_object_get(l->claims, "aud")) ==
	    NULL)
		return -1;
	if (json_is_string(aud))
		return 0;
	if (json_is_array(aud) && json_array_size(aud) > 0) {
		json_array_foreach(aud, i, v)
			if (!json_is_string(v))
				break;
		if (i == json_array_size(aud))
			return 0;
	}
	snprintf(m, n, "\"aud\" is neither a string nor a non-empty array of "
	    "strings");
	return 1;
}

static int
c_string_claims(struct lint *l, char *m, size_t n)
{
	static const char *names[] = { "iss", "sub", "jti" };
	size_t i;

	if (l->claims == NULL)
		return -1;
	for (i = 0; i < 3; i++) {
		json_t *v = json_object_get(l->claims, names[i]);

		if (v != NULL && !json_is_string(v)) {
			snprintf(m, n, "\"%s\" is not a string", names[i]);
			return 1;
		}
	}
	return 0;
}

/* ---- the table --------------------------------------------------------- */

#define E PKIT_LINT_ERROR
#define W PKIT_LINT_WARN
#define N PKIT_LINT_NOTICE

static const struct row rows[] = {
	{ { "token.malformed", E, "RFC 7519 7.2",
	    "a compact JWS: three base64url parts, JSON header and claims" },
	  c_malformed },
	{ { "token.size", W, "RFC 8725 3.12",
	    "the token fits the size limit (--max-size, 8 KiB)" }, c_size },
	{ { "token.duplicate-member", E, "RFC 7519 4",
	    "no member name appears twice in the header or claims" },
	  c_duplicate },
	{ { "header.alg.missing", E, "RFC 7515 4.1.1",
	    "the header has an \"alg\"" }, c_alg_missing },
	{ { "header.alg.none", E, "RFC 8725 3.1",
	    "alg is not \"none\" (an unsigned token)" }, c_alg_none },
	{ { "header.alg.unknown", E, "RFC 7518 3.1",
	    "alg is a registered JWS algorithm" }, c_alg_unknown },
	{ { "header.alg.hmac", N, "RFC 8725 3.5",
	    "HS* shares the signing key with every verifier" }, c_alg_hmac },
	{ { "header.typ.missing", N, "RFC 8725 3.11",
	    "a \"typ\" tells the token from other JOSE objects" },
	  c_typ_missing },
	{ { "header.typ.unexpected", E, "RFC 8725 3.11",
	    "typ is the one expected (--typ)" }, c_typ_expected },
	{ { "header.typ.not-jwt", W, "RFC 7519 5.1",
	    "typ says JWT (JWT, application/jwt or *+jwt)" }, c_typ_not_jwt },
	{ { "header.kid.missing", W, "RFC 7515 4.1.4",
	    "with a JWK Set, a \"kid\" selects the key" }, c_kid_missing },
	{ { "header.kid.unknown", E, "RFC 7515 4.1.4",
	    "the \"kid\" is in the JWK Set" }, c_kid_unknown },
	{ { "header.jku", W, "RFC 8725 3.10",
	    "no \"jku\": keys from a URL the token names" }, c_jku },
	{ { "header.x5u", W, "RFC 8725 3.10",
	    "no \"x5u\": a certificate from a URL the token names" }, c_x5u },
	{ { "header.jwk", W, "RFC 7515 4.1.3",
	    "no embedded \"jwk\" verification key" }, c_jwk },
	{ { "header.x5c", N, "RFC 7515 4.1.6",
	    "an \"x5c\" chain must be validated before use" }, c_x5c },
	{ { "header.crit", W, "RFC 7515 4.1.11",
	    "no \"crit\" extensions" }, c_crit },
	{ { "header.cty.jwt", W, "RFC 7519 5.2",
	    "not a nested JWT (cty \"JWT\")" }, c_cty_jwt },
	{ { "header.b64", E, "RFC 7797 6",
	    "claims are base64url-encoded (no \"b64\": false)" }, c_b64 },
	{ { "signature.missing", E, "RFC 7515 5.2",
	    "a signed token carries a signature" }, c_sig_missing },
	{ { "signature.length", E, "RFC 7518 3",
	    "the signature has the length of its algorithm" }, c_sig_length },
	{ { "key.alg-mismatch", E, "RFC 8725 3.1",
	    "alg suits the given key (no HMAC keyed with a public key)" },
	  c_key_alg },
	{ { "key.hmac-short", E, "RFC 7518 3.2",
	    "an HMAC key is at least as long as the hash" }, c_hmac_short },
	{ { "signature.invalid", E, "RFC 7515 5.2",
	    "the signature verifies with the given key" }, c_sig_invalid },
	{ { "claims.not-object", E, "RFC 7519 7.2",
	    "the payload is a JSON object" }, c_claims_object },
	{ { "claims.exp.missing", E, "RFC 7519 4.1.4",
	    "an \"exp\" bounds the token's life" }, c_exp_missing },
	{ { "claims.exp.expired", W, "RFC 7519 4.1.4",
	    "the token has not expired" }, c_exp_expired },
	{ { "claims.nbf.future", N, "RFC 7519 4.1.5",
	    "the token is already valid (nbf)" }, c_nbf_future },
	{ { "claims.iat.missing", W, "RFC 7519 4.1.6",
	    "an \"iat\" tells the token's age" }, c_iat_missing },
	{ { "claims.iat.future", E, "RFC 7519 4.1.6",
	    "iat is not in the future" }, c_iat_future },
	{ { "claims.nbf.after-exp", E, "RFC 7519 4.1.5",
	    "nbf is before exp" }, c_nbf_after_exp },
	{ { "claims.iat.after-exp", E, "RFC 7519 4.1.6",
	    "iat is before exp" }, c_iat_after_exp },
	{ { "claims.lifetime", W, "RFC 8725 3.8",
	    "the lifetime is within --max-lifetime (24h)" }, c_lifetime },
	{ { "claims.time.type", E, "RFC 7519 2",
	    "exp, nbf and iat are numbers (NumericDate)" }, c_time_type },
	{ { "claims.time.millis", W, "RFC 7519 2",
	    "times are in seconds, not milliseconds" }, c_time_millis },
	{ { "claims.aud.missing", W, "RFC 8725 3.9",
	    "an \"aud\" names the intended recipient" }, c_aud_missing },
	{ { "claims.aud.type", E, "RFC 7519 4.1.3",
	    "aud is a string or an array of strings" }, c_aud_type },
	{ { "claims.iss.missing", W, "RFC 8725 3.8",
	    "an \"iss\" names the issuer" }, c_iss_missing },
	{ { "claims.sub.missing", N, "RFC 7519 4.1.2",
	    "a \"sub\" names the subject" }, c_sub_missing },
	{ { "claims.string.type", E, "RFC 7519 4.1",
	    "iss, sub and jti are strings" }, c_string_claims },
	{ { "claims.jti.missing", N, "RFC 7519 4.1.7",
	    "a \"jti\" lets verifiers refuse replays" }, c_jti_missing },
};

#undef E
#undef W
#undef N

size_t
pkit_jwt_lint_rule_count(void)
{
	return sizeof(rows) / sizeof(rows[0]);
}

const struct pkit_jwt_lint_rule *
pkit_jwt_lint_rule(size_t i)
{
	return i < pkit_jwt_lint_rule_count() ? &rows[i].rule : NULL;
}

/* ---- decoding ------------------------------------------------------------ */

/* Decode base64url JSON; *dup is set when it only parses with duplicate
 * member names allowed. */
static json_t *
decode_json(struct pkit_ctx *ctx, const char *b64, size_t len, int *dup,
    int *not_json)
{
	unsigned char *raw = NULL;
	size_t rawlen = 0;
	json_t *o;

	*not_json = 0;
	if (pkit_b64_decode(ctx, PKIT_B64_URL_RAW, b64, len, &raw,
	    &rawlen) != 0) {
		*not_json = 1;
		return NULL;
	}
	if ((o = json_loadb((char *)raw, rawlen, JSON_REJECT_DUPLICATES,
	    NULL)) == NULL && (o = json_loadb((char *)raw, rawlen, 0,
	    NULL)) != NULL)
		*dup = 1;
	free(raw);
	if (o == NULL)
		*not_json = 1;
	return o;
}

static void
decode(struct lint *l)
{
	const char *p = l->token, *d1, *d2;
	size_t i;
	int bad;

	for (i = 0, l->parts = 1; i < l->len; i++)
		l->parts += p[i] == '.';
	if (l->len == 0) {
		l->bad = "the input is empty";
		return;
	}
	if (l->parts == 5) {
		l->bad = "an encrypted token (JWE); decrypt it first";
		return;
	}
	if (l->parts != 3) {
		l->bad = "not three dot-separated parts";
		return;
	}
	d1 = memchr(p, '.', l->len);
	d2 = memchr(d1 + 1, '.', l->len - (size_t)(d1 + 1 - p));
	l->header = decode_json(l->ctx, p, (size_t)(d1 - p), &l->dup, &bad);
	if (l->header == NULL || !json_is_object(l->header)) {
		json_decref(l->header);
		l->header = NULL;
		l->bad = "the header is not base64url JSON";
		return;
	}
	l->alg = str(l->header, "alg");
	l->claims = decode_json(l->ctx, d1 + 1, (size_t)(d2 - d1 - 1), &l->dup,
	    &bad);
	if (l->claims != NULL && !json_is_object(l->claims)) {
		json_decref(l->claims);
		l->claims = NULL;
	}
	l->claims_bad = l->claims == NULL;
	if (pkit_b64_decode(l->ctx, PKIT_B64_URL_RAW, d2 + 1,
	    l->len - (size_t)(d2 + 1 - p), &l->sig, &l->sig_len) != 0) {
		l->bad = "the signature is not base64url";
		l->sig = NULL;
		l->sig_len = 0;
	}
	pkit_clearerr(l->ctx);
}

/* ---- running ---------------------------------------------------------- */

int
pkit_jwt_lint(struct pkit_ctx *ctx, const char *token, size_t len,
    const struct pkit_jwt_lint_opts *o, struct pkit_jwt_lint_report **out)
{
	static const enum pkit_lint_level order[] = { PKIT_LINT_ERROR,
	    PKIT_LINT_WARN, PKIT_LINT_NOTICE };
	struct pkit_jwt_lint_report *r = NULL;
	struct pkit_jwt_lint_finding *hits = NULL;
	int *fired = NULL;
	size_t nrules = pkit_jwt_lint_rule_count(), i, k, nhits = 0;
	struct lint l;
	int res = PKIT_ERR_INTERNAL;

	while (len > 0 && (token[len - 1] == '\n' || token[len - 1] == '\r' ||
	    token[len - 1] == ' ' || token[len - 1] == '\t'))
		len--;
	while (len > 0 && (*token == ' ' || *token == '\n' || *token == '\t' ||
	    *token == '\r')) {
		token++;
		len--;
	}
	memset(&l, 0, sizeof(l));
	l.ctx = ctx;
	l.o = o;
	l.token = token;
	l.len = len;
	l.now = pkit_now(ctx);
	l.skew = o->skew > 0 ? o->skew : PKIT_JWT_SKEW;
	l.max_lifetime = o->max_lifetime > 0 ? o->max_lifetime :
	    PKIT_JWT_LINT_MAX_LIFETIME;
	l.max_size = o->max_size > 0 ? o->max_size : PKIT_JWT_LINT_MAX_SIZE;
	if (len <= PKIT_JWS_MAX)
		decode(&l);
	else
		l.bad = "the token is too large to decode";
	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (hits = calloc(nrules, sizeof(*hits))) == NULL ||
	    (fired = calloc(nrules, sizeof(*fired))) == NULL) {
		res = pkit_seterr(ctx, PKIT_ERR_NOMEM, "JWT lint");
		goto out;
	}
	for (i = 0; i < nrules; i++) {
		char m[256] = "";
		int v = rows[i].check(&l, m, sizeof(m));

		if (v < 0)
			continue;
		r->applied++;
		if (v > 0) {
			fired[i] = 1;
			hits[i].rule = &rows[i].rule;
			snprintf(hits[i].message, sizeof(hits[i].message), "%s",
			    m);
		}
	}
	/* Worst first, table order within a level. */
	if ((r->findings = calloc(nrules, sizeof(*r->findings))) == NULL) {
		res = pkit_seterr(ctx, PKIT_ERR_NOMEM, "JWT lint");
		goto out;
	}
	for (k = 0; k < 3; k++) {
		for (i = 0; i < nrules; i++) {
			if (!fired[i] || rows[i].rule.level != order[k])
				continue;
			r->findings[nhits++] = hits[i];
			if (order[k] == PKIT_LINT_ERROR)
				r->errors++;
			else if (order[k] == PKIT_LINT_WARN)
				r->warnings++;
			else
				r->notices++;
		}
	}
	r->n = nhits;
	r->header = l.header;
	r->claims = l.claims;
	l.header = l.claims = NULL;
	*out = r;
	r = NULL;
	res = PKIT_OK;
out:
	pkit_jwt_lint_report_free(r);
	free(hits);
	free(fired);
	free(l.sig);
	json_decref(l.header);
	json_decref(l.claims);
	return res;
}

void
pkit_jwt_lint_report_free(struct pkit_jwt_lint_report *r)
{
	if (r == NULL)
		return;
	free(r->findings);
	json_decref(r->header);
	json_decref(r->claims);
	free(r);
}

/* ---- output ----------------------------------------------------------- */

static int
close_mem(struct pkit_ctx *ctx, FILE *fp, char **buf, char **out)
{
	if (fclose(fp) != 0) {
		free(*buf);
		return pkit_seterr_sys(ctx, "formatting output");
	}
	*out = *buf;
	return PKIT_OK;
}

int
pkit_jwt_lint_report_text(struct pkit_ctx *ctx,
    const struct pkit_jwt_lint_report *r, const char *name, char **out)
{
	char *buf = NULL;
	size_t size = 0, i;
	FILE *fp;

	*out = NULL;
	if ((fp = open_memstream(&buf, &size)) == NULL)
		return pkit_seterr_sys(ctx, "formatting output");
	for (i = 0; i < r->n; i++) {
		const struct pkit_jwt_lint_finding *f = &r->findings[i];

		fprintf(fp, "%s: %s: %s: %s [%s]\n", name,
		    pkit_lint_level_name(f->rule->level), f->rule->id,
		    f->message, f->rule->source);
	}
	fprintf(fp, "%s: %zu error%s, %zu warning%s, %zu notice%s (%zu rules "
	    "applied)\n", name, r->errors, r->errors == 1 ? "" : "s",
	    r->warnings, r->warnings == 1 ? "" : "s", r->notices,
	    r->notices == 1 ? "" : "s", r->applied);
	return close_mem(ctx, fp, &buf, out);
}

static void
jput(json_t *o, const char *k, json_t *v, int *oom)
{
	if (v == NULL || o == NULL || json_object_set_new(o, k, v) != 0)
		*oom = 1;
}

static int
dump(struct pkit_ctx *ctx, json_t *root, int oom, char **out)
{
	char *s;

	if (root == NULL || oom) {
		json_decref(root);
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "building JSON");
	}
	s = json_dumps(root, JSON_INDENT(2));
	json_decref(root);
	if (s == NULL || (*out = malloc(strlen(s) + 2)) == NULL) {
		free(s);
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "building JSON");
	}
	snprintf(*out, strlen(s) + 2, "%s\n", s);
	free(s);
	return PKIT_OK;
}

int
pkit_jwt_lint_report_json(struct pkit_ctx *ctx,
    const struct pkit_jwt_lint_report *r, const char *name, char **out)
{
	json_t *root = json_object(), *arr = json_array();
	int oom = 0;
	size_t i;

	*out = NULL;
	jput(root, "file", json_string(name), &oom);
	jput(root, "rules_applied", json_integer((json_int_t)r->applied), &oom);
	jput(root, "errors", json_integer((json_int_t)r->errors), &oom);
	jput(root, "warnings", json_integer((json_int_t)r->warnings), &oom);
	jput(root, "notices", json_integer((json_int_t)r->notices), &oom);
	for (i = 0; i < r->n; i++) {
		const struct pkit_jwt_lint_finding *f = &r->findings[i];
		json_t *o = json_object();

		jput(o, "id", json_string(f->rule->id), &oom);
		jput(o, "severity", json_string(pkit_lint_level_name(
		    f->rule->level)), &oom);
		jput(o, "source", json_string(f->rule->source), &oom);
		jput(o, "message", json_string(f->message), &oom);
		if (o == NULL || json_array_append_new(arr, o) != 0)
			oom = 1;
	}
	jput(root, "findings", arr, &oom);
	return dump(ctx, root, oom, out);
}

int
pkit_jwt_lint_rules_render(struct pkit_ctx *ctx, int json, char **out)
{
	size_t i, n = pkit_jwt_lint_rule_count(), size = 0;
	char *buf = NULL;
	FILE *fp;

	*out = NULL;
	if (json) {
		json_t *arr = json_array();
		int oom = 0;

		for (i = 0; i < n; i++) {
			const struct pkit_jwt_lint_rule *ru = &rows[i].rule;
			json_t *o = json_object();

			jput(o, "id", json_string(ru->id), &oom);
			jput(o, "severity", json_string(pkit_lint_level_name(
			    ru->level)), &oom);
			jput(o, "source", json_string(ru->source), &oom);
			jput(o, "summary", json_string(ru->summary), &oom);
			if (o == NULL || json_array_append_new(arr, o) != 0)
				oom = 1;
		}
		return dump(ctx, arr, oom, out);
	}
	if ((fp = open_memstream(&buf, &size)) == NULL)
		return pkit_seterr_sys(ctx, "formatting output");
	fprintf(fp, "%-24s %-8s %s\n", "RULE", "LEVEL", "REQUIREMENT [SOURCE]");
	for (i = 0; i < n; i++) {
		const struct pkit_jwt_lint_rule *ru = &rows[i].rule;

		fprintf(fp, "%-24s %-8s %s [%s]\n", ru->id,
		    pkit_lint_level_name(ru->level), ru->summary, ru->source);
	}
	return close_mem(ctx, fp, &buf, out);
}

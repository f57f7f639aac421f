/* provisioner_jwk.c - one-time tokens of JWK provisioners and the renew
 * tokens of expired certificates (research/step-ca-api.md §2.2, §7.1).
 *
 * Every check fails closed with PKIT_ERR_VERIFY (PKIT_ERR_EXPIRED for the
 * time claims) and a reason for the log; the client only ever sees
 * step-ca's generic 401.  Single use is not decided here: the caller marks
 * tok->id used atomically with what the token buys (pkit_ca_auth_record(),
 * pkit_ca_auth_revoke()), so that a forged or refused token never burns an id.
 */
#include "config.h"

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "lib/ca/authority_impl.h"
#include "lib/codec.h"
#include "lib/jws.h"
#include "lib/timeutil.h"

/* step's CLI issuer of renew tokens (cli:command/ca/renew.go). */
#define RENEW_ISSUER "step-ca-client/1.0"
/* Certificates an x5cInsecure header may carry. */
#define MAX_X5C 8
/* Longest jti accepted (step makes 64 hex digits). */
#define MAX_JTI 256

static int
deny(struct pkit_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
deny(struct pkit_ctx *ctx, const char *fmt, ...)
{
	char msg[sizeof(ctx->errbuf)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return pkit_seterr(ctx, PKIT_ERR_VERIFY, "%s", msg);
}

char *
pkit_ca_auth_aud_strip(const char *url)
{
	const char *p, *host, *end, *hend, *rest;
	char *out;
	size_t n;

	if ((p = strstr(url, "://")) == NULL)
		return strdup(url);
	host = p + 3;
	end = host + strcspn(host, "/?#");
	rest = end;
	/* userinfo@ stays as it is */
	if ((p = memchr(host, '@', (size_t)(end - host))) != NULL)
		host = p + 1;
	if (*host == '[') {
		if ((hend = memchr(host, ']', (size_t)(end - host))) == NULL)
			return strdup(url);
		/* Go's Hostname() drops the brackets */
		n = (size_t)(host - url) + (size_t)(hend - host - 1) +
		    strlen(rest) + 1;
		if ((out = malloc(n)) == NULL)
			return NULL;
		snprintf(out, n, "%.*s%.*s%s", (int)(host - url), url,
		    (int)(hend - host - 1), host + 1, rest);
		return out;
	}
	if ((hend = memchr(host, ':', (size_t)(end - host))) == NULL)
		hend = end;
	n = (size_t)(hend - url) + strlen(rest) + 1;
	if ((out = malloc(n)) == NULL)
		return NULL;
	snprintf(out, n, "%.*s%s", (int)(hend - url), url, rest);
	return out;
}

const struct pkit_ca_prov *
pkit_ca_auth_find_jwk(const struct pkit_ca_auth *auth, const char *kid,
    const char *iss, int *name_mismatch)
{
	const struct pkit_ca_prov *any = NULL;
	size_t i;

	*name_mismatch = 0;
	for (i = 0; i < auth->nprovs; i++) {
		const struct pkit_ca_prov *p = &auth->provs[i];

		if (p->type != PKIT_CA_PROV_JWK || p->key == NULL ||
		    strcmp(p->conf->kid, kid) != 0)
			continue;
		if (iss != NULL && strcmp(p->conf->name, iss) == 0)
			return p;
		any = p;
	}
	if (any != NULL)
		*name_mismatch = 1;
	return NULL;
}

/* 1 when aud (a string or a list of strings) holds an audience of method. */
static int
aud_ok(const struct pkit_ca_auth *auth, enum pkit_ca_aud method,
    const json_t *aud)
{
	const json_t *v;
	size_t i, k, n = json_is_array(aud) ? json_array_size(aud) : 1;
	char *s;
	int ok = 0;

	for (i = 0; i < n && !ok; i++) {
		v = json_is_array(aud) ? json_array_get(aud, i) : aud;
		if (!json_is_string(v) || json_string_length(v) == 0 ||
		    (s = pkit_ca_auth_aud_strip(json_string_value(v))) == NULL)
			continue;
		for (k = 0; k < auth->naud[method] && !ok; k++)
			ok = strcmp(auth->aud[method][k], s) == 0;
		free(s);
	}
	return ok;
}

/* A NumericDate claim: 0 absent, 1 read into *t, -1 not a number. */
static int
numeric_date(const json_t *claims, const char *name, long long *t)
{
	const json_t *v = json_object_get(claims, name);
	double d;

	if (v == NULL || json_is_null(v))
		return 0;
	if (json_is_integer(v)) {
		*t = (long long)json_integer_value(v);
		return 1;
	}
	if (!json_is_real(v))
		return -1;
	d = json_real_value(v);
	if (!(d > -1e15 && d < 1e15))
		return -1;
	*t = (long long)d;
	return 1;
}

/* nbf, iat and exp with go-jose's leeway; exp required and the lifetime
 * bounded; iat not before the authority started. */
static int
check_times(struct pkit_ctx *ctx, const struct pkit_ca_auth *auth,
    const json_t *claims, time_t *expires)
{
	long long now = (long long)pkit_now(ctx), nbf = 0, iat = 0, exp = 0;
	long long start;
	int hn, hi, he;

	if ((hn = numeric_date(claims, "nbf", &nbf)) < 0 ||
	    (hi = numeric_date(claims, "iat", &iat)) < 0 ||
	    (he = numeric_date(claims, "exp", &exp)) < 0)
		return deny(ctx, "invalid nbf, iat or exp claim");
	if (he == 0)
		return deny(ctx, "token has no expiry (exp)");
	if (hn && nbf > now + PKIT_CA_TOKEN_SKEW)
		return pkit_seterr(ctx, PKIT_ERR_EXPIRED,
		    "token not valid yet (nbf)");
	if (now - PKIT_CA_TOKEN_SKEW > exp)
		return pkit_seterr(ctx, PKIT_ERR_EXPIRED,
		    "token is expired (exp)");
	if (hi && iat > now + PKIT_CA_TOKEN_SKEW)
		return pkit_seterr(ctx, PKIT_ERR_EXPIRED,
		    "token issued in the future (iat)");
	start = hn ? nbf : hi ? iat : now;
	if (exp - start > PKIT_CA_TOKEN_MAX_LIFE + PKIT_CA_TOKEN_SKEW)
		return deny(ctx, "token lifetime of %llds is over the %ds "
		    "allowed (exp - nbf)", exp - start, PKIT_CA_TOKEN_MAX_LIFE);
	start = (long long)auth->a->start - PKIT_CA_TOKEN_SKEW;
	if (!auth->cfg->disable_issued_at_check && hi && iat < start)
		return deny(ctx, "token issued before the bootstrap of "
		    "certificate authority");
	*expires = (time_t)(exp + PKIT_CA_TOKEN_SKEW);
	return PKIT_OK;
}

static int
sha256_hex(struct pkit_ctx *ctx, const void *data, size_t len, char *out,
    size_t size)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char *hex = NULL;
	int r;

	if (!EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL))
		return pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "SHA-256");
	if ((r = pkit_hex_encode(ctx, md, mdlen, 0, &hex)) != 0)
		return r;
	snprintf(out, size, "%s", hex);
	free(hex);
	return PKIT_OK;
}

/* Parse a compact JWS with one protected header and a JSON object as its
 * payload. */
static int
parse_token(struct pkit_ctx *ctx, const char *token, size_t len,
    struct pkit_jws **jws, json_t **claims)
{
	json_error_t e;
	size_t i, dots = 0;
	int r;

	*jws = NULL;
	*claims = NULL;
	if (len == 0)
		return deny(ctx, "empty token");
	if (len > PKIT_CA_TOKEN_MAX)
		return deny(ctx, "token of %zu bytes is too large", len);
	for (i = 0; i < len; i++)
		dots += token[i] == '.';
	if (dots != 2 || token[0] == '{')
		return deny(ctx, "error parsing token: not a compact JWS");
	if ((r = pkit_jws_parse(ctx, token, len, "token", jws)) != 0) {
		char msg[sizeof(ctx->errbuf)];

		snprintf(msg, sizeof(msg), "%s", ctx->errbuf);
		return deny(ctx, "error parsing token: %s", msg);
	}
	if ((*jws)->nsig != 1 || (*jws)->detached ||
	    (*jws)->sigs[0].protected == NULL || (*jws)->sigs[0].header != NULL)
		r = deny(ctx, "error parsing token: not a compact JWS");
	else if ((*claims = json_loadb((const char *)(*jws)->payload,
	    (*jws)->payload_len, JSON_REJECT_DUPLICATES, &e)) == NULL ||
	    !json_is_object(*claims))
		r = deny(ctx, "error parsing token claims: not a JSON object");
	else
		return PKIT_OK;
	json_decref(*claims);
	*claims = NULL;
	pkit_jws_free(*jws);
	*jws = NULL;
	return r;
}

void
pkit_ca_ott_free(struct pkit_ca_ott *tok)
{
	size_t i;

	if (tok == NULL)
		return;
	json_decref(tok->claims);
	for (i = 0; i < tok->nsans; i++)
		free(tok->sans[i]);
	free(tok->sans);
	free(tok);
}

/* "sans": a list of non-empty strings; [sub] when absent. */
static int
token_sans(struct pkit_ctx *ctx, struct pkit_ca_ott *tok)
{
	const json_t *sans = json_object_get(tok->claims, "sans"), *v;
	size_t i, n;

	if (sans == NULL || json_is_null(sans)) {
		if ((tok->sans = calloc(1, sizeof(char *))) == NULL ||
		    (tok->sans[0] = strdup(tok->sub)) == NULL)
			return pkit_seterr(ctx, PKIT_ERR_NOMEM, "token");
		tok->nsans = 1;
		return PKIT_OK;
	}
	if (!json_is_array(sans))
		return deny(ctx, "invalid sans claim: not a list");
	n = json_array_size(sans);
	if (n > 1000)
		return deny(ctx, "invalid sans claim: too many names");
	if (n > 0 && (tok->sans = calloc(n, sizeof(char *))) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "token");
	json_array_foreach(sans, i, v) {
		if (!json_is_string(v) || json_string_length(v) == 0 ||
		    strlen(json_string_value(v)) != json_string_length(v))
			return deny(ctx, "invalid sans claim: names are "
			    "non-empty strings");
		if ((tok->sans[i] = strdup(json_string_value(v))) == NULL)
			return pkit_seterr(ctx, PKIT_ERR_NOMEM, "token");
		tok->nsans++;
	}
	return PKIT_OK;
}

int
pkit_ca_auth_token(struct pkit_ctx *ctx, const struct pkit_ca_auth *auth,
    const char *token, size_t len, enum pkit_ca_aud method,
    struct pkit_ca_ott **out)
{
	struct pkit_jws_verify_opts vo;
	struct pkit_jws *jws = NULL;
	struct pkit_ca_ott *tok = NULL;
	const struct pkit_ca_prov *prov;
	const json_t *hdr, *v, *cnf;
	json_t *claims = NULL;
	const char *kid, *alg, *iss, *sha, *jti;
	time_t cred_nb = 0, cred_na = 0;
	size_t i;
	int r, mismatch, found;

	*out = NULL;
	/* 1. parse (nothing verified yet) */
	if ((r = parse_token(ctx, token, len, &jws, &claims)) != 0)
		return r;
	hdr = jws->sigs[0].protected;
	/* 2-5. an x5c header: an X5C provisioner's token */
	if (json_object_get(hdr, "x5c") != NULL) {
		if ((r = pkit_ca_x5c_authorize(ctx, auth, jws, claims, method,
		    &prov, &cred_nb, &cred_na)) != 0)
			goto out;
		goto common;
	}
	/* 2. kid (and iss) name a JWK provisioner */
	if ((kid = json_string_value(json_object_get(hdr, "kid"))) == NULL) {
		r = deny(ctx, "token has no kid: provisioner not found");
		goto out;
	}
	iss = json_string_value(json_object_get(claims, "iss"));
	if ((prov = pkit_ca_auth_find_jwk(auth, kid, iss, &mismatch)) == NULL) {
		r = mismatch ? deny(ctx, "invalid issuer claim (iss): %s is "
		    "not the provisioner of kid %s", iss != NULL ? iss : "(none)",
		    kid) : deny(ctx, "provisioner not found or invalid audience "
		    "(kid %s)", kid);
		goto out;
	}
	/* 3. alg is the provisioner key's (never none, never HMAC) and the
	 * signature verifies with that key */
	alg = json_string_value(json_object_get(hdr, "alg"));
	if (alg == NULL || strcmp(alg, prov->alg) != 0) {
		r = deny(ctx, "token alg %s is not the provisioner %s's %s",
		    alg != NULL ? alg : "(none)", prov->conf->name, prov->alg);
		goto out;
	}
	memset(&vo, 0, sizeof(vo));
	vo.alg = prov->alg;
	vo.kid = kid;
	if ((r = pkit_jws_verify(ctx, jws, prov->key, &vo, NULL)) != 0) {
		r = deny(ctx, "error parsing jwk claims: invalid signature "
		    "(provisioner %s)", prov->conf->name);
		goto out;
	}
	/* 4. iss is the provisioner's name (found by it) */
	/* 5. aud is one of the method's audiences */
	if (!aud_ok(auth, method, json_object_get(claims, "aud"))) {
		r = deny(ctx, "invalid jwk token audience claim (aud)");
		goto out;
	}
common:
	/* 6. sha, when present, is a root's fingerprint */
	if ((v = json_object_get(claims, "sha")) != NULL && !json_is_null(v)) {
		sha = json_string_value(v);
		for (i = 0, found = 0; sha != NULL && i < auth->nroot_fp; i++)
			found |= strcasecmp(auth->root_fp[i], sha) == 0;
		if (!found) {
			r = deny(ctx, "token sha claim is not the root "
			    "fingerprint");
			goto out;
		}
	}
	if ((tok = calloc(1, sizeof(*tok))) == NULL) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "token");
		goto out;
	}
	/* 7. nbf, iat, exp */
	if ((r = check_times(ctx, auth, claims, &tok->expires)) != 0)
		goto out;
	/* 8. sub and jti */
	v = json_object_get(claims, "sub");
	if (!json_is_string(v) || json_string_length(v) == 0 ||
	    strlen(json_string_value(v)) != json_string_length(v)) {
		r = deny(ctx, "token subject cannot be empty");
		goto out;
	}
	v = json_object_get(claims, "jti");
	if (!json_is_string(v) || json_string_length(v) == 0 ||
	    json_string_length(v) > MAX_JTI) {
		r = deny(ctx, "token has no valid jti: a one-time token "
		    "needs one");
		goto out;
	}
	jti = json_string_value(v);
	memcpy(tok->id, "jti:", 4);
	if ((r = sha256_hex(ctx, jti, json_string_length(v), tok->id + 4,
	    sizeof(tok->id) - 4)) != 0)
		goto out;
	tok->claims = claims;
	claims = NULL;
	tok->sub = json_string_value(json_object_get(tok->claims, "sub"));
	tok->prov = prov;
	tok->cred_not_before = cred_nb;
	tok->cred_not_after = cred_na;
	if ((r = token_sans(ctx, tok)) != 0)
		goto out;
	cnf = json_object_get(tok->claims, "cnf");
	if (cnf != NULL && !json_is_null(cnf)) {
		v = json_object_get(cnf, "x5rt#S256");
		if (!json_is_object(cnf) || (v != NULL && !json_is_string(v))) {
			r = deny(ctx, "invalid cnf claim");
			goto out;
		}
		tok->cnf = json_string_value(v);
	}
	*out = tok;
	tok = NULL;
	r = PKIT_OK;
out:
	pkit_ca_ott_free(tok);
	json_decref(claims);
	pkit_jws_free(jws);
	return r;
}

const char *
pkit_ca_auth_prov_name(const struct pkit_ca_prov *prov)
{
	return prov != NULL && prov->conf != NULL ? prov->conf->name : "";
}

const char *
pkit_ca_auth_prov_id(const struct pkit_ca_prov *prov)
{
	return prov != NULL && prov->conf != NULL ? prov->conf->id : "";
}

/* ---- renew tokens (x5cInsecure) ------------------------------------------ */

/* The certificates of the x5cInsecure header, leaf first. */
static int
x5c_certs(struct pkit_ctx *ctx, const json_t *x5c, STACK_OF(X509) **out)
{
	STACK_OF(X509) *sk;
	const json_t *v;
	unsigned char *der = NULL;
	const unsigned char *p;
	size_t i, len;
	X509 *c;

	*out = NULL;
	if (!json_is_array(x5c) || json_array_size(x5c) == 0 ||
	    json_array_size(x5c) > MAX_X5C)
		return deny(ctx, "renew token: x5cInsecure is not a list of "
		    "1 to %d certificates", MAX_X5C);
	if ((sk = sk_X509_new_null()) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "renew token");
	json_array_foreach(x5c, i, v) {
		if (!json_is_string(v) || pkit_b64_decode(ctx, PKIT_B64_STD,
		    json_string_value(v), json_string_length(v), &der,
		    &len) != 0 || len > LONG_MAX) {
			sk_X509_pop_free(sk, X509_free);
			return deny(ctx, "renew token: x5cInsecure[%zu] is not "
			    "base64", i);
		}
		p = der;
		c = d2i_X509(NULL, &p, (long)len);
		if (c == NULL || p != der + len || !sk_X509_push(sk, c)) {
			X509_free(c);
			free(der);
			sk_X509_pop_free(sk, X509_free);
			ERR_clear_error();
			return deny(ctx, "renew token: x5cInsecure[%zu] is not a "
			    "certificate", i);
		}
		free(der);
		der = NULL;
	}
	*out = sk;
	return PKIT_OK;
}

/* The x5cInsecure chain must lead to a root at notAfter - 1m (so that an
 * expired leaf passes), for client authentication. */
static int
x5c_verify(struct pkit_ctx *ctx, const struct pkit_ca_auth *auth,
    STACK_OF(X509) *sk)
{
	X509 *leaf = sk_X509_value(sk, 0);
	X509_STORE *store = NULL;
	X509_STORE_CTX *sc = NULL;
	STACK_OF(X509) *untrusted = NULL;
	X509_VERIFY_PARAM *vp;
	struct tm tm;
	time_t when;
	int i, ok = 0, err = 0;

	memset(&tm, 0, sizeof(tm));
	if (!ASN1_TIME_to_tm(X509_get0_notAfter(leaf), &tm))
		return deny(ctx, "renew token: bad notAfter");
	when = (time_t)pkit_timegm(tm.tm_year + 1900, tm.tm_mon + 1,
	    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec) - 60;
	if ((store = X509_STORE_new()) == NULL ||
	    (untrusted = sk_X509_new_null()) == NULL ||
	    (sc = X509_STORE_CTX_new()) == NULL)
		goto out;
	for (i = 0; i < sk_X509_num(auth->pki->roots); i++)
		if (!X509_STORE_add_cert(store, sk_X509_value(auth->pki->roots, i)))
			goto out;
	for (i = 1; i < sk_X509_num(sk); i++)
		if (!sk_X509_push(untrusted, sk_X509_value(sk, i)))
			goto out;
	for (i = 0; i < sk_X509_num(auth->pki->intermediates); i++)
		if (!sk_X509_push(untrusted,
		    sk_X509_value(auth->pki->intermediates, i)))
			goto out;
	if (!X509_STORE_CTX_init(sc, store, leaf, untrusted))
		goto out;
	vp = X509_STORE_CTX_get0_param(sc);
	X509_VERIFY_PARAM_set_time(vp, when);
	X509_VERIFY_PARAM_set_purpose(vp, X509_PURPOSE_SSL_CLIENT);
	ok = X509_verify_cert(sc) == 1;
	if (!ok)
		err = X509_STORE_CTX_get_error(sc);
out:
	X509_STORE_CTX_free(sc);
	sk_X509_free(untrusted);
	X509_STORE_free(store);
	ERR_clear_error();
	if (!ok)
		return deny(ctx, "renew token: the x5cInsecure chain does not "
		    "verify: %s", err ? X509_verify_cert_error_string(err) :
		    "cannot verify");
	if ((X509_get_extension_flags(leaf) & EXFLAG_KUSAGE) &&
	    !(X509_get_key_usage(leaf) & KU_DIGITAL_SIGNATURE))
		return deny(ctx, "renew token: the certificate cannot sign "
		    "(keyUsage)");
	return PKIT_OK;
}

/* The key of the leaf certificate that signs a token (x5c, x5cInsecure),
 * and the header's alg once it suits that key: never none nor HMAC. */
int
pkit_ca_token_leaf_key(struct pkit_ctx *ctx, const json_t *hdr, X509 *leaf,
    const char *what, struct pkit_jwk_key **key, const char **alg)
{
	struct pkit_jwk_key *k = NULL;
	json_t *jwk = NULL;
	const char *a = json_string_value(json_object_get(hdr, "alg"));
	int r;

	if (a == NULL || strcasecmp(a, "none") == 0 || strncmp(a, "HS", 2) == 0)
		return deny(ctx, "%s: alg %s is not allowed", what,
		    a != NULL ? a : "(none)");
	if ((r = pkit_jwk_from_key(ctx, X509_get0_pubkey(leaf), 0, &jwk)) != 0 ||
	    (r = pkit_jwk_key_new(ctx, jwk, &k)) != 0)
		goto out;
	if (pkit_jws_alg_check(ctx, k, a, 0, 0) != 0) {
		r = deny(ctx, "%s: alg %s does not suit the certificate's key",
		    what, a);
		goto out;
	}
	*key = k;
	k = NULL;
	*alg = a;
	r = PKIT_OK;
out:
	pkit_jwk_key_free(k);
	json_decref(jwk);
	return r;
}

int
pkit_ca_auth_renew_token(struct pkit_ctx *ctx,
    const struct pkit_ca_auth *auth, const char *token, size_t len,
    X509 **crt, struct pkit_ca_ott **out)
{
	struct pkit_jws_verify_opts vo;
	struct pkit_jwk_key *key = NULL;
	struct pkit_jws *jws = NULL;
	struct pkit_ca_ott *tok = NULL;
	STACK_OF(X509) *sk = NULL;
	json_t *claims = NULL;
	const json_t *hdr;
	const char *alg, *iss, *sub;
	char cn[256], *prov = NULL;
	X509 *leaf;
	int r, n;

	*crt = NULL;
	*out = NULL;
	if ((r = parse_token(ctx, token, len, &jws, &claims)) != 0)
		return r;
	hdr = jws->sigs[0].protected;
	if ((r = x5c_certs(ctx, json_object_get(hdr, "x5cInsecure"), &sk)) != 0 ||
	    (r = x5c_verify(ctx, auth, sk)) != 0)
		goto out;
	leaf = sk_X509_value(sk, 0);
	if ((r = pkit_ca_token_leaf_key(ctx, hdr, leaf, "renew token", &key,
	    &alg)) != 0)
		goto out;
	memset(&vo, 0, sizeof(vo));
	vo.alg = alg;
	if ((r = pkit_jws_verify(ctx, jws, key, &vo, NULL)) != 0) {
		r = deny(ctx, "renew token: invalid signature");
		goto out;
	}
	/* sub is the leaf's CN; iss step's client or its provisioner */
	n = X509_NAME_get_text_by_NID(X509_get_subject_name(leaf),
	    NID_commonName, cn, sizeof(cn));
	if (n < 0)
		cn[0] = '\0';
	sub = json_string_value(json_object_get(claims, "sub"));
	if (sub == NULL || strcmp(sub, cn) != 0) {
		r = deny(ctx, "renew token: invalid subject claim (sub)");
		goto out;
	}
	if (!aud_ok(auth, PKIT_CA_AUD_RENEW, json_object_get(claims, "aud"))) {
		r = deny(ctx, "renew token: invalid audience claim (aud)");
		goto out;
	}
	if ((r = pkit_ca_auth_cert_prov(ctx, leaf, NULL, &prov, NULL)) != 0)
		goto out;
	iss = json_string_value(json_object_get(claims, "iss"));
	if (iss == NULL || (strcmp(iss, RENEW_ISSUER) != 0 &&
	    (prov == NULL || strcmp(iss, prov) != 0))) {
		r = deny(ctx, "renew token: invalid issuer claim (iss)");
		goto out;
	}
	if ((tok = calloc(1, sizeof(*tok))) == NULL) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "renew token");
		goto out;
	}
	if ((r = check_times(ctx, auth, claims, &tok->expires)) != 0)
		goto out;
	/* no jti: step keys the replay on the token's hash */
	memcpy(tok->id, "ott:", 4);
	if ((r = sha256_hex(ctx, token, len, tok->id + 4,
	    sizeof(tok->id) - 4)) != 0)
		goto out;
	tok->claims = claims;
	claims = NULL;
	tok->sub = json_string_value(json_object_get(tok->claims, "sub"));
	if (!X509_up_ref(leaf)) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "renew token");
		goto out;
	}
	*crt = leaf;
	*out = tok;
	tok = NULL;
	r = PKIT_OK;
out:
	free(prov);
	pkit_ca_ott_free(tok);
	pkit_jwk_key_free(key);
	json_decref(claims);
	sk_X509_pop_free(sk, X509_free);
	pkit_jws_free(jws);
	return r;
}

/* ---- for other token kinds (authority_impl.h) ------------------------------- */

int
pkit_ca_token_parse(struct pkit_ctx *ctx, const char *token, size_t len,
    struct pkit_jws **jws, json_t **claims)
{
	return parse_token(ctx, token, len, jws, claims);
}

int
pkit_ca_token_times(struct pkit_ctx *ctx, const struct pkit_ca_auth *auth,
    const json_t *claims, time_t *expires)
{
	return check_times(ctx, auth, claims, expires);
}

int
pkit_ca_token_aud(const struct pkit_ca_auth *auth, enum pkit_ca_aud method,
    const json_t *aud)
{
	return aud_ok(auth, method, aud);
}

int
pkit_ca_token_jti(struct pkit_ctx *ctx, const json_t *claims, char id[80])
{
	const json_t *v = json_object_get(claims, "jti");

	if (!json_is_string(v) || json_string_length(v) == 0 ||
	    json_string_length(v) > MAX_JTI)
		return deny(ctx, "token has no valid jti: a one-time token "
		    "needs one");
	memcpy(id, "jti:", 4);
	return sha256_hex(ctx, json_string_value(v), json_string_length(v),
	    id + 4, 80 - 4);
}

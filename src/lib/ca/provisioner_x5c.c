/* provisioner_x5c.c - X5C provisioners (step-ca's x5c.go): a one-time
 * token whose "x5c" header carries a certificate chain that leads to the
 * provisioner's own roots, signed with the leaf's key.  The device
 * "birth certificate" flow: a certificate from a manufacturing CA buys a
 * certificate from this one.
 *
 * pkit_ca_auth_token() (provisioner_jwk.c) sends a token with an x5c
 * header here for the steps that differ from a JWK token (which
 * provisioner, which key, which audiences); the checks common to both
 * (times, sub, jti, sans, cnf) stay there.  Like those, every refusal is
 * PKIT_ERR_VERIFY with the reason for the log only.
 */
#include "config.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "lib/ca/authority_impl.h"
#include "lib/codec.h"
#include "lib/jws.h"
#include "lib/timeutil.h"
#include "lib/x509.h"
#include "lib/x509_info.h"

/* Certificates an x5c header may carry. */
#define MAX_X5C 8
/* step's GetIDForToken() prefix: audiences carry "#x5c/<name>". */
#define X5C_FRAGMENT "x5c/"

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

int
pkit_ca_x5c_load(struct pkit_ctx *ctx, const struct pkit_ca_auth *auth,
    struct pkit_ca_prov *p)
{
	const json_t *roots = json_object_get(p->conf->json, "roots");
	unsigned char *pem = NULL;
	size_t len = 0;
	char what[512];
	int r;

	snprintf(what, sizeof(what), "%s: provisioner %s: roots",
	    auth->cfg->name, p->conf->name);
	if (!json_is_string(roots) || json_string_length(roots) == 0)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: provisioner root(s) "
		    "cannot be empty (base64 of PEM certificates)", what);
	if (pkit_b64_decode(ctx, PKIT_B64_STD, json_string_value(roots),
	    json_string_length(roots), &pem, &len) != 0)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: not base64", what);
	if (!pkit_is_pem(pem, len))
		r = pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: no PEM certificates "
		    "found", what);
	else
		r = pkit_x509_parse_certs(ctx, pem, len, what, &p->x5c_roots);
	free(pem);
	return r;
}

/* The certificates of the x5c header, leaf first. */
static int
x5c_chain(struct pkit_ctx *ctx, const json_t *x5c, STACK_OF(X509) **out)
{
	STACK_OF(X509) *sk;
	const json_t *v;
	unsigned char *der = NULL;
	const unsigned char *p;
	size_t i, len;
	X509 *c;
	int trailing;

	*out = NULL;
	if (!json_is_array(x5c) || json_array_size(x5c) == 0 ||
	    json_array_size(x5c) > MAX_X5C)
		return deny(ctx, "x5c token: x5c is not a list of 1 to %d "
		    "certificates", MAX_X5C);
	if ((sk = sk_X509_new_null()) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "x5c token");
	json_array_foreach(x5c, i, v) {
		if (!json_is_string(v) || pkit_b64_decode(ctx, PKIT_B64_STD,
		    json_string_value(v), json_string_length(v), &der,
		    &len) != 0 || len > LONG_MAX) {
			free(der);
			sk_X509_pop_free(sk, X509_free);
			return deny(ctx, "x5c token: x5c[%zu] is not base64", i);
		}
		p = der;
		c = d2i_X509(NULL, &p, (long)len);
		trailing = c != NULL && p != der + len;
		free(der);
		der = NULL;
		if (c == NULL || trailing || !sk_X509_push(sk, c)) {
			X509_free(c);
			sk_X509_pop_free(sk, X509_free);
			ERR_clear_error();
			return deny(ctx, "x5c token: x5c[%zu] is not a "
			    "certificate", i);
		}
	}
	*out = sk;
	return PKIT_OK;
}

/* The leaf must be allowed to sign (digitalSignature), and the chain
 * must lead to one of the provisioner's roots now, for client
 * authentication (Go's VerifyOptions{Roots, ExtKeyUsageClientAuth}: any
 * certificate of roots is an anchor). */
static int
chain_verify(struct pkit_ctx *ctx, const struct pkit_ca_prov *prov,
    STACK_OF(X509) *sk)
{
	X509 *leaf = sk_X509_value(sk, 0);
	X509_STORE *store = NULL;
	X509_STORE_CTX *sc = NULL;
	STACK_OF(X509) *untrusted = NULL;
	X509_VERIFY_PARAM *vp;
	int i, ok = 0, err = 0;

	/* as Go: no keyUsage extension is no digitalSignature (checked
	 * first: OpenSSL's clientAuth purpose would refuse it less clearly) */
	if (!(X509_get_extension_flags(leaf) & EXFLAG_KUSAGE) ||
	    !(X509_get_key_usage(leaf) & KU_DIGITAL_SIGNATURE))
		return deny(ctx, "x5c token: the certificate used to sign the "
		    "token cannot be used for digital signature");
	if ((store = X509_STORE_new()) == NULL ||
	    (untrusted = sk_X509_new_null()) == NULL ||
	    (sc = X509_STORE_CTX_new()) == NULL)
		goto out;
	for (i = 0; i < sk_X509_num(prov->x5c_roots); i++)
		if (!X509_STORE_add_cert(store, sk_X509_value(prov->x5c_roots,
		    i)))
			goto out;
	for (i = 1; i < sk_X509_num(sk); i++)
		if (!sk_X509_push(untrusted, sk_X509_value(sk, i)))
			goto out;
	if (!X509_STORE_CTX_init(sc, store, leaf, untrusted))
		goto out;
	vp = X509_STORE_CTX_get0_param(sc);
	X509_VERIFY_PARAM_set_time(vp, pkit_now(ctx));
	X509_VERIFY_PARAM_set_flags(vp, X509_V_FLAG_PARTIAL_CHAIN);
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
		return deny(ctx, "x5c token: error verifying the x5c "
		    "certificate chain (provisioner %s): %s", prov->conf->name,
		    err ? X509_verify_cert_error_string(err) : "cannot verify");
	return PKIT_OK;
}

/* The X5C provisioner the token names: by the fragment of an audience
 * ("#x5c/<name>", as step's CLI sends), else by iss. */
static const struct pkit_ca_prov *
find_x5c(const struct pkit_ca_auth *auth, const json_t *claims)
{
	const json_t *aud = json_object_get(claims, "aud"), *v;
	const char *name = NULL, *s, *hash;
	size_t i, k, n = json_is_array(aud) ? json_array_size(aud) : 1;

	for (i = 0; i < n && name == NULL; i++) {
		v = json_is_array(aud) ? json_array_get(aud, i) : aud;
		if ((s = json_string_value(v)) != NULL &&
		    (hash = strchr(s, '#')) != NULL &&
		    strncmp(hash + 1, X5C_FRAGMENT, strlen(X5C_FRAGMENT)) == 0)
			name = hash + 1 + strlen(X5C_FRAGMENT);
	}
	if (name == NULL)
		name = json_string_value(json_object_get(claims, "iss"));
	if (name == NULL)
		return NULL;
	for (k = 0; k < auth->nprovs; k++)
		if (auth->provs[k].type == PKIT_CA_PROV_X5C &&
		    strcmp(auth->provs[k].conf->name, name) == 0)
			return &auth->provs[k];
	return NULL;
}

/* 1 when some audience is one of method's, with no fragment or with
 * prov's ("#x5c/<name>"); ports are ignored as everywhere. */
static int
aud_ok(const struct pkit_ca_auth *auth, const struct pkit_ca_prov *prov,
    enum pkit_ca_aud method, const json_t *aud)
{
	const json_t *v;
	size_t i, k, n = json_is_array(aud) ? json_array_size(aud) : 1;
	char *s, *hash;
	int ok = 0;

	for (i = 0; i < n && !ok; i++) {
		v = json_is_array(aud) ? json_array_get(aud, i) : aud;
		if (!json_is_string(v) || json_string_length(v) == 0 ||
		    (s = pkit_ca_auth_aud_strip(json_string_value(v))) == NULL)
			continue;
		if ((hash = strchr(s, '#')) != NULL) {
			*hash++ = '\0';
			if (strncmp(hash, X5C_FRAGMENT,
			    strlen(X5C_FRAGMENT)) != 0 || strcmp(hash +
			    strlen(X5C_FRAGMENT), prov->conf->name) != 0) {
				free(s);
				continue;
			}
		}
		for (k = 0; k < auth->naud[method] && !ok; k++)
			ok = strcmp(auth->aud[method][k], s) == 0;
		free(s);
	}
	return ok;
}

int
pkit_ca_x5c_authorize(struct pkit_ctx *ctx, const struct pkit_ca_auth *auth,
    const struct pkit_jws *jws, const json_t *claims, enum pkit_ca_aud method,
    const struct pkit_ca_prov **provp, time_t *not_before, time_t *not_after)
{
	struct pkit_jws_verify_opts vo;
	struct pkit_jwk_key *key = NULL;
	const struct pkit_ca_prov *prov;
	const json_t *hdr = jws->sigs[0].protected;
	STACK_OF(X509) *sk = NULL;
	const char *alg, *iss;
	long long nb, na;
	X509 *leaf;
	int r;

	if ((prov = find_x5c(auth, claims)) == NULL)
		return deny(ctx, "x5c token: provisioner not found or invalid "
		    "audience");
	if ((r = x5c_chain(ctx, json_object_get(hdr, "x5c"), &sk)) != 0 ||
	    (r = chain_verify(ctx, prov, sk)) != 0)
		goto out;
	leaf = sk_X509_value(sk, 0);
	if ((r = pkit_ca_token_leaf_key(ctx, hdr, leaf, "x5c token", &key,
	    &alg)) != 0)
		goto out;
	memset(&vo, 0, sizeof(vo));
	vo.alg = alg;
	if (pkit_jws_verify(ctx, jws, key, &vo, NULL) != 0) {
		r = deny(ctx, "x5c token: error parsing x5c claims: invalid "
		    "signature (provisioner %s)", prov->conf->name);
		goto out;
	}
	iss = json_string_value(json_object_get(claims, "iss"));
	if (iss == NULL || strcmp(iss, prov->conf->name) != 0) {
		r = deny(ctx, "x5c token: invalid issuer claim (iss): %s is "
		    "not provisioner %s", iss != NULL ? iss : "(none)",
		    prov->conf->name);
		goto out;
	}
	if (!aud_ok(auth, prov, method, json_object_get(claims, "aud"))) {
		r = deny(ctx, "x5c token has invalid audience claim (aud)");
		goto out;
	}
	if (pkit_asn1_time_epoch(X509_get0_notBefore(leaf), &nb) != 0 ||
	    pkit_asn1_time_epoch(X509_get0_notAfter(leaf), &na) != 0) {
		r = deny(ctx, "x5c token: the certificate's validity does not "
		    "decode");
		goto out;
	}
	*provp = prov;
	*not_before = (time_t)nb;
	*not_after = (time_t)na;
	r = PKIT_OK;
out:
	pkit_jwk_key_free(key);
	sk_X509_pop_free(sk, X509_free);
	return r;
}

/* Refuse with 403 and the message in ctx too. */
static int
forbid(struct pkit_ctx *ctx, struct pkit_ca_refusal *why, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));

static int
forbid(struct pkit_ctx *ctx, struct pkit_ca_refusal *why, const char *fmt,
    ...)
{
	va_list ap;

	if (why == NULL)
		return pkit_seterr(ctx, PKIT_ERR_ARG, "refused");
	why->status = 403;
	va_start(ap, fmt);
	vsnprintf(why->msg, sizeof(why->msg), fmt, ap);
	va_end(ap);
	return pkit_seterr(ctx, PKIT_ERR_ARG, "%s", why->msg);
}

int
pkit_ca_x5c_limit(struct pkit_ctx *ctx, const struct pkit_ca_ott *tok,
    const struct pkit_ca_claims *claims,
    const struct pkit_ca_auth_sign_req *req, time_t *nb, time_t *na,
    struct pkit_ca_refusal *why)
{
	time_t start = *nb, now = pkit_now(ctx);
	char a[64], b[64];

	if (tok->cred_not_after == 0)
		return PKIT_OK;
	/* the start asked for, or now before the backdate */
	if (req->not_before == NULL || *req->not_before == '\0')
		start = now;
	if (start < tok->cred_not_before) {
		pkit_time_format(start, a, sizeof(a));
		pkit_time_format(tok->cred_not_before, b, sizeof(b));
		return forbid(ctx, why, "requested certificate notBefore (%s) "
		    "is before the active validity window of the provisioning "
		    "credential (%s)", a, b);
	}
	if (*na > tok->cred_not_after) {
		if (req->not_after != NULL && *req->not_after != '\0') {
			pkit_time_format(*na, a, sizeof(a));
			pkit_time_format(tok->cred_not_after, b, sizeof(b));
			return forbid(ctx, why, "requested certificate notAfter "
			    "(%s) is after the expiration of the provisioning "
			    "credential (%s)", a, b);
		}
		*na = tok->cred_not_after;
		if ((int64_t)(*na - *nb) * 1000000000 < claims->min_tls) {
			pkit_duration_format((int64_t)(*na - *nb) * 1000000000,
			    a, sizeof(a));
			pkit_duration_format(claims->min_tls, b, sizeof(b));
			return forbid(ctx, why, "requested duration of %s is "
			    "less than the authorized minimum certificate "
			    "duration of %s", a, b);
		}
	}
	return PKIT_OK;
}

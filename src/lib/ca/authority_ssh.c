/* authority_ssh.c - the SSH certificate authority (see authority_ssh.h). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "lib/ca/authority_impl.h"
#include "lib/ca/authority_ssh.h"
#include "lib/ca/ssh_templates.h"
#include "lib/codec.h"
#include "lib/jwk.h"
#include "lib/jws.h"
#include "lib/sshkey.h"
#include "lib/timeutil.h"

#define SEC PKIT_NS_PER_SEC
/* step-ca's ssh.addUserPrincipal default. */
#define ADD_USER_PRINCIPAL "provisioner"

/* Most keys of a kind: the CA's own and ssh.keys entries. */
#define MAX_KEYS 16

struct pkit_ca_ssh {
	EVP_PKEY *user_key, *host_key;	/* private; NULL when not set */
	/* /ssh/roots (and what SSHPOP certificates may be signed by): the
	 * CA's keys and the non-federated ssh.keys; /ssh/federation: the
	 * CA's keys and the federated ones */
	EVP_PKEY *user_pub[MAX_KEYS], *host_pub[MAX_KEYS];
	size_t nuser, nhost;
	EVP_PKEY *user_fed[MAX_KEYS], *host_fed[MAX_KEYS];
	size_t nuser_fed, nhost_fed;
	/* /ssh/config: ca.json's templates.ssh (NULL: pkit's defaults) and
	 * their .Step value */
	struct pkit_ca_ssh_templates *tmpl;
	json_t *step;
};

static int
refuse(struct pkit_ctx *ctx, struct pkit_ca_refusal *why, int status,
    int code, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Refuse with status; the public text is fmt's for 400 and 403 and
 * step's default otherwise; the same text goes to ctx. */
static int
refuse(struct pkit_ctx *ctx, struct pkit_ca_refusal *why, int status,
    int code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (status == 400 || status == 403)
		pkit_ca_auth_refuse(why, status, "%s", msg);
	else
		pkit_ca_auth_refuse(why, status, NULL);
	return pkit_seterr(ctx, code, "%s", msg);
}

/* ---- keys ---------------------------------------------------------------- */

static int
load_one(struct pkit_ctx *ctx, const struct pkit_ca_config *cfg,
    const json_t *ssh, const char *name,
    int (*load_key)(void *, struct pkit_ctx *, const struct pkit_ca_config *,
    const char *, EVP_PKEY **), void *arg, EVP_PKEY **priv, EVP_PKEY **pub,
    size_t *n)
{
	const char *p = json_string_value(json_object_get(ssh, name));
	unsigned char *blob = NULL;
	size_t len = 0;
	char *path = NULL;
	int r;

	if (p == NULL || *p == '\0')
		return PKIT_OK;
	if ((r = pkit_ca_config_path(ctx, cfg, p, &path)) != 0)
		return r;
	r = load_key != NULL ? load_key(arg, ctx, cfg, path, priv) :
	    pkit_seterr(ctx, PKIT_ERR_ARG, "%s: no way to load the key", path);
	if (r == 0 && pkit_sshkey_type(*priv) == NULL)
		r = pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED, "%s: ssh.%s: this "
		    "key type cannot sign SSH certificates", cfg->name, name);
	/* the public half, on its own */
	if (r == 0 && (r = pkit_sshkey_public_blob(ctx, *priv, &blob,
	    &len)) == 0 && (r = pkit_sshkey_from_blob(ctx, blob, len, path,
	    pub)) == 0)
		*n = 1;
	free(blob);
	free(path);
	return r;
}

/* The CA's own public keys go into the federation list too. */
static int
share(struct pkit_ctx *ctx, EVP_PKEY **from, size_t n, EVP_PKEY **to,
    size_t *nto)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!EVP_PKEY_up_ref(from[i]))
			return pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "SSH keys");
		to[(*nto)++] = from[i];
	}
	return PKIT_OK;
}

/* ssh.keys: [{"type":"user"|"host","federated":bool,"key":<public JWK>}]
 * (step's SSHPublicKey). */
static int
load_extra(struct pkit_ctx *ctx, const struct pkit_ca_config *cfg,
    const json_t *ssh, struct pkit_ca_ssh *s)
{
	const json_t *keys = json_object_get(ssh, "keys"), *e;
	const char *type;
	EVP_PKEY *k, **list;
	size_t i, *n;
	int r, fed;

	if (keys == NULL || json_is_null(keys))
		return PKIT_OK;
	if (!json_is_array(keys))
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: ssh.keys is not "
		    "a list", cfg->name);
	json_array_foreach(keys, i, e) {
		type = json_string_value(json_object_get(e, "type"));
		fed = json_is_true(json_object_get(e, "federated"));
		if (type == NULL || (strcmp(type, "user") != 0 &&
		    strcmp(type, "host") != 0))
			return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: "
			    "ssh.keys[%zu].type is neither user nor host",
			    cfg->name, i);
		if (strcmp(type, "user") == 0) {
			list = fed ? s->user_fed : s->user_pub;
			n = fed ? &s->nuser_fed : &s->nuser;
		} else {
			list = fed ? s->host_fed : s->host_pub;
			n = fed ? &s->nhost_fed : &s->nhost;
		}
		if (*n == MAX_KEYS)
			return pkit_seterr(ctx, PKIT_ERR_TOO_LARGE, "%s: ssh.keys: "
			    "more than %d %s keys", cfg->name, MAX_KEYS, type);
		if ((r = pkit_jwk_to_key(ctx, json_object_get(e, "key"),
		    &k)) != 0) {
			char msg[sizeof(ctx->errbuf)];

			snprintf(msg, sizeof(msg), "%s", ctx->errbuf);
			return pkit_seterr(ctx, r, "%s: ssh.keys[%zu].key: %s",
			    cfg->name, i, msg);
		}
		if (pkit_sshkey_type(k) == NULL) {
			EVP_PKEY_free(k);
			return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED, "%s: "
			    "ssh.keys[%zu]: no OpenSSH form for this key",
			    cfg->name, i);
		}
		list[(*n)++] = k;
	}
	return PKIT_OK;
}

/* step's templates.Step value of a key: {"Type", "Marshal"}, Marshal
 * being the wire blob (binary, as Go's []byte: templates write it with
 * "{{ .Marshal | toString | b64enc }}"). */
static int
step_key(struct pkit_ctx *ctx, EVP_PKEY *key, json_t **out)
{
	unsigned char *blob = NULL;
	size_t len = 0;
	int r;

	*out = NULL;
	if ((r = pkit_sshkey_public_blob(ctx, key, &blob, &len)) != 0)
		return r;
	*out = json_pack("{s:s,s:o}", "Type", pkit_sshkey_type(key),
	    "Marshal", json_stringn_nocheck((const char *)blob, len));
	free(blob);
	return *out != NULL ? PKIT_OK : pkit_seterr_nomem(ctx);
}

/* {"SSH": {"UserKey", "HostKey", "UserFederatedKeys",
 * "HostFederatedKeys"}}: the CA's own keys (absent when not set) and the
 * federated ones after them (step-ca's templates.StepSSH). */
static int
step_data(struct pkit_ctx *ctx, const struct pkit_ca_ssh *s, json_t **out)
{
	static const char *const own_name[2] = { "UserKey", "HostKey" };
	static const char *const fed_name[2] = { "UserFederatedKeys",
	    "HostFederatedKeys" };
	json_t *ssh, *list, *k;
	EVP_PKEY *const *fed;
	size_t i, t, own, n;
	int r = PKIT_ERR_INTERNAL;

	*out = NULL;
	if ((ssh = json_object()) == NULL)
		return pkit_seterr_nomem(ctx);
	for (t = 0; t < 2; t++) {
		own = (t == 0 ? s->user_key : s->host_key) != NULL;
		fed = pkit_ca_ssh_federation(s, t == 0 ? PKIT_SSHCERT_USER :
		    PKIT_SSHCERT_HOST, &n);
		if (own) {
			if ((r = step_key(ctx, fed[0], &k)) != 0)
				goto out;
			if (json_object_set_new(ssh, own_name[t], k) != 0)
				goto nomem;
		}
		if ((list = json_array()) == NULL ||
		    json_object_set_new(ssh, fed_name[t], list) != 0)
			goto nomem;
		for (i = own; i < n; i++) {
			if ((r = step_key(ctx, fed[i], &k)) != 0)
				goto out;
			if (json_array_append_new(list, k) != 0)
				goto nomem;
		}
	}
	if ((*out = json_pack("{s:O}", "SSH", ssh)) == NULL)
		goto nomem;
	r = PKIT_OK;
	goto out;
nomem:
	r = pkit_seterr_nomem(ctx);
out:
	json_decref(ssh);
	return r;
}

int
pkit_ca_ssh_load(struct pkit_ctx *ctx, const struct pkit_ca_config *cfg,
    int (*load_key)(void *arg, struct pkit_ctx *ctx,
    const struct pkit_ca_config *cfg, const char *path, EVP_PKEY **out),
    void *load_key_arg, struct pkit_ca_ssh **out)
{
	struct pkit_ca_ssh *s;
	const json_t *ssh = json_object_get(cfg->doc, "ssh");
	int r;

	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return pkit_seterr_nomem(ctx);
	if (ssh != NULL && !json_is_null(ssh) && !json_is_object(ssh)) {
		free(s);
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: ssh is not an "
		    "object", cfg->name);
	}
	if ((r = load_one(ctx, cfg, ssh, "userKey", load_key, load_key_arg,
	    &s->user_key, s->user_pub, &s->nuser)) != 0 ||
	    (r = load_one(ctx, cfg, ssh, "hostKey", load_key, load_key_arg,
	    &s->host_key, s->host_pub, &s->nhost)) != 0 ||
	    (r = share(ctx, s->user_pub, s->nuser, s->user_fed,
	    &s->nuser_fed)) != 0 ||
	    (r = share(ctx, s->host_pub, s->nhost, s->host_fed,
	    &s->nhost_fed)) != 0 ||
	    (r = load_extra(ctx, cfg, ssh, s)) != 0 ||
	    (r = step_data(ctx, s, &s->step)) != 0 ||
	    (r = pkit_ca_ssh_templates_load(ctx, cfg, &s->tmpl)) != 0) {
		pkit_ca_ssh_free(s);
		return r;
	}
	*out = s;
	return PKIT_OK;
}

void
pkit_ca_ssh_free(struct pkit_ca_ssh *s)
{
	size_t i;

	if (s == NULL)
		return;

	EVP_PKEY_free(s->user_key);
	EVP_PKEY_free(s->host_key);
	for (i = 0; i < s->nuser; i++)
		EVP_PKEY_free(s->user_pub[i]);
	for (i = 0; i < s->nhost; i++)
		EVP_PKEY_free(s->host_pub[i]);
	for (i = 0; i < s->nuser_fed; i++)
		EVP_PKEY_free(s->user_fed[i]);
	for (i = 0; i < s->nhost_fed; i++)
		EVP_PKEY_free(s->host_fed[i]);
	pkit_ca_ssh_templates_free(s->tmpl);
	json_decref(s->step);
	free(s);
}

EVP_PKEY *const *
pkit_ca_ssh_keys(const struct pkit_ca_ssh *s, int type, size_t *n)
{
	*n = type == PKIT_SSHCERT_HOST ? s->nhost : s->nuser;
	return type == PKIT_SSHCERT_HOST ? s->host_pub : s->user_pub;
}

EVP_PKEY *const *
pkit_ca_ssh_federation(const struct pkit_ca_ssh *s, int type, size_t *n)
{
	*n = type == PKIT_SSHCERT_HOST ? s->nhost_fed : s->nuser_fed;
	return type == PKIT_SSHCERT_HOST ? s->host_fed : s->user_fed;
}

static EVP_PKEY *
signer(const struct pkit_ca_ssh *s, int type)
{
	return type == PKIT_SSHCERT_HOST ? s->host_key : s->user_key;
}

/* ---- signing ------------------------------------------------------------- */

/* step's sshDefaultPublicKeyValidator. */
static int
check_key(struct pkit_ctx *ctx, EVP_PKEY *key, struct pkit_ca_refusal *why)
{
	if (pkit_sshkey_type(key) == NULL)
		return refuse(ctx, why, 400, PKIT_ERR_UNSUPPORTED, "ssh public "
		    "key type is not supported");
	if (EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA &&
	    EVP_PKEY_get_bits(key) < 2048)
		return refuse(ctx, why, 403, PKIT_ERR_VERIFY, "ssh certificate "
		    "key must be at least 2048 bits (%d)",
		    EVP_PKEY_get_bits(key));
	return PKIT_OK;
}

static const char *
jstr(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL && *s != '\0' ? s : NULL;
}

static int
in_array(const json_t *a, const char *s)
{
	const json_t *v;
	size_t i;

	json_array_foreach(a, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
			return 1;
	return 0;
}

/* The validity: valid_after and valid_before from the token (or the
 * request), defaults from the provisioner's claims, backdated as step. */
static int
validity(struct pkit_ctx *ctx, const struct pkit_ca_auth *auth,
    const struct pkit_ca_claims *cl, int type, const char *va_s,
    const char *vb_s, uint64_t *va_out, uint64_t *vb_out,
    struct pkit_ca_refusal *why)
{
	time_t now = pkit_now(ctx), va = 0, vb = 0, backdate = 0;
	int64_t min, max, dflt, d;
	char a[64], b[64];

	if (type == PKIT_SSHCERT_HOST) {
		min = cl->min_host_ssh / SEC;
		max = cl->max_host_ssh / SEC;
		dflt = cl->default_host_ssh / SEC;
	} else {
		min = cl->min_user_ssh / SEC;
		max = cl->max_user_ssh / SEC;
		dflt = cl->default_user_ssh / SEC;
	}
	if (pkit_time_or_duration(ctx, va_s, now, "validAfter", &va) != 0 ||
	    pkit_time_or_duration(ctx, vb_s, va != 0 ? va : now,
	    "validBefore", &vb) != 0) {
		char msg[sizeof(ctx->errbuf)];

		snprintf(msg, sizeof(msg), "%s", ctx->errbuf);
		return refuse(ctx, why, 400, PKIT_ERR_ARG, "%s", msg);
	}
	if (va == 0) {
		va = now;
		backdate = (time_t)auth->backdate;
	}
	if (vb == 0)
		vb = va + (time_t)dflt;
	va -= backdate;
	if (vb < now)
		return refuse(ctx, why, 400, PKIT_ERR_ARG, "ssh certificate "
		    "validBefore cannot be in the past");
	if (vb <= va)
		return refuse(ctx, why, 400, PKIT_ERR_ARG, "ssh certificate "
		    "validBefore cannot be before validAfter");
	d = (int64_t)(vb - va);
	if (d < min) {
		pkit_duration_format(d * SEC, a, sizeof(a));
		pkit_duration_format(min * SEC, b, sizeof(b));
		return refuse(ctx, why, 403, PKIT_ERR_ARG, "requested duration "
		    "of %s is less than the authorized minimum certificate "
		    "duration of %s", a, b);
	}
	if (d > max + auth->backdate) {
		pkit_duration_format(d * SEC, a, sizeof(a));
		pkit_duration_format((max + auth->backdate) * SEC, b,
		    sizeof(b));
		return refuse(ctx, why, 403, PKIT_ERR_ARG, "requested duration "
		    "of %s is more than the authorized maximum certificate "
		    "duration of %s", a, b);
	}
	*va_out = (uint64_t)va;
	*vb_out = (uint64_t)vb;
	return PKIT_OK;
}

/* A signed certificate of type for key. */
static int
build(struct pkit_ctx *ctx, const struct pkit_ca_ssh *ssh, EVP_PKEY *key,
    int type, const char *key_id, const char *const *principals, size_t n,
    uint64_t va, uint64_t vb, int defaults, struct pkit_sshcert **out)
{
	struct pkit_sshcert *c = NULL;
	size_t i;
	int r;

	*out = NULL;
	if ((r = pkit_sshcert_new(ctx, key, (enum pkit_sshcert_type)type,
	    &c)) != 0 || (r = pkit_sshcert_set_key_id(ctx, c, key_id)) != 0)
		goto out;
	for (i = 0; i < n; i++)
		if ((r = pkit_sshcert_add_principal(ctx, c,
		    principals[i])) != 0)
			goto out;
	c->valid_after = va;
	c->valid_before = vb;
	if ((defaults && (r = pkit_sshcert_default_extensions(ctx, c)) != 0) ||
	    (r = pkit_sshcert_random_serial(ctx, c)) != 0)
		goto out;
	if (!defaults) {
		*out = c;
		return PKIT_OK;
	}
	if ((r = pkit_sshcert_sign(ctx, c, signer(ssh, type), NULL)) != 0)
		goto out;
	*out = c;
	c = NULL;
out:
	pkit_sshcert_free(c);
	return r;
}

int
pkit_ca_ssh_sign(struct pkit_ctx *ctx, const struct pkit_ca_auth *auth,
    const struct pkit_ca_ssh *ssh, const struct pkit_ca_ott *tok,
    const struct pkit_ca_ssh_sign_req *req, struct pkit_sshcert **out,
    struct pkit_sshcert **add_user, struct pkit_ca_refusal *why)
{
	const json_t *sc, *tp, *v;
	const char *ttype, *tkid, *tva, *tvb, *type_s, *key_id, *va_s, *vb_s;
	const char **princ = NULL, *one[1];
	struct pkit_sshcert *c = NULL, *au = NULL;
	char cmd[600], auid[600];
	uint64_t va = 0, vb = 0;
	size_t i, np = 0;
	int type, r;

	*out = NULL;
	if (add_user != NULL)
		*add_user = NULL;
	if (tok->prov->claims.enable_ssh_ca != 1) {
		pkit_ca_auth_refuse(why, 401, NULL);
		return pkit_seterr(ctx, PKIT_ERR_VERIFY, "sshCA is disabled "
		    "for jwk provisioner '%s'", tok->prov->conf->name);
	}
	sc = json_object_get(json_object_get(tok->claims, "step"), "ssh");
	if (!json_is_object(sc)) {
		pkit_ca_auth_refuse(why, 401, NULL);
		return pkit_seterr(ctx, PKIT_ERR_VERIFY, "token has no step.ssh "
		    "claim: not an SSH token");
	}
	ttype = jstr(sc, "certType");
	tkid = jstr(sc, "keyID");
	tva = jstr(sc, "validAfter");
	tvb = jstr(sc, "validBefore");
	tp = json_object_get(sc, "principals");
	if (tp != NULL && !json_is_null(tp) && !json_is_array(tp)) {
		pkit_ca_auth_refuse(why, 401, NULL);
		return pkit_seterr(ctx, PKIT_ERR_VERIFY, "token step.ssh "
		    "principals is not a list");
	}
	/* the request may narrow the token, never contradict it */
	if (ttype != NULL && req->cert_type != NULL &&
	    strcmp(ttype, req->cert_type) != 0)
		return refuse(ctx, why, 403, PKIT_ERR_VERIFY, "ssh certificate "
		    "type does not match - got %s, want %s", req->cert_type,
		    ttype);
	type_s = ttype != NULL ? ttype : req->cert_type != NULL ?
	    req->cert_type : "user";
	if (strcmp(type_s, "user") == 0)
		type = PKIT_SSHCERT_USER;
	else if (strcmp(type_s, "host") == 0)
		type = PKIT_SSHCERT_HOST;
	else
		return refuse(ctx, why, 400, PKIT_ERR_ARG, "unknown ssh "
		    "certificate type %s", type_s);
	key_id = tkid != NULL ? tkid : tok->sub;
	if (req->key_id != NULL && strcmp(req->key_id, key_id) != 0)
		return refuse(ctx, why, 403, PKIT_ERR_VERIFY, "ssh certificate "
		    "key id does not match - got %s, want %s", req->key_id,
		    key_id);
	if (tva != NULL && req->valid_after != NULL &&
	    strcmp(tva, req->valid_after) != 0)
		return refuse(ctx, why, 403, PKIT_ERR_VERIFY, "ssh certificate "
		    "validAfter does not match - got %s, want %s",
		    req->valid_after, tva);
	if (tvb != NULL && req->valid_before != NULL &&
	    strcmp(tvb, req->valid_before) != 0)
		return refuse(ctx, why, 403, PKIT_ERR_VERIFY, "ssh certificate "
		    "validBefore does not match - got %s, want %s",
		    req->valid_before, tvb);
	va_s = tva != NULL ? tva : req->valid_after;
	vb_s = tvb != NULL ? tvb : req->valid_before;
	if (json_array_size(tp) > PKIT_SSHCERT_MAX_PRINCIPALS ||
	    req->nprincipals > PKIT_SSHCERT_MAX_PRINCIPALS)
		return refuse(ctx, why, 400, PKIT_ERR_ARG, "too many "
		    "principals");
	if (req->nprincipals > 0) {
		for (i = 0; json_array_size(tp) > 0 && i < req->nprincipals;
		    i++)
			if (!in_array(tp, req->principals[i]))
				return refuse(ctx, why, 403, PKIT_ERR_VERIFY,
				    "ssh certificate principal %s is not in "
				    "the token", req->principals[i]);
		princ = (const char **)(uintptr_t)req->principals;
		np = req->nprincipals;
	} else if (json_array_size(tp) > 0) {
		if ((princ = calloc(json_array_size(tp), sizeof(*princ))) ==
		    NULL)
			return pkit_seterr_nomem(ctx);
		json_array_foreach(tp, i, v) {
			if (!json_is_string(v)) {
				free(princ);
				pkit_ca_auth_refuse(why, 401, NULL);
				return pkit_seterr(ctx, PKIT_ERR_VERIFY, "token "
				    "step.ssh principals are not strings");
			}
			princ[np++] = json_string_value(v);
		}
	} else {
		/* step's default: the token's subject */
		one[0] = tok->sub;
		princ = one;
		np = 1;
	}
	if ((r = check_key(ctx, req->key, why)) != 0 ||
	    (r = pkit_ca_auth_policy_ssh(ctx, auth, tok->prov,
	    type == PKIT_SSHCERT_HOST, princ, np, why)) != 0 ||
	    (r = validity(ctx, auth, &tok->prov->claims, type, va_s, vb_s, &va,
	    &vb, why)) != 0)
		goto out;
	if (signer(ssh, type) == NULL) {
		r = refuse(ctx, why, 501, PKIT_ERR_UNSUPPORTED, "%s "
		    "certificates: ca.json has no ssh.%sKey", type_s, type_s);
		goto out;
	}
	if ((r = build(ctx, ssh, req->key, type, key_id, princ, np, va, vb, 1,
	    &c)) != 0) {
		if (r == PKIT_ERR_ARG || r == PKIT_ERR_EXISTS) {
			char msg[sizeof(ctx->errbuf)];

			snprintf(msg, sizeof(msg), "%s", ctx->errbuf);
			refuse(ctx, why, 400, r, "%s", msg);
		} else
			pkit_ca_auth_refuse(why, 500, NULL);
		goto out;
	}
	/* step's SignSSHAddUser: a certificate for the provisioner user
	 * whose forced command creates the one principal's account */
	if (req->add_user_key != NULL && add_user != NULL) {
		if (type != PKIT_SSHCERT_USER || np != 1) {
			r = refuse(ctx, why, 400, PKIT_ERR_ARG, "addUserPublicKey "
			    "needs a user certificate with exactly one "
			    "principal");
			goto out;
		}
		one[0] = ADD_USER_PRINCIPAL;
		snprintf(auid, sizeof(auid), "%s-%s", key_id,
		    ADD_USER_PRINCIPAL);
		snprintf(cmd, sizeof(cmd), "sudo useradd -m %s; nc -q0 "
		    "localhost 22", princ[0]);
		if ((r = check_key(ctx, req->add_user_key, why)) != 0)
			goto out;
		if ((r = build(ctx, ssh, req->add_user_key, type, auid, one, 1,
		    va, vb, 0, &au)) != 0 ||
		    (r = pkit_sshcert_add_critical(ctx, au, "force-command",
		    cmd)) != 0 ||
		    (r = pkit_sshcert_sign(ctx, au, ssh->user_key,
		    NULL)) != 0) {
			pkit_ca_auth_refuse(why, 500, NULL);
			goto out;
		}
		*add_user = au;
		au = NULL;
	}
	*out = c;
	c = NULL;
	r = PKIT_OK;
out:
	if (princ != one && princ != (const char **)(uintptr_t)req->principals)
		free(princ);
	pkit_sshcert_free(c);
	pkit_sshcert_free(au);
	return r;
}

/* ---- SSHPOP -------------------------------------------------------------- */

static int
pop_deny(struct pkit_ctx *ctx, struct pkit_ca_refusal *why, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));

static int
pop_deny(struct pkit_ctx *ctx, struct pkit_ca_refusal *why, const char *fmt,
    ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pkit_ca_auth_refuse(why, 401, NULL);
	return pkit_seterr(ctx, PKIT_ERR_VERIFY, "sshpop: %s", msg);
}

static const struct pkit_ca_prov *
find_sshpop(const struct pkit_ca_auth *auth, const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < auth->nprovs; i++)
		if (strcasecmp(auth->provs[i].conf->type, "SSHPOP") == 0 &&
		    strcmp(auth->provs[i].conf->name, name) == 0)
			return &auth->provs[i];
	return NULL;
}

/* aud without the "#sshpop/<name>" fragments (any other is refused). */
static json_t *
aud_unfragment(const json_t *aud, const char *name)
{
	const json_t *v;
	json_t *out;
	const char *s, *h;
	char frag[300];
	size_t i, n = json_is_array(aud) ? json_array_size(aud) : 1;

	snprintf(frag, sizeof(frag), "sshpop/%s", name);
	if ((out = json_array()) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		v = json_is_array(aud) ? json_array_get(aud, i) : aud;
		if ((s = json_string_value(v)) == NULL)
			continue;
		if ((h = strchr(s, '#')) == NULL)
			json_array_append_new(out, json_string(s));
		else if (strcmp(h + 1, frag) == 0)
			json_array_append_new(out, json_stringn(s,
			    (size_t)(h - s)));
	}
	return out;
}

static int
is_revoked(struct pkit_ctx *ctx, struct pkit_db *db, uint64_t serial,
    int *revoked)
{
	unsigned char *v = NULL;
	size_t len;
	char key[32];
	int r;

	*revoked = 0;
	if (db == NULL)
		return PKIT_OK;
	snprintf(key, sizeof(key), "%" PRIu64, serial);
	r = pkit_db_kv_get(ctx, db, "revoked_ssh_certs", key, &v, &len);
	free(v);
	if (r == PKIT_ERR_NOT_FOUND)
		return PKIT_OK;
	if (r == 0)
		*revoked = 1;
	return r;
}

int
pkit_ca_ssh_pop(struct pkit_ctx *ctx, const struct pkit_ca_auth *auth,
    const struct pkit_ca_ssh *ssh, struct pkit_db *db, const char *token,
    size_t len, enum pkit_ca_aud method, struct pkit_sshcert **out,
    struct pkit_ca_ott **tokp, struct pkit_ca_refusal *why)
{
	struct pkit_jws_verify_opts vo;
	struct pkit_jws *jws = NULL;
	struct pkit_jwk_key *k = NULL;
	struct pkit_sshcert *c = NULL;
	struct pkit_ca_ott *tok = NULL;
	const struct pkit_ca_prov *prov;
	EVP_PKEY *const *keys;
	json_t *claims = NULL, *jwk = NULL, *aud = NULL;
	const json_t *hdr;
	const char *b64, *alg, *sub;
	unsigned char *blob = NULL;
	size_t blen = 0, nk, i;
	time_t now = pkit_now(ctx);
	int r, found = 0, revoked;

	*out = NULL;
	*tokp = NULL;
	if ((r = pkit_ca_token_parse(ctx, token, len, &jws, &claims)) != 0) {
		pkit_ca_auth_refuse(why, 401, NULL);
		return r;
	}
	hdr = jws->sigs[0].protected;
	if ((b64 = json_string_value(json_object_get(hdr, "sshpop"))) == NULL) {
		r = pop_deny(ctx, why, "token missing sshpop header");
		goto out;
	}
	if (pkit_b64_decode(ctx, PKIT_B64_STD, b64, strlen(b64), &blob,
	    &blen) != 0 || pkit_sshcert_decode(ctx, blob, blen,
	    "sshpop certificate", &c) != 0) {
		r = pop_deny(ctx, why, "the sshpop header is not an SSH "
		    "certificate");
		goto out;
	}
	keys = pkit_ca_ssh_keys(ssh, (int)c->type, &nk);
	for (i = 0; i < nk && !found; i++)
		found = EVP_PKEY_eq(c->ca, keys[i]) == 1;
	if (!found) {
		r = pop_deny(ctx, why, "could not find valid ca signer to "
		    "verify sshpop certificate");
		goto out;
	}
	if ((r = is_revoked(ctx, db, c->serial, &revoked)) != 0) {
		pkit_ca_auth_refuse(why, 500, NULL);
		goto out;
	}
	if (revoked) {
		r = pop_deny(ctx, why, "certificate %" PRIu64 " has been "
		    "revoked", c->serial);
		goto out;
	}
	if (c->valid_after != 0 && c->valid_after > (uint64_t)now) {
		r = pop_deny(ctx, why, "sshpop certificate validAfter is in "
		    "the future");
		goto out;
	}
	if (c->valid_before != PKIT_SSHCERT_FOREVER &&
	    c->valid_before < (uint64_t)now) {
		r = pop_deny(ctx, why, "sshpop certificate validBefore is in "
		    "the past");
		goto out;
	}
	/* the certificate's key signed the token */
	alg = json_string_value(json_object_get(hdr, "alg"));
	if (alg == NULL || strcasecmp(alg, "none") == 0 ||
	    strncmp(alg, "HS", 2) == 0) {
		r = pop_deny(ctx, why, "alg %s is not allowed",
		    alg != NULL ? alg : "(none)");
		goto out;
	}
	memset(&vo, 0, sizeof(vo));
	vo.alg = alg;
	if (pkit_jwk_from_key(ctx, c->key, 0, &jwk) != 0 ||
	    pkit_jwk_key_new(ctx, jwk, &k) != 0 ||
	    pkit_jws_verify(ctx, jws, k, &vo, NULL) != 0) {
		r = pop_deny(ctx, why, "error parsing sshpop token claims: "
		    "invalid signature");
		goto out;
	}
	prov = find_sshpop(auth, json_string_value(json_object_get(claims,
	    "iss")));
	if (prov == NULL) {
		r = pop_deny(ctx, why, "invalid sshpop token: the issuer is no "
		    "SSHPOP provisioner");
		goto out;
	}
	if ((aud = aud_unfragment(json_object_get(claims, "aud"),
	    prov->conf->name)) == NULL) {
		r = pkit_seterr_nomem(ctx);
		pkit_ca_auth_refuse(why, 500, NULL);
		goto out;
	}
	if (!pkit_ca_token_aud(auth, method, aud)) {
		r = pop_deny(ctx, why, "sshpop token has invalid audience "
		    "claim (aud)");
		goto out;
	}
	sub = json_string_value(json_object_get(claims, "sub"));
	if (sub == NULL || *sub == '\0') {
		r = pop_deny(ctx, why, "sshpop token subject cannot be empty");
		goto out;
	}
	if ((tok = calloc(1, sizeof(*tok))) == NULL) {
		r = pkit_seterr_nomem(ctx);
		pkit_ca_auth_refuse(why, 500, NULL);
		goto out;
	}
	if ((r = pkit_ca_token_times(ctx, auth, claims, &tok->expires)) != 0 ||
	    (r = pkit_ca_token_jti(ctx, claims, tok->id)) != 0) {
		pkit_ca_auth_refuse(why, 401, NULL);
		goto out;
	}
	tok->prov = prov;
	tok->claims = claims;
	claims = NULL;
	tok->sub = json_string_value(json_object_get(tok->claims, "sub"));
	*out = c;
	c = NULL;
	*tokp = tok;
	tok = NULL;
	r = PKIT_OK;
out:
	pkit_ca_ott_free(tok);
	pkit_sshcert_free(c);
	pkit_jwk_key_free(k);
	json_decref(jwk);
	json_decref(aud);
	json_decref(claims);
	free(blob);
	pkit_jws_free(jws);
	return r;
}

/* ---- renew and rekey ----------------------------------------------------- */

static int
copy_opts(struct pkit_ctx *ctx, const struct pkit_sshcert_opt *in, size_t n,
    struct pkit_sshcert_opt **out, size_t *nout)
{
	struct pkit_sshcert_opt *v;
	size_t i;

	*out = NULL;
	*nout = 0;
	if (n == 0)
		return PKIT_OK;
	if ((v = calloc(n, sizeof(*v))) == NULL)
		return pkit_seterr_nomem(ctx);
	*out = v;
	for (i = 0; i < n; i++, (*nout)++) {
		if ((v[i].name = strdup(in[i].name)) == NULL ||
		    (v[i].data = malloc(in[i].len + 1)) == NULL)
			return pkit_seterr_nomem(ctx);
		if (in[i].len > 0)
			memcpy(v[i].data, in[i].data, in[i].len);
		v[i].len = in[i].len;
	}
	return PKIT_OK;
}

int
pkit_ca_ssh_renew(struct pkit_ctx *ctx, const struct pkit_ca_auth *auth,
    const struct pkit_ca_ssh *ssh, const struct pkit_ca_ott *tok,
    const struct pkit_sshcert *old, EVP_PKEY *key,
    struct pkit_sshcert **out, struct pkit_ca_refusal *why)
{
	const struct pkit_ca_claims *cl = &tok->prov->claims;
	struct pkit_sshcert *c = NULL;
	time_t now = pkit_now(ctx);
	uint64_t life, va, vb;
	int r;

	*out = NULL;
	if (old->type != PKIT_SSHCERT_HOST)
		return refuse(ctx, why, 400, PKIT_ERR_ARG, "sshpop certificate "
		    "must be a host ssh certificate");
	if (cl->disable_renewal == 1) {
		pkit_ca_auth_refuse(why, 401, NULL);
		return pkit_seterr(ctx, PKIT_ERR_VERIFY, "renew is disabled "
		    "for provisioner '%s'", tok->prov->conf->name);
	}
	if (key != NULL && (r = check_key(ctx, key, why)) != 0)
		return r;
	if (old->valid_before == PKIT_SSHCERT_FOREVER ||
	    old->valid_before <= old->valid_after)
		life = (uint64_t)(cl->default_host_ssh / SEC);
	else
		life = old->valid_before - old->valid_after;
	if (life > (uint64_t)(cl->max_host_ssh / SEC + auth->backdate))
		life = (uint64_t)(cl->max_host_ssh / SEC + auth->backdate);
	va = (uint64_t)now - (uint64_t)auth->backdate;
	vb = va + life;
	if ((r = build(ctx, ssh, key != NULL ? key : old->key, (int)old->type,
	    old->key_id, (const char *const *)old->principals,
	    old->nprincipals, va, vb, 0, &c)) != 0 ||
	    (r = copy_opts(ctx, old->critical, old->ncritical, &c->critical,
	    &c->ncritical)) != 0 ||
	    (r = copy_opts(ctx, old->extensions, old->nextensions,
	    &c->extensions, &c->nextensions)) != 0 ||
	    (r = pkit_sshcert_sign(ctx, c, signer(ssh, (int)old->type),
	    NULL)) != 0) {
		pkit_ca_auth_refuse(why, 500, NULL);
		pkit_sshcert_free(c);
		return r;
	}
	*out = c;
	return PKIT_OK;
}

/* ---- the database -------------------------------------------------------- */

static int
db_fail(struct pkit_ctx *ctx, struct pkit_db *db, struct pkit_ca_refusal *why,
    int r)
{
	pkit_db_batch_abort(ctx, db);
	if (r == PKIT_ERR_EXISTS) {
		pkit_ca_auth_refuse(why, 401, NULL);
		return pkit_seterr(ctx, r, "token already used");
	}
	pkit_ca_auth_refuse(why, 500, NULL);
	return r;
}

/* Host principals and the hosts list for a host certificate. */
static int
record_host(struct pkit_ctx *ctx, struct pkit_db *db,
    const struct pkit_sshcert *c)
{
	unsigned char *v = NULL;
	json_t *hosts = NULL, *rec;
	json_error_t e;
	char *text, serial[32];
	size_t len, i;
	int r;

	r = pkit_db_kv_get(ctx, db, "ssh_hosts", "list", &v, &len);
	if (r == 0)
		hosts = json_loadb((const char *)v, len, 0, &e);
	else if (r != PKIT_ERR_NOT_FOUND)
		return r;
	free(v);
	if (!json_is_object(hosts)) {
		json_decref(hosts);
		if ((hosts = json_object()) == NULL)
			return pkit_seterr_nomem(ctx);
	}
	snprintf(serial, sizeof(serial), "%" PRIu64, c->serial);
	for (i = 0; i < c->nprincipals; i++) {
		json_object_set_new(hosts, c->principals[i],
		    json_integer((json_int_t)c->valid_before));
		rec = json_pack("{s:s,s:I}", "serial", serial, "validBefore",
		    (json_int_t)c->valid_before);
		text = rec != NULL ? json_dumps(rec, JSON_COMPACT) : NULL;
		json_decref(rec);
		if (text == NULL) {
			json_decref(hosts);
			return pkit_seterr_nomem(ctx);
		}
		r = pkit_db_kv_put(ctx, db, "ssh_host_principals",
		    c->principals[i], text, strlen(text), 0);
		free(text);
		if (r != 0) {
			json_decref(hosts);
			return r;
		}
	}
	text = json_dumps(hosts, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(hosts);
	if (text == NULL)
		return pkit_seterr_nomem(ctx);
	r = pkit_db_kv_put(ctx, db, "ssh_hosts", "list", text, strlen(text), 0);
	free(text);
	return r;
}

int
pkit_ca_ssh_record(struct pkit_ctx *ctx, const struct pkit_ca_auth *auth,
    struct pkit_db *db, const struct pkit_ca_ott *tok,
    struct pkit_sshcert *const *certs, size_t n, struct pkit_ca_refusal *why)
{
	char serial[32];
	size_t i;
	int r;

	if (db == NULL) {
		if (tok == NULL)
			return PKIT_OK;
		if ((r = pkit_ca_auth_memtok(ctx, auth->a, tok->id,
		    tok->expires)) == PKIT_ERR_EXISTS) {
			pkit_ca_auth_refuse(why, 401, NULL);
			return pkit_seterr(ctx, r, "token already used");
		}
		if (r != 0)
			pkit_ca_auth_refuse(why, 500, NULL);
		return r;
	}
	if ((r = pkit_db_batch_begin(ctx, db)) != 0) {
		pkit_ca_auth_refuse(why, 500, NULL);
		return r;
	}
	if (tok != NULL && (r = pkit_db_use_token(ctx, db, tok->id,
	    tok->expires)) != 0)
		return db_fail(ctx, db, why, r);
	for (i = 0; i < n; i++) {
		snprintf(serial, sizeof(serial), "%" PRIu64, certs[i]->serial);
		if ((r = pkit_db_kv_put(ctx, db, "ssh_certs", serial,
		    certs[i]->blob, certs[i]->bloblen,
		    PKIT_DB_KV_CREATE)) != 0 ||
		    (certs[i]->type == PKIT_SSHCERT_HOST &&
		    (r = record_host(ctx, db, certs[i])) != 0))
			return db_fail(ctx, db, why, r == PKIT_ERR_EXISTS ?
			    PKIT_ERR_DB : r);
	}
	if ((r = pkit_db_batch_commit(ctx, db)) != 0) {
		pkit_ca_auth_refuse(why, 500, NULL);
		return r;
	}
	return PKIT_OK;
}

int
pkit_ca_ssh_revoke(struct pkit_ctx *ctx, const struct pkit_ca_auth *auth,
    struct pkit_db *db, const struct pkit_ca_ott *tok, const char *serial,
    int reason_code, const char *reason, struct pkit_ca_refusal *why)
{
	char *end, *text;
	unsigned long long v;
	json_t *rec;
	int r;

	(void)auth;
	if (serial == NULL || *serial == '\0')
		return refuse(ctx, why, 400, PKIT_ERR_ARG, "missing serial");
	errno = 0;
	v = strtoull(serial, &end, 10);
	if (*serial < '0' || *serial > '9' || *end != '\0' || errno != 0)
		return refuse(ctx, why, 400, PKIT_ERR_ARG, "serial %s is not a "
		    "decimal SSH certificate serial number", serial);
	(void)v;
	if (reason_code < 0 || reason_code > 10)
		return refuse(ctx, why, 400, PKIT_ERR_ARG, "reasonCode out of "
		    "bounds");
	if (strcmp(tok->sub, serial) != 0)
		return refuse(ctx, why, 403, PKIT_ERR_VERIFY, "token subject "
		    "does not match the serial number");
	if (db == NULL)
		return refuse(ctx, why, 501, PKIT_ERR_UNSUPPORTED, "revocation "
		    "needs a database (ca.json has no db)");
	rec = json_pack("{s:s,s:i,s:s,s:I,s:s}", "serial", serial,
	    "reasonCode", reason_code, "reason", reason != NULL ? reason : "",
	    "revokedAt", (json_int_t)pkit_now(ctx), "provisionerID",
	    tok->prov->conf->id != NULL ? tok->prov->conf->id :
	    tok->prov->conf->name);
	text = rec != NULL ? json_dumps(rec, JSON_COMPACT | JSON_SORT_KEYS) :
	    NULL;
	json_decref(rec);
	if (text == NULL)
		return pkit_seterr_nomem(ctx);
	if ((r = pkit_db_batch_begin(ctx, db)) != 0) {
		free(text);
		pkit_ca_auth_refuse(why, 500, NULL);
		return r;
	}
	if ((r = pkit_db_use_token(ctx, db, tok->id, tok->expires)) != 0) {
		free(text);
		return db_fail(ctx, db, why, r);
	}
	r = pkit_db_kv_put(ctx, db, "revoked_ssh_certs", serial, text,
	    strlen(text), PKIT_DB_KV_CREATE);
	free(text);
	if (r == PKIT_ERR_EXISTS) {
		pkit_db_batch_abort(ctx, db);
		return refuse(ctx, why, 400, r, "certificate with serial number "
		    "'%s' is already revoked", serial);
	}
	if (r != 0)
		return db_fail(ctx, db, why, r);
	if ((r = pkit_db_batch_commit(ctx, db)) != 0) {
		pkit_ca_auth_refuse(why, 500, NULL);
		return r;
	}
	return PKIT_OK;
}

int
pkit_ca_ssh_hosts(struct pkit_ctx *ctx, struct pkit_db *db, json_t **out)
{
	unsigned char *v = NULL;
	json_t *hosts = NULL, *list, *val;
	json_error_t e;
	const char *name;
	size_t len;
	int r;

	*out = NULL;
	if ((list = json_array()) == NULL)
		return pkit_seterr_nomem(ctx);
	r = db != NULL ? pkit_db_kv_get(ctx, db, "ssh_hosts", "list", &v,
	    &len) : PKIT_ERR_NOT_FOUND;
	if (r == 0)
		hosts = json_loadb((const char *)v, len, 0, &e);
	else if (r != PKIT_ERR_NOT_FOUND) {
		json_decref(list);
		return r;
	}
	free(v);
	json_object_foreach(hosts, name, val)
		if (json_is_integer(val) &&
		    json_integer_value(val) > (json_int_t)pkit_now(ctx))
			json_array_append_new(list, json_pack("{s:s,s:n,s:s}",
			    "hid", "", "host_tags", "hostname", name));
	json_decref(hosts);
	if ((*out = json_pack("{s:o}", "hosts", list)) == NULL)
		return pkit_seterr_nomem(ctx);
	return PKIT_OK;
}

int
pkit_ca_ssh_check_host(struct pkit_ctx *ctx, struct pkit_db *db,
    const char *principal, int *exists)
{
	unsigned char *v = NULL;
	json_t *rec;
	json_error_t e;
	size_t len;
	int r;

	*exists = 0;
	r = pkit_db_kv_get(ctx, db, "ssh_host_principals", principal, &v, &len);
	if (r == PKIT_ERR_NOT_FOUND)
		return PKIT_OK;
	if (r != 0)
		return r;
	rec = json_loadb((const char *)v, len, 0, &e);
	free(v);
	*exists = json_integer_value(json_object_get(rec, "validBefore")) >
	    (json_int_t)pkit_now(ctx);
	json_decref(rec);
	return PKIT_OK;
}

/* ---- /ssh/config --------------------------------------------------------- */

static json_t *
template(struct pkit_ctx *ctx, const char *name, const char *type,
    const char *path, const char *content)
{
	char *b64 = NULL;
	json_t *t;

	if (pkit_b64_encode(ctx, PKIT_B64_STD, (const unsigned char *)content,
	    strlen(content), &b64) != 0)
		return NULL;
	t = json_pack("{s:s,s:s,s:s,s:s,s:s}", "name", name, "type", type,
	    "path", path, "comment", "#", "content", b64);
	free(b64);
	return t;
}

/* A non-empty string of the request's data, or def. */
static const char *
data_str(const json_t *data, const char *key, const char *def)
{
	const char *v = json_string_value(json_object_get(data, key));

	return v != NULL && *v != '\0' ? v : def;
}

/* p when absolute, else dir/p. */
static int
in_dir(struct pkit_ctx *ctx, const char *dir, const char *p, char **out)
{
	if (p[0] == '/')
		*out = strdup(p);
	else if (asprintf(out, "%s/%s", dir, p) < 0)
		*out = NULL;
	return *out != NULL ? PKIT_OK : pkit_seterr_nomem(ctx);
}

/* pkit's templates when ca.json has none, shaped by the request's data
 * as step's default ones: for a user (StepPath, default ~/.step)
 * include.tpl, a block in ~/.ssh/config that includes config.tpl,
 * <StepPath>/ssh/config, which makes ssh read known_hosts.tpl,
 * <StepPath>/ssh/known_hosts, with an @cert-authority line for each
 * host CA key of /ssh/roots; for a host (Dir, default /etc/ssh; Key and
 * Certificate relative to it, default ssh_host_ecdsa_key and its
 * -cert.pub) sshd_config.tpl, a block in <Dir>/sshd_config that sets
 * TrustedUserCAKeys to ca.tpl, <Dir>/ca.pub, the user CA keys. */
static int
default_config(struct pkit_ctx *ctx, const struct pkit_ca_ssh *ssh, int host,
    const json_t *data, json_t *list)
{
	const char *base = data_str(data, "StepPath", "~/.step");
	const char *dir = data_str(data, "Dir", "/etc/ssh");
	char *text = NULL, *block = NULL, *a = NULL, *b = NULL, *c = NULL;
	char *d = NULL;
	int r;

	if (host) {
		if ((r = in_dir(ctx, dir, "ca.pub", &a)) != 0 ||
		    (r = in_dir(ctx, dir, data_str(data, "Key",
		    "ssh_host_ecdsa_key"), &b)) != 0 ||
		    (r = in_dir(ctx, dir, data_str(data, "Certificate",
		    "ssh_host_ecdsa_key-cert.pub"), &c)) != 0 ||
		    (r = in_dir(ctx, dir, "sshd_config", &d)) != 0 ||
		    (r = pkit_sshconfig_keys(ctx, ssh->user_pub, ssh->nuser,
		    &text)) != 0 ||
		    (r = pkit_sshconfig_sshd(ctx, a, b, c, &block)) != 0)
			goto out;
		json_array_append_new(list, template(ctx, "sshd_config.tpl",
		    "snippet", d, block));
		json_array_append_new(list, template(ctx, "ca.tpl", "file", a,
		    text));
		r = json_array_size(list) == 2 ? PKIT_OK : pkit_seterr_nomem(ctx);
		goto out;
	}
	if (strpbrk(base, "\"\r\n") != NULL) {
		r = pkit_seterr(ctx, PKIT_ERR_ARG, "'%s' cannot be written in "
		    "an ssh configuration file", base);
		goto out;
	}
	if (asprintf(&a, "%s/ssh/known_hosts", base) < 0 ||
	    asprintf(&b, "Host *\n\tInclude \"%s/ssh/config\"\n", base) < 0) {
		a = b = NULL;
		r = pkit_seterr_nomem(ctx);
		goto out;
	}
	if ((r = pkit_sshconfig_known_hosts(ctx, ssh->host_pub, ssh->nhost,
	    NULL, &text)) != 0 ||
	    (r = pkit_sshconfig_client(ctx, a, &block)) != 0)
		goto out;
	json_array_append_new(list, template(ctx, "include.tpl", "snippet",
	    "~/.ssh/config", b));
	json_array_append_new(list, template(ctx, "config.tpl", "file",
	    "ssh/config", block));
	json_array_append_new(list, template(ctx, "known_hosts.tpl", "file",
	    "ssh/known_hosts", text));
	r = json_array_size(list) == 3 ? PKIT_OK : pkit_seterr_nomem(ctx);
out:
	free(text);
	free(block);
	free(a);
	free(b);
	free(c);
	free(d);
	return r;
}

int
pkit_ca_ssh_config_data(struct pkit_ctx *ctx, const struct pkit_ca_ssh *ssh,
    const char *type, const json_t *data, json_t **out,
    struct pkit_ca_refusal *why)
{
	json_t *list = NULL;
	int r, host = type != NULL && strcmp(type, "host") == 0;

	*out = NULL;
	if (ssh->tmpl != NULL) {
		if ((r = pkit_ca_ssh_templates_render(ctx, ssh->tmpl, host,
		    ssh->step, data, &list, why)) != 0)
			return r;
	} else {
		if ((list = json_array()) == NULL)
			return refuse(ctx, why, 500, PKIT_ERR_NOMEM,
			    "out of memory");
		if ((r = default_config(ctx, ssh, host, data, list)) != 0) {
			json_decref(list);
			if (r == PKIT_ERR_ARG)
				pkit_ca_auth_refuse(why, 400, "%s",
				    ctx->errbuf);
			else
				pkit_ca_auth_refuse(why, 500, NULL);
			return r;
		}
	}
	if ((*out = json_pack("{s:o}", host ? "hostTemplates" :
	    "userTemplates", list)) == NULL)
		return refuse(ctx, why, 500, PKIT_ERR_NOMEM, "out of memory");
	return PKIT_OK;
}

int
pkit_ca_ssh_config(struct pkit_ctx *ctx, const struct pkit_ca_ssh *ssh,
    const char *type, json_t **out)
{
	struct pkit_ca_refusal why;

	return pkit_ca_ssh_config_data(ctx, ssh, type, NULL, out, &why);
}

/* api_ssh.c - step-ca's SSH routes (research/step-ca-api.md §1.2):
 * POST /ssh/sign, /ssh/renew, /ssh/rekey, /ssh/revoke, /ssh/config[/{type}],
 * /ssh/check-host, /ssh/bastion; GET /ssh/roots, /ssh/federation,
 * /ssh/hosts; and the legacy /sign-ssh and /ssh/get-hosts.  The handlers
 * translate JSON; authority_ssh.c decides.
 *
 * SSH certificates are few next to TLS ones: they are recorded at once,
 * in one transaction per request, on the configuration's one database
 * handle (guarded by a mutex), rather than group-committed as /sign's.
 */
#include "config.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/ca/authority_impl.h"
#include "lib/ca/authority_ssh.h"
#include "lib/ca/server.h"
#include "lib/codec.h"
#include "lib/jws.h"
#include "lib/sshkey.h"

struct pkit_ca_ssh_api {
	struct pkit_ca_authority *a;
	int (*load_key)(void *, struct pkit_ctx *,
	    const struct pkit_ca_config *, const char *, EVP_PKEY **);
	void *load_key_arg;
	int id;
};

struct ssh_state {
	struct pkit_ca_auth *auth;
	struct pkit_ca_ssh *ssh;
	struct pkit_db *db;		/* NULL: no database */
	pthread_mutex_t lock;		/* guards db */
};

static void
state_free(void *arg)
{
	struct ssh_state *st = arg;

	if (st == NULL)
		return;
	pkit_db_close(st->db);
	pthread_mutex_destroy(&st->lock);
	pkit_ca_ssh_free(st->ssh);
	pkit_ca_auth_free(st->auth);
	free(st);
}

static int
state_load(struct pkit_ctx *ctx, void *arg, const struct pkit_ca_pki *pki,
    void **out)
{
	struct pkit_ca_ssh_api *api = arg;
	struct ssh_state *st;
	const char *type, *dsn;
	int r;

	*out = NULL;
	if ((st = calloc(1, sizeof(*st))) == NULL)
		return pkit_seterr_nomem(ctx);
	if (pthread_mutex_init(&st->lock, NULL) != 0) {
		free(st);
		return pkit_seterr(ctx, PKIT_ERR_SYSTEM, "mutex");
	}
	if ((r = pkit_ca_auth_load(ctx, api->a, pki, &st->auth)) != 0 ||
	    (r = pkit_ca_ssh_load(ctx, pki->cfg, api->load_key,
	    api->load_key_arg, &st->ssh)) != 0)
		goto fail;
	pkit_ca_auth_db(st->auth, &type, &dsn);
	if (type != NULL && (r = pkit_db_open(ctx, type, dsn, &st->db)) != 0)
		goto fail;
	*out = st;
	return PKIT_OK;
fail:
	state_free(st);
	return r;
}

static const struct pkit_ca_ext ssh_ext = {
	"ssh", state_load, state_free
};

static struct ssh_state *
state(struct pkit_ca_req *req, void *arg)
{
	return pkit_ca_req_ext(req, ((struct pkit_ca_ssh_api *)arg)->id);
}

/* ---- helpers ------------------------------------------------------------- */

/* 1 when the CA has SSH keys; otherwise answers step-ca's 501. */
static int
enabled(struct pkit_ca_req *req, const struct ssh_state *st)
{
	size_t nu, nh;

	pkit_ca_ssh_keys(st->ssh, PKIT_SSHCERT_USER, &nu);
	pkit_ca_ssh_keys(st->ssh, PKIT_SSHCERT_HOST, &nh);
	if (nu + nh > 0)
		return 1;
	pkit_ca_api_refuse_msg(req, 501,
	    "ssh certificate flows are not enabled",
	    "ca.json has no ssh keys");
	return 0;
}

/* A base64 SSH public key of a body; NULL after answering 400. */
static EVP_PKEY *
read_key(struct pkit_ca_req *req, const json_t *doc, const char *name,
    int required)
{
	struct pkit_ctx *ctx = pkit_ca_req_ctx(req);
	unsigned char *blob = NULL;
	const char *b64;
	EVP_PKEY *key = NULL;
	size_t len = 0;
	int have = pkit_ca_api_member_str(doc, name, &b64);

	if (have < 0) {
		pkit_ca_api_refuse_msg(req, 400, "error decoding json", name);
		return NULL;
	}
	if (have == 0) {
		if (required) {
			char msg[64];

			snprintf(msg, sizeof(msg), "missing %s", name);
			pkit_ca_api_refuse_msg(req, 400, msg, NULL);
		}
		return NULL;
	}
	if (pkit_b64_decode(ctx, PKIT_B64_STD, b64, strlen(b64), &blob,
	    &len) != 0 || pkit_sshkey_from_blob(ctx, blob, len, name,
	    &key) != 0) {
		char msg[sizeof(ctx->errbuf)];

		snprintf(msg, sizeof(msg), "%s", ctx->errbuf);
		pkit_ca_api_refuse_msg(req, 400, "error decoding json", msg);
		key = NULL;
	}
	free(blob);
	return key;
}

/* Put the base64 of a certificate's blob under key. */
static int
put_cert(struct pkit_ctx *ctx, json_t *o, const char *key,
    const struct pkit_sshcert *c)
{
	char *b64 = NULL;
	int r;

	if ((r = pkit_b64_encode(ctx, PKIT_B64_STD, c->blob, c->bloblen,
	    &b64)) != 0)
		return r;
	r = json_object_set_new(o, key, json_string(b64)) != 0 ?
	    PKIT_ERR_NOMEM : PKIT_OK;
	free(b64);
	return r;
}

static void
log_cert(struct pkit_ca_req *req, const struct pkit_sshcert *c)
{
	pkit_ca_req_log(req, "serial", "%" PRIu64, c->serial);
	pkit_ca_req_log(req, "key-id", "%s", c->key_id);
	pkit_ca_req_log(req, "cert-type", "%s", pkit_sshcert_kind(c));
}

/* Record certs with tok's id and answer 201 {"crt"[,"addUserCrt"]}. */
static void
issue(struct pkit_ca_req *req, struct ssh_state *st,
    const struct pkit_ca_ott *tok, struct pkit_sshcert *crt,
    struct pkit_sshcert *add_user)
{
	struct pkit_ctx *ctx = pkit_ca_req_ctx(req);
	struct pkit_ca_refusal why = { 500, "" };
	struct pkit_sshcert *certs[2] = { crt, add_user };
	json_t *resp;
	int r;

	if ((resp = json_object()) == NULL ||
	    put_cert(ctx, resp, "crt", crt) != 0 ||
	    (add_user != NULL && put_cert(ctx, resp, "addUserCrt",
	    add_user) != 0)) {
		json_decref(resp);
		pkit_ca_api_refuse_msg(req, 500, NULL, "out of memory");
		return;
	}
	pthread_mutex_lock(&st->lock);
	r = pkit_ca_ssh_record(ctx, st->auth, st->db, tok, certs,
	    add_user != NULL ? 2 : 1, &why);
	pthread_mutex_unlock(&st->lock);
	if (r != 0) {
		json_decref(resp);
		pkit_ca_api_refuse(req, &why, ctx->errbuf);
		return;
	}
	log_cert(req, crt);
	pkit_ca_reply_json(req, 201, resp);
}

/* ---- handlers ------------------------------------------------------------ */

/* POST /ssh/sign {"publicKey","ott","certType","keyID","principals",
 * "validAfter","validBefore","addUserPublicKey"}. */
static int
h_sign(struct pkit_ca_req *req, void *arg)
{
	struct ssh_state *st = state(req, arg);
	struct pkit_ctx *ctx = pkit_ca_req_ctx(req);
	struct pkit_ca_ssh_sign_req sr;
	struct pkit_ca_refusal why = { 500, "" };
	struct pkit_ca_ott *tok = NULL;
	struct pkit_sshcert *crt = NULL, *au = NULL;
	const char *ott, **princ = NULL;
	const json_t *pv, *v;
	json_t *doc;
	size_t i;
	int r;

	if (!enabled(req, st) || (doc = pkit_ca_api_read_json(req)) == NULL)
		return PKIT_CA_DONE;
	memset(&sr, 0, sizeof(sr));
	pv = json_object_get(doc, "principals");
	if (pkit_ca_api_member_str(doc, "certType", &sr.cert_type) < 0 ||
	    pkit_ca_api_member_str(doc, "keyID", &sr.key_id) < 0 ||
	    pkit_ca_api_member_str(doc, "validAfter", &sr.valid_after) < 0 ||
	    pkit_ca_api_member_str(doc, "validBefore", &sr.valid_before) < 0 ||
	    (pv != NULL && !json_is_null(pv) && !json_is_array(pv))) {
		pkit_ca_api_refuse_msg(req, 400, "error decoding json", NULL);
		goto out;
	}
	if (json_array_size(pv) > 0) {
		if ((princ = calloc(json_array_size(pv), sizeof(*princ))) ==
		    NULL) {
			pkit_ca_api_refuse_msg(req, 500, NULL, "out of memory");
			goto out;
		}
		json_array_foreach(pv, i, v) {
			if (!json_is_string(v) || json_string_length(v) == 0) {
				pkit_ca_api_refuse_msg(req, 400,
				    "error decoding json",
				    "principals are non-empty strings");
				goto out;
			}
			princ[sr.nprincipals++] = json_string_value(v);
		}
		sr.principals = princ;
	}
	if (sr.cert_type != NULL && strcmp(sr.cert_type, "user") != 0 &&
	    strcmp(sr.cert_type, "host") != 0) {
		pkit_ca_api_refuse_msg(req, 400, "unknown certType", NULL);
		goto out;
	}
	if ((sr.key = read_key(req, doc, "publicKey", 1)) == NULL)
		goto out;
	if ((r = pkit_ca_api_member_str(doc, "addUserPublicKey", &ott)) < 0) {
		pkit_ca_api_refuse_msg(req, 400, "error decoding json", NULL);
		goto out;
	}
	if (r > 0 && (sr.add_user_key = read_key(req, doc, "addUserPublicKey",
	    1)) == NULL)
		goto out;
	if (pkit_ca_api_member_str(doc, "ott", &ott) <= 0) {
		pkit_ca_api_refuse_msg(req, 400, "missing ott", NULL);
		goto out;
	}
	if (pkit_ca_auth_token(ctx, st->auth, ott, strlen(ott),
	    PKIT_CA_AUD_SIGN, &tok) != 0) {
		pkit_ca_api_refuse_msg(req, 401, NULL, ctx->errbuf);
		goto out;
	}
	pkit_ca_req_log(req, "provisioner", "%s",
	    pkit_ca_auth_prov_name(tok->prov));
	if (pkit_ca_ssh_sign(ctx, st->auth, st->ssh, tok, &sr, &crt, &au,
	    &why) != 0) {
		pkit_ca_api_refuse(req, &why, ctx->errbuf);
		goto out;
	}
	issue(req, st, tok, crt, au);
out:
	pkit_sshcert_free(crt);
	pkit_sshcert_free(au);
	pkit_ca_ott_free(tok);
	EVP_PKEY_free(sr.key);
	EVP_PKEY_free(sr.add_user_key);
	free(princ);
	json_decref(doc);
	return PKIT_CA_DONE;
}

/* POST /ssh/renew {"ott"} and /ssh/rekey {"ott","publicKey"}. */
static int
renew(struct pkit_ca_req *req, void *arg, int rekey)
{
	struct ssh_state *st = state(req, arg);
	struct pkit_ctx *ctx = pkit_ca_req_ctx(req);
	struct pkit_ca_refusal why = { 500, "" };
	struct pkit_ca_ott *tok = NULL;
	struct pkit_sshcert *old = NULL, *crt = NULL;
	EVP_PKEY *key = NULL;
	const char *ott;
	json_t *doc;
	int r;

	if (!enabled(req, st) || (doc = pkit_ca_api_read_json(req)) == NULL)
		return PKIT_CA_DONE;
	if (pkit_ca_api_member_str(doc, "ott", &ott) <= 0) {
		pkit_ca_api_refuse_msg(req, 400, "missing ott", NULL);
		goto out;
	}
	if (rekey && (key = read_key(req, doc, "publicKey", 1)) == NULL)
		goto out;
	pthread_mutex_lock(&st->lock);
	r = pkit_ca_ssh_pop(ctx, st->auth, st->ssh, st->db, ott, strlen(ott),
	    rekey ? PKIT_CA_AUD_SSH_REKEY : PKIT_CA_AUD_SSH_RENEW, &old, &tok,
	    &why);
	pthread_mutex_unlock(&st->lock);
	if (r != 0) {
		pkit_ca_api_refuse(req, &why, ctx->errbuf);
		goto out;
	}
	pkit_ca_req_log(req, "renewing", "%" PRIu64, old->serial);
	if (pkit_ca_ssh_renew(ctx, st->auth, st->ssh, tok, old, key, &crt,
	    &why) != 0) {
		pkit_ca_api_refuse(req, &why, ctx->errbuf);
		goto out;
	}
	issue(req, st, tok, crt, NULL);
out:
	pkit_sshcert_free(old);
	pkit_sshcert_free(crt);
	pkit_ca_ott_free(tok);
	EVP_PKEY_free(key);
	json_decref(doc);
	return PKIT_CA_DONE;
}

static int
h_renew(struct pkit_ca_req *req, void *arg)
{
	return renew(req, arg, 0);
}

static int
h_rekey(struct pkit_ca_req *req, void *arg)
{
	return renew(req, arg, 1);
}

/* POST /ssh/revoke {"serial","ott","reasonCode","reason","passive"}: a
 * JWK token (aud /1.0/ssh/revoke) or an SSHPOP one. */
static int
h_revoke(struct pkit_ca_req *req, void *arg)
{
	struct ssh_state *st = state(req, arg);
	struct pkit_ctx *ctx = pkit_ca_req_ctx(req);
	struct pkit_ca_refusal why = { 500, "" };
	struct pkit_ca_ott *tok = NULL;
	struct pkit_sshcert *pop = NULL;
	struct pkit_jws *jws = NULL;
	json_t *claims = NULL;
	const json_t *v, *pv;
	const char *serial = NULL, *ott = NULL, *reason = NULL;
	json_t *doc;
	json_int_t code = 0;
	int r, is_pop = 0;

	if (!enabled(req, st) || (doc = pkit_ca_api_read_json(req)) == NULL)
		return PKIT_CA_DONE;
	v = json_object_get(doc, "reasonCode");
	pv = json_object_get(doc, "passive");
	if (pkit_ca_api_member_str(doc, "serial", &serial) < 0 ||
	    pkit_ca_api_member_str(doc, "ott", &ott) < 0 ||
	    pkit_ca_api_member_str(doc, "reason", &reason) < 0 ||
	    (v != NULL && !json_is_null(v) && !json_is_integer(v)) ||
	    (pv != NULL && !json_is_null(pv) && !json_is_boolean(pv))) {
		pkit_ca_api_refuse_msg(req, 400, "error decoding json", NULL);
		goto out;
	}
	if (json_is_integer(v))
		code = json_integer_value(v);
	if (serial == NULL) {
		pkit_ca_api_refuse_msg(req, 400, "missing serial", NULL);
		goto out;
	}
	pkit_ca_req_log(req, "serial", "%s", serial);
	if (code < 0 || code > 10) {
		pkit_ca_api_refuse_msg(req, 400, "reasonCode out of bounds",
		    NULL);
		goto out;
	}
	if (!json_is_true(pv)) {
		pkit_ca_api_refuse_msg(req, 501,
		    "non-passive revocation not implemented",
		    NULL);
		goto out;
	}
	if (ott == NULL) {
		pkit_ca_api_refuse_msg(req, 400, "missing ott", NULL);
		goto out;
	}
	/* an SSHPOP token carries its certificate in the header */
	if (pkit_ca_token_parse(ctx, ott, strlen(ott), &jws, &claims) == 0)
		is_pop = json_object_get(jws->sigs[0].protected, "sshpop") !=
		    NULL;
	pthread_mutex_lock(&st->lock);
	if (is_pop)
		r = pkit_ca_ssh_pop(ctx, st->auth, st->ssh, st->db, ott,
		    strlen(ott), PKIT_CA_AUD_SSH_REVOKE, &pop, &tok, &why);
	else if ((r = pkit_ca_auth_token(ctx, st->auth, ott, strlen(ott),
	    PKIT_CA_AUD_SSH_REVOKE, &tok)) != 0)
		pkit_ca_auth_refuse(&why, 401, NULL);
	if (r == 0) {
		pkit_ca_req_log(req, "provisioner", "%s",
		    pkit_ca_auth_prov_name(tok->prov));
		if (pop != NULL) {
			char s[32];

			snprintf(s, sizeof(s), "%" PRIu64, pop->serial);
			if (strcmp(tok->sub, s) != 0) {
				pkit_ca_auth_refuse(&why, 403, "sshpop token "
				    "subject must be equivalent to sshpop "
				    "certificate serial number");
				r = pkit_seterr(ctx, PKIT_ERR_VERIFY, "%s",
				    why.msg);
			}
		}
		if (r == 0)
			r = pkit_ca_ssh_revoke(ctx, st->auth, st->db, tok,
			    serial, (int)code, reason, &why);
	}
	pthread_mutex_unlock(&st->lock);
	if (r != 0) {
		pkit_ca_api_refuse(req, &why, ctx->errbuf);
		goto out;
	}
	pkit_ca_req_log(req, "reason-code", "%d", (int)code);
	pkit_ca_reply_json(req, 200, json_pack("{s:s}", "status", "ok"));
out:
	pkit_sshcert_free(pop);
	pkit_ca_ott_free(tok);
	pkit_jws_free(jws);
	json_decref(claims);
	json_decref(doc);
	return PKIT_CA_DONE;
}

/* {"userKey":[...],"hostKey":[...]}, each left out when empty. */
static int
roots(struct pkit_ca_req *req, void *arg)
{
	struct ssh_state *st = state(req, arg);
	struct pkit_ctx *ctx = pkit_ca_req_ctx(req);
	static const struct {
		const char *name;
		int type;
	} kinds[] = { { "userKey", PKIT_SSHCERT_USER },
	    { "hostKey", PKIT_SSHCERT_HOST } };
	EVP_PKEY *const *keys;
	unsigned char *blob = NULL;
	char *b64 = NULL;
	json_t *resp, *list;
	size_t i, k, n, len;
	int fed = strstr(pkit_ca_req_path(req), "federation") != NULL;

	if ((resp = json_object()) == NULL)
		goto nomem;
	for (k = 0; k < 2; k++) {
		keys = fed ? pkit_ca_ssh_federation(st->ssh, kinds[k].type, &n) :
		    pkit_ca_ssh_keys(st->ssh, kinds[k].type, &n);
		if (n == 0)
			continue;
		if ((list = json_array()) == NULL ||
		    json_object_set_new(resp, kinds[k].name, list) != 0)
			goto nomem;
		for (i = 0; i < n; i++) {
			if (pkit_sshkey_public_blob(ctx, keys[i], &blob,
			    &len) != 0 || pkit_b64_encode(ctx, PKIT_B64_STD,
			    blob, len, &b64) != 0)
				goto nomem;
			json_array_append_new(list, json_string(b64));
			free(blob);
			free(b64);
			blob = NULL;
			b64 = NULL;
		}
	}
	if (json_object_size(resp) == 0) {
		json_decref(resp);
		pkit_ca_api_refuse_msg(req, 404, "no keys found", NULL);
		return PKIT_CA_DONE;
	}
	pkit_ca_reply_json(req, 200, resp);
	return PKIT_CA_DONE;
nomem:
	free(blob);
	free(b64);
	json_decref(resp);
	pkit_ca_api_refuse_msg(req, 500, NULL, "out of memory");
	return PKIT_CA_DONE;
}

/* POST /ssh/config[/{type}] {"type","data"}. */
static int
h_config(struct pkit_ca_req *req, void *arg)
{
	struct ssh_state *st = state(req, arg);
	struct pkit_ctx *ctx = pkit_ca_req_ctx(req);
	const char *type = pkit_ca_req_param(req, "type"), *bt = NULL, *k;
	struct pkit_ca_refusal why;
	json_t *doc, *resp = NULL, *data, *v;

	if (!enabled(req, st) || (doc = pkit_ca_api_read_json(req)) == NULL)
		return PKIT_CA_DONE;
	/* "data" is a map[string]string for step-ca */
	data = json_object_get(doc, "data");
	if (json_is_null(data))
		data = NULL;
	if (pkit_ca_api_member_str(doc, "type", &bt) < 0 ||
	    (data != NULL && !json_is_object(data))) {
		pkit_ca_api_refuse_msg(req, 400, "error decoding json", NULL);
		goto out;
	}
	json_object_foreach(data, k, v) {
		if (!json_is_string(v)) {
			pkit_ca_api_refuse_msg(req, 400, "error decoding json",
			    "data: a value is not a string");
			goto out;
		}
	}
	if (type == NULL)
		type = bt != NULL ? bt : "user";
	if (strcmp(type, "user") != 0 && strcmp(type, "host") != 0) {
		pkit_ca_api_refuse_msg(req, 400, "invalid type", NULL);
		goto out;
	}
	if (pkit_ca_ssh_config_data(ctx, st->ssh, type, data, &resp,
	    &why) != 0) {
		pkit_ca_api_refuse(req, &why, ctx->errbuf);
		goto out;
	}
	pkit_ca_reply_json(req, 200, resp);
out:
	json_decref(doc);
	return PKIT_CA_DONE;
}

/* POST /ssh/check-host {"type":"host","principal"}. */
static int
h_check_host(struct pkit_ca_req *req, void *arg)
{
	struct ssh_state *st = state(req, arg);
	struct pkit_ctx *ctx = pkit_ca_req_ctx(req);
	const char *type = NULL, *principal = NULL;
	json_t *doc;
	int r, exists = 0;

	if (!enabled(req, st) || (doc = pkit_ca_api_read_json(req)) == NULL)
		return PKIT_CA_DONE;
	if (pkit_ca_api_member_str(doc, "type", &type) < 0 ||
	    pkit_ca_api_member_str(doc, "principal", &principal) < 0) {
		pkit_ca_api_refuse_msg(req, 400, "error decoding json", NULL);
		goto out;
	}
	if (type == NULL || strcmp(type, "host") != 0) {
		pkit_ca_api_refuse_msg(req, 400, "unsupported type", NULL);
		goto out;
	}
	if (principal == NULL) {
		pkit_ca_api_refuse_msg(req, 400, "missing or empty principal",
		    NULL);
		goto out;
	}
	if (st->db == NULL) {
		pkit_ca_api_refuse_msg(req, 501, NULL,
		    "check-host needs a database");
		goto out;
	}
	pthread_mutex_lock(&st->lock);
	r = pkit_ca_ssh_check_host(ctx, st->db, principal, &exists);
	pthread_mutex_unlock(&st->lock);
	if (r != 0) {
		pkit_ca_api_refuse_msg(req, 500, NULL, ctx->errbuf);
		goto out;
	}
	pkit_ca_reply_json(req, 200, json_pack("{s:b}", "exists", exists));
out:
	json_decref(doc);
	return PKIT_CA_DONE;
}

/* GET /ssh/hosts. */
static int
h_hosts(struct pkit_ca_req *req, void *arg)
{
	struct ssh_state *st = state(req, arg);
	struct pkit_ctx *ctx = pkit_ca_req_ctx(req);
	json_t *resp = NULL;
	int r;

	if (!enabled(req, st))
		return PKIT_CA_DONE;
	if (json_is_true(json_object_get(json_object_get(st->auth->cfg->doc,
	    "authority"), "disableGetSSHHosts"))) {
		pkit_ca_api_refuse_msg(req, 404, NULL,
		    "authority.disableGetSSHHosts");
		return PKIT_CA_DONE;
	}
	pthread_mutex_lock(&st->lock);
	r = pkit_ca_ssh_hosts(ctx, st->db, &resp);
	pthread_mutex_unlock(&st->lock);
	if (r != 0) {
		pkit_ca_api_refuse_msg(req, 500, NULL, ctx->errbuf);
		return PKIT_CA_DONE;
	}
	pkit_ca_reply_json(req, 200, resp);
	return PKIT_CA_DONE;
}

/* POST /ssh/bastion {"user","hostname"}: ca.json's ssh.bastion for any
 * host but the bastion itself. */
static int
h_bastion(struct pkit_ca_req *req, void *arg)
{
	struct ssh_state *st = state(req, arg);
	const json_t *b;
	const char *user = NULL, *host = NULL, *bh;
	json_t *doc, *resp;

	if (!enabled(req, st) || (doc = pkit_ca_api_read_json(req)) == NULL)
		return PKIT_CA_DONE;
	if (pkit_ca_api_member_str(doc, "user", &user) < 0 ||
	    pkit_ca_api_member_str(doc, "hostname", &host) < 0) {
		pkit_ca_api_refuse_msg(req, 400, "error decoding json", NULL);
		goto out;
	}
	if (host == NULL) {
		pkit_ca_api_refuse_msg(req, 400, "missing or empty hostname",
		    NULL);
		goto out;
	}
	b = json_object_get(json_object_get(st->auth->cfg->doc, "ssh"),
	    "bastion");
	bh = json_string_value(json_object_get(b, "hostname"));
	resp = json_pack("{s:s}", "hostname", host);
	if (resp != NULL && json_is_object(b) && bh != NULL &&
	    strcmp(bh, host) != 0)
		json_object_set(resp, "bastion", (json_t *)b);
	pkit_ca_reply_json(req, 200, resp);
out:
	json_decref(doc);
	return PKIT_CA_DONE;
}

int
pkit_ca_api_ssh(struct pkit_ctx *ctx, struct pkit_ca_server *srv,
    struct pkit_ca_authority *a,
    int (*load_key)(void *arg, struct pkit_ctx *ctx,
    const struct pkit_ca_config *cfg, const char *path, EVP_PKEY **out),
    void *load_key_arg, struct pkit_ca_ssh_api **out)
{
	static const struct {
		const char *method, *pattern;
		pkit_ca_handler fn;
	} routes[] = {
		{ "POST", "/ssh/sign", h_sign },
		{ "POST", "/sign-ssh", h_sign },
		{ "POST", "/ssh/renew", h_renew },
		{ "POST", "/ssh/rekey", h_rekey },
		{ "POST", "/ssh/revoke", h_revoke },
		{ "GET", "/ssh/roots", roots },
		{ "GET", "/ssh/federation", roots },
		{ "POST", "/ssh/config", h_config },
		{ "POST", "/ssh/config/{type}", h_config },
		{ "POST", "/ssh/check-host", h_check_host },
		{ "GET", "/ssh/hosts", h_hosts },
		{ "GET", "/ssh/get-hosts", h_hosts },
		{ "POST", "/ssh/bastion", h_bastion },
	};
	struct pkit_ca_ssh_api *api;
	size_t i;
	int r;

	*out = NULL;
	if ((api = calloc(1, sizeof(*api))) == NULL)
		return pkit_seterr_nomem(ctx);
	/* the caller frees it after the server */
	*out = api;
	api->a = a;
	api->load_key = load_key;
	api->load_key_arg = load_key_arg;
	if ((r = pkit_ca_server_extend(srv, &ssh_ext, api, &api->id)) != 0)
		return pkit_seterr(ctx, r, "registering the SSH routes");
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if ((r = pkit_ca_server_route(srv, routes[i].method,
		    routes[i].pattern, 0, routes[i].fn, api)) != 0)
			return pkit_seterr(ctx, r, "registering %s",
			    routes[i].pattern);
	return PKIT_OK;
}

void
pkit_ca_api_ssh_free(struct pkit_ca_ssh_api *api)
{
	free(api);
}

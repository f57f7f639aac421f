/* acme_eab.c - External Account Binding keys of ACME provisioners
 * (RFC 8555 §7.3.4), in the CA database's key/value store:
 *   acme.eab       "<prov>/<kid>" -> {"kid","key" (base64url),"created"}
 *   acme.eabbound  "<prov>/<kid>" -> the account bound with it (created
 *                  once: a key binds one account)
 *   acme.eabidx    "<prov>"       -> ["<kid>", ...] for listing
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "lib/ca/acme.h"
#include "lib/ca/authority.h"
#include "lib/ca/ca_config.h"
#include "lib/codec.h"
#include "lib/secret.h"
#include "lib/timeutil.h"

#define B_EAB "acme.eab"
#define B_BOUND "acme.eabbound"
#define B_IDX "acme.eabidx"

static int
eab_key(struct pkit_ctx *ctx, const char *prov, const char *kid, char *out,
    size_t size)
{
	const char *p;

	if (kid == NULL || *kid == '\0' || strlen(kid) > 128)
		return pkit_seterr(ctx, PKIT_ERR_ARG, "key id: 1 to 128 "
		    "characters");
	for (p = kid; *p != '\0'; p++)
		if (*p <= ' ' || *p > '~' || *p == '/')
			return pkit_seterr(ctx, PKIT_ERR_ARG, "key id %s: only "
			    "printable characters other than / and space", kid);
	if ((size_t)snprintf(out, size, "%s/%s", prov, kid) >= size)
		return pkit_seterr(ctx, PKIT_ERR_ARG, "key id too long");
	return PKIT_OK;
}

static int
idx_get(struct pkit_ctx *ctx, struct pkit_db *db, const char *prov,
    json_t **out)
{
	unsigned char *v = NULL;
	size_t len = 0;
	json_t *a;
	int r;

	r = pkit_db_kv_get(ctx, db, B_IDX, prov, &v, &len);
	if (r == PKIT_ERR_NOT_FOUND) {
		pkit_clearerr(ctx);
		*out = json_array();
		return *out != NULL ? PKIT_OK : pkit_seterr_nomem(ctx);
	}
	if (r != 0)
		return r;
	a = json_loadb((const char *)v, len, 0, NULL);
	free(v);
	if (!json_is_array(a)) {
		json_decref(a);
		return pkit_seterr(ctx, PKIT_ERR_DB, "%s/%s: not a list", B_IDX,
		    prov);
	}
	*out = a;
	return PKIT_OK;
}

static int
idx_put(struct pkit_ctx *ctx, struct pkit_db *db, const char *prov,
    const json_t *a)
{
	char *s;
	int r;

	if ((s = json_dumps(a, JSON_COMPACT)) == NULL)
		return pkit_seterr_nomem(ctx);
	r = pkit_db_kv_put(ctx, db, B_IDX, prov, s, strlen(s), 0);
	free(s);
	return r;
}

int
pkit_acme_eab_add(struct pkit_ctx *ctx, struct pkit_db *db, const char *prov,
    const char *kid, char **kid_out, char **hmac_b64)
{
	unsigned char raw[32];
	char key[300], *b64 = NULL, *rk = NULL, *s = NULL;
	json_t *o = NULL, *idx = NULL;
	int r;

	if (kid == NULL) {
		if (RAND_bytes(raw, 16) != 1)
			return pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "random");
		if ((r = pkit_b64_encode(ctx, PKIT_B64_URL_RAW, raw, 16,
		    &rk)) != 0)
			return r;
		kid = rk;
	}
	if ((r = eab_key(ctx, prov, kid, key, sizeof(key))) != 0)
		goto out;
	if (RAND_bytes(raw, sizeof(raw)) != 1) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "random");
		goto out;
	}
	if ((r = pkit_b64_encode(ctx, PKIT_B64_URL_RAW, raw, sizeof(raw),
	    &b64)) != 0)
		goto out;
	if ((o = json_pack("{s:s,s:s,s:I}", "kid", kid, "key", b64, "created",
	    (json_int_t)pkit_now(ctx))) == NULL || (s = json_dumps(o,
	    JSON_COMPACT)) == NULL) {
		r = pkit_seterr_nomem(ctx);
		goto out;
	}
	r = pkit_db_kv_put(ctx, db, B_EAB, key, s, strlen(s),
	    PKIT_DB_KV_CREATE);
	if (r == PKIT_ERR_EXISTS)
		r = pkit_seterr(ctx, r, "provisioner %s: key id %s exists "
		    "already", prov, kid);
	if (r != 0)
		goto out;
	if ((r = idx_get(ctx, db, prov, &idx)) != 0 ||
	    json_array_append_new(idx, json_string(kid)) != 0 ||
	    (r = idx_put(ctx, db, prov, idx)) != 0)
		goto out;
	if ((*kid_out = strdup(kid)) == NULL) {
		r = pkit_seterr_nomem(ctx);
		goto out;
	}
	*hmac_b64 = b64;
	b64 = NULL;
	r = PKIT_OK;
out:
	pkit_secret_wipe(raw, sizeof(raw));
	if (s != NULL)
		pkit_secret_strfree(s);
	json_decref(o);
	json_decref(idx);
	pkit_secret_strfree(b64);
	free(rk);
	return r;
}

int
pkit_acme_eab_get(struct pkit_ctx *ctx, struct pkit_db *db, const char *prov,
    const char *kid, unsigned char **key, size_t *len, int *bound)
{
	unsigned char *v = NULL;
	size_t vlen = 0;
	char k[300];
	json_t *o = NULL;
	const char *b64;
	int r;

	if ((r = eab_key(ctx, prov, kid, k, sizeof(k))) != 0)
		return PKIT_ERR_NOT_FOUND;
	if ((r = pkit_db_kv_get(ctx, db, B_EAB, k, &v, &vlen)) != 0)
		return r;
	o = json_loadb((const char *)v, vlen, 0, NULL);
	pkit_secret_free(v, vlen);
	if ((b64 = json_string_value(json_object_get(o, "key"))) == NULL) {
		json_decref(o);
		return pkit_seterr(ctx, PKIT_ERR_DB, "%s/%s: no key", B_EAB, k);
	}
	r = pkit_b64_decode(ctx, PKIT_B64_URL_RAW, b64, strlen(b64), key, len);
	json_decref(o);
	if (r != 0)
		return r;
	v = NULL;
	r = pkit_db_kv_get(ctx, db, B_BOUND, k, &v, &vlen);
	free(v);
	if (r != 0 && r != PKIT_ERR_NOT_FOUND) {
		pkit_secret_free(*key, *len);
		return r;
	}
	*bound = r == 0;
	return PKIT_OK;
}

int
pkit_acme_eab_bind(struct pkit_ctx *ctx, struct pkit_db *db, const char *prov,
    const char *kid, const char *acc)
{
	char k[300];
	int r;

	if ((r = eab_key(ctx, prov, kid, k, sizeof(k))) != 0)
		return r;
	return pkit_db_kv_put(ctx, db, B_BOUND, k, acc, strlen(acc),
	    PKIT_DB_KV_CREATE);
}

int
pkit_acme_eab_list(struct pkit_ctx *ctx, struct pkit_db *db, const char *prov,
    json_t **out)
{
	json_t *idx = NULL, *list = NULL, *v, *o;
	unsigned char *val = NULL;
	size_t i, len = 0;
	char k[300], t[32];
	int r;

	if ((r = idx_get(ctx, db, prov, &idx)) != 0)
		return r;
	if ((list = json_array()) == NULL) {
		r = pkit_seterr_nomem(ctx);
		goto out;
	}
	json_array_foreach(idx, i, v) {
		const char *kid = json_string_value(v);

		if (kid == NULL || eab_key(ctx, prov, kid, k, sizeof(k)) != 0)
			continue;
		if ((r = pkit_db_kv_get(ctx, db, B_EAB, k, &val, &len)) != 0) {
			if (r == PKIT_ERR_NOT_FOUND)
				continue;
			goto out;
		}
		o = json_loadb((const char *)val, len, 0, NULL);
		pkit_secret_free(val, len);
		val = NULL;
		pkit_time_format((time_t)json_integer_value(json_object_get(o,
		    "created")), t, sizeof(t));
		json_decref(o);
		o = json_pack("{s:s,s:s,s:s}", "provisioner", prov, "kid", kid,
		    "createdAt", t);
		r = pkit_db_kv_get(ctx, db, B_BOUND, k, &val, &len);
		if (r == 0 && o != NULL)
			json_object_set_new(o, "account", json_string((char *)
			    val));
		else if (r != PKIT_ERR_NOT_FOUND) {
			free(val);
			json_decref(o);
			goto out;
		}
		free(val);
		val = NULL;
		if (o == NULL || json_array_append_new(list, o) != 0) {
			r = pkit_seterr_nomem(ctx);
			goto out;
		}
	}
	pkit_clearerr(ctx);
	*out = list;
	list = NULL;
	r = PKIT_OK;
out:
	json_decref(list);
	json_decref(idx);
	return r;
}

int
pkit_acme_eab_remove(struct pkit_ctx *ctx, struct pkit_db *db,
    const char *prov, const char *kid)
{
	json_t *idx = NULL, *v;
	char k[300];
	size_t i;
	int r;

	if ((r = eab_key(ctx, prov, kid, k, sizeof(k))) != 0)
		return r;
	if ((r = pkit_db_kv_delete(ctx, db, B_EAB, k)) != 0) {
		if (r == PKIT_ERR_NOT_FOUND)
			return pkit_seterr(ctx, r, "provisioner %s: no key id "
			    "%s", prov, kid);
		return r;
	}
	(void)pkit_db_kv_delete(ctx, db, B_BOUND, k);
	pkit_clearerr(ctx);
	if ((r = idx_get(ctx, db, prov, &idx)) != 0)
		return r;
	for (i = 0; i < json_array_size(idx); i++) {
		v = json_array_get(idx, i);
		if (json_string_value(v) != NULL &&
		    strcmp(json_string_value(v), kid) == 0)
			json_array_remove(idx, i--);
	}
	r = idx_put(ctx, db, prov, idx);
	json_decref(idx);
	return r;
}

int
pkit_acme_db_open(struct pkit_ctx *ctx, const char *config, const char *base,
    const char *prov, struct pkit_db **out)
{
	struct pkit_ca_config *cfg = NULL;
	char *type = NULL, *dsn = NULL;
	size_t i;
	int r;

	if ((r = pkit_ca_config_load(ctx, config, base, &cfg)) != 0)
		return r;
	for (i = 0; i < cfg->nprovisioners; i++)
		if (strcmp(cfg->provisioners[i].name, prov) == 0 &&
		    strcmp(cfg->provisioners[i].type, "ACME") == 0)
			break;
	if (i == cfg->nprovisioners) {
		r = pkit_seterr(ctx, PKIT_ERR_NOT_FOUND, "%s: no ACME "
		    "provisioner named %s", config, prov);
		goto out;
	}
	if ((r = pkit_ca_config_db(ctx, cfg, &type, &dsn)) != 0) {
		if (r == PKIT_ERR_NOT_FOUND)
			r = pkit_seterr(ctx, r, "%s: ACME needs a database "
			    "(\"db\")", config);
		goto out;
	}
	r = pkit_db_open(ctx, type, dsn, out);
out:
	free(type);
	free(dsn);
	pkit_ca_config_free(cfg);
	return r;
}

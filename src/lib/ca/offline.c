/* offline.c - step's offline mode: ca.json and the intermediate key used
 * in this process (see offline.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "lib/ca/authority_impl.h"
#include "lib/ca/client.h"
#include "lib/ca/crl.h"
#include "lib/ca/db.h"
#include "lib/ca/offline.h"
#include "lib/ca/pki.h"
#include "lib/ca/server.h"
#include "lib/x509.h"

struct pkit_ca_offline {
	struct pkit_ca_config *cfg;
	struct pkit_ca_pki pki;
	char *key_path;
	char *url;
	json_t *provisioners;
	struct pkit_ca_authority *a;
	struct pkit_ca_auth *auth;
	struct pkit_db *db;
};

void
pkit_ca_offline_free(struct pkit_ca_offline *o)
{
	if (o == NULL)
		return;
	pkit_db_close(o->db);
	pkit_ca_auth_free(o->auth);
	pkit_ca_authority_free(o->a);
	sk_X509_pop_free(o->pki.roots, X509_free);
	sk_X509_pop_free(o->pki.federated, X509_free);
	sk_X509_pop_free(o->pki.intermediates, X509_free);
	EVP_PKEY_free(o->pki.key);
	json_decref(o->provisioners);
	free(o->key_path);
	free(o->url);
	pkit_ca_config_free(o->cfg);
	free(o);
}

int
pkit_ca_offline_open(struct pkit_ctx *ctx, const char *config,
    const char *base, struct pkit_ca_offline **out)
{
	struct pkit_ca_offline *o;
	char fp[PKIT_CA_FP_LEN + 1];
	size_t i;
	int r;

	*out = NULL;
	if ((o = calloc(1, sizeof(*o))) == NULL)
		return pkit_seterr_nomem(ctx);
	if ((r = pkit_ca_config_load(ctx, config, base, &o->cfg)) != 0)
		goto fail;
	o->pki.cfg = o->cfg;
	if (o->cfg->nroots == 0 || o->cfg->ndns_names == 0) {
		r = pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: no root or no "
		    "dnsNames", config);
		goto fail;
	}
	if ((r = pkit_ca_config_load_certs(ctx, o->cfg, o->cfg->roots,
	    o->cfg->nroots, &o->pki.roots)) != 0 ||
	    (r = pkit_ca_config_load_certs(ctx, o->cfg, o->cfg->federated_roots,
	    o->cfg->nfederated_roots, &o->pki.federated)) != 0 ||
	    (r = pkit_ca_config_load_certs(ctx, o->cfg, &o->cfg->crt, 1,
	    &o->pki.intermediates)) != 0 ||
	    (r = pkit_ca_config_path(ctx, o->cfg, o->cfg->key,
	    &o->key_path)) != 0 ||
	    (r = pkit_ca_fingerprint(ctx, sk_X509_value(o->pki.roots, 0),
	    fp)) != 0 ||
	    (r = pkit_ca_pki_url(ctx, o->cfg->dns_names[0], o->cfg->address,
	    &o->url)) != 0)
		goto fail;
	snprintf(o->pki.fingerprint, sizeof(o->pki.fingerprint), "%s", fp);
	if ((o->provisioners = json_array()) == NULL) {
		r = pkit_seterr_nomem(ctx);
		goto fail;
	}
	for (i = 0; i < o->cfg->nprovisioners; i++)
		if (json_array_append(o->provisioners,
		    o->cfg->provisioners[i].json) != 0) {
			r = pkit_seterr_nomem(ctx);
			goto fail;
		}
	*out = o;
	return PKIT_OK;
fail:
	pkit_ca_offline_free(o);
	return r;
}

const struct pkit_ca_config *
pkit_ca_offline_config(const struct pkit_ca_offline *o)
{
	return o->cfg;
}

const char *
pkit_ca_offline_key_path(const struct pkit_ca_offline *o)
{
	return o->key_path;
}

const char *
pkit_ca_offline_url(const struct pkit_ca_offline *o)
{
	return o->url;
}

const char *
pkit_ca_offline_fingerprint(const struct pkit_ca_offline *o)
{
	return o->pki.fingerprint;
}

const json_t *
pkit_ca_offline_provisioners(const struct pkit_ca_offline *o)
{
	return o->provisioners;
}

const char *
pkit_ca_offline_encrypted_key(const struct pkit_ca_offline *o,
    const char *kid)
{
	const struct pkit_ca_provisioner *p;

	if ((p = pkit_ca_config_find_kid(o->cfg, kid)) == NULL)
		return NULL;
	return p->encrypted_key;
}

int
pkit_ca_offline_set_key(struct pkit_ctx *ctx, struct pkit_ca_offline *o,
    EVP_PKEY *key)
{
	const char *type, *dsn;
	int r;

	if (X509_check_private_key(sk_X509_value(o->pki.intermediates, 0),
	    key) != 1) {
		ERR_clear_error();
		return pkit_seterr(ctx, PKIT_ERR_MISMATCH, "%s: the key does "
		    "not match the certificate %s", o->key_path, o->cfg->crt);
	}
	if (!EVP_PKEY_up_ref(key))
		return pkit_seterr_nomem(ctx);
	EVP_PKEY_free(o->pki.key);
	o->pki.key = key;
	if ((r = pkit_ca_authority_new(ctx, &o->a)) != 0)
		return r;
	/* Not a server that restarted: a token made before this process
	 * is as good as one made now (single use still holds, through the
	 * database). */
	o->a->start = 0;
	if ((r = pkit_ca_auth_load(ctx, o->a, &o->pki, &o->auth)) != 0)
		return r;
	pkit_ca_auth_db(o->auth, &type, &dsn);
	if (type != NULL && (r = pkit_db_open(ctx, type, dsn, &o->db)) != 0)
		return r;
	return PKIT_OK;
}

/* A refusal as an error: the CA's message, then the detail. */
static int
refused(struct pkit_ctx *ctx, const struct pkit_ca_refusal *why,
    const char *fallback)
{
	char detail[sizeof(ctx->errbuf)];

	snprintf(detail, sizeof(detail), "%s", ctx->errbuf);
	if (strcmp(detail, why->msg) == 0)
		detail[0] = '\0';	/* said once is enough */
	if (why->msg[0] == '\0' && why->status == 401)
		fallback = "The request lacked necessary authorization to be "
		    "completed";
	return pkit_seterr(ctx, why->status == 401 ? PKIT_ERR_VERIFY :
	    PKIT_ERR_ARG, "%s%s%s", why->msg[0] != '\0' ? why->msg : fallback,
	    detail[0] != '\0' ? ": " : "", detail);
}

static const char *
member(const json_t *body, const char *key)
{
	const char *s = json_string_value(json_object_get(body, key));

	return s != NULL && *s != '\0' ? s : NULL;
}

int
pkit_ca_offline_sign(struct pkit_ctx *ctx, struct pkit_ca_offline *o,
    const json_t *body, json_t **resp)
{
	struct pkit_ca_auth_sign_req sr;
	struct pkit_ca_refusal why;
	struct pkit_ca_ott *tok = NULL;
	struct pkit_ca_issued *cert = NULL;
	struct pkit_ca_csr *csr = NULL;
	const char *pem, *ott;
	json_error_t e;
	char *out = NULL;
	size_t len = 0;
	int r;

	*resp = NULL;
	memset(&why, 0, sizeof(why));
	if (o->auth == NULL)
		return pkit_seterr(ctx, PKIT_ERR_INTERNAL, "offline CA: no key");
	if ((pem = member(body, "csr")) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_ARG, "missing csr");
	if ((ott = member(body, "ott")) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_ARG, "missing ott");
	memset(&sr, 0, sizeof(sr));
	sr.not_before = member(body, "notBefore");
	sr.not_after = member(body, "notAfter");
	sr.template_data = json_object_get(body, "templateData");
	pkit_clearerr(ctx);
	if (pkit_ca_auth_csr_read(ctx, o->auth, pem, strlen(pem), &csr,
	    &why) != 0) {
		r = refused(ctx, &why, "invalid csr");
		goto out;
	}
	sr.csr = csr;
	pkit_clearerr(ctx);
	if ((r = pkit_ca_auth_token(ctx, o->auth, ott, strlen(ott),
	    PKIT_CA_AUD_SIGN, &tok)) != 0) {
		pkit_ca_auth_refuse(&why, 401, "the token is not valid");
		r = refused(ctx, &why, "");
		goto out;
	}
	pkit_clearerr(ctx);
	if (pkit_ca_auth_sign(ctx, o->auth, tok, &sr, &cert, &why) != 0) {
		r = refused(ctx, &why, "refused");
		goto out;
	}
	pkit_clearerr(ctx);
	if (pkit_ca_auth_record(ctx, o->auth, o->db, cert, &why) != 0) {
		r = refused(ctx, &why, "not recorded");
		goto out;
	}
	if ((r = pkit_ca_auth_response(ctx, o->auth, cert, &out, &len)) != 0)
		goto out;
	if ((*resp = json_loadb(out, len, 0, &e)) == NULL)
		r = pkit_seterr(ctx, PKIT_ERR_INTERNAL, "sign response: %s",
		    e.text);
out:
	free(out);
	pkit_ca_issued_free(cert);
	pkit_ca_ott_free(tok);
	pkit_ca_auth_csr_free(csr);
	return r;
}

int
pkit_ca_offline_revoke(struct pkit_ctx *ctx, struct pkit_ca_offline *o,
    const char *serial, const char *ott, int code, const char *reason)
{
	struct pkit_ca_auth_revoke_req rr;
	struct pkit_ca_refusal why;
	struct pkit_ca_ott *tok = NULL;
	int r;

	memset(&why, 0, sizeof(why));
	if (o->auth == NULL)
		return pkit_seterr(ctx, PKIT_ERR_INTERNAL, "offline CA: no key");
	if (ott == NULL || *ott == '\0')
		return pkit_seterr(ctx, PKIT_ERR_ARG, "missing ott");
	pkit_clearerr(ctx);
	if ((r = pkit_ca_auth_token(ctx, o->auth, ott, strlen(ott),
	    PKIT_CA_AUD_REVOKE, &tok)) != 0) {
		pkit_ca_auth_refuse(&why, 401, "the token is not valid");
		return refused(ctx, &why, "");
	}
	memset(&rr, 0, sizeof(rr));
	rr.serial = serial;
	rr.reason_code = code;
	rr.reason = reason;
	rr.tok = tok;
	pkit_clearerr(ctx);
	if ((r = pkit_ca_auth_revoke(ctx, o->auth, o->db, &rr, NULL,
	    &why)) != 0)
		r = refused(ctx, &why, "not revoked");
	pkit_ca_ott_free(tok);
	if (r != 0 || !o->cfg->crl.enabled)
		return r;
	/* No server will make the CRL again (crl.generateOnRevoke or its
	 * next request): this process does, as the server would. */
	pkit_clearerr(ctx);
	if ((r = pkit_ca_crl_update(ctx, o->a, &o->pki, NULL, NULL)) != 0) {
		char why_crl[sizeof(ctx->errbuf)];

		snprintf(why_crl, sizeof(why_crl), "%s", ctx->errbuf);
		r = pkit_seterr(ctx, r, "serial %s is revoked, but the CRL "
		    "was not made again: %s", serial, why_crl);
	}
	return r;
}

int
pkit_ca_offline_crl(struct pkit_ctx *ctx, struct pkit_ca_offline *o,
    unsigned char **der, size_t *len)
{
	*der = NULL;
	*len = 0;
	if (o->auth == NULL)
		return pkit_seterr(ctx, PKIT_ERR_INTERNAL, "offline CA: no key");
	return pkit_ca_crl_update(ctx, o->a, &o->pki, der, len);
}

int
pkit_ca_offline_renew(struct pkit_ctx *ctx, struct pkit_ca_offline *o,
    X509 *crt, json_t **resp)
{
	struct pkit_ca_refusal why;
	struct pkit_ca_issued *cert = NULL;
	json_error_t e;
	char *out = NULL;
	size_t len = 0;
	int r;

	*resp = NULL;
	memset(&why, 0, sizeof(why));
	if (o->auth == NULL)
		return pkit_seterr(ctx, PKIT_ERR_INTERNAL, "offline CA: no key");
	pkit_clearerr(ctx);
	if (pkit_ca_auth_renew(ctx, o->auth, o->db, crt, NULL, &cert,
	    &why) != 0) {
		r = refused(ctx, &why, "refused");
		goto out;
	}
	pkit_clearerr(ctx);
	if (pkit_ca_auth_record(ctx, o->auth, o->db, cert, &why) != 0) {
		r = refused(ctx, &why, "not recorded");
		goto out;
	}
	if ((r = pkit_ca_auth_response(ctx, o->auth, cert, &out, &len)) != 0)
		goto out;
	if ((*resp = json_loadb(out, len, 0, &e)) == NULL)
		r = pkit_seterr(ctx, PKIT_ERR_INTERNAL, "renew response: %s",
		    e.text);
out:
	free(out);
	pkit_ca_issued_free(cert);
	return r;
}

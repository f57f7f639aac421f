/* authority.c - the decisions of the online CA: configuration state,
 * signing, renewal, revocation and recording (see authority.h). */
#include "config.h"

#include <arpa/inet.h>

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/asn1t.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "lib/ca/authority_impl.h"
#include "lib/codec.h"
#include "lib/fs.h"
#include "lib/jws.h"
#include "lib/secret.h"
#include "lib/template.h"
#include "lib/timeutil.h"
#include "lib/x509.h"
#include "lib/x509_build.h"

#define SEC PKIT_NS_PER_SEC
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- step's provisioner extension ------------------------------------------ */

typedef struct {
	ASN1_INTEGER *type;
	ASN1_OCTET_STRING *name;
	ASN1_OCTET_STRING *cred;
	STACK_OF(ASN1_STRING) *kv;
} STEP_PROV;

ASN1_SEQUENCE(STEP_PROV) = {
	ASN1_SIMPLE(STEP_PROV, type, ASN1_INTEGER),
	ASN1_SIMPLE(STEP_PROV, name, ASN1_OCTET_STRING),
	ASN1_SIMPLE(STEP_PROV, cred, ASN1_OCTET_STRING),
	ASN1_SEQUENCE_OF_OPT(STEP_PROV, kv, DIRECTORYSTRING),
} static_ASN1_SEQUENCE_END(STEP_PROV)

void
pkit_ca_auth_refuse(struct pkit_ca_refusal *why, int status, const char *fmt, ...)
{
	va_list ap;

	if (why == NULL)
		return;
	why->status = status;
	why->msg[0] = '\0';
	if (fmt != NULL) {
		va_start(ap, fmt);
		vsnprintf(why->msg, sizeof(why->msg), fmt, ap);
		va_end(ap);
	}
}

/* A 500 for a failure of ours (memory, crypto, database). */
static int
internal(struct pkit_ca_refusal *why, int r)
{
	pkit_ca_auth_refuse(why, 500, NULL);
	return r;
}

int
pkit_ca_auth_prov_ext(struct pkit_ctx *ctx, int type, const char *name,
    const char *cred, unsigned char **der, size_t *len)
{
	STEP_PROV *sp;
	unsigned char *p = NULL;
	int n;

	*der = NULL;
	*len = 0;
	if ((sp = (STEP_PROV *)ASN1_item_new(ASN1_ITEM_rptr(STEP_PROV))) == NULL)
		return pkit_seterr_nomem(ctx);
	if (!ASN1_INTEGER_set(sp->type, type) ||
	    !ASN1_OCTET_STRING_set(sp->name, (const unsigned char *)name,
	    (int)strlen(name)) ||
	    !ASN1_OCTET_STRING_set(sp->cred, (const unsigned char *)cred,
	    (int)strlen(cred)) ||
	    (n = ASN1_item_i2d((ASN1_VALUE *)sp, &p,
	    ASN1_ITEM_rptr(STEP_PROV))) <= 0) {
		ASN1_item_free((ASN1_VALUE *)sp, ASN1_ITEM_rptr(STEP_PROV));
		return pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO,
		    "the provisioner extension");
	}
	ASN1_item_free((ASN1_VALUE *)sp, ASN1_ITEM_rptr(STEP_PROV));
	if ((*der = malloc((size_t)n)) == NULL) {
		OPENSSL_free(p);
		return pkit_seterr_nomem(ctx);
	}
	memcpy(*der, p, (size_t)n);
	OPENSSL_free(p);
	*len = (size_t)n;
	return PKIT_OK;
}

static char *
octets_str(const ASN1_OCTET_STRING *os)
{
	int n = ASN1_STRING_length(os);
	const unsigned char *d = ASN1_STRING_get0_data(os);

	if (n < 0 || memchr(d, '\0', (size_t)n) != NULL)
		return NULL;
	return strndup((const char *)d, (size_t)n);
}

int
pkit_ca_auth_cert_prov(struct pkit_ctx *ctx, X509 *crt, int *type,
    char **name, char **cred)
{
	ASN1_OBJECT *obj;
	X509_EXTENSION *ext;
	const ASN1_OCTET_STRING *os;
	const unsigned char *p;
	STEP_PROV *sp = NULL;
	char *n = NULL, *c = NULL;
	int i;

	if (type != NULL)
		*type = 0;
	if (name != NULL)
		*name = NULL;
	if (cred != NULL)
		*cred = NULL;
	if ((obj = OBJ_txt2obj(PKIT_CA_OID_PROVISIONER, 1)) == NULL)
		return pkit_seterr_nomem(ctx);
	i = X509_get_ext_by_OBJ(crt, obj, -1);
	ASN1_OBJECT_free(obj);
	if (i < 0 || (ext = X509_get_ext(crt, i)) == NULL ||
	    (os = X509_EXTENSION_get_data(ext)) == NULL)
		return PKIT_OK;
	p = ASN1_STRING_get0_data(os);
	sp = (STEP_PROV *)ASN1_item_d2i(NULL, &p, ASN1_STRING_length(os),
	    ASN1_ITEM_rptr(STEP_PROV));
	if (sp == NULL || p != ASN1_STRING_get0_data(os) +
	    ASN1_STRING_length(os)) {
		/* as step: an extension that does not decode is ignored */
		ASN1_item_free((ASN1_VALUE *)sp, ASN1_ITEM_rptr(STEP_PROV));
		ERR_clear_error();
		return PKIT_OK;
	}
	if ((n = octets_str(sp->name)) == NULL ||
	    (c = octets_str(sp->cred)) == NULL) {
		free(n);
		free(c);
		ASN1_item_free((ASN1_VALUE *)sp, ASN1_ITEM_rptr(STEP_PROV));
		return PKIT_OK;
	}
	if (type != NULL)
		*type = (int)ASN1_INTEGER_get(sp->type);
	ASN1_item_free((ASN1_VALUE *)sp, ASN1_ITEM_rptr(STEP_PROV));
	if (name != NULL)
		*name = n;
	else
		free(n);
	if (cred != NULL)
		*cred = c;
	else
		free(c);
	return PKIT_OK;
}

/* ---- the in-memory store of used token ids --------------------------------- */

struct memtok {
	struct memtok *next;
	time_t expires;
	char id[];
};

static uint64_t
fnv1a(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* Drop ids whose tokens cannot be presented any more. */
static void
memtok_purge(struct pkit_ca_authority *a, time_t now)
{
	struct memtok **pp, *m;
	size_t i;

	for (i = 0; i < a->nbuckets; i++) {
		for (pp = &a->buckets[i]; (m = *pp) != NULL;) {
			if (m->expires != 0 && m->expires < now) {
				*pp = m->next;
				free(m);
				a->count--;
			} else
				pp = &m->next;
		}
	}
}

static int
memtok_grow(struct pkit_ca_authority *a)
{
	struct memtok **nb, *m, *next;
	size_t n = a->nbuckets * 2, i;

	if ((nb = calloc(n, sizeof(*nb))) == NULL)
		return -1;
	for (i = 0; i < a->nbuckets; i++) {
		for (m = a->buckets[i]; m != NULL; m = next) {
			next = m->next;
			m->next = nb[fnv1a(m->id) % n];
			nb[fnv1a(m->id) % n] = m;
		}
	}
	free(a->buckets);
	a->buckets = nb;
	a->nbuckets = n;
	return 0;
}

int
pkit_ca_auth_memtok(struct pkit_ctx *ctx, struct pkit_ca_authority *a,
    const char *id, time_t expires)
{
	struct memtok *m;
	size_t len = strlen(id), b;
	time_t now = pkit_now(ctx);
	int r = PKIT_OK;

	pthread_mutex_lock(&a->lock);
	if (++a->inserts % 1024 == 0)
		memtok_purge(a, now);
	if (a->count >= a->nbuckets * 2 && memtok_grow(a) != 0) {
		r = pkit_seterr_nomem(ctx);
		goto out;
	}
	b = fnv1a(id) % a->nbuckets;
	for (m = a->buckets[b]; m != NULL; m = m->next)
		if (strcmp(m->id, id) == 0) {
			r = pkit_seterr(ctx, PKIT_ERR_EXISTS,
			    "token already used");
			goto out;
		}
	if ((m = malloc(sizeof(*m) + len + 1)) == NULL) {
		r = pkit_seterr_nomem(ctx);
		goto out;
	}
	memcpy(m->id, id, len + 1);
	m->expires = expires;
	m->next = a->buckets[b];
	a->buckets[b] = m;
	a->count++;
out:
	pthread_mutex_unlock(&a->lock);
	return r;
}

int
pkit_ca_authority_new(struct pkit_ctx *ctx, struct pkit_ca_authority **out)
{
	struct pkit_ca_authority *a;

	*out = NULL;
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return pkit_seterr_nomem(ctx);
	a->nbuckets = 256;
	if ((a->buckets = calloc(a->nbuckets, sizeof(*a->buckets))) == NULL) {
		free(a);
		return pkit_seterr_nomem(ctx);
	}
	if (pthread_mutex_init(&a->lock, NULL) != 0) {
		free(a->buckets);
		free(a);
		return pkit_seterr(ctx, PKIT_ERR_SYSTEM, "mutex");
	}
	a->start = pkit_now(ctx);
	*out = a;
	return PKIT_OK;
}

void
pkit_ca_authority_free(struct pkit_ca_authority *a)
{
	struct memtok *m, *next;
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; i < a->nbuckets; i++)
		for (m = a->buckets[i]; m != NULL; m = next) {
			next = m->next;
			free(m);
		}
	free(a->buckets);
	free(a->acme_routes);
	pthread_mutex_destroy(&a->lock);
	free(a);
}

/* ---- loading a configuration ---------------------------------------------- */

static void
strv_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; v != NULL && i < n; i++)
		free(v[i]);
	free(v);
}

static int
strv_add(struct pkit_ctx *ctx, char ***v, size_t *n, char *s)
{
	char **nv;

	if (s == NULL)
		return pkit_seterr_nomem(ctx);
	if ((nv = realloc(*v, (*n + 1) * sizeof(char *))) == NULL) {
		free(s);
		return pkit_seterr_nomem(ctx);
	}
	nv[(*n)++] = s;
	*v = nv;
	return PKIT_OK;
}

static char *
strfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *
strfmt(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		s = NULL;
	va_end(ap);
	return s;
}

/* The audiences of research §2.3 for every dnsNames entry, stored in
 * their port-insensitive form. */
static int
load_audiences(struct pkit_ctx *ctx, struct pkit_ca_auth *auth)
{
	static const struct {
		int method;
		const char *path;
	} paths[] = {
		{ PKIT_CA_AUD_SIGN, "/1.0/sign" }, { PKIT_CA_AUD_SIGN, "/sign" },
		{ PKIT_CA_AUD_SIGN, "/1.0/ssh/sign" }, { PKIT_CA_AUD_SIGN, "/ssh/sign" },
		{ PKIT_CA_AUD_REVOKE, "/1.0/revoke" }, { PKIT_CA_AUD_REVOKE, "/revoke" },
		{ PKIT_CA_AUD_RENEW, "/1.0/renew" }, { PKIT_CA_AUD_RENEW, "/renew" },
		{ PKIT_CA_AUD_SSH_REVOKE, "/1.0/ssh/revoke" },
		{ PKIT_CA_AUD_SSH_REVOKE, "/ssh/revoke" },
		{ PKIT_CA_AUD_SSH_RENEW, "/1.0/ssh/renew" },
		{ PKIT_CA_AUD_SSH_RENEW, "/ssh/renew" },
		{ PKIT_CA_AUD_SSH_REKEY, "/1.0/ssh/rekey" },
		{ PKIT_CA_AUD_SSH_REKEY, "/ssh/rekey" },
	};
	const struct pkit_ca_config *cfg = auth->cfg;
	char *url, *s;
	size_t i, j;
	int r;

	/* the legacy audience of old CLIs */
	if ((r = strv_add(ctx, &auth->aud[PKIT_CA_AUD_SIGN], &auth->naud[PKIT_CA_AUD_SIGN],
	    strdup("step-certificate-authority"))) != 0 ||
	    (r = strv_add(ctx, &auth->aud[PKIT_CA_AUD_REVOKE],
	    &auth->naud[PKIT_CA_AUD_REVOKE],
	    strdup("step-certificate-authority"))) != 0)
		return r;
	for (i = 0; i < cfg->ndns_names; i++) {
		const char *h = cfg->dns_names[i];
		int v6 = strchr(h, ':') != NULL && h[0] != '[';

		for (j = 0; j < NELEM(paths); j++) {
			url = strfmt("https://%s%s%s%s", v6 ? "[" : "", h,
			    v6 ? "]" : "", paths[j].path);
			if (url == NULL)
				return pkit_seterr_nomem(ctx);
			s = pkit_ca_auth_aud_strip(url);
			free(url);
			if ((r = strv_add(ctx, &auth->aud[paths[j].method],
			    &auth->naud[paths[j].method], s)) != 0)
				return r;
		}
	}
	return PKIT_OK;
}

/* options.x509 of a provisioner: template (JSON text or its base64),
 * templateFile, templateData. */
static int
load_template(struct pkit_ctx *ctx, struct pkit_ca_auth *auth,
    struct pkit_ca_prov *p)
{
	const json_t *opts = json_object_get(p->conf->json, "options"), *x;
	const char *t, *tf;
	unsigned char *buf = NULL, *dec = NULL;
	size_t len = 0, dlen = 0;
	char *path = NULL;
	struct pkit_tmpl *parsed = NULL;
	int r;

	if (!json_is_object(opts) ||
	    !json_is_object(x = json_object_get(opts, "x509")))
		return PKIT_OK;
	t = json_string_value(json_object_get(x, "template"));
	tf = json_string_value(json_object_get(x, "templateFile"));
	if ((p->tmpl_name = strfmt("%s: provisioner %s: x509 template",
	    auth->cfg->name, p->conf->name)) == NULL)
		return pkit_seterr_nomem(ctx);
	if (t != NULL && *t != '\0') {
		while (isspace((unsigned char)*t))
			t++;
		if (*t != '{' && pkit_b64_decode(ctx, PKIT_B64_STD, t,
		    strlen(t), &dec, &dlen) == 0 && memchr(dec, '\0', dlen) ==
		    NULL) {
			p->tmpl = (char *)dec;
			p->tmpl_len = dlen;
			dec = NULL;
		} else if ((p->tmpl = strdup(t)) == NULL) {
			r = pkit_seterr_nomem(ctx);
			goto out;
		} else
			p->tmpl_len = strlen(t);
		pkit_clearerr(ctx);
	} else if (tf != NULL && *tf != '\0') {
		if ((r = pkit_ca_config_path(ctx, auth->cfg, tf, &path)) != 0 ||
		    (r = pkit_file_read(ctx, path, PKIT_TMPL_MAX_INPUT, &buf,
		    &len)) != 0)
			goto out;
		free(p->tmpl_name);
		if ((p->tmpl_name = strdup(path)) == NULL) {
			r = pkit_seterr_nomem(ctx);
			goto out;
		}
		p->tmpl = (char *)buf;
		p->tmpl_len = len;
		buf = NULL;
	}
	/* a template that does not parse refuses the configuration */
	if (p->tmpl != NULL && (r = pkit_tmpl_parse(ctx, p->tmpl, p->tmpl_len,
	    p->tmpl_name, &parsed)) != 0)
		goto out;
	x = json_object_get(x, "templateData");
	if (x != NULL && !json_is_null(x)) {
		if (!json_is_object(x)) {
			r = pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: provisioner "
			    "%s: options.x509.templateData: expected an object",
			    auth->cfg->name, p->conf->name);
			goto out;
		}
		if ((p->tmpl_data = json_deep_copy(x)) == NULL) {
			r = pkit_seterr_nomem(ctx);
			goto out;
		}
	}
	r = PKIT_OK;
out:
	pkit_tmpl_free(parsed);
	free(dec);
	free(buf);
	free(path);
	return r;
}

/* A JWK provisioner's public key and the one alg its tokens may use. */
static int
load_jwk(struct pkit_ctx *ctx, struct pkit_ca_auth *auth,
    struct pkit_ca_prov *p)
{
	const json_t *k = json_object_get(p->conf->json, "key");
	const char *alg;
	json_t *pub = NULL;
	int r;

	if ((r = pkit_jwk_public(ctx, k, &pub)) != 0 ||
	    (r = pkit_jwk_key_new(ctx, pub, &p->key)) != 0) {
		char msg[sizeof(ctx->errbuf)];

		json_decref(pub);
		snprintf(msg, sizeof(msg), "%s", ctx->errbuf);
		return pkit_seterr(ctx, r, "%s: provisioner %s: key: %s",
		    auth->cfg->name, p->conf->name, msg);
	}
	json_decref(pub);
	alg = json_string_value(json_object_get(k, "alg"));
	if (alg == NULL)
		alg = pkit_jwk_default_alg(k, "sig");
	if (alg == NULL || strncmp(alg, "HS", 2) == 0 ||
	    strcasecmp(alg, "none") == 0 ||
	    pkit_jws_alg_check(ctx, p->key, alg, 0, 0) != 0)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: provisioner %s: "
		    "key: no signature algorithm fits it", auth->cfg->name,
		    p->conf->name);
	if ((p->alg = strdup(alg)) == NULL)
		return pkit_seterr_nomem(ctx);
	return PKIT_OK;
}

static int
load_provisioners(struct pkit_ctx *ctx, struct pkit_ca_auth *auth)
{
	const struct pkit_ca_config *cfg = auth->cfg;
	char what[512];
	size_t i;
	int r;

	if (cfg->nprovisioners == 0)
		return PKIT_OK;
	if ((auth->provs = calloc(cfg->nprovisioners,
	    sizeof(*auth->provs))) == NULL)
		return pkit_seterr_nomem(ctx);
	for (i = 0; i < cfg->nprovisioners; i++) {
		struct pkit_ca_prov *p = &auth->provs[i];

		/* counted now, so that a failure frees what it loaded */
		auth->nprovs = i + 1;
		p->conf = &cfg->provisioners[i];
		snprintf(what, sizeof(what), "%s: provisioner %s", cfg->name,
		    p->conf->name);
		if ((r = pkit_ca_claims_resolve(ctx, &p->conf->claims,
		    &cfg->claims, what, &p->claims)) != 0)
			return r;
		snprintf(what, sizeof(what), "%s: provisioner %s: policy",
		    cfg->name, p->conf->name);
		if ((r = pkit_ca_policy_new(ctx, json_object_get(p->conf->json,
		    "policy"), what, &p->policy)) != 0)
			return r;
		if (strcmp(p->conf->type, "ACME") == 0) {
			/* no key: orders are authorized by acme.c */
			p->type = PKIT_CA_PROV_ACME;
			if ((r = load_template(ctx, auth, p)) != 0 ||
			    (r = pkit_ca_auth_prov_ext(ctx, p->type,
			    p->conf->name, "", &p->ext, &p->ext_len)) != 0 ||
			    (r = pkit_b64_encode(ctx, PKIT_B64_STD, p->ext,
			    p->ext_len, &p->ext_b64)) != 0)
				return r;
			continue;
		}
		if (strcmp(p->conf->type, "X5C") == 0)
			p->type = PKIT_CA_PROV_X5C;
		else if (strcmp(p->conf->type, "JWK") == 0)
			p->type = PKIT_CA_PROV_JWK;
		else
			continue;
		if ((r = p->type == PKIT_CA_PROV_X5C ?
		    pkit_ca_x5c_load(ctx, auth, p) : load_jwk(ctx, auth, p)) != 0 ||
		    (r = load_template(ctx, auth, p)) != 0 ||
		    (r = pkit_ca_auth_prov_ext(ctx, p->type, p->conf->name,
		    p->conf->kid != NULL ? p->conf->kid : "", &p->ext,
		    &p->ext_len)) != 0 ||
		    (r = pkit_b64_encode(ctx, PKIT_B64_STD, p->ext, p->ext_len,
		    &p->ext_b64)) != 0)
			return r;
	}
	return PKIT_OK;
}

/* A PEM certificate as a JSON string (with its quotes).  PEM is base64,
 * dashes, spaces and newlines: only the newlines need escaping. */
static int
pem_json(struct pkit_ctx *ctx, X509 *crt, char **out)
{
	BIO *bio;
	BUF_MEM *mem;
	char *s;
	size_t i, j, n;

	*out = NULL;
	if ((bio = BIO_new(BIO_s_mem())) == NULL || !PEM_write_bio_X509(bio, crt)) {
		BIO_free(bio);
		return pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "PEM encoding");
	}
	BIO_get_mem_ptr(bio, &mem);
	for (i = 0, n = 3; i < mem->length; i++)
		n += mem->data[i] == '\n' ? 2 : 1;
	if ((s = malloc(n)) == NULL) {
		BIO_free(bio);
		return pkit_seterr_nomem(ctx);
	}
	s[0] = '"';
	for (i = 0, j = 1; i < mem->length; i++) {
		if (mem->data[i] == '\n') {
			s[j++] = '\\';
			s[j++] = 'n';
		} else if (mem->data[i] == '"' || mem->data[i] == '\\' ||
		    (unsigned char)mem->data[i] < 0x20) {
			BIO_free(bio);
			free(s);
			return pkit_seterr(ctx, PKIT_ERR_INTERNAL, "PEM text");
		} else
			s[j++] = mem->data[i];
	}
	s[j++] = '"';
	s[j] = '\0';
	BIO_free(bio);
	*out = s;
	return PKIT_OK;
}

static int
load_responses(struct pkit_ctx *ctx, struct pkit_ca_auth *auth)
{
	const struct pkit_ca_tls *t = &auth->cfg->tls;
	json_t *tls = NULL, *suites;
	char *p = NULL, *chain = NULL, *grown;
	size_t len = 0, i;
	int k, r;

	if ((r = pem_json(ctx, auth->issuer, &auth->ca_json)) != 0)
		return r;
	if ((chain = strdup("")) == NULL)
		return pkit_seterr_nomem(ctx);
	for (k = 0; k < sk_X509_num(auth->pki->intermediates); k++) {
		if ((r = pem_json(ctx, sk_X509_value(auth->pki->intermediates, k),
		    &p)) != 0)
			goto out;
		if ((grown = realloc(chain, len + strlen(p) + 2)) == NULL) {
			r = pkit_seterr_nomem(ctx);
			goto out;
		}
		chain = grown;
		snprintf(chain + len, strlen(p) + 2, ",%s", p);
		len += strlen(p) + 1;
		free(p);
		p = NULL;
	}
	if ((suites = json_array()) == NULL ||
	    (tls = json_pack("{s:o,s:f,s:f,s:b}", "cipherSuites", suites,
	    "minVersion", t->min_version == TLS1_3_VERSION ? 1.3 : 1.2,
	    "maxVersion", t->max_version == TLS1_3_VERSION ? 1.3 : 1.2,
	    "renegotiation", t->renegotiation)) == NULL) {
		r = pkit_seterr_nomem(ctx);
		goto out;
	}
	for (i = 0; i < t->ncipher_suites; i++)
		if (json_array_append_new(suites,
		    json_string(t->cipher_suites[i])) != 0) {
			r = pkit_seterr_nomem(ctx);
			goto out;
		}
	if ((auth->tls_json = json_dumps(tls, JSON_COMPACT |
	    JSON_REAL_PRECISION(15))) == NULL) {
		r = pkit_seterr_nomem(ctx);
		goto out;
	}
	auth->chain_json = chain;
	chain = NULL;
	r = PKIT_OK;
out:
	json_decref(tls);
	free(p);
	free(chain);
	return r;
}

/* The database: step's own kinds keep a directory, pkit.db goes in it. */
static int
load_db(struct pkit_ctx *ctx, struct pkit_ca_auth *auth)
{
	const struct pkit_ca_config *cfg = auth->cfg;
	const char *type = cfg->db_type, *src = cfg->db_data_source;
	char *path = NULL, *slash;
	int r;

	if (type == NULL)
		return PKIT_OK;
	if (src == NULL || *src == '\0')
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: db.dataSource is required", cfg->name);
	if (strcasecmp(type, "postgresql") == 0 ||
	    strcasecmp(type, "postgres") == 0) {
		if ((auth->db_type = strdup("postgresql")) == NULL ||
		    (auth->db_dsn = strdup(src)) == NULL)
			return pkit_seterr_nomem(ctx);
		return PKIT_OK;
	}
	if (strcasecmp(type, "badger") == 0 ||
	    strcasecmp(type, "badgerv2") == 0 ||
	    strcasecmp(type, "badgerV2") == 0 || strcasecmp(type, "bbolt") == 0) {
		if ((r = pkit_ca_config_path(ctx, cfg, src, &path)) != 0)
			return r;
		if ((r = pkit_mkdirs(ctx, path, 0700)) != 0) {
			free(path);
			return r;
		}
		auth->db_dsn = strfmt("%s/pkit.db", path);
		free(path);
	} else if (strcasecmp(type, "sqlite") == 0 ||
	    strcasecmp(type, "sqlite3") == 0) {
		if (strncmp(src, "file:", 5) == 0 || strcmp(src, ":memory:") == 0)
			auth->db_dsn = strdup(src);
		else {
			if ((r = pkit_ca_config_path(ctx, cfg, src, &path)) != 0)
				return r;
			if ((slash = strrchr(path, '/')) != NULL &&
			    slash != path) {
				*slash = '\0';
				r = pkit_mkdirs(ctx, path, 0700);
				*slash = '/';
				if (r != 0) {
					free(path);
					return r;
				}
			}
			auth->db_dsn = path;
		}
	} else
		return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED,
		    "%s: db.type %s is not supported (use sqlite or "
		    "postgresql)", cfg->name, type);
	if (auth->db_dsn == NULL || (auth->db_type = strdup("sqlite")) == NULL)
		return pkit_seterr_nomem(ctx);
	return PKIT_OK;
}

/* What leaves are signed with: the issuer's SKI for their AKI (the SHA-1
 * of its key when it has none, as x509_build.c), a DigestSign context of
 * the issuing key to copy (ECDSA with the hash of its size, RSA with
 * SHA-256, Ed25519 pure), SHA-1 for SKIs. */
int
pkit_ca_config_db(struct pkit_ctx *ctx, const struct pkit_ca_config *cfg,
    char **type, char **dsn)
{
	struct pkit_ca_auth tmp;
	int r;

	memset(&tmp, 0, sizeof(tmp));
	tmp.cfg = cfg;
	if ((r = load_db(ctx, &tmp)) != 0 || tmp.db_type == NULL) {
		free(tmp.db_type);
		free(tmp.db_dsn);
		return r != 0 ? r : pkit_seterr(ctx, PKIT_ERR_NOT_FOUND,
		    "%s: no db", cfg->name);
	}
	*type = tmp.db_type;
	*dsn = tmp.db_dsn;
	return PKIT_OK;
}

static int
load_signer(struct pkit_ctx *ctx, struct pkit_ca_auth *auth)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	const char *name = NULL;
	int id = EVP_PKEY_get_base_id(auth->key);
	int bits = EVP_PKEY_get_bits(auth->key);

	if (X509_get0_subject_key_id(auth->issuer) != NULL)
		auth->issuer_ski = ASN1_OCTET_STRING_dup(
		    X509_get0_subject_key_id(auth->issuer));
	else if (X509_pubkey_digest(auth->issuer, EVP_sha1(), md, &mdlen) &&
	    (auth->issuer_ski = ASN1_OCTET_STRING_new()) != NULL &&
	    !ASN1_OCTET_STRING_set(auth->issuer_ski, md, (int)mdlen)) {
		ASN1_OCTET_STRING_free(auth->issuer_ski);
		auth->issuer_ski = NULL;
	}
	if (id == EVP_PKEY_EC)
		name = bits > 384 ? "SHA512" : bits > 256 ? "SHA384" : "SHA256";
	else if (id == EVP_PKEY_RSA || id == EVP_PKEY_RSA_PSS)
		name = "SHA256";
	if (auth->issuer_ski == NULL ||
	    (auth->sha1 = EVP_MD_fetch(ctx->libctx, "SHA1", ctx->propq)) ==
	    NULL || (auth->sign_proto = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit_ex(auth->sign_proto, NULL, name, ctx->libctx,
	    ctx->propq, auth->key, NULL) <= 0)
		return pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "%s: the issuing "
		    "key cannot sign certificates", auth->cfg->name);
	return PKIT_OK;
}

/* authority.policy (policy.h). */
static int
load_policy(struct pkit_ctx *ctx, struct pkit_ca_auth *auth)
{
	char what[512];

	snprintf(what, sizeof(what), "%s: authority.policy", auth->cfg->name);
	return pkit_ca_policy_new(ctx, json_object_get(json_object_get(
	    auth->cfg->doc, "authority"), "policy"), what, &auth->policy);
}

int
pkit_ca_auth_load(struct pkit_ctx *ctx, struct pkit_ca_authority *a,
    const struct pkit_ca_pki *pki, struct pkit_ca_auth **out)
{
	struct pkit_ca_auth *auth;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen;
	char *hex;
	char what[512];
	int i, r;

	*out = NULL;
	if ((auth = calloc(1, sizeof(*auth))) == NULL)
		return pkit_seterr_nomem(ctx);
	auth->a = a;
	auth->pki = pki;
	auth->cfg = pki->cfg;
	auth->issuer = sk_X509_value(pki->intermediates, 0);
	auth->key = pki->key;
	auth->backdate = pki->cfg->backdate / SEC;
	auth->noop.type = PKIT_CA_PROV_NOOP;
	snprintf(what, sizeof(what), "%s: authority.claims", auth->cfg->name);
	if (auth->issuer == NULL || auth->key == NULL) {
		r = pkit_seterr(ctx, PKIT_ERR_ARG, "%s: no issuing certificate "
		    "and key", auth->cfg->name);
		goto fail;
	}
	if ((r = load_signer(ctx, auth)) != 0 ||
	    (r = pkit_ca_curves_load(ctx, auth)) != 0 ||
	    (r = pkit_ca_claims_resolve(ctx, &auth->cfg->claims, NULL, what,
	    &auth->noop.claims)) != 0 ||
	    (r = load_provisioners(ctx, auth)) != 0 ||
	    (r = load_policy(ctx, auth)) != 0 ||
	    (r = load_audiences(ctx, auth)) != 0 ||
	    (r = load_responses(ctx, auth)) != 0 ||
	    (r = load_db(ctx, auth)) != 0 ||
	    (r = pkit_ca_rev_urls(ctx, auth->cfg, &auth->rev)) != 0)
		goto fail;
	if ((auth->root_fp = calloc((size_t)sk_X509_num(pki->roots) + 1,
	    sizeof(*auth->root_fp))) == NULL) {
		r = pkit_seterr_nomem(ctx);
		goto fail;
	}
	for (i = 0; i < sk_X509_num(pki->roots); i++) {
		if (!X509_digest(sk_X509_value(pki->roots, i), EVP_sha256(), md,
		    &mdlen)) {
			r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "fingerprint");
			goto fail;
		}
		if ((r = pkit_hex_encode(ctx, md, mdlen, 0, &hex)) != 0)
			goto fail;
		snprintf(auth->root_fp[i], sizeof(auth->root_fp[i]), "%s", hex);
		free(hex);
		auth->nroot_fp++;
	}
	*out = auth;
	return PKIT_OK;
fail:
	pkit_ca_auth_free(auth);
	return r;
}

void
pkit_ca_auth_free(struct pkit_ca_auth *auth)
{
	size_t i;

	if (auth == NULL)
		return;
	for (i = 0; i < auth->nprovs; i++) {
		struct pkit_ca_prov *p = &auth->provs[i];

		pkit_jwk_key_free(p->key);
		free(p->alg);
		free(p->tmpl);
		free(p->tmpl_name);
		json_decref(p->tmpl_data);
		free(p->ext);
		free(p->ext_b64);
		pkit_ca_policy_free(p->policy);
		sk_X509_pop_free(p->x5c_roots, X509_free);
	}
	free(auth->provs);
	pkit_ca_policy_free(auth->policy);
	for (i = 0; i < PKIT_CA_AUD_N; i++)
		strv_free(auth->aud[i], auth->naud[i]);
	free(auth->root_fp);
	ASN1_OCTET_STRING_free(auth->issuer_ski);
	EVP_MD_CTX_free(auth->sign_proto);
	EVP_MD_free(auth->sha1);
	for (i = 0; i < PKIT_CA_NCURVES; i++)
		EVP_PKEY_free(auth->curve[i]);
	free(auth->db_type);
	free(auth->db_dsn);
	free(auth->ca_json);
	free(auth->chain_json);
	free(auth->tls_json);
	pkit_ca_rev_urls_release(&auth->rev);
	free(auth);
}

void
pkit_ca_auth_db(const struct pkit_ca_auth *auth, const char **type,
    const char **dsn)
{
	*type = auth->db_type;
	*dsn = auth->db_dsn;
}

int
pkit_ca_auth_audiences(struct pkit_ctx *ctx, const struct pkit_ca_auth *auth,
    enum pkit_ca_aud method, char **out)
{
	size_t i, n = 1;
	char *s;

	*out = NULL;
	for (i = 0; i < auth->naud[method]; i++)
		n += strlen(auth->aud[method][i]) + 1;
	if ((s = malloc(n)) == NULL)
		return pkit_seterr_nomem(ctx);
	s[0] = '\0';
	for (i = 0, n = 0; i < auth->naud[method]; i++) {
		size_t l = strlen(auth->aud[method][i]);

		memcpy(s + n, auth->aud[method][i], l);
		s[n + l] = '\n';
		n += l + 1;
		s[n] = '\0';
	}
	*out = s;
	return PKIT_OK;
}

/* ---- serial numbers ------------------------------------------------------- */

int
pkit_ca_auth_serial(struct pkit_ctx *ctx, const char *s, char **dec,
    char hex[PKIT_DB_SERIAL_MAX + 1])
{
	BIGNUM *bn = NULL;
	const char *p = s, *digits;
	char *d = NULL, *h = NULL;
	int base = 10, ok = 0;
	size_t i, n;

	*dec = NULL;
	if (*p == '+')
		p++;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	} else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B')) {
		base = 2;
		p += 2;
	} else if (p[0] == '0' && (p[1] == 'o' || p[1] == 'O')) {
		base = 8;
		p += 2;
	} else if (p[0] == '0' && p[1] != '\0') {
		base = 8;
		p += 1;
	}
	digits = base == 16 ? "0123456789abcdefABCDEF" : base == 10 ?
	    "0123456789" : base == 8 ? "01234567" : "01";
	n = strlen(p);
	if (n == 0 || n > 160 || strspn(p, digits) != n)
		goto bad;
	if (base == 16)
		ok = BN_hex2bn(&bn, p) != 0;
	else if (base == 10)
		ok = BN_dec2bn(&bn, p) != 0;
	else {
		ok = (bn = BN_new()) != NULL;
		for (i = 0; ok && i < n; i++)
			ok = BN_mul_word(bn, (BN_ULONG)base) &&
			    BN_add_word(bn, (BN_ULONG)(p[i] - '0'));
	}
	if (!ok) {
		BN_free(bn);
		return pkit_seterr_nomem(ctx);
	}
	if (BN_is_zero(bn) || BN_num_bytes(bn) > 20)
		goto bad;
	if ((d = BN_bn2dec(bn)) == NULL || (h = BN_bn2hex(bn)) == NULL) {
		OPENSSL_free(d);
		BN_free(bn);
		return pkit_seterr_nomem(ctx);
	}
	BN_free(bn);
	bn = NULL;
	for (p = h; *p == '0'; p++)
		;
	for (i = 0; p[i] != '\0' && i < PKIT_DB_SERIAL_MAX; i++)
		hex[i] = (char)tolower((unsigned char)p[i]);
	hex[i] = '\0';
	OPENSSL_free(h);
	if ((*dec = strdup(d)) == NULL) {
		OPENSSL_free(d);
		return pkit_seterr_nomem(ctx);
	}
	OPENSSL_free(d);
	return PKIT_OK;
bad:
	BN_free(bn);
	return pkit_seterr(ctx, PKIT_ERR_FORMAT, "'%s' is not a valid serial "
	    "number - use a base 10 representation or a base 16 "
	    "representation with '0x' prefix", s);
}

/* The serial of crt: database hex and decimal. */
static int
cert_serial(struct pkit_ctx *ctx, X509 *crt, char hex[PKIT_DB_SERIAL_MAX + 1],
    char **dec)
{
	BIGNUM *bn;
	char *h = NULL, *d = NULL;
	const char *p;
	size_t i;

	if (dec != NULL)
		*dec = NULL;
	if ((bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(crt), NULL)) ==
	    NULL)
		return pkit_seterr_ssl(ctx, PKIT_ERR_FORMAT, "serial number");
	if ((h = BN_bn2hex(bn)) == NULL ||
	    (dec != NULL && (d = BN_bn2dec(bn)) == NULL)) {
		OPENSSL_free(h);
		BN_free(bn);
		return pkit_seterr_nomem(ctx);
	}
	BN_free(bn);
	for (p = h; *p == '0' && p[1] != '\0'; p++)
		;
	for (i = 0; p[i] != '\0' && i < PKIT_DB_SERIAL_MAX; i++)
		hex[i] = (char)tolower((unsigned char)p[i]);
	hex[i] = '\0';
	OPENSSL_free(h);
	if (dec != NULL) {
		*dec = strdup(d);
		OPENSSL_free(d);
		if (*dec == NULL)
			return pkit_seterr_nomem(ctx);
	}
	return PKIT_OK;
}

/* ---- issued certificates ----------------------------------------------------- */

void
pkit_ca_issued_free(struct pkit_ca_issued *cert)
{
	if (cert == NULL)
		return;
	X509_free(cert->crt);
	free(cert->der);
	free(cert->serial_dec);
	free(cert->subject);
	free(cert->sans);
	free(cert->prov_id);
	free(cert->prov_name);
	free(cert);
}

static int
asn1_time(const ASN1_TIME *t, time_t *out)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (!ASN1_TIME_to_tm(t, &tm))
		return -1;
	*out = (time_t)pkit_timegm(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	    tm.tm_hour, tm.tm_min, tm.tm_sec);
	return 0;
}

/* The SAN values of crt as a JSON array (text). */
static char *
sans_text(X509 *crt)
{
	GENERAL_NAMES *gens = X509_get_ext_d2i(crt, NID_subject_alt_name, NULL,
	    NULL);
	json_t *a = json_array();
	char ip[INET6_ADDRSTRLEN], *s = NULL;
	int i;

	if (a == NULL)
		goto out;
	for (i = 0; i < sk_GENERAL_NAME_num(gens); i++) {
		GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		const ASN1_STRING *v = NULL;

		if (g->type == GEN_DNS || g->type == GEN_EMAIL ||
		    g->type == GEN_URI)
			v = g->d.ia5;
		if (v != NULL)
			json_array_append_new(a, json_stringn((const char *)
			    ASN1_STRING_get0_data(v), (size_t)ASN1_STRING_length(v)));
		else if (g->type == GEN_IPADD && (g->d.ip->length == 4 ||
		    g->d.ip->length == 16) && inet_ntop(g->d.ip->length == 4 ?
		    AF_INET : AF_INET6, g->d.ip->data, ip, sizeof(ip)) != NULL)
			json_array_append_new(a, json_string(ip));
	}
	s = json_dumps(a, JSON_COMPACT);
out:
	json_decref(a);
	GENERAL_NAMES_free(gens);
	ERR_clear_error();
	return s;
}

static char *
name_text(const X509_NAME *name)
{
	BIO *bio = BIO_new(BIO_s_mem());
	BUF_MEM *mem;
	char *s = NULL;

	if (bio == NULL)
		return NULL;
	if (X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253 &
	    ~ASN1_STRFLGS_ESC_MSB) >= 0) {
		BIO_get_mem_ptr(bio, &mem);
		s = strndup(mem->data, mem->length);
	}
	BIO_free(bio);
	return s;
}

/* Wrap an issued X509 (taken) into a pkit_ca_cert. */
static int
cert_new(struct pkit_ctx *ctx, X509 *crt, const struct pkit_ca_prov *prov,
    const struct pkit_ca_ott *tok, struct pkit_ca_issued **out)
{
	struct pkit_ca_issued *c;
	unsigned char *p = NULL;
	int n, r;

	*out = NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		X509_free(crt);
		return pkit_seterr_nomem(ctx);
	}
	c->crt = crt;
	if ((n = i2d_X509(crt, &p)) <= 0) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "certificate encoding");
		goto fail;
	}
	c->der = malloc((size_t)n);
	if (c->der != NULL)
		memcpy(c->der, p, (size_t)n);
	OPENSSL_free(p);
	c->der_len = (size_t)n;
	if ((r = cert_serial(ctx, crt, c->serial, &c->serial_dec)) != 0)
		goto fail;
	if (c->der == NULL || (c->subject = name_text(
	    X509_get_subject_name(crt))) == NULL ||
	    (c->sans = sans_text(crt)) == NULL ||
	    asn1_time(X509_get0_notBefore(crt), &c->not_before) != 0 ||
	    asn1_time(X509_get0_notAfter(crt), &c->not_after) != 0) {
		r = pkit_seterr_nomem(ctx);
		goto fail;
	}
	if (prov != NULL && prov->conf != NULL &&
	    ((c->prov_id = strdup(prov->conf->id)) == NULL ||
	    (c->prov_name = strdup(prov->conf->name)) == NULL)) {
		r = pkit_seterr_nomem(ctx);
		goto fail;
	}
	if (tok != NULL) {
		snprintf(c->token_id, sizeof(c->token_id), "%s", tok->id);
		c->token_expires = tok->expires;
	}
	*out = c;
	return PKIT_OK;
fail:
	pkit_ca_issued_free(c);
	return r;
}

/* ---- /sign ------------------------------------------------------------------ */

/* Go's %v of a []string: "[a b c]". */
static void
go_list(char *buf, size_t size, char *const *v, size_t n)
{
	size_t i, len;

	snprintf(buf, size, "[");
	for (i = 0; i < n; i++) {
		len = strlen(buf);
		snprintf(buf + len, size - len, "%s%s", i ? " " : "", v[i]);
	}
	len = strlen(buf);
	snprintf(buf + len, size - len, "]");
}

enum { T_DNS, T_IP, T_EMAIL, T_URI, T_N };

static const char *const san_what[T_N] = { "DNS names", "IP addresses",
    "email addresses", "URIs" };

struct names {
	char **v[T_N];
	size_t n[T_N];
};

static void
names_free(struct names *nm)
{
	int t;

	for (t = 0; t < T_N; t++)
		strv_free(nm->v[t], nm->n[t]);
}

/* Canonical text of an IP address, for comparisons; NULL if not one. */
static char *
ip_canon(const char *s)
{
	unsigned char b[16];
	char out[INET6_ADDRSTRLEN];

	if (inet_pton(AF_INET, s, b) == 1)
		return inet_ntop(AF_INET, b, out, sizeof(out)) ? strdup(out) :
		    NULL;
	if (inet_pton(AF_INET6, s, b) == 1)
		return inet_ntop(AF_INET6, b, out, sizeof(out)) ? strdup(out) :
		    NULL;
	return NULL;
}

/* The CSR's SANs by type. */
static int
csr_names(struct pkit_ctx *ctx, const struct pkit_ca_csr *csr,
    struct names *nm)
{
	GENERAL_NAMES *gens;
	char ip[INET6_ADDRSTRLEN];
	int i, r = PKIT_OK;

	memset(nm, 0, sizeof(*nm));
	gens = X509V3_get_d2i(csr->exts, NID_subject_alt_name, NULL, NULL);
	for (i = 0; r == 0 && i < sk_GENERAL_NAME_num(gens); i++) {
		GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		const ASN1_STRING *v;
		int t = g->type == GEN_DNS ? T_DNS : g->type == GEN_EMAIL ?
		    T_EMAIL : g->type == GEN_URI ? T_URI : g->type == GEN_IPADD ?
		    T_IP : -1;

		if (t < 0)
			continue;
		if (t == T_IP) {
			if ((g->d.ip->length != 4 && g->d.ip->length != 16) ||
			    inet_ntop(g->d.ip->length == 4 ? AF_INET : AF_INET6,
			    g->d.ip->data, ip, sizeof(ip)) == NULL)
				continue;
			r = strv_add(ctx, &nm->v[t], &nm->n[t], strdup(ip));
		} else {
			v = g->d.ia5;
			r = strv_add(ctx, &nm->v[t], &nm->n[t],
			    strndup((const char *)ASN1_STRING_get0_data(v),
			    (size_t)ASN1_STRING_length(v)));
		}
	}
	GENERAL_NAMES_free(gens);
	ERR_clear_error();
	return r;
}

static int
token_names(struct pkit_ctx *ctx, const struct pkit_ca_ott *tok,
    struct names *nm)
{
	size_t i;
	char *s;
	int t, r;

	memset(nm, 0, sizeof(*nm));
	for (i = 0; i < tok->nsans; i++) {
		switch (pkit_san_detect(tok->sans[i])) {
		case PKIT_SAN_IP:
			t = T_IP;
			s = ip_canon(tok->sans[i]);
			break;
		case PKIT_SAN_EMAIL:
			t = T_EMAIL;
			s = strdup(tok->sans[i]);
			break;
		case PKIT_SAN_URI:
			t = T_URI;
			s = strdup(tok->sans[i]);
			break;
		default:
			t = T_DNS;
			s = strdup(tok->sans[i]);
			break;
		}
		if ((r = strv_add(ctx, &nm->v[t], &nm->n[t], s)) != 0)
			return r;
	}
	return PKIT_OK;
}

static int
in_list(char *const *v, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return 1;
	return 0;
}

/* The CSR's names against the token's (step's commonNameSliceValidator
 * and defaultSANsValidator): a CN must be the subject or a SAN of the
 * token; each type of SAN the CSR has must be the same set as the
 * token's. */
static int
check_names(struct pkit_ctx *ctx, const struct pkit_ca_ott *tok,
    const struct pkit_ca_csr *csr, struct pkit_ca_refusal *why)
{
	struct names have, want;
	char cn[1024], got[1024], exp[1024];
	int t, r, n;
	size_t k;

	n = X509_NAME_get_text_by_NID((X509_NAME *)csr->subject,
	    NID_commonName, cn, sizeof(cn));
	if (n > 0 && strcmp(cn, tok->sub) != 0 &&
	    !in_list(tok->sans, tok->nsans, cn)) {
		go_list(exp, sizeof(exp), tok->sans, tok->nsans);
		/* step lists [sub, sans...] */
		pkit_ca_auth_refuse(why, 403, "certificate request does not contain "
		    "the valid common name - got %s, want [%s%s%s", cn,
		    tok->sub, tok->nsans > 0 ? " " : "", exp + 1);
		return pkit_seterr(ctx, PKIT_ERR_VERIFY, "%s", why->msg);
	}
	if ((r = csr_names(ctx, csr, &have)) != 0)
		return internal(why, r);
	if ((r = token_names(ctx, tok, &want)) != 0) {
		names_free(&have);
		return internal(why, r);
	}
	for (t = 0, r = 0; t < T_N && r == 0; t++) {
		int same = 1;

		if (have.n[t] == 0)
			continue;
		for (k = 0; k < have.n[t]; k++)
			same &= in_list(want.v[t], want.n[t], have.v[t][k]);
		for (k = 0; k < want.n[t]; k++)
			same &= in_list(have.v[t], have.n[t], want.v[t][k]);
		if (same)
			continue;
		go_list(got, sizeof(got), have.v[t], have.n[t]);
		go_list(exp, sizeof(exp), want.v[t], want.n[t]);
		pkit_ca_auth_refuse(why, 403, "certificate request does not contain "
		    "the valid %s - got %s, want %s", san_what[t], got, exp);
		r = pkit_seterr(ctx, PKIT_ERR_VERIFY, "%s", why->msg);
	}
	names_free(&have);
	names_free(&want);
	return r;
}

/* step's defaultPublicKeyValidator. */
static int
check_key(struct pkit_ctx *ctx, EVP_PKEY *pub, struct pkit_ca_refusal *why)
{
	int id;

	if (pub == NULL) {
		pkit_ca_auth_refuse(why, 400, "invalid csr");
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "the CSR has no key");
	}
	id = EVP_PKEY_get_base_id(pub);
	if (id == EVP_PKEY_RSA || id == EVP_PKEY_RSA_PSS) {
		if (EVP_PKEY_get_bits(pub) < 2048) {
			pkit_ca_auth_refuse(why, 403, "certificate request RSA key "
			    "must be at least 2048 bits (256 bytes)");
			return pkit_seterr(ctx, PKIT_ERR_VERIFY, "%s", why->msg);
		}
		return PKIT_OK;
	}
	if (id == EVP_PKEY_EC || id == EVP_PKEY_ED25519)
		return PKIT_OK;
	pkit_ca_auth_refuse(why, 400, "certificate request key of type %s is not "
	    "supported", OBJ_nid2sn(id));
	return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED, "%s", why->msg);
}

/* The token's cnf: the base64url SHA-256 of the CSR's DER. */
static int
check_cnf(struct pkit_ctx *ctx, const struct pkit_ca_ott *tok,
    const struct pkit_ca_csr *csr, struct pkit_ca_refusal *why)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char *b64 = NULL;
	int r, ok;

	if (tok->cnf == NULL)
		return PKIT_OK;
	if (!EVP_Digest(csr->der, csr->der_len, md, &mdlen, EVP_sha256(),
	    NULL))
		return internal(why, pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO,
		    "CSR fingerprint"));
	if ((r = pkit_b64_encode(ctx, PKIT_B64_URL_RAW, md, mdlen, &b64)) != 0)
		return internal(why, r);
	ok = strlen(b64) == strlen(tok->cnf) &&
	    pkit_secret_eq(b64, tok->cnf, strlen(b64));
	free(b64);
	if (!ok) {
		pkit_ca_auth_refuse(why, 403, "certificate request fingerprint "
		    "does not match %s", tok->cnf);
		return pkit_seterr(ctx, PKIT_ERR_VERIFY, "%s", why->msg);
	}
	return PKIT_OK;
}

/* The validity (step's profileDefaultDuration and validityValidator). */
/* secs as a Go duration, or in plain seconds when it does not fit in
 * int64 nanoseconds (a requested notAfter may be in year 9999). */
static void
secs_text(int64_t secs, char *buf, size_t size)
{
	if (secs > -(INT64_MAX / SEC) && secs < INT64_MAX / SEC)
		pkit_duration_format(secs * SEC, buf, size);
	else
		snprintf(buf, size, "%llds", (long long)secs);
}

static int
validity(struct pkit_ctx *ctx, const struct pkit_ca_auth *auth,
    const struct pkit_ca_claims *claims, const struct pkit_ca_auth_sign_req *req,
    time_t *nb_out, time_t *na_out, struct pkit_ca_refusal *why)
{
	time_t now = pkit_now(ctx), nb = 0, na = 0;
	int64_t d, min = claims->min_tls / SEC, max = claims->max_tls / SEC;
	int64_t dflt = claims->default_tls / SEC;
	time_t backdate = 0;
	char a[64], b[64];
	int r;

	if ((r = pkit_time_or_duration(ctx, req->not_before, now, "notBefore",
	    &nb)) != 0 || (r = pkit_time_or_duration(ctx, req->not_after,
	    nb != 0 ? nb : now, "notAfter", &na)) != 0) {
		pkit_ca_auth_refuse(why, 400, "error decoding json");
		return r;
	}
	if (nb == 0) {
		nb = now;
		backdate = (time_t)auth->backdate;
	}
	if (na == 0)
		na = nb + (time_t)dflt;
	nb -= backdate;
	if (na < now) {
		pkit_ca_auth_refuse(why, 400, "notAfter cannot be in the past");
		return pkit_seterr(ctx, PKIT_ERR_ARG, "%s", why->msg);
	}
	if (na < nb) {
		pkit_ca_auth_refuse(why, 400, "notAfter cannot be before notBefore");
		return pkit_seterr(ctx, PKIT_ERR_ARG, "%s", why->msg);
	}
	d = (int64_t)(na - nb);
	if (d < min) {
		secs_text(d, a, sizeof(a));
		secs_text(min, b, sizeof(b));
		pkit_ca_auth_refuse(why, 403, "requested duration of %s is less than "
		    "the authorized minimum certificate duration of %s", a, b);
		return pkit_seterr(ctx, PKIT_ERR_ARG, "%s", why->msg);
	}
	if (d > max + auth->backdate) {
		secs_text(d, a, sizeof(a));
		secs_text(max + auth->backdate, b, sizeof(b));
		pkit_ca_auth_refuse(why, 403, "requested duration of %s is more than "
		    "the authorized maximum certificate duration of %s", a, b);
		return pkit_seterr(ctx, PKIT_ERR_ARG, "%s", why->msg);
	}
	*nb_out = nb;
	*na_out = na;
	return PKIT_OK;
}

/* A provisioner's own template, with step's data: Subject, SANs, Token,
 * the provisioner's templateData, Insecure.CR and Insecure.User. */
static int
custom_leaf(struct pkit_ctx *ctx, const struct pkit_ca_prov *prov,
    const struct pkit_ca_ott *tok, json_t *sans, struct pkit_ca_csr *csr,
    json_t *user, json_t **out)
{
	json_t *data = NULL, *cr = NULL, *extra = NULL;
	X509_REQ *req;
	int r;

	*out = NULL;
	if ((req = pkit_ca_csr_x509(ctx, csr)) == NULL)
		return PKIT_ERR_FORMAT;
	if ((r = pkit_x509_cr_json(ctx, req, &cr)) != 0)
		return r;
	if ((data = json_pack("{s:{s:s},s:O,s:O}", "Subject", "commonName",
	    tok->sub, "SANs", sans, "Token", tok->claims)) == NULL) {
		json_decref(cr);
		return pkit_seterr_nomem(ctx);
	}
	if (prov->tmpl_data != NULL && ((extra = json_deep_copy(prov->tmpl_data))
	    == NULL || json_object_update(data, extra) != 0)) {
		r = pkit_seterr_nomem(ctx);
		goto out;
	}
	if (json_object_set_new(data, "Insecure", json_pack("{s:o,s:o}", "CR",
	    cr, "User", user != NULL && json_is_object(user) ?
	    json_deep_copy(user) : json_object())) != 0) {
		cr = NULL;
		r = pkit_seterr_nomem(ctx);
		goto out;
	}
	cr = NULL;
	r = pkit_tmpl_render_json(ctx, prov->tmpl, prov->tmpl_len,
	    prov->tmpl_name, data, out);
	if (r == 0 && !json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		r = pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: the template did not "
		    "render a JSON object", prov->tmpl_name);
	}
out:
	json_decref(extra);
	json_decref(cr);
	json_decref(data);
	return r;
}

/* Append step's provisioner extension to the template, after anything
 * the template has: the last of an OID wins, so a template cannot forge
 * it. */
static int
add_prov_ext(struct pkit_ctx *ctx, const struct pkit_ca_prov *prov,
    json_t *tmpl)
{
	const char *k;
	json_t *v, *list = NULL;

	json_object_foreach(tmpl, k, v) {
		if (strcasecmp(k, "extensions") == 0)
			list = v;
	}
	if (list == NULL || json_is_null(list)) {
		if ((list = json_array()) == NULL ||
		    json_object_set_new(tmpl, "extensions", list) != 0)
			return pkit_seterr_nomem(ctx);
	}
	if (!json_is_array(list))
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: extensions: "
		    "expected a list", prov->tmpl_name != NULL ? prov->tmpl_name :
		    "template");
	if (json_array_append_new(list, json_pack("{s:s,s:b,s:s}", "id",
	    PKIT_CA_OID_PROVISIONER, "critical", 0, "value", prov->ext_b64)) != 0)
		return pkit_seterr_nomem(ctx);
	return PKIT_OK;
}

/* A certificate against a policy: a 403 naming the name it refuses. */
static int
policy_refuse(struct pkit_ctx *ctx, const struct pkit_ca_policy *policy,
    X509 *crt, struct pkit_ca_refusal *why)
{
	int r;

	if ((r = pkit_ca_policy_check_x509_cert(ctx, policy, crt)) == 0)
		return PKIT_OK;
	if (r != PKIT_ERR_PERM)
		return internal(why, r);
	pkit_ca_auth_refuse(why, 403, "%s", ctx->errbuf);
	return r;
}

int
pkit_ca_auth_policy_x509(struct pkit_ctx *ctx, const struct pkit_ca_auth *auth,
    const struct pkit_ca_prov *prov, const char *cn, const char *const *sans,
    size_t nsans, struct pkit_ca_refusal *why)
{
	const struct pkit_ca_policy *pol[2];
	int i, r;

	pol[0] = prov != NULL ? prov->policy : NULL;
	pol[1] = auth->policy;
	for (i = 0; i < 2; i++) {
		if ((r = pkit_ca_policy_check_x509(ctx, pol[i], cn, sans,
		    nsans)) == 0)
			continue;
		if (r != PKIT_ERR_PERM)
			return internal(why, r);
		pkit_ca_auth_refuse(why, 403, "%s",
		    ctx->errbuf);
		return r;
	}
	return PKIT_OK;
}

int
pkit_ca_auth_policy_ssh(struct pkit_ctx *ctx, const struct pkit_ca_auth *auth,
    const struct pkit_ca_prov *prov, int host, const char *const *principals,
    size_t n, struct pkit_ca_refusal *why)
{
	const struct pkit_ca_policy *pol[2];
	int i, r;

	pol[0] = prov != NULL ? prov->policy : NULL;
	pol[1] = auth->policy;
	for (i = 0; i < 2; i++) {
		if ((r = pkit_ca_policy_check_ssh(ctx, pol[i], host, principals,
		    n)) == 0)
			continue;
		if (r != PKIT_ERR_PERM)
			return internal(why, r);
		pkit_ca_auth_refuse(why, 403, "%s",
		    ctx->errbuf);
		return r;
	}
	return PKIT_OK;
}

int
pkit_ca_auth_sign(struct pkit_ctx *ctx, const struct pkit_ca_auth *auth,
    const struct pkit_ca_ott *tok, const struct pkit_ca_auth_sign_req *req,
    struct pkit_ca_issued **out, struct pkit_ca_refusal *why)
{
	const struct pkit_ca_prov *prov = tok->prov;
	struct pkit_x509_issue in;
	EVP_PKEY *pub = req->csr->pub;
	json_t *sans = NULL, *tmpl = NULL;
	X509 *crt = NULL;
	time_t nb, na;
	int r;

	*out = NULL;
	if ((r = check_key(ctx, pub, why)) != 0 ||
	    (r = check_names(ctx, tok, req->csr, why)) != 0 ||
	    (r = check_cnf(ctx, tok, req->csr, why)) != 0 ||
	    (r = validity(ctx, auth, &prov->claims, req, &nb, &na, why)) != 0 ||
	    (r = pkit_ca_x5c_limit(ctx, tok, &prov->claims, req, &nb, &na,
	    why)) != 0)
		return r;
	if ((r = pkit_x509_sans_json(ctx, (const char *const *)tok->sans,
	    tok->nsans, &sans)) != 0) {
		pkit_ca_auth_refuse(why, 400, "invalid subject alternative names "
		    "in the token");
		return r;
	}
	if (prov->tmpl == NULL) {
		/* step's default leaf, built directly */
		if ((r = pkit_ca_leaf_build(ctx, auth, prov, tok, req->csr, sans,
		    nb, na, &crt)) != 0) {
			internal(why, r);
			goto out;
		}
	} else {
		if ((r = custom_leaf(ctx, prov, tok, sans, req->csr,
		    req->template_data, &tmpl)) != 0 ||
		    (prov->claims.disable_smallstep_extensions != 1 &&
		    (r = add_prov_ext(ctx, prov, tmpl)) != 0) ||
		    (r = pkit_ca_rev_tmpl(ctx, tmpl, &auth->rev)) != 0) {
			pkit_ca_auth_refuse(why, r == PKIT_ERR_NOMEM ? 500 : 400,
			    r == PKIT_ERR_NOMEM ? NULL : "error applying the "
			    "certificate template");
			goto out;
		}
		memset(&in, 0, sizeof(in));
		in.tmpl = tmpl;
		in.tmpl_name = prov->tmpl_name;
		in.pub = pub;
		in.issuer = auth->issuer;
		in.key = auth->key;
		in.not_before = nb;
		in.not_after = na;
		if ((r = pkit_x509_issue(ctx, &in, &crt)) != 0) {
			pkit_ca_auth_refuse(why, r == PKIT_ERR_NOMEM ||
			    r == PKIT_ERR_CRYPTO ? 500 : 400, r == PKIT_ERR_NOMEM ||
			    r == PKIT_ERR_CRYPTO ? NULL : "error creating the "
			    "certificate");
			goto out;
		}
	}
	/* step-ca: the provisioner's policy, then the authority's */
	if ((r = policy_refuse(ctx, prov->policy, crt, why)) != 0 ||
	    (r = policy_refuse(ctx, auth->policy, crt, why)) != 0) {
		X509_free(crt);
		goto out;
	}
	if ((r = cert_new(ctx, crt, prov, tok, out)) != 0)
		internal(why, r);
out:
	json_decref(sans);
	json_decref(tmpl);
	return r;
}

/* The ACME provisioner named name, or a 404 refusal. */
static int
acme_prov(struct pkit_ctx *ctx, const struct pkit_ca_auth *auth,
    const char *name, const struct pkit_ca_prov **out,
    struct pkit_ca_refusal *why)
{
	size_t i;

	for (i = 0; i < auth->nprovs; i++)
		if (auth->provs[i].type == PKIT_CA_PROV_ACME &&
		    strcmp(auth->provs[i].conf->name, name) == 0) {
			*out = &auth->provs[i];
			return PKIT_OK;
		}
	pkit_ca_auth_refuse(why, 404, "provisioner not found");
	return pkit_seterr(ctx, PKIT_ERR_NOT_FOUND, "provisioner %s: not an "
	    "ACME provisioner", name);
}

int
pkit_ca_auth_policy_order(struct pkit_ctx *ctx, const struct pkit_ca_auth *auth,
    const char *prov_name, const char *const *names, size_t nnames,
    struct pkit_ca_refusal *why)
{
	const struct pkit_ca_prov *prov;
	int r;

	if ((r = acme_prov(ctx, auth, prov_name, &prov, why)) != 0)
		return r;
	return pkit_ca_auth_policy_x509(ctx, auth, prov, NULL, names, nnames,
	    why);
}

int
pkit_ca_auth_sign_order(struct pkit_ctx *ctx, const struct pkit_ca_auth *auth,
    const char *prov_name, const char *sub, char *const *names, size_t nnames,
    const struct pkit_ca_auth_sign_req *req, struct pkit_ca_issued **out,
    struct pkit_ca_refusal *why)
{
	struct pkit_ca_ott tok;
	int r;

	*out = NULL;
	memset(&tok, 0, sizeof(tok));
	if ((r = acme_prov(ctx, auth, prov_name, &tok.prov, why)) != 0)
		return r;
	if ((tok.claims = json_object()) == NULL)
		return internal(why, pkit_seterr_nomem(ctx));
	tok.sub = sub;
	tok.sans = (char **)names;
	tok.nsans = nnames;
	r = pkit_ca_auth_sign(ctx, auth, &tok, req, out, why);
	json_decref(tok.claims);
	return r;
}

/* ---- /renew and /rekey -------------------------------------------------------- */

static const struct pkit_ca_prov *
find_prov(const struct pkit_ca_auth *auth, const char *id, const char *name)
{
	size_t i;

	for (i = 0; i < auth->nprovs; i++)
		if ((id != NULL && strcmp(auth->provs[i].conf->id, id) == 0) ||
		    (name != NULL && strcmp(auth->provs[i].conf->name, name) == 0))
			return &auth->provs[i];
	return NULL;
}

static int
refuse401(struct pkit_ctx *ctx, struct pkit_ca_refusal *why, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));

static int
refuse401(struct pkit_ctx *ctx, struct pkit_ca_refusal *why, const char *fmt,
    ...)
{
	char msg[sizeof(ctx->errbuf)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pkit_ca_auth_refuse(why, 401, NULL);
	return pkit_seterr(ctx, PKIT_ERR_VERIFY, "%s", msg);
}

/* Was crt issued here?  Recorded in db (with the same bytes), or, without
 * one, signed by one of the intermediates. */
static int
issued_here(struct pkit_ctx *ctx, const struct pkit_ca_auth *auth,
    struct pkit_db *db, X509 *crt, const char *serial, char **prov_id,
    struct pkit_ca_refusal *why)
{
	struct pkit_db_cert *rec = NULL;
	unsigned char *der = NULL;
	int n, i, r, same;

	*prov_id = NULL;
	if (db == NULL) {
		for (i = 0; i < sk_X509_num(auth->pki->intermediates); i++) {
			X509 *ca = sk_X509_value(auth->pki->intermediates, i);

			if (X509_check_issued(ca, crt) == X509_V_OK &&
			    X509_verify(crt, X509_get0_pubkey(ca)) == 1)
				return PKIT_OK;
		}
		ERR_clear_error();
		return refuse401(ctx, why, "certificate %s was not issued by "
		    "this authority", serial);
	}
	if ((r = pkit_db_cert_get(ctx, db, serial, &rec)) == PKIT_ERR_NOT_FOUND)
		return refuse401(ctx, why, "certificate %s was not issued by "
		    "this authority", serial);
	if (r != 0)
		return internal(why, r);
	if ((n = i2d_X509(crt, &der)) <= 0) {
		pkit_db_cert_free(rec);
		return internal(why, pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO,
		    "certificate encoding"));
	}
	same = (size_t)n == rec->der_len && memcmp(der, rec->der, rec->der_len) == 0;
	OPENSSL_free(der);
	if (same && rec->provisioner_id != NULL &&
	    (*prov_id = strdup(rec->provisioner_id)) == NULL) {
		pkit_db_cert_free(rec);
		return internal(why, pkit_seterr_nomem(ctx));
	}
	pkit_db_cert_free(rec);
	if (!same)
		return refuse401(ctx, why, "certificate %s is not the one this "
		    "authority issued with that serial", serial);
	return PKIT_OK;
}

/* The new certificate of research §7.3. */
static int
renew_build(struct pkit_ctx *ctx, const struct pkit_ca_auth *auth, X509 *old,
    const struct pkit_ca_csr *rekey, X509 **out)
{
	X509 *x = NULL;
	ASN1_INTEGER *serial = NULL;
	AUTHORITY_KEYID *akid = NULL;
	ASN1_OCTET_STRING *ski = NULL;
	EVP_MD_CTX *mctx = NULL;
	time_t now = pkit_now(ctx), onb, ona, life;
	int i, r = PKIT_ERR_CRYPTO;

	*out = NULL;
	if (asn1_time(X509_get0_notBefore(old), &onb) != 0 ||
	    asn1_time(X509_get0_notAfter(old), &ona) != 0)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "certificate validity");
	life = ona - onb - (time_t)auth->backdate;
	if ((r = pkit_x509_random_serial(ctx, &serial)) != 0)
		return r;
	r = PKIT_ERR_CRYPTO;
	if ((x = X509_new_ex(ctx->libctx, ctx->propq)) == NULL ||
	    !X509_set_version(x, X509_VERSION_3) ||
	    !X509_set_serialNumber(x, serial) ||
	    !X509_set_issuer_name(x, X509_get_subject_name(auth->issuer)) ||
	    !X509_set_subject_name(x, X509_get_subject_name(old)) ||
	    ASN1_TIME_set(X509_getm_notBefore(x), now -
	    (time_t)auth->backdate) == NULL ||
	    ASN1_TIME_set(X509_getm_notAfter(x), now + life) == NULL ||
	    !(rekey != NULL ? pkit_ca_x509_key_from_csr(x, rekey) :
	    pkit_ca_x509_key_from_cert(x, old)))
		goto fail;
	/* the AKI follows the current intermediate */
	if ((akid = AUTHORITY_KEYID_new()) == NULL ||
	    (akid->keyid = ASN1_OCTET_STRING_dup(auth->issuer_ski)) == NULL ||
	    !X509_add1_ext_i2d(x, NID_authority_key_identifier, akid, 0,
	    X509V3_ADD_APPEND))
		goto fail;
	for (i = 0; i < X509_get_ext_count(old); i++) {
		X509_EXTENSION *e = X509_get_ext(old, i);
		int nid = OBJ_obj2nid(X509_EXTENSION_get_object(e));

		if (nid == NID_authority_key_identifier)
			continue;
		if (nid == NID_subject_key_identifier && rekey != NULL) {
			if (!pkit_ca_x509_ski(auth, x, &ski) ||
			    !X509_add1_ext_i2d(x, NID_subject_key_identifier,
			    ski, 0, X509V3_ADD_APPEND))
				goto fail;
			continue;
		}
		if (!X509_add_ext(x, e, -1))
			goto fail;
	}
	if ((mctx = EVP_MD_CTX_new()) == NULL ||
	    !EVP_MD_CTX_copy_ex(mctx, auth->sign_proto) ||
	    X509_sign_ctx(x, mctx) <= 0)
		goto fail;
	*out = x;
	x = NULL;
	r = PKIT_OK;
	goto out;
fail:
	r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "building the certificate");
out:
	EVP_MD_CTX_free(mctx);
	ASN1_OCTET_STRING_free(ski);
	AUTHORITY_KEYID_free(akid);
	ASN1_INTEGER_free(serial);
	X509_free(x);
	return r;
}

int
pkit_ca_auth_renew(struct pkit_ctx *ctx, const struct pkit_ca_auth *auth,
    struct pkit_db *db, X509 *crt, const struct pkit_ca_csr *rekey,
    struct pkit_ca_issued **out, struct pkit_ca_refusal *why)
{
	const struct pkit_ca_prov *prov = &auth->noop;
	char serial[PKIT_DB_SERIAL_MAX + 1], *dec = NULL, *prov_id = NULL;
	char *name = NULL, when[32];
	time_t now = pkit_now(ctx), nb, na;
	X509 *nx = NULL;
	int revoked = 0, r;

	*out = NULL;
	if (rekey != NULL && (r = check_key(ctx, rekey->pub, why)) != 0)
		return r;
	if ((r = cert_serial(ctx, crt, serial, &dec)) != 0)
		return internal(why, r);
	if (db != NULL && (r = pkit_db_is_revoked(ctx, db, serial,
	    &revoked)) != 0) {
		internal(why, r);
		goto out;
	}
	if (revoked) {
		r = refuse401(ctx, why, "certificate %s has been revoked", dec);
		goto out;
	}
	if ((r = issued_here(ctx, auth, db, crt, serial, &prov_id, why)) != 0)
		goto out;
	/* the provisioner: the database's record, else the extension */
	if ((r = pkit_ca_auth_cert_prov(ctx, crt, NULL, &name, NULL)) != 0) {
		internal(why, r);
		goto out;
	}
	if (prov_id != NULL || name != NULL) {
		if ((prov = find_prov(auth, prov_id, prov_id == NULL ? name :
		    NULL)) == NULL) {
			r = refuse401(ctx, why, "provisioner %s of certificate "
			    "%s not found", prov_id != NULL ? prov_id : name, dec);
			goto out;
		}
	}
	if (prov->claims.disable_renewal == 1) {
		r = refuse401(ctx, why, "renew is disabled for provisioner %s",
		    pkit_ca_auth_prov_name(prov));
		goto out;
	}
	if (asn1_time(X509_get0_notBefore(crt), &nb) != 0 ||
	    asn1_time(X509_get0_notAfter(crt), &na) != 0) {
		r = refuse401(ctx, why, "certificate %s: bad validity", dec);
		goto out;
	}
	if (now < nb) {
		r = refuse401(ctx, why, "certificate %s is not yet valid", dec);
		goto out;
	}
	if (now > na && prov->claims.allow_renewal_after_expiry != 1) {
		pkit_time_format(na, when, sizeof(when));
		r = refuse401(ctx, why, "certificate %s expired on %s", dec,
		    when);
		goto out;
	}
	if ((r = renew_build(ctx, auth, crt, rekey, &nx)) != 0) {
		internal(why, r);
		goto out;
	}
	/* step-ca checks the authority's policy on renew and rekey */
	if ((r = policy_refuse(ctx, auth->policy, nx, why)) != 0) {
		X509_free(nx);
		goto out;
	}
	if ((r = cert_new(ctx, nx, prov, NULL, out)) != 0)
		internal(why, r);
out:
	free(dec);
	free(prov_id);
	free(name);
	return r;
}

/* ---- recording ----------------------------------------------------------------- */

int
pkit_ca_auth_record(struct pkit_ctx *ctx, const struct pkit_ca_auth *auth,
    struct pkit_db *db, const struct pkit_ca_issued *cert,
    struct pkit_ca_refusal *why)
{
	struct pkit_db_cert rec;
	int r;

	if (db == NULL) {
		if (cert->token_id[0] == '\0')
			return PKIT_OK;
		r = pkit_ca_auth_memtok(ctx, auth->a, cert->token_id,
		    cert->token_expires);
	} else if (cert->token_id[0] != '\0')
		r = pkit_db_use_token(ctx, db, cert->token_id,
		    cert->token_expires);
	else
		r = PKIT_OK;
	if (r == PKIT_ERR_EXISTS) {
		pkit_ca_auth_refuse(why, 401, NULL);
		return pkit_seterr(ctx, r, "token already used");
	}
	if (r != 0 || db == NULL)
		return r != 0 ? internal(why, r) : PKIT_OK;
	memset(&rec, 0, sizeof(rec));
	rec.serial = cert->serial;
	rec.subject = cert->subject;
	rec.sans = cert->sans;
	rec.not_before = cert->not_before;
	rec.not_after = cert->not_after;
	rec.provisioner_id = cert->prov_id;
	rec.provisioner_name = cert->prov_name;
	rec.der = cert->der;
	rec.der_len = cert->der_len;
	if ((r = pkit_db_cert_put(ctx, db, &rec)) != 0)
		return internal(why, r);
	return PKIT_OK;
}

/* ---- /revoke ----------------------------------------------------------------- */

int
pkit_ca_auth_revoke(struct pkit_ctx *ctx, const struct pkit_ca_auth *auth,
    struct pkit_db *db, const struct pkit_ca_auth_revoke_req *req,
    char **serial_dec, struct pkit_ca_refusal *why)
{
	struct pkit_db_revocation rev;
	char hex[PKIT_DB_SERIAL_MAX + 1], phex[PKIT_DB_SERIAL_MAX + 1];
	char *dec = NULL, *pdec = NULL;
	int r;

	(void)auth;
	if (serial_dec != NULL)
		*serial_dec = NULL;
	if (req->serial == NULL || *req->serial == '\0') {
		pkit_ca_auth_refuse(why, 400, "missing serial");
		return pkit_seterr(ctx, PKIT_ERR_ARG, "missing serial");
	}
	if ((r = pkit_ca_auth_serial(ctx, req->serial, &dec, hex)) != 0) {
		pkit_ca_auth_refuse(why, r == PKIT_ERR_NOMEM ? 500 : 400, "%s",
		    r == PKIT_ERR_NOMEM ? "" : ctx->errbuf);
		return r;
	}
	if (req->reason_code < 0 || req->reason_code > 10) {
		pkit_ca_auth_refuse(why, 400, "reasonCode out of bounds");
		r = pkit_seterr(ctx, PKIT_ERR_ARG, "reasonCode out of bounds");
		goto out;
	}
	if (req->tok != NULL) {
		if (strcmp(req->tok->sub, dec) != 0) {
			pkit_ca_auth_refuse(why, 403, "token subject does not match "
			    "the serial number");
			r = pkit_seterr(ctx, PKIT_ERR_VERIFY, "token subject %s "
			    "is not the serial %s", req->tok->sub, dec);
			goto out;
		}
	} else if (req->peer != NULL) {
		if ((r = cert_serial(ctx, req->peer, phex, &pdec)) != 0) {
			internal(why, r);
			goto out;
		}
		if (strcmp(pdec, dec) != 0) {
			pkit_ca_auth_refuse(why, 403, "serial number in client "
			    "certificate different than body");
			r = pkit_seterr(ctx, PKIT_ERR_VERIFY, "%s", why->msg);
			goto out;
		}
	} else {
		pkit_ca_auth_refuse(why, 400, "missing ott or client certificate");
		r = pkit_seterr(ctx, PKIT_ERR_ARG, "%s", why->msg);
		goto out;
	}
	if (db == NULL) {
		pkit_ca_auth_refuse(why, 501, NULL);
		r = pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED, "revocation needs a "
		    "database (ca.json has no db)");
		goto out;
	}
	memset(&rev, 0, sizeof(rev));
	rev.serial = hex;
	rev.reason_code = req->reason_code;
	rev.reason = req->reason;
	rev.provisioner_id = req->tok != NULL ? req->tok->prov->conf->id : NULL;
	rev.token_id = req->tok != NULL ? req->tok->id : NULL;
	rev.mtls = req->tok == NULL;
	if ((r = pkit_db_batch_begin(ctx, db)) != 0) {
		internal(why, r);
		goto out;
	}
	if (req->tok != NULL && (r = pkit_db_use_token(ctx, db, req->tok->id,
	    req->tok->expires)) != 0) {
		pkit_db_batch_abort(ctx, db);
		if (r == PKIT_ERR_EXISTS) {
			pkit_ca_auth_refuse(why, 401, NULL);
			r = pkit_seterr(ctx, r, "token already used");
		} else
			internal(why, r);
		goto out;
	}
	if ((r = pkit_db_revoke(ctx, db, &rev)) != 0) {
		pkit_db_batch_abort(ctx, db);
		if (r == PKIT_ERR_EXISTS) {
			pkit_ca_auth_refuse(why, 400, "certificate with serial number "
			    "'%s' is already revoked", dec);
			r = pkit_seterr(ctx, r, "%s", why->msg);
		} else
			internal(why, r);
		goto out;
	}
	if ((r = pkit_db_batch_commit(ctx, db)) != 0) {
		internal(why, r);
		goto out;
	}
	if (serial_dec != NULL) {
		*serial_dec = dec;
		dec = NULL;
	}
	r = PKIT_OK;
out:
	free(dec);
	free(pdec);
	return r;
}

/* ---- responses --------------------------------------------------------------- */

int
pkit_ca_auth_response(struct pkit_ctx *ctx, const struct pkit_ca_auth *auth,
    const struct pkit_ca_issued *cert, char **body, size_t *len)
{
	char *leaf = NULL, *s;
	int r, n;

	*body = NULL;
	*len = 0;
	if ((r = pem_json(ctx, cert->crt, &leaf)) != 0)
		return r;
	n = asprintf(&s, "{\"crt\":%s,\"ca\":%s,\"certChain\":[%s%s],"
	    "\"tlsOptions\":%s}\n", leaf, auth->ca_json, leaf, auth->chain_json,
	    auth->tls_json);
	free(leaf);
	if (n < 0)
		return pkit_seterr_nomem(ctx);
	*body = s;
	*len = (size_t)n;
	return PKIT_OK;
}

/* config.c - ca.json: parse, check, resolve paths, write back. */
#include "config.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/ssl.h>

#include "lib/ca/ca_config.h"
#include "lib/fs.h"
#include "lib/x509.h"
#include "lib/secret.h"
#include "lib/timeutil.h"

/* Largest ca.json accepted. */
#define CONFIG_MAX (4u * 1024 * 1024)

#define HOUR (INT64_C(3600) * PKIT_NS_PER_SEC)
#define MINUTE (INT64_C(60) * PKIT_NS_PER_SEC)

/* Go's TLS 1.2 suite names (crypto/tls) and OpenSSL's; a NULL OpenSSL name
 * is a TLS 1.3 suite, which Go and pkit both leave to the defaults. */
static const struct suite {
	const char *go;
	const char *ossl;
} suites[] = {
	{ "TLS_RSA_WITH_AES_128_CBC_SHA", "AES128-SHA" },
	{ "TLS_RSA_WITH_AES_256_CBC_SHA", "AES256-SHA" },
	{ "TLS_RSA_WITH_AES_128_CBC_SHA256", "AES128-SHA256" },
	{ "TLS_RSA_WITH_AES_128_GCM_SHA256", "AES128-GCM-SHA256" },
	{ "TLS_RSA_WITH_AES_256_GCM_SHA384", "AES256-GCM-SHA384" },
	{ "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "ECDHE-ECDSA-AES128-SHA" },
	{ "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "ECDHE-ECDSA-AES256-SHA" },
	{ "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "ECDHE-RSA-AES128-SHA" },
	{ "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "ECDHE-RSA-AES256-SHA" },
	{ "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "ECDHE-ECDSA-AES128-SHA256" },
	{ "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "ECDHE-RSA-AES128-SHA256" },
	{ "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256" },
	{ "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256" },
	{ "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE-RSA-AES256-GCM-SHA384" },
	{ "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDHE-ECDSA-AES256-GCM-SHA384" },
	{ "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305", "ECDHE-RSA-CHACHA20-POLY1305" },
	{ "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-RSA-CHACHA20-POLY1305" },
	{ "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305", "ECDHE-ECDSA-CHACHA20-POLY1305" },
	{ "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305" },
	{ "TLS_AES_128_GCM_SHA256", NULL },
	{ "TLS_AES_256_GCM_SHA384", NULL },
	{ "TLS_CHACHA20_POLY1305_SHA256", NULL },
};

/* step's default TLS 1.2 suites (config.DefaultTLSOptions). */
static const char *const default_suites[] = {
	"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
	"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
};

/* Provisioner types step-ca knows; others are skipped as step-ca does. */
static const char *const prov_types[] = {
	"JWK", "OIDC", "GCP", "AWS", "Azure", "ACME", "X5C", "K8sSA",
	"SSHPOP", "SCEP", "Nebula",
};

/* The claim keys, with where they go in struct pkit_ca_claims. */
static const struct claim_key {
	const char *key;
	size_t off;
	int is_flag;
} claim_keys[] = {
	{ "minTLSCertDuration", offsetof(struct pkit_ca_claims, min_tls), 0 },
	{ "maxTLSCertDuration", offsetof(struct pkit_ca_claims, max_tls), 0 },
	{ "defaultTLSCertDuration", offsetof(struct pkit_ca_claims, default_tls), 0 },
	{ "minUserSSHCertDuration", offsetof(struct pkit_ca_claims, min_user_ssh), 0 },
	{ "maxUserSSHCertDuration", offsetof(struct pkit_ca_claims, max_user_ssh), 0 },
	{ "defaultUserSSHCertDuration", offsetof(struct pkit_ca_claims, default_user_ssh), 0 },
	{ "minHostSSHCertDuration", offsetof(struct pkit_ca_claims, min_host_ssh), 0 },
	{ "maxHostSSHCertDuration", offsetof(struct pkit_ca_claims, max_host_ssh), 0 },
	{ "defaultHostSSHCertDuration", offsetof(struct pkit_ca_claims, default_host_ssh), 0 },
	{ "enableSSHCA", offsetof(struct pkit_ca_claims, enable_ssh_ca), 1 },
	{ "disableRenewal", offsetof(struct pkit_ca_claims, disable_renewal), 1 },
	{ "allowRenewalAfterExpiry", offsetof(struct pkit_ca_claims, allow_renewal_after_expiry), 1 },
	{ "disableSmallstepExtensions", offsetof(struct pkit_ca_claims, disable_smallstep_extensions), 1 },
};

#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))

static void
strv_free(char **v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void
claims_unset(struct pkit_ca_claims *c)
{
	memset(c, 0, sizeof(*c));
	c->enable_ssh_ca = c->disable_renewal = -1;
	c->allow_renewal_after_expiry = c->disable_smallstep_extensions = -1;
}

static int
dupstr(struct pkit_ctx *ctx, const char *s, char **out)
{
	if ((*out = strdup(s)) == NULL)
		return pkit_seterr_nomem(ctx);
	return PKIT_OK;
}

/* The value at key, which must be a string when present.  *out is NULL
 * when the key is absent or null. */
static int
get_string(struct pkit_ctx *ctx, const char *name, json_t *obj,
    const char *path, const char *key, int required, char **out)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (v == NULL || json_is_null(v)) {
		if (required)
			return pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "%s: %s%s is required", name, path, key);
		return PKIT_OK;
	}
	if (!json_is_string(v))
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: %s%s: expected a string", name, path, key);
	if (required && json_string_length(v) == 0)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: %s%s cannot be empty", name, path, key);
	if (strlen(json_string_value(v)) != json_string_length(v))
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: %s%s holds a NUL character", name, path, key);
	return dupstr(ctx, json_string_value(v), out);
}

/* A list of strings; with one_ok a single string is a list of one (step's
 * multiString). */
static int
get_strings(struct pkit_ctx *ctx, const char *name, json_t *obj,
    const char *path, const char *key, int one_ok, char ***out, size_t *n)
{
	json_t *v = json_object_get(obj, key), *e;
	char **list = NULL;
	size_t i, count;
	int r;

	*out = NULL;
	*n = 0;
	if (v == NULL || json_is_null(v))
		return PKIT_OK;
	if (one_ok && json_is_string(v)) {
		if (json_string_length(v) == 0)
			return PKIT_OK;
		if ((list = calloc(1, sizeof(*list))) == NULL)
			return pkit_seterr_nomem(ctx);
		if ((r = get_string(ctx, name, obj, path, key, 0, &list[0])) != 0) {
			free(list);
			return r;
		}
		*out = list;
		*n = 1;
		return PKIT_OK;
	}
	if (!json_is_array(v))
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: %s%s: expected %s", name, path, key, one_ok ?
		    "a string or a list of strings" : "a list of strings");
	count = json_array_size(v);
	if (count == 0)
		return PKIT_OK;
	if ((list = calloc(count, sizeof(*list))) == NULL)
		return pkit_seterr_nomem(ctx);
	json_array_foreach(v, i, e) {
		if (!json_is_string(e) ||
		    strlen(json_string_value(e)) != json_string_length(e)) {
			strv_free(list, count);
			return pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "%s: %s%s[%zu]: expected a string", name, path, key,
			    i);
		}
		if ((list[i] = strdup(json_string_value(e))) == NULL) {
			strv_free(list, count);
			return pkit_seterr_nomem(ctx);
		}
	}
	*out = list;
	*n = count;
	return PKIT_OK;
}

/* A boolean: *out stays as it is when the key is absent. */
static int
get_bool(struct pkit_ctx *ctx, const char *name, json_t *obj,
    const char *path, const char *key, int *out)
{
	json_t *v = json_object_get(obj, key);

	if (v == NULL || json_is_null(v))
		return PKIT_OK;
	if (!json_is_boolean(v))
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: %s%s: expected true or false", name, path, key);
	*out = json_is_true(v);
	return PKIT_OK;
}

/* A Go duration string (a number is refused, as step-ca refuses it). */
static int
get_duration(struct pkit_ctx *ctx, const char *name, json_t *obj,
    const char *path, const char *key, int64_t *out)
{
	json_t *v = json_object_get(obj, key);
	char what[256];

	if (v == NULL || json_is_null(v))
		return PKIT_OK;
	snprintf(what, sizeof(what), "%s: %s%s", name, path, key);
	if (!json_is_string(v))
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: expected a duration string such as \"24h\"", what);
	if (json_string_length(v) == 0)
		return PKIT_OK;
	if (pkit_duration_parse(ctx, json_string_value(v), what, out) != 0) {
		char msg[sizeof(ctx->errbuf)];

		snprintf(msg, sizeof(msg), "%s", ctx->errbuf);
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s", msg);
	}
	return PKIT_OK;
}

/* An object or null/absent (*out NULL). */
static int
get_object(struct pkit_ctx *ctx, const char *name, json_t *obj,
    const char *path, const char *key, json_t **out)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return PKIT_OK;
	if (!json_is_object(v))
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: %s%s: expected an object", name, path, key);
	*out = v;
	return PKIT_OK;
}

static int
parse_claims(struct pkit_ctx *ctx, const char *name, json_t *obj,
    const char *path, struct pkit_ca_claims *c)
{
	json_t *cl;
	char sub[192];
	size_t i;
	int r;

	claims_unset(c);
	if ((r = get_object(ctx, name, obj, path, "claims", &cl)) != 0)
		return r;
	if (cl == NULL)
		return PKIT_OK;
	snprintf(sub, sizeof(sub), "%sclaims.", path);
	for (i = 0; i < NITEMS(claim_keys); i++) {
		const struct claim_key *k = &claim_keys[i];
		void *dst = (char *)c + k->off;

		if (k->is_flag)
			r = get_bool(ctx, name, cl, sub, k->key, dst);
		else {
			r = get_duration(ctx, name, cl, sub, k->key, dst);
			if (r == 0 && *(int64_t *)dst < 0)
				r = pkit_seterr(ctx, PKIT_ERR_FORMAT,
				    "%s: %s%s cannot be negative", name, sub,
				    k->key);
		}
		if (r != 0)
			return r;
	}
	return PKIT_OK;
}

static int
check_range(struct pkit_ctx *ctx, const char *what, const char *kind,
    int64_t min, int64_t def, int64_t max)
{
	char a[64], b[64];

	if (min <= 0 || def <= 0 || max <= 0)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: %s durations must be greater than 0", what, kind);
	if (min > max) {
		pkit_duration_format(min, a, sizeof(a));
		pkit_duration_format(max, b, sizeof(b));
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: min%sCertDuration %s is greater than max %s", what,
		    kind, a, b);
	}
	if (def < min || def > max) {
		pkit_duration_format(def, a, sizeof(a));
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: default%sCertDuration %s is outside its min and max",
		    what, kind, a);
	}
	return PKIT_OK;
}

int
pkit_ca_claims_resolve(struct pkit_ctx *ctx, const struct pkit_ca_claims *prov,
    const struct pkit_ca_claims *authority, const char *what,
    struct pkit_ca_claims *out)
{
	static const struct pkit_ca_claims global = {
		5 * MINUTE, 24 * HOUR, 24 * HOUR,
		5 * MINUTE, 24 * HOUR, 16 * HOUR,
		5 * MINUTE, 720 * HOUR, 720 * HOUR,
		0, 0, 0, 0
	};
	const struct pkit_ca_claims *levels[3] = { prov, authority, &global };
	struct pkit_ca_claims c;
	size_t i, l;
	int r;

	for (i = 0; i < NITEMS(claim_keys); i++) {
		const struct claim_key *k = &claim_keys[i];
		void *dst = (char *)&c + k->off;

		for (l = 0; l < 3; l++) {
			const void *src;

			if (levels[l] == NULL)
				continue;
			src = (const char *)levels[l] + k->off;
			if (k->is_flag && *(const int *)src != -1) {
				*(int *)dst = *(const int *)src;
				break;
			}
			if (!k->is_flag && *(const int64_t *)src != 0) {
				*(int64_t *)dst = *(const int64_t *)src;
				break;
			}
		}
	}
	if ((r = check_range(ctx, what, "TLS", c.min_tls, c.default_tls,
	    c.max_tls)) != 0 ||
	    (r = check_range(ctx, what, "UserSSH", c.min_user_ssh,
	    c.default_user_ssh, c.max_user_ssh)) != 0 ||
	    (r = check_range(ctx, what, "HostSSH", c.min_host_ssh,
	    c.default_host_ssh, c.max_host_ssh)) != 0)
		return r;
	*out = c;
	return PKIT_OK;
}

static void
provisioner_clear(struct pkit_ca_provisioner *p)
{
	free(p->type);
	free(p->name);
	free(p->id);
	free(p->kid);
	free(p->encrypted_key);
	json_decref(p->json);
	memset(p, 0, sizeof(*p));
}

/* One entry of authority.provisioners.  *known is 0 for a type step-ca
 * does not know (the entry is then skipped). */
static int
parse_provisioner(struct pkit_ctx *ctx, const char *name, json_t *obj,
    size_t idx, const struct pkit_ca_claims *authority,
    struct pkit_ca_provisioner *p, int *known)
{
	char path[96], *type = NULL, *id = NULL, *s = NULL;
	const char *canon = NULL;
	struct pkit_ca_claims resolved;
	json_t *key;
	size_t i;
	int r;

	*known = 0;
	memset(p, 0, sizeof(*p));
	snprintf(path, sizeof(path), "authority.provisioners[%zu].", idx);
	if (!json_is_object(obj))
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: authority.provisioners[%zu]: expected an object",
		    name, idx);
	if ((r = get_string(ctx, name, obj, path, "type", 1, &type)) != 0)
		return r;
	for (i = 0; i < NITEMS(prov_types); i++)
		if (strcasecmp(type, prov_types[i]) == 0)
			canon = prov_types[i];
	free(type);
	if (canon == NULL)
		return PKIT_OK;
	*known = 1;
	if ((r = dupstr(ctx, canon, &p->type)) != 0 ||
	    (r = get_string(ctx, name, obj, path, "name", 1, &p->name)) != 0 ||
	    (r = get_string(ctx, name, obj, path, "id", 0, &id)) != 0 ||
	    (r = parse_claims(ctx, name, obj, path, &p->claims)) != 0)
		goto out;
	if (strcmp(canon, "JWK") == 0) {
		if ((r = get_object(ctx, name, obj, path, "key", &key)) != 0)
			goto out;
		if (key == NULL) {
			r = pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "%s: %skey is required for a JWK provisioner", name,
			    path);
			goto out;
		}
		snprintf(path, sizeof(path), "authority.provisioners[%zu].key.",
		    idx);
		if ((r = get_string(ctx, name, key, path, "kid", 0, &p->kid)) != 0)
			goto out;
		if (p->kid == NULL && (r = dupstr(ctx, "", &p->kid)) != 0)
			goto out;
		snprintf(path, sizeof(path), "authority.provisioners[%zu].",
		    idx);
		if ((r = get_string(ctx, name, obj, path, "encryptedKey", 0,
		    &p->encrypted_key)) != 0)
			goto out;
		if (p->encrypted_key != NULL && *p->encrypted_key == '\0') {
			free(p->encrypted_key);
			p->encrypted_key = NULL;
		}
	}
	/* step's GetID(): an explicit id, else by type. */
	if (id != NULL && *id != '\0') {
		p->id = id;
		id = NULL;
	} else if (strcmp(canon, "JWK") == 0) {
		if (asprintf(&p->id, "%s:%s", p->name, p->kid) == -1)
			p->id = NULL;
	} else if (strcmp(canon, "OIDC") == 0 || strcmp(canon, "Azure") == 0) {
		if ((r = get_string(ctx, name, obj, path,
		    canon[0] == 'O' ? "clientID" : "tenantID", 1, &s)) != 0)
			goto out;
		p->id = s;
		s = NULL;
	} else {
		char lower[16];

		for (i = 0; canon[i] != '\0' && i < sizeof(lower) - 1; i++)
			lower[i] = (char)tolower((unsigned char)canon[i]);
		lower[i] = '\0';
		if (asprintf(&p->id, "%s/%s", lower, p->name) == -1)
			p->id = NULL;
	}
	if (p->id == NULL) {
		r = pkit_seterr_nomem(ctx);
		goto out;
	}
	snprintf(path, sizeof(path), "%s: authority.provisioners[%zu] (%s)",
	    name, idx, p->name);
	if ((r = pkit_ca_claims_resolve(ctx, &p->claims, authority, path,
	    &resolved)) != 0)
		goto out;
	p->json = json_incref(obj);
	r = PKIT_OK;
out:
	free(id);
	free(s);
	if (r != 0)
		provisioner_clear(p);
	return r;
}

static int
parse_authority(struct pkit_ctx *ctx, const char *name, json_t *doc,
    struct pkit_ca_config *cfg)
{
	json_t *auth, *list, *e;
	struct pkit_ca_claims resolved;
	char what[512];
	size_t i, j, n;
	int r, known;

	claims_unset(&cfg->claims);
	cfg->backdate = PKIT_CA_BACKDATE;
	if ((r = get_object(ctx, name, doc, "", "authority", &auth)) != 0)
		return r;
	if (auth == NULL)
		return PKIT_OK;
	if ((r = parse_claims(ctx, name, auth, "authority.", &cfg->claims)) != 0 ||
	    (r = get_bool(ctx, name, auth, "authority.", "disableIssuedAtCheck",
	    &cfg->disable_issued_at_check)) != 0 ||
	    (r = get_duration(ctx, name, auth, "authority.", "backdate",
	    &cfg->backdate)) != 0)
		return r;
	if (cfg->backdate < 0)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: authority.backdate cannot be negative", name);
	snprintf(what, sizeof(what), "%s: authority.claims", name);
	if ((r = pkit_ca_claims_resolve(ctx, &cfg->claims, NULL, what,
	    &resolved)) != 0)
		return r;
	list = json_object_get(auth, "provisioners");
	if (list == NULL || json_is_null(list))
		return PKIT_OK;
	if (!json_is_array(list))
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: authority.provisioners: expected a list", name);
	if ((n = json_array_size(list)) == 0)
		return PKIT_OK;
	if ((cfg->provisioners = calloc(n, sizeof(*cfg->provisioners))) == NULL)
		return pkit_seterr_nomem(ctx);
	json_array_foreach(list, i, e) {
		struct pkit_ca_provisioner *p =
		    &cfg->provisioners[cfg->nprovisioners];

		if ((r = parse_provisioner(ctx, name, e, i, &cfg->claims, p,
		    &known)) != 0)
			return r;
		if (!known)
			continue;
		for (j = 0; j < cfg->nprovisioners; j++) {
			if (strcmp(cfg->provisioners[j].id, p->id) == 0 ||
			    strcmp(cfg->provisioners[j].name, p->name) == 0) {
				r = pkit_seterr(ctx, PKIT_ERR_FORMAT,
				    "%s: authority.provisioners[%zu]: cannot "
				    "add multiple provisioners with the same %s "
				    "(\"%s\")", name, i,
				    strcmp(cfg->provisioners[j].id, p->id) == 0 ?
				    "id" : "name", strcmp(cfg->provisioners[j].id,
				    p->id) == 0 ? p->id : p->name);
				provisioner_clear(p);
				return r;
			}
		}
		cfg->nprovisioners++;
	}
	return PKIT_OK;
}

/* tls.minVersion and maxVersion are JSON numbers: 1.2, 1.3. */
static int
get_tls_version(struct pkit_ctx *ctx, const char *name, json_t *tls,
    const char *key, int *out)
{
	static const struct {
		double v;
		int ossl;
	} versions[] = {
		{ 1.0, TLS1_VERSION }, { 1.1, TLS1_1_VERSION },
		{ 1.2, TLS1_2_VERSION }, { 1.3, TLS1_3_VERSION },
	};
	json_t *v = json_object_get(tls, key);
	double d;
	size_t i;

	if (v == NULL || json_is_null(v))
		return PKIT_OK;
	if (!json_is_number(v))
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: tls.%s: expected a number such as 1.2", name, key);
	if ((d = json_number_value(v)) == 0)
		return PKIT_OK;
	for (i = 0; i < NITEMS(versions); i++) {
		if (fabs(d - versions[i].v) > 1e-9)
			continue;
		if (versions[i].ossl < TLS1_2_VERSION)
			return pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "%s: tls.%s: TLS %.1f is not supported (1.2 is the "
			    "lowest)", name, key, d);
		*out = versions[i].ossl;
		return PKIT_OK;
	}
	return pkit_seterr(ctx, PKIT_ERR_FORMAT,
	    "%s: tls.%s: %g is not a TLS version", name, key, d);
}

static int
parse_tls(struct pkit_ctx *ctx, const char *name, json_t *doc,
    struct pkit_ca_tls *t)
{
	json_t *tls;
	char buf[1024];
	size_t i, j, len = 0;
	int r;

	t->min_version = TLS1_2_VERSION;
	t->max_version = TLS1_3_VERSION;
	if ((r = get_object(ctx, name, doc, "", "tls", &tls)) != 0)
		return r;
	if (tls != NULL) {
		if ((r = get_strings(ctx, name, tls, "tls.", "cipherSuites", 0,
		    &t->cipher_suites, &t->ncipher_suites)) != 0 ||
		    (r = get_tls_version(ctx, name, tls, "minVersion",
		    &t->min_version)) != 0 ||
		    (r = get_tls_version(ctx, name, tls, "maxVersion",
		    &t->max_version)) != 0 ||
		    (r = get_bool(ctx, name, tls, "tls.", "renegotiation",
		    &t->renegotiation)) != 0)
			return r;
		if (t->min_version > t->max_version)
			return pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "%s: tls.minVersion cannot be greater than "
			    "tls.maxVersion", name);
	}
	if (t->ncipher_suites == 0) {
		if ((t->cipher_suites = calloc(NITEMS(default_suites),
		    sizeof(char *))) == NULL)
			return pkit_seterr_nomem(ctx);
		for (i = 0; i < NITEMS(default_suites); i++) {
			if ((t->cipher_suites[i] = strdup(default_suites[i])) == NULL)
				return pkit_seterr_nomem(ctx);
			t->ncipher_suites++;
		}
	}
	buf[0] = '\0';
	for (i = 0; i < t->ncipher_suites; i++) {
		for (j = 0; j < NITEMS(suites); j++)
			if (strcmp(t->cipher_suites[i], suites[j].go) == 0)
				break;
		if (j == NITEMS(suites))
			return pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "%s: tls.cipherSuites: '%s' is not a supported "
			    "cipher suite", name, t->cipher_suites[i]);
		if (suites[j].ossl == NULL)
			continue;
		/* step takes them; pkit serves forward secrecy and AEAD only */
		if (strncmp(suites[j].ossl, "ECDHE-", 6) != 0 ||
		    (strstr(suites[j].ossl, "-GCM-") == NULL &&
		    strstr(suites[j].ossl, "CHACHA20") == NULL))
			return pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "%s: tls.cipherSuites: '%s' is refused: only "
			    "ECDHE suites with AES-GCM or ChaCha20-Poly1305 "
			    "are served", name, t->cipher_suites[i]);
		len = strlen(buf);
		snprintf(buf + len, sizeof(buf) - len, "%s%s", len ? ":" : "",
		    suites[j].ossl);
	}
	if (buf[0] == '\0' && t->min_version < TLS1_3_VERSION)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: tls.cipherSuites: no TLS 1.2 cipher suite, but "
		    "tls.minVersion allows TLS 1.2", name);
	return dupstr(ctx, buf, &t->ciphers);
}

static int
parse_crl(struct pkit_ctx *ctx, const char *name, json_t *doc,
    struct pkit_ca_crl *crl)
{
	json_t *o;
	int r;

	crl->cache_duration = 24 * HOUR;
	if ((r = get_object(ctx, name, doc, "", "crl", &o)) != 0 || o == NULL)
		return r;
	if ((r = get_bool(ctx, name, o, "crl.", "enabled", &crl->enabled)) != 0 ||
	    (r = get_bool(ctx, name, o, "crl.", "generateOnRevoke",
	    &crl->generate_on_revoke)) != 0 ||
	    (r = get_duration(ctx, name, o, "crl.", "cacheDuration",
	    &crl->cache_duration)) != 0 ||
	    (r = get_duration(ctx, name, o, "crl.", "renewPeriod",
	    &crl->renew_period)) != 0 ||
	    (r = get_string(ctx, name, o, "crl.", "idpURL", 0,
	    &crl->idp_url)) != 0)
		return r;
	if (crl->cache_duration <= 0)
		crl->cache_duration = 24 * HOUR;
	return PKIT_OK;
}

static int
parse_ocsp(struct pkit_ctx *ctx, const char *name, json_t *doc,
    struct pkit_ca_ocsp *ocsp)
{
	json_t *o;
	int r;

	ocsp->cache_duration = HOUR;
	if ((r = get_object(ctx, name, doc, "", "ocsp", &o)) != 0 || o == NULL)
		return r;
	if ((r = get_bool(ctx, name, o, "ocsp.", "enabled",
	    &ocsp->enabled)) != 0 ||
	    (r = get_string(ctx, name, o, "ocsp.", "url", 0, &ocsp->url)) != 0 ||
	    (r = get_string(ctx, name, o, "ocsp.", "cert", 0,
	    &ocsp->cert)) != 0 ||
	    (r = get_string(ctx, name, o, "ocsp.", "key", 0, &ocsp->key)) != 0 ||
	    (r = get_duration(ctx, name, o, "ocsp.", "cacheDuration",
	    &ocsp->cache_duration)) != 0)
		return r;
	if ((ocsp->cert == NULL) != (ocsp->key == NULL))
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: ocsp: \"cert\" "
		    "and \"key\" go together", name);
	if (ocsp->cache_duration <= 0)
		ocsp->cache_duration = HOUR;
	return PKIT_OK;
}

/* "host:port", "[v6]:port" or ":port", as Go's net.SplitHostPort takes it. */
static int
check_address(struct pkit_ctx *ctx, const char *name, const char *key,
    const char *addr)
{
	const char *colon = strrchr(addr, ':'), *p;

	if (colon == NULL)
		goto bad;
	if (addr[0] == '[') {
		if (colon == addr || colon[-1] != ']' ||
		    memchr(addr + 1, ']', (size_t)(colon - addr - 2)) != NULL)
			goto bad;
	} else if (memchr(addr, ':', (size_t)(colon - addr)) != NULL ||
	    strpbrk(addr, "[]") != NULL)
		goto bad;
	for (p = colon + 1; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p))
			goto bad;
	return PKIT_OK;
bad:
	return pkit_seterr(ctx, PKIT_ERR_FORMAT,
	    "%s: %s: '%s' is not a host:port address", name, key, addr);
}

static int
parse_doc(struct pkit_ctx *ctx, const char *name, json_t *doc,
    struct pkit_ca_config *cfg)
{
	json_t *o;
	int r;

	if (!json_is_object(doc))
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: expected a JSON object", name);
	if ((r = get_strings(ctx, name, doc, "", "root", 1, &cfg->roots,
	    &cfg->nroots)) != 0 ||
	    (r = get_strings(ctx, name, doc, "", "federatedRoots", 0,
	    &cfg->federated_roots, &cfg->nfederated_roots)) != 0 ||
	    (r = get_string(ctx, name, doc, "", "crt", 1, &cfg->crt)) != 0 ||
	    (r = get_string(ctx, name, doc, "", "key", 1, &cfg->key)) != 0 ||
	    (r = get_string(ctx, name, doc, "", "password", 0,
	    &cfg->password)) != 0 ||
	    (r = get_string(ctx, name, doc, "", "address", 1,
	    &cfg->address)) != 0 ||
	    (r = get_string(ctx, name, doc, "", "insecureAddress", 0,
	    &cfg->insecure_address)) != 0 ||
	    (r = get_strings(ctx, name, doc, "", "dnsNames", 0, &cfg->dns_names,
	    &cfg->ndns_names)) != 0 ||
	    (r = get_string(ctx, name, doc, "", "commonName", 0,
	    &cfg->common_name)) != 0)
		return r;
	if (cfg->nroots == 0)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: root is required", name);
	if (cfg->ndns_names == 0)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: dnsNames cannot be empty", name);
	if ((r = check_address(ctx, name, "address", cfg->address)) != 0)
		return r;
	if (cfg->insecure_address == NULL &&
	    (r = dupstr(ctx, "", &cfg->insecure_address)) != 0)
		return r;
	if (*cfg->insecure_address != '\0' && (r = check_address(ctx, name,
	    "insecureAddress", cfg->insecure_address)) != 0)
		return r;
	if (cfg->common_name == NULL || *cfg->common_name == '\0') {
		free(cfg->common_name);
		if ((r = dupstr(ctx, PKIT_CA_COMMON_NAME, &cfg->common_name)) != 0)
			return r;
	}
	if ((r = get_object(ctx, name, doc, "", "logger", &o)) != 0)
		return r;
	if (o != NULL && (r = get_string(ctx, name, o, "logger.", "format", 0,
	    &cfg->log_format)) != 0)
		return r;
	if (cfg->log_format == NULL || *cfg->log_format == '\0' ||
	    strcmp(cfg->log_format, "common") == 0) {
		free(cfg->log_format);
		if ((r = dupstr(ctx, "text", &cfg->log_format)) != 0)
			return r;
	}
	if (strcmp(cfg->log_format, "text") != 0 &&
	    strcmp(cfg->log_format, "json") != 0)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: logger.format: '%s' is not one of: text, json", name,
		    cfg->log_format);
	if ((r = get_object(ctx, name, doc, "", "db", &o)) != 0)
		return r;
	if (o != NULL && ((r = get_string(ctx, name, o, "db.", "type", 1,
	    &cfg->db_type)) != 0 || (r = get_string(ctx, name, o, "db.",
	    "dataSource", 0, &cfg->db_data_source)) != 0))
		return r;
	if (cfg->db_type != NULL && cfg->db_data_source == NULL &&
	    (r = dupstr(ctx, "", &cfg->db_data_source)) != 0)
		return r;
	if ((r = parse_authority(ctx, name, doc, cfg)) != 0 ||
	    (r = parse_tls(ctx, name, doc, &cfg->tls)) != 0 ||
	    (r = parse_crl(ctx, name, doc, &cfg->crl)) != 0 ||
	    (r = parse_ocsp(ctx, name, doc, &cfg->ocsp)) != 0)
		return r;
	return PKIT_OK;
}

int
pkit_ca_config_parse(struct pkit_ctx *ctx, const void *data, size_t len,
    const char *name, const char *base, struct pkit_ca_config **out)
{
	struct pkit_ca_config *cfg = NULL;
	json_error_t jerr;
	json_t *doc;
	int r = PKIT_ERR_INTERNAL;

	*out = NULL;
	if ((doc = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr)) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: line %d: %s", name, jerr.line, jerr.text);
	if ((cfg = calloc(1, sizeof(*cfg))) == NULL) {
		json_decref(doc);
		return pkit_seterr_nomem(ctx);
	}
	cfg->doc = doc;
	if ((r = dupstr(ctx, name, &cfg->name)) != 0 ||
	    (base != NULL && (r = dupstr(ctx, base, &cfg->base)) != 0) ||
	    (r = parse_doc(ctx, name, doc, cfg)) != 0)
		goto out;
	*out = cfg;
	cfg = NULL;
	r = PKIT_OK;
out:
	pkit_ca_config_free(cfg);
	return r;
}

int
pkit_ca_config_load(struct pkit_ctx *ctx, const char *path, const char *base,
    struct pkit_ca_config **out)
{
	unsigned char *data = NULL;
	size_t len = 0;
	int r;

	*out = NULL;
	if ((r = pkit_file_read(ctx, path, CONFIG_MAX, &data, &len)) != 0)
		return r;
	r = pkit_ca_config_parse(ctx, data, len, path, base, out);
	/* ca.json may hold the key password. */
	pkit_secret_free(data, len);
	return r;
}

int
pkit_ca_config_path(struct pkit_ctx *ctx, const struct pkit_ca_config *cfg,
    const char *path, char **out)
{
	*out = NULL;
	if (path[0] == '/' || cfg->base == NULL || cfg->base[0] == '\0')
		return dupstr(ctx, path, out);
	if (asprintf(out, "%s/%s", cfg->base, path) == -1) {
		*out = NULL;
		return pkit_seterr_nomem(ctx);
	}
	return PKIT_OK;
}

const struct pkit_ca_provisioner *
pkit_ca_config_find_kid(const struct pkit_ca_config *cfg, const char *kid)
{
	size_t i;

	for (i = 0; i < cfg->nprovisioners; i++)
		if (cfg->provisioners[i].kid != NULL &&
		    strcmp(cfg->provisioners[i].kid, kid) == 0)
			return &cfg->provisioners[i];
	return NULL;
}

/* ---- writing ------------------------------------------------------- */

static json_t *
strv_json(char **v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	if (a == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		if (json_array_append_new(a, json_string(v[i])) != 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* Set key in o (taking val), or remove it when val is NULL and drop is set. */
static int
put(json_t *o, const char *key, json_t *val)
{
	if (val == NULL)
		return -1;
	return json_object_set_new(o, key, val);
}

static int
put_str(json_t *o, const char *key, const char *s, int omit_empty)
{
	if (s == NULL || (omit_empty && *s == '\0')) {
		json_object_del(o, key);
		return 0;
	}
	return put(o, key, json_string(s));
}

/* A duration as Go prints it ("5m0s"), unless o already spells the same
 * duration its own way ("5m"). */
static int
put_duration(json_t *o, const char *key, int64_t ns)
{
	struct pkit_ctx scratch;
	json_t *old = json_object_get(o, key);
	int64_t was;
	char buf[64];

	if (ns == 0) {
		json_object_del(o, key);
		return 0;
	}
	pkit_ctx_init(&scratch);
	if (json_is_string(old) && pkit_duration_parse(&scratch,
	    json_string_value(old), key, &was) == 0 && was == ns) {
		pkit_ctx_release(&scratch);
		return 0;
	}
	pkit_ctx_release(&scratch);
	pkit_duration_format(ns, buf, sizeof(buf));
	return put(o, key, json_string(buf));
}

/* Write the set claims into o's "claims" (keeping claims pkit does not
 * model); drop it when nothing is left. */
static int
put_claims(json_t *o, const struct pkit_ca_claims *c)
{
	json_t *cl = json_object_get(o, "claims");
	size_t i;

	if (cl == NULL || !json_is_object(cl)) {
		if ((cl = json_object()) == NULL ||
		    json_object_set_new(o, "claims", cl) != 0)
			return -1;
	}
	for (i = 0; i < NITEMS(claim_keys); i++) {
		const struct claim_key *k = &claim_keys[i];
		const void *src = (const char *)c + k->off;

		if (k->is_flag) {
			if (*(const int *)src == -1)
				json_object_del(cl, k->key);
			else if (put(cl, k->key, json_boolean(*(const int *)src)) != 0)
				return -1;
		} else if (put_duration(cl, k->key, *(const int64_t *)src) != 0)
			return -1;
	}
	if (json_object_size(cl) == 0)
		json_object_del(o, "claims");
	return 0;
}

static json_t *
encode_provisioners(const struct pkit_ca_config *cfg, json_t *old)
{
	json_t *list = json_array(), *e, *p;
	size_t i, k = 0;

	if (list == NULL)
		return NULL;
	/* Entries of unknown types stay where they were. */
	if (json_is_array(old)) {
		json_array_foreach(old, i, e) {
			json_t *t = json_object_get(e, "type");
			size_t j;
			int known = 0;

			for (j = 0; json_is_string(t) && j < NITEMS(prov_types); j++)
				if (strcasecmp(json_string_value(t),
				    prov_types[j]) == 0)
					known = 1;
			if (known) {
				if (k >= cfg->nprovisioners)
					continue;
				e = cfg->provisioners[k++].json;
			}
			if (json_array_append(list, e) != 0)
				goto fail;
		}
	}
	for (; k < cfg->nprovisioners; k++)
		if (json_array_append(list, cfg->provisioners[k].json) != 0)
			goto fail;
	/* Copy each so that claims can be written into it. */
	json_array_foreach(list, i, e) {
		const struct pkit_ca_provisioner *prov = NULL;

		for (k = 0; k < cfg->nprovisioners; k++)
			if (cfg->provisioners[k].json == e)
				prov = &cfg->provisioners[k];
		if ((p = json_deep_copy(e)) == NULL ||
		    json_array_set_new(list, i, p) != 0)
			goto fail;
		if (prov != NULL && (put_str(p, "name", prov->name, 0) != 0 ||
		    put_claims(p, &prov->claims) != 0))
			goto fail;
	}
	return list;
fail:
	json_decref(list);
	return NULL;
}

static const char *
tls_version_name(int v)
{
	return v == TLS1_3_VERSION ? "1.3" : "1.2";
}

static json_t *
encode_doc(const struct pkit_ca_config *cfg)
{
	json_t *doc, *o, *auth;
	int bad = 0;

	/* Go marshals Config's fields in this order: a new document gets
	 * it, an existing one keeps its own. */
	if (cfg->doc != NULL)
		doc = json_deep_copy(cfg->doc);
	else
		doc = json_object();
	if (doc == NULL)
		return NULL;
	if (cfg->nroots == 1 && !json_is_array(json_object_get(doc, "root")))
		bad |= put_str(doc, "root", cfg->roots[0], 0);
	else
		bad |= put(doc, "root", strv_json(cfg->roots, cfg->nroots));
	bad |= put(doc, "federatedRoots", cfg->nfederated_roots == 0 ?
	    json_null() : strv_json(cfg->federated_roots, cfg->nfederated_roots));
	bad |= put_str(doc, "crt", cfg->crt, 0);
	bad |= put_str(doc, "key", cfg->key, 0);
	bad |= put_str(doc, "address", cfg->address, 0);
	bad |= put_str(doc, "insecureAddress", cfg->insecure_address != NULL ?
	    cfg->insecure_address : "", 0);
	bad |= put(doc, "dnsNames", strv_json(cfg->dns_names, cfg->ndns_names));
	if ((o = json_object_get(doc, "logger")) == NULL || !json_is_object(o)) {
		o = json_object();
		bad |= put(doc, "logger", o);
	}
	bad |= put_str(o, "format", cfg->log_format != NULL ?
	    cfg->log_format : "text", 0);
	if (cfg->db_type == NULL)
		json_object_del(doc, "db");
	else {
		if ((o = json_object_get(doc, "db")) == NULL || !json_is_object(o)) {
			o = json_object();
			bad |= put(doc, "db", o);
		}
		bad |= put_str(o, "type", cfg->db_type, 0);
		bad |= put_str(o, "dataSource", cfg->db_data_source != NULL ?
		    cfg->db_data_source : "", 0);
	}
	if ((auth = json_object_get(doc, "authority")) == NULL ||
	    !json_is_object(auth)) {
		auth = json_object();
		bad |= put(doc, "authority", auth);
	}
	if (auth != NULL) {
		bad |= put(auth, "provisioners", encode_provisioners(cfg,
		    json_object_get(auth, "provisioners")));
		bad |= put_claims(auth, &cfg->claims);
		if (cfg->backdate != PKIT_CA_BACKDATE ||
		    json_object_get(auth, "backdate") != NULL)
			bad |= put_duration(auth, "backdate", cfg->backdate);
		if (cfg->disable_issued_at_check)
			bad |= put(auth, "disableIssuedAtCheck", json_true());
		else
			json_object_del(auth, "disableIssuedAtCheck");
	}
	if ((o = json_object_get(doc, "tls")) == NULL || !json_is_object(o)) {
		o = json_object();
		bad |= put(doc, "tls", o);
	}
	if (o != NULL) {
		bad |= put(o, "cipherSuites", strv_json(cfg->tls.cipher_suites,
		    cfg->tls.ncipher_suites));
		bad |= put(o, "minVersion", json_real(
		    strtod(tls_version_name(cfg->tls.min_version), NULL)));
		bad |= put(o, "maxVersion", json_real(
		    strtod(tls_version_name(cfg->tls.max_version), NULL)));
		bad |= put(o, "renegotiation", json_boolean(cfg->tls.renegotiation));
	}
	bad |= put_str(doc, "password", cfg->password, 1);
	if (cfg->common_name != NULL &&
	    strcmp(cfg->common_name, PKIT_CA_COMMON_NAME) != 0)
		bad |= put_str(doc, "commonName", cfg->common_name, 0);
	if (bad) {
		json_decref(doc);
		return NULL;
	}
	return doc;
}

int
pkit_ca_config_encode(struct pkit_ctx *ctx, const struct pkit_ca_config *cfg,
    char **out, size_t *len)
{
	json_t *doc;
	char *s = NULL, *t = NULL;
	size_t i, j, n;
	int bol;

	*out = NULL;
	*len = 0;
	if ((doc = encode_doc(cfg)) == NULL)
		return pkit_seterr_nomem(ctx);
	/* 15 significant digits print the TLS version 1.2 as "1.2" (17, the
	 * default, gives 1.1999999999999999).  Indent with one space per
	 * level, then turn the indentation into tabs as Go's
	 * json.MarshalIndent(v, "", "\t") does. */
	s = json_dumps(doc, JSON_INDENT(1) | JSON_REAL_PRECISION(15));
	json_decref(doc);
	if (s == NULL)
		return pkit_seterr_nomem(ctx);
	n = strlen(s);
	if ((t = malloc(n + 1)) == NULL) {
		pkit_secret_free(s, n);
		return pkit_seterr_nomem(ctx);
	}
	/* Strings never hold a raw newline, so every run of spaces that
	 * starts a line is indentation. */
	for (i = j = 0, bol = 1; i < n; i++) {
		if (bol && s[i] == ' ') {
			t[j++] = '\t';
			continue;
		}
		bol = s[i] == '\n';
		t[j++] = s[i];
	}
	t[j] = '\0';
	pkit_secret_free(s, n);
	*out = t;
	*len = j;
	return PKIT_OK;
}

int
pkit_ca_config_write(struct pkit_ctx *ctx, const struct pkit_ca_config *cfg,
    const char *path, unsigned flags)
{
	char *s = NULL;
	size_t len = 0;
	int r;

	if ((r = pkit_ca_config_encode(ctx, cfg, &s, &len)) != 0)
		return r;
	if (cfg->password != NULL)
		flags |= PKIT_WRITE_PRIVATE;
	r = pkit_file_write(ctx, path, s, len, flags);
	pkit_secret_free(s, len);
	return r;
}

void
pkit_ca_config_free(struct pkit_ca_config *cfg)
{
	json_t *pw;
	size_t i;

	if (cfg == NULL)
		return;
	/* The document holds the key password too. */
	pw = json_object_get(cfg->doc, "password");
	if (json_is_string(pw))
		pkit_secret_wipe((char *)json_string_value(pw),
		    json_string_length(pw));
	free(cfg->name);
	free(cfg->base);
	strv_free(cfg->roots, cfg->nroots);
	strv_free(cfg->federated_roots, cfg->nfederated_roots);
	free(cfg->crt);
	free(cfg->key);
	pkit_secret_strfree(cfg->password);
	free(cfg->address);
	free(cfg->insecure_address);
	strv_free(cfg->dns_names, cfg->ndns_names);
	free(cfg->common_name);
	free(cfg->log_format);
	free(cfg->db_type);
	free(cfg->db_data_source);
	for (i = 0; i < cfg->nprovisioners; i++)
		provisioner_clear(&cfg->provisioners[i]);
	free(cfg->provisioners);
	strv_free(cfg->tls.cipher_suites, cfg->tls.ncipher_suites);
	free(cfg->tls.ciphers);
	free(cfg->crl.idp_url);
	free(cfg->ocsp.url);
	free(cfg->ocsp.cert);
	free(cfg->ocsp.key);
	json_decref(cfg->doc);
	free(cfg);
}

int
pkit_ca_config_load_certs(struct pkit_ctx *ctx,
    const struct pkit_ca_config *cfg, char **paths, size_t n,
    STACK_OF(X509) **out)
{
	STACK_OF(X509) *all = NULL, *some = NULL;
	char *path = NULL;
	size_t i;
	int r;

	if ((all = sk_X509_new_null()) == NULL)
		return pkit_seterr_nomem(ctx);
	for (i = 0; i < n; i++) {
		if ((r = pkit_ca_config_path(ctx, cfg, paths[i], &path)) != 0 ||
		    (r = pkit_x509_load_certs(ctx, path, &some)) != 0)
			goto fail;
		while (sk_X509_num(some) > 0)
			if (!sk_X509_push(all, sk_X509_shift(some))) {
				r = pkit_seterr_nomem(ctx);
				goto fail;
			}
		sk_X509_free(some);
		some = NULL;
		free(path);
		path = NULL;
	}
	*out = all;
	return PKIT_OK;
fail:
	free(path);
	sk_X509_pop_free(some, X509_free);
	sk_X509_pop_free(all, X509_free);
	return r;
}

/* provisioners.c - editing authority.provisioners of a ca.json (see
 * provisioners.h).
 *
 * The edit is made on a copy of the document; the copy is then parsed
 * as `ca serve` parses it (types, names and ids unique, claims in range),
 * the claims asked for are set on the parsed provisioner, and
 * pkit_ca_config_encode() writes the document back in step's layout.
 */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <libgen.h>
#include <unistd.h>

#include "lib/ca/pki.h"
#include "lib/ca/provisioners.h"
#include "lib/codec.h"
#include "lib/fs.h"
#include "lib/jwk.h"
#include "lib/secret.h"
#include "lib/x509.h"

/* Largest ca.json read. */
#define CONFIG_MAX (4 * 1024 * 1024)

#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))

static const char *const types[] = { "JWK", "X5C", "ACME", "OIDC", "SSHPOP" };

/* The ACME challenge types step-ca knows. */
static const char *const challenges[] = {
	"http-01", "dns-01", "tls-alpn-01", "device-attest-01",
};

static const size_t duration_claims[] = {
	offsetof(struct pkit_ca_claims, min_tls),
	offsetof(struct pkit_ca_claims, max_tls),
	offsetof(struct pkit_ca_claims, default_tls),
	offsetof(struct pkit_ca_claims, min_user_ssh),
	offsetof(struct pkit_ca_claims, max_user_ssh),
	offsetof(struct pkit_ca_claims, default_user_ssh),
	offsetof(struct pkit_ca_claims, min_host_ssh),
	offsetof(struct pkit_ca_claims, max_host_ssh),
	offsetof(struct pkit_ca_claims, default_host_ssh),
};

static const size_t flag_claims[] = {
	offsetof(struct pkit_ca_claims, enable_ssh_ca),
	offsetof(struct pkit_ca_claims, disable_renewal),
	offsetof(struct pkit_ca_claims, allow_renewal_after_expiry),
	offsetof(struct pkit_ca_claims, disable_smallstep_extensions),
};

void
pkit_ca_prov_spec_init(struct pkit_ca_prov_spec *s)
{
	size_t i;

	memset(s, 0, sizeof(*s));
	s->force_cn = s->require_eab = -1;
	for (i = 0; i < NITEMS(flag_claims); i++)
		*(int *)((char *)&s->claims + flag_claims[i]) = -1;
}

/* Set key of o (a reference to v is stolen); v NULL is out of memory. */
static int
put(struct pkit_ctx *ctx, json_t *o, const char *key, json_t *v)
{
	if (v == NULL || json_object_set_new(o, key, v) != 0)
		return pkit_seterr_nomem(ctx);
	return PKIT_OK;
}

static int
put_strv(struct pkit_ctx *ctx, json_t *o, const char *key,
    const char *const *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a != NULL && i < n; i++)
		if (json_array_append_new(a, json_string(v[i])) != 0) {
			json_decref(a);
			return pkit_seterr(ctx, PKIT_ERR_ARG, "%s: '%s' is not "
			    "UTF-8", key, v[i]);
		}
	return put(ctx, o, key, a);
}

/* A flag member: true sets it, false removes it (Go's omitempty). */
static int
put_flag(struct pkit_ctx *ctx, json_t *o, const char *key, int v)
{
	if (v == -1)
		return PKIT_OK;
	if (v == 0) {
		json_object_del(o, key);
		return PKIT_OK;
	}
	return put(ctx, o, key, json_true());
}

static int
put_opt_str(struct pkit_ctx *ctx, json_t *o, const char *key, const char *v)
{
	json_t *s;

	if (v == NULL)
		return PKIT_OK;
	if ((s = json_string(v)) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_ARG, "%s: not UTF-8", key);
	return put(ctx, o, key, s);
}

/* kid (the thumbprint), use "sig" and alg (the key's default) when
 * missing, in go-jose's member order. */
static int
jwk_complete(struct pkit_ctx *ctx, json_t *jwk, json_t **out)
{
	const char *alg;
	char *tp = NULL;
	int r;

	if (json_object_get(jwk, "kid") == NULL) {
		if ((r = pkit_jwk_thumbprint(ctx, jwk, &tp)) != 0)
			return r;
		r = put(ctx, jwk, "kid", json_string(tp));
		free(tp);
		if (r != 0)
			return r;
	}
	if (json_object_get(jwk, "use") == NULL &&
	    (r = put(ctx, jwk, "use", json_string("sig"))) != 0)
		return r;
	if (json_object_get(jwk, "alg") == NULL) {
		if ((alg = pkit_jwk_default_alg(jwk, "sig")) == NULL ||
		    strncmp(alg, "HS", 2) == 0)
			return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED, "the key "
			    "cannot sign tokens");
		if ((r = put(ctx, jwk, "alg", json_string(alg))) != 0)
			return r;
	}
	return pkit_jwk_ordered(ctx, jwk, out);
}

/* "key" and "encryptedKey" of a JWK provisioner from s. */
static int
jwk_fields(struct pkit_ctx *ctx, json_t *prov, const struct pkit_ca_prov_spec *s,
    char **kid)
{
	json_t *jwk = NULL, *full = NULL, *pub = NULL, *pord = NULL;
	char *enc = NULL, *k = NULL;
	const char *src;
	int r;

	if (s->public_key == NULL && s->private_key == NULL) {
		if (s->password == NULL)
			return pkit_seterr(ctx, PKIT_ERR_ARG, "a new provisioner "
			    "key needs a password to encrypt it");
		if ((r = pkit_ca_pki_provisioner_key(ctx, s->password, s->p2c,
		    &pord, &enc, &k)) != 0)
			return r;
	} else {
		src = s->public_key != NULL ? "--public-key" : "--private-key";
		if ((r = pkit_jwk_load(ctx, s->public_key != NULL ?
		    s->public_key : s->private_key, s->public_key != NULL ?
		    s->public_key_len : s->private_key_len, s->key_password,
		    src, &jwk)) != 0)
			goto out;
		if (s->private_key != NULL && !pkit_jwk_is_private(jwk)) {
			r = pkit_seterr(ctx, PKIT_ERR_ARG, "--private-key: not a "
			    "private key");
			goto out;
		}
		if ((r = jwk_complete(ctx, jwk, &full)) != 0 ||
		    (r = pkit_jwk_public(ctx, full, &pub)) != 0 ||
		    (r = pkit_jwk_ordered(ctx, pub, &pord)) != 0)
			goto out;
		if (s->private_key != NULL) {
			if (s->password == NULL) {
				r = pkit_seterr(ctx, PKIT_ERR_ARG, "--private-key "
				    "needs a password to escrow it encrypted");
				goto out;
			}
			if ((r = pkit_jwk_encrypt(ctx, full, s->password, s->p2c,
			    1, &enc)) != 0)
				goto out;
		}
		if ((k = strdup(json_string_value(json_object_get(pord,
		    "kid")))) == NULL) {
			r = pkit_seterr_nomem(ctx);
			goto out;
		}
	}
	if ((r = put(ctx, prov, "key", json_incref(pord))) != 0)
		goto out;
	if (enc != NULL)
		r = put(ctx, prov, "encryptedKey", json_string(enc));
	else
		json_object_del(prov, "encryptedKey");
	if (r == 0 && kid != NULL) {
		*kid = k;
		k = NULL;
	}
out:
	pkit_jwk_free(jwk);
	pkit_jwk_free(full);
	json_decref(pub);
	json_decref(pord);
	free(enc);
	free(k);
	return r;
}

/* The fields of s that belong to the provisioner's type; a field of
 * another type is an error. */
static int
apply(struct pkit_ctx *ctx, json_t *prov, const char *type, int is_new,
    const struct pkit_ca_prov_spec *s, char **kid)
{
	const char *other = NULL;
	STACK_OF(X509) *sk = NULL;
	char *b64 = NULL;
	size_t i, j;
	int r = PKIT_OK, jwk = strcmp(type, "JWK") == 0;
	int x5c = strcmp(type, "X5C") == 0, acme = strcmp(type, "ACME") == 0;
	int oidc = strcmp(type, "OIDC") == 0;

	if (!jwk && (s->create || s->public_key != NULL ||
	    s->private_key != NULL))
		other = "a key (JWK)";
	else if (!x5c && s->x5c_roots != NULL)
		other = "roots (X5C)";
	else if (!acme && (s->nchallenges > 0 || s->force_cn != -1 ||
	    s->require_eab != -1))
		other = "challenges, forceCN and requireEAB (ACME)";
	else if (!oidc && (s->client_id != NULL || s->client_secret != NULL ||
	    s->configuration_endpoint != NULL || s->ndomains > 0 ||
	    s->nadmins > 0))
		other = "client ID, secret, configuration endpoint, domains "
		    "and admins (OIDC)";
	if (other != NULL)
		return pkit_seterr(ctx, PKIT_ERR_ARG, "provisioner '%s' is %s: "
		    "%s do not apply", json_string_value(json_object_get(prov,
		    "name")), type, other);
	if (jwk && (is_new || s->create || s->public_key != NULL ||
	    s->private_key != NULL))
		return jwk_fields(ctx, prov, s, kid);
	if (x5c && s->x5c_roots != NULL) {
		if ((r = pkit_x509_parse_certs(ctx, s->x5c_roots,
		    s->x5c_roots_len, "--x5c-root", &sk)) != 0)
			return r;
		sk_X509_pop_free(sk, X509_free);
		if (!pkit_is_pem(s->x5c_roots, s->x5c_roots_len))
			return pkit_seterr(ctx, PKIT_ERR_FORMAT, "--x5c-root: "
			    "the roots must be PEM");
		if ((r = pkit_b64_encode(ctx, PKIT_B64_STD, s->x5c_roots,
		    s->x5c_roots_len, &b64)) != 0)
			return r;
		r = put(ctx, prov, "roots", json_string(b64));
		free(b64);
		return r;
	}
	if (x5c && is_new)
		return pkit_seterr(ctx, PKIT_ERR_ARG, "an X5C provisioner needs "
		    "its roots (--x5c-root)");
	if (acme) {
		for (i = 0; i < s->nchallenges; i++) {
			for (j = 0; j < NITEMS(challenges); j++)
				if (strcmp(s->challenges[i], challenges[j]) == 0)
					break;
			if (j == NITEMS(challenges))
				return pkit_seterr(ctx, PKIT_ERR_ARG, "--challenge "
				    "'%s': not one of http-01, dns-01, "
				    "tls-alpn-01, device-attest-01",
				    s->challenges[i]);
		}
		if ((s->nchallenges > 0 && (r = put_strv(ctx, prov,
		    "challenges", s->challenges, s->nchallenges)) != 0) ||
		    (r = put_flag(ctx, prov, "forceCN", s->force_cn)) != 0 ||
		    (r = put_flag(ctx, prov, "requireEAB", s->require_eab)) != 0)
			return r;
	}
	if (oidc) {
		if (is_new && (s->client_id == NULL ||
		    s->configuration_endpoint == NULL))
			return pkit_seterr(ctx, PKIT_ERR_ARG, "an OIDC "
			    "provisioner needs a client ID (--client-id) and a "
			    "configuration endpoint (--configuration-endpoint)");
		if ((r = put_opt_str(ctx, prov, "clientID", s->client_id)) != 0 ||
		    (r = put_opt_str(ctx, prov, "clientSecret",
		    s->client_secret)) != 0 ||
		    (r = put_opt_str(ctx, prov, "configurationEndpoint",
		    s->configuration_endpoint)) != 0 ||
		    (s->nadmins > 0 && (r = put_strv(ctx, prov, "admins",
		    s->admins, s->nadmins)) != 0) ||
		    (s->ndomains > 0 && (r = put_strv(ctx, prov, "domains",
		    s->domains, s->ndomains)) != 0))
			return r;
	}
	return PKIT_OK;
}

/* The list of authority.provisioners of doc, made when absent. */
static int
prov_list(struct pkit_ctx *ctx, const char *path, json_t *doc, json_t **out)
{
	json_t *auth = json_object_get(doc, "authority"), *list;

	if (auth == NULL || json_is_null(auth)) {
		if ((auth = json_object()) == NULL ||
		    json_object_set_new(doc, "authority", auth) != 0)
			return pkit_seterr_nomem(ctx);
	}
	if (!json_is_object(auth))
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: authority: "
		    "expected an object", path);
	list = json_object_get(auth, "provisioners");
	if (list == NULL || json_is_null(list)) {
		if ((list = json_array()) == NULL ||
		    json_object_set_new(auth, "provisioners", list) != 0)
			return pkit_seterr_nomem(ctx);
	}
	if (!json_is_array(list))
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: "
		    "authority.provisioners: expected a list", path);
	*out = list;
	return PKIT_OK;
}

/* The index of the provisioner called name in list, or -1. */
static long
find(const json_t *list, const char *name)
{
	const json_t *p;
	const char *n;
	size_t i;

	json_array_foreach(list, i, p) {
		n = json_string_value(json_object_get(p, "name"));
		if (n != NULL && strcmp(n, name) == 0)
			return (long)i;
	}
	return -1;
}

/* Parse doc as ca serve would, set the claims of s on the provisioner
 * called name (NULL: none), and write it to path atomically. */
static int
save(struct pkit_ctx *ctx, const char *path, json_t *doc, const char *name,
    const struct pkit_ca_prov_spec *s)
{
	struct pkit_ca_config *cfg = NULL, *check = NULL;
	struct pkit_ca_provisioner *p = NULL;
	struct pkit_ca_claims resolved;
	struct stat st;
	char *text = NULL, *out = NULL, what[512];
	unsigned flags = PKIT_WRITE_FORCE;
	size_t i, len = 0;
	int r;

	if ((text = json_dumps(doc, JSON_COMPACT)) == NULL)
		return pkit_seterr_nomem(ctx);
	if ((r = pkit_ca_config_parse(ctx, text, strlen(text), path, NULL,
	    &cfg)) != 0)
		goto out;
	for (i = 0; name != NULL && i < cfg->nprovisioners; i++)
		if (strcmp(cfg->provisioners[i].name, name) == 0)
			p = &cfg->provisioners[i];
	if (p != NULL) {
		for (i = 0; i < NITEMS(duration_claims); i++) {
			int64_t v = *(const int64_t *)((const char *)&s->claims +
			    duration_claims[i]);

			if (v != 0)
				*(int64_t *)((char *)&p->claims +
				    duration_claims[i]) = v;
		}
		for (i = 0; i < NITEMS(flag_claims); i++) {
			int v = *(const int *)((const char *)&s->claims +
			    flag_claims[i]);

			if (v != -1)
				*(int *)((char *)&p->claims + flag_claims[i]) = v;
		}
		snprintf(what, sizeof(what), "provisioner %s", name);
		if ((r = pkit_ca_claims_resolve(ctx, &p->claims, &cfg->claims,
		    what, &resolved)) != 0)
			goto out;
	}
	if ((r = pkit_ca_config_encode(ctx, cfg, &out, &len)) != 0 ||
	    (r = pkit_ca_config_parse(ctx, out, len, path, NULL, &check)) != 0)
		goto out;
	if (stat(path, &st) == 0 && (st.st_mode & 077) == 0)
		flags |= PKIT_WRITE_PRIVATE;
	r = pkit_file_write(ctx, path, out, len, flags);
out:
	pkit_ca_config_free(cfg);
	pkit_ca_config_free(check);
	if (text != NULL)
		pkit_secret_strfree(text);
	if (out != NULL)
		pkit_secret_strfree(out);
	return r;
}

/* Serialize editors of the same ca.json: an exclusive lock on its
 * directory (the file itself is replaced by each edit); *fd is the
 * descriptor to close. */
static int
lock_dir(struct pkit_ctx *ctx, const char *path, int *fd)
{
	char *copy, *dir;
	int r = PKIT_OK;

	if ((copy = strdup(path)) == NULL)
		return pkit_seterr_nomem(ctx);
	dir = dirname(copy);
	if ((*fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    flock(*fd, LOCK_EX) == -1) {
		r = pkit_seterr_sys(ctx, "%s", dir);
		if (*fd != -1)
			close(*fd);
		*fd = -1;
	}
	free(copy);
	return r;
}

/* Read and check the ca.json at path; *doc is a copy to edit. */
static int
load(struct pkit_ctx *ctx, const char *path, json_t **doc)
{
	struct pkit_ca_config *cfg = NULL;
	int r;

	*doc = NULL;
	if ((r = pkit_ca_config_load(ctx, path, NULL, &cfg)) != 0)
		return r;
	if ((*doc = json_deep_copy(cfg->doc)) == NULL)
		r = pkit_seterr_nomem(ctx);
	pkit_ca_config_free(cfg);
	return r;
}

int
pkit_ca_provisioner_add(struct pkit_ctx *ctx, const char *path,
    const struct pkit_ca_prov_spec *s, char **kid)
{
	json_t *doc = NULL, *list, *prov = NULL;
	const char *type = NULL;
	char *k = NULL;
	size_t i;
	int r, lock;

	if (kid != NULL)
		*kid = NULL;
	for (i = 0; s->type != NULL && i < NITEMS(types); i++)
		if (strcasecmp(s->type, types[i]) == 0)
			type = types[i];
	if (type == NULL)
		return pkit_seterr(ctx, PKIT_ERR_ARG, "provisioner type '%s': "
		    "not one of JWK, X5C, ACME, OIDC, SSHPOP", s->type != NULL ?
		    s->type : "");
	if (s->name == NULL || *s->name == '\0')
		return pkit_seterr(ctx, PKIT_ERR_ARG, "a provisioner needs a "
		    "name");
	if ((r = lock_dir(ctx, path, &lock)) != 0)
		return r;
	if ((r = load(ctx, path, &doc)) != 0 ||
	    (r = prov_list(ctx, path, doc, &list)) != 0)
		goto out;
	if (find(list, s->name) >= 0) {
		r = pkit_seterr(ctx, PKIT_ERR_EXISTS, "%s: there is already a "
		    "provisioner called '%s'", path, s->name);
		goto out;
	}
	if ((prov = json_object()) == NULL) {
		r = pkit_seterr_nomem(ctx);
		goto out;
	}
	if ((r = put(ctx, prov, "type", json_string(type))) != 0 ||
	    (r = put_opt_str(ctx, prov, "name", s->name)) != 0 ||
	    (r = apply(ctx, prov, type, 1, s, &k)) != 0)
		goto out;
	if (json_array_append(list, prov) != 0) {
		r = pkit_seterr_nomem(ctx);
		goto out;
	}
	if ((r = save(ctx, path, doc, s->name, s)) != 0)
		goto out;
	if (kid != NULL) {
		*kid = k;
		k = NULL;
	}
out:
	close(lock);
	free(k);
	json_decref(prov);
	json_decref(doc);
	return r;
}

int
pkit_ca_provisioner_update(struct pkit_ctx *ctx, const char *path,
    const char *name, const struct pkit_ca_prov_spec *s, char **kid)
{
	json_t *doc = NULL, *list, *prov;
	const char *type = NULL, *t;
	char *k = NULL;
	long idx;
	size_t i;
	int r, lock;

	if (kid != NULL)
		*kid = NULL;
	if ((r = lock_dir(ctx, path, &lock)) != 0)
		return r;
	if ((r = load(ctx, path, &doc)) != 0 ||
	    (r = prov_list(ctx, path, doc, &list)) != 0)
		goto out;
	if ((idx = find(list, name)) < 0) {
		r = pkit_seterr(ctx, PKIT_ERR_NOT_FOUND, "%s: there is no "
		    "provisioner called '%s'", path, name);
		goto out;
	}
	prov = json_array_get(list, (size_t)idx);
	t = json_string_value(json_object_get(prov, "type"));
	for (i = 0; t != NULL && i < NITEMS(types); i++)
		if (strcasecmp(t, types[i]) == 0)
			type = types[i];
	if (type == NULL) {
		r = pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED, "%s: provisioner "
		    "'%s' is of type %s, which pkit does not edit", path, name,
		    t != NULL ? t : "(none)");
		goto out;
	}
	if (s->name != NULL && strcmp(s->name, name) != 0) {
		if (*s->name == '\0' || find(list, s->name) >= 0) {
			r = pkit_seterr(ctx, *s->name == '\0' ? PKIT_ERR_ARG :
			    PKIT_ERR_EXISTS, "%s: cannot rename '%s' to '%s'%s",
			    path, name, s->name, *s->name == '\0' ? "" :
			    ": the name is taken");
			goto out;
		}
		if ((r = put_opt_str(ctx, prov, "name", s->name)) != 0)
			goto out;
		name = s->name;
	}
	if ((r = apply(ctx, prov, type, 0, s, &k)) != 0 ||
	    (r = save(ctx, path, doc, name, s)) != 0)
		goto out;
	if (kid != NULL) {
		*kid = k;
		k = NULL;
	}
out:
	close(lock);
	free(k);
	json_decref(doc);
	return r;
}

int
pkit_ca_provisioner_remove(struct pkit_ctx *ctx, const char *path,
    const char *name)
{
	json_t *doc = NULL, *list;
	long idx;
	int r, lock;

	if ((r = lock_dir(ctx, path, &lock)) != 0)
		return r;
	if ((r = load(ctx, path, &doc)) != 0 ||
	    (r = prov_list(ctx, path, doc, &list)) != 0)
		goto out;
	if ((idx = find(list, name)) < 0) {
		r = pkit_seterr(ctx, PKIT_ERR_NOT_FOUND, "%s: there is no "
		    "provisioner called '%s'", path, name);
		goto out;
	}
	if (json_array_remove(list, (size_t)idx) != 0) {
		r = pkit_seterr_nomem(ctx);
		goto out;
	}
	r = save(ctx, path, doc, NULL, NULL);
out:
	close(lock);
	json_decref(doc);
	return r;
}

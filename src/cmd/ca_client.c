/* ca_client.c - flags, defaults and output shared by the `pkit ca` client
 * verbs (see ca_client.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ca_client.h"
#include "lib/ca/client.h"
#include "lib/ca/offline.h"
#include "lib/fs.h"
#include "lib/key.h"
#include "lib/secret.h"

/* The first value set: flag, then environment, then defaults.json. */
static const char *
pick(const char *flag, const char *global, const char *env,
    const json_t *defaults, const char *key)
{
	const char *v;

	if (flag != NULL && *flag != '\0')
		return flag;
	if (global != NULL && *global != '\0')
		return global;
	if ((v = getenv(env)) != NULL && *v != '\0')
		return v;
	return pkit_ca_defaults_get(defaults, key);
}

int
ca_path(struct cmd_run *run, const char *rel, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s/%s", run->g->base, rel);

	if (n < 0 || (size_t)n >= size)
		return pkit_seterr(run->ctx, PKIT_ERR_ARG, "%s/%s: path too "
		    "long", run->g->base, rel);
	return PKIT_OK;
}

void
ca_config_release(struct ca_config *cfg)
{
	json_decref(cfg->defaults);
	free(cfg->root_path);
	memset(cfg, 0, sizeof(*cfg));
}

int
ca_config_resolve(struct cmd_run *run, const struct ca_flags *flags,
    unsigned need, struct ca_config *cfg)
{
	char path[4096];
	const char *root;
	size_t n;
	int r;

	memset(cfg, 0, sizeof(*cfg));
	if (flags->context != NULL &&
	    (r = cmd_context_apply(run, flags->context)) != 0)
		return cmd_fail(run, r);
	if ((r = ca_path(run, PKIT_CA_DEFAULTS_FILE, path, sizeof(path))) != 0 ||
	    (r = pkit_ca_defaults_load(run->ctx, path, &cfg->defaults)) != 0)
		return cmd_fail(run, r);
	/* As step: the profile's defaults win over the authority's. */
	if (run->g->profile != NULL) {
		json_t *prof = NULL;
		int pn = snprintf(path, sizeof(path), "%s/%s", run->g->profile,
		    PKIT_CA_DEFAULTS_FILE);

		if (pn < 0 || (size_t)pn >= sizeof(path))
			r = pkit_seterr(run->ctx, PKIT_ERR_ARG, "%s: path too "
			    "long", run->g->profile);
		else if ((r = pkit_ca_defaults_load(run->ctx, path,
		    &prof)) == 0 && json_object_update(cfg->defaults,
		    prof) != 0)
			r = pkit_seterr(run->ctx, PKIT_ERR_NOMEM, "%s", path);
		json_decref(prof);
		if (r != 0) {
			ca_config_release(cfg);
			return cmd_fail(run, r);
		}
	}
	cfg->ca_url = pick(flags->ca_url, run->g->ca_url, "PKIT_CA_URL",
	    cfg->defaults, "ca-url");
	cfg->fingerprint = pick(flags->fingerprint, NULL, "PKIT_FINGERPRINT",
	    cfg->defaults, "fingerprint");
	if (flags->root != NULL && *flags->root != '\0')
		cfg->root = flags->root;
	else if (run->g->root != NULL && *run->g->root != '\0')
		cfg->root = run->g->root;
	else if ((root = getenv("PKIT_ROOT")) != NULL && *root != '\0')
		cfg->root = root;
	else if ((root = pkit_ca_defaults_get(cfg->defaults, "root")) != NULL) {
		/* As step, a relative path in defaults.json is relative to
		 * the configuration directory. */
		if (root[0] == '/')
			cfg->root = root;
		else {
			n = strlen(run->g->base) + strlen(root) + 2;
			if ((cfg->root_path = malloc(n)) == NULL) {
				ca_config_release(cfg);
				return cmd_fail(run, pkit_seterr(run->ctx,
				    PKIT_ERR_NOMEM, "%s", root));
			}
			snprintf(cfg->root_path, n, "%s/%s", run->g->base, root);
			cfg->root = cfg->root_path;
		}
	} else if (ca_path(run, PKIT_CA_ROOT_FILE, path, sizeof(path)) == 0 &&
	    pkit_file_exists(path)) {
		if ((cfg->root_path = strdup(path)) == NULL) {
			ca_config_release(cfg);
			return cmd_fail(run, pkit_seterr(run->ctx,
			    PKIT_ERR_NOMEM, "%s", path));
		}
		cfg->root = cfg->root_path;
	}
	if ((need & CA_NEED_URL) && cfg->ca_url == NULL) {
		ca_config_release(cfg);
		return cmd_usage_error(run, "no CA URL: use --ca-url or "
		    "PKIT_CA_URL%s", (need & CA_NEED_FINGERPRINT) ? "" :
		    ", or run 'pkit ca bootstrap' first");
	}
	if ((need & CA_NEED_FINGERPRINT) && cfg->fingerprint == NULL) {
		ca_config_release(cfg);
		return cmd_usage_error(run, "no root fingerprint: use "
		    "--fingerprint or PKIT_FINGERPRINT");
	}
	if ((need & CA_NEED_ROOT) && cfg->root == NULL) {
		ca_config_release(cfg);
		return cmd_usage_error(run, "no root certificate: use --root "
		    "or PKIT_ROOT, or run 'pkit ca bootstrap' first");
	}
	return CMD_CONTINUE;
}

int
ca_client_open(struct cmd_run *run, const struct ca_config *cfg,
    struct pkit_ca_client **out)
{
	struct pkit_ca_client *c = NULL;
	int r;

	*out = NULL;
	if ((r = pkit_ca_client_new(run->ctx, cfg->ca_url, &c)) != 0)
		return r;
	if (cfg->root != NULL &&
	    (r = pkit_ca_client_load_roots(run->ctx, c, cfg->root)) != 0) {
		pkit_ca_client_free(c);
		return r;
	}
	*out = c;
	return PKIT_OK;
}

int
ca_save(struct cmd_run *run, const char *path, const void *data,
    size_t len, int force, const char *what)
{
	int r;

	if (path == NULL || strcmp(path, "-") == 0) {
		if (fwrite(data, 1, len, stdout) != len)
			return pkit_seterr_sys(run->ctx, "standard output");
		return PKIT_OK;
	}
	if ((r = cmd_may_overwrite(run, path, force)) != 0 ||
	    (r = pkit_file_write(run->ctx, path, data, len,
	    PKIT_WRITE_PRIVATE | PKIT_WRITE_FORCE)) != 0)
		return r;
	fprintf(stderr, "The %s has been saved in %s.\n", what, path);
	return PKIT_OK;
}

int
ca_offline_open(struct cmd_run *run, const struct ca_offline_flags *f,
    int key, struct pkit_ca_offline **out)
{
	struct pkit_ca_offline *o = NULL;
	const struct pkit_ca_config *cfg;
	unsigned char *data = NULL;
	EVP_PKEY *k = NULL;
	char path[4096], *pw = NULL;
	const char *conf = f->ca_config, *kpath;
	size_t len = 0;
	int r;

	*out = NULL;
	if (conf == NULL) {
		if ((r = ca_path(run, "config/ca.json", path,
		    sizeof(path))) != 0)
			return r;
		conf = path;
	}
	if ((r = pkit_ca_offline_open(run->ctx, conf, run->g->base, &o)) != 0)
		return r;
	if (!key) {
		*out = o;
		return PKIT_OK;
	}
	cfg = pkit_ca_offline_config(o);
	kpath = pkit_ca_offline_key_path(o);
	/* As ca serve: the flag, else ca.json's "password", else a prompt. */
	if ((r = pkit_file_read(run->ctx, kpath, 1024 * 1024, &data,
	    &len)) == 0) {
		if (f->ca_password_file == NULL && cfg->password != NULL)
			r = pkit_key_parse_private(run->ctx, data, len,
			    cfg->password, kpath, &k);
		else {
			snprintf(path, sizeof(path), "Please enter the password "
			    "to decrypt %s: ", kpath);
			if (pkit_key_is_encrypted(data, len))
				r = cmd_password(run, f->ca_password_file, path,
				    0, "--ca-password-file", &pw);
			else
				r = pkit_file_check_private(run->ctx, kpath);
			if (r == 0)
				r = pkit_key_parse_private(run->ctx, data, len,
				    pw, kpath, &k);
		}
		pkit_secret_free(data, len);
	}
	if (r == 0)
		r = pkit_ca_offline_set_key(run->ctx, o, k);
	EVP_PKEY_free(k);
	pkit_secret_strfree(pw);
	if (r != 0) {
		pkit_ca_offline_free(o);
		return r;
	}
	*out = o;
	return PKIT_OK;
}

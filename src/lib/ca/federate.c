/* federate.c - federatedRoots edits (see federate.h). */
#include "config.h"

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509v3.h>

#include "lib/ca/ca_config.h"
#include "lib/ca/client.h"
#include "lib/ca/federate.h"
#include "lib/fs.h"
#include "lib/x509.h"

/* Is a certificate with fingerprint fp in one of the files? */
static int
has_root(struct pkit_ctx *ctx, const struct pkit_ca_config *cfg,
    char *const *files, size_t n, const char *fp, int *found)
{
	STACK_OF(X509) *sk = NULL;
	char other[PKIT_CA_FP_LEN + 1], *path = NULL;
	size_t i;
	int k, r;

	*found = 0;
	for (i = 0; i < n && !*found; i++) {
		if ((r = pkit_ca_config_path(ctx, cfg, files[i], &path)) != 0 ||
		    (r = pkit_x509_load_certs(ctx, path, &sk)) != 0) {
			free(path);
			return r;
		}
		for (k = 0; k < sk_X509_num(sk) && !*found; k++) {
			if ((r = pkit_ca_fingerprint(ctx, sk_X509_value(sk, k),
			    other)) != 0)
				break;
			*found = strcmp(other, fp) == 0;
		}
		sk_X509_pop_free(sk, X509_free);
		sk = NULL;
		free(path);
		path = NULL;
		if (r != 0)
			return r;
	}
	return PKIT_OK;
}

int
pkit_ca_federate(struct pkit_ctx *ctx, const char *config, const char *base,
    const char *dir, X509 *root, struct pkit_ca_federated *out)
{
	struct pkit_ca_config *cfg = NULL;
	unsigned char *pem = NULL;
	char fp[PKIT_CA_FP_LEN + 1], *path = NULL, **v;
	size_t pem_len = 0, n;
	struct stat st;
	unsigned flags = PKIT_WRITE_FORCE;
	int found, r;

	memset(out, 0, sizeof(*out));
	if (X509_check_ca(root) <= 0)
		return pkit_seterr(ctx, PKIT_ERR_ARG, "the certificate is not a "
		    "CA certificate");
	if ((r = pkit_ca_fingerprint(ctx, root, fp)) != 0 ||
	    (r = pkit_ca_config_load(ctx, config, base, &cfg)) != 0)
		goto out;
	if ((r = has_root(ctx, cfg, cfg->roots, cfg->nroots, fp,
	    &found)) != 0)
		goto out;
	if (found) {
		r = pkit_seterr(ctx, PKIT_ERR_ARG, "%s: root %s is this CA's "
		    "own root", config, fp);
		goto out;
	}
	if ((r = has_root(ctx, cfg, cfg->federated_roots,
	    cfg->nfederated_roots, fp, &found)) != 0)
		goto out;
	n = strlen(dir) + sizeof("/federated-.crt") + PKIT_CA_FP_LEN;
	if ((path = malloc(n)) == NULL) {
		r = pkit_seterr_nomem(ctx);
		goto out;
	}
	snprintf(path, n, "%s/federated-%s.crt", dir, fp);
	if (!found) {
		if ((v = reallocarray(cfg->federated_roots,
		    cfg->nfederated_roots + 2, sizeof(*v))) == NULL) {
			r = pkit_seterr_nomem(ctx);
			goto out;
		}
		cfg->federated_roots = v;
		if ((v[cfg->nfederated_roots] = strdup(path)) == NULL) {
			r = pkit_seterr_nomem(ctx);
			goto out;
		}
		v[++cfg->nfederated_roots] = NULL;
		/* the root first, then the configuration that names it */
		if (stat(config, &st) == 0 && (st.st_mode & 077) == 0)
			flags |= PKIT_WRITE_PRIVATE;
		if ((r = pkit_x509_encode(ctx, root, PKIT_KEY_PEM, &pem,
		    &pem_len)) != 0 ||
		    (r = pkit_mkdirs(ctx, dir, 0700)) != 0 ||
		    (r = pkit_file_write(ctx, path, pem, pem_len,
		    PKIT_WRITE_FORCE)) != 0 ||
		    (r = pkit_ca_config_write(ctx, cfg, config, flags)) != 0)
			goto out;
	}
	out->added = !found;
	memcpy(out->fingerprint, fp, sizeof(out->fingerprint));
	out->path = path;
	path = NULL;
	r = PKIT_OK;
out:
	free(pem);
	free(path);
	pkit_ca_config_free(cfg);
	return r;
}

/* x509_verify.c - path validation with OpenSSL, and trust-store files. */
#include "config.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "fs.h"
#include "x509.h"
#include "x509_info.h"
#include "x509_verify.h"
#include "revcheck.h"

extern char **environ;

void
pkit_verify_result_release(struct pkit_verify_result *res)
{
	if (res == NULL)
		return;
	sk_X509_pop_free(res->chain, X509_free);
	res->chain = NULL;
}

static int
purpose_id(const char *p)
{
	if (p == NULL || strcmp(p, "server") == 0)
		return X509_PURPOSE_SSL_SERVER;
	if (strcmp(p, "client") == 0)
		return X509_PURPOSE_SSL_CLIENT;
	if (strcmp(p, "email") == 0)
		return X509_PURPOSE_SMIME_SIGN;
	if (strcmp(p, "any") == 0)
		return X509_PURPOSE_ANY;
	return -1;
}

static int
load_store(struct pkit_ctx *ctx, X509_STORE *store, const char *roots)
{
	struct stat st;
	STACK_OF(X509) *sk = NULL;
	int i, r;

	if (roots == NULL) {
		if (!X509_STORE_set_default_paths_ex(store, ctx->libctx,
		    ctx->propq))
			return pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO,
			    "cannot load the system trust store");
		return PKIT_OK;
	}
	if (stat(roots, &st) != 0)
		return errno == ENOENT ? pkit_seterr(ctx, PKIT_ERR_NOT_FOUND,
		    "%s: no such file", roots) :
		    pkit_seterr_sys(ctx, "%s", roots);
	if (S_ISDIR(st.st_mode)) {
		if (!X509_STORE_load_path(store, roots))
			return pkit_seterr_ssl(ctx, PKIT_ERR_FORMAT,
			    "%s: cannot use as a directory of roots", roots);
		return PKIT_OK;
	}
	/* A file: every certificate in it (PEM or DER) is a trust anchor. */
	if ((r = pkit_x509_load_certs(ctx, roots, &sk)) != 0)
		return r;
	for (i = 0; i < sk_X509_num(sk); i++) {
		if (!X509_STORE_add_cert(store, sk_X509_value(sk, i))) {
			sk_X509_pop_free(sk, X509_free);
			return pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "%s",
			    roots);
		}
	}
	sk_X509_pop_free(sk, X509_free);
	return PKIT_OK;
}

static int
is_ip(const char *s)
{
	unsigned char buf[16];

	return inet_pton(AF_INET, s, buf) == 1 ||
	    inet_pton(AF_INET6, s, buf) == 1;
}

int
pkit_x509_verify(struct pkit_ctx *ctx, STACK_OF(X509) *certs,
    const char *name, const struct pkit_verify_opts *opts,
    struct pkit_verify_result *res)
{
	X509_STORE *store = NULL;
	X509_STORE_CTX *sctx = NULL;
	X509_VERIFY_PARAM *vp;
	STACK_OF(X509) *untrusted = NULL;
	X509 *leaf, *ca = NULL;
	int purpose, i, r = PKIT_ERR_INTERNAL;

	memset(res, 0, sizeof(*res));
	res->error = X509_V_OK;
	if (certs == NULL || sk_X509_num(certs) == 0)
		return pkit_seterr(ctx, PKIT_ERR_ARG, "%s: no certificate",
		    name);
	leaf = sk_X509_value(certs, 0);
	if ((purpose = purpose_id(opts->purpose)) < 0)
		return pkit_seterr(ctx, PKIT_ERR_ARG, "%s: unknown purpose",
		    opts->purpose);
	if ((store = X509_STORE_new()) == NULL ||
	    (sctx = X509_STORE_CTX_new_ex(ctx->libctx, ctx->propq)) == NULL ||
	    (untrusted = sk_X509_new_null()) == NULL) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", name);
		goto out;
	}
	if ((r = load_store(ctx, store, opts->roots)) != 0)
		goto out;
	/* As Go (and so step) does, any certificate given as a root is a
	 * trust anchor, self-signed or not. */
	if (opts->roots != NULL)
		X509_STORE_set_flags(store, X509_V_FLAG_PARTIAL_CHAIN);
	for (i = 1; i < sk_X509_num(certs); i++) {
		if (!sk_X509_push(untrusted, sk_X509_value(certs, i))) {
			r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", name);
			goto out;
		}
	}
	if (opts->issuing_ca != NULL) {
		if ((r = pkit_x509_load_cert(ctx, opts->issuing_ca, &ca)) != 0)
			goto out;
		if (!sk_X509_push(untrusted, ca)) {
			r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", name);
			goto out;
		}
	}
	if (!X509_STORE_CTX_init(sctx, store, leaf, untrusted)) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "%s", name);
		goto out;
	}
	vp = X509_STORE_CTX_get0_param(sctx);
	if (ctx->fixed_now != 0)
		X509_VERIFY_PARAM_set_time(vp, ctx->fixed_now);
	if (purpose != X509_PURPOSE_ANY &&
	    !X509_STORE_CTX_set_purpose(sctx, purpose)) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "%s", name);
		goto out;
	}
	if (opts->crls != NULL) {
		X509_STORE_CTX_set0_crls(sctx, opts->crls);
		X509_VERIFY_PARAM_set_flags(vp, X509_V_FLAG_CRL_CHECK);
	}
	if (opts->host != NULL && (is_ip(opts->host) ?
	    !X509_VERIFY_PARAM_set1_ip_asc(vp, opts->host) :
	    !X509_VERIFY_PARAM_set1_host(vp, opts->host, 0))) {
		r = pkit_seterr(ctx, PKIT_ERR_ARG, "%s: not a host name or "
		    "IP address", opts->host);
		goto out;
	}
	if (X509_verify_cert(sctx) != 1) {
		X509 *cur = X509_STORE_CTX_get_current_cert(sctx);

		res->error = X509_STORE_CTX_get_error(sctx);
		res->depth = X509_STORE_CTX_get_error_depth(sctx);
		snprintf(res->reason, sizeof(res->reason), "%s",
		    X509_verify_cert_error_string(res->error));
		if (res->error == X509_V_ERR_CERT_REVOKED && cur != NULL)
			pkit_crl_revoked_detail(opts->crls, cur, res->reason,
			    sizeof(res->reason));
		pkit_x509_name_text(X509_get_subject_name(cur != NULL ? cur :
		    leaf), res->subject, sizeof(res->subject));
		r = res->error == X509_V_ERR_CERT_HAS_EXPIRED ||
		    res->error == X509_V_ERR_CERT_NOT_YET_VALID ?
		    PKIT_ERR_EXPIRED : PKIT_ERR_VERIFY;
		r = pkit_seterr(ctx, r, "%s: %s", name, res->reason);
		goto out;
	}
	res->chain = X509_STORE_CTX_get1_chain(sctx);
	if (ca != NULL && (sk_X509_num(res->chain) < 2 ||
	    X509_cmp(sk_X509_value(res->chain, 1), ca) != 0)) {
		res->error = X509_V_ERR_APPLICATION_VERIFICATION;
		res->depth = 0;
		snprintf(res->reason, sizeof(res->reason),
		    "not issued by the CA in %s", opts->issuing_ca);
		pkit_x509_name_text(X509_get_subject_name(leaf), res->subject,
		    sizeof(res->subject));
		pkit_verify_result_release(res);
		r = pkit_seterr(ctx, PKIT_ERR_VERIFY, "%s: %s", name,
		    res->reason);
		goto out;
	}
	r = PKIT_OK;
out:
	sk_X509_free(untrusted);
	X509_free(ca);
	X509_STORE_CTX_free(sctx);
	X509_STORE_free(store);
	ERR_clear_error();
	return r;
}

/* ---- the trust store ------------------------------------------------- */

int
pkit_trust_filename(struct pkit_ctx *ctx, X509 *crt, const char *prefix,
    char *buf, size_t size)
{
	char base[256];
	size_t i;

	if (prefix != NULL && *prefix != '\0') {
		snprintf(base, sizeof(base), "%s", prefix);
	} else {
		pkit_x509_name_cn(X509_get_subject_name(crt), base,
		    sizeof(base));
		if (*base == '\0') {
			unsigned char md[EVP_MAX_MD_SIZE];
			unsigned int n = 0;

			if (!X509_digest(crt, EVP_sha256(), md, &n) || n < 4)
				return pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO,
				    "certificate digest");
			snprintf(base, sizeof(base), "pkit-%02x%02x%02x%02x",
			    md[0], md[1], md[2], md[3]);
		}
	}
	for (i = 0; base[i] != '\0'; i++) {
		unsigned char c = (unsigned char)base[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    (c == '.' && i > 0)))
			base[i] = '_';
	}
	if ((size_t)snprintf(buf, size, "%s.crt", base) >= size)
		return pkit_seterr(ctx, PKIT_ERR_ARG, "%s: name too long",
		    base);
	return PKIT_OK;
}

static int
join(struct pkit_ctx *ctx, const char *dir, const char *file, char *buf,
    size_t size)
{
	if (strchr(file, '/') != NULL || strcmp(file, ".crt") == 0)
		return pkit_seterr(ctx, PKIT_ERR_ARG, "%s: not a file name",
		    file);
	if ((size_t)snprintf(buf, size, "%s/%s", dir, file) >= size)
		return pkit_seterr(ctx, PKIT_ERR_ARG, "%s: path too long", dir);
	return PKIT_OK;
}

static int
need_root(struct pkit_ctx *ctx, const char *path)
{
	return pkit_seterr(ctx, PKIT_ERR_PERM, "%s: permission denied; "
	    "changing the system trust store needs root (try sudo)", path);
}

int
pkit_trust_install(struct pkit_ctx *ctx, const char *dir,
    const char *filename, X509 *crt, int force, int *changed)
{
	char path[4096];
	unsigned char *pem = NULL, *old = NULL;
	size_t plen = 0, olen = 0;
	int r;

	*changed = 0;
	if ((r = join(ctx, dir, filename, path, sizeof(path))) != 0)
		return r;
	if (!pkit_file_exists(dir) && (r = pkit_mkdirs(ctx, dir, 0755)) != 0)
		return errno == EACCES || errno == EPERM || errno == EROFS ?
		    need_root(ctx, dir) : r;
	if (access(dir, W_OK) != 0)
		return errno == EACCES || errno == EROFS || errno == EPERM ?
		    need_root(ctx, dir) : pkit_seterr_sys(ctx, "%s", dir);
	if ((r = pkit_x509_encode(ctx, crt, PKIT_KEY_PEM, &pem, &plen)) != 0)
		return r;
	if (pkit_file_exists(path)) {
		if ((r = pkit_file_read(ctx, path, PKIT_FILE_MAX, &old,
		    &olen)) != 0)
			goto out;
		if (olen == plen && memcmp(old, pem, plen) == 0) {
			r = PKIT_OK;
			goto out;
		}
		if (!force) {
			r = pkit_seterr(ctx, PKIT_ERR_EXISTS, "%s: holds "
			    "another certificate (use --force to replace it, "
			    "or --prefix)", path);
			goto out;
		}
	}
	if ((r = pkit_file_write(ctx, path, pem, plen, PKIT_WRITE_FORCE)) != 0)
		goto out;
	if (chmod(path, 0644) != 0) {
		r = pkit_seterr_sys(ctx, "%s", path);
		goto out;
	}
	*changed = 1;
	r = PKIT_OK;
out:
	free(pem);
	free(old);
	return r;
}

int
pkit_trust_uninstall(struct pkit_ctx *ctx, const char *dir,
    const char *filename, X509 *crt, int force)
{
	char path[4096];
	STACK_OF(X509) *sk = NULL;
	int r, same;

	if ((r = join(ctx, dir, filename, path, sizeof(path))) != 0)
		return r;
	if (!pkit_file_exists(path))
		return pkit_seterr(ctx, PKIT_ERR_NOT_FOUND, "%s: not installed "
		    "(no such file)", path);
	if ((r = pkit_x509_load_certs(ctx, path, &sk)) != 0 && !force)
		return r;
	same = sk != NULL && X509_cmp(sk_X509_value(sk, 0), crt) == 0;
	sk_X509_pop_free(sk, X509_free);
	if (!same && !force)
		return pkit_seterr(ctx, PKIT_ERR_MISMATCH, "%s: holds another "
		    "certificate (use --force to remove it anyway)", path);
	if (unlink(path) != 0)
		return errno == EACCES || errno == EPERM || errno == EROFS ?
		    need_root(ctx, path) : pkit_seterr_sys(ctx, "%s", path);
	return PKIT_OK;
}

int
pkit_trust_update(struct pkit_ctx *ctx, const char *program)
{
	posix_spawn_file_actions_t fa;
	char *argv[2];
	pid_t pid;
	int e, status;

	argv[0] = (char *)program;
	argv[1] = NULL;
	if (posix_spawn_file_actions_init(&fa) != 0)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", program);
	/* Its report goes with pkit's messages, not into our output. */
	posix_spawn_file_actions_adddup2(&fa, STDERR_FILENO, STDOUT_FILENO);
	fflush(stdout);
	e = posix_spawnp(&pid, program, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (e != 0) {
		errno = e;
		return pkit_seterr_sys(ctx, "%s", program);
	}
	while (waitpid(pid, &status, 0) == -1) {
		if (errno != EINTR)
			return pkit_seterr_sys(ctx, "%s", program);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return PKIT_OK;
	if (WIFEXITED(status))
		return pkit_seterr(ctx, PKIT_ERR_SYSTEM, "%s failed (exit "
		    "status %d)", program, WEXITSTATUS(status));
	return pkit_seterr(ctx, PKIT_ERR_SYSTEM, "%s was killed by signal %d",
	    program, WTERMSIG(status));
}

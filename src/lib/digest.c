/* digest.c - message digests of buffers, files and directory trees.
 *
 * Files are read in 64 KiB chunks, so their size does not matter.  A
 * directory is walked first (following symbolic links, refusing loops and
 * anything that is neither a regular file nor a directory), the relative
 * names of its regular files are sorted in byte order, and then each file
 * is hashed and its sha256sum-style line is fed to the directory's digest.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "codec.h"
#include "digest.h"
#include "secret.h"

#define CHUNK (64 * 1024)

struct alg {
	const char *name;	/* pkit's name, as on the command line */
	const char *ossl;	/* OpenSSL's */
	int broken;		/* needs PKIT_DIGEST_INSECURE */
};

static const struct alg algs[] = {
	{ "sha256", "SHA256", 0 },
	{ "sha224", "SHA224", 0 },
	{ "sha384", "SHA384", 0 },
	{ "sha512", "SHA512", 0 },
	{ "sha512-224", "SHA512-224", 0 },
	{ "sha512-256", "SHA512-256", 0 },
	{ "sha3-256", "SHA3-256", 0 },
	{ "sha3-384", "SHA3-384", 0 },
	{ "sha3-512", "SHA3-512", 0 },
	{ "blake2b-512", "BLAKE2B-512", 0 },
	{ "blake2s-256", "BLAKE2S-256", 0 },
	{ "sha1", "SHA1", 1 },
	{ "md5", "MD5", 1 },
};

/* A directory on the way down from the root of a walk, to find loops. */
struct ancestor {
	dev_t dev;
	ino_t ino;
	int depth;
	const struct ancestor *up;
};

/* Deeper trees are refused rather than risking the stack. */
#define MAX_DEPTH 256

/* The regular files found by a walk, relative to its root. */
struct names {
	char **v;
	size_t n, cap;
};

static const struct alg *
find_alg(const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (strcmp(algs[i].name, name) == 0)
			return &algs[i];
	return NULL;
}

int
pkit_digest_check(struct pkit_ctx *ctx, const char *alg, unsigned flags)
{
	const struct alg *a;

	if ((a = find_alg(alg)) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED,
		    "%s: unknown digest algorithm", alg != NULL ? alg : "(null)");
	if (a->broken && !(flags & PKIT_DIGEST_INSECURE))
		return pkit_seterr(ctx, PKIT_ERR_INSECURE,
		    "%s: a broken digest algorithm; pass --insecure to use it",
		    alg);
	return PKIT_OK;
}

static int
fetch(struct pkit_ctx *ctx, const char *alg, unsigned flags, EVP_MD **out)
{
	EVP_MD *md;
	int r;

	*out = NULL;
	if ((r = pkit_digest_check(ctx, alg, flags)) != 0)
		return r;
	if ((md = EVP_MD_fetch(ctx->libctx, find_alg(alg)->ossl,
	    ctx->propq)) == NULL)
		return pkit_seterr_ssl(ctx, PKIT_ERR_UNSUPPORTED,
		    "%s: not available in this OpenSSL", alg);
	*out = md;
	return PKIT_OK;
}

static int
finish(struct pkit_ctx *ctx, EVP_MD_CTX *mctx, const char *name,
    unsigned char *md, size_t *mdlen)
{
	unsigned int n = 0;

	if (EVP_DigestFinal_ex(mctx, md, &n) != 1)
		return pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "%s: digest", name);
	*mdlen = n;
	return PKIT_OK;
}

int
pkit_digest_buf(struct pkit_ctx *ctx, const char *alg, unsigned flags,
    const void *data, size_t len, unsigned char *md, size_t *mdlen)
{
	EVP_MD *m = NULL;
	EVP_MD_CTX *mctx = NULL;
	int r = PKIT_ERR_INTERNAL;

	if ((r = fetch(ctx, alg, flags, &m)) != 0)
		goto out;
	if ((mctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(mctx, m, NULL) != 1 ||
	    EVP_DigestUpdate(mctx, data, len) != 1) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "%s: digest", alg);
		goto out;
	}
	r = finish(ctx, mctx, alg, md, mdlen);
out:
	EVP_MD_CTX_free(mctx);
	EVP_MD_free(m);
	return r;
}

/* Feed everything fd holds to mctx, a chunk at a time. */
static int
update_fd(struct pkit_ctx *ctx, EVP_MD_CTX *mctx, int fd, const char *name)
{
	unsigned char *buf;
	ssize_t n;
	int r = PKIT_ERR_INTERNAL;

	if ((buf = malloc(CHUNK)) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", name);
	for (;;) {
		if ((n = read(fd, buf, CHUNK)) < 0) {
			if (errno == EINTR)
				continue;
			r = pkit_seterr_sys(ctx, "%s", name);
			goto out;
		}
		if (n == 0)
			break;
		if (EVP_DigestUpdate(mctx, buf, (size_t)n) != 1) {
			r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "%s: digest",
			    name);
			goto out;
		}
	}
	r = PKIT_OK;
out:
	free(buf);
	return r;
}

static int
open_error(struct pkit_ctx *ctx, const char *path)
{
	struct stat st;

	if (errno == ENOENT && lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
		return pkit_seterr(ctx, PKIT_ERR_NOT_FOUND,
		    "%s: broken symbolic link", path);
	if (errno == ENOENT)
		return pkit_seterr(ctx, PKIT_ERR_NOT_FOUND, "%s: no such file",
		    path);
	if (errno == EACCES)
		return pkit_seterr(ctx, PKIT_ERR_PERM, "%s: permission denied",
		    path);
	return pkit_seterr_sys(ctx, "%s", path);
}

/* Digest of one file; with regular set, anything else is refused (a FIFO
 * met inside a directory would block). */
static int
digest_file(struct pkit_ctx *ctx, const EVP_MD *m, const char *path,
    int regular, unsigned char *md, size_t *mdlen)
{
	EVP_MD_CTX *mctx = NULL;
	const char *name = path;
	struct stat st;
	int fd = -1, r = PKIT_ERR_INTERNAL;

	if (strcmp(path, "-") == 0) {
		fd = STDIN_FILENO;
		name = "standard input";
	} else if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY |
	    (regular ? O_NONBLOCK : 0))) == -1) {
		r = open_error(ctx, path);
		goto out;
	}
	if (fstat(fd, &st) != 0) {
		r = pkit_seterr_sys(ctx, "%s", name);
		goto out;
	}
	if (S_ISDIR(st.st_mode) || (regular && !S_ISREG(st.st_mode))) {
		r = pkit_seterr(ctx, PKIT_ERR_ARG,
		    "%s: not a regular file", name);
		goto out;
	}
	if ((mctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(mctx, m, NULL) != 1) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "%s: digest", name);
		goto out;
	}
	if ((r = update_fd(ctx, mctx, fd, name)) != 0)
		goto out;
	r = finish(ctx, mctx, name, md, mdlen);
out:
	if (fd > STDIN_FILENO)
		close(fd);
	EVP_MD_CTX_free(mctx);
	return r;
}

static void
names_free(struct names *nm)
{
	size_t i;

	for (i = 0; i < nm->n; i++)
		free(nm->v[i]);
	free(nm->v);
	nm->v = NULL;
	nm->n = nm->cap = 0;
}

static int
names_add(struct pkit_ctx *ctx, struct names *nm, const char *name)
{
	char **nv, *s;

	if (nm->n == nm->cap) {
		size_t ncap = nm->cap == 0 ? 64 : nm->cap * 2;

		if (ncap > SIZE_MAX / sizeof(*nv) ||
		    (nv = realloc(nm->v, ncap * sizeof(*nv))) == NULL)
			return pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", name);
		nm->v = nv;
		nm->cap = ncap;
	}
	if ((s = strdup(name)) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", name);
	nm->v[nm->n++] = s;
	return PKIT_OK;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* root + "/" + rel into buf, without doubling a trailing slash of root. */
static int
join(struct pkit_ctx *ctx, char *buf, size_t size, const char *root,
    const char *rel)
{
	size_t n = strlen(root);
	int w;

	if (*rel == '\0')
		w = snprintf(buf, size, "%s", root);
	else if (n > 0 && root[n - 1] == '/')
		w = snprintf(buf, size, "%s%s", root, rel);
	else
		w = snprintf(buf, size, "%s/%s", root, rel);
	if (w < 0 || (size_t)w >= size)
		return pkit_seterr(ctx, PKIT_ERR_ARG, "%s/%s: path too long",
		    root, rel);
	return PKIT_OK;
}

/* Collect the regular files below root/rel into nm; self is the directory
 * being read, with the directories above it. */
static int
walk(struct pkit_ctx *ctx, const char *root, const char *rel,
    const struct ancestor *self, struct names *nm)
{
	char dpath[PATH_MAX], cpath[PATH_MAX], crel[PATH_MAX];
	const struct ancestor *a;
	struct ancestor child;
	struct dirent *de;
	struct stat st;
	DIR *d = NULL;
	int r = PKIT_ERR_INTERNAL;

	if ((r = join(ctx, dpath, sizeof(dpath), root, rel)) != 0)
		goto out;
	if ((d = opendir(dpath)) == NULL) {
		r = open_error(ctx, dpath);
		goto out;
	}
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL) {
			if (errno != 0) {
				r = pkit_seterr_sys(ctx, "%s", dpath);
				goto out;
			}
			break;
		}
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (*rel == '\0')
			r = join(ctx, crel, sizeof(crel), de->d_name, "");
		else
			r = join(ctx, crel, sizeof(crel), rel, de->d_name);
		if (r != 0 || (r = join(ctx, cpath, sizeof(cpath), root,
		    crel)) != 0)
			goto out;
		if (stat(cpath, &st) != 0) {
			r = open_error(ctx, cpath);
			goto out;
		}
		if (S_ISREG(st.st_mode)) {
			if ((r = names_add(ctx, nm, crel)) != 0)
				goto out;
		} else if (S_ISDIR(st.st_mode)) {
			for (a = self; a != NULL; a = a->up) {
				if (a->dev == st.st_dev && a->ino == st.st_ino) {
					r = pkit_seterr(ctx, PKIT_ERR_FORMAT,
					    "%s: symbolic link loop", cpath);
					goto out;
				}
			}
			if (self->depth >= MAX_DEPTH) {
				r = pkit_seterr(ctx, PKIT_ERR_TOO_LARGE,
				    "%s: nested more than %d directories deep",
				    cpath, MAX_DEPTH);
				goto out;
			}
			child.dev = st.st_dev;
			child.ino = st.st_ino;
			child.depth = self->depth + 1;
			child.up = self;
			if ((r = walk(ctx, root, crel, &child, nm)) != 0)
				goto out;
		} else {
			r = pkit_seterr(ctx, PKIT_ERR_ARG,
			    "%s: not a regular file or directory", cpath);
			goto out;
		}
	}
	r = PKIT_OK;
out:
	if (d != NULL)
		closedir(d);
	return r;
}

static int
digest_dir(struct pkit_ctx *ctx, const EVP_MD *m, const char *root,
    const struct stat *rst, unsigned char *md, size_t *mdlen)
{
	struct ancestor top = { rst->st_dev, rst->st_ino, 0, NULL };
	struct names nm = { NULL, 0, 0 };
	EVP_MD_CTX *mctx = NULL;
	unsigned char fmd[PKIT_DIGEST_MAX];
	char path[PATH_MAX], *line = NULL;
	size_t i, flen;
	int r = PKIT_ERR_INTERNAL;

	if ((r = walk(ctx, root, "", &top, &nm)) != 0)
		goto out;
	if (nm.n > 0)
		qsort(nm.v, nm.n, sizeof(*nm.v), cmp_names);
	if ((mctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(mctx, m, NULL) != 1) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "%s: digest", root);
		goto out;
	}
	for (i = 0; i < nm.n; i++) {
		if ((r = join(ctx, path, sizeof(path), root, nm.v[i])) != 0 ||
		    (r = digest_file(ctx, m, path, 1, fmd, &flen)) != 0 ||
		    (r = pkit_digest_line(ctx, fmd, flen, nm.v[i], &line)) != 0)
			goto out;
		if (EVP_DigestUpdate(mctx, line, strlen(line)) != 1) {
			r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "%s: digest",
			    root);
			goto out;
		}
		free(line);
		line = NULL;
	}
	r = finish(ctx, mctx, root, md, mdlen);
out:
	free(line);
	names_free(&nm);
	EVP_MD_CTX_free(mctx);
	return r;
}

int
pkit_digest_path(struct pkit_ctx *ctx, const char *alg, unsigned flags,
    const char *path, unsigned char *md, size_t *mdlen)
{
	EVP_MD *m = NULL;
	struct stat st;
	int r = PKIT_ERR_INTERNAL;

	if ((r = fetch(ctx, alg, flags, &m)) != 0)
		goto out;
	if (strcmp(path, "-") != 0 && stat(path, &st) == 0 &&
	    S_ISDIR(st.st_mode))
		r = digest_dir(ctx, m, path, &st, md, mdlen);
	else
		r = digest_file(ctx, m, path, 0, md, mdlen);
out:
	EVP_MD_free(m);
	return r;
}

int
pkit_digest_compare(struct pkit_ctx *ctx, const char *alg, unsigned flags,
    const char *hex, const char *path)
{
	EVP_MD *m = NULL;
	unsigned char md[PKIT_DIGEST_MAX], *want = NULL;
	size_t mdlen = 0, wantlen = 0, size;
	int r = PKIT_ERR_INTERNAL;

	if ((r = fetch(ctx, alg, flags, &m)) != 0)
		goto out;
	size = (size_t)EVP_MD_get_size(m);
	if (strlen(hex) != size * 2 ||
	    pkit_hex_decode(ctx, hex, strlen(hex), &want, &wantlen) != 0 ||
	    wantlen != size) {
		r = pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "'%.*s%s': not a %s digest (%zu hex digits)", 80, hex,
		    strlen(hex) > 80 ? "..." : "", alg, size * 2);
		goto out;
	}
	if ((r = pkit_digest_path(ctx, alg, flags, path, md, &mdlen)) != 0)
		goto out;
	if (mdlen != wantlen || !pkit_secret_eq(md, want, mdlen)) {
		r = pkit_seterr(ctx, PKIT_ERR_VERIFY, "%s: digest does not match",
		    path);
		goto out;
	}
	r = PKIT_OK;
out:
	free(want);
	EVP_MD_free(m);
	return r;
}

int
pkit_digest_line(struct pkit_ctx *ctx, const unsigned char *md, size_t mdlen,
    const char *name, char **out)
{
	char *hex = NULL, *s = NULL;
	size_t i, j = 0, n, nlen = strlen(name);
	int r = PKIT_ERR_INTERNAL, esc;

	*out = NULL;
	esc = strpbrk(name, "\\\n\r") != NULL;
	if ((r = pkit_hex_encode(ctx, md, mdlen, 0, &hex)) != 0)
		goto out;
	if (nlen > (SIZE_MAX - 8) / 2 - strlen(hex)) {
		r = pkit_seterr(ctx, PKIT_ERR_TOO_LARGE, "%s", name);
		goto out;
	}
	n = 1 + strlen(hex) + 2 + nlen * 2 + 2;
	if ((s = malloc(n)) == NULL) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", name);
		goto out;
	}
	if (esc)
		s[j++] = '\\';
	memcpy(s + j, hex, strlen(hex));
	j += strlen(hex);
	s[j++] = ' ';
	s[j++] = ' ';
	for (i = 0; i < nlen; i++) {
		switch (name[i]) {
		case '\\':
			s[j++] = '\\';
			s[j++] = '\\';
			break;
		case '\n':
			s[j++] = '\\';
			s[j++] = 'n';
			break;
		case '\r':
			s[j++] = '\\';
			s[j++] = 'r';
			break;
		default:
			s[j++] = name[i];
		}
	}
	s[j++] = '\n';
	s[j] = '\0';
	*out = s;
	s = NULL;
	r = PKIT_OK;
out:
	free(hex);
	free(s);
	return r;
}

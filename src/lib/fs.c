/* fs.c - bounded reads and atomic writes. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs.h"
#include "secret.h"

static int
read_fd(struct pkit_ctx *ctx, int fd, const char *name, size_t max,
    unsigned char **out, size_t *outlen)
{
	unsigned char *buf = NULL, *nbuf;
	size_t len = 0, cap = 0;
	ssize_t n;
	int r = PKIT_ERR_INTERNAL;

	for (;;) {
		if (len + 1 >= cap) {
			size_t ncap = cap == 0 ? 4096 : cap * 2;

			if (ncap > max + 1)
				ncap = max + 2;
			if (ncap <= len + 1) {
				r = pkit_seterr(ctx, PKIT_ERR_TOO_LARGE,
				    "%s: larger than %zu bytes", name, max);
				goto out;
			}
			/* Grow by copying, so that no stale copy of a secret
			 * is left behind by realloc. */
			if ((nbuf = malloc(ncap)) == NULL) {
				r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", name);
				goto out;
			}
			if (buf != NULL)
				memcpy(nbuf, buf, len);
			pkit_secret_free(buf, cap);
			buf = nbuf;
			cap = ncap;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = pkit_seterr_sys(ctx, "%s", name);
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max) {
			r = pkit_seterr(ctx, PKIT_ERR_TOO_LARGE,
			    "%s: larger than %zu bytes", name, max);
			goto out;
		}
	}
	if (buf == NULL && (buf = malloc(1)) == NULL) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", name);
		goto out;
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	buf = NULL;
	r = PKIT_OK;
out:
	pkit_secret_free(buf, cap);
	return r;
}

int
pkit_file_read(struct pkit_ctx *ctx, const char *path, size_t max,
    unsigned char **buf, size_t *len)
{
	struct stat st;
	int fd, r;

	*buf = NULL;
	*len = 0;
	if (strcmp(path, "-") == 0)
		return read_fd(ctx, STDIN_FILENO, "standard input", max, buf, len);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return pkit_seterr(ctx, PKIT_ERR_NOT_FOUND,
			    "%s: no such file", path);
		return pkit_seterr_sys(ctx, "%s", path);
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		return pkit_seterr(ctx, PKIT_ERR_ARG, "%s: is a directory", path);
	}
	r = read_fd(ctx, fd, path, max, buf, len);
	close(fd);
	return r;
}

int
pkit_file_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static int
write_all(int fd, const unsigned char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
fsync_dir(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int fd;

	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	(void)fsync(fd);
	close(fd);
	return 0;
}

int
pkit_file_write(struct pkit_ctx *ctx, const char *path, const void *data,
    size_t len, unsigned flags)
{
	char tmp[PATH_MAX];
	struct stat st;
	mode_t mask;
	int fd = -1, r = PKIT_ERR_INTERNAL, made = 0;

	if (strcmp(path, "-") == 0) {
		if (write_all(STDOUT_FILENO, data, len) != 0)
			return pkit_seterr_sys(ctx, "standard output");
		return PKIT_OK;
	}
	if (lstat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return pkit_seterr(ctx, PKIT_ERR_ARG,
			    "%s: is a directory", path);
		if (!(flags & PKIT_WRITE_FORCE))
			return pkit_seterr(ctx, PKIT_ERR_EXISTS,
			    "%s: file exists (use --force to overwrite)", path);
	}
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", path) >= sizeof(tmp))
		return pkit_seterr(ctx, PKIT_ERR_ARG, "%s: path too long", path);
	/* mkstemp creates the file 0600, so a secret is never exposed. */
	if ((fd = mkstemp(tmp)) == -1) {
		r = pkit_seterr_sys(ctx, "%s", path);
		goto out;
	}
	made = 1;
	if (!(flags & PKIT_WRITE_PRIVATE)) {
		mask = umask(0);
		umask(mask);
		if (fchmod(fd, 0644 & ~mask) != 0) {
			r = pkit_seterr_sys(ctx, "%s", path);
			goto out;
		}
	}
	if (write_all(fd, data, len) != 0 || fsync(fd) != 0) {
		r = pkit_seterr_sys(ctx, "%s", path);
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		r = pkit_seterr_sys(ctx, "%s", path);
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) != 0) {
		r = pkit_seterr_sys(ctx, "%s", path);
		goto out;
	}
	made = 0;
	(void)fsync_dir(path);
	r = PKIT_OK;
out:
	if (fd != -1)
		close(fd);
	if (made)
		unlink(tmp);
	return r;
}

int
pkit_file_check_private(struct pkit_ctx *ctx, const char *path)
{
	struct stat st;

	if (strcmp(path, "-") == 0)
		return PKIT_OK;
	if (stat(path, &st) != 0)
		return pkit_seterr_sys(ctx, "%s", path);
	if (S_ISREG(st.st_mode) && (st.st_mode & 077) != 0)
		return pkit_seterr(ctx, PKIT_ERR_PERM,
		    "%s: private key is accessible by others (mode %04o); "
		    "chmod 600 it or pass --insecure", path,
		    (unsigned)(st.st_mode & 07777));
	return PKIT_OK;
}

int
pkit_mkdirs(struct pkit_ctx *ctx, const char *dir, unsigned mode)
{
	char buf[PATH_MAX];
	size_t i, n = strlen(dir);

	if (n == 0 || n >= sizeof(buf))
		return pkit_seterr(ctx, PKIT_ERR_ARG, "%s: bad directory", dir);
	memcpy(buf, dir, n + 1);
	for (i = 1; i <= n; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, (mode_t)mode) != 0 && errno != EEXIST)
			return pkit_seterr_sys(ctx, "%s", buf);
		buf[i] = i == n ? '\0' : '/';
	}
	return PKIT_OK;
}

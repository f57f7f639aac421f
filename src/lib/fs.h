/* fs.h - reading inputs and writing outputs safely.
 *
 * Writes go to a temporary file beside the target, are fsync'd and renamed
 * into place, so a reader never sees a partial file.  "-" names standard
 * input (reads) and standard output (writes).
 */
#ifndef PKIT_FS_H
#define PKIT_FS_H

#include <stddef.h>

#include "err.h"

/* Inputs larger than this are refused unless a caller asks for more. */
#define PKIT_FILE_MAX (16u * 1024 * 1024)

enum pkit_write_flags {
	PKIT_WRITE_PRIVATE = 1 << 0,	/* mode 0600: holds a secret */
	PKIT_WRITE_FORCE = 1 << 1,	/* replace an existing file */
};

/* Read all of path ("-" for stdin), refusing more than max bytes.  The
 * buffer is NUL-terminated one byte past *len.  Free with free(), or with
 * pkit_secret_free(buf, len) when it held a secret. */
int pkit_file_read(struct pkit_ctx *ctx, const char *path, size_t max,
    unsigned char **buf, size_t *len);

/* Write len bytes to path atomically (temp + fsync + rename).  Without
 * PKIT_WRITE_FORCE an existing path is an error (PKIT_ERR_EXISTS).  Modes:
 * 0600 with PKIT_WRITE_PRIVATE, otherwise 0644 less the umask. */
int pkit_file_write(struct pkit_ctx *ctx, const char *path, const void *data,
    size_t len, unsigned flags);

/* 1 if path exists (any type), 0 if not. */
int pkit_file_exists(const char *path);

/* PKIT_ERR_PERM when path is readable or writable by group or others. */
int pkit_file_check_private(struct pkit_ctx *ctx, const char *path);

/* Create dir and its parents with mode (like mkdir -p). */
int pkit_mkdirs(struct pkit_ctx *ctx, const char *dir, unsigned mode);

#endif

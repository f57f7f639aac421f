/* digest.h - message digests of buffers, files and directory trees.
 *
 * Algorithms are named as on the command line: sha256 (the usual choice),
 * sha224, sha384, sha512, sha512-224, sha512-256, sha3-256, sha3-384,
 * sha3-512, blake2b-512, blake2s-256, and the broken sha1 and md5, which
 * are refused unless PKIT_DIGEST_INSECURE is set.
 *
 * A directory's digest is the digest of its manifest: one line
 * "<hex>  <name>\n" per regular file below it (symbolic links followed),
 * <hex> being the file's digest and <name> its path relative to the
 * directory ('/'-separated, escaped as pkit_digest_line() does), the lines
 * in byte order of <name>.  Only names and contents count.
 */
#ifndef PKIT_DIGEST_H
#define PKIT_DIGEST_H

#include <stddef.h>

#include "err.h"

/* The largest digest, in bytes (SHA-512, BLAKE2b-512). */
#define PKIT_DIGEST_MAX 64

enum pkit_digest_flags {
	PKIT_DIGEST_INSECURE = 1 << 0,	/* allow sha1 and md5 */
};

/* 0 when alg is known and allowed by flags; PKIT_ERR_UNSUPPORTED for an
 * unknown name, PKIT_ERR_INSECURE for sha1/md5 without the flag. */
int pkit_digest_check(struct pkit_ctx *ctx, const char *alg, unsigned flags);

/* Digest of len bytes at data into md (PKIT_DIGEST_MAX bytes), its size in
 * *mdlen. */
int pkit_digest_buf(struct pkit_ctx *ctx, const char *alg, unsigned flags,
    const void *data, size_t len, unsigned char *md, size_t *mdlen);

/* Digest of a file read in chunks ("-" is standard input), or of a
 * directory tree as described above. */
int pkit_digest_path(struct pkit_ctx *ctx, const char *alg, unsigned flags,
    const char *path, unsigned char *md, size_t *mdlen);

/* Compare path's digest with hex in constant time: 0 when equal,
 * PKIT_ERR_VERIFY when not, PKIT_ERR_FORMAT when hex is not a digest of
 * alg's size. */
int pkit_digest_compare(struct pkit_ctx *ctx, const char *alg, unsigned flags,
    const char *hex, const char *path);

/* The sha256sum line "<hex>  <name>\n".  A name holding '\\', '\n' or '\r'
 * is escaped ("\\\\", "\\n", "\\r") and the line starts with '\\', as
 * coreutils does.  *out is malloc'd. */
int pkit_digest_line(struct pkit_ctx *ctx, const unsigned char *md,
    size_t mdlen, const char *name, char **out);

#endif

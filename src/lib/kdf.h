/* kdf.h - password hashing (scrypt, argon2id, argon2i) through libsodium.
 *
 * pkit_kdf_hash() writes PHC strings as step does:
 *   scrypt    $scrypt$ln=15,r=8,p=1$<salt>$<hash>  (16-byte salt, 32-byte
 *             hash, unpadded standard base64, as step's kdf hash)
 *   argon2id  $argon2id$v=19$m=65536,t=2,p=1$<salt>$<hash>
 *   argon2i   $argon2i$v=19$m=32768,t=4,p=1$<salt>$<hash>
 * pkit_kdf_compare() also reads libsodium's scrypt strings ("$7$..."),
 * and argon2 strings of any parallelism (step writes p=4).
 */
#ifndef PKIT_KDF_H
#define PKIT_KDF_H

#include <stddef.h>

#include "err.h"

/* Hash the password pw (pwlen bytes) with alg ("scrypt", "argon2id" or
 * "argon2i") and a fresh random salt.  *out is a NUL-terminated PHC
 * string; free it with free(). */
int pkit_kdf_hash(struct pkit_ctx *ctx, const char *alg, const char *pw,
    size_t pwlen, char **out);

/* Check pw against the PHC string phc: 0 when it matches, PKIT_ERR_VERIFY
 * when it does not, PKIT_ERR_FORMAT when phc is malformed or its cost is
 * beyond the limits (1 GiB of memory), PKIT_ERR_UNSUPPORTED for another
 * algorithm (bcrypt). */
int pkit_kdf_compare(struct pkit_ctx *ctx, const char *phc, const char *pw,
    size_t pwlen);

#endif

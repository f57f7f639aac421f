/* crypto_jose.h - what the jwk, jwt, jws and jwe verbs share: reading
 * their input and the key (--key or --jwks with --kid), asking for the
 * password of an encrypted key file.  Implemented in crypto_jwk.c. */
#ifndef PKIT_CMD_CRYPTO_JOSE_H
#define PKIT_CMD_CRYPTO_JOSE_H

#include <stddef.h>

#include <jansson.h>

#include "cmd.h"
#include "lib/jwk.h"

/* Read path (NULL or "-": standard input) up to max bytes. */
int cmd_jose_read(struct cmd_run *run, const char *path, size_t max,
    unsigned char **out, size_t *len);

/* Read a JWK file (plain, JWE-encrypted, or a PEM/DER key or
 * certificate), asking for its password when it is encrypted.  An
 * unencrypted private key readable by others is refused unless insecure. */
int cmd_jose_load_jwk(struct cmd_run *run, const char *path,
    const char *password_file, int insecure, json_t **out);

/* Read a JWK Set file (maybe encrypted). */
int cmd_jose_load_jwks(struct cmd_run *run, const char *path,
    const char *password_file, json_t **out);

/* The key of a verb: from --key, or --jwks with kid (for a JWK Set, kid is
 * required).  With --key and kid, a "kid" in the JWK must match. */
int cmd_jose_key(struct cmd_run *run, const char *key, const char *jwks,
    const char *kid, const char *password_file, int insecure,
    struct pkit_jwk_key **out);

/* Print JSON (2-space indent, sorted when sort is set) and a newline. */
int cmd_jose_print_json(struct cmd_run *run, const json_t *o, int sort);

#endif

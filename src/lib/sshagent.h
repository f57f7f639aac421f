/* sshagent.h - a client of ssh-agent's protocol (draft-miller-ssh-agent)
 * over its Unix socket: list, add (with a lifetime) and remove
 * identities.  The caller names the socket (from SSH_AUTH_SOCK); this
 * module reads no environment. */
#ifndef PKIT_SSHAGENT_H
#define PKIT_SSHAGENT_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "err.h"
#include "sshcert.h"

struct pkit_sshagent;

/* An identity the agent holds: its public key or certificate blob and
 * its comment. */
struct pkit_sshagent_id {
	unsigned char *blob;
	size_t len;
	char *comment;
};

/* Connect to the agent listening on the Unix socket path. */
int pkit_sshagent_open(struct pkit_ctx *ctx, const char *path,
    struct pkit_sshagent **out);

/* Close the connection; NULL is a no-op. */
void pkit_sshagent_close(struct pkit_sshagent *a);

/* The identities the agent holds, in its order. */
int pkit_sshagent_list(struct pkit_ctx *ctx, struct pkit_sshagent *a,
    struct pkit_sshagent_id **out, size_t *n);

/* Free a list from pkit_sshagent_list(); NULL is a no-op. */
void pkit_sshagent_ids_free(struct pkit_sshagent_id *ids, size_t n);

/* Add the private key key, with its certificate cert when not NULL (which
 * must certify key), under comment.  lifetime > 0 asks the agent to drop
 * it after that many seconds. */
int pkit_sshagent_add(struct pkit_ctx *ctx, struct pkit_sshagent *a,
    EVP_PKEY *key, const struct pkit_sshcert *cert, const char *comment,
    uint32_t lifetime);

/* Remove the identity whose public key or certificate blob is blob. */
int pkit_sshagent_remove(struct pkit_ctx *ctx, struct pkit_sshagent *a,
    const unsigned char *blob, size_t len);

/* Remove every identity. */
int pkit_sshagent_remove_all(struct pkit_ctx *ctx, struct pkit_sshagent *a);

#endif

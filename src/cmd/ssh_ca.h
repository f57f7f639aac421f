/* ssh_ca.h - what the `pkit ssh` verbs that get certificates from the CA
 * share (ssh_ca.c): ssh certificate and ssh login. */
#ifndef PKIT_CMD_SSH_CA_H
#define PKIT_CMD_SSH_CA_H

#include "ca_client.h"
#include "lib/sshca.h"

/* Resolve the CA (ca), mint the SSH sign token for sr with tf's
 * provisioner unless token_flag is given, and POST /ssh/sign.  *desc
 * names the provisioner used (NULL with token_flag), *url the CA.
 * PKIT_ERR_USAGE: the CA could not be resolved (already reported). */
int ssh_ca_sign(struct cmd_run *run, const struct ca_flags *ca,
    const struct ca_token_flags *tf, const char *token_flag,
    struct pkit_sshca_sign_req *sr, struct pkit_sshcert **crt,
    struct pkit_sshcert **add_user, char **desc, char **url);

/* step's default principals for key_id: for a user the local part of an
 * e-mail key id (*local, to free) and the key id; for a host the key id.
 * v holds two.  -1 when out of memory. */
int ssh_ca_default_principals(const char *key_id, int host, char **local,
    const char **v, size_t *n);

#endif

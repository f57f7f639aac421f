/* federate.h - adding another CA's root to this CA's federatedRoots
 * (`pkit ca federate`): ca.json names the root file, `pkit ca serve`
 * serves it at /federation and trusts it for client certificates. */
#ifndef PKIT_CA_FEDERATE_H
#define PKIT_CA_FEDERATE_H

#include <openssl/x509.h>

#include "lib/err.h"

/* What pkit_ca_federate() did. */
struct pkit_ca_federated {
	int added;		/* 0: a root with that fingerprint was there */
	char fingerprint[65];	/* the root's SHA-256, hex */
	char *path;		/* the file federatedRoots names for it */
};

/* Federate root with the CA whose ca.json is config (relative paths in it
 * resolve against base): unless its fingerprint is already among the
 * federated roots, write it as PEM to dir/federated-<fingerprint>.crt and
 * append that path to federatedRoots, rewriting ca.json atomically (its
 * mode kept).  root must be a CA certificate and not one of the CA's own
 * roots (PKIT_ERR_ARG).  out->path is malloc'd. */
int pkit_ca_federate(struct pkit_ctx *ctx, const char *config,
    const char *base, const char *dir, X509 *root,
    struct pkit_ca_federated *out);

#endif

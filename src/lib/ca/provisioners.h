/* provisioners.h - adding, changing and removing the provisioners of a
 * ca.json, as `step ca provisioner add|update|remove` does with a
 * standalone CA (research/step-cli.md, step-ca-api.md §4).
 *
 * Each edit reads the file, checks it as `ca serve` would, changes only
 * authority.provisioners (every other key, known to pkit or not, stays as
 * it was), checks the result the same way, and replaces the file
 * atomically, keeping a private file private.  A running `pkit ca serve`
 * picks the change up on SIGHUP.
 */
#ifndef PKIT_CA_PROVISIONERS_H
#define PKIT_CA_PROVISIONERS_H

#include <stddef.h>

#include <jansson.h>

#include "lib/ca/ca_config.h"
#include "lib/err.h"

/* What to set.  NULL strings, empty lists, -1 flags and 0 durations are
 * "leave as it is" (on add: absent). */
struct pkit_ca_prov_spec {
	const char *type;	/* add: JWK X5C ACME OIDC SSHPOP (any case) */
	const char *name;	/* add: the name; update: a new name or NULL */
	/* JWK: a new key (add without public_key and private_key, or
	 * update with create set) encrypted with password; or a public key
	 * (JWK text); or a private key (JWK, maybe encrypted with
	 * key_password, or PEM) escrowed encrypted with password. */
	int create;
	const unsigned char *public_key, *private_key;
	size_t public_key_len, private_key_len;
	const char *key_password;
	const char *password;	/* a secret */
	long p2c;		/* PBES2 count; 0: step's 600000 */
	/* X5C: the PEM text of the roots */
	const unsigned char *x5c_roots;
	size_t x5c_roots_len;
	/* ACME */
	const char *const *challenges;
	size_t nchallenges;
	int force_cn, require_eab;
	/* OIDC */
	const char *client_id, *client_secret, *configuration_endpoint;
	const char *const *domains, *const *admins;
	size_t ndomains, nadmins;
	/* claims (durations in nanoseconds) */
	struct pkit_ca_claims claims;
};

/* A spec with nothing set (flags -1). */
void pkit_ca_prov_spec_init(struct pkit_ca_prov_spec *s);

/* Add a provisioner to the ca.json at path; a provisioner of that name
 * (of any type) is PKIT_ERR_EXISTS.  *kid (may be NULL) gets a new JWK
 * key's kid. */
int pkit_ca_provisioner_add(struct pkit_ctx *ctx, const char *path,
    const struct pkit_ca_prov_spec *s, char **kid);

/* Change the provisioner called name; PKIT_ERR_NOT_FOUND when there is
 * none.  Fields of another type than its own are PKIT_ERR_ARG. */
int pkit_ca_provisioner_update(struct pkit_ctx *ctx, const char *path,
    const char *name, const struct pkit_ca_prov_spec *s, char **kid);

/* Remove the provisioner called name (PKIT_ERR_NOT_FOUND when none). */
int pkit_ca_provisioner_remove(struct pkit_ctx *ctx, const char *path,
    const char *name);

#endif

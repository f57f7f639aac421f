/* pki.h - the work of `pkit ca init`: a root and an intermediate CA, their
 * encrypted keys, a JWK provisioner whose private key is escrowed in
 * ca.json as "encryptedKey", ca.json and defaults.json, in step's layout
 * under a base directory (research/step-ca-api.md §3, §4, §5):
 *
 *   certs/root_ca.crt           certs/intermediate_ca.crt
 *   secrets/root_ca_key         secrets/intermediate_ca_key   (0600)
 *   config/ca.json              config/defaults.json
 *   db/pkit.db                  (the SQLite database, made by ca serve)
 *
 * Everything is made in memory first and written at the end; a failure
 * while writing removes the files this call wrote.
 */
#ifndef PKIT_CA_PKI_H
#define PKIT_CA_PKI_H

#include <stddef.h>

#include <jansson.h>
#include <openssl/x509.h>

#include "lib/err.h"
#include "lib/key.h"

/* What to make. */
struct pkit_ca_pki_opts {
	const char *base;		/* the directory ($PKITPATH), absolute */
	const char *name;		/* "<name> Root CA", O=<name> ... */
	const char *const *dns;		/* dnsNames (at least one) */
	size_t ndns;
	const char *address;		/* ":443" when NULL */
	const char *provisioner;	/* the JWK provisioner's name */
	const char *password;		/* encrypts the CA keys */
	const char *prov_password;	/* encrypts the provisioner key */
	struct pkit_keyspec spec;	/* the CA keys (EC P-256 by default) */
	X509 *root;			/* bring your own root (with root_key): */
	EVP_PKEY *root_key;		/* only the intermediate is made */
	const char *db;			/* SQLite path or postgresql:// URI;
					 * NULL: <base>/db/pkit.db */
	int pki_only;			/* keys and certificates only */
	int acme;			/* add an ACME provisioner "acme" */
	int force;			/* replace existing files */
	long p2c;			/* PBES2 count of encryptedKey; 0: 600000 */
	/* Reserved for the SSH certificate authority (not made yet): paths
	 * of its host and user keys, written as ca.json's "ssh" when set. */
	const char *ssh_host_key, *ssh_user_key;
	int ssh;			/* make SSH host and user CA keys (EC
					 * P-256, as step), enableSSHCA on the
					 * JWK provisioner, an SSHPOP one */
};

/* What was made: absolute paths (NULL when not written). */
struct pkit_ca_pki_result {
	char fingerprint[65];		/* hex SHA-256 of the root's DER */
	char *root_crt, *root_key;
	char *int_crt, *int_key;
	char *db;			/* the data source in ca.json */
	char *db_dir;			/* the directory made for it, or NULL */
	char *defaults, *config;
	char *kid;			/* the provisioner key's kid */
	char *ssh_host_key, *ssh_user_key;	/* --ssh: secrets/ssh_*_ca_key */
	char *ssh_host_pub, *ssh_user_pub;	/* certs/ssh_*_ca_key.pub */
};

/* The files init writes under base (NULL-terminated, malloc'd paths):
 * check them before asking anything. */
int pkit_ca_pki_files(struct pkit_ctx *ctx, const char *base, int pki_only,
    int own_root, char ***out);
void pkit_ca_pki_files_free(char **files);

/* Make the PKI.  Without force an existing file is PKIT_ERR_EXISTS. */
int pkit_ca_pki_init(struct pkit_ctx *ctx, const struct pkit_ca_pki_opts *o,
    struct pkit_ca_pki_result *res);
void pkit_ca_pki_result_release(struct pkit_ca_pki_result *res);

/* A new JWK provisioner key as init makes it: *pub the public JWK (kid
 * its thumbprint), *enc the private one encrypted with password (p2c
 * PBES2 iterations, 0: 600000) for "encryptedKey". */
int pkit_ca_pki_provisioner_key(struct pkit_ctx *ctx, const char *password,
    long p2c, json_t **pub, char **enc, char **kid);

/* step's ca-url from dnsNames[0] and the address: "https://host[:port]"
 * (no port when it is 443; IPv6 in brackets).  *out is malloc'd. */
int pkit_ca_pki_url(struct pkit_ctx *ctx, const char *dns,
    const char *address, char **out);

#endif

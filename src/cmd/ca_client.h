/* ca_client.h - what the `pkit ca` client verbs share: their options
 * (--ca-url, --root, --fingerprint), where the values come from, and the
 * rows of the verbs in ca_bootstrap.c and ca_provisioner.c.
 *
 * Each value is taken from, in this order: the flag; the environment
 * (PKIT_CA_URL, PKIT_ROOT, PKIT_FINGERPRINT; empty counts as unset);
 * $PKITPATH/config/defaults.json ("ca-url", "root", "fingerprint", as
 * `pkit ca bootstrap` and step write it).  The root falls back to
 * $PKITPATH/certs/root_ca.crt when that file exists.
 */
#ifndef PKIT_CMD_CA_CLIENT_H
#define PKIT_CMD_CA_CLIENT_H

#include <stddef.h>

#include <jansson.h>

#include "cmd.h"

struct pkit_ca_client;

/* The flags, as a member of a verb's option struct. */
struct ca_flags {
	const char *ca_url;
	const char *root;
	const char *fingerprint;
};

/* Option rows; T is the verb's option struct, m its struct ca_flags. */
#define OPT_CA_URL(T, m) \
	{ "ca-url", 0, OPT_STRING, offsetof(T, m.ca_url), "uri", \
	  "the CA's URL: https://host[:port]" }
#define OPT_CA_ROOT(T, m) \
	{ "root", 0, OPT_STRING, offsetof(T, m.root), "file", \
	  "the root the CA's TLS certificate must chain to", \
	  NULL, OPT_F_FILE }
#define OPT_CA_FINGERPRINT(T, m) \
	{ "fingerprint", 0, OPT_STRING, offsetof(T, m.fingerprint), "sha256", \
	  "the SHA-256 fingerprint (hex) of the CA's root" }

/* What ca_config_resolve() needs to find; a missing one is a usage error. */
enum ca_need {
	CA_NEED_URL = 1 << 0,
	CA_NEED_ROOT = 1 << 1,
	CA_NEED_FINGERPRINT = 1 << 2,
};

/* The resolved values (NULL when not found and not needed). */
struct ca_config {
	const char *ca_url;
	const char *root;
	const char *fingerprint;
	json_t *defaults;	/* defaults.json, owns the strings taken from it */
	char *root_path;	/* the certs/root_ca.crt fallback */
};

/* Fill cfg from flags, the environment and defaults.json.  Returns
 * CMD_CONTINUE, or the exit status after reporting the error. */
int ca_config_resolve(struct cmd_run *run, const struct ca_flags *flags,
    unsigned need, struct ca_config *cfg);
void ca_config_release(struct ca_config *cfg);

/* A client of cfg->ca_url trusting the certificates of cfg->root. */
int ca_client_open(struct cmd_run *run, const struct ca_config *cfg,
    struct pkit_ca_client **out);

/* $PKITPATH/rel into buf; PKIT_ERR_ARG when it does not fit. */
int ca_path(struct cmd_run *run, const char *rel, char *buf, size_t size);

/* Write data to path ("-" or NULL: standard output), mode 0600, asking
 * (or needing --force) before replacing a file; then say on stderr
 * "The <what> has been saved in <path>." as step does. */
int ca_save(struct cmd_run *run, const char *path, const void *data,
    size_t len, int force, const char *what);

/* The rows; the `ca` group (src/cmd/ca.c) lists them. */
extern const struct cmd cmd_ca_bootstrap;
extern const struct cmd cmd_ca_federation;
extern const struct cmd cmd_ca_health;
extern const struct cmd cmd_ca_provisioner;
extern const struct cmd cmd_ca_root;
extern const struct cmd cmd_ca_roots;

#endif

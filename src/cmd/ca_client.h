/* ca_client.h - what the `pkit ca` client verbs share: their options
 * (--ca-url, --root, --fingerprint), where the values come from, and the
 * rows of the verbs in ca_bootstrap.c and ca_provisioner.c; and what the
 * verbs that get certificates share (ca_token.c, ca_picker.c): minting a
 * token with a provisioner chosen by flag or on the terminal.
 *
 * Each value is taken from, in this order: the verb's flag; the global
 * flag (pkit --ca-url/--root <group> ...); the environment (PKIT_CA_URL,
 * PKIT_ROOT, PKIT_FINGERPRINT; empty counts as unset); the context's
 * profile defaults.json, then config/defaults.json ("ca-url", "root",
 * "fingerprint", as `pkit ca bootstrap` and step write it).  The root
 * falls back to certs/root_ca.crt when that file exists.  --context
 * (or pkit --context, PKIT_CONTEXT, the current context) chooses whose
 * files: $PKITPATH/authorities/<authority>/ instead of $PKITPATH.
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
	const char *context;
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

#define OPT_CA_CONTEXT(T, m) \
	{ "context", 0, OPT_STRING, offsetof(T, m.context), "name", \
	  "use the files of this context (see 'pkit context')" }

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

/* ---- tokens (ca_token.c) and the provisioner picker (ca_picker.c) ---- */

struct pkit_token_req;
struct pkit_jwk_key;

/* How a verb that mints a token finds the provisioner and its key. */
struct ca_token_flags {
	const char *provisioner;	/* --provisioner (--issuer): a name */
	const char *kid;		/* --kid */
	const char *provisioner_password_file;
	const char *password_file;	/* --password-file, as step accepts */
	const char *key;		/* --key: a key file instead of the
					   CA's encrypted key (ca token) */
	const char *x5c_cert, *x5c_key;	/* an X5C provisioner's token */
};

#define OPT_CA_X5C(T, m) \
	{ "x5c-cert", 0, OPT_STRING, offsetof(T, m.x5c_cert), "file", \
	  "sign the token for an X5C provisioner with this certificate " \
	  "(and chain), sent in the x5c header", NULL, OPT_F_FILE }, \
	{ "x5c-key", 0, OPT_STRING, offsetof(T, m.x5c_key), "file", \
	  "the private key of --x5c-cert (decrypted with " \
	  "--provisioner-password-file when encrypted)", NULL, OPT_F_FILE }

#define OPT_CA_PROVISIONER(T, m) \
	{ "provisioner", 0, OPT_STRING, offsetof(T, m.provisioner), "name", \
	  "the provisioner that signs the token: a JWK one (asked for on " \
	  "a terminal when the CA has several), or X5C with --x5c-cert", \
	  NULL, 0, "issuer" }
#define OPT_CA_KID(T, m) \
	{ "kid", 0, OPT_STRING, offsetof(T, m.kid), "kid", \
	  "the key ID of the provisioner's key (to choose between " \
	  "provisioners)" }
#define OPT_CA_PROV_PASSWORD_FILE(T, m) \
	{ "provisioner-password-file", 0, OPT_STRING, \
	  offsetof(T, m.provisioner_password_file), "file", \
	  "read the password of the provisioner's key from the first " \
	  "line of file", NULL, OPT_F_FILE }

/* step's offline mode: ca.json and the CA's keys used here. */
struct pkit_ca_offline;

struct ca_offline_flags {
	int offline;
	const char *ca_config;		/* ca.json (default config/ca.json) */
	const char *ca_password_file;	/* the intermediate key's password */
};

#define OPT_CA_OFFLINE(T, m) \
	{ "offline", 0, OPT_BOOL, offsetof(T, m.offline), NULL, \
	  "do the CA's work here with its ca.json and keys, without its " \
	  "server (step's offline mode)" }, \
	{ "ca-config", 0, OPT_STRING, offsetof(T, m.ca_config), "file", \
	  "with --offline: the CA's configuration (default " \
	  "$PKITPATH/config/ca.json)", NULL, OPT_F_FILE }
#define OPT_CA_PASSWORD_FILE(T, m) \
	{ "ca-password-file", 0, OPT_STRING, \
	  offsetof(T, m.ca_password_file), "file", \
	  "with --offline: the password of the CA's intermediate key " \
	  "(default: ca.json's \"password\", else a prompt)", NULL, OPT_F_FILE }

/* Load the ca.json of f (and, with key, the intermediate key, so that
 * it can sign).  Returns 0 or a pkit error. */
int ca_offline_open(struct cmd_run *run, const struct ca_offline_flags *f,
    int key, struct pkit_ca_offline **out);

/* As ca_token_mint(), with the provisioners and keys of ca.json. */
int ca_token_mint_offline(struct cmd_run *run, struct pkit_ca_offline *off,
    const struct ca_token_flags *f, struct pkit_token_req *req,
    char **token, char **desc);

/* Mint a token for req with a JWK provisioner of the CA that c talks to:
 * choose it (flags, the only one, or the picker on a terminal), fetch and
 * decrypt its key (or read --key), and sign.  req's ca_url, issuer and
 * sha are filled in here.  *desc is "name (JWK) [kid: ...]" for the
 * "Provisioner" line.  Returns 0 or a pkit error (PKIT_ERR_USAGE when a
 * provisioner must be named and cannot be asked for). */
int ca_token_mint(struct cmd_run *run, const struct ca_config *cfg,
    struct pkit_ca_client *c, const struct ca_token_flags *f,
    struct pkit_token_req *req, char **token, char **desc);

/* Print "✔ <label>: <value>" on stderr, as step does (coloured on a
 * terminal). */
void ca_check_line(const char *label, const char *value);

/* The SHA-256 fingerprint of the first certificate of the root file. */
int ca_root_fingerprint(struct cmd_run *run, const char *root, char **out);

/* Let the person at the terminal choose one of n items (n >= 2) with the
 * arrow keys (or j/k, or a digit) and Enter; *choice is its index.
 * title is the question.  Fails with PKIT_ERR_NO_TTY without a terminal
 * and PKIT_ERR_ARG when the choice is cancelled (Ctrl-C, Escape, q). */
int ca_pick(struct cmd_run *run, const char *title,
    const char *const *items, size_t n, size_t *choice);

/* The rows; the `ca` group (src/cmd/ca.c) lists them. */
extern const struct cmd cmd_ca_bootstrap;
extern const struct cmd cmd_ca_federation;
extern const struct cmd cmd_ca_federate;
extern const struct cmd cmd_ca_health;
extern const struct cmd cmd_ca_provisioner;
extern const struct cmd cmd_ca_root;
extern const struct cmd cmd_ca_roots;
extern const struct cmd cmd_ca_token;		/* ca_token.c */
extern const struct cmd cmd_ca_certificate;	/* ca_certificate.c */
extern const struct cmd cmd_ca_sign;
extern const struct cmd cmd_ca_renew;		/* ca_renew.c */
extern const struct cmd cmd_ca_rekey;
extern const struct cmd cmd_ca_revoke;		/* ca_revoke.c */
extern const struct cmd cmd_ca_crl;		/* ca_crl.c */

#endif

/* sshcert.h - OpenSSH certificates (PROTOCOL.certkeys).
 *
 * A certificate is built by filling a struct pkit_sshcert (the key, the
 * type, key id, principals, validity, options) and signing it with a CA
 * key: Ed25519, ECDSA P-256/384/521, or RSA with rsa-sha2-256/512.  The
 * wire form ("blob") is decoded with its signature checked against the
 * CA key it names, and written or read as the one-line
 * "<type>-cert-v01@openssh.com <base64> [comment]" of a -cert.pub file.
 * The same module renders the ssh_config, sshd_config and known_hosts
 * text that trusts a CA.
 */
#ifndef PKIT_SSHCERT_H
#define PKIT_SSHCERT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/evp.h>

#include "err.h"

/* valid_before of a certificate that never expires. */
#define PKIT_SSHCERT_FOREVER UINT64_MAX
/* OpenSSH's limit on principals (SSHKEY_CERT_MAX_PRINCIPALS). */
#define PKIT_SSHCERT_MAX_PRINCIPALS 256
/* step-ca's default lifetimes in seconds: user 16h, host 30 days. */
#define PKIT_SSHCERT_USER_DEFAULT (16 * 3600)
#define PKIT_SSHCERT_HOST_DEFAULT (30 * 24 * 3600)

enum pkit_sshcert_type {
	PKIT_SSHCERT_USER = 1,
	PKIT_SSHCERT_HOST = 2,
};

/* A critical option or an extension: its data as on the wire (empty for
 * a flag, a string holding the value for force-command and the like). */
struct pkit_sshcert_opt {
	char *name;
	unsigned char *data;
	size_t len;
};

struct pkit_sshcert {
	EVP_PKEY *key;			/* the certified public key */
	enum pkit_sshcert_type type;
	uint64_t serial;
	char *key_id;			/* never NULL */
	char **principals;
	size_t nprincipals;
	uint64_t valid_after;		/* seconds since 1970; 0: always */
	uint64_t valid_before;		/* PKIT_SSHCERT_FOREVER: never ends */
	struct pkit_sshcert_opt *critical;
	size_t ncritical;
	struct pkit_sshcert_opt *extensions;
	size_t nextensions;
	unsigned char *nonce;		/* NULL: 32 random bytes at signing */
	size_t noncelen;
	/* Set by pkit_sshcert_sign() and pkit_sshcert_decode(). */
	EVP_PKEY *ca;			/* the signature key */
	const char *sig_alg;		/* "ssh-ed25519", "rsa-sha2-512" ... */
	unsigned char *blob;		/* the whole certificate */
	size_t bloblen;
	size_t signed_len;		/* bytes of blob the signature covers */
};

/* A new certificate body for the public key (or public half of) key, of
 * type; valid forever, serial 0, no key id, principals or options until
 * set.  key is referenced, not copied. */
int pkit_sshcert_new(struct pkit_ctx *ctx, EVP_PKEY *key,
    enum pkit_sshcert_type type, struct pkit_sshcert **out);

/* Free c and all it holds; NULL is a no-op. */
void pkit_sshcert_free(struct pkit_sshcert *c);

int pkit_sshcert_set_key_id(struct pkit_ctx *ctx, struct pkit_sshcert *c,
    const char *id);

/* Append a principal (user name, or host name for host certificates).
 * Empty and repeated principals are refused. */
int pkit_sshcert_add_principal(struct pkit_ctx *ctx, struct pkit_sshcert *c,
    const char *principal);

/* Add a critical option or an extension; value NULL makes a flag (empty
 * data), otherwise the data is the value as an SSH string (the form of
 * force-command and source-address).  A repeated name is refused;
 * signing puts them in lexical order as PROTOCOL.certkeys asks. */
int pkit_sshcert_add_critical(struct pkit_ctx *ctx, struct pkit_sshcert *c,
    const char *name, const char *value);
int pkit_sshcert_add_extension(struct pkit_ctx *ctx, struct pkit_sshcert *c,
    const char *name, const char *value);

/* step's default extensions: for user certificates permit-X11-forwarding,
 * permit-agent-forwarding, permit-port-forwarding, permit-pty and
 * permit-user-rc; none for host certificates. */
int pkit_sshcert_default_extensions(struct pkit_ctx *ctx,
    struct pkit_sshcert *c);

/* A random non-zero 64-bit serial number, as step-ca gives. */
int pkit_sshcert_random_serial(struct pkit_ctx *ctx, struct pkit_sshcert *c);

/* Sign c with the CA private key ca (alg as pkit_sshkey_sign(): NULL, or
 * "rsa-sha2-256"/"rsa-sha2-512" for RSA).  Refuses an empty validity
 * interval.  Sets c->blob, c->ca, c->sig_alg; may be called again. */
int pkit_sshcert_sign(struct pkit_ctx *ctx, struct pkit_sshcert *c,
    EVP_PKEY *ca, const char *alg);

/* Decode a certificate blob and check its signature with the CA key it
 * carries.  Truncated, trailing or malformed fields, unknown types,
 * duplicate options and bad signatures are PKIT_ERR_FORMAT or
 * PKIT_ERR_VERIFY; name (a file name) starts the message. */
int pkit_sshcert_decode(struct pkit_ctx *ctx, const unsigned char *blob,
    size_t len, const char *name, struct pkit_sshcert **out);

/* 1 when data starts (after blank space) like a certificate line. */
int pkit_sshcert_is_cert(const unsigned char *data, size_t len);

/* Parse a file holding one "<type>-cert-v01@openssh.com <base64>
 * [comment]" line (blank and '#' lines around it allowed).  *comment (when
 * comment is not NULL) gets the comment or NULL; free it with free(). */
int pkit_sshcert_parse(struct pkit_ctx *ctx, const unsigned char *data,
    size_t len, const char *name, struct pkit_sshcert **out, char **comment);

/* The certificate line of a signed c, with comment when not NULL, ending
 * in a newline.  *out is NUL-terminated; *len its length. */
int pkit_sshcert_encode(struct pkit_ctx *ctx, const struct pkit_sshcert *c,
    const char *comment, char **out, size_t *len);

/* The certificate key type: "ssh-ed25519-cert-v01@openssh.com" ... */
const char *pkit_sshcert_type_name(const struct pkit_sshcert *c);

/* "user" or "host". */
const char *pkit_sshcert_kind(const struct pkit_sshcert *c);

/* Check that a signed or decoded c was signed by ca (a public or private
 * key) with a signature OpenSSH accepts (not SHA-1 ssh-rsa).
 * PKIT_ERR_VERIFY when not; name starts the message. */
int pkit_sshcert_verify(struct pkit_ctx *ctx, const struct pkit_sshcert *c,
    EVP_PKEY *ca, const char *name);

/* PKIT_ERR_EXPIRED when now is outside [valid_after, valid_before). */
int pkit_sshcert_check_time(struct pkit_ctx *ctx,
    const struct pkit_sshcert *c, time_t now, const char *name);

/* 1 when principal is one of c's principals. */
int pkit_sshcert_has_principal(const struct pkit_sshcert *c,
    const char *principal);

/* When the data of o is exactly one SSH string without NULs (the form of
 * force-command and source-address), 1 and its text in *v (NUL-terminated,
 * free with free()); 0 otherwise. */
int pkit_sshcert_opt_string(const struct pkit_sshcert_opt *o, char **v);

/* The text ssh-keygen -L prints for c, headed "name:"; times are UTC
 * with a "Z". */
int pkit_sshcert_text(struct pkit_ctx *ctx, const struct pkit_sshcert *c,
    const char *name, char **out);

/* step ssh inspect --format json's object for c (json_decref() it). */
struct json_t;
int pkit_sshcert_json(struct pkit_ctx *ctx, const struct pkit_sshcert *c,
    struct json_t **out);

/* ---- key and certificate blobs, as an agent lists them ---------------- */

/* 1 when blob (a public key or certificate blob) is a certificate. */
int pkit_sshcert_blob_is_cert(const unsigned char *blob, size_t len);

/* The line ssh-keygen -l and ssh-add -l print for a public key or
 * certificate blob: "<bits> SHA256:<fp> <comment> (<TYPE>[-CERT])", the
 * fingerprint being that of the key, or with whole that of the whole
 * certificate (step's --certificate), written as enc (enum pkit_sshfp of
 * sshkey.h).  comment NULL: "no comment".  A certificate's signature is
 * checked.  No newline at the end. */
int pkit_sshcert_fingerprint(struct pkit_ctx *ctx, const unsigned char *blob,
    size_t len, const char *comment, int enc, int whole, char **out);

/* "<type> <base64>[ <comment>]" for a key or certificate blob, no
 * newline (ssh-add -L). */
int pkit_sshcert_blob_line(struct pkit_ctx *ctx, const unsigned char *blob,
    size_t len, const char *comment, char **out);

/* ---- configuration text that trusts a CA ------------------------------ */

/* known_hosts lines "@cert-authority <pattern> <type> <base64>" for the
 * host CA keys (pattern NULL: "*"). */
int pkit_sshconfig_known_hosts(struct pkit_ctx *ctx, EVP_PKEY *const *keys,
    size_t nkeys, const char *pattern, char **out);

/* One "<type> <base64>" line per key: a TrustedUserCAKeys file, and what
 * step ssh config --roots prints. */
int pkit_sshconfig_keys(struct pkit_ctx *ctx, EVP_PKEY *const *keys,
    size_t nkeys, char **out);

/* The ssh_config block that makes ssh trust known_hosts (the
 * @cert-authority file) for every host, besides ~/.ssh/known_hosts. */
int pkit_sshconfig_client(struct pkit_ctx *ctx, const char *known_hosts,
    char **out);

/* The sshd_config block: TrustedUserCAKeys ca_keys, HostKey key and
 * HostCertificate cert. */
int pkit_sshconfig_sshd(struct pkit_ctx *ctx, const char *ca_keys,
    const char *key, const char *cert, char **out);

/* old (a config file's text, may be empty) with block put between the
 * lines "# BEGIN pkit ssh config" and "# END pkit ssh config": the block
 * there is replaced, or the block is added at the top (ssh and sshd use
 * the first value they read).  PKIT_ERR_FORMAT when old has a BEGIN
 * without its END. */
int pkit_sshconfig_merge(struct pkit_ctx *ctx, const char *old, size_t oldlen,
    const char *block, char **out);

/* old (may be empty) with line (no newline in it) as its first line and
 * no other line equal to it: step's "prepend-line" templates. */
int pkit_sshconfig_prepend(struct pkit_ctx *ctx, const char *old,
    size_t oldlen, const char *line, char **out);

#endif

/* sshkey.h - OpenSSH key formats.
 *
 * The SSH wire encoding of public keys (RFC 4253 6.6, RFC 5656 3.1,
 * RFC 8709 4) for ssh-ed25519, ecdsa-sha2-nistp256/384/521 and ssh-rsa;
 * authorized_keys lines; and the "openssh-key-v1" private key format of
 * OpenSSH's PROTOCOL.key, read and written unencrypted.  Encrypted
 * openssh-key-v1 keys need bcrypt_pbkdf, which neither OpenSSL nor
 * libsodium provides: reading one fails with PKIT_ERR_UNSUPPORTED and a
 * hint naming the ssh-keygen command that converts it.
 *
 * For sshcert.c and sshagent.c it also exposes the bounded SSH wire
 * writer and reader, the key fields a certificate embeds, the private key
 * form ssh-agent takes, fingerprints, and SSH signatures (make and check).
 */
#ifndef PKIT_SSHKEY_H
#define PKIT_SSHKEY_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/bn.h>
#include <openssl/evp.h>

#include "err.h"

/* The OpenSSH name of key's type ("ssh-ed25519", "ecdsa-sha2-nistp256",
 * "ssh-rsa" ...), or NULL when OpenSSH has no form for it (X25519). */
const char *pkit_sshkey_type(EVP_PKEY *key);

/* The public key in SSH wire encoding (the blob ssh-keygen -l hashes). */
int pkit_sshkey_public_blob(struct pkit_ctx *ctx, EVP_PKEY *key,
    unsigned char **out, size_t *len);

/* The key a public key blob holds; name is used in messages.  The whole
 * blob must be used. */
int pkit_sshkey_from_blob(struct pkit_ctx *ctx, const unsigned char *blob,
    size_t len, const char *name, EVP_PKEY **out);

/* An authorized_keys line, "<type> <base64>[ <comment>]\n".  comment may
 * be NULL.  *out is a NUL-terminated string; *len its length. */
int pkit_sshkey_public_encode(struct pkit_ctx *ctx, EVP_PKEY *key,
    const char *comment, unsigned char **out, size_t *len);

/* 1 when data starts (after blank space) like an OpenSSH public key line. */
int pkit_sshkey_is_public(const unsigned char *data, size_t len);

/* Parse a file holding one OpenSSH public key line ("<type> <base64>
 * [comment]"); blank lines and '#' comments around it are allowed. */
int pkit_sshkey_parse_public(struct pkit_ctx *ctx, const unsigned char *data,
    size_t len, const char *name, EVP_PKEY **out);

/* 1 when data holds an "OPENSSH PRIVATE KEY" PEM block. */
int pkit_sshkey_is_private(const unsigned char *data, size_t len);

/* 1 when data holds an openssh-key-v1 key encrypted with a passphrase. */
int pkit_sshkey_is_encrypted(const unsigned char *data, size_t len);

/* Parse an unencrypted openssh-key-v1 private key.  An encrypted one
 * fails with PKIT_ERR_UNSUPPORTED and a conversion hint. */
int pkit_sshkey_parse_private(struct pkit_ctx *ctx, const unsigned char *data,
    size_t len, const char *name, EVP_PKEY **out);

/* The public half of an openssh-key-v1 file, which is stored in clear
 * even when the private part is encrypted. */
int pkit_sshkey_parse_private_public(struct pkit_ctx *ctx,
    const unsigned char *data, size_t len, const char *name, EVP_PKEY **out);

/* Encode a private key as unencrypted openssh-key-v1 PEM.  comment may be
 * NULL.  The buffer holds a secret: free it with pkit_secret_free(). */
int pkit_sshkey_private_encode(struct pkit_ctx *ctx, EVP_PKEY *key,
    const char *comment, unsigned char **out, size_t *len);

/* ---- the SSH wire encoding (RFC 4251 5), for sshcert.c and sshagent.c */

/* A growable output buffer.  Appends never fail on the spot: they set
 * bad (too large, or no memory), which the caller checks once at the end.
 * Start from { 0 }; the contents are wiped on free. */
struct pkit_sshbuf {
	unsigned char *d;
	size_t len, cap;
	int bad;		/* an append failed: too large, or no memory */
};
void pkit_sshbuf_free(struct pkit_sshbuf *b);
void pkit_sshbuf_put(struct pkit_sshbuf *b, const void *p, size_t n);
void pkit_sshbuf_put_u8(struct pkit_sshbuf *b, uint8_t v);
void pkit_sshbuf_put_u32(struct pkit_sshbuf *b, uint32_t v);
void pkit_sshbuf_put_u64(struct pkit_sshbuf *b, uint64_t v);
/* A uint32 length, then the bytes. */
void pkit_sshbuf_put_string(struct pkit_sshbuf *b, const void *p, size_t n);
void pkit_sshbuf_put_cstring(struct pkit_sshbuf *b, const char *s);
/* A non-negative mpint in minimal form. */
void pkit_sshbuf_put_mpint(struct pkit_sshbuf *b, const BIGNUM *bn);

/* A bounded reader over the input: each getter returns -1 (consuming
 * nothing useful) when the input is too short; strings point into it. */
struct pkit_sshrd {
	const unsigned char *p;
	size_t left;
};
int pkit_sshrd_u8(struct pkit_sshrd *r, uint8_t *v);
int pkit_sshrd_u32(struct pkit_sshrd *r, uint32_t *v);
int pkit_sshrd_u64(struct pkit_sshrd *r, uint64_t *v);
int pkit_sshrd_string(struct pkit_sshrd *r, const unsigned char **s,
    size_t *n);
/* Consume a string; *eq is 1 when it is exactly want. */
int pkit_sshrd_string_is(struct pkit_sshrd *r, const char *want, int *eq);
/* A non-negative minimal mpint; secret ones go to secure memory. */
int pkit_sshrd_mpint(struct pkit_sshrd *r, int secret, BIGNUM **out);

/* Append the public key fields of key that follow its type name (what a
 * certificate embeds after its nonce). */
int pkit_sshkey_put_fields(struct pkit_ctx *ctx, struct pkit_sshbuf *b,
    EVP_PKEY *key);

/* Read the public key fields of the plain key type type ("ssh-ed25519"
 * ...) from r; name is used in messages. */
int pkit_sshkey_read_fields(struct pkit_ctx *ctx, struct pkit_sshrd *r,
    const char *type, const char *name, EVP_PKEY **out);

/* Append the private key as ssh-agent's ADD_IDENTITY wants it: the type
 * name and the PROTOCOL.key fields, or, when cert is not NULL, the
 * certificate type name, the certificate blob and the private fields a
 * certificate does not carry.  The buffer then holds a secret. */
int pkit_sshkey_put_private(struct pkit_ctx *ctx, struct pkit_sshbuf *b,
    EVP_PKEY *key, const unsigned char *cert, size_t certlen);

/* ---- names, fingerprints and signatures ---------------------------- */

/* ssh-keygen's name of the key type: "ED25519", "ECDSA", "RSA" or NULL. */
const char *pkit_sshkey_label(EVP_PKEY *key);

/* The size ssh-keygen -l prints: 256 for Ed25519, the curve or modulus
 * size otherwise; 0 when OpenSSH has no form for the key. */
int pkit_sshkey_bits(EVP_PKEY *key);

/* How a fingerprint's digest is written after "SHA256:". */
enum pkit_sshfp {
	PKIT_SSHFP_B64_RAW = 0,	/* unpadded base64: ssh-keygen -l */
	PKIT_SSHFP_B64,
	PKIT_SSHFP_B64_URL,
	PKIT_SSHFP_B64_URL_RAW,
	PKIT_SSHFP_HEX,		/* lower-case hex */
};

/* "SHA256:<digest of blob>" in enc (ssh-keygen -l's form by default). */
int pkit_sshkey_fingerprint_blob(struct pkit_ctx *ctx,
    const unsigned char *blob, size_t len, enum pkit_sshfp enc, char **out);

/* The comment of the first OpenSSH public key or certificate line in
 * data (what follows the base64), or NULL in *out when it has none. */
int pkit_sshkey_line_comment(struct pkit_ctx *ctx, const unsigned char *data,
    size_t len, char **out);

/* The SHA256 fingerprint of key's public blob. */
int pkit_sshkey_fingerprint(struct pkit_ctx *ctx, EVP_PKEY *key, char **out);

/* Sign data with key, giving an SSH signature blob (string algorithm,
 * string signature).  alg picks the RSA hash ("rsa-sha2-256" or
 * "rsa-sha2-512", the default); for other keys it must be NULL or the
 * key's own name.  SHA-1 "ssh-rsa" signatures are never made. */
int pkit_sshkey_sign(struct pkit_ctx *ctx, EVP_PKEY *key, const char *alg,
    const unsigned char *data, size_t len, unsigned char **out,
    size_t *outlen);

/* Verify the SSH signature blob sig over data with key; name is used in
 * messages.  PKIT_ERR_VERIFY when it does not verify.  *alg (may be NULL)
 * gets the algorithm name, which may be the SHA-1 "ssh-rsa": callers that
 * must refuse it check. */
int pkit_sshkey_verify(struct pkit_ctx *ctx, EVP_PKEY *key,
    const unsigned char *sig, size_t siglen, const unsigned char *data,
    size_t len, const char *name, const char **alg);

#endif

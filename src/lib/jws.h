/* jws.h - JSON Web Signatures (RFC 7515) and JSON Web Tokens (RFC 7519).
 *
 * Compact and JSON (flattened and general) serializations, detached
 * payloads.  Algorithms: HS256/384/512, RS256/384/512, PS256/384/512,
 * ES256/384/512 and EdDSA with Ed25519.  cjose signs with RS*, PS* and
 * ES*; OpenSSL does the rest and every verification, with what a key needs
 * for an algorithm set up once and kept in the key object (thread-safe).
 * PS* signatures must use a salt as long as the hash (RFC 7518 §3.5).
 *
 * Verification is strict: "alg": "none" is always refused, the algorithm
 * must suit the key (no HMAC keyed with a public key), "crit" names no
 * extension pkit implements so any "crit" is refused, signatures must have
 * the exact length of the algorithm, MACs are compared in constant time.
 */
#ifndef PKIT_JWS_H
#define PKIT_JWS_H

#include <stddef.h>
#include <time.h>

#include <jansson.h>
#include <openssl/x509.h>

#include "err.h"
#include "jwk.h"

/* Largest JWS or JWT pkit reads. */
#define PKIT_JWS_MAX (1024 * 1024)

/* One signature of a JWS. */
struct pkit_jws_sig {
	char *protected_b64;	/* as in the input; "" when absent */
	json_t *protected;	/* decoded protected header, or NULL */
	json_t *header;		/* unprotected header, or NULL */
	json_t *joined;		/* both headers' members */
	unsigned char *sig;
	size_t sig_len;
	char *sig_b64;
};

/* A parsed JWS. */
struct pkit_jws {
	char *payload_b64;	/* as read, or of the detached one */
	unsigned char *payload;	/* decoded payload */
	size_t payload_len;
	int detached;		/* the input carried no payload (a compact
				   JWS with an empty one counts as such) */
	int json;		/* the input was JSON serialization */
	size_t nsig;
	struct pkit_jws_sig *sigs;
};

/* Parse a JWS in compact or JSON serialization; name is used in messages.
 * Nothing is verified. */
int pkit_jws_parse(struct pkit_ctx *ctx, const char *in, size_t len,
    const char *name, struct pkit_jws **out);

/* Supply the payload of a detached JWS. */
int pkit_jws_set_payload(struct pkit_ctx *ctx, struct pkit_jws *jws,
    const unsigned char *payload, size_t len);

void pkit_jws_free(struct pkit_jws *jws);

/* 0 when alg is a JWS algorithm that suits key (its kty and curve, and
 * for signing: a private key, an HMAC key at least as long as the hash
 * and RSA of 2048 bits or more unless insecure). */
int pkit_jws_alg_check(struct pkit_ctx *ctx, const struct pkit_jwk_key *key,
    const char *alg, int sign, int insecure);

/* The algorithm to use with key: want if set, else the JWK's "alg", else
 * the only one the key allows (EC curves, Ed25519).  NULL when none. */
const char *pkit_jws_alg_for_key(const struct pkit_jwk_key *key,
    const char *want);

struct pkit_jws_sign_opts {
	const char *alg;	/* NULL: pkit_jws_alg_for_key() */
	const json_t *header;	/* more protected members, or NULL */
	int json;		/* flattened JSON serialization */
	int detached;		/* leave the payload out */
	int insecure;		/* allow short HMAC keys and RSA < 2048 */
};

/* Sign payload with key.  *out is the compact serialization (or JSON). */
int pkit_jws_sign(struct pkit_ctx *ctx, const struct pkit_jwk_key *key,
    const struct pkit_jws_sign_opts *o, const unsigned char *payload,
    size_t len, char **out);

struct pkit_jws_verify_opts {
	const char *alg;	/* expected alg; NULL: from the key */
	const char *kid;	/* when set, a "kid" in the header must match */
	int insecure;		/* accept any alg that suits the key
				   when none is pinned (RSA, oct) */
};

/* Verify jws with key.  With several signatures one must verify; *which
 * (may be NULL) is its index. */
int pkit_jws_verify(struct pkit_ctx *ctx, const struct pkit_jws *jws,
    const struct pkit_jwk_key *key, const struct pkit_jws_verify_opts *o,
    size_t *which);

/* {"header": ..., "payload": "<base64url>", "signature": "..."} of the
 * first signature, as `step crypto jws inspect --json` prints. */
int pkit_jws_to_inspect(struct pkit_ctx *ctx, const struct pkit_jws *jws,
    json_t **out);

/* ---- JWT -------------------------------------------------------------- */

/* Clock skew allowed on exp, nbf and iat (step-ca uses one minute). */
#define PKIT_JWT_SKEW 60

struct pkit_jwt_verify_opts {
	const char *alg;	/* expected alg (see pkit_jws_verify_opts) */
	const char *kid;
	const char *iss;	/* checked when set */
	const char *aud;	/* checked when set: one of "aud" */
	const char *sub;	/* checked when set */
	long skew;		/* seconds; 0 means none */
	int no_exp_check;	/* do not check exp */
	int insecure;
};

/* Decode a compact JWT without verifying it: header, claims and the
 * base64url signature (each out-param may be NULL). */
int pkit_jwt_decode(struct pkit_ctx *ctx, const char *token, size_t len,
    json_t **header, json_t **claims, char **sig_b64);

/* Check iss/aud/sub and exp/nbf/iat (with the skew) of decoded claims
 * against o at time now; all failures are reported in one message. */
int pkit_jwt_check_claims(struct pkit_ctx *ctx, const json_t *claims,
    const struct pkit_jwt_verify_opts *o, time_t now);

/* Verify the signature of a compact JWT, then its claims. */
int pkit_jwt_verify(struct pkit_ctx *ctx, const char *token, size_t len,
    const struct pkit_jwk_key *key, const struct pkit_jwt_verify_opts *o,
    json_t **header, json_t **claims);

/* Sign claims (members in sorted order) as a compact JWT with "typ":
 * "JWT" and the extra header members. */
int pkit_jwt_sign(struct pkit_ctx *ctx, const struct pkit_jwk_key *key,
    const char *alg, const json_t *header, const json_t *claims,
    int insecure, char **out);

/* A random "jti": 64 hex digits (256 bits), as step makes them. */
int pkit_jwt_new_jti(struct pkit_ctx *ctx, char **out);

/* The "x5c" header value for a certificate chain (leaf first): an array
 * of standard base64 DER certificates.  The leaf's public key must be
 * key's, and its key usage, when present, must allow digitalSignature. */
int pkit_jws_x5c(struct pkit_ctx *ctx, STACK_OF(X509) *chain,
    const struct pkit_jwk_key *key, json_t **out);

/* Largest number of certificates pkit reads from an "x5c" header. */
#define PKIT_JWS_X5C_MAX 10

/* The certificates of an "x5c" header value (standard base64 DER, leaf
 * first). */
int pkit_jws_x5c_parse(struct pkit_ctx *ctx, const json_t *x5c,
    STACK_OF(X509) **out);

/* The verification key a JWS header's "x5c" names: the chain must lead to
 * a certificate of roots (a PEM file or directory) at pkit_now(), the
 * leaf's key usage must allow digitalSignature, and "x5t#S256" and "x5t",
 * when present, must be the leaf's.  The key's JWK gets the header's alg
 * when it suits the key. */
int pkit_jws_x5c_key(struct pkit_ctx *ctx, const json_t *header,
    const char *roots, struct pkit_jwk_key **out);

/* {"header": ..., "payload": ..., "signature": "..."} of a JWT. */
int pkit_jwt_to_inspect(struct pkit_ctx *ctx, const char *token, size_t len,
    json_t **out);

/* ---- shared JOSE header helpers (used by JWE too) --------------------- */

/* RFC 7515 §4.1.11: refuse "crit" (pkit implements no extension); the
 * value is also checked for form.  protected_hdr may be NULL. */
int pkit_jose_check_crit(struct pkit_ctx *ctx, const json_t *protected_hdr,
    const json_t *unprotected, const char *name);

/* Join the protected and unprotected headers, refusing a member in both. */
int pkit_jose_join_headers(struct pkit_ctx *ctx, const json_t *a,
    const json_t *b, const json_t *c, const char *name, json_t **out);

/* Decode base64url JSON (a protected header) into an object. */
int pkit_jose_b64_json(struct pkit_ctx *ctx, const char *b64, size_t len,
    const char *what, json_t **out);

/* Swap the serialization of a JWS or JWE (`step crypto jose format`):
 * compact to flattened JSON (indented, sorted), or JSON (flattened, or
 * general with one signature or recipient) to compact.  Syntax only:
 * nothing is verified; what compact cannot carry (unprotected headers,
 * "aad", several signatures) is an error.  name is used in messages. */
int pkit_jose_format(struct pkit_ctx *ctx, const char *in, size_t len,
    const char *name, char **out);

/* Compact JSON of o, base64url encoded. */
int pkit_jose_json_b64(struct pkit_ctx *ctx, const json_t *o, size_t flags,
    char **out);

#endif

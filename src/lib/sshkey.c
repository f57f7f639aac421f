/* sshkey.c - OpenSSH public key blobs and lines, openssh-key-v1 private
 * keys.
 *
 * SSH's binary encoding is produced and consumed through two small
 * helpers: a bounded, growable writer whose appends set a sticky error
 * (checked once at the end), and a reader that hands out pointers into the
 * input only after checking the length it needs is there.  Buffers that
 * may hold private key material are wiped whenever they are freed or
 * moved.  Base64 and PEM armour go through libsodium and OpenSSL.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>
#include <openssl/objects.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include "codec.h"
#include "key.h"
#include "secret.h"
#include "sshkey.h"

/* Nothing pkit reads or writes comes near these: a 16384-bit RSA private
 * key is under 12 KiB in this encoding. */
#define SBUF_MAX (256u * 1024)
#define MPINT_MAX (16384 / 8 + 1)
#define RSA_MIN_BITS 1024
#define RSA_MAX_BITS 16384

#define MAGIC "openssh-key-v1"	/* followed by a NUL on the wire */
#define MAGIC_LEN (sizeof(MAGIC))
#define PEM_NAME "OPENSSH PRIVATE KEY"
#define PRIV_BLOCK 8		/* cipher "none" pads to 8 bytes */

enum ssh_kind { SSH_ED25519, SSH_ECDSA, SSH_RSA };

struct sshtype {
	const char *name;	/* key type on the wire */
	enum ssh_kind kind;
	const char *curve;	/* ECDSA: curve identifier (RFC 5656 6.1) */
	const char *group;	/* ECDSA: OpenSSL group name */
	int nid;		/* ECDSA: OpenSSL curve */
	size_t flen;		/* ECDSA: field element size in bytes */
};

static const struct sshtype types[] = {
	{ "ssh-ed25519", SSH_ED25519, NULL, NULL, 0, 0 },
	{ "ecdsa-sha2-nistp256", SSH_ECDSA, "nistp256", "P-256",
	  NID_X9_62_prime256v1, 32 },
	{ "ecdsa-sha2-nistp384", SSH_ECDSA, "nistp384", "P-384", NID_secp384r1,
	  48 },
	{ "ecdsa-sha2-nistp521", SSH_ECDSA, "nistp521", "P-521", NID_secp521r1,
	  66 },
	{ "ssh-rsa", SSH_RSA, NULL, NULL, 0, 0 },
};
#define NTYPES (sizeof(types) / sizeof(types[0]))
#define POINT_MAX (1 + 2 * 66)

/* ---- the writer ------------------------------------------------------ */

void
pkit_sshbuf_free(struct pkit_sshbuf *b)
{
	pkit_secret_free(b->d, b->cap);
	b->d = NULL;
	b->len = b->cap = 0;
}

/* Make room for n more bytes.  The old copy is wiped, not realloc'd. */
static int
sbuf_reserve(struct pkit_sshbuf *b, size_t n)
{
	unsigned char *nd;
	size_t ncap;

	if (b->bad)
		return -1;
	if (n > SBUF_MAX - b->len) {
		b->bad = 1;
		return -1;
	}
	if (b->len + n <= b->cap)
		return 0;
	for (ncap = b->cap == 0 ? 256 : b->cap; ncap < b->len + n; ncap *= 2)
		;
	if ((nd = malloc(ncap)) == NULL) {
		b->bad = 1;
		return -1;
	}
	if (b->len > 0)
		memcpy(nd, b->d, b->len);
	pkit_secret_free(b->d, b->cap);
	b->d = nd;
	b->cap = ncap;
	return 0;
}

void
pkit_sshbuf_put(struct pkit_sshbuf *b, const void *p, size_t n)
{
	if (sbuf_reserve(b, n) != 0)
		return;
	if (n > 0)
		memcpy(b->d + b->len, p, n);
	b->len += n;
}

void
pkit_sshbuf_put_u32(struct pkit_sshbuf *b, uint32_t v)
{
	unsigned char x[4];

	x[0] = (unsigned char)(v >> 24);
	x[1] = (unsigned char)(v >> 16);
	x[2] = (unsigned char)(v >> 8);
	x[3] = (unsigned char)v;
	pkit_sshbuf_put(b, x, sizeof(x));
}

void
pkit_sshbuf_put_u8(struct pkit_sshbuf *b, uint8_t v)
{
	pkit_sshbuf_put(b, &v, 1);
}

void
pkit_sshbuf_put_u64(struct pkit_sshbuf *b, uint64_t v)
{
	pkit_sshbuf_put_u32(b, (uint32_t)(v >> 32));
	pkit_sshbuf_put_u32(b, (uint32_t)v);
}

void
pkit_sshbuf_put_string(struct pkit_sshbuf *b, const void *p, size_t n)
{
	if (n > SBUF_MAX) {
		b->bad = 1;
		return;
	}
	pkit_sshbuf_put_u32(b, (uint32_t)n);
	pkit_sshbuf_put(b, p, n);
}

void
pkit_sshbuf_put_cstring(struct pkit_sshbuf *b, const char *s)
{
	pkit_sshbuf_put_string(b, s, strlen(s));
}

/* RFC 4251 5: a non-negative mpint, big-endian, with a leading zero byte
 * when the top bit is set, and no other leading zeros. */
void
pkit_sshbuf_put_mpint(struct pkit_sshbuf *b, const BIGNUM *bn)
{
	unsigned char tmp[MPINT_MAX + 1];
	int n;

	if (bn == NULL || BN_is_negative(bn) ||
	    (n = BN_num_bytes(bn)) > MPINT_MAX) {
		b->bad = 1;
		return;
	}
	tmp[0] = 0;
	if (BN_bn2bin(bn, tmp + 1) != n) {
		b->bad = 1;
		return;
	}
	if (n > 0 && (tmp[1] & 0x80) != 0)
		pkit_sshbuf_put_string(b, tmp, (size_t)n + 1);
	else
		pkit_sshbuf_put_string(b, tmp + 1, (size_t)n);
	pkit_secret_wipe(tmp, (size_t)n + 1);
}

/* ---- the reader ------------------------------------------------------ */

int
pkit_sshrd_u32(struct pkit_sshrd *r, uint32_t *v)
{
	if (r->left < 4)
		return -1;
	*v = (uint32_t)r->p[0] << 24 | (uint32_t)r->p[1] << 16 |
	    (uint32_t)r->p[2] << 8 | (uint32_t)r->p[3];
	r->p += 4;
	r->left -= 4;
	return 0;
}

int
pkit_sshrd_u8(struct pkit_sshrd *r, uint8_t *v)
{
	if (r->left < 1)
		return -1;
	*v = r->p[0];
	r->p++;
	r->left--;
	return 0;
}

int
pkit_sshrd_u64(struct pkit_sshrd *r, uint64_t *v)
{
	uint32_t hi, lo;

	if (r->left < 8 || pkit_sshrd_u32(r, &hi) != 0 ||
	    pkit_sshrd_u32(r, &lo) != 0)
		return -1;
	*v = (uint64_t)hi << 32 | lo;
	return 0;
}

/* A length-prefixed string: *s points into the input. */
int
pkit_sshrd_string(struct pkit_sshrd *r, const unsigned char **s, size_t *n)
{
	uint32_t len;

	if (pkit_sshrd_u32(r, &len) != 0 || len > r->left)
		return -1;
	*s = r->p;
	*n = len;
	r->p += len;
	r->left -= len;
	return 0;
}

/* 1 when the next string is exactly want; it is consumed either way. */
int
pkit_sshrd_string_is(struct pkit_sshrd *r, const char *want, int *eq)
{
	const unsigned char *s;
	size_t n;

	if (pkit_sshrd_string(r, &s, &n) != 0)
		return -1;
	*eq = n == strlen(want) && memcmp(s, want, n) == 0;
	return 0;
}

/* A non-negative mpint in minimal form; secret ones go to secure memory. */
int
pkit_sshrd_mpint(struct pkit_sshrd *r, int secret, BIGNUM **out)
{
	const unsigned char *s;
	size_t n;
	BIGNUM *bn;

	*out = NULL;
	if (pkit_sshrd_string(r, &s, &n) != 0 || n > MPINT_MAX + 1)
		return -1;
	if (n > 0 && (s[0] & 0x80) != 0)
		return -1;	/* negative */
	if (n > 0 && s[0] == 0 && (n == 1 || (s[1] & 0x80) == 0))
		return -1;	/* a needless leading zero */
	if ((bn = secret ? BN_secure_new() : BN_new()) == NULL)
		return -1;
	if (BN_bin2bn(s, (int)n, bn) == NULL) {
		BN_clear_free(bn);
		return -1;
	}
	*out = bn;
	return 0;
}

/* ---- key types ------------------------------------------------------- */

static const struct sshtype *
type_by_name(const unsigned char *s, size_t n)
{
	size_t i;

	for (i = 0; i < NTYPES; i++)
		if (strlen(types[i].name) == n &&
		    memcmp(types[i].name, s, n) == 0)
			return &types[i];
	return NULL;
}

static const struct sshtype *
type_of(EVP_PKEY *key)
{
	char group[64];
	size_t i, n = 0;
	int nid;

	if (EVP_PKEY_is_a(key, "ED25519"))
		return &types[0];
	if (EVP_PKEY_is_a(key, "RSA"))
		return &types[NTYPES - 1];
	if (!EVP_PKEY_is_a(key, "EC") ||
	    !EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME,
	    group, sizeof(group), &n)) {
		ERR_clear_error();
		return NULL;
	}
	if ((nid = OBJ_sn2nid(group)) == NID_undef)
		nid = EC_curve_nist2nid(group);
	for (i = 0; i < NTYPES; i++)
		if (types[i].kind == SSH_ECDSA && types[i].nid == nid)
			return &types[i];
	return NULL;
}

const char *
pkit_sshkey_type(EVP_PKEY *key)
{
	const struct sshtype *t = type_of(key);

	return t != NULL ? t->name : NULL;
}

static int
no_ssh_form(struct pkit_ctx *ctx, EVP_PKEY *key)
{
	return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED,
	    "%s keys have no OpenSSH form (Ed25519, ECDSA P-256/384/521 and "
	    "RSA do)", EVP_PKEY_get0_type_name(key));
}

/* The uncompressed point 04||X||Y of an EC key. */
static int
ec_point(struct pkit_ctx *ctx, EVP_PKEY *key, const struct sshtype *t,
    unsigned char *pt, size_t *ptlen)
{
	BIGNUM *x = NULL, *y = NULL;
	int r = PKIT_ERR_CRYPTO;

	if (!EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, &x) ||
	    !EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, &y)) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "EC public key");
		goto out;
	}
	pt[0] = 0x04;
	if (BN_bn2binpad(x, pt + 1, (int)t->flen) != (int)t->flen ||
	    BN_bn2binpad(y, pt + 1 + t->flen, (int)t->flen) != (int)t->flen) {
		r = pkit_seterr(ctx, PKIT_ERR_CRYPTO,
		    "EC public key: bad point");
		goto out;
	}
	*ptlen = 1 + 2 * t->flen;
	r = PKIT_OK;
out:
	BN_free(x);
	BN_free(y);
	return r;
}

/* Append the public key fields of key that follow its type name. */
static int
put_fields(struct pkit_ctx *ctx, struct pkit_sshbuf *b, EVP_PKEY *key,
    const struct sshtype *t)
{
	unsigned char raw[POINT_MAX];
	size_t n = sizeof(raw);
	BIGNUM *e = NULL, *nn = NULL;
	int r;

	switch (t->kind) {
	case SSH_ED25519:
		if (!EVP_PKEY_get_raw_public_key(key, raw, &n) || n != 32)
			return pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO,
			    "Ed25519 public key");
		pkit_sshbuf_put_string(b, raw, n);
		return PKIT_OK;
	case SSH_ECDSA:
		if ((r = ec_point(ctx, key, t, raw, &n)) != 0)
			return r;
		pkit_sshbuf_put_cstring(b, t->curve);
		pkit_sshbuf_put_string(b, raw, n);
		return PKIT_OK;
	case SSH_RSA:
		if (!EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, &e) ||
		    !EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &nn)) {
			BN_free(e);
			return pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO,
			    "RSA public key");
		}
		pkit_sshbuf_put_mpint(b, e);
		pkit_sshbuf_put_mpint(b, nn);
		BN_free(e);
		BN_free(nn);
		return PKIT_OK;
	}
	return PKIT_ERR_INTERNAL;
}

/* Append the public key blob fields of key (RFC 4253 6.6). */
static int
put_public(struct pkit_ctx *ctx, struct pkit_sshbuf *b, EVP_PKEY *key,
    const struct sshtype *t)
{
	pkit_sshbuf_put_cstring(b, t->name);
	return put_fields(ctx, b, key, t);
}

int
pkit_sshkey_put_fields(struct pkit_ctx *ctx, struct pkit_sshbuf *b,
    EVP_PKEY *key)
{
	const struct sshtype *t;

	if ((t = type_of(key)) == NULL)
		return no_ssh_form(ctx, key);
	return put_fields(ctx, b, key, t);
}

int
pkit_sshkey_public_blob(struct pkit_ctx *ctx, EVP_PKEY *key,
    unsigned char **out, size_t *len)
{
	const struct sshtype *t;
	struct pkit_sshbuf b = { 0 };
	int r;

	*out = NULL;
	*len = 0;
	if ((t = type_of(key)) == NULL)
		return no_ssh_form(ctx, key);
	if ((r = put_public(ctx, &b, key, t)) != 0)
		goto out;
	if (b.bad) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "SSH public key encoding");
		goto out;
	}
	*out = b.d;
	*len = b.len;
	b.d = NULL;
	r = PKIT_OK;
out:
	pkit_sshbuf_free(&b);
	return r;
}

/* ---- building keys from fields --------------------------------------- */

/* Run EVP_PKEY_fromdata over bld and check the result: a pairwise check
 * for private keys, a public key check otherwise. */
static int
from_params(struct pkit_ctx *ctx, const char *alg, OSSL_PARAM_BLD *bld,
    int priv, const char *name, EVP_PKEY **out)
{
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *pctx = NULL, *cctx = NULL;
	EVP_PKEY *key = NULL;
	int ok, r = PKIT_ERR_INTERNAL;

	if ((params = OSSL_PARAM_BLD_to_param(bld)) == NULL ||
	    (pctx = EVP_PKEY_CTX_new_from_name(ctx->libctx, alg,
	    ctx->propq)) == NULL ||
	    EVP_PKEY_fromdata_init(pctx) <= 0 ||
	    EVP_PKEY_fromdata(pctx, &key, priv ? EVP_PKEY_KEYPAIR :
	    EVP_PKEY_PUBLIC_KEY, params) <= 0) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_FORMAT, "%s: bad %s key",
		    name, alg);
		goto out;
	}
	if ((cctx = EVP_PKEY_CTX_new_from_pkey(ctx->libctx, key,
	    ctx->propq)) == NULL) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "%s", name);
		goto out;
	}
	ok = priv ? EVP_PKEY_pairwise_check(cctx) : EVP_PKEY_public_check(cctx);
	if (ok != 1) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_FORMAT,
		    "%s: the %s key does not check out", name, alg);
		goto out;
	}
	*out = key;
	key = NULL;
	r = PKIT_OK;
out:
	EVP_PKEY_CTX_free(cctx);
	EVP_PKEY_CTX_free(pctx);
	OSSL_PARAM_free(params);
	EVP_PKEY_free(key);
	return r;
}

static int
ec_key(struct pkit_ctx *ctx, const struct sshtype *t, const unsigned char *pt,
    size_t ptlen, const BIGNUM *d, const char *name, EVP_PKEY **out)
{
	OSSL_PARAM_BLD *bld;
	int r;

	if (ptlen != 1 + 2 * t->flen || pt[0] != 0x04)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: bad %s public point", name, t->name);
	if ((bld = OSSL_PARAM_BLD_new()) == NULL ||
	    !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
	    t->group, 0) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
	    pt, ptlen) ||
	    (d != NULL && !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY,
	    d))) {
		OSSL_PARAM_BLD_free(bld);
		return pkit_seterr_ssl(ctx, PKIT_ERR_NOMEM, "%s", name);
	}
	r = from_params(ctx, "EC", bld, d != NULL, name, out);
	OSSL_PARAM_BLD_free(bld);
	return r;
}

/* An RSA key from n and e, and for a private key d, p, q and iqmp (the
 * CRT exponents are derived here: OpenSSH does not store them). */
static int
rsa_key(struct pkit_ctx *ctx, const BIGNUM *n, const BIGNUM *e,
    const BIGNUM *d, const BIGNUM *p, const BIGNUM *q, const BIGNUM *iqmp,
    const char *name, EVP_PKEY **out)
{
	OSSL_PARAM_BLD *bld = NULL;
	BN_CTX *bnctx = NULL;
	BIGNUM *t = NULL, *dp = NULL, *dq = NULL;
	int bits = BN_num_bits(n), r = PKIT_ERR_INTERNAL;

	if (bits < RSA_MIN_BITS || bits > RSA_MAX_BITS)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: RSA modulus of %d bits is out of range (%d to %d)",
		    name, bits, RSA_MIN_BITS, RSA_MAX_BITS);
	if ((bld = OSSL_PARAM_BLD_new()) == NULL ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e))
		goto nomem;
	if (d != NULL) {
		if (BN_is_zero(p) || BN_is_zero(q) || BN_is_one(p) ||
		    BN_is_one(q)) {
			r = pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "%s: bad RSA private key", name);
			goto out;
		}
		if ((bnctx = BN_CTX_secure_new()) == NULL ||
		    (t = BN_secure_new()) == NULL ||
		    (dp = BN_secure_new()) == NULL ||
		    (dq = BN_secure_new()) == NULL ||
		    !BN_sub(t, p, BN_value_one()) || !BN_mod(dp, d, t, bnctx) ||
		    !BN_sub(t, q, BN_value_one()) || !BN_mod(dq, d, t, bnctx) ||
		    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_D, d) ||
		    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR1,
		    p) ||
		    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR2,
		    q) ||
		    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT1,
		    dp) ||
		    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT2,
		    dq) ||
		    !OSSL_PARAM_BLD_push_BN(bld,
		    OSSL_PKEY_PARAM_RSA_COEFFICIENT1, iqmp))
			goto nomem;
	}
	r = from_params(ctx, "RSA", bld, d != NULL, name, out);
	goto out;
nomem:
	r = pkit_seterr_ssl(ctx, PKIT_ERR_NOMEM, "%s", name);
out:
	BN_clear_free(t);
	BN_clear_free(dp);
	BN_clear_free(dq);
	BN_CTX_free(bnctx);
	OSSL_PARAM_BLD_free(bld);
	return r;
}

static int
malformed(struct pkit_ctx *ctx, const char *name, const char *what)
{
	return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: malformed %s", name,
	    what);
}

static int
unknown_type(struct pkit_ctx *ctx, const char *name, const unsigned char *s,
    size_t n)
{
	return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED,
	    "%s: SSH key type '%.*s' is not supported (ssh-ed25519, "
	    "ecdsa-sha2-nistp256/384/521, ssh-rsa)", name,
	    (int)(n > 64 ? 64 : n), (const char *)s);
}

/* Read the public key fields of type t that follow the type name. */
static int
read_fields(struct pkit_ctx *ctx, struct pkit_sshrd *r,
    const struct sshtype *t, const char *name, EVP_PKEY **out)
{
	const unsigned char *s, *pt;
	size_t n, ptlen;
	BIGNUM *e = NULL, *nn = NULL;
	int eq, rc;

	*out = NULL;
	switch (t->kind) {
	case SSH_ED25519:
		if (pkit_sshrd_string(r, &s, &n) != 0 || n != 32)
			return malformed(ctx, name, "Ed25519 public key");
		if ((*out = EVP_PKEY_new_raw_public_key_ex(ctx->libctx,
		    "ED25519", ctx->propq, s, n)) == NULL)
			return pkit_seterr_ssl(ctx, PKIT_ERR_FORMAT,
			    "%s: bad Ed25519 public key", name);
		return PKIT_OK;
	case SSH_ECDSA:
		if (pkit_sshrd_string_is(r, t->curve, &eq) != 0 || !eq ||
		    pkit_sshrd_string(r, &pt, &ptlen) != 0)
			return malformed(ctx, name, "ECDSA public key");
		return ec_key(ctx, t, pt, ptlen, NULL, name, out);
	case SSH_RSA:
		if (pkit_sshrd_mpint(r, 0, &e) != 0 || pkit_sshrd_mpint(r, 0, &nn) != 0) {
			BN_free(e);
			return malformed(ctx, name, "RSA public key");
		}
		rc = rsa_key(ctx, nn, e, NULL, NULL, NULL, NULL, name, out);
		BN_free(e);
		BN_free(nn);
		return rc;
	}
	return PKIT_ERR_INTERNAL;
}

/* Read a type name and the public key fields that follow it. */
static int
read_public(struct pkit_ctx *ctx, struct pkit_sshrd *r, const char *name,
    EVP_PKEY **out)
{
	const struct sshtype *t;
	const unsigned char *s;
	size_t n;

	*out = NULL;
	if (pkit_sshrd_string(r, &s, &n) != 0)
		return malformed(ctx, name, "SSH public key");
	if ((t = type_by_name(s, n)) == NULL)
		return unknown_type(ctx, name, s, n);
	return read_fields(ctx, r, t, name, out);
}

int
pkit_sshkey_read_fields(struct pkit_ctx *ctx, struct pkit_sshrd *r,
    const char *type, const char *name, EVP_PKEY **out)
{
	const struct sshtype *t;

	*out = NULL;
	if ((t = type_by_name((const unsigned char *)type,
	    strlen(type))) == NULL)
		return unknown_type(ctx, name, (const unsigned char *)type,
		    strlen(type));
	return read_fields(ctx, r, t, name, out);
}

int
pkit_sshkey_from_blob(struct pkit_ctx *ctx, const unsigned char *blob,
    size_t len, const char *name, EVP_PKEY **out)
{
	struct pkit_sshrd r = { blob, len };
	EVP_PKEY *key = NULL;
	int rc;

	*out = NULL;
	if ((rc = read_public(ctx, &r, name, &key)) != 0)
		return rc;
	if (r.left != 0) {
		EVP_PKEY_free(key);
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: trailing data after the SSH public key", name);
	}
	*out = key;
	return PKIT_OK;
}

/* ---- authorized_keys lines ------------------------------------------- */

int
pkit_sshkey_public_encode(struct pkit_ctx *ctx, EVP_PKEY *key,
    const char *comment, unsigned char **out, size_t *len)
{
	unsigned char *blob = NULL;
	size_t bloblen = 0, n;
	char *b64 = NULL, *line = NULL;
	const char *type;
	int r;

	*out = NULL;
	*len = 0;
	if ((r = pkit_sshkey_public_blob(ctx, key, &blob, &bloblen)) != 0)
		return r;
	type = pkit_sshkey_type(key);
	if ((r = pkit_b64_encode(ctx, PKIT_B64_STD, blob, bloblen, &b64)) != 0)
		goto out;
	if (comment != NULL && (comment[0] == '\0' ||
	    strpbrk(comment, "\r\n") != NULL))
		comment = NULL;
	n = strlen(type) + 1 + strlen(b64) + (comment != NULL ?
	    1 + strlen(comment) : 0) + 2;
	if ((line = malloc(n)) == NULL) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "SSH public key");
		goto out;
	}
	snprintf(line, n, "%s %s%s%s\n", type, b64, comment != NULL ? " " : "",
	    comment != NULL ? comment : "");
	*out = (unsigned char *)line;
	*len = strlen(line);
	r = PKIT_OK;
out:
	free(blob);
	free(b64);
	return r;
}

static const unsigned char *
skip_blank(const unsigned char *p, const unsigned char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	return p;
}

int
pkit_sshkey_is_public(const unsigned char *data, size_t len)
{
	static const char *const prefixes[] = {
		"ssh-", "ecdsa-sha2-", "sk-ssh-", "sk-ecdsa-",
	};
	const unsigned char *p = skip_blank(data, data + len);
	size_t i, left = (size_t)(data + len - p);

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (left > strlen(prefixes[i]) &&
		    memcmp(p, prefixes[i], strlen(prefixes[i])) == 0)
			return 1;
	return 0;
}

/* The extent of the next line and where the one after starts. */
static const unsigned char *
next_line(const unsigned char *p, const unsigned char *end, size_t *n)
{
	const unsigned char *nl = memchr(p, '\n', (size_t)(end - p));

	*n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
	return nl != NULL ? nl + 1 : end;
}

/* 1 when the line is blank or a '#' comment. */
static int
line_is_empty(const unsigned char *p, size_t n)
{
	const unsigned char *q = skip_blank(p, p + n);

	return q == p + n || *q == '#';
}

static size_t
token(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n && p[i] != ' ' && p[i] != '\t' && p[i] != '\r'; i++)
		;
	return i;
}

static int
parse_line(struct pkit_ctx *ctx, const unsigned char *p, size_t n,
    const char *name, EVP_PKEY **out)
{
	const unsigned char *q = skip_blank(p, p + n), *end = p + n;
	const struct sshtype *t;
	size_t tlen, blen, bloblen = 0;
	unsigned char *blob = NULL;
	EVP_PKEY *key = NULL;
	int r;

	tlen = token(q, (size_t)(end - q));
	if ((t = type_by_name(q, tlen)) == NULL) {
		if (tlen > 9 && memmem(q, tlen, "-cert-v01@openssh.com", 21))
			return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED,
			    "%s: an SSH certificate, not a public key", name);
		return unknown_type(ctx, name, q, tlen);
	}
	q = skip_blank(q + tlen, end);
	blen = token(q, (size_t)(end - q));
	if (blen == 0)
		return malformed(ctx, name, "SSH public key line");
	if (pkit_b64_decode(ctx, PKIT_B64_STD, (const char *)q, blen, &blob,
	    &bloblen) != 0)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: bad base64 in the SSH public key", name);
	if ((r = pkit_sshkey_from_blob(ctx, blob, bloblen, name, &key)) != 0)
		goto out;
	if (type_of(key) != t) {
		r = pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: the key is a %s key, not %s", name,
		    pkit_sshkey_type(key), t->name);
		goto out;
	}
	*out = key;
	key = NULL;
	r = PKIT_OK;
out:
	EVP_PKEY_free(key);
	free(blob);
	return r;
}

int
pkit_sshkey_parse_public(struct pkit_ctx *ctx, const unsigned char *data,
    size_t len, const char *name, EVP_PKEY **out)
{
	const unsigned char *p = data, *end = data + len, *next;
	EVP_PKEY *key = NULL;
	size_t n;
	int r;

	*out = NULL;
	for (; p < end; p = next) {
		next = next_line(p, end, &n);
		if (line_is_empty(p, n))
			continue;
		if (key != NULL) {
			EVP_PKEY_free(key);
			return pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "%s: holds more than one key", name);
		}
		if ((r = parse_line(ctx, p, n, name, &key)) != 0)
			return r;
	}
	if (key == NULL)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: no SSH public key", name);
	*out = key;
	return PKIT_OK;
}

/* ---- openssh-key-v1 -------------------------------------------------- */

/* The decoded body of the first OPENSSH PRIVATE KEY block, in secure
 * memory: free with OPENSSL_secure_clear_free(*body, *len). */
static int
pem_body(struct pkit_ctx *ctx, const unsigned char *data, size_t len,
    const char *name, unsigned char **body, long *blen)
{
	BIO *bio;
	char *pname = NULL, *hdr = NULL;
	unsigned char *d = NULL;
	long n = 0;
	int r = PKIT_ERR_FORMAT;

	*body = NULL;
	*blen = 0;
	if (len > INT32_MAX ||
	    (bio = BIO_new_mem_buf(data, (int)len)) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", name);
	for (;;) {
		if (!PEM_read_bio_ex(bio, &pname, &hdr, &d, &n,
		    PEM_FLAG_SECURE | PEM_FLAG_EAY_COMPATIBLE)) {
			r = pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "%s: malformed OpenSSH private key PEM", name);
			break;
		}
		if (strcmp(pname, PEM_NAME) == 0) {
			*body = d;
			*blen = n;
			d = NULL;
			r = PKIT_OK;
		}
		OPENSSL_free(pname);
		OPENSSL_free(hdr);
		OPENSSL_secure_clear_free(d, (size_t)n);
		pname = hdr = NULL;
		d = NULL;
		if (r == PKIT_OK)
			break;
	}
	ERR_clear_error();
	BIO_free(bio);
	return r;
}

/* The parts of an openssh-key-v1 body up to the private section. */
struct v1 {
	const unsigned char *cipher, *kdf, *kdfopts, *pub, *priv;
	size_t cipherlen, kdflen, kdfoptslen, publen, privlen;
};

static int
v1_split(struct pkit_ctx *ctx, const unsigned char *body, size_t len,
    const char *name, struct v1 *v)
{
	struct pkit_sshrd r = { body, len };
	uint32_t nkeys;

	if (len < MAGIC_LEN || memcmp(body, MAGIC, MAGIC_LEN) != 0)
		return malformed(ctx, name, "OpenSSH private key (bad magic)");
	r.p += MAGIC_LEN;
	r.left -= MAGIC_LEN;
	if (pkit_sshrd_string(&r, &v->cipher, &v->cipherlen) != 0 ||
	    pkit_sshrd_string(&r, &v->kdf, &v->kdflen) != 0 ||
	    pkit_sshrd_string(&r, &v->kdfopts, &v->kdfoptslen) != 0 ||
	    pkit_sshrd_u32(&r, &nkeys) != 0)
		return malformed(ctx, name, "OpenSSH private key");
	if (nkeys != 1)
		return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED,
		    "%s: holds %u keys; pkit reads files with one", name,
		    (unsigned)nkeys);
	if (pkit_sshrd_string(&r, &v->pub, &v->publen) != 0 ||
	    pkit_sshrd_string(&r, &v->priv, &v->privlen) != 0)
		return malformed(ctx, name, "OpenSSH private key");
	if (r.left != 0)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: trailing data in the OpenSSH private key", name);
	return PKIT_OK;
}

static int
v1_encrypted(const struct v1 *v)
{
	return !(v->cipherlen == 4 && memcmp(v->cipher, "none", 4) == 0);
}

int
pkit_sshkey_is_private(const unsigned char *data, size_t len)
{
	return memmem(data, len, "-----BEGIN " PEM_NAME "-----",
	    sizeof("-----BEGIN " PEM_NAME "-----") - 1) != NULL;
}

int
pkit_sshkey_is_encrypted(const unsigned char *data, size_t len)
{
	struct pkit_ctx tmp;
	unsigned char *body = NULL;
	long blen = 0;
	struct v1 v;
	int enc = 0;

	if (!pkit_sshkey_is_private(data, len))
		return 0;
	pkit_ctx_init(&tmp);
	if (pem_body(&tmp, data, len, "", &body, &blen) == 0 &&
	    v1_split(&tmp, body, (size_t)blen, "", &v) == 0)
		enc = v1_encrypted(&v);
	OPENSSL_secure_clear_free(body, (size_t)blen);
	pkit_ctx_release(&tmp);
	return enc;
}

/* The private key fields that follow the check integers. */
static int
read_private(struct pkit_ctx *ctx, struct pkit_sshrd *r, const char *name,
    EVP_PKEY **out)
{
	const struct sshtype *t;
	const unsigned char *s, *pk, *sk;
	size_t n, pklen, sklen;
	BIGNUM *bn[6] = { NULL };
	EVP_PKEY *key = NULL;
	unsigned char raw[32];
	size_t rawlen = sizeof(raw);
	int eq, rc = PKIT_ERR_INTERNAL;
	size_t i;

	*out = NULL;
	if (pkit_sshrd_string(r, &s, &n) != 0)
		return malformed(ctx, name, "OpenSSH private key");
	if ((t = type_by_name(s, n)) == NULL)
		return unknown_type(ctx, name, s, n);
	switch (t->kind) {
	case SSH_ED25519:
		/* pk, then sk = seed || pk (the NaCl form). */
		if (pkit_sshrd_string(r, &pk, &pklen) != 0 || pklen != 32 ||
		    pkit_sshrd_string(r, &sk, &sklen) != 0 || sklen != 64 ||
		    memcmp(sk + 32, pk, 32) != 0) {
			rc = malformed(ctx, name, "Ed25519 private key");
			break;
		}
		if ((key = EVP_PKEY_new_raw_private_key_ex(ctx->libctx,
		    "ED25519", ctx->propq, sk, 32)) == NULL) {
			rc = pkit_seterr_ssl(ctx, PKIT_ERR_FORMAT,
			    "%s: bad Ed25519 private key", name);
			break;
		}
		if (!EVP_PKEY_get_raw_public_key(key, raw, &rawlen) ||
		    rawlen != 32 || memcmp(raw, pk, 32) != 0) {
			rc = pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "%s: the Ed25519 public key does not match the "
			    "private key", name);
			break;
		}
		*out = key;
		key = NULL;
		rc = PKIT_OK;
		break;
	case SSH_ECDSA:
		if (pkit_sshrd_string_is(r, t->curve, &eq) != 0 || !eq ||
		    pkit_sshrd_string(r, &pk, &pklen) != 0 ||
		    pkit_sshrd_mpint(r, 1, &bn[0]) != 0) {
			rc = malformed(ctx, name, "ECDSA private key");
			break;
		}
		rc = ec_key(ctx, t, pk, pklen, bn[0], name, out);
		break;
	case SSH_RSA:
		/* n, e, d, iqmp, p, q */
		for (i = 0; i < 6; i++)
			if (pkit_sshrd_mpint(r, i >= 2, &bn[i]) != 0)
				break;
		if (i < 6) {
			rc = malformed(ctx, name, "RSA private key");
			break;
		}
		rc = rsa_key(ctx, bn[0], bn[1], bn[2], bn[4], bn[5], bn[3],
		    name, out);
		break;
	}
	for (i = 0; i < 6; i++)
		BN_clear_free(bn[i]);
	EVP_PKEY_free(key);
	return rc;
}

static int
encrypted_hint(struct pkit_ctx *ctx, const struct v1 *v, const char *name)
{
	struct pkit_sshrd r = { v->pub, v->publen };
	const unsigned char *s;
	size_t n;
	int ed = pkit_sshrd_string(&r, &s, &n) == 0 && n == 11 &&
	    memcmp(s, "ssh-ed25519", 11) == 0;

	/* ssh-keygen writes Ed25519 keys only as openssh-key-v1, so for
	 * those the way out is to remove the passphrase. */
	if (ed)
		return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED,
		    "%s: encrypted OpenSSH private keys are not supported "
		    "(bcrypt_pbkdf); remove the passphrase with 'ssh-keygen -p "
		    "-N \"\" -f %s' and re-encrypt with "
		    "'pkit crypto change-pass'",
		    name, name);
	return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED,
	    "%s: encrypted OpenSSH private keys are not supported "
	    "(bcrypt_pbkdf); convert it with 'ssh-keygen -p -m PKCS8 -f %s'",
	    name, name);
}

static int
parse_v1(struct pkit_ctx *ctx, const unsigned char *data, size_t len,
    const char *name, int want_private, EVP_PKEY **out)
{
	unsigned char *body = NULL;
	long blen = 0;
	size_t n, i;
	struct v1 v;
	struct pkit_sshrd r;
	uint32_t c1, c2;
	const unsigned char *comment;
	EVP_PKEY *key = NULL, *pub = NULL;
	int rc;

	*out = NULL;
	if ((rc = pem_body(ctx, data, len, name, &body, &blen)) != 0)
		return rc;
	if ((rc = v1_split(ctx, body, (size_t)blen, name, &v)) != 0)
		goto out;
	if ((rc = pkit_sshkey_from_blob(ctx, v.pub, v.publen, name, &pub)) != 0)
		goto out;
	if (!want_private) {
		*out = pub;
		pub = NULL;
		goto out;
	}
	if (v1_encrypted(&v)) {
		rc = encrypted_hint(ctx, &v, name);
		goto out;
	}
	if (!(v.kdflen == 4 && memcmp(v.kdf, "none", 4) == 0) ||
	    v.kdfoptslen != 0) {
		rc = malformed(ctx, name, "OpenSSH private key (kdf without "
		    "a cipher)");
		goto out;
	}
	r.p = v.priv;
	r.left = v.privlen;
	if (v.privlen % PRIV_BLOCK != 0 || pkit_sshrd_u32(&r, &c1) != 0 ||
	    pkit_sshrd_u32(&r, &c2) != 0 || c1 != c2) {
		rc = malformed(ctx, name, "OpenSSH private key (check bytes)");
		goto out;
	}
	if ((rc = read_private(ctx, &r, name, &key)) != 0)
		goto out;
	if (pkit_sshrd_string(&r, &comment, &n) != 0 || r.left >= PRIV_BLOCK) {
		rc = malformed(ctx, name, "OpenSSH private key");
		goto out;
	}
	for (i = 0; i < r.left; i++) {
		if (r.p[i] != i + 1) {
			rc = malformed(ctx, name,
			    "OpenSSH private key (padding)");
			goto out;
		}
	}
	if (!EVP_PKEY_eq(key, pub)) {
		rc = pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: the public and private keys in the file differ", name);
		goto out;
	}
	*out = key;
	key = NULL;
	rc = PKIT_OK;
out:
	ERR_clear_error();
	EVP_PKEY_free(key);
	EVP_PKEY_free(pub);
	OPENSSL_secure_clear_free(body, (size_t)blen);
	return rc;
}

int
pkit_sshkey_parse_private(struct pkit_ctx *ctx, const unsigned char *data,
    size_t len, const char *name, EVP_PKEY **out)
{
	return parse_v1(ctx, data, len, name, 1, out);
}

int
pkit_sshkey_parse_private_public(struct pkit_ctx *ctx,
    const unsigned char *data, size_t len, const char *name, EVP_PKEY **out)
{
	return parse_v1(ctx, data, len, name, 0, out);
}

/* Append the private key fields (PROTOCOL.key and sshkey.c's order). */
static int
put_private_fields(struct pkit_ctx *ctx, struct pkit_sshbuf *b, EVP_PKEY *key,
    const struct sshtype *t, int cert)
{
	static const char *const rsa_params[] = {
		OSSL_PKEY_PARAM_RSA_N, OSSL_PKEY_PARAM_RSA_E,
		OSSL_PKEY_PARAM_RSA_D, OSSL_PKEY_PARAM_RSA_COEFFICIENT1,
		OSSL_PKEY_PARAM_RSA_FACTOR1, OSSL_PKEY_PARAM_RSA_FACTOR2,
	};
#define NPARAMS (sizeof(rsa_params) / sizeof(rsa_params[0]))
	unsigned char pt[POINT_MAX], sk[64];
	size_t n = 32, ptlen = 0, i;
	BIGNUM *bn = NULL;
	int r = PKIT_OK;

	switch (t->kind) {
	case SSH_ED25519:
		if (!EVP_PKEY_get_raw_private_key(key, sk, &n) || n != 32 ||
		    !EVP_PKEY_get_raw_public_key(key, sk + 32, &n) || n != 32) {
			r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO,
			    "Ed25519 private key");
			break;
		}
		pkit_sshbuf_put_string(b, sk + 32, 32);
		pkit_sshbuf_put_string(b, sk, 64);
		break;
	case SSH_ECDSA:
		if ((r = ec_point(ctx, key, t, pt, &ptlen)) != 0)
			break;
		if (!EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_PRIV_KEY,
		    &bn)) {
			r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO,
			    "EC private key");
			break;
		}
		if (!cert) {
			pkit_sshbuf_put_cstring(b, t->curve);
			pkit_sshbuf_put_string(b, pt, ptlen);
		}
		pkit_sshbuf_put_mpint(b, bn);
		break;
	case SSH_RSA:
		/* Multi-prime keys have no OpenSSH form. */
		if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_FACTOR3,
		    &bn)) {
			r = pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED,
			    "multi-prime RSA keys have no OpenSSH form");
			break;
		}
		/* A certificate carries n and e already. */
		for (i = cert ? 2 : 0; i < NPARAMS; i++) {
			if (!EVP_PKEY_get_bn_param(key, rsa_params[i], &bn)) {
				r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO,
				    "RSA private key");
				break;
			}
			pkit_sshbuf_put_mpint(b, bn);
			BN_clear_free(bn);
			bn = NULL;
		}
		break;
	}
	BN_clear_free(bn);
	pkit_secret_wipe(sk, sizeof(sk));
	ERR_clear_error();
	return r;
}

/* Append the private key with its type name (PROTOCOL.key). */
static int
put_private(struct pkit_ctx *ctx, struct pkit_sshbuf *b, EVP_PKEY *key,
    const struct sshtype *t)
{
	pkit_sshbuf_put_cstring(b, t->name);
	return put_private_fields(ctx, b, key, t, 0);
}

int
pkit_sshkey_put_private(struct pkit_ctx *ctx, struct pkit_sshbuf *b,
    EVP_PKEY *key, const unsigned char *cert, size_t certlen)
{
	const struct sshtype *t;
	char name[64];

	if ((t = type_of(key)) == NULL)
		return no_ssh_form(ctx, key);
	if (!pkit_key_has_private(key))
		return pkit_seterr(ctx, PKIT_ERR_ARG, "not a private key");
	if (cert == NULL)
		return put_private(ctx, b, key, t);
	snprintf(name, sizeof(name), "%s-cert-v01@openssh.com", t->name);
	pkit_sshbuf_put_cstring(b, name);
	pkit_sshbuf_put_string(b, cert, certlen);
	return put_private_fields(ctx, b, key, t, 1);
}

int
pkit_sshkey_private_encode(struct pkit_ctx *ctx, EVP_PKEY *key,
    const char *comment, unsigned char **out, size_t *len)
{
	const struct sshtype *t;
	struct pkit_sshbuf priv = { 0 }, all = { 0 };
	unsigned char *pub = NULL, check[4], pad;
	size_t publen = 0;
	BIO *bio = NULL;
	char *mem;
	long n;
	int r;

	*out = NULL;
	*len = 0;
	if ((t = type_of(key)) == NULL)
		return no_ssh_form(ctx, key);
	if (!pkit_key_has_private(key))
		return pkit_seterr(ctx, PKIT_ERR_ARG, "not a private key");
	if ((r = pkit_sshkey_public_blob(ctx, key, &pub, &publen)) != 0)
		return r;
	if (RAND_bytes_ex(ctx->libctx, check, sizeof(check), 0) != 1) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "random bytes");
		goto out;
	}
	pkit_sshbuf_put(&priv, check, sizeof(check));
	pkit_sshbuf_put(&priv, check, sizeof(check));
	if ((r = put_private(ctx, &priv, key, t)) != 0)
		goto out;
	pkit_sshbuf_put_cstring(&priv, comment != NULL ? comment : "");
	for (pad = 1; !priv.bad && priv.len % PRIV_BLOCK != 0; pad++)
		pkit_sshbuf_put(&priv, &pad, 1);

	pkit_sshbuf_put(&all, MAGIC, MAGIC_LEN);
	pkit_sshbuf_put_cstring(&all, "none");	/* cipher */
	pkit_sshbuf_put_cstring(&all, "none");	/* kdf */
	pkit_sshbuf_put_string(&all, "", 0);	/* kdf options */
	pkit_sshbuf_put_u32(&all, 1);		/* number of keys */
	pkit_sshbuf_put_string(&all, pub, publen);
	pkit_sshbuf_put_string(&all, priv.d, priv.len);
	if (priv.bad || all.bad) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM,
		    "OpenSSH private key encoding");
		goto out;
	}
	if ((bio = BIO_new(BIO_s_secmem())) == NULL ||
	    !PEM_write_bio(bio, PEM_NAME, "", all.d, (long)all.len) ||
	    (n = BIO_get_mem_data(bio, &mem)) <= 0) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO,
		    "OpenSSH private key encoding");
		goto out;
	}
	if ((*out = malloc((size_t)n + 1)) == NULL) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "OpenSSH private key");
		goto out;
	}
	memcpy(*out, mem, (size_t)n);
	(*out)[n] = '\0';
	*len = (size_t)n;
	OPENSSL_cleanse(mem, (size_t)n);
	r = PKIT_OK;
out:
	BIO_free(bio);
	pkit_sshbuf_free(&priv);
	pkit_sshbuf_free(&all);
	free(pub);
	return r;
}

/* ---- names, sizes and fingerprints ------------------------------------ */

const char *
pkit_sshkey_label(EVP_PKEY *key)
{
	const struct sshtype *t = type_of(key);

	if (t == NULL)
		return NULL;
	switch (t->kind) {
	case SSH_ED25519:
		return "ED25519";
	case SSH_ECDSA:
		return "ECDSA";
	case SSH_RSA:
		return "RSA";
	}
	return NULL;
}

int
pkit_sshkey_bits(EVP_PKEY *key)
{
	const struct sshtype *t = type_of(key);

	if (t == NULL)
		return 0;
	if (t->kind == SSH_ED25519)
		return 256;
	return EVP_PKEY_get_bits(key);
}

int
pkit_sshkey_fingerprint_blob(struct pkit_ctx *ctx, const unsigned char *blob,
    size_t len, enum pkit_sshfp enc, char **out)
{
	unsigned char md[32];
	char *b64 = NULL, *s;
	size_t n;
	int r;

	*out = NULL;
	if (!EVP_Q_digest(ctx->libctx, "SHA256", ctx->propq, blob, len, md,
	    NULL))
		return pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "SHA-256");
	switch (enc) {
	case PKIT_SSHFP_HEX:
		r = pkit_hex_encode(ctx, md, sizeof(md), 0, &b64);
		break;
	case PKIT_SSHFP_B64:
		r = pkit_b64_encode(ctx, PKIT_B64_STD, md, sizeof(md), &b64);
		break;
	case PKIT_SSHFP_B64_URL:
		r = pkit_b64_encode(ctx, PKIT_B64_URL, md, sizeof(md), &b64);
		break;
	case PKIT_SSHFP_B64_URL_RAW:
		r = pkit_b64_encode(ctx, PKIT_B64_URL_RAW, md, sizeof(md),
		    &b64);
		break;
	default:
		r = pkit_b64_encode(ctx, PKIT_B64_STD_RAW, md, sizeof(md),
		    &b64);
		break;
	}
	if (r != 0)
		return r;
	n = sizeof("SHA256:") + strlen(b64);
	if ((s = malloc(n)) == NULL) {
		free(b64);
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "fingerprint");
	}
	snprintf(s, n, "SHA256:%s", b64);
	free(b64);
	*out = s;
	return PKIT_OK;
}

int
pkit_sshkey_fingerprint(struct pkit_ctx *ctx, EVP_PKEY *key, char **out)
{
	unsigned char *blob = NULL;
	size_t len = 0;
	int r;

	*out = NULL;
	if ((r = pkit_sshkey_public_blob(ctx, key, &blob, &len)) != 0)
		return r;
	r = pkit_sshkey_fingerprint_blob(ctx, blob, len, PKIT_SSHFP_B64_RAW,
	    out);
	free(blob);
	return r;
}

int
pkit_sshkey_line_comment(struct pkit_ctx *ctx, const unsigned char *data,
    size_t len, char **out)
{
	const unsigned char *p = data, *end = data + len, *next, *e;
	size_t n;

	*out = NULL;
	for (; p < end; p = next) {
		next = next_line(p, end, &n);
		if (line_is_empty(p, n))
			continue;
		e = p + n;
		p = skip_blank(p, e);
		p += token(p, (size_t)(e - p));		/* type */
		p = skip_blank(p, e);
		p += token(p, (size_t)(e - p));		/* base64 */
		p = skip_blank(p, e);
		while (e > p && (e[-1] == ' ' || e[-1] == '\t' ||
		    e[-1] == '\r'))
			e--;
		if (e > p && (*out = strndup((const char *)p,
		    (size_t)(e - p))) == NULL)
			return pkit_seterr(ctx, PKIT_ERR_NOMEM, "comment");
		return PKIT_OK;
	}
	return PKIT_OK;
}

/* ---- signatures (RFC 4253 6.6, RFC 5656 3.1.2, RFC 8332, RFC 8709) ---- */

static const char *
ecdsa_md(const struct sshtype *t)
{
	return t->flen == 32 ? "SHA256" : t->flen == 48 ? "SHA384" : "SHA512";
}

/* The hash an RSA signature algorithm name stands for, or NULL. */
static const char *
rsa_md(const unsigned char *alg, size_t n, const char **canon)
{
	static const struct {
		const char *name, *md;
	} algs[] = {
		{ "rsa-sha2-512", "SHA512" },
		{ "rsa-sha2-256", "SHA256" },
		{ "ssh-rsa", "SHA1" },
	};
	size_t i;

	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		if (strlen(algs[i].name) == n &&
		    memcmp(algs[i].name, alg, n) == 0) {
			*canon = algs[i].name;
			return algs[i].md;
		}
	}
	return NULL;
}

int
pkit_sshkey_sign(struct pkit_ctx *ctx, EVP_PKEY *key, const char *alg,
    const unsigned char *data, size_t len, unsigned char **out,
    size_t *outlen)
{
	const struct sshtype *t;
	const char *signame = NULL, *md = NULL;
	EVP_MD_CTX *mdctx = NULL;
	ECDSA_SIG *esig = NULL;
	struct pkit_sshbuf b = { 0 }, inner = { 0 };
	unsigned char *sig = NULL;
	const unsigned char *p;
	size_t siglen = 0;
	int r = PKIT_ERR_INTERNAL;

	*out = NULL;
	*outlen = 0;
	if ((t = type_of(key)) == NULL)
		return no_ssh_form(ctx, key);
	if (!pkit_key_has_private(key))
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "signing needs a private key");
	switch (t->kind) {
	case SSH_ED25519:
	case SSH_ECDSA:
		signame = t->name;
		md = t->kind == SSH_ECDSA ? ecdsa_md(t) : NULL;
		if (alg != NULL && strcmp(alg, signame) != 0)
			return pkit_seterr(ctx, PKIT_ERR_ARG,
			    "a %s key cannot make %s signatures", t->name, alg);
		break;
	case SSH_RSA:
		if (alg == NULL)
			alg = "rsa-sha2-512";
		if ((md = rsa_md((const unsigned char *)alg, strlen(alg),
		    &signame)) == NULL || strcmp(md, "SHA1") == 0)
			return pkit_seterr(ctx, PKIT_ERR_ARG,
			    "RSA signature algorithm '%s' is not supported "
			    "(rsa-sha2-256, rsa-sha2-512)", alg);
		break;
	}
	if ((mdctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit_ex(mdctx, NULL, md, ctx->libctx, ctx->propq,
	    key, NULL) != 1 ||
	    EVP_DigestSign(mdctx, NULL, &siglen, data, len) != 1 ||
	    (sig = malloc(siglen)) == NULL ||
	    EVP_DigestSign(mdctx, sig, &siglen, data, len) != 1) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "%s signature",
		    signame);
		goto out;
	}
	pkit_sshbuf_put_cstring(&b, signame);
	if (t->kind == SSH_ECDSA) {
		const BIGNUM *er, *es;

		p = sig;
		if ((esig = d2i_ECDSA_SIG(NULL, &p, (long)siglen)) == NULL) {
			r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO,
			    "ECDSA signature");
			goto out;
		}
		ECDSA_SIG_get0(esig, &er, &es);
		pkit_sshbuf_put_mpint(&inner, er);
		pkit_sshbuf_put_mpint(&inner, es);
		pkit_sshbuf_put_string(&b, inner.d, inner.len);
	} else {
		pkit_sshbuf_put_string(&b, sig, siglen);
	}
	if (b.bad || inner.bad) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "SSH signature");
		goto out;
	}
	*out = b.d;
	*outlen = b.len;
	b.d = NULL;
	r = PKIT_OK;
out:
	ECDSA_SIG_free(esig);
	EVP_MD_CTX_free(mdctx);
	free(sig);
	pkit_sshbuf_free(&b);
	pkit_sshbuf_free(&inner);
	return r;
}

/* The DER form of an SSH ECDSA signature (mpint r, mpint s). */
static int
ecdsa_der(const unsigned char *blob, size_t len, unsigned char **der,
    size_t *derlen)
{
	struct pkit_sshrd rd = { blob, len };
	BIGNUM *er = NULL, *es = NULL;
	ECDSA_SIG *esig = NULL;
	unsigned char *d = NULL;
	int n, r = -1;

	if (pkit_sshrd_mpint(&rd, 0, &er) != 0 ||
	    pkit_sshrd_mpint(&rd, 0, &es) != 0 || rd.left != 0 ||
	    (esig = ECDSA_SIG_new()) == NULL || !ECDSA_SIG_set0(esig, er, es))
		goto out;
	er = es = NULL;
	if ((n = i2d_ECDSA_SIG(esig, &d)) <= 0)
		goto out;
	*der = d;
	*derlen = (size_t)n;
	r = 0;
out:
	BN_free(er);
	BN_free(es);
	ECDSA_SIG_free(esig);
	return r;
}

int
pkit_sshkey_verify(struct pkit_ctx *ctx, EVP_PKEY *key,
    const unsigned char *sig, size_t siglen, const unsigned char *data,
    size_t len, const char *name, const char **alg)
{
	struct pkit_sshrd rd = { sig, siglen };
	const struct sshtype *t;
	const unsigned char *sn, *blob;
	const char *signame = NULL, *md = NULL;
	unsigned char *der = NULL, *padded = NULL;
	size_t snlen, bloblen, derlen = 0;
	EVP_MD_CTX *mdctx = NULL;
	int modlen, r = PKIT_ERR_INTERNAL;

	if ((t = type_of(key)) == NULL)
		return no_ssh_form(ctx, key);
	if (pkit_sshrd_string(&rd, &sn, &snlen) != 0 ||
	    pkit_sshrd_string(&rd, &blob, &bloblen) != 0 || rd.left != 0)
		return malformed(ctx, name, "SSH signature");
	switch (t->kind) {
	case SSH_ED25519:
	case SSH_ECDSA:
		if (snlen != strlen(t->name) ||
		    memcmp(sn, t->name, snlen) != 0)
			goto badalg;
		signame = t->name;
		if (t->kind == SSH_ED25519) {
			if (bloblen != 64)
				return malformed(ctx, name,
				    "Ed25519 signature");
			break;
		}
		md = ecdsa_md(t);
		if (ecdsa_der(blob, bloblen, &der, &derlen) != 0) {
			ERR_clear_error();
			return malformed(ctx, name, "ECDSA signature");
		}
		blob = der;
		bloblen = derlen;
		break;
	case SSH_RSA:
		if ((md = rsa_md(sn, snlen, &signame)) == NULL)
			goto badalg;
		/* As OpenSSH: shorter signatures are zero-padded. */
		modlen = EVP_PKEY_get_size(key);
		if (modlen <= 0 || bloblen > (size_t)modlen || bloblen == 0)
			return malformed(ctx, name, "RSA signature");
		if (bloblen < (size_t)modlen) {
			if ((padded = calloc(1, (size_t)modlen)) == NULL)
				return pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s",
				    name);
			memcpy(padded + (size_t)modlen - bloblen, blob,
			    bloblen);
			blob = padded;
			bloblen = (size_t)modlen;
		}
		break;
	}
	if ((mdctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestVerifyInit_ex(mdctx, NULL, md, ctx->libctx, ctx->propq,
	    key, NULL) != 1) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "%s", name);
		goto out;
	}
	if (EVP_DigestVerify(mdctx, blob, bloblen, data, len) != 1) {
		ERR_clear_error();
		r = pkit_seterr(ctx, PKIT_ERR_VERIFY,
		    "%s: the %s signature does not verify", name, signame);
		goto out;
	}
	if (alg != NULL)
		*alg = signame;
	r = PKIT_OK;
	goto out;
badalg:
	return pkit_seterr(ctx, PKIT_ERR_FORMAT,
	    "%s: a %.*s signature cannot come from a %s key", name,
	    (int)(snlen > 64 ? 64 : snlen), (const char *)sn, t->name);
out:
	EVP_MD_CTX_free(mdctx);
	OPENSSL_free(der);
	free(padded);
	return r;
}

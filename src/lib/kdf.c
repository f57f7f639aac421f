/* kdf.c - password hashing (scrypt, argon2id, argon2i) through libsodium.
 *
 * scrypt is written in step's PHC form, computed with libsodium's
 * low-level crypto_pwhash_scryptsalsa208sha256_ll(), so that step and
 * pkit read each other's hashes; argon2 strings are libsodium's own, which
 * are the reference PHC encoding.  Before any hash is verified its cost
 * is checked, so that a hostile string cannot ask for all the memory.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "codec.h"
#include "kdf.h"
#include "secret.h"

/* step's scrypt parameters: N = 2^15, r = 8, p = 1, 16-byte salt, 32-byte
 * key (32 MiB of memory). */
#define SCRYPT_LN 15
#define SCRYPT_R 8
#define SCRYPT_P 1
#define SCRYPT_SALT 16
#define SCRYPT_KEY 32

/* Verification limits. */
#define MAX_MEMORY (1024ull * 1024 * 1024)
#define MAX_SCRYPT_P 16
#define MAX_HASH 64
#define MAX_SALT 64
#define MAX_PHC 512

/* "'$scrypt$ln=15,r=8,p=1$3TCG+x...'" for messages, cut short. */
#define PHC_FMT "'%.32s%s'"
#define PHC_ARG(s) (s), strlen(s) > 32 ? "..." : ""

/* 1 when scrypt with N = 2^ln and this r fits in MAX_MEMORY. */
static int
scrypt_cost_ok(unsigned long ln, unsigned long r)
{
	uint64_t per_r;

	if (ln < 1 || ln > 40 || r < 1)
		return 0;
	per_r = (uint64_t)128 << ln;
	return per_r <= MAX_MEMORY && r <= MAX_MEMORY / per_r;
}

static int
malformed(struct pkit_ctx *ctx, const char *phc, const char *why)
{
	return pkit_seterr(ctx, PKIT_ERR_FORMAT,
	    PHC_FMT ": not a valid password hash (%s)", PHC_ARG(phc), why);
}

static int
hash_scrypt(struct pkit_ctx *ctx, const char *pw, size_t pwlen, char **out)
{
	unsigned char salt[SCRYPT_SALT], key[SCRYPT_KEY];
	char *s64 = NULL, *k64 = NULL, *s = NULL;
	size_t n;
	int r = PKIT_ERR_INTERNAL;

	*out = NULL;
	randombytes_buf(salt, sizeof(salt));
	if (crypto_pwhash_scryptsalsa208sha256_ll((const uint8_t *)pw, pwlen,
	    salt, sizeof(salt), (uint64_t)1 << SCRYPT_LN, SCRYPT_R, SCRYPT_P,
	    key, sizeof(key)) != 0) {
		r = pkit_seterr(ctx, PKIT_ERR_CRYPTO, "scrypt: %s",
		    errno == ENOMEM ? "out of memory" : "failed");
		goto out;
	}
	if ((r = pkit_b64_encode(ctx, PKIT_B64_STD_RAW, salt, sizeof(salt),
	    &s64)) != 0 ||
	    (r = pkit_b64_encode(ctx, PKIT_B64_STD_RAW, key, sizeof(key),
	    &k64)) != 0)
		goto out;
	n = strlen(s64) + strlen(k64) + 64;
	if ((s = malloc(n)) == NULL) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "scrypt");
		goto out;
	}
	snprintf(s, n, "$scrypt$ln=%d,r=%d,p=%d$%s$%s", SCRYPT_LN, SCRYPT_R,
	    SCRYPT_P, s64, k64);
	*out = s;
	r = PKIT_OK;
out:
	pkit_secret_wipe(key, sizeof(key));
	free(s64);
	pkit_secret_strfree(k64);
	return r;
}

static int
hash_argon2(struct pkit_ctx *ctx, const char *alg, const char *pw,
    size_t pwlen, char **out)
{
	char buf[crypto_pwhash_STRBYTES];
	unsigned long long ops;
	size_t mem;
	int a;

	*out = NULL;
	if (strcmp(alg, "argon2id") == 0) {
		a = crypto_pwhash_ALG_ARGON2ID13;
		ops = crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE;
		mem = crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE;
	} else {
		a = crypto_pwhash_ALG_ARGON2I13;
		ops = crypto_pwhash_argon2i_OPSLIMIT_INTERACTIVE;
		mem = crypto_pwhash_argon2i_MEMLIMIT_INTERACTIVE;
	}
	if (crypto_pwhash_str_alg(buf, pw, pwlen, ops, mem, a) != 0)
		return pkit_seterr(ctx, PKIT_ERR_CRYPTO, "%s: %s", alg,
		    errno == ENOMEM ? "out of memory" : "failed");
	if ((*out = strdup(buf)) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", alg);
	return PKIT_OK;
}

int
pkit_kdf_hash(struct pkit_ctx *ctx, const char *alg, const char *pw,
    size_t pwlen, char **out)
{
	*out = NULL;
	if (strcmp(alg, "scrypt") == 0)
		return hash_scrypt(ctx, pw, pwlen, out);
	if (strcmp(alg, "argon2id") == 0 || strcmp(alg, "argon2i") == 0)
		return hash_argon2(ctx, alg, pw, pwlen, out);
	return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED,
	    "%s: unknown password hashing algorithm", alg);
}

/* A decimal of at most 9 digits, nothing else, within [min, max]. */
static int
parse_uint(const char *s, size_t len, unsigned long min, unsigned long max,
    unsigned long *out)
{
	unsigned long v = 0;
	size_t i;

	if (len == 0 || len > 9 || (len > 1 && s[0] == '0'))
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* "ln=15,r=8,p=1", each key once, in any order. */
static int
scrypt_params(const char *s, size_t len, unsigned long *ln, unsigned long *r,
    unsigned long *p)
{
	int seen = 0;

	while (len > 0) {
		const char *eq;
		size_t n = 0, k;
		unsigned long *dst;
		int bit;

		while (n < len && s[n] != ',')
			n++;
		if ((eq = memchr(s, '=', n)) == NULL)
			return -1;
		k = (size_t)(eq - s);
		if (k == 2 && strncmp(s, "ln", 2) == 0) {
			dst = ln;
			bit = 1;
		} else if (k == 1 && s[0] == 'r') {
			dst = r;
			bit = 2;
		} else if (k == 1 && s[0] == 'p') {
			dst = p;
			bit = 4;
		} else {
			return -1;
		}
		if ((seen & bit) || parse_uint(s + k + 1, n - k - 1, 1,
		    999999999, dst) != 0)
			return -1;
		seen |= bit;
		if (n == len)
			break;
		s += n + 1;
		len -= n + 1;
		if (len == 0)
			return -1;	/* trailing comma */
	}
	return seen == 7 ? 0 : -1;
}

/* $scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt>$<hash> (step, passlib). */
static int
compare_scrypt(struct pkit_ctx *ctx, const char *phc, const char *pw,
    size_t pwlen)
{
	const char *params, *salt64, *hash64;
	unsigned char *salt = NULL, *want = NULL, *got = NULL;
	size_t saltlen = 0, wantlen = 0;
	unsigned long ln, rr, p;
	int r = PKIT_ERR_INTERNAL;

	params = phc + strlen("$scrypt$");
	if ((salt64 = strchr(params, '$')) == NULL ||
	    (hash64 = strchr(salt64 + 1, '$')) == NULL ||
	    strchr(hash64 + 1, '$') != NULL) {
		r = malformed(ctx, phc, "want $scrypt$ln=,r=,p=$salt$hash");
		goto out;
	}
	salt64++;
	hash64++;
	if (scrypt_params(params, (size_t)(salt64 - 1 - params), &ln, &rr,
	    &p) != 0) {
		r = malformed(ctx, phc, "bad ln, r or p");
		goto out;
	}
	if (!scrypt_cost_ok(ln, rr) || p > MAX_SCRYPT_P) {
		r = malformed(ctx, phc, "cost over the limit of 1 GiB");
		goto out;
	}
	if (pkit_b64_decode(ctx, PKIT_B64_STD_RAW, salt64,
	    (size_t)(hash64 - 1 - salt64), &salt, &saltlen) != 0 ||
	    saltlen < 1 || saltlen > MAX_SALT) {
		r = malformed(ctx, phc, "bad salt");
		goto out;
	}
	if (pkit_b64_decode(ctx, PKIT_B64_STD_RAW, hash64, strlen(hash64),
	    &want, &wantlen) != 0 || wantlen < 16 || wantlen > MAX_HASH) {
		r = malformed(ctx, phc, "bad hash");
		goto out;
	}
	if ((got = malloc(wantlen)) == NULL) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "scrypt");
		goto out;
	}
	if (crypto_pwhash_scryptsalsa208sha256_ll((const uint8_t *)pw, pwlen,
	    salt, saltlen, (uint64_t)1 << ln, (uint32_t)rr, (uint32_t)p, got,
	    wantlen) != 0) {
		r = pkit_seterr(ctx, PKIT_ERR_CRYPTO, "scrypt: %s",
		    errno == ENOMEM ? "out of memory" : "failed");
		goto out;
	}
	if (!pkit_secret_eq(got, want, wantlen)) {
		r = pkit_seterr(ctx, PKIT_ERR_VERIFY,
		    "password does not match the hash");
		goto out;
	}
	r = PKIT_OK;
out:
	free(salt);
	free(want);
	pkit_secret_free(got, wantlen);
	return r;
}

/* libsodium's own scrypt string, "$7$" and 98 more characters. */
static int
compare_sodium_scrypt(struct pkit_ctx *ctx, const char *phc, const char *pw,
    size_t pwlen)
{
	char buf[crypto_pwhash_scryptsalsa208sha256_STRBYTES] = { 0 };
	static const char itoa64[] =
	    "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	const char *c;
	unsigned long rr = 0;
	int ln, i;

	if (strlen(phc) != sizeof(buf) - 1)
		return malformed(ctx, phc, "wrong length");
	memcpy(buf, phc, sizeof(buf) - 1);
	if (crypto_pwhash_scryptsalsa208sha256_str_needs_rehash(buf,
	    crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_INTERACTIVE) == -1)
		return malformed(ctx, phc, "bad parameters");
	/* Cost: N is 2^(the 4th character), r the next 5, 6 bits each,
	 * least significant first. */
	if ((c = strchr(itoa64, buf[3])) == NULL)
		return malformed(ctx, phc, "bad N");
	ln = (int)(c - itoa64);
	for (i = 4; i >= 0; i--) {
		if ((c = strchr(itoa64, buf[4 + i])) == NULL)
			return malformed(ctx, phc, "bad r");
		rr = (rr << 6) | (unsigned long)(c - itoa64);
	}
	if (!scrypt_cost_ok((unsigned long)ln, rr))
		return malformed(ctx, phc, "cost over the limit of 1 GiB");
	if (crypto_pwhash_scryptsalsa208sha256_str_verify(buf, pw, pwlen) != 0)
		return pkit_seterr(ctx, PKIT_ERR_VERIFY,
		    "password does not match the hash");
	return PKIT_OK;
}

/* $argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash>, or argon2i. */
static int
compare_argon2(struct pkit_ctx *ctx, const char *phc, int id, const char *pw,
    size_t pwlen)
{
	char buf[crypto_pwhash_STRBYTES] = { 0 };
	const char *m;
	char *end;
	unsigned long kib;
	int ok;

	if (strlen(phc) >= sizeof(buf))
		return malformed(ctx, phc, "too long");
	memcpy(buf, phc, strlen(phc));
	/* needs_rehash decodes the string: -1 means it is malformed. */
	ok = id ? crypto_pwhash_argon2id_str_needs_rehash(buf,
	    crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE) :
	    crypto_pwhash_argon2i_str_needs_rehash(buf,
	    crypto_pwhash_argon2i_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_argon2i_MEMLIMIT_INTERACTIVE);
	if (ok == -1)
		return malformed(ctx, phc, "bad parameters or encoding");
	if ((m = strstr(buf, "$m=")) == NULL)
		return malformed(ctx, phc, "no m=");
	errno = 0;
	kib = strtoul(m + 3, &end, 10);
	if (errno != 0 || end == m + 3 || kib > MAX_MEMORY / 1024)
		return malformed(ctx, phc, "cost over the limit of 1 GiB");
	if (crypto_pwhash_str_verify(buf, pw, pwlen) != 0)
		return pkit_seterr(ctx, PKIT_ERR_VERIFY,
		    "password does not match the hash");
	return PKIT_OK;
}

static int
has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int
pkit_kdf_compare(struct pkit_ctx *ctx, const char *phc, const char *pw,
    size_t pwlen)
{
	size_t i, n = strlen(phc);

	if (n > MAX_PHC)
		return malformed(ctx, phc, "too long");
	for (i = 0; i < n; i++)
		if (phc[i] <= ' ' || phc[i] > '~')
			return malformed(ctx, phc, "unexpected character");
	if (has_prefix(phc, "$scrypt$"))
		return compare_scrypt(ctx, phc, pw, pwlen);
	if (has_prefix(phc, "$7$"))
		return compare_sodium_scrypt(ctx, phc, pw, pwlen);
	if (has_prefix(phc, "$argon2id$"))
		return compare_argon2(ctx, phc, 1, pw, pwlen);
	if (has_prefix(phc, "$argon2i$"))
		return compare_argon2(ctx, phc, 0, pw, pwlen);
	if (has_prefix(phc, "$2a$") || has_prefix(phc, "$2b$") ||
	    has_prefix(phc, "$2y$"))
		return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED,
		    PHC_FMT ": bcrypt hashes are not supported", PHC_ARG(phc));
	if (has_prefix(phc, "$argon2d$"))
		return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED,
		    PHC_FMT ": argon2d hashes are not supported", PHC_ARG(phc));
	return malformed(ctx, phc, "want $scrypt$, $7$, $argon2id$ or $argon2i$");
}

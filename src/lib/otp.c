/* otp.c - HOTP/TOTP codes over OpenSSL's HMAC, and otpauth:// key URIs.
 *
 * The key URI format is Google Authenticator's: otpauth://TYPE/LABEL?PARAMS
 * with LABEL "issuer:account" and the parameters secret (base32), issuer,
 * algorithm, digits and period.  The small parser here keeps every copy of
 * the secret in buffers that it wipes.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "codec.h"
#include "otp.h"
#include "secret.h"

static const char *const alg_names[] = { "SHA1", "SHA256", "SHA512" };

int
pkit_otp_alg_parse(struct pkit_ctx *ctx, const char *name,
    enum pkit_otp_alg *alg)
{
	size_t i;

	for (i = 0; i < sizeof(alg_names) / sizeof(alg_names[0]); i++) {
		if (strcasecmp(name, alg_names[i]) == 0) {
			*alg = (enum pkit_otp_alg)i;
			return PKIT_OK;
		}
	}
	return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED,
	    "algorithm '%s' is not one of SHA1, SHA256, SHA512", name);
}

const char *
pkit_otp_alg_name(enum pkit_otp_alg alg)
{
	if ((size_t)alg < sizeof(alg_names) / sizeof(alg_names[0]))
		return alg_names[alg];
	return "SHA1";
}

int
pkit_hotp(struct pkit_ctx *ctx, enum pkit_otp_alg alg,
    const unsigned char *key, size_t keylen, uint64_t counter, int digits,
    char *out, size_t outsize)
{
	unsigned char msg[8], mac[EVP_MAX_MD_SIZE];
	size_t maclen = 0, off;
	uint32_t bin;
	uint64_t mod = 1;
	int i, r = PKIT_ERR_INTERNAL;

	if (digits < PKIT_OTP_DIGITS_MIN || digits > PKIT_HOTP_DIGITS_MAX)
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "hotp: %d digits is out of range", digits);
	if (outsize < (size_t)digits + 1)
		return pkit_seterr(ctx, PKIT_ERR_INTERNAL,
		    "hotp: output buffer too small");
	if (key == NULL || keylen == 0)
		return pkit_seterr(ctx, PKIT_ERR_ARG, "hotp: empty secret");
	if ((size_t)alg >= sizeof(alg_names) / sizeof(alg_names[0]))
		return pkit_seterr(ctx, PKIT_ERR_ARG, "hotp: bad algorithm");
	for (i = 7; i >= 0; i--) {
		msg[i] = (unsigned char)(counter & 0xff);
		counter >>= 8;
	}
	if (EVP_Q_mac(ctx->libctx, "HMAC", ctx->propq, alg_names[alg], NULL,
	    key, keylen, msg, sizeof(msg), mac, sizeof(mac), &maclen) == NULL ||
	    maclen < 20) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "hotp: HMAC-%s",
		    alg_names[alg]);
		goto out;
	}
	/* Dynamic truncation, RFC 4226 section 5.3. */
	off = mac[maclen - 1] & 0x0f;
	bin = ((uint32_t)(mac[off] & 0x7f) << 24) |
	    ((uint32_t)mac[off + 1] << 16) |
	    ((uint32_t)mac[off + 2] << 8) |
	    (uint32_t)mac[off + 3];
	for (i = 0; i < digits; i++)
		mod *= 10;
	snprintf(out, outsize, "%0*llu", digits,
	    (unsigned long long)(bin % mod));
	bin = 0;
	r = PKIT_OK;
out:
	pkit_secret_wipe(mac, sizeof(mac));
	pkit_secret_wipe(msg, sizeof(msg));
	return r;
}

int
pkit_totp(struct pkit_ctx *ctx, enum pkit_otp_alg alg,
    const unsigned char *key, size_t keylen, int64_t t, unsigned period,
    int digits, char *out, size_t outsize)
{
	if (t < 0)
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "totp: time %lld is before 1970", (long long)t);
	if (period == 0 || period > PKIT_OTP_PERIOD_MAX)
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "totp: period %u is out of range", period);
	return pkit_hotp(ctx, alg, key, keylen, (uint64_t)t / period, digits,
	    out, outsize);
}

static struct pkit_otp *
otp_new(void)
{
	struct pkit_otp *k;

	if ((k = calloc(1, sizeof(*k))) == NULL)
		return NULL;
	k->alg = PKIT_OTP_SHA1;
	k->digits = 6;
	k->period = 30;
	return k;
}

void
pkit_otp_free(struct pkit_otp *k)
{
	if (k == NULL)
		return;
	pkit_secret_free(k->secret, k->secret_len);
	free(k->issuer);
	free(k->account);
	pkit_secret_wipe(k, sizeof(*k));
	free(k);
}

int
pkit_otp_generate(struct pkit_ctx *ctx, size_t secret_size,
    struct pkit_otp **out)
{
	struct pkit_otp *k = NULL;
	int r = PKIT_ERR_INTERNAL;

	*out = NULL;
	if (secret_size < PKIT_OTP_SECRET_MIN ||
	    secret_size > PKIT_OTP_SECRET_MAX)
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "secret size %zu is not between %d and %d bytes",
		    secret_size, PKIT_OTP_SECRET_MIN, PKIT_OTP_SECRET_MAX);
	if ((k = otp_new()) == NULL ||
	    (k->secret = malloc(secret_size)) == NULL) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "otp secret");
		goto out;
	}
	k->secret_len = secret_size;
	if (RAND_priv_bytes_ex(ctx->libctx, k->secret, secret_size, 0) != 1) {
		r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "otp secret");
		goto out;
	}
	*out = k;
	k = NULL;
	r = PKIT_OK;
out:
	pkit_otp_free(k);
	return r;
}

int
pkit_otp_set_label(struct pkit_ctx *ctx, struct pkit_otp *k,
    const char *issuer, const char *account)
{
	char *i = NULL, *a = NULL;

	if ((issuer != NULL && (i = strdup(issuer)) == NULL) ||
	    (account != NULL && (a = strdup(account)) == NULL)) {
		free(i);
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "otp label");
	}
	free(k->issuer);
	free(k->account);
	k->issuer = i;
	k->account = a;
	return PKIT_OK;
}

int
pkit_otp_secret_b32(struct pkit_ctx *ctx, const struct pkit_otp *k,
    char **out)
{
	return pkit_b32_encode(ctx, k->secret, k->secret_len, 0, out);
}

/* ---- writing the key URI -------------------------------------------- */

struct sbuf {
	char *s;
	size_t len, cap;
	int oom;
};

static void
sb_grow(struct sbuf *b, size_t add)
{
	char *n;
	size_t cap;

	if (b->oom)
		return;
	if (b->len + add + 1 <= b->cap)
		return;
	cap = b->cap == 0 ? 128 : b->cap;
	while (cap < b->len + add + 1)
		cap *= 2;
	/* Copy rather than realloc: the buffer holds the secret. */
	if ((n = malloc(cap)) == NULL) {
		b->oom = 1;
		return;
	}
	if (b->s != NULL)
		memcpy(n, b->s, b->len + 1);
	pkit_secret_free(b->s, b->cap);
	b->s = n;
	b->cap = cap;
}

static void
sb_add(struct sbuf *b, const char *s)
{
	size_t n = strlen(s);

	sb_grow(b, n);
	if (b->oom)
		return;
	memcpy(b->s + b->len, s, n + 1);
	b->len += n;
}

/* Append s percent-encoded: only RFC 3986 unreserved characters stay. */
static void
sb_add_escaped(struct sbuf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		sb_grow(b, 3);
		if (b->oom)
			return;
		if (isalnum(*p) || *p == '-' || *p == '.' || *p == '_' ||
		    *p == '~') {
			b->s[b->len++] = (char)*p;
		} else {
			b->s[b->len++] = '%';
			b->s[b->len++] = hex[*p >> 4];
			b->s[b->len++] = hex[*p & 15];
		}
		b->s[b->len] = '\0';
	}
}

int
pkit_otp_url(struct pkit_ctx *ctx, const struct pkit_otp *k, char **out)
{
	struct sbuf b = { 0 };
	char *secret = NULL, num[32];
	int r = PKIT_ERR_INTERNAL;

	*out = NULL;
	if (k->account == NULL || *k->account == '\0')
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "otpauth URL: an account name is needed");
	if ((r = pkit_otp_secret_b32(ctx, k, &secret)) != 0)
		return r;
	sb_add(&b, "otpauth://totp/");
	if (k->issuer != NULL && *k->issuer != '\0') {
		sb_add_escaped(&b, k->issuer);
		sb_add(&b, ":");
	}
	sb_add_escaped(&b, k->account);
	sb_add(&b, "?secret=");
	sb_add(&b, secret);
	if (k->issuer != NULL && *k->issuer != '\0') {
		sb_add(&b, "&issuer=");
		sb_add_escaped(&b, k->issuer);
	}
	sb_add(&b, "&algorithm=");
	sb_add(&b, pkit_otp_alg_name(k->alg));
	snprintf(num, sizeof(num), "&digits=%d&period=%u", k->digits,
	    k->period);
	sb_add(&b, num);
	if (b.oom) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "otpauth URL");
		goto out;
	}
	*out = b.s;
	b.s = NULL;
	r = PKIT_OK;
out:
	pkit_secret_free(b.s, b.cap);
	pkit_secret_strfree(secret);
	return r;
}

/* ---- reading a key file ---------------------------------------------- */

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Percent-decode in[0..len) into a new string; with plus set, '+' is a
 * space (query values, as form encoding writes them).  NULL on a bad
 * escape, a NUL byte or no memory; *nomem tells which. */
static char *
unescape(const char *in, size_t len, int plus, int *nomem)
{
	char *s;
	size_t i, j = 0;

	*nomem = 0;
	if ((s = malloc(len + 1)) == NULL) {
		*nomem = 1;
		return NULL;
	}
	for (i = 0; i < len; i++) {
		int c = (unsigned char)in[i];

		if (c == '%') {
			int hi, lo;

			if (i + 2 >= len)
				goto bad;
			if ((hi = hexval((unsigned char)in[i + 1])) < 0 ||
			    (lo = hexval((unsigned char)in[i + 2])) < 0)
				goto bad;
			c = hi * 16 + lo;
			i += 2;
		} else if (c == '+' && plus) {
			c = ' ';
		}
		if (c == '\0')
			goto bad;
		s[j++] = (char)c;
	}
	s[j] = '\0';
	return s;
bad:
	pkit_secret_free(s, len + 1);
	return NULL;
}

/* Strict small decimal number in [lo, hi]. */
static int
parse_uint(const char *s, long lo, long hi, long *v)
{
	long n = 0;
	size_t i;

	if (*s == '\0' || strlen(s) > 9)
		return -1;
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		n = n * 10 + (s[i] - '0');
	}
	if (n < lo || n > hi)
		return -1;
	*v = n;
	return 0;
}

static int
decode_secret(struct pkit_ctx *ctx, const char *name, const char *b32,
    size_t len, struct pkit_otp *k)
{
	unsigned char *sec = NULL;
	size_t n = 0;
	int r;

	if ((r = pkit_b32_decode(ctx, b32, len, &sec, &n)) != 0)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: the secret is not valid base32", name);
	if (n == 0) {
		free(sec);
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: the secret is empty", name);
	}
	pkit_secret_free(k->secret, k->secret_len);
	k->secret = sec;
	k->secret_len = n;
	return PKIT_OK;
}

/* One query parameter of an otpauth URL. */
static int
url_param(struct pkit_ctx *ctx, const char *name, struct pkit_otp *k,
    const char *key, size_t keylen, const char *val, unsigned *seen)
{
	static const char *const known[] = {
		"secret", "issuer", "algorithm", "digits", "period"
	};
	long v;
	size_t i;
	int r = PKIT_OK;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strlen(known[i]) == keylen &&
		    strncmp(key, known[i], keylen) == 0)
			break;
	if (i == sizeof(known) / sizeof(known[0]))
		return PKIT_OK;	/* image=, counter= ...: not ours */
	if (*seen & (1u << i))
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: otpauth URL has '%s' twice", name, known[i]);
	*seen |= 1u << i;
	switch (i) {
	case 0:
		r = decode_secret(ctx, name, val, strlen(val), k);
		break;
	case 1:
		free(k->issuer);
		if ((k->issuer = strdup(val)) == NULL)
			r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", name);
		break;
	case 2:
		if (pkit_otp_alg_parse(ctx, val, &k->alg) != 0)
			r = pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED,
			    "%s: algorithm '%s' is not one of SHA1, SHA256, "
			    "SHA512", name, val);
		break;
	case 3:
		if (parse_uint(val, PKIT_OTP_DIGITS_MIN, PKIT_OTP_DIGITS_MAX,
		    &v) != 0)
			r = pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "%s: digits '%s' is not between %d and %d", name,
			    val, PKIT_OTP_DIGITS_MIN, PKIT_OTP_DIGITS_MAX);
		else
			k->digits = (int)v;
		break;
	case 4:
		if (parse_uint(val, 1, PKIT_OTP_PERIOD_MAX, &v) != 0)
			r = pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "%s: period '%s' is not between 1 and %d seconds",
			    name, val, PKIT_OTP_PERIOD_MAX);
		else
			k->period = (unsigned)v;
		break;
	}
	return r;
}

/* The label "issuer:account": split at the first literal ':' (or, when
 * there is none, the first "%3A"), then percent-decode each part, so that
 * an issuer holding an encoded ':' survives.  Spaces before the account
 * are dropped. */
static int
parse_label(struct pkit_ctx *ctx, const char *name, const char *label,
    size_t len, struct pkit_otp *k)
{
	const char *sep = memchr(label, ':', len), *acc;
	char *issuer = NULL, *account = NULL;
	size_t seplen = 1, i;
	int nomem = 0, r = PKIT_ERR_INTERNAL;

	if (sep == NULL) {
		for (i = 0; i + 3 <= len; i++) {
			if (strncasecmp(label + i, "%3A", 3) == 0) {
				sep = label + i;
				seplen = 3;
				break;
			}
		}
	}
	acc = sep != NULL ? sep + seplen : label;
	if ((sep != NULL && (issuer = unescape(label, (size_t)(sep - label), 0,
	    &nomem)) == NULL) ||
	    (account = unescape(acc, len - (size_t)(acc - label), 0,
	    &nomem)) == NULL) {
		r = nomem ? pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", name) :
		    pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: bad percent-encoding in the otpauth label", name);
		goto out;
	}
	for (acc = account; *acc == ' '; acc++)
		;
	r = pkit_otp_set_label(ctx, k, issuer, acc);
out:
	free(issuer);
	free(account);
	return r;
}

static int
parse_url(struct pkit_ctx *ctx, const char *name, const char *p,
    size_t len, struct pkit_otp *k)
{
	const char *end = p + len, *type, *label, *q, *amp, *eq;
	char *val = NULL;
	unsigned seen = 0;
	size_t n;
	int nomem, r = PKIT_ERR_INTERNAL;

	/* The caller checked the "otpauth://" prefix. */
	p += strlen("otpauth://");
	type = p;
	while (p < end && *p != '/')
		p++;
	if (p == end) {
		r = pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: otpauth URL has no label", name);
		goto out;
	}
	if ((size_t)(p - type) == 4 && strncasecmp(type, "hotp", 4) == 0) {
		r = pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED,
		    "%s: counter-based (hotp) keys are not supported", name);
		goto out;
	}
	if ((size_t)(p - type) != 4 || strncasecmp(type, "totp", 4) != 0) {
		r = pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: otpauth URL type is not totp", name);
		goto out;
	}
	label = ++p;
	while (p < end && *p != '?' && *p != '#')
		p++;
	if ((r = parse_label(ctx, name, label, (size_t)(p - label), k)) != 0)
		goto out;
	if (p < end && *p == '?')
		p++;
	while (p < end && *p != '#') {
		q = p;
		while (p < end && *p != '&' && *p != '#')
			p++;
		amp = p;
		if (amp == q) {	/* "&&" */
			if (p < end && *p == '&')
				p++;
			continue;
		}
		for (eq = q; eq < amp && *eq != '='; eq++)
			;
		n = eq < amp ? (size_t)(amp - eq - 1) : 0;
		if ((val = unescape(eq < amp ? eq + 1 : amp, n, 1,
		    &nomem)) == NULL) {
			r = nomem ? pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", name) :
			    pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "%s: bad percent-encoding in the otpauth URL", name);
			goto out;
		}
		if ((r = url_param(ctx, name, k, q, (size_t)(eq - q), val,
		    &seen)) != 0)
			goto out;
		pkit_secret_free(val, strlen(val));
		val = NULL;
		if (p < end && *p == '&')
			p++;
	}
	if (!(seen & 1u)) {
		r = pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: otpauth URL has no secret", name);
		goto out;
	}
	r = PKIT_OK;
out:
	if (val != NULL)
		pkit_secret_free(val, strlen(val));
	return r;
}

int
pkit_otp_parse(struct pkit_ctx *ctx, const char *name, const char *text,
    size_t len, struct pkit_otp **out)
{
	struct pkit_otp *k = NULL;
	const char *p = text, *end = text + len;
	int r = PKIT_ERR_INTERNAL;

	*out = NULL;
	if (memchr(text, '\0', len) != NULL)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: holds a NUL byte", name);
	while (p < end && isspace((unsigned char)*p))
		p++;
	while (end > p && isspace((unsigned char)end[-1]))
		end--;
	if (p == end)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: is empty", name);
	if ((k = otp_new()) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "%s", name);
	if ((size_t)(end - p) >= strlen("otpauth://") &&
	    strncasecmp(p, "otpauth://", strlen("otpauth://")) == 0) {
		if ((r = parse_url(ctx, name, p, (size_t)(end - p), k)) != 0)
			goto out;
	} else {
		if (memchr(p, '\n', (size_t)(end - p)) != NULL) {
			r = pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "%s: more than one line; expected a base32 secret "
			    "or an otpauth:// URL", name);
			goto out;
		}
		if (decode_secret(ctx, name, p, (size_t)(end - p), k) != 0) {
			r = pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "%s: not a base32 secret or an otpauth:// URL",
			    name);
			goto out;
		}
	}
	*out = k;
	k = NULL;
	r = PKIT_OK;
out:
	pkit_otp_free(k);
	return r;
}

/* ---- verification ----------------------------------------------------- */

int
pkit_totp_verify(struct pkit_ctx *ctx, const struct pkit_otp *k,
    const char *code, int64_t t, unsigned skew)
{
	char want[PKIT_HOTP_DIGITS_MAX + 1];
	uint64_t counter;
	size_t i;
	int match = 0, r = PKIT_ERR_INTERNAL;
	long d;

	if (k->digits < PKIT_OTP_DIGITS_MIN || k->digits > PKIT_OTP_DIGITS_MAX)
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "code length %d is not between %d and %d", k->digits,
		    PKIT_OTP_DIGITS_MIN, PKIT_OTP_DIGITS_MAX);
	if (k->period == 0 || k->period > PKIT_OTP_PERIOD_MAX)
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "period %u is not between 1 and %d seconds", k->period,
		    PKIT_OTP_PERIOD_MAX);
	if (skew > PKIT_OTP_SKEW_MAX)
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "skew %u is larger than %d", skew, PKIT_OTP_SKEW_MAX);
	if (t < 0)
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "time %lld is before 1970", (long long)t);
	for (i = 0; code[i] != '\0'; i++)
		if (code[i] < '0' || code[i] > '9')
			break;
	if (code[i] != '\0' || i != (size_t)k->digits)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "code '%s' is not %d digits", code, k->digits);
	counter = (uint64_t)t / k->period;
	/* Look at every window so that the time taken does not tell which
	 * one matched. */
	for (d = -(long)skew; d <= (long)skew; d++) {
		if (d < 0 && counter < (uint64_t)-d)
			continue;
		if ((r = pkit_hotp(ctx, k->alg, k->secret, k->secret_len,
		    counter + (uint64_t)d, k->digits, want,
		    sizeof(want))) != 0)
			goto out;
		match |= pkit_secret_eq(want, code, (size_t)k->digits);
	}
	if (!match) {
		r = pkit_seterr(ctx, PKIT_ERR_VERIFY,
		    "code %s is not valid at time %lld", code, (long long)t);
		goto out;
	}
	r = PKIT_OK;
out:
	pkit_secret_wipe(want, sizeof(want));
	return r;
}

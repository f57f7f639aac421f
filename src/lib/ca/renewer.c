/* renewer.c - the renewal schedule (see renewer.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/asn1.h>
#include <sodium.h>

#include "lib/ca/renewer.h"
#include "lib/timeutil.h"

/* Seconds as nanoseconds, saturated: a certificate may run to 9999. */
static int64_t
sec_ns(int64_t secs)
{
	if (secs >= INT64_MAX / PKIT_NS_PER_SEC)
		return INT64_MAX;
	if (secs <= -(INT64_MAX / PKIT_NS_PER_SEC))
		return -INT64_MAX;
	return secs * PKIT_NS_PER_SEC;
}

/* The lifetime in nanoseconds; at least one second. */
static int64_t
lifetime(const struct pkit_renew_sched *s)
{
	time_t d = s->not_after - s->not_before;

	return sec_ns(d > 0 ? (int64_t)d : 1);
}

/* Time left until the end, in nanoseconds (negative once expired). */
static int64_t
remaining(const struct pkit_renew_sched *s, time_t now)
{
	return sec_ns((int64_t)s->not_after - (int64_t)now);
}

/* A value in [0, n) from rnd; 0 when n <= 0. */
static int64_t
pick(uint64_t rnd, int64_t n)
{
	return n > 0 ? (int64_t)(rnd % (uint64_t)n) : 0;
}

/* An ASN1_TIME as seconds since the epoch. */
static int
asn1_time(const ASN1_TIME *t, time_t *out)
{
	struct tm tm;

	if (t == NULL || !ASN1_TIME_to_tm(t, &tm))
		return -1;
	*out = (time_t)pkit_timegm(tm.tm_year + 1900, tm.tm_mon + 1,
	    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return 0;
}

int
pkit_renew_sched_cert(struct pkit_ctx *ctx, X509 *crt,
    struct pkit_renew_sched *s)
{
	time_t nb, na;

	if (asn1_time(X509_get0_notBefore(crt), &nb) != 0 ||
	    asn1_time(X509_get0_notAfter(crt), &na) != 0)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "the certificate's "
		    "validity is malformed");
	s->not_before = nb;
	s->not_after = na;
	return PKIT_OK;
}

int
pkit_renew_check(struct pkit_ctx *ctx, const struct pkit_renew_sched *s)
{
	char a[64], b[64];
	int64_t life = lifetime(s);

	pkit_duration_format(life, b, sizeof(b));
	if (s->expires_in < 0 || s->renew_period < 0)
		return pkit_seterr(ctx, PKIT_ERR_USAGE, "--expires-in and "
		    "--renew-period cannot be negative");
	if (s->expires_in > 0 && s->renew_period > 0)
		return pkit_seterr(ctx, PKIT_ERR_USAGE, "--expires-in and "
		    "--renew-period do not go together");
	if (s->renew_period > 0 && s->renew_period >= life) {
		pkit_duration_format(s->renew_period, a, sizeof(a));
		return pkit_seterr(ctx, PKIT_ERR_USAGE, "--renew-period %s must "
		    "be shorter than the certificate's lifetime, %s", a, b);
	}
	if (s->expires_in > life) {
		pkit_duration_format(s->expires_in, a, sizeof(a));
		return pkit_seterr(ctx, PKIT_ERR_USAGE, "--expires-in %s must "
		    "be shorter than the certificate's lifetime, %s", a, b);
	}
	return PKIT_OK;
}

int64_t
pkit_renew_next(const struct pkit_renew_sched *s, time_t now, uint64_t rnd)
{
	int64_t life = lifetime(s), left = remaining(s, now), before, d, j;

	if (s->renew_period > 0)
		return left - s->renew_period <= 0 ? 0 : s->renew_period;
	before = s->expires_in > 0 ? s->expires_in : life / 3;
	d = left - before;
	j = life / 20;
	if (d <= 0)
		return 0;
	if (d < j)
		return pick(rnd, d);
	return d - pick(rnd, j);
}

int64_t
pkit_renew_floor(const struct pkit_renew_sched *s)
{
	int64_t f = lifetime(s) / 100;

	return f < PKIT_RENEW_RETRY_MIN ? PKIT_RENEW_RETRY_MIN : f;
}

int
pkit_renew_due(const struct pkit_renew_sched *s, time_t now, uint64_t rnd)
{
	if (s->expires_in <= 0)
		return 1;
	return remaining(s, now) <= s->expires_in +
	    pick(rnd, s->expires_in / 20);
}

int64_t
pkit_renew_retry(const struct pkit_renew_sched *s, unsigned attempt,
    time_t now, uint64_t rnd)
{
	int64_t life = lifetime(s), left = remaining(s, now), base, cap, d;
	unsigned i;

	if (left <= 0)
		return -1;
	base = life / 1200;
	if (base < PKIT_RENEW_RETRY_MIN)
		base = PKIT_RENEW_RETRY_MIN;
	if (base > PKIT_RENEW_RETRY_FIRST_MAX)
		base = PKIT_RENEW_RETRY_FIRST_MAX;
	cap = life / 10;
	if (cap > PKIT_RENEW_RETRY_MAX)
		cap = PKIT_RENEW_RETRY_MAX;
	if (cap < base)
		cap = base;
	d = base;
	for (i = 1; i < attempt && d < cap; i++)
		d = d > cap / 2 ? cap : d * 2;
	d = d / 2 + pick(rnd, d - d / 2 + 1);
	return d > left ? left : d;
}

uint64_t
pkit_renew_random(void)
{
	uint64_t v;

	randombytes_buf(&v, sizeof(v));
	return v;
}

void
pkit_renew_argv_free(char **argv)
{
	size_t i;

	if (argv == NULL)
		return;
	for (i = 0; argv[i] != NULL; i++)
		free(argv[i]);
	free(argv);
}

int
pkit_renew_exec_argv(struct pkit_ctx *ctx, const char *cmd, char ***out)
{
	char **argv = NULL;
	const char *p = cmd, *e;
	size_t n = 0, i;

	*out = NULL;
	/* At most one word per two characters, plus the NULL. */
	if ((argv = calloc(strlen(cmd) / 2 + 2, sizeof(*argv))) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "--exec");
	for (;;) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		e = strchr(p, ' ');
		if (e == NULL)
			e = p + strlen(p);
		if ((argv[n] = strndup(p, (size_t)(e - p))) == NULL) {
			for (i = 0; i < n; i++)
				free(argv[i]);
			free(argv);
			return pkit_seterr(ctx, PKIT_ERR_NOMEM, "--exec");
		}
		n++;
		p = e;
	}
	if (n == 0) {
		free(argv);
		return pkit_seterr(ctx, PKIT_ERR_USAGE, "--exec: the command is "
		    "empty");
	}
	*out = argv;
	return PKIT_OK;
}

/* timeutil.c - Go-style durations and RFC 3339 times. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "timeutil.h"

struct unit {
	const char *name;
	uint64_t ns;
};

static const struct unit units[] = {
	{ "ns", 1 },
	{ "us", 1000 },
	{ "\xc2\xb5s", 1000 },	/* U+00B5 micro sign */
	{ "\xce\xbcs", 1000 },	/* U+03BC Greek mu */
	{ "ms", 1000000 },
	{ "s", UINT64_C(1000000000) },
	{ "m", UINT64_C(60000000000) },
	{ "h", UINT64_C(3600000000000) },
};

static int
bad_duration(struct pkit_ctx *ctx, const char *what, const char *s,
    const char *why)
{
	return pkit_seterr(ctx, PKIT_ERR_ARG, "%s: '%s' is not a duration (%s)",
	    what, s, why);
}

int
pkit_duration_parse(struct pkit_ctx *ctx, const char *s, const char *what,
    int64_t *ns)
{
	const char *p = s;
	const uint64_t max = UINT64_C(1) << 63;
	uint64_t d = 0;
	int neg = 0;

	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	if (strcmp(p, "0") == 0) {
		*ns = 0;
		return PKIT_OK;
	}
	if (*p == '\0')
		return bad_duration(ctx, what, s, "empty");
	while (*p != '\0') {
		uint64_t v = 0, f = 0, unit = 0;
		double scale = 1.0;
		int pre = 0, post = 0, overflow = 0;
		size_t i, n;

		if (!(*p == '.' || (*p >= '0' && *p <= '9')))
			return bad_duration(ctx, what, s, "expected a number");
		for (; *p >= '0' && *p <= '9'; p++, pre = 1) {
			if (v > max / 10)
				return bad_duration(ctx, what, s, "too large");
			v = v * 10 + (uint64_t)(*p - '0');
			if (v > max)
				return bad_duration(ctx, what, s, "too large");
		}
		if (*p == '.') {
			for (p++; *p >= '0' && *p <= '9'; p++, post = 1) {
				if (overflow)
					continue;
				if (f > (max - 1) / 10) {
					overflow = 1;
					continue;
				}
				f = f * 10 + (uint64_t)(*p - '0');
				scale *= 10;
			}
		}
		if (!pre && !post)
			return bad_duration(ctx, what, s, "expected a number");
		for (n = 0; p[n] != '\0' && p[n] != '.' &&
		    !(p[n] >= '0' && p[n] <= '9'); n++)
			;
		if (n == 0)
			return bad_duration(ctx, what, s,
			    "missing unit: ns, us, ms, s, m or h");
		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			if (strlen(units[i].name) == n &&
			    memcmp(units[i].name, p, n) == 0) {
				unit = units[i].ns;
				break;
			}
		}
		if (unit == 0)
			return bad_duration(ctx, what, s,
			    "unknown unit; use ns, us, ms, s, m or h");
		p += n;
		if (v > max / unit)
			return bad_duration(ctx, what, s, "too large");
		v *= unit;
		if (f > 0) {
			v += (uint64_t)((double)f * ((double)unit / scale));
			if (v > max)
				return bad_duration(ctx, what, s, "too large");
		}
		d += v;
		if (d > max)
			return bad_duration(ctx, what, s, "too large");
	}
	if (neg) {
		*ns = d == max ? INT64_MIN : -(int64_t)d;
		return PKIT_OK;
	}
	if (d > max - 1)
		return bad_duration(ctx, what, s, "too large");
	*ns = (int64_t)d;
	return PKIT_OK;
}

/* Days from 1970-01-01 to y-m-d (Howard Hinnant's days_from_civil). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int64_t
pkit_timegm(int year, int mon, int day, int hour, int min, int sec)
{
	return days_from_civil(year, mon, day) * 86400 + hour * 3600 +
	    min * 60 + sec;
}

static int
digits(const char *p, int n, int *out)
{
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	*out = v;
	return 0;
}

static int
days_in_month(int y, int m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
	    31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

int
pkit_time_parse(struct pkit_ctx *ctx, const char *s, const char *what,
    time_t *out)
{
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
	const char *p = s;
	int64_t t;

	if (strlen(s) < 20 || digits(p, 4, &y) || p[4] != '-' ||
	    digits(p + 5, 2, &mo) || p[7] != '-' || digits(p + 8, 2, &d) ||
	    (p[10] != 'T' && p[10] != 't') || digits(p + 11, 2, &h) ||
	    p[13] != ':' || digits(p + 14, 2, &mi) || p[16] != ':' ||
	    digits(p + 17, 2, &sec))
		goto bad;
	p += 19;
	if (*p == '.') {
		if (!(p[1] >= '0' && p[1] <= '9'))
			goto bad;
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		if (digits(p + 1, 2, &oh) || p[3] != ':' ||
		    digits(p + 4, 2, &om) || oh > 23 || om > 59)
			goto bad;
		p += 6;
	} else {
		goto bad;
	}
	if (*p != '\0' || mo < 1 || mo > 12 || d < 1 ||
	    d > days_in_month(y, mo) || h > 23 || mi > 59 || sec > 59)
		goto bad;
	t = pkit_timegm(y, mo, d, h, mi, sec) - sign * (oh * 3600 + om * 60);
	if (sizeof(time_t) < 8 && (t > INT32_MAX || t < INT32_MIN))
		goto bad;
	*out = (time_t)t;
	return PKIT_OK;
bad:
	return pkit_seterr(ctx, PKIT_ERR_ARG,
	    "%s: '%s' is not an RFC 3339 time (such as 2026-01-02T15:04:05Z)",
	    what, s);
}

int
pkit_time_or_duration(struct pkit_ctx *ctx, const char *s, time_t now,
    const char *what, time_t *out)
{
	int64_t ns;

	if (s == NULL || *s == '\0') {
		*out = 0;
		return PKIT_OK;
	}
	/* A time starts with four digits and a dash; anything else is a
	 * duration, so that the error names what was probably meant. */
	if (strlen(s) > 4 && s[4] == '-' && s[0] >= '0' && s[0] <= '9')
		return pkit_time_parse(ctx, s, what, out);
	if (pkit_duration_parse(ctx, s, what, &ns) != 0)
		return pkit_seterr(ctx, PKIT_ERR_ARG, "%s: '%s' is neither an "
		    "RFC 3339 time nor a duration (such as 24h or 1h30m)",
		    what, s);
	*out = now + (time_t)(ns / PKIT_NS_PER_SEC);
	return PKIT_OK;
}

void
pkit_time_format(time_t t, char *buf, size_t size)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, size, "%lld", (long long)t);
}

/* Go's fmtFrac: the fraction digits of v/10^prec, trailing zeros and the
 * dot dropped; writes backwards ending at w, returns the new start. */
static char *
fmt_frac(char *w, uint64_t *v, int prec)
{
	int i, print = 0;

	for (i = 0; i < prec; i++) {
		int digit = (int)(*v % 10);

		print = print || digit != 0;
		if (print)
			*--w = (char)('0' + digit);
		*v /= 10;
	}
	if (print)
		*--w = '.';
	return w;
}

static char *
fmt_int(char *w, uint64_t v)
{
	if (v == 0)
		*--w = '0';
	while (v > 0) {
		*--w = (char)('0' + v % 10);
		v /= 10;
	}
	return w;
}

void
pkit_duration_format(int64_t ns, char *buf, size_t size)
{
	char tmp[40], *end = tmp + sizeof(tmp), *w = end;
	uint64_t u = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
	int neg = ns < 0;

	if (u < UINT64_C(1000000000)) {
		const char *unit;
		int prec;

		if (u == 0) {
			snprintf(buf, size, "0s");
			return;
		}
		if (u < 1000) {
			unit = "ns";
			prec = 0;
		} else if (u < 1000000) {
			unit = "\xc2\xb5s";
			prec = 3;
		} else {
			unit = "ms";
			prec = 6;
		}
		w -= strlen(unit);
		memcpy(w, unit, strlen(unit));
		w = fmt_frac(w, &u, prec);
		w = fmt_int(w, u);
	} else {
		*--w = 's';
		w = fmt_frac(w, &u, 9);
		w = fmt_int(w, u % 60);
		u /= 60;
		if (u > 0) {
			*--w = 'm';
			w = fmt_int(w, u % 60);
			u /= 60;
			if (u > 0) {
				*--w = 'h';
				w = fmt_int(w, u);
			}
		}
	}
	if (neg)
		*--w = '-';
	snprintf(buf, size, "%.*s", (int)(end - w), w);
}

/* timeutil.h - durations and times as step writes them.
 *
 * Durations are Go's time.ParseDuration syntax: an optional sign, then one
 * or more decimal numbers (with an optional fraction), each followed by a
 * unit: ns, us (or µs), ms, s, m, h.  "0" alone is zero.  Examples: "5m",
 * "24h", "1h30m", "-1.5h", "300ms".  Times are RFC 3339
 * ("2026-01-02T15:04:05Z", "2026-01-02T15:04:05.5+01:00"), printed back
 * in UTC with a "Z".
 */
#ifndef PKIT_TIMEUTIL_H
#define PKIT_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "err.h"

#define PKIT_NS_PER_SEC INT64_C(1000000000)

/* Parse a Go duration into nanoseconds; what names the input in
 * messages ("--not-after").  PKIT_ERR_ARG on bad syntax or overflow
 * (beyond about 292 years). */
int pkit_duration_parse(struct pkit_ctx *ctx, const char *s, const char *what,
    int64_t *ns);

/* Parse an RFC 3339 date-time (fractions of a second are dropped). */
int pkit_time_parse(struct pkit_ctx *ctx, const char *s, const char *what,
    time_t *out);

/* An RFC 3339 time, or a duration added to now (as step's --not-before and
 * --not-after).  An empty or NULL s gives *out = 0, meaning "not set". */
int pkit_time_or_duration(struct pkit_ctx *ctx, const char *s, time_t now,
    const char *what, time_t *out);

/* "2026-01-02T15:04:05Z" (UTC) into buf (at least 21 bytes). */
void pkit_time_format(time_t t, char *buf, size_t size);

/* A duration as Go prints it: "24h0m0s", "1m30s", "1.5s", "0s". */
void pkit_duration_format(int64_t ns, char *buf, size_t size);

/* Seconds from 1970-01-01 for a proleptic Gregorian UTC date and time,
 * without consulting the C library's time zone. */
int64_t pkit_timegm(int year, int mon, int day, int hour, int min, int sec);

#endif

/* renewer.h - when `pkit ca renew` renews: the schedule of the renewal
 * daemon, the --expires-in test, the back-off after a failure, and the
 * splitting of --exec.  Pure functions of their inputs (the random value
 * is a parameter), so that the unit tests can pin every case.
 *
 * The schedule is step's (cli:command/ca/renew.go): renew when a third of
 * the lifetime is left (or --expires-in before the end), less a random
 * jitter of up to a twentieth of the lifetime so that many clients do not
 * renew at once; with --renew-period, every period.  After a failure pkit
 * retries with exponential back-off and jitter, from a twentieth of a
 * second per minute of lifetime up to a tenth of the lifetime, never past
 * the certificate's end (step retries every minute, forever).
 *
 * Durations are in nanoseconds (as timeutil.h parses them); times are
 * seconds since the epoch.
 */
#ifndef PKIT_CA_RENEWER_H
#define PKIT_CA_RENEWER_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/x509.h>

#include "lib/err.h"
#include "lib/timeutil.h"

/* Bounds of the first retry delay and of any retry delay. */
#define PKIT_RENEW_RETRY_MIN (1 * PKIT_NS_PER_SEC)
#define PKIT_RENEW_RETRY_FIRST_MAX (60 * PKIT_NS_PER_SEC)
#define PKIT_RENEW_RETRY_MAX (3600 * PKIT_NS_PER_SEC)

/* One certificate and the flags that shape its schedule. */
struct pkit_renew_sched {
	time_t not_before;	/* of the current certificate */
	time_t not_after;
	int64_t expires_in;	/* renew this long before the end; 0: a
				   third of the lifetime */
	int64_t renew_period;	/* --renew-period; 0: none */
};

/* Set s->not_before and s->not_after from crt (the flags are kept). */
int pkit_renew_sched_cert(struct pkit_ctx *ctx, X509 *crt,
    struct pkit_renew_sched *s);

/* Check the flags against the certificate as step does: --renew-period
 * and --expires-in must be shorter than the lifetime (and not negative),
 * and do not go together. */
int pkit_renew_check(struct pkit_ctx *ctx, const struct pkit_renew_sched *s);

/* How long to wait, from now, before the next renewal (0: now).  rnd is
 * a uniformly random value that picks the jitter. */
int64_t pkit_renew_next(const struct pkit_renew_sched *s, time_t now,
    uint64_t rnd);

/* The least wait after a successful renewal whose new certificate is due
 * at once (--expires-in longer than what the CA grants): a hundredth of
 * the lifetime, at least a second, so that the daemon cannot spin. */
int64_t pkit_renew_floor(const struct pkit_renew_sched *s);

/* For a single renewal with --expires-in: 1 when the certificate is due,
 * that is when it expires within expires_in plus a jitter of up to
 * expires_in/20; 0 when it is not (then the renewal is skipped). */
int pkit_renew_due(const struct pkit_renew_sched *s, time_t now,
    uint64_t rnd);

/* The delay before retry number attempt (1 for the first retry) after a
 * failed renewal: base * 2^(attempt-1) capped, then "equal jitter" (half
 * the delay fixed, half random), and never beyond the certificate's end.
 * base is the lifetime/1200 within [1s, 60s]; the cap the lifetime/10
 * within [base, 1h].  Returns -1 when the certificate has expired: there
 * is nothing left to retry for. */
int64_t pkit_renew_retry(const struct pkit_renew_sched *s, unsigned attempt,
    time_t now, uint64_t rnd);

/* A random value for the functions above (not for secrets). */
uint64_t pkit_renew_random(void);

/* Split an --exec command line into a NULL-terminated argv as step does:
 * at spaces, with no shell and no quoting (runs of spaces count as one).
 * Free *out with pkit_renew_argv_free(). */
int pkit_renew_exec_argv(struct pkit_ctx *ctx, const char *cmd,
    char ***out);
void pkit_renew_argv_free(char **argv);

#endif

/* x509_lint.h - check a certificate against RFC 5280 and the CA/Browser
 * Forum Baseline Requirements.
 *
 * The rules are one table.  Each has an id, the clause it comes from, and
 * a level per profile:
 *   - web: the Baseline Requirements for publicly trusted TLS certificates
 *     (what step's zlint checks);
 *   - private: RFC 5280 and sound practice, with the Web PKI's validity,
 *     EKU, naming and policy rules relaxed or off, for internal PKIs.
 */
#ifndef PKIT_X509_LINT_H
#define PKIT_X509_LINT_H

#include <stddef.h>

#include <openssl/x509.h>

#include "err.h"

enum pkit_lint_level {
	PKIT_LINT_OFF = 0,	/* not checked in this profile */
	PKIT_LINT_NOTICE,
	PKIT_LINT_WARN,
	PKIT_LINT_ERROR,
};

enum pkit_lint_profile {
	PKIT_LINT_PRIVATE = 0,
	PKIT_LINT_WEB = 1,
};

struct pkit_lint_rule {
	const char *id;		/* "ca-bc-critical" */
	const char *source;	/* "RFC 5280 4.2.1.9", "BR 7.1.2.7.12" */
	const char *summary;	/* what the rule requires */
	enum pkit_lint_level level[2];	/* by enum pkit_lint_profile */
};

struct pkit_lint_finding {
	const struct pkit_lint_rule *rule;
	enum pkit_lint_level level;
	char message[256];
};

struct pkit_lint_report {
	enum pkit_lint_profile profile;
	char subject[512];	/* the linted certificate, "CN=...,O=..." */
	size_t applied;		/* rules that applied to it */
	size_t errors, warnings, notices;
	size_t n;
	/* worst first, then in the order of the table */
	struct pkit_lint_finding *findings;
};

/* The number of rules, and rule i of the table (NULL past the end). */
size_t pkit_lint_rule_count(void);
const struct pkit_lint_rule *pkit_lint_rule(size_t i);

/* "web" or "private". */
int pkit_lint_profile_parse(struct pkit_ctx *ctx, const char *s,
    enum pkit_lint_profile *out);
const char *pkit_lint_profile_name(enum pkit_lint_profile p);
const char *pkit_lint_level_name(enum pkit_lint_level l);

/* Run every rule of profile on crt.  issuer (may be NULL), when its
 * subject is crt's issuer name, lets the rules that compare with the
 * issuing certificate run.  The time is pkit_now(ctx). */
int pkit_x509_lint(struct pkit_ctx *ctx, X509 *crt, X509 *issuer,
    enum pkit_lint_profile profile, struct pkit_lint_report **out);

void pkit_lint_report_free(struct pkit_lint_report *r);

/* One line per finding, "<name>: <level>: <id>: <message> [<source>]",
 * then a summary line. */
int pkit_lint_report_text(struct pkit_ctx *ctx,
    const struct pkit_lint_report *r, const char *name, char **out);

/* The report as a JSON object (2-space indent, trailing newline). */
int pkit_lint_report_json(struct pkit_ctx *ctx,
    const struct pkit_lint_report *r, const char *name, char **out);

/* The rule table as text or JSON, for --list-rules. */
int pkit_lint_rules_render(struct pkit_ctx *ctx, int json, char **out);

#endif

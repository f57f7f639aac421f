/* jwt_lint.h - check a JWT's header and claims against a table of rules.
 *
 * The JWT counterpart of x509_lint: every rule has an id, a level
 * (error, warning, notice; the levels of x509_lint.h) and the document it
 * comes from.  Linting does not need the key: it reads what the token
 * says.  Given a key, a JWK Set or an expected "typ", the rules that need
 * them run too (HMAC key length, alg/key agreement, kid lookup, the
 * signature itself).
 */
#ifndef PKIT_JWT_LINT_H
#define PKIT_JWT_LINT_H

#include <stddef.h>
#include <time.h>

#include <jansson.h>

#include "err.h"
#include "jwk.h"
#include "x509_lint.h"

/* Defaults of the thresholds. */
#define PKIT_JWT_LINT_MAX_LIFETIME (24 * 3600)
#define PKIT_JWT_LINT_MAX_SIZE 8192

struct pkit_jwt_lint_rule {
	const char *id;		/* "claims.exp.missing" */
	enum pkit_lint_level level;
	const char *source;	/* "RFC 8725 3.1" */
	const char *summary;	/* what the rule checks */
};

struct pkit_jwt_lint_finding {
	const struct pkit_jwt_lint_rule *rule;
	char message[256];
};

struct pkit_jwt_lint_opts {
	const struct pkit_jwk_key *key;	/* or NULL */
	const json_t *jwks;	/* a JWK Set, or NULL */
	const char *typ;	/* the "typ" expected, or NULL */
	long max_lifetime;	/* seconds; 0: 24 hours */
	size_t max_size;	/* bytes; 0: 8 KiB */
	long skew;		/* seconds allowed for clocks; 0: 60 */
};

struct pkit_jwt_lint_report {
	size_t applied;		/* rules that ran */
	size_t errors, warnings, notices;
	size_t n;
	struct pkit_jwt_lint_finding *findings;	/* worst first */
	json_t *header;		/* decoded header, or NULL */
	json_t *claims;		/* decoded claims, or NULL */
};

/* The rule table. */
size_t pkit_jwt_lint_rule_count(void);
const struct pkit_jwt_lint_rule *pkit_jwt_lint_rule(size_t i);

/* Lint a compact JWT at time pkit_now(ctx).  A token that cannot be
 * decoded is a report with an error finding, not a failure. */
int pkit_jwt_lint(struct pkit_ctx *ctx, const char *token, size_t len,
    const struct pkit_jwt_lint_opts *o, struct pkit_jwt_lint_report **out);

void pkit_jwt_lint_report_free(struct pkit_jwt_lint_report *r);

/* "<name>: <level>: <id>: <message> [<source>]" lines and a summary. */
int pkit_jwt_lint_report_text(struct pkit_ctx *ctx,
    const struct pkit_jwt_lint_report *r, const char *name, char **out);

/* The report as indented JSON with a trailing newline. */
int pkit_jwt_lint_report_json(struct pkit_ctx *ctx,
    const struct pkit_jwt_lint_report *r, const char *name, char **out);

/* The rule table as text or JSON (--list-rules). */
int pkit_jwt_lint_rules_render(struct pkit_ctx *ctx, int json, char **out);

#endif

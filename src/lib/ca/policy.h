/* policy.h - certificate issuance policies, step-ca's "policy" block
 * (authority.policy in ca.json, and "policy" in a provisioner):
 *
 *   {"x509": {"allow": {...}, "deny": {...}, "allowWildcardNames": false},
 *    "ssh": {"user": {"allow": {...}, "deny": {...}},
 *            "host": {"allow": {...}, "deny": {...}}}}
 *
 * where allow and deny hold lists of names by type: "dns" ("*.example.com"
 * admits exactly one more label, not example.com itself), "ip" (addresses
 * and CIDR ranges), "email" ("jane@example.com", or "@example.com" for a
 * whole domain), "uri" (a URI's host, as a DNS rule), "cn" (subject common
 * names, compared without case) and, for SSH, "principal" ("*" admits
 * any).  The plural spellings of step's admin API ("ips", "emails",
 * "uris", "commonNames", "principals") are read too.
 *
 * Evaluation follows step-ca (policy/validate.go), itself modelled on RFC
 * 5280's name constraints: deny wins; once a type of name has an allow
 * rule, names of the other types need one too; a type with only deny
 * rules admits what they do not deny.  The subject common name of an
 * X.509 certificate is checked against the "cn" rules and, when they do
 * not admit it, as the type of name it looks like.  A literal wildcard
 * DNS name ("*.example.com" in a request) is refused unless
 * allowWildcardNames.  Every name of a request must pass.
 *
 * Stricter than step-ca in two places, so that deny always wins: a
 * literal wildcard is refused by a policy with DNS rules even when they
 * are all deny rules (step-ca lets "*.example.com" past a deny of
 * "secret.example.com"), and a CN matching a "cn" deny rule is refused
 * (step-ca goes on to check it as a DNS name).  A name that does not
 * parse is refused (403, where step-ca answers 500) when rules of its
 * type exist, and left alone when neither they nor allow rules do.
 */
#ifndef PKIT_CA_POLICY_H
#define PKIT_CA_POLICY_H

#include <stddef.h>

#include <jansson.h>
#include <openssl/x509.h>

#include "lib/err.h"

struct pkit_ca_policy;

/* Build a policy from its JSON object (what names it in messages, e.g.
 * "ca.json: authority.policy").  A NULL or empty object gives *out = NULL,
 * which every check below takes as "everything allowed". */
int pkit_ca_policy_new(struct pkit_ctx *ctx, const json_t *obj,
    const char *what, struct pkit_ca_policy **out);
void pkit_ca_policy_free(struct pkit_ca_policy *p);

/* Whether p has X.509 rules, SSH rules (0 or 1; p may be NULL). */
int pkit_ca_policy_has_x509(const struct pkit_ca_policy *p);
int pkit_ca_policy_has_ssh(const struct pkit_ca_policy *p);

/* Check an X.509 request: the subject common name (NULL or "" for none)
 * and SANs given as text and typed as step types them (an IP address, a
 * URI with a scheme, an email with '@', else a DNS name).  0 when allowed;
 * PKIT_ERR_PERM when not, with step's detail in ctx (`dns name "x" not
 * allowed`, `cannot parse dns domain "x y"`). */
int pkit_ca_policy_check_x509(struct pkit_ctx *ctx,
    const struct pkit_ca_policy *p, const char *cn,
    const char *const *sans, size_t nsans);

/* As above for a certificate (built or parsed): its subject CN and its
 * DNS, IP, email and URI SANs. */
int pkit_ca_policy_check_x509_cert(struct pkit_ctx *ctx,
    const struct pkit_ca_policy *p, X509 *crt);

/* Check the principals of an SSH certificate: host (1) or user (0).  Host
 * principals are DNS names or IPs; user principals are emails or plain
 * principals.  When p has SSH rules for only the other certificate type,
 * the request is refused.  Returns as pkit_ca_policy_check_x509(). */
int pkit_ca_policy_check_ssh(struct pkit_ctx *ctx,
    const struct pkit_ca_policy *p, int host,
    const char *const *principals, size_t n);

#endif

/* policy.c - certificate issuance policies (see policy.h). */
#include "config.h"

#include <arpa/inet.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "lib/ca/policy.h"
#include "lib/x509_build.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Types of names, with step's words for them in messages. */
enum { N_CN, N_DNS, N_IP, N_EMAIL, N_URI, N_PRINCIPAL, N_TYPES };

static const char *const type_word[N_TYPES] = { "cn", "dns", "ip", "email",
    "uri", "principal" };

/* JSON keys of each type: step's ca.json spelling, then linkedca's. */
static const char *const type_key[N_TYPES][2] = {
	{ "cn", "commonNames" }, { "dns", NULL }, { "ip", "ips" },
	{ "email", "emails" }, { "uri", "uris" }, { "principal", "principals" },
};

struct net {
	int family;		/* AF_INET or AF_INET6 */
	unsigned char addr[16];
	int bits;
};

struct rules {
	char **v[N_TYPES];	/* normalised text (N_IP: unused) */
	size_t n[N_TYPES];
	struct net *ip;
	size_t nip;
};

struct engine {
	struct rules allow, deny;
	int wildcards;		/* allowWildcardNames */
	int verify_cn;		/* x509: check the subject CN too */
	size_t count[N_TYPES];	/* allow + deny rules of each type */
	size_t total_allow, total;
};

struct pkit_ca_policy {
	struct engine *x509, *user, *host;
};

/* Outcome of matching one name against one rule. */
enum { M_NO = 0, M_YES = 1, M_ERR = -1 };

/* ---- names ---------------------------------------------------------------- */

/* Go's %q of an ASCII string, into buf. */
static const char *
quote(char *buf, size_t size, const char *s)
{
	size_t o = 0;

	if (size < 8)
		return "";
	buf[o++] = '"';
	for (; *s != '\0' && o + 6 < size; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			buf[o++] = '\\';
			buf[o++] = (char)c;
		} else if (c < 0x20 || c >= 0x7f) {
			snprintf(buf + o, size - o, "\\x%02x", c);
			o += 4;
		} else
			buf[o++] = (char)c;
	}
	buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

/* step's domainToReverseLabels() check: non-empty labels of printable
 * ASCII without spaces, no final dot. */
static int
labels_ok(const char *d)
{
	size_t label = 0;

	if (*d == '\0')
		return 0;
	for (; *d != '\0'; d++) {
		if (*d == '.') {
			if (label == 0)
				return 0;
			label = 0;
			continue;
		}
		if ((unsigned char)*d < 33 || (unsigned char)*d > 126)
			return 0;
		label++;
	}
	return label > 0;
}

/* A DNS name (already checked by labels_ok, "*." allowed in front)
 * against a normalised rule: ".example.com" wants exactly one more label
 * than example.com, anything else the same name; without case. */
static int
match_domain(const struct engine *e, const char *d, const char *rule)
{
	const char *dot;

	if (*rule == '\0')
		return M_YES;
	if (d[0] == '.')
		return M_NO;
	if (d[0] == '*') {
		if (d[1] != '.' || !e->wildcards)
			return M_NO;
	}
	if (strrchr(d, '*') != NULL && strrchr(d, '*') != d)
		return M_NO;
	if (rule[0] != '.')
		return strcasecmp(d, rule) == 0 ? M_YES : M_NO;
	if ((dot = strchr(d, '.')) == NULL || dot == d)
		return M_NO;
	return strcasecmp(dot, rule) == 0 ? M_YES : M_NO;
}

/* An address as text into n (a single address: full-length prefix);
 * IPv4-mapped IPv6 addresses become IPv4. */
static int
parse_ip(const char *s, struct net *n)
{
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };

	memset(n, 0, sizeof(*n));
	if (inet_pton(AF_INET, s, n->addr) == 1) {
		n->family = AF_INET;
		n->bits = 32;
		return 1;
	}
	if (inet_pton(AF_INET6, s, n->addr) != 1)
		return 0;
	if (memcmp(n->addr, mapped, sizeof(mapped)) == 0) {
		memmove(n->addr, n->addr + 12, 4);
		memset(n->addr + 4, 0, 12);
		n->family = AF_INET;
		n->bits = 32;
		return 1;
	}
	n->family = AF_INET6;
	n->bits = 128;
	return 1;
}

/* A rule: an address or a CIDR range (host bits are cleared, as Go's
 * ParseCIDR does). */
static int
parse_net(const char *s, struct net *n)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash, *end;
	long bits;
	int i;

	if (strlen(s) >= sizeof(buf))
		return 0;
	memcpy(buf, s, strlen(s) + 1);
	if ((slash = strchr(buf, '/')) == NULL)
		return parse_ip(buf, n);
	*slash++ = '\0';
	memset(n, 0, sizeof(*n));
	if (inet_pton(AF_INET, buf, n->addr) == 1)
		n->family = AF_INET;
	else if (inet_pton(AF_INET6, buf, n->addr) == 1)
		n->family = AF_INET6;
	else
		return 0;
	if (!isdigit((unsigned char)*slash))
		return 0;
	bits = strtol(slash, &end, 10);
	if (*end != '\0' || bits < 0 || bits > (n->family == AF_INET ? 32 :
	    128))
		return 0;
	n->bits = (int)bits;
	for (i = n->bits; i < 128; i++)
		n->addr[i / 8] &= (unsigned char)~(0x80u >> (i % 8));
	return 1;
}

static int
match_ip(const struct net *ip, const struct net *rule)
{
	int i;

	if (ip->family != rule->family)
		return M_NO;
	for (i = 0; i < rule->bits; i++) {
		unsigned m = 0x80u >> (i % 8);

		if ((ip->addr[i / 8] & m) != (rule->addr[i / 8] & m))
			return M_NO;
	}
	return M_YES;
}

/* A mailbox split at its last '@': a local part without empty atoms
 * ("a..b", ".a", "a.") and a domain that passes labels_ok(). */
static int
parse_mailbox(const char *s, char **local, const char **domain)
{
	const char *at = strrchr(s, '@');
	size_t n;

	if (at == NULL || at == s || !labels_ok(at + 1))
		return 0;
	n = (size_t)(at - s);
	if (s[0] == '.' || s[n - 1] == '.' || strstr(s, "..") != NULL)
		return 0;
	if ((*local = strndup(s, n)) == NULL)
		return -1;
	*domain = at + 1;
	return 1;
}

static int
match_email(const struct engine *e, const char *local, const char *domain,
    const char *rule)
{
	const char *at = strrchr(rule, '@');

	if (at == NULL)
		return match_domain(e, domain, rule);
	return strlen(local) == (size_t)(at - rule) &&
	    strncmp(local, rule, (size_t)(at - rule)) == 0 &&
	    strcasecmp(domain, at + 1) == 0 ? M_YES : M_NO;
}

/* The host of a URI: after "scheme://" and any "userinfo@", before the
 * path, query or fragment, without its port.  *host is malloc'd; "" when
 * the URI has no authority. */
static int
uri_host(const char *uri, char **host)
{
	const char *p = strstr(uri, "://"), *end, *at;
	char *h, *colon;

	if (p == NULL)
		return (*host = strdup("")) != NULL ? 0 : -1;
	p += 3;
	end = p + strcspn(p, "/?#");
	for (at = p; at < end; at++)
		if (*at == '@')
			p = at + 1;
	if ((h = strndup(p, (size_t)(end - p))) == NULL)
		return -1;
	if (h[0] == '[') {
		/* an IPv6 literal, with or without a port */
		if ((colon = strchr(h, ']')) != NULL)
			colon[1] = '\0';
	} else if ((colon = strrchr(h, ':')) != NULL)
		*colon = '\0';
	*host = h;
	return 0;
}

/* ---- evaluation ---------------------------------------------------------- */

struct name {
	int type;		/* N_* of the rules that apply */
	int report;		/* N_* named in messages */
	const char *text;	/* as requested */
	const char *dns;	/* N_DNS/N_URI: the domain to match */
	struct net ip;		/* N_IP */
	char *local;		/* N_EMAIL */
	const char *domain;	/* N_EMAIL */
};

static int
denied(struct pkit_ctx *ctx, const struct name *nm)
{
	char q[600];

	return pkit_seterr(ctx, PKIT_ERR_PERM, "%s name %s not allowed",
	    type_word[nm->report], quote(q, sizeof(q), nm->text));
}

static int
match_one(const struct engine *e, const struct name *nm, const struct rules *r,
    size_t i)
{
	switch (nm->type) {
	case N_DNS:
	case N_URI:
		return match_domain(e, nm->dns, r->v[nm->type][i]);
	case N_IP:
		return match_ip(&nm->ip, &r->ip[i]);
	case N_EMAIL:
		return match_email(e, nm->local, nm->domain, r->v[N_EMAIL][i]);
	case N_PRINCIPAL:
		return strcmp(r->v[N_PRINCIPAL][i], "*") == 0 ||
		    strcasecmp(nm->text, r->v[N_PRINCIPAL][i]) == 0 ? M_YES : M_NO;
	case N_CN:
		return strcasecmp(nm->text, r->v[N_CN][i]) == 0 ? M_YES : M_NO;
	}
	return M_ERR;
}

static size_t
nrules(const struct rules *r, int type)
{
	return type == N_IP ? r->nip : r->n[type];
}

/* step's checkNameConstraints(): any matching deny rule refuses; then an
 * allow rule must match when the type has any. */
static int
constraints(struct pkit_ctx *ctx, const struct engine *e, const struct name *nm)
{
	size_t i, n;

	for (i = 0; i < nrules(&e->deny, nm->type); i++)
		if (match_one(e, nm, &e->deny, i) != M_NO)
			return denied(ctx, nm);
	if ((n = nrules(&e->allow, nm->type)) == 0)
		return PKIT_OK;
	for (i = 0; i < n; i++)
		if (match_one(e, nm, &e->allow, i) == M_YES)
			return PKIT_OK;
	return denied(ctx, nm);
}

/* One name of a given type (report: the type named in messages). */
static int
check_name(struct pkit_ctx *ctx, const struct engine *e, int type, int report,
    const char *s)
{
	struct name nm;
	char q[600], *host = NULL;
	int r;

	memset(&nm, 0, sizeof(nm));
	nm.type = type;
	nm.report = report;
	nm.text = s;
	/* a type without rules while others have allow rules: refused */
	if (e->count[type] == 0 && e->total_allow > 0)
		return denied(ctx, &nm);
	/* no rule of this type at all: nothing to parse it for */
	if (e->count[type] == 0)
		return PKIT_OK;
	switch (type) {
	case N_DNS:
		nm.dns = s;
		if (!labels_ok(s[0] == '*' && s[1] == '.' ? s + 2 : s))
			return pkit_seterr(ctx, PKIT_ERR_PERM, "cannot parse %s "
			    "domain %s", type_word[report], quote(q, sizeof(q), s));
		/* a literal wildcard must be allowed first */
		if (s[0] == '*' && !e->wildcards)
			return denied(ctx, &nm);
		break;
	case N_IP:
		if (!parse_ip(s, &nm.ip))
			return pkit_seterr(ctx, PKIT_ERR_PERM, "cannot parse %s "
			    "address %s", type_word[report], quote(q, sizeof(q), s));
		break;
	case N_EMAIL:
		if ((r = parse_mailbox(s, &nm.local, &nm.domain)) < 0)
			return pkit_seterr_nomem(ctx);
		if (r == 0)
			return pkit_seterr(ctx, PKIT_ERR_PERM, "cannot parse %s "
			    "rfc822Name %s", type_word[report], quote(q, sizeof(q),
			    s));
		break;
	case N_URI:
		if (uri_host(s, &host) != 0)
			return pkit_seterr_nomem(ctx);
		nm.dns = host;
		if ((*host == '\0' || host[0] == '[' ||
		    strchr(host, '*') != NULL || parse_ip(host, &nm.ip) ||
		    !labels_ok(host))) {
			free(host);
			return pkit_seterr(ctx, PKIT_ERR_PERM, "error matching %s "
			    "name %s to constraint", type_word[report],
			    quote(q, sizeof(q), s));
		}
		break;
	}
	r = constraints(ctx, e, &nm);
	free(nm.local);
	free(host);
	return r;
}

static int
san_type(const char *s)
{
	switch (pkit_san_detect(s)) {
	case PKIT_SAN_IP:
		return N_IP;
	case PKIT_SAN_URI:
		return N_URI;
	case PKIT_SAN_EMAIL:
		return N_EMAIL;
	default:
		return N_DNS;
	}
}

/* step's validateCommonName(). */
static int
check_cn(struct pkit_ctx *ctx, const struct engine *e, const char *cn)
{
	struct name nm;
	size_t i;

	if (cn == NULL || *cn == '\0' || e->total == 0)
		return PKIT_OK;
	memset(&nm, 0, sizeof(nm));
	nm.type = nm.report = N_CN;
	nm.text = cn;
	/* a denied CN is refused (step-ca would go on to check it as the
	 * name it looks like, and could let it through: deny wins here) */
	for (i = 0; i < e->deny.n[N_CN]; i++)
		if (match_one(e, &nm, &e->deny, i) == M_YES)
			return denied(ctx, &nm);
	for (i = 0; i < e->allow.n[N_CN]; i++)
		if (match_one(e, &nm, &e->allow, i) == M_YES)
			return PKIT_OK;
	return check_name(ctx, e, san_type(cn), N_CN, cn);
}

/* ---- public checks -------------------------------------------------------- */

int
pkit_ca_policy_has_x509(const struct pkit_ca_policy *p)
{
	return p != NULL && p->x509 != NULL;
}

int
pkit_ca_policy_has_ssh(const struct pkit_ca_policy *p)
{
	return p != NULL && (p->user != NULL || p->host != NULL);
}

/* The names v[i] of types t[i] (N_*), and the CN. */
static int
check_x509(struct pkit_ctx *ctx, const struct pkit_ca_policy *p,
    const char *cn, const char *const *v, const int *t, size_t n)
{
	static const int order[] = { N_DNS, N_IP, N_EMAIL, N_URI };
	const struct engine *e;
	size_t i, k;
	int r;

	if (p == NULL || (e = p->x509) == NULL || e->total == 0)
		return PKIT_OK;
	/* step checks the names by type: DNS, IPs, emails, URIs */
	for (k = 0; k < NELEM(order); k++)
		for (i = 0; i < n; i++)
			if (t[i] == order[k] && (r = check_name(ctx, e, t[i], t[i],
			    v[i])) != 0)
				return r;
	return e->verify_cn ? check_cn(ctx, e, cn) : PKIT_OK;
}

int
pkit_ca_policy_check_x509(struct pkit_ctx *ctx, const struct pkit_ca_policy *p,
    const char *cn, const char *const *sans, size_t nsans)
{
	int *t;
	size_t i;
	int r;

	if (p == NULL || p->x509 == NULL)
		return PKIT_OK;
	if ((t = calloc(nsans + 1, sizeof(*t))) == NULL)
		return pkit_seterr_nomem(ctx);
	for (i = 0; i < nsans; i++)
		t[i] = san_type(sans[i]);
	r = check_x509(ctx, p, cn, sans, t, nsans);
	free(t);
	return r;
}

int
pkit_ca_policy_check_x509_cert(struct pkit_ctx *ctx,
    const struct pkit_ca_policy *p, X509 *crt)
{
	GENERAL_NAMES *gens = NULL;
	char **sans = NULL, *cn = NULL, ip[INET6_ADDRSTRLEN];
	int *types = NULL;
	size_t n = 0, i;
	int k, len, r;

	if (p == NULL || p->x509 == NULL)
		return PKIT_OK;
	if ((len = X509_NAME_get_text_by_NID(X509_get_subject_name(crt),
	    NID_commonName, NULL, 0)) > 0) {
		if ((cn = malloc((size_t)len + 1)) == NULL)
			return pkit_seterr_nomem(ctx);
		X509_NAME_get_text_by_NID(X509_get_subject_name(crt),
		    NID_commonName, cn, len + 1);
	}
	gens = X509_get_ext_d2i(crt, NID_subject_alt_name, NULL, NULL);
	if ((sans = calloc((size_t)sk_GENERAL_NAME_num(gens) + 1,
	    sizeof(*sans))) == NULL || (types = calloc(
	    (size_t)sk_GENERAL_NAME_num(gens) + 1, sizeof(*types))) == NULL)
		goto nomem;
	for (k = 0; k < sk_GENERAL_NAME_num(gens); k++) {
		GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, k);
		const ASN1_STRING *v;

		if (g->type == GEN_IPADD) {
			v = g->d.ip;
			if ((v->length != 4 && v->length != 16) ||
			    inet_ntop(v->length == 4 ? AF_INET : AF_INET6, v->data,
			    ip, sizeof(ip)) == NULL)
				continue;
			if ((sans[n] = strdup(ip)) == NULL)
				goto nomem;
			types[n++] = N_IP;
		} else if (g->type == GEN_DNS || g->type == GEN_EMAIL ||
		    g->type == GEN_URI) {
			v = g->d.ia5;
			if ((sans[n] = strndup((const char *)ASN1_STRING_get0_data(v),
			    (size_t)ASN1_STRING_length(v))) == NULL)
				goto nomem;
			types[n++] = g->type == GEN_DNS ? N_DNS :
			    g->type == GEN_EMAIL ? N_EMAIL : N_URI;
		}
	}
	r = check_x509(ctx, p, cn, (const char *const *)sans, types, n);
	goto out;
nomem:
	r = pkit_seterr_nomem(ctx);
out:
	for (i = 0; sans != NULL && i < n; i++)
		free(sans[i]);
	free(sans);
	free(types);
	free(cn);
	GENERAL_NAMES_free(gens);
	ERR_clear_error();
	return r;
}

int
pkit_ca_policy_check_ssh(struct pkit_ctx *ctx, const struct pkit_ca_policy *p,
    int host, const char *const *principals, size_t n)
{
	const struct engine *e;
	size_t i;
	int r, t;
	char q[600];

	if (!pkit_ca_policy_has_ssh(p))
		return PKIT_OK;
	if ((e = host ? p->host : p->user) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_PERM, "authority not allowed "
		    "to sign ssh %s certificates", host ? "host" : "user");
	for (i = 0; i < n; i++) {
		t = san_type(principals[i]);
		if (host && t != N_DNS && t != N_IP)
			return pkit_seterr(ctx, PKIT_ERR_PERM, "%s principal %s "
			    "not expected in an SSH host certificate",
			    t == N_URI ? "URI" : "email",
			    quote(q, sizeof(q), principals[i]));
		if (!host && t == N_DNS)
			t = N_PRINCIPAL;
		if (!host && t != N_EMAIL && t != N_PRINCIPAL)
			return pkit_seterr(ctx, PKIT_ERR_PERM, "%s principal %s "
			    "not expected in an SSH user certificate",
			    t == N_URI ? "URI" : "IP", quote(q, sizeof(q),
			    principals[i]));
		if (e->total > 0 && (r = check_name(ctx, e, t, t,
		    principals[i])) != 0)
			return r;
	}
	return PKIT_OK;
}

/* ---- configuration ---------------------------------------------------------- */

static void
rules_release(struct rules *r)
{
	size_t i;
	int t;

	for (t = 0; t < N_TYPES; t++) {
		for (i = 0; i < r->n[t]; i++)
			free(r->v[t][i]);
		free(r->v[t]);
	}
	free(r->ip);
}

static void
engine_free(struct engine *e)
{
	if (e == NULL)
		return;
	rules_release(&e->allow);
	rules_release(&e->deny);
	free(e);
}

/* Lower-case copy of s without surrounding spaces. */
static char *
trimmed(const char *s, int lower)
{
	size_t n;
	char *d;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	if ((d = strndup(s, n)) == NULL)
		return NULL;
	for (n = 0; lower && d[n] != '\0'; n++)
		d[n] = (char)tolower((unsigned char)d[n]);
	return d;
}

/* step's normalizeAndValidate*Constraint(): *out is the rule as matched
 * ("*." becomes "."; an email "@domain" becomes "domain"); NULL with a
 * reason in *why when the rule is not acceptable. */
static int
normalise(int type, const char *in, char **out, const char **why)
{
	char *s, *at, *d, *dots;

	*out = NULL;
	*why = NULL;
	if ((s = trimmed(in, type == N_DNS || type == N_URI)) == NULL)
		return -1;
	switch (type) {
	case N_DNS:
	case N_URI:
		if (strncmp(s, "*.", 2) == 0)
			memmove(s, s + 1, strlen(s));
		if (strchr(s, '*') != NULL)
			*why = "can only have a wildcard as its first label";
		else if (*s != '\0' && !labels_ok(s[0] == '.' ? s + 1 : s))
			*why = "is not a domain";
		break;
	case N_EMAIL:
		if (strchr(s, '*') != NULL) {
			*why = "cannot contain an asterisk";
			break;
		}
		if (s[0] == '@')	/* "@example.com": the whole domain */
			memmove(s, s + 1, strlen(s));
		at = strchr(s, '@');
		if (at != NULL && strchr(at + 1, '@') != NULL) {
			*why = "has too many @ characters";
			break;
		}
		if (at != NULL && (at == s || s[0] == '.' || at[-1] == '.' ||
		    ((dots = strstr(s, "..")) != NULL && dots < at))) {
			*why = "is not a mailbox";
			break;
		}
		/* the domain compares without case, the local part with */
		for (d = at != NULL ? at + 1 : s; *d != '\0'; d++)
			*d = (char)tolower((unsigned char)*d);
		d = at != NULL ? at + 1 : s;
		if (d[0] == '.' || !labels_ok(d))
			*why = "is not a mailbox or domain";
		break;
	case N_CN:
	case N_PRINCIPAL:
		if (*s == '\0')
			*why = "is empty";
		break;
	}
	if (*why != NULL) {
		free(s);
		return 0;
	}
	*out = s;
	return 0;
}

static int
add_rules(struct pkit_ctx *ctx, struct rules *r, const json_t *list, int type,
    const char *what)
{
	const char *why;
	size_t i, k;
	json_t *v;
	char *s;

	if (!json_is_array(list))
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: expected a list "
		    "of strings", what);
	json_array_foreach(list, i, v) {
		const char *in = json_string_value(v);

		if (in == NULL)
			return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: expected a "
			    "list of strings", what);
		if (type == N_IP) {
			struct net n, *grown;

			if (!parse_net(in, &n))
				return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: "
				    "cannot parse %s as an IP address or CIDR range",
				    what, in);
			for (k = 0; k < r->nip; k++)
				if (memcmp(&r->ip[k], &n, sizeof(n)) == 0)
					break;
			if (k < r->nip)
				continue;
			if ((grown = reallocarray(r->ip, r->nip + 1,
			    sizeof(*grown))) == NULL)
				return pkit_seterr_nomem(ctx);
			r->ip = grown;
			r->ip[r->nip++] = n;
			continue;
		}
		if (normalise(type, in, &s, &why) != 0)
			return pkit_seterr_nomem(ctx);
		if (s == NULL)
			return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: %s %s", what,
			    in, why);
		for (k = 0; k < r->n[type]; k++)
			if (strcmp(r->v[type][k], s) == 0)
				break;
		if (k < r->n[type]) {
			free(s);
			continue;
		}
		{
			char **grown = reallocarray(r->v[type], r->n[type] + 1,
			    sizeof(*grown));

			if (grown == NULL) {
				free(s);
				return pkit_seterr_nomem(ctx);
			}
			r->v[type] = grown;
			r->v[type][r->n[type]++] = s;
		}
	}
	return PKIT_OK;
}

/* One "allow" or "deny" object; types is the mask of the N_* it may
 * hold. */
static int
load_rules(struct pkit_ctx *ctx, struct rules *r, const json_t *obj,
    unsigned types, const char *what)
{
	const char *k;
	json_t *v;
	char sub[512];
	int t, j, r2;

	if (obj == NULL || json_is_null(obj))
		return PKIT_OK;
	if (!json_is_object(obj))
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: expected an object",
		    what);
	json_object_foreach((json_t *)obj, k, v) {
		for (t = 0; t < N_TYPES; t++) {
			for (j = 0; j < 2; j++)
				if (type_key[t][j] != NULL &&
				    strcmp(k, type_key[t][j]) == 0)
					break;
			if (j < 2)
				break;
		}
		if (t == N_TYPES || !(types & (1u << t)))
			return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: unknown "
			    "key %s", what, k);
		if (json_is_null(v))
			continue;
		snprintf(sub, sizeof(sub), "%s.%s", what, k);
		if ((r2 = add_rules(ctx, r, v, t, sub)) != 0)
			return r2;
	}
	return PKIT_OK;
}

/* An engine from {"allow": ..., "deny": ..., ["allowWildcardNames"]};
 * *out is NULL when it has no rules. */
static int
load_engine(struct pkit_ctx *ctx, const json_t *obj, unsigned types, int x509,
    const char *what, struct engine **out)
{
	struct engine *e;
	const char *k;
	json_t *v;
	char sub[512];
	int t, r;

	*out = NULL;
	if (obj == NULL || json_is_null(obj))
		return PKIT_OK;
	if (!json_is_object(obj))
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: expected an object",
		    what);
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return pkit_seterr_nomem(ctx);
	e->verify_cn = x509;
	json_object_foreach((json_t *)obj, k, v) {
		snprintf(sub, sizeof(sub), "%s.%s", what, k);
		if (strcmp(k, "allow") == 0)
			r = load_rules(ctx, &e->allow, v, types, sub);
		else if (strcmp(k, "deny") == 0)
			r = load_rules(ctx, &e->deny, v, types, sub);
		else if (x509 && strcmp(k, "allowWildcardNames") == 0) {
			if (!json_is_boolean(v) && !json_is_null(v))
				r = pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: expected "
				    "true or false", sub);
			else {
				e->wildcards = json_is_true(v);
				r = PKIT_OK;
			}
		} else
			r = pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: unknown key",
			    sub);
		if (r != 0) {
			engine_free(e);
			return r;
		}
	}
	for (t = 0; t < N_TYPES; t++) {
		e->count[t] = nrules(&e->allow, t) + nrules(&e->deny, t);
		e->total_allow += nrules(&e->allow, t);
		e->total += e->count[t];
	}
	if (e->total == 0) {
		engine_free(e);
		return PKIT_OK;
	}
	*out = e;
	return PKIT_OK;
}

int
pkit_ca_policy_new(struct pkit_ctx *ctx, const json_t *obj, const char *what,
    struct pkit_ca_policy **out)
{
	struct pkit_ca_policy *p = NULL;
	const json_t *ssh;
	const char *k;
	json_t *v;
	char sub[512];
	int r;

	*out = NULL;
	if (obj == NULL || json_is_null(obj))
		return PKIT_OK;
	if (!json_is_object(obj))
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: expected an object",
		    what);
	json_object_foreach((json_t *)obj, k, v) {
		if (strcmp(k, "x509") != 0 && strcmp(k, "ssh") != 0)
			return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s.%s: unknown "
			    "key", what, k);
	}
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return pkit_seterr_nomem(ctx);
	snprintf(sub, sizeof(sub), "%s.x509", what);
	if ((r = load_engine(ctx, json_object_get(obj, "x509"),
	    (1u << N_CN) | (1u << N_DNS) | (1u << N_IP) | (1u << N_EMAIL) |
	    (1u << N_URI), 1, sub, &p->x509)) != 0)
		goto fail;
	ssh = json_object_get(obj, "ssh");
	if (ssh != NULL && !json_is_null(ssh)) {
		if (!json_is_object(ssh)) {
			r = pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s.ssh: expected "
			    "an object", what);
			goto fail;
		}
		json_object_foreach((json_t *)ssh, k, v) {
			if (strcmp(k, "user") != 0 && strcmp(k, "host") != 0) {
				r = pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s.ssh.%s: "
				    "unknown key", what, k);
				goto fail;
			}
		}
		snprintf(sub, sizeof(sub), "%s.ssh.user", what);
		if ((r = load_engine(ctx, json_object_get(ssh, "user"),
		    (1u << N_EMAIL) | (1u << N_PRINCIPAL), 0, sub,
		    &p->user)) != 0)
			goto fail;
		snprintf(sub, sizeof(sub), "%s.ssh.host", what);
		if ((r = load_engine(ctx, json_object_get(ssh, "host"),
		    (1u << N_DNS) | (1u << N_IP) | (1u << N_PRINCIPAL), 0, sub,
		    &p->host)) != 0)
			goto fail;
	}
	if (p->x509 == NULL && p->user == NULL && p->host == NULL) {
		free(p);
		return PKIT_OK;
	}
	*out = p;
	return PKIT_OK;
fail:
	pkit_ca_policy_free(p);
	return r;
}

void
pkit_ca_policy_free(struct pkit_ca_policy *p)
{
	if (p == NULL)
		return;
	engine_free(p->x509);
	engine_free(p->user);
	engine_free(p->host);
	free(p);
}

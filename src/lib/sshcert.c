/* sshcert.c - OpenSSH certificates: build, sign, encode, decode, verify,
 * describe; and the configuration text that trusts a CA.
 *
 * The wire form (PROTOCOL.certkeys):
 *
 *	string	"<type>-cert-v01@openssh.com"
 *	string	nonce
 *	...	the public key fields of <type>
 *	uint64	serial
 *	uint32	type (1 user, 2 host)
 *	string	key id
 *	string	valid principals (a list of strings)
 *	uint64	valid after
 *	uint64	valid before
 *	string	critical options (a list of name, data string pairs)
 *	string	extensions (the same)
 *	string	reserved
 *	string	signature key (a public key blob)
 *	string	signature, over everything above
 *
 * Every field is read through sshkey.h's bounded reader; a certificate
 * is only handed out once its signature verified with the key it names.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/rand.h>

#include "codec.h"
#include "key.h"
#include "sshcert.h"
#include "sshkey.h"
#include "timeutil.h"

#define NONCE_LEN 32
#define SUFFIX "-cert-v01@openssh.com"

static const struct {
	const char *cert, *plain;
} certtypes[] = {
	{ "ssh-ed25519-cert-v01@openssh.com", "ssh-ed25519" },
	{ "ecdsa-sha2-nistp256-cert-v01@openssh.com", "ecdsa-sha2-nistp256" },
	{ "ecdsa-sha2-nistp384-cert-v01@openssh.com", "ecdsa-sha2-nistp384" },
	{ "ecdsa-sha2-nistp521-cert-v01@openssh.com", "ecdsa-sha2-nistp521" },
	{ "ssh-rsa-cert-v01@openssh.com", "ssh-rsa" },
};
#define NCERTTYPES (sizeof(certtypes) / sizeof(certtypes[0]))

/* step's default extensions for user certificates (sshutil). */
static const char *const user_extensions[] = {
	"permit-X11-forwarding", "permit-agent-forwarding",
	"permit-port-forwarding", "permit-pty", "permit-user-rc",
};

static int
cert_index(const unsigned char *s, size_t n)
{
	size_t i;

	for (i = 0; i < NCERTTYPES; i++)
		if (strlen(certtypes[i].cert) == n &&
		    memcmp(certtypes[i].cert, s, n) == 0)
			return (int)i;
	return -1;
}

static int
nomem(struct pkit_ctx *ctx)
{
	return pkit_seterr(ctx, PKIT_ERR_NOMEM, "SSH certificate");
}

/* ---- building ---------------------------------------------------------- */

int
pkit_sshcert_new(struct pkit_ctx *ctx, EVP_PKEY *key,
    enum pkit_sshcert_type type, struct pkit_sshcert **out)
{
	struct pkit_sshcert *c;

	*out = NULL;
	if (pkit_sshkey_type(key) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED,
		    "%s keys have no OpenSSH form (Ed25519, ECDSA "
		    "P-256/384/521 and RSA do)", EVP_PKEY_get0_type_name(key));
	if (type != PKIT_SSHCERT_USER && type != PKIT_SSHCERT_HOST)
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "SSH certificate type %d is neither user nor host",
		    (int)type);
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->key_id = strdup("")) == NULL) {
		free(c);
		return nomem(ctx);
	}
	if (!EVP_PKEY_up_ref(key)) {
		pkit_sshcert_free(c);
		return pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "SSH certificate");
	}
	c->key = key;
	c->type = type;
	c->valid_after = 0;
	c->valid_before = PKIT_SSHCERT_FOREVER;
	*out = c;
	return PKIT_OK;
}

static void
opts_free(struct pkit_sshcert_opt *o, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(o[i].name);
		free(o[i].data);
	}
	free(o);
}

/* Forget what signing produced. */
static void
unsign(struct pkit_sshcert *c)
{
	EVP_PKEY_free(c->ca);
	free(c->blob);
	c->ca = NULL;
	c->blob = NULL;
	c->bloblen = c->signed_len = 0;
	c->sig_alg = NULL;
}

void
pkit_sshcert_free(struct pkit_sshcert *c)
{
	size_t i;

	if (c == NULL)
		return;
	unsign(c);
	EVP_PKEY_free(c->key);
	free(c->key_id);
	for (i = 0; i < c->nprincipals; i++)
		free(c->principals[i]);
	free(c->principals);
	opts_free(c->critical, c->ncritical);
	opts_free(c->extensions, c->nextensions);
	free(c->nonce);
	free(c);
}

int
pkit_sshcert_set_key_id(struct pkit_ctx *ctx, struct pkit_sshcert *c,
    const char *id)
{
	char *s;

	if ((s = strdup(id)) == NULL)
		return nomem(ctx);
	free(c->key_id);
	c->key_id = s;
	return PKIT_OK;
}

int
pkit_sshcert_has_principal(const struct pkit_sshcert *c,
    const char *principal)
{
	size_t i;

	for (i = 0; i < c->nprincipals; i++)
		if (strcmp(c->principals[i], principal) == 0)
			return 1;
	return 0;
}

int
pkit_sshcert_add_principal(struct pkit_ctx *ctx, struct pkit_sshcert *c,
    const char *principal)
{
	char **v;

	if (*principal == '\0')
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "an SSH principal cannot be empty");
	if (pkit_sshcert_has_principal(c, principal))
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "principal '%s' is given twice", principal);
	if (c->nprincipals >= PKIT_SSHCERT_MAX_PRINCIPALS)
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "more than %d principals", PKIT_SSHCERT_MAX_PRINCIPALS);
	if ((v = realloc(c->principals, (c->nprincipals + 1) *
	    sizeof(*v))) == NULL)
		return nomem(ctx);
	c->principals = v;
	if ((v[c->nprincipals] = strdup(principal)) == NULL)
		return nomem(ctx);
	c->nprincipals++;
	return PKIT_OK;
}

static int
add_opt(struct pkit_ctx *ctx, struct pkit_sshcert_opt **list, size_t *n,
    const char *what, const char *name, const char *value)
{
	struct pkit_sshcert_opt *v, o = { 0 };
	struct pkit_sshbuf b = { 0 };
	size_t i;

	if (*name == '\0')
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "an SSH certificate %s needs a name", what);
	for (i = 0; i < *n; i++)
		if (strcmp((*list)[i].name, name) == 0)
			return pkit_seterr(ctx, PKIT_ERR_ARG,
			    "%s '%s' is given twice", what, name);
	if (value != NULL) {
		pkit_sshbuf_put_cstring(&b, value);
		if (b.bad) {
			pkit_sshbuf_free(&b);
			return nomem(ctx);
		}
		o.data = b.d;
		o.len = b.len;
	}
	if ((o.name = strdup(name)) == NULL ||
	    (v = realloc(*list, (*n + 1) * sizeof(*v))) == NULL) {
		free(o.name);
		free(o.data);
		return nomem(ctx);
	}
	v[*n] = o;
	*list = v;
	(*n)++;
	return PKIT_OK;
}

int
pkit_sshcert_add_critical(struct pkit_ctx *ctx, struct pkit_sshcert *c,
    const char *name, const char *value)
{
	return add_opt(ctx, &c->critical, &c->ncritical, "critical option",
	    name, value);
}

int
pkit_sshcert_add_extension(struct pkit_ctx *ctx, struct pkit_sshcert *c,
    const char *name, const char *value)
{
	return add_opt(ctx, &c->extensions, &c->nextensions, "extension",
	    name, value);
}

int
pkit_sshcert_default_extensions(struct pkit_ctx *ctx, struct pkit_sshcert *c)
{
	size_t i, j;
	int r, have;

	if (c->type != PKIT_SSHCERT_USER)
		return PKIT_OK;
	for (i = 0; i < sizeof(user_extensions) / sizeof(user_extensions[0]);
	    i++) {
		for (have = 0, j = 0; j < c->nextensions; j++)
			have |= strcmp(c->extensions[j].name,
			    user_extensions[i]) == 0;
		if (!have && (r = pkit_sshcert_add_extension(ctx, c,
		    user_extensions[i], NULL)) != 0)
			return r;
	}
	return PKIT_OK;
}

int
pkit_sshcert_random_serial(struct pkit_ctx *ctx, struct pkit_sshcert *c)
{
	unsigned char b[8];
	uint64_t v = 0;
	size_t i;

	do {
		if (RAND_bytes_ex(ctx->libctx, b, sizeof(b), 0) != 1)
			return pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO,
			    "random serial");
		for (v = 0, i = 0; i < sizeof(b); i++)
			v = v << 8 | b[i];
	} while (v == 0);
	c->serial = v;
	return PKIT_OK;
}

static int
opt_cmp(const void *a, const void *b)
{
	return strcmp(((const struct pkit_sshcert_opt *)a)->name,
	    ((const struct pkit_sshcert_opt *)b)->name);
}

static void
put_opts(struct pkit_sshbuf *b, struct pkit_sshcert_opt *o, size_t n)
{
	struct pkit_sshbuf inner = { 0 };
	size_t i;

	if (n > 1)
		qsort(o, n, sizeof(*o), opt_cmp);
	for (i = 0; i < n; i++) {
		pkit_sshbuf_put_cstring(&inner, o[i].name);
		pkit_sshbuf_put_string(&inner, o[i].data, o[i].len);
	}
	if (inner.bad)
		b->bad = 1;
	pkit_sshbuf_put_string(b, inner.d, inner.len);
	pkit_sshbuf_free(&inner);
}

int
pkit_sshcert_sign(struct pkit_ctx *ctx, struct pkit_sshcert *c, EVP_PKEY *ca,
    const char *alg)
{
	struct pkit_sshbuf b = { 0 }, pr = { 0 };
	unsigned char *cablob = NULL, *sig = NULL, *out;
	size_t cabloblen = 0, siglen = 0, i;
	const char *sigalg = NULL;
	int r = PKIT_ERR_INTERNAL;

	if (c->valid_after >= c->valid_before)
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "the certificate's validity ends before it starts");
	if (pkit_sshkey_type(ca) == NULL || !pkit_key_has_private(ca))
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "the CA key must be an Ed25519, ECDSA or RSA private key");
	if (c->nonce == NULL) {
		if ((c->nonce = malloc(NONCE_LEN)) == NULL)
			return nomem(ctx);
		c->noncelen = NONCE_LEN;
		if (RAND_bytes_ex(ctx->libctx, c->nonce, NONCE_LEN, 0) != 1)
			return pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO,
			    "certificate nonce");
	}
	if ((r = pkit_sshkey_public_blob(ctx, ca, &cablob, &cabloblen)) != 0)
		return r;
	pkit_sshbuf_put_cstring(&b, pkit_sshcert_type_name(c));
	pkit_sshbuf_put_string(&b, c->nonce, c->noncelen);
	if ((r = pkit_sshkey_put_fields(ctx, &b, c->key)) != 0)
		goto out;
	pkit_sshbuf_put_u64(&b, c->serial);
	pkit_sshbuf_put_u32(&b, (uint32_t)c->type);
	pkit_sshbuf_put_cstring(&b, c->key_id);
	for (i = 0; i < c->nprincipals; i++)
		pkit_sshbuf_put_cstring(&pr, c->principals[i]);
	pkit_sshbuf_put_string(&b, pr.d, pr.len);
	pkit_sshbuf_put_u64(&b, c->valid_after);
	pkit_sshbuf_put_u64(&b, c->valid_before);
	put_opts(&b, c->critical, c->ncritical);
	put_opts(&b, c->extensions, c->nextensions);
	pkit_sshbuf_put_string(&b, "", 0);	/* reserved */
	pkit_sshbuf_put_string(&b, cablob, cabloblen);
	if (b.bad || pr.bad) {
		r = nomem(ctx);
		goto out;
	}
	if ((r = pkit_sshkey_sign(ctx, ca, alg, b.d, b.len, &sig,
	    &siglen)) != 0)
		goto out;
	/* Check what was made before handing it out. */
	if ((r = pkit_sshkey_verify(ctx, ca, sig, siglen, b.d, b.len,
	    "new certificate", &sigalg)) != 0)
		goto out;
	i = b.len;
	pkit_sshbuf_put_string(&b, sig, siglen);
	if (b.bad || (out = malloc(b.len)) == NULL) {
		r = nomem(ctx);
		goto out;
	}
	memcpy(out, b.d, b.len);
	unsign(c);
	if (!EVP_PKEY_up_ref(ca)) {
		free(out);
		r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "CA key");
		goto out;
	}
	c->ca = ca;
	c->blob = out;
	c->bloblen = b.len;
	c->signed_len = i;
	c->sig_alg = sigalg;
	r = PKIT_OK;
out:
	pkit_sshbuf_free(&b);
	pkit_sshbuf_free(&pr);
	free(cablob);
	free(sig);
	return r;
}

const char *
pkit_sshcert_type_name(const struct pkit_sshcert *c)
{
	const char *plain = pkit_sshkey_type(c->key);
	size_t i;

	for (i = 0; plain != NULL && i < NCERTTYPES; i++)
		if (strcmp(certtypes[i].plain, plain) == 0)
			return certtypes[i].cert;
	return "unknown";
}

const char *
pkit_sshcert_kind(const struct pkit_sshcert *c)
{
	return c->type == PKIT_SSHCERT_HOST ? "host" : "user";
}

/* ---- decoding ---------------------------------------------------------- */

static int
malformed(struct pkit_ctx *ctx, const char *name, const char *what)
{
	return pkit_seterr(ctx, PKIT_ERR_FORMAT,
	    "%s: malformed SSH certificate (%s)", name, what);
}

/* A string without NULs, copied out. */
static int
get_cstring(struct pkit_sshrd *r, char **out)
{
	const unsigned char *s;
	size_t n;
	char *p;

	if (pkit_sshrd_string(r, &s, &n) != 0 || memchr(s, '\0', n) != NULL)
		return -1;
	if ((p = malloc(n + 1)) == NULL)
		return -1;
	memcpy(p, s, n);
	p[n] = '\0';
	*out = p;
	return 0;
}

static int
get_opts(struct pkit_ctx *ctx, struct pkit_sshrd *r, const char *name,
    const char *what, struct pkit_sshcert_opt **out, size_t *nout)
{
	struct pkit_sshrd in;
	struct pkit_sshcert_opt *list = NULL, *v, o;
	const unsigned char *s, *d;
	size_t n = 0, dlen, i;
	int rc = PKIT_ERR_INTERNAL;

	if (pkit_sshrd_string(r, &s, &in.left) != 0)
		return malformed(ctx, name, what);
	in.p = s;
	while (in.left > 0) {
		memset(&o, 0, sizeof(o));
		if (get_cstring(&in, &o.name) != 0 || o.name[0] == '\0' ||
		    pkit_sshrd_string(&in, &d, &dlen) != 0) {
			free(o.name);
			rc = malformed(ctx, name, what);
			goto out;
		}
		for (i = 0; i < n; i++) {
			if (strcmp(list[i].name, o.name) == 0) {
				rc = pkit_seterr(ctx, PKIT_ERR_FORMAT,
				    "%s: malformed SSH certificate (%s '%s' "
				    "is given twice)", name, what, o.name);
				free(o.name);
				goto out;
			}
		}
		if ((v = realloc(list, (n + 1) * sizeof(*v))) == NULL ||
		    (dlen > 0 && (o.data = malloc(dlen)) == NULL)) {
			if (v != NULL)
				list = v;
			free(o.name);
			rc = nomem(ctx);
			goto out;
		}
		list = v;
		if (dlen > 0)
			memcpy(o.data, d, dlen);
		o.len = dlen;
		list[n++] = o;
	}
	*out = list;
	*nout = n;
	list = NULL;
	n = 0;
	rc = PKIT_OK;
out:
	opts_free(list, n);
	return rc;
}

int
pkit_sshcert_opt_string(const struct pkit_sshcert_opt *o, char **v)
{
	struct pkit_sshrd r = { o->data, o->len };
	char *s = NULL;

	*v = NULL;
	if (o->len == 0 || get_cstring(&r, &s) != 0)
		return 0;
	if (r.left != 0) {
		free(s);
		return 0;
	}
	*v = s;
	return 1;
}

/* The critical options OpenSSH knows carry one string: check it. */
static int
check_critical(struct pkit_ctx *ctx, const struct pkit_sshcert *c,
    const char *name)
{
	char *v;
	size_t i;

	for (i = 0; i < c->ncritical; i++) {
		if (strcmp(c->critical[i].name, "force-command") != 0 &&
		    strcmp(c->critical[i].name, "source-address") != 0)
			continue;
		if (!pkit_sshcert_opt_string(&c->critical[i], &v))
			return pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "%s: malformed SSH certificate (critical option "
			    "%s)", name, c->critical[i].name);
		free(v);
	}
	return PKIT_OK;
}

int
pkit_sshcert_decode(struct pkit_ctx *ctx, const unsigned char *blob,
    size_t len, const char *name, struct pkit_sshcert **out)
{
	struct pkit_sshrd r = { blob, len }, pr;
	struct pkit_sshcert *c = NULL;
	const unsigned char *s, *cakey, *sig;
	size_t n, cakeylen, siglen, signed_len;
	uint32_t type;
	EVP_PKEY *key = NULL;
	char *p, **v;
	int idx, rc = PKIT_ERR_INTERNAL;

	*out = NULL;
	if (pkit_sshrd_string(&r, &s, &n) != 0)
		return malformed(ctx, name, "type");
	if ((idx = cert_index(s, n)) < 0)
		return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED,
		    "%s: SSH certificate type '%.*s' is not supported", name,
		    (int)(n > 64 ? 64 : n), (const char *)s);
	if (pkit_sshrd_string(&r, &s, &n) != 0)
		return malformed(ctx, name, "nonce");
	if ((rc = pkit_sshkey_read_fields(ctx, &r, certtypes[idx].plain, name,
	    &key)) != 0)
		return rc;
	rc = pkit_sshcert_new(ctx, key, PKIT_SSHCERT_USER, &c);
	EVP_PKEY_free(key);
	if (rc != 0)
		return rc;
	if ((c->nonce = malloc(n > 0 ? n : 1)) == NULL) {
		rc = nomem(ctx);
		goto out;
	}
	memcpy(c->nonce, s, n);
	c->noncelen = n;
	if (pkit_sshrd_u64(&r, &c->serial) != 0 ||
	    pkit_sshrd_u32(&r, &type) != 0) {
		rc = malformed(ctx, name, "serial");
		goto out;
	}
	if (type != PKIT_SSHCERT_USER && type != PKIT_SSHCERT_HOST) {
		rc = pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: SSH certificate type %u is neither user (1) nor "
		    "host (2)", name, (unsigned)type);
		goto out;
	}
	c->type = (enum pkit_sshcert_type)type;
	free(c->key_id);
	c->key_id = NULL;
	if (get_cstring(&r, &c->key_id) != 0) {
		rc = malformed(ctx, name, "key id");
		goto out;
	}
	if (pkit_sshrd_string(&r, &s, &pr.left) != 0) {
		rc = malformed(ctx, name, "principals");
		goto out;
	}
	for (pr.p = s; pr.left > 0;) {
		if (c->nprincipals >= PKIT_SSHCERT_MAX_PRINCIPALS ||
		    get_cstring(&pr, &p) != 0) {
			rc = malformed(ctx, name, "principals");
			goto out;
		}
		if ((v = realloc(c->principals, (c->nprincipals + 1) *
		    sizeof(*v))) == NULL) {
			free(p);
			rc = nomem(ctx);
			goto out;
		}
		c->principals = v;
		v[c->nprincipals++] = p;
	}
	if (pkit_sshrd_u64(&r, &c->valid_after) != 0 ||
	    pkit_sshrd_u64(&r, &c->valid_before) != 0) {
		rc = malformed(ctx, name, "validity");
		goto out;
	}
	if ((rc = get_opts(ctx, &r, name, "critical option", &c->critical,
	    &c->ncritical)) != 0 ||
	    (rc = get_opts(ctx, &r, name, "extension", &c->extensions,
	    &c->nextensions)) != 0 ||
	    (rc = check_critical(ctx, c, name)) != 0)
		goto out;
	if (pkit_sshrd_string(&r, &s, &n) != 0) {
		rc = malformed(ctx, name, "reserved");
		goto out;
	}
	if (pkit_sshrd_string(&r, &cakey, &cakeylen) != 0) {
		rc = malformed(ctx, name, "signature key");
		goto out;
	}
	signed_len = len - r.left;
	if (pkit_sshrd_string(&r, &sig, &siglen) != 0) {
		rc = malformed(ctx, name, "signature");
		goto out;
	}
	if (r.left != 0) {
		rc = pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: trailing data after the SSH certificate", name);
		goto out;
	}
	pr.p = cakey;
	pr.left = cakeylen;
	if (pkit_sshrd_string(&pr, &s, &n) == 0 && cert_index(s, n) >= 0) {
		rc = malformed(ctx, name, "the signature key is a "
		    "certificate");
		goto out;
	}
	if ((rc = pkit_sshkey_from_blob(ctx, cakey, cakeylen, name,
	    &c->ca)) != 0)
		goto out;
	if ((rc = pkit_sshkey_verify(ctx, c->ca, sig, siglen, blob,
	    signed_len, name, &c->sig_alg)) != 0)
		goto out;
	if ((c->blob = malloc(len)) == NULL) {
		rc = nomem(ctx);
		goto out;
	}
	memcpy(c->blob, blob, len);
	c->bloblen = len;
	c->signed_len = signed_len;
	*out = c;
	c = NULL;
	rc = PKIT_OK;
out:
	pkit_sshcert_free(c);
	return rc;
}

/* ---- lines ------------------------------------------------------------- */

static const unsigned char *
skip_blank(const unsigned char *p, const unsigned char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	return p;
}

static size_t
token(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n && p[i] != ' ' && p[i] != '\t' && p[i] != '\r'; i++)
		;
	return i;
}

int
pkit_sshcert_is_cert(const unsigned char *data, size_t len)
{
	const unsigned char *end = data + len, *p = skip_blank(data, end);
	size_t n = token(p, (size_t)(end - p));

	return n > strlen(SUFFIX) &&
	    memcmp(p + n - strlen(SUFFIX), SUFFIX, strlen(SUFFIX)) == 0;
}

static int
parse_line(struct pkit_ctx *ctx, const unsigned char *p, size_t n,
    const char *name, struct pkit_sshcert **out, char **comment)
{
	const unsigned char *end = p + n, *t, *b;
	size_t tlen, blen, bloblen = 0;
	unsigned char *blob = NULL;
	struct pkit_sshcert *c = NULL;
	char *cm = NULL;
	int r;

	t = skip_blank(p, end);
	tlen = token(t, (size_t)(end - t));
	if (cert_index(t, tlen) < 0) {
		if (tlen > strlen(SUFFIX) && memcmp(t + tlen - strlen(SUFFIX),
		    SUFFIX, strlen(SUFFIX)) == 0)
			return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED,
			    "%s: SSH certificate type '%.*s' is not "
			    "supported", name, (int)(tlen > 64 ? 64 : tlen),
			    (const char *)t);
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: not an SSH certificate", name);
	}
	b = skip_blank(t + tlen, end);
	if ((blen = token(b, (size_t)(end - b))) == 0)
		return malformed(ctx, name, "no base64 after the type");
	if (pkit_b64_decode(ctx, PKIT_B64_STD, (const char *)b, blen, &blob,
	    &bloblen) != 0)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: bad base64 in the SSH certificate", name);
	if ((r = pkit_sshcert_decode(ctx, blob, bloblen, name, &c)) != 0)
		goto out;
	if (strncmp(pkit_sshcert_type_name(c), (const char *)t, tlen) != 0 ||
	    strlen(pkit_sshcert_type_name(c)) != tlen) {
		r = pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: the line says %.*s but holds a %s", name,
		    (int)tlen, (const char *)t, pkit_sshcert_type_name(c));
		goto out;
	}
	p = skip_blank(b + blen, end);
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\r'))
		end--;
	if (comment != NULL && end > p) {
		if ((cm = strndup((const char *)p, (size_t)(end - p))) ==
		    NULL) {
			r = nomem(ctx);
			goto out;
		}
	}
	*out = c;
	c = NULL;
	if (comment != NULL)
		*comment = cm;
	r = PKIT_OK;
out:
	pkit_sshcert_free(c);
	free(blob);
	return r;
}

int
pkit_sshcert_parse(struct pkit_ctx *ctx, const unsigned char *data,
    size_t len, const char *name, struct pkit_sshcert **out, char **comment)
{
	const unsigned char *p = data, *end = data + len, *nl, *q;
	struct pkit_sshcert *c = NULL;
	char *cm = NULL;
	size_t n;
	int r;

	*out = NULL;
	if (comment != NULL)
		*comment = NULL;
	for (; p < end; p = nl != NULL ? nl + 1 : end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		q = skip_blank(p, p + n);
		if (q == p + n || *q == '#')
			continue;
		if (c != NULL) {
			pkit_sshcert_free(c);
			free(cm);
			return pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "%s: holds more than one line", name);
		}
		if ((r = parse_line(ctx, p, n, name, &c, &cm)) != 0)
			return r;
	}
	if (c == NULL)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "%s: no SSH certificate", name);
	*out = c;
	if (comment != NULL)
		*comment = cm;
	else
		free(cm);
	return PKIT_OK;
}

int
pkit_sshcert_encode(struct pkit_ctx *ctx, const struct pkit_sshcert *c,
    const char *comment, char **out, size_t *len)
{
	char *b64 = NULL, *line;
	const char *type = pkit_sshcert_type_name(c);
	size_t n;
	int r;

	*out = NULL;
	*len = 0;
	if (c->blob == NULL)
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "the SSH certificate is not signed");
	if ((r = pkit_b64_encode(ctx, PKIT_B64_STD, c->blob, c->bloblen,
	    &b64)) != 0)
		return r;
	if (comment != NULL && (*comment == '\0' ||
	    strpbrk(comment, "\r\n") != NULL))
		comment = NULL;
	n = strlen(type) + strlen(b64) + (comment != NULL ?
	    strlen(comment) + 1 : 0) + 3;
	if ((line = malloc(n)) == NULL) {
		free(b64);
		return nomem(ctx);
	}
	snprintf(line, n, "%s %s%s%s\n", type, b64, comment != NULL ? " " : "",
	    comment != NULL ? comment : "");
	free(b64);
	*out = line;
	*len = strlen(line);
	return PKIT_OK;
}

/* ---- checks ------------------------------------------------------------ */

int
pkit_sshcert_verify(struct pkit_ctx *ctx, const struct pkit_sshcert *c,
    EVP_PKEY *ca, const char *name)
{
	struct pkit_sshrd r;
	const unsigned char *sig;
	const char *alg = NULL;
	size_t siglen;
	int rc;

	if (c->blob == NULL || c->ca == NULL)
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "%s: the SSH certificate is not signed", name);
	if (EVP_PKEY_eq(c->ca, ca) != 1)
		return pkit_seterr(ctx, PKIT_ERR_VERIFY,
		    "%s: the certificate was not signed by this CA key", name);
	r.p = c->blob + c->signed_len;
	r.left = c->bloblen - c->signed_len;
	if (pkit_sshrd_string(&r, &sig, &siglen) != 0 || r.left != 0)
		return malformed(ctx, name, "signature");
	if ((rc = pkit_sshkey_verify(ctx, ca, sig, siglen, c->blob,
	    c->signed_len, name, &alg)) != 0)
		return rc;
	if (strcmp(alg, "ssh-rsa") == 0)
		return pkit_seterr(ctx, PKIT_ERR_VERIFY,
		    "%s: the certificate is signed with SHA-1 (ssh-rsa), "
		    "which OpenSSH refuses", name);
	return PKIT_OK;
}

int
pkit_sshcert_check_time(struct pkit_ctx *ctx, const struct pkit_sshcert *c,
    time_t now, const char *name)
{
	char when[32];
	uint64_t t = now < 0 ? 0 : (uint64_t)now;

	if (t < c->valid_after) {
		pkit_time_format((time_t)c->valid_after, when, sizeof(when));
		return pkit_seterr(ctx, PKIT_ERR_EXPIRED,
		    "%s: the certificate is not valid before %s", name, when);
	}
	if (t >= c->valid_before) {
		pkit_time_format((time_t)c->valid_before, when, sizeof(when));
		return pkit_seterr(ctx, PKIT_ERR_EXPIRED,
		    "%s: the certificate expired at %s", name, when);
	}
	return PKIT_OK;
}

/* ---- descriptions ------------------------------------------------------ */

/* A time as ssh-keygen -L writes it, in UTC and marked so. */
static void
cert_time(uint64_t t, char *buf, size_t size)
{
	/* 9999-12-31T23:59:59Z: RFC 3339 has four-digit years. */
	if (t > UINT64_C(253402300799))
		t = UINT64_C(253402300799);
	pkit_time_format((time_t)t, buf, size);
}

static void
print_validity(FILE *f, const struct pkit_sshcert *c)
{
	char from[48], to[48];

	if (c->valid_after == 0 && c->valid_before == PKIT_SSHCERT_FOREVER) {
		fputs("forever", f);
		return;
	}
	cert_time(c->valid_after, from, sizeof(from));
	cert_time(c->valid_before, to, sizeof(to));
	if (c->valid_after == 0)
		fprintf(f, "before %s", to);
	else if (c->valid_before == PKIT_SSHCERT_FOREVER)
		fprintf(f, "after %s", from);
	else
		fprintf(f, "from %s to %s", from, to);
}

static int
is_flag_ext(const char *name)
{
	static const char *const flags[] = {
		"permit-X11-forwarding", "permit-agent-forwarding",
		"permit-port-forwarding", "permit-pty", "permit-user-rc",
		"no-touch-required",
	};
	size_t i;

	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (strcmp(name, flags[i]) == 0)
			return 1;
	return 0;
}

/* The options as ssh-keygen's show_options() prints them. */
static void
print_opts(FILE *f, const struct pkit_sshcert_opt *o, size_t n, int critical)
{
	char *v;
	size_t i, j;

	if (n == 0) {
		fputs(" (none)\n", f);
		return;
	}
	fputc('\n', f);
	for (i = 0; i < n; i++) {
		fprintf(f, "                %s", o[i].name);
		if ((!critical && is_flag_ext(o[i].name)) ||
		    (critical && strcmp(o[i].name, "verify-required") == 0)) {
			fputc('\n', f);
		} else if (critical && (strcmp(o[i].name, "force-command") ==
		    0 || strcmp(o[i].name, "source-address") == 0) &&
		    pkit_sshcert_opt_string(&o[i], &v)) {
			fprintf(f, " %s\n", v);
			free(v);
		} else if (o[i].len > 0) {
			fputs(" UNKNOWN OPTION: ", f);
			for (j = 0; j < o[i].len; j++)
				fprintf(f, "%02x", o[i].data[j]);
			fprintf(f, " (len %zu)\n", o[i].len);
		} else {
			fputs(" UNKNOWN FLAG OPTION\n", f);
		}
	}
}

int
pkit_sshcert_text(struct pkit_ctx *ctx, const struct pkit_sshcert *c,
    const char *name, char **out)
{
	char *fp = NULL, *cafp = NULL, *buf = NULL;
	size_t size = 0, i;
	FILE *f = NULL;
	int r;

	*out = NULL;
	if (c->ca == NULL)
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "the SSH certificate is not signed");
	if ((r = pkit_sshkey_fingerprint(ctx, c->key, &fp)) != 0 ||
	    (r = pkit_sshkey_fingerprint(ctx, c->ca, &cafp)) != 0)
		goto out;
	if ((f = open_memstream(&buf, &size)) == NULL) {
		r = pkit_seterr_sys(ctx, "SSH certificate text");
		goto out;
	}
	fprintf(f, "%s:\n", name);
	fprintf(f, "        Type: %s %s certificate\n",
	    pkit_sshcert_type_name(c), pkit_sshcert_kind(c));
	fprintf(f, "        Public key: %s-CERT %s\n",
	    pkit_sshkey_label(c->key), fp);
	fprintf(f, "        Signing CA: %s %s (using %s)\n",
	    pkit_sshkey_label(c->ca), cafp, c->sig_alg);
	fprintf(f, "        Key ID: \"%s\"\n", c->key_id);
	fprintf(f, "        Serial: %llu\n", (unsigned long long)c->serial);
	fputs("        Valid: ", f);
	print_validity(f, c);
	fputs("\n        Principals:", f);
	if (c->nprincipals == 0)
		fputs(" (none)", f);
	for (i = 0; i < c->nprincipals; i++)
		fprintf(f, "\n                %s", c->principals[i]);
	fputs("\n        Critical Options:", f);
	print_opts(f, c->critical, c->ncritical, 1);
	fputs("        Extensions:", f);
	print_opts(f, c->extensions, c->nextensions, 0);
	if (fclose(f) != 0) {
		f = NULL;
		r = pkit_seterr_sys(ctx, "SSH certificate text");
		goto out;
	}
	f = NULL;
	*out = buf;
	buf = NULL;
	r = PKIT_OK;
out:
	if (f != NULL)
		fclose(f);
	free(buf);
	free(fp);
	free(cafp);
	return r;
}

static json_t *
opts_json(struct pkit_ctx *ctx, const struct pkit_sshcert_opt *o, size_t n)
{
	json_t *obj = json_object();
	char *v, *hex;
	size_t i;

	for (i = 0; obj != NULL && i < n; i++) {
		if (o[i].len == 0) {
			json_object_set_new(obj, o[i].name, json_string(""));
		} else if (pkit_sshcert_opt_string(&o[i], &v)) {
			json_object_set_new(obj, o[i].name, json_string(v));
			free(v);
		} else if (pkit_hex_encode(ctx, o[i].data, o[i].len, 0,
		    &hex) == 0) {
			json_object_set_new(obj, o[i].name, json_string(hex));
			free(hex);
		}
	}
	return obj;
}

int
pkit_sshcert_json(struct pkit_ctx *ctx, const struct pkit_sshcert *c,
    json_t **out)
{
	char *fp = NULL, *cafp = NULL, *sig = NULL, after[48], before[48];
	struct pkit_sshrd r;
	const unsigned char *sb, *alg, *value;
	size_t sblen, alglen, valuelen, i;
	json_t *o = NULL, *pr = NULL, *s = NULL, *serial;
	int rc;

	*out = NULL;
	if (c->ca == NULL)
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "the SSH certificate is not signed");
	r.p = c->blob + c->signed_len;
	r.left = c->bloblen - c->signed_len;
	if (pkit_sshrd_string(&r, &sb, &sblen) != 0)
		return malformed(ctx, "certificate", "signature");
	r.p = sb;
	r.left = sblen;
	if (pkit_sshrd_string(&r, &alg, &alglen) != 0 ||
	    pkit_sshrd_string(&r, &value, &valuelen) != 0)
		return malformed(ctx, "certificate", "signature");
	if ((rc = pkit_sshkey_fingerprint(ctx, c->key, &fp)) != 0 ||
	    (rc = pkit_sshkey_fingerprint(ctx, c->ca, &cafp)) != 0 ||
	    (rc = pkit_b64_encode(ctx, PKIT_B64_STD, value, valuelen,
	    &sig)) != 0)
		goto out;
	cert_time(c->valid_after, after, sizeof(after));
	if (c->valid_before == PKIT_SSHCERT_FOREVER)
		snprintf(before, sizeof(before), "0001-01-01T00:00:00Z");
	else
		cert_time(c->valid_before, before, sizeof(before));
	rc = nomem(ctx);
	if ((pr = json_array()) == NULL)
		goto out;
	for (i = 0; i < c->nprincipals; i++)
		if (json_array_append_new(pr, json_string(c->principals[i])))
			goto out;
	if ((s = json_pack("{s:s%,s:s}", "Type", (const char *)alg, alglen,
	    "Value", sig)) == NULL)
		goto out;
	/* jansson's integers are signed: a serial past 2^63 (step-ca's are
	 * random 64-bit numbers) is written as a decimal string. */
	if (c->serial > (uint64_t)INT64_MAX) {
		char dec[24];

		snprintf(dec, sizeof(dec), "%llu",
		    (unsigned long long)c->serial);
		serial = json_string(dec);
	} else {
		serial = json_integer((json_int_t)c->serial);
	}
	o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:O,s:o,s:s,s:s,s:O,"
	    "s:o,s:o}",
	    "Type", pkit_sshcert_kind(c),
	    "KeyName", pkit_sshcert_type_name(c),
	    "KeyID", c->key_id,
	    "KeyAlgo", pkit_sshkey_label(c->key),
	    "KeyFingerprint", fp,
	    "SigningKeyAlgo", pkit_sshkey_label(c->ca),
	    "SigningKeyFingerprint", cafp,
	    "Signature", s,
	    "Serial", serial,
	    "ValidAfter", after,
	    "ValidBefore", before,
	    "Principals", pr,
	    "CriticalOptions", opts_json(ctx, c->critical, c->ncritical),
	    "Extensions", opts_json(ctx, c->extensions, c->nextensions));
	if (o == NULL)
		goto out;
	*out = o;
	rc = PKIT_OK;
out:
	json_decref(pr);
	json_decref(s);
	free(fp);
	free(cafp);
	free(sig);
	return rc;
}

/* ---- blobs ------------------------------------------------------------- */

int
pkit_sshcert_blob_is_cert(const unsigned char *blob, size_t len)
{
	struct pkit_sshrd r = { blob, len };
	const unsigned char *s;
	size_t n;

	return pkit_sshrd_string(&r, &s, &n) == 0 &&
	    n > strlen(SUFFIX) &&
	    memcmp(s + n - strlen(SUFFIX), SUFFIX, strlen(SUFFIX)) == 0;
}

int
pkit_sshcert_fingerprint(struct pkit_ctx *ctx, const unsigned char *blob,
    size_t len, const char *comment, int enc, int whole, char **out)
{
	struct pkit_sshcert *c = NULL;
	EVP_PKEY *key = NULL;
	unsigned char *kb = NULL;
	size_t kblen = 0;
	char *fp = NULL;
	int cert = pkit_sshcert_blob_is_cert(blob, len), r;

	*out = NULL;
	if (cert) {
		if ((r = pkit_sshcert_decode(ctx, blob, len, "certificate",
		    &c)) != 0)
			return r;
		if (!EVP_PKEY_up_ref(c->key)) {
			r = pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "key");
			goto out;
		}
		key = c->key;
	} else if ((r = pkit_sshkey_from_blob(ctx, blob, len, "key",
	    &key)) != 0) {
		return r;
	}
	if (cert && !whole) {
		if ((r = pkit_sshkey_public_blob(ctx, key, &kb, &kblen)) != 0)
			goto out;
		r = pkit_sshkey_fingerprint_blob(ctx, kb, kblen,
		    (enum pkit_sshfp)enc, &fp);
	} else {
		r = pkit_sshkey_fingerprint_blob(ctx, blob, len,
		    (enum pkit_sshfp)enc, &fp);
	}
	if (r != 0)
		goto out;
	if (asprintf(out, "%d %s %s (%s%s)", pkit_sshkey_bits(key), fp,
	    comment != NULL && *comment != '\0' ? comment : "no comment",
	    pkit_sshkey_label(key), cert ? "-CERT" : "") < 0) {
		*out = NULL;
		r = nomem(ctx);
		goto out;
	}
	r = PKIT_OK;
out:
	pkit_sshcert_free(c);
	EVP_PKEY_free(key);
	free(kb);
	free(fp);
	return r;
}

int
pkit_sshcert_blob_line(struct pkit_ctx *ctx, const unsigned char *blob,
    size_t len, const char *comment, char **out)
{
	struct pkit_sshrd r = { blob, len };
	const unsigned char *s;
	size_t n;
	char *b64 = NULL;
	int rc;

	*out = NULL;
	if (pkit_sshrd_string(&r, &s, &n) != 0 || n == 0 || n > 256 ||
	    memchr(s, '\0', n) != NULL || memchr(s, ' ', n) != NULL)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "malformed SSH key blob");
	if ((rc = pkit_b64_encode(ctx, PKIT_B64_STD, blob, len, &b64)) != 0)
		return rc;
	if (asprintf(out, "%.*s %s%s%s", (int)n, (const char *)s, b64,
	    comment != NULL && *comment != '\0' ? " " : "",
	    comment != NULL ? comment : "") < 0) {
		*out = NULL;
		rc = nomem(ctx);
	}
	free(b64);
	return rc;
}

/* ---- configuration text ------------------------------------------------ */

#define BEGIN_MARK "# BEGIN pkit ssh config"
#define END_MARK "# END pkit ssh config"

static int
key_lines(struct pkit_ctx *ctx, EVP_PKEY *const *keys, size_t nkeys,
    const char *prefix, char **out)
{
	char *buf = NULL;
	unsigned char *line;
	size_t size = 0, len, i;
	FILE *f;
	int r = PKIT_OK;

	*out = NULL;
	if ((f = open_memstream(&buf, &size)) == NULL)
		return pkit_seterr_sys(ctx, "SSH configuration");
	for (i = 0; i < nkeys && r == PKIT_OK; i++) {
		if ((r = pkit_sshkey_public_encode(ctx, keys[i], NULL, &line,
		    &len)) != 0)
			break;
		fprintf(f, "%s%s", prefix, (const char *)line);
		free(line);
	}
	if (fclose(f) != 0 && r == PKIT_OK)
		r = pkit_seterr_sys(ctx, "SSH configuration");
	if (r != PKIT_OK) {
		free(buf);
		return r;
	}
	*out = buf;
	return PKIT_OK;
}

int
pkit_sshconfig_known_hosts(struct pkit_ctx *ctx, EVP_PKEY *const *keys,
    size_t nkeys, const char *pattern, char **out)
{
	char prefix[256];

	if (pattern == NULL)
		pattern = "*";
	if (*pattern == '\0' || strpbrk(pattern, " \t\r\n") != NULL)
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "'%s' is not a known_hosts host pattern", pattern);
	snprintf(prefix, sizeof(prefix), "@cert-authority %s ", pattern);
	return key_lines(ctx, keys, nkeys, prefix, out);
}

int
pkit_sshconfig_keys(struct pkit_ctx *ctx, EVP_PKEY *const *keys,
    size_t nkeys, char **out)
{
	return key_lines(ctx, keys, nkeys, "", out);
}

/* A path for a config file: quoted, and refused if it cannot be. */
static int
check_path(struct pkit_ctx *ctx, const char *path)
{
	if (*path == '\0' || strpbrk(path, "\"\r\n") != NULL)
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "'%s' cannot be written in an ssh configuration file",
		    path);
	return PKIT_OK;
}

static int
format(struct pkit_ctx *ctx, char **out, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
format(struct pkit_ctx *ctx, char **out, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "SSH configuration");
	*out = s;
	return PKIT_OK;
}

int
pkit_sshconfig_client(struct pkit_ctx *ctx, const char *known_hosts,
    char **out)
{
	int r;

	*out = NULL;
	if ((r = check_path(ctx, known_hosts)) != 0)
		return r;
	return format(ctx, out,
	    "Host *\n"
	    "\tUserKnownHostsFile \"%s\" ~/.ssh/known_hosts\n", known_hosts);
}

int
pkit_sshconfig_sshd(struct pkit_ctx *ctx, const char *ca_keys,
    const char *key, const char *cert, char **out)
{
	int r;

	*out = NULL;
	if ((r = check_path(ctx, ca_keys)) != 0 ||
	    (r = check_path(ctx, key)) != 0 ||
	    (r = check_path(ctx, cert)) != 0)
		return r;
	return format(ctx, out,
	    "TrustedUserCAKeys \"%s\"\n"
	    "HostKey \"%s\"\n"
	    "HostCertificate \"%s\"\n", ca_keys, key, cert);
}

/* The offset of the line that is exactly mark, or -1. */
static long
find_mark(const char *s, size_t len, const char *mark, size_t from)
{
	size_t n = strlen(mark), i = from, e;

	while (i < len) {
		const char *nl = memchr(s + i, '\n', len - i);

		e = nl != NULL ? (size_t)(nl - s) : len;
		if (e - i == n && memcmp(s + i, mark, n) == 0)
			return (long)i;
		i = e + 1;
	}
	return -1;
}

int
pkit_sshconfig_merge(struct pkit_ctx *ctx, const char *old, size_t oldlen,
    const char *block, char **out)
{
	long b, e;
	size_t blen = strlen(block), after;
	const char *nl = blen > 0 && block[blen - 1] == '\n' ? "" : "\n";

	*out = NULL;
	if ((b = find_mark(old, oldlen, BEGIN_MARK, 0)) < 0) {
		return format(ctx, out, "%s\n%s%s%s\n%s%.*s", BEGIN_MARK,
		    block, nl, END_MARK, oldlen > 0 ? "\n" : "",
		    (int)oldlen, old);
	}
	if ((e = find_mark(old, oldlen, END_MARK, (size_t)b)) < 0)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "the file has a '%s' line without its '%s' line",
		    BEGIN_MARK, END_MARK);
	after = (size_t)e + strlen(END_MARK);
	if (after < oldlen && old[after] == '\n')
		after++;
	return format(ctx, out, "%.*s%s\n%s%s%s\n%.*s", (int)b, old,
	    BEGIN_MARK, block, nl, END_MARK, (int)(oldlen - after),
	    old + after);
}

int
pkit_sshconfig_prepend(struct pkit_ctx *ctx, const char *old, size_t oldlen,
    const char *line, char **out)
{
	size_t n = strlen(line), i = 0, e, len = 0;
	const char *nl;
	char *s;

	*out = NULL;
	if (strchr(line, '\n') != NULL)
		return pkit_seterr(ctx, PKIT_ERR_ARG, "a prepended line has "
		    "a newline in it");
	if ((s = malloc(n + 1 + oldlen + 2)) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "SSH configuration");
	memcpy(s, line, n);
	len = n;
	s[len++] = '\n';
	while (i < oldlen) {
		nl = memchr(old + i, '\n', oldlen - i);
		e = nl != NULL ? (size_t)(nl - old) : oldlen;
		if (e - i != n || memcmp(old + i, line, n) != 0) {
			memcpy(s + len, old + i, e - i);
			len += e - i;
			s[len++] = '\n';
		}
		i = e + 1;
	}
	s[len] = '\0';
	*out = s;
	return PKIT_OK;
}

/* api_static.c - step-ca's read-only routes: health, version, roots,
 * intermediates, federation and provisioners (research/step-ca-api.md §1).
 *
 * Everything these routes return depends only on ca.json and the files it
 * names, so the answers are rendered once per loaded configuration, in an
 * extension of the server (see server.h), and a request only picks one.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "lib/ca/server.h"
#include "lib/codec.h"

/* step-ca's provisioner paging (provisioner.Collection.Find). */
#define PAGE_DEFAULT 20
#define PAGE_MAX 100

struct blob {
	char *data;
	size_t len;
};

struct root_ent {
	char fp[65];
	struct blob json;	/* {"ca":"<PEM>"} */
};

struct prov_ent {
	char uid[41];		/* the sort key that cursors point at */
	json_t *json;		/* as listed (secrets redacted) */
};

struct key_ent {
	const char *kid;	/* points into the configuration */
	struct blob json;	/* {"key":"<JWE>"} */
};

struct rendered {
	struct blob health, version, roots, roots_pem, federation;
	struct blob intermediates, intermediates_pem;
	struct root_ent *byfp;
	size_t nbyfp;
	struct prov_ent *provs;
	size_t nprovs;
	struct key_ent *keys;
	size_t nkeys;
};

/* Compact JSON with the newline Go's json.Encoder adds; takes doc. */
static int
render(struct pkit_ctx *ctx, json_t *doc, struct blob *out)
{
	char *s;
	size_t len;

	if (doc == NULL)
		return pkit_seterr_nomem(ctx);
	s = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	if (s == NULL)
		return pkit_seterr_nomem(ctx);
	len = strlen(s);
	/* json_dumps leaves room for the NUL: it becomes the newline. */
	s[len] = '\n';
	out->data = s;
	out->len = len + 1;
	return PKIT_OK;
}

static int
pem_of(struct pkit_ctx *ctx, X509 *crt, char **out)
{
	BIO *bio;
	BUF_MEM *mem;
	int r = PKIT_OK;

	*out = NULL;
	if ((bio = BIO_new(BIO_s_mem())) == NULL || !PEM_write_bio_X509(bio, crt)) {
		BIO_free(bio);
		return pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "PEM encoding");
	}
	BIO_get_mem_ptr(bio, &mem);
	if ((*out = strndup(mem->data, mem->length)) == NULL)
		r = pkit_seterr_nomem(ctx);
	BIO_free(bio);
	return r;
}

static int
fingerprint(struct pkit_ctx *ctx, X509 *crt, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	char *hex = NULL;
	int r;

	if (!X509_digest(crt, EVP_sha256(), md, &len))
		return pkit_seterr_ssl(ctx, PKIT_ERR_CRYPTO, "fingerprint");
	if ((r = pkit_hex_encode(ctx, md, len, 0, &hex)) != 0)
		return r;
	snprintf(out, 65, "%s", hex);
	free(hex);
	return PKIT_OK;
}

/* {"crts":[PEM...]} and the PEMs concatenated, of a and then b (skipping
 * certificates already listed). */
static int
render_certs(struct pkit_ctx *ctx, STACK_OF(X509) *a, STACK_OF(X509) *b,
    struct blob *json, struct blob *pem)
{
	json_t *crts = json_array();
	char *p = NULL, *all = NULL, *grown;
	size_t len = 0;
	int i, j, n = sk_X509_num(a) + (b != NULL ? sk_X509_num(b) : 0);
	int r = PKIT_OK, dup;

	if (crts == NULL)
		return pkit_seterr_nomem(ctx);
	for (i = 0; i < n; i++) {
		X509 *c = i < sk_X509_num(a) ? sk_X509_value(a, i) :
		    sk_X509_value(b, i - sk_X509_num(a));

		for (j = 0, dup = 0; j < i && !dup; j++)
			dup = X509_cmp(c, j < sk_X509_num(a) ?
			    sk_X509_value(a, j) :
			    sk_X509_value(b, j - sk_X509_num(a))) == 0;
		if (dup)
			continue;
		if ((r = pem_of(ctx, c, &p)) != 0)
			goto out;
		if (json_array_append_new(crts, json_string(p)) != 0) {
			r = pkit_seterr_nomem(ctx);
			goto out;
		}
		if (pem != NULL) {
			if ((grown = realloc(all, len + strlen(p) + 1)) == NULL) {
				r = pkit_seterr_nomem(ctx);
				goto out;
			}
			all = grown;
			memcpy(all + len, p, strlen(p) + 1);
			len += strlen(p);
		}
		free(p);
		p = NULL;
	}
	if ((r = render(ctx, json_pack("{s:O}", "crts", crts), json)) != 0)
		goto out;
	if (pem != NULL) {
		pem->data = all != NULL ? all : strdup("");
		pem->len = len;
		all = NULL;
		if (pem->data == NULL)
			r = pkit_seterr_nomem(ctx);
	}
out:
	free(p);
	free(all);
	json_decref(crts);
	return r;
}

/* The listed form of a provisioner: as in ca.json, with SCEP's secrets
 * redacted as step-ca redacts them. */
static json_t *
listed(const struct pkit_ca_provisioner *p)
{
	static const char *const secret[] = { "challenge",
	    "decrypterKeyPassword" };
	json_t *o = json_deep_copy(p->json), *v;
	size_t i;

	if (o == NULL || strcmp(p->type, "SCEP") != 0)
		return o;
	for (i = 0; i < sizeof(secret) / sizeof(secret[0]); i++) {
		v = json_object_get(o, secret[i]);
		if (json_is_string(v) && json_string_length(v) > 0)
			json_object_set_new(o, secret[i],
			    json_string("*** REDACTED ***"));
	}
	return o;
}

/* step-ca's sort key: the SHA-1 of the provisioner id with its first four
 * bytes replaced by the position (big-endian), in hex. */
static void
provisioner_uid(const struct pkit_ca_provisioner *p, size_t idx, char uid[41])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0, i;

	memset(md, 0, sizeof(md));
	EVP_Digest(p->id, strlen(p->id), md, &len, EVP_sha1(), NULL);
	md[0] = (unsigned char)(idx >> 24);
	md[1] = (unsigned char)(idx >> 16);
	md[2] = (unsigned char)(idx >> 8);
	md[3] = (unsigned char)idx;
	for (i = 0; i < 20; i++)
		snprintf(uid + 2 * i, 3, "%02x", md[i]);
}

static void
rendered_free(void *state)
{
	struct rendered *st = state;
	size_t i;

	if (st == NULL)
		return;
	free(st->health.data);
	free(st->version.data);
	free(st->roots.data);
	free(st->roots_pem.data);
	free(st->federation.data);
	free(st->intermediates.data);
	free(st->intermediates_pem.data);
	for (i = 0; i < st->nbyfp; i++)
		free(st->byfp[i].json.data);
	free(st->byfp);
	for (i = 0; i < st->nprovs; i++)
		json_decref(st->provs[i].json);
	free(st->provs);
	for (i = 0; i < st->nkeys; i++)
		free(st->keys[i].json.data);
	free(st->keys);
	free(st);
}

static int
rendered_load(struct pkit_ctx *ctx, void *arg, const struct pkit_ca_pki *pki,
    void **state)
{
	const struct pkit_ca_config *cfg = pki->cfg;
	struct rendered *st;
	char *p = NULL;
	size_t i, n;
	int r;

	(void)arg;
	*state = NULL;
	if ((st = calloc(1, sizeof(*st))) == NULL)
		return pkit_seterr_nomem(ctx);
	if ((r = render(ctx, json_pack("{s:s}", "status", "ok"),
	    &st->health)) != 0 ||
	    (r = render(ctx, json_pack("{s:s}", "version", PACKAGE_VERSION),
	    &st->version)) != 0 ||
	    (r = render_certs(ctx, pki->roots, NULL, &st->roots,
	    &st->roots_pem)) != 0 ||
	    (r = render_certs(ctx, pki->roots, pki->federated, &st->federation,
	    NULL)) != 0 ||
	    (r = render_certs(ctx, pki->intermediates, NULL,
	    &st->intermediates, &st->intermediates_pem)) != 0)
		goto out;
	/* /root/{sha} finds roots and federated roots. */
	n = (size_t)sk_X509_num(pki->roots) + (size_t)sk_X509_num(pki->federated);
	if ((st->byfp = calloc(n, sizeof(*st->byfp))) == NULL) {
		r = pkit_seterr_nomem(ctx);
		goto out;
	}
	for (i = 0; i < n; i++, st->nbyfp++) {
		X509 *c = i < (size_t)sk_X509_num(pki->roots) ?
		    sk_X509_value(pki->roots, (int)i) :
		    sk_X509_value(pki->federated,
		    (int)(i - (size_t)sk_X509_num(pki->roots)));

		if ((r = fingerprint(ctx, c, st->byfp[i].fp)) != 0 ||
		    (r = pem_of(ctx, c, &p)) != 0 ||
		    (r = render(ctx, json_pack("{s:s}", "ca", p),
		    &st->byfp[i].json)) != 0)
			goto out;
		free(p);
		p = NULL;
	}
	if (cfg->nprovisioners > 0 &&
	    ((st->provs = calloc(cfg->nprovisioners, sizeof(*st->provs))) == NULL ||
	    (st->keys = calloc(cfg->nprovisioners, sizeof(*st->keys))) == NULL)) {
		r = pkit_seterr_nomem(ctx);
		goto out;
	}
	for (i = 0; i < cfg->nprovisioners; i++) {
		const struct pkit_ca_provisioner *pv = &cfg->provisioners[i];

		provisioner_uid(pv, i, st->provs[i].uid);
		if ((st->provs[i].json = listed(pv)) == NULL) {
			r = pkit_seterr_nomem(ctx);
			goto out;
		}
		st->nprovs++;
		if (pv->kid == NULL || pv->encrypted_key == NULL)
			continue;
		st->keys[st->nkeys].kid = pv->kid;
		if ((r = render(ctx, json_pack("{s:s}", "key", pv->encrypted_key),
		    &st->keys[st->nkeys].json)) != 0)
			goto out;
		st->nkeys++;
	}
	*state = st;
	st = NULL;
	r = PKIT_OK;
out:
	free(p);
	rendered_free(st);
	return r;
}

static const struct pkit_ca_ext rendered_ext = {
	"static", rendered_load, rendered_free
};

static struct rendered *
state(struct pkit_ca_req *req, void *arg)
{
	return pkit_ca_req_ext(req, (int)(intptr_t)arg);
}

static void
send_json(struct pkit_ca_req *req, int status, const struct blob *b)
{
	pkit_ca_reply(req, status, "application/json", b->data, b->len);
}

static int
h_health(struct pkit_ca_req *req, void *arg)
{
	send_json(req, 200, &state(req, arg)->health);
	return PKIT_CA_DONE;
}

static int
h_version(struct pkit_ca_req *req, void *arg)
{
	send_json(req, 200, &state(req, arg)->version);
	return PKIT_CA_DONE;
}

/* GET /root/{sha}: the sha is lowercased and its dashes dropped. */
static int
h_root(struct pkit_ca_req *req, void *arg)
{
	struct rendered *st = state(req, arg);
	const char *sha = pkit_ca_req_param(req, "sha");
	char sum[65];
	size_t i, n = 0;

	for (; *sha != '\0'; sha++) {
		if (*sha == '-')
			continue;
		if (n == sizeof(sum) - 1)
			goto notfound;
		sum[n++] = (char)(*sha >= 'A' && *sha <= 'Z' ? *sha + 32 : *sha);
	}
	sum[n] = '\0';
	for (i = 0; i < st->nbyfp; i++)
		if (strcmp(st->byfp[i].fp, sum) == 0) {
			send_json(req, 200, &st->byfp[i].json);
			return PKIT_CA_DONE;
		}
notfound:
	pkit_ca_req_log(req, "error", "root certificate with fingerprint %s "
	    "was not found", pkit_ca_req_param(req, "sha"));
	pkit_ca_reply_error(req, 404, NULL);
	return PKIT_CA_DONE;
}

static int
h_roots(struct pkit_ca_req *req, void *arg)
{
	send_json(req, 201, &state(req, arg)->roots);
	return PKIT_CA_DONE;
}

static int
h_roots_pem(struct pkit_ca_req *req, void *arg)
{
	struct rendered *st = state(req, arg);

	pkit_ca_reply(req, 200, "application/x-pem-file", st->roots_pem.data,
	    st->roots_pem.len);
	return PKIT_CA_DONE;
}

static int
h_intermediates(struct pkit_ca_req *req, void *arg)
{
	struct rendered *st = state(req, arg);

	if (st->intermediates_pem.len == 0) {
		pkit_ca_reply_error(req, 501, NULL);
		return PKIT_CA_DONE;
	}
	send_json(req, 201, &st->intermediates);
	return PKIT_CA_DONE;
}

static int
h_intermediates_pem(struct pkit_ca_req *req, void *arg)
{
	struct rendered *st = state(req, arg);

	if (st->intermediates_pem.len == 0) {
		pkit_ca_reply_error(req, 501, NULL);
		return PKIT_CA_DONE;
	}
	pkit_ca_reply(req, 200, "application/x-pem-file",
	    st->intermediates_pem.data, st->intermediates_pem.len);
	return PKIT_CA_DONE;
}

static int
h_federation(struct pkit_ca_req *req, void *arg)
{
	send_json(req, 201, &state(req, arg)->federation);
	return PKIT_CA_DONE;
}

/* Go's strconv.Atoi: an optional sign and decimal digits, in range. */
static int
atoi_go(const char *s, long long *out)
{
	long long v = 0;
	int neg = 0;

	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (INT64_MAX - (*s - '0')) / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	*out = neg ? -v : v;
	return 0;
}

/* GET /provisioners?cursor=&limit=: step-ca's Find(cursor, limit). */
static int
h_provisioners(struct pkit_ca_req *req, void *arg)
{
	struct rendered *st = state(req, arg);
	const char *cursor = pkit_ca_req_query(req, "cursor");
	const char *lim = pkit_ca_req_query(req, "limit");
	char padded[64], next[41];
	const char *nc = "";
	long long limit = 0;
	json_t *list;
	size_t i, k, clen;

	if (lim != NULL && *lim != '\0' && atoi_go(lim, &limit) != 0) {
		pkit_ca_reply_error(req, 400, "limit '%s' is not an integer", lim);
		return PKIT_CA_DONE;
	}
	if (limit <= 0)
		limit = PAGE_DEFAULT;
	else if (limit > PAGE_MAX)
		limit = PAGE_MAX;
	/* Go's fmt.Sprintf("%040s", cursor) pads with zeros on the left. */
	if (cursor == NULL)
		cursor = "";
	clen = strlen(cursor);
	if (clen < 40) {
		memset(padded, '0', 40 - clen);
		snprintf(padded + 40 - clen, sizeof(padded) - (40 - clen), "%s",
		    cursor);
		cursor = padded;
	}
	for (i = 0; i < st->nprovs && strcmp(st->provs[i].uid, cursor) < 0; i++)
		;
	if ((list = json_array()) == NULL) {
		pkit_ca_reply_error(req, 500, NULL);
		return PKIT_CA_DONE;
	}
	for (k = 0; i < st->nprovs && k < (size_t)limit; i++, k++)
		json_array_append(list, st->provs[i].json);
	if (i < st->nprovs) {
		snprintf(next, sizeof(next), "%s", st->provs[i].uid);
		for (nc = next; *nc == '0'; nc++)
			;
	}
	pkit_ca_reply_json(req, 200, json_pack("{s:o,s:s}", "provisioners",
	    list, "nextCursor", nc));
	return PKIT_CA_DONE;
}

static int
h_encrypted_key(struct pkit_ca_req *req, void *arg)
{
	struct rendered *st = state(req, arg);
	const char *kid = pkit_ca_req_param(req, "kid");
	size_t i;

	for (i = 0; i < st->nkeys; i++)
		if (strcmp(st->keys[i].kid, kid) == 0) {
			send_json(req, 200, &st->keys[i].json);
			return PKIT_CA_DONE;
		}
	pkit_ca_req_log(req, "error", "encrypted key with kid %s was not found",
	    kid);
	pkit_ca_reply_error(req, 404, NULL);
	return PKIT_CA_DONE;
}

int
pkit_ca_api_static(struct pkit_ctx *ctx, struct pkit_ca_server *srv)
{
	static const struct {
		const char *pattern;
		pkit_ca_handler fn;
	} routes[] = {
		{ "/version", h_version },
		{ "/health", h_health },
		{ "/root/{sha}", h_root },
		{ "/provisioners", h_provisioners },
		{ "/provisioners/{kid}/encrypted-key", h_encrypted_key },
		{ "/roots", h_roots },
		{ "/roots.pem", h_roots_pem },
		{ "/intermediates", h_intermediates },
		{ "/intermediates.pem", h_intermediates_pem },
		{ "/federation", h_federation },
	};
	size_t i;
	int id, r;

	if ((r = pkit_ca_server_extend(srv, &rendered_ext, NULL, &id)) != 0)
		return pkit_seterr(ctx, r, "registering the read-only routes");
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if ((r = pkit_ca_server_route(srv, "GET", routes[i].pattern, 0,
		    routes[i].fn, (void *)(intptr_t)id)) != 0)
			return pkit_seterr(ctx, r, "registering %s",
			    routes[i].pattern);
	return PKIT_OK;
}

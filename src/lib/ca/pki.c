/* pki.c - `pkit ca init`: make a PKI in step's layout (see pki.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "lib/ca/ca_config.h"
#include "lib/ca/pki.h"
#include "lib/codec.h"
#include "lib/fs.h"
#include "lib/jwk.h"
#include "lib/secret.h"
#include "lib/sshkey.h"
#include "lib/x509.h"
#include "lib/x509_build.h"

#define PKI_VALIDITY (3650L * 24 * 3600)	/* step: 10 years */

static const char *const tls_suites[] = {
	"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
	"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
};

static char *
join(const char *base, const char *rel)
{
	char *s;

	if (asprintf(&s, "%s/%s", base, rel) == -1)
		return NULL;
	return s;
}

int
pkit_ca_pki_files(struct pkit_ctx *ctx, const char *base, int pki_only,
    int own_root, char ***out)
{
	static const char *const rel[] = { "certs/root_ca.crt",
	    "secrets/root_ca_key", "certs/intermediate_ca.crt",
	    "secrets/intermediate_ca_key", "config/ca.json",
	    "config/defaults.json" };
	char **v;
	size_t i, n = 0;

	*out = NULL;
	if ((v = calloc(sizeof(rel) / sizeof(rel[0]) + 1, sizeof(*v))) == NULL)
		return pkit_seterr_nomem(ctx);
	for (i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		if ((pki_only && strncmp(rel[i], "config/", 7) == 0) ||
		    (own_root && strcmp(rel[i], "secrets/root_ca_key") == 0))
			continue;
		if ((v[n++] = join(base, rel[i])) == NULL) {
			pkit_ca_pki_files_free(v);
			return pkit_seterr_nomem(ctx);
		}
	}
	*out = v;
	return PKIT_OK;
}

void
pkit_ca_pki_files_free(char **files)
{
	size_t i;

	for (i = 0; files != NULL && files[i] != NULL; i++)
		free(files[i]);
	free(files);
}

int
pkit_ca_pki_url(struct pkit_ctx *ctx, const char *dns, const char *address,
    char **out)
{
	const char *port = strrchr(address, ':');
	int v6 = strchr(dns, ':') != NULL && dns[0] != '[';
	int n;

	*out = NULL;
	if (port == NULL || strcmp(port + 1, "443") == 0 || port[1] == '\0')
		port = "";
	n = asprintf(out, "https://%s%s%s%s", v6 ? "[" : "", dns, v6 ? "]" : "",
	    port);
	if (n == -1) {
		*out = NULL;
		return pkit_seterr_nomem(ctx);
	}
	return PKIT_OK;
}

/* A CA certificate from step's root or intermediate template. */
static int
make_ca(struct pkit_ctx *ctx, const char *name, const char *suffix,
    const char *tmpl, EVP_PKEY *pub, X509 *issuer, EVP_PKEY *key,
    X509 **out)
{
	struct pkit_x509_issue in;
	json_t *subject, *data = NULL, *t = NULL;
	char cn[512];
	int r;

	snprintf(cn, sizeof(cn), "%s %s", name, suffix);
	if ((subject = json_pack("{s:s,s:[s]}", "commonName", cn,
	    "organization", name)) == NULL)
		return pkit_seterr_nomem(ctx);
	if ((r = pkit_x509_template_data(ctx, subject, NULL, NULL, NULL,
	    &data)) != 0 ||
	    (r = pkit_x509_render(ctx, tmpl, strlen(tmpl), cn, data, &t)) != 0)
		goto out;
	memset(&in, 0, sizeof(in));
	in.tmpl = t;
	in.tmpl_name = cn;
	in.pub = pub;
	in.issuer = issuer;
	in.key = key;
	in.not_before = pkit_now(ctx);
	in.not_after = in.not_before + PKI_VALIDITY;
	r = pkit_x509_issue(ctx, &in, out);
out:
	json_decref(data);
	json_decref(t);
	return r;
}

/* The provisioner key: EC P-256, ES256, its thumbprint as kid, as step's
 * jose.GenerateDefaultKeyPair(); *pub is the public JWK, *enc the private
 * one encrypted for ca.json. */
static int
make_provisioner(struct pkit_ctx *ctx, const struct pkit_ca_pki_opts *o,
    json_t **pub, char **enc, char **kid)
{
	struct pkit_jwk_spec spec = { "EC", "P-256", 0, 0, 0 };
	json_t *jwk = NULL, *ord = NULL, *p = NULL, *pord = NULL;
	char *tp = NULL;
	int r;

	*pub = NULL;
	*enc = NULL;
	*kid = NULL;
	if ((r = pkit_jwk_generate(ctx, &spec, &jwk)) != 0 ||
	    (r = pkit_jwk_thumbprint(ctx, jwk, &tp)) != 0)
		goto out;
	if (json_object_set_new(jwk, "use", json_string("sig")) != 0 ||
	    json_object_set_new(jwk, "alg", json_string("ES256")) != 0 ||
	    json_object_set_new(jwk, "kid", json_string(tp)) != 0) {
		r = pkit_seterr_nomem(ctx);
		goto out;
	}
	if ((r = pkit_jwk_ordered(ctx, jwk, &ord)) != 0 ||
	    (r = pkit_jwk_public(ctx, ord, &p)) != 0 ||
	    (r = pkit_jwk_ordered(ctx, p, &pord)) != 0 ||
	    (r = pkit_jwk_encrypt(ctx, ord, o->prov_password, o->p2c, 1,
	    enc)) != 0)
		goto out;
	*pub = pord;
	pord = NULL;
	*kid = tp;
	tp = NULL;
out:
	free(tp);
	pkit_jwk_free(jwk);
	pkit_jwk_free(ord);
	json_decref(p);
	json_decref(pord);
	return r;
}

int
pkit_ca_pki_provisioner_key(struct pkit_ctx *ctx, const char *password,
    long p2c, json_t **pub, char **enc, char **kid)
{
	struct pkit_ca_pki_opts o;

	memset(&o, 0, sizeof(o));
	o.prov_password = password;
	o.p2c = p2c;
	return make_provisioner(ctx, &o, pub, enc, kid);
}

/* ca.json as step ca init writes it, in Go's field order. */
static json_t *
ca_doc(const struct pkit_ca_pki_opts *o, const struct pkit_ca_pki_result *res,
    json_t *key, const char *enc, const char *db_type)
{
	json_t *doc, *dns, *provs, *suites, *db;
	size_t i;

	if ((dns = json_array()) == NULL || (suites = json_array()) == NULL) {
		json_decref(dns);
		return NULL;
	}
	for (i = 0; i < o->ndns; i++)
		json_array_append_new(dns, json_string(o->dns[i]));
	for (i = 0; i < sizeof(tls_suites) / sizeof(tls_suites[0]); i++)
		json_array_append_new(suites, json_string(tls_suites[i]));
	provs = json_pack("[{s:s,s:s,s:O,s:s}]", "type", "JWK", "name",
	    o->provisioner, "key", key, "encryptedKey", enc);
	/* --ssh: step's enableSSHCA claim and its SSHPOP provisioner */
	if (provs != NULL && o->ssh && (json_object_set_new(json_array_get(
	    provs, 0), "claims", json_pack("{s:b}", "enableSSHCA", 1)) != 0 ||
	    json_array_append_new(provs, json_pack("{s:s,s:s,s:{s:b}}", "type",
	    "SSHPOP", "name", "sshpop", "claims", "enableSSHCA", 1)) != 0)) {
		json_decref(provs);
		provs = NULL;
	}
	if (provs != NULL && o->acme)
		json_array_append_new(provs, json_pack("{s:s,s:s}", "type",
		    "ACME", "name", "acme"));
	db = json_pack("{s:s,s:s}", "type", db_type, "dataSource", res->db);
	doc = json_pack("{s:s,s:n,s:s,s:s,s:s,s:s,s:o}", "root", res->root_crt,
	    "federatedRoots", "crt", res->int_crt, "key", res->int_key,
	    "address", o->address != NULL ? o->address : ":443",
	    "insecureAddress", "", "dnsNames", dns);
	if (doc == NULL || provs == NULL || db == NULL) {
		json_decref(doc);
		json_decref(provs);
		json_decref(db);
		json_decref(suites);
		return NULL;
	}
	if (res->ssh_host_key != NULL && res->ssh_user_key != NULL)
		json_object_set_new(doc, "ssh", json_pack("{s:s,s:s}",
		    "hostKey", res->ssh_host_key, "userKey", res->ssh_user_key));
	else if (o->ssh_host_key != NULL && o->ssh_user_key != NULL)
		json_object_set_new(doc, "ssh", json_pack("{s:s,s:s}",
		    "hostKey", o->ssh_host_key, "userKey", o->ssh_user_key));
	json_object_set_new(doc, "logger", json_pack("{s:s}", "format", "text"));
	json_object_set_new(doc, "db", db);
	json_object_set_new(doc, "authority", json_pack("{s:o}", "provisioners",
	    provs));
	json_object_set_new(doc, "tls", json_pack("{s:o,s:f,s:f,s:b}",
	    "cipherSuites", suites, "minVersion", 1.2, "maxVersion", 1.3,
	    "renegotiation", 0));
	return doc;
}

/* A JSON document indented with tabs, as Go's MarshalIndent(v, "", "\t"). */
static int
dump_tabs(struct pkit_ctx *ctx, const json_t *doc, char **out, size_t *len)
{
	char *s, *t;
	size_t i, j, n;
	int bol;

	*out = NULL;
	if ((s = json_dumps(doc, JSON_INDENT(1) | JSON_REAL_PRECISION(15))) ==
	    NULL)
		return pkit_seterr_nomem(ctx);
	n = strlen(s);
	if ((t = malloc(n + 1)) == NULL) {
		free(s);
		return pkit_seterr_nomem(ctx);
	}
	for (i = j = 0, bol = 1; i < n; i++) {
		if (bol && s[i] == ' ') {
			t[j++] = '\t';
			continue;
		}
		bol = s[i] == '\n';
		t[j++] = s[i];
	}
	t[j] = '\0';
	free(s);
	*out = t;
	*len = j;
	return PKIT_OK;
}

/* One file to write. */
struct out {
	char *path;
	unsigned char *data;
	size_t len;
	int secret;
	int written;
};

static void
outs_free(struct out *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (v[i].secret)
			pkit_secret_free(v[i].data, v[i].len);
		else
			free(v[i].data);
		free(v[i].path);
	}
}

static int
add_out(struct pkit_ctx *ctx, struct out *v, size_t *n, const char *path,
    unsigned char *data, size_t len, int secret)
{
	if ((v[*n].path = strdup(path)) == NULL) {
		if (secret)
			pkit_secret_free(data, len);
		else
			free(data);
		return pkit_seterr_nomem(ctx);
	}
	v[*n].data = data;
	v[*n].len = len;
	v[*n].secret = secret;
	(*n)++;
	return PKIT_OK;
}

static int
cert_pem(struct pkit_ctx *ctx, X509 *crt, unsigned char **out, size_t *len)
{
	return pkit_x509_encode(ctx, crt, PKIT_KEY_PEM, out, len);
}

static int
set_path(struct pkit_ctx *ctx, const char *base, const char *rel, char **out)
{
	if ((*out = join(base, rel)) == NULL)
		return pkit_seterr_nomem(ctx);
	return PKIT_OK;
}

static int
is_pg(const char *dsn)
{
	return strncmp(dsn, "postgres://", 11) == 0 ||
	    strncmp(dsn, "postgresql://", 13) == 0;
}

/* --ssh: an SSH CA key (EC P-256, as step makes them), its private key
 * encrypted like the CA keys at secrets/<name> and its public key as an
 * authorized_keys line at certs/<name>.pub. */
static int
make_ssh_key(struct pkit_ctx *ctx, const struct pkit_ca_pki_opts *o,
    const char *name, char **key_path, char **pub_path, struct out *outs,
    size_t *nouts)
{
	struct pkit_keyspec spec;
	EVP_PKEY *key = NULL;
	unsigned char *buf = NULL;
	char rel[64];
	size_t len = 0;
	int r;

	memset(&spec, 0, sizeof(spec));
	spec.kty = "EC";
	spec.crv = "P-256";
	snprintf(rel, sizeof(rel), "secrets/%s", name);
	if ((r = set_path(ctx, o->base, rel, key_path)) != 0)
		return r;
	snprintf(rel, sizeof(rel), "certs/%s.pub", name);
	if ((r = set_path(ctx, o->base, rel, pub_path)) != 0 ||
	    (r = pkit_key_generate(ctx, &spec, &key)) != 0)
		return r;
	if ((r = pkit_key_private_encode(ctx, key, PKIT_KEY_PEM, o->password,
	    &buf, &len)) != 0 ||
	    (r = add_out(ctx, outs, nouts, *key_path, buf, len, 1)) != 0 ||
	    (r = pkit_sshkey_public_encode(ctx, key, NULL, &buf, &len)) != 0 ||
	    (r = add_out(ctx, outs, nouts, *pub_path, buf, len, 0)) != 0)
		goto out;
	r = PKIT_OK;
out:
	EVP_PKEY_free(key);
	return r;
}

int
pkit_ca_pki_init(struct pkit_ctx *ctx, const struct pkit_ca_pki_opts *o,
    struct pkit_ca_pki_result *res)
{
	struct pkit_ca_config *cfg = NULL;
	struct out outs[12];
	size_t nouts = 0, i, len;
	EVP_PKEY *rkey = NULL, *ikey = NULL;
	X509 *root = NULL, *inter = NULL;
	json_t *pub = NULL, *doc = NULL, *defs = NULL;
	unsigned char md[EVP_MAX_MD_SIZE], *buf = NULL;
	size_t mdlen = 0;
	char *enc = NULL, *hex = NULL, *text = NULL, *url = NULL, *dir;
	const char *db_type = "sqlite";
	unsigned wflags = o->force ? PKIT_WRITE_FORCE : 0;
	int r;

	memset(res, 0, sizeof(*res));
	memset(outs, 0, sizeof(outs));
	if (o->ndns == 0 && !o->pki_only)
		return pkit_seterr(ctx, PKIT_ERR_ARG, "at least one DNS name "
		    "or IP address is needed");
	/* the keys and certificates */
	if (o->root != NULL) {
		if ((r = pkit_x509_check_issuer(ctx, o->root, "the root", 1,
		    0)) != 0 || (r = pkit_x509_check_key(ctx, o->root,
		    o->root_key, "the root", "the root key")) != 0)
			goto out;
		root = o->root;
		rkey = o->root_key;
		X509_up_ref(root);
		EVP_PKEY_up_ref(rkey);
	} else if ((r = pkit_key_generate(ctx, &o->spec, &rkey)) != 0 ||
	    (r = make_ca(ctx, o->name, "Root CA", pkit_x509_tmpl_root, rkey,
	    NULL, rkey, &root)) != 0)
		goto out;
	if ((r = pkit_key_generate(ctx, &o->spec, &ikey)) != 0 ||
	    (r = make_ca(ctx, o->name, "Intermediate CA",
	    pkit_x509_tmpl_intermediate, ikey, root, rkey, &inter)) != 0 ||
	    (r = pkit_x509_fingerprint(ctx, root, "sha256", md, &mdlen)) != 0 ||
	    (r = pkit_hex_encode(ctx, md, mdlen, 0, &hex)) != 0)
		goto out;
	snprintf(res->fingerprint, sizeof(res->fingerprint), "%s", hex);
	if ((r = set_path(ctx, o->base, "certs/root_ca.crt",
	    &res->root_crt)) != 0 ||
	    (r = set_path(ctx, o->base, "certs/intermediate_ca.crt",
	    &res->int_crt)) != 0 ||
	    (r = set_path(ctx, o->base, "secrets/intermediate_ca_key",
	    &res->int_key)) != 0 ||
	    (o->root == NULL && (r = set_path(ctx, o->base,
	    "secrets/root_ca_key", &res->root_key)) != 0))
		goto out;
	if ((r = cert_pem(ctx, root, &buf, &len)) != 0 ||
	    (r = add_out(ctx, outs, &nouts, res->root_crt, buf, len, 0)) != 0)
		goto out;
	if (res->root_key != NULL && ((r = pkit_key_private_encode(ctx, rkey,
	    PKIT_KEY_PEM, o->password, &buf, &len)) != 0 ||
	    (r = add_out(ctx, outs, &nouts, res->root_key, buf, len, 1)) != 0))
		goto out;
	if ((r = cert_pem(ctx, inter, &buf, &len)) != 0 ||
	    (r = add_out(ctx, outs, &nouts, res->int_crt, buf, len, 0)) != 0 ||
	    (r = pkit_key_private_encode(ctx, ikey, PKIT_KEY_PEM, o->password,
	    &buf, &len)) != 0 ||
	    (r = add_out(ctx, outs, &nouts, res->int_key, buf, len, 1)) != 0)
		goto out;
	if (o->pki_only)
		goto write;
	/* the SSH CA keys, the provisioner, ca.json, defaults.json */
	if (o->ssh && ((r = make_ssh_key(ctx, o, "ssh_host_ca_key",
	    &res->ssh_host_key, &res->ssh_host_pub, outs, &nouts)) != 0 ||
	    (r = make_ssh_key(ctx, o, "ssh_user_ca_key", &res->ssh_user_key,
	    &res->ssh_user_pub, outs, &nouts)) != 0))
		goto out;
	if ((r = make_provisioner(ctx, o, &pub, &enc, &res->kid)) != 0)
		goto out;
	if (o->db != NULL && is_pg(o->db)) {
		db_type = "postgresql";
		res->db = strdup(o->db);
	} else if (o->db != NULL)
		res->db = o->db[0] == '/' ? strdup(o->db) : NULL;
	else
		res->db = join(o->base, "db/pkit.db");
	if (res->db == NULL && o->db != NULL && o->db[0] != '/') {
		char cwd[4096];

		if (getcwd(cwd, sizeof(cwd)) == NULL) {
			r = pkit_seterr_sys(ctx, "current directory");
			goto out;
		}
		res->db = join(cwd, o->db);
	}
	if (res->db == NULL || (r = set_path(ctx, o->base, "config/ca.json",
	    &res->config)) != 0 || (r = set_path(ctx, o->base,
	    "config/defaults.json", &res->defaults)) != 0) {
		r = r != 0 ? r : pkit_seterr_nomem(ctx);
		goto out;
	}
	if (strcmp(db_type, "sqlite") == 0 && (dir = strdup(res->db)) != NULL) {
		char *slash = strrchr(dir, '/');

		if (slash != NULL && slash != dir) {
			*slash = '\0';
			res->db_dir = dir;
		} else
			free(dir);
	}
	if ((doc = ca_doc(o, res, pub, enc, db_type)) == NULL) {
		r = pkit_seterr_nomem(ctx);
		goto out;
	}
	/* through the parser: what ca serve will read */
	if ((r = dump_tabs(ctx, doc, &text, &len)) != 0 ||
	    (r = pkit_ca_config_parse(ctx, text, len, res->config, o->base,
	    &cfg)) != 0)
		goto out;
	free(text);
	text = NULL;
	if ((r = pkit_ca_config_encode(ctx, cfg, &text, &len)) != 0 ||
	    (r = add_out(ctx, outs, &nouts, res->config, (unsigned char *)text,
	    len, 0)) != 0) {
		text = NULL;
		goto out;
	}
	text = NULL;
	if ((r = pkit_ca_pki_url(ctx, o->dns[0], o->address != NULL ?
	    o->address : ":443", &url)) != 0)
		goto out;
	if ((defs = json_pack("{s:s,s:s,s:s,s:s}", "ca-url", url, "ca-config",
	    res->config, "fingerprint", res->fingerprint, "root",
	    res->root_crt)) == NULL) {
		r = pkit_seterr_nomem(ctx);
		goto out;
	}
	if ((r = dump_tabs(ctx, defs, &text, &len)) != 0 ||
	    (r = add_out(ctx, outs, &nouts, res->defaults,
	    (unsigned char *)text, len, 0)) != 0) {
		text = NULL;
		goto out;
	}
	text = NULL;
write:
	/* refuse before writing anything */
	for (i = 0; i < nouts && !o->force; i++)
		if (pkit_file_exists(outs[i].path)) {
			r = pkit_seterr(ctx, PKIT_ERR_EXISTS, "%s: a PKI is "
			    "already there; use --force to replace it",
			    outs[i].path);
			goto out;
		}
	for (i = 0; i < nouts; i++) {
		char *d = strdup(outs[i].path), *slash;

		if (d == NULL) {
			r = pkit_seterr_nomem(ctx);
			goto out;
		}
		slash = strrchr(d, '/');
		*slash = '\0';
		r = pkit_mkdirs(ctx, d, strstr(d, "/secrets") != NULL ? 0700 :
		    0755);
		free(d);
		if (r != 0 || (r = pkit_file_write(ctx, outs[i].path,
		    outs[i].data, outs[i].len, wflags | (outs[i].secret ?
		    PKIT_WRITE_PRIVATE : 0))) != 0)
			goto out;
		outs[i].written = 1;
	}
	if (res->db_dir != NULL && (r = pkit_mkdirs(ctx, res->db_dir,
	    0700)) != 0)
		goto out;
	r = PKIT_OK;
out:
	if (r != 0) {
		for (i = 0; i < nouts; i++)
			if (outs[i].written)
				unlink(outs[i].path);
		pkit_ca_pki_result_release(res);
	}
	outs_free(outs, nouts);
	pkit_ca_config_free(cfg);
	json_decref(pub);
	json_decref(doc);
	json_decref(defs);
	free(enc);
	free(hex);
	free(text);
	free(url);
	EVP_PKEY_free(rkey);
	EVP_PKEY_free(ikey);
	X509_free(root);
	X509_free(inter);
	return r;
}

void
pkit_ca_pki_result_release(struct pkit_ca_pki_result *res)
{
	free(res->root_crt);
	free(res->root_key);
	free(res->int_crt);
	free(res->int_key);
	free(res->db);
	free(res->db_dir);
	free(res->defaults);
	free(res->config);
	free(res->kid);
	free(res->ssh_host_key);
	free(res->ssh_user_key);
	free(res->ssh_host_pub);
	free(res->ssh_user_pub);
	memset(res, 0, sizeof(*res));
}

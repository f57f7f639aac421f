/* sshca.c - the client side of step-ca's SSH API (see sshca.h). */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "lib/ca/client.h"
#include "lib/ca/token.h"
#include "lib/codec.h"
#include "lib/jwk.h"
#include "lib/jws.h"
#include "lib/sshca.h"
#include "lib/sshkey.h"

void
pkit_sshca_keys_free(EVP_PKEY **keys, size_t n)
{
	size_t i;

	if (keys == NULL)
		return;
	for (i = 0; i < n; i++)
		EVP_PKEY_free(keys[i]);
	free(keys);
}

/* A base64 SSH wire blob as a key or a certificate. */
static int
b64_blob(struct pkit_ctx *ctx, const json_t *v, const char *what,
    unsigned char **blob, size_t *len)
{
	const char *s = json_string_value(v);

	if (s == NULL || *s == '\0')
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: not a base64 "
		    "string", what);
	return pkit_b64_decode(ctx, PKIT_B64_STD, s, strlen(s), blob, len);
}

static int
key_list(struct pkit_ctx *ctx, const json_t *list, const char *what,
    EVP_PKEY ***out, size_t *n)
{
	const json_t *v;
	unsigned char *blob = NULL;
	EVP_PKEY **keys;
	size_t i, len;
	int r;

	*out = NULL;
	*n = 0;
	if (list == NULL || json_is_null(list))
		return PKIT_OK;
	if (!json_is_array(list) || json_array_size(list) > 64)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: not a list of "
		    "keys", what);
	if ((keys = calloc(json_array_size(list) + 1, sizeof(*keys))) == NULL)
		return pkit_seterr_nomem(ctx);
	json_array_foreach(list, i, v) {
		if ((r = b64_blob(ctx, v, what, &blob, &len)) != 0 ||
		    (r = pkit_sshkey_from_blob(ctx, blob, len, what,
		    &keys[*n])) != 0) {
			free(blob);
			pkit_sshca_keys_free(keys, *n);
			*n = 0;
			return r;
		}
		free(blob);
		blob = NULL;
		(*n)++;
	}
	*out = keys;
	return PKIT_OK;
}

int
pkit_sshca_roots(struct pkit_ctx *ctx, struct pkit_ca_client *c,
    const char *path, EVP_PKEY ***user, size_t *nuser, EVP_PKEY ***host,
    size_t *nhost)
{
	json_t *resp = NULL;
	EVP_PKEY **u = NULL;
	size_t nu = 0;
	int r, status = 0;

	*user = *host = NULL;
	*nuser = *nhost = 0;
	if ((r = pkit_ca_client_get_json(ctx, c, path, &resp, &status)) != 0)
		return r;
	if ((r = key_list(ctx, json_object_get(resp, "userKey"),
	    "userKey", &u, &nu)) != 0 ||
	    (r = key_list(ctx, json_object_get(resp, "hostKey"),
	    "hostKey", host, nhost)) != 0) {
		pkit_sshca_keys_free(u, nu);
		json_decref(resp);
		return r;
	}
	*user = u;
	*nuser = nu;
	json_decref(resp);
	return PKIT_OK;
}

static int
set_key(struct pkit_ctx *ctx, json_t *o, const char *name, EVP_PKEY *key)
{
	unsigned char *blob = NULL;
	char *b64 = NULL;
	size_t len = 0;
	int r;

	if ((r = pkit_sshkey_public_blob(ctx, key, &blob, &len)) != 0 ||
	    (r = pkit_b64_encode(ctx, PKIT_B64_STD, blob, len, &b64)) != 0)
		goto out;
	r = json_object_set_new(o, name, json_string(b64)) != 0 ?
	    pkit_seterr_nomem(ctx) : PKIT_OK;
out:
	free(blob);
	free(b64);
	return r;
}

/* A certificate of a response, decoded and checked. */
static int
resp_cert(struct pkit_ctx *ctx, const json_t *resp, const char *name,
    struct pkit_sshcert **out)
{
	unsigned char *blob = NULL;
	size_t len = 0;
	int r;

	*out = NULL;
	if ((r = b64_blob(ctx, json_object_get(resp, name), name, &blob,
	    &len)) != 0)
		return r;
	r = pkit_sshcert_decode(ctx, blob, len, name, out);
	free(blob);
	return r;
}

int
pkit_sshca_sign(struct pkit_ctx *ctx, struct pkit_ca_client *c,
    const struct pkit_sshca_sign_req *req, struct pkit_sshcert **crt,
    struct pkit_sshcert **add_user, int *status)
{
	json_t *body = NULL, *resp = NULL, *princ = NULL;
	struct pkit_sshcert *cert = NULL, *au = NULL;
	size_t i;
	int r;

	*crt = NULL;
	if (add_user != NULL)
		*add_user = NULL;
	if ((body = json_object()) == NULL || (princ = json_array()) == NULL) {
		r = pkit_seterr_nomem(ctx);
		goto out;
	}
	for (i = 0; i < req->nprincipals; i++)
		json_array_append_new(princ, json_string(req->principals[i]));
	if ((r = set_key(ctx, body, "publicKey", req->key)) != 0 ||
	    (req->add_user_key != NULL && (r = set_key(ctx, body,
	    "addUserPublicKey", req->add_user_key)) != 0))
		goto out;
	if (json_object_set_new(body, "ott", json_string(req->ott)) != 0 ||
	    json_object_set_new(body, "certType", json_string(req->host ?
	    "host" : "user")) != 0 ||
	    (req->key_id != NULL && json_object_set_new(body, "keyID",
	    json_string(req->key_id)) != 0) ||
	    json_object_set(body, "principals", princ) != 0 ||
	    (req->valid_after != NULL && json_object_set_new(body,
	    "validAfter", json_string(req->valid_after)) != 0) ||
	    (req->valid_before != NULL && json_object_set_new(body,
	    "validBefore", json_string(req->valid_before)) != 0)) {
		r = pkit_seterr_nomem(ctx);
		goto out;
	}
	if ((r = pkit_ca_client_post_json(ctx, c, "/ssh/sign", body, &resp,
	    status)) != 0 ||
	    (r = resp_cert(ctx, resp, "crt", &cert)) != 0)
		goto out;
	if (add_user != NULL && json_object_get(resp, "addUserCrt") != NULL &&
	    (r = resp_cert(ctx, resp, "addUserCrt", &au)) != 0)
		goto out;
	*crt = cert;
	cert = NULL;
	if (add_user != NULL) {
		*add_user = au;
		au = NULL;
	}
	r = PKIT_OK;
out:
	pkit_sshcert_free(cert);
	pkit_sshcert_free(au);
	json_decref(princ);
	json_decref(body);
	json_decref(resp);
	return r;
}

int
pkit_sshca_pop_token(struct pkit_ctx *ctx, const struct pkit_sshcert *cert,
    EVP_PKEY *key, const char *ca_url, const char *method,
    const char *provisioner, time_t now, char **out)
{
	struct pkit_jwk_key *k = NULL;
	json_t *jwk = NULL, *hdr = NULL, *claims = NULL;
	char *url = NULL, *aud = NULL, *b64 = NULL, *jti = NULL, serial[32];
	const char *alg;
	int r;

	*out = NULL;
	if (EVP_PKEY_eq(key, cert->key) != 1)
		return pkit_seterr(ctx, PKIT_ERR_MISMATCH, "the private key is "
		    "not the certificate's");
	if ((r = pkit_jwk_from_key(ctx, key, 1, &jwk)) != 0 ||
	    (r = pkit_jwk_key_new(ctx, jwk, &k)) != 0 ||
	    (r = pkit_ca_url_normalize(ctx, ca_url, &url)) != 0 ||
	    (r = pkit_b64_encode(ctx, PKIT_B64_STD, cert->blob, cert->bloblen,
	    &b64)) != 0 || (r = pkit_jwt_new_jti(ctx, &jti)) != 0)
		goto out;
	if ((alg = pkit_jws_alg_for_key(k, NULL)) == NULL) {
		r = pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED, "sshpop token: no "
		    "signature algorithm for a %s key", k->kty);
		goto out;
	}
	if (asprintf(&aud, "%s/1.0/ssh/%s#sshpop/%s", url, method,
	    provisioner) < 0) {
		aud = NULL;
		r = pkit_seterr_nomem(ctx);
		goto out;
	}
	snprintf(serial, sizeof(serial), "%" PRIu64, cert->serial);
	hdr = json_pack("{s:s}", "sshpop", b64);
	claims = json_pack("{s:s,s:I,s:I,s:s,s:s,s:I,s:s}", "aud", aud,
	    "exp", (json_int_t)(now + PKIT_TOKEN_VALIDITY), "iat",
	    (json_int_t)now, "iss", provisioner, "jti", jti, "nbf",
	    (json_int_t)now, "sub", serial);
	if (hdr == NULL || claims == NULL) {
		r = pkit_seterr_nomem(ctx);
		goto out;
	}
	r = pkit_jwt_sign(ctx, k, alg, hdr, claims, 0, out);
out:
	pkit_jwk_key_free(k);
	pkit_jwk_free(jwk);
	json_decref(hdr);
	json_decref(claims);
	free(url);
	free(aud);
	free(b64);
	free(jti);
	return r;
}

int
pkit_sshca_renew(struct pkit_ctx *ctx, struct pkit_ca_client *c,
    const char *ott, EVP_PKEY *key, struct pkit_sshcert **out, int *status)
{
	json_t *body, *resp = NULL;
	int r;

	*out = NULL;
	if ((body = json_pack("{s:s}", "ott", ott)) == NULL)
		return pkit_seterr_nomem(ctx);
	if ((key == NULL || (r = set_key(ctx, body, "publicKey", key)) == 0) &&
	    (r = pkit_ca_client_post_json(ctx, c, key != NULL ? "/ssh/rekey" :
	    "/ssh/renew", body, &resp, status)) == 0)
		r = resp_cert(ctx, resp, "crt", out);
	json_decref(body);
	json_decref(resp);
	return r;
}

int
pkit_sshca_revoke(struct pkit_ctx *ctx, struct pkit_ca_client *c,
    const char *serial, const char *ott, int reason_code, const char *reason,
    int *status)
{
	json_t *body;
	int r;

	if ((body = json_pack("{s:s,s:s,s:i,s:s,s:b}", "serial", serial, "ott",
	    ott, "reasonCode", reason_code, "reason", reason != NULL ? reason :
	    "", "passive", 1)) == NULL)
		return pkit_seterr_nomem(ctx);
	r = pkit_ca_client_post_json(ctx, c, "/ssh/revoke", body, NULL, status);
	json_decref(body);
	return r;
}

int
pkit_sshca_hosts(struct pkit_ctx *ctx, struct pkit_ca_client *c,
    json_t **out, int *status)
{
	json_t *resp = NULL, *hosts;
	int r;

	*out = NULL;
	if ((r = pkit_ca_client_get_json(ctx, c, "/ssh/hosts", &resp,
	    status)) != 0)
		return r;
	hosts = json_object_get(resp, "hosts");
	if (hosts != NULL && !json_is_null(hosts) && !json_is_array(hosts)) {
		json_decref(resp);
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "/ssh/hosts: hosts is "
		    "not a list");
	}
	*out = json_is_array(hosts) ? json_incref(hosts) : json_array();
	json_decref(resp);
	return *out != NULL ? PKIT_OK : pkit_seterr_nomem(ctx);
}

void
pkit_sshca_tmpl_free(struct pkit_sshca_tmpl *t, size_t n)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(t[i].name);
		free(t[i].type);
		free(t[i].path);
		free(t[i].comment);
		free(t[i].content);
	}
	free(t);
}

/* One element of userTemplates/hostTemplates. */
static int
tmpl_one(struct pkit_ctx *ctx, const json_t *o, size_t i,
    struct pkit_sshca_tmpl *t)
{
	const char *name, *type, *path, *comment, *b64;
	unsigned char *raw = NULL;
	size_t len = 0;
	int r;

	name = json_string_value(json_object_get(o, "name"));
	type = json_string_value(json_object_get(o, "type"));
	path = json_string_value(json_object_get(o, "path"));
	comment = json_string_value(json_object_get(o, "comment"));
	b64 = json_string_value(json_object_get(o, "content"));
	if (name == NULL || type == NULL || path == NULL || *path == '\0' ||
	    (b64 == NULL && !json_is_null(json_object_get(o, "content")) &&
	    json_object_get(o, "content") != NULL))
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "/ssh/config: "
		    "template %zu lacks a name, type, path or base64 content",
		    i);
	if (b64 != NULL) {
		if ((r = pkit_b64_decode(ctx, PKIT_B64_STD, b64, strlen(b64),
		    &raw, &len)) != 0)
			return pkit_seterr(ctx, r, "/ssh/config: %s: the "
			    "content is not base64", name);
		/* NUL-terminated, for text */
		if ((t->content = malloc(len + 1)) == NULL) {
			free(raw);
			return pkit_seterr_nomem(ctx);
		}
		memcpy(t->content, raw, len);
		t->content[len] = '\0';
		t->len = len;
		free(raw);
	}
	if ((t->name = strdup(name)) == NULL ||
	    (t->type = strdup(type)) == NULL ||
	    (t->path = strdup(path)) == NULL ||
	    (t->comment = strdup(comment != NULL ? comment : "")) == NULL)
		return pkit_seterr_nomem(ctx);
	return PKIT_OK;
}

int
pkit_sshca_config(struct pkit_ctx *ctx, struct pkit_ca_client *c, int host,
    const json_t *data, struct pkit_sshca_tmpl **out, size_t *n, int *status)
{
	const char *key = host ? "hostTemplates" : "userTemplates";
	struct pkit_sshca_tmpl *t = NULL;
	json_t *body, *resp = NULL;
	const json_t *list, *o;
	size_t i, cnt = 0;
	int r;

	*out = NULL;
	*n = 0;
	if ((body = json_pack("{s:s,s:O?}", "type", host ? "host" : "user",
	    "data", (json_t *)data)) == NULL)
		return pkit_seterr_nomem(ctx);
	r = pkit_ca_client_post_json(ctx, c, "/ssh/config", body, &resp,
	    status);
	json_decref(body);
	if (r != 0)
		return r;
	list = json_object_get(resp, key);
	if (list != NULL && !json_is_null(list) && (!json_is_array(list) ||
	    json_array_size(list) > 64)) {
		r = pkit_seterr(ctx, PKIT_ERR_FORMAT, "/ssh/config: %s is not "
		    "a list", key);
		goto out;
	}
	if ((t = calloc(json_array_size(list) + 1, sizeof(*t))) == NULL) {
		r = pkit_seterr_nomem(ctx);
		goto out;
	}
	json_array_foreach(list, i, o) {
		cnt++;
		if ((r = tmpl_one(ctx, o, i, &t[i])) != 0)
			goto out;
	}
	*out = t;
	*n = cnt;
	t = NULL;
	r = PKIT_OK;
out:
	pkit_sshca_tmpl_free(t, cnt);
	json_decref(resp);
	return r;
}

int
pkit_sshca_sshpop_name(struct pkit_ctx *ctx, const json_t *list,
    const char *name, const char **out)
{
	const json_t *p;
	const char *t, *n;
	size_t i;

	*out = NULL;
	json_array_foreach(list, i, p) {
		t = json_string_value(json_object_get(p, "type"));
		n = json_string_value(json_object_get(p, "name"));
		if (t == NULL || n == NULL || strcasecmp(t, "SSHPOP") != 0 ||
		    (name != NULL && strcmp(name, n) != 0))
			continue;
		*out = n;
		return PKIT_OK;
	}
	if (name != NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOT_FOUND, "the CA has no "
		    "SSHPOP provisioner '%s'", name);
	return pkit_seterr(ctx, PKIT_ERR_NOT_FOUND, "the CA has no SSHPOP "
	    "provisioner (ca init --ssh makes one)");
}

int
pkit_sshca_check_host(struct pkit_ctx *ctx, struct pkit_ca_client *c,
    const char *host, int *exists, int *status)
{
	json_t *body, *resp = NULL;
	const json_t *v;
	int r;

	*exists = 0;
	if ((body = json_pack("{s:s,s:s}", "type", "host", "principal",
	    host)) == NULL)
		return pkit_seterr_nomem(ctx);
	r = pkit_ca_client_post_json(ctx, c, "/ssh/check-host", body, &resp,
	    status);
	json_decref(body);
	if (r != 0)
		return r;
	v = json_object_get(resp, "exists");
	if (!json_is_boolean(v))
		r = pkit_seterr(ctx, PKIT_ERR_FORMAT, "/ssh/check-host: no "
		    "\"exists\" in the answer");
	else
		*exists = json_is_true(v);
	json_decref(resp);
	return r;
}

static int
dial(struct pkit_ctx *ctx, const char *host, const char *port, int *out)
{
	struct addrinfo hints, *res = NULL, *ai;
	int fd = -1, e;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((e = getaddrinfo(host, port, &hints, &res)) != 0)
		return pkit_seterr(ctx, PKIT_ERR_NET, "%s: %s", host,
		    gai_strerror(e));
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol)) < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		e = errno;
		close(fd);
		fd = -1;
		errno = e;
	}
	freeaddrinfo(res);
	if (fd < 0)
		return pkit_seterr(ctx, PKIT_ERR_NET, "%s port %s: %s",
		    host, port, strerror(errno));
	*out = fd;
	return PKIT_OK;
}

/* Write all of buf to fd. */
static int
write_all(int fd, const char *buf, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, buf, n)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

int
pkit_sshca_relay(struct pkit_ctx *ctx, const char *host, const char *port,
    int in_fd, int out_fd)
{
	struct pollfd p[2];
	char buf[16384];
	ssize_t n;
	int fd = -1, in_open = 1, sock_open = 1, r = PKIT_OK;

	if ((r = dial(ctx, host, port, &fd)) != 0)
		return r;
	while (sock_open) {
		p[0].fd = in_open ? in_fd : -1;
		p[0].events = POLLIN;
		p[1].fd = fd;
		p[1].events = POLLIN;
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			r = pkit_seterr_sys(ctx, "poll");
			break;
		}
		if (in_open && (p[0].revents & (POLLIN | POLLHUP | POLLERR))) {
			n = read(in_fd, buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				/* the client is done sending: half-close */
				in_open = 0;
				shutdown(fd, SHUT_WR);
			} else if (write_all(fd, buf, (size_t)n) != 0) {
				r = pkit_seterr_sys(ctx, "%s", host);
				break;
			}
		}
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			n = read(fd, buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				sock_open = 0;
			else if (write_all(out_fd, buf, (size_t)n) != 0) {
				r = pkit_seterr_sys(ctx, "standard output");
				break;
			}
		}
	}
	close(fd);
	return r;
}

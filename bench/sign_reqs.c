/* sign_reqs.c - make /sign request bodies for bench/sign-load.sh.
 *
 *   sign_reqs -k PROV.json -a AUD -s SHA -n COUNT -f FILES -o PREFIX [-c CSRS]
 *
 * Writes COUNT bodies {"csr": ..., "ott": ...}, one per line, spread over
 * FILES files PREFIX.0, PREFIX.1 ... (one per load generator thread).
 * CSRS distinct EC P-256 keys and CSRs (default 256) are used in turn,
 * CN and SAN host-<i>.bench.example; every token is its own (a fresh jti,
 * iss = the key's provisioner name from -p, valid 50 minutes), so every
 * request is a real signature to check and a token to burn.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "lib/fs.h"
#include "lib/jwk.h"
#include "lib/jws.h"
#include "lib/key.h"

static void
die(const char *what, struct pkit_ctx *ctx)
{
	fprintf(stderr, "sign_reqs: %s: %s\n", what,
	    ctx != NULL ? ctx->errbuf : "failed");
	exit(1);
}

static char *
make_csr(struct pkit_ctx *ctx, const char *name)
{
	struct pkit_keyspec spec = { "EC", "P-256", 0, 0 };
	EVP_PKEY *key = NULL;
	X509_REQ *req = X509_REQ_new();
	STACK_OF(X509_EXTENSION) *exts = sk_X509_EXTENSION_new_null();
	X509_EXTENSION *ext;
	char san[300], *out;
	BIO *bio = BIO_new(BIO_s_mem());
	BUF_MEM *mem;

	if (pkit_key_generate(ctx, &spec, &key) != 0)
		die("key", ctx);
	X509_NAME_add_entry_by_txt(X509_REQ_get_subject_name(req), "CN",
	    MBSTRING_UTF8, (const unsigned char *)name, -1, -1, 0);
	X509_REQ_set_pubkey(req, key);
	snprintf(san, sizeof(san), "DNS:%s", name);
	ext = X509V3_EXT_conf_nid(NULL, NULL, NID_subject_alt_name, san);
	sk_X509_EXTENSION_push(exts, ext);
	X509_REQ_add_extensions(req, exts);
	if (X509_REQ_sign(req, key, EVP_sha256()) <= 0 ||
	    !PEM_write_bio_X509_REQ(bio, req))
		die("CSR", NULL);
	BIO_get_mem_ptr(bio, &mem);
	out = strndup(mem->data, mem->length);
	BIO_free(bio);
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	X509_REQ_free(req);
	EVP_PKEY_free(key);
	return out;
}

int
main(int argc, char **argv)
{
	const char *keyfile = NULL, *aud = NULL, *sha = NULL, *prefix = NULL;
	const char *iss = "admin";
	long count = 1000, nfiles = 1, ncsr = 256, i;
	struct pkit_ctx ctx;
	struct pkit_jwk_key *key = NULL;
	unsigned char *data = NULL;
	size_t len = 0;
	json_t *jwk = NULL, *hdr, *claims, *body;
	char **csrs, **names, path[4096], jti[64], *tok, *line;
	FILE **out;
	time_t now = time(NULL);
	int ch;

	while ((ch = getopt(argc, argv, "k:a:s:n:f:o:c:p:")) != -1) {
		switch (ch) {
		case 'k': keyfile = optarg; break;
		case 'a': aud = optarg; break;
		case 's': sha = optarg; break;
		case 'n': count = strtol(optarg, NULL, 10); break;
		case 'f': nfiles = strtol(optarg, NULL, 10); break;
		case 'o': prefix = optarg; break;
		case 'c': ncsr = strtol(optarg, NULL, 10); break;
		case 'p': iss = optarg; break;
		default:
			fprintf(stderr, "usage: sign_reqs -k prov.json -a aud "
			    "[-s sha] -n count -f files -o prefix [-c csrs] "
			    "[-p provisioner]\n");
			return 2;
		}
	}
	if (keyfile == NULL || aud == NULL || prefix == NULL || count < 1 ||
	    nfiles < 1 || ncsr < 1)
		return 2;
	pkit_ctx_init(&ctx);
	if (pkit_file_read(&ctx, keyfile, 65536, &data, &len) != 0 ||
	    pkit_jwk_parse(&ctx, data, len, keyfile, &jwk) != 0 ||
	    pkit_jwk_key_new(&ctx, jwk, &key) != 0)
		die(keyfile, &ctx);
	hdr = json_pack("{s:s}", "kid",
	    json_string_value(json_object_get(jwk, "kid")));
	csrs = calloc((size_t)ncsr, sizeof(*csrs));
	names = calloc((size_t)ncsr, sizeof(*names));
	for (i = 0; i < ncsr; i++) {
		if (asprintf(&names[i], "host-%ld.bench.example", i) < 0)
			die("memory", NULL);
		csrs[i] = make_csr(&ctx, names[i]);
	}
	out = calloc((size_t)nfiles, sizeof(*out));
	for (i = 0; i < nfiles; i++) {
		snprintf(path, sizeof(path), "%s.%ld", prefix, i);
		if ((out[i] = fopen(path, "w")) == NULL)
			die(path, NULL);
	}
	for (i = 0; i < count; i++) {
		const char *name = names[i % ncsr];

		snprintf(jti, sizeof(jti), "bench-%ld-%ld", (long)now, i);
		claims = json_pack("{s:s,s:s,s:s,s:[s],s:s,s:I,s:I,s:I}", "iss",
		    iss, "aud", aud, "sub", name, "sans", name, "jti", jti,
		    "iat", (json_int_t)now, "nbf", (json_int_t)now, "exp",
		    (json_int_t)now + 3000);
		if (sha != NULL)
			json_object_set_new(claims, "sha", json_string(sha));
		if (pkit_jwt_sign(&ctx, key, "ES256", hdr, claims, 0, &tok) != 0)
			die("token", &ctx);
		body = json_pack("{s:s,s:s}", "csr", csrs[i % ncsr], "ott", tok);
		line = json_dumps(body, JSON_COMPACT);
		fprintf(out[i % nfiles], "%s\n", line);
		free(line);
		free(tok);
		json_decref(body);
		json_decref(claims);
	}
	for (i = 0; i < nfiles; i++)
		if (fclose(out[i]) != 0)
			die("write", NULL);
	for (i = 0; i < ncsr; i++) {
		free(csrs[i]);
		free(names[i]);
	}
	free(csrs);
	free(names);
	free(out);
	free(data);
	json_decref(hdr);
	json_decref(jwk);
	pkit_jwk_key_free(key);
	pkit_ctx_release(&ctx);
	return 0;
}

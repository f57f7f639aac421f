/* crypto_jwk.c - `pkit crypto jwk`: create, public, thumbprint and keyset
 * add|remove|list|find; and the key and input helpers every JOSE verb
 * uses (crypto_jose.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "crypto_jose.h"
#include "lib/fs.h"
#include "lib/jwe.h"
#include "lib/jwk.h"
#include "lib/jws.h"
#include "lib/key.h"
#include "lib/secret.h"

/* Key files and JWK Sets are small; JOSE inputs are bounded too. */
#define KEYFILE_MAX (1024 * 1024)

/* ---- shared helpers ------------------------------------------------------ */

int
cmd_jose_read(struct cmd_run *run, const char *path, size_t max,
    unsigned char **out, size_t *len)
{
	return pkit_file_read(run->ctx, path != NULL ? path : "-", max, out,
	    len);
}

static const char *
display(const char *path)
{
	return path == NULL || strcmp(path, "-") == 0 ? "standard input" : path;
}

/* Ask for the password of an encrypted key file when it needs one. */
static int
key_password(struct cmd_run *run, const char *path, const unsigned char *data,
    size_t len, const char *password_file, char **pw)
{
	char prompt[512];

	*pw = NULL;
	if (!pkit_jwk_data_is_encrypted(data, len))
		return PKIT_OK;
	snprintf(prompt, sizeof(prompt),
	    "Please enter the password to decrypt %s: ", display(path));
	return cmd_password(run, password_file, prompt, 0, "--password-file",
	    pw);
}

int
cmd_jose_load_jwk(struct cmd_run *run, const char *path,
    const char *password_file, int insecure, json_t **out)
{
	unsigned char *data = NULL;
	size_t len = 0;
	char *pw = NULL;
	json_t *jwk = NULL;
	struct pkit_jwk_key *k = NULL;
	int r;

	*out = NULL;
	if ((r = cmd_jose_read(run, path, KEYFILE_MAX, &data, &len)) != 0)
		return r;
	if ((r = key_password(run, path, data, len, password_file, &pw)) != 0 ||
	    (r = pkit_jwk_load(run->ctx, data, len, pw, display(path),
	    &jwk)) != 0)
		goto out;
	/* Only keys that hold together go further. */
	if ((r = pkit_jwk_key_new(run->ctx, jwk, &k)) != 0) {
		char msg[sizeof(run->ctx->errbuf)];

		snprintf(msg, sizeof(msg), "%s", run->ctx->errbuf);
		r = pkit_seterr(run->ctx, r, "%s: %s", display(path), msg);
		goto out;
	}
	/* A private key file must not be readable by others, encrypted or
	 * not (as ssh). */
	if (pkit_jwk_is_private(jwk) && !insecure &&
	    path != NULL && strcmp(path, "-") != 0 &&
	    (r = pkit_file_check_private(run->ctx, path)) != 0)
		goto out;
	*out = jwk;
	jwk = NULL;
out:
	pkit_jwk_key_free(k);
	pkit_jwk_free(jwk);
	pkit_secret_strfree(pw);
	pkit_secret_free(data, len);
	return r;
}

int
cmd_jose_load_jwks(struct cmd_run *run, const char *path,
    const char *password_file, json_t **out)
{
	unsigned char *data = NULL;
	size_t len = 0;
	char *pw = NULL;
	int r;

	*out = NULL;
	if (path != NULL && strncmp(path, "https://", 8) == 0)
		return pkit_jwks_fetch(run->ctx, path, out);
	if ((r = cmd_jose_read(run, path, KEYFILE_MAX, &data, &len)) != 0)
		return r;
	if ((r = key_password(run, path, data, len, password_file, &pw)) == 0)
		r = pkit_jwks_load(run->ctx, data, len, pw, display(path), out);
	pkit_secret_strfree(pw);
	pkit_secret_free(data, len);
	return r;
}

int
cmd_jose_key(struct cmd_run *run, const char *key, const char *jwks,
    const char *kid, const char *password_file, int insecure,
    struct pkit_jwk_key **out)
{
	json_t *set = NULL, *jwk = NULL;
	const char *have;
	int r;

	*out = NULL;
	if (key != NULL && jwks != NULL)
		return pkit_seterr(run->ctx, PKIT_ERR_USAGE,
		    "%s: --key and --jwks do not go together", run->path);
	if (key == NULL && jwks == NULL)
		return pkit_seterr(run->ctx, PKIT_ERR_USAGE,
		    "%s: a key is needed: --key or --jwks", run->path);
	if (jwks != NULL) {
		if (kid == NULL)
			return pkit_seterr(run->ctx, PKIT_ERR_USAGE,
			    "%s: --jwks needs --kid to choose the key",
			    run->path);
		if ((r = cmd_jose_load_jwks(run, jwks, password_file,
		    &set)) != 0)
			return r;
		if ((jwk = pkit_jwks_find(set, kid)) == NULL) {
			pkit_jwks_free(set);
			return pkit_seterr(run->ctx, PKIT_ERR_NOT_FOUND,
			    "%s: no key with kid \"%s\"", jwks, kid);
		}
		json_incref(jwk);
		pkit_jwks_free(set);
	} else {
		if ((r = cmd_jose_load_jwk(run, key, password_file, insecure,
		    &jwk)) != 0)
			return r;
		have = json_string_value(json_object_get(jwk, "kid"));
		if (kid != NULL && have != NULL && strcmp(kid, have) != 0) {
			pkit_jwk_free(jwk);
			return pkit_seterr(run->ctx, PKIT_ERR_MISMATCH,
			    "%s: the key's kid is \"%s\", not \"%s\"", key,
			    have, kid);
		}
		if (kid != NULL && have == NULL)
			json_object_set_new(jwk, "kid", json_string(kid));
	}
	r = pkit_jwk_key_new(run->ctx, jwk, out);
	pkit_jwk_free(jwk);
	return r;
}

int
cmd_jose_print_json(struct cmd_run *run, const json_t *o, int sort)
{
	char *s;

	if ((s = json_dumps(o, JSON_INDENT(2) | (sort ? JSON_SORT_KEYS :
	    0))) == NULL)
		return pkit_seterr(run->ctx, PKIT_ERR_NOMEM, "%s: JSON",
		    run->path);
	puts(s);
	pkit_secret_strfree(s);
	return PKIT_OK;
}

/* The JSON text of a JWK file: members in step's order, indented. */
static int
jwk_text(struct cmd_run *run, const json_t *jwk, char **out, size_t *len)
{
	json_t *ord = NULL;
	char *s;
	int r;

	if ((r = pkit_jwk_ordered(run->ctx, jwk, &ord)) != 0)
		return r;
	s = json_dumps(ord, JSON_INDENT(2));
	json_decref(ord);
	if (s == NULL || (*out = malloc(strlen(s) + 2)) == NULL) {
		pkit_secret_strfree(s);
		return pkit_seterr(run->ctx, PKIT_ERR_NOMEM, "%s: JSON",
		    run->path);
	}
	*len = strlen(s) + 1;
	snprintf(*out, *len + 1, "%s\n", s);
	pkit_secret_strfree(s);
	return PKIT_OK;
}

/* ---- jwk create ------------------------------------------------------- */

struct create_opts {
	const char *kty, *crv, *alg, *use, *kid, *from_pem, *password_file;
	long size;
	int no_password, insecure, subtle, force;
};

static const struct cmd_opt create_opts[] = {
	{ "kty", 0, OPT_STRING, offsetof(struct create_opts, kty), "type",
	  "key type: EC (default), RSA, OKP or oct", "EC RSA OKP oct",
	  OPT_F_CHOICE, "type" },
	OPT_CRV(struct create_opts),
	{ "size", 0, OPT_INT, offsetof(struct create_opts, size), "n",
	  "RSA bits (default 2048) or oct bytes (default 32)" },
	{ "alg", 0, OPT_STRING, offsetof(struct create_opts, alg), "alg",
	  "the key's algorithm (default: ES256, RS256, EdDSA or HS256; "
	  "ECDH-ES, RSA-OAEP-256 or A256GCMKW with --use enc)", NULL, 0,
	  "algorithm" },
	{ "use", 0, OPT_STRING, offsetof(struct create_opts, use), "use",
	  "what the key is for: sig (default) or enc", "sig enc",
	  OPT_F_CHOICE },
	{ "kid", 0, OPT_STRING, offsetof(struct create_opts, kid), "kid",
	  "key ID (default: the RFC 7638 thumbprint; none for oct keys)" },
	{ "from-pem", 0, OPT_STRING, offsetof(struct create_opts, from_pem),
	  "file", "make the JWK of this PEM or DER key or certificate", NULL,
	  OPT_F_FILE },
	OPT_PASSWORD_FILE(struct create_opts),
	OPT_NO_PASSWORD(struct create_opts),
	{ "subtle", 0, OPT_BOOL, offsetof(struct create_opts, subtle), NULL,
	  "allow an --alg that does not suit the key's --use" },
	OPT_INSECURE(struct create_opts),
	OPT_FORCE(struct create_opts),
	{ 0 }
};

static int
same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	if (strcmp(a, b) == 0)
		return 1;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	    sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* The key material: generated, or read from --from-pem. */
static int
create_material(struct cmd_run *run, const struct create_opts *o,
    json_t **out)
{
	struct pkit_jwk_spec spec;
	const char *kty = o->kty;

	/* A curve alone implies its type, as in crypto keypair. */
	if (kty == NULL)
		kty = o->crv != NULL && (strcmp(o->crv, "Ed25519") == 0 ||
		    strcmp(o->crv, "X25519") == 0) ? "OKP" : "EC";

	if (o->from_pem != NULL) {
		if (o->kty != NULL || o->crv != NULL || o->size != 0)
			return pkit_seterr(run->ctx, PKIT_ERR_USAGE,
			    "%s: --from-pem takes the key as it is: no --kty, "
			    "--crv or --size", run->path);
		return cmd_jose_load_jwk(run, o->from_pem, o->password_file,
		    o->insecure, out);
	}
	if (strcmp(kty, "EC") == 0 && o->size != 0)
		return pkit_seterr(run->ctx, PKIT_ERR_USAGE,
		    "%s: --size does not apply to --kty EC", run->path);
	if (strcmp(kty, "OKP") == 0 && o->size != 0)
		return pkit_seterr(run->ctx, PKIT_ERR_USAGE,
		    "%s: --size does not apply to --kty OKP", run->path);
	if ((strcmp(kty, "RSA") == 0 || strcmp(kty, "oct") == 0) &&
	    o->crv != NULL)
		return pkit_seterr(run->ctx, PKIT_ERR_USAGE,
		    "%s: --crv does not apply to --kty %s", run->path, kty);
	if (o->size < 0)
		return pkit_seterr(run->ctx, PKIT_ERR_USAGE,
		    "%s: --size must be positive", run->path);
	memset(&spec, 0, sizeof(spec));
	spec.kty = kty;
	spec.crv = o->crv;
	spec.insecure = o->insecure;
	if (strcmp(kty, "oct") == 0)
		spec.size = o->size;
	else
		spec.bits = o->size;
	return pkit_jwk_generate(run->ctx, &spec, out);
}

/* Check --alg (or the default) against the key and its use. */
static int
create_alg(struct cmd_run *run, const struct create_opts *o, json_t *jwk,
    const char *use)
{
	struct pkit_jwk_key *k = NULL;
	const char *alg = o->alg;
	int r;

	if (alg == NULL)
		alg = json_string_value(json_object_get(jwk, "alg"));
	if (alg == NULL)
		alg = pkit_jwk_default_alg(jwk, use);
	if (alg == NULL) {
		const char *crv = json_string_value(json_object_get(jwk,
		    "crv"));

		return pkit_seterr(run->ctx, PKIT_ERR_ARG,
		    "%s: %s keys cannot be used for %s", run->path,
		    crv ? crv : "these", strcmp(use, "enc") == 0 ?
		    "encryption" : "signatures");
	}
	if (json_object_set_new(jwk, "alg", json_string(alg)) != 0 ||
	    json_object_set_new(jwk, "use", json_string(use)) != 0)
		return pkit_seterr(run->ctx, PKIT_ERR_NOMEM, "%s", run->path);
	if (o->subtle)
		return PKIT_OK;
	if ((r = pkit_jwk_key_new(run->ctx, jwk, &k)) != 0)
		return r;
	if (strcmp(use, "enc") == 0)
		r = pkit_jwe_alg_check(run->ctx, k, alg);
	else
		r = pkit_jws_alg_check(run->ctx, k, alg, 0, o->insecure);
	pkit_jwk_key_free(k);
	if (r != 0) {
		char msg[sizeof(run->ctx->errbuf)];

		snprintf(msg, sizeof(msg), "%s", run->ctx->errbuf);
		return pkit_seterr(run->ctx, r, "%s: --alg %s: %s", run->path,
		    alg, strchr(msg, ':') ? strchr(msg, ':') + 2 : msg);
	}
	return PKIT_OK;
}

static int
jwk_create(struct cmd_run *run, int argc, char **argv)
{
	struct create_opts o = { 0 };
	const char *pub, *priv, *use;
	json_t *jwk = NULL, *pubjwk = NULL;
	char **args, *pw = NULL, *tp = NULL, *pubtext = NULL, *privtext = NULL;
	size_t publen = 0, privlen = 0;
	int nargs, r, oct, private_part;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	pub = args[0];
	priv = args[1];
	use = o.use != NULL ? o.use : "sig";
	if (same_file(pub, priv))
		return cmd_usage_error(run,
		    "the public and private JWK files must differ");
	if ((r = cmd_may_overwrite(run, pub, o.force)) != 0 ||
	    (r = cmd_may_overwrite(run, priv, o.force)) != 0 ||
	    (r = create_material(run, &o, &jwk)) != 0)
		goto fail;
	oct = strcmp(json_string_value(json_object_get(jwk, "kty")),
	    "oct") == 0;
	private_part = pkit_jwk_is_private(jwk);
	if ((r = create_alg(run, &o, jwk, use)) != 0)
		goto fail;
	if (private_part && (r = cmd_new_password(run, o.password_file,
	    o.no_password, o.insecure, priv, &pw)) != 0)
		goto fail;
	/* A hash of a shared secret would leak something about it: oct
	 * keys get a kid only when asked. */
	if (o.kid != NULL) {
		if (json_object_set_new(jwk, "kid", json_string(o.kid)) != 0) {
			r = pkit_seterr(run->ctx, PKIT_ERR_NOMEM, "%s",
			    run->path);
			goto fail;
		}
	} else if (!oct) {
		if ((r = pkit_jwk_thumbprint(run->ctx, jwk, &tp)) != 0)
			goto fail;
		json_object_set_new(jwk, "kid", json_string(tp));
	}
	if (oct) {
		pubjwk = json_incref(jwk);
	} else if ((r = pkit_jwk_public(run->ctx, jwk, &pubjwk)) != 0) {
		goto fail;
	}
	if ((r = jwk_text(run, pubjwk, &pubtext, &publen)) != 0)
		goto fail;
	if (private_part) {
		if (pw != NULL)
			r = pkit_jwk_encrypt(run->ctx, jwk, pw, 0, 0,
			    &privtext);
		else
			r = jwk_text(run, jwk, &privtext, &privlen);
		if (r != 0)
			goto fail;
		if (pw != NULL) {
			char *t = privtext;

			privlen = strlen(t) + 1;
			if ((privtext = malloc(privlen + 1)) == NULL) {
				free(t);
				r = pkit_seterr(run->ctx, PKIT_ERR_NOMEM, "%s",
				    run->path);
				goto fail;
			}
			snprintf(privtext, privlen + 1, "%s\n", t);
			free(t);
		}
		if ((r = pkit_file_write(run->ctx, priv, privtext, privlen,
		    PKIT_WRITE_PRIVATE | PKIT_WRITE_FORCE)) != 0)
			goto fail;
	}
	/* An oct "public" file holds the secret too: keep it private. */
	if ((r = pkit_file_write(run->ctx, pub, pubtext, publen,
	    PKIT_WRITE_FORCE | (oct ? PKIT_WRITE_PRIVATE : 0))) != 0)
		goto fail;
	if (!private_part)
		fprintf(stderr, "Only the public JWK was written: %s holds no "
		    "private key.\n", o.from_pem);
	r = EXIT_OK;
	goto out;
fail:
	r = cmd_fail(run, r);
out:
	pkit_secret_strfree(pw);
	free(tp);
	pkit_secret_free(pubtext, publen);
	pkit_secret_free(privtext, privlen);
	pkit_jwk_free(jwk);
	pkit_jwk_free(pubjwk);
	return r;
}

static const struct cmd cmd_jwk_create = {
	"create", jwk_create, NULL, "<pub-file> <priv-file>", 2, 2,
	"make a JWK pair: a public JWK and an encrypted private one",
	"Generates a key (EC P-256 by default; --kty RSA, OKP or oct) and "
	"writes\nits public JWK to <pub-file> and the private JWK to "
	"<priv-file>.  With\n--from-pem the key comes from a PEM or DER file "
	"instead: a private key,\na public key or a certificate (then only the "
	"public JWK is written).\n"
	"\n"
	"The private JWK is encrypted as step does: a "
	"JWE in JSON serialization "
	"with\nPBES2-HS256+A128KW (600,000 PBKDF2 iterations) and A256GCM, "
	"content type\njwk+json.  The password is asked twice on the terminal "
	"or read from\n--password-file; --no-password --insecure writes the "
	"private JWK in the\nclear.  Both files are written atomically; the "
	"private one with mode 0600.\nAn oct key is a shared secret: its "
	"\"public\" file holds the key as well,\nso it is written 0600 too.\n"
	"\n"
	"--use says what the key is for, sig (default) or enc, and picks the "
	"default\n--alg: ES256/ES384/ES512, RS256, EdDSA or HS256 for sig; "
	"ECDH-ES,\nRSA-OAEP-256 or A256GCMKW for enc.  An --alg that does not "
	"suit the key\nis refused unless --subtle.  The kid is the RFC 7638 "
	"SHA-256 thumbprint\nunless --kid is given; oct keys get none, as a "
	"hash of a secret would\nleak part of it.",
	"Make an EC P-256 signing key pair, reading the password from a file:\n"
	"  $ pkit crypto jwk create --password-file pw.txt pub.json priv.json\n"
	"Make an X25519 key for ECDH-ES encryption, unencrypted:\n"
	"  $ pkit crypto jwk create --kty OKP --crv X25519 --use enc "
	"--no-password --insecure x.pub.json x.json\n"
	"Make the JWK of an existing PEM key:\n"
	"  $ pkit crypto jwk create --from-pem key.pem --password-file pw.txt "
	"pub.json priv.json\n",
	create_opts
};

/* ---- jwk public / thumbprint ------------------------------------------ */

struct readkey_opts {
	const char *password_file;
};

static const struct cmd_opt readkey_opts[] = {
	OPT_PASSWORD_FILE(struct readkey_opts),
	{ 0 }
};

static int
jwk_public(struct cmd_run *run, int argc, char **argv)
{
	struct readkey_opts o = { 0 };
	json_t *jwk = NULL, *pub = NULL, *ord = NULL;
	char **args;
	int nargs, r;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	if ((r = cmd_jose_load_jwk(run, nargs ? args[0] : NULL,
	    o.password_file, 1, &jwk)) != 0 ||
	    (r = pkit_jwk_public(run->ctx, jwk, &pub)) != 0 ||
	    (r = pkit_jwk_ordered(run->ctx, pub, &ord)) != 0 ||
	    (r = cmd_jose_print_json(run, ord, 0)) != 0)
		r = cmd_fail(run, r);
	pkit_jwk_free(jwk);
	json_decref(pub);
	json_decref(ord);
	return r;
}

static const struct cmd cmd_jwk_public = {
	"public", jwk_public, NULL, "[<jwk-file>]", 0, 1,
	"print the public JWK of a private one",
	"Reads a JWK from <jwk-file> or standard input (a plain JWK, a JWK "
	"encrypted\nas a JWE, or a PEM key) and prints its public members, "
	"keeping kid, use\nand alg.  An oct key has no public part: that is an "
	"error.",
	"Print the public half of a private JWK:\n"
	"  $ pkit crypto jwk public < priv.json\n"
	"The same for an encrypted JWK, with its password in a file:\n"
	"  $ pkit crypto jwk public --password-file pw.txt priv.json\n",
	readkey_opts
};

static int
jwk_thumbprint(struct cmd_run *run, int argc, char **argv)
{
	struct readkey_opts o = { 0 };
	json_t *jwk = NULL;
	char **args, *tp = NULL;
	int nargs, r;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	if ((r = cmd_jose_load_jwk(run, nargs ? args[0] : NULL,
	    o.password_file, 1, &jwk)) != 0 ||
	    (r = pkit_jwk_thumbprint(run->ctx, jwk, &tp)) != 0)
		r = cmd_fail(run, r);
	else
		puts(tp);
	free(tp);
	pkit_jwk_free(jwk);
	return r;
}

static const struct cmd cmd_jwk_thumbprint = {
	"thumbprint", jwk_thumbprint, NULL, "[<jwk-file>]", 0, 1,
	"print the RFC 7638 thumbprint of a JWK",
	"Reads a JWK from <jwk-file> or standard input and prints its RFC 7638 "
	"JWK\nThumbprint: the SHA-256 hash of the key's required members in "
	"canonical\nJSON, base64url-encoded.  It is the default kid of jwk "
	"create and of step's\nprovisioner keys.  PEM keys are read too.",
	"Print the thumbprint of a public JWK:\n"
	"  $ pkit crypto jwk thumbprint < pub.json\n"
	"Print the thumbprint of a PEM public key:\n"
	"  $ pkit crypto jwk thumbprint pub.pem\n",
	readkey_opts
};

/* ---- jwk keyset ------------------------------------------------------- */

struct keyset_opts {
	const char *kid, *password_file;
};

static const struct cmd_opt keyset_add_opts[] = {
	OPT_PASSWORD_FILE(struct keyset_opts),
	{ 0 }
};

static const struct cmd_opt keyset_kid_opts[] = {
	{ "kid", 0, OPT_STRING, offsetof(struct keyset_opts, kid), "kid",
	  "the key ID to look for (required)" },
	{ 0 }
};

/* Read a JWK Set file that may not exist yet, or be empty. */
static int
keyset_read(struct cmd_run *run, const char *path, int create, json_t **out)
{
	unsigned char *data = NULL;
	size_t len = 0, i;
	int r;

	if (create && !pkit_file_exists(path)) {
		*out = json_pack("{s:[]}", "keys");
		return *out != NULL ? PKIT_OK :
		    pkit_seterr(run->ctx, PKIT_ERR_NOMEM, "%s", path);
	}
	if ((r = pkit_file_read(run->ctx, path, KEYFILE_MAX, &data,
	    &len)) != 0)
		return r;
	for (i = 0; i < len && (data[i] == ' ' || data[i] == '\n' ||
	    data[i] == '\t' || data[i] == '\r'); i++)
		;
	if (i == len && create) {
		pkit_secret_free(data, len);
		*out = json_pack("{s:[]}", "keys");
		return *out != NULL ? PKIT_OK :
		    pkit_seterr(run->ctx, PKIT_ERR_NOMEM, "%s", path);
	}
	if (pkit_jwk_data_is_encrypted(data, len)) {
		pkit_secret_free(data, len);
		return pkit_seterr(run->ctx, PKIT_ERR_UNSUPPORTED,
		    "%s: an encrypted JWK Set cannot be edited in place",
		    path);
	}
	r = pkit_jwks_load(run->ctx, data, len, NULL, path, out);
	pkit_secret_free(data, len);
	return r;
}

static int
keyset_write(struct cmd_run *run, const char *path, const json_t *set)
{
	char *s, *t;
	size_t n;
	int r;

	if ((s = json_dumps(set, JSON_INDENT(2))) == NULL)
		return pkit_seterr(run->ctx, PKIT_ERR_NOMEM, "%s", path);
	n = strlen(s) + 1;
	if ((t = malloc(n + 1)) == NULL) {
		pkit_secret_strfree(s);
		return pkit_seterr(run->ctx, PKIT_ERR_NOMEM, "%s", path);
	}
	snprintf(t, n + 1, "%s\n", s);
	pkit_secret_strfree(s);
	/* A set may hold private keys: 0600, as step writes it. */
	r = pkit_file_write(run->ctx, path, t, n, PKIT_WRITE_PRIVATE |
	    PKIT_WRITE_FORCE);
	pkit_secret_free(t, n);
	return r;
}

static int
keyset_add(struct cmd_run *run, int argc, char **argv)
{
	struct keyset_opts o = { 0 };
	json_t *jwk = NULL, *set = NULL;
	char **args;
	int nargs, r;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	if ((r = cmd_jose_load_jwk(run, "-", o.password_file, 1, &jwk)) != 0 ||
	    (r = keyset_read(run, args[0], 1, &set)) != 0 ||
	    (r = pkit_jwks_add(run->ctx, set, jwk)) != 0 ||
	    (r = keyset_write(run, args[0], set)) != 0)
		r = cmd_fail(run, r);
	pkit_jwk_free(jwk);
	pkit_jwks_free(set);
	return r;
}

static int
keyset_remove(struct cmd_run *run, int argc, char **argv)
{
	struct keyset_opts o = { 0 };
	json_t *set = NULL;
	size_t n = 0;
	char **args;
	int nargs, r;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	if (o.kid == NULL)
		return cmd_usage_error(run, "--kid is required");
	if ((r = keyset_read(run, args[0], 0, &set)) != 0 ||
	    (r = pkit_jwks_remove(run->ctx, set, o.kid, &n)) != 0)
		goto fail;
	if (n == 0) {
		r = pkit_seterr(run->ctx, PKIT_ERR_NOT_FOUND,
		    "%s: no key with kid \"%s\"", args[0], o.kid);
		goto fail;
	}
	if ((r = keyset_write(run, args[0], set)) != 0)
		goto fail;
	pkit_jwks_free(set);
	return EXIT_OK;
fail:
	pkit_jwks_free(set);
	return cmd_fail(run, r);
}

static int
keyset_list(struct cmd_run *run, int argc, char **argv)
{
	struct keyset_opts o = { 0 };
	json_t *set = NULL, *k;
	char **args;
	size_t i;
	int nargs, r;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	if ((r = keyset_read(run, args[0], 0, &set)) != 0)
		return cmd_fail(run, r);
	json_array_foreach(json_object_get(set, "keys"), i, k) {
		const char *kid = json_string_value(json_object_get(k, "kid"));

		puts(kid != NULL ? kid : "");
	}
	pkit_jwks_free(set);
	return EXIT_OK;
}

static int
keyset_find(struct cmd_run *run, int argc, char **argv)
{
	struct keyset_opts o = { 0 };
	json_t *set = NULL, *k, *ord;
	char **args;
	size_t i, found = 0;
	int nargs, r;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	if (o.kid == NULL)
		return cmd_usage_error(run, "--kid is required");
	if ((r = keyset_read(run, args[0], 0, &set)) != 0)
		return cmd_fail(run, r);
	json_array_foreach(json_object_get(set, "keys"), i, k) {
		const char *kid = json_string_value(json_object_get(k, "kid"));

		if (kid == NULL || strcmp(kid, o.kid) != 0)
			continue;
		found++;
		if ((r = pkit_jwk_ordered(run->ctx, k, &ord)) == 0) {
			r = cmd_jose_print_json(run, ord, 0);
			json_decref(ord);
		}
		if (r != 0) {
			pkit_jwks_free(set);
			return cmd_fail(run, r);
		}
	}
	pkit_jwks_free(set);
	if (found == 0)
		return cmd_error("%s: no key with kid \"%s\"", args[0], o.kid);
	return EXIT_OK;
}

static const struct cmd cmd_keyset_add = {
	"add", keyset_add, NULL, "<jwks-file>", 1, 1,
	"add the JWK read from standard input to a JWK Set",
	"Reads a JWK from standard input (plain, encrypted as a JWE, or a PEM "
	"key)\nand appends it to the \"keys\" of the JWK Set in <jwks-file>, "
	"which is\ncreated when missing.  A key with the same kid and kty is "
	"refused.\nOther members of the set are kept.  The file is replaced "
	"atomically\nwith mode 0600.",
	"Add a public key to a set:\n"
	"  $ pkit crypto jwk keyset add jwks.json < pub.json\n",
	keyset_add_opts
};

static const struct cmd cmd_keyset_remove = {
	"remove", keyset_remove, NULL, "<jwks-file>", 1, 1,
	"remove the keys with a kid from a JWK Set",
	"Removes every key whose kid is --kid from "
	"the JWK Set in <jwks-file>.  "
	"It\nis an error when there is none.",
	"Remove a key:\n"
	"  $ pkit crypto jwk keyset remove --kid 1 jwks.json\n",
	keyset_kid_opts
};

static const struct cmd cmd_keyset_list = {
	"list", keyset_list, NULL, "<jwks-file>", 1, 1,
	"list the key IDs of a JWK Set",
	"Prints the kid of each key of the JWK Set in <jwks-file>, one per "
	"line\n(an empty line for a key without one).",
	"List the keys of a set:\n"
	"  $ pkit crypto jwk keyset list jwks.json\n",
	NULL
};

static const struct cmd cmd_keyset_find = {
	"find", keyset_find, NULL, "<jwks-file>", 1, 1,
	"print the keys of a JWK Set with a kid",
	"Prints each key of the JWK Set in <jwks-file> whose kid is --kid.  "
	"It is\nan error when there is none.",
	"Print one key of a set:\n"
	"  $ pkit crypto jwk keyset find --kid 1 jwks.json\n",
	keyset_kid_opts
};

static const struct cmd *const keyset_sub[] = {
	&cmd_keyset_add, &cmd_keyset_find, &cmd_keyset_list,
	&cmd_keyset_remove, NULL
};

static const struct cmd cmd_jwk_keyset = {
	"keyset", NULL, keyset_sub, NULL, 0, 0,
	"add, remove, list and find keys in JWK Sets",
	"A JWK Set (RFC 7517 §5) is a JSON object whose \"keys\" member is an "
	"array\nof JWKs.  These commands edit one in place and look keys up by "
	"kid.",
	"Add a key, then list the set:\n"
	"  $ pkit crypto jwk keyset add jwks.json < pub.json\n"
	"  $ pkit crypto jwk keyset list jwks.json\n"
};

static const struct cmd *const jwk_sub[] = {
	&cmd_jwk_create, &cmd_jwk_keyset, &cmd_jwk_public, &cmd_jwk_thumbprint,
	NULL
};

const struct cmd cmd_crypto_jwk = {
	"jwk", NULL, jwk_sub, NULL, 0, 0,
	"create and inspect JSON Web Keys and JWK Sets",
	"JSON Web Keys (RFC 7517) of EC (P-256, P-384, P-521), RSA, OKP "
	"(Ed25519,\nX25519) and oct keys: make them, "
	"take their public part and "
	"RFC 7638\nthumbprint, and keep them in JWK Sets.  Private JWKs are "
	"stored encrypted\nas step stores them.",
	"Make a key pair, then print the public key's thumbprint:\n"
	"  $ pkit crypto jwk create --password-file pw.txt pub.json priv.json\n"
	"  $ pkit crypto jwk thumbprint < pub.json\n"
};

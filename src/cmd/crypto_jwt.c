/* crypto_jwt.c - `pkit crypto jwt`: sign, verify, inspect and lint JSON
 * Web Tokens. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "crypto_jose.h"
#include "lib/jwk.h"
#include "lib/jws.h"
#include "lib/jwt_lint.h"
#include "lib/secret.h"
#include "lib/timeutil.h"
#include "lib/x509.h"

/* ---- jwt sign ------------------------------------------------------------ */

struct sign_opts {
	const char *alg, *iss, *sub, *exp, *nbf, *iat, *jti, *key, *jwks, *kid;
	const char *password_file, *x5c_cert;
	struct strvec aud, header;
	int subtle, insecure, no_kid, x5c_insecure;
};

static const struct cmd_opt sign_opts[] = {
	{ "alg", 0, OPT_STRING, offsetof(struct sign_opts, alg), "alg",
	  "signature algorithm (default: the key's \"alg\", or its type's)",
	  NULL, 0, "algorithm" },
	{ "iss", 0, OPT_STRING, offsetof(struct sign_opts, iss), "issuer",
	  "the issuer claim (iss)", NULL, 0, "issuer" },
	{ "aud", 0, OPT_LIST, offsetof(struct sign_opts, aud), "audience",
	  "an audience claim (aud); repeat for several", NULL, 0, "audience" },
	{ "sub", 0, OPT_STRING, offsetof(struct sign_opts, sub), "subject",
	  "the subject claim (sub)", NULL, 0, "subject" },
	{ "exp", 0, OPT_STRING, offsetof(struct sign_opts, exp), "time",
	  "expiry: Unix time, RFC 3339 time or duration from now (5m)", NULL,
	  0, "expiration" },
	{ "nbf", 0, OPT_STRING, offsetof(struct sign_opts, nbf), "time",
	  "not before (default now): Unix time, RFC 3339 or duration", NULL, 0,
	  "not-before" },
	{ "iat", 0, OPT_STRING, offsetof(struct sign_opts, iat), "time",
	  "issued at (default now): Unix time, RFC 3339 or duration", NULL, 0,
	  "issued-at" },
	{ "jti", 0, OPT_STRING, offsetof(struct sign_opts, jti), "id",
	  "the token ID claim (default: 256 random bits in hex)", NULL, 0,
	  "jwt-id" },
	{ "header", 0, OPT_LIST, offsetof(struct sign_opts, header),
	  "name=value", "add a protected header member (a JSON value or a "
	  "string)" },
	{ "key", 0, OPT_STRING, offsetof(struct sign_opts, key), "file",
	  "the signing key: a JWK (maybe encrypted) or a PEM private key",
	  NULL, OPT_F_FILE, "x5c-key" },
	{ "jwks", 0, OPT_STRING, offsetof(struct sign_opts, jwks), "file",
	  "a JWK Set holding the signing key (with --kid)", NULL, OPT_F_FILE },
	{ "kid", 0, OPT_STRING, offsetof(struct sign_opts, kid), "kid",
	  "the key ID: selects the key of --jwks, goes into the header" },
	{ "x5c-cert", 0, OPT_STRING, offsetof(struct sign_opts, x5c_cert),
	  "file", "put this certificate chain (of the key) in an x5c header",
	  NULL, OPT_F_FILE },
	{ "x5c-insecure", 0, OPT_BOOL, offsetof(struct sign_opts,
	  x5c_insecure), NULL, "name the --x5c-cert header x5cInsecure (a "
	  "chain step-ca does not validate: renew tokens)" },
	OPT_PASSWORD_FILE(struct sign_opts),
	{ "subtle", 0, OPT_BOOL, offsetof(struct sign_opts, subtle), NULL,
	  "allow a token without iss, aud, sub or exp, or already expired" },
	{ "no-kid", 0, OPT_BOOL, offsetof(struct sign_opts, no_kid), NULL,
	  "leave the kid out of the header", NULL, OPT_F_HIDDEN },
	OPT_INSECURE(struct sign_opts),
	{ 0 }
};

/* Unix seconds (as step takes them), else an RFC 3339 time or a
 * duration from now. */
static int
parse_when(struct cmd_run *run, const char *s, const char *flag, time_t now,
    json_int_t *out)
{
	time_t t = 0;
	long long v;
	char *end;
	int r;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (*s != '\0' && *end == '\0' && errno == 0) {
		*out = (json_int_t)v;
		return PKIT_OK;
	}
	if ((r = pkit_time_or_duration(run->ctx, s, now, flag, &t)) != 0)
		return r;
	*out = (json_int_t)t;
	return PKIT_OK;
}

/* --header name=value: value as JSON when it parses, else a string. */
static int
add_headers(struct cmd_run *run, const struct strvec *sv, json_t *hdr)
{
	size_t i;

	for (i = 0; i < sv->n; i++) {
		const char *eq = strchr(sv->v[i], '=');
		char name[128];
		json_t *v;

		if (eq == NULL || eq == sv->v[i] ||
		    (size_t)(eq - sv->v[i]) >= sizeof(name))
			return pkit_seterr(run->ctx, PKIT_ERR_USAGE,
			    "%s: --header '%s': expected name=value", run->path,
			    sv->v[i]);
		memcpy(name, sv->v[i], (size_t)(eq - sv->v[i]));
		name[eq - sv->v[i]] = '\0';
		if (strcmp(name, "alg") == 0)
			return pkit_seterr(run->ctx, PKIT_ERR_USAGE,
			    "%s: set the algorithm with --alg, not --header",
			    run->path);
		if ((v = json_loads(eq + 1, JSON_DECODE_ANY, NULL)) == NULL)
			v = json_string(eq + 1);
		if (v == NULL || json_object_set_new(hdr, name, v) != 0)
			return pkit_seterr(run->ctx, PKIT_ERR_NOMEM, "%s",
			    run->path);
	}
	return PKIT_OK;
}

/* The claims to sign: the JSON object read from the input, then the
 * flags. */
static int
sign_claims(struct cmd_run *run, const struct sign_opts *o, const char *in,
    json_t **out)
{
	unsigned char *data = NULL;
	size_t len = 0, i;
	time_t now = pkit_now(run->ctx);
	json_t *c = NULL;
	json_int_t t;
	char *jti = NULL;
	int r = PKIT_ERR_INTERNAL;

	/* No file and a terminal on stdin: no payload to wait for. */
	if (in != NULL || !isatty(STDIN_FILENO)) {
		if ((r = cmd_jose_read(run, in, PKIT_JWS_MAX, &data,
		    &len)) != 0)
			return r;
	}
	for (i = 0; i < len && strchr(" \t\r\n", data[i]) != NULL; i++)
		;
	if (i == len) {
		c = json_object();
	} else {
		json_error_t e;

		c = json_loadb((char *)data, len, JSON_REJECT_DUPLICATES, &e);
		if (c == NULL || !json_is_object(c)) {
			json_decref(c);
			free(data);
			return pkit_seterr(run->ctx, PKIT_ERR_FORMAT,
			    "%s: the claims are not a JSON object%s%s",
			    in != NULL && strcmp(in, "-") != 0 ? in :
			    "standard input", c == NULL ? ": " : "",
			    c == NULL ? e.text : "");
		}
	}
	free(data);
	if (c == NULL)
		return pkit_seterr(run->ctx, PKIT_ERR_NOMEM, "%s", run->path);
	if (o->iss != NULL)
		json_object_set_new(c, "iss", json_string(o->iss));
	if (o->sub != NULL)
		json_object_set_new(c, "sub", json_string(o->sub));
	if (o->aud.n == 1) {
		/* One audience is a string, as step writes it. */
		json_object_set_new(c, "aud", json_string(o->aud.v[0]));
	} else if (o->aud.n > 1) {
		json_t *a = json_array();

		for (i = 0; i < o->aud.n; i++)
			json_array_append_new(a, json_string(o->aud.v[i]));
		json_object_set_new(c, "aud", a);
	}
	if (o->exp != NULL) {
		if ((r = parse_when(run, o->exp, "--exp", now, &t)) != 0)
			goto out;
		json_object_set_new(c, "exp", json_integer(t));
	}
	t = (json_int_t)now;
	if (o->nbf != NULL && (r = parse_when(run, o->nbf, "--nbf", now,
	    &t)) != 0)
		goto out;
	if (o->nbf != NULL || json_object_get(c, "nbf") == NULL)
		json_object_set_new(c, "nbf", json_integer(t));
	t = (json_int_t)now;
	if (o->iat != NULL && (r = parse_when(run, o->iat, "--iat", now,
	    &t)) != 0)
		goto out;
	if (o->iat != NULL || json_object_get(c, "iat") == NULL)
		json_object_set_new(c, "iat", json_integer(t));
	if (o->jti != NULL) {
		json_object_set_new(c, "jti", json_string(o->jti));
	} else if (json_object_get(c, "jti") == NULL) {
		if ((r = pkit_jwt_new_jti(run->ctx, &jti)) != 0)
			goto out;
		json_object_set_new(c, "jti", json_string(jti));
	}
	/* What --subtle allows (step's rules). */
	if (!o->subtle) {
		json_t *exp = json_object_get(c, "exp");
		const char *missing =
		    json_object_get(c, "iss") == NULL ? "iss" :
		    json_object_get(c, "aud") == NULL ? "aud" :
		    json_object_get(c, "sub") == NULL ? "sub" :
		    exp == NULL ? "exp" : NULL;

		if (missing != NULL) {
			r = pkit_seterr(run->ctx, PKIT_ERR_USAGE,
			    "%s: '--%s' is required unless '--subtle' is used",
			    run->path, missing);
			goto out;
		}
		if (!json_is_number(exp) || json_number_value(exp) <=
		    (double)now) {
			r = pkit_seterr(run->ctx, PKIT_ERR_USAGE,
			    "%s: '--exp' must be in the future unless "
			    "'--subtle' is used", run->path);
			goto out;
		}
	}
	*out = c;
	c = NULL;
	r = PKIT_OK;
out:
	free(jti);
	json_decref(c);
	return r;
}

static int
jwt_sign(struct cmd_run *run, int argc, char **argv)
{
	struct sign_opts o;
	struct pkit_jwk_key *key = NULL;
	STACK_OF(X509) *chain = NULL;
	json_t *claims = NULL, *hdr = NULL, *x5c = NULL;
	const char *alg, *kid, *jalg;
	char **args, *tok = NULL;
	int nargs, r;

	memset(&o, 0, sizeof(o));
	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		goto done;
	if ((r = cmd_jose_key(run, o.key, o.jwks, o.kid, o.password_file,
	    o.insecure, &key)) != 0 ||
	    (r = sign_claims(run, &o, nargs ? args[0] : NULL, &claims)) != 0)
		goto fail;
	if ((hdr = json_object()) == NULL) {
		r = pkit_seterr(run->ctx, PKIT_ERR_NOMEM, "%s", run->path);
		goto fail;
	}
	kid = json_string_value(json_object_get(key->jwk, "kid"));
	if (kid != NULL && !o.no_kid)
		json_object_set_new(hdr, "kid", json_string(kid));
	if ((r = add_headers(run, &o.header, hdr)) != 0)
		goto fail;
	if (o.x5c_insecure && o.x5c_cert == NULL) {
		r = pkit_seterr(run->ctx, PKIT_ERR_USAGE,
		    "%s: --x5c-insecure goes with --x5c-cert", run->path);
		goto fail;
	}
	if (o.x5c_cert != NULL) {
		if ((r = pkit_x509_load_certs(run->ctx, o.x5c_cert,
		    &chain)) != 0 ||
		    (r = pkit_jws_x5c(run->ctx, chain, key, &x5c)) != 0)
			goto fail;
		json_object_set_new(hdr, o.x5c_insecure ? "x5cInsecure" :
		    "x5c", x5c);
	}
	jalg = json_string_value(json_object_get(key->jwk, "alg"));
	if (o.alg != NULL && jalg != NULL && strcmp(o.alg, jalg) != 0 &&
	    !o.subtle) {
		r = pkit_seterr(run->ctx, PKIT_ERR_USAGE,
		    "%s: --alg %s differs from the key's \"alg\" %s (use "
		    "--subtle to allow it)", run->path, o.alg, jalg);
		goto fail;
	}
	alg = pkit_jws_alg_for_key(key, o.alg);
	if (alg == NULL)
		alg = pkit_jwk_default_alg(key->jwk, "sig");
	if ((r = pkit_jwt_sign(run->ctx, key, alg, hdr, claims, o.insecure,
	    &tok)) != 0)
		goto fail;
	puts(tok);
	r = EXIT_OK;
	goto out;
fail:
	r = cmd_fail(run, r);
out:
	free(tok);
	sk_X509_pop_free(chain, X509_free);
	json_decref(claims);
	json_decref(hdr);
	pkit_jwk_key_free(key);
done:
	strvec_clear(&o.aud);
	strvec_clear(&o.header);
	return r;
}

static const struct cmd cmd_jwt_sign = {
	"sign", jwt_sign, NULL, "[<claims-file>|-]", 0, 1,
	"sign a JSON Web Token",
	"Makes a compact JWT (RFC 7519): the claims are the JSON object read "
	"from\n<claims-file> (or standard input, when it is not a terminal), "
	"with the\nclaims the flags give on top.  The header has \"typ\": "
	"\"JWT\", the alg and\nthe key's kid.  nbf and iat default to now and "
	"jti to 256 random bits.\n"
	"\n"
	"As in step, --iss, --aud, --sub and --exp are required and --exp must "
	"be in\nthe future, unless --subtle.  One "
	"--aud is written as a string, "
	"several as\nan array.  Times are Unix seconds (as step takes them), "
	"RFC 3339 times, or\ndurations from now such as 5m or 1h30m.\n"
	"\n"
	"The key is a private JWK (plain or encrypted), a PEM private key, or "
	"the\nkey of --jwks whose kid is --kid.  The algorithm is --alg, else "
	"the key's\n\"alg\", else its type's (ES256/384/512, EdDSA, RS256, "
	"HS256).  \"none\" is\nnever made; an HMAC key shorter than its hash "
	"and RSA below 2048 bits\nneed --insecure.  --x5c-cert adds the "
	"certificate chain of the key\n(--x5c-key is another name for --key), "
	"in an x5cInsecure header with\n--x5c-insecure.",
	"Mint a five-minute token with an EC key:\n"
	"  $ pkit crypto jwt sign --key priv.json --password-file pw.txt "
	"--iss me --aud https://api.example.com --sub alice --exp 5m\n"
	"Sign claims read from a file with a PEM key:\n"
	"  $ pkit crypto jwt sign --key key.pem --subtle claims.json\n",
	sign_opts
};

/* ---- jwt verify ---------------------------------------------------------- */

struct verify_opts {
	const char *iss, *aud, *alg, *key, *jwks, *kid, *password_file, *roots;
	int subtle, insecure, no_exp_check;
};

static const struct cmd_opt verify_opts[] = {
	{ "iss", 0, OPT_STRING, offsetof(struct verify_opts, iss), "issuer",
	  "the issuer the token must name (required unless --subtle)", NULL,
	  0, "issuer" },
	{ "aud", 0, OPT_STRING, offsetof(struct verify_opts, aud), "audience",
	  "an audience the token must name (required unless --subtle)", NULL,
	  0, "audience" },
	{ "alg", 0, OPT_STRING, offsetof(struct verify_opts, alg), "alg",
	  "the algorithm expected (default: the key's)", NULL, 0,
	  "algorithm" },
	{ "key", 0, OPT_STRING, offsetof(struct verify_opts, key), "file",
	  "the verification key: a JWK or a PEM key or certificate", NULL,
	  OPT_F_FILE },
	{ "jwks", 0, OPT_STRING, offsetof(struct verify_opts, jwks), "file|url",
	  "a JWK Set (file or https:// URL); the token's kid (or --kid) "
	  "picks the key", NULL, OPT_F_FILE },
	{ "kid", 0, OPT_STRING, offsetof(struct verify_opts, kid), "kid",
	  "the key ID; the token's kid must match it" },
	{ "roots", 0, OPT_STRING, offsetof(struct verify_opts, roots), "file",
	  "trusted roots (PEM file or directory): the key is the leaf of the "
	  "token's x5c chain", NULL, OPT_F_FILE, "root" },
	OPT_PASSWORD_FILE(struct verify_opts),
	{ "subtle", 0, OPT_BOOL, offsetof(struct verify_opts, subtle), NULL,
	  "do not require --iss and --aud" },
	{ "no-exp-check", 0, OPT_BOOL, offsetof(struct verify_opts,
	  no_exp_check), NULL, "accept an expired token (needs --insecure)",
	  NULL, OPT_F_HIDDEN },
	OPT_INSECURE(struct verify_opts),
	{ 0 }
};

static int
read_token(struct cmd_run *run, int nargs, char **args, char **out,
    size_t *len)
{
	unsigned char *data = NULL;
	int r;

	if ((r = cmd_jose_read(run, nargs ? args[0] : NULL, PKIT_JWS_MAX,
	    &data, len)) != 0)
		return r;
	*out = (char *)data;
	return PKIT_OK;
}

static int
jwt_verify(struct cmd_run *run, int argc, char **argv)
{
	struct verify_opts o = { 0 };
	struct pkit_jwt_verify_opts vo;
	struct pkit_jwk_key *key = NULL;
	json_t *hdr = NULL, *insp = NULL;
	const char *kid;
	char **args, *tok = NULL;
	size_t len = 0;
	int nargs, r;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	if (!o.subtle && !o.insecure && (o.iss == NULL || o.aud == NULL))
		return cmd_usage_error(run, "'--%s' is required unless "
		    "'--subtle' is used", o.iss == NULL ? "iss" : "aud");
	if (o.no_exp_check && !o.insecure)
		return cmd_usage_error(run,
		    "'--no-exp-check' requires the '--insecure' flag");
	if (o.roots != NULL && (o.key != NULL || o.jwks != NULL))
		return cmd_usage_error(run, "'--roots' takes the key from the "
		    "token's x5c header: not with '--%s'", o.key != NULL ?
		    "key" : "jwks");
	if ((r = read_token(run, nargs, args, &tok, &len)) != 0)
		goto fail;
	kid = o.kid;
	if (o.roots != NULL) {
		if ((r = pkit_jwt_decode(run->ctx, tok, len, &hdr, NULL,
		    NULL)) != 0 ||
		    (r = pkit_jws_x5c_key(run->ctx, hdr, o.roots, &key)) != 0)
			goto fail;
	} else if (o.jwks != NULL && kid == NULL) {
		/* The token names its key. */
		if ((r = pkit_jwt_decode(run->ctx, tok, len, &hdr, NULL,
		    NULL)) != 0)
			goto fail;
		if ((kid = json_string_value(json_object_get(hdr, "kid"))) ==
		    NULL) {
			r = pkit_seterr(run->ctx, PKIT_ERR_USAGE,
			    "%s: the token has no kid: --jwks needs --kid",
			    run->path);
			goto fail;
		}
	}
	if (key == NULL && (r = cmd_jose_key(run, o.key, o.jwks, kid,
	    o.password_file, o.insecure, &key)) != 0)
		goto fail;
	memset(&vo, 0, sizeof(vo));
	vo.alg = o.alg;
	vo.kid = o.kid;
	vo.iss = o.iss;
	vo.aud = o.aud;
	vo.skew = PKIT_JWT_SKEW;
	vo.no_exp_check = o.no_exp_check;
	vo.insecure = o.insecure;
	if ((r = pkit_jwt_verify(run->ctx, tok, len, key, &vo, NULL,
	    NULL)) != 0 ||
	    (r = pkit_jwt_to_inspect(run->ctx, tok, len, &insp)) != 0 ||
	    (r = cmd_jose_print_json(run, insp, 1)) != 0)
		goto fail;
	r = EXIT_OK;
	goto out;
fail:
	r = cmd_fail(run, r);
out:
	json_decref(hdr);
	json_decref(insp);
	free(tok);
	pkit_jwk_key_free(key);
	return r;
}

static const struct cmd cmd_jwt_verify = {
	"verify", jwt_verify, NULL, "[<token-file>|-]", 0, 1,
	"verify a JSON Web Token and print it",
	"Reads a compact JWT from <token-file> or standard input, verifies it "
	"and\nprints its header, claims and signature as JSON (as jwt inspect "
	"does).  The\nexit status is 1 when it does not verify.\n"
	"\n"
	"The checks: the token is well formed; its alg is the one expected "
	"(--alg,\nelse the key's \"alg\"; EC and Ed25519 keys allow only one) "
	"and suits the key\n(no HMAC with a public key); \"alg\": \"none\" and "
	"any \"crit\" are refused;\nthe signature verifies; iss and aud match "
	"--iss and --aud; exp, nbf and iat\nhold now, with one minute of "
	"clock skew as step-ca allows.\n"
	"\n"
	"--iss and --aud are required unless --subtle (or --insecure).  "
	"--insecure\nalso accepts a token whose algorithm the key does not pin "
	"(an RSA or oct\nkey without \"alg\" and no --alg), and short HMAC "
	"keys.\n"
	"\n"
	"With --jwks (a file, or an https:// URL such as an OIDC provider's\n"
	"jwks_uri) the token's kid picks the key.\n"
	"\n"
	"With --roots the key is the leaf certificate's of the token's x5c "
	"header:\nthe chain must lead to one of the roots now, the leaf's key "
	"usage must\nallow digitalSignature, and an x5t#S256 (or x5t) header "
	"must be the leaf's\nthumbprint.",
	"Verify a token signed by a provisioner key:\n"
	"  $ pkit crypto jwt verify --key pub.json --iss me "
	"--aud https://api.example.com < token.txt\n"
	"Verify against a JWK Set:\n"
	"  $ pkit crypto jwt verify --jwks jwks.json --iss me --aud api "
	"token.txt\n"
	"Verify a token that carries its certificate chain (x5c):\n"
	"  $ pkit crypto jwt verify --roots root_ca.crt --iss me --aud api "
	"token.txt\n",
	verify_opts
};

/* ---- jwt inspect --------------------------------------------------------- */

struct inspect_opts {
	int insecure;
};

static const struct cmd_opt inspect_opts[] = {
	{ "insecure", 0, OPT_BOOL, offsetof(struct inspect_opts, insecure),
	  NULL, "required: the token is decoded without being verified" },
	{ 0 }
};

static int
jwt_inspect(struct cmd_run *run, int argc, char **argv)
{
	struct inspect_opts o = { 0 };
	json_t *insp = NULL;
	char **args, *tok = NULL;
	size_t len = 0;
	int nargs, r;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	if (!o.insecure)
		return cmd_usage_error(run, "'--insecure' is required: "
		    "inspect does not verify the token");
	if ((r = read_token(run, nargs, args, &tok, &len)) != 0 ||
	    (r = pkit_jwt_to_inspect(run->ctx, tok, len, &insp)) != 0 ||
	    (r = cmd_jose_print_json(run, insp, 1)) != 0)
		r = cmd_fail(run, r);
	json_decref(insp);
	free(tok);
	return r;
}

static const struct cmd cmd_jwt_inspect = {
	"inspect", jwt_inspect, NULL, "[<token-file>|-]", 0, 1,
	"decode a JSON Web Token without verifying it",
	"Reads a compact JWT from <token-file> or standard input and prints "
	"its\nheader, claims and signature as JSON, the way step does, without "
	"checking\nanything.  --insecure is required, as a reminder that "
	"nothing printed is\nvouched for.",
	"Look inside a token:\n"
	"  $ pkit crypto jwt inspect --insecure < token.txt\n",
	inspect_opts
};

/* ---- jwt lint ------------------------------------------------------------ */

struct lint_opts {
	const char *key, *jwks, *typ, *max_lifetime, *format, *password_file;
	long max_size;
	int list_rules;
};

static const struct cmd_opt lint_opts[] = {
	{ "key", 0, OPT_STRING, offsetof(struct lint_opts, key), "file",
	  "a key to check the signature and alg against", NULL, OPT_F_FILE },
	{ "jwks", 0, OPT_STRING, offsetof(struct lint_opts, jwks), "file",
	  "a JWK Set the token's kid should be in", NULL, OPT_F_FILE },
	{ "typ", 0, OPT_STRING, offsetof(struct lint_opts, typ), "type",
	  "the \"typ\" the token must have" },
	{ "max-lifetime", 0, OPT_STRING, offsetof(struct lint_opts,
	  max_lifetime), "duration", "longest acceptable lifetime (default "
	  "24h)" },
	{ "max-size", 0, OPT_INT, offsetof(struct lint_opts, max_size), "bytes",
	  "largest acceptable token (default 8192)" },
	OPT_FORMAT(struct lint_opts, "output format: text (default) or json",
	    "text json"),
	{ "list-rules", 0, OPT_BOOL, offsetof(struct lint_opts, list_rules),
	  NULL, "print the rules, their levels and sources" },
	OPT_PASSWORD_FILE(struct lint_opts),
	{ 0 }
};

static int
jwt_lint(struct cmd_run *run, int argc, char **argv)
{
	struct lint_opts o = { 0 };
	struct pkit_jwt_lint_opts lo;
	struct pkit_jwt_lint_report *rep = NULL;
	struct pkit_jwk_key *key = NULL;
	json_t *jwk = NULL, *set = NULL;
	char **args, *tok = NULL, *text = NULL;
	const char *name;
	size_t len = 0;
	int64_t ns = 0;
	int nargs, r, json;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	json = o.format != NULL && strcmp(o.format, "json") == 0;
	if (o.list_rules) {
		if (nargs > 0)
			return cmd_usage_error(run,
			    "--list-rules takes no token");
		if ((r = pkit_jwt_lint_rules_render(run->ctx, json,
		    &text)) != 0)
			return cmd_fail(run, r);
		fputs(text, stdout);
		free(text);
		return EXIT_OK;
	}
	if (o.max_size < 0)
		return cmd_usage_error(run, "--max-size must be positive");
	memset(&lo, 0, sizeof(lo));
	if (o.max_lifetime != NULL) {
		if ((r = pkit_duration_parse(run->ctx, o.max_lifetime,
		    "--max-lifetime", &ns)) != 0)
			goto fail;
		if (ns <= 0) {
			r = pkit_seterr(run->ctx, PKIT_ERR_USAGE,
			    "%s: --max-lifetime must be positive", run->path);
			goto fail;
		}
		lo.max_lifetime = (long)(ns / PKIT_NS_PER_SEC);
	}
	name = nargs && strcmp(args[0], "-") != 0 ? args[0] : "standard input";
	if ((r = read_token(run, nargs, args, &tok, &len)) != 0)
		goto fail;
	if (o.key != NULL) {
		if ((r = cmd_jose_load_jwk(run, o.key, o.password_file, 1,
		    &jwk)) != 0 ||
		    (r = pkit_jwk_key_new(run->ctx, jwk, &key)) != 0)
			goto fail;
		lo.key = key;
	}
	if (o.jwks != NULL) {
		if ((r = cmd_jose_load_jwks(run, o.jwks, o.password_file,
		    &set)) != 0)
			goto fail;
		lo.jwks = set;
	}
	lo.typ = o.typ;
	lo.max_size = (size_t)o.max_size;
	if ((r = pkit_jwt_lint(run->ctx, tok, len, &lo, &rep)) != 0 ||
	    (r = json ? pkit_jwt_lint_report_json(run->ctx, rep, name, &text) :
	    pkit_jwt_lint_report_text(run->ctx, rep, name, &text)) != 0)
		goto fail;
	fputs(text, stdout);
	r = rep->errors > 0 ? EXIT_FAIL : EXIT_OK;
	goto out;
fail:
	r = cmd_fail(run, r);
out:
	free(text);
	free(tok);
	pkit_jwt_lint_report_free(rep);
	pkit_jwk_key_free(key);
	pkit_jwk_free(jwk);
	pkit_jwks_free(set);
	return r;
}

static const struct cmd cmd_jwt_lint = {
	"lint", jwt_lint, NULL, "[<token-file>|-]", 0, 1,
	"check a JWT's header and claims against best practice",
	"Runs a table of rules (RFC 7515, 7519 and the JWT best practices of "
	"RFC\n8725) over the header and claims of a compact JWT read from "
	"<token-file>\nor standard input, and prints each finding: its level, "
	"the rule, what is\nwrong and where the rule comes from.  The token "
	"need not verify: linting\nreads what it says.  Among the rules: alg "
	"\"none\" or unknown, HS* with a\nkey shorter than the hash, missing "
	"exp, iat, aud or iss, a lifetime over\n--max-lifetime, nbf or iat "
	"after exp, iat in the future, jku, x5u or jwk\nheaders (key "
	"injection), crit, a kid missing from --jwks, a typ other\nthan --typ "
	"and a token over --max-size.\n"
	"\n"
	"With --key the rules that need one run too: the alg suits the key, "
	"the\nHMAC key is long enough, the signature verifies.  --list-rules "
	"prints the\ntable.  The exit status is 1 when a rule of level error "
	"fails, 0 otherwise.",
	"Lint a token:\n"
	"  $ pkit crypto jwt lint token.txt\n"
	"Lint as JSON, against the key that should have signed it:\n"
	"  $ pkit crypto jwt lint --format json --key pub.json < token.txt\n"
	"Show every rule:\n"
	"  $ pkit crypto jwt lint --list-rules\n",
	lint_opts
};

static const struct cmd *const jwt_sub[] = {
	&cmd_jwt_inspect, &cmd_jwt_lint, &cmd_jwt_sign, &cmd_jwt_verify, NULL
};

const struct cmd cmd_crypto_jwt = {
	"jwt", NULL, jwt_sub, NULL, 0, 0,
	"sign, verify, inspect and lint JSON Web Tokens",
	"JSON Web Tokens (RFC 7519) in the compact JWS serialization, signed "
	"with\nHS256/384/512, RS256/384/512, PS256/384/512, ES256/384/512 or "
	"EdDSA.\nTokens minted here verify in step-ca and other JOSE "
	"libraries, and theirs\nverify here.",
	"Mint a token, then verify it:\n"
	"  $ pkit crypto jwt sign --key priv.json --iss me --aud api --sub "
	"alice --exp 5m > token.txt\n"
	"  $ pkit crypto jwt verify --key pub.json --iss me --aud api < "
	"token.txt\n"
};

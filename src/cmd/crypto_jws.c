/* crypto_jws.c - `pkit crypto jws`: sign, verify and inspect JSON Web
 * Signatures (compact and JSON serialization, detached payloads). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "crypto_jose.h"
#include "lib/jwk.h"
#include "lib/jws.h"
#include "lib/x509.h"

/* Payloads are read whole; 16 MiB is plenty for a signed object. */
#define PAYLOAD_MAX (16u * 1024 * 1024)

static const char *
display(const char *path)
{
	return path == NULL || strcmp(path, "-") == 0 ? "standard input" : path;
}

/* ---- jws sign ------------------------------------------------------------ */

struct sign_opts {
	const char *alg, *jku, *typ, *cty, *key, *jwks, *kid, *password_file;
	const char *x5c_cert;
	int jwk, json, detached, subtle, insecure;
};

static const struct cmd_opt sign_opts[] = {
	{ "alg", 0, OPT_STRING, offsetof(struct sign_opts, alg), "alg",
	  "signature algorithm (default: the key's \"alg\", or its type's)",
	  NULL, 0, "algorithm" },
	{ "key", 0, OPT_STRING, offsetof(struct sign_opts, key), "file",
	  "the signing key: a JWK (maybe encrypted) or a PEM private key",
	  NULL, OPT_F_FILE, "x5c-key" },
	{ "jwks", 0, OPT_STRING, offsetof(struct sign_opts, jwks), "file",
	  "a JWK Set holding the signing key (with --kid)", NULL, OPT_F_FILE },
	{ "kid", 0, OPT_STRING, offsetof(struct sign_opts, kid), "kid",
	  "the key ID: selects the key of --jwks, goes into the header" },
	{ "typ", 0, OPT_STRING, offsetof(struct sign_opts, typ), "type",
	  "the \"typ\" header", NULL, 0, "type" },
	{ "cty", 0, OPT_STRING, offsetof(struct sign_opts, cty), "type",
	  "the \"cty\" (content type) header" },
	{ "jku", 0, OPT_STRING, offsetof(struct sign_opts, jku), "url",
	  "the \"jku\" header: a URL of the JWK Set with the key" },
	{ "jwk", 0, OPT_BOOL, offsetof(struct sign_opts, jwk), NULL,
	  "put the public key in a \"jwk\" header" },
	{ "x5c-cert", 0, OPT_STRING, offsetof(struct sign_opts, x5c_cert),
	  "file", "put this certificate chain (of the key) in an x5c header",
	  NULL, OPT_F_FILE },
	{ "json", 0, OPT_BOOL, offsetof(struct sign_opts, json), NULL,
	  "write the flattened JSON serialization" },
	{ "detached", 0, OPT_BOOL, offsetof(struct sign_opts, detached), NULL,
	  "leave the payload out (RFC 7515 appendix F)" },
	OPT_PASSWORD_FILE(struct sign_opts),
	{ "subtle", 0, OPT_BOOL, offsetof(struct sign_opts, subtle), NULL,
	  "allow an --alg other than the key's \"alg\"" },
	OPT_INSECURE(struct sign_opts),
	{ 0 }
};

static int
jws_sign(struct cmd_run *run, int argc, char **argv)
{
	struct sign_opts o = { 0 };
	struct pkit_jws_sign_opts so;
	struct pkit_jwk_key *key = NULL;
	STACK_OF(X509) *chain = NULL;
	json_t *hdr = NULL, *pub = NULL, *x5c = NULL;
	unsigned char *payload = NULL;
	const char *kid, *jalg;
	char **args, *out = NULL;
	size_t len = 0;
	int nargs, r;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	if ((r = cmd_jose_key(run, o.key, o.jwks, o.kid, o.password_file,
	    o.insecure, &key)) != 0 ||
	    (r = cmd_jose_read(run, nargs ? args[0] : NULL, PAYLOAD_MAX,
	    &payload, &len)) != 0)
		goto fail;
	if ((hdr = json_object()) == NULL) {
		r = pkit_seterr(run->ctx, PKIT_ERR_NOMEM, "%s", run->path);
		goto fail;
	}
	if ((kid = json_string_value(json_object_get(key->jwk, "kid"))) != NULL)
		json_object_set_new(hdr, "kid", json_string(kid));
	if (o.typ != NULL)
		json_object_set_new(hdr, "typ", json_string(o.typ));
	if (o.cty != NULL)
		json_object_set_new(hdr, "cty", json_string(o.cty));
	if (o.jku != NULL)
		json_object_set_new(hdr, "jku", json_string(o.jku));
	if (o.jwk) {
		if (strcmp(key->kty, "oct") == 0) {
			r = pkit_seterr(run->ctx, PKIT_ERR_USAGE,
			    "%s: --jwk would publish the oct key", run->path);
			goto fail;
		}
		if ((r = pkit_jwk_public(run->ctx, key->jwk, &pub)) != 0)
			goto fail;
		json_object_set_new(hdr, "jwk", pub);
	}
	if (o.x5c_cert != NULL) {
		if ((r = pkit_x509_load_certs(run->ctx, o.x5c_cert,
		    &chain)) != 0 ||
		    (r = pkit_jws_x5c(run->ctx, chain, key, &x5c)) != 0)
			goto fail;
		json_object_set_new(hdr, "x5c", x5c);
	}
	jalg = json_string_value(json_object_get(key->jwk, "alg"));
	if (o.alg != NULL && jalg != NULL && strcmp(o.alg, jalg) != 0 &&
	    !o.subtle) {
		r = pkit_seterr(run->ctx, PKIT_ERR_USAGE,
		    "%s: --alg %s differs from the key's \"alg\" %s (use "
		    "--subtle to allow it)", run->path, o.alg, jalg);
		goto fail;
	}
	memset(&so, 0, sizeof(so));
	so.alg = pkit_jws_alg_for_key(key, o.alg);
	if (so.alg == NULL)
		so.alg = pkit_jwk_default_alg(key->jwk, "sig");
	so.header = hdr;
	so.json = o.json;
	so.detached = o.detached;
	so.insecure = o.insecure;
	if ((r = pkit_jws_sign(run->ctx, key, &so, payload, len, &out)) != 0)
		goto fail;
	puts(out);
	r = EXIT_OK;
	goto out;
fail:
	r = cmd_fail(run, r);
out:
	free(out);
	free(payload);
	sk_X509_pop_free(chain, X509_free);
	json_decref(hdr);
	pkit_jwk_key_free(key);
	return r;
}

static const struct cmd cmd_jws_sign = {
	"sign", jws_sign, NULL, "[<payload-file>|-]", 0, 1,
	"sign a payload as a JSON Web Signature",
	"Signs the bytes of <payload-file> (or standard input) and prints the "
	"JWS in\nthe compact serialization, or with --json in the flattened "
	"JSON one.\n--detached leaves the payload out (RFC 7515 appendix F): "
	"give it to jws\nverify with --payload.\n"
	"\n"
	"The key is a private JWK (plain or encrypted), a PEM private key, or "
	"the\nkey of --jwks whose kid is --kid; the header gets its kid.  The "
	"algorithm\nis --alg, else the key's \"alg\", else its type's "
	"(ES256/384/512, EdDSA,\nRS256, HS256).  --typ, --cty, --jku, --jwk "
	"and --x5c-cert add headers.",
	"Sign a file with an Ed25519 JWK:\n"
	"  $ pkit crypto jws sign --key ed.json doc.txt > doc.jws\n"
	"Make a detached JSON signature with an RSA-PSS algorithm:\n"
	"  $ pkit crypto jws sign --key rsa.pem --alg PS256 --json --detached "
	"doc.txt\n",
	sign_opts
};

/* ---- jws verify ---------------------------------------------------------- */

struct verify_opts {
	const char *alg, *key, *jwks, *kid, *password_file, *payload, *roots;
	int json, subtle, insecure;
};

static const struct cmd_opt verify_opts[] = {
	{ "alg", 0, OPT_STRING, offsetof(struct verify_opts, alg), "alg",
	  "the algorithm expected (default: the key's)", NULL, 0,
	  "algorithm" },
	{ "key", 0, OPT_STRING, offsetof(struct verify_opts, key), "file",
	  "the verification key: a JWK or a PEM key or certificate", NULL,
	  OPT_F_FILE },
	{ "jwks", 0, OPT_STRING, offsetof(struct verify_opts, jwks), "file",
	  "a JWK Set; the JWS's kid (or --kid) picks the key", NULL,
	  OPT_F_FILE },
	{ "kid", 0, OPT_STRING, offsetof(struct verify_opts, kid), "kid",
	  "the key ID; a kid in the JWS must match it" },
	{ "roots", 0, OPT_STRING, offsetof(struct verify_opts, roots), "file",
	  "trusted roots (PEM file or directory): the key is the leaf of the "
	  "JWS's x5c chain", NULL, OPT_F_FILE, "root" },
	{ "payload", 0, OPT_STRING, offsetof(struct verify_opts, payload),
	  "file", "the payload of a detached JWS", NULL, OPT_F_FILE },
	{ "json", 0, OPT_BOOL, offsetof(struct verify_opts, json), NULL,
	  "print header, payload (base64url) and signature as JSON" },
	OPT_PASSWORD_FILE(struct verify_opts),
	{ "subtle", 0, OPT_BOOL, offsetof(struct verify_opts, subtle), NULL,
	  "(accepted for step compatibility; changes nothing)", NULL,
	  OPT_F_HIDDEN },
	OPT_INSECURE(struct verify_opts),
	{ 0 }
};

static int
jws_verify(struct cmd_run *run, int argc, char **argv)
{
	struct verify_opts o = { 0 };
	struct pkit_jws_verify_opts vo;
	struct pkit_jws *jws = NULL;
	struct pkit_jwk_key *key = NULL;
	json_t *insp = NULL;
	unsigned char *in = NULL, *payload = NULL;
	size_t inlen = 0, plen = 0, which = 0;
	const char *kid;
	char **args;
	int nargs, r;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	if (o.roots != NULL && (o.key != NULL || o.jwks != NULL))
		return cmd_usage_error(run, "'--roots' takes the key from the "
		    "JWS's x5c header: not with '--%s'", o.key != NULL ?
		    "key" : "jwks");
	if ((r = cmd_jose_read(run, nargs ? args[0] : NULL, PKIT_JWS_MAX, &in,
	    &inlen)) != 0 ||
	    (r = pkit_jws_parse(run->ctx, (char *)in, inlen,
	    display(nargs ? args[0] : NULL), &jws)) != 0)
		goto fail;
	if (o.payload != NULL) {
		if (!jws->detached) {
			r = pkit_seterr(run->ctx, PKIT_ERR_USAGE,
			    "%s: --payload is for a detached JWS; this one "
			    "carries its payload", run->path);
			goto fail;
		}
		if ((r = cmd_jose_read(run, o.payload, PAYLOAD_MAX, &payload,
		    &plen)) != 0 ||
		    (r = pkit_jws_set_payload(run->ctx, jws, payload,
		    plen)) != 0)
			goto fail;
	} else if (jws->detached) {
		r = pkit_seterr(run->ctx, PKIT_ERR_USAGE,
		    "%s: the JWS carries no payload: give it with --payload "
		    "(/dev/null for an empty one)", run->path);
		goto fail;
	}
	kid = o.kid;
	if (o.jwks != NULL && kid == NULL &&
	    (kid = json_string_value(json_object_get(jws->sigs[0].joined,
	    "kid"))) == NULL) {
		r = pkit_seterr(run->ctx, PKIT_ERR_USAGE,
		    "%s: the JWS has no kid: --jwks needs --kid", run->path);
		goto fail;
	}
	if (o.roots != NULL) {
		size_t i;

		/* The first signature that carries a chain. */
		for (i = 0; i + 1 < jws->nsig && json_object_get(
		    jws->sigs[i].joined, "x5c") == NULL; i++)
			;
		if ((r = pkit_jws_x5c_key(run->ctx, jws->sigs[i].joined,
		    o.roots, &key)) != 0)
			goto fail;
	} else if ((r = cmd_jose_key(run, o.key, o.jwks, kid,
	    o.password_file, o.insecure, &key)) != 0)
		goto fail;
	memset(&vo, 0, sizeof(vo));
	vo.alg = o.alg;
	vo.kid = o.kid;
	vo.insecure = o.insecure;
	if ((r = pkit_jws_verify(run->ctx, jws, key, &vo, &which)) != 0)
		goto fail;
	if (o.json) {
		if ((r = pkit_jws_to_inspect(run->ctx, jws, &insp)) != 0 ||
		    (r = cmd_jose_print_json(run, insp, 1)) != 0)
			goto fail;
	} else if (!jws->detached || o.payload == NULL) {
		fwrite(jws->payload, 1, jws->payload_len, stdout);
	}
	r = EXIT_OK;
	goto out;
fail:
	r = cmd_fail(run, r);
out:
	json_decref(insp);
	free(in);
	free(payload);
	pkit_jws_free(jws);
	pkit_jwk_key_free(key);
	return r;
}

static const struct cmd cmd_jws_verify = {
	"verify", jws_verify, NULL, "[<jws-file>|-]", 0, 1,
	"verify a JSON Web Signature and print its payload",
	"Reads a JWS in compact or JSON serialization (flattened or general) "
	"from\n<jws-file> or standard input, verifies it and prints the "
	"payload, or with\n--json the header, payload and signature.  With "
	"several signatures, one\nmade with the key must verify.  A detached "
	"JWS needs its payload: --payload.\n"
	"\n"
	"The alg must be the one expected (--alg, else the key's \"alg\"; EC "
	"and\nEd25519 keys allow only one) and suit the key: \"none\", an HMAC "
	"keyed with\na public key, any \"crit\" and signatures of the wrong "
	"length are refused.\n--insecure accepts an algorithm the key does not "
	"pin (an RSA or oct key\nwithout \"alg\") and short HMAC keys.  The "
	"exit status is 1 when the JWS\ndoes not verify.\n"
	"\n"
	"With --roots the key is the leaf certificate's of the x5c header: "
	"the\nchain must lead to one of the roots now, the leaf's key usage "
	"must allow\ndigitalSignature, and an x5t#S256 (or x5t) header must be "
	"the leaf's\nthumbprint.",
	"Verify a JWS and print its payload:\n"
	"  $ pkit crypto jws verify --key ed.pub.json < doc.jws\n"
	"Verify a detached signature:\n"
	"  $ pkit crypto jws verify --key rsa.pub.pem --alg PS256 --payload "
	"doc.txt doc.jws\n",
	verify_opts
};

/* ---- jws inspect --------------------------------------------------------- */

struct inspect_opts {
	int json, insecure;
};

static const struct cmd_opt inspect_opts[] = {
	{ "json", 0, OPT_BOOL, offsetof(struct inspect_opts, json), NULL,
	  "print header, payload (base64url) and signature as JSON" },
	{ "insecure", 0, OPT_BOOL, offsetof(struct inspect_opts, insecure),
	  NULL, "required: the JWS is decoded without being verified" },
	{ 0 }
};

static int
jws_inspect(struct cmd_run *run, int argc, char **argv)
{
	struct inspect_opts o = { 0 };
	struct pkit_jws *jws = NULL;
	json_t *insp = NULL;
	unsigned char *in = NULL;
	size_t inlen = 0;
	char **args;
	int nargs, r;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	if (!o.insecure)
		return cmd_usage_error(run, "'--insecure' is required: "
		    "inspect does not verify the signature");
	if ((r = cmd_jose_read(run, nargs ? args[0] : NULL, PKIT_JWS_MAX, &in,
	    &inlen)) != 0 ||
	    (r = pkit_jws_parse(run->ctx, (char *)in, inlen,
	    display(nargs ? args[0] : NULL), &jws)) != 0)
		goto fail;
	if (o.json) {
		if ((r = pkit_jws_to_inspect(run->ctx, jws, &insp)) != 0 ||
		    (r = cmd_jose_print_json(run, insp, 1)) != 0)
			goto fail;
	} else {
		fwrite(jws->payload, 1, jws->payload_len, stdout);
	}
	r = EXIT_OK;
	goto out;
fail:
	r = cmd_fail(run, r);
out:
	json_decref(insp);
	free(in);
	pkit_jws_free(jws);
	return r;
}

static const struct cmd cmd_jws_inspect = {
	"inspect", jws_inspect, NULL, "[<jws-file>|-]", 0, 1,
	"decode a JSON Web Signature without verifying it",
	"Reads a JWS from <jws-file> or standard input and prints its payload, "
	"or\nwith --json its header, payload (base64url) and signature, "
	"without checking\nthe signature.  --insecure is required.",
	"Print the payload of a JWS:\n"
	"  $ pkit crypto jws inspect --insecure < doc.jws\n"
	"Print its parts:\n"
	"  $ pkit crypto jws inspect --insecure --json doc.jws\n",
	inspect_opts
};

static const struct cmd *const jws_sub[] = {
	&cmd_jws_inspect, &cmd_jws_sign, &cmd_jws_verify, NULL
};

const struct cmd cmd_crypto_jws = {
	"jws", NULL, jws_sub, NULL, 0, 0,
	"sign, verify and inspect JSON Web Signatures",
	"JSON Web Signatures (RFC 7515) over any payload, in the compact and "
	"JSON\nserializations, with detached payloads.  Algorithms: "
	"HS256/384/512,\nRS256/384/512, PS256/384/512, ES256/384/512 and "
	"EdDSA (Ed25519).",
	"Sign a file, then verify it:\n"
	"  $ pkit crypto jws sign --key priv.json doc.txt > doc.jws\n"
	"  $ pkit crypto jws verify --key pub.json < doc.jws\n"
};

/* crypto_jwe.c - `pkit crypto jwe`: encrypt and decrypt JSON Web
 * Encryption objects. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "crypto_jose.h"
#include "lib/jwe.h"
#include "lib/jwk.h"
#include "lib/secret.h"

static const char *
display(const char *path)
{
	return path == NULL || strcmp(path, "-") == 0 ? "standard input" : path;
}

/* ---- jwe encrypt --------------------------------------------------------- */

struct encrypt_opts {
	const char *alg, *enc, *jwks, *kid, *typ, *cty, *password_file;
	struct strvec key;
	long p2c;
	int compact, subtle;
};

static const struct cmd_opt encrypt_opts[] = {
	{ "alg", 0, OPT_STRING, offsetof(struct encrypt_opts, alg), "alg",
	  "key management: RSA-OAEP(-256), A*KW, A*GCMKW, dir, ECDH-ES(+A*KW) "
	  "or PBES2-* (default: the key's)", NULL, 0, "algorithm" },
	{ "enc", 0, OPT_STRING, offsetof(struct encrypt_opts, enc), "enc",
	  "content encryption (default A256GCM)",
	  "A128GCM A192GCM A256GCM A128CBC-HS256 A192CBC-HS384 A256CBC-HS512",
	  OPT_F_CHOICE },
	{ "key", 0, OPT_LIST, offsetof(struct encrypt_opts, key), "file",
	  "a recipient's key: a JWK or a PEM key or certificate; repeat for "
	  "several recipients", NULL, OPT_F_FILE },
	{ "jwks", 0, OPT_STRING, offsetof(struct encrypt_opts, jwks), "file",
	  "a JWK Set holding the recipient's key (with --kid)", NULL,
	  OPT_F_FILE },
	{ "kid", 0, OPT_STRING, offsetof(struct encrypt_opts, kid), "kid",
	  "the key ID: selects the key of --jwks, goes into the header" },
	{ "typ", 0, OPT_STRING, offsetof(struct encrypt_opts, typ), "type",
	  "the \"typ\" header", NULL, 0, "type" },
	{ "cty", 0, OPT_STRING, offsetof(struct encrypt_opts, cty), "type",
	  "the \"cty\" (content type) header" },
	{ "compact", 0, OPT_BOOL, offsetof(struct encrypt_opts, compact), NULL,
	  "write the compact serialization (default: flattened JSON)" },
	OPT_PASSWORD_FILE(struct encrypt_opts),
	{ "p2c", 0, OPT_INT, offsetof(struct encrypt_opts, p2c), "count",
	  "PBES2 iterations (default 600000; some peers accept fewer)" },
	{ "subtle", 0, OPT_BOOL, offsetof(struct encrypt_opts, subtle), NULL,
	  "allow an --alg other than the key's \"alg\"" },
	{ 0 }
};

static int
jwe_encrypt(struct cmd_run *run, int argc, char **argv)
{
	struct encrypt_opts o;
	struct pkit_jwe_opts eo;
	struct pkit_jwk_key *key = NULL, **keys = NULL;
	json_t *hdr = NULL;
	unsigned char *pt = NULL;
	const char *kid, *jalg;
	char **args, *pw = NULL, *out = NULL;
	size_t len = 0, i, nkeys = 0;
	int nargs, r, pbes2;

	memset(&o, 0, sizeof(o));
	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		goto done;
	pbes2 = o.alg != NULL && strncmp(o.alg, "PBES2-", 6) == 0;
	r = 0;
	if (o.p2c != 0 && !pbes2)
		r = cmd_usage_error(run, "--p2c goes with --alg PBES2-*");
	else if (pbes2 && (o.key.n > 0 || o.jwks != NULL))
		r = cmd_usage_error(run, "--alg %s takes a password, not "
		    "--key or --jwks", o.alg);
	else if (o.key.n > 1 && (o.jwks != NULL || o.kid != NULL ||
	    o.compact))
		r = cmd_usage_error(run, "several --key make a general JSON "
		    "JWE: not with --%s", o.compact ? "compact" : o.jwks ?
		    "jwks" : "kid");
	if (r != 0)
		goto done;
	if (o.key.n > 1) {
		if ((r = cmd_jose_read(run, nargs ? args[0] : NULL,
		    PKIT_JWE_MAX / 2, &pt, &len)) != 0)
			goto fail;
		if ((keys = calloc(o.key.n, sizeof(*keys))) == NULL) {
			r = pkit_seterr(run->ctx, PKIT_ERR_NOMEM, "%s",
			    run->path);
			goto fail;
		}
		for (nkeys = 0; nkeys < o.key.n; nkeys++) {
			if ((r = cmd_jose_key(run, o.key.v[nkeys], NULL, NULL,
			    o.password_file, 1, &keys[nkeys])) != 0)
				goto fail;
			jalg = json_string_value(json_object_get(
			    keys[nkeys]->jwk, "alg"));
			if (o.alg != NULL && jalg != NULL &&
			    strcmp(o.alg, jalg) != 0 && !o.subtle) {
				r = pkit_seterr(run->ctx, PKIT_ERR_USAGE,
				    "%s: --alg %s differs from the \"alg\" %s "
				    "of %s (use --subtle to allow it)",
				    run->path, o.alg, jalg, o.key.v[nkeys]);
				nkeys++;
				goto fail;
			}
		}
		if ((hdr = json_object()) == NULL) {
			r = pkit_seterr(run->ctx, PKIT_ERR_NOMEM, "%s",
			    run->path);
			goto fail;
		}
		if (o.typ != NULL)
			json_object_set_new(hdr, "typ", json_string(o.typ));
		if (o.cty != NULL)
			json_object_set_new(hdr, "cty", json_string(o.cty));
		memset(&eo, 0, sizeof(eo));
		eo.alg = o.alg;
		eo.enc = o.enc;
		eo.header = hdr;
		eo.indent = 0;
		if ((r = pkit_jwe_encrypt_multi(run->ctx,
		    (const struct pkit_jwk_key *const *)keys, nkeys, &eo, pt,
		    len, &out)) != 0)
			goto fail;
		puts(out);
		r = EXIT_OK;
		goto out;
	}
	if ((hdr = json_object()) == NULL) {
		r = pkit_seterr(run->ctx, PKIT_ERR_NOMEM, "%s", run->path);
		goto fail;
	}
	if (pbes2) {
		if ((r = cmd_new_password(run, o.password_file, 0, 0,
		    "the content encryption key", &pw)) != 0)
			goto fail;
		if (o.kid != NULL)
			json_object_set_new(hdr, "kid", json_string(o.kid));
	} else {
		if ((r = cmd_jose_key(run, o.key.n ? o.key.v[0] : NULL,
		    o.jwks, o.kid, o.password_file, 1, &key)) != 0)
			goto fail;
		if ((kid = json_string_value(json_object_get(key->jwk,
		    "kid"))) != NULL)
			json_object_set_new(hdr, "kid", json_string(kid));
		jalg = json_string_value(json_object_get(key->jwk, "alg"));
		if (o.alg != NULL && jalg != NULL && strcmp(o.alg, jalg) != 0 &&
		    !o.subtle) {
			r = pkit_seterr(run->ctx, PKIT_ERR_USAGE,
			    "%s: --alg %s differs from the key's \"alg\" %s "
			    "(use --subtle to allow it)", run->path, o.alg,
			    jalg);
			goto fail;
		}
	}
	if (o.typ != NULL)
		json_object_set_new(hdr, "typ", json_string(o.typ));
	if (o.cty != NULL)
		json_object_set_new(hdr, "cty", json_string(o.cty));
	if ((r = cmd_jose_read(run, nargs ? args[0] : NULL, PKIT_JWE_MAX / 2,
	    &pt, &len)) != 0)
		goto fail;
	memset(&eo, 0, sizeof(eo));
	eo.alg = o.alg;
	eo.enc = o.enc;
	eo.header = hdr;
	eo.password = pw;
	eo.p2c = o.p2c;
	eo.compact = o.compact;
	if ((r = pkit_jwe_encrypt(run->ctx, key, &eo, pt, len, &out)) != 0)
		goto fail;
	puts(out);
	r = EXIT_OK;
	goto out;
fail:
	r = cmd_fail(run, r);
out:
	free(out);
	pkit_secret_free(pt, len);
	pkit_secret_strfree(pw);
	json_decref(hdr);
	pkit_jwk_key_free(key);
	for (i = 0; i < nkeys; i++)
		pkit_jwk_key_free(keys[i]);
	free(keys);
done:
	strvec_clear(&o.key);
	return r;
}

static const struct cmd cmd_jwe_encrypt = {
	"encrypt", jwe_encrypt, NULL, "[<file>|-]", 0, 1,
	"encrypt data as a JSON Web Encryption object",
	"Encrypts <file> (or standard input) for the key of --key (or of "
	"--jwks and\n--kid), or with a password for the PBES2 algorithms, and "
	"prints the JWE in\nthe flattened JSON serialization, as step does, or "
	"with --compact in the\ncompact one.\n"
	"\n"
	"With several --key the JWE is in the general JSON serialization: "
	"one\ncontent key wrapped for each recipient (--alg, else each key's "
	"own\nalgorithm; not dir or ECDH-ES), each recipient's header with its "
	"alg and\nkid.  jwe decrypt opens it with any one of the keys.\n"
	"\n"
	"Key management (--alg): RSA-OAEP and RSA-OAEP-256 for RSA keys; "
	"ECDH-ES and\nECDH-ES+A128KW/A192KW/A256KW for EC (P-256, P-384, "
	"P-521) and X25519 keys;\nA128KW, A192KW, "
	"A256KW, A128GCMKW, A192GCMKW, "
	"A256GCMKW and dir for oct\nkeys; PBES2-HS256+A128KW, "
	"PBES2-HS384+A192KW and PBES2-HS512+A256KW with a\npassword (600,000 "
	"iterations unless --p2c).  The default is the key's\n\"alg\", else "
	"ECDH-ES, RSA-OAEP-256 or A256GCMKW.  RSA1_5 is not offered.\n"
	"Content encryption (--enc): A128GCM, A192GCM, A256GCM (default),\n"
	"A128CBC-HS256, A192CBC-HS384, A256CBC-HS512.",
	"Encrypt a file for an EC public key:\n"
	"  $ pkit crypto jwe encrypt --key pub.json secret.txt > secret.jwe\n"
	"Encrypt for two recipients:\n"
	"  $ pkit crypto jwe encrypt --key alice.pub.json --key bob.pem "
	"secret.txt\n"
	"Encrypt with a password, in the compact form:\n"
	"  $ pkit crypto jwe encrypt --alg PBES2-HS256+A128KW --password-file "
	"pw.txt --compact secret.txt\n",
	encrypt_opts
};

/* ---- jwe decrypt --------------------------------------------------------- */

struct decrypt_opts {
	const char *key, *jwks, *kid, *password_file;
	int insecure;
};

static const struct cmd_opt decrypt_opts[] = {
	{ "key", 0, OPT_STRING, offsetof(struct decrypt_opts, key), "file",
	  "the private key: a JWK (maybe encrypted) or a PEM private key",
	  NULL, OPT_F_FILE },
	{ "jwks", 0, OPT_STRING, offsetof(struct decrypt_opts, jwks), "file",
	  "a JWK Set; the JWE's kid (or --kid) picks the key", NULL,
	  OPT_F_FILE },
	{ "kid", 0, OPT_STRING, offsetof(struct decrypt_opts, kid), "kid",
	  "the key ID of the key in --jwks" },
	{ "password-file", 0, OPT_STRING, offsetof(struct decrypt_opts,
	  password_file), "file", "the password of a PBES2 JWE, or of an "
	  "encrypted key", NULL, OPT_F_FILE },
	OPT_INSECURE(struct decrypt_opts),
	{ 0 }
};

static int
jwe_decrypt(struct cmd_run *run, int argc, char **argv)
{
	struct decrypt_opts o = { 0 };
	struct pkit_jwe *jwe = NULL;
	struct pkit_jwk_key *key = NULL;
	unsigned char *in = NULL, *pt = NULL;
	size_t inlen = 0, len = 0;
	const char *kid, *name;
	char **args, *pw = NULL, prompt[256];
	int nargs, r;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	name = display(nargs ? args[0] : NULL);
	if ((r = cmd_jose_read(run, nargs ? args[0] : NULL, PKIT_JWE_MAX, &in,
	    &inlen)) != 0 ||
	    (r = pkit_jwe_parse(run->ctx, (char *)in, inlen, name,
	    &jwe)) != 0)
		goto fail;
	if (pkit_jwe_needs_password(jwe)) {
		if (o.key != NULL || o.jwks != NULL) {
			r = pkit_seterr(run->ctx, PKIT_ERR_USAGE,
			    "%s: %s is encrypted with a password, not a key",
			    run->path, name);
			goto fail;
		}
		snprintf(prompt, sizeof(prompt),
		    "Please enter the password to decrypt %s: ", name);
		if ((r = cmd_password(run, o.password_file, prompt, 0,
		    "--password-file", &pw)) != 0)
			goto fail;
	} else {
		kid = o.kid;
		if (o.jwks != NULL && kid == NULL &&
		    (kid = json_string_value(json_object_get(
		    jwe->rcpts[0].joined, "kid"))) == NULL) {
			r = pkit_seterr(run->ctx, PKIT_ERR_USAGE,
			    "%s: the JWE has no kid: --jwks needs --kid",
			    run->path);
			goto fail;
		}
		if ((r = cmd_jose_key(run, o.key, o.jwks, kid, o.password_file,
		    o.insecure, &key)) != 0)
			goto fail;
	}
	if ((r = pkit_jwe_decrypt(run->ctx, jwe, key, pw, &pt, &len)) != 0)
		goto fail;
	fwrite(pt, 1, len, stdout);
	r = EXIT_OK;
	goto out;
fail:
	r = cmd_fail(run, r);
out:
	pkit_secret_free(pt, len);
	pkit_secret_strfree(pw);
	free(in);
	pkit_jwe_free(jwe);
	pkit_jwk_key_free(key);
	return r;
}

static const struct cmd cmd_jwe_decrypt = {
	"decrypt", jwe_decrypt, NULL, "[<jwe-file>|-]", 0, 1,
	"decrypt a JSON Web Encryption object",
	"Reads a JWE in compact or JSON serialization (flattened or general) "
	"from\n<jwe-file> or standard input, decrypts it and writes the "
	"plaintext to\nstandard output.  The key is "
	"--key (a private JWK or PEM "
	"key) or the key\nof --jwks that the JWE's kid (or --kid) names; a "
	"PBES2 JWE takes a\npassword instead, from --password-file or the "
	"terminal.  With several\nrecipients, those the key suits are tried.\n"
	"\n"
	"Refused: RSA1_5, compressed content (\"zip\"), any \"crit\", IVs and "
	"tags of\nthe wrong size (a GCM tag must be 128 bits), ephemeral keys "
	"off the curve,\nand PBES2 counts over 10,000,000.  Every failure to "
	"authenticate reads\nthe same: decryption failed.",
	"Decrypt with an EC private JWK:\n"
	"  $ pkit crypto jwe decrypt --key priv.json < secret.jwe\n"
	"Decrypt a password-encrypted JWE:\n"
	"  $ pkit crypto jwe decrypt --password-file pw.txt secret.jwe\n",
	decrypt_opts
};

static const struct cmd *const jwe_sub[] = {
	&cmd_jwe_decrypt, &cmd_jwe_encrypt, NULL
};

const struct cmd cmd_crypto_jwe = {
	"jwe", NULL, jwe_sub, NULL, 0, 0,
	"encrypt and decrypt JSON Web Encryption objects",
	"JSON Web Encryption (RFC 7516) with the key management and content\n"
	"encryption algorithms of RFC 7518: RSA-OAEP(-256), AES key wrap and "
	"AES-GCM\nkey wrap, direct keys, ECDH-ES (with key wrap) on P-256, "
	"P-384, P-521 and\nX25519, and PBES2 passwords; AES-GCM and "
	"AES-CBC-HMAC-SHA2 content.",
	"Encrypt a file for a public key, then decrypt it:\n"
	"  $ pkit crypto jwe encrypt --key pub.json file.txt > file.jwe\n"
	"  $ pkit crypto jwe decrypt --key priv.json < file.jwe\n"
};

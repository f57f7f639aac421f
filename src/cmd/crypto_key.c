/* crypto_key.c - the `pkit crypto key` group: public, inspect, format and
 * fingerprint. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cmd.h"
#include "lib/codec.h"
#include "lib/fs.h"
#include "lib/jwk.h"
#include "lib/key.h"
#include "lib/secret.h"
#include "lib/sshkey.h"
#include "lib/x509.h"

#define KEY_FILE_MAX (1024 * 1024)

#define OPT_OUT(T) \
	{ "out", 0, OPT_STRING, offsetof(T, out), "file", \
	  "write to file instead of standard output", NULL, OPT_F_FILE, \
	  "output-file" }

/* Put the name of the input before a library message about the key
 * itself ("X25519 keys have no OpenSSH form"), unless it is there. */
static int
about(struct cmd_run *run, const char *path, int r)
{
	char msg[sizeof(run->ctx->errbuf)];
	size_t n = strlen(path);

	if (strncmp(run->ctx->errbuf, path, n) == 0 &&
	    strncmp(run->ctx->errbuf + n, ": ", 2) == 0)
		return r;
	snprintf(msg, sizeof(msg), "%s", run->ctx->errbuf);
	return pkit_seterr(run->ctx, r, "%s: %s", path, msg);
}

/* 1 when data is JSON text or a compact JWE: a JWK, maybe encrypted. */
static int
is_json(const unsigned char *data, size_t len)
{
	while (len > 0 && (*data == ' ' || *data == '\t' || *data == '\r' ||
	    *data == '\n')) {
		data++;
		len--;
	}
	return (len > 0 && *data == '{') ||
	    (pkit_jwk_data_is_encrypted(data, len) &&
	    !pkit_key_is_encrypted(data, len));
}

/* A JWK file, or a JWE-encrypted one (asking for its password). */
static int
load_jwk(struct cmd_run *run, const char *path, const unsigned char *data,
    size_t len, const char *password_file, EVP_PKEY **out, int *encrypted)
{
	json_t *jwk = NULL;
	char *pw = NULL, prompt[512];
	int r;

	if ((*encrypted = pkit_jwk_data_is_encrypted(data, len))) {
		snprintf(prompt, sizeof(prompt),
		    "Please enter the password to decrypt %s: ", path);
		if ((r = cmd_password(run, password_file, prompt, 0,
		    "--password-file", &pw)) != 0)
			return r;
	}
	if ((r = pkit_jwk_load(run->ctx, data, len, pw, path, &jwk)) != 0 ||
	    (r = pkit_jwk_to_key(run->ctx, jwk, out)) != 0)
		r = about(run, path, r);
	pkit_jwk_free(jwk);
	pkit_secret_strfree(pw);
	return r;
}

/* Read any key file: a private key (asking for the password of an
 * encrypted one), a public key, a certificate or a CSR, in PEM, DER or an
 * OpenSSH form, or a JWK.  *encrypted tells whether the file was
 * encrypted.  Only the public half of an unencrypted private key is used
 * by the verbs that call this without checking its mode, so none is
 * checked here. */
static int
load_any(struct cmd_run *run, const char *path, const char *password_file,
    EVP_PKEY **out, int *encrypted)
{
	unsigned char *data = NULL;
	size_t len = 0;
	char *pw = NULL, prompt[512];
	int r;

	*out = NULL;
	*encrypted = 0;
	if ((r = pkit_file_read(run->ctx, path, KEY_FILE_MAX, &data,
	    &len)) != 0)
		return r;
	if (is_json(data, len)) {
		r = load_jwk(run, path, data, len, password_file, out,
		    encrypted);
		goto out;
	}
	if (pkit_key_is_encrypted(data, len)) {
		*encrypted = 1;
		snprintf(prompt, sizeof(prompt),
		    "Please enter the password to decrypt %s: ", path);
		if ((r = cmd_password(run, password_file, prompt, 0,
		    "--password-file", &pw)) == 0)
			r = pkit_key_parse_private(run->ctx, data, len, pw,
			    path, out);
	} else if (pkit_key_parse_private(run->ctx, data, len, NULL, path,
	    out) != 0) {
		/* Not a private key we can read: its public half will do
		 * (this also covers encrypted OpenSSH keys). */
		*encrypted = pkit_sshkey_is_encrypted(data, len);
		pkit_clearerr(run->ctx);
		r = pkit_key_parse_public(run->ctx, data, len, path, out);
		/* A damaged private key: say so rather than "no public key". */
		if (r != 0 && memmem(data, len, "PRIVATE KEY-----", 16) != NULL)
			r = pkit_key_parse_private(run->ctx, data, len, NULL,
			    path, out);
	}
out:
	pkit_secret_strfree(pw);
	pkit_secret_free(data, len);
	return r;
}

/* Write data to path, or to standard output when path is NULL. */
static int
emit(struct cmd_run *run, const char *path, const unsigned char *data,
    size_t len, int private, int force)
{
	int r;

	if (path == NULL)
		path = "-";
	if ((r = cmd_may_overwrite(run, path, force)) != 0)
		return r;
	return pkit_file_write(run->ctx, path, data, len,
	    PKIT_WRITE_FORCE | (private ? PKIT_WRITE_PRIVATE : 0));
}

/* ---- key public -------------------------------------------------------- */

struct public_opts {
	const char *out, *format, *password_file;
	int force;
};

static const struct cmd_opt public_opts[] = {
	OPT_OUT(struct public_opts),
	OPT_FORMAT(struct public_opts,
	    "output format: pem (default), der, ssh or jwk",
	    "pem der ssh jwk"),
	OPT_PASSWORD_FILE(struct public_opts),
	OPT_FORCE(struct public_opts),
	{ 0 }
};

static int
key_public(struct cmd_run *run, int argc, char **argv)
{
	struct public_opts o = { 0 };
	enum pkit_key_encoding enc = PKIT_KEY_PEM;
	enum pkit_key_form form = PKIT_KEY_PKCS8;
	unsigned char *data = NULL;
	size_t len = 0;
	EVP_PKEY *key = NULL;
	char **args;
	int nargs, enc_in, r;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	if (o.format != NULL && strcmp(o.format, "der") == 0)
		enc = PKIT_KEY_DER;
	else if (o.format != NULL && strcmp(o.format, "ssh") == 0)
		form = PKIT_KEY_OPENSSH;
	else if (o.format != NULL && strcmp(o.format, "jwk") == 0)
		form = PKIT_KEY_JWK;
	if ((r = load_any(run, args[0], o.password_file, &key, &enc_in)) != 0)
		r = cmd_fail(run, r);
	else if ((r = pkit_key_public_encode_form(run->ctx, key, enc, form,
	    &data, &len)) != 0)
		r = cmd_fail(run, about(run, args[0], r));
	else if ((r = emit(run, o.out, data, len, 0, o.force)) != 0)
		r = cmd_fail(run, r);
	free(data);
	EVP_PKEY_free(key);
	return r;
}

static const struct cmd key_public_row = {
	"public", key_public, NULL, "<key-file>", 1, 1,
	"print the public key of a private key, certificate or CSR",
	"Reads <key-file> and writes its public key.  <key-file> may hold a\n"
	"private key (PKCS#8, PKCS#1, SEC1, step's encrypted PEM or OpenSSH), "
	"a\n"
	"public key, an X.509 certificate or a CSR, in PEM or DER, or a JWK (- "
	"is\n"
	"standard input).  The output is SubjectPublicKeyInfo PEM, or DER, "
	"with\n"
	"--format ssh an OpenSSH authorized_keys line, or with --format jwk a "
	"JSON\n"
	"Web Key.  An encrypted private key needs its password\n"
	"(--password-file or the terminal); an encrypted OpenSSH key does not, "
	"as\n"
	"its public half is in clear.",
	"Print the public key of a private key:\n"
	"  $ pkit crypto key public --password-file pw.txt priv.pem\n"
	"Make an authorized_keys line from a certificate:\n"
	"  $ pkit crypto key public --format ssh --out id.pub cert.pem\n",
	public_opts
};

/* ---- key inspect ------------------------------------------------------- */

struct inspect_opts {
	const char *format, *password_file;
};

static const struct cmd_opt inspect_opts[] = {
	OPT_FORMAT(struct inspect_opts, "output format: text (default) or json",
	    "text json"),
	OPT_PASSWORD_FILE(struct inspect_opts),
	{ 0 }
};

/* "Name:" then the bytes of a hex string as aa:bb:..., 16 to a line. */
static void
print_hex(const char *name, const char *hex)
{
	size_t i, n = strlen(hex) / 2;

	printf("%s:", name);
	for (i = 0; i < n; i++) {
		if (i % 16 == 0)
			printf("\n    ");
		printf("%.2s%s", hex + 2 * i, i + 1 < n ? ":" : "");
	}
	printf("\n");
}

static const char *
jstr(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s != NULL ? s : "";
}

static void
print_text(json_t *info, int encrypted)
{
	const char *type = jstr(info, "type"), *crv = jstr(info, "curve");
	int priv = json_is_true(json_object_get(info, "private"));
	json_int_t bits = json_integer_value(json_object_get(info, "bits"));
	json_int_t e;
	json_t *fp = json_object_get(info, "fingerprints");

	printf("%s %s-Key: (%lld bit)\n", strcmp(type, "OKP") == 0 ? crv : type,
	    priv ? "Private" : "Public", (long long)bits);
	if (strcmp(type, "RSA") == 0) {
		e = json_integer_value(json_object_get(info, "exponent"));
		print_hex("Modulus", jstr(info, "modulus"));
		printf("Exponent: %lld (0x%llx)\n", (long long)e,
		    (unsigned long long)e);
	} else if (strcmp(type, "EC") == 0) {
		print_hex("X", jstr(info, "x"));
		print_hex("Y", jstr(info, "y"));
		printf("Curve: %s\n", crv);
	} else {
		print_hex("Public", jstr(info, "public_key"));
	}
	if (priv)
		printf("Private: (hidden%s)\n", encrypted ? ", encrypted" : "");
	else if (encrypted)
		printf("Private: (encrypted OpenSSH key, not read)\n");
	printf("Fingerprint: %s\n", jstr(fp, "sha256"));
	printf("PKIX fingerprint: %s\n", jstr(fp, "pkix_sha256"));
	if (json_object_get(fp, "ssh_sha256") != NULL)
		printf("SSH fingerprint: %s\n", jstr(fp, "ssh_sha256"));
}

static int
key_inspect(struct cmd_run *run, int argc, char **argv)
{
	struct inspect_opts o = { 0 };
	EVP_PKEY *key = NULL;
	json_t *info = NULL;
	char **args, *s;
	int nargs, encrypted, r;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	if ((r = load_any(run, args[0], o.password_file, &key,
	    &encrypted)) != 0 ||
	    (r = pkit_key_inspect(run->ctx, key, &info)) != 0) {
		r = cmd_fail(run, info == NULL && key != NULL ?
		    about(run, args[0], r) : r);
		goto out;
	}
	if (o.format != NULL && strcmp(o.format, "json") == 0) {
		if ((s = json_dumps(info, JSON_INDENT(2) |
		    JSON_PRESERVE_ORDER)) == NULL) {
			r = cmd_error("out of memory");
			goto out;
		}
		printf("%s\n", s);
		free(s);
	} else {
		print_text(info, encrypted);
	}
out:
	json_decref(info);
	EVP_PKEY_free(key);
	return r;
}

static const struct cmd key_inspect_row = {
	"inspect", key_inspect, NULL, "<key-file>", 1, 1,
	"show a key's type, size, public values and fingerprints",
	"Prints the type and size (or curve) of the key in <key-file>, its "
	"public\n"
	"values in hex and its fingerprints: the SHA-256 of the "
	"subjectPublicKey\n"
	"(as pkit crypto key fingerprint prints it), of the whole\n"
	"SubjectPublicKeyInfo, and of the SSH encoding (as ssh-keygen -l "
	"prints\n"
	"it).  <key-file> may hold anything pkit crypto key public reads.\n"
	"\n"
	"Unlike step, pkit never prints private values: a private key shows "
	"as\n"
	"\"Private: (hidden)\".  --format json prints the same as an object "
	"with\n"
	"the members type, curve (not for RSA), bits, private, x and y (EC),\n"
	"modulus and exponent (RSA), public_key (OKP) and fingerprints.",
	"Show an encrypted private key:\n"
	"  $ pkit crypto key inspect --password-file pw.txt priv.pem\n"
	"Show a public key as JSON:\n"
	"  $ pkit crypto key inspect --format json pub.pem\n",
	inspect_opts
};

/* ---- key format -------------------------------------------------------- */

struct format_opts {
	const char *out, *password_file, *new_password_file;
	int pem, der, ssh, jwk, pkcs8, pkcs1, no_password, insecure, force;
};

static const struct cmd_opt format_opts[] = {
	{ "pem", 0, OPT_BOOL, offsetof(struct format_opts, pem), NULL,
	  "write PEM" },
	{ "der", 0, OPT_BOOL, offsetof(struct format_opts, der), NULL,
	  "write DER" },
	{ "ssh", 0, OPT_BOOL, offsetof(struct format_opts, ssh), NULL,
	  "write OpenSSH: authorized_keys or openssh-key-v1" },
	{ "jwk", 0, OPT_BOOL, offsetof(struct format_opts, jwk), NULL,
	  "write a JWK (a private one encrypted as a JWE)" },
	{ "pkcs8", 0, OPT_BOOL, offsetof(struct format_opts, pkcs8), NULL,
	  "write a private key as PKCS#8 (the default)" },
	{ "pkcs1", 0, OPT_BOOL, offsetof(struct format_opts, pkcs1), NULL,
	  "write an RSA key as PKCS#1 (the traditional form)" },
	OPT_OUT(struct format_opts),
	OPT_PASSWORD_FILE(struct format_opts),
	{ "new-password-file", 0, OPT_STRING,
	  offsetof(struct format_opts, new_password_file), "file",
	  "password for the output (else --password-file)", NULL,
	  OPT_F_FILE },
	OPT_NO_PASSWORD(struct format_opts),
	OPT_INSECURE(struct format_opts),
	OPT_FORCE(struct format_opts),
	{ 0 }
};

static int
key_format(struct cmd_run *run, int argc, char **argv)
{
	struct format_opts o = { 0 };
	enum pkit_key_encoding enc;
	enum pkit_key_form form;
	unsigned char *in = NULL, *data = NULL;
	size_t inlen = 0, len = 0;
	const char *kty = NULL, *crv = NULL, *pwfile;
	EVP_PKEY *key = NULL;
	char **args, *pw = NULL;
	int nargs, encrypted, priv, bits, r;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	if (o.pem + o.der + o.ssh + o.jwk > 1)
		return cmd_usage_error(run,
		    "--pem, --der, --ssh and --jwk do not go together");
	if (o.pkcs8 && o.pkcs1)
		return cmd_usage_error(run, "--pkcs8 and --pkcs1 do not go "
		    "together");
	if ((o.ssh || o.jwk) && (o.pkcs8 || o.pkcs1))
		return cmd_usage_error(run, "--%s does not go with --pkcs8 or "
		    "--pkcs1", o.ssh ? "ssh" : "jwk");
	if (o.no_password && !o.insecure)
		return cmd_usage_error(run,
		    "'--no-password' requires the '--insecure' flag");
	if (o.no_password && o.new_password_file != NULL)
		return cmd_usage_error(run, "'--no-password' and "
		    "'--new-password-file' do not go together");
	/* Without --pem, --der or --ssh, PEM becomes DER and DER PEM. */
	if ((r = pkit_file_read(run->ctx, args[0], KEY_FILE_MAX, &in,
	    &inlen)) != 0)
		return cmd_fail(run, r);
	enc = o.pem || o.ssh || o.jwk ? PKIT_KEY_PEM : o.der ? PKIT_KEY_DER :
	    pkit_is_pem(in, inlen) || pkit_sshkey_is_public(in, inlen) ||
	    is_json(in, inlen) ? PKIT_KEY_DER : PKIT_KEY_PEM;
	form = o.ssh ? PKIT_KEY_OPENSSH : o.jwk ? PKIT_KEY_JWK : o.pkcs1 ?
	    PKIT_KEY_PKCS1 : PKIT_KEY_PKCS8;
	/* Its public half alone is not what a conversion asks for. */
	if (pkit_sshkey_is_encrypted(in, inlen))
		r = pkit_key_parse_private(run->ctx, in, inlen, NULL, args[0],
		    &key);
	pkit_secret_free(in, inlen);
	if (r != 0)
		goto fail;

	if ((r = load_any(run, args[0], o.password_file, &key,
	    &encrypted)) != 0)
		goto fail;
	if ((priv = pkit_key_has_private(key))) {
		/* Copying a secret: the key file must have been kept secret. */
		if (!o.insecure &&
		    (r = pkit_file_check_private(run->ctx, args[0])) != 0)
			goto fail;
		if (pkit_key_info(run->ctx, key, &kty, &crv, &bits) != 0)
			pkit_clearerr(run->ctx);
		if ((r = pkit_key_form_check(run->ctx, kty, crv, enc, form,
		    !o.no_password)) != 0) {
			r = about(run, args[0], r);
			goto fail;
		}
		pwfile = o.new_password_file != NULL ? o.new_password_file :
		    o.password_file;
		if ((r = cmd_new_password(run, o.no_password ? NULL : pwfile,
		    o.no_password, o.insecure, o.out != NULL ? o.out :
		    "the key", &pw)) != 0 ||
		    (r = pkit_key_private_encode_form(run->ctx, key, enc, form,
		    pw, &data, &len)) != 0)
			goto fail;
	} else if ((r = pkit_key_public_encode_form(run->ctx, key, enc, form,
	    &data, &len)) != 0) {
		r = about(run, args[0], r);
		goto fail;
	}
	if ((r = emit(run, o.out, data, len, priv, o.force)) != 0)
		goto fail;
	goto out;
fail:
	r = cmd_fail(run, r);
out:
	pkit_secret_strfree(pw);
	if (data != NULL)
		pkit_secret_free(data, len);
	EVP_PKEY_free(key);
	return r;
}

static const struct cmd key_format_row = {
	"format", key_format, NULL, "<key-file>", 1, 1,
	"convert a key between PEM, DER, PKCS#8, PKCS#1, OpenSSH and JWK",
	"Reads the key in <key-file> (anything pkit crypto key public "
	"reads) and\n"
	"writes it to standard output, or to --out.  Without --pem, --der, "
	"--ssh or\n"
	"--jwk a PEM, OpenSSH or JWK input becomes DER and a DER input "
	"becomes PEM.\n"
	"\n"
	"Public keys are written as SubjectPublicKeyInfo, as PKCS#1 "
	"RSAPublicKey\n"
	"with --pkcs1, with --ssh as an authorized_keys line, or with --jwk "
	"as a\n"
	"JWK.  Private keys are written as PKCS#8 (--pkcs8, the default), as\n"
	"PKCS#1 RSAPrivateKey with --pkcs1, with --ssh in OpenSSH's format, "
	"or\n"
	"with --jwk as a JWK, encrypted as a JWE as step does.\n"
	"\n"
	"A private key is written encrypted: the password comes from\n"
	"--new-password-file, else --password-file (which also decrypts the "
	"input),\n"
	"else the terminal.  PKCS#8 is encrypted with PBES2 (PBKDF2-HMAC-"
	"SHA256,\n"
	"600,000 iterations, AES-256-CBC); PKCS#1 PEM with the legacy\n"
	"Proc-Type header and AES-256-CBC, which step and openssl rsa\n"
	"-traditional write (PKCS#1 DER cannot be encrypted).  pkit cannot "
	"encrypt\n"
	"OpenSSH's format, so --ssh with a password writes encrypted PKCS#8 "
	"PEM,\n"
	"which ssh reads for ECDSA and RSA keys, and refuses Ed25519 keys,\n"
	"which OpenSSH 9.2 does not read as PKCS#8.  --no-password --insecure\n"
	"writes the key in the clear.  An unencrypted private key file "
	"readable by\n"
	"others is refused unless --insecure.",
	"Convert a PEM key to DER:\n"
	"  $ pkit crypto key format --out pub.der pub.pem\n"
	"Convert a PKCS#8 RSA key to encrypted PKCS#1 PEM:\n"
	"  $ pkit crypto key format --pkcs1 --pem --password-file pw "
	"rsa.pem\n"
	"Make an unencrypted OpenSSH private key of a PEM key:\n"
	"  $ pkit crypto key format --ssh --no-password --insecure "
	"--password-file pw id.pem\n",
	format_opts
};

/* ---- key fingerprint --------------------------------------------------- */

struct fingerprint_opts {
	const char *format, *password_file;
	int pkix, ssh, sha1, raw, insecure;
};

static const struct cmd_opt fingerprint_opts[] = {
	{ "pkix", 0, OPT_BOOL, offsetof(struct fingerprint_opts, pkix), NULL,
	  "hash the whole SubjectPublicKeyInfo DER" },
	{ "ssh", 0, OPT_BOOL, offsetof(struct fingerprint_opts, ssh), NULL,
	  "hash the SSH encoding, as ssh-keygen -l does" },
	{ "sha1", 0, OPT_BOOL, offsetof(struct fingerprint_opts, sha1), NULL,
	  "use SHA-1, printed in hex (needs --insecure)" },
	{ "raw", 0, OPT_BOOL, offsetof(struct fingerprint_opts, raw), NULL,
	  "print the bytes that would be hashed instead" },
	OPT_FORMAT(struct fingerprint_opts,
	    "hex, base64 (default), base64-url, base64-raw ...",
	    "hex base64 base64-url base64-raw base64-url-raw base64url "
	    "base64url-raw"),
	OPT_PASSWORD_FILE(struct fingerprint_opts),
	OPT_INSECURE(struct fingerprint_opts),
	{ 0 }
};

static int
fp_encode(struct cmd_run *run, const char *format, const unsigned char *md,
    size_t mdlen, char **out)
{
	if (strcmp(format, "hex") == 0)
		return pkit_hex_encode(run->ctx, md, mdlen, 0, out);
	if (strcmp(format, "base64") == 0)
		return pkit_b64_encode(run->ctx, PKIT_B64_STD, md, mdlen, out);
	if (strcmp(format, "base64-raw") == 0)
		return pkit_b64_encode(run->ctx, PKIT_B64_STD_RAW, md, mdlen,
		    out);
	if (strcmp(format, "base64-url") == 0 ||
	    strcmp(format, "base64url") == 0)
		return pkit_b64_encode(run->ctx, PKIT_B64_URL, md, mdlen, out);
	return pkit_b64_encode(run->ctx, PKIT_B64_URL_RAW, md, mdlen, out);
}

static int
key_fingerprint(struct cmd_run *run, int argc, char **argv)
{
	struct fingerprint_opts o = { 0 };
	enum pkit_key_fp what;
	unsigned char md[EVP_MAX_MD_SIZE], *raw = NULL;
	size_t mdlen = 0, rawlen = 0;
	const char *format;
	EVP_PKEY *key = NULL;
	char **args, *s = NULL;
	int nargs, encrypted, r;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	if (o.pkix && o.ssh)
		return cmd_usage_error(run,
		    "--pkix and --ssh do not go together");
	if (o.sha1 && !o.insecure)
		return cmd_usage_error(run,
		    "'--sha1' requires the '--insecure' flag");
	what = o.ssh ? PKIT_KEY_FP_SSH : o.pkix ? PKIT_KEY_FP_SPKI :
	    PKIT_KEY_FP_SPK;
	/* step's defaults, except that --ssh matches ssh-keygen -l. */
	format = o.format != NULL ? o.format : o.sha1 ? "hex" :
	    o.ssh ? "base64-raw" : "base64";
	if ((r = load_any(run, args[0], o.password_file, &key,
	    &encrypted)) != 0)
		goto fail;
	if (o.raw) {
		if ((r = pkit_key_fingerprint_input(run->ctx, key, what, &raw,
		    &rawlen)) != 0) {
			r = about(run, args[0], r);
			goto fail;
		}
		fwrite(raw, 1, rawlen, stdout);
		goto out;
	}
	if ((r = pkit_key_fingerprint(run->ctx, key, what,
	    o.sha1 ? "SHA1" : "SHA256", md, &mdlen)) != 0 ||
	    (r = fp_encode(run, format, md, mdlen, &s)) != 0) {
		r = about(run, args[0], r);
		goto fail;
	}
	printf("%s:%s\n", o.sha1 ? "SHA1" : "SHA256", s);
	goto out;
fail:
	r = cmd_fail(run, r);
out:
	free(s);
	free(raw);
	EVP_PKEY_free(key);
	return r;
}

static const struct cmd key_fingerprint_row = {
	"fingerprint", key_fingerprint, NULL, "<key-file>", 1, 1,
	"print the fingerprint of a public key",
	"Prints SHA256: and the SHA-256 of the public key in <key-file>, "
	"which may\n"
	"hold anything pkit crypto key public reads; a private key, "
	"certificate or\n"
	"CSR gives the fingerprint of its public key.  As step does, the "
	"hash is\n"
	"over the contents of the subjectPublicKey BIT STRING (the input of "
	"the\n"
	"X.509 subject key identifier) and is printed in padded base64.\n"
	"\n"
	"--pkix hashes the whole SubjectPublicKeyInfo DER instead.  --ssh "
	"hashes\n"
	"the SSH encoding of the key and prints unpadded base64, so the "
	"output is\n"
	"the one of ssh-keygen -l -E sha256 (step pads it).  --sha1 "
	"(with\n"
	"--insecure) uses SHA-1 and prints hex: without --pkix or --ssh that "
	"is the\n"
	"subject key identifier.  --format chooses another encoding; --raw "
	"prints\n"
	"the bytes that would be hashed.",
	"Print the fingerprint of a public key:\n"
	"  $ pkit crypto key fingerprint pub.pem\n"
	"Print the fingerprint that ssh-keygen -l shows:\n"
	"  $ pkit crypto key fingerprint --ssh id.pub\n"
	"Print the subject key identifier of a certificate's key:\n"
	"  $ pkit crypto key fingerprint --sha1 --insecure cert.pem\n",
	fingerprint_opts
};

/* ---- the group --------------------------------------------------------- */

static const struct cmd *const key_sub[] = {
	&key_fingerprint_row,
	&key_format_row,
	&key_inspect_row,
	&key_public_row,
	NULL
};

const struct cmd cmd_crypto_key = {
	"key", NULL, key_sub, NULL, 0, 0,
	"inspect, convert and fingerprint keys",
	"Reads private keys (PKCS#8 plain or encrypted, PKCS#1, SEC1, step's\n"
	"encrypted PEM, unencrypted OpenSSH), public keys "
	"(SubjectPublicKeyInfo,\n"
	"PKCS#1, OpenSSH lines), certificates and CSRs, in PEM or DER, and "
	"JSON\n"
	"Web Keys (plain or encrypted as step encrypts them), and prints "
	"their\n"
	"public key, details or fingerprint, or converts them.  pkit crypto\n"
	"keypair makes new keys.",
	"Show a key and its fingerprint:\n"
	"  $ pkit crypto key inspect pub.pem\n"
	"  $ pkit crypto key fingerprint pub.pem\n"
};

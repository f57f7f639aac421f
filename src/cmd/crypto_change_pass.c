/* crypto_change_pass.c - `pkit crypto change-pass`: re-encrypt a private
 * key with a new password, or decrypt it. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "lib/fs.h"
#include "lib/key.h"
#include "lib/secret.h"
#include "lib/sshkey.h"
#include "lib/x509.h"

struct change_pass_opts {
	const char *out, *password_file, *new_password_file;
	int no_password, insecure, force;
};

static const struct cmd_opt change_pass_opts[] = {
	{ "out", 0, OPT_STRING, offsetof(struct change_pass_opts, out), "file",
	  "write to file instead of replacing <key-file>", NULL,
	  OPT_F_FILE, "output-file" },
	OPT_PASSWORD_FILE(struct change_pass_opts),
	{ "new-password-file", 0, OPT_STRING,
	  offsetof(struct change_pass_opts, new_password_file), "file",
	  "read the new password from the first line of file", NULL,
	  OPT_F_FILE },
	OPT_NO_PASSWORD(struct change_pass_opts),
	OPT_INSECURE(struct change_pass_opts),
	OPT_FORCE(struct change_pass_opts),
	{ 0 }
};

/* The new password: from --new-password-file or asked twice. */
static int
new_password(struct cmd_run *run, const struct change_pass_opts *o,
    const char *path, char **out)
{
	char prompt[512];
	int r;

	*out = NULL;
	if (o->no_password)
		return PKIT_OK;
	snprintf(prompt, sizeof(prompt),
	    "Please enter the new password to encrypt %s: ", path);
	if ((r = cmd_password(run, o->new_password_file, prompt, 1,
	    "--new-password-file, or --no-password --insecure", out)) != 0)
		return r;
	if (**out == '\0') {
		pkit_secret_strfree(*out);
		*out = NULL;
		return pkit_seterr(run->ctx, PKIT_ERR_PASSWORD,
		    "%s: the new password is empty",
		    o->new_password_file != NULL ? o->new_password_file : path);
	}
	return PKIT_OK;
}

static int
change_pass(struct cmd_run *run, int argc, char **argv)
{
	struct change_pass_opts o = { 0 };
	enum pkit_key_encoding enc = PKIT_KEY_PEM;
	enum pkit_key_form form = PKIT_KEY_PKCS8;
	unsigned char *in = NULL, *data = NULL;
	size_t inlen = 0, len = 0;
	const char *path, *out, *kty = NULL, *crv = NULL;
	EVP_PKEY *key = NULL;
	char **args, *pw = NULL, msg[sizeof(run->ctx->errbuf)];
	int nargs, bits, loose_ok, r;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	path = args[0];
	out = o.out != NULL ? o.out : path;
	if (strcmp(path, "-") == 0)
		return cmd_usage_error(run,
		    "needs a key file, not standard input");
	if (o.no_password && !o.insecure)
		return cmd_usage_error(run,
		    "'--no-password' requires the '--insecure' flag");
	if (o.no_password && o.new_password_file != NULL)
		return cmd_usage_error(run, "'--no-password' and "
		    "'--new-password-file' do not go together");
	/* The key keeps its encoding: PEM, DER or OpenSSH. */
	if ((r = pkit_file_read(run->ctx, path, 1024 * 1024, &in, &inlen)) != 0)
		return cmd_fail(run, r);
	if (pkit_sshkey_is_private(in, inlen))
		form = PKIT_KEY_OPENSSH;
	else if (!pkit_is_pem(in, inlen))
		enc = PKIT_KEY_DER;
	/* This verb repairs keys: an encrypted one others can read is
	 * taken (its new file is 0600); a loose plain one needs --insecure,
	 * as everywhere. */
	loose_ok = o.insecure || pkit_key_is_encrypted(in, inlen);
	pkit_secret_free(in, inlen);

	if (strcmp(out, path) != 0 &&
	    (r = cmd_may_overwrite(run, out, o.force)) != 0)
		goto fail;
	if ((r = cmd_key_load_private(run, path, o.password_file, loose_ok,
	    &key)) != 0)
		goto fail;
	if (pkit_key_info(run->ctx, key, &kty, &crv, &bits) != 0)
		pkit_clearerr(run->ctx);
	if ((r = pkit_key_form_check(run->ctx, kty, crv, enc, form,
	    !o.no_password)) != 0) {
		snprintf(msg, sizeof(msg), "%s", run->ctx->errbuf);
		r = pkit_seterr(run->ctx, r, "%s: %s", path, msg);
		goto fail;
	}
	if ((r = new_password(run, &o, out, &pw)) != 0 ||
	    (r = pkit_key_private_encode_form(run->ctx, key, enc, form, pw,
	    &data, &len)) != 0 ||
	    (r = pkit_file_write(run->ctx, out, data, len,
	    PKIT_WRITE_PRIVATE | PKIT_WRITE_FORCE)) != 0)
		goto fail;
	goto done;
fail:
	r = cmd_fail(run, r);
done:
	pkit_secret_strfree(pw);
	pkit_secret_free(data, len);
	EVP_PKEY_free(key);
	return r;
}

const struct cmd cmd_crypto_change_pass = {
	"change-pass", change_pass, NULL, "<key-file>", 1, 1,
	"change the password of an encrypted private key",
	"Decrypts the private key in <key-file> with its password (from\n"
	"--password-file or the terminal) and encrypts it again with a new "
	"one,\n"
	"from --new-password-file or asked twice on the terminal.  The key "
	"file is\n"
	"replaced atomically and keeps mode 0600 (step leaves it 0644); --out\n"
	"writes elsewhere, and an existing --out file needs --force.\n"
	"--no-password --insecure writes the key decrypted.  An unencrypted "
	"key\n"
	"can be given a password; if it is readable by others it is refused\n"
	"unless --insecure.\n"
	"\n"
	"The key is written as PKCS#8 (PBES2, PBKDF2-HMAC-SHA256 with 600,000\n"
	"iterations, AES-256-CBC), in PEM or DER as it was read, so a legacy\n"
	"encrypted PEM key (\"Proc-Type: 4,ENCRYPTED\") comes out as PKCS#8.  "
	"An\n"
	"unencrypted OpenSSH key stays OpenSSH with --no-password; with a "
	"password\n"
	"it becomes encrypted PKCS#8 PEM for ECDSA and RSA (ssh reads it), "
	"and is\n"
	"refused for Ed25519 (use ssh-keygen -p).  Encrypted OpenSSH keys "
	"cannot\n"
	"be read.",
	"Change the password of a key, asking for both:\n"
	"  $ pkit crypto change-pass priv.pem\n"
	"Change it from files:\n"
	"  $ pkit crypto change-pass --password-file old --new-password-file "
	"new priv.pem\n"
	"Write a decrypted copy:\n"
	"  $ pkit crypto change-pass --no-password --insecure --out plain.pem "
	"priv.pem\n",
	change_pass_opts
};

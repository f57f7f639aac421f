/* crypto_keypair.c - `pkit crypto keypair`: make a key pair and write the
 * public and the (encrypted) private key. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "lib/fs.h"
#include "lib/key.h"
#include "lib/secret.h"

struct keypair_opts {
	const char *kty, *crv, *format, *password_file;
	long size;
	int no_password, insecure, force;
};

static const struct cmd_opt keypair_opts[] = {
	OPT_KTY(struct keypair_opts),
	OPT_CRV(struct keypair_opts),
	OPT_SIZE(struct keypair_opts),
	OPT_FORMAT(struct keypair_opts,
	    "file format: pem (default), der, ssh or jwk",
	    "pem der ssh jwk"),
	OPT_PASSWORD_FILE(struct keypair_opts),
	OPT_NO_PASSWORD(struct keypair_opts),
	OPT_INSECURE(struct keypair_opts),
	OPT_FORCE(struct keypair_opts),
	{ 0 }
};

/* 1 when a and b name the same file, by name or (both existing) inode. */
static int
same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	if (strcmp(a, b) == 0)
		return 1;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	    sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static int
keypair(struct cmd_run *run, int argc, char **argv)
{
	struct keypair_opts o = { 0 };
	struct pkit_keyspec spec = { 0 };
	enum pkit_key_encoding enc = PKIT_KEY_PEM;
	enum pkit_key_form form = PKIT_KEY_PKCS8;
	unsigned char *pubdata = NULL, *privdata = NULL;
	size_t publen = 0, privlen = 0;
	const char *pub, *priv;
	EVP_PKEY *key = NULL;
	char **args, *pw = NULL;
	int nargs, r;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	pub = args[0];
	priv = args[1];
	if (same_file(pub, priv))
		return cmd_usage_error(run,
		    "the public and private key files must differ");
	if (o.format != NULL && strcmp(o.format, "der") == 0)
		enc = PKIT_KEY_DER;
	else if (o.format != NULL && strcmp(o.format, "ssh") == 0)
		form = PKIT_KEY_OPENSSH;
	else if (o.format != NULL && strcmp(o.format, "jwk") == 0)
		form = PKIT_KEY_JWK;
	spec.kty = o.kty;
	spec.crv = o.crv;
	spec.bits = o.size;
	spec.insecure = o.insecure;
	if ((r = pkit_keyspec_resolve(run->ctx, &spec)) != 0 ||
	    (r = pkit_key_form_check(run->ctx, spec.kty, spec.crv, enc, form,
	    !o.no_password)) != 0 ||
	    (r = cmd_may_overwrite(run, pub, o.force)) != 0 ||
	    (r = cmd_may_overwrite(run, priv, o.force)) != 0 ||
	    (r = cmd_new_password(run, o.password_file, o.no_password,
	    o.insecure, priv, &pw)) != 0 ||
	    (r = pkit_key_generate(run->ctx, &spec, &key)) != 0 ||
	    (r = pkit_key_private_encode_form(run->ctx, key, enc, form, pw,
	    &privdata, &privlen)) != 0 ||
	    (r = pkit_key_public_encode_form(run->ctx, key, enc, form, &pubdata,
	    &publen)) != 0 ||
	    (r = pkit_file_write(run->ctx, priv, privdata, privlen,
	    PKIT_WRITE_PRIVATE | PKIT_WRITE_FORCE)) != 0 ||
	    (r = pkit_file_write(run->ctx, pub, pubdata, publen,
	    PKIT_WRITE_FORCE)) != 0)
		r = cmd_fail(run, r);
	pkit_secret_strfree(pw);
	pkit_secret_free(privdata, privlen);
	free(pubdata);
	EVP_PKEY_free(key);
	return r;
}

const struct cmd cmd_crypto_keypair = {
	"keypair", keypair, NULL, "<pub-file> <priv-file>", 2, 2,
	"make a key pair: a public and an encrypted private key",
	"Generates a key pair and writes the public key to <pub-file> and the "
	"private\n"
	"key to <priv-file>.  The default is an EC key on P-256; --kty and "
	"--crv\n"
	"choose EC P-384 or P-521, OKP Ed25519 or X25519, or RSA of --size "
	"bits\n"
	"(2048 by default, at least 2048 unless --insecure).  A curve alone "
	"implies\n"
	"its type.\n"
	"\n"
	"The private key is encrypted with a password, asked twice on the "
	"terminal\n"
	"or read from --password-file.  Encrypted keys are PKCS#8 with PBES2\n"
	"(PBKDF2-HMAC-SHA256, 600,000 iterations, AES-256-CBC), as step "
	"writes\n"
	"them.  --no-password --insecure writes the key in the clear.  The "
	"private\n"
	"key file is created with mode 0600; neither file is written in part, "
	"and\n"
	"an existing file is only replaced with --force (or a yes at the "
	"prompt).\n"
	"\n"
	"Formats: pem writes PKCS#8 and SubjectPublicKeyInfo PEM, der the same "
	"in\n"
	"DER.  ssh writes the public key as an authorized_keys line and the "
	"private\n"
	"key, when unencrypted, in OpenSSH's openssh-key-v1 format.  pkit "
	"cannot\n"
	"encrypt that format (it needs bcrypt_pbkdf), so an encrypted ssh "
	"private\n"
	"key is written as encrypted PKCS#8 PEM, which ssh and ssh-keygen "
	"read for\n"
	"ECDSA and RSA keys.  OpenSSH 9.2 does not read Ed25519 keys in "
	"PKCS#8,\n"
	"so an encrypted Ed25519 ssh key is refused: write it with "
	"--no-password\n"
	"--insecure and set a passphrase with ssh-keygen -p.  X25519 keys have "
	"no\n"
	"OpenSSH form.  jwk writes JSON Web Keys, the private one encrypted "
	"as\n"
	"step does (a JWE with PBES2-HS256+A128KW and A256GCM).",
	"Make an EC P-256 key pair, reading the password from a file:\n"
	"  $ pkit crypto keypair --password-file pw.txt pub.pem priv.pem\n"
	"Make an Ed25519 key pair for OpenSSH, unencrypted:\n"
	"  $ pkit crypto keypair --crv Ed25519 --format ssh --no-password "
	"--insecure id.pub id\n"
	"Make a 3072-bit RSA key pair in DER form:\n"
	"  $ pkit crypto keypair --kty RSA --size 3072 --format der pub.der "
	"priv.der\n",
	keypair_opts
};

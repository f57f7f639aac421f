/* crypto_nacl.c - `pkit crypto nacl box|secretbox|sign|auth ...`: the NaCl
 * primitives of libsodium with step's arguments, nonces and encodings.
 * The work is in src/lib/nacl.c.
 *
 * Messages come on standard input; sealed boxes and signed messages are
 * printed in unpadded base64url (step's encoding) unless --raw is given.
 * Keys are raw files: box keys 32 bytes, sign keys 32 (public) and 64
 * (private) bytes, secretbox and auth keys 32 bytes.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "lib/codec.h"
#include "lib/fs.h"
#include "lib/nacl.h"
#include "lib/secret.h"

_Static_assert(PKIT_NACL_BOX_PUBLIC_BYTES == PKIT_NACL_SIGN_PUBLIC_BYTES &&
    PKIT_NACL_BOX_SECRET_BYTES <= PKIT_NACL_SIGN_SECRET_BYTES,
    "keypair_common() buffers");
_Static_assert(PKIT_NACL_BOX_SECRET_BYTES == PKIT_NACL_SECRETBOX_KEY_BYTES,
    "box_common() key buffer");

static int cmd_box_keypair(struct cmd_run *, int, char **);
static int cmd_box_seal(struct cmd_run *, int, char **);
static int cmd_box_open(struct cmd_run *, int, char **);
static int cmd_secretbox_seal(struct cmd_run *, int, char **);
static int cmd_secretbox_open(struct cmd_run *, int, char **);
static int cmd_sign_keypair(struct cmd_run *, int, char **);
static int cmd_sign_sign(struct cmd_run *, int, char **);
static int cmd_sign_open(struct cmd_run *, int, char **);
static int cmd_auth_digest(struct cmd_run *, int, char **);
static int cmd_auth_verify(struct cmd_run *, int, char **);

/* ---- options ---- */

struct keypair_opts {
	int force;
};
static const struct cmd_opt keypair_opts[] = {
	OPT_FORCE(struct keypair_opts),
	{ 0 }
};

/* seal, open and sign: the encoding, and the permission check of the
 * secret key file. */
struct io_opts {
	int raw;
	int insecure;
};
static const struct cmd_opt seal_opts[] = {
	{ "raw", 0, OPT_BOOL, offsetof(struct io_opts, raw), NULL,
	  "write the output as raw bytes, not base64url" },
	OPT_INSECURE(struct io_opts),
	{ 0 }
};
static const struct cmd_opt open_opts[] = {
	{ "raw", 0, OPT_BOOL, offsetof(struct io_opts, raw), NULL,
	  "read the input as raw bytes, not base64url" },
	OPT_INSECURE(struct io_opts),
	{ 0 }
};
static const struct cmd_opt sign_open_opts[] = {
	{ "raw", 0, OPT_BOOL, offsetof(struct io_opts, raw), NULL,
	  "read the input as raw bytes, not base64url" },
	{ 0 }
};
static const struct cmd_opt auth_opts[] = {
	OPT_INSECURE(struct io_opts),
	{ 0 }
};

/* ---- the rows ---- */

#define NONCE_HELP \
	"The nonce is the bytes of the <nonce> word (1 to 24 bytes, padded "\
	"with\nzeros to 24), or with the prefix base64: the standard base64 "\
	"of up to\n24 bytes, as in step.  Never use one nonce twice with the "\
	"same keys.\n"

#define PERM_HELP \
	"Secret key files readable by group or others are refused unless "\
	"--insecure\nis given."

static const struct cmd box_keypair_row = {
	"keypair", cmd_box_keypair, NULL, "<pub-file> <priv-file>", 2, 2,
	"make a key pair for box seal and open",
	"Makes an X25519 key pair for crypto_box and writes the 32-byte "
	"public key\nto <pub-file> (mode 0644) and the 32-byte private key "
	"to <priv-file>\n(mode 0600), both as raw bytes.  Existing files are "
	"not replaced without\n--force.",
	"Make a key pair for Alice:\n"
	"  $ pkit crypto nacl box keypair alice.box.pub alice.box.priv\n",
	keypair_opts
};

static const struct cmd box_seal_row = {
	"seal", cmd_box_seal, NULL,
	"<nonce> <recipient-pub-file> <sender-priv-file>", 3, 3,
	"encrypt and authenticate a message for a public key",
	"Reads a message from standard input and prints it encrypted for the "
	"owner\nof <recipient-pub-file> and authenticated with "
	"<sender-priv-file>\n(crypto_box: X25519, XSalsa20 and Poly1305).  "
	"The output is the\nciphertext in unpadded base64url, or raw bytes "
	"with --raw; the nonce is\nnot part of it.\n"
	"\n"
	NONCE_HELP
	"\n"
	PERM_HELP,
	"Bob seals a message for Alice:\n"
	"  $ pkit crypto nacl box seal nonce1 alice.box.pub bob.box.priv "
	"< msg.txt > msg.box\n"
	"Seal with a random binary nonce, which the recipient must be "
	"given:\n"
	"  $ pkit crypto nacl box seal base64:081D3pFPBkwx1bURR9HQjiYbAUxigo0Z "
	"alice.box.pub bob.box.priv < msg.txt\n",
	seal_opts
};

static const struct cmd box_open_row = {
	"open", cmd_box_open, NULL,
	"<nonce> <sender-pub-file> <recipient-priv-file>", 3, 3,
	"authenticate and decrypt a box made by seal",
	"Reads a box made by seal from standard input (base64url, or raw "
	"bytes with\n--raw), checks that <sender-pub-file> made it for "
	"<recipient-priv-file>\nand prints the message.  A box that was "
	"altered, or the wrong key or\nnonce, is an error (exit 1) and "
	"nothing is printed.\n"
	"\n"
	NONCE_HELP
	"\n"
	PERM_HELP,
	"Alice opens the message from Bob:\n"
	"  $ pkit crypto nacl box open nonce1 bob.box.pub alice.box.priv "
	"< msg.box\n",
	open_opts
};

static const struct cmd *const box_sub[] = {
	&box_keypair_row,
	&box_open_row,
	&box_seal_row,
	NULL
};

static const struct cmd box_row = {
	"box", NULL, box_sub, NULL, 0, 0,
	"public-key authenticated encryption (crypto_box)",
	"Encrypts and authenticates small messages between two key pairs "
	"with\nNaCl's crypto_box (curve25519xsalsa20poly1305).  The sender "
	"seals with\nits private key and the recipient's public key; the "
	"recipient opens with\nits private key and the sender's public key.  "
	"Each message between the\nsame two keys needs its own nonce.\n"
	"\n"
	"A box proves to the recipient who sent it, but not to anybody else: "
	"the\nrecipient could have made it too.  Use nacl sign for "
	"signatures.",
	"Bob seals a message for Alice, and Alice opens it:\n"
	"  $ echo hello | pkit crypto nacl box seal nonce1 alice.box.pub "
	"bob.box.priv > msg.box\n"
	"  $ pkit crypto nacl box open nonce1 bob.box.pub alice.box.priv "
	"< msg.box\n"
};

static const struct cmd secretbox_seal_row = {
	"seal", cmd_secretbox_seal, NULL, "<nonce> <key-file>", 2, 2,
	"encrypt and authenticate a message with a secret key",
	"Reads a message from standard input and prints it encrypted and\n"
	"authenticated with the 32-byte key in <key-file> (crypto_secretbox:\n"
	"XSalsa20 and Poly1305).  The output is unpadded base64url, or raw "
	"bytes\nwith --raw.  A box private key also serves as the key.\n"
	"\n"
	NONCE_HELP
	"\n"
	PERM_HELP,
	"Seal a file with a shared key:\n"
	"  $ pkit crypto nacl secretbox seal nonce1 shared.key "
	"< message.txt > message.box\n",
	seal_opts
};

static const struct cmd secretbox_open_row = {
	"open", cmd_secretbox_open, NULL, "<nonce> <key-file>", 2, 2,
	"authenticate and decrypt a secretbox",
	"Reads a box made by secretbox seal from standard input (base64url, "
	"or raw\nbytes with --raw) and prints the message.  A box that was "
	"altered, or the\nwrong key or nonce, is an error (exit 1) and "
	"nothing is printed.\n"
	"\n"
	NONCE_HELP
	"\n"
	PERM_HELP,
	"Open a box with the shared key:\n"
	"  $ pkit crypto nacl secretbox open nonce1 shared.key "
	"< message.box\n",
	open_opts
};

static const struct cmd *const secretbox_sub[] = {
	&secretbox_open_row,
	&secretbox_seal_row,
	NULL
};

static const struct cmd secretbox_row = {
	"secretbox", NULL, secretbox_sub, NULL, 0, 0,
	"secret-key authenticated encryption (crypto_secretbox)",
	"Encrypts and authenticates small messages with a shared 32-byte key "
	"using\nNaCl's crypto_secretbox (xsalsa20poly1305).  The length of "
	"the message is\nnot hidden.  Each message under one key needs its "
	"own nonce.",
	"Seal and open a message with a key from a box key pair:\n"
	"  $ pkit crypto nacl box keypair k.pub shared.key\n"
	"  $ echo hello | pkit crypto nacl secretbox seal n1 shared.key "
	"> m.box\n"
	"  $ pkit crypto nacl secretbox open n1 shared.key < m.box\n"
};

static const struct cmd sign_keypair_row = {
	"keypair", cmd_sign_keypair, NULL, "<pub-file> <priv-file>", 2, 2,
	"make an Ed25519 key pair for sign and open",
	"Makes an Ed25519 key pair for crypto_sign and writes the 32-byte "
	"public\nkey to <pub-file> (mode 0644) and the 64-byte private key "
	"(seed and\npublic key) to <priv-file> (mode 0600), both as raw "
	"bytes.  Existing\nfiles are not replaced without --force.",
	"Make a signing key pair:\n"
	"  $ pkit crypto nacl sign keypair nacl.sign.pub nacl.sign.priv\n",
	keypair_opts
};

static const struct cmd sign_sign_row = {
	"sign", cmd_sign_sign, NULL, "<priv-file>", 1, 1,
	"sign a message with Ed25519",
	"Reads a message from standard input and prints the signed message: "
	"the\n64-byte signature followed by the message (crypto_sign), in "
	"unpadded\nbase64url, or raw bytes with --raw.\n"
	"\n"
	PERM_HELP,
	"Sign a message:\n"
	"  $ pkit crypto nacl sign sign nacl.sign.priv < msg.txt "
	"> msg.signed\n"
	"Sign and keep the signed message in binary:\n"
	"  $ pkit crypto nacl sign sign --raw nacl.sign.priv < msg.txt "
	"> msg.sig.bin\n",
	seal_opts
};

static const struct cmd sign_open_row = {
	"open", cmd_sign_open, NULL, "<pub-file>", 1, 1,
	"verify a signed message and print the message",
	"Reads a signed message made by sign from standard input (base64url, "
	"or raw\nbytes with --raw), checks its signature with <pub-file> and "
	"prints the\nmessage.  A bad signature is an error (exit 1) and "
	"nothing is printed.",
	"Verify a signed message:\n"
	"  $ pkit crypto nacl sign open nacl.sign.pub < msg.signed\n",
	sign_open_opts
};

static const struct cmd *const sign_sub[] = {
	&sign_keypair_row,
	&sign_open_row,
	&sign_sign_row,
	NULL
};

static const struct cmd sign_row = {
	"sign", NULL, sign_sub, NULL, 0, 0,
	"public-key signatures (crypto_sign, Ed25519)",
	"Signs messages and verifies signed messages with NaCl's "
	"crypto_sign\n(Ed25519).  A signed message is the signature followed "
	"by the message.",
	"Make a key pair, sign and verify:\n"
	"  $ pkit crypto nacl sign keypair s.pub s.priv\n"
	"  $ echo hello | pkit crypto nacl sign sign s.priv > m.signed\n"
	"  $ pkit crypto nacl sign open s.pub < m.signed\n"
};

static const struct cmd auth_digest_row = {
	"digest", cmd_auth_digest, NULL, "<key-file>", 1, 1,
	"print the authenticator of a message",
	"Reads a message from standard input and prints its 32-byte "
	"authenticator\n(crypto_auth, HMAC-SHA-512-256) under the 32-byte key "
	"in <key-file>, in\nhex.\n"
	"\n"
	PERM_HELP,
	"Authenticate a file:\n"
	"  $ pkit crypto nacl auth digest auth.key < message.txt\n",
	auth_opts
};

static const struct cmd auth_verify_row = {
	"verify", cmd_auth_verify, NULL, "<key-file> <tag>", 2, 2,
	"check the authenticator of a message",
	"Reads a message from standard input and checks that <tag> (64 hex "
	"digits,\nas digest prints it) is its authenticator under the key in "
	"<key-file>.\nPrints \"ok\" and exits 0 when it is; exits 1 with one "
	"line on standard\nerror when it is not.\n"
	"\n"
	PERM_HELP,
	"Check a file against its authenticator:\n"
	"  $ pkit crypto nacl auth verify auth.key \"$(cat message.tag)\" "
	"< message.txt\n",
	auth_opts
};

static const struct cmd *const auth_sub[] = {
	&auth_digest_row,
	&auth_verify_row,
	NULL
};

static const struct cmd auth_row = {
	"auth", NULL, auth_sub, NULL, 0, 0,
	"secret-key message authentication (crypto_auth)",
	"Authenticates messages with a shared 32-byte key using NaCl's "
	"crypto_auth,\nHMAC-SHA-512-256 (the first 32 bytes of HMAC-SHA-512).",
	"Authenticate a message and check it:\n"
	"  $ pkit crypto nacl auth digest auth.key < m.txt > m.tag\n"
	"  $ pkit crypto nacl auth verify auth.key \"$(cat m.tag)\" < m.txt\n"
};

static const struct cmd *const nacl_sub[] = {
	&auth_row,
	&box_row,
	&secretbox_row,
	&sign_row,
	NULL
};

const struct cmd cmd_crypto_nacl = {
	"nacl", NULL, nacl_sub, NULL, 0, 0,
	"NaCl encryption, signatures and authenticators (libsodium)",
	"The NaCl primitives as step crypto nacl offers them, through "
	"libsodium:\npublic-key boxes, secret-key boxes, Ed25519 signed "
	"messages and\nHMAC-SHA-512-256 authenticators.  Their outputs "
	"interoperate with NaCl,\nlibsodium and step.\n"
	"\n"
	"Keys are raw binary files.  Messages are read from standard input; "
	"boxes\nand signed messages are printed in unpadded base64url unless "
	"--raw is\ngiven.",
	"Seal a message with a shared key:\n"
	"  $ echo hello | pkit crypto nacl secretbox seal n1 shared.key\n"
};

/* ---- helpers ---- */

/* The message on standard input; with decode, unpadded base64url with
 * trailing whitespace ignored. */
static int
read_input(struct cmd_run *run, int decode, unsigned char **out,
    size_t *outlen)
{
	unsigned char *buf = NULL, *bin = NULL;
	size_t len = 0, n = 0;
	int r;

	*out = NULL;
	*outlen = 0;
	if ((r = pkit_file_read(run->ctx, "-", PKIT_FILE_MAX, &buf, &len)) != 0)
		return r;
	if (!decode) {
		*out = buf;
		*outlen = len;
		return PKIT_OK;
	}
	n = len;
	while (n > 0 && isspace(buf[n - 1]))
		n--;
	if (pkit_b64_decode(run->ctx, PKIT_B64_URL_RAW, (const char *)buf, n,
	    &bin, outlen) != 0) {
		free(buf);
		return pkit_seterr(run->ctx, PKIT_ERR_FORMAT,
		    "standard input: not unpadded base64url (use --raw for "
		    "binary input)");
	}
	free(buf);
	*out = bin;
	return PKIT_OK;
}

/* Print a box or signed message: base64url and a newline, or raw. */
static int
write_output(struct cmd_run *run, int raw, const unsigned char *buf,
    size_t len)
{
	char *text = NULL;
	int r;

	if (raw)
		return pkit_file_write(run->ctx, "-", buf, len, 0);
	if ((r = pkit_b64_encode(run->ctx, PKIT_B64_URL_RAW, buf, len,
	    &text)) != 0)
		return r;
	printf("%s\n", text);
	free(text);
	return PKIT_OK;
}

/* A secret key file: exact size, and not readable by others unless
 * --insecure. */
static int
load_secret(struct cmd_run *run, const char *path, const char *what,
    unsigned char *key, size_t size, int insecure)
{
	int r;

	if ((r = pkit_nacl_key_read(run->ctx, path, what, key, size)) != 0)
		return r;
	if (!insecure && (r = pkit_file_check_private(run->ctx, path)) != 0) {
		pkit_secret_wipe(key, size);
		return r;
	}
	return PKIT_OK;
}

/* Write a key pair: both paths are checked before anything is written,
 * and the private key is removed again when the public one fails. */
static int
write_keypair(struct cmd_run *run, const char *pubpath, const char *privpath,
    int force, const unsigned char *pub, size_t publen,
    const unsigned char *priv, size_t privlen)
{
	unsigned pflags = 0, kflags = PKIT_WRITE_PRIVATE;
	int r;

	if ((r = cmd_may_overwrite(run, pubpath, force)) != 0 ||
	    (r = cmd_may_overwrite(run, privpath, force)) != 0)
		return r;
	if (pkit_file_exists(pubpath))
		pflags |= PKIT_WRITE_FORCE;
	if (pkit_file_exists(privpath))
		kflags |= PKIT_WRITE_FORCE;
	if ((r = pkit_file_write(run->ctx, privpath, priv, privlen,
	    kflags)) != 0)
		return r;
	if ((r = pkit_file_write(run->ctx, pubpath, pub, publen, pflags)) != 0) {
		(void)unlink(privpath);
		return r;
	}
	return PKIT_OK;
}

static int
check_keypair_paths(struct cmd_run *run, const char *pub, const char *priv)
{
	if (strcmp(pub, priv) == 0)
		return cmd_usage_error(run,
		    "<pub-file> and <priv-file> must be different files");
	if (strcmp(pub, "-") == 0 || strcmp(priv, "-") == 0)
		return cmd_usage_error(run, "key files cannot be '-'");
	return 0;
}

/* ---- box and secretbox ---- */

/* box and sign keypair: the key lengths are those of the one asked for. */
static int
keypair_common(struct cmd_run *run, int argc, char **argv, int sign)
{
	struct keypair_opts o = { 0 };
	unsigned char pub[PKIT_NACL_SIGN_PUBLIC_BYTES];
	unsigned char priv[PKIT_NACL_SIGN_SECRET_BYTES];
	size_t privlen = sign ? PKIT_NACL_SIGN_SECRET_BYTES :
	    PKIT_NACL_BOX_SECRET_BYTES;
	char **args;
	int nargs, r;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	if ((r = check_keypair_paths(run, args[0], args[1])) != 0)
		return r;
	r = sign ? pkit_nacl_sign_keypair(run->ctx, pub, priv) :
	    pkit_nacl_box_keypair(run->ctx, pub, priv);
	if (r == 0)
		r = write_keypair(run, args[0], args[1], o.force, pub,
		    sizeof(pub), priv, privlen);
	pkit_secret_wipe(priv, sizeof(priv));
	return r == PKIT_OK ? EXIT_OK : cmd_fail(run, r);
}

static int
cmd_box_keypair(struct cmd_run *run, int argc, char **argv)
{
	return keypair_common(run, argc, argv, 0);
}

/* box (<nonce> <pub-file> <priv-file>) or secretbox (<nonce> <key-file>)
 * seal or open. */
static int
box_common(struct cmd_run *run, int argc, char **argv, int box, int seal)
{
	struct io_opts o = { 0 };
	unsigned char nonce[PKIT_NACL_NONCE_BYTES];
	unsigned char pub[PKIT_NACL_BOX_PUBLIC_BYTES];
	unsigned char key[PKIT_NACL_BOX_SECRET_BYTES];	/* or secretbox key */
	unsigned char *in = NULL, *out = NULL;
	size_t inlen = 0, outlen = 0;
	char **args;
	int nargs, r;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	if ((r = pkit_nacl_nonce(run->ctx, args[0], nonce)) != 0 ||
	    (box && (r = pkit_nacl_key_read(run->ctx, args[1],
	    "box public key", pub, sizeof(pub))) != 0) ||
	    (r = load_secret(run, box ? args[2] : args[1], box ?
	    "box private key" : "secretbox key", key, sizeof(key),
	    o.insecure)) != 0)
		goto out;
	if ((r = read_input(run, !seal && !o.raw, &in, &inlen)) != 0)
		goto out;
	if (seal) {
		r = box ? pkit_nacl_box_seal(run->ctx, in, inlen, nonce, pub,
		    key, &out, &outlen) : pkit_nacl_secretbox_seal(run->ctx,
		    in, inlen, nonce, key, &out, &outlen);
		if (r == 0)
			r = write_output(run, o.raw, out, outlen);
	} else {
		r = box ? pkit_nacl_box_open(run->ctx, in, inlen, nonce, pub,
		    key, &out, &outlen) : pkit_nacl_secretbox_open(run->ctx,
		    in, inlen, nonce, key, &out, &outlen);
		if (r == 0)
			r = pkit_file_write(run->ctx, "-", out, outlen, 0);
		else if (r == PKIT_ERR_VERIFY)
			pkit_seterr(run->ctx, r, "standard input: the box "
			    "does not open with %s%s%s (wrong key or nonce, "
			    "or altered data)", args[1], box ? " and " : "",
			    box ? args[2] : "");
	}
out:
	pkit_secret_wipe(key, sizeof(key));
	/* The plaintext is the input of seal and the output of open. */
	pkit_secret_free(in, inlen);
	pkit_secret_free(out, outlen);
	return r == PKIT_OK ? EXIT_OK : cmd_fail(run, r);
}

static int
cmd_box_seal(struct cmd_run *run, int argc, char **argv)
{
	return box_common(run, argc, argv, 1, 1);
}

static int
cmd_box_open(struct cmd_run *run, int argc, char **argv)
{
	return box_common(run, argc, argv, 1, 0);
}

static int
cmd_secretbox_seal(struct cmd_run *run, int argc, char **argv)
{
	return box_common(run, argc, argv, 0, 1);
}

static int
cmd_secretbox_open(struct cmd_run *run, int argc, char **argv)
{
	return box_common(run, argc, argv, 0, 0);
}

/* ---- sign ---- */

static int
cmd_sign_keypair(struct cmd_run *run, int argc, char **argv)
{
	return keypair_common(run, argc, argv, 1);
}

/* sign (<priv-file>) or open (<pub-file>) a signed message. */
static int
sign_common(struct cmd_run *run, int argc, char **argv, int sign)
{
	struct io_opts o = { 0 };
	unsigned char key[PKIT_NACL_SIGN_SECRET_BYTES];	/* or the public key */
	unsigned char *in = NULL, *out = NULL;
	size_t inlen = 0, outlen = 0;
	char **args;
	int nargs, r;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	r = sign ? load_secret(run, args[0], "sign private key", key,
	    PKIT_NACL_SIGN_SECRET_BYTES, o.insecure) :
	    pkit_nacl_key_read(run->ctx, args[0], "sign public key", key,
	    PKIT_NACL_SIGN_PUBLIC_BYTES);
	if (r != 0 || (r = read_input(run, !sign && !o.raw, &in, &inlen)) != 0)
		goto out;
	if (sign) {
		r = pkit_nacl_sign(run->ctx, in, inlen, key, &out, &outlen);
		if (r == 0)
			r = write_output(run, o.raw, out, outlen);
	} else {
		r = pkit_nacl_sign_open(run->ctx, in, inlen, key, &out,
		    &outlen);
		if (r == 0)
			r = pkit_file_write(run->ctx, "-", out, outlen, 0);
		else if (r == PKIT_ERR_VERIFY)
			pkit_seterr(run->ctx, r, "standard input: the "
			    "signature does not verify with %s", args[0]);
	}
out:
	pkit_secret_wipe(key, sizeof(key));
	free(in);
	free(out);
	return r == PKIT_OK ? EXIT_OK : cmd_fail(run, r);
}

static int
cmd_sign_sign(struct cmd_run *run, int argc, char **argv)
{
	return sign_common(run, argc, argv, 1);
}

static int
cmd_sign_open(struct cmd_run *run, int argc, char **argv)
{
	return sign_common(run, argc, argv, 0);
}

/* ---- auth ---- */

/* digest (<key-file>) or verify (<key-file> <tag>) an authenticator. */
static int
auth_common(struct cmd_run *run, int argc, char **argv, int verify)
{
	struct io_opts o = { 0 };
	unsigned char key[PKIT_NACL_AUTH_KEY_BYTES], tag[PKIT_NACL_AUTH_BYTES];
	unsigned char *in = NULL, *want = NULL;
	size_t inlen = 0, wantlen = 0;
	char **args, *hex = NULL;
	int nargs, r;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	if (verify && (pkit_hex_decode(run->ctx, args[1], strlen(args[1]),
	    &want, &wantlen) != 0 || wantlen != PKIT_NACL_AUTH_BYTES)) {
		r = pkit_seterr(run->ctx, PKIT_ERR_FORMAT,
		    "tag '%s': not %d hex digits", args[1],
		    2 * PKIT_NACL_AUTH_BYTES);
		goto out;
	}
	if ((r = load_secret(run, args[0], "auth key", key, sizeof(key),
	    o.insecure)) != 0 ||
	    (r = read_input(run, 0, &in, &inlen)) != 0)
		goto out;
	if (verify) {
		r = pkit_nacl_auth_verify(run->ctx, in, inlen, key, want);
		if (r == 0)
			printf("ok\n");
		else if (r == PKIT_ERR_VERIFY)
			pkit_seterr(run->ctx, r, "standard input: the "
			    "authenticator does not match under %s", args[0]);
	} else if ((r = pkit_nacl_auth(run->ctx, in, inlen, key, tag)) == 0 &&
	    (r = pkit_hex_encode(run->ctx, tag, sizeof(tag), 0, &hex)) == 0) {
		printf("%s\n", hex);
	}
out:
	pkit_secret_wipe(key, sizeof(key));
	free(in);
	free(want);
	free(hex);
	return r == PKIT_OK ? EXIT_OK : cmd_fail(run, r);
}

static int
cmd_auth_digest(struct cmd_run *run, int argc, char **argv)
{
	return auth_common(run, argc, argv, 0);
}

static int
cmd_auth_verify(struct cmd_run *run, int argc, char **argv)
{
	return auth_common(run, argc, argv, 1);
}

/* certificate_p12.c - `pkit certificate p12`: write a PKCS#12 file, or
 * with --extract read one back into PEM files. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "lib/fs.h"
#include "lib/key.h"
#include "lib/p12.h"
#include "lib/secret.h"
#include "lib/x509.h"
#include "lib/x509_build.h"

struct p12_opts {
	struct strvec ca;
	const char *password_file, *key_password_file;
	int no_password, insecure, legacy, extract, force;
};

#define T struct p12_opts
static const struct cmd_opt p12_opts[] = {
	{ "ca", 0, OPT_LIST, offsetof(T, ca), "file",
	  "add the certificates of file (repeatable); alone: a trust store",
	  NULL, OPT_F_FILE },
	{ "password-file", 0, OPT_STRING, offsetof(T, password_file), "file",
	  "read the PKCS#12 password from the first line of file", NULL,
	  OPT_F_FILE },
	{ "key-password-file", 0, OPT_STRING, offsetof(T, key_password_file),
	  "file", "the password of <key-file> (read it, or with --extract "
	  "write it)", NULL, OPT_F_FILE },
	{ "no-password", 0, OPT_BOOL, offsetof(T, no_password), NULL,
	  "do not encrypt the output (needs --insecure)" },
	OPT_INSECURE(T),
	{ "legacy", 0, OPT_BOOL, offsetof(T, legacy), NULL,
	  "RC2/3DES and a SHA-1 MAC, for old Java and Windows" },
	{ "extract", 0, OPT_BOOL, offsetof(T, extract), NULL,
	  "read <p12-file> and write its certificates and key as PEM" },
	OPT_FORCE(T),
	{ 0 }
};
#undef T

/* keyio names --password-file when a key password cannot be asked for;
 * name the flag that applies instead. */
static int
no_tty_flag(struct cmd_run *run, int r, const char *flag)
{
	if (r == PKIT_ERR_NO_TTY)
		pkit_seterr(run->ctx, r,
		    "%s: a password is needed and there is "
		    "no terminal to ask on; use %s", run->path, flag);
	return r;
}

static int
add_pem(struct cmd_run *run, X509 *crt, unsigned char **buf, size_t *len)
{
	unsigned char *pem = NULL, *nb;
	size_t plen = 0;
	int r;

	if ((r = pkit_x509_encode(run->ctx, crt, PKIT_KEY_PEM, &pem,
	    &plen)) != 0)
		return r;
	if ((nb = realloc(*buf, *len + plen + 1)) == NULL) {
		free(pem);
		return pkit_seterr(run->ctx, PKIT_ERR_NOMEM, "%s", run->path);
	}
	memcpy(nb + *len, pem, plen);
	*len += plen;
	nb[*len] = '\0';
	*buf = nb;
	free(pem);
	return 0;
}

/* --extract <p12-file> <crt-file> [<key-file>] */
static int
extract(struct cmd_run *run, const struct p12_opts *o, char **args,
    int nargs)
{
	const char *p12file = args[0], *crtfile = args[1];
	const char *keyfile = nargs > 2 ? args[2] : NULL;
	STACK_OF(X509) *cas = NULL;
	EVP_PKEY *key = NULL;
	X509 *crt = NULL;
	unsigned char *data = NULL, *pem = NULL;
	size_t len = 0, pemlen = 0;
	char *pw = NULL, *keypw = NULL, prompt[512];
	int r, i, key_written = 0;

	if (o->ca.n > 0 || o->legacy)
		return cmd_usage_error(run, "--extract does not take --ca or "
		    "--legacy");
	if (o->no_password && !o->insecure)
		return cmd_usage_error(run, "'--no-password' requires the "
		    "'--insecure' flag");
	if (keyfile != NULL && strcmp(keyfile, crtfile) == 0)
		return cmd_usage_error(run, "<crt-file> and <key-file> are the "
		    "same file");
	if ((r = pkit_file_read(run->ctx, p12file, PKIT_FILE_MAX, &data,
	    &len)) != 0)
		goto out;
	/* Without --password-file, try an empty password before asking. */
	r = o->password_file == NULL ? pkit_p12_parse(run->ctx, data, len,
	    NULL, p12file, &key, &crt, &cas) : PKIT_ERR_PASSWORD;
	if (r == PKIT_ERR_PASSWORD) {
		snprintf(prompt, sizeof(prompt),
		    "Please enter the password to decrypt %s: ", p12file);
		if ((r = cmd_password(run, o->password_file, prompt, 0,
		    "--password-file", &pw)) != 0)
			goto out;
		r = pkit_p12_parse(run->ctx, data, len, pw, p12file, &key, &crt,
		    &cas);
	}
	if (r != 0)
		goto out;
	if (crt != NULL && (r = add_pem(run, crt, &pem, &pemlen)) != 0)
		goto out;
	for (i = 0; i < sk_X509_num(cas); i++)
		if ((r = add_pem(run, sk_X509_value(cas, i), &pem,
		    &pemlen)) != 0)
			goto out;
	if (pemlen == 0) {
		r = pkit_seterr(run->ctx, PKIT_ERR_NOT_FOUND,
		    "%s: holds no certificate", p12file);
		goto out;
	}
	if (keyfile != NULL && key == NULL) {
		r = pkit_seterr(run->ctx, PKIT_ERR_NOT_FOUND,
		    "%s: holds no private key to write to %s", p12file,
		    keyfile);
		goto out;
	}
	if ((r = cmd_may_overwrite(run, crtfile, o->force)) != 0 ||
	    (keyfile != NULL && (r = cmd_may_overwrite(run, keyfile,
	    o->force)) != 0))
		goto out;
	if (keyfile != NULL) {
		if ((r = no_tty_flag(run, cmd_new_password(run,
		    o->key_password_file, o->no_password, o->insecure, keyfile,
		    &keypw),
		    "--key-password-file, or --no-password --insecure")) != 0 ||
		    (r = cmd_key_write_private(run, key, keyfile, keypw,
		    1)) != 0)
			goto out;
		key_written = 1;
	}
	if ((r = pkit_file_write(run->ctx, crtfile, pem, pemlen,
	    PKIT_WRITE_FORCE)) != 0) {
		if (key_written)
			(void)unlink(keyfile);
		goto out;
	}
	fprintf(stderr, "Your certificate%s been saved in %s.\n",
	    pemlen > 0 && sk_X509_num(cas) + (crt != NULL) > 1 ?
	    "s have" : " has", crtfile);
	if (keyfile != NULL)
		fprintf(stderr, "Your private key has been saved in %s.\n",
		    keyfile);
out:
	pkit_secret_strfree(pw);
	pkit_secret_strfree(keypw);
	pkit_secret_free(data, len);
	free(pem);
	EVP_PKEY_free(key);
	X509_free(crt);
	sk_X509_pop_free(cas, X509_free);
	return r != 0 ? cmd_fail(run, r) : EXIT_OK;
}

/* <p12-file> [<crt-file> <key-file>] [--ca file ...] */
static int
create(struct cmd_run *run, const struct p12_opts *o, char **args, int nargs)
{
	const char *p12file = args[0];
	const char *crtfile = nargs > 1 ? args[1] : NULL;
	const char *keyfile = nargs > 2 ? args[2] : NULL;
	STACK_OF(X509) *chain = NULL, *cas = NULL, *more = NULL;
	EVP_PKEY *key = NULL;
	X509 *crt = NULL;
	unsigned char *der = NULL;
	size_t len = 0, i;
	char *pw = NULL;
	int r;

	if (o->key_password_file != NULL && keyfile == NULL)
		return cmd_usage_error(run,
		    "--key-password-file needs <key-file>");
	if (crtfile != NULL && keyfile == NULL)
		return cmd_usage_error(run, "<crt-file> needs its <key-file>");
	if (crtfile == NULL && o->ca.n == 0)
		return cmd_usage_error(run,
		    "give <crt-file> and <key-file>, or "
		    "--ca for a trust store");
	if (o->no_password && !o->insecure)
		return cmd_usage_error(run, "'--no-password' requires the "
		    "'--insecure' flag");
	if (o->no_password && o->password_file != NULL)
		return cmd_usage_error(run, "'--no-password' and "
		    "'--password-file' do not go together");
	if ((cas = sk_X509_new_null()) == NULL) {
		r = pkit_seterr(run->ctx, PKIT_ERR_NOMEM, "%s", run->path);
		goto out;
	}
	if (crtfile != NULL) {
		/* The first certificate is the key's; the rest of the file
		 * (a chain) goes in as CA certificates. */
		if ((r = pkit_x509_load_certs(run->ctx, crtfile,
		    &chain)) != 0 ||
		    (r = no_tty_flag(run, cmd_key_load_private(run, keyfile,
		    o->key_password_file, o->insecure, &key),
		    "--key-password-file")) != 0)
			goto out;
		crt = sk_X509_shift(chain);
		if ((r = pkit_x509_check_key(run->ctx, crt, key, crtfile,
		    keyfile)) != 0)
			goto out;
		while (sk_X509_num(chain) > 0)
			if (!sk_X509_push(cas, sk_X509_shift(chain))) {
				r = pkit_seterr(run->ctx, PKIT_ERR_NOMEM, "%s",
				    run->path);
				goto out;
			}
	}
	for (i = 0; i < o->ca.n; i++) {
		if ((r = pkit_x509_load_certs(run->ctx, o->ca.v[i],
		    &more)) != 0)
			goto out;
		while (sk_X509_num(more) > 0)
			if (!sk_X509_push(cas, sk_X509_shift(more))) {
				r = pkit_seterr(run->ctx, PKIT_ERR_NOMEM, "%s",
				    run->path);
				goto out;
			}
		sk_X509_free(more);
		more = NULL;
	}
	if ((r = cmd_may_overwrite(run, p12file, o->force)) != 0 ||
	    (r = cmd_new_password(run, o->password_file, o->no_password,
	    o->insecure, p12file, &pw)) != 0 ||
	    (r = pkit_p12_create(run->ctx, key, crt, cas, pw != NULL ? pw : "",
	    o->legacy, &der, &len)) != 0 ||
	    (r = pkit_file_write(run->ctx, p12file, der, len,
	    PKIT_WRITE_PRIVATE | PKIT_WRITE_FORCE)) != 0)
		goto out;
	fprintf(stderr, "Your PKCS#12 file has been saved in %s.\n", p12file);
out:
	pkit_secret_strfree(pw);
	pkit_secret_free(der, len);
	EVP_PKEY_free(key);
	X509_free(crt);
	sk_X509_pop_free(chain, X509_free);
	sk_X509_pop_free(more, X509_free);
	sk_X509_pop_free(cas, X509_free);
	return r != 0 ? cmd_fail(run, r) : EXIT_OK;
}

static int
cmd_p12(struct cmd_run *run, int argc, char **argv)
{
	struct p12_opts o = { 0 };
	char **args;
	int nargs, r;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		goto out;
	if (o.extract && nargs < 2)
		r = cmd_usage_error(run,
		    "--extract needs <p12-file> <crt-file> "
		    "[<key-file>]");
	else
		r = o.extract ? extract(run, &o, args, nargs) :
		    create(run, &o, args, nargs);
out:
	strvec_clear(&o.ca);
	return r;
}

const struct cmd cmd_certificate_p12 = {
	"p12", cmd_p12, NULL, "<p12-file> [<crt-file> [<key-file>]]", 1, 3,
	"write a PKCS#12 file, or read one back with --extract",
	"Writes <p12-file> (mode 0600) holding the certificate of <crt-file>, "
	"its\nprivate key <key-file> and the certificates of each --ca (and "
	    "any "
	"further\ncertificates in <crt-file>).  With only --ca it writes a "
	    "Java "
	"trust store:\ncertificates marked trusted, no key.  The PKCS#12 "
	"password comes from\n--password-file or is asked for; --no-password "
	"--insecure uses an empty\none.  An encrypted <key-file> is decrypted "
	"with --key-password-file or a\nprompt.\n"
	"\n"
	"The encryption is that of go-pkcs12's Modern2023 (as step): PBES2 "
	"with\nPBKDF2-HMAC-SHA-256, 2048 iterations, AES-256-CBC, and an "
	"HMAC-SHA-256 MAC.\nThe files open with openssl pkcs12, Java 11 and "
	"later, and current\nbrowsers.  --legacy uses RC2-40 for certificates, "
	"3DES for the key and a\nSHA-1 MAC, for old Java and Windows.\n"
	"\n"
	"With --extract, <p12-file> is read instead (an empty password is "
	    "tried\n"
	"first, then --password-file or a prompt): its certificates go to\n"
	"<crt-file> as PEM, the key's own first, then the others; its private "
	"key\ngoes to <key-file> as PKCS#8 (mode 0600), encrypted with "
	"the password of\n--key-password-file or a prompt, or plain with "
	"--no-password --insecure.\n--no-password always concerns the file "
	"being written.",
	"Bundle a key and its certificate chain for a browser or Java:\n"
	"  $ pkit certificate p12 --password-file pw.txt --ca int.crt www.p12 "
	    "www.crt www.key\n"
	"Make a Java trust store with the root:\n"
	"  $ pkit certificate p12 --password-file pw.txt --ca root.crt "
	    "truststore.p12\n"
	"Take a PKCS#12 file apart:\n"
	"  $ pkit certificate p12 --extract --password-file pw.txt "
	    "--no-password --insecure www.p12 www.crt www.key\n",
	p12_opts
};

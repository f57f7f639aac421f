/* certificate_misc.c - the small certificate verbs: fingerprint, format,
 * key and bundle. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "cmd.h"
#include "lib/codec.h"
#include "lib/fs.h"
#include "lib/key.h"
#include "lib/x509.h"
#include "lib/x509_build.h"

/* ---- fingerprint --------------------------------------------------- */

struct fp_opts {
	const char *format;
	int sha1, insecure, bundle;
};

#define T struct fp_opts
static const struct cmd_opt fp_opts[] = {
	OPT_FORMAT(T, "hex (default), base64, base64-url, base64-raw or "
	    "base64-url-raw",
	    "hex base64 base64-url base64-raw base64-url-raw"),
	{ "sha1", 0, OPT_BOOL, offsetof(T, sha1), NULL,
	  "use SHA-1 instead of SHA-256 (needs --insecure)" },
	OPT_INSECURE(T),
	{ "bundle", 0, OPT_BOOL, offsetof(T, bundle), NULL,
	  "print the fingerprint of every certificate, as \"i: fingerprint\"" },
	{ 0 }
};
#undef T

static int
cmd_fingerprint(struct cmd_run *run, int argc, char **argv)
{
	struct fp_opts o = { 0 };
	STACK_OF(X509) *sk = NULL;
	const char *fmt;
	char **args;
	int nargs, r, i, n;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	if (o.sha1 && !o.insecure)
		return cmd_usage_error(run,
		    "'--sha1' requires the '--insecure' "
		    "flag");
	fmt = o.format != NULL ? o.format : "hex";
	if ((r = pkit_x509_load_certs(run->ctx, args[0], &sk)) != 0)
		return cmd_fail(run, r);
	n = o.bundle ? sk_X509_num(sk) : 1;
	for (i = 0; i < n; i++) {
		unsigned char md[EVP_MAX_MD_SIZE];
		size_t mdlen;
		char *s = NULL;

		if ((r = pkit_x509_fingerprint(run->ctx, sk_X509_value(sk, i),
		    o.sha1 ? "SHA1" : "SHA256", md, &mdlen)) != 0)
			break;
		if (strcmp(fmt, "hex") == 0)
			r = pkit_hex_encode(run->ctx, md, mdlen, 0, &s);
		else
			r = pkit_b64_encode(run->ctx,
			    strcmp(fmt, "base64") == 0 ? PKIT_B64_STD :
			    strcmp(fmt, "base64-url") == 0 ? PKIT_B64_URL :
			    strcmp(fmt, "base64-raw") == 0 ? PKIT_B64_STD_RAW :
			    PKIT_B64_URL_RAW, md, mdlen, &s);
		if (r != 0)
			break;
		if (o.bundle)
			printf("%d: %s\n", i, s);
		else
			printf("%s\n", s);
		free(s);
	}
	sk_X509_pop_free(sk, X509_free);
	return r != 0 ? cmd_fail(run, r) : EXIT_OK;
}

const struct cmd cmd_certificate_fingerprint = {
	"fingerprint", cmd_fingerprint, NULL, "<crt-file>", 1, 1,
	"print the SHA-256 fingerprint of a certificate",
	"Prints the SHA-256 digest of the DER encoding of the certificate in\n"
	"<crt-file> (PEM or DER; \"-\" reads standard input), in lower-case "
	    "hex\n"
	"without separators, as step does.  With --bundle, every certificate "
	"of\nthe file is printed as \"<index>: <fingerprint>\", from 0.  The "
	"emoji format\nof step is not supported.",
	"Print the fingerprint of a root, as pkit ca bootstrap wants it:\n"
	"  $ pkit certificate fingerprint root.crt\n"
	"Fingerprints of a whole chain in base64:\n"
	"  $ pkit certificate fingerprint --bundle --format base64 chain.crt\n",
	fp_opts
};

/* ---- format -------------------------------------------------------- */

struct format_opts {
	const char *out;
	int force;
};

#define T struct format_opts
static const struct cmd_opt format_opts[] = {
	{ "out", 0, OPT_STRING, offsetof(T, out), "file",
	  "write to file instead of standard output", NULL, OPT_F_FILE,
	  "output-file" },
	OPT_FORCE(T),
	{ 0 }
};
#undef T

static int
cmd_format(struct cmd_run *run, int argc, char **argv)
{
	struct format_opts o = { 0 };
	STACK_OF(X509) *sk = NULL;
	X509_REQ *req = NULL;
	unsigned char *buf = NULL, *out = NULL;
	size_t len = 0, outlen = 0;
	const char *name, *dest;
	char **args;
	int nargs, r, pem;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	name = strcmp(args[0], "-") == 0 ? "standard input" : args[0];
	dest = o.out != NULL ? o.out : "-";
	if ((r = pkit_file_read(run->ctx, args[0], PKIT_FILE_MAX, &buf,
	    &len)) != 0)
		return cmd_fail(run, r);
	pem = pkit_is_pem(buf, len);
	if ((r = pkit_x509_parse_certs(run->ctx, buf, len, name, &sk)) == 0) {
		if (pem && sk_X509_num(sk) > 1) {
			r = pkit_seterr(run->ctx, PKIT_ERR_ARG, "%s: holds %d "
			    "certificates; DER holds one (split the bundle "
			    "first)", name, sk_X509_num(sk));
			goto out;
		}
		r = pkit_x509_encode(run->ctx, sk_X509_value(sk, 0),
		    pem ? PKIT_KEY_DER : PKIT_KEY_PEM, &out, &outlen);
	} else if ((r = pkit_x509_parse_csr(run->ctx, buf, len, name,
	    &req)) == 0) {
		r = pkit_x509_csr_encode(run->ctx, req,
		    pem ? PKIT_KEY_DER : PKIT_KEY_PEM, &out, &outlen);
	} else {
		r = pkit_seterr(run->ctx, PKIT_ERR_FORMAT, "%s: not a "
		    "certificate or a certificate request in PEM or DER form",
		    name);
	}
	if (r != 0)
		goto out;
	if ((r = cmd_may_overwrite(run, dest, o.force)) != 0)
		goto out;
	r = pkit_file_write(run->ctx, dest, out, outlen, PKIT_WRITE_FORCE);
out:
	free(buf);
	free(out);
	X509_REQ_free(req);
	sk_X509_pop_free(sk, X509_free);
	return r != 0 ? cmd_fail(run, r) : EXIT_OK;
}

const struct cmd cmd_certificate_format = {
	"format", cmd_format, NULL, "<file>", 1, 1,
	"convert a certificate or CSR between PEM and DER",
	"Reads a certificate or certificate signing request in PEM or DER "
	"and\nwrites it in the other form, on standard output unless --out is\n"
	"given.  A PEM file with several certificates is refused: DER holds "
	"one.",
	"Convert a PEM certificate to DER:\n"
	"  $ pkit certificate format --out host.der host.crt\n"
	"And back, on standard output:\n"
	"  $ pkit certificate format host.der > host.pem\n",
	format_opts
};

/* ---- key ----------------------------------------------------------- */

static int
cmd_key(struct cmd_run *run, int argc, char **argv)
{
	struct format_opts o = { 0 };
	EVP_PKEY *key = NULL;
	char **args;
	int nargs, r;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	if ((r = cmd_key_load_public(run, args[0], &key)) != 0 ||
	    (r = cmd_key_write_public(run, key, o.out != NULL ? o.out : "-",
	    o.force)) != 0) {
		EVP_PKEY_free(key);
		return cmd_fail(run, r);
	}
	EVP_PKEY_free(key);
	return EXIT_OK;
}

const struct cmd cmd_certificate_key = {
	"key", cmd_key, NULL, "<crt-file>", 1, 1,
	"print the public key of a certificate or CSR",
	"Prints the subject public key of the certificate (or CSR) in "
	"<crt-file> as\na PEM SubjectPublicKeyInfo, on standard output unless "
	"--out is given.",
	"Extract the public key of a certificate:\n"
	"  $ pkit certificate key host.crt > host.pub\n",
	format_opts
};

/* ---- bundle -------------------------------------------------------- */

struct bundle_opts {
	int force;
};

#define T struct bundle_opts
static const struct cmd_opt bundle_opts[] = {
	OPT_FORCE(T),
	{ 0 }
};
#undef T

static int
append_pem(struct cmd_run *run, STACK_OF(X509) *sk, unsigned char **buf,
    size_t *len)
{
	int i, r;

	for (i = 0; i < sk_X509_num(sk); i++) {
		unsigned char *pem = NULL, *nb;
		size_t plen = 0;

		if ((r = pkit_x509_encode(run->ctx, sk_X509_value(sk, i),
		    PKIT_KEY_PEM, &pem, &plen)) != 0)
			return r;
		if ((nb = realloc(*buf, *len + plen + 1)) == NULL) {
			free(pem);
			return pkit_seterr(run->ctx, PKIT_ERR_NOMEM, "%s",
			    run->path);
		}
		memcpy(nb + *len, pem, plen);
		*len += plen;
		nb[*len] = '\0';
		*buf = nb;
		free(pem);
	}
	return 0;
}

static int
cmd_bundle(struct cmd_run *run, int argc, char **argv)
{
	struct bundle_opts o = { 0 };
	STACK_OF(X509) *leaf = NULL, *ca = NULL;
	unsigned char *buf = NULL;
	size_t len = 0;
	char **args;
	int nargs, r;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	if ((r = pkit_x509_load_certs(run->ctx, args[0], &leaf)) != 0 ||
	    (r = pkit_x509_load_certs(run->ctx, args[1], &ca)) != 0)
		goto out;
	if (X509_check_issued(sk_X509_value(ca, 0),
	    sk_X509_value(leaf, sk_X509_num(leaf) - 1)) != X509_V_OK)
		cmd_warn("%s: the first certificate of %s did not issue it",
		    args[0], args[1]);
	if ((r = append_pem(run, leaf, &buf, &len)) != 0 ||
	    (r = append_pem(run, ca, &buf, &len)) != 0 ||
	    (r = cmd_may_overwrite(run, args[2], o.force)) != 0)
		goto out;
	r = pkit_file_write(run->ctx, args[2], buf, len, PKIT_WRITE_FORCE);
out:
	free(buf);
	sk_X509_pop_free(leaf, X509_free);
	sk_X509_pop_free(ca, X509_free);
	return r != 0 ? cmd_fail(run, r) : EXIT_OK;
}

const struct cmd cmd_certificate_bundle = {
	"bundle", cmd_bundle, NULL, "<crt-file> <ca-file> <bundle-file>", 3, 3,
	"write a certificate and its issuers into one file",
	"Writes the certificates of <crt-file> followed by those of <ca-file> "
	"into\n<bundle-file> as PEM, the chain order TLS servers send.  A "
	"warning is\nprinted when the first certificate of <ca-file> did not "
	"issue the last one\nof <crt-file>.",
	"Make the chain file a web server needs:\n"
	"  $ pkit certificate bundle www.crt int.crt www-chain.crt\n",
	bundle_opts
};

/* certificate_create.c - `pkit certificate create`: a key and a
 * certificate (or CSR) for a profile or a template. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/pem.h>

#include "cmd.h"
#include "lib/fs.h"
#include "lib/key.h"
#include "lib/secret.h"
#include "lib/x509.h"
#include "lib/x509_build.h"

struct create_opts {
	const char *profile;
	int csr;
	const char *ca, *ca_key, *ca_password_file;
	struct strvec san;
	const char *not_before, *not_after;
	const char *kty, *crv;
	long size;
	const char *key;
	const char *template_file;
	struct strvec set;
	const char *set_file;
	int bundle;
	const char *password_file;
	int no_password, insecure, force;
};

#define T struct create_opts
static const struct cmd_opt create_opts[] = {
	{ "profile", 0, OPT_STRING, offsetof(T, profile), "profile",
	  "leaf (default), self-signed, root-ca or intermediate-ca",
	  "leaf self-signed root-ca intermediate-ca", OPT_F_CHOICE },
	{ "csr", 0, OPT_BOOL, offsetof(T, csr), NULL,
	  "write a certificate signing request instead of a certificate" },
	{ "ca", 0, OPT_STRING, offsetof(T, ca), "file",
	  "the issuer's certificate (leaf and intermediate-ca)", NULL,
	  OPT_F_FILE },
	{ "ca-key", 0, OPT_STRING, offsetof(T, ca_key), "file",
	  "the issuer's private key", NULL, OPT_F_FILE },
	{ "ca-password-file", 0, OPT_STRING, offsetof(T, ca_password_file),
	  "file", "read the password of the issuer's key from file", NULL,
	  OPT_F_FILE },
	{ "san", 0, OPT_LIST, offsetof(T, san), "name",
	  "a subject alternative name: DNS name, IP, email or URI "
	    "(repeatable)" },
	{ "not-before", 0, OPT_STRING, offsetof(T, not_before), "time",
	  "start of validity: RFC 3339 time or duration from now (5m, -1h)" },
	{ "not-after", 0, OPT_STRING, offsetof(T, not_after), "time",
	  "end of validity: RFC 3339 time or duration from now (24h, 2160h)" },
	OPT_KTY(T),
	OPT_CRV(T),
	OPT_SIZE(T),
	{ "key", 0, OPT_STRING, offsetof(T, key), "file",
	  "use this private key instead of making a new one", NULL,
	  OPT_F_FILE },
	{ "template", 0, OPT_STRING, offsetof(T, template_file), "file",
	  "a JSON certificate template (step's format)", NULL, OPT_F_FILE },
	{ "set", 0, OPT_LIST, offsetof(T, set), "key=value",
	  "template data under .Insecure.User (repeatable)" },
	{ "set-file", 0, OPT_STRING, offsetof(T, set_file), "file",
	  "template data from a JSON object in file", NULL, OPT_F_FILE },
	{ "bundle", 0, OPT_BOOL, offsetof(T, bundle), NULL,
	  "write the issuer's certificate after the new leaf" },
	OPT_PASSWORD_FILE(T),
	OPT_NO_PASSWORD(T),
	OPT_INSECURE(T),
	OPT_FORCE(T),
	{ 0 }
};
#undef T

/* Put "--flag: " in front of the library's message. */
static int
flag_fail(struct cmd_run *run, const char *flag, int r)
{
	char why[sizeof(run->ctx->errbuf)];

	memcpy(why, run->ctx->errbuf, sizeof(why));
	pkit_seterr(run->ctx, r, "%s: %s", flag, why);
	return cmd_fail(run, r);
}

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

/* The certificate PEM, then the issuer's when bundling. */
static int
encode_chain(struct cmd_run *run, X509 *crt, X509 *issuer, unsigned char **out,
    size_t *len)
{
	unsigned char *a = NULL, *b = NULL, *c;
	size_t alen = 0, blen = 0;
	int r;

	if ((r = pkit_x509_encode(run->ctx, crt, PKIT_KEY_PEM, &a, &alen)) != 0)
		return r;
	if (issuer != NULL && (r = pkit_x509_encode(run->ctx, issuer,
	    PKIT_KEY_PEM, &b, &blen)) != 0) {
		free(a);
		return r;
	}
	if ((c = realloc(a, alen + blen + 1)) == NULL) {
		free(a);
		free(b);
		return pkit_seterr(run->ctx, PKIT_ERR_NOMEM, "%s", run->path);
	}
	if (blen > 0)
		memcpy(c + alen, b, blen);
	c[alen + blen] = '\0';
	free(b);
	*out = c;
	*len = alen + blen;
	return PKIT_OK;
}

/* Check the flag combinations before anything is read or made. */
static int
check_flags(struct cmd_run *run, const struct create_opts *o,
    const char *profile, const char *crt, const char *keyfile)
{
	if (keyfile != NULL && strcmp(crt, keyfile) == 0)
		return cmd_usage_error(run, "<crt-file> and <key-file> are the "
		    "same file");
	if (keyfile == NULL && o->key == NULL)
		return cmd_usage_error(run, "<key-file> is needed unless --key "
		    "is given");
	if (o->no_password && !o->insecure)
		return cmd_usage_error(run, "'--no-password' requires the "
		    "'--insecure' flag");
	if (o->key != NULL && (o->kty != NULL || o->crv != NULL ||
	    o->size != 0))
		return cmd_usage_error(run, "--key does not go with --kty, "
		    "--crv or --size");
	if (o->profile != NULL && o->template_file != NULL)
		return cmd_usage_error(run,
		    "--profile and --template do not go "
		    "together");
	if ((o->ca == NULL) != (o->ca_key == NULL))
		return cmd_usage_error(run, "--ca and --ca-key go together");
	if (o->csr) {
		const char *bad = o->bundle ? "--bundle" :
		    (o->profile != NULL && strcmp(o->profile, "leaf") != 0) ?
		    "--profile" : o->ca != NULL ? "--ca" :
		    o->ca_password_file != NULL ? "--ca-password-file" :
		    o->not_before != NULL ? "--not-before" :
		    o->not_after != NULL ? "--not-after" : NULL;

		if (bad != NULL)
			return cmd_usage_error(run, "%s does not go with --csr "
			    "(a CSR has no issuer and no validity)", bad);
		return EXIT_OK;
	}
	if (o->template_file == NULL) {
		int needs_ca = strcmp(profile, "leaf") == 0 ||
		    strcmp(profile, "intermediate-ca") == 0;

		if (needs_ca && o->ca == NULL)
			return cmd_usage_error(run,
			    "--profile %s needs --ca and "
			    "--ca-key (or use --profile self-signed)", profile);
		if (!needs_ca && o->ca != NULL)
			return cmd_usage_error(run,
			    "--profile %s is self-signed "
			    "and does not take --ca", profile);
	}
	if (o->bundle && (o->ca == NULL || strcmp(profile, "leaf") != 0))
		return cmd_usage_error(run, "--bundle needs a leaf signed with "
		    "--ca");
	return EXIT_OK;
}

static int
cmd_create(struct cmd_run *run, int argc, char **argv)
{
	struct create_opts o = { 0 };
	struct pkit_keyspec spec = { 0 };
	struct pkit_x509_issue in = { 0 };
	const char *profile, *subject, *crtfile, *keyfile, *tmpl_name, *text;
	const char *sans1[1];
	const char *const *sans;
	size_t nsans;
	EVP_PKEY *key = NULL, *cakey = NULL;
	STACK_OF(X509) *cas = NULL;
	X509 *ca = NULL, *crt = NULL;
	X509_REQ *req = NULL;
	json_t *user = NULL, *data = NULL, *tj = NULL;
	unsigned char *tmpl = NULL, *pem = NULL;
	size_t tmpl_len = 0, pem_len = 0;
	char *pw = NULL, **args;
	int nargs, r, ret = EXIT_FAIL, key_written = 0;
	long validity;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		goto done;
	subject = args[0];
	crtfile = args[1];
	keyfile = nargs > 2 ? args[2] : NULL;
	profile = o.profile != NULL ? o.profile : "leaf";
	if ((r = check_flags(run, &o, profile, crtfile, keyfile)) != EXIT_OK)
		goto done;

	/* Validity, template data and the issuer first: they can fail
	 * without prompting for anything. */
	validity = o.template_file != NULL ? PKIT_X509_LEAF_VALIDITY :
	    (strcmp(profile, "root-ca") == 0 ||
	    strcmp(profile, "intermediate-ca") == 0) ? PKIT_X509_CA_VALIDITY :
	    PKIT_X509_LEAF_VALIDITY;
	if (!o.csr && (r = pkit_x509_validity(run->ctx, o.not_before,
	    o.not_after, validity, &in.not_before, &in.not_after)) != 0) {
		ret = cmd_fail(run, r);
		goto out;
	}
	if ((r = pkit_x509_user_data(run->ctx, o.set.v, o.set.n, o.set_file,
	    &user)) != 0) {
		ret = cmd_fail(run, r);
		goto out;
	}
	if (o.template_file != NULL && (r = pkit_file_read(run->ctx,
	    o.template_file, 1024 * 1024, &tmpl, &tmpl_len)) != 0) {
		ret = cmd_fail(run, r);
		goto out;
	}
	if (o.ca != NULL) {
		if ((r = pkit_x509_load_certs(run->ctx, o.ca, &cas)) != 0 ||
		    (r = cmd_key_load_private(run, o.ca_key, o.ca_password_file,
		    o.insecure, &cakey)) != 0) {
			ret = cmd_fail(run, no_tty_flag(run, r,
			    "--ca-password-file"));
			goto out;
		}
		ca = sk_X509_value(cas, 0);
		if ((r = pkit_x509_check_key(run->ctx, ca, cakey, o.ca,
		    o.ca_key)) != 0 ||
		    (r = pkit_x509_check_issuer(run->ctx, ca, o.ca,
		    o.template_file == NULL &&
		    strcmp(profile, "intermediate-ca") == 0, 0)) != 0) {
			ret = cmd_fail(run, r);
			goto out;
		}
	}

	/* The subject's key. */
	if (o.key != NULL) {
		if ((r = cmd_key_load_private(run, o.key, o.password_file,
		    o.insecure, &key)) != 0) {
			ret = cmd_fail(run, r);
			goto out;
		}
	} else {
		spec.kty = o.kty;
		spec.crv = o.crv;
		spec.bits = o.size;
		spec.insecure = o.insecure;
		if ((r = pkit_key_generate(run->ctx, &spec, &key)) != 0) {
			ret = cmd_fail(run, r);
			goto out;
		}
	}

	/* SANs: --san, else the subject when it is a name (leaf,
	 * self-signed, templates and CSRs, as step). */
	sans = o.san.v;
	nsans = o.san.n;
	if (nsans == 0 && (o.csr || o.template_file != NULL ||
	    strcmp(profile, "leaf") == 0 || strcmp(profile,
	    "self-signed") == 0) &&
	    pkit_san_is_name(subject)) {
		sans1[0] = subject;
		sans = sans1;
		nsans = 1;
	}
	r = pkit_x509_create_data(run->ctx, subject, sans, nsans, key, user,
	    &data);
	user = NULL;
	if (r != 0) {
		ret = o.san.n > 0 ? flag_fail(run, "--san", r) : cmd_fail(run,
		    r);
		goto out;
	}

	/* Render the template and build. */
	if (tmpl != NULL) {
		text = (const char *)tmpl;
		tmpl_name = o.template_file;
	} else {
		text = o.csr ? pkit_x509_tmpl_csr :
		    strcmp(profile, "root-ca") == 0 ? pkit_x509_tmpl_root :
		    strcmp(profile, "intermediate-ca") == 0 ?
		    pkit_x509_tmpl_intermediate : pkit_x509_tmpl_leaf;
		tmpl_name = o.csr ? "csr template" : profile;
		tmpl_len = strlen(text);
	}
	if ((r = pkit_x509_render(run->ctx, text, tmpl_len, tmpl_name, data,
	    &tj)) != 0) {
		ret = cmd_fail(run, r);
		goto out;
	}
	if (o.csr) {
		if ((r = pkit_x509_csr_make(run->ctx, tj, tmpl_name, key,
		    &req)) != 0 ||
		    (r = pkit_x509_csr_encode(run->ctx, req, PKIT_KEY_PEM, &pem,
		    &pem_len)) != 0) {
			ret = cmd_fail(run, r);
			goto out;
		}
	} else {
		in.tmpl = tj;
		in.tmpl_name = tmpl_name;
		in.pub = key;
		in.issuer = ca;
		in.key = ca != NULL ? cakey : key;
		if ((r = pkit_x509_issue(run->ctx, &in, &crt)) != 0 ||
		    (r = encode_chain(run, crt, o.bundle ? ca : NULL, &pem,
		    &pem_len)) != 0) {
			ret = cmd_fail(run, r);
			goto out;
		}
	}

	/* Write: ask about both files before writing either. */
	if ((r = cmd_may_overwrite(run, crtfile, o.force)) != 0 ||
	    (keyfile != NULL && (r = cmd_may_overwrite(run, keyfile,
	    o.force)) != 0)) {
		ret = cmd_fail(run, r);
		goto out;
	}
	if (keyfile != NULL) {
		if ((r = cmd_new_password(run, o.password_file, o.no_password,
		    o.insecure, keyfile, &pw)) != 0 ||
		    (r = cmd_key_write_private(run, key, keyfile, pw,
		    1)) != 0) {
			ret = cmd_fail(run, r);
			goto out;
		}
		key_written = 1;
	}
	if ((r = pkit_file_write(run->ctx, crtfile, pem, pem_len,
	    PKIT_WRITE_FORCE)) != 0) {
		ret = cmd_fail(run, r);
		if (key_written)
			(void)unlink(keyfile);
		goto out;
	}
	fprintf(stderr, "Your %s has been saved in %s.\n", o.csr ?
	    "certificate signing request" : "certificate", crtfile);
	if (keyfile != NULL)
		fprintf(stderr, "Your private key has been saved in %s.\n",
		    keyfile);
	ret = EXIT_OK;
out:
	r = ret;
	pkit_secret_strfree(pw);
	free(tmpl);
	free(pem);
	json_decref(user);
	json_decref(data);
	json_decref(tj);
	X509_REQ_free(req);
	X509_free(crt);
	sk_X509_pop_free(cas, X509_free);
	EVP_PKEY_free(key);
	EVP_PKEY_free(cakey);
done:
	strvec_clear(&o.san);
	strvec_clear(&o.set);
	return r;
}

const struct cmd cmd_certificate_create = {
	"create", cmd_create, NULL, "<subject> <crt-file> [<key-file>]", 2, 3,
	"create a key and a certificate or certificate signing request",
	"Makes a new key pair (or uses --key) and a certificate for "
	    "<subject>,\n"
	"or with --csr a certificate signing request.  The certificate goes "
	    "to\n"
	"<crt-file> (PEM, mode 0644), the private key to <key-file> (PKCS#8 "
	    "PEM,\n"
	"mode 0600, encrypted with a password asked for or read from\n"
	"--password-file; plain only with --no-password --insecure).  Nothing "
	    "is\n"
	"written when a step fails.\n"
	"\n"
	"Profiles (--profile):\n"
	"  leaf             signed by --ca/--ca-key; keyUsage "
	    "digitalSignature\n"
	"                   (and keyEncipherment for RSA), extKeyUsage\n"
	"                   serverAuth and clientAuth; valid 24h\n"
	"  self-signed      the leaf profile, signed by its own key\n"
	"  intermediate-ca  signed by --ca; CA:TRUE, pathlen 0, keyCertSign "
	    "and\n"
	"                   cRLSign (critical); valid 10 years (87600h)\n"
	"  root-ca          self-signed; CA:TRUE, pathlen 1; valid 10 years\n"
	"\n"
	"Each certificate gets a random 128-bit serial number, a subject key\n"
	"identifier (SHA-1 of the public key) and, when it has an issuer, an\n"
	"authority key identifier.  ECDSA keys sign with SHA-256/384/512 by\n"
	"curve, RSA with SHA-256, Ed25519 as itself.\n"
	"\n"
	"SANs come from --san, each detected as an IP address, a URI (with a\n"
	"scheme), an email address (with @) or a DNS name.  Without --san, "
	"leaf,\nself-signed, template and CSR subjects that are names become "
	    "the "
	"only SAN\n(\"Example Root\" is not a name, and gets none).\n"
	"\n"
	"--not-before and --not-after take an RFC 3339 time\n"
	"(2026-01-02T15:04:05Z) or a duration from now: 5m, 24h, 1h30m, -1h.\n"
	"\n"
	"Templates (--template) are step's JSON certificate templates, "
	    "rendered\n"
	"with a safe subset of Go's text/template.  The data are .Subject\n"
	"(.Subject.CommonName is <subject>), .SANs, .Insecure.CR (the "
	    "request:\n"
	".Insecure.CR.PublicKey ...) and .Insecure.User, filled from "
	    "--set-file\n"
	"(a JSON object) and --set key=value (values that parse as JSON are\n"
	"JSON).  The built-in profiles are such templates; this is step's "
	    "leaf\n"
	"template:\n"
	"  {\n"
	"    \"subject\": {{ toJson .Subject }},\n"
	"    \"sans\": {{ toJson .SANs }},\n"
	"  {{- if typeIs \"*rsa.PublicKey\" .Insecure.CR.PublicKey }}\n"
	"    \"keyUsage\": [\"keyEncipherment\", \"digitalSignature\"],\n"
	"  {{- else }}\n"
	"    \"keyUsage\": [\"digitalSignature\"],\n"
	"  {{- end }}\n"
	"    \"extKeyUsage\": [\"serverAuth\", \"clientAuth\"]\n"
	"  }\n"
	"A template's certificate is valid 24h unless --not-after says "
	"otherwise.\nTemplates cannot run programs or read files.",
	"Make a root, an intermediate and a TLS leaf with two SANs:\n"
	"  $ pkit certificate create --profile root-ca \"Example Root\" "
	    "root.crt root.key\n"
	"  $ pkit certificate create --profile intermediate-ca --ca root.crt "
	    "--ca-key root.key \"Example CA\" int.crt int.key\n"
	"  $ pkit certificate create --ca int.crt --ca-key int.key --san "
	    "www.example.com --san 192.0.2.1 www.example.com www.crt www.key\n"
	"Make a CSR and an unencrypted key:\n"
	"  $ pkit certificate create --csr --no-password --insecure "
	    "host.example.com host.csr host.key\n"
	"Make a certificate from a template with user data:\n"
	"  $ pkit certificate create --template leaf.tpl --set team=ops --ca "
	    "int.crt --ca-key int.key svc svc.crt svc.key\n",
	create_opts
};

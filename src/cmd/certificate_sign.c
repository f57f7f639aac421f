/* certificate_sign.c - `pkit certificate sign`: a certificate from a CSR,
 * printed on standard output as step does. */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "lib/fs.h"
#include "lib/key.h"
#include "lib/x509.h"
#include "lib/x509_build.h"

struct sign_opts {
	const char *profile;
	const char *template_file;
	struct strvec set;
	const char *set_file;
	const char *not_before, *not_after;
	long path_len;
	int bundle;
	const char *password_file;
	int insecure;
};

#define T struct sign_opts
static const struct cmd_opt sign_opts[] = {
	{ "profile", 0, OPT_STRING, offsetof(T, profile), "profile",
	  "leaf (default), intermediate-ca, or csr (the CSR as it is)",
	  "leaf intermediate-ca csr", OPT_F_CHOICE },
	{ "template", 0, OPT_STRING, offsetof(T, template_file), "file",
	  "a JSON certificate template (step's format)", NULL, OPT_F_FILE },
	{ "set", 0, OPT_LIST, offsetof(T, set), "key=value",
	  "template data under .Insecure.User (repeatable)" },
	{ "set-file", 0, OPT_STRING, offsetof(T, set_file), "file",
	  "template data from a JSON object in file", NULL, OPT_F_FILE },
	{ "not-before", 0, OPT_STRING, offsetof(T, not_before), "time",
	  "start of validity: RFC 3339 time or duration from now" },
	{ "not-after", 0, OPT_STRING, offsetof(T, not_after), "time",
	  "end of validity: RFC 3339 time or duration from now" },
	{ "path-len", 0, OPT_INT, offsetof(T, path_len), "n",
	  "pathLenConstraint of an intermediate-ca (default 0; -1: none)" },
	{ "bundle", 0, OPT_BOOL, offsetof(T, bundle), NULL,
	  "print the issuer's certificates after the new one" },
	{ "password-file", 0, OPT_STRING, offsetof(T, password_file), "file",
	  "read the password of the issuer's key from file", NULL, OPT_F_FILE },
	OPT_INSECURE(T),
	{ 0 }
};
#undef T

static int
cmd_sign(struct cmd_run *run, int argc, char **argv)
{
	struct sign_opts o = { 0 };
	struct pkit_x509_issue in = { 0 };
	const char *profile, *tmpl_name, *t;
	STACK_OF(X509) *cas = NULL;
	EVP_PKEY *cakey = NULL;
	X509_REQ *req = NULL;
	X509 *crt = NULL;
	json_t *user = NULL, *data = NULL, *tj = NULL;
	unsigned char *buf = NULL, *tmpl = NULL, *pem = NULL;
	size_t len = 0, tmpl_len = 0, pem_len = 0;
	char **args;
	int nargs, r, ret = EXIT_FAIL, i;

	o.path_len = LONG_MIN;
	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		goto done;
	profile = o.profile != NULL ? o.profile : "leaf";
	if (o.profile != NULL && o.template_file != NULL) {
		r = cmd_usage_error(run, "--profile and --template do not go "
		    "together");
		goto done;
	}
	if (o.path_len != LONG_MIN && strcmp(profile, "intermediate-ca") != 0) {
		r = cmd_usage_error(run, "--path-len needs --profile "
		    "intermediate-ca");
		goto done;
	}
	if (o.path_len == LONG_MIN)
		o.path_len = 0;
	if (o.path_len < -1) {
		r = cmd_usage_error(run, "--path-len: %ld: must be -1 or more",
		    o.path_len);
		goto done;
	}

	if ((r = pkit_x509_validity(run->ctx, o.not_before, o.not_after,
	    strcmp(profile, "intermediate-ca") == 0 && o.template_file == NULL ?
	    PKIT_X509_CA_VALIDITY : PKIT_X509_LEAF_VALIDITY, &in.not_before,
	    &in.not_after)) != 0 ||
	    (r = pkit_x509_user_data(run->ctx, o.set.v, o.set.n, o.set_file,
	    &user)) != 0) {
		ret = cmd_fail(run, r);
		goto out;
	}
	if (o.template_file != NULL && (r = pkit_file_read(run->ctx,
	    o.template_file, 1024 * 1024, &tmpl, &tmpl_len)) != 0) {
		ret = cmd_fail(run, r);
		goto out;
	}

	/* The CSR must carry a valid signature. */
	if ((r = pkit_file_read(run->ctx, args[0], PKIT_FILE_MAX, &buf,
	    &len)) != 0 ||
	    (r = pkit_x509_parse_csr(run->ctx, buf, len, args[0], &req)) != 0 ||
	    (r = pkit_x509_csr_verify(run->ctx, req, args[0])) != 0) {
		ret = cmd_fail(run, r);
		goto out;
	}

	/* The issuer: the first certificate of its file, and its key. */
	if ((r = pkit_x509_load_certs(run->ctx, args[1], &cas)) != 0 ||
	    (r = cmd_key_load_private(run, args[2], o.password_file,
	    o.insecure, &cakey)) != 0 ||
	    (r = pkit_x509_check_key(run->ctx, sk_X509_value(cas, 0), cakey,
	    args[1], args[2])) != 0 ||
	    (r = pkit_x509_check_issuer(run->ctx, sk_X509_value(cas, 0),
	    args[1],
	    strcmp(profile, "intermediate-ca") == 0 && o.template_file == NULL,
	    o.path_len)) != 0) {
		ret = cmd_fail(run, r);
		goto out;
	}

	r = pkit_x509_sign_data(run->ctx, req, o.path_len, user, &data);
	user = NULL;
	if (r != 0) {
		ret = cmd_fail(run, r);
		goto out;
	}
	if (tmpl != NULL) {
		t = (const char *)tmpl;
		tmpl_name = o.template_file;
	} else {
		t = strcmp(profile, "csr") == 0 ? pkit_x509_tmpl_from_csr :
		    strcmp(profile, "intermediate-ca") == 0 ?
		    pkit_x509_tmpl_intermediate_pathlen : pkit_x509_tmpl_leaf;
		tmpl_name = profile;
		tmpl_len = strlen(t);
	}
	if ((r = pkit_x509_render(run->ctx, t, tmpl_len, tmpl_name, data,
	    &tj)) != 0) {
		ret = cmd_fail(run, r);
		goto out;
	}
	in.tmpl = tj;
	in.tmpl_name = tmpl_name;
	in.pub = X509_REQ_get0_pubkey(req);
	in.issuer = sk_X509_value(cas, 0);
	in.key = cakey;
	if ((r = pkit_x509_issue(run->ctx, &in, &crt)) != 0 ||
	    (r = pkit_x509_encode(run->ctx, crt, PKIT_KEY_PEM, &pem,
	    &pem_len)) != 0) {
		ret = cmd_fail(run, r);
		goto out;
	}
	fwrite(pem, 1, pem_len, stdout);
	for (i = 0; o.bundle && i < sk_X509_num(cas); i++) {
		free(pem);
		pem = NULL;
		if ((r = pkit_x509_encode(run->ctx, sk_X509_value(cas, i),
		    PKIT_KEY_PEM, &pem, &pem_len)) != 0) {
			ret = cmd_fail(run, r);
			goto out;
		}
		fwrite(pem, 1, pem_len, stdout);
	}
	ret = fflush(stdout) == 0 ? EXIT_OK : cmd_error("standard output: "
	    "write error");
out:
	r = ret;
	free(buf);
	free(tmpl);
	free(pem);
	json_decref(user);
	json_decref(data);
	json_decref(tj);
	X509_free(crt);
	X509_REQ_free(req);
	sk_X509_pop_free(cas, X509_free);
	EVP_PKEY_free(cakey);
done:
	strvec_clear(&o.set);
	return r;
}

const struct cmd cmd_certificate_sign = {
	"sign", cmd_sign, NULL, "<csr-file> <ca-crt> <ca-key>", 3, 3,
	"sign a certificate signing request",
	"Makes a certificate for the CSR in <csr-file> (PEM or DER), signed by "
	"the\nCA certificate <ca-crt> (the first in the file) and its key "
	"<ca-key>, and\nprints it as PEM on standard output.  A CSR whose "
	"signature does not\nverify is refused, as is an issuer that is not a "
	"CA, lacks keyCertSign,\nor whose key is not <ca-key>.\n"
	"\n"
	"Profiles (--profile):\n"
	"  leaf             subject and SANs from the CSR; keyUsage\n"
	"                   digitalSignature (and keyEncipherment for RSA),\n"
	"                   extKeyUsage serverAuth and clientAuth; valid 24h\n"
	"  intermediate-ca  a CA with pathLenConstraint --path-len (default "
	    "0,\n"
	"                   -1 for none), which the issuer's own must allow;\n"
	"                   valid 10 years\n"
	"  csr              the CSR's subject and extensions as they are\n"
	"\n"
	"--template, --set and --set-file work as for certificate create; the\n"
	"template sees .Subject and .SANs from the CSR, the CSR itself as\n"
	".Insecure.CR (.Insecure.CR.EmailAddresses ...), .MaxPathLen and\n"
	".Insecure.User.",
	"Sign a CSR for a TLS server, with the issuer appended:\n"
	"  $ pkit certificate sign --bundle host.csr int.crt int.key > "
	    "host.crt\n"
	"Sign an intermediate CA that may sign one more level of CAs:\n"
	"  $ pkit certificate sign --profile intermediate-ca --path-len 1 "
	    "sub.csr root.crt root.key > sub.crt\n",
	sign_opts
};

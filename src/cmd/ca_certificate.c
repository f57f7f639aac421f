/* ca_certificate.c - `pkit ca certificate` (a new key and its certificate
 * from the CA) and `pkit ca sign` (a certificate for an existing CSR):
 * a token, POST /sign, the certificate and its chain written atomically. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/x509.h>

#include "ca_client.h"
#include "cmd.h"
#include "lib/ca/client.h"
#include "lib/ca/offline.h"
#include "lib/ca/token.h"
#include "lib/fs.h"
#include "lib/key.h"
#include "lib/secret.h"
#include "lib/x509.h"
#include "lib/x509_build.h"

/* Largest CSR file. */
#define CSR_MAX (1024 * 1024)

struct cert_opts {
	struct ca_flags ca;
	struct ca_token_flags tf;
	struct ca_offline_flags off;
	struct strvec san;
	const char *token;
	const char *password_file;	/* into tf */
	const char *not_before, *not_after;
	const char *kty, *crv;
	long size;
	int insecure, force;
	struct strvec set;
	const char *set_file;
};

/* The flags that mint a token, which --token replaces. */
#define TOKEN_OPTS(T) \
	{ "token", 0, OPT_STRING, offsetof(T, token), "token", \
	  "a one-time token from 'pkit ca token' (no provisioner is then " \
	  "needed)" }, \
	OPT_CA_PROVISIONER(T, tf), \
	OPT_CA_KID(T, tf), \
	OPT_CA_PROV_PASSWORD_FILE(T, tf), \
	OPT_PASSWORD_FILE(T), \
	OPT_CA_X5C(T, tf)

#define VALIDITY_OPTS(T) \
	{ "not-before", 0, OPT_STRING, offsetof(T, not_before), \
	  "time|duration", "ask for a certificate valid from then (RFC " \
	  "3339, or a duration from now)" }, \
	{ "not-after", 0, OPT_STRING, offsetof(T, not_after), \
	  "time|duration", "ask for a certificate valid until then (RFC " \
	  "3339, or a duration from its start; default: the CA's, 24h for " \
	  "step-ca)" }

/* templateData for the CA's templates, as step sends it. */
#define TEMPLATE_OPTS(T) \
	{ "set", 0, OPT_LIST, offsetof(T, set), "key=value", \
	  "template data the CA's template sees as .Insecure.User.<key> " \
	  "(value as JSON when it parses, else a string; repeatable)" }, \
	{ "set-file", 0, OPT_STRING, offsetof(T, set_file), "file", \
	  "template data from the JSON object in file (--set wins)", NULL, \
	  OPT_F_FILE }

#define T struct cert_opts
static const struct cmd_opt certificate_opts[] = {
	TOKEN_OPTS(T),
	{ "san", 0, OPT_LIST, offsetof(T, san), "name",
	  "a subject alternative name: DNS name, IP, email or URI "
	  "(repeatable; default: the subject)" },
	VALIDITY_OPTS(T),
	TEMPLATE_OPTS(T),
	OPT_KTY(T),
	OPT_CRV(T),
	OPT_SIZE(T),
	OPT_INSECURE(T),
	OPT_FORCE(T),
	OPT_CA_OFFLINE(T, off),
	OPT_CA_PASSWORD_FILE(T, off),
	OPT_CA_URL(T, ca),
	OPT_CA_CONTEXT(T, ca),
	OPT_CA_ROOT(T, ca),
	{ 0 }
};

static const struct cmd_opt sign_opts[] = {
	TOKEN_OPTS(T),
	VALIDITY_OPTS(T),
	TEMPLATE_OPTS(T),
	OPT_FORCE(T),
	OPT_CA_OFFLINE(T, off),
	OPT_CA_PASSWORD_FILE(T, off),
	OPT_CA_URL(T, ca),
	OPT_CA_CONTEXT(T, ca),
	OPT_CA_ROOT(T, ca),
	{ 0 }
};
#undef T

#define FLAGS_HELP \
	"With --offline the CA's work is done here, without its server, as " \
	"step's\noffline mode does: its ca.json (--ca-config, default " \
	"$PKITPATH/config/ca.json)\nand intermediate key (its password from " \
	"--ca-password-file, ca.json's\n\"password\", or a prompt) sign, " \
	"after the same token and policy checks as\n'pkit ca serve', and the " \
	"certificate is recorded in the CA's database.\n" \
	"\n" \
	"--ca-url and --root not given come from PKIT_CA_URL and PKIT_ROOT, " \
	"else\nfrom $PKITPATH/config/defaults.json (see 'pkit ca bootstrap')."

#define SET_HELP \
	"--set-file and --set send templateData with the request, as step " \
	"does:\nthe CA's certificate template sees it as .Insecure.User " \
	"(step-ca\nignores it without a template that uses it)."

#define TOKEN_HELP \
	"The request is authorized by a one-time token: --token, or one made " \
	"here\nas 'pkit ca token' makes it, with the JWK provisioner named by " \
	"\n--provisioner (chosen from a list on a terminal when the CA has " \
	"several;\nwithout a terminal --provisioner is then needed) and the " \
	"password of its\nkey from --provisioner-password-file (or " \
	"--password-file) or a prompt;\nor, with --x5c-cert and --x5c-key, "\
	"signed with a certificate's key for\nan X5C provisioner (see 'pkit " \
	"ca token')."

static int certificate_main(struct cmd_run *, int, char **);
static int sign_main(struct cmd_run *, int, char **);

const struct cmd cmd_ca_certificate = {
	"certificate", certificate_main, NULL,
	"<subject> <crt-file> <key-file>", 3, 3,
	"get a new key and a certificate for it from the CA",
	"Generates a key pair (EC P-256 unless --kty, --crv or --size say "
	"other)\nand a certificate signing request for <subject> and its "
	"SANs (--san,\nby default the subject), gets it signed by the CA "
	"(POST /sign), and\nwrites the certificate followed by the CA's "
	"intermediates to <crt-file>\nand the private key to <key-file>, "
	"both mode 0600 and each atomically.\nNothing is written unless the "
	"CA signed.\n"
	"\n"
	"The private key is written UNENCRYPTED (PKCS#8 PEM), as step's ca\n"
	"certificate does: it is meant for services and automation that must "
	"read\nit unattended, and for 'pkit ca renew'.  Protect it with "
	"file\npermissions, or encrypt it afterwards with 'pkit crypto "
	"change-pass'.\n"
	"\n"
	TOKEN_HELP "\n"
	"\n"
	SET_HELP "\n"
	"\n"
	"--not-before and --not-after ask the CA for a validity; the CA's "
	"limits\n(for step-ca, 5 minutes to 24 hours by default) still apply.  "
	"Existing\nfiles are replaced only with --force or a yes at the "
	"prompt.\n"
	"\n"
	FLAGS_HELP,
	"A certificate for a web server, with the only provisioner of the "
	"CA:\n"
	"  $ pkit ca certificate www.example.com www.crt www.key "
	"--san www.example.com --san example.com \\\n"
	"      --provisioner-password-file pw.txt\n"
	"With a token made elsewhere, valid for one hour:\n"
	"  $ pkit ca certificate host.internal host.crt host.key "
	"--token \"$TOKEN\" --not-after 1h\n"
	"A device trades its birth certificate (X5C provisioner):\n"
	"  $ pkit ca certificate device-001 dev.crt dev.key "
	"--x5c-cert birth.crt \\\n      --x5c-key birth.key\n",
	certificate_opts };

const struct cmd cmd_ca_sign = {
	"sign", sign_main, NULL, "<csr-file> <crt-file>", 2, 2,
	"get a certificate for an existing certificate signing request",
	"Sends the certificate signing request <csr-file> (PEM or DER) to the "
	"CA\n(POST /sign) and writes the certificate followed by the CA's\n"
	"intermediates to <crt-file> (mode 0600, atomically).  The token's "
	"subject\nis the CSR's common name (else its first SAN) and its SANs "
	"are the CSR's\nDNS names, IPs, emails and URIs, so the CA accepts "
	"them.\n"
	"\n"
	TOKEN_HELP "\n"
	"\n"
	SET_HELP "\n"
	"\n"
	FLAGS_HELP,
	"Sign a CSR made with 'pkit certificate create --csr':\n"
	"  $ pkit ca sign host.csr host.crt --provisioner admin "
	"--provisioner-password-file pw.txt\n",
	sign_opts };

/* Usage checks shared by both verbs. */
static int
check_token_flags(struct cmd_run *run, const struct cert_opts *o)
{
	if (o->token != NULL && (o->tf.provisioner != NULL ||
	    o->tf.kid != NULL || o->tf.provisioner_password_file != NULL ||
	    o->password_file != NULL || o->tf.x5c_cert != NULL ||
	    o->tf.x5c_key != NULL))
		return cmd_usage_error(run, "--token does not go with "
		    "--provisioner, --kid or the password files");
	if (o->token != NULL && *o->token == '\0')
		return cmd_usage_error(run, "--token is empty");
	if (!o->off.offline && (o->off.ca_config != NULL ||
	    o->off.ca_password_file != NULL))
		return cmd_usage_error(run, "--ca-config and --ca-password-file "
		    "need --offline");
	return EXIT_OK;
}

/* The request's notBefore and notAfter as step sends them. */
static int
validity(struct cmd_run *run, const struct cert_opts *o, char *nb,
    char *na, size_t size)
{
	if ((o->not_before != NULL && pkit_ca_time_duration(run->ctx,
	    o->not_before, "--not-before", nb, size) != 0) ||
	    (o->not_after != NULL && pkit_ca_time_duration(run->ctx,
	    o->not_after, "--not-after", na, size) != 0))
		return cmd_usage_error(run, "%s", run->ctx->errbuf);
	return EXIT_OK;
}

/* POST /sign and return the chain, whose leaf must be for pub. */
static int
post_sign(struct cmd_run *run, struct pkit_ca_client *c,
    struct pkit_ca_offline *off, const char *csr, const char *token,
    const struct cert_opts *o, const char *nb, const char *na, json_t *tdata,
    EVP_PKEY *pub, STACK_OF(X509) **chain)
{
	json_t *body = NULL, *resp = NULL;
	char what[512];
	int r;

	*chain = NULL;
	snprintf(what, sizeof(what), "%s/sign", off != NULL ?
	    pkit_ca_offline_url(off) : pkit_ca_client_url(c));
	if ((r = pkit_ca_sign_body(run->ctx, csr, token,
	    o->not_before != NULL ? nb : NULL,
	    o->not_after != NULL ? na : NULL, &body)) != 0)
		goto out;
	if (tdata != NULL && json_object_set(body, "templateData", tdata) != 0) {
		r = pkit_seterr(run->ctx, PKIT_ERR_NOMEM, "template data");
		goto out;
	}
	if ((r = off != NULL ? pkit_ca_offline_sign(run->ctx, off, body,
	    &resp) : pkit_ca_sign(run->ctx, c, body, &resp, NULL)) != 0 ||
	    (r = pkit_ca_sign_response_chain(run->ctx, resp, what,
	    chain)) != 0)
		goto out;
	if (!pkit_key_matches(X509_get0_pubkey(sk_X509_value(*chain, 0)),
	    pub)) {
		sk_X509_pop_free(*chain, X509_free);
		*chain = NULL;
		r = pkit_seterr(run->ctx, PKIT_ERR_MISMATCH, "%s: the CA "
		    "returned a certificate for another key", what);
	}
out:
	json_decref(body);
	json_decref(resp);
	return r;
}

/* The CA: its server (cfg, c), or offline its ca.json (off); then the
 * token, unless --token gave it. */
static int
connect_mint(struct cmd_run *run, struct cert_opts *o, struct ca_config *cfg,
    struct pkit_ca_client **c, struct pkit_ca_offline **off,
    struct pkit_token_req *req, char **token, char **desc)
{
	int r;

	if (o->off.offline) {
		if ((o->ca.context != NULL &&
		    (r = cmd_context_apply(run, o->ca.context)) != 0) ||
		    (r = ca_offline_open(run, &o->off, 1, off)) != 0)
			return cmd_fail(run, r);
		if (o->token == NULL && (r = ca_token_mint_offline(run, *off,
		    &o->tf, req, token, desc)) != 0)
			return cmd_fail(run, r);
		return CMD_CONTINUE;
	}
	if ((r = ca_config_resolve(run, &o->ca, CA_NEED_URL | CA_NEED_ROOT,
	    cfg)) != CMD_CONTINUE)
		return r;
	if ((r = ca_client_open(run, cfg, c)) != 0 ||
	    (o->token == NULL && (r = ca_token_mint(run, cfg, *c, &o->tf, req,
	    token, desc)) != 0))
		return cmd_fail(run, r);
	return CMD_CONTINUE;
}

/* --set-file and --set as the request's templateData (NULL: none). */
static int
template_data(struct cmd_run *run, const struct cert_opts *o, json_t **out)
{
	unsigned char *data = NULL;
	size_t len = 0;
	int r;

	*out = NULL;
	if (o->set_file != NULL && (r = pkit_file_read(run->ctx, o->set_file,
	    CSR_MAX, &data, &len)) != 0)
		return cmd_fail(run, r);
	r = pkit_ca_template_data(run->ctx, data, len, o->set_file, o->set.v,
	    o->set.n, out);
	free(data);
	if (r != 0)
		return r == PKIT_ERR_USAGE ? cmd_usage_error(run, "%s",
		    run->ctx->errbuf) : cmd_fail(run, r);
	return EXIT_OK;
}

static int
certificate_main(struct cmd_run *run, int argc, char **argv)
{
	struct cert_opts o = { { 0 } };
	struct ca_config cfg = { 0 };
	struct pkit_ca_client *c = NULL;
	struct pkit_ca_offline *off = NULL;
	struct pkit_keyspec spec = { 0 };
	struct pkit_token_req req = { 0 };
	STACK_OF(X509) *chain = NULL;
	EVP_PKEY *key = NULL;
	unsigned char *pem = NULL;
	char *csr = NULL, *token = NULL, *desc = NULL, **args;
	char nb[64], na[64];
	const char *subject, *crtfile, *keyfile, *sans1[1];
	size_t pem_len = 0;
	json_t *tdata = NULL;
	int nargs, r, ret = EXIT_FAIL, key_existed;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE) {
		ret = r;
		goto done;
	}
	subject = args[0];
	crtfile = args[1];
	keyfile = args[2];
	if (strcmp(crtfile, keyfile) == 0) {
		ret = cmd_usage_error(run, "<crt-file> and <key-file> are the "
		    "same file");
		goto done;
	}
	if (strcmp(crtfile, "-") == 0 || strcmp(keyfile, "-") == 0) {
		ret = cmd_usage_error(run, "the certificate and the key go to "
		    "files, not to the standard output");
		goto done;
	}
	if ((ret = check_token_flags(run, &o)) != EXIT_OK ||
	    (ret = validity(run, &o, nb, na, sizeof(nb))) != EXIT_OK ||
	    (ret = template_data(run, &o, &tdata)) != EXIT_OK)
		goto done;
	o.tf.password_file = o.password_file;
	ret = EXIT_FAIL;
	/* Refuse to overwrite before any key is made or password asked. */
	if ((r = cmd_may_overwrite(run, crtfile, o.force)) != 0 ||
	    (r = cmd_may_overwrite(run, keyfile, o.force)) != 0) {
		ret = cmd_fail(run, r);
		goto done;
	}
	spec.kty = o.kty;
	spec.crv = o.crv;
	spec.bits = o.size;
	spec.insecure = o.insecure;
	req.type = PKIT_TOKEN_SIGN;
	req.subject = subject;
	req.sans = o.san.v;
	req.nsans = o.san.n;
	if (o.san.n == 0) {
		sans1[0] = subject;
		req.sans = sans1;
		req.nsans = 1;
	}
	if ((r = pkit_key_generate(run->ctx, &spec, &key)) != 0 ||
	    (r = pkit_ca_csr(run->ctx, key, subject, req.sans, req.nsans,
	    &csr)) != 0)
		goto fail;
	if ((r = connect_mint(run, &o, &cfg, &c, &off, &req, &token,
	    &desc)) != CMD_CONTINUE) {
		ret = r;
		goto out;
	}
	if ((r = post_sign(run, c, off, csr, o.token != NULL ? o.token : token,
	    &o, nb, na, tdata, key, &chain)) != 0 ||
	    (r = pkit_ca_chain_pem(run->ctx, chain, &pem, &pem_len)) != 0)
		goto fail;
	/* The key first: a certificate is never left without its key. */
	key_existed = pkit_file_exists(keyfile);
	if ((r = cmd_key_write_private(run, key, keyfile, NULL, 1)) != 0)
		goto fail;
	if ((r = pkit_file_write(run->ctx, crtfile, pem, pem_len,
	    PKIT_WRITE_PRIVATE | PKIT_WRITE_FORCE)) != 0) {
		if (!key_existed)
			(void)unlink(keyfile);
		goto fail;
	}
	if (desc != NULL)
		ca_check_line("Provisioner", desc);
	ca_check_line("CA", off != NULL ? pkit_ca_offline_url(off) :
	    pkit_ca_client_url(c));
	ca_check_line("Certificate", crtfile);
	ca_check_line("Private Key", keyfile);
	ret = EXIT_OK;
	goto out;
fail:
	ret = cmd_fail(run, r);
out:
	pkit_ca_offline_free(off);
	pkit_ca_client_free(c);
	ca_config_release(&cfg);
done:
	sk_X509_pop_free(chain, X509_free);
	EVP_PKEY_free(key);
	free(pem);
	free(csr);
	pkit_secret_strfree(token);
	free(desc);
	json_decref(tdata);
	strvec_clear(&o.san);
	strvec_clear(&o.set);
	return ret;
}

static int
sign_main(struct cmd_run *run, int argc, char **argv)
{
	struct cert_opts o = { { 0 } };
	struct ca_config cfg = { 0 };
	struct pkit_ca_client *c = NULL;
	struct pkit_ca_offline *off = NULL;
	struct pkit_token_req req = { 0 };
	STACK_OF(X509) *chain = NULL;
	X509_REQ *csr = NULL;
	json_t *names = NULL, *tdata = NULL;
	const char **sans = NULL;
	unsigned char *data = NULL, *pem = NULL, *csr_pem = NULL;
	char *cn = NULL, *token = NULL, *desc = NULL, **args;
	char nb[64], na[64];
	const char *csrfile, *crtfile;
	size_t len = 0, pem_len = 0, csr_len = 0, i;
	int nargs, r, ret = EXIT_FAIL;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE) {
		ret = r;
		goto done;
	}
	csrfile = args[0];
	crtfile = args[1];
	if ((ret = check_token_flags(run, &o)) != EXIT_OK ||
	    (ret = validity(run, &o, nb, na, sizeof(nb))) != EXIT_OK ||
	    (ret = template_data(run, &o, &tdata)) != EXIT_OK)
		goto done;
	o.tf.password_file = o.password_file;
	ret = EXIT_FAIL;
	if ((r = pkit_file_read(run->ctx, csrfile, CSR_MAX, &data,
	    &len)) != 0 ||
	    (r = pkit_x509_parse_csr(run->ctx, data, len, csrfile,
	    &csr)) != 0 ||
	    (r = pkit_x509_csr_verify(run->ctx, csr, csrfile)) != 0 ||
	    (r = pkit_ca_csr_names(run->ctx, csr, &cn, &names)) != 0 ||
	    (r = pkit_x509_csr_encode(run->ctx, csr, PKIT_KEY_PEM, &csr_pem,
	    &csr_len)) != 0) {
		ret = cmd_fail(run, r);
		goto done;
	}
	if (cn == NULL && json_array_size(names) == 0) {
		ret = cmd_fail(run, pkit_seterr(run->ctx, PKIT_ERR_ARG, "%s: the "
		    "request has neither a common name nor a SAN", csrfile));
		goto done;
	}
	if ((r = cmd_may_overwrite(run, crtfile, o.force)) != 0) {
		ret = cmd_fail(run, r);
		goto done;
	}
	if ((sans = calloc(json_array_size(names) + 1, sizeof(*sans))) ==
	    NULL) {
		r = pkit_seterr(run->ctx, PKIT_ERR_NOMEM, "%s", csrfile);
		goto fail;
	}
	for (i = 0; i < json_array_size(names); i++)
		sans[i] = json_string_value(json_array_get(names, i));
	req.type = PKIT_TOKEN_SIGN;
	req.subject = cn != NULL ? cn : sans[0];
	req.sans = sans;
	req.nsans = json_array_size(names);
	if ((r = connect_mint(run, &o, &cfg, &c, &off, &req, &token,
	    &desc)) != CMD_CONTINUE) {
		ret = r;
		goto out;
	}
	if ((r = post_sign(run, c, off, (const char *)csr_pem,
	    o.token != NULL ? o.token : token, &o, nb, na, tdata,
	    X509_REQ_get0_pubkey(csr), &chain)) != 0 ||
	    (r = pkit_ca_chain_pem(run->ctx, chain, &pem, &pem_len)) != 0 ||
	    (r = pkit_file_write(run->ctx, crtfile, pem, pem_len,
	    PKIT_WRITE_PRIVATE | PKIT_WRITE_FORCE)) != 0)
		goto fail;
	if (desc != NULL)
		ca_check_line("Provisioner", desc);
	ca_check_line("CA", off != NULL ? pkit_ca_offline_url(off) :
	    pkit_ca_client_url(c));
	ca_check_line("Certificate", crtfile);
	ret = EXIT_OK;
	goto out;
fail:
	ret = cmd_fail(run, r);
out:
	pkit_ca_offline_free(off);
	pkit_ca_client_free(c);
	ca_config_release(&cfg);
done:
	sk_X509_pop_free(chain, X509_free);
	X509_REQ_free(csr);
	json_decref(names);
	free(sans);
	free(data);
	free(pem);
	free(csr_pem);
	free(cn);
	pkit_secret_strfree(token);
	free(desc);
	json_decref(tdata);
	strvec_clear(&o.set);
	return ret;
}

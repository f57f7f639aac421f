/* ssh_ca.c - the `pkit ssh` verbs that talk to the CA: certificate,
 * renew, rekey, revoke, hosts (src/lib/sshca.c does the talking). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ca_client.h"
#include "cmd.h"
#include "ssh_ca.h"
#include "lib/ca/client.h"
#include "lib/ca/token.h"
#include "lib/fs.h"
#include "lib/key.h"
#include "lib/secret.h"
#include "lib/sshagent.h"
#include "lib/sshca.h"
#include "lib/sshcert.h"
#include "lib/sshkey.h"
#include "lib/timeutil.h"

#define CERT_MAX (256 * 1024)

/* A file to write once everything else worked. */
struct outf {
	char *path;
	unsigned char *data;
	size_t len;
	int secret;
};

static void
outs_free(struct outf *f, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(f[i].path);
		if (f[i].secret)
			pkit_secret_free(f[i].data, f[i].len);
		else
			free(f[i].data);
	}
}

static int
add_out(struct cmd_run *run, struct outf *f, size_t *n, const char *path,
    const char *suffix, unsigned char *data, size_t len, int secret)
{
	if (asprintf(&f[*n].path, "%s%s", path, suffix) < 0) {
		f[*n].path = NULL;
		if (secret)
			pkit_secret_free(data, len);
		else
			free(data);
		return pkit_seterr(run->ctx, PKIT_ERR_NOMEM, "%s", path);
	}
	f[*n].data = data;
	f[*n].len = len;
	f[*n].secret = secret;
	(*n)++;
	return PKIT_OK;
}

static int
write_outs(struct cmd_run *run, struct outf *f, size_t n)
{
	size_t i;
	int r;

	for (i = 0; i < n; i++)
		if ((r = pkit_file_write(run->ctx, f[i].path, f[i].data,
		    f[i].len, PKIT_WRITE_FORCE | (f[i].secret ?
		    PKIT_WRITE_PRIVATE : 0))) != 0)
			return r;
	return PKIT_OK;
}

/* The certificate line for c, as a file body. */
static int
cert_out(struct cmd_run *run, struct outf *f, size_t *n, const char *path,
    const char *suffix, const struct pkit_sshcert *c)
{
	char *text = NULL;
	size_t len = 0;
	int r;

	if ((r = pkit_sshcert_encode(run->ctx, c, c->key_id, &text,
	    &len)) != 0)
		return r;
	return add_out(run, f, n, path, suffix, (unsigned char *)text, len, 0);
}

/* The private key (openssh-key-v1 without a password, else encrypted
 * PKCS#8 PEM, both of which ssh reads) and its .pub line. */
static int
key_outs(struct cmd_run *run, struct outf *f, size_t *n, const char *path,
    const char *suffix, EVP_PKEY *key, const char *password,
    const char *comment)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	char pub[64];
	int r;

	if ((r = pkit_key_private_encode_form(run->ctx, key, PKIT_KEY_PEM,
	    PKIT_KEY_OPENSSH, password, &buf, &len)) != 0 ||
	    (r = add_out(run, f, n, path, suffix, buf, len, 1)) != 0)
		return r;
	if ((r = pkit_sshkey_public_encode(run->ctx, key, comment, &buf,
	    &len)) != 0)
		return r;
	snprintf(pub, sizeof(pub), "%s.pub", suffix);
	return add_out(run, f, n, path, pub, buf, len, 0);
}

static int
may_overwrite(struct cmd_run *run, const char *path, const char *suffix,
    int force)
{
	char *p;
	int r;

	if (asprintf(&p, "%s%s", path, suffix) < 0)
		return pkit_seterr(run->ctx, PKIT_ERR_NOMEM, "%s", path);
	r = cmd_may_overwrite(run, p, force);
	free(p);
	return r;
}

/* Read a certificate file. */
static int
load_cert(struct cmd_run *run, const char *path, struct pkit_sshcert **out)
{
	unsigned char *data = NULL;
	size_t len = 0;
	int r;

	if ((r = pkit_file_read(run->ctx, path, CERT_MAX, &data, &len)) != 0)
		return r;
	r = pkit_sshcert_parse(run->ctx, data, len, path, out, NULL);
	free(data);
	return r;
}

/* ---- pkit ssh certificate ------------------------------------------------ */

struct cert_opts {
	struct ca_flags ca;
	struct ca_token_flags tf;
	struct strvec principal;
	const char *token, *password_file, *not_before, *not_after;
	const char *kty, *crv;
	long size;
	int host, sign, add_user, no_password, insecure, force;
};

#define T struct cert_opts
static const struct cmd_opt cert_opts[] = {
	{ "host", 0, OPT_BOOL, offsetof(T, host), NULL,
	  "a host certificate (default: a user certificate)" },
	{ "principal", 'n', OPT_LIST, offsetof(T, principal), "name",
	  "a user (or with --host a host name) the certificate is for "
	  "(repeatable)" },
	{ "not-before", 0, OPT_STRING, offsetof(T, not_before),
	  "time|duration", "the certificate is valid from then (RFC 3339, "
	  "or a duration from now)" },
	{ "not-after", 0, OPT_STRING, offsetof(T, not_after),
	  "time|duration", "the certificate expires then (default: the CA's, "
	  "16h for users and 30 days for hosts)" },
	{ "sign", 0, OPT_BOOL, offsetof(T, sign), NULL,
	  "certify the existing public key <key-file> instead of making a "
	  "key pair" },
	{ "add-user", 0, OPT_BOOL, offsetof(T, add_user), NULL,
	  "also get the provisioner user's certificate that creates the "
	  "principal's account on first login" },
	{ "token", 0, OPT_STRING, offsetof(T, token), "token",
	  "a one-time token from 'pkit ca token --ssh' (no provisioner is "
	  "then needed)" },
	OPT_CA_PROVISIONER(T, tf),
	OPT_CA_KID(T, tf),
	OPT_CA_PROV_PASSWORD_FILE(T, tf),
	OPT_PASSWORD_FILE(T),
	OPT_NO_PASSWORD(T),
	OPT_INSECURE(T),
	OPT_KTY(T),
	OPT_CRV(T),
	OPT_SIZE(T),
	OPT_FORCE(T),
	OPT_CA_URL(T, ca),
	OPT_CA_ROOT(T, ca),
	{ 0 }
};
#undef T

/* step's default principals: for a user the local part of an e-mail
 * key id and the key id; for a host the key id. */
int
ssh_ca_default_principals(const char *key_id, int host, char **local,
    const char **v, size_t *n)
{
	const char *at = strchr(key_id, '@');

	*n = 0;
	*local = NULL;
	if (!host && at != NULL && at != key_id) {
		if ((*local = strndup(key_id, (size_t)(at - key_id))) == NULL)
			return -1;
		v[(*n)++] = *local;
	}
	v[(*n)++] = key_id;
	return 0;
}

int
ssh_ca_sign(struct cmd_run *run, const struct ca_flags *ca,
    const struct ca_token_flags *tf, const char *token_flag,
    struct pkit_sshca_sign_req *sr, struct pkit_sshcert **crt,
    struct pkit_sshcert **add_user, char **desc, char **url)
{
	struct ca_config cfg = { 0 };
	struct pkit_ca_client *c = NULL;
	struct pkit_token_req req = { 0 };
	json_t *step = NULL;
	char *token = NULL;
	int r;

	*desc = NULL;
	*url = NULL;
	if ((r = ca_config_resolve(run, ca, CA_NEED_URL | CA_NEED_ROOT,
	    &cfg)) != CMD_CONTINUE)
		return PKIT_ERR_USAGE;
	if ((r = ca_client_open(run, &cfg, &c)) != 0)
		goto out;
	if (token_flag == NULL) {
		if ((r = pkit_token_ssh_claim(run->ctx, sr->host, sr->key_id,
		    sr->principals, sr->nprincipals, sr->valid_after,
		    sr->valid_before, &step)) != 0)
			goto out;
		req.type = PKIT_TOKEN_SSH_SIGN;
		req.subject = sr->key_id;
		req.step = step;
		if ((r = ca_token_mint(run, &cfg, c, tf, &req, &token,
		    desc)) != 0)
			goto out;
	}
	sr->ott = token_flag != NULL ? token_flag : token;
	if ((r = pkit_sshca_sign(run->ctx, c, sr, crt, add_user, NULL)) != 0)
		goto out;
	if ((*url = strdup(pkit_ca_client_url(c))) == NULL)
		r = pkit_seterr_nomem(run->ctx);
out:
	sr->ott = NULL;
	pkit_ca_client_free(c);
	ca_config_release(&cfg);
	json_decref(step);
	pkit_secret_strfree(token);
	return r;
}

static int
ssh_certificate_main(struct cmd_run *run, int argc, char **argv)
{
	struct cert_opts o;
	struct pkit_sshca_sign_req sr;
	struct pkit_keyspec spec;
	struct pkit_sshcert *crt = NULL, *au = NULL;
	struct outf outs[8];
	EVP_PKEY *key = NULL, *aukey = NULL;
	const char *defp[2], *keyfile, *key_id, *const *princ;
	char **args, *desc = NULL, *password = NULL, *url = NULL;
	char *local = NULL, va[64] = "", vb[64] = "", *base = NULL;
	const char *certbase;
	size_t nouts = 0, np, n;
	int nargs, r, ret = EXIT_FAIL;

	memset(&o, 0, sizeof(o));
	memset(&sr, 0, sizeof(sr));
	memset(outs, 0, sizeof(outs));
	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) !=
	    CMD_CONTINUE) {
		ret = r;
		goto done;
	}
	key_id = args[0];
	keyfile = args[1];
	/* --sign key.pub: the certificate is key-cert.pub, as ssh-keygen */
	if (o.sign && (n = strlen(keyfile)) > 4 &&
	    strcmp(keyfile + n - 4, ".pub") == 0) {
		if ((base = strndup(keyfile, n - 4)) == NULL) {
			ret = cmd_fail(run, pkit_seterr(run->ctx,
			    PKIT_ERR_NOMEM, "%s", keyfile));
			goto done;
		}
	}
	certbase = base != NULL ? base : keyfile;
	if (o.token != NULL && (o.tf.provisioner != NULL || o.tf.kid != NULL ||
	    o.tf.provisioner_password_file != NULL)) {
		ret = cmd_usage_error(run, "--token does not go with "
		    "--provisioner, --kid or --provisioner-password-file");
		goto done;
	}
	if (o.sign && (o.no_password || o.kty != NULL || o.crv != NULL ||
	    o.size != 0)) {
		ret = cmd_usage_error(run, "--sign certifies an existing key: "
		    "--no-password, --kty, --crv and --size do not apply");
		goto done;
	}
	if (o.add_user && o.host) {
		ret = cmd_usage_error(run, "--add-user is for user "
		    "certificates");
		goto done;
	}
	if ((o.not_before != NULL && (r = pkit_ca_time_duration(run->ctx,
	    o.not_before, "--not-before", va, sizeof(va))) != 0) ||
	    (o.not_after != NULL && (r = pkit_ca_time_duration(run->ctx,
	    o.not_after, "--not-after", vb, sizeof(vb))) != 0)) {
		ret = cmd_usage_error(run, "%s", run->ctx->errbuf);
		goto done;
	}
	if (o.principal.n > 0) {
		princ = o.principal.v;
		np = o.principal.n;
	} else if (o.token != NULL) {
		/* the token's principals */
		princ = defp;
		np = 0;
	} else {
		if (ssh_ca_default_principals(key_id, o.host, &local, defp,
		    &np) != 0) {
			ret = cmd_fail(run, pkit_seterr(run->ctx,
			    PKIT_ERR_NOMEM, "principals"));
			goto done;
		}
		princ = defp;
	}
	if (o.add_user && np != 1 && o.token == NULL) {
		ret = cmd_usage_error(run, "--add-user needs exactly one "
		    "principal (--principal)");
		goto done;
	}
	/* refuse before asking anything or calling the CA */
	if ((!o.sign && ((r = may_overwrite(run, keyfile, "", o.force)) != 0 ||
	    (r = may_overwrite(run, keyfile, ".pub", o.force)) != 0)) ||
	    (r = may_overwrite(run, certbase, "-cert.pub", o.force)) != 0 ||
	    (o.add_user && ((r = may_overwrite(run, keyfile, "-provisioner",
	    o.force)) != 0 || (r = may_overwrite(run, keyfile,
	    "-provisioner-cert.pub", o.force)) != 0))) {
		ret = cmd_fail(run, r);
		goto done;
	}
	if (o.sign) {
		if ((r = cmd_key_load_public(run, keyfile, &key)) != 0) {
			ret = cmd_fail(run, r);
			goto done;
		}
	} else {
		memset(&spec, 0, sizeof(spec));
		spec.kty = o.kty;
		spec.crv = o.crv;
		spec.bits = o.size;
		spec.insecure = o.insecure;
		if ((r = pkit_keyspec_resolve(run->ctx, &spec)) != 0 ||
		    (r = pkit_key_form_check(run->ctx, spec.kty, spec.crv,
		    PKIT_KEY_PEM, PKIT_KEY_OPENSSH, !o.no_password)) != 0) {
			ret = cmd_usage_error(run, "%s", run->ctx->errbuf);
			goto done;
		}
		if ((r = cmd_new_password(run, o.password_file, o.no_password,
		    o.insecure, keyfile, &password)) != 0) {
			ret = r == PKIT_ERR_USAGE ? cmd_usage_error(run, "%s",
			    run->ctx->errbuf) : cmd_fail(run, r);
			goto done;
		}
		if ((r = pkit_key_generate(run->ctx, &spec, &key)) != 0) {
			ret = cmd_fail(run, r);
			goto done;
		}
	}
	if (o.add_user) {
		struct pkit_keyspec aus = { "EC", "P-256", 0, 0 };

		if ((r = pkit_key_generate(run->ctx, &aus, &aukey)) != 0) {
			ret = cmd_fail(run, r);
			goto done;
		}
	}
	sr.key = key;
	sr.host = o.host;
	sr.key_id = key_id;
	sr.principals = princ;
	sr.nprincipals = np;
	sr.valid_after = va[0] != '\0' ? va : NULL;
	sr.valid_before = vb[0] != '\0' ? vb : NULL;
	sr.add_user_key = aukey;
	o.tf.password_file = NULL;
	if ((r = ssh_ca_sign(run, &o.ca, &o.tf, o.token, &sr, &crt, &au,
	    &desc, &url)) != 0) {
		ret = r == PKIT_ERR_USAGE ? EXIT_USAGE : cmd_fail(run, r);
		goto done;
	}
	if (o.add_user && au == NULL) {
		r = pkit_seterr(run->ctx, PKIT_ERR_FORMAT, "the CA sent no "
		    "addUserCrt");
		goto fail;
	}
	if ((!o.sign && (r = key_outs(run, outs, &nouts, keyfile, "", key,
	    password, key_id)) != 0) ||
	    (r = cert_out(run, outs, &nouts, certbase, "-cert.pub",
	    crt)) != 0 ||
	    (au != NULL && ((r = key_outs(run, outs, &nouts, keyfile,
	    "-provisioner", aukey, password, au->key_id)) != 0 ||
	    (r = cert_out(run, outs, &nouts, keyfile, "-provisioner-cert.pub",
	    au)) != 0)) ||
	    (r = write_outs(run, outs, nouts)) != 0)
		goto fail;
	if (desc != NULL)
		ca_check_line("Provisioner", desc);
	ca_check_line("CA", url);
	if (!o.sign) {
		ca_check_line("Private Key", outs[0].path);
		ca_check_line("Public Key", outs[1].path);
	}
	ca_check_line("Certificate", outs[o.sign ? 0 : 2].path);
	if (au != NULL)
		ca_check_line("Add User Certificate", outs[nouts - 1].path);
	ret = EXIT_OK;
	goto done;
fail:
	ret = cmd_fail(run, r);
done:
	free(url);
	outs_free(outs, nouts);
	pkit_sshcert_free(crt);
	pkit_sshcert_free(au);
	EVP_PKEY_free(key);
	EVP_PKEY_free(aukey);
	pkit_secret_strfree(password);
	free(desc);
	free(local);
	free(base);
	strvec_clear(&o.principal);
	return ret;
}

const struct cmd cmd_ssh_certificate = {
	"certificate", ssh_certificate_main, NULL, "<key-id> <key-file>", 2, 2,
	"get an SSH user or host certificate from the CA",
	"Makes a key pair (EC P-256 unless --kty, --crv or --size say "
	"otherwise)\nand has the CA certify it, as 'step ssh certificate' "
	"does: writes the\nprivate key <key-file> (encrypted with the "
	"--password-file password;\nwith --no-password --insecure in the "
	"clear, in OpenSSH's format), its\npublic key <key-file>.pub and the "
	"certificate <key-file>-cert.pub, which\nssh finds next to the key.  "
	"With --sign, <key-file> is an existing public\nkey and only the "
	"certificate is written.\n"
	"\n"
	"The certificate's key ID is <key-id>.  Its principals are the "
	"--principal\nvalues; by default, for a user, the local part of an "
	"e-mail <key-id> and\nthe key ID itself, for a host (--host) the key "
	"ID; with --token, the\ntoken's.  Its validity is the CA's default "
	"(16 hours for users, 30 days\nfor hosts with step-ca's settings) "
	"unless --not-before and --not-after\nask otherwise.\n"
	"\n"
	"The request is authorized by a one-time token with the SSH claims: "
	"--token\n(from 'pkit ca token --ssh'), or one made here with a JWK "
	"provisioner\nwhose claims have enableSSHCA, as 'pkit ca token' "
	"makes it.\n"
	"\n"
	"--add-user also asks for step's \"add user\" certificate, for the "
	"user\nprovisioner with a forced command that creates the account of "
	"the one\nprincipal: written as <key-file>-provisioner and "
	"<key-file>-provisioner-cert.pub.\n"
	"\n"
	"Nothing is written unless the CA issued the certificate.",
	"A user certificate for joe (principals joe and joe@example.com):\n"
	"  $ pkit ssh certificate joe@example.com id_ecdsa "
	"--provisioner admin \\\n      --provisioner-password-file pw.txt "
	"--no-password --insecure\n"
	"A host certificate for an existing host key:\n"
	"  $ pkit ssh certificate --host --sign host.example.com "
	"/etc/ssh/ssh_host_ecdsa_key.pub \\\n      --token \"$TOKEN\"\n",
	cert_opts
};

/* ---- pkit ssh renew / rekey ---------------------------------------------- */

struct renew_opts {
	struct ca_flags ca;
	const char *provisioner, *out, *password_file;
	int no_password, insecure, force;
};

#define T struct renew_opts
static const struct cmd_opt renew_opts[] = {
	{ "out", 0, OPT_STRING, offsetof(T, out), "file",
	  "write the new certificate there (default: replace <cert-file>)",
	  NULL, OPT_F_FILE },
	{ "provisioner", 0, OPT_STRING, offsetof(T, provisioner), "name",
	  "the CA's SSHPOP provisioner (default: its first one)", NULL, 0,
	  "issuer" },
	OPT_PASSWORD_FILE(T),
	OPT_INSECURE(T),
	OPT_FORCE(T),
	OPT_CA_URL(T, ca),
	OPT_CA_ROOT(T, ca),
	{ 0 }
};
static const struct cmd_opt rekey_opts[] = {
	{ "out", 0, OPT_STRING, offsetof(T, out), "file",
	  "write the new key as file, file.pub and file-cert.pub (default: "
	  "replace <key-file> and <cert-file>)", NULL, OPT_F_FILE },
	{ "provisioner", 0, OPT_STRING, offsetof(T, provisioner), "name",
	  "the CA's SSHPOP provisioner (default: its first one)", NULL, 0,
	  "issuer" },
	OPT_PASSWORD_FILE(T),
	OPT_NO_PASSWORD(T),
	OPT_INSECURE(T),
	OPT_FORCE(T),
	OPT_CA_URL(T, ca),
	OPT_CA_ROOT(T, ca),
	{ 0 }
};
#undef T

/* The SSHPOP token for method with cert and its key (from files), and a
 * client of the CA. */
static int
pop_setup(struct cmd_run *run, const struct renew_opts *o, const char *method,
    const char *certfile, const char *keyfile, struct ca_config *cfg,
    struct pkit_ca_client **c, struct pkit_sshcert **cert, char **token)
{
	EVP_PKEY *key = NULL;
	json_t *list = NULL;
	const char *prov;
	int r;

	if ((r = load_cert(run, certfile, cert)) != 0 ||
	    (r = cmd_key_load_private(run, keyfile, o->password_file,
	    o->insecure, &key)) != 0)
		goto out;
	if ((r = ca_config_resolve(run, &o->ca, CA_NEED_URL | CA_NEED_ROOT,
	    cfg)) != CMD_CONTINUE) {
		r = PKIT_ERR_USAGE;
		goto out;
	}
	if ((r = ca_client_open(run, cfg, c)) != 0 ||
	    (r = pkit_ca_provisioners(run->ctx, *c, &list)) != 0 ||
	    (r = pkit_sshca_sshpop_name(run->ctx, list, o->provisioner,
	    &prov)) != 0)
		goto out;
	if ((r = pkit_sshca_pop_token(run->ctx, *cert, key, cfg->ca_url,
	    method, prov, pkit_now(run->ctx), token)) != 0) {
		if (r == PKIT_ERR_MISMATCH)
			r = pkit_seterr(run->ctx, r, "%s: the key is not the "
			    "one %s certifies", keyfile, certfile);
		goto out;
	}
out:
	EVP_PKEY_free(key);
	json_decref(list);
	return r;
}

static int
renew_main(struct cmd_run *run, int argc, char **argv, int rekey)
{
	struct renew_opts o;
	struct ca_config cfg = { 0 };
	struct pkit_ca_client *c = NULL;
	struct pkit_sshcert *old = NULL, *crt = NULL;
	struct pkit_keyspec spec = { "EC", "P-256", 0, 0 };
	struct outf outs[4];
	EVP_PKEY *key = NULL;
	char **args, *token = NULL, *password = NULL;
	const char *certfile, *keyfile, *base;
	size_t nouts = 0;
	int nargs, r, ret = EXIT_FAIL;

	memset(&o, 0, sizeof(o));
	memset(outs, 0, sizeof(outs));
	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) !=
	    CMD_CONTINUE)
		return r;
	certfile = args[0];
	keyfile = args[1];
	base = o.out != NULL ? o.out : rekey ? keyfile : certfile;
	if (o.out != NULL && (r = may_overwrite(run, base, rekey ?
	    "-cert.pub" : "", o.force)) != 0)
		return cmd_fail(run, r);
	if ((r = pop_setup(run, &o, rekey ? "rekey" : "renew", certfile,
	    keyfile, &cfg, &c, &old, &token)) != 0) {
		ret = r == PKIT_ERR_USAGE ? EXIT_USAGE : cmd_fail(run, r);
		goto out;
	}
	if (rekey) {
		if ((r = cmd_new_password(run, o.password_file, o.no_password,
		    o.insecure, base, &password)) != 0 ||
		    (r = pkit_key_generate(run->ctx, &spec, &key)) != 0)
			goto fail;
	}
	if ((r = pkit_sshca_renew(run->ctx, c, token, key, &crt, NULL)) != 0)
		goto fail;
	if (rekey) {
		if ((r = key_outs(run, outs, &nouts, base, "", key, password,
		    crt->key_id)) != 0 ||
		    (r = cert_out(run, outs, &nouts, o.out != NULL ? base :
		    certfile, o.out != NULL ? "-cert.pub" : "", crt)) != 0)
			goto fail;
	} else if ((r = cert_out(run, outs, &nouts, base, "", crt)) != 0)
		goto fail;
	if ((r = write_outs(run, outs, nouts)) != 0)
		goto fail;
	ca_check_line("CA", pkit_ca_client_url(c));
	if (rekey) {
		ca_check_line("Private Key", outs[0].path);
		ca_check_line("Public Key", outs[1].path);
	}
	ca_check_line("Certificate", outs[nouts - 1].path);
	ret = EXIT_OK;
	goto out;
fail:
	ret = cmd_fail(run, r);
out:
	outs_free(outs, nouts);
	pkit_ca_client_free(c);
	ca_config_release(&cfg);
	pkit_sshcert_free(old);
	pkit_sshcert_free(crt);
	EVP_PKEY_free(key);
	pkit_secret_strfree(token);
	pkit_secret_strfree(password);
	return ret;
}

static int
ssh_renew_main(struct cmd_run *run, int argc, char **argv)
{
	return renew_main(run, argc, argv, 0);
}

static int
ssh_rekey_main(struct cmd_run *run, int argc, char **argv)
{
	return renew_main(run, argc, argv, 1);
}

const struct cmd cmd_ssh_renew = {
	"renew", ssh_renew_main, NULL, "<cert-file> <key-file>", 2, 2,
	"renew an SSH host certificate with its own key",
	"Asks the CA for a new certificate with the same key, key ID, "
	"principals\nand lifetime as <cert-file>, as 'step ssh renew' does.  "
	"The request is\nauthorized by an SSHPOP token: a JWT signed with "
	"<key-file>, the\ncertificate's private key, carrying the "
	"certificate.  As with step-ca,\nonly host certificates are renewed, "
	"and the CA refuses a certificate\nthat has expired or that it "
	"revoked.  The new certificate replaces\n<cert-file> (or goes to "
	"--out).",
	"Renew a host certificate before it expires:\n"
	"  $ pkit ssh renew /etc/ssh/ssh_host_ecdsa_key-cert.pub "
	"/etc/ssh/ssh_host_ecdsa_key\n",
	renew_opts
};

const struct cmd cmd_ssh_rekey = {
	"rekey", ssh_rekey_main, NULL, "<cert-file> <key-file>", 2, 2,
	"get an SSH host certificate for a new key, proving the old one",
	"Makes a new key pair (EC P-256) and asks the CA to certify it with "
	"the\nkey ID, principals and lifetime of <cert-file>, authorized by an "
	"SSHPOP\ntoken signed with <key-file>, as 'step ssh rekey' does.  The "
	"new key\nreplaces <key-file> and <key-file>.pub and the new "
	"certificate\n<cert-file>; with --out, they go to <out>, <out>.pub "
	"and\n<out>-cert.pub.  Host certificates only, as with step-ca.",
	"Rekey a host into new files:\n"
	"  $ pkit ssh rekey host-cert.pub host --out host2 --no-password "
	"--insecure\n",
	rekey_opts
};

/* ---- pkit ssh revoke ----------------------------------------------------- */

struct revoke_opts {
	struct ca_flags ca;
	struct ca_token_flags tf;
	const char *token, *password_file, *reason, *reason_code;
	const char *sshpop_cert, *sshpop_key;
	int insecure;
};

#define T struct revoke_opts
static const struct cmd_opt revoke_opts[] = {
	{ "token", 0, OPT_STRING, offsetof(T, token), "token",
	  "a revoke token (no provisioner is then needed)" },
	OPT_CA_PROVISIONER(T, tf),
	OPT_CA_KID(T, tf),
	OPT_CA_PROV_PASSWORD_FILE(T, tf),
	{ "sshpop-cert", 0, OPT_STRING, offsetof(T, sshpop_cert), "file",
	  "revoke with an SSHPOP token of this certificate (the one revoked)",
	  NULL, OPT_F_FILE },
	{ "sshpop-key", 0, OPT_STRING, offsetof(T, sshpop_key), "file",
	  "the private key of --sshpop-cert", NULL, OPT_F_FILE },
	OPT_PASSWORD_FILE(T),
	OPT_INSECURE(T),
	{ "reason", 0, OPT_STRING, offsetof(T, reason), "text",
	  "why the certificate is revoked" },
	{ "reasonCode", 0, OPT_STRING, offsetof(T, reason_code), "code",
	  "the RFC 5280 reason: 0-10 or a name such as KeyCompromise" },
	OPT_CA_URL(T, ca),
	OPT_CA_ROOT(T, ca),
	{ 0 }
};
#undef T

/* An SSH certificate serial as ssh-keygen -L prints it (decimal) or
 * in hex after 0x; 0 when s is neither or does not fit 64 bits. */
static int
parse_serial(const char *s, uint64_t *out)
{
	unsigned long long v;
	const char *p = s;
	char *end;
	int base = 10;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		p += 2;
		base = 16;
	}
	/* strtoull would take blanks and a sign */
	if (!(base == 16 ? isxdigit((unsigned char)*p) :
	    isdigit((unsigned char)*p)))
		return 0;
	errno = 0;
	v = strtoull(p, &end, base);
	if (errno != 0 || *end != '\0')
		return 0;
	*out = (uint64_t)v;
	return 1;
}

static int
ssh_revoke_main(struct cmd_run *run, int argc, char **argv)
{
	struct revoke_opts o;
	struct renew_opts ro;
	struct ca_config cfg = { 0 };
	struct pkit_ca_client *c = NULL;
	struct pkit_token_req req = { 0 };
	struct pkit_sshcert *pop = NULL;
	char **args, *token = NULL, *desc = NULL, serial[32] = "";
	uint64_t sn = 0;
	int nargs, r, ret = EXIT_FAIL, code = 0;

	memset(&o, 0, sizeof(o));
	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) !=
	    CMD_CONTINUE)
		return r;
	/* the CA keys its records by the decimal serial */
	if (nargs > 0) {
		if (!parse_serial(args[0], &sn))
			return cmd_usage_error(run, "'%s' is not an SSH "
			    "certificate serial number (64 bits, decimal or "
			    "0x hex)", args[0]);
		snprintf(serial, sizeof(serial), "%" PRIu64, sn);
	} else if (o.sshpop_cert == NULL)
		return cmd_usage_error(run, "the <serial-number> is needed "
		    "unless --sshpop-cert gives the certificate");
	if ((o.sshpop_cert != NULL) != (o.sshpop_key != NULL))
		return cmd_usage_error(run, "--sshpop-cert and --sshpop-key go "
		    "together");
	if ((o.token != NULL) + (o.sshpop_cert != NULL) +
	    (o.tf.provisioner != NULL || o.tf.kid != NULL) > 1)
		return cmd_usage_error(run, "--token, --sshpop-cert and "
		    "--provisioner are different ways to authorize: use one");
	if (o.reason_code != NULL &&
	    pkit_ca_revoke_reason(run->ctx, o.reason_code, &code) != 0)
		return cmd_usage_error(run, "%s", run->ctx->errbuf);
	if (o.sshpop_cert != NULL) {
		memset(&ro, 0, sizeof(ro));
		ro.ca = o.ca;
		ro.password_file = o.password_file;
		ro.insecure = o.insecure;
		if ((r = pop_setup(run, &ro, "revoke", o.sshpop_cert,
		    o.sshpop_key, &cfg, &c, &pop, &token)) != 0) {
			ret = r == PKIT_ERR_USAGE ? EXIT_USAGE :
			    cmd_fail(run, r);
			goto out;
		}
		if (nargs == 0)
			snprintf(serial, sizeof(serial), "%" PRIu64,
			    pop->serial);
		else if (sn != pop->serial) {
			r = pkit_seterr(run->ctx, PKIT_ERR_ARG, "%s: its serial "
			    "is %" PRIu64 ", not %s: an SSHPOP token revokes "
			    "its own certificate", o.sshpop_cert, pop->serial,
			    serial);
			goto fail;
		}
	} else {
		if ((r = ca_config_resolve(run, &o.ca, CA_NEED_URL |
		    CA_NEED_ROOT, &cfg)) != CMD_CONTINUE)
			return r;
		if ((r = ca_client_open(run, &cfg, &c)) != 0)
			goto fail;
		if (o.token == NULL) {
			o.tf.password_file = o.password_file;
			req.type = PKIT_TOKEN_SSH_REVOKE;
			req.subject = serial;
			if ((r = ca_token_mint(run, &cfg, c, &o.tf, &req, &token,
			    &desc)) != 0)
				goto fail;
		}
	}
	if ((r = pkit_sshca_revoke(run->ctx, c, serial, o.token != NULL ?
	    o.token : token, code, o.reason, NULL)) != 0)
		goto fail;
	fprintf(stderr, "The certificate with serial number %s has been "
	    "revoked.\n", serial);
	ret = EXIT_OK;
	goto out;
fail:
	ret = cmd_fail(run, r);
out:
	pkit_ca_client_free(c);
	ca_config_release(&cfg);
	pkit_sshcert_free(pop);
	pkit_secret_strfree(token);
	free(desc);
	return ret;
}

const struct cmd cmd_ssh_revoke = {
	"revoke", ssh_revoke_main, NULL, "[<serial-number>]", 0, 1,
	"revoke an SSH certificate so that the CA no longer renews it",
	"Revokes (passively, as step-ca does) the SSH certificate with\n"
	"<serial-number>: the CA records it and refuses to renew or rekey it, "
	"or\nto take it as an SSHPOP proof.  sshd does not ask the CA, so a "
	"revoked\ncertificate still logs in until it expires unless sshd's "
	"RevokedKeys\nlists it.\n"
	"\n"
	"<serial-number> is decimal, as ssh-keygen -L prints it, or hex after "
	"0x\n(0x2a is 42); it is sent to the CA in decimal.  With "
	"--sshpop-cert it may\nbe left out: it is then that certificate's.\n"
	"\n"
	"The request is authorized by a one-time token whose subject is the "
	"serial:\n--token, one made here with a JWK provisioner "
	"(--provisioner ...), or an\nSSHPOP token of the certificate itself "
	"(--sshpop-cert and --sshpop-key).",
	"Revoke a certificate with a provisioner's token:\n"
	"  $ pkit ssh revoke 3037407720969766721 --provisioner admin "
	"\\\n      --provisioner-password-file pw.txt --reason \"key lost\"\n"
	"The same serial in hex:\n"
	"  $ pkit ssh revoke 0x2a270a3ab66e8741 --provisioner admin "
	"\\\n      --provisioner-password-file pw.txt\n"
	"Revoke a host certificate with its own key:\n"
	"  $ pkit ssh revoke --sshpop-cert ssh_host_ecdsa_key-cert.pub "
	"\\\n      --sshpop-key ssh_host_ecdsa_key\n",
	revoke_opts
};

/* ---- pkit ssh hosts ------------------------------------------------------ */

struct hosts_opts {
	struct ca_flags ca;
};

static const struct cmd_opt hosts_opts[] = {
	OPT_CA_URL(struct hosts_opts, ca),
	OPT_CA_ROOT(struct hosts_opts, ca),
	{ 0 }
};

static int
ssh_hosts_main(struct cmd_run *run, int argc, char **argv)
{
	struct hosts_opts o;
	struct ca_config cfg = { 0 };
	struct pkit_ca_client *c = NULL;
	json_t *hosts = NULL, *h;
	char **args;
	size_t i;
	int nargs, r, ret;

	memset(&o, 0, sizeof(o));
	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) !=
	    CMD_CONTINUE)
		return r;
	if ((r = ca_config_resolve(run, &o.ca, CA_NEED_URL | CA_NEED_ROOT,
	    &cfg)) != CMD_CONTINUE)
		return r;
	if ((r = ca_client_open(run, &cfg, &c)) != 0 ||
	    (r = pkit_sshca_hosts(run->ctx, c, &hosts, NULL)) != 0)
		ret = cmd_fail(run, r);
	else {
		json_array_foreach(hosts, i, h) {
			const char *n = json_string_value(json_object_get(h,
			    "hostname"));

			if (n != NULL)
				printf("%s\n", n);
		}
		ret = EXIT_OK;
	}
	json_decref(hosts);
	pkit_ca_client_free(c);
	ca_config_release(&cfg);
	return ret;
}

const struct cmd cmd_ssh_hosts = {
	"hosts", ssh_hosts_main, NULL, NULL, 0, 0,
	"list the hosts that hold a valid host certificate from the CA",
	"Prints, one per line, the host names (principals) of the valid "
	"host\ncertificates the CA issued (GET /ssh/hosts), as 'step ssh "
	"hosts' lists\nthem.",
	"List the hosts:\n"
	"  $ pkit ssh hosts\n",
	hosts_opts
};

/* ---- pkit ssh check-host ------------------------------------------------- */

static int
ssh_check_host_main(struct cmd_run *run, int argc, char **argv)
{
	struct hosts_opts o;
	struct ca_config cfg = { 0 };
	struct pkit_ca_client *c = NULL;
	char **args;
	int nargs, r, ret, exists = 0;

	memset(&o, 0, sizeof(o));
	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) !=
	    CMD_CONTINUE)
		return r;
	if ((r = ca_config_resolve(run, &o.ca, CA_NEED_URL | CA_NEED_ROOT,
	    &cfg)) != CMD_CONTINUE)
		return r;
	if ((r = ca_client_open(run, &cfg, &c)) != 0 ||
	    (r = pkit_sshca_check_host(run->ctx, c, args[0], &exists,
	    NULL)) != 0)
		ret = cmd_fail(run, r);
	else {
		printf("%s\n", exists ? "true" : "false");
		ret = exists ? EXIT_OK : EXIT_FAIL;
	}
	pkit_ca_client_free(c);
	ca_config_release(&cfg);
	return ret;
}

const struct cmd cmd_ssh_check_host = {
	"check-host", ssh_check_host_main, NULL, "<hostname>", 1, 1,
	"tell whether the CA has issued a valid host certificate for a host",
	"Asks the CA (POST /ssh/check-host) whether <hostname> is a "
	"principal of a\nvalid host certificate it issued, and prints true "
	"or false.  The exit\nstatus is 0 for true and 1 for false (or an "
	"error).",
	"Is db1 a host of the CA?\n"
	"  $ pkit ssh check-host db1.example.com\n",
	hosts_opts
};

/* ---- pkit ssh proxycommand ----------------------------------------------- */

struct proxy_opts {
	struct ca_flags ca;
	struct ca_token_flags tf;
	const char *token;
};

#define T struct proxy_opts
static const struct cmd_opt proxy_opts[] = {
	{ "token", 0, OPT_STRING, offsetof(T, token), "token",
	  "a token from 'pkit ca token --ssh' for the user certificate" },
	OPT_CA_PROVISIONER(T, tf),
	OPT_CA_KID(T, tf),
	OPT_CA_PROV_PASSWORD_FILE(T, tf),
	OPT_CA_URL(T, ca),
	OPT_CA_ROOT(T, ca),
	{ 0 }
};
#undef T

/* 1 when the agent holds a certificate for principal user valid now. */
static int
agent_has_cert(struct cmd_run *run, struct pkit_sshagent *agent,
    const char *user)
{
	struct pkit_sshagent_id *ids = NULL;
	struct pkit_sshcert *c;
	size_t i, n = 0;
	int found = 0;

	if (pkit_sshagent_list(run->ctx, agent, &ids, &n) != 0)
		return 0;
	for (i = 0; i < n && !found; i++) {
		if (!pkit_sshcert_blob_is_cert(ids[i].blob, ids[i].len) ||
		    pkit_sshcert_decode(run->ctx, ids[i].blob, ids[i].len,
		    "agent", &c) != 0)
			continue;
		found = c->type == PKIT_SSHCERT_USER &&
		    pkit_sshcert_has_principal(c, user) &&
		    pkit_sshcert_check_time(run->ctx, c, pkit_now(run->ctx),
		    "agent") == 0;
		pkit_sshcert_free(c);
	}
	pkit_clearerr(run->ctx);
	pkit_sshagent_ids_free(ids, n);
	return found;
}

/* A new key and a user certificate for user, added to the agent. */
static int
agent_login(struct cmd_run *run, struct proxy_opts *o,
    struct pkit_sshagent *agent, const char *user)
{
	struct pkit_keyspec spec = { "EC", "P-256", 0, 0 };
	struct pkit_sshca_sign_req sr;
	struct pkit_sshcert *crt = NULL;
	EVP_PKEY *key = NULL;
	const char *princ[1] = { user };
	char *desc = NULL, *url = NULL;
	uint64_t left;
	int r;

	memset(&sr, 0, sizeof(sr));
	sr.key_id = user;
	sr.principals = princ;
	sr.nprincipals = 1;
	if ((r = pkit_key_generate(run->ctx, &spec, &key)) != 0)
		goto out;
	sr.key = key;
	if ((r = ssh_ca_sign(run, &o->ca, &o->tf, o->token, &sr, &crt, NULL,
	    &desc, &url)) != 0)
		goto out;
	left = crt->valid_before == PKIT_SSHCERT_FOREVER ? 0 :
	    crt->valid_before - (uint64_t)pkit_now(run->ctx);
	r = pkit_sshagent_add(run->ctx, agent, key, crt, user,
	    left > UINT32_MAX ? UINT32_MAX : (uint32_t)left);
out:
	pkit_sshcert_free(crt);
	EVP_PKEY_free(key);
	free(desc);
	free(url);
	return r;
}

static int
ssh_proxycommand_main(struct cmd_run *run, int argc, char **argv)
{
	struct proxy_opts o;
	struct ca_config cfg = { 0 };
	struct pkit_ca_client *c = NULL;
	struct pkit_sshagent *agent = NULL;
	const char *sock = getenv("SSH_AUTH_SOCK");
	char **args;
	int nargs, r, exists = 0;

	memset(&o, 0, sizeof(o));
	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) !=
	    CMD_CONTINUE)
		return r;
	if ((r = ca_config_resolve(run, &o.ca, CA_NEED_URL | CA_NEED_ROOT,
	    &cfg)) != CMD_CONTINUE)
		return r;
	if ((r = ca_client_open(run, &cfg, &c)) != 0 ||
	    (r = pkit_sshca_check_host(run->ctx, c, args[1], &exists,
	    NULL)) != 0)
		goto fail;
	pkit_ca_client_free(c);
	c = NULL;
	ca_config_release(&cfg);
	if (exists) {
		if (sock == NULL || *sock == '\0') {
			r = pkit_seterr(run->ctx, PKIT_ERR_NOT_FOUND, "%s: "
			    "SSH_AUTH_SOCK is not set: the certificate for %s "
			    "needs an ssh-agent", run->path, args[1]);
			goto fail;
		}
		if ((r = pkit_sshagent_open(run->ctx, sock, &agent)) != 0 ||
		    (!agent_has_cert(run, agent, args[0]) &&
		    (r = agent_login(run, &o, agent, args[0])) != 0))
			goto fail;
		pkit_sshagent_close(agent);
		agent = NULL;
	}
	if ((r = pkit_sshca_relay(run->ctx, args[1], args[2], STDIN_FILENO,
	    STDOUT_FILENO)) != 0)
		goto fail;
	return EXIT_OK;
fail:
	pkit_sshagent_close(agent);
	pkit_ca_client_free(c);
	ca_config_release(&cfg);
	return cmd_fail(run, r);
}

const struct cmd cmd_ssh_proxycommand = {
	"proxycommand", ssh_proxycommand_main, NULL, "<user> <host> <port>",
	3, 3,
	"connect ssh to a host, first getting a user certificate if needed",
	"For ssh's ProxyCommand, as 'step ssh proxycommand': when the CA "
	"knows\n<host> (it issued it a valid host certificate, POST "
	"/ssh/check-host) and\nthe ssh-agent at $SSH_AUTH_SOCK holds no "
	"valid user certificate for\n<user>, a new key pair and a user "
	"certificate for <user> (key ID and\nprincipal) are made and added to "
	"the agent, authorized by --token or a\ntoken minted with "
	"--provisioner.  Then it connects to <host>:<port> and\ncopies the "
	"standard input to it and its answers to the standard output.\n"
	"Bastions (/ssh/bastion) are not followed.",
	"In ~/.ssh/config:\n"
	"  Host *.internal\n"
	"      ProxyCommand pkit ssh proxycommand %r %h %p --provisioner admin\n"
	"Run by hand, as ssh runs it:\n"
	"  $ pkit ssh proxycommand root db1.internal 22\n",
	proxy_opts
};

/* ssh_agent.c - `pkit ssh login`, `ssh logout` and `ssh list`: keys and
 * certificates in the ssh-agent at $SSH_AUTH_SOCK. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "lib/ca/token.h"
#include "ssh_ca.h"
#include "lib/fs.h"
#include "lib/key.h"
#include "lib/sshagent.h"
#include "lib/sshcert.h"
#include "lib/sshkey.h"
#include "lib/timeutil.h"

#define CERT_FILE_MAX (1024 * 1024)

/* Connect to the agent named by SSH_AUTH_SOCK. */
static int
agent_open(struct cmd_run *run, struct pkit_sshagent **out)
{
	const char *sock = getenv("SSH_AUTH_SOCK");

	*out = NULL;
	if (sock == NULL || *sock == '\0')
		return pkit_seterr(run->ctx, PKIT_ERR_NOT_FOUND,
		    "%s: SSH_AUTH_SOCK is not set: no ssh-agent to talk to "
		    "(start one with 'eval $(ssh-agent)')", run->path);
	return pkit_sshagent_open(run->ctx, sock, out);
}

/* ---- ssh login --------------------------------------------------------- */

struct login_opts {
	struct ca_flags ca;
	struct ca_token_flags tf;
	struct strvec principal;
	const char *key, *cert, *password_file, *token, *not_after;
	int insecure;
};

#define T struct login_opts
static const struct cmd_opt login_opts[] = {
	{ "key", 0, OPT_STRING, offsetof(T, key), "file",
	  "the private key to add (OpenSSH, PKCS#8 or PEM)", NULL,
	  OPT_F_FILE },
	{ "cert", 0, OPT_STRING, offsetof(T, cert), "file",
	  "its certificate (default: <key>-cert.pub, as ssh looks for it)",
	  NULL, OPT_F_FILE },
	OPT_PASSWORD_FILE(T),
	OPT_INSECURE(T),
	{ "principal", 'n', OPT_LIST, offsetof(T, principal), "name",
	  "without --key: a user the new certificate is for (repeatable)" },
	{ "not-after", 0, OPT_STRING, offsetof(T, not_after),
	  "time|duration", "without --key: when the new certificate "
	  "expires (default: the CA's, 16h)" },
	{ "token", 0, OPT_STRING, offsetof(T, token), "token",
	  "without --key: a token from 'pkit ca token --ssh'" },
	OPT_CA_PROVISIONER(T, tf),
	OPT_CA_KID(T, tf),
	OPT_CA_PROV_PASSWORD_FILE(T, tf),
	OPT_CA_URL(T, ca),
	OPT_CA_ROOT(T, ca),
	{ 0 }
};
#undef T

/* step ssh login <identity>: a new key (kept only in the agent) and a
 * user certificate for it from the CA. */
static int
login_from_ca(struct cmd_run *run, struct login_opts *o, const char *id,
    EVP_PKEY **key, struct pkit_sshcert **crt)
{
	struct pkit_keyspec spec = { "EC", "P-256", 0, 0 };
	struct pkit_sshca_sign_req sr;
	const char *defp[2];
	char *local = NULL, *desc = NULL, *url = NULL, vb[64] = "";
	int r;

	memset(&sr, 0, sizeof(sr));
	if (o->not_after != NULL && (r = pkit_ca_time_duration(run->ctx,
	    o->not_after, "--not-after", vb, sizeof(vb))) != 0)
		return pkit_seterr(run->ctx, PKIT_ERR_USAGE, "%s: %s",
		    run->path, run->ctx->errbuf);
	if (o->principal.n > 0) {
		sr.principals = o->principal.v;
		sr.nprincipals = o->principal.n;
	} else {
		if (ssh_ca_default_principals(id, 0, &local, defp,
		    &sr.nprincipals) != 0)
			return pkit_seterr(run->ctx, PKIT_ERR_NOMEM, "%s", id);
		sr.principals = defp;
	}
	sr.key_id = id;
	sr.valid_before = vb[0] != '\0' ? vb : NULL;
	if ((r = pkit_key_generate(run->ctx, &spec, key)) != 0)
		goto out;
	sr.key = *key;
	r = ssh_ca_sign(run, &o->ca, &o->tf, o->token, &sr, crt, NULL, &desc,
	    &url);
	if (r == 0 && desc != NULL)
		ca_check_line("Provisioner", desc);
	if (r == 0)
		ca_check_line("CA", url);
out:
	free(local);
	free(desc);
	free(url);
	return r;
}

static int
cmd_login(struct cmd_run *run, int argc, char **argv)
{
	struct login_opts o;
	struct pkit_sshagent *agent = NULL;
	struct pkit_sshcert *c = NULL;
	unsigned char *data = NULL;
	size_t len = 0;
	EVP_PKEY *key = NULL;
	char **args, *certpath = NULL, when[32];
	const char *identity;
	time_t now = pkit_now(run->ctx);
	uint64_t left;
	int nargs, r;

	memset(&o, 0, sizeof(o));
	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) !=
	    CMD_CONTINUE) {
		strvec_clear(&o.principal);
		return r;
	}
	if (o.key == NULL) {
		if (nargs == 0 || o.cert != NULL) {
			strvec_clear(&o.principal);
			return cmd_usage_error(run, "give --key (and its "
			    "certificate), or an <identity> to get a new "
			    "certificate from the CA");
		}
		if ((r = login_from_ca(run, &o, args[0], &key, &c)) != 0) {
			r = r == PKIT_ERR_USAGE ? cmd_usage_error(run, "%s",
			    run->ctx->errbuf) : cmd_fail(run, r);
			goto out;
		}
		goto add;
	}
	if (o.principal.n > 0 || o.token != NULL || o.not_after != NULL ||
	    o.tf.provisioner != NULL || o.tf.kid != NULL ||
	    o.tf.provisioner_password_file != NULL) {
		strvec_clear(&o.principal);
		return cmd_usage_error(run, "--principal, --not-after, --token "
		    "and --provisioner ask the CA: they do not go with --key");
	}
	if (o.cert == NULL && asprintf(&certpath, "%s-cert.pub", o.key) < 0)
		return cmd_error("%s: out of memory", run->path);
	if ((r = cmd_key_load_private(run, o.key, o.password_file, o.insecure,
	    &key)) != 0)
		goto fail;
	if ((r = pkit_file_read(run->ctx, o.cert != NULL ? o.cert : certpath,
	    CERT_FILE_MAX, &data, &len)) != 0 ||
	    (r = pkit_sshcert_parse(run->ctx, data, len, o.cert != NULL ?
	    o.cert : certpath, &c, NULL)) != 0)
		goto fail;
	if (!pkit_key_matches(c->key, key)) {
		r = pkit_seterr(run->ctx, PKIT_ERR_MISMATCH,
		    "%s: the certificate is not for the key in %s",
		    o.cert != NULL ? o.cert : certpath, o.key);
		goto fail;
	}
	if ((r = pkit_sshcert_check_time(run->ctx, c, now, o.cert != NULL ?
	    o.cert : certpath)) != 0)
		goto fail;
add:
	identity = nargs > 0 ? args[0] : c->key_id;
	left = c->valid_before == PKIT_SSHCERT_FOREVER ? 0 :
	    c->valid_before - (uint64_t)now;
	if (left > UINT32_MAX)
		left = UINT32_MAX;
	if ((r = agent_open(run, &agent)) != 0 ||
	    (r = pkit_sshagent_add(run->ctx, agent, key, c, identity,
	    (uint32_t)left)) != 0)
		goto fail;
	if (left > 0) {
		pkit_time_format((time_t)c->valid_before, when, sizeof(when));
		fprintf(stderr, "Added %s to the ssh-agent until %s.\n",
		    identity, when);
	} else {
		fprintf(stderr, "Added %s to the ssh-agent.\n", identity);
	}
	r = EXIT_OK;
	goto out;
fail:
	r = cmd_fail(run, r);
out:
	pkit_sshagent_close(agent);
	pkit_sshcert_free(c);
	EVP_PKEY_free(key);
	free(data);
	free(certpath);
	strvec_clear(&o.principal);
	return r;
}

const struct cmd cmd_ssh_login = {
	"login", cmd_login, NULL, "[<identity>]", 0, 1,
	"add a key and its SSH certificate to the ssh-agent",
	"Adds the private key --key and its certificate (--cert, by default "
	"the\n<key>-cert.pub that ssh itself looks for) to the ssh-agent at\n"
	"$SSH_AUTH_SOCK, under the comment <identity> (by default the "
	"certificate's\nkey id).  The agent is asked to forget them when the "
	"certificate expires,\nas step ssh login does.  The certificate must "
	"be for the key and valid\nnow.\n"
	"\n"
	"Without --key, as 'step ssh login <identity>': a new key pair is "
	"made\nin memory and the CA certifies it as a user certificate with "
	"key ID\n<identity> (principals: --principal, by default the local "
	"part of an\ne-mail <identity> and <identity>), authorized by --token "
	"or by a token\nminted with --provisioner; the key and the "
	"certificate go only to the\nagent.",
	"Add a key and its certificate, for as long as the certificate is "
	"valid:\n"
	"  $ pkit ssh login --key ~/.ssh/id_ecdsa\n"
	"The same, naming the certificate and the identity:\n"
	"  $ pkit ssh login --key id_ecdsa --cert id_ecdsa-cert.pub "
	"joe@example.com\n"
	"Get a new certificate from the CA straight into the agent:\n"
	"  $ pkit ssh login joe@example.com --provisioner admin "
	"--provisioner-password-file pw.txt\n",
	login_opts
};

/* ---- ssh logout -------------------------------------------------------- */

struct logout_opts {
	int all;
};

static const struct cmd_opt logout_opts[] = {
	{ "all", 0, OPT_BOOL, offsetof(struct logout_opts, all), NULL,
	  "remove plain keys too, or with no <identity> every key" },
	{ 0 }
};

static int
cmd_logout(struct cmd_run *run, int argc, char **argv)
{
	struct logout_opts o = { 0 };
	struct pkit_sshagent *agent = NULL;
	struct pkit_sshagent_id *ids = NULL;
	size_t n = 0, i;
	const char *subject;
	char **args;
	int nargs, r, found = 0;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	subject = nargs > 0 ? args[0] : NULL;
	if ((r = agent_open(run, &agent)) != 0)
		goto fail;
	if (o.all && subject == NULL) {
		if ((r = pkit_sshagent_remove_all(run->ctx, agent)) != 0)
			goto fail;
		printf("All identities removed.\n");
		r = EXIT_OK;
		goto out;
	}
	if ((r = pkit_sshagent_list(run->ctx, agent, &ids, &n)) != 0)
		goto fail;
	for (i = 0; i < n; i++) {
		if (subject != NULL && strcmp(ids[i].comment, subject) != 0)
			continue;
		if (!o.all && !pkit_sshcert_blob_is_cert(ids[i].blob,
		    ids[i].len))
			continue;
		if ((r = pkit_sshagent_remove(run->ctx, agent, ids[i].blob,
		    ids[i].len)) != 0)
			goto fail;
		found = 1;
	}
	printf("%s%s%s\n", !found ? "Identity not found" : o.all ?
	    "All identities removed" : "Identity removed",
	    subject != NULL ? ": " : ".", subject != NULL ? subject : "");
	r = EXIT_OK;
	goto out;
fail:
	r = cmd_fail(run, r);
out:
	pkit_sshagent_ids_free(ids, n);
	pkit_sshagent_close(agent);
	return r;
}

const struct cmd cmd_ssh_logout = {
	"logout", cmd_logout, NULL, "[<identity>]", 0, 1,
	"remove certificates and keys from the ssh-agent",
	"Removes from the ssh-agent at $SSH_AUTH_SOCK the certificates whose "
	"comment\nis <identity>, or every certificate when <identity> is not "
	"given.  With\n--all, plain keys with that comment go too, and with "
	"--all and no\n<identity> every key does.  Finding nothing to remove "
	"is not an error, as\nwith step.",
	"Remove the certificate added for joe@example.com:\n"
	"  $ pkit ssh logout joe@example.com\n"
	"Remove every key and certificate:\n"
	"  $ pkit ssh logout --all\n",
	logout_opts
};

/* ---- ssh list ---------------------------------------------------------- */

struct list_opts {
	int raw;
};

static const struct cmd_opt list_opts[] = {
	{ "raw", 0, OPT_BOOL, offsetof(struct list_opts, raw), NULL,
	  "print the keys and certificates rather than their fingerprints" },
	{ 0 }
};

static int
cmd_list(struct cmd_run *run, int argc, char **argv)
{
	struct list_opts o = { 0 };
	struct pkit_sshagent *agent = NULL;
	struct pkit_sshagent_id *ids = NULL;
	size_t n = 0, i;
	char **args, *line;
	int nargs, r;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	if ((r = agent_open(run, &agent)) != 0 ||
	    (r = pkit_sshagent_list(run->ctx, agent, &ids, &n)) != 0)
		goto fail;
	if (n == 0)
		printf("The agent has no identities.\n");
	for (i = 0; i < n; i++) {
		if (nargs > 0 && strcmp(ids[i].comment, args[0]) != 0)
			continue;
		if (o.raw)
			r = pkit_sshcert_blob_line(run->ctx, ids[i].blob,
			    ids[i].len, ids[i].comment, &line);
		else
			r = pkit_sshcert_fingerprint(run->ctx, ids[i].blob,
			    ids[i].len, ids[i].comment, PKIT_SSHFP_B64_RAW, 0,
			    &line);
		if (r != 0) {
			/* A key type pkit does not know: say so, go on. */
			cmd_warn("%s", run->ctx->errbuf);
			pkit_clearerr(run->ctx);
			continue;
		}
		printf("%s\n", line);
		free(line);
	}
	r = EXIT_OK;
	goto out;
fail:
	r = cmd_fail(run, r);
out:
	pkit_sshagent_ids_free(ids, n);
	pkit_sshagent_close(agent);
	return r;
}

const struct cmd cmd_ssh_list = {
	"list", cmd_list, NULL, "[<subject>]", 0, 1,
	"list the keys and certificates in the ssh-agent",
	"Lists what the ssh-agent at $SSH_AUTH_SOCK holds, one line each as "
	"ssh-add\n-l prints it (size, SHA256 fingerprint, comment, type), or "
	"with --raw as\nssh-add -L does.  With <subject>, only the entries "
	"whose comment it is.",
	"List the fingerprints of everything in the agent:\n"
	"  $ pkit ssh list\n"
	"Print the certificate added for joe@example.com:\n"
	"  $ pkit ssh list --raw joe@example.com\n",
	list_opts
};

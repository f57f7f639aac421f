/* ca_init.c - `pkit ca init`: make the PKI and the configuration of an
 * online certificate authority, as `step ca init` does. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/readline.h>

#include "cmd.h"
#include "lib/ca/pki.h"
#include "lib/fs.h"
#include "lib/key.h"
#include "lib/secret.h"
#include "lib/x509.h"
#include "lib/x509_build.h"

struct init_opts {
	const char *name, *address, *provisioner, *password_file;
	const char *prov_password_file, *key_password_file;
	const char *kty, *crv, *root, *key, *db;
	const char *context, *authority, *profile;
	struct strvec dns;
	long size;
	int pki, acme, ssh, force;
};

static const struct cmd_opt init_opts[] = {
	{ "name", 0, OPT_STRING, offsetof(struct init_opts, name), "name",
	  "the name of the PKI: \"<name> Root CA\", \"<name> Intermediate CA\"" },
	{ "dns", 0, OPT_LIST, offsetof(struct init_opts, dns), "name",
	  "a DNS name or IP address of the CA (repeat, or separate with commas)" },
	{ "address", 0, OPT_STRING, offsetof(struct init_opts, address),
	  "host:port", "the address the CA listens on (default :443)" },
	{ "provisioner", 0, OPT_STRING, offsetof(struct init_opts, provisioner),
	  "name", "the name of the first (JWK) provisioner (default admin)" },
	OPT_PASSWORD_FILE(struct init_opts),
	{ "provisioner-password-file", 0, OPT_STRING,
	  offsetof(struct init_opts, prov_password_file), "file",
	  "the provisioner key's password (default: the --password-file one)",
	  NULL, OPT_F_FILE },
	OPT_KTY(struct init_opts),
	OPT_CRV(struct init_opts),
	OPT_SIZE(struct init_opts),
	{ "root", 0, OPT_STRING, offsetof(struct init_opts, root), "file",
	  "an existing root certificate: make only the intermediate (with --key)",
	  NULL, OPT_F_FILE },
	{ "key", 0, OPT_STRING, offsetof(struct init_opts, key), "file",
	  "the private key of --root", NULL, OPT_F_FILE },
	{ "key-password-file", 0, OPT_STRING,
	  offsetof(struct init_opts, key_password_file), "file",
	  "the password of --key", NULL, OPT_F_FILE },
	{ "pki", 0, OPT_BOOL, offsetof(struct init_opts, pki), NULL,
	  "make the keys and certificates only, no configuration" },
	{ "db", 0, OPT_STRING, offsetof(struct init_opts, db), "path|url",
	  "the database: a SQLite file or a postgresql:// URL "
	  "(default $PKITPATH/db/pkit.db)" },
	{ "acme", 0, OPT_BOOL, offsetof(struct init_opts, acme), NULL,
	  "add an ACME provisioner named acme" },
	{ "ssh", 0, OPT_BOOL, offsetof(struct init_opts, ssh), NULL,
	  "also make SSH host and user CA keys and enable SSH certificates" },
	{ "context", 0, OPT_STRING, offsetof(struct init_opts, context),
	  "name", "make the CA in this new context, with its files under "
	  "$PKITPATH/authorities/<name>/, and select it" },
	{ "authority", 0, OPT_STRING, offsetof(struct init_opts, authority),
	  "name", "with --context: the directory name under authorities/ "
	  "(default: the context's name)" },
	{ "profile", 0, OPT_STRING, offsetof(struct init_opts, profile),
	  "name", "with --context: the profile's name (default: the "
	  "context's name)" },
	OPT_FORCE(struct init_opts),
	{ 0 }
};

/* Ask a question on the terminal with readline; an empty answer asks
 * again.  Without a terminal, fail naming the flag. */
static int
ask(struct cmd_run *run, const char *question, const char *example,
    const char *flag, char **out)
{
	FILE *tty;
	char prompt[512], *line = NULL, *p, *end;

	*out = NULL;
	if (!cmd_interactive(run))
		return pkit_seterr(run->ctx, PKIT_ERR_NO_TTY, "%s: %s is needed "
		    "and there is no terminal to ask on", run->path, flag);
	if ((tty = fopen("/dev/tty", "r+")) == NULL)
		return pkit_seterr_sys(run->ctx, "/dev/tty");
	rl_instream = tty;
	rl_outstream = tty;
	snprintf(prompt, sizeof(prompt), "%s (e.g. %s): ", question, example);
	for (;;) {
		free(line);
		if ((line = readline(prompt)) == NULL)
			break;
		for (p = line; *p == ' ' || *p == '\t'; p++)
			;
		end = p + strlen(p);
		while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (*p != '\0') {
			*out = strdup(p);
			break;
		}
	}
	free(line);
	rl_instream = NULL;
	rl_outstream = NULL;
	fclose(tty);
	if (*out == NULL)
		return pkit_seterr(run->ctx, PKIT_ERR_NO_TTY, "%s: no answer "
		    "for %s", run->path, flag);
	return PKIT_OK;
}

/* --dns values, each maybe a comma-separated list, checked. */
static int
dns_names(struct cmd_run *run, const char *const *in, size_t n,
    struct strvec *out, char ***owned, size_t *nowned)
{
	char *copy, *tok, *rest, **grown;
	size_t i;

	for (i = 0; i < n; i++) {
		if ((copy = strdup(in[i])) == NULL)
			return pkit_seterr_nomem(run->ctx);
		if ((grown = realloc(*owned, (*nowned + 1) * sizeof(char *))) ==
		    NULL) {
			free(copy);
			return pkit_seterr_nomem(run->ctx);
		}
		*owned = grown;
		(*owned)[(*nowned)++] = copy;
		for (rest = copy; (tok = strsep(&rest, ",")) != NULL;) {
			const char **v;

			while (*tok == ' ')
				tok++;
			tok[strcspn(tok, " ")] = '\0';
			if (*tok == '\0')
				continue;
			if (!pkit_san_is_name(tok) ||
			    pkit_san_detect(tok) == PKIT_SAN_EMAIL ||
			    pkit_san_detect(tok) == PKIT_SAN_URI)
				return pkit_seterr(run->ctx, PKIT_ERR_USAGE,
				    "%s: --dns: '%s' is not a DNS name or IP "
				    "address", run->path, tok);
			if ((v = realloc(out->v, (out->n + 1) *
			    sizeof(*v))) == NULL)
				return pkit_seterr_nomem(run->ctx);
			out->v = v;
			out->v[out->n++] = tok;
		}
	}
	if (out->n == 0)
		return pkit_seterr(run->ctx, PKIT_ERR_USAGE,
		    "%s: --dns: no DNS name or IP address given", run->path);
	return PKIT_OK;
}

/* "host:port" with a port (host may be empty or a bracketed IPv6). */
static int
check_address(const char *a)
{
	const char *c = strrchr(a, ':');
	char *end;
	long port;

	if (c == NULL || c[1] == '\0')
		return -1;
	port = strtol(c + 1, &end, 10);
	return *end != '\0' || port < 0 || port > 65535 ? -1 : 0;
}

static void
line(const char *what, const char *value)
{
	fprintf(stderr, "\xe2\x9c\x94 %s: %s\n", what, value);
}

static int
init(struct cmd_run *run, int argc, char **argv)
{
	struct init_opts o = { 0 };
	struct pkit_ca_pki_opts po;
	struct pkit_ca_pki_result res;
	struct strvec dns = { 0 };
	char **args, **owned = NULL, **files = NULL, *name = NULL;
	char *addr = NULL, *prov = NULL, *dnsline = NULL, *pw = NULL;
	char *ppw = NULL, base[4096];
	size_t nowned = 0, i;
	X509 *root = NULL;
	EVP_PKEY *rkey = NULL;
	int nargs, r, ret = EXIT_FAIL;

	memset(&po, 0, sizeof(po));
	memset(&res, 0, sizeof(res));
	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	if ((o.root == NULL) != (o.key == NULL)) {
		ret = cmd_usage_error(run, "--root and --key go together");
		goto done;
	}
	if ((o.authority != NULL || o.profile != NULL) && o.context == NULL) {
		ret = cmd_usage_error(run, "--authority and --profile need "
		    "--context");
		goto done;
	}
	if (o.address != NULL && check_address(o.address) != 0) {
		ret = cmd_usage_error(run, "--address: '%s' is not host:port",
		    o.address);
		goto done;
	}
	if (o.size < 0) {
		ret = cmd_usage_error(run, "--size cannot be negative");
		goto done;
	}
	po.spec.kty = o.kty;
	po.spec.crv = o.crv;
	po.spec.bits = o.size;
	if ((r = pkit_keyspec_resolve(run->ctx, &po.spec)) != 0) {
		ret = cmd_usage_error(run, "%s", run->ctx->errbuf);
		goto done;
	}
	/* A new context: the CA's files go to its own directory. */
	if (o.context != NULL && (r = cmd_context_use(run, o.context,
	    o.authority != NULL ? o.authority : o.context,
	    o.profile != NULL ? o.profile : o.context)) != 0)
		goto fail;
	if (run->g->base[0] == '/')
		snprintf(base, sizeof(base), "%s", run->g->base);
	else {
		char cwd[2048];

		if (getcwd(cwd, sizeof(cwd)) == NULL) {
			ret = cmd_error("current directory: cannot tell");
			goto done;
		}
		snprintf(base, sizeof(base), "%s/%s", cwd, run->g->base);
	}
	if (o.dns.n > 0 && (r = dns_names(run, o.dns.v, o.dns.n, &dns, &owned,
	    &nowned)) != 0) {
		ret = cmd_usage_error(run, "%s", run->ctx->errbuf +
		    strlen(run->path) + 2);
		goto done;
	}
	if (o.ssh && o.pki) {
		ret = cmd_usage_error(run, "--ssh needs the configuration: it "
		    "does not go with --pki");
		goto done;
	}
	/* Refuse an existing PKI before asking anything. */
	if ((r = pkit_ca_pki_files(run->ctx, base, o.pki, o.root != NULL,
	    &files)) != 0)
		goto fail;
	for (i = 0; files[i] != NULL && !pkit_file_exists(files[i]); i++)
		;
	if (files[i] != NULL && !o.force) {
		if ((r = cmd_may_overwrite(run, files[i], 0)) != 0)
			goto fail;
		o.force = 1;
	}
	/* What is missing is asked on a terminal (never without one). */
	if (o.name == NULL) {
		if ((r = ask(run, "What would you like to name your new PKI?",
		    "Smallstep", "--name", &name)) != 0)
			goto fail;
		o.name = name;
	}
	if (!o.pki && dns.n == 0) {
		if ((r = ask(run, "What DNS names or IP addresses would you like "
		    "to add to your new CA?", "ca.example.com[,10.1.1.1,etc.]",
		    "--dns", &dnsline)) != 0)
			goto fail;
		if ((r = dns_names(run, (const char *const *)&dnsline, 1, &dns,
		    &owned, &nowned)) != 0)
			goto fail;
	}
	if (!o.pki && o.address == NULL) {
		if (cmd_interactive(run)) {
			if ((r = ask(run, "What IP and port will your new CA bind "
			    "to?", ":443 or 127.0.0.1:443", "--address",
			    &addr)) != 0)
				goto fail;
			if (check_address(addr) != 0) {
				r = pkit_seterr(run->ctx, PKIT_ERR_USAGE,
				    "%s: '%s' is not host:port", run->path, addr);
				goto fail;
			}
			o.address = addr;
		} else
			o.address = ":443";
	}
	if (!o.pki && o.provisioner == NULL) {
		if (cmd_interactive(run)) {
			if ((r = ask(run, "What would you like to name the CA's "
			    "first provisioner?", "you@example.com",
			    "--provisioner", &prov)) != 0)
				goto fail;
			o.provisioner = prov;
		} else
			o.provisioner = "admin";
	}
	if (o.root != NULL &&
	    ((r = pkit_x509_load_cert(run->ctx, o.root, &root)) != 0 ||
	    (r = cmd_key_load_private(run, o.key, o.key_password_file, 0,
	    &rkey)) != 0))
		goto fail;
	if ((r = cmd_password(run, o.password_file, "Choose a password for "
	    "your CA keys and first provisioner: ", 1, "--password-file",
	    &pw)) != 0)
		goto fail;
	if (*pw == '\0') {
		r = pkit_seterr(run->ctx, PKIT_ERR_ARG, "%s: the password cannot "
		    "be empty", o.password_file != NULL ? o.password_file :
		    run->path);
		goto fail;
	}
	if (!o.pki && o.prov_password_file != NULL) {
		if ((r = cmd_password(run, o.prov_password_file, "",
		    0, "--provisioner-password-file", &ppw)) != 0)
			goto fail;
		if (*ppw == '\0') {
			r = pkit_seterr(run->ctx, PKIT_ERR_ARG, "%s: the password "
			    "cannot be empty", o.prov_password_file);
			goto fail;
		}
	}
	po.base = base;
	po.name = o.name;
	po.dns = dns.v;
	po.ndns = dns.n;
	po.address = o.address;
	po.provisioner = o.provisioner;
	po.password = pw;
	po.prov_password = ppw != NULL ? ppw : pw;
	po.root = root;
	po.root_key = rkey;
	po.db = o.db;
	po.pki_only = o.pki;
	po.acme = o.acme;
	po.ssh = o.ssh;
	po.force = o.force;
	if ((r = pkit_ca_pki_init(run->ctx, &po, &res)) != 0)
		goto fail;
	fputc('\n', stderr);
	if (root == NULL)
		fprintf(stderr, "Generating root certificate... done!\n");
	fprintf(stderr, "Generating intermediate certificate... done!\n\n");
	line("Root certificate", res.root_crt);
	if (res.root_key != NULL)
		line("Root private key", res.root_key);
	line("Root fingerprint", res.fingerprint);
	line("Intermediate certificate", res.int_crt);
	line("Intermediate private key", res.int_key);
	if (res.ssh_host_key != NULL) {
		line("SSH user public key", res.ssh_user_pub);
		line("SSH user private key", res.ssh_user_key);
		line("SSH host public key", res.ssh_host_pub);
		line("SSH host private key", res.ssh_host_key);
	}
	if (!o.pki) {
		if (res.db_dir != NULL)
			line("Database folder", res.db_dir);
		else
			line("Database", "postgresql");
		line("Default configuration", res.defaults);
		line("Certificate Authority configuration", res.config);
	}
	if (o.context != NULL) {
		if ((r = cmd_context_save(run)) != 0)
			goto fail;
		fprintf(stderr, "\nThe context '%s' has been selected.\n",
		    o.context);
	}
	fprintf(stderr, "\nYour PKI is ready to go. To generate certificates "
	    "for individual services see 'pkit help ca'.\n");
	ret = EXIT_OK;
	goto done;
fail:
	ret = cmd_fail(run, r);
done:
	pkit_ca_pki_result_release(&res);
	pkit_ca_pki_files_free(files);
	for (i = 0; i < nowned; i++)
		free(owned[i]);
	free(owned);
	free(dns.v);
	free(name);
	free(addr);
	free(prov);
	free(dnsline);
	pkit_secret_strfree(pw);
	pkit_secret_strfree(ppw);
	X509_free(root);
	EVP_PKEY_free(rkey);
	strvec_clear(&o.dns);
	return ret;
}

const struct cmd cmd_ca_init = {
	"init", init, NULL, NULL, 0, 0,
	"make the PKI and configuration of an online certificate authority",
	"Makes what `pkit ca serve` runs, in the layout of `step ca init`\n"
	"under $PKITPATH: a root CA (certs/root_ca.crt, secrets/root_ca_key)\n"
	"and an intermediate CA (certs/intermediate_ca.crt,\n"
	"secrets/intermediate_ca_key), valid for ten years, with keys\n"
	"encrypted with the --password-file password; config/ca.json with a\n"
	"JWK provisioner whose private key is kept in it encrypted with the\n"
	"provisioner password (\"encryptedKey\"); config/defaults.json for the\n"
	"client commands; and db/ for the SQLite database.\n"
	"\n"
	"With --ssh it also makes the SSH certificate authority as step does:\n"
	"host and user CA keys (EC P-256; secrets/ssh_host_ca_key and\n"
	"secrets/ssh_user_ca_key, encrypted like the CA keys, and their public\n"
	"keys in certs/ssh_host_ca_key.pub and certs/ssh_user_ca_key.pub),\n"
	"ca.json's \"ssh\" block naming them, enableSSHCA on the JWK\n"
	"provisioner and an SSHPOP provisioner \"sshpop\" (SSH renew, rekey\n"
	"and revoke with the certificate's own key).\n"
	"\n"
	"The keys are EC P-256 unless --kty, --crv or --size say otherwise;\n"
	"the provisioner key is always EC P-256 (ES256), as step makes it.\n"
	"With --root and --key an existing root signs a new intermediate and\n"
	"its key is not copied.  With --pki only the keys and certificates are\n"
	"made.  The root's SHA-256 fingerprint is printed: clients bootstrap\n"
	"their trust in the CA with it.\n"
	"\n"
	"On a terminal, what the flags do not give is asked for (the name,\n"
	"the DNS names, the address, the provisioner, the password).  Without\n"
	"one nothing is asked: --name, --dns and a password file are then\n"
	"needed, the address is :443 and the provisioner admin.  An existing\n"
	"PKI is not replaced without --force (or a yes at the prompt).\n"
	"\n"
	"With --context NAME the CA is made in a new context, as step's\n"
	"contexts: its files go to $PKITPATH/authorities/NAME/ instead (or\n"
	"authorities/A/ with --authority A), the context is recorded in\n"
	"$PKITPATH/contexts.json with its authority and its profile (NAME, or\n"
	"--profile P: $PKITPATH/profiles/P/) and made the current one, so\n"
	"that the client commands and 'pkit ca serve' use this CA until 'pkit\n"
	"context select' says otherwise.",
	"Make a CA for ca.example.com and localhost listening on port 9443:\n"
	"  $ pkit ca init --name Example --dns ca.example.com --dns localhost "
	"--address :9443 --password-file pw.txt\n"
	"Make a CA that also signs SSH user and host certificates:\n"
	"  $ pkit ca init --name Example --dns localhost --ssh "
	"--password-file pw.txt\n"
	"Make an intermediate under an existing root:\n"
	"  $ pkit ca init --name Example --dns ca.example.com --root root.crt "
	"--key root.key --password-file pw.txt\n"
	"Make a second CA in its own context:\n"
	"  $ pkit ca init --context lab --name Lab --dns localhost "
	"--password-file pw.txt\n"
	"The same, with the files under authorities/lab.example.com:\n"
	"  $ pkit ca init --context lab --authority lab.example.com "
	"--profile ops \\\n"
	"      --name Lab --dns localhost --password-file pw.txt\n",
	init_opts
};

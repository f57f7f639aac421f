/* ca_bootstrap.c - `pkit ca bootstrap`, `root`, `roots`, `federation` and
 * `health`: trusting a CA and reading its public endpoints
 * (src/lib/ca/client.c). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>

#include "ca_client.h"
#include "cmd.h"
#include "lib/ca/client.h"
#include "lib/fs.h"
#include "lib/x509.h"

/* Where the values of the flags come from when they are not given. */
#define ENV_HELP_FP \
	"--ca-url and --fingerprint, when not given, come from the " \
	"environment\n(PKIT_CA_URL, PKIT_FINGERPRINT), else from " \
	"$PKITPATH/config/defaults.json."
#define ENV_HELP_ROOT \
	"--ca-url and --root, when not given, come from the environment\n" \
	"(PKIT_CA_URL, PKIT_ROOT), else from $PKITPATH/config/defaults.json " \
	"as\n'pkit ca bootstrap' wrote it; the root last falls back to\n" \
	"$PKITPATH/certs/root_ca.crt."

struct bootstrap_opts {
	struct ca_flags ca;
	const char *authority, *profile;
	int install;
	int force;
	int federation;
};

static const struct cmd_opt bootstrap_opts[] = {
	OPT_CA_URL(struct bootstrap_opts, ca),
	{ "context", 0, OPT_STRING, offsetof(struct bootstrap_opts, ca.context),
	  "name", "make (or update) this context, with its files under "
	  "$PKITPATH/authorities/, and make it current" },
	{ "authority", 0, OPT_STRING, offsetof(struct bootstrap_opts,
	  authority), "name", "with --context: the directory name under "
	  "authorities/ (default: the context's name)" },
	{ "profile", 0, OPT_STRING, offsetof(struct bootstrap_opts, profile),
	  "name", "with --context: the profile's name (default: the "
	  "context's name)" },
	OPT_CA_FINGERPRINT(struct bootstrap_opts, ca),
	{ "install", 0, OPT_BOOL, offsetof(struct bootstrap_opts, install),
	  NULL, "also add the root to the system trust store, as 'pkit "
	  "certificate install' does" },
	{ "federation", 0, OPT_BOOL, offsetof(struct bootstrap_opts,
	  federation), NULL, "also save the CA's federation bundle in "
	  "certs/federation.crt" },
	OPT_FORCE(struct bootstrap_opts),
	{ 0 }
};

struct root_opts {
	struct ca_flags ca;
	int force;
};

static const struct cmd_opt root_opts[] = {
	OPT_CA_URL(struct root_opts, ca),
	OPT_CA_CONTEXT(struct root_opts, ca),
	OPT_CA_FINGERPRINT(struct root_opts, ca),
	OPT_FORCE(struct root_opts),
	{ 0 }
};

static const struct cmd_opt roots_opts[] = {
	OPT_CA_URL(struct root_opts, ca),
	OPT_CA_CONTEXT(struct root_opts, ca),
	OPT_CA_ROOT(struct root_opts, ca),
	OPT_FORCE(struct root_opts),
	{ 0 }
};

static const struct cmd_opt health_opts[] = {
	OPT_CA_URL(struct root_opts, ca),
	OPT_CA_CONTEXT(struct root_opts, ca),
	OPT_CA_ROOT(struct root_opts, ca),
	{ 0 }
};

static int cmd_bootstrap(struct cmd_run *, int, char **);
static int cmd_fetch_root(struct cmd_run *, int, char **);
static int cmd_roots(struct cmd_run *, int, char **);
static int cmd_health(struct cmd_run *, int, char **);

const struct cmd cmd_ca_bootstrap = {
	"bootstrap", cmd_bootstrap, NULL, NULL, 0, 0,
	"trust a CA: fetch its root by fingerprint, save the settings",
	"Downloads the root certificate of the CA at --ca-url and makes it "
	"the\ndefault for the other 'pkit ca' commands, exactly as 'step ca "
	"bootstrap'\ndoes, and safely:\n"
	"\n"
	"  1. GET /root/<fingerprint> without checking the TLS certificate,\n"
	"  2. compare the SHA-256 of the returned certificate with\n"
	"     --fingerprint, which is what makes the root trusted,\n"
	"  3. connect again, this time requiring the CA's TLS certificate to\n"
	"     chain to that root and to name the host of --ca-url.\n"
	"\n"
	"When every step passed, and only then, it writes the root to\n"
	"$PKITPATH/certs/root_ca.crt (mode 0600) and {\"ca-url\", "
	"\"fingerprint\",\n\"root\"} to $PKITPATH/config/defaults.json, the "
	"files and layout of step.\nAn existing file with other contents is "
	"replaced only with --force.\n"
	"\n"
	"Get the fingerprint on the CA host with 'pkit certificate "
	"fingerprint\nroot_ca.crt'; ':' and '-' between its digits are "
	"ignored.\n"
	"\n"
	"With --context NAME the files go to $PKITPATH/authorities/NAME/ "
	"instead,\nthe context is recorded in $PKITPATH/contexts.json and "
	"made current, as\nstep does: several CAs can be used side by side "
	"(see 'pkit context').\n"
	"\n"
	"--install then adds the root to the system trust store as 'pkit\n"
	"certificate install' does (as root; PKIT_CA_CERTIFICATES_DIR and\n"
	"PKIT_UPDATE_CA_CERTIFICATES change where and what is run), before "
	"any\nfile is saved.\n"
	"\n"
	"With --federation it also fetches the CA's federation bundle (GET\n"
	"/federation: its roots and the roots it federates with, over a\n"
	"connection that must chain to the root) and writes it to\n"
	"$PKITPATH/certs/federation.crt, a trust file for peers of any of "
	"those\nCAs (curl --cacert, openssl -CAfile).\n"
	"\n"
	ENV_HELP_FP,
	"Trust the CA at ca.example.com:9000:\n"
	"  $ pkit ca bootstrap --ca-url https://ca.example.com:9000 \\\n"
	"      --fingerprint 37637580abfdebb0f6c9da0c075e160f3b2ecc3a99c5c36c1095f43082aed770\n"
	"Trust it and the CAs it federates with:\n"
	"  $ pkit ca bootstrap --federation --ca-url https://ca.example.com:9000 \\\n"
	"      --fingerprint 37637580abfdebb0f6c9da0c075e160f3b2ecc3a99c5c36c1095f43082aed770\n"
	"Trust a second CA in its own context, and the system too:\n"
	"  $ pkit ca bootstrap --context staging --install \\\n"
	"      --ca-url https://ca.staging.example.com \\\n"
	"      --fingerprint 37637580abfdebb0f6c9da0c075e160f3b2ecc3a99c5c36c1095f43082aed770\n",
	bootstrap_opts };

const struct cmd cmd_ca_root = {
	"root", cmd_fetch_root, NULL, "[<root-file>]", 0, 1,
	"download the CA's root certificate and check its fingerprint",
	"Fetches the root certificate whose SHA-256 fingerprint is "
	"--fingerprint\nfrom the CA, checks that fingerprint, then checks that "
	"the CA's own TLS\ncertificate chains to it, as 'pkit ca bootstrap' "
	"does.  The root is\nwritten to <root-file> (mode 0600), or printed as "
	"PEM without one.\n"
	"\n"
	ENV_HELP_FP,
	"Save the root of the bootstrapped CA:\n"
	"  $ pkit ca root root_ca.crt\n"
	"Print the root of another CA:\n"
	"  $ pkit ca root --ca-url https://ca.example.com:9000 \\\n"
	"      --fingerprint 37637580abfdebb0f6c9da0c075e160f3b2ecc3a99c5c36c1095f43082aed770\n",
	root_opts };

const struct cmd cmd_ca_roots = {
	"roots", cmd_roots, NULL, "[<roots-file>]", 0, 1,
	"download all the root certificates of the CA",
	"Fetches the CA's roots (GET /roots) over a connection whose TLS\n"
	"certificate must chain to --root, and writes them as a PEM bundle "
	"to\n<roots-file> (mode 0600), or to the standard output without one.\n"
	"\n"
	ENV_HELP_ROOT,
	"Print the roots of the bootstrapped CA:\n"
	"  $ pkit ca roots\n"
	"Save them:\n"
	"  $ pkit ca roots --ca-url https://ca.example.com:9000 \\\n"
	"      --root root_ca.crt roots.pem\n",
	roots_opts };

const struct cmd cmd_ca_federation = {
	"federation", cmd_roots, NULL, "[<federation-file>]", 0, 1,
	"download the roots of the CA and of its federated CAs",
	"Fetches the CA's federation bundle (GET /federation): its own roots "
	"and\nthe federated ones, over a connection whose TLS certificate "
	"must chain\nto --root.  The PEM bundle goes to <federation-file> "
	"(mode 0600), or to\nthe standard output without one.\n"
	"\n"
	ENV_HELP_ROOT,
	"Save the federation bundle of the bootstrapped CA:\n"
	"  $ pkit ca federation federation.pem\n",
	roots_opts };

const struct cmd cmd_ca_health = {
	"health", cmd_health, NULL, NULL, 0, 0,
	"check that the CA is up: prints ok",
	"Asks the CA for its status (GET /health) over a connection whose "
	"TLS\ncertificate must chain to --root, and prints it: 'ok' for a "
	"healthy CA.\nThe exit status is 0 only for 'ok'.\n"
	"\n"
	ENV_HELP_ROOT,
	"Check the bootstrapped CA:\n"
	"  $ pkit ca health\n",
	health_opts };

/* May path be replaced by data?  Yes when it does not exist, holds data
 * already, or --force (or a yes at the prompt) says so. */
static int
may_replace(struct cmd_run *run, const char *path, const char *data,
    size_t len, int force)
{
	unsigned char *old = NULL;
	size_t olen;
	int same;

	if (force || !pkit_file_exists(path))
		return PKIT_OK;
	if (pkit_file_read(run->ctx, path, 1024 * 1024, &old, &olen) == 0) {
		same = olen == len && memcmp(old, data, len) == 0;
		free(old);
		if (same)
			return PKIT_OK;
	}
	pkit_clearerr(run->ctx);
	return cmd_may_overwrite(run, path, force);
}

static int bundle(struct cmd_run *, STACK_OF(X509) *, unsigned char **,
    size_t *);

/* GET /federation from url over TLS that must chain to root, as PEM. */
static int
federation_bundle(struct cmd_run *run, const char *url, X509 *root,
    unsigned char **out, size_t *len)
{
	struct pkit_ca_client *c = NULL;
	STACK_OF(X509) *sk = NULL;
	int r;

	if ((r = pkit_ca_client_new(run->ctx, url, &c)) == 0 &&
	    (r = pkit_ca_client_add_root(run->ctx, c, root)) == 0 &&
	    (r = pkit_ca_federation(run->ctx, c, &sk)) == 0)
		r = bundle(run, sk, out, len);
	sk_X509_pop_free(sk, X509_free);
	pkit_ca_client_free(c);
	return r;
}

static int
cmd_bootstrap(struct cmd_run *run, int argc, char **argv)
{
	struct bootstrap_opts o = { { 0 } };
	struct ca_config cfg = { 0 };
	X509 *root = NULL;
	unsigned char *pem = NULL, *fed = NULL;
	char *url = NULL, *defaults = NULL, fp[PKIT_CA_FP_LEN + 1];
	char root_path[4096], defaults_path[4096], dir[4096], fed_path[4096];
	const char *context = NULL;
	size_t pem_len = 0, defaults_len = 0, fed_len = 0;
	char **args;
	int nargs, r;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	if ((o.authority != NULL || o.profile != NULL) && o.ca.context == NULL)
		return cmd_usage_error(run, "--authority and --profile need "
		    "--context");
	if ((context = o.ca.context) != NULL) {
		/* A new context: its files go to its own directory. */
		o.ca.context = NULL;
		if ((r = cmd_context_use(run, context, o.authority != NULL ?
		    o.authority : context, o.profile != NULL ? o.profile :
		    context)) != 0)
			return cmd_fail(run, r);
	}
	if ((r = ca_config_resolve(run, &o.ca, CA_NEED_URL |
	    CA_NEED_FINGERPRINT, &cfg)) != CMD_CONTINUE)
		return r;
	if ((r = ca_path(run, PKIT_CA_ROOT_FILE, root_path,
	    sizeof(root_path))) != 0 ||
	    (r = ca_path(run, PKIT_CA_DEFAULTS_FILE, defaults_path,
	    sizeof(defaults_path))) != 0 ||
	    (r = pkit_ca_url_normalize(run->ctx, cfg.ca_url, &url)) != 0 ||
	    (r = pkit_ca_fingerprint_normalize(run->ctx, cfg.fingerprint,
	    fp)) != 0)
		goto fail;
	/* Nothing is written before the root is trusted. */
	if ((r = pkit_ca_bootstrap(run->ctx, url, fp, &root)) != 0 ||
	    (r = pkit_x509_encode(run->ctx, root, PKIT_KEY_PEM, &pem,
	    &pem_len)) != 0 ||
	    (r = pkit_ca_defaults_encode(run->ctx, url, fp, root_path,
	    &defaults, &defaults_len)) != 0)
		goto fail;
	if (o.federation && ((r = ca_path(run, PKIT_CA_FEDERATION_FILE,
	    fed_path, sizeof(fed_path))) != 0 ||
	    (r = federation_bundle(run, url, root, &fed, &fed_len)) != 0 ||
	    (r = may_replace(run, fed_path, (char *)fed, fed_len,
	    o.force)) != 0))
		goto fail;
	if ((r = may_replace(run, root_path, (char *)pem, pem_len,
	    o.force)) != 0 ||
	    (r = may_replace(run, defaults_path, defaults, defaults_len,
	    o.force)) != 0)
		goto fail;
	/* The store first: when it refuses (not root), nothing is saved. */
	if (o.install && (r = cmd_trust_install(run, root, root_path,
	    o.force)) != 0)
		goto fail;
	if ((r = ca_path(run, "certs", dir, sizeof(dir))) != 0 ||
	    (r = pkit_mkdirs(run->ctx, dir, 0700)) != 0 ||
	    (r = ca_path(run, "config", dir, sizeof(dir))) != 0 ||
	    (r = pkit_mkdirs(run->ctx, dir, 0700)) != 0 ||
	    (r = pkit_file_write(run->ctx, root_path, pem, pem_len,
	    PKIT_WRITE_PRIVATE | PKIT_WRITE_FORCE)) != 0)
		goto fail;
	fprintf(stderr, "The root certificate has been saved in %s.\n",
	    root_path);
	if ((r = pkit_file_write(run->ctx, defaults_path, defaults,
	    defaults_len, PKIT_WRITE_FORCE)) != 0)
		goto fail;
	fprintf(stderr, "The authority configuration has been saved in %s.\n",
	    defaults_path);
	if (o.federation) {
		if ((r = pkit_file_write(run->ctx, fed_path, fed, fed_len,
		    PKIT_WRITE_FORCE)) != 0)
			goto fail;
		fprintf(stderr, "The federation bundle has been saved in %s.\n",
		    fed_path);
	}
	if (context != NULL) {
		if ((r = cmd_context_save(run)) != 0)
			goto fail;
		fprintf(stderr, "The context '%s' has been selected.\n",
		    context);
	}
	r = EXIT_OK;
	goto out;
fail:
	r = cmd_fail(run, r);
out:
	X509_free(root);
	free(pem);
	free(fed);
	free(url);
	free(defaults);
	ca_config_release(&cfg);
	return r;
}

static int
cmd_fetch_root(struct cmd_run *run, int argc, char **argv)
{
	struct root_opts o = { { 0 } };
	struct ca_config cfg = { 0 };
	X509 *root = NULL;
	unsigned char *pem = NULL;
	size_t pem_len = 0;
	char **args;
	int nargs, r;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	if ((r = ca_config_resolve(run, &o.ca, CA_NEED_URL |
	    CA_NEED_FINGERPRINT, &cfg)) != CMD_CONTINUE)
		return r;
	if ((r = pkit_ca_bootstrap(run->ctx, cfg.ca_url, cfg.fingerprint,
	    &root)) != 0 ||
	    (r = pkit_x509_encode(run->ctx, root, PKIT_KEY_PEM, &pem,
	    &pem_len)) != 0 ||
	    (r = ca_save(run, nargs > 0 ? args[0] : NULL, pem, pem_len,
	    o.force, "root certificate")) != 0)
		r = cmd_fail(run, r);
	else
		r = EXIT_OK;
	X509_free(root);
	free(pem);
	ca_config_release(&cfg);
	return r;
}

/* The certificates of sk as one PEM bundle. */
static int
bundle(struct cmd_run *run, STACK_OF(X509) *sk, unsigned char **out,
    size_t *len)
{
	unsigned char *all = NULL, *pem = NULL, *t;
	size_t n = 0, plen;
	int i, r;

	*out = NULL;
	*len = 0;
	for (i = 0; i < sk_X509_num(sk); i++) {
		if ((r = pkit_x509_encode(run->ctx, sk_X509_value(sk, i),
		    PKIT_KEY_PEM, &pem, &plen)) != 0)
			goto fail;
		if ((t = realloc(all, n + plen + 1)) == NULL) {
			r = pkit_seterr(run->ctx, PKIT_ERR_NOMEM, "PEM bundle");
			goto fail;
		}
		all = t;
		memcpy(all + n, pem, plen);
		n += plen;
		free(pem);
		pem = NULL;
	}
	*out = all;
	*len = n;
	return PKIT_OK;
fail:
	free(pem);
	free(all);
	return r;
}

static int
cmd_roots(struct cmd_run *run, int argc, char **argv)
{
	struct root_opts o = { { 0 } };
	struct ca_config cfg = { 0 };
	struct pkit_ca_client *c = NULL;
	STACK_OF(X509) *sk = NULL;
	unsigned char *pem = NULL;
	size_t pem_len = 0;
	int federation = run->cmd == &cmd_ca_federation;
	char **args;
	int nargs, r;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	if ((r = ca_config_resolve(run, &o.ca, CA_NEED_URL | CA_NEED_ROOT,
	    &cfg)) != CMD_CONTINUE)
		return r;
	if ((r = ca_client_open(run, &cfg, &c)) != 0 ||
	    (r = federation ? pkit_ca_federation(run->ctx, c, &sk) :
	    pkit_ca_roots(run->ctx, c, &sk)) != 0 ||
	    (r = bundle(run, sk, &pem, &pem_len)) != 0 ||
	    (r = ca_save(run, nargs > 0 ? args[0] : NULL, pem, pem_len,
	    o.force, federation ? "federation certificate bundle" :
	    "root certificate bundle")) != 0)
		r = cmd_fail(run, r);
	else
		r = EXIT_OK;
	free(pem);
	sk_X509_pop_free(sk, X509_free);
	pkit_ca_client_free(c);
	ca_config_release(&cfg);
	return r;
}

static int
cmd_health(struct cmd_run *run, int argc, char **argv)
{
	struct root_opts o = { { 0 } };
	struct ca_config cfg = { 0 };
	struct pkit_ca_client *c = NULL;
	char *status = NULL;
	char **args;
	int nargs, r;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	if ((r = ca_config_resolve(run, &o.ca, CA_NEED_URL | CA_NEED_ROOT,
	    &cfg)) != CMD_CONTINUE)
		return r;
	if ((r = ca_client_open(run, &cfg, &c)) != 0 ||
	    (r = pkit_ca_health(run->ctx, c, &status)) != 0)
		r = cmd_fail(run, r);
	else {
		printf("%s\n", status);
		r = strcmp(status, "ok") == 0 ? EXIT_OK : EXIT_FAIL;
	}
	free(status);
	pkit_ca_client_free(c);
	ca_config_release(&cfg);
	return r;
}

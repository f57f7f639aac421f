/* ca_provisioner.c - the `pkit ca provisioner` group: `list` (from a
 * running CA), and `add`, `update`, `remove` (editing ca.json,
 * src/lib/ca/provisioners.c). */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ca_client.h"
#include "cmd.h"
#include "lib/ca/client.h"
#include "lib/ca/provisioners.h"
#include "lib/fs.h"
#include "lib/secret.h"
#include "lib/timeutil.h"

struct list_opts {
	struct ca_flags ca;
};

static const struct cmd_opt list_opts[] = {
	OPT_CA_URL(struct list_opts, ca),
	OPT_CA_ROOT(struct list_opts, ca),
	{ 0 }
};

static int cmd_list(struct cmd_run *, int, char **);

static const struct cmd cmd_ca_provisioner_list = {
	"list", cmd_list, NULL, NULL, 0, 0,
	"list the provisioners of the CA as JSON",
	"Fetches every provisioner of the CA (GET /provisioners, page after "
	"page)\nover a connection whose TLS certificate must chain to --root, "
	"and prints\nthem as one JSON array indented as step prints it.  "
	"Provisioners hold\npublic data only: a JWK provisioner's private key "
	"is encrypted\n(\"encryptedKey\").\n"
	"\n"
	"--ca-url and --root not given come from PKIT_CA_URL and PKIT_ROOT, "
	"else\nfrom $PKITPATH/config/defaults.json; the root last falls back "
	"to\n$PKITPATH/certs/root_ca.crt.",
	"List the provisioners of the bootstrapped CA:\n"
	"  $ pkit ca provisioner list\n"
	"Only their names:\n"
	"  $ pkit ca provisioner list | jq -r '.[].name'\n",
	list_opts };

/* ---- add, update, remove: editing ca.json ---------------------------- */

/* Largest key or roots file. */
#define INPUT_MAX (1024 * 1024)

struct edit_opts {
	const char *type, *ca_config, *name;
	const char *public_key, *private_key, *password_file, *x5c_root;
	int create;
	struct strvec challenge, domain, admin;
	int force_cn, require_eab;
	const char *client_id, *client_secret, *configuration_endpoint;
	const char *dur[9];
	int ssh, disable_renewal, allow_renewal_after_expiry;
	int disable_smallstep_extensions;
};

/* The claim flags in the order of edit_opts.dur, with their spec field. */
static const struct {
	const char *flag;
	size_t off;
} dur_flags[] = {
	{ "--x509-min-dur", offsetof(struct pkit_ca_claims, min_tls) },
	{ "--x509-max-dur", offsetof(struct pkit_ca_claims, max_tls) },
	{ "--x509-default-dur", offsetof(struct pkit_ca_claims, default_tls) },
	{ "--ssh-user-min-dur", offsetof(struct pkit_ca_claims, min_user_ssh) },
	{ "--ssh-user-max-dur", offsetof(struct pkit_ca_claims, max_user_ssh) },
	{ "--ssh-user-default-dur",
	  offsetof(struct pkit_ca_claims, default_user_ssh) },
	{ "--ssh-host-min-dur", offsetof(struct pkit_ca_claims, min_host_ssh) },
	{ "--ssh-host-max-dur", offsetof(struct pkit_ca_claims, max_host_ssh) },
	{ "--ssh-host-default-dur",
	  offsetof(struct pkit_ca_claims, default_host_ssh) },
};

#define E struct edit_opts
#define DUR_OPT(i, name, what) \
	{ name, 0, OPT_STRING, offsetof(E, dur[i]), "duration", what }
#define TRI_OPT(name, field, what) \
	{ name, 0, OPT_BOOL, offsetof(E, field), NULL, what, NULL, \
	  OPT_F_BOOLVAL }
#define EDIT_OPTS \
	{ "public-key", 0, OPT_STRING, offsetof(E, public_key), "file", \
	  "JWK: the provisioner's public key (a JWK or PEM); no " \
	  "encryptedKey is kept", NULL, OPT_F_FILE }, \
	{ "private-key", 0, OPT_STRING, offsetof(E, private_key), "file", \
	  "JWK: the provisioner's private key, escrowed in ca.json " \
	  "encrypted with the password", NULL, OPT_F_FILE }, \
	OPT_PASSWORD_FILE(E), \
	{ "x5c-root", 0, OPT_STRING, offsetof(E, x5c_root), "file", \
	  "X5C: the PEM roots that the tokens' certificates must chain to", \
	  NULL, OPT_F_FILE, "x5c-roots" }, \
	{ "challenge", 0, OPT_LIST, offsetof(E, challenge), "type", \
	  "ACME: a challenge type it offers (repeatable; default all): " \
	  "http-01, dns-01, tls-alpn-01, device-attest-01" }, \
	TRI_OPT("force-cn", force_cn, "ACME: put the first name in the " \
	  "subject common name (=false to clear)"), \
	TRI_OPT("require-eab", require_eab, "ACME: accounts need external " \
	  "account binding (=false to clear)"), \
	{ "client-id", 0, OPT_STRING, offsetof(E, client_id), "id", \
	  "OIDC: the client ID of the identity provider" }, \
	{ "client-secret", 0, OPT_STRING, offsetof(E, client_secret), \
	  "secret", "OIDC: the client secret (public for native clients)" }, \
	{ "configuration-endpoint", 0, OPT_STRING, \
	  offsetof(E, configuration_endpoint), "url", "OIDC: the " \
	  "provider's .well-known/openid-configuration URL" }, \
	{ "domain", 0, OPT_LIST, offsetof(E, domain), "domain", \
	  "OIDC: an email domain allowed (repeatable)" }, \
	{ "admin", 0, OPT_LIST, offsetof(E, admin), "email", \
	  "OIDC: an administrator's email (repeatable)" }, \
	DUR_OPT(0, "x509-min-dur", "the shortest X.509 certificate " \
	  "(minTLSCertDuration)"), \
	DUR_OPT(1, "x509-max-dur", "the longest X.509 certificate " \
	  "(maxTLSCertDuration)"), \
	DUR_OPT(2, "x509-default-dur", "the X.509 certificate lifetime when " \
	  "none is asked for"), \
	DUR_OPT(3, "ssh-user-min-dur", "the shortest SSH user certificate"), \
	DUR_OPT(4, "ssh-user-max-dur", "the longest SSH user certificate"), \
	DUR_OPT(5, "ssh-user-default-dur", "the default SSH user " \
	  "certificate lifetime"), \
	DUR_OPT(6, "ssh-host-min-dur", "the shortest SSH host certificate"), \
	DUR_OPT(7, "ssh-host-max-dur", "the longest SSH host certificate"), \
	DUR_OPT(8, "ssh-host-default-dur", "the default SSH host " \
	  "certificate lifetime"), \
	TRI_OPT("ssh", ssh, "allow SSH certificates (enableSSHCA; =false " \
	  "to clear)"), \
	TRI_OPT("disable-renewal", disable_renewal, "refuse renewals of " \
	  "its certificates (=false to allow them again)"), \
	TRI_OPT("allow-renewal-after-expiry", allow_renewal_after_expiry, \
	  "renew its expired certificates (=false to refuse)"), \
	TRI_OPT("disable-smallstep-extensions", \
	  disable_smallstep_extensions, "leave out step's provisioner " \
	  "extension (=false to put it back)"), \
	{ "ca-config", 0, OPT_STRING, offsetof(E, ca_config), "file", \
	  "the ca.json to edit (default $PKITPATH/config/ca.json)", NULL, \
	  OPT_F_FILE }

static const struct cmd_opt add_opts[] = {
	{ "type", 0, OPT_STRING, offsetof(E, type), "type",
	  "the provisioner type (default JWK)", "JWK X5C ACME OIDC SSHPOP",
	  OPT_F_CHOICE },
	{ "create", 0, OPT_BOOL, offsetof(E, create), NULL,
	  "JWK: generate the key pair (the default without --public-key or "
	  "--private-key)" },
	EDIT_OPTS,
	{ 0 }
};

static const struct cmd_opt update_opts[] = {
	{ "name", 0, OPT_STRING, offsetof(E, name), "name",
	  "rename the provisioner" },
	{ "create", 0, OPT_BOOL, offsetof(E, create), NULL,
	  "JWK: replace the key with a new key pair" },
	EDIT_OPTS,
	{ 0 }
};

static const struct cmd_opt remove_opts[] = {
	{ "ca-config", 0, OPT_STRING, offsetof(E, ca_config), "file",
	  "the ca.json to edit (default $PKITPATH/config/ca.json)", NULL,
	  OPT_F_FILE },
	{ 0 }
};
#undef DUR_OPT
#undef TRI_OPT
#undef EDIT_OPTS
#undef E

#define EDIT_HELP \
	"ca.json is $PKITPATH/config/ca.json or --ca-config.  It is checked " \
	"as\n'pkit ca serve' checks it before and after the change, only " \
	"the\nprovisioner changes (other keys, known to pkit or not, are " \
	"kept), and\nthe file is replaced atomically.  A running 'pkit ca " \
	"serve' takes the\nchange when it gets SIGHUP (or on its next " \
	"start).\n" \
	"\n" \
	"Claims (--x509-*-dur, --ssh-*-dur as Go durations such as 5m or " \
	"720h;\n--disable-renewal, --allow-renewal-after-expiry, --ssh) are " \
	"the\nprovisioner's own: unset ones come from authority.claims, then " \
	"from\nstep's defaults, and must keep min <= default <= max.  A flag " \
	"such as\n--disable-renewal=false clears it."

static int cmd_add(struct cmd_run *, int, char **);
static int cmd_update(struct cmd_run *, int, char **);
static int cmd_remove(struct cmd_run *, int, char **);

static const struct cmd cmd_ca_provisioner_add = {
	"add", cmd_add, NULL, "<name>", 1, 1,
	"add a provisioner to the CA's ca.json",
	"Adds the provisioner <name> to authority.provisioners of ca.json, "
	"as\n'step ca provisioner add' does for a standalone CA.  A name "
	"already used\nis refused.\n"
	"\n"
	"By --type:\n"
	"  JWK     one-time tokens signed with a key: a new EC P-256 key "
	"whose\n          private half is escrowed encrypted in "
	"\"encryptedKey\" (password\n          from --password-file or a "
	"prompt), or --private-key (escrowed\n          the same way), or "
	"--public-key (nothing escrowed)\n"
	"  X5C     tokens signed with the key of a certificate that chains "
	"to\n          --x5c-root (a device's birth certificate)\n"
	"  ACME    RFC 8555: --challenge, --force-cn, --require-eab\n"
	"  OIDC    ID tokens: --client-id, --client-secret,\n"
	"          --configuration-endpoint, --domain, --admin\n"
	"  SSHPOP  SSH certificate renewal and revocation with the "
	"certificate's\n          key\n"
	"\n" EDIT_HELP,
	"A JWK provisioner with a new key (its password from a file):\n"
	"  $ pkit ca provisioner add ops --password-file pw.txt\n"
	"Devices with a birth certificate from the factory's root:\n"
	"  $ pkit ca provisioner add factory --type X5C --x5c-root "
	"factory.crt\n"
	"ACME with DNS challenges only, renewable after expiry:\n"
	"  $ pkit ca provisioner add acme --type ACME --challenge dns-01 "
	"\\\n      --allow-renewal-after-expiry\n"
	"Then make a running CA read it:\n"
	"  $ kill -HUP $(pidof pkit)\n",
	add_opts };

static const struct cmd cmd_ca_provisioner_update = {
	"update", cmd_update, NULL, "<name>", 1, 1,
	"change a provisioner of the CA's ca.json",
	"Changes the provisioner <name> of ca.json: the flags given are "
	"set, the\nothers left as they are.  Flags of another type than "
	"the provisioner's\nare refused.  --name renames it (certificates "
	"already issued name the\nold provisioner and cannot be renewed "
	"through it).\n"
	"\n" EDIT_HELP,
	"Let the certificates of provisioner acme be renewed after they "
	"expire:\n"
	"  $ pkit ca provisioner update acme --allow-renewal-after-expiry\n"
	"Certificates of one to twelve hours, eight by default:\n"
	"  $ pkit ca provisioner update ops --x509-min-dur 1h "
	"--x509-max-dur 12h \\\n      --x509-default-dur 8h\n",
	update_opts };

static const struct cmd cmd_ca_provisioner_remove = {
	"remove", cmd_remove, NULL, "<name>", 1, 1,
	"remove a provisioner from the CA's ca.json",
	"Removes the provisioner <name> from authority.provisioners of "
	"ca.json.\nTokens it signed are refused once the CA has reloaded; "
	"its\ncertificates stay valid but cannot be renewed.\n"
	"\n"
	"ca.json is $PKITPATH/config/ca.json or --ca-config; it is "
	"checked before\nand after the change and replaced atomically.  A "
	"running 'pkit ca\nserve' takes the change when it gets SIGHUP.",
	"Remove the provisioner ops:\n"
	"  $ pkit ca provisioner remove ops\n",
	remove_opts };

/* Tri-state flags start unset. */
static void
edit_init(struct edit_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->force_cn = o->require_eab = o->ssh = o->disable_renewal = -1;
	o->allow_renewal_after_expiry = o->disable_smallstep_extensions = -1;
}

static void
edit_release(struct edit_opts *o)
{
	strvec_clear(&o->challenge);
	strvec_clear(&o->domain);
	strvec_clear(&o->admin);
}

/* The ca.json to edit (a buffer of PATH_MAX-ish size). */
static const char *
config_path(struct cmd_run *run, const struct edit_opts *o, char *buf,
    size_t size)
{
	if (o->ca_config != NULL)
		return o->ca_config;
	snprintf(buf, size, "%s/config/ca.json", run->g->base);
	return buf;
}

/* Fill s from the flags; files are read into *pub, *priv, *roots. */
static int
edit_spec(struct cmd_run *run, const struct edit_opts *o,
    struct pkit_ca_prov_spec *s, unsigned char **pub, size_t *publen,
    unsigned char **priv, size_t *privlen, unsigned char **roots,
    size_t *rootslen)
{
	size_t i;
	int r;

	if (o->public_key != NULL && o->private_key != NULL)
		return cmd_usage_error(run, "--public-key and --private-key "
		    "do not go together");
	if (o->create && (o->public_key != NULL || o->private_key != NULL))
		return cmd_usage_error(run, "--create does not go with "
		    "--public-key or --private-key");
	for (i = 0; i < sizeof(o->dur) / sizeof(o->dur[0]); i++) {
		int64_t ns;

		if (o->dur[i] == NULL)
			continue;
		if ((r = pkit_duration_parse(run->ctx, o->dur[i], dur_flags[i].flag,
		    &ns)) != 0)
			return cmd_usage_error(run, "%s", run->ctx->errbuf);
		if (ns <= 0)
			return cmd_usage_error(run, "%s: the duration must be "
			    "positive", dur_flags[i].flag);
		*(int64_t *)((char *)&s->claims + dur_flags[i].off) = ns;
	}
	s->claims.enable_ssh_ca = o->ssh;
	s->claims.disable_renewal = o->disable_renewal;
	s->claims.allow_renewal_after_expiry = o->allow_renewal_after_expiry;
	s->claims.disable_smallstep_extensions = o->disable_smallstep_extensions;
	s->create = o->create;
	s->challenges = (const char *const *)o->challenge.v;
	s->nchallenges = o->challenge.n;
	s->force_cn = o->force_cn;
	s->require_eab = o->require_eab;
	s->client_id = o->client_id;
	s->client_secret = o->client_secret;
	s->configuration_endpoint = o->configuration_endpoint;
	s->domains = (const char *const *)o->domain.v;
	s->ndomains = o->domain.n;
	s->admins = (const char *const *)o->admin.v;
	s->nadmins = o->admin.n;
	if (o->public_key != NULL) {
		if ((r = pkit_file_read(run->ctx, o->public_key, INPUT_MAX, pub,
		    publen)) != 0)
			return cmd_fail(run, r);
		s->public_key = *pub;
		s->public_key_len = *publen;
	}
	if (o->private_key != NULL) {
		if ((r = pkit_file_read(run->ctx, o->private_key, INPUT_MAX,
		    priv, privlen)) != 0)
			return cmd_fail(run, r);
		s->private_key = *priv;
		s->private_key_len = *privlen;
	}
	if (o->x5c_root != NULL) {
		if ((r = pkit_file_read(run->ctx, o->x5c_root, INPUT_MAX, roots,
		    rootslen)) != 0)
			return cmd_fail(run, r);
		s->x5c_roots = *roots;
		s->x5c_roots_len = *rootslen;
	}
	return CMD_CONTINUE;
}

/* add and update. */
static int
edit_main(struct cmd_run *run, int argc, char **argv, int add)
{
	struct edit_opts o;
	struct pkit_ca_prov_spec s;
	unsigned char *pub = NULL, *priv = NULL, *roots = NULL;
	size_t publen = 0, privlen = 0, rootslen = 0;
	char buf[4096], prompt[512], *pw = NULL, *kid = NULL, **args;
	const char *path, *type;
	int nargs, r, jwk, needs_pw;

	edit_init(&o);
	pkit_ca_prov_spec_init(&s);
	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		goto out;
	type = o.type != NULL ? o.type : "JWK";
	if ((r = edit_spec(run, &o, &s, &pub, &publen, &priv, &privlen, &roots,
	    &rootslen)) != CMD_CONTINUE)
		goto out;
	path = config_path(run, &o, buf, sizeof(buf));
	jwk = !add || strcmp(type, "JWK") == 0;
	needs_pw = jwk && (o.private_key != NULL || (add ? o.public_key ==
	    NULL : o.create));
	if (needs_pw || (o.private_key != NULL && o.password_file != NULL)) {
		snprintf(prompt, sizeof(prompt), "Please enter the password to "
		    "encrypt the key of provisioner %s: ", args[0]);
		if ((r = cmd_password(run, o.password_file, prompt,
		    o.password_file == NULL, "--password-file", &pw)) != 0) {
			r = cmd_fail(run, r);
			goto out;
		}
		s.password = pw;
		s.key_password = pw;
	}
	s.type = type;
	if (add) {
		s.name = args[0];
		r = pkit_ca_provisioner_add(run->ctx, path, &s, &kid);
	} else {
		s.name = o.name;
		r = pkit_ca_provisioner_update(run->ctx, path, args[0], &s, &kid);
	}
	if (r != 0) {
		r = cmd_fail(run, r);
		goto out;
	}
	ca_check_line(add ? "Added provisioner" : "Updated provisioner",
	    o.name != NULL ? o.name : args[0]);
	if (kid != NULL)
		ca_check_line("Key ID", kid);
	r = EXIT_OK;
out:
	pkit_secret_strfree(pw);
	if (priv != NULL)
		pkit_secret_free(priv, privlen);
	free(pub);
	free(roots);
	free(kid);
	edit_release(&o);
	return r;
}

static int
cmd_add(struct cmd_run *run, int argc, char **argv)
{
	return edit_main(run, argc, argv, 1);
}

static int
cmd_update(struct cmd_run *run, int argc, char **argv)
{
	return edit_main(run, argc, argv, 0);
}

static int
cmd_remove(struct cmd_run *run, int argc, char **argv)
{
	struct edit_opts o;
	char buf[4096], **args;
	int nargs, r;

	edit_init(&o);
	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	if ((r = pkit_ca_provisioner_remove(run->ctx, config_path(run, &o, buf,
	    sizeof(buf)), args[0])) != 0)
		return cmd_fail(run, r);
	ca_check_line("Removed provisioner", args[0]);
	return EXIT_OK;
}

static const struct cmd *const provisioner_sub[] = {
	&cmd_ca_provisioner_list,
	&cmd_ca_provisioner_add,
	&cmd_ca_provisioner_update,
	&cmd_ca_provisioner_remove,
	NULL
};

const struct cmd cmd_ca_provisioner = {
	"provisioner", NULL, provisioner_sub, NULL, 0, 0,
	"list and edit the provisioners of a CA",
	"The provisioners of a CA are the ways it accepts to issue "
	"certificates:\nJWK (one-time tokens signed by a password-protected "
	"key), ACME, X5C,\nOIDC ...  list reads them from a running CA; add, "
	"update and remove\nedit the CA's ca.json.",
	"List the provisioners:\n"
	"  $ pkit ca provisioner list\n"
	"Add one to ca.json:\n"
	"  $ pkit ca provisioner add factory --type X5C --x5c-root "
	"factory.crt\n" };

static int
cmd_list(struct cmd_run *run, int argc, char **argv)
{
	struct list_opts o = { { 0 } };
	struct ca_config cfg = { 0 };
	struct pkit_ca_client *c = NULL;
	json_t *list = NULL;
	char *text = NULL;
	char **args;
	int nargs, r;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	if ((r = ca_config_resolve(run, &o.ca, CA_NEED_URL | CA_NEED_ROOT,
	    &cfg)) != CMD_CONTINUE)
		return r;
	if ((r = ca_client_open(run, &cfg, &c)) != 0 ||
	    (r = pkit_ca_provisioners(run->ctx, c, &list)) != 0)
		r = cmd_fail(run, r);
	else if ((text = json_dumps(list, JSON_INDENT(3) |
	    JSON_PRESERVE_ORDER)) == NULL)
		r = cmd_fail(run, pkit_seterr(run->ctx, PKIT_ERR_NOMEM,
		    "provisioner list"));
	else {
		printf("%s\n", text);
		r = EXIT_OK;
	}
	free(text);
	json_decref(list);
	pkit_ca_client_free(c);
	ca_config_release(&cfg);
	return r;
}

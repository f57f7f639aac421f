/* ca_token.c - `pkit ca token`, and minting tokens for the other verbs that
 * need one (ca certificate, ca sign, ca revoke): choose the provisioner,
 * get its key, sign (src/lib/ca/token.c). */
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
#include "lib/jwk.h"
#include "lib/key.h"
#include "lib/secret.h"
#include "lib/timeutil.h"
#include "lib/x509.h"

/* Largest --key file. */
#define KEYFILE_MAX (1024 * 1024)

void
ca_check_line(const char *label, const char *value)
{
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "\033[32m\xe2\x9c\x94\033[0m \033[1m%s:\033[0m "
		    "%s\n", label, value);
	else
		fprintf(stderr, "\xe2\x9c\x94 %s: %s\n", label, value);
}

int
ca_root_fingerprint(struct cmd_run *run, const char *root, char **out)
{
	char fp[PKIT_CA_FP_LEN + 1];
	X509 *crt = NULL;
	int r;

	*out = NULL;
	if ((r = pkit_x509_load_cert(run->ctx, root, &crt)) != 0)
		return r;
	r = pkit_ca_fingerprint(run->ctx, crt, fp);
	X509_free(crt);
	if (r != 0)
		return r;
	if ((*out = strdup(fp)) == NULL)
		return pkit_seterr(run->ctx, PKIT_ERR_NOMEM, "fingerprint");
	return PKIT_OK;
}

/* "name (JWK) [kid: ...]" for prov. */
static char *
describe(const json_t *prov)
{
	const char *name = pkit_token_provisioner_name(prov);
	const char *kid = pkit_token_provisioner_kid(prov);
	size_t n = strlen(name) + strlen(kid) + 32;
	char *s;

	if ((s = malloc(n)) != NULL)
		snprintf(s, n, "%s (JWK) [kid: %s]", name, kid);
	return s;
}

/* Choose the provisioner: the only candidate, or one picked on the
 * terminal.  *out is borrowed from cands. */
static int
choose(struct cmd_run *run, const struct ca_token_flags *f,
    const json_t *cands, const json_t **out)
{
	const char **items = NULL;
	char names[512];
	size_t i, n = json_array_size(cands), choice = 0, o = 0;
	int r;

	*out = NULL;
	if (n == 0) {
		if (f->provisioner != NULL && f->kid != NULL)
			return pkit_seterr(run->ctx, PKIT_ERR_NOT_FOUND, "the CA "
			    "has no JWK provisioner '%s' with kid %s",
			    f->provisioner, f->kid);
		if (f->provisioner != NULL)
			return pkit_seterr(run->ctx, PKIT_ERR_NOT_FOUND, "the CA "
			    "has no provisioner '%s'", f->provisioner);
		if (f->kid != NULL)
			return pkit_seterr(run->ctx, PKIT_ERR_NOT_FOUND, "the CA "
			    "has no JWK provisioner with kid %s", f->kid);
		return pkit_seterr(run->ctx, PKIT_ERR_NOT_FOUND, "the CA has "
		    "no JWK provisioner to sign a token with");
	}
	if (n == 1) {
		*out = json_array_get(cands, 0);
		return PKIT_OK;
	}
	if (!cmd_interactive(run)) {
		names[0] = '\0';
		for (i = 0; i < n && o < sizeof(names); i++)
			o += (size_t)snprintf(names + o, sizeof(names) - o,
			    "%s%s", i > 0 ? ", " : "",
			    pkit_token_provisioner_name(json_array_get(cands,
			    i)));
		return pkit_seterr(run->ctx, PKIT_ERR_USAGE, "%s: the CA has "
		    "%zu JWK provisioners (%s) and there is no terminal to "
		    "choose on: use --provisioner%s", run->path, n, names,
		    f->provisioner != NULL ? " with --kid" : "");
	}
	if ((items = calloc(n, sizeof(*items))) == NULL)
		return pkit_seterr(run->ctx, PKIT_ERR_NOMEM, "provisioners");
	for (i = 0; i < n; i++)
		if ((items[i] = describe(json_array_get(cands, i))) == NULL) {
			r = pkit_seterr(run->ctx, PKIT_ERR_NOMEM, "provisioners");
			goto out;
		}
	if ((r = ca_pick(run, "What provisioner key do you want to use?",
	    items, n, &choice)) != 0)
		goto out;
	*out = json_array_get(cands, choice);
out:
	for (i = 0; i < n; i++)
		free((char *)items[i]);
	free(items);
	return r;
}

/* The password file for the provisioner's key. */
static const char *
password_file(const struct ca_token_flags *f)
{
	return f->provisioner_password_file != NULL ?
	    f->provisioner_password_file : f->password_file;
}

/* The signing key of prov: --key, or the CA's encrypted key (from the
 * server c, or from ca.json offline). */
static int
signing_key(struct cmd_run *run, struct pkit_ca_client *c,
    struct pkit_ca_offline *off, const struct ca_token_flags *f,
    const json_t *prov, struct pkit_jwk_key **out)
{
	const char *name = pkit_token_provisioner_name(prov);
	const char *flag = f->provisioner_password_file != NULL ||
	    f->password_file == NULL ? "--provisioner-password-file" :
	    "--password-file";
	unsigned char *data = NULL;
	char *jwe = NULL, *pw = NULL, prompt[512];
	size_t len = 0;
	int r;

	*out = NULL;
	if (f->key != NULL) {
		if ((r = pkit_file_read(run->ctx, f->key, KEYFILE_MAX, &data,
		    &len)) != 0)
			return r;
		if ((r = pkit_file_check_private(run->ctx, f->key)) != 0)
			goto out;
		if (pkit_jwk_data_is_encrypted(data, len) ||
		    pkit_key_is_encrypted(data, len)) {
			snprintf(prompt, sizeof(prompt), "Please enter the "
			    "password to decrypt %s: ", f->key);
			if ((r = cmd_password(run, password_file(f), prompt, 0,
			    flag, &pw)) != 0)
				goto out;
		}
		r = pkit_token_provisioner_keyfile(run->ctx, prov, data, len,
		    pw, f->key, out);
		goto out;
	}
	if (off != NULL) {
		const char *e = pkit_ca_offline_encrypted_key(off,
		    pkit_token_provisioner_kid(prov));

		if (e == NULL) {
			r = pkit_seterr(run->ctx, PKIT_ERR_NOT_FOUND, "%s: "
			    "provisioner %s has no encryptedKey: use --key",
			    pkit_ca_offline_config(off)->name, name);
			goto out;
		}
		if ((jwe = strdup(e)) == NULL) {
			r = pkit_seterr(run->ctx, PKIT_ERR_NOMEM, "key");
			goto out;
		}
	} else if ((r = pkit_ca_provisioner_key(run->ctx, c,
	    pkit_token_provisioner_kid(prov), &jwe)) != 0)
		goto out;
	snprintf(prompt, sizeof(prompt), "Please enter the password to "
	    "decrypt the key of provisioner %s: ", name);
	if ((r = cmd_password(run, password_file(f), prompt, 0, flag,
	    &pw)) != 0)
		goto out;
	r = pkit_token_provisioner_key(run->ctx, prov, jwe, pw, out);
out:
	pkit_secret_strfree(pw);
	pkit_secret_free(data, len);
	free(jwe);
	return r;
}

/* An X5C provisioner's token: --x5c-cert and --x5c-key sign it for the
 * X5C provisioner --provisioner, or the CA's only one. */
static int
x5c_mint(struct cmd_run *run, const struct ca_config *cfg,
    struct pkit_ca_client *c, const struct ca_token_flags *f,
    struct pkit_token_req *req, char **token, char **desc)
{
	STACK_OF(X509) *chain = NULL;
	EVP_PKEY *key = NULL;
	json_t *list = NULL, *cands = NULL;
	const char *name;
	char *sha = NULL, *d = NULL;
	size_t n;
	int r;

	if (f->x5c_cert == NULL || f->x5c_key == NULL)
		return pkit_seterr(run->ctx, PKIT_ERR_USAGE, "%s: --x5c-cert "
		    "and --x5c-key go together", run->path);
	if (f->key != NULL || f->kid != NULL)
		return pkit_seterr(run->ctx, PKIT_ERR_USAGE, "%s: --x5c-cert "
		    "does not go with --key or --kid", run->path);
	if ((r = pkit_ca_provisioners(run->ctx, c, &list)) != 0 ||
	    (r = pkit_token_provisioners_typed(run->ctx, list, "X5C",
	    f->provisioner, &cands)) != 0)
		goto out;
	if ((n = json_array_size(cands)) != 1) {
		r = n == 0 ? pkit_seterr(run->ctx, PKIT_ERR_NOT_FOUND, "the CA "
		    "has no X5C provisioner%s%s%s", f->provisioner != NULL ?
		    " '" : "", f->provisioner != NULL ? f->provisioner : "",
		    f->provisioner != NULL ? "'" : "") :
		    pkit_seterr(run->ctx, PKIT_ERR_USAGE, "%s: the CA has %zu "
		    "X5C provisioners: choose one with --provisioner",
		    run->path, n);
		goto out;
	}
	name = pkit_token_provisioner_name(json_array_get(cands, 0));
	if ((r = pkit_x509_load_certs(run->ctx, f->x5c_cert, &chain)) != 0 ||
	    (r = cmd_key_load_private(run, f->x5c_key, password_file(f), 0,
	    &key)) != 0)
		goto out;
	if (cfg->root != NULL &&
	    (r = ca_root_fingerprint(run, cfg->root, &sha)) != 0)
		goto out;
	req->ca_url = cfg->ca_url;
	req->issuer = name;
	req->sha = sha;
	if ((r = pkit_token_x5c(run->ctx, chain, key, req, token)) != 0) {
		char msg[sizeof(run->ctx->errbuf)];

		snprintf(msg, sizeof(msg), "%s", run->ctx->errbuf);
		r = pkit_seterr(run->ctx, r, "%s: %s", f->x5c_cert, msg);
		goto out;
	}
	n = strlen(name) + sizeof(" (X5C)");
	if ((d = malloc(n)) == NULL) {
		pkit_secret_strfree(*token);
		*token = NULL;
		r = pkit_seterr(run->ctx, PKIT_ERR_NOMEM, "token");
		goto out;
	}
	snprintf(d, n, "%s (X5C)", name);
	*desc = d;
out:
	req->issuer = NULL;
	req->sha = NULL;
	EVP_PKEY_free(key);
	sk_X509_pop_free(chain, X509_free);
	json_decref(cands);
	json_decref(list);
	free(sha);
	return r;
}

/* Mint with the provisioners of list; ca_url and sha go in the claims. */
static int
mint(struct cmd_run *run, const json_t *list, struct pkit_ca_client *c,
    struct pkit_ca_offline *off, const char *ca_url, const char *sha,
    const struct ca_token_flags *f, struct pkit_token_req *req,
    char **token, char **desc)
{
	struct pkit_jwk_key *key = NULL;
	json_t *cands = NULL;
	const json_t *prov;
	char *d = NULL;
	int r;

	*token = NULL;
	*desc = NULL;
	if ((r = pkit_token_provisioners(run->ctx, list, f->provisioner,
	    f->kid, &cands)) != 0 ||
	    (r = choose(run, f, cands, &prov)) != 0 ||
	    (r = signing_key(run, c, off, f, prov, &key)) != 0)
		goto out;
	req->ca_url = ca_url;
	req->issuer = pkit_token_provisioner_name(prov);
	req->sha = sha;
	if ((r = pkit_token_sign(run->ctx, key, req, token)) != 0)
		goto out;
	if ((d = describe(prov)) == NULL) {
		pkit_secret_strfree(*token);
		*token = NULL;
		r = pkit_seterr(run->ctx, PKIT_ERR_NOMEM, "token");
		goto out;
	}
	*desc = d;
out:
	req->issuer = NULL;
	req->sha = NULL;
	pkit_jwk_key_free(key);
	json_decref(cands);
	return r;
}

int
ca_token_mint(struct cmd_run *run, const struct ca_config *cfg,
    struct pkit_ca_client *c, const struct ca_token_flags *f,
    struct pkit_token_req *req, char **token, char **desc)
{
	json_t *list = NULL;
	char *sha = NULL;
	int r;

	*token = NULL;
	*desc = NULL;
	if (f->x5c_cert != NULL || f->x5c_key != NULL)
		return x5c_mint(run, cfg, c, f, req, token, desc);
	if ((r = pkit_ca_provisioners(run->ctx, c, &list)) == 0 &&
	    (cfg->root == NULL ||
	    (r = ca_root_fingerprint(run, cfg->root, &sha)) == 0))
		r = mint(run, list, c, NULL, cfg->ca_url, sha, f, req, token,
		    desc);
	json_decref(list);
	free(sha);
	return r;
}

int
ca_token_mint_offline(struct cmd_run *run, struct pkit_ca_offline *off,
    const struct ca_token_flags *f, struct pkit_token_req *req,
    char **token, char **desc)
{
	if (f->x5c_cert != NULL || f->x5c_key != NULL)
		return pkit_seterr(run->ctx, PKIT_ERR_USAGE, "%s: --x5c-cert "
		    "does not go with --offline", run->path);
	return mint(run, pkit_ca_offline_provisioners(off), NULL, off,
	    pkit_ca_offline_url(off), pkit_ca_offline_fingerprint(off), f,
	    req, token, desc);
}

/* ---- pkit ca token --------------------------------------------------- */

struct token_opts {
	struct ca_flags ca;
	struct ca_token_flags tf;
	struct ca_offline_flags off;
	struct strvec san, principal;
	const char *not_before, *not_after;
	const char *cert_not_before, *cert_not_after;
	const char *output_file;
	const char *password_file;	/* into tf */
	int revoke, ssh, host, force;
};

#define T struct token_opts
static const struct cmd_opt token_opts[] = {
	OPT_CA_PROVISIONER(T, tf),
	OPT_CA_KID(T, tf),
	OPT_CA_PROV_PASSWORD_FILE(T, tf),
	OPT_PASSWORD_FILE(T),
	{ "key", 0, OPT_STRING, offsetof(T, tf.key), "file",
	  "sign with this private key (JWK or PEM) of the provisioner "
	  "instead of the CA's encrypted copy", NULL, OPT_F_FILE },
	OPT_CA_X5C(T, tf),
	{ "san", 0, OPT_LIST, offsetof(T, san), "name",
	  "a SAN the certificate may carry (repeatable; default: the "
	  "subject)" },
	{ "not-before", 0, OPT_STRING, offsetof(T, not_before),
	  "time|duration", "the token is valid from then (RFC 3339, or a "
	  "duration from now; default now)" },
	{ "not-after", 0, OPT_STRING, offsetof(T, not_after),
	  "time|duration", "the token expires then (default 5 minutes "
	  "after --not-before; at most 1 hour)" },
	{ "revoke", 0, OPT_BOOL, offsetof(T, revoke), NULL,
	  "a token for revoking: <subject> is the serial number" },
	{ "ssh", 0, OPT_BOOL, offsetof(T, ssh), NULL,
	  "a token for an SSH certificate (<subject> is its key ID)" },
	{ "host", 0, OPT_BOOL, offsetof(T, host), NULL,
	  "with --ssh: for a host certificate, not a user certificate" },
	{ "principal", 'n', OPT_LIST, offsetof(T, principal), "name",
	  "with --ssh: a principal the certificate may carry (repeatable)" },
	{ "cert-not-before", 0, OPT_STRING, offsetof(T, cert_not_before),
	  "time|duration", "with --ssh: when the certificate starts" },
	{ "cert-not-after", 0, OPT_STRING, offsetof(T, cert_not_after),
	  "time|duration", "with --ssh: when the certificate ends" },
	{ "output-file", 0, OPT_STRING, offsetof(T, output_file), "file",
	  "write the token to file (mode 0600) instead of the standard "
	  "output", NULL, OPT_F_FILE },
	OPT_FORCE(T),
	OPT_CA_OFFLINE(T, off),
	OPT_CA_URL(T, ca),
	OPT_CA_CONTEXT(T, ca),
	OPT_CA_ROOT(T, ca),
	{ 0 }
};
#undef T

static int cmd_token(struct cmd_run *, int, char **);

const struct cmd cmd_ca_token = {
	"token", cmd_token, NULL, "<subject>", 1, 1,
	"mint a one-time token that lets the CA issue or revoke once",
	"Makes the one-time token (a JWT) that 'step ca token' makes: signed "
	"with\nthe key of one of the CA's JWK provisioners, valid for five "
	"minutes,\ngood for one request.  Only the token is printed on the "
	"standard output,\nso that TOKEN=$(pkit ca token ...) works; the "
	"provisioner used is named\non the standard error.\n"
	"\n"
	"The provisioner is --provisioner (or --kid), the only JWK "
	"provisioner of\nthe CA, or, with several and a terminal, the one you "
	"choose from a list.\nWithout a terminal --provisioner is needed.  "
	"Its private key is the\nCA's encrypted copy (GET "
	"/provisioners/<kid>/encrypted-key), decrypted\nwith the password "
	"of --provisioner-password-file (or --password-file, as\nstep "
	"accepts it, or a prompt); or the key file --key (a JWK or PEM\n"
	"private key, decrypted with --password-file when it is "
	"encrypted).\n"
	"\n"
	"The claims are step's: iss the provisioner, aud "
	"<ca-url>/1.0/sign,\nsub <subject>, sans (--san, default the "
	"subject), sha (the SHA-256 of\nthe root), jti, iat, nbf, exp.  With "
	"--revoke the token authorizes\nrevoking the certificate whose "
	"serial number is <subject> (decimal, or\nhex after 0x; aud "
	"/1.0/revoke, no sans).  With --ssh it is for an SSH\ncertificate "
	"(aud /1.0/ssh/sign and a \"step\" claim naming the type,\nkey ID, "
	"principals and validity).\n"
	"\n"
	"With --x5c-cert and --x5c-key the token is for an X5C provisioner "
	"of\nthe CA (--provisioner, or its only one): signed with the key of "
	"a\ncertificate, such as a device's birth certificate, that chains to "
	"the\nprovisioner's roots; the certificate (and the chain in its file) "
	"goes\nin the x5c header and aud ends with #x5c/<provisioner>, as "
	"step's.  The\ncertificate the CA issues then ends no later than "
	"that certificate.\n"
	"\n"
	"--not-before and --not-after bound the token, not the certificate: "
	"a\ntoken may start at most 30 minutes ahead and last 10 seconds to "
	"1 hour,\nas with step.  The certificate's validity is asked for "
	"with 'pkit ca\ncertificate --not-after' (or --cert-not-after for "
	"SSH).\n"
	"\n"
	"With --offline the token is made from the CA's own ca.json "
	"(--ca-config,\ndefault $PKITPATH/config/ca.json) without asking its "
	"server: the\nprovisioner's escrowed key is read from there, and the "
	"audience and sha\ncome from its dnsNames, address and root, as "
	"step's offline mode does.\n"
	"\n"
	"--ca-url and --root not given come from PKIT_CA_URL and PKIT_ROOT, "
	"else\nfrom $PKITPATH/config/defaults.json (see 'pkit ca bootstrap').",
	"A token for a TLS certificate for host.example.com and its IP:\n"
	"  $ TOKEN=$(pkit ca token host.example.com --san host.example.com \\\n"
	"      --san 10.0.0.7 --provisioner admin \\\n"
	"      --provisioner-password-file pw.txt)\n"
	"Use it to get the certificate elsewhere:\n"
	"  $ pkit ca certificate host.example.com host.crt host.key "
	"--token \"$TOKEN\"\n"
	"A token for an X5C provisioner, signed with a device's birth "
	"certificate:\n"
	"  $ pkit ca token device-001 --x5c-cert birth.crt --x5c-key "
	"birth.key\n"
	"A token to revoke a certificate by serial number:\n"
	"  $ pkit ca token --revoke 231117447564892959547048245840438182452 "
	"\\\n      --provisioner admin --provisioner-password-file pw.txt\n"
	"On the CA's host, without its server:\n"
	"  $ pkit ca token --offline host.example.com "
	"--provisioner-password-file pw.txt\n",
	token_opts };

static int
cmd_token(struct cmd_run *run, int argc, char **argv)
{
	struct token_opts o = { { 0 } };
	struct ca_config cfg = { 0 };
	struct pkit_ca_client *c = NULL;
	struct pkit_ca_offline *off = NULL;
	struct pkit_token_req req = { 0 };
	json_t *step = NULL;
	char *token = NULL, *desc = NULL, **args;
	const char *bad = NULL;
	time_t now, nb, na;
	int nargs, r, ret = EXIT_FAIL;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE) {
		ret = r;
		goto done;
	}
	if (o.revoke && o.san.n > 0)
		bad = "--san does not go with --revoke (a revoke token has no "
		    "SANs)";
	else if (o.ssh && o.san.n > 0)
		bad = "--san does not go with --ssh (use --principal)";
	else if (o.ssh && o.revoke)
		bad = "--ssh --revoke is not supported";
	else if (!o.ssh && (o.host || o.principal.n > 0 ||
	    o.cert_not_before != NULL || o.cert_not_after != NULL))
		bad = "--host, --principal, --cert-not-before and "
		    "--cert-not-after need --ssh";
	if (bad != NULL) {
		ret = cmd_usage_error(run, "%s", bad);
		goto done;
	}
	o.tf.password_file = o.password_file;
	now = pkit_now(run->ctx);
	req.type = o.revoke ? PKIT_TOKEN_REVOKE : o.ssh ? PKIT_TOKEN_SSH_SIGN :
	    PKIT_TOKEN_SIGN;
	req.subject = args[0];
	req.sans = o.san.v;
	req.nsans = o.san.n;
	if ((r = pkit_time_or_duration(run->ctx, o.not_before, now,
	    "--not-before", &req.not_before)) != 0 ||
	    (r = pkit_time_or_duration(run->ctx, o.not_after, now,
	    "--not-after", &req.not_after)) != 0 ||
	    (r = pkit_token_validity(run->ctx, req.not_before, req.not_after,
	    now, &nb, &na)) != 0) {
		ret = cmd_usage_error(run, "%s", run->ctx->errbuf);
		goto done;
	}
	if (o.revoke) {
		char *serial = NULL;

		if ((r = pkit_ca_serial_parse(run->ctx, args[0], &serial)) != 0) {
			ret = cmd_usage_error(run, "%s", run->ctx->errbuf);
			goto done;
		}
		free(serial);
	}
	if (o.ssh) {
		char va[64] = "", vb[64] = "";

		if ((o.cert_not_before != NULL && (r = pkit_ca_time_duration(
		    run->ctx, o.cert_not_before, "--cert-not-before", va,
		    sizeof(va))) != 0) ||
		    (o.cert_not_after != NULL && (r = pkit_ca_time_duration(
		    run->ctx, o.cert_not_after, "--cert-not-after", vb,
		    sizeof(vb))) != 0)) {
			ret = cmd_usage_error(run, "%s", run->ctx->errbuf);
			goto done;
		}
		if ((r = pkit_token_ssh_claim(run->ctx, o.host, args[0],
		    o.principal.v, o.principal.n, va, vb, &step)) != 0) {
			ret = cmd_fail(run, r);
			goto done;
		}
		req.step = step;
	}
	if (o.output_file != NULL &&
	    (r = cmd_may_overwrite(run, o.output_file, o.force)) != 0) {
		ret = cmd_fail(run, r);
		goto done;
	}
	if (o.off.ca_config != NULL && !o.off.offline) {
		ret = cmd_usage_error(run, "--ca-config needs --offline");
		goto done;
	}
	if (o.off.offline) {
		if ((o.ca.context != NULL &&
		    (r = cmd_context_apply(run, o.ca.context)) != 0) ||
		    (r = ca_offline_open(run, &o.off, 0, &off)) != 0 ||
		    (r = ca_token_mint_offline(run, off, &o.tf, &req, &token,
		    &desc)) != 0) {
			ret = cmd_fail(run, r);
			goto out;
		}
	} else if ((r = ca_config_resolve(run, &o.ca, CA_NEED_URL |
	    CA_NEED_ROOT, &cfg)) != CMD_CONTINUE) {
		ret = r;
		goto done;
	} else if ((r = ca_client_open(run, &cfg, &c)) != 0 ||
	    (r = ca_token_mint(run, &cfg, c, &o.tf, &req, &token,
	    &desc)) != 0) {
		ret = cmd_fail(run, r);
		goto out;
	}
	if (o.output_file != NULL) {
		if ((r = pkit_file_write(run->ctx, o.output_file, token,
		    strlen(token), PKIT_WRITE_PRIVATE | PKIT_WRITE_FORCE)) != 0) {
			ret = cmd_fail(run, r);
			goto out;
		}
	} else {
		printf("%s\n", token);
		if (fflush(stdout) != 0) {
			ret = cmd_fail(run, pkit_seterr_sys(run->ctx,
			    "standard output"));
			goto out;
		}
	}
	ca_check_line("Provisioner", desc);
	ret = EXIT_OK;
out:
	pkit_ca_offline_free(off);
	pkit_ca_client_free(c);
	ca_config_release(&cfg);
done:
	pkit_secret_strfree(token);
	free(desc);
	json_decref(step);
	strvec_clear(&o.san);
	strvec_clear(&o.principal);
	return ret;
}

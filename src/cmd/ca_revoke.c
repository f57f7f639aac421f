/* ca_revoke.c - `pkit ca revoke`: passive revocation (POST /revoke),
 * authorized by a token or by the certificate itself over mutual TLS. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/x509.h>

#include "ca_client.h"
#include "cmd.h"
#include "lib/ca/client.h"
#include "lib/ca/offline.h"
#include "lib/ca/token.h"
#include "lib/secret.h"
#include "lib/x509.h"
#include "lib/x509_build.h"

struct revoke_opts {
	struct ca_flags ca;
	struct ca_token_flags tf;
	struct ca_offline_flags off;
	const char *cert, *key, *token, *reason, *reason_code;
	const char *password_file;	/* into tf */
	int insecure;
};

#define T struct revoke_opts
static const struct cmd_opt revoke_opts[] = {
	{ "cert", 0, OPT_STRING, offsetof(T, cert), "file",
	  "revoke this certificate, proving it with its key over mutual "
	  "TLS", NULL, OPT_F_FILE },
	{ "key", 0, OPT_STRING, offsetof(T, key), "file",
	  "the private key of --cert", NULL, OPT_F_FILE },
	{ "token", 0, OPT_STRING, offsetof(T, token), "token",
	  "a revoke token from 'pkit ca token --revoke'" },
	{ "reason", 0, OPT_STRING, offsetof(T, reason), "text",
	  "why, in words (recorded by the CA)" },
	{ "reasonCode", 0, OPT_STRING, offsetof(T, reason_code), "code",
	  "the RFC 5280 reason: 0-10 but 7, or a name such as "
	  "KeyCompromise (default Unspecified)" },
	OPT_CA_PROVISIONER(T, tf),
	OPT_CA_KID(T, tf),
	OPT_CA_PROV_PASSWORD_FILE(T, tf),
	OPT_PASSWORD_FILE(T),
	OPT_CA_X5C(T, tf),
	OPT_INSECURE(T),
	OPT_CA_OFFLINE(T, off),
	OPT_CA_PASSWORD_FILE(T, off),
	OPT_CA_URL(T, ca),
	OPT_CA_CONTEXT(T, ca),
	OPT_CA_ROOT(T, ca),
	{ 0 }
};
#undef T

static int cmd_revoke(struct cmd_run *, int, char **);

const struct cmd cmd_ca_revoke = {
	"revoke", cmd_revoke, NULL, "[<serial-number>]", 0, 1,
	"revoke a certificate: the CA will no longer renew it",
	"Asks the CA to revoke a certificate (POST /revoke).  Revocation is\n"
	"passive, as with step-ca: the CA refuses to renew the certificate, "
	"which\nstays valid until it expires; short lifetimes make that "
	"enough.\n"
	"\n"
	"With <serial-number> (decimal, or hex after 0x) the request is "
	"authorized\nby a revoke token: --token, or one made here with the "
	"JWK provisioner\nnamed by --provisioner (chosen on a terminal when "
	"the CA has several)\nand the password of its key from "
	"--provisioner-password-file (or\n--password-file) or a prompt.  "
	"Any JWK provisioner may revoke any\ncertificate.\n"
	"\n"
	"With --x5c-cert and --x5c-key the revoke token is for an X5C "
	"provisioner\n(--provisioner, or the CA's only one), signed with the "
	"key of a\ncertificate that chains to its roots, as 'pkit ca token "
	"--x5c-cert'\nmakes it.\n"
	"\n"
	"With --cert and --key the certificate's holder revokes it: the "
	"request\nis made over mutual TLS with that certificate and key, and "
	"the serial\nnumber is the certificate's.  --password-file then "
	"decrypts the key.\n"
	"\n"
	"With --offline the revocation is done here, without the CA's server, "
	"as\nstep's offline mode does: the CA's ca.json (--ca-config, default\n"
	"$PKITPATH/config/ca.json) gives the provisioners, whose escrowed keys "
	"sign\nthe token, and the database the revocation is recorded in; the\n"
	"intermediate key (decrypted with --ca-password-file, ca.json's\n"
	"\"password\" or a prompt) must be readable.  When ca.json enables "
	"the\nCRL, the CRL kept in the database is made again here at once, "
	"as the\nserver makes it (the next CRL number), so that it lists the "
	"certificate\neven with no server running ('pkit ca crl --offline' "
	"prints it).  A\nrunning server sees the revocation within seconds "
	"in its CRL and OCSP\nanswers (when enabled).  --offline needs the "
	"serial number, not --cert.\n"
	"\n"
	"--reasonCode takes a number or a name: Unspecified (0), "
	"KeyCompromise\n(1), CACompromise (2), AffiliationChanged (3), "
	"Superseded (4),\nCessationOfOperation (5), CertificateHold (6), "
	"RemoveFromCRL (8),\nPrivilegeWithdrawn (9), AACompromise (10); case "
	"and spaces do not matter.\n"
	"\n"
	"--ca-url and --root not given come from PKIT_CA_URL and PKIT_ROOT, "
	"else\nfrom $PKITPATH/config/defaults.json (see 'pkit ca bootstrap').",
	"Revoke by serial number with the provisioner admin:\n"
	"  $ pkit ca revoke 308893286343609293989051180431574390766 "
	"--provisioner admin \\\n"
	"      --provisioner-password-file pw.txt --reasonCode "
	"\"key compromise\"\n"
	"Revoke with a device's X5C birth certificate:\n"
	"  $ pkit ca revoke 308893286343609293989051180431574390766 "
	"--x5c-cert birth.crt \\\n      --x5c-key birth.key\n"
	"On the CA's host, with its server down:\n"
	"  $ pkit ca revoke --offline 308893286343609293989051180431574390766 "
	"\\\n      --provisioner-password-file pw.txt "
	"--ca-password-file ca-pw.txt\n"
	"Revoke your own certificate:\n"
	"  $ pkit ca revoke --cert host.crt --key host.key "
	"--reason \"host retired\"\n",
	revoke_opts };

static int
cmd_revoke(struct cmd_run *run, int argc, char **argv)
{
	struct revoke_opts o = { { 0 } };
	struct ca_config cfg = { 0 };
	struct pkit_ca_client *c = NULL;
	struct pkit_ca_offline *off = NULL;
	struct pkit_token_req req = { 0 };
	STACK_OF(X509) *chain = NULL;
	EVP_PKEY *key = NULL;
	json_t *body = NULL, *resp = NULL;
	char *serial = NULL, *cert_serial = NULL, *token = NULL, *desc = NULL;
	char **args;
	int nargs, r, ret = EXIT_FAIL, code = 0;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	o.tf.password_file = o.password_file;
	if ((o.cert == NULL) != (o.key == NULL))
		return cmd_usage_error(run, "--cert and --key go together");
	if (o.cert != NULL && (o.token != NULL || o.tf.provisioner != NULL ||
	    o.tf.kid != NULL || o.tf.provisioner_password_file != NULL ||
	    o.tf.x5c_cert != NULL || o.tf.x5c_key != NULL))
		return cmd_usage_error(run, "--cert and --key (mutual TLS) do not "
		    "go with --token or a provisioner");
	if ((o.tf.x5c_cert == NULL) != (o.tf.x5c_key == NULL))
		return cmd_usage_error(run, "--x5c-cert and --x5c-key go "
		    "together");
	if (o.tf.x5c_cert != NULL && o.tf.kid != NULL)
		return cmd_usage_error(run, "--x5c-cert does not go with --kid");
	if (!o.off.offline && (o.off.ca_config != NULL ||
	    o.off.ca_password_file != NULL))
		return cmd_usage_error(run, "--ca-config and --ca-password-file "
		    "need --offline");
	if (o.off.offline && o.cert != NULL)
		return cmd_usage_error(run, "--offline does not go with --cert "
		    "and --key: give the serial number");
	if (o.off.offline && o.tf.x5c_cert != NULL)
		return cmd_usage_error(run, "--x5c-cert does not go with "
		    "--offline");
	if (o.cert == NULL && nargs == 0)
		return cmd_usage_error(run, "give the serial number to revoke, "
		    "or --cert and --key");
	if (o.token != NULL && (o.tf.provisioner != NULL ||
	    o.tf.kid != NULL || o.tf.provisioner_password_file != NULL ||
	    o.tf.password_file != NULL || o.tf.x5c_cert != NULL))
		return cmd_usage_error(run, "--token does not go with "
		    "--provisioner, --kid or the password files");
	if (o.reason_code != NULL &&
	    pkit_ca_revoke_reason(run->ctx, o.reason_code, &code) != 0)
		return cmd_usage_error(run, "%s", run->ctx->errbuf);
	if (nargs > 0 && pkit_ca_serial_parse(run->ctx, args[0],
	    &serial) != 0)
		return cmd_usage_error(run, "%s", run->ctx->errbuf);
	if (o.cert != NULL) {
		if ((r = pkit_x509_load_certs(run->ctx, o.cert, &chain)) != 0 ||
		    (r = cmd_key_load_private(run, o.key, o.tf.password_file,
		    o.insecure, &key)) != 0 ||
		    (r = pkit_x509_check_key(run->ctx, sk_X509_value(chain, 0),
		    key, o.cert, o.key)) != 0 ||
		    (r = pkit_ca_serial_of(run->ctx, sk_X509_value(chain, 0),
		    &cert_serial)) != 0) {
			ret = cmd_fail(run, r);
			goto done;
		}
		if (serial != NULL && strcmp(serial, cert_serial) != 0) {
			ret = cmd_usage_error(run, "serial number %s is not the "
			    "serial number of %s (%s)", serial, o.cert,
			    cert_serial);
			goto done;
		}
		free(serial);
		serial = cert_serial;
		cert_serial = NULL;
	}
	if (o.off.offline) {
		if ((o.ca.context != NULL &&
		    (r = cmd_context_apply(run, o.ca.context)) != 0) ||
		    (r = ca_offline_open(run, &o.off, 1, &off)) != 0)
			goto fail;
		req.type = PKIT_TOKEN_REVOKE;
		req.subject = serial;
		if ((o.token == NULL && (r = ca_token_mint_offline(run, off,
		    &o.tf, &req, &token, &desc)) != 0) ||
		    (r = pkit_ca_offline_revoke(run->ctx, off, serial,
		    o.token != NULL ? o.token : token, code, o.reason)) != 0)
			goto fail;
		if (desc != NULL)
			ca_check_line("Provisioner", desc);
		ca_check_line("CA", pkit_ca_offline_url(off));
		fprintf(stderr, "Certificate with Serial Number %s has been "
		    "revoked.\n", serial);
		ret = EXIT_OK;
		goto out;
	}
	if ((r = ca_config_resolve(run, &o.ca, CA_NEED_URL | CA_NEED_ROOT,
	    &cfg)) != CMD_CONTINUE) {
		ret = r;
		goto done;
	}
	if ((r = ca_client_open(run, &cfg, &c)) != 0)
		goto fail;
	if (o.cert != NULL) {
		if ((r = pkit_ca_client_set_identity(run->ctx, c, chain,
		    key)) != 0)
			goto fail;
	} else if (o.token == NULL) {
		req.type = PKIT_TOKEN_REVOKE;
		req.subject = serial;
		if ((r = ca_token_mint(run, &cfg, c, &o.tf, &req, &token,
		    &desc)) != 0)
			goto fail;
	}
	if ((r = pkit_ca_revoke_body(run->ctx, serial, o.token != NULL ?
	    o.token : token, code, o.reason, &body)) != 0 ||
	    (r = pkit_ca_revoke(run->ctx, c, body, &resp, NULL)) != 0)
		goto fail;
	if (desc != NULL)
		ca_check_line("Provisioner", desc);
	ca_check_line("CA", pkit_ca_client_url(c));
	fprintf(stderr, "Certificate with Serial Number %s has been "
	    "revoked.\n", serial);
	ret = EXIT_OK;
	goto out;
fail:
	ret = cmd_fail(run, r);
out:
	pkit_ca_offline_free(off);
	pkit_ca_client_free(c);
	ca_config_release(&cfg);
done:
	json_decref(body);
	json_decref(resp);
	sk_X509_pop_free(chain, X509_free);
	EVP_PKEY_free(key);
	free(serial);
	free(cert_serial);
	pkit_secret_strfree(token);
	free(desc);
	return ret;
}

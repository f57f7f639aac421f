/* certificate_install.c - `pkit certificate install` and `uninstall`: a CA
 * certificate in the system trust store (Debian's update-ca-certificates).
 *
 * Where the files go and what is run afterwards can be changed through
 * the environment, read here and not in the library, so that tests (and
 * other distributions) need not touch the real store:
 *   PKIT_CA_CERTIFICATES_DIR     default /usr/local/share/ca-certificates
 *   PKIT_UPDATE_CA_CERTIFICATES  default update-ca-certificates; empty:
 *                                run nothing
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "lib/x509.h"
#include "lib/x509_verify.h"

#define DEFAULT_TRUST_DIR	"/usr/local/share/ca-certificates"
#define DEFAULT_UPDATE		"update-ca-certificates"

static int cmd_certificate_install_run(struct cmd_run *, int, char **);
static int cmd_certificate_uninstall_run(struct cmd_run *, int, char **);

struct install_opts {
	const char *prefix;
	int force;
};

static const struct cmd_opt install_opts[] = {
	{ "prefix", 0, OPT_STRING, offsetof(struct install_opts, prefix),
	  "name", "name of the file in the store (default: the CN)" },
	OPT_FORCE(struct install_opts),
	{ 0 }
};

#define ENV_HELP \
	"Environment:\n" \
	"  PKIT_CA_CERTIFICATES_DIR     the directory (default\n" \
	"                               /usr/local/share/ca-certificates)\n" \
	"  PKIT_UPDATE_CA_CERTIFICATES  the program run afterwards (default\n" \
	"                               update-ca-certificates; empty: none)"

const struct cmd cmd_certificate_install = {
	"install", cmd_certificate_install_run, NULL, "<file>", 1, 1,
	"add a CA certificate to the system trust store",
	"Copies the first certificate of the file, as PEM, to\n"
	"/usr/local/share/ca-certificates/<prefix>.crt and runs\n"
	"update-ca-certificates, so that OpenSSL, GnuTLS, curl and the other\n"
	"programs that read /etc/ssl/certs trust it.  This needs root.  "
	"Installing\nthe same certificate again changes nothing; a different "
	"certificate\nunder the same name needs --force.  Firefox and Java "
	"keep their own\nstores, which this does not change.\n"
	"\n"
	ENV_HELP,
	"Trust a private root on this machine (as root):\n"
	"  $ pkit certificate install root.crt\n"
	"Install it under a chosen name:\n"
	"  $ pkit certificate install --prefix example-root root.crt\n",
	install_opts
};

const struct cmd cmd_certificate_uninstall = {
	"uninstall", cmd_certificate_uninstall_run, NULL, "<file>", 1, 1,
	"remove a CA certificate from the system trust store",
	"Removes the certificate that install put in\n"
	"/usr/local/share/ca-certificates (found by --prefix or the "
	"certificate's\ncommon name, as install names it) and runs\n"
	"update-ca-certificates.  A file there that holds another "
	"certificate\nis kept unless --force is given.  This needs root.\n"
	"\n"
	ENV_HELP,
	"Stop trusting a private root (as root):\n"
	"  $ pkit certificate uninstall root.crt\n",
	install_opts
};

static const char *
trust_dir(void)
{
	const char *d = getenv("PKIT_CA_CERTIFICATES_DIR");

	return d != NULL && *d != '\0' ? d : DEFAULT_TRUST_DIR;
}

static const char *
update_program(void)
{
	const char *p = getenv("PKIT_UPDATE_CA_CERTIFICATES");

	return p != NULL ? p : DEFAULT_UPDATE;
}

static int
run_trust(struct cmd_run *run, int argc, char **argv, int install)
{
	struct install_opts o = { 0 };
	const char *dir = trust_dir(), *prog = update_program();
	X509 *crt = NULL;
	char **args, file[300];
	int nargs, r, changed = 0;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	if ((r = pkit_x509_load_cert(run->ctx, args[0], &crt)) != 0)
		return cmd_fail(run, r);
	if ((r = pkit_trust_filename(run->ctx, crt, o.prefix, file,
	    sizeof(file))) == 0) {
		if (install)
			r = pkit_trust_install(run->ctx, dir, file, crt,
			    o.force, &changed);
		else
			r = pkit_trust_uninstall(run->ctx, dir, file, crt,
			    o.force);
	}
	X509_free(crt);
	if (r != 0)
		return cmd_fail(run, r);
	if (*prog != '\0' && (r = pkit_trust_update(run->ctx, prog)) != 0)
		return cmd_fail(run, r);
	if (install)
		fprintf(stderr, "Certificate %s %s installed as %s/%s.\n",
		    args[0], changed ? "has been" : "was already", dir, file);
	else
		fprintf(stderr, "Certificate %s has been removed from %s/%s.\n",
		    args[0], dir, file);
	return EXIT_OK;
}

int
cmd_trust_install(struct cmd_run *run, X509 *crt, const char *label,
    int force)
{
	const char *dir = trust_dir(), *prog = update_program();
	char file[300];
	int r, changed = 0;

	if ((r = pkit_trust_filename(run->ctx, crt, NULL, file,
	    sizeof(file))) != 0 ||
	    (r = pkit_trust_install(run->ctx, dir, file, crt, force,
	    &changed)) != 0 ||
	    (*prog != '\0' && (r = pkit_trust_update(run->ctx, prog)) != 0))
		return r;
	fprintf(stderr, "Certificate %s %s installed as %s/%s.\n", label,
	    changed ? "has been" : "was already", dir, file);
	return PKIT_OK;
}

static int
cmd_certificate_install_run(struct cmd_run *run, int argc, char **argv)
{
	return run_trust(run, argc, argv, 1);
}

static int
cmd_certificate_uninstall_run(struct cmd_run *run, int argc, char **argv)
{
	return run_trust(run, argc, argv, 0);
}

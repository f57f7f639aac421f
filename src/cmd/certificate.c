/* certificate.c - the `pkit certificate` group: its members are in
 * certificate_*.c. */
#include "config.h"

#include "cmd.h"

static const struct cmd *const certificate_sub[] = {
	&cmd_certificate_bundle,
	&cmd_certificate_create,
	&cmd_certificate_fingerprint,
	&cmd_certificate_format,
	&cmd_certificate_inspect,
	&cmd_certificate_install,
	&cmd_certificate_key,
	&cmd_certificate_lint,
	&cmd_certificate_needs_renewal,
	&cmd_certificate_p12,
	&cmd_certificate_sign,
	&cmd_certificate_uninstall,
	&cmd_certificate_verify,
	NULL
};

const struct cmd cmd_certificate = {
	"certificate", NULL, certificate_sub, NULL, 0, 0,
	"create, sign, inspect, lint and verify X.509 certificates",
	"The X.509 workbench: make keys and certificates for every profile "
	"(leaf,\nintermediate and root CAs), sign CSRs, inspect certificates, "
	"CSRs and live\nservers, lint them against RFC 5280 and the CA/Browser "
	"Forum rules, verify\nchains, and convert between PEM, DER and PKCS#12.",
	"Make a root CA and inspect it:\n"
	"  $ pkit certificate create --profile root-ca \"Example Root\" root.crt root.key\n"
	"  $ pkit certificate inspect root.crt\n"
};

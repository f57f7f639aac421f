/* ca_serve.c - `pkit ca serve`: run the online CA from a ca.json. */
#include "config.h"

#include <sys/uio.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "lib/ca/acme.h"
#include "lib/ca/authority.h"
#include "lib/ca/authority_ssh.h"
#include "lib/ca/crl.h"
#include "lib/ca/server.h"
#include "lib/fs.h"
#include "lib/key.h"
#include "lib/secret.h"
#include "lib/timeutil.h"

struct serve_opts {
	const char *password_file, *address, *log_format;
	const char *read_timeout, *write_timeout, *idle_timeout;
	const char *tls_duration;
	long threads, max_body, max_conns;
};

static const struct cmd_opt serve_opts[] = {
	OPT_PASSWORD_FILE(struct serve_opts),
	{ "address", 0, OPT_STRING, offsetof(struct serve_opts, address),
	  "host:port", "listen on this address instead of ca.json's" },
	{ "log-format", 0, OPT_STRING, offsetof(struct serve_opts, log_format),
	  "format", "access log format: text or json (default: ca.json's "
	  "logger.format)", "text json", OPT_F_CHOICE },
	{ "read-timeout", 0, OPT_STRING,
	  offsetof(struct serve_opts, read_timeout), "duration",
	  "time to receive a request, TLS handshake included (default 15s)" },
	{ "write-timeout", 0, OPT_STRING,
	  offsetof(struct serve_opts, write_timeout), "duration",
	  "time a response may stall before the connection is dropped "
	  "(default 15s)" },
	{ "idle-timeout", 0, OPT_STRING,
	  offsetof(struct serve_opts, idle_timeout), "duration",
	  "time a kept-alive connection may wait for its next request "
	  "(default 2m)" },
	{ "threads", 0, OPT_INT, offsetof(struct serve_opts, threads), "n",
	  "event loops serving requests (default: one per CPU)" },
	/* For tests: a short-lived server certificate, small limits. */
	{ "tls-duration", 0, OPT_STRING,
	  offsetof(struct serve_opts, tls_duration), "duration",
	  "lifetime of the server's own certificate (default 24h)", NULL,
	  OPT_F_HIDDEN },
	{ "max-body", 0, OPT_INT, offsetof(struct serve_opts, max_body),
	  "bytes", "largest request body (default 1 MiB)", NULL, OPT_F_HIDDEN },
	{ "max-conns", 0, OPT_INT, offsetof(struct serve_opts, max_conns),
	  "n", "connections at once (default: from the descriptor limit)",
	  NULL, OPT_F_HIDDEN },
	{ 0 }
};

struct serve_ctx {
	struct cmd_run *run;
	const char *password_file;
};

/* The server's log lines go to stderr, each call in one write so that the
 * lines of several threads never mix. */
static void
log_stderr(void *arg, const char *line)
{
	struct iovec iov[2];
	ssize_t n;

	(void)arg;
	iov[0].iov_base = (void *)line;
	iov[0].iov_len = strlen(line);
	iov[1].iov_base = "\n";
	iov[1].iov_len = 1;
	n = writev(STDERR_FILENO, iov, 2);
	(void)n;
}

/* The intermediate key: --password-file, else ca.json's "password", else
 * a prompt (or, without a terminal, an error naming --password-file). */
static int
load_key(void *arg, struct pkit_ctx *ctx, const struct pkit_ca_config *cfg,
    const char *path, EVP_PKEY **out)
{
	struct serve_ctx *sc = arg;
	unsigned char *data = NULL;
	size_t len = 0;
	int r;

	if (sc->password_file != NULL || cfg->password == NULL)
		return cmd_key_load_private(sc->run, path, sc->password_file, 0,
		    out);
	if ((r = pkit_file_check_private(ctx, path)) != 0 ||
	    (r = pkit_file_read(ctx, path, 1024 * 1024, &data, &len)) != 0)
		return r;
	r = pkit_key_parse_private(ctx, data, len, cfg->password, path, out);
	pkit_secret_free(data, len);
	return r;
}

static int
duration(struct cmd_run *run, const char *s, const char *flag, int64_t *out)
{
	int r;

	*out = 0;
	if (s == NULL)
		return PKIT_OK;
	if ((r = pkit_duration_parse(run->ctx, s, flag, out)) != 0)
		return r;
	if (*out <= 0)
		return pkit_seterr(run->ctx, PKIT_ERR_USAGE,
		    "%s: '%s' must be positive", flag, s);
	return PKIT_OK;
}

static int
serve(struct cmd_run *run, int argc, char **argv)
{
	struct serve_opts o = { 0 };
	struct pkit_ca_server_opts so = { 0 };
	struct pkit_ca_server *srv = NULL;
	struct pkit_ca_authority *auth = NULL;
	struct pkit_ca_ssh_api *ssh = NULL;
	struct serve_ctx sc;
	char **args, config[4096];
	int nargs, r;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	if (o.threads < 0 || o.threads > 64)
		return cmd_usage_error(run, "--threads must be 0 to 64");
	if (o.max_body < 0 || o.max_conns < 0)
		return cmd_usage_error(run, "limits cannot be negative");
	if ((r = duration(run, o.read_timeout, "--read-timeout",
	    &so.read_timeout)) != 0 ||
	    (r = duration(run, o.write_timeout, "--write-timeout",
	    &so.write_timeout)) != 0 ||
	    (r = duration(run, o.idle_timeout, "--idle-timeout",
	    &so.idle_timeout)) != 0 ||
	    (r = duration(run, o.tls_duration, "--tls-duration",
	    &so.tls_lifetime)) != 0)
		return cmd_usage_error(run, "%s", run->ctx->errbuf);
	if (nargs > 0)
		snprintf(config, sizeof(config), "%s", args[0]);
	else
		snprintf(config, sizeof(config), "%s/config/ca.json",
		    run->g->base);
	sc.run = run;
	sc.password_file = o.password_file;
	so.config = config;
	so.base = run->g->base;
	so.address = o.address;
	so.log_format = o.log_format == NULL ? PKIT_CA_LOG_CONFIG :
	    strcmp(o.log_format, "json") == 0 ? PKIT_CA_LOG_JSON :
	    PKIT_CA_LOG_TEXT;
	so.threads = (int)o.threads;
	so.max_body = (size_t)o.max_body;
	so.max_conns = (size_t)o.max_conns;
	so.signals = 1;
	so.load_key = load_key;
	so.load_key_arg = &sc;
	so.log = log_stderr;
	if ((r = pkit_ca_authority_new(run->ctx, &auth)) != 0 ||
	    (r = pkit_ca_server_new(run->ctx, &so, &srv)) != 0 ||
	    (r = pkit_ca_api_static(run->ctx, srv)) != 0 ||
	    (r = pkit_ca_api_sign(run->ctx, srv, auth)) != 0 ||
	    (r = pkit_ca_api_revocation(run->ctx, srv, auth)) != 0 ||
	    (r = pkit_ca_api_acme(run->ctx, srv, auth)) != 0 ||
	    (r = pkit_ca_api_ssh(run->ctx, srv, auth, load_key, &sc,
	    &ssh)) != 0 ||
	    (r = pkit_ca_server_run(run->ctx, srv)) != 0) {
		pkit_ca_server_free(srv);
		pkit_ca_api_ssh_free(ssh);
		pkit_ca_authority_free(auth);
		return cmd_fail(run, r);
	}
	pkit_ca_server_free(srv);
	pkit_ca_api_ssh_free(ssh);
	pkit_ca_authority_free(auth);
	return EXIT_OK;
}

const struct cmd cmd_ca_serve = {
	"serve", serve, NULL, "[<config>]", 0, 1,
	"run the online certificate authority",
	"Serves the certificate authority of <config> (default\n"
	"$PKITPATH/config/ca.json, in step-ca's format) over HTTPS: the\n"
	"routes of step-ca, bare and under /1.0, with its JSON and its error\n"
	"bodies.  Relative paths in the file are taken from $PKITPATH.\n"
	"\n"
	"The server issues its own TLS certificate from the intermediate CA\n"
	"for the dnsNames of ca.json, valid for 24 hours, and replaces it by\n"
	"itself before it expires.  It speaks TLS 1.2 and 1.3 with the cipher\n"
	"suites of ca.json's tls section, and asks clients for a certificate\n"
	"without requiring one; one that is given must chain to the root.\n"
	"\n"
	"Each provisioner of type ACME is an ACME server (RFC 8555) under\n"
	"/acme/<provisioner>/directory, as step-ca mounts it; see pkit ca acme.\n"
	"\n"
	"One event loop runs per CPU.  A request must arrive within the read\n"
	"timeout and a body may hold up to 1 MiB (413 beyond).  Each request\n"
	"is logged on standard error, as text or JSON, without secrets; the\n"
	"line \"Serving HTTPS on <address>\" tells that the server is ready.\n"
	"\n"
	"Active revocation is off unless ca.json enables it: \"crl\" serves a\n"
	"CRL signed by the intermediate at /crl (made again after each\n"
	"revocation and before it expires; see docs/compat.md), \"ocsp\" an\n"
	"OCSP responder at /ocsp; leaves then name them (CRL distribution\n"
	"point, AIA).\n"
	"\n"
	"SIGHUP reloads the configuration: requests after it use the new one,\n"
	"and a configuration that does not load is reported and ignored.\n"
	"SIGTERM or SIGINT stops accepting, lets requests in flight finish and\n"
	"exits with status 0.",
	"Serve $PKITPATH/config/ca.json, unlocking the intermediate key with "
	"a\npassword file:\n"
	"  $ pkit ca serve --password-file pw.txt\n"
	"Serve a configuration on another address, logging JSON:\n"
	"  $ pkit ca serve --address 127.0.0.1:9443 --log-format json "
	"ca.json\n",
	serve_opts
};

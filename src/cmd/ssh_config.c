/* ssh_config.c - `pkit ssh config`: the known_hosts, ssh_config and
 * sshd_config text that trusts an SSH CA, from its public keys. */
#include "config.h"

#include <sys/utsname.h>

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ca_client.h"
#include "cmd.h"
#include "lib/ca/client.h"
#include "lib/fs.h"
#include "lib/sshca.h"
#include "lib/sshcert.h"

#define CONFIG_FILE_MAX (4 * 1024 * 1024)

struct config_opts {
	struct ca_flags ca;
	struct strvec user_ca, host_ca, set;
	const char *dir;
	int host, roots, federation, dry_run, force;
};

#define T struct config_opts
static const struct cmd_opt config_opts[] = {
	{ "host", 0, OPT_BOOL, offsetof(T, host), NULL,
	  "configure an SSH server (sshd) rather than a client" },
	{ "roots", 0, OPT_BOOL, offsetof(T, roots), NULL,
	  "print the user CA keys (with --host the host CA keys) and stop" },
	{ "user-ca", 0, OPT_LIST, offsetof(T, user_ca), "file",
	  "a public key of the CA that signs user certificates (repeatable)",
	  NULL, OPT_F_FILE },
	{ "host-ca", 0, OPT_LIST, offsetof(T, host_ca), "file",
	  "a public key of the CA that signs host certificates (repeatable)",
	  NULL, OPT_F_FILE },
	{ "set", 0, OPT_LIST, offsetof(T, set), "key=value",
	  "a variable of the CA's templates (repeatable); else, with --host, "
	  "Key=<host key> or Certificate=<host certificate>" },
	{ "dir", 0, OPT_STRING, offsetof(T, dir), "dir",
	  "with --host: the sshd configuration directory (default /etc/ssh); "
	  "nothing is written outside it",
	  NULL, OPT_F_DIR },
	{ "dry-run", 0, OPT_BOOL, offsetof(T, dry_run), NULL,
	  "print the files and blocks instead of writing them" },
	{ "federation", 0, OPT_BOOL, offsetof(T, federation), NULL,
	  "write from the CA's keys and its federated ones (/ssh/federation), "
	  "not its templates" },
	OPT_FORCE(T),
	OPT_CA_URL(T, ca),
	OPT_CA_ROOT(T, ca),
	{ 0 }
};
#undef T

/* Load each public key file of files into keys[]. */
static int
load_keys(struct cmd_run *run, const struct strvec *files, EVP_PKEY ***out)
{
	EVP_PKEY **keys;
	size_t i;
	int r;

	*out = NULL;
	if ((keys = calloc(files->n + 1, sizeof(*keys))) == NULL)
		return pkit_seterr(run->ctx, PKIT_ERR_NOMEM, "CA keys");
	for (i = 0; i < files->n; i++) {
		if ((r = cmd_key_load_public(run, files->v[i], &keys[i])) != 0) {
			while (i-- > 0)
				EVP_PKEY_free(keys[i]);
			free(keys);
			return r;
		}
	}
	*out = keys;
	return PKIT_OK;
}

static void
free_keys(EVP_PKEY **keys, size_t n)
{
	size_t i;

	if (keys == NULL)
		return;
	for (i = 0; i < n; i++)
		EVP_PKEY_free(keys[i]);
	free(keys);
}

/* One file to write: whole (pkit owns it) or merged (a block between
 * pkit's markers in someone's config file). */
struct out_file {
	char *path;
	char *text;		/* what the file will hold */
	const char *block;	/* merged files: the block, for --dry-run */
	size_t len;		/* of text when not 0 (it may hold a NUL) */
	const char *label;	/* for --dry-run; NULL: "block" for blocks */
	int dir;		/* a directory to make, no text */
	int mkparent;		/* make the directory it is in first */
	int private;		/* 0600, as step writes template files */
};

/* Everything is checked and computed before the first write, so that a
 * refusal leaves no file half-done. */
static int
prepare_whole(struct cmd_run *run, const struct config_opts *o,
    struct out_file *f)
{
	if (o->dry_run)
		return PKIT_OK;
	return cmd_may_overwrite(run, f->path, o->force);
}

static int
prepare_merge(struct cmd_run *run, const struct config_opts *o,
    struct out_file *f)
{
	unsigned char *old = NULL;
	size_t len = 0;
	char *text = NULL, msg[sizeof(run->ctx->errbuf)];
	int r;

	f->block = f->text;
	if (o->dry_run)
		return PKIT_OK;
	if (pkit_file_exists(f->path) && (r = pkit_file_read(run->ctx,
	    f->path, CONFIG_FILE_MAX, &old, &len)) != 0)
		return r;
	if ((r = pkit_sshconfig_merge(run->ctx, old != NULL ?
	    (const char *)old : "", len, f->block, &text)) != 0) {
		snprintf(msg, sizeof(msg), "%s", pkit_ctx_errmsg(run->ctx, r));
		r = pkit_seterr(run->ctx, r, "%s: %s", f->path, msg);
		free(old);
		return r;
	}
	free(old);
	f->text = text;		/* f->block keeps the block */
	return PKIT_OK;
}

/* The directory part of path, made (0700, as step). */
static int
mkparent(struct cmd_run *run, const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int r;

	if (slash == NULL || slash == path)
		return PKIT_OK;
	if ((dir = strndup(path, (size_t)(slash - path))) == NULL)
		return pkit_seterr(run->ctx, PKIT_ERR_NOMEM, "%s", path);
	r = pkit_mkdirs(run->ctx, dir, 0700);
	free(dir);
	return r;
}

static int
write_files(struct cmd_run *run, const struct config_opts *o,
    struct out_file *f, size_t n)
{
	const char *shown, *label;
	size_t i, len;
	int r;

	for (i = 0; i < n; i++) {
		if (o->dry_run) {
			shown = f[i].block != NULL ? f[i].block :
			    f[i].text != NULL ? f[i].text : "";
			len = f[i].block == NULL && f[i].len != 0 ? f[i].len :
			    strlen(shown);
			label = f[i].label != NULL ? f[i].label :
			    f[i].block != NULL ? "block" : NULL;
			printf("# %s%s%s%s\n", f[i].path, label != NULL ? " (" :
			    "", label != NULL ? label : "", label != NULL ?
			    ")" : "");
			fwrite(shown, 1, len, stdout);
			if (len > 0 && shown[len - 1] != '\n')
				putchar('\n');
			continue;
		}
		if (f[i].dir) {
			if ((r = pkit_mkdirs(run->ctx, f[i].path, 0700)) != 0)
				return r;
			fprintf(stderr, "Made %s.\n", f[i].path);
			continue;
		}
		if (f[i].mkparent && (r = mkparent(run, f[i].path)) != 0)
			return r;
		if ((r = pkit_file_write(run->ctx, f[i].path, f[i].text,
		    f[i].len != 0 ? f[i].len : strlen(f[i].text),
		    PKIT_WRITE_FORCE | (f[i].private ? PKIT_WRITE_PRIVATE :
		    0))) != 0)
			return r;
		fprintf(stderr, "%s %s.\n", f[i].block != NULL ? "Updated" :
		    "Wrote", f[i].path);
	}
	return PKIT_OK;
}

static void
free_files(struct out_file *f, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(f[i].path);
		if (f[i].block != f[i].text)
			free((char *)f[i].block);
		free(f[i].text);
	}
}

static int
mkdirs(struct cmd_run *run, const struct config_opts *o, const char *dir)
{
	return o->dry_run ? PKIT_OK : pkit_mkdirs(run->ctx, dir, 0700);
}

static int
client_config(struct cmd_run *run, const struct config_opts *o,
    EVP_PKEY **keys, size_t n)
{
	const char *home = getenv("HOME");
	struct out_file f[3];
	char *dir = NULL, *udir = NULL;
	int r;

	memset(f, 0, sizeof(f));
	if (home == NULL || *home == '\0')
		return pkit_seterr(run->ctx, PKIT_ERR_NOT_FOUND,
		    "%s: HOME is not set", run->path);
	if (asprintf(&dir, "%s/ssh", run->g->base) < 0 ||
	    asprintf(&f[0].path, "%s/known_hosts", dir) < 0 ||
	    asprintf(&f[1].path, "%s/config", dir) < 0 ||
	    asprintf(&udir, "%s/.ssh", home) < 0 ||
	    asprintf(&f[2].path, "%s/config", udir) < 0 ||
	    asprintf(&f[2].text, "Host *\n\tInclude \"%s\"\n",
	    f[1].path) < 0) {
		r = pkit_seterr(run->ctx, PKIT_ERR_NOMEM, "%s", run->path);
		goto out;
	}
	if ((r = pkit_sshconfig_known_hosts(run->ctx, keys, n, NULL,
	    &f[0].text)) != 0 ||
	    (r = pkit_sshconfig_client(run->ctx, f[0].path,
	    &f[1].text)) != 0 ||
	    (r = prepare_whole(run, o, &f[0])) != 0 ||
	    (r = prepare_whole(run, o, &f[1])) != 0 ||
	    (r = prepare_merge(run, o, &f[2])) != 0 ||
	    (r = mkdirs(run, o, dir)) != 0 ||
	    (r = mkdirs(run, o, udir)) != 0)
		goto out;
	r = write_files(run, o, f, 3);
out:
	free_files(f, 3);
	free(dir);
	free(udir);
	return r;
}

/* path when absolute, else dir/path. */
static char *
in_dir(const char *dir, const char *path)
{
	char *s;

	if (path[0] == '/')
		return strdup(path);
	if (asprintf(&s, "%s/%s", dir, path) < 0)
		return NULL;
	return s;
}

static int
host_config(struct cmd_run *run, const struct config_opts *o,
    EVP_PKEY **keys, size_t n, const char *key, const char *cert)
{
	const char *dir = o->dir != NULL ? o->dir : "/etc/ssh";
	struct out_file f[2];
	char *k = NULL, *c = NULL;
	int r;

	memset(f, 0, sizeof(f));
	if ((f[0].path = in_dir(dir, "ca.pub")) == NULL ||
	    (f[1].path = in_dir(dir, "sshd_config")) == NULL ||
	    (k = in_dir(dir, key)) == NULL || (c = in_dir(dir, cert)) == NULL) {
		r = pkit_seterr(run->ctx, PKIT_ERR_NOMEM, "%s", run->path);
		goto out;
	}
	if ((r = pkit_sshconfig_keys(run->ctx, keys, n, &f[0].text)) != 0 ||
	    (r = pkit_sshconfig_sshd(run->ctx, f[0].path, k, c,
	    &f[1].text)) != 0 ||
	    (r = prepare_whole(run, o, &f[0])) != 0 ||
	    (r = prepare_merge(run, o, &f[1])) != 0 ||
	    (r = mkdirs(run, o, dir)) != 0)
		goto out;
	r = write_files(run, o, f, 2);
out:
	free_files(f, 2);
	free(k);
	free(c);
	return r;
}

/* The host (or user) CA keys from the CA's /ssh/roots (with
 * --federation /ssh/federation).  Returns EXIT_OK or the exit status. */
static int
ca_keys(struct cmd_run *run, const struct config_opts *o, int host,
    EVP_PKEY ***keys, size_t *n)
{
	struct ca_config cfg = { 0 };
	struct pkit_ca_client *c = NULL;
	EVP_PKEY **user = NULL, **hostk = NULL;
	size_t nu = 0, nh = 0;
	int r;

	if ((r = ca_config_resolve(run, &o->ca, CA_NEED_URL | CA_NEED_ROOT,
	    &cfg)) != CMD_CONTINUE)
		return r;
	if ((r = ca_client_open(run, &cfg, &c)) != 0 ||
	    (r = pkit_sshca_roots(run->ctx, c, o->federation ?
	    "/ssh/federation" : "/ssh/roots", &user, &nu, &hostk,
	    &nh)) != 0)
		goto out;
	if ((host ? nh : nu) == 0) {
		r = pkit_seterr(run->ctx, PKIT_ERR_NOT_FOUND, "%s: the CA has "
		    "no SSH %s CA key", pkit_ca_client_url(c), host ? "host" :
		    "user");
		goto out;
	}
	*keys = host ? hostk : user;
	*n = host ? nh : nu;
	if (host)
		hostk = NULL;
	else
		user = NULL;
out:
	pkit_sshca_keys_free(user, nu);
	pkit_sshca_keys_free(hostk, nh);
	pkit_ca_client_free(c);
	ca_config_release(&cfg);
	return r != 0 ? cmd_fail(run, r) : EXIT_OK;
}

/* ---- the CA's templates (POST /ssh/config) -------------------------- */

/* Go's GOOS for this system, as step sends it ("linux", "darwin", ...). */
static void
goos(char *buf, size_t size)
{
	struct utsname u;
	size_t i;

	if (uname(&u) != 0 || strlen(u.sysname) >= size)
		u.sysname[0] = '\0';
	for (i = 0; u.sysname[i] != '\0'; i++)
		buf[i] = (char)tolower((unsigned char)u.sysname[i]);
	buf[i] = '\0';
	if (i == 0)
		snprintf(buf, size, "linux");
}

/* Where a template's path is, as step writes it: ${STEPPATH} is the base
 * directory ($PKITPATH), "~/" the home directory, and a relative path
 * is under the base directory of the context in use. */
static int
tmpl_path(struct cmd_run *run, const char *p, char **out)
{
	const char *top = run->g->home != NULL ? run->g->home : run->g->base;
	const char *home = getenv("HOME"), *v;
	char *s = NULL;
	size_t len = 0;
	FILE *m;
	int ok;

	*out = NULL;
	if ((m = open_memstream(&s, &len)) == NULL)
		return pkit_seterr(run->ctx, PKIT_ERR_NOMEM, "%s", p);
	while ((v = strstr(p, "${STEPPATH}")) != NULL) {
		fwrite(p, 1, (size_t)(v - p), m);
		fputs(top, m);
		p = v + strlen("${STEPPATH}");
	}
	fputs(p, m);
	ok = fclose(m) == 0;
	if (!ok || s == NULL) {
		free(s);
		return pkit_seterr(run->ctx, PKIT_ERR_NOMEM, "%s", p);
	}
	if (s[0] == '~' && (s[1] == '/' || s[1] == '\0')) {
		if (home == NULL || *home == '\0') {
			free(s);
			return pkit_seterr(run->ctx, PKIT_ERR_NOT_FOUND,
			    "%s: HOME is not set", run->path);
		}
		ok = asprintf(out, "%s%s", home, s + 1) >= 0;
	} else if (s[0] != '/')
		ok = asprintf(out, "%s/%s", run->g->base, s) >= 0;
	else {
		*out = s;
		return PKIT_OK;
	}
	free(s);
	if (!ok) {
		*out = NULL;
		return pkit_seterr(run->ctx, PKIT_ERR_NOMEM, "%s", run->path);
	}
	return PKIT_OK;
}

/* 1 when path is dir or below it, without a ".." step out. */
static int
under(const char *dir, const char *path)
{
	size_t n = strlen(dir);

	while (n > 0 && dir[n - 1] == '/')
		n--;
	if (strncmp(path, dir, n) != 0 || (path[n] != '/' && path[n] != '\0'))
		return 0;
	return strstr(path, "/../") == NULL && (strlen(path) < 3 ||
	    strcmp(path + strlen(path) - 3, "/..") != 0);
}

/* One template of the answer as a file to write, checked and computed
 * now, like the others. */
static int
prepare_tmpl(struct cmd_run *run, const struct config_opts *o,
    const char *dir, const struct pkit_sshca_tmpl *t, struct out_file *f)
{
	const char *content = t->content != NULL ?
	    (const char *)t->content : "";
	unsigned char *old = NULL;
	size_t oldlen = 0, n;
	char *line;
	int r;

	if ((r = tmpl_path(run, t->path, &f->path)) != 0)
		return r;
	if (dir != NULL && !under(dir, f->path))
		return pkit_seterr(run->ctx, PKIT_ERR_ARG, "the CA's template "
		    "%s writes %s, which is not in --dir %s", t->name, f->path,
		    dir);
	if (strcmp(t->type, "directory") == 0) {
		f->dir = 1;
		f->label = "directory";
		return PKIT_OK;
	}
	f->mkparent = 1;
	if (strcmp(t->type, "file") == 0) {
		if ((f->text = malloc(t->len + 1)) == NULL)
			return pkit_seterr(run->ctx, PKIT_ERR_NOMEM, "%s",
			    f->path);
		memcpy(f->text, content, t->len);
		f->text[t->len] = '\0';
		f->len = t->len;
		f->private = 1;
		return prepare_whole(run, o, f);
	}
	if (strlen(content) != t->len)
		return pkit_seterr(run->ctx, PKIT_ERR_FORMAT, "the CA's "
		    "template %s: a NUL byte in a %s", t->name, t->type);
	if (strcmp(t->type, "prepend-line") != 0) {
		/* "snippet", and what step also writes as one */
		if ((f->text = strdup(content)) == NULL)
			return pkit_seterr(run->ctx, PKIT_ERR_NOMEM, "%s",
			    f->path);
		return prepare_merge(run, o, f);
	}
	for (n = strlen(content); n > 0 && isspace((unsigned char)content[n -
	    1]); n--)
		;
	if ((line = strndup(content, n)) == NULL)
		return pkit_seterr(run->ctx, PKIT_ERR_NOMEM, "%s", f->path);
	f->block = line;
	f->label = "first line";
	if (o->dry_run)
		return PKIT_OK;
	if (pkit_file_exists(f->path) && (r = pkit_file_read(run->ctx,
	    f->path, CONFIG_FILE_MAX, &old, &oldlen)) != 0)
		return r;
	r = pkit_sshconfig_prepend(run->ctx, old != NULL ? (const char *)old :
	    "", oldlen, line, &f->text);
	free(old);
	return r;
}

/* --set key=value pairs, after what pkit sends as step does: GOOS,
 * StepPath, StepBasePath, StepSSHTemplateVersion, Context, and Dir for
 * --dir. */
static int
tmpl_data(struct cmd_run *run, const struct config_opts *o, const char *dir,
    json_t **out)
{
	const char *top = run->g->home != NULL ? run->g->home : run->g->base;
	char os[64], *k;
	json_t *d;
	size_t i;
	int bad = 0;

	goos(os, sizeof(os));
	if ((d = json_pack("{s:s,s:s,s:s,s:s}", "GOOS", os, "StepPath",
	    run->g->base, "StepBasePath", top, "StepSSHTemplateVersion",
	    "v2")) == NULL)
		return pkit_seterr(run->ctx, PKIT_ERR_NOMEM, "%s", run->path);
	if (run->g->context != NULL)
		bad |= json_object_set_new(d, "Context",
		    json_string(run->g->context));
	if (dir != NULL)
		bad |= json_object_set_new(d, "Dir", json_string(dir));
	for (i = 0; i < o->set.n; i++) {
		const char *eq = strchr(o->set.v[i], '=');

		if ((k = strndup(o->set.v[i], (size_t)(eq - o->set.v[i]))) ==
		    NULL) {
			bad = 1;
			break;
		}
		bad |= json_object_set_new(d, k, json_string(eq + 1));
		free(k);
	}
	if (bad) {
		json_decref(d);
		return pkit_seterr(run->ctx, PKIT_ERR_ARG, "--set: a key or "
		    "value is not UTF-8");
	}
	*out = d;
	return PKIT_OK;
}

/* Write what the CA's templates say; the exit status. */
static int
template_config(struct cmd_run *run, const struct config_opts *o)
{
	struct ca_config cfg = { 0 };
	struct pkit_ca_client *c = NULL;
	struct pkit_sshca_tmpl *t = NULL;
	struct out_file *f = NULL;
	char *dir = NULL, cwd[PATH_MAX];
	json_t *data = NULL;
	size_t i, n = 0;
	int r;

	if ((r = ca_config_resolve(run, &o->ca, CA_NEED_URL | CA_NEED_ROOT,
	    &cfg)) != CMD_CONTINUE)
		return r;
	/* an absolute --dir: the templates name paths in it */
	if (o->dir != NULL) {
		if (o->dir[0] == '/')
			dir = strdup(o->dir);
		else if (getcwd(cwd, sizeof(cwd)) == NULL ||
		    asprintf(&dir, "%s/%s", cwd, o->dir) < 0)
			dir = NULL;
		if (dir == NULL) {
			r = pkit_seterr_sys(run->ctx, "%s", o->dir);
			goto out;
		}
	}
	if ((r = tmpl_data(run, o, dir, &data)) != 0 ||
	    (r = ca_client_open(run, &cfg, &c)) != 0 ||
	    (r = pkit_sshca_config(run->ctx, c, o->host, data, &t, &n,
	    NULL)) != 0)
		goto out;
	if (n == 0) {
		fprintf(stderr, "No configuration changes were found.\n");
		goto out;
	}
	if ((f = calloc(n, sizeof(*f))) == NULL) {
		r = pkit_seterr(run->ctx, PKIT_ERR_NOMEM, "%s", run->path);
		goto out;
	}
	for (i = 0; i < n; i++)
		if ((r = prepare_tmpl(run, o, dir, &t[i], &f[i])) != 0)
			goto out;
	r = write_files(run, o, f, n);
out:
	if (f != NULL)
		free_files(f, n);
	free(f);
	pkit_sshca_tmpl_free(t, n);
	json_decref(data);
	free(dir);
	pkit_ca_client_free(c);
	ca_config_release(&cfg);
	return r != 0 ? cmd_fail(run, r) : EXIT_OK;
}

static int
cmd_config(struct cmd_run *run, int argc, char **argv)
{
	struct config_opts o;
	const struct strvec *src = NULL;
	const char *key = "ssh_host_ecdsa_key";
	const char *cert = "ssh_host_ecdsa_key-cert.pub";
	EVP_PKEY **keys = NULL;
	char **args, *text = NULL;
	size_t i, nkeys = 0;
	int nargs, r, ret;

	memset(&o, 0, sizeof(o));
	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) !=
	    CMD_CONTINUE) {
		ret = r;
		goto out;
	}
	for (i = 0; i < o.set.n; i++) {
		if (o.set.v[i][0] == '=' || strchr(o.set.v[i], '=') == NULL) {
			ret = cmd_usage_error(run, "--set: '%s' is not "
			    "<key>=<value>", o.set.v[i]);
			goto out;
		}
	}
	if (o.dir != NULL && !o.host) {
		ret = cmd_usage_error(run, "--dir needs --host");
		goto out;
	}
	if (o.roots && (o.set.n > 0 || o.dry_run)) {
		ret = cmd_usage_error(run, "--roots goes with neither --set "
		    "nor --dry-run");
		goto out;
	}
	/* --roots prints the keys that verify user certificates (host
	 * ones with --host); a client trusts host CAs, a server user CAs. */
	if (o.roots)
		src = o.host ? &o.host_ca : &o.user_ca;
	else
		src = o.host ? &o.user_ca : &o.host_ca;
	if (src->n > 0 && o.federation) {
		ret = cmd_usage_error(run, "--federation is for keys from the "
		    "CA, not from --user-ca or --host-ca files");
		goto out;
	}
	/* keys from the CA: its templates write the configuration */
	if (src->n == 0 && !o.roots && !o.federation) {
		ret = template_config(run, &o);
		goto out;
	}
	/* pkit's own: --set names the sshd host key and certificate */
	for (i = 0; i < o.set.n; i++) {
		if (!o.host) {
			ret = cmd_usage_error(run, "--set needs --host, or the "
			    "CA's templates");
			goto out;
		}
		if (strncmp(o.set.v[i], "Key=", 4) == 0 && o.set.v[i][4])
			key = o.set.v[i] + 4;
		else if (strncmp(o.set.v[i], "Certificate=", 12) == 0 &&
		    o.set.v[i][12])
			cert = o.set.v[i] + 12;
		else {
			ret = cmd_usage_error(run, "--set: '%s' is not "
			    "Key=<file> or Certificate=<file>", o.set.v[i]);
			goto out;
		}
	}
	if (src->n == 0) {
		/* the keys come from the CA */
		if ((ret = ca_keys(run, &o, src == &o.host_ca, &keys,
		    &nkeys)) != EXIT_OK)
			goto out;
	} else if ((r = load_keys(run, src, &keys)) != 0) {
		ret = cmd_fail(run, r);
		goto out;
	} else
		nkeys = src->n;
	if (o.roots) {
		if ((r = pkit_sshconfig_keys(run->ctx, keys, nkeys,
		    &text)) == 0)
			fputs(text, stdout);
	} else if (o.host) {
		r = host_config(run, &o, keys, nkeys, key, cert);
	} else {
		r = client_config(run, &o, keys, nkeys);
	}
	ret = r != 0 ? cmd_fail(run, r) : EXIT_OK;
out:
	free(text);
	free_keys(keys, nkeys);
	strvec_clear(&o.user_ca);
	strvec_clear(&o.host_ca);
	strvec_clear(&o.set);
	return ret;
}

const struct cmd cmd_ssh_config = {
	"config", cmd_config, NULL, NULL, 0, 0,
	"write the ssh or sshd configuration that trusts an SSH CA",
	"With --host-ca or --user-ca key files, pkit writes the "
	"configuration\nitself.  For a client (the default): "
	"$PKITPATH/ssh/known_hosts with an\n\"@cert-authority *\" line for "
	"each --host-ca key, $PKITPATH/ssh/config\nthat makes ssh read it for "
	"every host, and a block in ~/.ssh/config\nthat includes that file, "
	"so that ssh accepts any host certificate the\nCA signed.  With "
	"--host, for a server: <dir>/ca.pub (default\n/etc/ssh/ca.pub) with "
	"the --user-ca keys, and a block in\n<dir>/sshd_config that sets "
	"TrustedUserCAKeys to it and the host key and\ncertificate (--set "
	"Key=..., --set Certificate=...; by default\nssh_host_ecdsa_key and "
	"its -cert.pub, relative to <dir>).\n\nWithout key files the CA's "
	"templates decide, as for step ssh config:\nPOST /ssh/config to the "
	"CA (--ca-url or $PKITPATH/config/defaults.json,\nas for 'pkit ca' "
	"commands) with the variables GOOS, StepPath\n($PKITPATH), "
	"StepBasePath, StepSSHTemplateVersion, Context, Dir (--dir)\nand each "
	"--set key=value.  Each template of the answer is a "
	"\"file\"\n(written 0600), a \"snippet\" (a block), a "
	"\"prepend-line\" (the first line\nof the file, other copies of it "
	"removed) or a \"directory\", at its path:\n${STEPPATH} is $PKITPATH, "
	"~/ the home directory, and a relative path is\nunder $PKITPATH.  "
	"With --dir nothing is written outside it.  A pkit CA\nwithout "
	"templates.ssh in its ca.json answers the files above, from its\nkeys "
	"of /ssh/roots.  With --federation pkit writes them itself from "
	"the\nkeys of /ssh/federation.\n\nThe blocks sit between \"# BEGIN "
	"pkit ssh config\" and \"# END pkit ssh\nconfig\" lines at the top of "
	"the file and are replaced on the next run;\nthe rest of the file is "
	"kept.  An existing file is replaced only with\n--force; nothing is "
	"written when one is refused.  --dry-run prints\ninstead of writing.  "
	"--roots prints the user CA keys (with --host the\nhost CA keys), one "
	"per line, as step ssh config --roots does.",
	"Trust host certificates signed by a CA, for this user:\n"
	"  $ pkit ssh config --host-ca host_ca.pub\n"
	"Make sshd trust user certificates of a CA:\n"
	"  $ pkit ssh config --host --user-ca user_ca.pub\n"
	"Print the CA keys that sign user certificates:\n"
	"  $ pkit ssh config --roots --user-ca user_ca.pub\n"
	"Trust the host certificates of the CA at --ca-url, and print its "
	"host\nCA keys:\n"
	"  $ pkit ssh config --ca-url https://ca.example.com --root "
	"root_ca.crt\n"
	"  $ pkit ssh config --host --roots\n"
	"Configure sshd as the CA's templates say:\n"
	"  $ pkit ssh config --host "
	"--set Certificate=ssh_host_ecdsa_key-cert.pub \\\n"
	"      --set Key=ssh_host_ecdsa_key\n"
	"Show what the CA's templates would write for a user:\n"
	"  $ pkit ssh config --dry-run --set User=joe\n",
	config_opts
};

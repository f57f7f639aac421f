/* msg.c - the one reporter, and the prompts that verbs share. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "lib/fs.h"
#include "lib/secret.h"
#include "lib/ui.h"

int
cmd_fail(struct cmd_run *run, int r)
{
	if (run->ctx->errbuf[0] != '\0')
		fprintf(stderr, "%s: %s\n", PROG, run->ctx->errbuf);
	else
		fprintf(stderr, "%s: %s: %s\n", PROG, run->path,
		    pkit_strerror(r));
	return r == PKIT_ERR_USAGE ? EXIT_USAGE : EXIT_FAIL;
}

int
cmd_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", PROG);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_FAIL;
}

void
cmd_warn(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: warning: ", PROG);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
cmd_usage_error(struct cmd_run *run, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: %s: ", PROG, run->path);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see '%s %s --help')\n", PROG, run->path);
	return EXIT_USAGE;
}

int
cmd_interactive(struct cmd_run *run)
{
	return run->g->interactive && pkit_ui_can_prompt();
}

int
cmd_password(struct cmd_run *run, const char *file, const char *prompt,
    int confirm, const char *flagname, char **out)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	int r;

	*out = NULL;
	if (file != NULL) {
		if ((r = pkit_file_read(run->ctx, file, 64 * 1024, &buf, &len)) != 0)
			return r;
		if (memchr(buf, '\0', len) != NULL) {
			pkit_secret_free(buf, len);
			return pkit_seterr(run->ctx, PKIT_ERR_FORMAT,
			    "%s: password file holds a NUL byte", file);
		}
		/* Only the first line is the password; a trailing newline
		 * is never part of it. */
		len = strcspn((char *)buf, "\n");
		buf[len] = '\0';
		pkit_ui_chomp((char *)buf, &len);
		*out = (char *)buf;
		return PKIT_OK;
	}
	if (!cmd_interactive(run))
		return pkit_seterr(run->ctx, PKIT_ERR_NO_TTY,
		    "%s: a password is needed and there is no terminal to ask "
		    "on; use %s", run->path, flagname);
	return pkit_ui_password(run->ctx, prompt, confirm, out);
}

int
cmd_may_overwrite(struct cmd_run *run, const char *path, int force)
{
	char q[512];
	int yes = 0, r;

	if (force || strcmp(path, "-") == 0 || !pkit_file_exists(path))
		return PKIT_OK;
	if (!cmd_interactive(run))
		return pkit_seterr(run->ctx, PKIT_ERR_EXISTS,
		    "%s: file exists (use --force to overwrite)", path);
	snprintf(q, sizeof(q), "Would you like to overwrite %s [y/n]: ", path);
	if ((r = pkit_ui_confirm(run->ctx, q, &yes)) != 0)
		return r;
	if (!yes)
		return pkit_seterr(run->ctx, PKIT_ERR_EXISTS,
		    "%s: file exists", path);
	return PKIT_OK;
}

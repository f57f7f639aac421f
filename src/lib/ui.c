/* ui.c - prompts on the controlling terminal. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "secret.h"
#include "ui.h"

#define PROMPT_MAX 1024

int
pkit_ui_can_prompt(void)
{
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd == -1)
		return 0;
	close(fd);
	return 1;
}

/* Read one line from the terminal into buf (NUL-terminated, no newline). */
static int
tty_read(struct pkit_ctx *ctx, const char *prompt, int echo, char *buf,
    size_t size)
{
	struct termios saved, quiet;
	size_t len = 0;
	int fd, restore = 0, r = PKIT_ERR_INTERNAL;
	char c;

	if ((fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)) == -1)
		return pkit_seterr(ctx, PKIT_ERR_NO_TTY, "no terminal to prompt on");
	if (!echo && tcgetattr(fd, &saved) == 0) {
		quiet = saved;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		quiet.c_lflag |= ICANON;
		if (tcsetattr(fd, TCSAFLUSH, &quiet) == 0)
			restore = 1;
	}
	if (write(fd, prompt, strlen(prompt)) < 0) {
		r = pkit_seterr_sys(ctx, "terminal");
		goto out;
	}
	for (;;) {
		ssize_t n = read(fd, &c, 1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = pkit_seterr_sys(ctx, "terminal");
			goto out;
		}
		if (n == 0 || c == '\n' || c == '\r')
			break;
		if (len + 1 >= size) {
			r = pkit_seterr(ctx, PKIT_ERR_TOO_LARGE, "answer too long");
			goto out;
		}
		buf[len++] = c;
	}
	buf[len] = '\0';
	r = PKIT_OK;
out:
	if (restore) {
		tcsetattr(fd, TCSAFLUSH, &saved);
		(void)!write(fd, "\n", 1);
	}
	pkit_secret_wipe(&c, sizeof(c));
	if (r != PKIT_OK)
		pkit_secret_wipe(buf, size);
	close(fd);
	return r;
}

int
pkit_ui_password(struct pkit_ctx *ctx, const char *prompt, int confirm,
    char **out)
{
	char *a = NULL, *b = NULL;
	int r = PKIT_ERR_INTERNAL;

	*out = NULL;
	if ((a = calloc(1, PROMPT_MAX)) == NULL ||
	    (b = calloc(1, PROMPT_MAX)) == NULL) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "password");
		goto out;
	}
	if ((r = tty_read(ctx, prompt, 0, a, PROMPT_MAX)) != 0)
		goto out;
	if (confirm) {
		if ((r = tty_read(ctx, "Confirm the password: ", 0, b,
		    PROMPT_MAX)) != 0)
			goto out;
		if (strlen(a) != strlen(b) ||
		    !pkit_secret_eq(a, b, strlen(a))) {
			r = pkit_seterr(ctx, PKIT_ERR_MISMATCH,
			    "the passwords do not match");
			goto out;
		}
	}
	if ((*out = strdup(a)) == NULL) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "password");
		goto out;
	}
	r = PKIT_OK;
out:
	pkit_secret_free(a, PROMPT_MAX);
	pkit_secret_free(b, PROMPT_MAX);
	return r;
}

int
pkit_ui_confirm(struct pkit_ctx *ctx, const char *question, int *yes)
{
	char buf[64];
	int r;

	*yes = 0;
	if ((r = tty_read(ctx, question, 1, buf, sizeof(buf))) != 0)
		return r;
	*yes = buf[0] == 'y' || buf[0] == 'Y';
	return PKIT_OK;
}

void
pkit_ui_chomp(char *s, size_t *len)
{
	size_t n = len != NULL ? *len : strlen(s);

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
	if (len != NULL)
		*len = n;
}

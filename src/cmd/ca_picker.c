/* ca_picker.c - choosing one item of a list on the terminal with the arrow
 * keys, as step's provisioner prompt does.  The list is drawn on
 * /dev/tty (never on stdout, which may be a pipe such as
 * `TOKEN=$(pkit ca token ...)`), in raw mode that is always restored. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "ca_client.h"
#include "cmd.h"

/* Items shown at once; longer lists scroll. */
#define PICK_ROWS 10

enum key {
	KEY_NONE,
	KEY_UP,
	KEY_DOWN,
	KEY_ENTER,
	KEY_CANCEL,
	KEY_DIGIT,
};

static int
tty_puts(int fd, const char *s)
{
	size_t n = strlen(s);
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, s, n)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* One byte from the terminal, waiting at most ms milliseconds (-1:
 * forever).  0 when none came in time. */
static int
tty_byte(int fd, int ms, unsigned char *c)
{
	struct pollfd p = { fd, POLLIN, 0 };
	ssize_t n;
	int r;

	for (;;) {
		if ((r = poll(&p, 1, ms)) < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r;
		if ((n = read(fd, c, 1)) < 0 && errno == EINTR)
			continue;
		return n == 1 ? 1 : -1;
	}
}

/* The next key: arrows (CSI or SS3 form), j/k, Ctrl-N/Ctrl-P, Enter,
 * digits; Ctrl-C, Ctrl-D, Escape alone and q cancel. */
static enum key
read_key(int fd, int *digit)
{
	unsigned char c, a, b;

	if (tty_byte(fd, -1, &c) != 1)
		return KEY_CANCEL;
	switch (c) {
	case '\r':
	case '\n':
		return KEY_ENTER;
	case 3:		/* Ctrl-C */
	case 4:		/* Ctrl-D */
	case 'q':
		return KEY_CANCEL;
	case 'k':
	case 16:	/* Ctrl-P */
		return KEY_UP;
	case 'j':
	case 14:	/* Ctrl-N */
		return KEY_DOWN;
	case 27:
		if (tty_byte(fd, 50, &a) != 1)
			return KEY_CANCEL;
		if ((a != '[' && a != 'O') || tty_byte(fd, 50, &b) != 1)
			return KEY_NONE;
		return b == 'A' ? KEY_UP : b == 'B' ? KEY_DOWN : KEY_NONE;
	default:
		if (c >= '1' && c <= '9') {
			*digit = c - '1';
			return KEY_DIGIT;
		}
		return KEY_NONE;
	}
}

/* Draw rows [top, top+rows) with the mark on sel; the cursor ends below
 * the last row. */
static int
draw(int fd, const char *const *items, size_t n, size_t top, size_t rows,
    size_t sel)
{
	char line[1024];
	size_t i;

	for (i = top; i < top + rows && i < n; i++) {
		snprintf(line, sizeof(line), "\r\033[K%s%s\033[0m\r\n",
		    i == sel ? "  \033[36m\xe2\x96\xb8 " : "    ", items[i]);
		if (tty_puts(fd, line) != 0)
			return -1;
	}
	return 0;
}

int
ca_pick(struct cmd_run *run, const char *title, const char *const *items,
    size_t n, size_t *choice)
{
	struct termios saved, raw;
	size_t sel = 0, top = 0, rows = n < PICK_ROWS ? n : PICK_ROWS;
	char buf[1024];
	int fd, digit = 0, r = PKIT_ERR_INTERNAL, restore = 0;
	enum key k;

	if (n == 0)
		return pkit_seterr(run->ctx, PKIT_ERR_ARG, "nothing to choose "
		    "from");
	if (!cmd_interactive(run) ||
	    (fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)) == -1)
		return pkit_seterr(run->ctx, PKIT_ERR_NO_TTY, "no terminal to "
		    "choose on");
	if (tcgetattr(fd, &saved) != 0) {
		close(fd);
		return pkit_seterr_sys(run->ctx, "terminal");
	}
	raw = saved;
	raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ECHONL | ISIG | IEXTEN);
	raw.c_iflag &= ~(tcflag_t)(ICRNL | INLCR | IXON);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	if (tcsetattr(fd, TCSAFLUSH, &raw) != 0) {
		r = pkit_seterr_sys(run->ctx, "terminal");
		goto out;
	}
	restore = 1;
	snprintf(buf, sizeof(buf), "Use the arrow keys to navigate: "
	    "\xe2\x86\x93 \xe2\x86\x91, Enter to choose\r\n\033[1m%s\033[0m\r\n"
	    "\033[?25l", title);
	if (tty_puts(fd, buf) != 0 || draw(fd, items, n, top, rows, sel) != 0) {
		r = pkit_seterr_sys(run->ctx, "terminal");
		goto out;
	}
	for (;;) {
		k = read_key(fd, &digit);
		if (k == KEY_ENTER)
			break;
		if (k == KEY_CANCEL) {
			r = pkit_seterr(run->ctx, PKIT_ERR_ARG, "%s: no choice "
			    "made", run->path);
			goto out;
		}
		if (k == KEY_UP && sel > 0)
			sel--;
		else if (k == KEY_DOWN && sel + 1 < n)
			sel++;
		else if (k == KEY_DIGIT && (size_t)digit < n)
			sel = (size_t)digit;
		else
			continue;
		if (sel < top)
			top = sel;
		else if (sel >= top + rows)
			top = sel - rows + 1;
		snprintf(buf, sizeof(buf), "\033[%zuA", rows);
		if (tty_puts(fd, buf) != 0 ||
		    draw(fd, items, n, top, rows, sel) != 0) {
			r = pkit_seterr_sys(run->ctx, "terminal");
			goto out;
		}
	}
	*choice = sel;
	r = PKIT_OK;
out:
	/* Erase the list and the two lines above it; the caller reports
	 * the choice. */
	snprintf(buf, sizeof(buf), "\033[%zuA\r\033[J\033[?25h", rows + 2);
	(void)tty_puts(fd, buf);
	if (restore)
		tcsetattr(fd, TCSAFLUSH, &saved);
	close(fd);
	return r;
}

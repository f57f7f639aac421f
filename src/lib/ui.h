/* ui.h - talking to the person at the terminal.
 *
 * Prompts read from /dev/tty with echo off, never from stdin and never
 * through readline, so secrets stay out of history.  When there is no
 * terminal, every prompt fails with PKIT_ERR_NO_TTY and the caller names
 * the flag that supplies the value instead.
 */
#ifndef PKIT_UI_H
#define PKIT_UI_H

#include <stddef.h>

#include "err.h"

/* 1 when a controlling terminal can be opened for prompting. */
int pkit_ui_can_prompt(void);

/* Prompt for a secret with echo off.  With confirm set, ask twice and
 * fail with PKIT_ERR_MISMATCH when the answers differ.  The result is a
 * NUL-terminated string; free it with pkit_secret_strfree(). */
int pkit_ui_password(struct pkit_ctx *ctx, const char *prompt, int confirm,
    char **out);

/* Ask a yes/no question; *yes is set to 1 for an answer starting with y. */
int pkit_ui_confirm(struct pkit_ctx *ctx, const char *question, int *yes);

/* Strip trailing '\n' and '\r' from a password read from a file. */
void pkit_ui_chomp(char *s, size_t *len);

#endif

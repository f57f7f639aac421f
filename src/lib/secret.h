/* secret.h - wiping and comparing secrets. */
#ifndef PKIT_SECRET_H
#define PKIT_SECRET_H

#include <stddef.h>

/* Overwrite len bytes at p so that the compiler cannot drop it. */
void pkit_secret_wipe(void *p, size_t len);
/* Wipe then free; p may be NULL. */
void pkit_secret_free(void *p, size_t len);
/* Wipe a NUL-terminated string then free it; s may be NULL. */
void pkit_secret_strfree(char *s);
/* Constant-time comparison of two equal-length buffers: 1 if equal. */
int pkit_secret_eq(const void *a, const void *b, size_t len);

#endif

/* secret.c - one place that wipes and compares secrets. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "secret.h"

void
pkit_secret_wipe(void *p, size_t len)
{
	if (p != NULL && len > 0)
		sodium_memzero(p, len);
}

void
pkit_secret_free(void *p, size_t len)
{
	if (p == NULL)
		return;
	sodium_memzero(p, len);
	free(p);
}

void
pkit_secret_strfree(char *s)
{
	if (s == NULL)
		return;
	pkit_secret_free(s, strlen(s));
}

int
pkit_secret_eq(const void *a, const void *b, size_t len)
{
	return sodium_memcmp(a, b, len) == 0;
}

/* digest.c - placeholder. */
#include "config.h"

#include "digest.h"

typedef int pkit_digest_placeholder;

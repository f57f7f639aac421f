/* key.c - placeholder. */
#include "config.h"

#include "key.h"

typedef int pkit_key_placeholder;

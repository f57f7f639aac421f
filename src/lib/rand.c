/* rand.c - placeholder. */
#include "config.h"

#include "rand.h"

typedef int pkit_rand_placeholder;

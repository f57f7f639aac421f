/* nacl.c - placeholder. */
#include "config.h"

#include "nacl.h"

typedef int pkit_nacl_placeholder;

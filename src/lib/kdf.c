/* kdf.c - placeholder. */
#include "config.h"

#include "kdf.h"

typedef int pkit_kdf_placeholder;

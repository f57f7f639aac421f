/* jwk.c - placeholder. */
#include "config.h"

#include "jwk.h"

typedef int pkit_jwk_placeholder;

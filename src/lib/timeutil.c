/* timeutil.c - placeholder. */
#include "config.h"

#include "timeutil.h"

typedef int pkit_timeutil_placeholder;

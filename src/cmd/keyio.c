/* keyio.c - placeholder. */
#include "config.h"

#include "cmd.h"

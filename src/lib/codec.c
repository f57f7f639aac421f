/* codec.c - placeholder. */
#include "config.h"

#include "codec.h"

typedef int pkit_codec_placeholder;

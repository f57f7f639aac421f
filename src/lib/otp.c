/* otp.c - placeholder. */
#include "config.h"

#include "otp.h"

typedef int pkit_otp_placeholder;

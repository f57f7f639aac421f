/* x509.c - placeholder. */
#include "config.h"

#include "x509.h"

typedef int pkit_x509_placeholder;

/* sshkey.c - placeholder. */
#include "config.h"

#include "sshkey.h"

typedef int pkit_sshkey_placeholder;

/* sshkey.h - placeholder. */
#ifndef PKIT_SSHKEY_H
#define PKIT_SSHKEY_H
#endif

/* nacl.h - placeholder. */
#ifndef PKIT_NACL_H
#define PKIT_NACL_H
#endif

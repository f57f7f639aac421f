/* kdf.h - placeholder. */
#ifndef PKIT_KDF_H
#define PKIT_KDF_H
#endif

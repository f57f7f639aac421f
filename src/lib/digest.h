/* digest.h - placeholder. */
#ifndef PKIT_DIGEST_H
#define PKIT_DIGEST_H
#endif

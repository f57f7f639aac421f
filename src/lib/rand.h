/* rand.h - placeholder. */
#ifndef PKIT_RAND_H
#define PKIT_RAND_H
#endif

/* key.h - placeholder. */
#ifndef PKIT_KEY_H
#define PKIT_KEY_H
#endif

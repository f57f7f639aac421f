/* timeutil.h - placeholder. */
#ifndef PKIT_TIMEUTIL_H
#define PKIT_TIMEUTIL_H
#endif

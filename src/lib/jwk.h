/* jwk.h - placeholder. */
#ifndef PKIT_JWK_H
#define PKIT_JWK_H
#endif

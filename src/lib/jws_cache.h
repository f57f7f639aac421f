/* jws_cache.h - per-key state of JWS signing and verification (internal to
 * libpkit: jwk.c makes and frees it with each key object, jws.c fills it). */
#ifndef PKIT_JWS_CACHE_H
#define PKIT_JWS_CACHE_H

struct pkit_jws_cache;

/* An empty cache, or NULL when out of memory (keys then work uncached). */
struct pkit_jws_cache *pkit_jws_cache_new(void);

/* Release a cache and what it holds (HMAC keys are wiped); NULL is a no-op. */
void pkit_jws_cache_free(struct pkit_jws_cache *c);

#endif

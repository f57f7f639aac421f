/* curl_dl.h - libcurl, loaded on first use.
 *
 * libcurl pulls in a large tree of shared libraries (GnuTLS, Kerberos,
 * LDAP ...) whose loading costs about 2.5 ms per process.  Offline verbs
 * must not pay that, so libcurl is opened with dlopen() by the verbs that
 * talk HTTP, and called through this table.
 */
#ifndef PKIT_CURL_DL_H
#define PKIT_CURL_DL_H

#include <curl/curl.h>

#include "err.h"

struct pkit_curl {
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode (*easy_perform)(CURL *);
	CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
	void (*easy_cleanup)(CURL *);
	const char *(*easy_strerror)(CURLcode);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void (*slist_free_all)(struct curl_slist *);
	curl_version_info_data *(*version_info)(CURLversion);
	void (*easy_reset)(CURL *);
	CURLU *(*url)(void);
	void (*url_cleanup)(CURLU *);
	CURLUcode (*url_set)(CURLU *, CURLUPart, const char *, unsigned int);
	CURLUcode (*url_get)(CURLU *, CURLUPart, char **, unsigned int);
	void (*freemem)(void *);	/* curl_free() */
};

/* Load libcurl (once per process) and return its function table. */
int pkit_curl_load(struct pkit_ctx *ctx, const struct pkit_curl **out);

#endif

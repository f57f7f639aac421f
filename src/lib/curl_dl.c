/* curl_dl.c - open libcurl lazily (see curl_dl.h). */
#include "config.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "curl_dl.h"

static struct pkit_curl curl;
static int loaded;	/* 1 loaded, -1 failed */
static char load_error[256];
static pthread_once_t once = PTHREAD_ONCE_INIT;

#define SYM(field, name) do { \
	*(void **)(&curl.field) = dlsym(h, name); \
	if (curl.field == NULL) \
		goto fail; \
} while (0)

static void
load(void)
{
	void *h = dlopen(PKIT_LIBCURL_SONAME, RTLD_NOW | RTLD_LOCAL);
	const char *e;

	if (h == NULL)
		goto fail;
	SYM(easy_init, "curl_easy_init");
	SYM(easy_setopt, "curl_easy_setopt");
	SYM(easy_perform, "curl_easy_perform");
	SYM(easy_getinfo, "curl_easy_getinfo");
	SYM(easy_cleanup, "curl_easy_cleanup");
	SYM(easy_strerror, "curl_easy_strerror");
	SYM(slist_append, "curl_slist_append");
	SYM(slist_free_all, "curl_slist_free_all");
	SYM(version_info, "curl_version_info");
	SYM(easy_reset, "curl_easy_reset");
	SYM(url, "curl_url");
	SYM(url_cleanup, "curl_url_cleanup");
	SYM(url_set, "curl_url_set");
	SYM(url_get, "curl_url_get");
	SYM(freemem, "curl_free");
	if (((CURLcode (*)(long))dlsym(h, "curl_global_init")) == NULL)
		goto fail;
	((CURLcode (*)(long))dlsym(h, "curl_global_init"))(CURL_GLOBAL_DEFAULT);
	loaded = 1;
	return;
fail:
	e = dlerror();
	snprintf(load_error, sizeof(load_error), "%s",
	    e != NULL ? e : "missing symbol");
	loaded = -1;
}

int
pkit_curl_load(struct pkit_ctx *ctx, const struct pkit_curl **out)
{
	*out = NULL;
	pthread_once(&once, load);
	if (loaded != 1)
		return pkit_seterr(ctx, PKIT_ERR_UNSUPPORTED,
		    "cannot load %s: %s", PKIT_LIBCURL_SONAME, load_error);
	*out = &curl;
	return PKIT_OK;
}

/* context.c - step's contexts (see context.h). */
#include "config.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/ca/context.h"
#include "lib/fs.h"

/* Largest contexts.json read. */
#define CONTEXTS_MAX (1024 * 1024)

/* base/rel into a new string. */
static int
join(struct pkit_ctx *ctx, const char *base, const char *a, const char *b,
    char **out)
{
	size_t n = strlen(base) + strlen(a) + (b != NULL ? strlen(b) : 0) + 3;
	char *s;

	*out = NULL;
	if ((s = malloc(n)) == NULL)
		return pkit_seterr_nomem(ctx);
	if (b != NULL)
		snprintf(s, n, "%s/%s/%s", base, a, b);
	else
		snprintf(s, n, "%s/%s", base, a);
	*out = s;
	return PKIT_OK;
}

int
pkit_context_name_check(struct pkit_ctx *ctx, const char *name,
    const char *what)
{
	if (name == NULL || *name == '\0')
		return pkit_seterr(ctx, PKIT_ERR_ARG, "the %s name is empty",
		    what);
	if (strchr(name, '/') != NULL || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0)
		return pkit_seterr(ctx, PKIT_ERR_ARG, "%s: not a valid %s name "
		    "(it names a directory)", name, what);
	return PKIT_OK;
}

/* The JSON object of base/file; {} when the file does not exist. */
static int
load_object(struct pkit_ctx *ctx, const char *base, const char *file,
    json_t **out)
{
	unsigned char *data = NULL;
	json_error_t e;
	json_t *o = NULL;
	char *path = NULL;
	size_t len = 0;
	int r;

	*out = NULL;
	if ((r = join(ctx, base, file, NULL, &path)) != 0)
		return r;
	if (!pkit_file_exists(path)) {
		free(path);
		if ((*out = json_object()) == NULL)
			return pkit_seterr_nomem(ctx);
		return PKIT_OK;
	}
	if ((r = pkit_file_read(ctx, path, CONTEXTS_MAX, &data, &len)) != 0)
		goto out;
	if ((o = json_loadb((const char *)data, len, 0, &e)) == NULL ||
	    !json_is_object(o)) {
		r = pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: %s", path,
		    o == NULL ? e.text : "not a JSON object");
		json_decref(o);
		goto out;
	}
	*out = o;
	r = PKIT_OK;
out:
	free(data);
	free(path);
	return r;
}

static int
save_object(struct pkit_ctx *ctx, const char *base, const char *file,
    const json_t *o, unsigned flags)
{
	char *path = NULL, *s = NULL;
	int r;

	if ((r = pkit_mkdirs(ctx, base, 0700)) != 0 ||
	    (r = join(ctx, base, file, NULL, &path)) != 0)
		return r;
	if ((s = json_dumps(o, JSON_INDENT(4) | JSON_SORT_KEYS)) == NULL) {
		free(path);
		return pkit_seterr_nomem(ctx);
	}
	r = pkit_file_write(ctx, path, s, strlen(s), flags | PKIT_WRITE_FORCE);
	free(s);
	free(path);
	return r;
}

int
pkit_contexts_load(struct pkit_ctx *ctx, const char *base, json_t **out)
{
	json_t *o = NULL, *v;
	const char *k;
	int r;

	*out = NULL;
	if ((r = load_object(ctx, base, PKIT_CONTEXTS_FILE, &o)) != 0)
		return r;
	json_object_foreach(o, k, v) {
		if (!json_is_object(v) ||
		    !json_is_string(json_object_get(v, "authority"))) {
			json_decref(o);
			return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s/%s: context "
			    "'%s' has no authority", base, PKIT_CONTEXTS_FILE, k);
		}
	}
	*out = o;
	return PKIT_OK;
}

int
pkit_contexts_save(struct pkit_ctx *ctx, const char *base,
    const json_t *contexts)
{
	return save_object(ctx, base, PKIT_CONTEXTS_FILE, contexts,
	    PKIT_WRITE_PRIVATE);
}

int
pkit_context_current(struct pkit_ctx *ctx, const char *base, char **out)
{
	json_t *o = NULL;
	const char *name;
	int r;

	*out = NULL;
	if ((r = load_object(ctx, base, PKIT_CURRENT_CONTEXT_FILE, &o)) != 0)
		return r;
	name = json_string_value(json_object_get(o, "context"));
	if (name != NULL && *name != '\0' && (*out = strdup(name)) == NULL)
		r = pkit_seterr_nomem(ctx);
	json_decref(o);
	return r;
}

int
pkit_context_select(struct pkit_ctx *ctx, const char *base, const char *name)
{
	json_t *all = NULL, *o = NULL;
	int r;

	if ((r = pkit_contexts_load(ctx, base, &all)) != 0)
		return r;
	if (json_object_get(all, name) == NULL) {
		json_decref(all);
		return pkit_seterr(ctx, PKIT_ERR_NOT_FOUND, "context '%s' not "
		    "found", name);
	}
	json_decref(all);
	if ((o = json_pack("{s:s}", "context", name)) == NULL)
		return pkit_seterr_nomem(ctx);
	r = save_object(ctx, base, PKIT_CURRENT_CONTEXT_FILE, o, 0);
	json_decref(o);
	return r;
}

int
pkit_context_get(struct pkit_ctx *ctx, const json_t *contexts,
    const char *name, const char **authority, const char **profile)
{
	const json_t *c = json_object_get(contexts, name);
	const char *a, *p;

	if (c == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOT_FOUND, "context '%s' not "
		    "found", name);
	a = json_string_value(json_object_get(c, "authority"));
	p = json_string_value(json_object_get(c, "profile"));
	if (a == NULL || pkit_context_name_check(ctx, a, "authority") != 0)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "context '%s': its "
		    "authority is not a valid name", name);
	if (p == NULL || *p == '\0')
		p = name;
	else if (pkit_context_name_check(ctx, p, "profile") != 0)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "context '%s': its "
		    "profile is not a valid name", name);
	if (authority != NULL)
		*authority = a;
	if (profile != NULL)
		*profile = p;
	return PKIT_OK;
}

int
pkit_context_path(struct pkit_ctx *ctx, const char *base,
    const char *authority, char **out)
{
	return join(ctx, base, "authorities", authority, out);
}

int
pkit_context_profile_path(struct pkit_ctx *ctx, const char *base,
    const char *profile, char **out)
{
	return join(ctx, base, "profiles", profile, out);
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(path);
	return unlink(path);
}

int
pkit_context_rmtree(struct pkit_ctx *ctx, const char *path)
{
	if (access(path, F_OK) != 0 && errno == ENOENT)
		return PKIT_OK;
	if (nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
		return pkit_seterr_sys(ctx, "%s", path);
	return PKIT_OK;
}

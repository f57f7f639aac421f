/* context.h - step's contexts: several authorities under one base
 * directory ($PKITPATH, as step's $STEPPATH; research/step-cli.md §4.1).
 *
 *   <base>/contexts.json          {"<name>": {"authority": "<a>",
 *                                             "profile": "<p>"}}  (0600)
 *   <base>/current-context.json   {"context": "<name>"}
 *   <base>/authorities/<a>/       the context's files: certs/, config/ ...
 *   <base>/profiles/<p>/config/defaults.json
 *
 * Without contexts.json (or without a current context) the base itself
 * holds the files, as before.
 */
#ifndef PKIT_CA_CONTEXT_H
#define PKIT_CA_CONTEXT_H

#include <jansson.h>

#include "lib/err.h"

#define PKIT_CONTEXTS_FILE "contexts.json"
#define PKIT_CURRENT_CONTEXT_FILE "current-context.json"

/* Is name usable as a context, authority or profile name (a directory
 * name: not empty, no '/', not "." or "..")? */
int pkit_context_name_check(struct pkit_ctx *ctx, const char *name,
    const char *what);

/* The contexts of base: the object of contexts.json, {} when there is
 * none. */
int pkit_contexts_load(struct pkit_ctx *ctx, const char *base, json_t **out);

/* Write contexts (an object) to base/contexts.json, mode 0600, atomically. */
int pkit_contexts_save(struct pkit_ctx *ctx, const char *base,
    const json_t *contexts);

/* The current context's name from current-context.json, or *out NULL. */
int pkit_context_current(struct pkit_ctx *ctx, const char *base, char **out);

/* Make name the current context (it must exist). */
int pkit_context_select(struct pkit_ctx *ctx, const char *base,
    const char *name);

/* The authority and profile of context name (borrowed from contexts);
 * PKIT_ERR_NOT_FOUND when it is not there. */
int pkit_context_get(struct pkit_ctx *ctx, const json_t *contexts,
    const char *name, const char **authority, const char **profile);

/* <base>/authorities/<authority>, malloc'd. */
int pkit_context_path(struct pkit_ctx *ctx, const char *base,
    const char *authority, char **out);

/* <base>/profiles/<profile>, malloc'd. */
int pkit_context_profile_path(struct pkit_ctx *ctx, const char *base,
    const char *profile, char **out);

/* Remove the directory tree path (a missing one is not an error). */
int pkit_context_rmtree(struct pkit_ctx *ctx, const char *path);

#endif

/* ssh_templates.h - the SSH configuration templates of ca.json's
 * "templates" block, as step-ca reads them (cert:templates/templates.go):
 *
 *   "templates": {
 *     "ssh": {
 *       "user": [{"name", "type", "template", "path", "comment",
 *                 "requires": [...]}, ...],
 *       "host": [...]
 *     },
 *     "data": {...}
 *   }
 *
 * "type" is "snippet", "file", "directory" or "prepend-line"; "template"
 * a Go text/template file (template.h), relative to the CA's base
 * ($PKITPATH, as step-ca's to $STEPPATH); "requires" the keys the
 * request's data must have.  /ssh/config renders them with .Step (the
 * CA's SSH keys), .User (the request's data, when it has any) and the
 * members of templates.data.
 */
#ifndef PKIT_CA_SSH_TEMPLATES_H
#define PKIT_CA_SSH_TEMPLATES_H

#include <jansson.h>

#include "lib/ca/authority.h"
#include "lib/ca/ca_config.h"

struct pkit_ca_ssh_templates;

/* Read and parse cfg's templates.ssh (every template file now, as
 * step-ca does at start-up); *out is NULL when ca.json has none. */
int pkit_ca_ssh_templates_load(struct pkit_ctx *ctx,
    const struct pkit_ca_config *cfg, struct pkit_ca_ssh_templates **out);
void pkit_ca_ssh_templates_free(struct pkit_ca_ssh_templates *t);

/* Render the user (host 0) or host templates for /ssh/config with step
 * as .Step and data (the request's "data": an object of strings, or
 * NULL) as .User: *out is the list of {"name","type","path","comment",
 * "content":<base64 or null>}.  A template that requires a key data
 * lacks is a 400 refusal; a template that fails to run is a 500. */
int pkit_ca_ssh_templates_render(struct pkit_ctx *ctx,
    const struct pkit_ca_ssh_templates *t, int host, json_t *step,
    const json_t *data, json_t **out, struct pkit_ca_refusal *why);

#endif

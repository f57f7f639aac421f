/* ssh_templates.c - ca.json's SSH configuration templates (see
 * ssh_templates.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/ca/authority_impl.h"
#include "lib/ca/ssh_templates.h"
#include "lib/codec.h"
#include "lib/fs.h"
#include "lib/template.h"

/* step's SSHTemplateVersionKey: clients since step 0.18 send "v2". */
#define VERSION_KEY "StepSSHTemplateVersion"

struct tpl {
	char *name, *type, *path, *comment;
	char **requires;
	size_t nrequires;
	struct pkit_tmpl *t;		/* NULL for a directory */
};

struct pkit_ca_ssh_templates {
	struct tpl *list[2];		/* user, host */
	size_t n[2];
	json_t *data;			/* templates.data, or NULL */
};

static const char *const kinds[2] = { "user", "host" };

static void
tpl_clear(struct tpl *t)
{
	size_t i;

	free(t->name);
	free(t->type);
	free(t->path);
	free(t->comment);
	for (i = 0; i < t->nrequires; i++)
		free(t->requires[i]);
	free(t->requires);
	pkit_tmpl_free(t->t);
}

void
pkit_ca_ssh_templates_free(struct pkit_ca_ssh_templates *t)
{
	size_t k, i;

	if (t == NULL)
		return;
	for (k = 0; k < 2; k++) {
		for (i = 0; i < t->n[k]; i++)
			tpl_clear(&t->list[k][i]);
		free(t->list[k]);
	}
	json_decref(t->data);
	free(t);
}

/* A string member: *out NULL when absent or null; -1 when not a string. */
static int
member(const json_t *o, const char *key, const char **out)
{
	const json_t *v = json_object_get(o, key);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return -1;
	*out = json_string_value(v);
	return 0;
}

static int
is_type(const char *type)
{
	return strcmp(type, "snippet") == 0 || strcmp(type, "file") == 0 ||
	    strcmp(type, "directory") == 0 ||
	    strcmp(type, "prepend-line") == 0;
}

/* Read and parse the template file of t (path relative to cfg's base). */
static int
load_text(struct pkit_ctx *ctx, const struct pkit_ca_config *cfg,
    const char *file, struct tpl *t)
{
	unsigned char *buf = NULL;
	char *path = NULL;
	size_t len = 0;
	int r;

	if ((r = pkit_ca_config_path(ctx, cfg, file, &path)) == 0 &&
	    (r = pkit_file_read(ctx, path, PKIT_TMPL_MAX_INPUT, &buf,
	    &len)) == 0)
		r = pkit_tmpl_parse(ctx, (const char *)buf, len, t->name,
		    &t->t);
	free(buf);
	free(path);
	return r;
}

/* One entry of templates.ssh.<kind>, checked as step-ca's Validate(). */
static int
load_one(struct pkit_ctx *ctx, const struct pkit_ca_config *cfg,
    const json_t *e, struct tpl *t)
{
	const char *name, *type, *file, *path, *comment;
	const json_t *req, *v;
	size_t i;

	if (!json_is_object(e))
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "not an object");
	if (member(e, "name", &name) < 0 || member(e, "type", &type) < 0 ||
	    member(e, "template", &file) < 0 || member(e, "path", &path) < 0 ||
	    member(e, "comment", &comment) < 0)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "name, type, "
		    "template, path and comment are strings");
	if (name == NULL || *name == '\0')
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "template name cannot "
		    "be empty");
	if (type == NULL || !is_type(type))
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "invalid template "
		    "type %s, it must be snippet, prepend-line, file, or "
		    "directory",
		    type != NULL ? type : "\"\"");
	if (file != NULL && *file == '\0')
		file = NULL;
	if (file == NULL && strcmp(type, "directory") != 0)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "template template "
		    "cannot be empty");
	if (file != NULL && strcmp(type, "directory") == 0)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "template template "
		    "must be empty with directory type");
	if (path == NULL || *path == '\0')
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "template path cannot "
		    "be empty");
	if (comment == NULL || (*comment == '\0' && file != NULL))
		comment = file != NULL ? "#" : "";
	if ((t->name = strdup(name)) == NULL ||
	    (t->type = strdup(type)) == NULL ||
	    (t->path = strdup(path)) == NULL ||
	    (t->comment = strdup(comment)) == NULL)
		return pkit_seterr_nomem(ctx);
	req = json_object_get(e, "requires");
	if (req != NULL && !json_is_null(req)) {
		if (!json_is_array(req))
			return pkit_seterr(ctx, PKIT_ERR_FORMAT, "requires is "
			    "not a list");
		if ((t->requires = calloc(json_array_size(req) + 1,
		    sizeof(*t->requires))) == NULL)
			return pkit_seterr_nomem(ctx);
		json_array_foreach(req, i, v) {
			if (!json_is_string(v))
				return pkit_seterr(ctx, PKIT_ERR_FORMAT,
				    "requires[%zu] is not a string", i);
			if ((t->requires[t->nrequires] =
			    strdup(json_string_value(v))) == NULL)
				return pkit_seterr_nomem(ctx);
			t->nrequires++;
		}
	}
	return file != NULL ? load_text(ctx, cfg, file, t) : PKIT_OK;
}

static int
load_list(struct pkit_ctx *ctx, const struct pkit_ca_config *cfg,
    const json_t *ssh, int k, struct pkit_ca_ssh_templates *t)
{
	const json_t *list = json_object_get(ssh, kinds[k]), *e;
	char msg[sizeof(ctx->errbuf)];
	size_t i;
	int r;

	if (list == NULL || json_is_null(list))
		return PKIT_OK;
	if (!json_is_array(list))
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: templates.ssh.%s "
		    "is not a list", cfg->name, kinds[k]);
	if ((t->list[k] = calloc(json_array_size(list) + 1,
	    sizeof(*t->list[k]))) == NULL)
		return pkit_seterr_nomem(ctx);
	json_array_foreach(list, i, e) {
		/* counted first: a half-loaded entry is freed too */
		t->n[k]++;
		if ((r = load_one(ctx, cfg, e, &t->list[k][i])) != 0) {
			snprintf(msg, sizeof(msg), "%s", ctx->errbuf);
			return pkit_seterr(ctx, r, "%s: templates.ssh.%s[%zu]: "
			    "%s", cfg->name, kinds[k], i, msg);
		}
	}
	return PKIT_OK;
}

int
pkit_ca_ssh_templates_load(struct pkit_ctx *ctx,
    const struct pkit_ca_config *cfg, struct pkit_ca_ssh_templates **out)
{
	const json_t *tj = json_object_get(cfg->doc, "templates"), *ssh, *data;
	struct pkit_ca_ssh_templates *t;
	int r;

	*out = NULL;
	if (tj == NULL || json_is_null(tj))
		return PKIT_OK;
	if (!json_is_object(tj))
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: templates is not "
		    "an object", cfg->name);
	data = json_object_get(tj, "data");
	if (data != NULL && !json_is_null(data)) {
		if (!json_is_object(data))
			return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: "
			    "templates.data is not an object", cfg->name);
		if (json_object_get(data, "Step") != NULL ||
		    json_object_get(data, "User") != NULL)
			return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: "
			    "templates.data cannot have \"Step\" or \"User\": "
			    "the CA sets them", cfg->name);
	} else
		data = NULL;
	ssh = json_object_get(tj, "ssh");
	if (ssh == NULL || json_is_null(ssh))
		return PKIT_OK;
	if (!json_is_object(ssh))
		return pkit_seterr(ctx, PKIT_ERR_FORMAT, "%s: templates.ssh is "
		    "not an object", cfg->name);
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return pkit_seterr_nomem(ctx);
	if (data != NULL && (t->data = json_deep_copy(data)) == NULL) {
		free(t);
		return pkit_seterr_nomem(ctx);
	}
	if ((r = load_list(ctx, cfg, ssh, 0, t)) != 0 ||
	    (r = load_list(ctx, cfg, ssh, 1, t)) != 0) {
		pkit_ca_ssh_templates_free(t);
		return r;
	}
	*out = t;
	return PKIT_OK;
}

/* ---- rendering ----------------------------------------------------------- */

/* {"name","type","path","comment","content"} of one rendered template;
 * steps's compatibility rule for clients before step 0.18, which do not
 * know prepend-line: step_includes.tpl becomes a file under $STEPPATH. */
static json_t *
output(struct pkit_ctx *ctx, const struct tpl *t, const json_t *data,
    const char *content, size_t len)
{
	const char *type = t->type, *path = t->path;
	char *b64 = NULL;
	json_t *o;

	if (strcmp(t->name, "step_includes.tpl") == 0 &&
	    json_string_length(json_object_get(data, VERSION_KEY)) == 0) {
		type = "file";
		if (strncmp(path, "${STEPPATH}/", 12) == 0)
			path += 12;
	}
	if (content != NULL && pkit_b64_encode(ctx, PKIT_B64_STD,
	    (const unsigned char *)content, len, &b64) != 0)
		return NULL;
	o = json_pack("{s:s,s:s,s:s,s:s,s:s?}", "name", t->name, "type", type,
	    "path", path, "comment", t->comment, "content", b64);
	if (o != NULL && b64 == NULL)
		json_object_set_new(o, "content", json_null());
	free(b64);
	return o;
}

int
pkit_ca_ssh_templates_render(struct pkit_ctx *ctx,
    const struct pkit_ca_ssh_templates *t, int host, json_t *step,
    const json_t *data, json_t **out, struct pkit_ca_refusal *why)
{
	const struct tpl *tp;
	json_t *all = NULL, *list = NULL, *o;
	char *text = NULL;
	size_t i, j, len = 0;
	int r, k = host ? 1 : 0;

	*out = NULL;
	/* step-ca: templates.data's members, .Step, and .User only when the
	 * request has data */
	if ((all = t->data != NULL ? json_deep_copy(t->data) :
	    json_object()) == NULL || (list = json_array()) == NULL ||
	    json_object_set(all, "Step", step) != 0 ||
	    (json_object_size(data) > 0 && json_object_set_new(all, "User",
	    json_deep_copy(data)) != 0)) {
		r = pkit_seterr_nomem(ctx);
		goto fail500;
	}
	for (i = 0; i < t->n[k]; i++) {
		tp = &t->list[k][i];
		for (j = 0; j < tp->nrequires; j++) {
			if (json_object_get(data, tp->requires[j]) != NULL)
				continue;
			pkit_ca_auth_refuse(why, 400, "required variable '%s' "
			    "is missing, please use `--set <key=value>` flag",
			    tp->requires[j]);
			r = pkit_seterr(ctx, PKIT_ERR_ARG, "%s: required "
			    "variable '%s' is missing", tp->name,
			    tp->requires[j]);
			goto out;
		}
		if (tp->t != NULL && (r = pkit_tmpl_execute(ctx, tp->t, all,
		    &text, &len)) != 0)
			goto fail500;
		o = output(ctx, tp, data, text, len);
		free(text);
		text = NULL;
		if (o == NULL || json_array_append_new(list, o) != 0) {
			r = pkit_seterr_nomem(ctx);
			goto fail500;
		}
	}
	*out = list;
	list = NULL;
	r = PKIT_OK;
	goto out;
fail500:
	pkit_ca_auth_refuse(why, 500, NULL);
out:
	json_decref(all);
	json_decref(list);
	return r;
}

/* ca_acme.c - `pkit ca acme eab add|list|remove`: the External Account
 * Binding keys of the ACME provisioners of a local ca.json, kept in its
 * database (lib/ca/acme_eab.c). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cmd.h"
#include "lib/ca/acme.h"
#include "lib/jwk.h"
#include "lib/secret.h"
#include "lib/timeutil.h"

struct eab_opts {
	const char *config, *format;
};

#define T struct eab_opts
static const struct cmd_opt eab_opts[] = {
	{ "config", 0, OPT_STRING, offsetof(T, config), "file",
	  "the CA's ca.json (default $PKITPATH/config/ca.json)", NULL,
	  OPT_F_FILE },
	OPT_FORMAT(T, "output format: text (default) or json", "text json"),
	{ 0 }
};
#undef T

/* Open the database of <provisioner>'s ca.json. */
static int
eab_db(struct cmd_run *run, const struct eab_opts *o, const char *prov,
    struct pkit_db **db)
{
	char config[4096];

	if (o->config != NULL)
		snprintf(config, sizeof(config), "%s", o->config);
	else
		snprintf(config, sizeof(config), "%s/config/ca.json",
		    run->g->base);
	return pkit_acme_db_open(run->ctx, config, run->g->base, prov, db);
}

static int
print_json(json_t *o)
{
	char *s = json_dumps(o, JSON_INDENT(3) | JSON_PRESERVE_ORDER);

	if (s == NULL)
		return EXIT_FAIL;
	printf("%s\n", s);
	pkit_secret_strfree(s);
	return EXIT_OK;
}

static int
cmd_add(struct cmd_run *run, int argc, char **argv)
{
	struct eab_opts o = { 0 };
	struct pkit_db *db = NULL;
	char **args, *kid = NULL, *hmac = NULL;
	json_t *j;
	int nargs, r;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	pkit_jwk_json_wipe_on_free();	/* the JSON output holds the key */
	if ((r = eab_db(run, &o, args[0], &db)) != 0 ||
	    (r = pkit_acme_eab_add(run->ctx, db, args[0], nargs > 1 ? args[1] :
	    NULL, &kid, &hmac)) != 0) {
		pkit_db_close(db);
		return cmd_fail(run, r);
	}
	pkit_db_close(db);
	if (o.format != NULL && strcmp(o.format, "json") == 0) {
		j = json_pack("{s:s,s:s,s:s}", "provisioner", args[0], "kid", kid,
		    "hmacKey", hmac);
		r = j != NULL ? print_json(j) : EXIT_FAIL;
		json_decref(j);
	} else {
		printf("Key ID: %s\nHMAC key: %s\n", kid, hmac);
		r = EXIT_OK;
	}
	free(kid);
	pkit_secret_strfree(hmac);
	return r;
}

static int
cmd_list(struct cmd_run *run, int argc, char **argv)
{
	struct eab_opts o = { 0 };
	struct pkit_db *db = NULL;
	json_t *list = NULL, *v;
	char **args;
	size_t i;
	int nargs, r;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	if ((r = eab_db(run, &o, args[0], &db)) != 0 ||
	    (r = pkit_acme_eab_list(run->ctx, db, args[0], &list)) != 0) {
		pkit_db_close(db);
		return cmd_fail(run, r);
	}
	pkit_db_close(db);
	if (o.format != NULL && strcmp(o.format, "json") == 0)
		r = print_json(list);
	else {
		json_array_foreach(list, i, v) {
			const char *acc = json_string_value(json_object_get(v,
			    "account"));

			printf("%s\t%s\t%s\n", json_string_value(json_object_get(v,
			    "kid")), json_string_value(json_object_get(v,
			    "createdAt")), acc != NULL ? acc : "-");
		}
		r = EXIT_OK;
	}
	json_decref(list);
	return r;
}

static int
cmd_remove(struct cmd_run *run, int argc, char **argv)
{
	struct eab_opts o = { 0 };
	struct pkit_db *db = NULL;
	char **args;
	int nargs, r;

	if ((r = cmd_parse(run, argc, argv, &o, &args, &nargs)) != CMD_CONTINUE)
		return r;
	if ((r = eab_db(run, &o, args[0], &db)) != 0 ||
	    (r = pkit_acme_eab_remove(run->ctx, db, args[0], args[1])) != 0) {
		pkit_db_close(db);
		return cmd_fail(run, r);
	}
	pkit_db_close(db);
	return EXIT_OK;
}

static const struct cmd cmd_ca_acme_eab_add = {
	"add", cmd_add, NULL, "<provisioner> [<key-id>]", 1, 2,
	"add an external account binding key to an ACME provisioner",
	"Makes a new 256-bit HMAC key for External Account Binding (RFC 8555\n"
	"section 7.3.4) under <key-id> (a random one when not given) for the\n"
	"ACME provisioner <provisioner> of the CA's ca.json, stores it in the\n"
	"CA's database and prints the key id and the key in base64url.  An\n"
	"ACME client registers with both (for example lego --eab --kid ...\n"
	"--hmac ...); each key binds one account.  A provisioner with\n"
	"\"requireEAB\": true accepts new accounts only with such a key.\n"
	"\n"
	"The HMAC key is a secret: hand it to the client's owner only.  The\n"
	"server need not be restarted.",
	"Add a key with a random id to the provisioner acme:\n"
	"  $ pkit ca acme eab add acme\n"
	"Add one with a chosen id, as JSON:\n"
	"  $ pkit ca acme eab add acme web01 --format json\n",
	eab_opts
};

static const struct cmd cmd_ca_acme_eab_list = {
	"list", cmd_list, NULL, "<provisioner>", 1, 1,
	"list the external account binding keys of an ACME provisioner",
	"Prints the EAB keys of <provisioner>, one a line: the key id, when\n"
	"it was made, and the account bound with it (\"-\" when none yet).\n"
	"The HMAC keys themselves are never shown again.",
	"List the keys of the provisioner acme:\n"
	"  $ pkit ca acme eab list acme\n",
	eab_opts
};

static const struct cmd cmd_ca_acme_eab_remove = {
	"remove", cmd_remove, NULL, "<provisioner> <key-id>", 2, 2,
	"remove an external account binding key",
	"Deletes the EAB key <key-id> of <provisioner>: no new account can\n"
	"bind with it.  An account already bound with it keeps working.",
	"Remove the key web01:\n"
	"  $ pkit ca acme eab remove acme web01\n",
	eab_opts
};

static const struct cmd *const eab_sub[] = {
	&cmd_ca_acme_eab_add,
	&cmd_ca_acme_eab_list,
	&cmd_ca_acme_eab_remove,
	NULL
};

static const struct cmd cmd_ca_acme_eab = {
	"eab", NULL, eab_sub, NULL, 0, 0,
	"manage external account binding keys of ACME provisioners",
	"External Account Binding ties a new ACME account to a key that the\n"
	"CA's operator handed out.  These commands edit the keys in the\n"
	"database of a local ca.json.",
	"Add a key, then list the keys:\n"
	"  $ pkit ca acme eab add acme\n"
	"  $ pkit ca acme eab list acme\n"
};

static const struct cmd *const acme_sub[] = {
	&cmd_ca_acme_eab,
	NULL
};

const struct cmd cmd_ca_acme = {
	"acme", NULL, acme_sub, NULL, 0, 0,
	"administer the ACME server of the CA",
	"pkit ca serve answers ACME (RFC 8555) for each provisioner of type\n"
	"ACME in ca.json, under /acme/<provisioner>/directory, so that\n"
	"certbot, lego, dehydrated and other ACME clients get certificates\n"
	"from it.  The provisioner's fields, as step-ca has them:\n"
	"\n"
	"  \"challenges\"  http-01, dns-01, tls-alpn-01 (default: all)\n"
	"  \"forceCN\"     give a CSR without a common name its first name\n"
	"  \"requireEAB\"  accept new accounts only with an EAB key\n"
	"  \"claims\"      certificate durations\n"
	"\n"
	"Wildcard names are validated with dns-01 only; IP addresses (RFC\n"
	"8738) with http-01 or tls-alpn-01.  ACME needs a\n"
	"database (\"db\" in ca.json): accounts, orders and keys live there.\n"
	"A new order reuses the account's valid authorizations for the same\n"
	"names (not a wildcard's for the bare name, nor the reverse) while\n"
	"they have an hour left, so it may be ready at once.\n"
	"\n"
	"For tests and development only, a pkit extension in the provisioner\n"
	"sends validations elsewhere: \"pkitDev\": {\"http01Port\": N,\n"
	"\"tlsALPN01Port\": N, \"resolver\": \"127.0.0.1:5353\"} validates\n"
	"http-01 and tls-alpn-01 on those ports instead of 80 and 443, and\n"
	"looks names and TXT records up at that DNS server.\n"
	"\n"
	"A client then uses the directory URL, trusting the CA's root:\n"
	"\n"
	"  REQUESTS_CA_BUNDLE=root_ca.crt certbot certonly --standalone \\\n"
	"    -d www.example.internal \\\n"
	"    --server https://ca.example.internal/acme/acme/directory",
	"List the EAB keys of the provisioner acme:\n"
	"  $ pkit ca acme eab list acme\n"
};

/* sshsign.c - sign an OpenSSH certificate with libpkit, for the tests.
 *
 * pkit signs SSH certificates only through its CA; the tests need
 * certificates of every kind before that, and made by pkit's own code,
 * to show that ssh-keygen and sshd accept them.  Not installed.
 *
 *   sshsign [-H] -s ca-key -I key-id [-n p1,p2] [-V from:to] [-z serial]
 *           [-O opt]... [-a alg] [-C comment] pubkey-file out-file
 *
 * -V takes seconds since 1970, +N/-N seconds from now, "always" (from)
 * and "forever" (to).  -O name adds an extension flag, -O name=value an
 * extension with a value, -O critical:name=value a critical option, and
 * -O clear drops step's default user extensions.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/err.h"
#include "lib/fs.h"
#include "lib/key.h"
#include "lib/secret.h"
#include "lib/sshcert.h"

static void
usage(void)
{
	fprintf(stderr, "usage: sshsign [-H] -s ca-key -I key-id [-n list] "
	    "[-V from:to] [-z serial] [-O opt] [-a alg] [-C comment] "
	    "pubkey out\n");
	exit(2);
}

static uint64_t
when(const char *s, time_t now, uint64_t special)
{
	char *end;
	long long v;

	if (strcmp(s, "always") == 0 || strcmp(s, "forever") == 0)
		return special;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0')
		usage();
	if (s[0] == '+' || s[0] == '-')
		return (uint64_t)((long long)now + v);
	return (uint64_t)v;
}

static EVP_PKEY *
load(struct pkit_ctx *ctx, const char *path, int priv)
{
	unsigned char *data = NULL;
	size_t len = 0;
	EVP_PKEY *k = NULL;
	int r;

	if ((r = pkit_file_read(ctx, path, 1 << 20, &data, &len)) == 0)
		r = priv ? pkit_key_parse_private(ctx, data, len, NULL, path,
		    &k) : pkit_key_parse_public(ctx, data, len, path, &k);
	pkit_secret_free(data, len);
	if (r != 0) {
		fprintf(stderr, "sshsign: %s\n", pkit_ctx_errmsg(ctx, r));
		exit(1);
	}
	return k;
}

int
main(int argc, char **argv)
{
	struct pkit_ctx ctx;
	struct pkit_sshcert *c = NULL;
	EVP_PKEY *ca = NULL, *key = NULL;
	const char *cafile = NULL, *id = NULL, *names = NULL, *validity = NULL;
	const char *alg = NULL, *comment = NULL, *opts[64];
	char *list = NULL, *p, *q, *line = NULL;
	size_t nopts = 0, i, len;
	uint64_t serial = 0;
	int host = 0, clear = 0, ch, r = 1;
	time_t now = time(NULL);

	while ((ch = getopt(argc, argv, "Hs:I:n:V:z:O:a:C:")) != -1) {
		switch (ch) {
		case 'H': host = 1; break;
		case 's': cafile = optarg; break;
		case 'I': id = optarg; break;
		case 'n': names = optarg; break;
		case 'V': validity = optarg; break;
		case 'z': serial = strtoull(optarg, NULL, 10); break;
		case 'O':
			if (strcmp(optarg, "clear") == 0)
				clear = 1;
			else if (nopts < 64)
				opts[nopts++] = optarg;
			break;
		case 'a': alg = optarg; break;
		case 'C': comment = optarg; break;
		default: usage();
		}
	}
	if (cafile == NULL || id == NULL || argc - optind != 2)
		usage();
	pkit_ctx_init(&ctx);
	ca = load(&ctx, cafile, 1);
	key = load(&ctx, argv[optind], 0);
	if ((r = pkit_sshcert_new(&ctx, key, host ? PKIT_SSHCERT_HOST :
	    PKIT_SSHCERT_USER, &c)) != 0 ||
	    (r = pkit_sshcert_set_key_id(&ctx, c, id)) != 0)
		goto fail;
	c->serial = serial;
	if (names != NULL && (list = strdup(names)) != NULL) {
		for (p = list; p != NULL; p = q) {
			if ((q = strchr(p, ',')) != NULL)
				*q++ = '\0';
			if ((r = pkit_sshcert_add_principal(&ctx, c, p)) != 0)
				goto fail;
		}
	}
	if (validity != NULL) {
		char *v = strdup(validity), *colon = strchr(v, ':');

		if (colon == NULL)
			usage();
		*colon = '\0';
		c->valid_after = when(v, now, 0);
		c->valid_before = when(colon + 1, now, PKIT_SSHCERT_FOREVER);
		free(v);
	}
	for (i = 0; i < nopts; i++) {
		char *o = strdup(opts[i]), *eq = strchr(o, '=');
		int crit = strncmp(o, "critical:", 9) == 0;

		if (eq != NULL)
			*eq++ = '\0';
		r = crit ? pkit_sshcert_add_critical(&ctx, c, o + 9, eq) :
		    pkit_sshcert_add_extension(&ctx, c, o, eq);
		free(o);
		if (r != 0)
			goto fail;
	}
	if (!clear && (r = pkit_sshcert_default_extensions(&ctx, c)) != 0)
		goto fail;
	if ((r = pkit_sshcert_sign(&ctx, c, ca, alg)) != 0 ||
	    (r = pkit_sshcert_encode(&ctx, c, comment, &line, &len)) != 0 ||
	    (r = pkit_file_write(&ctx, argv[optind + 1], line, len,
	    PKIT_WRITE_FORCE)) != 0)
		goto fail;
	r = 0;
	goto out;
fail:
	fprintf(stderr, "sshsign: %s\n", pkit_ctx_errmsg(&ctx, r));
	r = 1;
out:
	free(line);
	free(list);
	pkit_sshcert_free(c);
	EVP_PKEY_free(ca);
	EVP_PKEY_free(key);
	pkit_ctx_release(&ctx);
	return r;
}

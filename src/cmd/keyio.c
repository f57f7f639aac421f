/* keyio.c - loading and writing key files for the verbs: passwords,
 * permissions and overwrite prompts around libpkit's key module. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "lib/fs.h"
#include "lib/key.h"
#include "lib/secret.h"
#include "lib/sshkey.h"

int
cmd_key_load_private(struct cmd_run *run, const char *path,
    const char *password_file, int insecure, EVP_PKEY **out)
{
	unsigned char *data = NULL;
	size_t len = 0;
	char *pw = NULL, prompt[512];
	int r;

	*out = NULL;
	/* As ssh: a key file others may read is refused, encrypted or not
	 * (the password may be weak, and the file is a secret to guard). */
	if (!insecure && (r = pkit_file_check_private(run->ctx, path)) != 0)
		return r;
	if ((r = pkit_file_read(run->ctx, path, 1024 * 1024, &data, &len)) != 0)
		return r;
	if (pkit_sshkey_is_encrypted(data, len)) {
		/* No password can help: say why and how to convert it. */
		r = pkit_key_parse_private(run->ctx, data, len, NULL, path,
		    out);
		goto out;
	}
	if (pkit_key_is_encrypted(data, len)) {
		snprintf(prompt, sizeof(prompt),
		    "Please enter the password to decrypt %s: ", path);
		if ((r = cmd_password(run, password_file, prompt, 0,
		    "--password-file", &pw)) != 0)
			goto out;
	}
	r = pkit_key_parse_private(run->ctx, data, len, pw, path, out);
out:
	pkit_secret_strfree(pw);
	pkit_secret_free(data, len);
	return r;
}

int
cmd_key_load_public(struct cmd_run *run, const char *path, EVP_PKEY **out)
{
	unsigned char *data = NULL;
	size_t len = 0;
	int r;

	*out = NULL;
	if ((r = pkit_file_read(run->ctx, path, 1024 * 1024, &data, &len)) != 0)
		return r;
	r = pkit_key_parse_public(run->ctx, data, len, path, out);
	pkit_secret_free(data, len);
	return r;
}

int
cmd_new_password(struct cmd_run *run, const char *password_file,
    int no_password, int insecure, const char *what, char **out)
{
	char prompt[512];
	int r;

	*out = NULL;
	if (no_password && !insecure)
		return pkit_seterr(run->ctx, PKIT_ERR_USAGE,
		    "%s: '--no-password' requires the '--insecure' flag",
		    run->path);
	if (no_password && password_file != NULL)
		return pkit_seterr(run->ctx, PKIT_ERR_USAGE,
		    "%s: '--no-password' and '--password-file' do not go together",
		    run->path);
	if (no_password)
		return PKIT_OK;
	snprintf(prompt, sizeof(prompt),
	    "Please enter the password to encrypt %s: ", what);
	if ((r = cmd_password(run, password_file, prompt, 1,
	    "--password-file, or --no-password --insecure", out)) != 0)
		return r;
	if (**out == '\0') {
		pkit_secret_strfree(*out);
		*out = NULL;
		return pkit_seterr(run->ctx, PKIT_ERR_PASSWORD,
		    "%s: the password is empty", password_file != NULL ?
		    password_file : what);
	}
	return PKIT_OK;
}

int
cmd_key_write_private(struct cmd_run *run, EVP_PKEY *key, const char *path,
    const char *password, int force)
{
	unsigned char *pem = NULL;
	size_t len = 0;
	int r;

	if ((r = cmd_may_overwrite(run, path, force)) != 0)
		return r;
	if ((r = pkit_key_private_encode(run->ctx, key, PKIT_KEY_PEM, password,
	    &pem, &len)) != 0)
		return r;
	r = pkit_file_write(run->ctx, path, pem, len,
	    PKIT_WRITE_PRIVATE | PKIT_WRITE_FORCE);
	pkit_secret_free(pem, len);
	return r;
}

int
cmd_key_write_public(struct cmd_run *run, EVP_PKEY *key, const char *path,
    int force)
{
	unsigned char *pem = NULL;
	size_t len = 0;
	int r;

	if ((r = cmd_may_overwrite(run, path, force)) != 0)
		return r;
	if ((r = pkit_key_public_encode(run->ctx, key, PKIT_KEY_PEM, &pem,
	    &len)) != 0)
		return r;
	r = pkit_file_write(run->ctx, path, pem, len, PKIT_WRITE_FORCE);
	free(pem);
	return r;
}

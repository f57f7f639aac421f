/* sshagent.c - the ssh-agent protocol, client side.
 *
 * Each request is one message, "uint32 length, byte type, contents", and
 * each gets one answer of the same shape.  Answers are read into a
 * bounded buffer and parsed with sshkey.h's reader.  Messages that carry
 * a private key are built in a buffer that is wiped when freed.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "key.h"
#include "sshagent.h"
#include "sshkey.h"

/* Message numbers (draft-miller-ssh-agent 5.1). */
#define AGENT_FAILURE 5
#define AGENT_SUCCESS 6
#define AGENTC_REQUEST_IDENTITIES 11
#define AGENT_IDENTITIES_ANSWER 12
#define AGENTC_ADD_IDENTITY 17
#define AGENTC_REMOVE_IDENTITY 18
#define AGENTC_REMOVE_ALL_IDENTITIES 19
#define AGENTC_ADD_ID_CONSTRAINED 25
#define AGENT_CONSTRAIN_LIFETIME 1

/* OpenSSH's agent refuses messages over 256 KiB (AGENT_MAX_LEN). */
#define MSG_MAX (256u * 1024)
/* Identities in one answer: OpenSSH's MAX_AGENT_IDENTITIES is 2048. */
#define IDS_MAX 4096
#define IO_TIMEOUT_SEC 30

struct pkit_sshagent {
	int fd;
	char *path;
};

int
pkit_sshagent_open(struct pkit_ctx *ctx, const char *path,
    struct pkit_sshagent **out)
{
	struct sockaddr_un sun;
	struct timeval tv = { IO_TIMEOUT_SEC, 0 };
	struct pkit_sshagent *a;
	int fd;

	*out = NULL;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (*path == '\0' || strlen(path) >= sizeof(sun.sun_path))
		return pkit_seterr(ctx, PKIT_ERR_ARG,
		    "'%s' is not a usable ssh-agent socket path", path);
	memcpy(sun.sun_path, path, strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return pkit_seterr_sys(ctx, "ssh-agent socket");
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		int e = errno;

		close(fd);
		errno = e;
		return pkit_seterr(ctx, e == ENOENT || e == ECONNREFUSED ?
		    PKIT_ERR_NOT_FOUND : PKIT_ERR_SYSTEM,
		    "ssh-agent at %s: %s", path, strerror(e));
	}
	if ((a = calloc(1, sizeof(*a))) == NULL ||
	    (a->path = strdup(path)) == NULL) {
		free(a);
		close(fd);
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "ssh-agent");
	}
	a->fd = fd;
	*out = a;
	return PKIT_OK;
}

void
pkit_sshagent_close(struct pkit_sshagent *a)
{
	if (a == NULL)
		return;
	close(a->fd);
	free(a->path);
	free(a);
}

static int
io_error(struct pkit_ctx *ctx, struct pkit_sshagent *a, int eof)
{
	if (eof)
		return pkit_seterr(ctx, PKIT_ERR_NET,
		    "ssh-agent at %s: the agent closed the connection",
		    a->path);
	return pkit_seterr(ctx, PKIT_ERR_NET, "ssh-agent at %s: %s", a->path,
	    errno == EAGAIN || errno == EWOULDBLOCK ? "no answer (timed out)" :
	    strerror(errno));
}

static int
write_all(struct pkit_ctx *ctx, struct pkit_sshagent *a,
    const unsigned char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = send(a->fd, p, n, MSG_NOSIGNAL)) < 0) {
			if (errno == EINTR)
				continue;
			return io_error(ctx, a, 0);
		}
		p += w;
		n -= (size_t)w;
	}
	return PKIT_OK;
}

static int
read_all(struct pkit_ctx *ctx, struct pkit_sshagent *a, unsigned char *p,
    size_t n)
{
	ssize_t got;

	while (n > 0) {
		if ((got = recv(a->fd, p, n, 0)) < 0) {
			if (errno == EINTR)
				continue;
			return io_error(ctx, a, 0);
		}
		if (got == 0)
			return io_error(ctx, a, 1);
		p += got;
		n -= (size_t)got;
	}
	return PKIT_OK;
}

/* Send the message in req (type and contents, without the length) and
 * read the answer into *ans (type and contents). */
static int
roundtrip(struct pkit_ctx *ctx, struct pkit_sshagent *a,
    const struct pkit_sshbuf *req, unsigned char **ans, size_t *anslen)
{
	unsigned char hdr[4], *buf;
	uint32_t n;
	int r;

	*ans = NULL;
	*anslen = 0;
	if (req->bad || req->len == 0 || req->len > MSG_MAX)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM,
		    "ssh-agent request");
	hdr[0] = (unsigned char)(req->len >> 24);
	hdr[1] = (unsigned char)(req->len >> 16);
	hdr[2] = (unsigned char)(req->len >> 8);
	hdr[3] = (unsigned char)req->len;
	if ((r = write_all(ctx, a, hdr, sizeof(hdr))) != 0 ||
	    (r = write_all(ctx, a, req->d, req->len)) != 0 ||
	    (r = read_all(ctx, a, hdr, sizeof(hdr))) != 0)
		return r;
	n = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 |
	    (uint32_t)hdr[2] << 8 | hdr[3];
	if (n == 0 || n > MSG_MAX)
		return pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "ssh-agent at %s: bad answer length %u", a->path,
		    (unsigned)n);
	if ((buf = malloc(n)) == NULL)
		return pkit_seterr(ctx, PKIT_ERR_NOMEM, "ssh-agent answer");
	if ((r = read_all(ctx, a, buf, n)) != 0) {
		free(buf);
		return r;
	}
	*ans = buf;
	*anslen = n;
	return PKIT_OK;
}

/* A request whose answer is SUCCESS or FAILURE. */
static int
simple(struct pkit_ctx *ctx, struct pkit_sshagent *a,
    const struct pkit_sshbuf *req, const char *what)
{
	unsigned char *ans = NULL;
	size_t n = 0;
	int r;

	if ((r = roundtrip(ctx, a, req, &ans, &n)) != 0)
		return r;
	if (n == 1 && ans[0] == AGENT_SUCCESS)
		r = PKIT_OK;
	else if (ans[0] == AGENT_SUCCESS)
		r = pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "ssh-agent at %s: malformed answer", a->path);
	else
		r = pkit_seterr(ctx, PKIT_ERR_NOT_FOUND,
		    "ssh-agent at %s: the agent refused to %s", a->path, what);
	free(ans);
	return r;
}

void
pkit_sshagent_ids_free(struct pkit_sshagent_id *ids, size_t n)
{
	size_t i;

	if (ids == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(ids[i].blob);
		free(ids[i].comment);
	}
	free(ids);
}

int
pkit_sshagent_list(struct pkit_ctx *ctx, struct pkit_sshagent *a,
    struct pkit_sshagent_id **out, size_t *nout)
{
	struct pkit_sshbuf req = { 0 };
	struct pkit_sshagent_id *ids = NULL;
	struct pkit_sshrd rd;
	const unsigned char *blob, *comment;
	unsigned char *ans = NULL;
	size_t anslen = 0, bloblen, clen, i = 0;
	uint32_t count;
	uint8_t type;
	int r;

	*out = NULL;
	*nout = 0;
	pkit_sshbuf_put_u8(&req, AGENTC_REQUEST_IDENTITIES);
	if ((r = roundtrip(ctx, a, &req, &ans, &anslen)) != 0)
		goto out;
	rd.p = ans;
	rd.left = anslen;
	if (pkit_sshrd_u8(&rd, &type) != 0 ||
	    type != AGENT_IDENTITIES_ANSWER ||
	    pkit_sshrd_u32(&rd, &count) != 0 || count > IDS_MAX) {
		r = pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "ssh-agent at %s: bad answer to the list of identities",
		    a->path);
		goto out;
	}
	if (count > 0 && (ids = calloc(count, sizeof(*ids))) == NULL) {
		r = pkit_seterr(ctx, PKIT_ERR_NOMEM, "ssh-agent identities");
		goto out;
	}
	for (i = 0; i < count; i++) {
		if (pkit_sshrd_string(&rd, &blob, &bloblen) != 0 ||
		    pkit_sshrd_string(&rd, &comment, &clen) != 0 ||
		    bloblen == 0) {
			r = pkit_seterr(ctx, PKIT_ERR_FORMAT,
			    "ssh-agent at %s: malformed list of identities",
			    a->path);
			goto out;
		}
		if ((ids[i].blob = malloc(bloblen)) == NULL ||
		    (ids[i].comment = strndup((const char *)comment,
		    clen)) == NULL) {
			i++;
			r = pkit_seterr(ctx, PKIT_ERR_NOMEM,
			    "ssh-agent identities");
			goto out;
		}
		memcpy(ids[i].blob, blob, bloblen);
		ids[i].len = bloblen;
	}
	if (rd.left != 0) {
		r = pkit_seterr(ctx, PKIT_ERR_FORMAT,
		    "ssh-agent at %s: trailing data in the list of identities",
		    a->path);
		goto out;
	}
	*out = ids;
	*nout = count;
	ids = NULL;
	r = PKIT_OK;
out:
	pkit_sshagent_ids_free(ids, i);
	pkit_sshbuf_free(&req);
	free(ans);
	return r;
}

int
pkit_sshagent_add(struct pkit_ctx *ctx, struct pkit_sshagent *a,
    EVP_PKEY *key, const struct pkit_sshcert *cert, const char *comment,
    uint32_t lifetime)
{
	struct pkit_sshbuf req = { 0 };
	int r;

	if (cert != NULL && (cert->blob == NULL ||
	    !pkit_key_matches(cert->key, key)))
		return pkit_seterr(ctx, PKIT_ERR_MISMATCH,
		    "the certificate is not for this key");
	pkit_sshbuf_put_u8(&req, lifetime > 0 ? AGENTC_ADD_ID_CONSTRAINED :
	    AGENTC_ADD_IDENTITY);
	if ((r = pkit_sshkey_put_private(ctx, &req, key,
	    cert != NULL ? cert->blob : NULL,
	    cert != NULL ? cert->bloblen : 0)) != 0)
		goto out;
	pkit_sshbuf_put_cstring(&req, comment != NULL ? comment : "");
	if (lifetime > 0) {
		pkit_sshbuf_put_u8(&req, AGENT_CONSTRAIN_LIFETIME);
		pkit_sshbuf_put_u32(&req, lifetime);
	}
	r = simple(ctx, a, &req, "add the identity");
out:
	pkit_sshbuf_free(&req);
	return r;
}

int
pkit_sshagent_remove(struct pkit_ctx *ctx, struct pkit_sshagent *a,
    const unsigned char *blob, size_t len)
{
	struct pkit_sshbuf req = { 0 };
	int r;

	pkit_sshbuf_put_u8(&req, AGENTC_REMOVE_IDENTITY);
	pkit_sshbuf_put_string(&req, blob, len);
	r = simple(ctx, a, &req, "remove the identity");
	pkit_sshbuf_free(&req);
	return r;
}

int
pkit_sshagent_remove_all(struct pkit_ctx *ctx, struct pkit_sshagent *a)
{
	struct pkit_sshbuf req = { 0 };
	int r;

	pkit_sshbuf_put_u8(&req, AGENTC_REMOVE_ALL_IDENTITIES);
	r = simple(ctx, a, &req, "remove all identities");
	pkit_sshbuf_free(&req);
	return r;
}

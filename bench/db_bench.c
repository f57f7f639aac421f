/* db_bench.c - how many issued certificates per second the CA database
 * records durably.
 *
 * Each "certificate" is what /sign writes: one one-time token id
 * (pkit_db_use_token) and one certificate row of about 700 bytes of DER
 * (pkit_db_cert_put).  With -b 0 every write commits on its own (two
 * commits per certificate); with -b N, N certificates share one batch
 * (group commit), as a server does with the requests of one event-loop
 * turn.  -j threads each use their own handle, as the server's loops do.
 *
 *   make bench/db_bench
 *   bench/db_bench -t sqlite -d /tmp/x.db -n 20000 -b 32 -j 2
 *   bench/db_bench -t sqlite -d 'file:/tmp/y.db?synchronous=normal' -b 0
 *   bench/db_bench -t postgresql -d 'host=/tmp port=5432 dbname=pkit'
 *
 * Prints one line: backend, settings, certificates/s, and the p50/p99
 * latency of one batch (with -b 0: of the two commits of one certificate).
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/ca/db.h"

struct job {
	const char *type, *dsn;
	int id, count, batch;
	unsigned run;
	double *lat;		/* per commit, seconds */
	int nlat;
	int failed;
	char err[1024];
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *
worker(void *arg)
{
	struct job *j = arg;
	struct pkit_ctx ctx;
	struct pkit_db *db = NULL;
	struct pkit_db_cert c;
	unsigned char der[700];
	char serial[48], tok[96];
	double t0 = 0;
	int i, r = PKIT_OK;

	pkit_ctx_init(&ctx);
	memset(der, 0xa5, sizeof(der));
	der[0] = 0x30;
	if ((r = pkit_db_open(&ctx, j->type, j->dsn, &db)) != PKIT_OK)
		goto out;
	for (i = 0; i < j->count; i++) {
		if (j->batch > 0 && i % j->batch == 0) {
			t0 = now();
			if ((r = pkit_db_batch_begin(&ctx, db)) != PKIT_OK)
				goto out;
		}
		snprintf(serial, sizeof(serial), "%08x%02x%08x%014x", j->run,
		    j->id, (unsigned)i, (unsigned)i * 2654435761u);
		snprintf(tok, sizeof(tok), "jwk/bench:%s", serial);
		if (j->batch == 0)
			t0 = now();
		if ((r = pkit_db_use_token(&ctx, db, tok, 0)) != PKIT_OK)
			goto out;
		memset(&c, 0, sizeof(c));
		c.serial = serial;
		c.subject = "CN=host.example.com";
		c.sans = "[\"host.example.com\"]";
		c.not_before = 1700000000;
		c.not_after = 1700086400;
		c.provisioner_id = "jwk/bench@example.com/kid";
		c.provisioner_name = "bench@example.com";
		c.der = der;
		c.der_len = sizeof(der);
		if ((r = pkit_db_cert_put(&ctx, db, &c)) != PKIT_OK)
			goto out;
		if (j->batch == 0)
			j->lat[j->nlat++] = now() - t0;
		if (j->batch > 0 && (i % j->batch == j->batch - 1 ||
		    i == j->count - 1)) {
			if ((r = pkit_db_batch_commit(&ctx, db)) != PKIT_OK)
				goto out;
			j->lat[j->nlat++] = now() - t0;
		}
	}
out:
	if (r != PKIT_OK) {
		j->failed = 1;
		snprintf(j->err, sizeof(j->err), "%s", pkit_ctx_errmsg(&ctx, r));
	}
	pkit_db_close(db);
	pkit_ctx_release(&ctx);
	return NULL;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	const char *type = "sqlite", *dsn = NULL;
	int n = 20000, batch = 32, threads = 2, ch, k, total = 0;
	struct job *jobs;
	pthread_t *tid;
	struct pkit_ctx ctx;
	struct pkit_db *db = NULL;
	double t0, el, *all;
	unsigned run = (unsigned)time(NULL) ^ ((unsigned)getpid() << 16);

	while ((ch = getopt(argc, argv, "t:d:n:b:j:")) != -1) {
		switch (ch) {
		case 't': type = optarg; break;
		case 'd': dsn = optarg; break;
		case 'n': n = (int)strtol(optarg, NULL, 10); break;
		case 'b': batch = (int)strtol(optarg, NULL, 10); break;
		case 'j': threads = (int)strtol(optarg, NULL, 10); break;
		default:
			fprintf(stderr, "usage: db_bench [-t type] -d dsn "
			    "[-n certs] [-b batch] [-j threads]\n");
			return 2;
		}
	}
	if (dsn == NULL || n < 1 || batch < 0 || threads < 1 || threads > 64) {
		fprintf(stderr, "usage: db_bench [-t type] -d dsn [-n certs] "
		    "[-b batch] [-j threads]\n");
		return 2;
	}
	/* Create the schema before the clock starts. */
	pkit_ctx_init(&ctx);
	if (pkit_db_open(&ctx, type, dsn, &db) != PKIT_OK) {
		fprintf(stderr, "db_bench: %s\n", ctx.errbuf);
		return 1;
	}
	pkit_db_close(db);
	jobs = calloc((size_t)threads, sizeof(*jobs));
	tid = calloc((size_t)threads, sizeof(*tid));
	all = calloc((size_t)n * 2 + 2, sizeof(*all));
	if (jobs == NULL || tid == NULL || all == NULL)
		return 1;
	for (k = 0; k < threads; k++) {
		jobs[k] = (struct job){ type, dsn, k, n / threads +
		    (k < n % threads), batch, run, NULL, 0, 0, "" };
		jobs[k].lat = calloc((size_t)jobs[k].count + 1, sizeof(double));
		if (jobs[k].lat == NULL)
			return 1;
	}
	t0 = now();
	for (k = 0; k < threads; k++)
		pthread_create(&tid[k], NULL, worker, &jobs[k]);
	for (k = 0; k < threads; k++)
		pthread_join(tid[k], NULL);
	el = now() - t0;
	for (k = 0; k < threads; k++) {
		if (jobs[k].failed) {
			fprintf(stderr, "db_bench: thread %d: %s\n", k,
			    jobs[k].err);
			return 1;
		}
		memcpy(all + total, jobs[k].lat, jobs[k].nlat * sizeof(double));
		total += jobs[k].nlat;
		free(jobs[k].lat);
	}
	qsort(all, (size_t)total, sizeof(double), cmp);
	printf("%-10s batch=%-3d threads=%d certs=%d: %8.0f certs/s  "
	    "commit p50 %.2f ms p99 %.2f ms\n", type, batch, threads, n,
	    n / el, all[total / 2] * 1e3, all[(total * 99) / 100] * 1e3);
	free(all);
	free(jobs);
	free(tid);
	pkit_ctx_release(&ctx);
	return 0;
}

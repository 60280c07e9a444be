/* One archive handle shared by threads: readers loop over look-ups (exact
 * document number, PDF by issue, a read transaction held across a nested
 * look-up) while the main thread publishes enough to grow the map from
 * 1 MiB several times.  Growth remaps the environment, which must wait for
 * every open transaction of the process: a reader that touched an unmapped
 * page would crash (ASan/TSan builds make any slip loud).  Then the failure
 * path: a write that must grow the map while its own thread holds a read
 * transaction gives up with GAZ_EBUSY and writes nothing. */
#include "test.h"
#include "gazette/archive.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define READERS 3
#define ISSUES 24
#define PDF_SIZE (384u << 10)

static char root[64];
static struct gaz_archive *ar;
static struct gaz_issue *sample;
static atomic_int stop, published, errors;
static atomic_long reads;

static char *fake_pdf(unsigned k, size_t size)
{
	char *p = malloc(size);
	unsigned x = 777u + k;

	for (size_t i = 0; p && i < size; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = (char)('A' + (x >> 16) % 26);
	}
	if (p)
		snprintf(p, 64, "%%PDF-1.7\n%% issue %u MARK\n", k);
	return p;
}

static void fail(const char *what, int rc)
{
	fprintf(stderr, "reader: %s: %s (%s)\n", what, gaz_strerror(rc), gaz_errdetail());
	atomic_fetch_add(&errors, 1);
}

/* Every copy of the first sample document, one per published issue: the
 * count never goes down between two calls of one thread (a fresh snapshot
 * each time), and is never below what had committed before the call. */
static int check_docs(size_t *last)
{
	const char *no = gaz_fv(&sample->docs[0].doc_no);
	struct gaz_ar_doc *d = NULL;
	size_t n = 0, i;
	int before = atomic_load(&published), rc;

	if ((rc = gaz_archive_find_docs(ar, GAZ_AR_BY_DOCNO, no, &d, &n)))
		return fail("find_docs", rc), rc;
	if (n < *last || n < (size_t)before) {
		fprintf(stderr, "reader: %zu copies after %zu (%d published before)\n", n, *last,
			before);
		atomic_fetch_add(&errors, 1);
	}
	for (i = 0; i < n; i++)
		if (strcmp(d[i].doc_no, no) || d[i].year != 2023) {
			fprintf(stderr, "reader: copy %zu is %s %u\n", i, d[i].doc_no, d[i].year);
			atomic_fetch_add(&errors, 1);
		}
	*last = n;
	gaz_ar_docs_free(d, n);
	return 0;
}

/* The same through gaz_archive_locate, with the status (pooled index and
 * status cursors), in txn if given (a snapshot taken earlier: only its
 * answer's shape is checked then). */
static void check_locate(MDB_txn *txn, size_t *last)
{
	const char *no = gaz_fv(&sample->docs[0].doc_no);
	struct gaz_ar_docref refs[64];
	size_t n = 0, i;
	int before = atomic_load(&published), st = 0, rc;

	if ((rc = gaz_archive_locate(ar, txn, GAZ_AR_BY_DOCNO, no, refs, 64, &n, &st))) {
		fail("locate", rc);
		return;
	}
	if ((!txn && (n < *last || n < (size_t)before)) || n > 64 || st != GAZ_ST_VALID) {
		fprintf(stderr, "reader: locate: %zu copies after %zu (%d published before), "
			"status %d\n", n, *last, before, st);
		atomic_fetch_add(&errors, 1);
	}
	for (i = 0; i < n && i < 64; i++)
		if (refs[i].year != 2023 || refs[i].pos != 0 || refs[i].version != 1 ||
		    (i && refs[i].number <= refs[i - 1].number)) {
			fprintf(stderr, "reader: locate: copy %zu is %u/%u/%u #%u\n", i,
				refs[i].year, refs[i].number, refs[i].version, refs[i].pos);
			atomic_fetch_add(&errors, 1);
		}
	if (!txn)
		*last = n;
}

static void check_pdf(unsigned k)
{
	char want[64];
	void *pdf = NULL;
	size_t len = 0;
	int rc;

	/* get_pdf re-hashes the bytes it returns; check they are issue k's */
	if ((rc = gaz_archive_get_pdf(ar, 2023, k, 0, &pdf, &len, NULL))) {
		fail("get_pdf", rc);
		return;
	}
	snprintf(want, sizeof want, "%% issue %u MARK\n", k);
	if (len != PDF_SIZE || memcmp((char *)pdf + 9, want, strlen(want))) {
		fprintf(stderr, "reader: issue %u: wrong PDF\n", k);
		atomic_fetch_add(&errors, 1);
	}
	free(pdf);
}

/* A transaction held while another look-up runs in the same thread: a
 * remap that closed the gate meanwhile must not wait for this one forever. */
static void held_read(void)
{
	MDB_txn *txn = NULL;
	size_t last = 0;
	int rc;

	if ((rc = gaz_archive_read_begin(ar, &txn))) {
		fail("read_begin", rc);
		return;
	}
	check_docs(&last);
	check_locate(txn, &last);
	usleep(200);
	gaz_archive_read_end(ar, txn);
}

static void *reader(void *arg)
{
	size_t last = 0, last_loc = 0;
	unsigned x = (unsigned)(uintptr_t)arg;

	while (!atomic_load(&stop)) {
		int n = atomic_load(&published);
		x = x * 1103515245u + 12345u;
		check_docs(&last);
		check_locate(NULL, &last_loc);
		check_pdf(1 + (x >> 8) % (unsigned)n);
		if ((x >> 4) % 8 == 0)
			held_read();
		atomic_fetch_add(&reads, 1);
	}
	return NULL;
}

static int publish(unsigned k, size_t size, const char *reason)
{
	struct gaz_page_range pages[16];
	struct gaz_issue is = *sample;
	char number[16], *pdf = fake_pdf(k, size);
	int rc;

	if (!pdf)
		return GAZ_ENOMEM;
	for (size_t i = 0; i < is.n_docs && i < 16; i++)
		pages[i].first = pages[i].last = (uint32_t)(i + 1);
	snprintf(number, sizeof number, "%u", k);
	is.cfg.number.value = number;
	rc = gaz_archive_publish(ar, &is, pdf, size, pages, "clerk", 1000 + k, reason, NULL);
	free(pdf);
	return rc;
}

static size_t map_size(void)
{
	MDB_envinfo info;

	return mdb_env_info(gaz_archive_env(ar), &info) ? 0 : info.me_mapsize;
}

int main(void)
{
	struct gaz_archive_opts o = { .map_size = 1u << 20, .map_max = 1u << 30 };
	struct gaz_diags dg = { 0 };
	struct gaz_fsck_report rep;
	struct gaz_ar_version v;
	pthread_t th[READERS];
	MDB_txn *txn = NULL;
	char dir[128], cmd[160];
	size_t before;
	unsigned k;
	int i;

	snprintf(root, sizeof root, "/tmp/test_archive_threads.XXXXXX");
	if (!mkdtemp(root))
		return 1;
	snprintf(dir, sizeof dir, "%s/ar", root);
	CHECK_EQ_INT(gaz_issue_load("sample-issue", &sample, &dg), 0);
	gaz_diags_release(&dg);
	if (!sample)
		return TEST_DONE();
	CHECK_EQ_INT(gaz_archive_open(dir, GAZ_AR_WRITE | GAZ_AR_CREATE, &o, &ar), 0);
	if (!ar)
		return TEST_DONE();
	CHECK_EQ_INT(publish(1, PDF_SIZE, NULL), 0);
	atomic_store(&published, 1);
	before = map_size();

	for (i = 0; i < READERS; i++)
		CHECK_EQ_INT(pthread_create(&th[i], NULL, reader, (void *)(uintptr_t)(i + 1)), 0);
	for (k = 2; k <= ISSUES; k++) {
		CHECK_EQ_INT(publish(k, PDF_SIZE, NULL), 0);
		atomic_store(&published, (int)k);
	}
	usleep(20000);
	atomic_store(&stop, 1);
	for (i = 0; i < READERS; i++)
		pthread_join(th[i], NULL);
	CHECK_EQ_INT(atomic_load(&errors), 0);
	CHECK(atomic_load(&reads) > 0);
	printf("%ld reader rounds; map %zu MiB -> %zu MiB\n", atomic_load(&reads), before >> 20,
	       map_size() >> 20);
	CHECK(map_size() >= 8 * before); /* grew at least three times under the readers */
	CHECK_EQ_INT(gaz_archive_fsck(ar, &rep, NULL, NULL), 0);

	/* This thread holds a read and then writes more than the map holds:
	 * the growth cannot wait for itself, so the write fails, whole. */
	CHECK_EQ_INT(gaz_archive_read_begin(ar, &txn), 0);
	CHECK_EQ_INT(publish(ISSUES + 1, 2 * map_size() / 3, NULL), GAZ_EBUSY);
	CHECK(strstr(gaz_errdetail(), "stayed open") != NULL);
	gaz_archive_read_end(ar, txn);
	CHECK_EQ_INT(gaz_archive_get_version(ar, 2023, ISSUES + 1, 0, &v), GAZ_ENOTFOUND);
	/* ended: the same write grows the map and goes through */
	CHECK_EQ_INT(publish(ISSUES + 1, 2 * map_size() / 3, NULL), 0);
	CHECK_EQ_INT(gaz_archive_get_version(ar, 2023, ISSUES + 1, 0, &v), 0);
	gaz_ar_version_release(&v);
	gaz_archive_read_end(ar, NULL); /* a no-op */

	gaz_archive_close(ar);
	gaz_issue_free(sample);
	snprintf(cmd, sizeof cmd, "rm -rf %s", root);
	if (system(cmd))
		return 1;
	return TEST_DONE();
}

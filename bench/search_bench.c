/*
 * The gazette side of bench/search.sh: builds our index from a JSONL corpus
 * (bench/gen-corpus) into a fresh LMDB environment and times queries.
 *
 *   search_bench build CORPUS.jsonl ENVDIR
 *   search_bench query ENVDIR RUNS QUERY...
 *   search_bench verify ENVDIR
 *
 * Prints key=value lines.  Not a test: timings go to stdout only.
 */
#include "gazette/search.h"

#include <cjson/cJSON.h>
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static MDB_env *open_env(const char *dir, int rdonly)
{
	MDB_env *env;
	int rc;

	mkdir(dir, 0755);
	if ((rc = mdb_env_create(&env)) || (rc = mdb_env_set_maxdbs(env, GAZ_SEARCH_NDBI)) ||
	    (rc = mdb_env_set_mapsize(env, (size_t)64 << 30)) ||
	    (rc = mdb_env_open(env, dir, rdonly ? MDB_RDONLY : MDB_NOSYNC, 0644))) {
		fprintf(stderr, "search_bench: %s: %s\n", dir, mdb_strerror(rc));
		exit(2);
	}
	return env;
}

static const char *str(cJSON *o, const char *k)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double num(cJSON *o, const char *k)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

static void dbi_pages(MDB_txn *txn, const char *name, size_t *pages)
{
	MDB_dbi dbi;
	MDB_stat st;

	if (mdb_dbi_open(txn, name, 0, &dbi) || mdb_stat(txn, dbi, &st))
		return;
	*pages += st.ms_branch_pages + st.ms_leaf_pages + st.ms_overflow_pages;
}

/* Streams the corpus: each line is parsed, indexed and freed, so memory
 * stays flat at any N.  Only indexing is timed (parsing JSON is not part
 * of building an index), plus the commit and the final sync. */
static int build(const char *corpus, const char *dir)
{
	FILE *f = fopen(corpus, "r");
	size_t n = 0, len = 0, idx_pages = 0, doc_pages = 0;
	char *line = NULL;
	ssize_t got;
	MDB_env *env;
	MDB_txn *txn;
	MDB_envinfo info;
	MDB_stat est;
	struct rusage ru;
	struct gaz_search_writer *w = NULL;
	double spent = 0, t0;
	int rc;

	if (!f) {
		perror(corpus);
		return 2;
	}
	env = open_env(dir, 0);
	t0 = now();
	if ((rc = mdb_txn_begin(env, NULL, 0, &txn)) || (rc = gaz_search_init(txn))) {
		fprintf(stderr, "search_bench: begin: %d\n", rc);
		return 2;
	}
	if ((rc = gaz_search_writer_new(txn, &w)))
		goto fail;
	spent += now() - t0;
	while ((got = getline(&line, &len, f)) > 0) {
		struct gaz_search_doc d = { 0 };
		cJSON *doc = cJSON_Parse(line);

		if (!doc) {
			fprintf(stderr, "search_bench: bad JSON on line %zu\n", n + 1);
			return 2;
		}
		d.id = (uint64_t)num(doc, "id");
		d.title = str(doc, "title");
		d.text = str(doc, "text");
		d.text_len = d.text ? strlen(d.text) : 0;
		d.doc_no = str(doc, "doc_no");
		d.issuer = str(doc, "issuer");
		d.subject = str(doc, "subject");
		d.genre = str(doc, "genre");
		d.written = str(doc, "written");
		d.published = str(doc, "published");
		d.status = gaz_search_status_parse(str(doc, "status"));
		d.issue_year = (uint32_t)num(doc, "issue_year");
		d.issue_number = (uint32_t)num(doc, "issue_number");
		t0 = now();
		rc = gaz_search_writer_add(w, &d);
		spent += now() - t0;
		cJSON_Delete(doc);
		if (rc)
			goto fail;
		n++;
	}
	free(line);
	fclose(f);
	t0 = now();
	if ((rc = gaz_search_writer_flush(w)))
		goto fail;
	gaz_search_writer_free(w);
	if ((rc = mdb_txn_commit(txn))) {
		fprintf(stderr, "search_bench: commit: %s\n", mdb_strerror(rc));
		return 2;
	}
	mdb_env_sync(env, 1);
	spent += now() - t0;
	mdb_env_info(env, &info);
	mdb_env_stat(env, &est);
	mdb_txn_begin(env, NULL, MDB_RDONLY, &txn);
	dbi_pages(txn, "fts_terms", &idx_pages);
	dbi_pages(txn, "fts_cols", &idx_pages);
	dbi_pages(txn, "fts_info", &idx_pages);
	dbi_pages(txn, "fts_docs", &doc_pages);
	mdb_txn_abort(txn);
	/* peak resident set: the writer's batch plus the mapped pages touched */
	getrusage(RUSAGE_SELF, &ru);
	printf("docs=%zu\nbuild_s=%.3f\ntotal_bytes=%zu\nindex_bytes=%zu\nrecords_bytes=%zu\n"
	       "peak_rss_kb=%ld\n", n, spent, (size_t)(info.me_last_pgno + 1) * est.ms_psize,
	       idx_pages * est.ms_psize, doc_pages * est.ms_psize, ru.ru_maxrss);
	mdb_env_close(env);
	return 0;
fail:
	fprintf(stderr, "search_bench: %s: %s\n", gaz_strerror(rc), gaz_errdetail());
	return 2;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int query(const char *dir, int runs, int nq, char **qs)
{
	MDB_env *env = open_env(dir, 1);
	double *t = calloc((size_t)runs, sizeof *t);

	for (int j = 0; j < nq; j++) {
		struct gaz_search_results *r = NULL;
		uint64_t total = 0;
		size_t nhits = 0;
		int exact = 1;

		for (int i = -1; i < runs; i++) { /* one warm-up run */
			MDB_txn *txn;
			struct gaz_search_query q = { 0 };
			double t0;
			int rc;

			q.text = qs[j];
			q.limit = 20;
			t0 = now();
			mdb_txn_begin(env, NULL, MDB_RDONLY, &txn);
			rc = gaz_search_query(txn, &q, &r);
			mdb_txn_abort(txn);
			if (rc) {
				fprintf(stderr, "search_bench: %s: %s\n", qs[j], gaz_errdetail());
				return 2;
			}
			total = r->total;
			exact = r->total_exact;
			nhits = r->n;
			gaz_search_results_free(r);
			if (i >= 0)
				t[i] = now() - t0;
		}
		qsort(t, (size_t)runs, sizeof *t, cmp_double);
		printf("query=%s\nms=%.3f\nrows=%zu\ntotal=%llu%s\n", qs[j], t[runs / 2] * 1e3, nhits,
		       (unsigned long long)total, exact ? "" : "+");
	}
	free(t);
	mdb_env_close(env);
	return 0;
}

/* fsck of the index: how long gaz_search_verify takes at this size. */
static int verify(const char *dir)
{
	MDB_env *env = open_env(dir, 1);
	struct gaz_search_check st;
	MDB_txn *txn;
	double t0 = now();
	int rc;

	mdb_txn_begin(env, NULL, MDB_RDONLY, &txn);
	rc = gaz_search_verify(txn, &st);
	mdb_txn_abort(txn);
	mdb_env_close(env);
	if (rc) {
		fprintf(stderr, "search_bench: verify: %s: %s\n", gaz_strerror(rc), gaz_errdetail());
		return 1;
	}
	printf("verify_s=%.3f\ndocs=%llu\npostings=%llu\nterms=%llu\n", now() - t0,
	       (unsigned long long)st.docs, (unsigned long long)st.postings,
	       (unsigned long long)st.terms);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "verify"))
		return verify(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "build"))
		return build(argv[2], argv[3]);
	if (argc >= 5 && !strcmp(argv[1], "query"))
		return query(argv[2], atoi(argv[3]) > 0 ? atoi(argv[3]) : 9, argc - 4, argv + 4);
	fprintf(stderr, "usage: search_bench build CORPUS.jsonl ENVDIR\n"
			"       search_bench query ENVDIR RUNS QUERY...\n"
			"       search_bench verify ENVDIR\n");
	return 2;
}

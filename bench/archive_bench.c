/*
 * Archive benchmark: storing documents and exact look-ups by document
 * number, ours (LMDB archive) against SQLite (a table with an index on
 * doc_no), side by side in one run.  Used by bench/archive.sh.
 *
 *   archive_bench DIR N RUNS LOOKUPS [SCHEMA]
 *
 * Two kinds of look-up, each against the matching SQLite query:
 *  - full: gaz_archive_find_docs, every field of the record copied out,
 *    against SELECT of every column with the texts strdup'ed;
 *  - where: gaz_archive_locate (id, issue, version, position, pages; no
 *    strings), against SELECT id, year, number, version, pages.
 * Each look-up is its own read transaction on both sides (a fresh
 * snapshot: what a server answering requests does); "where" is also timed
 * with every look-up of a round in one read transaction on both sides
 * (SQLite with mmap on: its best case).  SCHEMA (1 or 2) picks the layout
 * of a new archive.  The documents are the sample issue's five, cloned
 * with distinct numbers (so texts are shared blobs: this measures records
 * and indexes, not text storage).  DIR/stored marks finished stores, which
 * a later run with the same DIR reuses.  Prints key=value lines.
 */
#include "gazette/archive.h"
#include "gazette/text.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PER_ISSUE 1000

static double clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double now_s(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

/* CPU time of this process: on a shared machine, less disturbed by the
 * other jobs than the wall clock (both are reported). */
static double cpu_s(void)
{
	return clock_s(CLOCK_PROCESS_CPUTIME_ID);
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void docno(char *out, size_t n, size_t i)
{
	snprintf(out, n, "测试府办发〔%zu〕%zu号", 2000 + i / 100000, i % 100000 + 1);
}

/* The kinds of look-up timed, each against its SQLite counterpart. */
enum {
	C_OURS_FULL,    /* gaz_archive_find_docs: every field copied out */
	C_SQL_FULL,     /* SELECT every field … WHERE doc_no = ?, texts strdup'ed */
	C_OURS_LOC,     /* gaz_archive_locate: id, issue, version, position, pages */
	C_SQL_ID,       /* SELECT id, year, number, version, pages … WHERE doc_no = ? */
	C_OURS_LOC_TX,  /* locate, every look-up of the round in one read transaction */
	C_SQL_ID_TX,    /* the same query, one read transaction per round, mmap on */
	C_OURS_LOC_ST,  /* locate with the current status (no SQLite counterpart) */
	NCASE
};
static const char *const cases[NCASE] = {
	"ours_full", "sqlite_full", "ours_locate", "sqlite_id", "ours_locate_tx", "sqlite_id_tx",
	"ours_locate_status"
};

static int one(int c, struct gaz_archive *a, MDB_txn *txn, sqlite3_stmt *st, const char *no)
{
	struct gaz_ar_doc *found = NULL;
	struct gaz_ar_docref refs[4];
	size_t nf = 0;
	char *f[9];
	int i, status;

	switch (c) {
	case C_OURS_FULL:
		if (gaz_archive_find_docs(a, GAZ_AR_BY_DOCNO, no, &found, &nf) || nf != 1)
			return 1;
		gaz_ar_docs_free(found, nf);
		return 0;
	case C_OURS_LOC:
	case C_OURS_LOC_TX:
		return gaz_archive_locate(a, txn, GAZ_AR_BY_DOCNO, no, refs, 4, &nf, NULL) || nf != 1;
	case C_OURS_LOC_ST:
		return gaz_archive_locate(a, NULL, GAZ_AR_BY_DOCNO, no, refs, 4, &nf, &status) ||
		       nf != 1 || !status;
	case C_SQL_FULL:
		sqlite3_bind_text(st, 1, no, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_ROW)
			return 1;
		for (i = 0; i < 9; i++)
			f[i] = strdup((const char *)sqlite3_column_text(st, i));
		for (i = 9; i < 14; i++)
			(void)sqlite3_column_int(st, i);
		for (i = 0; i < 9; i++)
			free(f[i]);
		sqlite3_reset(st);
		return 0;
	default:
		sqlite3_bind_text(st, 1, no, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_ROW)
			return 1;
		(void)sqlite3_column_int64(st, 0);
		for (i = 1; i < 6; i++)
			(void)sqlite3_column_int(st, i);
		sqlite3_reset(st);
		return 0;
	}
}

int main(int argc, char **argv)
{
	struct gaz_issue *sample = NULL, is;
	struct gaz_diags dg = { 0 };
	struct gaz_archive *a = NULL;
	struct gaz_page_range *pages;
	struct gaz_doc *docs;
	char (*nos)[64], (*keys)[64], path[512], year[8], number[8], pdf[4096];
	size_t n, runs, lookups, i, j, k, n_issues;
	int reuse;
	double t0, c0, *wall[NCASE], *cpu[NCASE];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL, *st_id = NULL;
	struct gaz_archive_opts o = { 0 };
	int c;

	if (argc != 5 && argc != 6)
		return fprintf(stderr, "usage: archive_bench DIR N RUNS LOOKUPS [SCHEMA]\n"), 2;
	if (argc == 6)
		o.create_schema = (unsigned)strtoul(argv[5], NULL, 10);
	n = strtoul(argv[2], NULL, 10);
	runs = strtoul(argv[3], NULL, 10);
	lookups = strtoul(argv[4], NULL, 10);
	if (gaz_issue_load(GAZETTE_SAMPLE, &sample, &dg) || !sample->n_docs)
		return fprintf(stderr, "cannot load %s\n", GAZETTE_SAMPLE), 2;
	docs = calloc(PER_ISSUE, sizeof *docs);
	pages = calloc(PER_ISSUE, sizeof *pages);
	nos = calloc(n, sizeof *nos);
	for (c = 0; c < NCASE; c++) {
		wall[c] = calloc(runs, sizeof **wall);
		cpu[c] = calloc(runs, sizeof **cpu);
	}
	keys = calloc(lookups, sizeof *keys);
	for (i = 0; i < n; i++)
		docno(nos[i], sizeof nos[i], i);

	/* ---- store: ours (skipped when DIR holds both stores already) ---- */
	snprintf(path, sizeof path, "%s/stored", argv[1]);
	reuse = access(path, F_OK) == 0;
	snprintf(path, sizeof path, "%s/gaz", argv[1]);
	if (gaz_archive_open(path, reuse ? GAZ_AR_READONLY : GAZ_AR_WRITE | GAZ_AR_CREATE, &o, &a))
		return fprintf(stderr, "open: %s\n", gaz_errdetail()), 2;
	if (reuse)
		goto stored;
	n_issues = (n + PER_ISSUE - 1) / PER_ISSUE;
	t0 = now_s();
	for (k = 0; k < n_issues; k++) {
		size_t cnt = n - k * PER_ISSUE < PER_ISSUE ? n - k * PER_ISSUE : PER_ISSUE;
		is = *sample;
		snprintf(year, sizeof year, "%zu", 2000 + k / 12);
		snprintf(number, sizeof number, "%zu", k % 12 + 1);
		is.cfg.year.value = year;
		is.cfg.number.value = number;
		for (j = 0; j < cnt; j++) {
			struct gaz_doc *d = &docs[j];
			char *text;
			size_t tl;
			*d = sample->docs[j % sample->n_docs];
			d->doc_no.value = nos[k * PER_ISSUE + j];
			text = gaz_doc_text(d, &tl);
			gaz_text_doc_code(d->doc_no.value, text, tl, d->code);
			free(text);
			pages[j].first = (uint32_t)j + 1;
			pages[j].last = (uint32_t)j + 1;
		}
		is.docs = docs;
		is.n_docs = cnt;
		snprintf(pdf, sizeof pdf, "%%PDF-1.7\n%% synthetic issue %zu\n%%%%EOF\n", k);
		if (gaz_archive_publish(a, &is, pdf, strlen(pdf), pages, "bench", 0, NULL, NULL))
			return fprintf(stderr, "publish: %s\n", gaz_errdetail()), 2;
	}
	printf("ours_store_s=%.3f\n", now_s() - t0);

	/* ---- store: SQLite ---- */
	snprintf(path, sizeof path, "%s/sqlite.db", argv[1]);
	remove(path);
	if (sqlite3_open(path, &db) ||
	    sqlite3_exec(db, "PRAGMA journal_mode=WAL; CREATE TABLE docs(id INTEGER PRIMARY KEY, "
			 "doc_no TEXT, index_no TEXT, title TEXT, issuer TEXT, written TEXT, "
			 "published TEXT, subject TEXT, genre TEXT, code TEXT, year INT, number INT, "
			 "version INT, first_page INT, last_page INT);"
			 "CREATE INDEX docs_no ON docs(doc_no);", NULL, NULL, NULL))
		return fprintf(stderr, "sqlite: %s\n", sqlite3_errmsg(db)), 2;
	t0 = now_s();
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO docs VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", -1, &st, NULL);
	for (i = 0; i < n; i++) {
		const struct gaz_doc *d = &sample->docs[i % sample->n_docs];
		sqlite3_bind_int64(st, 1, (sqlite3_int64)i + 1);
		sqlite3_bind_text(st, 2, nos[i], -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, gaz_fv(&d->index_no), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, gaz_fv(&d->title), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, gaz_fv(&d->issuer), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, gaz_fv(&d->written), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 7, gaz_fv(&d->published), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 8, gaz_fv(&d->subject), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 9, gaz_fv(&d->genre), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 10, d->code, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 11, 2000 + (int)(i / PER_ISSUE / 12));
		sqlite3_bind_int(st, 12, (int)(i / PER_ISSUE % 12) + 1);
		sqlite3_bind_int(st, 13, 1);
		sqlite3_bind_int(st, 14, (int)(i % PER_ISSUE) + 1);
		sqlite3_bind_int(st, 15, (int)(i % PER_ISSUE) + 1);
		sqlite3_step(st);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	printf("sqlite_store_s=%.3f\n", now_s() - t0);
	snprintf(path, sizeof path, "%s/stored", argv[1]);
	fclose(fopen(path, "w"));
	goto lookups;
stored:
	snprintf(path, sizeof path, "%s/sqlite.db", argv[1]);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL))
		return fprintf(stderr, "sqlite: %s\n", sqlite3_errmsg(db)), 2;
	printf("ours_store_s=-\nsqlite_store_s=-\n");
lookups:

	/* ---- exact look-ups by document number, each kind against its SQLite
	 * counterpart, interleaved in every round ---- */
	sqlite3_prepare_v2(db, "SELECT doc_no, index_no, title, issuer, written, published, subject, "
			   "genre, code, year, number, version, first_page, last_page FROM docs "
			   "WHERE doc_no = ?", -1, &st, NULL);
	sqlite3_prepare_v2(db, "SELECT id, year, number, version, first_page, last_page FROM docs "
			   "WHERE doc_no = ?", -1, &st_id, NULL);
	for (k = 0; k < runs; k++) {
		/* the round's keys, in look-up order: reading them is a sequential
		 * scan, so neither side pays a cache miss for the key it is given
		 * (picking nos[random] inside the loop did, for both) */
		unsigned x = 7u + (unsigned)k;
		for (i = 0; i < lookups; i++) {
			x = x * 1103515245u + 12345u;
			memcpy(keys[i], nos[x % n], sizeof keys[i]);
		}
		for (c = 0; c < NCASE; c++) {
			MDB_txn *txn = NULL;
			if (c == C_OURS_LOC_TX && gaz_archive_read_begin(a, &txn))
				return fprintf(stderr, "read_begin: %s\n", gaz_errdetail()), 2;
			if (c == C_SQL_ID_TX)
				sqlite3_exec(db, "PRAGMA mmap_size=1073741824; BEGIN", NULL, NULL, NULL);
			t0 = now_s();
			c0 = cpu_s();
			for (i = 0; i < lookups; i++)
				if (one(c, a, txn, c == C_SQL_FULL ? st : st_id, keys[i]))
					return fprintf(stderr, "%s: look-up of %s failed: %s\n", cases[c],
						       keys[i], gaz_errdetail()), 2;
			wall[c][k] = (now_s() - t0) / (double)lookups * 1e6;
			cpu[c][k] = (cpu_s() - c0) / (double)lookups * 1e6;
			if (txn)
				gaz_archive_read_end(a, txn);
			if (c == C_SQL_ID_TX)
				sqlite3_exec(db, "COMMIT; PRAGMA mmap_size=0", NULL, NULL, NULL);
		}
	}
	sqlite3_finalize(st);
	sqlite3_finalize(st_id);
	for (c = 0; c < NCASE; c++) {
		qsort(wall[c], runs, sizeof **wall, cmp_d);
		qsort(cpu[c], runs, sizeof **cpu, cmp_d);
		printf("%s_us=%.3f\n%s_cpu_us=%.3f\n", cases[c], wall[c][runs / 2], cases[c],
		       cpu[c][runs / 2]);
	}
	printf("schema=%u\n", gaz_archive_schema(a));
	sqlite3_close(db);
	gaz_archive_close(a);
	gaz_issue_free(sample);
	gaz_diags_release(&dg);
	free(docs);
	free(pages);
	free(nos);
	free(keys);
	for (c = 0; c < NCASE; c++) {
		free(wall[c]);
		free(cpu[c]);
	}
	return 0;
}

/* gaz_archive_locate on a real LMDB environment, in a schema 2 archive (the
 * 发文字号 index entries carry locators) and a schema 1 archive (they are
 * empty; the records are read): the same answers as gaz_archive_find_docs,
 * the current status, the caller's transaction, a short refs array, bad
 * input; then damaged data files: a wrong locator (fsck names it), a
 * malformed locator, document record and status event (GAZ_ECORRUPT), a
 * schema newer than this program. */
#include "archive_test.h"
#include "archive/store.h"
#include "gazette/archive.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Where DIR/data.mdb is mapped in this process (/proc/self/maps), or 0. */
static uintptr_t map_base(const char *dir)
{
	char line[1024], want[300];
	uintptr_t lo = 0, base = 0;
	unsigned long long off;
	size_t wl;
	FILE *f = fopen("/proc/self/maps", "r");

	snprintf(want, sizeof want, "%s/data.mdb\n", dir);
	wl = strlen(want);
	while (f && fgets(line, sizeof line, f)) {
		size_t ll = strlen(line);
		char *end;
		if (ll < wl || strcmp(line + ll - wl, want))
			continue;
		lo = (uintptr_t)strtoull(line, &end, 16);
		/* "lo-hi perms offset …": the mapping of offset 0 */
		if (sscanf(end, "-%*x %*s %llx", &off) == 1 && off == 0) {
			base = lo;
			break;
		}
	}
	if (f)
		fclose(f);
	return base;
}

/* File offset in DIR/data.mdb of the value at key in the named DBI, or -1
 * (value pointer minus where the file is mapped). */
static long value_offset(const char *dir, const char *dbi, const void *key, size_t klen)
{
	struct gaz_archive *a = NULL;
	MDB_txn *t = NULL;
	MDB_dbi d;
	MDB_val k = { klen, (void *)key }, v;
	uintptr_t base;
	long off = -1;

	CHECK_EQ_INT(gaz_archive_open(dir, GAZ_AR_READONLY, NULL, &a), 0);
	if (!a)
		return -1;
	base = map_base(dir);
	CHECK(base != 0);
	CHECK_EQ_INT(gaz_archive_read_begin(a, &t), 0);
	if (base && !mdb_dbi_open(t, dbi, 0, &d) && !mdb_get(t, d, &k, &v))
		off = (long)((uintptr_t)v.mv_data - base);
	gaz_archive_read_end(a, t);
	gaz_archive_close(a);
	CHECK(off > 0);
	return off;
}

/* Byte off of DIR/data.mdb xor'ed with x. */
static void patch(const char *dir, long off, unsigned char x)
{
	char file[300];
	FILE *f;
	int c;

	snprintf(file, sizeof file, "%s/data.mdb", dir);
	CHECK((f = fopen(file, "r+b")) != NULL);
	if (!f || off < 0)
		return;
	CHECK_EQ_INT(fseek(f, off, SEEK_SET), 0);
	c = fgetc(f);
	CHECK(c != EOF);
	CHECK_EQ_INT(fseek(f, off, SEEK_SET), 0);
	fputc(c ^ x, f);
	CHECK_EQ_INT(fclose(f), 0);
}

static int count_problems(struct gaz_archive *a)
{
	struct gaz_fsck_report rep;
	int rc = gaz_archive_fsck(a, &rep, NULL, NULL);

	return rc == GAZ_ECORRUPT ? (int)rep.problems : rc;
}

/* Clears *ctx (a string) when a problem line contains it. */
static void note(const char *problem, void *ctx)
{
	const char **want = ctx;

	if (*want && strstr(problem, *want))
		*want = NULL;
}

/* A compacted copy (only live pages: each record once in data.mdb). */
static void copy_of(const char *src, const char *dst)
{
	struct gaz_archive *a = NULL;

	CHECK_EQ_INT(gaz_archive_open(src, GAZ_AR_READONLY, NULL, &a), 0);
	CHECK_EQ_INT(gaz_archive_backup(a, dst), 0);
	gaz_archive_close(a);
}

/* The value of the first 发文字号 index entry of doc_no, through LMDB. */
static size_t ix_value_len(struct gaz_archive *a, const char *doc_no)
{
	unsigned char k[IX_KEY_MAX];
	size_t kl = ix_key(k, IX_DOCNO, doc_no, 1, NULL, 0), n = (size_t)-1;
	MDB_txn *t = NULL;
	MDB_cursor *c = NULL;
	MDB_val kv = { kl, k }, v;

	CHECK_EQ_INT(gaz_archive_read_begin(a, &t), 0);
	CHECK_EQ_INT(mdb_cursor_open(t, a->index, &c), 0);
	if (!mdb_cursor_get(c, &kv, &v, MDB_SET_RANGE) && kv.mv_size == kl + 8 &&
	    !memcmp(kv.mv_data, k, kl))
		n = v.mv_size;
	mdb_cursor_close(c);
	gaz_archive_read_end(a, t);
	return n;
}

/* locate(key) agrees with find_docs(key) for every document of the issue. */
static void same_as_find(struct gaz_archive *a, const struct gaz_issue *is, size_t want)
{
	static const enum gaz_ar_key keys[] = { GAZ_AR_BY_DOCNO, GAZ_AR_BY_INDEXNO, GAZ_AR_BY_CODE };
	struct gaz_ar_docref refs[4];
	struct gaz_ar_doc *docs = NULL;
	size_t i, j, k, n, nd;

	for (i = 0; i < is->n_docs; i++)
		for (k = 0; k < 3; k++) {
			const char *val = k == 0 ? gaz_fv(&is->docs[i].doc_no)
					: k == 1 ? gaz_fv(&is->docs[i].index_no) : is->docs[i].code;
			if (!*val)
				continue;
			n = 99;
			CHECK_EQ_INT(gaz_archive_locate(a, NULL, keys[k], val, refs, 4, &n, NULL), 0);
			CHECK_EQ_INT(gaz_archive_find_docs(a, keys[k], val, &docs, &nd), 0);
			CHECK_EQ_INT(n, want);
			CHECK_EQ_INT(nd, want);
			for (j = 0; j < n && j < nd && j < 4; j++) {
				CHECK_EQ_INT(refs[j].id, docs[j].id);
				CHECK_EQ_INT(refs[j].year, docs[j].year);
				CHECK_EQ_INT(refs[j].number, docs[j].number);
				CHECK_EQ_INT(refs[j].version, docs[j].version);
				CHECK_EQ_INT(refs[j].pos, docs[j].pos);
				CHECK_EQ_INT(refs[j].first_page, docs[j].first_page);
				CHECK_EQ_INT(refs[j].last_page, docs[j].last_page);
			}
			gaz_ar_docs_free(docs, nd);
		}
}

static void run(unsigned schema, struct gaz_issue *is)
{
	struct gaz_archive_opts o = { .create_schema = schema };
	struct gaz_archive *a = NULL, *r = NULL;
	struct gaz_page_range pages[8];
	struct gaz_ar_docref refs[3];
	struct gaz_fsck_report rep;
	const char *docno = gaz_fv(&is->docs[0].doc_no);
	char dir[32], pdf[64], *num;
	MDB_txn *t = NULL;
	size_t i, n;
	int st, cnt;

	snprintf(dir, sizeof dir, "s%u", schema);
	for (i = 0; i < is->n_docs; i++)
		pages[i].first = (uint32_t)(3 * i + 1), pages[i].last = (uint32_t)(3 * i + 3);
	CHECK_EQ_INT(gaz_archive_open(path(dir), GAZ_AR_WRITE | GAZ_AR_CREATE, &o, &a), 0);
	if (!a)
		return;
	CHECK_EQ_INT(gaz_archive_schema(a), schema);
	CHECK_EQ_INT(gaz_archive_open(path(dir), GAZ_AR_READONLY, NULL, &r), 0);
	CHECK_EQ_INT(gaz_archive_schema(r), schema);

	/* bad input, nothing stored yet */
	n = 77;
	CHECK_EQ_INT(gaz_archive_locate(r, NULL, GAZ_AR_BY_DOCNO, docno, refs, 3, &n, NULL),
		     GAZ_ENOTFOUND);
	CHECK_EQ_INT(n, 77);
	CHECK_EQ_INT(gaz_archive_locate(r, NULL, GAZ_AR_BY_DOCNO, "", refs, 3, &n, NULL), GAZ_EINVAL);
	CHECK_EQ_INT(gaz_archive_locate(r, NULL, GAZ_AR_BY_DOCNO, NULL, refs, 3, &n, NULL),
		     GAZ_EINVAL);
	CHECK_EQ_INT(gaz_archive_locate(r, NULL, (enum gaz_ar_key)7, docno, refs, 3, &n, NULL),
		     GAZ_EINVAL);

	/* version 1, then a correction */
	snprintf(pdf, sizeof pdf, "%%PDF-1.7\n%% schema %u v1\n%%%%EOF\n", schema);
	CHECK_EQ_INT(gaz_archive_publish(a, is, pdf, strlen(pdf), pages, "clerk", 1000, NULL, NULL), 0);
	CHECK_EQ_INT(ix_value_len(r, docno), schema >= 2 ? AR_LOC_LEN : 0);
	same_as_find(r, is, 1);
	pages[0].last = 5;
	snprintf(pdf, sizeof pdf, "%%PDF-1.7\n%% schema %u v2\n%%%%EOF\n", schema);
	CHECK_EQ_INT(gaz_archive_publish(a, is, pdf, strlen(pdf), pages, "clerk", 2000, "勘误", NULL), 0);
	same_as_find(r, is, 2);
	CHECK_EQ_INT(gaz_archive_locate(r, NULL, GAZ_AR_BY_DOCNO, docno, refs, 3, &n, NULL), 0);
	CHECK_EQ_INT(n, 2);
	CHECK_EQ_INT(refs[0].version, 1);
	CHECK_EQ_INT(refs[0].last_page, 3);
	CHECK_EQ_INT(refs[1].version, 2);
	CHECK_EQ_INT(refs[1].last_page, 5);
	CHECK_EQ_INT(refs[1].year, 2023);
	CHECK_EQ_INT(refs[1].number, 7);
	CHECK_EQ_INT(refs[1].pos, 0);

	/* room for one: the first is written, the count says two */
	refs[1].id = 4242;
	CHECK_EQ_INT(gaz_archive_locate(r, NULL, GAZ_AR_BY_DOCNO, docno, refs, 1, &n, NULL), 0);
	CHECK_EQ_INT(n, 2);
	CHECK_EQ_INT(refs[0].version, 1);
	CHECK_EQ_INT(refs[1].id, 4242);
	CHECK_EQ_INT(gaz_archive_locate(r, NULL, GAZ_AR_BY_DOCNO, docno, NULL, 0, &n, NULL), 0);
	CHECK_EQ_INT(n, 2);
	/* a prefix of a number is not the number */
	CHECK_EQ_INT(gaz_archive_locate(r, NULL, GAZ_AR_BY_DOCNO, "鞍政办公开〔2023〕17", refs, 3, &n,
					NULL), GAZ_ENOTFOUND);

	/* status: the first event, then a change recorded later */
	st = -1;
	CHECK_EQ_INT(gaz_archive_locate(r, NULL, GAZ_AR_BY_DOCNO, docno, refs, 3, &n, &st), 0);
	CHECK_EQ_INT(st, GAZ_ST_VALID);
	CHECK_EQ_INT(gaz_archive_set_status(a, docno, GAZ_ST_REPEALED, "2024-01-01", "x〔2024〕1号",
					    NULL, "chief", 3000, NULL), 0);
	/* recorded after, effective before: the repeal stays current */
	CHECK_EQ_INT(gaz_archive_set_status(a, docno, GAZ_ST_AMENDED, "2023-10-01", "x〔2023〕5号",
					    NULL, "chief", 4000, NULL), 0);
	CHECK_EQ_INT(gaz_archive_locate(r, NULL, GAZ_AR_BY_DOCNO, docno, refs, 3, &n, &st), 0);
	CHECK_EQ_INT(st, GAZ_ST_REPEALED);
	st = -1;
	CHECK_EQ_INT(gaz_archive_locate(r, NULL, GAZ_AR_BY_CODE, is->docs[0].code, refs, 3, &n, &st),
		     0);
	CHECK_EQ_INT(st, GAZ_ST_REPEALED);
	CHECK_EQ_INT(gaz_archive_set_status(a, docno, GAZ_ST_VALID, "2024-01-01", "x〔2024〕2号",
					    NULL, "chief", 5000, NULL), 0);
	CHECK_EQ_INT(gaz_archive_locate(r, NULL, GAZ_AR_BY_INDEXNO, gaz_fv(&is->docs[0].index_no),
					refs, 3, &n, &st), 0);
	CHECK_EQ_INT(st, GAZ_ST_VALID); /* same date, recorded later: wins */
	CHECK_EQ_INT(gaz_archive_status_at(r, docno, NULL, &cnt), 0);
	CHECK_EQ_INT(cnt, st);
	CHECK_EQ_INT(gaz_archive_locate(r, NULL, GAZ_AR_BY_DOCNO, gaz_fv(&is->docs[1].doc_no), refs,
					3, &n, &st), 0);
	CHECK_EQ_INT(st, GAZ_ST_VALID);

	/* in the caller's transaction: a snapshot, which a later publish
	 * does not change */
	CHECK_EQ_INT(gaz_archive_read_begin(r, &t), 0);
	CHECK_EQ_INT(gaz_archive_locate(r, t, GAZ_AR_BY_DOCNO, docno, refs, 3, &n, NULL), 0);
	CHECK_EQ_INT(n, 2);
	snprintf(pdf, sizeof pdf, "%%PDF-1.7\n%% schema %u v3\n%%%%EOF\n", schema);
	CHECK_EQ_INT(gaz_archive_publish(a, is, pdf, strlen(pdf), pages, "clerk", 6000, "再勘误", NULL), 0);
	CHECK_EQ_INT(gaz_archive_locate(r, t, GAZ_AR_BY_DOCNO, docno, refs, 3, &n, NULL), 0);
	CHECK_EQ_INT(n, 2);
	gaz_archive_read_end(r, t);
	CHECK_EQ_INT(gaz_archive_locate(r, NULL, GAZ_AR_BY_DOCNO, docno, refs, 3, &n, NULL), 0);
	CHECK_EQ_INT(n, 3);
	CHECK_EQ_INT(refs[2].version, 3);

	CHECK_EQ_INT(gaz_archive_fsck(r, &rep, NULL, NULL), 0);
	CHECK_EQ_INT(rep.problems, 0);
	gaz_archive_close(a);
	gaz_archive_close(r);

	/* reopened by a writer, an archive keeps its schema */
	o.create_schema = 0;
	CHECK_EQ_INT(gaz_archive_open(path(dir), GAZ_AR_WRITE, &o, &a), 0);
	CHECK_EQ_INT(gaz_archive_schema(a), schema);
	num = is->cfg.number.value;
	is->cfg.number.value = "8";
	snprintf(pdf, sizeof pdf, "%%PDF-1.7\n%% schema %u issue 8\n%%%%EOF\n", schema);
	CHECK_EQ_INT(gaz_archive_publish(a, is, pdf, strlen(pdf), pages, "clerk", 7000, NULL, NULL), 0);
	is->cfg.number.value = num;
	CHECK_EQ_INT(gaz_archive_locate(a, NULL, GAZ_AR_BY_DOCNO, docno, refs, 3, &n, NULL), 0);
	CHECK_EQ_INT(n, 4);
	CHECK_EQ_INT(refs[0].number, 7);
	CHECK_EQ_INT(gaz_archive_fsck(a, &rep, NULL, NULL), 0);
	gaz_archive_close(a);
}

/* Damage in a copy of the schema 2 archive. */
static void damaged(struct gaz_issue *is)
{
	static const unsigned char id1[8] = { 0, 0, 0, 0, 0, 0, 0, 1 };
	static const unsigned char id16[8] = { 0, 0, 0, 0, 0, 0, 0, 16 };
	struct gaz_archive_opts o = { .create_schema = 3 };
	struct gaz_archive *a = NULL;
	struct gaz_ar_docref refs[4];
	struct gaz_ar_doc *docs = NULL;
	struct gaz_fsck_report rep;
	const char *docno = gaz_fv(&is->docs[0].doc_no);
	const char *want[1];
	unsigned char k[IX_KEY_MAX];
	size_t n, nd, kl, dl = strlen(docno);
	int st;

	CHECK_EQ_INT(gaz_archive_open(path("s3"), GAZ_AR_WRITE | GAZ_AR_CREATE, &o, &a), GAZ_EINVAL);
	CHECK(access(path("s3"), F_OK) != 0);

	/* a wrong page in a locator: look-ups by number trust the index (the
	 * point of the locator), fsck compares it with the record */
	kl = ix_key(k, IX_DOCNO, docno, 1, id1, 8);
	copy_of(path("s2"), path("d1"));
	patch(path("d1"), value_offset(path("d1"), "index", k, kl) + AR_LOC_LEN - 1, 0x01);
	CHECK_EQ_INT(gaz_archive_open(path("d1"), GAZ_AR_READONLY, NULL, &a), 0);
	CHECK_EQ_INT(gaz_archive_locate(a, NULL, GAZ_AR_BY_DOCNO, docno, refs, 4, &n, NULL), 0);
	CHECK_EQ_INT(refs[0].last_page, 2);
	want[0] = "its locator does not match the record";
	CHECK_EQ_INT(gaz_archive_fsck(a, &rep, note, (void *)want), GAZ_ECORRUPT);
	CHECK(want[0] == NULL);
	CHECK_EQ_INT(count_problems(a), 1);
	gaz_archive_close(a);

	/* a locator of another format: refused */
	copy_of(path("s2"), path("d2"));
	patch(path("d2"), value_offset(path("d2"), "index", k, kl), 0x02);
	CHECK_EQ_INT(gaz_archive_open(path("d2"), GAZ_AR_READONLY, NULL, &a), 0);
	n = 99;
	CHECK_EQ_INT(gaz_archive_locate(a, NULL, GAZ_AR_BY_DOCNO, docno, refs, 4, &n, NULL),
		     GAZ_ECORRUPT);
	CHECK(strstr(gaz_errdetail(), "malformed"));
	CHECK_EQ_INT(n, 99);
	CHECK(count_problems(a) >= 1);
	gaz_archive_close(a);

	/* document 1's record with a bad tag: the look-ups that read it fail
	 * (by code in schema 2, by number in schema 1) */
	copy_of(path("s2"), path("d3"));
	copy_of(path("s1"), path("d4"));
	patch(path("d3"), value_offset(path("d3"), "doc", id1, 8) + 2, 0x40);
	patch(path("d4"), value_offset(path("d4"), "doc", id1, 8) + 2, 0x40);
	CHECK_EQ_INT(gaz_archive_open(path("d3"), GAZ_AR_READONLY, NULL, &a), 0);
	CHECK_EQ_INT(gaz_archive_locate(a, NULL, GAZ_AR_BY_CODE, is->docs[0].code, refs, 4, &n,
					NULL), GAZ_ECORRUPT);
	CHECK(strstr(gaz_errdetail(), "document 1: record malformed"));
	CHECK_EQ_INT(gaz_archive_locate(a, NULL, GAZ_AR_BY_DOCNO, docno, refs, 4, &n, NULL), 0);
	CHECK_EQ_INT(gaz_archive_find_docs(a, GAZ_AR_BY_DOCNO, docno, &docs, &nd), GAZ_ECORRUPT);
	CHECK(count_problems(a) >= 1);
	gaz_archive_close(a);
	CHECK_EQ_INT(gaz_archive_open(path("d4"), GAZ_AR_READONLY, NULL, &a), 0);
	CHECK_EQ_INT(gaz_archive_schema(a), 1);
	CHECK_EQ_INT(gaz_archive_locate(a, NULL, GAZ_AR_BY_DOCNO, docno, refs, 4, &n, NULL),
		     GAZ_ECORRUPT);
	CHECK(count_problems(a) >= 1);
	gaz_archive_close(a);

	/* the first status event's status byte (after format, type, tag and
	 * length, the number, the seq field, tag 3 and its length) set to 9:
	 * the status look-up fails, the plain one still answers */
	kl = strlen(docno);
	memcpy(k, docno, kl + 1);
	memset(k + kl + 1, 0, 4);
	copy_of(path("s2"), path("d5"));
	patch(path("d5"), value_offset(path("d5"), "status", k, kl + 5) + 4 + (long)dl + 8, 0x08);
	CHECK_EQ_INT(gaz_archive_open(path("d5"), GAZ_AR_READONLY, NULL, &a), 0);
	CHECK_EQ_INT(gaz_archive_locate(a, NULL, GAZ_AR_BY_DOCNO, docno, refs, 4, &n, NULL), 0);
	st = -5;
	CHECK_EQ_INT(gaz_archive_locate(a, NULL, GAZ_AR_BY_DOCNO, docno, refs, 4, &n, &st),
		     GAZ_ECORRUPT);
	CHECK(strstr(gaz_errdetail(), "status event 0 malformed"));
	CHECK_EQ_INT(st, -5);
	CHECK(count_problems(a) >= 1);
	gaz_archive_close(a);

	/* the 发文字号 in the record of the last appearance (document 16,
	 * issue 8) no longer UTF-8 (its first byte made ASCII: the
	 * continuation bytes after it stand alone): a look-up by code that
	 * needs the status, which that number keys, refuses it */
	copy_of(path("s2"), path("d7"));
	patch(path("d7"), value_offset(path("d7"), "doc", id16, 8) + 38, 0x80);
	CHECK_EQ_INT(gaz_archive_open(path("d7"), GAZ_AR_READONLY, NULL, &a), 0);
	CHECK_EQ_INT(gaz_archive_locate(a, NULL, GAZ_AR_BY_CODE, is->docs[0].code, refs, 4, &n,
					NULL), 0);
	CHECK_EQ_INT(gaz_archive_locate(a, NULL, GAZ_AR_BY_CODE, is->docs[0].code, refs, 4, &n,
					&st), GAZ_ECORRUPT);
	CHECK(strstr(gaz_errdetail(), "is not valid text"));
	CHECK_EQ_INT(gaz_archive_locate(a, NULL, GAZ_AR_BY_DOCNO, docno, refs, 4, &n, &st), 0);
	CHECK_EQ_INT(gaz_archive_find_docs(a, GAZ_AR_BY_CODE, is->docs[0].code, &docs, &nd),
		     GAZ_ECORRUPT);
	CHECK(count_problems(a) >= 1);
	gaz_archive_close(a);

	/* a schema newer than this program */
	copy_of(path("s2"), path("d6"));
	patch(path("d6"), value_offset(path("d6"), "meta", "schema", 6) + 7, 0x01);
	CHECK_EQ_INT(gaz_archive_open(path("d6"), GAZ_AR_READONLY, NULL, &a), GAZ_EINVAL);
	CHECK(strstr(gaz_errdetail(), "archive schema 3 is newer than this program's (2)"));
}

int main(void)
{
	struct gaz_issue *is;
	char cmd[128];

	snprintf(root, sizeof root, "/tmp/test_archive_locate.XXXXXX");
	if (!mkdtemp(root))
		return 1;
	is = load_sample();
	if (is) {
		run(2, is);
		run(1, is);
		damaged(is);
		gaz_issue_free(is);
	}
	snprintf(cmd, sizeof cmd, "rm -rf %s", root);
	if (system(cmd))
		fprintf(stderr, "cannot remove %s\n", root);
	return TEST_DONE();
}

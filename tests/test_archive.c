/* Unit tests of the archive library on a real LMDB environment: the record
 * codec, publish/correct, look-ups, status, submissions, audit, fsck, map
 * growth, backup, a corrupted byte in a stored PDF. */
#include "archive_test.h"
#include "archive/rec.h"
#include "gazette/archive.h"
#include "gazette/search.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/sha.h>

static char *fake_pdf(const char *label, size_t size, size_t *len)
{
	char *p = malloc(size);
	size_t i;
	unsigned x = 12345;

	for (i = 0; i < size; i++) {
		x = x * 1103515245 + 12345;
		p[i] = (char)('A' + (x >> 16) % 26);
	}
	memcpy(p, "%PDF-1.7\n", 9);
	snprintf(p + 9, 64, "%% %s MARK-%s-END\n", label, label);
	*len = size;
	return p;
}

static void test_codec(void)
{
	struct gaz_ar_doc d = { 0 }, out;
	struct gaz_buf b = GAZ_BUF_INIT(GAZ_AR_RECORD_MAX);
	char *bad, big[GAZ_AR_DOCNO_MAX + 2];
	size_t n;

	d.id = 42;
	d.year = 2023;
	d.number = 7;
	d.version = 2;
	d.doc_no = "鞍政办公开〔2023〕17号";
	d.title = "标题";
	memcpy(d.code, "ABCDEFGHJK", 11);
	d.text_sha256[0] = 0xab;
	d.first_page = 3;
	d.last_page = 9;
	CHECK_EQ_INT(rec_encode(GAZ_REC_DOC, &d, &b), 0);
	CHECK_EQ_INT(gaz_rec_decode(GAZ_REC_DOC, b.data, b.len, &out), 0);
	CHECK_EQ_INT(out.id, 42);
	CHECK_EQ_INT(out.version, 2);
	CHECK_STR(out.doc_no, "鞍政办公开〔2023〕17号");
	CHECK_STR(out.index_no, "");
	CHECK_STR(out.code, "ABCDEFGHJK");
	CHECK_EQ_INT(out.text_sha256[0], 0xab);
	CHECK_EQ_INT(out.last_page, 9);
	gaz_ar_doc_release(&out);
	/* every truncation, a trailing byte, another type, another format */
	for (n = 0; n < b.len; n++)
		CHECK_EQ_INT(gaz_rec_decode(GAZ_REC_DOC, b.data, n, &out), GAZ_ECORRUPT);
	bad = malloc(b.len + 1);
	memcpy(bad, b.data, b.len);
	bad[b.len] = 0;
	CHECK_EQ_INT(gaz_rec_decode(GAZ_REC_DOC, bad, b.len + 1, &out), GAZ_ECORRUPT);
	CHECK_EQ_INT(gaz_rec_decode(GAZ_REC_VERSION, bad, b.len, &out), GAZ_ECORRUPT);
	bad[0] = 2;
	CHECK_EQ_INT(gaz_rec_decode(GAZ_REC_DOC, bad, b.len, &out), GAZ_ECORRUPT);
	free(bad);
	/* what may not be stored */
	gaz_buf_reset(&b);
	d.title = "\xff\xfe";
	CHECK_EQ_INT(rec_encode(GAZ_REC_DOC, &d, &b), GAZ_EINVAL);
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = 0;
	d.title = "t";
	d.doc_no = big;
	gaz_buf_reset(&b);
	CHECK_EQ_INT(rec_encode(GAZ_REC_DOC, &d, &b), GAZ_ETOOBIG);
	gaz_buf_release(&b);
}

/* Encodes both decodes of a record and compares: the fast document path
 * of gaz_rec_decode must accept exactly what the table-driven decoder
 * accepts, with the same result. */
static int same_decode(const unsigned char *p, size_t n)
{
	struct gaz_ar_doc x, y;
	struct gaz_buf bx = GAZ_BUF_INIT(GAZ_AR_RECORD_MAX), by = GAZ_BUF_INIT(GAZ_AR_RECORD_MAX);
	int rx = gaz_rec_decode(GAZ_REC_DOC, p, n, &x), ry = rec_decode_table(GAZ_REC_DOC, p, n, &y);
	int same = rx == ry;

	if (!rx && !ry) {
		same = !rec_encode(GAZ_REC_DOC, &x, &bx) && !rec_encode(GAZ_REC_DOC, &y, &by) &&
		       bx.len == by.len && !memcmp(bx.data, by.data, bx.len) && bx.len == n &&
		       !memcmp(bx.data, p, n) && x.id == y.id && x.last_page == y.last_page;
		gaz_ar_doc_release(&x);
		gaz_ar_doc_release(&y);
	}
	gaz_buf_release(&bx);
	gaz_buf_release(&by);
	return same;
}

static void test_doc_fast(void)
{
	static const unsigned char vals[] = { 0x00, 0x01, 0x7f, 0x80, 0x81, 0xbf, 0xc0, 0xc2,
					      0xe0, 0xe5, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff };
	struct gaz_ar_doc d = { 0 };
	struct gaz_buf b = GAZ_BUF_INIT(GAZ_AR_RECORD_MAX);
	char title[600];
	unsigned char *m;
	size_t i, j, bad = 0;

	/* a title over 127 bytes (two-byte length), ASCII, Han, two- and
	 * four-byte characters, 8-byte ASCII runs */
	snprintf(title, sizeof title, "%s", "Notice 0123456789 on 城市更新 of 2023, é ü 😀 ");
	for (i = 0; i < 6; i++)
		strcat(title, "关于印发政府公报管理办法的通知");
	d.id = 7;
	d.year = 2024;
	d.number = 12;
	d.version = 1;
	d.pos = 3;
	d.doc_no = "测试府办发〔2024〕1号";
	d.index_no = "11210300MB1234567X/2024-00001";
	d.title = title;
	d.issuer = "测试市人民政府办公室";
	d.written = "2024-01-02";
	d.published = "2024-01-05";
	d.subject = "综合政务";
	d.genre = "通知";
	d.validity = "有效";
	d.section = "市政府办公室文件";
	d.name = "a.md";
	memcpy(d.code, "ABCDEFGHJK", 11);
	d.text_len = 1234;
	d.first_page = 5;
	d.last_page = 6;
	CHECK_EQ_INT(rec_encode(GAZ_REC_DOC, &d, &b), 0);
	CHECK(b.len > 300);
	CHECK(same_decode((unsigned char *)b.data, b.len));
	m = malloc(b.len);
	/* every byte replaced by each of the values above, and every cut */
	for (i = 0; i < b.len; i++) {
		for (j = 0; j < sizeof vals; j++) {
			memcpy(m, b.data, b.len);
			m[i] = vals[j];
			bad += !same_decode(m, b.len);
		}
		bad += !same_decode((unsigned char *)b.data, i);
	}
	CHECK_EQ_INT(bad, 0);
	/* lengths with redundant zero bytes (two and three bytes long) */
	{
		struct ar_span f[AR_DOC_NF];
		const unsigned char *r = (const unsigned char *)b.data;
		size_t k, t, L;
		CHECK_EQ_INT(ar_doc_split(r, b.len, f), 0);
		for (k = 0; k < 2; k++) {
			size_t fi = k ? 8 : 7;                   /* issuer, title */
			unsigned char *q = m = realloc(m, b.len + 3);
			L = f[fi].n;
			/* tag byte, then length bytes, then the field */
			t = (size_t)(f[fi].p - r) - (L > 127 ? 2 : 1) - 1;
			memcpy(q, r, t + 1);
			q += t + 1;
			*q++ = (unsigned char)(L & 0x7f) | 0x80;
			if (k)
				*q++ = 0x00;
			else
				*q++ = (unsigned char)(L >> 7 & 0x7f) | 0x80, *q++ = 0x00;
			memcpy(q, f[fi].p, b.len - (size_t)(f[fi].p - r));
			q += b.len - (size_t)(f[fi].p - r);
			CHECK_EQ_INT(gaz_rec_decode(GAZ_REC_DOC, m, (size_t)(q - m), &d), GAZ_ECORRUPT);
			CHECK(same_decode(m, (size_t)(q - m)));
		}
	}
	free(m);
	gaz_buf_release(&b);
}

static int count_cb(uint64_t id, void *ctx)
{
	(void)id;
	++*(int *)ctx;
	return 0;
}

static int count_versions(const struct gaz_ar_version *v, void *ctx)
{
	(void)v;
	++*(int *)ctx;
	return 0;
}

static int count_audit(const struct gaz_ar_audit *e, void *ctx)
{
	(void)e;
	++*(int *)ctx;
	return 0;
}

static void test_store(struct gaz_issue *is)
{
	struct gaz_archive *a = NULL, *b = NULL, *r = NULL;
	struct gaz_page_range pages[8];
	struct gaz_ar_version v = { 0 };
	struct gaz_ar_doc *docs = NULL;
	struct gaz_ar_event *ev = NULL;
	struct gaz_fsck_report rep;
	char *pdf1, *pdf2, *text, *want;
	void *got;
	size_t n1, n2, n, i, nev = 0, tl, wl;
	unsigned ver = 0;
	unsigned char md[32];
	int st, cnt;
	long which;
	uint32_t seq;

	pdf1 = fake_pdf("v1", 50000, &n1);
	pdf2 = fake_pdf("v2", 60000, &n2);
	for (i = 0; i < is->n_docs; i++)
		pages[i].first = (uint32_t)(2 * i + 1), pages[i].last = (uint32_t)(2 * i + 2);

	CHECK_EQ_INT(gaz_archive_open(path("ar"), GAZ_AR_READONLY, NULL, &a), GAZ_ENOTFOUND);
	CHECK_EQ_INT(gaz_archive_open(path("ar"), GAZ_AR_WRITE, NULL, &a), GAZ_ENOTFOUND);
	CHECK_EQ_INT(gaz_archive_open(path("ar"), GAZ_AR_WRITE | GAZ_AR_CREATE, NULL, &a), 0);
	CHECK_EQ_INT(gaz_archive_open(path("ar"), GAZ_AR_WRITE, NULL, &b), GAZ_EBUSY);
	CHECK(strstr(gaz_errdetail(), "another process is writing"));
	CHECK_EQ_INT(gaz_archive_open(path("ar"), GAZ_AR_READONLY, NULL, &r), 0);
	CHECK_EQ_INT(gaz_archive_publish(r, is, pdf1, n1, pages, "clerk", 1000, NULL, &ver), GAZ_EINVAL);

	/* publish, correct */
	CHECK_EQ_INT(gaz_archive_publish(a, is, pdf1, n1, pages, "clerk", 1000, NULL, &ver), 0);
	CHECK_EQ_INT(ver, 1);
	CHECK_EQ_INT(gaz_archive_publish(a, is, pdf2, n2, pages, "clerk", 2000, NULL, &ver), GAZ_EINVAL);
	CHECK_EQ_INT(gaz_archive_publish(a, is, pdf2, n2, pages, "clerk", 2000, "", &ver), GAZ_EINVAL);
	CHECK_EQ_INT(gaz_archive_publish(a, is, pdf1, n1, pages, "clerk", 2000, "again", &ver), GAZ_EEXIST);
	pages[0].last = 0;
	CHECK_EQ_INT(gaz_archive_publish(a, is, pdf2, n2, pages, "clerk", 2000, "x", &ver), GAZ_EINVAL);
	pages[0].last = 2;
	CHECK_EQ_INT(gaz_archive_publish(a, is, pdf2, n2, pages, "editor", 2000, "勘误", &ver), 0);
	CHECK_EQ_INT(ver, 2);

	/* the read-only handle opened before sees the new versions */
	CHECK_EQ_INT(gaz_archive_get_version(r, 2023, 7, 0, &v), 0);
	CHECK_EQ_INT(v.version, 2);
	CHECK_EQ_INT(v.latest, 2);
	CHECK_EQ_INT(v.superseded_by, 0);
	CHECK_EQ_INT(v.n_loaded_docs, is->n_docs);
	CHECK_STR(v.reason, "勘误");
	CHECK_STR(v.who, "editor");
	CHECK_EQ_INT(v.time, 2000);
	CHECK_EQ_INT(v.cumulative, 146);
	CHECK_STR(v.docs[0].doc_no, gaz_fv(&is->docs[0].doc_no));
	CHECK_EQ_INT(v.docs[1].first_page, 3);
	gaz_ar_version_release(&v);
	CHECK_EQ_INT(gaz_archive_get_version(r, 2023, 7, 1, &v), 0);
	CHECK_EQ_INT(v.superseded_by, 2);
	CHECK_STR(v.superseded_reason, "勘误");
	gaz_ar_version_release(&v);
	/* the same record without its documents (what a download needs) */
	CHECK_EQ_INT(gaz_archive_get_version_meta(r, 2023, 7, 1, &v), 0);
	CHECK_EQ_INT(v.version, 1);
	CHECK_EQ_INT(v.superseded_by, 2);
	CHECK(v.docs == NULL && v.n_loaded_docs == 0);
	CHECK(v.pdf_size == n1);
	gaz_ar_version_release(&v);
	CHECK_EQ_INT(gaz_archive_get_version_meta(r, 2023, 8, 0, &v), GAZ_ENOTFOUND);
	CHECK_EQ_INT(gaz_archive_get_version(r, 2023, 7, 3, &v), GAZ_ENOTFOUND);
	CHECK_EQ_INT(gaz_archive_get_version(r, 2023, 8, 0, &v), GAZ_ENOTFOUND);
	CHECK_EQ_INT(gaz_archive_get_pdf(r, 2023, 7, 1, &got, &n, NULL), 0);
	CHECK(n == n1 && !memcmp(got, pdf1, n1));
	free(got);
	SHA256((unsigned char *)pdf2, n2, md);
	CHECK_EQ_INT(gaz_archive_find_sha256(r, md, &v), 0);
	CHECK_EQ_INT(v.version, 2);
	gaz_ar_version_release(&v);
	md[0] ^= 1;
	CHECK_EQ_INT(gaz_archive_find_sha256(r, md, &v), GAZ_ENOTFOUND);
	cnt = 0;
	CHECK_EQ_INT(gaz_archive_list_versions(r, count_versions, &cnt), 0);
	CHECK_EQ_INT(cnt, 2);

	/* documents */
	CHECK_EQ_INT(gaz_archive_find_docs(r, GAZ_AR_BY_DOCNO, "鞍政办公开〔2023〕17号", &docs, &n), 0);
	CHECK_EQ_INT(n, 2);
	CHECK_EQ_INT(docs[0].version, 1);
	CHECK_EQ_INT(docs[1].version, 2);
	CHECK_STR(docs[1].index_no, "112103000012345678/2023-00017");
	CHECK_EQ_INT(gaz_archive_doc_text(r, &docs[1], &text, &tl), 0);
	for (i = 0; i < is->n_docs; i++)
		if (!strcmp(gaz_fv(&is->docs[i].doc_no), docs[1].doc_no))
			break;
	want = gaz_doc_text(&is->docs[i], &wl);
	CHECK(tl == wl && !memcmp(text, want, wl));
	free(text);
	free(want);
	{
		struct gaz_ar_doc *d2 = NULL;
		size_t n3 = 0;
		CHECK_EQ_INT(gaz_archive_find_docs(r, GAZ_AR_BY_CODE, docs[0].code, &d2, &n3), 0);
		CHECK_EQ_INT(n3, 2);
		gaz_ar_docs_free(d2, n3);
		CHECK_EQ_INT(gaz_archive_find_docs(r, GAZ_AR_BY_INDEXNO, "112103000012345678/2023-00017",
						   &d2, &n3), 0);
		CHECK_EQ_INT(n3, 2);
		gaz_ar_docs_free(d2, n3);
		CHECK_EQ_INT(gaz_archive_find_docs(r, GAZ_AR_BY_DOCNO, "无此文〔2099〕1号", &d2, &n3),
			     GAZ_ENOTFOUND);
		CHECK_EQ_INT(gaz_archive_find_docs(r, GAZ_AR_BY_DOCNO, "鞍政办公开〔2023〕17", &d2, &n3),
			     GAZ_ENOTFOUND);
	}
	{
		struct gaz_ar_doc one;
		CHECK_EQ_INT(gaz_archive_get_doc(r, docs[1].id, &one), 0);
		CHECK_STR(one.title, docs[1].title);
		gaz_ar_doc_release(&one);
		CHECK_EQ_INT(gaz_archive_get_doc(r, 999999, &one), GAZ_ENOTFOUND);
	}
	cnt = 0;
	CHECK_EQ_INT(gaz_archive_facet(r, GAZ_AR_F_ISSUER, docs[0].issuer, count_cb, &cnt), 0);
	CHECK_EQ_INT(cnt, 2);
	cnt = 0;
	CHECK_EQ_INT(gaz_archive_facet(r, GAZ_AR_F_DATE, "2023-07", count_cb, &cnt), 0);
	CHECK_EQ_INT(cnt, 2);
	cnt = 0;
	CHECK_EQ_INT(gaz_archive_facet(r, GAZ_AR_F_DATE, "20", count_cb, &cnt), 0);
	CHECK_EQ_INT(cnt, (int)(2 * is->n_docs));
	cnt = 0;
	CHECK_EQ_INT(gaz_archive_facet(r, GAZ_AR_F_SUBJECT, "政务", count_cb, &cnt), 0);
	CHECK_EQ_INT(cnt, 0);

	/* status (立改废) */
	CHECK_EQ_INT(gaz_archive_status_history(r, docs[0].doc_no, &ev, &nev), 0);
	CHECK_EQ_INT(nev, 1);
	CHECK_EQ_INT(ev[0].status, GAZ_ST_VALID);
	CHECK_STR(ev[0].date, "2023-07-04");
	gaz_ar_events_free(ev, nev);
	CHECK_EQ_INT(gaz_archive_set_status(a, docs[0].doc_no, GAZ_ST_REPEALED, "2023-07-01", NULL,
					    NULL, "chief", 3000, &seq), GAZ_EINVAL);
	CHECK_EQ_INT(gaz_archive_set_status(a, docs[0].doc_no, GAZ_ST_REPEALED, "2024-13-01", NULL,
					    NULL, "chief", 3000, &seq), GAZ_EINVAL);
	CHECK_EQ_INT(gaz_archive_set_status(a, "无此文〔2099〕1号", GAZ_ST_REPEALED, "2024-01-01",
					    NULL, NULL, "chief", 3000, &seq), GAZ_ENOTFOUND);
	CHECK_EQ_INT(gaz_archive_set_status(r, docs[0].doc_no, GAZ_ST_REPEALED, "2024-01-01", NULL,
					    NULL, "chief", 3000, &seq), GAZ_EINVAL);
	CHECK_EQ_INT(gaz_archive_set_status(a, docs[0].doc_no, GAZ_ST_REPEALED, "2024-01-01",
					    "鞍政发〔2023〕99号", "全文废止", "chief", 3000, &seq), 0);
	CHECK_EQ_INT(seq, 1);
	/* recorded later, effective earlier: history is ordered by date */
	CHECK_EQ_INT(gaz_archive_set_status(a, docs[0].doc_no, GAZ_ST_AMENDED, "2023-10-01",
					    "鞍政发〔2023〕50号", NULL, "chief", 4000, &seq), 0);
	CHECK_EQ_INT(gaz_archive_status_history(r, docs[0].doc_no, &ev, &nev), 0);
	CHECK_EQ_INT(nev, 3);
	CHECK_STR(ev[1].by_doc, "鞍政发〔2023〕99号");
	CHECK_STR(ev[1].note, "全文废止");
	CHECK_EQ_INT(gaz_status_on(ev, nev, "2023-07-03", &st, &which), 0);
	CHECK_EQ_INT(st, GAZ_ST_UNKNOWN);
	CHECK_EQ_INT(which, -1);
	CHECK_EQ_INT(gaz_status_on(ev, nev, "2023-07-04", &st, &which), 0);
	CHECK_EQ_INT(st, GAZ_ST_VALID);
	CHECK_EQ_INT(gaz_status_on(ev, nev, "2023-12-31", &st, &which), 0);
	CHECK_EQ_INT(st, GAZ_ST_AMENDED);
	CHECK_EQ_INT(which, 2);
	CHECK(gaz_status_in_force(st));
	CHECK_EQ_INT(gaz_status_on(ev, nev, "2024-01-01", &st, &which), 0);
	CHECK_EQ_INT(st, GAZ_ST_REPEALED);
	CHECK(!gaz_status_in_force(st));
	CHECK_EQ_INT(gaz_status_on(ev, nev, NULL, &st, &which), 0);
	CHECK_EQ_INT(st, GAZ_ST_REPEALED);
	CHECK_EQ_INT(gaz_status_on(ev, nev, "2024/01/01", &st, &which), GAZ_EINVAL);
	gaz_ar_events_free(ev, nev);
	CHECK_EQ_INT(gaz_archive_status_history(r, "无此文〔2099〕1号", &ev, &nev), GAZ_ENOTFOUND);
	CHECK_EQ_INT(gaz_archive_status_at(r, docs[0].doc_no, "2023-11-01", &st), 0);
	CHECK_EQ_INT(st, GAZ_ST_AMENDED);
	CHECK_EQ_INT(gaz_archive_status_at(r, docs[0].doc_no, NULL, &st), 0);
	CHECK_EQ_INT(st, GAZ_ST_REPEALED);
	CHECK_EQ_INT(gaz_archive_status_at(r, "无此文〔2099〕1号", NULL, &st), GAZ_ENOTFOUND);
	CHECK_EQ_INT(gaz_status_parse("repealed", &st), 0);
	CHECK_EQ_INT(st, GAZ_ST_REPEALED);
	CHECK_EQ_INT(gaz_status_parse("作废", &st), GAZ_EINVAL);
	CHECK_STR(gaz_status_name(GAZ_ST_AMENDED), "已修改");

	/* the search index, written in the same transactions */
	{
		MDB_txn *txn = NULL;
		struct gaz_search_query q = { 0 };
		struct gaz_search_results *res = NULL;
		CHECK_EQ_INT(gaz_archive_read_begin(r, &txn), 0);
		q.text = "政务公开";
		CHECK_EQ_INT(gaz_search_query(txn, &q, &res), 0);
		CHECK(res && res->total >= 2);
		gaz_search_results_free(res);
		res = NULL;
		q.status = GAZ_ST_REPEALED;
		CHECK_EQ_INT(gaz_search_query(txn, &q, &res), 0);
		CHECK(res && res->total == 1 && res->n == 1); /* version 1 is superseded */
		CHECK(res && res->n == 1 && res->hits[0].issue_year == 2023 && !res->hits[0].superseded);
		gaz_search_results_free(res);
		res = NULL;
		q.include_superseded = 1;
		CHECK_EQ_INT(gaz_search_query(txn, &q, &res), 0);
		CHECK(res && res->total == 2 && res->n == 2);
		for (i = 0; res && i < res->n; i++)
			CHECK_STR(res->hits[i].doc_no, docs[0].doc_no);
		gaz_search_results_free(res);
		gaz_archive_read_end(r, txn);
	}
	gaz_ar_docs_free(docs, n);

	/* submissions */
	{
		static const char file[] = "\xef\xbb\xbf发文字号: 测试办发〔2023〕1号\n文件标题：测试\n\n正文\n";
		static const char dup[] = "发文字号：鞍政办公开〔2023〕17号\n发文字号：x\n";
		static const char pub[] = "发文字号：鞍政办公开〔2023〕17号\n文件标题：已刊\n\n正文";
		struct gaz_ar_submission s, *all = NULL;
		size_t ns = 0;
		uint64_t sq;

		CHECK_EQ_INT(gaz_submission_parse("文件标题：无文号\n", 22, "a.txt", &s), GAZ_EFORMAT);
		CHECK_EQ_INT(gaz_submission_parse(dup, sizeof dup - 1, "a.txt", &s), GAZ_EFORMAT);
		CHECK_EQ_INT(gaz_submission_parse("\xff\n", 2, "a.txt", &s), GAZ_EFORMAT);
		CHECK_EQ_INT(gaz_submission_parse(file, sizeof file - 1, "a.txt", &s), 0);
		CHECK_STR(s.doc_no, "测试办发〔2023〕1号");
		CHECK_STR(s.title, "测试");
		CHECK_EQ_INT(gaz_archive_submit(a, &s, "收文员", 5000, &sq), 0);
		CHECK_EQ_INT(sq, 1);
		CHECK_EQ_INT(gaz_archive_submit(a, &s, "收文员", 5001, &sq), GAZ_EEXIST);
		ar_submission_release(&s);
		CHECK_EQ_INT(gaz_submission_parse(pub, sizeof pub - 1, "b.txt", &s), 0);
		CHECK_EQ_INT(gaz_archive_submit(a, &s, "收文员", 5002, &sq), 0);
		ar_submission_release(&s);
		CHECK_EQ_INT(gaz_archive_submissions(r, &all, &ns), 0);
		CHECK_EQ_INT(ns, 2);
		if (ns == 2) {
			CHECK_EQ_INT(all[0].year, 0);
			CHECK_EQ_INT(all[1].year, 2023);
			CHECK_EQ_INT(all[1].version, 1);
			CHECK_STR(all[0].who, "收文员");
		}
		gaz_ar_submissions_free(all, ns);
	}

	cnt = 0;
	CHECK_EQ_INT(gaz_archive_audit(r, count_audit, &cnt), 0);
	CHECK_EQ_INT(cnt, 6); /* 2 publish, 2 status, 2 submit */
	CHECK_EQ_INT(gaz_archive_fsck(r, &rep, NULL, NULL), 0);
	CHECK_EQ_INT(rep.versions, 2);
	CHECK_EQ_INT(rep.docs, 2 * is->n_docs);
	CHECK_EQ_INT(rep.events, is->n_docs + 2);
	CHECK_EQ_INT(rep.submissions, 2);
	CHECK_EQ_INT(rep.problems, 0);

	/* backup */
	CHECK_EQ_INT(gaz_archive_backup(r, path("ar")), GAZ_EEXIST);
	CHECK_EQ_INT(gaz_archive_backup(r, path("bk")), 0);
	gaz_archive_close(b);
	b = NULL;
	CHECK_EQ_INT(gaz_archive_open(path("bk"), GAZ_AR_READONLY, NULL, &b), 0);
	CHECK_EQ_INT(gaz_archive_fsck(b, &rep, NULL, NULL), 0);
	CHECK_EQ_INT(rep.versions, 2);
	gaz_archive_close(b);

	/* the lock goes with the handle */
	gaz_archive_close(a);
	CHECK_EQ_INT(gaz_archive_open(path("ar"), GAZ_AR_WRITE, NULL, &a), 0);
	gaz_archive_close(a);
	gaz_archive_close(r);
	free(pdf1);
	free(pdf2);
}

/* A map too small for a publish grows by itself, up to map_max; past that
 * the publish fails cleanly and nothing is written. */
static void test_map(struct gaz_issue *is)
{
	struct gaz_archive_opts o = { .map_size = 1 << 20, .map_max = 64 << 20 };
	struct gaz_archive *a = NULL;
	struct gaz_page_range pages[8];
	struct gaz_ar_version v;
	struct gaz_fsck_report rep;
	char *pdf, *big;
	size_t n, nb, i;
	unsigned ver;

	for (i = 0; i < is->n_docs; i++)
		pages[i].first = pages[i].last = (uint32_t)(i + 1);
	pdf = fake_pdf("grow", 3 << 20, &n);
	big = fake_pdf("huge", 40 << 20, &nb);
	CHECK_EQ_INT(gaz_archive_open(path("small"), GAZ_AR_WRITE | GAZ_AR_CREATE, &o, &a), 0);
	CHECK_EQ_INT(gaz_archive_publish(a, is, pdf, n, pages, "clerk", 1, NULL, &ver), 0);
	gaz_archive_close(a);
	o.map_size = 0;
	o.map_max = 16 << 20;
	CHECK_EQ_INT(gaz_archive_open(path("small"), GAZ_AR_WRITE, &o, &a), 0);
	CHECK_EQ_INT(gaz_archive_publish(a, is, big, nb, pages, "clerk", 2, "big", &ver), GAZ_ETOOBIG);
	CHECK(strstr(gaz_errdetail(), "map full"));
	CHECK_EQ_INT(gaz_archive_get_version(a, 2023, 7, 0, &v), 0);
	CHECK_EQ_INT(v.version, 1);
	gaz_ar_version_release(&v);
	CHECK_EQ_INT(gaz_archive_fsck(a, &rep, NULL, NULL), 0);
	gaz_archive_close(a);
	free(pdf);
	free(big);
}

/* One flipped byte inside a stored PDF: get and fsck say so. */
static void test_corrupt(void)
{
	struct gaz_archive *a = NULL;
	struct gaz_fsck_report rep;
	char *data = NULL;
	size_t len = 0, found = 0, i;
	void *got;
	size_t n;
	FILE *f;

	CHECK_EQ_INT(gaz_read_file(path("bk/data.mdb"), 64 << 20, &data, &len), 0);
	for (i = 0; i + 11 <= len; i++)
		if (!memcmp(data + i, "MARK-v1-END", 11)) {
			data[i] ^= 0x20;
			found++;
		}
	CHECK_EQ_INT(found, 1);
	CHECK((f = fopen(path("bk/data.mdb"), "r+b")) != NULL);
	if (f) {
		CHECK_EQ_INT(fwrite(data, 1, len, f), len);
		fclose(f);
	}
	free(data);
	CHECK_EQ_INT(gaz_archive_open(path("bk"), GAZ_AR_READONLY, NULL, &a), 0);
	CHECK_EQ_INT(gaz_archive_get_pdf(a, 2023, 7, 1, &got, &n, NULL), GAZ_ECORRUPT);
	CHECK(strstr(gaz_errdetail(), "do not match their SHA-256"));
	CHECK_EQ_INT(gaz_archive_get_pdf(a, 2023, 7, 2, &got, &n, NULL), 0);
	free(got);
	CHECK_EQ_INT(gaz_archive_fsck(a, &rep, NULL, NULL), GAZ_ECORRUPT);
	CHECK_EQ_INT(rep.problems, 1);
	gaz_archive_close(a);
}

int main(void)
{
	struct gaz_issue *is;
	char cmd[128];

	snprintf(root, sizeof root, "/tmp/test_archive.XXXXXX");
	if (!mkdtemp(root))
		return 1;
	test_codec();
	test_doc_fast();
	is = load_sample();
	if (is) {
		test_store(is);
		test_map(is);
		test_corrupt();
		gaz_issue_free(is);
	}
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	if (system(cmd))
		fprintf(stderr, "could not remove %s\n", root);
	return TEST_DONE();
}

/* Search on a real LMDB environment: the sample issue plus synthetic
 * documents.  Every text query's total is compared with a brute-force
 * substring count, so 1- and 2-character queries are checked for being
 * exact, not just non-empty. */
#include "gazette/issue.h"
#include "gazette/search.h"
#include "test.h"

#include <lmdb.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NSYN 400

struct tdoc {
	uint64_t id;
	char *title, *text, *issuer, *published;
	enum gaz_search_status status;
	uint32_t year, number;
};

static struct tdoc docs[NSYN + 64];
static size_t ndocs;
static MDB_env *env;
static char envdir[64];

static void open_env(void)
{
	strcpy(envdir, "/tmp/gaz-search-XXXXXX");
	CHECK(mkdtemp(envdir) != NULL);
	CHECK_EQ_INT(mdb_env_create(&env), 0);
	mdb_env_set_maxdbs(env, GAZ_SEARCH_NDBI);
	mdb_env_set_mapsize(env, 256u << 20);
	CHECK_EQ_INT(mdb_env_open(env, envdir, 0, 0600), 0);
}

static void close_env(void)
{
	char p[128];

	mdb_env_close(env);
	snprintf(p, sizeof p, "%s/data.mdb", envdir);
	unlink(p);
	snprintf(p, sizeof p, "%s/lock.mdb", envdir);
	unlink(p);
	rmdir(envdir);
}

static int add(struct gaz_search_writer *w, struct tdoc *t, const char *subject)
{
	struct gaz_search_doc d = { 0 };

	d.id = t->id;
	d.title = t->title;
	d.text = t->text;
	d.text_len = strlen(t->text);
	d.issuer = t->issuer;
	d.subject = subject;
	d.genre = "行政规范性文件";
	d.published = t->published;
	d.status = t->status;
	d.issue_year = t->year;
	d.issue_number = t->number;
	return gaz_search_writer_add(w, &d);
}

/* Documents containing q in title or text (q: CJK only, so a substring
 * is exactly a phrase match). */
static uint64_t brute(const char *q, const char *issuer, const char *from, const char *to,
		      enum gaz_search_status st)
{
	uint64_t n = 0;

	for (size_t i = 0; i < ndocs; i++) {
		struct tdoc *t = &docs[i];

		if (q && !strstr(t->title, q) && !strstr(t->text, q))
			continue;
		if (issuer && strcmp(t->issuer, issuer))
			continue;
		if (from && strcmp(t->published, from) < 0)
			continue;
		if (to && strcmp(t->published, to) > 0)
			continue;
		if (st && t->status != st)
			continue;
		n++;
	}
	return n;
}

static struct gaz_search_results *run(MDB_txn *txn, struct gaz_search_query *q)
{
	struct gaz_search_results *r = NULL;
	int rc = gaz_search_query(txn, q, &r);

	if (rc)
		fprintf(stderr, "query '%s' failed: %s: %s\n", q->text ? q->text : "",
			gaz_strerror(rc), gaz_errdetail());
	CHECK_EQ_INT(rc, 0);
	return r;
}

static uint64_t count(MDB_txn *txn, const char *text)
{
	struct gaz_search_query q = { 0 };
	struct gaz_search_results *r;
	uint64_t n;

	q.text = text;
	q.limit = 5;
	if (!(r = run(txn, &q)))
		return UINT64_MAX;
	CHECK(r->total_exact);
	n = r->total;
	gaz_search_results_free(r);
	return n;
}

static const char *issuers[] = { "鞍山市人民政府办公室", "黔江区人民政府", "广州市城市更新局" };

static void build(void)
{
	struct gaz_issue *is = NULL;
	struct gaz_diags dg = { 0 };
	struct gaz_search_writer *w = NULL;
	MDB_txn *txn;
	size_t i, len, batch;
	char *all = NULL;
	size_t alllen = 0;

	CHECK_EQ_INT(gaz_issue_load("sample-issue", &is, &dg), 0);
	CHECK(is && is->n_docs == 5);
	CHECK_EQ_INT(mdb_txn_begin(env, NULL, 0, &txn), 0);
	CHECK_EQ_INT(gaz_search_init(txn), 0);
	CHECK_EQ_INT(gaz_search_writer_new(txn, &w), 0);
	for (i = 0; i < is->n_docs; i++) {
		struct tdoc *t = &docs[ndocs];
		const struct gaz_doc *g = &is->docs[i];

		t->id = ndocs + 1;
		t->title = strdup(gaz_fv(&g->title));
		t->text = gaz_doc_text(g, &len);
		t->issuer = strdup(gaz_fv(&g->issuer));
		t->published = strdup(gaz_fv(&g->published));
		t->status = GAZ_ST_VALID;
		t->year = 2023;
		t->number = 7;
		CHECK_EQ_INT(add(w, t, gaz_fv(&g->subject)), 0);
		/* one long string to cut synthetic documents from */
		all = realloc(all, alllen + len + 1);
		memcpy(all + alllen, t->text, len + 1);
		alllen += len;
		ndocs++;
	}
	CHECK_EQ_INT(gaz_search_writer_flush(w), 0);
	gaz_search_writer_free(w);
	CHECK_EQ_INT(mdb_txn_commit(txn), 0);

	/* Synthetic documents in several transactions and writers, so that
	 * posting blocks are extended across flushes. */
	srand(7);
	for (batch = 0; batch < 4; batch++) {
		CHECK_EQ_INT(mdb_txn_begin(env, NULL, 0, &txn), 0);
		CHECK_EQ_INT(gaz_search_writer_new(txn, &w), 0);
		for (i = 0; i < NSYN / 4; i++) {
			struct tdoc *t = &docs[ndocs];
			size_t start, n, k = (size_t)rand();
			char date[16];

			/* a window of the corpus, cut at character boundaries */
			start = k % (alllen - 3000);
			while (((unsigned char)all[start] & 0xC0) == 0x80)
				start++;
			n = 300 + (k >> 8) % 2400;
			while (((unsigned char)all[start + n] & 0xC0) == 0x80)
				n++;
			t->id = ndocs * 3 + 100; /* sparse, increasing */
			t->text = strndup(all + start, n);
			t->title = strdup(k % 5 ? "关于印发工作要点的通知" : "关于城市更新的政府公报");
			t->issuer = strdup(issuers[k % 3]);
			snprintf(date, sizeof date, "20%02zu-%02zu-%02zu", 17 + (k >> 3) % 7,
				 1 + (k >> 5) % 12, 1 + (k >> 9) % 28);
			t->published = strdup(date);
			t->status = (enum gaz_search_status)(1 + (k >> 11) % 4);
			t->year = 2017 + (uint32_t)((k >> 3) % 7);
			t->number = 1 + (uint32_t)((k >> 13) % 12);
			CHECK_EQ_INT(add(w, t, "其他"), 0);
			ndocs++;
		}
		CHECK_EQ_INT(gaz_search_writer_flush(w), 0);
		gaz_search_writer_free(w);
		CHECK_EQ_INT(mdb_txn_commit(txn), 0);
	}
	free(all);
	gaz_issue_free(is);
	gaz_diags_release(&dg);
}

static void test_exact_counts(MDB_txn *txn)
{
	static const char *qs[] = { "报", "公报", "政务公开", "城市更新", "政", "开展",
				    "行政规范性文件", "重点工作任务分解", "鞍", "鬼", "公报公报",
				    "责任单位", "更新局", "年", "〇" };
	size_t i;

	for (i = 0; i < sizeof qs / sizeof *qs; i++) {
		uint64_t got = count(txn, qs[i]), want = brute(qs[i], NULL, NULL, NULL, 0);

		if (got != want)
			fprintf(stderr, "query %s: %llu hits, brute force %llu\n", qs[i],
				(unsigned long long)got, (unsigned long long)want);
		CHECK_EQ_INT(got, want);
	}
	CHECK(brute("公报", NULL, NULL, NULL, 0) > 0);
	CHECK(brute("报", NULL, NULL, NULL, 0) > brute("公报", NULL, NULL, NULL, 0));
	CHECK_EQ_INT(count(txn, "鬼"), 0);
	CHECK_EQ_INT(count(txn, "xyzzy"), 0);
	/* AND of words: the intersection */
	{
		uint64_t n = 0;

		for (i = 0; i < ndocs; i++)
			if ((strstr(docs[i].text, "政务") || strstr(docs[i].title, "政务")) &&
			    (strstr(docs[i].text, "更新") || strstr(docs[i].title, "更新")))
				n++;
		CHECK_EQ_INT(count(txn, "政务 更新"), n);
		CHECK_EQ_INT(count(txn, "政务　更新"), n); /* ideographic space */
	}
	/* a quoted phrase with a space inside is still one phrase */
	CHECK_EQ_INT(count(txn, "\"政务 公开\""), brute("政务公开", NULL, NULL, NULL, 0));
	CHECK_EQ_INT(count(txn, "“政务公开”"), brute("政务公开", NULL, NULL, NULL, 0));
}

static void test_filters(MDB_txn *txn)
{
	struct gaz_search_query q = { 0 };
	struct gaz_search_results *r;

	q.text = "公开";
	q.issuer = "黔江区人民政府";
	r = run(txn, &q);
	CHECK(r && r->total == brute("公开", "黔江区人民政府", NULL, NULL, 0));
	for (size_t i = 0; r && i < r->n; i++)
		CHECK_STR(r->hits[i].issuer, "黔江区人民政府");
	gaz_search_results_free(r);

	memset(&q, 0, sizeof q);
	q.text = "报";
	q.from = "2019-01-01";
	q.to = "2020-12-31";
	r = run(txn, &q);
	CHECK(r && r->total == brute("报", NULL, "2019-01-01", "2020-12-31", 0));
	for (size_t i = 0; r && i < r->n; i++)
		CHECK(strcmp(r->hits[i].published, "2019-01-01") >= 0 &&
		      strcmp(r->hits[i].published, "2020-12-31") <= 0);
	gaz_search_results_free(r);

	memset(&q, 0, sizeof q);
	q.text = "政务公开";
	q.status = GAZ_ST_REPEALED;
	r = run(txn, &q);
	CHECK(r && r->total == brute("政务公开", NULL, NULL, NULL, GAZ_ST_REPEALED));
	gaz_search_results_free(r);

	/* filters alone: newest first */
	memset(&q, 0, sizeof q);
	q.issuer = "广州市城市更新局";
	q.limit = 50;
	r = run(txn, &q);
	CHECK(r && r->total == brute(NULL, "广州市城市更新局", NULL, NULL, 0));
	for (size_t i = 1; r && i < r->n; i++)
		CHECK(strcmp(r->hits[i - 1].published, r->hits[i].published) >= 0);
	gaz_search_results_free(r);

	memset(&q, 0, sizeof q);
	q.status = GAZ_ST_EXPIRED;
	r = run(txn, &q);
	CHECK(r && r->total == brute(NULL, NULL, NULL, NULL, GAZ_ST_EXPIRED));
	gaz_search_results_free(r);

	/* issue year / number */
	{
		uint64_t want = 0;

		for (size_t i = 0; i < ndocs; i++)
			want += docs[i].year == 2023 && docs[i].number == 7;
		memset(&q, 0, sizeof q);
		q.issue_year = 2023;
		q.issue_number = 7;
		r = run(txn, &q);
		CHECK(r && r->total == want);
		gaz_search_results_free(r);
	}
	/* an issuer nobody has */
	memset(&q, 0, sizeof q);
	q.text = "公开";
	q.issuer = "不存在的机关";
	r = run(txn, &q);
	CHECK(r && r->total == 0 && r->n == 0);
	gaz_search_results_free(r);
	/* full-width / case-folded filter value */
	memset(&q, 0, sizeof q);
	q.issuer = " 黔江区人民政府 ";
	r = run(txn, &q);
	CHECK(r && r->total == brute(NULL, "黔江区人民政府", NULL, NULL, 0));
	gaz_search_results_free(r);
}

static void test_pages_and_snippets(MDB_txn *txn)
{
	struct gaz_search_query q = { 0 };
	struct gaz_search_results *all, *p1, *p2;
	size_t i;

	q.text = "公开";
	q.limit = 40;
	all = run(txn, &q);
	q.limit = 20;
	p1 = run(txn, &q);
	q.offset = 20;
	p2 = run(txn, &q);
	CHECK(all && p1 && p2 && all->n == 40 && p1->n == 20 && p2->n == 20);
	for (i = 0; all && p1 && p2 && i < 20; i++) {
		CHECK_EQ_INT(p1->hits[i].id, all->hits[i].id);
		CHECK_EQ_INT(p2->hits[i].id, all->hits[20 + i].id);
	}
	for (i = 1; all && i < all->n; i++)
		CHECK(all->hits[i - 1].score >= all->hits[i].score);
	/* every snippet marks the term, and the spans point at it */
	for (i = 0; all && i < all->n; i++) {
		const struct gaz_search_hit *h = &all->hits[i];

		if (!h->n_spans) {
			CHECK(h->title_match);
			continue;
		}
		CHECK(strstr(h->snippet, "【公开】") != NULL);
		CHECK(h->spans[0].off + h->spans[0].len <= strlen(h->plain));
		CHECK(!strncmp(h->plain + h->spans[0].off, "公开", h->spans[0].len));
		CHECK(gaz_utf8_count(h->plain, strlen(h->plain)) <= 80);
		/* the sample and synthetic texts are longer than 80 characters */
		CHECK(h->cut_start || h->cut_end);
	}
	gaz_search_results_free(all);
	gaz_search_results_free(p1);
	gaz_search_results_free(p2);
	/* past the end: total, no hits */
	q.offset = GAZ_SEARCH_DEPTH_MAX - q.limit;
	p1 = run(txn, &q);
	CHECK(p1 && p1->n == 0 && p1->total > 0);
	gaz_search_results_free(p1);

	/* HTML markers and a phrase */
	memset(&q, 0, sizeof q);
	q.text = "政务公开";
	q.mark_open = "<mark>";
	q.mark_close = "</mark>";
	all = run(txn, &q);
	CHECK(all && all->n > 0);
	for (i = 0; all && i < all->n; i++)
		if (all->hits[i].n_spans)
			CHECK(strstr(all->hits[i].snippet, "<mark>政务公开</mark>") != NULL);
	gaz_search_results_free(all);
}

/* Constructed documents whose order is known. */
static void test_ranking(void)
{
	static const char body[] = "本文件说明市场监管的若干事项，并对相关工作提出要求。";
	static const char body5[] = "公报公报公报说明市场监管的若干事项，并对相关工作提出要求。";
	static const char body1[] = "公报甲乙丙丁戊说明市场监管的若干事项，并对相关工作提出要求。";
	MDB_txn *txn;
	struct gaz_search_doc d = { 0 };
	struct gaz_search_query q = { 0 };
	struct gaz_search_results *r;
	uint64_t base = 1000000;

	CHECK_EQ_INT(mdb_txn_begin(env, NULL, 0, &txn), 0);
	d.id = base + 1;
	d.title = "一般通知";
	d.text = body1;
	d.text_len = strlen(body1);
	d.issuer = "排序测试机关";
	CHECK_EQ_INT(gaz_search_add(txn, &d), 0);
	d.id = base + 2;
	d.text = body5;
	d.text_len = strlen(body5);
	CHECK_EQ_INT(gaz_search_add(txn, &d), 0);
	d.id = base + 3;
	d.title = "公报通知";
	d.text = body1;
	d.text_len = strlen(body1);
	CHECK_EQ_INT(gaz_search_add(txn, &d), 0);
	d.id = base + 4;
	d.title = "一般通知";
	d.text = body;
	d.text_len = strlen(body);
	CHECK_EQ_INT(gaz_search_add(txn, &d), 0);
	/* full-width letters and digits match their ASCII forms */
	d.id = base + 5;
	d.text = "依据ＧＢ／Ｔ　９７０４－２０１２排版。政务，公开。";
	d.text_len = strlen(d.text);
	CHECK_EQ_INT(gaz_search_add(txn, &d), 0);
	/* ids must grow */
	d.id = base + 5;
	CHECK_EQ_INT(gaz_search_add(txn, &d), GAZ_EINVAL);
	d.id = base + 6;
	d.text = "bad \xff utf-8";
	d.text_len = strlen(d.text);
	CHECK_EQ_INT(gaz_search_add(txn, &d), GAZ_EFORMAT);

	q.text = "公报";
	q.issuer = "排序测试机关";
	r = run(txn, &q);
	CHECK(r && r->total == 3 && r->n == 3);
	if (r && r->n == 3) {
		CHECK_EQ_INT(r->hits[0].id, base + 3); /* in the title */
		CHECK(r->hits[0].title_match);
		CHECK_EQ_INT(r->hits[1].id, base + 2); /* three times */
		CHECK_EQ_INT(r->hits[2].id, base + 1);
		CHECK(!r->hits[2].title_match);
	}
	gaz_search_results_free(r);
	q.text = "gb 9704";
	r = run(txn, &q);
	CHECK(r && r->total == 1 && r->n == 1 && r->hits[0].id == base + 5);
	/* a short text fits the window: nothing cut */
	if (r && r->n)
		CHECK(!r->hits[0].cut_start && !r->hits[0].cut_end);
	if (r && r->n)
		CHECK(strstr(r->hits[0].snippet, "【ＧＢ】／Ｔ　【９７０４】") != NULL);
	gaz_search_results_free(r);
	q.text = "\"9704-2012\"";
	r = run(txn, &q);
	CHECK(r && r->total == 1);
	gaz_search_results_free(r);
	q.text = "\"2012 9704\"";
	r = run(txn, &q);
	CHECK(r && r->total == 0);
	gaz_search_results_free(r);
	/* punctuation between 务 and 公: not the phrase 政务公开 */
	q.text = "政务公开";
	r = run(txn, &q);
	CHECK(r && r->total == 0);
	gaz_search_results_free(r);
	q.text = "政务 公开";
	r = run(txn, &q);
	CHECK(r && r->total == 1);
	gaz_search_results_free(r);
	/* status changes move documents between filters */
	q.text = "公报";
	q.status = GAZ_ST_REPEALED;
	r = run(txn, &q);
	CHECK(r && r->total == 0);
	gaz_search_results_free(r);
	CHECK_EQ_INT(gaz_search_set_status(txn, base + 2, GAZ_ST_REPEALED), 0);
	CHECK_EQ_INT(gaz_search_set_status(txn, base + 99, GAZ_ST_REPEALED), GAZ_ENOTFOUND);
	r = run(txn, &q);
	CHECK(r && r->total == 1 && r->n == 1 && r->hits[0].id == base + 2 &&
	      r->hits[0].status == GAZ_ST_REPEALED);
	gaz_search_results_free(r);
	/* a corrected issue supersedes a document: hidden unless asked */
	CHECK_EQ_INT(gaz_search_supersede(txn, base + 1), 0);
	CHECK_EQ_INT(gaz_search_supersede(txn, base + 1), 0);
	CHECK_EQ_INT(gaz_search_supersede(txn, base + 77), GAZ_ENOTFOUND);
	q.status = 0;
	r = run(txn, &q);
	CHECK(r && r->total == 2);
	for (size_t i = 0; r && i < r->n; i++)
		CHECK(r->hits[i].id != base + 1 && !r->hits[i].superseded);
	gaz_search_results_free(r);
	q.include_superseded = 1;
	r = run(txn, &q);
	CHECK(r && r->total == 3 && r->n == 3 && r->hits[2].id == base + 1 &&
	      r->hits[2].superseded);
	gaz_search_results_free(r);
	CHECK_EQ_INT(gaz_search_verify(txn, NULL), 0);
	mdb_txn_abort(txn);
}

/* Record format 1 (before 发文字号 and 索引号 were indexed): the v2 record of
 * id rewritten as format 1 with doc_no in its 发文字号 field, as an older
 * archive holds it.  Its postings (made without numbers: the document was
 * added without any) stay valid for format 1. */
static void make_v1_record(MDB_txn *txn, uint64_t id, const char *doc_no)
{
	MDB_dbi dbi;
	MDB_val k, v;
	unsigned char kb[8], out[8192];
	const unsigned char *p, *end;
	size_t o = 0, i;

	for (i = 0; i < 8; i++)
		kb[i] = (unsigned char)(id >> (56 - 8 * i));
	k.mv_size = 8;
	k.mv_data = kb;
	CHECK_EQ_INT(mdb_dbi_open(txn, "fts_docs", 0, &dbi), 0);
	CHECK_EQ_INT(mdb_get(txn, dbi, &k, &v), 0);
	CHECK(v.mv_size < sizeof out - 256);
	p = v.mv_data;
	end = p + v.mv_size;
	CHECK_EQ_INT(p[0], 2);
	memcpy(out, p, 50);
	out[0] = 1;
	o = 50;
	p += 50;
	for (i = 0; i < 9; i++) {
		size_t len = 0, shift = 0;
		const unsigned char *f = p;

		while (*p & 0x80)
			len |= (size_t)(*p++ & 0x7f) << shift, shift += 7;
		len |= (size_t)*p++ << shift;
		if (i == 1) {  /* 发文字号: one-byte length in the test */
			out[o++] = (unsigned char)strlen(doc_no);
			memcpy(out + o, doc_no, strlen(doc_no));
			o += strlen(doc_no);
		} else if (i < 7) {
			memcpy(out + o, f, (size_t)(p - f) + len);
			o += (size_t)(p - f) + len;
		} else {
			CHECK_EQ_INT(len, 0); /* 索引号 and code: absent */
		}
		p += len;
	}
	memcpy(out + o, p, (size_t)(end - p));
	o += (size_t)(end - p);
	v.mv_size = o;
	v.mv_data = out;
	CHECK_EQ_INT(mdb_put(txn, dbi, &k, &v, 0), 0);
}

/* Adds document id with these numbers and text (d holds the rest). */
static void add_numbered(MDB_txn *txn, struct gaz_search_doc *d, uint64_t id, const char *title,
			 const char *doc_no, const char *index_no, const char *code,
			 const char *text)
{
	d->id = id;
	d->title = title;
	d->doc_no = doc_no;
	d->index_no = index_no;
	d->code = code;
	d->text = text;
	d->text_len = strlen(text);
	CHECK_EQ_INT(gaz_search_add(txn, d), 0);
}

/* 发文字号, 索引号 and verification codes: parts of them find the document
 * like title words; the whole of one, however typed, finds it first. */
static void test_doc_numbers(void)
{
	static const char body[] = "各乡、镇人民政府，县级各部门：现将工作要点印发给你们。";
	static const char cites[] = "根据西府办发〔2017〕38号的要求，落实西府办发〔2017〕38号，"
				    "并参照西府办发〔2017〕38号执行。";
	MDB_txn *txn;
	struct gaz_search_doc d = { 0 };
	struct gaz_search_query q = { 0 };
	struct gaz_search_results *r;
	uint64_t base = 2000000, ids[8];
	size_t n, i;

	CHECK_EQ_INT(mdb_txn_begin(env, NULL, 0, &txn), 0);
	d.issuer = "编号测试机关";
	add_numbered(txn, &d, base + 1, "关于印发工作要点的通知", "西府办发〔2017〕38号",
		     "008463152/2017-00213", "MF4E1G6184", body);
	/* cites A's number in its title and three times in its text: a
	 * better full-text score for that number than A itself */
	add_numbered(txn, &d, base + 2, "关于落实西府办发〔2017〕38号的通知", "穗更新〔2018〕21号",
		     "007482893/2018-00116", "7Z0QW3RT5K", cites);
	/* a corrected issue carries A again (same number and code) */
	add_numbered(txn, &d, base + 3, "关于印发工作要点的通知", "西府办发〔2017〕38号",
		     "008463152/2017-00213", "MF4E1G6184", body);
	CHECK_EQ_INT(gaz_search_supersede(txn, base + 1), 0);
	/* a document indexed before numbers were (record format 1) */
	d.id = base + 4;
	d.title = "旧格式的通知";
	d.doc_no = d.index_no = d.code = NULL;
	CHECK_EQ_INT(gaz_search_add(txn, &d), 0);
	make_v1_record(txn, base + 4, "旧编〔2016〕5号");
	CHECK_EQ_INT(gaz_search_verify(txn, NULL), 0);

	q.issuer = "编号测试机关";
	/* parts of a number: like words of the title (B cites A's number,
	 * so it matches A's parts too) */
	{
		const struct { const char *q; uint64_t id, total; } part[] = {
			{ "西府办发", base + 3, 2 }, { "穗更新", base + 2, 1 },
			{ "38号", base + 3, 2 }, { "008463152", base + 3, 1 },
			{ "007482893", base + 2, 1 }, { "2018 21号", base + 2, 1 },
		};
		for (i = 0; i < sizeof part / sizeof *part; i++) {
			size_t j, found = 0;

			q.text = part[i].q;
			r = run(txn, &q);
			for (j = 0; r && j < r->n; j++) {
				found += r->hits[j].id == part[i].id;
				CHECK(!r->hits[j].exact);
			}
			CHECK(r && r->total == part[i].total && found == 1);
			if (!r || r->total != part[i].total || found != 1)
				fprintf(stderr, "  query %s\n", part[i].q);
			gaz_search_results_free(r);
		}
	}
	/* 穗更新 is in B's number only: exactly one hit */
	q.text = "穗更新";
	r = run(txn, &q);
	CHECK(r && r->total == 1);
	/* the match is in the number, not the body: no span in the snippet */
	if (r && r->n)
		CHECK(r->hits[0].n_spans == 0 && !r->hits[0].title_match);
	gaz_search_results_free(r);

	/* the whole number, in any brackets, width, spacing: A first, then B */
	{
		static const char *const forms[] = {
			"西府办发〔2017〕38号", "西府办发[2017]38号", "西府办发(2017)38号",
			"西府办发（2017）38号", "西府办发【2017】38号", "西府办发［２０１７］３８号",
			"西府办发 〔2017〕 38号", "008463152/2017-00213", "mf4e1g6184",
			"MF4E-1G61-84", "mf4e 1g6l 84", "008463152／2017－00213",
		};
		for (i = 0; i < sizeof forms / sizeof *forms; i++) {
			q.text = forms[i];
			r = run(txn, &q);
			CHECK(r && r->n >= 1 && r->hits[0].id == base + 3 && r->hits[0].exact);
			if (!r || !r->n || r->hits[0].id != base + 3 || !r->hits[0].exact)
				fprintf(stderr, "  query %s\n", forms[i]);
			if (r && i < 7) { /* B cites the number: a full-text hit after A */
				CHECK(r->total == 2 && r->n == 2 && r->hits[1].id == base + 2 &&
				      !r->hits[1].exact && r->hits[1].score > r->hits[0].score);
			}
			gaz_search_results_free(r);
		}
	}
	/* the superseded copy comes with include_superseded, still exact */
	q.text = "西府办发[2017]38号";
	q.include_superseded = 1;
	r = run(txn, &q);
	CHECK(r && r->n == 3 && r->hits[0].exact && r->hits[1].exact && !r->hits[2].exact);
	gaz_search_results_free(r);
	q.include_superseded = 0;
	/* filters still apply to exact hits */
	q.issuer = "别的机关";
	r = run(txn, &q);
	CHECK(r && r->total == 0);
	gaz_search_results_free(r);
	q.issuer = "编号测试机关";
	/* near misses are not exact */
	q.text = "西府办发〔2017〕3号";
	r = run(txn, &q);
	for (i = 0; r && i < r->n; i++)
		CHECK(!r->hits[i].exact);
	gaz_search_results_free(r);
	q.text = "MF4E1G6185";
	r = run(txn, &q);
	CHECK(r && r->total == 0);
	gaz_search_results_free(r);
	/* format 1: still found by its text and shows its number, but its
	 * number is not indexed */
	q.text = "旧格式";
	r = run(txn, &q);
	CHECK(r && r->n == 1 && r->hits[0].id == base + 4);
	if (r && r->n)
		CHECK_STR(r->hits[0].doc_no, "旧编〔2016〕5号");
	gaz_search_results_free(r);
	q.text = "旧编";
	r = run(txn, &q);
	CHECK(r && r->total == 0);
	gaz_search_results_free(r);

	/* look-up by key alone (the web's /docs/ redirect) */
	CHECK_EQ_INT(gaz_search_lookup(txn, "西府办发(2017)38号", ids, 8, &n), 0);
	CHECK(n == 2 && ids[0] == base + 1 && ids[1] == base + 3);
	CHECK_EQ_INT(gaz_search_lookup(txn, "mf4e-1g6l-84", ids, 1, &n), 0);
	CHECK(n == 1 && ids[0] == base + 1);
	CHECK_EQ_INT(gaz_search_lookup(txn, "7z0qw3rt5k", ids, 8, &n), 0);
	CHECK(n == 1 && ids[0] == base + 2);
	CHECK_EQ_INT(gaz_search_lookup(txn, "西府办发〔2017〕", ids, 8, &n), 0);
	CHECK_EQ_INT(n, 0);
	CHECK_EQ_INT(gaz_search_lookup(txn, "", ids, 8, &n), 0);
	CHECK_EQ_INT(n, 0);
	CHECK_EQ_INT(gaz_search_verify(txn, NULL), 0);
	mdb_txn_abort(txn);
}

static void test_bad_queries(MDB_txn *txn)
{
	struct gaz_search_query q = { 0 };
	struct gaz_search_results *r = NULL;

	q.text = "\"政务公开";
	CHECK_EQ_INT(gaz_search_query(txn, &q, &r), GAZ_EINVAL);
	q.text = "，。！";
	CHECK_EQ_INT(gaz_search_query(txn, &q, &r), GAZ_EINVAL);
	q.text = "a b c d e f g h i j k l m n o p q";
	CHECK_EQ_INT(gaz_search_query(txn, &q, &r), GAZ_EINVAL);
	q.text = "公报";
	q.from = "2023-02-30";
	CHECK_EQ_INT(gaz_search_query(txn, &q, &r), GAZ_EINVAL);
	q.from = NULL;
	q.limit = GAZ_SEARCH_PAGE_MAX + 1;
	CHECK_EQ_INT(gaz_search_query(txn, &q, &r), GAZ_EINVAL);
	q.limit = 20;
	q.offset = GAZ_SEARCH_DEPTH_MAX - 19;
	CHECK_EQ_INT(gaz_search_query(txn, &q, &r), GAZ_EINVAL);
	q.offset = 0;
	q.limit = 0;
	q.text = "\xff";
	CHECK_EQ_INT(gaz_search_query(txn, &q, &r), GAZ_EINVAL);
	CHECK(r == NULL);
}

static void test_text_and_verify(MDB_txn *txn)
{
	char *t = NULL;
	size_t n;
	struct gaz_search_check st;

	CHECK_EQ_INT(gaz_search_doc_text(txn, docs[0].id, &t, &n), 0);
	CHECK(t && n == strlen(docs[0].text) && !strcmp(t, docs[0].text));
	free(t);
	CHECK_EQ_INT(gaz_search_doc_text(txn, 99999999, &t, &n), GAZ_ENOTFOUND);
	CHECK_EQ_INT(gaz_search_verify(txn, &st), 0);
	CHECK_EQ_INT(st.docs, ndocs);
	CHECK(st.postings > ndocs * 100);
}

/* fsck finds a changed document text, a changed posting block, a missing
 * block and a posting for a document that does not exist. */
static void test_verify_tamper(void)
{
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_cursor *c;
	MDB_val k, v;
	unsigned char buf[8192];
	unsigned char key[64];
	int rc;

	/* document record: flip a byte in the deflated text */
	CHECK_EQ_INT(mdb_txn_begin(env, NULL, 0, &txn), 0);
	CHECK_EQ_INT(mdb_dbi_open(txn, "fts_docs", 0, &dbi), 0);
	CHECK_EQ_INT(mdb_cursor_open(txn, dbi, &c), 0);
	CHECK_EQ_INT(mdb_cursor_get(c, &k, &v, MDB_FIRST), 0);
	CHECK(v.mv_size < sizeof buf);
	memcpy(buf, v.mv_data, v.mv_size);
	buf[v.mv_size - 10] ^= 0x55;
	memcpy(key, k.mv_data, k.mv_size);
	k.mv_data = key;
	v.mv_data = buf;
	mdb_cursor_close(c);
	CHECK_EQ_INT(mdb_put(txn, dbi, &k, &v, 0), 0);
	CHECK_EQ_INT(gaz_search_verify(txn, NULL), GAZ_ECORRUPT);
	mdb_txn_abort(txn);

	/* a posting block of some term: remove it */
	CHECK_EQ_INT(mdb_txn_begin(env, NULL, 0, &txn), 0);
	CHECK_EQ_INT(mdb_dbi_open(txn, "fts_terms", 0, &dbi), 0);
	CHECK_EQ_INT(mdb_cursor_open(txn, dbi, &c), 0);
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); !rc;
	     rc = mdb_cursor_get(c, &k, &v, MDB_NEXT))
		if (k.mv_size > 9 && ((unsigned char *)k.mv_data)[k.mv_size - 9] == 0)
			break; /* a block key */
	CHECK_EQ_INT(rc, 0);
	CHECK_EQ_INT(mdb_cursor_del(c, 0), 0);
	mdb_cursor_close(c);
	CHECK_EQ_INT(gaz_search_verify(txn, NULL), GAZ_ECORRUPT);
	mdb_txn_abort(txn);

	/* a new term pointing at a document that does not exist */
	CHECK_EQ_INT(mdb_txn_begin(env, NULL, 0, &txn), 0);
	CHECK_EQ_INT(mdb_dbi_open(txn, "fts_terms", 0, &dbi), 0);
	memcpy(key, "zzzz\0\0\0\0\0\0\0\x30\x39", 13);
	k.mv_size = 13;
	k.mv_data = key;
	buf[0] = 1;    /* one posting */
	buf[1] = 0;    /* span 0 */
	buf[2] = 0;    /* delta 0, tf 1 */
	v.mv_size = 3;
	v.mv_data = buf;
	CHECK_EQ_INT(mdb_put(txn, dbi, &k, &v, 0), 0);
	k.mv_size = 5;
	buf[0] = 1;
	v.mv_size = 1;
	CHECK_EQ_INT(mdb_put(txn, dbi, &k, &v, 0), 0);
	CHECK_EQ_INT(gaz_search_verify(txn, NULL), GAZ_ECORRUPT);
	mdb_txn_abort(txn);
}

int main(void)
{
	MDB_txn *txn;

	open_env();
	build();
	CHECK_EQ_INT(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn), 0);
	test_exact_counts(txn);
	test_filters(txn);
	test_pages_and_snippets(txn);
	test_bad_queries(txn);
	test_text_and_verify(txn);
	mdb_txn_abort(txn);
	test_ranking();
	test_doc_numbers();
	test_verify_tamper();
	close_env();
	for (size_t i = 0; i < ndocs; i++) {
		free(docs[i].title);
		free(docs[i].text);
		free(docs[i].issuer);
		free(docs[i].published);
	}
	return TEST_DONE();
}

/* The layout of the sample issue, checked on the display list: clreq
 * prohibitions at every line start and end, every source character of
 * every document set in order, contents page numbers and links equal to the
 * documents' pages, spans contiguous, labels and bookmarks consistent; and
 * an undrawable character is GAZ_EFONT naming file and line. */
#include "gazette/layout.h"
#include "gazette/layout_int.h"
#include "gazette/linebreak.h"
#include "gazette/text.h"
#include "test.h"

#include <stdlib.h>
#include <unistd.h>

#define BODY_TOP (GAZ_A4_HEIGHT - 37 * 2.8346457f)
#define BODY_BOTTOM (BODY_TOP - 225 * 2.8346457f)

/* s without whitespace, appended to b. */
static void add_nows(struct gaz_buf *b, const char *s)
{
	size_t n = strlen(s), i = 0, k;
	uint32_t cp;

	while (i < n) {
		k = gaz_utf8_decode((const unsigned char *)s + i, n - i, &cp);
		if (!k)
			k = 1;
		else if (!gaz_text_is_space(cp))
			gaz_buf_add(b, s + i, k);
		i += k;
	}
}

static int in_body(const struct gaz_item *it)
{
	return it->y <= BODY_TOP + 1 && it->y >= BODY_BOTTOM - 1;
}

static uint32_t first_cp(const char *s)
{
	uint32_t cp = 0;
	gaz_utf8_decode((const unsigned char *)s, strlen(s), &cp);
	return cp;
}

static uint32_t last_cp(const char *s)
{
	size_t n = strlen(s), st;
	uint32_t cp = 0;

	while (n && s[n - 1] == ' ')
		n--;
	if (!n)
		return 0;
	st = n - 1;
	while (st && ((unsigned char)s[st] & 0xC0) == 0x80)
		st--;
	gaz_utf8_decode((const unsigned char *)s + st, n - st, &cp);
	return cp;
}

/* Where a run's advance ends: its glyph advances plus Tc after each. */
static float run_end(const struct gaz_fontset *fs, const struct gaz_item *it)
{
	size_t n = strlen(it->text), i = 0, k;
	uint32_t cp;
	float x = it->x;

	while (i < n && (k = gaz_utf8_decode((const unsigned char *)it->text + i, n - i, &cp))) {
		x += (float)gaz_fontset_advance(fs, it->face, cp) * it->size / 1000 + it->char_space;
		i += k;
	}
	return x;
}

/* Every visual line (TEXT items sharing a baseline) obeys clreq, and its
 * runs do not overlap (a squeezed mark shortens its own advance). */
static void check_lines(const struct gaz_layout *L, const struct gaz_fontset *fs)
{
	size_t p, i, j, lines = 0;

	for (p = 0; p < L->n_pages; p++) {
		const struct gaz_page *pg = &L->pages[p];
		for (i = 0; i < pg->n; i++) {
			const struct gaz_item *a = &pg->items[i], *first = a, *last = a;
			int seen = 0;
			/* Page numbers "— 3 —" are outside the body. */
			if (a->kind != GAZ_ITEM_TEXT || !in_body(a))
				continue;
			for (j = 0; j < pg->n; j++) {
				const struct gaz_item *c = &pg->items[j];
				if (c->kind != GAZ_ITEM_TEXT || c->y != a->y)
					continue;
				if (j < i)
					seen = 1;
				/* The run that starts right after a: never before a's end. */
				if (c != a && c->x > a->x && c->x < run_end(fs, a) - 0.01f) {
					CHECK(!"runs overlap");
					fprintf(stderr, "  page %zu: \"%s\" ends at %.2f, \"%s\" starts at %.2f\n",
						p, a->text, run_end(fs, a), c->text, c->x);
				}
				if (c->x < first->x)
					first = c;
				if (c->x > last->x)
					last = c;
			}
			if (seen)
				continue;
			lines++;
			if (gaz_lb_no_start(first_cp(first->text)) ||
			    gaz_lb_no_end(last_cp(last->text))) {
				CHECK(!"line starts or ends with forbidden punctuation");
				fprintf(stderr, "  page %zu: %s … %s\n", p, first->text, last->text);
			}
		}
	}
	CHECK(lines > 500);
}

static void check_issue(const struct gaz_issue *is, const struct gaz_layout *L)
{
	size_t d, p, i, toc_first, shift, n_nums = 0, n_links = 0;
	int nums[64], links[64];

	/* Labels: 封面, roman contents, decimal documents from 1, 封底. */
	CHECK_EQ_INT(L->n_labels, 4);
	if (L->n_labels != 4)
		return;
	CHECK_EQ_INT(L->labels[0].first_page, 0);
	CHECK_STR(L->labels[0].prefix, "封面");
	CHECK_EQ_INT(L->labels[1].style, GAZ_LABEL_ROMAN_LOWER);
	CHECK_EQ_INT(L->labels[2].style, GAZ_LABEL_DECIMAL);
	CHECK_EQ_INT(L->labels[2].start, 1);
	CHECK_STR(L->labels[3].prefix, "封底");
	CHECK_EQ_INT(L->labels[3].first_page, (long long)L->n_pages - 1);
	toc_first = (size_t)L->labels[1].first_page;
	shift = (size_t)L->labels[2].first_page;

	/* Spans: contiguous, in order, from the first decimal page to the page
	 * before the back page. */
	CHECK_EQ_INT(L->n_docs, is->n_docs);
	CHECK_EQ_INT(L->docs[0].first, shift);
	for (d = 0; d < L->n_docs; d++) {
		CHECK(L->docs[d].first <= L->docs[d].last);
		if (d + 1 < L->n_docs)
			CHECK_EQ_INT(L->docs[d + 1].first, L->docs[d].last + 1);
	}
	CHECK_EQ_INT(L->docs[L->n_docs - 1].last, (long long)L->n_pages - 2);

	/* Contents: the printed numbers and the links are the documents'. */
	for (p = toc_first; p < shift; p++)
		for (i = 0; i < L->pages[p].n; i++) {
			const struct gaz_item *it = &L->pages[p].items[i];
			uint64_t v;
			if (it->kind == GAZ_ITEM_LINK && n_links < 64)
				links[n_links++] = it->dest_page;
			if (it->kind == GAZ_ITEM_TEXT && in_body(it) && n_nums < 64 &&
			    !gaz_parse_uint(it->text, strlen(it->text), 99999, &v))
				nums[n_nums++] = (int)v;
		}
	CHECK_EQ_INT(n_nums, is->n_docs);
	CHECK_EQ_INT(n_links, is->n_docs);
	for (d = 0; d < is->n_docs && d < n_nums && d < n_links; d++) {
		CHECK_EQ_INT(nums[d], L->docs[d].first - (int)shift + 1);
		CHECK_EQ_INT(links[d], L->docs[d].first);
	}

	/* Printed page numbers "— N —" on document pages. */
	for (p = shift; p + 1 < L->n_pages; p++) {
		char want[32];
		int found = 0;
		snprintf(want, sizeof want, "— %zu —", p - shift + 1);
		for (i = 0; i < L->pages[p].n; i++)
			if (L->pages[p].items[i].kind == GAZ_ITEM_TEXT &&
			    !strcmp(L->pages[p].items[i].text, want))
				found = 1;
		CHECK(found);
	}

	/* Every page starts with the watermark. */
	for (p = 0; p < L->n_pages; p++)
		CHECK(L->pages[p].n && L->pages[p].items[0].kind == GAZ_ITEM_WATERMARK);

	/* Bookmarks: sections at level 0, each document at level 1 on its
	 * first page. */
	for (i = 0, d = 0; i < L->n_outlines; i++) {
		const struct gaz_outline *o = &L->outlines[i];
		CHECK(o->page >= 0 && (size_t)o->page < L->n_pages);
		CHECK(o->level >= 0 && o->level <= 2);
		if (i)
			CHECK(o->level <= L->outlines[i - 1].level + 1);
		if (o->level == 1 && d < is->n_docs) {
			CHECK_STR(o->title, gaz_fv(&is->docs[d].title));
			CHECK_EQ_INT(o->page, L->docs[d].first);
			d++;
		}
	}
	CHECK_EQ_INT(d, is->n_docs);

	/* Text: per document, the body-area text of its pages is exactly its
	 * title, document number and source text; the verification code and
	 * QR code are in the bottom margin of its last page. */
	for (d = 0; d < is->n_docs; d++) {
		const struct gaz_doc *doc = &is->docs[d];
		struct gaz_buf got = GAZ_BUF_INIT(1 << 24), want = GAZ_BUF_INIT(1 << 24);
		char *text = gaz_doc_text(doc, NULL);
		int qr = 0;

		for (p = (size_t)L->docs[d].first; p <= (size_t)L->docs[d].last; p++)
			for (i = 0; i < L->pages[p].n; i++) {
				const struct gaz_item *it = &L->pages[p].items[i];
				if (it->kind == GAZ_ITEM_TEXT && in_body(it))
					add_nows(&got, it->text);
				if (it->kind == GAZ_ITEM_TEXT && !strncmp(it->text, "核验码 ", 10)) {
					char want_code[32];
					snprintf(want_code, sizeof want_code, "核验码 %.5s-%.5s",
						 doc->code, doc->code + 5);
					CHECK_STR(it->text, want_code);
					CHECK_EQ_INT(p, L->docs[d].last);
					CHECK(!in_body(it));
				}
				if (it->kind == GAZ_ITEM_QR) {
					qr++;
					CHECK_EQ_INT(p, L->docs[d].last);
					CHECK(strstr(it->text, doc->code) != NULL);
					CHECK(!strncmp(it->text, "https://gazette.example.gov.cn/verify/",
						       38));
				}
			}
		CHECK_EQ_INT(qr, 1);
		add_nows(&want, gaz_fv(&doc->title));
		add_nows(&want, gaz_fv(&doc->doc_no));
		add_nows(&want, text);
		CHECK(got.data && want.data && !strcmp(got.data, want.data));
		if (got.data && want.data && strcmp(got.data, want.data)) {
			size_t k = 0;
			while (k < want.len && got.data[k] == want.data[k])
				k++;
			fprintf(stderr, "  %s differs at byte %zu: got \"%.60s\" want \"%.60s\"\n",
				doc->name, k, got.data + k, want.data + k);
		}
		free(text);
		gaz_buf_release(&got);
		gaz_buf_release(&want);
	}
}

/* Lines (distinct baselines of text) on each page of a list. */
static void lines_per_page(const struct plist *pl, int *out, size_t max)
{
	size_t p, i, j;

	for (p = 0; p < pl->n && p < max; p++) {
		out[p] = 0;
		for (i = 0; i < pl->v[p].n; i++) {
			int seen = 0;
			if (pl->v[p].items[i].kind != GAZ_ITEM_TEXT)
				continue;
			for (j = 0; j < i; j++)
				seen |= pl->v[p].items[j].kind == GAZ_ITEM_TEXT &&
					pl->v[p].items[j].y == pl->v[p].items[i].y;
			out[p] += !seen;
		}
	}
}

static void flow_release(struct plist *pl)
{
	size_t p, i;

	for (p = 0; p < pl->n; p++) {
		for (i = 0; i < pl->v[p].n; i++)
			free(pl->v[p].items[i].text);
		free(pl->v[p].items);
	}
	free(pl->v);
	memset(pl, 0, sizeof *pl);
}

/* Sets a paragraph of `lines` full lines (28 grid characters each, the
 * last shorter) with `room` lines left on the first page and `keep` lines
 * that must follow it; returns the lines on each page. */
static size_t flow(const struct gaz_fontset *fs, int lines, int room, int keep, int *per_page)
{
	struct plist pl = { 0 };
	struct lay y;
	struct lay_style body = { GAZ_ROLE_BODY, BODY_SIZE, BODY_TRACK, { 0, 0, 0 } };
	struct lay_para p;
	struct lay_text t;
	char text[4096];
	size_t o = 0, n;
	int i;

	memset(&y, 0, sizeof y);
	y.fs = fs;
	y.pl = &pl;
	y.src_file = "flow";
	for (i = 0; i < lines * 28 - 10; i++)
		o += gaz_utf8_encode(0x4E00 + (uint32_t)(i % 200), text + o);
	text[o] = 0;
	memset(&p, 0, sizeof p);
	p.measure = BODY_W;
	p.align = LAY_JUSTIFY;
	p.pitch = BODY_PITCH;
	p.keep = (float)keep * BODY_PITCH;
	CHECK_EQ_INT(lay_new_page(&y), 0);
	y.top = PAGE_TOP + BODY_H - ((float)room + 0.5f) * BODY_PITCH;
	CHECK_EQ_INT(lay_text_prepare(&y, text, o, &body, NULL, 0, &t), 0);
	CHECK_EQ_INT(lay_para(&y, &t, &p, NULL, NULL), 0);
	lay_text_release(&t);
	lay_release(&y);
	lines_per_page(&pl, per_page, 8);
	n = pl.n;
	flow_release(&pl);
	return n;
}

/* Orphans, widows and keeps, on a paragraph set near a page foot. */
static void check_flow(const struct gaz_fontset *fs)
{
	int pp[8];

	/* Fits: all on the page. */
	CHECK_EQ_INT(flow(fs, 5, 6, 0, pp), 1);
	CHECK_EQ_INT(pp[0], 5);
	/* Only one line of room: no orphan, the paragraph starts overleaf. */
	CHECK_EQ_INT(flow(fs, 5, 1, 0, pp), 2);
	CHECK_EQ_INT(pp[0], 0);
	CHECK_EQ_INT(pp[1], 5);
	/* Four lines of room for five: no widow, three and two. */
	CHECK_EQ_INT(flow(fs, 5, 4, 0, pp), 2);
	CHECK_EQ_INT(pp[0], 3);
	CHECK_EQ_INT(pp[1], 2);
	/* 45 lines over three pages: the widow rule holds at the second page
	 * break too — 22 + 21 + 2, not 22 + 22 + 1. */
	CHECK_EQ_INT(flow(fs, 45, 22, 0, pp), 3);
	CHECK_EQ_INT(pp[0], 22);
	CHECK_EQ_INT(pp[1], 21);
	CHECK_EQ_INT(pp[2], 2);
	/* Must keep 3 lines after it (a 落款) with 6 lines of room for 5: the
	 * last two go down with what follows. */
	CHECK_EQ_INT(flow(fs, 5, 6, 3, pp), 2);
	CHECK_EQ_INT(pp[0], 3);
	CHECK_EQ_INT(pp[1], 2);
	/* A short block that must keep with the next moves whole. */
	CHECK_EQ_INT(flow(fs, 2, 3, 2, pp), 2);
	CHECK_EQ_INT(pp[0], 0);
	CHECK_EQ_INT(pp[1], 2);
}

static int load(const char *dir, struct gaz_issue **is)
{
	struct gaz_diags dg = { 0 };
	int rc = gaz_issue_load(dir, is, &dg);

	if (!rc && (rc = gaz_issue_check(*is, &dg)))
		gaz_issue_free(*is);
	gaz_diags_release(&dg);
	return rc;
}

static void write_file(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");
	if (f) {
		fputs(s, f);
		fclose(f);
	}
}

/* A document's catalog record and its first two lines (lines 1-13). */
#define DOC_HEAD "索引号：11500114009130039C/2018-00979\n" \
	"发文字号：示政发〔2023〕1号\n" \
	"文件标题：关于测试的通知\n" \
	"发布机构：示例市人民政府\n" \
	"成文日期：2023-07-01\n" \
	"发布日期：2023-07-02\n" \
	"主题分类：其他\n" \
	"体裁分类：行政规范性文件\n" \
	"有效性：有效\n" \
	"栏目：部门文件\n" \
	"\n" \
	"各有关单位：\n" \
	"现将有关事项通知如下。\n"

int main(void)
{
	struct gaz_issue *is = NULL;
	struct gaz_fontset *fs = NULL;
	struct gaz_layout L, L2;
	char dir[] = "/tmp/test_layout.XXXXXX", path[256], *conf = NULL;
	size_t len;

	CHECK_EQ_INT(load("sample-issue", &is), 0);
	if (!is)
		return TEST_DONE();
	CHECK_EQ_INT(gaz_fontset_open(&is->cfg, &fs), 0);
	if (!fs)
		return TEST_DONE();
	check_flow(fs);
	memset(&L, 0, sizeof L);
	CHECK_EQ_INT(gaz_layout_issue(is, fs, &L), 0);
	CHECK(L.n_pages > 10);
	if (L.n_pages > 10) {
		check_lines(&L, fs);
		check_issue(is, &L);
	}
	/* Deterministic: a second layout gives the same pages and items. */
	CHECK_EQ_INT(gaz_layout_issue(is, fs, &L2), 0);
	CHECK_EQ_INT(L2.n_pages, L.n_pages);
	if (L2.n_pages == L.n_pages) {
		size_t p, i;
		int same = 1;
		for (p = 0; p < L.n_pages; p++) {
			same &= L.pages[p].n == L2.pages[p].n;
			for (i = 0; same && i < L.pages[p].n; i++)
				same &= L.pages[p].items[i].x == L2.pages[p].items[i].x &&
					L.pages[p].items[i].y == L2.pages[p].items[i].y &&
					!strcmp(L.pages[p].items[i].text ? L.pages[p].items[i].text : "",
						L2.pages[p].items[i].text ? L2.pages[p].items[i].text : "");
		}
		CHECK(same);
	}
	gaz_layout_release(&L2);
	gaz_layout_release(&L);
	gaz_issue_free(is);
	is = NULL;

	/* A character no font draws (U+E000, private use) on line 14 of a
	 * document: GAZ_EFONT naming the character, the file and the line. */
	CHECK(mkdtemp(dir) != NULL);
	CHECK_EQ_INT(gaz_read_file("sample-issue/issue.conf", 1 << 16, &conf, &len), 0);
	snprintf(path, sizeof path, "%s/issue.conf", dir);
	write_file(path, conf ? conf : "");
	snprintf(path, sizeof path, "%s/01-doc.txt", dir);
	write_file(path, DOC_HEAD
			 "第三段含有\xee\x80\x80字符。\n");
	CHECK_EQ_INT(load(dir, &is), 0);
	if (is) {
		int rc = gaz_layout_issue(is, fs, &L);
		CHECK_EQ_INT(rc, GAZ_EFONT);
		CHECK(strstr(gaz_errdetail(), "U+E000") != NULL);
		CHECK(strstr(gaz_errdetail(), "01-doc.txt:14") != NULL);
		fprintf(stderr, "detail: %s\n", gaz_errdetail());
		if (!rc)
			gaz_layout_release(&L);
		gaz_issue_free(is);
	}

	/* An attachment list (GB/T 9704 §7.3.4): 附件：1.… then 2.…, 3.…,
	 * each further number under the first, none of them a heading, all
	 * on one page. */
	write_file(path, DOC_HEAD
			 "附件：1.甲表\n"
			 "2.乙表\n"
			 "3.丙表\n"
			 "1.这一行是正文里的标题\n");
	CHECK_EQ_INT(load(dir, &is), 0);
	if (is) {
		const struct gaz_doc *doc = &is->docs[0];
		const struct gaz_item *at[3] = { NULL, NULL, NULL };
		const char *want[3] = { "附件：1.甲表", "2.乙表", "3.丙表" };
		int page[3] = { -1, -1, -2 };
		size_t p, i, k;

		CHECK_EQ_INT(doc->n_blocks, 6);
		if (doc->n_blocks == 6) {
			CHECK_EQ_INT(doc->blocks[2].kind, GAZ_BLK_ATTACHMENT);
			CHECK_EQ_INT(doc->blocks[3].kind, GAZ_BLK_ATTACHMENT);
			CHECK_EQ_INT(doc->blocks[4].kind, GAZ_BLK_ATTACHMENT);
			CHECK_EQ_INT(doc->blocks[5].kind, GAZ_BLK_H3);
		}
		CHECK_EQ_INT(gaz_layout_issue(is, fs, &L), 0);
		for (p = 0; p < L.n_pages; p++)
			for (i = 0; i < L.pages[p].n; i++)
				for (k = 0; k < 3; k++)
					if (L.pages[p].items[i].kind == GAZ_ITEM_TEXT &&
					    !strcmp(L.pages[p].items[i].text, want[k])) {
						at[k] = &L.pages[p].items[i];
						page[k] = (int)p;
					}
		CHECK(at[0] && at[1] && at[2]);
		if (at[0] && at[1] && at[2]) {
			/* "附件：" is three 16 pt characters wide */
			float d = at[1]->x - at[0]->x;
			CHECK(d > 3 * 16 - 1 && d < 3 * 16 + 6);
			CHECK(at[2]->x == at[1]->x);
			CHECK(at[1]->y < at[0]->y && at[2]->y < at[1]->y);
			CHECK(page[0] == page[1] && page[1] == page[2]);
		}
		gaz_layout_release(&L);
		gaz_issue_free(is);
	}
	unlink(path);
	snprintf(path, sizeof path, "%s/issue.conf", dir);
	unlink(path);
	rmdir(dir);
	free(conf);
	gaz_fontset_free(fs);
	return TEST_DONE();
}

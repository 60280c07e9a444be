/* Unit tests for the PDF writer: a display list built by hand (Chinese
 * text with punctuation, a character only the fallback face has, lines,
 * a QR code, a link, the watermark, outlines, page labels) is rendered,
 * checked for determinism and for the objects libharu alone would get
 * wrong; bad display lists fail cleanly.
 *
 *   test_pdfout                  unit checks
 *   test_pdfout OUT.pdf OUT.txt  also writes the PDF and the text it
 *                                should extract (for test_pdfout.sh)
 */
#include "gazette/layout.h"
#include "test.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define MAX_ITEMS 64

static struct gaz_item items[2][MAX_ITEMS];
static struct gaz_page pages[2];
static char expect[4096];

static struct gaz_item *add(int page, enum gaz_item_kind kind)
{
	struct gaz_item *it = &items[page][pages[page].n++];

	memset(it, 0, sizeof *it);
	it->kind = kind;
	return it;
}

static void text(int page, int face, float x, float y, float size, float cs, const char *s)
{
	struct gaz_item *it = add(page, GAZ_ITEM_TEXT);

	it->face = face;
	it->x = x;
	it->y = y;
	it->size = size;
	it->char_space = cs;
	it->text = (char *)s;
	strcat(expect, s);
	strcat(expect, "\n");
}

/* face ids come from the fontset: body chain head, its fallback, kai. */
static void build(struct gaz_layout *l, int body, int fallback, int heading)
{
	static struct gaz_outline outlines[4];
	static struct gaz_label_range labels[2];
	struct gaz_item *it;

	memset(l, 0, sizeof *l);
	memset(pages, 0, sizeof pages);
	expect[0] = 0;
	pages[0].items = items[0];
	pages[1].items = items[1];
	pages[0].cap = pages[1].cap = MAX_ITEMS;

	text(0, heading, 150, 760, 22, 0, "政府公报");
	text(0, body, 72, 700, 16, 0.5f, "各区县人民政府，市政府各部门：");
	text(0, body, 72, 676, 16, 1.25f, "现将《关于加强行政规范性文件管理的通知》印发给你们，");
	text(0, body, 72, 652, 16, 0, "请认真贯彻执行（一）；“标准文本”……——完。");
	text(0, body, 72, 628, 16, 0, "罕见字");
	expect[strlen(expect) - 1] = 0; /* same line, other face */
	text(0, fallback, 120, 628, 16, 0, "\xe4\xb6\xb5"); /* U+4DB5: not in AR PL UMing */
	text(0, body, 72, 604, 16, 0, "空\xe3\x80\x80格"); /* U+3000 between two ideographs */
	it = add(0, GAZ_ITEM_LINE);
	it->x = 72, it->y = 740, it->x2 = 523, it->y2 = 740, it->size = 1.5f;
	it->color.r = 0.8f;
	it = add(0, GAZ_ITEM_RECT);
	it->x = 72, it->y = 100, it->x2 = 523, it->y2 = 102;
	it = add(0, GAZ_ITEM_QR);
	it->x = 420, it->y = 150, it->x2 = 520, it->y2 = 250;
	it->text = (char *)"https://gazette.example.gov.cn/d/2023-07-01";
	it = add(0, GAZ_ITEM_LINK);
	it->x = 72, it->y = 600, it->x2 = 200, it->y2 = 620, it->dest_page = 1, it->dest_y = 800;
	/* Listed last on purpose: it must still be drawn first. */
	it = add(0, GAZ_ITEM_WATERMARK);
	it->face = heading, it->x = 297, it->y = 421, it->size = 60, it->angle = 30;
	it->color.r = it->color.g = it->color.b = 0.85f;
	it->text = (char *)"样本 仅供测试";

	text(1, body, 72, 760, 16, 0, "第二页。");
	it = add(1, GAZ_ITEM_WATERMARK);
	it->face = heading, it->x = 297, it->y = 421, it->size = 60, it->angle = 30;
	it->color.r = it->color.g = it->color.b = 0.85f;
	it->text = (char *)"样本 仅供测试";

	outlines[0] = (struct gaz_outline){ (char *)"区政府文件", 0, 0, 800 };
	outlines[1] = (struct gaz_outline){ (char *)"关于加强管理的通知", 1, 0, 700 };
	outlines[2] = (struct gaz_outline){ (char *)"一、总则", 2, 0, 650 };
	outlines[3] = (struct gaz_outline){ (char *)"第二页", 1, 1, 800 };
	labels[0] = (struct gaz_label_range){ 0, GAZ_LABEL_NONE, (char *)"封面", 1 };
	labels[1] = (struct gaz_label_range){ 1, GAZ_LABEL_DECIMAL, NULL, 1 };

	l->page_w = GAZ_A4_WIDTH;
	l->page_h = GAZ_A4_HEIGHT;
	l->pages = pages;
	l->n_pages = 2;
	l->outlines = outlines;
	l->n_outlines = 4;
	l->labels = labels;
	l->n_labels = 2;
}

static const struct gaz_render_meta meta = {
	"政府公报 2023年第7期（总第146期）", "某市人民政府办公室 & <编辑部>", "政府公报",
	"公报; 规范性文件", "2023-07-15", "zh-CN"
};

static int contains(const unsigned char *p, size_t n, const char *s)
{
	size_t k = strlen(s), i;

	for (i = 0; i + k <= n; i++)
		if (!memcmp(p + i, s, k))
			return 1;
	return 0;
}

static int write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	int ok = f && fwrite(p, 1, n, f) == n;

	if (f && fclose(f))
		ok = 0;
	return ok ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct gaz_fontset *fs = NULL;
	struct gaz_layout l;
	unsigned char *a = NULL, *b = NULL, *c = (unsigned char *)"untouched";
	size_t alen = 0, blen = 0, clen = 7;
	struct gaz_render_meta badmeta = meta;
	int body, fallback, heading;

	CHECK_EQ_INT(gaz_fontset_open(NULL, &fs), 0);
	if (!fs)
		return TEST_DONE();
	body = gaz_fontset_pick(fs, GAZ_ROLE_BODY, 0x4E2D);
	fallback = gaz_fontset_pick(fs, GAZ_ROLE_BODY, 0x4DB5);
	heading = gaz_fontset_pick(fs, GAZ_ROLE_HEADING, 0x4E2D);
	CHECK(body >= 0 && fallback >= 0 && heading >= 0);
	CHECK(fallback != body); /* the fallback chain is exercised */
	build(&l, body, fallback, heading);

	CHECK_EQ_INT(gaz_render_pdf(&l, fs, &meta, &a, &alen), 0);
	if (!a)
		fprintf(stderr, "render: %s\n", gaz_errdetail());
	CHECK_EQ_INT(gaz_render_pdf(&l, fs, &meta, &b, &blen), 0);
	CHECK(a && b && alen == blen && !memcmp(a, b, alen)); /* deterministic */
	if (a) {
		CHECK(!memcmp(a, "%PDF-1.4\n", 9));
		CHECK(contains(a, alen, "/CIDSet"));
		CHECK(contains(a, alen, "/CapHeight"));
		CHECK(contains(a, alen, "/GTS_PDFA1"));
		CHECK(contains(a, alen, "/DestOutputProfile "));
		CHECK(contains(a, alen, "<pdfaid:part>1</pdfaid:part>"));
		CHECK(contains(a, alen, "&amp; &lt;")); /* XMP escapes */
		CHECK(contains(a, alen, "/CreationDate (D:20230715000000+08'00')"));
		CHECK(contains(a, alen, "<xmp:CreateDate>2023-07-15T00:00:00+08:00"));
		CHECK(!contains(a, alen, "gazette-id-slot"));
		CHECK(contains(a, alen, "/F 4"));
		CHECK(alen < 60000);
	}
	if (argc == 3 && a) {
		CHECK_EQ_INT(write_file(argv[1], a, alen), 0);
		CHECK_EQ_INT(write_file(argv[2], expect, strlen(expect)), 0);
	}
	free(b);
	b = NULL;

	/* Other metadata, other bytes (the /ID follows the content). */
	badmeta.date = "2023-07-16";
	CHECK_EQ_INT(gaz_render_pdf(&l, fs, &badmeta, &b, &blen), 0);
	CHECK(b && a && (blen != alen || memcmp(a, b, alen)));
	free(b);

	/* Failures leave the out-parameters alone. */
	badmeta.date = "15.07.2023";
	CHECK_EQ_INT(gaz_render_pdf(&l, fs, &badmeta, &c, &clen), GAZ_EINVAL);
	CHECK(strstr(gaz_errdetail(), "15.07.2023") != NULL);
	items[1][0].face = 99;
	CHECK_EQ_INT(gaz_render_pdf(&l, fs, &meta, &c, &clen), GAZ_EINVAL);
	items[1][0].face = body;
	items[1][0].text = (char *)"\xf0\xa0\x80\x80"; /* U+20000: beyond 16-bit CIDs */
	CHECK_EQ_INT(gaz_render_pdf(&l, fs, &meta, &c, &clen), GAZ_EFONT);
	items[1][0].text = (char *)"\xe4\xb6\xb5"; /* drawn with a face that lacks it */
	CHECK_EQ_INT(gaz_render_pdf(&l, fs, &meta, &c, &clen), GAZ_EFONT);
	CHECK(strstr(gaz_errdetail(), "U+4DB5") != NULL);
	items[1][0].text = (char *)"第二页。";
	items[0][pages[0].n - 2].dest_page = 5;
	CHECK_EQ_INT(gaz_render_pdf(&l, fs, &meta, &c, &clen), GAZ_EINVAL);
	items[0][pages[0].n - 2].dest_page = 1;
	items[1][0].size = 0; /* a font size libharu would refuse opaquely */
	CHECK_EQ_INT(gaz_render_pdf(&l, fs, &meta, &c, &clen), GAZ_EINVAL);
	CHECK(strstr(gaz_errdetail(), "page 2 item 1") != NULL);
	items[1][0].size = 16;
	items[0][0].x = NAN;
	CHECK_EQ_INT(gaz_render_pdf(&l, fs, &meta, &c, &clen), GAZ_EINVAL);
	items[0][0].x = 150;
	l.n_pages = 0;
	CHECK_EQ_INT(gaz_render_pdf(&l, fs, &meta, &c, &clen), GAZ_EINVAL);
	l.n_pages = 2;
	l.outlines[0].page = 7;
	CHECK_EQ_INT(gaz_render_pdf(&l, fs, &meta, &c, &clen), GAZ_EINVAL);
	l.outlines[0].page = 0;
	CHECK(c && !strcmp((char *)c, "untouched") && clen == 7);

	free(a);
	gaz_fontset_free(fs);
	return TEST_DONE();
}

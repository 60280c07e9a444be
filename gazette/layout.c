/*
 * The issue as pages: cover, contents, one run of pages per document, back
 * page — then the running heads, page numbers, bookmarks and page labels.
 *
 * Documents are set first (their pages numbered from 1), then the contents
 * (whose length does not depend on the numbers it prints: the number column
 * has a fixed width), then the cover and back page; the lists are joined
 * and every page reference shifted by the pages in front of the documents.
 */
#include "layout_int.h"

#include "gazette/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct gaz_color BLACK = { 0, 0, 0 };
static const struct gaz_color RED = { 0.80f, 0.05f, 0.05f };
/* Grid character: 1/28 of the body width (9704's 28 characters a line). */
#define CH (BODY_W / 28)
#define TITLE_SIZE 22.0f  /* 2号 */
#define TITLE_PITCH 34.0f
#define SUB_TITLE_SIZE 18.0f /* 小二: titles inside a body */
#define TOC_SIZE 14.0f    /* 4号 */
#define TOC_PITCH 26.0f
#define NUM_SIZE 14.0f    /* page numbers: 4号 */
#define HEAD_SIZE 10.5f   /* running head: 5号 */
#define QR_SIDE (16 * MM)

struct outl {
	struct gaz_outline *v;
	size_t n, cap;
};

struct build {
	struct lay y;
	struct plist cover, toc, docs, back;
	struct outl ol;              /* pages relative to the document list */
	struct gaz_doc_span *spans;  /* relative to the document list */
	char issue_line[160];        /* 2023年第7期（总第146期） */
	char head_line[200];         /* 政府公报 · 2023年第7期 */
	char date_cn[64];            /* 2023年7月31日 */
};

static struct lay_style style(enum gaz_font_role role, float size, float track,
			      struct gaz_color c)
{
	struct lay_style s;

	s.role = role;
	s.size = size;
	s.track = track;
	s.color = c;
	return s;
}

static int outline_add(struct outl *o, const char *title, int level, int page, float top)
{
	if (o->n == o->cap) {
		size_t nc = o->cap ? o->cap * 2 : 32;
		struct gaz_outline *nv = realloc(o->v, nc * sizeof *nv);
		if (!nv)
			return GAZ_ENOMEM;
		o->v = nv;
		o->cap = nc;
	}
	if (!(o->v[o->n].title = strdup(title)))
		return GAZ_ENOMEM;
	o->v[o->n].level = level;
	o->v[o->n].page = page;
	o->v[o->n].y = lay_pdf_y(top);
	o->n++;
	return 0;
}

/* "YYYY-MM-DD" (checked by gaz_issue_check) → "YYYY年M月D日". */
static void date_cn(const char *iso, char *out, size_t n)
{
	uint64_t y = 0, m = 0, d = 0;

	if (strlen(iso) != 10 || gaz_parse_uint(iso, 4, 9999, &y) ||
	    gaz_parse_uint(iso + 5, 2, 12, &m) || gaz_parse_uint(iso + 8, 2, 31, &d))
		snprintf(out, n, "%s", iso);
	else
		snprintf(out, n, "%u年%u月%u日", (unsigned)y, (unsigned)m, (unsigned)d);
}

static void roman(int v, char *out, size_t n)
{
	static const int val[] = { 1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1 };
	static const char *const sym[] = { "m", "cm", "d", "cd", "c", "xc", "l", "xl",
					   "x", "ix", "v", "iv", "i" };
	size_t o = 0, i;

	out[0] = 0;
	for (i = 0; i < 13 && v > 0; i++)
		while (v >= val[i] && o + 3 < n) {
			o += (size_t)snprintf(out + o, n - o, "%s", sym[i]);
			v -= val[i];
		}
}

/* A paragraph of s set with p (styles a, and b from byte split on). */
static int para(struct lay *y, const char *s, const struct lay_style *a,
		const struct lay_style *b, size_t split, const struct lay_para *p,
		size_t *page, float *top)
{
	struct lay_text t;
	int rc;

	if ((rc = lay_text_prepare(y, s, strlen(s), a, b, split, &t)))
		return rc;
	rc = lay_para(y, &t, p, page, top);
	lay_text_release(&t);
	return rc;
}

static struct lay_para body_para(void)
{
	struct lay_para p;

	memset(&p, 0, sizeof p);
	p.measure = BODY_W;
	p.indent = 2 * CH;
	p.align = LAY_JUSTIFY;
	p.pitch = BODY_PITCH;
	return p;
}

/* ---- documents ----------------------------------------------------------- */

/* Byte length of the lead-in of a heading: up to and including the first
 * 。 when the paragraph runs on after it; the whole text otherwise. */
static size_t lead_in(const char *s)
{
	const char *p = strstr(s, "。");

	if (!p || !p[3])
		return strlen(s);
	return (size_t)(p + 3 - s);
}

/* 落款: the date right-indented four characters, the signer centred over
 * it (GB/T 9704-2012 §7.3.5.1), pushed left if it would cross two
 * characters from the right edge. */
static int signature(struct lay *y, const struct gaz_doc *d, size_t i, size_t *used)
{
	const struct gaz_block *sg = &d->blocks[i], *dt = NULL;
	struct lay_style body = style(GAZ_ROLE_BODY, BODY_SIZE, BODY_TRACK, BLACK);
	struct lay_para p = body_para();
	float sw = 0, dw = 0, dl, sl;
	int rc;

	if (sg->kind == GAZ_BLK_DATE) {
		dt = sg;
		sg = NULL;
	} else if (i + 1 < d->n_blocks && d->blocks[i + 1].kind == GAZ_BLK_DATE) {
		dt = &d->blocks[i + 1];
	}
	*used = (sg ? 1 : 0) + (dt ? 1 : 0);
	y->src_line = dt ? dt->line : sg->line;
	if (dt && (rc = lay_string_width(y, dt->text, &body, &dw)))
		return rc;
	y->src_line = sg ? sg->line : dt->line;
	if (sg && (rc = lay_string_width(y, sg->text, &body, &sw)))
		return rc;
	if (sw > BODY_W - 2 * CH || dw > BODY_W - 4 * CH) {
		/* Too long to align: set as ordinary right-aligned lines. */
		p.indent = 0;
		p.align = LAY_RIGHT;
		if (sg && (rc = para(y, sg->text, &body, NULL, 0, &p, NULL, NULL)))
			return rc;
		return dt ? para(y, dt->text, &body, NULL, 0, &p, NULL, NULL) : 0;
	}
	dl = BODY_W - 4 * CH - dw;
	sl = dt ? dl + dw / 2 - sw / 2 : BODY_W - 2 * CH - sw;
	if (sl + sw > BODY_W - 2 * CH)
		sl = BODY_W - 2 * CH - sw;
	if (sl < 0)
		sl = 0;
	/* One blank line above: room for the seal on paper. */
	y->top += BODY_PITCH;
	p.indent = 0;
	p.align = LAY_LEFT;
	if (sg) {
		y->src_line = sg->line;
		p.left = sl;
		p.measure = BODY_W - sl;
		p.keep = dt ? BODY_PITCH : 0;
		if ((rc = para(y, sg->text, &body, NULL, 0, &p, NULL, NULL)))
			return rc;
	}
	if (dt) {
		y->src_line = dt->line;
		p.left = dl;
		p.measure = BODY_W - dl;
		p.keep = 0;
		if ((rc = para(y, dt->text, &body, NULL, 0, &p, NULL, NULL)))
			return rc;
	}
	return 0;
}

/* Widths in t (the prepared text of s) of an attachment line's label
 * "附件：" (unless cont: a further attachment has none) and of the
 * number after it ("1." "1．" "1、"), each NULL when not wanted. */
static void attachment_measure(const struct lay_text *t, const char *s, int cont,
			       float *label, float *num)
{
	const char *c = cont ? NULL : strstr(s, "：");
	size_t lab = c ? (size_t)(c + 3 - s) : 0, nb = lab, o = 0, j;

	while (s[nb] >= '0' && s[nb] <= '9')
		nb++;
	if (nb > lab && s[nb] == '.')
		nb++;
	else if (nb > lab && (!strncmp(s + nb, "．", 3) || !strncmp(s + nb, "、", 3)))
		nb += 3;
	else
		nb = lab;
	if (label)
		*label = 0;
	if (num)
		*num = 0;
	for (j = 0; j < t->n && o < nb; j++) {
		char u[4];
		if (o < lab) {
			if (label)
				*label += t->ch[j].w;
		} else if (num) {
			*num += t->ch[j].w;
		}
		o += gaz_utf8_encode(t->cps[j], u);
	}
}

static int attachment_widths(struct lay *y, const char *s, const struct lay_style *st,
			     float *label, float *num)
{
	struct lay_text t;
	int rc;

	if ((rc = lay_text_prepare(y, s, strlen(s), st, NULL, 0, &t)))
		return rc;
	attachment_measure(&t, s, 0, label, num);
	lay_text_release(&t);
	return 0;
}

static int block(struct build *b, const struct gaz_doc *d, size_t i, size_t *used)
{
	struct lay *y = &b->y;
	const struct gaz_block *k = &d->blocks[i];
	enum gaz_block_kind prev = i ? d->blocks[i - 1].kind : GAZ_BLK_PARA;
	struct lay_style body = style(GAZ_ROLE_BODY, BODY_SIZE, BODY_TRACK, BLACK);
	struct lay_style hei = style(GAZ_ROLE_HEADING, BODY_SIZE, BODY_TRACK, BLACK);
	struct lay_style kai = style(GAZ_ROLE_KAI, BODY_SIZE, BODY_TRACK, BLACK);
	struct lay_style sub = style(GAZ_ROLE_TITLE, SUB_TITLE_SIZE, 0, BLACK);
	struct lay_para p = body_para();
	struct lay_text t;
	size_t page, lead;
	float top;
	int rc;

	*used = 1;
	y->src_line = k->line;
	switch (k->kind) {
	case GAZ_BLK_H1:
		lead = lead_in(k->text);
		p.keep = lead == strlen(k->text) ? 2 * BODY_PITCH : 0;
		if ((rc = para(y, k->text, &hei, &body, lead, &p, &page, &top)))
			return rc;
		return y->dry ? 0 : outline_add(&b->ol, k->text, 2, (int)page, top);
	case GAZ_BLK_H2:
		lead = lead_in(k->text);
		p.keep = lead == strlen(k->text) ? 2 * BODY_PITCH : 0;
		return para(y, k->text, &kai, &body, lead, &p, NULL, NULL);
	case GAZ_BLK_ADDRESSEE:
		p.indent = 0;
		return para(y, k->text, &body, NULL, 0, &p, NULL, NULL);
	case GAZ_BLK_ATTACHMENT: {
		/* 附件：1.name — blank line above the first; a further numbered
		 * attachment starts under the first one's number, and wrapped
		 * lines align with the name's first character (9704 §7.3.4). */
		size_t j = i;
		float lw = 0, nw = 0;
		while (j > 0 && strncmp(d->blocks[j].text, "附件", 6) &&
		       d->blocks[j - 1].kind == GAZ_BLK_ATTACHMENT)
			j--;
		if (j != i && (rc = attachment_widths(y, d->blocks[j].text, &body, &lw, NULL)))
			return rc;
		if ((rc = lay_text_prepare(y, k->text, strlen(k->text), &body, NULL, 0, &t)))
			return rc;
		attachment_measure(&t, k->text, j != i, j == i ? &lw : NULL, &nw);
		if (prev != GAZ_BLK_ATTACHMENT && y->top > PAGE_TOP + 1)
			y->top += BODY_PITCH;
		if (j != i)
			p.indent = 2 * CH + lw;
		p.hang = 2 * CH + lw + nw < BODY_W / 2 ? 2 * CH + lw + nw : 2 * CH;
		rc = lay_para(y, &t, &p, NULL, NULL);
		lay_text_release(&t);
		return rc;
	}
	case GAZ_BLK_SIGNER:
	case GAZ_BLK_DATE:
		return signature(y, d, i, used);
	case GAZ_BLK_DOCNO:
		/* A forwarded document starts: its number, centred. */
		if (prev != GAZ_BLK_TITLE && prev != GAZ_BLK_DOCNO && y->top > PAGE_TOP + 1)
			y->top += BODY_PITCH;
		p.indent = 0;
		p.align = LAY_CENTER;
		p.keep = 3 * BODY_PITCH;
		return para(y, k->text, &body, NULL, 0, &p, NULL, NULL);
	case GAZ_BLK_TITLE:
		if (prev != GAZ_BLK_TITLE && prev != GAZ_BLK_DOCNO && y->top > PAGE_TOP + 1)
			y->top += BODY_PITCH / 2;
		p.indent = 0;
		p.align = LAY_CENTER;
		p.balanced = 1;
		p.measure = BODY_W - 2 * CH;
		p.left = CH;
		p.pitch = SUB_TITLE_SIZE * 1.6f;
		p.keep = 2 * BODY_PITCH;
		if ((rc = para(y, k->text, &sub, NULL, 0, &p, NULL, NULL)))
			return rc;
		if (i + 1 < d->n_blocks && d->blocks[i + 1].kind != GAZ_BLK_TITLE)
			y->top += BODY_PITCH / 2;
		return 0;
	case GAZ_BLK_NOTE:
	case GAZ_BLK_H3:
	case GAZ_BLK_H4:
	case GAZ_BLK_PARA:
		break;
	}
	/* The 落款 never starts a page alone: the end of the text before it
	 * goes along (9704 §7.3.5.4). */
	if (i + 1 < d->n_blocks && (d->blocks[i + 1].kind == GAZ_BLK_SIGNER ||
				    d->blocks[i + 1].kind == GAZ_BLK_DATE))
		p.keep = d->blocks[i + 1].kind == GAZ_BLK_SIGNER ? 3 * BODY_PITCH : 2 * BODY_PITCH;
	return para(y, k->text, &body, NULL, 0, &p, NULL, NULL);
}

/* The verification code and its QR code: in the bottom margin of the
 * document's last page, on the inner side (the page number is outside),
 * so they end the document without ever costing a page of their own. */
static int verification(struct build *b, const struct gaz_doc *d)
{
	struct lay *y = &b->y;
	const struct gaz_issue_config *c = &b->y.is->cfg;
	struct lay_style hei = style(GAZ_ROLE_HEADING, 10, 0, BLACK);
	struct lay_style small = style(GAZ_ROLE_BODY, 8, 0, BLACK);
	char line1[64], url[600];
	const char *base = gaz_fv(&c->url);
	size_t bl = strlen(base);
	int odd = !((y->pl->n - 1) & 1); /* printed number n */
	float top = PAGE_TOP + BODY_H + 4 * MM, x, tx;
	enum lay_align al = odd ? LAY_LEFT : LAY_RIGHT;
	struct gaz_item it;
	int rc;

	while (bl && base[bl - 1] == '/')
		bl--;
	if (bl > 500)
		bl = 500;
	snprintf(url, sizeof url, "%.*s/verify/%s", (int)bl, base, d->code);
	snprintf(line1, sizeof line1, "核验码 %.5s-%.5s", d->code, d->code + 5);
	x = odd ? PAGE_LEFT : PAGE_LEFT + BODY_W - QR_SIDE;
	tx = odd ? x + QR_SIDE + 2.5f * MM : x - 2.5f * MM;
	memset(&it, 0, sizeof it);
	it.kind = GAZ_ITEM_QR;
	it.x = x;
	it.x2 = x + QR_SIDE;
	it.y2 = lay_pdf_y(top);
	it.y = lay_pdf_y(top + QR_SIDE);
	it.color = BLACK;
	it.text = url;
	if ((rc = lay_add(y, &it)))
		return rc;
	y->src_file = c->file;
	y->src_line = c->url.line;
	if ((rc = lay_string(y, line1, &hei, tx, lay_pdf_y(top + 5 * MM), al, NULL)) ||
	    (rc = lay_string(y, "扫描二维码或访问以下网址核验本文件", &small, tx,
			     lay_pdf_y(top + 10 * MM), al, NULL)))
		return rc;
	return lay_string(y, url, &small, tx, lay_pdf_y(top + 14 * MM), al, NULL);
}

/* Blocks that must not end a page: a heading without text after it, an
 * addressee, a document number or title inside the body, a line of the
 * attachment list (it stays whole, with the 落款 after it). */
static int keeps_with_next(const struct gaz_block *k)
{
	switch (k->kind) {
	case GAZ_BLK_H1:
	case GAZ_BLK_H2:
		return lead_in(k->text) == strlen(k->text);
	case GAZ_BLK_ADDRESSEE:
	case GAZ_BLK_DOCNO:
	case GAZ_BLK_TITLE:
	case GAZ_BLK_ATTACHMENT:
		return 1;
	default:
		return 0;
	}
}

/* Height of blocks [i, j) set without page breaks (measured, not drawn). */
static int measure_blocks(struct build *b, const struct gaz_doc *d, size_t i, size_t j,
			  float *h)
{
	struct lay *y = &b->y;
	float top = y->top;
	int line = y->src_line, rc = 0;
	size_t used;

	y->dry = 1;
	y->top = PAGE_TOP + BODY_PITCH; /* not at a page top: spacing counts */
	for (; i < j && !rc; i += used)
		rc = block(b, d, i, &used);
	*h = y->top - PAGE_TOP - BODY_PITCH;
	y->dry = 0;
	y->top = top;
	y->src_line = line;
	return rc;
}

/* Before a run of keep-with-next blocks: if the run and the first two
 * lines of what follows do not fit on this page, start a new one. */
static int keep_chain(struct build *b, const struct gaz_doc *d, size_t i)
{
	size_t j = i;
	float h, next = 0, one;
	int rc;

	while (j < d->n_blocks && keeps_with_next(&d->blocks[j]))
		j++;
	if ((rc = measure_blocks(b, d, i, j, &h)))
		return rc;
	/* A short paragraph before the 落款 goes with it, so the chain takes
	 * the paragraph and the whole signature. */
	if (j + 1 < d->n_blocks && (d->blocks[j + 1].kind == GAZ_BLK_SIGNER ||
				    d->blocks[j + 1].kind == GAZ_BLK_DATE)) {
		if ((rc = measure_blocks(b, d, j, j + 1, &one)))
			return rc;
		if (one <= 3 * BODY_PITCH + 1) {
			h += one;
			j++;
		}
	}
	if (j < d->n_blocks) {
		int sig = d->blocks[j].kind == GAZ_BLK_SIGNER || d->blocks[j].kind == GAZ_BLK_DATE;
		if ((rc = measure_blocks(b, d, j, j + 1, &next)))
			return rc;
		if (!sig && next > 2 * BODY_PITCH)
			next = 2 * BODY_PITCH;
	}
	if (h + next > BODY_H)
		return 0;
	return lay_need(&b->y, h + next);
}

static int document(struct build *b, size_t di)
{
	struct lay *y = &b->y;
	const struct gaz_doc *d = &y->is->docs[di];
	struct lay_style title = style(GAZ_ROLE_TITLE, TITLE_SIZE, 0, BLACK);
	struct lay_style body = style(GAZ_ROLE_BODY, BODY_SIZE, BODY_TRACK, BLACK);
	struct lay_para p = body_para();
	size_t i, used, page;
	float top;
	int rc;

	if ((rc = lay_new_page(y)))
		return rc;
	b->spans[di].first = (int)(y->pl->n - 1);
	y->src_file = d->file;
	/* Title: 2号 小标宋, centred, balanced lines (9704 §7.2.3). */
	y->src_line = d->title.line;
	y->top += TITLE_PITCH / 2;
	p.indent = 0;
	p.align = LAY_CENTER;
	p.balanced = 1;
	p.pitch = TITLE_PITCH;
	if ((rc = para(y, gaz_fv(&d->title), &title, NULL, 0, &p, &page, &top)))
		return rc;
	if ((rc = outline_add(&b->ol, gaz_fv(&d->title), 1, (int)page, top)))
		return rc;
	if (d->doc_no.value) {
		y->src_line = d->doc_no.line;
		y->top += 4;
		p = body_para();
		p.indent = 0;
		p.align = LAY_CENTER;
		if ((rc = para(y, d->doc_no.value, &body, NULL, 0, &p, NULL, NULL)))
			return rc;
	}
	y->top += BODY_PITCH / 2;
	for (i = 0; i < d->n_blocks; i += used) {
		if (keeps_with_next(&d->blocks[i]) && (!i || !keeps_with_next(&d->blocks[i - 1])) &&
		    (rc = keep_chain(b, d, i)))
			return rc;
		if ((rc = block(b, d, i, &used)))
			return rc;
	}
	if ((rc = verification(b, d)))
		return rc;
	b->spans[di].last = (int)(y->pl->n - 1);
	return 0;
}

/* ---- contents -------------------------------------------------------------- */

static int leaders(struct lay *y, float x1, float x2, float base)
{
	const float step = 4.0f, dot = 1.1f;
	struct gaz_item it;
	float x = PAGE_LEFT + step * (float)(int)((x1 - PAGE_LEFT) / step + 1);
	int rc;

	memset(&it, 0, sizeof it);
	it.kind = GAZ_ITEM_RECT;
	it.color = BLACK;
	for (; x + dot <= x2; x += step) {
		it.x = x;
		it.x2 = x + dot;
		it.y = base + 0.3f * TOC_SIZE - dot / 2;
		it.y2 = it.y + dot;
		if ((rc = lay_add(y, &it)))
			return rc;
	}
	return 0;
}

/* One contents entry: the title (wrapped lines hang one character), dot
 * leaders, the page number right-aligned, all a link to the document. */
static int toc_entry(struct build *b, size_t di)
{
	struct lay *y = &b->y;
	const struct gaz_doc *d = &y->is->docs[di];
	struct lay_style st = style(GAZ_ROLE_BODY, TOC_SIZE, 0, BLACK);
	const float indent = TOC_SIZE, numcol = 3 * TOC_SIZE;
	struct gaz_lb_line *ln = NULL;
	struct lay_text t;
	struct gaz_item link;
	size_t nl = 0, i;
	char num[16];
	struct gaz_buf entry = GAZ_BUF_INIT(3 * GAZ_LINE_MAX_BYTES);
	float x, base = 0, top0, nw;
	int rc;

	memset(&t, 0, sizeof t);
	y->src_file = d->file;
	y->src_line = d->title.line;
	/* Title（文号）, as contents pages of gazettes print them. */
	if ((rc = gaz_buf_addstr(&entry, gaz_fv(&d->title))) ||
	    (d->doc_no.value && (rc = gaz_buf_printf(&entry, "（%s）", d->doc_no.value))) ||
	    (rc = lay_text_prepare(y, entry.data, entry.len, &st, NULL, 0, &t)))
		goto end;
	if (!t.n)
		goto end;
	/* The document number is one unit: it may move down whole. */
	for (i = gaz_utf8_count(gaz_fv(&d->title), strlen(gaz_fv(&d->title))); i + 1 < t.n; i++)
		t.brk[i] = 0;
	/* Ragged right: a number moved down whole would leave a loose line. */
	if ((rc = gaz_lb_fit(t.ch, t.n, t.brk, BODY_W - indent - numcol, 0, TOC_SIZE, 0, &ln,
			     &nl)))
		goto end;
	if ((rc = lay_need(y, (float)nl * TOC_PITCH)))
		goto end;
	top0 = y->top;
	for (i = 0; i < nl; i++) {
		x = PAGE_LEFT + indent + ln[i].x0;
		base = lay_baseline(y->top, TOC_PITCH, TOC_SIZE);
		if ((rc = lay_line(y, &t, ln[i].start, ln[i].end, x, base, ln[i].space)))
			goto end;
		y->top += TOC_PITCH;
	}
	snprintf(num, sizeof num, "%d", b->spans[di].first + 1);
	if ((rc = lay_string(y, num, &st, PAGE_LEFT + BODY_W, base, LAY_RIGHT, &nw)))
		goto end;
	x = PAGE_LEFT + indent + ln[nl - 1].x0 + ln[nl - 1].width;
	if ((rc = leaders(y, x + 2, PAGE_LEFT + BODY_W - nw - 3, base)))
		goto end;
	memset(&link, 0, sizeof link);
	link.kind = GAZ_ITEM_LINK;
	link.x = PAGE_LEFT;
	link.x2 = PAGE_LEFT + BODY_W;
	link.y = lay_pdf_y(y->top);
	link.y2 = lay_pdf_y(top0);
	link.dest_page = b->spans[di].first; /* shifted when the lists are joined */
	link.dest_y = lay_pdf_y(PAGE_TOP - 12 * MM);
	rc = lay_add(y, &link);
end:
	free(ln);
	lay_text_release(&t);
	gaz_buf_release(&entry);
	return rc;
}

static int contents(struct build *b)
{
	struct lay *y = &b->y;
	const struct gaz_issue *is = y->is;
	struct lay_style title = style(GAZ_ROLE_TITLE, TITLE_SIZE, TITLE_SIZE, BLACK);
	struct lay_style sec = style(GAZ_ROLE_HEADING, BODY_SIZE, 0, BLACK);
	size_t s, i;
	int rc;

	y->pl = &b->toc;
	if ((rc = lay_new_page(y)))
		return rc;
	y->src_file = "contents";
	y->src_line = 0;
	if ((rc = lay_string(y, "目录", &title, PAGE_LEFT + BODY_W / 2,
			     lay_baseline(y->top, TITLE_PITCH * 1.5f, TITLE_SIZE), LAY_CENTER,
			     NULL)))
		return rc;
	y->top += TITLE_PITCH * 2;
	for (s = 0; s <= is->cfg.n_sections; s++) {
		const char *name = s < is->cfg.n_sections ? is->cfg.sections[s] : NULL;
		int any = 0;
		for (i = 0; i < is->n_docs; i++) {
			const char *ds = is->docs[i].section.value;
			int match = name ? ds && !strcmp(ds, name) : 0;
			if (!match)
				continue;
			if (!any) {
				y->src_file = is->cfg.file;
				y->src_line = is->cfg.section_lines ? is->cfg.section_lines[s] : 0;
				if ((rc = lay_need(y, BODY_PITCH + 2 * TOC_PITCH)))
					return rc;
				if (y->top > PAGE_TOP + TITLE_PITCH * 2 + 1)
					y->top += TOC_PITCH / 2;
				if ((rc = lay_string(y, name, &sec, PAGE_LEFT,
						     lay_baseline(y->top, BODY_PITCH, BODY_SIZE),
						     LAY_LEFT, NULL)))
					return rc;
				y->top += BODY_PITCH;
				any = 1;
			}
			if ((rc = toc_entry(b, i)))
				return rc;
		}
	}
	return 0;
}

/* ---- cover and back page -------------------------------------------------- */

static int cover(struct build *b)
{
	struct lay *y = &b->y;
	const struct gaz_issue_config *c = &y->is->cfg;
	const char *name = gaz_fv(&c->name);
	size_t nc = gaz_utf8_count(name, strlen(name));
	float size = nc ? BODY_W / ((float)nc * 1.3f) : 60;
	struct lay_style red, iss, hei, kai, body;
	struct lay_para p;
	char buf[200];
	size_t i;
	float cx = PAGE_LEFT + BODY_W / 2;
	int rc;

	if (size > 64)
		size = 64;
	red = style(GAZ_ROLE_TITLE, size, size * 0.3f, RED);
	iss = style(GAZ_ROLE_TITLE, 20, 0, BLACK);
	hei = style(GAZ_ROLE_HEADING, BODY_SIZE, BODY_SIZE * 0.5f, BLACK);
	kai = style(GAZ_ROLE_KAI, TOC_SIZE, 0, BLACK);
	body = style(GAZ_ROLE_BODY, TOC_SIZE, 0, BLACK);
	y->pl = &b->cover;
	if ((rc = lay_new_page(y)))
		return rc;
	y->src_file = c->file;
	y->src_line = c->name.line;
	/* 红头: the name in red, letter-spaced. */
	if ((rc = lay_string(y, name, &red, cx, lay_pdf_y(75 * MM), LAY_CENTER,
			     NULL)))
		return rc;
	y->src_line = c->number.line;
	if ((rc = lay_string(y, b->issue_line, &iss, cx, lay_pdf_y(97 * MM), LAY_CENTER, NULL)))
		return rc;
	if ((rc = lay_rule(y, PAGE_LEFT, 106 * MM, PAGE_LEFT + BODY_W, 2.5f, RED)) ||
	    (rc = lay_rule(y, PAGE_LEFT, 106 * MM + 3.5f, PAGE_LEFT + BODY_W, 0.75f, RED)))
		return rc;
	/* 本期要目: as many titles as fit above the imprint. */
	y->top = 118 * MM;
	y->src_file = "cover";
	y->src_line = 0;
	if ((rc = lay_string(y, "本期要目", &hei, PAGE_LEFT, lay_baseline(y->top, BODY_PITCH,
								BODY_SIZE), LAY_LEFT, NULL)))
		return rc;
	y->top += BODY_PITCH + 4;
	memset(&p, 0, sizeof p);
	p.left = 2 * TOC_SIZE;
	p.measure = BODY_W - 4 * TOC_SIZE;
	p.hang = TOC_SIZE; /* a title's later lines hang: the entries stay apart */
	p.align = LAY_JUSTIFY;
	p.pitch = TOC_PITCH;
	for (i = 0; i < y->is->n_docs; i++) {
		const struct gaz_doc *d = &y->is->docs[i];
		struct lay_text t;
		struct gaz_lb_line *ln = NULL;
		size_t nl = 0;

		y->src_file = d->file;
		y->src_line = d->title.line;
		if ((rc = lay_text_prepare(y, gaz_fv(&d->title), strlen(gaz_fv(&d->title)), &kai,
					   NULL, 0, &t)))
			return rc;
		rc = gaz_lb_fit(t.ch, t.n, t.brk, p.measure, 0, p.hang, 1, &ln, &nl);
		free(ln);
		if (!rc && y->top + (float)nl * TOC_PITCH > 238 * MM) {
			lay_text_release(&t);
			break;
		}
		if (!rc)
			rc = lay_para(y, &t, &p, NULL, NULL);
		lay_text_release(&t);
		if (rc)
			return rc;
		y->top += 3;
	}
	if ((rc = lay_rule(y, PAGE_LEFT, 246 * MM, PAGE_LEFT + BODY_W, 0.75f, RED)))
		return rc;
	y->src_file = c->file;
	y->src_line = c->publisher.line;
	if (c->publisher.value) {
		snprintf(buf, sizeof buf, "%s 主办", c->publisher.value);
		if ((rc = lay_string(y, buf, &body, cx, lay_pdf_y(256 * MM), LAY_CENTER, NULL)))
			return rc;
	}
	y->src_line = c->date.line;
	snprintf(buf, sizeof buf, "%s出版", b->date_cn);
	return lay_string(y, buf, &body, cx, lay_pdf_y(264 * MM), LAY_CENTER, NULL);
}

static int back_page(struct build *b)
{
	struct lay *y = &b->y;
	const struct gaz_issue_config *c = &y->is->cfg;
	const struct {
		const char *label;
		const struct gaz_field *f;
	} rows[] = {
		{ "主办", &c->publisher }, { "编辑出版", &c->editor }, { "地址", &c->address },
		{ "邮编", &c->postcode }, { "电话", &c->phone }, { "网址", &c->url },
		{ "出版日期", &c->date },
	};
	const float rh = 28, lw = 6 * TOC_SIZE;
	struct lay_style name = style(GAZ_ROLE_TITLE, 26, 26 * 0.2f, BLACK);
	struct lay_style iss = style(GAZ_ROLE_BODY, TOC_SIZE, 0, BLACK);
	struct lay_style lab = style(GAZ_ROLE_HEADING, TOC_SIZE, 0, BLACK);
	struct lay_style val = style(GAZ_ROLE_BODY, TOC_SIZE, 0, BLACK);
	float cx = PAGE_LEFT + BODY_W / 2, top, t0, x1 = PAGE_LEFT + CH, x2 = PAGE_LEFT + BODY_W - CH;
	size_t i, n = 0;
	int rc;

	y->pl = &b->back;
	if ((rc = lay_new_page(y)))
		return rc;
	y->src_file = c->file;
	y->src_line = c->name.line;
	if ((rc = lay_string(y, gaz_fv(&c->name), &name, cx,
			     lay_pdf_y(150 * MM), LAY_CENTER, NULL)))
		return rc;
	y->src_line = c->number.line;
	if ((rc = lay_string(y, b->issue_line, &iss, cx, lay_pdf_y(162 * MM), LAY_CENTER, NULL)))
		return rc;
	t0 = top = 175 * MM;
	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		const char *v = rows[i].f->value;
		struct lay_style fit = val;
		float w, base;
		size_t lc;
		char d[64];

		if (!v || !*v)
			continue;
		if (rows[i].f == &c->date) {
			date_cn(v, d, sizeof d);
			v = d;
		}
		y->src_line = rows[i].f->line;
		base = lay_baseline(top, rh, TOC_SIZE);
		/* Label spread over four characters (主　　办). */
		lc = gaz_utf8_count(rows[i].label, strlen(rows[i].label));
		lab.track = lc > 1 ? (4 - (float)lc) * TOC_SIZE / (float)(lc - 1) : 0;
		if ((rc = lay_string(y, rows[i].label, &lab, x1 + TOC_SIZE, base, LAY_LEFT, NULL)))
			return rc;
		if ((rc = lay_string_width(y, v, &fit, &w)))
			return rc;
		if (w > x2 - x1 - lw - 2 * TOC_SIZE)
			fit.size = fit.size * (x2 - x1 - lw - 2 * TOC_SIZE) / w;
		if ((rc = lay_string(y, v, &fit, x1 + lw + TOC_SIZE, base, LAY_LEFT, NULL)))
			return rc;
		if (n && (rc = lay_rule(y, x1, top, x2, 0.5f, BLACK)))
			return rc;
		top += rh;
		n++;
	}
	/* The box: outer frame and the label column. */
	if ((rc = lay_rule(y, x1, t0, x2, 1, BLACK)) || (rc = lay_rule(y, x1, top, x2, 1, BLACK)))
		return rc;
	{
		struct gaz_item it;
		float xs[3] = { x1, x1 + lw, x2 };
		memset(&it, 0, sizeof it);
		it.kind = GAZ_ITEM_LINE;
		it.color = BLACK;
		it.y = lay_pdf_y(t0 - 0.5f);
		it.y2 = lay_pdf_y(top + 0.5f);
		for (i = 0; i < 3; i++) {
			it.x = it.x2 = xs[i];
			it.size = i == 1 ? 0.5f : 1;
			if ((rc = lay_add(y, &it)))
				return rc;
		}
	}
	y->src_line = c->date.line;
	{
		char line[400];
		snprintf(line, sizeof line, "%s　%s　%s出版", gaz_fv(&c->name), b->issue_line,
			 b->date_cn);
		return lay_string(y, line, &iss, cx, lay_pdf_y(top + 12 * MM), LAY_CENTER, NULL);
	}
}

/* ---- running heads, page numbers ------------------------------------------ */

static int page_number(struct lay *y, const char *num, int odd)
{
	struct lay_style st = style(GAZ_ROLE_BODY, NUM_SIZE, 0, BLACK);
	char buf[48];
	float base = lay_pdf_y(PAGE_TOP + BODY_H + 7 * MM + NUM_SIZE * 0.88f);

	/* 一字线 each side; odd pages right, even left, one character in
	 * (9704 §7.5). */
	snprintf(buf, sizeof buf, "— %s —", num);
	y->src_file = "page number";
	y->src_line = 0;
	return odd ? lay_string(y, buf, &st, PAGE_LEFT + BODY_W - NUM_SIZE, base, LAY_RIGHT, NULL)
		   : lay_string(y, buf, &st, PAGE_LEFT + NUM_SIZE, base, LAY_LEFT, NULL);
}

static int running_head(struct build *b, const char *section, int odd)
{
	struct lay *y = &b->y;
	struct lay_style st = style(GAZ_ROLE_BODY, HEAD_SIZE, 0, BLACK);
	float base = lay_pdf_y(PAGE_TOP - 9 * MM);
	int rc;

	y->src_file = y->is->cfg.file;
	y->src_line = y->is->cfg.name.line;
	if ((rc = lay_string(y, b->head_line, &st, odd ? PAGE_LEFT + BODY_W : PAGE_LEFT, base,
			     odd ? LAY_RIGHT : LAY_LEFT, NULL)))
		return rc;
	if (section && (rc = lay_string(y, section, &st, odd ? PAGE_LEFT : PAGE_LEFT + BODY_W,
					base, odd ? LAY_LEFT : LAY_RIGHT, NULL)))
		return rc;
	return lay_rule(y, PAGE_LEFT, PAGE_TOP - 7 * MM, PAGE_LEFT + BODY_W, 0.75f, RED);
}

static int decorate(struct build *b)
{
	struct lay *y = &b->y;
	struct plist tmp;
	char num[32];
	size_t i, d = 0;
	int rc;

	for (i = 0; i < b->toc.n; i++) {
		tmp.v = &b->toc.v[i];
		tmp.n = tmp.cap = 1;
		y->pl = &tmp;
		roman((int)i + 1, num, sizeof num);
		if ((rc = page_number(y, num, !(i & 1))))
			return rc;
	}
	for (i = 0; i < b->docs.n; i++) {
		int odd = !(i & 1); /* printed number i + 1 */
		while (d + 1 < y->is->n_docs && (size_t)b->spans[d].last < i)
			d++;
		tmp.v = &b->docs.v[i];
		tmp.n = tmp.cap = 1;
		y->pl = &tmp;
		snprintf(num, sizeof num, "%zu", i + 1);
		if ((rc = running_head(b, y->is->docs[d].section.value, odd)) ||
		    (rc = page_number(y, num, odd)))
			return rc;
	}
	return 0;
}

/* ---- assembly ---------------------------------------------------------------- */

/* The watermark item: text, size ~40 pt, the configured angle, its colour
 * the red-grey ink mixed with white by the configured opacity (PDF/A-1
 * has no transparency), in a face that draws every character. */
static int watermark(struct build *b)
{
	const struct gaz_issue_config *c = &b->y.is->cfg;
	const char *s = c->watermark.value;
	const struct gaz_color ink = { 0.70f, 0.30f, 0.30f };
	double op = c->opacity, angle = c->angle; /* parsed by the loader, ranged by check */
	size_t n, i, j, k = 0, cnt;
	int f, face = -1, cand[2 + GAZ_FONT_MAX_FACES];
	uint32_t cp;

	if (!s || !*s)
		return 0;
	n = strlen(s);
	/* The heading face, the title face, then any face that draws it all. */
	cand[0] = gaz_fontset_pick(b->y.fs, GAZ_ROLE_HEADING, 0x4E00);
	cand[1] = gaz_fontset_pick(b->y.fs, GAZ_ROLE_TITLE, 0x4E00);
	for (f = 0; f < gaz_fontset_count(b->y.fs) && f < GAZ_FONT_MAX_FACES; f++)
		cand[2 + f] = f;
	for (j = 0; j < 2 + (size_t)f && face < 0; j++) {
		int ok = cand[j] >= 0;
		for (i = 0; i < n && ok; i += k) {
			k = gaz_utf8_decode((const unsigned char *)s + i, n - i, &cp);
			if (!k)
				return gaz_fail(GAZ_EFORMAT, "%s:%d: 水印 is not UTF-8", c->file,
						c->watermark.line);
			if (!gaz_text_is_space(cp) && gaz_fontset_advance(b->y.fs, cand[j], cp) <= 0)
				ok = 0;
		}
		if (ok)
			face = cand[j];
	}
	if (face < 0) {
		for (i = 0; i < n; i += k) {
			k = gaz_utf8_decode((const unsigned char *)s + i, n - i, &cp);
			if (!gaz_text_is_space(cp) && gaz_fontset_pick(b->y.fs, GAZ_ROLE_HEADING, cp) < 0)
				break;
		}
		return gaz_fail(GAZ_EFONT, "%s:%d: 水印: no font draws U+%04X", c->file,
				c->watermark.line, i < n ? (unsigned)cp : 0u);
	}
	cnt = gaz_utf8_count(s, n);
	memset(&b->y.wm, 0, sizeof b->y.wm);
	b->y.wm.kind = GAZ_ITEM_WATERMARK;
	b->y.wm.x = GAZ_A4_WIDTH / 2;
	b->y.wm.y = GAZ_A4_HEIGHT / 2;
	b->y.wm.size = cnt && 40.0f * (float)cnt > 680 ? 680 / (float)cnt : 40;
	b->y.wm.angle = (float)angle;
	b->y.wm.face = face;
	b->y.wm.color.r = (float)(1 - op * (1 - ink.r));
	b->y.wm.color.g = (float)(1 - op * (1 - ink.g));
	b->y.wm.color.b = (float)(1 - op * (1 - ink.b));
	b->y.wm.text = (char *)s; /* copied by gaz_page_add */
	return 0;
}

static void plist_release(struct plist *pl)
{
	size_t i, j;

	for (i = 0; i < pl->n; i++) {
		for (j = 0; j < pl->v[i].n; j++)
			free(pl->v[i].items[j].text);
		free(pl->v[i].items);
	}
	free(pl->v);
	memset(pl, 0, sizeof *pl);
}

static int add_label(struct gaz_layout *L, int first, enum gaz_label_style st, const char *pfx)
{
	struct gaz_label_range *r = &L->labels[L->n_labels];

	r->first_page = first;
	r->style = st;
	r->start = 1;
	r->prefix = NULL;
	if (pfx && !(r->prefix = strdup(pfx)))
		return GAZ_ENOMEM;
	L->n_labels++;
	return 0;
}

/* Joins the lists into out, shifting document page references. */
static int assemble(struct build *b, struct gaz_layout *out)
{
	const struct gaz_issue *is = b->y.is;
	struct gaz_layout L;
	struct plist *lists[4] = { &b->cover, &b->toc, &b->docs, &b->back };
	/* the lists are emptied into L below: their sizes are kept here */
	int n_cover = (int)b->cover.n, shift = (int)(b->cover.n + b->toc.n);
	size_t i, j, n = 0, sec;
	int rc = GAZ_ENOMEM;

	memset(&L, 0, sizeof L);
	L.page_w = GAZ_A4_WIDTH;
	L.page_h = GAZ_A4_HEIGHT;
	for (i = 0; i < 4; i++)
		n += lists[i]->n;
	if (!(L.pages = calloc(n, sizeof *L.pages)) ||
	    !(L.labels = calloc(4, sizeof *L.labels)) ||
	    !(L.docs = calloc(is->n_docs ? is->n_docs : 1, sizeof *L.docs)) ||
	    !(L.outlines = calloc(b->ol.n + is->n_docs + 1, sizeof *L.outlines)))
		goto fail;
	/* TOC links point into the document list. */
	for (i = 0; i < b->toc.n; i++)
		for (j = 0; j < b->toc.v[i].n; j++)
			if (b->toc.v[i].items[j].kind == GAZ_ITEM_LINK)
				b->toc.v[i].items[j].dest_page += shift;
	for (i = 0; i < 4; i++) {
		memcpy(L.pages + L.n_pages, lists[i]->v, lists[i]->n * sizeof *L.pages);
		L.n_pages += lists[i]->n;
		free(lists[i]->v);
		memset(lists[i], 0, sizeof *lists[i]);
	}
	for (i = 0; i < is->n_docs; i++) {
		L.docs[i].first = b->spans[i].first + shift;
		L.docs[i].last = b->spans[i].last + shift;
	}
	L.n_docs = is->n_docs;
	/* Bookmarks: 目录, then per section its documents and their 一、
	 * headings (already in order in b->ol: level 1 then its level 2s). */
	if (!(L.outlines[L.n_outlines].title = strdup("目录")))
		goto fail;
	L.outlines[L.n_outlines].level = 0;
	L.outlines[L.n_outlines].page = n_cover;
	L.outlines[L.n_outlines++].y = lay_pdf_y(PAGE_TOP);
	sec = (size_t)-1;
	for (i = 0, j = 0; i < b->ol.n; i++) {
		struct gaz_outline o = b->ol.v[i];
		if (o.level == 1) {
			const char *s = is->docs[j].section.value;
			size_t k;
			for (k = 0; k < is->cfg.n_sections && (!s || strcmp(s, is->cfg.sections[k]));
			     k++)
				;
			if (k != sec && k < is->cfg.n_sections) {
				if (!(L.outlines[L.n_outlines].title = strdup(is->cfg.sections[k])))
					goto fail;
				L.outlines[L.n_outlines].level = 0;
				L.outlines[L.n_outlines].page = o.page + shift;
				L.outlines[L.n_outlines++].y = o.y;
				sec = k;
			}
			j++;
		}
		o.page += shift;
		L.outlines[L.n_outlines++] = o;
		b->ol.v[i].title = NULL;
	}
	if ((rc = add_label(&L, 0, GAZ_LABEL_NONE, "封面")) ||
	    (rc = add_label(&L, n_cover, GAZ_LABEL_ROMAN_LOWER, NULL)) ||
	    (is->n_docs && (rc = add_label(&L, shift, GAZ_LABEL_DECIMAL, NULL))) ||
	    (rc = add_label(&L, (int)(L.n_pages - 1), GAZ_LABEL_NONE, "封底")))
		goto fail;
	*out = L;
	return 0;
fail:
	gaz_layout_release(&L);
	return rc;
}

int gaz_layout_issue(const struct gaz_issue *is, const struct gaz_fontset *fs,
		     struct gaz_layout *out)
{
	struct build b;
	char num[64];
	size_t i;
	int rc;

	memset(&b, 0, sizeof b);
	b.y.is = is;
	b.y.fs = fs;
	if (!is->n_docs)
		return gaz_fail(GAZ_EINVAL, "%s: the issue has no documents", is->dir);
	if (!(b.spans = calloc(is->n_docs, sizeof *b.spans)))
		return GAZ_ENOMEM;
	snprintf(b.issue_line, sizeof b.issue_line, "%s年第%s期（总第%s期）",
		 gaz_fv(&is->cfg.year), gaz_fv(&is->cfg.number), gaz_fv(&is->cfg.cumulative));
	snprintf(num, sizeof num, "%s年第%s期", gaz_fv(&is->cfg.year), gaz_fv(&is->cfg.number));
	snprintf(b.head_line, sizeof b.head_line, "%s · %s", gaz_fv(&is->cfg.name), num);
	date_cn(gaz_fv(&is->cfg.date), b.date_cn, sizeof b.date_cn);
	if ((rc = watermark(&b)))
		goto end;
	b.y.pl = &b.docs;
	for (i = 0; i < is->n_docs; i++)
		if ((rc = document(&b, i)))
			goto end;
	if ((rc = contents(&b)) || (rc = cover(&b)) || (rc = back_page(&b)) ||
	    (rc = decorate(&b)))
		goto end;
	rc = assemble(&b, out);
end:
	lay_release(&b.y);
	plist_release(&b.cover);
	plist_release(&b.toc);
	plist_release(&b.docs);
	plist_release(&b.back);
	for (i = 0; i < b.ol.n; i++)
		free(b.ol.v[i].title);
	free(b.ol.v);
	free(b.spans);
	return rc;
}

int gaz_page_add(struct gaz_page *p, const struct gaz_item *it)
{
	struct gaz_item c = *it;

	if (p->n == p->cap) {
		size_t nc = p->cap ? p->cap * 2 : 64;
		struct gaz_item *nv = realloc(p->items, nc * sizeof *nv);
		if (!nv)
			return GAZ_ENOMEM;
		p->items = nv;
		p->cap = nc;
	}
	if (it->text && !(c.text = strdup(it->text)))
		return GAZ_ENOMEM;
	p->items[p->n++] = c;
	return 0;
}

void gaz_layout_release(struct gaz_layout *l)
{
	size_t i, j;

	if (!l)
		return;
	for (i = 0; i < l->n_pages; i++) {
		for (j = 0; j < l->pages[i].n; j++)
			free(l->pages[i].items[j].text);
		free(l->pages[i].items);
	}
	free(l->pages);
	for (i = 0; i < l->n_outlines; i++)
		free(l->outlines[i].title);
	free(l->outlines);
	for (i = 0; i < l->n_labels; i++)
		free(l->labels[i].prefix);
	free(l->labels);
	free(l->docs);
	memset(l, 0, sizeof *l);
}

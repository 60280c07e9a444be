/*
 * gaz_render_pdf(): the display list drawn with libharu.  Fonts live in
 * pdfout_font.c, document-level objects in pdfout_meta.c; this file draws
 * the pages (text, lines, rectangles, QR codes, links, the watermark as
 * glyph outlines), then saves and stamps a content-derived /ID.
 */
#include "gazette/pdfout.h"

#include "gazette/dl/deflate.h"
#include "gazette/dl/hb.h"
#include "gazette/dl/qrencode.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "gazette/dl/m.h" /* last: it #defines log, sin, cos... */

#define QR_QUIET_MODULES 4
#define READ_CHUNK 65536
/* Placeholder /ID bytes, replaced after saving by a hash of the file. */
static const unsigned char ID_PLACEHOLDER[16] = "gazette-id-slot!";

static void on_error(HPDF_STATUS code, HPDF_STATUS detail, void *user)
{
	struct pdfout_err *e = user;

	if (!e->code) {
		e->code = code;
		e->detail = detail;
	}
}

/* What the content stream has set, so each operator is written once. */
struct pen {
	int in_text;
	double tx, ty; /* start of the current text line */
	HPDF_Font font;
	float size, cs;
	int fill_set, stroke_set, lw_set;
	struct gaz_color fill, stroke;
	float lw;
};

static int same_color(struct gaz_color a, struct gaz_color b)
{
	return a.r == b.r && a.g == b.g && a.b == b.b;
}

static float clamp01(float v)
{
	return v < 0 ? 0 : v > 1 ? 1 : v;
}

static void set_fill(HPDF_Page pg, struct pen *p, struct gaz_color c)
{
	if (p->fill_set && same_color(p->fill, c))
		return;
	HPDF_Page_SetRGBFill(pg, clamp01(c.r), clamp01(c.g), clamp01(c.b));
	p->fill = c;
	p->fill_set = 1;
}

static void set_stroke(HPDF_Page pg, struct pen *p, struct gaz_color c, float lw)
{
	if (!p->stroke_set || !same_color(p->stroke, c)) {
		HPDF_Page_SetRGBStroke(pg, clamp01(c.r), clamp01(c.g), clamp01(c.b));
		p->stroke = c;
		p->stroke_set = 1;
	}
	if (!p->lw_set || p->lw != lw) {
		HPDF_Page_SetLineWidth(pg, lw);
		p->lw = lw;
		p->lw_set = 1;
	}
}

static void end_text(HPDF_Page pg, struct pen *p)
{
	if (p->in_text)
		HPDF_Page_EndText(pg);
	p->in_text = 0;
}

/* Locale-independent decimal with at most `dec` (≤ 6) decimals, followed
 * by a space; returns the length written to buf (≥ 48 bytes). */
static size_t fmt_num(char *buf, double v, int dec)
{
	static const long long pow10[] = { 1, 10, 100, 1000, 10000, 100000, 1000000 };
	long long scale = pow10[dec], t = llround(v * (double)scale), ip, fp;
	char tmp[48], *e = tmp + sizeof tmp, *q = e;
	int neg = t < 0;

	if (neg)
		t = -t;
	ip = t / scale;
	fp = t % scale;
	*--q = ' ';
	if (fp) {
		int d = dec;
		while (fp % 10 == 0)
			fp /= 10, d--;
		while (d-- > 0)
			*--q = (char)('0' + fp % 10), fp /= 10;
		*--q = '.';
	}
	do
		*--q = (char)('0' + ip % 10);
	while ((ip /= 10) > 0);
	if (neg)
		*--q = '-';
	memcpy(buf, q, (size_t)(e - q));
	return (size_t)(e - q);
}

/* One byte of a 2-byte code in a literal string: bytes as they are (half the
 * size of hex before compression, and faster to deflate), escaped where the
 * string syntax needs it — the delimiters, the backslash, and the two
 * end-of-line bytes a reader would otherwise normalise (ISO 32000-1 7.3.4.2). */
static size_t put_code(char *buf, size_t o, unsigned char b)
{
	switch (b) {
	case '(': case ')': case '\\':
		buf[o++] = '\\';
		buf[o++] = (char)b;
		break;
	case '\r':
		buf[o++] = '\\';
		buf[o++] = 'r';
		break;
	case '\n':
		buf[o++] = '\\';
		buf[o++] = 'n';
		break;
	default:
		buf[o++] = (char)b;
	}
	return o;
}

/* Td and Tj are written straight into the page's content stream: libharu's
 * TextOut would measure every string (a linear cmap search per character)
 * only to track a text position this writer tracks itself, and would
 * re-parse the UTF-8 to make the same 2-byte codes.  Font, Tc and colour
 * still go through libharu, which records the font resource. */
static int draw_text(HPDF_Page pg, struct pen *p, const struct gaz_item *it, HPDF_Font font)
{
	HPDF_PageAttr attr = (HPDF_PageAttr)pg->attr;
	const unsigned char *s = (const unsigned char *)it->text;
	float cs = it->char_space;
	char buf[256];
	double dx, dy;
	size_t n = strlen(it->text), k, w, o;
	uint32_t cp;

	/* libharu's accepted range for Tc. */
	if (cs < HPDF_MIN_CHARSPACE)
		cs = HPDF_MIN_CHARSPACE;
	if (cs > HPDF_MAX_CHARSPACE)
		cs = HPDF_MAX_CHARSPACE;
	if (!p->in_text) {
		HPDF_Page_BeginText(pg);
		p->in_text = 1;
		p->tx = p->ty = 0;
	}
	if (p->font != font || p->size != it->size) {
		HPDF_Page_SetFontAndSize(pg, font, it->size);
		p->font = font;
		p->size = it->size;
	}
	if (p->cs != cs) {
		HPDF_Page_SetCharSpace(pg, cs);
		p->cs = cs;
	}
	set_fill(pg, p, it->color);
	/* Td moves from the start of the previous line (identity after BT). */
	/* Rounded to what is written, so errors do not add up down a page. */
	dx = (double)llround(((double)it->x - p->tx) * 1000) / 1000;
	dy = (double)llround(((double)it->y - p->ty) * 1000) / 1000;
	o = fmt_num(buf, dx, 3);
	o += fmt_num(buf + o, dy, 3);
	memcpy(buf + o, "Td\n(", 4);
	o += 4;
	for (k = 0; k < n; k += w) {
		if (o + 8 > sizeof buf) {
			if (HPDF_Stream_Write(attr->stream, (HPDF_BYTE *)buf, (HPDF_UINT)o))
				return gaz_fail(GAZ_EPDF, "cannot write text");
			o = 0;
		}
		/* pdfout_fonts_collect() checked: valid UTF-8, BMP only. */
		if (!(w = gaz_utf8_decode(s + k, n - k, &cp)))
			return gaz_fail(GAZ_EINVAL, "text is not UTF-8");
		o = put_code(buf, o, (unsigned char)(cp >> 8));
		o = put_code(buf, o, (unsigned char)(cp & 0xff));
	}
	memcpy(buf + o, ") Tj\n", 5);
	o += 5;
	if (HPDF_Stream_Write(attr->stream, (HPDF_BYTE *)buf, (HPDF_UINT)o))
		return gaz_fail(GAZ_EPDF, "cannot write text");
	p->tx += dx;
	p->ty += dy;
	return 0;
}

static void draw_line(HPDF_Page pg, struct pen *p, const struct gaz_item *it)
{
	end_text(pg, p);
	set_stroke(pg, p, it->color, it->size > 0 ? it->size : 1);
	HPDF_Page_MoveTo(pg, it->x, it->y);
	HPDF_Page_LineTo(pg, it->x2, it->y2);
	HPDF_Page_Stroke(pg);
}

/* A `re` path written straight into the content stream, as libharu's
 * HPDF_Page_Rectangle would (it spends ~3,700 instructions formatting each:
 * a QR code is hundreds).  Outside a path or page description (never the
 * case here) libharu's own call reports the misuse. */
static void put_rect(HPDF_Page pg, float x, float y, float w, float h)
{
	HPDF_PageAttr attr = (HPDF_PageAttr)pg->attr;
	char buf[128];
	size_t o;

	if (attr->gmode != HPDF_GMODE_PAGE_DESCRIPTION && attr->gmode != HPDF_GMODE_PATH_OBJECT) {
		HPDF_Page_Rectangle(pg, x, y, w, h);
		return;
	}
	o = fmt_num(buf, x, 4);
	o += fmt_num(buf + o, y, 4);
	o += fmt_num(buf + o, w, 4);
	o += fmt_num(buf + o, h, 4);
	memcpy(buf + o, "re\n", 3);
	o += 3;
	/* A failed write is reported through the document's error handler. */
	if (HPDF_Stream_Write(attr->stream, (HPDF_BYTE *)buf, (HPDF_UINT)o))
		return;
	attr->cur_pos.x = x;
	attr->cur_pos.y = y;
	attr->str_pos = attr->cur_pos;
	attr->gmode = HPDF_GMODE_PATH_OBJECT;
}

static void fill_rect(HPDF_Page pg, float x, float y, float x2, float y2)
{
	put_rect(pg, fminf(x, x2), fminf(y, y2), fabsf(x2 - x), fabsf(y2 - y));
}

static void draw_rect(HPDF_Page pg, struct pen *p, const struct gaz_item *it)
{
	end_text(pg, p);
	set_fill(pg, p, it->color);
	fill_rect(pg, it->x, it->y, it->x2, it->y2);
	HPDF_Page_Fill(pg);
}

/* QR code, ECC level M, with a 4-module quiet zone inside the square;
 * each run of dark modules in a row is one rectangle. */
static int draw_qr(HPDF_Page pg, struct pen *p, const struct gaz_item *it)
{
	static const struct gaz_color white = { 1, 1, 1 };
	float x0 = fminf(it->x, it->x2), y0 = fminf(it->y, it->y2);
	float side = fminf(fabsf(it->x2 - it->x), fabsf(it->y2 - it->y)), m;
	QRcode *qr;
	int r, c, run;

	if (!it->text || !*it->text)
		return gaz_fail(GAZ_EINVAL, "QR code without a payload");
	if ((r = gaz_dl_qrencode()))
		return r;
	if (!(qr = QRcode_encodeString(it->text, 0, QR_ECLEVEL_M, QR_MODE_8, 1)))
		return gaz_fail(GAZ_EINVAL, "cannot encode \"%s\" as a QR code", it->text);
	end_text(pg, p);
	m = side / (float)(qr->width + 2 * QR_QUIET_MODULES);
	set_fill(pg, p, white);
	put_rect(pg, x0, y0, side, side);
	HPDF_Page_Fill(pg);
	set_fill(pg, p, it->color);
	for (r = 0; r < qr->width; r++) {
		float top = y0 + side - (float)(QR_QUIET_MODULES + r) * m;
		for (c = 0; c < qr->width; c = run) {
			run = c;
			while (run < qr->width && (qr->data[r * qr->width + run] & 1))
				run++;
			if (run > c)
				put_rect(pg, x0 + (float)(QR_QUIET_MODULES + c) * m, top - m,
					 (float)(run - c) * m, m);
			else
				run++;
		}
	}
	HPDF_Page_Fill(pg);
	QRcode_free(qr);
	return 0;
}

static int draw_link(HPDF_Page pg, const struct gaz_item *it, HPDF_Page *pages, size_t n)
{
	HPDF_Rect rect;
	HPDF_Destination dst;
	HPDF_Annotation a;

	if (it->dest_page < 0 || (size_t)it->dest_page >= n)
		return gaz_fail(GAZ_EINVAL, "link to page %d of %zu", it->dest_page + 1, n);
	rect.left = fminf(it->x, it->x2);
	rect.right = fmaxf(it->x, it->x2);
	rect.bottom = fminf(it->y, it->y2);
	rect.top = fmaxf(it->y, it->y2);
	if (!(dst = HPDF_Page_CreateDestination(pages[it->dest_page])) ||
	    HPDF_Destination_SetFitH(dst, it->dest_y) ||
	    !(a = HPDF_Page_CreateLinkAnnot(pg, rect, dst)) ||
	    HPDF_LinkAnnot_SetBorderStyle(a, 0, 0, 0) ||
	    /* PDF/A-1 §6.5.3: annotations print. */
	    HPDF_Dict_AddNumber(a, "F", 4))
		return gaz_fail(GAZ_EPDF, "cannot write a link");
	return 0;
}

/* ---- watermark: glyph outlines as paths, once per document -------- */

#define WM_MAX_FORMS 8
#define WM_MAX_BYTES ((size_t)4 << 20)

/* A watermark is drawn into a Form XObject the first time it is met and
 * painted with one "Do" on every page after: the outlines of a few
 * ideographs are ~25 KB of path operators, which would otherwise be
 * repeated per page. */
struct wm_form {
	const struct gaz_item *item; /* the first item drawn with this form */
	HPDF_Dict form;
};

struct wm_cache {
	struct wm_form v[WM_MAX_FORMS];
	int n;
	hb_draw_funcs_t *df;
};

/* Where glyph outlines go: the form's content, offset by the glyph's pen
 * position in font units. */
struct wm {
	struct gaz_buf *b;
	double dx, dy;
	int drawn, err;
};

static void put_num(struct wm *w, double v, int dec)
{
	char buf[48];
	size_t n = fmt_num(buf, v, dec);

	if (!w->err)
		w->err = gaz_buf_add(w->b, buf, n);
}

static void put_pt(struct wm *w, double x, double y)
{
	put_num(w, x + w->dx, 1);
	put_num(w, y + w->dy, 1);
}

static void put_op(struct wm *w, const char *op)
{
	if (!w->err)
		w->err = gaz_buf_addstr(w->b, op);
}

static void wm_move(hb_draw_funcs_t *df, void *d, hb_draw_state_t *st, float x, float y,
		    void *u)
{
	put_pt(d, x, y);
	put_op(d, "m\n");
	((struct wm *)d)->drawn = 1;
}

static void wm_line(hb_draw_funcs_t *df, void *d, hb_draw_state_t *st, float x, float y,
		    void *u)
{
	put_pt(d, x, y);
	put_op(d, "l\n");
}

/* TrueType quadratics become the cubic with control points 2/3 of the
 * way from each end to the quadratic control point. */
static void wm_quad(hb_draw_funcs_t *df, void *d, hb_draw_state_t *st, float cx, float cy,
		    float x, float y, void *u)
{
	double x0 = st->current_x, y0 = st->current_y;

	put_pt(d, x0 + 2.0 / 3 * (cx - x0), y0 + 2.0 / 3 * (cy - y0));
	put_pt(d, x + 2.0 / 3 * (cx - x), y + 2.0 / 3 * (cy - y));
	put_pt(d, x, y);
	put_op(d, "c\n");
}

static void wm_cubic(hb_draw_funcs_t *df, void *d, hb_draw_state_t *st, float c1x,
		     float c1y, float c2x, float c2y, float x, float y, void *u)
{
	put_pt(d, c1x, c1y);
	put_pt(d, c2x, c2y);
	put_pt(d, x, y);
	put_op(d, "c\n");
}

static void wm_close(hb_draw_funcs_t *df, void *d, hb_draw_state_t *st, void *u)
{
	put_op(d, "h\n");
}

static hb_draw_funcs_t *wm_funcs(void)
{
	hb_draw_funcs_t *f = hb_draw_funcs_create();

	hb_draw_funcs_set_move_to_func(f, wm_move, NULL, NULL);
	hb_draw_funcs_set_line_to_func(f, wm_line, NULL, NULL);
	hb_draw_funcs_set_quadratic_to_func(f, wm_quad, NULL, NULL);
	hb_draw_funcs_set_cubic_to_func(f, wm_cubic, NULL, NULL);
	hb_draw_funcs_set_close_path_func(f, wm_close, NULL, NULL);
	hb_draw_funcs_make_immutable(f);
	return f;
}

static int same_watermark(const struct gaz_item *a, const struct gaz_item *b)
{
	return a->face == b->face && a->x == b->x && a->y == b->y && a->size == b->size &&
	       a->angle == b->angle && same_color(a->color, b->color) &&
	       !strcmp(a->text, b->text);
}

/* The form: fill colour, a matrix that scales font units to the size and
 * turns them about (x, y), and the outlines centred on the origin. */
static int build_watermark(HPDF_Doc doc, const struct gaz_item *it,
			   const struct gaz_fontset *fs, hb_draw_funcs_t *df,
			   float page_w, float page_h, HPDF_Dict *out)
{
	struct gaz_buf b = GAZ_BUF_INIT(WM_MAX_BYTES);
	struct wm w = { &b, 0, 0, 0, 0 };
	const unsigned char *s = (const unsigned char *)it->text;
	hb_font_t *font;
	hb_font_extents_t fe = { 0 };
	hb_codepoint_t gid;
	HPDF_Dict form = NULL;
	HPDF_Array bbox;
	size_t n = strlen(it->text), k, cl;
	int x_scale, y_scale, ret;
	double width = 0, a = it->angle * M_PI / 180, sc;
	uint32_t cp;

	if (it->face < 0 || it->face >= gaz_fontset_count(fs))
		return gaz_fail(GAZ_EINVAL, "watermark with face %d", it->face);
	font = gaz_fontset_hb_font(fs, it->face);
	hb_font_get_scale(font, &x_scale, &y_scale);
	for (k = 0; k < n; k += cl) {
		if (!(cl = gaz_utf8_decode(s + k, n - k, &cp)))
			return gaz_fail(GAZ_EINVAL, "watermark text is not UTF-8");
		if (hb_font_get_nominal_glyph(font, cp, &gid))
			width += hb_font_get_glyph_h_advance(font, gid);
	}
	hb_font_get_h_extents(font, &fe);
	sc = it->size / (x_scale > 0 ? x_scale : 1000);
	put_num(&w, clamp01(it->color.r), 3);
	put_num(&w, clamp01(it->color.g), 3);
	put_num(&w, clamp01(it->color.b), 3);
	put_op(&w, "rg\n");
	put_num(&w, sc * cos(a), 6);
	put_num(&w, sc * sin(a), 6);
	put_num(&w, -sc * sin(a), 6);
	put_num(&w, sc * cos(a), 6);
	put_num(&w, it->x, 2);
	put_num(&w, it->y, 2);
	put_op(&w, "cm\n");
	/* Centre: half the advance left, half of ascender + descender
	 * (descender negative) down. */
	w.dx = -width / 2;
	w.dy = -(fe.ascender + fe.descender) / 2.0;
	for (k = 0; k < n; k += cl) {
		cl = gaz_utf8_decode(s + k, n - k, &cp);
		if (!hb_font_get_nominal_glyph(font, cp, &gid))
			continue;
		hb_font_get_glyph_shape(font, gid, df, &w);
		w.dx += hb_font_get_glyph_h_advance(font, gid);
	}
	if (w.drawn)
		put_op(&w, "f\n");
	if ((ret = w.err))
		goto end;
	ret = gaz_fail(GAZ_EPDF, "cannot write the watermark");
	if (!(form = HPDF_DictStream_New(doc->mmgr, doc->xref)) ||
	    !(bbox = HPDF_Array_New(doc->mmgr)))
		goto end;
	form->header.obj_class |= HPDF_OSUBCLASS_XOBJECT;
	form->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
	if (HPDF_Dict_AddName(form, "Type", "XObject") ||
	    HPDF_Dict_AddName(form, "Subtype", "Form") ||
	    HPDF_Array_AddNumber(bbox, 0) || HPDF_Array_AddNumber(bbox, 0) ||
	    HPDF_Array_AddReal(bbox, page_w) || HPDF_Array_AddReal(bbox, page_h) ||
	    HPDF_Dict_Add(form, "BBox", bbox) ||
	    HPDF_Stream_Write(form->stream, (const HPDF_BYTE *)b.data, (HPDF_UINT)b.len))
		goto end;
	*out = form;
	ret = 0;
end:
	gaz_buf_release(&b);
	return ret;
}

static int draw_watermark(HPDF_Doc doc, HPDF_Page pg, struct pen *p, const struct gaz_item *it,
			  const struct gaz_fontset *fs, struct wm_cache *c, float w, float h)
{
	HPDF_Dict form = NULL;
	int i, ret;

	if (!it->text || !*it->text)
		return 0;
	for (i = 0; i < c->n && !form; i++)
		if (same_watermark(c->v[i].item, it))
			form = c->v[i].form;
	if (!form) {
		if ((ret = build_watermark(doc, it, fs, c->df, w, h, &form)))
			return ret;
		/* Past the cache's size, a form per item: still correct. */
		if (c->n < WM_MAX_FORMS) {
			c->v[c->n].item = it;
			c->v[c->n++].form = form;
		}
	}
	end_text(pg, p);
	if (HPDF_Page_ExecuteXObject(pg, form))
		return gaz_fail(GAZ_EPDF, "cannot paint the watermark");
	return 0;
}

/* Numbers libharu would reject with an opaque code (or write as garbage:
 * NaN), refused here with the page and item named. */
static int check_item(const struct gaz_item *it, size_t page, size_t idx)
{
	const float v[] = { it->x, it->y, it->x2, it->y2, it->size, it->char_space,
			    it->angle, it->dest_y, it->color.r, it->color.g, it->color.b };
	size_t i;

	for (i = 0; i < sizeof v / sizeof *v; i++)
		if (!isfinite(v[i]) || fabsf(v[i]) > 1e6f)
			return gaz_fail(GAZ_EINVAL, "page %zu item %zu: coordinate out of range",
					page + 1, idx + 1);
	if ((it->kind == GAZ_ITEM_TEXT || it->kind == GAZ_ITEM_WATERMARK) &&
	    !(it->size > 0 && it->size <= HPDF_MAX_FONTSIZE))
		return gaz_fail(GAZ_EINVAL, "page %zu item %zu: font size %g", page + 1, idx + 1,
				(double)it->size);
	if (it->kind == GAZ_ITEM_LINE && !(it->size >= 0 && it->size <= HPDF_MAX_LINEWIDTH))
		return gaz_fail(GAZ_EINVAL, "page %zu item %zu: line width %g", page + 1, idx + 1,
				(double)it->size);
	return 0;
}

static int draw_page(HPDF_Doc doc, HPDF_Page pg, const struct gaz_layout *l, size_t pno,
		     const struct gaz_fontset *fs, const struct pdfout_fonts *fonts,
		     HPDF_Page *pages, struct wm_cache *wc)
{
	const struct gaz_page *page = &l->pages[pno];
	struct pen p;
	size_t i;
	int ret = 0;

	for (i = 0; i < page->n; i++)
		if ((ret = check_item(&page->items[i], pno, i)))
			return ret;
	memset(&p, 0, sizeof p);
	p.size = -1;
	/* The watermark goes under everything, whatever the item order. */
	for (i = 0; !ret && i < page->n; i++)
		if (page->items[i].kind == GAZ_ITEM_WATERMARK)
			ret = draw_watermark(doc, pg, &p, &page->items[i], fs, wc, l->page_w,
					     l->page_h);
	for (i = 0; !ret && i < page->n; i++) {
		const struct gaz_item *it = &page->items[i];

		switch (it->kind) {
		case GAZ_ITEM_TEXT:
			if (it->text && *it->text)
				ret = draw_text(pg, &p, it, fonts->v[fonts->by_face[it->face]].font);
			break;
		case GAZ_ITEM_LINE: draw_line(pg, &p, it); break;
		case GAZ_ITEM_RECT: draw_rect(pg, &p, it); break;
		case GAZ_ITEM_QR: ret = draw_qr(pg, &p, it); break;
		case GAZ_ITEM_LINK: ret = draw_link(pg, it, pages, l->n_pages); break;
		case GAZ_ITEM_WATERMARK: break;
		default: ret = gaz_fail(GAZ_EINVAL, "unknown item kind %d", (int)it->kind);
		}
	}
	end_text(pg, &p);
	return ret;
}

static int lib_error(const struct pdfout_err *e)
{
	return gaz_fail(GAZ_EPDF, "libharu error 0x%04X (detail %u)", (unsigned)e->code,
			(unsigned)e->detail);
}

/* The trailer's /ID placeholder → the first 16 bytes of SHA-256 of the
 * whole file as saved (same input, same bytes, same ID). */
static int stamp_id(unsigned char *pdf, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	char ph[33];
	unsigned char md[32];
	unsigned mdlen = 0, i;
	size_t pos, from = len > 4096 ? len - 4096 : 0, found = 0;

	for (i = 0; i < 16; i++) {
		ph[2 * i] = hex[ID_PLACEHOLDER[i] >> 4];
		ph[2 * i + 1] = hex[ID_PLACEHOLDER[i] & 15];
	}
	ph[32] = 0;
	if (!EVP_Digest(pdf, len, md, &mdlen, EVP_sha256(), NULL))
		return gaz_fail(GAZ_ECRYPTO, "SHA-256 failed");
	for (pos = from; pos + 32 <= len; pos++) {
		if (memcmp(pdf + pos, ph, 32))
			continue;
		for (i = 0; i < 16; i++) {
			pdf[pos + 2 * i] = (unsigned char)hex[md[i] >> 4];
			pdf[pos + 2 * i + 1] = (unsigned char)hex[md[i] & 15];
		}
		found++;
		pos += 31;
	}
	if (found != 2)
		return gaz_fail(GAZ_EINTERNAL, "trailer /ID not found");
	return 0;
}

static int add_id_placeholder(HPDF_Doc pdf)
{
	HPDF_Array id = HPDF_Array_New(pdf->mmgr);

	if (!id || HPDF_Array_Add(id, HPDF_Binary_New(pdf->mmgr, (HPDF_BYTE *)ID_PLACEHOLDER, 16)) ||
	    HPDF_Array_Add(id, HPDF_Binary_New(pdf->mmgr, (HPDF_BYTE *)ID_PLACEHOLDER, 16)) ||
	    HPDF_Dict_Add(pdf->trailer, "ID", id))
		return gaz_fail(GAZ_EPDF, "cannot write /ID");
	return 0;
}

/*
 * Stream compression.  libharu deflates each stream with zlib at its default
 * level while it writes the file; libdeflate makes the same zlib-format
 * FlateDecode data in about half the time, and smaller.  Before the
 * save, every stream dictionary libharu would deflate gets a write hook.
 * libharu calls it after the dictionary's entries (its /Filter /FlateDecode
 * among them) and after any before-write hook has filled the stream (the
 * embedded font files), just before the stream data: the hook swaps the data
 * for libdeflate's output and turns libharu's own filter off.  The
 * compressor lives for one save, one per thread.
 */
#define DEFLATE_LEVEL 6
static _Thread_local struct libdeflate_compressor *deflater;

/* Copies a libharu memory stream's n bytes out through its buffer pointers
 * (its own read and copy go byte by byte).  0 or -1 if it is not a memory
 * stream holding exactly n bytes. */
static int mem_stream_copy(HPDF_Stream s, unsigned char *dst, size_t n)
{
	HPDF_UINT i, cnt, len;
	size_t o = 0;
	HPDF_BYTE *p;

	if (s->type != HPDF_STREAM_MEMORY)
		return -1;
	cnt = HPDF_MemStream_GetBufCount(s);
	for (i = 0; i < cnt; i++) {
		if (!(p = HPDF_MemStream_GetBufPtr(s, i, &len)) || len > n - o)
			return -1;
		memcpy(dst + o, p, len);
		o += len;
	}
	return o == n ? 0 : -1;
}

static HPDF_STATUS deflate_hook(HPDF_Dict d, HPDF_Stream unused)
{
	HPDF_Stream src = d->stream, z = NULL;
	HPDF_UINT32 n = HPDF_Stream_Size(src), got = n;
	unsigned char *raw = NULL, *packed = NULL;
	size_t bound, size;
	HPDF_STATUS st = HPDF_FAILD_TO_ALLOC_MEM;

	(void)unused;
	if (!deflater || !(d->filter & HPDF_STREAM_FILTER_FLATE_DECODE))
		return HPDF_OK;
	bound = libdeflate_zlib_compress_bound(deflater, n);
	if (!(raw = malloc(n ? n : 1)) || !(packed = malloc(bound)))
		goto end;
	if (n && mem_stream_copy(src, raw, n) &&
	    (HPDF_Stream_Seek(src, 0, HPDF_SEEK_SET) || HPDF_Stream_Read(src, raw, &got) ||
	     got != n)) {
		st = HPDF_STREAM_EOF;
		goto end;
	}
	if (!(size = libdeflate_zlib_compress(deflater, raw, n, packed, bound)) ||
	    size > UINT32_MAX)
		goto end;
	if (!(z = HPDF_MemStream_New(d->mmgr, (HPDF_UINT)size + 1)))
		goto end;
	if ((st = HPDF_Stream_Write(z, packed, (HPDF_UINT)size))) {
		HPDF_Stream_Free(z);
		goto end;
	}
	HPDF_Stream_Free(src);
	d->stream = z;
	d->filter = HPDF_STREAM_FILTER_NONE;
	st = HPDF_OK;
end:
	free(raw);
	free(packed);
	return st == HPDF_OK ? st : HPDF_SetError(d->error, st, 0);
}

static void hook_streams(HPDF_Doc pdf)
{
	HPDF_Xref x = pdf->xref;
	HPDF_UINT i;

	for (i = 0; i < x->entries->count; i++) {
		HPDF_XrefEntry e = HPDF_Xref_GetEntry(x, i);
		HPDF_Obj_Header *h = e ? e->obj : NULL;
		HPDF_Dict d;

		if (!h || (h->obj_class & HPDF_OCLASS_ANY) != HPDF_OCLASS_DICT)
			continue;
		d = (HPDF_Dict)h;
		if (d->stream && (d->filter & HPDF_STREAM_FILTER_FLATE_DECODE) && !d->write_fn)
			d->write_fn = deflate_hook;
	}
}

static int save(HPDF_Doc pdf, const struct pdfout_err *err, unsigned char **out, size_t *outlen)
{
	unsigned char *buf = NULL;
	size_t size, got = 0;
	int ret, saved;

	if ((ret = gaz_dl_deflate()))
		return ret;
	if (!(deflater = libdeflate_alloc_compressor(DEFLATE_LEVEL)))
		return GAZ_ENOMEM;
	hook_streams(pdf);
	saved = HPDF_SaveToStream(pdf);
	libdeflate_free_compressor(deflater);
	deflater = NULL;
	if (saved || err->code) {
		ret = lib_error(err);
		goto end;
	}
	size = HPDF_GetStreamSize(pdf);
	if (!size || size > PDFOUT_MAX_BYTES) {
		ret = gaz_fail(GAZ_ETOOBIG, "PDF of %zu bytes", size);
		goto end;
	}
	if (!(buf = malloc(size))) {
		ret = GAZ_ENOMEM;
		goto end;
	}
	if (!mem_stream_copy(pdf->stream, buf, size))
		got = size;
	else
		HPDF_ResetStream(pdf);
	while (got < size) {
		HPDF_UINT32 n = size - got > READ_CHUNK ? READ_CHUNK : (HPDF_UINT32)(size - got);
		HPDF_STATUS st = HPDF_ReadFromStream(pdf, buf + got, &n);
		got += n;
		if (st == HPDF_STREAM_EOF || !n)
			break;
		if (st != HPDF_OK) {
			ret = gaz_fail(GAZ_EPDF, "cannot read the saved PDF");
			goto end;
		}
	}
	if (got != size) {
		ret = gaz_fail(GAZ_EPDF, "saved PDF is short (%zu of %zu bytes)", got, size);
		goto end;
	}
	if ((ret = stamp_id(buf, size)))
		goto end;
	*out = buf;
	*outlen = size;
	buf = NULL;
	ret = 0;
end:
	free(buf);
	return ret;
}

int gaz_render_pdf(const struct gaz_layout *l, const struct gaz_fontset *fs,
		   const struct gaz_render_meta *meta, unsigned char **pdf, size_t *len)
{
	struct pdfout_err err = { 0, 0 };
	struct pdfout_fonts fonts = { NULL, 0, { 0 } };
	HPDF_Doc doc = NULL;
	HPDF_Page *pages = NULL;
	struct wm_cache wc;
	size_t i;
	int ret;

	if (!l || !fs || !meta || !pdf || !len)
		return gaz_fail(GAZ_EINVAL, "gaz_render_pdf: missing argument");
	if (!l->n_pages || l->n_pages > GAZ_LAYOUT_MAX_PAGES)
		return gaz_fail(GAZ_EINVAL, "layout has %zu pages", l->n_pages);
	if (!(l->page_w > 0 && l->page_h > 0 && l->page_w <= 14400 && l->page_h <= 14400))
		return gaz_fail(GAZ_EINVAL, "page size %gx%g", l->page_w, l->page_h);
	if ((ret = gaz_dl_hpdf()) || (ret = gaz_dl_m()))
		return ret;
	if ((ret = pdfout_fonts_collect(l, fs, &fonts)))
		return ret;
	memset(&wc, 0, sizeof wc);
	ret = GAZ_ENOMEM;
	if (!(pages = calloc(l->n_pages, sizeof *pages)) || !(wc.df = wm_funcs()))
		goto end;
	if (!(doc = HPDF_New(on_error, &err))) {
		ret = gaz_fail(GAZ_EPDF, "libharu cannot start a document");
		goto end;
	}
	if (HPDF_SetCompressionMode(doc, HPDF_COMP_ALL)) {
		ret = lib_error(&err);
		goto end;
	}
	doc->pdf_version = HPDF_VER_14; /* PDF/A-1 is PDF 1.4 */
	if ((ret = pdfout_fonts_load(doc, fs, &fonts)))
		goto end;
	for (i = 0; i < l->n_pages; i++) {
		if (!(pages[i] = HPDF_AddPage(doc)) ||
		    HPDF_Page_SetWidth(pages[i], l->page_w) ||
		    HPDF_Page_SetHeight(pages[i], l->page_h)) {
			ret = lib_error(&err);
			goto end;
		}
	}
	for (i = 0; i < l->n_pages; i++) {
		if ((ret = draw_page(doc, pages[i], l, i, fs, &fonts, pages, &wc)))
			goto end;
		if (err.code) {
			ret = lib_error(&err);
			goto end;
		}
	}
	if ((ret = pdfout_outlines(doc, l, pages)) || (ret = pdfout_labels(doc, l)) ||
	    (ret = pdfout_meta(doc, meta)) || (ret = add_id_placeholder(doc)))
		goto end;
	if (l->n_outlines)
		HPDF_SetPageMode(doc, HPDF_PAGE_MODE_USE_OUTLINE);
	ret = save(doc, &err, pdf, len);
end:
	if (doc)
		HPDF_Free(doc);
	hb_draw_funcs_destroy(wc.df);
	free(pages);
	pdfout_fonts_release(&fonts);
	return ret;
}

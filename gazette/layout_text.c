/*
 * Setting text: a paragraph is decoded and measured with the fontset
 * (layout picks a face per character through the role's fallback chain),
 * broken into lines by gazette/linebreak.c, and each line becomes TEXT
 * items — one per run of characters in one face, cut where punctuation was
 * squeezed so every glyph sits exactly where the line breaker put it.
 * Pages fill from the top; orphans, widows and headings left alone at the
 * bottom of a page are avoided.
 */
#include "layout_int.h"

#include <stdlib.h>
#include <string.h>

float lay_pdf_y(float top) { return GAZ_A4_HEIGHT - top; }

/* The ideographic em box runs from -0.12 to +0.88 of the size around the
 * baseline: centre it in the line. */
float lay_baseline(float top, float pitch, float size)
{
	return lay_pdf_y(top + pitch / 2 + 0.38f * size);
}

struct gaz_page *lay_page(struct lay *y) { return &y->pl->v[y->pl->n - 1]; }

int lay_add(struct lay *y, const struct gaz_item *it)
{
	return y->dry ? 0 : gaz_page_add(lay_page(y), it);
}

int lay_new_page(struct lay *y)
{
	struct plist *pl = y->pl;

	if (y->dry) {
		y->top = PAGE_TOP;
		return 0;
	}
	if (y->total_pages >= GAZ_LAYOUT_MAX_PAGES)
		return gaz_fail(GAZ_ETOOBIG, "issue longer than %d pages", GAZ_LAYOUT_MAX_PAGES);
	if (pl->n == pl->cap) {
		size_t nc = pl->cap ? pl->cap * 2 : 16;
		struct gaz_page *nv = realloc(pl->v, nc * sizeof *nv);
		if (!nv)
			return GAZ_ENOMEM;
		pl->v = nv;
		pl->cap = nc;
	}
	memset(&pl->v[pl->n], 0, sizeof pl->v[pl->n]);
	pl->n++;
	y->total_pages++;
	y->top = PAGE_TOP;
	return y->wm.text ? lay_add(y, &y->wm) : 0;
}

int lay_need(struct lay *y, float h)
{
	if (!y->dry && y->top + h > PAGE_TOP + BODY_H + 0.5f)
		return lay_new_page(y);
	return 0;
}

int lay_rule(struct lay *y, float x1, float top, float x2, float width, struct gaz_color c)
{
	struct gaz_item it;

	memset(&it, 0, sizeof it);
	it.kind = GAZ_ITEM_LINE;
	it.x = x1;
	it.x2 = x2;
	it.y = it.y2 = lay_pdf_y(top);
	it.size = width;
	it.color = c;
	return lay_add(y, &it);
}

void lay_text_release(struct lay_text *t)
{
	free(t->cps);
	free(t->ch);
	free(t->brk);
	free(t->face);
	free(t->sty);
	memset(t, 0, sizeof *t);
}

void lay_release(struct lay *y)
{
	unsigned i;

	for (i = 0; i < LAY_BRK_CACHE; i++) {
		free(y->memo[i].s);
		free(y->memo[i].brk);
	}
	memset(y->memo, 0, sizeof y->memo);
}

/* t->brk for the text s[0..n) of t->n characters, from the memo if the same
 * text was prepared lately (breaks depend on the characters only). */
static int opportunities(struct lay *y, const char *s, size_t n, struct lay_text *t)
{
	struct lay_brk_memo *m;
	unsigned i;
	int rc;

	for (i = 0; i < LAY_BRK_CACHE; i++) {
		m = &y->memo[i];
		if (m->s && m->n == n && m->cnt == t->n && !memcmp(m->s, s, n)) {
			memcpy(t->brk, m->brk, t->n);
			return 0;
		}
	}
	if ((rc = gaz_lb_opportunities(t->cps, t->n, t->brk)))
		return rc;
	m = &y->memo[y->memo_next++ % LAY_BRK_CACHE];
	free(m->s);
	free(m->brk);
	memset(m, 0, sizeof *m);
	/* The memo is an optimisation: without memory it is simply skipped. */
	if ((m->s = malloc(n)) && (m->brk = malloc(t->n))) {
		memcpy(m->s, s, n);
		memcpy(m->brk, t->brk, t->n);
		m->n = n;
		m->cnt = t->n;
	} else {
		free(m->s);
		m->s = NULL;
	}
	return 0;
}

int lay_text_prepare(struct lay *y, const char *s, size_t n, const struct lay_style *a,
		     const struct lay_style *b, size_t split, struct lay_text *out)
{
	struct lay_text t;
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k, cnt = gaz_utf8_count(s, n);
	uint32_t cp;
	int rc = GAZ_ENOMEM;

	memset(&t, 0, sizeof t);
	if (cnt > GAZ_LB_MAX_CHARS)
		return gaz_fail(GAZ_ETOOBIG, "%s:%d: paragraph of %zu characters", y->src_file,
				y->src_line, cnt);
	t.styles[0] = a;
	t.styles[1] = b ? b : a;
	if (!cnt)
		goto done;
	if (!(t.cps = calloc(cnt, sizeof *t.cps)) || !(t.ch = calloc(cnt, sizeof *t.ch)) ||
	    !(t.brk = calloc(cnt, 1)) || !(t.face = calloc(cnt, sizeof *t.face)) ||
	    !(t.sty = calloc(cnt, 1)))
		goto fail;
	while (i < n && t.n < cnt) {
		const struct lay_style *st;
		int f;

		k = gaz_utf8_decode(u + i, n - i, &cp);
		if (!k) {
			rc = gaz_fail(GAZ_EFORMAT, "%s:%d: invalid UTF-8", y->src_file, y->src_line);
			goto fail;
		}
		t.sty[t.n] = b && i >= split;
		st = t.styles[t.sty[t.n]];
		f = gaz_fontset_pick(y->fs, st->role, cp);
		if (f < 0) {
			char c[8] = { 0 };
			/* Show the character itself unless it is invisible anyway. */
			if (cp >= 0x20 && !(cp >= 0xE000 && cp <= 0xF8FF) && cp < 0xF0000) {
				c[0] = ' ';
				c[1] = '(';
				size_t k2 = gaz_utf8_encode(cp, c + 2);
				c[2 + k2] = ')';
			}
			rc = gaz_fail(GAZ_EFONT, "%s:%d: no font can draw U+%04X%s", y->src_file,
				      y->src_line, (unsigned)cp, c);
			goto fail;
		}
		t.cps[t.n] = cp;
		t.face[t.n] = f;
		t.ch[t.n].cp = cp;
		t.ch[t.n].em = st->size;
		t.ch[t.n].w = (float)gaz_fontset_advance(y->fs, f, cp) * st->size / 1000 + st->track;
		t.n++;
		i += k;
	}
	if ((rc = opportunities(y, s, n, &t)))
		goto fail;
done:
	*out = t;
	return 0;
fail:
	lay_text_release(&t);
	return rc;
}

float lay_text_width(const struct lay_text *t)
{
	float w = 0;
	size_t i;

	for (i = 0; i < t->n; i++)
		w += t->ch[i].w;
	return w;
}

static int add_run(struct lay *y, const struct lay_text *t, size_t s, size_t e, float x,
		   float base, float space)
{
	const struct lay_style *st = t->styles[t->sty[s]];
	struct gaz_item it;
	char *txt;
	size_t i, o = 0;
	int rc;

	if (!(txt = malloc((e - s) * 4 + 1)))
		return GAZ_ENOMEM;
	for (i = s; i < e; i++)
		o += gaz_utf8_encode(t->cps[i], txt + o);
	txt[o] = 0;
	memset(&it, 0, sizeof it);
	it.kind = GAZ_ITEM_TEXT;
	it.x = x;
	it.y = base;
	it.size = st->size;
	it.char_space = st->track + space;
	it.face = t->face[s];
	it.color = st->color;
	it.text = txt;
	rc = lay_add(y, &it);
	free(txt);
	return rc;
}

/* A squeezed mark gives up part of its advance: its right half (cut_r),
 * or — for an opening mark — its left half, taken from the advance of the
 * glyph before it (so the mark's ink moves left).  Such a glyph is a run
 * of its own whose character spacing is reduced by the cut: advances never
 * overlap, so text extraction sees one line of touching glyphs. */
static float cut_after(const struct lay_text *t, size_t i, size_t end)
{
	return t->ch[i].cut_r + (i + 1 < end ? t->ch[i + 1].cut_l : 0);
}

int lay_line(struct lay *y, const struct lay_text *t, size_t start, size_t end, float x,
	     float base, float space)
{
	size_t i, rs = start;
	float pen = x, rx = x;
	int rc;

	for (i = start; i < end; i++) {
		float cut = i + 1 < end ? cut_after(t, i, end) : 0;
		int split = i + 1 < end &&
			    (cut > 0 || cut_after(t, i + 1, end) > 0 ||
			     t->face[i + 1] != t->face[i] || t->sty[i + 1] != t->sty[i]);
		pen += t->ch[i].w + space - cut;
		if (split || i + 1 == end) {
			if ((rc = add_run(y, t, rs, i + 1, rx, base, space - cut)))
				return rc;
			rs = i + 1;
			rx = pen;
		}
	}
	return 0;
}

/* Lines that fit between y->top and the bottom of the body. */
static size_t room(const struct lay *y, float pitch)
{
	float h = PAGE_TOP + BODY_H - y->top + 0.5f;

	if (y->dry)
		return (size_t)-1 / 2;
	return h < pitch ? 0 : (size_t)(h / pitch);
}

int lay_para(struct lay *y, struct lay_text *t, const struct lay_para *p, size_t *first_page,
	     float *first_top)
{
	struct gaz_lb_line *ln = NULL;
	size_t nl = 0, i, k, avail, here;
	float x, keep_lines;
	int rc;

	if (!t->n) {
		if ((rc = lay_need(y, p->pitch)))
			return rc;
		if (first_page)
			*first_page = y->pl->n - 1;
		if (first_top)
			*first_top = y->top;
		y->top += p->pitch;
		return 0;
	}
	rc = p->balanced ? gaz_lb_fit_balanced(t->ch, t->n, t->brk, p->measure, &ln, &nl)
			 : gaz_lb_fit(t->ch, t->n, t->brk, p->measure, p->indent, p->hang,
				      p->align == LAY_JUSTIFY, &ln, &nl);
	if (rc)
		goto end;
	/* Page-break decisions, page by page: the block plus what it must keep
	 * with fit, or no line stands alone at the bottom (orphan) or at the
	 * top (widow) of a page. */
	keep_lines = p->keep / p->pitch;
	for (i = 0; i < nl;) {
		avail = room(y, p->pitch);
		here = nl - i < avail ? nl - i : avail;
		if (!i && (float)nl + keep_lines > (float)avail) {
			/* Titles and short blocks that must stay with what
			 * follows move whole; a longer paragraph leaves its
			 * last two lines to go down with that block. */
			if (p->balanced || (p->keep > 0 && nl <= 3))
				here = 0;
			else if (p->keep > 0 && nl <= avail)
				here = nl - 2;
			if (here == 1 && nl >= 2)
				here = 0; /* no orphan */
		}
		if (here >= 3 && here < nl - i && nl - i - here == 1)
			here--; /* no widow */
		if (!here) {
			if (y->top <= PAGE_TOP + 0.5f)
				here = nl - i < avail ? nl - i : (avail ? avail : 1);
			else if ((rc = lay_new_page(y)))
				goto end;
			if (!here)
				continue;
		}
		for (k = 0; k < here; k++, i++) {
			const struct gaz_lb_line *l = &ln[i];
			const struct lay_style *st = t->styles[t->sty[l->start]];

			if (!i) {
				if (first_page)
					*first_page = y->pl->n - 1;
				if (first_top)
					*first_top = y->top;
			}
			x = PAGE_LEFT + p->left + l->x0;
			if (p->align == LAY_CENTER)
				x = PAGE_LEFT + p->left + (p->measure - l->width) / 2;
			else if (p->align == LAY_RIGHT)
				x = PAGE_LEFT + p->left + p->measure - l->width;
			if ((rc = lay_line(y, t, l->start, l->end, x,
					   lay_baseline(y->top, p->pitch, st->size), l->space)))
				goto end;
			y->top += p->pitch;
		}
		if (i < nl && (rc = lay_new_page(y)))
			goto end;
	}
end:
	free(ln);
	return rc;
}

int lay_string_width(struct lay *y, const char *s, const struct lay_style *st, float *w)
{
	struct lay_text t;
	int rc;

	if ((rc = lay_text_prepare(y, s, strlen(s), st, NULL, 0, &t)))
		return rc;
	*w = lay_text_width(&t) - (t.n ? st->track : 0);
	lay_text_release(&t);
	return 0;
}

int lay_string(struct lay *y, const char *s, const struct lay_style *st, float x, float base,
	       enum lay_align align, float *width)
{
	struct lay_text t;
	float w;
	int rc;

	if ((rc = lay_text_prepare(y, s, strlen(s), st, NULL, 0, &t)))
		return rc;
	w = lay_text_width(&t) - (t.n ? st->track : 0);
	if (align == LAY_CENTER)
		x -= w / 2;
	else if (align == LAY_RIGHT)
		x -= w;
	rc = t.n ? lay_line(y, &t, 0, t.n, x, base, 0) : 0;
	lay_text_release(&t);
	if (!rc && width)
		*width = w;
	return rc;
}

/*
 * Internal to the layout: page geometry, the flow state, and setting a
 * paragraph of text (layout_text.c) for the issue composition (layout.c).
 */
#ifndef GAZETTE_LAYOUT_INT_H
#define GAZETTE_LAYOUT_INT_H

#include "gazette/layout.h"
#include "gazette/linebreak.h"

#define MM 2.8346457f

/* GB/T 9704-2012 §5.2.1: 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm;
 * 22 lines of 28 characters of 3号 (16 pt). */
#define PAGE_TOP (37 * MM)
#define PAGE_LEFT (28 * MM)
#define BODY_W (156 * MM)
#define BODY_H (225 * MM)
#define BODY_SIZE 16.0f
#define BODY_PITCH (BODY_H / 22)
#define BODY_TRACK (BODY_W / 28 - BODY_SIZE)

enum lay_align { LAY_JUSTIFY, LAY_LEFT, LAY_CENTER, LAY_RIGHT };

struct lay_style {
	enum gaz_font_role role;
	float size;  /* pt */
	float track; /* pt added after every character (grid pitch) */
	struct gaz_color color;
};

/* A paragraph decoded, measured and with its break opportunities. */
struct lay_text {
	size_t n;
	uint32_t *cps;
	struct gaz_lb_char *ch;
	unsigned char *brk;
	int *face;
	unsigned char *sty; /* 0: styles[0], 1: styles[1] */
	const struct lay_style *styles[2];
};

/* Where and how a paragraph is set. */
struct lay_para {
	float left;         /* offset of the block from the body's left edge */
	float measure;      /* its width */
	float indent, hang; /* first-line indent; indent of later lines */
	enum lay_align align;
	int balanced;       /* even lines (titles) */
	float pitch;        /* line pitch */
	float keep;         /* height that must follow on the same page */
};

/* A list of pages (the layout concatenates cover, contents, documents and
 * back page at the end). */
struct plist {
	struct gaz_page *v;
	size_t n, cap;
};

/* Break opportunities of recently prepared texts: a block measured for a
 * keep-with-next decision is prepared again when it is set, and UAX #14
 * costs more than the rest of the preparation together. */
#define LAY_BRK_CACHE 8
struct lay_brk_memo {
	char *s;              /* a copy of the text, the key */
	size_t n, cnt;        /* bytes; characters (= bytes of brk) */
	unsigned char *brk;
};

struct lay {
	const struct gaz_issue *is;
	const struct gaz_fontset *fs;
	struct plist *pl;      /* pages being filled */
	float top;             /* top of the next line, from the page top */
	const char *src_file;  /* where the text being set comes from */
	int src_line;
	struct gaz_item wm;    /* the watermark, first item of every page */
	size_t total_pages;    /* across every list, for GAZ_LAYOUT_MAX_PAGES */
	int dry;               /* measuring: nothing is added, pages never end */
	struct lay_brk_memo memo[LAY_BRK_CACHE]; /* zeroed at start; lay_release() */
	unsigned memo_next;
};

/* Frees what the flow state holds (the memo above). */
void lay_release(struct lay *y);

/* Appends a page to y->pl (watermark first) and moves to its top. */
int lay_new_page(struct lay *y);
/* Starts a new page unless h pt fit below y->top. */
int lay_need(struct lay *y, float h);
/* The page being filled. */
struct gaz_page *lay_page(struct lay *y);
/* PDF y of a distance from the page top. */
float lay_pdf_y(float top);

/* Decodes s[0..n), styles [0, split) with a and the rest with b (b may be
 * NULL: all a).  A character no face of the style's role can draw is
 * GAZ_EFONT naming it and y->src_file:y->src_line. */
int lay_text_prepare(struct lay *y, const char *s, size_t n, const struct lay_style *a,
		     const struct lay_style *b, size_t split, struct lay_text *t);
void lay_text_release(struct lay_text *t);
/* Natural width of the whole text, pt. */
float lay_text_width(const struct lay_text *t);

/* Breaks and sets t on the pages from y->top, moving down by p->pitch per
 * line; *first_page / *first_top (either may be NULL) receive where the
 * first line went. */
int lay_para(struct lay *y, struct lay_text *t, const struct lay_para *p, size_t *first_page,
	     float *first_top);
/* Sets t on one line with its left edge at x (pt from the page's left) and
 * baseline at PDF y, with extra space after every character. */
int lay_line(struct lay *y, const struct lay_text *t, size_t start, size_t end, float x,
	     float base, float space);
/* Convenience: prepare + lay_line of a one-line string; *width gets its
 * width (may be NULL).  align: x is the left edge, centre or right edge. */
int lay_string(struct lay *y, const char *s, const struct lay_style *st, float x, float base,
	       enum lay_align align, float *width);
/* Width of a one-line string (GAZ_EFONT as above). */
int lay_string_width(struct lay *y, const char *s, const struct lay_style *st, float *w);

int lay_add(struct lay *y, const struct gaz_item *it);
int lay_rule(struct lay *y, float x1, float top, float x2, float width, struct gaz_color c);

/* Baseline (PDF y) of a line of `size` whose box starts at top with pitch. */
float lay_baseline(float top, float pitch, float size);

#endif

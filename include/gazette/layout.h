/*
 * gazette/layout.h — the typeset issue as a display list, between the
 * layout (which decides where every character goes) and the PDF writer
 * (which draws it with libharu).  Nothing here knows about libharu; nothing
 * in the writer makes typographic decisions.
 *
 * Units are PDF points, origin at the page's lower-left corner.  Text runs
 * are single-face (the layout splits runs where the fallback chain picks
 * another face) so the writer can map each face to one embedded subset.
 *
 *   fontset (font.h) ──► gaz_layout_issue() ──► struct gaz_layout
 *                                                  │ gaz_render_pdf()
 *                                                  ▼
 *                                               PDF bytes
 */
#ifndef GAZETTE_LAYOUT_H
#define GAZETTE_LAYOUT_H

#include "gazette/font.h"
#include "gazette/issue.h"

#ifdef __cplusplus
extern "C" {
#endif

#define GAZ_A4_WIDTH 595.276f  /* 210 mm */
#define GAZ_A4_HEIGHT 841.89f  /* 297 mm */
#define GAZ_LAYOUT_MAX_PAGES 20000

struct gaz_color {
	float r, g, b; /* 0..1, DeviceRGB */
};

enum gaz_item_kind {
	GAZ_ITEM_TEXT,      /* text run: face, size, (x,y) baseline start, text */
	GAZ_ITEM_LINE,      /* stroke from (x,y) to (x2,y2), width = size */
	GAZ_ITEM_RECT,      /* filled rectangle (x,y)-(x2,y2) */
	GAZ_ITEM_QR,        /* QR code of `text` filling the square (x,y)-(x2,y2) */
	GAZ_ITEM_LINK,      /* clickable area (x,y)-(x2,y2) → dest_page at dest_y */
	GAZ_ITEM_WATERMARK  /* `text` centred at (x,y), size, rotated by angle
			       degrees, drawn as glyph outlines (not extractable
			       text) in `color` with face; under everything else */
};

struct gaz_item {
	enum gaz_item_kind kind;
	float x, y, x2, y2;
	float size;         /* TEXT/WATERMARK: font size; LINE: line width */
	float char_space;   /* TEXT: extra space after every glyph (PDF Tc), pt;
			       this is how lines are justified */
	float angle;        /* WATERMARK: degrees counter-clockwise */
	int face;           /* TEXT/WATERMARK: fontset face id */
	struct gaz_color color;
	char *text;         /* TEXT/WATERMARK: UTF-8; QR: payload; owned */
	int dest_page;      /* LINK: 0-based page index */
	float dest_y;       /* LINK: y on the destination page */
};

struct gaz_page {
	struct gaz_item *items; /* in drawing order */
	size_t n, cap;
};

struct gaz_outline {
	char *title; /* owned, UTF-8 */
	int level;   /* 0 = section, 1 = document, 2 = heading inside it */
	int page;    /* 0-based */
	float y;     /* top of the target on that page */
};

enum gaz_label_style { GAZ_LABEL_NONE, GAZ_LABEL_DECIMAL, GAZ_LABEL_ROMAN_LOWER };

/* Page labels (ISO 32000 §12.4.2): from first_page on, pages are labelled
 * prefix + number in style, numbering from start. */
struct gaz_label_range {
	int first_page;
	enum gaz_label_style style;
	char *prefix; /* owned, may be NULL */
	int start;
};

struct gaz_doc_span {
	int first, last; /* 0-based page indices of a document in the issue */
};

struct gaz_layout {
	float page_w, page_h;
	struct gaz_page *pages;
	size_t n_pages;
	struct gaz_outline *outlines;
	size_t n_outlines;
	struct gaz_label_range *labels;
	size_t n_labels;
	struct gaz_doc_span *docs; /* one per issue document, in issue order */
	size_t n_docs;
};

/* Typesets the issue (cover, contents, documents, back page).  The issue
 * must have passed gaz_issue_check().  A character no face can draw is
 * GAZ_EFONT naming the character, file and line.  On failure *out is
 * untouched.  Release with gaz_layout_release(). */
int gaz_layout_issue(const struct gaz_issue *is, const struct gaz_fontset *fs,
		     struct gaz_layout *out);
void gaz_layout_release(struct gaz_layout *l);

/* Appends a copy of *it (its text is duplicated) to the page. */
int gaz_page_add(struct gaz_page *p, const struct gaz_item *it);

/* Document metadata written to Info and XMP. */
struct gaz_render_meta {
	const char *title;    /* e.g. 政府公报 2023年第7期（总第146期） */
	const char *author;   /* publisher */
	const char *subject;
	const char *keywords;
	const char *date;     /* YYYY-MM-DD: CreationDate/ModDate (deterministic) */
	const char *lang;     /* "zh-CN" */
};

/* Draws the layout into a PDF/A-1b file in memory: fonts embedded as
 * subsets of exactly the characters drawn, valid ToUnicode maps, outlines,
 * page labels, Info + XMP metadata, an sRGB output intent.  The same input
 * gives the same bytes.  *pdf is malloc'ed (caller frees).
 * Errors (nothing is returned, *pdf and *len untouched): GAZ_EINVAL for a
 * bad display list (face id, link/outline/label page, non-finite number,
 * font size outside 0..600, QR payload libqrencode refuses) or a
 * meta->date not YYYY-MM-DD; GAZ_EFONT for a character outside the BMP
 * (libharu's UTF-8 CIDs are 16-bit) or drawn with a face that lacks it;
 * GAZ_EPDF when libharu fails; GAZ_ENOMEM.  gaz_errdetail() names the
 * page and item.  See docs/pdf-output.md. */
int gaz_render_pdf(const struct gaz_layout *l, const struct gaz_fontset *fs,
		   const struct gaz_render_meta *meta, unsigned char **pdf, size_t *len);

#ifdef __cplusplus
}
#endif
#endif

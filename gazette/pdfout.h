/*
 * gazette/pdfout.h — internal sharing between the PDF writer's files
 * (pdfout.c: pages and items; pdfout_font.c: subset CID fonts;
 * pdfout_meta.c: PDF/A metadata, outlines, labels).  Not a public header:
 * it exposes libharu types.
 */
#ifndef GAZETTE_PDFOUT_H
#define GAZETTE_PDFOUT_H

#include "gazette/layout.h"

#include "gazette/dl/hpdf.h"

/* A whole rendered PDF may not exceed this (the issue is capped at
 * GAZ_LAYOUT_MAX_PAGES pages; a page is a few kilobytes). */
#define PDFOUT_MAX_BYTES ((size_t)1 << 30)

/* libharu reports failures through a callback; the writer keeps the first. */
struct pdfout_err {
	HPDF_STATUS code, detail;
};

/* One embedded font: the subset of a fontset face with exactly the code
 * points drawn with it. */
struct pdfout_font {
	int face;
	uint32_t *cps;   /* sorted, unique BMP code points */
	size_t n, cap;
	HPDF_Font font;  /* Type0, Identity-H, CID = Unicode code point */
};

struct pdfout_fonts {
	struct pdfout_font *v; /* one per face that draws text; v[i].face */
	size_t n;
	int by_face[GAZ_FONT_MAX_FACES]; /* face → index in v, or -1 */
};

/* Collects the code points of every TEXT item per face.  A code point
 * outside the BMP is GAZ_EFONT (libharu's UTF-8 CIDs are 16-bit). */
int pdfout_fonts_collect(const struct gaz_layout *l, const struct gaz_fontset *fs,
			 struct pdfout_fonts *out);
/* Subsets each face, loads the subset into the document, and fixes the
 * font objects libharu gets wrong (ToUnicode, FontDescriptor with
 * CapHeight, CIDSet, FontFile2 of the subset itself). */
int pdfout_fonts_load(HPDF_Doc pdf, const struct gaz_fontset *fs, struct pdfout_fonts *f);
void pdfout_fonts_release(struct pdfout_fonts *f);

/* Info, XMP metadata (PDF/A-1b identification), the sRGB output intent. */
int pdfout_meta(HPDF_Doc pdf, const struct gaz_render_meta *meta);
/* Bookmarks from l->outlines and /PageLabels from l->labels. */
int pdfout_outlines(HPDF_Doc pdf, const struct gaz_layout *l, HPDF_Page *pages);
int pdfout_labels(HPDF_Doc pdf, const struct gaz_layout *l);

/* A PDF text string: UTF-16BE with a byte-order mark, as a hex string
 * object (so any Unicode title survives). */
HPDF_Binary pdfout_text_string(HPDF_Doc pdf, const char *utf8);

#endif

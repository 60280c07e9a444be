/* Writing an incremental update after an existing PDF (signer-internal).
 *
 * The buffer holds only the bytes to append (the original is never copied
 * or changed): an end-of-line if the file lacks one, objects appended with
 * upd_obj_begin/upd_obj_end, and what upd_finish writes:
 * the cross-reference section — a classic table when the original's newest
 * section is one, an xref stream when it is a stream — and the trailer with
 * /Prev, /Root, /Info and /ID carried over. */
#ifndef GAZETTE_PDFUPDATE_H
#define GAZETTE_PDFUPDATE_H

#include "gazette/base.h"
#include "gazette/pdf.h"

/* The update may add at most this much to a file. */
#define UPD_MAX_GROWTH ((size_t)64 << 20)
#define UPD_MAX_OBJECTS 4096

struct upd {
	struct gaz_buf out;           /* the bytes appended to the file */
	size_t base;                  /* the original's length: out starts there */
	struct gaz_pdf *pdf;          /* the parsed original (borrowed) */
	struct gaz_pdf_rev rev;       /* its newest revision */
	uint32_t next;                /* next free object number */
	struct { uint32_t num, gen; size_t off; } obj[UPD_MAX_OBJECTS];
	size_t nobj;
};

/* Starts an update of pdf (opened on bytes[0..len)): base = len, and an
 * end-of-line first if the file does not end with one. */
int upd_begin(struct upd *u, struct gaz_pdf *pdf);
/* A fresh object number. */
int upd_alloc(struct upd *u, uint32_t *num);
/* Writes "NUM GEN obj\n" and records the offset; upd_obj_end "\nendobj\n". */
int upd_obj_begin(struct upd *u, uint32_t num, uint32_t gen);
int upd_obj_end(struct upd *u);
/* A whole stream object with the given dictionary entries (without
 * /Length, which is added) and raw data. */
int upd_stream(struct upd *u, uint32_t num, const char *entries, const void *data, size_t n);
/* A text string (PDF "text string": PDFDocEncoding-compatible ASCII as is,
 * anything else UTF-16BE with a byte order mark), written as <hex>. */
int upd_text(struct gaz_buf *b, const char *utf8);
/* Appends the elements of array o (resolved in the newest revision if a
 * reference; absent or null is empty), each followed by a space. */
int upd_copy_array(struct gaz_buf *b, struct gaz_pdf *pdf, const struct gaz_pdf_obj *o,
		   const char *what);
/* Cross-reference section, trailer, startxref, %%EOF.  When the original
 * has an /ID, the first element is kept and the second is derived from it,
 * the previous revision's end and salt (e.g. the signing time). */
int upd_finish(struct upd *u, const char *salt);
void upd_release(struct upd *u);

#endif

/*
 * gazette/compile.h — an issue in memory to its unsigned PDF in memory:
 * gaz_fontset_open() → gaz_layout_issue() → gaz_render_pdf().  Used by
 * `gazette compile` and, in-process, by publish (which needs the bytes and
 * each document's pages).
 */
#ifndef GAZETTE_COMPILE_H
#define GAZETTE_COMPILE_H

#include "gazette/layout.h"

#ifdef __cplusplus
extern "C" {
#endif

struct gaz_compile_opts {
	/* A fontset to use instead of opening the one issue.conf names
	 * (borrowed; NULL: open and close it inside).  Lets a caller that
	 * compiles many issues keep the fonts mapped. */
	const struct gaz_fontset *fonts;
};

struct gaz_compile_result {
	unsigned char *pdf;          /* malloc'ed PDF bytes */
	size_t len;
	struct gaz_doc_span *docs;   /* one per issue document, issue order;
					0-based page indices */
	size_t n_docs;
	int n_pages;
};

/* Typesets `is`, which must have passed gaz_issue_check() (its parsed
 * numbers are used).  o may be NULL.  On success *res is filled and owned
 * by the caller (gaz_compile_result_release()); on failure it is
 * untouched.  Errors: GAZ_EFONT (a font cannot be read, or a character no
 * font draws — the detail names it with file:line), GAZ_EINVAL (an empty
 * issue), GAZ_ETOOBIG, GAZ_EPDF, GAZ_ENOMEM. */
int gaz_compile(const struct gaz_issue *is, const struct gaz_compile_opts *o,
		struct gaz_compile_result *res);
void gaz_compile_result_release(struct gaz_compile_result *res);

#ifdef __cplusplus
}
#endif
#endif

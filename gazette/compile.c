/*
 * Compile: fonts, layout, PDF.  The metadata (Info + XMP) is derived from
 * issue.conf only, so the same folder always gives the same bytes.
 */
#include "gazette/compile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int gaz_compile(const struct gaz_issue *is, const struct gaz_compile_opts *o,
		struct gaz_compile_result *res)
{
	const struct gaz_issue_config *c = &is->cfg;
	struct gaz_fontset *own = NULL;
	const struct gaz_fontset *fs = o ? o->fonts : NULL;
	struct gaz_layout L;
	struct gaz_render_meta meta;
	struct gaz_doc_span *docs = NULL;
	unsigned char *pdf = NULL;
	char title[400], subject[200], keywords[1024];
	size_t len = 0, i, kl = 0;
	int rc, have_layout = 0;

	memset(&L, 0, sizeof L);
	if (!is->n_docs) {
		rc = gaz_fail(GAZ_EINVAL, "%s: the issue has no documents", is->dir);
		goto end;
	}
	if (!fs) {
		if ((rc = gaz_fontset_open(c, &own)))
			goto end;
		fs = own;
	}
	if ((rc = gaz_layout_issue(is, fs, &L)))
		goto end;
	have_layout = 1;
	snprintf(title, sizeof title, "%s %s年第%s期（总第%s期）", gaz_fv(&c->name),
		 gaz_fv(&c->year), gaz_fv(&c->number), gaz_fv(&c->cumulative));
	snprintf(subject, sizeof subject, "%s", gaz_fv(&c->name));
	keywords[0] = 0;
	for (i = 0; i < c->n_sections && kl + 1 < sizeof keywords; i++) {
		int w = snprintf(keywords + kl, sizeof keywords - kl, "%s%s", i ? "; " : "",
				 c->sections[i]);
		if (w < 0 || (size_t)w >= sizeof keywords - kl)
			break;
		kl += (size_t)w;
	}
	memset(&meta, 0, sizeof meta);
	meta.title = title;
	meta.author = c->editor.value ? c->editor.value : gaz_fv(&c->publisher);
	meta.subject = subject;
	meta.keywords = keywords;
	meta.date = gaz_fv(&c->date);
	meta.lang = "zh-CN";
	if ((rc = gaz_render_pdf(&L, fs, &meta, &pdf, &len)))
		goto end;
	if (!(docs = malloc(L.n_docs * sizeof *docs))) {
		rc = GAZ_ENOMEM;
		goto end;
	}
	memcpy(docs, L.docs, L.n_docs * sizeof *docs);
	res->pdf = pdf;
	res->len = len;
	res->docs = docs;
	res->n_docs = L.n_docs;
	res->n_pages = (int)L.n_pages;
	pdf = NULL;
	docs = NULL;
	rc = 0;
end:
	free(pdf);
	free(docs);
	if (have_layout)
		gaz_layout_release(&L);
	gaz_fontset_free(own);
	return rc;
}

void gaz_compile_result_release(struct gaz_compile_result *res)
{
	if (!res)
		return;
	free(res->pdf);
	free(res->docs);
	memset(res, 0, sizeof *res);
}

#include "gazette/base.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

int gaz_diags_add(struct gaz_diags *d, enum gaz_severity sev, const char *file,
		  int line, const char *field, const char *fmt, ...)
{
	struct gaz_diag *v, *x;
	struct gaz_buf msg = GAZ_BUF_INIT(4096);
	va_list ap;
	int rc;

	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		if (!(v = realloc(d->v, cap * sizeof *v)))
			return GAZ_ENOMEM;
		d->v = v;
		d->cap = cap;
	}
	va_start(ap, fmt);
	rc = gaz_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	if (rc && rc != GAZ_ETOOBIG)
		return rc;
	x = &d->v[d->n];
	x->sev = sev;
	x->line = line;
	x->file = dup_or_null(file);
	x->field = dup_or_null(field);
	x->msg = gaz_buf_detach(&msg, NULL);
	if ((file && !x->file) || (field && !x->field) || !x->msg) {
		free(x->file);
		free(x->field);
		free(x->msg);
		return GAZ_ENOMEM;
	}
	d->n++;
	if (sev == GAZ_SEV_ERROR)
		d->n_errors++;
	else
		d->n_warnings++;
	return 0;
}

void gaz_diags_sort(struct gaz_diags *d)
{
	/* Insertion sort: stable, and diagnostic lists are short. */
	size_t i, j;

	for (i = 1; i < d->n; i++) {
		struct gaz_diag t = d->v[i];
		for (j = i; j > 0; j--) {
			const struct gaz_diag *p = &d->v[j - 1];
			int c = strcmp(p->file ? p->file : "", t.file ? t.file : "");
			if (c < 0 || (c == 0 && p->line <= t.line))
				break;
			d->v[j] = d->v[j - 1];
		}
		d->v[j] = t;
	}
}

void gaz_diags_release(struct gaz_diags *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].field);
		free(d->v[i].msg);
	}
	free(d->v);
	memset(d, 0, sizeof *d);
}

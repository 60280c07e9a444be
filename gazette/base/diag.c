#include "gazette/base.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DIAG_MSG_MAX 4096

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

int gaz_diags_add(struct gaz_diags *d, enum gaz_severity sev, const char *file,
		  int line, const char *field, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = gaz_diags_vadd(d, sev, file, line, 0, field, fmt, ap);
	va_end(ap);
	return rc;
}

int gaz_diags_add_at(struct gaz_diags *d, enum gaz_severity sev, const char *file,
		     int line, int col, const char *field, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = gaz_diags_vadd(d, sev, file, line, col, field, fmt, ap);
	va_end(ap);
	return rc;
}

/* A diagnostic that cannot be kept (over the cap, or no memory) is still
 * counted, so the verdict — errors or not — stays right. */
static int count_only(struct gaz_diags *d, enum gaz_severity sev, int rc)
{
	d->n_dropped++;
	if (sev == GAZ_SEV_ERROR)
		d->n_errors++;
	else
		d->n_warnings++;
	return rc;
}

int gaz_diags_vadd(struct gaz_diags *d, enum gaz_severity sev, const char *file,
		   int line, int col, const char *field, const char *fmt, va_list ap)
{
	struct gaz_diag *v, *x;
	struct gaz_buf msg = GAZ_BUF_INIT(DIAG_MSG_MAX);
	va_list cp;
	int rc;

	if (d->n >= GAZ_DIAGS_MAX)
		return count_only(d, sev, 0);
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		if (!(v = realloc(d->v, cap * sizeof *v)))
			return count_only(d, sev, GAZ_ENOMEM);
		d->v = v;
		d->cap = cap;
	}
	va_copy(cp, ap);
	rc = gaz_buf_vprintf(&msg, fmt, ap);
	if (rc == GAZ_ETOOBIG) {
		/* A message quoting a huge input value: keep its first part. */
		char cut[DIAG_MSG_MAX];
		size_t n;
		vsnprintf(cut, sizeof cut, fmt, cp);
		n = strlen(cut);
		/* Do not end inside a UTF-8 sequence. */
		while (n && ((unsigned char)cut[n - 1] & 0xC0) == 0x80)
			n--;
		if (n && ((unsigned char)cut[n - 1] & 0x80))
			n--;
		rc = gaz_buf_add(&msg, cut, n);
	}
	va_end(cp);
	if (rc) {
		gaz_buf_release(&msg);
		return count_only(d, sev, GAZ_ENOMEM);
	}
	x = &d->v[d->n];
	x->sev = sev;
	x->line = line;
	x->col = col;
	x->file = dup_or_null(file);
	x->field = dup_or_null(field);
	x->msg = gaz_buf_detach(&msg, NULL);
	if ((file && !x->file) || (field && !x->field) || !x->msg) {
		free(x->file);
		free(x->field);
		free(x->msg);
		return count_only(d, sev, GAZ_ENOMEM);
	}
	d->n++;
	if (sev == GAZ_SEV_ERROR)
		d->n_errors++;
	else
		d->n_warnings++;
	return 0;
}

struct keyed {
	const struct gaz_diag *p;
	size_t i;
};

static int keyed_order(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	int c = strcmp(x->p->file ? x->p->file : "", y->p->file ? y->p->file : "");

	if (c)
		return c;
	if (x->p->line != y->p->line)
		return x->p->line < y->p->line ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

void gaz_diags_sort(struct gaz_diags *d)
{
	/* qsort is not stable: the insertion index breaks ties. */
	struct keyed *k = NULL;
	struct gaz_diag *v = NULL;
	size_t i;

	if (d->n < 2)
		return;
	k = malloc(d->n * sizeof *k);
	v = malloc(d->n * sizeof *v);
	if (k && v) {
		for (i = 0; i < d->n; i++) {
			k[i].p = &d->v[i];
			k[i].i = i;
		}
		qsort(k, d->n, sizeof *k, keyed_order);
		for (i = 0; i < d->n; i++)
			v[i] = *k[i].p;
		memcpy(d->v, v, d->n * sizeof *v);
	} else {
		/* No memory for the fast way: insertion sort in place. */
		size_t j;
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
	free(k);
	free(v);
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

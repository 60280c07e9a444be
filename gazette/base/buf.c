#include "gazette/base.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int gaz_size_add(size_t a, size_t b, size_t *out)
{
	if (a > SIZE_MAX - b)
		return GAZ_ETOOBIG;
	*out = a + b;
	return 0;
}

int gaz_size_mul(size_t a, size_t b, size_t *out)
{
	if (a && b > SIZE_MAX / a)
		return GAZ_ETOOBIG;
	*out = a * b;
	return 0;
}

void gaz_buf_init(struct gaz_buf *b, size_t max)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->max = max;
}

/* Makes room for n more bytes plus the terminating NUL. */
static int grow(struct gaz_buf *b, size_t n)
{
	size_t need, cap;
	char *p;

	if (gaz_size_add(b->len, n, &need) || need > b->max)
		return gaz_fail(GAZ_ETOOBIG, "buffer cap of %zu bytes exceeded", b->max);
	if (need + 1 <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need + 1)
		cap = cap > SIZE_MAX / 2 ? need + 1 : cap * 2;
	if (cap > b->max + 1)
		cap = b->max + 1;
	p = realloc(b->data, cap);
	if (!p)
		return GAZ_ENOMEM;
	b->data = p;
	b->cap = cap;
	return 0;
}

int gaz_buf_add(struct gaz_buf *b, const void *p, size_t n)
{
	int rc = grow(b, n);

	if (rc)
		return rc;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int gaz_buf_addstr(struct gaz_buf *b, const char *s) { return gaz_buf_add(b, s, strlen(s)); }
int gaz_buf_addc(struct gaz_buf *b, char c) { return gaz_buf_add(b, &c, 1); }

int gaz_buf_vprintf(struct gaz_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n, rc;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return GAZ_EINVAL;
	if ((rc = grow(b, (size_t)n)))
		return rc;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int gaz_buf_printf(struct gaz_buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = gaz_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

void gaz_buf_reset(struct gaz_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

char *gaz_buf_detach(struct gaz_buf *b, size_t *len)
{
	char *p = b->data;

	if (!p)
		p = calloc(1, 1);
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

void gaz_buf_release(struct gaz_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

#include "gazette/base.h"

int gaz_rd_skip(struct gaz_rd *r, size_t n)
{
	if (n > r->len - r->pos)
		return GAZ_EFORMAT;
	r->pos += n;
	return 0;
}

int gaz_rd_seek(struct gaz_rd *r, size_t pos)
{
	if (pos > r->len)
		return GAZ_EFORMAT;
	r->pos = pos;
	return 0;
}

int gaz_rd_line(struct gaz_rd *r, const unsigned char **line, size_t *len)
{
	size_t start = r->pos, end;

	if (r->pos >= r->len)
		return GAZ_EFORMAT;
	while (r->pos < r->len && r->p[r->pos] != '\n')
		r->pos++;
	end = r->pos;
	if (r->pos < r->len)
		r->pos++; /* the '\n' */
	if (end > start && r->p[end - 1] == '\r')
		end--;
	*line = r->p + start;
	*len = end - start;
	return 0;
}

int gaz_rd_uint(struct gaz_rd *r, unsigned max_digits, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	unsigned nd = 0;
	int c;

	while ((c = gaz_rd_peek(r)) >= '0' && c <= '9') {
		if (++nd > max_digits)
			return GAZ_ETOOBIG;
		v = v * 10 + (uint64_t)(c - '0'); /* cannot overflow: ≤ 19 digits checked by caller's max_digits */
		if (v > max)
			return GAZ_ETOOBIG;
		r->pos++;
	}
	if (!nd)
		return GAZ_EFORMAT;
	*out = v;
	return 0;
}

int gaz_parse_uint(const char *s, size_t n, uint64_t max, uint64_t *out)
{
	struct gaz_rd r;
	uint64_t v;
	int rc;

	gaz_rd_init(&r, s, n);
	if ((rc = gaz_rd_uint(&r, 19, max, &v)))
		return rc;
	if (gaz_rd_left(&r))
		return GAZ_EFORMAT;
	*out = v;
	return 0;
}

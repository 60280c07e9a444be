/* Request-target, Range and If-None-Match parsing: every byte the client
 * controls goes through the bounded reader here before any route sees it. */
#include "gazette/http.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Decodes the raw component r[0..end) into out (NUL-terminated), stopping
 * at any byte in `stops`.  '+' means space when plus_space.  Returns the
 * number of bytes written (without the NUL) through *n. */
static int decode_part(struct gaz_rd *r, const char *stops, int plus_space,
		       char *out, size_t *n)
{
	size_t w = 0, bad;
	int c;

	while ((c = gaz_rd_peek(r)) >= 0 && !strchr(stops, c)) {
		uint8_t b;

		gaz_rd_skip(r, 1);
		if (c == '%') {
			int h = gaz_hexdigit(gaz_rd_peek(r)), l = gaz_hexdigit(gaz_rd_peek_at(r, 1));
			if (h < 0 || l < 0)
				return gaz_fail(GAZ_EFORMAT, "malformed percent-encoding");
			gaz_rd_skip(r, 2);
			b = (uint8_t)(h * 16 + l);
		} else if (c == '+' && plus_space) {
			b = ' ';
		} else {
			b = (uint8_t)c;
		}
		if (b < 0x20 || b == 0x7F)
			return gaz_fail(GAZ_EFORMAT, "control byte in URL");
		out[w++] = (char)b;
	}
	out[w] = '\0';
	if (gaz_utf8_validate((const unsigned char *)out, w, &bad))
		return gaz_fail(GAZ_EFORMAT, "URL is not valid UTF-8");
	*n = w;
	return 0;
}

int gaz_http_target_parse(const char *raw, size_t len, struct gaz_http_target *t)
{
	struct gaz_http_target x;
	struct gaz_rd r;
	char *mem = NULL, *w;
	size_t i, n;
	int rc = GAZ_EFORMAT;

	memset(&x, 0, sizeof x);
	if (len > GAZ_HTTP_TARGET_MAX)
		return gaz_fail(GAZ_ETOOBIG, "request-target over %d bytes", GAZ_HTTP_TARGET_MAX);
	/* absolute-form (RFC 9112 3.2.2): drop scheme and authority */
	for (i = 0; i < 2; i++) {
		static const char *const scheme[] = { "http://", "https://" };
		size_t k = strlen(scheme[i]);
		if (len >= k && !strncasecmp(raw, scheme[i], k)) {
			const char *slash = memchr(raw + k, '/', len - k);
			const char *q = memchr(raw + k, '?', len - k);
			if (!slash || (q && q < slash))
				return gaz_fail(GAZ_EFORMAT, "absolute-form target without a path");
			len -= (size_t)(slash - raw);
			raw = slash;
			break;
		}
	}
	if (len == 0 || raw[0] != '/')
		return gaz_fail(GAZ_EFORMAT, "request-target must start with '/'");
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)raw[i];
		if (c < 0x21 || c == 0x7F || c == '#' || c == '\\')
			return gaz_fail(GAZ_EFORMAT, "forbidden byte in request-target");
	}
	/* Decoding never grows a component; one NUL per component at most. */
	if (!(mem = malloc(len * 2 + 2)))
		return GAZ_ENOMEM;
	w = mem;
	gaz_rd_init(&r, raw, len);
	gaz_rd_skip(&r, 1);
	/* path */
	for (;;) {
		int c = gaz_rd_peek(&r);

		if (c < 0 || c == '?') {
			x.dir = 1;  /* "/" itself, or a trailing '/' consumed below */
			break;
		}
		if (x.n_segs == GAZ_HTTP_SEGS_MAX) {
			rc = gaz_fail(GAZ_ETOOBIG, "more than %d path segments", GAZ_HTTP_SEGS_MAX);
			goto end;
		}
		if (c == '/') {
			rc = gaz_fail(GAZ_EFORMAT, "empty path segment");
			goto end;
		}
		if ((rc = decode_part(&r, "/?", 0, w, &n)))
			goto end;
		if (!strcmp(w, ".") || !strcmp(w, "..")) {
			rc = gaz_fail(GAZ_EFORMAT, "dot segment in path");
			goto end;
		}
		x.seg[x.n_segs++] = w;
		w += n + 1;
		c = gaz_rd_peek(&r);
		if (c != '/')
			break;   /* end or '?' */
		gaz_rd_skip(&r, 1);
	}
	if (gaz_rd_peek(&r) == '?') {
		gaz_rd_skip(&r, 1);
		while (gaz_rd_left(&r)) {
			const char *key;

			if (gaz_rd_peek(&r) == '&') {
				gaz_rd_skip(&r, 1);
				continue;
			}
			if (x.n_params == GAZ_HTTP_PARAMS_MAX) {
				rc = gaz_fail(GAZ_ETOOBIG, "more than %d query parameters",
					      GAZ_HTTP_PARAMS_MAX);
				goto end;
			}
			if ((rc = decode_part(&r, "&=", 1, w, &n)))
				goto end;
			key = w;
			w += n + 1;
			if (gaz_rd_peek(&r) == '=') {
				gaz_rd_skip(&r, 1);
				if ((rc = decode_part(&r, "&", 1, w, &n)))
					goto end;
			} else {
				*w = '\0';
				n = 0;
			}
			x.param[x.n_params].key = key;
			x.param[x.n_params].value = w;
			x.n_params++;
			w += n + 1;
		}
	} else if (gaz_rd_left(&r)) {
		rc = gaz_fail(GAZ_EFORMAT, "malformed request-target");
		goto end;
	}
	x.mem = mem;
	mem = NULL;
	*t = x;
	rc = 0;
end:
	free(mem);
	return rc;
}

void gaz_http_target_release(struct gaz_http_target *t)
{
	if (!t)
		return;
	free(t->mem);
	memset(t, 0, sizeof *t);
}

const char *gaz_http_target_param(const struct gaz_http_target *t, const char *key)
{
	size_t i;

	for (i = 0; i < t->n_params; i++)
		if (!strcmp(t->param[i].key, key))
			return t->param[i].value;
	return NULL;
}

static void skip_ows(struct gaz_rd *r)
{
	while (gaz_rd_peek(r) == ' ' || gaz_rd_peek(r) == '\t')
		gaz_rd_skip(r, 1);
}

/* An unsigned decimal of any length, saturating at UINT64_MAX (a position
 * past 2^64 is past the end of any body: RFC 9110 14.1.1 allows any number
 * of digits); GAZ_ENOTFOUND when absent.  The header itself is capped. */
static int range_num(struct gaz_rd *r, uint64_t *v)
{
	uint64_t x = 0;
	int c = gaz_rd_peek(r);

	if (c < '0' || c > '9')
		return GAZ_ENOTFOUND;
	while ((c = gaz_rd_peek(r)) >= '0' && c <= '9') {
		unsigned d = (unsigned)(c - '0');
		x = x > (UINT64_MAX - d) / 10 ? UINT64_MAX : x * 10 + d;
		gaz_rd_skip(r, 1);
	}
	*v = x;
	return 0;
}

int gaz_http_range_parse(const char *value, uint64_t len, uint64_t *first, uint64_t *last)
{
	struct gaz_rd r;
	uint64_t a = 0, b = 0;
	int have_a, have_b;

	if (!value)
		return GAZ_ENOTFOUND;
	gaz_rd_init(&r, value, strnlen(value, 256));
	skip_ows(&r);
	if (gaz_rd_left(&r) < 6 || strncmp((const char *)r.p + r.pos, "bytes=", 6))
		return GAZ_ENOTFOUND;
	gaz_rd_skip(&r, 6);
	skip_ows(&r);
	have_a = range_num(&r, &a) == 0;
	if (gaz_rd_peek(&r) != '-')
		return GAZ_ENOTFOUND;
	gaz_rd_skip(&r, 1);
	have_b = range_num(&r, &b) == 0;
	skip_ows(&r);
	if (gaz_rd_left(&r))
		return GAZ_ENOTFOUND;  /* several ranges or trailing junk */
	if (!have_a && !have_b)
		return GAZ_ENOTFOUND;
	if (!have_a) {                  /* suffix: the last b bytes */
		if (b == 0 || len == 0)
			return GAZ_EINVAL;
		*first = b >= len ? 0 : len - b;
		*last = len - 1;
		return 0;
	}
	if (have_b && b < a)
		return GAZ_ENOTFOUND;   /* invalid syntax: ignore (RFC 9110 14.1.1) */
	if (a >= len)
		return GAZ_EINVAL;
	*first = a;
	*last = have_b && b < len - 1 ? b : len - 1;
	return 0;
}

/* 1 if the list value matches etag; strong: W/ tags never match. */
static int etag_list_match(const char *inm, const char *etag, int strong)
{
	struct gaz_rd r;
	size_t elen;

	if (!inm || !etag)
		return 0;
	elen = strlen(etag);
	gaz_rd_init(&r, inm, strnlen(inm, GAZ_HTTP_HEADERS_MAX));
	for (;;) {
		const unsigned char *tag;
		size_t start;
		int weak;

		while (gaz_rd_peek(&r) == ' ' || gaz_rd_peek(&r) == '\t' ||
		       gaz_rd_peek(&r) == ',')
			gaz_rd_skip(&r, 1);
		if (!gaz_rd_left(&r))
			return 0;
		if (gaz_rd_peek(&r) == '*')
			return 1;
		weak = gaz_rd_peek(&r) == 'W' && gaz_rd_peek_at(&r, 1) == '/';
		if (weak)
			gaz_rd_skip(&r, 2);
		start = r.pos;
		while (gaz_rd_left(&r) && gaz_rd_peek(&r) != ',')
			gaz_rd_skip(&r, 1);
		tag = r.p + start;
		{
			size_t n = r.pos - start;
			while (n && (tag[n - 1] == ' ' || tag[n - 1] == '\t'))
				n--;
			if (n == elen && !memcmp(tag, etag, n) && !(strong && weak))
				return 1;
		}
	}
}

int gaz_http_etag_match(const char *inm, const char *etag)
{
	return etag_list_match(inm, etag, 0);
}

int gaz_http_etag_match_strong(const char *if_match, const char *etag)
{
	return etag_list_match(if_match, etag, 1);
}

int gaz_http_if_range(const char *if_range, const char *etag)
{
	size_t a = 0, n, elen;

	if (!if_range || !etag)
		return 0;
	n = strnlen(if_range, GAZ_HTTP_HEADERS_MAX);
	elen = strlen(etag);
	while (a < n && (if_range[a] == ' ' || if_range[a] == '\t'))
		a++;
	while (n > a && (if_range[n - 1] == ' ' || if_range[n - 1] == '\t'))
		n--;
	/* one strong entity-tag, compared byte for byte; "W/..." and dates fail */
	return n - a == elen && elen && etag[0] == '"' && !memcmp(if_range + a, etag, elen);
}

/*
 * Personal-data scanner (see include/gazette/privacy.h).  The text is read
 * one code point at a time through gaz_utf8_decode with explicit bounds;
 * digit runs are collected whole, so a match is never a slice of a longer
 * number.
 */
#include "gazette/privacy.h"

#include <stdlib.h>
#include <string.h>

/* Longest digit run worth remembering: 13 for +86 and a mobile number. */
#define RUN_KEEP 20

struct scan {
	const unsigned char *s;
	size_t n;
};

/* Decodes the code point at i; invalid bytes read as U+FFFD of length 1. */
static uint32_t cp_at(const struct scan *sc, size_t i, size_t *k)
{
	uint32_t cp = 0;

	if (i >= sc->n) {
		*k = 0;
		return 0;
	}
	*k = gaz_utf8_decode(sc->s + i, sc->n - i, &cp);
	if (!*k) {
		*k = 1;
		cp = 0xFFFD;
	}
	return cp;
}

static int digit_val(uint32_t cp)
{
	if (cp >= '0' && cp <= '9')
		return (int)(cp - '0');
	if (cp >= 0xFF10 && cp <= 0xFF19) /* full-width ０-９ */
		return (int)(cp - 0xFF10);
	return -1;
}

static int is_ascii_letter(uint32_t cp)
{
	return (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') ||
	       (cp >= 0xFF21 && cp <= 0xFF3A) || (cp >= 0xFF41 && cp <= 0xFF5A);
}

static int is_x(uint32_t cp)
{
	return cp == 'X' || cp == 'x' || cp == 0xFF38 || cp == 0xFF58;
}

/* Glued to a number: digits and Latin letters (codes like 91110000MA01X),
 * and '*' — digits next to it are a number already masked
 * (110105********1238), whose visible parts must not match again. */
static int is_alnum(uint32_t cp)
{
	return digit_val(cp) >= 0 || is_ascii_letter(cp) || cp == '*' || cp == 0xFF0A;
}

struct run {
	char d[RUN_KEEP + 1]; /* ASCII digits (first RUN_KEEP), NUL-terminated */
	size_t nd;            /* total digits in the run */
	size_t start, end;    /* byte span */
	size_t chars;         /* code points in the run */
};

static void take_run(const struct scan *sc, size_t i, struct run *r)
{
	size_t k;
	int v;

	r->nd = 0;
	r->chars = 0;
	r->start = i;
	while (i < sc->n && (v = digit_val(cp_at(sc, i, &k))) >= 0) {
		if (r->nd < RUN_KEEP)
			r->d[r->nd] = (char)('0' + v);
		r->nd++;
		r->chars++;
		i += k;
	}
	r->d[r->nd < RUN_KEEP ? r->nd : RUN_KEEP] = '\0';
	r->end = i;
}

static const unsigned char province[] = {
	11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43,
	44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83
};

static int province_ok(const char *d)
{
	unsigned code = (unsigned)(d[0] - '0') * 10 + (unsigned)(d[1] - '0');
	size_t i;

	for (i = 0; i < sizeof province; i++)
		if (province[i] == code)
			return 1;
	return 0;
}

static unsigned num(const char *d, size_t n)
{
	unsigned v = 0;

	while (n--)
		v = v * 10 + (unsigned)(*d++ - '0');
	return v;
}

static int date_ok(unsigned y, unsigned m, unsigned d)
{
	static const unsigned char mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	unsigned lim;

	if (y < 1900 || y > 2099 || m < 1 || m > 12 || d < 1)
		return 0;
	lim = mdays[m - 1];
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		lim = 29;
	return d <= lim;
}

char gaz_privacy_id18_check(const char *id)
{
	static const unsigned char w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	static const char chk[] = "10X98765432";
	unsigned sum = 0;
	int i;

	for (i = 0; i < 17; i++) {
		if (id[i] < '0' || id[i] > '9')
			return 0;
		sum += (unsigned)(id[i] - '0') * w[i];
	}
	return chk[sum % 11];
}

int gaz_privacy_id18_valid(const char *id)
{
	char c = gaz_privacy_id18_check(id);
	char last = id[17] == 'x' ? 'X' : id[17];

	return c && c == last && province_ok(id) &&
	       date_ok(num(id + 6, 4), num(id + 10, 2), num(id + 12, 2));
}

static int id15_valid(const char *id)
{
	return province_ok(id) &&
	       date_ok(1900 + num(id + 6, 2), num(id + 8, 2), num(id + 10, 2));
}

static int mobile_ok(const char *d)
{
	return d[0] == '1' && d[1] >= '3' && d[1] <= '9';
}

/* keep `head` digits, then `stars` '*', then the last `tail` characters. */
static void mask(char *out, const char *d, size_t len, size_t head, size_t stars)
{
	size_t i, o = 0;

	for (i = 0; i < head; i++)
		out[o++] = d[i];
	for (i = 0; i < stars; i++)
		out[o++] = '*';
	for (i = head + stars; i < len; i++)
		out[o++] = d[i];
	out[o] = '\0';
}

static int sep_at(const struct scan *sc, size_t i, uint32_t *sep, size_t *k)
{
	*sep = cp_at(sc, i, k);
	return *sep == '-' || *sep == ' ' || *sep == 0xFF0D || *sep == 0x3000;
}

int gaz_privacy_scan(const char *text, size_t n, gaz_pii_fn fn, void *arg)
{
	struct scan sc = { (const unsigned char *)text, n };
	uint32_t prev = 0, next, cp;
	size_t i = 0, col = 1, k, k2;
	struct gaz_pii hit;
	struct run r;
	int rc;

	while (i < n) {
		cp = cp_at(&sc, i, &k);
		if (digit_val(cp) < 0 || is_alnum(prev)) {
			prev = cp;
			i += k;
			col++;
			continue;
		}
		take_run(&sc, i, &r);
		next = cp_at(&sc, r.end, &k2);
		memset(&hit, 0, sizeof hit);
		hit.off = r.start;
		hit.col = col;
		if (r.nd == 17 && is_x(next) && !is_alnum(cp_at(&sc, r.end + k2, &k))) {
			char id[19];
			memcpy(id, r.d, 17);
			id[17] = 'X';
			id[18] = '\0';
			if (gaz_privacy_id18_valid(id)) {
				hit.kind = GAZ_PII_ID18;
				mask(hit.masked, id, 18, 6, 8);
				r.end += k2;
				r.chars++;
			}
		} else if (!is_alnum(next) && r.nd == 18) {
			if (gaz_privacy_id18_valid(r.d)) {
				hit.kind = GAZ_PII_ID18;
				mask(hit.masked, r.d, 18, 6, 8);
			}
		} else if (!is_alnum(next) && r.nd == 15) {
			if (id15_valid(r.d)) {
				hit.kind = GAZ_PII_ID15;
				mask(hit.masked, r.d, 15, 6, 6);
			}
		} else if (!is_alnum(next) && r.nd == 11) {
			if (mobile_ok(r.d)) {
				hit.kind = GAZ_PII_MOBILE;
				mask(hit.masked, r.d, 11, 3, 4);
			}
		} else if (!is_alnum(next) && r.nd == 13 && prev == '+' &&
			   r.d[0] == '8' && r.d[1] == '6' && mobile_ok(r.d + 2)) {
			hit.kind = GAZ_PII_MOBILE;
			mask(hit.masked, r.d + 2, 11, 3, 4);
		} else if (r.nd == 3 && mobile_ok(r.d)) {
			/* 138-1234-5678 / 138 1234 5678 */
			uint32_t s1, s2;
			size_t j = r.end, c = r.chars;
			struct run a, b;
			char d[12];
			if (sep_at(&sc, j, &s1, &k)) {
				take_run(&sc, j + k, &a);
				if (a.nd == 4 && sep_at(&sc, a.end, &s2, &k2) && s2 == s1) {
					take_run(&sc, a.end + k2, &b);
					if (b.nd == 4 && !is_alnum(cp_at(&sc, b.end, &k))) {
						memcpy(d, r.d, 3);
						memcpy(d + 3, a.d, 4);
						memcpy(d + 7, b.d, 4);
						d[11] = '\0';
						hit.kind = GAZ_PII_MOBILE;
						mask(hit.masked, d, 11, 3, 4);
						c += 2 + a.chars + b.chars;
						r.end = b.end;
						r.chars = c;
					}
				}
			}
		}
		if (hit.kind) {
			hit.len = r.end - r.start;
			if ((rc = fn(arg, &hit)))
				return rc;
		}
		/* Continue after the run (or the X / separated groups taken). */
		col += r.chars;
		i = r.end;
		prev = '0';
	}
	return 0;
}

static int count_fn(void *arg, const struct gaz_pii *hit)
{
	(void)hit;
	(*(size_t *)arg)++;
	return 0;
}

size_t gaz_privacy_count(const char *s, size_t n)
{
	size_t c = 0;

	gaz_privacy_scan(s, n, count_fn, &c);
	return c;
}

struct redact {
	const char *s;
	size_t done;
	struct gaz_buf b;
};

static int redact_fn(void *arg, const struct gaz_pii *hit)
{
	struct redact *x = arg;
	int rc;

	if ((rc = gaz_buf_add(&x->b, x->s + x->done, hit->off - x->done)) ||
	    (rc = gaz_buf_addstr(&x->b, hit->masked)))
		return rc;
	x->done = hit->off + hit->len;
	return 0;
}

int gaz_privacy_redact(const char *s, size_t n, size_t max, char **out, size_t *outlen)
{
	struct redact x = { s, 0, GAZ_BUF_INIT(max) };
	size_t len;
	char *p;
	int rc;

	if ((rc = gaz_privacy_scan(s, n, redact_fn, &x)) ||
	    (rc = gaz_buf_add(&x.b, s + x.done, n - x.done)))
		goto end;
	if (!(p = gaz_buf_detach(&x.b, &len))) {
		rc = GAZ_ENOMEM;
		goto end;
	}
	*out = p;
	if (outlen)
		*outlen = len;
end:
	gaz_buf_release(&x.b);
	return rc;
}

const char *gaz_pii_name(enum gaz_pii_kind kind)
{
	switch (kind) {
	case GAZ_PII_ID18: return "resident ID number";
	case GAZ_PII_ID15: return "15-digit resident ID number";
	case GAZ_PII_MOBILE: return "mobile phone number";
	}
	return "personal data";
}

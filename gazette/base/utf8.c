#include "gazette/base.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

size_t gaz_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c, min;
	size_t len, i;

	*cp = 0xFFFD;
	if (!n)
		return 0;
	c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	/* The common case in Chinese text, three bytes, without the loop. */
	if ((c & 0xF0) == 0xE0 && n >= 3 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80) {
		c = (c & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
		if (c < 0x800 || (c >= 0xD800 && c <= 0xDFFF))
			return 0;
		*cp = c;
		return 3;
	}
	if ((c & 0xE0) == 0xC0) {
		len = 2, min = 0x80, c &= 0x1F;
	} else if ((c & 0xF0) == 0xE0) {
		len = 3, min = 0x800, c &= 0x0F;
	} else if ((c & 0xF8) == 0xF0) {
		len = 4, min = 0x10000, c &= 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return len;
}

size_t gaz_utf8_encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	} else if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	} else if (cp < 0x10000) {
		if (cp >= 0xD800 && cp <= 0xDFFF)
			return 0;
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	} else if (cp <= 0x10FFFF) {
		out[0] = (char)(0xF0 | (cp >> 18));
		out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[3] = (char)(0x80 | (cp & 0x3F));
		return 4;
	}
	return 0;
}

/* Well-formed sequences (Unicode 15, table 3-7): the same set that
 * gaz_utf8_decode accepts, checked byte by byte without building the
 * scalar value, with ASCII taken eight bytes at a time.  Every record read
 * from the archive goes through here. */
static const unsigned char lead3[256] = {
	[0xE1] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* E1–EC */
	[0xEE] = 1, 1,                               /* EE, EF */
};

/* Length (2 to 4) of the well-formed multi-byte sequence that starts
 * s[0..n) (s[0] ≥ 0x80): no overlong form, no surrogate, nothing above
 * U+10FFFF; 0 if there is none. */
static inline size_t seq_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0], lo = 0x80, hi = 0xBF;
	size_t len;

	if (c >= 0xC2 && c <= 0xDF)
		len = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		len = 3, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
	else if (c >= 0xF0 && c <= 0xF4)
		len = 4, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
	else
		return 0;
	if (n < len || s[1] < lo || s[1] > hi || (len > 2 && (s[2] & 0xC0) != 0x80) ||
	    (len > 3 && (s[3] & 0xC0) != 0x80))
		return 0;
	return len;
}

/* The validator; no_nul (a constant at each call, so the compiler makes
 * two of it) also refuses NUL, tested in the same pass: the eight-byte
 * ASCII step stops at a byte ≥ 0x80 or, with no_nul, at a zero byte. */
static inline int scan(const unsigned char *s, size_t n, size_t *bad_off, int no_nul)
{
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	size_t i = 0, len;
	unsigned c;
	uint64_t w;

	while (i < n) {
		c = s[i];
		if (c < 0x80) {
			if (no_nul && !c)
				goto bad;
			for (i++; n - i >= 8; i += 8) {
				memcpy(&w, s + i, 8);
				if ((no_nul ? w | ((w - ones) & ~w) : w) & highs)
					break;
			}
			continue;
		}
		/* Runs of Han and most other BMP text: a lead whose second byte
		 * may be any of 80–BF, and two such bytes. */
		while (lead3[c] && n - i >= 3 &&
		       ((s[i + 1] ^ 0x80u) | (s[i + 2] ^ 0x80u)) < 0x40u) {
			if ((i += 3) == n)
				return 0;
			c = s[i];
		}
		if (c < 0x80)
			continue;
		if (!(len = seq_len(s + i, n - i)))
			goto bad;
		i += len;
	}
	return 0;
bad:
	if (bad_off)
		*bad_off = i;
	return GAZ_EFORMAT;
}

int gaz_utf8_validate(const unsigned char *s, size_t n, size_t *bad_off)
{
	return scan(s, n, bad_off, 0);
}

int gaz_utf8_validate_text(const unsigned char *s, size_t n, size_t *bad_off)
{
	return scan(s, n, bad_off, 1);
}

size_t gaz_utf8_count(const char *s, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			c++;
	return c;
}

char *gaz_utf8_repair(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, o = 0, k;
	uint32_t cp;
	char *out;

	/* each invalid byte becomes 3 bytes at most */
	if (n > (SIZE_MAX - 1) / 3 || !(out = malloc(n * 3 + 1)))
		return NULL;
	while (i < n) {
		k = gaz_utf8_decode(p + i, n - i, &cp);
		if (k) {
			memcpy(out + o, p + i, k);
			o += k;
			i += k;
		} else {
			memcpy(out + o, "\xEF\xBF\xBD", 3);
			o += 3;
			i++;
		}
	}
	out[o] = '\0';
	return out;
}

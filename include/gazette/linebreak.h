/*
 * gazette/linebreak.h — Chinese line breaking and justification.
 *
 * Two steps, both pure functions of their input (no fonts, no pages):
 *
 *  1. gaz_lb_opportunities(): where a line may end.  UAX #14 (libunibreak)
 *     gives the base opportunities; the clreq rules of W3C "Requirements for
 *     Chinese Text Layout" are then enforced on top, so they hold whatever the
 *     Unicode data says: no break before a character gaz_lb_no_start() names
 *     (closing punctuation, small kana-like marks), none after one
 *     gaz_lb_no_end() names (opening brackets and quotes), none inside ——
 *     or ……, none inside a run of Latin letters/digits or between a number
 *     and the ideograph that follows it (2018年, 12345热线).
 *
 *  2. gaz_lb_fit(): greedy line filling over those opportunities with the
 *     standard Chinese fix-ups.  When the character that no longer fits may
 *     not start a line, the line either takes it by squeezing punctuation
 *     (标点挤压: a full-width ，。、；：or bracket gives up to half an em —
 *     at the line end first, then where two punctuation marks meet inside
 *     the line) or, if squeezing cannot make room, the line ends at the
 *     previous opportunity and the last characters move down (推出).  Every
 *     line but the paragraph's last is then justified: the slack is spread
 *     evenly between characters, which the PDF draws as character spacing
 *     (Tc).  Trailing spaces hang in the margin.
 *
 * See docs/typesetting.md for the rules with examples.
 */
#ifndef GAZETTE_LINEBREAK_H
#define GAZETTE_LINEBREAK_H

#include "gazette/base.h"

#ifdef __cplusplus
extern "C" {
#endif

#define GAZ_LB_MAX_CHARS (1u << 20) /* one paragraph, in characters */

/* True for a character that must not begin a line (clreq 行首禁则):
 * ，。、；：？！ and their ASCII forms, closing brackets and quotes
 * ）》」』】〕〗〉］｝”’, …, —, ·, small kana and iteration marks. */
int gaz_lb_no_start(uint32_t cp);
/* True for a character that must not end a line (行尾禁则): opening
 * brackets and quotes （《「『【〔〖〈［｛“‘ and their ASCII forms. */
int gaz_lb_no_end(uint32_t cp);

/* Fills brk[i] (n entries) with 1 if a line may end after cps[i], else 0.
 * brk[n-1] is 1.  GAZ_ENOMEM, or GAZ_ETOOBIG beyond GAZ_LB_MAX_CHARS. */
int gaz_lb_opportunities(const uint32_t *cps, size_t n, unsigned char *brk);

/* One character to set.  The caller fills cp and w; gaz_lb_fit() computes
 * the squeezable amounts and writes the cuts it applied. */
struct gaz_lb_char {
	uint32_t cp;
	float w;        /* natural advance in pt, tracking included */
	float em;       /* font size in pt: punctuation narrower than ~1 em is
			   never squeezed, wider is squeezed to no less than
			   half an em */
	float cut_l;    /* out: pt removed before the glyph (its ink moves left) */
	float cut_r;    /* out: pt removed after the glyph */
};

struct gaz_lb_line {
	size_t start, end; /* characters [start, end) */
	float x0;          /* left offset of the line (first-line indent) */
	float width;       /* set width: sum of (w - cuts) + gaps * space, trailing
			      spaces excluded */
	float space;       /* extra space after every character (justification) */
	int last;          /* the paragraph's last line (not justified) */
};

/* Breaks chars[0..n) into lines of `measure` pt, the first line indented
 * by `indent` pt (and narrower by as much); `hang` pt indents every
 * following line (hanging indent; 0 for none).  With justify, every line
 * but the last is set to exactly its measure.  If a stretch of text without
 * any opportunity is longer than a line (a long URL), it is broken between
 * characters, still never before a gaz_lb_no_start() character when that
 * can be avoided.  *lines is malloc'ed (caller frees), *n_lines ≥ 1 when n
 * ≥ 1.  GAZ_EINVAL if measure ≤ 0 or the indent leaves no room; GAZ_ENOMEM;
 * GAZ_ETOOBIG. */
int gaz_lb_fit(struct gaz_lb_char *chars, size_t n, const unsigned char *brk,
	       float measure, float indent, float hang, int justify,
	       struct gaz_lb_line **lines, size_t *n_lines);

/* Breaks a title (GB/T 9704 §7.3.3: 词意完整，排列对称): the fewest lines
 * the title needs at `measure` (one more if that avoids splitting a word),
 * as even as possible (least Σ slack²), turning preferably before 关于 or
 * 《, after 》, punctuation or a year (2018年), less gladly after 的 or the
 * end of an organisation's name, and hardly ever inside a frequent
 * two-character word.  Lines are not justified (the caller centres them).
 * Titles longer than 240 characters or 5 lines are broken like
 * gaz_lb_fit().  Ownership and errors as gaz_lb_fit(). */
int gaz_lb_fit_balanced(struct gaz_lb_char *chars, size_t n, const unsigned char *brk,
			float measure, struct gaz_lb_line **lines, size_t *n_lines);

#ifdef __cplusplus
}
#endif
#endif

/* libFuzzer harness: Chinese line breaking on arbitrary text.  The first
 * byte picks the measure (3–40 em) and the mode; the rest is decoded as
 * UTF-8 (bad bytes become U+FFFD).  Whatever the text, the lines must
 * cover it exactly, in order, each non-empty, and a line that was not
 * forced (no opportunity fitted) never starts with a forbidden mark. */
#include "gazette/linebreak.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	uint32_t *cps = NULL;
	struct gaz_lb_char *c = NULL;
	unsigned char *brk = NULL;
	struct gaz_lb_line *ln = NULL;
	size_t n = 0, i = 1, k, nl = 0;
	const float em = 16;
	float measure;
	int mode;

	if (size < 2 || size > 4096)
		return 0;
	measure = (float)(3 + data[0] % 38) * em; /* > the 2-em indent */
	mode = data[0] / 39 % 4;
	if (!(cps = malloc(size * sizeof *cps)) || !(c = calloc(size, sizeof *c)) ||
	    !(brk = malloc(size)))
		goto end;
	while (i < size) {
		uint32_t cp;
		k = gaz_utf8_decode(data + i, size - i, &cp);
		if (!k)
			k = 1;
		cps[n] = cp;
		c[n].cp = cp;
		c[n].em = em;
		c[n].w = cp < 0x80 ? em / 2 : cp == 0x200B ? 0 : em;
		n++;
		i += k;
	}
	if (gaz_lb_opportunities(cps, n, brk))
		abort();
	if (!brk[n - 1])
		abort();
	if (mode == 3 ? gaz_lb_fit_balanced(c, n, brk, measure, &ln, &nl)
		      : gaz_lb_fit(c, n, brk, measure, mode == 1 ? 2 * em : 0,
				   mode == 2 ? em : 0, mode != 0, &ln, &nl))
		abort();
	for (i = 0, k = 0; i < nl; i++) {
		if (ln[i].start != k || ln[i].end <= ln[i].start || ln[i].end > n)
			abort();
		/* A break the opportunities allowed obeys clreq. */
		if (i && brk[ln[i].start - 1] && gaz_lb_no_start(cps[ln[i].start]))
			abort();
		if (ln[i].width != ln[i].width || ln[i].space != ln[i].space)
			abort(); /* NaN */
		k = ln[i].end;
	}
	if (k != n || (nl && !ln[nl - 1].last))
		abort();
end:
	free(ln);
	free(cps);
	free(c);
	free(brk);
	return 0;
}

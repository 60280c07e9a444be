/* libFuzzer harness: the personal-data scanner on arbitrary bytes, with an
 * oracle.  Every hit must lie inside the input, in order, without overlap,
 * with a masked form of the right shape; redacting must leave nothing to
 * find, and redacting twice must change nothing. */
#include "gazette/privacy.h"

#include <stdlib.h>
#include <string.h>

struct state {
	size_t n, end;
};

static int check_hit(void *arg, const struct gaz_pii *h)
{
	struct state *st = arg;
	size_t ml = strlen(h->masked);

	if (h->off < st->end || h->len == 0 || h->off + h->len > st->n || h->col == 0)
		abort();
	if ((h->kind == GAZ_PII_ID18 && ml != 18) || (h->kind == GAZ_PII_ID15 && ml != 15) ||
	    (h->kind == GAZ_PII_MOBILE && ml != 11))
		abort();
	if (!strchr(h->masked, '*'))
		abort();
	st->end = h->off + h->len;
	return 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct state st = { size, 0 };
	char *r1 = NULL, *r2 = NULL;
	size_t n1, n2, cap;

	if (size > (1u << 16))
		return 0;
	gaz_privacy_scan((const char *)data, size, check_hit, &st);
	cap = 2 * size + 64;
	if (gaz_privacy_redact((const char *)data, size, cap, &r1, &n1))
		abort(); /* masks are never longer than what they replace */
	if (n1 > size)
		abort();
	if (gaz_privacy_count(r1, n1))
		abort();
	if (gaz_privacy_redact(r1, n1, cap, &r2, &n2) || n2 != n1 || memcmp(r1, r2, n1))
		abort();
	free(r1);
	free(r2);
	return 0;
}

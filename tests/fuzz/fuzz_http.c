/* Fuzzes the request-target and query-string parser and the Range and
 * If-None-Match parsers: every decoded piece must be valid UTF-8 without
 * NUL or control bytes, and never "." or "..". */
#include "gazette/http.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct gaz_http_target t;
	uint64_t a, b;
	size_t i, bad;
	char *s;

	if (gaz_http_target_parse((const char *)data, size, &t) == 0) {
		for (i = 0; i < t.n_segs; i++) {
			size_t n = strlen(t.seg[i]);
			if (!n || !strcmp(t.seg[i], ".") || !strcmp(t.seg[i], "..") ||
			    gaz_utf8_validate((const unsigned char *)t.seg[i], n, &bad))
				abort();
		}
		for (i = 0; i < t.n_params; i++) {
			const char *k = t.param[i].key, *v = t.param[i].value;
			if (gaz_utf8_validate((const unsigned char *)k, strlen(k), &bad) ||
			    gaz_utf8_validate((const unsigned char *)v, strlen(v), &bad))
				abort();
			for (; *v; v++)
				if ((unsigned char)*v < 0x20 || *v == 0x7f)
					abort();
		}
		gaz_http_target_release(&t);
	}
	if (!(s = malloc(size + 1)))
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (gaz_http_range_parse(s, 1000, &a, &b) == 0 && (a > b || b >= 1000))
		abort();
	gaz_http_etag_match(s, "\"sha256-00\"");
	if (gaz_http_etag_match_strong(s, "\"sha256-00\"") && !gaz_http_etag_match(s, "\"sha256-00\""))
		abort();   /* strong matches are a subset of weak ones */
	gaz_http_if_range(s, "\"sha256-00\"");
	free(s);
	return 0;
}

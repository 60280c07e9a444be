/*
 * A received document's catalog header (the `键：值` lines before the first
 * blank line), read with the bounded reader: submissions are untrusted.
 */
#include "archive/store.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

/* Header lines beyond this are not a header. */
#define SUB_HEADER_LINES 64

static void trim(const unsigned char **p, size_t *n)
{
	for (;;) {
		if (*n && ((*p)[0] == ' ' || (*p)[0] == '\t')) {
			(*p)++, (*n)--;
		} else if (*n >= 3 && !memcmp(*p, "\xe3\x80\x80", 3)) { /* U+3000 */
			*p += 3, *n -= 3;
		} else if (*n && ((*p)[*n - 1] == ' ' || (*p)[*n - 1] == '\t')) {
			(*n)--;
		} else if (*n >= 3 && !memcmp(*p + *n - 3, "\xe3\x80\x80", 3)) {
			*n -= 3;
		} else {
			return;
		}
	}
}

static int set_field(char **dst, const unsigned char *v, size_t n, const char *key)
{
	char *s;

	if (n > GAZ_AR_DOCNO_MAX && (!strcmp(key, "发文字号") || !strcmp(key, "索引号")))
		return gaz_fail(GAZ_ETOOBIG, "%s: over %d bytes", key, GAZ_AR_DOCNO_MAX);
	if (n > GAZ_AR_FIELD_MAX)
		return gaz_fail(GAZ_ETOOBIG, "%s: over %d bytes", key, GAZ_AR_FIELD_MAX);
	if (*dst)
		return gaz_fail(GAZ_EFORMAT, "%s appears twice", key);
	if (!(s = malloc(n + 1)))
		return GAZ_ENOMEM;
	memcpy(s, v, n);
	s[n] = '\0';
	*dst = s;
	return 0;
}

int gaz_submission_parse(const void *bytes, size_t len, const char *file,
			 struct gaz_ar_submission *out)
{
	struct gaz_ar_submission s = { 0 };
	struct gaz_rd r;
	const unsigned char *line;
	size_t n, bad, lines = 0;
	int rc = 0;

	if (len > GAZ_DOC_MAX_BYTES)
		return gaz_fail(GAZ_ETOOBIG, "%s: over %u bytes", file ? file : "submission",
				(unsigned)GAZ_DOC_MAX_BYTES);
	if (gaz_utf8_validate(bytes, len, &bad))
		return gaz_fail(GAZ_EFORMAT, "%s: not UTF-8 (byte %zu)", file ? file : "submission",
				bad);
	gaz_rd_init(&r, bytes, len);
	if (len >= 3 && !memcmp(bytes, "\xef\xbb\xbf", 3))
		gaz_rd_skip(&r, 3);
	while (!gaz_rd_line(&r, &line, &n)) {
		const unsigned char *colon, *v;
		size_t kl, vl, cl;
		char **dst = NULL;

		trim(&line, &n);
		if (!n) {
			if (lines)
				break;  /* the blank line that ends the header */
			continue;
		}
		if (++lines > SUB_HEADER_LINES)
			break;
		if (n && line[0] == '#')
			continue;
		colon = NULL;
		cl = 0;
		for (size_t i = 0; i < n; i++) {
			if (line[i] == ':') {
				colon = line + i, cl = 1;
				break;
			}
			if (i + 3 <= n && !memcmp(line + i, "\xef\xbc\x9a", 3)) {
				colon = line + i, cl = 3;
				break;
			}
		}
		if (!colon)
			continue;
		kl = (size_t)(colon - line);
		v = colon + cl;
		vl = n - kl - cl;
		trim(&v, &vl);
		trim(&line, &kl);
#define KEY(name, field) \
	else if (kl == sizeof name - 1 && !memcmp(line, name, kl)) dst = &s.field
		if (0) {}
		KEY("发文字号", doc_no);
		KEY("索引号", index_no);
		KEY("文件标题", title);
		KEY("发布机构", issuer);
		KEY("发布日期", published);
#undef KEY
		if (dst && (rc = set_field(dst, v, vl, dst == &s.doc_no ? "发文字号"
							 : dst == &s.index_no ? "索引号" : "field")))
			goto fail;
	}
	if (!s.doc_no || !*s.doc_no) {
		rc = gaz_fail(GAZ_EFORMAT, "%s: no 发文字号 in the header", file ? file : "submission");
		goto fail;
	}
#define DEF(f) if (!s.f && !(s.f = strdup(""))) { rc = GAZ_ENOMEM; goto fail; }
	DEF(index_no) DEF(title) DEF(issuer) DEF(published)
#undef DEF
	if (!(s.file = strdup(file ? file : ""))) {
		rc = GAZ_ENOMEM;
		goto fail;
	}
	SHA256(bytes, len, s.sha256);
	*out = s;
	return 0;
fail:
	ar_submission_release(&s);
	return rc;
}

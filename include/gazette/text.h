/*
 * gazette/text.h — Chinese text helpers shared by the parser, the checker
 * and the typesetter: trimming, recognising what a paragraph is, document
 * numbers, dates, verification codes.  All functions take UTF-8 and never
 * read outside [s, s + n).
 */
#ifndef GAZETTE_TEXT_H
#define GAZETTE_TEXT_H

#include "gazette/issue.h"

#ifdef __cplusplus
extern "C" {
#endif

/* True for ASCII blanks, U+3000 IDEOGRAPHIC SPACE, U+00A0, U+FEFF. */
int gaz_text_is_space(uint32_t cp);
/* Narrows the span (s, n) past leading and trailing spaces (as above). */
void gaz_text_trim(const char **s, size_t *n);

/* What a trimmed paragraph is from its own text alone (headings, 附件,
 * date line, note, document number); GAZ_BLK_PARA otherwise. */
enum gaz_block_kind gaz_text_classify(const char *s, size_t n);

/* A short line without sentence punctuation (≤ 40 characters): candidate
 * 落款 organisation or title inside a body. */
int gaz_text_is_short_label(const char *s);
/* A 主送 line: ends with ：/:, ≤ 120 characters, no 。 */
int gaz_text_is_addressee(const char *s);

/* A well-formed document number 机关代字〔YYYY〕N号, e.g. 鞍政办公开〔2023〕17号.
 * On success *year is YYYY. */
int gaz_text_is_doc_number(const char *s, size_t n, int *year);

/* Parses a date "YYYY-MM-DD" that exists in the calendar; returns 0 and
 * the date as days since 1970-01-01 (for comparisons), or GAZ_EFORMAT. */
int gaz_text_parse_date(const char *s, long *days);

/* Parses a decimal "[+-]D[.F]" (1–6 integer digits, up to 6 fraction
 * digits, nothing else) without locale or strtod: 0, or GAZ_EFORMAT. */
int gaz_text_parse_decimal(const char *s, double *out);

/* A well-formed 索引号 (public-catalog index number): an organisation code
 * of 9 or 18 characters [0-9A-Z], '/', a 4-digit year, '-', 1–6 digits,
 * e.g. 11500114009130039C/2018-00979.  On success *year is the year. */
int gaz_text_is_index_number(const char *s, size_t n, int *year);

/* If the line is web-page debris left by a crawl (breadcrumbs "您当前位置",
 * "首页 > …", ">>", "登录 注册", "附件下载", "来源：… 时间：…", "点击：",
 * print/close/share buttons, template names like "通用右侧嵌套"), a short
 * static English description of what it is; else NULL. */
const char *gaz_text_debris(const char *s, size_t n);

/* Han ideographs (CJK Unified Ideographs, extensions A and B+). */
int gaz_text_is_han(uint32_t cp);

/* Writes the 10-character verification code (+NUL) for a document:
 * Crockford base32 of the first 50 bits of
 * SHA-256("gazette-doc-v1\n" doc_no "\n" text). */
void gaz_text_doc_code(const char *doc_no, const char *text, size_t len, char out[11]);

/* Normalises a verification code as a person types it (Crockford base32):
 * ASCII letters upper-cased, I and L read as 1, O as 0, spaces, tabs and
 * hyphens dropped; other bytes are kept as they are.  Writes at most n-1
 * bytes and a NUL to out (n >= 11 holds any valid code).  Returns 1 if
 * the result is a well-formed code (10 characters of the alphabet that
 * gaz_text_doc_code writes), else 0 (out still holds what was read). */
int gaz_text_code_normalise(const char *in, char *out, size_t n);

#ifdef __cplusplus
}
#endif
#endif

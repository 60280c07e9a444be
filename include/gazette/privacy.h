/*
 * gazette/privacy.h — finding personal data that must be de-identified
 * (去标识化) before a document is published.
 *
 * What is found (digits may be ASCII or full-width ０-９):
 *  - GAZ_PII_ID18: an 18-character resident identity number (GB 11643):
 *    a plausible province code (the first two digits are one of the codes
 *    in use: 11–15, 21–23, 31–37, 41–46, 50–54, 61–65, 71, 81, 82, 83),
 *    a birth date YYYYMMDD that exists (1900–2099), and a correct ISO 7064
 *    MOD 11-2 check character (0–9 or X/x).  All three must hold, so an
 *    18-digit run that is not an ID number (an index number, an account)
 *    is not reported.
 *  - GAZ_PII_ID15: a 15-digit first-generation ID number (province code
 *    as above, real birth date 19YYMMDD).  It has no check digit, so
 *    callers treat it as a warning.
 *  - GAZ_PII_MOBILE: a mainland mobile number, 1[3-9] and 9 more digits,
 *    also written 138-1234-5678 / 138 1234 5678 / +86 13812345678.
 *
 * A number counts only as a whole: a run of digits that is longer (or
 * glued to ASCII letters, as in 11220100MB1533208X, or to '*', as in a
 * number already masked) is not split into a match.  Dates (2018-07-19), document numbers (〔2018〕67号), landline
 * numbers (010-12345678) and index numbers never match.
 *
 * Hits carry a masked form that is safe to print or log: the full number
 * is never put into a message by this module.
 */
#ifndef GAZETTE_PRIVACY_H
#define GAZETTE_PRIVACY_H

#include "gazette/base.h"

#ifdef __cplusplus
extern "C" {
#endif

enum gaz_pii_kind {
	GAZ_PII_ID18 = 1,
	GAZ_PII_ID15,
	GAZ_PII_MOBILE
};

struct gaz_pii {
	enum gaz_pii_kind kind;
	size_t off, len;  /* byte span of the number in the scanned text */
	size_t col;       /* 1-based character (code point) column of off */
	/* ASCII, NUL-terminated, the birth date hidden: 110105********1234,
	 * 110105******123, 138****5678 */
	char masked[24];
};

/* Called once per hit, in text order.  A non-zero return stops the scan and
 * becomes gaz_privacy_scan's return value. */
typedef int (*gaz_pii_fn)(void *arg, const struct gaz_pii *hit);

/* Scans s[0..n) (UTF-8; invalid bytes are skipped as non-digits) and calls
 * fn for every hit.  Returns 0, or the first non-zero value fn returned. */
int gaz_privacy_scan(const char *s, size_t n, gaz_pii_fn fn, void *arg);

/* Number of hits in s[0..n) (0 if none). */
size_t gaz_privacy_count(const char *s, size_t n);

/* 1 if id[0..18) (ASCII digits, last may be X/x) is a valid 18-character
 * ID number under the rules above, else 0. */
int gaz_privacy_id18_valid(const char *id);

/* The ISO 7064 MOD 11-2 check character ('0'–'9' or 'X') for the first 17
 * ASCII digits of id; 0 if one of them is not a digit. */
char gaz_privacy_id18_check(const char *id);

/* A copy of s[0..n) with every hit replaced by its masked form, for pages
 * and exports that must show text with personal data removed.  *out is
 * malloc'ed and NUL-terminated (free() it), *outlen its length.  Errors:
 * GAZ_ETOOBIG if the result would exceed max bytes, GAZ_ENOMEM.  On error
 * *out is untouched. */
int gaz_privacy_redact(const char *s, size_t n, size_t max, char **out, size_t *outlen);

/* Static English name of a kind: "resident ID number", ... */
const char *gaz_pii_name(enum gaz_pii_kind kind);

#ifdef __cplusplus
}
#endif
#endif

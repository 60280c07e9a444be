/* archive/rec.h — private: record encoding, keys and DBI names shared by the
 * archive's source files.  The public side is include/gazette/archive.h;
 * the byte layouts are documented in docs/archive.md. */
#ifndef GAZETTE_ARCHIVE_REC_H
#define GAZETTE_ARCHIVE_REC_H

#include "gazette/archive.h"

/* First byte of every record value and of every blob value. */
#define GAZ_REC_FORMAT 1
#define GAZ_BLOB_RAW   1

/* Longest string part of an index key (LMDB's default key limit is 511
 * bytes).  发文字号 / 索引号 longer than this are refused at publish; facet
 * values (issuer, subject…) are cut to it and checked against the record. */
#define GAZ_AR_KEY_MAX 400

/* Prefix bytes in the "index" DBI. */
enum {
	IX_DOCNO = 'N', IX_INDEXNO = 'X', IX_CODE = 'C', IX_SHA = 'H',
	IX_SUB_SHA = 'U', IX_SUB_DOCNO = 'B'
	/* facets use enum gaz_ar_facet: 'I', 'S', 'G', 'D' */
};

/* Internal records without a public struct. */
struct ar_audit {
	uint64_t seq;
	int64_t time;
	char *who, *action, *subject, *detail;
};
struct ar_meta {
	unsigned schema;
	char *program;
};

/* Encoders append one complete record value to b (capped at
 * GAZ_AR_RECORD_MAX).  Strings are validated (UTF-8, no NUL, caps):
 * GAZ_ETOOBIG / GAZ_EINVAL name the field. */
int rec_encode(enum gaz_rec_type type, const void *in, struct gaz_buf *b);
/* gaz_rec_decode() plus the two internal types. */
void ar_audit_release(struct ar_audit *a);
void ar_meta_release(struct ar_meta *m);
void ar_event_release(struct gaz_ar_event *e);
void ar_submission_release(struct gaz_ar_submission *s);

/* The table-driven decoder behind gaz_rec_decode (which takes a faster
 * path for document records and falls back to this one to name a fault);
 * the fuzzer and tests compare the two. */
int rec_decode_table(enum gaz_rec_type type, const void *p, size_t len, void *out);

/* A document record split into its fields in place (pointers into the
 * record), tag order: 0 id, 1 year, 2 number, 3 version, 4 position,
 * 5 发文字号, 6 索引号, 7 … 15 the other strings, 16 verification code,
 * 17 text SHA-256, 18 text length, 19 first page, 20 last page.  Checks the
 * frame only: format and type bytes, every tag in order, canonical lengths
 * inside the record, fixed widths, no trailing bytes; strings are NOT
 * checked for UTF-8 (gaz_rec_decode does that).  GAZ_ECORRUPT without a
 * detail. */
#define AR_DOC_NF 21
struct ar_span {
	const unsigned char *p;
	size_t n;
};
int ar_doc_split(const void *rec, size_t len, struct ar_span f[AR_DOC_NF]);

/* The front of a status event record, read in place (bounded): 发文字号
 * (must equal doc_no), seq (must equal seq), status (1–4), date (the shape
 * YYYY-MM-DD); *date points into the record.  The fields after the date
 * are not read: a record that gaz_rec_decode accepts, with a status of 1–4,
 * this accepts with the same status and date (fuzz_record checks it), not
 * the other way round (fsck decodes every event in full).  GAZ_ECORRUPT
 * without a detail. */
int ar_event_head(const void *rec, size_t len, const struct ar_span *doc_no, uint32_t seq,
		  int *status, const unsigned char **date);

/* Big-endian helpers. */
static inline void be16(unsigned char *p, unsigned v) { p[0] = (unsigned char)(v >> 8); p[1] = (unsigned char)v; }
static inline void be32(unsigned char *p, uint32_t v) { for (int i = 3; i >= 0; i--, v >>= 8) p[i] = (unsigned char)v; }
static inline void be64(unsigned char *p, uint64_t v) { for (int i = 7; i >= 0; i--, v >>= 8) p[i] = (unsigned char)v; }
static inline uint64_t rd_be64(const unsigned char *p) { uint64_t v = 0; for (int i = 0; i < 8; i++) v = v << 8 | p[i]; return v; }
static inline uint32_t rd_be32(const unsigned char *p) { uint32_t v = 0; for (int i = 0; i < 4; i++) v = v << 8 | p[i]; return v; }
static inline unsigned rd_be16(const unsigned char *p) { return (unsigned)p[0] << 8 | p[1]; }

/* 1 if s is a real calendar date YYYY-MM-DD. */
int ar_valid_date(const char *s);

#endif

/*
 * archive/search_int.h — what search_*.c share: the token stream, the
 * on-disk encodings (varints, posting blocks, records, columns) and the
 * names of the databases.  Not installed; see gazette/search.h.
 */
#ifndef GAZETTE_SEARCH_INT_H
#define GAZETTE_SEARCH_INT_H

#include "gazette/search.h"
#include "lmdbx.h"

#define FTS_TERMS "fts_terms"
#define FTS_DOCS "fts_docs"
#define FTS_COLS "fts_cols"
#define FTS_INFO "fts_info"

/* Longest ASCII word kept (longer ones are cut, at index and query time
 * alike) and longest filter value in a term key (cut at a character
 * boundary: LMDB keys are at most 511 bytes). */
#define FTS_WORD_MAX 32
#define FTS_FIELD_TERM_MAX 240
#define FTS_TERM_MAX (2 + FTS_FIELD_TERM_MAX)

/* Column blocks: 128 entries of FTS_COL_SIZE bytes under be64(id >> 7). */
#define FTS_COL_SHIFT 7
#define FTS_COL_N (1u << FTS_COL_SHIFT)
#define FTS_COL_SIZE 12
/* entry: be32 token count | be32 published (days + 2^31, 0 = unknown) |
 *        u8 status | u8 present (1) | u8 flags | 1 byte zero */
#define FTS_COL_SUPERSEDED 1

/* Title occurrences count this many extra times in BM25's tf. */
#define FTS_TITLE_BOOST 3

/* ---- token stream ------------------------------------------------------- */

enum { UNIT_CJK = 1, UNIT_WORD = 2 };

/* Where a unit comes from.  Postings keep one bit: any zone but the body
 * counts as "in title" (boosted).  Phrases never span zones. */
enum { ZONE_BODY = 0, ZONE_TITLE = 1, ZONE_NUMBER = 2 /* 发文字号, 索引号 */ };

/* One unit: a CJK character or an ASCII word, normalised. */
struct unit {
	uint8_t kind;
	uint8_t joined;   /* a CJK unit directly after another CJK unit */
	uint8_t len;      /* bytes in key */
	uint8_t title;    /* zone (ZONE_*): non-zero is boosted like the title */
	uint32_t start, end; /* byte range in the source text */
	char key[FTS_WORD_MAX]; /* UTF-8 of the character, or the word */
};

struct units {
	struct unit *v;
	size_t n, cap, max;
};

/* Appends the units of s[0..n) (zone as given); GAZ_ETOOBIG past
 * u->max units, GAZ_ENOMEM. Invalid UTF-8 is a separator. */
int fts_tokenize(const char *s, size_t n, int zone, struct units *u);
/* A document's units in index order: title, then (record format 2) its
 * 发文字号 and 索引号 in ZONE_NUMBER, then the body.  The writer, queries
 * and fsck all tokenise through this, so they agree.  NULL/0 = absent. */
int fts_tokenize_doc(struct units *u, const char *title, size_t tl, const char *doc_no,
		     size_t dl, const char *index_no, size_t il, const char *text,
		     size_t len);
void fts_units_release(struct units *u);

/* Normalises a filter value into a field term: 0x01, field letter, the
 * value with full-width ASCII narrowed, lower case, trimmed, cut to
 * FTS_FIELD_TERM_MAX bytes.  Returns the length (0 for an empty value). */
size_t fts_field_term(char field, const char *value, char out[FTS_TERM_MAX]);

/* Field letters. */
#define FIELD_ISSUER 'i'
#define FIELD_SUBJECT 's'
#define FIELD_GENRE 'g'
#define FIELD_ISSUE 'n'
#define FIELD_KEY 'k'   /* a whole 发文字号 or 索引号, fts_key_norm'ed */
#define FIELD_CODE 'c'  /* a verification code, fts_code_norm'ed */

/* A 发文字号 or 索引号 as typed, made comparable: full-width ASCII
 * narrowed, lower case, spaces and quotes dropped, and the brackets
 * 〔〕 [] () （） 【】 ［］ ﹝﹞ 〖〗 all made ( ).  Writes the key term
 * 0x01 'k' value into out; returns its length (0: nothing left). */
size_t fts_key_norm(const char *s, size_t n, char out[FTS_TERM_MAX]);
/* A verification code as typed: Crockford base32 (gaz_text_doc_code's
 * alphabet), case-insensitive, I and L read as 1, O as 0, hyphens and
 * spaces dropped.  Writes 0x01 'c' and the 10 canonical characters;
 * returns 12, or 0 when s is not a code. */
size_t fts_code_norm(const char *s, size_t n, char out[FTS_TERM_MAX]);
/* The key terms of a document (record format 2): its 发文字号 and 索引号
 * (once if they normalise alike) and its code; returns how many (≤ 3). */
size_t fts_key_terms(const char *doc_no, size_t dl, const char *index_no, size_t il,
		     const char *code, size_t cl, char terms[3][FTS_TERM_MAX], size_t lens[3]);

/* ---- varints ---------------------------------------------------------------- */

static inline size_t fts_put_varint(unsigned char *p, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (unsigned char)v;
	return n;
}

/* Reads a varint from [*p, end); 0 on success, -1 if truncated/overlong. */
static inline int fts_get_varint(const unsigned char **p, const unsigned char *end,
				 uint64_t *out)
{
	uint64_t v = 0;
	unsigned shift = 0;
	const unsigned char *q = *p;

	while (q < end && shift < 64) {
		unsigned char b = *q++;

		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*p = q;
			*out = v;
			return 0;
		}
		shift += 7;
	}
	return -1;
}

/* ---- posting blocks ------------------------------------------------------------ */

/* Key: term || 0x00 || be64 first id.  The key term || 0x00 alone holds
 * the term header: varint document frequency.
 * Block value: varint n (1..GAZ_SEARCH_BLOCK) | varint (last - first) |
 * n postings, each varint(delta << 2 | code) where delta is from the
 * previous id (the first is 0) and code 0: tf 1; 1: tf 1 in title;
 * 2: tf 2; 3: followed by varint(tf << 1 | in title). */
struct posting {
	uint64_t id;
	uint32_t tf;
	uint8_t title;
};

/* Encodes postings into out (room: 20 + n * 20 bytes); returns the size. */
size_t fts_block_encode(const struct posting *p, size_t n, unsigned char *out);

/* A cursor over one term's postings. */
struct piter {
	MDB_cursor *cur;
	unsigned char key[FTS_TERM_MAX + 9];
	size_t tlen;         /* term length */
	uint64_t df;
	const unsigned char *p, *end;
	uint64_t left;       /* postings left in the block */
	uint64_t block_last;
	uint64_t id;         /* current posting */
	uint32_t tf;
	uint8_t title;
	int done;
};

/* Opens an iterator positioned on the term's first posting (done if the
 * term is absent: that is success).  GAZ_ECORRUPT for a malformed block. */
int fts_piter_open(MDB_txn *txn, MDB_dbi terms, const char *term, size_t tlen,
		   struct piter *it);
int fts_piter_next(struct piter *it);
/* Moves to the first posting with id ≥ target (stays if already there). */
int fts_piter_seek(struct piter *it, uint64_t target);
void fts_piter_close(struct piter *it);

/* ---- records ------------------------------------------------------------------- */

/* A decoded fts_docs record; strings point into the LMDB value (valid for
 * the transaction) and are not NUL-terminated.  Format 1 has the first 7
 * fields; format 2 adds 索引号 and the code, and its 发文字号 and 索引号
 * are tokenised (ZONE_NUMBER) and its key terms indexed.  Both formats
 * live side by side: documents indexed before format 2 keep theirs. */
#define FTS_REC_V1 1
#define FTS_REC_V2 2
#define FTS_REC_NF 9
struct rec {
	uint8_t version;
	uint32_t issue_year, issue_number, ntokens, text_len;
	uint8_t status;
	unsigned char sha256[32];
	const char *s[FTS_REC_NF];
	size_t sl[FTS_REC_NF];
	const unsigned char *z;  /* deflated text */
	size_t zlen;
};
enum { R_TITLE, R_DOCNO, R_ISSUER, R_SUBJECT, R_GENRE, R_WRITTEN, R_PUBLISHED, R_INDEXNO,
       R_CODE };
/* The units of a decoded record (fts_tokenize_doc as its format says). */
int fts_rec_units(const struct rec *r, const char *text, struct units *u);

int fts_rec_decode(const void *p, size_t n, struct rec *r);
/* Inflates r's text (malloc'ed, NUL-terminated); with check, also checks
 * its SHA-256 (queries skip that: fsck and gaz_search_doc_text do it). */
int fts_rec_text(const struct rec *r, uint64_t id, int check, char **text);

/* Dates as stored in columns (0 = unknown). */
uint32_t fts_date_col(const char *s, size_t n);

/* Opens the four databases; create = 0 gives GAZ_ENOTFOUND for a missing
 * index. */
struct fts_dbis {
	MDB_dbi terms, docs, cols, info;
};
int fts_open(MDB_txn *txn, int create, struct fts_dbis *d);

/* Statistics under fts_info "stats": be64 docs, be64 tokens, be64 last id. */
struct fts_stats {
	uint64_t docs, tokens, last_id;
};
int fts_stats_get(MDB_txn *txn, const struct fts_dbis *d, struct fts_stats *st);
int fts_stats_put(MDB_txn *txn, const struct fts_dbis *d, const struct fts_stats *st);

/* Order-independent per-document checksum of its (term, tf, title) set. */
uint64_t fts_term_hash(const char *term, size_t n, uint32_t tf, int title);

/* The distinct unit terms of a document (unigrams, bigrams, words) with
 * tf and title flag.  Reusable across documents without clearing: a slot
 * is live when its gen equals the set's. */
struct ts_ent {
	uint32_t gen, tf;
	uint32_t hash;
	uint8_t len, title;
	char key[FTS_WORD_MAX];
};
struct termset {
	struct ts_ent *tab;
	uint32_t *used;    /* live slots, in first-seen order */
	size_t cap, n;
	uint32_t gen;
};
int fts_termset_build(struct termset *ts, const struct units *u);
void fts_termset_release(struct termset *ts);

/* The field terms of a document (issuer, subject, genre, issue year and
 * year/number): fills terms[k] / lens[k], returns how many (≤ 5). */
size_t fts_field_terms(const char *issuer, const char *subject, const char *genre,
		       uint32_t issue_year, uint32_t issue_number,
		       char terms[5][FTS_TERM_MAX], size_t lens[5]);

#endif

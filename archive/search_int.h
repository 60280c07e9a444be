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

/* One unit: a CJK character or an ASCII word, normalised. */
struct unit {
	uint8_t kind;
	uint8_t joined;   /* a CJK unit directly after another CJK unit */
	uint8_t len;      /* bytes in key */
	uint8_t title;    /* from the title */
	uint32_t start, end; /* byte range in the source text */
	char key[FTS_WORD_MAX]; /* UTF-8 of the character, or the word */
};

struct units {
	struct unit *v;
	size_t n, cap, max;
};

/* Appends the units of s[0..n) (title flag as given); GAZ_ETOOBIG past
 * u->max units, GAZ_ENOMEM. Invalid UTF-8 is a separator. */
int fts_tokenize(const char *s, size_t n, int title, struct units *u);
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
 * the transaction) and are not NUL-terminated. */
struct rec {
	uint32_t issue_year, issue_number, ntokens, text_len;
	uint8_t status;
	unsigned char sha256[32];
	const char *s[7];
	size_t sl[7];
	const unsigned char *z;  /* deflated text */
	size_t zlen;
};
enum { R_TITLE, R_DOCNO, R_ISSUER, R_SUBJECT, R_GENRE, R_WRITTEN, R_PUBLISHED };

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

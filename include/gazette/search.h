/*
 * gazette/search.h — full-text search in Chinese over the archive's
 * documents, with filters, BM25 ranking and highlighted snippets.
 *
 * Tokens.  Text is normalised first: full-width ASCII (U+FF01..U+FF5E) and
 * U+3000 become half-width, ASCII letters lower case.  Then every CJK
 * character (Han, and the few CJK symbols that are letters: 〇) yields a
 * unigram, every two adjacent CJK characters a bigram, and every run of
 * ASCII letters/digits a word.  Punctuation and spaces separate runs.
 * So a 1-character query (报) reads the unigram postings and a
 * 2-character query (公报) the bigram postings — both exact — and a longer
 * CJK query (政务公开) intersects its bigrams and is then verified as a
 * phrase against the stored text.  A document's 发文字号 and 索引号 are
 * tokenised the same way (weighted like the title), so 西府办发, 38号 or
 * 008463152 find it by its number.
 *
 * Exact keys.  Each document's whole 发文字号, 索引号 and verification code
 * are also indexed as key terms, normalised so that the forms people type
 * meet: brackets 〔〕 [] () （） 【】 ［］ ﹝﹞ 〖〗 are one, spaces are
 * ignored, full-width = half-width, case is ignored; a code is read as
 * Crockford base32 (I, L = 1; O = 0; hyphens ignored).  A query that is a
 * whole key finds its document first (gaz_search_hit.exact), then the
 * full-text hits.
 *
 * Storage (LMDB named databases, GAZ_SEARCH_NDBI of them; the environment
 * must allow them with mdb_env_set_maxdbs):
 *   "fts_terms"  term || 0x00 || be64 first doc id -> a block of up to
 *                GAZ_SEARCH_BLOCK postings (doc id delta + tf + in-title
 *                bit, varint-packed).  A term's blocks are contiguous
 *                and ordered, so intersections skip whole blocks by seeking.
 *   "fts_docs"   be64 doc id -> the document's record (title, fields,
 *                text SHA-256, token count) and its text, deflated.
 *   "fts_cols"   be64 (doc id >> 7) -> a column block of 128 fixed-size
 *                entries (token count, published date, status, superseded)
 *                read by ranking and filters without touching the records.
 *   "fts_info"   "stats" -> document count, total token count, last id.
 * Issuer, subject, genre and issue year/number are indexed as terms too,
 * so filtering by them is a posting-list intersection.
 *
 * Append-only: documents are added with increasing ids (the caller
 * assigns them, e.g. a counter in the archive); only a document's status
 * (gaz_search_set_status) and its superseded mark (gaz_search_supersede)
 * change afterwards, in its column entry.
 *
 * Transactions: every function takes the caller's MDB_txn and never
 * commits or aborts it; writers need a write transaction (the archive
 * indexes an issue inside its publish transaction).  Call
 * gaz_search_init() once in a write transaction (and commit) when the
 * environment is opened, before other threads use it.
 *
 * Errors: 0 or a negative GAZ_E* (base.h); out-parameters only on
 * success.  LMDB failures are GAZ_EIO with the LMDB message as detail,
 * except a full map: GAZ_ETOOBIG (the archive grows the map and retries).
 */
#ifndef GAZETTE_SEARCH_H
#define GAZETTE_SEARCH_H

#include "gazette/base.h"

#include <lmdb.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Named LMDB databases the index opens; add to mdb_env_set_maxdbs. */
#define GAZ_SEARCH_NDBI 4

#define GAZ_SEARCH_BLOCK 128          /* postings per block */
#define GAZ_SEARCH_TEXT_MAX (16u << 20) /* one document's text */
#define GAZ_SEARCH_FIELD_MAX 1024     /* title, issuer, … (bytes) */
#define GAZ_SEARCH_QUERY_MAX 1024     /* query string (bytes) */
#define GAZ_SEARCH_QUERY_TERMS 16     /* words/phrases in one query */
#define GAZ_SEARCH_PAGE_MAX 1000      /* largest per-page */
#define GAZ_SEARCH_DEPTH_MAX 100000   /* offset + limit: deepest result served */
/* A phrase query verifies candidates against their text; when more than
 * this many candidates remain, the total is an upper bound
 * (gaz_search_results.total_exact = 0). */
#define GAZ_SEARCH_VERIFY_MAX 1000

/* Document status (有效性), a column that may change after indexing. */
enum gaz_search_status {
	GAZ_ST_UNKNOWN = 0,
	GAZ_ST_VALID = 1,     /* 有效 */
	GAZ_ST_AMENDED = 2,   /* 已修改 */
	GAZ_ST_REPEALED = 3,  /* 废止 */
	GAZ_ST_EXPIRED = 4    /* 失效 */
};
/* "有效" → GAZ_ST_VALID …; anything else GAZ_ST_UNKNOWN. */
enum gaz_search_status gaz_search_status_parse(const char *s);
/* Chinese name ("" for unknown); never NULL. */
const char *gaz_search_status_name(enum gaz_search_status st);

/* What the index stores for a document.  Strings are UTF-8 and borrowed
 * for the call; NULL means absent.  Dates are "YYYY-MM-DD" or NULL. */
struct gaz_search_doc {
	uint64_t id;            /* > every id already indexed, and ≠ 0 */
	const char *title;      /* indexed (matches are boosted) and stored */
	const char *text;       /* body text (gaz_doc_text()), text_len bytes */
	size_t text_len;
	const char *doc_no;     /* 发文字号: stored, shown, tokenised, a key */
	const char *index_no;   /* 索引号: stored, tokenised, a key */
	const char *code;       /* verification code: stored, a key */
	const char *issuer;     /* 发布机构: filter term */
	const char *subject;    /* 主题分类: filter term */
	const char *genre;      /* 体裁分类: filter term */
	const char *written;    /* 成文日期 */
	const char *published;  /* 发布日期: the date filters use */
	enum gaz_search_status status;
	uint32_t issue_year, issue_number; /* 0 if not in an issue */
};

/* ---- writing ------------------------------------------------------------ */

/* Creates the databases if missing.  Needs a write transaction. */
int gaz_search_init(MDB_txn *txn);

/* A writer batches postings in memory (up to a cap, then it flushes by
 * itself) so that adding many documents costs one sorted pass over the
 * terms.  Use one writer per write transaction: new, add…, flush, free. */
struct gaz_search_writer;

int gaz_search_writer_new(MDB_txn *txn, struct gaz_search_writer **out);
/* Tokenises and stores the document (its record and columns at once; its
 * postings at the next flush).  GAZ_EINVAL: id not increasing or 0;
 * GAZ_EFORMAT: text or a field is not valid UTF-8; GAZ_ETOOBIG: over
 * GAZ_SEARCH_TEXT_MAX / GAZ_SEARCH_FIELD_MAX.  These are checked before
 * anything is written; after any other failure (GAZ_ENOMEM, GAZ_EIO, a full
 * map) the transaction holds part of the document: abort it. */
int gaz_search_writer_add(struct gaz_search_writer *w, const struct gaz_search_doc *doc);
/* Writes the batched postings (and the statistics) into the transaction.
 * Flush before the transaction commits: records without their postings
 * are an inconsistent index (gaz_search_verify reports it). */
int gaz_search_writer_flush(struct gaz_search_writer *w);
/* Frees the writer; postings not flushed are dropped.  NULL is fine. */
void gaz_search_writer_free(struct gaz_search_writer *w);

/* One document: new + add + flush + free. */
int gaz_search_add(MDB_txn *txn, const struct gaz_search_doc *doc);

/* Records a new status for an indexed document (立改废).  GAZ_ENOTFOUND
 * if the id is not indexed. */
int gaz_search_set_status(MDB_txn *txn, uint64_t id, enum gaz_search_status st);

/* Marks an indexed document as superseded: a newer version of its issue
 * (勘误) carries it again under a new id.  Queries leave superseded
 * documents out unless asked (include_superseded).  GAZ_ENOTFOUND if the
 * id is not indexed. */
int gaz_search_supersede(MDB_txn *txn, uint64_t id);

/* ---- querying -------------------------------------------------------------- */

/* A query.  text: words separated by spaces must all match (AND); a
 * "quoted phrase" must match as written (up to punctuation and spaces);
 * a CJK run of 3+ characters is a phrase too.  NULL/"" with filters lists
 * the filtered documents, newest first.  Filters: NULL/0 = any. */
struct gaz_search_query {
	const char *text;
	const char *issuer, *subject, *genre;
	const char *from, *to;   /* published date range, inclusive, YYYY-MM-DD */
	enum gaz_search_status status;
	uint32_t issue_year, issue_number;
	int include_superseded;  /* also older versions of corrected issues */
	size_t offset, limit;    /* pagination; limit 0 means 20 */
	/* Snippet: about snippet_chars characters around the best window;
	 * 0 means 80.  Matches are wrapped in mark_open / mark_close
	 * (NULL: "【" "】").  The text is not escaped: an HTML caller uses the
	 * spans in gaz_search_hit to escape and mark itself. */
	size_t snippet_chars;
	const char *mark_open, *mark_close;
};

/* A byte range of gaz_search_hit.plain that matched a query term. */
struct gaz_search_span {
	size_t off, len;
};

struct gaz_search_hit {
	uint64_t id;
	double score;
	char *title, *doc_no, *issuer, *published, *subject, *genre;
	enum gaz_search_status status;
	uint32_t issue_year, issue_number;
	int superseded;    /* a newer version of its issue exists */
	char *snippet;     /* plain text with the matches marked */
	char *plain;       /* the same window, unmarked */
	int cut_start, cut_end; /* the window starts after the text's start /
				   ends before its end (show "…") */
	struct gaz_search_span *spans;  /* matches in `plain`, in order */
	size_t n_spans;
	int title_match;   /* a query term matched the title */
	int exact;         /* the query is this document's 发文字号, 索引号 or
			      verification code (normalised): ranked first */
};

struct gaz_search_results {
	uint64_t total;    /* documents matching (see total_exact) */
	int total_exact;   /* 0: total is an upper bound (phrase candidates
			      beyond GAZ_SEARCH_VERIFY_MAX were not verified) */
	size_t n;
	struct gaz_search_hit *hits;
};

/* Runs a query.  *out is the caller's: gaz_search_results_free().  No
 * match is success with total 0.  GAZ_EINVAL: a malformed query
 * (unbalanced quote, too many terms, bad date, limit over
 * GAZ_SEARCH_PAGE_MAX, offset + limit over GAZ_SEARCH_DEPTH_MAX, a query
 * with no searchable character). */
int gaz_search_query(MDB_txn *txn, const struct gaz_search_query *q,
		     struct gaz_search_results **out);
void gaz_search_results_free(struct gaz_search_results *r);

/* The documents whose 发文字号, 索引号 or verification code is key, after
 * the normalisation above (so 西府办发[2017]38号 finds 西府办发〔2017〕38号):
 * up to max ids, ascending and distinct (older issue versions' copies
 * too), into ids; *n is how many.  Documents indexed before
 * keys were (an archive older than this program) are not found until
 * the index is rebuilt.  No match is success with *n = 0. */
int gaz_search_lookup(MDB_txn *txn, const char *key, uint64_t *ids, size_t max, size_t *n);

/* The stored text of a document (malloc'ed, NUL-terminated; caller frees).
 * GAZ_ENOTFOUND if not indexed; GAZ_ECORRUPT if it fails its hash. */
int gaz_search_doc_text(MDB_txn *txn, uint64_t id, char **text, size_t *len);

/* ---- consistency (fsck) ------------------------------------------------------ */

struct gaz_search_check {
	uint64_t docs;      /* documents checked */
	uint64_t postings;  /* postings read */
	uint64_t terms;     /* distinct terms */
};

/* Re-reads every document's text and checks it against its SHA-256,
 * re-tokenises it and checks that the postings hold exactly its terms
 * with their counts (order-independent per-document checksums), that
 * every posting names an indexed document, that blocks are well-formed
 * and ordered, and that columns and statistics agree.  0 when consistent;
 * GAZ_ECORRUPT with the first problem in gaz_errdetail(). */
int gaz_search_verify(MDB_txn *txn, struct gaz_search_check *st);

#ifdef __cplusplus
}
#endif
#endif

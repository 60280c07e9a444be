/*
 * gazette/archive.h — the LMDB archive: every issue, every version, every
 * document and its status over time, nothing ever deleted or overwritten.
 *
 * An archive is a directory holding one LMDB environment (data.mdb,
 * lock.mdb) and `writer.lock`, an advisory lock file that lets a second
 * writer fail at once with GAZ_EBUSY instead of blocking on LMDB's own
 * writer mutex.  Schema (named sub-databases, key layouts, value formats):
 * docs/archive.md.
 *
 * Guarantees
 *  - Append-only: every record is written with MDB_NOOVERWRITE or
 *    MDB_APPEND and never changed afterwards.  "Superseded by" and "current
 *    status" are derived at read time from later records, so no record ever
 *    needs rewriting.  An attempt to store a record whose key exists is
 *    GAZ_EEXIST (content-addressed blobs are the one exception: storing the
 *    same bytes twice is a no-op, because the key *is* the content).
 *  - Atomic: each write call (publish, status change, submission) is ONE
 *    LMDB write transaction covering the records, the indexes, the search
 *    index and transparency-log leaf (include/gazette/search.h, tlog.h) and
 *    the audit entry.  After a crash the archive holds the old state or the
 *    new one.
 *  - Verified reads: every blob read re-hashes the bytes (SHA-256) and fails
 *    with GAZ_ECORRUPT if they no longer match the key.  Every record is
 *    decoded with a bounded parser and per-field length caps; a malformed
 *    record is GAZ_ECORRUPT.
 *  - Snapshots: every lookup runs in one read transaction, so a reader sees
 *    a publish entirely or not at all, while a writer commits.
 *
 * Threads: a handle may be shared by threads for reads (MDB_NOTLS), also
 * while one of them writes; write calls on one handle must not run
 * concurrently (the caller serialises).
 * Strings in the records below are NUL-terminated UTF-8 owned by the record;
 * release records with the matching *_release/_free function.
 */
#ifndef GAZETTE_ARCHIVE_H
#define GAZETTE_ARCHIVE_H

#include "gazette/base.h"
#include "gazette/issue.h"
#include "gazette/search.h"  /* enum gaz_search_status: GAZ_ST_VALID … */

#include <lmdb.h>
#include <openssl/types.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- caps (named so tests and docs can cite them) ---------------------- */

/* Schema 2 (archives created since 2026-11-21): each 发文字号 index entry
 * carries where its document is (docs/archive.md, "locator"), so that
 * gaz_archive_locate answers from the index alone.  Schema 1 archives are
 * read and written as they are (their entries stay empty; locate reads the
 * record instead); a program that knows only schema 1 refuses a schema 2
 * archive at open ("archive schema 2 is newer than this program's"). */
#define GAZ_AR_SCHEMA_VERSION 2
#define GAZ_AR_BLOB_MAX      (1024u << 20) /* one stored PDF or text */
#define GAZ_AR_FIELD_MAX     4096          /* one metadata string */
#define GAZ_AR_DOCNO_MAX     255           /* 发文字号, 索引号 (a log leaf string) */
#define GAZ_AR_NOTE_MAX      (16u << 10)   /* reason / note */
#define GAZ_AR_RECORD_MAX    (64u << 10)   /* one encoded record */
#define GAZ_AR_MAX_DBS       32            /* named DBIs, ours + search/tlog */
#define GAZ_AR_MAP_DEFAULT   ((size_t)1 << 30)  /* initial map size: 1 GiB */
#define GAZ_AR_MAP_MAX       ((size_t)1 << 40)  /* auto-growth stops here */

/* ---- opening ------------------------------------------------------------ */

struct gaz_archive;

enum {
	GAZ_AR_READONLY = 0,
	GAZ_AR_WRITE = 1,   /* take the writer lock; GAZ_EBUSY if held */
	GAZ_AR_CREATE = 2   /* with GAZ_AR_WRITE: create DIR if missing */
};

struct gaz_archive_opts {
	/* 0 = keep the environment's size (GAZ_AR_MAP_DEFAULT for a new one).
	 * A larger value grows the map persistently.  Writes that fill the map
	 * grow it by doubling, up to map_max, and retry once per doubling; past
	 * that they fail with GAZ_ETOOBIG ("archive map full") and nothing is
	 * written. */
	size_t map_size;
	size_t map_max;   /* 0 = GAZ_AR_MAP_MAX */
	/* Schema of an archive this open creates: 0 = GAZ_AR_SCHEMA_VERSION; 1 =
	 * the older layout, which programs that know only schema 1 can still
	 * open.  An existing archive keeps the schema it was created with. */
	unsigned create_schema;
};

/* Opens the archive in DIR.  Read-only opens never create or change
 * anything and may run beside a writer.  Errors: GAZ_ENOTFOUND (no archive
 * at DIR, unless GAZ_AR_CREATE), GAZ_EBUSY (another writer holds the lock),
 * GAZ_EIO (permissions, read-only file system, disk full), GAZ_ECORRUPT
 * (data.mdb is not an LMDB file, or the schema record is wrong),
 * GAZ_EINVAL (schema newer than this program).  opts may be NULL.
 * On success *out is the caller's: gaz_archive_close(). */
int gaz_archive_open(const char *dir, int flags, const struct gaz_archive_opts *opts,
		     struct gaz_archive **out);
void gaz_archive_close(struct gaz_archive *a);  /* NULL is fine */
/* The schema version of the open archive (1 or 2). */
unsigned gaz_archive_schema(const struct gaz_archive *a);

/* From now on every write that appends to the transparency log (a publish,
 * a status change) also signs a tree head of the new log with key, an
 * Ed25519 private key (tlog.h), inside the same transaction: the head and
 * the leaves commit together, so a proof of what was just published can
 * be checked against a signed head at once.  key is borrowed (keep it
 * until gaz_archive_close or the next call); NULL stops signing.
 * GAZ_EINVAL unless key is Ed25519 (the setting is then unchanged). */
int gaz_archive_set_log_key(struct gaz_archive *a, EVP_PKEY *key);

/* The LMDB environment (borrowed, valid until close), for the search and
 * log modules, which keep their own named DBIs in this env (opened once by
 * gaz_archive_open, so opening them by name in a transaction is a plain
 * look-up from any thread).
 *
 * gaz_archive_read_begin starts a read transaction: a fresh snapshot that
 * sees every write committed before the call.  Handles are reused (reset
 * and renewed: no allocation, no reader-table lock), so pair every begin
 * with gaz_archive_read_end — never mdb_txn_abort or mdb_txn_commit, which
 * would free a handle the archive keeps.  Any thread may end a transaction
 * another began (MDB_NOTLS), but one transaction is used by one thread at
 * a time.  While a read transaction is open, pointers into the map stay
 * valid: the map is only remapped (grown by a write on this handle, or
 * adopted from another process that grew it, after MDB_MAP_RESIZED) once
 * every transaction of the handle has ended.  A remap holds new ones back
 * for a few milliseconds at a time while it waits; so a thread may hold
 * two reads at once, but must end its reads before it writes on the same
 * handle (a write that needs to grow the map otherwise fails after 10 s
 * with GAZ_EBUSY, nothing written).  Errors of read_begin: GAZ_EBUSY
 * (reader table full), GAZ_ECORRUPT, GAZ_EIO.  read_end(a, NULL) is a
 * no-op. */
MDB_env *gaz_archive_env(struct gaz_archive *a);
int gaz_archive_read_begin(struct gaz_archive *a, MDB_txn **txn);
void gaz_archive_read_end(struct gaz_archive *a, MDB_txn *txn);

/* Maps an LMDB return code to GAZ_E* with a detail naming `what`. */
int gaz_archive_mdb_error(int mdb_rc, const char *what);

/* ---- records ------------------------------------------------------------ */

struct gaz_ar_doc {               /* one document in one issue version */
	uint64_t id;              /* sequential, never reused */
	unsigned year, number, version;
	unsigned pos;             /* 0-based order in the issue */
	char *doc_no, *index_no, *title, *issuer, *written, *published;
	char *subject, *genre, *validity, *section, *name /* source file */;
	char code[11];            /* verification code (issue.h) */
	unsigned char text_sha256[32]; /* key of the text blob */
	uint64_t text_len;
	uint32_t first_page, last_page; /* 1-based, in the issue PDF */
	char *strings;            /* private: one block holding the strings above */
};

struct gaz_ar_version {           /* one version of one issue */
	unsigned year, number, version;
	char *name;               /* 刊名 */
	unsigned cumulative;      /* 总期号 */
	char *date;               /* 出版日期 */
	unsigned char pdf_sha256[32];
	uint64_t pdf_size;
	char *reason;             /* "" for version 1 unless given */
	char *who;
	int64_t time;             /* unix seconds (the caller's "now") */
	uint64_t first_doc;       /* docs are first_doc .. first_doc+n_docs-1 */
	uint32_t n_docs;
	/* Derived at read time from later versions of the same issue: */
	unsigned latest;          /* newest version of this issue */
	unsigned superseded_by;   /* 0 if this is the newest */
	char *superseded_reason;  /* reason of version superseded_by, or NULL */
	struct gaz_ar_doc *docs;  /* filled by the calls that say so */
	size_t n_loaded_docs;
};

/* Free a record's strings (a decoded document's are one block) and clear
 * it; NULL is fine. */
void gaz_ar_doc_release(struct gaz_ar_doc *d);
void gaz_ar_version_release(struct gaz_ar_version *v); /* and its docs */

/* ---- publish -------------------------------------------------------------- */

struct gaz_page_range {
	uint32_t first, last;     /* 1-based, first <= last */
};

/* Stores a signed issue PDF and its documents as the next version of the
 * issue (year, number from is->cfg): version 1 if the issue is new,
 * otherwise latest + 1, which REQUIRES a non-empty reason (GAZ_EINVAL
 * otherwise).  pages[i] is the page range of is->docs[i] in the PDF.  The
 * issue must have passed gaz_issue_check() (every document has a unique
 * 发文字号).  One write transaction stores: the PDF blob, each document's
 * text blob, the version record, the document records and their index
 * entries, the first status event (the document's 有效性, dated its
 * 发布日期) of every document number new to the archive, the search index
 * entries (and, for a correction, the previous version's documents marked
 * superseded in the search index), the log leaf, the audit entry.
 *
 * Errors: GAZ_EEXIST (these exact PDF bytes are already stored as an
 * issue version), GAZ_EINVAL (missing reason for a correction, bad page
 * range, missing fields), GAZ_ETOOBIG (a field over its cap; map full
 * beyond map_max), GAZ_EIO (disk full, I/O), GAZ_EBUSY (read-only handle).
 * On failure nothing is written.  *version_out (may be NULL) gets the new
 * version number on success. */
int gaz_archive_publish(struct gaz_archive *a, const struct gaz_issue *is,
			const void *pdf, size_t pdf_len,
			const struct gaz_page_range *pages,
			const char *who, int64_t now, const char *reason,
			unsigned *version_out);

/* ---- lookups (each one read transaction) ---------------------------------- */

/* Version `version` of issue year/number (0 = the newest), with its docs
 * loaded.  GAZ_ENOTFOUND if absent.  *out is filled on success only. */
int gaz_archive_get_version(struct gaz_archive *a, unsigned year, unsigned number,
			    unsigned version, struct gaz_ar_version *out);
/* The same without its documents (docs NULL, n_loaded_docs 0): what a
 * download needs, without decoding every document record of the issue. */
int gaz_archive_get_version_meta(struct gaz_archive *a, unsigned year, unsigned number,
				 unsigned version, struct gaz_ar_version *out);

/* The PDF of a version (0 = newest): bytes re-hashed; GAZ_ECORRUPT on a
 * mismatch.  *pdf is malloc'ed (free()); *info (may be NULL) gets the
 * version record from the same snapshot. */
int gaz_archive_get_pdf(struct gaz_archive *a, unsigned year, unsigned number,
			unsigned version, void **pdf, size_t *len,
			struct gaz_ar_version *info);

/* Any blob by SHA-256 (re-hashed).  GAZ_ENOTFOUND, GAZ_ECORRUPT. */
int gaz_archive_get_blob(struct gaz_archive *a, const unsigned char sha256[32],
			 void **bytes, size_t *len);

/* The version a file with this SHA-256 is (PDF bytes hash).  GAZ_ENOTFOUND
 * if no version has these bytes. */
int gaz_archive_find_sha256(struct gaz_archive *a, const unsigned char sha256[32],
			    struct gaz_ar_version *out);

/* Which key a document lookup uses. */
enum gaz_ar_key { GAZ_AR_BY_DOCNO, GAZ_AR_BY_INDEXNO, GAZ_AR_BY_CODE };

/* Every stored appearance of a document (one per issue version it is in),
 * oldest first.  GAZ_ENOTFOUND if none.  *docs is an array of *n records:
 * gaz_ar_docs_free(). */
int gaz_archive_find_docs(struct gaz_archive *a, enum gaz_ar_key key, const char *value,
			  struct gaz_ar_doc **docs, size_t *n);
int gaz_archive_get_doc(struct gaz_archive *a, uint64_t id, struct gaz_ar_doc *out);
void gaz_ar_docs_free(struct gaz_ar_doc *docs, size_t n);

/* Where a document is, without its record: the common question "which
 * issue, version and document is 发文字号 X (and what is its status)".  */
struct gaz_ar_docref {
	uint64_t id;              /* gaz_archive_get_doc(id) gives the record */
	unsigned year, number, version;
	unsigned pos;             /* 0-based order in the issue */
	uint32_t first_page, last_page;
};
/* Every stored appearance of the document with this key, oldest first, as
 * gaz_archive_find_docs finds them, but only where each one is: the first
 * min(found, max) go to refs[0 …], *n gets how many were found (more than
 * max: call again with room for *n; refs may be NULL when max is 0).  No
 * allocation, no string: nothing in a ref points into the archive, so it
 * outlives the transaction.
 *
 * txn: a transaction from gaz_archive_read_begin to answer in (so that
 * further reads see the same snapshot), or NULL for one of its own.
 * status: NULL, or where to put the document's current status (enum
 * gaz_search_status: that of its latest status event, as
 * gaz_archive_status_at(…, NULL) gives), read in the same snapshot; by
 * 索引号 or code, that of the 发文字号 of the last appearance.
 *
 * Cost: by 发文字号 in a schema 2 archive, one B-tree descent (the index
 * entry carries the ref); by 索引号 or verification code, or in a schema 1
 * archive, the index then each document record, of which only the frame
 * and the fixed-width fields are read (bounded; the strings are neither
 * copied nor checked — gaz_archive_get_doc and fsck check them).  The
 * status costs one more descent.
 *
 * Errors: GAZ_EINVAL (empty value, unknown key), GAZ_ENOTFOUND (no such
 * document: *n is not set), GAZ_ECORRUPT (an index entry or record that is
 * malformed, or disagrees with the key; with status, a 发文字号 read from a
 * record that is not valid text), GAZ_EIO / GAZ_EBUSY from the
 * transaction.  On failure *n and *status are left as they were (refs may
 * hold part of an answer). */
int gaz_archive_locate(struct gaz_archive *a, MDB_txn *txn, enum gaz_ar_key key,
		       const char *value, struct gaz_ar_docref *refs, size_t max, size_t *n,
		       int *status);

/* A document's text (the text blob, re-hashed).  Caller frees *text
 * (NUL-terminated). */
int gaz_archive_doc_text(struct gaz_archive *a, const struct gaz_ar_doc *d,
			 char **text, size_t *len);

/* Every issue version, oldest key first (year, number, version); stop
 * early by returning non-zero from cb (that value is returned).  The
 * version passed to cb is borrowed for the call (docs not loaded). */
int gaz_archive_list_versions(struct gaz_archive *a,
			      int (*cb)(const struct gaz_ar_version *v, void *ctx), void *ctx);

/* Facet indexes for filters: document ids whose field equals value exactly
 * (GAZ_AR_F_DATE: 发布日期 prefix, e.g. "2023" or "2023-07"), ascending.
 * cb returns non-zero to stop. */
enum gaz_ar_facet { GAZ_AR_F_ISSUER = 'I', GAZ_AR_F_SUBJECT = 'S', GAZ_AR_F_GENRE = 'G',
		    GAZ_AR_F_DATE = 'D' };
int gaz_archive_facet(struct gaz_archive *a, enum gaz_ar_facet f, const char *value,
		      int (*cb)(uint64_t doc_id, void *ctx), void *ctx);

/* ---- status (立改废) -------------------------------------------------------- */

/* Statuses are enum gaz_search_status (search.h): GAZ_ST_VALID 有效,
 * GAZ_ST_AMENDED 已修改 (still in force, as amended), GAZ_ST_REPEALED 废止,
 * GAZ_ST_EXPIRED 失效, and GAZ_ST_UNKNOWN (0) for "no event on or before
 * the date asked". */

/* "有效", "已修改", "废止", "失效"; "" for anything else.  Never NULL. */
const char *gaz_status_name(int st);
/* Parses 有效|已修改|废止|失效 (or valid|amended|repealed|expired);
 * GAZ_EINVAL naming the value otherwise. */
int gaz_status_parse(const char *s, int *st);
/* 1 if a document with this status is in force (有效, 已修改). */
int gaz_status_in_force(int st);

struct gaz_ar_event {
	char *doc_no;
	uint32_t seq;             /* 0, 1, … per document number */
	int status;               /* enum gaz_search_status */
	char date[11];            /* YYYY-MM-DD the change takes effect */
	char *by_doc;             /* the document that made the change ("" if none) */
	char *note;
	char *who;
	int64_t time;             /* when it was recorded */
};
void gaz_ar_events_free(struct gaz_ar_event *ev, size_t n);

/* Records a status change of document doc_no (which must be in the archive:
 * GAZ_ENOTFOUND otherwise).  date is YYYY-MM-DD, not before the document's
 * first 发布日期 (GAZ_EINVAL).  One write transaction: the event, the log
 * leaf, the audit entry, and the search index's status of every stored
 * appearance of the document (set to gaz_status_on(history, NULL)).  *seq_out (may be NULL) gets the event's seq. */
int gaz_archive_set_status(struct gaz_archive *a, const char *doc_no, int status,
			   const char *date, const char *by_doc, const char *note,
			   const char *who, int64_t now, uint32_t *seq_out);

/* The full history in recording order (seq).  GAZ_ENOTFOUND if the
 * document is unknown.  gaz_ar_events_free(). */
int gaz_archive_status_history(struct gaz_archive *a, const char *doc_no,
			       struct gaz_ar_event **ev, size_t *n);

/* Status in effect on `date` (YYYY-MM-DD; NULL = the latest): the event
 * with the greatest (date, seq) whose date <= the date asked.  *status is
 * GAZ_ST_UNKNOWN before the first event.  *which (may be NULL) gets the index
 * of that event in the history order, or -1. */
int gaz_status_on(const struct gaz_ar_event *ev, size_t n, const char *date,
		  int *status, long *which);

/* The status of doc_no in effect on date (YYYY-MM-DD; NULL = the latest),
 * as gaz_status_on() over its history, in one read transaction.
 * GAZ_ENOTFOUND if the document is unknown; GAZ_EINVAL for a bad date. */
int gaz_archive_status_at(struct gaz_archive *a, const char *doc_no, const char *date,
			  int *status);

/* ---- submissions (按月报送, 应刊尽刊) ----------------------------------------- */

struct gaz_ar_submission {
	uint64_t seq;
	char *doc_no, *index_no, *title, *issuer, *published, *file;
	unsigned char sha256[32]; /* of the submitted file's bytes */
	char *who;
	int64_t time;             /* when it was received */
	/* Derived by gaz_archive_submissions(): where it was first published. */
	unsigned year, number, version; /* 0 = still waiting */
};
void gaz_ar_submissions_free(struct gaz_ar_submission *s, size_t n);

/* Parses the header of a submitted document file (bounded; the key：value
 * lines before the first blank line) into s (strings malloc'ed; seq, who,
 * time not set).  GAZ_EFORMAT if it has no 发文字号 or is not UTF-8,
 * GAZ_ETOOBIG over GAZ_DOC_MAX_BYTES or a field over GAZ_AR_FIELD_MAX. */
int gaz_submission_parse(const void *bytes, size_t len, const char *file,
			 struct gaz_ar_submission *s);

/* Records a received document (one write transaction with its audit
 * entry).  A second submission of the same bytes is GAZ_EEXIST. */
int gaz_archive_submit(struct gaz_archive *a, const struct gaz_ar_submission *s,
		       const char *who, int64_t now, uint64_t *seq_out);
/* Records s[0..n) in ONE write transaction: all of them or, on any error
 * (one already received, or the same file twice in s: GAZ_EEXIST naming
 * it), none.  seq_out (may be NULL) gets n sequence numbers.  n is 1 to
 * GAZ_AR_SUBMIT_MAX (GAZ_EINVAL otherwise). */
#define GAZ_AR_SUBMIT_MAX 10000
int gaz_archive_submit_all(struct gaz_archive *a, const struct gaz_ar_submission *s, size_t n,
			   const char *who, int64_t now, uint64_t *seq_out);

/* Every submission, in order received, each with where it was first
 * published (by 发文字号) — the 应刊尽刊 report.  gaz_ar_submissions_free(). */
int gaz_archive_submissions(struct gaz_archive *a, struct gaz_ar_submission **s,
			    size_t *n);

/* ---- audit trail ------------------------------------------------------------ */

struct gaz_ar_audit {
	uint64_t seq;
	int64_t time;
	const char *who, *action, *subject, *detail; /* borrowed for the callback */
};
/* Every audit entry in order (actions: "publish", "status", "submit").  cb returns non-zero to stop (returned). */
int gaz_archive_audit(struct gaz_archive *a,
		      int (*cb)(const struct gaz_ar_audit *e, void *ctx), void *ctx);

/* ---- integrity and backup --------------------------------------------------- */

struct gaz_fsck_report {
	uint64_t blobs, blob_bytes, versions, docs, index_entries, events,
		submissions, audit;
	uint64_t problems;
};
/* Re-hashes every blob, decodes every record, checks every index entry
 * against its record and every record against its index entries, checks
 * the version chains, and runs the search and log verifications.  Each
 * problem is passed to cb (may be NULL) as one line of text.  Returns 0
 * if clean, GAZ_ECORRUPT if any problem was found, or another error if the
 * check could not run.  One read transaction: safe beside a writer. */
int gaz_archive_fsck(struct gaz_archive *a, struct gaz_fsck_report *rep,
		     void (*cb)(const char *problem, void *ctx), void *ctx);

/* Hot backup: a compacted copy of the environment (mdb_env_copy2 with
 * MDB_CP_COMPACT, one read transaction, consistent while readers and a
 * writer run) written into a temporary directory beside dest and renamed
 * to dest.  dest must not exist (GAZ_EEXIST).  The copy is a complete
 * archive (open it with gaz_archive_open). */
int gaz_archive_backup(struct gaz_archive *a, const char *dest);

/* ---- record format (exposed for the fuzzer and for offline verifiers) ------- */

/* Record types: the second byte of every stored record value. */
enum gaz_rec_type {
	GAZ_REC_VERSION = 'V', GAZ_REC_DOC = 'D', GAZ_REC_EVENT = 'E',
	GAZ_REC_AUDIT = 'A', GAZ_REC_SUBMISSION = 'S', GAZ_REC_META = 'M'
};
/* Decodes a stored record of the given type (bounded; caps per field).
 * out must point at the struct matching the type: gaz_ar_version,
 * gaz_ar_doc, gaz_ar_event, gaz_ar_submission.  GAZ_ECORRUPT on malformed
 * bytes (nothing to release then).
 *
 * Transparency log (tlog.h): each issue version appends one leaf
 * GAZ_TLOG_ISSUE_VERSION (year, number, version, PDF SHA-256, 出版日期) and
 * each status event one leaf GAZ_TLOG_STATUS_EVENT (发文字号, status name,
 * date, by-document, and the issue version carrying the document), in the
 * same transaction as the record; so the log size always equals the
 * number of versions plus the number of status events (fsck checks it). */
int gaz_rec_decode(enum gaz_rec_type type, const void *p, size_t n, void *out);

/* Fault injection for crash tests: when the environment variable
 * GAZETTE_FAULT_AFTER=N is set, a write transaction calls abort() just
 * after its Nth LMDB call (counted from the transaction's begin, which is
 * call 1, to its commit).  Returns how many LMDB calls the last write
 * transaction of the calling thread made (tests use it to reach every
 * point; look-ups in other threads neither count nor abort). */
unsigned gaz_archive_fault_calls(void);

#ifdef __cplusplus
}
#endif
#endif

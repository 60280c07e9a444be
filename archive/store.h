/* archive/store.h — private: the archive handle and the helpers the
 * archive's source files share (read/write transactions, keys). */
#ifndef GAZETTE_ARCHIVE_STORE_H
#define GAZETTE_ARCHIVE_STORE_H

#include "archive/rec.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <stdatomic.h>

/* Read transactions kept for reuse per handle (reset, renewed by the next
 * read: no malloc, no reader-table lock).  Each holds one LMDB reader slot
 * of the 126 while the handle is open; reads beyond this many at once get
 * a transaction of their own. */
#define AR_POOL 16

struct ar_reader {
	atomic_int busy;          /* taken by a live read */
	_Atomic(MDB_txn *) txn;   /* NULL until first used; reset while idle */
	MDB_cursor *ix;           /* on the index DBI, renewed with txn */
	MDB_cursor *st;           /* on the status DBI, likewise */
};

struct gaz_archive {
	MDB_env *env;
	char *dir;
	int lock_fd;      /* writer.lock, held with flock(LOCK_EX); -1 read-only */
	size_t map_max;
	unsigned schema;  /* of the open archive: 1, or 2 (locators in 'N' entries) */
	MDB_dbi meta, blob, version, doc, index, status, audit, subm;
	/* The map gate: LMDB may only remap (mdb_env_set_mapsize) while no
	 * transaction of this process points into the map.  `live` counts the
	 * open transactions (reads and the write); a remap sets `closed`, which
	 * holds new ones back, and waits for live to reach 0. */
	atomic_uint live;
	atomic_int closed;
	pthread_mutex_t gate_mu;
	pthread_cond_t gate_cv;
	unsigned gate_window;     /* windows closed so far (under gate_mu) */
	int gate_init;
	struct ar_reader pool[AR_POOL];
	EVP_PKEY *log_key;        /* gaz_archive_set_log_key (borrowed) or NULL */
};

/* With a log key set, signs a head of the log as it now stands in txn, at
 * now (Unix seconds). */
int ar_sign_head(struct gaz_archive *a, MDB_txn *txn, int64_t now);

/* Index key: prefix, string (cut to GAZ_AR_KEY_MAX), NUL, then 8-byte id
 * when id_len is 8 (0: the prefix key used for ranges, without the id). */
#define IX_KEY_MAX (1 + GAZ_AR_KEY_MAX + 1 + 8)
size_t ix_key(unsigned char *k, int prefix, const char *s, int terminate,
	      const unsigned char *id, size_t id_len);

/* The value of a 发文字号 index entry in a schema 2 archive: where the
 * document is (docs/archive.md): format 1, year u16, number u16, version
 * u16, position u32, first page u32, last page u32.  The id is the key's. */
#define AR_LOC_FORMAT 1
#define AR_LOC_LEN 19
void ar_loc_encode(unsigned char out[AR_LOC_LEN], const struct gaz_ar_doc *d);
/* GAZ_ECORRUPT (no detail) unless v is a well-formed locator. */
int ar_loc_decode(const void *v, size_t len, uint64_t id, struct gaz_ar_docref *r);

/* Reads a record of the given type at key in dbi, decoding into out.
 * GAZ_ENOTFOUND if absent, GAZ_ECORRUPT if malformed. */
int ar_get_rec(MDB_txn *txn, MDB_dbi dbi, const void *key, size_t klen,
	       enum gaz_rec_type type, void *out);
/* Reads a blob inside txn, checks its SHA-256, copies it out (malloc). */
int ar_read_blob(MDB_txn *txn, MDB_dbi dbi, const unsigned char sha[32],
		 void **bytes, size_t *len);
/* Verifies a blob value in place against its key. */
int ar_check_blob(const unsigned char sha[32], const MDB_val *v);
/* Latest version of an issue inside txn (0 if none). */
int ar_latest_version(struct gaz_archive *a, MDB_txn *txn, unsigned year,
		      unsigned number, unsigned *latest);
/* Fills the derived fields (latest, superseded_by/reason) of v. */
int ar_derive_version(struct gaz_archive *a, MDB_txn *txn, struct gaz_ar_version *v);
void ar_version_key(unsigned char k[6], unsigned year, unsigned number, unsigned version);

/* The map gate (see struct gaz_archive): around anything that reads the
 * map outside gaz_archive_read_begin/end, such as LMDB's own read
 * transaction inside mdb_env_copy2. */
void ar_gate_enter(struct gaz_archive *a);
void ar_gate_leave(struct gaz_archive *a);

/* The pooled cursor on the index DBI for a transaction from
 * gaz_archive_read_begin() (renewed for it), or a new one; end it with
 * ar_cursor_done().  LMDB errors mapped. */
int ar_index_cursor(struct gaz_archive *a, MDB_txn *txn, MDB_cursor **c);
void ar_cursor_done(struct gaz_archive *a, MDB_cursor *c);
/* The same on the status DBI. */
int ar_status_cursor(struct gaz_archive *a, MDB_txn *txn, MDB_cursor **c);

/* ---- write side (store.c) ---- */
/* Runs fn inside one write transaction: commit if fn returns 0, abort
 * otherwise; grows the map and re-runs fn on MDB_MAP_FULL. */
int ar_write(struct gaz_archive *a, int (*fn)(struct gaz_archive *, MDB_txn *, void *),
	     void *ctx);
/* Counts one LMDB call for fault injection; returns rc. */
int ar_w(int rc);
/* mdb_put with errors mapped; MDB_KEYEXIST is GAZ_EEXIST naming `what`. */
int ar_put(MDB_txn *txn, MDB_dbi dbi, const void *k, size_t kl, const void *v, size_t vl,
	   unsigned flags, const char *what);
int ar_last_seq(MDB_txn *txn, MDB_dbi dbi, uint64_t *seq);
int ar_audit_put(struct gaz_archive *a, MDB_txn *txn, const char *who, int64_t now,
		 const char *action, const char *subject, const char *detail);
int ar_blob_put(struct gaz_archive *a, MDB_txn *txn, const unsigned char sha[32],
		const void *p, size_t n);

#endif

/*
 * gazette/tlog.h — the transparency log: an append-only Merkle tree in the
 * style of RFC 9162 (Certificate Transparency v2) over everything the
 * archive publishes, with signed tree heads, inclusion proofs and
 * consistency proofs that anyone can check offline.
 *
 * Hashing (RFC 9162 §2.1.1), SHA-256 throughout:
 *   leaf hash  = SHA-256(0x00 || leaf data)
 *   node hash  = SHA-256(0x01 || left || right)
 *   MTH({})    = SHA-256("")
 *   MTH(D[n])  = node(MTH(D[0:k]), MTH(D[k:n])), k the largest power of two < n
 *
 * Storage (LMDB, inside the caller's transaction; the log owns these named
 * databases, GAZ_TLOG_NDBI of them, which the environment must allow with
 * mdb_env_set_maxdbs):
 *   "log_leaves"  be64 index          -> leaf hash (32) || leaf data
 *   "log_nodes"   u8 level || be64 i  -> hash of the perfect subtree of
 *                                        2^level leaves starting at i<<level
 *   "log_heads"   be64 size || be64 t -> signed tree head (struct gaz_tlog_sth)
 * Appending stores the leaf and the perfect subtrees it completes (O(log n)
 * writes); any root or proof then needs O(log n) reads.
 *
 * Transactions: every function taking an MDB_txn uses it and never commits
 * or aborts it.  Writers need a write transaction; a publish appends its
 * leaves inside the archive's single write transaction.  The named
 * databases are opened with mdb_dbi_open: call gaz_tlog_init() once in a
 * write transaction (and commit it) when the environment is opened, before
 * other threads use it, so that later opens only look names up.
 *
 * Errors: 0 or a negative GAZ_E* (base.h); out-parameters only on success.
 * An LMDB failure is GAZ_EIO with the LMDB message in gaz_errdetail().
 */
#ifndef GAZETTE_TLOG_H
#define GAZETTE_TLOG_H

#include "gazette/base.h"

#include <lmdb.h>
#include <openssl/evp.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Named LMDB databases the log opens; add to mdb_env_set_maxdbs. */
#define GAZ_TLOG_NDBI 3

#define GAZ_TLOG_HASH_LEN 32
/* Largest tree the log accepts (2^62 leaves: proofs stay ≤ 64 hashes). */
#define GAZ_TLOG_MAX_SIZE (UINT64_C(1) << 62)
/* A proof never has more than this many hashes (ceil(log2 size) + 1). */
#define GAZ_TLOG_MAX_PROOF 64
/* Largest encoded leaf (see gaz_tlog_leaf_encode). */
#define GAZ_TLOG_LEAF_MAX 1088

/* ---- leaf data: what was published --------------------------------- */

enum gaz_tlog_kind {
	GAZ_TLOG_ISSUE_VERSION = 1, /* a signed issue PDF was stored */
	GAZ_TLOG_STATUS_EVENT = 2   /* a document's status changed (立改废) */
};

/* One log entry.  Strings are UTF-8, NUL-terminated, each at most 255
 * bytes; NULL means "" (absent).
 *   issue version: year, number, version, sha256 (of the signed PDF),
 *                  date (publication date YYYY-MM-DD); doc_no/status/by "".
 *   status event:  doc_no, status (有效/已修改/废止/失效), date (effective),
 *                  by (the document that changed it), and year/number/
 *                  version/sha256 of the issue carrying doc_no (0 / zeros
 *                  if unknown). */
struct gaz_tlog_entry {
	enum gaz_tlog_kind kind;
	uint32_t year, number, version;
	unsigned char sha256[32];
	const char *doc_no;
	const char *status;
	const char *date;
	const char *by;
};

/* Canonical leaf encoding, version 1 (all integers big-endian):
 *   u8 0x01 (encoding version) || u8 kind
 *   u32 year || u32 number || u32 version || 32 bytes sha256
 *   then doc_no, status, date, by, each as u8 length || bytes
 * Writes at most GAZ_TLOG_LEAF_MAX bytes into out and sets *len.
 * GAZ_EINVAL: unknown kind, a string over 255 bytes or not valid UTF-8. */
int gaz_tlog_leaf_encode(const struct gaz_tlog_entry *e,
			 unsigned char out[GAZ_TLOG_LEAF_MAX], size_t *len);

/* Decodes untrusted leaf bytes.  The strings in *e point into `strbuf`
 * (≥ 4 * 256 bytes, owned by the caller).  GAZ_EFORMAT unless the bytes
 * are exactly one canonical version-1 encoding. */
int gaz_tlog_leaf_decode(const void *p, size_t n, struct gaz_tlog_entry *e,
			 char strbuf[4 * 256]);

/* ---- hashing (pure) ---------------------------------------------------- */

void gaz_tlog_leaf_hash(const void *data, size_t n, unsigned char out[32]);
void gaz_tlog_node_hash(const unsigned char l[32], const unsigned char r[32],
			unsigned char out[32]);

/* ---- the stored log ------------------------------------------------------ */

/* Creates the log's databases if missing.  Needs a write transaction. */
int gaz_tlog_init(MDB_txn *txn);

/* Number of leaves in the log as seen by txn (0 if the log is empty or
 * was never initialised). */
int gaz_tlog_size(MDB_txn *txn, uint64_t *size);

/* Appends one leaf (its encoded data, ≤ GAZ_TLOG_LEAF_MAX bytes) and the
 * subtree hashes it completes.  *index receives the leaf's 0-based index
 * (may be NULL).  On failure the transaction must be aborted by the
 * caller (some writes may have happened). */
int gaz_tlog_append(MDB_txn *txn, const void *leaf, size_t n, uint64_t *index);

/* Encodes e and appends it. */
int gaz_tlog_append_entry(MDB_txn *txn, const struct gaz_tlog_entry *e,
			  uint64_t *index);

/* The leaf at index: *hash (may be NULL) and a malloc'ed copy of the data
 * in *data and *n (may be NULL; caller frees).  GAZ_ENOTFOUND past the end. */
int gaz_tlog_leaf(MDB_txn *txn, uint64_t index, unsigned char hash[32],
		  unsigned char **data, size_t *n);

/* Index of the first leaf whose hash is `hash` (a linear scan: for tools,
 * not hot paths).  GAZ_ENOTFOUND if none. */
int gaz_tlog_find_leaf(MDB_txn *txn, const unsigned char hash[32], uint64_t *index);

/* Index of the first leaf recording an issue version whose PDF SHA-256 is
 * `sha256` (a linear scan).  GAZ_ENOTFOUND if none. */
int gaz_tlog_find_sha256(MDB_txn *txn, const unsigned char sha256[32], uint64_t *index);

/* Root hash of the tree of the first `size` leaves (size ≤ current size;
 * size 0 gives SHA-256("")).  GAZ_EINVAL if size is beyond the log. */
int gaz_tlog_root(MDB_txn *txn, uint64_t size, unsigned char root[32]);

/* A proof: up to GAZ_TLOG_MAX_PROOF hashes, in RFC 9162 order. */
struct gaz_tlog_proof {
	size_t n;
	unsigned char h[GAZ_TLOG_MAX_PROOF][32];
};

/* Inclusion proof (RFC 9162 §2.1.3.1) of leaf `index` in the tree of
 * `size` leaves.  GAZ_EINVAL unless index < size ≤ log size. */
int gaz_tlog_inclusion_proof(MDB_txn *txn, uint64_t index, uint64_t size,
			     struct gaz_tlog_proof *proof);

/* Consistency proof (RFC 9162 §2.1.4.1) between sizes m ≤ n ≤ log size.
 * Empty when m == n or m == 0.  GAZ_EINVAL if m > n or n beyond the log. */
int gaz_tlog_consistency_proof(MDB_txn *txn, uint64_t m, uint64_t n,
			       struct gaz_tlog_proof *proof);

/* ---- offline verification (no archive needed) ------------------------- */

/* RFC 9162 §2.1.3.2: 0 if `proof` shows the leaf with `leaf_hash` at
 * `index` is in the tree of `size` leaves with `root`; GAZ_ECORRUPT if the
 * proof does not verify; GAZ_EINVAL if index ≥ size. */
int gaz_tlog_verify_inclusion(const unsigned char leaf_hash[32], uint64_t index,
			      uint64_t size, const struct gaz_tlog_proof *proof,
			      const unsigned char root[32]);

/* RFC 9162 §2.1.4.2: 0 if `proof` shows the tree of size m with root1 is a
 * prefix of the tree of size n with root2; GAZ_ECORRUPT if not;
 * GAZ_EINVAL if m > n.  m == n needs an empty proof and equal roots;
 * m == 0 is always consistent (with an empty proof). */
int gaz_tlog_verify_consistency(uint64_t m, uint64_t n,
				const unsigned char root1[32],
				const unsigned char root2[32],
				const struct gaz_tlog_proof *proof);

/* ---- signed tree heads ---------------------------------------------------- */

/* A signed tree head.  The signature is Ed25519 over the 50-byte message
 *   u8 0x01 (version) || u8 0x01 (signature type: tree hash)
 *   || u64 timestamp (ms since 1970, UTC) || u64 tree size || root hash
 * (big-endian), the field order of RFC 9162's TreeHeadSignature. */
struct gaz_tlog_sth {
	uint64_t size;
	uint64_t timestamp_ms;
	unsigned char root[32];
	unsigned char sig[64];
};

#define GAZ_TLOG_STH_MSG_LEN 50
void gaz_tlog_sth_message(const struct gaz_tlog_sth *sth,
			  unsigned char msg[GAZ_TLOG_STH_MSG_LEN]);

/* Computes the root of the current log, signs it with `key` (an Ed25519
 * private key) at `timestamp_ms` (given by the caller: the library never
 * reads the clock) and stores the head in "log_heads".  *out (may be NULL)
 * receives it.  GAZ_EINVAL if key is not Ed25519; GAZ_ECRYPTO on a signing
 * failure. */
int gaz_tlog_sign_head(MDB_txn *txn, EVP_PKEY *key, uint64_t timestamp_ms,
		       struct gaz_tlog_sth *out);

/* The most recently signed stored head (largest size, then latest time).
 * GAZ_ENOTFOUND if none was signed. */
int gaz_tlog_latest_head(MDB_txn *txn, struct gaz_tlog_sth *out);

/* The latest stored head of exactly `size` leaves.  GAZ_ENOTFOUND if no
 * head of that size was signed. */
int gaz_tlog_head_at(MDB_txn *txn, uint64_t size, struct gaz_tlog_sth *out);

/* 0 if sth's signature verifies with `pub` (Ed25519 public key);
 * GAZ_ECORRUPT if it does not; GAZ_EINVAL for a non-Ed25519 key. */
int gaz_tlog_sth_verify(const struct gaz_tlog_sth *sth, EVP_PKEY *pub);

/* Loads a private key from a PEM file, decrypting it with the passphrase
 * read from pass_file (first line) or, when pass_file is NULL, from the
 * environment variable GAZETTE_LOG_KEY_PASS (may be unset for an
 * unencrypted key).  *out is the caller's: EVP_PKEY_free().  GAZ_EIO,
 * GAZ_ECRYPTO (wrong passphrase / not a key), GAZ_EINVAL (not Ed25519). */
int gaz_tlog_load_key(const char *pem_path, const char *pass_file, EVP_PKEY **out);
/* Loads an Ed25519 public key (PEM SubjectPublicKeyInfo). */
int gaz_tlog_load_pub(const char *pem_path, EVP_PKEY **out);

/* ---- consistency check (fsck) --------------------------------------------- */

struct gaz_tlog_check {
	uint64_t leaves;   /* leaves checked */
	uint64_t nodes;    /* stored subtree hashes recomputed */
	uint64_t heads;    /* stored heads whose root was recomputed */
};

/* Recomputes every leaf hash from its data, every stored subtree hash from
 * its children, checks that no node or leaf is missing or extra, and
 * recomputes the root of every stored head (signatures are checked only if
 * pub is non-NULL).  0 when all agree; GAZ_ECORRUPT naming the first
 * disagreement in gaz_errdetail().  *st (may be NULL) gets the counts. */
int gaz_tlog_verify(MDB_txn *txn, EVP_PKEY *pub, struct gaz_tlog_check *st);

#ifdef __cplusplus
}
#endif
#endif

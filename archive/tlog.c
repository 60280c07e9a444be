/*
 * The transparency log: RFC 9162 Merkle tree over LMDB.  Leaves and the
 * perfect subtrees they complete are stored as they are appended, so any
 * MTH(D[lo:hi]) that a root or proof needs is assembled from O(log n)
 * stored hashes.
 */
#include "gazette/tlog.h"
#include "lmdbx.h"

#include <openssl/evp.h>
#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>

#define TL_LEAVES "log_leaves"
#define TL_NODES "log_nodes"
#define TL_HEADS "log_heads"
/* Recursion over [lo, hi) halves the range each step, at most 64 deep;
 * this bound turns a logic error into an error, not a stack overflow. */
#define TL_MAX_DEPTH 130

struct tl {
	MDB_txn *txn;
	MDB_dbi leaves, nodes, heads;
};

/* With create = 0 a log never initialised is GAZ_ENOTFOUND. */
static int tl_open(MDB_txn *txn, struct tl *t, int create)
{
	int rc;

	t->txn = txn;
	if ((rc = lx_dbi(txn, TL_LEAVES, create, &t->leaves)) ||
	    (rc = lx_dbi(txn, TL_NODES, create, &t->nodes)) ||
	    (rc = lx_dbi(txn, TL_HEADS, create, &t->heads)))
		return rc;
	return 0;
}

int gaz_tlog_init(MDB_txn *txn)
{
	struct tl t;

	return tl_open(txn, &t, 1);
}

void gaz_tlog_leaf_hash(const void *data, size_t n, unsigned char out[32])
{
	unsigned char buf[1 + GAZ_TLOG_LEAF_MAX];
	EVP_MD_CTX *c;
	unsigned char z = 0;

	if (n <= GAZ_TLOG_LEAF_MAX) {
		buf[0] = 0;
		if (n)
			memcpy(buf + 1, data, n);
		SHA256(buf, n + 1, out);
		return;
	}
	/* Longer data (only through this pure function): the streaming API.
	 * An allocation failure leaves an all-zero hash that matches nothing. */
	memset(out, 0, 32);
	if (!(c = EVP_MD_CTX_new()))
		return;
	if (EVP_DigestInit_ex(c, EVP_sha256(), NULL) > 0 && EVP_DigestUpdate(c, &z, 1) > 0 &&
	    EVP_DigestUpdate(c, data, n) > 0)
		EVP_DigestFinal_ex(c, out, NULL);
	EVP_MD_CTX_free(c);
}

void gaz_tlog_node_hash(const unsigned char l[32], const unsigned char r[32],
			unsigned char out[32])
{
	unsigned char buf[65];

	buf[0] = 1;
	memcpy(buf + 1, l, 32);
	memcpy(buf + 33, r, 32);
	SHA256(buf, sizeof buf, out);
}

/* ---- leaf encoding ----------------------------------------------------- */

static int put_str(unsigned char *out, size_t *pos, const char *s)
{
	size_t n = s ? strlen(s) : 0, bad;

	if (n > 255)
		return gaz_fail(GAZ_EINVAL, "log entry string longer than 255 bytes");
	if (n && gaz_utf8_validate((const unsigned char *)s, n, &bad))
		return gaz_fail(GAZ_EINVAL, "log entry string is not UTF-8");
	out[(*pos)++] = (unsigned char)n;
	memcpy(out + *pos, s ? s : "", n);
	*pos += n;
	return 0;
}

int gaz_tlog_leaf_encode(const struct gaz_tlog_entry *e,
			 unsigned char out[GAZ_TLOG_LEAF_MAX], size_t *len)
{
	size_t pos = 0;
	int rc;

	if (e->kind != GAZ_TLOG_ISSUE_VERSION && e->kind != GAZ_TLOG_STATUS_EVENT)
		return gaz_fail(GAZ_EINVAL, "unknown log entry kind %d", (int)e->kind);
	out[pos++] = 1;
	out[pos++] = (unsigned char)e->kind;
	lx_put_be32(out + pos, e->year);
	lx_put_be32(out + pos + 4, e->number);
	lx_put_be32(out + pos + 8, e->version);
	pos += 12;
	memcpy(out + pos, e->sha256, 32);
	pos += 32;
	if ((rc = put_str(out, &pos, e->doc_no)) || (rc = put_str(out, &pos, e->status)) ||
	    (rc = put_str(out, &pos, e->date)) || (rc = put_str(out, &pos, e->by)))
		return rc;
	*len = pos;
	return 0;
}
_Static_assert(46 + 4 * 256 <= GAZ_TLOG_LEAF_MAX, "the largest leaf fits");

static int get_str(struct gaz_rd *r, char *dst)
{
	uint8_t n;
	const unsigned char *p;
	size_t bad;

	if (gaz_rd_byte(r, &n) || gaz_rd_take(r, n, &p))
		return GAZ_EFORMAT;
	if (n && gaz_utf8_validate(p, n, &bad))
		return GAZ_EFORMAT;
	if (memchr(p, 0, n))
		return GAZ_EFORMAT;
	memcpy(dst, p, n);
	dst[n] = 0;
	return 0;
}

int gaz_tlog_leaf_decode(const void *p, size_t n, struct gaz_tlog_entry *e,
			 char strbuf[4 * 256])
{
	struct gaz_rd r;
	const unsigned char *q;
	struct gaz_tlog_entry x;
	uint8_t ver, kind;

	memset(&x, 0, sizeof x);
	gaz_rd_init(&r, p, n);
	if (gaz_rd_byte(&r, &ver) || ver != 1 || gaz_rd_byte(&r, &kind) ||
	    (kind != GAZ_TLOG_ISSUE_VERSION && kind != GAZ_TLOG_STATUS_EVENT) ||
	    gaz_rd_take(&r, 44, &q))
		return gaz_fail(GAZ_EFORMAT, "log leaf: bad header");
	x.kind = (enum gaz_tlog_kind)kind;
	x.year = lx_get_be32(q);
	x.number = lx_get_be32(q + 4);
	x.version = lx_get_be32(q + 8);
	memcpy(x.sha256, q + 12, 32);
	if (get_str(&r, strbuf) || get_str(&r, strbuf + 256) ||
	    get_str(&r, strbuf + 512) || get_str(&r, strbuf + 768) || gaz_rd_left(&r))
		return gaz_fail(GAZ_EFORMAT, "log leaf: bad strings or trailing bytes");
	x.doc_no = strbuf;
	x.status = strbuf + 256;
	x.date = strbuf + 512;
	x.by = strbuf + 768;
	*e = x;
	return 0;
}

/* ---- stored tree ------------------------------------------------------- */

static int tl_size(struct tl *t, uint64_t *size)
{
	MDB_cursor *c = NULL;
	MDB_val k, v;
	int rc;

	if ((rc = mdb_cursor_open(t->txn, t->leaves, &c)))
		return lx_err(rc, TL_LEAVES);
	rc = mdb_cursor_get(c, &k, &v, MDB_LAST);
	mdb_cursor_close(c);
	if (rc == MDB_NOTFOUND) {
		*size = 0;
		return 0;
	}
	if (rc)
		return lx_err(rc, TL_LEAVES);
	if (k.mv_size != 8)
		return gaz_fail(GAZ_ECORRUPT, "log: malformed leaf key");
	*size = lx_get_be64(k.mv_data) + 1;
	return 0;
}

int gaz_tlog_size(MDB_txn *txn, uint64_t *size)
{
	struct tl t;
	int rc = tl_open(txn, &t, 0);

	if (rc == GAZ_ENOTFOUND) {
		*size = 0;
		return 0;
	}
	return rc ? rc : tl_size(&t, size);
}

static void node_key(unsigned char k[9], unsigned level, uint64_t i)
{
	k[0] = (unsigned char)level;
	lx_put_be64(k + 1, i);
}

/* Hash of the perfect subtree of 2^level leaves starting at i << level. */
static int get_node(struct tl *t, unsigned level, uint64_t i, unsigned char out[32])
{
	unsigned char kb[9];
	MDB_val k, v;
	int rc;

	if (level == 0) {
		lx_put_be64(kb, i);
		k.mv_size = 8;
		k.mv_data = kb;
		rc = mdb_get(t->txn, t->leaves, &k, &v);
	} else {
		node_key(kb, level, i);
		k.mv_size = 9;
		k.mv_data = kb;
		rc = mdb_get(t->txn, t->nodes, &k, &v);
	}
	if (rc == MDB_NOTFOUND)
		return gaz_fail(GAZ_ECORRUPT, "log: subtree (%u, %llu) missing", level,
				(unsigned long long)i);
	if (rc)
		return lx_err(rc, "log read");
	if (v.mv_size < 32 || (level && v.mv_size != 32))
		return gaz_fail(GAZ_ECORRUPT, "log: subtree (%u, %llu) malformed", level,
				(unsigned long long)i);
	memcpy(out, v.mv_data, 32);
	return 0;
}

static uint64_t largest_pow2_below(uint64_t n) /* n ≥ 2 */
{
	uint64_t k = 1;

	while (k << 1 < n)
		k <<= 1;
	return k;
}

/* MTH(D[lo:hi]) for 0 ≤ lo < hi. */
static int mth(struct tl *t, uint64_t lo, uint64_t hi, unsigned char out[32], int depth)
{
	uint64_t n = hi - lo, k;
	unsigned char l[32], r[32];
	unsigned level = 0;
	int rc;

	if (depth > TL_MAX_DEPTH)
		return gaz_fail(GAZ_EINTERNAL, "log: recursion too deep");
	if ((n & (n - 1)) == 0 && lo % n == 0) {
		while ((UINT64_C(1) << level) < n)
			level++;
		return get_node(t, level, lo >> level, out);
	}
	k = largest_pow2_below(n);
	if ((rc = mth(t, lo, lo + k, l, depth + 1)) || (rc = mth(t, lo + k, hi, r, depth + 1)))
		return rc;
	gaz_tlog_node_hash(l, r, out);
	return 0;
}

static void empty_root(unsigned char out[32])
{
	SHA256((const unsigned char *)"", 0, out);
}

int gaz_tlog_append(MDB_txn *txn, const void *leaf, size_t n, uint64_t *index)
{
	struct tl t;
	unsigned char kb[9], cur[32], left[32], *val = NULL;
	MDB_val k, v;
	uint64_t size, i;
	unsigned level = 0;
	int rc;

	if (n > GAZ_TLOG_LEAF_MAX)
		return gaz_fail(GAZ_ETOOBIG, "log leaf of %zu bytes", n);
	if ((rc = tl_open(txn, &t, 1)) || (rc = tl_size(&t, &size)))
		return rc;
	if (size >= GAZ_TLOG_MAX_SIZE)
		return gaz_fail(GAZ_ETOOBIG, "log is full");
	gaz_tlog_leaf_hash(leaf, n, cur);
	lx_put_be64(kb, size);
	k.mv_size = 8;
	k.mv_data = kb;
	v.mv_size = 32 + n;
	if ((rc = mdb_put(txn, t.leaves, &k, &v, MDB_APPEND | MDB_RESERVE)))
		return lx_err(rc, TL_LEAVES);
	val = v.mv_data;
	memcpy(val, cur, 32);
	if (n)
		memcpy(val + 32, leaf, n);
	for (i = size; i & 1; i >>= 1) {
		if ((rc = get_node(&t, level, i - 1, left)))
			return rc;
		gaz_tlog_node_hash(left, cur, cur);
		level++;
		node_key(kb, level, i >> 1);
		k.mv_size = 9;
		k.mv_data = kb;
		v.mv_size = 32;
		v.mv_data = cur;
		if ((rc = mdb_put(txn, t.nodes, &k, &v, MDB_NOOVERWRITE)))
			return lx_err(rc, TL_NODES);
	}
	if (index)
		*index = size;
	return 0;
}

int gaz_tlog_append_entry(MDB_txn *txn, const struct gaz_tlog_entry *e, uint64_t *index)
{
	unsigned char buf[GAZ_TLOG_LEAF_MAX];
	size_t n;
	int rc = gaz_tlog_leaf_encode(e, buf, &n);

	return rc ? rc : gaz_tlog_append(txn, buf, n, index);
}

int gaz_tlog_leaf(MDB_txn *txn, uint64_t index, unsigned char hash[32],
		  unsigned char **data, size_t *n)
{
	struct tl t;
	unsigned char kb[8], *copy = NULL;
	MDB_val k, v;
	int rc;

	if ((rc = tl_open(txn, &t, 0)))
		return rc;
	lx_put_be64(kb, index);
	k.mv_size = 8;
	k.mv_data = kb;
	if ((rc = mdb_get(txn, t.leaves, &k, &v)))
		return lx_err(rc, TL_LEAVES);
	if (v.mv_size < 32)
		return gaz_fail(GAZ_ECORRUPT, "log: leaf %llu malformed", (unsigned long long)index);
	if (data) {
		if (!(copy = malloc(v.mv_size - 32 + 1)))
			return GAZ_ENOMEM;
		memcpy(copy, (unsigned char *)v.mv_data + 32, v.mv_size - 32);
		*data = copy;
		*n = v.mv_size - 32;
	}
	if (hash)
		memcpy(hash, v.mv_data, 32);
	return 0;
}

/* Walks the leaves in index order to the first whose value (hash, then
 * data) match() accepts; MDB_NOTFOUND (as lx_err) if none does. */
static int scan_leaves(MDB_txn *txn, int (*match)(const MDB_val *v, const unsigned char *want),
		       const unsigned char *want, uint64_t *index)
{
	struct tl t;
	MDB_cursor *c = NULL;
	MDB_val k, v;
	int rc, op = MDB_FIRST;

	if ((rc = tl_open(txn, &t, 0)))
		return rc;
	if ((rc = mdb_cursor_open(txn, t.leaves, &c)))
		return lx_err(rc, TL_LEAVES);
	while (!(rc = mdb_cursor_get(c, &k, &v, op))) {
		op = MDB_NEXT;
		if (k.mv_size == 8 && match(&v, want)) {
			*index = lx_get_be64(k.mv_data);
			break;
		}
	}
	mdb_cursor_close(c);
	return rc ? lx_err(rc, TL_LEAVES) : 0;
}

static int leaf_hash_is(const MDB_val *v, const unsigned char *hash)
{
	return v->mv_size >= 32 && !memcmp(v->mv_data, hash, 32);
}

/* version 1, kind issue version, then 12 bytes of numbers, then the SHA-256 */
static int leaf_pdf_is(const MDB_val *v, const unsigned char *sha256)
{
	const unsigned char *d = (const unsigned char *)v->mv_data + 32;

	return v->mv_size >= 32 + 46 && d[0] == 1 && d[1] == GAZ_TLOG_ISSUE_VERSION &&
	       !memcmp(d + 14, sha256, 32);
}

int gaz_tlog_find_leaf(MDB_txn *txn, const unsigned char hash[32], uint64_t *index)
{
	return scan_leaves(txn, leaf_hash_is, hash, index);
}

int gaz_tlog_find_sha256(MDB_txn *txn, const unsigned char sha256[32], uint64_t *index)
{
	return scan_leaves(txn, leaf_pdf_is, sha256, index);
}

/* Opens the log and checks that `size` leaves exist. */
static int tl_open_size(MDB_txn *txn, struct tl *t, uint64_t size)
{
	uint64_t have = 0;
	int rc = tl_open(txn, t, 0);

	if (rc == GAZ_ENOTFOUND)
		have = 0;
	else if (rc || (rc = tl_size(t, &have)))
		return rc;
	if (size > have)
		return gaz_fail(GAZ_EINVAL, "tree size %llu beyond the log (%llu leaves)",
				(unsigned long long)size, (unsigned long long)have);
	return 0;
}

int gaz_tlog_root(MDB_txn *txn, uint64_t size, unsigned char root[32])
{
	struct tl t;
	unsigned char h[32];
	int rc;

	if ((rc = tl_open_size(txn, &t, size)))
		return rc;
	if (size == 0) {
		empty_root(root);
		return 0;
	}
	if ((rc = mth(&t, 0, size, h, 0)))
		return rc;
	memcpy(root, h, 32);
	return 0;
}

static int proof_add(struct gaz_tlog_proof *p, const unsigned char h[32])
{
	if (p->n >= GAZ_TLOG_MAX_PROOF)
		return gaz_fail(GAZ_EINTERNAL, "log: proof too long");
	memcpy(p->h[p->n++], h, 32);
	return 0;
}

/* PATH(m, D[lo:hi]) of RFC 9162 §2.1.3.1, m relative to lo. */
static int path(struct tl *t, uint64_t m, uint64_t lo, uint64_t hi,
		struct gaz_tlog_proof *p, int depth)
{
	uint64_t n = hi - lo, k;
	unsigned char h[32];
	int rc;

	if (n <= 1)
		return 0;
	if (depth > TL_MAX_DEPTH)
		return gaz_fail(GAZ_EINTERNAL, "log: recursion too deep");
	k = largest_pow2_below(n);
	if (m < k) {
		if ((rc = path(t, m, lo, lo + k, p, depth + 1)) || (rc = mth(t, lo + k, hi, h, 0)))
			return rc;
	} else {
		if ((rc = path(t, m - k, lo + k, hi, p, depth + 1)) || (rc = mth(t, lo, lo + k, h, 0)))
			return rc;
	}
	return proof_add(p, h);
}

int gaz_tlog_inclusion_proof(MDB_txn *txn, uint64_t index, uint64_t size,
			     struct gaz_tlog_proof *proof)
{
	struct tl t;
	struct gaz_tlog_proof p;
	int rc;

	if (index >= size)
		return gaz_fail(GAZ_EINVAL, "leaf %llu not in a tree of %llu",
				(unsigned long long)index, (unsigned long long)size);
	if ((rc = tl_open_size(txn, &t, size)))
		return rc;
	p.n = 0;
	if ((rc = path(&t, index, 0, size, &p, 0)))
		return rc;
	*proof = p;
	return 0;
}

/* SUBPROOF(m, D[lo:hi], b) of RFC 9162 §2.1.4.1, m relative to lo. */
static int subproof(struct tl *t, uint64_t m, uint64_t lo, uint64_t hi, int b,
		    struct gaz_tlog_proof *p, int depth)
{
	uint64_t n = hi - lo, k;
	unsigned char h[32];
	int rc;

	if (depth > TL_MAX_DEPTH)
		return gaz_fail(GAZ_EINTERNAL, "log: recursion too deep");
	if (m == n) {
		if (b)
			return 0;
		if ((rc = mth(t, lo, hi, h, 0)))
			return rc;
		return proof_add(p, h);
	}
	k = largest_pow2_below(n);
	if (m <= k) {
		if ((rc = subproof(t, m, lo, lo + k, b, p, depth + 1)) ||
		    (rc = mth(t, lo + k, hi, h, 0)))
			return rc;
	} else {
		if ((rc = subproof(t, m - k, lo + k, hi, 0, p, depth + 1)) ||
		    (rc = mth(t, lo, lo + k, h, 0)))
			return rc;
	}
	return proof_add(p, h);
}

int gaz_tlog_consistency_proof(MDB_txn *txn, uint64_t m, uint64_t n,
			       struct gaz_tlog_proof *proof)
{
	struct tl t;
	struct gaz_tlog_proof p;
	int rc;

	if (m > n)
		return gaz_fail(GAZ_EINVAL, "consistency from %llu to smaller %llu",
				(unsigned long long)m, (unsigned long long)n);
	if ((rc = tl_open_size(txn, &t, n)))
		return rc;
	p.n = 0;
	if (m > 0 && m < n && (rc = subproof(&t, m, 0, n, 1, &p, 0)))
		return rc;
	*proof = p;
	return 0;
}

/* ---- offline verification ---------------------------------------------- */

int gaz_tlog_verify_inclusion(const unsigned char leaf_hash[32], uint64_t index,
			      uint64_t size, const struct gaz_tlog_proof *proof,
			      const unsigned char root[32])
{
	uint64_t fn = index, sn;
	unsigned char r[32];
	size_t i;

	if (index >= size)
		return gaz_fail(GAZ_EINVAL, "leaf index %llu not below tree size %llu",
				(unsigned long long)index, (unsigned long long)size);
	if (proof->n > GAZ_TLOG_MAX_PROOF)
		return gaz_fail(GAZ_EINVAL, "proof too long");
	sn = size - 1;
	memcpy(r, leaf_hash, 32);
	for (i = 0; i < proof->n; i++) {
		if (sn == 0)
			return gaz_fail(GAZ_ECORRUPT, "inclusion proof too long");
		if ((fn & 1) || fn == sn) {
			gaz_tlog_node_hash(proof->h[i], r, r);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			gaz_tlog_node_hash(r, proof->h[i], r);
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0)
		return gaz_fail(GAZ_ECORRUPT, "inclusion proof too short");
	if (memcmp(r, root, 32))
		return gaz_fail(GAZ_ECORRUPT, "inclusion proof does not lead to the root");
	return 0;
}

int gaz_tlog_verify_consistency(uint64_t m, uint64_t n, const unsigned char root1[32],
				const unsigned char root2[32],
				const struct gaz_tlog_proof *proof)
{
	uint64_t fn, sn;
	unsigned char fr[32], sr[32];
	size_t i = 0;

	if (m > n)
		return gaz_fail(GAZ_EINVAL, "consistency from %llu to smaller %llu",
				(unsigned long long)m, (unsigned long long)n);
	if (proof->n > GAZ_TLOG_MAX_PROOF)
		return gaz_fail(GAZ_EINVAL, "proof too long");
	if (m == 0 || m == n) {
		if (proof->n)
			return gaz_fail(GAZ_ECORRUPT, "consistency proof should be empty");
		if (m == n && memcmp(root1, root2, 32))
			return gaz_fail(GAZ_ECORRUPT, "equal sizes with different roots");
		return 0;
	}
	if (proof->n == 0)
		return gaz_fail(GAZ_ECORRUPT, "consistency proof is empty");
	/* RFC 9162 §2.1.4.2: when m is a power of two, root1 is the path's
	 * implicit first element. */
	if ((m & (m - 1)) == 0) {
		memcpy(fr, root1, 32);
	} else {
		memcpy(fr, proof->h[0], 32);
		i = 1;
	}
	memcpy(sr, fr, 32);
	fn = m - 1;
	sn = n - 1;
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	for (; i < proof->n; i++) {
		if (sn == 0)
			return gaz_fail(GAZ_ECORRUPT, "consistency proof too long");
		if ((fn & 1) || fn == sn) {
			gaz_tlog_node_hash(proof->h[i], fr, fr);
			gaz_tlog_node_hash(proof->h[i], sr, sr);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			gaz_tlog_node_hash(sr, proof->h[i], sr);
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0)
		return gaz_fail(GAZ_ECORRUPT, "consistency proof too short");
	if (memcmp(fr, root1, 32))
		return gaz_fail(GAZ_ECORRUPT, "consistency proof does not lead to the old root");
	if (memcmp(sr, root2, 32))
		return gaz_fail(GAZ_ECORRUPT, "consistency proof does not lead to the new root");
	return 0;
}

/* ---- fsck ----------------------------------------------------------------- */

int gaz_tlog_verify(MDB_txn *txn, EVP_PKEY *pub, struct gaz_tlog_check *st)
{
	struct gaz_tlog_check s = { 0 };
	struct tl t;
	MDB_cursor *c = NULL;
	MDB_val k, v;
	unsigned char h[32], l[32], r[32];
	uint64_t size = 0, expect_nodes = 0, idx;
	unsigned level;
	int rc, op, ret = GAZ_EINTERNAL;

	rc = tl_open(txn, &t, 0);
	if (rc == GAZ_ENOTFOUND) {
		if (st)
			*st = s;
		return 0;
	}
	if (rc || (rc = tl_size(&t, &size)))
		return rc;
	if ((rc = mdb_cursor_open(txn, t.leaves, &c))) {
		ret = lx_err(rc, TL_LEAVES);
		goto end;
	}
	for (op = MDB_FIRST; !(rc = mdb_cursor_get(c, &k, &v, op)); op = MDB_NEXT) {
		if (k.mv_size != 8 || lx_get_be64(k.mv_data) != s.leaves || v.mv_size < 32) {
			ret = gaz_fail(GAZ_ECORRUPT, "log: leaf %llu missing or malformed",
				       (unsigned long long)s.leaves);
			goto end;
		}
		gaz_tlog_leaf_hash((unsigned char *)v.mv_data + 32, v.mv_size - 32, h);
		if (memcmp(h, v.mv_data, 32)) {
			ret = gaz_fail(GAZ_ECORRUPT, "log: leaf %llu does not match its hash",
				       (unsigned long long)s.leaves);
			goto end;
		}
		s.leaves++;
	}
	if (rc != MDB_NOTFOUND) {
		ret = lx_err(rc, TL_LEAVES);
		goto end;
	}
	mdb_cursor_close(c);
	c = NULL;
	for (level = 1; level < 64; level++)
		expect_nodes += size >> level;
	if ((rc = mdb_cursor_open(txn, t.nodes, &c))) {
		ret = lx_err(rc, TL_NODES);
		goto end;
	}
	for (op = MDB_FIRST; !(rc = mdb_cursor_get(c, &k, &v, op)); op = MDB_NEXT) {
		const unsigned char *kp = k.mv_data;

		if (k.mv_size != 9 || v.mv_size != 32 || kp[0] == 0 || kp[0] > 62) {
			ret = gaz_fail(GAZ_ECORRUPT, "log: malformed subtree entry");
			goto end;
		}
		level = kp[0];
		idx = lx_get_be64(kp + 1);
		if (idx >= size >> level) {
			ret = gaz_fail(GAZ_ECORRUPT, "log: subtree (%u, %llu) beyond the log",
				       level, (unsigned long long)idx);
			goto end;
		}
		if ((ret = get_node(&t, level - 1, idx * 2, l)) ||
		    (ret = get_node(&t, level - 1, idx * 2 + 1, r)))
			goto end;
		gaz_tlog_node_hash(l, r, h);
		if (memcmp(h, v.mv_data, 32)) {
			ret = gaz_fail(GAZ_ECORRUPT, "log: subtree (%u, %llu) does not match "
				       "its children", level, (unsigned long long)idx);
			goto end;
		}
		s.nodes++;
	}
	if (rc != MDB_NOTFOUND) {
		ret = lx_err(rc, TL_NODES);
		goto end;
	}
	if (s.nodes != expect_nodes) {
		ret = gaz_fail(GAZ_ECORRUPT, "log: %llu subtree hashes stored, %llu expected",
			       (unsigned long long)s.nodes, (unsigned long long)expect_nodes);
		goto end;
	}
	mdb_cursor_close(c);
	c = NULL;
	if ((rc = mdb_cursor_open(txn, t.heads, &c))) {
		ret = lx_err(rc, TL_HEADS);
		goto end;
	}
	for (op = MDB_FIRST; !(rc = mdb_cursor_get(c, &k, &v, op)); op = MDB_NEXT) {
		struct gaz_tlog_sth sth;

		if (k.mv_size != 16 || v.mv_size != 96) {
			ret = gaz_fail(GAZ_ECORRUPT, "log: malformed tree head");
			goto end;
		}
		sth.size = lx_get_be64(k.mv_data);
		sth.timestamp_ms = lx_get_be64((unsigned char *)k.mv_data + 8);
		memcpy(sth.root, v.mv_data, 32);
		memcpy(sth.sig, (unsigned char *)v.mv_data + 32, 64);
		if (sth.size > size) {
			ret = gaz_fail(GAZ_ECORRUPT, "log: head of size %llu beyond the log",
				       (unsigned long long)sth.size);
			goto end;
		}
		if (sth.size == 0)
			empty_root(h);
		else if ((ret = mth(&t, 0, sth.size, h, 0)))
			goto end;
		if (memcmp(h, sth.root, 32)) {
			ret = gaz_fail(GAZ_ECORRUPT, "log: head of size %llu has a wrong root",
				       (unsigned long long)sth.size);
			goto end;
		}
		if (pub && (ret = gaz_tlog_sth_verify(&sth, pub)))
			goto end;
		s.heads++;
	}
	if (rc != MDB_NOTFOUND) {
		ret = lx_err(rc, TL_HEADS);
		goto end;
	}
	if (st)
		*st = s;
	ret = 0;
end:
	if (c)
		mdb_cursor_close(c);
	return ret;
}

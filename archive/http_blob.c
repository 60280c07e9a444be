/* Serving blobs without copying them.
 *
 * The server answers a download with a response that points straight into
 * the LMDB map (MHD_create_response_from_buffer_with_free_callback_cls):
 * the read transaction that makes those pages valid stays open until
 * libmicrohttpd drops the response, and the free callback aborts it.  We
 * chose that over a callback response because the bytes are already one
 * contiguous, immutable span for as long as the snapshot lives, so
 * libmicrohttpd can send them with one writev per chunk and nothing is
 * copied or re-read.  The cost is one LMDB reader slot per download in
 * flight, bounded by the connection limit (below LMDB's 126 readers).
 *
 * Every blob is verified against its SHA-256 before it is served.  Hashing
 * 600 KB on every request would cost more than sending it, so a verdict is
 * cached per (hash, snapshot txnid, address, length) for VCACHE_TTL
 * seconds: within one snapshot LMDB never changes a page, and the TTL
 * bounds how long damage done to the file behind LMDB's back (a disk
 * error, an edit outside LMDB) could go unnoticed.
 *
 * The blob layout used here is the archive's documented schema
 * (docs/archive.md): database "blob", key = SHA-256, value = one format
 * byte (1 = raw) followed by the bytes.  If it ever differs, the server
 * falls back to gaz_archive_get_blob(), which copies and re-hashes. */
#include "archive/http_int.h"
#include "gazette/archive.h"

#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BLOB_DB "blob"
#define BLOB_RAW 1
#define VCACHE_TTL 10

int site_read_begin(struct site *s, MDB_txn **txn)
{
	return gaz_archive_read_begin(s->ar, txn);
}

void site_blob_init(struct site *s)
{
	MDB_txn *txn = NULL;

	if (s->exporting || gaz_archive_read_begin(s->ar, &txn))
		return;
	/* The archive opened its databases when it opened the environment, so
	 * this only looks the name up; done once, before any thread runs. */
	if (!mdb_dbi_open(txn, BLOB_DB, 0, &s->blob_dbi))
		s->have_blob_dbi = 1;
	mdb_txn_commit(txn);
}

static time_t now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static int vcache_hit(struct site *s, const unsigned char sha[32], size_t txnid,
		      const void *p, size_t n)
{
	struct vcache_entry *e = &s->vcache[(sha[0] | sha[1] << 8) % SITE_VCACHE];
	int hit;

	pthread_mutex_lock(&s->vlock);
	hit = e->ptr == p && e->len == n && e->txnid == txnid && !memcmp(e->sha, sha, 32) &&
	      now_s() - e->when <= VCACHE_TTL;
	pthread_mutex_unlock(&s->vlock);
	return hit;
}

static void vcache_put(struct site *s, const unsigned char sha[32], size_t txnid,
		       const void *p, size_t n)
{
	struct vcache_entry *e = &s->vcache[(sha[0] | sha[1] << 8) % SITE_VCACHE];

	pthread_mutex_lock(&s->vlock);
	memcpy(e->sha, sha, 32);
	e->txnid = txnid;
	e->ptr = p;
	e->len = n;
	e->when = now_s();
	pthread_mutex_unlock(&s->vlock);
}

static int blob_copy(struct site *s, const unsigned char sha[32], struct resp *r,
		     const void **bytes, size_t *len)
{
	void *p = NULL;
	size_t n = 0;
	int rc;

	if ((rc = gaz_archive_get_blob(s->ar, sha, &p, &n)))
		return rc;
	free(r->owned);
	r->owned = p;
	*bytes = p;
	*len = n;
	return 0;
}

int site_blob(struct site *s, const unsigned char sha[32], struct resp *r,
	      const void **bytes, size_t *len)
{
	MDB_txn *txn = NULL;
	MDB_val k = { 32, (void *)sha }, v;
	const unsigned char *p;
	unsigned char md[32];
	size_t n, txnid;
	int rc;

	if (!s->have_blob_dbi)
		return blob_copy(s, sha, r, bytes, len);
	if ((rc = gaz_archive_read_begin(s->ar, &txn)))
		return rc;
	rc = mdb_get(txn, s->blob_dbi, &k, &v);
	if (rc == MDB_NOTFOUND) {
		mdb_txn_abort(txn);
		return GAZ_ENOTFOUND;
	}
	if (rc || v.mv_size < 1 || ((const unsigned char *)v.mv_data)[0] != BLOB_RAW) {
		mdb_txn_abort(txn);
		return blob_copy(s, sha, r, bytes, len);
	}
	p = (const unsigned char *)v.mv_data + 1;
	n = v.mv_size - 1;
	txnid = mdb_txn_id(txn);
	if (!vcache_hit(s, sha, txnid, p, n)) {
		SHA256(p, n, md);
		if (memcmp(md, sha, 32)) {
			mdb_txn_abort(txn);
			return gaz_fail(GAZ_ECORRUPT, "stored bytes do not match their SHA-256");
		}
		vcache_put(s, sha, txnid, p, n);
	}
	if (r->hold)
		mdb_txn_abort(r->hold);
	r->hold = txn;
	*bytes = p;
	*len = n;
	return 0;
}

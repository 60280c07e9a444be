/* Serving blobs without copying them.
 *
 * A blob is one contiguous span of the LMDB map (LMDB keeps large values
 * in consecutive overflow pages).  The server answers a download with a
 * buffer response on that span (see send_resp in http_server.c): no copy
 * in user space, and libmicrohttpd hands header and body to the kernel in
 * one sendmsg() (measured: one sendmsg and one recvfrom per 600 KB
 * download).  The read transaction that keeps those pages from being
 * reused by a writer stays open until libmicrohttpd drops the response
 * (its free callback ends it), so the cost is one LMDB reader slot per
 * download in flight, bounded by the connection limit (below LMDB's 126
 * readers).  A sendfile() response on data.mdb's descriptor was used
 * before: libmicrohttpd sends files in 128 KB chunks, and it cost more CPU
 * per download than the buffer (docs/web.md, "Downloads without copying").
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

void site_read_end(struct site *s, MDB_txn *txn)
{
	gaz_archive_read_end(s->ar, txn);
}

/* The archive opened every database (its own, the search index's, the
 * log's) when it opened the environment, so this only looks the name up. */
void site_blob_init(struct site *s)
{
	MDB_txn *txn = NULL;

	if (gaz_archive_read_begin(s->ar, &txn))
		return;
	if (!s->exporting && !mdb_dbi_open(txn, BLOB_DB, 0, &s->blob_dbi))
		s->have_blob_dbi = 1;
	gaz_archive_read_end(s->ar, txn);
}

static time_t now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* The first entry of sha's set of SITE_VCACHE_WAYS. */
static struct vcache_entry *vcache_set(struct site *s, const unsigned char sha[32])
{
	return &s->vcache[((size_t)(sha[0] | sha[1] << 8 | sha[2] << 16) %
			   (SITE_VCACHE / SITE_VCACHE_WAYS)) * SITE_VCACHE_WAYS];
}

static int vcache_hit(struct site *s, const unsigned char sha[32], size_t txnid,
		      const void *p, size_t n)
{
	struct vcache_entry *e = vcache_set(s, sha);
	long long now = now_s();
	int hit = 0;
	size_t w;

	pthread_mutex_lock(&s->vlock);
	for (w = 0; w < SITE_VCACHE_WAYS && !hit; w++, e++)
		hit = e->ptr == p && e->len == n && e->txnid == txnid && !memcmp(e->sha, sha, 32) &&
		      now - e->when <= VCACHE_TTL;
	pthread_mutex_unlock(&s->vlock);
	return hit;
}

static void vcache_put(struct site *s, const unsigned char sha[32], size_t txnid,
		       const void *p, size_t n)
{
	struct vcache_entry *set = vcache_set(s, sha), *e = set;
	size_t w;

	pthread_mutex_lock(&s->vlock);
	/* the entry of this blob if present, else the set's oldest verdict */
	for (w = 0; w < SITE_VCACHE_WAYS; w++) {
		if (!memcmp(set[w].sha, sha, 32)) {
			e = &set[w];
			break;
		}
		if (set[w].when < e->when)
			e = &set[w];
	}
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
		gaz_archive_read_end(s->ar, txn);
		return GAZ_ENOTFOUND;
	}
	if (rc || v.mv_size < 1 || ((const unsigned char *)v.mv_data)[0] != BLOB_RAW) {
		gaz_archive_read_end(s->ar, txn);
		return blob_copy(s, sha, r, bytes, len);
	}
	p = (const unsigned char *)v.mv_data + 1;
	n = v.mv_size - 1;
	txnid = mdb_txn_id(txn);
	if (!vcache_hit(s, sha, txnid, p, n)) {
		SHA256(p, n, md);
		if (memcmp(md, sha, 32)) {
			gaz_archive_read_end(s->ar, txn);
			return gaz_fail(GAZ_ECORRUPT, "stored bytes do not match their SHA-256");
		}
		vcache_put(s, sha, txnid, p, n);
	}
	if (r->hold)
		gaz_archive_read_end(r->hold_ar, r->hold);
	r->hold = txn;
	r->hold_ar = s->ar;
	*bytes = p;
	*len = n;
	return 0;
}

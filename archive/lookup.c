/*
 * Look-ups: each public function runs in one read transaction and copies
 * what it returns out of the map before the transaction ends.
 */
#include "archive/store.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

/* Results lists are capped so a hostile or damaged archive cannot make a
 * look-up allocate without bound. */
#define AR_LIST_MAX (1u << 22)

static const char *const key_names[] = { "document number", "index number",
					 "verification code" };

int ar_get_rec(MDB_txn *txn, MDB_dbi dbi, const void *key, size_t klen,
	       enum gaz_rec_type type, void *out)
{
	MDB_val k = { klen, (void *)key }, v;
	int rc = mdb_get(txn, dbi, &k, &v);

	if (rc == MDB_NOTFOUND)
		return GAZ_ENOTFOUND;
	if (rc)
		return gaz_archive_mdb_error(rc, "record");
	return gaz_rec_decode(type, v.mv_data, v.mv_size, out);
}

int ar_check_blob(const unsigned char sha[32], const MDB_val *v)
{
	unsigned char md[32];
	char hex[65];

	gaz_hex(sha, 32, hex);
	if (v->mv_size < 1 || ((const unsigned char *)v->mv_data)[0] != GAZ_BLOB_RAW)
		return gaz_fail(GAZ_ECORRUPT, "blob %s: unknown blob format", hex);
	SHA256((const unsigned char *)v->mv_data + 1, v->mv_size - 1, md);
	if (memcmp(md, sha, 32))
		return gaz_fail(GAZ_ECORRUPT, "blob %s: stored bytes do not match their SHA-256 "
				"(the archive is damaged: run `gazette fsck`, restore from a backup)",
				hex);
	return 0;
}

int ar_read_blob(MDB_txn *txn, MDB_dbi dbi, const unsigned char sha[32],
		 void **bytes, size_t *len)
{
	MDB_val k = { 32, (void *)sha }, v;
	char hex[65];
	char *p;
	int rc;

	if ((rc = mdb_get(txn, dbi, &k, &v))) {
		gaz_hex(sha, 32, hex);
		return rc == MDB_NOTFOUND ? gaz_fail(GAZ_ENOTFOUND, "blob %s is missing", hex)
					  : gaz_archive_mdb_error(rc, "blob");
	}
	if ((rc = ar_check_blob(sha, &v)))
		return rc;
	if (!(p = malloc(v.mv_size)))
		return GAZ_ENOMEM;
	memcpy(p, (const char *)v.mv_data + 1, v.mv_size - 1);
	p[v.mv_size - 1] = '\0';
	*bytes = p;
	*len = v.mv_size - 1;
	return 0;
}

int ar_latest_version(struct gaz_archive *a, MDB_txn *txn, unsigned year, unsigned number,
		      unsigned *latest)
{
	MDB_cursor *c = NULL;
	unsigned char kb[6];
	MDB_val k, v;
	int rc;

	ar_version_key(kb, year, number, 0xffff);
	k.mv_size = 6;
	k.mv_data = kb;
	if ((rc = ar_w(mdb_cursor_open(txn, a->version, &c))))
		return gaz_archive_mdb_error(rc, "versions");
	rc = ar_w(mdb_cursor_get(c, &k, &v, MDB_SET_RANGE));
	if (rc == MDB_NOTFOUND)
		rc = ar_w(mdb_cursor_get(c, &k, &v, MDB_LAST));
	else if (!rc && !(k.mv_size == 6 && !memcmp(k.mv_data, kb, 6)))
		rc = ar_w(mdb_cursor_get(c, &k, &v, MDB_PREV));
	mdb_cursor_close(c);
	if (rc == MDB_NOTFOUND) {
		*latest = 0;
		return 0;
	}
	if (rc)
		return gaz_archive_mdb_error(rc, "versions");
	if (k.mv_size != 6)
		return gaz_fail(GAZ_ECORRUPT, "version key of %zu bytes", k.mv_size);
	*latest = memcmp(k.mv_data, kb, 4) ? 0 : rd_be16((unsigned char *)k.mv_data + 4);
	return 0;
}

int ar_derive_version(struct gaz_archive *a, MDB_txn *txn, struct gaz_ar_version *v)
{
	struct gaz_ar_version next;
	unsigned char k[6];
	int rc;

	if ((rc = ar_latest_version(a, txn, v->year, v->number, &v->latest)))
		return rc;
	v->superseded_by = 0;
	if (v->version >= v->latest)
		return 0;
	ar_version_key(k, v->year, v->number, v->version + 1);
	if ((rc = ar_get_rec(txn, a->version, k, 6, GAZ_REC_VERSION, &next)))
		return rc == GAZ_ENOTFOUND
			? gaz_fail(GAZ_ECORRUPT, "issue %u/%u: version %u missing before %u",
				   v->year, v->number, v->version + 1, v->latest)
			: rc;
	v->superseded_by = next.version;
	v->superseded_reason = next.reason;
	next.reason = NULL;
	gaz_ar_version_release(&next);
	return 0;
}

static int load_version(struct gaz_archive *a, MDB_txn *txn, unsigned year, unsigned number,
			unsigned version, int with_docs, struct gaz_ar_version *out)
{
	struct gaz_ar_version v = { 0 };
	unsigned char k[8];
	uint32_t i;
	int rc;

	if (!version) {
		if ((rc = ar_latest_version(a, txn, year, number, &version)))
			return rc;
		if (!version)
			return gaz_fail(GAZ_ENOTFOUND, "issue %u/%u is not in the archive", year, number);
	}
	if (year > 0xffff || number > 0xffff || version > 0xffff)
		return gaz_fail(GAZ_ENOTFOUND, "issue %u/%u/%u is not in the archive", year, number,
				version);
	ar_version_key(k, year, number, version);
	if ((rc = ar_get_rec(txn, a->version, k, 6, GAZ_REC_VERSION, &v)))
		return rc == GAZ_ENOTFOUND
			? gaz_fail(rc, "issue %u/%u version %u is not in the archive", year, number,
				   version)
			: rc;
	if ((rc = ar_derive_version(a, txn, &v)))
		goto fail;
	if (with_docs && v.n_docs) {
		if (v.n_docs > GAZ_ISSUE_MAX_DOCS) {
			rc = gaz_fail(GAZ_ECORRUPT, "issue %u/%u/%u claims %u documents", year, number,
				      version, (unsigned)v.n_docs);
			goto fail;
		}
		if (!(v.docs = calloc(v.n_docs, sizeof *v.docs))) {
			rc = GAZ_ENOMEM;
			goto fail;
		}
		for (i = 0; i < v.n_docs; i++) {
			struct gaz_ar_doc *d = &v.docs[i];
			be64(k, v.first_doc + i);
			if ((rc = ar_get_rec(txn, a->doc, k, 8, GAZ_REC_DOC, d))) {
				if (rc == GAZ_ENOTFOUND)
					rc = gaz_fail(GAZ_ECORRUPT, "document %llu of issue %u/%u/%u missing",
						      (unsigned long long)(v.first_doc + i), year, number, version);
				goto fail;
			}
			v.n_loaded_docs++;
			if (d->year != year || d->number != number || d->version != version) {
				rc = gaz_fail(GAZ_ECORRUPT, "document %llu does not belong to issue %u/%u/%u",
					      (unsigned long long)d->id, year, number, version);
				goto fail;
			}
		}
	}
	*out = v;
	return 0;
fail:
	gaz_ar_version_release(&v);
	return rc;
}

/* load_version() in a read transaction of its own. */
static int get_version(struct gaz_archive *a, unsigned year, unsigned number, unsigned version,
		       int with_docs, struct gaz_ar_version *out)
{
	MDB_txn *txn;
	int rc;

	if ((rc = gaz_archive_read_begin(a, &txn)))
		return rc;
	rc = load_version(a, txn, year, number, version, with_docs, out);
	gaz_archive_read_end(a, txn);
	return rc;
}

int gaz_archive_get_version(struct gaz_archive *a, unsigned year, unsigned number,
			    unsigned version, struct gaz_ar_version *out)
{
	return get_version(a, year, number, version, 1, out);
}

int gaz_archive_get_version_meta(struct gaz_archive *a, unsigned year, unsigned number,
				 unsigned version, struct gaz_ar_version *out)
{
	return get_version(a, year, number, version, 0, out);
}

int gaz_archive_get_pdf(struct gaz_archive *a, unsigned year, unsigned number,
			unsigned version, void **pdf, size_t *len, struct gaz_ar_version *info)
{
	struct gaz_ar_version v = { 0 };
	MDB_txn *txn;
	void *p = NULL;
	size_t n = 0;
	int rc;

	if ((rc = gaz_archive_read_begin(a, &txn)))
		return rc;
	if ((rc = load_version(a, txn, year, number, version, info != NULL, &v)))
		goto end;
	if ((rc = ar_read_blob(txn, a->blob, v.pdf_sha256, &p, &n)))
		goto end;
	if (n != v.pdf_size) {
		rc = gaz_fail(GAZ_ECORRUPT, "issue %u/%u/%u: PDF is %zu bytes, record says %llu",
			      v.year, v.number, v.version, n, (unsigned long long)v.pdf_size);
		goto end;
	}
	*pdf = p;
	*len = n;
	p = NULL;
	if (info) {
		*info = v;
		memset(&v, 0, sizeof v);
	}
end:
	gaz_archive_read_end(a, txn);
	free(p);
	gaz_ar_version_release(&v);
	return rc;
}

int gaz_archive_get_blob(struct gaz_archive *a, const unsigned char sha[32], void **bytes,
			 size_t *len)
{
	MDB_txn *txn;
	int rc;

	if ((rc = gaz_archive_read_begin(a, &txn)))
		return rc;
	rc = ar_read_blob(txn, a->blob, sha, bytes, len);
	gaz_archive_read_end(a, txn);
	return rc;
}

int gaz_archive_find_sha256(struct gaz_archive *a, const unsigned char sha[32],
			    struct gaz_ar_version *out)
{
	unsigned char k[33];
	MDB_txn *txn;
	MDB_val key = { 33, k }, v;
	char hex[65];
	int rc;

	if ((rc = gaz_archive_read_begin(a, &txn)))
		return rc;
	k[0] = IX_SHA;
	memcpy(k + 1, sha, 32);
	rc = mdb_get(txn, a->index, &key, &v);
	if (rc == MDB_NOTFOUND) {
		gaz_hex(sha, 32, hex);
		rc = gaz_fail(GAZ_ENOTFOUND, "no issue version has SHA-256 %s", hex);
	} else if (rc) {
		rc = gaz_archive_mdb_error(rc, "sha256 index");
	} else if (v.mv_size != 6) {
		rc = gaz_fail(GAZ_ECORRUPT, "sha256 index entry of %zu bytes", v.mv_size);
	} else {
		const unsigned char *p = v.mv_data;
		rc = load_version(a, txn, rd_be16(p), rd_be16(p + 2), rd_be16(p + 4), 1, out);
		if (!rc && memcmp(out->pdf_sha256, sha, 32)) {
			gaz_ar_version_release(out);
			rc = gaz_fail(GAZ_ECORRUPT, "sha256 index points at the wrong version");
		}
	}
	gaz_archive_read_end(a, txn);
	return rc;
}

/* One step of a scan over the keys from *key on: MDB_SET_RANGE on the first
 * call (*op starts as MDB_SET_RANGE), MDB_NEXT after.  1 with the entry in
 * key/val, 0 past the table's last key, or the error (naming `table`). */
static int scan_next(MDB_cursor *c, MDB_val *key, MDB_val *val, int *op, const char *table)
{
	int rc = mdb_cursor_get(c, key, val, *op);

	*op = MDB_NEXT;
	if (rc == MDB_NOTFOUND)
		return 0;
	return rc ? gaz_archive_mdb_error(rc, table) : 1;
}

/* Calls cb with each id (and the entry's value) whose index key starts
 * with prefix (plen bytes) and is exactly plen + 8 bytes long (exact) or
 * any length ≥ 8 (ranges); a non-zero return of cb stops the scan and is
 * returned. */
static int scan_ids(struct gaz_archive *a, MDB_txn *txn, const unsigned char *prefix,
		    size_t plen, int exact,
		    int (*cb)(uint64_t id, const MDB_val *value, void *ctx), void *ctx)
{
	MDB_cursor *c = NULL;
	MDB_val k = { plen, (void *)prefix }, v;
	int rc, op = MDB_SET_RANGE;

	if ((rc = ar_index_cursor(a, txn, &c)))
		return rc;
	while ((rc = scan_next(c, &k, &v, &op, "index")) > 0) {
		if (k.mv_size < plen || memcmp(k.mv_data, prefix, plen)) {
			rc = 0;
			break;
		}
		if (k.mv_size < plen + 8 || (exact && k.mv_size != plen + 8))
			continue;
		if ((rc = cb(rd_be64((unsigned char *)k.mv_data + k.mv_size - 8), &v, ctx)))
			break;
	}
	ar_cursor_done(a, c);
	return rc;
}

struct doc_list {
	struct gaz_archive *a;
	MDB_txn *txn;
	enum gaz_ar_key key;
	const char *value;
	struct gaz_ar_doc *v;
	size_t n, cap;
};

static int collect_doc(uint64_t id, const MDB_val *value, void *ctx)
{
	(void)value;
	struct doc_list *l = ctx;
	struct gaz_ar_doc d;
	unsigned char k[8];
	const char *field;
	int rc;

	be64(k, id);
	if ((rc = ar_get_rec(l->txn, l->a->doc, k, 8, GAZ_REC_DOC, &d)))
		return rc == GAZ_ENOTFOUND
			? gaz_fail(GAZ_ECORRUPT, "index entry for missing document %llu",
				   (unsigned long long)id)
			: rc;
	field = l->key == GAZ_AR_BY_DOCNO ? d.doc_no : l->key == GAZ_AR_BY_INDEXNO ? d.index_no
											 : d.code;
	if (strcmp(field, l->value)) { /* a key cut to GAZ_AR_KEY_MAX */
		gaz_ar_doc_release(&d);
		return 0;
	}
	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 2; /* small: malloc's fast path */
		struct gaz_ar_doc *nv;
		if (nc > AR_LIST_MAX || !(nv = realloc(l->v, nc * sizeof *nv))) {
			gaz_ar_doc_release(&d);
			return GAZ_ENOMEM;
		}
		l->v = nv;
		l->cap = nc;
	}
	l->v[l->n++] = d;
	return 0;
}

int gaz_archive_find_docs(struct gaz_archive *a, enum gaz_ar_key key, const char *value,
			  struct gaz_ar_doc **docs, size_t *n)
{
	struct doc_list l = { a, NULL, key, value, NULL, 0, 0 };
	unsigned char k[IX_KEY_MAX];
	size_t kl;
	int rc;

	if (!value || !*value || key > GAZ_AR_BY_CODE)
		return gaz_fail(GAZ_EINVAL, "empty look-up key");
	kl = ix_key(k, key == GAZ_AR_BY_DOCNO ? IX_DOCNO : key == GAZ_AR_BY_INDEXNO ? IX_INDEXNO
										 : IX_CODE,
		    value, 1, NULL, 0);
	if ((rc = gaz_archive_read_begin(a, &l.txn)))
		return rc;
	rc = scan_ids(a, l.txn, k, kl, 1, collect_doc, &l);
	gaz_archive_read_end(a, l.txn);
	if (!rc && !l.n)
		rc = gaz_fail(GAZ_ENOTFOUND, "no document with %s %s in the archive", key_names[key],
			      value);
	if (rc) {
		gaz_ar_docs_free(l.v, l.n);
		return rc;
	}
	*docs = l.v;
	*n = l.n;
	return 0;
}

/* ---- locate: where a document is, without its record ------------------------------ */

/* The ref of document id from its record (a schema 1 archive, or a key
 * whose index entries carry no locator): the frame and the fixed-width
 * fields only.  1 if the record's field is not value (an index key cut to
 * GAZ_AR_KEY_MAX), 0 with *r and *doc_no (pointing into the map) set. */
static int ref_from_record(struct gaz_archive *a, MDB_txn *txn, uint64_t id,
			   enum gaz_ar_key key, const char *value, size_t vlen,
			   struct gaz_ar_docref *r, struct ar_span *doc_no)
{
	struct ar_span f[AR_DOC_NF];
	unsigned char k[8];
	MDB_val kv = { 8, k }, v;
	const struct ar_span *field;
	int rc;

	be64(k, id);
	if ((rc = mdb_get(txn, a->doc, &kv, &v)))
		return rc == MDB_NOTFOUND
			? gaz_fail(GAZ_ECORRUPT, "index entry for missing document %llu",
				   (unsigned long long)id)
			: gaz_archive_mdb_error(rc, "document");
	if (ar_doc_split(v.mv_data, v.mv_size, f) || rd_be64(f[0].p) != id)
		return gaz_fail(GAZ_ECORRUPT, "document %llu: record malformed "
				"(run `gazette fsck`)", (unsigned long long)id);
	field = &f[key == GAZ_AR_BY_DOCNO ? 5 : key == GAZ_AR_BY_INDEXNO ? 6 : 16];
	if (field->n != vlen || memcmp(field->p, value, vlen))
		return 1;
	r->id = id;
	r->year = rd_be32(f[1].p);
	r->number = rd_be32(f[2].p);
	r->version = rd_be32(f[3].p);
	r->pos = rd_be32(f[4].p);
	r->first_page = rd_be32(f[19].p);
	r->last_page = rd_be32(f[20].p);
	*doc_no = f[5];
	return 0;
}

/* The current status of doc_no (gaz_status_on(history, NULL)): the event
 * with the greatest date, the later recorded on a tie. */
static int current_status(struct gaz_archive *a, MDB_txn *txn, const struct ar_span *doc_no,
			  int *status)
{
	unsigned char k[GAZ_AR_DOCNO_MAX + 1 + 4];
	const unsigned char *best = NULL, *date;
	MDB_cursor *c = NULL;
	MDB_val kv = { doc_no->n + 1, k }, v;
	uint32_t seq = 0;
	int rc, op = MDB_SET_RANGE, st = GAZ_ST_UNKNOWN, s;

	if (doc_no->n > GAZ_AR_DOCNO_MAX)
		return gaz_fail(GAZ_ECORRUPT, "document number over %d bytes", GAZ_AR_DOCNO_MAX);
	memcpy(k, doc_no->p, doc_no->n);
	k[doc_no->n] = 0;
	if ((rc = ar_status_cursor(a, txn, &c)))
		return rc;
	for (; (rc = scan_next(c, &kv, &v, &op, "status")) > 0; seq++) {
		if (kv.mv_size != doc_no->n + 5 || memcmp(kv.mv_data, k, doc_no->n + 1)) {
			rc = 0;
			break;
		}
		if (rd_be32((const unsigned char *)kv.mv_data + doc_no->n + 1) != seq ||
		    ar_event_head(v.mv_data, v.mv_size, doc_no, seq, &s, &date)) {
			rc = gaz_fail(GAZ_ECORRUPT, "%.*s: status event %u malformed "
				      "(run `gazette fsck`)", (int)doc_no->n,
				      (const char *)doc_no->p, (unsigned)seq);
			break;
		}
		if (!best || memcmp(date, best, 10) >= 0) {
			best = date;
			st = s;
		}
	}
	ar_cursor_done(a, c);
	if (!rc)
		*status = st;
	return rc;
}

/* gaz_archive_locate's scan: one index entry, one appearance. */
struct locate {
	struct gaz_archive *a;
	MDB_txn *txn;
	enum gaz_ar_key key;
	const char *value;
	size_t vlen;
	int from_index;
	struct gaz_ar_docref *refs;
	size_t max, found;
	struct ar_span *doc_no;
};

static int locate_one(uint64_t id, const MDB_val *v, void *ctx)
{
	struct locate *l = ctx;
	struct gaz_ar_docref r;
	int rc;

	if (l->from_index) {
		if (ar_loc_decode(v->mv_data, v->mv_size, id, &r))
			return gaz_fail(GAZ_ECORRUPT, "index entry of %s (document %llu) malformed "
					"(run `gazette fsck`)", l->value, (unsigned long long)id);
	} else if ((rc = ref_from_record(l->a, l->txn, id, l->key, l->value, l->vlen, &r,
					 l->doc_no))) {
		return rc < 0 ? rc : 0;
	}
	if (l->found == AR_LIST_MAX)
		return gaz_fail(GAZ_ECORRUPT, "%s: over %u appearances", l->value, AR_LIST_MAX);
	if (l->found < l->max)
		l->refs[l->found] = r;
	l->found++;
	return 0;
}

int gaz_archive_locate(struct gaz_archive *a, MDB_txn *txn, enum gaz_ar_key key,
		       const char *value, struct gaz_ar_docref *refs, size_t max, size_t *n,
		       int *status)
{
	unsigned char k[IX_KEY_MAX];
	struct ar_span doc_no = { NULL, 0 };
	MDB_txn *t = txn;
	size_t kl, vlen, found = 0;
	int rc, st = GAZ_ST_UNKNOWN;
	int from_index;

	if (!value || !*value || key > GAZ_AR_BY_CODE)
		return gaz_fail(GAZ_EINVAL, "empty look-up key");
	vlen = strlen(value);
	kl = ix_key(k, key == GAZ_AR_BY_DOCNO ? IX_DOCNO : key == GAZ_AR_BY_INDEXNO ? IX_INDEXNO
										 : IX_CODE,
		    value, 1, NULL, 0);
	from_index = key == GAZ_AR_BY_DOCNO && a->schema >= 2 && vlen <= GAZ_AR_KEY_MAX;
	if (from_index) {
		doc_no.p = (const unsigned char *)value;
		doc_no.n = vlen;
	}
	if (!t && (rc = gaz_archive_read_begin(a, &t)))
		return rc;
	{
		struct locate l = { a, t, key, value, vlen, from_index, refs, max, 0, &doc_no };
		rc = scan_ids(a, t, k, kl, 1, locate_one, &l);
		found = l.found;
	}
	if (!rc && !found)
		rc = gaz_fail(GAZ_ENOTFOUND, "no document with %s %s in the archive", key_names[key],
			      value);
	/* a 发文字号 read from a record (by 索引号 or code) is checked before it
	 * keys the status look-up and may show in an error detail */
	if (!rc && status && doc_no.p != (const unsigned char *)value &&
	    gaz_utf8_validate_text(doc_no.p, doc_no.n, NULL))
		rc = gaz_fail(GAZ_ECORRUPT, "%s %s: the document's 发文字号 is not valid text "
			      "(run `gazette fsck`)", key_names[key], value);
	if (!rc && status)
		rc = current_status(a, t, &doc_no, &st);
	if (!txn)
		gaz_archive_read_end(a, t);
	if (!rc) {
		*n = found;
		if (status)
			*status = st;
	}
	return rc;
}

int gaz_archive_get_doc(struct gaz_archive *a, uint64_t id, struct gaz_ar_doc *out)
{
	unsigned char k[8];
	MDB_txn *txn;
	int rc;

	if ((rc = gaz_archive_read_begin(a, &txn)))
		return rc;
	be64(k, id);
	rc = ar_get_rec(txn, a->doc, k, 8, GAZ_REC_DOC, out);
	gaz_archive_read_end(a, txn);
	if (rc == GAZ_ENOTFOUND)
		rc = gaz_fail(rc, "no document %llu", (unsigned long long)id);
	return rc;
}

int gaz_archive_doc_text(struct gaz_archive *a, const struct gaz_ar_doc *d, char **text,
			 size_t *len)
{
	void *p;
	size_t n;
	int rc;

	if ((rc = gaz_archive_get_blob(a, d->text_sha256, &p, &n)))
		return rc;
	*text = p;
	*len = n;
	return 0;
}

int gaz_archive_list_versions(struct gaz_archive *a,
			      int (*cb)(const struct gaz_ar_version *v, void *ctx), void *ctx)
{
	MDB_txn *txn;
	MDB_cursor *c = NULL;
	MDB_val k, v;
	int rc, op = MDB_FIRST;

	if ((rc = gaz_archive_read_begin(a, &txn)))
		return rc;
	if ((rc = mdb_cursor_open(txn, a->version, &c))) {
		rc = gaz_archive_mdb_error(rc, "versions");
		goto end;
	}
	while (!(rc = mdb_cursor_get(c, &k, &v, op))) {
		struct gaz_ar_version r;
		op = MDB_NEXT;
		if ((rc = gaz_rec_decode(GAZ_REC_VERSION, v.mv_data, v.mv_size, &r)))
			goto end;
		rc = ar_derive_version(a, txn, &r);
		if (!rc)
			rc = cb(&r, ctx);
		gaz_ar_version_release(&r);
		if (rc)
			goto end;
	}
	rc = rc == MDB_NOTFOUND ? 0 : gaz_archive_mdb_error(rc, "versions");
end:
	if (c)
		mdb_cursor_close(c);
	gaz_archive_read_end(a, txn);
	return rc;
}

struct facet_cb {
	int (*cb)(uint64_t doc_id, void *ctx);
	void *ctx;
};

static int facet_id(uint64_t id, const MDB_val *value, void *ctx)
{
	const struct facet_cb *f = ctx;

	(void)value;
	return f->cb(id, f->ctx);
}

int gaz_archive_facet(struct gaz_archive *a, enum gaz_ar_facet f, const char *value,
		      int (*cb)(uint64_t doc_id, void *ctx), void *ctx)
{
	unsigned char k[IX_KEY_MAX];
	struct facet_cb fc = { cb, ctx };
	MDB_txn *txn;
	size_t kl;
	int rc;

	if (f != GAZ_AR_F_ISSUER && f != GAZ_AR_F_SUBJECT && f != GAZ_AR_F_GENRE &&
	    f != GAZ_AR_F_DATE)
		return gaz_fail(GAZ_EINVAL, "unknown facet");
	kl = ix_key(k, f, value ? value : "", f != GAZ_AR_F_DATE, NULL, 0);
	if ((rc = gaz_archive_read_begin(a, &txn)))
		return rc;
	rc = scan_ids(a, txn, k, kl, f != GAZ_AR_F_DATE, facet_id, &fc);
	gaz_archive_read_end(a, txn);
	return rc;
}

/* ---- status ----------------------------------------------------------------------- */

static const char *const status_zh[] = { "", "有效", "已修改", "废止", "失效" };
static const char *const status_en[] = { "", "valid", "amended", "repealed", "expired" };

const char *gaz_status_name(int st)
{
	return st >= 1 && st <= 4 ? status_zh[st] : "";
}

int gaz_status_parse(const char *s, int *st)
{
	for (int i = 1; i <= 4; i++)
		if (s && (!strcmp(s, status_zh[i]) || !strcmp(s, status_en[i]))) {
			*st = i;
			return 0;
		}
	return gaz_fail(GAZ_EINVAL, "unknown status '%s' (有效, 已修改, 废止 or 失效)", s ? s : "");
}

int gaz_status_in_force(int st)
{
	return st == GAZ_ST_VALID || st == GAZ_ST_AMENDED;
}

int ar_events(struct gaz_archive *a, MDB_txn *txn, const char *doc_no,
	      struct gaz_ar_event **out, size_t *n_out)
{
	unsigned char k[IX_KEY_MAX];
	MDB_cursor *c = NULL;
	MDB_val key, v;
	struct gaz_ar_event *ev = NULL;
	size_t n = 0, cap = 0, kl = ix_key(k, 0, doc_no, 1, NULL, 0) - 1;
	int rc, op = MDB_SET_RANGE;

	/* status keys have no prefix byte: doc_no NUL seq */
	memmove(k, k + 1, kl);
	key.mv_size = kl;
	key.mv_data = k;
	if ((rc = mdb_cursor_open(txn, a->status, &c)))
		return gaz_archive_mdb_error(rc, "status");
	while ((rc = scan_next(c, &key, &v, &op, "status")) > 0) {
		if (key.mv_size != kl + 4 || memcmp(key.mv_data, k, kl))
			break;
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 4;
			struct gaz_ar_event *nv;
			if (nc > AR_LIST_MAX || !(nv = realloc(ev, nc * sizeof *nv))) {
				rc = GAZ_ENOMEM;
				goto fail;
			}
			ev = nv;
			cap = nc;
		}
		if ((rc = gaz_rec_decode(GAZ_REC_EVENT, v.mv_data, v.mv_size, &ev[n])))
			goto fail;
		n++;
		if (ev[n - 1].seq != n - 1 || strcmp(ev[n - 1].doc_no, doc_no)) {
			rc = gaz_fail(GAZ_ECORRUPT, "%s: status event %zu does not match its key",
				      doc_no, n - 1);
			goto fail;
		}
	}
	if (rc < 0)
		goto fail;
	mdb_cursor_close(c);
	*out = ev;
	*n_out = n;
	return 0;
fail:
	mdb_cursor_close(c);
	gaz_ar_events_free(ev, n);
	return rc;
}

int gaz_archive_status_history(struct gaz_archive *a, const char *doc_no,
			       struct gaz_ar_event **ev, size_t *n)
{
	MDB_txn *txn;
	int rc;

	if (!doc_no || !*doc_no)
		return gaz_fail(GAZ_EINVAL, "no document number");
	if ((rc = gaz_archive_read_begin(a, &txn)))
		return rc;
	rc = ar_events(a, txn, doc_no, ev, n);
	gaz_archive_read_end(a, txn);
	if (!rc && !*n) {
		free(*ev);
		rc = gaz_fail(GAZ_ENOTFOUND, "no document %s in the archive", doc_no);
	}
	return rc;
}

int gaz_archive_status_at(struct gaz_archive *a, const char *doc_no, const char *date,
			  int *status)
{
	struct gaz_ar_event *ev = NULL;
	size_t n = 0;
	int st, rc;

	if ((rc = gaz_archive_status_history(a, doc_no, &ev, &n)))
		return rc;
	rc = gaz_status_on(ev, n, date, &st, NULL);
	gaz_ar_events_free(ev, n);
	if (!rc)
		*status = st;
	return rc;
}

int gaz_status_on(const struct gaz_ar_event *ev, size_t n, const char *date, int *status,
		  long *which)
{
	long best = -1;
	size_t i;

	if (date && !ar_valid_date(date))
		return gaz_fail(GAZ_EINVAL, "'%s' is not a date (YYYY-MM-DD)", date);
	for (i = 0; i < n; i++) {
		if (date && strcmp(ev[i].date, date) > 0)
			continue;
		/* ties on the date: the later recorded event wins */
		if (best < 0 || strcmp(ev[i].date, ev[best].date) >= 0)
			best = (long)i;
	}
	*status = best < 0 ? GAZ_ST_UNKNOWN : ev[best].status;
	if (which)
		*which = best;
	return 0;
}

/* ---- submissions and audit ---------------------------------------------------------- */

int gaz_archive_submissions(struct gaz_archive *a, struct gaz_ar_submission **out,
			    size_t *n_out)
{
	struct gaz_ar_submission *s = NULL;
	size_t n = 0, cap = 0;
	MDB_txn *txn;
	MDB_cursor *c = NULL;
	MDB_val k, v;
	int rc, op = MDB_FIRST;

	if ((rc = gaz_archive_read_begin(a, &txn)))
		return rc;
	if ((rc = mdb_cursor_open(txn, a->subm, &c))) {
		rc = gaz_archive_mdb_error(rc, "submissions");
		goto end;
	}
	while (!(rc = mdb_cursor_get(c, &k, &v, op))) {
		unsigned char ik[IX_KEY_MAX];
		MDB_cursor *ic = NULL;
		MDB_val ikey, iv;
		size_t kl;

		op = MDB_NEXT;
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			struct gaz_ar_submission *ns;
			if (nc > AR_LIST_MAX || !(ns = realloc(s, nc * sizeof *ns))) {
				rc = GAZ_ENOMEM;
				goto end;
			}
			s = ns;
			cap = nc;
		}
		if ((rc = gaz_rec_decode(GAZ_REC_SUBMISSION, v.mv_data, v.mv_size, &s[n])))
			goto end;
		n++;
		/* the first appearance of its document number, if any */
		kl = ix_key(ik, IX_DOCNO, s[n - 1].doc_no, 1, NULL, 0);
		ikey.mv_size = kl;
		ikey.mv_data = ik;
		if ((rc = mdb_cursor_open(txn, a->index, &ic))) {
			rc = gaz_archive_mdb_error(rc, "index");
			goto end;
		}
		rc = mdb_cursor_get(ic, &ikey, &iv, MDB_SET_RANGE);
		if (!rc && ikey.mv_size == kl + 8 && !memcmp(ikey.mv_data, ik, kl)) {
			struct gaz_ar_doc d;
			unsigned char dk[8];
			memcpy(dk, (unsigned char *)ikey.mv_data + kl, 8);
			if (!ar_get_rec(txn, a->doc, dk, 8, GAZ_REC_DOC, &d)) {
				s[n - 1].year = d.year;
				s[n - 1].number = d.number;
				s[n - 1].version = d.version;
				gaz_ar_doc_release(&d);
			}
		}
		mdb_cursor_close(ic);
		rc = 0;
	}
	rc = rc == MDB_NOTFOUND ? 0 : rc > 0 ? gaz_archive_mdb_error(rc, "submissions") : rc;
end:
	if (c)
		mdb_cursor_close(c);
	gaz_archive_read_end(a, txn);
	if (rc) {
		gaz_ar_submissions_free(s, n);
		return rc;
	}
	*out = s;
	*n_out = n;
	return 0;
}

int gaz_archive_audit(struct gaz_archive *a,
		      int (*cb)(const struct gaz_ar_audit *e, void *ctx), void *ctx)
{
	MDB_txn *txn;
	MDB_cursor *c = NULL;
	MDB_val k, v;
	int rc, op = MDB_FIRST;

	if ((rc = gaz_archive_read_begin(a, &txn)))
		return rc;
	if ((rc = mdb_cursor_open(txn, a->audit, &c))) {
		rc = gaz_archive_mdb_error(rc, "audit");
		goto end;
	}
	while (!(rc = mdb_cursor_get(c, &k, &v, op))) {
		struct ar_audit r;
		struct gaz_ar_audit e;
		op = MDB_NEXT;
		if ((rc = gaz_rec_decode(GAZ_REC_AUDIT, v.mv_data, v.mv_size, &r)))
			goto end;
		e.seq = r.seq;
		e.time = r.time;
		e.who = r.who;
		e.action = r.action;
		e.subject = r.subject;
		e.detail = r.detail;
		rc = cb(&e, ctx);
		ar_audit_release(&r);
		if (rc)
			goto end;
	}
	rc = rc == MDB_NOTFOUND ? 0 : gaz_archive_mdb_error(rc, "audit");
end:
	if (c)
		mdb_cursor_close(c);
	gaz_archive_read_end(a, txn);
	return rc;
}

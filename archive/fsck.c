/*
 * fsck: every byte and every cross-reference of the archive, in one read
 * transaction (so it runs beside a writer and sees one snapshot); and the
 * hot backup.
 */
#include "archive/store.h"
#include "gazette/tlog.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int ar_events(struct gaz_archive *a, MDB_txn *txn, const char *doc_no,
	      struct gaz_ar_event **out, size_t *n_out);

struct fk {
	struct gaz_archive *a;
	MDB_txn *txn;
	struct gaz_fsck_report *rep;
	void (*cb)(const char *problem, void *ctx);
	void *ctx;
	uint64_t expect_ix;  /* index entries the records call for */
	char last_doc[GAZ_AR_DOCNO_MAX + 1]; /* status walk: current document */
	uint32_t next_seq;
};

static void problem(struct fk *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(struct fk *f, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	f->rep->problems++;
	if (f->cb)
		f->cb(msg, f->ctx);
}

static int exists(MDB_txn *txn, MDB_dbi dbi, const void *k, size_t kl, MDB_val *v)
{
	MDB_val key = { kl, (void *)k }, tmp;

	return mdb_get(txn, dbi, &key, v ? v : &tmp) == 0;
}

/* Walks a DBI; fn returns non-zero (an error, not a problem) to stop. */
static int walk(struct fk *f, MDB_dbi dbi, const char *what,
		int (*fn)(struct fk *f, const MDB_val *k, const MDB_val *v))
{
	MDB_cursor *c = NULL;
	MDB_val k, v;
	int rc, op = MDB_FIRST;

	if ((rc = mdb_cursor_open(f->txn, dbi, &c)))
		return gaz_archive_mdb_error(rc, what);
	while (!(rc = mdb_cursor_get(c, &k, &v, op))) {
		op = MDB_NEXT;
		if ((rc = fn(f, &k, &v)))
			break;
	}
	mdb_cursor_close(c);
	if (rc == MDB_NOTFOUND)
		return 0;
	return rc > 0 ? gaz_archive_mdb_error(rc, what) : rc;
}

static int fk_blob(struct fk *f, const MDB_val *k, const MDB_val *v)
{
	f->rep->blobs++;
	f->rep->blob_bytes += v->mv_size ? v->mv_size - 1 : 0;
	if (k->mv_size != 32)
		problem(f, "blob: key of %zu bytes", k->mv_size);
	else if (ar_check_blob(k->mv_data, v))
		problem(f, "%s", gaz_errdetail());
	return 0;
}

static int blob_size(struct fk *f, const unsigned char sha[32], uint64_t *size)
{
	MDB_val v;

	if (!exists(f->txn, f->a->blob, sha, 32, &v) || !v.mv_size)
		return -1;
	*size = v.mv_size - 1;
	return 0;
}

static void check_ix(struct fk *f, int prefix, const char *s, uint64_t id, const char *what)
{
	unsigned char k[IX_KEY_MAX], idb[8];
	size_t kl;

	be64(idb, id);
	kl = ix_key(k, prefix, s, 1, idb, 8);
	f->expect_ix++;
	if (!exists(f->txn, f->a->index, k, kl, NULL))
		problem(f, "document %llu: %s index entry missing", (unsigned long long)id, what);
}

static int fk_version(struct fk *f, const MDB_val *k, const MDB_val *v)
{
	struct gaz_ar_version r;
	unsigned char kb[33], idk[8];
	const unsigned char *kp = k->mv_data;
	MDB_val iv;
	uint64_t size;
	uint32_t i;

	f->rep->versions++;
	if (k->mv_size != 6) {
		problem(f, "version: key of %zu bytes", k->mv_size);
		return 0;
	}
	if (gaz_rec_decode(GAZ_REC_VERSION, v->mv_data, v->mv_size, &r)) {
		problem(f, "issue %u/%u/%u: %s", rd_be16(kp), rd_be16(kp + 2), rd_be16(kp + 4),
			gaz_errdetail());
		return 0;
	}
	if (r.year != rd_be16(kp) || r.number != rd_be16(kp + 2) || r.version != rd_be16(kp + 4))
		problem(f, "issue %u/%u/%u: record says %u/%u/%u", rd_be16(kp), rd_be16(kp + 2),
			rd_be16(kp + 4), r.year, r.number, r.version);
	if (r.version > 1) {
		ar_version_key(kb, r.year, r.number, r.version - 1);
		if (!exists(f->txn, f->a->version, kb, 6, NULL))
			problem(f, "issue %u/%u/%u: version %u missing", r.year, r.number, r.version,
				r.version - 1);
		if (!*r.reason)
			problem(f, "issue %u/%u/%u: a correction without a reason", r.year, r.number,
				r.version);
	} else if (r.version == 0) {
		problem(f, "issue %u/%u: version 0", r.year, r.number);
	}
	if (blob_size(f, r.pdf_sha256, &size))
		problem(f, "issue %u/%u/%u: PDF blob missing", r.year, r.number, r.version);
	else if (size != r.pdf_size)
		problem(f, "issue %u/%u/%u: PDF is %llu bytes, record says %llu", r.year, r.number,
			r.version, (unsigned long long)size, (unsigned long long)r.pdf_size);
	kb[0] = IX_SHA;
	memcpy(kb + 1, r.pdf_sha256, 32);
	f->expect_ix++;
	if (!exists(f->txn, f->a->index, kb, 33, &iv) || iv.mv_size != 6 ||
	    memcmp(iv.mv_data, k->mv_data, 6))
		problem(f, "issue %u/%u/%u: sha256 index entry missing or wrong", r.year, r.number,
			r.version);
	for (i = 0; i < r.n_docs && i < GAZ_ISSUE_MAX_DOCS + 1; i++) {
		struct gaz_ar_doc d;
		be64(idk, r.first_doc + i);
		if (ar_get_rec(f->txn, f->a->doc, idk, 8, GAZ_REC_DOC, &d)) {
			problem(f, "issue %u/%u/%u: document %llu missing or unreadable", r.year,
				r.number, r.version, (unsigned long long)(r.first_doc + i));
			continue;
		}
		if (d.year != r.year || d.number != r.number || d.version != r.version || d.pos != i)
			problem(f, "document %llu: does not belong to issue %u/%u/%u at %u",
				(unsigned long long)d.id, r.year, r.number, r.version, (unsigned)i);
		gaz_ar_doc_release(&d);
	}
	gaz_ar_version_release(&r);
	return 0;
}

static int fk_doc(struct fk *f, const MDB_val *k, const MDB_val *v)
{
	struct gaz_ar_doc d;
	struct gaz_ar_version r;
	struct gaz_ar_event *ev = NULL;
	unsigned char kb[8];
	uint64_t id, size;
	size_t nev = 0;

	f->rep->docs++;
	if (k->mv_size != 8) {
		problem(f, "document: key of %zu bytes", k->mv_size);
		return 0;
	}
	id = rd_be64(k->mv_data);
	if (id != f->rep->docs)
		problem(f, "document %llu: ids not consecutive (expected %llu)",
			(unsigned long long)id, (unsigned long long)f->rep->docs);
	if (gaz_rec_decode(GAZ_REC_DOC, v->mv_data, v->mv_size, &d)) {
		problem(f, "document %llu: %s", (unsigned long long)id, gaz_errdetail());
		return 0;
	}
	if (d.id != id)
		problem(f, "document %llu: record says %llu", (unsigned long long)id,
			(unsigned long long)d.id);
	ar_version_key(kb, d.year, d.number, d.version);
	if (ar_get_rec(f->txn, f->a->version, kb, 6, GAZ_REC_VERSION, &r)) {
		problem(f, "document %llu: its issue %u/%u/%u is missing", (unsigned long long)id,
			d.year, d.number, d.version);
	} else {
		if (id < r.first_doc || id - r.first_doc >= r.n_docs)
			problem(f, "document %llu: outside its issue's range", (unsigned long long)id);
		gaz_ar_version_release(&r);
	}
	if (blob_size(f, d.text_sha256, &size))
		problem(f, "document %llu: text blob missing", (unsigned long long)id);
	else if (size != d.text_len)
		problem(f, "document %llu: text is %llu bytes, record says %llu",
			(unsigned long long)id, (unsigned long long)size,
			(unsigned long long)d.text_len);
	check_ix(f, IX_DOCNO, d.doc_no, id, "发文字号");
	check_ix(f, IX_CODE, d.code, id, "verification code");
	check_ix(f, GAZ_AR_F_ISSUER, d.issuer, id, "issuer");
	check_ix(f, GAZ_AR_F_SUBJECT, d.subject, id, "subject");
	check_ix(f, GAZ_AR_F_GENRE, d.genre, id, "genre");
	check_ix(f, GAZ_AR_F_DATE, d.published, id, "date");
	if (*d.index_no)
		check_ix(f, IX_INDEXNO, d.index_no, id, "索引号");
	if (ar_events(f->a, f->txn, d.doc_no, &ev, &nev) || !nev)
		problem(f, "document %llu (%s): status history missing or unreadable",
			(unsigned long long)id, d.doc_no);
	gaz_ar_events_free(ev, nev);
	gaz_ar_doc_release(&d);
	return 0;
}

/* Index entries point at records that carry the key's value. */
static int fk_index(struct fk *f, const MDB_val *k, const MDB_val *v)
{
	const unsigned char *p = k->mv_data;
	size_t n = k->mv_size;

	f->rep->index_entries++;
	if (n < 1) {
		problem(f, "index: empty key");
		return 0;
	}
	switch (p[0]) {
	case IX_SHA: {
		struct gaz_ar_version r;
		if (n != 33 || v->mv_size != 6 ||
		    ar_get_rec(f->txn, f->a->version, v->mv_data, 6, GAZ_REC_VERSION, &r)) {
			problem(f, "index: sha256 entry does not lead to an issue version");
			return 0;
		}
		if (memcmp(r.pdf_sha256, p + 1, 32))
			problem(f, "index: sha256 entry points at issue %u/%u/%u with another PDF",
				r.year, r.number, r.version);
		gaz_ar_version_release(&r);
		return 0;
	}
	case IX_SUB_SHA: {
		struct gaz_ar_submission s;
		if (n != 33 || v->mv_size != 8 ||
		    ar_get_rec(f->txn, f->a->subm, v->mv_data, 8, GAZ_REC_SUBMISSION, &s)) {
			problem(f, "index: submission sha256 entry leads nowhere");
			return 0;
		}
		if (memcmp(s.sha256, p + 1, 32))
			problem(f, "index: submission sha256 entry points at another file");
		ar_submission_release(&s);
		return 0;
	}
	case IX_SUB_DOCNO: {
		struct gaz_ar_submission s;
		if (n < 10 || p[n - 9] || v->mv_size ||
		    ar_get_rec(f->txn, f->a->subm, p + n - 8, 8, GAZ_REC_SUBMISSION, &s)) {
			problem(f, "index: submission entry leads nowhere");
			return 0;
		}
		if (strlen(s.doc_no) != n - 10 || memcmp(s.doc_no, p + 1, n - 10))
			problem(f, "index: submission %llu filed under another 发文字号",
				(unsigned long long)s.seq);
		ar_submission_release(&s);
		return 0;
	}
	case IX_DOCNO: case IX_INDEXNO: case IX_CODE:
	case GAZ_AR_F_ISSUER: case GAZ_AR_F_SUBJECT: case GAZ_AR_F_GENRE: case GAZ_AR_F_DATE: {
		struct gaz_ar_doc d;
		struct gaz_ar_docref r;
		const char *field;
		size_t fl;
		/* schema 2: a 发文字号 entry carries the document's locator, which
		 * must agree with the record; every other entry is empty */
		int loc = p[0] == IX_DOCNO && f->a->schema >= 2;
		if (n < 10 || p[n - 9] || v->mv_size != (loc ? AR_LOC_LEN : 0) ||
		    ar_get_rec(f->txn, f->a->doc, p + n - 8, 8, GAZ_REC_DOC, &d)) {
			problem(f, "index: '%c' entry does not lead to a document", p[0]);
			return 0;
		}
		if (loc && (ar_loc_decode(v->mv_data, v->mv_size, d.id, &r) || r.year != d.year ||
			    r.number != d.number || r.version != d.version || r.pos != d.pos ||
			    r.first_page != d.first_page || r.last_page != d.last_page))
			problem(f, "index: 发文字号 entry of document %llu: its locator does not "
				"match the record", (unsigned long long)d.id);
		field = p[0] == IX_DOCNO ? d.doc_no : p[0] == IX_INDEXNO ? d.index_no
		      : p[0] == IX_CODE ? d.code : p[0] == GAZ_AR_F_ISSUER ? d.issuer
		      : p[0] == GAZ_AR_F_SUBJECT ? d.subject : p[0] == GAZ_AR_F_GENRE ? d.genre
		      : d.published;
		fl = strlen(field);
		if (fl > GAZ_AR_KEY_MAX)
			fl = GAZ_AR_KEY_MAX;
		if (fl != n - 10 || memcmp(field, p + 1, fl))
			problem(f, "index: '%c' entry of document %llu does not match its record",
				p[0], (unsigned long long)d.id);
		gaz_ar_doc_release(&d);
		return 0;
	}
	}
	problem(f, "index: unknown entry kind 0x%02x", p[0]);
	return 0;
}

static int fk_event(struct fk *f, const MDB_val *k, const MDB_val *v)
{
	const unsigned char *p = k->mv_data;
	struct gaz_ar_event e;
	unsigned char ik[IX_KEY_MAX];
	MDB_cursor *c = NULL;
	MDB_val key, val;
	size_t n = k->mv_size, kl;

	f->rep->events++;
	if (n < 6 || p[n - 5]) {
		problem(f, "status: malformed key");
		return 0;
	}
	if (gaz_rec_decode(GAZ_REC_EVENT, v->mv_data, v->mv_size, &e)) {
		problem(f, "status event: %s", gaz_errdetail());
		return 0;
	}
	if (strlen(e.doc_no) != n - 5 || memcmp(e.doc_no, p, n - 5) || e.seq != rd_be32(p + n - 4))
		problem(f, "status event %s/%u does not match its key", e.doc_no, e.seq);
	if (f->rep->events == 1 || strcmp(e.doc_no, f->last_doc)) {
		snprintf(f->last_doc, sizeof f->last_doc, "%s", e.doc_no);
		f->next_seq = 0;
		/* a status history belongs to a stored document */
		kl = ix_key(ik, IX_DOCNO, e.doc_no, 1, NULL, 0);
		key.mv_size = kl;
		key.mv_data = ik;
		if (mdb_cursor_open(f->txn, f->a->index, &c) ||
		    mdb_cursor_get(c, &key, &val, MDB_SET_RANGE) || key.mv_size != kl + 8 ||
		    memcmp(key.mv_data, ik, kl))
			problem(f, "status history of %s, which is not in the archive", e.doc_no);
		if (c)
			mdb_cursor_close(c);
	}
	if (e.seq != f->next_seq)
		problem(f, "status event %s/%u: expected seq %u", e.doc_no, e.seq, f->next_seq);
	f->next_seq = e.seq + 1;
	if (e.status < GAZ_ST_VALID || e.status > GAZ_ST_EXPIRED)
		problem(f, "status event %s/%u: unknown status %d", e.doc_no, e.seq, e.status);
	ar_event_release(&e);
	return 0;
}

static int fk_subm(struct fk *f, const MDB_val *k, const MDB_val *v)
{
	struct gaz_ar_submission s;
	unsigned char kb[33];
	MDB_val iv;

	f->rep->submissions++;
	if (k->mv_size != 8 || rd_be64(k->mv_data) != f->rep->submissions) {
		problem(f, "submission %llu: key out of sequence",
			(unsigned long long)f->rep->submissions);
		return 0;
	}
	if (gaz_rec_decode(GAZ_REC_SUBMISSION, v->mv_data, v->mv_size, &s)) {
		problem(f, "submission %llu: %s", (unsigned long long)f->rep->submissions,
			gaz_errdetail());
		return 0;
	}
	kb[0] = IX_SUB_SHA;
	memcpy(kb + 1, s.sha256, 32);
	f->expect_ix += 2;
	if (!exists(f->txn, f->a->index, kb, 33, &iv) || iv.mv_size != 8 ||
	    memcmp(iv.mv_data, k->mv_data, 8))
		problem(f, "submission %llu: sha256 index entry missing", (unsigned long long)s.seq);
	{
		unsigned char ik[IX_KEY_MAX];
		size_t kl = ix_key(ik, IX_SUB_DOCNO, s.doc_no, 1, k->mv_data, 8);
		if (!exists(f->txn, f->a->index, ik, kl, NULL))
			problem(f, "submission %llu: 发文字号 index entry missing",
				(unsigned long long)s.seq);
	}
	ar_submission_release(&s);
	return 0;
}

static int fk_audit(struct fk *f, const MDB_val *k, const MDB_val *v)
{
	struct ar_audit e;

	f->rep->audit++;
	if (k->mv_size != 8 || rd_be64(k->mv_data) != f->rep->audit) {
		problem(f, "audit entry %llu: key out of sequence", (unsigned long long)f->rep->audit);
		return 0;
	}
	if (gaz_rec_decode(GAZ_REC_AUDIT, v->mv_data, v->mv_size, &e)) {
		problem(f, "audit entry %llu: %s", (unsigned long long)f->rep->audit, gaz_errdetail());
		return 0;
	}
	if (e.seq != f->rep->audit)
		problem(f, "audit entry %llu: record says %llu", (unsigned long long)f->rep->audit,
			(unsigned long long)e.seq);
	ar_audit_release(&e);
	return 0;
}

int gaz_archive_fsck(struct gaz_archive *a, struct gaz_fsck_report *rep,
		     void (*cb)(const char *problem, void *ctx), void *ctx)
{
	struct gaz_fsck_report r = { 0 };
	struct fk f = { .a = a, .rep = &r, .cb = cb, .ctx = ctx };
	struct gaz_tlog_check tc = { 0 };
	struct gaz_search_check sc = { 0 };
	uint64_t log_size = 0;
	int rc;

	if ((rc = gaz_archive_read_begin(a, &f.txn)))
		return rc;
	if ((rc = walk(&f, a->blob, "blobs", fk_blob)) ||
	    (rc = walk(&f, a->version, "versions", fk_version)) ||
	    (rc = walk(&f, a->doc, "documents", fk_doc)) ||
	    (rc = walk(&f, a->index, "index", fk_index)) ||
	    (rc = walk(&f, a->status, "status", fk_event)) ||
	    (rc = walk(&f, a->subm, "submissions", fk_subm)) ||
	    (rc = walk(&f, a->audit, "audit", fk_audit)))
		goto end;
	if (f.expect_ix != r.index_entries)
		problem(&f, "index: %llu entries, the records call for %llu (stray entries)",
			(unsigned long long)r.index_entries, (unsigned long long)f.expect_ix);
	if (gaz_tlog_verify(f.txn, NULL, &tc))
		problem(&f, "transparency log: %s", gaz_errdetail());
	if (gaz_search_verify(f.txn, &sc))
		problem(&f, "search index: %s", gaz_errdetail());
	else if (sc.docs != r.docs)
		problem(&f, "search index holds %llu documents; the archive %llu",
			(unsigned long long)sc.docs, (unsigned long long)r.docs);
	if (gaz_tlog_size(f.txn, &log_size))
		problem(&f, "transparency log: %s", gaz_errdetail());
	else if (log_size != r.versions + r.events)
		problem(&f, "transparency log has %llu leaves; the archive holds %llu versions and "
			"%llu status events", (unsigned long long)log_size,
			(unsigned long long)r.versions, (unsigned long long)r.events);
	rc = r.problems ? gaz_fail(GAZ_ECORRUPT, "%s: %llu problem%s found", a->dir,
				   (unsigned long long)r.problems, r.problems == 1 ? "" : "s")
			: 0;
end:
	gaz_archive_read_end(a, f.txn);
	if (rep)
		*rep = r;
	return rc;
}

/* ---- backup ------------------------------------------------------------------ */

int gaz_archive_backup(struct gaz_archive *a, const char *dest)
{
	struct stat st;
	char *tmp = NULL;
	size_t n;
	int rc;

	if (!dest || !*dest)
		return gaz_fail(GAZ_EINVAL, "no backup destination");
	if (!lstat(dest, &st))
		return gaz_fail(GAZ_EEXIST, "%s exists; a backup goes into a new directory", dest);
	n = strlen(dest) + 32;
	if (!(tmp = malloc(n)))
		return GAZ_ENOMEM;
	snprintf(tmp, n, "%s.tmp-%ld", dest, (long)getpid());
	if (mkdir(tmp, 0755)) {
		rc = gaz_fail(GAZ_EIO, "%s: %s", tmp, strerror(errno));
		free(tmp);
		return rc;
	}
	ar_gate_enter(a); /* the copy reads the map in its own transaction */
	rc = mdb_env_copy2(a->env, tmp, MDB_CP_COMPACT);
	ar_gate_leave(a);
	if (rc) {
		rc = gaz_archive_mdb_error(rc, dest);
		goto fail;
	}
	if (rename(tmp, dest)) {
		rc = gaz_fail(errno == EEXIST || errno == ENOTEMPTY ? GAZ_EEXIST : GAZ_EIO,
			      "%s: %s", dest, strerror(errno));
		goto fail;
	}
	free(tmp);
	return 0;
fail:
	{
		size_t m = strlen(tmp) + 16;
		char *p = malloc(m);
		if (p) {
			snprintf(p, m, "%s/data.mdb", tmp);
			unlink(p);
			snprintf(p, m, "%s/lock.mdb", tmp);
			unlink(p);
			free(p);
		}
		rmdir(tmp);
	}
	free(tmp);
	return rc;
}

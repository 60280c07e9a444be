/*
 * The write side: publish an issue version, record a status change, record
 * a submission.  Each is one call to ar_write(), i.e. one LMDB write
 * transaction that holds every record, index entry, log leaf and audit
 * entry of the operation.
 */
#include "archive/store.h"
#include "gazette/tlog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

int ar_events(struct gaz_archive *a, MDB_txn *txn, const char *doc_no,
	      struct gaz_ar_event **out, size_t *n_out);

static size_t status_key(unsigned char *k, const char *doc_no, uint32_t seq)
{
	size_t n = strlen(doc_no);

	memcpy(k, doc_no, n);
	k[n] = 0;
	be32(k + n + 1, seq);
	return n + 5;
}

/* The issue version a log leaf of a status event names. */
struct carrier {
	unsigned year, number, version;
	unsigned char sha256[32];
};

/* Appends the next status event of doc_no (seq = number of events so far)
 * and its log leaf. */
static int put_event(struct gaz_archive *a, MDB_txn *txn, struct gaz_ar_event *e,
		     const struct carrier *c)
{
	struct gaz_tlog_entry le = { 0 };
	struct gaz_ar_event *old = NULL;
	struct gaz_buf b = GAZ_BUF_INIT(GAZ_AR_RECORD_MAX);
	unsigned char k[GAZ_AR_DOCNO_MAX + 5];
	size_t n = 0, kl;
	int rc;

	if ((rc = ar_events(a, txn, e->doc_no, &old, &n)))
		goto end;
	e->seq = (uint32_t)n;
	if ((rc = rec_encode(GAZ_REC_EVENT, e, &b)))
		goto end;
	kl = status_key(k, e->doc_no, e->seq);
	if ((rc = ar_put(txn, a->status, k, kl, b.data, b.len, MDB_NOOVERWRITE, "status event")))
		goto end;
	le.kind = GAZ_TLOG_STATUS_EVENT;
	le.year = c->year;
	le.number = c->number;
	le.version = c->version;
	memcpy(le.sha256, c->sha256, 32);
	le.doc_no = e->doc_no;
	le.status = gaz_status_name(e->status);
	le.date = e->date;
	le.by = e->by_doc;
	rc = ar_w(gaz_tlog_append_entry(txn, &le, NULL));
end:
	gaz_ar_events_free(old, n);
	gaz_buf_release(&b);
	return rc;
}

static int put_ix_val(struct gaz_archive *a, MDB_txn *txn, int prefix, const char *s,
		      const unsigned char id[8], const void *val, size_t vlen)
{
	unsigned char k[IX_KEY_MAX];
	size_t kl = ix_key(k, prefix, s, 1, id, 8);

	return ar_put(txn, a->index, k, kl, val, vlen, MDB_NOOVERWRITE, "index entry");
}

static int put_ix(struct gaz_archive *a, MDB_txn *txn, int prefix, const char *s,
		  const unsigned char id[8])
{
	return put_ix_val(a, txn, prefix, s, id, "", 0);
}

/* ---- publish ------------------------------------------------------------------------ */

struct pub {
	const struct gaz_issue *is;
	unsigned year, number, cumulative;
	const void *pdf;
	size_t pdf_len;
	unsigned char pdf_sha[32];
	const struct gaz_page_range *pages;
	char **texts;
	size_t *text_lens;
	const char *who, *reason;
	int64_t now;
	unsigned version;
};

static int check_key(const struct gaz_doc *d, const char *field, const char *v)
{
	if (strlen(v) > GAZ_AR_DOCNO_MAX)
		return gaz_fail(GAZ_ETOOBIG, "%s: %s is longer than %d bytes", d->file, field,
				GAZ_AR_DOCNO_MAX);
	return 0;
}

static int publish_txn(struct gaz_archive *a, MDB_txn *txn, void *ctx)
{
	struct pub *p = ctx;
	const struct gaz_issue *is = p->is;
	struct gaz_ar_version v = { 0 };
	struct gaz_tlog_entry le = { 0 };
	struct gaz_search_writer *sw = NULL;
	struct carrier cv;
	struct gaz_buf b = GAZ_BUF_INIT(GAZ_AR_RECORD_MAX);
	unsigned char k[IX_KEY_MAX], vk[6];
	unsigned latest;
	uint64_t last_doc;
	char subject[64];
	MDB_val key, val;
	size_t i;
	int rc;

	/* the same PDF bytes stored twice would make two versions one file */
	k[0] = IX_SHA;
	memcpy(k + 1, p->pdf_sha, 32);
	key.mv_size = 33;
	key.mv_data = k;
	rc = ar_w(mdb_get(txn, a->index, &key, &val));
	if (!rc && val.mv_size == 6) {
		const unsigned char *q = val.mv_data;
		rc = gaz_fail(GAZ_EEXIST, "this PDF is already stored as issue %u/%u version %u",
			      rd_be16(q), rd_be16(q + 2), rd_be16(q + 4));
		goto end;
	}
	if (rc != MDB_NOTFOUND) {
		rc = rc ? gaz_archive_mdb_error(rc, "sha256 index")
			: gaz_fail(GAZ_ECORRUPT, "sha256 index entry of %zu bytes", val.mv_size);
		goto end;
	}
	if ((rc = ar_latest_version(a, txn, p->year, p->number, &latest)))
		goto end;
	if (latest && (!p->reason || !*p->reason)) {
		rc = gaz_fail(GAZ_EINVAL, "issue %u/%u already has version %u: a corrected "
			      "version needs a reason (--reason)", p->year, p->number, latest);
		goto end;
	}
	if (latest >= 0xffff) {
		rc = gaz_fail(GAZ_ETOOBIG, "issue %u/%u has %u versions", p->year, p->number, latest);
		goto end;
	}
	if ((rc = ar_last_seq(txn, a->doc, &last_doc)))
		goto end;
	/* the documents of the version this one supersedes leave the default
	 * search results */
	if (latest) {
		struct gaz_ar_version prev;
		uint32_t j;
		ar_version_key(vk, p->year, p->number, latest);
		if ((rc = ar_get_rec(txn, a->version, vk, 6, GAZ_REC_VERSION, &prev)))
			goto end;
		for (j = 0; j < prev.n_docs && !rc; j++)
			rc = ar_w(gaz_search_supersede(txn, prev.first_doc + j));
		gaz_ar_version_release(&prev);
		if (rc)
			goto end;
	}

	v.year = p->year;
	v.number = p->number;
	v.version = latest + 1;
	v.name = is->cfg.name.value;
	v.cumulative = p->cumulative;
	v.date = is->cfg.date.value;
	memcpy(v.pdf_sha256, p->pdf_sha, 32);
	v.pdf_size = p->pdf_len;
	v.reason = (char *)(p->reason ? p->reason : "");
	v.who = (char *)p->who;
	v.time = p->now;
	v.first_doc = last_doc + 1;
	v.n_docs = (uint32_t)is->n_docs;
	cv.year = v.year;
	cv.number = v.number;
	cv.version = v.version;
	memcpy(cv.sha256, p->pdf_sha, 32);

	if ((rc = ar_blob_put(a, txn, p->pdf_sha, p->pdf, p->pdf_len)) ||
	    (rc = ar_w(gaz_search_writer_new(txn, &sw))))
		goto end;
	for (i = 0; i < is->n_docs; i++) {
		const struct gaz_doc *src = &is->docs[i];
		struct gaz_ar_doc d = { 0 };
		struct gaz_ar_event *ev = NULL;
		struct gaz_search_doc sd = { 0 };
		unsigned char id[8], loc[AR_LOC_LEN];
		size_t nev = 0;
		int cur = GAZ_ST_UNKNOWN;

		d.id = v.first_doc + i;
		d.year = v.year;
		d.number = v.number;
		d.version = v.version;
		d.pos = (unsigned)i;
		d.doc_no = src->doc_no.value;
		d.index_no = src->index_no.value;
		d.title = src->title.value;
		d.issuer = src->issuer.value;
		d.written = src->written.value;
		d.published = src->published.value;
		d.subject = src->subject.value;
		d.genre = src->genre.value;
		d.validity = src->validity.value;
		d.section = src->section.value;
		d.name = src->name;
		memcpy(d.code, src->code, 11);
		memcpy(d.text_sha256, src->text_sha256, 32);
		d.text_len = p->text_lens[i];
		d.first_page = p->pages[i].first;
		d.last_page = p->pages[i].last;

		gaz_buf_reset(&b);
		be64(id, d.id);
		if ((rc = ar_blob_put(a, txn, d.text_sha256, p->texts[i], p->text_lens[i])) ||
		    (rc = rec_encode(GAZ_REC_DOC, &d, &b)))
			goto end;
		/* schema 2: the 发文字号 entry says where the document is */
		ar_loc_encode(loc, &d);
		if ((rc = ar_put(txn, a->doc, id, 8, b.data, b.len, MDB_APPEND, "document")) ||
		    (rc = put_ix_val(a, txn, IX_DOCNO, gaz_fv(&src->doc_no), id, loc,
				     a->schema >= 2 ? AR_LOC_LEN : 0)) ||
		    (rc = put_ix(a, txn, IX_CODE, src->code, id)) ||
		    (rc = put_ix(a, txn, GAZ_AR_F_ISSUER, gaz_fv(&src->issuer), id)) ||
		    (rc = put_ix(a, txn, GAZ_AR_F_SUBJECT, gaz_fv(&src->subject), id)) ||
		    (rc = put_ix(a, txn, GAZ_AR_F_GENRE, gaz_fv(&src->genre), id)) ||
		    (rc = put_ix(a, txn, GAZ_AR_F_DATE, gaz_fv(&src->published), id)))
			goto end;
		if (*gaz_fv(&src->index_no) &&
		    (rc = put_ix(a, txn, IX_INDEXNO, src->index_no.value, id)))
			goto end;
		/* a document number new to the archive starts its status history */
		if ((rc = ar_events(a, txn, d.doc_no, &ev, &nev)))
			goto end;
		gaz_status_on(ev, nev, NULL, &cur, NULL);
		gaz_ar_events_free(ev, nev);
		if (!nev) {
			struct gaz_ar_event e = { 0 };
			char note[96];
			int st = GAZ_ST_VALID;
			const char *date = ar_valid_date(d.published) ? d.published : v.date;

			if (*gaz_fv(&src->validity) && gaz_status_parse(src->validity.value, &st)) {
				rc = gaz_fail(GAZ_EINVAL, "%s:%d: 有效性: '%s' is not 有效, 已修改, 废止 or 失效",
					      src->file, src->validity.line, src->validity.value);
				goto end;
			}
			snprintf(note, sizeof note, "刊登于 %u年第%u期", v.year, v.number);
			e.doc_no = d.doc_no;
			e.status = st;
			snprintf(e.date, sizeof e.date, "%s", date);
			e.by_doc = "";
			e.note = note;
			e.who = (char *)p->who;
			e.time = p->now;
			if ((rc = put_event(a, txn, &e, &cv)))
				goto end;
			cur = st;
		}
		sd.id = d.id;
		sd.title = d.title;
		sd.text = p->texts[i];
		sd.text_len = p->text_lens[i];
		sd.doc_no = d.doc_no;
		sd.index_no = d.index_no;
		sd.code = d.code;
		sd.issuer = d.issuer;
		sd.subject = d.subject;
		sd.genre = d.genre;
		sd.written = d.written;
		sd.published = d.published;
		sd.status = (enum gaz_search_status)cur;
		sd.issue_year = v.year;
		sd.issue_number = v.number;
		if ((rc = ar_w(gaz_search_writer_add(sw, &sd))))
			goto end;
	}
	if ((rc = ar_w(gaz_search_writer_flush(sw))))
		goto end;
	gaz_buf_reset(&b);
	ar_version_key(vk, v.year, v.number, v.version);
	if ((rc = rec_encode(GAZ_REC_VERSION, &v, &b)) ||
	    (rc = ar_put(txn, a->version, vk, 6, b.data, b.len, MDB_NOOVERWRITE, "issue version")) ||
	    (rc = ar_put(txn, a->index, k, 33, vk, 6, MDB_NOOVERWRITE, "sha256 index entry")))
		goto end;
	le.kind = GAZ_TLOG_ISSUE_VERSION;
	le.year = v.year;
	le.number = v.number;
	le.version = v.version;
	memcpy(le.sha256, p->pdf_sha, 32);
	le.date = v.date;
	if ((rc = ar_w(gaz_tlog_append_entry(txn, &le, NULL))))
		goto end;
	snprintf(subject, sizeof subject, "%u/%u/%u", v.year, v.number, v.version);
	if ((rc = ar_audit_put(a, txn, p->who, p->now, "publish", subject, v.reason)) ||
	    (rc = ar_sign_head(a, txn, p->now)))
		goto end;
	p->version = v.version;
end:
	gaz_search_writer_free(sw);
	gaz_buf_release(&b);
	return rc;
}

/* The issue's numbers, from the config's text (the source of truth). */
static int numbers(const struct gaz_issue *is, struct pub *p)
{
	const struct gaz_issue_config *c = &is->cfg;
	uint64_t y, n, cum = 0;

	if (!c->year.value || gaz_parse_uint(c->year.value, strlen(c->year.value), 9999, &y) ||
	    !y || !c->number.value ||
	    gaz_parse_uint(c->number.value, strlen(c->number.value), 0xffff, &n) || !n ||
	    (c->cumulative.value && *c->cumulative.value &&
	     gaz_parse_uint(c->cumulative.value, strlen(c->cumulative.value), UINT32_MAX, &cum)) ||
	    !ar_valid_date(c->date.value))
		return gaz_fail(GAZ_EINVAL, "%s: 年份, 期号, 总期号 and 出版日期 must be valid (run "
				"`gazette check`)", c->file ? c->file : "issue.conf");
	p->year = (unsigned)y;
	p->number = (unsigned)n;
	p->cumulative = (unsigned)cum;
	return 0;
}

static int check_publish(const struct gaz_issue *is, const void *pdf, size_t pdf_len,
			 const struct gaz_page_range *pages, const char *who,
			 const char *reason)
{
	size_t i, j;
	int rc;

	if (!is || !pdf || !pages || !who)
		return gaz_fail(GAZ_EINVAL, "publish: missing argument");
	if (!*who || strlen(who) > GAZ_AR_FIELD_MAX)
		return gaz_fail(GAZ_EINVAL, "publish: who published must be named");
	if (reason && strlen(reason) > GAZ_AR_NOTE_MAX)
		return gaz_fail(GAZ_ETOOBIG, "reason over %u bytes", (unsigned)GAZ_AR_NOTE_MAX);
	if (!pdf_len || pdf_len > GAZ_AR_BLOB_MAX)
		return gaz_fail(pdf_len ? GAZ_ETOOBIG : GAZ_EINVAL, "PDF of %zu bytes", pdf_len);
	if (!is->n_docs || is->n_docs > GAZ_ISSUE_MAX_DOCS)
		return gaz_fail(GAZ_EINVAL, "an issue of %zu documents", is->n_docs);
	for (i = 0; i < is->n_docs; i++) {
		const struct gaz_doc *d = &is->docs[i];
		if (!d->doc_no.value || !*d->doc_no.value)
			return gaz_fail(GAZ_EINVAL, "%s: 发文字号 missing", d->file);
		if ((rc = check_key(d, "发文字号", d->doc_no.value)) ||
		    (rc = check_key(d, "索引号", gaz_fv(&d->index_no))))
			return rc;
		if (!pages[i].first || pages[i].last < pages[i].first)
			return gaz_fail(GAZ_EINVAL, "%s: bad page range %u-%u", d->file,
					pages[i].first, pages[i].last);
		for (j = 0; j < i; j++)
			if (!strcmp(d->doc_no.value, is->docs[j].doc_no.value))
				return gaz_fail(GAZ_EINVAL, "%s: 发文字号 %s appears twice in the issue",
						d->file, d->doc_no.value);
	}
	return 0;
}

int gaz_archive_publish(struct gaz_archive *a, const struct gaz_issue *is, const void *pdf,
			size_t pdf_len, const struct gaz_page_range *pages, const char *who,
			int64_t now, const char *reason, unsigned *version_out)
{
	struct pub p = { 0 };
	unsigned char md[32];
	size_t i;
	int rc;

	if ((rc = check_publish(is, pdf, pdf_len, pages, who, reason)) || (rc = numbers(is, &p)))
		return rc;
	p.is = is;
	p.pdf = pdf;
	p.pdf_len = pdf_len;
	p.pages = pages;
	p.who = who;
	p.reason = reason;
	p.now = now;
	SHA256(pdf, pdf_len, p.pdf_sha);
	if (!(p.texts = calloc(is->n_docs, sizeof *p.texts)) ||
	    !(p.text_lens = calloc(is->n_docs, sizeof *p.text_lens))) {
		rc = GAZ_ENOMEM;
		goto end;
	}
	for (i = 0; i < is->n_docs; i++) {
		if (!(p.texts[i] = gaz_doc_text(&is->docs[i], &p.text_lens[i]))) {
			rc = GAZ_ENOMEM;
			goto end;
		}
		SHA256((unsigned char *)p.texts[i], p.text_lens[i], md);
		if (memcmp(md, is->docs[i].text_sha256, 32)) {
			rc = gaz_fail(GAZ_EINTERNAL, "%s: text hash out of date", is->docs[i].file);
			goto end;
		}
	}
	if ((rc = ar_write(a, publish_txn, &p)))
		goto end;
	if (version_out)
		*version_out = p.version;
end:
	for (i = 0; p.texts && i < is->n_docs; i++)
		free(p.texts[i]);
	free(p.texts);
	free(p.text_lens);
	return rc;
}

/* ---- status --------------------------------------------------------------------------- */

/* The ids of every stored appearance of doc_no, oldest first (at most
 * one per issue version; capped). */
#define AR_APPEAR_MAX 4096
struct ids {
	uint64_t v[AR_APPEAR_MAX];
	size_t n;
};

static int appearances(struct gaz_archive *a, MDB_txn *txn, const char *doc_no,
		       struct ids *ids)
{
	unsigned char k[IX_KEY_MAX];
	size_t kl = ix_key(k, IX_DOCNO, doc_no, 1, NULL, 0);
	MDB_cursor *c = NULL;
	MDB_val key = { kl, k }, v;
	int rc, op = MDB_SET_RANGE;

	ids->n = 0;
	if ((rc = ar_w(mdb_cursor_open(txn, a->index, &c))))
		return gaz_archive_mdb_error(rc, "index");
	while (!(rc = ar_w(mdb_cursor_get(c, &key, &v, op)))) {
		op = MDB_NEXT;
		if (key.mv_size != kl + 8 || memcmp(key.mv_data, k, kl))
			break;
		if (ids->n == AR_APPEAR_MAX) {
			rc = gaz_fail(GAZ_ETOOBIG, "%s appears in over %d issue versions", doc_no,
				      AR_APPEAR_MAX);
			break;
		}
		ids->v[ids->n++] = rd_be64((unsigned char *)key.mv_data + kl);
	}
	mdb_cursor_close(c);
	if (rc && rc != MDB_NOTFOUND)
		return rc < 0 ? rc : gaz_archive_mdb_error(rc, "index");
	if (!ids->n)
		return gaz_fail(GAZ_ENOTFOUND, "no document %s in the archive", doc_no);
	return 0;
}

struct st {
	struct gaz_ar_event e;
	struct ids ids;
};

/* The search index shows, for every appearance, the status of the event
 * with the greatest (date, seq). */
static int index_status(struct gaz_archive *a, MDB_txn *txn, struct st *s)
{
	struct gaz_ar_event *ev = NULL;
	size_t n = 0, i;
	int cur, rc;

	if ((rc = ar_events(a, txn, s->e.doc_no, &ev, &n)))
		return rc;
	gaz_status_on(ev, n, NULL, &cur, NULL);
	gaz_ar_events_free(ev, n);
	for (i = 0; i < s->ids.n; i++)
		if ((rc = ar_w(gaz_search_set_status(txn, s->ids.v[i], (enum gaz_search_status)cur))))
			return rc;
	return 0;
}

static int status_txn(struct gaz_archive *a, MDB_txn *txn, void *ctx)
{
	struct st *s = ctx;
	struct gaz_ar_doc first = { 0 }, last = { 0 };
	struct gaz_ar_version v = { 0 };
	struct carrier c;
	unsigned char k[8];
	int rc;

	if ((rc = appearances(a, txn, s->e.doc_no, &s->ids)))
		goto end;
	be64(k, s->ids.v[0]);
	if ((rc = ar_get_rec(txn, a->doc, k, 8, GAZ_REC_DOC, &first)))
		goto end;
	be64(k, s->ids.v[s->ids.n - 1]);
	if ((rc = ar_get_rec(txn, a->doc, k, 8, GAZ_REC_DOC, &last)))
		goto end;
	ar_version_key(k, last.year, last.number, last.version);
	if ((rc = ar_get_rec(txn, a->version, k, 6, GAZ_REC_VERSION, &v)))
		goto end;
	if (ar_valid_date(first.published) && strcmp(s->e.date, first.published) < 0) {
		rc = gaz_fail(GAZ_EINVAL, "%s: %s is before the document was published (%s)",
			      s->e.doc_no, s->e.date, first.published);
		goto end;
	}
	c.year = v.year;
	c.number = v.number;
	c.version = v.version;
	memcpy(c.sha256, v.pdf_sha256, 32);
	if ((rc = put_event(a, txn, &s->e, &c)) || (rc = index_status(a, txn, s)))
		goto end;
	if ((rc = ar_audit_put(a, txn, s->e.who, s->e.time, "status", s->e.doc_no,
			       gaz_status_name(s->e.status))))
		goto end;
	rc = ar_sign_head(a, txn, s->e.time);
end:
	gaz_ar_doc_release(&first);
	gaz_ar_doc_release(&last);
	gaz_ar_version_release(&v);
	return rc == GAZ_ENOTFOUND && !*gaz_errdetail()
		? gaz_fail(rc, "%s: a stored record is missing", s->e.doc_no) : rc;
}

int gaz_archive_set_status(struct gaz_archive *a, const char *doc_no, int status,
			   const char *date, const char *by_doc, const char *note,
			   const char *who, int64_t now, uint32_t *seq_out)
{
	struct st *s;
	int rc;

	if (!doc_no || !*doc_no || strlen(doc_no) > GAZ_AR_DOCNO_MAX)
		return gaz_fail(GAZ_EINVAL, "bad document number");
	if (status < GAZ_ST_VALID || status > GAZ_ST_EXPIRED)
		return gaz_fail(GAZ_EINVAL, "unknown status %d", status);
	if (!ar_valid_date(date))
		return gaz_fail(GAZ_EINVAL, "'%s' is not a date (YYYY-MM-DD)", date ? date : "");
	if (!who || !*who)
		return gaz_fail(GAZ_EINVAL, "who recorded the change must be named");
	if (by_doc && strlen(by_doc) > GAZ_AR_DOCNO_MAX)
		return gaz_fail(GAZ_ETOOBIG, "--by: document number over %d bytes", GAZ_AR_DOCNO_MAX);
	if (!(s = calloc(1, sizeof *s)))
		return GAZ_ENOMEM;
	s->e.doc_no = (char *)doc_no;
	s->e.status = status;
	memcpy(s->e.date, date, 11);
	s->e.by_doc = (char *)(by_doc ? by_doc : "");
	s->e.note = (char *)(note ? note : "");
	s->e.who = (char *)who;
	s->e.time = now;
	rc = ar_write(a, status_txn, s);
	if (!rc && seq_out)
		*seq_out = s->e.seq;
	free(s);
	return rc;
}

/* ---- submissions ------------------------------------------------------------------------ */

struct sub {
	struct gaz_ar_submission *s; /* n of them, seq set here */
	size_t n;
};

static int submit_one(struct gaz_archive *a, MDB_txn *txn, struct gaz_ar_submission *s)
{
	struct gaz_buf b = GAZ_BUF_INIT(GAZ_AR_RECORD_MAX);
	unsigned char k[IX_KEY_MAX], sk[8];
	MDB_val key, val;
	uint64_t last;
	int rc;

	k[0] = IX_SUB_SHA;
	memcpy(k + 1, s->sha256, 32);
	key.mv_size = 33;
	key.mv_data = k;
	rc = ar_w(mdb_get(txn, a->index, &key, &val));
	if (!rc) {
		rc = gaz_fail(GAZ_EEXIST, "%s: this file was already received (submission %llu)",
			      s->file, val.mv_size == 8
			      ? (unsigned long long)rd_be64(val.mv_data) : 0ULL);
		goto end;
	}
	if (rc != MDB_NOTFOUND) {
		rc = gaz_archive_mdb_error(rc, "index");
		goto end;
	}
	if ((rc = ar_last_seq(txn, a->subm, &last)))
		goto end;
	s->seq = last + 1;
	be64(sk, s->seq);
	if ((rc = rec_encode(GAZ_REC_SUBMISSION, s, &b)) ||
	    (rc = ar_put(txn, a->subm, sk, 8, b.data, b.len, MDB_APPEND, "submission")) ||
	    (rc = ar_put(txn, a->index, k, 33, sk, 8, MDB_NOOVERWRITE, "submission index")) ||
	    (rc = put_ix(a, txn, IX_SUB_DOCNO, s->doc_no, sk)))
		goto end;
	rc = ar_audit_put(a, txn, s->who, s->time, "submit", s->doc_no, s->file);
end:
	gaz_buf_release(&b);
	return rc;
}

static int submit_txn(struct gaz_archive *a, MDB_txn *txn, void *ctx)
{
	struct sub *u = ctx;
	size_t i;
	int rc = 0;

	for (i = 0; i < u->n && !rc; i++)
		rc = submit_one(a, txn, &u->s[i]);
	return rc;
}

int gaz_archive_submit_all(struct gaz_archive *a, const struct gaz_ar_submission *s, size_t n,
			   const char *who, int64_t now, uint64_t *seq_out)
{
	struct sub u = { NULL, n };
	size_t i;
	int rc;

	if (!n || n > GAZ_AR_SUBMIT_MAX)
		return gaz_fail(GAZ_EINVAL, "1 to %d submissions at a time", GAZ_AR_SUBMIT_MAX);
	for (i = 0; i < n; i++)
		if (!s[i].doc_no || !*s[i].doc_no || strlen(s[i].doc_no) > GAZ_AR_DOCNO_MAX)
			return gaz_fail(GAZ_EINVAL, "%s: a submission needs a 发文字号",
					s[i].file ? s[i].file : "?");
	if (!who || !*who)
		return gaz_fail(GAZ_EINVAL, "who received the submission must be named");
	if (!(u.s = malloc(n * sizeof *u.s)))
		return GAZ_ENOMEM;
	for (i = 0; i < n; i++) {
		u.s[i] = s[i];
		u.s[i].who = (char *)who;
		u.s[i].time = now;
	}
	if (!(rc = ar_write(a, submit_txn, &u)) && seq_out)
		for (i = 0; i < n; i++)
			seq_out[i] = u.s[i].seq;
	free(u.s);
	return rc;
}

int gaz_archive_submit(struct gaz_archive *a, const struct gaz_ar_submission *s,
		       const char *who, int64_t now, uint64_t *seq_out)
{
	if (!s)
		return gaz_fail(GAZ_EINVAL, "a submission needs a 发文字号");
	return gaz_archive_submit_all(a, s, 1, who, now, seq_out);
}

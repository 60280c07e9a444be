/*
 * Search hits: a clause matched against a document's units, the snippet
 * (best window, marked matches and their spans) and the hit's fields.
 */
#include "search_query.h"

#include <stdlib.h>
#include <string.h>

static int unit_eq(const struct unit *a, const struct unit *b)
{
	return a->kind == b->kind && a->len == b->len && !memcmp(a->key, b->key, a->len);
}

int fts_match_at(const struct units *du, size_t p, const struct clause *c)
{
	size_t j;

	if (p + c->nu > du->n)
		return 0;
	for (j = 0; j < c->nu; j++) {
		const struct unit *x = &du->v[p + j];

		if (!unit_eq(x, &c->u[j]) || (j && c->u[j].joined && !x->joined) ||
		    x->title != du->v[p].title)
			return 0;
	}
	return 1;
}

int fts_doc_units(struct qstate *q, const struct rec *r, const char *text)
{
	q->du.n = 0;
	q->du.max = GAZ_SEARCH_TEXT_MAX;
	return fts_rec_units(r, text, &q->du);
}

int fts_load_rec(struct qstate *q, uint64_t id, struct rec *r)
{
	unsigned char kb[8];
	MDB_val k = { 8, kb }, v;
	int rc;

	lx_put_be64(kb, id);
	if ((rc = mdb_get(q->txn, q->d.docs, &k, &v)))
		return rc == MDB_NOTFOUND
			       ? gaz_fail(GAZ_ECORRUPT, "search: posting names missing document "
					  "%llu", (unsigned long long)id)
			       : lx_err(rc, FTS_DOCS);
	return fts_rec_decode(v.mv_data, v.mv_size, r);
}

static char *dupn(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = 0;
	}
	return d;
}

struct mspan {
	size_t start, end;   /* bytes in the body */
	size_t clause;
};

static int cmp_mspan(const void *a, const void *b)
{
	const struct mspan *x = a, *y = b;

	if (x->start != y->start)
		return (x->start > y->start) - (x->start < y->start);
	return (x->end < y->end) - (x->end > y->end);
}

/* Byte position n characters after / before pos (clamped to the text). */
static size_t fwd_chars(const char *s, size_t len, size_t pos, size_t n)
{
	while (n-- && pos < len) {
		pos++;
		while (pos < len && ((unsigned char)s[pos] & 0xC0) == 0x80)
			pos++;
	}
	return pos;
}

static size_t back_chars(const char *s, size_t pos, size_t n)
{
	while (n-- && pos > 0) {
		pos--;
		while (pos > 0 && ((unsigned char)s[pos] & 0xC0) == 0x80)
			pos--;
	}
	return pos;
}

/* Adds text[a..b) to both buffers, newlines and tabs as spaces. */
static int add_plain(struct gaz_buf *snip, struct gaz_buf *plain, const char *t, size_t a,
		     size_t b)
{
	size_t k;
	int rc;

	for (k = a; k < b; k++) {
		char ch = t[k] == '\n' || t[k] == '\r' || t[k] == '\t' ? ' ' : t[k];

		if ((rc = gaz_buf_addc(plain, ch)) || (rc = gaz_buf_addc(snip, ch)))
			return rc;
	}
	return 0;
}

/* The best window: the one holding the most distinct query words, then the
 * most matches, earliest first; then marks the matches inside it. */
static int make_snippet(struct qstate *q, const struct gaz_search_query *qq,
			const char *text, size_t tlen, struct gaz_search_hit *h)
{
	struct mspan *sp = NULL;
	size_t nsp = 0, cap = 0, i, j, p, best = 0, best_score = 0, bs, be;
	size_t w = qq->snippet_chars ? qq->snippet_chars : SNIPPET_DEFAULT;
	const char *mo = qq->mark_open ? qq->mark_open : "【";
	const char *mc = qq->mark_close ? qq->mark_close : "】";
	struct gaz_buf snip = GAZ_BUF_INIT(GAZ_SEARCH_TEXT_MAX);
	struct gaz_buf plain = GAZ_BUF_INIT(GAZ_SEARCH_TEXT_MAX);
	int rc = 0;

	h->title_match = 0;
	for (p = 0; p < q->du.n; p++) {
		for (i = 0; i < q->nc; i++) {
			const struct clause *c = &q->c[i];

			if (!fts_match_at(&q->du, p, c))
				continue;
			if (q->du.v[p].title != ZONE_BODY) {
				/* the title or the numbers: shown above the snippet */
				h->title_match |= q->du.v[p].title == ZONE_TITLE;
				continue;
			}
			if (nsp == cap) {
				size_t ncap = cap ? cap * 2 : 16;
				struct mspan *t = realloc(sp, ncap * sizeof *t);

				if (!t) {
					rc = GAZ_ENOMEM;
					goto end;
				}
				sp = t;
				cap = ncap;
			}
			sp[nsp].start = q->du.v[p].start;
			sp[nsp].end = q->du.v[p + c->nu - 1].end;
			sp[nsp].clause = i;
			nsp++;
		}
	}
	if (nsp)
		qsort(sp, nsp, sizeof *sp, cmp_mspan);
	for (i = 0; i < nsp; i++) {
		unsigned seen = 0, count = 0;
		size_t score, lim = fwd_chars(text, tlen, sp[i].start, w);

		for (j = i; j < nsp && sp[j].end <= lim; j++) {
			seen |= 1u << sp[j].clause;
			count++;
		}
		score = (size_t)__builtin_popcount(seen) * 100000 + count;
		if (score > best_score) {
			best_score = score;
			best = i;
		}
	}
	bs = nsp ? back_chars(text, sp[best].start, w / 5) : 0;
	be = fwd_chars(text, tlen, bs, w);
	if (be == tlen)
		bs = back_chars(text, tlen, w);
	h->cut_start = bs > 0;
	h->cut_end = be < tlen;
	for (i = 0; i < nsp; i++)
		if (sp[i].start >= bs && sp[i].end <= be)
			h->n_spans++;
	if (h->n_spans && !(h->spans = calloc(h->n_spans, sizeof *h->spans))) {
		rc = GAZ_ENOMEM;
		goto end;
	}
	h->n_spans = 0;
	for (p = bs, i = 0;;) {
		size_t stop, e;

		/* the next span wholly inside the window and after p */
		while (i < nsp && (sp[i].start < p || sp[i].end > be))
			i++;
		stop = i < nsp ? sp[i].start : be;
		if ((rc = add_plain(&snip, &plain, text, p, stop)))
			goto end;
		if (i >= nsp)
			break;
		/* merge the spans overlapping this one */
		for (e = sp[i].end; i + 1 < nsp && sp[i + 1].start < e; i++)
			if (sp[i + 1].end > e && sp[i + 1].end <= be)
				e = sp[i + 1].end;
		h->spans[h->n_spans].off = plain.len;
		h->spans[h->n_spans].len = e - stop;
		h->n_spans++;
		if ((rc = gaz_buf_addstr(&snip, mo)) || (rc = add_plain(&snip, &plain, text, stop, e)) ||
		    (rc = gaz_buf_addstr(&snip, mc)))
			goto end;
		p = e;
		i++;
	}
	if ((rc = gaz_buf_addstr(&snip, "")) || (rc = gaz_buf_addstr(&plain, "")))
		goto end;
	h->snippet = gaz_buf_detach(&snip, NULL);
	h->plain = gaz_buf_detach(&plain, NULL);
end:
	gaz_buf_release(&snip);
	gaz_buf_release(&plain);
	free(sp);
	return rc;
}

int fts_fill_hit(struct qstate *q, const struct gaz_search_query *qq, const struct cand *c,
		    struct gaz_search_hit *h)
{
	struct rec r;
	char *text = NULL;
	const unsigned char *e;
	int rc;

	h->id = c->id;
	h->score = c->score;
	h->exact = c->exact;
	if ((rc = fts_load_rec(q, c->id, &r)) || (rc = fts_rec_text(&r, c->id, 0, &text)) ||
	    (rc = fts_doc_units(q, &r, text)) || (rc = fts_col_entry(q, c->id, &e)))
		goto end;
	h->status = e ? (enum gaz_search_status)e[8] : GAZ_ST_UNKNOWN;
	h->superseded = e && (e[10] & FTS_COL_SUPERSEDED);
	h->issue_year = r.issue_year;
	h->issue_number = r.issue_number;
	if (!(h->title = dupn(r.s[R_TITLE], r.sl[R_TITLE])) ||
	    !(h->doc_no = dupn(r.s[R_DOCNO], r.sl[R_DOCNO])) ||
	    !(h->issuer = dupn(r.s[R_ISSUER], r.sl[R_ISSUER])) ||
	    !(h->subject = dupn(r.s[R_SUBJECT], r.sl[R_SUBJECT])) ||
	    !(h->genre = dupn(r.s[R_GENRE], r.sl[R_GENRE])) ||
	    !(h->published = dupn(r.s[R_PUBLISHED], r.sl[R_PUBLISHED]))) {
		rc = GAZ_ENOMEM;
		goto end;
	}
	rc = make_snippet(q, qq, text, r.text_len, h);
end:
	free(text);
	return rc;
}

/*
 * Search queries: parsing, posting intersection, column filters, BM25,
 * phrase verification against the stored text, snippets.
 */
#include "search_int.h"

#include <stdlib.h>
#include <string.h>

#include "search_query.h"

#include "gazette/dl/m.h" /* last: it #defines log, sin, cos... */

/* ---- parsing ------------------------------------------------------------- */

static int add_term(struct qstate *q, struct clause *c, const char *key, size_t len)
{
	size_t i;

	for (i = 0; i < q->nt; i++)
		if (q->t[i].len == len && !memcmp(q->t[i].key, key, len))
			break;
	if (i == q->nt) {
		if (q->nt == QT_MAX)
			return gaz_fail(GAZ_EINVAL, "query has more than %d terms", QT_MAX);
		memcpy(q->t[i].key, key, len);
		q->t[i].len = len;
		q->nt++;
	}
	if (c) {
		size_t j;

		for (j = 0; j < c->nt; j++)
			if (c->terms[j] == i)
				return 0;
		c->terms[c->nt++] = i;
	}
	return 0;
}

static int add_clause(struct qstate *q, const char *s, size_t n)
{
	struct units u = { NULL, 0, 0, GAZ_SEARCH_QUERY_MAX };
	struct clause *c;
	char bi[8];
	size_t i;
	int rc;

	if ((rc = fts_tokenize(s, n, 0, &u)))
		return rc;
	if (!u.n) {
		fts_units_release(&u);
		return 0;
	}
	if (q->nc == GAZ_SEARCH_QUERY_TERMS) {
		fts_units_release(&u);
		return gaz_fail(GAZ_EINVAL, "query has more than %d words",
				GAZ_SEARCH_QUERY_TERMS);
	}
	c = &q->c[q->nc++];
	c->u = u.v;
	c->nu = u.n;
	for (i = 0; i < u.n; i++) {
		const struct unit *x = &u.v[i];
		int next_joined = i + 1 < u.n && u.v[i + 1].joined;

		if (x->kind == UNIT_WORD || (!x->joined && !next_joined)) {
			if ((rc = add_term(q, c, x->key, x->len)))
				return rc;
		}
		if (x->joined) {
			memcpy(bi, u.v[i - 1].key, u.v[i - 1].len);
			memcpy(bi + u.v[i - 1].len, x->key, x->len);
			if ((rc = add_term(q, c, bi, (size_t)u.v[i - 1].len + x->len)))
				return rc;
		}
	}
	/* one unit, or one bigram: the postings are exact */
	c->verify = !(u.n == 1 || (u.n == 2 && u.v[1].joined));
	/* A run of adjacent CJK characters matches exactly where its bytes
	 * occur in the text (normalisation leaves CJK alone). */
	c->rawlen = 0;
	for (i = 0; i < u.n && u.v[i].kind == UNIT_CJK && (i == 0 || u.v[i].joined); i++) {
		memcpy(c->raw + c->rawlen, u.v[i].key, u.v[i].len);
		c->rawlen += u.v[i].len;
	}
	if (i < u.n)
		c->rawlen = 0;
	q->verify |= c->verify;
	return 0;
}

static int is_quote(uint32_t c)
{
	return c == '"' || c == 0x201C || c == 0x201D || c == 0xFF02;
}

static int is_sep(uint32_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x3000;
}

static int parse(struct qstate *q, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, start = 0, k, bad;
	int quoted = 0, rc;
	uint32_t c;

	if (n > GAZ_SEARCH_QUERY_MAX)
		return gaz_fail(GAZ_EINVAL, "query longer than %u bytes", GAZ_SEARCH_QUERY_MAX);
	if (gaz_utf8_validate(p, n, &bad))
		return gaz_fail(GAZ_EINVAL, "query is not UTF-8");
	while (i <= n) {
		if (i == n) {
			if (quoted)
				return gaz_fail(GAZ_EINVAL, "unbalanced quote in query");
			return add_clause(q, s + start, i - start);
		}
		k = gaz_utf8_decode(p + i, n - i, &c);
		if (is_quote(c) || (!quoted && is_sep(c))) {
			if ((rc = add_clause(q, s + start, i - start)))
				return rc;
			if (is_quote(c))
				quoted = !quoted;
			start = i + k;
		}
		i += k;
	}
	return 0;
}

/* ---- columns and scoring ------------------------------------------------------ */

int fts_col_entry(struct qstate *q, uint64_t id, const unsigned char **e)
{
	uint64_t key = id >> FTS_COL_SHIFT;

	if (!q->col_ok || q->colkey != key) {
		unsigned char kb[8];
		MDB_val k = { 8, kb }, v;
		int rc;

		lx_put_be64(kb, key);
		rc = mdb_get(q->txn, q->d.cols, &k, &v);
		if (rc == MDB_NOTFOUND) {
			memset(q->col, 0, sizeof q->col);
		} else if (rc) {
			return lx_err(rc, FTS_COLS);
		} else {
			if (v.mv_size != sizeof q->col)
				return gaz_fail(GAZ_ECORRUPT, "search: malformed column block");
			memcpy(q->col, v.mv_data, sizeof q->col);
		}
		q->colkey = key;
		q->col_ok = 1;
	}
	*e = q->col + (id & (FTS_COL_N - 1)) * FTS_COL_SIZE;
	if (!(*e)[9])
		*e = NULL;
	return 0;
}

static int col_pass(const struct qstate *q, const unsigned char *e)
{
	uint32_t date = lx_get_be32(e + 4);

	if ((e[10] & FTS_COL_SUPERSEDED) && !q->superseded)
		return 0;
	if (q->status && e[8] != q->status)
		return 0;
	if (q->from && (!date || date < q->from))
		return 0;
	if (q->to && (!date || date > q->to))
		return 0;
	return 1;
}

static double idf(const struct qstate *q, uint64_t df)
{
	double n = (double)q->st.docs;

	return log(1.0 + (n - (double)df + 0.5) / ((double)df + 0.5));
}

static double bm25(const struct qstate *q, double idfv, uint32_t tf, int title, uint32_t dl)
{
	double t = (double)tf + (title ? FTS_TITLE_BOOST : 0);

	return idfv * t * (BM25_K1 + 1) /
	       (t + BM25_K1 * (1 - BM25_B + BM25_B * (double)dl / q->avgdl));
}

/* Upper bound of the score from the postings (exact without phrases). */
static double posting_score(const struct qstate *q, uint32_t dl)
{
	double s = 0;
	size_t i, j;

	for (i = 0; i < q->nc; i++) {
		const struct clause *c = &q->c[i];
		uint32_t tf = UINT32_MAX;
		int title = 1;

		for (j = 0; j < c->nt; j++) {
			const struct piter *it = &q->t[c->terms[j]].it;

			if (it->tf < tf)
				tf = it->tf;
			title &= it->title;
		}
		s += bm25(q, c->idf, tf, title, dl);
	}
	return s;
}

/* ---- candidate heaps ---------------------------------------------------------- */

static int better(const struct cand *a, const struct cand *b)
{
	if (a->exact != b->exact)
		return a->exact > b->exact;
	return a->score > b->score || (a->score == b->score && a->id > b->id);
}

/* Heap with the worst candidate on top (min-heap) when worst_top, else
 * the best on top. */
static void sift_down(struct cand *h, size_t n, size_t i, int worst_top)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (worst_top) {
			if (l < n && better(&h[m], &h[l]))
				m = l;
			if (r < n && better(&h[m], &h[r]))
				m = r;
		} else {
			if (l < n && better(&h[l], &h[m]))
				m = l;
			if (r < n && better(&h[r], &h[m]))
				m = r;
		}
		if (m == i)
			return;
		struct cand t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

static void sift_up(struct cand *h, size_t i, int worst_top)
{
	while (i) {
		size_t p = (i - 1) / 2;

		if (worst_top ? !better(&h[p], &h[i]) : !better(&h[i], &h[p]))
			return;
		struct cand t = h[i];
		h[i] = h[p];
		h[p] = t;
		i = p;
	}
}

/* Keeps the best k in a min-heap. */
static void topk_offer(struct cand *h, size_t *n, size_t k, const struct cand *c)
{
	if (*n < k) {
		h[*n] = *c;
		sift_up(h, (*n)++, 1);
	} else if (k && better(c, &h[0])) {
		h[0] = *c;
		sift_down(h, *n, 0, 1);
	}
}

static int cmp_best_first(const void *a, const void *b)
{
	return better(b, a) - better(a, b);
}

/* memmem (a GNU extension): first byte by memchr, then compare. */
static const char *find(const char *p, size_t n, const char *needle, size_t m)
{
	const char *end = p + n, *f;

	while ((size_t)(end - p) >= m && (f = memchr(p, needle[0], (size_t)(end - p) - m + 1))) {
		if (!memcmp(f, needle, m))
			return f;
		p = f + 1;
	}
	return NULL;
}

/* Occurrences of needle in hay, overlapping ones too (as tokens count). */
static uint32_t count_raw(const char *hay, size_t n, const char *needle, size_t m)
{
	const char *p = hay, *end = hay + n, *f;
	uint32_t k = 0;

	while ((size_t)(end - p) >= m && (f = find(p, (size_t)(end - p), needle, m))) {
		k++;
		/* next character: skip the lead byte and its continuation bytes */
		p = f + 1;
		while (p < end && ((unsigned char)*p & 0xC0) == 0x80)
			p++;
	}
	return k;
}

/* Exact score of a candidate from its text; *ok = 0 if a phrase is absent. */
static int exact_score(struct qstate *q, uint64_t id, uint32_t dl, double *score, int *ok)
{
	struct rec r;
	char *text = NULL;
	size_t i, p;
	double s = 0;
	int rc, tokenized = 0;

	if ((rc = fts_load_rec(q, id, &r)) || (rc = fts_rec_text(&r, id, 0, &text)))
		goto end;
	*ok = 1;
	for (i = 0; i < q->nc && *ok; i++) {
		const struct clause *c = &q->c[i];
		uint32_t tf = 0, tt;
		int title = 0;

		if (c->rawlen) {
			tt = count_raw(r.s[R_TITLE], r.sl[R_TITLE], c->raw, c->rawlen);
			if (r.version >= FTS_REC_V2) /* the numbers weigh like the title */
				tt += count_raw(r.s[R_DOCNO], r.sl[R_DOCNO], c->raw, c->rawlen) +
				      count_raw(r.s[R_INDEXNO], r.sl[R_INDEXNO], c->raw, c->rawlen);
			tf = tt + count_raw(text, r.text_len, c->raw, c->rawlen);
			title = tt > 0;
		} else {
			if (!tokenized && (rc = fts_doc_units(q, &r, text)))
				goto end;
			tokenized = 1;
			for (p = 0; p < q->du.n; p++)
				if (fts_match_at(&q->du, p, c)) {
					tf++;
					title |= q->du.v[p].title;
				}
		}
		if (!tf)
			*ok = 0;
		s += bm25(q, c->idf, tf, title, dl);
	}
	*score = s;
end:
	free(text);
	return rc;
}

/* ---- exact keys ---------------------------------------------------------------------- */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* The ids under the key terms the text normalises to (a 发文字号/索引号
 * and, if it reads as one, a code), ascending and distinct: up to max of
 * them in ids, *n how many. */
static int key_ids(MDB_txn *txn, MDB_dbi terms, const char *text, uint64_t *ids, size_t max,
		   size_t *n)
{
	char t[2][FTS_TERM_MAX];
	size_t tl[2], i, k = 0, len = strlen(text);
	int rc = 0;

	tl[0] = fts_key_norm(text, len, t[0]);
	tl[1] = fts_code_norm(text, len, t[1]);
	for (i = 0; i < 2 && !rc; i++) {
		struct piter it;

		if (!tl[i])
			continue;
		if ((rc = fts_piter_open(txn, terms, t[i], tl[i], &it))) {
			fts_piter_close(&it); /* a cursor opened before the failure */
			break;
		}
		for (; !it.done && !rc && k < max; rc = fts_piter_next(&it))
			ids[k++] = it.id;
		fts_piter_close(&it);
	}
	if (rc)
		return rc;
	qsort(ids, k, sizeof *ids, cmp_u64);
	for (i = 0, len = 0; i < k; i++)
		if (!len || ids[len - 1] != ids[i])
			ids[len++] = ids[i];
	*n = len;
	return 0;
}

int gaz_search_lookup(MDB_txn *txn, const char *key, uint64_t *ids, size_t max, size_t *n)
{
	struct fts_dbis d;
	int rc;

	if (!key)
		return gaz_fail(GAZ_EINVAL, "no key");
	rc = fts_open(txn, 0, &d);
	if (rc == GAZ_ENOTFOUND) {
		*n = 0;
		return 0;
	}
	return rc ? rc : key_ids(txn, d.terms, key, ids, max, n);
}

static int is_exact(const struct qstate *q, uint64_t id)
{
	return q->nexact && bsearch(&id, q->exact, q->nexact, sizeof id, cmp_u64);
}

/* The documents whose key the query is, passing the columns and the
 * filter terms (the first nreq terms that are field terms). */
static int exact_pass(struct qstate *q, const char *text)
{
	struct piter f[5]; /* the filter terms: fts_field_terms makes ≤ 5 */
	size_t nf = 0, i, j, k = 0, found;
	int rc;

	if (!(q->exact = malloc(KEY_HITS_MAX * sizeof *q->exact)))
		return GAZ_ENOMEM;
	if ((rc = key_ids(q->txn, q->d.terms, text, q->exact, KEY_HITS_MAX, &found)) || !found)
		return rc;
	for (i = 0; i < q->nreq; i++) {
		if (q->t[i].key[0] != 1 || nf == sizeof f / sizeof *f)
			continue;
		if ((rc = fts_piter_open(q->txn, q->d.terms, q->t[i].key, q->t[i].len, &f[nf]))) {
			fts_piter_close(&f[nf]); /* a cursor opened before the failure */
			goto end;
		}
		nf++;
	}
	for (i = 0; i < found; i++) {
		const unsigned char *e;

		if ((rc = fts_col_entry(q, q->exact[i], &e)))
			goto end;
		if (!e || !col_pass(q, e))
			continue;
		for (j = 0; j < nf; j++) {
			if ((rc = fts_piter_seek(&f[j], q->exact[i])))
				goto end;
			if (f[j].done || f[j].id != q->exact[i])
				break;
		}
		if (j == nf)
			q->exact[k++] = q->exact[i];
	}
	q->nexact = k;
end:
	for (j = 0; j < nf; j++)
		fts_piter_close(&f[j]);
	return rc;
}

/* ---- the query ----------------------------------------------------------------------- */

static int cmp_df(const void *a, const void *b)
{
	const struct qterm *const *x = a, *const *y = b;

	return ((*x)->it.df > (*y)->it.df) - ((*x)->it.df < (*y)->it.df);
}

struct candv {
	struct cand *v;
	size_t n, cap;
};

static int cand_push(struct candv *cv, const struct cand *c)
{
	if (cv->n == cv->cap) {
		size_t cap = cv->cap ? cv->cap * 2 : 1024;
		struct cand *v = realloc(cv->v, cap * sizeof *v);

		if (!v)
			return GAZ_ENOMEM;
		cv->v = v;
		cv->cap = cap;
	}
	cv->v[cv->n++] = *c;
	return 0;
}

/* Calls the collector for every document passing terms and columns. */
static int collect(struct qstate *q, struct candv *all, struct cand *top, size_t *ntop,
		   size_t k, uint64_t *count)
{
	struct qterm *ord[QT_MAX];
	const unsigned char *e;
	uint64_t target;
	size_t i;
	int rc;

	*count = 0;
	if (q->nreq == 0) {
		/* filters on columns only: walk the column blocks */
		MDB_cursor *cur = NULL;
		MDB_val kk, v;
		int op = MDB_FIRST;

		if ((rc = mdb_cursor_open(q->txn, q->d.cols, &cur)))
			return lx_err(rc, FTS_COLS);
		while (!(rc = mdb_cursor_get(cur, &kk, &v, op))) {
			op = MDB_NEXT;
			if (kk.mv_size != 8 || v.mv_size != FTS_COL_N * FTS_COL_SIZE) {
				mdb_cursor_close(cur);
				return gaz_fail(GAZ_ECORRUPT, "search: malformed column block");
			}
			for (i = 0; i < FTS_COL_N; i++) {
				struct cand c = { 0 };

				e = (const unsigned char *)v.mv_data + i * FTS_COL_SIZE;
				if (!e[9] || !col_pass(q, e))
					continue;
				c.id = lx_get_be64(kk.mv_data) << FTS_COL_SHIFT | i;
				c.score = (double)lx_get_be32(e + 4);
				(*count)++;
				topk_offer(top, ntop, k, &c);
			}
		}
		mdb_cursor_close(cur);
		return rc == MDB_NOTFOUND ? 0 : lx_err(rc, FTS_COLS);
	}
	for (i = 0; i < q->nreq; i++) {
		if (q->t[i].it.done)
			return 0; /* a required term is absent */
		ord[i] = &q->t[i];
	}
	qsort(ord, q->nreq, sizeof *ord, cmp_df);
	target = ord[0]->it.id;
	for (;;) {
		for (i = 1; i < q->nreq; i++) {
			if ((rc = fts_piter_seek(&ord[i]->it, target)))
				return rc;
			if (ord[i]->it.done)
				return 0;
			if (ord[i]->it.id > target)
				break;
		}
		if (i < q->nreq) {
			target = ord[i]->it.id;
			if ((rc = fts_piter_seek(&ord[0]->it, target)))
				return rc;
			if (ord[0]->it.done)
				return 0;
			target = ord[0]->it.id;
			continue;
		}
		/* every required term is on target */
		if ((rc = fts_col_entry(q, target, &e)))
			return rc;
		if (!e)
			return gaz_fail(GAZ_ECORRUPT, "search: posting names unindexed document %llu",
					(unsigned long long)target);
		if (col_pass(q, e) && !is_exact(q, target)) {
			struct cand c = { 0 };

			c.id = target;
			c.score = q->nc ? posting_score(q, lx_get_be32(e)) : (double)lx_get_be32(e + 4);
			(*count)++;
			if (q->verify)
				rc = cand_push(all, &c);
			else
				topk_offer(top, ntop, k, &c);
			if (rc)
				return rc;
		}
		if ((rc = fts_piter_next(&ord[0]->it)))
			return rc;
		if (ord[0]->it.done)
			return 0;
		target = ord[0]->it.id;
	}
}

static void qstate_release(struct qstate *q)
{
	size_t i;

	if (q->t)
		for (i = 0; i < q->nt; i++)
			fts_piter_close(&q->t[i].it);
	free(q->t);
	for (i = 0; i < q->nc; i++)
		free(q->c[i].u);
	free(q->exact);
	fts_units_release(&q->du);
}

void gaz_search_results_free(struct gaz_search_results *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->n; i++) {
		struct gaz_search_hit *h = &r->hits[i];

		free(h->title);
		free(h->doc_no);
		free(h->issuer);
		free(h->published);
		free(h->subject);
		free(h->genre);
		free(h->snippet);
		free(h->plain);
		free(h->spans);
	}
	free(r->hits);
	free(r);
}

static int date_arg(const char *s, uint32_t *out)
{
	if (!s || !*s) {
		*out = 0;
		return 0;
	}
	if (!(*out = fts_date_col(s, strlen(s))))
		return gaz_fail(GAZ_EINVAL, "not a date (YYYY-MM-DD): %s", s);
	return 0;
}

int gaz_search_query(MDB_txn *txn, const struct gaz_search_query *qq,
		     struct gaz_search_results **out)
{
	struct qstate q;
	struct candv all = { 0 };
	struct cand *top = NULL;
	struct gaz_search_results *res = NULL;
	char ft[5][FTS_TERM_MAX];
	size_t fl[5], nf, i, j, k, ntop = 0, limit = qq->limit ? qq->limit : LIMIT_DEFAULT;
	uint64_t count = 0;
	int rc, ret = GAZ_EINTERNAL, exact = 1;

	memset(&q, 0, sizeof q);
	q.txn = txn;
	if ((rc = gaz_dl_m()))
		return rc;
	if (limit > GAZ_SEARCH_PAGE_MAX)
		return gaz_fail(GAZ_EINVAL, "per-page limit over %u", GAZ_SEARCH_PAGE_MAX);
	if (qq->offset > GAZ_SEARCH_DEPTH_MAX - limit)
		return gaz_fail(GAZ_EINVAL, "results beyond the first %u are not served",
				GAZ_SEARCH_DEPTH_MAX);
	k = qq->offset + limit;
	if (!(res = calloc(1, sizeof *res)) || !(q.t = calloc(QT_MAX, sizeof *q.t))) {
		ret = GAZ_ENOMEM;
		goto end;
	}
	res->total_exact = 1;
	if ((ret = date_arg(qq->from, &q.from)) || (ret = date_arg(qq->to, &q.to)))
		goto end;
	if ((unsigned)qq->status > GAZ_ST_EXPIRED) {
		ret = gaz_fail(GAZ_EINVAL, "unknown status");
		goto end;
	}
	q.status = qq->status;
	q.superseded = qq->include_superseded;
	if (qq->text && (ret = parse(&q, qq->text)))
		goto end;
	if (qq->text && *qq->text && !q.nc) {
		ret = gaz_fail(GAZ_EINVAL, "query has no searchable character");
		goto end;
	}
	nf = fts_field_terms(qq->issuer, qq->subject, qq->genre, qq->issue_year,
			     qq->issue_number, ft, fl);
	/* with a number, only the year/number term filters */
	for (i = 0; i < nf; i++) {
		if (qq->issue_number && fl[i] > 2 && ft[i][1] == FIELD_ISSUE && !memchr(ft[i], '/', fl[i]))
			continue;
		if ((ret = add_term(&q, NULL, ft[i], fl[i])))
			goto end;
	}
	q.nreq = q.nt;
	rc = fts_open(txn, 0, &q.d);
	if (rc == GAZ_ENOTFOUND) { /* no index yet: nothing matches */
		*out = res;
		res = NULL;
		ret = 0;
		goto end;
	}
	if (rc || (rc = fts_stats_get(txn, &q.d, &q.st))) {
		ret = rc;
		goto end;
	}
	q.avgdl = q.st.docs ? (double)q.st.tokens / (double)q.st.docs : 1;
	if (q.avgdl < 1)
		q.avgdl = 1;
	for (i = 0; i < q.nt; i++)
		if ((ret = fts_piter_open(txn, q.d.terms, q.t[i].key, q.t[i].len, &q.t[i].it)))
			goto end;
	for (i = 0; i < q.nc; i++) {
		uint64_t df = UINT64_MAX;

		for (j = 0; j < q.c[i].nt; j++)
			if (q.t[q.c[i].terms[j]].it.df < df)
				df = q.t[q.c[i].terms[j]].it.df;
		q.c[i].idf = idf(&q, df == UINT64_MAX ? 0 : df);
	}
	if (k && !(top = malloc(k * sizeof *top))) {
		ret = GAZ_ENOMEM;
		goto end;
	}
	if (q.nc && (ret = exact_pass(&q, qq->text)))
		goto end;
	if ((ret = collect(&q, &all, top, &ntop, k, &count)))
		goto end;
	if (q.verify) {
		/* Best-first over upper bounds: verify until the k-th exact
		 * score beats every remaining bound.  Exact scores never exceed
		 * the bound (a phrase occurs no more often than its rarest
		 * bigram, and the idf is shared). */
		uint64_t verified = 0, rejected = 0;
		size_t n = all.n;

		for (i = n / 2; i-- > 0;)
			sift_down(all.v, n, i, 0);
		while (n) {
			struct cand c = all.v[0];
			const unsigned char *e;
			int ok, final = ntop == k && !better(&c, &top[0]);

			/* the page is settled; verify the rest only to count them */
			if (final && verified + n > GAZ_SEARCH_VERIFY_MAX)
				break;
			all.v[0] = all.v[--n];
			sift_down(all.v, n, 0, 0);
			if ((ret = fts_col_entry(&q, c.id, &e)))
				goto end;
			if ((ret = exact_score(&q, c.id, lx_get_be32(e), &c.score, &ok)))
				goto end;
			verified++;
			if (!ok) {
				rejected++;
				continue;
			}
			topk_offer(top, &ntop, k, &c);
		}
		count -= rejected;
		exact = n == 0;
	}
	/* exact keys last: they rank above every other hit whatever their
	 * full-text score (shown, and ordering them among themselves) */
	for (i = 0; i < q.nexact; i++) {
		struct cand c = { q.exact[i], 0, 1 };
		const unsigned char *e;
		int ok;

		if ((ret = fts_col_entry(&q, c.id, &e)) ||
		    (ret = exact_score(&q, c.id, lx_get_be32(e), &c.score, &ok)))
			goto end;
		topk_offer(top, &ntop, k, &c);
		count++;
	}
	res->total = count;
	res->total_exact = exact;
	qsort(top, ntop, sizeof *top, cmp_best_first);
	if (ntop > qq->offset) {
		res->n = ntop - qq->offset;
		if (!(res->hits = calloc(res->n, sizeof *res->hits))) {
			res->n = 0;
			ret = GAZ_ENOMEM;
			goto end;
		}
		for (i = 0; i < res->n; i++)
			if ((ret = fts_fill_hit(&q, qq, &top[qq->offset + i], &res->hits[i])))
				goto end;
	}
	*out = res;
	res = NULL;
	ret = 0;
end:
	gaz_search_results_free(res);
	free(all.v);
	free(top);
	qstate_release(&q);
	return ret;
}

/*
 * Search fsck: every document's text against its hash, and the postings
 * against the texts.  Each document gets an order-independent checksum of
 * the (term, tf, title) triples its text yields; every posting subtracts
 * its triple from its document's checksum; all must end at zero.  Memory
 * is two words per document, time one pass over each database.
 */
#include "search_int.h"

#include <stdlib.h>
#include <string.h>

struct vdoc {
	uint64_t id, sum;
};

struct vstate {
	struct vdoc *v;
	size_t n, cap;
};

static int vpush(struct vstate *s, uint64_t id, uint64_t sum)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		struct vdoc *v;

		if (cap > SIZE_MAX / sizeof *v || !(v = realloc(s->v, cap * sizeof *v)))
			return GAZ_ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n].id = id;
	s->v[s->n].sum = sum;
	s->n++;
	return 0;
}

static struct vdoc *vfind(struct vstate *s, uint64_t id)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->v[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->n && s->v[lo].id == id ? &s->v[lo] : NULL;
}

static char *dupz(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = 0;
	}
	return d;
}

/* Pass 1: documents, their texts, columns; expected checksums. */
static int check_docs(MDB_txn *txn, const struct fts_dbis *d, struct vstate *vs,
		      uint64_t *tokens)
{
	MDB_cursor *c = NULL;
	MDB_val k, v, ck, cv;
	struct units u = { NULL, 0, 0, GAZ_SEARCH_TEXT_MAX };
	struct termset ts = { 0 };
	char ft[5][FTS_TERM_MAX], *text = NULL, *f[3] = { NULL, NULL, NULL };
	unsigned char ckb[8];
	size_t fl[5], nf, i;
	int rc, op, ret = GAZ_EINTERNAL;

	*tokens = 0;
	if ((rc = mdb_cursor_open(txn, d->docs, &c)))
		return lx_err(rc, FTS_DOCS);
	for (op = MDB_FIRST; !(rc = mdb_cursor_get(c, &k, &v, op)); op = MDB_NEXT) {
		struct rec r;
		uint64_t id, sum = 0;
		const unsigned char *e;

		if (k.mv_size != 8) {
			ret = gaz_fail(GAZ_ECORRUPT, "search: malformed document key");
			goto end;
		}
		id = lx_get_be64(k.mv_data);
		if ((ret = fts_rec_decode(v.mv_data, v.mv_size, &r)) ||
		    (ret = fts_rec_text(&r, id, 1, &text)))
			goto end;
		u.n = 0;
		if ((ret = fts_rec_units(&r, text, &u)) || (ret = fts_termset_build(&ts, &u)))
			goto end;
		if (u.n != r.ntokens) {
			ret = gaz_fail(GAZ_ECORRUPT, "search: document %llu: token count differs",
				       (unsigned long long)id);
			goto end;
		}
		for (i = 0; i < ts.n; i++) {
			const struct ts_ent *t = &ts.tab[ts.used[i]];

			sum += fts_term_hash(t->key, t->len, t->tf, t->title);
		}
		if (!(f[0] = dupz(r.s[R_ISSUER], r.sl[R_ISSUER])) ||
		    !(f[1] = dupz(r.s[R_SUBJECT], r.sl[R_SUBJECT])) ||
		    !(f[2] = dupz(r.s[R_GENRE], r.sl[R_GENRE]))) {
			ret = GAZ_ENOMEM;
			goto end;
		}
		nf = fts_field_terms(f[0], f[1], f[2], r.issue_year, r.issue_number, ft, fl);
		for (i = 0; i < nf; i++)
			sum += fts_term_hash(ft[i], fl[i], 1, 0);
		if (r.version >= FTS_REC_V2) {
			char kt[3][FTS_TERM_MAX];
			size_t kl[3], nk;

			nk = fts_key_terms(r.s[R_DOCNO], r.sl[R_DOCNO], r.s[R_INDEXNO],
					   r.sl[R_INDEXNO], r.s[R_CODE], r.sl[R_CODE], kt, kl);
			for (i = 0; i < nk; i++)
				sum += fts_term_hash(kt[i], kl[i], 1, 0);
		}
		for (i = 0; i < 3; i++) {
			free(f[i]);
			f[i] = NULL;
		}
		/* its column entry */
		lx_put_be64(ckb, id >> FTS_COL_SHIFT);
		ck.mv_size = 8;
		ck.mv_data = ckb;
		if ((rc = mdb_get(txn, d->cols, &ck, &cv)) ||
		    cv.mv_size != FTS_COL_N * FTS_COL_SIZE) {
			ret = gaz_fail(GAZ_ECORRUPT, "search: document %llu has no columns",
				       (unsigned long long)id);
			goto end;
		}
		e = (const unsigned char *)cv.mv_data + (id & (FTS_COL_N - 1)) * FTS_COL_SIZE;
		if (!e[9] || lx_get_be32(e) != r.ntokens || e[8] > GAZ_ST_EXPIRED ||
		    (e[10] & ~FTS_COL_SUPERSEDED) || e[11] ||
		    lx_get_be32(e + 4) != fts_date_col(r.s[R_PUBLISHED], r.sl[R_PUBLISHED])) {
			ret = gaz_fail(GAZ_ECORRUPT, "search: document %llu: columns disagree "
				       "with its record", (unsigned long long)id);
			goto end;
		}
		if ((ret = vpush(vs, id, sum)))
			goto end;
		*tokens += u.n;
		free(text);
		text = NULL;
	}
	ret = rc == MDB_NOTFOUND ? 0 : lx_err(rc, FTS_DOCS);
end:
	for (i = 0; i < 3; i++)
		free(f[i]);
	free(text);
	fts_units_release(&u);
	fts_termset_release(&ts);
	mdb_cursor_close(c);
	return ret;
}

/* Pass 2: every posting block, subtracting from the checksums. */
static int check_terms(MDB_txn *txn, const struct fts_dbis *d, struct vstate *vs,
		       struct gaz_search_check *st)
{
	MDB_cursor *c = NULL;
	MDB_val k, v;
	unsigned char term[FTS_TERM_MAX];
	size_t tlen = 0;
	uint64_t df = 0, seen = 0, last = 0;
	int rc, op, have = 0, ret = GAZ_EINTERNAL;

	if ((rc = mdb_cursor_open(txn, d->terms, &c)))
		return lx_err(rc, FTS_TERMS);
	for (op = MDB_FIRST;; op = MDB_NEXT) {
		const unsigned char *kp, *z, *p, *end;
		uint64_t n, span, x, id, first;
		size_t i;

		rc = mdb_cursor_get(c, &k, &v, op);
		if (rc && rc != MDB_NOTFOUND) {
			ret = lx_err(rc, FTS_TERMS);
			goto end;
		}
		kp = rc ? NULL : k.mv_data;
		z = kp ? memchr(kp, 0, k.mv_size) : NULL;
		if (kp && !z) {
			ret = gaz_fail(GAZ_ECORRUPT, "search: malformed term key");
			goto end;
		}
		if (!kp || (size_t)(z - kp) == k.mv_size - 1) {
			/* a header (or the end) closes the previous term */
			if (have && seen != df) {
				ret = gaz_fail(GAZ_ECORRUPT, "search: term %.*s has %llu postings, "
					       "header says %llu", (int)tlen, term,
					       (unsigned long long)seen, (unsigned long long)df);
				goto end;
			}
			if (!kp)
				break;
			tlen = k.mv_size - 1;
			if (tlen == 0 || tlen > FTS_TERM_MAX) {
				ret = gaz_fail(GAZ_ECORRUPT, "search: malformed term key");
				goto end;
			}
			memcpy(term, kp, tlen);
			p = v.mv_data;
			if (fts_get_varint(&p, p + v.mv_size, &df) || df == 0) {
				ret = gaz_fail(GAZ_ECORRUPT, "search: malformed term header");
				goto end;
			}
			have = 1;
			seen = 0;
			last = 0;
			st->terms++;
			continue;
		}
		if ((size_t)(z - kp) != k.mv_size - 9 || !have || k.mv_size - 9 != tlen ||
		    memcmp(kp, term, tlen)) {
			ret = gaz_fail(GAZ_ECORRUPT, "search: posting block without its term header");
			goto end;
		}
		first = lx_get_be64(kp + tlen + 1);
		if (seen && first <= last) {
			ret = gaz_fail(GAZ_ECORRUPT, "search: term %.*s: blocks overlap", (int)tlen,
				       term);
			goto end;
		}
		p = v.mv_data;
		end = p + v.mv_size;
		if (fts_get_varint(&p, end, &n) || n == 0 || n > GAZ_SEARCH_BLOCK ||
		    fts_get_varint(&p, end, &span))
			goto bad;
		id = first;
		for (i = 0; i < n; i++) {
			uint32_t tf;
			int title;
			struct vdoc *vd;

			if (fts_get_varint(&p, end, &x) || (i == 0 && x >> 2) || (i && !(x >> 2)))
				goto bad;
			id += x >> 2;
			switch (x & 3) {
			case 0: tf = 1; title = 0; break;
			case 1: tf = 1; title = 1; break;
			case 2: tf = 2; title = 0; break;
			default:
				if (fts_get_varint(&p, end, &x) || x >> 33)
					goto bad;
				tf = (uint32_t)(x >> 1);
				title = x & 1;
			}
			if (!(vd = vfind(vs, id))) {
				ret = gaz_fail(GAZ_ECORRUPT, "search: term %.*s names document "
					       "%llu, which is not indexed", (int)tlen, term,
					       (unsigned long long)id);
				goto end;
			}
			vd->sum -= fts_term_hash((const char *)term, tlen, tf, title);
			st->postings++;
		}
		if (p != end || id != first + span)
			goto bad;
		seen += n;
		last = id;
	}
	ret = 0;
	goto end;
bad:
	ret = gaz_fail(GAZ_ECORRUPT, "search: malformed posting block of term %.*s", (int)tlen,
		       term);
end:
	mdb_cursor_close(c);
	return ret;
}

int gaz_search_verify(MDB_txn *txn, struct gaz_search_check *out)
{
	struct gaz_search_check st = { 0 };
	struct fts_dbis d;
	struct fts_stats s;
	struct vstate vs = { 0 };
	uint64_t tokens;
	size_t i;
	int rc, ret;

	rc = fts_open(txn, 0, &d);
	if (rc == GAZ_ENOTFOUND) {
		if (out)
			*out = st;
		return 0;
	}
	if (rc || (rc = fts_stats_get(txn, &d, &s)))
		return rc;
	if ((ret = check_docs(txn, &d, &vs, &tokens)))
		goto end;
	st.docs = vs.n;
	if (s.docs != vs.n || s.tokens != tokens || (vs.n && s.last_id != vs.v[vs.n - 1].id)) {
		ret = gaz_fail(GAZ_ECORRUPT, "search: statistics disagree with the documents");
		goto end;
	}
	if ((ret = check_terms(txn, &d, &vs, &st)))
		goto end;
	for (i = 0; i < vs.n; i++) {
		if (vs.v[i].sum) {
			ret = gaz_fail(GAZ_ECORRUPT, "search: the postings of document %llu do not "
				       "match its text", (unsigned long long)vs.v[i].id);
			goto end;
		}
	}
	if (out)
		*out = st;
	ret = 0;
end:
	free(vs.v);
	return ret;
}

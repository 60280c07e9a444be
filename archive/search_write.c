/*
 * Search writer: tokenises documents, stores their records and columns at
 * once, batches their postings per term in memory and merges the batch
 * into the posting blocks in one sorted pass.
 */
#include "search_int.h"

#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>
#include "gazette/dl/zlib.h"

/* Postings buffered before the writer flushes by itself. */
#define FTS_WRITER_MEM (128u << 20)

struct acc {
	char *term;
	size_t tlen;
	uint32_t hash;
	unsigned char *buf; /* varint(id - previous id) varint(tf << 1 | title) */
	size_t len, cap;
	uint64_t last;
	uint64_t count;
	uint64_t cur;       /* document being added, its tf and title flag */
	uint32_t cur_tf;
	uint8_t cur_title;
};

/* A slot: the hash beside the pointer, so probing rarely touches an acc. */
struct slot {
	uint64_t key8;      /* a term of ≤ 8 bytes (CJK unigrams, bigrams), zero-padded */
	uint32_t hash;
	uint8_t len;
	struct acc *a;
};

struct gaz_search_writer {
	MDB_txn *txn;
	struct fts_dbis d;
	struct fts_stats st;
	struct slot *tab;   /* open addressing */
	size_t cap, n;
	struct acc **touched; /* accs of the document being added */
	size_t ntouched, touched_cap;
	size_t mem;
	struct units u;
	unsigned char col[FTS_COL_N * FTS_COL_SIZE];
	struct gaz_buf rec;
	unsigned char *z;
	size_t zcap;
	struct posting *merge;
	size_t merge_cap;
};

static uint32_t hash_term(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	/* murmur3's finaliser: FNV's low bits alone cluster on UTF-8 */
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	return h ^ (h >> 16);
}

int gaz_search_writer_new(MDB_txn *txn, struct gaz_search_writer **out)
{
	struct gaz_search_writer *w = calloc(1, sizeof *w);
	int rc;

	if (!w)
		return GAZ_ENOMEM;
	w->txn = txn;
	w->u.max = GAZ_SEARCH_TEXT_MAX;
	gaz_buf_init(&w->rec, GAZ_SEARCH_TEXT_MAX + 16 * GAZ_SEARCH_FIELD_MAX);
	if ((rc = fts_open(txn, 1, &w->d)) || (rc = fts_stats_get(txn, &w->d, &w->st))) {
		gaz_search_writer_free(w);
		return rc;
	}
	*out = w;
	return 0;
}

static void drop_batch(struct gaz_search_writer *w)
{
	size_t i;

	for (i = 0; i < w->cap; i++) {
		if (w->tab[i].a) {
			free(w->tab[i].a->term);
			free(w->tab[i].a->buf);
			free(w->tab[i].a);
			w->tab[i].a = NULL;
		}
	}
	w->n = 0;
	w->mem = 0;
}

void gaz_search_writer_free(struct gaz_search_writer *w)
{
	if (!w)
		return;
	drop_batch(w);
	free(w->tab);
	free(w->touched);
	fts_units_release(&w->u);
	gaz_buf_release(&w->rec);
	free(w->z);
	free(w->merge);
	free(w);
}

static int grow_table(struct gaz_search_writer *w)
{
	size_t cap = w->cap ? w->cap * 2 : 4096, i, j;
	struct slot *tab = calloc(cap, sizeof *tab);

	if (!tab)
		return GAZ_ENOMEM;
	for (i = 0; i < w->cap; i++) {
		if (!w->tab[i].a)
			continue;
		for (j = w->tab[i].hash & (cap - 1); tab[j].a; j = (j + 1) & (cap - 1))
			;
		tab[j] = w->tab[i];
	}
	free(w->tab);
	w->tab = tab;
	w->cap = cap;
	return 0;
}

/* Counts one occurrence of a term in document id. */
static int acc_touch(struct gaz_search_writer *w, const char *term, size_t tlen, uint64_t id,
		     int title)
{
	uint32_t h = hash_term(term, tlen);
	uint64_t k8 = 0;
	struct acc *a = NULL;
	size_t i;

	if (w->n * 2 >= w->cap && grow_table(w))
		return GAZ_ENOMEM;
	if (tlen <= 8)
		memcpy(&k8, term, tlen);
	for (i = h & (w->cap - 1); w->tab[i].a; i = (i + 1) & (w->cap - 1)) {
		const struct slot *sl = &w->tab[i];

		if (sl->hash != h || sl->len != (tlen > 255 ? 255 : tlen) || sl->key8 != k8)
			continue;
		if (tlen <= 8 || (sl->a->tlen == tlen && !memcmp(sl->a->term, term, tlen))) {
			a = sl->a;
			break;
		}
	}
	if (!a) {
		if (!(a = calloc(1, sizeof *a)) || !(a->term = malloc(tlen))) {
			free(a);
			return GAZ_ENOMEM;
		}
		memcpy(a->term, term, tlen);
		a->tlen = tlen;
		a->hash = h;
		w->tab[i].hash = h;
		w->tab[i].key8 = k8;
		w->tab[i].len = (uint8_t)(tlen > 255 ? 255 : tlen);
		w->tab[i].a = a;
		w->n++;
		w->mem += sizeof *a + tlen + 32;
	}
	if (a->cur == id) {
		a->cur_tf++;
		a->cur_title |= (uint8_t)title;
		return 0;
	}
	if (w->ntouched == w->touched_cap) {
		size_t cap = w->touched_cap ? w->touched_cap * 2 : 1024;
		struct acc **t = realloc(w->touched, cap * sizeof *t);

		if (!t)
			return GAZ_ENOMEM;
		w->touched = t;
		w->touched_cap = cap;
	}
	w->touched[w->ntouched++] = a;
	a->cur = id;
	a->cur_tf = 1;
	a->cur_title = (uint8_t)title;
	return 0;
}

/* Appends the postings of the document whose terms were touched. */
static int acc_commit(struct gaz_search_writer *w)
{
	size_t i;

	for (i = 0; i < w->ntouched; i++) {
		struct acc *a = w->touched[i];

		if (a->len + 20 > a->cap) {
			size_t cap = a->cap ? a->cap * 2 : 16;
			unsigned char *b = realloc(a->buf, cap);

			if (!b)
				return GAZ_ENOMEM;
			w->mem += cap - a->cap;
			a->buf = b;
			a->cap = cap;
		}
		a->len += fts_put_varint(a->buf + a->len, a->cur - a->last);
		a->len += fts_put_varint(a->buf + a->len, (uint64_t)a->cur_tf << 1 | a->cur_title);
		a->last = a->cur;
		a->count++;
	}
	w->ntouched = 0;
	return 0;
}

/* ---- columns --------------------------------------------------------------- */

static int col_load(MDB_txn *txn, MDB_dbi cols, uint64_t key, unsigned char *col)
{
	unsigned char kb[8];
	MDB_val k = { 8, kb }, v;
	int rc;

	lx_put_be64(kb, key);
	rc = mdb_get(txn, cols, &k, &v);
	if (rc == MDB_NOTFOUND) {
		memset(col, 0, FTS_COL_N * FTS_COL_SIZE);
		return 0;
	}
	if (rc)
		return lx_err(rc, FTS_COLS);
	if (v.mv_size != FTS_COL_N * FTS_COL_SIZE)
		return gaz_fail(GAZ_ECORRUPT, "search: malformed column block");
	memcpy(col, v.mv_data, v.mv_size);
	return 0;
}

/* Read-modify-write of one entry, no caching: gaz_search_set_status and
 * gaz_search_supersede may change the same block between two adds. */
static int col_set(struct gaz_search_writer *w, uint64_t id, uint32_t ntokens,
		   uint32_t published, uint8_t status)
{
	unsigned char *e, kb[8];
	MDB_val k = { 8, kb }, v = { sizeof w->col, w->col };
	int rc;

	if ((rc = col_load(w->txn, w->d.cols, id >> FTS_COL_SHIFT, w->col)))
		return rc;
	e = w->col + (id & (FTS_COL_N - 1)) * FTS_COL_SIZE;
	lx_put_be32(e, ntokens);
	lx_put_be32(e + 4, published);
	e[8] = status;
	e[9] = 1;
	e[10] = e[11] = 0;
	lx_put_be64(kb, id >> FTS_COL_SHIFT);
	if ((rc = mdb_put(w->txn, w->d.cols, &k, &v, 0)))
		return lx_err(rc, FTS_COLS);
	return 0;
}

/* ---- records ------------------------------------------------------------------ */

static int add_field(struct gaz_buf *b, const char *s)
{
	unsigned char vb[10];
	size_t n = s ? strlen(s) : 0;
	int rc;

	if ((rc = gaz_buf_add(b, vb, fts_put_varint(vb, n))))
		return rc;
	return n ? gaz_buf_add(b, s, n) : 0;
}

static int put_record(struct gaz_search_writer *w, const struct gaz_search_doc *doc,
		      uint32_t ntokens)
{
	unsigned char hdr[2 + 16 + 32], kb[8];
	const char *fields[FTS_REC_NF] = { doc->title, doc->doc_no, doc->issuer, doc->subject,
					   doc->genre, doc->written, doc->published,
					   doc->index_no, doc->code };
	uLongf zn;
	MDB_val k = { 8, kb }, v;
	int i, rc;

	gaz_buf_reset(&w->rec);
	hdr[0] = FTS_REC_V2;
	hdr[1] = (unsigned char)doc->status;
	lx_put_be32(hdr + 2, doc->issue_year);
	lx_put_be32(hdr + 6, doc->issue_number);
	lx_put_be32(hdr + 10, ntokens);
	lx_put_be32(hdr + 14, (uint32_t)doc->text_len);
	SHA256((const unsigned char *)(doc->text ? doc->text : ""), doc->text_len, hdr + 18);
	if ((rc = gaz_buf_add(&w->rec, hdr, sizeof hdr)))
		return rc;
	for (i = 0; i < FTS_REC_NF; i++)
		if ((rc = add_field(&w->rec, fields[i])))
			return rc;
	if (doc->text_len) {
		if ((rc = gaz_dl_zlib()))
			return rc;
		zn = compressBound(doc->text_len);
		if (zn > w->zcap) {
			unsigned char *z = realloc(w->z, zn);

			if (!z)
				return GAZ_ENOMEM;
			w->z = z;
			w->zcap = zn;
		}
		if (compress2(w->z, &zn, (const Bytef *)doc->text, doc->text_len,
			      Z_BEST_SPEED) != Z_OK)
			return gaz_fail(GAZ_EINTERNAL, "search: deflate failed");
		if ((rc = gaz_buf_add(&w->rec, w->z, zn)))
			return rc;
	}
	lx_put_be64(kb, doc->id);
	v.mv_size = w->rec.len;
	v.mv_data = w->rec.data;
	if ((rc = mdb_put(w->txn, w->d.docs, &k, &v, MDB_APPEND)))
		return rc == MDB_KEYEXIST ? gaz_fail(GAZ_EEXIST, "search: document %llu exists",
						     (unsigned long long)doc->id)
					  : lx_err(rc, FTS_DOCS);
	return 0;
}

static size_t slen(const char *s)
{
	return s ? strlen(s) : 0;
}

static int check_field(const char *name, const char *s)
{
	size_t n, bad;

	if (!s)
		return 0;
	n = strlen(s);
	if (n > GAZ_SEARCH_FIELD_MAX)
		return gaz_fail(GAZ_ETOOBIG, "search: %s longer than %u bytes", name,
				GAZ_SEARCH_FIELD_MAX);
	if (gaz_utf8_validate((const unsigned char *)s, n, &bad))
		return gaz_fail(GAZ_EFORMAT, "search: %s is not UTF-8", name);
	return 0;
}

int gaz_search_writer_add(struct gaz_search_writer *w, const struct gaz_search_doc *doc)
{
	char fterms[5][FTS_TERM_MAX], kterms[3][FTS_TERM_MAX];
	size_t flens[5], klens[3], nf, nk, i, bad;
	uint64_t tokens;
	int rc;

	if (doc->id == 0 || doc->id <= w->st.last_id)
		return gaz_fail(GAZ_EINVAL, "search: document id %llu not above the last "
				"indexed %llu", (unsigned long long)doc->id,
				(unsigned long long)w->st.last_id);
	if (doc->text_len > GAZ_SEARCH_TEXT_MAX)
		return gaz_fail(GAZ_ETOOBIG, "search: text longer than %u bytes",
				GAZ_SEARCH_TEXT_MAX);
	if (doc->text_len && (!doc->text || gaz_utf8_validate((const unsigned char *)doc->text,
							      doc->text_len, &bad)))
		return gaz_fail(GAZ_EFORMAT, "search: text is not UTF-8");
	if ((rc = check_field("title", doc->title)) || (rc = check_field("doc_no", doc->doc_no)) ||
	    (rc = check_field("index_no", doc->index_no)) || (rc = check_field("code", doc->code)) ||
	    (rc = check_field("issuer", doc->issuer)) ||
	    (rc = check_field("subject", doc->subject)) ||
	    (rc = check_field("genre", doc->genre)) ||
	    (rc = check_field("written", doc->written)) ||
	    (rc = check_field("published", doc->published)))
		return rc;
	if ((unsigned)doc->status > GAZ_ST_EXPIRED)
		return gaz_fail(GAZ_EINVAL, "search: unknown status %d", (int)doc->status);

	w->u.n = 0;
	if ((rc = fts_tokenize_doc(&w->u, doc->title, slen(doc->title), doc->doc_no,
				   slen(doc->doc_no), doc->index_no, slen(doc->index_no),
				   doc->text, doc->text_len)))
		return rc;
	w->ntouched = 0;
	for (i = 0; i < w->u.n; i++) {
		const struct unit *x = &w->u.v[i];

		if ((rc = acc_touch(w, x->key, x->len, doc->id, x->title != ZONE_BODY)))
			goto fail;
		if (x->joined) {
			const struct unit *p = x - 1;
			char bi[8];

			memcpy(bi, p->key, p->len);
			memcpy(bi + p->len, x->key, x->len);
			/* a bigram is in the title only if both halves are */
			if ((rc = acc_touch(w, bi, (size_t)p->len + x->len, doc->id,
					    x->title && p->title)))
				goto fail;
		}
	}
	nf = fts_field_terms(doc->issuer, doc->subject, doc->genre, doc->issue_year,
			     doc->issue_number, fterms, flens);
	for (i = 0; i < nf; i++)
		if ((rc = acc_touch(w, fterms[i], flens[i], doc->id, 0)))
			goto fail;
	nk = fts_key_terms(doc->doc_no, slen(doc->doc_no), doc->index_no, slen(doc->index_no),
			   doc->code, slen(doc->code), kterms, klens);
	for (i = 0; i < nk; i++)
		if ((rc = acc_touch(w, kterms[i], klens[i], doc->id, 0)))
			goto fail;
	if ((rc = acc_commit(w)))
		return rc;
	if ((rc = put_record(w, doc, (uint32_t)w->u.n)) ||
	    (rc = col_set(w, doc->id, (uint32_t)w->u.n,
			  fts_date_col(doc->published, doc->published ? strlen(doc->published) : 0),
			  (uint8_t)doc->status)))
		return rc;
	tokens = w->st.tokens + w->u.n;
	w->st.docs++;
	w->st.tokens = tokens;
	w->st.last_id = doc->id;
	if (w->mem > FTS_WRITER_MEM)
		return gaz_search_writer_flush(w);
	return 0;
fail:
	/* forget the half-counted document: its terms must not leak into the
	 * next one's postings */
	for (i = 0; i < w->ntouched; i++)
		w->touched[i]->cur = 0;
	w->ntouched = 0;
	return rc;
}

/* ---- flush ------------------------------------------------------------------------ */

static int cmp_acc(const void *a, const void *b)
{
	const struct acc *x = *(struct acc *const *)a, *y = *(struct acc *const *)b;
	size_t n = x->tlen < y->tlen ? x->tlen : y->tlen;
	int c = memcmp(x->term, y->term, n);

	return c ? c : (x->tlen > y->tlen) - (x->tlen < y->tlen);
}

static int merge_room(struct gaz_search_writer *w, size_t n)
{
	struct posting *m;

	if (n <= w->merge_cap)
		return 0;
	if (n > SIZE_MAX / sizeof *m || !(m = realloc(w->merge, n * sizeof *m)))
		return GAZ_ENOMEM;
	w->merge = m;
	w->merge_cap = n;
	return 0;
}

/* Decodes one stored block of the term a into out (≤ GAZ_SEARCH_BLOCK). */
static int decode_block(const struct acc *a, const MDB_val *k, const MDB_val *v,
			struct posting *out, size_t *n)
{
	const unsigned char *p = v->mv_data, *end = p + v->mv_size;
	uint64_t id = lx_get_be64((const unsigned char *)k->mv_data + a->tlen + 1);
	uint64_t cnt, span, x, d;
	size_t i;

	if (fts_get_varint(&p, end, &cnt) || cnt == 0 || cnt > GAZ_SEARCH_BLOCK ||
	    fts_get_varint(&p, end, &span))
		goto bad;
	for (i = 0; i < cnt; i++) {
		if (fts_get_varint(&p, end, &x))
			goto bad;
		id += x >> 2;
		out[i].id = id;
		switch (x & 3) {
		case 0: out[i].tf = 1; out[i].title = 0; break;
		case 1: out[i].tf = 1; out[i].title = 1; break;
		case 2: out[i].tf = 2; out[i].title = 0; break;
		default:
			if (fts_get_varint(&p, end, &d) || d >> 33)
				goto bad;
			out[i].tf = (uint32_t)(d >> 1);
			out[i].title = d & 1;
		}
	}
	*n = (size_t)cnt;
	return 0;
bad:
	return gaz_fail(GAZ_ECORRUPT, "search: malformed posting block of term %.*s",
			(int)a->tlen, a->term);
}

static int flush_term(struct gaz_search_writer *w, MDB_cursor *c, const struct acc *a)
{
	unsigned char key[FTS_TERM_MAX + 9], blk[24 + GAZ_SEARCH_BLOCK * 24], vb[10];
	MDB_val k, v;
	uint64_t df = 0, id;
	size_t n = 0, i, off;
	const unsigned char *p, *end;
	int rc;

	memcpy(key, a->term, a->tlen);
	key[a->tlen] = 0;
	k.mv_size = a->tlen + 1;
	k.mv_data = key;
	rc = mdb_get(w->txn, w->d.terms, &k, &v);
	if (rc && rc != MDB_NOTFOUND)
		return lx_err(rc, FTS_TERMS);
	if (!rc) {
		p = v.mv_data;
		if (fts_get_varint(&p, p + v.mv_size, &df))
			return gaz_fail(GAZ_ECORRUPT, "search: malformed term header");
	}
	if ((rc = merge_room(w, GAZ_SEARCH_BLOCK + a->count)))
		return rc;
	if (df) {
		/* the term's last block: just before term || 0x01 */
		key[a->tlen] = 1;
		k.mv_size = a->tlen + 1;
		k.mv_data = key;
		rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
		rc = mdb_cursor_get(c, &k, &v, rc == MDB_NOTFOUND ? MDB_LAST : MDB_PREV);
		if (rc)
			return lx_err(rc, FTS_TERMS);
		key[a->tlen] = 0;
		if (k.mv_size != a->tlen + 9 || memcmp(k.mv_data, key, a->tlen + 1))
			return gaz_fail(GAZ_ECORRUPT, "search: term header without blocks");
		if ((rc = decode_block(a, &k, &v, w->merge, &n)))
			return rc;
		if (n == GAZ_SEARCH_BLOCK)
			n = 0; /* full: start a new block */
	}
	p = a->buf;
	end = a->buf + a->len;
	id = 0;
	for (i = 0; i < a->count; i++) {
		uint64_t d, x;

		if (fts_get_varint(&p, end, &d) || fts_get_varint(&p, end, &x))
			return gaz_fail(GAZ_EINTERNAL, "search: batch corrupted");
		id += d;
		w->merge[n].id = id;
		w->merge[n].tf = (uint32_t)(x >> 1);
		w->merge[n].title = x & 1;
		n++;
	}
	for (off = 0; off < n; off += GAZ_SEARCH_BLOCK) {
		size_t cnt = n - off < GAZ_SEARCH_BLOCK ? n - off : GAZ_SEARCH_BLOCK;

		memcpy(key, a->term, a->tlen);
		key[a->tlen] = 0;
		lx_put_be64(key + a->tlen + 1, w->merge[off].id);
		k.mv_size = a->tlen + 9;
		k.mv_data = key;
		v.mv_size = fts_block_encode(w->merge + off, cnt, blk);
		v.mv_data = blk;
		if ((rc = mdb_cursor_put(c, &k, &v, 0)))
			return lx_err(rc, FTS_TERMS);
	}
	key[a->tlen] = 0;
	k.mv_size = a->tlen + 1;
	k.mv_data = key;
	v.mv_size = fts_put_varint(vb, df + a->count);
	v.mv_data = vb;
	if ((rc = mdb_cursor_put(c, &k, &v, 0)))
		return lx_err(rc, FTS_TERMS);
	return 0;
}

int gaz_search_writer_flush(struct gaz_search_writer *w)
{
	struct acc **list = NULL;
	MDB_cursor *c = NULL;
	size_t i, n = 0;
	int rc, ret = GAZ_EINTERNAL;

	if ((rc = fts_stats_put(w->txn, &w->d, &w->st)))
		return rc;
	if (!w->n)
		return 0;
	if (!(list = malloc(w->n * sizeof *list))) {
		ret = GAZ_ENOMEM;
		goto end;
	}
	for (i = 0; i < w->cap; i++)
		if (w->tab[i].a)
			list[n++] = w->tab[i].a;
	qsort(list, n, sizeof *list, cmp_acc);
	if ((rc = mdb_cursor_open(w->txn, w->d.terms, &c))) {
		ret = lx_err(rc, FTS_TERMS);
		goto end;
	}
	for (i = 0; i < n; i++)
		if ((ret = flush_term(w, c, list[i])))
			goto end;
	drop_batch(w);
	ret = 0;
end:
	if (c)
		mdb_cursor_close(c);
	free(list);
	return ret;
}

int gaz_search_add(MDB_txn *txn, const struct gaz_search_doc *doc)
{
	struct gaz_search_writer *w = NULL;
	int rc;

	if ((rc = gaz_search_writer_new(txn, &w)) || (rc = gaz_search_writer_add(w, doc)) ||
	    (rc = gaz_search_writer_flush(w))) {
		gaz_search_writer_free(w);
		return rc;
	}
	gaz_search_writer_free(w);
	return 0;
}

/* Changes byte `at` of a document's column entry to value (| when or). */
static int col_update(MDB_txn *txn, uint64_t id, int at, unsigned char value, int or)
{
	struct fts_dbis d;
	unsigned char col[FTS_COL_N * FTS_COL_SIZE], kb[8], *e;
	MDB_val k = { 8, kb }, v = { sizeof col, col };
	int rc;

	if ((rc = fts_open(txn, 0, &d)))
		return rc == GAZ_ENOTFOUND ? gaz_fail(GAZ_ENOTFOUND, "search: document %llu is "
						      "not indexed", (unsigned long long)id) : rc;
	if ((rc = col_load(txn, d.cols, id >> FTS_COL_SHIFT, col)))
		return rc;
	e = col + (id & (FTS_COL_N - 1)) * FTS_COL_SIZE;
	if (!e[9])
		return gaz_fail(GAZ_ENOTFOUND, "search: document %llu is not indexed",
				(unsigned long long)id);
	e[at] = or ? (unsigned char)(e[at] | value) : value;
	lx_put_be64(kb, id >> FTS_COL_SHIFT);
	if ((rc = mdb_put(txn, d.cols, &k, &v, 0)))
		return lx_err(rc, FTS_COLS);
	return 0;
}

int gaz_search_set_status(MDB_txn *txn, uint64_t id, enum gaz_search_status st)
{
	if ((unsigned)st > GAZ_ST_EXPIRED)
		return gaz_fail(GAZ_EINVAL, "search: unknown status %d", (int)st);
	return col_update(txn, id, 8, (unsigned char)st, 0);
}

int gaz_search_supersede(MDB_txn *txn, uint64_t id)
{
	return col_update(txn, id, 10, FTS_COL_SUPERSEDED, 1);
}

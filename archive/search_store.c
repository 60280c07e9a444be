/*
 * Search storage: the databases, statistics, posting blocks and their
 * iterator, document records.
 */
#include "search_int.h"
#include "gazette/text.h"

#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>
#include "gazette/dl/zlib.h"

int fts_open(MDB_txn *txn, int create, struct fts_dbis *d)
{
	int rc;

	if ((rc = lx_dbi(txn, FTS_TERMS, create, &d->terms)) ||
	    (rc = lx_dbi(txn, FTS_DOCS, create, &d->docs)) ||
	    (rc = lx_dbi(txn, FTS_COLS, create, &d->cols)) ||
	    (rc = lx_dbi(txn, FTS_INFO, create, &d->info)))
		return rc;
	return 0;
}

int gaz_search_init(MDB_txn *txn)
{
	struct fts_dbis d;

	return fts_open(txn, 1, &d);
}

int fts_stats_get(MDB_txn *txn, const struct fts_dbis *d, struct fts_stats *st)
{
	MDB_val k = { 5, "stats" }, v;
	int rc = mdb_get(txn, d->info, &k, &v);

	if (rc == MDB_NOTFOUND) {
		memset(st, 0, sizeof *st);
		return 0;
	}
	if (rc)
		return lx_err(rc, FTS_INFO);
	if (v.mv_size != 24)
		return gaz_fail(GAZ_ECORRUPT, "search: malformed statistics");
	st->docs = lx_get_be64(v.mv_data);
	st->tokens = lx_get_be64((unsigned char *)v.mv_data + 8);
	st->last_id = lx_get_be64((unsigned char *)v.mv_data + 16);
	return 0;
}

int fts_stats_put(MDB_txn *txn, const struct fts_dbis *d, const struct fts_stats *st)
{
	unsigned char b[24];
	MDB_val k = { 5, "stats" }, v = { sizeof b, b };
	int rc;

	lx_put_be64(b, st->docs);
	lx_put_be64(b + 8, st->tokens);
	lx_put_be64(b + 16, st->last_id);
	if ((rc = mdb_put(txn, d->info, &k, &v, 0)))
		return lx_err(rc, FTS_INFO);
	return 0;
}

uint32_t fts_date_col(const char *s, size_t n)
{
	char buf[16];
	long days;

	if (!s || n != 10)
		return 0;
	memcpy(buf, s, 10);
	buf[10] = 0;
	if (gaz_text_parse_date(buf, &days))
		return 0;
	return (uint32_t)((int64_t)days + (INT64_C(1) << 31));
}

/* ---- posting blocks ---------------------------------------------------- */

size_t fts_block_encode(const struct posting *p, size_t n, unsigned char *out)
{
	size_t o = 0, i;
	uint64_t prev = p[0].id;

	o += fts_put_varint(out + o, n);
	o += fts_put_varint(out + o, p[n - 1].id - p[0].id);
	for (i = 0; i < n; i++) {
		uint64_t d = p[i].id - prev, code;

		prev = p[i].id;
		if (p[i].tf == 1)
			code = p[i].title ? 1 : 0;
		else if (p[i].tf == 2 && !p[i].title)
			code = 2;
		else
			code = 3;
		o += fts_put_varint(out + o, d << 2 | code);
		if (code == 3)
			o += fts_put_varint(out + o, (uint64_t)p[i].tf << 1 | p[i].title);
	}
	return o;
}

static int is_block(const struct piter *it, const MDB_val *k)
{
	return k->mv_size == it->tlen + 9 && !memcmp(k->mv_data, it->key, it->tlen + 1);
}

static int bad_block(const struct piter *it)
{
	return gaz_fail(GAZ_ECORRUPT, "search: malformed posting block of term %.*s",
			(int)it->tlen, (const char *)it->key);
}

static int decode_one(struct piter *it)
{
	uint64_t v, x;

	if (fts_get_varint(&it->p, it->end, &v))
		return bad_block(it);
	it->id += v >> 2;
	switch (v & 3) {
	case 0: it->tf = 1; it->title = 0; break;
	case 1: it->tf = 1; it->title = 1; break;
	case 2: it->tf = 2; it->title = 0; break;
	default:
		if (fts_get_varint(&it->p, it->end, &x) || x >> 33)
			return bad_block(it);
		it->tf = (uint32_t)(x >> 1);
		it->title = x & 1;
	}
	it->left--;
	if (it->id > it->block_last || (it->left == 0 && it->id != it->block_last))
		return bad_block(it);
	return 0;
}

/* Loads the block at the cursor and decodes its first posting. */
static int load_block(struct piter *it, const MDB_val *k, const MDB_val *v)
{
	uint64_t n, span, first = lx_get_be64((const unsigned char *)k->mv_data + it->tlen + 1);

	it->p = v->mv_data;
	it->end = it->p + v->mv_size;
	if (fts_get_varint(&it->p, it->end, &n) || n == 0 || n > GAZ_SEARCH_BLOCK ||
	    fts_get_varint(&it->p, it->end, &span) || span > UINT64_MAX - first)
		return bad_block(it);
	it->left = n;
	it->block_last = first + span;
	it->id = first;
	return decode_one(it);
}

static int next_block(struct piter *it)
{
	MDB_val k, v;
	int rc = mdb_cursor_get(it->cur, &k, &v, MDB_NEXT);

	if (rc == MDB_NOTFOUND || (!rc && !is_block(it, &k))) {
		it->done = 1;
		return 0;
	}
	if (rc)
		return lx_err(rc, FTS_TERMS);
	return load_block(it, &k, &v);
}

int fts_piter_next(struct piter *it)
{
	if (it->done)
		return 0;
	if (it->left)
		return decode_one(it);
	return next_block(it);
}

int fts_piter_open(MDB_txn *txn, MDB_dbi terms, const char *term, size_t tlen,
		   struct piter *it)
{
	MDB_val k, v;
	const unsigned char *p;
	int rc;

	memset(it, 0, sizeof *it);
	if (tlen > FTS_TERM_MAX)
		return gaz_fail(GAZ_EINVAL, "search term too long");
	memcpy(it->key, term, tlen);
	it->key[tlen] = 0;
	it->tlen = tlen;
	k.mv_size = tlen + 1;
	k.mv_data = it->key;
	rc = mdb_get(txn, terms, &k, &v);
	if (rc == MDB_NOTFOUND) {
		it->done = 1;
		return 0;
	}
	if (rc)
		return lx_err(rc, FTS_TERMS);
	p = v.mv_data;
	if (fts_get_varint(&p, p + v.mv_size, &it->df) || it->df == 0)
		return bad_block(it);
	if ((rc = mdb_cursor_open(txn, terms, &it->cur)))
		return lx_err(rc, FTS_TERMS);
	memset(it->key + tlen + 1, 0, 8);
	k.mv_size = tlen + 9;
	k.mv_data = it->key;
	rc = mdb_cursor_get(it->cur, &k, &v, MDB_SET_RANGE);
	if (rc == MDB_NOTFOUND || (!rc && !is_block(it, &k)))
		return bad_block(it); /* a header without blocks */
	if (rc)
		return lx_err(rc, FTS_TERMS);
	return load_block(it, &k, &v);
}

int fts_piter_seek(struct piter *it, uint64_t target)
{
	MDB_val k, v;
	int rc;

	if (it->done || it->id >= target)
		return 0;
	if (target > it->block_last) {
		lx_put_be64(it->key + it->tlen + 1, target);
		k.mv_size = it->tlen + 9;
		k.mv_data = it->key;
		rc = mdb_cursor_get(it->cur, &k, &v, MDB_SET_RANGE);
		if (!rc && is_block(it, &k) &&
		    lx_get_be64((unsigned char *)k.mv_data + it->tlen + 1) == target)
			return load_block(it, &k, &v);
		/* The block before the first one starting after target is the
		 * last that starts before it: ours or a later one of ours. */
		rc = mdb_cursor_get(it->cur, &k, &v, rc == MDB_NOTFOUND ? MDB_LAST : MDB_PREV);
		if (rc)
			return lx_err(rc, FTS_TERMS);
		if (!is_block(it, &k))
			return bad_block(it);
		if ((rc = load_block(it, &k, &v)))
			return rc;
	}
	while (!it->done && it->id < target) {
		if (target > it->block_last) {
			it->left = 0;
			if ((rc = next_block(it)))
				return rc;
		} else if ((rc = decode_one(it))) {
			return rc;
		}
	}
	return 0;
}

void fts_piter_close(struct piter *it)
{
	if (it->cur)
		mdb_cursor_close(it->cur);
	it->cur = NULL;
}

/* ---- records ------------------------------------------------------------- */

int fts_rec_decode(const void *p, size_t n, struct rec *r)
{
	struct gaz_rd rd;
	const unsigned char *q;
	uint8_t ver;
	int i;

	memset(r, 0, sizeof *r);
	gaz_rd_init(&rd, p, n);
	if (gaz_rd_byte(&rd, &ver) || ver < FTS_REC_V1 || ver > FTS_REC_V2 ||
	    gaz_rd_byte(&rd, &r->status) ||
	    gaz_rd_take(&rd, 16 + 32, &q))
		return gaz_fail(GAZ_ECORRUPT, "search: malformed document record");
	r->issue_year = lx_get_be32(q);
	r->issue_number = lx_get_be32(q + 4);
	r->ntokens = lx_get_be32(q + 8);
	r->text_len = lx_get_be32(q + 12);
	memcpy(r->sha256, q + 16, 32);
	r->version = ver;
	for (i = 0; i < (ver == FTS_REC_V1 ? 7 : FTS_REC_NF); i++) {
		uint64_t len;
		const unsigned char *s = rd.p + rd.pos;

		if (fts_get_varint(&s, rd.p + rd.len, &len) || len > GAZ_SEARCH_FIELD_MAX ||
		    gaz_rd_seek(&rd, (size_t)(s - rd.p)) || gaz_rd_take(&rd, (size_t)len, &q))
			return gaz_fail(GAZ_ECORRUPT, "search: malformed document record");
		r->s[i] = (const char *)q;
		r->sl[i] = (size_t)len;
	}
	if (r->text_len > GAZ_SEARCH_TEXT_MAX)
		return gaz_fail(GAZ_ECORRUPT, "search: malformed document record");
	r->z = rd.p + rd.pos;
	r->zlen = gaz_rd_left(&rd);
	return 0;
}

int fts_rec_text(const struct rec *r, uint64_t id, int check, char **text)
{
	uLongf n = r->text_len;
	unsigned char h[32];
	char *t;
	int rc;

	if (r->text_len && (rc = gaz_dl_zlib()))
		return rc;
	if (!(t = malloc((size_t)r->text_len + 1)))
		return GAZ_ENOMEM;
	if (r->text_len && (uncompress((Bytef *)t, &n, r->z, r->zlen) != Z_OK ||
			    n != r->text_len)) {
		free(t);
		return gaz_fail(GAZ_ECORRUPT, "search: document %llu: stored text does not "
				"inflate", (unsigned long long)id);
	}
	t[r->text_len] = 0;
	if (check)
		SHA256((unsigned char *)t, r->text_len, h);
	if (check && memcmp(h, r->sha256, 32)) {
		free(t);
		return gaz_fail(GAZ_ECORRUPT, "search: document %llu: stored text does not "
				"match its SHA-256", (unsigned long long)id);
	}
	*text = t;
	return 0;
}

int gaz_search_doc_text(MDB_txn *txn, uint64_t id, char **text, size_t *len)
{
	struct fts_dbis d;
	struct rec r;
	unsigned char kb[8];
	MDB_val k = { 8, kb }, v;
	char *t;
	int rc;

	if ((rc = fts_open(txn, 0, &d)))
		return rc;
	lx_put_be64(kb, id);
	if ((rc = mdb_get(txn, d.docs, &k, &v)))
		return lx_err(rc, FTS_DOCS);
	if ((rc = fts_rec_decode(v.mv_data, v.mv_size, &r)) || (rc = fts_rec_text(&r, id, 1, &t)))
		return rc;
	*text = t;
	if (len)
		*len = r.text_len;
	return 0;
}

enum gaz_search_status gaz_search_status_parse(const char *s)
{
	if (!s)
		return GAZ_ST_UNKNOWN;
	if (!strcmp(s, "有效"))
		return GAZ_ST_VALID;
	if (!strcmp(s, "已修改"))
		return GAZ_ST_AMENDED;
	if (!strcmp(s, "废止"))
		return GAZ_ST_REPEALED;
	if (!strcmp(s, "失效"))
		return GAZ_ST_EXPIRED;
	return GAZ_ST_UNKNOWN;
}

const char *gaz_search_status_name(enum gaz_search_status st)
{
	switch (st) {
	case GAZ_ST_VALID: return "有效";
	case GAZ_ST_AMENDED: return "已修改";
	case GAZ_ST_REPEALED: return "废止";
	case GAZ_ST_EXPIRED: return "失效";
	default: return "";
	}
}

/*
 * Search tokens: normalisation, units (CJK characters and ASCII words),
 * the distinct terms of a document, field terms.
 */
#include "search_int.h"
#include "gazette/text.h"

#include <stdio.h>

#include <stdlib.h>
#include <string.h>

static int is_cjk(uint32_t c)
{
	return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
	       (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3FFFF) || c == 0x3007;
}

/* Full-width ASCII to half-width, ideographic space to space, lower case. */
static uint32_t norm(uint32_t c)
{
	if (c >= 0xFF01 && c <= 0xFF5E)
		c -= 0xFEE0;
	else if (c == 0x3000)
		c = ' ';
	if (c >= 'A' && c <= 'Z')
		c += 'a' - 'A';
	return c;
}

static int is_word(uint32_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static int push(struct units *u, const struct unit *x)
{
	if (u->n == u->cap) {
		size_t cap = u->cap ? u->cap * 2 : 256;
		struct unit *v;

		if (u->n >= u->max)
			return gaz_fail(GAZ_ETOOBIG, "text has more than %zu tokens", u->max);
		if (cap > u->max)
			cap = u->max;
		if (!(v = realloc(u->v, cap * sizeof *v)))
			return GAZ_ENOMEM;
		u->v = v;
		u->cap = cap;
	}
	u->v[u->n++] = *x;
	return 0;
}

int fts_tokenize(const char *s, size_t n, int zone, struct units *u)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;
	struct unit w;
	int in_word = 0, prev_cjk = 0, rc;

	memset(&w, 0, sizeof w);
	while (i < n) {
		uint32_t c;

		/* ASCII fast path */
		if (p[i] < 0x80) {
			c = p[i];
			k = 1;
		} else if (!(k = gaz_utf8_decode(p + i, n - i, &c))) {
			k = 1;
			c = 0xFFFD;
		}
		c = norm(c);
		if (is_word(c)) {
			if (!in_word) {
				memset(&w, 0, sizeof w);
				w.kind = UNIT_WORD;
				w.title = (uint8_t)zone;
				w.start = (uint32_t)i;
				in_word = 1;
			}
			if (w.len < FTS_WORD_MAX)
				w.key[w.len++] = (char)c;
			w.end = (uint32_t)(i + k);
			prev_cjk = 0;
			i += k;
			continue;
		}
		if (in_word) {
			if ((rc = push(u, &w)))
				return rc;
			in_word = 0;
		}
		if (is_cjk(c)) {
			struct unit x;

			memset(&x, 0, sizeof x);
			x.kind = UNIT_CJK;
			x.joined = (uint8_t)prev_cjk;
			x.title = (uint8_t)zone;
			x.start = (uint32_t)i;
			x.end = (uint32_t)(i + k);
			x.len = (uint8_t)gaz_utf8_encode(c, x.key);
			if ((rc = push(u, &x)))
				return rc;
			prev_cjk = 1;
		} else {
			prev_cjk = 0;
		}
		i += k;
	}
	if (in_word && (rc = push(u, &w)))
		return rc;
	return 0;
}

int fts_tokenize_doc(struct units *u, const char *title, size_t tl, const char *doc_no,
		     size_t dl, const char *index_no, size_t il, const char *text, size_t len)
{
	int rc;

	if ((tl && (rc = fts_tokenize(title, tl, ZONE_TITLE, u))) ||
	    (dl && (rc = fts_tokenize(doc_no, dl, ZONE_NUMBER, u))) ||
	    (il && (rc = fts_tokenize(index_no, il, ZONE_NUMBER, u))) ||
	    (len && (rc = fts_tokenize(text, len, ZONE_BODY, u))))
		return rc;
	return 0;
}

int fts_rec_units(const struct rec *r, const char *text, struct units *u)
{
	int v2 = r->version >= FTS_REC_V2;

	return fts_tokenize_doc(u, r->s[R_TITLE], r->sl[R_TITLE], r->s[R_DOCNO],
				v2 ? r->sl[R_DOCNO] : 0, r->s[R_INDEXNO], v2 ? r->sl[R_INDEXNO] : 0,
				text, r->text_len);
}

void fts_units_release(struct units *u)
{
	free(u->v);
	u->v = NULL;
	u->n = u->cap = 0;
}

/* ---- distinct terms ---------------------------------------------------- */

static uint32_t fnv(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static int ts_add(struct termset *ts, const char *key, size_t len, int title)
{
	uint32_t h = fnv(key, len);
	size_t m = ts->cap - 1, i = h & m;
	struct ts_ent *e;

	for (;; i = (i + 1) & m) {
		e = &ts->tab[i];
		if (e->gen != ts->gen)
			break;
		if (e->hash == h && e->len == len && !memcmp(e->key, key, len)) {
			e->tf++;
			e->title |= (uint8_t)title;
			return 0;
		}
	}
	e->gen = ts->gen;
	e->hash = h;
	e->len = (uint8_t)len;
	e->tf = 1;
	e->title = (uint8_t)title;
	memcpy(e->key, key, len);
	ts->used[ts->n++] = (uint32_t)i;
	return 0;
}

int fts_termset_build(struct termset *ts, const struct units *u)
{
	size_t need = 16, i;
	char bi[8];

	/* At most two terms per unit; keep the table at most half full. */
	while (need < u->n * 4 + 4)
		need *= 2;
	if (need > ts->cap) {
		struct ts_ent *tab = calloc(need, sizeof *tab);
		uint32_t *used = malloc(need / 2 * sizeof *used);

		if (!tab || !used) {
			free(tab);
			free(used);
			return GAZ_ENOMEM;
		}
		free(ts->tab);
		free(ts->used);
		ts->tab = tab;
		ts->used = used;
		ts->cap = need;
		ts->gen = 0;
	}
	if (++ts->gen == 0) { /* wrapped: clear once every 2^32 documents */
		memset(ts->tab, 0, ts->cap * sizeof *ts->tab);
		ts->gen = 1;
	}
	ts->n = 0;
	for (i = 0; i < u->n; i++) {
		const struct unit *x = &u->v[i];

		ts_add(ts, x->key, x->len, x->title != ZONE_BODY);
		if (x->joined) {
			const struct unit *p = &u->v[i - 1];

			memcpy(bi, p->key, p->len);
			memcpy(bi + p->len, x->key, x->len);
			/* a bigram is in the title only if both halves are */
			ts_add(ts, bi, (size_t)p->len + x->len, x->title && p->title);
		}
	}
	return 0;
}

void fts_termset_release(struct termset *ts)
{
	free(ts->tab);
	free(ts->used);
	memset(ts, 0, sizeof *ts);
}

uint64_t fts_term_hash(const char *term, size_t n, uint32_t tf, int title)
{
	uint64_t h = 1469598103934665603ull;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)term[i]) * 1099511628211ull;
	h ^= (uint64_t)tf << 1 | (uint64_t)(title != 0);
	/* splitmix64 finaliser: spreads the bits before they are summed */
	h += 0x9e3779b97f4a7c15ull;
	h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ull;
	h = (h ^ (h >> 27)) * 0x94d049bb133111ebull;
	return h ^ (h >> 31);
}

/* ---- field terms ------------------------------------------------------- */

size_t fts_field_term(char field, const char *value, char out[FTS_TERM_MAX])
{
	const unsigned char *p = (const unsigned char *)value;
	size_t n = value ? strlen(value) : 0, i = 0, o = 2, k, last_nonspace = 2;
	uint32_t c;

	out[0] = 1;
	out[1] = field;
	while (i < n) {
		char enc[4];
		size_t m;

		if (!(k = gaz_utf8_decode(p + i, n - i, &c)))
			k = 1;
		i += k;
		c = norm(c);
		if (c == 0)
			continue;
		if (o == 2 && gaz_text_is_space(c))
			continue;
		if (!(m = gaz_utf8_encode(c, enc)) || o + m > 2 + FTS_FIELD_TERM_MAX)
			break;
		memcpy(out + o, enc, m);
		o += m;
		if (!gaz_text_is_space(c))
			last_nonspace = o;
	}
	return last_nonspace == 2 ? 0 : last_nonspace;
}

size_t fts_field_terms(const char *issuer, const char *subject, const char *genre,
		       uint32_t issue_year, uint32_t issue_number,
		       char terms[5][FTS_TERM_MAX], size_t lens[5])
{
	size_t k = 0;
	char num[32];

	if ((lens[k] = fts_field_term(FIELD_ISSUER, issuer, terms[k])))
		k++;
	if ((lens[k] = fts_field_term(FIELD_SUBJECT, subject, terms[k])))
		k++;
	if ((lens[k] = fts_field_term(FIELD_GENRE, genre, terms[k])))
		k++;
	if (issue_year) {
		snprintf(num, sizeof num, "%u", issue_year);
		lens[k] = fts_field_term(FIELD_ISSUE, num, terms[k]);
		k++;
		if (issue_number) {
			snprintf(num, sizeof num, "%u/%u", issue_year, issue_number);
			lens[k] = fts_field_term(FIELD_ISSUE, num, terms[k]);
			k++;
		}
	}
	return k;
}

/* ---- key terms: 发文字号, 索引号, verification codes ------------------------ */

/* Opening and closing brackets people type in a 发文字号 (after norm():
 * full-width ( [ are already ASCII). */
static uint32_t bracket(uint32_t c)
{
	switch (c) {
	case '(': case '[': case 0x3014: case 0x3010: case 0xFE5D: case 0x3016:
		return '(';
	case ')': case ']': case 0x3015: case 0x3011: case 0xFE5E: case 0x3017:
		return ')';
	default:
		return c;
	}
}

size_t fts_key_norm(const char *s, size_t n, char out[FTS_TERM_MAX])
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 2, k, m;
	uint32_t c;
	char enc[4];

	out[0] = 1;
	out[1] = FIELD_KEY;
	while (i < n) {
		if (!(k = gaz_utf8_decode(p + i, n - i, &c))) {
			k = 1;
			c = 0xFFFD;
		}
		i += k;
		c = bracket(norm(c));
		if (c == 0 || gaz_text_is_space(c) || c == '"' || c == 0x201C || c == 0x201D)
			continue;
		if (!(m = gaz_utf8_encode(c, enc)) || o + m > 2 + FTS_FIELD_TERM_MAX)
			break;
		memcpy(out + o, enc, m);
		o += m;
	}
	return o == 2 ? 0 : o;
}

size_t fts_code_norm(const char *s, size_t n, char out[FTS_TERM_MAX])
{
	static const char b32[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; /* Crockford */
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 2, k;
	uint32_t c;

	out[0] = 1;
	out[1] = FIELD_CODE;
	while (i < n) {
		if (!(k = gaz_utf8_decode(p + i, n - i, &c)))
			return 0;
		i += k;
		c = norm(c);
		if (c == '-' || gaz_text_is_space(c))
			continue;
		if (c >= 'a' && c <= 'z')
			c -= 'a' - 'A';
		if (c == 'I' || c == 'L')
			c = '1';
		else if (c == 'O')
			c = '0';
		if (c > 0x7f || !c || !strchr(b32, (int)c) || o == 12)
			return 0;
		out[o++] = (char)c;
	}
	return o == 12 ? o : 0;
}

size_t fts_key_terms(const char *doc_no, size_t dl, const char *index_no, size_t il,
		     const char *code, size_t cl, char terms[3][FTS_TERM_MAX], size_t lens[3])
{
	size_t k = 0;

	if (dl && (lens[k] = fts_key_norm(doc_no, dl, terms[k])))
		k++;
	if (il && (lens[k] = fts_key_norm(index_no, il, terms[k])) &&
	    !(k && lens[0] == lens[k] && !memcmp(terms[0], terms[k], lens[k])))
		k++;
	if (cl && (lens[k] = fts_code_norm(code, cl, terms[k])))
		k++;
	return k;
}

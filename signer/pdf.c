/*
 * Strict PDF reader: lexer/parser of values, indirect objects, xref tables
 * and streams, object streams, revisions.  See include/gazette/pdf.h.
 *
 * Every byte of the file is read through struct gaz_rd.  Recursion happens
 * only in the value parser (bounded by GAZ_PDF_MAX_DEPTH) and in object
 * resolution (an indirect /Length, an object stream), bounded by a per-
 * document nesting counter.
 */
#include "gazette/pdf.h"
#include "pdf_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gazette/dl/zlib.h"

#define NONE ((size_t)-1)
#define NOREV ((size_t)-2) /* parsing before revisions exist: values must be direct */
#define MAX_NAME 4096
#define MAX_NUMBER_CHARS 40

/* ---- arena ------------------------------------------------------------- */

struct chunk {
	struct chunk *next;
	size_t used, cap;
	max_align_t align[]; /* data follows */
};

static void *arena_alloc(struct gaz_pdf *pdf, size_t n)
{
	struct chunk *c = pdf->chunks;
	size_t need, cap;

	n = (n + 15) & ~(size_t)15;
	if (!n)
		n = 16;
	if (c && c->cap - c->used >= n) {
		void *p = (char *)c->align + c->used;
		c->used += n;
		return p;
	}
	cap = n > 65536 ? n : 65536;
	if (gaz_size_add(pdf->mem, cap, &need) || need > GAZ_PDF_MAX_MEMORY) {
		gaz_fail(GAZ_ETOOBIG, "PDF needs more than %zu bytes of memory", GAZ_PDF_MAX_MEMORY);
		return NULL;
	}
	c = malloc(sizeof(*c) + cap);
	if (!c)
		return NULL;
	pdf->mem = need;
	c->cap = cap;
	c->used = n;
	if (n > 65536 && pdf->chunks) {
		/* keep the current partly used chunk on top */
		c->next = pdf->chunks->next;
		pdf->chunks->next = c;
	} else {
		c->next = pdf->chunks;
		pdf->chunks = c;
	}
	return c->align;
}

static void *arena_dup(struct gaz_pdf *pdf, const void *p, size_t n)
{
	void *q = arena_alloc(pdf, n);

	if (q && n)
		memcpy(q, p, n);
	return q;
}

/* ---- hash map uint64 -> pointer ---------------------------------------- */

static uint64_t mix(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return k;
}

static void *map_get(const struct gaz_pdf *pdf, uint64_t key)
{
	size_t i;

	if (!pdf->map_cap)
		return NULL;
	for (i = mix(key) & (pdf->map_cap - 1); pdf->map[i].val; i = (i + 1) & (pdf->map_cap - 1))
		if (pdf->map[i].key == key)
			return pdf->map[i].val;
	return NULL;
}

static int map_put(struct gaz_pdf *pdf, uint64_t key, void *val)
{
	size_t i;

	if ((pdf->map_n + 1) * 2 > pdf->map_cap) {
		size_t ncap = pdf->map_cap ? pdf->map_cap * 2 : 256, j;
		struct mapent *nm = calloc(ncap, sizeof(*nm));

		if (!nm)
			return GAZ_ENOMEM;
		for (j = 0; j < pdf->map_cap; j++) {
			if (!pdf->map[j].val)
				continue;
			for (i = mix(pdf->map[j].key) & (ncap - 1); nm[i].val; i = (i + 1) & (ncap - 1))
				;
			nm[i] = pdf->map[j];
		}
		free(pdf->map);
		pdf->map = nm;
		pdf->map_cap = ncap;
	}
	for (i = mix(key) & (pdf->map_cap - 1); pdf->map[i].val; i = (i + 1) & (pdf->map_cap - 1))
		if (pdf->map[i].key == key) {
			pdf->map[i].val = val;
			return 0;
		}
	pdf->map[i].key = key;
	pdf->map[i].val = val;
	pdf->map_n++;
	return 0;
}

#define KEY_OBJ(off)        ((uint64_t)(off))
#define KEY_INSTM(off, idx) (((uint64_t)1 << 62) | ((uint64_t)(off) << 24) | (uint64_t)(idx))
#define KEY_OBJSTM(off)     (((uint64_t)2 << 62) | (uint64_t)(off))
#define KEY_DECODED(off)    (((uint64_t)3 << 62) | (uint64_t)(off))

/* ---- lexer -------------------------------------------------------------- */

static int is_ws(int c)
{
	return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
}

static int is_delim(int c)
{
	return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' ||
	       c == '{' || c == '}' || c == '/' || c == '%';
}

static int is_regular(int c)
{
	return c >= 0 && !is_ws(c) && !is_delim(c);
}

static void skip_ws(struct gaz_rd *r)
{
	int c;

	while ((c = gaz_rd_peek(r)) >= 0) {
		if (is_ws(c)) {
			r->pos++;
		} else if (c == '%') {
			while ((c = gaz_rd_peek(r)) >= 0 && c != '\n' && c != '\r')
				r->pos++;
		} else {
			break;
		}
	}
}

/* 1 if the keyword kw is at the reader's position and ends there (followed
 * by a non-regular byte or the end); consumes it. */
static int keyword(struct gaz_rd *r, const char *kw)
{
	size_t n = strlen(kw), i;

	for (i = 0; i < n; i++)
		if (gaz_rd_peek_at(r, i) != (unsigned char)kw[i])
			return 0;
	if (is_regular(gaz_rd_peek_at(r, n)))
		return 0;
	r->pos += n;
	return 1;
}

struct lex {
	struct gaz_pdf *pdf;
	struct gaz_rd r;
	int in_file;
};

static struct gaz_pdf_obj *new_obj(struct lex *lx, enum gaz_pdf_type t, size_t start)
{
	struct gaz_pdf_obj *o = arena_alloc(lx->pdf, sizeof(*o));

	if (!o)
		return NULL;
	memset(o, 0, sizeof(*o));
	o->type = t;
	o->in_file = lx->in_file;
	o->start = start;
	return o;
}

/* A growing array.  It may start in a caller's buffer (VEC_ON(buf): the
 * arrays and dictionaries of a page tree are small, and a heap round trip
 * per object was a tenth of a verification's parsing); it moves to the
 * heap when it outgrows it.  vec_free() frees only what it allocated. */
struct vec {
	void *v;
	size_t n, cap, elem;
	void *inline_buf;
};
#define VEC_ON(buf) { (buf), 0, sizeof(buf) / sizeof((buf)[0]), sizeof((buf)[0]), (buf) }
#define VEC_OF(type) { NULL, 0, 0, sizeof(type), NULL }

static int vec_push(struct vec *v, const void *e)
{
	if (v->n == v->cap) {
		size_t ncap = v->cap ? v->cap * 2 : 8;
		void *nv;

		if (v->n >= GAZ_PDF_MAX_ELEMENTS)
			return gaz_fail(GAZ_ETOOBIG, "more than %u elements in an array or dictionary",
					GAZ_PDF_MAX_ELEMENTS);
		if (v->v && v->v == v->inline_buf) {
			if ((nv = malloc(ncap * v->elem)))
				memcpy(nv, v->v, v->n * v->elem);
		} else {
			nv = realloc(v->v, ncap * v->elem);
		}
		if (!nv)
			return GAZ_ENOMEM;
		v->v = nv;
		v->cap = ncap;
	}
	memcpy((char *)v->v + v->n * v->elem, e, v->elem);
	v->n++;
	return 0;
}

static void vec_free(struct vec *v)
{
	if (v->v != v->inline_buf)
		free(v->v);
	v->v = NULL;
}

static int parse_value(struct lex *lx, unsigned depth, struct gaz_pdf_obj **out);

static int fmt_err(struct lex *lx, const char *what)
{
	return gaz_fail(GAZ_EFORMAT, "%s at %s offset %zu", what,
			lx->in_file ? "byte" : "object stream", lx->r.pos);
}

static int parse_name(struct lex *lx, struct gaz_pdf_obj **out)
{
	struct gaz_rd *r = &lx->r;
	size_t start = r->pos;
	char tmp[MAX_NAME + 1];
	size_t n = 0;
	struct gaz_pdf_obj *o;
	char *p;
	int c;

	r->pos++; /* '/' */
	while (is_regular(c = gaz_rd_peek(r))) {
		r->pos++;
		if (c == '#') {
			int h = gaz_hexdigit(gaz_rd_peek(r)), l = gaz_hexdigit(gaz_rd_peek_at(r, 1));

			if (h < 0 || l < 0 || (h == 0 && l == 0))
				return fmt_err(lx, "bad #xx escape in a name");
			c = h * 16 + l;
			r->pos += 2;
		}
		if (n >= MAX_NAME)
			return gaz_fail(GAZ_ETOOBIG, "name longer than %d bytes at offset %zu",
					MAX_NAME, start);
		tmp[n++] = (char)c;
	}
	if (!(o = new_obj(lx, GAZ_PDF_NAME, start)) || !(p = arena_alloc(lx->pdf, n + 1)))
		return GAZ_ENOMEM;
	memcpy(p, tmp, n);
	p[n] = 0;
	o->u.name.p = p;
	o->u.name.len = n;
	o->end = r->pos;
	*out = o;
	return 0;
}

static int str_finish(struct lex *lx, struct gaz_buf *b, size_t start, int hex,
		      struct gaz_pdf_obj **out)
{
	struct gaz_pdf_obj *o = new_obj(lx, GAZ_PDF_STRING, start);
	unsigned char *p;

	if (!o || !(p = arena_alloc(lx->pdf, b->len + 1)))
		return GAZ_ENOMEM;
	if (b->len)
		memcpy(p, b->data, b->len);
	p[b->len] = 0;
	o->u.str.p = p;
	o->u.str.len = b->len;
	o->u.str.hex = hex;
	o->end = lx->r.pos;
	*out = o;
	return 0;
}

static int parse_literal(struct lex *lx, struct gaz_pdf_obj **out)
{
	struct gaz_rd *r = &lx->r;
	struct gaz_buf b = GAZ_BUF_INIT(GAZ_PDF_MAX_STRING);
	size_t start = r->pos, nest = 1;
	int rc = 0, c;
	uint8_t ch;

	r->pos++; /* '(' */
	for (;;) {
		if (gaz_rd_byte(r, &ch)) {
			rc = fmt_err(lx, "unterminated string");
			goto end;
		}
		c = ch;
		if (c == '(') {
			nest++;
		} else if (c == ')') {
			if (!--nest)
				break;
		} else if (c == '\r') {
			if (gaz_rd_peek(r) == '\n')
				r->pos++;
			c = '\n';
		} else if (c == '\\') {
			if (gaz_rd_byte(r, &ch)) {
				rc = fmt_err(lx, "unterminated string");
				goto end;
			}
			c = ch;
			switch (c) {
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case '\r':
				if (gaz_rd_peek(r) == '\n')
					r->pos++;
				continue;
			case '\n':
				continue;
			default:
				if (c >= '0' && c <= '7') {
					int v = c - '0', k;

					for (k = 0; k < 2; k++) {
						int d = gaz_rd_peek(r);

						if (d < '0' || d > '7')
							break;
						v = v * 8 + (d - '0');
						r->pos++;
					}
					c = v & 0xff;
				}
				break;
			}
		}
		if ((rc = gaz_buf_addc(&b, (char)c)))
			goto end;
	}
	rc = str_finish(lx, &b, start, 0, out);
end:
	gaz_buf_release(&b);
	return rc;
}

static int parse_hex_slow(struct lex *lx, struct gaz_pdf_obj **out);

/* A hex string.  The usual case (its '>' found, at most GAZ_PDF_MAX_STRING
 * bytes however little white space it holds) decodes straight into the
 * arena: a signature's /Contents is 10-30 KB of hex, read on every
 * verification.  Anything else goes the byte-by-byte way, which gives the
 * exact errors. */
static int parse_hex(struct lex *lx, struct gaz_pdf_obj **out)
{
	struct gaz_rd *r = &lx->r;
	size_t start = r->pos, n, i, k = 0;
	const unsigned char *p = r->p + start + 1, *gt;
	unsigned char *d;
	struct gaz_pdf_obj *o;
	int hi = -1, c;

	gt = memchr(p, '>', r->len - start - 1);
	if (!gt || (size_t)(gt - p) / 2 + 1 > GAZ_PDF_MAX_STRING)
		return parse_hex_slow(lx, out);
	n = (size_t)(gt - p);
	if (!(o = new_obj(lx, GAZ_PDF_STRING, start)) || !(d = arena_alloc(lx->pdf, n / 2 + 2)))
		return GAZ_ENOMEM;
	for (i = 0; i < n; i++) {
		c = p[i];
		if (c >= '0' && c <= '9')
			c -= '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			c = (c | 0x20) - 'a' + 10;
		else if (is_ws(c))
			continue;
		else /* a bad digit: the slow way reports it (what was taken here
		      * stays unused in the arena) */
			return parse_hex_slow(lx, out);
		if (hi < 0) {
			hi = c;
		} else {
			d[k++] = (unsigned char)(hi * 16 + c);
			hi = -1;
		}
	}
	if (hi >= 0)
		d[k++] = (unsigned char)(hi * 16);
	d[k] = 0;
	r->pos = start + n + 2;
	o->u.str.p = d;
	o->u.str.len = k;
	o->u.str.hex = 1;
	o->end = r->pos;
	*out = o;
	return 0;
}

static int parse_hex_slow(struct lex *lx, struct gaz_pdf_obj **out)
{
	struct gaz_rd *r = &lx->r;
	struct gaz_buf b = GAZ_BUF_INIT(GAZ_PDF_MAX_STRING);
	size_t start = r->pos;
	int rc = 0, c, hi = -1;

	r->pos++; /* '<' */
	for (;;) {
		if ((c = gaz_rd_peek(r)) < 0) {
			rc = fmt_err(lx, "unterminated hex string");
			goto end;
		}
		r->pos++;
		if (c == '>')
			break;
		if (is_ws(c))
			continue;
		if ((c = gaz_hexdigit(c)) < 0) {
			rc = fmt_err(lx, "bad hex digit in a string");
			goto end;
		}
		if (hi < 0) {
			hi = c;
		} else {
			if ((rc = gaz_buf_addc(&b, (char)(hi * 16 + c))))
				goto end;
			hi = -1;
		}
	}
	if (hi >= 0 && (rc = gaz_buf_addc(&b, (char)(hi * 16))))
		goto end;
	rc = str_finish(lx, &b, start, 1, out);
end:
	gaz_buf_release(&b);
	return rc;
}

/* Numbers: [+-]digits[.digits] or [+-].digits.  Integers beyond 18 digits
 * are refused rather than wrapped. */
static int parse_number(struct lex *lx, struct gaz_pdf_obj **out)
{
	struct gaz_rd *r = &lx->r;
	size_t start = r->pos, nchars = 0;
	int neg = 0, c, dot = 0, ndig = 0;
	int64_t iv = 0;
	double rv = 0, scale = 1;
	struct gaz_pdf_obj *o;

	c = gaz_rd_peek(r);
	if (c == '+' || c == '-') {
		neg = c == '-';
		r->pos++;
	}
	while ((c = gaz_rd_peek(r)) >= 0) {
		if (++nchars > MAX_NUMBER_CHARS)
			return fmt_err(lx, "number too long");
		if (c == '.' && !dot) {
			dot = 1;
		} else if (c >= '0' && c <= '9') {
			ndig++;
			if (dot) {
				scale /= 10;
				rv += (c - '0') * scale;
			} else {
				if (ndig > 18)
					return fmt_err(lx, "integer too large");
				iv = iv * 10 + (c - '0');
			}
		} else {
			break;
		}
		r->pos++;
	}
	if (!ndig || is_regular(c))
		return fmt_err(lx, "bad number");
	if (!(o = new_obj(lx, dot ? GAZ_PDF_REAL : GAZ_PDF_INT, start)))
		return GAZ_ENOMEM;
	if (dot)
		o->u.real = (neg ? -1 : 1) * ((double)iv + rv);
	else
		o->u.integer = neg ? -iv : iv;
	o->end = r->pos;
	/* "N G R": an unsigned integer, an unsigned integer, R */
	if (!dot && !neg && (gaz_rd_peek_at(r, 0) >= 0)) {
		size_t save = r->pos;
		uint64_t g;

		skip_ws(r);
		if (r->pos > save && gaz_rd_peek(r) >= '0' && gaz_rd_peek(r) <= '9' &&
		    !gaz_rd_uint(r, 10, UINT32_MAX, &g) && !is_regular(gaz_rd_peek(r))) {
			skip_ws(r);
			if (keyword(r, "R")) {
				if (iv > (int64_t)UINT32_MAX || c == '+')
					return fmt_err(lx, "bad object number in a reference");
				o->type = GAZ_PDF_REF;
				o->u.ref.num = (uint32_t)iv;
				o->u.ref.gen = (uint32_t)g;
				o->end = r->pos;
				*out = o;
				return 0;
			}
		}
		r->pos = save;
	}
	*out = o;
	return 0;
}

static int parse_array(struct lex *lx, unsigned depth, struct gaz_pdf_obj **out)
{
	struct gaz_rd *r = &lx->r;
	struct gaz_pdf_obj *buf[16];
	struct vec v = VEC_ON(buf);
	size_t start = r->pos;
	struct gaz_pdf_obj *o, *e;
	int rc;

	r->pos++; /* '[' */
	for (;;) {
		skip_ws(r);
		if (gaz_rd_peek(r) == ']') {
			r->pos++;
			break;
		}
		if ((rc = parse_value(lx, depth + 1, &e)) || (rc = vec_push(&v, &e)))
			goto end;
	}
	rc = GAZ_ENOMEM;
	if (!(o = new_obj(lx, GAZ_PDF_ARRAY, start)))
		goto end;
	if (v.n && !(o->u.array.v = arena_dup(lx->pdf, v.v, v.n * v.elem)))
		goto end;
	o->u.array.n = v.n;
	o->end = r->pos;
	*out = o;
	rc = 0;
end:
	vec_free(&v);
	return rc;
}

static int kv_cmp(const void *a, const void *b)
{
	const struct gaz_pdf_kv *x = a, *y = b;
	size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
	int c = memcmp(x->key, y->key, n);

	return c ? c : (x->key_len > y->key_len) - (x->key_len < y->key_len);
}

static int parse_dict(struct lex *lx, unsigned depth, struct gaz_pdf_obj **out)
{
	struct gaz_rd *r = &lx->r;
	struct gaz_pdf_kv buf[16];
	struct vec v = VEC_ON(buf);
	size_t start = r->pos, i, j;
	struct gaz_pdf_obj *o, *k;
	struct gaz_pdf_kv kv, *sorted = NULL;
	const struct gaz_pdf_kv *e;
	int rc;

	r->pos += 2; /* "<<" */
	for (;;) {
		skip_ws(r);
		if (gaz_rd_peek(r) == '>' && gaz_rd_peek_at(r, 1) == '>') {
			r->pos += 2;
			break;
		}
		if (gaz_rd_peek(r) != '/') {
			rc = fmt_err(lx, "dictionary key is not a name");
			goto end;
		}
		if ((rc = parse_name(lx, &k)))
			goto end;
		kv.key = k->u.name.p;
		kv.key_len = k->u.name.len;
		if ((rc = parse_value(lx, depth + 1, &kv.val)) || (rc = vec_push(&v, &kv)))
			goto end;
	}
	/* Duplicate keys are where readers disagree (shadow attacks): refuse.
	 * A small dictionary is checked pair by pair, a large one sorted. */
	e = v.v;
	if (v.n > 1 && v.n <= 16) {
		for (i = 1; i < v.n; i++)
			for (j = 0; j < i; j++)
				if (e[i].key_len == e[j].key_len && !kv_cmp(&e[i], &e[j])) {
					rc = gaz_fail(GAZ_EFORMAT, "duplicate key /%s in the dictionary "
						      "at offset %zu", e[i].key, start);
					goto end;
				}
	} else if (v.n > 16) {
		rc = GAZ_ENOMEM;
		if (!(sorted = malloc(v.n * sizeof(*sorted))))
			goto end;
		memcpy(sorted, v.v, v.n * sizeof(*sorted));
		qsort(sorted, v.n, sizeof(*sorted), kv_cmp);
		for (i = 1; i < v.n; i++)
			if (!kv_cmp(&sorted[i - 1], &sorted[i])) {
				rc = gaz_fail(GAZ_EFORMAT, "duplicate key /%s in the dictionary at offset %zu",
					      sorted[i].key, start);
				goto end;
			}
	}
	rc = GAZ_ENOMEM;
	if (!(o = new_obj(lx, GAZ_PDF_DICT, start)))
		goto end;
	if (v.n && !(o->u.dict.v = arena_dup(lx->pdf, v.v, v.n * v.elem)))
		goto end;
	o->u.dict.n = v.n;
	o->end = r->pos;
	*out = o;
	rc = 0;
end:
	free(sorted);
	vec_free(&v);
	return rc;
}

static int parse_value(struct lex *lx, unsigned depth, struct gaz_pdf_obj **out)
{
	struct gaz_rd *r = &lx->r;
	struct gaz_pdf_obj *o;
	size_t start;
	int c;

	if (depth > GAZ_PDF_MAX_DEPTH)
		return gaz_fail(GAZ_ETOOBIG, "objects nested deeper than %d at offset %zu",
				GAZ_PDF_MAX_DEPTH, r->pos);
	skip_ws(r);
	start = r->pos;
	c = gaz_rd_peek(r);
	switch (c) {
	case -1:
		return fmt_err(lx, "unexpected end of data");
	case '/':
		return parse_name(lx, out);
	case '(':
		return parse_literal(lx, out);
	case '[':
		return parse_array(lx, depth, out);
	case '<':
		if (gaz_rd_peek_at(r, 1) == '<')
			return parse_dict(lx, depth, out);
		return parse_hex(lx, out);
	default:
		break;
	}
	if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.')
		return parse_number(lx, out);
	if (keyword(r, "null")) {
		if (!(o = new_obj(lx, GAZ_PDF_NULL, start)))
			return GAZ_ENOMEM;
	} else if (keyword(r, "true") || keyword(r, "false")) {
		if (!(o = new_obj(lx, GAZ_PDF_BOOL, start)))
			return GAZ_ENOMEM;
		o->u.boolean = r->p[start] == 't';
	} else {
		return fmt_err(lx, "unexpected token");
	}
	o->end = r->pos;
	*out = o;
	return 0;
}

/* ---- dictionary helpers ----------------------------------------------- */

const struct gaz_pdf_obj *gaz_pdf_dict_of(const struct gaz_pdf_obj *o)
{
	if (!o)
		return NULL;
	if (o->type == GAZ_PDF_STREAM)
		return o->u.stream.dict;
	return o->type == GAZ_PDF_DICT ? o : NULL;
}

const struct gaz_pdf_obj *gaz_pdf_dict_get(const struct gaz_pdf_obj *d, const char *key)
{
	size_t i, n = strlen(key);

	if (!(d = gaz_pdf_dict_of(d)))
		return NULL;
	for (i = 0; i < d->u.dict.n; i++)
		if (d->u.dict.v[i].key_len == n && !memcmp(d->u.dict.v[i].key, key, n))
			return d->u.dict.v[i].val;
	return NULL;
}

int gaz_pdf_is_name(const struct gaz_pdf_obj *o, const char *name)
{
	return o && o->type == GAZ_PDF_NAME && o->u.name.len == strlen(name) &&
	       !memcmp(o->u.name.p, name, o->u.name.len);
}

int gaz_pdf_get_int(const struct gaz_pdf_obj *o, int64_t *out)
{
	if (!o || o->type != GAZ_PDF_INT)
		return GAZ_EINVAL;
	*out = o->u.integer;
	return 0;
}

/* ---- indirect objects ------------------------------------------------- */

struct cached {
	struct gaz_pdf_obj *obj;
	size_t hdr, objend;
	uint32_t num, gen;
	int len_indirect;          /* stream /Length was a reference */
	uint32_t len_num, len_gen;
	int err;                   /* obj == NULL: the bytes do not parse (this code) */
	const char *msg;           /* ... and this detail */
};

static int resolve_length(struct gaz_pdf *pdf, size_t rev, const struct gaz_pdf_obj *lo,
			  int64_t *len)
{
	const struct gaz_pdf_obj *v;
	int rc;

	if (lo && lo->type == GAZ_PDF_REF) {
		if (rev == NOREV)
			return gaz_fail(GAZ_EFORMAT, "an xref stream's /Length must be direct");
		if ((rc = gaz_pdf_get(pdf, rev, lo->u.ref.num, lo->u.ref.gen, &v)))
			return rc == GAZ_ENOTFOUND ?
				gaz_fail(GAZ_EFORMAT, "stream /Length %u %u R is missing",
					 lo->u.ref.num, lo->u.ref.gen) : rc;
		lo = v;
	}
	if (gaz_pdf_get_int(lo, len) || *len < 0)
		return gaz_fail(GAZ_EFORMAT, "stream without a valid /Length");
	return 0;
}

/* Parses "num gen obj VALUE [stream...endstream] endobj" at off.  rev is
 * used to resolve an indirect /Length (NONE: must be direct). */
static int parse_indirect(struct gaz_pdf *pdf, size_t rev, size_t off, struct cached **out)
{
	struct cached *ce = map_get(pdf, KEY_OBJ(off));
	struct lex lx;
	struct gaz_rd *r = &lx.r;
	struct gaz_pdf_obj *v, *s;
	uint64_t num, gen;
	int64_t len;
	int rc;

	if (ce) {
		if (!ce->obj) /* known bad: do not scan the same bytes again */
			return gaz_fail(ce->err, "%s", ce->msg ? ce->msg : "malformed object");
		if (ce->len_indirect) {
			/* the same bytes must mean the same stream in every revision */
			struct gaz_pdf_obj ref = { .type = GAZ_PDF_REF };

			ref.u.ref.num = ce->len_num;
			ref.u.ref.gen = ce->len_gen;
			if ((rc = resolve_length(pdf, rev, &ref, &len)))
				return rc;
			if ((size_t)len != ce->obj->u.stream.data_len)
				return gaz_fail(GAZ_EFORMAT, "stream at offset %zu has a /Length "
						"that differs between revisions", off);
		}
		*out = ce;
		return 0;
	}
	lx.pdf = pdf;
	lx.in_file = 1;
	gaz_rd_init(r, pdf->buf, pdf->len);
	if (gaz_rd_seek(r, off))
		return gaz_fail(GAZ_EFORMAT, "object offset %zu beyond the end of the file", off);
	if (gaz_rd_uint(r, 10, GAZ_PDF_MAX_OBJECTS, &num) || !is_ws(gaz_rd_peek(r)) ||
	    (skip_ws(r), gaz_rd_uint(r, 5, 65535, &gen)) || !is_ws(gaz_rd_peek(r)) ||
	    (skip_ws(r), !keyword(r, "obj")))
		return gaz_fail(GAZ_EFORMAT, "no \"N G obj\" at offset %zu", off);
	if (++pdf->nesting > GAZ_PDF_MAX_CHAIN) {
		pdf->nesting--;
		return gaz_fail(GAZ_ETOOBIG, "objects depend on each other too deeply at offset %zu", off);
	}
	if (!(ce = arena_alloc(pdf, sizeof(*ce)))) {
		rc = GAZ_ENOMEM;
		goto end;
	}
	memset(ce, 0, sizeof(*ce));
	rc = parse_value(&lx, 0, &v);
	if (rc) {
		/* a syntax error is a property of the bytes, whatever the revision */
		if (rc == GAZ_EFORMAT || (rc == GAZ_ETOOBIG && pdf->mem < GAZ_PDF_MAX_MEMORY / 2)) {
			const char *d = gaz_errdetail();

			ce->err = rc;
			ce->msg = arena_dup(pdf, d, strlen(d) + 1);
			if (map_put(pdf, KEY_OBJ(off), ce))
				rc = GAZ_ENOMEM;
			else
				gaz_fail(rc, "%s", ce->msg ? ce->msg : "malformed object");
		}
		goto end;
	}
	skip_ws(r);
	if (keyword(r, "stream")) {
		const struct gaz_pdf_obj *lo;

		if (v->type != GAZ_PDF_DICT) {
			rc = gaz_fail(GAZ_EFORMAT, "stream without a dictionary at offset %zu", off);
			goto end;
		}
		if (gaz_rd_peek(r) == '\r' && gaz_rd_peek_at(r, 1) == '\n')
			r->pos += 2;
		else if (gaz_rd_peek(r) == '\n')
			r->pos += 1;
		else {
			rc = gaz_fail(GAZ_EFORMAT, "\"stream\" not followed by an end of line at offset %zu",
				      r->pos);
			goto end;
		}
		lo = gaz_pdf_dict_get(v, "Length");
		if ((rc = resolve_length(pdf, rev, lo, &len)))
			goto end;
		if (lo->type == GAZ_PDF_REF) {
			ce->len_indirect = 1;
			ce->len_num = lo->u.ref.num;
			ce->len_gen = lo->u.ref.gen;
		}
		if ((uint64_t)len > gaz_rd_left(r)) {
			rc = gaz_fail(GAZ_EFORMAT, "stream at offset %zu runs past the end of the file", off);
			goto end;
		}
		if (!(s = arena_alloc(pdf, sizeof(*s)))) {
			rc = GAZ_ENOMEM;
			goto end;
		}
		memset(s, 0, sizeof(*s));
		s->type = GAZ_PDF_STREAM;
		s->in_file = 1;
		s->start = v->start;
		s->u.stream.dict = v;
		s->u.stream.data_off = r->pos;
		s->u.stream.data_len = (size_t)len;
		r->pos += (size_t)len;
		skip_ws(r);
		if (!keyword(r, "endstream")) {
			rc = gaz_fail(GAZ_EFORMAT, "stream at offset %zu: no endstream after /Length bytes",
				      off);
			goto end;
		}
		s->end = r->pos;
		v = s;
		skip_ws(r);
	}
	if (!keyword(r, "endobj")) {
		rc = gaz_fail(GAZ_EFORMAT, "object at offset %zu: no endobj", off);
		goto end;
	}
	ce->obj = v;
	ce->hdr = off;
	ce->objend = r->pos;
	ce->num = (uint32_t)num;
	ce->gen = (uint32_t)gen;
	if ((rc = map_put(pdf, KEY_OBJ(off), ce)))
		goto end;
	*out = ce;
end:
	pdf->nesting--;
	return rc;
}

/* ---- stream decoding -------------------------------------------------- */

struct decoded {
	const unsigned char *p;
	size_t len;
};

static int inflate_capped(struct gaz_pdf *pdf, const unsigned char *in, size_t inlen,
			  struct gaz_buf *out)
{
	z_stream zs;
	unsigned char chunk[65536];
	int zr, rc = 0;

	if ((rc = gaz_dl_zlib()))
		return rc;
	memset(&zs, 0, sizeof(zs));
	if (inflateInit(&zs) != Z_OK)
		return GAZ_ENOMEM;
	zs.next_in = (unsigned char *)in;
	do {
		uInt avail = inlen > 0x40000000 ? 0x40000000 : (uInt)inlen;

		if (!zs.avail_in && inlen) {
			zs.avail_in = avail;
			inlen -= avail;
		}
		zs.next_out = chunk;
		zs.avail_out = sizeof(chunk);
		zr = inflate(&zs, Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END) {
			rc = gaz_fail(GAZ_EFORMAT, "corrupt Flate data");
			goto end;
		}
		if ((rc = gaz_buf_add(out, chunk, sizeof(chunk) - zs.avail_out))) {
			if (rc == GAZ_ETOOBIG)
				gaz_fail(rc, "a stream inflates beyond %zu bytes", out->max);
			goto end;
		}
		if (zr == Z_OK && !zs.avail_in && !inlen && zs.avail_out) {
			rc = gaz_fail(GAZ_EFORMAT, "truncated Flate data");
			goto end;
		}
	} while (zr != Z_STREAM_END);
end:
	inflateEnd(&zs);
	(void)pdf;
	return rc;
}

static int paeth(int a, int b, int c)
{
	int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);

	if (pa <= pb && pa <= pc)
		return a;
	return pb <= pc ? b : c;
}

/* Undoes PNG row filters in place: rows of 1 + rowlen bytes become rowlen. */
static int png_unpredict(struct gaz_buf *b, size_t rowlen, size_t bpp)
{
	unsigned char *d = (unsigned char *)b->data, *prev = NULL;
	size_t nrows, i, j, stride = rowlen + 1, outpos = 0;

	if (!rowlen || b->len % stride)
		return gaz_fail(GAZ_EFORMAT, "PNG-predicted data is not whole rows");
	nrows = b->len / stride;
	for (i = 0; i < nrows; i++) {
		int f = d[i * stride];
		unsigned char *row = d + i * stride + 1, *out = d + outpos;

		if (f > 4)
			return gaz_fail(GAZ_EFORMAT, "bad PNG predictor %d", f);
		for (j = 0; j < rowlen; j++) {
			int a = j >= bpp ? out[j - bpp] : 0;
			int up = prev ? prev[j] : 0;
			int c = (prev && j >= bpp) ? prev[j - bpp] : 0;
			int x = row[j];

			switch (f) {
			case 1: x += a; break;
			case 2: x += up; break;
			case 3: x += (a + up) / 2; break;
			case 4: x += paeth(a, up, c); break;
			default: break;
			}
			out[j] = (unsigned char)x; /* out trails row: safe in place */
		}
		prev = out;
		outpos += rowlen;
	}
	b->len = outpos;
	return 0;
}

static int decode_params(struct gaz_pdf *pdf, size_t rev, const struct gaz_pdf_obj *dict,
			 int64_t *pred, int64_t *cols, int64_t *colors, int64_t *bpc)
{
	const struct gaz_pdf_obj *p = NULL, *v;
	int rc;

	*pred = 1;
	*cols = 1;
	*colors = 1;
	*bpc = 8;
	rc = gaz_pdf_dict_resolve(pdf, rev, dict, "DecodeParms", &p);
	if (rc == GAZ_ENOTFOUND)
		return 0;
	if (rc)
		return rc;
	if (p->type == GAZ_PDF_ARRAY) {
		if (p->u.array.n != 1)
			return gaz_fail(GAZ_EFORMAT, "/DecodeParms does not match /Filter");
		if ((rc = gaz_pdf_resolve(pdf, rev, p->u.array.v[0], &p)))
			return rc == GAZ_ENOTFOUND ? 0 : rc;
	}
	if (p->type == GAZ_PDF_NULL)
		return 0;
	if (p->type != GAZ_PDF_DICT)
		return gaz_fail(GAZ_EFORMAT, "/DecodeParms is not a dictionary");
	if ((v = gaz_pdf_dict_get(p, "Predictor")) && gaz_pdf_get_int(v, pred))
		return gaz_fail(GAZ_EFORMAT, "bad /Predictor");
	if ((v = gaz_pdf_dict_get(p, "Columns")) && gaz_pdf_get_int(v, cols))
		return gaz_fail(GAZ_EFORMAT, "bad /Columns");
	if ((v = gaz_pdf_dict_get(p, "Colors")) && gaz_pdf_get_int(v, colors))
		return gaz_fail(GAZ_EFORMAT, "bad /Colors");
	if ((v = gaz_pdf_dict_get(p, "BitsPerComponent")) && gaz_pdf_get_int(v, bpc))
		return gaz_fail(GAZ_EFORMAT, "bad /BitsPerComponent");
	return 0;
}

int gaz_pdf_stream_raw(const struct gaz_pdf *pdf, const struct gaz_pdf_obj *s,
		       const unsigned char **p, size_t *len)
{
	if (!s || s->type != GAZ_PDF_STREAM)
		return gaz_fail(GAZ_EINVAL, "not a stream");
	*p = pdf->buf + s->u.stream.data_off;
	*len = s->u.stream.data_len;
	return 0;
}

int gaz_pdf_stream_decode(struct gaz_pdf *pdf, size_t rev, const struct gaz_pdf_obj *s,
			  const unsigned char **p, size_t *len)
{
	struct gaz_buf b = GAZ_BUF_INIT(GAZ_PDF_MAX_DECODED);
	const struct gaz_pdf_obj *f = NULL;
	struct decoded *dc;
	int64_t pred, cols, colors, bpc;
	size_t left;
	int rc;

	if (!s || s->type != GAZ_PDF_STREAM)
		return gaz_fail(GAZ_EINVAL, "not a stream");
	if ((dc = map_get(pdf, KEY_DECODED(s->u.stream.data_off)))) {
		*p = dc->p;
		*len = dc->len;
		return 0;
	}
	rc = gaz_pdf_dict_resolve(pdf, rev, s, "Filter", &f);
	if (rc == GAZ_ENOTFOUND || (!rc && f->type == GAZ_PDF_NULL)) {
		*p = pdf->buf + s->u.stream.data_off;
		*len = s->u.stream.data_len;
		return 0;
	}
	if (rc)
		return rc;
	if (f->type == GAZ_PDF_ARRAY && f->u.array.n == 1)
		f = f->u.array.v[0];
	if (!gaz_pdf_is_name(f, "FlateDecode") && !gaz_pdf_is_name(f, "Fl"))
		return gaz_fail(GAZ_EFORMAT, "stream at offset %zu: only FlateDecode is supported",
				s->start);
	if ((rc = decode_params(pdf, rev, s->u.stream.dict, &pred, &cols, &colors, &bpc)))
		return rc;
	left = GAZ_PDF_MAX_DECODED_ALL - pdf->decoded;
	if (left < b.max)
		b.max = left;
	if ((rc = inflate_capped(pdf, pdf->buf + s->u.stream.data_off, s->u.stream.data_len, &b)))
		goto end;
	if (pred >= 10) {
		size_t rowbits, rowlen, bpp;

		if (cols < 1 || cols > (1 << 24) || colors < 1 || colors > 32 ||
		    (bpc != 1 && bpc != 2 && bpc != 4 && bpc != 8 && bpc != 16)) {
			rc = gaz_fail(GAZ_EFORMAT, "bad predictor parameters");
			goto end;
		}
		rowbits = (size_t)cols * (size_t)colors * (size_t)bpc;
		rowlen = (rowbits + 7) / 8;
		bpp = ((size_t)colors * (size_t)bpc + 7) / 8;
		if ((rc = png_unpredict(&b, rowlen, bpp)))
			goto end;
	} else if (pred != 1) {
		rc = gaz_fail(GAZ_EFORMAT, "predictor %lld is not supported", (long long)pred);
		goto end;
	}
	rc = GAZ_ENOMEM;
	if (!(dc = arena_alloc(pdf, sizeof(*dc))) ||
	    !(dc->p = arena_dup(pdf, b.data ? b.data : "", b.len + 1)))
		goto end;
	dc->len = b.len;
	pdf->decoded += b.len;
	if ((rc = map_put(pdf, KEY_DECODED(s->u.stream.data_off), dc)))
		goto end;
	*p = dc->p;
	*len = dc->len;
end:
	gaz_buf_release(&b);
	return rc;
}

/* ---- xref sections and revisions ------------------------------------- */

static int xent_cmp(const void *a, const void *b)
{
	const struct xent *x = a, *y = b;

	return (x->num > y->num) - (x->num < y->num);
}

static int sec_add(struct vec *v, uint32_t num, int type, uint64_t f2, uint64_t f3)
{
	struct xent e;

	memset(&e, 0, sizeof(e));
	e.num = num;
	e.type = (uint8_t)type;
	if (type == GAZ_PDF_XUSED) {
		e.off = f2;
		e.gen = (uint32_t)f3;
	} else if (type == GAZ_PDF_XCOMPRESSED) {
		e.stm = (uint32_t)f2;
		e.idx = (uint32_t)f3;
	} else {
		e.gen = (uint32_t)f3;
	}
	return vec_push(v, &e);
}

static int parse_xref_table(struct gaz_pdf *pdf, size_t off, struct vec *ents,
			    struct gaz_pdf_obj **trailer)
{
	struct lex lx = { pdf, { 0 }, 1 };
	struct gaz_rd *r = &lx.r;
	uint64_t start, count, i, f2, f3;

	gaz_rd_init(r, pdf->buf, pdf->len);
	r->pos = off + 4; /* "xref" */
	for (;;) {
		skip_ws(r);
		if (keyword(r, "trailer"))
			break;
		if (gaz_rd_uint(r, 10, GAZ_PDF_MAX_OBJECTS, &start) || (skip_ws(r), 0) ||
		    gaz_rd_uint(r, 10, GAZ_PDF_MAX_OBJECTS, &count) ||
		    start + count > GAZ_PDF_MAX_OBJECTS)
			return gaz_fail(GAZ_EFORMAT, "bad xref subsection header at offset %zu", r->pos);
		for (i = 0; i < count; i++) {
			int t;

			skip_ws(r);
			if (gaz_rd_uint(r, 10, UINT64_MAX / 16, &f2) || gaz_rd_peek(r) != ' ' ||
			    (r->pos++, gaz_rd_uint(r, 5, 99999, &f3)) || gaz_rd_peek(r) != ' ')
				return gaz_fail(GAZ_EFORMAT, "bad xref entry at offset %zu", r->pos);
			r->pos++;
			t = gaz_rd_peek(r);
			if (t != 'n' && t != 'f')
				return gaz_fail(GAZ_EFORMAT, "bad xref entry type at offset %zu", r->pos);
			r->pos++;
			if (is_regular(gaz_rd_peek(r)) || (t == 'n' && f3 > 65535))
				return gaz_fail(GAZ_EFORMAT, "bad xref entry at offset %zu", r->pos);
			if (sec_add(ents, (uint32_t)(start + i),
				    t == 'n' && f2 ? GAZ_PDF_XUSED : GAZ_PDF_XFREE, f2, f3))
				return GAZ_ENOMEM;
		}
	}
	skip_ws(r);
	if (gaz_rd_peek(r) != '<' || gaz_rd_peek_at(r, 1) != '<')
		return gaz_fail(GAZ_EFORMAT, "no trailer dictionary at offset %zu", r->pos);
	return parse_value(&lx, 0, trailer);
}

static uint64_t be_field(const unsigned char *p, int64_t w)
{
	uint64_t v = 0;
	int64_t i;

	for (i = 0; i < w; i++)
		v = (v << 8) | p[i];
	return v;
}

static int parse_xref_stream(struct gaz_pdf *pdf, size_t off, struct vec *ents,
			     struct gaz_pdf_obj **trailer)
{
	const struct gaz_pdf_obj *d, *w, *idx, *sz;
	const unsigned char *data;
	struct cached *ce;
	struct gaz_rd rd;
	int64_t ws[3], size, rowlen = 0;
	size_t dlen, i;
	int rc;

	if ((rc = parse_indirect(pdf, NOREV, off, &ce)))
		return rc;
	if (ce->obj->type != GAZ_PDF_STREAM ||
	    !gaz_pdf_is_name(gaz_pdf_dict_get(ce->obj, "Type"), "XRef"))
		return gaz_fail(GAZ_EFORMAT, "startxref/Prev %zu is neither xref table nor xref stream", off);
	d = ce->obj->u.stream.dict;
	w = gaz_pdf_dict_get(d, "W");
	sz = gaz_pdf_dict_get(d, "Size");
	if (!w || w->type != GAZ_PDF_ARRAY || w->u.array.n != 3 || gaz_pdf_get_int(sz, &size) ||
	    size < 0 || size > GAZ_PDF_MAX_OBJECTS)
		return gaz_fail(GAZ_EFORMAT, "xref stream at %zu: bad /W or /Size", off);
	for (i = 0; i < 3; i++) {
		if (gaz_pdf_get_int(w->u.array.v[i], &ws[i]) || ws[i] < 0 || ws[i] > 8)
			return gaz_fail(GAZ_EFORMAT, "xref stream at %zu: bad /W", off);
		rowlen += ws[i];
	}
	if (!rowlen)
		return gaz_fail(GAZ_EFORMAT, "xref stream at %zu: empty /W", off);
	if ((rc = gaz_pdf_stream_decode(pdf, NOREV, ce->obj, &data, &dlen)))
		return rc;
	gaz_rd_init(&rd, data, dlen);
	idx = gaz_pdf_dict_get(d, "Index");
	if (idx && (idx->type != GAZ_PDF_ARRAY || idx->u.array.n % 2))
		return gaz_fail(GAZ_EFORMAT, "xref stream at %zu: bad /Index", off);
	for (i = 0; i < (idx ? idx->u.array.n : 2); i += 2) {
		int64_t first = 0, count = size, k;

		if (idx && (gaz_pdf_get_int(idx->u.array.v[i], &first) ||
			    gaz_pdf_get_int(idx->u.array.v[i + 1], &count) || first < 0 ||
			    count < 0 || first + count > GAZ_PDF_MAX_OBJECTS))
			return gaz_fail(GAZ_EFORMAT, "xref stream at %zu: bad /Index", off);
		for (k = 0; k < count; k++) {
			const unsigned char *row;
			uint64_t t, f2, f3;

			if (gaz_rd_take(&rd, (size_t)rowlen, &row))
				return gaz_fail(GAZ_EFORMAT, "xref stream at %zu is shorter than its /Index",
						off);
			t = ws[0] ? be_field(row, ws[0]) : 1;
			f2 = be_field(row + ws[0], ws[1]);
			f3 = be_field(row + ws[0] + ws[1], ws[2]);
			if (t > 2)
				t = 0; /* unknown types read as null objects (ISO 32000 7.5.8.3) */
			if (t == 1 && f3 > 65535)
				return gaz_fail(GAZ_EFORMAT, "xref stream at %zu: bad generation", off);
			if (t == 2 && (f2 > GAZ_PDF_MAX_OBJECTS || f3 >= GAZ_PDF_MAX_OBJSTM_N))
				return gaz_fail(GAZ_EFORMAT, "xref stream at %zu: bad object stream entry", off);
			if (sec_add(ents, (uint32_t)(first + k), (int)t, f2, f3))
				return GAZ_ENOMEM;
		}
	}
	*trailer = (struct gaz_pdf_obj *)d;
	return 0;
}

static int trailer_offset(const struct gaz_pdf_obj *t, const char *key, size_t *out)
{
	const struct gaz_pdf_obj *v = gaz_pdf_dict_get(t, key);
	int64_t x;

	if (!v) {
		*out = NONE;
		return 0;
	}
	if (gaz_pdf_get_int(v, &x) || x < 0 || (uint64_t)x >= SIZE_MAX / 2)
		return gaz_fail(GAZ_EFORMAT, "trailer /%s is not an offset", key);
	*out = (size_t)x;
	return 0;
}

/* Parses the section at off (once) and returns its index. */
static int load_section(struct gaz_pdf *pdf, size_t off, int want_stream, size_t *out)
{
	struct vec ents = VEC_OF(struct xent);
	struct gaz_pdf_obj *trailer = NULL;
	struct xsec *s;
	size_t i;
	int rc, is_stream;

	for (i = 0; i < pdf->nsec; i++)
		if (pdf->sec[i].offset == off) {
			*out = i;
			return 0;
		}
	if (pdf->nsec >= GAZ_PDF_MAX_SECTIONS)
		return gaz_fail(GAZ_ETOOBIG, "more than %d xref sections", GAZ_PDF_MAX_SECTIONS);
	if (off >= pdf->len)
		return gaz_fail(GAZ_EFORMAT, "xref offset %zu beyond the end of the file", off);
	/* Some signers (@signpdf) point startxref at the end of line before
	 * "xref": tolerate up to 4 whitespace bytes, nothing else. */
	{
		size_t k = off;

		while (k < pdf->len && k - off < 4 && is_ws(pdf->buf[k]))
			k++;
		if (k > off && pdf->len - k >= 4 && !memcmp(pdf->buf + k, "xref", 4))
			off = k;
	}
	is_stream = !(pdf->len - off >= 4 && !memcmp(pdf->buf + off, "xref", 4));
	if (want_stream && !is_stream)
		return gaz_fail(GAZ_EFORMAT, "/XRefStm %zu is not an xref stream", off);
	rc = is_stream ? parse_xref_stream(pdf, off, &ents, &trailer)
		       : parse_xref_table(pdf, off, &ents, &trailer);
	if (rc)
		goto end;
	if (trailer->type != GAZ_PDF_DICT) {
		rc = gaz_fail(GAZ_EFORMAT, "trailer at %zu is not a dictionary", off);
		goto end;
	}
	if (gaz_pdf_dict_get(trailer, "Encrypt")) {
		rc = gaz_fail(GAZ_EFORMAT, "encrypted PDFs are not supported");
		goto end;
	}
	if (ents.n > 1) /* qsort(NULL, 0, …) is undefined behaviour */
		qsort(ents.v, ents.n, sizeof(struct xent), xent_cmp);
	for (i = 1; i < ents.n; i++)
		if (((struct xent *)ents.v)[i].num == ((struct xent *)ents.v)[i - 1].num) {
			rc = gaz_fail(GAZ_EFORMAT, "xref section at %zu lists object %u twice", off,
				      ((struct xent *)ents.v)[i].num);
			goto end;
		}
	if (pdf->nsec == pdf->seccap) {
		size_t ncap = pdf->seccap ? pdf->seccap * 2 : 8;
		struct xsec *ns = realloc(pdf->sec, ncap * sizeof(*ns));

		if (!ns) {
			rc = GAZ_ENOMEM;
			goto end;
		}
		pdf->sec = ns;
		pdf->seccap = ncap;
	}
	s = &pdf->sec[pdf->nsec];
	memset(s, 0, sizeof(*s));
	s->offset = off;
	s->trailer = trailer;
	s->is_stream = is_stream;
	s->n = ents.n;
	if (ents.n && !(s->v = arena_dup(pdf, ents.v, ents.n * sizeof(struct xent)))) {
		rc = GAZ_ENOMEM;
		goto end;
	}
	if ((rc = trailer_offset(trailer, "Prev", &s->prev_off)) ||
	    (rc = trailer_offset(trailer, "XRefStm", &s->xrefstm_off)))
		goto end;
	*out = pdf->nsec++;
end:
	free(ents.v);
	return rc;
}

/* The chain of sections a revision sees, newest first. */
static int build_chain(struct gaz_pdf *pdf, struct rev *rv)
{
	struct vec ch = VEC_OF(size_t);
	size_t off = rv->info.startxref, si, i;
	int rc = 0;

	while (off != NONE) {
		size_t add[2];
		int nadd = 0, k;

		if ((rc = load_section(pdf, off, 0, &si)))
			goto end;
		add[nadd++] = si;
		if (!pdf->sec[si].is_stream && pdf->sec[si].xrefstm_off != NONE) {
			size_t xi;

			if ((rc = load_section(pdf, pdf->sec[si].xrefstm_off, 1, &xi)))
				goto end;
			add[nadd++] = xi;
		}
		for (k = 0; k < nadd; k++) {
			for (i = 0; i < ch.n; i++)
				if (((size_t *)ch.v)[i] == add[k]) {
					rc = gaz_fail(GAZ_EFORMAT, "xref /Prev chain loops at offset %zu",
						      pdf->sec[add[k]].offset);
					goto end;
				}
			if (ch.n >= GAZ_PDF_MAX_SECTIONS) {
				rc = gaz_fail(GAZ_ETOOBIG, "xref chain longer than %d", GAZ_PDF_MAX_SECTIONS);
				goto end;
			}
			if ((rc = vec_push(&ch, &add[k])))
				goto end;
		}
		off = pdf->sec[si].prev_off;
	}
	rc = GAZ_ENOMEM;
	if (!(rv->chain = arena_dup(pdf, ch.v, ch.n * sizeof(size_t))))
		goto end;
	rv->nchain = ch.n;
	rc = 0;
end:
	free(ch.v);
	return rc;
}

static const struct xent *chain_find(const struct gaz_pdf *pdf, const struct rev *rv,
				     uint32_t num, size_t *secidx)
{
	size_t i;

	for (i = 0; i < rv->nchain; i++) {
		const struct xsec *s = &pdf->sec[rv->chain[i]];
		size_t lo = 0, hi = s->n;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (s->v[mid].num < num)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < s->n && s->v[lo].num == num) {
			/* hybrid file: a table's free entry gives way to its /XRefStm
			 * (which build_chain put right after it), not to /Prev */
			if (s->v[lo].type == GAZ_PDF_XFREE && !s->is_stream &&
			    s->xrefstm_off != NONE && i + 1 < rv->nchain) {
				const struct xsec *x = &pdf->sec[rv->chain[i + 1]];
				size_t l2 = 0, h2 = x->n;

				while (l2 < h2) {
					size_t mid = l2 + (h2 - l2) / 2;

					if (x->v[mid].num < num)
						l2 = mid + 1;
					else
						h2 = mid;
				}
				if (l2 < x->n && x->v[l2].num == num) {
					*secidx = rv->chain[i + 1];
					return &x->v[l2];
				}
			}
			*secidx = rv->chain[i];
			return &s->v[lo];
		}
	}
	return NULL;
}

static int rev_index(const struct gaz_pdf *pdf, size_t rev, size_t *out)
{
	if (rev == GAZ_PDF_LATEST)
		rev = pdf->nrev - 1;
	if (rev >= pdf->nrev)
		return gaz_fail(GAZ_EINVAL, "no revision %zu", rev);
	*out = rev;
	return 0;
}

int gaz_pdf_xref_lookup(struct gaz_pdf *pdf, size_t rev, uint32_t num,
			struct gaz_pdf_xentry *out)
{
	const struct xent *e;
	size_t si;
	int rc;

	if ((rc = rev_index(pdf, rev, &rev)))
		return rc;
	if (!(e = chain_find(pdf, &pdf->rev[rev], num, &si)))
		return GAZ_ENOTFOUND;
	memset(out, 0, sizeof(*out));
	out->type = e->type;
	out->gen = e->gen;
	out->offset = e->off;
	out->stm = e->stm;
	out->idx = e->idx;
	out->section = si;
	return 0;
}

/* First occurrence of needle (n ≥ 1 bytes) in hay[0..len). */
static const unsigned char *find_bytes(const unsigned char *hay, size_t len, const char *needle,
				       size_t n)
{
	const unsigned char *p = hay, *end = hay + len;

	while ((size_t)(end - p) >= n) {
		p = memchr(p, needle[0], (size_t)(end - p) - n + 1);
		if (!p)
			return NULL;
		if (!memcmp(p, needle, n))
			return p;
		p++;
	}
	return NULL;
}

/* Scans back from "%%EOF" at e for "startxref N". */
static int find_startxref(const struct gaz_pdf *pdf, size_t e, size_t *kw, uint64_t *val)
{
	size_t i = e, dend, dstart;
	struct gaz_rd r;

	while (i > 0 && is_ws(pdf->buf[i - 1]))
		i--;
	dend = i;
	while (i > 0 && pdf->buf[i - 1] >= '0' && pdf->buf[i - 1] <= '9')
		i--;
	dstart = i;
	if (dstart == dend || dend - dstart > 19)
		return GAZ_EFORMAT;
	while (i > 0 && is_ws(pdf->buf[i - 1]))
		i--;
	if (i == dstart || i < 9 || memcmp(pdf->buf + i - 9, "startxref", 9))
		return GAZ_EFORMAT;
	gaz_rd_init(&r, pdf->buf, dend);
	r.pos = dstart;
	if (gaz_rd_uint(&r, 19, SIZE_MAX / 2, val))
		return GAZ_EFORMAT;
	*kw = i - 9;
	return 0;
}

static int find_revisions(struct gaz_pdf *pdf)
{
	size_t pos = 0;
	int rc;

	while (pos < pdf->len) {
		const unsigned char *hit = find_bytes(pdf->buf + pos, pdf->len - pos, "%%EOF", 5);
		size_t e, kw, end;
		uint64_t sx;
		struct rev *rv;

		if (!hit)
			break;
		e = (size_t)(hit - pdf->buf);
		pos = e + 5;
		if (find_startxref(pdf, e, &kw, &sx))
			continue; /* "%%EOF" inside data, not a revision end */
		if (sx == 0)
			continue; /* linearization's first-page trailer */
		if (sx >= kw) {
			rc = gaz_fail(GAZ_EFORMAT, "startxref at %zu points forward", kw);
			return rc;
		}
		end = pos;
		if (end < pdf->len && pdf->buf[end] == '\r')
			end++;
		if (end < pdf->len && pdf->buf[end] == '\n')
			end++;
		if (pdf->nrev >= GAZ_PDF_MAX_REVISIONS)
			return gaz_fail(GAZ_ETOOBIG, "more than %d revisions", GAZ_PDF_MAX_REVISIONS);
		if (pdf->nrev == pdf->revcap) {
			size_t ncap = pdf->revcap ? pdf->revcap * 2 : 4;
			struct rev *nr = realloc(pdf->rev, ncap * sizeof(*nr));

			if (!nr)
				return GAZ_ENOMEM;
			pdf->rev = nr;
			pdf->revcap = ncap;
		}
		rv = &pdf->rev[pdf->nrev];
		memset(rv, 0, sizeof(*rv));
		rv->info.startxref = (size_t)sx;
		rv->info.startxref_kw = kw;
		rv->info.eof_end = pos;
		rv->info.end = end;
		pdf->nrev++;
		if ((rc = build_chain(pdf, rv)))
			return rc;
	}
	if (!pdf->nrev)
		return gaz_fail(GAZ_EFORMAT, "no \"startxref N %%%%EOF\" in the file");
	return 0;
}

static int finish_revision(struct gaz_pdf *pdf, struct rev *rv)
{
	const struct xsec *top = &pdf->sec[rv->chain[0]];
	int64_t size;
	size_t i, j;

	rv->info.trailer = top->trailer;
	rv->info.xref_stream = top->is_stream;
	if (gaz_pdf_get_int(gaz_pdf_dict_get(top->trailer, "Size"), &size) || size < 1 ||
	    size > GAZ_PDF_MAX_OBJECTS)
		return gaz_fail(GAZ_EFORMAT, "trailer at %zu: bad /Size", top->offset);
	rv->info.size = (uint32_t)size;
	if (!gaz_pdf_dict_get(top->trailer, "Root"))
		return gaz_fail(GAZ_EFORMAT, "trailer at %zu has no /Root", top->offset);
	for (i = 0; i < rv->nchain; i++) {
		const struct xsec *s = &pdf->sec[rv->chain[i]];

		for (j = 0; j < s->n; j++)
			if (s->v[j].type != GAZ_PDF_XFREE && s->v[j].num > rv->info.max_num)
				rv->info.max_num = s->v[j].num;
	}
	return 0;
}

int gaz_pdf_open(const void *buf, size_t len, struct gaz_pdf **out)
{
	struct gaz_pdf *pdf;
	size_t i;
	int rc;

	if (len > GAZ_PDF_MAX_FILE)
		return gaz_fail(GAZ_ETOOBIG, "PDF larger than %zu bytes", GAZ_PDF_MAX_FILE);
	if (len < 8 || memcmp(buf, "%PDF-", 5))
		return gaz_fail(GAZ_EFORMAT, "no %%PDF- header at offset 0");
	if (!(pdf = calloc(1, sizeof(*pdf))))
		return GAZ_ENOMEM;
	pdf->buf = buf;
	pdf->len = len;
	for (i = 0; i < sizeof(pdf->version) - 1 && 5 + i < len; i++) {
		int c = pdf->buf[5 + i];

		if (!((c >= '0' && c <= '9') || c == '.'))
			break;
		pdf->version[i] = (char)c;
	}
	if (!i) {
		rc = gaz_fail(GAZ_EFORMAT, "bad version in the %%PDF- header");
		goto end;
	}
	if ((rc = find_revisions(pdf)))
		goto end;
	for (i = 0; i < pdf->nrev; i++)
		if ((rc = finish_revision(pdf, &pdf->rev[i])))
			goto end;
	*out = pdf;
	pdf = NULL;
end:
	gaz_pdf_close(pdf);
	return rc;
}

void gaz_pdf_close(struct gaz_pdf *pdf)
{
	struct chunk *c, *n;

	if (!pdf)
		return;
	for (c = pdf->chunks; c; c = n) {
		n = c->next;
		free(c);
	}
	free(pdf->map);
	free(pdf->sec);
	free(pdf->rev);
	free(pdf);
}

const unsigned char *gaz_pdf_bytes(const struct gaz_pdf *pdf, size_t *len)
{
	*len = pdf->len;
	return pdf->buf;
}

const char *gaz_pdf_version(const struct gaz_pdf *pdf)
{
	return pdf->version;
}

size_t gaz_pdf_nrevs(const struct gaz_pdf *pdf)
{
	return pdf->nrev;
}

int gaz_pdf_rev_info(const struct gaz_pdf *pdf, size_t rev, struct gaz_pdf_rev *out)
{
	int rc;

	if ((rc = rev_index(pdf, rev, &rev)))
		return rc;
	*out = pdf->rev[rev].info;
	return 0;
}

/* ---- object resolution ------------------------------------------------ */

struct objstm {
	int bad;                   /* known not to be a usable object stream */
	const unsigned char *data;
	size_t len, first;
	uint32_t n;
	uint32_t *nums;
	size_t *offs;
};

static int load_objstm(struct gaz_pdf *pdf, size_t rev, uint32_t stmnum, struct objstm **out,
		       size_t *key_off)
{
	const struct gaz_pdf_obj *s, *t;
	struct gaz_pdf_xentry xe;
	struct objstm *os = NULL;
	struct cached *ce;
	struct gaz_rd r;
	int64_t n, first;
	uint32_t i;
	int rc;

	if ((rc = gaz_pdf_xref_lookup(pdf, rev, stmnum, &xe)))
		return rc == GAZ_ENOTFOUND ? gaz_fail(GAZ_EFORMAT, "object stream %u is missing", stmnum) : rc;
	if (xe.type != GAZ_PDF_XUSED)
		return gaz_fail(GAZ_EFORMAT, "object stream %u is not a plain object", stmnum);
	if ((os = map_get(pdf, KEY_OBJSTM(xe.offset)))) {
		if (os->bad)
			return gaz_fail(GAZ_EFORMAT, "object stream %u is malformed", stmnum);
		*out = os;
		*key_off = (size_t)xe.offset;
		return 0;
	}
	if ((rc = parse_indirect(pdf, rev, (size_t)xe.offset, &ce)))
		return rc;
	s = ce->obj;
	if (ce->num != stmnum || s->type != GAZ_PDF_STREAM ||
	    !gaz_pdf_is_name(gaz_pdf_dict_get(s, "Type"), "ObjStm"))
		return gaz_fail(GAZ_EFORMAT, "object %u is not an object stream", stmnum);
	if (!(os = arena_alloc(pdf, sizeof(*os))))
		return GAZ_ENOMEM;
	memset(os, 0, sizeof(*os));
	os->bad = 1; /* until proven otherwise: failures below are remembered */
	t = gaz_pdf_dict_get(s, "N");
	if (gaz_pdf_get_int(t, &n) || n < 0 || n > GAZ_PDF_MAX_OBJSTM_N ||
	    gaz_pdf_get_int(gaz_pdf_dict_get(s, "First"), &first) || first < 0) {
		rc = gaz_fail(GAZ_EFORMAT, "object stream %u: bad /N or /First", stmnum);
		goto bad;
	}
	if ((rc = gaz_pdf_stream_decode(pdf, rev, s, &os->data, &os->len))) {
		if (rc == GAZ_ENOMEM)
			return rc;
		goto bad;
	}
	/* every "num off" pair takes at least 4 bytes of the header */
	if ((uint64_t)first > os->len || (uint64_t)n * 4 > (uint64_t)first + 1) {
		rc = gaz_fail(GAZ_EFORMAT, "object stream %u: /N or /First does not fit its data",
			      stmnum);
		goto bad;
	}
	if (!(os->nums = arena_alloc(pdf, (size_t)n * sizeof(uint32_t) + 1)) ||
	    !(os->offs = arena_alloc(pdf, (size_t)n * sizeof(size_t) + 1)))
		return GAZ_ENOMEM;
	os->first = (size_t)first;
	os->n = (uint32_t)n;
	gaz_rd_init(&r, os->data, os->first);
	for (i = 0; i < os->n; i++) {
		uint64_t num, off;

		skip_ws(&r);
		if (gaz_rd_uint(&r, 10, GAZ_PDF_MAX_OBJECTS, &num) || (skip_ws(&r), 0) ||
		    gaz_rd_uint(&r, 19, os->len - os->first, &off)) {
			rc = gaz_fail(GAZ_EFORMAT, "object stream %u: bad header", stmnum);
			goto bad;
		}
		os->nums[i] = (uint32_t)num;
		os->offs[i] = os->first + (size_t)off;
	}
	os->bad = 0;
	if ((rc = map_put(pdf, KEY_OBJSTM(xe.offset), os)))
		return rc;
	*out = os;
	*key_off = (size_t)xe.offset;
	return 0;
bad:
	if (map_put(pdf, KEY_OBJSTM(xe.offset), os))
		return GAZ_ENOMEM;
	return rc;
}

static int get_compressed(struct gaz_pdf *pdf, size_t rev, uint32_t num,
			  const struct gaz_pdf_xentry *xe, const struct gaz_pdf_obj **out)
{
	struct gaz_pdf_obj *o;
	struct objstm *os = NULL;
	struct lex lx;
	size_t key_off = 0;
	int rc;

	if (++pdf->nesting > GAZ_PDF_MAX_CHAIN) {
		rc = gaz_fail(GAZ_ETOOBIG, "object streams nest too deeply");
		goto end;
	}
	if ((rc = load_objstm(pdf, rev, xe->stm, &os, &key_off)))
		goto end;
	if ((o = map_get(pdf, KEY_INSTM(key_off, xe->idx)))) {
		*out = o;
		goto end;
	}
	if (xe->idx >= os->n || os->nums[xe->idx] != num) {
		rc = gaz_fail(GAZ_EFORMAT, "object %u is not at index %u of object stream %u",
			      num, xe->idx, xe->stm);
		goto end;
	}
	lx.pdf = pdf;
	lx.in_file = 0;
	gaz_rd_init(&lx.r, os->data, os->len);
	if ((rc = gaz_rd_seek(&lx.r, os->offs[xe->idx]))) {
		rc = gaz_fail(GAZ_EFORMAT, "object stream %u: offset beyond its data", xe->stm);
		goto end;
	}
	if ((rc = parse_value(&lx, 0, &o)))
		goto end;
	if ((rc = map_put(pdf, KEY_INSTM(key_off, xe->idx), o)))
		goto end;
	*out = o;
end:
	pdf->nesting--;
	return rc;
}

int gaz_pdf_get_span(struct gaz_pdf *pdf, size_t rev, uint32_t num, uint32_t gen,
		     const struct gaz_pdf_obj **out, size_t *hdr_start, size_t *obj_end)
{
	struct gaz_pdf_xentry xe;
	struct cached *ce;
	int rc;

	if ((rc = rev_index(pdf, rev, &rev)))
		return rc;
	if ((rc = gaz_pdf_xref_lookup(pdf, rev, num, &xe)))
		return rc;
	if (xe.type == GAZ_PDF_XFREE)
		return GAZ_ENOTFOUND;
	if (xe.type == GAZ_PDF_XCOMPRESSED) {
		if (gen != 0)
			return GAZ_ENOTFOUND;
		if ((rc = get_compressed(pdf, rev, num, &xe, out)))
			return rc;
		if (hdr_start)
			*hdr_start = NONE;
		if (obj_end)
			*obj_end = NONE;
		return 0;
	}
	if (xe.gen != gen)
		return GAZ_ENOTFOUND;
	if (xe.offset >= pdf->len)
		return gaz_fail(GAZ_EFORMAT, "object %u: offset %llu beyond the end of the file", num,
				(unsigned long long)xe.offset);
	if ((rc = parse_indirect(pdf, rev, (size_t)xe.offset, &ce)))
		return rc;
	if (ce->num != num || ce->gen != gen)
		return gaz_fail(GAZ_EFORMAT, "xref says object %u %u is at offset %llu, but %u %u is there",
				num, gen, (unsigned long long)xe.offset, ce->num, ce->gen);
	*out = ce->obj;
	if (hdr_start)
		*hdr_start = ce->hdr;
	if (obj_end)
		*obj_end = ce->objend;
	return 0;
}

int gaz_pdf_get(struct gaz_pdf *pdf, size_t rev, uint32_t num, uint32_t gen,
		const struct gaz_pdf_obj **out)
{
	return gaz_pdf_get_span(pdf, rev, num, gen, out, NULL, NULL);
}

int gaz_pdf_resolve(struct gaz_pdf *pdf, size_t rev, const struct gaz_pdf_obj *o,
		    const struct gaz_pdf_obj **out)
{
	uint32_t seen[GAZ_PDF_MAX_CHAIN];
	size_t n = 0, i;
	int rc;

	if (!o)
		return GAZ_ENOTFOUND;
	while (o->type == GAZ_PDF_REF) {
		for (i = 0; i < n; i++)
			if (seen[i] == o->u.ref.num)
				return gaz_fail(GAZ_EFORMAT, "reference cycle through object %u",
						o->u.ref.num);
		if (n == GAZ_PDF_MAX_CHAIN)
			return gaz_fail(GAZ_ETOOBIG, "reference chain longer than %d", GAZ_PDF_MAX_CHAIN);
		seen[n++] = o->u.ref.num;
		if ((rc = gaz_pdf_get(pdf, rev, o->u.ref.num, o->u.ref.gen, &o)))
			return rc;
	}
	*out = o;
	return 0;
}

int gaz_pdf_dict_resolve(struct gaz_pdf *pdf, size_t rev, const struct gaz_pdf_obj *d,
			 const char *key, const struct gaz_pdf_obj **out)
{
	const struct gaz_pdf_obj *v = gaz_pdf_dict_get(d, key);

	if (rev == NOREV) {
		if (!v)
			return GAZ_ENOTFOUND;
		if (v->type == GAZ_PDF_REF)
			return gaz_fail(GAZ_EFORMAT, "/%s must be direct in an xref stream", key);
		*out = v;
		return 0;
	}
	return gaz_pdf_resolve(pdf, rev, v, out);
}

int gaz_pdf_catalog(struct gaz_pdf *pdf, size_t rev, const struct gaz_pdf_obj **out,
		    uint32_t *num, uint32_t *gen)
{
	const struct gaz_pdf_obj *root, *c;
	int rc;

	if ((rc = rev_index(pdf, rev, &rev)))
		return rc;
	root = gaz_pdf_dict_get(pdf->rev[rev].info.trailer, "Root");
	if (!root || root->type != GAZ_PDF_REF)
		return gaz_fail(GAZ_EFORMAT, "trailer /Root is not a reference");
	if ((rc = gaz_pdf_get(pdf, rev, root->u.ref.num, root->u.ref.gen, &c)))
		return rc == GAZ_ENOTFOUND ? gaz_fail(GAZ_EFORMAT, "the catalog is missing") : rc;
	if (c->type != GAZ_PDF_DICT || !gaz_pdf_is_name(gaz_pdf_dict_get(c, "Type"), "Catalog"))
		return gaz_fail(GAZ_EFORMAT, "/Root is not a /Catalog dictionary");
	*out = c;
	if (num)
		*num = root->u.ref.num;
	if (gen)
		*gen = root->u.ref.gen;
	return 0;
}

/* ---- page tree ---------------------------------------------------------- */

/* A visited set of object numbers: one bit each, up to the revision's
 * highest object number (a larger number cannot resolve anyway). */
static int seen_add(unsigned char *bits, uint32_t max, uint32_t num)
{
	if (num > max)
		return 0;
	if (bits[num / 8] & (1u << (num % 8)))
		return 1;
	bits[num / 8] |= (unsigned char)(1u << (num % 8));
	return 0;
}

int gaz_pdf_pages(struct gaz_pdf *pdf, size_t rev, struct gaz_pdf_page **pages, size_t *npages)
{
	struct { const struct gaz_pdf_obj *kids; size_t i; } stack[GAZ_PDF_MAX_DEPTH];
	struct vec out = VEC_OF(struct gaz_pdf_page);
	unsigned char *seen = NULL;
	size_t depth = 0;
	uint32_t maxnum;
	const struct gaz_pdf_obj *cat, *root, *node, *kids;
	int rc;

	if ((rc = rev_index(pdf, rev, &rev)) || (rc = gaz_pdf_catalog(pdf, rev, &cat, NULL, NULL)))
		return rc;
	root = gaz_pdf_dict_get(cat, "Pages");
	if (!root || root->type != GAZ_PDF_REF)
		return gaz_fail(GAZ_EFORMAT, "catalog /Pages is not a reference");
	maxnum = pdf->rev[rev].info.max_num;
	if (!(seen = calloc((size_t)maxnum / 8 + 1, 1)))
		return GAZ_ENOMEM;
	kids = NULL;
	node = root;
	for (;;) {
		const struct gaz_pdf_obj *ref, *d, *type;
		int s;

		if (node) {
			ref = node;
			node = NULL;
		} else {
			if (stack[depth - 1].i >= stack[depth - 1].kids->u.array.n) {
				if (--depth == 0)
					break;
				continue;
			}
			ref = stack[depth - 1].kids->u.array.v[stack[depth - 1].i++];
		}
		if (ref->type != GAZ_PDF_REF) {
			rc = gaz_fail(GAZ_EFORMAT, "page tree /Kids entry is not a reference");
			goto end;
		}
		if ((s = seen_add(seen, maxnum, ref->u.ref.num))) {
			rc = gaz_fail(GAZ_EFORMAT, "page tree visits object %u twice", ref->u.ref.num);
			goto end;
		}
		if ((rc = gaz_pdf_get(pdf, rev, ref->u.ref.num, ref->u.ref.gen, &d))) {
			if (rc == GAZ_ENOTFOUND)
				rc = gaz_fail(GAZ_EFORMAT, "page tree node %u is missing", ref->u.ref.num);
			goto end;
		}
		type = gaz_pdf_dict_get(d, "Type");
		if (d->type == GAZ_PDF_DICT && gaz_pdf_is_name(type, "Page")) {
			struct gaz_pdf_page pg = { ref->u.ref.num, ref->u.ref.gen, d };

			if (out.n >= GAZ_PDF_MAX_PAGES) {
				rc = gaz_fail(GAZ_ETOOBIG, "more than %d pages", GAZ_PDF_MAX_PAGES);
				goto end;
			}
			if ((rc = vec_push(&out, &pg)))
				goto end;
		} else if (d->type == GAZ_PDF_DICT && gaz_pdf_is_name(type, "Pages")) {
			if ((rc = gaz_pdf_dict_resolve(pdf, rev, d, "Kids", &kids)) ||
			    kids->type != GAZ_PDF_ARRAY) {
				rc = gaz_fail(GAZ_EFORMAT, "page tree node %u has no /Kids array",
					      ref->u.ref.num);
				goto end;
			}
			if (depth >= GAZ_PDF_MAX_DEPTH) {
				rc = gaz_fail(GAZ_ETOOBIG, "page tree deeper than %d", GAZ_PDF_MAX_DEPTH);
				goto end;
			}
			stack[depth].kids = kids;
			stack[depth].i = 0;
			depth++;
		} else {
			rc = gaz_fail(GAZ_EFORMAT, "page tree node %u is neither /Page nor /Pages",
				      ref->u.ref.num);
			goto end;
		}
		if (!depth)
			break; /* the root itself was a page */
	}
	*pages = out.v;
	*npages = out.n;
	out.v = NULL;
end:
	free(out.v);
	free(seen);
	return rc;
}

/* ---- writing ------------------------------------------------------------ */

int gaz_pdf_write_name(struct gaz_buf *out, const char *name, size_t len)
{
	size_t i;
	int rc = gaz_buf_addc(out, '/');

	for (i = 0; !rc && i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c > 0x20 && c < 0x7f && c != '#' && is_regular(c))
			rc = gaz_buf_addc(out, (char)c);
		else
			rc = gaz_buf_printf(out, "#%02X", c);
	}
	return rc;
}

int gaz_pdf_write_string(struct gaz_buf *out, const void *p, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *s = p;
	size_t i;
	int rc = gaz_buf_addc(out, '<');

	for (i = 0; !rc && i < len; i++) {
		char two[2] = { hex[s[i] >> 4], hex[s[i] & 15] };

		rc = gaz_buf_add(out, two, 2);
	}
	return rc ? rc : gaz_buf_addc(out, '>');
}

static int write_real(struct gaz_buf *out, double v)
{
	char tmp[64];
	int n;

	if (v != v || v > 1e15 || v < -1e15)
		return gaz_fail(GAZ_EINVAL, "real out of range");
	n = snprintf(tmp, sizeof(tmp), "%.6f", v);
	while (n > 1 && tmp[n - 1] == '0')
		n--;
	if (n > 1 && tmp[n - 1] == '.')
		n--;
	if (n == 2 && tmp[0] == '-' && tmp[1] == '0')
		return gaz_buf_addc(out, '0');
	return gaz_buf_add(out, tmp, (size_t)n);
}

static int write_value(struct gaz_buf *out, const struct gaz_pdf_obj *o, unsigned depth)
{
	size_t i;
	int rc = 0;

	if (depth > GAZ_PDF_MAX_DEPTH)
		return gaz_fail(GAZ_ETOOBIG, "value nested deeper than %d", GAZ_PDF_MAX_DEPTH);
	switch (o->type) {
	case GAZ_PDF_NULL:
		return gaz_buf_addstr(out, "null");
	case GAZ_PDF_BOOL:
		return gaz_buf_addstr(out, o->u.boolean ? "true" : "false");
	case GAZ_PDF_INT:
		return gaz_buf_printf(out, "%lld", (long long)o->u.integer);
	case GAZ_PDF_REAL:
		return write_real(out, o->u.real);
	case GAZ_PDF_STRING:
		return gaz_pdf_write_string(out, o->u.str.p, o->u.str.len);
	case GAZ_PDF_NAME:
		return gaz_pdf_write_name(out, o->u.name.p, o->u.name.len);
	case GAZ_PDF_REF:
		return gaz_buf_printf(out, "%u %u R", o->u.ref.num, o->u.ref.gen);
	case GAZ_PDF_ARRAY:
		rc = gaz_buf_addc(out, '[');
		for (i = 0; !rc && i < o->u.array.n; i++) {
			if (i)
				rc = gaz_buf_addc(out, ' ');
			if (!rc)
				rc = write_value(out, o->u.array.v[i], depth + 1);
		}
		return rc ? rc : gaz_buf_addc(out, ']');
	case GAZ_PDF_DICT:
		rc = gaz_buf_addstr(out, "<<");
		for (i = 0; !rc && i < o->u.dict.n; i++) {
			const struct gaz_pdf_obj *v = o->u.dict.v[i].val;

			rc = gaz_pdf_write_name(out, o->u.dict.v[i].key, o->u.dict.v[i].key_len);
			if (!rc && v->type != GAZ_PDF_NAME && v->type != GAZ_PDF_STRING &&
			    v->type != GAZ_PDF_ARRAY && v->type != GAZ_PDF_DICT)
				rc = gaz_buf_addc(out, ' ');
			if (!rc)
				rc = write_value(out, v, depth + 1);
		}
		return rc ? rc : gaz_buf_addstr(out, ">>");
	case GAZ_PDF_STREAM:
		break;
	}
	return gaz_fail(GAZ_EINVAL, "a stream cannot be written as a value");
}

int gaz_pdf_write(struct gaz_buf *out, const struct gaz_pdf_obj *o)
{
	return write_value(out, o, 0);
}

int gaz_pdf_write_entries(struct gaz_buf *out, const struct gaz_pdf_obj *dict,
			  const char *const *skip)
{
	size_t i, k;
	int rc = 0;

	if (!(dict = gaz_pdf_dict_of(dict)))
		return gaz_fail(GAZ_EINVAL, "not a dictionary");
	for (i = 0; !rc && i < dict->u.dict.n; i++) {
		const struct gaz_pdf_kv *kv = &dict->u.dict.v[i];
		int skipped = 0;

		for (k = 0; skip && skip[k]; k++)
			if (strlen(skip[k]) == kv->key_len && !memcmp(skip[k], kv->key, kv->key_len))
				skipped = 1;
		if (skipped)
			continue;
		rc = gaz_pdf_write_name(out, kv->key, kv->key_len);
		if (!rc)
			rc = gaz_buf_addc(out, ' ');
		if (!rc)
			rc = write_value(out, kv->val, 1);
	}
	return rc;
}

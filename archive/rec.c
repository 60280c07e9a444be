/*
 * Record values: [format 1][type][field]…, each field [tag][length][bytes]
 * with the length as LEB128 (at most 3 bytes).  Every field of a type is
 * present exactly once, in ascending tag order, so one record has exactly
 * one encoding (the transparency log hashes these bytes).  Decoding is
 * table-driven: each field has a kind, a cap and the offset of its member.
 */
#include "archive/rec.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(sizeof(unsigned) == 4, "records store unsigned as 32 bits");

enum kind { K_STR, K_U8, K_U32, K_U64, K_I64, K_H32, K_CODE, K_DATE };

struct field {
	uint8_t tag;
	uint8_t kind;
	uint32_t cap;     /* K_STR only */
	size_t off;
	const char *name;
	uint8_t line;     /* K_STR typed at the command line: one line of text */
};

#define F(tag, kind, cap, st, m) { tag, kind, cap, offsetof(struct st, m), #m, 0 }
/* Who did it and why (--by, --reason, --note, a submitted file's name):
 * printed in lists such as `gazette audit`, where a newline or escape
 * sequence would pass for more than it is. */
#define FL(tag, cap, st, m) { tag, K_STR, cap, offsetof(struct st, m), #m, 1 }

static const struct field version_fields[] = {
	F(1, K_U32, 0, gaz_ar_version, year),
	F(2, K_U32, 0, gaz_ar_version, number),
	F(3, K_U32, 0, gaz_ar_version, version),
	F(4, K_STR, GAZ_AR_FIELD_MAX, gaz_ar_version, name),
	F(5, K_U32, 0, gaz_ar_version, cumulative),
	F(6, K_STR, GAZ_AR_FIELD_MAX, gaz_ar_version, date),
	F(7, K_H32, 0, gaz_ar_version, pdf_sha256),
	F(8, K_U64, 0, gaz_ar_version, pdf_size),
	FL(9, GAZ_AR_NOTE_MAX, gaz_ar_version, reason),
	FL(10, GAZ_AR_FIELD_MAX, gaz_ar_version, who),
	F(11, K_I64, 0, gaz_ar_version, time),
	F(12, K_U64, 0, gaz_ar_version, first_doc),
	F(13, K_U32, 0, gaz_ar_version, n_docs),
};

static const struct field doc_fields[] = {
	F(1, K_U64, 0, gaz_ar_doc, id),
	F(2, K_U32, 0, gaz_ar_doc, year),
	F(3, K_U32, 0, gaz_ar_doc, number),
	F(4, K_U32, 0, gaz_ar_doc, version),
	F(5, K_U32, 0, gaz_ar_doc, pos),
	F(6, K_STR, GAZ_AR_DOCNO_MAX, gaz_ar_doc, doc_no),
	F(7, K_STR, GAZ_AR_DOCNO_MAX, gaz_ar_doc, index_no),
	F(8, K_STR, GAZ_AR_FIELD_MAX, gaz_ar_doc, title),
	F(9, K_STR, GAZ_AR_FIELD_MAX, gaz_ar_doc, issuer),
	F(10, K_STR, GAZ_AR_FIELD_MAX, gaz_ar_doc, written),
	F(11, K_STR, GAZ_AR_FIELD_MAX, gaz_ar_doc, published),
	F(12, K_STR, GAZ_AR_FIELD_MAX, gaz_ar_doc, subject),
	F(13, K_STR, GAZ_AR_FIELD_MAX, gaz_ar_doc, genre),
	F(14, K_STR, GAZ_AR_FIELD_MAX, gaz_ar_doc, validity),
	F(15, K_STR, GAZ_AR_FIELD_MAX, gaz_ar_doc, section),
	F(16, K_STR, GAZ_AR_FIELD_MAX, gaz_ar_doc, name),
	F(17, K_CODE, 0, gaz_ar_doc, code),
	F(18, K_H32, 0, gaz_ar_doc, text_sha256),
	F(19, K_U64, 0, gaz_ar_doc, text_len),
	F(20, K_U32, 0, gaz_ar_doc, first_page),
	F(21, K_U32, 0, gaz_ar_doc, last_page),
};

static const struct field event_fields[] = {
	F(1, K_STR, GAZ_AR_DOCNO_MAX, gaz_ar_event, doc_no),
	F(2, K_U32, 0, gaz_ar_event, seq),
	F(3, K_U8, 0, gaz_ar_event, status),
	F(4, K_DATE, 0, gaz_ar_event, date),
	FL(5, GAZ_AR_DOCNO_MAX, gaz_ar_event, by_doc),
	FL(6, GAZ_AR_NOTE_MAX, gaz_ar_event, note),
	FL(7, GAZ_AR_FIELD_MAX, gaz_ar_event, who),
	F(8, K_I64, 0, gaz_ar_event, time),
};

static const struct field submission_fields[] = {
	F(1, K_U64, 0, gaz_ar_submission, seq),
	F(2, K_STR, GAZ_AR_DOCNO_MAX, gaz_ar_submission, doc_no),
	F(3, K_STR, GAZ_AR_DOCNO_MAX, gaz_ar_submission, index_no),
	F(4, K_STR, GAZ_AR_FIELD_MAX, gaz_ar_submission, title),
	F(5, K_STR, GAZ_AR_FIELD_MAX, gaz_ar_submission, issuer),
	F(6, K_STR, GAZ_AR_FIELD_MAX, gaz_ar_submission, published),
	FL(7, GAZ_AR_FIELD_MAX, gaz_ar_submission, file),
	F(8, K_H32, 0, gaz_ar_submission, sha256),
	FL(9, GAZ_AR_FIELD_MAX, gaz_ar_submission, who),
	F(10, K_I64, 0, gaz_ar_submission, time),
};

static const struct field audit_fields[] = {
	F(1, K_U64, 0, ar_audit, seq),
	F(2, K_I64, 0, ar_audit, time),
	FL(3, GAZ_AR_FIELD_MAX, ar_audit, who),
	FL(4, GAZ_AR_FIELD_MAX, ar_audit, action),
	FL(5, GAZ_AR_FIELD_MAX, ar_audit, subject),
	FL(6, GAZ_AR_NOTE_MAX, ar_audit, detail),
};

static const struct field meta_fields[] = {
	F(1, K_U32, 0, ar_meta, schema),
	F(2, K_STR, GAZ_AR_FIELD_MAX, ar_meta, program),
};

struct rec_def {
	const struct field *f;
	size_t n;
	size_t size; /* of the struct, to clear it */
	size_t block; /* offset of the member owning one block with every
			 string (decoded in one allocation), or NO_BLOCK */
};

#define NO_BLOCK SIZE_MAX

static int def_of(enum gaz_rec_type t, struct rec_def *d)
{
#define D(arr, st) (d->f = arr, d->n = sizeof arr / sizeof *arr, d->size = sizeof(struct st), \
		    d->block = NO_BLOCK, 0)
	switch (t) {
	case GAZ_REC_VERSION: return D(version_fields, gaz_ar_version);
	case GAZ_REC_DOC:
		/* the exact look-ups decode one per hit: one malloc, not eleven */
		(void)D(doc_fields, gaz_ar_doc);
		d->block = offsetof(struct gaz_ar_doc, strings);
		return 0;
	case GAZ_REC_EVENT: return D(event_fields, gaz_ar_event);
	case GAZ_REC_SUBMISSION: return D(submission_fields, gaz_ar_submission);
	case GAZ_REC_AUDIT: return D(audit_fields, ar_audit);
	case GAZ_REC_META: return D(meta_fields, ar_meta);
	}
#undef D
	return GAZ_EINVAL;
}

static size_t fixed_len(enum kind k)
{
	switch (k) {
	case K_U8: return 1;
	case K_U32: return 4;
	case K_U64: case K_I64: return 8;
	case K_H32: return 32;
	case K_CODE: return 10;
	case K_DATE: return 10;
	case K_STR: break;
	}
	return 0;
}

static int put_len(struct gaz_buf *b, size_t n)
{
	unsigned char v[3];
	size_t k = 0;

	if (n >= (size_t)1 << 21)
		return GAZ_ETOOBIG;
	do {
		v[k] = (unsigned char)(n & 0x7f);
		n >>= 7;
		if (n)
			v[k] |= 0x80;
		k++;
	} while (n);
	return gaz_buf_add(b, v, k);
}

static int check_str(const char *s, size_t n, const struct field *f)
{
	size_t bad;

	if (n > f->cap)
		return gaz_fail(GAZ_ETOOBIG, "%s: %zu bytes (at most %u)", f->name, n, f->cap);
	if (gaz_utf8_validate_text((const unsigned char *)s, n, &bad))
		return gaz_fail(GAZ_EINVAL, "%s: not valid UTF-8 text", f->name);
	for (bad = 0; f->line && bad < n; bad++) {
		unsigned char c = (unsigned char)s[bad];
		if ((c < 0x20 && c != '\t') || c == 0x7F ||
		    (c == 0xC2 && bad + 1 < n && (unsigned char)s[bad + 1] <= 0x9F))
			return gaz_fail(GAZ_EINVAL, "%s: contains a control character", f->name);
	}
	return 0;
}

int rec_encode(enum gaz_rec_type type, const void *in, struct gaz_buf *b)
{
	const unsigned char *base = in;
	unsigned char tmp[32];
	struct rec_def d;
	size_t i, n;
	int rc;

	if ((rc = def_of(type, &d)))
		return rc;
	tmp[0] = GAZ_REC_FORMAT;
	tmp[1] = (unsigned char)type;
	if ((rc = gaz_buf_add(b, tmp, 2)))
		return rc;
	for (i = 0; i < d.n; i++) {
		const struct field *f = &d.f[i];
		const void *m = base + f->off;
		const void *src = tmp;
		uint32_t u32;
		uint64_t u64;
		int64_t i64;
		int iv;

		n = fixed_len(f->kind);
		switch (f->kind) {
		case K_STR: {
			const char *s = *(char *const *)m;
			if (!s)
				s = "";
			n = strlen(s);
			if ((rc = check_str(s, n, f)))
				return rc;
			src = s;
			break;
		}
		case K_U8:
			memcpy(&iv, m, sizeof iv);
			if (iv < 0 || iv > 255)
				return gaz_fail(GAZ_EINVAL, "%s out of range", f->name);
			tmp[0] = (unsigned char)iv;
			break;
		case K_U32:
			memcpy(&u32, m, 4);
			be32(tmp, u32);
			break;
		case K_U64:
			memcpy(&u64, m, 8);
			be64(tmp, u64);
			break;
		case K_I64:
			memcpy(&i64, m, 8);
			be64(tmp, (uint64_t)i64);
			break;
		case K_H32:
			src = m;
			break;
		case K_CODE:
		case K_DATE:
			if (strnlen(m, 11) != 10)
				return gaz_fail(GAZ_EINVAL, "%s must be 10 characters", f->name);
			src = m;
			break;
		}
		if ((rc = gaz_buf_addc(b, (char)f->tag)) || (rc = put_len(b, n)) ||
		    (n && (rc = gaz_buf_add(b, src, n))))
			return rc == GAZ_ETOOBIG ? gaz_fail(rc, "record over %u bytes",
							    (unsigned)GAZ_AR_RECORD_MAX) : rc;
	}
	return 0;
}

static int get_len(struct gaz_rd *r, size_t *out)
{
	size_t n = 0;
	unsigned shift = 0;
	uint8_t c;

	do {
		if (shift > 14 || gaz_rd_byte(r, &c))
			return GAZ_ECORRUPT;
		n |= (size_t)(c & 0x7f) << shift;
		shift += 7;
	} while (c & 0x80);
	/* canonical: no redundant zero continuation byte */
	if (shift > 7 && !(c & 0x7f))
		return GAZ_ECORRUPT;
	*out = n;
	return 0;
}

static void free_strings(const struct rec_def *d, void *out)
{
	size_t i;

	if (d->block != NO_BLOCK) {
		free(*(char **)((unsigned char *)out + d->block));
		memset(out, 0, d->size);
		return;
	}
	for (i = 0; i < d->n; i++)
		if (d->f[i].kind == K_STR) {
			char **s = (char **)((unsigned char *)out + d->f[i].off);
			free(*s);
			*s = NULL;
		}
}

static int is_digits(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return 0;
	return 1;
}

int rec_decode_table(enum gaz_rec_type type, const void *p, size_t len, void *out)
{
	struct gaz_rd r;
	struct rec_def d;
	unsigned char *base = out;
	const unsigned char *v;
	uint8_t fmt, ty, tag;
	size_t i, n, used = 0;
	char *block = NULL;
	int rc;

	if ((rc = def_of(type, &d)))
		return rc;
	if (len > GAZ_AR_RECORD_MAX)
		return gaz_fail(GAZ_ECORRUPT, "record of %zu bytes is over the cap", len);
	memset(out, 0, d.size);
	gaz_rd_init(&r, p, len);
	if (gaz_rd_byte(&r, &fmt) || gaz_rd_byte(&r, &ty))
		return gaz_fail(GAZ_ECORRUPT, "truncated record");
	if (fmt != GAZ_REC_FORMAT)
		return gaz_fail(GAZ_ECORRUPT, "unknown record format %u", fmt);
	if (ty != (uint8_t)type)
		return gaz_fail(GAZ_ECORRUPT, "record type '%c', expected '%c'",
				ty >= 0x20 && ty < 0x7f ? ty : '?', (char)type);
	/* every string lies inside the record: len bytes plus one NUL each
	 * (d.n, at most 21) always hold them */
	if (d.block != NO_BLOCK) {
		if (!(block = malloc(len + d.n)))
			return GAZ_ENOMEM;
		*(char **)(base + d.block) = block;
	}
	for (i = 0; i < d.n; i++) {
		const struct field *f = &d.f[i];
		void *m = base + f->off;
		size_t want = fixed_len(f->kind);

		if (gaz_rd_byte(&r, &tag) || tag != f->tag || get_len(&r, &n) ||
		    gaz_rd_take(&r, n, &v)) {
			rc = gaz_fail(GAZ_ECORRUPT, "record '%c': field %s missing or malformed",
				      (char)type, f->name);
			goto fail;
		}
		if (f->kind != K_STR && n != want) {
			rc = gaz_fail(GAZ_ECORRUPT, "record '%c': field %s has %zu bytes",
				      (char)type, f->name, n);
			goto fail;
		}
		switch (f->kind) {
		case K_STR: {
			char *s;
			if (check_str((const char *)v, n, f)) {
				rc = gaz_fail(GAZ_ECORRUPT, "record '%c': field %s is not valid text",
					      (char)type, f->name);
				goto fail;
			}
			if (block) {
				s = block + used;
				used += n + 1;
			} else if (!(s = malloc(n + 1))) {
				rc = GAZ_ENOMEM;
				goto fail;
			}
			memcpy(s, v, n);
			s[n] = '\0';
			*(char **)m = s;
			break;
		}
		case K_U8: {
			int iv = v[0];
			memcpy(m, &iv, sizeof iv);
			break;
		}
		case K_U32: {
			uint32_t u = rd_be32(v);
			memcpy(m, &u, 4);
			break;
		}
		case K_U64: {
			uint64_t u = rd_be64(v);
			memcpy(m, &u, 8);
			break;
		}
		case K_I64: {
			int64_t s = (int64_t)rd_be64(v);
			memcpy(m, &s, 8);
			break;
		}
		case K_H32:
			memcpy(m, v, 32);
			break;
		case K_CODE:
		case K_DATE:
			if (memchr(v, 0, 10) || (f->kind == K_DATE &&
			    !(is_digits(v, 4) && v[4] == '-' && is_digits(v + 5, 2) &&
			      v[7] == '-' && is_digits(v + 8, 2)))) {
				rc = gaz_fail(GAZ_ECORRUPT, "record '%c': field %s malformed",
					      (char)type, f->name);
				goto fail;
			}
			memcpy(m, v, 10);
			((char *)m)[10] = '\0';
			break;
		}
	}
	if (gaz_rd_left(&r)) {
		rc = gaz_fail(GAZ_ECORRUPT, "record '%c': %zu trailing bytes", (char)type,
			      gaz_rd_left(&r));
		goto fail;
	}
	return 0;
fail:
	free_strings(&d, out);
	memset(out, 0, d.size);
	return rc;
}

/* ---- document records: the exact look-ups' path -------------------------------------
 *
 * A document record is read on every look-up, so it has a decoder of its
 * own: one pass that splits the record into its 21 fields (tags in order,
 * canonical lengths, fixed widths, nothing past the end), then one check per
 * string that does the UTF-8 and the NUL test together, one allocation and
 * the copies.  It accepts exactly what the table-driven decoder accepts (the
 * fuzzer and test_archive compare the two); when it refuses a record, the
 * table-driven decoder runs again to name the fault.  It walks the record
 * with a pointer and its end instead of struct gaz_rd: the same check of
 * what is left before every read, without a call and a status per byte
 * (about a third of the decode's instructions on the look-up path). */

#define DOC_NF AR_DOC_NF
#define DOC_STR_FIRST 5   /* index of 发文字号; 5 … 15 are the strings */
#define DOC_STR_LAST 15

/* Width of each field (0: a string), in tag order. */
static const uint8_t doc_width[DOC_NF] = {
	8, 4, 4, 4, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10, 32, 8, 4, 4
};

int ar_doc_split(const void *rec, size_t len, struct ar_span f[AR_DOC_NF])
{
	const unsigned char *p = rec, *e = p + len;
	size_t i, n;

	if (len > GAZ_AR_RECORD_MAX || len < 2 || p[0] != GAZ_REC_FORMAT || p[1] != GAZ_REC_DOC)
		return GAZ_ECORRUPT;
	p += 2;
	for (i = 0; i < DOC_NF; i++) {
		if (e - p < 2 || p[0] != i + 1)
			return GAZ_ECORRUPT;
		n = p[1];
		p += 2;
		if (n & 0x80) {  /* LEB128, at most 3 bytes, no redundant zero byte */
			if (p == e)
				return GAZ_ECORRUPT;
			n = (n & 0x7f) | (size_t)(p[0] & 0x7f) << 7;
			if (p[0] & 0x80) {
				if (e - p < 2 || (p[1] & 0x80) || !p[1])
					return GAZ_ECORRUPT;
				n |= (size_t)p[1] << 14;
				p += 2;
			} else {
				if (!p[0])
					return GAZ_ECORRUPT;
				p++;
			}
		}
		if ((size_t)(e - p) < n || (doc_width[i] && n != doc_width[i]))
			return GAZ_ECORRUPT;
		f[i].p = p;
		f[i].n = n;
		p += n;
	}
	return p == e ? 0 : GAZ_ECORRUPT;
}

/* Decodes a split document record; GAZ_ECORRUPT without a detail (the
 * caller re-runs the table-driven decoder for one). */
static int doc_from_split(const struct ar_span *f, size_t len, struct gaz_ar_doc *d)
{
	static const size_t off[DOC_STR_LAST + 1] = {
		[5] = offsetof(struct gaz_ar_doc, doc_no),
		[6] = offsetof(struct gaz_ar_doc, index_no),
		[7] = offsetof(struct gaz_ar_doc, title),
		[8] = offsetof(struct gaz_ar_doc, issuer),
		[9] = offsetof(struct gaz_ar_doc, written),
		[10] = offsetof(struct gaz_ar_doc, published),
		[11] = offsetof(struct gaz_ar_doc, subject),
		[12] = offsetof(struct gaz_ar_doc, genre),
		[13] = offsetof(struct gaz_ar_doc, validity),
		[14] = offsetof(struct gaz_ar_doc, section),
		[15] = offsetof(struct gaz_ar_doc, name),
	};
	char *block, *s;
	size_t i;

	for (i = DOC_STR_FIRST; i <= DOC_STR_LAST; i++)
		if (f[i].n > (i <= 6 ? GAZ_AR_DOCNO_MAX : GAZ_AR_FIELD_MAX) ||
		    gaz_utf8_validate_text(f[i].p, f[i].n, NULL))
			return GAZ_ECORRUPT;
	if (memchr(f[16].p, 0, 10))
		return GAZ_ECORRUPT;
	/* the strings lie inside the record: len bytes and 11 NULs hold them */
	if (!(block = malloc(len + DOC_NF)))
		return GAZ_ENOMEM;
	memset(d, 0, sizeof *d);
	d->strings = s = block;
	for (i = DOC_STR_FIRST; i <= DOC_STR_LAST; i++) {
		memcpy(s, f[i].p, f[i].n);
		s[f[i].n] = '\0';
		*(char **)((unsigned char *)d + off[i]) = s;
		s += f[i].n + 1;
	}
	d->id = rd_be64(f[0].p);
	d->year = rd_be32(f[1].p);
	d->number = rd_be32(f[2].p);
	d->version = rd_be32(f[3].p);
	d->pos = rd_be32(f[4].p);
	memcpy(d->code, f[16].p, 10);
	d->code[10] = '\0';
	memcpy(d->text_sha256, f[17].p, 32);
	d->text_len = rd_be64(f[18].p);
	d->first_page = rd_be32(f[19].p);
	d->last_page = rd_be32(f[20].p);
	return 0;
}

int gaz_rec_decode(enum gaz_rec_type type, const void *p, size_t len, void *out)
{
	struct ar_span f[DOC_NF];
	int rc;

	if (type != GAZ_REC_DOC)
		return rec_decode_table(type, p, len, out);
	if (!(rc = ar_doc_split(p, len, f)) && !(rc = doc_from_split(f, len, out)))
		return 0;
	if (rc == GAZ_ENOMEM) {
		memset(out, 0, sizeof(struct gaz_ar_doc));
		return rc;
	}
	/* refused: the table-driven decoder names the fault (and is the
	 * reference: it refuses too) */
	return rec_decode_table(type, p, len, out);
}

/* The status and date of a status event, read from the front of its record
 * (bounded): 发文字号 (must be doc_no), seq (must be seq), status (1–4),
 * date (YYYY-MM-DD digits); the rest is left to the full decoder. */
int ar_event_head(const void *rec, size_t len, const struct ar_span *doc_no, uint32_t seq,
		  int *status, const unsigned char **date)
{
	struct gaz_rd r;
	const unsigned char *p;
	uint8_t b[3];
	size_t n;

	gaz_rd_init(&r, rec, len);
	if (gaz_rd_byte(&r, &b[0]) || gaz_rd_byte(&r, &b[1]) || b[0] != GAZ_REC_FORMAT ||
	    b[1] != GAZ_REC_EVENT || gaz_rd_byte(&r, &b[0]) || b[0] != 1 ||
	    gaz_rd_byte(&r, &b[1]))
		return GAZ_ECORRUPT;
	n = b[1];
	if (n & 0x80) {  /* 发文字号 ≤ 255 bytes: at most two length bytes */
		if (gaz_rd_byte(&r, &b[2]) || !b[2] || (b[2] & 0x80))
			return GAZ_ECORRUPT;
		n = (n & 0x7f) | (size_t)b[2] << 7;
	}
	if (n != doc_no->n || gaz_rd_take(&r, n, &p) || memcmp(p, doc_no->p, n) ||
	    gaz_rd_take(&r, 2 + 4 + 2 + 1 + 2 + 10, &p) ||
	    p[0] != 2 || p[1] != 4 || rd_be32(p + 2) != seq ||
	    p[6] != 3 || p[7] != 1 || p[8] < GAZ_ST_VALID || p[8] > GAZ_ST_EXPIRED ||
	    p[9] != 4 || p[10] != 10)
		return GAZ_ECORRUPT;
	p += 11;
	for (n = 0; n < 10; n++)
		if (n == 4 || n == 7 ? p[n] != '-' : p[n] < '0' || p[n] > '9')
			return GAZ_ECORRUPT;
	*status = p[-3];
	*date = p;
	return 0;
}

void gaz_ar_doc_release(struct gaz_ar_doc *d)
{
	struct rec_def def;

	if (!d)
		return;
	def_of(GAZ_REC_DOC, &def);
	free_strings(&def, d);
}

void gaz_ar_version_release(struct gaz_ar_version *v)
{
	struct rec_def def;
	size_t i;

	if (!v)
		return;
	def_of(GAZ_REC_VERSION, &def);
	free_strings(&def, v);
	free(v->superseded_reason);
	v->superseded_reason = NULL;
	for (i = 0; i < v->n_loaded_docs; i++)
		gaz_ar_doc_release(&v->docs[i]);
	free(v->docs);
	v->docs = NULL;
	v->n_loaded_docs = 0;
}

void gaz_ar_docs_free(struct gaz_ar_doc *docs, size_t n)
{
	for (size_t i = 0; i < n && docs; i++)
		gaz_ar_doc_release(&docs[i]);
	free(docs);
}

void ar_event_release(struct gaz_ar_event *e)
{
	struct rec_def def;

	def_of(GAZ_REC_EVENT, &def);
	free_strings(&def, e);
}

void gaz_ar_events_free(struct gaz_ar_event *ev, size_t n)
{
	for (size_t i = 0; i < n && ev; i++)
		ar_event_release(&ev[i]);
	free(ev);
}

void ar_submission_release(struct gaz_ar_submission *s)
{
	struct rec_def def;

	def_of(GAZ_REC_SUBMISSION, &def);
	free_strings(&def, s);
}

void gaz_ar_submissions_free(struct gaz_ar_submission *s, size_t n)
{
	for (size_t i = 0; i < n && s; i++)
		ar_submission_release(&s[i]);
	free(s);
}

void ar_audit_release(struct ar_audit *a)
{
	struct rec_def def;

	def_of(GAZ_REC_AUDIT, &def);
	free_strings(&def, a);
}

void ar_meta_release(struct ar_meta *m)
{
	struct rec_def def;

	def_of(GAZ_REC_META, &def);
	free_strings(&def, m);
}

int ar_valid_date(const char *s)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	uint64_t y, m, d;

	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    gaz_parse_uint(s, 4, 9999, &y) || gaz_parse_uint(s + 5, 2, 12, &m) ||
	    gaz_parse_uint(s + 8, 2, 31, &d) || y < 1 || m < 1 || d < 1)
		return 0;
	if ((int)d > mdays[m - 1])
		return 0;
	if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 0;
	return 1;
}

/*
 * The structural half of `gazette verify`: finding signatures, checking
 * /ByteRange against the parser's view of /Contents, mapping each signature
 * to its revision, and classifying what later revisions change.
 * See include/gazette/verify.h for the rules.
 */
#include "gazette/pdf.h"
#include "verify_int.h"

#include <openssl/x509.h>

#include <stdlib.h>
#include <string.h>

#define NOREV ((size_t)-1)

/* per-object flags while comparing two revisions */
enum {
	F_ADDED = 1, F_CHANGED = 2, F_REMOVED = 4, F_ALLOWED = 8,
	F_PAGE = 16, F_ANNOTS = 32, F_ACROFORM = 64, F_FIELDS = 128, F_INFO = 256, F_DSS = 512,
	F_STRUCT = 1024, F_VISITED = 2048
};

struct diff {
	struct gaz_pdf *pdf;
	size_t a, b;
	uint32_t n;            /* object numbers 0..n-1 */
	uint16_t *f;           /* flags per object number */
	struct gaz_msgs *out;
	int allowed;
	uint32_t count;
};

/* A parser failure inside a check becomes a reason for "invalid"; only
 * running out of memory stops the whole run. */
static int fatal(int rc)
{
	return rc == GAZ_ENOMEM;
}

static int disallow(struct diff *d, const char *fmt, const char *a, uint32_t num)
	__attribute__((format(printf, 2, 0)));
static int disallow(struct diff *d, const char *fmt, const char *a, uint32_t num)
{
	d->allowed = 0;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	return vmsg(d->out, fmt, a, num); /* callers pass literals: checked at their site */
#pragma GCC diagnostic pop
}

/* ---- value comparison ---------------------------------------------------- */

static int same_value(struct gaz_pdf *pdf, const struct gaz_pdf_obj *x,
		      const struct gaz_pdf_obj *y, int *same)
{
	struct gaz_buf bx = GAZ_BUF_INIT(GAZ_PDF_MAX_STRING * 4), by = GAZ_BUF_INIT(GAZ_PDF_MAX_STRING * 4);
	int rc;

	*same = 0;
	if (!x || !y) {
		*same = !x && !y;
		return 0;
	}
	if (x->type != y->type)
		return 0;
	if (x->type == GAZ_PDF_STREAM) {
		const unsigned char *px, *py;
		size_t nx, ny;

		gaz_pdf_stream_raw(pdf, x, &px, &nx);
		gaz_pdf_stream_raw(pdf, y, &py, &ny);
		if (nx != ny || memcmp(px, py, nx))
			return 0;
		x = x->u.stream.dict;
		y = y->u.stream.dict;
	}
	if (!(rc = gaz_pdf_write(&bx, x)) && !(rc = gaz_pdf_write(&by, y)))
		*same = bx.len == by.len && (!bx.len || !memcmp(bx.data, by.data, bx.len));
	gaz_buf_release(&bx);
	gaz_buf_release(&by);
	return rc;
}

static const char *type_of(const struct gaz_pdf_obj *o)
{
	const struct gaz_pdf_obj *t = gaz_pdf_dict_get(o, "Type"), *st = gaz_pdf_dict_get(o, "Subtype");

	if (st && st->type == GAZ_PDF_NAME && gaz_pdf_is_name(t, "Annot"))
		return st->u.name.p;
	if (t && t->type == GAZ_PDF_NAME)
		return t->u.name.p;
	if (o && o->type == GAZ_PDF_STREAM)
		return "stream";
	if (o && o->type == GAZ_PDF_DICT)
		return "dictionary";
	if (o && o->type == GAZ_PDF_ARRAY)
		return "array";
	return "value";
}

/* Marks every object added in b and reachable from v as allowed. */
static int allow_reachable(struct diff *d, const struct gaz_pdf_obj *v)
{
	const struct gaz_pdf_obj **stack = NULL;
	size_t n = 0, cap = 0, i;
	int rc = 0;

#define PUSH(x) do { if (n == cap) { size_t nc = cap ? cap * 2 : 64; \
	const struct gaz_pdf_obj **ns = realloc(stack, nc * sizeof(*ns)); \
	if (!ns) { rc = GAZ_ENOMEM; goto end; } stack = ns; cap = nc; } stack[n++] = (x); } while (0)
	if (v)
		PUSH(v);
	while (n) {
		const struct gaz_pdf_obj *o = stack[--n];

		switch (o->type) {
		case GAZ_PDF_REF:
			if (o->u.ref.num < d->n && (d->f[o->u.ref.num] & F_ADDED) &&
			    !(d->f[o->u.ref.num] & F_VISITED)) {
				const struct gaz_pdf_obj *t;

				d->f[o->u.ref.num] |= F_VISITED | F_ALLOWED;
				if (!gaz_pdf_get(d->pdf, d->b, o->u.ref.num, o->u.ref.gen, &t))
					PUSH(t);
			}
			break;
		case GAZ_PDF_ARRAY:
			for (i = 0; i < o->u.array.n; i++)
				PUSH(o->u.array.v[i]);
			break;
		case GAZ_PDF_DICT:
			for (i = 0; i < o->u.dict.n; i++)
				PUSH(o->u.dict.v[i].val);
			break;
		case GAZ_PDF_STREAM:
			PUSH(o->u.stream.dict);
			break;
		default:
			break;
		}
	}
#undef PUSH
end:
	free(stack);
	return rc;
}

/* Is ref (in revision b) a new, invisible document-timestamp field? */
static int is_new_dts_field(struct diff *d, const struct gaz_pdf_obj *ref)
{
	const struct gaz_pdf_obj *f, *v, *rect, *fl;
	int64_t flags = 0;
	double r[4];
	size_t i;

	if (!ref || ref->type != GAZ_PDF_REF || ref->u.ref.num >= d->n ||
	    !(d->f[ref->u.ref.num] & F_ADDED))
		return 0;
	if (gaz_pdf_get(d->pdf, d->b, ref->u.ref.num, ref->u.ref.gen, &f) || f->type != GAZ_PDF_DICT)
		return 0;
	if (!gaz_pdf_is_name(gaz_pdf_dict_get(f, "FT"), "Sig") ||
	    gaz_pdf_dict_resolve(d->pdf, d->b, f, "V", &v) ||
	    !gaz_pdf_is_name(gaz_pdf_dict_get(v, "Type"), "DocTimeStamp") ||
	    !gaz_pdf_is_name(gaz_pdf_dict_get(v, "SubFilter"), "ETSI.RFC3161"))
		return 0;
	if (gaz_pdf_dict_get(f, "Kids"))
		return 0; /* keep it simple: a merged field/widget only */
	fl = gaz_pdf_dict_get(f, "F");
	if (fl && gaz_pdf_get_int(fl, &flags))
		return 0;
	if (flags & 2)
		return 1; /* hidden */
	rect = gaz_pdf_dict_get(f, "Rect");
	if (!rect)
		return 1; /* a field without a widget shows nothing */
	if (rect->type != GAZ_PDF_ARRAY || rect->u.array.n != 4)
		return 0;
	for (i = 0; i < 4; i++) {
		const struct gaz_pdf_obj *e = rect->u.array.v[i];

		if (e->type == GAZ_PDF_INT)
			r[i] = (double)e->u.integer;
		else if (e->type == GAZ_PDF_REAL)
			r[i] = e->u.real;
		else
			return 0;
	}
	return r[0] == r[2] || r[1] == r[3];
}

/* old and new are (resolved) arrays: new must be old plus new DTS fields. */
static int check_append(struct diff *d, const struct gaz_pdf_obj *old, const struct gaz_pdf_obj *nw,
			const char *what, uint32_t num)
{
	size_t i, nold = old && old->type == GAZ_PDF_ARRAY ? old->u.array.n : 0;
	int rc, same;

	if (!nw || nw->type != GAZ_PDF_ARRAY || nw->u.array.n < nold)
		return disallow(d, "%s of object %u changed (not by appending)", what, num);
	for (i = 0; i < nold; i++) {
		if ((rc = same_value(d->pdf, old->u.array.v[i], nw->u.array.v[i], &same)))
			return rc;
		if (!same)
			return disallow(d, "%s of object %u changed (an existing entry replaced)", what, num);
	}
	for (; i < nw->u.array.n; i++) {
		if (!is_new_dts_field(d, nw->u.array.v[i]))
			return disallow(d, "%s of object %u gains an entry that is not an invisible "
					"document timestamp", what, num);
		if ((rc = allow_reachable(d, nw->u.array.v[i])))
			return rc;
	}
	return vmsg(d->out, "%s of object %u gains a document timestamp field (allowed)", what, num);
}

/* The keys of two dicts that differ; `allowed` lists the keys that may. */
static int check_dict_keys(struct diff *d, uint32_t num, const struct gaz_pdf_obj *x,
			   const struct gaz_pdf_obj *y, const char *const *allowed,
			   const char **changed, size_t *nchanged, size_t maxchanged)
{
	const struct gaz_pdf_obj *dicts[2] = { gaz_pdf_dict_of(x), gaz_pdf_dict_of(y) };
	size_t k, i, j;
	int rc, same;

	*nchanged = 0;
	if (!dicts[0] || !dicts[1] || x->type != y->type)
		return disallow(d, "%s object %u changed its type", type_of(x), num);
	if (x->type == GAZ_PDF_STREAM) {
		const unsigned char *px, *py;
		size_t nx, ny;

		gaz_pdf_stream_raw(d->pdf, x, &px, &nx);
		gaz_pdf_stream_raw(d->pdf, y, &py, &ny);
		if (nx != ny || memcmp(px, py, nx))
			return disallow(d, "%s stream %u: its data changed", type_of(x), num);
	}
	for (k = 0; k < 2; k++) {
		const struct gaz_pdf_obj *me = dicts[k], *other = dicts[1 - k];

		for (i = 0; i < me->u.dict.n; i++) {
			const char *key = me->u.dict.v[i].key;
			const struct gaz_pdf_obj *ov = gaz_pdf_dict_get(other, key);
			int ok = 0;

			if (k == 1 && ov)
				continue; /* compared in the first pass */
			if ((rc = same_value(d->pdf, me->u.dict.v[i].val, ov, &same)))
				return rc;
			if (same)
				continue;
			for (j = 0; allowed && allowed[j]; j++)
				if (!strcmp(allowed[j], key))
					ok = 1;
			if (!ok) {
				d->allowed = 0;
				if ((rc = vmsg(d->out, "%s object %u: /%s %s", type_of(y), num, key,
					       !ov ? (k ? "added" : "removed") : "changed")))
					return rc;
			} else if (*nchanged < maxchanged) {
				changed[(*nchanged)++] = key;
			}
		}
	}
	return 0;
}

static int check_acroform(struct diff *d, uint32_t num, const struct gaz_pdf_obj *x,
			  const struct gaz_pdf_obj *y)
{
	static const char *const ok[] = { "Fields", "SigFlags", NULL };
	const struct gaz_pdf_obj *fx = NULL, *fy = NULL;
	const char *changed[4];
	size_t n, i;
	int rc;

	if (!x || !y)
		return disallow(d, "the interactive form (%s) of object %u was added or removed",
				"AcroForm", num);
	if ((rc = check_dict_keys(d, num, x, y, ok, changed, &n, 4)))
		return rc;
	for (i = 0; i < n; i++) {
		if (strcmp(changed[i], "Fields"))
			continue;
		rc = gaz_pdf_dict_resolve(d->pdf, d->a, x, "Fields", &fx);
		if (rc && rc != GAZ_ENOTFOUND)
			return rc;
		rc = gaz_pdf_dict_resolve(d->pdf, d->b, y, "Fields", &fy);
		if (rc && rc != GAZ_ENOTFOUND)
			return rc;
		if ((rc = check_append(d, fx, fy, "/Fields", num)))
			return rc;
		if ((rc = allow_reachable(d, gaz_pdf_dict_get(y, "Fields"))) )
			return rc;
	}
	return 0;
}

static int check_page(struct diff *d, uint32_t num, const struct gaz_pdf_obj *x,
		      const struct gaz_pdf_obj *y)
{
	static const char *const ok[] = { "Annots", NULL };
	const struct gaz_pdf_obj *ax = NULL, *ay = NULL;
	const char *changed[2];
	size_t n;
	int rc;

	if ((rc = check_dict_keys(d, num, x, y, ok, changed, &n, 2)) || !n)
		return rc;
	rc = gaz_pdf_dict_resolve(d->pdf, d->a, x, "Annots", &ax);
	if (rc && rc != GAZ_ENOTFOUND)
		return rc;
	rc = gaz_pdf_dict_resolve(d->pdf, d->b, y, "Annots", &ay);
	if (rc && rc != GAZ_ENOTFOUND)
		return rc;
	if ((rc = check_append(d, ax, ay, "/Annots of page", num)))
		return rc;
	/* a new /Annots array object belongs to the page change */
	return allow_reachable(d, gaz_pdf_dict_get(y, "Annots"));
}

static int check_catalog(struct diff *d, uint32_t num, const struct gaz_pdf_obj *x,
			 const struct gaz_pdf_obj *y)
{
	static const char *const ok[] = { "DSS", "Extensions", "AcroForm", NULL };
	const char *changed[4];
	size_t n, i;
	int rc;

	if ((rc = check_dict_keys(d, num, x, y, ok, changed, &n, 4)))
		return rc;
	for (i = 0; i < n; i++) {
		const struct gaz_pdf_obj *vx = NULL, *vy = NULL, *raw = gaz_pdf_dict_get(y, changed[i]);

		if (!strcmp(changed[i], "AcroForm")) {
			const struct gaz_pdf_obj *rx = gaz_pdf_dict_get(x, "AcroForm");

			/* the same indirect AcroForm is compared as its own object */
			if (rx && raw && rx->type == GAZ_PDF_REF && raw->type == GAZ_PDF_REF &&
			    rx->u.ref.num == raw->u.ref.num)
				continue;
			rc = gaz_pdf_dict_resolve(d->pdf, d->a, x, "AcroForm", &vx);
			if (rc && rc != GAZ_ENOTFOUND)
				return rc;
			rc = gaz_pdf_dict_resolve(d->pdf, d->b, y, "AcroForm", &vy);
			if (rc && rc != GAZ_ENOTFOUND)
				return rc;
			if (raw && raw->type == GAZ_PDF_REF && raw->u.ref.num < d->n &&
			    (d->f[raw->u.ref.num] & F_ADDED))
				d->f[raw->u.ref.num] |= F_ALLOWED;
			if ((rc = check_acroform(d, num, vx, vy)))
				return rc;
			continue;
		}
		if ((rc = allow_reachable(d, raw)))
			return rc;
		if ((rc = vmsg(d->out, "catalog: /%s %s (allowed)", changed[i],
			       gaz_pdf_dict_get(x, changed[i]) ? "updated" : "added")))
			return rc;
	}
	return 0;
}

/* Marks the objects reachable (through references) from v in revision a
 * with flag, unless they already have a role. */
static int mark_roles_from(struct diff *d, const struct gaz_pdf_obj *v, uint16_t flag)
{
	const struct gaz_pdf_obj **stack = NULL;
	size_t n = 0, cap = 0, i;
	int rc = 0;

#define PUSH(x) do { if (n == cap) { size_t nc = cap ? cap * 2 : 64; \
	const struct gaz_pdf_obj **ns = realloc(stack, nc * sizeof(*ns)); \
	if (!ns) { rc = GAZ_ENOMEM; goto end; } stack = ns; cap = nc; } stack[n++] = (x); } while (0)
	if (v)
		PUSH(v);
	while (n) {
		const struct gaz_pdf_obj *o = stack[--n];

		if (o->type == GAZ_PDF_REF) {
			const struct gaz_pdf_obj *t;

			if (o->u.ref.num >= d->n || (d->f[o->u.ref.num] & (F_VISITED | F_PAGE | F_ANNOTS |
									    F_ACROFORM | F_FIELDS | F_INFO)))
				continue;
			d->f[o->u.ref.num] |= F_VISITED | flag;
			if (!gaz_pdf_get(d->pdf, d->a, o->u.ref.num, o->u.ref.gen, &t))
				PUSH(t);
		} else if (o->type == GAZ_PDF_ARRAY) {
			for (i = 0; i < o->u.array.n; i++)
				PUSH(o->u.array.v[i]);
		} else if (o->type == GAZ_PDF_DICT) {
			for (i = 0; i < o->u.dict.n; i++)
				PUSH(o->u.dict.v[i].val);
		} else if (o->type == GAZ_PDF_STREAM) {
			PUSH(o->u.stream.dict);
		}
	}
#undef PUSH
end:
	free(stack);
	for (i = 0; i < d->n; i++)
		d->f[i] &= (uint16_t)~F_VISITED;
	return rc;
}

static void mark_ref(struct diff *d, const struct gaz_pdf_obj *v, uint16_t flag)
{
	if (v && v->type == GAZ_PDF_REF && v->u.ref.num < d->n)
		d->f[v->u.ref.num] |= flag;
}

/* Compares revision a with revision b of pdf (a < b); one line per finding
 * goes to out, *allowed says whether every change is a permitted one. */
static int diff_revs(struct gaz_pdf *pdf, size_t a, size_t b, struct gaz_msgs *out,
		     int *allowed, uint32_t *count, uint64_t *budget)
{
	struct diff d = { pdf, a, b, 0, NULL, out, 1, 0 };
	struct gaz_pdf_rev ra, rb;
	struct gaz_pdf_page *pages = NULL;
	const struct gaz_pdf_obj *cat_a, *cat_b, *form = NULL;
	uint32_t root_a, root_b, num;
	size_t npages = 0, i;
	int rc;

	if ((rc = gaz_pdf_rev_info(pdf, a, &ra)) || (rc = gaz_pdf_rev_info(pdf, b, &rb)))
		return rc;
	if ((rc = gaz_pdf_catalog(pdf, a, &cat_a, &root_a, NULL)) ||
	    (rc = gaz_pdf_catalog(pdf, b, &cat_b, &root_b, NULL)))
		goto end;
	d.n = (ra.max_num > rb.max_num ? ra.max_num : rb.max_num) + 1;
	/* each object number costs a look-up along both revisions' xref chains */
	if ((uint64_t)d.n * (b + 2) > *budget) {
		rc = gaz_fail(GAZ_ETOOBIG, "too many objects and revisions to compare (more than %llu "
			      "look-ups)", (unsigned long long)GAZ_VERIFY_MAX_WORK);
		goto end;
	}
	*budget -= (uint64_t)d.n * (b + 2);
	if (!(d.f = calloc(d.n, sizeof(*d.f)))) {
		rc = GAZ_ENOMEM;
		goto end;
	}
	if (root_a != root_b) {
		d.allowed = 0;
		if ((rc = vmsg(out, "the catalog was replaced (object %u → %u)", root_a, root_b)))
			goto end;
	}
	/* roles in the signed revision */
	if ((rc = gaz_pdf_pages(pdf, a, &pages, &npages)))
		goto end;
	if ((uint64_t)npages * (a + 2) > *budget) {
		rc = gaz_fail(GAZ_ETOOBIG, "too many pages and revisions to compare");
		goto end;
	}
	*budget -= (uint64_t)npages * (a + 2);
	for (i = 0; i < npages; i++) {
		d.f[pages[i].num] |= F_PAGE;
		mark_ref(&d, gaz_pdf_dict_get(pages[i].dict, "Annots"), F_ANNOTS);
	}
	mark_ref(&d, gaz_pdf_dict_get(cat_a, "AcroForm"), F_ACROFORM);
	if (!gaz_pdf_dict_resolve(pdf, a, cat_a, "AcroForm", &form))
		mark_ref(&d, gaz_pdf_dict_get(form, "Fields"), F_FIELDS);
	mark_ref(&d, gaz_pdf_dict_get(ra.trailer, "Info"), F_INFO);
	if ((rc = mark_roles_from(&d, gaz_pdf_dict_get(cat_a, "DSS"), F_DSS)))
		goto end;

	/* pass 1: which objects differ */
	for (num = 1; num < d.n; num++) {
		struct gaz_pdf_xentry xa, xb;
		int ua, ub, same;
		const struct gaz_pdf_obj *oa, *ob;

		rc = gaz_pdf_xref_lookup(pdf, a, num, &xa);
		ua = !rc && xa.type != GAZ_PDF_XFREE;
		rc = gaz_pdf_xref_lookup(pdf, b, num, &xb);
		ub = !rc && xb.type != GAZ_PDF_XFREE;
		if (!ua && !ub)
			continue;
		if (ua && ub && xa.type == xb.type && xa.gen == xb.gen &&
		    ((xa.type == GAZ_PDF_XUSED && xa.offset == xb.offset) ||
		     (xa.type == GAZ_PDF_XCOMPRESSED && xa.stm == xb.stm && xa.idx == xb.idx &&
		      xa.section == xb.section)))
			continue;
		if (ua && ub) {
			if ((rc = gaz_pdf_get(pdf, a, num, xa.gen, &oa)) ||
			    (rc = gaz_pdf_get(pdf, b, num, xb.gen, &ob)))
				goto end;
			if ((rc = same_value(pdf, oa, ob, &same)))
				goto end;
			if (!same)
				d.f[num] |= F_CHANGED;
			continue;
		}
		if (ua) {
			d.f[num] |= F_REMOVED;
			continue;
		}
		d.f[num] |= F_ADDED;
		if (!gaz_pdf_get(pdf, b, num, xb.gen, &ob) &&
		    (gaz_pdf_is_name(gaz_pdf_dict_get(ob, "Type"), "XRef") ||
		     gaz_pdf_is_name(gaz_pdf_dict_get(ob, "Type"), "ObjStm")))
			d.f[num] |= F_STRUCT | F_ALLOWED;
	}

	/* pass 2: is each change a permitted one */
	for (num = 1; num < d.n; num++) {
		struct gaz_pdf_xentry xa, xb;
		const struct gaz_pdf_obj *oa, *ob;

		if (d.f[num] & F_REMOVED) {
			if ((rc = disallow(&d, "%sobject %u deleted", "", num)))
				goto end;
			continue;
		}
		if (!(d.f[num] & F_CHANGED))
			continue;
		d.count++;
		if ((rc = gaz_pdf_xref_lookup(pdf, a, num, &xa)) ||
		    (rc = gaz_pdf_xref_lookup(pdf, b, num, &xb)) ||
		    (rc = gaz_pdf_get(pdf, a, num, xa.gen, &oa)) ||
		    (rc = gaz_pdf_get(pdf, b, num, xb.gen, &ob)))
			goto end;
		if (num == root_a && root_a == root_b)
			rc = check_catalog(&d, num, oa, ob);
		else if (d.f[num] & F_PAGE)
			rc = check_page(&d, num, oa, ob);
		else if (d.f[num] & (F_ANNOTS | F_FIELDS))
			rc = check_append(&d, oa, ob, d.f[num] & F_ANNOTS ? "/Annots array" : "/Fields array",
					  num);
		else if (d.f[num] & F_ACROFORM)
			rc = check_acroform(&d, num, oa, ob);
		else if (d.f[num] & F_INFO) {
			static const char *const ok[] = { "ModDate", "Producer", NULL };
			const char *changed[2];
			size_t n;

			rc = check_dict_keys(&d, num, oa, ob, ok, changed, &n, 2);
		} else if (d.f[num] & F_DSS) {
			rc = vmsg(out, "DSS object %u updated (allowed)", num);
			if (!rc)
				rc = allow_reachable(&d, ob);
		} else {
			rc = disallow(&d, "%s object %u changed", type_of(ob), num);
		}
		if (rc)
			goto end;
	}
	/* pass 3: every new object must belong to a permitted change */
	for (num = 1; num < d.n; num++) {
		const struct gaz_pdf_obj *ob;
		struct gaz_pdf_xentry xb;

		if (!(d.f[num] & F_ADDED) || (d.f[num] & F_STRUCT))
			continue;
		d.count++;
		if (d.f[num] & F_ALLOWED)
			continue;
		if ((rc = gaz_pdf_xref_lookup(pdf, b, num, &xb)) ||
		    (rc = gaz_pdf_get(pdf, b, num, xb.gen, &ob)))
			goto end;
		if ((rc = disallow(&d, "new %s object %u (not part of a DSS or document timestamp)",
				   type_of(ob), num)))
			goto end;
	}
	*allowed = d.allowed;
	*count = d.count;
end:
	free(pages);
	free(d.f);
	return rc;
}

/* ---- finding signatures ---------------------------------------------------- */

struct found {
	uint32_t field;                 /* field object number */
	const struct gaz_pdf_obj *fdict;
	const struct gaz_pdf_obj *vref; /* the /V value as written (ref or dict) */
	char *name;
};

static char *pdf_text(const struct gaz_pdf_obj *s)
{
	struct gaz_buf b = GAZ_BUF_INIT(1 << 16);
	size_t i;

	if (!s || s->type != GAZ_PDF_STRING)
		return vstrdup("");
	if (s->u.str.len >= 2 && s->u.str.p[0] == 0xfe && s->u.str.p[1] == 0xff) {
		for (i = 2; i + 1 < s->u.str.len; i += 2) {
			uint32_t cp = (uint32_t)s->u.str.p[i] << 8 | s->u.str.p[i + 1];
			char u[4];
			size_t n;

			if (cp >= 0xd800 && cp < 0xdc00 && i + 3 < s->u.str.len) {
				uint32_t lo = (uint32_t)s->u.str.p[i + 2] << 8 | s->u.str.p[i + 3];

				if (lo >= 0xdc00 && lo < 0xe000) {
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
					i += 2;
				}
			}
			if (!(n = gaz_utf8_encode(cp, u)))
				n = gaz_utf8_encode(0xfffd, u);
			if (gaz_buf_add(&b, u, n))
				break;
		}
	} else {
		for (i = 0; i < s->u.str.len; i++) {
			char u[4];
			size_t n = gaz_utf8_encode(s->u.str.p[i] >= 0x20 ? s->u.str.p[i] : 0xfffd, u);

			if (gaz_buf_add(&b, u, n))
				break;
		}
	}
	if (!b.data)
		return vstrdup("");
	return gaz_buf_detach(&b, NULL);
}

static int add_found(struct found **v, size_t *n, uint32_t field, const struct gaz_pdf_obj *fdict,
		     const struct gaz_pdf_obj *vref, const char *name)
{
	struct found *nv;
	size_t i;

	for (i = 0; i < *n; i++)
		if ((*v)[i].field == field)
			return 0;
	if (*n >= GAZ_VERIFY_MAX_SIGS)
		return gaz_fail(GAZ_ETOOBIG, "more than %d signatures", GAZ_VERIFY_MAX_SIGS);
	if (!(nv = realloc(*v, (*n + 1) * sizeof(*nv))))
		return GAZ_ENOMEM;
	*v = nv;
	nv[*n].field = field;
	nv[*n].fdict = fdict;
	nv[*n].vref = vref;
	if (!(nv[*n].name = vstrdup(name)))
		return GAZ_ENOMEM;
	(*n)++;
	return 0;
}

/* Walks /AcroForm /Fields (explicit stack, depth limit, visited set), then
 * the pages' widgets, collecting signature fields that have a value. */
static int find_sigs(struct gaz_pdf *pdf, struct found **out, size_t *nout)
{
	struct item { const struct gaz_pdf_obj *ref; unsigned depth; int ft_sig; char *prefix; };
	struct item *stack = NULL;
	size_t n = 0, cap = 0, visited_n = 0, i, j, npages = 0;
	uint32_t *visited = NULL;
	const struct gaz_pdf_obj *cat, *form, *fields;
	struct gaz_pdf_page *pages = NULL;
	int rc;

	if ((rc = gaz_pdf_catalog(pdf, GAZ_PDF_LATEST, &cat, NULL, NULL)))
		return rc;
	if (!gaz_pdf_dict_resolve(pdf, GAZ_PDF_LATEST, cat, "AcroForm", &form) &&
	    !gaz_pdf_dict_resolve(pdf, GAZ_PDF_LATEST, form, "Fields", &fields) &&
	    fields->type == GAZ_PDF_ARRAY) {
		if (!(visited = calloc(GAZ_VERIFY_MAX_FIELDS, sizeof(*visited))) ||
		    !(stack = malloc(GAZ_VERIFY_MAX_FIELDS * sizeof(*stack)))) {
			rc = GAZ_ENOMEM;
			goto end;
		}
		cap = GAZ_VERIFY_MAX_FIELDS;
		for (i = fields->u.array.n; i-- > 0 && n < cap;)
			stack[n++] = (struct item){ fields->u.array.v[i], 0, 0, NULL };
		while (n) {
			struct item it = stack[--n];
			const struct gaz_pdf_obj *f, *kids, *t;
			char *name = NULL, *part;
			int ft_sig = it.ft_sig, seen = 0;

			if (it.ref->type != GAZ_PDF_REF || it.depth > GAZ_PDF_MAX_DEPTH) {
				free(it.prefix);
				continue;
			}
			for (j = 0; j < visited_n; j++)
				if (visited[j] == it.ref->u.ref.num)
					seen = 1;
			if (seen || visited_n >= GAZ_VERIFY_MAX_FIELDS ||
			    gaz_pdf_get(pdf, GAZ_PDF_LATEST, it.ref->u.ref.num, it.ref->u.ref.gen, &f) ||
			    f->type != GAZ_PDF_DICT) {
				free(it.prefix);
				continue;
			}
			visited[visited_n++] = it.ref->u.ref.num;
			t = gaz_pdf_dict_get(f, "FT");
			if (t)
				ft_sig = gaz_pdf_is_name(t, "Sig");
			part = pdf_text(gaz_pdf_dict_get(f, "T"));
			if (!part) {
				free(it.prefix);
				rc = GAZ_ENOMEM;
				goto end;
			}
			if (it.prefix && *part) {
				struct gaz_buf b = GAZ_BUF_INIT(1 << 16);

				gaz_buf_printf(&b, "%s.%s", it.prefix, part);
				name = gaz_buf_detach(&b, NULL);
				free(part);
			} else if (it.prefix) {
				name = vstrdup(it.prefix);
				free(part);
			} else {
				name = part;
			}
			free(it.prefix);
			if (!name) {
				rc = GAZ_ENOMEM;
				goto end;
			}
			if (ft_sig && gaz_pdf_dict_get(f, "V") &&
			    (rc = add_found(out, nout, it.ref->u.ref.num, f, gaz_pdf_dict_get(f, "V"), name))) {
				free(name);
				goto end;
			}
			if (!gaz_pdf_dict_resolve(pdf, GAZ_PDF_LATEST, f, "Kids", &kids) &&
			    kids->type == GAZ_PDF_ARRAY) {
				for (i = kids->u.array.n; i-- > 0 && n < cap;) {
					stack[n++] = (struct item){ kids->u.array.v[i], it.depth + 1, ft_sig,
								    vstrdup(name) };
				}
			}
			free(name);
		}
	}
	/* widgets on pages that carry a signature value but are not form fields */
	if (!gaz_pdf_pages(pdf, GAZ_PDF_LATEST, &pages, &npages)) {
		for (i = 0; i < npages; i++) {
			const struct gaz_pdf_obj *annots, *w;

			if (gaz_pdf_dict_resolve(pdf, GAZ_PDF_LATEST, pages[i].dict, "Annots", &annots) ||
			    annots->type != GAZ_PDF_ARRAY)
				continue;
			for (j = 0; j < annots->u.array.n; j++) {
				const struct gaz_pdf_obj *ref = annots->u.array.v[j];

				if (ref->type != GAZ_PDF_REF ||
				    gaz_pdf_get(pdf, GAZ_PDF_LATEST, ref->u.ref.num, ref->u.ref.gen, &w))
					continue;
				if (gaz_pdf_is_name(gaz_pdf_dict_get(w, "FT"), "Sig") &&
				    gaz_pdf_dict_get(w, "V")) {
					char *nm = pdf_text(gaz_pdf_dict_get(w, "T"));

					rc = nm ? add_found(out, nout, ref->u.ref.num, w,
							    gaz_pdf_dict_get(w, "V"), nm) : GAZ_ENOMEM;
					free(nm);
					if (rc)
						goto end;
				}
			}
		}
	}
	rc = 0;
end:
	while (n)
		free(stack[--n].prefix);
	free(stack);
	free(visited);
	free(pages);
	return rc;
}

/* ---- one signature ------------------------------------------------------- */

static int is_hex(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int check_one(struct gaz_pdf *pdf, struct vctx *c, const struct found *fd,
		     struct gaz_sig_report *s, size_t *sigrev)
{
	const unsigned char *buf;
	const struct gaz_pdf_obj *v, *br, *ct, *refs, *t;
	struct vranges rg;
	size_t len, nrevs = gaz_pdf_nrevs(pdf), i;
	int64_t r[4];
	int rc;

	buf = gaz_pdf_bytes(pdf, &len);
	s->rev = NOREV;
	*sigrev = NOREV;
	if (!(s->field = vstrdup(fd->name)))
		return GAZ_ENOMEM;
	if (fd->vref->type == GAZ_PDF_REF)
		s->obj = fd->vref->u.ref.num;
	if ((rc = gaz_pdf_resolve(pdf, GAZ_PDF_LATEST, fd->vref, &v)) || v->type != GAZ_PDF_DICT) {
		if (fatal(rc))
			return rc;
		return vmsg(&s->problems, "the signature value /V is not a dictionary");
	}
	t = gaz_pdf_dict_get(v, "SubFilter");
	if (t && t->type == GAZ_PDF_NAME && !(s->subfilter = vstrdup(t->u.name.p)))
		return GAZ_ENOMEM;
	s->kind = gaz_pdf_is_name(gaz_pdf_dict_get(v, "Type"), "DocTimeStamp") ? GAZ_SIG_DOCTIMESTAMP
										: GAZ_SIG_APPROVAL;
	if (!gaz_pdf_resolve(pdf, GAZ_PDF_LATEST, gaz_pdf_dict_get(v, "Reference"), &refs) &&
	    refs->type == GAZ_PDF_ARRAY) {
		for (i = 0; i < refs->u.array.n; i++) {
			const struct gaz_pdf_obj *ref, *tp, *p;
			int64_t pv = 2;

			if (gaz_pdf_resolve(pdf, GAZ_PDF_LATEST, refs->u.array.v[i], &ref) ||
			    !gaz_pdf_is_name(gaz_pdf_dict_get(ref, "TransformMethod"), "DocMDP"))
				continue;
			s->kind = GAZ_SIG_CERTIFICATION;
			if (!gaz_pdf_dict_resolve(pdf, GAZ_PDF_LATEST, ref, "TransformParams", &tp) &&
			    (p = gaz_pdf_dict_get(tp, "P")) && (gaz_pdf_get_int(p, &pv) || pv < 1 || pv > 3)) {
				vmsg(&s->problems, "DocMDP /P is not 1, 2 or 3");
				pv = 1;
			}
			s->docmdp = (int)pv;
		}
	}
	if (s->kind == GAZ_SIG_CERTIFICATION) {
		const struct gaz_pdf_obj *cat, *perms, *dm;

		if (gaz_pdf_catalog(pdf, GAZ_PDF_LATEST, &cat, NULL, NULL) ||
		    gaz_pdf_dict_resolve(pdf, GAZ_PDF_LATEST, cat, "Perms", &perms) ||
		    !(dm = gaz_pdf_dict_get(perms, "DocMDP")) || dm->type != GAZ_PDF_REF ||
		    fd->vref->type != GAZ_PDF_REF || dm->u.ref.num != fd->vref->u.ref.num)
			vmsg(&s->warnings, "the catalog's /Perms /DocMDP does not name this certification");
	}
	{
		const struct gaz_pdf_obj *m = gaz_pdf_dict_get(v, "M"), *re = gaz_pdf_dict_get(v, "Reason"),
					 *lo = gaz_pdf_dict_get(v, "Location");

		if ((m && !(s->m = pdf_text(m))) || (re && !(s->reason = pdf_text(re))) ||
		    (lo && !(s->location = pdf_text(lo))))
			return GAZ_ENOMEM;
	}
	if (s->subfilter && strcmp(s->subfilter, "ETSI.CAdES.detached") &&
	    strcmp(s->subfilter, "adbe.pkcs7.detached") && strcmp(s->subfilter, "ETSI.RFC3161"))
		return vmsg(&s->problems, "unsupported /SubFilter %s", s->subfilter);
	if (!s->subfilter)
		return vmsg(&s->problems, "no /SubFilter");
	if ((s->kind == GAZ_SIG_DOCTIMESTAMP) != !strcmp(s->subfilter, "ETSI.RFC3161"))
		return vmsg(&s->problems, "/SubFilter %s does not match /Type", s->subfilter);

	/* /ByteRange: four direct non-negative integers, [0 b c d] */
	br = gaz_pdf_dict_get(v, "ByteRange");
	if (!br || br->type != GAZ_PDF_ARRAY)
		return vmsg(&s->problems, "no direct /ByteRange array");
	if (br->u.array.n != 4)
		return vmsg(&s->problems, "/ByteRange has %zu numbers, not 4", br->u.array.n);
	for (i = 0; i < 4; i++) {
		if (gaz_pdf_get_int(br->u.array.v[i], &r[i]))
			return vmsg(&s->problems, "/ByteRange holds a non-integer");
		s->range[i] = r[i];
		if (r[i] < 0)
			return vmsg(&s->problems, "/ByteRange holds a negative number");
	}
	if (r[0] != 0)
		return vmsg(&s->problems, "/ByteRange does not start at 0");
	if (r[1] <= 0 || r[2] <= r[1])
		return vmsg(&s->problems, "/ByteRange ranges overlap or are out of order");
	if ((uint64_t)r[2] > len || (uint64_t)r[3] > len - (uint64_t)r[2])
		return vmsg(&s->problems, "/ByteRange reaches beyond the end of the file");
	ct = gaz_pdf_dict_get(v, "Contents");
	if (!ct || ct->type != GAZ_PDF_STRING || !ct->u.str.hex || !ct->in_file || !ct->u.str.len)
		return vmsg(&s->problems, "/Contents is missing, empty, not a direct hex string, "
			    "or not in the file's bytes");
	if ((uint64_t)r[1] != ct->start || (uint64_t)r[2] != ct->end)
		return vmsg(&s->problems, "the /ByteRange gap [%lld, %lld) is not this signature's "
			    "/Contents at [%zu, %zu)", (long long)r[1], (long long)r[2], ct->start, ct->end);
	if (buf[ct->start] != '<' || buf[ct->end - 1] != '>')
		return vmsg(&s->problems, "/Contents is not delimited by < >");
	for (i = ct->start + 1; i + 1 < ct->end; i++)
		if (!is_hex(buf[i]))
			return vmsg(&s->problems, "the /ByteRange gap holds a byte that is not a hex digit");
	s->range_ok = 1;
	s->signed_bytes = (size_t)r[1] + (size_t)r[3];

	/* which revision: the range must end where a revision ends */
	for (i = 0; i < nrevs; i++) {
		struct gaz_pdf_rev rv;

		gaz_pdf_rev_info(pdf, i, &rv);
		if ((uint64_t)(r[2] + r[3]) == rv.end || (uint64_t)(r[2] + r[3]) == rv.eof_end) {
			s->rev = i;
			break;
		}
	}
	if (s->rev == NOREV)
		vmsg(&s->problems, "the signed range ends at byte %lld, which is not the end of a "
		     "revision (%%%%EOF)", (long long)(r[2] + r[3]));
	else {
		/* the signature dictionary must be the same object when signed */
		struct gaz_pdf_xentry x1, x2;
		uint32_t num = fd->vref->type == GAZ_PDF_REF ? fd->vref->u.ref.num : fd->field;

		if (gaz_pdf_xref_lookup(pdf, s->rev, num, &x1) || gaz_pdf_xref_lookup(pdf, GAZ_PDF_LATEST,
										       num, &x2) ||
		    x1.type != GAZ_PDF_XUSED || x2.type != GAZ_PDF_XUSED || x1.offset != x2.offset)
			vmsg(&s->problems, "the signature dictionary (object %u) is not the one in the "
			     "signed revision", num);
		*sigrev = s->rev;
	}
	/* the newest revision, and nothing after the range but its end of line */
	s->whole_file = s->rev == nrevs - 1;
	for (i = (size_t)(r[2] + r[3]); s->whole_file && i < len; i++)
		if (buf[i] != '\r' && buf[i] != '\n')
			s->whole_file = 0;

	/* the signed bytes, borrowed from the file */
	rg.p[0] = buf;
	rg.n[0] = (size_t)r[1];
	rg.p[1] = buf + r[2];
	rg.n[1] = (size_t)r[3];
	if (s->kind == GAZ_SIG_DOCTIMESTAMP)
		return vcms_doctimestamp(c, ct->u.str.p, ct->u.str.len, &rg, s);
	return vcms_signature(c, ct->u.str.p, ct->u.str.len, &rg, s);
}

/* ---- the whole file ------------------------------------------------------- */

static int load_dss(struct gaz_pdf *pdf, struct vctx *c, struct gaz_msgs *warn)
{
	const struct gaz_pdf_obj *cat, *dss, *arr;
	static const char *const keys[] = { "Certs", "CRLs" };
	size_t k, i;
	int rc;

	if (gaz_pdf_catalog(pdf, GAZ_PDF_LATEST, &cat, NULL, NULL) ||
	    gaz_pdf_dict_resolve(pdf, GAZ_PDF_LATEST, cat, "DSS", &dss))
		return 0;
	for (k = 0; k < 2; k++) {
		if (gaz_pdf_dict_resolve(pdf, GAZ_PDF_LATEST, dss, keys[k], &arr) ||
		    arr->type != GAZ_PDF_ARRAY)
			continue;
		for (i = 0; i < arr->u.array.n && i < 1000; i++) {
			const struct gaz_pdf_obj *s;
			const unsigned char *p, *q;
			size_t n;

			if ((rc = gaz_pdf_resolve(pdf, GAZ_PDF_LATEST, arr->u.array.v[i], &s)) ||
			    (rc = gaz_pdf_stream_decode(pdf, GAZ_PDF_LATEST, s, &p, &n))) {
				if (fatal(rc))
					return rc;
				vmsg(warn, "/DSS /%s entry %zu is unreadable", keys[k], i);
				continue;
			}
			q = p;
			if (k == 0) {
				/* parsed when a signature needs them, reusing its own */
				if ((rc = vctx_add_dss(c, p, n, i)))
					return rc;
			} else {
				X509_CRL *crl = d2i_X509_CRL(NULL, &q, (long)n);

				if (!crl || !sk_X509_CRL_push(c->crls, crl)) {
					X509_CRL_free(crl);
					vmsg(warn, "/DSS CRL %zu is not DER", i);
				}
			}
		}
	}
	return 0;
}

static int sig_cmp(const void *x, const void *y)
{
	const struct gaz_sig_report *a = x, *b = y;

	return (a->rev > b->rev) - (a->rev < b->rev);
}

int gaz_verify_pdf(const void *buf, size_t len, const struct gaz_verify_opts *opts,
		   struct gaz_verify_report **out)
{
	struct gaz_verify_report *r = NULL;
	struct gaz_pdf *pdf = NULL;
	struct found *found = NULL;
	struct vctx c;
	uint64_t budget = GAZ_VERIFY_MAX_WORK;
	size_t nfound = 0, i, k, nrevs;
	int rc, have_ctx = 0;
	const unsigned char *p = buf;

	if ((rc = vctx_init(&c, opts)))
		return rc;
	have_ctx = 1;
	rc = GAZ_ENOMEM;
	if (!(r = calloc(1, sizeof(*r))))
		goto end;
	r->file_len = len;
	c.problems = &r->problems;
	if ((rc = gaz_pdf_open(buf, len, &pdf))) {
		if (fatal(rc))
			goto end;
		rc = vmsg(&r->problems, "malformed PDF: %s", gaz_errdetail());
		goto end;
	}
	if (!(r->pdf_version = vstrdup(gaz_pdf_version(pdf))))
		goto end;
	nrevs = r->nrevs = gaz_pdf_nrevs(pdf);
	if (!(r->revs = calloc(nrevs, sizeof(*r->revs))))
		goto end;
	for (i = 0; i < nrevs; i++) {
		struct gaz_pdf_rev rv;

		gaz_pdf_rev_info(pdf, i, &rv);
		r->revs[i].end = rv.end;
		r->revs[i].xref_stream = rv.xref_stream;
		r->revs[i].allowed = 1;
	}
	/* bytes after the newest %%EOF belong to no revision */
	for (i = r->revs[nrevs - 1].end; i < len; i++)
		if (!(p[i] == ' ' || p[i] == '\r' || p[i] == '\n' || p[i] == '\t' || p[i] == 0 ||
		      p[i] == '\f')) {
			if ((rc = vmsg(&r->problems, "%zu bytes after the last %%%%EOF are not part of "
				       "any revision", len - r->revs[nrevs - 1].end)))
				goto end;
			break;
		}
	if ((rc = load_dss(pdf, &c, &r->problems)))
		goto end;
	rc = find_sigs(pdf, &found, &nfound);
	if (rc) {
		if (fatal(rc))
			goto end;
		if ((rc = vmsg(&r->problems, "malformed PDF: %s", gaz_errdetail())))
			goto end;
	}
	if (!nfound && (rc = vmsg(&r->problems, "no signature")))
		goto end;
	if (nfound && !(r->sigs = calloc(nfound, sizeof(*r->sigs)))) {
		rc = GAZ_ENOMEM;
		goto end;
	}
	for (i = 0; i < nfound; i++) {
		struct gaz_sig_report *s = &r->sigs[r->nsigs++];
		size_t srev;

		if ((rc = check_one(pdf, &c, &found[i], s, &srev))) {
			if (fatal(rc))
				goto end;
			if ((rc = vmsg(&s->problems, "malformed PDF: %s", gaz_errdetail())))
				goto end;
		}
		s->changes_allowed = 1;
		if (srev != NOREV && srev + 1 < nrevs) {
			uint32_t cnt;

			rc = diff_revs(pdf, srev, nrevs - 1, &s->changes, &s->changes_allowed, &cnt,
				       &budget);
			if (rc) {
				if (fatal(rc))
					goto end;
				s->changes_allowed = 0;
				if ((rc = vmsg(&s->changes, "cannot compare: %s", gaz_errdetail())))
					goto end;
			}
			if (!s->changes_allowed &&
			    (rc = vmsg(&s->problems, "%s", s->docmdp == 1 ?
				       "the document was modified after this certification (DocMDP P=1 "
				       "allows no changes)" :
				       "the document was modified after signing (see changes)")))
				goto end;
		}
		if (s->problems.n == 0 && (s->digest != GAZ_CHECK_OK || s->signature != GAZ_CHECK_OK ||
					   s->chain != GAZ_CHECK_OK) &&
		    (rc = vmsg(&s->problems, "the signature could not be checked")))
			goto end;
		s->valid = s->problems.n == 0;
	}
	/* /DSS certificates no signature needed are still checked */
	if ((rc = vctx_dss_certs(&c)))
		goto end;
	/* the per-revision report comes last: the verdicts above get the work
	 * budget first */
	for (i = 1; i < nrevs; i++) {
		if ((rc = diff_revs(pdf, i - 1, i, &r->revs[i].changes, &r->revs[i].allowed,
				    &r->revs[i].objects, &budget))) {
			if (fatal(rc))
				goto end;
			r->revs[i].allowed = 0;
			if ((rc = vmsg(&r->revs[i].changes, "cannot compare: %s", gaz_errdetail())))
				goto end;
		}
	}
	if (r->nsigs > 1)
		qsort(r->sigs, r->nsigs, sizeof(*r->sigs), sig_cmp);
	/* a certification must be the first signature */
	for (i = 0; i < r->nsigs; i++)
		if (r->sigs[i].kind == GAZ_SIG_CERTIFICATION)
			for (k = 0; k < i; k++)
				if (r->sigs[k].kind != GAZ_SIG_DOCTIMESTAMP && r->sigs[k].rev < r->sigs[i].rev) {
					vmsg(&r->sigs[i].problems, "a certification signature must be the "
					     "first signature in the document");
					r->sigs[i].valid = 0;
					break;
				}
	rc = 0;
end:
	if (r) {
		r->valid = r->problems.n == 0 && r->nsigs > 0;
		for (i = 0; i < r->nsigs; i++)
			if (!r->sigs[i].valid)
				r->valid = 0;
	}
	for (i = 0; i < nfound; i++)
		free(found[i].name);
	free(found);
	gaz_pdf_close(pdf);
	if (have_ctx)
		vctx_release(&c);
	if (rc) {
		gaz_verify_report_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

static void sig_release(struct gaz_sig_report *s)
{
	free(s->field);
	free(s->subfilter);
	free(s->signer);
	free(s->issuer);
	free(s->serial);
	free(s->not_after);
	free(s->digest_alg);
	free(s->sig_alg);
	free(s->chain_detail);
	free(s->ts_time);
	free(s->ts_tsa);
	free(s->m);
	free(s->reason);
	free(s->location);
	vmsgs_release(&s->changes);
	vmsgs_release(&s->problems);
	vmsgs_release(&s->warnings);
}

void gaz_verify_report_free(struct gaz_verify_report *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->nsigs; i++)
		sig_release(&r->sigs[i]);
	free(r->sigs);
	for (i = 0; r->revs && i < r->nrevs; i++)
		vmsgs_release(&r->revs[i].changes);
	free(r->revs);
	vmsgs_release(&r->problems);
	free(r->pdf_version);
	free(r);
}

/* Incremental updates: append objects, a cross-reference section of the
 * original's kind, and a trailer chained with /Prev. */
#include "signer/pdfupdate.h"

#include <openssl/evp.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int upd_begin(struct upd *u, struct gaz_pdf *pdf)
{
	const unsigned char *bytes;
	size_t len;
	int rc;

	memset(u, 0, sizeof *u);
	bytes = gaz_pdf_bytes(pdf, &len);
	gaz_buf_init(&u->out, UPD_MAX_GROWTH);
	u->base = len;
	u->pdf = pdf;
	if ((rc = gaz_pdf_rev_info(pdf, GAZ_PDF_LATEST, &u->rev)))
		return rc;
	u->next = u->rev.size;
	if (len && bytes[len - 1] != '\n' && bytes[len - 1] != '\r')
		return gaz_buf_addc(&u->out, '\n');
	return 0;
}

void upd_release(struct upd *u)
{
	gaz_buf_release(&u->out);
}

int upd_alloc(struct upd *u, uint32_t *num)
{
	if (u->next >= GAZ_PDF_MAX_OBJECTS)
		return gaz_fail(GAZ_ETOOBIG, "no free object numbers left");
	*num = u->next++;
	return 0;
}

int upd_obj_begin(struct upd *u, uint32_t num, uint32_t gen)
{
	if (u->nobj == UPD_MAX_OBJECTS)
		return gaz_fail(GAZ_ETOOBIG, "too many objects in one update");
	u->obj[u->nobj].num = num;
	u->obj[u->nobj].gen = gen;
	u->obj[u->nobj].off = u->base + u->out.len;
	u->nobj++;
	return gaz_buf_printf(&u->out, "%u %u obj\n", num, gen);
}

int upd_obj_end(struct upd *u)
{
	return gaz_buf_addstr(&u->out, "\nendobj\n");
}

int upd_stream(struct upd *u, uint32_t num, const char *entries, const void *data, size_t n)
{
	int rc;

	if ((rc = upd_obj_begin(u, num, 0)) ||
	    (rc = gaz_buf_printf(&u->out, "<<%s/Length %zu>>\nstream\n", entries, n)) ||
	    (rc = gaz_buf_add(&u->out, data, n)) ||
	    (rc = gaz_buf_addstr(&u->out, "\nendstream")))
		return rc;
	return upd_obj_end(u);
}

int upd_text(struct gaz_buf *b, const char *utf8)
{
	const unsigned char *s = (const unsigned char *)utf8;
	size_t n = strlen(utf8), i, k, ascii = 1;
	unsigned char *w = NULL;
	size_t wl = 0, cap;
	uint32_t cp;
	int rc;

	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			ascii = 0;
	if (ascii)
		return gaz_pdf_write_string(b, s, n);
	if ((rc = gaz_size_mul(n, 4, &cap)) || (rc = gaz_size_add(cap, 2, &cap)))
		return rc;
	if (!(w = malloc(cap)))
		return GAZ_ENOMEM;
	w[wl++] = 0xfe;
	w[wl++] = 0xff;
	for (i = 0; i < n; i += k) {
		if (!(k = gaz_utf8_decode(s + i, n - i, &cp))) {
			free(w);
			return gaz_fail(GAZ_EINVAL, "text is not valid UTF-8");
		}
		if (cp >= 0x10000) {
			cp -= 0x10000;
			w[wl++] = (unsigned char)(0xd8 | (cp >> 18));
			w[wl++] = (unsigned char)(cp >> 10);
			w[wl++] = (unsigned char)(0xdc | ((cp >> 8) & 3));
			w[wl++] = (unsigned char)cp;
		} else {
			w[wl++] = (unsigned char)(cp >> 8);
			w[wl++] = (unsigned char)cp;
		}
	}
	rc = gaz_pdf_write_string(b, w, wl);
	free(w);
	return rc;
}

/* Appends the elements of the array o (resolved if a reference; absent is
 * empty) to b, each followed by a space. */
int upd_copy_array(struct gaz_buf *b, struct gaz_pdf *pdf, const struct gaz_pdf_obj *o,
		      const char *what)
{
	const struct gaz_pdf_obj *a;
	size_t i;
	int rc;

	if (!o)
		return 0;
	if ((rc = gaz_pdf_resolve(pdf, GAZ_PDF_LATEST, o, &a)))
		return rc == GAZ_ENOTFOUND ? 0 : rc;
	if (a->type == GAZ_PDF_NULL)
		return 0;
	if (a->type != GAZ_PDF_ARRAY)
		return gaz_fail(GAZ_EFORMAT, "%s is not an array", what);
	for (i = 0; i < a->u.array.n; i++)
		if ((rc = gaz_pdf_write(b, a->u.array.v[i])) || (rc = gaz_buf_addc(b, ' ')))
			return rc;
	return 0;
}

static int cmp_obj(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* /Root, /Info, /ID of the new trailer (and /Size, /Prev). */
static int trailer_entries(struct upd *u, uint32_t size, const char *salt)
{
	unsigned char id2[32];
	EVP_MD_CTX *c = NULL;
	char num[64];
	const struct gaz_pdf_obj *t = gaz_pdf_dict_of(u->rev.trailer), *v, *id;
	struct gaz_buf *b = &u->out;
	int rc;

	if ((rc = gaz_buf_printf(b, "/Size %u", size)))
		return rc;
	if (!(v = gaz_pdf_dict_get(t, "Root")))
		return gaz_fail(GAZ_EFORMAT, "the trailer has no /Root");
	if ((rc = gaz_buf_addstr(b, "/Root ")) || (rc = gaz_pdf_write(b, v)))
		return rc;
	if ((v = gaz_pdf_dict_get(t, "Info")) &&
	    ((rc = gaz_buf_addstr(b, "/Info ")) || (rc = gaz_pdf_write(b, v))))
		return rc;
	id = gaz_pdf_dict_get(t, "ID");
	if (id && id->type == GAZ_PDF_ARRAY && id->u.array.n == 2 &&
	    id->u.array.v[0]->type == GAZ_PDF_STRING) {
		/* The new revision's ID: a digest of the permanent ID, where the
		 * previous revision ends, and the caller's salt — deterministic,
		 * and cheap (no pass over the file). */
		snprintf(num, sizeof num, "%zu %zu ", u->rev.end, u->rev.startxref);
		if (!(c = EVP_MD_CTX_new()) || !EVP_DigestInit_ex(c, EVP_sha256(), NULL) ||
		    !EVP_DigestUpdate(c, id->u.array.v[0]->u.str.p, id->u.array.v[0]->u.str.len) ||
		    !EVP_DigestUpdate(c, num, strlen(num)) ||
		    !EVP_DigestUpdate(c, salt, strlen(salt)) || !EVP_DigestFinal_ex(c, id2, NULL)) {
			EVP_MD_CTX_free(c);
			return gaz_fail(GAZ_ECRYPTO, "SHA-256 failed");
		}
		EVP_MD_CTX_free(c);
		if ((rc = gaz_buf_addstr(b, "/ID [")) ||
		    (rc = gaz_pdf_write(b, id->u.array.v[0])) ||
		    (rc = gaz_buf_addc(b, ' ')) ||
		    (rc = gaz_pdf_write_string(b, id2, 16)) ||
		    (rc = gaz_buf_addc(b, ']')))
			return rc;
	}
	return gaz_buf_printf(b, "/Prev %zu", u->rev.startxref);
}

static int put_be(unsigned char *p, uint64_t v, int n)
{
	int i;

	for (i = n - 1; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
	return n;
}

int upd_finish(struct upd *u, const char *salt)
{
	struct gaz_buf *b = &u->out;
	unsigned char *rows = NULL;
	uint32_t size, xnum = 0;
	size_t i, j, xoff, rl = 0;
	int rc;

	if (u->rev.xref_stream && (rc = upd_alloc(u, &xnum)))
		return rc;
	size = u->next > u->rev.size ? u->next : u->rev.size;
	xoff = u->base + b->len;
	if (u->rev.xref_stream) {
		/* The stream lists itself too. */
		if (u->nobj == UPD_MAX_OBJECTS)
			return gaz_fail(GAZ_ETOOBIG, "too many objects in one update");
		u->obj[u->nobj].num = xnum;
		u->obj[u->nobj].gen = 0;
		u->obj[u->nobj].off = xoff;
		u->nobj++;
	}
	qsort(u->obj, u->nobj, sizeof u->obj[0], cmp_obj);
	for (i = 1; i < u->nobj; i++)
		if (u->obj[i].num == u->obj[i - 1].num)
			return gaz_fail(GAZ_EINTERNAL, "object %u written twice", u->obj[i].num);
	if (!u->rev.xref_stream) {
		if ((rc = gaz_buf_addstr(b, "xref\n")))
			return rc;
		for (i = 0; i < u->nobj; i = j) {
			for (j = i + 1; j < u->nobj && u->obj[j].num == u->obj[j - 1].num + 1; j++)
				;
			if ((rc = gaz_buf_printf(b, "%u %zu\n", u->obj[i].num, j - i)))
				return rc;
			for (; i < j; i++)
				if ((rc = gaz_buf_printf(b, "%010zu %05u n\r\n", u->obj[i].off,
							 u->obj[i].gen)))
					return rc;
		}
		if ((rc = gaz_buf_addstr(b, "trailer\n<<")) ||
		    (rc = trailer_entries(u, size, salt)) ||
		    (rc = gaz_buf_addstr(b, ">>\n")))
			return rc;
	} else {
		/* Uncompressed rows: type (1), offset (4), generation (2). */
		if (xoff > UINT32_MAX)
			return gaz_fail(GAZ_ETOOBIG, "file too large for a 4-byte xref stream");
		if (!(rows = malloc(u->nobj * 7)))
			return GAZ_ENOMEM;
		for (i = 0; i < u->nobj; i++) {
			rl += put_be(rows + rl, 1, 1);
			rl += put_be(rows + rl, u->obj[i].off, 4);
			rl += put_be(rows + rl, u->obj[i].gen, 2);
		}
		if ((rc = gaz_buf_printf(b, "%u 0 obj\n<</Type/XRef/W [1 4 2]/Index [", xnum)))
			goto end;
		for (i = 0; i < u->nobj; i = j) {
			for (j = i + 1; j < u->nobj && u->obj[j].num == u->obj[j - 1].num + 1; j++)
				;
			if ((rc = gaz_buf_printf(b, "%s%u %zu", i ? " " : "", u->obj[i].num, j - i)))
				goto end;
		}
		if ((rc = gaz_buf_addc(b, ']')) || (rc = trailer_entries(u, size, salt)) ||
		    (rc = gaz_buf_printf(b, "/Length %zu>>\nstream\n", rl)) ||
		    (rc = gaz_buf_add(b, rows, rl)) ||
		    (rc = gaz_buf_addstr(b, "\nendstream\nendobj\n")))
			goto end;
	}
	rc = gaz_buf_printf(b, "startxref\n%zu\n%%%%EOF\n", xoff);
end:
	free(rows);
	return rc;
}

/*
 * gazette sign: the signature's incremental update.
 *
 * Objects written (numbers from the trailer's /Size on):
 *   sig    the signature dictionary: /ByteRange (fixed-width, filled in
 *          last), /Contents placeholder, /M, /Reason, /Location, and with
 *          certify the DocMDP /Reference;
 *   field  the signature field merged with its widget (/F 132 =
 *          Print|Locked) on the last page: invisible (/Rect [0 0 0 0], an
 *          empty appearance, which PDF/A requires), or with a seal a widget
 *          in the bottom-right corner whose appearance (/AP /N, a form
 *          XObject) draws the image (signer/seal.c);
 *   the last page, rewritten with the widget added to /Annots;
 *   the catalog, rewritten with /AcroForm (/Fields + field, /SigFlags 3)
 *          and, with certify, /Perms /DocMDP; when /AcroForm is an indirect
 *          object that object is rewritten instead.
 * Then the digest over the two byte ranges, the CMS, and the hex fill.
 */
#include "gazette/sign.h"
#include "signer/pdfupdate.h"
#include "signer/seal.h"
#include "signer/sign_local.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* "/ByteRange [0 a b c" padded with spaces to this width, then "]". */
#define BR_WIDTH 40
/* The seal: this wide (points, ≈ 42 mm, a common seal size), this far from
 * the page's right and bottom edges. */
#define SEAL_WIDTH 120.0
#define SEAL_MARGIN 72.0

/* Bytes added to the trial size: TSA serial and signature lengths vary. */
#define CONTENTS_SLACK 160

struct sigpos {
	size_t br;        /* offset of the ByteRange padding field */
	size_t lt, gt;    /* offsets of '<' and '>' of /Contents */
};

static int pdf_date(struct gaz_buf *b, int64_t t)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (!gmtime_r(&tt, &tm))
		return gaz_fail(GAZ_EINVAL, "bad time %lld", (long long)t);
	return gaz_buf_printf(b, "(D:%04d%02d%02d%02d%02d%02d+00'00')", tm.tm_year + 1900,
			      tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* Refuses files whose existing signatures forbid another one. */
static int check_existing(struct gaz_pdf *pdf, const struct gaz_pdf_obj *cat, int certify)
{
	const struct gaz_pdf_obj *perms, *acro, *fields, *f, *ft;
	size_t i;

	if (!gaz_pdf_dict_resolve(pdf, GAZ_PDF_LATEST, cat, "Perms", &perms) &&
	    gaz_pdf_dict_get(perms, "DocMDP"))
		return gaz_fail(GAZ_EINVAL, "the file is already certified (/Perms /DocMDP); "
				"a certified gazette issue cannot be signed again");
	if (!certify)
		return 0;
	if (gaz_pdf_dict_resolve(pdf, GAZ_PDF_LATEST, cat, "AcroForm", &acro) ||
	    gaz_pdf_dict_resolve(pdf, GAZ_PDF_LATEST, acro, "Fields", &fields) ||
	    fields->type != GAZ_PDF_ARRAY)
		return 0;
	for (i = 0; i < fields->u.array.n; i++) {
		if (gaz_pdf_resolve(pdf, GAZ_PDF_LATEST, fields->u.array.v[i], &f))
			continue;
		ft = gaz_pdf_dict_get(f, "FT");
		if (gaz_pdf_is_name(ft, "Sig") && gaz_pdf_dict_get(f, "V"))
			return gaz_fail(GAZ_EINVAL, "the file is already signed; a certification "
					"signature (--certify) must be the first signature");
	}
	return 0;
}

/* A field name not used by the form's top-level fields. */
static int field_name(struct gaz_pdf *pdf, const struct gaz_pdf_obj *acro, char *name, size_t n)
{
	const struct gaz_pdf_obj *fields = NULL, *f, *t;
	unsigned k;
	size_t i;
	int used;

	if (acro)
		gaz_pdf_dict_resolve(pdf, GAZ_PDF_LATEST, acro, "Fields", &fields);
	for (k = 1; k < 10000; k++) {
		snprintf(name, n, "Signature%u", k);
		used = 0;
		for (i = 0; fields && fields->type == GAZ_PDF_ARRAY && i < fields->u.array.n; i++) {
			if (gaz_pdf_resolve(pdf, GAZ_PDF_LATEST, fields->u.array.v[i], &f))
				continue;
			t = gaz_pdf_dict_get(f, "T");
			if (t && t->type == GAZ_PDF_STRING && t->u.str.len == strlen(name) &&
			    !memcmp(t->u.str.p, name, t->u.str.len))
				used = 1;
		}
		if (!used)
			return 0;
	}
	return gaz_fail(GAZ_EINVAL, "no free signature field name");
}

static int number(const struct gaz_pdf_obj *o, double *v)
{
	if (o && o->type == GAZ_PDF_INT) {
		*v = (double)o->u.integer;
		return 1;
	}
	if (o && o->type == GAZ_PDF_REAL) {
		*v = o->u.real;
		return 1;
	}
	return 0;
}

/* The page's /MediaBox, inherited through /Parent if need be; A4 if none. */
static void media_box(struct gaz_pdf *pdf, const struct gaz_pdf_obj *page, double box[4])
{
	const struct gaz_pdf_obj *d = page, *mb;
	int depth, i;

	box[0] = box[1] = 0;
	box[2] = 595;
	box[3] = 842;
	for (depth = 0; d && depth < GAZ_PDF_MAX_DEPTH; depth++) {
		if (!gaz_pdf_dict_resolve(pdf, GAZ_PDF_LATEST, d, "MediaBox", &mb) &&
		    mb->type == GAZ_PDF_ARRAY && mb->u.array.n == 4) {
			double v[4];
			for (i = 0; i < 4 && number(mb->u.array.v[i], &v[i]); i++)
				;
			if (i == 4)
				memcpy(box, v, sizeof v);
			return;
		}
		if (gaz_pdf_dict_resolve(pdf, GAZ_PDF_LATEST, d, "Parent", &d))
			return;
	}
}

/* Image XObject(s) and the appearance form for the seal; *ap gets the
 * form's number, rect the widget's rectangle. */
static int write_seal(struct upd *u, const struct seal *sl, const double box[4],
		      uint32_t *ap, double rect[4])
{
	uint32_t img, mask = 0, form;
	double w = SEAL_WIDTH, h = SEAL_WIDTH * sl->h / sl->w;
	char entries[256];
	struct gaz_buf content = GAZ_BUF_INIT(256);
	int rc;

	if (sl->has_mask) {
		snprintf(entries, sizeof entries, "/Type/XObject/Subtype/Image/Width %u/Height %u"
			 "/ImageMask true/BitsPerComponent 1/Filter/FlateDecode", sl->w, sl->h);
		if ((rc = upd_alloc(u, &mask)) ||
		    (rc = upd_stream(u, mask, entries, sl->mask, sl->mask_len)))
			return rc;
	}
	snprintf(entries, sizeof entries, "/Type/XObject/Subtype/Image/Width %u/Height %u"
		 "/ColorSpace/%s/BitsPerComponent 8/Filter/FlateDecode", sl->w, sl->h,
		 sl->colors == 1 ? "DeviceGray" : "DeviceRGB");
	if (mask)
		snprintf(entries + strlen(entries), sizeof entries - strlen(entries),
			 "/Mask %u 0 R", mask);
	if ((rc = upd_alloc(u, &img)) ||
	    (rc = upd_stream(u, img, entries, sl->color, sl->color_len)))
		return rc;
	if ((rc = gaz_buf_printf(&content, "q %.2f 0 0 %.2f 0 0 cm /Seal Do Q", w, h)))
		goto end;
	snprintf(entries, sizeof entries, "/Type/XObject/Subtype/Form/BBox [0 0 %.2f %.2f]"
		 "/Resources <</XObject <</Seal %u 0 R>>>>", w, h, img);
	if ((rc = upd_alloc(u, &form)) ||
	    (rc = upd_stream(u, form, entries, content.data, content.len)))
		goto end;
	rect[2] = box[2] - SEAL_MARGIN;
	rect[0] = rect[2] - w;
	rect[1] = box[1] + SEAL_MARGIN;
	rect[3] = rect[1] + h;
	*ap = form;
end:
	gaz_buf_release(&content);
	return rc;
}

static int write_sigdict(struct upd *u, uint32_t num, const struct gaz_sign_opts *o,
			 int64_t now, size_t contents_len, struct sigpos *pos)
{
	struct gaz_buf *b = &u->out;
	char zeros[256];
	size_t i;
	int rc;

	memset(zeros, '0', sizeof zeros);
	if ((rc = upd_obj_begin(u, num, 0)) ||
	    (rc = gaz_buf_addstr(b, "<</Type/Sig/Filter/Adobe.PPKLite"
				 "/SubFilter/ETSI.CAdES.detached/ByteRange ")))
		return rc;
	pos->br = b->len;
	for (i = 0; i < BR_WIDTH; i++)
		if ((rc = gaz_buf_addc(b, ' ')))
			return rc;
	if ((rc = gaz_buf_addstr(b, "/Contents ")))
		return rc;
	pos->lt = b->len;
	if ((rc = gaz_buf_addc(b, '<')))
		return rc;
	for (i = 0; i < contents_len * 2; i += sizeof zeros)
		if ((rc = gaz_buf_add(b, zeros, contents_len * 2 - i < sizeof zeros ?
				      contents_len * 2 - i : sizeof zeros)))
			return rc;
	pos->gt = b->len;
	if ((rc = gaz_buf_addstr(b, ">/M")) || (rc = pdf_date(b, now)))
		return rc;
	if (o->reason && ((rc = gaz_buf_addstr(b, "/Reason")) || (rc = upd_text(b, o->reason))))
		return rc;
	if (o->location &&
	    ((rc = gaz_buf_addstr(b, "/Location")) || (rc = upd_text(b, o->location))))
		return rc;
	if (o->certify &&
	    (rc = gaz_buf_addstr(b, "/Reference [<</Type/SigRef/TransformMethod/DocMDP"
				 "/TransformParams<</Type/TransformParams/P 1/V/1.2>>>>]")))
		return rc;
	if ((rc = gaz_buf_addstr(b, ">>")))
		return rc;
	return upd_obj_end(u);
}

/* The page with /Annots extended by the widget. */
static int write_page(struct upd *u, const struct gaz_pdf_page *pg, uint32_t widget)
{
	static const char *const skip[] = { "Annots", NULL };
	struct gaz_buf *b = &u->out;
	int rc;

	if ((rc = upd_obj_begin(u, pg->num, pg->gen)) || (rc = gaz_buf_addstr(b, "<<")) ||
	    (rc = gaz_pdf_write_entries(b, pg->dict, skip)) ||
	    (rc = gaz_buf_addstr(b, "/Annots [")) ||
	    (rc = upd_copy_array(b, u->pdf, gaz_pdf_dict_get(pg->dict, "Annots"), "/Annots")) ||
	    (rc = gaz_buf_printf(b, "%u 0 R]>>", widget)))
		return rc;
	return upd_obj_end(u);
}

/* The entries of an AcroForm dictionary with the field added. */
static int acroform_entries(struct upd *u, const struct gaz_pdf_obj *acro, uint32_t field)
{
	static const char *const skip[] = { "Fields", "SigFlags", NULL };
	struct gaz_buf *b = &u->out;
	int rc;

	if (acro && (rc = gaz_pdf_write_entries(b, acro, skip)))
		return rc;
	if ((rc = gaz_buf_addstr(b, "/Fields [")) ||
	    (acro && (rc = upd_copy_array(b, u->pdf, gaz_pdf_dict_get(acro, "Fields"),
				      "/AcroForm /Fields"))))
		return rc;
	return gaz_buf_printf(b, "%u 0 R]/SigFlags 3", field);
}

static int write_catalog(struct upd *u, const struct gaz_pdf_obj *cat, uint32_t catnum,
			 uint32_t catgen, uint32_t field, uint32_t sig, int certify)
{
	static const char *const skip_inline[] = { "AcroForm", "Perms", NULL };
	static const char *const skip_perms[] = { "Perms", NULL };
	static const char *const skip_docmdp[] = { "DocMDP", NULL };
	const struct gaz_pdf_obj *acro_ref = gaz_pdf_dict_get(cat, "AcroForm"), *acro = NULL,
				 *perms = NULL;
	struct gaz_buf *b = &u->out;
	int indirect = acro_ref && acro_ref->type == GAZ_PDF_REF;
	int rc;

	if (acro_ref && (rc = gaz_pdf_resolve(u->pdf, GAZ_PDF_LATEST, acro_ref, &acro)) &&
	    rc != GAZ_ENOTFOUND)
		return rc;
	if (acro && acro->type != GAZ_PDF_DICT) {
		if (acro->type != GAZ_PDF_NULL)
			return gaz_fail(GAZ_EFORMAT, "/AcroForm is not a dictionary");
		acro = NULL;
	}
	if (indirect && acro) {
		if ((rc = upd_obj_begin(u, acro_ref->u.ref.num, acro_ref->u.ref.gen)) ||
		    (rc = gaz_buf_addstr(b, "<<")) || (rc = acroform_entries(u, acro, field)) ||
		    (rc = gaz_buf_addstr(b, ">>")) || (rc = upd_obj_end(u)))
			return rc;
		if (!certify)
			return 0;
	} else {
		indirect = 0;
	}
	gaz_pdf_dict_resolve(u->pdf, GAZ_PDF_LATEST, cat, "Perms", &perms);
	if ((rc = upd_obj_begin(u, catnum, catgen)) || (rc = gaz_buf_addstr(b, "<<")) ||
	    (rc = gaz_pdf_write_entries(b, cat, indirect ? skip_perms : skip_inline)))
		return rc;
	if (!indirect && ((rc = gaz_buf_addstr(b, "/AcroForm <<")) ||
			  (rc = acroform_entries(u, acro, field)) ||
			  (rc = gaz_buf_addstr(b, ">>"))))
		return rc;
	if (certify) {
		if ((rc = gaz_buf_addstr(b, "/Perms <<")) ||
		    (perms && perms->type == GAZ_PDF_DICT &&
		     (rc = gaz_pdf_write_entries(b, perms, skip_docmdp))) ||
		    (rc = gaz_buf_printf(b, "/DocMDP %u 0 R>>", sig)))
			return rc;
	} else if (perms && perms->type == GAZ_PDF_DICT &&
		   ((rc = gaz_buf_addstr(b, "/Perms ")) || (rc = gaz_pdf_write(b, perms)))) {
		return rc;
	}
	if ((rc = gaz_buf_addstr(b, ">>")))
		return rc;
	return upd_obj_end(u);
}

static const char hexd[] = "0123456789ABCDEF";

/* Fills /ByteRange, hashes the ranges (the original pdf[0..len) and the
 * update up to /Contents, then the update after it), signs, fills
 * /Contents.  pos is relative to the update, which starts at u->base. */
static int seal_signature(struct upd *u, const unsigned char *pdf, size_t len,
			  const struct gaz_signer *s, const struct gaz_sign_opts *o,
			  const struct sigpos *pos, unsigned char **cms_out, size_t *cms_len)
{
	char br[BR_WIDTH + 1];
	unsigned char md[32], *cms = NULL;
	size_t total = u->base + u->out.len, after = pos->gt + 1, n = 0, i;
	EVP_MD_CTX *c = NULL;
	int w, rc;

	w = snprintf(br, sizeof br, "[0 %zu %zu %zu]", u->base + pos->lt, u->base + after,
		     total - (u->base + after));
	if (w < 0 || w > BR_WIDTH)
		return gaz_fail(GAZ_ETOOBIG, "byte range does not fit");
	memcpy(u->out.data + pos->br, br, (size_t)w);
	if (!(c = EVP_MD_CTX_new()) || !EVP_DigestInit_ex(c, EVP_sha256(), NULL) ||
	    !EVP_DigestUpdate(c, pdf, len) ||
	    !EVP_DigestUpdate(c, u->out.data, pos->lt) ||
	    !EVP_DigestUpdate(c, u->out.data + after, u->out.len - after) ||
	    !EVP_DigestFinal_ex(c, md, NULL)) {
		EVP_MD_CTX_free(c);
		return gaz_crypto_fail(GAZ_ECRYPTO, "cannot hash the byte ranges");
	}
	EVP_MD_CTX_free(c);
	if (o->level == GAZ_PADES_B_B)
		rc = gaz_cms_sign(s, md, &cms, &n);
	else
		rc = gaz_cms_sign_timestamped(s, md, o->tsa_url, &cms, &n, NULL);
	if (rc)
		return rc;
	if (n * 2 > pos->gt - pos->lt - 1) {
		free(cms);
		return gaz_fail(GAZ_EINTERNAL, "the signature (%zu bytes) outgrew its "
				"placeholder (%zu)", n, (pos->gt - pos->lt - 1) / 2);
	}
	for (i = 0; i < n; i++) {
		u->out.data[pos->lt + 1 + 2 * i] = hexd[cms[i] >> 4];
		u->out.data[pos->lt + 2 + 2 * i] = hexd[cms[i] & 15];
	}
	*cms_out = cms;
	*cms_len = n;
	return 0;
}

/* B-LT: the DSS update is made on the signed file, so the original and the
 * signature update are joined once here. */
static int append_dss(const struct gaz_signer *s, const unsigned char *pdf, size_t len,
		      struct upd *u, const struct sigpos *pos, const unsigned char *cms,
		      size_t cms_len, const struct gaz_sign_opts *o)
{
	unsigned char *full = NULL, *dss = NULL;
	size_t n, dl = 0;
	int rc;

	if ((rc = gaz_size_add(len, u->out.len, &n)))
		return rc;
	if (!(full = malloc(n)))
		return GAZ_ENOMEM;
	memcpy(full, pdf, len);
	memcpy(full + len, u->out.data, u->out.len);
	rc = gaz_pdf_add_dss(s, full, n, cms, cms_len, full + len + pos->lt + 1,
			     pos->gt - pos->lt - 1, o->crl_paths, &dss, &dl);
	if (!rc)
		rc = gaz_buf_add(&u->out, dss, dl);
	free(dss);
	free(full);
	return rc;
}

/* The placeholder: the largest CMS this key makes, plus a trial token. */
static int contents_size(const struct gaz_signer *s, const struct gaz_sign_opts *o,
			 size_t *out)
{
	static const unsigned char probe[32];
	unsigned char *tok = NULL;
	size_t n, tl = 0;
	int rc;

	if ((rc = gaz_cms_max_size(s, &n)))
		return rc;
	if (o->level != GAZ_PADES_B_B) {
		if (!o->tsa_url)
			return gaz_fail(GAZ_EINVAL, "B-T and B-LT need a time-stamp URL (--tsa)");
		if ((rc = gaz_tsa_timestamp(o->tsa_url, probe, sizeof probe, &tok, &tl)))
			return rc;
		free(tok);
		n += tl + 64;
	}
	*out = n + CONTENTS_SLACK;
	return 0;
}

int gaz_pdf_sign_update(const struct gaz_signer *s, const unsigned char *pdf, size_t len,
			const struct gaz_sign_opts *o, unsigned char **out, size_t *outlen)
{
	struct gaz_pdf *doc = NULL;
	struct gaz_pdf_page *pages = NULL;
	const struct gaz_pdf_obj *cat, *acro = NULL;
	struct upd *u = NULL;
	struct sigpos pos;
	struct seal *sl = NULL;
	double box[4], rect[4] = { 0, 0, 0, 0 };
	uint32_t catnum, catgen, sig, field, ap = 0;
	unsigned char *cms = NULL;
	size_t npages = 0, csize = 0, cms_len = 0;
	char name[32], salt[48];
	int64_t now = o->time >= 0 ? o->time : (int64_t)time(NULL);
	int rc;

	if (len < 8 || memcmp(pdf, "%PDF-", 5))
		return gaz_fail(GAZ_EFORMAT, "not a PDF file (no %%PDF- header)");
	if (len > GAZ_SIGN_PDF_MAX)
		return gaz_fail(GAZ_ETOOBIG, "the PDF is over %zu bytes", (size_t)GAZ_SIGN_PDF_MAX);
	if ((rc = gaz_pdf_open(pdf, len, &doc)))
		goto end;
	if ((rc = gaz_pdf_catalog(doc, GAZ_PDF_LATEST, &cat, &catnum, &catgen)) ||
	    (rc = check_existing(doc, cat, o->certify)) ||
	    (rc = gaz_pdf_pages(doc, GAZ_PDF_LATEST, &pages, &npages)))
		goto end;
	if (npages == 0) {
		rc = gaz_fail(GAZ_EFORMAT, "the PDF has no pages");
		goto end;
	}
	if ((rc = contents_size(s, o, &csize)))
		goto end;
	if (o->seal_png && (rc = seal_load(o->seal_png, &sl)))
		goto end;
	if (!(u = calloc(1, sizeof *u))) {
		rc = GAZ_ENOMEM;
		goto end;
	}
	gaz_pdf_dict_resolve(doc, GAZ_PDF_LATEST, cat, "AcroForm", &acro);
	if ((rc = upd_begin(u, doc)) || (rc = field_name(doc, acro, name, sizeof name)) ||
	    (rc = upd_alloc(u, &sig)) || (rc = upd_alloc(u, &field)) ||
	    (rc = write_sigdict(u, sig, o, now, csize, &pos)))
		goto end;
	if (sl) {
		media_box(doc, pages[npages - 1].dict, box);
		if ((rc = write_seal(u, sl, box, &ap, rect)))
			goto end;
	} else if ((rc = upd_alloc(u, &ap)) ||
		   (rc = upd_stream(u, ap, "/Type/XObject/Subtype/Form/BBox [0 0 0 0]", "", 0))) {
		/* Even an invisible widget carries an appearance: PDF/A requires it. */
		goto end;
	}
	if ((rc = upd_obj_begin(u, field, 0)) ||
	    (rc = gaz_buf_printf(&u->out, "<</Type/Annot/Subtype/Widget/FT/Sig/T (%s)/V %u 0 R"
				 "/P %u %u R/F 132/Rect [%.2f %.2f %.2f %.2f]", name, sig,
				 pages[npages - 1].num, pages[npages - 1].gen,
				 rect[0], rect[1], rect[2], rect[3])) ||
	    (rc = gaz_buf_printf(&u->out, "/AP <</N %u 0 R>>", ap)) ||
	    (rc = gaz_buf_addstr(&u->out, ">>")) ||
	    (rc = upd_obj_end(u)) ||
	    (rc = write_page(u, &pages[npages - 1], field)) ||
	    (rc = write_catalog(u, cat, catnum, catgen, field, sig, o->certify)))
		goto end;
	snprintf(salt, sizeof salt, "signature %lld", (long long)now);
	if ((rc = upd_finish(u, salt)) ||
	    (rc = seal_signature(u, pdf, len, s, o, &pos, &cms, &cms_len)))
		goto end;
	gaz_pdf_close(doc);
	doc = NULL;
	if (o->level == GAZ_PADES_B_LT &&
	    (rc = append_dss(s, pdf, len, u, &pos, cms, cms_len, o)))
		goto end;
	*out = (unsigned char *)gaz_buf_detach(&u->out, outlen);
	rc = 0;
end:
	seal_free(sl);
	free(cms);
	free(pages);
	if (u)
		upd_release(u);
	free(u);
	gaz_pdf_close(doc);
	return rc;
}

int gaz_pdf_sign(const struct gaz_signer *s, const unsigned char *pdf, size_t len,
		 const struct gaz_sign_opts *o, unsigned char **out, size_t *outlen)
{
	unsigned char *upd = NULL, *all;
	size_t ul = 0, n;
	int rc;

	if ((rc = gaz_pdf_sign_update(s, pdf, len, o, &upd, &ul)))
		return rc;
	if ((rc = gaz_size_add(len, ul, &n)) || !(all = malloc(n))) {
		free(upd);
		return rc ? rc : GAZ_ENOMEM;
	}
	memcpy(all, pdf, len);
	memcpy(all + len, upd, ul);
	free(upd);
	*out = all;
	*outlen = n;
	return 0;
}

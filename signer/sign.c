/*
 * gazette sign: the signature's incremental update.
 *
 * Objects written (numbers from the trailer's /Size on):
 *   sig    the signature dictionary: /ByteRange (fixed-width, filled in
 *          last), /Contents placeholder, /M, /Reason, /Location, and with
 *          certify the DocMDP /Reference;
 *   field  the signature field merged with its widget (/Rect [0 0 0 0],
 *          /F 132 = Print|Locked) on the last page, or with a seal a visible
 *          widget whose appearance draws the image (signer/seal.c);
 *   the last page, rewritten with the widget added to /Annots;
 *   the catalog, rewritten with /AcroForm (/Fields + field, /SigFlags 3)
 *          and, with certify, /Perms /DocMDP; when /AcroForm is an indirect
 *          object that object is rewritten instead.
 * Then the digest over the two byte ranges, the CMS, and the hex fill.
 */
#include "gazette/sign.h"
#include "signer/pdfupdate.h"
#include "signer/sign_local.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* "/ByteRange [0 a b c" padded with spaces to this width, then "]". */
#define BR_WIDTH 40
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

static int write_sigdict(struct upd *u, uint32_t num, const struct gaz_sign_opts *o,
			 int64_t now, size_t contents_len, struct sigpos *pos)
{
	struct gaz_buf *b = &u->out;
	size_t i;
	int rc;

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
	for (i = 0; i < contents_len * 2; i++)
		if ((rc = gaz_buf_addc(b, '0')))
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

/* Fills /ByteRange, hashes the ranges, signs, fills /Contents. */
static int seal_signature(struct upd *u, const struct gaz_signer *s,
			  const struct gaz_sign_opts *o, const struct sigpos *pos,
			  unsigned char **cms_out, size_t *cms_len)
{
	char br[BR_WIDTH + 1];
	unsigned char md[32], *cms = NULL;
	size_t len = u->out.len, after = pos->gt + 1, n = 0, i;
	EVP_MD_CTX *c = NULL;
	int w, rc;

	w = snprintf(br, sizeof br, "[0 %zu %zu %zu]", pos->lt, after, len - after);
	if (w < 0 || w > BR_WIDTH)
		return gaz_fail(GAZ_ETOOBIG, "byte range does not fit");
	memcpy(u->out.data + pos->br, br, (size_t)w);
	if (!(c = EVP_MD_CTX_new()) || !EVP_DigestInit_ex(c, EVP_sha256(), NULL) ||
	    !EVP_DigestUpdate(c, u->out.data, pos->lt) ||
	    !EVP_DigestUpdate(c, u->out.data + after, len - after) ||
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

int gaz_pdf_sign(const struct gaz_signer *s, const unsigned char *pdf, size_t len,
		 const struct gaz_sign_opts *o, unsigned char **out, size_t *outlen)
{
	struct gaz_pdf *doc = NULL;
	struct gaz_pdf_page *pages = NULL;
	const struct gaz_pdf_obj *cat, *acro = NULL;
	struct upd *u = NULL;
	struct sigpos pos;
	uint32_t catnum, catgen, sig, field;
	unsigned char id2[32], *cms = NULL;
	size_t npages = 0, csize, cms_len = 0;
	char name[32];
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
	if (!(u = calloc(1, sizeof *u))) {
		rc = GAZ_ENOMEM;
		goto end;
	}
	gaz_pdf_dict_resolve(doc, GAZ_PDF_LATEST, cat, "AcroForm", &acro);
	if ((rc = upd_begin(u, doc)) || (rc = field_name(doc, acro, name, sizeof name)) ||
	    (rc = upd_alloc(u, &sig)) || (rc = upd_alloc(u, &field)) ||
	    (rc = write_sigdict(u, sig, o, now, csize, &pos)))
		goto end;
	if ((rc = upd_obj_begin(u, field, 0)) ||
	    (rc = gaz_buf_printf(&u->out, "<</Type/Annot/Subtype/Widget/FT/Sig/T (%s)/V %u 0 R"
				 "/P %u %u R/F 132/Rect [0 0 0 0]>>", name, sig,
				 pages[npages - 1].num, pages[npages - 1].gen)) ||
	    (rc = upd_obj_end(u)) ||
	    (rc = write_page(u, &pages[npages - 1], field)) ||
	    (rc = write_catalog(u, cat, catnum, catgen, field, sig, o->certify)))
		goto end;
	/* Second /ID element: a digest of the original, so the same input
	 * gives the same update (apart from /M and the signature). */
	if (!EVP_Digest(pdf, len, id2, NULL, EVP_sha256(), NULL)) {
		rc = gaz_crypto_fail(GAZ_ECRYPTO, "cannot hash the PDF");
		goto end;
	}
	if ((rc = upd_finish(u, id2)) ||
	    (rc = seal_signature(u, s, o, &pos, &cms, &cms_len)))
		goto end;
	gaz_pdf_close(doc);
	doc = NULL;
	if (o->level == GAZ_PADES_B_LT) {
		unsigned char *lt = NULL;
		size_t ltlen = 0;

		if ((rc = gaz_pdf_add_dss(s, (unsigned char *)u->out.data, u->out.len, cms,
					  cms_len, (const unsigned char *)u->out.data + pos.lt + 1,
					  pos.gt - pos.lt - 1, o->crl_paths, &lt, &ltlen)))
			goto end;
		*out = lt;
		*outlen = ltlen;
	} else {
		*out = (unsigned char *)gaz_buf_detach(&u->out, outlen);
	}
	rc = 0;
end:
	free(cms);
	free(pages);
	if (u)
		upd_release(u);
	free(u);
	gaz_pdf_close(doc);
	return rc;
}

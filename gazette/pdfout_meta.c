/*
 * Document-level objects of the PDF writer: Info, XMP metadata and the
 * sRGB output intent (PDF/A-1b), bookmarks and page labels.
 *
 * libharu 2.3.0 has helpers for most of these, each unusable as is:
 * HPDF_PDFA_SetPDFAConformance writes Info strings into XML unescaped, with
 * /SubType instead of /Subtype, and stamps /ID from the wall clock;
 * HPDF_PDFA_AppendOutputIntents names the key "DestOutputProfile " (with a
 * trailing space); HPDF_SetInfoAttr, HPDF_CreateOutline and
 * HPDF_AddPageLabel write UTF-8 bytes as PDFDocEncoding.  So the objects
 * are built here from libharu's dictionary primitives.
 */
#include "gazette/pdfout.h"

#include "gazette/dl/lcms.h"

#include <stdlib.h>
#include <string.h>

#define PRODUCER "gazette (libharu " HPDF_VERSION_TEXT ", HarfBuzz)"
#define CREATOR "gazette compile"
#define XMP_MAX_BYTES ((size_t)1 << 20)
#define TEXT_STRING_MAX_BYTES ((size_t)64 << 10)
/* Outline nesting the layout uses: section, document, heading. */
#define OUTLINE_MAX_LEVEL 8

HPDF_Binary pdfout_text_string(HPDF_Doc pdf, const char *utf8)
{
	unsigned char stackbuf[512], *buf = stackbuf;
	size_t n = strlen(utf8), i = 0, o = 0, w, need;
	HPDF_Binary b = NULL;
	uint32_t cp;

	/* ≤ 4 output bytes per input byte, plus the BOM. */
	if (n > TEXT_STRING_MAX_BYTES / 4)
		n = TEXT_STRING_MAX_BYTES / 4;
	need = 2 + 4 * n;
	if (need > sizeof stackbuf && !(buf = malloc(need)))
		return NULL;
	buf[o++] = 0xFE;
	buf[o++] = 0xFF;
	while (i < n) {
		if (!(w = gaz_utf8_decode((const unsigned char *)utf8 + i, n - i, &cp)))
			w = 1; /* cp is U+FFFD */
		i += w;
		if (cp >= 0x10000) {
			uint32_t v = cp - 0x10000;
			unsigned hi = 0xD800 | (v >> 10), lo = 0xDC00 | (v & 0x3FF);
			buf[o++] = (unsigned char)(hi >> 8);
			buf[o++] = (unsigned char)hi;
			buf[o++] = (unsigned char)(lo >> 8);
			buf[o++] = (unsigned char)lo;
		} else {
			buf[o++] = (unsigned char)(cp >> 8);
			buf[o++] = (unsigned char)cp;
		}
	}
	b = HPDF_Binary_New(pdf->mmgr, buf, (HPDF_UINT)o);
	if (buf != stackbuf)
		free(buf);
	return b;
}

/* "YYYY-MM-DD" → 0, else GAZ_EINVAL. */
static int check_date(const char *d)
{
	static const char shape[] = "dddd-dd-dd";
	size_t i;

	for (i = 0; i < sizeof shape - 1; i++)
		if (shape[i] == 'd' ? !(d[i] >= '0' && d[i] <= '9') : d[i] != '-')
			return gaz_fail(GAZ_EINVAL, "metadata date \"%s\" is not YYYY-MM-DD", d);
	if (d[i])
		return gaz_fail(GAZ_EINVAL, "metadata date \"%s\" is not YYYY-MM-DD", d);
	return 0;
}

static int xml_escaped(struct gaz_buf *b, const char *s)
{
	int ret = 0;

	for (; !ret && *s; s++) {
		switch (*s) {
		case '&': ret = gaz_buf_addstr(b, "&amp;"); break;
		case '<': ret = gaz_buf_addstr(b, "&lt;"); break;
		case '>': ret = gaz_buf_addstr(b, "&gt;"); break;
		case '"': ret = gaz_buf_addstr(b, "&quot;"); break;
		case '\'': ret = gaz_buf_addstr(b, "&apos;"); break;
		default:
			/* XML 1.0 forbids most C0 controls even escaped. */
			ret = gaz_buf_addc(b, (unsigned char)*s < 0x20 ? ' ' : *s);
		}
	}
	return ret;
}

static int xmp_prop(struct gaz_buf *b, const char *open, const char *v, const char *close)
{
	int ret;

	if (!v)
		return 0;
	if ((ret = gaz_buf_addstr(b, open)) || (ret = xml_escaped(b, v)))
		return ret;
	return gaz_buf_addstr(b, close);
}

/* The XMP packet mirrors Info entry by entry (PDF/A-1 §6.7.3). */
static int build_xmp(struct gaz_buf *b, const struct gaz_render_meta *m, const char *xdate)
{
	int ret = 0;

	ret |= gaz_buf_addstr(b, "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
			      "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
			      "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
			      "<rdf:Description rdf:about=\"\" "
			      "xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"
			      "<dc:format>application/pdf</dc:format>\n");
	ret |= xmp_prop(b, "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">", m->title,
			"</rdf:li></rdf:Alt></dc:title>\n");
	ret |= xmp_prop(b, "<dc:creator><rdf:Seq><rdf:li>", m->author,
			"</rdf:li></rdf:Seq></dc:creator>\n");
	ret |= xmp_prop(b, "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">", m->subject,
			"</rdf:li></rdf:Alt></dc:description>\n");
	ret |= xmp_prop(b, "<dc:language><rdf:Bag><rdf:li>", m->lang,
			"</rdf:li></rdf:Bag></dc:language>\n");
	ret |= gaz_buf_addstr(b, "</rdf:Description>\n<rdf:Description rdf:about=\"\" "
			      "xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">\n"
			      "<xmp:CreatorTool>" CREATOR "</xmp:CreatorTool>\n");
	ret |= xmp_prop(b, "<xmp:CreateDate>", xdate, "</xmp:CreateDate>\n");
	ret |= xmp_prop(b, "<xmp:ModifyDate>", xdate, "</xmp:ModifyDate>\n");
	ret |= gaz_buf_addstr(b, "</rdf:Description>\n<rdf:Description rdf:about=\"\" "
			      "xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\n"
			      "<pdf:Producer>" PRODUCER "</pdf:Producer>\n");
	ret |= xmp_prop(b, "<pdf:Keywords>", m->keywords, "</pdf:Keywords>\n");
	ret |= gaz_buf_addstr(b, "</rdf:Description>\n<rdf:Description rdf:about=\"\" "
			      "xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n"
			      "<pdfaid:part>1</pdfaid:part>\n"
			      "<pdfaid:conformance>B</pdfaid:conformance>\n"
			      "</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n"
			      "<?xpacket end=\"r\"?>");
	/* gaz_buf_* return 0 or one negative code: any failure shows. */
	return ret ? GAZ_ENOMEM : 0;
}

/* sRGB as an ICC v2 profile (PDF/A-1 predates ICC v4), with the header's
 * creation date fixed so the bytes never depend on the clock. */
static int srgb_profile(unsigned char **out, size_t *len)
{
	static const unsigned char date[12] = { 0x07, 0xD0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0 };
	cmsHPROFILE h = NULL;
	cmsUInt32Number n = 0;
	unsigned char *buf = NULL;
	int ret;

	if ((ret = gaz_dl_lcms()))
		return ret;
	ret = gaz_fail(GAZ_EINTERNAL, "lcms2 cannot make an sRGB profile");
	if (!(h = cmsCreate_sRGBProfile()))
		goto end;
	cmsSetProfileVersion(h, 2.1);
	if (!cmsSaveProfileToMem(h, NULL, &n) || n < 128)
		goto end;
	if (!(buf = malloc(n))) {
		ret = GAZ_ENOMEM;
		goto end;
	}
	if (!cmsSaveProfileToMem(h, buf, &n) || n < 128)
		goto end;
	memcpy(buf + 24, date, sizeof date);
	memset(buf + 84, 0, 16); /* profile ID: 0 = not computed */
	*out = buf;
	*len = n;
	buf = NULL;
	ret = 0;
end:
	free(buf);
	if (h)
		cmsCloseProfile(h);
	return ret;
}

static int output_intent(HPDF_Doc pdf)
{
	unsigned char *icc = NULL;
	size_t icclen = 0;
	HPDF_Dict intent, prof;
	HPDF_Array arr;
	HPDF_STATUS st = 0;
	int ret;

	if ((ret = srgb_profile(&icc, &icclen)))
		return ret;
	ret = gaz_fail(GAZ_EPDF, "cannot write the output intent");
	if (!(prof = HPDF_DictStream_New(pdf->mmgr, pdf->xref)) ||
	    !(intent = HPDF_Dict_New(pdf->mmgr)) || !(arr = HPDF_Array_New(pdf->mmgr)))
		goto end;
	prof->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
	st |= HPDF_Dict_AddNumber(prof, "N", 3);
	st |= HPDF_Stream_Write(prof->stream, icc, (HPDF_UINT)icclen);
	st |= HPDF_Dict_AddName(intent, "Type", "OutputIntent");
	st |= HPDF_Dict_AddName(intent, "S", "GTS_PDFA1");
	st |= HPDF_Dict_Add(intent, "OutputConditionIdentifier",
			    HPDF_String_New(pdf->mmgr, "sRGB IEC61966-2.1", NULL));
	st |= HPDF_Dict_Add(intent, "Info", HPDF_String_New(pdf->mmgr, "sRGB IEC61966-2.1", NULL));
	st |= HPDF_Dict_Add(intent, "DestOutputProfile", prof);
	st |= HPDF_Array_Add(arr, intent);
	st |= HPDF_Dict_Add(pdf->catalog, "OutputIntents", arr);
	if (!st)
		ret = 0;
end:
	free(icc);
	return ret;
}

int pdfout_meta(HPDF_Doc pdf, const struct gaz_render_meta *m)
{
	struct gaz_buf xmp = GAZ_BUF_INIT(XMP_MAX_BYTES);
	char idate[32] = "", xdate[32] = "";
	const char *keys[4] = { "Title", "Author", "Subject", "Keywords" };
	const char *vals[4];
	HPDF_Dict meta;
	HPDF_STATUS st = 0;
	int i, ret;

	vals[0] = m->title;
	vals[1] = m->author;
	vals[2] = m->subject;
	vals[3] = m->keywords;
	if (m->date) {
		if ((ret = check_date(m->date)))
			goto end;
		snprintf(idate, sizeof idate, "D:%.4s%.2s%.2s000000+08'00'", m->date,
			 m->date + 5, m->date + 8);
		snprintf(xdate, sizeof xdate, "%sT00:00:00+08:00", m->date);
	}
	/* Makes pdf->info exist and replaces libharu's own Producer. */
	if (HPDF_SetInfoAttr(pdf, HPDF_INFO_PRODUCER, PRODUCER) || !pdf->info) {
		ret = gaz_fail(GAZ_EPDF, "cannot write Info");
		goto end;
	}
	for (i = 0; i < 4; i++)
		if (vals[i])
			st |= HPDF_Dict_Add(pdf->info, keys[i], pdfout_text_string(pdf, vals[i]));
	st |= HPDF_Dict_Add(pdf->info, "Creator", HPDF_String_New(pdf->mmgr, CREATOR, NULL));
	if (m->date) {
		st |= HPDF_Dict_Add(pdf->info, "CreationDate", HPDF_String_New(pdf->mmgr, idate, NULL));
		st |= HPDF_Dict_Add(pdf->info, "ModDate", HPDF_String_New(pdf->mmgr, idate, NULL));
	}
	if ((ret = build_xmp(&xmp, m, m->date ? xdate : NULL)))
		goto end;
	/* PDF/A-1 §6.7.2: the metadata stream is not filtered. */
	if (!(meta = HPDF_DictStream_New(pdf->mmgr, pdf->xref))) {
		ret = gaz_fail(GAZ_EPDF, "cannot write XMP");
		goto end;
	}
	meta->filter = HPDF_STREAM_FILTER_NONE;
	st |= HPDF_Dict_AddName(meta, "Type", "Metadata");
	st |= HPDF_Dict_AddName(meta, "Subtype", "XML");
	st |= HPDF_Stream_Write(meta->stream, (const HPDF_BYTE *)xmp.data, (HPDF_UINT)xmp.len);
	st |= HPDF_Dict_Add(pdf->catalog, "Metadata", meta);
	if (m->lang)
		st |= HPDF_Dict_Add(pdf->catalog, "Lang", HPDF_String_New(pdf->mmgr, m->lang, NULL));
	if (st) {
		ret = gaz_fail(GAZ_EPDF, "cannot write Info/XMP");
		goto end;
	}
	ret = output_intent(pdf);
end:
	gaz_buf_release(&xmp);
	return ret;
}

int pdfout_outlines(HPDF_Doc pdf, const struct gaz_layout *l, HPDF_Page *pages)
{
	HPDF_Outline last[OUTLINE_MAX_LEVEL] = { NULL };
	size_t i;
	int depth = 0; /* levels open in last[] */

	for (i = 0; i < l->n_outlines; i++) {
		const struct gaz_outline *o = &l->outlines[i];
		HPDF_Outline parent, node;
		HPDF_Array dst;
		int lv = o->level;

		if (o->page < 0 || (size_t)o->page >= l->n_pages || !o->title)
			return gaz_fail(GAZ_EINVAL, "outline %zu points at page %d of %zu",
					i + 1, o->page + 1, l->n_pages);
		/* A level deeper than its predecessor + 1 hangs under the
		 * deepest open one. */
		if (lv < 0)
			lv = 0;
		if (lv > depth)
			lv = depth;
		if (lv >= OUTLINE_MAX_LEVEL)
			lv = OUTLINE_MAX_LEVEL - 1;
		parent = lv ? last[lv - 1] : NULL;
		/* A direct [page /FitH top] array: PDFBox cannot resolve the
		 * indirect destination objects libharu makes.  Items carry no
		 * /Type (libharu writes /Outlines on every one). */
		if (!(node = HPDF_CreateOutline(pdf, parent, "", NULL)) ||
		    HPDF_Dict_RemoveElement(node, "Type") ||
		    HPDF_Dict_Add(node, "Title", pdfout_text_string(pdf, o->title)) ||
		    !(dst = HPDF_Array_New(pdf->mmgr)) ||
		    HPDF_Array_Add(dst, pages[o->page]) || HPDF_Array_AddName(dst, "FitH") ||
		    HPDF_Array_AddReal(dst, o->y) || HPDF_Dict_Add(node, "Dest", dst) ||
		    HPDF_Outline_SetOpened(node, lv == 0))
			return gaz_fail(GAZ_EPDF, "cannot write outline %zu", i + 1);
		last[lv] = node;
		depth = lv + 1;
	}
	return 0;
}

static int cmp_label(const void *a, const void *b)
{
	const struct gaz_label_range *x = *(const struct gaz_label_range *const *)a;
	const struct gaz_label_range *y = *(const struct gaz_label_range *const *)b;

	if (x->first_page != y->first_page)
		return x->first_page < y->first_page ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* /PageLabels (ISO 32000 §12.4.2), sorted, starting at page index 0. */
int pdfout_labels(HPDF_Doc pdf, const struct gaz_layout *l)
{
	const struct gaz_label_range **v = NULL;
	HPDF_Dict tree;
	HPDF_Array nums;
	HPDF_STATUS st = 0;
	size_t i;
	int ret = GAZ_ENOMEM;

	if (!l->n_labels)
		return 0;
	if (!(v = calloc(l->n_labels, sizeof *v)))
		goto end;
	for (i = 0; i < l->n_labels; i++) {
		v[i] = &l->labels[i];
		if (v[i]->first_page < 0 || (size_t)v[i]->first_page >= l->n_pages) {
			ret = gaz_fail(GAZ_EINVAL, "page label range starts at page %d of %zu",
				       v[i]->first_page + 1, l->n_pages);
			goto end;
		}
	}
	qsort(v, l->n_labels, sizeof *v, cmp_label);
	ret = gaz_fail(GAZ_EPDF, "cannot write page labels");
	if (!(tree = HPDF_Dict_New(pdf->mmgr)) || !(nums = HPDF_Array_New(pdf->mmgr)) ||
	    HPDF_Dict_Add(tree, "Nums", nums))
		goto end;
	if (v[0]->first_page != 0) {
		HPDF_Dict d = HPDF_Dict_New(pdf->mmgr);
		st |= HPDF_Array_AddNumber(nums, 0);
		st |= HPDF_Array_Add(nums, d);
		st |= d ? HPDF_Dict_AddName(d, "S", "D") : 1;
	}
	for (i = 0; i < l->n_labels; i++) {
		HPDF_Dict d;

		/* Two ranges from one page: the later one wins. */
		if (i + 1 < l->n_labels && v[i + 1]->first_page == v[i]->first_page)
			continue;
		if (!(d = HPDF_Dict_New(pdf->mmgr)))
			goto end;
		st |= HPDF_Array_AddNumber(nums, v[i]->first_page);
		st |= HPDF_Array_Add(nums, d);
		if (v[i]->style == GAZ_LABEL_DECIMAL)
			st |= HPDF_Dict_AddName(d, "S", "D");
		else if (v[i]->style == GAZ_LABEL_ROMAN_LOWER)
			st |= HPDF_Dict_AddName(d, "S", "r");
		if (v[i]->prefix && *v[i]->prefix)
			st |= HPDF_Dict_Add(d, "P", pdfout_text_string(pdf, v[i]->prefix));
		if (v[i]->start > 1)
			st |= HPDF_Dict_AddNumber(d, "St", v[i]->start);
	}
	st |= HPDF_Dict_Add(pdf->catalog, "PageLabels", tree);
	if (!st)
		ret = 0;
end:
	free(v);
	return ret;
}

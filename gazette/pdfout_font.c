/*
 * Fonts for the PDF writer: per face, a HarfBuzz subset of exactly the
 * code points drawn with it, loaded into libharu as a Type0 font with
 * libharu's UTF-8 encoder (Identity-H, CID = Unicode code point, a
 * CIDToGIDMap into the subset).
 *
 * What libharu 2.3.0 gets wrong here, and what this file does instead:
 * - it re-encodes the whole font at save time (every loca/hmtx/cmap entry,
 *   ~550 KB for AR PL UMing even for one page): we give it a subset and
 *   embed the subset's own bytes as FontFile2, so SaveFontData never runs;
 * - its ToUnicode stream is a CID CMap (begincidrange), which no reader
 *   accepts as ToUnicode: we rewrite it as bfchar blocks;
 * - its FontDescriptor lacks CapHeight (it measures 'H', absent from a CJK
 *   subset) and CIDSet (PDF/A-1 wants one for a subset): we build the
 *   descriptor ourselves before libharu would;
 * - it names the Identity ordering "Identity-H": fixed to "Identity";
 * - it needs a file path (or a TTC index) to load a font: we load from a
 *   memory stream through libharu's own TTFontDef loader, so no file is
 *   written anywhere.
 */
#include "gazette/pdfout.h"

#include "gazette/dl/hb.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#define BMP_WORDS (0x10000 / 64)
#define TOUNICODE_MAX_BYTES ((size_t)4 << 20)

static int add_cp(struct pdfout_font *f, uint32_t cp)
{
	if (f->n == f->cap) {
		size_t ncap = f->cap ? f->cap * 2 : 256;
		uint32_t *v = realloc(f->cps, ncap * sizeof *v);
		if (!v)
			return GAZ_ENOMEM;
		f->cps = v;
		f->cap = ncap;
	}
	f->cps[f->n++] = cp;
	return 0;
}

int pdfout_fonts_collect(const struct gaz_layout *l, const struct gaz_fontset *fs,
			 struct pdfout_fonts *out)
{
	uint64_t *seen[GAZ_FONT_MAX_FACES] = { NULL };
	struct pdfout_fonts r = { NULL, 0, { 0 } };
	int nfaces = gaz_fontset_count(fs), face, ret = GAZ_ENOMEM;
	size_t p, i, w;

	for (face = 0; face < GAZ_FONT_MAX_FACES; face++)
		r.by_face[face] = -1;
	for (p = 0; p < l->n_pages; p++) {
		for (i = 0; i < l->pages[p].n; i++) {
			const struct gaz_item *it = &l->pages[p].items[i];
			const unsigned char *s;
			size_t n, k;
			uint32_t cp;

			if (it->kind != GAZ_ITEM_TEXT)
				continue;
			if (it->face < 0 || it->face >= nfaces) {
				ret = gaz_fail(GAZ_EINVAL, "page %zu: text item with face %d "
					       "(fontset has %d)", p + 1, it->face, nfaces);
				goto end;
			}
			if (!it->text)
				continue;
			if (!seen[it->face] && !(seen[it->face] = calloc(BMP_WORDS, 8)))
				goto end;
			s = (const unsigned char *)it->text;
			n = strlen(it->text);
			for (k = 0; k < n; k += w) {
				if (!(w = gaz_utf8_decode(s + k, n - k, &cp))) {
					ret = gaz_fail(GAZ_EINVAL, "page %zu: text is not UTF-8",
						       p + 1);
					goto end;
				}
				if (cp > 0xFFFF || cp < 0x20) {
					ret = gaz_fail(GAZ_EFONT, "page %zu: U+%04X cannot be "
						       "drawn (PDF fonts here are 16-bit CID)",
						       p + 1, (unsigned)cp);
					goto end;
				}
				seen[it->face][cp / 64] |= (uint64_t)1 << (cp % 64);
			}
		}
	}
	for (face = 0; face < nfaces; face++)
		if (seen[face])
			r.n++;
	if (r.n && !(r.v = calloc(r.n, sizeof *r.v)))
		goto end;
	r.n = 0;
	for (face = 0; face < nfaces; face++) {
		struct pdfout_font *f;
		uint32_t cp;

		if (!seen[face])
			continue;
		f = &r.v[r.n];
		f->face = face;
		r.by_face[face] = (int)r.n++;
		for (cp = 0; cp < 0x10000; cp++)
			if ((seen[face][cp / 64] >> (cp % 64) & 1) && add_cp(f, cp))
				goto end;
	}
	*out = r;
	memset(&r, 0, sizeof r);
	ret = 0;
end:
	for (face = 0; face < GAZ_FONT_MAX_FACES; face++)
		free(seen[face]);
	pdfout_fonts_release(&r);
	return ret;
}

void pdfout_fonts_release(struct pdfout_fonts *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		free(f->v[i].cps);
	free(f->v);
	f->v = NULL;
	f->n = 0;
}

/* The subset: only the code points drawn, no hinting, no layout tables
 * (the writer positions every glyph itself). */
static int subset_face(const struct gaz_fontset *fs, const struct pdfout_font *f,
		       hb_blob_t **out)
{
	static const hb_tag_t drop[] = {
		HB_TAG('G', 'S', 'U', 'B'), HB_TAG('G', 'P', 'O', 'S'),
		HB_TAG('G', 'D', 'E', 'F'), HB_TAG('B', 'A', 'S', 'E'),
		HB_TAG('J', 'S', 'T', 'F'), HB_TAG('v', 'h', 'e', 'a'),
		HB_TAG('v', 'm', 't', 'x'), HB_TAG('V', 'O', 'R', 'G'),
		HB_TAG('k', 'e', 'r', 'n'), HB_TAG('g', 'a', 's', 'p'),
		HB_TAG('D', 'S', 'I', 'G'), HB_TAG('E', 'B', 'D', 'T'),
		HB_TAG('E', 'B', 'L', 'C'), HB_TAG('E', 'B', 'S', 'C'),
	};
	hb_font_t *font = gaz_fontset_hb_font(fs, f->face);
	hb_face_t *face = hb_font_get_face(font), *sub = NULL;
	hb_subset_input_t *in = hb_subset_input_create_or_fail();
	hb_set_t *set;
	hb_blob_t *blob = NULL;
	size_t i;
	int ret = GAZ_ENOMEM;

	if (!in)
		goto end;
	set = hb_subset_input_unicode_set(in);
	for (i = 0; i < f->n; i++) {
		hb_codepoint_t gid;
		if (!hb_font_get_nominal_glyph(font, f->cps[i], &gid)) {
			ret = gaz_fail(GAZ_EFONT, "%s has no glyph for U+%04X",
				       gaz_fontset_name(fs, f->face), (unsigned)f->cps[i]);
			goto end;
		}
		hb_set_add(set, f->cps[i]);
	}
	set = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);
	for (i = 0; i < sizeof drop / sizeof *drop; i++)
		hb_set_add(set, drop[i]);
	hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_NO_HINTING);
	if (!hb_set_allocation_successful(set) ||
	    !hb_set_allocation_successful(hb_subset_input_unicode_set(in)))
		goto end;
	if (!(sub = hb_subset_or_fail(face, in))) {
		ret = gaz_fail(GAZ_EFONT, "cannot subset %s", gaz_fontset_name(fs, f->face));
		goto end;
	}
	blob = hb_face_reference_blob(sub);
	if (!hb_blob_get_length(blob)) {
		ret = gaz_fail(GAZ_EFONT, "empty subset of %s", gaz_fontset_name(fs, f->face));
		goto end;
	}
	*out = blob;
	blob = NULL;
	ret = 0;
end:
	hb_blob_destroy(blob);
	hb_face_destroy(sub);
	hb_subset_input_destroy(in);
	return ret;
}

/* Subset tag (ISO 32000 §9.6.4): six capital letters, here taken from a
 * hash of the subset so it is the same on every run. */
static int subset_tag(const void *p, size_t n, int face, char tag[7])
{
	unsigned char md[32];
	unsigned mdlen = 0, i;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned char f = (unsigned char)face;
	int ok;

	ok = c && EVP_DigestInit_ex(c, EVP_sha256(), NULL) > 0 &&
	     EVP_DigestUpdate(c, &f, 1) > 0 && EVP_DigestUpdate(c, p, n) > 0 &&
	     EVP_DigestFinal_ex(c, md, &mdlen) > 0;
	EVP_MD_CTX_free(c);
	if (!ok)
		return gaz_fail(GAZ_ECRYPTO, "SHA-256 failed");
	for (i = 0; i < 6; i++)
		tag[i] = (char)('A' + md[i] % 26);
	tag[6] = 0;
	return 0;
}

/* A correct ToUnicode CMap for Identity-H codes that are Unicode code
 * points: bfchar blocks of at most 100 entries (PDF 32000 §9.10.3). */
static int write_tounicode(HPDF_Dict cmap, const struct pdfout_font *f)
{
	struct gaz_buf b = GAZ_BUF_INIT(TOUNICODE_MAX_BYTES);
	static const char *const drop[] = { "Type", "CMapName", "CIDSystemInfo", "WMode" };
	HPDF_STATUS st;
	size_t i, j;
	int ret;

	ret = gaz_buf_addstr(&b, "/CIDInit /ProcSet findresource begin\n"
			     "12 dict begin\nbegincmap\n"
			     "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) "
			     "/Supplement 0 >> def\n"
			     "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
			     "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
	for (i = 0; !ret && i < f->n; i += 100) {
		size_t k = f->n - i < 100 ? f->n - i : 100;
		ret = gaz_buf_printf(&b, "%zu beginbfchar\n", k);
		for (j = i; !ret && j < i + k; j++)
			ret = gaz_buf_printf(&b, "<%04X> <%04X>\n", (unsigned)f->cps[j],
					     (unsigned)f->cps[j]);
		if (!ret)
			ret = gaz_buf_addstr(&b, "endbfchar\n");
	}
	if (!ret)
		ret = gaz_buf_addstr(&b, "endcmap\nCMapName currentdict /CMap defineresource pop\n"
				     "end\nend\n");
	if (ret)
		goto end;
	/* CreateCMap always sets these; a ToUnicode stream needs none. */
	for (i = 0; i < sizeof drop / sizeof *drop; i++)
		HPDF_Dict_RemoveElement(cmap, drop[i]);
	HPDF_MemStream_FreeData(cmap->stream);
	if ((st = HPDF_Stream_Write(cmap->stream, (const HPDF_BYTE *)b.data, (HPDF_UINT)b.len)))
		ret = gaz_fail(GAZ_EPDF, "cannot write ToUnicode (0x%04X)", (unsigned)st);
	cmap->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
end:
	gaz_buf_release(&b);
	return ret;
}

/* CIDSet (PDF/A-1 §6.3.5): one bit per CID present, high bit first. */
static int write_cidset(HPDF_Dict s, const struct pdfout_font *f)
{
	size_t nbytes = f->n ? f->cps[f->n - 1] / 8 + 1 : 1, i;
	unsigned char *bits = calloc(nbytes, 1);
	int ret = 0;

	if (!bits)
		return GAZ_ENOMEM;
	bits[0] |= 0x80; /* CID 0, .notdef */
	for (i = 0; i < f->n; i++)
		bits[f->cps[i] / 8] |= (unsigned char)(0x80 >> (f->cps[i] % 8));
	if (HPDF_Stream_Write(s->stream, bits, (HPDF_UINT)nbytes))
		ret = gaz_fail(GAZ_EPDF, "cannot write CIDSet");
	free(bits);
	return ret;
}

static HPDF_Array int_array(HPDF_Doc pdf, const int *v, int n)
{
	HPDF_Array a = HPDF_Array_New(pdf->mmgr);
	int i;

	for (i = 0; a && i < n; i++)
		if (HPDF_Array_AddNumber(a, v[i]))
			return NULL;
	return a;
}

/* The FontDescriptor libharu would build at save time, built now with the
 * subset's bytes as the font program and the entries PDF/A needs. */
static int make_descriptor(HPDF_Doc pdf, const struct gaz_fontset *fs,
			   const struct pdfout_font *f, HPDF_FontDef def,
			   const char *name, const void *data, size_t len)
{
	struct gaz_font_metrics m;
	HPDF_Dict d, file, cidset;
	HPDF_STATUS st = 0;
	int ret;

	gaz_fontset_metrics(fs, f->face, &m);
	if (!(d = HPDF_Dict_New(pdf->mmgr)) || HPDF_Xref_Add(pdf->xref, d))
		return gaz_fail(GAZ_EPDF, "cannot create a font descriptor");
	if (!(file = HPDF_DictStream_New(pdf->mmgr, pdf->xref)) ||
	    !(cidset = HPDF_DictStream_New(pdf->mmgr, pdf->xref)))
		return gaz_fail(GAZ_EPDF, "cannot create font streams");
	file->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
	cidset->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
	if (HPDF_Stream_Write(file->stream, data, (HPDF_UINT)len))
		return gaz_fail(GAZ_EPDF, "cannot write the font program");
	if ((ret = write_cidset(cidset, f)))
		return ret;
	st |= HPDF_Dict_AddNumber(file, "Length1", (HPDF_INT32)len);
	st |= HPDF_Dict_AddName(d, "Type", "FontDescriptor");
	st |= HPDF_Dict_AddName(d, "FontName", name);
	/* Symbolic: the glyphs are outside the standard Latin set. */
	st |= HPDF_Dict_AddNumber(d, "Flags", 4);
	st |= HPDF_Dict_Add(d, "FontBBox", int_array(pdf, m.bbox, 4));
	st |= HPDF_Dict_AddNumber(d, "ItalicAngle", 0);
	st |= HPDF_Dict_AddNumber(d, "Ascent", m.ascent);
	st |= HPDF_Dict_AddNumber(d, "Descent", m.descent);
	st |= HPDF_Dict_AddNumber(d, "CapHeight", m.cap_height);
	st |= HPDF_Dict_AddNumber(d, "StemV", def->stemv ? def->stemv : 80);
	st |= HPDF_Dict_Add(d, "FontFile2", file);
	st |= HPDF_Dict_Add(d, "CIDSet", cidset);
	if (st)
		return gaz_fail(GAZ_EPDF, "cannot fill the font descriptor");
	def->descriptor = d;
	return 0;
}

/* /DW and /W again: libharu takes DW from .notdef (500 in the CJK
 * fonts) and so lists every ideograph's 1000 in /W, ~13 KB of
 * uncompressed dictionary per font.  Here DW is the commonest width of the
 * glyphs drawn and /W holds only the others, as c [w1 w2 ...] runs.  The
 * widths are the font program's own (hmtx × 1000 / upem, truncated like
 * libharu's), so PDF/A's width-consistency rule holds. */
static int write_widths(HPDF_Doc pdf, const struct gaz_fontset *fs,
			const struct pdfout_font *f, HPDF_Dict cidfont)
{
	int *w = malloc((f->n ? f->n : 1) * sizeof *w), dw = 1000, best = 0;
	HPDF_Array arr = HPDF_Array_New(pdf->mmgr), run = NULL;
	HPDF_STATUS st = 0;
	size_t i, j;

	if (!w || !arr) {
		free(w);
		return GAZ_ENOMEM;
	}
	for (i = 0; i < f->n; i++)
		w[i] = gaz_fontset_advance(fs, f->face, f->cps[i]);
	/* The commonest width: n is small (distinct characters), and the
	 * widths cluster; a quadratic count over distinct values is cheap. */
	for (i = 0; i < f->n; i++) {
		int count = 0;
		if (i && w[i] == w[i - 1])
			continue;
		for (j = 0; j < f->n; j++)
			count += w[j] == w[i];
		if (count > best || (count == best && w[i] > dw))
			best = count, dw = w[i];
	}
	for (i = 0; i < f->n; i++) {
		if (w[i] == dw) {
			run = NULL;
			continue;
		}
		if (!run || f->cps[i] != f->cps[i - 1] + 1) {
			if (!(run = HPDF_Array_New(pdf->mmgr))) {
				st = 1;
				break;
			}
			st |= HPDF_Array_AddNumber(arr, (HPDF_INT32)f->cps[i]);
			st |= HPDF_Array_Add(arr, run);
		}
		st |= HPDF_Array_AddNumber(run, w[i]);
	}
	free(w);
	st |= HPDF_Dict_AddNumber(cidfont, "DW", dw);
	st |= HPDF_Dict_Add(cidfont, "W", arr);
	return st ? gaz_fail(GAZ_EPDF, "cannot write glyph widths") : 0;
}

/* HPDF_GetFont looks every one of the 65,536 UTF-8 CIDs up in the font's
 * cmap, a linear search of its segments each (~11 ms per CJK subset, a
 * tenth of a whole issue's rendering), only to build a /W and a
 * CIDToGIDMap that are rebuilt below anyway.  For that call the font gets
 * a one-segment cmap that maps nothing; its own is put back after. */
static HPDF_Font get_font(HPDF_Doc pdf, HPDF_FontDef def)
{
	HPDF_TTFontDefAttr a = (HPDF_TTFontDefAttr)def->attr;
	HPDF_TTF_CmapRange saved = a->cmap;
	HPDF_UINT16 end = 0xFFFF, start = 0xFFFF, range = 0;
	HPDF_INT16 delta = 1; /* 0xFFFF + 1 = gid 0 */
	HPDF_Font font;

	if (a->cmap.format != 4)
		return HPDF_GetFont(pdf, def->base_font, "UTF-8");
	a->cmap.seg_count_x2 = 2;
	a->cmap.end_count = &end;
	a->cmap.start_count = &start;
	a->cmap.id_delta = &delta;
	a->cmap.id_range_offset = &range;
	font = HPDF_GetFont(pdf, def->base_font, "UTF-8");
	a->cmap = saved;
	return font;
}

/* CIDToGIDMap (CID = code point → subset glyph), up to the last code
 * point drawn, from the subset's own cmap. */
static int write_cidtogid(HPDF_Dict map, const struct pdfout_font *f, hb_blob_t *subset)
{
	hb_face_t *face = hb_face_create(subset, 0);
	hb_font_t *font = hb_font_create(face);
	size_t n = f->n ? (size_t)f->cps[f->n - 1] + 1 : 1, i;
	unsigned char *m = calloc(n, 2);
	int ret = 0;

	if (!m) {
		ret = GAZ_ENOMEM;
		goto end;
	}
	for (i = 0; i < f->n; i++) {
		hb_codepoint_t gid = 0;
		if (!hb_font_get_nominal_glyph(font, f->cps[i], &gid) || !gid || gid > 0xFFFF) {
			ret = gaz_fail(GAZ_EFONT, "subset lost U+%04X", (unsigned)f->cps[i]);
			goto end;
		}
		m[2 * f->cps[i]] = (unsigned char)(gid >> 8);
		m[2 * f->cps[i] + 1] = (unsigned char)gid;
	}
	HPDF_MemStream_FreeData(map->stream);
	/* libharu would set this only while saving, after pdfout.c's
	 * compression hook has been placed. */
	map->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
	if (HPDF_Stream_Write(map->stream, m, (HPDF_UINT)(2 * n)))
		ret = gaz_fail(GAZ_EPDF, "cannot write CIDToGIDMap");
end:
	free(m);
	hb_font_destroy(font);
	hb_face_destroy(face);
	return ret;
}

static int load_one(HPDF_Doc pdf, const struct gaz_fontset *fs, struct pdfout_font *f)
{
	hb_blob_t *blob = NULL;
	HPDF_Stream ms;
	HPDF_FontDef def;
	HPDF_FontAttr attr;
	HPDF_Dict sysinfo;
	HPDF_TTFontDefAttr tta;
	const char *data;
	unsigned len = 0;
	char tag[7];
	int ret;

	if ((ret = subset_face(fs, f, &blob)))
		goto end;
	data = hb_blob_get_data(blob, &len);
	if ((ret = subset_tag(data, len, f->face, tag)))
		goto end;
	ret = gaz_fail(GAZ_EPDF, "libharu cannot load the subset of %s",
		       gaz_fontset_name(fs, f->face));
	if (!(ms = HPDF_MemStream_New(pdf->mmgr, HPDF_STREAM_BUF_SIZ)))
		goto end;
	if (HPDF_Stream_Write(ms, (const HPDF_BYTE *)data, len)) {
		HPDF_Stream_Free(ms);
		goto end;
	}
	/* Takes the stream, also on failure. */
	if (!(def = HPDF_TTFontDef_Load(pdf->mmgr, ms, HPDF_TRUE)))
		goto end;
	HPDF_TTFontDef_SetTagName(def, tag);
	tta = (HPDF_TTFontDefAttr)def->attr;
	/* Look the font up by its tagged name: two faces may share a
	 * PostScript name, never a tag. */
	memcpy(def->base_font, tta->base_font, sizeof def->base_font);
	if (HPDF_Doc_RegisterFontDef(pdf, def)) /* frees def on failure */
		goto end;
	if (!(f->font = get_font(pdf, def)))
		goto end;
	attr = (HPDF_FontAttr)f->font->attr;
	f->font->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
	if (!attr->cmap_stream || !attr->descendant_font || !attr->map_stream)
		goto end;
	sysinfo = HPDF_Dict_GetItem(attr->descendant_font, "CIDSystemInfo", HPDF_OCLASS_DICT);
	if (!sysinfo || HPDF_Dict_Add(sysinfo, "Ordering",
				      HPDF_String_New(pdf->mmgr, "Identity", NULL)))
		goto end;
	if ((ret = write_cidtogid(attr->map_stream, f, blob)) ||
	    (ret = write_widths(pdf, fs, f, attr->descendant_font)) ||
	    (ret = write_tounicode(attr->cmap_stream, f)) ||
	    (ret = make_descriptor(pdf, fs, f, def, tta->base_font, data, len)))
		goto end;
	ret = 0;
end:
	hb_blob_destroy(blob);
	return ret;
}

int pdfout_fonts_load(HPDF_Doc pdf, const struct gaz_fontset *fs, struct pdfout_fonts *f)
{
	size_t i;
	int ret;

	if ((ret = gaz_dl_hb_subset()))
		return ret;
	if (HPDF_UseUTFEncodings(pdf))
		return gaz_fail(GAZ_EPDF, "libharu has no UTF-8 encoder");
	for (i = 0; i < f->n; i++)
		if ((ret = load_one(pdf, fs, &f->v[i])))
			return ret;
	return 0;
}

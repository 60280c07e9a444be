/* Unit tests for the strict PDF reader (include/gazette/pdf.h): hand-written
 * files with known offsets, an incremental update, an xref stream with a PNG
 * predictor and an object stream, a libharu file, qpdf-rewritten files, and
 * a corpus of malformed inputs that must fail cleanly. */
#include "gazette/pdf.h"
#include "test.h"

#include "gazette/dl/hpdf.h"
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>

/* ---- a tiny PDF writer for tests --------------------------------------- */

struct w {
	struct gaz_buf b;
	size_t off[64];   /* offset of each object written in this section */
	int used[64];
};

static void w_init(struct w *w)
{
	memset(w, 0, sizeof(*w));
	gaz_buf_init(&w->b, 1 << 28);
	gaz_buf_addstr(&w->b, "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n");
}

static void w_obj(struct w *w, int num, const char *body)
{
	w->off[num] = w->b.len;
	w->used[num] = 1;
	gaz_buf_printf(&w->b, "%d 0 obj\n%s\nendobj\n", num, body);
}

static void w_stream(struct w *w, int num, const char *dict, const void *data, size_t n)
{
	w->off[num] = w->b.len;
	w->used[num] = 1;
	gaz_buf_printf(&w->b, "%d 0 obj\n<<%s/Length %zu>>\nstream\n", num, dict, n);
	gaz_buf_add(&w->b, data, n);
	gaz_buf_addstr(&w->b, "\nendstream\nendobj\n");
}

/* Writes an xref table listing the objects written since the last section,
 * a trailer with extra keys, startxref and %%EOF.  Returns the xref offset. */
static size_t w_xref(struct w *w, int size, const char *trailer_extra, int with_zero)
{
	size_t xref = w->b.len;
	int i;

	gaz_buf_addstr(&w->b, "xref\n");
	if (with_zero)
		gaz_buf_addstr(&w->b, "0 1\n0000000000 65535 f \n");
	for (i = 1; i < 64; i++) {
		if (!w->used[i])
			continue;
		gaz_buf_printf(&w->b, "%d 1\n%010zu 00000 n \n", i, w->off[i]);
		w->used[i] = 0;
	}
	gaz_buf_printf(&w->b, "trailer\n<</Size %d%s>>\nstartxref\n%zu\n%%%%EOF\n", size,
		       trailer_extra, xref);
	return xref;
}

static size_t zcompress(const void *in, size_t n, unsigned char **out)
{
	uLongf cap = compressBound(n);

	*out = malloc(cap);
	compress2(*out, &cap, in, n, 9);
	return cap;
}

static struct gaz_pdf *open_ok(struct gaz_buf *b)
{
	struct gaz_pdf *pdf = NULL;
	int rc = gaz_pdf_open(b->data, b->len, &pdf);

	if (rc)
		fprintf(stderr, "open: %s: %s\n", gaz_strerror(rc), gaz_errdetail());
	CHECK_EQ_INT(rc, 0);
	return pdf;
}

static int open_str(const char *s, size_t n);

static const char content[] = "BT /F1 12 Tf 72 720 Td (Hello) Tj ET";

/* catalog 1, pages 2, two pages 3 and 4, compressed content 5, sig-like 6 */
static size_t base_file(struct w *w)
{
	unsigned char *z;
	size_t zn = zcompress(content, sizeof(content) - 1, &z);

	w_init(w);
	w_obj(w, 1, "<</Type/Catalog/Pages 2 0 R>>");
	w_obj(w, 2, "<</Type/Pages/Kids[3 0 R 4 0 R]/Count 2>>");
	w_obj(w, 3, "<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 5 0 R>>");
	w_obj(w, 4, "<</Type/Page/Parent 2 0 R/MediaBox[0 0 595.5 -842.25]>>");
	w_stream(w, 5, "/Filter/FlateDecode", z, zn);
	w_obj(w, 6, "<</Type/Sig/Contents <0A0b 0c>/Name (a\\(b\\)\\101\\\nc\\n)/Odd/A#20B>>");
	free(z);
	return w_xref(w, 7, "/Root 1 0 R", 1);
}

static void test_basic(void)
{
	struct w w;
	struct gaz_pdf *pdf;
	struct gaz_pdf_rev rv;
	struct gaz_pdf_page *pages = NULL;
	const struct gaz_pdf_obj *o, *v, *cat;
	const unsigned char *p;
	size_t n, hdr, end;
	uint32_t num;
	int64_t iv;

	base_file(&w);
	if (!(pdf = open_ok(&w.b)))
		goto out;
	CHECK_STR(gaz_pdf_version(pdf), "1.7");
	CHECK_EQ_INT(gaz_pdf_nrevs(pdf), 1);
	CHECK_EQ_INT(gaz_pdf_rev_info(pdf, 0, &rv), 0);
	CHECK_EQ_INT(rv.end, w.b.len);
	CHECK_EQ_INT(rv.eof_end, w.b.len - 1);
	CHECK_EQ_INT(rv.size, 7);
	CHECK_EQ_INT(rv.max_num, 6);
	CHECK_EQ_INT(gaz_pdf_rev_info(pdf, 1, &rv), GAZ_EINVAL);
	CHECK_EQ_INT(gaz_pdf_catalog(pdf, GAZ_PDF_LATEST, &cat, &num, NULL), 0);
	CHECK_EQ_INT(num, 1);
	CHECK_EQ_INT(gaz_pdf_pages(pdf, 0, &pages, &n), 0);
	CHECK_EQ_INT(n, 2);
	if (n == 2) {
		CHECK_EQ_INT(pages[0].num, 3);
		CHECK_EQ_INT(pages[1].num, 4);
		v = gaz_pdf_dict_get(pages[1].dict, "MediaBox");
		CHECK(v && v->type == GAZ_PDF_ARRAY && v->u.array.n == 4 &&
		      v->u.array.v[2]->type == GAZ_PDF_REAL && v->u.array.v[2]->u.real == 595.5 &&
		      v->u.array.v[3]->u.real == -842.25);
		CHECK_EQ_INT(gaz_pdf_dict_resolve(pdf, 0, pages[0].dict, "Contents", &o), 0);
		CHECK_EQ_INT(gaz_pdf_stream_decode(pdf, 0, o, &p, &n), 0);
		CHECK(n == sizeof(content) - 1 && !memcmp(p, content, n));
	}
	free(pages);
	/* the exact span of /Contents in the sig-like dict */
	CHECK_EQ_INT(gaz_pdf_get_span(pdf, 0, 6, 0, &o, &hdr, &end), 0);
	CHECK_EQ_INT(hdr, w.off[6]);
	CHECK(end <= w.b.len && !memcmp(w.b.data + end - 6, "endobj", 6));
	v = gaz_pdf_dict_get(o, "Contents");
	CHECK(v && v->type == GAZ_PDF_STRING && v->in_file && v->u.str.hex && v->u.str.len == 3);
	if (v) {
		CHECK(v->end - v->start == strlen("<0A0b 0c>") &&
		      !memcmp(w.b.data + v->start, "<0A0b 0c>", v->end - v->start));
		CHECK(!memcmp(v->u.str.p, "\x0a\x0b\x0c", 3));
	}
	v = gaz_pdf_dict_get(o, "Name");
	CHECK(v && v->type == GAZ_PDF_STRING && v->u.str.len == 7 &&
	      !memcmp(v->u.str.p, "a(b)Ac\n", 7));
	CHECK(gaz_pdf_is_name(gaz_pdf_dict_get(o, "Odd"), "A B"));
	CHECK(gaz_pdf_dict_get(o, "Missing") == NULL);
	CHECK_EQ_INT(gaz_pdf_get_int(gaz_pdf_dict_get(o, "Type"), &iv), GAZ_EINVAL);
	/* same object twice: same pointer (cache) */
	CHECK_EQ_INT(gaz_pdf_get(pdf, 0, 6, 0, &v), 0);
	CHECK(v == o);
	/* absent, wrong generation, free */
	CHECK_EQ_INT(gaz_pdf_get(pdf, 0, 9, 0, &v), GAZ_ENOTFOUND);
	CHECK_EQ_INT(gaz_pdf_get(pdf, 0, 6, 1, &v), GAZ_ENOTFOUND);
	CHECK_EQ_INT(gaz_pdf_get(pdf, 0, 0, 65535, &v), GAZ_ENOTFOUND);
	gaz_pdf_close(pdf);
out:
	gaz_buf_release(&w.b);
}

static void test_incremental(void)
{
	struct w w;
	struct gaz_pdf *pdf;
	struct gaz_pdf_rev r0, r1;
	struct gaz_pdf_xentry x0, x1;
	const struct gaz_pdf_obj *o;
	size_t first_end, xref0;
	char extra[64];

	xref0 = base_file(&w);
	first_end = w.b.len;
	w_obj(&w, 3, "<</Type/Page/Parent 2 0 R/MediaBox[0 0 100 100]/Contents 5 0 R>>");
	w_obj(&w, 7, "<</New true>>");
	snprintf(extra, sizeof(extra), "/Root 1 0 R/Prev %zu", xref0);
	w_xref(&w, 8, extra, 0);
	if (!(pdf = open_ok(&w.b)))
		goto out;
	CHECK_EQ_INT(gaz_pdf_nrevs(pdf), 2);
	gaz_pdf_rev_info(pdf, 0, &r0);
	gaz_pdf_rev_info(pdf, 1, &r1);
	CHECK_EQ_INT(r0.end, first_end);
	CHECK_EQ_INT(r1.end, w.b.len);
	CHECK_EQ_INT(r1.max_num, 7);
	CHECK_EQ_INT(gaz_pdf_xref_lookup(pdf, 0, 3, &x0), 0);
	CHECK_EQ_INT(gaz_pdf_xref_lookup(pdf, 1, 3, &x1), 0);
	CHECK(x0.offset != x1.offset && x0.section != x1.section);
	CHECK_EQ_INT(gaz_pdf_xref_lookup(pdf, 1, 2, &x1), 0);
	CHECK_EQ_INT(gaz_pdf_xref_lookup(pdf, 0, 2, &x0), 0);
	CHECK(x0.offset == x1.offset && x0.section == x1.section);
	CHECK_EQ_INT(gaz_pdf_get(pdf, 0, 7, 0, &o), GAZ_ENOTFOUND);
	CHECK_EQ_INT(gaz_pdf_get(pdf, 1, 7, 0, &o), 0);
	CHECK_EQ_INT(gaz_pdf_get(pdf, 0, 3, 0, &o), 0);
	CHECK(o && gaz_pdf_dict_get(o, "MediaBox")->u.array.v[2]->u.integer == 595);
	CHECK_EQ_INT(gaz_pdf_get(pdf, GAZ_PDF_LATEST, 3, 0, &o), 0);
	CHECK(o && gaz_pdf_dict_get(o, "MediaBox")->u.array.v[2]->u.integer == 100);
	gaz_pdf_close(pdf);
out:
	gaz_buf_release(&w.b);
}

/* An xref stream (W [1 2 1], PNG Up predictor) and an object stream holding
 * the catalog, the page tree and a page. */
static void test_xref_stream(void)
{
	struct w w;
	struct gaz_pdf *pdf;
	struct gaz_pdf_page *pages = NULL;
	struct gaz_pdf_xentry xe;
	const struct gaz_pdf_obj *o;
	unsigned char rows[6][5], pred[6][5], *z;
	const char *objs = "1 0 2 29 3 64 "
		"<</Type/Catalog/Pages 2 0 R>>"
		"<</Type/Pages/Kids[3 0 R]/Count 1>>"
		"<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>";
	size_t zn, n = 0, xoff;
	int i, j;
	char dict[160];

	w_init(&w);
	zn = zcompress(objs, strlen(objs), &z);
	w_stream(&w, 4, "/Type/ObjStm/N 3/First 14/Filter/FlateDecode", z, zn);
	free(z);
	xoff = w.b.len;
	/* rows: type, offset(2), gen/index(1) */
	memset(rows, 0, sizeof(rows));
	rows[0][0] = 0; rows[0][3] = 255;                          /* 0 free */
	for (i = 1; i <= 3; i++) {                                 /* 1-3 in stream 4 */
		rows[i][0] = 2; rows[i][1] = 0; rows[i][2] = 4; rows[i][3] = (unsigned char)(i - 1);
	}
	rows[4][0] = 1; rows[4][1] = (unsigned char)(w.off[4] >> 8); rows[4][2] = (unsigned char)w.off[4];
	rows[5][0] = 1; rows[5][1] = (unsigned char)(xoff >> 8); rows[5][2] = (unsigned char)xoff;
	for (i = 0; i < 6; i++) {
		unsigned char line[5];

		line[0] = 2; /* Up */
		for (j = 0; j < 4; j++)
			line[1 + j] = (unsigned char)(rows[i][j] - (i ? rows[i - 1][j] : 0));
		memcpy(pred[i], line, 5);
	}
	zn = zcompress(pred, sizeof(pred), &z);
	snprintf(dict, sizeof(dict), "/Type/XRef/Size 6/W[1 2 1]/Root 1 0 R/Filter/FlateDecode"
		 "/DecodeParms<</Predictor 12/Columns 4>>");
	w_stream(&w, 5, dict, z, zn);
	free(z);
	gaz_buf_printf(&w.b, "startxref\n%zu\n%%%%EOF\n", xoff);
	if (!(pdf = open_ok(&w.b)))
		goto out;
	CHECK_EQ_INT(gaz_pdf_xref_lookup(pdf, 0, 2, &xe), 0);
	CHECK(xe.type == GAZ_PDF_XCOMPRESSED && xe.stm == 4 && xe.idx == 1);
	if (gaz_pdf_pages(pdf, 0, &pages, &n))
		fprintf(stderr, "pages: %s\n", gaz_errdetail());
	CHECK_EQ_INT(n, 1);
	CHECK(n == 1 && pages[0].num == 3 && !pages[0].dict->in_file);
	free(pages);
	CHECK_EQ_INT(gaz_pdf_get(pdf, 0, 3, 1, &o), GAZ_ENOTFOUND); /* compressed: gen 0 */
	gaz_pdf_close(pdf);
out:
	gaz_buf_release(&w.b);
}

/* A hybrid file: the table marks object 3 free, its /XRefStm has it. */
static void test_hybrid(void)
{
	struct gaz_buf b = GAZ_BUF_INIT(1 << 20);
	struct gaz_pdf *pdf = NULL;
	struct gaz_pdf_page *pages = NULL;
	size_t o1, o2, o3, o4, x, n = 0;
	unsigned char row[6];

	gaz_buf_addstr(&b, "%PDF-1.5\n");
	o1 = b.len;
	gaz_buf_addstr(&b, "1 0 obj\n<</Type/Catalog/Pages 2 0 R>>\nendobj\n");
	o2 = b.len;
	gaz_buf_addstr(&b, "2 0 obj\n<</Type/Pages/Kids[3 0 R]/Count 1>>\nendobj\n");
	o3 = b.len;
	gaz_buf_addstr(&b, "3 0 obj\n<</Type/Page/Parent 2 0 R>>\nendobj\n");
	o4 = b.len;
	row[0] = 1;
	row[1] = (unsigned char)(o3 >> 24);
	row[2] = (unsigned char)(o3 >> 16);
	row[3] = (unsigned char)(o3 >> 8);
	row[4] = (unsigned char)o3;
	row[5] = 0;
	gaz_buf_addstr(&b, "4 0 obj\n<</Type/XRef/Size 5/W[1 4 1]/Index[3 1]/Length 6>>\nstream\n");
	gaz_buf_add(&b, row, 6);
	gaz_buf_addstr(&b, "\nendstream\nendobj\n");
	x = b.len;
	gaz_buf_printf(&b, "xref\n0 4\n0000000000 65535 f \n%010zu 00000 n \n%010zu 00000 n \n"
		       "0000000000 00000 f \ntrailer\n<</Size 5/Root 1 0 R/XRefStm %zu>>\n"
		       "startxref\n%zu\n%%%%EOF\n", o1, o2, o4, x);
	CHECK_EQ_INT(gaz_pdf_open(b.data, b.len, &pdf), 0);
	if (pdf) {
		CHECK_EQ_INT(gaz_pdf_pages(pdf, 0, &pages, &n), 0);
		CHECK_EQ_INT(n, 1);
		free(pages);
	}
	gaz_pdf_close(pdf);
	gaz_buf_release(&b);
}

/* startxref may point at whitespace before "xref" (@signpdf), not at junk */
static void test_startxref_slack(void)
{
	char f[512];
	int n, x;

	n = snprintf(f, sizeof(f), "%%PDF-1.7\n1 0 obj\n<</Type/Catalog>>\nendobj\n\n"
		     "xref\n0 2\n0000000000 65535 f \n0000000009 00000 n \n"
		     "trailer\n<</Size 2/Root 1 0 R>>\nstartxref\n%05d\n%%%%EOF\n", 0);
	x = (int)(strstr(f, "\nxref") - f);
	n = snprintf(f, sizeof(f), "%%PDF-1.7\n1 0 obj\n<</Type/Catalog>>\nendobj\n\n"
		     "xref\n0 2\n0000000000 65535 f \n0000000009 00000 n \n"
		     "trailer\n<</Size 2/Root 1 0 R>>\nstartxref\n%05d\n%%%%EOF\n", x);
	CHECK_EQ_INT(open_str(f, (size_t)n), 0);
	n = snprintf(f, sizeof(f), "%%PDF-1.7\n1 0 obj\n<</Type/Catalog>>\nendobj\n\n"
		     "xref\n0 2\n0000000000 65535 f \n0000000009 00000 n \n"
		     "trailer\n<</Size 2/Root 1 0 R>>\nstartxref\n%05d\n%%%%EOF\n", x - 3);
	CHECK_EQ_INT(open_str(f, (size_t)n), GAZ_EFORMAT);
}

static void test_write(void)
{
	static const char in[] = "%%PDF-1.4\n1 0 obj\n<</Type/Catalog/Pages 2 0 R/A[1 -2 3.50 "
		"(x\\)y) <00ff> /N#23m true null<</K/V>>] /R -0.0>>\nendobj\n"
		"xref\n0 2\n0000000000 65535 f \n0000000009 00000 n \ntrailer\n<</Size 2/Root 1 0 R>>\n"
		"startxref\n%d\n%%%%EOF\n";
	static const char *skip[] = { "A", NULL };
	char file[512];
	struct gaz_buf out = GAZ_BUF_INIT(4096);
	struct gaz_pdf *pdf = NULL;
	const struct gaz_pdf_obj *o;
	int n, off;

	n = snprintf(file, sizeof(file), in, 0);
	off = (int)(strstr(file, "xref") - file);
	n = snprintf(file, sizeof(file), in, off);
	CHECK_EQ_INT(gaz_pdf_open(file, (size_t)n, &pdf), 0);
	if (!pdf)
		return;
	CHECK_EQ_INT(gaz_pdf_get(pdf, 0, 1, 0, &o), 0);
	CHECK_EQ_INT(gaz_pdf_write(&out, o), 0);
	CHECK_STR(out.data, "<</Type/Catalog/Pages 2 0 R/A[1 -2 3.5 <782979> <00FF> /N#23m true null "
		  "<</K/V>>]/R 0>>");
	gaz_buf_reset(&out);
	CHECK_EQ_INT(gaz_pdf_write_entries(&out, o, skip), 0);
	CHECK_STR(out.data, "/Type /Catalog/Pages 2 0 R/R 0");
	gaz_buf_release(&out);
	gaz_pdf_close(pdf);
}

/* libharu output, then the same file rewritten by qpdf with xref and object
 * streams: both must parse to the same pages. */
static int hpdf_file(const char *path, int npages)
{
	HPDF_Doc doc;
	int i, rc;

	if (gaz_dl_hpdf() || !(doc = HPDF_New(NULL, NULL)))
		return -1;
	HPDF_SetCompressionMode(doc, HPDF_COMP_ALL);
	for (i = 0; i < npages; i++) {
		HPDF_Page pg = HPDF_AddPage(doc);
		HPDF_Font f = HPDF_GetFont(doc, "Helvetica", NULL);

		HPDF_Page_BeginText(pg);
		HPDF_Page_SetFontAndSize(pg, f, 12);
		HPDF_Page_TextOut(pg, 50, 700, "page");
		HPDF_Page_EndText(pg);
	}
	rc = HPDF_SaveToFile(doc, path) == HPDF_OK ? 0 : -1;
	HPDF_Free(doc);
	return rc;
}

static void check_file_pages(const char *path, size_t want)
{
	struct gaz_pdf *pdf = NULL;
	struct gaz_pdf_page *pages = NULL;
	const struct gaz_pdf_obj *c;
	const unsigned char *p;
	char *buf = NULL;
	size_t len, n = 0, cn;
	int rc;

	CHECK_EQ_INT(gaz_read_file(path, GAZ_PDF_MAX_FILE, &buf, &len), 0);
	if (!buf)
		return;
	rc = gaz_pdf_open(buf, len, &pdf);
	if (rc)
		fprintf(stderr, "%s: %s: %s\n", path, gaz_strerror(rc), gaz_errdetail());
	CHECK_EQ_INT(rc, 0);
	if (!rc) {
		rc = gaz_pdf_pages(pdf, GAZ_PDF_LATEST, &pages, &n);
		if (rc)
			fprintf(stderr, "%s: %s: %s\n", path, gaz_strerror(rc), gaz_errdetail());
		CHECK_EQ_INT(n, want);
		if (n) {
			CHECK_EQ_INT(gaz_pdf_dict_resolve(pdf, GAZ_PDF_LATEST, pages[n - 1].dict,
							  "Contents", &c), 0);
			CHECK_EQ_INT(gaz_pdf_stream_decode(pdf, GAZ_PDF_LATEST, c, &p, &cn), 0);
			CHECK(cn > 0 && strstr((const char *)p, "(page) Tj"));
		}
		free(pages);
	}
	gaz_pdf_close(pdf);
	free(buf);
}

static void test_real_files(void)
{
	char dir[] = "/tmp/test_pdf_XXXXXX", a[128], b[128], c[128], cmd[512];

	if (!mkdtemp(dir)) {
		CHECK(0);
		return;
	}
	snprintf(a, sizeof(a), "%s/haru.pdf", dir);
	snprintf(b, sizeof(b), "%s/objstm.pdf", dir);
	snprintf(c, sizeof(c), "%s/mutool.pdf", dir);
	CHECK_EQ_INT(hpdf_file(a, 3), 0);
	check_file_pages(a, 3);
	snprintf(cmd, sizeof(cmd), "qpdf --object-streams=generate %s %s", a, b);
	if (system("command -v qpdf >/dev/null") == 0) {
		CHECK_EQ_INT(system(cmd), 0);
		check_file_pages(b, 3);
		/* qpdf's own incremental-free rewrite of a linearized file */
		snprintf(cmd, sizeof(cmd), "qpdf --linearize %s %s", a, c);
		CHECK_EQ_INT(system(cmd), 0);
		check_file_pages(c, 3);
	} else {
		fprintf(stderr, "qpdf missing: skipping xref-stream files\n");
	}
	if (system("command -v mutool >/dev/null") == 0) {
		snprintf(cmd, sizeof(cmd), "mutool clean -z %s %s", a, c);
		CHECK_EQ_INT(system(cmd), 0);
		check_file_pages(c, 3);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK_EQ_INT(system(cmd), 0);
}

/* ---- malformed inputs ------------------------------------------------ */

static int open_str(const char *s, size_t n)
{
	struct gaz_pdf *pdf = NULL;
	int rc = gaz_pdf_open(s, n, &pdf);

	gaz_pdf_close(pdf);
	return rc;
}

/* Builds "1 0 obj BODY endobj" + xref + trailer(extra) with exact offsets. */
static int one_obj(const char *body, const char *extra, struct gaz_pdf **out, struct gaz_buf *b)
{
	size_t x;

	gaz_buf_init(b, 1 << 27);
	gaz_buf_addstr(b, "%PDF-1.7\n");
	gaz_buf_printf(b, "1 0 obj\n%s\nendobj\n", body);
	x = b->len;
	gaz_buf_printf(b, "xref\n0 2\n0000000000 65535 f \n0000000009 00000 n \n"
		       "trailer\n<</Size 2/Root 1 0 R%s>>\nstartxref\n%zu\n%%%%EOF\n", extra, x);
	return gaz_pdf_open(b->data, b->len, out);
}

static int get1(const char *body, const char *extra)
{
	struct gaz_buf b;
	struct gaz_pdf *pdf = NULL;
	const struct gaz_pdf_obj *o;
	int rc = one_obj(body, extra, &pdf, &b);

	if (!rc)
		rc = gaz_pdf_get(pdf, 0, 1, 0, &o);
	if (!rc && o->type == GAZ_PDF_STREAM) {
		const unsigned char *p;
		size_t n;

		rc = gaz_pdf_stream_decode(pdf, 0, o, &p, &n);
	}
	gaz_pdf_close(pdf);
	gaz_buf_release(&b);
	return rc;
}

/* Hex strings, both ways through parse_hex: the direct decoding and the
 * byte-by-byte one it falls back to on a bad digit. */
static void hex_is(const char *lit, const char *want, size_t wlen)
{
	struct gaz_buf b;
	struct gaz_pdf *pdf = NULL;
	const struct gaz_pdf_obj *o = NULL, *v;
	char body[256];

	snprintf(body, sizeof body, "<</Type/Catalog/H %s/After 7>>", lit);
	CHECK_EQ_INT(one_obj(body, "", &pdf, &b), 0);
	if (pdf && !gaz_pdf_get(pdf, 0, 1, 0, &o)) {
		v = gaz_pdf_dict_get(o, "H");
		CHECK(v && v->type == GAZ_PDF_STRING && v->u.str.hex && v->u.str.len == wlen &&
		      !memcmp(v->u.str.p, want, wlen) && v->u.str.p[wlen] == 0);
		if (v)
			CHECK(v->end - v->start == strlen(lit));
		v = gaz_pdf_dict_get(o, "After"); /* the lexer went on at the right byte */
		CHECK(v && v->type == GAZ_PDF_INT && v->u.integer == 7);
	} else {
		CHECK(!"hex string object parses");
	}
	gaz_pdf_close(pdf);
	gaz_buf_release(&b);
}

static void test_hex(void)
{
	hex_is("<>", "", 0);
	hex_is("<ABC>", "\xab\xc0", 2);                /* odd: the last digit is padded */
	hex_is("<0a0B\r\n 0C\t0d\f>", "\x0a\x0b\x0c\x0d", 4);
	hex_is("< \n >", "", 0);
	hex_is("<fF00>", "\xff\x00", 2);
	CHECK_EQ_INT(get1("<</Type/Catalog/A <12x4>>>", ""), GAZ_EFORMAT);
	CHECK_EQ_INT(get1("<</Type/Catalog/A <12:4>>>", ""), GAZ_EFORMAT);
	CHECK_EQ_INT(get1("<</Type/Catalog/A <1234", ""), GAZ_EFORMAT);
}

static void test_malformed(void)
{
	struct gaz_buf b;
	struct gaz_pdf *pdf = NULL;
	const struct gaz_pdf_obj *o;
	char deep[400];
	size_t i;

	CHECK_EQ_INT(open_str("", 0), GAZ_EFORMAT);
	CHECK_EQ_INT(open_str("hello world", 11), GAZ_EFORMAT);
	CHECK_EQ_INT(open_str("%PDF-1.7\n", 9), GAZ_EFORMAT);
	CHECK_EQ_INT(open_str("%PDF-1.7\nstartxref\n5\n%%EOF", 26), GAZ_EFORMAT);
	CHECK_EQ_INT(open_str("%PDF-1.7\nstartxref\n99999\n%%EOF", 30), GAZ_EFORMAT);
	/* the good case of the helper */
	CHECK_EQ_INT(get1("<</Type/Catalog>>", ""), 0);
	/* duplicate keys, bad tokens, unterminated things */
	CHECK_EQ_INT(get1("<</Type/Catalog/A 1/A 2>>", ""), GAZ_EFORMAT);
	CHECK_EQ_INT(get1("<</Type/Catalog/A (abc>>", ""), GAZ_EFORMAT);
	CHECK_EQ_INT(get1("<</Type/Catalog/A <12x4>>>", ""), GAZ_EFORMAT);
	CHECK_EQ_INT(get1("<</Type/Catalog/A bogus>>", ""), GAZ_EFORMAT);
	CHECK_EQ_INT(get1("<</Type/Catalog/A 12345678901234567890>>", ""), GAZ_EFORMAT);
	CHECK_EQ_INT(get1("<</Type/Catalog/A/B#4>>", ""), GAZ_EFORMAT);
	CHECK_EQ_INT(get1("<</Type/Catalog 1 2>>", ""), GAZ_EFORMAT);
	CHECK_EQ_INT(get1("<</Type/Catalog>>", "/Encrypt 5 0 R"), GAZ_EFORMAT);
	/* nesting */
	for (i = 0; i < 100; i++)
		deep[i] = '[';
	for (i = 100; i < 200; i++)
		deep[i] = ']';
	deep[200] = 0;
	CHECK_EQ_INT(get1(deep, ""), GAZ_ETOOBIG);
	deep[0] = 0;
	strcpy(deep, "[[[[[[]]]]]]");
	CHECK_EQ_INT(get1(deep, ""), 0);
	/* streams: bad length, no endstream, unknown filter, corrupt flate */
	CHECK_EQ_INT(get1("<</Length 100>>\nstream\nabc\nendstream", ""), GAZ_EFORMAT);
	CHECK_EQ_INT(get1("<</Length 1>>\nstream\nabc\nendstream", ""), GAZ_EFORMAT);
	CHECK_EQ_INT(get1("<</Length 3>>\nstream\nabc\nendstream", ""), 0);
	CHECK_EQ_INT(get1("<</Length 3/Filter/LZWDecode>>\nstream\nabc\nendstream", ""), GAZ_EFORMAT);
	CHECK_EQ_INT(get1("<</Length 3/Filter/FlateDecode>>\nstream\nabc\nendstream", ""), GAZ_EFORMAT);
	/* a stream whose /Length is itself: bounded, not a stack overflow */
	CHECK_EQ_INT(get1("<</Length 1 0 R>>\nstream\nabc\nendstream", ""), GAZ_ETOOBIG);
	CHECK_EQ_INT(get1("<</Length -3>>\nstream\nabc\nendstream", ""), GAZ_EFORMAT);
	/* a reference cycle: 1 0 obj 1 0 R */
	CHECK_EQ_INT(one_obj("1 0 R", "", &pdf, &b), 0);
	if (pdf) {
		struct gaz_pdf_obj ref = { .type = GAZ_PDF_REF };

		ref.u.ref.num = 1;
		CHECK_EQ_INT(gaz_pdf_resolve(pdf, 0, &ref, &o), GAZ_EFORMAT);
		CHECK_EQ_INT(gaz_pdf_catalog(pdf, 0, &o, NULL, NULL), GAZ_EFORMAT);
	}
	gaz_pdf_close(pdf);
	pdf = NULL;
	gaz_buf_release(&b);
	/* a page tree that contains itself */
	CHECK_EQ_INT(one_obj("<</Type/Catalog/Pages 1 0 R/Kids[1 0 R]>>", "", &pdf, &b), 0);
	if (pdf) {
		struct gaz_pdf_page *pages = NULL;
		size_t n;

		CHECK_EQ_INT(gaz_pdf_pages(pdf, 0, &pages, &n), GAZ_EFORMAT);
		CHECK(pages == NULL);
	}
	gaz_pdf_close(pdf);
	pdf = NULL;
	gaz_buf_release(&b);
	/* a /Prev loop */
	{
		char f[512];
		int n, x;

		n = snprintf(f, sizeof(f), "%%PDF-1.7\n1 0 obj\n<</Type/Catalog>>\nendobj\n"
			     "xref\n0 2\n0000000000 65535 f \n0000000009 00000 n \n"
			     "trailer\n<</Size 2/Root 1 0 R/Prev %05d>>\nstartxref\n%05d\n%%%%EOF\n", 0, 0);
		x = (int)(strstr(f, "xref") - f);
		n = snprintf(f, sizeof(f), "%%PDF-1.7\n1 0 obj\n<</Type/Catalog>>\nendobj\n"
			     "xref\n0 2\n0000000000 65535 f \n0000000009 00000 n \n"
			     "trailer\n<</Size 2/Root 1 0 R/Prev %05d>>\nstartxref\n%05d\n%%%%EOF\n", x, x);
		CHECK_EQ_INT(open_str(f, (size_t)n), GAZ_EFORMAT);
		/* xref points at the wrong object number */
		n = snprintf(f, sizeof(f), "%%PDF-1.7\n2 0 obj\n<</Type/Catalog>>\nendobj\n"
			     "xref\n0 2\n0000000000 65535 f \n0000000009 00000 n \n"
			     "trailer\n<</Size 2/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n", x);
		CHECK_EQ_INT(gaz_pdf_open(f, (size_t)n, &pdf), 0);
		if (pdf)
			CHECK_EQ_INT(gaz_pdf_get(pdf, 0, 1, 0, &o), GAZ_EFORMAT);
		gaz_pdf_close(pdf);
		pdf = NULL;
	}
	/* a zip bomb: 80 MB of zeros in a few dozen KB (the cap is 64 MB) */
	{
		size_t big = (size_t)80 << 20;
		unsigned char *zeros = calloc(1, big), *z = NULL;
		size_t zn;
		struct gaz_buf f = GAZ_BUF_INIT(1 << 26);
		const unsigned char *p;
		size_t n;

		if (zeros) {
			zn = zcompress(zeros, big, &z);
			free(zeros);
			gaz_buf_printf(&f, "<</Length %zu/Filter/FlateDecode>>\nstream\n", zn);
			gaz_buf_add(&f, z, zn);
			gaz_buf_addstr(&f, "\nendstream");
			free(z);
			/* one_obj formats with %s: build by hand instead */
			gaz_buf_init(&b, 1 << 27);
			gaz_buf_addstr(&b, "%PDF-1.7\n1 0 obj\n");
			gaz_buf_add(&b, f.data, f.len);
			gaz_buf_addstr(&b, "\nendobj\n");
			i = b.len;
			gaz_buf_printf(&b, "xref\n0 2\n0000000000 65535 f \n0000000009 00000 n \n"
				       "trailer\n<</Size 2/Root 1 0 R>>\nstartxref\n%zu\n%%%%EOF\n", i);
			CHECK_EQ_INT(gaz_pdf_open(b.data, b.len, &pdf), 0);
			if (pdf) {
				CHECK_EQ_INT(gaz_pdf_get(pdf, 0, 1, 0, &o), 0);
				CHECK_EQ_INT(gaz_pdf_stream_decode(pdf, 0, o, &p, &n), GAZ_ETOOBIG);
			}
			gaz_pdf_close(pdf);
			pdf = NULL;
			gaz_buf_release(&b);
		}
		gaz_buf_release(&f);
	}
}

int main(void)
{
	test_basic();
	test_incremental();
	test_xref_stream();
	test_write();
	test_hybrid();
	test_startxref_slack();
	test_real_files();
	test_hex();
	test_malformed();
	return TEST_DONE();
}

/* libFuzzer harness for the strict PDF reader and the verifier: parses the
 * input, walks every revision (catalog, pages, every object, stream
 * decoding, re-serialisation), then runs the whole signature verification
 * and renders its report as text and JSON.  Seeds: tests/fuzz/seeds/pdf/. */
#include "gazette/pdf.h"
#include "gazette/verify.h"

#include <stdlib.h>

static void walk(struct gaz_pdf *pdf)
{
	struct gaz_buf out = GAZ_BUF_INIT(1 << 20);
	size_t r, n, i;

	for (r = 0; r < gaz_pdf_nrevs(pdf) && r < 8; r++) {
		struct gaz_pdf_rev info;
		struct gaz_pdf_page *pages = NULL;
		const struct gaz_pdf_obj *o;
		const unsigned char *p;
		uint32_t num;

		if (gaz_pdf_rev_info(pdf, r, &info))
			continue;
		gaz_pdf_catalog(pdf, r, &o, NULL, NULL);
		if (!gaz_pdf_pages(pdf, r, &pages, &n)) {
			for (i = 0; i < n; i++)
				gaz_pdf_dict_resolve(pdf, r, pages[i].dict, "Contents", &o);
			free(pages);
		}
		for (num = 0; num <= info.max_num && num < 2000; num++) {
			struct gaz_pdf_xentry xe;

			if (gaz_pdf_xref_lookup(pdf, r, num, &xe) || xe.type == GAZ_PDF_XFREE)
				continue;
			if (gaz_pdf_get(pdf, r, num, xe.gen, &o))
				continue;
			if (o->type == GAZ_PDF_STREAM) {
				gaz_pdf_stream_decode(pdf, r, o, &p, &n);
				gaz_pdf_write_entries(&out, o, NULL);
			} else {
				gaz_pdf_write(&out, o);
			}
			gaz_buf_reset(&out);
		}
	}
	gaz_buf_release(&out);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct gaz_pdf *pdf = NULL;
	struct gaz_verify_report *rep = NULL;
	struct gaz_buf text = GAZ_BUF_INIT(1 << 22);
	char *json = NULL;

	if (!gaz_pdf_open(data, size, &pdf)) {
		walk(pdf);
		gaz_pdf_close(pdf);
	}
	if (!gaz_verify_pdf(data, size, NULL, &rep)) {
		gaz_verify_report_text(rep, "fuzz.pdf", &text);
		gaz_verify_report_json(rep, "fuzz.pdf", &json);
		gaz_verify_report_free(rep);
	}
	free(json);
	gaz_buf_release(&text);
	return 0;
}

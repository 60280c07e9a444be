/* libFuzzer harness: a submitted document that `gazette check` accepts is
 * typeset and written as a PDF (gaz_compile: layout, line breaking, fonts,
 * QR codes, libharu).  An issue that passed the check must compile: the only
 * failures allowed are a character no installed font can draw (GAZ_EFONT)
 * and the named size caps; anything else — or a crash, a leak, a PDF
 * without its header and end marker — is a finding.  The fonts are
 * issue.conf's defaults (Debian's), opened once. */
#include "gazette/compile.h"
#include "gazette/font.h"
#include "gazette/issue.h"

#include <stdlib.h>
#include <string.h>

static const char conf[] =
	"刊名：政府公报\n年份：2023\n期号：7\n总期号：146\n出版日期：2023-07-31\n"
	"栏目：政府办公室文件\n栏目：部门文件\n网址：https://gazette.example.gov.cn\n";

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

/* "%%EOF" among the last 8 bytes (an end-of-line may follow it). */
static int ends_with_eof(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = n - 8; i + 5 <= n; i++)
		if (!memcmp(p + i, "%%EOF", 5))
			return 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static struct gaz_fontset *fonts;
	static char dir[] = "/nonexistent-gazette-fuzz";
	struct gaz_diags d = { 0 };
	struct gaz_issue is;
	struct gaz_doc doc;
	struct gaz_compile_opts o;
	struct gaz_compile_result r;
	int parsed = 0, rc;

	if (size > GAZ_DOC_MAX_BYTES)
		return 0;
	memset(&is, 0, sizeof is);
	memset(&doc, 0, sizeof doc);
	is.dir = dir;
	if (gaz_config_parse("issue.conf", conf, sizeof conf - 1, &is.cfg, &d) || d.n_errors)
		abort();
	if (!fonts && gaz_fontset_open(&is.cfg, &fonts))
		abort(); /* the default fonts must be installed */
	if (gaz_doc_parse("fuzz/01.txt", (const char *)data, size, &doc, &d))
		goto end;
	parsed = 1;
	is.docs = &doc;
	is.n_docs = 1;
	if (gaz_issue_check(&is, &d) || d.n_errors)
		goto end;
	o.fonts = fonts;
	rc = gaz_compile(&is, &o, &r);
	if (rc == GAZ_EFONT || rc == GAZ_ETOOBIG || rc == GAZ_ENOMEM)
		goto end;
	if (rc)
		abort();
	if (r.len < 16 || memcmp(r.pdf, "%PDF-", 5) || !ends_with_eof(r.pdf, r.len) ||
	    r.n_pages < 1 || r.n_docs != 1 || r.docs[0].first < 0 ||
	    r.docs[0].first > r.docs[0].last || r.docs[0].last >= r.n_pages)
		abort();
	gaz_compile_result_release(&r);
end:
	if (parsed)
		gaz_doc_release(&doc);
	gaz_config_release(&is.cfg);
	gaz_diags_release(&d);
	return 0;
}

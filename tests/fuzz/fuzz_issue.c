/* libFuzzer harness: one submitted document, parsed from the fuzzer's bytes
 * with gaz_doc_parse and checked with gaz_issue_check in an issue holding it
 * (twice when small, so the duplicate checks run too).  Also asserts the parser's
 * promise that every text it returns is valid UTF-8, and redacts the text. */
#include "gazette/issue.h"
#include "gazette/privacy.h"

#include <stdlib.h>
#include <string.h>

static const char conf[] =
	"刊名：政府公报\n年份：2023\n期号：7\n总期号：146\n出版日期：2023-07-31\n"
	"栏目：政府办公室文件\n栏目：部门文件\n网址：https://gazette.example.gov.cn\n";

static void valid_or_die(const char *s)
{
	if (s && gaz_utf8_validate((const unsigned char *)s, strlen(s), NULL))
		abort();
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static char dir[] = "/nonexistent-gazette-fuzz";
	struct gaz_diags d = { 0 };
	struct gaz_issue is;
	struct gaz_doc docs[2];
	char *text = NULL, *red = NULL;
	size_t i, n = 0, len;

	if (size > GAZ_DOC_MAX_BYTES)
		return 0;
	memset(&is, 0, sizeof is);
	memset(docs, 0, sizeof docs);
	is.dir = dir;
	if (gaz_config_parse("issue.conf", conf, sizeof conf - 1, &is.cfg, &d))
		goto end;
	/* Twice (duplicate checks) for small inputs; big ones cost enough once. */
	for (n = 0; n < (size <= 4096 ? 2u : 1u); n++)
		if (gaz_doc_parse(n ? "fuzz/02.txt" : "fuzz/01.txt", (const char *)data, size,
				  &docs[n], &d))
			goto end;
	for (i = 0; i < docs[0].n_blocks; i++)
		valid_or_die(docs[0].blocks[i].text);
	valid_or_die(docs[0].title.value);
	valid_or_die(docs[0].doc_no.value);
	is.docs = docs;
	is.n_docs = n;
	gaz_issue_check(&is, &d);
	if ((text = gaz_doc_text(&docs[0], &len)) &&
	    !gaz_privacy_redact(text, len, 2 * len + 64, &red, NULL))
		valid_or_die(red);
end:
	free(red);
	free(text);
	for (i = 0; i < n; i++)
		gaz_doc_release(&docs[i]);
	gaz_config_release(&is.cfg);
	gaz_diags_release(&d);
	return 0;
}

#include "cli.h"
#include "gazette/issue.h"

#include <string.h>

const char cmd_check_usage[] =
	"usage: gazette check ISSUE_DIR\n\n"
	"Validates an issue folder before it is compiled: issue.conf (required\n"
	"keys, bounded numbers, real 出版日期, http(s) 网址, watermark opacity and\n"
	"angle, 栏目 not repeated, font files readable) and every document\n"
	"(required fields, real dates with 成文日期 ≤ 发布日期 ≤ 出版日期,\n"
	"well-formed and unique 发文字号 and 索引号, 有效性, known 栏目, valid\n"
	"UTF-8, no control/bidi/zero-width characters, truncated files,\n"
	"half-width punctuation, crawl debris, repeated titles).  Scans for\n"
	"personal data that must be de-identified before publication: 18-digit\n"
	"resident ID numbers with a valid check digit, 15-digit ID numbers,\n"
	"mobile numbers (shown masked, e.g. 110105********1238).\n\n"
	"Every problem is printed on stderr as\n"
	"  FILE:LINE[:COLUMN]: FIELD: error|warning: message\n"
	"(COLUMN counts characters), then a summary line.  See\n"
	"docs/input-format.md for the format and every check.\n\n"
	"exit 0: may be compiled (warnings allowed); 1: errors found;\n"
	"2: usage error or the folder cannot be opened.\n";

int cmd_check(int argc, char **argv)
{
	struct gaz_diags d = { 0 };
	struct gaz_issue *is = NULL;
	const char *dir = NULL;
	int i, ret = EXIT_USAGE;

	for (i = 1; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1])
			return cli_usage("check", "unknown option %s", argv[i]);
		if (dir)
			return cli_usage("check", "only one ISSUE_DIR");
		dir = argv[i];
	}
	if (!dir)
		return cli_usage("check", "ISSUE_DIR missing");
	if ((ret = cli_issue_load(dir, &is, &d)))
		goto end;
	fprintf(stderr, "%s: %zu document%s, %zu error%s, %zu warning%s\n", dir,
		is->n_docs, is->n_docs == 1 ? "" : "s", d.n_errors,
		d.n_errors == 1 ? "" : "s", d.n_warnings, d.n_warnings == 1 ? "" : "s");
	ret = d.n_errors ? EXIT_FAILED : EXIT_OK;
end:
	gaz_issue_free(is);
	gaz_diags_release(&d);
	return ret;
}

#include "cli.h"
#include "gazette/issue.h"

#include "gazette/dl/cjson.h"
#include <stdlib.h>

#include <string.h>

const char cmd_check_usage[] =
	"usage: gazette check ISSUE_DIR [--json]\n\n"
	"Validates an issue folder before it is compiled: issue.conf (required\n"
	"keys, bounded numbers, real 出版日期, http(s) 网址, watermark opacity and\n"
	"angle, 栏目 not repeated, font files readable) and every document\n"
	"(required fields, real dates with 成文日期 ≤ 发布日期 ≤ 出版日期,\n"
	"well-formed and unique 发文字号 and 索引号, 有效性, known 栏目, valid\n"
	"UTF-8, no control/bidi/zero-width characters, truncated files,\n"
	"half-width punctuation, unpaired “” ‘’ 《》, crawl debris, repeated\n"
	"titles).  Scans for personal data that must be de-identified before\n"
	"publication: 18-digit resident ID numbers with a valid check digit,\n"
	"15-digit ID numbers, mobile numbers (shown masked, e.g.\n"
	"110105********1238).\n\n"
	"Every problem is printed on stderr as\n"
	"  FILE:LINE[:COLUMN]: FIELD: error|warning: message\n"
	"(COLUMN counts characters), then a summary line.  With --json the same\n"
	"goes to stdout as one JSON object, for the tools of the departments\n"
	"that submit documents: {issue, documents, errors, warnings, dropped,\n"
	"may_compile, problems: [{file, line, column, field, severity,\n"
	"message}]} (line/column 0: not known).  See docs/input-format.md for\n"
	"the format and every check.\n\n"
	"exit 0: may be compiled (warnings allowed); 1: errors found;\n"
	"2: usage error or the folder cannot be opened.\n";

static int print_json(const char *dir, const struct gaz_issue *is, const struct gaz_diags *d)
{
	cJSON *j = cJSON_CreateObject(), *a;
	char *txt = NULL;
	size_t i;
	int ret = EXIT_USAGE;

	if (!j)
		goto end;
	gaz_json_add_text(j, "issue", dir);
	cJSON_AddNumberToObject(j, "documents", (double)is->n_docs);
	cJSON_AddNumberToObject(j, "errors", (double)d->n_errors);
	cJSON_AddNumberToObject(j, "warnings", (double)d->n_warnings);
	cJSON_AddNumberToObject(j, "dropped", (double)d->n_dropped);
	cJSON_AddBoolToObject(j, "may_compile", d->n_errors == 0);
	if (!(a = cJSON_AddArrayToObject(j, "problems")))
		goto end;
	for (i = 0; i < d->n; i++) {
		const struct gaz_diag *x = &d->v[i];
		cJSON *o = cJSON_CreateObject();
		if (!o)
			goto end;
		cJSON_AddItemToArray(a, o);
		gaz_json_add_text(o, "file", x->file ? x->file : "");
		cJSON_AddNumberToObject(o, "line", x->line);
		cJSON_AddNumberToObject(o, "column", x->col);
		gaz_json_add_text(o, "field", x->field ? x->field : "");
		cJSON_AddStringToObject(o, "severity", x->sev == GAZ_SEV_ERROR ? "error" : "warning");
		gaz_json_add_text(o, "message", x->msg ? x->msg : "");
	}
	if (!(txt = cJSON_Print(j)))
		goto end;
	printf("%s\n", txt);
	ret = fflush(stdout) ? cli_error("stdout", GAZ_EIO) : EXIT_OK;
end:
	if (ret == EXIT_USAGE && !txt)
		ret = cli_error("check", GAZ_ENOMEM);
	free(txt);
	cJSON_Delete(j);
	return ret;
}

int cmd_check(int argc, char **argv)
{
	struct gaz_diags d = { 0 };
	struct gaz_issue *is = NULL;
	const char *dir = NULL;
	int i, json = 0, ret = EXIT_USAGE;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = 1;
			continue;
		}
		if (argv[i][0] == '-' && argv[i][1])
			return cli_usage("check", "unknown option %s", argv[i]);
		if (dir)
			return cli_usage("check", "only one ISSUE_DIR");
		dir = argv[i];
	}
	if (!dir)
		return cli_usage("check", "ISSUE_DIR missing");
	if ((ret = json ? cli_issue_read(dir, &is, &d) : cli_issue_load(dir, &is, &d)))
		goto end;
	if (json) {
		if ((ret = print_json(dir, is, &d)))
			goto end;
	} else {
		fprintf(stderr, "%s: %zu document%s, %zu error%s, %zu warning%s\n", dir,
			is->n_docs, is->n_docs == 1 ? "" : "s", d.n_errors,
			d.n_errors == 1 ? "" : "s", d.n_warnings, d.n_warnings == 1 ? "" : "s");
	}
	ret = d.n_errors ? EXIT_FAILED : EXIT_OK;
end:
	gaz_issue_free(is);
	gaz_diags_release(&d);
	return ret;
}

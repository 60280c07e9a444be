#include "cli.h"
#include "archive_cli.h"
#include "gazette/search.h"

#include <stdlib.h>
#include <string.h>

const char cmd_search_usage[] =
	"usage: gazette search --archive DIR [QUERY] [--issuer X] [--subject X]\n"
	"                      [--genre X] [--status S] [--from DATE] [--to DATE]\n"
	"                      [--issue YEAR[/NUMBER]] [--page N] [--per-page N]\n"
	"                      [--all-versions] [--json]\n\n"
	"Full-text search in Chinese over the archive's documents, ranked (BM25,\n"
	"title matches first), with the matches in a snippet marked 【like this】.\n"
	"QUERY: words separated by spaces must all occur (AND); \"a quoted phrase\"\n"
	"must occur as written; 1- and 2-character words are exact (报, 公报).\n"
	"发文字号 and 索引号 are searched like the title (西府办发, 38号, 008463152);\n"
	"a whole 发文字号, 索引号 or verification code finds its document first,\n"
	"whatever the brackets (〔〕 [] () （） 【】), spaces, width or case\n"
	"(codes: I, L = 1, O = 0, hyphens ignored).\n"
	"Full-width and half-width letters and digits are the same, case is ignored.\n"
	"Without QUERY, lists the documents passing the filters, newest first.\n\n"
	"  --issuer, --subject, --genre X  发布机构 / 主题分类 / 体裁分类 equal to X\n"
	"  --status S        有效|已修改|废止|失效 (current status)\n"
	"  --from, --to DATE 发布日期 range, YYYY-MM-DD, inclusive\n"
	"  --issue Y[/N]     documents in issue year Y (number N)\n"
	"  --page N          page N (from 1) of --per-page results (default 20, max 1000)\n"
	"  --all-versions    include documents of superseded (corrected) issue versions\n"
	"  --json            machine-readable: hits with snippet and highlight offsets\n"
	"                    (in characters of the snippet)\n\n"
	"exit 0: the search ran (also with no hits); 2: usage, bad query, I/O.\n";

static int parse_num(const char *cmd, const char *opt, const char *v, uint64_t max,
		     uint64_t *out)
{
	if (gaz_parse_uint(v, strlen(v), max, out) || !*out)
		return cli_usage(cmd, "%s %s: expected a number from 1 to %llu", opt, v,
				 (unsigned long long)max);
	return 0;
}

static enum gaz_search_status parse_status(const char *s)
{
	if (!strcmp(s, "valid"))
		return GAZ_ST_VALID;
	if (!strcmp(s, "amended"))
		return GAZ_ST_AMENDED;
	if (!strcmp(s, "repealed"))
		return GAZ_ST_REPEALED;
	if (!strcmp(s, "expired"))
		return GAZ_ST_EXPIRED;
	return gaz_search_status_parse(s);
}

/* Characters in s[0..n). */
static size_t chars(const char *s, size_t n)
{
	return gaz_utf8_count(s, n);
}

static cJSON *hit_json(const struct gaz_search_hit *h)
{
	cJSON *o = cJSON_CreateObject(), *sp, *iss;
	size_t i;

	if (!o)
		return NULL;
	cJSON_AddNumberToObject(o, "id", (double)h->id);
	cJSON_AddNumberToObject(o, "score", h->score);
	cJSON_AddStringToObject(o, "title", h->title);
	cJSON_AddStringToObject(o, "doc_no", h->doc_no);
	cJSON_AddStringToObject(o, "issuer", h->issuer);
	cJSON_AddStringToObject(o, "published", h->published);
	cJSON_AddStringToObject(o, "subject", h->subject);
	cJSON_AddStringToObject(o, "genre", h->genre);
	cJSON_AddStringToObject(o, "status", gaz_search_status_name(h->status));
	if ((iss = cJSON_AddObjectToObject(o, "issue"))) {
		cJSON_AddNumberToObject(iss, "year", h->issue_year);
		cJSON_AddNumberToObject(iss, "number", h->issue_number);
	}
	cJSON_AddBoolToObject(o, "superseded", h->superseded);
	cJSON_AddBoolToObject(o, "title_match", h->title_match);
	cJSON_AddBoolToObject(o, "exact", h->exact);
	cJSON_AddStringToObject(o, "snippet", h->plain);
	cJSON_AddBoolToObject(o, "snippet_cut_start", h->cut_start);
	cJSON_AddBoolToObject(o, "snippet_cut_end", h->cut_end);
	if ((sp = cJSON_AddArrayToObject(o, "highlights"))) {
		for (i = 0; i < h->n_spans; i++) {
			cJSON *pair = cJSON_CreateArray();

			if (!pair)
				break;
			cJSON_AddItemToArray(pair, cJSON_CreateNumber(
				(double)chars(h->plain, h->spans[i].off)));
			cJSON_AddItemToArray(pair, cJSON_CreateNumber(
				(double)chars(h->plain + h->spans[i].off, h->spans[i].len)));
			cJSON_AddItemToArray(sp, pair);
		}
	}
	return o;
}

static void print_hits(const struct gaz_search_results *r, uint64_t page, uint64_t per,
		       size_t first)
{
	uint64_t pages = r->total ? (r->total + per - 1) / per : 0;
	size_t i;

	if (!r->total) {
		printf("没有找到匹配的文件 (no documents found)\n");
		return;
	}
	printf("%s %llu 条结果，第 %llu/%llu%s 页\n", r->total_exact ? "共" : "至多",
	       (unsigned long long)r->total, (unsigned long long)page,
	       (unsigned long long)pages, r->total_exact ? "" : "(约)");
	for (i = 0; i < r->n; i++) {
		const struct gaz_search_hit *h = &r->hits[i];

		printf("\n%zu. %s%s\n", first + i + 1, h->title,
		       h->exact ? "  [文号/索引号/校验码相符]" : "");
		printf("   %s%s%s  %s  %s", h->doc_no, *h->doc_no ? "  " : "", h->issuer,
		       h->published, gaz_search_status_name(h->status));
		if (h->issue_year)
			printf("  %u年第%u期", h->issue_year, h->issue_number);
		if (h->superseded)
			printf("  (已被更正版本取代)");
		printf("\n   %s%s%s\n", h->cut_start ? "…" : "", h->snippet, h->cut_end ? "…" : "");
	}
}

int cmd_search(int argc, char **argv)
{
	struct gaz_search_query q = { 0 };
	struct gaz_search_results *r = NULL;
	struct gaz_archive *a = NULL;
	MDB_txn *txn = NULL;
	const char *archive = NULL, *v, *text = NULL, *issue = NULL;
	uint64_t page = 1, per = 20;
	unsigned y = 0, n = 0, ver = 0;
	int i, missing = 0, json = 0, rc, ret = EXIT_USAGE;

	for (i = 1; i < argc; i++) {
		AR_OPT("search", "--archive", archive)
		else AR_OPT("search", "--issuer", q.issuer)
		else AR_OPT("search", "--subject", q.subject)
		else AR_OPT("search", "--genre", q.genre)
		else AR_OPT("search", "--from", q.from)
		else AR_OPT("search", "--to", q.to)
		else AR_OPT("search", "--issue", issue)
		else if ((v = cli_opt(argc, argv, &i, "--status", &missing)) || missing) {
			if (missing)
				return cli_usage("search", "--status needs a value");
			if (!(q.status = parse_status(v)))
				return cli_usage("search", "--status %s: expected 有效, 已修改, 废止 "
						 "or 失效", v);
		} else if ((v = cli_opt(argc, argv, &i, "--page", &missing)) || missing) {
			if (missing || parse_num("search", "--page", v, 1000000, &page))
				return missing ? cli_usage("search", "--page needs a value") : EXIT_USAGE;
		} else if ((v = cli_opt(argc, argv, &i, "--per-page", &missing)) || missing) {
			if (missing || parse_num("search", "--per-page", v, GAZ_SEARCH_PAGE_MAX, &per))
				return missing ? cli_usage("search", "--per-page needs a value")
					       : EXIT_USAGE;
		} else if (!strcmp(argv[i], "--json")) {
			json = 1;
		} else if (!strcmp(argv[i], "--all-versions")) {
			q.include_superseded = 1;
		} else if (argv[i][0] == '-' && argv[i][1] == '-') {
			return cli_usage("search", "unknown option %s", argv[i]);
		} else if (text) {
			return cli_usage("search", "one QUERY only (quote it: words inside are ANDed)");
		} else {
			text = argv[i];
		}
	}
	if (issue) {
		uint64_t yy;

		if (!strchr(issue, '/') && !gaz_parse_uint(issue, strlen(issue), 9999, &yy) && yy)
			y = (unsigned)yy;
		else if (ar_cli_issue(issue, &y, &n, &ver) != 0 || ver)
			return cli_usage("search", "--issue %s: expected YEAR or YEAR/NUMBER", issue);
		q.issue_year = y;
		q.issue_number = n;
	}
	q.text = text;
	q.limit = (size_t)per;
	q.offset = (size_t)((page - 1) * per);
	if ((ret = ar_cli_open(archive, GAZ_AR_READONLY, NULL, &a)))
		goto end;
	if ((rc = gaz_archive_read_begin(a, &txn))) {
		ret = ar_cli_fail(archive, rc);
		goto end;
	}
	if ((rc = gaz_search_query(txn, &q, &r))) {
		ret = rc == GAZ_EINVAL ? cli_error(text ? text : "query", rc)
				       : ar_cli_fail(archive, rc);
		goto end;
	}
	if (json) {
		cJSON *o = cJSON_CreateObject(), *hits;
		size_t k;

		if (!o) {
			ret = cli_error("search", GAZ_ENOMEM);
			goto end;
		}
		cJSON_AddStringToObject(o, "query", text ? text : "");
		cJSON_AddNumberToObject(o, "total", (double)r->total);
		cJSON_AddBoolToObject(o, "total_exact", r->total_exact);
		cJSON_AddNumberToObject(o, "page", (double)page);
		cJSON_AddNumberToObject(o, "per_page", (double)per);
		if ((hits = cJSON_AddArrayToObject(o, "hits")))
			for (k = 0; k < r->n; k++)
				cJSON_AddItemToArray(hits, hit_json(&r->hits[k]));
		ret = ar_json_print(o);
	} else {
		print_hits(r, page, per, (size_t)((page - 1) * per));
		ret = EXIT_OK;
	}
end:
	gaz_search_results_free(r);
	gaz_archive_read_end(a, txn);
	gaz_archive_close(a);
	return ret;
}

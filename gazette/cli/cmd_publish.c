#include "cli.h"
#include "archive_cli.h"
#include "gazette/issue.h"

#include <stdlib.h>
#include <string.h>

const char cmd_publish_usage[] =
	"usage: gazette publish ISSUE_DIR --archive DIR --signed-pdf FILE\n"
	"                       (--pages 'DOCNO=FIRST-LAST,...' | --page-map FILE)\n"
	"                       [--reason TEXT] [--by NAME] [--map-size SIZE]\n\n"
	"Checks the issue folder and stores the signed PDF and every document\n"
	"(metadata, text, page range, indexes, status, log leaf, audit entry) in\n"
	"the archive as ONE transaction: after a crash the archive holds the old\n"
	"state or the new one.  An issue already in the archive gets version N+1,\n"
	"which needs --reason (勘误); older versions stay, marked superseded.\n\n"
	"  --signed-pdf FILE  the signed issue PDF (e.g. signed on an offline machine)\n"
	"  --pages SPEC       each document's pages in the PDF: KEY=FIRST-LAST, comma\n"
	"                     separated; KEY is the 发文字号 or the document's file name\n"
	"  --page-map FILE    the same, one KEY=FIRST-LAST per line (# comments)\n"
	"  --by NAME          who publishes (default $USER)\n"
	"  --map-size SIZE    grow the archive's map (e.g. 8G); it also grows by itself\n\n"
	"Time is the clock, or SOURCE_DATE_EPOCH when set.\n"
	"exit 0: stored; 1: check errors, refused (no reason, already stored); 2: usage/I-O.\n";

#define PAGEMAP_MAX (1u << 20)

static int assign(const struct gaz_issue *is, struct gaz_page_range *pages, int *seen,
		  const char *item, size_t n)
{
	const char *eq = memchr(item, '=', n), *dash;
	uint64_t a, b;
	size_t i, kl;

	while (n && (*item == ' ' || *item == '\t'))
		item++, n--;
	while (n && (item[n - 1] == ' ' || item[n - 1] == '\t' || item[n - 1] == '\r'))
		n--;
	if (!n || item[0] == '#')
		return 0;
	eq = memchr(item, '=', n);
	if (!eq)
		return gaz_fail(GAZ_EINVAL, "'%.*s': expected KEY=FIRST-LAST", (int)n, item);
	kl = (size_t)(eq - item);
	dash = memchr(eq + 1, '-', n - kl - 1);
	if (!dash || gaz_parse_uint(eq + 1, (size_t)(dash - eq - 1), 1000000, &a) ||
	    gaz_parse_uint(dash + 1, (size_t)(item + n - dash - 1), 1000000, &b) || !a || b < a)
		return gaz_fail(GAZ_EINVAL, "'%.*s': bad page range", (int)n, item);
	for (i = 0; i < is->n_docs; i++) {
		const char *dn = gaz_fv(&is->docs[i].doc_no), *fn = is->docs[i].name;
		if ((strlen(dn) == kl && !memcmp(dn, item, kl)) ||
		    (fn && strlen(fn) == kl && !memcmp(fn, item, kl))) {
			if (seen[i])
				return gaz_fail(GAZ_EINVAL, "'%.*s': pages given twice", (int)kl, item);
			seen[i] = 1;
			pages[i].first = (uint32_t)a;
			pages[i].last = (uint32_t)b;
			return 0;
		}
	}
	return gaz_fail(GAZ_EINVAL, "'%.*s': no such document in the issue", (int)kl, item);
}

static int parse_pages(const struct gaz_issue *is, const char *spec, size_t len, int sep,
		       struct gaz_page_range *pages)
{
	int *seen = calloc(is->n_docs ? is->n_docs : 1, sizeof *seen);
	size_t i, start = 0;
	int rc = 0;

	if (!seen)
		return GAZ_ENOMEM;
	for (i = 0; i <= len && !rc; i++)
		if (i == len || spec[i] == sep) {
			rc = assign(is, pages, seen, spec + start, i - start);
			start = i + 1;
		}
	for (i = 0; !rc && i < is->n_docs; i++)
		if (!seen[i])
			rc = gaz_fail(GAZ_EINVAL, "no pages given for %s (%s)",
				      gaz_fv(&is->docs[i].doc_no), is->docs[i].name);
	free(seen);
	return rc;
}

int cmd_publish(int argc, char **argv)
{
	const char *dir = NULL, *archive = NULL, *pdf_path = NULL, *spec = NULL, *map = NULL;
	const char *reason = NULL, *by = NULL, *map_size = NULL, *v;
	struct gaz_diags d = { 0 };
	struct gaz_issue *is = NULL;
	struct gaz_archive *a = NULL;
	struct gaz_page_range *pages = NULL;
	char *pdf = NULL, *mapbuf = NULL;
	size_t pdf_len = 0, map_len = 0;
	unsigned version = 0;
	int i, rc, missing, ret = EXIT_USAGE;

	for (i = 1; i < argc; i++) {
		AR_OPT("publish", "--archive", archive)
		else AR_OPT("publish", "--signed-pdf", pdf_path)
		else AR_OPT("publish", "--pages", spec)
		else AR_OPT("publish", "--page-map", map)
		else AR_OPT("publish", "--reason", reason)
		else AR_OPT("publish", "--by", by)
		else AR_OPT("publish", "--map-size", map_size)
		else if (argv[i][0] == '-' && argv[i][1])
			return cli_usage("publish", "unknown option %s", argv[i]);
		else if (dir)
			return cli_usage("publish", "only one ISSUE_DIR");
		else
			dir = argv[i];
	}
	if (!dir || !archive || !pdf_path)
		return cli_usage("publish", "ISSUE_DIR, --archive and --signed-pdf are required");
	if (!spec == !map)
		return cli_usage("publish", "give the page ranges with --pages or --page-map");

	if ((rc = gaz_issue_load(dir, &is, &d))) {
		ret = ar_cli_fail(dir, rc);
		goto end;
	}
	rc = gaz_issue_check(is, &d);
	if (rc || d.n_errors) {
		gaz_diags_sort(&d);
		cli_print_diags(stderr, &d);
		fprintf(stderr, "gazette: %s: not published: %zu error%s (see `gazette check`)\n",
			dir, d.n_errors, d.n_errors == 1 ? "" : "s");
		ret = rc && rc != GAZ_ECHECK ? ar_cli_fail(dir, rc) : EXIT_FAILED;
		goto end;
	}
	if (!(pages = calloc(is->n_docs ? is->n_docs : 1, sizeof *pages))) {
		ret = ar_cli_fail(dir, GAZ_ENOMEM);
		goto end;
	}
	if (map && (rc = gaz_read_file(map, PAGEMAP_MAX, &mapbuf, &map_len))) {
		ret = ar_cli_fail(map, rc);
		goto end;
	}
	if ((rc = map ? parse_pages(is, mapbuf, map_len, '\n', pages)
		      : parse_pages(is, spec, strlen(spec), ',', pages))) {
		ret = ar_cli_fail(map ? map : "--pages", rc);
		goto end;
	}
	if ((rc = gaz_read_file(pdf_path, GAZ_AR_BLOB_MAX, &pdf, &pdf_len))) {
		ret = ar_cli_fail(pdf_path, rc);
		goto end;
	}
	if (pdf_len < 5 || memcmp(pdf, "%PDF-", 5)) {
		fprintf(stderr, "gazette: %s: not a PDF file\n", pdf_path);
		ret = EXIT_FAILED;
		goto end;
	}
	if ((ret = ar_cli_open(archive, GAZ_AR_WRITE | GAZ_AR_CREATE, map_size, &a)))
		goto end;
	if ((rc = gaz_archive_publish(a, is, pdf, pdf_len, pages, ar_cli_who(by), ar_cli_now(),
				      reason, &version))) {
		ret = ar_cli_fail(archive, rc);
		goto end;
	}
	printf("stored %s/%s version %u (%zu documents) in %s\n", gaz_fv(&is->cfg.year),
	       gaz_fv(&is->cfg.number), version, is->n_docs, archive);
	ret = EXIT_OK;
end:
	gaz_archive_close(a);
	gaz_issue_free(is);
	gaz_diags_release(&d);
	free(pages);
	free(pdf);
	free(mapbuf);
	return ret;
}

#include "cli.h"
#include "archive_cli.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

const char cmd_get_usage[] =
	"usage: gazette get --archive DIR (YEAR/NUMBER[/VERSION] | --doc DOCNO | --index INDEXNO\n"
	"                   | --code CODE | --sha256 HEX | --file FILE) [-o OUT.pdf] [--json]\n"
	"       gazette get --archive DIR (--doc DOCNO | --index INDEXNO | --code CODE) --where\n"
	"                   [--json]\n\n"
	"Looks up the archive.  An issue prints its version record and documents\n"
	"(the newest version unless VERSION is given; an older version says which\n"
	"version supersedes it and why).  --doc/--index/--code print the document,\n"
	"every issue version it appears in and its status (立改废); --sha256 or\n"
	"--file tell which issue version a PDF is.  -o writes the issue PDF (for a\n"
	"document: the newest version carrying it).  Every byte read is re-hashed\n"
	"against its SHA-256.  --where prints only where the document is (issue,\n"
	"version, position, pages of every appearance) and its status, without\n"
	"reading its record (gaz_archive_locate).\n\n"
	"exit 0: found; 1: not found, or the stored bytes fail their hash; 2: usage/I-O.\n";

static int write_pdf(struct gaz_archive *a, const char *out, unsigned y, unsigned n, unsigned v)
{
	void *pdf = NULL;
	size_t len = 0;
	char subj[64];
	int rc;

	snprintf(subj, sizeof subj, "issue %u/%u%s", y, n, v ? "" : " (newest)");
	if ((rc = gaz_archive_get_pdf(a, y, n, v, &pdf, &len, NULL)))
		return ar_cli_fail(subj, rc);
	rc = gaz_write_file_atomic(out, pdf, len);
	free(pdf);
	if (rc)
		return ar_cli_fail(out, rc);
	fprintf(stderr, "wrote %s (%zu bytes, SHA-256 verified)\n", out, len);
	return 0;
}

static int show_version(struct gaz_archive *a, const struct gaz_ar_version *v, int json,
			const char *out)
{
	int ret = 0;

	if (json) {
		/* each document with its status now, as a reader of the issue needs */
		cJSON *j = ar_json_version(v), *docs = j ? cJSON_GetObjectItem(j, "documents") : NULL;
		for (size_t i = 0; docs && i < v->n_loaded_docs; i++) {
			cJSON *d = cJSON_GetArrayItem(docs, (int)i);
			int st = 0, rc = gaz_archive_status_at(a, v->docs[i].doc_no, NULL, &st);
			if (rc) {
				cJSON_Delete(j);
				return ar_cli_fail(v->docs[i].doc_no, rc);
			}
			cJSON_AddStringToObject(d, "status", gaz_status_name(st));
			cJSON_AddBoolToObject(d, "in_force", gaz_status_in_force(st));
		}
		ret = ar_json_print(j);
	} else {
		ar_print_version(stdout, v);
	}
	if (!ret && out)
		ret = write_pdf(a, out, v->year, v->number, v->version);
	return ret;
}

static int show_docs(struct gaz_archive *a, enum gaz_ar_key key, const char *value, int json,
		     const char *out)
{
	struct gaz_ar_doc *docs = NULL;
	struct gaz_ar_event *ev = NULL;
	struct gaz_ar_version v = { 0 };
	size_t n = 0, nev = 0, i;
	long which = -1;
	int rc, st = 0, ret = EXIT_USAGE;
	const struct gaz_ar_doc *last;

	if ((rc = gaz_archive_find_docs(a, key, value, &docs, &n)))
		return ar_cli_fail(value, rc);
	last = &docs[n - 1];
	if ((rc = gaz_archive_status_history(a, last->doc_no, &ev, &nev)) ||
	    (rc = gaz_status_on(ev, nev, NULL, &st, &which)) ||
	    (rc = gaz_archive_get_version(a, last->year, last->number, last->version, &v))) {
		ret = ar_cli_fail(value, rc);
		goto end;
	}
	if (json) {
		cJSON *j = ar_json_doc(last), *arr;
		if (j) {
			cJSON_AddStringToObject(j, "status", gaz_status_name(st));
			cJSON_AddBoolToObject(j, "in_force", gaz_status_in_force(st));
			if ((arr = cJSON_AddArrayToObject(j, "appearances")))
				for (i = 0; i < n; i++)
					cJSON_AddItemToArray(arr, ar_json_doc(&docs[i]));
			if ((arr = cJSON_AddArrayToObject(j, "history")))
				for (i = 0; i < nev; i++)
					cJSON_AddItemToArray(arr, ar_json_event(&ev[i]));
			cJSON_AddBoolToObject(j, "issue_superseded", v.superseded_by != 0);
		}
		if ((ret = ar_json_print(j)))
			goto end;
	} else {
		printf("%s  %s\n", last->doc_no, last->title);
		printf("  issuer    %s\n  written   %s\n  published %s\n", last->issuer,
		       last->written, last->published);
		if (*last->index_no)
			printf("  index no  %s\n", last->index_no);
		printf("  subject   %s / %s\n  code      %s\n", last->subject, last->genre, last->code);
		printf("  status    %s%s\n", gaz_status_name(st),
		       gaz_status_in_force(st) ? " (in force)" : " (NOT in force)");
		for (i = 0; i < n; i++)
			printf("  in issue  %u/%u version %u, pages %u-%u\n", docs[i].year,
			       docs[i].number, docs[i].version, docs[i].first_page, docs[i].last_page);
		if (v.superseded_by)
			printf("  note: issue %u/%u version %u is superseded by version %u\n", v.year,
			       v.number, v.version, v.superseded_by);
		for (i = 0; i < nev; i++)
			printf("  history   %s %s%s%s%s%s\n", ev[i].date,
			       gaz_status_name(ev[i].status), *ev[i].by_doc ? " by " : "",
			       ev[i].by_doc, *ev[i].note ? " — " : "", ev[i].note);
	}
	ret = out ? write_pdf(a, out, last->year, last->number, last->version) : 0;
end:
	gaz_ar_version_release(&v);
	gaz_ar_events_free(ev, nev);
	gaz_ar_docs_free(docs, n);
	return ret;
}

/* --where: every appearance and the status, from gaz_archive_locate. */
static int show_where(struct gaz_archive *a, enum gaz_ar_key key, const char *value, int json)
{
	struct gaz_ar_docref few[16], *refs = few;
	MDB_txn *txn = NULL;
	size_t n = 0, i;
	int rc, st = 0, ret;

	/* one snapshot, so that a second call finds what the first counted */
	if ((rc = gaz_archive_read_begin(a, &txn)))
		return ar_cli_fail(value, rc);
	rc = gaz_archive_locate(a, txn, key, value, refs, 16, &n, &st);
	if (!rc && n > 16) {  /* more appearances than room: ask again */
		if (!(refs = calloc(n, sizeof *refs)))
			rc = GAZ_ENOMEM;
		else
			rc = gaz_archive_locate(a, txn, key, value, refs, n, &n, &st);
	}
	gaz_archive_read_end(a, txn);
	if (rc) {
		ret = ar_cli_fail(value, rc);
		goto end;
	}
	if (json) {
		cJSON *j = cJSON_CreateObject(), *arr, *o;
		if (j) {
			cJSON_AddStringToObject(j, key == GAZ_AR_BY_DOCNO ? "doc_no"
						   : key == GAZ_AR_BY_INDEXNO ? "index_no" : "code", value);
			cJSON_AddStringToObject(j, "status", gaz_status_name(st));
			cJSON_AddBoolToObject(j, "in_force", gaz_status_in_force(st));
			if ((arr = cJSON_AddArrayToObject(j, "appearances")))
				for (i = 0; i < n; i++)
					if ((o = cJSON_CreateObject())) {
						cJSON_AddNumberToObject(o, "id", (double)refs[i].id);
						cJSON_AddNumberToObject(o, "year", refs[i].year);
						cJSON_AddNumberToObject(o, "number", refs[i].number);
						cJSON_AddNumberToObject(o, "version", refs[i].version);
						cJSON_AddNumberToObject(o, "position", refs[i].pos);
						cJSON_AddNumberToObject(o, "first_page", refs[i].first_page);
						cJSON_AddNumberToObject(o, "last_page", refs[i].last_page);
						cJSON_AddItemToArray(arr, o);
					}
		}
		ret = ar_json_print(j);
	} else {
		printf("%s  status %s%s\n", value, gaz_status_name(st),
		       gaz_status_in_force(st) ? " (in force)" : " (NOT in force)");
		for (i = 0; i < n; i++)
			printf("  in issue  %u/%u version %u, document %u, pages %u-%u\n", refs[i].year,
			       refs[i].number, refs[i].version, refs[i].pos + 1, refs[i].first_page,
			       refs[i].last_page);
		ret = 0;
	}
end:
	if (refs != few)
		free(refs);
	return ret;
}

int cmd_get(int argc, char **argv)
{
	const char *archive = NULL, *doc = NULL, *index = NULL, *code = NULL, *sha = NULL;
	const char *file = NULL, *out = NULL, *issue = NULL, *v;
	struct gaz_archive *a = NULL;
	struct gaz_ar_version ver = { 0 };
	unsigned char md[32];
	unsigned y, n, vn;
	int i, rc, missing, json = 0, where = 0, keys, ret = EXIT_USAGE;

	for (i = 1; i < argc; i++) {
		AR_OPT("get", "--archive", archive)
		else AR_OPT("get", "--doc", doc)
		else AR_OPT("get", "--index", index)
		else AR_OPT("get", "--code", code)
		else AR_OPT("get", "--sha256", sha)
		else AR_OPT("get", "--file", file)
		else AR_OPT("get", "-o", out)
		else if (!strcmp(argv[i], "--json"))
			json = 1;
		else if (!strcmp(argv[i], "--where"))
			where = 1;
		else if (argv[i][0] == '-' && argv[i][1])
			return cli_usage("get", "unknown option %s", argv[i]);
		else if (issue)
			return cli_usage("get", "only one ISSUE");
		else
			issue = argv[i];
	}
	keys = !!issue + !!doc + !!index + !!code + !!sha + !!file;
	if (keys != 1)
		return cli_usage("get", "give exactly one of ISSUE, --doc, --index, --code, --sha256, --file");
	if (where && (issue || sha || file || out))
		return cli_usage("get", "--where goes with --doc, --index or --code (and not -o)");
	if (issue && ar_cli_issue(issue, &y, &n, &vn))
		return cli_usage("get", "'%s' is not YEAR/NUMBER[/VERSION]", issue);
	if (sha && gaz_unhex(sha, md, 32))
		return cli_usage("get", "--sha256 needs 64 hex digits");
	if (out && (ret = cli_output_ok("get", out, &file, 1, archive)))
		return ret;
	if (file) {
		char *bytes = NULL;
		size_t len = 0;
		if ((rc = gaz_read_file(file, GAZ_AR_BLOB_MAX, &bytes, &len)))
			return ar_cli_fail(file, rc);
		SHA256((unsigned char *)bytes, len, md);
		free(bytes);
	}
	if ((ret = ar_cli_open(archive, GAZ_AR_READONLY, NULL, &a)))
		return ret;
	if (issue) {
		if ((rc = gaz_archive_get_version(a, y, n, vn, &ver))) {
			ret = ar_cli_fail(issue, rc);
			goto end;
		}
		ret = show_version(a, &ver, json, out);
	} else if (sha || file) {
		if ((rc = gaz_archive_find_sha256(a, md, &ver))) {
			ret = ar_cli_fail(file ? file : sha, rc);
			goto end;
		}
		ret = show_version(a, &ver, json, out);
	} else if (where) {
		ret = show_where(a, doc ? GAZ_AR_BY_DOCNO : index ? GAZ_AR_BY_INDEXNO : GAZ_AR_BY_CODE,
				 doc ? doc : index ? index : code, json);
	} else {
		ret = show_docs(a, doc ? GAZ_AR_BY_DOCNO : index ? GAZ_AR_BY_INDEXNO : GAZ_AR_BY_CODE,
				doc ? doc : index ? index : code, json, out);
	}
end:
	gaz_ar_version_release(&ver);
	gaz_archive_close(a);
	return ret;
}

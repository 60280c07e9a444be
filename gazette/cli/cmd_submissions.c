#include "cli.h"
#include "archive_cli.h"

#include <stdlib.h>
#include <string.h>

const char cmd_submissions_usage[] =
	"usage: gazette submissions add FILE... --archive DIR [--by NAME]\n"
	"       gazette submissions --archive DIR [--waiting] [--json]\n\n"
	"按月报送 / 应刊尽刊: `add` records documents received from departments\n"
	"(their 发文字号, title, issuer and the file's SHA-256; the same file twice\n"
	"is refused).  The files are recorded together or not at all: one that\n"
	"cannot be read, has no header or was already received leaves nothing\n"
	"recorded.  Without `add`, reports every received document and the\n"
	"issue version it was first published in (by 发文字号), or WAITING.\n"
	"--waiting lists only those still waiting.\n\n"
	"exit 0: done (the report exits 0 even when documents wait); 1: a file\n"
	"was refused; 2: usage/I-O.\n";

/* Every file is read and parsed before any is recorded, and all are
 * recorded in one transaction: a bad, missing or already received file
 * leaves nothing recorded, so the same command can simply be run again. */
static int add(const char *archive, const char *by, char **files, int n)
{
	struct gaz_archive *a = NULL;
	struct gaz_ar_submission *s = NULL;
	uint64_t *seq = NULL;
	int i, rc, ret, failed = 0;

	if (!(s = calloc((size_t)n, sizeof *s)) || !(seq = calloc((size_t)n, sizeof *seq))) {
		ret = ar_cli_fail("submissions", GAZ_ENOMEM);
		goto end;
	}
	for (i = 0; i < n; i++) {
		const char *base = strrchr(files[i], '/');
		char *bytes = NULL;
		size_t len = 0;

		base = base ? base + 1 : files[i];
		if ((rc = gaz_read_file(files[i], GAZ_DOC_MAX_BYTES, &bytes, &len)) ||
		    (rc = gaz_submission_parse(bytes, len, base, &s[i]))) {
			ret = ar_cli_fail(files[i], rc);
			failed = ret > failed ? ret : failed;
		}
		free(bytes);
	}
	if ((ret = failed))
		goto end;
	if ((ret = ar_cli_open(archive, GAZ_AR_WRITE | GAZ_AR_CREATE, NULL, &a)))
		goto end;
	if ((rc = gaz_archive_submit_all(a, s, (size_t)n, ar_cli_who(by), ar_cli_now(), seq))) {
		ret = ar_cli_fail("submissions add", rc);
		goto end;
	}
	for (i = 0; i < n; i++)
		printf("received %s: %s %s (submission %llu)\n", files[i], s[i].doc_no, s[i].title,
		       (unsigned long long)seq[i]);
	ret = EXIT_OK;
end:
	if (ret && n > 1)
		fprintf(stderr, "gazette submissions: nothing recorded (the files are recorded "
			"together or not at all)\n");
	gaz_ar_submissions_free(s, s ? (size_t)n : 0);
	free(seq);
	gaz_archive_close(a);
	return ret;
}

int cmd_submissions(int argc, char **argv)
{
	const char *archive = NULL, *by = NULL, *v;
	char **files;
	struct gaz_archive *a = NULL;
	struct gaz_ar_submission *s = NULL;
	size_t n = 0, k, waiting = 0;
	int i, rc, missing, json = 0, only_waiting = 0, adding = 0, nfiles = 0, ret;

	if (argc > 1 && !strcmp(argv[1], "add"))
		adding = 1;
	if (!(files = calloc((size_t)argc, sizeof *files)))
		return ar_cli_fail("submissions", GAZ_ENOMEM);
	for (i = 1 + adding; i < argc; i++) {
		if ((v = cli_opt(argc, argv, &i, "--archive", &missing)) || missing) {
			if (missing)
				goto usage_value;
			archive = v;
		} else if ((v = cli_opt(argc, argv, &i, "--by", &missing)) || missing) {
			if (missing)
				goto usage_value;
			by = v;
		} else if (!strcmp(argv[i], "--json") && !adding) {
			json = 1;
		} else if (!strcmp(argv[i], "--waiting") && !adding) {
			only_waiting = 1;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			free(files);
			return cli_usage("submissions", "unknown option %s", argv[i]);
		} else if (adding) {
			files[nfiles++] = argv[i];
		} else {
			free(files);
			return cli_usage("submissions", "unexpected argument %s", argv[i]);
		}
	}
	if (adding) {
		if ((ret = cli_text_ok("submissions", "--by", by))) {
			free(files);
			return ret;
		}
		ret = nfiles ? add(archive, by, files, nfiles)
			     : cli_usage("submissions", "add needs FILE...");
		free(files);
		return ret;
	}
	free(files);
	if ((ret = ar_cli_open(archive, GAZ_AR_READONLY, NULL, &a)))
		return ret;
	if ((rc = gaz_archive_submissions(a, &s, &n))) {
		ret = ar_cli_fail(archive, rc);
		goto end;
	}
	for (k = 0; k < n; k++)
		waiting += !s[k].year;
	if (json) {
		cJSON *j = cJSON_CreateObject(), *arr;
		if (j) {
			cJSON_AddNumberToObject(j, "received", (double)n);
			cJSON_AddNumberToObject(j, "waiting", (double)waiting);
			if ((arr = cJSON_AddArrayToObject(j, "submissions")))
				for (k = 0; k < n; k++) {
					cJSON *o;
					char t[32], issue[32];
					if (only_waiting && s[k].year)
						continue;
					if (!(o = cJSON_CreateObject()))
						break;
					ar_cli_time(s[k].time, t);
					cJSON_AddNumberToObject(o, "seq", (double)s[k].seq);
					cJSON_AddStringToObject(o, "doc_no", s[k].doc_no);
					cJSON_AddStringToObject(o, "title", s[k].title);
					cJSON_AddStringToObject(o, "issuer", s[k].issuer);
					cJSON_AddStringToObject(o, "file", s[k].file);
					cJSON_AddStringToObject(o, "received_at", t);
					cJSON_AddStringToObject(o, "received_by", s[k].who);
					if (s[k].year) {
						snprintf(issue, sizeof issue, "%u/%u/%u", s[k].year,
							 s[k].number, s[k].version);
						cJSON_AddStringToObject(o, "published_in", issue);
					} else {
						cJSON_AddNullToObject(o, "published_in");
					}
					cJSON_AddItemToArray(arr, o);
				}
		}
		ret = ar_json_print(j);
		goto end;
	}
	for (k = 0; k < n; k++) {
		char t[32];
		if (only_waiting && s[k].year)
			continue;
		ar_cli_time(s[k].time, t);
		if (s[k].year)
			printf("%4llu  %s  %s  received %s  published in %u/%u (version %u)\n",
			       (unsigned long long)s[k].seq, s[k].doc_no, s[k].title, t, s[k].year,
			       s[k].number, s[k].version);
		else
			printf("%4llu  %s  %s  received %s  WAITING\n", (unsigned long long)s[k].seq,
			       s[k].doc_no, s[k].title, t);
	}
	printf("%zu received, %zu published, %zu waiting\n", n, n - waiting, waiting);
	ret = EXIT_OK;
end:
	gaz_ar_submissions_free(s, n);
	gaz_archive_close(a);
	return ret;
usage_value:
	free(files);
	return cli_usage("submissions", "%s needs a value", argv[i]);
}

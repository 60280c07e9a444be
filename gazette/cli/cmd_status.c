#include "cli.h"
#include "archive_cli.h"
#include "gazette/text.h"
#include "gazette/tlog.h"

#include <string.h>

const char cmd_status_usage[] =
	"usage: gazette status DOCNO --archive DIR --set 有效|已修改|废止|失效 --date YYYY-MM-DD\n"
	"                      [--by DOCNO] [--note TEXT] [--user NAME]\n"
	"                      [--log-key PEM [--log-pass-file FILE]]\n"
	"       gazette status DOCNO --archive DIR [--on YYYY-MM-DD] [--json]\n\n"
	"Records a status change (立改废) of a published document as an event —\n"
	"the date it takes effect, the document that made the change (--by), a\n"
	"note — or shows the status history and the status in effect on a date\n"
	"(default: the latest).  Nothing is overwritten: a correction of a wrong\n"
	"event is a new event.  已修改 (amended) documents are still in force.\n"
	"--log-key signs a tree head of the transparency log with the event, in\n"
	"the same transaction (the passphrase from --log-pass-file or\n"
	"GAZETTE_LOG_KEY_PASS).\n\n"
	"exit 0: recorded / in force on the date; 3: not in force on the date\n"
	"(废止, 失效, or not yet published); 1: unknown document or refused;\n"
	"2: usage/I-O.\n";

int cmd_status(int argc, char **argv)
{
	const char *doc = NULL, *archive = NULL, *set = NULL, *date = NULL, *by = NULL;
	const char *note = NULL, *user = NULL, *on = NULL, *log_key = NULL, *log_pass = NULL, *v;
	EVP_PKEY *lk = NULL;
	struct gaz_archive *a = NULL;
	struct gaz_ar_event *ev = NULL;
	size_t n = 0, k;
	uint32_t seq;
	long which, days;
	int i, st, rc, missing, json = 0, ret = EXIT_USAGE;

	for (i = 1; i < argc; i++) {
		AR_OPT("status", "--archive", archive)
		else AR_OPT("status", "--set", set)
		else AR_OPT("status", "--date", date)
		else AR_OPT("status", "--by", by)
		else AR_OPT("status", "--note", note)
		else AR_OPT("status", "--user", user)
		else AR_OPT("status", "--on", on)
		else AR_OPT("status", "--log-key", log_key)
		else AR_OPT("status", "--log-pass-file", log_pass)
		else if (!strcmp(argv[i], "--json"))
			json = 1;
		else if (argv[i][0] == '-' && argv[i][1])
			return cli_usage("status", "unknown option %s", argv[i]);
		else if (doc)
			return cli_usage("status", "only one DOCNO");
		else
			doc = argv[i];
	}
	if (!doc)
		return cli_usage("status", "DOCNO missing");
	if (set) {
		if (!date)
			return cli_usage("status", "--set needs --date (when the change takes effect)");
		if (on || json)
			return cli_usage("status", "--set does not take --on or --json");
		if ((rc = gaz_status_parse(set, &st)))
			return cli_usage("status", "%s", gaz_errdetail());
		/* as --on: a usage error (2), not a refusal by the archive (1) */
		if (gaz_text_parse_date(date, &days))
			return cli_usage("status", "--date '%s' is not a date (YYYY-MM-DD)", date);
		if (log_pass && !log_key)
			return cli_usage("status", "--log-pass-file goes with --log-key");
		if ((ret = cli_text_ok("status", "--by", by)) ||
		    (ret = cli_text_ok("status", "--note", note)) ||
		    (ret = cli_text_ok("status", "--user", user)))
			return ret;
		if (log_key && (rc = gaz_tlog_load_key(log_key, log_pass, &lk)))
			return cli_error(log_key, rc);
		if ((ret = ar_cli_open(archive, GAZ_AR_WRITE, NULL, &a))) {
			EVP_PKEY_free(lk);
			return ret;
		}
		rc = lk ? gaz_archive_set_log_key(a, lk) : 0;
		if (!rc)
			rc = gaz_archive_set_status(a, doc, st, date, by, note, ar_cli_who(user),
						    ar_cli_now(), &seq);
		gaz_archive_close(a);
		EVP_PKEY_free(lk);
		if (rc)
			return ar_cli_fail(doc, rc);
		printf("%s: %s from %s%s%s (event %u)\n", doc, gaz_status_name(st), date,
		       by ? " by " : "", by ? by : "", (unsigned)seq);
		return EXIT_OK;
	}
	if (date || by || note || user || log_key || log_pass)
		return cli_usage("status", "--date, --by, --note, --user and --log-key go with --set");
	if ((ret = ar_cli_open(archive, GAZ_AR_READONLY, NULL, &a)))
		return ret;
	if ((rc = gaz_archive_status_history(a, doc, &ev, &n))) {
		ret = ar_cli_fail(doc, rc);
		goto end;
	}
	if ((rc = gaz_status_on(ev, n, on, &st, &which))) {
		ret = cli_usage("status", "%s", gaz_errdetail());
		goto end;
	}
	if (json) {
		cJSON *j = cJSON_CreateObject(), *arr;
		if (j) {
			cJSON_AddStringToObject(j, "doc_no", doc);
			if (on)
				cJSON_AddStringToObject(j, "on", on);
			cJSON_AddStringToObject(j, "status", gaz_status_name(st));
			cJSON_AddBoolToObject(j, "in_force", gaz_status_in_force(st));
			if (which >= 0)
				cJSON_AddNumberToObject(j, "event", ev[which].seq);
			if ((arr = cJSON_AddArrayToObject(j, "history")))
				for (k = 0; k < n; k++)
					cJSON_AddItemToArray(arr, ar_json_event(&ev[k]));
		}
		if ((ret = ar_json_print(j)))
			goto end;
	} else {
		for (k = 0; k < n; k++) {
			char t[32];
			ar_cli_time(ev[k].time, t);
			printf("%s  %s %s%s%s%s  (recorded %s by %s)\n", ev[k].date,
			       gaz_status_name(ev[k].status), *ev[k].by_doc ? "by " : "",
			       ev[k].by_doc, *ev[k].note ? " — " : "", ev[k].note, t, ev[k].who);
		}
		printf("%s on %s: %s — %s\n", doc, on ? on : "the latest date",
		       st ? gaz_status_name(st) : "not yet published",
		       gaz_status_in_force(st) ? "in force" : "NOT in force");
	}
	ret = gaz_status_in_force(st) ? EXIT_OK : EXIT_SUPERSEDED;
end:
	gaz_ar_events_free(ev, n);
	gaz_archive_close(a);
	return ret;
}

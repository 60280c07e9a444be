#include "cli.h"
#include "archive_cli.h"

#include <string.h>

const char cmd_audit_usage[] =
	"usage: gazette audit --archive DIR [--json]\n\n"
	"Prints the audit trail: every write to the archive (publish, status,\n"
	"submit) with its time, who did it, the subject and the reason or note.\n"
	"The trail is append-only, like everything in the archive.\n\n"
	"exit 0: printed; 2: usage/I-O.\n";

static int print_entry(const struct gaz_ar_audit *e, void *ctx)
{
	char t[32];

	ar_cli_time(e->time, t);
	if (ctx) {
		cJSON *o = cJSON_CreateObject();
		if (!o)
			return GAZ_ENOMEM;
		cJSON_AddNumberToObject(o, "seq", (double)e->seq);
		cJSON_AddStringToObject(o, "time", t);
		cJSON_AddStringToObject(o, "who", e->who);
		cJSON_AddStringToObject(o, "action", e->action);
		cJSON_AddStringToObject(o, "subject", e->subject);
		cJSON_AddStringToObject(o, "detail", e->detail);
		cJSON_AddItemToArray(ctx, o);
		return 0;
	}
	printf("%6llu  %s  %-8s %-8s %s%s%s\n", (unsigned long long)e->seq, t, e->who, e->action,
	       e->subject, *e->detail ? "  — " : "", e->detail);
	return 0;
}

int cmd_audit(int argc, char **argv)
{
	const char *archive = NULL, *v;
	struct gaz_archive *a = NULL;
	cJSON *arr = NULL;
	int i, rc, missing, json = 0, ret;

	for (i = 1; i < argc; i++) {
		AR_OPT("audit", "--archive", archive)
		else if (!strcmp(argv[i], "--json"))
			json = 1;
		else
			return cli_usage("audit", "unexpected argument %s", argv[i]);
	}
	if ((ret = ar_cli_open(archive, GAZ_AR_READONLY, NULL, &a)))
		return ret;
	if (json && !(arr = cJSON_CreateArray())) {
		gaz_archive_close(a);
		return ar_cli_fail("audit", GAZ_ENOMEM);
	}
	rc = gaz_archive_audit(a, print_entry, arr);
	gaz_archive_close(a);
	if (rc) {
		cJSON_Delete(arr);
		return ar_cli_fail(archive, rc);
	}
	return json ? ar_json_print(arr) : EXIT_OK;
}

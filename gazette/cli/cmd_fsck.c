#include "cli.h"
#include "archive_cli.h"

#include <string.h>

const char cmd_fsck_usage[] =
	"usage: gazette fsck --archive DIR [-q]\n\n"
	"Re-verifies the whole archive in one read snapshot (safe while others\n"
	"read and write): re-hashes every stored PDF and text, decodes every\n"
	"record, checks every index entry against its record and every record\n"
	"against its index entries, the version chains (a correction has a\n"
	"reason; no version is missing), status histories, submissions, the audit\n"
	"trail, and recomputes the transparency log.  Each problem is one line.\n\n"
	"exit 0: clean; 1: problems found; 2: usage, I/O, or unreadable archive.\n";

static void print_problem(const char *p, void *ctx)
{
	(void)ctx;
	printf("problem: %s\n", p);
}

int cmd_fsck(int argc, char **argv)
{
	const char *archive = NULL, *v;
	struct gaz_archive *a = NULL;
	struct gaz_fsck_report r = { 0 };
	int i, rc, missing, quiet = 0, ret;

	for (i = 1; i < argc; i++) {
		AR_OPT("fsck", "--archive", archive)
		else if (!strcmp(argv[i], "-q"))
			quiet = 1;
		else if (!archive && argv[i][0] != '-')
			archive = argv[i];
		else
			return cli_usage("fsck", "unexpected argument %s", argv[i]);
	}
	if ((ret = ar_cli_open(archive, GAZ_AR_READONLY, NULL, &a)))
		return ret;
	rc = gaz_archive_fsck(a, &r, print_problem, NULL);
	gaz_archive_close(a);
	if (rc && rc != GAZ_ECORRUPT)
		return ar_cli_fail(archive, rc);
	if (!quiet || rc)
		printf("%s: %llu blobs (%llu bytes re-hashed), %llu issue versions, %llu documents, "
		       "%llu index entries, %llu status events, %llu submissions, %llu audit "
		       "entries: %s\n", archive, (unsigned long long)r.blobs,
		       (unsigned long long)r.blob_bytes, (unsigned long long)r.versions,
		       (unsigned long long)r.docs, (unsigned long long)r.index_entries,
		       (unsigned long long)r.events, (unsigned long long)r.submissions,
		       (unsigned long long)r.audit, rc ? "DAMAGED" : "clean");
	if (rc) {
		fprintf(stderr, "gazette: %s: %llu problem%s: restore from a backup (gazette backup)\n",
			archive, (unsigned long long)r.problems, r.problems == 1 ? "" : "s");
		return EXIT_FAILED;
	}
	return EXIT_OK;
}

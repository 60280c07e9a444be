#include "cli.h"
#include "archive_cli.h"

#include <string.h>

const char cmd_backup_usage[] =
	"usage: gazette backup --archive DIR DEST\n\n"
	"Hot backup: writes a compacted, consistent copy of the archive into the\n"
	"new directory DEST (one read snapshot; readers and a writer may run\n"
	"meanwhile), then opens the copy and runs fsck on it.  DEST must not\n"
	"exist.  The copy is a complete archive: serve it, or copy it back.\n\n"
	"exit 0: copied and verified; 1: the copy failed verification; 2: usage/I-O.\n";

int cmd_backup(int argc, char **argv)
{
	const char *archive = NULL, *dest = NULL, *v;
	struct gaz_archive *a = NULL;
	struct gaz_fsck_report r = { 0 };
	int i, rc, missing, ret;

	for (i = 1; i < argc; i++) {
		AR_OPT("backup", "--archive", archive)
		else if (argv[i][0] == '-' && argv[i][1])
			return cli_usage("backup", "unknown option %s", argv[i]);
		else if (dest)
			return cli_usage("backup", "only one DEST");
		else
			dest = argv[i];
	}
	if (!dest || !dest[0])
		return cli_usage("backup", "DEST missing");
	if ((ret = ar_cli_open(archive, GAZ_AR_READONLY, NULL, &a)))
		return ret;
	rc = gaz_archive_backup(a, dest);
	gaz_archive_close(a);
	a = NULL;
	/* 1 is for a copy that fails verification; a copy not made (DEST
	 * exists, cannot be written) is an I/O matter */
	if (rc)
		return cli_error(dest, rc);
	if ((ret = ar_cli_open(dest, GAZ_AR_READONLY, NULL, &a)))
		return ret;
	rc = gaz_archive_fsck(a, &r, NULL, NULL);
	gaz_archive_close(a);
	if (rc)
		return ar_cli_fail(dest, rc);
	printf("%s: backup of %s: %llu issue versions, %llu documents, %llu bytes of blobs; "
	       "fsck clean\n", dest, archive, (unsigned long long)r.versions,
	       (unsigned long long)r.docs, (unsigned long long)r.blob_bytes);
	return EXIT_OK;
}

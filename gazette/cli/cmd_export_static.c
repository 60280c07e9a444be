#include "cli.h"
#include "gazette/http.h"

#include <stdio.h>

const char cmd_export_static_usage[] =
	"usage: gazette export-static --archive DIR OUTDIR\n\n"
	"Writes the whole public site of the archive as static files (pages as\n"
	"DIR/index.html, the JSON API as .json, the signed PDFs, the Atom feed and\n"
	"the transparency-log proofs) that nginx, any web server, CDN or object\n"
	"store serves unchanged.  Search and the verify upload need `gazette\n"
	"serve`; the exported pages leave them out.  OUTDIR must not exist (or be\n"
	"empty); it is filled in a temporary directory and renamed at the end.\n\n"
	"exit 0: exported; 2: usage, archive or I/O error.\n";

int cmd_export_static(int argc, char **argv)
{
	const char *archive = NULL, *out = NULL;
	size_t n = 0;
	int i, missing, rc;

	for (i = 1; i < argc; i++) {
		const char *v;

		if ((v = cli_opt(argc, argv, &i, "--archive", &missing)))
			archive = v;
		else if (missing)
			return cli_usage("export-static", "%s needs a value", argv[i]);
		else if (argv[i][0] == '-' && argv[i][1])
			return cli_usage("export-static", "unknown option %s", argv[i]);
		else if (out)
			return cli_usage("export-static", "only one OUTDIR");
		else
			out = argv[i];
	}
	if (!archive)
		return cli_usage("export-static", "--archive DIR missing");
	if (!out)
		return cli_usage("export-static", "OUTDIR missing");
	if ((rc = gaz_http_export(archive, out, &n)))
		return cli_error(out, rc);
	printf("gazette: exported %zu files to %s\n", n, out);
	return EXIT_OK;
}

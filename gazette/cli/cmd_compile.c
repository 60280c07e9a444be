#include "cli.h"
#include "gazette/compile.h"
#include "gazette/issue.h"

#include <string.h>

const char cmd_compile_usage[] =
	"usage: gazette compile ISSUE_DIR -o OUT.pdf\n\n"
	"Typesets an issue folder into its (unsigned) PDF: cover, contents,\n"
	"every document (title, number, body, 落款, verification code and QR\n"
	"code), running heads, page numbers, bookmarks, back page; PDF/A-1b with\n"
	"subset fonts.  The folder is checked first (as `gazette check`): any\n"
	"error is printed and nothing is written.  OUT.pdf is replaced atomically,\n"
	"so a failed compile leaves an existing file untouched.  The same folder\n"
	"always gives the same bytes.\n\n"
	"exit 0: written; 1: the issue failed the check or cannot be typeset\n"
	"(e.g. a character no font draws, a font that cannot be read); 2: usage or I/O.\n";

int cmd_compile(int argc, char **argv)
{
	struct gaz_diags d = { 0 };
	struct gaz_issue *is = NULL;
	struct gaz_compile_result res;
	const char *dir = NULL, *out = NULL, *v;
	int i, rc, missing, ret = EXIT_USAGE, have_res = 0;
	size_t k;

	memset(&res, 0, sizeof res);
	for (i = 1; i < argc; i++) {
		if ((v = cli_opt(argc, argv, &i, "-o", &missing)) || missing ||
		    (v = cli_opt(argc, argv, &i, "--output", &missing)) || missing) {
			if (missing)
				return cli_usage("compile", "%s needs a file name", argv[i]);
			out = v;
			continue;
		}
		if (argv[i][0] == '-' && argv[i][1])
			return cli_usage("compile", "unknown option %s", argv[i]);
		if (dir)
			return cli_usage("compile", "only one ISSUE_DIR");
		dir = argv[i];
	}
	if (!dir)
		return cli_usage("compile", "ISSUE_DIR missing");
	if (!out || !*out)
		return cli_usage("compile", "-o OUT.pdf missing");
	if ((ret = cli_issue_load(dir, &is, &d)) || (ret = cli_output_ok_issue("compile", out, is, NULL)))
		goto end;
	if (d.n_errors) {
		fprintf(stderr, "gazette: %s: %zu error%s: not compiled, %s not written\n", dir,
			d.n_errors, d.n_errors == 1 ? "" : "s", out);
		ret = EXIT_FAILED;
		goto end;
	}
	if ((rc = gaz_compile(is, NULL, &res))) {
		cli_error(dir, rc);
		fprintf(stderr, "gazette: %s not written\n", out);
		ret = rc == GAZ_EFONT || rc == GAZ_EINVAL || rc == GAZ_EFORMAT ||
		      rc == GAZ_ETOOBIG ? EXIT_FAILED : EXIT_USAGE;
		goto end;
	}
	have_res = 1;
	if ((rc = gaz_write_file_atomic(out, res.pdf, res.len))) {
		ret = cli_error(out, rc);
		goto end;
	}
	/* Printed page numbers count from the first document page. */
	for (k = 0; k < res.n_docs; k++)
		printf("%s\tpages %d-%d (PDF %d-%d)\t%s\n", is->docs[k].name,
		       res.docs[k].first - res.docs[0].first + 1,
		       res.docs[k].last - res.docs[0].first + 1, res.docs[k].first + 1,
		       res.docs[k].last + 1, gaz_fv(&is->docs[k].title));
	fprintf(stderr, "%s: %d pages, %zu bytes, %zu documents\n", out, res.n_pages, res.len,
		res.n_docs);
	ret = EXIT_OK;
end:
	if (have_res)
		gaz_compile_result_release(&res);
	gaz_issue_free(is);
	gaz_diags_release(&d);
	return ret;
}

#include "cli.h"
#include "gazette/pdf.h"
#include "gazette/verify.h"

#include <stdlib.h>
#include <string.h>

const char cmd_verify_usage[] =
	"usage: gazette verify FILE.pdf [--trust CA.pem]... [--json]\n\n"
	"Checks every signature in FILE.pdf strictly: the byte ranges are exactly\n"
	"the file minus this signature's /Contents, the CMS and its message digest,\n"
	"the signer's chain to a --trust anchor (CRLs from the file are used),\n"
	"signing-certificate-v2, the signature timestamp, and what any later\n"
	"revision changed: only a /DSS or document timestamps may follow a\n"
	"signature; anything else (pages, content, annotations, form fields, xref\n"
	"tricks) makes it invalid.  --trust may be given more than once; a PEM\n"
	"file may hold several certificates and CRLs.  Without --trust nothing is\n"
	"trusted.\n\n"
	"Prints a report (which revision each signature signs, signer, chain,\n"
	"timestamp, /M, algorithms, changes after signing); --json prints the same\n"
	"as JSON (docs/verify.md).\n"
	"exit 0: every signature valid, trusted and covering the document;\n"
	"1: invalid, tampered, untrusted or unsigned; 2: usage or I/O error.\n";

int cmd_verify(int argc, char **argv)
{
	struct gaz_verify_opts opts = { 0 };
	struct gaz_verify_report *rep = NULL;
	struct gaz_buf out = GAZ_BUF_INIT((size_t)16 << 20);
	const char **trust = NULL, *file = NULL, *v;
	char *data = NULL, *json = NULL;
	size_t len, ntrust = 0;
	int i, rc, missing, as_json = 0, ret = EXIT_USAGE;

	if (!(trust = calloc((size_t)argc, sizeof(*trust))))
		return cli_error("verify", GAZ_ENOMEM);
	for (i = 1; i < argc; i++) {
		if ((v = cli_opt(argc, argv, &i, "--trust", &missing))) {
			trust[ntrust++] = v;
		} else if (missing) {
			ret = cli_usage("verify", "--trust needs a file");
			goto end;
		} else if (!strcmp(argv[i], "--json")) {
			as_json = 1;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			ret = cli_usage("verify", "unknown option %s", argv[i]);
			goto end;
		} else if (file) {
			ret = cli_usage("verify", "only one FILE.pdf");
			goto end;
		} else {
			file = argv[i];
		}
	}
	if (!file) {
		ret = cli_usage("verify", "FILE.pdf missing");
		goto end;
	}
	opts.trust = trust;
	opts.ntrust = ntrust;
	if ((rc = gaz_read_file(file, GAZ_PDF_MAX_FILE, &data, &len))) {
		ret = cli_error(file, rc);
		goto end;
	}
	if ((rc = gaz_verify_pdf(data, len, &opts, &rep))) {
		ret = cli_error(file, rc);
		goto end;
	}
	if (as_json) {
		if ((rc = gaz_verify_report_json(rep, file, &json))) {
			ret = cli_error(file, rc);
			goto end;
		}
		printf("%s\n", json);
	} else {
		if ((rc = gaz_verify_report_text(rep, file, &out))) {
			ret = cli_error(file, rc);
			goto end;
		}
		fwrite(out.data, 1, out.len, stdout);
	}
	if (fflush(stdout)) {
		ret = cli_error("stdout", GAZ_EIO);
		goto end;
	}
	ret = rep->valid ? EXIT_OK : EXIT_FAILED;
end:
	gaz_verify_report_free(rep);
	gaz_buf_release(&out);
	free(json);
	free(data);
	free(trust);
	return ret;
}

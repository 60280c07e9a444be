#include "cli.h"
#include "sign_opts.h"

#include <stdlib.h>
#include <string.h>

const char cmd_sign_usage[] =
	"usage: gazette sign IN.pdf -o OUT.pdf --key KEY [--cert CERT] [--chain PEM]\n"
	"                    [--pass-file FILE] [--level B-B|B-T|B-LT] [--tsa URL]\n"
	"                    [--crl FILE]... [--certify|--approval] [--reason TEXT]\n"
	"                    [--location TEXT] [--time T] [--seal IMAGE.png]\n\n"
	"Signs a PDF as a PAdES baseline signature, appended as an incremental\n"
	"update: the original bytes stay unchanged at the start of OUT.pdf.\n\n"
	SIGN_OPTIONS_HELP "\n"
	"OUT.pdf is written atomically; on any error it is not created.\n"
	"exit 0 signed; 1 IN.pdf is not a PDF this signer accepts (malformed,\n"
	"encrypted, already certified); 2 usage, I/O, key, certificate or TSA error\n"
	"(wrong passphrase, expired certificate, certificate without signing key\n"
	"usage, certificate not matching the key).\n";

int cmd_sign(int argc, char **argv)
{
	struct cli_sign cs;
	const char *in = NULL, *outp = NULL, *v;
	struct gaz_signer *s = NULL;
	unsigned char *out = NULL;
	char *pdf = NULL;
	size_t len = 0, outlen = 0;
	int i, missing, rc, ret = EXIT_USAGE;

	cli_sign_init(&cs);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		rc = cli_sign_opt("sign", argc, argv, &i, &cs);
		if (rc == 1)
			continue;
		if (rc)
			return rc;
		if ((v = cli_opt(argc, argv, &i, "-o", &missing)) ||
		    (!missing && (v = cli_opt(argc, argv, &i, "--output", &missing))))
			outp = v;
		else if (missing)
			return cli_usage("sign", "%s needs a value", a);
		else if (a[0] == '-' && a[1])
			return cli_usage("sign", "unknown option %s", a);
		else if (in)
			return cli_usage("sign", "only one input PDF");
		else
			in = a;
	}
	if (!in || !outp || !cs.key)
		return cli_usage("sign", "IN.pdf, -o OUT.pdf and --key are required");
	if ((ret = cli_sign_finish("sign", &cs)) ||
	    (ret = cli_text_ok("sign", "--reason", cs.o.reason)) ||
	    (ret = cli_text_ok("sign", "--location", cs.o.location)))
		return ret;
	{
		/* -o IN.pdf signs in place (the original stays, byte for byte, as
		 * the first revision); the key material is never replaced. */
		const char *keep[] = { cs.key, cs.cert, cs.chain, cs.passfile };
		if ((ret = cli_output_ok("sign", outp, keep, 4, NULL)))
			return ret;
	}
	ret = EXIT_USAGE;
	if ((rc = gaz_read_file(in, GAZ_SIGN_PDF_MAX, &pdf, &len))) {
		ret = cli_error(in, rc);
		goto end;
	}
	if ((ret = cli_sign_load(&cs, &s)))
		goto end;
	ret = EXIT_USAGE;
	if ((rc = gaz_pdf_sign_update(s, (const unsigned char *)pdf, len, &cs.o, &out, &outlen))) {
		ret = cli_error(in, rc);
		if (rc == GAZ_EFORMAT || (rc == GAZ_EINVAL && strstr(gaz_errdetail(), "certif")))
			ret = EXIT_FAILED;
		goto end;
	}
	if ((rc = gaz_write_file_atomic2(outp, pdf, len, out, outlen))) {
		ret = cli_error(outp, rc);
		goto end;
	}
	ret = EXIT_OK;
end:
	gaz_signer_free(s);
	free(out);
	free(pdf);
	return ret;
}

#include "cli.h"
#include "gazette/sign.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

const char cmd_sign_usage[] =
	"usage: gazette sign IN.pdf -o OUT.pdf --key KEY [--cert CERT] [--chain PEM]\n"
	"                    [--pass-file FILE] [--level B-B|B-T|B-LT] [--tsa URL]\n"
	"                    [--crl FILE]... [--certify] [--reason TEXT]\n"
	"                    [--location TEXT] [--time T] [--seal IMAGE.png]\n\n"
	"Signs a PDF as a PAdES baseline signature, appended as an incremental\n"
	"update: the original bytes stay unchanged at the start of OUT.pdf.\n\n"
	"  --key KEY        encrypted PEM private key (PKCS#8) or PKCS#12 (.p12)\n"
	"  --cert CERT      the signer's certificate (PEM); optional with PKCS#12\n"
	"  --chain PEM      issuing CA certificates to embed (PKCS#12: its own)\n"
	"  --pass-file FILE the key's passphrase (first line); else the environment\n"
	"                   variable GAZETTE_KEY_PASS.  Never on the command line.\n"
	"  --level L        B-B (default), B-T (+ RFC 3161 time-stamp from --tsa),\n"
	"                   B-LT (B-T + /DSS with certificates and the --crl CRLs)\n"
	"  --tsa URL        http:// URL of an RFC 3161 time-stamping authority\n"
	"  --crl FILE       a CRL (PEM or DER) for the B-LT /DSS; repeat per CA\n"
	"  --certify        certification signature, DocMDP P=1: no change allowed\n"
	"                   afterwards (`gazette publish` uses it for issues; plain\n"
	"                   `sign` does not, so that other parties may countersign)\n"
	"  --reason TEXT, --location TEXT   /Reason and /Location (UTF-8)\n"
	"  --time T         signing time for /M: Unix seconds or YYYY-MM-DDTHH:MM:SSZ\n"
	"                   (default: SOURCE_DATE_EPOCH if set, else now)\n"
	"  --seal IMAGE.png a visible seal image on the last page (default: invisible)\n\n"
	"OUT.pdf is written atomically; on any error it is not created.\n"
	"exit 0 signed; 1 IN.pdf is not a PDF this signer accepts (malformed,\n"
	"encrypted, already certified); 2 usage, I/O, key, certificate or TSA error\n"
	"(wrong passphrase, expired certificate, certificate without signing key\n"
	"usage, certificate not matching the key).\n";

/* Unix seconds, or exactly YYYY-MM-DDTHH:MM:SSZ (UTC). */
static int parse_time(const char *s, int64_t *out)
{
	static const unsigned at[6] = { 0, 5, 8, 11, 14, 17 }, w[6] = { 4, 2, 2, 2, 2, 2 };
	static const uint64_t max[6] = { 9999, 12, 31, 23, 59, 60 };
	uint64_t v[6];
	struct tm tm;
	size_t i;

	if (!gaz_parse_uint(s, strlen(s), (uint64_t)1 << 40, &v[0])) {
		*out = (int64_t)v[0];
		return 0;
	}
	if (strlen(s) != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
	    s[16] != ':' || s[19] != 'Z')
		return -1;
	for (i = 0; i < 6; i++)
		if (gaz_parse_uint(s + at[i], w[i], max[i], &v[i]))
			return -1;
	if (v[0] < 1970 || !v[1] || !v[2])
		return -1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = (int)v[0] - 1900;
	tm.tm_mon = (int)v[1] - 1;
	tm.tm_mday = (int)v[2];
	tm.tm_hour = (int)v[3];
	tm.tm_min = (int)v[4];
	tm.tm_sec = (int)v[5];
	*out = (int64_t)timegm(&tm);
	return 0;
}

int cmd_sign(int argc, char **argv)
{
	struct gaz_sign_opts o = { .level = GAZ_PADES_B_B, .time = -1 };
	const char *in = NULL, *outp = NULL, *key = NULL, *cert = NULL, *chain = NULL,
		   *passfile = NULL, *level = NULL, *tstr = NULL, *v, *sde;
	struct gaz_signer *s = NULL;
	unsigned char *out = NULL;
	char *pdf = NULL, *pass = NULL;
	size_t len = 0, outlen = 0, ncrl = 0;
	int i, missing, rc, ret = EXIT_USAGE;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if ((v = cli_opt(argc, argv, &i, "-o", &missing))) outp = v;
		else if ((v = cli_opt(argc, argv, &i, "--output", &missing))) outp = v;
		else if ((v = cli_opt(argc, argv, &i, "--key", &missing))) key = v;
		else if ((v = cli_opt(argc, argv, &i, "--cert", &missing))) cert = v;
		else if ((v = cli_opt(argc, argv, &i, "--chain", &missing))) chain = v;
		else if ((v = cli_opt(argc, argv, &i, "--pass-file", &missing))) passfile = v;
		else if ((v = cli_opt(argc, argv, &i, "--level", &missing))) level = v;
		else if ((v = cli_opt(argc, argv, &i, "--tsa", &missing))) o.tsa_url = v;
		else if ((v = cli_opt(argc, argv, &i, "--reason", &missing))) o.reason = v;
		else if ((v = cli_opt(argc, argv, &i, "--location", &missing))) o.location = v;
		else if ((v = cli_opt(argc, argv, &i, "--time", &missing))) tstr = v;
		else if ((v = cli_opt(argc, argv, &i, "--seal", &missing))) o.seal_png = v;
		else if ((v = cli_opt(argc, argv, &i, "--crl", &missing))) {
			if (ncrl == sizeof o.crl_paths / sizeof o.crl_paths[0] - 1)
				return cli_usage("sign", "at most %zu --crl", ncrl);
			o.crl_paths[ncrl++] = v;
		} else if (!strcmp(a, "--certify"))
			o.certify = 1;
		else if (!strncmp(a, "--pass", 6))
			return cli_usage("sign", "%.*s: passphrases are never taken on the command "
					 "line (other users can read it in the process list and "
					 "shell history); use --pass-file FILE or GAZETTE_KEY_PASS",
					 (int)strcspn(a, "="), a);
		else if (missing)
			return cli_usage("sign", "%s needs a value", a);
		else if (a[0] == '-' && a[1])
			return cli_usage("sign", "unknown option %s", a);
		else if (in)
			return cli_usage("sign", "only one input PDF");
		else
			in = a;
		if (missing)
			return cli_usage("sign", "%s needs a value", a);
	}
	if (!in || !outp || !key)
		return cli_usage("sign", "IN.pdf, -o OUT.pdf and --key are required");
	if (level) {
		if (!strcmp(level, "B-B")) o.level = GAZ_PADES_B_B;
		else if (!strcmp(level, "B-T")) o.level = GAZ_PADES_B_T;
		else if (!strcmp(level, "B-LT")) o.level = GAZ_PADES_B_LT;
		else return cli_usage("sign", "--level must be B-B, B-T or B-LT");
	}
	if (o.level != GAZ_PADES_B_B && !o.tsa_url)
		return cli_usage("sign", "--level %s needs --tsa URL", level);
	if (o.level == GAZ_PADES_B_LT && !ncrl)
		return cli_usage("sign", "--level B-LT needs revocation data: --crl FILE for "
				 "each CA of the chain");
	if (o.level == GAZ_PADES_B_B && (o.tsa_url || ncrl))
		return cli_usage("sign", "--tsa and --crl need --level B-T or B-LT");
	if (!tstr && (sde = getenv("SOURCE_DATE_EPOCH")) && sde[0])
		tstr = sde;
	if (tstr && parse_time(tstr, &o.time))
		return cli_usage("sign", "bad time '%s' (Unix seconds or YYYY-MM-DDTHH:MM:SSZ)",
				 tstr);
	if ((rc = gaz_read_file(in, GAZ_SIGN_PDF_MAX, &pdf, &len))) {
		ret = cli_error(in, rc);
		goto end;
	}
	if ((rc = gaz_passphrase_load(passfile, &pass))) {
		ret = cli_error(passfile ? passfile : "passphrase", rc);
		goto end;
	}
	rc = gaz_signer_load(key, cert, chain, pass, GAZ_USE_SIGN, &s);
	gaz_passphrase_free(pass);
	pass = NULL;
	if (rc) {
		ret = cli_error(key, rc);
		goto end;
	}
	if ((rc = gaz_pdf_sign(s, (const unsigned char *)pdf, len, &o, &out, &outlen))) {
		ret = cli_error(in, rc);
		if (rc == GAZ_EFORMAT || (rc == GAZ_EINVAL && strstr(gaz_errdetail(), "certif")))
			ret = EXIT_FAILED;
		goto end;
	}
	if ((rc = gaz_write_file_atomic(outp, out, outlen))) {
		ret = cli_error(outp, rc);
		goto end;
	}
	ret = EXIT_OK;
end:
	gaz_passphrase_free(pass);
	gaz_signer_free(s);
	free(out);
	free(pdf);
	return ret;
}

/* Signing options shared by `gazette sign` and `gazette publish`. */
#ifndef GAZETTE_CLI_SIGN_OPTS_H
#define GAZETTE_CLI_SIGN_OPTS_H

#include "gazette/sign.h"

struct cli_sign {
	struct gaz_sign_opts o;
	const char *key, *cert, *chain, *passfile, *level, *tstr;
	size_t ncrl;
};

/* Usage text of the options, for the commands' help. */
#define SIGN_OPTIONS_HELP \
	"  --key KEY        encrypted PEM private key (PKCS#8) or PKCS#12 (.p12)\n" \
	"  --cert CERT      the signer's certificate (PEM); optional with PKCS#12\n" \
	"  --chain PEM      issuing CA certificates to embed (PKCS#12: its own)\n" \
	"  --pass-file FILE the key's passphrase (first line); else the environment\n" \
	"                   variable GAZETTE_KEY_PASS.  Never on the command line.\n" \
	"  --level L        B-B (default), B-T (+ RFC 3161 time-stamp from --tsa),\n" \
	"                   B-LT (B-T + /DSS with certificates and the --crl CRLs)\n" \
	"  --tsa URL        http:// URL of an RFC 3161 time-stamping authority\n" \
	"  --crl FILE       a CRL (PEM or DER) for the B-LT /DSS; repeat per CA\n" \
	"  --certify        (the default) certification signature, DocMDP P=1: no\n" \
	"                   change allowed afterwards — what a published issue is\n" \
	"  --approval       an approval signature instead (no DocMDP); further\n" \
	"                   signatures can follow, though `gazette verify` reports\n" \
	"                   any later signature as a modification of the earlier one\n" \
	"  --reason TEXT, --location TEXT   /Reason and /Location (UTF-8)\n" \
	"  --time T         signing time for /M: Unix seconds or YYYY-MM-DDTHH:MM:SSZ\n" \
	"                   (UTC, years 1970..9999; default: SOURCE_DATE_EPOCH if\n" \
	"                   set, else now)\n" \
	"  --seal IMAGE.png a visible seal image on the last page (default: invisible)\n"

/* Defaults: B-B, certification (DocMDP P=1), /M now. */
void cli_sign_init(struct cli_sign *cs);
/* Looks at argv[*i]: 1 if it was a signing option (consumed, with its
 * value), 0 if not, EXIT_USAGE after printing a usage error (a missing
 * value, a passphrase on the command line). */
int cli_sign_opt(const char *cmd, int argc, char **argv, int *i, struct cli_sign *cs);
/* Checks the combination (level vs --tsa/--crl, time); 0 or EXIT_USAGE. */
int cli_sign_finish(const char *cmd, struct cli_sign *cs);
/* Reads the passphrase (--pass-file or GAZETTE_KEY_PASS), loads the key and
 * certificate, and forgets the passphrase.  0, or an exit code after
 * printing the error. */
int cli_sign_load(const struct cli_sign *cs, struct gaz_signer **s);

#endif

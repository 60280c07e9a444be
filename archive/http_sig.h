/* Private: the signature half of the verify page, on top of the verifier
 * (include/gazette/verify.h). */
#ifndef GAZETTE_HTTP_SIG_H
#define GAZETTE_HTTP_SIG_H

#include "archive/http_int.h"

struct sig_report {
	int checked;          /* the verifier ran */
	int valid;            /* every signature valid, trusted, covering the file */
	char summary[512];    /* one line for people (Chinese) */
	char signer[256];
	char time[64];
};

/* Verifies the signatures of an uploaded PDF against the site's trust
 * anchors.  Never fails: problems become the summary. */
void sig_check(struct site *s, const void *pdf, size_t len, struct sig_report *out);

#endif

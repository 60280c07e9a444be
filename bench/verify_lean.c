/* bench/verify.sh only: the same library call as `gazette verify FILE
 * --trust CA...` (text report, exit code), linked with only what the
 * verifier needs, to separate the verifier's own cost from the start-up
 * cost of the all-in-one `gazette` binary and its 30-odd shared libraries. */
#include "gazette/pdf.h"
#include "gazette/verify.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	struct gaz_verify_report *rep = NULL;
	struct gaz_verify_opts opts = { 0 };
	struct gaz_buf out = GAZ_BUF_INIT((size_t)16 << 20);
	char *data = NULL;
	size_t len;
	int ret = 2;

	if (argc < 2)
		return 2;
	OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
	opts.trust = (const char *const *)argv + 2;
	opts.ntrust = (size_t)argc - 2;
	if (gaz_read_file(argv[1], GAZ_PDF_MAX_FILE, &data, &len) ||
	    gaz_verify_pdf(data, len, &opts, &rep) || gaz_verify_report_text(rep, argv[1], &out))
		goto end;
	fwrite(out.data, 1, out.len, stdout);
	ret = rep->valid ? 0 : 1;
end:
	gaz_verify_report_free(rep);
	gaz_buf_release(&out);
	free(data);
	return ret;
}

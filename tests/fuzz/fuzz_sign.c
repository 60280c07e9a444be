/* libFuzzer harness for the signing path on arbitrary input: the strict
 * reader, then the incremental update (page, catalog, AcroForm, /Annots
 * rewriting) and the signature.  Run from the source tree (.ci/fuzz does):
 * it loads the demo ECDSA key from keys-example/. */
#include "gazette/sign.h"

#include <stdio.h>
#include <stdlib.h>

static struct gaz_signer *signer;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *pass = NULL;

	(void)argc;
	(void)argv;
	if (gaz_passphrase_load("keys-example/passphrase.txt", &pass) ||
	    gaz_signer_load("keys-example/signer-ec.key", "keys-example/signer-ec.pem",
			    "keys-example/chain.pem", pass, GAZ_USE_SIGN, &signer)) {
		fprintf(stderr, "fuzz_sign: run from the source tree (%s)\n", gaz_errdetail());
		abort();
	}
	gaz_passphrase_free(pass);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gaz_sign_opts o = { .level = GAZ_PADES_B_B, .time = 1796112000 };
	unsigned char *upd = NULL;
	size_t n = 0;

	o.certify = size & 1;
	if (!gaz_pdf_sign_update(signer, data, size, &o, &upd, &n))
		free(upd);
	return 0;
}

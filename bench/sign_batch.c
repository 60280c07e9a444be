/* In-process signing throughput: loads the key once, then signs the same
 * PDF N times with gaz_pdf_sign_update (B-B: parse, incremental update, SHA-256 of
 * the byte ranges, CMS, RSA/ECDSA) on one thread, and prints signatures per
 * second of wall-clock and of CPU time.
 *   bench_sign_batch IN.pdf KEY CERT CHAIN PASSFILE [N]   (N default 1000) */
#include "gazette/sign.h"

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The floor under any PAdES signer in the same run: SHA-256 over the file
 * plus one raw signature, with nothing else. */
static void ceiling(const char *keyfile, const char *passfile, const unsigned char *pdf,
		    size_t len, long n, double cpu_ours)
{
	EVP_PKEY *k = NULL;
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	unsigned char md[32], sig[512];
	size_t sl;
	char *pass = NULL;
	FILE *f = fopen(keyfile, "r");
	double c0, c;
	long i;

	if (!f || gaz_passphrase_load(passfile, &pass) ||
	    !(k = PEM_read_PrivateKey(f, NULL, NULL, pass))) {
		printf("(no ceiling: the key is not a PEM file)\n");
		goto end;
	}
	c0 = now(CLOCK_PROCESS_CPUTIME_ID);
	for (i = 0; i < n; i++) {
		sl = sizeof sig;
		EVP_Digest(pdf, len, md, NULL, EVP_sha256(), NULL);
		EVP_DigestSignInit(m, NULL, EVP_sha256(), NULL, k);
		EVP_DigestSign(m, sig, &sl, md, sizeof md);
	}
	c = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
	printf("ceiling (SHA-256 of the file + one signature): CPU %.3f ms each, %.0f/s; "
	       "gazette costs %.2fx the ceiling\n", c * 1e3 / (double)n, (double)n / c,
	       cpu_ours / c);
end:
	if (f)
		fclose(f);
	gaz_passphrase_free(pass);
	EVP_PKEY_free(k);
	EVP_MD_CTX_free(m);
}

int main(int argc, char **argv)
{
	struct gaz_sign_opts o = { .level = GAZ_PADES_B_B, .time = 1796112000 };
	struct gaz_signer *s = NULL;
	unsigned char *out;
	char *pdf = NULL, *pass = NULL;
	size_t len, outlen;
	long n = argc > 6 ? strtol(argv[6], NULL, 10) : 1000, i;
	double w0, c0, w, c;
	int rc;

	if (argc < 6 || n <= 0) {
		fprintf(stderr, "usage: %s IN.pdf KEY CERT CHAIN PASSFILE [N]\n", argv[0]);
		return 2;
	}
	if ((rc = gaz_read_file(argv[1], GAZ_SIGN_PDF_MAX, &pdf, &len)) ||
	    (rc = gaz_passphrase_load(argv[5], &pass)) ||
	    (rc = gaz_signer_load(argv[2], argv[3], argv[4], pass, GAZ_USE_SIGN, &s))) {
		fprintf(stderr, "%s: %s\n", gaz_strerror(rc), gaz_errdetail());
		return 2;
	}
	gaz_passphrase_free(pass);
	w0 = now(CLOCK_MONOTONIC);
	c0 = now(CLOCK_PROCESS_CPUTIME_ID);
	for (i = 0; i < n; i++) {
		if ((rc = gaz_pdf_sign_update(s, (unsigned char *)pdf, len, &o, &out, &outlen))) {
			fprintf(stderr, "%s: %s\n", gaz_strerror(rc), gaz_errdetail());
			return 1;
		}
		free(out);
	}
	w = now(CLOCK_MONOTONIC) - w0;
	c = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
	printf("gaz_pdf_sign_update: %ld signatures of a %zu-byte PDF in %.3f s: %.0f signatures/s "
	       "(%.3f ms each; CPU %.3f ms each, %.0f/s)\n", n, len, w, (double)n / w,
	       w * 1e3 / (double)n, c * 1e3 / (double)n, (double)n / c);
	ceiling(argv[2], argv[5], (unsigned char *)pdf, len, n, c);
	gaz_signer_free(s);
	free(pdf);
	return 0;
}

/* gaz_crypto_init_cli(GAZ_CRYPTO_NO_CIPHER_NAMES), as `gazette verify` runs:
 * OpenSSL's legacy cipher table stays empty, fetching still works, digests
 * keep their names, and whole verifications (B-B, certified, xref stream,
 * B-LT with a document timestamp) give the verdicts they give without it.
 * Its own process: the set-up is once per process and must come first. */
#include "gazette/base.h"
#include "gazette/verify.h"
#include "tests/test.h"

#include <openssl/evp.h>
#include <openssl/objects.h>

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define SEEDS "fuzz/seeds/pdf/"

static const char *const trust[] = { "../keys-example/chain.pem" };

/* The verdict on a file, or on a copy with one byte flipped at `flip`. */
static int verdict(const char *path, long flip, int *timestamped)
{
	struct gaz_verify_opts o = { trust, 1, 0 };
	struct gaz_verify_report *r = NULL;
	char *buf = NULL;
	size_t len = 0, i;
	int valid = -1;

	CHECK_EQ_INT(gaz_read_file(path, 1 << 20, &buf, &len), 0);
	if (!buf)
		return -1;
	if (flip >= 0 && (size_t)flip < len)
		buf[flip] ^= 0x01;
	if (!gaz_verify_pdf(buf, len, &o, &r)) {
		valid = r->valid;
		*timestamped = 0;
		for (i = 0; i < r->nsigs; i++)
			if (r->sigs[i].timestamp == GAZ_CHECK_OK)
				(*timestamped)++;
	}
	gaz_verify_report_free(r);
	free(buf);
	return valid;
}

int main(void)
{
	static const char *const genuine[] = {
		SEEDS "02-gazette-bb.pdf", SEEDS "04-blt-dts.pdf",
		SEEDS "08-certified.pdf", SEEDS "11-xrefstream-signed.pdf",
	};
	EVP_CIPHER *aes;
	pid_t pid;
	size_t i;
	int st = -1, ts = 0;

	/* Control, in a child: without the flag the names are there (so the
	 * check below tests the flag, not this OpenSSL's build). */
	fflush(NULL);
	if ((pid = fork()) == 0) {
		gaz_crypto_init_cli(0);
		_exit(EVP_get_cipherbyname("AES-256-CBC") ? 0 : 1);
	}
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);

	gaz_crypto_init_cli(GAZ_CRYPTO_NO_CIPHER_NAMES);
	/* verify's first digest fetch comes before these: the same order */
	CHECK_EQ_INT(verdict(SEEDS "02-gazette-bb.pdf", -1, &ts), 1);
	CHECK(EVP_get_cipherbyname("AES-256-CBC") == NULL);
	CHECK(EVP_get_cipherbynid(NID_aes_128_gcm) == NULL);
	/* what libssl does: fetch by the object's short name */
	aes = EVP_CIPHER_fetch(NULL, OBJ_nid2sn(NID_aes_128_gcm), NULL);
	CHECK(aes != NULL);
	EVP_CIPHER_free(aes);
	aes = EVP_CIPHER_fetch(NULL, "ChaCha20-Poly1305", NULL);
	CHECK(aes != NULL);
	EVP_CIPHER_free(aes);
	/* digests keep their table: OpenSSL's own checks look them up */
	CHECK(EVP_get_digestbyname("SHA256") != NULL);
	CHECK(EVP_get_digestbyobj(OBJ_nid2obj(NID_sha384)) != NULL);

	for (i = 0; i < sizeof genuine / sizeof *genuine; i++) {
		CHECK_EQ_INT(verdict(genuine[i], -1, &ts), 1);
		if (i == 1)
			CHECK(ts >= 1); /* the signature's and the document's timestamps */
		/* a byte of the header flipped: inside the signed range */
		CHECK_EQ_INT(verdict(genuine[i], 5, &ts), 0);
	}
	/* an untrusted signer stays untrusted */
	CHECK_EQ_INT(verdict(SEEDS "03-mutool.pdf", -1, &ts), 0);
	return TEST_DONE();
}

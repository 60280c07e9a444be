/* Unit tests for signer keys, the CAdES CMS and the RFC 3161 round trip
 * (gaz_tsa_start on a free port, gaz_cms_sign_timestamped as client). */
#include "gazette/sign.h"
#include "gazette/tsa.h"
#include "tests/test.h"

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ts.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define K "../keys-example/"

static const char content[] = "%PDF-1.7 pretend byte ranges";
static char *pass;

static X509_STORE *trust(void)
{
	X509_STORE *st = X509_STORE_new();
	X509_LOOKUP *lu = X509_STORE_add_lookup(st, X509_LOOKUP_file());

	X509_LOOKUP_load_file(lu, K "root-ca.pem", X509_FILETYPE_PEM);
	return st;
}

/* Verifies der over content with OpenSSL; returns the CMS or NULL. */
static CMS_ContentInfo *check_cms(const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, (long)len);
	X509_STORE *st = trust();
	BIO *in = BIO_new_mem_buf(content, (int)strlen(content));
	int ok;

	CHECK(cms != NULL);
	ok = cms && CMS_verify(cms, NULL, st, in, NULL, CMS_BINARY | CMS_DETACHED) == 1;
	if (!ok)
		ERR_print_errors_fp(stderr);
	CHECK(ok);
	BIO_free(in);
	X509_STORE_free(st);
	if (!ok) {
		CMS_ContentInfo_free(cms);
		return NULL;
	}
	return cms;
}

static void test_sign(const char *key, const char *cert, const char *chain)
{
	struct gaz_signer *s = NULL;
	unsigned char md[32], *der = NULL;
	size_t len = 0, max = 0;
	CMS_ContentInfo *cms;
	CMS_SignerInfo *si;

	SHA256((const unsigned char *)content, strlen(content), md);
	CHECK_EQ_INT(gaz_signer_load(key, cert, chain, pass, GAZ_USE_SIGN, &s), 0);
	if (!s)
		return;
	CHECK_EQ_INT(gaz_cms_max_size(s, &max), 0);
	CHECK_EQ_INT(gaz_cms_sign(s, md, &der, &len), 0);
	CHECK(len > 0 && len <= max);
	if ((cms = check_cms(der, len))) {
		si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0);
		CHECK_EQ_INT(CMS_signed_get_attr_count(si), 3);
		CHECK(CMS_signed_get_attr_by_NID(si, NID_pkcs9_contentType, -1) >= 0);
		CHECK(CMS_signed_get_attr_by_NID(si, NID_pkcs9_messageDigest, -1) >= 0);
		CHECK(CMS_signed_get_attr_by_NID(si, NID_id_smime_aa_signingCertificateV2, -1) >= 0);
		CHECK(CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1) < 0);
		CHECK_EQ_INT(CMS_unsigned_get_attr_count(si), -1);
		/* signer + intermediate + root */
		STACK_OF(X509) *certs = CMS_get1_certs(cms);
		CHECK_EQ_INT(sk_X509_num(certs), 3);
		sk_X509_pop_free(certs, X509_free);
		CMS_ContentInfo_free(cms);
	}
	free(der);
	gaz_signer_free(s);
}

static void test_errors(void)
{
	struct gaz_signer *s = NULL;

	CHECK_EQ_INT(gaz_signer_load(K "signer.key", K "signer.pem", NULL, "wrong",
				     GAZ_USE_SIGN, &s), GAZ_ECRYPTO);
	CHECK(strstr(gaz_errdetail(), "wrong passphrase") != NULL);
	CHECK_EQ_INT(gaz_signer_load(K "signer.p12", NULL, NULL, "wrong", GAZ_USE_SIGN, &s),
		     GAZ_ECRYPTO);
	CHECK(strstr(gaz_errdetail(), "wrong passphrase") != NULL);
	CHECK_EQ_INT(gaz_signer_load(K "expired.key", K "expired.pem", NULL, pass,
				     GAZ_USE_SIGN, &s), GAZ_EINVAL);
	CHECK(strstr(gaz_errdetail(), "expired") != NULL);
	CHECK_EQ_INT(gaz_signer_load(K "nosign.key", K "nosign.pem", NULL, pass,
				     GAZ_USE_SIGN, &s), GAZ_EINVAL);
	CHECK(strstr(gaz_errdetail(), "key usage") != NULL);
	CHECK_EQ_INT(gaz_signer_load(K "signer.key", K "mismatch.pem", NULL, pass,
				     GAZ_USE_SIGN, &s), GAZ_EINVAL);
	CHECK(strstr(gaz_errdetail(), "does not match") != NULL);
	/* A signing certificate is not a TSA certificate, and vice versa the
	 * TSA key is fine for signing-key-usage purposes only as a TSA. */
	CHECK_EQ_INT(gaz_signer_load(K "signer.key", K "signer.pem", NULL, pass,
				     GAZ_USE_TIMESTAMP, &s), GAZ_EINVAL);
	CHECK(strstr(gaz_errdetail(), "timeStamping") != NULL);
	/* A certificate is not a key; a missing file is an I/O error. */
	CHECK_EQ_INT(gaz_signer_load(K "signer.pem", K "signer.pem", NULL, pass,
				     GAZ_USE_SIGN, &s), GAZ_EINVAL);
	CHECK_EQ_INT(gaz_signer_load(K "no-such.key", K "signer.pem", NULL, pass,
				     GAZ_USE_SIGN, &s), GAZ_EIO);
	CHECK_EQ_INT(gaz_signer_load(K "root-ca.crl.pem", K "signer.pem", NULL, pass,
				     GAZ_USE_SIGN, &s), GAZ_EINVAL);
	CHECK(s == NULL);
}

static void test_timestamp(void)
{
	struct gaz_signer *s = NULL, *ts = NULL;
	struct gaz_tsa *tsa = NULL;
	unsigned char md[32], *der = NULL;
	size_t len = 0, tstlen = 0;
	unsigned port = 0;
	char url[64];
	CMS_ContentInfo *cms;
	CMS_SignerInfo *si;

	SHA256((const unsigned char *)content, strlen(content), md);
	CHECK_EQ_INT(gaz_signer_load(K "tsa.key", K "tsa.pem", K "chain.pem", pass,
				     GAZ_USE_TIMESTAMP, &ts), 0);
	CHECK_EQ_INT(gaz_signer_load(K "signer.key", K "signer.pem", K "chain.pem", pass,
				     GAZ_USE_SIGN, &s), 0);
	if (!s || !ts)
		goto end;
	CHECK_EQ_INT(gaz_tsa_new(ts, "1.2..3", NULL, &tsa), GAZ_EINVAL);
	CHECK_EQ_INT(gaz_tsa_new(ts, NULL, NULL, &tsa), 0);
	CHECK_EQ_INT(gaz_tsa_start(tsa, "127.0.0.1", &port), GAZ_EINVAL);
	CHECK_EQ_INT(gaz_tsa_start(tsa, "localhost:0", &port), GAZ_EINVAL);
	CHECK_EQ_INT(gaz_tsa_start(tsa, "127.0.0.1:0", &port), 0);
	CHECK(port > 0);
	snprintf(url, sizeof url, "http://127.0.0.1:%u/", port);
	CHECK_EQ_INT(gaz_cms_sign_timestamped(s, md, url, &der, &len, &tstlen), 0);
	CHECK(tstlen > 500);
	if (der && (cms = check_cms(der, len))) {
		si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0);
		CHECK_EQ_INT(CMS_signed_get_attr_count(si), 3);
		CHECK_EQ_INT(CMS_unsigned_get_attr_count(si), 1);
		CHECK(CMS_unsigned_get_attr_by_NID(si, NID_id_smime_aa_timeStampToken, -1) >= 0);
		CMS_ContentInfo_free(cms);
	}
	free(der);
	der = NULL;
	/* https is refused up front; a TSA that refuses the connection fails at
	 * once, the reason said once. */
	CHECK_EQ_INT(gaz_cms_sign_timestamped(s, md, "https://127.0.0.1:1/", &der, &len, NULL),
		     GAZ_EINVAL);
	{
		time_t t0 = time(NULL);

		CHECK_EQ_INT(gaz_cms_sign_timestamped(s, md, "http://127.0.0.1:1/", &der, &len,
						      NULL), GAZ_EIO);
		CHECK(time(NULL) - t0 < 5);
		CHECK(strstr(gaz_errdetail(), "Connection refused") != NULL);
		CHECK(strstr(gaz_errdetail(), "127.0.0.1:1/") != NULL &&
		      !strstr(strstr(gaz_errdetail(), "127.0.0.1:1/") + 1, "127.0.0.1:1/"));
	}
	/* Garbage to the TSA gets a rejection, not a crash. */
	{
		unsigned char *resp = NULL;
		size_t rl = 0;
		const unsigned char *p;
		TS_RESP *r;

		CHECK_EQ_INT(gaz_tsa_respond(tsa, (const unsigned char *)"junk", 4, &resp, &rl), 0);
		p = resp;
		r = resp ? d2i_TS_RESP(NULL, &p, (long)rl) : NULL;
		CHECK(r != NULL);
		if (r)
			CHECK_EQ_INT(ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(
				TS_RESP_get_status_info(r))), TS_STATUS_REJECTION);
		TS_RESP_free(r);
		free(resp);
	}
end:
	gaz_tsa_free(tsa);
	gaz_signer_free(s);
	gaz_signer_free(ts);
}

int main(void)
{
	CHECK_EQ_INT(gaz_passphrase_load(K "passphrase.txt", &pass), 0);
	if (!pass)
		return TEST_DONE();
	test_sign(K "signer.key", K "signer.pem", K "chain.pem");
	test_sign(K "signer.p12", NULL, NULL);
	test_sign(K "signer-ec.key", K "signer-ec.pem", K "chain.pem");
	test_errors();
	test_timestamp();
	gaz_passphrase_free(pass);
	return TEST_DONE();
}

/* Unit tests for the verifier's trust material (signer/verify_trust.c):
 * anchors parsed only when a chain asks for them, each distinct certificate
 * parsed once, the DER structure check; and gaz_map_file's change check. */
#define OPENSSL_SUPPRESS_DEPRECATED /* ENGINE_get_pkey_meth_engine, to see the fast path is on */
#include "gazette/base.h"
#include "signer/verify_int.h"
#include "tests/test.h"

#include <openssl/engine.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define K "../keys-example/"

static X509 *pem_cert(const char *path)
{
	FILE *f = fopen(path, "r");
	X509 *x = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;

	if (f)
		fclose(f);
	CHECK(x != NULL);
	return x;
}

static int chain_ok(struct vctx *c, X509 *leaf, STACK_OF(X509) *untrusted)
{
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	int ok = ctx && X509_STORE_CTX_init(ctx, c->store, leaf, untrusted) == 1 &&
		 X509_verify_cert(ctx) == 1;

	X509_STORE_CTX_free(ctx);
	return ok;
}

static void test_lazy_anchors(void)
{
	const char *trust[] = { K "chain.pem" };
	struct gaz_verify_opts o = { trust, 1, 0 };
	struct vctx c;
	X509 *signer = pem_cert(K "signer.pem"), *inter = pem_cert(K "intermediate-ca.pem");
	unsigned char *der = NULL;
	int n;

	CHECK_EQ_INT(vctx_init(&c, &o), 0);
	CHECK_EQ_INT(c.nanchors, 2);
	CHECK_EQ_INT(c.parsed, 0);             /* nothing parsed up front */
	/* the intermediate came with the CMS: the anchor reuses it */
	CHECK_EQ_INT(vctx_seen(&c, inter), 0);
	CHECK(chain_ok(&c, signer, NULL));
	CHECK_EQ_INT(c.parsed, 1);             /* only the root */
	CHECK(c.anchors[0].x == inter || c.anchors[1].x == inter);
	/* the same bytes in the /DSS: the same object, not a new parse */
	n = i2d_X509(inter, &der);
	CHECK(n > 0);
	CHECK_EQ_INT(vctx_add_dss(&c, der, (size_t)n, 0), 0);
	CHECK_EQ_INT(vctx_dss_certs(&c), 0);
	CHECK_EQ_INT(sk_X509_num(c.extra_certs), 1);
	CHECK(sk_X509_value(c.extra_certs, 0) == inter);
	CHECK_EQ_INT(c.parsed, 1);
	/* a second verification asks the store, not the files */
	CHECK(chain_ok(&c, signer, NULL));
	CHECK_EQ_INT(c.parsed, 1);
	OPENSSL_free(der);
	vctx_release(&c);
	X509_free(signer);
	X509_free(inter);
}

static void test_only_what_is_needed(void)
{
	/* a trust file with the demo root and unrelated certificates (the
	 * TSA and signer certificates): verifying the intermediate parses
	 * the root alone */
	const char *trust[] = { K "tsa.pem", K "signer.pem", K "root-ca.pem", K "expired.pem" };
	struct gaz_verify_opts o = { trust, 4, 0 };
	struct vctx c;
	X509 *inter = pem_cert(K "intermediate-ca.pem");

	CHECK_EQ_INT(vctx_init(&c, &o), 0);
	CHECK_EQ_INT(c.nanchors, 4);
	CHECK(chain_ok(&c, inter, NULL));
	CHECK_EQ_INT(c.parsed, 1);
	vctx_release(&c);
	X509_free(inter);
}

static void test_no_anchor(void)
{
	const char *trust[] = { K "tsa.pem" };
	struct gaz_verify_opts o = { trust, 1, 0 };
	struct vctx c;
	X509 *signer = pem_cert(K "signer.pem");

	CHECK_EQ_INT(vctx_init(&c, &o), 0);
	CHECK(!chain_ok(&c, signer, NULL));
	CHECK_EQ_INT(c.parsed, 0);
	vctx_release(&c);
	X509_free(signer);
}

static void test_subject_structure(void)
{
	X509 *x = pem_cert(K "root-ca.pem");
	unsigned char *der = NULL, *bad;
	const unsigned char *s, *p;
	size_t sl;
	X509_NAME *nm;
	int n = i2d_X509(x, &der);

	CHECK(n > 0);
	CHECK_EQ_INT(vcert_subject(der, (size_t)n, &s, &sl), 0);
	p = s;
	nm = d2i_X509_NAME(NULL, &p, (long)sl);
	CHECK(nm && !X509_NAME_cmp(nm, X509_get_subject_name(x)));
	X509_NAME_free(nm);
	CHECK_EQ_INT(vcert_subject(der, (size_t)n - 1, &s, &sl), -1);   /* truncated */
	bad = malloc((size_t)n + 1);
	memcpy(bad, der, (size_t)n);
	bad[n] = 0;
	CHECK_EQ_INT(vcert_subject(bad, (size_t)n + 1, &s, &sl), -1);  /* a byte after it */
	bad[0] = 0x31;                                                 /* a SET, not a SEQUENCE */
	CHECK_EQ_INT(vcert_subject(bad, (size_t)n, &s, &sl), -1);
	memcpy(bad, "\x30\x80\x00\x00", 4);                           /* indefinite length */
	CHECK_EQ_INT(vcert_subject(bad, 4, &s, &sl), -1);
	CHECK_EQ_INT(vcert_subject(bad, 0, &s, &sl), -1);
	free(bad);
	OPENSSL_free(der);
	X509_free(x);
}

static void test_map(void)
{
	char path[] = "/tmp/gazette-test-map-XXXXXX";
	int fd = mkstemp(path);
	struct gaz_map m, z = { 0 };
	FILE *f;

	CHECK(fd >= 0);
	CHECK_EQ_INT(write(fd, "%PDF-1.7\n", 9), 9);
	close(fd);
	CHECK_EQ_INT(gaz_map_file(path, 1 << 20, &m), 0);
	CHECK_EQ_INT(m.len, 9);
	CHECK(m.p && !memcmp(m.p, "%PDF-1.7\n", 9));
	CHECK_EQ_INT(gaz_map_unchanged(&m, path), 0);
	/* a writer appends while it is mapped: the verdict must not stand */
	f = fopen(path, "a");
	CHECK(f != NULL);
	if (f) {
		fputs("junk", f);
		fclose(f);
	}
	CHECK_EQ_INT(gaz_map_unchanged(&m, path), GAZ_EIO);
	gaz_unmap_file(&m);
	CHECK_EQ_INT(gaz_map_file(path, 4, &m), GAZ_ETOOBIG);
	gaz_unmap_file(&m); /* harmless on the emptied struct */
	/* and on a zeroed one: it closes no descriptor it does not own */
	z.fd = open(path, O_RDONLY);
	CHECK(z.fd >= 0);
	gaz_unmap_file(&z);
	CHECK(fcntl(z.fd, F_GETFD) != -1);
	close(z.fd);
	/* an empty file is read, not mapped */
	f = fopen(path, "w");
	if (f)
		fclose(f);
	CHECK_EQ_INT(gaz_map_file(path, 4, &m), 0);
	CHECK_EQ_INT(m.len, 0);
	CHECK_EQ_INT(gaz_map_unchanged(&m, path), 0);
	gaz_unmap_file(&m);
	CHECK_EQ_INT(gaz_map_file("/nonexistent/gazette", 4, &m), GAZ_EIO);
	CHECK_EQ_INT(gaz_map_file("/tmp", 4, &m), GAZ_EIO);
	unlink(path);
}

/* gaz_crypto_fast_certs(): on OpenSSL 3.0, RSA certificate keys come from the
 * built-in method (an ENGINE claims rsaEncryption), EC keys still from the
 * providers; signatures check the same either way, and a forged one fails. */
static void test_fast_certs(void)
{
	X509 *root, *inter, *signer, *ec, *bad;
	unsigned char *der = NULL;
	const unsigned char *p;
	int n;

	gaz_crypto_fast_certs();
#if OPENSSL_VERSION_MAJOR == 3 && !defined(OPENSSL_NO_ENGINE)
	if (OpenSSL_version_num() < 0x30100000L) {
		ENGINE *e = ENGINE_get_pkey_meth_engine(EVP_PKEY_RSA);
		CHECK(e != NULL);
		CHECK(ENGINE_get_pkey_meth_engine(EVP_PKEY_EC) == NULL);
		if (e)
			ENGINE_finish(e);
	}
#endif
	root = pem_cert(K "root-ca.pem");
	inter = pem_cert(K "intermediate-ca.pem");
	signer = pem_cert(K "signer.pem");
	ec = pem_cert(K "signer-ec.pem");
	if (!root || !inter || !signer || !ec)
		return;
	CHECK(EVP_PKEY_get_id(X509_get0_pubkey(signer)) == EVP_PKEY_RSA);
	CHECK_EQ_INT(X509_verify(inter, X509_get0_pubkey(root)), 1);
	CHECK_EQ_INT(X509_verify(signer, X509_get0_pubkey(inter)), 1);
	CHECK_EQ_INT(X509_verify(ec, X509_get0_pubkey(inter)), 1);
	CHECK(X509_verify(signer, X509_get0_pubkey(root)) != 1); /* wrong issuer key */
	/* the signer's certificate with one bit of its signature flipped */
	n = i2d_X509(signer, &der);
	CHECK(n > 64);
	if (n > 64) {
		der[n - 10] ^= 1;
		p = der;
		bad = d2i_X509(NULL, &p, n);
		CHECK(bad != NULL);
		if (bad)
			CHECK(X509_verify(bad, X509_get0_pubkey(inter)) != 1);
		X509_free(bad);
	}
	OPENSSL_free(der);
	X509_free(root);
	X509_free(inter);
	X509_free(signer);
	X509_free(ec);
}

int main(void)
{
	test_lazy_anchors();
	test_only_what_is_needed();
	test_no_anchor();
	test_subject_structure();
	test_map();
	test_fast_certs(); /* last: the switch is process-wide */
	return TEST_DONE();
}

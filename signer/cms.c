/*
 * The CAdES detached CMS for PAdES baseline signatures, built deliberately.
 *
 * OpenSSL 3.0's CMS_SignerInfo_sign() (and so CMS_final and `openssl cms
 * -sign`) always adds a signing-time attribute (openssl issue 15777), which
 * PAdES forbids.  So the SignerInfo is made with CMS_add1_signer(...
 * CMS_PARTIAL | CMS_CADES) — that adds only signing-certificate-v2 and does
 * not sign — then content-type and message-digest are added here, and the
 * DER of the SET OF attributes (sorted, as DER requires and as
 * i2d_CMS_ContentInfo writes them) is signed with EVP_DigestSign.
 */
#include "gazette/sign.h"
#include "signer/sign_local.h"

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/pkcs7.h>

#include <stdlib.h>
#include <string.h>

/* Bytes the unsigned attribute wrapping a token costs beyond the token:
 * [1] tag+len, Attribute SEQUENCE tag+len, OID (11 bytes + 2), SET tag+len,
 * each length at most 4 bytes for tokens under 64 KB. */
#define TST_ATTR_OVERHEAD 32

static int add_certs(CMS_ContentInfo *cms, const struct gaz_signer *s)
{
	int i, j, dup;
	X509 *x;

	for (i = 0; i < sk_X509_num(s->chain); i++) {
		x = sk_X509_value(s->chain, i);
		dup = !X509_cmp(x, s->cert);
		for (j = 0; j < i && !dup; j++)
			dup = !X509_cmp(x, sk_X509_value(s->chain, j));
		if (!dup && CMS_add1_cert(cms, x) != 1)
			return gaz_crypto_fail(GAZ_ECRYPTO, "cannot add a chain certificate");
	}
	return 0;
}

/* DER of the signed attributes as a SET OF: what the signature covers. */
static int signed_attrs_der(CMS_SignerInfo *si, unsigned char **der, int *len)
{
	STACK_OF(X509_ATTRIBUTE) *sk = NULL;
	int i, n, ret = GAZ_ENOMEM;

	n = CMS_signed_get_attr_count(si);
	if (n != 3)
		return gaz_fail(GAZ_EINTERNAL, "expected exactly 3 signed attributes, have %d", n);
	if (!(sk = sk_X509_ATTRIBUTE_new_null()))
		goto end;
	for (i = 0; i < n; i++)
		if (!sk_X509_ATTRIBUTE_push(sk, CMS_signed_get_attr(si, i)))
			goto end;
	*der = NULL;
	*len = ASN1_item_i2d((ASN1_VALUE *)sk, der, ASN1_ITEM_rptr(PKCS7_ATTR_SIGN));
	if (*len <= 0 || !*der) {
		ret = gaz_crypto_fail(GAZ_ECRYPTO, "cannot encode the signed attributes");
		goto end;
	}
	ret = 0;
end:
	sk_X509_ATTRIBUTE_free(sk); /* the attributes are borrowed */
	return ret;
}

/* Builds the SignedData.  With dummy, the signature is a run of zeros of
 * the key's maximum signature size (for sizing); otherwise a real one. */
static int build(const struct gaz_signer *s, const unsigned char digest[32], int dummy,
		 CMS_ContentInfo **out, CMS_SignerInfo **out_si)
{
	CMS_ContentInfo *cms = NULL;
	CMS_SignerInfo *si;
	EVP_MD_CTX *mctx = NULL;
	unsigned char *attrs = NULL, *sig = NULL;
	size_t siglen = 0;
	int alen = 0, rc = GAZ_ECRYPTO;

	cms = CMS_sign(NULL, NULL, NULL, NULL, CMS_PARTIAL | CMS_DETACHED | CMS_BINARY);
	if (!cms) {
		rc = gaz_crypto_fail(GAZ_ECRYPTO, "cannot start the CMS structure");
		goto end;
	}
	si = CMS_add1_signer(cms, s->cert, s->key, EVP_sha256(),
			     CMS_PARTIAL | CMS_CADES | CMS_NOSMIMECAP | CMS_BINARY);
	if (!si) {
		rc = gaz_crypto_fail(GAZ_ECRYPTO, "cannot add the signer");
		goto end;
	}
	if ((rc = add_certs(cms, s)))
		goto end;
	if (CMS_signed_add1_attr_by_NID(si, NID_pkcs9_contentType, V_ASN1_OBJECT,
					OBJ_nid2obj(NID_pkcs7_data), -1) <= 0 ||
	    CMS_signed_add1_attr_by_NID(si, NID_pkcs9_messageDigest, V_ASN1_OCTET_STRING,
					digest, 32) <= 0) {
		rc = gaz_crypto_fail(GAZ_ECRYPTO, "cannot add the signed attributes");
		goto end;
	}
	if (CMS_signed_get_attr_by_NID(si, NID_id_smime_aa_signingCertificateV2, -1) < 0 ||
	    CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1) >= 0) {
		rc = gaz_fail(GAZ_EINTERNAL, "unexpected signed attributes from OpenSSL");
		goto end;
	}
	if ((rc = signed_attrs_der(si, &attrs, &alen)))
		goto end;
	rc = GAZ_ECRYPTO;
	if (dummy) {
		siglen = (size_t)EVP_PKEY_get_size(s->key);
		if (!(sig = OPENSSL_zalloc(siglen))) {
			rc = GAZ_ENOMEM;
			goto end;
		}
	} else {
		if (!(mctx = EVP_MD_CTX_new()) ||
		    EVP_DigestSignInit_ex(mctx, NULL, "SHA256", NULL, NULL, s->key, NULL) <= 0 ||
		    EVP_DigestSign(mctx, NULL, &siglen, attrs, (size_t)alen) <= 0 ||
		    !(sig = OPENSSL_malloc(siglen)) ||
		    EVP_DigestSign(mctx, sig, &siglen, attrs, (size_t)alen) <= 0) {
			rc = gaz_crypto_fail(GAZ_ECRYPTO, "signing failed");
			goto end;
		}
	}
	ASN1_STRING_set0(CMS_SignerInfo_get0_signature(si), sig, (int)siglen);
	sig = NULL;
	*out = cms;
	*out_si = si;
	cms = NULL;
	rc = 0;
end:
	OPENSSL_free(sig);
	OPENSSL_free(attrs);
	EVP_MD_CTX_free(mctx);
	CMS_ContentInfo_free(cms);
	return rc;
}

static int encode(CMS_ContentInfo *cms, unsigned char **der, size_t *len)
{
	unsigned char *p = NULL, *q;
	int n;

	n = i2d_CMS_ContentInfo(cms, &p);
	if (n <= 0 || !p)
		return gaz_crypto_fail(GAZ_ECRYPTO, "cannot encode the CMS");
	/* Hand out malloc'ed memory, as every gazette function does. */
	if (!(q = malloc((size_t)n))) {
		OPENSSL_free(p);
		return GAZ_ENOMEM;
	}
	memcpy(q, p, (size_t)n);
	OPENSSL_free(p);
	*der = q;
	*len = (size_t)n;
	return 0;
}

int gaz_cms_max_size(const struct gaz_signer *s, size_t *len)
{
	static const unsigned char zero[32];
	CMS_ContentInfo *cms = NULL;
	CMS_SignerInfo *si;
	unsigned char *der = NULL;
	size_t n = 0;
	int rc;

	if (s->max_cms) {
		*len = s->max_cms;
		return 0;
	}
	if ((rc = build(s, zero, 1, &cms, &si)) || (rc = encode(cms, &der, &n)))
		goto end;
	*len = n;
end:
	free(der);
	CMS_ContentInfo_free(cms);
	return rc;
}

int gaz_cms_sign(const struct gaz_signer *s, const unsigned char digest[32],
		 unsigned char **der, size_t *len)
{
	CMS_ContentInfo *cms = NULL;
	CMS_SignerInfo *si;
	int rc;

	if (!(rc = build(s, digest, 0, &cms, &si)))
		rc = encode(cms, der, len);
	CMS_ContentInfo_free(cms);
	ERR_clear_error();
	return rc;
}

int gaz_cms_sign_timestamped(const struct gaz_signer *s, const unsigned char digest[32],
			     const char *tsa_url, unsigned char **der, size_t *len,
			     size_t *tst_len)
{
	CMS_ContentInfo *cms = NULL;
	CMS_SignerInfo *si;
	ASN1_OCTET_STRING *sig;
	unsigned char *tok = NULL;
	size_t toklen = 0;
	int rc;

	if ((rc = build(s, digest, 0, &cms, &si)))
		goto end;
	sig = CMS_SignerInfo_get0_signature(si);
	if ((rc = gaz_tsa_timestamp(tsa_url, ASN1_STRING_get0_data(sig),
				    (size_t)ASN1_STRING_length(sig), &tok, &toklen)))
		goto end;
	if (toklen > INT32_MAX ||
	    CMS_unsigned_add1_attr_by_NID(si, NID_id_smime_aa_timeStampToken, V_ASN1_SEQUENCE,
					  tok, (int)toklen) <= 0) {
		rc = gaz_crypto_fail(GAZ_ECRYPTO, "cannot add the time-stamp token");
		goto end;
	}
	if ((rc = encode(cms, der, len)))
		goto end;
	if (tst_len)
		*tst_len = toklen + TST_ATTR_OVERHEAD;
end:
	free(tok);
	CMS_ContentInfo_free(cms);
	ERR_clear_error();
	return rc;
}

static int push_unique(STACK_OF(X509) *sk, X509 *x)
{
	int i;

	for (i = 0; i < sk_X509_num(sk); i++)
		if (!X509_cmp(sk_X509_value(sk, i), x))
			return 0;
	if (!X509_up_ref(x))
		return GAZ_ECRYPTO;
	if (!sk_X509_push(sk, x)) {
		X509_free(x);
		return GAZ_ENOMEM;
	}
	return 0;
}

static int push_all(STACK_OF(X509) *dst, STACK_OF(X509) *src)
{
	int i, rc;

	for (i = 0; i < sk_X509_num(src); i++)
		if ((rc = push_unique(dst, sk_X509_value(src, i))))
			return rc;
	return 0;
}

int gaz_cms_collect_certs(const struct gaz_signer *s, const unsigned char *der,
			  size_t len, STACK_OF(X509) **out)
{
	STACK_OF(X509) *sk = NULL, *in = NULL, *tcerts = NULL;
	CMS_ContentInfo *cms = NULL, *tst = NULL;
	CMS_SignerInfo *si;
	X509_ATTRIBUTE *a;
	ASN1_TYPE *t;
	const unsigned char *p = der;
	int i, rc = GAZ_ENOMEM;

	if (!(sk = sk_X509_new_null()))
		goto end;
	if ((rc = push_unique(sk, s->cert)) || (rc = push_all(sk, s->chain)))
		goto end;
	rc = GAZ_ECRYPTO;
	if (len > INT32_MAX || !(cms = d2i_CMS_ContentInfo(NULL, &p, (long)len))) {
		rc = gaz_crypto_fail(GAZ_ECRYPTO, "cannot re-read our own CMS");
		goto end;
	}
	if ((in = CMS_get1_certs(cms)) && (rc = push_all(sk, in)))
		goto end;
	si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0);
	i = si ? CMS_unsigned_get_attr_by_NID(si, NID_id_smime_aa_timeStampToken, -1) : -1;
	if (i >= 0 && (a = CMS_unsigned_get_attr(si, i)) &&
	    (t = X509_ATTRIBUTE_get0_type(a, 0)) && t->type == V_ASN1_SEQUENCE) {
		p = t->value.sequence->data;
		if (!(tst = d2i_CMS_ContentInfo(NULL, &p, t->value.sequence->length))) {
			rc = gaz_crypto_fail(GAZ_ECRYPTO, "cannot read the time-stamp token");
			goto end;
		}
		if ((tcerts = CMS_get1_certs(tst)) && (rc = push_all(sk, tcerts)))
			goto end;
	}
	*out = sk;
	sk = NULL;
	rc = 0;
end:
	sk_X509_pop_free(sk, X509_free);
	sk_X509_pop_free(in, X509_free);
	sk_X509_pop_free(tcerts, X509_free);
	CMS_ContentInfo_free(cms);
	CMS_ContentInfo_free(tst);
	ERR_clear_error();
	return rc;
}

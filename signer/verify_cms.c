/*
 * The cryptographic half of `gazette verify`: CMS signatures, certificate
 * chains with CRLs, ESS signing-certificate(-v2), RFC 3161 timestamps.
 *
 * OpenSSL ownership as in doc/man7/crypto.pod: get0 borrowed; new/get1/d2i
 * ours to free; every failure's error queue is drained into the report.
 */
#include "verify_int.h"

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/ess.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/ts.h>
#include <openssl/x509v3.h>

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *vstrdup(const char *s)
{
	size_t n;
	char *p;

	if (!s)
		return NULL;
	n = strlen(s);
	if ((p = malloc(n + 1)))
		memcpy(p, s, n + 1);
	return p;
}

int vmsg(struct gaz_msgs *m, const char *fmt, ...)
{
	struct gaz_buf b = GAZ_BUF_INIT(4096);
	va_list ap;
	char **nv;
	int rc;

	if (m->n >= GAZ_VERIFY_MAX_MSGS)
		return 0;
	va_start(ap, fmt);
	rc = gaz_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (rc == GAZ_ETOOBIG)
		rc = 0; /* keep what fit */
	if (rc || !b.data || !(nv = realloc(m->v, (m->n + 1) * sizeof(*nv)))) {
		gaz_buf_release(&b);
		return GAZ_ENOMEM;
	}
	m->v = nv;
	m->v[m->n++] = gaz_buf_detach(&b, NULL);
	return 0;
}

void vmsgs_release(struct gaz_msgs *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		free(m->v[i]);
	free(m->v);
	m->v = NULL;
	m->n = 0;
}

void vssl_errors(char *detail, size_t n)
{
	unsigned long e;
	size_t used = 0;

	if (n)
		detail[0] = 0;
	while ((e = ERR_get_error()) != 0) {
		char one[256];

		gaz_crypto_error_string(e, one, sizeof(one));
		if (used + strlen(one) + 3 < n)
			used += (size_t)snprintf(detail + used, n - used, "%s%s", used ? "; " : "", one);
	}
}

/* ---- small conversions -------------------------------------------------- */

static char *time_iso(const ASN1_TIME *t)
{
	struct tm tm;
	char buf[32];

	if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
		return NULL;
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return vstrdup(buf);
}

static int asn1_time_t(const ASN1_TIME *t, time_t *out)
{
	struct tm tm;

	if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
		return -1;
	*out = timegm(&tm);
	return 0;
}

static char *name_str(const X509_NAME *n)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p = NULL, *data;
	long len;

	if (!b)
		return NULL;
	if (X509_NAME_print_ex(b, n, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0 &&
	    (len = BIO_get_mem_data(b, &data)) >= 0 && (p = malloc((size_t)len + 1))) {
		memcpy(p, data, (size_t)len);
		p[len] = 0;
	}
	BIO_free(b);
	return p;
}

static char *serial_hex(const X509 *x)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	char *h = bn ? BN_bn2hex(bn) : NULL, *p = vstrdup(h);

	OPENSSL_free(h);
	BN_free(bn);
	return p;
}

static char *alg_name(const X509_ALGOR *a)
{
	const ASN1_OBJECT *obj = NULL;
	char buf[128];

	if (!a)
		return NULL;
	X509_ALGOR_get0(&obj, NULL, NULL, a);
	if (!obj || OBJ_obj2txt(buf, sizeof(buf), obj, 0) <= 0)
		return NULL;
	return vstrdup(buf);
}

/* Hashes the two ranges without joining them. */
static int ranges_digest(const struct vranges *rg, const EVP_MD *md, unsigned char *out,
			 unsigned int *n)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = ctx && EVP_DigestInit_ex(ctx, md, NULL) &&
		 EVP_DigestUpdate(ctx, rg->p[0], rg->n[0]) &&
		 EVP_DigestUpdate(ctx, rg->p[1], rg->n[1]) && EVP_DigestFinal_ex(ctx, out, n);

	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -1;
}

/* ---- certificate chain -------------------------------------------------- */

static int have_crl_for(STACK_OF(X509_CRL) *crls, const X509_NAME *issuer)
{
	int i;

	for (i = 0; i < sk_X509_CRL_num(crls); i++)
		if (!X509_NAME_cmp(X509_CRL_get_issuer(sk_X509_CRL_value(crls, i)), issuer))
			return 1;
	return 0;
}

/* Verifies signer's chain at time t.  *chain_out (may be NULL) gets the
 * chain (yours) when it verifies. */
static int check_chain(struct vctx *c, X509 *signer, STACK_OF(X509) *cms_certs,
		       STACK_OF(X509_CRL) *cms_crls, time_t t, struct gaz_sig_report *s,
		       STACK_OF(X509) **chain_out)
{
	X509_STORE_CTX *ctx = NULL;
	STACK_OF(X509) *untrusted = NULL, *chain = NULL;
	STACK_OF(X509_CRL) *crls = NULL;
	unsigned long flags = 0;
	int i, pass, ok = 0, rc = GAZ_ENOMEM;

	if (!(untrusted = sk_X509_new_null()) || !(crls = sk_X509_CRL_new_null()))
		goto end;
	for (i = 0; i < sk_X509_num(cms_certs); i++)
		if (!sk_X509_push(untrusted, sk_X509_value(cms_certs, i)))
			goto end;
	for (i = 0; i < sk_X509_num(c->extra_certs); i++)
		if (!sk_X509_push(untrusted, sk_X509_value(c->extra_certs, i)))
			goto end;
	for (i = 0; i < sk_X509_CRL_num(cms_crls); i++)
		if (!sk_X509_CRL_push(crls, sk_X509_CRL_value(cms_crls, i)))
			goto end;
	for (i = 0; i < sk_X509_CRL_num(c->crls); i++)
		if (!sk_X509_CRL_push(crls, sk_X509_CRL_value(c->crls, i)))
			goto end;
	/* Pass 1 finds the chain; pass 2 checks revocation wherever CRLs for the
	 * chain's issuers are at hand (CRL_CHECK_ALL when all of them are). */
	for (pass = 0; pass < 2; pass++) {
		if (!(ctx = X509_STORE_CTX_new()) ||
		    X509_STORE_CTX_init(ctx, c->store, signer, untrusted) != 1)
			goto end;
		X509_STORE_CTX_set0_crls(ctx, crls);
		X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), t);
		if (flags)
			X509_STORE_CTX_set_flags(ctx, flags);
		ok = X509_verify_cert(ctx) == 1;
		if (!ok) {
			free(s->chain_detail);
			s->chain_detail = vstrdup(X509_verify_cert_error_string(
				X509_STORE_CTX_get_error(ctx)));
			if (c->bad_anchor)
				vmsg(&s->problems, "a trust file certificate (%s) cannot be parsed",
				     c->bad_anchor);
			break;
		}
		if (pass == 0) {
			STACK_OF(X509) *ch = X509_STORE_CTX_get0_chain(ctx);
			int n = sk_X509_num(ch), all = 1, any;

			any = have_crl_for(crls, X509_get_issuer_name(signer));
			for (i = 0; i + 1 < n; i++)
				if (!have_crl_for(crls, X509_get_issuer_name(sk_X509_value(ch, i))))
					all = 0;
			if (!any)
				break;
			flags = X509_V_FLAG_CRL_CHECK | (all ? X509_V_FLAG_CRL_CHECK_ALL : 0);
			X509_STORE_CTX_free(ctx);
			ctx = NULL;
			continue;
		}
	}
	if (ok) {
		if (!(chain = X509_STORE_CTX_get1_chain(ctx)))
			goto end;
		if (flags)
			vmsg(&s->warnings, "revocation checked against CRLs%s",
			     flags & X509_V_FLAG_CRL_CHECK_ALL ? " for the whole chain" : " for the signer");
		else
			vmsg(&s->warnings, "no revocation data (CRL) for the signer's chain");
	}
	s->chain = ok ? GAZ_CHECK_OK : GAZ_CHECK_FAIL;
	if (chain_out && ok) {
		*chain_out = chain;
		chain = NULL;
	}
	rc = 0;
end:
	ERR_clear_error();
	X509_STORE_CTX_free(ctx);
	sk_X509_free(untrusted);
	sk_X509_CRL_free(crls);
	sk_X509_pop_free(chain, X509_free);
	return rc;
}

static int key_usage_ok(X509 *x)
{
	uint32_t ku = X509_get_key_usage(x);

	return ku == UINT32_MAX || (ku & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION));
}

/* ---- ESS signing-certificate ------------------------------------------- */

static void check_ess(CMS_SignerInfo *si, X509 *signer, STACK_OF(X509) *chain,
		      struct gaz_sig_report *s)
{
	ASN1_STRING *v2 = CMS_signed_get0_data_by_OBJ(si, OBJ_nid2obj(NID_id_smime_aa_signingCertificateV2),
						      -3, V_ASN1_SEQUENCE);
	ASN1_STRING *v1 = CMS_signed_get0_data_by_OBJ(si, OBJ_nid2obj(NID_id_smime_aa_signingCertificate),
						      -3, V_ASN1_SEQUENCE);
	ESS_SIGNING_CERT_V2 *ss2 = NULL;
	ESS_SIGNING_CERT *ss1 = NULL;
	STACK_OF(X509) *one = NULL;
	const unsigned char *p;

	if (!v2 && !v1) {
		s->ess = GAZ_CHECK_ABSENT;
		vmsg(&s->warnings, "no signing-certificate-v2 attribute (PAdES baseline requires it)");
		return;
	}
	if (v2) {
		p = ASN1_STRING_get0_data(v2);
		ss2 = d2i_ESS_SIGNING_CERT_V2(NULL, &p, ASN1_STRING_length(v2));
	}
	if (v1) {
		p = ASN1_STRING_get0_data(v1);
		ss1 = d2i_ESS_SIGNING_CERT(NULL, &p, ASN1_STRING_length(v1));
	}
	if (!chain && (one = sk_X509_new_null()) && sk_X509_push(one, signer))
		chain = one;
	if ((v2 && !ss2) || (v1 && !ss1) || !chain ||
	    OSSL_ESS_check_signing_certs(ss1, ss2, chain, 1) <= 0) {
		s->ess = GAZ_CHECK_FAIL;
		vmsg(&s->problems, "signing-certificate%s attribute does not match the signer certificate",
		     v2 ? "-v2" : "");
	} else {
		s->ess = GAZ_CHECK_OK;
		if (!v2)
			vmsg(&s->warnings, "only the SHA-1 signing-certificate (v1) attribute is present");
	}
	ERR_clear_error();
	ESS_SIGNING_CERT_V2_free(ss2);
	ESS_SIGNING_CERT_free(ss1);
	sk_X509_free(one);
}

/* ---- RFC 3161 tokens ------------------------------------------------------ */

/* Verifies token (a SignedData with TSTInfo) either over data (doc
 * timestamp: imprint = hash of data) or over an imprint of sigval. */
static int check_token(struct vctx *c, PKCS7 *token, const struct vranges *data,
		       const ASN1_OCTET_STRING *sigval, struct gaz_sig_report *s, time_t *when)
{
	TS_VERIFY_CTX *vctx = NULL;
	TS_TST_INFO *tst = NULL;
	STACK_OF(X509) *certs = NULL, *p7certs;
	unsigned char *imp = NULL;
	char detail[512];
	int i, ok, rc = GAZ_ENOMEM;

	/* the token's certificates for reuse, then the /DSS's */
	p7certs = PKCS7_type_is_signed(token) ? token->d.sign->cert : NULL;
	if ((rc = vctx_reuse(c, p7certs)))
		goto end;
	rc = GAZ_ENOMEM;
	if (!(tst = PKCS7_to_TS_TST_INFO(token))) {
		s->timestamp = GAZ_CHECK_FAIL;
		vssl_errors(detail, sizeof(detail));
		vmsg(&s->problems, "timestamp token is not a TSTInfo (%s)", detail);
		rc = 0;
		goto end;
	}
	free(s->ts_time);
	s->ts_time = time_iso(TS_TST_INFO_get_time(tst));
	if (when && asn1_time_t(TS_TST_INFO_get_time(tst), when))
		*when = 0;
	if (!(vctx = TS_VERIFY_CTX_new()))
		goto end;
	if (!X509_STORE_up_ref(c->store))
		goto end;
	TS_VERIFY_CTX_set_store(vctx, c->store); /* the ctx frees its reference */
	if (!(certs = sk_X509_new_null()))
		goto end;
	for (i = 0; i < sk_X509_num(c->extra_certs); i++) {
		X509 *x = sk_X509_value(c->extra_certs, i);

		if (!X509_up_ref(x) || !sk_X509_push(certs, x)) {
			X509_free(x);
			goto end;
		}
	}
	TS_VERIFY_CTX_set_certs(vctx, certs);
	certs = NULL;
	{
		/* the imprint: of the byte ranges (document timestamp) or of the
		 * signature value (signature timestamp) */
		const X509_ALGOR *alg = TS_MSG_IMPRINT_get_algo(TS_TST_INFO_get_msg_imprint(tst));
		const ASN1_OBJECT *obj = NULL;
		const EVP_MD *md;
		unsigned int n = 0;

		X509_ALGOR_get0(&obj, NULL, NULL, alg);
		if (!obj || !(md = EVP_get_digestbyobj(obj))) {
			s->timestamp = GAZ_CHECK_FAIL;
			vmsg(&s->problems, "timestamp uses an unknown hash algorithm");
			rc = 0;
			goto end;
		}
		if (!(imp = OPENSSL_malloc(EVP_MAX_MD_SIZE)))
			goto end;
		if (data ? ranges_digest(data, md, imp, &n)
			 : !EVP_Digest(ASN1_STRING_get0_data(sigval), (size_t)ASN1_STRING_length(sigval),
				       imp, &n, md, NULL))
			goto end;
		TS_VERIFY_CTX_set_imprint(vctx, imp, n); /* the ctx frees it */
		imp = NULL;
		TS_VERIFY_CTX_set_flags(vctx, TS_VFY_VERSION | TS_VFY_SIGNER | TS_VFY_SIGNATURE |
					TS_VFY_IMPRINT);
	}
	ok = TS_RESP_verify_token(vctx, token) == 1;
	s->timestamp = ok ? GAZ_CHECK_OK : GAZ_CHECK_FAIL;
	if (!ok) {
		vssl_errors(detail, sizeof(detail));
		vmsg(&s->problems, "timestamp does not verify (%s)", detail);
	}
	/* name the TSA: the token's signer certificate */
	p7certs = PKCS7_type_is_signed(token) ? token->d.sign->cert : NULL;
	if (p7certs) {
		STACK_OF(PKCS7_SIGNER_INFO) *sis = PKCS7_get_signer_info(token);
		PKCS7_SIGNER_INFO *psi = sk_PKCS7_SIGNER_INFO_num(sis) == 1 ?
			sk_PKCS7_SIGNER_INFO_value(sis, 0) : NULL;

		for (i = 0; psi && i < sk_X509_num(p7certs); i++) {
			X509 *x = sk_X509_value(p7certs, i);

			if (!X509_NAME_cmp(X509_get_issuer_name(x), psi->issuer_and_serial->issuer) &&
			    !ASN1_INTEGER_cmp(X509_get0_serialNumber(x), psi->issuer_and_serial->serial)) {
				free(s->ts_tsa);
				s->ts_tsa = name_str(X509_get_subject_name(x));
			}
		}
	}
	rc = 0;
end:
	ERR_clear_error();
	OPENSSL_free(imp);
	sk_X509_pop_free(certs, X509_free);
	TS_VERIFY_CTX_free(vctx);
	TS_TST_INFO_free(tst);
	return rc;
}

/* DER from a zero-padded /Contents: the encoding's own length decides. */
static int der_length(const unsigned char *der, size_t n, size_t *len)
{
	long l;
	int tag, cls;
	const unsigned char *p = der;
	size_t i, hdr;

	if (!n || n > LONG_MAX)
		return -1;
	if (ASN1_get_object(&p, &l, &tag, &cls, (long)n) & 0x80)
		return -1;
	hdr = (size_t)(p - der);
	if ((size_t)l > n - hdr)
		return -1;
	*len = hdr + (size_t)l;
	for (i = *len; i < n; i++)
		if (der[i])
			return -2;
	return 0;
}

int vcms_doctimestamp(struct vctx *c, const unsigned char *der, size_t derlen,
		      const struct vranges *data, struct gaz_sig_report *s)
{
	const unsigned char *p = der;
	PKCS7 *token = NULL;
	size_t len;
	int rc = 0, d = der_length(der, derlen, &len);

	if (d) {
		s->signature = GAZ_CHECK_FAIL;
		return vmsg(&s->problems, d == -2 ? "non-zero bytes after the timestamp token in /Contents"
						 : "/Contents is not DER");
	}
	if (!(token = d2i_PKCS7(NULL, &p, (long)len)) || (size_t)(p - der) != len) {
		s->signature = GAZ_CHECK_FAIL;
		rc = vmsg(&s->problems, "/Contents is not a timestamp token");
		goto end;
	}
	if ((rc = check_token(c, token, data, NULL, s, NULL)))
		goto end;
	s->signature = s->digest = s->chain = s->timestamp;
end:
	ERR_clear_error();
	PKCS7_free(token);
	return rc;
}

int vcms_signature(struct vctx *c, const unsigned char *der, size_t derlen,
		   const struct vranges *data, struct gaz_sig_report *s)
{
	CMS_ContentInfo *cms = NULL;
	STACK_OF(X509) *certs = NULL, *chain = NULL;
	STACK_OF(X509_CRL) *crls = NULL;
	STACK_OF(CMS_SignerInfo) *sis;
	CMS_SignerInfo *si;
	X509 *signer = NULL;
	X509_ALGOR *dig = NULL, *sig = NULL;
	ASN1_OCTET_STRING **content;
	const unsigned char *p = der;
	BIO *dbio = NULL;
	unsigned char *joined = NULL;
	char detail[512];
	time_t when = 0;
	size_t len;
	int rc = GAZ_ENOMEM, d, i, nattrs;

	if ((d = der_length(der, derlen, &len))) {
		s->signature = GAZ_CHECK_FAIL;
		rc = vmsg(&s->problems, d == -2 ? "non-zero bytes after the CMS in /Contents"
						: "/Contents is not DER");
		goto end;
	}
	if (!(cms = d2i_CMS_ContentInfo(NULL, &p, (long)len)) || (size_t)(p - der) != len ||
	    OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed) {
		s->signature = GAZ_CHECK_FAIL;
		vssl_errors(detail, sizeof(detail));
		rc = vmsg(&s->problems, "/Contents is not a CMS SignedData (%s)", detail);
		goto end;
	}
	sis = CMS_get0_SignerInfos(cms);
	if (sk_CMS_SignerInfo_num(sis) != 1) {
		s->signature = GAZ_CHECK_FAIL;
		rc = vmsg(&s->problems, "the CMS has %d signers, not one", sk_CMS_SignerInfo_num(sis));
		goto end;
	}
	si = sk_CMS_SignerInfo_value(sis, 0);
	content = CMS_get0_content(cms);
	if (content && *content) {
		s->signature = GAZ_CHECK_FAIL;
		rc = vmsg(&s->problems, "the CMS is not detached: it carries content of its own");
		goto end;
	}
	if (OBJ_obj2nid(CMS_get0_eContentType(cms)) != NID_pkcs7_data)
		vmsg(&s->warnings, "encapsulated content type is not id-data");
	certs = CMS_get1_certs(cms);
	crls = CMS_get1_crls(cms);
	/* the CMS's certificates are parsed already: the /DSS and the trust
	 * files reuse them */
	if ((rc = vctx_reuse(c, certs)))
		goto end;
	rc = GAZ_ENOMEM;
	if (CMS_set1_signers_certs(cms, c->extra_certs, 0) < 0)
		ERR_clear_error();
	CMS_SignerInfo_get0_algs(si, NULL, &signer, &dig, &sig);
	s->digest_alg = alg_name(dig);
	s->sig_alg = alg_name(sig);
	if (s->digest_alg && (!strcmp(s->digest_alg, "sha1") || !strcmp(s->digest_alg, "md5")))
		vmsg(&s->warnings, "weak digest algorithm %s", s->digest_alg);
	if (!signer) {
		s->signature = GAZ_CHECK_FAIL;
		rc = vmsg(&s->problems, "the signer's certificate is neither in the CMS nor in the /DSS");
		goto end;
	}
	s->signer = name_str(X509_get_subject_name(signer));
	s->issuer = name_str(X509_get_issuer_name(signer));
	s->serial = serial_hex(signer);
	s->not_after = time_iso(X509_get0_notAfter(signer));

	nattrs = CMS_signed_get_attr_count(si);
	if (nattrs >= 0) {
		ASN1_OCTET_STRING *md = CMS_signed_get0_data_by_OBJ(si,
			OBJ_nid2obj(NID_pkcs9_messageDigest), -3, V_ASN1_OCTET_STRING);
		const EVP_MD *mdt = dig ? EVP_get_digestbyobj(dig->algorithm) : NULL;
		unsigned char h[EVP_MAX_MD_SIZE];
		unsigned int hn = 0;

		if (!md || !mdt || ranges_digest(data, mdt, h, &hn) ||
		    (unsigned)ASN1_STRING_length(md) != hn || memcmp(ASN1_STRING_get0_data(md), h, hn)) {
			s->digest = GAZ_CHECK_FAIL;
			vmsg(&s->problems, md ? "message digest does not match the signed byte ranges"
					      : "no message-digest attribute");
		} else {
			s->digest = GAZ_CHECK_OK;
		}
		i = CMS_SignerInfo_verify(si);
		s->signature = i == 1 ? GAZ_CHECK_OK : GAZ_CHECK_FAIL;
		if (i != 1) {
			vssl_errors(detail, sizeof(detail));
			vmsg(&s->problems, "the signature value does not verify (%s)", detail);
		}
		if (CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1) >= 0)
			vmsg(&s->warnings, "signing-time attribute present (PAdES puts the time in /M)");
	} else {
		/* no signed attributes: the signature is directly over the data */
		if (!(joined = malloc(data->n[0] + data->n[1] + 1)))
			goto end;
		memcpy(joined, data->p[0], data->n[0]);
		memcpy(joined + data->n[0], data->p[1], data->n[1]);
		if (!(dbio = BIO_new_mem_buf(joined, (int)(data->n[0] + data->n[1]))))
			goto end;
		i = CMS_verify(cms, c->extra_certs, NULL, dbio, NULL,
			       CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY);
		s->signature = s->digest = i == 1 ? GAZ_CHECK_OK : GAZ_CHECK_FAIL;
		if (i != 1) {
			vssl_errors(detail, sizeof(detail));
			vmsg(&s->problems, "the signature does not verify over the byte ranges (%s)", detail);
		}
	}

	/* timestamp over the signature value */
	{
		ASN1_STRING *tok = CMS_unsigned_get0_data_by_OBJ(si,
			OBJ_nid2obj(NID_id_smime_aa_timeStampToken), -3, V_ASN1_SEQUENCE);

		if (tok) {
			const unsigned char *tp = ASN1_STRING_get0_data(tok);
			PKCS7 *token = d2i_PKCS7(NULL, &tp, ASN1_STRING_length(tok));

			if (!token) {
				s->timestamp = GAZ_CHECK_FAIL;
				vmsg(&s->problems, "the signature timestamp is not a token");
			} else {
				rc = check_token(c, token, NULL, CMS_SignerInfo_get0_signature(si), s,
						 &when);
				PKCS7_free(token);
				if (rc)
					goto end;
			}
		} else {
			s->timestamp = GAZ_CHECK_ABSENT;
		}
	}

	/* the chain, at the proven time when there is one */
	if (s->timestamp != GAZ_CHECK_OK || !when)
		when = c->now;
	if ((rc = check_chain(c, signer, certs, crls, when, s, &chain)))
		goto end;
	if (s->chain != GAZ_CHECK_OK)
		vmsg(&s->problems, "signer certificate is not trusted: %s",
		     s->chain_detail ? s->chain_detail : "no path to a trust anchor");
	if (!key_usage_ok(signer))
		vmsg(&s->problems, "the signer certificate's key usage does not allow signing");
	check_ess(si, signer, chain, s);
	rc = 0;
end:
	ERR_clear_error();
	BIO_free(dbio);
	free(joined);
	sk_X509_pop_free(chain, X509_free);
	sk_X509_pop_free(certs, X509_free);
	sk_X509_CRL_pop_free(crls, X509_CRL_free);
	CMS_ContentInfo_free(cms);
	return rc;
}

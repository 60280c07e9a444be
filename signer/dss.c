/* PAdES B-LT: the Document Security Store (ETSI EN 319 142-1, 5.4), added
 * as a further incremental update after the signature. */
#include "gazette/sign.h"
#include "signer/pdfupdate.h"
#include "signer/sign_local.h"

#include <openssl/err.h>
#include <openssl/pem.h>

#include <stdlib.h>
#include <string.h>

#define DSS_MAX_ITEMS 64

/* Reads a CRL (PEM or DER) and returns its DER. */
static int load_crl(const char *path, unsigned char **der, size_t *len)
{
	X509_CRL *crl = NULL;
	BIO *b = NULL;
	char *data = NULL;
	unsigned char *p = NULL;
	size_t n;
	int dl, rc;

	if ((rc = gaz_read_file(path, GAZ_KEYFILE_MAX, &data, &n)))
		return rc;
	rc = GAZ_ENOMEM;
	if (!(b = BIO_new_mem_buf(data, (int)n)))
		goto end;
	if (!(crl = PEM_read_bio_X509_CRL(b, NULL, NULL, NULL))) {
		const unsigned char *q = (const unsigned char *)data;
		ERR_clear_error();
		crl = d2i_X509_CRL(NULL, &q, (long)n);
	}
	if (!crl || (dl = i2d_X509_CRL(crl, &p)) <= 0) {
		rc = gaz_fail(GAZ_EFORMAT, "%s: not a CRL (PEM or DER)", path);
		goto end;
	}
	if (!(*der = malloc((size_t)dl)))
		goto end;
	memcpy(*der, p, (size_t)dl);
	*len = (size_t)dl;
	rc = 0;
end:
	X509_CRL_free(crl);
	OPENSSL_free(p);
	BIO_free(b);
	free(data);
	ERR_clear_error();
	return rc;
}

static int unhex(int c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	return -1;
}

/* VRI key: uppercase hex SHA-1 of the /Contents bytes. */
static int vri_key(const unsigned char *hex, size_t hexlen, char key[41])
{
	static const char hd[] = "0123456789ABCDEF";
	unsigned char *bin = NULL, md[20];
	size_t i;
	int hi, lo;

	if (hexlen % 2 || !(bin = malloc(hexlen / 2 + 1)))
		return hexlen % 2 ? gaz_fail(GAZ_EINTERNAL, "odd /Contents") : GAZ_ENOMEM;
	for (i = 0; i < hexlen / 2; i++) {
		if ((hi = unhex(hex[2 * i])) < 0 || (lo = unhex(hex[2 * i + 1])) < 0) {
			free(bin);
			return gaz_fail(GAZ_EINTERNAL, "bad /Contents hex");
		}
		bin[i] = (unsigned char)(hi << 4 | lo);
	}
	if (!EVP_Digest(bin, hexlen / 2, md, NULL, EVP_sha1(), NULL)) {
		free(bin);
		return gaz_crypto_fail(GAZ_ECRYPTO, "SHA-1 unavailable");
	}
	free(bin);
	for (i = 0; i < 20; i++) {
		key[2 * i] = hd[md[i] >> 4];
		key[2 * i + 1] = hd[md[i] & 15];
	}
	key[40] = '\0';
	return 0;
}

static int refs(struct gaz_buf *b, const uint32_t *nums, size_t n)
{
	size_t i;
	int rc;

	for (i = 0; i < n; i++)
		if ((rc = gaz_buf_printf(b, "%s%u 0 R", i ? " " : "", nums[i])))
			return rc;
	return 0;
}

int gaz_pdf_add_dss(const struct gaz_signer *s, const unsigned char *pdf, size_t len,
		    const unsigned char *cms, size_t cmslen, const unsigned char *contents_hex,
		    size_t hexlen, const char *const *crl_paths, unsigned char **out,
		    size_t *outlen)
{
	static const char *const skip_cat[] = { "DSS", NULL };
	static const char *const skip_dss[] = { "Certs", "CRLs", "VRI", "Type", NULL };
	struct gaz_pdf *doc = NULL;
	struct upd *u = NULL;
	STACK_OF(X509) *certs = NULL;
	const struct gaz_pdf_obj *cat, *old = NULL, *vri;
	uint32_t catnum, catgen, dss, cnum[DSS_MAX_ITEMS], rnum[DSS_MAX_ITEMS];
	unsigned char *der = NULL;
	size_t ncert = 0, ncrl = 0, dl = 0;
	char key[41];
	struct gaz_buf *b;
	int i, rc;

	if ((rc = vri_key(contents_hex, hexlen, key)) ||
	    (rc = gaz_cms_collect_certs(s, cms, cmslen, &certs)))
		goto end;
	if ((rc = gaz_pdf_open(pdf, len, &doc)) ||
	    (rc = gaz_pdf_catalog(doc, GAZ_PDF_LATEST, &cat, &catnum, &catgen)))
		goto end;
	if (!(u = calloc(1, sizeof *u))) {
		rc = GAZ_ENOMEM;
		goto end;
	}
	if ((rc = upd_begin(u, doc)))
		goto end;
	b = &u->out;
	for (i = 0; i < sk_X509_num(certs) && ncert < DSS_MAX_ITEMS; i++) {
		int n = i2d_X509(sk_X509_value(certs, i), &der);
		if (n <= 0) {
			rc = gaz_crypto_fail(GAZ_ECRYPTO, "cannot encode a certificate");
			goto end;
		}
		if ((rc = upd_alloc(u, &cnum[ncert])) ||
		    (rc = upd_stream(u, cnum[ncert], "", der, (size_t)n)))
			goto end;
		ncert++;
		OPENSSL_free(der);
		der = NULL;
	}
	for (i = 0; crl_paths && i < 8 && crl_paths[i] && ncrl < DSS_MAX_ITEMS; i++) {
		unsigned char *crl = NULL;
		if ((rc = load_crl(crl_paths[i], &crl, &dl)))
			goto end;
		if ((rc = upd_alloc(u, &rnum[ncrl])) ||
		    (rc = upd_stream(u, rnum[ncrl], "", crl, dl))) {
			free(crl);
			goto end;
		}
		free(crl);
		ncrl++;
	}
	/* Merge with an existing /DSS: keep what it lists, add ours. */
	gaz_pdf_dict_resolve(doc, GAZ_PDF_LATEST, cat, "DSS", &old);
	if (old && old->type != GAZ_PDF_DICT)
		old = NULL;
	if ((rc = upd_alloc(u, &dss)) || (rc = upd_obj_begin(u, dss, 0)) ||
	    (rc = gaz_buf_addstr(b, "<</Type/DSS")) ||
	    (old && (rc = gaz_pdf_write_entries(b, old, skip_dss))) ||
	    (rc = gaz_buf_addstr(b, "/Certs [")) ||
	    (old && (rc = upd_copy_array(b, doc, gaz_pdf_dict_get(old, "Certs"), "/DSS /Certs"))) ||
	    (rc = refs(b, cnum, ncert)) || (rc = gaz_buf_addstr(b, "]/CRLs [")) ||
	    (old && (rc = upd_copy_array(b, doc, gaz_pdf_dict_get(old, "CRLs"), "/DSS /CRLs"))) ||
	    (rc = refs(b, rnum, ncrl)) || (rc = gaz_buf_addstr(b, "]/VRI <<")))
		goto end;
	if (old && !gaz_pdf_dict_resolve(doc, GAZ_PDF_LATEST, old, "VRI", &vri) &&
	    vri->type == GAZ_PDF_DICT) {
		const char *skip_key[] = { key, NULL };
		if ((rc = gaz_pdf_write_entries(b, vri, skip_key)))
			goto end;
	}
	if ((rc = gaz_buf_printf(b, "/%s <</Cert [", key)) || (rc = refs(b, cnum, ncert)) ||
	    (rc = gaz_buf_addstr(b, "]/CRL [")) || (rc = refs(b, rnum, ncrl)) ||
	    (rc = gaz_buf_addstr(b, "]>>>>>>")) || (rc = upd_obj_end(u)))
		goto end;
	if ((rc = upd_obj_begin(u, catnum, catgen)) || (rc = gaz_buf_addstr(b, "<<")) ||
	    (rc = gaz_pdf_write_entries(b, cat, skip_cat)) ||
	    (rc = gaz_buf_printf(b, "/DSS %u 0 R>>", dss)) || (rc = upd_obj_end(u)))
		goto end;
	if ((rc = upd_finish(u, "dss")))
		goto end;
	*out = (unsigned char *)gaz_buf_detach(&u->out, outlen);
	rc = 0;
end:
	OPENSSL_free(der);
	sk_X509_pop_free(certs, X509_free);
	if (u)
		upd_release(u);
	free(u);
	gaz_pdf_close(doc);
	return rc;
}

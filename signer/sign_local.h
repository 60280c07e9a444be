/* Internals shared by the signer's files (not a public header). */
#ifndef GAZETTE_SIGN_LOCAL_H
#define GAZETTE_SIGN_LOCAL_H

#include "gazette/sign.h"

#include <openssl/evp.h>
#include <openssl/x509.h>

struct gaz_signer {
	EVP_PKEY *key;
	X509 *cert;
	STACK_OF(X509) *chain; /* never NULL once loaded; may be empty */
	size_t max_cms;        /* gaz_cms_max_size, computed once at load */
};

/* gaz_fail(code, "what (innermost OpenSSL reason)"), draining the OpenSSL
 * error queue. */
int gaz_crypto_fail(int code, const char *what);

/* The certificates a /DSS should carry for s: signer, chain, and those in
 * the time-stamp token tst (may be NULL).  *out is yours
 * (sk_X509_pop_free(..., X509_free)). */
int gaz_cms_collect_certs(const struct gaz_signer *s, const unsigned char *cms,
			  size_t cmslen, STACK_OF(X509) **out);

/* B-LT: makes, for the signed file pdf[0..len), a second incremental update
 * with the catalog's /DSS: the certificates of the CMS (and of its
 * time-stamp token), the CRLs read from crl_paths (PEM or DER, NULL-ended),
 * and a /VRI entry keyed by the uppercase hex SHA-1 of contents (the
 * decoded /Contents string, padding included).  *out is the update only:
 * the bytes to append to pdf (free()). */
int gaz_pdf_add_dss(const struct gaz_signer *s, const unsigned char *pdf, size_t len,
		    const unsigned char *cms, size_t cmslen, const unsigned char *contents_hex,
		    size_t hexlen, const char *const *crl_paths, unsigned char **out,
		    size_t *outlen);

#endif

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
};

/* gaz_fail(code, "what (innermost OpenSSL reason)"), draining the OpenSSL
 * error queue. */
int gaz_crypto_fail(int code, const char *what);

/* The certificates a /DSS should carry for s: signer, chain, and those in
 * the time-stamp token tst (may be NULL).  *out is yours
 * (sk_X509_pop_free(..., X509_free)). */
int gaz_cms_collect_certs(const struct gaz_signer *s, const unsigned char *cms,
			  size_t cmslen, STACK_OF(X509) **out);

#endif

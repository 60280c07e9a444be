/*
 * libcrypto set-up for the command line (gaz_crypto_init_cli) and error
 * text with the error strings loaded on demand.
 *
 * OpenSSL 3.0 loads all its error strings (several thousand hash-table
 * entries) the first time any thread touches its error queue, which every
 * certificate parse does, unless OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS was
 * given first.  That choice is final for the process: a later
 * OPENSSL_INIT_LOAD_CRYPTO_STRINGS does nothing.  What still loads them are
 * the per-library ERR_load_*_strings() functions, deprecated in 3.0 but part
 * of its ABI: load_strings() calls them, once, when an error is about to be
 * formatted.  They cover every library but a few (the providers' own
 * reasons, ESS, the decoders, HTTP, CMP): an error of those reads
 * "...:Provider routines::reason(N)".  An OpenSSL built without the
 * deprecated API keeps loading the strings at start, as before.
 */
#define OPENSSL_SUPPRESS_DEPRECATED /* the ERR_load_*_strings() below */
#include "gazette/base.h"

#include <openssl/crypto.h>
#include <openssl/err.h>

#include <pthread.h>

#if OPENSSL_VERSION_MAJOR == 3 && !defined(OPENSSL_NO_DEPRECATED_3_0)
#define LAZY_STRINGS 1
#else
#define LAZY_STRINGS 0
#endif

static int deferred;
static pthread_once_t strings_once = PTHREAD_ONCE_INIT;

static void load_strings(void)
{
#if LAZY_STRINGS
	ERR_load_ERR_strings(); /* library names and the common reasons */
	ERR_load_ASN1_strings();
	ERR_load_ASYNC_strings();
	ERR_load_BIO_strings();
	ERR_load_BN_strings();
	ERR_load_BUF_strings();
	ERR_load_CONF_strings();
	ERR_load_CRYPTO_strings();
	ERR_load_EVP_strings();
	ERR_load_KDF_strings();
	ERR_load_OBJ_strings();
	ERR_load_OSSL_STORE_strings();
	ERR_load_PEM_strings();
	ERR_load_PKCS12_strings();
	ERR_load_PKCS7_strings();
	ERR_load_RAND_strings();
	ERR_load_RSA_strings();
	ERR_load_UI_strings();
	ERR_load_X509_strings();
	ERR_load_X509V3_strings();
#ifndef OPENSSL_NO_CMS
	ERR_load_CMS_strings();
#endif
#ifndef OPENSSL_NO_COMP
	ERR_load_COMP_strings();
#endif
#ifndef OPENSSL_NO_CT
	ERR_load_CT_strings();
#endif
#ifndef OPENSSL_NO_DH
	ERR_load_DH_strings();
#endif
#ifndef OPENSSL_NO_DSA
	ERR_load_DSA_strings();
#endif
#ifndef OPENSSL_NO_EC
	ERR_load_EC_strings();
#endif
#ifndef OPENSSL_NO_ENGINE
	ERR_load_ENGINE_strings();
#endif
#ifndef OPENSSL_NO_OCSP
	ERR_load_OCSP_strings();
#endif
#ifndef OPENSSL_NO_TS
	ERR_load_TS_strings();
#endif
#endif
}

void gaz_crypto_init_cli(void)
{
	uint64_t opts = OPENSSL_INIT_NO_LOAD_CONFIG | OPENSSL_INIT_NO_ATEXIT;

	if (LAZY_STRINGS) {
		opts |= OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS;
		deferred = 1;
	}
	OPENSSL_init_crypto(opts, NULL);
}

void gaz_crypto_error_string(unsigned long e, char *buf, size_t n)
{
	if (deferred)
		pthread_once(&strings_once, load_strings);
	ERR_error_string_n(e, buf, n);
}

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

void gaz_crypto_init_cli(unsigned flags)
{
	uint64_t opts = OPENSSL_INIT_NO_LOAD_CONFIG | OPENSSL_INIT_NO_ATEXIT;

	/* Must come before anything asks for OPENSSL_INIT_ADD_ALL_CIPHERS (the
	 * first fetch does): both are one run-once, and the first wins. */
	if (flags & GAZ_CRYPTO_NO_CIPHER_NAMES)
		opts |= OPENSSL_INIT_NO_ADD_ALL_CIPHERS;

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

/*
 * RSA certificate keys without the decoder framework (OpenSSL 3.0 only).
 *
 * OpenSSL 3.0 decodes the public key of every certificate it parses (d2i_X509
 * and everything that embeds one: CMS, timestamp tokens, PEM files) by
 * building an OSSL_DECODER chain for it: it walks every key manager and
 * every decoder of the loaded providers each time.  For the three or four
 * certificates of one signature that is 7 M of the 16 M instructions a
 * `gazette verify` spends outside SHA-256, about 1 ms (docs/verify.md).
 * OpenSSL 3.1 and later do not need this.
 *
 * 3.0 skips the decoders for a key type some ENGINE claims a pkey method for:
 * it then decodes with the built-in ASN.1 method (the same d2i_RSAPublicKey
 * the provider's decoder ends in), and the signature checks with that key run
 * through the built-in RSA method (the same RSA_verify the provider calls).
 * So this registers one ENGINE, in-process, that claims exactly the
 * rsaEncryption key type and hands back OpenSSL's own built-in RSA method:
 * no code of ours touches the key or the arithmetic.  Only rsaEncryption:
 * an id-ecPublicKey may be SM2, which the built-in EC method would verify
 * as ECDSA, and RSASSA-PSS keys are rare; both keep the decoders.  Keys of
 * private-key files are decoded by the providers as before and are not
 * affected (a provided key never consults an ENGINE).
 *
 * A no-op on OpenSSL 3.1 or later at run time, or without ENGINE support.
 */
#if OPENSSL_VERSION_MAJOR == 3 && !defined(OPENSSL_NO_ENGINE) && !defined(OPENSSL_NO_DEPRECATED_3_0)
#include <openssl/engine.h>
#include <openssl/evp.h>

static const int rsa_nids[] = { EVP_PKEY_RSA };
/* The engine tables hold a pointer to it, not a reference that keeps it
 * alive, and OpenSSL's clean-up at exit (when not disabled) empties them:
 * kept here for the life of the process. */
static ENGINE *rsa_engine;

static int rsa_pkey_meths(ENGINE *e, EVP_PKEY_METHOD **meth, const int **nids, int nid)
{
	(void)e;
	if (!meth) {
		*nids = rsa_nids;
		return 1;
	}
	*meth = nid == EVP_PKEY_RSA ? (EVP_PKEY_METHOD *)EVP_PKEY_meth_find(EVP_PKEY_RSA) : NULL;
	return *meth != NULL;
}

static void register_rsa_engine(void)
{
	ENGINE *e;

	if (OpenSSL_version_num() >= 0x30100000L || !EVP_PKEY_meth_find(EVP_PKEY_RSA))
		return;
	if (!(e = ENGINE_new()))
		return;
	if (!ENGINE_set_id(e, "gazette-rsa-spki") ||
	    !ENGINE_set_name(e, "built-in RSA method for certificate keys (OpenSSL 3.0)") ||
	    !ENGINE_set_pkey_meths(e, rsa_pkey_meths) || !ENGINE_register_pkey_meths(e)) {
		ENGINE_free(e);
		ERR_clear_error();
		return;
	}
	rsa_engine = e;
}

void gaz_crypto_fast_certs(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, register_rsa_engine);
}
#else
void gaz_crypto_fast_certs(void)
{
}
#endif

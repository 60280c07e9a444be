/* libssl, TLS for the HTTP client: `verify --archive https://…`.
 * Loaded on first use: see gazette/dl/dl.h.  Include this
 * instead of <openssl/ssl.h>; call gaz_dl_ssl() before the first call. */
#ifndef GAZETTE_DL_SSL_H
#define GAZETTE_DL_SSL_H

#include <openssl/ssl.h>

#include "gazette/dl/dl.h"

#define GAZ_DL_SSL_SONAME "libssl.so.3"
#define GAZ_DL_SSL_PACKAGE "libssl3"

#define GAZ_DL_SSL_FUNCS(X) \
	X(BIO_new_ssl) \
	X(BIO_ssl_shutdown) \
	X(SSL_CTX_ctrl) \
	X(SSL_CTX_free) \
	X(SSL_CTX_new) \
	X(SSL_CTX_set_default_verify_paths) \
	X(SSL_CTX_set_verify) \
	X(SSL_ctrl) \
	X(SSL_get0_param) \
	X(SSL_set1_host) \
	X(TLS_client_method)

GAZ_DL_DECLARE(ssl, GAZ_DL_SSL_FUNCS);

#ifndef GAZ_DL_TABLES
#define BIO_new_ssl (*gaz_dl_ssl_fn.BIO_new_ssl)
#define BIO_ssl_shutdown (*gaz_dl_ssl_fn.BIO_ssl_shutdown)
#define SSL_CTX_ctrl (*gaz_dl_ssl_fn.SSL_CTX_ctrl)
#define SSL_CTX_free (*gaz_dl_ssl_fn.SSL_CTX_free)
#define SSL_CTX_new (*gaz_dl_ssl_fn.SSL_CTX_new)
#define SSL_CTX_set_default_verify_paths (*gaz_dl_ssl_fn.SSL_CTX_set_default_verify_paths)
#define SSL_CTX_set_verify (*gaz_dl_ssl_fn.SSL_CTX_set_verify)
#define SSL_ctrl (*gaz_dl_ssl_fn.SSL_ctrl)
#define SSL_get0_param (*gaz_dl_ssl_fn.SSL_get0_param)
#define SSL_set1_host (*gaz_dl_ssl_fn.SSL_set1_host)
#define TLS_client_method (*gaz_dl_ssl_fn.TLS_client_method)
#endif

#endif

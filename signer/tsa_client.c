/* RFC 3161 client: one bounded HTTP POST (OpenSSL's HTTP client: plain
 * http only, response size capped, overall timeout) and the checks a signer
 * can make without trust anchors. */
#include "gazette/sign.h"
#include "signer/sign_local.h"

#include <openssl/err.h>
#include <openssl/http.h>
#include <openssl/rand.h>
#include <openssl/ts.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int make_request(const unsigned char *data, size_t n, TS_REQ **out,
			ASN1_INTEGER **nonce_out)
{
	TS_REQ *req = NULL;
	TS_MSG_IMPRINT *mi = NULL;
	X509_ALGOR *alg = NULL;
	ASN1_INTEGER *nonce = NULL;
	BIGNUM *bn = NULL;
	unsigned char md[32];
	int rc = GAZ_ECRYPTO;

	if (!EVP_Digest(data, n, md, NULL, EVP_sha256(), NULL))
		goto end;
	if (!(req = TS_REQ_new()) || !TS_REQ_set_version(req, 1) ||
	    !(mi = TS_MSG_IMPRINT_new()) || !(alg = X509_ALGOR_new()))
		goto end;
	X509_ALGOR_set_md(alg, EVP_sha256());
	if (!TS_MSG_IMPRINT_set_algo(mi, alg) || !TS_MSG_IMPRINT_set_msg(mi, md, sizeof md) ||
	    !TS_REQ_set_msg_imprint(req, mi))
		goto end;
	/* A 64-bit random nonce binds the reply to this request. */
	if (!(bn = BN_new()) || !BN_rand(bn, 64, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) ||
	    !(nonce = BN_to_ASN1_INTEGER(bn, NULL)) || !TS_REQ_set_nonce(req, nonce) ||
	    !TS_REQ_set_cert_req(req, 1))
		goto end;
	*out = req;
	*nonce_out = nonce;
	req = NULL;
	nonce = NULL;
	rc = 0;
end:
	if (rc)
		gaz_crypto_fail(rc, "cannot build the time-stamp request");
	TS_REQ_free(req);
	TS_MSG_IMPRINT_free(mi);
	X509_ALGOR_free(alg);
	ASN1_INTEGER_free(nonce);
	BN_free(bn);
	return rc;
}

/* Why the last OpenSSL call failed, for a message: the system error
 * (errno) if one was queued, else the text attached to the innermost
 * reason (getaddrinfo's, for a name that does not resolve), else that
 * reason.  Drains the queue. */
static void net_reason(char *buf, size_t n)
{
	unsigned long e, last = 0;
	const char *data;
	int flags, sys = 0, text = 0;

	while ((e = ERR_get_error_all(NULL, NULL, NULL, &data, &flags))) {
		if (ERR_GET_LIB(e) == ERR_LIB_SYS)
			sys = ERR_GET_REASON(e);
		else if ((flags & ERR_TXT_STRING) && data && data[0])
			text = snprintf(buf, n, "%s", data) > 0; /* copied: popped data may go */
		last = e;
	}
	if (sys)
		snprintf(buf, n, "%s", strerror(sys));
	else if (!text && last)
		gaz_crypto_error_string(last, buf, n);
	else if (!text)
		snprintf(buf, n, "connection failed");
}

/* Connects to host:port before deadline.  OpenSSL's HTTP client would
 * retry a refused connection until its timeout; a TSA that refuses or
 * cannot be reached fails here at once, one that does not answer when the
 * deadline passes. */
static int tsa_connect(const char *url, const char *host, const char *port, time_t deadline,
		       BIO **out)
{
	char why[256];
	BIO *b = NULL;
	int rc = GAZ_ENOMEM, w;

	ERR_clear_error();
	if (!(b = BIO_new(BIO_s_connect())) || BIO_set_conn_hostname(b, host) <= 0 ||
	    BIO_set_conn_port(b, port) <= 0)
		goto end;
	BIO_set_nbio(b, 1);
	while (BIO_do_connect(b) <= 0) {
		if (!BIO_should_retry(b)) {
			net_reason(why, sizeof why);
			rc = gaz_fail(GAZ_EIO, "%s: cannot connect to the time-stamping "
				      "service: %s", url, why);
			goto end;
		}
		if ((w = BIO_wait(b, deadline, 100)) <= 0) {
			ERR_clear_error();
			rc = w ? gaz_fail(GAZ_EIO, "%s: cannot connect to the time-stamping "
					  "service", url)
			       : gaz_fail(GAZ_EIO, "%s: no connection to the time-stamping "
					  "service within %d s", url, GAZ_TSA_TIMEOUT_S);
			goto end;
		}
	}
	*out = b;
	b = NULL;
	rc = 0;
end:
	BIO_free_all(b);
	return rc;
}

static int post(const char *url, const unsigned char *body, size_t n, BIO **resp)
{
	char *host = NULL, *port = NULL, *path = NULL, why[256];
	BIO *req = NULL, *conn = NULL, *r = NULL;
	time_t deadline = time(NULL) + GAZ_TSA_TIMEOUT_S, now;
	int ssl = 0, rc = GAZ_EINVAL;

	if (strncmp(url, "http://", 7))
		return gaz_fail(GAZ_EINVAL, "%s: only http:// time-stamp URLs are supported "
				"(the token is signed; the transport needs no secrecy)", url);
	if (!OSSL_HTTP_parse_url(url, &ssl, NULL, &host, &port, NULL, &path, NULL, NULL)) {
		rc = gaz_crypto_fail(GAZ_EINVAL, "bad time-stamp URL");
		goto end;
	}
	if (n > INT32_MAX || !(req = BIO_new_mem_buf(body, (int)n))) {
		rc = GAZ_ENOMEM;
		goto end;
	}
	if ((rc = tsa_connect(url, host, port, deadline, &conn)))
		goto end;
	/* What is left of the deadline covers the request and the reply. */
	now = time(NULL);
	r = OSSL_HTTP_transfer(NULL, host, port, path, 0, NULL, NULL, conn, NULL, NULL, NULL,
			       0, NULL, "application/timestamp-query", req,
			       "application/timestamp-reply", 1, GAZ_TSA_RESPONSE_MAX,
			       now < deadline ? (int)(deadline - now) : 1, 0);
	if (!r && time(NULL) >= deadline) {
		ERR_clear_error();
		rc = gaz_fail(GAZ_EIO, "%s: the time-stamping service did not answer within %d s",
			      url, GAZ_TSA_TIMEOUT_S);
		goto end;
	}
	if (!r) {
		net_reason(why, sizeof why);
		rc = gaz_fail(GAZ_EIO, "%s: time-stamp request failed: %s", url, why);
		goto end;
	}
	*resp = r;
	rc = 0;
end:
	BIO_free(req);
	BIO_free_all(conn);
	OPENSSL_free(host);
	OPENSSL_free(port);
	OPENSSL_free(path);
	return rc;
}

int gaz_tsa_timestamp(const char *url, const unsigned char *data, size_t n,
		      unsigned char **token, size_t *len)
{
	TS_REQ *req = NULL;
	TS_RESP *resp = NULL;
	TS_VERIFY_CTX *vctx = NULL;
	ASN1_INTEGER *nonce = NULL;
	BIO *rb = NULL;
	unsigned char *der = NULL, *tok = NULL;
	int dlen, tlen, rc;

	if ((rc = make_request(data, n, &req, &nonce)))
		goto end;
	rc = GAZ_ECRYPTO;
	if ((dlen = i2d_TS_REQ(req, &der)) <= 0)
		goto end;
	if ((rc = post(url, der, (size_t)dlen, &rb)))
		goto end;
	if (!(resp = d2i_TS_RESP_bio(rb, NULL))) {
		rc = gaz_crypto_fail(GAZ_EFORMAT, "the TSA's reply is not a time-stamp response");
		goto end;
	}
	if (ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(TS_RESP_get_status_info(resp))) >
	    TS_STATUS_GRANTED_WITH_MODS) {
		rc = gaz_fail(GAZ_ECRYPTO, "%s refused the time-stamp request", url);
		goto end;
	}
	/* Imprint, nonce and version; the signature is checked by verifiers
	 * that know the trust anchors. */
	if (!(vctx = TS_REQ_to_TS_VERIFY_CTX(req, NULL))) {
		rc = gaz_crypto_fail(GAZ_ECRYPTO, "cannot check the time-stamp");
		goto end;
	}
	TS_VERIFY_CTX_set_flags(vctx, TS_VFY_VERSION | TS_VFY_IMPRINT | TS_VFY_NONCE);
	if (TS_RESP_verify_response(vctx, resp) != 1) {
		rc = gaz_crypto_fail(GAZ_ECRYPTO, "the time-stamp does not match the request");
		goto end;
	}
	if ((tlen = i2d_PKCS7(TS_RESP_get_token(resp), &tok)) <= 0) {
		rc = gaz_crypto_fail(GAZ_ECRYPTO, "the time-stamp response has no token");
		goto end;
	}
	if (!(*token = malloc((size_t)tlen))) {
		rc = GAZ_ENOMEM;
		goto end;
	}
	memcpy(*token, tok, (size_t)tlen);
	*len = (size_t)tlen;
	rc = 0;
end:
	TS_REQ_free(req);
	TS_RESP_free(resp);
	TS_VERIFY_CTX_free(vctx);
	ASN1_INTEGER_free(nonce);
	BIO_free(rb);
	OPENSSL_free(der);
	OPENSSL_free(tok);
	ERR_clear_error();
	return rc;
}

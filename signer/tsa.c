/* `gazette tsa`: an RFC 3161 TSA on the OpenSSL TS API and libmicrohttpd. */
#include "gazette/tsa.h"
#include "gazette/sign.h"
#include "signer/sign_local.h"
#include "gazette/dl/mhd.h"

#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/ts.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

struct gaz_tsa {
	TS_RESP_CTX *ctx;
	char *serial_file;
	struct MHD_Daemon *d;
};

struct upload {
	struct gaz_buf body;
	int too_big;
};

static ASN1_INTEGER *next_serial(TS_RESP_CTX *ctx, void *data)
{
	struct gaz_tsa *t = data;
	ASN1_INTEGER *serial = NULL;
	BIGNUM *bn = NULL;
	char *text = NULL, out[32];
	size_t len;
	uint64_t v = 0;

	if (t->serial_file) {
		if (!gaz_read_file(t->serial_file, 64, &text, &len)) {
			len = strcspn(text, "\r\n");
			if (gaz_parse_uint(text, len, UINT64_MAX - 1, &v))
				goto fail;
		}
		v++;
		snprintf(out, sizeof out, "%llu\n", (unsigned long long)v);
		if (gaz_write_file_atomic(t->serial_file, out, strlen(out)) ||
		    !(serial = ASN1_INTEGER_new()) || !ASN1_INTEGER_set_uint64(serial, v))
			goto fail;
	} else {
		/* 63 bits: positive, and unguessable enough to be unique. */
		if (!(bn = BN_new()) || !BN_rand(bn, 63, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) ||
		    !(serial = BN_to_ASN1_INTEGER(bn, NULL)))
			goto fail;
	}
	free(text);
	BN_free(bn);
	return serial;
fail:
	free(text);
	BN_free(bn);
	ASN1_INTEGER_free(serial);
	TS_RESP_CTX_set_status_info(ctx, TS_STATUS_REJECTION, "serial number unavailable");
	TS_RESP_CTX_add_failure_info(ctx, TS_INFO_ADD_INFO_NOT_AVAILABLE);
	return NULL;
}

/* OBJ_txt2obj is lenient; a policy must be plain dotted decimal. */
static int dotted_oid(const char *s)
{
	int digits = 0, parts = 0;

	for (;; s++) {
		if (*s >= '0' && *s <= '9') {
			digits++;
		} else if (*s == '.' || !*s) {
			if (!digits)
				return 0;
			parts++;
			digits = 0;
			if (!*s)
				return parts >= 2;
		} else {
			return 0;
		}
	}
}

/* The counter in path must be readable now and rewritable (atomically, in
 * its folder) for each token: checked by reading it (absent: 0) and
 * writing the same value back, so that a TSA that could only refuse every
 * request does not start. */
static int serial_file_check(const char *path)
{
	struct stat st;
	char *text = NULL, out[32];
	size_t len;
	uint64_t v = 0;
	int rc = 0;

	if (stat(path, &st) == 0 || errno != ENOENT) {
		if ((rc = gaz_read_file(path, 64, &text, &len)))
			goto end;
		len = strcspn(text, "\r\n");
		if (gaz_parse_uint(text, len, UINT64_MAX - 1, &v)) {
			rc = gaz_fail(GAZ_EFORMAT, "serial file %s does not hold a counter (one "
				      "decimal number)", path);
			goto end;
		}
	}
	snprintf(out, sizeof out, "%llu\n", (unsigned long long)v);
	rc = gaz_write_file_atomic(path, out, strlen(out));
end:
	if (rc && rc != GAZ_EFORMAT && rc != GAZ_ENOMEM) {
		char why[512]; /* copied: it is the buffer gaz_fail writes */

		snprintf(why, sizeof why, "%s", gaz_errdetail());
		gaz_fail(rc, "serial file: %s", why);
	}
	free(text);
	return rc;
}

int gaz_tsa_new(const struct gaz_signer *s, const char *policy, const char *serial_file,
		struct gaz_tsa **out)
{
	struct gaz_tsa *t = NULL;
	ASN1_OBJECT *oid = NULL;
	int rc = GAZ_ENOMEM;

	if (!(t = calloc(1, sizeof *t)))
		return GAZ_ENOMEM;
	if (serial_file && !(t->serial_file = strdup(serial_file)))
		goto end;
	if (serial_file && (rc = serial_file_check(serial_file)))
		goto end;
	if (!policy)
		policy = GAZ_TSA_DEFAULT_POLICY;
	if (!dotted_oid(policy) || !(oid = OBJ_txt2obj(policy, 1))) {
		ERR_clear_error();
		rc = gaz_fail(GAZ_EINVAL, "bad policy OID %s (dotted numbers, e.g. 1.2.3.4.1)",
			      policy);
		goto end;
	}
	rc = GAZ_ECRYPTO;
	if (!(t->ctx = TS_RESP_CTX_new()) ||
	    !TS_RESP_CTX_set_signer_cert(t->ctx, s->cert) ||
	    !TS_RESP_CTX_set_signer_key(t->ctx, s->key) ||
	    !TS_RESP_CTX_set_certs(t->ctx, s->chain) ||
	    !TS_RESP_CTX_set_signer_digest(t->ctx, EVP_sha256()) ||
	    !TS_RESP_CTX_set_ess_cert_id_digest(t->ctx, EVP_sha256()) ||
	    !TS_RESP_CTX_set_def_policy(t->ctx, oid) ||
	    !TS_RESP_CTX_add_md(t->ctx, EVP_sha256()) ||
	    !TS_RESP_CTX_add_md(t->ctx, EVP_sha384()) ||
	    !TS_RESP_CTX_add_md(t->ctx, EVP_sha512()) ||
	    !TS_RESP_CTX_set_accuracy(t->ctx, 1, 0, 0)) {
		rc = gaz_crypto_fail(GAZ_ECRYPTO, "cannot set up the TSA");
		goto end;
	}
	TS_RESP_CTX_set_serial_cb(t->ctx, next_serial, t);
	*out = t;
	t = NULL;
	rc = 0;
end:
	ASN1_OBJECT_free(oid);
	gaz_tsa_free(t);
	return rc;
}

void gaz_tsa_free(struct gaz_tsa *t)
{
	if (!t)
		return;
	gaz_tsa_stop(t);
	TS_RESP_CTX_free(t->ctx);
	free(t->serial_file);
	free(t);
}

int gaz_tsa_respond(struct gaz_tsa *t, const unsigned char *req, size_t n,
		    unsigned char **resp, size_t *len)
{
	TS_RESP *r = NULL;
	BIO *b = NULL;
	unsigned char *der = NULL;
	int dlen, rc = GAZ_ENOMEM;

	if (n > GAZ_TSA_REQUEST_MAX)
		return gaz_fail(GAZ_ETOOBIG, "time-stamp request over %u bytes", GAZ_TSA_REQUEST_MAX);
	if (!(b = BIO_new_mem_buf(req, (int)n)))
		goto end;
	/* TS_RESP_create_response turns a bad request into a rejection. */
	if (!(r = TS_RESP_create_response(t->ctx, b)) || (dlen = i2d_TS_RESP(r, &der)) <= 0) {
		rc = gaz_crypto_fail(GAZ_ECRYPTO, "cannot make the time-stamp response");
		goto end;
	}
	if (!(*resp = malloc((size_t)dlen)))
		goto end;
	memcpy(*resp, der, (size_t)dlen);
	*len = (size_t)dlen;
	rc = 0;
end:
	TS_RESP_free(r);
	BIO_free(b);
	OPENSSL_free(der);
	ERR_clear_error();
	return rc;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *type,
			     void *body, size_t len, enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	if (!(r = MHD_create_response_from_buffer(len, body, mode)))
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(r, "Cache-Control", "no-store");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result text(struct MHD_Connection *c, unsigned status, const char *msg)
{
	return reply(c, status, "text/plain; charset=utf-8", (void *)msg, strlen(msg),
		     MHD_RESPMEM_PERSISTENT);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version,
			      const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct gaz_tsa *t = cls;
	struct upload *u = *con_cls;
	const char *ctype;
	unsigned char *resp = NULL;
	size_t len = 0;

	(void)url;
	(void)version;
	if (strcmp(method, MHD_HTTP_METHOD_POST))
		return text(c, MHD_HTTP_METHOD_NOT_ALLOWED,
			    "POST an application/timestamp-query (RFC 3161)\n");
	if (!u) {
		ctype = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
		if (!ctype || strncmp(ctype, "application/timestamp-query", 27))
			return text(c, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
				    "Content-Type must be application/timestamp-query\n");
		if (!(u = calloc(1, sizeof *u)))
			return MHD_NO;
		gaz_buf_init(&u->body, GAZ_TSA_REQUEST_MAX);
		*con_cls = u;
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (!u->too_big && gaz_buf_add(&u->body, upload_data, *upload_data_size))
			u->too_big = 1;
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (u->too_big)
		return text(c, MHD_HTTP_CONTENT_TOO_LARGE, "request too large\n");
	if (gaz_tsa_respond(t, (const unsigned char *)u->body.data, u->body.len, &resp, &len))
		return text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "time-stamping failed\n");
	return reply(c, MHD_HTTP_OK, "application/timestamp-reply", resp, len,
		     MHD_RESPMEM_MUST_FREE);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct upload *u = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (u) {
		gaz_buf_release(&u->body);
		free(u);
		*con_cls = NULL;
	}
}

static int parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *sl)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
	const char *colon = strrchr(listen, ':');
	char host[64];
	size_t hl;
	uint64_t port;

	if (!colon || gaz_parse_uint(colon + 1, strlen(colon + 1), 65535, &port))
		return gaz_fail(GAZ_EINVAL, "--listen %s: expected HOST:PORT", listen);
	hl = (size_t)(colon - listen);
	if (hl >= 2 && listen[0] == '[' && listen[hl - 1] == ']') {
		listen++;
		hl -= 2;
	}
	if (hl == 0 || hl >= sizeof host)
		return gaz_fail(GAZ_EINVAL, "--listen %s: bad host", listen);
	memcpy(host, listen, hl);
	host[hl] = '\0';
	memset(ss, 0, sizeof *ss);
	if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		*sl = sizeof *a4;
		return 0;
	}
	if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		*sl = sizeof *a6;
		return 0;
	}
	return gaz_fail(GAZ_EINVAL, "--listen: %s is not a numeric IP address", host);
}

int gaz_tsa_start(struct gaz_tsa *t, const char *listen, unsigned *port)
{
	struct sockaddr_storage ss;
	const union MHD_DaemonInfo *info;
	socklen_t sl;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL;
	int rc;

	if (t->d)
		return gaz_fail(GAZ_EINVAL, "the TSA is already serving");
	if ((rc = parse_listen(listen, &ss, &sl)) || (rc = gaz_dl_mhd()))
		return rc;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	t->d = MHD_start_daemon(flags, 0, NULL, NULL, handle, t,
				MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned)64,
				MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)16,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)10,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)32768,
				MHD_OPTION_END);
	if (!t->d)
		return gaz_fail(GAZ_EIO, "cannot listen on %s", listen);
	info = MHD_get_daemon_info(t->d, MHD_DAEMON_INFO_BIND_PORT);
	*port = info ? info->port : 0;
	return 0;
}

void gaz_tsa_stop(struct gaz_tsa *t)
{
	if (t && t->d) {
		MHD_stop_daemon(t->d);
		t->d = NULL;
	}
}

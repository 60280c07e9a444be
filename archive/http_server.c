/* `gazette serve`: the site on libmicrohttpd.
 *
 * Request flow: the URI-log callback sees the request-target exactly as
 * sent (before libmicrohttpd decodes anything) and copies it into the
 * request context; the access handler parses it with our bounded decoder,
 * enforces the caps, and asks the site for a response.  A watchdog thread
 * drops connections whose headers (or upload body) take longer than their
 * deadline: libmicrohttpd's own timeout only counts silence, so a client
 * sending one byte a second would otherwise hold a connection forever. */
#include "archive/http_int.h"
#include "gazette/archive.h"
#include "gazette/dl/mhd.h"

#include <openssl/sha.h>

#include <arpa/inet.h>
#include <errno.h>
#include <unistd.h>
#include <sys/types.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#define MEMORY_LIMIT (64u << 10)  /* per connection: request line + headers */
#define UPLOADS_MAX 4             /* concurrent verify uploads */
#define UPLOAD_API_ALLOW "POST, OPTIONS"  /* the methods of /api/v1/verify */

enum { PH_HEADERS, PH_HANDLING, PH_BODY, PH_DROPPED };

/* One per TCP connection, for the watchdog. */
struct track {
	struct track *prev, *next;
	int fd;
	int phase;
	struct timespec since;
};

/* One per request (the MHD con_cls). */
struct rq {
	char target[GAZ_HTTP_TARGET_MAX + 1];
	size_t target_len;
	int target_too_long;
	int started;              /* the first handler call has been seen */
	int api;                  /* the target starts with /api/: errors in JSON */
	int preflight;            /* a CORS preflight (OPTIONS /api/v1/verify) */
	int upload;               /* 0 none, 1 multipart form, 2 raw PDF (API) */
	int counted;              /* holds an upload slot */
	int too_big, bad;
	struct gaz_buf body;
	struct MHD_PostProcessor *pp;
	char filename[256];
	struct gaz_http_target t;  /* parsed on the first call */
	int have_t;
};

struct gaz_http_server {
	struct MHD_Daemon *d;
	struct site site;
	struct gaz_serve_opts o;
	unsigned port;
	pthread_mutex_t lock;     /* tracks, uploads, stop */
	pthread_cond_t cond;
	struct track *tracks;
	unsigned uploads;
	int stop;
	pthread_t watchdog;
	int have_watchdog;
};

static double elapsed(const struct timespec *since)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - since->tv_sec) +
	       (double)(now.tv_nsec - since->tv_nsec) / 1e9;
}

static struct track *track_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci ? ci->socket_context : NULL;
}

static void set_phase(struct gaz_http_server *s, struct MHD_Connection *c, int phase)
{
	struct track *t = track_of(c);

	if (!t)
		return;
	pthread_mutex_lock(&s->lock);
	if (t->phase != PH_DROPPED) {
		t->phase = phase;
		clock_gettime(CLOCK_MONOTONIC, &t->since);
	}
	pthread_mutex_unlock(&s->lock);
}

static void notify_conn(void *cls, struct MHD_Connection *c, void **socket_context,
			enum MHD_ConnectionNotificationCode code)
{
	struct gaz_http_server *s = cls;
	struct track *t;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		if (!ci || !(t = calloc(1, sizeof *t)))
			return;
		t->fd = ci->connect_fd;
		t->phase = PH_HEADERS;
		clock_gettime(CLOCK_MONOTONIC, &t->since);
		pthread_mutex_lock(&s->lock);
		t->next = s->tracks;
		if (s->tracks)
			s->tracks->prev = t;
		s->tracks = t;
		pthread_mutex_unlock(&s->lock);
		*socket_context = t;
		return;
	}
	/* CLOSED: libmicrohttpd closes the socket only after this returns, so
	 * the watchdog never touches a reused descriptor. */
	if (!(t = *socket_context))
		return;
	pthread_mutex_lock(&s->lock);
	if (t->prev)
		t->prev->next = t->next;
	else
		s->tracks = t->next;
	if (t->next)
		t->next->prev = t->prev;
	pthread_mutex_unlock(&s->lock);
	free(t);
	*socket_context = NULL;
}

static void *watchdog(void *cls)
{
	struct gaz_http_server *s = cls;

	pthread_mutex_lock(&s->lock);
	while (!s->stop) {
		struct timespec wake;
		struct track *t;

		for (t = s->tracks; t; t = t->next) {
			double age = elapsed(&t->since);
			if ((t->phase == PH_HEADERS && age > s->o.header_timeout) ||
			    (t->phase == PH_BODY && age > s->o.body_timeout)) {
				shutdown(t->fd, SHUT_RDWR);
				t->phase = PH_DROPPED;
			}
		}
		clock_gettime(CLOCK_REALTIME, &wake);
		wake.tv_sec += 1;
		pthread_cond_timedwait(&s->cond, &s->lock, &wake);
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

static void *uri_log(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct rq *r = calloc(1, sizeof *r);
	size_t n;

	(void)cls;
	(void)c;
	if (!r)
		return NULL;
	n = strnlen(uri, GAZ_HTTP_TARGET_MAX + 1);
	if (n > GAZ_HTTP_TARGET_MAX) {
		r->target_too_long = 1;
	} else {
		memcpy(r->target, uri, n);
		r->target_len = n;
	}
	/* known before the target is parsed, so that even a malformed or
	 * oversized API request gets a JSON error */
	r->api = !strncmp(uri, "/api/", 5);
	gaz_buf_init(&r->body, GAZ_HTTP_UPLOAD_MAX);
	return r;
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct gaz_http_server *s = cls;
	struct rq *r = *con_cls;

	(void)toe;
	set_phase(s, c, PH_HEADERS);   /* the next request on this connection */
	if (!r)
		return;
	if (r->pp)
		MHD_destroy_post_processor(r->pp);
	if (r->have_t)
		gaz_http_target_release(&r->t);
	if (r->counted) {
		pthread_mutex_lock(&s->lock);
		s->uploads--;
		pthread_mutex_unlock(&s->lock);
	}
	gaz_buf_release(&r->body);
	free(r);
	*con_cls = NULL;
}

/* ---- responses ------------------------------------------------------------- */

struct holder {
	struct gaz_archive *ar;
	MDB_txn *txn;
	void *owned;
};

static void holder_free(void *cls)
{
	struct holder *h = cls;

	if (h->txn)
		gaz_archive_read_end(h->ar, h->txn);
	free(h->owned);
	free(h);
}

static ssize_t no_body(void *cls, uint64_t pos, char *buf, size_t max)
{
	(void)cls;
	(void)pos;
	(void)buf;
	(void)max;
	return MHD_CONTENT_READER_END_WITH_ERROR;
}

static void add_security_headers(struct MHD_Response *m)
{
	MHD_add_response_header(m, "Content-Security-Policy",
				"default-src 'self'; script-src 'none'; object-src 'none'; "
				"base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
	MHD_add_response_header(m, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(m, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(m, "X-Frame-Options", "DENY");
	MHD_add_response_header(m, "Cross-Origin-Resource-Policy", "same-origin");
}

/* A page, JSON answer or the feed gets a strong validator from its bytes
 * (the same request on the same archive makes the same bytes), so a feed
 * reader or a returning visitor revalidates with If-None-Match and gets a
 * 304 without the body while nothing changed. */
static void page_validator(const struct req *q, struct resp *r)
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	char hex[33];
	size_t i;

	if (r->status != 200 || r->blob || r->etag[0] || !r->body.b.len || r->body.err)
		return;
	SHA256((const unsigned char *)r->body.b.data, r->body.b.len, md);
	for (i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	snprintf(r->etag, sizeof r->etag, "\"p-%s\"", hex);
	r->page_tag = 1;
	if (q->if_none_match && gaz_http_etag_match(q->if_none_match, r->etag)) {
		r->status = 304;
		r->entity_len = r->body.b.len;
	}
}

static enum MHD_Result send_resp(struct MHD_Connection *c, struct resp *r,
				 const char *allow, int api)
{
	struct MHD_Response *m = NULL;
	enum MHD_Result ret;

	if (r->status == 304) {
		/* No body is sent, but Content-Length must be the 200's (RFC 9110
		 * 8.6): a reader that is never called carries the length. */
		m = MHD_create_response_from_callback(r->entity_len, 4096, no_body, NULL, NULL);
	} else if (r->blob) {
		/* The bytes stay where they are (the LMDB map or the verified
		 * copy); the holder keeps them alive until libmicrohttpd drops
		 * the response.  libmicrohttpd sends header and body with one
		 * sendmsg(), as much as the socket takes (http_blob.c). */
		struct holder *h = calloc(1, sizeof *h);
		if (h) {
			h->ar = r->hold_ar;
			h->txn = r->hold;
			h->owned = r->owned;
			m = MHD_create_response_from_buffer_with_free_callback_cls(
				r->blob_len, (void *)r->blob, holder_free, h);
			if (m) {
				r->hold = NULL;
				r->owned = NULL;
			} else {
				free(h);
			}
		}
	} else {
		size_t len = r->body.b.len;
		char *p = gaz_buf_detach(&r->body.b, &len);
		m = MHD_create_response_from_buffer(len, p ? p : (char *)"",
						    p ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
		if (!m)
			free(p);
	}
	if (!m)
		return MHD_NO;
	add_security_headers(m);
	if (r->status != 304)
		MHD_add_response_header(m, "Content-Type", r->ctype);
	if (r->etag[0] && r->page_tag) {
		MHD_add_response_header(m, "ETag", r->etag);
		MHD_add_response_header(m, "Cache-Control", "no-cache");
	} else if (r->etag[0]) {
		MHD_add_response_header(m, "ETag", r->etag);
		MHD_add_response_header(m, "Accept-Ranges", "bytes");
		MHD_add_response_header(m, "Cache-Control", r->immutable
					? "public, max-age=31536000, immutable"
					: "public, no-cache");
	} else if (!strncmp(r->ctype, "text/css", 8) || !strcmp(r->ctype, "image/svg+xml")) {
		MHD_add_response_header(m, "Cache-Control", "public, max-age=3600");
	} else {
		MHD_add_response_header(m, "Cache-Control", "no-cache");
	}
	if (r->disposition && r->status != 304)
		MHD_add_response_header(m, "Content-Disposition", r->disposition);
	if (r->content_range[0])
		MHD_add_response_header(m, "Content-Range", r->content_range);
	if (r->location[0])
		MHD_add_response_header(m, "Location", r->location);
	if (allow)
		MHD_add_response_header(m, "Allow", allow);
	if (api)
		MHD_add_response_header(m, "Access-Control-Allow-Origin", "*");
	ret = MHD_queue_response(c, (unsigned)r->status, m);
	MHD_destroy_response(m);
	return ret;
}

/* An error page, or for the API a JSON error with the API's CORS header. */
static enum MHD_Result send_error(struct gaz_http_server *s, struct MHD_Connection *c,
				  struct rq *q, int status, const char *msg, const char *allow)
{
	struct resp r;
	enum MHD_Result ret;

	resp_init(&r);
	if (q->api)
		site_json_error(&r, status, msg);
	else
		site_error(&s->site, &r, status, msg);
	ret = send_resp(c, &r, allow, q->api);
	resp_release(&r);
	return ret;
}

/* 413 for an upload: the limit in force, and the way back to the form. */
static enum MHD_Result send_too_big(struct gaz_http_server *s, struct MHD_Connection *c,
				    struct rq *q)
{
	struct resp r;
	enum MHD_Result ret;
	char lim[32], msg[256];

	fmt_size(lim, sizeof lim, s->o.upload_max);
	snprintf(msg, sizeof msg, "上传的文件超过了大小上限 %s（%zu 字节），没有被读取。"
		 "本刊每期公报的PDF都远小于这个上限：请确认选择的是公报PDF文件。",
		 lim, s->o.upload_max);
	resp_init(&r);
	if (q->api)
		site_json_error(&r, 413, msg);
	else
		site_error_back(&s->site, &r, 413, msg, "/verify", "返回文件校验，重新选择文件");
	ret = send_resp(c, &r, NULL, q->api);
	resp_release(&r);
	return ret;
}

/* The CORS preflight of POST /api/v1/verify: other sites may send a PDF
 * (Content-Type: application/pdf is not a "simple" request). */
static enum MHD_Result send_preflight(struct MHD_Connection *c)
{
	struct MHD_Response *m;
	enum MHD_Result ret;

	if (!(m = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT)))
		return MHD_NO;
	add_security_headers(m);
	MHD_add_response_header(m, "Allow", UPLOAD_API_ALLOW);
	MHD_add_response_header(m, "Access-Control-Allow-Origin", "*");
	MHD_add_response_header(m, "Access-Control-Allow-Methods", "POST");
	MHD_add_response_header(m, "Access-Control-Allow-Headers", "Content-Type");
	MHD_add_response_header(m, "Access-Control-Max-Age", "86400");
	ret = MHD_queue_response(c, 204, m);
	MHD_destroy_response(m);
	return ret;
}

/* ---- the handler --------------------------------------------------------------- */

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *key,
				    const char *value)
{
	size_t *n = cls;

	(void)kind;
	*n += strlen(key) + (value ? strlen(value) : 0) + 4;
	return MHD_YES;
}

static enum MHD_Result post_iter(void *cls, enum MHD_ValueKind kind, const char *key,
				 const char *filename, const char *content_type,
				 const char *transfer_encoding, const char *data,
				 uint64_t off, size_t size)
{
	struct rq *r = cls;

	(void)kind;
	(void)content_type;
	(void)transfer_encoding;
	(void)off;
	if (!key || strcmp(key, "file"))
		return MHD_YES;   /* other fields are ignored */
	if (filename && !r->filename[0])
		snprintf(r->filename, sizeof r->filename, "%s", filename);
	if (size && gaz_buf_add(&r->body, data, size)) {
		r->too_big = 1;
		return MHD_NO;
	}
	return MHD_YES;
}

static int is_upload_route(const struct gaz_http_target *t)
{
	if (t->n_segs == 1 && !strcmp(t->seg[0], "verify"))
		return 1;
	if (t->n_segs == 3 && !strcmp(t->seg[0], "api") && !strcmp(t->seg[1], "v1") &&
	    !strcmp(t->seg[2], "verify"))
		return 2;
	return 0;
}

static enum MHD_Result finish_upload(struct gaz_http_server *s, struct MHD_Connection *c,
				     struct rq *r)
{
	struct resp out;
	enum MHD_Result ret;
	int api = r->upload == 2;

	if (r->too_big)
		return send_too_big(s, c, r);
	/* a form without a file; an empty file or body is judged below (it
	 * is not a PDF) */
	if (r->bad || (r->upload == 1 && !r->body.len && !r->filename[0]))
		return send_error(s, c, r, 400, "没有收到PDF文件。请选择文件后再提交。", NULL);
	resp_init(&out);
	if (pages_verify_upload(&s->site, r->body.data, r->body.len, r->filename, &out, api)) {
		if (api)
			site_json_error(&out, 500, "服务器暂时无法处理该请求。");
		else
			site_error(&s->site, &out, 500, "服务器暂时无法处理该请求。");
	}
	ret = send_resp(c, &out, NULL, api);
	resp_release(&out);
	/* Nothing is kept: the bytes are dropped with the request. */
	gaz_buf_release(&r->body);
	return ret;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
			       const char *method, const char *version,
			       const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct gaz_http_server *s = cls;
	struct rq *r = *con_cls;
	struct gaz_http_target t;
	struct resp out;
	struct req q;
	size_t hbytes = 0;
	enum MHD_Result ret;
	int rc, up, get, head, opts, api;

	(void)url;
	(void)version;
	if (!r)
		return MHD_NO;   /* out of memory in uri_log: drop */
	if (r->upload) {     /* later calls of an upload */
		if (*upload_data_size) {
			if (!r->too_big && !r->bad) {
				if (r->pp) {
					if (MHD_post_process(r->pp, upload_data, *upload_data_size) != MHD_YES && !r->too_big)
						r->bad = 1;
				} else if (gaz_buf_add(&r->body, upload_data, *upload_data_size)) {
					r->too_big = 1;
				}
			}
			*upload_data_size = 0;
			/* Past the cap: stop reading and drop the connection (a
			 * response cannot be queued in the middle of a body). */
			return r->too_big ? MHD_NO : MHD_YES;
		}
		set_phase(s, c, PH_HANDLING);
		return finish_upload(s, c, r);
	}
	if (r->started) {
		/* A GET/HEAD on its second call: the request is complete.  (A
		 * response queued on the first call would make libmicrohttpd
		 * close the connection; answering here keeps it alive.) */
		if (*upload_data_size)
			return MHD_NO;   /* refused above; cannot happen */
		goto answer;
	}
	r->started = 1;
	set_phase(s, c, PH_HANDLING);
	get = !strcmp(method, "GET");
	head = !strcmp(method, "HEAD");
	opts = !strcmp(method, "OPTIONS");
	if (r->target_too_long)
		return send_error(s, c, r, 414, "网址过长。", NULL);
	MHD_get_connection_values(c, MHD_HEADER_KIND, count_header, &hbytes);
	if (hbytes > GAZ_HTTP_HEADERS_MAX)
		return send_error(s, c, r, 431, "请求头过大。", NULL);
	if ((rc = gaz_http_target_parse(r->target, r->target_len, &r->t))) {
		gaz_clear_error();
		return send_error(s, c, r, 400, "网址格式有误。", NULL);
	}
	r->have_t = 1;
	t = r->t;
	up = is_upload_route(&t);
	api = t.n_segs && !strcmp(t.seg[0], "api");
	r->api |= api;
	if (get || head || opts) {
		/* A body on a GET has no meaning here; refusing it keeps a slow
		 * body from holding a connection outside every deadline. */
		const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
		if ((cl && strcmp(cl, "0")) ||
		    MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Transfer-Encoding"))
			return send_error(s, c, r, 400, "GET 请求不能带请求体。", NULL);
	}
	if (up == 2 && (get || head))
		return send_error(s, c, r, 405, "该接口只接受 POST：请求体为要校验的PDF文件。",
				  UPLOAD_API_ALLOW);
	if (up == 2 && opts) {
		r->preflight = 1;   /* answered on the next call, as a GET is */
		return MHD_YES;
	}
	if (!get && !head) {
		const char *cl, *ct;
		uint64_t len = 0;

		if (!up || strcmp(method, "POST")) {
			return send_error(s, c, r, 405, up == 2
					  ? "该接口只接受 POST：请求体为要校验的PDF文件。"
					  : "公开服务是只读的：只接受 GET 和 HEAD 请求"
					  "（文件校验页面另接受 POST 上传）。",
					  up == 2 ? UPLOAD_API_ALLOW : up ? "GET, HEAD, POST" : "GET, HEAD");
		}
		/* the API's body is the PDF itself: a form is refused before it
		 * is read (any other type is judged by the bytes) */
		ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
		if (up == 2 && ct && !strncasecmp(ct, "multipart/", 10))
			return send_error(s, c, r, 415, "请求体应为PDF文件本身（Content-Type: "
					  "application/pdf），不接受 multipart/form-data 表单。", NULL);
		cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
		if (cl && (gaz_parse_uint(cl, strlen(cl), UINT64_MAX / 2, &len) ||
			   len > s->o.upload_max))
			return send_too_big(s, c, r);
		pthread_mutex_lock(&s->lock);
		if (s->uploads >= UPLOADS_MAX) {
			pthread_mutex_unlock(&s->lock);
			return send_error(s, c, r, 503, "同时进行的校验过多，请稍后再试。", NULL);
		}
		s->uploads++;
		r->counted = 1;
		pthread_mutex_unlock(&s->lock);
		r->body.max = s->o.upload_max;
		r->upload = up;
		if (up == 1) {
			r->pp = MHD_create_post_processor(c, 64 * 1024, post_iter, r);
			if (!r->pp)
				return send_error(s, c, r, 400, "请以 multipart/form-data 表单上传文件。", NULL);
		}
		set_phase(s, c, PH_BODY);
		return MHD_YES;
	}
	return MHD_YES;
answer:
	if (r->preflight)
		return send_preflight(c);
	t = r->t;
	api = t.n_segs && !strcmp(t.seg[0], "api");
	memset(&q, 0, sizeof q);
	q.t = &t;
	q.head = !strcmp(method, "HEAD");
	q.if_none_match = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match");
	q.if_match = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-Match");
	q.if_range = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-Range");
	q.range = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Range");
	resp_init(&out);
	site_get(&s->site, &q, &out);
	page_validator(&q, &out);
	ret = send_resp(c, &out, NULL, api);
	resp_release(&out);
	return ret;
}

static unsigned short_unescape(void *cls, struct MHD_Connection *c, char *s)
{
	/* Leave libmicrohttpd's copies undecoded: we parse the raw target. */
	(void)cls;
	(void)c;
	return (unsigned)strlen(s);
}

/* ---- start / stop ----------------------------------------------------------------- */

static int parse_listen(const char *spec, struct sockaddr_storage *ss, int *family, int *dual)
{
	const char *colon, *host;
	char hostbuf[64];
	size_t hl;
	uint64_t port;

	memset(ss, 0, sizeof *ss);
	*dual = 0;
	if (!spec)
		return gaz_fail(GAZ_EINVAL, "no listen address");
	if (spec[0] == '[') {
		const char *rb = strchr(spec, ']');
		if (!rb || rb[1] != ':')
			return gaz_fail(GAZ_EINVAL, "listen address: expected [ADDR]:PORT");
		host = spec + 1;
		hl = (size_t)(rb - host);
		colon = rb + 1;
	} else {
		colon = strrchr(spec, ':');
		if (!colon)
			return gaz_fail(GAZ_EINVAL, "listen address: expected HOST:PORT");
		host = spec;
		hl = (size_t)(colon - spec);
	}
	if (hl >= sizeof hostbuf)
		return gaz_fail(GAZ_EINVAL, "listen address too long");
	memcpy(hostbuf, host, hl);
	hostbuf[hl] = '\0';
	if (gaz_parse_uint(colon + 1, strlen(colon + 1), 65535, &port))
		return gaz_fail(GAZ_EINVAL, "listen address: bad port '%s'", colon + 1);
	if (!strcmp(hostbuf, "localhost"))
		snprintf(hostbuf, sizeof hostbuf, "127.0.0.1");
	if (spec[0] == '[') {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, hostbuf, &a->sin6_addr) != 1)
			return gaz_fail(GAZ_EINVAL, "listen address: bad IPv6 address '%s'", hostbuf);
		*family = AF_INET6;
		*dual = IN6_IS_ADDR_UNSPECIFIED(&a->sin6_addr);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;
		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, hostbuf, &a->sin_addr) != 1)
			return gaz_fail(GAZ_EINVAL, "listen address: bad IPv4 address '%s'", hostbuf);
		*family = AF_INET;
	}
	return 0;
}

int gaz_http_start(const struct gaz_serve_opts *o, struct gaz_http_server **out)
{
	struct gaz_http_server *s;
	struct sockaddr_storage ss;
	const union MHD_DaemonInfo *di;
	unsigned flags;
	int family = AF_INET, dual = 0, rc;

	if ((rc = parse_listen(o->listen, &ss, &family, &dual)) || (rc = gaz_dl_mhd()))
		return rc;
	if (!(s = calloc(1, sizeof *s)))
		return GAZ_ENOMEM;
	s->o = *o;
	if (!s->o.threads)
		s->o.threads = 2;
	if (!s->o.conn_limit)
		s->o.conn_limit = 64;
	if (!s->o.per_ip_limit)
		s->o.per_ip_limit = 16;
	if (!s->o.idle_timeout)
		s->o.idle_timeout = 15;
	if (!s->o.header_timeout)
		s->o.header_timeout = 10;
	if (!s->o.body_timeout)
		s->o.body_timeout = 120;
	if (!s->o.upload_max || s->o.upload_max > GAZ_HTTP_UPLOAD_MAX)
		s->o.upload_max = GAZ_HTTP_UPLOAD_MAX;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	if ((rc = site_open(&s->site, o->archive_dir, 0)))
		goto fail;
	s->site.trust = o->trust;
	s->site.n_trust = o->n_trust;
	s->site.upload_max = s->o.upload_max;
	s->site.scache_off = o->no_search_cache;
	if (pthread_create(&s->watchdog, NULL, watchdog, s)) {
		rc = gaz_fail(GAZ_EIO, "cannot start the watchdog thread");
		goto fail;
	}
	s->have_watchdog = 1;
	flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL;
	if (family == AF_INET6)
		flags |= dual ? MHD_USE_DUAL_STACK : MHD_USE_IPv6;
	s->d = MHD_start_daemon(flags, 0, NULL, NULL, handler, s,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
		MHD_OPTION_THREAD_POOL_SIZE, s->o.threads,
		MHD_OPTION_CONNECTION_LIMIT, s->o.conn_limit,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, s->o.per_ip_limit,
		MHD_OPTION_CONNECTION_TIMEOUT, s->o.idle_timeout,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)MEMORY_LIMIT,
		MHD_OPTION_STRICT_FOR_CLIENT, (int)1,
		MHD_OPTION_URI_LOG_CALLBACK, uri_log, s,
		MHD_OPTION_UNESCAPE_CALLBACK, short_unescape, s,
		MHD_OPTION_NOTIFY_COMPLETED, completed, s,
		MHD_OPTION_NOTIFY_CONNECTION, notify_conn, s,
		MHD_OPTION_END);
	if (!s->d) {
		rc = gaz_fail(GAZ_EIO, "cannot listen on %s (address in use or not allowed)",
			      o->listen);
		goto fail;
	}
	di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	s->port = di ? di->port : 0;
	*out = s;
	return 0;
fail:
	gaz_http_stop(s);
	return rc;
}

unsigned gaz_http_port(const struct gaz_http_server *s)
{
	return s->port;
}

void gaz_http_stop(struct gaz_http_server *s)
{
	if (!s)
		return;
	if (s->d)
		MHD_stop_daemon(s->d);
	if (s->have_watchdog) {
		pthread_mutex_lock(&s->lock);
		s->stop = 1;
		pthread_cond_signal(&s->cond);
		pthread_mutex_unlock(&s->lock);
		pthread_join(s->watchdog, NULL);
	}
	site_close(&s->site);
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

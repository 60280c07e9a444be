/* The site: one router for the server and the static export, downloads,
 * the feed, error pages. */
#include "archive/http_int.h"
#include "gazette/archive.h"
#include "gazette/dl/cjson.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void resp_init(struct resp *r)
{
	memset(r, 0, sizeof *r);
	out_init(&r->body, GAZ_HTTP_PAGE_MAX);
	r->status = 500;
	r->ctype = "text/plain; charset=utf-8";
}

void resp_release(struct resp *r)
{
	out_release(&r->body);
	if (r->hold)
		gaz_archive_read_end(r->hold_ar, r->hold);
	free(r->owned);
	free(r->disposition);
	memset(r, 0, sizeof *r);
}

int site_open(struct site *s, const char *archive_dir, int exporting)
{
	struct gaz_archive_opts o;
	int rc;

	memset(s, 0, sizeof *s);
	/* the pages and the JSON API write JSON (gazette/dl/cjson.h) */
	if ((rc = gaz_dl_cjson()))
		return rc;
	s->exporting = exporting;
	s->upload_max = GAZ_HTTP_UPLOAD_MAX;

	/* Map the largest size a writer may ever grow the archive to (address
	 * space only): a read transaction then never sees MDB_MAP_RESIZED, so
	 * gaz_archive_read_begin() never remaps the environment while other
	 * threads hold pointers into it (the zero-copy downloads do). */
	memset(&o, 0, sizeof o);
	o.map_size = GAZ_AR_MAP_MAX;
	if ((rc = gaz_archive_open(archive_dir, GAZ_AR_READONLY, &o, &s->ar)))
		return rc;
	if (pthread_mutex_init(&s->vlock, NULL)) {
		gaz_archive_close(s->ar);
		s->ar = NULL;
		return GAZ_ENOMEM;
	}
	if (pthread_mutex_init(&s->slock, NULL)) {
		pthread_mutex_destroy(&s->vlock);
		gaz_archive_close(s->ar);
		s->ar = NULL;
		return GAZ_ENOMEM;
	}
	site_load_title(s);
	site_blob_init(s);
	return 0;
}

void site_close(struct site *s)
{
	if (!s->ar)
		return;
	gaz_archive_close(s->ar);
	pthread_mutex_destroy(&s->vlock);
	for (size_t i = 0; i < SITE_SCACHE; i++) {
		free(s->scache[i].key);
		free(s->scache[i].body);
	}
	pthread_mutex_destroy(&s->slock);
	s->ar = NULL;
}

static const char *status_title(int status)
{
	switch (status) {
	case 400: return "请求格式有误";
	case 404: return "未找到";
	case 405: return "不支持该请求方法";
	case 413: return "上传文件过大";
	case 414: return "网址过长";
	case 412: return "前提条件不满足";
	case 415: return "不支持的内容类型";
	case 416: return "请求的范围无效";
	case 431: return "请求头过大";
	case 503: return "服务繁忙";
	default: return "服务器内部错误";
	}
}

void site_error(struct site *s, struct resp *r, int status, const char *msg)
{
	site_error_back(s, r, status, msg, NULL, NULL);
}

void site_error_back(struct site *s, struct resp *r, int status, const char *msg,
		     const char *href, const char *label)
{
	char title[64];

	out_release(&r->body);
	out_init(&r->body, GAZ_HTTP_PAGE_MAX);
	r->status = status;
	r->ctype = "text/html; charset=utf-8";
	r->etag[0] = '\0';
	snprintf(title, sizeof title, "%d %s", status, status_title(status));
	page_begin(s, &r->body, title, NULL);
	out_raw(&r->body, "<h1>");
	out_esc(&r->body, title);
	out_raw(&r->body, "</h1>\n<p>");
	out_esc(&r->body, msg ? msg : "");
	out_raw(&r->body, "</p>\n<p>");
	if (href) {
		out_raw(&r->body, "<a href=\"");
		out_esc(&r->body, href);
		out_raw(&r->body, "\">");
		out_esc(&r->body, label);
		out_raw(&r->body, "</a> · ");
	}
	out_raw(&r->body, "<a href=\"/\">返回首页</a></p>\n");
	page_end(s, &r->body);
	if (r->body.err) {  /* cannot happen below the cap; keep a minimal body */
		out_release(&r->body);
		out_init(&r->body, 256);
		out_raw(&r->body, title);
		r->ctype = "text/plain; charset=utf-8";
	}
}

void site_json_error(struct resp *r, int status, const char *msg)
{
	out_release(&r->body);
	out_init(&r->body, 4096);
	r->status = status;
	r->ctype = "application/json; charset=utf-8";
	out_fmt(&r->body, "{\"error\":%d,\"message\":\"", status);
	out_esc(&r->body, msg);  /* escaped text contains no '"' or '\\' */
	out_raw(&r->body, "\"}\n");
}

/* A number segment in canonical form (no sign, no leading zero). */
static int num_seg(const char *s, size_t n, uint64_t max, unsigned *out)
{
	uint64_t v;

	if (!n || (n > 1 && s[0] == '0'))
		return GAZ_EFORMAT;
	if (gaz_parse_uint(s, n, max, &v))
		return GAZ_EFORMAT;
	*out = (unsigned)v;
	return 0;
}

/* Splits "NAME.ext" from a segment: 1 if seg ends with ext (n = stem len). */
static int has_ext(const char *seg, const char *ext, size_t *n)
{
	size_t a = strlen(seg), b = strlen(ext);

	if (a <= b || strcmp(seg + a - b, ext))
		return 0;
	*n = a - b;
	return 1;
}

static void ascii_fallback(char *buf, size_t n, unsigned year, unsigned number,
			   unsigned version)
{
	snprintf(buf, n, "gazette-%u-%02u-v%u.pdf", year, number, version);
}

/* Content-Disposition with an ASCII fallback and the UTF-8 name (RFC 6266,
 * RFC 8187 ext-value). */
static char *disposition(const char *name, unsigned year, unsigned number, unsigned version)
{
	struct out o;
	char ascii[96], utf[512];
	const unsigned char *p;
	static const char hex[] = "0123456789ABCDEF";

	ascii_fallback(ascii, sizeof ascii, year, number, version);
	snprintf(utf, sizeof utf, "%s%u年第%u期（第%u版）.pdf", name && name[0] ? name : "政府公报",
		 year, number, version);
	out_init(&o, 4096);
	out_fmt(&o, "attachment; filename=\"%s\"; filename*=UTF-8''", ascii);
	for (p = (const unsigned char *)utf; *p; p++) {
		/* attr-char per RFC 8187 */
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("!#$&+-.^_`|~", *p)) {
			out_mem(&o, p, 1);
		} else {
			char e[3] = { '%', hex[*p >> 4], hex[*p & 15] };
			out_mem(&o, e, 3);
		}
	}
	if (o.err) {
		out_release(&o);
		return NULL;
	}
	return gaz_buf_detach(&o.b, NULL);
}

int site_pdf(struct site *s, const struct req *q, struct resp *r, unsigned year,
	     unsigned number, unsigned version)
{
	struct gaz_ar_version v;
	const void *pdf = NULL;
	size_t len = 0;
	char hex[65];
	uint64_t first, last;
	int rc;

	memset(&v, 0, sizeof v);
	if ((rc = gaz_archive_get_version_meta(s->ar, year, number, version, &v)))
		return rc;
	gaz_hex(v.pdf_sha256, 32, hex);
	snprintf(r->etag, sizeof r->etag, "\"sha256-%s\"", hex);
	r->ctype = "application/pdf";
	r->immutable = version != 0;
	/* RFC 9110 13.2.2: If-Match first (a client that wants exactly the
	 * bytes it started from, e.g. before a 勘误 replaced them) */
	if (q->if_match && !gaz_http_etag_match_strong(q->if_match, r->etag)) {
		site_error(s, r, 412, "文件已更新，与请求中指定的版本（If-Match）不一致。"
			   "请重新下载完整文件。");
		rc = 0;
		goto end;
	}
	if (!(r->disposition = disposition(v.name, year, number, v.version))) {
		rc = GAZ_ENOMEM;
		goto end;
	}
	if (q->if_none_match && gaz_http_etag_match(q->if_none_match, r->etag)) {
		r->status = 304;
		r->entity_len = v.pdf_size;
		rc = 0;
		goto end;
	}
	if ((rc = site_blob(s, v.pdf_sha256, r, &pdf, &len)))
		goto end;
	r->status = 200;
	r->blob = pdf;
	r->blob_len = len;
	/* A Range under an If-Range that does not match the current bytes (a
	 * download resumed after a correction) is ignored: the whole file. */
	if (q->range && (!q->if_range || gaz_http_if_range(q->if_range, r->etag))) {
		int k = gaz_http_range_parse(q->range, len, &first, &last);
		if (k == GAZ_EINVAL) {
			r->status = 416;
			r->blob = NULL;
			r->blob_len = 0;
					snprintf(r->content_range, sizeof r->content_range, "bytes */%zu", len);
		} else if (k == 0) {
			r->status = 206;
			r->blob = (const unsigned char *)pdf + first;
			r->blob_len = (size_t)(last - first + 1);
			snprintf(r->content_range, sizeof r->content_range,
				 "bytes %llu-%llu/%zu", (unsigned long long)first,
				 (unsigned long long)last, len);
		}
	}
	rc = 0;
end:
	gaz_ar_version_release(&v);
	return rc;
}

/* ---- Atom feed ------------------------------------------------------------------ */

#define FEED_MAX 50

struct feed_ev {
	int64_t time;
	int kind;           /* 0 issue version, 1 status change */
	unsigned year, number, version;
	char *subject, *detail, *reason;
};

struct feed_ctx {
	struct feed_ev *v;
	size_t n, cap;
	int err;
};

static struct feed_ev *feed_push(struct feed_ctx *f)
{
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 64, bytes;
		struct feed_ev *nv;
		if (gaz_size_mul(cap, sizeof *nv, &bytes) || !(nv = realloc(f->v, bytes))) {
			f->err = GAZ_ENOMEM;
			return NULL;
		}
		f->v = nv;
		f->cap = cap;
	}
	memset(&f->v[f->n], 0, sizeof *f->v);
	return &f->v[f->n++];
}

static int feed_audit(const struct gaz_ar_audit *e, void *ctx)
{
	struct feed_ctx *f = ctx;
	struct feed_ev *x;

	if (!e->action || strcmp(e->action, "status"))
		return 0;
	if (!(x = feed_push(f)))
		return 1;
	x->time = e->time;
	x->kind = 1;
	x->subject = strdup(e->subject ? e->subject : "");
	x->detail = strdup(e->detail ? e->detail : "");
	if (!x->subject || !x->detail) {
		f->err = GAZ_ENOMEM;
		return 1;
	}
	return 0;
}

/* "2023-09-01起废止，依据西府办发〔2023〕1号。说明" from the event the
 * audit entry recorded (same time and status); the bare status if the
 * history cannot be read. */
static void feed_status_summary(struct site *s, struct out *o, const struct feed_ev *x)
{
	struct gaz_ar_event *ev = NULL;
	size_t n = 0, i;

	if (!gaz_archive_status_history(s->ar, x->subject, &ev, &n)) {
		for (i = n; i-- > 0;) {
			const char *name = gaz_status_name(ev[i].status);
			if (ev[i].time != x->time || !name || strcmp(name, x->detail))
				continue;
			out_esc(o, ev[i].date);
			out_raw(o, "起");
			out_esc(o, name);
			if (ev[i].by_doc && ev[i].by_doc[0]) {
				out_raw(o, "，依据");
				out_esc(o, ev[i].by_doc);
			}
			out_raw(o, "。");
			out_esc(o, ev[i].note);
			gaz_ar_events_free(ev, n);
			return;
		}
		gaz_ar_events_free(ev, n);
	}
	gaz_clear_error();
	out_esc(o, x->detail);
}

static int feed_newer(const void *a, const void *b)
{
	const struct feed_ev *x = a, *y = b;

	if (x->time != y->time)
		return x->time > y->time ? -1 : 1;
	return 0;
}

int pages_feed(struct site *s, const struct req *q, struct resp *r)
{
	struct catalog c;
	struct feed_ctx f;
	struct out o;
	size_t i;
	char tm[40], name[256];
	int rc;

	memset(&f, 0, sizeof f);
	out_init(&o, GAZ_HTTP_PAGE_MAX);
	if ((rc = catalog_load(s, &c)))
		return rc;
	for (i = 0; i < c.n; i++) {
		struct feed_ev *x = feed_push(&f);
		if (!x)
			break;
		x->time = c.v[i].time;
		x->year = c.v[i].year;
		x->number = c.v[i].number;
		x->version = c.v[i].version;
		x->reason = c.v[i].reason;
	}
	if (!f.err && (rc = gaz_archive_audit(s->ar, feed_audit, &f)) < 0)
		goto end;
	if ((rc = f.err))
		goto end;
	if (f.n)
		qsort(f.v, f.n, sizeof *f.v, feed_newer);
	site_title(s, name, sizeof name);
	fmt_time_iso(tm, sizeof tm, f.n ? f.v[0].time : 0);
	out_raw(&o, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
		    "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">\n<title>");
	out_esc(&o, name);
	out_fmt(&o, " — 新刊、新版本与效力变更</title>\n<id>tag:gazette.invalid,2000:feed</id>\n"
		"<updated>%s</updated>\n<link rel=\"self\" href=\"/feed.atom\"/>\n"
		"<link rel=\"alternate\" type=\"text/html\" href=\"/\"/>\n"
		"<author><name>", tm);
	out_esc(&o, name);
	out_raw(&o, "编辑部</name></author>\n");
	for (i = 0; i < f.n && i < FEED_MAX; i++) {
		const struct feed_ev *x = &f.v[i];
		fmt_time_iso(tm, sizeof tm, x->time);
		out_raw(&o, "<entry>\n<title>");
		if (x->kind == 0) {
			if (x->version == 1)
				out_fmt(&o, "%u年第%u期出版", x->year, x->number);
			else
				out_fmt(&o, "%u年第%u期发布第%u版（勘误）", x->year, x->number, x->version);
			out_fmt(&o, "</title>\n<id>tag:gazette.invalid,2000:issue/%u/%u/v%u</id>\n"
				"<updated>%s</updated>\n<link href=\"/issues/%u/%u\"/>\n"
				"<link rel=\"enclosure\" type=\"application/pdf\" "
				"href=\"/issues/%u/%u/v%u.pdf\"/>\n<summary>",
				x->year, x->number, x->version, tm, x->year, x->number,
				x->year, x->number, x->version);
			out_esc(&o, x->reason && x->reason[0] ? x->reason : "新一期公报");
		} else {
			out_raw(&o, "文件效力状态变更：");
			out_esc(&o, x->subject);
			out_raw(&o, "</title>\n<id>tag:gazette.invalid,2000:status/");
			out_seg(&o, x->subject);
			out_fmt(&o, "/%lld</id>\n<updated>%s</updated>\n<link href=\"/docs/",
				(long long)x->time, tm);
			out_seg(&o, x->subject);
			out_raw(&o, "\"/>\n<summary>");
			feed_status_summary(s, &o, x);
		}
		out_raw(&o, "</summary>\n</entry>\n");
	}
	out_raw(&o, "</feed>\n");
	rc = resp_page(r, &o, 200, "application/atom+xml; charset=utf-8");
end:
	for (i = 0; i < f.n; i++) {
		free(f.v[i].subject);
		free(f.v[i].detail);
	}
	free(f.v);
	catalog_release(&c);
	out_release(&o);
	return rc;
}

/* ---- router ------------------------------------------------------------------------ */

static void static_text(struct resp *r, const char *ctype, const char *text)
{
	out_release(&r->body);
	out_init(&r->body, GAZ_HTTP_PAGE_MAX);
	out_raw(&r->body, text);
	r->status = 200;
	r->ctype = ctype;
}

/* ---- the search cache (http_int.h) ----------------------------------------- */

static int scache_key(const struct req *q, int json, struct out *k)
{
	size_t i;

	out_raw(k, json ? "j" : "h");
	for (i = 0; i < q->t->n_params; i++) {
		out_raw(k, q->t->param[i].key);
		out_raw(k, "=");
		out_raw(k, q->t->param[i].value);
		out_mem(k, "", 1);
	}
	return k->err;
}

/* The first entry of the key's set of SITE_SCACHE_WAYS. */
static size_t scache_set(const char *k, size_t n)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)k[i]) * 1099511628211ull;
	return (size_t)(h % (SITE_SCACHE / SITE_SCACHE_WAYS)) * SITE_SCACHE_WAYS;
}

/* pages_search() through the cache.  The snapshot id is read before the
 * page is computed: if a publish lands in between, the entry is filed
 * under the older id, which no later request asks for. */
static int cached_search(struct site *s, const struct req *q, struct resp *r, int json)
{
	struct scache_entry *e;
	struct out k;
	MDB_txn *txn;
	size_t snap, set, w;
	char *kc = NULL, *bc = NULL;
	int rc, hit = 0;

	if (s->scache_off || s->exporting)
		return pages_search(s, q, r, json);
	out_init(&k, 2 * GAZ_HTTP_TARGET_MAX + 64);
	if (scache_key(q, json, &k) || site_read_begin(s, &txn)) {
		gaz_clear_error();
		out_release(&k);
		return pages_search(s, q, r, json);
	}
	snap = mdb_txn_id(txn);
	site_read_end(s, txn);
	set = scache_set(k.b.data, k.b.len);
	pthread_mutex_lock(&s->slock);
	for (w = 0; w < SITE_SCACHE_WAYS && !hit; w++) {
		e = &s->scache[set + w];
		if (e->key && e->txnid == snap && e->klen == k.b.len &&
		    !memcmp(e->key, k.b.data, k.b.len)) {
			out_release(&r->body);
			out_init(&r->body, GAZ_HTTP_PAGE_MAX);
			out_mem(&r->body, e->body, e->len);
			r->status = e->status;
			r->ctype = e->ctype;
			e->used = ++s->scache_clock;
			hit = !r->body.err;
		}
	}
	pthread_mutex_unlock(&s->slock);
	if (hit) {
		out_release(&k);
		return 0;
	}
	rc = pages_search(s, q, r, json);
	/* Only complete answers are kept: no error page, no borrowed bytes. */
	if (!rc && r->status == 200 && !r->body.err && !r->blob && r->body.b.len &&
	    r->body.b.len <= SITE_SCACHE_BODY_MAX && (kc = malloc(k.b.len)) &&
	    (bc = malloc(r->body.b.len))) {
		memcpy(kc, k.b.data, k.b.len);
		memcpy(bc, r->body.b.data, r->body.b.len);
		pthread_mutex_lock(&s->slock);
		/* replaced: the same key (a concurrent miss stored it first), an
		 * empty entry or one of an older snapshot, else the least
		 * recently used of the set */
		e = &s->scache[set];
		for (w = 1; w < SITE_SCACHE_WAYS; w++) {
			struct scache_entry *c = &s->scache[set + w];
			int c_old = !c->key || c->txnid != snap, e_old = !e->key || e->txnid != snap;
			if (e->key && e->klen == k.b.len && !memcmp(e->key, k.b.data, k.b.len))
				break;
			if ((c->key && c->klen == k.b.len && !memcmp(c->key, k.b.data, k.b.len)) ||
			    (c_old != e_old ? c_old : c->used < e->used))
				e = c;
		}
		free(e->key);
		free(e->body);
		e->key = kc;
		e->klen = k.b.len;
		e->txnid = snap;
		e->status = r->status;
		e->ctype = r->ctype;
		e->body = bc;
		e->len = r->body.b.len;
		e->used = ++s->scache_clock;
		pthread_mutex_unlock(&s->slock);
		kc = bc = NULL;
	}
	free(kc);
	free(bc);
	out_release(&k);
	return rc;
}

static int route_api(struct site *s, const struct req *q, struct resp *r)
{
	const struct gaz_http_target *t = q->t;
	const char *a = t->n_segs > 2 ? t->seg[2] : "";
	unsigned y, n;
	size_t k;

	if (t->dir)
		return GAZ_ENOTFOUND;
	if (t->n_segs == 3 && !strcmp(a, "issues.json"))
		return pages_years(s, q, r, 1);
	if (t->n_segs == 3 && !strcmp(a, "latest.json"))
		return pages_home(s, q, r, 1);
	if (t->n_segs == 3 && !strcmp(a, "search.json") && !s->exporting)
		return cached_search(s, q, r, 1);
	if (t->n_segs == 3 && !strcmp(a, "log.json"))
		return pages_log(s, q, r, "head", 1);
	if (t->n_segs == 4 && !strcmp(a, "log") && has_ext(t->seg[3], ".json", &k)) {
		if (k == 9 && !strncmp(t->seg[3], "inclusion", 9))
			return pages_log(s, q, r, "inclusion", 1);
		if (k == 11 && !strncmp(t->seg[3], "consistency", 11))
			return pages_log(s, q, r, "consistency", 1);
		return GAZ_ENOTFOUND;
	}
	if (t->n_segs == 5 && !strcmp(a, "log") && has_ext(t->seg[4], ".json", &k) &&
	    k < 24 && (!strcmp(t->seg[3], "inclusion") || !strcmp(t->seg[3], "consistency"))) {
		char what[48];
		unsigned long long x;
		uint64_t v64;
		if (gaz_parse_uint(t->seg[4], k, UINT64_MAX / 4, &v64) || (k > 1 && t->seg[4][0] == '0'))
			return GAZ_ENOTFOUND;
		x = (unsigned long long)v64;
		snprintf(what, sizeof what, "%s/%llu", t->seg[3], x);
		return pages_log(s, q, r, what, 1);
	}
	if (t->n_segs == 4 && !strcmp(a, "issues") && has_ext(t->seg[3], ".json", &k) &&
	    !num_seg(t->seg[3], k, 9999, &y))
		return pages_year(s, q, r, y, 1);
	if (t->n_segs == 5 && !strcmp(a, "issues") && !num_seg(t->seg[3], strlen(t->seg[3]), 9999, &y) &&
	    has_ext(t->seg[4], ".json", &k) && !num_seg(t->seg[4], k, 9999, &n))
		return pages_issue(s, q, r, y, n, 1);
	if (t->n_segs == 4 && !strcmp(a, "sha256") && has_ext(t->seg[3], ".json", &k) && k == 64) {
		char hex[65];
		memcpy(hex, t->seg[3], 64);
		hex[64] = '\0';
		return pages_sha256(s, q, r, hex);
	}
	if (t->n_segs == 4 && !strcmp(a, "docs") && has_ext(t->seg[3], ".json", &k)) {
		char key[GAZ_AR_FIELD_MAX + 1];
		if (k > GAZ_AR_FIELD_MAX)
			return GAZ_ENOTFOUND;
		memcpy(key, t->seg[3], k);
		key[k] = '\0';
		return pages_doc(s, q, r, key, 1, 0);
	}
	return GAZ_ENOTFOUND;
}

static int route(struct site *s, const struct req *q, struct resp *r)
{
	const struct gaz_http_target *t = q->t;
	const char *a = t->n_segs ? t->seg[0] : NULL;
	unsigned y, n, v;
	size_t k;

	if (!a)
		return pages_home(s, q, r, 0);
	if (!strcmp(a, "issues")) {
		if (t->n_segs == 1)
			return pages_years(s, q, r, 0);
		if (num_seg(t->seg[1], strlen(t->seg[1]), 9999, &y))
			return GAZ_ENOTFOUND;
		if (t->n_segs == 2)
			return pages_year(s, q, r, y, 0);
		if (t->n_segs == 3) {
			if (!t->dir && has_ext(t->seg[2], ".pdf", &k) &&
			    !num_seg(t->seg[2], k, 9999, &n))
				return site_pdf(s, q, r, y, n, 0);
			if (!num_seg(t->seg[2], strlen(t->seg[2]), 9999, &n))
				return pages_issue(s, q, r, y, n, 0);
			return GAZ_ENOTFOUND;
		}
		if (t->n_segs == 4 && !t->dir && !num_seg(t->seg[2], strlen(t->seg[2]), 9999, &n) &&
		    t->seg[3][0] == 'v' && has_ext(t->seg[3] + 1, ".pdf", &k) &&
		    !num_seg(t->seg[3] + 1, k, 99999, &v) && v > 0)
			return site_pdf(s, q, r, y, n, v);
		return GAZ_ENOTFOUND;
	}
	if (!strcmp(a, "docs") && t->n_segs == 2)
		return pages_doc(s, q, r, t->seg[1], 0, 0);
	if (!strcmp(a, "verify")) {
		if (t->n_segs == 1)
			return pages_verify_form(s, q, r);
		if (t->n_segs == 2)
			return pages_doc(s, q, r, t->seg[1], 0, 1);
		return GAZ_ENOTFOUND;
	}
	if (!strcmp(a, "search") && t->n_segs == 1 && !s->exporting)
		return cached_search(s, q, r, 0);
	if (!strcmp(a, "log")) {
		if (t->n_segs == 1)
			return pages_log(s, q, r, "head", 0);
		if (t->n_segs == 2 && !strcmp(t->seg[1], "inclusion"))
			return pages_log(s, q, r, "inclusion", 0);
		if (t->n_segs == 2 && !strcmp(t->seg[1], "consistency"))
			return pages_log(s, q, r, "consistency", 0);
		return GAZ_ENOTFOUND;
	}
	if (t->dir)
		return GAZ_ENOTFOUND;
	if (t->n_segs == 1 && !strcmp(a, "feed.atom"))
		return pages_feed(s, q, r);
	if (t->n_segs == 1 && !strcmp(a, "robots.txt")) {
		static_text(r, "text/plain; charset=utf-8", site_robots);
		return 0;
	}
	if (t->n_segs == 2 && !strcmp(a, "static") && !strcmp(t->seg[1], "site.css")) {
		static_text(r, "text/css; charset=utf-8", site_css);
		return 0;
	}
	if (t->n_segs == 2 && !strcmp(a, "static") && !strcmp(t->seg[1], "icon.svg")) {
		static_text(r, "image/svg+xml", site_icon);
		return 0;
	}
	if (t->n_segs == 1 && !strcmp(a, "favicon.ico")) {
		snprintf(r->location, sizeof r->location, "/static/icon.svg");
		r->status = 301;
		return 0;
	}
	if (t->n_segs >= 2 && !strcmp(a, "api") && !strcmp(t->seg[1], "v1"))
		return route_api(s, q, r);
	return GAZ_ENOTFOUND;
}

int site_get(struct site *s, const struct req *q, struct resp *r)
{
	int rc = route(s, q, r);
	int api = q->t->n_segs && !strcmp(q->t->seg[0], "api");
	int status;
	const char *msg;

	if (!rc)
		return 0;
	switch (rc) {
	case GAZ_ENOTFOUND:
		status = 404;
		msg = "没有这个页面或文件。请检查网址，或从首页按期浏览、检索。";
		break;
	case GAZ_EFORMAT:
	case GAZ_EINVAL:
		status = 400;
		msg = "请求的参数无效。";
		break;
	case GAZ_ETOOBIG:
		status = 400;
		msg = "请求超出了允许的范围。";
		break;
	case GAZ_ECORRUPT:
		status = 500;
		msg = "存储的文件未通过完整性校验，已停止提供。请联系编辑部。";
		break;
	default:
		status = 500;
		msg = "服务器暂时无法处理该请求。";
	}
	/* Release whatever a failed page left (a held snapshot, bytes). */
	if (r->hold) {
		gaz_archive_read_end(r->hold_ar, r->hold);
		r->hold = NULL;
	}
	free(r->owned);
	r->owned = NULL;
	r->blob = NULL;
	r->blob_len = 0;
	free(r->disposition);
	r->disposition = NULL;
	r->content_range[0] = '\0';
	r->immutable = 0;
	if (api)
		site_json_error(r, status, msg);
	else
		site_error(s, r, status, msg);
	return 0;
}

/* Browse pages: home, years, a year, an issue, a document, /verify/CODE,
 * and their JSON twins under /api/v1.  Every page is built from archive
 * look-ups made for this request (each one its own read snapshot). */
#include "archive/http_int.h"
#include "gazette/archive.h"
#include "gazette/text.h"

#include "gazette/dl/cjson.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- catalog ------------------------------------------------------------ */

static void copy_str(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

static int cat_add(const struct gaz_ar_version *v, void *ctx)
{
	struct catalog *c = ctx;
	struct cat_row *row;

	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64, bytes;
		struct cat_row *nv;

		if (gaz_size_mul(cap, sizeof *nv, &bytes))
			return GAZ_ETOOBIG;
		if (!(nv = realloc(c->v, bytes)))
			return GAZ_ENOMEM;
		c->v = nv;
		c->cap = cap;
	}
	row = &c->v[c->n];
	memset(row, 0, sizeof *row);
	row->year = v->year;
	row->number = v->number;
	row->version = v->version;
	row->latest = v->latest;
	row->superseded_by = v->superseded_by;
	row->cumulative = v->cumulative;
	copy_str(row->name, sizeof row->name, v->name);
	copy_str(row->date, sizeof row->date, v->date);
	memcpy(row->sha, v->pdf_sha256, 32);
	row->size = v->pdf_size;
	row->time = v->time;
	row->n_docs = v->n_docs;
	if (!(row->reason = strdup(v->reason ? v->reason : "")))
		return GAZ_ENOMEM;
	c->n++;
	return 0;
}

int catalog_load(struct site *s, struct catalog *c)
{
	int rc;

	memset(c, 0, sizeof *c);
	rc = gaz_archive_list_versions(s->ar, cat_add, c);
	if (rc < 0) {
		catalog_release(c);
		return rc;
	}
	return 0;
}

void catalog_release(struct catalog *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		free(c->v[i].reason);
	free(c->v);
	memset(c, 0, sizeof *c);
}

static int keep_last_name(const struct gaz_ar_version *v, void *ctx)
{
	/* list_versions is ordered by key; the newest issue is the last one,
	 * so keep overwriting. */
	copy_str(ctx, 256, v->name);
	return 0;
}

void site_load_title(struct site *s)
{
	char name[256] = "";

	if (s->ar)
		gaz_archive_list_versions(s->ar, keep_last_name, name);
	copy_str(s->title, sizeof s->title, name[0] ? name : "政府公报");
}

void site_title(struct site *s, char *buf, size_t n)
{
	copy_str(buf, n, s->title[0] ? s->title : "政府公报");
}

/* Newest issues first: rows that are the latest version of their issue. */
static int row_newer(const void *a, const void *b)
{
	const struct cat_row *x = a, *y = b;

	if (x->year != y->year)
		return x->year > y->year ? -1 : 1;
	if (x->number != y->number)
		return x->number > y->number ? -1 : 1;
	return x->version > y->version ? -1 : x->version < y->version;
}

/* ---- shared fragments ----------------------------------------------------- */

static void issue_label(struct out *o, unsigned year, unsigned number)
{
	out_fmt(o, "%u年第%u期", year, number);
}

static void issue_href(struct out *o, unsigned year, unsigned number)
{
	out_fmt(o, "/issues/%u/%u", year, number);
}

static void pdf_href(struct out *o, unsigned year, unsigned number, unsigned version)
{
	if (version)
		out_fmt(o, "/issues/%u/%u/v%u.pdf", year, number, version);
	else
		out_fmt(o, "/issues/%u/%u.pdf", year, number);
}

static void doc_href(struct out *o, const struct gaz_ar_doc *d)
{
	out_raw(o, "/docs/");
	out_seg(o, d->code);
}

/* cJSON helpers that tolerate NULL strings. */
static void j_str(cJSON *o, const char *k, const char *v)
{
	cJSON_AddStringToObject(o, k, v ? v : "");
}

static void j_url(cJSON *o, const char *k, const char *fmt, unsigned a, unsigned b, unsigned c)
	__attribute__((format(printf, 3, 0)));

/* fmt is always one of the literal URL patterns below, with up to three
 * %u conversions. */
static void j_url(cJSON *o, const char *k, const char *fmt, unsigned a, unsigned b, unsigned c)
{
	char buf[96];

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	snprintf(buf, sizeof buf, fmt, a, b, c);
#pragma GCC diagnostic pop
	cJSON_AddStringToObject(o, k, buf);
}

static cJSON *j_row(const struct cat_row *row)
{
	cJSON *o = cJSON_CreateObject();
	char hex[65];

	if (!o)
		return NULL;
	gaz_hex(row->sha, 32, hex);
	cJSON_AddNumberToObject(o, "year", row->year);
	cJSON_AddNumberToObject(o, "number", row->number);
	cJSON_AddNumberToObject(o, "version", row->version);
	cJSON_AddNumberToObject(o, "cumulative", row->cumulative);
	j_str(o, "name", row->name);
	j_str(o, "date", row->date);
	cJSON_AddNumberToObject(o, "documents", row->n_docs);
	j_str(o, "sha256", hex);
	cJSON_AddNumberToObject(o, "size", (double)row->size);
	j_url(o, "url", "/issues/%u/%u", row->year, row->number, 0);
	j_url(o, "pdf", "/issues/%u/%u/v%u.pdf", row->year, row->number, row->version);
	j_url(o, "api", "/api/v1/issues/%u/%u.json", row->year, row->number, 0);
	return o;
}

static int ptr_newer(const void *a, const void *b)
{
	return row_newer(*(const struct cat_row *const *)a, *(const struct cat_row *const *)b);
}

/* The catalog with its latest versions only, newest first (a sorted copy
 * of the row pointers): what the home and browse pages list. */
struct latest {
	struct catalog c;
	struct cat_row **rows;
	size_t n;
};

static void latest_release(struct latest *l)
{
	free(l->rows);
	catalog_release(&l->c);
}

static int latest_load(struct site *s, struct latest *l)
{
	size_t i;
	int rc;

	l->rows = NULL;
	l->n = 0;
	if ((rc = catalog_load(s, &l->c)))
		return rc;
	if (l->c.n && !(l->rows = calloc(l->c.n, sizeof *l->rows))) {
		catalog_release(&l->c);
		return GAZ_ENOMEM;
	}
	for (i = 0; i < l->c.n; i++)
		if (l->c.v[i].version == l->c.v[i].latest)
			l->rows[l->n++] = &l->c.v[i];
	if (l->n)
		qsort(l->rows, l->n, sizeof *l->rows, ptr_newer);
	return 0;
}

/* The JSON list of the rows, newest first. */
static int latest_json(struct resp *r, const struct latest *l)
{
	cJSON *j = cJSON_CreateArray();
	size_t i;

	for (i = 0; j && i < l->n; i++)
		cJSON_AddItemToArray(j, j_row(l->rows[i]));
	return resp_json(r, j);
}

static void issue_li(struct out *o, const struct cat_row *row)
{
	char sz[32];

	fmt_size(sz, sizeof sz, row->size);
	out_raw(o, "<li><a href=\"");
	issue_href(o, row->year, row->number);
	out_raw(o, "\">");
	issue_label(o, row->year, row->number);
	out_fmt(o, "（总第%u期）</a> <span class=\"muted\">", row->cumulative);
	out_esc(o, row->date);
	out_fmt(o, " · %u篇文件", row->n_docs);
	if (row->version > 1)
		out_fmt(o, " · 第%u版", row->version);
	out_raw(o, "</span> · <a href=\"");
	pdf_href(o, row->year, row->number, 0);
	out_fmt(o, "\">下载PDF（%s）</a></li>\n", sz);
}

/* ---- home, years, year ------------------------------------------------------ */

#define HOME_LATEST 12

int pages_home(struct site *s, const struct req *q, struct resp *r, int json)
{
	struct latest l;
	struct out o;
	size_t i;
	int rc;

	if ((rc = latest_load(s, &l)))
		return rc;
	if (json) {
		rc = latest_json(r, &l);
		latest_release(&l);
		return rc;
	}
	out_init(&o, GAZ_HTTP_PAGE_MAX);
	page_begin(s, &o, "首页", "home");
	out_raw(&o, "<h1>最新各期</h1>\n");
	if (!l.n)
		out_raw(&o, "<p>档案中尚无公报。</p>\n");
	out_raw(&o, "<ul class=\"issues\">\n");
	for (i = 0; i < l.n && i < HOME_LATEST; i++)
		issue_li(&o, l.rows[i]);
	out_raw(&o, "</ul>\n<p><a href=\"/issues/\">全部各期（按年份）</a></p>\n");
	out_raw(&o, "<h2>查询与核验</h2>\n<ul>\n");
	if (!s->exporting)
		out_raw(&o, "<li><a href=\"/search\">检索</a>：按标题、文号、发布机构、日期、"
			    "主题、体裁、效力状态或正文词语查找文件。</li>\n");
	out_raw(&o, "<li><a href=\"/verify\">文件校验</a>：上传收到的PDF，"
		    "核验签名是否有效、是否为档案中的标准文本及其现行版本。</li>\n"
		    "<li>文件上的二维码和校验码指向 <code>/verify/校验码</code>，"
		    "显示该文件的档案记录和效力状态。</li>\n"
		    "<li><a href=\"/log\">透明日志</a>：每次发布和状态变更都写入只增不改的"
		    "Merkle 日志，任何人都可离线验证。</li>\n</ul>\n");
	page_end(s, &o);
	rc = resp_page(r, &o, 200, HTML_TYPE);
	latest_release(&l);
	out_release(&o);
	return rc;
}

int pages_years(struct site *s, const struct req *q, struct resp *r, int json)
{
	struct latest l;
	struct out o;
	size_t i;
	int rc;

	if ((rc = latest_load(s, &l)))
		return rc;
	if (json) {
		rc = latest_json(r, &l);
		latest_release(&l);
		return rc;
	}
	out_init(&o, GAZ_HTTP_PAGE_MAX);
	page_begin(s, &o, "按期浏览", "issues");
	out_raw(&o, "<h1>按年份浏览</h1>\n");
	if (!l.n)
		out_raw(&o, "<p>档案中尚无公报。</p>\n");
	out_raw(&o, "<ul class=\"issues\">\n");
	for (i = 0; i < l.n;) {
		unsigned y = l.rows[i]->year, k = 0;
		while (i < l.n && l.rows[i]->year == y) {
			k++;
			i++;
		}
		out_fmt(&o, "<li><a href=\"/issues/%u/\">%u年</a> <span class=\"muted\">"
			"%u期</span></li>\n", y, y, k);
	}
	out_raw(&o, "</ul>\n");
	page_end(s, &o);
	rc = resp_page(r, &o, 200, HTML_TYPE);
	latest_release(&l);
	out_release(&o);
	return rc;
}

int pages_year(struct site *s, const struct req *q, struct resp *r, unsigned year, int json)
{
	struct latest l;
	struct out o;
	size_t i, k = 0;
	char title[64];
	cJSON *j = NULL;
	int rc;

	if ((rc = latest_load(s, &l)))
		return rc;
	out_init(&o, GAZ_HTTP_PAGE_MAX);
	for (i = 0; i < l.n; i++)
		if (l.rows[i]->year == year)
			k++;
	if (!k) {
		rc = GAZ_ENOTFOUND;
		goto end;
	}
	if (json) {
		j = cJSON_CreateArray();
		for (i = l.n; j && i-- > 0;)
			if (l.rows[i]->year == year)
				cJSON_AddItemToArray(j, j_row(l.rows[i]));
		rc = resp_json(r, j);
		goto end;
	}
	snprintf(title, sizeof title, "%u年各期", year);
	page_begin(s, &o, title, "issues");
	out_fmt(&o, "<h1>%u年各期</h1>\n<ul class=\"issues\">\n", year);
	for (i = l.n; i-- > 0;)
		if (l.rows[i]->year == year)
			issue_li(&o, l.rows[i]);
	out_raw(&o, "</ul>\n<p><a href=\"/issues/\">其他年份</a></p>\n");
	page_end(s, &o);
	rc = resp_page(r, &o, 200, HTML_TYPE);
end:
	latest_release(&l);
	out_release(&o);
	return rc;
}

/* ---- one issue ----------------------------------------------------------------- */

static cJSON *j_doc(const struct gaz_ar_doc *d, int with_links)
{
	cJSON *o = cJSON_CreateObject();

	if (!o)
		return NULL;
	j_str(o, "doc_no", d->doc_no);
	j_str(o, "index_no", d->index_no);
	j_str(o, "title", d->title);
	j_str(o, "issuer", d->issuer);
	j_str(o, "written", d->written);
	j_str(o, "published", d->published);
	j_str(o, "subject", d->subject);
	j_str(o, "genre", d->genre);
	j_str(o, "section", d->section);
	j_str(o, "code", d->code);
	cJSON_AddNumberToObject(o, "year", d->year);
	cJSON_AddNumberToObject(o, "number", d->number);
	cJSON_AddNumberToObject(o, "version", d->version);
	cJSON_AddNumberToObject(o, "first_page", d->first_page);
	cJSON_AddNumberToObject(o, "last_page", d->last_page);
	if (with_links) {
		char u[64];
		snprintf(u, sizeof u, "/docs/%s", d->code);
		j_str(o, "url", u);
		snprintf(u, sizeof u, "/api/v1/docs/%s.json", d->code);
		j_str(o, "api", u);
	}
	return o;
}

static void version_status(struct out *o, const struct gaz_ar_version *v)
{
	if (v->superseded_by)
		out_fmt(o, "<span class=\"st st-repealed\">已被第%u版取代</span>", v->superseded_by);
	else
		out_raw(o, "<span class=\"st st-valid\">现行版本</span>");
}

int pages_issue(struct site *s, const struct req *q, struct resp *r, unsigned year,
		unsigned number, int json)
{
	struct gaz_ar_version cur, *vers = NULL;
	struct out o;
	unsigned nv = 0, i;
	size_t d;
	char title[128], sz[32], hex[65], tm[64];
	const char *section = NULL;
	int rc, have_cur = 0;

	out_init(&o, GAZ_HTTP_PAGE_MAX);
	memset(&cur, 0, sizeof cur);
	if ((rc = gaz_archive_get_version(s->ar, year, number, 0, &cur)))
		goto end;
	have_cur = 1;
	nv = cur.latest ? cur.latest : cur.version;
	if (!(vers = calloc(nv, sizeof *vers))) {
		rc = GAZ_ENOMEM;
		goto end;
	}
	for (i = 0; i < nv; i++) {
		if ((rc = gaz_archive_get_version(s->ar, year, number, i + 1, &vers[i])))
			goto end;
	}
	if (json) {
		cJSON *j = cJSON_CreateObject(), *va, *da;
		cJSON_AddNumberToObject(j, "year", year);
		cJSON_AddNumberToObject(j, "number", number);
		cJSON_AddNumberToObject(j, "cumulative", cur.cumulative);
		j_str(j, "name", cur.name);
		j_str(j, "date", cur.date);
		cJSON_AddNumberToObject(j, "current_version", cur.version);
		j_url(j, "pdf", "/issues/%u/%u.pdf", year, number, 0);
		va = cJSON_AddArrayToObject(j, "versions");
		for (i = 0; va && i < nv; i++) {
			cJSON *x = cJSON_CreateObject();
			gaz_hex(vers[i].pdf_sha256, 32, hex);
			fmt_time_iso(tm, sizeof tm, vers[i].time);
			cJSON_AddNumberToObject(x, "version", vers[i].version);
			j_str(x, "published_at", tm);
			j_str(x, "reason", vers[i].reason);
			j_str(x, "sha256", hex);
			cJSON_AddNumberToObject(x, "size", (double)vers[i].pdf_size);
			cJSON_AddNumberToObject(x, "superseded_by", vers[i].superseded_by);
			cJSON_AddNumberToObject(x, "documents", vers[i].n_docs);
			j_url(x, "pdf", "/issues/%u/%u/v%u.pdf", year, number, vers[i].version);
			cJSON_AddItemToArray(va, x);
		}
		da = cJSON_AddArrayToObject(j, "documents");
		for (d = 0; da && d < cur.n_loaded_docs; d++)
			cJSON_AddItemToArray(da, j_doc(&cur.docs[d], 1));
		rc = resp_json(r, j);
		goto end;
	}
	snprintf(title, sizeof title, "%u年第%u期", year, number);
	page_begin(s, &o, title, "issues");
	out_raw(&o, "<h1>");
	out_esc(&o, cur.name);
	out_raw(&o, " ");
	issue_label(&o, year, number);
	out_fmt(&o, "（总第%u期）</h1>\n", cur.cumulative);
	fmt_size(sz, sizeof sz, cur.pdf_size);
	gaz_hex(cur.pdf_sha256, 32, hex);
	out_raw(&o, "<p>出版日期：");
	out_esc(&o, cur.date);
	out_fmt(&o, " · 现行版本：第%u版 · <a href=\"", cur.version);
	pdf_href(&o, year, number, 0);
	out_fmt(&o, "\">下载签名PDF（%s）</a></p>\n<p class=\"muted\">SHA-256："
		"<span class=\"hash\">%s</span></p>\n", sz, hex);

	out_raw(&o, "<h2>目录</h2>\n<div class=\"scroll\"><table>\n<thead><tr>"
		    "<th scope=\"col\">文件</th><th scope=\"col\">发文字号</th>"
		    "<th scope=\"col\">页码</th></tr></thead>\n");
	/* one <tbody> per section: the rowgroup header covers its own rows */
	for (d = 0; d < cur.n_loaded_docs; d++) {
		const struct gaz_ar_doc *x = &cur.docs[d];
		if (x->section && (!section || strcmp(section, x->section))) {
			out_raw(&o, d ? "</tbody>\n<tbody>\n" : "<tbody>\n");
			section = x->section;
			out_raw(&o, "<tr><th scope=\"rowgroup\" colspan=\"3\">");
			out_esc(&o, section);
			out_raw(&o, "</th></tr>\n");
		} else if (!d) {
			out_raw(&o, "<tbody>\n");
		}
		out_raw(&o, "<tr><td class=\"wide\"><a href=\"");
		doc_href(&o, x);
		out_raw(&o, "\">");
		out_esc(&o, x->title);
		out_raw(&o, "</a></td><td class=\"nw\">");
		out_esc(&o, x->doc_no);
		if (x->first_page == x->last_page)
			out_fmt(&o, "</td><td class=\"nw\">第%u页</td></tr>\n", x->first_page);
		else
			out_fmt(&o, "</td><td class=\"nw\">第%u–%u页</td></tr>\n", x->first_page,
				x->last_page);
	}
	out_raw(&o, cur.n_loaded_docs ? "</tbody></table></div>\n" : "</table></div>\n");

	out_raw(&o, "<h2>版本</h2>\n<p class=\"muted\">勘误后发布新版本；旧版本永久保留，"
		    "标明已被取代及原因。</p>\n<div class=\"scroll\"><table>\n<thead><tr>"
		    "<th scope=\"col\">版本</th><th scope=\"col\">发布时间</th>"
		    "<th scope=\"col\">原因</th><th scope=\"col\">状态</th>"
		    "<th scope=\"col\">下载</th></tr></thead>\n<tbody>\n");
	for (i = nv; i-- > 0;) {
		const struct gaz_ar_version *v = &vers[i];
		fmt_time(tm, sizeof tm, v->time);
		fmt_size(sz, sizeof sz, v->pdf_size);
		gaz_hex(v->pdf_sha256, 32, hex);
		out_fmt(&o, "<tr><th scope=\"row\" class=\"nw\">第%u版</th><td class=\"nw\">%s</td>"
			"<td class=\"wide\">", v->version, tm);
		out_esc(&o, v->reason && v->reason[0] ? v->reason : (v->version == 1 ? "首次发布" : ""));
		out_raw(&o, "</td><td>");
		version_status(&o, v);
		out_raw(&o, "</td><td class=\"nw\"><a href=\"");
		pdf_href(&o, year, number, v->version);
		out_fmt(&o, "\">v%u.pdf</a>（%s）<br><span class=\"hash\">%.16s…</span></td></tr>\n",
			v->version, sz, hex);
	}
	out_raw(&o, "</tbody></table></div>\n");
	out_fmt(&o, "<p><a href=\"/issues/%u/\">%u年其他各期</a> · <a href=\"/api/v1/issues/%u/%u.json\">"
		"本期数据（JSON）</a></p>\n", year, year, year, number);
	page_end(s, &o);
	rc = resp_page(r, &o, 200, HTML_TYPE);
end:
	if (have_cur)
		gaz_ar_version_release(&cur);
	if (vers) {
		for (i = 0; i < nv; i++)
			gaz_ar_version_release(&vers[i]);
		free(vers);
	}
	out_release(&o);
	return rc;
}

/* ---- one document ---------------------------------------------------------------- */

/* Every appearance of the document named by key (code, 发文字号 or 索引号).
 * A code typed otherwise than canonically was redirected already
 * (code_redirect), so only the canonical form is looked up as a code. */
static int find_doc(struct site *s, const char *key, struct gaz_ar_doc **docs, size_t *n)
{
	int rc = GAZ_ENOTFOUND;
	char up[16];

	if (gaz_text_code_normalise(key, up, sizeof up) && !strcmp(up, key))
		rc = gaz_archive_find_docs(s->ar, GAZ_AR_BY_CODE, key, docs, n);
	if (rc == GAZ_ENOTFOUND)
		rc = gaz_archive_find_docs(s->ar, GAZ_AR_BY_DOCNO, key, docs, n);
	if (rc == GAZ_ENOTFOUND)
		rc = gaz_archive_find_docs(s->ar, GAZ_AR_BY_INDEXNO, key, docs, n);
	return rc;
}

/* A verification code typed as read from paper (lower case, I/L/O,
 * hyphens) that names a document: 301 to its canonical URL, so every page
 * has one address.  GAZ_ENOTFOUND if key is canonical or no such code. */
static int code_redirect(struct site *s, struct resp *r, const char *key, int json,
			 int verify_view)
{
	struct gaz_ar_doc *docs = NULL;
	size_t n = 0;
	char up[16];
	int rc, w;

	if (!gaz_text_code_normalise(key, up, sizeof up) || !strcmp(up, key))
		return GAZ_ENOTFOUND;
	if ((rc = gaz_archive_find_docs(s->ar, GAZ_AR_BY_CODE, up, &docs, &n)))
		return rc;
	gaz_ar_docs_free(docs, n);
	w = snprintf(r->location, sizeof r->location, "%s%s%s",
		     json ? "/api/v1/docs/" : verify_view ? "/verify/" : "/docs/", up,
		     json ? ".json" : "");
	if (w < 0 || (size_t)w >= sizeof r->location)
		return GAZ_ENOTFOUND;
	r->status = 301;
	return 0;
}

/* A key typed with other brackets, spaces, width or case (西府办发[2017]38号,
 * a lower-case code): 301 to the canonical URL of its newest appearance,
 * found through the search index's normalised keys.  GAZ_ENOTFOUND if
 * none. */
static int doc_redirect(struct site *s, struct resp *r, const char *key, int json,
			int verify_view)
{
	struct gaz_ar_doc d;
	MDB_txn *txn = NULL;
	uint64_t ids[64];
	size_t n = 0;
	struct out u;
	int rc;

	if ((rc = site_read_begin(s, &txn)))
		return rc;
	rc = gaz_search_lookup(txn, key, ids, sizeof ids / sizeof *ids, &n);
	site_read_end(s, txn);
	if (rc || !n)
		return rc ? rc : GAZ_ENOTFOUND;
	if ((rc = gaz_archive_get_doc(s->ar, ids[n - 1], &d)))
		return rc;
	out_init(&u, sizeof r->location);
	out_raw(&u, json ? "/api/v1/docs/" : verify_view ? "/verify/" : "/docs/");
	out_seg(&u, verify_view ? d.code : d.doc_no);
	if (json)
		out_raw(&u, ".json");
	if (!u.err && u.b.len < sizeof r->location) {
		memcpy(r->location, u.b.data, u.b.len);
		r->location[u.b.len] = '\0';
		r->status = 301;
	} else {
		rc = GAZ_ENOTFOUND;
	}
	out_release(&u);
	gaz_ar_doc_release(&d);
	return rc;
}

static void meta_row(struct out *o, const char *k, const char *v)
{
	out_raw(o, "<tr><th scope=\"row\">");
	out_raw(o, k);
	out_raw(o, "</th><td>");
	out_esc(o, v);
	out_raw(o, "</td></tr>\n");
}

static void text_paragraphs(struct out *o, const char *text, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t j = i;
		while (j < len && text[j] != '\n')
			j++;
		if (j > i) {
			out_raw(o, "<p>");
			out_escn(o, text + i, j - i);
			out_raw(o, "</p>\n");
		}
		i = j + 1;
	}
}

int pages_doc(struct site *s, const struct req *q, struct resp *r, const char *key,
	      int json, int verify_view)
{
	struct gaz_ar_doc *docs = NULL;
	struct gaz_ar_event *ev = NULL;
	struct gaz_ar_version ver;
	size_t n = 0, nev = 0, i;
	char *text = NULL;
	size_t tlen = 0;
	struct out o;
	const struct gaz_ar_doc *d;
	int rc, st = GAZ_ST_UNKNOWN, have_ver = 0;
	long which = -1;

	out_init(&o, GAZ_HTTP_PAGE_MAX);
	memset(&ver, 0, sizeof ver);
	if ((rc = code_redirect(s, r, key, json, verify_view)) != GAZ_ENOTFOUND)
		goto end;
	if ((rc = find_doc(s, key, &docs, &n))) {
		if (rc == GAZ_ENOTFOUND)
			rc = doc_redirect(s, r, key, json, verify_view);
		/* /verify/CODE is where a citizen checks a paper: say plainly
		 * that no document has this code, not just "page not found" */
		if (rc == GAZ_ENOTFOUND && verify_view && !json)
			rc = pages_verify_unknown(s, r, key);
		goto end;
	}
	d = &docs[n - 1];  /* newest appearance */
	rc = gaz_archive_status_history(s->ar, d->doc_no, &ev, &nev);
	if (rc && rc != GAZ_ENOTFOUND)
		goto end;
	if (nev && (rc = gaz_status_on(ev, nev, NULL, &st, &which)))
		goto end;
	if ((rc = gaz_archive_doc_text(s->ar, d, &text, &tlen)))
		goto end;
	if ((rc = gaz_archive_get_version(s->ar, d->year, d->number, d->version, &ver)))
		goto end;
	have_ver = 1;
	if (json) {
		cJSON *j = j_doc(d, 1), *h, *a;
		j_str(j, "status", gaz_status_name(st) ? gaz_status_name(st) : "");
		cJSON_AddBoolToObject(j, "in_force", gaz_status_in_force(st));
		h = cJSON_AddArrayToObject(j, "status_history");
		for (i = 0; h && i < nev; i++) {
			cJSON *x = cJSON_CreateObject();
			char tm[40];
			fmt_time_iso(tm, sizeof tm, ev[i].time);
			j_str(x, "status", gaz_status_name(ev[i].status));
			j_str(x, "date", ev[i].date);
			j_str(x, "by", ev[i].by_doc);
			j_str(x, "note", ev[i].note);
			j_str(x, "recorded_at", tm);
			cJSON_AddItemToArray(h, x);
		}
		a = cJSON_AddArrayToObject(j, "appearances");
		for (i = 0; a && i < n; i++) {
			cJSON *x = cJSON_CreateObject();
			cJSON_AddNumberToObject(x, "year", docs[i].year);
			cJSON_AddNumberToObject(x, "number", docs[i].number);
			cJSON_AddNumberToObject(x, "version", docs[i].version);
			cJSON_AddNumberToObject(x, "first_page", docs[i].first_page);
			cJSON_AddNumberToObject(x, "last_page", docs[i].last_page);
			j_str(x, "code", docs[i].code);
			j_url(x, "pdf", "/issues/%u/%u/v%u.pdf", docs[i].year, docs[i].number,
			      docs[i].version);
			cJSON_AddItemToArray(a, x);
		}
		cJSON_AddBoolToObject(j, "current_version", ver.superseded_by == 0);
		cJSON_AddStringToObject(j, "text", text);
		rc = resp_json(r, j);
		goto end;
	}
	page_begin(s, &o, d->title, verify_view ? "verify" : NULL);
	out_raw(&o, "<article>\n<h1>");
	out_esc(&o, d->title);
	if (verify_view) {
		/* the verdict comes under the page's <h1> (heading order) */
		int ok = gaz_status_in_force(st) && !ver.superseded_by;
		out_fmt(&o, "</h1>\n<section class=\"verdict %s\" aria-labelledby=\"vh\">\n"
			"<h2 id=\"vh\">校验码 <span class=\"code\">", ok ? "ok" : "warn");
		out_esc(&o, d->code);
		out_raw(&o, "</span> 对应档案中的文件</h2>\n<p>");
		if (ok)
			out_raw(&o, "该文件收录于档案，当前有效，所在版本为现行版本。");
		else if (!gaz_status_in_force(st))
			out_raw(&o, "该文件收录于档案，但当前已不再有效（见下方效力状态）。");
		else
			out_fmt(&o, "该文件收录于档案，但所在的期次版本已被第%u版取代。",
				ver.superseded_by);
		out_raw(&o, "核对纸质或电子文本时，请与下方全文逐字比对，或下载签名PDF用"
			    "<a href=\"/verify\">文件校验</a>核验。</p>\n</section>\n<p>");
	} else {
		out_raw(&o, "</h1>\n<p>");
	}
	out_fmt(&o, "效力状态：<span class=\"st %s\">%s</span>", status_class(st),
		gaz_status_name(st) ? gaz_status_name(st) : "未记录");
	out_raw(&o, " · 校验码：<span class=\"code\">");
	out_esc(&o, d->code);
	out_raw(&o, "</span></p>\n<p>刊载于 <a href=\"");
	issue_href(&o, d->year, d->number);
	out_raw(&o, "\">");
	issue_label(&o, d->year, d->number);
	out_fmt(&o, "</a> 第%u–%u页 · <a href=\"", d->first_page, d->last_page);
	pdf_href(&o, d->year, d->number, d->version);
	out_fmt(&o, "\">下载签名PDF（第%u版）</a></p>\n", d->version);
	out_raw(&o, "<h2>目录信息</h2>\n<table class=\"meta\">\n<tbody>\n");
	meta_row(&o, "索引号", d->index_no);
	meta_row(&o, "发文字号", d->doc_no);
	meta_row(&o, "文件标题", d->title);
	meta_row(&o, "发布机构", d->issuer);
	meta_row(&o, "成文日期", d->written);
	meta_row(&o, "发布日期", d->published);
	meta_row(&o, "主题分类", d->subject);
	meta_row(&o, "体裁分类", d->genre);
	meta_row(&o, "有效性", gaz_status_name(st) ? gaz_status_name(st) : d->validity);
	meta_row(&o, "栏目", d->section);
	out_raw(&o, "</tbody>\n</table>\n");

	out_raw(&o, "<h2>刊载</h2>\n<div class=\"scroll\"><table>\n<thead><tr>"
		    "<th scope=\"col\">期次</th><th scope=\"col\">版本</th>"
		    "<th scope=\"col\">页码</th><th scope=\"col\">下载</th></tr></thead>\n<tbody>\n");
	for (i = n; i-- > 0;) {
		const struct gaz_ar_doc *x = &docs[i];
		out_raw(&o, "<tr><td><a href=\"");
		issue_href(&o, x->year, x->number);
		out_raw(&o, "\">");
		issue_label(&o, x->year, x->number);
		out_fmt(&o, "</a></td><td class=\"nw\">第%u版</td><td class=\"nw\">第%u–%u页</td><td><a href=\"",
			x->version, x->first_page, x->last_page);
		pdf_href(&o, x->year, x->number, x->version);
		out_fmt(&o, "\">v%u.pdf</a></td></tr>\n", x->version);
	}
	out_raw(&o, "</tbody></table></div>\n");

	out_raw(&o, "<h2>效力状态及其变化</h2>\n");
	if (!nev) {
		out_raw(&o, "<p>未记录。</p>\n");
	} else {
		out_raw(&o, "<div class=\"scroll\"><table>\n<thead><tr><th scope=\"col\">生效日期</th>"
			    "<th scope=\"col\">状态</th><th scope=\"col\" class=\"nw\">依据文件</th>"
			    "<th scope=\"col\">说明</th><th scope=\"col\">登记时间</th></tr></thead>\n"
			    "<tbody>\n");
		for (i = 0; i < nev; i++) {
			char tm[40];
			fmt_time(tm, sizeof tm, ev[i].time);
			out_raw(&o, "<tr><td class=\"nw\">");
			out_esc(&o, ev[i].date);
			out_fmt(&o, "</td><td class=\"nw\"><span class=\"st %s\">%s</span>%s</td><td class=\"nw\">",
				status_class(ev[i].status),
				gaz_status_name(ev[i].status) ? gaz_status_name(ev[i].status) : "",
				(long)i == which ? "（当前）" : "");
			out_esc(&o, ev[i].by_doc);
			out_raw(&o, "</td><td class=\"wide\">");
			out_esc(&o, ev[i].note);
			out_fmt(&o, "</td><td class=\"nw\">%s</td></tr>\n", tm);
		}
		out_raw(&o, "</tbody></table></div>\n");
	}
	out_raw(&o, "<h2>全文</h2>\n<section class=\"text\" aria-label=\"全文\">\n");
	text_paragraphs(&o, text, tlen);
	out_raw(&o, "</section>\n</article>\n<p><a href=\"/api/v1/docs/");
	out_seg(&o, d->code);
	out_raw(&o, ".json\">本文件数据（JSON）</a></p>\n");
	page_end(s, &o);
	rc = resp_page(r, &o, 200, HTML_TYPE);
end:
	if (have_ver)
		gaz_ar_version_release(&ver);
	gaz_ar_events_free(ev, nev);
	gaz_ar_docs_free(docs, n);
	free(text);
	out_release(&o);
	return rc;
}

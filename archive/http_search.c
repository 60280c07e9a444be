/* /search and /api/v1/search.json: the query form with its filters, ranked
 * results, snippets escaped here and matches wrapped in <mark>. */
#include "archive/http_int.h"
#include "gazette/search.h"

#include "gazette/dl/cjson.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PER_PAGE 20
#define MAX_PAGE 50      /* PER_PAGE * MAX_PAGE <= GAZ_SEARCH_PAGE_MAX */
#define TITLE_PREFIX "检索："
#define TITLE_Q_CHARS 30 /* characters of the query in the page's <title> */

struct sform {
	const char *q, *issuer, *subject, *genre, *from, *to, *status, *year;
	unsigned page;
};

static const char *param(const struct gaz_http_target *t, const char *k)
{
	const char *v = gaz_http_target_param(t, k);

	return v && v[0] ? v : NULL;
}

static int read_form(const struct gaz_http_target *t, struct sform *f)
{
	const char *p;
	uint64_t v;

	memset(f, 0, sizeof *f);
	f->q = param(t, "q");
	f->issuer = param(t, "issuer");
	f->subject = param(t, "subject");
	f->genre = param(t, "genre");
	f->from = param(t, "from");
	f->to = param(t, "to");
	f->status = param(t, "status");
	f->year = param(t, "year");
	f->page = 1;
	if ((p = param(t, "page"))) {
		if (gaz_parse_uint(p, strlen(p), MAX_PAGE, &v) || v == 0)
			return GAZ_EINVAL;
		f->page = (unsigned)v;
	}
	if (f->q && strlen(f->q) > GAZ_SEARCH_QUERY_MAX)
		return GAZ_EINVAL;
	return 0;
}

static int any_filter(const struct sform *f)
{
	return f->q || f->issuer || f->subject || f->genre || f->from || f->to || f->status ||
	       f->year;
}

/* The query string of this search with page p (for pager links). */
static void query_href(struct out *o, const struct sform *f, unsigned p)
{
	const struct { const char *k, *v; } kv[] = {
		{ "q", f->q }, { "issuer", f->issuer }, { "subject", f->subject },
		{ "genre", f->genre }, { "from", f->from }, { "to", f->to },
		{ "status", f->status }, { "year", f->year },
	};
	size_t i;
	int first = 1;

	out_raw(o, "/search");
	for (i = 0; i < sizeof kv / sizeof *kv; i++) {
		if (!kv[i].v)
			continue;
		out_raw(o, first ? "?" : "&amp;");
		out_raw(o, kv[i].k);
		out_raw(o, "=");
		out_seg(o, kv[i].v);
		first = 0;
	}
	out_fmt(o, "%spage=%u", first ? "?" : "&amp;", p);
}

static void input(struct out *o, const char *id, const char *label, const char *type,
		  const char *value, const char *extra)
{
	out_fmt(o, "<div%s><label for=\"f-%s\">%s</label><input id=\"f-%s\" name=\"%s\" "
		"type=\"%s\" value=\"", !strcmp(id, "q") ? " class=\"wide\"" : "", id, label,
		id, id, type);
	out_esc(o, value ? value : "");
	out_fmt(o, "\"%s></div>\n", extra ? extra : "");
}

/* The query box, then the other filters folded into a <details> (open
 * when one is in use), so that on a phone the results follow the query
 * box instead of seven fields; no JavaScript needed. */
static void form(struct out *o, const struct sform *f)
{
	static const char *const st[] = { "有效", "已修改", "废止", "失效" };
	const char *const used[] = { f->issuer, f->subject, f->genre, f->from, f->to, f->status };
	size_t i, n_used = 0;

	for (i = 0; i < sizeof used / sizeof *used; i++)
		n_used += used[i] != NULL;
	out_raw(o, "<form class=\"filters\" role=\"search\" action=\"/search\" method=\"get\">\n");
	input(o, "q", "检索词（空格分隔多个词，引号内为短语）", "search", f->q, NULL);
	out_fmt(o, "<details class=\"more\"%s><summary>发布机构、主题、体裁、日期、效力状态",
		n_used ? " open" : "");
	if (n_used)
		out_fmt(o, "（已用 %zu 项）", n_used);
	out_raw(o, "</summary>\n<div class=\"grid\">\n");
	input(o, "issuer", "发布机构", "text", f->issuer, NULL);
	input(o, "subject", "主题分类", "text", f->subject, NULL);
	input(o, "genre", "体裁分类", "text", f->genre, NULL);
	input(o, "from", "发布日期自", "date", f->from, NULL);
	input(o, "to", "发布日期至", "date", f->to, NULL);
	out_raw(o, "<div><label for=\"f-status\">效力状态</label><select id=\"f-status\" "
		   "name=\"status\"><option value=\"\">不限</option>");
	for (i = 0; i < sizeof st / sizeof *st; i++) {
		out_fmt(o, "<option%s>%s</option>",
			f->status && !strcmp(f->status, st[i]) ? " selected" : "", st[i]);
	}
	out_raw(o, "</select></div>\n</div>\n</details>\n"
		   "<div><button type=\"submit\">检索</button></div>\n</form>\n");
}

/* How a snippet window is shown (page and API alike): without the
 * punctuation and spaces it was cut in front of (a window opening with a
 * bare "，"), nor a dangling "，、；：" where it was cut off, and with "…"
 * at each end where it was cut from the text.  plain[from..to) is shown;
 * never past a match. */
struct snip {
	size_t from, to;
	int dots_before, dots_after;
};

#define ELLIPSIS "…"
#define ELLIPSIS_LEN 3

/* Spaces and the punctuation that closes a clause or a bracket: what a
 * window must not open with. */
static int lead_punct(uint32_t c)
{
	static const uint32_t cjk[] = {
		0x3000, 0x3001, 0x3002, 0xFF0C, 0xFF0E, 0xFF1B, 0xFF1A, 0xFF01, 0xFF1F, 0xFF09,
		0x3009, 0x300B, 0x300D, 0x300F, 0x3011, 0x3015, 0x3017, 0x201D, 0x2019,
	};
	size_t i;

	if (c > 0 && c < 0x80)
		return strchr(" \t\n,.;:!?)]}", (int)c) != NULL;
	for (i = 0; i < sizeof cjk / sizeof *cjk; i++)
		if (c == cjk[i])
			return 1;
	return 0;
}

static int trail_punct(uint32_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == 0x3000 || c == ',' || c == ';' ||
	       c == ':' || c == 0xFF0C || c == 0x3001 || c == 0xFF1B || c == 0xFF1A;
}

static void snip_view(const struct gaz_search_hit *h, struct snip *v)
{
	const unsigned char *p = (const unsigned char *)(h->plain ? h->plain : "");
	size_t n = strlen((const char *)p), lo = n, hi = 0, i, k;
	uint32_t c;

	for (i = 0; i < h->n_spans; i++) {   /* matches are never trimmed */
		if (h->spans[i].off > n || h->spans[i].len > n - h->spans[i].off)
			continue;
		if (h->spans[i].off < lo)
			lo = h->spans[i].off;
		if (h->spans[i].off + h->spans[i].len > hi)
			hi = h->spans[i].off + h->spans[i].len;
	}
	v->from = 0;
	v->to = n;
	while (v->from < lo && (k = gaz_utf8_decode(p + v->from, n - v->from, &c)) &&
	       v->from + k <= lo && lead_punct(c))
		v->from += k;
	if (h->cut_end) {
		while (v->to > v->from && v->to > hi) {
			size_t b = v->to - 1;
			while (b > v->from && (p[b] & 0xC0) == 0x80)
				b--;
			if (!(k = gaz_utf8_decode(p + b, v->to - b, &c)) || b + k != v->to ||
			    !trail_punct(c))
				break;
			v->to = b;
		}
	}
	v->dots_before = h->cut_start && v->to > v->from;
	v->dots_after = h->cut_end && v->to > v->from;
}

/* Escapes the shown window, wrapping each span in <mark>. */
static void snippet(struct out *o, const struct gaz_search_hit *h)
{
	struct snip v;
	size_t pos, i;

	snip_view(h, &v);
	pos = v.from;
	if (v.dots_before)
		out_raw(o, ELLIPSIS);
	for (i = 0; i < h->n_spans; i++) {
		const struct gaz_search_span *sp = &h->spans[i];
		if (sp->off < pos || sp->off > v.to || sp->len > v.to - sp->off)
			continue;   /* out of order or out of range: show unmarked */
		out_escn(o, h->plain + pos, sp->off - pos);
		out_raw(o, "<mark>");
		out_escn(o, h->plain + sp->off, sp->len);
		out_raw(o, "</mark>");
		pos = sp->off + sp->len;
	}
	if (pos < v.to)
		out_escn(o, h->plain + pos, v.to - pos);
	if (v.dots_after)
		out_raw(o, ELLIPSIS);
}

static const char *st_class(enum gaz_search_status st)
{
	return status_class((int)st);
}

static int same_doc(const struct gaz_search_hit *a, const struct gaz_search_hit *b)
{
	return a->doc_no && b->doc_no && !strcmp(a->doc_no, b->doc_no);
}

/* Documents among the hits, each counted once. */
static size_t distinct_docs(const struct gaz_search_results *res)
{
	size_t i, k, n = 0;

	for (i = 0; i < res->n; i++) {
		for (k = 0; k < i && !same_doc(&res->hits[k], &res->hits[i]); k++)
			;
		n += k == i;
	}
	return n;
}

static int run(struct site *s, const struct sform *f, struct gaz_search_results **res)
{
	struct gaz_search_query q;
	MDB_txn *txn = NULL;
	uint64_t y;
	int rc;

	memset(&q, 0, sizeof q);
	q.text = f->q;
	q.issuer = f->issuer;
	q.subject = f->subject;
	q.genre = f->genre;
	q.from = f->from;
	q.to = f->to;
	if (f->status) {
		q.status = gaz_search_status_parse(f->status);
		if (q.status == GAZ_ST_UNKNOWN)
			return gaz_fail(GAZ_EINVAL, "unknown status");
	}
	if (f->year) {
		if (gaz_parse_uint(f->year, strlen(f->year), 9999, &y))
			return gaz_fail(GAZ_EINVAL, "bad year");
		q.issue_year = (uint32_t)y;
	}
	/* Every issue version's copy of a document is indexed; results show a
	 * document once.  Fetch a little beyond the page, and more only when
	 * folding the copies left too few (a corrected issue holds its
	 * documents twice). */
	q.offset = 0;
	q.limit = (size_t)f->page * PER_PAGE + PER_PAGE / 2;
	q.snippet_chars = 90;
	if ((rc = site_read_begin(s, &txn)))
		return rc;
	for (;;) {
		if (q.limit > GAZ_SEARCH_PAGE_MAX)
			q.limit = GAZ_SEARCH_PAGE_MAX;
		if ((rc = gaz_search_query(txn, &q, res)))
			break;
		if ((*res)->n < q.limit || q.limit == GAZ_SEARCH_PAGE_MAX ||
		    distinct_docs(*res) > (size_t)f->page * PER_PAGE)
			break;
		gaz_search_results_free(*res);
		*res = NULL;
		q.limit *= 2;
	}
	site_read_end(s, txn);
	return rc;
}

/* One page of results with each document once (the best-ranked copy). */
struct view {
	const struct gaz_search_hit *hit[PER_PAGE];
	size_t n;
	uint64_t total;     /* distinct documents (estimated when not exact) */
	int exact;
	int more;           /* a next page exists */
};

static void fold(const struct gaz_search_results *res, unsigned page, struct view *v)
{
	size_t i, k, distinct = 0, first = (size_t)(page - 1) * PER_PAGE;

	memset(v, 0, sizeof *v);
	for (i = 0; i < res->n; i++) {
		for (k = 0; k < i && !same_doc(&res->hits[k], &res->hits[i]); k++)
			;
		if (k < i)
			continue;   /* a copy of a document already listed */
		if (distinct >= first && v->n < PER_PAGE)
			v->hit[v->n++] = &res->hits[i];
		distinct++;
	}
	if (res->n >= res->total && res->total_exact) {
		v->total = distinct;
		v->exact = 1;
	} else {    /* scale by the share of distinct documents seen so far */
		v->total = res->n ? (uint64_t)((double)res->total * (double)distinct / (double)res->n)
				  : res->total;
		if (v->total < distinct)
			v->total = distinct;
	}
	v->more = distinct > first + v->n || (!v->exact && v->n == PER_PAGE);
	if (page >= MAX_PAGE)
		v->more = 0;
}

static int json_results(struct resp *r, const struct sform *f, const struct view *v)
{
	cJSON *j = cJSON_CreateObject(), *a;
	size_t i, k;

	if (!j)
		return GAZ_ENOMEM;
	cJSON_AddStringToObject(j, "query", f->q ? f->q : "");
	cJSON_AddNumberToObject(j, "total", (double)v->total);
	cJSON_AddBoolToObject(j, "total_exact", v->exact);
	cJSON_AddNumberToObject(j, "page", f->page);
	cJSON_AddNumberToObject(j, "per_page", PER_PAGE);
	cJSON_AddBoolToObject(j, "more", v->more);
	a = cJSON_AddArrayToObject(j, "results");
	for (i = 0; a && i < v->n; i++) {
		const struct gaz_search_hit *h = v->hit[i];
		cJSON *x = cJSON_CreateObject(), *sp;
		struct snip sv;
		struct out u;

		cJSON_AddStringToObject(x, "title", h->title ? h->title : "");
		cJSON_AddStringToObject(x, "doc_no", h->doc_no ? h->doc_no : "");
		cJSON_AddStringToObject(x, "issuer", h->issuer ? h->issuer : "");
		cJSON_AddStringToObject(x, "published", h->published ? h->published : "");
		cJSON_AddStringToObject(x, "subject", h->subject ? h->subject : "");
		cJSON_AddStringToObject(x, "genre", h->genre ? h->genre : "");
		cJSON_AddStringToObject(x, "status", gaz_search_status_name(h->status));
		cJSON_AddNumberToObject(x, "issue_year", h->issue_year);
		cJSON_AddNumberToObject(x, "issue_number", h->issue_number);
		cJSON_AddNumberToObject(x, "score", h->score);
		cJSON_AddBoolToObject(x, "exact", h->exact);
		/* the snippet as the page shows it; matches index its bytes */
		snip_view(h, &sv);
		out_init(&u, GAZ_HTTP_PAGE_MAX);
		if (sv.dots_before)
			out_raw(&u, ELLIPSIS);
		out_mem(&u, h->plain ? h->plain + sv.from : "", sv.to - sv.from);
		if (sv.dots_after)
			out_raw(&u, ELLIPSIS);
		out_mem(&u, "", 1);
		cJSON_AddStringToObject(x, "snippet", u.err ? "" : u.b.data);
		out_release(&u);
		sp = cJSON_AddArrayToObject(x, "matches");
		for (k = 0; sp && k < h->n_spans; k++) {
			cJSON *m;
			size_t off = h->spans[k].off;
			if (off < sv.from || off > sv.to || h->spans[k].len > sv.to - off)
				continue;
			m = cJSON_CreateArray();
			off = off - sv.from + (sv.dots_before ? ELLIPSIS_LEN : 0);
			cJSON_AddItemToArray(m, cJSON_CreateNumber((double)off));
			cJSON_AddItemToArray(m, cJSON_CreateNumber((double)h->spans[k].len));
			cJSON_AddItemToArray(sp, m);
		}
		out_init(&u, 8192);
		out_raw(&u, "/docs/");
		out_seg(&u, h->doc_no ? h->doc_no : "");
		if (!u.err)
			cJSON_AddStringToObject(x, "url", u.b.data);
		out_release(&u);
		cJSON_AddItemToArray(a, x);
	}
	return resp_json(r, j);
}

int pages_search(struct site *s, const struct req *q, struct resp *r, int json)
{
	struct gaz_search_results *res = NULL;
	struct view v;
	struct sform f;
	struct out o;
	size_t i;
	int rc, bad = 0;

	out_init(&o, GAZ_HTTP_PAGE_MAX);
	if (read_form(q->t, &f))
		return GAZ_EINVAL;
	if (any_filter(&f)) {
		rc = run(s, &f, &res);
		if (rc == GAZ_EINVAL) {
			bad = 1;
			gaz_clear_error();
		} else if (rc) {
			return rc;
		}
	}
	memset(&v, 0, sizeof v);
	v.exact = 1;
	if (res)
		fold(res, f.page, &v);
	if (json) {
		if (bad)
			return GAZ_EINVAL;
		rc = json_results(r, &f, &v);
		gaz_search_results_free(res);
		return rc;
	}
	if (f.q) {
		/* the query, capped: a title is not the place for a paragraph */
		char title[sizeof TITLE_PREFIX + TITLE_Q_CHARS * 4 + sizeof ELLIPSIS];
		const unsigned char *qp = (const unsigned char *)f.q;
		size_t qn = strlen(f.q), at = 0, chars = 0, k;
		uint32_t c;

		while (at < qn && chars < TITLE_Q_CHARS &&
		       (k = gaz_utf8_decode(qp + at, qn - at, &c))) {
			at += k;
			chars++;
		}
		snprintf(title, sizeof title, "%s%.*s%s", TITLE_PREFIX, (int)at, f.q,
			 at < qn ? ELLIPSIS : "");
		page_begin(s, &o, title, "search");
	} else {
		page_begin(s, &o, "检索", "search");
	}
	out_raw(&o, "<h1>检索</h1>\n");
	form(&o, &f);
	if (bad) {
		out_raw(&o, "<p class=\"verdict bad\" role=\"alert\">检索式无效：请检查引号是否成对、"
			    "日期格式（YYYY-MM-DD）以及检索词是否包含可检索的文字。</p>\n");
	} else if (res) {
		out_fmt(&o, "<p role=\"status\">共找到 %s%llu 篇文件", v.exact ? "" : "约 ",
			(unsigned long long)v.total);
		if (f.page > 1 || v.more)
			out_fmt(&o, "，第 %u 页", f.page);
		out_raw(&o, "。</p>\n<ol class=\"results\" start=\"");
		out_fmt(&o, "%u\">\n", (f.page - 1) * PER_PAGE + 1);
		for (i = 0; i < v.n; i++) {
			const struct gaz_search_hit *h = v.hit[i];
			out_raw(&o, "<li><a href=\"/docs/");
			out_seg(&o, h->doc_no ? h->doc_no : "");
			out_raw(&o, "\">");
			out_esc(&o, h->title);
			out_raw(&o, "</a><br><span class=\"muted\">");
			out_esc(&o, h->doc_no);
			out_raw(&o, " · ");
			out_esc(&o, h->issuer);
			out_raw(&o, " · ");
			out_esc(&o, h->published);
			out_fmt(&o, " · <span class=\"st %s\">%s</span>", st_class(h->status),
				gaz_search_status_name(h->status)[0] ? gaz_search_status_name(h->status)
								      : "未记录");
			if (h->issue_year)
				out_fmt(&o, " · 刊载于<a href=\"/issues/%u/%u\">%u年第%u期</a>",
					h->issue_year, h->issue_number, h->issue_year, h->issue_number);
			out_raw(&o, "</span><br><span class=\"snippet\">");
			snippet(&o, h);
			out_raw(&o, "</span></li>\n");
		}
		out_raw(&o, "</ol>\n");
		if (f.page > 1 || v.more) {
			out_raw(&o, "<nav class=\"pager\" aria-label=\"分页\">");
			if (f.page > 1) {
				out_raw(&o, "<a rel=\"prev\" href=\"");
				query_href(&o, &f, f.page - 1);
				out_raw(&o, "\">上一页</a>");
			}
			if (v.more) {
				out_raw(&o, "<a rel=\"next\" href=\"");
				query_href(&o, &f, f.page + 1);
				out_raw(&o, "\">下一页</a>");
			}
			out_raw(&o, "</nav>\n");
		}
	} else {
		out_raw(&o, "<p>输入检索词，或只用筛选条件列出文件。单个汉字和双字词精确匹配，"
			    "三字以上的词按短语匹配。</p>\n");
	}
	page_end(s, &o);
	gaz_search_results_free(res);
	if ((rc = resp_page(r, &o, bad ? 400 : 200, HTML_TYPE)))
		out_release(&o);
	return rc;
}

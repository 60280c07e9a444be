/* /log, /log/inclusion, /log/consistency and their JSON twins: the
 * transparency log's head and the proofs a client checks offline. */
#include "archive/http_int.h"
#include "gazette/archive.h"
#include "gazette/tlog.h"

#include "gazette/dl/cjson.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RECENT 20

static int uparam(const struct gaz_http_target *t, const char *k, uint64_t *v, int *have)
{
	const char *p = gaz_http_target_param(t, k);

	*have = 0;
	if (!p || !p[0])
		return 0;
	if (gaz_parse_uint(p, strlen(p), GAZ_TLOG_MAX_SIZE, v))
		return GAZ_EINVAL;
	*have = 1;
	return 0;
}

/* What a leaf records, in a line of Chinese ("" if it cannot tell). */
static void describe_leaf(struct out *o, const unsigned char *data, size_t n)
{
	struct gaz_tlog_entry e;
	char strbuf[4 * 256];

	if (!gaz_tlog_leaf_decode(data, n, &e, strbuf)) {
		if (e.kind == GAZ_TLOG_ISSUE_VERSION) {
			out_fmt(o, "%u年第%u期 第%u版发布", e.year, e.number, e.version);
		} else {
			out_raw(o, "文件 ");
			out_esc(o, e.doc_no);
			out_raw(o, " 状态变更为");
			out_esc(o, e.status);
			if (e.date && e.date[0]) {
				out_raw(o, "（");
				out_esc(o, e.date);
				out_raw(o, "起）");
			}
		}
		return;
	}
	/* The archive may log its stored records themselves. */
	if (n >= 2 && data[1] == GAZ_REC_VERSION) {
		struct gaz_ar_version v;
		memset(&v, 0, sizeof v);
		if (!gaz_rec_decode(GAZ_REC_VERSION, data, n, &v)) {
			out_fmt(o, "%u年第%u期 第%u版发布", v.year, v.number, v.version);
			gaz_ar_version_release(&v);
		}
	} else if (n >= 2 && data[1] == GAZ_REC_EVENT) {
		struct gaz_ar_event ev;
		memset(&ev, 0, sizeof ev);
		if (!gaz_rec_decode(GAZ_REC_EVENT, data, n, &ev)) {
			out_raw(o, "文件 ");
			out_esc(o, ev.doc_no);
			out_raw(o, " 状态变更为");
			out_raw(o, gaz_status_name(ev.status) ? gaz_status_name(ev.status) : "");
			out_raw(o, "（");
			out_esc(o, ev.date);
			out_raw(o, "起）");
			gaz_ar_events_free(&ev, 1);
		}
	}
}

struct head {
	uint64_t size;          /* current log size */
	unsigned char root[32]; /* root at size */
	int signed_head;
	struct gaz_tlog_sth sth;
	uint64_t ref;           /* the size proofs refer to by default */
};

static int load_head(MDB_txn *txn, struct head *h)
{
	int rc;

	memset(h, 0, sizeof *h);
	if ((rc = gaz_tlog_size(txn, &h->size)))
		return rc;
	if ((rc = gaz_tlog_root(txn, h->size, h->root)))
		return rc;
	rc = gaz_tlog_latest_head(txn, &h->sth);
	if (rc == 0)
		h->signed_head = 1;
	else if (rc != GAZ_ENOTFOUND)
		return rc;
	gaz_clear_error();
	h->ref = h->signed_head && h->sth.size <= h->size ? h->sth.size : h->size;
	return 0;
}

static void proof_json(cJSON *j, const struct gaz_tlog_proof *p)
{
	cJSON *a = cJSON_AddArrayToObject(j, "proof");
	char hx[65];
	size_t i;

	for (i = 0; a && i < p->n; i++) {
		gaz_hex(p->h[i], 32, hx);
		cJSON_AddItemToArray(a, cJSON_CreateString(hx));
	}
}

static void head_json(cJSON *j, const struct head *h)
{
	char hx[129];

	cJSON_AddNumberToObject(j, "size", (double)h->size);
	gaz_hex(h->root, 32, hx);
	cJSON_AddStringToObject(j, "root", hx);
	if (h->signed_head) {
		cJSON *s = cJSON_AddObjectToObject(j, "signed_head");
		cJSON_AddNumberToObject(s, "size", (double)h->sth.size);
		cJSON_AddNumberToObject(s, "timestamp_ms", (double)h->sth.timestamp_ms);
		gaz_hex(h->sth.root, 32, hx);
		cJSON_AddStringToObject(s, "root", hx);
		gaz_hex(h->sth.sig, 64, hx);
		cJSON_AddStringToObject(s, "signature", hx);
		cJSON_AddStringToObject(s, "algorithm", "Ed25519");
	}
}

static void head_html(struct out *o, const struct head *h)
{
	char hx[129], tm[40];

	gaz_hex(h->root, 32, hx);
	out_fmt(o, "<table class=\"meta\"><tbody>\n<tr><th scope=\"row\">条目数</th><td>%llu</td></tr>\n"
		"<tr><th scope=\"row\">当前根哈希</th><td class=\"hash\">%s</td></tr>\n",
		(unsigned long long)h->size, hx);
	if (h->signed_head) {
		fmt_time(tm, sizeof tm, (int64_t)(h->sth.timestamp_ms / 1000));
		out_fmt(o, "<tr><th scope=\"row\">已签名树头</th><td>%llu 条，签于 %s</td></tr>\n",
			(unsigned long long)h->sth.size, tm);
		gaz_hex(h->sth.root, 32, hx);
		out_fmt(o, "<tr><th scope=\"row\">签名树头根哈希</th><td class=\"hash\">%s</td></tr>\n", hx);
		gaz_hex(h->sth.sig, 64, hx);
		out_fmt(o, "<tr><th scope=\"row\">签名（Ed25519）</th><td class=\"hash\">%s</td></tr>\n", hx);
	} else {
		out_raw(o, "<tr><th scope=\"row\">已签名树头</th><td>尚未签名</td></tr>\n");
	}
	out_raw(o, "</tbody></table>\n");
}

static int page_head(struct site *s, MDB_txn *txn, const struct head *h, struct resp *r,
		     int json, const struct gaz_http_target *t)
{
	struct out o;
	uint64_t i, from = h->size > RECENT ? h->size - RECENT : 0;
	int rc;

	if (json) {
		cJSON *j = cJSON_CreateObject();
		if (!j)
			return GAZ_ENOMEM;
		head_json(j, h);
		cJSON_AddStringToObject(j, "inclusion", "/api/v1/log/inclusion.json?index=N&size=M");
		cJSON_AddStringToObject(j, "consistency",
					"/api/v1/log/consistency.json?first=M&second=N");
		return resp_json(r, j);
	}
	out_init(&o, GAZ_HTTP_PAGE_MAX);
	page_begin(s, &o, "透明日志", "log");
	out_raw(&o, "<h1>透明日志</h1>\n<p>每一期公报的每个版本、每一次效力状态变更，都作为一个条目"
		    "追加到只增不改的 Merkle 日志（RFC 9162 方式）。编辑部用 Ed25519 密钥对日志树头签名。"
		    "任何人都可以用下面的证明离线核对：某个文件确实登记在日志中（包含证明），"
		    "日志从未被改写、只在末尾追加（一致性证明）。</p>\n<h2>树头</h2>\n");
	head_html(&o, h);
	out_raw(&o, "<h2>如何验证</h2>\n<ol>\n<li>取得树头（<a href=\"/api/v1/log.json\">"
		    "/api/v1/log.json</a>），用编辑部公布的 Ed25519 公钥验证签名：签名覆盖 "
		    "版本(1)‖类型(1)‖时间戳(8)‖条目数(8)‖根哈希(32)。</li>\n"
		    "<li>条目哈希 = SHA-256(0x00‖条目数据)，节点哈希 = SHA-256(0x01‖左‖右)。"
		    "用包含证明从条目哈希逐层算出根哈希，与签名树头比对。</li>\n"
		    "<li>保存曾见过的树头；以后用一致性证明核对新树头是旧树头的延续。</li>\n"

		    "</ol>\n");
	if (!s->exporting) {
		out_fmt(&o, "<h2>查询证明</h2>\n<form class=\"filters\" action=\"/log/inclusion\" method=\"get\">"
			"<div><label for=\"f-index\">条目序号（从0起）</label><input id=\"f-index\" "
			"name=\"index\" type=\"number\" min=\"0\" required></div>"
			"<div><label for=\"f-size\">树的大小</label><input id=\"f-size\" name=\"size\" "
			"type=\"number\" min=\"1\" value=\"%llu\"></div>"
			"<div><button type=\"submit\">包含证明</button></div></form>\n",
			(unsigned long long)h->ref);
		out_fmt(&o, "<form class=\"filters\" action=\"/log/consistency\" method=\"get\">"
			"<div><label for=\"f-first\">旧树大小</label><input id=\"f-first\" name=\"first\" "
			"type=\"number\" min=\"1\" required></div>"
			"<div><label for=\"f-second\">新树大小</label><input id=\"f-second\" name=\"second\" "
			"type=\"number\" min=\"1\" value=\"%llu\"></div>"
			"<div><button type=\"submit\">一致性证明</button></div></form>\n",
			(unsigned long long)h->ref);
	}
	out_raw(&o, "<h2>最近的条目</h2>\n<div class=\"scroll\"><table>\n<thead><tr>"
		    "<th scope=\"col\">序号</th><th scope=\"col\">内容</th>"
		    "<th scope=\"col\">条目哈希</th><th scope=\"col\">证明</th></tr></thead>\n<tbody>\n");
	for (i = h->size; i-- > from;) {
		unsigned char lh[32], *data = NULL;
		size_t n = 0;
		char hx[65];

		if ((rc = gaz_tlog_leaf(txn, i, lh, &data, &n)))
			break;
		gaz_hex(lh, 32, hx);
		out_fmt(&o, "<tr><th scope=\"row\">%llu</th><td>", (unsigned long long)i);
		describe_leaf(&o, data, n);
		out_fmt(&o, "</td><td class=\"hash\">%.16s…</td><td>", hx);
		if (i < h->ref) {
			if (s->exporting)
				out_fmt(&o, "<a href=\"/api/v1/log/inclusion/%llu.json\">包含证明</a>",
					(unsigned long long)i);
			else
				out_fmt(&o, "<a href=\"/log/inclusion?index=%llu&amp;size=%llu\">包含证明</a>",
					(unsigned long long)i, (unsigned long long)h->ref);
		}
		out_raw(&o, "</td></tr>\n");
		free(data);
	}
	out_raw(&o, "</tbody></table></div>\n");
	page_end(s, &o);
	(void)t;
	if ((rc = resp_page(r, &o, 200, HTML_TYPE)))
		out_release(&o);
	return rc;
}

static int page_inclusion(struct site *s, MDB_txn *txn, const struct head *h, struct resp *r,
			  int json, uint64_t index, uint64_t size)
{
	struct gaz_tlog_proof p;
	unsigned char lh[32], root[32], *data = NULL;
	size_t n = 0, i;
	char hx[65];
	struct out o;
	int rc, ok;

	if (size == 0 || index >= size || size > h->size)
		return gaz_fail(GAZ_EINVAL, "index must be below size, size at most the log size");
	if ((rc = gaz_tlog_leaf(txn, index, lh, &data, &n)))
		return rc;
	if ((rc = gaz_tlog_inclusion_proof(txn, index, size, &p)) ||
	    (rc = gaz_tlog_root(txn, size, root)))
		goto end;
	ok = gaz_tlog_verify_inclusion(lh, index, size, &p, root) == 0;
	if (json) {
		cJSON *j = cJSON_CreateObject();
		char *leaf_hex = malloc(2 * n + 1);
		if (!j || !leaf_hex) {
			cJSON_Delete(j);
			free(leaf_hex);
			rc = GAZ_ENOMEM;
			goto end;
		}
		cJSON_AddNumberToObject(j, "index", (double)index);
		cJSON_AddNumberToObject(j, "size", (double)size);
		gaz_hex(lh, 32, hx);
		cJSON_AddStringToObject(j, "leaf_hash", hx);
		gaz_hex(data, n, leaf_hex);
		cJSON_AddStringToObject(j, "leaf_data", leaf_hex);
		free(leaf_hex);
		gaz_hex(root, 32, hx);
		cJSON_AddStringToObject(j, "root", hx);
		proof_json(j, &p);
		rc = resp_json(r, j);
		goto end;
	}
	out_init(&o, GAZ_HTTP_PAGE_MAX);
	page_begin(s, &o, "包含证明", "log");
	out_fmt(&o, "<h1>包含证明：第 %llu 条，树大小 %llu</h1>\n<p>",
		(unsigned long long)index, (unsigned long long)size);
	describe_leaf(&o, data, n);
	gaz_hex(lh, 32, hx);
	out_fmt(&o, "</p>\n<table class=\"meta\"><tbody>\n<tr><th scope=\"row\">条目哈希</th>"
		"<td class=\"hash\">%s</td></tr>\n", hx);
	gaz_hex(root, 32, hx);
	out_fmt(&o, "<tr><th scope=\"row\">根哈希</th><td class=\"hash\">%s</td></tr>\n"
		"<tr><th scope=\"row\">服务器自检</th><td>%s</td></tr>\n</tbody></table>\n"
		"<h2>证明路径（%zu 个哈希，自下而上）</h2>\n<ol>\n", hx,
		ok ? "证明有效" : "证明无效", p.n);
	for (i = 0; i < p.n; i++) {
		gaz_hex(p.h[i], 32, hx);
		out_fmt(&o, "<li class=\"hash\">%s</li>\n", hx);
	}
	out_fmt(&o, "</ol>\n<p><a href=\"/api/v1/log/inclusion.json?index=%llu&amp;size=%llu\">"
		"JSON</a> · <a href=\"/log\">返回透明日志</a></p>\n",
		(unsigned long long)index, (unsigned long long)size);
	page_end(s, &o);
	if ((rc = resp_page(r, &o, 200, HTML_TYPE)))
		out_release(&o);
end:
	free(data);
	return rc;
}

static int page_consistency(struct site *s, MDB_txn *txn, const struct head *h,
			    struct resp *r, int json, uint64_t m, uint64_t n)
{
	struct gaz_tlog_proof p;
	unsigned char r1[32], r2[32];
	char hx[65];
	struct out o;
	size_t i;
	int rc, ok;

	if (m == 0 || m > n || n > h->size)
		return gaz_fail(GAZ_EINVAL, "need 0 < first <= second <= log size");
	if ((rc = gaz_tlog_consistency_proof(txn, m, n, &p)) || (rc = gaz_tlog_root(txn, m, r1)) ||
	    (rc = gaz_tlog_root(txn, n, r2)))
		return rc;
	ok = gaz_tlog_verify_consistency(m, n, r1, r2, &p) == 0;
	if (json) {
		cJSON *j = cJSON_CreateObject();
		if (!j)
			return GAZ_ENOMEM;
		cJSON_AddNumberToObject(j, "first", (double)m);
		cJSON_AddNumberToObject(j, "second", (double)n);
		gaz_hex(r1, 32, hx);
		cJSON_AddStringToObject(j, "first_root", hx);
		gaz_hex(r2, 32, hx);
		cJSON_AddStringToObject(j, "second_root", hx);
		proof_json(j, &p);
		return resp_json(r, j);
	}
	out_init(&o, GAZ_HTTP_PAGE_MAX);
	page_begin(s, &o, "一致性证明", "log");
	out_fmt(&o, "<h1>一致性证明：%llu → %llu</h1>\n<table class=\"meta\"><tbody>\n",
		(unsigned long long)m, (unsigned long long)n);
	gaz_hex(r1, 32, hx);
	out_fmt(&o, "<tr><th scope=\"row\">旧根哈希</th><td class=\"hash\">%s</td></tr>\n", hx);
	gaz_hex(r2, 32, hx);
	out_fmt(&o, "<tr><th scope=\"row\">新根哈希</th><td class=\"hash\">%s</td></tr>\n"
		"<tr><th scope=\"row\">服务器自检</th><td>%s</td></tr>\n</tbody></table>\n"
		"<h2>证明（%zu 个哈希）</h2>\n<ol>\n", hx, ok ? "证明有效" : "证明无效", p.n);
	for (i = 0; i < p.n; i++) {
		gaz_hex(p.h[i], 32, hx);
		out_fmt(&o, "<li class=\"hash\">%s</li>\n", hx);
	}
	out_fmt(&o, "</ol>\n<p><a href=\"/api/v1/log/consistency.json?first=%llu&amp;second=%llu\">"
		"JSON</a> · <a href=\"/log\">返回透明日志</a></p>\n",
		(unsigned long long)m, (unsigned long long)n);
	page_end(s, &o);
	if ((rc = resp_page(r, &o, 200, HTML_TYPE)))
		out_release(&o);
	return rc;
}

int pages_log(struct site *s, const struct req *q, struct resp *r, const char *what, int json)
{
	MDB_txn *txn = NULL;
	struct head h;
	uint64_t a = 0, b = 0;
	int ha, hb, rc;

	if ((rc = site_read_begin(s, &txn)))
		return rc;
	if ((rc = load_head(txn, &h)))
		goto end;
	if (!strcmp(what, "head")) {
		rc = page_head(s, txn, &h, r, json, q->t);
	} else if (!strcmp(what, "inclusion")) {
		if ((rc = uparam(q->t, "index", &a, &ha)) || (rc = uparam(q->t, "size", &b, &hb)))
			goto end;
		if (!ha) {
			rc = GAZ_EINVAL;
			goto end;
		}
		rc = page_inclusion(s, txn, &h, r, json, a, hb ? b : h.ref);
	} else if (!strncmp(what, "inclusion/", 10)) {
		/* static form: /api/v1/log/inclusion/N.json against the head */
		if (gaz_parse_uint(what + 10, strlen(what + 10), GAZ_TLOG_MAX_SIZE, &a)) {
			rc = GAZ_ENOTFOUND;
			goto end;
		}
		rc = page_inclusion(s, txn, &h, r, 1, a, h.ref);
	} else if (!strncmp(what, "consistency/", 12)) {
		/* static form: /api/v1/log/consistency/M.json from M to the head */
		if (gaz_parse_uint(what + 12, strlen(what + 12), GAZ_TLOG_MAX_SIZE, &a)) {
			rc = GAZ_ENOTFOUND;
			goto end;
		}
		rc = page_consistency(s, txn, &h, r, 1, a, h.ref);
	} else {
		if ((rc = uparam(q->t, "first", &a, &ha)) || (rc = uparam(q->t, "second", &b, &hb)))
			goto end;
		if (!ha) {
			rc = GAZ_EINVAL;
			goto end;
		}
		rc = page_consistency(s, txn, &h, r, json, a, hb ? b : h.ref);
	}
end:
	site_read_end(s, txn);
	return rc;
}

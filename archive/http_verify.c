/* /verify: the upload form (plain multipart/form-data, no script) and the
 * verdict on an uploaded PDF.  The bytes live in memory for the request
 * only; nothing is written anywhere. */
#include "archive/http_int.h"
#include "archive/http_sig.h"
#include "gazette/archive.h"
#include "gazette/archive_verify.h"
#include "gazette/text.h"
#include "gazette/tlog.h"

#include "gazette/dl/cjson.h"
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Codes are shown as printed on paper: ABCDE-FGHJK. */
#define CODE_SHOW_MAX 40

/* The look-up by code (a plain GET form, no script). */
static void code_form(struct out *o, const char *label)
{
	out_raw(o, "<form action=\"/verify\" method=\"get\">\n<p><label for=\"code\">");
	out_raw(o, label);
	out_raw(o, "</label><br>\n<input id=\"code\" name=\"code\" type=\"text\" maxlength=\"24\" "
		   "autocomplete=\"off\" required> <button type=\"submit\">查询</button></p>\n"
		   "</form>\n");
}

int pages_verify_unknown(struct site *s, struct resp *r, const char *code)
{
	char norm[CODE_SHOW_MAX + 1];
	size_t n;
	int valid = gaz_text_code_normalise(code, norm, sizeof norm), rc;
	struct out o;

	n = strlen(norm);
	out_init(&o, GAZ_HTTP_PAGE_MAX);
	page_begin(s, &o, "校验码查询：档案中无此文件", "verify");
	out_raw(&o, "<h1>校验码查询结果</h1>\n<section class=\"verdict bad\" aria-labelledby=\"vh\">\n"
		    "<h2 id=\"vh\">✘ 档案中没有校验码为 <span class=\"code\">");
	if (valid) {
		out_escn(&o, norm, 5);
		out_raw(&o, "-");
		out_escn(&o, norm + 5, 5);
	} else {
		out_esc(&o, norm);
		if (n == CODE_SHOW_MAX)
			out_raw(&o, "…");
	}
	out_raw(&o, "</span> 的文件</h2>\n<p>");
	if (valid)
		out_raw(&o, "本刊档案收录的所有文件中，没有任何一份使用这个校验码。"
			    "如果您核对无误后输入的就是文件上印的校验码，"
			    "<strong>这份文件可能不是本刊发布的真实文件</strong>，请不要将其作为依据，"
			    "可向发文机关或编辑部核实。");
	else
		out_raw(&o, "这不是一个有效的校验码，档案中也没有以此为文号或索引号的文件。"
			    "校验码印在每份文件末页的底部（“核验码”），共10位，由数字和字母组成。");
	out_raw(&o, "</p>\n</section>\n<h2>重新查询</h2>\n<p>请对照文件核对后重新输入。"
		    "输入时不区分大小写，空格和连字符可省略；字母 I、L 按数字 1，字母 O 按数字 0 处理。</p>\n");
	if (!s->exporting)
		code_form(&o, "文件上印有的10位校验码");
	out_raw(&o, "<p>也可以上传电子文件，<a href=\"/verify\">校验其数字签名</a>。</p>\n");
	page_end(s, &o);
	if ((rc = resp_page(r, &o, 404, HTML_TYPE)))
		out_release(&o);
	return rc;
}

int pages_verify_form(struct site *s, const struct req *q, struct resp *r)
{
	const char *code = gaz_http_target_param(q->t, "code");
	struct out o;
	char lim[32], norm[CODE_SHOW_MAX + 1], typed[sizeof r->location];
	size_t a, e;
	int rc;

	typed[0] = '\0';
	if (code && !s->exporting) {
		/* the no-script way from a typed code to /verify/CODE: a code
		 * normalised (I/L/O, case, hyphens), anything else (an 索引号
		 * or 文号 typed into the box) as typed, only trimmed — never
		 * cut, which could split a character */
		if (gaz_text_code_normalise(code, norm, sizeof norm)) {
			snprintf(typed, sizeof typed, "%s", norm);
		} else {
			for (a = 0; code[a] == ' ' || code[a] == '\t'; a++)
				;
			for (e = strlen(code); e > a && (code[e - 1] == ' ' || code[e - 1] == '\t'); e--)
				;
			if (e - a < sizeof typed) {
				memcpy(typed, code + a, e - a);
				typed[e - a] = '\0';
			}
		}
	}
	if (typed[0]) {
		struct out u;
		out_init(&u, sizeof r->location - 1);
		out_raw(&u, "/verify/");
		out_seg(&u, typed);
		if (u.err) {
			out_release(&u);
			return GAZ_EINVAL;
		}
		snprintf(r->location, sizeof r->location, "%s", u.b.data);
		out_release(&u);
		r->status = 303;
		r->ctype = "text/plain; charset=utf-8";
		out_release(&r->body);
		out_init(&r->body, 64);
		return 0;
	}
	fmt_size(lim, sizeof lim, s->upload_max);
	out_init(&o, GAZ_HTTP_PAGE_MAX);
	page_begin(s, &o, "文件校验", "verify");
	out_raw(&o, "<h1>文件校验</h1>\n<p>收到一份公报PDF，想确认它是否为本刊发布的标准文本？"
		    "上传后，服务器检查其中的数字签名，并与档案中保存的每一个版本逐字节比对，"
		    "告诉您它是哪一期、哪个版本、是否已被更正版本取代，以及其中各文件的效力状态。</p>\n");
	if (!s->exporting) {
		out_fmt(&o, "<form action=\"/verify\" method=\"post\" enctype=\"multipart/form-data\">\n"
			"<p><label for=\"file\">选择PDF文件（不超过 %s）</label><br>\n"
			"<input id=\"file\" name=\"file\" type=\"file\" accept=\"application/pdf,.pdf\" "
			"required></p>\n<p><button type=\"submit\">校验</button></p>\n</form>\n"
			"<p class=\"muted\">上传的文件只在本次校验中使用，不会被保存。</p>\n", lim);
		out_raw(&o, "<h2>按校验码查询</h2>\n");
		code_form(&o, "文件上印有的10位校验码");
	} else {
		out_raw(&o, "<p>本页面为静态镜像，不能上传文件。请使用命令行离线校验：</p>\n"
			    "<pre><code>gazette verify 文件.pdf --trust 根证书.pem\n"
			    "sha256sum 文件.pdf   # 再查询 /api/v1/sha256/哈希值.json</code></pre>\n"
			    "<p>或访问 <code>/verify/校验码</code> 查看文件上的校验码对应的档案记录。</p>\n");
	}
	out_raw(&o, "<h2>离线校验</h2>\n<p>法院和律师可用 <code>gazette verify</code> 在不联网的情况下"
		    "核验签名；数据接口 <code>POST /api/v1/verify</code>（请求体为PDF）返回同样的结论（JSON）。</p>\n");
	page_end(s, &o);
	if ((rc = resp_page(r, &o, 200, HTML_TYPE)))
		out_release(&o);
	return rc;
}

struct docst {
	const struct gaz_ar_doc *d;
	int status;
};

static int doc_statuses(struct site *s, const struct gaz_ar_version *v, struct docst **out)
{
	struct docst *ds;
	size_t i;

	if (!(ds = calloc(v->n_loaded_docs ? v->n_loaded_docs : 1, sizeof *ds)))
		return GAZ_ENOMEM;
	for (i = 0; i < v->n_loaded_docs; i++) {
		struct gaz_ar_event *ev = NULL;
		size_t n = 0;
		int st = GAZ_ST_UNKNOWN;

		ds[i].d = &v->docs[i];
		if (!gaz_archive_status_history(s->ar, v->docs[i].doc_no, &ev, &n)) {
			gaz_status_on(ev, n, NULL, &st, NULL);
			gaz_ar_events_free(ev, n);
		}
		gaz_clear_error();
		ds[i].status = st;
	}
	*out = ds;
	return 0;
}

/* "documents": [{doc_no, title, code, status, in_force, first_page,
 * last_page}] under parent. */
static void j_doc_statuses(cJSON *parent, const struct docst *ds, size_t n)
{
	cJSON *docs = cJSON_AddArrayToObject(parent, "documents");
	size_t i;

	for (i = 0; docs && i < n; i++) {
		cJSON *x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "doc_no", ds[i].d->doc_no);
		cJSON_AddStringToObject(x, "title", ds[i].d->title);
		cJSON_AddStringToObject(x, "code", ds[i].d->code);
		cJSON_AddStringToObject(x, "status", gaz_status_name(ds[i].status)
					? gaz_status_name(ds[i].status) : "");
		cJSON_AddBoolToObject(x, "in_force", gaz_status_in_force(ds[i].status));
		cJSON_AddNumberToObject(x, "first_page", ds[i].d->first_page);
		cJSON_AddNumberToObject(x, "last_page", ds[i].d->last_page);
		cJSON_AddItemToArray(docs, x);
	}
}

/* PDF readers accept the header anywhere in the first 1024 bytes. */
#define PDF_HEADER_WITHIN 1024

static int looks_like_pdf(const void *p, size_t len)
{
	size_t n = len < PDF_HEADER_WITHIN ? len : PDF_HEADER_WITHIN, i;
	const unsigned char *b = p;

	for (i = 0; i + 5 <= n; i++)
		if (!memcmp(b + i, "%PDF-", 5))
			return 1;
	return 0;
}

/* An upload that is not a PDF at all: say so, and not that it was
 * tampered with (the API answers 400). */
static int not_a_pdf(struct site *s, size_t len, const char *filename, struct resp *r, int json)
{
	struct out o;
	int rc;

	if (json) {
		site_json_error(r, 400, len ? "请求体不是PDF文件（开头没有 %PDF- 文件头）。"
				"请把要校验的PDF文件本身作为请求体发送。"
				: "请求体为空。请把要校验的PDF文件本身作为请求体发送。");
		return 0;
	}
	out_init(&o, GAZ_HTTP_PAGE_MAX);
	page_begin(s, &o, "校验结果：不是PDF文件", "verify");
	out_raw(&o, "<h1>校验结果</h1>\n<section class=\"verdict bad\" aria-labelledby=\"vh\">\n"
		    "<h2 id=\"vh\">✘ 这不是PDF文件</h2>\n<p>上传的文件");
	if (filename && filename[0]) {
		out_raw(&o, "“");
		out_esc(&o, filename);
		out_raw(&o, "”");
	}
	if (len)
		out_fmt(&o, "（%zu 字节）不是PDF格式：它的开头没有PDF文件都有的“%%PDF-”标记。", len);
	else
		out_raw(&o, "是空文件（0 字节）。");
	out_raw(&o, "本页只能校验PDF格式的公报文件，所以无法判断它的真伪；"
		    "这并不表示文件被改动过。请确认选择的是本刊发布的 .pdf 文件，再重新上传。</p>\n"
		    "</section>\n<p><a href=\"/verify\">重新选择文件</a></p>\n");
	page_end(s, &o);
	if ((rc = resp_page(r, &o, 400, HTML_TYPE)))
		out_release(&o);
	return rc;
}

int pages_verify_upload(struct site *s, const void *pdf, size_t len, const char *filename,
			struct resp *r, int json)
{
	unsigned char sha[32];
	char hex[65], tm[40];
	struct gaz_ar_version v;
	struct docst *ds = NULL;
	struct sig_report sig;
	struct gaz_av av;
	struct out o;
	int rc, matched = 0, all_in_force = 1, verdict_ok, have_av = 0, log_broken = 0;
	const char *verdict;
	size_t i;

	if (!len || !looks_like_pdf(pdf, len))
		return not_a_pdf(s, len, filename, r, json);
	memset(&v, 0, sizeof v);
	out_init(&o, GAZ_HTTP_PAGE_MAX);
	SHA256(pdf, len, sha);
	gaz_hex(sha, 32, hex);
	sig_check(s, pdf, len, &sig);
	{
		struct gaz_ar_version tmp;
		memset(&tmp, 0, sizeof tmp);
		rc = gaz_archive_find_sha256(s->ar, sha, &tmp);
		if (rc && rc != GAZ_ENOTFOUND)
			goto end;
		if (!rc) {
			matched = 1;
			rc = gaz_archive_get_version(s->ar, tmp.year, tmp.number, tmp.version, &v);
			gaz_ar_version_release(&tmp);
			if (rc)
				goto end;
			if ((rc = doc_statuses(s, &v, &ds)))
				goto end;
			for (i = 0; i < v.n_loaded_docs; i++)
				if (!gaz_status_in_force(ds[i].status))
					all_in_force = 0;
		}
	}
	/* The transparency log's proof that the archive published exactly
	 * these bytes (archive_verify.h). */
	memset(&av, 0, sizeof av);
	if (matched) {
		rc = gaz_archive_verify_file(s->ar, NULL, pdf, len, NULL, &av);
		if (rc == GAZ_ECORRUPT)
			log_broken = 1;
		else if (rc)
			goto end;
		else
			have_av = 1;
		rc = 0;
	}
	gaz_clear_error();
	if (!matched)
		verdict = sig.checked && !sig.valid ? "invalid" : "not_in_archive";
	else if (log_broken)
		verdict = "invalid";
	else if (sig.checked && !sig.valid)
		verdict = "invalid";
	else if (v.superseded_by)
		verdict = "superseded";
	else if (!all_in_force)
		verdict = "not_in_force";
	else
		verdict = "valid";
	verdict_ok = !strcmp(verdict, "valid");

	if (json) {
		cJSON *j = cJSON_CreateObject(), *a, *sj;
		if (!j) {
			rc = GAZ_ENOMEM;
			goto end;
		}
		cJSON_AddStringToObject(j, "verdict", verdict);
		cJSON_AddStringToObject(j, "sha256", hex);
		cJSON_AddNumberToObject(j, "size", (double)len);
		sj = cJSON_AddObjectToObject(j, "signature");
		cJSON_AddBoolToObject(sj, "checked", sig.checked);
		cJSON_AddBoolToObject(sj, "valid", sig.valid);
		cJSON_AddStringToObject(sj, "summary", sig.summary);
		cJSON_AddStringToObject(sj, "signer", sig.signer);
		cJSON_AddStringToObject(sj, "signing_time", sig.time);
		a = cJSON_AddObjectToObject(j, "archive");
		cJSON_AddBoolToObject(a, "match", matched);
		if (matched) {
			cJSON_AddNumberToObject(a, "year", v.year);
			cJSON_AddNumberToObject(a, "number", v.number);
			cJSON_AddNumberToObject(a, "version", v.version);
			cJSON_AddBoolToObject(a, "current", v.superseded_by == 0);
			cJSON_AddNumberToObject(a, "superseded_by", v.superseded_by);
			cJSON_AddStringToObject(a, "superseded_reason",
						v.superseded_reason ? v.superseded_reason : "");
			{
				cJSON *lj = cJSON_AddObjectToObject(a, "log");
				cJSON_AddBoolToObject(lj, "proven", have_av && av.logged);
				if (have_av && av.logged) {
					char lh[65];
					cJSON_AddNumberToObject(lj, "leaf_index", (double)av.leaf_index);
					cJSON_AddNumberToObject(lj, "tree_size", (double)av.tree_size);
					gaz_hex(av.root, 32, lh);
					cJSON_AddStringToObject(lj, "root", lh);
					cJSON_AddBoolToObject(lj, "head_signed", av.head_signed);
				}
			}
			j_doc_statuses(a, ds, v.n_loaded_docs);
		}
		{
			char *txt = cJSON_PrintUnformatted(j);
			cJSON_Delete(j);
			if (!txt) {
				rc = GAZ_ENOMEM;
				goto end;
			}
			out_raw(&o, txt);
			out_raw(&o, "\n");
			free(txt);
		}
		r->ctype = "application/json; charset=utf-8";
	} else {
		page_begin(s, &o, "校验结果", "verify");
		out_raw(&o, "<h1>校验结果</h1>\n");
		out_fmt(&o, "<section class=\"verdict %s\" aria-labelledby=\"vh\">\n<h2 id=\"vh\">",
			verdict_ok ? "ok" : (!strcmp(verdict, "invalid") ||
					     !strcmp(verdict, "not_in_archive")) ? "bad" : "warn");
		if (!strcmp(verdict, "valid"))
			out_raw(&o, "✔ 真实有效：与档案中保存的现行版本完全一致");
		else if (!strcmp(verdict, "superseded"))
			out_fmt(&o, "⚠ 文件真实，但该版本已被第%u版取代", v.superseded_by);
		else if (!strcmp(verdict, "not_in_force"))
			out_raw(&o, "⚠ 文件真实，但其中有文件已不再有效");
		else if (!strcmp(verdict, "not_in_archive"))
			out_raw(&o, "✘ 档案中没有与此文件完全一致的版本");
		else
			out_raw(&o, "✘ 校验未通过：文件已被改动或签名无效");
		out_raw(&o, "</h2>\n<p>");
		if (!matched)
			out_raw(&o, "上传的文件与档案中任何一期、任何一个版本都不一致。"
				    "它可能在发布后被修改过，或并非本刊发布的文件。"
				    "请不要将其作为标准文本使用。");
		else
			out_fmt(&o, "这是 <a href=\"/issues/%u/%u\">%u年第%u期</a> 的第%u版。",
				v.year, v.number, v.year, v.number, v.version);
		if (matched && v.superseded_by) {
			out_fmt(&o, "第%u版的发布原因：", v.superseded_by);
			out_esc(&o, v.superseded_reason ? v.superseded_reason : "");
			out_fmt(&o, "。<a href=\"/issues/%u/%u.pdf\">下载现行版本</a>。", v.year, v.number);
		}
		out_raw(&o, "</p>\n</section>\n<h2>检查项</h2>\n<table class=\"meta\"><tbody>\n"
			    "<tr><th scope=\"row\">文件名</th><td>");
		out_esc(&o, filename && filename[0] ? filename : "（未提供）");
		out_fmt(&o, "</td></tr>\n<tr><th scope=\"row\">大小</th><td>%zu 字节</td></tr>\n"
			"<tr><th scope=\"row\">SHA-256</th><td class=\"hash\">%s</td></tr>\n"
			"<tr><th scope=\"row\">数字签名</th><td>", len, hex);
		out_esc(&o, sig.summary);
		if (sig.signer[0]) {
			out_raw(&o, "<br>签名者：");
			out_esc(&o, sig.signer);
		}
		if (sig.time[0]) {
			out_raw(&o, "<br>签名时间：");
			out_esc(&o, sig.time);
		}
		out_raw(&o, "</td></tr>\n<tr><th scope=\"row\">档案比对</th><td>");
		if (matched) {
			fmt_time(tm, sizeof tm, v.time);
			out_fmt(&o, "与档案中 %u年第%u期 第%u版（%s 发布）逐字节一致；%s", v.year, v.number,
				v.version, tm, v.superseded_by ? "该版本已被取代" : "为现行版本");
		} else {
			out_raw(&o, "不一致（档案中无此文件）");
		}
		out_raw(&o, "</td></tr>\n<tr><th scope=\"row\">透明日志</th><td>");
		if (!matched)
			out_raw(&o, "—");
		else if (log_broken)
			out_raw(&o, "日志不能证明档案发布过这些字节：档案本身可能已被篡改，请联系编辑部。");
		else if (have_av && av.logged)
			out_fmt(&o, "已登记为第 %llu 条，包含证明在大小为 %llu 的树中验证通过%s。"
				"<a href=\"/log/inclusion?index=%llu&amp;size=%llu\">查看证明</a>",
				(unsigned long long)av.leaf_index, (unsigned long long)av.tree_size,
				av.head_signed ? "（该树头已签名）" : "",
				(unsigned long long)av.leaf_index, (unsigned long long)av.tree_size);
		else
			out_raw(&o, "未找到日志条目。");
		out_raw(&o, "</td></tr>\n</tbody></table>\n");
		if (matched && v.n_loaded_docs) {
			out_raw(&o, "<h2>所含文件的效力状态</h2>\n<div class=\"scroll\"><table>\n<thead><tr>"
				    "<th scope=\"col\">文件</th><th scope=\"col\">发文字号</th>"
				    "<th scope=\"col\">状态</th></tr></thead>\n<tbody>\n");
			for (i = 0; i < v.n_loaded_docs; i++) {
				out_raw(&o, "<tr><td class=\"wide\"><a href=\"/docs/");
				out_seg(&o, ds[i].d->code);
				out_raw(&o, "\">");
				out_esc(&o, ds[i].d->title);
				out_raw(&o, "</a></td><td class=\"nw\">");
				out_esc(&o, ds[i].d->doc_no);
				out_fmt(&o, "</td><td><span class=\"st %s\">%s</span></td></tr>\n",
					status_class(ds[i].status), gaz_status_name(ds[i].status)
					? gaz_status_name(ds[i].status) : "未记录");
			}
			out_raw(&o, "</tbody></table></div>\n");
		}
		out_raw(&o, "<p><a href=\"/verify\">校验另一个文件</a></p>\n");
		page_end(s, &o);
		r->ctype = "text/html; charset=utf-8";
	}
	if ((rc = o.err))
		goto end;
	out_release(&r->body);
	r->body = o;
	memset(&o, 0, sizeof o);
	r->status = 200;
	rc = 0;
end:
	if (have_av)
		gaz_av_release(&av);
	free(ds);
	gaz_ar_version_release(&v);
	out_release(&o);
	return rc;
}

/* /api/v1/sha256/HEX.json: which issue version a file with this SHA-256
 * is, and the status of each document in it (for `gazette verify
 * --archive URL` and other offline checkers; the export writes one per
 * version). */
int pages_sha256(struct site *s, const struct req *q, struct resp *r, const char *hex)
{
	unsigned char sha[32];
	struct gaz_ar_version tmp, v;
	struct docst *ds = NULL;
	cJSON *j = NULL;
	MDB_txn *txn = NULL;
	uint64_t leaf;
	char tm[40];
	size_t i;
	int rc;

	(void)q;
	for (i = 0; i < 32; i++) {
		int hi = hex[2 * i], lo = hi ? hex[2 * i + 1] : 0;
		int h = hi >= '0' && hi <= '9' ? hi - '0' : hi >= 'a' && hi <= 'f' ? hi - 'a' + 10 : -1;
		int l = lo >= '0' && lo <= '9' ? lo - '0' : lo >= 'a' && lo <= 'f' ? lo - 'a' + 10 : -1;
		if (h < 0 || l < 0)
			return GAZ_ENOTFOUND;
		sha[i] = (unsigned char)(h * 16 + l);
	}
	if (hex[64])
		return GAZ_ENOTFOUND;
	memset(&tmp, 0, sizeof tmp);
	memset(&v, 0, sizeof v);
	if ((rc = gaz_archive_find_sha256(s->ar, sha, &tmp)))
		return rc;
	rc = gaz_archive_get_version(s->ar, tmp.year, tmp.number, tmp.version, &v);
	gaz_ar_version_release(&tmp);
	if (rc)
		return rc;
	if ((rc = doc_statuses(s, &v, &ds)))
		goto end;
	if (!(j = cJSON_CreateObject())) {
		rc = GAZ_ENOMEM;
		goto end;
	}
	cJSON_AddStringToObject(j, "sha256", hex);
	cJSON_AddNumberToObject(j, "year", v.year);
	cJSON_AddNumberToObject(j, "number", v.number);
	cJSON_AddNumberToObject(j, "version", v.version);
	cJSON_AddNumberToObject(j, "size", (double)v.pdf_size);
	fmt_time_iso(tm, sizeof tm, v.time);
	cJSON_AddStringToObject(j, "published_at", tm);
	cJSON_AddBoolToObject(j, "current", v.superseded_by == 0);
	cJSON_AddNumberToObject(j, "superseded_by", v.superseded_by);
	cJSON_AddStringToObject(j, "superseded_reason", v.superseded_reason ? v.superseded_reason : "");
	cJSON_AddStringToObject(j, "name", v.name ? v.name : "");
	cJSON_AddNumberToObject(j, "cumulative", v.cumulative);
	cJSON_AddStringToObject(j, "date", v.date ? v.date : "");
	cJSON_AddNumberToObject(j, "latest", v.latest);
	j_doc_statuses(j, ds, v.n_loaded_docs);
	/* The version's leaf in the transparency log: a client fetches
	 * /api/v1/log/inclusion/N.json and checks it against the signed head. */
	if (!site_read_begin(s, &txn)) {
		if (!gaz_tlog_find_sha256(txn, sha, &leaf))
			cJSON_AddNumberToObject(j, "log_index", (double)leaf);
		site_read_end(s, txn);
	}
	gaz_clear_error();
	rc = resp_json(r, j);
	j = NULL;
end:
	cJSON_Delete(j);
	free(ds);
	gaz_ar_version_release(&v);
	return rc;
}

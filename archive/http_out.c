/* Output helpers and the page frame shared by every HTML page. */
#include "archive/http_int.h"
#include "gazette/archive.h"

#include "gazette/dl/cjson.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void out_init(struct out *o, size_t max)
{
	gaz_buf_init(&o->b, max);
	o->err = 0;
}

void out_release(struct out *o)
{
	gaz_buf_release(&o->b);
	o->err = 0;
}

void out_mem(struct out *o, const void *p, size_t n)
{
	if (!o->err)
		o->err = gaz_buf_add(&o->b, p, n);
}

void out_raw(struct out *o, const char *s)
{
	out_mem(o, s, strlen(s));
}

void out_fmt(struct out *o, const char *fmt, ...)
{
	va_list ap;

	if (o->err)
		return;
	va_start(ap, fmt);
	o->err = gaz_buf_vprintf(&o->b, fmt, ap);
	va_end(ap);
}

void out_escn(struct out *o, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0;

	while (i < n && !o->err) {
		const char *rep = NULL;
		unsigned char c = p[i];
		size_t k = 1;
		uint32_t cp;

		switch (c) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default:
			if (c >= 0x80) {
				k = gaz_utf8_decode(p + i, n - i, &cp);
				if (!k) {
					rep = "\xEF\xBF\xBD";
					k = 1;
				}
			} else if (c < 0x20 && c != '\n' && c != '\t') {
				rep = "\xEF\xBF\xBD";
			}
		}
		if (rep) {
			out_mem(o, p + run, i - run);
			out_raw(o, rep);
			i += k;
			run = i;
		} else {
			i += k;
		}
	}
	if (run < n)
		out_mem(o, p + run, n - run);
}

void out_esc(struct out *o, const char *s)
{
	out_escn(o, s ? s : "", s ? strlen(s) : 0);
}

void out_seg(struct out *o, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)s;

	for (; *p && !o->err; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_' ||
		    *p == '~') {
			out_mem(o, p, 1);
		} else {
			char e[3] = { '%', hex[*p >> 4], hex[*p & 15] };
			out_mem(o, e, 3);
		}
	}
}

void fmt_size(char *buf, size_t n, uint64_t bytes)
{
	if (bytes >= 1024 * 1024)
		snprintf(buf, n, "%.1f MB", (double)bytes / (1024.0 * 1024.0));
	else if (bytes >= 1024)
		snprintf(buf, n, "%.0f KB", (double)bytes / 1024.0);
	else
		snprintf(buf, n, "%llu 字节", (unsigned long long)bytes);
}

void fmt_time(char *buf, size_t n, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || !strftime(buf, n, "%Y-%m-%d %H:%M UTC", &tm))
		snprintf(buf, n, "%lld", (long long)t);
}

void fmt_time_iso(char *buf, size_t n, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || !strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, n, "1970-01-01T00:00:00Z");
}

const char *status_class(int st)
{
	switch (st) {
	case GAZ_ST_VALID: return "st-valid";
	case GAZ_ST_AMENDED: return "st-amended";
	case GAZ_ST_REPEALED: return "st-repealed";
	case GAZ_ST_EXPIRED: return "st-expired";
	default: return "st-none";
	}
}

void page_begin(struct site *s, struct out *o, const char *title, const char *nav)
{
	char name[256];
	static const struct { const char *id, *href, *label; } links[] = {
		{ "home", "/", "首页" },
		{ "issues", "/issues/", "按期浏览" },
		{ "search", "/search", "检索" },
		{ "verify", "/verify", "文件校验" },
		{ "log", "/log", "透明日志" },
	};
	size_t i;

	site_title(s, name, sizeof name);
	out_raw(o, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
		   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		   "<title>");
	out_esc(o, title);
	out_raw(o, " — ");
	out_esc(o, name);
	out_raw(o, "</title>\n<link rel=\"stylesheet\" href=\"/static/site.css\">\n"
		   "<link rel=\"icon\" href=\"/static/icon.svg\" type=\"image/svg+xml\">\n"
		   "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"");
	out_esc(o, name);
	out_raw(o, "\" href=\"/feed.atom\">\n</head>\n<body>\n"
		   "<a class=\"skip\" href=\"#main\">跳到正文</a>\n<header class=\"site\">\n"
		   "<p class=\"brand\"><a href=\"/\">");
	out_esc(o, name);
	out_raw(o, "</a> <span>电子公报档案</span></p>\n<nav aria-label=\"主导航\"><ul>\n");
	for (i = 0; i < sizeof links / sizeof *links; i++) {
		if (s->exporting && !strcmp(links[i].id, "search"))
			continue;
		out_fmt(o, "<li><a href=\"%s\"%s>%s</a></li>\n", links[i].href,
			nav && !strcmp(nav, links[i].id) ? " aria-current=\"page\"" : "",
			links[i].label);
	}
	out_raw(o, "</ul></nav>\n");
	if (!s->exporting)
		out_raw(o, "<form class=\"quick\" role=\"search\" action=\"/search\" method=\"get\">"
			   "<label for=\"q-top\">全文检索</label> "
			   "<input id=\"q-top\" name=\"q\" type=\"search\" "
			   "placeholder=\"标题、文号或正文中的词\"> "
			   "<button type=\"submit\">检索</button></form>\n");
	out_raw(o, "</header>\n<main id=\"main\">\n");
}

void page_end(struct site *s, struct out *o)
{
	char name[256];

	site_title(s, name, sizeof name);
	out_raw(o, "</main>\n<footer>\n<p>");
	out_esc(o, name);
	out_raw(o, " 电子档案 · 每期公报均经数字签名，每个版本永久保存，"
		   "所有发布记录写入可公开验证的<a href=\"/log\">透明日志</a>。</p>\n"
		   "<p><a href=\"/feed.atom\">订阅更新（Atom）</a> · "
		   "<a href=\"/api/v1/issues.json\">数据接口（JSON）</a></p>\n"
		   "</footer>\n</body>\n</html>\n");
}

/* The site icon: a red seal-like square. */
const char site_icon[] =
	"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 32 32\">"
	"<rect x=\"2\" y=\"2\" width=\"28\" height=\"28\" rx=\"4\" fill=\"#a4161a\"/>"
	"<rect x=\"7\" y=\"7\" width=\"18\" height=\"18\" fill=\"none\" stroke=\"#fff\" "
	"stroke-width=\"2.5\"/><path d=\"M11 13h10M11 19h10M16 10v12\" stroke=\"#fff\" "
	"stroke-width=\"2.5\"/></svg>\n";

const char site_robots[] =
	"User-agent: *\n"
	"Allow: /\n"
	"Disallow: /search\n"
	"Disallow: /api/v1/search.json\n"
	"Disallow: /log/inclusion\n"
	"Disallow: /log/consistency\n";

/* One stylesheet, no external resources; mobile first, widens at 48em. */
const char site_css[] =
	":root{--fg:#1d1d1f;--muted:#5b5b63;--bg:#fff;--line:#d9d9de;--red:#a4161a;"
	"--link:#0b4f9c;--mark:#fff1a8;--focus:#1a5fb4;--field:#74747c;font-size:100%}\n"
	"*{box-sizing:border-box}\n"
	"body{margin:0;color:var(--fg);background:var(--bg);line-height:1.7;"
	"font-family:\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"WenQuanYi Zen Hei\","
	"\"PingFang SC\",\"Microsoft YaHei\",sans-serif}\n"
	"a{color:var(--link)}a:focus,button:focus,input:focus,select:focus{outline:3px solid var(--focus);"
	"outline-offset:1px}\n"
	"header.site{border-top:6px solid var(--red);border-bottom:1px solid var(--line);"
	"padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:.4rem 1.5rem;align-items:center}\n"
	".brand{margin:0;font-size:1.25rem;font-weight:700}.brand a{color:var(--red);"
	"text-decoration:none}.brand span{font-size:.85rem;color:var(--muted);font-weight:400}\n"
	"nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.2rem 1rem}\n"
	"nav a[aria-current]{font-weight:700;color:var(--fg)}\n"
	"form.quick{display:flex;gap:.4rem;align-items:center;flex:1 1 16rem}\n"
	"form.quick label{position:absolute;left:-9999px}\n"
	"input,select,button{font:inherit;padding:.35rem .5rem;border:1px solid var(--field);"
	"border-radius:4px;max-width:100%}\n"
	"input[type=search],input[type=text]{flex:1;min-width:8rem}\n"
	"button{background:var(--red);color:#fff;border-color:var(--red);cursor:pointer}\n"
	"main{max-width:60rem;margin:0 auto;padding:1rem}\n"	".skip{position:absolute;left:-9999px}.skip:focus{left:1rem;top:.5rem;background:#fff;"
	"padding:.3rem .6rem;z-index:1}\n"
	"h1{font-size:1.5rem;line-height:1.35;margin:.5rem 0 1rem}h2{font-size:1.2rem;"
	"margin:1.6rem 0 .6rem;border-bottom:1px solid var(--line)}\n"
	"table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem;font-size:.95rem}\n"
	"th,td{border:1px solid var(--line);padding:.35rem .5rem;text-align:left;"
	"vertical-align:top;overflow-wrap:anywhere}\n"
	"th{background:#f5f5f7;font-weight:600}table.meta th{width:8em}\n"
	".scroll{overflow-x:auto}\n"
	/* 文号, page ranges, dates, versions: never broken inside (the table
	 * scrolls in its .scroll wrapper instead) */
	"th.nw,td.nw{white-space:nowrap;overflow-wrap:normal}td.wide{min-width:9em}\n"
	"ul.issues,ol.results{padding-left:1.2rem}ul.issues li,ol.results li{margin:.5rem 0}\n"
	".muted,.snippet{color:var(--muted)}\n"
	"mark{background:var(--mark);color:inherit;padding:0 .1em}\n"
	".st{display:inline-block;padding:0 .45em;border-radius:3px;font-size:.9em;white-space:nowrap;"
	"border:1px solid currentColor}\n"
	".st-valid{color:#17692c}.st-amended{color:#8a5a00}.st-repealed,.st-expired{color:#a4161a}"
	".st-none{color:var(--muted)}\n"
	".verdict{border:2px solid;padding:.8rem 1rem;border-radius:6px;margin:1rem 0}\n"
	".verdict.ok{border-color:#17692c;background:#eef8f0}.verdict.bad{border-color:#a4161a;"
	"background:#fdf0f0}.verdict.warn{border-color:#8a5a00;background:#fdf7e8}\n"
	".verdict h2{border:0;margin:.2rem 0}\n"
	".text p{text-indent:2em;margin:.4rem 0}\n"
	"code,.hash{font-family:\"DejaVu Sans Mono\",monospace;font-size:.85em;"
	"overflow-wrap:anywhere}\n"
	".code{font-size:1.3rem;letter-spacing:.1em;font-weight:700;white-space:nowrap}\n"
	"form.filters{display:grid;grid-template-columns:1fr;gap:.5rem;margin-bottom:1rem}\n"
	"form.filters div{display:flex;flex-direction:column}\n"
	"form.filters details summary{cursor:pointer;color:var(--link);padding:.2rem 0}\n"
	"form.filters details .grid{display:grid;grid-template-columns:1fr;gap:.5rem;margin-top:.4rem}\n"
	"nav.pager{display:flex;gap:1rem;margin:1rem 0}\n"
	"footer{border-top:1px solid var(--line);color:var(--muted);font-size:.85rem;"
	"padding:1rem;max-width:60rem;margin:2rem auto 0}\n"
	"@media (max-width:30em){th,td{padding:.3rem .35rem;font-size:.9rem}"
	"main{padding:.75rem}h1{font-size:1.3rem}}\n"
	"@media (min-width:48em){form.filters details .grid{grid-template-columns:repeat(3,1fr)}}\n";

int resp_page(struct resp *r, struct out *o, int status, const char *ctype)
{
	if (o->err)
		return o->err;
	out_release(&r->body);
	r->body = *o;
	memset(o, 0, sizeof *o);
	r->status = status;
	r->ctype = ctype;
	return 0;
}

int resp_json(struct resp *r, cJSON *j)
{
	char *txt;

	if (!j)
		return GAZ_ENOMEM;
	txt = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	if (!txt)
		return GAZ_ENOMEM;
	out_release(&r->body);
	out_init(&r->body, GAZ_HTTP_PAGE_MAX);
	out_raw(&r->body, txt);
	out_raw(&r->body, "\n");
	free(txt);
	if (r->body.err)
		return r->body.err;
	r->status = 200;
	r->ctype = "application/json; charset=utf-8";
	return 0;
}

/* The signature half of the verify page: the strict verifier
 * (include/gazette/verify.h) over the uploaded bytes, summarised for a
 * visitor.  Without trust anchors (serve --trust) no chain can be judged,
 * so the page then relies on the byte-for-byte archive match alone. */
#include "archive/http_sig.h"
#include "gazette/verify.h"

#include <stdio.h>
#include <string.h>

static const char *first_problem(const struct gaz_verify_report *r)
{
	size_t i;

	if (r->problems.n)
		return r->problems.v[0];
	for (i = 0; i < r->nsigs; i++)
		if (!r->sigs[i].valid && r->sigs[i].problems.n)
			return r->sigs[i].problems.v[0];
	return "";
}

/* A PDF date "D:YYYYMMDDHHmmSS+hh'mm'" as "YYYY-MM-DD HH:mm:SS +hh:mm";
 * anything else is copied as it is. */
static void pdf_date(char *out, size_t n, const char *m)
{
	size_t i, len = strlen(m);

	for (i = 2; i < 16 && i < len; i++)
		if (m[i] < '0' || m[i] > '9')
			break;
	if (len < 16 || strncmp(m, "D:", 2) || i < 16) {
		snprintf(out, n, "%s", m);
		return;
	}
	snprintf(out, n, "%.4s-%.2s-%.2s %.2s:%.2s:%.2s", m + 2, m + 6, m + 8, m + 10, m + 12,
		 m + 14);
	if (len >= 22 && (m[16] == '+' || m[16] == '-') && m[19] == '\'') {
		size_t k = strlen(out);
		snprintf(out + k, n - k, " %c%.2s:%.2s", m[16], m + 17, m + 20);
	} else if (len >= 17 && m[16] == 'Z') {
		size_t k = strlen(out);
		snprintf(out + k, n - k, " UTC");
	}
}

void sig_check(struct site *s, const void *pdf, size_t len, struct sig_report *out)
{
	struct gaz_verify_opts o;
	struct gaz_verify_report *r = NULL;
	const struct gaz_sig_report *last;
	int rc;

	memset(out, 0, sizeof *out);
	if (!s->n_trust) {
		snprintf(out->summary, sizeof out->summary,
			 "本服务未配置信任锚，未核验签名；结论依据与档案的逐字节比对。");
		return;
	}
	memset(&o, 0, sizeof o);
	o.trust = s->trust;
	o.ntrust = s->n_trust;
	if ((rc = gaz_verify_pdf(pdf, len, &o, &r))) {
		gaz_clear_error();
		snprintf(out->summary, sizeof out->summary, "签名核验未能完成（服务器配置问题）。");
		return;
	}
	out->checked = 1;
	out->valid = r->valid;
	last = r->nsigs ? &r->sigs[r->nsigs - 1] : NULL;
	if (last && last->signer)
		snprintf(out->signer, sizeof out->signer, "%s", last->signer);
	if (last && last->ts_time) {
		snprintf(out->time, sizeof out->time, "%s（时间戳证明）", last->ts_time);
	} else if (last && last->m) {
		char d[40];
		pdf_date(d, sizeof d, last->m);
		snprintf(out->time, sizeof out->time, "%s（签名者声明）", d);
	}
	if (r->valid)
		snprintf(out->summary, sizeof out->summary,
			 "有效：%zu 个签名均完整、可信，并覆盖整个文件。", r->nsigs);
	else if (!r->nsigs && r->problems.n)
		snprintf(out->summary, sizeof out->summary,
			 "无效：文件无法作为已签名的PDF读取（%s）。", first_problem(r));
	else if (!r->nsigs)
		snprintf(out->summary, sizeof out->summary, "无效：文件中没有数字签名。");
	else
		snprintf(out->summary, sizeof out->summary, "无效：%s", first_problem(r));
	gaz_verify_report_free(r);
}

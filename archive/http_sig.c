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
	if (last && (last->ts_time || last->m))
		snprintf(out->time, sizeof out->time, "%s%s", last->ts_time ? last->ts_time : last->m,
			 last->ts_time ? "（时间戳证明）" : "（签名者声明）");
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

/* Chinese line breaking: the clreq prohibitions hold by construction, ——
 * and …… stay whole, Latin words and numbers are not split, squeezing and
 * pushing down, and justified lines sum exactly to the measure. */
#include "gazette/linebreak.h"
#include "test.h"

#include <math.h>
#include <stdlib.h>

#define EM 16.0f

/* UTF-8 → code points; widths: ASCII half an em, everything else one. */
static size_t decode(const char *s, uint32_t *cps, struct gaz_lb_char *c, size_t max)
{
	size_t n = 0, k, len = strlen(s);
	uint32_t cp;

	while (len && n < max) {
		k = gaz_utf8_decode((const unsigned char *)s, len, &cp);
		if (!k)
			break;
		cps[n] = cp;
		if (c) {
			memset(&c[n], 0, sizeof c[n]);
			c[n].cp = cp;
			c[n].em = EM;
			c[n].w = cp < 0x80 ? EM / 2 : EM;
		}
		n++;
		s += k;
		len -= k;
	}
	return n;
}

/* Breaks s at measure (in ems) and returns the lines as UTF-8 joined with
 * '|', checking the width invariants on the way. */
static char *set(const char *s, float ems, float indent_ems, int justify)
{
	static char out[4096];
	uint32_t cps[512];
	struct gaz_lb_char c[512];
	unsigned char brk[512];
	struct gaz_lb_line *ln = NULL;
	size_t n = decode(s, cps, c, 512), nl = 0, i, j, o = 0;
	float m = ems * EM;

	CHECK(gaz_lb_opportunities(cps, n, brk) == 0);
	CHECK(gaz_lb_fit(c, n, brk, m, indent_ems * EM, 0, justify, &ln, &nl) == 0);
	for (i = 0; i < nl; i++) {
		float w = 0;
		size_t last = ln[i].end - 1;
		while (last > ln[i].start && (c[last].cp == ' '))
			last--;
		for (j = ln[i].start; j <= last; j++)
			w += c[j].w - c[j].cut_l - c[j].cut_r;
		w += (float)(last - ln[i].start) * ln[i].space;
		/* The set width is what the characters really take. */
		CHECK(fabsf(w - ln[i].width) < 0.01f);
		/* Nothing sticks out of the measure. */
		CHECK(ln[i].width <= m - ln[i].x0 + 0.01f);
		/* Justified lines end exactly at the measure. */
		if (justify && !ln[i].last && last > ln[i].start)
			CHECK(fabsf(ln[i].width - (m - ln[i].x0)) < 0.001f);
		if (i)
			out[o++] = '|';
		for (j = ln[i].start; j < ln[i].end; j++)
			o += gaz_utf8_encode(cps[j], out + o);
	}
	out[o] = 0;
	CHECK(nl >= 1 && ln[nl - 1].end == n && ln[nl - 1].last);
	free(ln);
	return out;
}

/* A title broken by gaz_lb_fit_balanced at `ems`, lines joined by '|'. */
static char *balanced(const char *s, float ems)
{
	static char out[1024];
	uint32_t cps[256];
	struct gaz_lb_char c[256];
	unsigned char brk[256];
	struct gaz_lb_line *ln = NULL;
	size_t n = decode(s, cps, c, 256), nl = 0, i, j, o = 0;

	out[0] = 0;
	CHECK(gaz_lb_opportunities(cps, n, brk) == 0);
	CHECK(gaz_lb_fit_balanced(c, n, brk, ems * EM, &ln, &nl) == 0);
	for (i = 0; i < nl; i++) {
		CHECK(ln[i].width <= ems * EM + 0.01f);
		if (i)
			out[o++] = '|';
		for (j = ln[i].start; j < ln[i].end; j++)
			o += gaz_utf8_encode(cps[j], out + o);
	}
	out[o] = 0;
	free(ln);
	return out;
}

/* s set on one wide line, unjustified: its width in ems, and the cuts of
 * character k (cut_l + cut_r, in ems) in *cut. */
static float closed_up(const char *s, size_t k, float *cut)
{
	uint32_t cps[64];
	struct gaz_lb_char c[64];
	unsigned char brk[64];
	struct gaz_lb_line *ln = NULL;
	size_t n = decode(s, cps, c, 64), nl = 0;
	float w = -1;

	*cut = -1;
	CHECK(gaz_lb_opportunities(cps, n, brk) == 0);
	CHECK(gaz_lb_fit(c, n, brk, 40 * EM, 0, 0, 0, &ln, &nl) == 0);
	if (nl == 1 && k < n) {
		w = ln[0].width / EM;
		*cut = (c[k].cut_l + c[k].cut_r) / EM;
	}
	free(ln);
	return w;
}

/* Every line start/end in `lines` ('|'-separated) obeys the prohibitions. */
static int obeys(const char *lines)
{
	uint32_t cps[1024];
	size_t n = decode(lines, cps, NULL, 1024), i;

	for (i = 0; i < n; i++) {
		if (cps[i] != '|')
			continue;
		if (i + 1 < n && gaz_lb_no_start(cps[i + 1]))
			return 0;
		if (i > 0 && gaz_lb_no_end(cps[i - 1]))
			return 0;
		if (i > 0 && i + 1 < n && cps[i - 1] == cps[i + 1] &&
		    (cps[i - 1] == 0x2014 || cps[i - 1] == 0x2026))
			return 0;
	}
	return 1;
}

static const char *const no_start[] = {
	"，", "。", "、", "；", "：", "？", "！", "）", "》", "」", "』", "】", "〕", "〗",
	"〉", "”", "’", "…", "—", "·", "％", "ー", "々", "っ", "ャ", "］", "｝"
};
static const char *const no_end[] = { "（", "《", "「", "『", "【", "〔", "〖", "〈", "“", "‘", "［", "｛" };

int main(void)
{
	char buf[256];
	const char *r;
	size_t i, k;

	/* Every forbidden line-start character, at every position where a
	 * naive break would put it first: never first. */
	for (i = 0; i < sizeof no_start / sizeof *no_start; i++)
		for (k = 3; k <= 6; k++) {
			uint32_t cp;
			snprintf(buf, sizeof buf, "%.*s%s甲乙丙丁戊己庚辛壬癸", (int)(k * 3),
				 "一二三四五六七八九十", no_start[i]);
			gaz_utf8_decode((const unsigned char *)no_start[i], 4, &cp);
			CHECK(gaz_lb_no_start(cp));
			r = set(buf, (float)k, 0, 1);
			CHECK(obeys(r));
			if (!obeys(r))
				fprintf(stderr, "  %s\n", r);
		}
	for (i = 0; i < sizeof no_end / sizeof *no_end; i++)
		for (k = 3; k <= 6; k++) {
			uint32_t cp;
			snprintf(buf, sizeof buf, "%.*s%s甲乙丙丁戊己庚辛壬癸", (int)(k * 3 - 3),
				 "一二三四五六七八九十", no_end[i]);
			gaz_utf8_decode((const unsigned char *)no_end[i], 4, &cp);
			CHECK(gaz_lb_no_end(cp));
			CHECK(!gaz_lb_no_start(cp));
			r = set(buf, (float)k, 0, 1);
			CHECK(obeys(r));
			if (!obeys(r))
				fprintf(stderr, "  %s\n", r);
		}
	CHECK(!gaz_lb_no_start(0x4E00) && !gaz_lb_no_end(0x4E00));

	/* 推入: the comma that does not fit is squeezed onto the line. */
	CHECK_STR(set("一二三四，五六七八", 4.5f, 0, 1), "一二三四，|五六七八");
	/* 推出: ！ is not squeezed, so 四 moves down with it. */
	CHECK_STR(set("一二三四！五六七八", 4.5f, 0, 1), "一二三|四！五六|七八");
	/* Half an em is all a comma gives: at 4 em it is pushed down too. */
	CHECK_STR(set("一二三四，五六七八", 4, 0, 1), "一二三|四，五六|七八");
	/* Opening bracket never ends a line; the next character comes along. */
	CHECK_STR(set("一二三《四五》六七", 4, 0, 1), "一二三|《四五》|六七");
	/* —— and …… stay whole and never start a line. */
	r = set("一二三——四五六七八", 4, 0, 1);
	CHECK_STR(r, "一二|三——四|五六七八");
	r = set("一二三四……五六七", 4, 0, 1);
	CHECK(obeys(r));
	CHECK(strstr(r, "……") != NULL);
	/* Numbers and Latin words are not split; a number keeps its unit. */
	r = set("一二三2018年四五六七八九", 4, 0, 1);
	CHECK(strstr(r, "2018年") != NULL);
	r = set("支持IPV6和12345热线服务", 5, 0, 1);
	CHECK(strstr(r, "IPV6") != NULL && strstr(r, "12345热") != NULL);
	/* Consecutive punctuation squeezed inside the line: 。” plus the
	 * line-end ， give one em. */
	r = set("一二“三。”四，五六七", 7, 0, 1);
	CHECK_STR(r, "一二“三。”四，|五六七");
	/* Adjacent punctuation is closed up even when the line has room:
	 * 。（ keeps half an em between the marks, ”） and （《 touch; a lone
	 * mark and a mark before an ideograph keep their full em. */
	{
		float cut, w;
		w = closed_up("发布。（牵头", 2, &cut);
		CHECK(fabsf(w - 5.5f) < 0.001f && fabsf(cut - 0.5f) < 0.001f);
		w = closed_up("“稳”）。〔责", 2, &cut);
		CHECK(fabsf(w - 5.5f) < 0.001f && fabsf(cut - 0.5f) < 0.001f);
		CHECK(fabsf(closed_up("“稳”）。〔责", 4, &cut) - 5.5f) < 0.001f &&
		      fabsf(cut - 0.5f) < 0.001f);
		w = closed_up("一（《二》）", 2, &cut);
		CHECK(fabsf(w - 5.0f) < 0.001f && fabsf(cut - 0.5f) < 0.001f);
		w = closed_up("一，二。三", 1, &cut);
		CHECK(fabsf(w - 5.0f) < 0.001f && cut == 0);
	}
	/* First-line indent narrows the first line only. */
	CHECK_STR(set("一二三四五六七八九十", 4, 2, 1), "一二|三四五六|七八九十");
	/* A run with no opportunity longer than the line is still broken. */
	r = set("网址https://gazette.example.gov.cn/verify/ABCDEFGHJK", 8, 0, 1);
	CHECK(strchr(r, '|') != NULL);
	/* Spaces at a line end hang: the line still justifies. */
	r = set("this is a test of spaces between words", 6, 0, 1);
	CHECK(strchr(r, '|') != NULL);

	/* No last line of a lone character: the line before gives one up. */
	CHECK_STR(set("一二三四五六七八九十甲乙丙丁戊己庚辛壬癸子。", 10, 0, 1),
		  "一二三四五六七八九十|甲乙丙丁戊己庚辛壬|癸子。");
	/* ... unless that would leave the line too loose. */
	CHECK_STR(set("一二三四五六七八九十子。", 5, 0, 1), "一二三四五|六七八九十|子。");

	/* Justification arithmetic on a real paragraph. */
	set("按照省政府主要领导同志关于持续深化政务公开，抓好重点工作贯彻落实的要求，"
	    "我市为进一步做好政策文件公开，积极引导公众参与决策，紧紧围绕实施全面振兴新"
	    "突破三年行动（以下简称“三年行动”），扎实有效推动政务公开工作，助力实现鞍山"
	    "全面振兴新突破，现将当前重点工作任务分解如下：", 27.6f, 2, 1);

	/* Balanced titles: three lines of even length, not two long and a stub. */
	{
		const char *t = "重庆市黔江区人民政府办公室关于转发《重庆市人民政府办公厅关于"
				"印发2018年重庆市政务公开工作要点的通知》的通知";
		uint32_t cps[128];
		struct gaz_lb_char c[128];
		unsigned char brk[128];
		struct gaz_lb_line *ln = NULL;
		size_t n = decode(t, cps, c, 128), nl = 0;
		CHECK(gaz_lb_opportunities(cps, n, brk) == 0);
		CHECK(gaz_lb_fit_balanced(c, n, brk, 20 * EM, &ln, &nl) == 0);
		CHECK_EQ_INT(nl, 3);
		if (nl == 3) {
			CHECK(ln[2].end - ln[2].start >= 14);
			CHECK(ln[0].width <= 20 * EM);
		}
		free(ln);
	}
	/* Titles turn where a reader expects: before 《 or 关于, never inside a
	 * word. */
	CHECK_STR(balanced("西充县人民政府办公室关于印发《西充县2017年政务公开工作要点》的通知", 20),
		  "西充县人民政府办公室关于印发|《西充县2017年政务公开工作要点》的通知");
	CHECK_STR(balanced("鞍山市关于持续深化政务公开做好当前重点工作的任务分解和责任分工方案", 19),
		  "鞍山市关于持续深化政务公开做好当前|重点工作的任务分解和责任分工方案");
	CHECK_STR(balanced("长春新区2020年政务公开工作要点", 20), "长春新区2020年政务公开工作要点");

	/* U+FFFF is libunibreak 1.x's end-of-string sentinel: in the text it
	 * must neither cut the scan short (its assertion aborts) nor lose the
	 * characters after it (found by fuzz_linebreak). */
	{
		const uint32_t cps[] = { 0x653F, 0xFFFF, 0x52A1, 0xFF0C, 0x516C, 0x5F00, 0xFFFF };
		unsigned char brk[7];
		CHECK(gaz_lb_opportunities(cps, 7, brk) == 0);
		CHECK(brk[6] == 1);
		CHECK(brk[2] == 0); /* no line starts with ， */
		CHECK(brk[4] == 1); /* 公|开 may break, after the sentinel */
	}

	/* Bad measures are refused. */
	{
		struct gaz_lb_char c[1] = { { 0x4E00, EM, EM, 0, 0 } };
		unsigned char brk[1] = { 1 };
		struct gaz_lb_line *ln = NULL;
		size_t nl = 0;
		CHECK(gaz_lb_fit(c, 1, brk, 0, 0, 0, 1, &ln, &nl) == GAZ_EINVAL);
		CHECK(gaz_lb_fit(c, 1, brk, 10, 10, 0, 1, &ln, &nl) == GAZ_EINVAL);
	}
	return TEST_DONE();
}

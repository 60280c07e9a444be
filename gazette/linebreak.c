/*
 * Chinese line breaking: UAX #14 opportunities from libunibreak, the clreq
 * prohibitions enforced on top of them, then greedy filling with
 * punctuation squeezing (推入) or pushing down (推出), and justification.
 */
#include "gazette/linebreak.h"

#include "gazette/dl/unibreak.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static pthread_once_t ub_once = PTHREAD_ONCE_INIT;

static void ub_init(void) { init_linebreak(); }

static int in_list(uint32_t cp, const uint32_t *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] == cp)
			return 1;
	return 0;
}

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Closing punctuation whose ink sits in the left half of the em box: a
 * line may not start with it, and its right half may be squeezed. */
static const uint32_t closing[] = {
	0xFF0C, 0x3002, 0x3001, 0xFF1B, 0xFF1A, /* ，。、；： */
	0xFF09, 0x300B, 0x300D, 0x300F, 0x3011, 0x3015, 0x3017, 0x3009, /* ）》」』】〕〗〉 */
	0xFF3D, 0xFF5D, 0x201D, 0x2019, 0x3019, 0x301B, 0xFF60, 0x301E, 0x301F, /* ］｝”’〙〛｠〞〟 */
	0xFF0E, /* ． */
};

/* Further characters a line may not start with; not squeezed. */
static const uint32_t no_start_other[] = {
	0xFF1F, 0xFF01, '?', '!', ',', '.', ';', ':', ')', ']', '}', '%',
	0xFF05, 0x2030, 0x2103, 0x00B0,              /* ％‰℃° */
	0x2026, 0x2025, 0x2014, 0x2015, 0x2E3A,      /* … ‥ — ― ⸺ */
	0x00B7, 0x30FB, 0xFF65, 0x2027,              /* middle dots */
	0xFF61, 0xFF63, 0xFF64,                      /* halfwidth ｡｣､ */
	0x3005, 0x303B, 0x309D, 0x309E, 0x30FD, 0x30FE, 0x30FC, /* 々〻ゝゞヽヾー */
	0x3041, 0x3043, 0x3045, 0x3047, 0x3049, 0x3063, 0x3083, 0x3085, 0x3087,
	0x308E, 0x3095, 0x3096, 0x30A1, 0x30A3, 0x30A5, 0x30A7, 0x30A9, 0x30C3,
	0x30E3, 0x30E5, 0x30E7, 0x30EE, 0x30F5, 0x30F6, /* small kana */
};

/* Opening punctuation, ink in the right half: never at a line end; its
 * left half may be squeezed. */
static const uint32_t opening[] = {
	0xFF08, 0x300A, 0x300C, 0x300E, 0x3010, 0x3014, 0x3016, 0x3008, /* （《「『【〔〖〈 */
	0xFF3B, 0xFF5B, 0x201C, 0x2018, 0x3018, 0x301A, 0xFF5F, 0x301D, /* ［｛“‘〘〚｟〝 */
	0xFF62, /* ｢ */
};

static const uint32_t no_end_other[] = { '(', '[', '{' };

static int maybe_punct(uint32_t cp);
static int is_closing(uint32_t cp) { return maybe_punct(cp) && in_list(cp, closing, N_OF(closing)); }
static int is_opening(uint32_t cp) { return maybe_punct(cp) && in_list(cp, opening, N_OF(opening)); }

/* Most characters are ideographs or letters, none of them listed. */
static int maybe_punct(uint32_t cp)
{
	return cp < 0x2000 ? cp < 0x80 || cp == 0xB7 || cp == 0xB0 : cp < 0x3400 || cp >= 0xFF00;
}

int gaz_lb_no_start(uint32_t cp)
{
	if (!maybe_punct(cp))
		return 0;
	return (cp >= 0x31F0 && cp <= 0x31FF) || is_closing(cp) ||
	       in_list(cp, no_start_other, N_OF(no_start_other));
}

int gaz_lb_no_end(uint32_t cp)
{
	if (!maybe_punct(cp))
		return 0;
	return is_opening(cp) || in_list(cp, no_end_other, N_OF(no_end_other));
}

static int is_alnum(uint32_t cp)
{
	return (cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') ||
	       (cp >= 0xFF10 && cp <= 0xFF19) || (cp >= 0xFF21 && cp <= 0xFF3A) ||
	       (cp >= 0xFF41 && cp <= 0xFF5A);
}

static int is_digit(uint32_t cp)
{
	return (cp >= '0' && cp <= '9') || (cp >= 0xFF10 && cp <= 0xFF19);
}

static int is_ideograph(uint32_t cp)
{
	return (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
	       (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x3FFFF);
}

static int is_space(uint32_t cp)
{
	return cp == ' ' || cp == 0x3000 || cp == 0xA0 || cp == '\t';
}

/* The clreq prohibitions between a and b (b follows a). */
static int clreq_forbids(uint32_t a, uint32_t b)
{
	if (gaz_lb_no_start(b) || gaz_lb_no_end(a))
		return 1;
	if (a == b && (a == 0x2014 || a == 0x2026 || a == 0x2015 || a == 0x2025))
		return 1;
	if (is_alnum(a) && is_alnum(b))
		return 1;
	if (is_digit(a) && is_ideograph(b))
		return 1;
	return 0;
}

int gaz_lb_opportunities(const uint32_t *cps, size_t n, unsigned char *brk)
{
	utf32_t *u = NULL;
	char *ub = NULL;
	size_t i;
	int ret = GAZ_ENOMEM;

	if (!n)
		return 0;
	if (n > GAZ_LB_MAX_CHARS)
		return gaz_fail(GAZ_ETOOBIG, "paragraph of %zu characters", n);
	if (!(u = malloc(n * sizeof *u)) || !(ub = malloc(n)))
		goto end;
	if ((ret = gaz_dl_unibreak()))
		goto end;
	pthread_once(&ub_once, ub_init);
	/* libunibreak 1.x ends its scan at EOS, which it defines as 0xFFFF:
	 * a U+FFFF in the text would stop it early and trip its own
	 * assertion.  The noncharacter (and anything beyond Unicode) breaks
	 * like U+FFFD, its replacement. */
	for (i = 0; i < n; i++)
		u[i] = cps[i] == 0xFFFF || cps[i] > 0x10FFFF ? 0xFFFD : cps[i];
	set_linebreaks_utf32(u, n, "zh", ub);
	for (i = 0; i + 1 < n; i++)
		brk[i] = ub[i] == LINEBREAK_ALLOWBREAK && !clreq_forbids(cps[i], cps[i + 1]);
	brk[n - 1] = 1;
	ret = 0;
end:
	free(u);
	free(ub);
	return ret;
}

/* ---- fitting ----------------------------------------------------------- */

enum { P_NONE, P_CLOSE, P_OPEN };

/* The characters with their punctuation class looked up once. */
struct fit {
	struct gaz_lb_char *c;
	unsigned char *cls;
	size_t n;
};

static float cap_r(const struct fit *f, size_t i)
{
	const struct gaz_lb_char *c = &f->c[i];

	if (f->cls[i] != P_CLOSE || c->w < 0.9f * c->em)
		return 0;
	return c->w - 0.5f * c->em;
}

static float cap_l(const struct fit *f, size_t i)
{
	const struct gaz_lb_char *c = &f->c[i];

	if (f->cls[i] != P_OPEN || c->w < 0.9f * c->em)
		return 0;
	return c->w - 0.5f * c->em;
}

/* What the pair (i-1, i) may give up, and from which glyph: a closing mark
 * before punctuation gives its right half (*which 0); an opening mark
 * after an opening mark gives its left half (*which 1). */
static float pair_cap(const struct fit *f, size_t i, int *which)
{
	unsigned a = f->cls[i - 1], b = f->cls[i];

	if (a == P_CLOSE && b != P_NONE) {
		*which = 0;
		return cap_r(f, i - 1);
	}
	if (a == P_OPEN && b == P_OPEN) {
		*which = 1;
		return cap_l(f, i);
	}
	*which = -1;
	return 0;
}

struct lines {
	struct gaz_lb_line *v;
	size_t n, cap;
};

static int lines_push(struct lines *L, const struct gaz_lb_line *ln)
{
	if (L->n == L->cap) {
		size_t nc = L->cap ? L->cap * 2 : 16;
		struct gaz_lb_line *nv = realloc(L->v, nc * sizeof *nv);
		if (!nv)
			return GAZ_ENOMEM;
		L->v = nv;
		L->cap = nc;
	}
	L->v[L->n++] = *ln;
	return 0;
}

/* Index of the last non-space character in [s, e), or s if all spaces. */
static size_t last_visible(const struct gaz_lb_char *c, size_t s, size_t e)
{
	while (e > s + 1 && is_space(c[e - 1].cp))
		e--;
	return e - 1;
}

/* End (exclusive) of the line starting at s for measure m.  The narrowest
 * a line can be squeezed grows with every character (a character adds its
 * width and frees at most half of it), so the first opportunity that does
 * not fit ends the search.  Width and squeeze are summed as the scan goes:
 * up to the last visible character, plus that character's own squeeze. */
static size_t fit_one(const struct fit *f, const unsigned char *brk, size_t s, float m)
{
	const struct gaz_lb_char *c = f->c;
	size_t i, best = 0;
	float nat = 0, pairs = 0, vis_nat = 0, vis_pairs = 0, vis_end = 0, all = 0;
	const float eps = 0.01f;
	int which;

	for (i = s; i < f->n; i++) {
		nat += c[i].w;
		if (i > s)
			pairs += pair_cap(f, i, &which);
		if (!is_space(c[i].cp) || i == s) {
			vis_nat = nat;
			vis_pairs = pairs;
			vis_end = cap_r(f, i);
			/* Everything the characters could give: a lower bound,
			 * so a long run without opportunities stops here. */
			all += c[i].w - cap_l(f, i) - cap_r(f, i);
			if (all > m + eps)
				break;
		}
		if (!brk[i])
			continue;
		if (vis_nat - vis_pairs - vis_end > m + eps)
			break;
		best = i + 1;
	}
	if (best)
		return best;
	/* No opportunity fits: break between characters (a long URL). */
	nat = 0;
	for (i = s; i < f->n && (i == s || nat + c[i].w <= m + eps); i++)
		nat += c[i].w;
	best = i;
	while (best > s + 1 && best < f->n && gaz_lb_no_start(c[best].cp))
		best--;
	return best;
}

/* Sets [s, e) as one line at x0 in measure.  Adjacent punctuation is
 * always closed up (clreq §3.1.6.2, 标点挤压: 。（ leaves half an em
 * between the marks, not a full one; ”） and （《 touch): that is how the
 * marks are set, not a way to make room.  Then the line-end mark gives
 * its right half if the line is still too wide (推入); a line that is not
 * the paragraph's last is justified. */
static void set_line(struct fit *f, size_t s, size_t e, float measure, float x0, int justify,
		     struct gaz_lb_line *ln)
{
	size_t last = last_visible(f->c, s, e), i;
	float m = measure - x0, nat = 0, t;
	int which;

	for (i = s; i < e; i++)
		f->c[i].cut_l = f->c[i].cut_r = 0;
	for (i = s; i <= last; i++) {
		nat += f->c[i].w;
		if (i > s && (t = pair_cap(f, i, &which)) > 0) {
			if (which == 0)
				f->c[i - 1].cut_r += t;
			else
				f->c[i].cut_l += t;
			nat -= t;
		}
	}
	memset(ln, 0, sizeof *ln);
	ln->start = s;
	ln->end = e;
	ln->x0 = x0;
	ln->last = e == f->n;
	if (nat > m) {
		t = cap_r(f, last);
		if (t > nat - m)
			t = nat - m;
		f->c[last].cut_r = t;
		ln->width = nat - t;
	} else if (justify && !ln->last && last > s) {
		ln->space = (m - nat) / (float)(last - s);
		ln->width = m;
	} else {
		ln->width = nat;
	}
}

/* At most one character that is not punctuation in [s, e). */
static int lone_char(const struct fit *f, size_t s, size_t e)
{
	size_t k = 0;

	for (; s < e; s++)
		if (!is_space(f->c[s].cp) && !gaz_lb_no_start(f->c[s].cp) &&
		    !gaz_lb_no_end(f->c[s].cp))
			k++;
	return k <= 1;
}

int gaz_lb_fit(struct gaz_lb_char *c, size_t n, const unsigned char *brk, float measure,
	       float indent, float hang, int justify, struct gaz_lb_line **out, size_t *n_out)
{
	struct lines L = { 0 };
	struct gaz_lb_line ln;
	struct fit f;
	size_t s = 0, e, i;
	int rc = GAZ_ENOMEM;

	if (measure <= 0 || indent >= measure || hang >= measure || indent < 0 || hang < 0)
		return gaz_fail(GAZ_EINVAL, "line measure %.1f pt with indent %.1f/%.1f",
				measure, indent, hang);
	if (n > GAZ_LB_MAX_CHARS)
		return gaz_fail(GAZ_ETOOBIG, "paragraph of %zu characters", n);
	f.c = c;
	f.n = n;
	if (!(f.cls = malloc(n ? n : 1)))
		return GAZ_ENOMEM;
	for (i = 0; i < n; i++) {
		c[i].cut_l = c[i].cut_r = 0;
		f.cls[i] = is_closing(c[i].cp) ? P_CLOSE : is_opening(c[i].cp) ? P_OPEN : P_NONE;
	}
	while (s < n) {
		e = fit_one(&f, brk, s, measure - (L.n ? hang : indent));
		set_line(&f, s, e, measure, L.n ? hang : indent, justify, &ln);
		if ((rc = lines_push(&L, &ln)))
			goto end;
		s = e;
	}
	/* A last line of one character (plus its punctuation) looks like a
	 * mistake: the line before gives it its last word. */
	if (justify && L.n >= 2 && lone_char(&f, L.v[L.n - 1].start, n)) {
		struct gaz_lb_line *pl = &L.v[L.n - 2];
		size_t p = pl->end - 1;
		while (p > pl->start && !brk[p - 1])
			p--;
		if (p > pl->start + 1) {
			float x0 = L.n >= 3 ? hang : indent, x1 = hang;
			struct gaz_lb_line a, b;
			set_line(&f, pl->start, p, measure, x0, justify, &a);
			set_line(&f, p, n, measure, x1, justify, &b);
			if (b.width <= measure - x1 + 0.01f && a.space <= 0.25f * c[p - 1].em) {
				L.v[L.n - 2] = a;
				L.v[L.n - 1] = b;
			} else {
				set_line(&f, pl->start, pl->end, measure, x0, justify, &a);
				set_line(&f, pl->end, n, measure, x1, justify, &b);
			}
		}
	}
	*out = L.v;
	*n_out = L.n;
	L.v = NULL;
	rc = 0;
end:
	free(L.v);
	free(f.cls);
	return rc;
}

/* Two-character words frequent in government titles: a title is not
 * broken inside them (no dictionary is needed to get most titles right). */
static const char title_words[] =
	"关于印发转发通知意见决定批复报告公告通告办法规定细则方案要点计划规划"
	"实施管理工作政务公开信息服务建设发展改革完善加强推进深化持续当前重点"
	"任务分解责任分工人民政府办公机关单位部门地区全面做好开展落实"
	"规范标准制度机制体系安全生产经济社会市场监督检查考核评估试行暂行修订"
	"组织领导保障措施城市农村更新区域项目资金财政预算审计环境保护教育卫生"
	"健康医疗养老就业社保住房交通水利能源科技创新营商优化行政审批许可执法"
	"应急事故防范风险疫情防控突发事件政策文件解读回应平台网站媒体数据";

static int in_word(uint32_t a, uint32_t b)
{
	const unsigned char *p = (const unsigned char *)title_words;
	size_t n = sizeof title_words - 1, i = 0, k1, k2;
	uint32_t x, y;

	while (i < n && (k1 = gaz_utf8_decode(p + i, n - i, &x)) &&
	       (k2 = gaz_utf8_decode(p + i + k1, n - i - k1, &y))) {
		if (x == a && y == b)
			return 1;
		i += k1 + k2;
	}
	return 0;
}

/* How much breaking a title after character j costs, in squared ems of
 * slack: nothing where a reader expects a title to turn (GB/T 9704: 词意
 * 完整) — before 关于 or an opening 《, after a closing 》, after
 * punctuation, after a year (2018年) —, a little after the end of an
 * organisation's name or after 的, and a lot inside what may be a word. */
static float title_break_cost(const uint32_t *cp, size_t n, size_t j)
{
	uint32_t a = cp[j], b = j + 1 < n ? cp[j + 1] : 0, b2 = j + 2 < n ? cp[j + 2] : 0;

	if ((b == 0x5173 && b2 == 0x4E8E) || b == 0x300A || a == 0x300B) /* 关于 《 》 */
		return 0;
	if (gaz_lb_no_start(a) && a != 0x2014 && a != 0x2026)
		return 0;
	if (a == 0x5E74 && j && cp[j - 1] >= '0' && cp[j - 1] <= '9') /* 2018年 */
		return 0;
	if ((a == 0x5E9C && j && cp[j - 1] == 0x653F) ||                  /* 政府 */
	    (a == 0x5BA4 && j && cp[j - 1] == 0x516C) ||                  /* 办公室 */
	    (a == 0x5385 && j && cp[j - 1] == 0x516C) ||                  /* 办公厅 */
	    (a == 0x4F1A && j && cp[j - 1] == 0x5458) ||                  /* 委员会 */
	    a == 0x7684)                                                  /* 的 */
		return 4;
	return in_word(a, b) ? 100 : 40;
}

#define TITLE_MAX_CHARS 240
#define TITLE_MAX_LINES 6

int gaz_lb_fit_balanced(struct gaz_lb_char *c, size_t n, const unsigned char *brk,
			float measure, struct gaz_lb_line **out, size_t *n_out)
{
	/* cost[k][j]: best cost of setting [0, j) in k lines; from[k][j]: the
	 * start of the last of them. */
	static const float inf = 1e30f;
	float (*cost)[TITLE_MAX_CHARS + 1] = NULL, *pre = NULL, em = n ? c[0].em : 1;
	float bcost[TITLE_MAX_CHARS + 1] = { 0 };
	size_t (*from)[TITLE_MAX_CHARS + 1] = NULL;
	uint32_t *cps = NULL;
	struct gaz_lb_line *v = NULL;
	struct fit f = { c, NULL, n };
	size_t k, kmin, i, j, nl, ends[TITLE_MAX_LINES];
	int rc;

	/* The fewest lines the title needs. */
	if ((rc = gaz_lb_fit(c, n, brk, measure, 0, 0, 0, &v, &kmin)))
		return rc;
	if (kmin <= 1 || kmin > TITLE_MAX_LINES - 1 || n > TITLE_MAX_CHARS) {
		*out = v;
		*n_out = kmin;
		return 0;
	}
	free(v);
	v = NULL;
	rc = GAZ_ENOMEM;
	if (!(cost = calloc(TITLE_MAX_LINES + 1, sizeof *cost)) ||
	    !(from = calloc(TITLE_MAX_LINES + 1, sizeof *from)) ||
	    !(pre = calloc(n + 1, sizeof *pre)) || !(cps = malloc(n * sizeof *cps)) ||
	    !(f.cls = calloc(n, 1)) || !(v = calloc(TITLE_MAX_LINES, sizeof *v)))
		goto end;
	for (i = 0; i < n; i++) {
		pre[i + 1] = pre[i] + c[i].w;
		cps[i] = c[i].cp;
	}
	for (j = 1; j < n; j++)
		bcost[j] = title_break_cost(cps, n, j - 1);
	/* Lines as even as possible (Σ slack² is least when they are equal),
	 * turning where the words allow; one line more than the fewest is
	 * allowed when that avoids breaking a word. */
	for (k = 0; k <= TITLE_MAX_LINES; k++)
		for (j = 0; j <= n; j++)
			cost[k][j] = inf;
	cost[0][0] = 0;
	for (k = 1; k <= kmin + 1; k++)
		for (j = 1; j <= n; j++) {
			if (j < n && !brk[j - 1])
				continue;
			for (i = 0; i < j; i++) {
				float w, slack, t;
				if (cost[k - 1][i] >= inf)
					continue;
				w = pre[last_visible(c, i, j) + 1] - pre[i];
				if (w > measure + 0.01f)
					continue;
				slack = (measure - w) / em;
				t = cost[k - 1][i] + slack * slack + bcost[j];
				if (t < cost[k][j]) {
					cost[k][j] = t;
					from[k][j] = i;
				}
			}
		}
	k = kmin;
	if (cost[kmin + 1][n] + 60 < cost[kmin][n])
		k = kmin + 1;
	if (cost[k][n] >= inf) {
		free(v);
		v = NULL;
		rc = gaz_lb_fit(c, n, brk, measure, 0, 0, 0, out, n_out);
		goto end;
	}
	for (j = n, nl = k; nl > 0; nl--) {
		ends[nl - 1] = j;
		j = from[nl][j];
	}
	for (i = 0, j = 0; i < k; i++) {
		set_line(&f, j, ends[i], measure, 0, 0, &v[i]);
		j = ends[i];
	}
	*out = v;
	*n_out = k;
	v = NULL;
	rc = 0;
end:
	free(v);
	free(cost);
	free(from);
	free(pre);
	free(cps);
	free(f.cls);
	return rc;
}

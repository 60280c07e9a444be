#include "gazette/text.h"

#include <openssl/evp.h>
#include <string.h>

int gaz_text_is_space(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == '\r' || cp == '\n' || cp == '\v' ||
	       cp == '\f' || cp == 0x3000 || cp == 0xA0 || cp == 0xFEFF;
}

void gaz_text_trim(const char **sp, size_t *np)
{
	const unsigned char *s = (const unsigned char *)*sp;
	size_t n = *np, k;
	uint32_t cp;

	while (n && (k = gaz_utf8_decode(s, n, &cp)) && gaz_text_is_space(cp))
		s += k, n -= k;
	/* Trailing: step back over continuation bytes to a lead byte. */
	while (n) {
		size_t st = n - 1;
		while (st && (s[st] & 0xC0) == 0x80 && n - st < 4)
			st--;
		k = gaz_utf8_decode(s + st, n - st, &cp);
		if (!k || st + k != n || !gaz_text_is_space(cp))
			break;
		n = st;
	}
	*sp = (const char *)s;
	*np = n;
}

/* Small matcher over code points. */
struct cur {
	const unsigned char *s;
	size_t n, i;
};

static uint32_t cur_peek(const struct cur *c, size_t *k)
{
	uint32_t cp;

	*k = gaz_utf8_decode(c->s + c->i, c->n - c->i, &cp);
	return *k ? cp : 0;
}

static int cur_eat(struct cur *c, uint32_t want)
{
	size_t k;

	if (c->i < c->n && cur_peek(c, &k) == want) {
		c->i += k;
		return 1;
	}
	return 0;
}

static int is_cn_numeral(uint32_t cp)
{
	static const char *set = "一二三四五六七八九十百零〇";
	const unsigned char *p = (const unsigned char *)set;
	size_t n = strlen(set), k;
	uint32_t x;

	while (n && (k = gaz_utf8_decode(p, n, &x))) {
		if (x == cp)
			return 1;
		p += k, n -= k;
	}
	return 0;
}

static size_t eat_run(struct cur *c, int (*pred)(uint32_t))
{
	size_t cnt = 0, k;

	while (c->i < c->n && pred(cur_peek(c, &k)) && k) {
		c->i += k;
		cnt++;
	}
	return cnt;
}

static int is_digit(uint32_t cp) { return cp >= '0' && cp <= '9'; }

static int at_end(const struct cur *c) { return c->i >= c->n; }

static int eat_open(struct cur *c) { return cur_eat(c, 0xFF08) || cur_eat(c, '('); }
static int eat_close(struct cur *c) { return cur_eat(c, 0xFF09) || cur_eat(c, ')'); }

static int is_date_line(const char *s, size_t n)
{
	struct cur c = { (const unsigned char *)s, n, 0 };

	if (eat_run(&c, is_digit) == 4) {
		size_t m, d;
		if (!cur_eat(&c, 0x5E74)) /* 年 */
			return 0;
		m = eat_run(&c, is_digit);
		if (m < 1 || m > 2 || !cur_eat(&c, 0x6708)) /* 月 */
			return 0;
		d = eat_run(&c, is_digit);
		return d >= 1 && d <= 2 && cur_eat(&c, 0x65E5) && at_end(&c); /* 日 */
	}
	c.i = 0; /* 二〇一八年七月十九日 */
	if (eat_run(&c, is_cn_numeral) != 4 || !cur_eat(&c, 0x5E74))
		return 0;
	if (!eat_run(&c, is_cn_numeral) || !cur_eat(&c, 0x6708))
		return 0;
	return eat_run(&c, is_cn_numeral) && cur_eat(&c, 0x65E5) && at_end(&c);
}

enum gaz_block_kind gaz_text_classify(const char *s, size_t n)
{
	struct cur c = { (const unsigned char *)s, n, 0 };
	size_t k;

	if (eat_run(&c, is_cn_numeral) && cur_eat(&c, 0x3001)) /* 一、 */
		return GAZ_BLK_H1;
	c.i = 0;
	if (eat_open(&c)) {
		size_t save = c.i;
		if (eat_run(&c, is_cn_numeral) && eat_close(&c))
			return GAZ_BLK_H2;
		c.i = save;
		if (eat_run(&c, is_digit) && eat_close(&c))
			return GAZ_BLK_H4;
		c.i = 0;
		/* （此件公开发布） */
		if (n >= 6 && !memcmp(s + 3, "此件", 6))
			return GAZ_BLK_NOTE;
	}
	c.i = 0;
	if (eat_run(&c, is_digit) && c.i <= 3 &&
	    (cur_eat(&c, '.') || cur_eat(&c, 0xFF0E) || cur_eat(&c, 0x3001)) &&
	    !at_end(&c) && !is_digit(cur_peek(&c, &k)))
		return GAZ_BLK_H3;
	if (n >= 6 && !memcmp(s, "附件", 6)) {
		c.i = 6;
		if (cur_eat(&c, 0xFF1A) || cur_eat(&c, ':') || is_digit(cur_peek(&c, &k)))
			return GAZ_BLK_ATTACHMENT;
	}
	if (is_date_line(s, n))
		return GAZ_BLK_DATE;
	if (gaz_text_is_doc_number(s, n, NULL))
		return GAZ_BLK_DOCNO;
	return GAZ_BLK_PARA;
}

static int has_any(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (strstr(s, *set))
			return 1;
	return 0;
}

static const char *const sentence_punct[] = {
	"。", "，", "；", "！", "？", "：", ",", ";", ":", "!", "?", NULL
};

int gaz_text_is_short_label(const char *s)
{
	size_t n = strlen(s);

	return n && gaz_utf8_count(s, n) <= 40 && !has_any(s, sentence_punct);
}

int gaz_text_is_addressee(const char *s)
{
	size_t n = strlen(s);

	if (!n || gaz_utf8_count(s, n) > 120 || strstr(s, "。"))
		return 0;
	return s[n - 1] == ':' || (n >= 3 && !memcmp(s + n - 3, "：", 3));
}

int gaz_text_is_han(uint32_t cp)
{
	return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
	       (cp >= 0x20000 && cp <= 0x2FFFF);
}

static int is_agency_char(uint32_t cp)
{
	/* 机关代字: Han, and the ASCII letters some agencies use. */
	return gaz_text_is_han(cp) || (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z');
}

int gaz_text_is_doc_number(const char *s, size_t n, int *year)
{
	struct cur c = { (const unsigned char *)s, n, 0 };
	size_t y0, seq;
	uint64_t y;

	if (!eat_run(&c, is_agency_char))
		return 0;
	if (!cur_eat(&c, 0x3014)) /* 〔 */
		return 0;
	y0 = c.i;
	if (eat_run(&c, is_digit) != 4)
		return 0;
	if (gaz_parse_uint(s + y0, 4, 9999, &y) || y < 1949)
		return 0;
	if (!cur_eat(&c, 0x3015)) /* 〕 */
		return 0;
	seq = eat_run(&c, is_digit);
	if (seq < 1 || seq > 6 || s[c.i - seq] == '0')
		return 0;
	if (!cur_eat(&c, 0x53F7) || !at_end(&c)) /* 号 */
		return 0;
	if (year)
		*year = (int)y;
	return 1;
}

static long days_from_civil(long y, unsigned m, unsigned d)
{
	/* H. Hinnant's algorithm. */
	long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long)doe - 719468;
}

int gaz_text_parse_date(const char *s, long *days)
{
	static const unsigned char mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	uint64_t y, m, d;
	unsigned lim;

	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return GAZ_EFORMAT;
	if (gaz_parse_uint(s, 4, 9999, &y) || gaz_parse_uint(s + 5, 2, 12, &m) ||
	    gaz_parse_uint(s + 8, 2, 31, &d) || y < 1900 || m < 1 || d < 1)
		return GAZ_EFORMAT;
	lim = mdays[m - 1];
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		lim = 29;
	if (d > lim)
		return GAZ_EFORMAT;
	*days = days_from_civil((long)y, (unsigned)m, (unsigned)d);
	return 0;
}

static const char b32[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; /* Crockford */

void gaz_text_doc_code(const char *doc_no, const char *text, size_t len, char out[11])
{
	unsigned char md[32];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	uint64_t bits = 0;
	int i;

	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) ||
	    !EVP_DigestUpdate(ctx, "gazette-doc-v1\n", 15) ||
	    !EVP_DigestUpdate(ctx, doc_no, strlen(doc_no)) ||
	    !EVP_DigestUpdate(ctx, "\n", 1) ||
	    !EVP_DigestUpdate(ctx, text, len) || !EVP_DigestFinal_ex(ctx, md, NULL))
		memset(md, 0, sizeof md);
	EVP_MD_CTX_free(ctx);
	for (i = 0; i < 7; i++)
		bits = bits << 8 | md[i];
	bits >>= 6; /* 56 -> 50 bits */
	for (i = 9; i >= 0; i--) {
		out[i] = b32[bits & 31];
		bits >>= 5;
	}
	out[10] = '\0';
}

int gaz_text_parse_decimal(const char *s, double *out)
{
	size_t i = 0, n = strlen(s), ni = 0, nf = 0;
	double v = 0, scale = 1;
	int neg = 0;

	if (i < n && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	while (i < n && s[i] >= '0' && s[i] <= '9' && ni < 7)
		v = v * 10 + (s[i++] - '0'), ni++;
	if (!ni || ni > 6)
		return GAZ_EFORMAT;
	if (i < n && s[i] == '.') {
		i++;
		while (i < n && s[i] >= '0' && s[i] <= '9' && nf < 7) {
			scale /= 10;
			v += (s[i++] - '0') * scale;
			nf++;
		}
		if (!nf || nf > 6)
			return GAZ_EFORMAT;
	}
	if (i != n)
		return GAZ_EFORMAT;
	*out = neg ? -v : v;
	return 0;
}

static int is_code_char(uint32_t cp)
{
	return (cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z');
}

int gaz_text_is_index_number(const char *s, size_t n, int *year)
{
	struct cur c = { (const unsigned char *)s, n, 0 };
	size_t code, y0, seq;
	uint64_t y;

	code = eat_run(&c, is_code_char);
	if ((code != 9 && code != 18) || !cur_eat(&c, '/'))
		return 0;
	y0 = c.i;
	if (eat_run(&c, is_digit) != 4 || gaz_parse_uint(s + y0, 4, 9999, &y) || y < 1949)
		return 0;
	if (!cur_eat(&c, '-'))
		return 0;
	seq = eat_run(&c, is_digit);
	if (seq < 1 || seq > 6 || !at_end(&c))
		return 0;
	if (year)
		*year = (int)y;
	return 1;
}

/* Finds needle in s[0..n) (s need not be NUL-terminated).  Candidates are
 * found by the needle's third byte, not its first: in Chinese text every
 * character starts with one of a few lead bytes, so memchr on the first
 * byte would stop at every character. */
static const char *find(const char *s, size_t n, const char *needle)
{
	size_t m = strlen(needle), j = m > 2 ? 2 : m ? m - 1 : 0, i = 0;
	const char *p;

	while (m && m <= n - i && (p = memchr(s + i + j, needle[j], n - i - m + 1))) {
		if (!memcmp(p - j, needle, m))
			return p - j;
		i = (size_t)(p - j - s) + 1;
	}
	return NULL;
}

static int starts(const char *s, size_t n, const char *pre)
{
	size_t m = strlen(pre);

	return n >= m && !memcmp(s, pre, m);
}

static int has_colon_after(const char *s, size_t n, const char *word)
{
	const char *p = find(s, n, word);
	size_t rest, w = strlen(word);

	if (!p)
		return 0;
	rest = n - (size_t)(p - s) - w;
	p += w;
	while (rest && *p == ' ')
		p++, rest--;
	return (rest >= 1 && *p == ':') || (rest >= 3 && !memcmp(p, "\xEF\xBC\x9A", 3));
}

const char *gaz_text_debris(const char *s, size_t n)
{
	static const char *const buttons[] = {
		"附件下载", "【打印】", "【关闭】", "【打印本页】", "【关闭窗口】",
		"打印本页", "关闭窗口", "分享到：", "分享到:", "【字体：", "【字号：",
		"字号：大 中 小", "扫一扫在手机打开当前页", "相关链接", "上一篇", "下一篇",
		NULL
	};
	size_t chars = gaz_utf8_count(s, n), i;
	int sentence = find(s, n, "。") != NULL;

	if (!sentence && chars <= 200 && (starts(s, n, "•") || starts(s, n, "·") ||
					  starts(s, n, "●"))) {
		static const char *const keys[] = {
			"索引号", "发文字号", "文件标题", "发布机构", "成文日期", "发布日期",
			"主题分类", "体裁分类", "有效性", NULL
		};
		for (i = 0; keys[i]; i++)
			if (find(s, n, keys[i]))
				return "catalog record as the web page shows it";
	}
	if (find(s, n, "您当前位置") || find(s, n, "当前位置：") || find(s, n, "当前位置:"))
		return "breadcrumb";
	if (!sentence && (find(s, n, "首页/") || find(s, n, "首页 >") || find(s, n, "首页>") ||
			  find(s, n, "主页 >") || find(s, n, "主页>")))
		return "breadcrumb";
	if (!sentence && find(s, n, ">>"))
		return "breadcrumb";
	if (!sentence && chars <= 80 && find(s, n, " > "))
		return "breadcrumb";
	if (find(s, n, "登录 注册") || find(s, n, "登录|注册") || find(s, n, "登录 | 注册"))
		return "site login links";
	if (find(s, n, "通用右侧嵌套") || find(s, n, "通用嵌套"))
		return "page template name";
	if (has_colon_after(s, n, "来源") &&
	    (has_colon_after(s, n, "时间") || has_colon_after(s, n, "发布时间") ||
	     has_colon_after(s, n, "日期")))
		return "page information line 来源/时间";
	if (has_colon_after(s, n, "点击") || has_colon_after(s, n, "浏览次数") ||
	    has_colon_after(s, n, "阅读次数") || has_colon_after(s, n, "访问量"))
		return "page view counter";
	if (!sentence && chars <= 20)
		for (i = 0; buttons[i]; i++)
			if (find(s, n, buttons[i]))
				return "page button or link";
	return NULL;
}

int gaz_text_code_normalise(const char *in, char *out, size_t n)
{
	size_t w = 0, len = 0;
	int ok = 1;

	for (; *in; in++) {
		unsigned char c = (unsigned char)*in;

		if (c == ' ' || c == '-' || c == '\t')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (unsigned char)(c - 'a' + 'A');
		if (c == 'I' || c == 'L')
			c = '1';
		else if (c == 'O')
			c = '0';
		if (!c || !strchr(b32, c))
			ok = 0;
		len++;
		if (n && w + 1 < n)
			out[w++] = (char)c;
	}
	if (n)
		out[w] = '\0';
	return ok && len == 10 && w == 10;
}

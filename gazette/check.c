/*
 * Semantic checks of a loaded issue (see gaz_issue_check in issue.h and
 * docs/input-format.md, which lists every check with its message).  The
 * byte-level problems (encoding, control characters) are the parser's;
 * here is what needs the whole record, the config or judgement.
 */
#include "gazette/font.h"
#include "gazette/issue.h"
#include "gazette/privacy.h"
#include "gazette/text.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_YEAR 2100
#define MAX_NUMBER 366      /* 期号: at most one issue a day */
#define MAX_CUMULATIVE 999999
#define TITLE_SCAN_BLOCKS 8 /* body lines searched for a repeated title */
#define URL_MAX 2048

static int empty(const struct gaz_field *f)
{
	return !f->value || !f->value[0];
}

static void require(struct gaz_diags *d, const char *file, const struct gaz_field *f,
		    const char *key)
{
	if (!f->value)
		gaz_diags_add(d, GAZ_SEV_ERROR, file, 1, key,
			      "required field missing");
	else if (!f->value[0])
		gaz_diags_add(d, GAZ_SEV_ERROR, file, f->line, key, "required field is empty");
}

/* Quotes at most 80 bytes of a value in messages (cut at a character). */
static int qlen(const char *s)
{
	size_t n = strlen(s);

	if (n <= 80)
		return (int)n;
	n = 80;
	while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return (int)n;
}

/* Year of a date already validated by gaz_text_parse_date. */
static int year_of(const char *date)
{
	uint64_t y = 0;

	gaz_parse_uint(date, 4, 9999, &y);
	return (int)y;
}

static void check_date(struct gaz_diags *d, const char *file, const struct gaz_field *f,
		       const char *key, long *days)
{
	*days = -1;
	if (empty(f))
		return;
	if (gaz_text_parse_date(f->value, days)) {
		*days = -1;
		gaz_diags_add(d, GAZ_SEV_ERROR, file, f->line, key,
			      "\"%.*s\" is not a real date (YYYY-MM-DD)", qlen(f->value),
			      f->value);
	}
}

/* ---- privacy ------------------------------------------------------------ */

struct pii_ctx {
	struct gaz_diags *d;
	const char *file, *field;
	int line, col0;
};

static int pii_report(void *arg, const struct gaz_pii *hit)
{
	struct pii_ctx *x = arg;
	int col = x->col0 + (int)hit->col - 1;

	if (hit->kind == GAZ_PII_ID15)
		gaz_diags_add_at(x->d, GAZ_SEV_WARNING, x->file, x->line, col, x->field,
				 "possible 15-digit resident ID number %s: de-identify "
				 "(去标识化) before publication if it is one", hit->masked);
	else
		gaz_diags_add_at(x->d, GAZ_SEV_ERROR, x->file, x->line, col, x->field,
				 "%s %s%s: personal data must be de-identified (去标识化) "
				 "before publication", gaz_pii_name(hit->kind), hit->masked,
				 hit->kind == GAZ_PII_ID18 ? " (valid check digit)" : "");
	return 0;
}

static void scan_privacy(struct gaz_diags *d, const char *file, const char *field,
			 int line, int col, const char *s)
{
	struct pii_ctx x = { d, file, field, line, col > 0 ? col : 1 };

	if (s)
		gaz_privacy_scan(s, strlen(s), pii_report, &x);
}

/* ---- half-width punctuation ------------------------------------------- */

static int is_chinese(uint32_t cp)
{
	return gaz_text_is_han(cp) || (cp >= 0x3000 && cp <= 0x303F) ||
	       (cp >= 0xFF01 && cp <= 0xFF5E) || (cp >= 0x2018 && cp <= 0x201D) ||
	       cp == 0x2014 || cp == 0x2026;
}

static const char *full_width_of(uint32_t cp)
{
	switch (cp) {
	case ',': return "，";
	case ':': return "：";
	case ';': return "；";
	case '(': return "（";
	case ')': return "）";
	case '?': return "？";
	}
	return NULL;
}

/* One warning per line: the first column and how many there are. */
static void check_halfwidth(struct gaz_diags *d, const char *file, const char *field,
			    int line, int col0, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, k;
	uint32_t prev = 0, cp, next, first = 0;
	int col = 0, first_col = 0, count = 0;

	k = gaz_utf8_decode(p, n, &cp);
	while (i < n && k) {
		size_t k2 = gaz_utf8_decode(p + i + k, n - i - k, &next);
		col++;
		if (!k2)
			next = 0;
		if (full_width_of(cp) && (is_chinese(prev) || is_chinese(next))) {
			if (!count++) {
				first = cp;
				first_col = col;
			}
		}
		prev = cp;
		i += k;
		cp = next;
		k = k2;
	}
	if (count)
		gaz_diags_add_at(d, GAZ_SEV_WARNING, file, line, col0 + first_col - 1, field,
				 "half-width '%c' next to Chinese text: write '%s' "
				 "(%d half-width mark%s on this line)", (char)first,
				 full_width_of(first), count, count == 1 ? "" : "s");
}

/* ---- paired marks ------------------------------------------------------- */

/* Quotation marks and book-title marks open and close within a line (a
 * paragraph): ”六稳” — a closing mark where one opens, as the crawl of
 * document 04 has it — reads wrong in print and is easy to miss on
 * screen.  One warning per line: the first mark out of place. */
static void check_pairs(struct gaz_diags *d, const char *file, const char *field, int line,
			int col0, const char *s)
{
	static const struct { uint32_t open, close; const char *o, *c; } m[] = {
		{ 0x201C, 0x201D, "“", "”" }, { 0x2018, 0x2019, "‘", "’" },
		{ 0x300A, 0x300B, "《", "》" },
	};
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, k, j;
	int depth[3] = { 0 }, open_col[3] = { 0 }, col = 0;
	uint32_t cp;

	for (; i < n && (k = gaz_utf8_decode(p + i, n - i, &cp)); i += k) {
		col++;
		for (j = 0; j < 3; j++) {
			if (cp == m[j].open && !depth[j]++) {
				open_col[j] = col;
			} else if (cp == m[j].close && !depth[j]--) {
				gaz_diags_add_at(d, GAZ_SEV_WARNING, file, line, col0 + col - 1, field,
						 "'%s' closes nothing before it on this line: an "
						 "opening '%s' is probably meant", m[j].c, m[j].o);
				return;
			}
		}
	}
	for (j = 0; j < 3; j++)
		if (depth[j] > 0) {
			gaz_diags_add_at(d, GAZ_SEV_WARNING, file, line, col0 + open_col[j] - 1,
					 field, "'%s' is not closed on this line (no '%s' after it)",
					 m[j].o, m[j].c);
			return;
		}
}

/* ---- the config --------------------------------------------------------- */

static void check_uint(struct gaz_diags *d, const char *file, const struct gaz_field *f,
		       const char *key, uint64_t lo, uint64_t hi)
{
	uint64_t v;

	if (empty(f))
		return;
	if (gaz_parse_uint(f->value, strlen(f->value), hi, &v) || v < lo)
		gaz_diags_add(d, GAZ_SEV_ERROR, file, f->line, key,
			      "\"%.*s\" is not a whole number from %llu to %llu",
			      qlen(f->value), f->value, (unsigned long long)lo,
			      (unsigned long long)hi);
}

static void check_decimal(struct gaz_diags *d, const char *file, const struct gaz_field *f,
			  const char *key, double lo, double hi)
{
	double v;

	if (empty(f))
		return;
	if (gaz_text_parse_decimal(f->value, &v) || v < lo || v > hi)
		gaz_diags_add(d, GAZ_SEV_ERROR, file, f->line, key,
			      "\"%.*s\" is not a number from %g to %g", qlen(f->value),
			      f->value, lo, hi);
}

static int url_char(unsigned char c)
{
	return c > 0x20 && c < 0x7F && c != '"' && c != '<' && c != '>' && c != '\\' &&
	       c != '^' && c != '`' && c != '{' && c != '|' && c != '}';
}

static int host_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.';
}

/* http(s)://host[:port][/path]: host of letters, digits, '-', '.'; the rest
 * printable ASCII without spaces. */
static int is_http_url(const char *s)
{
	size_t n = strlen(s), i, h;
	uint64_t port;

	if (n > URL_MAX)
		return 0;
	if (!strncmp(s, "https://", 8))
		i = 8;
	else if (!strncmp(s, "http://", 7))
		i = 7;
	else
		return 0;
	for (h = i; i < n && host_char((unsigned char)s[i]); i++)
		;
	if (i == h || s[h] == '.' || s[h] == '-' || s[i - 1] == '.' || s[i - 1] == '-')
		return 0;
	if (i < n && s[i] == ':') {
		size_t p0 = ++i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (gaz_parse_uint(s + p0, i - p0, 65535, &port) || !port)
			return 0;
	}
	if (i < n && s[i] != '/' && s[i] != '?' && s[i] != '#')
		return 0;
	for (; i < n; i++)
		if (!url_char((unsigned char)s[i]))
			return 0;
	return 1;
}

/* One font spec "PATH[,FACE]" as gazette/font.c reads it: FACE 0–255
 * after the last comma, PATH as given (relative to the working directory,
 * like compile), spaces around it ignored.  Checks that the file is a
 * regular file compile can take (not over GAZ_FONT_FILE_MAX_BYTES) that
 * starts like a TrueType/OpenType font or collection holding FACE. */
static void check_font_spec(struct gaz_diags *d, const struct gaz_issue *is,
			    const struct gaz_field *f, const char *key,
			    const char *spec, size_t n)
{
	unsigned char head[12];
	struct stat st;
	char *path = NULL;
	uint64_t face = 0;
	size_t i = n;
	ssize_t got;
	int fd = -1;

	while (i > 0 && spec[i - 1] != ',')
		i--;
	if (i > 0 && i < n && !gaz_parse_uint(spec + i, n - i, 255, &face))
		n = i - 1;
	else
		face = 0;
	while (n && spec[n - 1] == ' ')
		n--;
	while (n && spec[0] == ' ')
		spec++, n--;
	if (!n) {
		gaz_diags_add(d, GAZ_SEV_ERROR, is->cfg.file, f->line, key, "empty font path");
		return;
	}
	if (!(path = malloc(n + 1)))
		return;
	memcpy(path, spec, n);
	path[n] = '\0';
	/* stat before open: opening a device can have side effects. */
	if (stat(path, &st)) {
		gaz_diags_add(d, GAZ_SEV_ERROR, is->cfg.file, f->line, key,
			      "cannot read font file %s: %s", path, strerror(errno));
		goto end;
	}
	if (!S_ISREG(st.st_mode)) {
		gaz_diags_add(d, GAZ_SEV_ERROR, is->cfg.file, f->line, key,
			      "font %s is not a regular file", path);
		goto end;
	}
	if ((uint64_t)st.st_size > GAZ_FONT_FILE_MAX_BYTES) {
		gaz_diags_add(d, GAZ_SEV_ERROR, is->cfg.file, f->line, key,
			      "font %s is larger than %u bytes", path, GAZ_FONT_FILE_MAX_BYTES);
		goto end;
	}
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || (got = read(fd, head, sizeof head)) < 0) {
		gaz_diags_add(d, GAZ_SEV_ERROR, is->cfg.file, f->line, key,
			      "cannot read font file %s: %s", path, strerror(errno));
		goto end;
	}
	if (got >= 12 && !memcmp(head, "ttcf", 4)) {
		uint32_t nf = (uint32_t)head[8] << 24 | (uint32_t)head[9] << 16 |
			      (uint32_t)head[10] << 8 | head[11];
		if (face >= nf)
			gaz_diags_add(d, GAZ_SEV_ERROR, is->cfg.file, f->line, key,
				      "font collection %s has %u face%s: no face %u", path,
				      (unsigned)nf, nf == 1 ? "" : "s", (unsigned)face);
	} else if (got >= 4 && (!memcmp(head, "\0\1\0\0", 4) || !memcmp(head, "true", 4) ||
				!memcmp(head, "OTTO", 4))) {
		if (face)
			gaz_diags_add(d, GAZ_SEV_ERROR, is->cfg.file, f->line, key,
				      "%s is a single font: face %u does not exist", path,
				      (unsigned)face);
	} else {
		gaz_diags_add(d, GAZ_SEV_ERROR, is->cfg.file, f->line, key,
			      "%s is not a TrueType/OpenType font file", path);
	}
end:
	if (fd >= 0)
		close(fd);
	free(path);
}

/* 备用字体 may list several specs separated by ';' or '|' (as compile). */
static void check_font(struct gaz_diags *d, const struct gaz_issue *is,
		       const struct gaz_field *f, const char *key, int list)
{
	const char *p, *e;

	if (empty(f))
		return;
	if (!list) {
		check_font_spec(d, is, f, key, f->value, strlen(f->value));
		return;
	}
	for (p = f->value; *p; p = *e ? e + 1 : e) {
		e = p + strcspn(p, ";|");
		if (e > p)
			check_font_spec(d, is, f, key, p, (size_t)(e - p));
	}
}

static int section_used(const struct gaz_issue *is, const char *s)
{
	size_t k;

	for (k = 0; k < is->n_docs; k++)
		if (is->docs[k].section.value && !strcmp(is->docs[k].section.value, s))
			return 1;
	return 0;
}

static void check_config(const struct gaz_issue *is, struct gaz_diags *d, long *date)
{
	const struct gaz_issue_config *c = &is->cfg;
	const char *f = c->file;
	const struct gaz_field *all[] = {
		&c->name, &c->year, &c->number, &c->cumulative, &c->date, &c->publisher,
		&c->editor, &c->address, &c->postcode, &c->phone, &c->url, &c->watermark,
		&c->wm_opacity, &c->wm_angle
	};
	static const char *const all_keys[] = {
		"刊名", "年份", "期号", "总期号", "出版日期", "主办", "编辑出版", "地址",
		"邮编", "电话", "网址", "水印", "水印透明度", "水印角度"
	};
	size_t i, j;

	require(d, f, &c->name, "刊名");
	require(d, f, &c->year, "年份");
	require(d, f, &c->number, "期号");
	require(d, f, &c->cumulative, "总期号");
	require(d, f, &c->date, "出版日期");
	check_uint(d, f, &c->year, "年份", 1949, MAX_YEAR);
	check_uint(d, f, &c->number, "期号", 1, MAX_NUMBER);
	check_uint(d, f, &c->cumulative, "总期号", 1, MAX_CUMULATIVE);
	if (c->number_n && c->cumulative_n && c->cumulative_n < c->number_n)
		gaz_diags_add(d, GAZ_SEV_ERROR, f, c->cumulative.line, "总期号",
			      "总期号 %d is less than 期号 %d", c->cumulative_n, c->number_n);
	check_date(d, f, &c->date, "出版日期", date);
	if (*date >= 0 && c->year_n && year_of(c->date.value) != c->year_n)
		gaz_diags_add(d, GAZ_SEV_ERROR, f, c->date.line, "出版日期",
			      "%s is not in 年份 %d", c->date.value, c->year_n);
	check_decimal(d, f, &c->wm_opacity, "水印透明度", 0, 1);
	check_decimal(d, f, &c->wm_angle, "水印角度", -90, 90);
	if (!empty(&c->url) && !is_http_url(c->url.value))
		gaz_diags_add(d, GAZ_SEV_ERROR, f, c->url.line, "网址",
			      "\"%.*s\" is not an http:// or https:// URL", qlen(c->url.value),
			      c->url.value);
	if (!empty(&c->postcode) &&
	    (strlen(c->postcode.value) != 6 ||
	     strspn(c->postcode.value, "0123456789") != 6))
		gaz_diags_add(d, GAZ_SEV_WARNING, f, c->postcode.line, "邮编",
			      "\"%.*s\" is not a 6-digit postcode", qlen(c->postcode.value),
			      c->postcode.value);
	check_font(d, is, &c->font_body, "正文字体", 0);
	check_font(d, is, &c->font_title, "标题字体", 0);
	check_font(d, is, &c->font_heading, "黑体字体", 0);
	check_font(d, is, &c->font_kai, "楷体字体", 0);
	check_font(d, is, &c->font_fallback, "备用字体", 1);
	if (!c->n_sections)
		gaz_diags_add(d, GAZ_SEV_ERROR, f, 0, "栏目", "no 栏目 (section) listed");
	for (i = 0; i < c->n_sections; i++) {
		int dup = 0;
		if (!c->sections[i][0]) {
			gaz_diags_add(d, GAZ_SEV_ERROR, f, c->section_lines[i], "栏目",
				      "empty section name");
			continue;
		}
		for (j = 0; j < i && !dup; j++)
			if (!strcmp(c->sections[i], c->sections[j])) {
				gaz_diags_add(d, GAZ_SEV_ERROR, f, c->section_lines[i], "栏目",
					      "\"%.*s\" repeated (first on line %d)",
					      qlen(c->sections[i]), c->sections[i],
					      c->section_lines[j]);
				dup = 1;
			}
		if (!dup && is->n_docs && !section_used(is, c->sections[i]))
			gaz_diags_add(d, GAZ_SEV_WARNING, f, c->section_lines[i], "栏目",
				      "\"%.*s\" has no document in this issue",
				      qlen(c->sections[i]), c->sections[i]);
		scan_privacy(d, f, "栏目", c->section_lines[i], 0, c->sections[i]);
	}
	for (i = 0; i < sizeof all / sizeof *all; i++)
		scan_privacy(d, f, all_keys[i], all[i]->line, all[i]->col, all[i]->value);
}

/* ---- documents ------------------------------------------------------------ */

static int known_section(const struct gaz_issue_config *c, const char *s)
{
	size_t i;

	for (i = 0; i < c->n_sections; i++)
		if (!strcmp(c->sections[i], s))
			return 1;
	return 0;
}

/* Copy of s without ASCII spaces and U+3000 (crawled titles gain spaces). */
static char *squeeze(const char *s)
{
	size_t n = strlen(s), i, o = 0;
	char *p = malloc(n + 1);

	if (!p)
		return NULL;
	for (i = 0; i < n; i++) {
		if (s[i] == ' ' || s[i] == '\t')
			continue;
		if (n - i >= 3 && !memcmp(s + i, "\xE3\x80\x80", 3)) {
			i += 2;
			continue;
		}
		p[o++] = s[i];
	}
	p[o] = '\0';
	return p;
}

static int starts_with(const char *s, const char *pre)
{
	return !strncmp(s, pre, strlen(pre));
}

/* The gazette prints 文件标题 and 发文字号 itself: the crawled page often
 * repeats them (sometimes split over two lines, or as "title-site name")
 * at the top of the body. */
static void check_title_repeat(const struct gaz_doc *doc, struct gaz_diags *d)
{
	char *title = NULL, *no = NULL, *t = NULL, *acc = NULL;
	size_t i, alen = 0, tl, seen;
	int acc_line = 0;

	if (empty(&doc->title) || !(title = squeeze(doc->title.value)) || !title[0])
		goto end;
	tl = strlen(title);
	if (!empty(&doc->doc_no) && !(no = squeeze(doc->doc_no.value)))
		goto end;
	if (!(acc = malloc(tl + 1)))
		goto end;
	for (i = 0, seen = 0; i < doc->n_blocks && seen < TITLE_SCAN_BLOCKS; i++) {
		const struct gaz_block *b = &doc->blocks[i];
		size_t n;
		if (gaz_text_debris(b->text, strlen(b->text)))
			continue; /* crawl debris does not count: reported elsewhere */
		seen++;
		free(t);
		if (!(t = squeeze(b->text)))
			goto end;
		n = strlen(t);
		if (no && !strcmp(t, no)) {
			gaz_diags_add(d, GAZ_SEV_WARNING, doc->file, b->line, "正文",
				      "发文字号 repeated as a body line (the gazette prints it "
				      "above the text): remove the line");
			continue;
		}
		if (!strcmp(t, title)) {
			gaz_diags_add(d, GAZ_SEV_WARNING, doc->file, b->line, "正文",
				      "文件标题 repeated as a body line (the gazette prints "
				      "it above the text): remove the line");
			alen = 0;
			continue;
		}
		if (n > tl && starts_with(t, title) &&
		    (t[tl] == '-' || t[tl] == '_' || t[tl] == '|' ||
		     starts_with(t + tl, "—") || starts_with(t + tl, "－"))) {
			gaz_diags_add(d, GAZ_SEV_WARNING, doc->file, b->line, "正文",
				      "web page title (文件标题 and site name) in the body: "
				      "remove the line");
			alen = 0;
			continue;
		}
		if (n && alen + n <= tl && !memcmp(title + alen, t, n)) {
			if (!alen)
				acc_line = b->line;
			alen += n;
			if (alen == tl) {
				gaz_diags_add(d, GAZ_SEV_WARNING, doc->file, acc_line, "正文",
					      "文件标题 repeated over body lines %d–%d (the "
					      "gazette prints it above the text): remove them",
					      acc_line, b->line);
				alen = 0;
			}
			continue;
		}
		break;
	}
end:
	free(acc);
	free(t);
	free(no);
	free(title);
}

/* Last character of s (0 if none). */
static uint32_t last_cp(const char *s)
{
	size_t n = strlen(s), st;
	uint32_t cp = 0;

	if (!n)
		return 0;
	st = n - 1;
	while (st && ((unsigned char)s[st] & 0xC0) == 0x80 && n - st < 4)
		st--;
	if (!gaz_utf8_decode((const unsigned char *)s + st, n - st, &cp))
		return 0;
	return cp;
}

static int ends_sentence(uint32_t cp)
{
	static const uint32_t ok[] = {
		0x3002 /* 。 */, 0xFF01 /* ！ */, 0xFF1F /* ？ */, '.', '!', '?',
		0xFF09, ')', 0x300D, 0x300F, 0x300B, 0x201D, 0x2019, 0x3015, 0x3011,
		0xFF3D, ']', 0x3009, 0x3017, '"', 0x2026 /* … */
	};
	size_t i;

	for (i = 0; i < sizeof ok / sizeof *ok; i++)
		if (ok[i] == cp)
			return 1;
	return 0;
}

static void check_truncated(const struct gaz_doc *doc, struct gaz_diags *d)
{
	const struct gaz_block *b;

	if (doc->final_newline || !doc->n_blocks)
		return;
	b = &doc->blocks[doc->n_blocks - 1];
	switch (b->kind) {
	case GAZ_BLK_PARA: case GAZ_BLK_H1: case GAZ_BLK_H2: case GAZ_BLK_H3:
	case GAZ_BLK_H4: case GAZ_BLK_ADDRESSEE:
		break;
	default:
		return; /* 落款, dates, 附件 lines end without punctuation */
	}
	if (!ends_sentence(last_cp(b->text)))
		gaz_diags_add(d, GAZ_SEV_WARNING, doc->file, b->line, "正文",
			      "the file may be truncated: no newline at the end and the "
			      "last paragraph stops mid-sentence");
}

static void check_body(const struct gaz_doc *doc, struct gaz_diags *d)
{
	size_t i;

	for (i = 0; i < doc->n_blocks; i++) {
		const struct gaz_block *b = &doc->blocks[i];
		const char *why = gaz_text_debris(b->text, strlen(b->text));
		if (why)
			gaz_diags_add(d, GAZ_SEV_WARNING, doc->file, b->line, "正文",
				      "crawl debris (%s): remove the line", why);
		check_halfwidth(d, doc->file, "正文", b->line, b->col, b->text);
		check_pairs(d, doc->file, "正文", b->line, b->col, b->text);
		scan_privacy(d, doc->file, "正文", b->line, b->col, b->text);
	}
	check_title_repeat(doc, d);
	check_truncated(doc, d);
}

static const char *const validities[] = { "有效", "失效", "废止", "已修改", NULL };

static void check_doc(const struct gaz_issue *is, size_t k, long issue_date,
		      struct gaz_diags *d)
{
	const struct gaz_doc *doc = &is->docs[k];
	const char *f = doc->file;
	const struct gaz_field *hdr[] = {
		&doc->index_no, &doc->doc_no, &doc->title, &doc->issuer, &doc->written,
		&doc->published, &doc->subject, &doc->genre, &doc->validity, &doc->section
	};
	static const char *const hdr_keys[] = {
		"索引号", "发文字号", "文件标题", "发布机构", "成文日期", "发布日期",
		"主题分类", "体裁分类", "有效性", "栏目"
	};
	long w, p;
	size_t j;
	int no_year = 0;

	if (!doc->n_blocks && !doc->title.line && !doc->doc_no.line)
		return; /* unreadable or empty: already reported by the loader */
	require(d, f, &doc->doc_no, "发文字号");
	require(d, f, &doc->title, "文件标题");
	require(d, f, &doc->issuer, "发布机构");
	require(d, f, &doc->written, "成文日期");
	require(d, f, &doc->published, "发布日期");
	require(d, f, &doc->section, "栏目");
	check_date(d, f, &doc->written, "成文日期", &w);
	check_date(d, f, &doc->published, "发布日期", &p);
	if (w >= 0 && p >= 0 && w > p)
		gaz_diags_add(d, GAZ_SEV_ERROR, f, doc->published.line, "发布日期",
			      "%s is before 成文日期 %s", doc->published.value,
			      doc->written.value);
	if (p >= 0 && issue_date >= 0 && p > issue_date)
		gaz_diags_add(d, GAZ_SEV_ERROR, f, doc->published.line, "发布日期",
			      "%s is after the issue's 出版日期 %s (%s:%d)",
			      doc->published.value, is->cfg.date.value, is->cfg.file,
			      is->cfg.date.line);
	if (!empty(&doc->doc_no)) {
		if (!gaz_text_is_doc_number(doc->doc_no.value, strlen(doc->doc_no.value),
					    &no_year))
			gaz_diags_add(d, GAZ_SEV_ERROR, f, doc->doc_no.line, "发文字号",
				      "\"%.*s\" is not of the form 机关代字〔年份〕序号号 "
				      "(e.g. 鞍政办公开〔2023〕17号)", qlen(doc->doc_no.value),
				      doc->doc_no.value);
		else if (w >= 0 && year_of(doc->written.value) != no_year)
			gaz_diags_add(d, GAZ_SEV_WARNING, f, doc->doc_no.line, "发文字号",
				      "year 〔%d〕 differs from 成文日期 %s", no_year,
				      doc->written.value);
	}
	if (!empty(&doc->index_no) &&
	    !gaz_text_is_index_number(doc->index_no.value, strlen(doc->index_no.value), NULL))
		gaz_diags_add(d, GAZ_SEV_ERROR, f, doc->index_no.line, "索引号",
			      "\"%.*s\" is not of the form CODE/YYYY-NNNNN (a 9- or "
			      "18-character organisation code, e.g. "
			      "11500114009130039C/2018-00979)", qlen(doc->index_no.value),
			      doc->index_no.value);
	if (empty(&doc->validity)) {
		gaz_diags_add(d, GAZ_SEV_WARNING, f,
			      doc->validity.line ? doc->validity.line : 1, "有效性",
			      "missing: the document will be recorded as 有效");
	} else {
		for (j = 0; validities[j] && strcmp(validities[j], doc->validity.value); j++)
			;
		if (!validities[j])
			gaz_diags_add(d, GAZ_SEV_ERROR, f, doc->validity.line, "有效性",
				      "\"%.*s\" is not one of 有效, 失效, 废止, 已修改",
				      qlen(doc->validity.value), doc->validity.value);
	}
	if (!empty(&doc->section) && is->cfg.file && !known_section(&is->cfg, doc->section.value))
		gaz_diags_add(d, GAZ_SEV_ERROR, f, doc->section.line, "栏目",
			      "\"%.*s\" is not a 栏目 of issue.conf", qlen(doc->section.value),
			      doc->section.value);
	for (j = 0; j < k; j++) {
		const struct gaz_doc *o = &is->docs[j];
		if (!empty(&doc->doc_no) && o->doc_no.value &&
		    !strcmp(doc->doc_no.value, o->doc_no.value))
			gaz_diags_add(d, GAZ_SEV_ERROR, f, doc->doc_no.line, "发文字号",
				      "duplicate of %s:%d", o->file, o->doc_no.line);
		if (!empty(&doc->index_no) && o->index_no.value &&
		    !strcmp(doc->index_no.value, o->index_no.value))
			gaz_diags_add(d, GAZ_SEV_ERROR, f, doc->index_no.line, "索引号",
				      "duplicate of %s:%d", o->file, o->index_no.line);
	}
	for (j = 0; j < sizeof hdr / sizeof *hdr; j++) {
		if (!hdr[j]->value)
			continue;
		scan_privacy(d, f, hdr_keys[j], hdr[j]->line, hdr[j]->col, hdr[j]->value);
		if (hdr[j] == &doc->title || hdr[j] == &doc->issuer ||
		    hdr[j] == &doc->subject || hdr[j] == &doc->genre)
			check_halfwidth(d, f, hdr_keys[j], hdr[j]->line, hdr[j]->col,
					hdr[j]->value);
		if (hdr[j] == &doc->title)
			check_pairs(d, f, hdr_keys[j], hdr[j]->line, hdr[j]->col, hdr[j]->value);
	}
	check_body(doc, d);
}

int gaz_issue_check(const struct gaz_issue *is, struct gaz_diags *d)
{
	size_t before = d->n_errors, k;
	long date;

	date = -1;
	if (is->cfg.file) /* else issue.conf was unreadable, already reported */
		check_config(is, d, &date);
	for (k = 0; k < is->n_docs; k++)
		check_doc(is, k, date, d);
	return d->n_errors > before ? GAZ_ECHECK : 0;
}

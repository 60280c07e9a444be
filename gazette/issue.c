/*
 * Loading an issue folder: issue.conf plus one document file each.  Parsing
 * is lenient — every problem becomes a diagnostic and parsing goes on — so
 * that `gazette check` can report everything at once.  Semantic checks live
 * in check.c.
 */
#include "gazette/issue.h"
#include "gazette/text.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CONF_NAME "issue.conf"

struct key_map {
	const char *key;
	size_t off;
};

#define DOCF(k, m) { k, offsetof(struct gaz_doc, m) }
static const struct key_map doc_keys[] = {
	DOCF("索引号", index_no),   DOCF("发文字号", doc_no),
	DOCF("文件标题", title),    DOCF("发布机构", issuer),
	DOCF("成文日期", written),  DOCF("发布日期", published),
	DOCF("主题分类", subject),  DOCF("体裁分类", genre),
	DOCF("有效性", validity),   DOCF("栏目", section),
};

#define CFGF(k, m) { k, offsetof(struct gaz_issue_config, m) }
static const struct key_map conf_keys[] = {
	CFGF("刊名", name),           CFGF("年份", year),
	CFGF("期号", number),         CFGF("总期号", cumulative),
	CFGF("出版日期", date),       CFGF("主办", publisher),
	CFGF("编辑出版", editor),     CFGF("地址", address),
	CFGF("邮编", postcode),       CFGF("电话", phone),
	CFGF("网址", url),            CFGF("水印", watermark),
	CFGF("水印透明度", wm_opacity), CFGF("水印角度", wm_angle),
	CFGF("正文字体", font_body),  CFGF("标题字体", font_title),
	CFGF("黑体字体", font_heading), CFGF("楷体字体", font_kai),
	CFGF("备用字体", font_fallback),
};

static const struct key_map *find_key(const struct key_map *m, size_t n,
				      const char *k, size_t klen)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strlen(m[i].key) == klen && !memcmp(m[i].key, k, klen))
			return &m[i];
	return NULL;
}

/* Splits "key：value" / "key:value".  Returns 0 and the parts (trimmed), or
 * GAZ_ENOTFOUND if the line has no colon. */
static int split_kv(const char *s, size_t n, const char **k, size_t *klen,
		    const char **v, size_t *vlen)
{
	size_t i;

	for (i = 0; i < n; i++) {
		size_t cl = 0;
		if (s[i] == ':')
			cl = 1;
		else if (n - i >= 3 && !memcmp(s + i, "\xEF\xBC\x9A", 3)) /* ： */
			cl = 3;
		if (cl) {
			*k = s;
			*klen = i;
			gaz_text_trim(k, klen);
			*v = s + i + cl;
			*vlen = n - i - cl;
			gaz_text_trim(v, vlen);
			return 0;
		}
	}
	return GAZ_ENOTFOUND;
}

static char *xstrndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

static char *path_join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *p;

	while (la > 1 && a[la - 1] == '/')
		la--;
	if (!(p = malloc(la + lb + 2)))
		return NULL;
	memcpy(p, a, la);
	p[la] = '/';
	memcpy(p + la + 1, b, lb + 1);
	return p;
}


/* ---- one line's bytes ------------------------------------------------- */

/* What a line holds that no submission should: counted per kind, with the
 * column (1-based, in characters) and code point of the first. */
struct line_scan {
	int n_bad, bad_col, cut;
	int n_ctrl, ctrl_col;
	int n_nonchar, nonchar_col;
	int n_fffd, fffd_col;
	int n_bidi, bidi_col;
	int n_zw, zw_col;
	uint32_t ctrl_cp, nonchar_cp, bidi_cp, zw_cp;
};

static void note(int *n, int *col, uint32_t *first, int c, uint32_t cp)
{
	if (!(*n)++) {
		*col = c;
		if (first)
			*first = cp;
	}
}

static int is_control(uint32_t cp)
{
	return (cp < 0x20 && cp != '\t') || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) ||
	       cp == 0x2028 || cp == 0x2029;
}

/* U+FDD0..FDEF and the last two code points of every plane: reserved
 * never to be text (U+FFFF is also libunibreak 1.x's end-of-string). */
static int is_noncharacter(uint32_t cp)
{
	return (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE;
}

static int is_bidi_control(uint32_t cp)
{
	return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

static int is_zero_width(uint32_t cp)
{
	return cp == 0x200B || cp == 0x200C || cp == 0x200D || cp == 0x200E ||
	       cp == 0x200F || cp == 0x2060 || cp == 0xFEFF || cp == 0x061C ||
	       cp == 0x00AD;
}

/* True if s[0..n) is the start of a multi-byte character that was cut. */
static int is_cut_sequence(const unsigned char *s, size_t n)
{
	size_t need, i;

	if ((s[0] & 0xE0) == 0xC0)
		need = 2;
	else if ((s[0] & 0xF0) == 0xE0)
		need = 3;
	else if ((s[0] & 0xF8) == 0xF0)
		need = 4;
	else
		return 0;
	if (n >= need)
		return 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	return 1;
}

/* Copies the raw line into `out` as valid UTF-8 (each invalid byte becomes
 * U+FFFD, NUL too, so the copy is a C string) and notes what it holds.
 * at_eof: the line is the end of the file with no newline after it.
 * Returns GAZ_ENOMEM only (out's cap covers 3 bytes per input byte). */
static int clean_line(const unsigned char *l, size_t n, int at_eof,
		      struct line_scan *ls, struct gaz_buf *out)
{
	static const char repl[] = "\xEF\xBF\xBD";
	size_t i = 0, k;
	uint32_t cp;
	int col = 0, rc;

	memset(ls, 0, sizeof *ls);
	gaz_buf_reset(out);
	while (i < n) {
		col++;
		k = gaz_utf8_decode(l + i, n - i, &cp);
		if (!k) {
			if (at_eof && is_cut_sequence(l + i, n - i))
				ls->cut = 1;
			note(&ls->n_bad, &ls->bad_col, NULL, col, 0);
			if ((rc = gaz_buf_add(out, repl, 3)))
				return rc;
			i++;
			continue;
		}
		if (is_control(cp))
			note(&ls->n_ctrl, &ls->ctrl_col, &ls->ctrl_cp, col, cp);
		else if (is_noncharacter(cp))
			note(&ls->n_nonchar, &ls->nonchar_col, &ls->nonchar_cp, col, cp);
		else if (cp == 0xFFFD)
			note(&ls->n_fffd, &ls->fffd_col, NULL, col, cp);
		else if (is_bidi_control(cp))
			note(&ls->n_bidi, &ls->bidi_col, &ls->bidi_cp, col, cp);
		else if (is_zero_width(cp))
			note(&ls->n_zw, &ls->zw_col, &ls->zw_cp, col, cp);
		if ((rc = cp ? gaz_buf_add(out, l + i, k) : gaz_buf_add(out, repl, 3)))
			return rc;
		i += k;
	}
	if (!out->data && (rc = gaz_buf_add(out, "", 0)))
		return rc;
	return 0;
}

static const char *plural(int n)
{
	return n == 1 ? "" : "s";
}

/* Reports what clean_line() found.  Zero-width characters are errors in
 * the identifying numbers (they defeat look-ups), warnings elsewhere. */
static void report_line(struct gaz_diags *d, const char *file, int line,
			const char *field, const struct line_scan *ls)
{
	if (ls->cut)
		gaz_diags_add_at(d, GAZ_SEV_ERROR, file, line, ls->bad_col, field,
				 "the file ends inside a UTF-8 character: it was cut "
				 "short (truncated file)");
	else if (ls->n_bad)
		gaz_diags_add_at(d, GAZ_SEV_ERROR, file, line, ls->bad_col, field,
				 "invalid UTF-8 (%d bad byte%s on this line): the file "
				 "must be UTF-8 text", ls->n_bad, plural(ls->n_bad));
	if (ls->n_ctrl)
		gaz_diags_add_at(d, GAZ_SEV_ERROR, file, line, ls->ctrl_col, field,
				 "control character U+%04X (%d on this line)",
				 (unsigned)ls->ctrl_cp, ls->n_ctrl);
	if (ls->n_nonchar)
		gaz_diags_add_at(d, GAZ_SEV_ERROR, file, line, ls->nonchar_col, field,
				 "noncharacter U+%04X (%d on this line)",
				 (unsigned)ls->nonchar_cp, ls->n_nonchar);
	if (ls->n_fffd)
		gaz_diags_add_at(d, GAZ_SEV_ERROR, file, line, ls->fffd_col, field,
				 "U+FFFD replacement character (%d on this line): the "
				 "text was damaged by a wrong encoding conversion",
				 ls->n_fffd);
	if (ls->n_bidi)
		gaz_diags_add_at(d, GAZ_SEV_ERROR, file, line, ls->bidi_col, field,
				 "bidirectional control U+%04X (%d on this line): it "
				 "can make the text display differently from what it is",
				 (unsigned)ls->bidi_cp, ls->n_bidi);
	if (ls->n_zw) {
		int strict = field && (!strcmp(field, "发文字号") || !strcmp(field, "索引号"));
		gaz_diags_add_at(d, strict ? GAZ_SEV_ERROR : GAZ_SEV_WARNING, file, line,
				 ls->zw_col, field,
				 "invisible zero-width character U+%04X (%d on this line)%s",
				 (unsigned)ls->zw_cp, ls->n_zw,
				 strict ? ": the number would not match look-ups" : "");
	}
}

/* Character column (1-based) of p within the line starting at l. */
static int col_of(const char *l, const char *p)
{
	size_t c = gaz_utf8_count(l, (size_t)(p - l)) + 1;

	return c > INT_MAX ? INT_MAX : (int)c;
}

/* Sets a field, diagnosing a repeat.  Returns GAZ_ENOMEM only. */
static int set_field(struct gaz_field *f, const char *file, int line, int col,
		     const char *key, const char *v, size_t vlen,
		     struct gaz_diags *d)
{
	if (f->value) {
		gaz_diags_add(d, GAZ_SEV_ERROR, file, line, key,
			      "repeated (first given on line %d)", f->line);
		return 0;
	}
	if (!(f->value = xstrndup(v, vlen)))
		return GAZ_ENOMEM;
	f->line = line;
	f->col = col;
	return 0;
}

static void field_release(struct gaz_field *f)
{
	free(f->value);
	f->value = NULL;
}

/* Length of s[0..n) cut to at most max bytes at a character boundary. */
static int cut_utf8(const char *s, size_t n, size_t max)
{
	if (n <= max)
		return (int)n;
	n = max;
	while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return (int)n;
}

/* ---- issue.conf --------------------------------------------------------- */

/* Numbers the typesetter needs; check.c reports what is wrong with them. */
static void config_numbers(struct gaz_issue_config *c)
{
	uint64_t v;
	double x;

	c->opacity = 0.08;
	c->angle = 30;
	if (c->year.value && !gaz_parse_uint(c->year.value, strlen(c->year.value), 9999, &v))
		c->year_n = (int)v;
	if (c->number.value &&
	    !gaz_parse_uint(c->number.value, strlen(c->number.value), 9999, &v))
		c->number_n = (int)v;
	if (c->cumulative.value &&
	    !gaz_parse_uint(c->cumulative.value, strlen(c->cumulative.value), 999999, &v))
		c->cumulative_n = (int)v;
	if (c->wm_opacity.value && !gaz_text_parse_decimal(c->wm_opacity.value, &x) &&
	    x >= 0 && x <= 1)
		c->opacity = x;
	if (c->wm_angle.value && !gaz_text_parse_decimal(c->wm_angle.value, &x) &&
	    x >= -90 && x <= 90)
		c->angle = x;
}

static int add_section(struct gaz_issue_config *c, const char *v, size_t vlen, int line)
{
	char **s;
	int *sl;

	if (c->n_sections >= GAZ_ISSUE_MAX_DOCS)
		return 0; /* check.c reports a section list this long as unused */
	if (!(s = realloc(c->sections, (c->n_sections + 1) * sizeof *s)))
		return GAZ_ENOMEM;
	c->sections = s;
	if (!(sl = realloc(c->section_lines, (c->n_sections + 1) * sizeof *sl)))
		return GAZ_ENOMEM;
	c->section_lines = sl;
	if (!(s[c->n_sections] = xstrndup(v, vlen)))
		return GAZ_ENOMEM;
	sl[c->n_sections++] = line;
	return 0;
}

int gaz_config_parse(const char *file, const char *data, size_t len,
		     struct gaz_issue_config *out, struct gaz_diags *d)
{
	struct gaz_issue_config c;
	struct gaz_buf cl = GAZ_BUF_INIT(3 * (size_t)GAZ_LINE_MAX_BYTES);
	struct line_scan ls;
	size_t llen, klen, vlen;
	const unsigned char *l;
	const char *k, *v;
	struct gaz_rd r;
	int line = 0, rc = GAZ_ENOMEM;

	memset(&c, 0, sizeof c);
	if (!(c.file = strdup(file)))
		goto end;
	gaz_rd_init(&r, data, len);
	while (gaz_rd_left(&r) && !gaz_rd_line(&r, &l, &llen)) {
		const struct key_map *m;
		const char *field = NULL;
		char keybuf[64];
		int col;

		line++;
		if (line == 1 && llen >= 3 && !memcmp(l, "\xEF\xBB\xBF", 3))
			l += 3, llen -= 3; /* BOM */
		if (llen > GAZ_LINE_MAX_BYTES) {
			gaz_diags_add(d, GAZ_SEV_ERROR, file, line, NULL,
				      "line longer than %u bytes", GAZ_LINE_MAX_BYTES);
			continue;
		}
		if ((rc = clean_line(l, llen, !gaz_rd_left(&r) && data[len - 1] != '\n',
				     &ls, &cl)))
			goto end;
		k = cl.data;
		klen = cl.len;
		gaz_text_trim(&k, &klen);
		if (!klen || k[0] == '#') {
			report_line(d, file, line, NULL, &ls);
			continue;
		}
		if (split_kv(k, klen, &k, &klen, &v, &vlen)) {
			report_line(d, file, line, "config", &ls);
			gaz_diags_add(d, GAZ_SEV_ERROR, file, line, "config",
				      "expected 键：值 (key：value)");
			continue;
		}
		col = col_of(cl.data, v);
		m = find_key(conf_keys, sizeof conf_keys / sizeof *conf_keys, k, klen);
		if (klen == strlen("栏目") && !memcmp(k, "栏目", klen))
			field = "栏目";
		else if (m)
			field = m->key;
		else if (klen < sizeof keybuf) {
			memcpy(keybuf, k, klen);
			keybuf[klen] = '\0';
			field = keybuf;
		}
		report_line(d, file, line, field, &ls);
		if (field && !strcmp(field, "栏目")) {
			if ((rc = add_section(&c, v, vlen, line)))
				goto end;
			continue;
		}
		if (!m) {
			gaz_diags_add(d, GAZ_SEV_WARNING, file, line, field,
				      "unknown key \"%.*s\" ignored", cut_utf8(k, klen, 60), k);
			continue;
		}
		if ((rc = set_field((struct gaz_field *)((char *)&c + m->off), file,
				    line, col, m->key, v, vlen, d)))
			goto end;
	}
	config_numbers(&c);
	*out = c;
	memset(&c, 0, sizeof c);
	rc = 0;
end:
	gaz_config_release(&c);
	gaz_buf_release(&cl);
	return rc;
}

void gaz_config_release(struct gaz_issue_config *c)
{
	size_t j;

	for (j = 0; j < sizeof conf_keys / sizeof *conf_keys; j++)
		field_release((struct gaz_field *)((char *)c + conf_keys[j].off));
	for (j = 0; j < c->n_sections; j++)
		free(c->sections[j]);
	free(c->sections);
	free(c->section_lines);
	free(c->file);
	memset(c, 0, sizeof *c);
}

/* ---- body paragraphs -------------------------------------------------- */

static int add_block(struct gaz_doc *doc, enum gaz_block_kind kind,
		     const char *s, size_t n, int line, int col)
{
	struct gaz_block *b;
	size_t cap;

	if (gaz_size_add(doc->n_blocks, 1, &cap) || gaz_size_mul(cap, sizeof *b, &cap))
		return GAZ_ENOMEM;
	if (!(b = realloc(doc->blocks, cap)))
		return GAZ_ENOMEM;
	doc->blocks = b;
	b += doc->n_blocks;
	if (!(b->text = xstrndup(s, n)))
		return GAZ_ENOMEM;
	b->kind = kind;
	b->line = line;
	b->col = col;
	doc->n_blocks++;
	return 0;
}

/* The number of an attachment line: 附件：N. / N．/ N、 or, for a further
 * one, the line's own leading N.; -1 when there is none. */
static int attachment_number(const char *s)
{
	const char *c;
	int n = 0, digits = 0;

	if (!strncmp(s, "附件", 6) && (c = strstr(s, "：")))
		s = c + 3;
	for (; *s >= '0' && *s <= '9' && digits < 3; s++, digits++)
		n = n * 10 + (*s - '0');
	if (!digits || (*s != '.' && strncmp(s, "．", 3) && strncmp(s, "、", 3)))
		return -1;
	return n;
}

/* Second pass: roles that depend on neighbours (落款, 主送, titles). */
static void classify_context(struct gaz_doc *doc)
{
	size_t i;
	int seen_content = 0;

	for (i = 0; i < doc->n_blocks; i++) {
		struct gaz_block *b = &doc->blocks[i];

		if (b->kind == GAZ_BLK_DATE && i > 0) {
			struct gaz_block *p = &doc->blocks[i - 1];
			if (p->kind == GAZ_BLK_PARA && gaz_text_is_short_label(p->text))
				p->kind = GAZ_BLK_SIGNER;
		}
		/* 附件：1.… then 2.…, 3.… (GB/T 9704 §7.3.4): a line numbered
		 * one more than the attachment line before it is a further
		 * attachment, not a level-3 heading. */
		if (b->kind == GAZ_BLK_H3 && i > 0 &&
		    doc->blocks[i - 1].kind == GAZ_BLK_ATTACHMENT &&
		    attachment_number(doc->blocks[i - 1].text) > 0 &&
		    attachment_number(b->text) == attachment_number(doc->blocks[i - 1].text) + 1) {
			b->kind = GAZ_BLK_ATTACHMENT;
			seen_content = 1;
			continue;
		}
		if (b->kind == GAZ_BLK_PARA && !seen_content &&
		    gaz_text_is_addressee(b->text)) {
			b->kind = GAZ_BLK_ADDRESSEE;
			seen_content = 1;
			continue;
		}
		/* A nested document (转发/印发) starts after a 落款 date or note:
		 * short unpunctuated lines there are its number and title. */
		if (b->kind == GAZ_BLK_PARA && i > 0 && gaz_text_is_short_label(b->text)) {
			enum gaz_block_kind pk = doc->blocks[i - 1].kind;
			if (pk == GAZ_BLK_DATE || pk == GAZ_BLK_NOTE ||
			    pk == GAZ_BLK_DOCNO || pk == GAZ_BLK_TITLE) {
				b->kind = GAZ_BLK_TITLE;
				seen_content = 0; /* its own 主送 may follow */
				continue;
			}
		}
		if (b->kind != GAZ_BLK_TITLE && b->kind != GAZ_BLK_DOCNO)
			seen_content = 1;
	}
}

/* The document key a line starts with, when it lacks its colon. */
static const struct key_map *key_prefix(const char *s, size_t n)
{
	size_t i, m;

	for (i = 0; i < sizeof doc_keys / sizeof *doc_keys; i++) {
		m = strlen(doc_keys[i].key);
		if (n > m && !memcmp(s, doc_keys[i].key, m) &&
		    (s[m] == ' ' || s[m] == '\t' || (n - m >= 3 && !memcmp(s + m, "\xE3\x80\x80", 3))))
			return &doc_keys[i];
	}
	return NULL;
}

/* A header line that is not a field, after fields were seen: when it has
 * no colon, or a long text before it, the body has started without the
 * blank line. */
static int looks_like_body(const char *s, size_t n)
{
	const char *k, *v;
	size_t klen, vlen;

	if (split_kv(s, n, &k, &klen, &v, &vlen))
		return 1;
	return gaz_utf8_count(k, klen) > 10;
}

int gaz_doc_parse(const char *file, const char *data, size_t len,
		  struct gaz_doc *out, struct gaz_diags *d)
{
	struct gaz_doc doc;
	struct gaz_buf cl = GAZ_BUF_INIT(3 * (size_t)GAZ_LINE_MAX_BYTES);
	struct line_scan ls;
	size_t llen, klen, vlen, tlen;
	const unsigned char *l;
	const char *k, *v, *base;
	char *text = NULL;
	struct gaz_rd r;
	int line = 0, in_header = 1, n_fields = 0, rc = GAZ_ENOMEM;

	memset(&doc, 0, sizeof doc);
	base = strrchr(file, '/');
	if (!(doc.file = strdup(file)) || !(doc.name = strdup(base ? base + 1 : file)))
		goto end;
	if (!len) {
		gaz_diags_add(d, GAZ_SEV_ERROR, file, 0, NULL, "empty file");
		goto done;
	}
	doc.final_newline = data[len - 1] == '\n';
	gaz_rd_init(&r, data, len);
	while (gaz_rd_left(&r) && !gaz_rd_line(&r, &l, &llen)) {
		const struct key_map *m = NULL;
		const char *field;
		int col, kv;

		line++;
		if (line == 1 && llen >= 3 && !memcmp(l, "\xEF\xBB\xBF", 3))
			l += 3, llen -= 3;
		if (llen > GAZ_LINE_MAX_BYTES) {
			gaz_diags_add(d, GAZ_SEV_ERROR, file, line, in_header ? "文件头" : "正文",
				      "line longer than %u bytes", GAZ_LINE_MAX_BYTES);
			continue;
		}
		if ((rc = clean_line(l, llen, !gaz_rd_left(&r) && !doc.final_newline, &ls, &cl)))
			goto end;
		k = cl.data;
		klen = cl.len;
		gaz_text_trim(&k, &klen);
		col = col_of(cl.data, k);
		if (in_header) {
			if (!klen) {
				report_line(d, file, line, "文件头", &ls);
				if (n_fields || line > 1)
					in_header = 0;
				continue;
			}
			kv = !split_kv(k, klen, &k, &klen, &v, &vlen);
			if (kv)
				m = find_key(doc_keys, sizeof doc_keys / sizeof *doc_keys, k, klen);
			if (m) {
				report_line(d, file, line, m->key, &ls);
				n_fields++;
				if ((rc = set_field((struct gaz_field *)((char *)&doc + m->off),
						    file, line, col_of(cl.data, v), m->key, v,
						    vlen, d)))
					goto end;
				continue;
			}
			k = cl.data;
			klen = cl.len;
			gaz_text_trim(&k, &klen);
			{
				const char *why = gaz_text_debris(k, klen);
				const struct key_map *pm = key_prefix(k, klen);
				int body = !why && !pm && looks_like_body(k, klen);
				if (pm && !why) {
					report_line(d, file, line, pm->key, &ls);
					gaz_diags_add(d, GAZ_SEV_ERROR, file, line, pm->key,
						      "no colon after %s: write %s：value",
						      pm->key, pm->key);
					continue;
				}
				if (!body) {
					report_line(d, file, line, "文件头", &ls);
					if (why && !strncmp(why, "catalog", 7))
						gaz_diags_add(d, GAZ_SEV_ERROR, file, line, "文件头",
							      "%s: write the header as 键：值 "
							      "lines (索引号：…)", why);
					else if (why)
						gaz_diags_add(d, GAZ_SEV_ERROR, file, line, "文件头",
							      "crawl debris (%s) where the header "
							      "should be: remove the line", why);
					else
						gaz_diags_add(d, GAZ_SEV_ERROR, file, line, "文件头",
							      "not a known 键：值 field (the header "
							      "is the catalog record, ended by a "
							      "blank line)");
					continue;
				}
			}
			if (n_fields)
				gaz_diags_add(d, GAZ_SEV_ERROR, file, line, "文件头",
					      "no blank line between the header and the body: "
					      "this line is taken as the first paragraph");
			else
				gaz_diags_add(d, GAZ_SEV_ERROR, file, line, "文件头",
					      "no header: a document starts with its catalog "
					      "record (索引号：…, 发文字号：…, one 键：值 per line) "
					      "and a blank line; this line is taken as the first "
					      "paragraph");
			in_header = 0;
		}
		field = "正文";
		report_line(d, file, line, field, &ls);
		if (!klen)
			continue;
		if (!doc.body_line)
			doc.body_line = line;
		if ((rc = add_block(&doc, gaz_text_classify(k, klen), k, klen, line, col)))
			goto end;
	}
	doc.last_line = line;
	if (in_header)
		gaz_diags_add(d, GAZ_SEV_ERROR, file, line, "正文",
			      "no body: the header must be followed by a blank line and the text");
	else if (!doc.n_blocks)
		gaz_diags_add(d, GAZ_SEV_ERROR, file, line, "正文", "the body is empty");
	classify_context(&doc);
done:
	rc = GAZ_ENOMEM;
	if (!(text = gaz_doc_text(&doc, &tlen)))
		goto end;
	SHA256((const unsigned char *)text, tlen, doc.text_sha256);
	gaz_text_doc_code(gaz_fv(&doc.doc_no), text, tlen, doc.code);
	*out = doc;
	memset(&doc, 0, sizeof doc);
	rc = 0;
end:
	gaz_doc_release(&doc);
	gaz_buf_release(&cl);
	free(text);
	return rc;
}

void gaz_doc_release(struct gaz_doc *doc)
{
	size_t j;

	for (j = 0; j < sizeof doc_keys / sizeof *doc_keys; j++)
		field_release((struct gaz_field *)((char *)doc + doc_keys[j].off));
	for (j = 0; j < doc->n_blocks; j++)
		free(doc->blocks[j].text);
	free(doc->blocks);
	free(doc->file);
	free(doc->name);
	memset(doc, 0, sizeof *doc);
}

/* Reads and parses one document; a file that cannot be read becomes an
 * error naming it and an empty document. */
static int load_doc(const char *dir, const char *name, struct gaz_doc *doc,
		    struct gaz_diags *d)
{
	char *path = NULL, *data = NULL;
	size_t len;
	int rc = GAZ_ENOMEM;

	if (!(path = path_join(dir, name)))
		goto end;
	rc = gaz_read_file(path, GAZ_DOC_MAX_BYTES, &data, &len);
	if (rc == GAZ_ENOMEM)
		goto end;
	if (rc) {
		gaz_diags_add(d, GAZ_SEV_ERROR, path, 0, NULL, "%s", gaz_errdetail());
		data = NULL;
		len = 0;
		/* An unreadable file is reported once, not also as empty. */
		memset(doc, 0, sizeof *doc);
		rc = GAZ_ENOMEM;
		if (!(doc->file = strdup(path)) || !(doc->name = strdup(name)))
			goto end;
		rc = 0;
		goto end;
	}
	rc = gaz_doc_parse(path, data, len, doc, d);
end:
	free(data);
	free(path);
	return rc;
}

static int load_config(struct gaz_issue *is, struct gaz_diags *d)
{
	char *path = NULL, *data = NULL;
	size_t len;
	int rc = GAZ_ENOMEM;

	if (!(path = path_join(is->dir, CONF_NAME)))
		goto end;
	rc = gaz_read_file(path, GAZ_CONF_MAX_BYTES, &data, &len);
	if (rc == GAZ_ENOMEM)
		goto end;
	if (rc) {
		/* cfg.file stays NULL: check.c then skips the config checks. */
		gaz_diags_add(d, GAZ_SEV_ERROR, path, 0, NULL, "%s", gaz_errdetail());
		rc = 0;
		goto end;
	}
	rc = gaz_config_parse(path, data, len, &is->cfg, d);
end:
	free(data);
	free(path);
	return rc;
}

char *gaz_doc_text(const struct gaz_doc *doc, size_t *len)
{
	struct gaz_buf b = GAZ_BUF_INIT(SIZE_MAX / 2);
	size_t i;

	for (i = 0; i < doc->n_blocks; i++)
		if ((i && gaz_buf_addc(&b, '\n')) || gaz_buf_addstr(&b, doc->blocks[i].text)) {
			gaz_buf_release(&b);
			return NULL;
		}
	return gaz_buf_detach(&b, len);
}

/* ---- the folder --------------------------------------------------------- */

static size_t section_rank(const struct gaz_issue_config *c, const char *s)
{
	size_t i;

	for (i = 0; s && i < c->n_sections; i++)
		if (!strcmp(c->sections[i], s))
			return i;
	return c->n_sections;
}

static const struct gaz_issue_config *sort_cfg;

static int doc_order(const void *a, const void *b)
{
	const struct gaz_doc *x = a, *y = b;
	size_t rx = section_rank(sort_cfg, x->section.value);
	size_t ry = section_rank(sort_cfg, y->section.value);

	if (rx != ry)
		return rx < ry ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int name_order(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_doc_name(const char *n)
{
	size_t l = strlen(n);

	return n[0] != '.' && l > 4 && !strcmp(n + l - 4, ".txt");
}

/* A regular file that is neither issue.conf nor *.txt is probably a
 * document submitted in the wrong form (.doc, .TXT, .txt.bak): say so. */
static void warn_ignored(DIR *dh, const char *dir, const char *name, struct gaz_diags *d)
{
	struct stat st;
	char *path;

	if (name[0] == '.' || !strcmp(name, CONF_NAME))
		return;
	if (fstatat(dirfd(dh), name, &st, 0) || !S_ISREG(st.st_mode))
		return;
	if ((path = path_join(dir, name)))
		gaz_diags_add(d, GAZ_SEV_WARNING, path, 0, NULL,
			      "ignored: documents are UTF-8 text files named *.txt");
	free(path);
}

int gaz_issue_load(const char *dir, struct gaz_issue **out, struct gaz_diags *d)
{
	struct gaz_issue *is = NULL;
	char **names = NULL;
	size_t n_names = 0, i;
	struct dirent *e;
	DIR *dh = NULL;
	int rc = GAZ_ENOMEM;

	dh = opendir(dir);
	if (!dh)
		return gaz_fail(GAZ_EIO, "cannot open issue folder %s: %s", dir, strerror(errno));
	if (!(is = calloc(1, sizeof *is)) || !(is->dir = strdup(dir)))
		goto end;
	if ((rc = load_config(is, d)))
		goto end;
	while ((e = readdir(dh))) {
		char **nn;
		if (!is_doc_name(e->d_name)) {
			warn_ignored(dh, dir, e->d_name, d);
			continue;
		}
		if (n_names == GAZ_ISSUE_MAX_DOCS) {
			gaz_diags_add(d, GAZ_SEV_ERROR, dir, 0, NULL,
				      "more than %d documents in one issue", GAZ_ISSUE_MAX_DOCS);
			break;
		}
		if (!(nn = realloc(names, (n_names + 1) * sizeof *nn))) {
			rc = GAZ_ENOMEM;
			goto end;
		}
		names = nn;
		if (!(names[n_names] = strdup(e->d_name))) {
			rc = GAZ_ENOMEM;
			goto end;
		}
		n_names++;
	}
	if (n_names)
		qsort(names, n_names, sizeof *names, name_order);
	if (!n_names)
		gaz_diags_add(d, GAZ_SEV_ERROR, dir, 0, NULL,
			      "empty issue: no document (*.txt) in the folder");
	if (n_names && !(is->docs = calloc(n_names, sizeof *is->docs))) {
		rc = GAZ_ENOMEM;
		goto end;
	}
	for (i = 0; i < n_names; i++) {
		is->n_docs++;
		if ((rc = load_doc(dir, names[i], &is->docs[i], d)))
			goto end;
	}
	sort_cfg = &is->cfg;
	if (is->n_docs)
		qsort(is->docs, is->n_docs, sizeof *is->docs, doc_order);
	*out = is;
	is = NULL;
	rc = 0;
end:
	for (i = 0; i < n_names; i++)
		free(names[i]);
	free(names);
	if (dh)
		closedir(dh);
	gaz_issue_free(is);
	return rc;
}

int gaz_issue_open(const char *dir, struct gaz_issue **out, struct gaz_diags *d)
{
	struct gaz_issue *is = NULL;
	size_t before = d->n_errors;
	int rc;

	if ((rc = gaz_issue_load(dir, &is, d)))
		return rc;
	rc = gaz_issue_check(is, d);
	if (rc && rc != GAZ_ECHECK)
		goto end;
	if (d->n_errors > before) {
		rc = GAZ_ECHECK;
		goto end;
	}
	*out = is;
	is = NULL;
	rc = 0;
end:
	gaz_issue_free(is);
	return rc;
}

void gaz_issue_free(struct gaz_issue *is)
{
	size_t i;

	if (!is)
		return;
	for (i = 0; i < is->n_docs; i++)
		gaz_doc_release(&is->docs[i]);
	free(is->docs);
	gaz_config_release(&is->cfg);
	free(is->dir);
	free(is);
}

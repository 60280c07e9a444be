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
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	char *p = malloc(la + lb + 2);

	if (p) {
		memcpy(p, a, la);
		p[la] = '/';
		memcpy(p + la + 1, b, lb + 1);
	}
	return p;
}

/* Reports invalid UTF-8 with its line; returns 1 if the file is valid. */
static int check_utf8(const char *file, const char *data, size_t len,
		      struct gaz_diags *d)
{
	size_t bad, i;
	int line = 1;

	if (!gaz_utf8_validate((const unsigned char *)data, len, &bad))
		return 1;
	for (i = 0; i < bad; i++)
		if (data[i] == '\n')
			line++;
	gaz_diags_add(d, GAZ_SEV_ERROR, file, line, NULL,
		      "invalid UTF-8 at byte %zu (the file must be UTF-8 text)", bad);
	return 0;
}

/* Sets a field, diagnosing a repeat.  Returns GAZ_ENOMEM only. */
static int set_field(struct gaz_field *f, const char *file, int line,
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
	return 0;
}

static int load_config(struct gaz_issue *is, struct gaz_diags *d)
{
	struct gaz_issue_config *c = &is->cfg;
	char *data = NULL;
	size_t len, llen, klen, vlen;
	const unsigned char *l;
	const char *k, *v;
	struct gaz_rd r;
	int line = 0, rc;

	if (!(c->file = path_join(is->dir, CONF_NAME)))
		return GAZ_ENOMEM;
	rc = gaz_read_file(c->file, GAZ_CONF_MAX_BYTES, &data, &len);
	if (rc == GAZ_ENOMEM)
		return rc;
	if (rc) {
		gaz_diags_add(d, GAZ_SEV_ERROR, c->file, 0, NULL, "%s", gaz_errdetail());
		return 0;
	}
	if (!check_utf8(c->file, data, len, d))
		goto end;
	gaz_rd_init(&r, data, len);
	while (gaz_rd_left(&r) && !gaz_rd_line(&r, &l, &llen)) {
		const struct key_map *m;
		line++;
		if (line == 1 && llen >= 3 && !memcmp(l, "\xEF\xBB\xBF", 3))
			l += 3, llen -= 3; /* BOM */
		k = (const char *)l;
		klen = llen;
		gaz_text_trim(&k, &klen);
		if (!klen || k[0] == '#')
			continue;
		if (split_kv(k, klen, &k, &klen, &v, &vlen)) {
			gaz_diags_add(d, GAZ_SEV_ERROR, c->file, line, NULL,
				      "expected 键：值 (key：value)");
			continue;
		}
		if (klen == strlen("栏目") && !memcmp(k, "栏目", klen)) {
			char **s = realloc(c->sections, (c->n_sections + 1) * sizeof *s);
			int *sl;
			if (!s) { rc = GAZ_ENOMEM; goto end; }
			c->sections = s;
			sl = realloc(c->section_lines, (c->n_sections + 1) * sizeof *sl);
			if (!sl) { rc = GAZ_ENOMEM; goto end; }
			c->section_lines = sl;
			if (!(s[c->n_sections] = xstrndup(v, vlen))) { rc = GAZ_ENOMEM; goto end; }
			sl[c->n_sections++] = line;
			continue;
		}
		m = find_key(conf_keys, sizeof conf_keys / sizeof *conf_keys, k, klen);
		if (!m) {
			gaz_diags_add(d, GAZ_SEV_WARNING, c->file, line, NULL,
				      "unknown key \"%.*s\" ignored", (int)klen, k);
			continue;
		}
		if ((rc = set_field((struct gaz_field *)((char *)c + m->off), c->file,
				    line, m->key, v, vlen, d)))
			goto end;
	}
	rc = 0;
end:
	free(data);
	return rc;
}

/* ---- body paragraphs -------------------------------------------------- */

static int add_block(struct gaz_doc *doc, enum gaz_block_kind kind,
		     const char *s, size_t n, int line)
{
	struct gaz_block *b = realloc(doc->blocks, (doc->n_blocks + 1) * sizeof *b);

	if (!b)
		return GAZ_ENOMEM;
	doc->blocks = b;
	b += doc->n_blocks;
	if (!(b->text = xstrndup(s, n)))
		return GAZ_ENOMEM;
	b->kind = kind;
	b->line = line;
	doc->n_blocks++;
	return 0;
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

static int load_doc(const char *dir, const char *name, struct gaz_doc *doc,
		    struct gaz_diags *d)
{
	char *data = NULL, *text = NULL;
	size_t len, llen, klen, vlen, tlen;
	const unsigned char *l;
	const char *k, *v;
	struct gaz_rd r;
	int line = 0, in_header = 1, rc;

	memset(doc, 0, sizeof *doc);
	if (!(doc->name = strdup(name)) || !(doc->file = path_join(dir, name)))
		return GAZ_ENOMEM;
	rc = gaz_read_file(doc->file, GAZ_DOC_MAX_BYTES, &data, &len);
	if (rc == GAZ_ENOMEM)
		return rc;
	if (rc) {
		gaz_diags_add(d, GAZ_SEV_ERROR, doc->file, 0, NULL, "%s", gaz_errdetail());
		return 0;
	}
	if (!len) {
		gaz_diags_add(d, GAZ_SEV_ERROR, doc->file, 0, NULL, "empty file");
		goto done;
	}
	if (!check_utf8(doc->file, data, len, d))
		goto done;
	gaz_rd_init(&r, data, len);
	while (gaz_rd_left(&r) && !gaz_rd_line(&r, &l, &llen)) {
		const struct key_map *m;
		line++;
		if (line == 1 && llen >= 3 && !memcmp(l, "\xEF\xBB\xBF", 3))
			l += 3, llen -= 3;
		k = (const char *)l;
		klen = llen;
		gaz_text_trim(&k, &klen);
		if (in_header) {
			if (!klen) {
				if (doc->doc_no.line || doc->title.line || line > 1)
					in_header = 0;
				continue;
			}
			if (split_kv(k, klen, &k, &klen, &v, &vlen) ||
			    !(m = find_key(doc_keys, sizeof doc_keys / sizeof *doc_keys, k, klen))) {
				gaz_diags_add(d, GAZ_SEV_ERROR, doc->file, line, NULL,
					      "header line is not a known 键：值 field "
					      "(the header ends with a blank line)");
				continue;
			}
			if ((rc = set_field((struct gaz_field *)((char *)doc + m->off),
					    doc->file, line, m->key, v, vlen, d)))
				goto end;
			continue;
		}
		if (!klen)
			continue;
		if (llen > GAZ_LINE_MAX_BYTES) {
			gaz_diags_add(d, GAZ_SEV_ERROR, doc->file, line, "正文",
				      "paragraph longer than %u bytes", GAZ_LINE_MAX_BYTES);
			continue;
		}
		if (!doc->body_line)
			doc->body_line = line;
		if ((rc = add_block(doc, gaz_text_classify(k, klen), k, klen, line)))
			goto end;
	}
	if (in_header)
		gaz_diags_add(d, GAZ_SEV_ERROR, doc->file, line, NULL,
			      "no body: the header must be followed by a blank line and the text");
	else if (!doc->n_blocks)
		gaz_diags_add(d, GAZ_SEV_ERROR, doc->file, line, "正文", "the body is empty");
	classify_context(doc);
done:
	if (!(text = gaz_doc_text(doc, &tlen))) {
		rc = GAZ_ENOMEM;
		goto end;
	}
	SHA256((const unsigned char *)text, tlen, doc->text_sha256);
	gaz_text_doc_code(gaz_fv(&doc->doc_no), text, tlen, doc->code);
	rc = 0;
end:
	free(text);
	free(data);
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
		if (!is_doc_name(e->d_name))
			continue;
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

static void field_release(struct gaz_field *f)
{
	free(f->value);
	f->value = NULL;
}

void gaz_issue_free(struct gaz_issue *is)
{
	size_t i, j;

	if (!is)
		return;
	for (i = 0; i < is->n_docs; i++) {
		struct gaz_doc *doc = &is->docs[i];
		for (j = 0; j < sizeof doc_keys / sizeof *doc_keys; j++)
			field_release((struct gaz_field *)((char *)doc + doc_keys[j].off));
		for (j = 0; j < doc->n_blocks; j++)
			free(doc->blocks[j].text);
		free(doc->blocks);
		free(doc->file);
		free(doc->name);
	}
	free(is->docs);
	for (j = 0; j < sizeof conf_keys / sizeof *conf_keys; j++)
		field_release((struct gaz_field *)((char *)&is->cfg + conf_keys[j].off));
	for (j = 0; j < is->cfg.n_sections; j++)
		free(is->cfg.sections[j]);
	free(is->cfg.sections);
	free(is->cfg.section_lines);
	free(is->cfg.file);
	free(is->dir);
	free(is);
}

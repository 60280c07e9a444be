/*
 * gazette/issue.h — an issue folder in memory: its config and documents.
 *
 * An issue folder holds `issue.conf` (the config) and one UTF-8 `*.txt` per
 * document.  Both use `key：value` lines (full-width or ASCII colon); in a
 * document a blank line ends the header and the body follows (one paragraph
 * per non-empty line).  Documents are ordered by section (the config's 栏目
 * order) and, within a section, by file name.
 *
 * gaz_issue_load() parses leniently and records every problem it meets in
 * the diagnostics instead of stopping at the first; gaz_issue_check() adds
 * the semantic checks (dates, numbers, sections, privacy).  An issue may be
 * compiled only when the diagnostics hold no error.
 */
#ifndef GAZETTE_ISSUE_H
#define GAZETTE_ISSUE_H

#include "gazette/base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Caps on untrusted submissions (named so tests and docs can cite them). */
#define GAZ_DOC_MAX_BYTES   (4u << 20)   /* one document file */
#define GAZ_CONF_MAX_BYTES  (64u << 10)  /* issue.conf */
#define GAZ_ISSUE_MAX_DOCS  2000
#define GAZ_LINE_MAX_BYTES  (64u << 10)  /* one paragraph */

/* A header value and where it came from (line 0: absent). */
struct gaz_field {
	char *value; /* NULL if absent */
	int line;
	int col;     /* 1-based character column where the value starts */
};

/* What a body paragraph is, as recognised from its text. */
enum gaz_block_kind {
	GAZ_BLK_PARA = 0,   /* ordinary paragraph */
	GAZ_BLK_H1,         /* 一、 */
	GAZ_BLK_H2,         /* （一） */
	GAZ_BLK_H3,         /* 1. */
	GAZ_BLK_H4,         /* （1） */
	GAZ_BLK_ADDRESSEE,  /* 主送: "各乡、镇人民政府，县级各部门：" */
	GAZ_BLK_ATTACHMENT, /* 附件：… */
	GAZ_BLK_SIGNER,     /* 落款 organisation, right-aligned */
	GAZ_BLK_DATE,       /* 落款 date "2018年7月19日", right-aligned */
	GAZ_BLK_NOTE,       /* （此件公开发布） and similar */
	GAZ_BLK_DOCNO,      /* a document number inside the body (forwarded document) */
	GAZ_BLK_TITLE       /* a title inside the body (forwarded / attached document) */
};

struct gaz_block {
	enum gaz_block_kind kind;
	char *text; /* UTF-8, trimmed */
	int line;   /* 1-based line in the source file */
	int col;    /* 1-based character column where text starts in the line */
};

struct gaz_doc {
	char *file;   /* path of the source file */
	char *name;   /* file name within the issue folder */
	/* The public-catalog record (SPEC "Input"). */
	struct gaz_field index_no;  /* 索引号 */
	struct gaz_field doc_no;    /* 发文字号 */
	struct gaz_field title;     /* 文件标题 */
	struct gaz_field issuer;    /* 发布机构 */
	struct gaz_field written;   /* 成文日期 YYYY-MM-DD */
	struct gaz_field published; /* 发布日期 YYYY-MM-DD */
	struct gaz_field subject;   /* 主题分类 */
	struct gaz_field genre;     /* 体裁分类 */
	struct gaz_field validity;  /* 有效性 */
	struct gaz_field section;   /* 栏目 */
	int body_line;              /* line of the first body paragraph */
	int last_line;              /* number of the file's last line */
	int final_newline;          /* 1 if the file ends with '\n' */
	struct gaz_block *blocks;
	size_t n_blocks;
	/* Short verification code printed on the document and used by the
	 * archive (/verify/CODE): Crockford base32 of SHA-256 over the doc
	 * number and body text, 10 characters. */
	char code[11];
	unsigned char text_sha256[32]; /* SHA-256 of gaz_doc_text() */
};

struct gaz_issue_config {
	char *file;                   /* NULL if issue.conf could not be read */
	struct gaz_field name;        /* 刊名: 鞍山市人民政府公报 */
	struct gaz_field year;        /* 年份 */
	struct gaz_field number;      /* 期号 (第N期) */
	struct gaz_field cumulative;  /* 总期号 (总第M期) */
	struct gaz_field date;        /* 出版日期 YYYY-MM-DD */
	struct gaz_field publisher;   /* 主办 (back page) */
	struct gaz_field editor;      /* 编辑出版 (back page) */
	struct gaz_field address;     /* 地址 */
	struct gaz_field postcode;    /* 邮编 */
	struct gaz_field phone;       /* 电话 */
	struct gaz_field url;         /* 网址: base of the archive (QR codes) */
	struct gaz_field watermark;   /* 水印 text */
	struct gaz_field wm_opacity;  /* 水印透明度 0..1 (default 0.08) */
	struct gaz_field wm_angle;    /* 水印角度 degrees (default 30) */
	struct gaz_field font_body;   /* 正文字体 path[,face]; optional */
	struct gaz_field font_title;  /* 标题字体 */
	struct gaz_field font_heading;/* 标题黑体 (headings 一、) */
	struct gaz_field font_kai;    /* 楷体 (（一） headings, notes) */
	struct gaz_field font_fallback; /* 备用字体, tried when a font lacks a glyph */
	char **sections;              /* 栏目, in order (repeatable key) */
	int *section_lines;
	size_t n_sections;
	/* Parsed numbers (valid only if the check passed). */
	int year_n, number_n, cumulative_n;
	double opacity, angle;
};

struct gaz_issue {
	char *dir;
	struct gaz_issue_config cfg;
	struct gaz_doc *docs; /* ordered: section order, then file name */
	size_t n_docs;
};

/* Parses one document from memory: data[0..len) is the file's content and
 * `file` the path to name in diagnostics (its last component becomes
 * doc->name).  Leniently, like the loader: every problem of the bytes and
 * the layout — invalid UTF-8 (the line, and whether the file was cut inside
 * a character), control characters, U+FFFD, bidirectional overrides,
 * zero-width characters, header lines that are not known fields, repeated
 * fields, over-long lines, a missing body — goes to `d`, and parsing goes
 * on.  Invalid bytes are kept as U+FFFD so the result is always valid
 * UTF-8.  Returns 0 and fills *out (release with gaz_doc_release), or
 * GAZ_ENOMEM with *out untouched. */
int gaz_doc_parse(const char *file, const char *data, size_t len,
		  struct gaz_doc *out, struct gaz_diags *d);
/* Frees what a parsed document holds and zeroes it; safe on a zeroed doc. */
void gaz_doc_release(struct gaz_doc *doc);

/* Parses issue.conf from memory, leniently as above (unknown keys are
 * warnings, lines without a colon errors).  Also fills the parsed numbers
 * year_n, number_n, cumulative_n (0 when absent or malformed), opacity
 * (default 0.08) and angle (default 30) — gaz_issue_check reports values
 * that are malformed or out of range.  Returns 0 and fills *out (release
 * with gaz_config_release), or GAZ_ENOMEM with *out untouched. */
int gaz_config_parse(const char *file, const char *data, size_t len,
		     struct gaz_issue_config *out, struct gaz_diags *d);
void gaz_config_release(struct gaz_issue_config *cfg);

/* Loads ISSUE_DIR.  Problems with the content go to `d` (which the caller
 * owns and releases); the return is non-zero only when nothing usable could
 * be read (directory missing/unreadable: GAZ_EIO; GAZ_ENOMEM), in which case
 * *out is untouched.  On success *out is the caller's: gaz_issue_free(). */
int gaz_issue_load(const char *dir, struct gaz_issue **out, struct gaz_diags *d);

/* Semantic checks, every one listed in docs/input-format.md: required
 * fields, real dates in order (成文日期 ≤ 发布日期 ≤ 出版日期), document and
 * index numbers, duplicates, 栏目, 有效性, config values and font files,
 * privacy scan (include/gazette/privacy.h), half-width punctuation, crawl
 * debris, repeated titles, truncated files.  Font paths are read as
 * gazette/font.c reads them (relative to the working directory).  Adds to `d`; returns 0 if no error was found,
 * GAZ_ECHECK otherwise (GAZ_ENOMEM on OOM). */
int gaz_issue_check(const struct gaz_issue *is, struct gaz_diags *d);

/* Load + check in one call, for the commands that consume an issue
 * (compile, publish): 0 and *out (caller frees) when the issue has no
 * error — warnings may be in `d`; GAZ_ECHECK when it has errors (loader's
 * or checker's), *out untouched and `d` listing them; GAZ_EIO if the folder
 * cannot be opened (detail in gaz_errdetail()); GAZ_ENOMEM. */
int gaz_issue_open(const char *dir, struct gaz_issue **out, struct gaz_diags *d);

void gaz_issue_free(struct gaz_issue *is);

/* The document's body as plain text: blocks joined with '\n'.  This is
 * what text extraction from the PDF must give back, what the archive
 * indexes and what text_sha256 covers.  Caller frees. */
char *gaz_doc_text(const struct gaz_doc *doc, size_t *len);

/* Resolves a field: returns value or "" (never NULL). */
static inline const char *gaz_fv(const struct gaz_field *f)
{
	return f->value ? f->value : "";
}

#ifdef __cplusplus
}
#endif
#endif

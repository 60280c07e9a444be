/*
 * Semantic checks of a loaded issue (see gaz_issue_check in issue.h).
 */
#include "gazette/issue.h"
#include "gazette/text.h"

#include <string.h>

static void require(struct gaz_diags *d, const char *file, const struct gaz_field *f,
		    const char *key)
{
	if (!f->value || !f->value[0])
		gaz_diags_add(d, GAZ_SEV_ERROR, file, f->line, key, "required field missing");
}

static void check_date(struct gaz_diags *d, const char *file, const struct gaz_field *f,
		       const char *key, long *days)
{
	*days = -1;
	if (!f->value || !f->value[0])
		return;
	if (gaz_text_parse_date(f->value, days))
		gaz_diags_add(d, GAZ_SEV_ERROR, file, f->line, key,
			      "\"%s\" is not a real date (YYYY-MM-DD)", f->value);
}

static int known_section(const struct gaz_issue_config *c, const char *s)
{
	size_t i;

	for (i = 0; i < c->n_sections; i++)
		if (!strcmp(c->sections[i], s))
			return 1;
	return 0;
}

static void check_doc(const struct gaz_issue *is, size_t k, struct gaz_diags *d)
{
	const struct gaz_doc *doc = &is->docs[k];
	const char *f = doc->file;
	long w, p;
	size_t j;

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
	if (doc->doc_no.value && doc->doc_no.value[0] &&
	    !gaz_text_is_doc_number(doc->doc_no.value, strlen(doc->doc_no.value), NULL))
		gaz_diags_add(d, GAZ_SEV_ERROR, f, doc->doc_no.line, "发文字号",
			      "\"%s\" is not of the form 机关代字〔年份〕序号号 "
			      "(e.g. 鞍政办公开〔2023〕17号)", doc->doc_no.value);
	if (doc->section.value && doc->section.value[0] &&
	    !known_section(&is->cfg, doc->section.value))
		gaz_diags_add(d, GAZ_SEV_ERROR, f, doc->section.line, "栏目",
			      "\"%s\" is not a 栏目 of issue.conf", doc->section.value);
	for (j = 0; j < k; j++) {
		const struct gaz_doc *o = &is->docs[j];
		if (doc->doc_no.value && o->doc_no.value && doc->doc_no.value[0] &&
		    !strcmp(doc->doc_no.value, o->doc_no.value))
			gaz_diags_add(d, GAZ_SEV_ERROR, f, doc->doc_no.line, "发文字号",
				      "duplicate of %s:%d", o->file, o->doc_no.line);
	}
}

int gaz_issue_check(const struct gaz_issue *is, struct gaz_diags *d)
{
	const struct gaz_issue_config *c = &is->cfg;
	size_t before = d->n_errors, k;
	long days;

	require(d, c->file, &c->name, "刊名");
	require(d, c->file, &c->year, "年份");
	require(d, c->file, &c->number, "期号");
	require(d, c->file, &c->date, "出版日期");
	check_date(d, c->file, &c->date, "出版日期", &days);
	if (!c->n_sections)
		gaz_diags_add(d, GAZ_SEV_ERROR, c->file, 0, "栏目", "no 栏目 (section) listed");
	for (k = 0; k < is->n_docs; k++)
		check_doc(is, k, d);
	return d->n_errors > before ? GAZ_ECHECK : 0;
}

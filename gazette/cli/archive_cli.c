#include "cli.h"
#include "archive_cli.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

int ar_cli_fail(const char *subject, int code)
{
	cli_error(subject, code);
	switch (code) {
	case GAZ_ENOTFOUND: case GAZ_ECORRUPT: case GAZ_EEXIST: case GAZ_EINVAL:
	case GAZ_ETOOBIG: case GAZ_EFORMAT: case GAZ_ECHECK:
		return EXIT_FAILED;
	}
	return EXIT_USAGE;
}

static int parse_size(const char *s, size_t *out)
{
	size_t n = strlen(s), mul = 1;
	uint64_t v;

	if (n && (s[n - 1] == 'K' || s[n - 1] == 'k'))
		mul = (size_t)1 << 10, n--;
	else if (n && (s[n - 1] == 'M' || s[n - 1] == 'm'))
		mul = (size_t)1 << 20, n--;
	else if (n && (s[n - 1] == 'G' || s[n - 1] == 'g'))
		mul = (size_t)1 << 30, n--;
	if (gaz_parse_uint(s, n, (uint64_t)1 << 44, &v) || gaz_size_mul((size_t)v, mul, out))
		return GAZ_EINVAL;
	return 0;
}

int ar_cli_open(const char *dir, int flags, const char *map_size, struct gaz_archive **a)
{
	struct gaz_archive_opts o = { 0 };
	int rc;

	if (!dir) {
		fprintf(stderr, "gazette %s: --archive DIR is required\n", cli_current);
		return EXIT_USAGE;
	}
	if (map_size && (parse_size(map_size, &o.map_size) || !o.map_size)) {
		fprintf(stderr, "gazette: --map-size %s: expected bytes, e.g. 4G or 512M\n", map_size);
		return EXIT_USAGE;
	}
	/* a missing, unreadable or locked archive is an I/O matter (2); a
	 * damaged one failed verification (1) */
	if ((rc = gaz_archive_open(dir, flags, &o, a)))
		return rc == GAZ_ECORRUPT ? ar_cli_fail(dir, rc) : (cli_error(dir, rc), EXIT_USAGE);
	return 0;
}

const char *ar_cli_who(const char *opt)
{
	const char *s = opt;

	if (!s || !*s)
		s = getenv("USER");
	if (!s || !*s)
		s = getenv("LOGNAME");
	return s && *s ? s : "unknown";
}

int64_t ar_cli_now(void)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	uint64_t v;

	if (s && !gaz_parse_uint(s, strlen(s), (uint64_t)1 << 40, &v))
		return (int64_t)v;
	return (int64_t)time(NULL);
}

void ar_cli_time(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(out, 32, "%lld", (long long)t);
}

int ar_cli_issue(const char *s, unsigned *year, unsigned *number, unsigned *version)
{
	const char *p = s, *q;
	uint64_t v[3] = { 0, 0, 0 };
	int i;

	for (i = 0; i < 3 && *p; i++) {
		q = strchr(p, '/');
		if (!q)
			q = p + strlen(p);
		if (gaz_parse_uint(p, (size_t)(q - p), 0xffff, &v[i]))
			return GAZ_EINVAL;
		p = *q ? q + 1 : q;
	}
	if (*p || i < 2 || !v[0] || !v[1] || (i == 3 && !v[2]))
		return GAZ_EINVAL;
	*year = (unsigned)v[0];
	*number = (unsigned)v[1];
	*version = (unsigned)v[2];
	return 0;
}

cJSON *ar_json_doc(const struct gaz_ar_doc *d)
{
	cJSON *j = cJSON_CreateObject();
	char h[65], issue[32];

	if (!j)
		return NULL;
	gaz_hex(d->text_sha256, 32, h);
	snprintf(issue, sizeof issue, "%u/%u/%u", d->year, d->number, d->version);
	cJSON_AddNumberToObject(j, "id", (double)d->id);
	cJSON_AddStringToObject(j, "issue", issue);
	cJSON_AddStringToObject(j, "doc_no", d->doc_no);
	cJSON_AddStringToObject(j, "index_no", d->index_no);
	cJSON_AddStringToObject(j, "title", d->title);
	cJSON_AddStringToObject(j, "issuer", d->issuer);
	cJSON_AddStringToObject(j, "written", d->written);
	cJSON_AddStringToObject(j, "published", d->published);
	cJSON_AddStringToObject(j, "subject", d->subject);
	cJSON_AddStringToObject(j, "genre", d->genre);
	cJSON_AddStringToObject(j, "section", d->section);
	cJSON_AddStringToObject(j, "code", d->code);
	cJSON_AddStringToObject(j, "text_sha256", h);
	cJSON_AddNumberToObject(j, "first_page", d->first_page);
	cJSON_AddNumberToObject(j, "last_page", d->last_page);
	return j;
}

cJSON *ar_json_version(const struct gaz_ar_version *v)
{
	cJSON *j = cJSON_CreateObject(), *docs;
	char h[65], t[32];

	if (!j)
		return NULL;
	gaz_hex(v->pdf_sha256, 32, h);
	ar_cli_time(v->time, t);
	cJSON_AddNumberToObject(j, "year", v->year);
	cJSON_AddNumberToObject(j, "number", v->number);
	cJSON_AddNumberToObject(j, "version", v->version);
	cJSON_AddNumberToObject(j, "latest", v->latest);
	cJSON_AddStringToObject(j, "name", v->name);
	cJSON_AddNumberToObject(j, "cumulative", v->cumulative);
	cJSON_AddStringToObject(j, "date", v->date);
	cJSON_AddStringToObject(j, "pdf_sha256", h);
	cJSON_AddNumberToObject(j, "pdf_size", (double)v->pdf_size);
	cJSON_AddStringToObject(j, "reason", v->reason);
	cJSON_AddStringToObject(j, "published_by", v->who);
	cJSON_AddStringToObject(j, "published_at", t);
	if (v->superseded_by) {
		cJSON_AddNumberToObject(j, "superseded_by", v->superseded_by);
		cJSON_AddStringToObject(j, "superseded_reason",
					v->superseded_reason ? v->superseded_reason : "");
	} else {
		cJSON_AddNullToObject(j, "superseded_by");
	}
	if (v->n_loaded_docs && (docs = cJSON_AddArrayToObject(j, "documents")))
		for (size_t i = 0; i < v->n_loaded_docs; i++)
			cJSON_AddItemToArray(docs, ar_json_doc(&v->docs[i]));
	return j;
}

cJSON *ar_json_event(const struct gaz_ar_event *e)
{
	cJSON *j = cJSON_CreateObject();
	char t[32];

	if (!j)
		return NULL;
	ar_cli_time(e->time, t);
	cJSON_AddNumberToObject(j, "seq", e->seq);
	cJSON_AddStringToObject(j, "status", gaz_status_name(e->status));
	cJSON_AddStringToObject(j, "date", e->date);
	cJSON_AddStringToObject(j, "by", e->by_doc);
	cJSON_AddStringToObject(j, "note", e->note);
	cJSON_AddStringToObject(j, "recorded_by", e->who);
	cJSON_AddStringToObject(j, "recorded_at", t);
	return j;
}

int ar_json_print(cJSON *j)
{
	char *s = j ? cJSON_Print(j) : NULL;

	cJSON_Delete(j);
	if (!s) {
		fprintf(stderr, "gazette: out of memory\n");
		return EXIT_USAGE;
	}
	puts(s);
	free(s);
	return 0;
}

void ar_print_version(FILE *f, const struct gaz_ar_version *v)
{
	char h[65], t[32];

	gaz_hex(v->pdf_sha256, 32, h);
	ar_cli_time(v->time, t);
	fprintf(f, "%s %u年第%u期 (总第%u期) %s — version %u of %u\n", v->name, v->year,
		v->number, v->cumulative, v->date, v->version, v->latest);
	fprintf(f, "  pdf      %s (%llu bytes)\n", h, (unsigned long long)v->pdf_size);
	fprintf(f, "  stored   %s by %s\n", t, v->who);
	if (*v->reason)
		fprintf(f, "  reason   %s\n", v->reason);
	if (v->superseded_by)
		fprintf(f, "  SUPERSEDED by version %u: %s\n", v->superseded_by,
			v->superseded_reason ? v->superseded_reason : "");
	for (size_t i = 0; i < v->n_loaded_docs; i++) {
		const struct gaz_ar_doc *d = &v->docs[i];
		fprintf(f, "  %2zu. %s  %s  (pp. %u-%u, code %s)\n", i + 1, d->doc_no, d->title,
			d->first_page, d->last_page, d->code);
	}
}

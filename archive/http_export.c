/* `gazette export-static`: the public site as files.  Every URL is rendered
 * by the same router the server uses, then written where a stock static
 * server finds it: pages as DIR/index.html (so /issues/2023/7 and
 * /issues/2023/7/ both resolve), everything else under its own name.  The
 * export is built in a temporary directory beside OUTDIR and renamed into
 * place at the end, so OUTDIR is either absent or complete. */
#include "archive/http_int.h"
#include "gazette/archive.h"
#include "gazette/tlog.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CONSISTENCY_ALL 4096   /* below this log size, a proof from every size */

struct exp {
	struct site site;
	char *root;        /* temporary directory being filled */
	size_t n_files;
};

static int mkdirs(char *path)
{
	char *p;

	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) && errno != EEXIST) {
			*p = '/';
			return gaz_fail(GAZ_EIO, "cannot create directory %s: %s", path, strerror(errno));
		}
		*p = '/';
	}
	return 0;
}

static int write_out(struct exp *e, const char *rel, const void *p, size_t n)
{
	struct gaz_buf path = GAZ_BUF_INIT(8192);
	FILE *f = NULL;
	int rc;

	if ((rc = gaz_buf_printf(&path, "%s/%s", e->root, rel)))
		goto end;
	if ((rc = mkdirs(path.data)))
		goto end;
	if (!(f = fopen(path.data, "wb"))) {
		rc = gaz_fail(GAZ_EIO, "cannot write %s: %s", path.data, strerror(errno));
		goto end;
	}
	if ((n && fwrite(p, 1, n, f) != n) || fflush(f)) {
		rc = gaz_fail(GAZ_EIO, "cannot write %s: %s", path.data, strerror(errno));
		goto end;
	}
	e->n_files++;
	rc = 0;
end:
	if (f && fclose(f) && !rc)
		rc = gaz_fail(GAZ_EIO, "cannot write %s", path.data);
	gaz_buf_release(&path);
	return rc;
}

static int exists(struct exp *e, const char *rel)
{
	char path[8192];
	struct stat st;

	snprintf(path, sizeof path, "%s/%s", e->root, rel);
	return stat(path, &st) == 0;
}

/* Renders url (raw, percent-encoded as a client sends it) and writes it to
 * rel.  A page that does not exist is an error: the crawl only asks for
 * URLs the archive lists. */
static int emit(struct exp *e, const char *url, const char *rel)
{
	struct gaz_http_target t;
	struct resp r;
	struct req q;
	int rc;

	if (exists(e, rel))
		return 0;
	if ((rc = gaz_http_target_parse(url, strlen(url), &t)))
		return gaz_fail(rc, "export: bad URL %s", url);
	memset(&q, 0, sizeof q);
	q.t = &t;
	resp_init(&r);
	site_get(&e->site, &q, &r);
	if (r.status != 200) {
		rc = gaz_fail(r.status == 404 ? GAZ_ENOTFOUND : GAZ_ECORRUPT,
			      "export: %s answered %d", url, r.status);
	} else if (r.blob) {
		rc = write_out(e, rel, r.blob, r.blob_len);
	} else {
		rc = write_out(e, rel, r.body.b.data ? r.body.b.data : "", r.body.b.len);
	}
	resp_release(&r);
	gaz_http_target_release(&t);
	return rc;
}

/* A URL segment that is also a safe file name. */
static int safe_name(const char *s)
{
	if (!s[0] || s[0] == '.' || strlen(s) > 200)
		return 0;
	for (; *s; s++)
		if (*s == '/' || *s == '\\' || (unsigned char)*s < 0x20)
			return 0;
	return 1;
}

static int emit_doc(struct exp *e, const struct gaz_ar_doc *d)
{
	struct out url, rel;
	int rc = 0;
	size_t pass;

	/* By code (the QR target), then by document number when it can be
	 * a file name. */
	for (pass = 0; pass < 2 && !rc; pass++) {
		const char *key = pass == 0 ? d->code : d->doc_no;
		static const char *const kinds[][3] = {
			{ "/docs/", "docs/", "/index.html" },
			{ "/verify/", "verify/", "/index.html" },
			{ "/api/v1/docs/", "api/v1/docs/", ".json" },
		};
		size_t k;

		if (!key || !safe_name(key))
			continue;
		for (k = 0; k < 3 && !rc; k++) {
			if (pass == 1 && k == 1)
				continue;   /* /verify/ takes codes only */
			out_init(&url, 8192);
			out_init(&rel, 8192);
			out_raw(&url, kinds[k][0]);
			out_seg(&url, key);
			if (k == 2)
				out_raw(&url, ".json");
			out_raw(&rel, kinds[k][1]);
			out_raw(&rel, key);
			out_raw(&rel, kinds[k][2]);
			rc = url.err ? url.err : rel.err ? rel.err : emit(e, url.b.data, rel.b.data);
			out_release(&url);
			out_release(&rel);
		}
	}
	return rc;
}

static int emit_log(struct exp *e)
{
	MDB_txn *txn = NULL;
	struct gaz_tlog_sth sth;
	uint64_t size = 0, ref, i;
	char url[96], rel[96];
	int rc;

	if ((rc = site_read_begin(&e->site, &txn)))
		return rc;
	rc = gaz_tlog_size(txn, &size);
	ref = size;
	if (!rc && !gaz_tlog_latest_head(txn, &sth) && sth.size <= size)
		ref = sth.size;
	gaz_clear_error();
	site_read_end(&e->site, txn);
	if (rc)
		return rc;
	for (i = 0; i < ref && !rc; i++) {
		snprintf(url, sizeof url, "/api/v1/log/inclusion/%llu.json", (unsigned long long)i);
		rc = emit(e, url, url + 1);
	}
	for (i = 1; i < ref && !rc; i++) {
		if (ref > CONSISTENCY_ALL && (i & (i - 1)))
			continue;   /* large logs: powers of two only */
		snprintf(url, sizeof url, "/api/v1/log/consistency/%llu.json", (unsigned long long)i);
		snprintf(rel, sizeof rel, "%s", url + 1);
		rc = emit(e, url, rel);
	}
	return rc;
}

static int emit_all(struct exp *e)
{
	static const char *const fixed[][2] = {
		{ "/", "index.html" },
		{ "/issues/", "issues/index.html" },
		{ "/verify", "verify/index.html" },
		{ "/log", "log/index.html" },
		{ "/feed.atom", "feed.atom" },
		{ "/robots.txt", "robots.txt" },
		{ "/static/site.css", "static/site.css" },
		{ "/static/icon.svg", "static/icon.svg" },
		{ "/api/v1/issues.json", "api/v1/issues.json" },
		{ "/api/v1/latest.json", "api/v1/latest.json" },
		{ "/api/v1/log.json", "api/v1/log.json" },
	};
	struct catalog c;
	size_t i, d;
	char url[128], rel[128];
	int rc = 0;

	for (i = 0; i < sizeof fixed / sizeof *fixed && !rc; i++)
		rc = emit(e, fixed[i][0], fixed[i][1]);
	if (rc || (rc = catalog_load(&e->site, &c)))
		return rc;
	for (i = 0; i < c.n && !rc; i++) {
		const struct cat_row *row = &c.v[i];
		struct gaz_ar_version v;

		snprintf(url, sizeof url, "/issues/%u/", row->year);
		snprintf(rel, sizeof rel, "issues/%u/index.html", row->year);
		if ((rc = emit(e, url, rel)))
			break;
		snprintf(url, sizeof url, "/api/v1/issues/%u.json", row->year);
		if ((rc = emit(e, url, url + 1)))
			break;
		snprintf(url, sizeof url, "/issues/%u/%u", row->year, row->number);
		snprintf(rel, sizeof rel, "issues/%u/%u/index.html", row->year, row->number);
		if ((rc = emit(e, url, rel)))
			break;
		snprintf(url, sizeof url, "/api/v1/issues/%u/%u.json", row->year, row->number);
		if ((rc = emit(e, url, url + 1)))
			break;
		snprintf(url, sizeof url, "/issues/%u/%u.pdf", row->year, row->number);
		if ((rc = emit(e, url, url + 1)))
			break;
		snprintf(url, sizeof url, "/issues/%u/%u/v%u.pdf", row->year, row->number, row->version);
		if ((rc = emit(e, url, url + 1)))
			break;
		{
			char hex[65], u[128];
			gaz_hex(row->sha, 32, hex);
			snprintf(u, sizeof u, "/api/v1/sha256/%s.json", hex);
			if ((rc = emit(e, u, u + 1)))
				break;
		}
		memset(&v, 0, sizeof v);
		if ((rc = gaz_archive_get_version(e->site.ar, row->year, row->number, row->version, &v)))
			break;
		for (d = 0; d < v.n_loaded_docs && !rc; d++)
			rc = emit_doc(e, &v.docs[d]);
		gaz_ar_version_release(&v);
	}
	catalog_release(&c);
	if (!rc)
		rc = emit_log(e);
	return rc;
}

static void rm_tree(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	char sub[8192];
	struct stat st;

	if (d) {
		while ((de = readdir(d))) {
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			snprintf(sub, sizeof sub, "%s/%s", path, de->d_name);
			if (!lstat(sub, &st) && S_ISDIR(st.st_mode))
				rm_tree(sub);
			else
				unlink(sub);
		}
		closedir(d);
	}
	rmdir(path);
}

static int dir_empty_or_absent(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int empty = 1;

	if (!d)
		return errno == ENOENT ? 1 : 0;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			empty = 0;
	closedir(d);
	return empty;
}

int gaz_http_export(const char *archive_dir, const char *outdir, size_t *n_files)
{
	struct exp e;
	struct gaz_buf tmp = GAZ_BUF_INIT(8192);
	int rc, opened = 0;

	memset(&e, 0, sizeof e);
	if (!dir_empty_or_absent(outdir))
		return gaz_fail(GAZ_EEXIST, "%s exists and is not empty", outdir);
	if ((rc = gaz_buf_printf(&tmp, "%s.tmp-XXXXXX", outdir)))
		return rc;
	if (!mkdtemp(tmp.data)) {
		rc = gaz_fail(GAZ_EIO, "cannot create a directory beside %s: %s", outdir,
			      strerror(errno));
		goto end;
	}
	e.root = tmp.data;
	if ((rc = site_open(&e.site, archive_dir, 1)))
		goto end;
	opened = 1;
	if ((rc = emit_all(&e)))
		goto end;
	chmod(tmp.data, 0755);
	rmdir(outdir);   /* an empty one may exist */
	if (rename(tmp.data, outdir)) {
		rc = gaz_fail(GAZ_EIO, "cannot rename the export into %s: %s", outdir,
			      strerror(errno));
		goto end;
	}
	e.root = NULL;
	if (n_files)
		*n_files = e.n_files;
	rc = 0;
end:
	if (opened)
		site_close(&e.site);
	if (e.root)
		rm_tree(e.root);
	gaz_buf_release(&tmp);
	return rc;
}

/* Private to archive/http_*.c: the site layer shared by the server and the
 * static export, and the output helpers the pages are written with. */
#ifndef GAZETTE_HTTP_INT_H
#define GAZETTE_HTTP_INT_H

#include "gazette/http.h"

#include <lmdb.h>
#include <pthread.h>

/* archive.h is not included here: search.h (used by http_search.c)
 * defines status enumerators of the same names. */
struct gaz_archive;

/* ---- output: a capped buffer with a sticky error ------------------------ */

/* Pages are written as a sequence of appends; the first failure sticks and
 * every later append is a no-op, so templates read top to bottom and the
 * status is checked once at the end. */
struct out {
	struct gaz_buf b;
	int err;
};

void out_init(struct out *o, size_t max);
void out_release(struct out *o);
void out_raw(struct out *o, const char *s);            /* trusted literal */
void out_mem(struct out *o, const void *p, size_t n);
void out_fmt(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* HTML/XML text or attribute value: & < > " ' escaped; invalid UTF-8
 * replaced by U+FFFD. */
void out_esc(struct out *o, const char *s);
void out_escn(struct out *o, const char *s, size_t n);
/* One URL path segment or query value, percent-encoded (RFC 3986
 * unreserved characters kept). */
void out_seg(struct out *o, const char *s);

struct resp;

/* ---- the site ----------------------------------------------------------- */

/* Verified-blob cache: a blob read in LMDB snapshot txnid was hashed once;
 * later reads in the same snapshot reuse the verdict (the snapshot's pages
 * cannot change).  Fixed size, in sets by hash bytes. */
#define SITE_VCACHE 4096
#define SITE_VCACHE_WAYS 4      /* sets of 4: a few thousand blobs in rotation fit */
struct vcache_entry {
	unsigned char sha[32];
	size_t txnid;
	const void *ptr;
	size_t len;
	long long when;
};

/* Rendered search responses (the HTML page and the JSON API), each for
 * the snapshot it was computed in: a search is the one page whose cost
 * grows with the archive, and the public asks the same questions.  An
 * entry is used only while the archive's newest snapshot is still the
 * one it was computed in, so a publish or a status change is seen by the
 * next request.  Sets of 4 by a hash of the parameters; bounded. */
#define SITE_SCACHE 256
#define SITE_SCACHE_WAYS 4
#define SITE_SCACHE_BODY_MAX (256u << 10)
struct scache_entry {
	char *key;              /* "h" or "j", then each parameter as key=value\0 */
	size_t klen;
	size_t txnid;
	int status;
	const char *ctype;      /* static */
	char *body;
	size_t len;
	unsigned long long used; /* site.scache_clock when last used */
};

struct site {
	struct gaz_archive *ar;
	int exporting;          /* static export: no live search or upload */
	MDB_dbi blob_dbi;
	int have_blob_dbi;
	pthread_mutex_t vlock;
	struct vcache_entry vcache[SITE_VCACHE];
	int scache_off;         /* gaz_serve_opts.no_search_cache */
	pthread_mutex_t slock;
	struct scache_entry scache[SITE_SCACHE];
	unsigned long long scache_clock; /* stamps scache_entry.used */
	const char *const *trust;   /* PEM files for the verify page */
	size_t n_trust;
	size_t upload_max;
	char title[256];        /* 刊名 of the newest issue when opened */
};

int site_open(struct site *s, const char *archive_dir, int exporting);
/* A read snapshot of the archive; end it with site_read_end. */
int site_read_begin(struct site *s, MDB_txn **txn);
void site_read_end(struct site *s, MDB_txn *txn);
void site_blob_init(struct site *s);
/* The verified bytes of blob sha: borrowed from the LMDB map while r holds
 * the snapshot (server), or a verified copy that r owns (export). */
int site_blob(struct site *s, const unsigned char sha[32], struct resp *r,
	      const void **bytes, size_t *len);
void site_close(struct site *s);

/* A response.  Either body (rendered bytes) or blob (bytes borrowed from
 * an LMDB read transaction that `hold` keeps open until resp_release). */
struct resp {
	int status;
	const char *ctype;        /* static */
	struct out body;
	const void *blob;
	size_t blob_len;
	MDB_txn *hold;
	struct gaz_archive *hold_ar; /* whose read transaction hold is */
	void *owned;              /* malloc'ed blob bytes freed by resp_release */
	char content_range[96];   /* for 206/416, or "" */
	uint64_t entity_len;      /* a 304's would-be body length */
	char etag[80];            /* with quotes, or "" */
	char *disposition;        /* malloc'ed Content-Disposition, or NULL */
	char location[512];       /* redirect target, or "" */
	int immutable;            /* content-addressed: cache forever */
	int page_tag;             /* etag is a page's, from its bytes (no ranges) */
};

void resp_init(struct resp *r);
void resp_release(struct resp *r);

/* The request as the site sees it. */
struct req {
	const struct gaz_http_target *t;
	int head;                 /* HEAD: same headers, no body needed */
	const char *if_none_match;/* request headers, or NULL */
	const char *if_match;
	const char *if_range;
	const char *range;
};

/* Answers a GET/HEAD.  Always fills r (errors become error pages); returns
 * 0, or a negative code only for failures that leave no page at all. */
int site_get(struct site *s, const struct req *q, struct resp *r);

/* Error page with the status's Chinese title; msg is shown escaped. */
void site_error(struct site *s, struct resp *r, int status, const char *msg);
/* The same with a link (href, label) before the one to the home page. */
void site_error_back(struct site *s, struct resp *r, int status, const char *msg,
		     const char *href, const char *label);
/* The JSON API's error: {"error": status, "message": msg}. */
void site_json_error(struct resp *r, int status, const char *msg);

/* ---- templates (http_out.c) -------------------------------------------- */

extern const char site_css[];
extern const char site_robots[];
extern const char site_icon[];

/* Document head, header with navigation and search form, <main>. */
void page_begin(struct site *s, struct out *o, const char *title, const char *nav);
/* </main>, footer, </html>. */
void page_end(struct site *s, struct out *o);
#define HTML_TYPE "text/html; charset=utf-8"
/* Makes the page in o the body (o is emptied; releasing it stays safe) with
 * status and ctype (static).  If o holds an error, returns it and changes
 * nothing. */
int resp_page(struct resp *r, struct out *o, int status, const char *ctype);
struct cJSON;
/* Makes j (which it frees, also on failure) the 200 application/json body;
 * GAZ_ENOMEM for a NULL j. */
int resp_json(struct resp *r, struct cJSON *j);
/* "1.2 MB", "340 KB", "512 B" */
void fmt_size(char *buf, size_t n, uint64_t bytes);
/* "2024-05-01 10:20 UTC" */
void fmt_time(char *buf, size_t n, int64_t t);
/* ISO 8601 for Atom */
void fmt_time_iso(char *buf, size_t n, int64_t t);
const char *status_class(int st);

/* ---- page families ------------------------------------------------------ */

int pages_home(struct site *s, const struct req *q, struct resp *r, int json);
int pages_years(struct site *s, const struct req *q, struct resp *r, int json);
int pages_year(struct site *s, const struct req *q, struct resp *r, unsigned year, int json);
int pages_issue(struct site *s, const struct req *q, struct resp *r, unsigned year,
		unsigned number, int json);
int pages_doc(struct site *s, const struct req *q, struct resp *r, const char *key,
	      int json, int verify_view);
int pages_feed(struct site *s, const struct req *q, struct resp *r);
int site_pdf(struct site *s, const struct req *q, struct resp *r, unsigned year,
	     unsigned number, unsigned version);

/* Search, log and verify pages (http_search.c, http_log.c, http_verify.c). */
int pages_search(struct site *s, const struct req *q, struct resp *r, int json);
int pages_log(struct site *s, const struct req *q, struct resp *r, const char *what, int json);
int pages_verify_form(struct site *s, const struct req *q, struct resp *r);
/* The 404 page of /verify/CODE when no document has the code: says so
 * (the paper may not be genuine), shows the normalised code, and the form
 * to try again. */
int pages_verify_unknown(struct site *s, struct resp *r, const char *code);
int pages_sha256(struct site *s, const struct req *q, struct resp *r, const char *hex);
/* Verdict on uploaded bytes (nothing stored). */
int pages_verify_upload(struct site *s, const void *pdf, size_t len, const char *filename,
			struct resp *r, int json);

/* ---- catalog helpers (http_pages.c) ------------------------------------- */

/* One row per issue version, as listed by the archive (strings copied). */
struct cat_row {
	unsigned year, number, version, latest, superseded_by, cumulative;
	char name[256], date[32];
	unsigned char sha[32];
	uint64_t size;
	int64_t time;
	uint32_t n_docs;
	char *reason;
};
struct catalog {
	struct cat_row *v;
	size_t n, cap;
};
int catalog_load(struct site *s, struct catalog *c);
void catalog_release(struct catalog *c);
/* The site title: 刊名 of the newest version, or a generic title. */
void site_title(struct site *s, char *buf, size_t n);
void site_load_title(struct site *s);

#endif

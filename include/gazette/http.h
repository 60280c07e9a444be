/*
 * gazette/http.h — the public, read-only web service over an archive
 * (`gazette serve`) and its static twin (`gazette export-static`).
 *
 * Three layers, each usable on its own:
 *   1. request-target parsing: our own bounded decoder for the path and
 *      the query string of every request (libmicrohttpd's decoding is not
 *      used: it is lenient about %00 and malformed escapes);
 *   2. the site: turns a parsed GET into a response (HTML, JSON, Atom, a
 *      PDF) from the archive; the server and the static export share it,
 *      so both render the same templates;
 *   3. the server (libmicrohttpd) and the exporter.
 *
 * URLs, JSON shapes and the hardening limits are documented in
 * docs/api.md and docs/web.md.  Nothing here ever writes to the archive:
 * the archive is opened read-only (MDB_RDONLY environment).
 */
#ifndef GAZETTE_HTTP_H
#define GAZETTE_HTTP_H

#include "gazette/base.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- caps (named so tests and docs can cite them) ---------------------- */

#define GAZ_HTTP_TARGET_MAX   8192     /* request-target bytes; 414 beyond */
#define GAZ_HTTP_HEADERS_MAX  16384    /* all request header bytes; 431 beyond */
#define GAZ_HTTP_SEGS_MAX     16       /* path segments; 400 beyond */
#define GAZ_HTTP_PARAMS_MAX   32       /* query parameters; 400 beyond */
#define GAZ_HTTP_UPLOAD_MAX   (50u << 20) /* verify upload body; 413 beyond */
#define GAZ_HTTP_PAGE_MAX     (8u << 20)  /* one rendered page or JSON document */

/* ---- 1. request targets -------------------------------------------------- */

struct gaz_http_param {
	const char *key, *value;  /* decoded, NUL-terminated; value "" if no '=' */
};

/* A parsed origin-form request-target ("/a/b?x=1&y=2").  All strings point
 * into one allocation owned by the struct. */
struct gaz_http_target {
	size_t n_segs;
	const char *seg[GAZ_HTTP_SEGS_MAX]; /* decoded path segments */
	int dir;                   /* the path ends with '/' (true for "/") */
	size_t n_params;
	struct gaz_http_param param[GAZ_HTTP_PARAMS_MAX];
	char *mem;
};

/* Parses raw[0..len), the request-target exactly as the client sent it.
 * Rules (each violation is GAZ_EFORMAT, which the server answers with 400):
 *  - it starts with '/' (an absolute-form "http://host/path" target is
 *    reduced to its path); no '#', '\\', bytes below 0x21 or 0x7F;
 *  - '%' is followed by two hex digits; a decoded NUL or control byte
 *    (below 0x20, 0x7F) is refused;
 *  - every decoded segment and parameter is valid UTF-8 (no overlong
 *    forms, no surrogates);
 *  - no empty segment ("//"), and no segment that decodes to "." or "..";
 *  - in the query, '+' is a space, pieces are split on '&'; empty pieces
 *    are skipped.
 * A decoded '/' (%2F) stays inside its segment (document numbers may hold
 * one).  GAZ_ETOOBIG: len > GAZ_HTTP_TARGET_MAX (414), more than
 * GAZ_HTTP_SEGS_MAX segments or GAZ_HTTP_PARAMS_MAX parameters (400).
 * On success *t is the caller's: gaz_http_target_release(). */
int gaz_http_target_parse(const char *raw, size_t len, struct gaz_http_target *t);
void gaz_http_target_release(struct gaz_http_target *t);
/* The value of the first parameter named key, or NULL.  Borrowed. */
const char *gaz_http_target_param(const struct gaz_http_target *t, const char *key);

/* Parses a Range header value against a body of len bytes.  Only a single
 * "bytes=" range is honoured (first-last, first-, -suffix); positions of
 * any length are read, saturating at UINT64_MAX (an end past 2^64 is an
 * end past the body: clamped).  Returns 0 with
 * the inclusive range, GAZ_ENOTFOUND when the header must be ignored
 * (malformed, another unit, several ranges: the full body is sent), or
 * GAZ_EINVAL when the range is unsatisfiable (416). */
int gaz_http_range_parse(const char *value, uint64_t len, uint64_t *first, uint64_t *last);

/* 1 if an If-None-Match header value matches the entity tag etag (given
 * with its quotes), by weak comparison; "*" matches anything. */
int gaz_http_etag_match(const char *if_none_match, const char *etag);
/* 1 if an If-Match header value matches etag by strong comparison
 * (RFC 9110 13.1.1): "*" matches anything, a weak tag (W/"...") never
 * does.  0 means the server answers 412. */
int gaz_http_etag_match_strong(const char *if_match, const char *etag);
/* 1 if a Range may be honoured under an If-Range header value (RFC 9110
 * 13.1.5): only a single entity-tag equal to etag by strong comparison.
 * A weak tag, a list, or an HTTP-date (the server sends no Last-Modified,
 * so no date can match) gives 0: the whole body is sent (200). */
int gaz_http_if_range(const char *if_range, const char *etag);

/* ---- 2 & 3. the server and the static export --------------------------- */

struct gaz_http_server;

struct gaz_serve_opts {
	const char *archive_dir;
	/* "127.0.0.1:8080", "[::1]:8080", "[::]:8080" (dual stack), or
	 * "localhost:8080" (127.0.0.1). */
	const char *listen;
	unsigned threads;          /* 0 = 2 */
	unsigned conn_limit;       /* 0 = 64 connections in all */
	unsigned per_ip_limit;     /* 0 = 16 connections per client address */
	unsigned idle_timeout;     /* 0 = 15 s of silence */
	unsigned header_timeout;   /* 0 = 10 s from connect to the end of headers */
	unsigned body_timeout;     /* 0 = 120 s for an upload body */
	size_t upload_max;         /* 0 = GAZ_HTTP_UPLOAD_MAX */
	/* Search answers are kept per archive snapshot unless this is set
	 * (archive/http_int.h, "the search cache"). */
	int no_search_cache;
	/* Trust anchors (PEM files) for the verify page; may be empty. */
	const char *const *trust;
	size_t n_trust;
};

/* Opens the archive read-only and starts serving in background threads.
 * Returns at once.  Errors: those of gaz_archive_open(), GAZ_EINVAL (bad
 * listen address), GAZ_EIO (cannot bind).  *out: gaz_http_stop(). */
int gaz_http_start(const struct gaz_serve_opts *o, struct gaz_http_server **out);
/* The port actually bound (useful with port 0). */
unsigned gaz_http_port(const struct gaz_http_server *s);
/* Stops accepting, finishes nothing further, joins the threads, closes the
 * archive, frees s.  NULL is fine. */
void gaz_http_stop(struct gaz_http_server *s);

/* Writes the whole public site of the archive in archive_dir into outdir
 * (created; must not exist or be empty: GAZ_EEXIST otherwise) as static
 * files that a stock web server serves unchanged: pages as DIR/index.html,
 * the JSON API as *.json, the PDFs, the feed, the log proofs.  Search and
 * the verify upload need the live server; the exported pages say so.
 * *n_files (may be NULL) gets the number of files written. */
int gaz_http_export(const char *archive_dir, const char *outdir, size_t *n_files);

#ifdef __cplusplus
}
#endif
#endif

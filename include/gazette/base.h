/*
 * gazette/base.h — the error model and the small tools every module shares:
 * capped growable buffers, bounded readers for untrusted bytes, UTF-8
 * helpers, file I/O that never leaves half-written files, diagnostics.
 *
 * Error model (whole project): functions return int, 0 on success and a
 * negative GAZ_E* code on failure.  Out-parameters are written only on
 * success.  "Absent" is GAZ_ENOTFOUND, a normal result.  A failing function
 * may attach a human-readable detail with gaz_fail(); the CLI prints
 * gaz_strerror(code) and gaz_errdetail().  The library never prints and
 * never exits.
 */
#ifndef GAZETTE_BASE_H
#define GAZETTE_BASE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
	GAZ_OK = 0,
	GAZ_ENOMEM = -1,   /* allocation failed */
	GAZ_EIO = -2,      /* read/write/open failed (errno-level) */
	GAZ_EINVAL = -3,   /* bad argument or bad configuration */
	GAZ_EFORMAT = -4,  /* input bytes are malformed */
	GAZ_ETOOBIG = -5,  /* input exceeds a named cap */
	GAZ_ENOTFOUND = -6,/* absent: a normal result */
	GAZ_ECRYPTO = -7,  /* an OpenSSL operation failed */
	GAZ_EEXIST = -8,   /* refusing to overwrite or duplicate */
	GAZ_EFONT = -9,    /* font missing, unreadable or lacking glyphs */
	GAZ_EPDF = -10,    /* PDF writer (libharu) failure */
	GAZ_ECHECK = -11,  /* input failed validation; see the diagnostics */
	GAZ_EBUSY = -12,   /* resource held by another process */
	GAZ_ECORRUPT = -13,/* stored bytes do not match their hash */
	GAZ_EINTERNAL = -14
};

/* Static English name of a status code; never NULL. */
const char *gaz_strerror(int code);

/* Records a detail message for the current thread and returns code, so that
 * `return gaz_fail(GAZ_EIO, "cannot open %s", path);` reads naturally. */
int gaz_fail(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The detail of the last gaz_fail() on this thread ("" if none).  Borrowed;
 * valid until the next gaz_fail() on the thread. */
const char *gaz_errdetail(void);
void gaz_clear_error(void);

/* ---- capped growable buffer ------------------------------------------ */

/* A byte buffer that refuses to grow past `max` (GAZ_ETOOBIG).  data is
 * always NUL-terminated when non-NULL (the NUL is not counted in len). */
struct gaz_buf {
	char *data;
	size_t len, cap, max;
};

#define GAZ_BUF_INIT(maxbytes) { NULL, 0, 0, (maxbytes) }

void gaz_buf_init(struct gaz_buf *b, size_t max);
int gaz_buf_add(struct gaz_buf *b, const void *p, size_t n);
int gaz_buf_addstr(struct gaz_buf *b, const char *s);
int gaz_buf_addc(struct gaz_buf *b, char c);
int gaz_buf_printf(struct gaz_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int gaz_buf_vprintf(struct gaz_buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
void gaz_buf_reset(struct gaz_buf *b);     /* len = 0, keeps memory */
/* Hands the bytes to the caller (free() them); the buffer is empty after. */
char *gaz_buf_detach(struct gaz_buf *b, size_t *len);
void gaz_buf_release(struct gaz_buf *b);   /* frees; safe to call twice */

/* Overflow-checked size arithmetic: 0 on success, GAZ_ETOOBIG on overflow. */
int gaz_size_add(size_t a, size_t b, size_t *out);
int gaz_size_mul(size_t a, size_t b, size_t *out);

/* ---- bounded reader for untrusted bytes ------------------------------ */

/* Every read checks what is left first; nothing reads past p + len. */
struct gaz_rd {
	const unsigned char *p;
	size_t len, pos;
};

static inline void gaz_rd_init(struct gaz_rd *r, const void *p, size_t len)
{
	r->p = (const unsigned char *)p;
	r->len = len;
	r->pos = 0;
}
static inline size_t gaz_rd_left(const struct gaz_rd *r) { return r->len - r->pos; }
/* -1 at end of input.  Inline: the PDF lexer peeks at every byte it reads. */
static inline int gaz_rd_peek(const struct gaz_rd *r)
{
	return r->pos < r->len ? r->p[r->pos] : -1;
}
static inline int gaz_rd_peek_at(const struct gaz_rd *r, size_t ahead)
{
	return ahead < r->len - r->pos ? r->p[r->pos + ahead] : -1;
}
/* GAZ_EFORMAT at end.  Inline, with take: the record decoder calls them
 * several times per field on every archive read. */
static inline int gaz_rd_byte(struct gaz_rd *r, uint8_t *out)
{
	if (r->pos >= r->len)
		return GAZ_EFORMAT;
	*out = r->p[r->pos++];
	return 0;
}
int gaz_rd_skip(struct gaz_rd *r, size_t n);            /* GAZ_EFORMAT if short */
/* *out points at the next n bytes; GAZ_EFORMAT if fewer are left. */
static inline int gaz_rd_take(struct gaz_rd *r, size_t n, const unsigned char **out)
{
	if (n > r->len - r->pos)
		return GAZ_EFORMAT;
	*out = r->p + r->pos;
	r->pos += n;
	return 0;
}
int gaz_rd_seek(struct gaz_rd *r, size_t pos);          /* GAZ_EFORMAT if > len */
/* Takes bytes up to (not including) the next '\n' or end; consumes the '\n'.
 * A trailing '\r' is dropped from the returned length. */
int gaz_rd_line(struct gaz_rd *r, const unsigned char **line, size_t *len);
/* Parses an unsigned decimal of at most max_digits digits into *out, failing
 * with GAZ_EFORMAT on no digits and GAZ_ETOOBIG if the value exceeds max. */
int gaz_rd_uint(struct gaz_rd *r, unsigned max_digits, uint64_t max, uint64_t *out);

/* Bounded decimal parse of a whole string (no sign, no spaces). */
int gaz_parse_uint(const char *s, size_t n, uint64_t max, uint64_t *out);

/* ---- UTF-8 ------------------------------------------------------------ */

/* Decodes one scalar value at s[0..n).  Returns bytes consumed (1–4), or 0
 * for an invalid/overlong/surrogate/truncated sequence (then *cp = 0xFFFD). */
size_t gaz_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);
/* Encodes cp into out (≥ 4 bytes); returns the byte count (0 if invalid). */
size_t gaz_utf8_encode(uint32_t cp, char *out);
/* 0 if valid; else GAZ_EFORMAT and *bad_off is the offset of the first bad byte. */
int gaz_utf8_validate(const unsigned char *s, size_t n, size_t *bad_off);
/* A malloc'ed copy of the NUL-terminated s with every invalid UTF-8
 * sequence replaced by U+FFFD (for JSON, which must be UTF-8: a file name
 * is bytes); NULL if out of memory. */
char *gaz_utf8_repair(const char *s);
/* gaz_utf8_validate, and no NUL byte either: the strings of a record. */
int gaz_utf8_validate_text(const unsigned char *s, size_t n, size_t *bad_off);
/* Number of scalar values in valid UTF-8. */
size_t gaz_utf8_count(const char *s, size_t n);

/* ---- hex ------------------------------------------------------------- */

/* Lowercase hex of p[0..n) into out (2n + 1 bytes, NUL-terminated). */
void gaz_hex(const void *p, size_t n, char *out);
/* Value of one hex digit (either case), or -1. */
int gaz_hexdigit(int c);
/* Parses exactly 2n hex digits (either case) of s into out[0..n);
 * GAZ_EINVAL for any other length or character, out untouched then. */
int gaz_unhex(const char *s, void *out, size_t n);

/* ---- OpenSSL ------------------------------------------------------------ */

/* Sets libcrypto up for a short command-line process (call it first):
 *  - OpenSSL's built-in defaults, never the machine's openssl.cnf: a verdict
 *    or a signature must not depend on a host's security levels or disabled
 *    algorithms (this also saves parsing that file, about 2 M instructions);
 *  - no clean-up at exit: the process ends anyway, and freeing OpenSSL's
 *    tables cost about 0.3 ms of every `gazette verify` (docs/verify.md);
 *  - the error strings (about 0.9 M instructions to load) are loaded only
 *    when gaz_crypto_error_string() formats an error.
 * A program that never calls it gets OpenSSL's usual behaviour.
 * flags: GAZ_CRYPTO_NO_CIPHER_NAMES leaves OpenSSL 3.0's legacy cipher
 * table empty (OPENSSL_INIT_NO_ADD_ALL_CIPHERS): its first algorithm fetch
 * then copies no cipher names into the provider name map (about 2 M
 * instructions, 7 % of a `gazette verify`).  Ciphers are still found by
 * fetching them (EVP_CIPHER_fetch, as libssl does), but
 * EVP_get_cipherbyname/nid/obj() find none: only for a process that
 * decrypts nothing itself (verify).  Digests keep their table: OpenSSL's
 * own signature and chain checks look digests up through it. */
#define GAZ_CRYPTO_NO_CIPHER_NAMES 1u
void gaz_crypto_init_cli(unsigned flags);
/* RSA keys of certificates parsed from now on skip OpenSSL 3.0's decoder
 * framework (about 1 ms per verification) and use OpenSSL's built-in RSA
 * method instead; a no-op on OpenSSL 3.1 or later.  Process-wide, once;
 * thread-safe.  gazette/base/crypto.c says why and what it touches. */
void gaz_crypto_fast_certs(void);
/* OpenSSL error code e as text ("error:0A000086:rsa routines::bad
 * signature"), into buf[0..n), loading the error strings first when
 * gaz_crypto_init_cli() deferred them.  Thread-safe. */
void gaz_crypto_error_string(unsigned long e, char *buf, size_t n);

/* ---- files ------------------------------------------------------------ */

/* Reads a whole regular file of at most `max` bytes (GAZ_ETOOBIG beyond).
 * *out is malloc'ed, NUL-terminated; free() it. */
int gaz_read_file(const char *path, size_t max, char **out, size_t *len);
/* A whole regular file mapped read-only (gaz_map_file), for readers that
 * only look: no copy, and no fresh pages to fault in (a 750 KB PDF: about
 * 0.1 ms instead of 0.6 ms for gaz_read_file on the machine of
 * docs/verify.md).  The bytes are the file's own page cache, so a
 * concurrent writer could change them: gaz_map_unchanged() says whether
 * the file kept its size, times and inode since it was mapped, and a file
 * truncated meanwhile raises SIGBUS on access (a caller that cares installs
 * a handler).  When the file cannot be mapped, it is read into memory. */
struct gaz_map {
	const unsigned char *p;    /* len bytes (not NUL-terminated) */
	size_t len;
	int fd, have_fd;           /* kept open for gaz_map_unchanged */
	int mapped;                /* 1: munmap, 0: free */
	unsigned long long dev, ino, size;           /* as mapped */
	long long mtime_s, mtime_ns, ctime_s, ctime_ns;
};
/* Maps path (at most max bytes: GAZ_ETOOBIG beyond; GAZ_EIO if it is not a
 * regular file or cannot be opened).  On failure *m is empty: calling
 * gaz_unmap_file on it, or on a zeroed struct, does nothing. */
int gaz_map_file(const char *path, size_t max, struct gaz_map *m);
/* 0 if the mapped file is still the same size with the same modification
 * and change times; GAZ_EIO (with a detail) if it changed. */
int gaz_map_unchanged(const struct gaz_map *m, const char *path);
void gaz_unmap_file(struct gaz_map *m);
/* Writes bytes to path atomically: a temporary file in the same directory,
 * fsync, rename.  On failure nothing exists at path that was not there
 * before (a previous file is left untouched). */
int gaz_write_file_atomic(const char *path, const void *p, size_t n);
/* The same with the file's bytes in two pieces, p then p2 (e.g. a PDF and
 * its incremental update); p2 may be NULL with n2 0. */
int gaz_write_file_atomic2(const char *path, const void *p, size_t n,
			   const void *p2, size_t n2);

/* ---- diagnostics: every problem, not just the first ------------------ */

enum gaz_severity { GAZ_SEV_WARNING, GAZ_SEV_ERROR };

struct gaz_diag {
	enum gaz_severity sev;
	char *file;   /* path as given, or NULL */
	int line;     /* 1-based, 0 = whole file */
	int col;      /* 1-based character (code point) column, 0 = whole line */
	char *field;  /* metadata key or "正文"/"config", or NULL */
	char *msg;
};

/* At most this many diagnostics are kept; beyond it (or when memory runs
 * out) they are only counted: n_errors/n_warnings stay exact, n_dropped
 * says how many were not kept, so a hostile file of a million bad lines
 * cannot exhaust memory and the verdict never depends on memory. */
#define GAZ_DIAGS_MAX 10000

struct gaz_diags {
	struct gaz_diag *v;
	size_t n, cap;
	size_t n_errors, n_warnings;
	size_t n_dropped;
};

/* Appends a diagnostic (copies every string).  Returns 0, or GAZ_ENOMEM
 * (the diagnostic is then counted in n_dropped and n_errors/n_warnings). */
int gaz_diags_add(struct gaz_diags *d, enum gaz_severity sev, const char *file,
		  int line, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* The same with a column (1-based, in characters; 0 for none). */
int gaz_diags_add_at(struct gaz_diags *d, enum gaz_severity sev, const char *file,
		     int line, int col, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));
int gaz_diags_vadd(struct gaz_diags *d, enum gaz_severity sev, const char *file,
		   int line, int col, const char *field, const char *fmt, va_list ap)
	__attribute__((format(printf, 7, 0)));
/* Stable sort by file, line, then insertion order (O(n log n)). */
void gaz_diags_sort(struct gaz_diags *d);
void gaz_diags_release(struct gaz_diags *d);

#ifdef __cplusplus
}
#endif
#endif

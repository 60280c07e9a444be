/*
 * gazette/pdf.h — a strict, bounded reader for PDF files (ISO 32000).
 *
 * Written for the signature verifier and for appending incremental updates:
 * it never repairs a broken file, it reports it.  Every read of the file goes
 * through a bounded reader (struct gaz_rd); every size, count and nesting
 * level has a named cap below; inflated streams are capped (zip bombs);
 * reference chains and page-tree walks carry a depth limit and a visited set.
 *
 * What it reads: the header; classic cross-reference tables and
 * cross-reference streams (/W, /Index, PNG predictors); object streams
 * (/Type /ObjStm); hybrid files (/XRefStm, minimal); incremental updates:
 * every "startxref N %%EOF" in the file is a revision, and each revision has
 * its own view of the objects (its xref section and the /Prev chain below
 * it), exactly what a reader that stopped at that %%EOF would see.
 *
 * Memory: gaz_pdf_open() does not copy the file.  The caller keeps the
 * buffer alive and unchanged until gaz_pdf_close().  Every value this module
 * hands out (struct gaz_pdf_obj, strings, names) is borrowed: it lives in the
 * document's arena until gaz_pdf_close().  Parsed objects are cached, so
 * resolving the same object twice returns the same pointer.
 *
 * Errors (base.h model): 0 or a negative GAZ_E* code, out-parameters written
 * only on success, gaz_errdetail() says what and where (byte offset).
 *   GAZ_EFORMAT   malformed bytes, or a feature this reader refuses
 *                 (unsupported filter, encryption, duplicate dictionary key)
 *   GAZ_ETOOBIG   a cap below was exceeded
 *   GAZ_ENOTFOUND an absent object or key (a normal result)
 *   GAZ_ENOMEM    allocation failed
 *   GAZ_EINVAL    bad argument (wrong value type, revision out of range)
 */
#ifndef GAZETTE_PDF_H
#define GAZETTE_PDF_H

#include "gazette/base.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- caps ------------------------------------------------------------- */

#define GAZ_PDF_MAX_FILE        ((size_t)512 << 20) /* bytes in the file */
#define GAZ_PDF_MAX_OBJECTS     (1u << 22)   /* object numbers (/Size) */
#define GAZ_PDF_MAX_REVISIONS   256          /* %%EOF-terminated revisions */
#define GAZ_PDF_MAX_SECTIONS    1024         /* xref sections in all chains */
#define GAZ_PDF_MAX_DEPTH       64           /* array/dict nesting, page tree depth */
#define GAZ_PDF_MAX_ELEMENTS    (1u << 20)   /* entries in one array or dict */
#define GAZ_PDF_MAX_STRING      ((size_t)16 << 20) /* one string or name */
#define GAZ_PDF_MAX_DECODED     ((size_t)64 << 20)  /* one decoded stream */
#define GAZ_PDF_MAX_DECODED_ALL ((size_t)256 << 20) /* all inflation of one document */
#define GAZ_PDF_MAX_MEMORY      ((size_t)512 << 20) /* the document's arena */
#define GAZ_PDF_MAX_CHAIN       32           /* indirect references followed in a row */
#define GAZ_PDF_MAX_PAGES       100000       /* pages listed by gaz_pdf_pages() */
#define GAZ_PDF_MAX_OBJSTM_N    (1u << 20)   /* objects in one object stream */

/* ---- values ----------------------------------------------------------- */

enum gaz_pdf_type {
	GAZ_PDF_NULL, GAZ_PDF_BOOL, GAZ_PDF_INT, GAZ_PDF_REAL, GAZ_PDF_STRING,
	GAZ_PDF_NAME, GAZ_PDF_ARRAY, GAZ_PDF_DICT, GAZ_PDF_REF, GAZ_PDF_STREAM
};

struct gaz_pdf_obj;

struct gaz_pdf_kv {
	const char *key;           /* decoded name without '/', NUL-terminated */
	size_t key_len;
	struct gaz_pdf_obj *val;
};

/* One parsed value.  start/end is the exact byte span [start,end) of the
 * value's token(s) in the file when in_file is 1 (a value parsed from an
 * uncompressed object; for a string it includes the ( ) or < >, for a
 * stream it runs from "<<" to the end of "endstream").  Values from object
 * streams or built by hand have in_file 0. */
struct gaz_pdf_obj {
	enum gaz_pdf_type type;
	int in_file;
	size_t start, end;
	union {
		int boolean;
		int64_t integer;
		double real;
		struct { const unsigned char *p; size_t len; int hex; } str; /* decoded bytes, NUL-terminated */
		struct { const char *p; size_t len; } name;  /* decoded, NUL-terminated */
		struct { struct gaz_pdf_obj **v; size_t n; } array;
		struct { struct gaz_pdf_kv *v; size_t n; } dict;
		struct { uint32_t num; uint32_t gen; } ref;
		/* dict: the stream dictionary; data_off/data_len: the raw
		 * (encoded) bytes, an offset into the file. */
		struct { struct gaz_pdf_obj *dict; size_t data_off, data_len; } stream;
	} u;
};

/* ---- documents and revisions ----------------------------------------- */

struct gaz_pdf;

/* Parses the header, every revision's cross-reference data and trailer.
 * buf must stay alive and unchanged until gaz_pdf_close().  Refuses
 * encrypted files (/Encrypt) with GAZ_EFORMAT.  On failure *out is untouched
 * and nothing is allocated. */
int gaz_pdf_open(const void *buf, size_t len, struct gaz_pdf **out);
/* Frees the document and every value it handed out.  NULL is fine. */
void gaz_pdf_close(struct gaz_pdf *pdf);

/* The file as given to gaz_pdf_open() (borrowed). */
const unsigned char *gaz_pdf_bytes(const struct gaz_pdf *pdf, size_t *len);
/* "1.7" etc. from the header (borrowed, NUL-terminated). */
const char *gaz_pdf_version(const struct gaz_pdf *pdf);

struct gaz_pdf_rev {
	size_t startxref;        /* offset of this revision's newest xref section */
	size_t startxref_kw;     /* offset of the "startxref" keyword */
	size_t eof_end;          /* offset just after "%%EOF" */
	size_t end;              /* eof_end plus the end-of-line after it, if any:
	                          * the revision is the file's bytes [0, end) */
	const struct gaz_pdf_obj *trailer; /* newest trailer dict (or xref stream dict) */
	uint32_t size;           /* trailer /Size */
	uint32_t max_num;        /* highest object number with an in-use entry */
	int xref_stream;         /* newest section is an xref stream */
};

/* Number of revisions, oldest first: revision 0 is the original file,
 * gaz_pdf_nrevs()-1 is the newest (what a viewer shows).  Always ≥ 1. */
size_t gaz_pdf_nrevs(const struct gaz_pdf *pdf);
/* Fills *out with revision i (0-based, oldest first).  GAZ_EINVAL if out of
 * range. */
int gaz_pdf_rev_info(const struct gaz_pdf *pdf, size_t rev, struct gaz_pdf_rev *out);
/* Shorthand for "the newest revision". */
#define GAZ_PDF_LATEST ((size_t)-1)

/* One cross-reference entry as seen from a revision. */
enum gaz_pdf_xtype { GAZ_PDF_XFREE = 0, GAZ_PDF_XUSED = 1, GAZ_PDF_XCOMPRESSED = 2 };
struct gaz_pdf_xentry {
	enum gaz_pdf_xtype type;
	uint32_t gen;            /* XUSED: generation; XCOMPRESSED: 0 */
	uint64_t offset;         /* XUSED: byte offset of "N G obj" */
	uint32_t stm, idx;       /* XCOMPRESSED: object stream number and index */
	size_t section;          /* which xref section (an internal id, equal
	                          * entries from the same section compare equal) */
};
/* The entry for object num in revision rev (GAZ_PDF_LATEST for the newest).
 * GAZ_ENOTFOUND when no section of the revision's chain lists num. */
int gaz_pdf_xref_lookup(struct gaz_pdf *pdf, size_t rev, uint32_t num,
			struct gaz_pdf_xentry *out);

/* ---- objects ---------------------------------------------------------- */

/* Resolves indirect object num (generation gen) as revision rev sees it.
 * *out is borrowed.  GAZ_ENOTFOUND for a free, absent or generation-mismatched
 * entry (the PDF "null object").  When the object is uncompressed, *out has
 * in_file 1 and its exact span; *hdr_start (may be NULL) gets the offset of
 * "N G obj" and *obj_end (may be NULL) the offset just after "endobj". */
int gaz_pdf_get(struct gaz_pdf *pdf, size_t rev, uint32_t num, uint32_t gen,
		const struct gaz_pdf_obj **out);
int gaz_pdf_get_span(struct gaz_pdf *pdf, size_t rev, uint32_t num, uint32_t gen,
		     const struct gaz_pdf_obj **out, size_t *hdr_start, size_t *obj_end);
/* If o is a reference, follows it (and any chain of references, at most
 * GAZ_PDF_MAX_CHAIN, a cycle is GAZ_EFORMAT) in revision rev; otherwise
 * returns o itself.  A dangling reference gives GAZ_ENOTFOUND.  NULL o gives
 * GAZ_ENOTFOUND. */
int gaz_pdf_resolve(struct gaz_pdf *pdf, size_t rev, const struct gaz_pdf_obj *o,
		    const struct gaz_pdf_obj **out);

/* Dictionary look-up of key (without '/').  Works on a dict or on a stream
 * (its dictionary).  Borrowed result, not resolved; NULL when absent or when
 * d is not a dict/stream. */
const struct gaz_pdf_obj *gaz_pdf_dict_get(const struct gaz_pdf_obj *d, const char *key);
/* Look-up followed by gaz_pdf_resolve(); GAZ_ENOTFOUND when absent. */
int gaz_pdf_dict_resolve(struct gaz_pdf *pdf, size_t rev, const struct gaz_pdf_obj *d,
			 const char *key, const struct gaz_pdf_obj **out);
/* The dictionary of a dict or stream value, else NULL. */
const struct gaz_pdf_obj *gaz_pdf_dict_of(const struct gaz_pdf_obj *o);

/* Small typed helpers: 1 when o (not resolved) has that type and value. */
int gaz_pdf_is_name(const struct gaz_pdf_obj *o, const char *name);
int gaz_pdf_get_int(const struct gaz_pdf_obj *o, int64_t *out); /* 0 or GAZ_EINVAL */

/* The catalog: trailer /Root of revision rev, resolved; must be a dict with
 * /Type /Catalog (GAZ_EFORMAT otherwise).  num and gen (may be NULL) get its
 * object number. */
int gaz_pdf_catalog(struct gaz_pdf *pdf, size_t rev, const struct gaz_pdf_obj **out,
		    uint32_t *num, uint32_t *gen);

struct gaz_pdf_page {
	uint32_t num, gen;                 /* the page object's number */
	const struct gaz_pdf_obj *dict;    /* borrowed page dictionary */
};
/* The pages of revision rev in order, walking /Root /Pages /Kids with the
 * GAZ_PDF_MAX_DEPTH limit and a visited set (a page tree cycle or a page
 * listed twice is GAZ_EFORMAT).  *pages is malloc'ed (free() it); the dicts
 * in it are borrowed. */
int gaz_pdf_pages(struct gaz_pdf *pdf, size_t rev, struct gaz_pdf_page **pages, size_t *n);

/* Stream data.  raw: the encoded bytes in the file (borrowed pointer into the
 * caller's buffer).  decoded: FlateDecode (with PNG predictors) or no filter;
 * inflation capped at GAZ_PDF_MAX_DECODED and the document total at
 * GAZ_PDF_MAX_DECODED_ALL (GAZ_ETOOBIG); other filters are GAZ_EFORMAT.
 * Decoded data lives in the document arena (borrowed). */
int gaz_pdf_stream_raw(const struct gaz_pdf *pdf, const struct gaz_pdf_obj *s,
		       const unsigned char **p, size_t *len);
int gaz_pdf_stream_decode(struct gaz_pdf *pdf, size_t rev, const struct gaz_pdf_obj *s,
			  const unsigned char **p, size_t *len);

/* ---- writing values back --------------------------------------------- */

/* Appends the canonical serialisation of o to out: integers in decimal,
 * reals without exponent, strings as <hex>, names with #xx escapes for
 * bytes outside the regular printable set, "[a b]", "<</K v/K2 v>>",
 * "N G R".  The same value always gives the same bytes.  Streams are
 * GAZ_EINVAL (write the dictionary and the data yourself). */
int gaz_pdf_write(struct gaz_buf *out, const struct gaz_pdf_obj *o);
/* Appends the dictionary's entries "/K v/K2 v" without << >>, leaving out the
 * keys listed in skip (a NULL-terminated array, may be NULL): the way to copy
 * a dictionary while replacing some of its keys. */
int gaz_pdf_write_entries(struct gaz_buf *out, const struct gaz_pdf_obj *dict,
			  const char *const *skip);
/* Appends a name (with '/') or a string (as <hex>). */
int gaz_pdf_write_name(struct gaz_buf *out, const char *name, size_t len);
int gaz_pdf_write_string(struct gaz_buf *out, const void *p, size_t len);

#ifdef __cplusplus
}
#endif
#endif

/*
 * gazette/verify.h — strict verification of the signatures in a PDF.
 *
 * For every signature field (/FT /Sig with a value, found through
 * /AcroForm /Fields and through the pages' widget annotations) of the
 * newest revision it checks:
 *   - /ByteRange: exactly four direct integers [0 b c d], b > 0, c > b,
 *     c + d within the file; the gap [b, c) is exactly this signature's
 *     /Contents hex string (angle brackets included) at the place the parser
 *     finds it; c + d is the end of a revision ("%%EOF" and its end of line);
 *   - the signature dictionary is the same object in that revision and in
 *     the newest one;
 *   - the CMS (ETSI.CAdES.detached, adbe.pkcs7.detached): one SignerInfo,
 *     detached, message-digest equal to the hash of the two ranges, the
 *     signature value;
 *   - the signer chains to a trust anchor (with CRLs from the CMS and /DSS
 *     when present), at the time proven by a valid signature timestamp, else
 *     now; a key usage, when present, allows signing;
 *   - ESS signing-certificate-v2 (or v1) matches the signer (absence is a
 *     warning);
 *   - the signature timestamp (unsigned attribute id-aa-timeStampToken): a
 *     valid RFC 3161 token from a trusted TSA over the signature value;
 *   - document timestamps (/Type /DocTimeStamp, ETSI.RFC3161): the token over
 *     the byte ranges;
 *   - what changed after the signed revision: only a /DSS (and /Extensions)
 *     added to the catalog with its new objects, or new invisible document
 *     timestamp fields (with /Annots, /Fields, /SigFlags growing by them) are
 *     allowed.  Anything else — a changed page, content, annotation, form
 *     field, catalog entry, a deleted object, an xref entry re-pointing an
 *     existing object to different bytes, an unreferenced new object, bytes
 *     after the last %%EOF — makes the signature invalid.  DocMDP P=2 and
 *     P=3 are held to the same rule (never more permissive than ISO 32000).
 *
 * The library never prints: gaz_verify_pdf() fills a report that the caller
 * renders as text or JSON.
 */
#ifndef GAZETTE_VERIFY_H
#define GAZETTE_VERIFY_H

#include "gazette/base.h"

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GAZ_VERIFY_MAX_SIGS     64    /* signatures examined in one file */
#define GAZ_VERIFY_MAX_FIELDS   10000 /* form fields walked */
#define GAZ_VERIFY_MAX_MSGS     64    /* problems/warnings kept per item */
#define GAZ_VERIFY_MAX_TRUST_FILE ((size_t)8 << 20)
#define GAZ_VERIFY_MAX_WORK     20000000 /* object look-ups comparing revisions */

struct gaz_verify_opts {
	const char *const *trust;  /* PEM files: certificates (anchors) and CRLs */
	size_t ntrust;
	time_t now;                /* 0: the current time */
};

enum gaz_sig_kind {
	GAZ_SIG_APPROVAL,          /* an ordinary signature */
	GAZ_SIG_CERTIFICATION,     /* with a DocMDP transform */
	GAZ_SIG_DOCTIMESTAMP       /* /Type /DocTimeStamp */
};

/* Messages: n strings, each malloc'ed (owned by the report). */
struct gaz_msgs {
	char **v;
	size_t n;
};

enum gaz_check { GAZ_CHECK_NA = 0, GAZ_CHECK_OK = 1, GAZ_CHECK_FAIL = -1, GAZ_CHECK_ABSENT = 2 };

struct gaz_sig_report {
	char *field;               /* field name (/T, parents joined by '.'), UTF-8 */
	uint32_t obj;              /* object number of the signature dictionary (0 if direct) */
	enum gaz_sig_kind kind;
	char *subfilter;           /* "ETSI.CAdES.detached", ... */
	int docmdp;                /* DocMDP /P (1-3) for a certification, else 0 */
	int64_t range[4];          /* /ByteRange as found */
	int range_ok;
	size_t rev;                /* signed revision, 0-based; (size_t)-1 if none */
	size_t signed_bytes;       /* b + d */
	int whole_file;            /* covers every byte of the file */
	enum gaz_check digest, signature, chain, ess, timestamp;
	char *signer;              /* subject DN (RFC 2253), or NULL */
	char *issuer;
	char *serial;              /* hex */
	char *not_after;           /* ISO 8601 UTC */
	char *digest_alg, *sig_alg;
	char *chain_detail;        /* OpenSSL's reason when the chain fails */
	char *ts_time;             /* genTime of the signature/document timestamp, ISO 8601 */
	char *ts_tsa;              /* TSA subject */
	char *m;                   /* /M as written, or NULL */
	char *reason, *location;
	struct gaz_msgs changes;   /* what later revisions change (each line) */
	int changes_allowed;       /* 1 if every later change is DSS / document timestamp */
	struct gaz_msgs problems;  /* why it is invalid (empty when valid) */
	struct gaz_msgs warnings;
	int valid;
};

struct gaz_rev_report {
	size_t end;                /* byte offset of the revision's end */
	int xref_stream;
	uint32_t objects;          /* objects added or changed against the previous revision */
	struct gaz_msgs changes;   /* one line per change against the previous revision */
	int allowed;               /* only DSS/doc timestamp (or the revision holds a signature) */
};

struct gaz_verify_report {
	size_t file_len;
	char *pdf_version;
	size_t nrevs;
	struct gaz_rev_report *revs;   /* nrevs entries */
	size_t nsigs;
	struct gaz_sig_report *sigs;   /* in order of their signed revision */
	struct gaz_msgs problems;      /* file-level: malformed, no signature, trailing bytes */
	int valid;                     /* every signature valid and no file-level problem */
};

/* Verifies the PDF in buf[0..len).  A malformed or unsigned PDF is not an
 * error: the report says why it is invalid.  Returns GAZ_EINVAL/GAZ_EIO when
 * a trust file cannot be read or holds nothing usable, GAZ_ENOMEM, or
 * GAZ_ECRYPTO when OpenSSL fails outside the checks themselves.  *out is
 * the caller's (gaz_verify_report_free). */
int gaz_verify_pdf(const void *buf, size_t len, const struct gaz_verify_opts *opts,
		   struct gaz_verify_report **out);
void gaz_verify_report_free(struct gaz_verify_report *r);
/* Loads the trust files of opts as gaz_verify_pdf() would, and forgets
 * them: 0, or gaz_verify_pdf()'s GAZ_EINVAL/GAZ_EIO (the file named in
 * gaz_errdetail()) — for a service to refuse to start with a trust file it
 * could never use. */
int gaz_verify_trust_check(const struct gaz_verify_opts *opts);

/* Appends the human-readable report to out. */
int gaz_verify_report_text(const struct gaz_verify_report *r, const char *name,
			   struct gaz_buf *out);
/* The report as JSON (schema in docs/verify.md); *json is malloc'ed. */
int gaz_verify_report_json(const struct gaz_verify_report *r, const char *name, char **json);

#ifdef __cplusplus
}
#endif
#endif

/* Internal interfaces between signer/verify*.c. */
#ifndef GAZETTE_SIGNER_VERIFY_INT_H
#define GAZETTE_SIGNER_VERIFY_INT_H

#include "gazette/verify.h"

#include <openssl/x509.h>

/* A certificate known by its DER bytes: parsed (x) only when needed. */
struct vcert {
	unsigned char *der;
	size_t len;
	X509 *x;                      /* NULL until parsed or matched */
	X509_NAME *subject;           /* anchors only: for the store's look-ups */
	size_t index;                 /* /DSS only: its place in /Certs */
};

/* The trust material shared by every signature of one file.
 *
 * In OpenSSL 3.0 every certificate parse builds a key decoder (about 0.2 ms
 * each), so each distinct DER is parsed at most once: certificates parsed
 * with a CMS or a timestamp token are remembered (seen) and reused, by byte
 * comparison, for the same certificate in the /DSS or a trust file.  Trust
 * file certificates are not parsed up front: the store asks for an issuer by
 * subject name while it builds a chain, and only then are the anchors with
 * that subject parsed (or matched) and added. */
struct vctx {
	X509_STORE *store;            /* trust anchors */
	X509_LOOKUP_METHOD *lookup;   /* parses anchors on the store's demand */
	STACK_OF(X509) *extra_certs;  /* from /DSS (vctx_dss_certs) */
	STACK_OF(X509_CRL) *crls;     /* from /DSS and the trust files */
	struct vcert *anchors;        /* certificates of the trust files */
	size_t nanchors;
	struct vcert *dss;            /* /DSS certificates, until vctx_dss_certs */
	size_t ndss, dss_done;
	struct vcert *seen;           /* parsed certificates, for reuse (x: a reference) */
	size_t nseen;
	struct gaz_msgs *problems;    /* file-level problems (a /DSS certificate) */
	char *bad_anchor;             /* a trust certificate OpenSSL refused, when needed */
	unsigned parsed;              /* certificates parsed here (tests) */
	time_t now;
};

#define VCTX_MAX_SEEN 256         /* certificates remembered for reuse */
#define VCTX_MAX_DSS  1000        /* /DSS certificates used */

/* The signed bytes: the two /ByteRange ranges, borrowed from the file. */
struct vranges {
	const unsigned char *p[2];
	size_t n[2];
};

/* Appends a formatted message (GAZ_VERIFY_MAX_MSGS at most; later ones are
 * dropped).  Returns GAZ_ENOMEM only. */
int vmsg(struct gaz_msgs *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vmsgs_release(struct gaz_msgs *m);
/* Appends OpenSSL's error queue to detail ("" if empty) and clears it. */
void vssl_errors(char *detail, size_t n);
char *vstrdup(const char *s);

/* Loads PEM trust files into c: certificates become anchors (checked for
 * DER structure and subject here, parsed when a chain needs them), CRLs go
 * to c->crls. */
int vctx_init(struct vctx *c, const struct gaz_verify_opts *o);
void vctx_release(struct vctx *c);
/* The certificate with exactly these DER bytes: one already seen, else
 * parsed (and remembered).  A new reference, the caller's to X509_free;
 * NULL if OpenSSL refuses the bytes. */
X509 *vctx_get1_cert(struct vctx *c, const unsigned char *der, size_t len);
/* Queues a /DSS certificate (DER, copied); structure errors are file
 * problems.  GAZ_ENOMEM only. */
int vctx_add_dss(struct vctx *c, const unsigned char *der, size_t len, size_t index);
/* Parses (or matches with what was seen) the queued /DSS certificates into
 * c->extra_certs.  GAZ_ENOMEM only. */
int vctx_dss_certs(struct vctx *c);
/* Remembers x (parsed elsewhere, e.g. with a CMS) for reuse; takes a
 * reference of its own.  GAZ_ENOMEM only; past VCTX_MAX_SEEN it is not kept. */
int vctx_seen(struct vctx *c, X509 *x);
/* Remembers certs (parsed elsewhere: with a CMS or a timestamp token; each
 * keeps a reference of c's own, up to VCTX_MAX_SEEN) for reuse, then runs
 * vctx_dss_certs, which reuses them.  GAZ_ENOMEM only. */
int vctx_reuse(struct vctx *c, const STACK_OF(X509) *certs);
/* The Name DER span of the subject of a DER certificate, checking the outer
 * structure (exactly one definite-length Certificate).  0 or -1. */
int vcert_subject(const unsigned char *der, size_t len, const unsigned char **subj,
		  size_t *slen);

/* Checks a CMS signature (der: /Contents bytes, possibly zero-padded) over
 * data, filling the crypto fields of s and adding problems/warnings. */
int vcms_signature(struct vctx *c, const unsigned char *der, size_t derlen,
		   const struct vranges *data, struct gaz_sig_report *s);
/* Checks an RFC 3161 document timestamp token over data. */
int vcms_doctimestamp(struct vctx *c, const unsigned char *der, size_t derlen,
		      const struct vranges *data, struct gaz_sig_report *s);

#endif

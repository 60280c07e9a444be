/* Internal interfaces between signer/verify*.c. */
#ifndef GAZETTE_SIGNER_VERIFY_INT_H
#define GAZETTE_SIGNER_VERIFY_INT_H

#include "gazette/verify.h"

#include <openssl/x509.h>

/* The trust material shared by every signature of one file. */
struct vctx {
	X509_STORE *store;            /* trust anchors */
	STACK_OF(X509) *extra_certs;  /* from /DSS */
	STACK_OF(X509_CRL) *crls;     /* from /DSS and the trust files */
	time_t now;
};

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

/* Loads PEM trust files into c (certificates → anchors, CRLs → c->crls). */
int vctx_init(struct vctx *c, const struct gaz_verify_opts *o);
void vctx_release(struct vctx *c);

/* Checks a CMS signature (der: /Contents bytes, possibly zero-padded) over
 * data, filling the crypto fields of s and adding problems/warnings. */
int vcms_signature(struct vctx *c, const unsigned char *der, size_t derlen,
		   const struct vranges *data, struct gaz_sig_report *s);
/* Checks an RFC 3161 document timestamp token over data. */
int vcms_doctimestamp(struct vctx *c, const unsigned char *der, size_t derlen,
		      const struct vranges *data, struct gaz_sig_report *s);

#endif

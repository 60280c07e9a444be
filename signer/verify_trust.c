/*
 * Trust material for `gazette verify`: the trust files' anchors and CRLs,
 * the /DSS certificates, and every certificate parsed on the way, so that
 * each distinct certificate is parsed at most once (verify_int.h, struct
 * vctx, says why).
 *
 * The anchors reach OpenSSL through an X509_LOOKUP_METHOD on the store: when
 * the chain builder needs an issuer and the store holds none with that
 * subject, anchor_lookup() parses (or reuses) the trust-file certificates
 * with that subject and adds them to the store, as X509_LOOKUP_hash_dir()
 * does with its files.  Certificates a chain never asks for are never
 * parsed; the store's verdicts are those of a store filled up front, since
 * the chain builder only ever asks for issuers by subject.
 */
#include "verify_int.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- DER structure ------------------------------------------------------- */

/* Reads one definite-length TLV at *p (before end): its tag, class and
 * whether constructed; *p moves past it, *start is where it began. */
static int tlv(const unsigned char **p, const unsigned char *end, int *tag, int *cls,
	       int *cons, const unsigned char **content, long *clen)
{
	const unsigned char *q = *p;
	int r;

	if (q >= end || end - q > LONG_MAX)
		return -1;
	r = ASN1_get_object(&q, clen, tag, cls, (long)(end - q));
	if ((r & 0x80) || (r & 0x01)) /* error, or indefinite length (not DER) */
		return -1;
	*cons = (r & V_ASN1_CONSTRUCTED) != 0;
	*content = q;
	*p = q + *clen;
	return 0;
}

static int want(const unsigned char **p, const unsigned char *end, int tag,
		const unsigned char **start, size_t *total, const unsigned char **content,
		long *clen)
{
	const unsigned char *s = *p;
	int t, cls, cons;

	if (tlv(p, end, &t, &cls, &cons, content, clen) || t != tag || cls != V_ASN1_UNIVERSAL ||
	    cons != (tag == V_ASN1_SEQUENCE))
		return -1;
	if (start)
		*start = s;
	if (total)
		*total = (size_t)(*p - s);
	return 0;
}

int vcert_subject(const unsigned char *der, size_t len, const unsigned char **subj,
		  size_t *slen)
{
	const unsigned char *p = der, *end = der + len, *c, *cend, *t, *tend, *q;
	long cl, tl, l;
	int tag, cls, cons;

	if (!len || len > (size_t)LONG_MAX)
		return -1;
	/* Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signature } */
	if (want(&p, end, V_ASN1_SEQUENCE, NULL, NULL, &c, &cl) || p != end)
		return -1;
	cend = c + cl;
	if (want(&c, cend, V_ASN1_SEQUENCE, NULL, NULL, &t, &tl))
		return -1;
	tend = t + tl;
	/* TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber,
	 *   signature, issuer, validity, subject, subjectPublicKeyInfo, ... } */
	q = t;
	if (tlv(&q, tend, &tag, &cls, &cons, &c, &l))
		return -1;
	if (cls == V_ASN1_CONTEXT_SPECIFIC && tag == 0 && cons)
		t = q; /* the explicit version */
	if (want(&t, tend, V_ASN1_INTEGER, NULL, NULL, &c, &l) ||
	    want(&t, tend, V_ASN1_SEQUENCE, NULL, NULL, &c, &l) ||
	    want(&t, tend, V_ASN1_SEQUENCE, NULL, NULL, &c, &l) ||
	    want(&t, tend, V_ASN1_SEQUENCE, NULL, NULL, &c, &l) ||
	    want(&t, tend, V_ASN1_SEQUENCE, subj, slen, &c, &l) ||
	    want(&t, tend, V_ASN1_SEQUENCE, NULL, NULL, &c, &l))
		return -1;
	return 0;
}

/* ---- certificates seen -------------------------------------------------- */

static X509 *seen_find(const struct vctx *c, const unsigned char *der, size_t len)
{
	size_t i;

	for (i = 0; i < c->nseen; i++)
		if (c->seen[i].len == len && !memcmp(c->seen[i].der, der, len))
			return c->seen[i].x;
	return NULL;
}

/* Appends (der, x) to c->seen, taking over der and a reference of x. */
static int seen_push(struct vctx *c, unsigned char *der, size_t len, X509 *x)
{
	struct vcert *nv;

	if (c->nseen >= VCTX_MAX_SEEN) {
		OPENSSL_free(der);
		return 0;
	}
	if (!(nv = realloc(c->seen, (c->nseen + 1) * sizeof(*nv)))) {
		OPENSSL_free(der);
		return GAZ_ENOMEM;
	}
	c->seen = nv;
	if (!X509_up_ref(x)) {
		OPENSSL_free(der);
		return GAZ_ENOMEM;
	}
	c->seen[c->nseen++] = (struct vcert){ der, len, x, NULL, 0 };
	return 0;
}

int vctx_seen(struct vctx *c, X509 *x)
{
	unsigned char *der = NULL;
	size_t i;
	int n;

	if (!x || c->nseen >= VCTX_MAX_SEEN)
		return 0;
	for (i = 0; i < c->nseen; i++)
		if (c->seen[i].x == x)
			return 0;
	if ((n = i2d_X509(x, &der)) <= 0) {
		ERR_clear_error();
		return 0; /* nothing to compare with: simply not reused */
	}
	if (seen_find(c, der, (size_t)n)) {
		OPENSSL_free(der);
		return 0;
	}
	return seen_push(c, der, (size_t)n, x);
}

X509 *vctx_get1_cert(struct vctx *c, const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	unsigned char *copy;
	X509 *x;

	if (len > (size_t)LONG_MAX)
		return NULL;
	if ((x = seen_find(c, der, len)))
		return X509_up_ref(x) ? x : NULL;
	if (!(x = d2i_X509(NULL, &p, (long)len)) || p != der + len) {
		ERR_clear_error();
		X509_free(x);
		return NULL;
	}
	c->parsed++;
	/* remembered for reuse if memory allows (seen_push frees copy when
	 * it cannot); the caller's reference stands either way */
	if ((copy = OPENSSL_memdup(der, len)))
		(void)seen_push(c, copy, len, x);
	return x;
}

/* ---- /DSS ------------------------------------------------------------------ */

int vctx_add_dss(struct vctx *c, const unsigned char *der, size_t len, size_t index)
{
	const unsigned char *p = der, *content;
	struct vcert *nv;
	size_t total;
	long cl;

	/* the certificate is the first DER object of the stream */
	if (want(&p, der + len, V_ASN1_SEQUENCE, NULL, &total, &content, &cl))
		return c->problems ? vmsg(c->problems, "/DSS certificate %zu is not DER", index) : 0;
	if (c->ndss >= VCTX_MAX_DSS)
		return 0;
	if (!(nv = realloc(c->dss, (c->ndss + 1) * sizeof(*nv))))
		return GAZ_ENOMEM;
	c->dss = nv;
	if (!(nv[c->ndss].der = OPENSSL_memdup(der, total)))
		return GAZ_ENOMEM;
	nv[c->ndss].len = total;
	nv[c->ndss].x = NULL;
	nv[c->ndss].subject = NULL;
	nv[c->ndss].index = index;
	c->ndss++;
	return 0;
}

int vctx_dss_certs(struct vctx *c)
{
	for (; c->dss_done < c->ndss; c->dss_done++) {
		struct vcert *d = &c->dss[c->dss_done];
		X509 *x = vctx_get1_cert(c, d->der, d->len);

		if (!x) {
			if (c->problems &&
			    vmsg(c->problems, "/DSS certificate %zu is not DER", d->index))
				return GAZ_ENOMEM;
			continue;
		}
		if (!sk_X509_push(c->extra_certs, x)) {
			X509_free(x);
			return GAZ_ENOMEM;
		}
	}
	return 0;
}

int vctx_reuse(struct vctx *c, const STACK_OF(X509) *certs)
{
	int i, rc;

	for (i = 0; i < sk_X509_num(certs); i++)
		if ((rc = vctx_seen(c, sk_X509_value(certs, i))))
			return rc;
	return vctx_dss_certs(c);
}

/* ---- anchors ------------------------------------------------------------- */

static int anchor_lookup(X509_LOOKUP *lu, X509_LOOKUP_TYPE type, const X509_NAME *name,
			 X509_OBJECT *ret)
{
	struct vctx *c = X509_LOOKUP_get_method_data(lu);
	X509_STORE *st = X509_LOOKUP_get_store(lu);
	X509 *found = NULL;
	size_t i;

	if (!c || !st || type != X509_LU_X509 || !name)
		return 0;
	for (i = 0; i < c->nanchors; i++) {
		struct vcert *a = &c->anchors[i];

		if (a->x || !a->subject || X509_NAME_cmp(a->subject, name))
			continue;
		if (!(a->x = vctx_get1_cert(c, a->der, a->len))) {
			/* a structurally sound certificate OpenSSL refuses: the
			 * chain fails, and the report says why */
			if (!c->bad_anchor) {
				char one[256];

				X509_NAME_oneline(a->subject, one, sizeof(one));
				c->bad_anchor = vstrdup(one);
			}
			X509_NAME_free(a->subject);
			a->subject = NULL;
			continue;
		}
		if (X509_STORE_add_cert(st, a->x) != 1)
			return 0;
		if (!found)
			found = a->x;
	}
	if (!found)
		return 0;
	/* the caller takes its own reference of what ret holds (as it does for
	 * the built-in look-ups, whose ret borrows the store's): borrow too */
	if (!X509_OBJECT_set1_X509(ret, found))
		return 0;
	X509_free(found);
	return 1;
}

static int add_anchor(struct vctx *c, unsigned char *der, size_t len, const char *file, int n)
{
	const unsigned char *subj, *p;
	struct vcert *nv;
	X509_NAME *name = NULL;
	size_t slen;

	if (vcert_subject(der, len, &subj, &slen) || !(p = subj) ||
	    !(name = d2i_X509_NAME(NULL, &p, (long)slen)) || p != subj + slen) {
		X509_NAME_free(name);
		OPENSSL_free(der);
		ERR_clear_error();
		return gaz_fail(GAZ_EINVAL, "trust file %s: certificate %d is not a DER certificate",
				file, n);
	}
	if (!(nv = realloc(c->anchors, (c->nanchors + 1) * sizeof(*nv)))) {
		X509_NAME_free(name);
		OPENSSL_free(der);
		return GAZ_ENOMEM;
	}
	c->anchors = nv;
	nv[c->nanchors++] = (struct vcert){ der, len, NULL, name, 0 };
	return 0;
}

/* One trust file: certificates → anchors, CRLs → c->crls. */
static int load_trust(struct vctx *c, const char *file)
{
	char *data = NULL, *name = NULL, *header = NULL;
	unsigned char *der = NULL;
	BIO *bio = NULL;
	size_t len;
	long n;
	int rc, ncert = 0, ncrl = 0;

	if ((rc = gaz_read_file(file, GAZ_VERIFY_MAX_TRUST_FILE, &data, &len))) {
		char why[512]; /* the detail, copied: it is the buffer gaz_fail writes */

		snprintf(why, sizeof why, "%s", gaz_errdetail());
		return gaz_fail(rc, "trust file: %s", why);
	}
	rc = GAZ_ENOMEM;
	if (len > INT_MAX || !(bio = BIO_new_mem_buf(data, (int)len)))
		goto end;
	for (;;) {
		const unsigned char *p;

		if (!PEM_read_bio(bio, &name, &header, &der, &n)) {
			unsigned long e = ERR_peek_last_error();

			if (ERR_GET_LIB(e) == ERR_LIB_PEM && ERR_GET_REASON(e) == PEM_R_NO_START_LINE)
				break; /* no more PEM blocks */
			{
				char d[512];

				vssl_errors(d, sizeof(d));
				rc = gaz_fail(GAZ_EINVAL, "trust file %s: unreadable PEM (%s)", file, d);
			}
			goto end;
		}
		p = der;
		if (!strcmp(name, PEM_STRING_X509) || !strcmp(name, PEM_STRING_X509_OLD)) {
			rc = add_anchor(c, der, (size_t)n, file, ncert + 1);
			der = NULL; /* add_anchor's */
			if (rc)
				goto end;
			ncert++;
		} else if (!strcmp(name, PEM_STRING_X509_TRUSTED)) {
			/* with trust settings (rare): parsed now, as OpenSSL reads them */
			X509 *x = d2i_X509_AUX(NULL, &p, n);

			if (!x || X509_STORE_add_cert(c->store, x) != 1) {
				X509_free(x);
				rc = gaz_fail(GAZ_EINVAL, "trust file %s: certificate %d is not a DER "
					      "certificate", file, ncert + 1);
				goto end;
			}
			X509_free(x);
			c->parsed++;
			ncert++;
		} else if (!strcmp(name, PEM_STRING_X509_CRL)) {
			X509_CRL *crl = d2i_X509_CRL(NULL, &p, n);

			if (!crl) {
				rc = gaz_fail(GAZ_EINVAL, "trust file %s: CRL %d is not a DER CRL", file,
					      ncrl + 1);
				goto end;
			}
			if (!sk_X509_CRL_push(c->crls, crl)) {
				X509_CRL_free(crl);
				goto end;
			}
			ncrl++;
		} /* anything else (keys, parameters) plays no part in trust */
		OPENSSL_free(name);
		OPENSSL_free(header);
		OPENSSL_free(der);
		name = header = NULL;
		der = NULL;
	}
	if (!ncert && !ncrl) {
		rc = gaz_fail(GAZ_EINVAL, "trust file %s holds no certificate", file);
		goto end;
	}
	rc = 0;
end:
	ERR_clear_error();
	OPENSSL_free(name);
	OPENSSL_free(header);
	OPENSSL_free(der);
	BIO_free(bio);
	free(data);
	return rc;
}

int vctx_init(struct vctx *c, const struct gaz_verify_opts *o)
{
	X509_LOOKUP *lu;
	size_t i;
	int rc = GAZ_ENOMEM;

	memset(c, 0, sizeof(*c));
	c->now = o && o->now ? o->now : time(NULL);
	if (!(c->store = X509_STORE_new()) || !(c->extra_certs = sk_X509_new_null()) ||
	    !(c->crls = sk_X509_CRL_new_null()) ||
	    !(c->lookup = X509_LOOKUP_meth_new("gazette trust files")) ||
	    !X509_LOOKUP_meth_set_get_by_subject(c->lookup, anchor_lookup) ||
	    !(lu = X509_STORE_add_lookup(c->store, c->lookup)) ||
	    !X509_LOOKUP_set_method_data(lu, c))
		goto end;
	for (i = 0; o && i < o->ntrust; i++)
		if ((rc = load_trust(c, o->trust[i])))
			goto end;
	rc = 0;
end:
	ERR_clear_error();
	if (rc)
		vctx_release(c);
	return rc;
}

int gaz_verify_trust_check(const struct gaz_verify_opts *o)
{
	struct vctx c;
	int rc;

	if ((rc = vctx_init(&c, o)))
		return rc;
	vctx_release(&c);
	return 0;
}

static void vcerts_free(struct vcert *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		OPENSSL_free(v[i].der);
		X509_free(v[i].x);
		X509_NAME_free(v[i].subject);
	}
	free(v);
}

void vctx_release(struct vctx *c)
{
	X509_STORE_free(c->store); /* before the look-up method it uses */
	X509_LOOKUP_meth_free(c->lookup);
	sk_X509_pop_free(c->extra_certs, X509_free);
	sk_X509_CRL_pop_free(c->crls, X509_CRL_free);
	vcerts_free(c->anchors, c->nanchors);
	vcerts_free(c->dss, c->ndss);
	vcerts_free(c->seen, c->nseen);
	free(c->bad_anchor);
	memset(c, 0, sizeof(*c));
}

/* Fuzzes the archive's record decoder (every value read back from LMDB goes
 * through it) and the submission header parser.  The first input byte picks
 * what to parse.  A record that decodes must re-encode to exactly the same
 * bytes: the encoding is canonical (the transparency log and fsck rely on
 * one record having one encoding).  Document records have a fast decoder
 * of their own: it must accept exactly what the table-driven one does. */
#include "../../archive/rec.h"

#include <stdlib.h>
#include <string.h>

static const enum gaz_rec_type types[] = {
	GAZ_REC_VERSION, GAZ_REC_DOC, GAZ_REC_EVENT, GAZ_REC_SUBMISSION, GAZ_REC_AUDIT,
	GAZ_REC_META
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	union {
		struct gaz_ar_version v;
		struct gaz_ar_doc d;
		struct gaz_ar_event e;
		struct gaz_ar_submission s;
		struct ar_audit a;
		struct ar_meta m;
	} u;
	struct gaz_buf b = GAZ_BUF_INIT(GAZ_AR_RECORD_MAX);
	enum gaz_rec_type t;

	if (size < 1)
		return 0;
	if (data[0] >= 6) {
		if (!gaz_submission_parse(data + 1, size - 1, "fuzz.txt", &u.s))
			ar_submission_release(&u.s);
		return 0;
	}
	t = types[data[0]];
	if (t == GAZ_REC_DOC) {
		/* the fast document path accepts what the table-driven decoder does */
		struct gaz_ar_doc ref;
		int r1 = rec_decode_table(t, data + 1, size - 1, &ref);
		if (!r1)
			gaz_ar_doc_release(&ref);
		if ((gaz_rec_decode(t, data + 1, size - 1, &u) == 0) != (r1 == 0))
			abort();
		if (r1)
			return 0;
	} else if (gaz_rec_decode(t, data + 1, size - 1, &u)) {
		return 0;
	}
	if (t == GAZ_REC_EVENT && u.e.status >= 1 && u.e.status <= 4) {
		/* the status look-up's partial read agrees with the decoder */
		struct ar_span no = { (const unsigned char *)u.e.doc_no, strlen(u.e.doc_no) };
		const unsigned char *date;
		int st;
		if (ar_event_head(data + 1, size - 1, &no, u.e.seq, &st, &date) ||
		    st != u.e.status || memcmp(date, u.e.date, 10))
			abort();
	}
	if (rec_encode(t, &u, &b) || b.len != size - 1 || memcmp(b.data, data + 1, b.len))
		abort();
	gaz_buf_release(&b);
	switch (t) {
	case GAZ_REC_VERSION: gaz_ar_version_release(&u.v); break;
	case GAZ_REC_DOC: gaz_ar_doc_release(&u.d); break;
	case GAZ_REC_EVENT: ar_event_release(&u.e); break;
	case GAZ_REC_SUBMISSION: ar_submission_release(&u.s); break;
	case GAZ_REC_AUDIT: ar_audit_release(&u.a); break;
	case GAZ_REC_META: ar_meta_release(&u.m); break;
	}
	return 0;
}

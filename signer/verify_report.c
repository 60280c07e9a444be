/* Rendering a verification report as text or JSON (schema: docs/verify.md). */
#include "verify_int.h"

#include "gazette/dl/cjson.h"
#include <stdlib.h>
#include <string.h>

static const char *check_str(enum gaz_check c)
{
	switch (c) {
	case GAZ_CHECK_OK: return "ok";
	case GAZ_CHECK_FAIL: return "fail";
	case GAZ_CHECK_ABSENT: return "absent";
	default: return "n/a";
	}
}

static const char *kind_str(enum gaz_sig_kind k)
{
	switch (k) {
	case GAZ_SIG_CERTIFICATION: return "certification";
	case GAZ_SIG_DOCTIMESTAMP: return "doc-timestamp";
	default: return "approval";
	}
}

static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

int gaz_verify_report_text(const struct gaz_verify_report *r, const char *name, struct gaz_buf *o)
{
	size_t i, j;
	int rc = 0;

#define P(...) do { if ((rc = gaz_buf_printf(o, __VA_ARGS__))) return rc; } while (0)
	P("%s: %zu bytes, PDF %s, %zu revision%s, %zu signature%s\n", name, r->file_len,
	  or_dash(r->pdf_version), r->nrevs, r->nrevs == 1 ? "" : "s", r->nsigs, r->nsigs == 1 ? "" : "s");
	for (i = 0; i < r->nsigs; i++) {
		const struct gaz_sig_report *s = &r->sigs[i];

		P("\nSignature %zu \"%s\"", i + 1, or_dash(s->field));
		if (s->obj)
			P(" (object %u)", s->obj);
		P(": %s\n", s->valid ? "VALID" : "INVALID");
		P("  kind:       %s, %s", kind_str(s->kind), or_dash(s->subfilter));
		if (s->docmdp)
			P(", DocMDP P=%d", s->docmdp);
		P("\n");
		if (s->range_ok) {
			P("  coverage:   bytes [0, %lld) and [%lld, %lld): %zu of %zu bytes, ",
			  (long long)s->range[1], (long long)s->range[2],
			  (long long)(s->range[2] + s->range[3]), s->signed_bytes, r->file_len);
			if (s->rev != (size_t)-1)
				P("revision %zu of %zu", s->rev + 1, r->nrevs);
			else
				P("no revision ends there");
			P("%s\n", s->whole_file ? " (the whole file)" : "");
		}
		if (s->signer) {
			P("  signer:     %s\n", s->signer);
			P("  issuer:     %s (serial %s, valid until %s)\n", or_dash(s->issuer),
			  or_dash(s->serial), or_dash(s->not_after));
		}
		if (s->kind != GAZ_SIG_DOCTIMESTAMP) {
			P("  digest:     %s (%s)   signature: %s (%s)\n", check_str(s->digest),
			  or_dash(s->digest_alg), check_str(s->signature), or_dash(s->sig_alg));
			P("  chain:      %s%s%s%s\n", s->chain == GAZ_CHECK_OK ? "trusted" : check_str(s->chain),
			  s->chain == GAZ_CHECK_FAIL ? " (" : "",
			  s->chain == GAZ_CHECK_FAIL ? or_dash(s->chain_detail) : "",
			  s->chain == GAZ_CHECK_FAIL ? ")" : "");
			P("  signing-certificate-v2: %s\n", check_str(s->ess));
		}
		if (s->timestamp != GAZ_CHECK_NA)
			P("  timestamp:  %s%s%s%s%s\n", check_str(s->timestamp), s->ts_time ? ", " : "",
			  s->ts_time ? s->ts_time : "", s->ts_tsa ? " by " : "", s->ts_tsa ? s->ts_tsa : "");
		if (s->m)
			P("  /M:         %s (claimed by the signer, not proven)\n", s->m);
		if (s->reason)
			P("  reason:     %s\n", s->reason);
		if (s->location)
			P("  location:   %s\n", s->location);
		if (s->rev != (size_t)-1 && !s->whole_file) {
			P("  after signing (revisions %zu-%zu): %s\n", s->rev + 2, r->nrevs,
			  s->changes_allowed ? "only permitted updates" : "MODIFIED");
			for (j = 0; j < s->changes.n; j++)
				P("    - %s\n", s->changes.v[j]);
		}
		for (j = 0; j < s->problems.n; j++)
			P("  problem:    %s\n", s->problems.v[j]);
		for (j = 0; j < s->warnings.n; j++)
			P("  note:       %s\n", s->warnings.v[j]);
	}
	if (r->nrevs > 1) {
		P("\nRevisions:\n");
		for (i = 0; i < r->nrevs; i++) {
			P("  %zu: ends at byte %zu%s", i + 1, r->revs[i].end,
			  r->revs[i].xref_stream ? " (xref stream)" : "");
			{
				int signed_here = 0;

				for (j = 0; j < r->nsigs; j++)
					if (r->sigs[j].rev == i) {
						P(", signed by \"%s\"", or_dash(r->sigs[j].field));
						signed_here = 1;
					}
				if (i)
					P(", %u object%s added or changed%s", r->revs[i].objects,
					  r->revs[i].objects == 1 ? "" : "s",
					  signed_here && r->revs[i].changes.n ?
					  " (covered by the signature made in it):" : "");
			}
			P("\n");
			for (j = 0; j < r->revs[i].changes.n; j++)
				P("     - %s\n", r->revs[i].changes.v[j]);
		}
	}
	for (j = 0; j < r->problems.n; j++)
		P("problem: %s\n", r->problems.v[j]);
	P("\nVerdict: %s\n", r->valid ? "VALID — every signature is valid, trusted and covers the "
					"document (later updates, if any, are DSS or document timestamps only)"
				      : "INVALID");
#undef P
	return 0;
}

static cJSON *msgs_json(const struct gaz_msgs *m)
{
	cJSON *a = cJSON_CreateArray();
	size_t i;

	for (i = 0; a && i < m->n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(m->v[i]));
	return a;
}

int gaz_verify_report_json(const struct gaz_verify_report *r, const char *name, char **json)
{
	cJSON *root, *arr, *o, *x;
	size_t i, j;
	int rc;

	if ((rc = gaz_dl_cjson()))
		return rc;
	rc = GAZ_ENOMEM;
	if (!(root = cJSON_CreateObject()))
		return GAZ_ENOMEM;
	gaz_json_add_text(root, "file", name);
	cJSON_AddNumberToObject(root, "size", (double)r->file_len);
	gaz_json_add_text(root, "pdf_version", r->pdf_version);
	cJSON_AddBoolToObject(root, "valid", r->valid);
	cJSON_AddItemToObject(root, "problems", msgs_json(&r->problems));
	arr = cJSON_AddArrayToObject(root, "revisions");
	for (i = 0; arr && i < r->nrevs; i++) {
		o = cJSON_CreateObject();
		cJSON_AddItemToArray(arr, o);
		cJSON_AddNumberToObject(o, "index", (double)(i + 1));
		cJSON_AddNumberToObject(o, "end", (double)r->revs[i].end);
		cJSON_AddBoolToObject(o, "xref_stream", r->revs[i].xref_stream);
		cJSON_AddNumberToObject(o, "objects_changed", r->revs[i].objects);
		cJSON_AddBoolToObject(o, "only_permitted_changes", r->revs[i].allowed);
		cJSON_AddItemToObject(o, "changes", msgs_json(&r->revs[i].changes));
	}
	arr = cJSON_AddArrayToObject(root, "signatures");
	for (i = 0; arr && i < r->nsigs; i++) {
		const struct gaz_sig_report *s = &r->sigs[i];

		o = cJSON_CreateObject();
		cJSON_AddItemToArray(arr, o);
		gaz_json_add_text(o, "field", s->field);
		if (s->obj)
			cJSON_AddNumberToObject(o, "object", s->obj);
		else
			cJSON_AddNullToObject(o, "object");
		gaz_json_add_text(o, "kind", kind_str(s->kind));
		gaz_json_add_text(o, "subfilter", s->subfilter);
		if (s->docmdp)
			cJSON_AddNumberToObject(o, "docmdp", s->docmdp);
		else
			cJSON_AddNullToObject(o, "docmdp");
		x = cJSON_AddArrayToObject(o, "byte_range");
		for (j = 0; x && j < 4; j++)
			cJSON_AddItemToArray(x, cJSON_CreateNumber((double)s->range[j]));
		cJSON_AddBoolToObject(o, "byte_range_ok", s->range_ok);
		if (s->rev != (size_t)-1)
			cJSON_AddNumberToObject(o, "revision", (double)(s->rev + 1));
		else
			cJSON_AddNullToObject(o, "revision");
		cJSON_AddNumberToObject(o, "revisions", (double)r->nrevs);
		cJSON_AddNumberToObject(o, "signed_bytes", (double)s->signed_bytes);
		cJSON_AddBoolToObject(o, "covers_whole_file", s->whole_file);
		x = cJSON_AddObjectToObject(o, "checks");
		if (x) {
			gaz_json_add_text(x, "digest", check_str(s->digest));
			gaz_json_add_text(x, "signature", check_str(s->signature));
			gaz_json_add_text(x, "chain", check_str(s->chain));
			gaz_json_add_text(x, "signing_certificate", check_str(s->ess));
			gaz_json_add_text(x, "timestamp", check_str(s->timestamp));
		}
		x = cJSON_AddObjectToObject(o, "signer");
		if (x) {
			gaz_json_add_text(x, "subject", s->signer);
			gaz_json_add_text(x, "issuer", s->issuer);
			gaz_json_add_text(x, "serial", s->serial);
			gaz_json_add_text(x, "not_after", s->not_after);
		}
		gaz_json_add_text(o, "digest_algorithm", s->digest_alg);
		gaz_json_add_text(o, "signature_algorithm", s->sig_alg);
		gaz_json_add_text(o, "chain_error", s->chain_detail);
		gaz_json_add_text(o, "timestamp_time", s->ts_time);
		gaz_json_add_text(o, "timestamp_tsa", s->ts_tsa);
		gaz_json_add_text(o, "m", s->m);
		gaz_json_add_text(o, "reason", s->reason);
		gaz_json_add_text(o, "location", s->location);
		cJSON_AddItemToObject(o, "changes_after", msgs_json(&s->changes));
		cJSON_AddBoolToObject(o, "changes_allowed", s->changes_allowed);
		cJSON_AddItemToObject(o, "problems", msgs_json(&s->problems));
		cJSON_AddItemToObject(o, "warnings", msgs_json(&s->warnings));
		cJSON_AddBoolToObject(o, "valid", s->valid);
	}
	if ((*json = cJSON_Print(root)))
		rc = 0;
	cJSON_Delete(root);
	return rc;
}

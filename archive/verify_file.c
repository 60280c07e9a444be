/*
 * The archive's side of verification: identify a file by its SHA-256, then
 * prove from the transparency log that the archive published it.
 */
#include "gazette/archive_verify.h"

#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>

static char *dup0(const char *s)
{
	return strdup(s ? s : "");
}

/* Leaf of the version, its inclusion proof in the newest signed head that
 * covers it (or the current tree), verified as a client would. */
static int prove(struct gaz_archive *a, struct gaz_av *av)
{
	MDB_txn *txn = NULL;
	struct gaz_tlog_sth head;
	int rc;

	if ((rc = gaz_archive_read_begin(a, &txn)))
		return rc;
	rc = gaz_tlog_find_sha256(txn, av->sha256, &av->leaf_index);
	if (rc == GAZ_ENOTFOUND) {
		rc = gaz_fail(GAZ_ECORRUPT, "the version is stored but not in the transparency log");
		goto end;
	}
	if (rc || (rc = gaz_tlog_leaf(txn, av->leaf_index, av->leaf_hash, NULL, NULL)))
		goto end;
	if (!gaz_tlog_latest_head(txn, &head) && head.size > av->leaf_index) {
		av->head = head;
		av->head_signed = 1;
		av->tree_size = head.size;
		memcpy(av->root, head.root, 32);
	} else {
		if ((rc = gaz_tlog_size(txn, &av->tree_size)) ||
		    (rc = gaz_tlog_root(txn, av->tree_size, av->root)))
			goto end;
	}
	if ((rc = gaz_tlog_inclusion_proof(txn, av->leaf_index, av->tree_size, &av->proof)))
		goto end;
	rc = gaz_tlog_verify_inclusion(av->leaf_hash, av->leaf_index, av->tree_size,
				       &av->proof, av->root);
	if (rc == GAZ_ECORRUPT)
		rc = gaz_fail(GAZ_ECORRUPT, "the inclusion proof of log leaf %llu does not verify",
			      (unsigned long long)av->leaf_index);
	av->logged = !rc;
end:
	gaz_archive_read_end(a, txn);
	return rc;
}

int gaz_archive_verify_file(struct gaz_archive *a, EVP_PKEY *log_pub, const void *bytes,
			    size_t len, const char *on_date, struct gaz_av *out)
{
	struct gaz_av av;
	struct gaz_ar_version full;
	size_t i;
	int rc;

	memset(&av, 0, sizeof av);
	memset(&full, 0, sizeof full);
	SHA256(bytes, len, av.sha256);
	rc = gaz_archive_find_sha256(a, av.sha256, &av.ver);
	if (rc == GAZ_ENOTFOUND) {
		*out = av;
		return 0;
	}
	if (rc)
		return rc;
	av.found = 1;
	av.all_in_force = 1;
	if ((rc = gaz_archive_get_version(a, av.ver.year, av.ver.number, av.ver.version, &full)))
		goto fail;
	if (full.n_loaded_docs && !(av.docs = calloc(full.n_loaded_docs, sizeof *av.docs))) {
		rc = GAZ_ENOMEM;
		goto fail;
	}
	for (i = 0; i < full.n_loaded_docs; i++) {
		const struct gaz_ar_doc *d = &full.docs[i];
		struct gaz_av_doc *x = &av.docs[i];
		av.n_docs++;
		if (!(x->doc_no = dup0(d->doc_no)) || !(x->title = dup0(d->title)) ||
		    !(x->code = dup0(d->code))) {
			rc = GAZ_ENOMEM;
			goto fail;
		}
		x->first_page = d->first_page;
		x->last_page = d->last_page;
		rc = gaz_archive_status_at(a, d->doc_no, on_date, &x->status);
		if (rc)
			goto fail;
		/* Before its first event a document stands as published. */
		x->in_force = x->status == GAZ_ST_UNKNOWN || gaz_status_in_force(x->status);
		if (!x->in_force)
			av.all_in_force = 0;
	}
	if ((rc = prove(a, &av)))
		goto fail;
	if (log_pub) {
		if (!av.head_signed) {
			rc = gaz_fail(GAZ_ECORRUPT, "no signed tree head covers this version yet");
			goto fail;
		}
		if (gaz_tlog_sth_verify(&av.head, log_pub)) {
			rc = gaz_fail(GAZ_ECORRUPT,
				      "the signed tree head does not verify with the log's key");
			goto fail;
		}
		av.head_verified = 1;
	}
	gaz_ar_version_release(&full);
	*out = av;
	return 0;
fail:
	gaz_ar_version_release(&full);
	gaz_av_release(&av);
	return rc;
}

void gaz_av_release(struct gaz_av *av)
{
	size_t i;

	if (av->found)
		gaz_ar_version_release(&av->ver);
	for (i = 0; i < av->n_docs; i++) {
		free(av->docs[i].doc_no);
		free(av->docs[i].title);
		free(av->docs[i].code);
	}
	free(av->docs);
	memset(av, 0, sizeof *av);
}

int gaz_av_exit_code(const struct gaz_av *av)
{
	if (!av->found || !av->logged)
		return 1;
	if (av->ver.superseded_by || !av->all_in_force)
		return 3;
	return 0;
}

/*
 * gazette/archive_verify.h — what the archive says about a file: which
 * issue and version it is, whether a newer version supersedes it, the
 * status of each document in it, and the transparency-log proof that the
 * archive published exactly these bytes.  Used by `gazette verify
 * --archive` and the web service's verify page, after the signature check
 * (verify.h), which this does not repeat.
 */
#ifndef GAZETTE_ARCHIVE_VERIFY_H
#define GAZETTE_ARCHIVE_VERIFY_H

#include "gazette/archive.h"
#include "gazette/tlog.h"

#ifdef __cplusplus
extern "C" {
#endif

struct gaz_av_doc {
	char *doc_no, *title, *code;
	uint32_t first_page, last_page;
	int status;        /* enum gaz_search_status on the date asked */
	int in_force;
};

struct gaz_av {
	unsigned char sha256[32];   /* of the file */
	int found;                  /* the bytes are a stored issue version */
	struct gaz_ar_version ver;  /* valid when found (docs not loaded) */
	struct gaz_av_doc *docs;
	size_t n_docs;
	int all_in_force;
	/* Transparency log: the version's leaf and its inclusion proof in the
	 * tree of tree_size leaves, checked offline against root. */
	int logged;                 /* leaf found and proof verified */
	uint64_t leaf_index, tree_size;
	unsigned char leaf_hash[32], root[32];
	struct gaz_tlog_proof proof;
	int head_signed;            /* a signed tree head of tree_size exists */
	struct gaz_tlog_sth head;
	int head_verified;          /* ... and its signature verified with the
				       log's public key (when one was given) */
};

/* Looks the file up.  on_date: YYYY-MM-DD for "in force on", NULL for the
 * latest status.  log_pub (may be NULL): the log's Ed25519 public key; when
 * given, a signed tree head must cover the version and verify with it
 * (head_verified), else GAZ_ECORRUPT.  Returns 0 with out->found = 0 when
 * the bytes are not in the archive; GAZ_ECORRUPT when the log does not
 * prove the version (the archive is then not to be trusted); other errors
 * as archive.h.  On success release with gaz_av_release(). */
int gaz_archive_verify_file(struct gaz_archive *a, EVP_PKEY *log_pub, const void *bytes,
			    size_t len, const char *on_date, struct gaz_av *out);
void gaz_av_release(struct gaz_av *av);

/* The same answer from the archive's public web service or a static export
 * of it at url ("http[s]://host[:port][/prefix]"), through its JSON API
 * (docs/api.md), with the transparency-log part checked here: the leaf
 * must record exactly these bytes as that issue version, its hash and the
 * inclusion proof must lead to the root, and, when log_pub (the log's
 * Ed25519 public key) is given, a signed tree head of that root must
 * verify with it (else GAZ_ECORRUPT).  Without log_pub the root is the
 * service's word (head_verified stays 0).  https checks the server's
 * chain against the system's trust store (or SSL_CERT_FILE/SSL_CERT_DIR)
 * and its host name; libssl is loaded only then.  on_date as above
 * (statuses from the documents' histories).  Every answer is size-capped
 * (16 MB) and parsed as untrusted.  Errors: GAZ_EINVAL (not an http(s)
 * URL), GAZ_EIO (no connection, a TLS or HTTP error, a timeout of 30 s),
 * GAZ_EFORMAT (a malformed answer), GAZ_ECORRUPT (the proof fails).
 * Release with gaz_av_release(). */
int gaz_archive_verify_remote(const char *url, EVP_PKEY *log_pub, const void *bytes,
			      size_t len, const char *on_date, struct gaz_av *out);

/* The SPEC's verdict for the archive part: 0 current and every document in
 * force; 3 authentic but superseded or a document not in force; 1 not a
 * published version (or not proven by the log). */
int gaz_av_exit_code(const struct gaz_av *av);

#ifdef __cplusplus
}
#endif
#endif

/* archive/hooks.h — private: where a write transaction of the store hands
 * its new records to the search index and the transparency log, inside the
 * same transaction (so one publish is one commit). */
#ifndef GAZETTE_ARCHIVE_HOOKS_H
#define GAZETTE_ARCHIVE_HOOKS_H

#include "archive/store.h"

/* A stored document and its text: index it for search. */
int ar_hook_doc(struct gaz_archive *a, MDB_txn *txn, const struct gaz_ar_doc *d,
		const char *text, size_t len);
/* A stored issue version: rec is its record bytes, the log leaf. */
int ar_hook_version(struct gaz_archive *a, MDB_txn *txn, const struct gaz_ar_version *v,
		    const void *rec, size_t len);
/* A stored status event: rec is its record bytes, the log leaf. */
int ar_hook_event(struct gaz_archive *a, MDB_txn *txn, const struct gaz_ar_event *e,
		  const void *rec, size_t len);
/* fsck of the search index and the log, inside the fsck read transaction. */
int ar_hook_fsck(struct gaz_archive *a, MDB_txn *txn, struct gaz_fsck_report *rep,
		 void (*cb)(const char *problem, void *ctx), void *ctx);

#endif

/* The seam between the store and the search index / transparency log. */
#include "archive/hooks.h"

int ar_hook_doc(struct gaz_archive *a, MDB_txn *txn, const struct gaz_ar_doc *d,
		const char *text, size_t len)
{
	(void)a; (void)txn; (void)d; (void)text; (void)len;
	return 0;
}

int ar_hook_version(struct gaz_archive *a, MDB_txn *txn, const struct gaz_ar_version *v,
		    const void *rec, size_t len)
{
	(void)a; (void)txn; (void)v; (void)rec; (void)len;
	return 0;
}

int ar_hook_event(struct gaz_archive *a, MDB_txn *txn, const struct gaz_ar_event *e,
		  const void *rec, size_t len)
{
	(void)a; (void)txn; (void)e; (void)rec; (void)len;
	return 0;
}

int ar_hook_fsck(struct gaz_archive *a, MDB_txn *txn, struct gaz_fsck_report *rep,
		 void (*cb)(const char *problem, void *ctx), void *ctx)
{
	(void)a; (void)txn; (void)rep; (void)cb; (void)ctx;
	return 0;
}

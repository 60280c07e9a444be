/* Internal: `gazette verify --archive URL` with the transport left to the
 * caller, so that tests and the fuzzer can answer from memory. */
#ifndef ARCHIVE_VERIFY_REMOTE_H
#define ARCHIVE_VERIFY_REMOTE_H

#include "gazette/archive_verify.h"

#include "gazette/dl/cjson.h"

struct ar_remote {
	/* GET path (from "/api/v1/..."), parsed: 0 and *out (the caller
	 * frees it), GAZ_ENOTFOUND for a 404, another GAZ_E* otherwise. */
	int (*get)(void *cls, const char *path, cJSON **out);
	void *cls;
};

/* gaz_archive_verify_remote() over r. */
int ar_verify_remote(const struct ar_remote *r, EVP_PKEY *log_pub, const void *bytes,
		     size_t len, const char *on_date, struct gaz_av *out);

#endif

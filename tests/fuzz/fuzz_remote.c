/* libFuzzer harness: `gazette verify --archive URL` on answers from a
 * hostile service.  The input is up to four JSON answers separated by NUL
 * bytes: /api/v1/sha256/…json, /api/v1/log/inclusion/…json,
 * /api/v1/log.json, /api/v1/docs/…json (an empty part is a 404).  "@SHA@"
 * in any part stands for the file's SHA-256 (hex), and "@LH@" in the
 * inclusion answer for the leaf hash of its leaf_data, so that inputs can
 * reach the checks past them.  The first byte's low bit asks for --on. */
#include "archive/verify_remote.h"

#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static const char FILE_BYTES[] = "gazette fuzz file";

struct parts {
	char *p[4];
};

/* s with every "from" replaced by "to" (malloc'ed). */
static char *replace(const char *s, const char *from, const char *to)
{
	size_t n = 0, fl = strlen(from), tl = strlen(to);
	const char *q;
	char *out, *o;

	for (q = s; (q = strstr(q, from)); q += fl)
		n++;
	if (!(out = malloc(strlen(s) + n * (tl > fl ? tl - fl : 0) + 1)))
		return NULL;
	for (o = out; *s;) {
		if (!strncmp(s, from, fl)) {
			memcpy(o, to, tl);
			o += tl;
			s += fl;
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
	return out;
}

static int get(void *cls, const char *path, cJSON **out)
{
	struct parts *ps = cls;
	int k = !strncmp(path, "/api/v1/sha256/", 15) ? 0
		: !strncmp(path, "/api/v1/log/inclusion", 21) ? 1
		: !strcmp(path, "/api/v1/log.json") ? 2
		: !strncmp(path, "/api/v1/docs/", 13) ? 3 : -1;

	if (k < 0 || !ps->p[k] || !ps->p[k][0])
		return GAZ_ENOTFOUND;
	if (!(*out = cJSON_Parse(ps->p[k])))
		return GAZ_EFORMAT;
	return 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct parts ps = { { NULL } };
	struct ar_remote r = { get, &ps };
	struct gaz_av av;
	unsigned char sha[32];
	char hex[65];
	size_t i, start, k = 0;
	int on;

	if (size < 1 || size > 1 << 16 || gaz_dl_cjson())
		return 0;
	on = data[0] & 1;
	SHA256((const unsigned char *)FILE_BYTES, sizeof FILE_BYTES - 1, sha);
	gaz_hex(sha, 32, hex);
	for (i = start = 1; i <= size && k < 4; i++) {
		if (i == size || !data[i]) {
			char *raw = malloc(i - start + 1);
			if (!raw)
				goto end;
			memcpy(raw, data + start, i - start);
			raw[i - start] = '\0';
			ps.p[k] = replace(raw, "@SHA@", hex);
			free(raw);
			if (!ps.p[k])
				goto end;
			k++;
			start = i + 1;
		}
	}
	if (ps.p[1]) {
		/* "@LH@": the hash of the leaf data the answer carries */
		cJSON *j = cJSON_Parse(ps.p[1]);
		const cJSON *d = cJSON_GetObjectItemCaseSensitive(j, "leaf_data");
		unsigned char leaf[GAZ_TLOG_LEAF_MAX], lh[32];
		char lhx[65] = "";
		size_t n = cJSON_IsString(d) ? strlen(d->valuestring) / 2 : 0;
		if (n && n <= sizeof leaf && !gaz_unhex(d->valuestring, leaf, n)) {
			gaz_tlog_leaf_hash(leaf, n, lh);
			gaz_hex(lh, 32, lhx);
		}
		cJSON_Delete(j);
		if (lhx[0]) {
			char *x = replace(ps.p[1], "@LH@", lhx);
			if (!x)
				goto end;
			free(ps.p[1]);
			ps.p[1] = x;
		}
	}
	if (!ar_verify_remote(&r, NULL, FILE_BYTES, sizeof FILE_BYTES - 1,
			      on ? "2023-08-01" : NULL, &av))
		gaz_av_release(&av);
end:
	for (k = 0; k < 4; k++)
		free(ps.p[k]);
	return 0;
}

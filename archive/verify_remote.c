/*
 * `gazette verify FILE --archive URL`: the archive's answer about a file
 * from its public web service or a static export of it (docs/api.md), and
 * the transparency-log proof checked here, not taken on trust (http, or
 * https with the server's certificate and host name checked):
 *
 *   GET /api/v1/sha256/HEX.json           which issue version, statuses,
 *                                          the version's log leaf index
 *   GET /api/v1/log/inclusion/N.json      leaf data, proof, root, size
 *   GET /api/v1/log.json                  the signed tree head
 *   GET /api/v1/docs/CODE.json            status histories (only with --on)
 *
 * The leaf's data must record exactly this file's SHA-256 as that issue
 * version; its hash, the inclusion proof and the root must agree; and with
 * the log's public key the signed tree head of that root must verify.
 * Every response is size-capped and parsed as untrusted JSON.
 */
#include "archive/http_int.h"
#include "archive/verify_remote.h"
#include "gazette/dl/ssl.h"

#include "gazette/dl/cjson.h"
#include <openssl/err.h>
#include <openssl/http.h>
#include <openssl/sha.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REMOTE_JSON_MAX ((size_t)16 << 20) /* a document's JSON carries its text */
#define REMOTE_TIMEOUT_S 30
#define REMOTE_URL_MAX 2048
#define REMOTE_DOCS_MAX 100000

/* Where to ask: base URL without a trailing '/', and for https the TLS
 * context (the system's trust store, or SSL_CERT_FILE / SSL_CERT_DIR) and
 * the host name the server's certificate must carry. */
struct conn {
	char base[REMOTE_URL_MAX / 2];
	SSL_CTX *tls;
	char *host;
};

/* OpenSSL's HTTP client calls this after connecting (detail: TLS wanted)
 * and before disconnecting (detail: no error): for https it puts a TLS
 * layer (SNI, certificate chain and host name checked) over the
 * connection, and after a clean exchange takes it off again (after an
 * error the client frees the whole chain, layer included). */
static BIO *tls_layer(BIO *bio, void *arg, int connect, int detail)
{
	struct conn *c = arg;
	BIO *tls, *below;
	SSL *ssl = NULL;
	int ip;

	if (!c->tls || !detail)
		return bio;
	if (!connect) {
		BIO_ssl_shutdown(bio);
		below = BIO_pop(bio);
		BIO_free(bio);
		return below;
	}
	if (!(tls = BIO_new_ssl(c->tls, 1)))
		return NULL;
	BIO_get_ssl(tls, &ssl);
	/* an address literal is matched against the certificate's IP
	 * entries, a name against its DNS names */
	ERR_set_mark();
	ip = ssl && X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), c->host) == 1;
	ERR_pop_to_mark();
	/* SNI carries names only (RFC 6066 §3) */
	if (!ssl || (!ip && (!SSL_set_tlsext_host_name(ssl, c->host) ||
			     SSL_set1_host(ssl, c->host) != 1))) {
		BIO_free(tls);
		return NULL;
	}
	return BIO_push(tls, bio);
}

/* GET base + path, parsed as JSON.  GAZ_ENOTFOUND on a 404. */
static int http_get_json(void *cls, const char *path, cJSON **out)
{
	struct conn *c = cls;
	const char *base = c->base;
	char url[REMOTE_URL_MAX];
	BIO *b = NULL;
	char *body = NULL;
	size_t n = 0, cap = 0;
	int notfound = 0, rc;
	time_t deadline;
	unsigned long e;
	const char *data;
	int flags;

	if ((size_t)snprintf(url, sizeof url, "%s%s", base, path) >= sizeof url)
		return gaz_fail(GAZ_EINVAL, "archive URL too long");
	deadline = time(NULL) + REMOTE_TIMEOUT_S;
	ERR_clear_error();
	b = OSSL_HTTP_get(url, NULL, NULL, NULL, NULL, tls_layer, c, 0, NULL, NULL, 0,
			  REMOTE_JSON_MAX, REMOTE_TIMEOUT_S);
	if (!b) {
		/* the first error queued is the cause ("certificate verify
		 * failed", "connection refused"...), later ones its context */
		char why[256] = "";
		while ((e = ERR_get_error_all(NULL, NULL, NULL, &data, &flags))) {
			const char *reason = ERR_reason_error_string(e);
			if ((flags & ERR_TXT_STRING) && data && strstr(data, "code=404"))
				notfound = 1;
			else if (!why[0] && (flags & ERR_TXT_STRING) && data && *data)
				snprintf(why, sizeof why, "%s: %s", reason ? reason : "error", data);
			else if (!why[0] && reason)
				snprintf(why, sizeof why, "%s", reason);
		}
		if (!why[0])
			snprintf(why, sizeof why, "no answer");
		if (notfound)
			return gaz_fail(GAZ_ENOTFOUND, "%s: not found", url);
		return gaz_fail(GAZ_EIO, "%s: %s", url, why);
	}
	/* the answer, as a stream: read it to its end, within the cap */
	for (;;) {
		int k;
		if (n == cap) {
			char *nb;
			if (cap >= REMOTE_JSON_MAX) {
				rc = gaz_fail(GAZ_EFORMAT, "%s: answer larger than %zu bytes", url,
					      (size_t)REMOTE_JSON_MAX);
				goto end;
			}
			cap = cap ? cap * 2 : 65536;
			if (!(nb = realloc(body, cap + 1))) {
				rc = GAZ_ENOMEM;
				goto end;
			}
			body = nb;
		}
		k = BIO_read(b, body + n, (int)(cap - n));
		if (k <= 0) {
			/* a body still on its way: wait for it, up to the deadline
			 * (a server trickling bytes cannot hold us longer) */
			if (BIO_should_retry(b)) {
				if (BIO_wait(b, deadline, 100) <= 0) {
					rc = gaz_fail(GAZ_EIO, "%s: answer not complete after %d s", url,
						      REMOTE_TIMEOUT_S);
					goto end;
				}
				continue;
			}
			break;
		}
		n += (size_t)k;
	}
	if (!n)
		rc = gaz_fail(GAZ_EIO, "%s: empty answer", url);
	else if (!(*out = cJSON_ParseWithLength(body, n)))
		rc = gaz_fail(GAZ_EFORMAT, "%s: not JSON", url);
	else
		rc = 0;
end:
	free(body);
	BIO_free(b);
	return rc;
}

static const char *jstr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) && v->valuestring ? v->valuestring : NULL;
}

/* A whole number in [0, max] (JSON numbers are doubles: exact to 2^53). */
static int jnum(const cJSON *o, const char *k, double max, uint64_t *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	double d;

	if (!cJSON_IsNumber(v))
		return -1;
	d = v->valuedouble;
	if (!(d >= 0 && d <= max && d <= 9007199254740992.0) || d != (double)(uint64_t)d)
		return -1;
	*out = (uint64_t)d;
	return 0;
}

static int unhex(const char *s, unsigned char *out, size_t n)
{
	return s ? gaz_unhex(s, out, n) : -1;
}

static char *dupstr(const char *s)
{
	return strdup(s ? s : "");
}

static int bad(const char *what)
{
	return gaz_fail(GAZ_EFORMAT, "the archive's answer is malformed (%s)", what);
}

/* The version and its documents from /api/v1/sha256/HEX.json. */
static int read_version(const cJSON *j, struct gaz_av *av, uint64_t *leaf, int *have_leaf)
{
	const cJSON *docs = cJSON_GetObjectItemCaseSensitive(j, "documents"), *d;
	uint64_t year, number, version, size, sup, cum, latest;
	unsigned char sha[32];
	size_t i = 0;

	if (unhex(jstr(j, "sha256"), sha, 32) || memcmp(sha, av->sha256, 32))
		return bad("sha256 is not this file's");
	if (jnum(j, "year", 9999, &year) || jnum(j, "number", 1e6, &number) ||
	    jnum(j, "version", 1e6, &version) || !version || jnum(j, "size", 1e15, &size) ||
	    jnum(j, "superseded_by", 1e6, &sup) ||
	    !cJSON_IsArray(docs) || cJSON_GetArraySize(docs) > REMOTE_DOCS_MAX)
		return bad("issue version fields");
	/* for the report only: a service that predates them may omit these */
	if (jnum(j, "cumulative", 1e9, &cum))
		cum = 0;
	if (jnum(j, "latest", 1e6, &latest) || latest < version)
		latest = sup > version ? sup : version;
	av->ver.year = (unsigned)year;
	av->ver.number = (unsigned)number;
	av->ver.version = (unsigned)version;
	av->ver.pdf_size = size;
	av->ver.superseded_by = (unsigned)sup;
	av->ver.cumulative = (unsigned)cum;
	av->ver.latest = (unsigned)latest;
	memcpy(av->ver.pdf_sha256, sha, 32);
	if (!(av->ver.name = dupstr(jstr(j, "name"))) || !(av->ver.date = dupstr(jstr(j, "date"))) ||
	    (sup && !(av->ver.superseded_reason = dupstr(jstr(j, "superseded_reason")))))
		return GAZ_ENOMEM;
	*have_leaf = !jnum(j, "log_index", 4.6e18, leaf);
	if (cJSON_GetArraySize(docs) &&
	    !(av->docs = calloc((size_t)cJSON_GetArraySize(docs), sizeof *av->docs)))
		return GAZ_ENOMEM;
	cJSON_ArrayForEach(d, docs) {
		struct gaz_av_doc *x = &av->docs[i++];
		const char *st = jstr(d, "status");
		uint64_t fp, lp;
		av->n_docs++;
		if (!jstr(d, "doc_no") || !jstr(d, "title") || !jstr(d, "code") || !st)
			return bad("a document's fields");
		if (jnum(d, "first_page", 1e6, &fp) || jnum(d, "last_page", 1e6, &lp))
			fp = lp = 0;
		if (!(x->doc_no = dupstr(jstr(d, "doc_no"))) || !(x->title = dupstr(jstr(d, "title"))) ||
		    !(x->code = dupstr(jstr(d, "code"))))
			return GAZ_ENOMEM;
		x->first_page = (uint32_t)fp;
		x->last_page = (uint32_t)lp;
		x->status = GAZ_ST_UNKNOWN;
		if (*st && gaz_status_parse(st, &x->status))
			return bad("a document's status");
	}
	return 0;
}

/* Status of each document on `on`, from its history (/api/v1/docs/CODE.json),
 * by the archive's own rule (gaz_status_on). */
static int statuses_on(const struct ar_remote *r, struct gaz_av *av, const char *on)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < av->n_docs && !rc; i++) {
		struct gaz_ar_event *ev = NULL;
		const cJSON *h, *e;
		cJSON *j = NULL;
		struct out path;
		size_t n = 0, k = 0;

		out_init(&path, REMOTE_URL_MAX / 2);
		out_raw(&path, "/api/v1/docs/");
		out_seg(&path, av->docs[i].code);
		out_raw(&path, ".json");
		rc = path.err ? gaz_fail(GAZ_EFORMAT, "a document's code is too long")
			      : r->get(r->cls, (const char *)path.b.data, &j);
		out_release(&path);
		if (rc)
			return rc;
		h = cJSON_GetObjectItemCaseSensitive(j, "status_history");
		if (!cJSON_IsArray(h) || cJSON_GetArraySize(h) > REMOTE_DOCS_MAX)
			rc = bad("status_history");
		else if (cJSON_GetArraySize(h) &&
			 !(ev = calloc((size_t)cJSON_GetArraySize(h), sizeof *ev)))
			rc = GAZ_ENOMEM;
		if (!rc && jstr(j, "doc_no") && strcmp(jstr(j, "doc_no"), av->docs[i].doc_no))
			rc = bad("a document's code leads to another document");
		cJSON_ArrayForEach(e, h) {
			const char *st = jstr(e, "status"), *date = jstr(e, "date");
			if (rc)
				break;
			if (!st || !date || strlen(date) != 10 || gaz_status_parse(st, &ev[k].status)) {
				rc = bad("a status event");
				break;
			}
			memcpy(ev[k].date, date, 11);
			k++;
		}
		n = k;
		if (!rc)
			rc = gaz_status_on(ev, n, on, &av->docs[i].status, NULL);
		free(ev);
		cJSON_Delete(j);
	}
	return rc;
}

/* The version's leaf, proven in a tree the service names; with log_pub,
 * in the tree of a signed head that verifies with it. */
static int prove(const struct ar_remote *r, EVP_PKEY *log_pub, struct gaz_av *av, uint64_t leaf)
{
	unsigned char data[GAZ_TLOG_LEAF_MAX], lh[32], root[32];
	char strbuf[4 * 256], path[128];
	struct gaz_tlog_entry e;
	const cJSON *p, *x, *sh;
	cJSON *inc = NULL, *head = NULL;
	uint64_t index, size;
	const char *dh;
	size_t dn;
	int rc;

	snprintf(path, sizeof path, "/api/v1/log/inclusion/%llu.json", (unsigned long long)leaf);
	rc = r->get(r->cls, path, &inc);
	if (rc == GAZ_ENOTFOUND || rc == GAZ_EIO) {
		/* past the signed head (published since it was signed): the
		 * live service proves it in its current tree */
		gaz_clear_error();
		snprintf(path, sizeof path, "/api/v1/log/inclusion.json?index=%llu",
			 (unsigned long long)leaf);
		rc = r->get(r->cls, path, &inc);
	}
	if (rc)
		goto end;
	dh = jstr(inc, "leaf_data");
	dn = dh ? strlen(dh) / 2 : 0;
	p = cJSON_GetObjectItemCaseSensitive(inc, "proof");
	if (jnum(inc, "index", 4.6e18, &index) || index != leaf ||
	    jnum(inc, "size", 4.6e18, &size) || index >= size || !dn || dn > sizeof data ||
	    unhex(dh, data, dn) || unhex(jstr(inc, "leaf_hash"), lh, 32) ||
	    unhex(jstr(inc, "root"), root, 32) || !cJSON_IsArray(p) ||
	    cJSON_GetArraySize(p) > GAZ_TLOG_MAX_PROOF) {
		rc = bad("inclusion proof");
		goto end;
	}
	/* the leaf is this file as this issue version */
	gaz_tlog_leaf_hash(data, dn, av->leaf_hash);
	if (memcmp(av->leaf_hash, lh, 32)) {
		rc = gaz_fail(GAZ_ECORRUPT, "log leaf %llu: its hash does not match its data",
			      (unsigned long long)leaf);
		goto end;
	}
	if (gaz_tlog_leaf_decode(data, dn, &e, strbuf) || e.kind != GAZ_TLOG_ISSUE_VERSION ||
	    memcmp(e.sha256, av->sha256, 32) || e.year != av->ver.year ||
	    e.number != av->ver.number || e.version != av->ver.version) {
		rc = gaz_fail(GAZ_ECORRUPT, "log leaf %llu does not record this file as %u年第%u期 version %u",
			      (unsigned long long)leaf, av->ver.year, av->ver.number, av->ver.version);
		goto end;
	}
	av->proof.n = 0;
	cJSON_ArrayForEach(x, p) {
		if (unhex(x->valuestring, av->proof.h[av->proof.n], 32)) {
			rc = bad("inclusion proof hash");
			goto end;
		}
		av->proof.n++;
	}
	av->leaf_index = index;
	av->tree_size = size;
	memcpy(av->root, root, 32);
	if ((rc = gaz_tlog_verify_inclusion(av->leaf_hash, index, size, &av->proof, root))) {
		rc = gaz_fail(GAZ_ECORRUPT, "the inclusion proof of log leaf %llu does not verify",
			      (unsigned long long)leaf);
		goto end;
	}
	/* the signed head of that tree */
	if ((rc = r->get(r->cls, "/api/v1/log.json", &head)))
		goto end;
	sh = cJSON_GetObjectItemCaseSensitive(head, "signed_head");
	if (sh) {
		struct gaz_tlog_sth sth;
		memset(&sth, 0, sizeof sth);
		if (jnum(sh, "size", 4.6e18, &sth.size) ||
		    jnum(sh, "timestamp_ms", 9.0e15, &sth.timestamp_ms) ||
		    unhex(jstr(sh, "root"), sth.root, 32) || unhex(jstr(sh, "signature"), sth.sig, 64)) {
			rc = bad("signed_head");
			goto end;
		}
		if (sth.size == size && !memcmp(sth.root, root, 32)) {
			av->head = sth;
			av->head_signed = 1;
		}
	}
	if (log_pub) {
		if (!av->head_signed) {
			rc = gaz_fail(GAZ_ECORRUPT, "no signed tree head covers log leaf %llu yet",
				      (unsigned long long)leaf);
			goto end;
		}
		if ((rc = gaz_tlog_sth_verify(&av->head, log_pub))) {
			rc = gaz_fail(GAZ_ECORRUPT, "the signed tree head does not verify with the log's key");
			goto end;
		}
		av->head_verified = 1;
	}
	av->logged = 1;
	rc = 0;
end:
	cJSON_Delete(inc);
	cJSON_Delete(head);
	return rc;
}

int ar_verify_remote(const struct ar_remote *r, EVP_PKEY *log_pub, const void *bytes,
		     size_t len, const char *on_date, struct gaz_av *out)
{
	struct gaz_av av;
	char path[160], hex[65];
	cJSON *j = NULL;
	uint64_t leaf = 0;
	size_t i;
	int have_leaf = 0, rc;

	if ((rc = gaz_dl_cjson()))
		return rc;
	memset(&av, 0, sizeof av);
	SHA256(bytes, len, av.sha256);
	gaz_hex(av.sha256, 32, hex);
	snprintf(path, sizeof path, "/api/v1/sha256/%s.json", hex);
	rc = r->get(r->cls, path, &j);
	if (rc == GAZ_ENOTFOUND) {
		gaz_clear_error();
		*out = av;
		return 0;
	}
	if (rc)
		return rc;
	av.found = 1;
	if ((rc = read_version(j, &av, &leaf, &have_leaf)))
		goto fail;
	if (av.ver.pdf_size != len) {
		rc = bad("size is not this file's");
		goto fail;
	}
	if (on_date && (rc = statuses_on(r, &av, on_date)))
		goto fail;
	av.all_in_force = 1;
	for (i = 0; i < av.n_docs; i++) {
		/* Before its first event a document stands as published. */
		av.docs[i].in_force = av.docs[i].status == GAZ_ST_UNKNOWN ||
				      gaz_status_in_force(av.docs[i].status);
		if (!av.docs[i].in_force)
			av.all_in_force = 0;
	}
	if (!have_leaf) {
		rc = gaz_fail(GAZ_ECORRUPT, "the archive names no transparency-log leaf for this version");
		goto fail;
	}
	if ((rc = prove(r, log_pub, &av, leaf)))
		goto fail;
	cJSON_Delete(j);
	*out = av;
	return 0;
fail:
	cJSON_Delete(j);
	gaz_av_release(&av);
	return rc;
}

int gaz_archive_verify_remote(const char *url, EVP_PKEY *log_pub, const void *bytes, size_t len,
			      const char *on_date, struct gaz_av *out)
{
	struct conn c;
	struct ar_remote r = { http_get_json, &c };
	size_t n;
	int use_tls = 0, rc;

	memset(&c, 0, sizeof c);
	if (strncmp(url, "http://", 7) && strncmp(url, "https://", 8))
		return gaz_fail(GAZ_EINVAL, "%s: not an http:// or https:// URL", url);
	n = strlen(url);
	while (n > 8 && url[n - 1] == '/')
		n--;
	if (n >= sizeof c.base)
		return gaz_fail(GAZ_EINVAL, "archive URL too long");
	memcpy(c.base, url, n);
	c.base[n] = '\0';
	if (!OSSL_HTTP_parse_url(c.base, &use_tls, NULL, &c.host, NULL, NULL, NULL, NULL, NULL))
		return gaz_fail(GAZ_EINVAL, "%s: not a URL", url);
	if (use_tls) {
		if ((rc = gaz_dl_ssl()))
			goto end;
		if (!(c.tls = SSL_CTX_new(TLS_client_method())) ||
		    !SSL_CTX_set_min_proto_version(c.tls, TLS1_2_VERSION) ||
		    !SSL_CTX_set_default_verify_paths(c.tls)) {
			rc = gaz_fail(GAZ_ECRYPTO, "cannot set up TLS");
			goto end;
		}
		SSL_CTX_set_verify(c.tls, SSL_VERIFY_PEER, NULL);
	}
	rc = ar_verify_remote(&r, log_pub, bytes, len, on_date, out);
end:
	if (c.tls)
		SSL_CTX_free(c.tls);
	OPENSSL_free(c.host);
	return rc;
}

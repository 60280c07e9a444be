/*
 * Signed tree heads: Ed25519 signatures over (version, type, timestamp,
 * size, root), stored in "log_heads", and the loading of the log's keys.
 */
#include "gazette/tlog.h"
#include "lmdbx.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define TL_HEADS "log_heads"
#define PASS_FILE_MAX 4096
#define TLOG_PEM_MAX ((size_t)64 << 10) /* an Ed25519 key in PEM is ~120 bytes */

/* Drains OpenSSL's error queue into the detail message. */
static int crypto_fail(const char *what)
{
	char buf[256] = "";
	unsigned long e, last = 0;

	while ((e = ERR_get_error()))
		last = e;
	if (last)
		gaz_crypto_error_string(last, buf, sizeof buf);
	return gaz_fail(GAZ_ECRYPTO, "%s%s%s", what, *buf ? ": " : "", buf);
}

void gaz_tlog_sth_message(const struct gaz_tlog_sth *sth,
			  unsigned char msg[GAZ_TLOG_STH_MSG_LEN])
{
	msg[0] = 1;
	msg[1] = 1;
	lx_put_be64(msg + 2, sth->timestamp_ms);
	lx_put_be64(msg + 10, sth->size);
	memcpy(msg + 18, sth->root, 32);
}

static int is_ed25519(EVP_PKEY *k)
{
	return k && EVP_PKEY_is_a(k, "ED25519");
}

int gaz_tlog_sign_head(MDB_txn *txn, EVP_PKEY *key, uint64_t timestamp_ms,
		       struct gaz_tlog_sth *out)
{
	struct gaz_tlog_sth sth;
	unsigned char msg[GAZ_TLOG_STH_MSG_LEN], kb[16], vb[96];
	EVP_MD_CTX *ctx = NULL;
	MDB_dbi heads;
	MDB_val k, v;
	size_t siglen = sizeof sth.sig;
	int rc, ret = GAZ_EINTERNAL;

	if (!is_ed25519(key))
		return gaz_fail(GAZ_EINVAL, "the log key must be Ed25519");
	memset(&sth, 0, sizeof sth);
	if ((rc = gaz_tlog_init(txn)) || (rc = gaz_tlog_size(txn, &sth.size)) ||
	    (rc = gaz_tlog_root(txn, sth.size, sth.root)))
		return rc;
	sth.timestamp_ms = timestamp_ms;
	gaz_tlog_sth_message(&sth, msg);
	if (!(ctx = EVP_MD_CTX_new())) {
		ret = GAZ_ENOMEM;
		goto end;
	}
	if (EVP_DigestSignInit(ctx, NULL, NULL, NULL, key) <= 0 ||
	    EVP_DigestSign(ctx, sth.sig, &siglen, msg, sizeof msg) <= 0 || siglen != 64) {
		ret = crypto_fail("signing the tree head");
		goto end;
	}
	if ((rc = lx_dbi(txn, TL_HEADS, 1, &heads))) {
		ret = rc;
		goto end;
	}
	lx_put_be64(kb, sth.size);
	lx_put_be64(kb + 8, sth.timestamp_ms);
	memcpy(vb, sth.root, 32);
	memcpy(vb + 32, sth.sig, 64);
	k.mv_size = sizeof kb;
	k.mv_data = kb;
	v.mv_size = sizeof vb;
	v.mv_data = vb;
	if ((rc = mdb_put(txn, heads, &k, &v, MDB_NOOVERWRITE))) {
		ret = rc == MDB_KEYEXIST
			      ? gaz_fail(GAZ_EEXIST, "a head of this size and time exists")
			      : lx_err(rc, TL_HEADS);
		goto end;
	}
	if (out)
		*out = sth;
	ret = 0;
end:
	EVP_MD_CTX_free(ctx);
	return ret;
}

int gaz_tlog_latest_head(MDB_txn *txn, struct gaz_tlog_sth *out)
{
	MDB_dbi heads;
	MDB_cursor *c = NULL;
	MDB_val k, v;
	int rc;

	if ((rc = lx_dbi(txn, TL_HEADS, 0, &heads)))
		return rc;
	if ((rc = mdb_cursor_open(txn, heads, &c)))
		return lx_err(rc, TL_HEADS);
	rc = mdb_cursor_get(c, &k, &v, MDB_LAST);
	if (rc) {
		mdb_cursor_close(c);
		return lx_err(rc, TL_HEADS);
	}
	if (k.mv_size != 16 || v.mv_size != 96) {
		mdb_cursor_close(c);
		return gaz_fail(GAZ_ECORRUPT, "log: malformed tree head");
	}
	out->size = lx_get_be64(k.mv_data);
	out->timestamp_ms = lx_get_be64((unsigned char *)k.mv_data + 8);
	memcpy(out->root, v.mv_data, 32);
	memcpy(out->sig, (unsigned char *)v.mv_data + 32, 64);
	mdb_cursor_close(c);
	return 0;
}

int gaz_tlog_head_at(MDB_txn *txn, uint64_t size, struct gaz_tlog_sth *out)
{
	MDB_dbi heads;
	MDB_cursor *c = NULL;
	MDB_val k, v;
	unsigned char kb[16];
	int rc;

	if ((rc = lx_dbi(txn, TL_HEADS, 0, &heads)))
		return rc;
	if ((rc = mdb_cursor_open(txn, heads, &c)))
		return lx_err(rc, TL_HEADS);
	/* the last key below (size + 1, 0) */
	if (size == UINT64_MAX) {
		rc = mdb_cursor_get(c, &k, &v, MDB_LAST);
	} else {
		lx_put_be64(kb, size + 1);
		memset(kb + 8, 0, 8);
		k.mv_size = 16;
		k.mv_data = kb;
		rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
		rc = mdb_cursor_get(c, &k, &v, rc == MDB_NOTFOUND ? MDB_LAST : MDB_PREV);
	}
	if (!rc && (k.mv_size != 16 || v.mv_size != 96))
		rc = -1;
	if (rc || lx_get_be64(k.mv_data) != size) {
		mdb_cursor_close(c);
		if (rc == -1)
			return gaz_fail(GAZ_ECORRUPT, "log: malformed tree head");
		return rc && rc != MDB_NOTFOUND ? lx_err(rc, TL_HEADS) : GAZ_ENOTFOUND;
	}
	out->size = size;
	out->timestamp_ms = lx_get_be64((unsigned char *)k.mv_data + 8);
	memcpy(out->root, v.mv_data, 32);
	memcpy(out->sig, (unsigned char *)v.mv_data + 32, 64);
	mdb_cursor_close(c);
	return 0;
}

int gaz_tlog_sth_verify(const struct gaz_tlog_sth *sth, EVP_PKEY *pub)
{
	unsigned char msg[GAZ_TLOG_STH_MSG_LEN];
	EVP_MD_CTX *ctx = NULL;
	int ok, ret = GAZ_EINTERNAL;

	if (!is_ed25519(pub))
		return gaz_fail(GAZ_EINVAL, "the log key must be Ed25519");
	gaz_tlog_sth_message(sth, msg);
	if (!(ctx = EVP_MD_CTX_new()))
		return GAZ_ENOMEM;
	if (EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, pub) <= 0) {
		ret = crypto_fail("verifying the tree head");
		goto end;
	}
	ok = EVP_DigestVerify(ctx, sth->sig, 64, msg, sizeof msg);
	ERR_clear_error();
	ret = ok == 1 ? 0 : gaz_fail(GAZ_ECORRUPT, "tree head signature does not verify");
end:
	EVP_MD_CTX_free(ctx);
	return ret;
}

/* pem_password_cb: hands OpenSSL the passphrase (u is a NUL-terminated
 * string or NULL for none). */
static int pass_cb(char *buf, int size, int rwflag, void *u)
{
	size_t n;

	(void)rwflag;
	if (!u)
		return -1;
	n = strlen(u);
	if (n > (size_t)size)
		return -1;
	memcpy(buf, u, n);
	return (int)n;
}

/* The PEM file at path, read whole through gaz_read_file (regular files
 * only: a FIFO is refused, not waited on) and capped; *bio reads *data,
 * both the caller's. */
static int pem_open(const char *path, char **data, size_t *len, BIO **bio)
{
	int rc;

	if ((rc = gaz_read_file(path, TLOG_PEM_MAX, data, len)))
		return rc;
	if (*len > INT_MAX || !(*bio = BIO_new_mem_buf(*data, (int)*len)))
		return GAZ_ENOMEM;
	return 0;
}

int gaz_tlog_load_key(const char *pem_path, const char *pass_file, EVP_PKEY **out)
{
	char *file = NULL, *pass = NULL, *pem = NULL;
	size_t flen = 0, plen = 0, n;
	BIO *bio = NULL;
	EVP_PKEY *key = NULL;
	int rc, ret = GAZ_EINTERNAL;

	if (pass_file) {
		if ((rc = gaz_read_file(pass_file, PASS_FILE_MAX, &file, &flen))) {
			ret = rc;
			goto end;
		}
		for (n = 0; n < flen && file[n] != '\n' && file[n] != '\r'; n++)
			;
		file[n] = 0;
		pass = file;
	} else {
		pass = getenv("GAZETTE_LOG_KEY_PASS");
	}
	if ((ret = pem_open(pem_path, &pem, &plen, &bio)))
		goto end;
	if (!(key = PEM_read_bio_PrivateKey(bio, NULL, pass_cb, pass))) {
		ret = crypto_fail(pem_path);
		goto end;
	}
	if (!is_ed25519(key)) {
		ret = gaz_fail(GAZ_EINVAL, "%s: the log key must be Ed25519", pem_path);
		goto end;
	}
	*out = key;
	key = NULL;
	ret = 0;
end:
	if (file) {
		OPENSSL_cleanse(file, flen);
		free(file);
	}
	BIO_free(bio);
	if (pem) {
		OPENSSL_cleanse(pem, plen);
		free(pem);
	}
	EVP_PKEY_free(key);
	return ret;
}

int gaz_tlog_load_pub(const char *pem_path, EVP_PKEY **out)
{
	BIO *bio = NULL;
	EVP_PKEY *key = NULL;
	char *pem = NULL;
	size_t plen = 0;
	int ret;

	if ((ret = pem_open(pem_path, &pem, &plen, &bio)))
		goto end;
	if (!(key = PEM_read_bio_PUBKEY(bio, NULL, pass_cb, NULL))) {
		ret = crypto_fail(pem_path);
		goto end;
	}
	if (!is_ed25519(key)) {
		ret = gaz_fail(GAZ_EINVAL, "%s: the log key must be Ed25519", pem_path);
		goto end;
	}
	*out = key;
	key = NULL;
	ret = 0;
end:
	BIO_free(bio);
	free(pem);
	EVP_PKEY_free(key);
	return ret;
}

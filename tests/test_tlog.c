/* Transparency log: known answers against a naive RFC 9162 MTH, every
 * inclusion and consistency proof for sizes 1..70, tampered proofs,
 * signed tree heads, leaf encoding, fsck on a real LMDB environment. */
#include "gazette/tlog.h"
#include "test.h"

#include <lmdb.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NMAX 70

static unsigned char leaves[NMAX][8];
static unsigned char lh[NMAX][32];

/* Straight from the RFC text, recursion and all. */
static void naive_mth(size_t lo, size_t hi, unsigned char out[32])
{
	size_t n = hi - lo, k = 1;
	unsigned char l[32], r[32];

	if (n == 0) {
		SHA256((const unsigned char *)"", 0, out);
		return;
	}
	if (n == 1) {
		memcpy(out, lh[lo], 32);
		return;
	}
	while (k * 2 < n)
		k *= 2;
	naive_mth(lo, lo + k, l);
	naive_mth(lo + k, hi, r);
	gaz_tlog_node_hash(l, r, out);
}

static char *mkenv(MDB_env **env)
{
	char tmpl[] = "/tmp/gaz-tlog-XXXXXX", *dir = mkdtemp(tmpl);

	CHECK(dir != NULL);
	CHECK_EQ_INT(mdb_env_create(env), 0);
	mdb_env_set_maxdbs(*env, GAZ_TLOG_NDBI + 2);
	mdb_env_set_mapsize(*env, 64u << 20);
	CHECK_EQ_INT(mdb_env_open(*env, dir, 0, 0600), 0);
	return strdup(dir);
}

static void rmenv(MDB_env *env, char *dir)
{
	char p[512];

	mdb_env_close(env);
	snprintf(p, sizeof p, "%s/data.mdb", dir);
	unlink(p);
	snprintf(p, sizeof p, "%s/lock.mdb", dir);
	unlink(p);
	rmdir(dir);
	free(dir);
}

static void test_hashes(void)
{
	/* RFC 6962/9162 test vector: the empty tree and a leaf of "". */
	static const char empty_hex[] =
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
	static const char leaf_empty_hex[] =
		"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d";
	unsigned char h[32];
	char hex[65];

	SHA256((const unsigned char *)"", 0, h);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", h[i]);
	CHECK_STR(hex, empty_hex);
	gaz_tlog_leaf_hash("", 0, h);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", h[i]);
	CHECK_STR(hex, leaf_empty_hex);
}

static void test_tree(void)
{
	MDB_env *env = NULL;
	MDB_txn *txn = NULL;
	char *dir = mkenv(&env);
	unsigned char roots[NMAX + 1][32], r[32], bad[32];
	struct gaz_tlog_proof p, q;
	uint64_t idx, size;
	size_t n, m, i;
	int fails = 0, tamper_caught = 0, tamper_tried = 0;

	for (i = 0; i < NMAX; i++) {
		memcpy(leaves[i], "leaf", 4);
		leaves[i][4] = (unsigned char)i;
		leaves[i][5] = (unsigned char)(i * 7);
		leaves[i][6] = leaves[i][7] = 0;
		gaz_tlog_leaf_hash(leaves[i], 8, lh[i]);
	}
	for (n = 0; n <= NMAX; n++)
		naive_mth(0, n, roots[n]);

	CHECK_EQ_INT(mdb_txn_begin(env, NULL, 0, &txn), 0);
	CHECK_EQ_INT(gaz_tlog_size(txn, &size), 0); /* before init: empty */
	CHECK_EQ_INT(size, 0);
	CHECK_EQ_INT(gaz_tlog_init(txn), 0);
	CHECK_EQ_INT(gaz_tlog_root(txn, 0, r), 0);
	CHECK(!memcmp(r, roots[0], 32));
	CHECK_EQ_INT(gaz_tlog_root(txn, 1, r), GAZ_EINVAL);
	for (i = 0; i < NMAX; i++) {
		CHECK_EQ_INT(gaz_tlog_append(txn, leaves[i], 8, &idx), 0);
		CHECK_EQ_INT(idx, i);
	}
	CHECK_EQ_INT(mdb_txn_commit(txn), 0);

	CHECK_EQ_INT(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn), 0);
	CHECK_EQ_INT(gaz_tlog_size(txn, &size), 0);
	CHECK_EQ_INT(size, NMAX);
	for (n = 0; n <= NMAX; n++) {
		CHECK_EQ_INT(gaz_tlog_root(txn, n, r), 0);
		if (memcmp(r, roots[n], 32))
			fails++;
	}
	CHECK_EQ_INT(fails, 0);

	/* Every inclusion proof verifies; a flipped bit, a wrong index, a
	 * truncated or extended proof never does. */
	fails = 0;
	for (n = 1; n <= NMAX; n++) {
		for (m = 0; m < n; m++) {
			if (gaz_tlog_inclusion_proof(txn, m, n, &p) ||
			    gaz_tlog_verify_inclusion(lh[m], m, n, &p, roots[n]))
				fails++;
			if (p.n) {
				q = p;
				q.h[(m * 7) % q.n][m % 32] ^= 1;
				tamper_tried++;
				tamper_caught += gaz_tlog_verify_inclusion(lh[m], m, n, &q, roots[n]) ==
						 GAZ_ECORRUPT;
				q = p;
				q.n--;
				tamper_tried++;
				tamper_caught += gaz_tlog_verify_inclusion(lh[m], m, n, &q, roots[n]) ==
						 GAZ_ECORRUPT;
			}
			q = p;
			memcpy(q.h[q.n++], lh[0], 32);
			tamper_tried++;
			tamper_caught += gaz_tlog_verify_inclusion(lh[m], m, n, &q, roots[n]) != 0;
			if (n > 1) {
				tamper_tried++;
				tamper_caught += gaz_tlog_verify_inclusion(lh[m], (m + 1) % n, n, &p,
									   roots[n]) != 0;
				tamper_tried++;
				tamper_caught += gaz_tlog_verify_inclusion(lh[(m + 1) % n], m, n, &p,
									   roots[n]) != 0;
			}
		}
	}
	CHECK_EQ_INT(fails, 0);
	CHECK_EQ_INT(tamper_caught, tamper_tried);
	CHECK_EQ_INT(gaz_tlog_inclusion_proof(txn, 5, 5, &p), GAZ_EINVAL);
	CHECK_EQ_INT(gaz_tlog_inclusion_proof(txn, 0, NMAX + 1, &p), GAZ_EINVAL);
	CHECK_EQ_INT(gaz_tlog_verify_inclusion(lh[0], 3, 3, &p, roots[3]), GAZ_EINVAL);

	/* Every consistency proof for 0 ≤ m ≤ n ≤ 70 verifies; tampering fails. */
	fails = 0;
	tamper_caught = tamper_tried = 0;
	for (n = 0; n <= NMAX; n++) {
		for (m = 0; m <= n; m++) {
			if (gaz_tlog_consistency_proof(txn, m, n, &p) ||
			    gaz_tlog_verify_consistency(m, n, roots[m], roots[n], &p))
				fails++;
			if (m == 0 || m == n)
				continue;
			memcpy(bad, roots[n], 32);
			bad[3] ^= 0x40;
			tamper_tried += 2;
			tamper_caught += gaz_tlog_verify_consistency(m, n, roots[m], bad, &p) ==
					 GAZ_ECORRUPT;
			tamper_caught += gaz_tlog_verify_consistency(m, n, bad, roots[n], &p) ==
					 GAZ_ECORRUPT;
			q = p;
			q.h[(m + n) % q.n][(m * 3) % 32] ^= 0x80;
			tamper_tried++;
			tamper_caught += gaz_tlog_verify_consistency(m, n, roots[m], roots[n], &q) ==
					 GAZ_ECORRUPT;
			if (n > m + 1 && !gaz_tlog_consistency_proof(txn, m, n - 1, &q) &&
			    (q.n != p.n || memcmp(q.h, p.h, 32 * p.n))) {
				tamper_tried++; /* the proof of another size pair */
				tamper_caught += gaz_tlog_verify_consistency(m, n - 1, roots[m],
									     roots[n - 1], &p) != 0;
			}
		}
	}
	CHECK_EQ_INT(fails, 0);
	CHECK_EQ_INT(tamper_caught, tamper_tried);
	CHECK_EQ_INT(gaz_tlog_consistency_proof(txn, 5, 4, &p), GAZ_EINVAL);
	CHECK_EQ_INT(gaz_tlog_consistency_proof(txn, 5, NMAX + 1, &p), GAZ_EINVAL);
	p.n = 1;
	CHECK_EQ_INT(gaz_tlog_verify_consistency(4, 4, roots[4], roots[4], &p), GAZ_ECORRUPT);
	p.n = 0;
	CHECK_EQ_INT(gaz_tlog_verify_consistency(4, 4, roots[4], roots[5], &p), GAZ_ECORRUPT);
	CHECK_EQ_INT(gaz_tlog_verify_consistency(3, 5, roots[3], roots[5], &p), GAZ_ECORRUPT);

	CHECK_EQ_INT(gaz_tlog_find_leaf(txn, lh[42], &idx), 0);
	CHECK_EQ_INT(idx, 42);
	CHECK_EQ_INT(gaz_tlog_find_leaf(txn, roots[3], &idx), GAZ_ENOTFOUND);
	{
		unsigned char h[32], *d = NULL;

		CHECK_EQ_INT(gaz_tlog_leaf(txn, 9, h, &d, &n), 0);
		CHECK(n == 8 && d && !memcmp(d, leaves[9], 8) && !memcmp(h, lh[9], 32));
		free(d);
		CHECK_EQ_INT(gaz_tlog_leaf(txn, NMAX, h, NULL, NULL), GAZ_ENOTFOUND);
	}
	{
		struct gaz_tlog_check st;

		CHECK_EQ_INT(gaz_tlog_verify(txn, NULL, &st), 0);
		CHECK_EQ_INT(st.leaves, NMAX);
		CHECK_EQ_INT(st.nodes, 35 + 17 + 8 + 4 + 2 + 1);
	}
	mdb_txn_abort(txn);
	rmenv(env, dir);
}

/* fsck notices a changed leaf, a changed subtree hash and a missing one. */
static void test_fsck_tamper(void)
{
	MDB_env *env = NULL;
	MDB_txn *txn = NULL;
	MDB_dbi dbi;
	MDB_val k, v;
	char *dir = mkenv(&env);
	unsigned char kb[9] = { 1, 0, 0, 0, 0, 0, 0, 0, 2 }, nv[32];
	unsigned char lk[8] = { 0, 0, 0, 0, 0, 0, 0, 3 }, lv[40];
	size_t i;

	CHECK_EQ_INT(mdb_txn_begin(env, NULL, 0, &txn), 0);
	for (i = 0; i < 10; i++)
		CHECK_EQ_INT(gaz_tlog_append(txn, leaves[i], 8, NULL), 0);
	CHECK_EQ_INT(gaz_tlog_verify(txn, NULL, NULL), 0);
	/* a subtree hash changed */
	CHECK_EQ_INT(mdb_dbi_open(txn, "log_nodes", 0, &dbi), 0);
	k.mv_size = 9;
	k.mv_data = kb;
	memset(nv, 0xab, 32);
	v.mv_size = 32;
	v.mv_data = nv;
	CHECK_EQ_INT(mdb_put(txn, dbi, &k, &v, 0), 0);
	CHECK_EQ_INT(gaz_tlog_verify(txn, NULL, NULL), GAZ_ECORRUPT);
	/* ... and removed */
	CHECK_EQ_INT(mdb_del(txn, dbi, &k, NULL), 0);
	CHECK_EQ_INT(gaz_tlog_verify(txn, NULL, NULL), GAZ_ECORRUPT);
	mdb_txn_abort(txn);

	CHECK_EQ_INT(mdb_txn_begin(env, NULL, 0, &txn), 0);
	for (i = 0; i < 10; i++)
		CHECK_EQ_INT(gaz_tlog_append(txn, leaves[i], 8, NULL), 0);
	/* a leaf's data changed */
	CHECK_EQ_INT(mdb_dbi_open(txn, "log_leaves", 0, &dbi), 0);
	k.mv_size = 8;
	k.mv_data = lk;
	memcpy(lv, lh[3], 32);
	memcpy(lv + 32, leaves[4], 8);
	v.mv_size = 40;
	v.mv_data = lv;
	CHECK_EQ_INT(mdb_put(txn, dbi, &k, &v, 0), 0);
	CHECK_EQ_INT(gaz_tlog_verify(txn, NULL, NULL), GAZ_ECORRUPT);
	CHECK(strstr(gaz_errdetail(), "leaf 3") != NULL);
	mdb_txn_abort(txn);
	rmenv(env, dir);
}

static void test_sth(void)
{
	MDB_env *env = NULL;
	MDB_txn *txn = NULL;
	char *dir = mkenv(&env);
	EVP_PKEY *key = NULL, *pub = NULL, *other = NULL;
	struct gaz_tlog_sth sth, got, bad;
	struct gaz_tlog_check st;
	unsigned char root[32];

	CHECK_EQ_INT(gaz_tlog_load_key("../keys-example/log/log-key.pem",
				       "../keys-example/log/passphrase", &key), 0);
	CHECK_EQ_INT(gaz_tlog_load_pub("../keys-example/log/log-pub.pem", &pub), 0);
	CHECK_EQ_INT(gaz_tlog_load_key("../keys-example/log/log-key.pem",
				       "../keys-example/log/make-log-key.sh", &other),
		     GAZ_ECRYPTO); /* wrong passphrase */
	CHECK_EQ_INT(gaz_tlog_load_key("../keys-example/log/missing.pem", NULL, &other), GAZ_EIO);
	CHECK_EQ_INT(gaz_tlog_load_pub("../keys-example/log/log-key.pem", &other), GAZ_ECRYPTO);
	other = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	CHECK(other != NULL);

	CHECK_EQ_INT(mdb_txn_begin(env, NULL, 0, &txn), 0);
	CHECK_EQ_INT(gaz_tlog_init(txn), 0);
	CHECK_EQ_INT(gaz_tlog_latest_head(txn, &got), GAZ_ENOTFOUND);
	for (int i = 0; i < 11; i++)
		CHECK_EQ_INT(gaz_tlog_append(txn, leaves[i], 8, NULL), 0);
	CHECK_EQ_INT(gaz_tlog_sign_head(txn, key, 1700000000000ull, &sth), 0);
	CHECK_EQ_INT(gaz_tlog_sign_head(txn, key, 1700000000000ull, NULL), GAZ_EEXIST);
	CHECK_EQ_INT(sth.size, 11);
	CHECK_EQ_INT(gaz_tlog_root(txn, 11, root), 0);
	CHECK(!memcmp(root, sth.root, 32));
	CHECK_EQ_INT(gaz_tlog_latest_head(txn, &got), 0);
	CHECK(!memcmp(&got, &sth, sizeof got));
	CHECK_EQ_INT(gaz_tlog_sth_verify(&sth, pub), 0);
	CHECK_EQ_INT(gaz_tlog_sth_verify(&sth, other), GAZ_ECORRUPT);
	CHECK_EQ_INT(gaz_tlog_sth_verify(&sth, NULL), GAZ_EINVAL);
	bad = sth;
	bad.size = 10;
	CHECK_EQ_INT(gaz_tlog_sth_verify(&bad, pub), GAZ_ECORRUPT);
	bad = sth;
	bad.timestamp_ms++;
	CHECK_EQ_INT(gaz_tlog_sth_verify(&bad, pub), GAZ_ECORRUPT);
	bad = sth;
	bad.root[31] ^= 1;
	CHECK_EQ_INT(gaz_tlog_sth_verify(&bad, pub), GAZ_ECORRUPT);
	bad = sth;
	bad.sig[0] ^= 1;
	CHECK_EQ_INT(gaz_tlog_sth_verify(&bad, pub), GAZ_ECORRUPT);
	CHECK_EQ_INT(gaz_tlog_append(txn, leaves[20], 8, NULL), 0);
	CHECK_EQ_INT(gaz_tlog_sign_head(txn, key, 1700000001000ull, &sth), 0);
	CHECK_EQ_INT(gaz_tlog_latest_head(txn, &got), 0);
	CHECK_EQ_INT(got.size, 12);
	CHECK_EQ_INT(gaz_tlog_verify(txn, pub, &st), 0);
	CHECK_EQ_INT(st.heads, 2);
	CHECK_EQ_INT(gaz_tlog_head_at(txn, 11, &got), 0);
	CHECK_EQ_INT(got.size, 11);
	CHECK_EQ_INT(got.timestamp_ms, 1700000000000ull);
	CHECK_EQ_INT(gaz_tlog_head_at(txn, 12, &got), 0);
	CHECK_EQ_INT(got.timestamp_ms, 1700000001000ull);
	CHECK_EQ_INT(gaz_tlog_head_at(txn, 10, &got), GAZ_ENOTFOUND);
	CHECK_EQ_INT(gaz_tlog_head_at(txn, 13, &got), GAZ_ENOTFOUND);
	CHECK_EQ_INT(gaz_tlog_verify(txn, other, &st), GAZ_ECORRUPT);
	CHECK_EQ_INT(mdb_txn_commit(txn), 0);
	EVP_PKEY_free(key);
	EVP_PKEY_free(pub);
	EVP_PKEY_free(other);
	rmenv(env, dir);
}

static void test_leaf_encoding(void)
{
	struct gaz_tlog_entry e = { 0 }, d;
	unsigned char buf[GAZ_TLOG_LEAF_MAX];
	char strs[4 * 256], longs[300];
	size_t n;

	e.kind = GAZ_TLOG_STATUS_EVENT;
	e.year = 2023;
	e.number = 17;
	e.version = 2;
	memset(e.sha256, 0x5a, 32);
	e.doc_no = "鞍政办公开〔2023〕17号";
	e.status = "废止";
	e.date = "2024-01-01";
	e.by = "鞍政发〔2023〕30号";
	CHECK_EQ_INT(gaz_tlog_leaf_encode(&e, buf, &n), 0);
	CHECK_EQ_INT(gaz_tlog_leaf_decode(buf, n, &d, strs), 0);
	CHECK_EQ_INT(d.kind, GAZ_TLOG_STATUS_EVENT);
	CHECK_EQ_INT(d.year, 2023);
	CHECK_EQ_INT(d.number, 17);
	CHECK_EQ_INT(d.version, 2);
	CHECK(!memcmp(d.sha256, e.sha256, 32));
	CHECK_STR(d.doc_no, e.doc_no);
	CHECK_STR(d.status, "废止");
	CHECK_STR(d.date, "2024-01-01");
	CHECK_STR(d.by, e.by);
	/* not canonical: trailing byte, truncated, bad version, bad kind */
	CHECK_EQ_INT(gaz_tlog_leaf_decode(buf, n + 1, &d, strs), GAZ_EFORMAT);
	for (size_t cut = 0; cut < n; cut++)
		if (gaz_tlog_leaf_decode(buf, cut, &d, strs) != GAZ_EFORMAT)
			CHECK(!"truncated leaf accepted");
	buf[0] = 2;
	CHECK_EQ_INT(gaz_tlog_leaf_decode(buf, n, &d, strs), GAZ_EFORMAT);
	buf[0] = 1;
	buf[1] = 9;
	CHECK_EQ_INT(gaz_tlog_leaf_decode(buf, n, &d, strs), GAZ_EFORMAT);
	memset(longs, 'a', sizeof longs - 1);
	longs[sizeof longs - 1] = 0;
	e.by = longs;
	CHECK_EQ_INT(gaz_tlog_leaf_encode(&e, buf, &n), GAZ_EINVAL);
	e.by = "\xff\xfe";
	CHECK_EQ_INT(gaz_tlog_leaf_encode(&e, buf, &n), GAZ_EINVAL);
	e.by = NULL;
	e.kind = 7;
	CHECK_EQ_INT(gaz_tlog_leaf_encode(&e, buf, &n), GAZ_EINVAL);

	/* find an issue version by its PDF hash */
	{
		MDB_env *env = NULL;
		MDB_txn *txn = NULL;
		char *dir = mkenv(&env);
		uint64_t idx;

		CHECK_EQ_INT(mdb_txn_begin(env, NULL, 0, &txn), 0);
		e.kind = GAZ_TLOG_STATUS_EVENT;
		memset(e.sha256, 0x11, 32);
		CHECK_EQ_INT(gaz_tlog_append_entry(txn, &e, NULL), 0);
		e.kind = GAZ_TLOG_ISSUE_VERSION;
		memset(e.sha256, 0x22, 32);
		CHECK_EQ_INT(gaz_tlog_append_entry(txn, &e, NULL), 0);
		memset(e.sha256, 0x11, 32);
		CHECK_EQ_INT(gaz_tlog_append_entry(txn, &e, NULL), 0);
		CHECK_EQ_INT(gaz_tlog_find_sha256(txn, e.sha256, &idx), 0);
		CHECK_EQ_INT(idx, 2); /* not the status event's carrier hash */
		memset(e.sha256, 0x33, 32);
		CHECK_EQ_INT(gaz_tlog_find_sha256(txn, e.sha256, &idx), GAZ_ENOTFOUND);
		mdb_txn_abort(txn);
		rmenv(env, dir);
	}
}

int main(void)
{
	test_hashes();
	test_tree();
	test_fsck_tamper();
	test_sth();
	test_leaf_encoding();
	return TEST_DONE();
}

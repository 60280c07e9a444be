#include "cli.h"
#include "archive_cli.h"
#include "gazette/tlog.h"

#include <stdlib.h>
#include <string.h>

const char cmd_log_usage[] =
	"usage: gazette log --archive DIR [head] [--json]\n"
	"       gazette log --archive DIR sign --key PEM [--pass-file FILE]\n"
	"       gazette log --archive DIR leaf INDEX [--json]\n"
	"       gazette log --archive DIR inclusion (INDEX | --sha256 HEX) [--size N] [--json]\n"
	"       gazette log --archive DIR consistency N M [--json]\n"
	"       gazette log verify-proof PROOF.json --pub PEM [--sth STH.json]\n\n"
	"The archive's transparency log (RFC 9162 Merkle tree): one leaf per\n"
	"published issue version and per status change.\n\n"
	"  head         the tree size and root now, and the latest signed tree head\n"
	"  sign         sign a tree head for the current tree with the log's Ed25519\n"
	"               key; its passphrase from --pass-file or GAZETTE_LOG_KEY_PASS\n"
	"  leaf         what leaf INDEX records\n"
	"  inclusion    proof that leaf INDEX (or the issue version whose PDF has\n"
	"               SHA-256 HEX) is in the tree: by default the tree of the\n"
	"               latest signed head, which the proof file carries\n"
	"  consistency  proof that the tree of size N is a prefix of size M, with\n"
	"               the signed heads of those sizes when they exist\n"
	"  verify-proof checks a proof file (from --json) OFFLINE: the head's\n"
	"               signature with the log's public key, then the proof against\n"
	"               the signed root.  --sth takes the head from a file instead.\n\n"
	"exit 0: done / proof valid; 1: proof or signature invalid, not found;\n"
	"2: usage or I/O.\n";

#define PROOF_FILE_MAX (1u << 20)
#define JSON_INT_MAX 9007199254740992.0 /* 2^53: exact in a double */

static void add_hex(cJSON *o, const char *k, const unsigned char *p, size_t n)
{
	char buf[2 * GAZ_TLOG_LEAF_MAX + 1];

	gaz_hex(p, n, buf);
	cJSON_AddStringToObject(o, k, buf);
}

static cJSON *sth_json(const struct gaz_tlog_sth *s)
{
	cJSON *o = cJSON_CreateObject();
	char t[32];

	if (!o)
		return NULL;
	cJSON_AddNumberToObject(o, "tree_size", (double)s->size);
	cJSON_AddNumberToObject(o, "timestamp_ms", (double)s->timestamp_ms);
	ar_cli_time((int64_t)(s->timestamp_ms / 1000), t);
	cJSON_AddStringToObject(o, "time", t);
	add_hex(o, "root_hash", s->root, 32);
	add_hex(o, "signature", s->sig, 64);
	return o;
}

static cJSON *entry_json(const unsigned char *data, size_t n)
{
	struct gaz_tlog_entry e;
	char strs[4 * 256];
	cJSON *o;

	if (gaz_tlog_leaf_decode(data, n, &e, strs))
		return cJSON_CreateString("(not a gazette leaf)");
	if (!(o = cJSON_CreateObject()))
		return NULL;
	cJSON_AddStringToObject(o, "kind", e.kind == GAZ_TLOG_ISSUE_VERSION ? "issue-version"
									: "status-event");
	cJSON_AddNumberToObject(o, "year", e.year);
	cJSON_AddNumberToObject(o, "number", e.number);
	cJSON_AddNumberToObject(o, "version", e.version);
	add_hex(o, "sha256", e.sha256, 32);
	cJSON_AddStringToObject(o, "doc_no", e.doc_no);
	cJSON_AddStringToObject(o, "status", e.status);
	cJSON_AddStringToObject(o, "date", e.date);
	cJSON_AddStringToObject(o, "by", e.by);
	return o;
}

static void print_entry(const unsigned char *data, size_t n)
{
	struct gaz_tlog_entry e;
	char strs[4 * 256], h[65];

	if (gaz_tlog_leaf_decode(data, n, &e, strs)) {
		printf("  (not a gazette leaf)\n");
		return;
	}
	gaz_hex(e.sha256, 32, h);
	if (e.kind == GAZ_TLOG_ISSUE_VERSION)
		printf("  issue %u/%u version %u, published %s\n  PDF SHA-256 %s\n", e.year,
		       e.number, e.version, e.date, h);
	else
		printf("  status of %s: %s from %s%s%s\n  (in issue %u/%u version %u)\n", e.doc_no,
		       e.status, e.date, *e.by ? " by " : "", e.by, e.year, e.number, e.version);
}

static cJSON *path_json(const struct gaz_tlog_proof *p)
{
	cJSON *a = cJSON_CreateArray();
	char h[65];
	size_t i;

	for (i = 0; a && i < p->n; i++) {
		gaz_hex(p->h[i], 32, h);
		cJSON_AddItemToArray(a, cJSON_CreateString(h));
	}
	return a;
}

static int num_arg(const char *s, uint64_t *out)
{
	return gaz_parse_uint(s, strlen(s), GAZ_TLOG_MAX_SIZE, out);
}

/* ---- archive side --------------------------------------------------------- */

static int do_head(MDB_txn *txn, int json)
{
	struct gaz_tlog_sth sth;
	unsigned char root[32];
	uint64_t size;
	char h[65], t[32];
	int rc, have;

	if ((rc = gaz_tlog_size(txn, &size)) || (rc = gaz_tlog_root(txn, size, root)))
		return ar_cli_fail("log", rc);
	rc = gaz_tlog_latest_head(txn, &sth);
	if (rc && rc != GAZ_ENOTFOUND)
		return ar_cli_fail("log", rc);
	have = rc == 0;
	if (json) {
		cJSON *o = cJSON_CreateObject();

		if (!o)
			return cli_error("log", GAZ_ENOMEM);
		cJSON_AddNumberToObject(o, "tree_size", (double)size);
		add_hex(o, "root_hash", root, 32);
		cJSON_AddItemToObject(o, "sth", have ? sth_json(&sth) : cJSON_CreateNull());
		return ar_json_print(o);
	}
	gaz_hex(root, 32, h);
	printf("tree size %llu\nroot      %s\n", (unsigned long long)size, h);
	if (!have) {
		printf("no signed tree head yet (gazette log sign)\n");
		return EXIT_OK;
	}
	gaz_hex(sth.root, 32, h);
	ar_cli_time((int64_t)(sth.timestamp_ms / 1000), t);
	printf("signed head: size %llu at %s\n  root %s\n", (unsigned long long)sth.size, t, h);
	if (sth.size < size)
		printf("  %llu leaves are newer than the signed head\n",
		       (unsigned long long)(size - sth.size));
	return EXIT_OK;
}

static int do_leaf(MDB_txn *txn, const char *arg, int json)
{
	unsigned char hash[32], *data = NULL;
	uint64_t idx;
	size_t n;
	char h[65];
	int rc;

	if (!arg)
		return cli_usage("log", "leaf needs an INDEX");
	if (num_arg(arg, &idx))
		return cli_usage("log", "leaf INDEX: '%s' is not a number from 0 to %llu", arg,
				 (unsigned long long)GAZ_TLOG_MAX_SIZE);
	if ((rc = gaz_tlog_leaf(txn, idx, hash, &data, &n))) {
		if (rc == GAZ_ENOTFOUND)
			gaz_fail(rc, "no leaf %llu", (unsigned long long)idx);
		return ar_cli_fail("log", rc);
	}
	if (json) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddNumberToObject(o, "leaf_index", (double)idx);
		add_hex(o, "leaf_hash", hash, 32);
		add_hex(o, "leaf_data", data, n);
		cJSON_AddItemToObject(o, "entry", entry_json(data, n));
		free(data);
		return ar_json_print(o);
	}
	gaz_hex(hash, 32, h);
	printf("leaf %llu  hash %s\n", (unsigned long long)idx, h);
	print_entry(data, n);
	free(data);
	return EXIT_OK;
}

static int do_inclusion(MDB_txn *txn, const char *arg, const char *sha, const char *size_s,
			int json)
{
	struct gaz_tlog_sth sth;
	struct gaz_tlog_proof p;
	unsigned char hash[32], root[32], want[32], *data = NULL;
	uint64_t idx, size, have;
	size_t n;
	int rc, signed_ = 0, ret;
	cJSON *o;

	if ((rc = gaz_tlog_size(txn, &have)))
		return ar_cli_fail("log", rc);
	if (sha) {
		if (arg || gaz_unhex(sha, want, 32))
			return cli_usage("log", "inclusion: INDEX or --sha256 HEX (64 hex digits)");
		rc = gaz_tlog_find_sha256(txn, want, &idx);
		if (rc == GAZ_ENOTFOUND)
			rc = gaz_tlog_find_leaf(txn, want, &idx); /* a leaf hash works too */
		if (rc) {
			if (rc == GAZ_ENOTFOUND)
				gaz_fail(rc, "no leaf records SHA-256 %s", sha);
			return ar_cli_fail("log", rc);
		}
	} else if (!arg || num_arg(arg, &idx)) {
		return cli_usage("log", "inclusion needs a leaf INDEX or --sha256 HEX");
	}
	if (size_s) {
		if (num_arg(size_s, &size))
			return cli_usage("log", "--size %s: expected a number", size_s);
	} else {
		rc = gaz_tlog_latest_head(txn, &sth);
		if (rc && rc != GAZ_ENOTFOUND)
			return ar_cli_fail("log", rc);
		size = !rc && idx < sth.size ? sth.size : have;
	}
	if (idx >= size || size > have) {
		gaz_fail(GAZ_EINVAL, "leaf %llu is not in a tree of %llu (the log has %llu)",
			 (unsigned long long)idx, (unsigned long long)size,
			 (unsigned long long)have);
		return ar_cli_fail("log", GAZ_EINVAL);
	}
	rc = gaz_tlog_head_at(txn, size, &sth);
	if (rc && rc != GAZ_ENOTFOUND)
		return ar_cli_fail("log", rc);
	signed_ = rc == 0;
	if ((rc = gaz_tlog_inclusion_proof(txn, idx, size, &p)) ||
	    (rc = gaz_tlog_root(txn, size, root)) || (rc = gaz_tlog_leaf(txn, idx, hash, &data, &n)))
		return ar_cli_fail("log", rc);
	if (!signed_)
		fprintf(stderr, "gazette: log: no signed head of size %llu: the proof's root is "
			"not signed (run `gazette log sign`)\n", (unsigned long long)size);
	if (!json) {
		char h[65];

		gaz_hex(hash, 32, h);
		printf("leaf %llu of %llu  hash %s\n", (unsigned long long)idx,
		       (unsigned long long)size, h);
		print_entry(data, n);
		gaz_hex(root, 32, h);
		printf("root %s%s\n%zu proof hashes (use --json for the proof file)\n", h,
		       signed_ ? " (signed)" : " (unsigned)", p.n);
		free(data);
		/* self-check: the archive's own proof must verify */
		return gaz_tlog_verify_inclusion(hash, idx, size, &p, root) ? ar_cli_fail("log", GAZ_EINTERNAL)
									    : EXIT_OK;
	}
	if (!(o = cJSON_CreateObject())) {
		free(data);
		return cli_error("log", GAZ_ENOMEM);
	}
	cJSON_AddStringToObject(o, "type", "inclusion");
	cJSON_AddNumberToObject(o, "leaf_index", (double)idx);
	cJSON_AddNumberToObject(o, "tree_size", (double)size);
	add_hex(o, "leaf_hash", hash, 32);
	add_hex(o, "leaf_data", data, n);
	cJSON_AddItemToObject(o, "entry", entry_json(data, n));
	add_hex(o, "root_hash", root, 32);
	cJSON_AddItemToObject(o, "path", path_json(&p));
	cJSON_AddItemToObject(o, "sth", signed_ ? sth_json(&sth) : cJSON_CreateNull());
	free(data);
	ret = ar_json_print(o);
	return ret;
}

static int do_consistency(MDB_txn *txn, const char *a1, const char *a2, int json)
{
	struct gaz_tlog_sth s1, s2;
	struct gaz_tlog_proof p;
	unsigned char r1[32], r2[32];
	uint64_t m, n;
	int rc, h1, h2;
	cJSON *o;

	if (!a1 || !a2 || num_arg(a1, &m) || num_arg(a2, &n))
		return cli_usage("log", "consistency needs two sizes N M");
	if ((rc = gaz_tlog_consistency_proof(txn, m, n, &p)) || (rc = gaz_tlog_root(txn, m, r1)) ||
	    (rc = gaz_tlog_root(txn, n, r2)))
		return ar_cli_fail("log", rc);
	h1 = !gaz_tlog_head_at(txn, m, &s1);
	h2 = !gaz_tlog_head_at(txn, n, &s2);
	if (!json) {
		char h[65];

		gaz_hex(r1, 32, h);
		printf("size %llu root %s%s\n", (unsigned long long)m, h, h1 ? " (signed)" : "");
		gaz_hex(r2, 32, h);
		printf("size %llu root %s%s\n", (unsigned long long)n, h, h2 ? " (signed)" : "");
		printf("%zu proof hashes (use --json for the proof file)\n", p.n);
		return gaz_tlog_verify_consistency(m, n, r1, r2, &p) ? ar_cli_fail("log", GAZ_EINTERNAL)
								     : EXIT_OK;
	}
	if (!(o = cJSON_CreateObject()))
		return cli_error("log", GAZ_ENOMEM);
	cJSON_AddStringToObject(o, "type", "consistency");
	cJSON_AddNumberToObject(o, "first", (double)m);
	cJSON_AddNumberToObject(o, "second", (double)n);
	add_hex(o, "first_root", r1, 32);
	add_hex(o, "second_root", r2, 32);
	cJSON_AddItemToObject(o, "path", path_json(&p));
	cJSON_AddItemToObject(o, "first_sth", h1 ? sth_json(&s1) : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "sth", h2 ? sth_json(&s2) : cJSON_CreateNull());
	return ar_json_print(o);
}

static int do_sign(struct gaz_archive *a, const char *key_path, const char *pass_file)
{
	EVP_PKEY *key = NULL;
	MDB_txn *txn = NULL;
	struct gaz_tlog_sth sth;
	char h[65];
	int rc, ret = EXIT_USAGE;

	if (!key_path)
		return cli_usage("log", "sign needs --key PEM");
	if ((rc = gaz_tlog_load_key(key_path, pass_file, &key)))
		return ar_cli_fail(key_path, rc);
	if ((rc = mdb_txn_begin(gaz_archive_env(a), NULL, 0, &txn))) {
		ret = ar_cli_fail("log", gaz_archive_mdb_error(rc, "begin"));
		goto end;
	}
	if ((rc = gaz_tlog_sign_head(txn, key, (uint64_t)ar_cli_now() * 1000, &sth))) {
		ret = ar_cli_fail("log", rc);
		goto end;
	}
	rc = mdb_txn_commit(txn);
	txn = NULL;
	if (rc) {
		ret = ar_cli_fail("log", gaz_archive_mdb_error(rc, "commit"));
		goto end;
	}
	gaz_hex(sth.root, 32, h);
	printf("signed tree head: size %llu root %s\n", (unsigned long long)sth.size, h);
	ret = EXIT_OK;
end:
	if (txn)
		mdb_txn_abort(txn);
	EVP_PKEY_free(key);
	return ret;
}

/* ---- offline verification -------------------------------------------------------- */

static int jnum(const cJSON *o, const char *k, uint64_t *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > JSON_INT_MAX ||
	    v->valuedouble != (double)(uint64_t)v->valuedouble)
		return gaz_fail(GAZ_EFORMAT, "\"%s\" must be a whole number", k);
	*out = (uint64_t)v->valuedouble;
	return 0;
}

static int jhex(const cJSON *o, const char *k, unsigned char *out, size_t n)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	if (!cJSON_IsString(v) || gaz_unhex(v->valuestring, out, n))
		return gaz_fail(GAZ_EFORMAT, "\"%s\" must be %zu hex digits", k, 2 * n);
	return 0;
}

static int jsth(const cJSON *o, struct gaz_tlog_sth *s)
{
	int rc;

	if (!cJSON_IsObject(o))
		return gaz_fail(GAZ_EFORMAT, "no signed tree head");
	if ((rc = jnum(o, "tree_size", &s->size)) || (rc = jnum(o, "timestamp_ms", &s->timestamp_ms)) ||
	    (rc = jhex(o, "root_hash", s->root, 32)) || (rc = jhex(o, "signature", s->sig, 64)))
		return rc;
	return 0;
}

static int jpath(const cJSON *o, struct gaz_tlog_proof *p)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, "path"), *h;

	p->n = 0;
	if (!cJSON_IsArray(a))
		return gaz_fail(GAZ_EFORMAT, "\"path\" must be an array of hashes");
	cJSON_ArrayForEach(h, a) {
		if (p->n == GAZ_TLOG_MAX_PROOF)
			return gaz_fail(GAZ_EFORMAT, "\"path\" has more than %d hashes",
					GAZ_TLOG_MAX_PROOF);
		if (!cJSON_IsString(h) || gaz_unhex(h->valuestring, p->h[p->n], 32))
			return gaz_fail(GAZ_EFORMAT, "\"path\" holds a value that is not a hash");
		p->n++;
	}
	return 0;
}

/* 0, or the exit code: 2 if unreadable, 1 if not JSON (a bad proof). */
static int load_json(const char *path, cJSON **out)
{
	char *buf = NULL;
	size_t len;
	int rc;

	if ((rc = gaz_read_file(path, PROOF_FILE_MAX, &buf, &len)))
		return cli_error(path, rc);
	*out = cJSON_ParseWithLength(buf, len);
	free(buf);
	if (!*out) {
		fprintf(stderr, "gazette: %s: not JSON\n", path);
		return EXIT_FAILED;
	}
	return 0;
}

static int verify_proof(int argc, char **argv)
{
	const char *file = NULL, *pub_path = NULL, *sth_path = NULL, *v;
	cJSON *j = NULL, *sj = NULL;
	EVP_PKEY *pub = NULL;
	struct gaz_tlog_sth sth, s1;
	struct gaz_tlog_proof p;
	const cJSON *type;
	int i, missing = 0, rc, ret = EXIT_USAGE;

	for (i = 2; i < argc; i++) {
		AR_OPT("log", "--pub", pub_path)
		else AR_OPT("log", "--sth", sth_path)
		else if (argv[i][0] == '-' && argv[i][1] == '-')
			return cli_usage("log", "unknown option %s", argv[i]);
		else if (file)
			return cli_usage("log", "one PROOF.json only");
		else
			file = argv[i];
	}
	(void)v;
	if (!file || !pub_path)
		return cli_usage("log", "verify-proof needs PROOF.json and --pub PEM");
	if ((rc = gaz_tlog_load_pub(pub_path, &pub))) {
		ret = cli_error(pub_path, rc);
		goto end;
	}
	if ((ret = load_json(file, &j)) || (sth_path && (ret = load_json(sth_path, &sj))))
		goto end;
	/* from here on a defect is the proof's: exit 1 */
	ret = EXIT_FAILED;
	if ((rc = jsth(sj ? sj : cJSON_GetObjectItemCaseSensitive(j, "sth"), &sth))) {
		cli_error(file, rc);
		fprintf(stderr, "gazette: %s: without a signed tree head the root proves nothing\n",
			file);
		goto end;
	}
	if ((rc = gaz_tlog_sth_verify(&sth, pub))) {
		cli_error(sth_path ? sth_path : file, rc);
		goto end;
	}
	type = cJSON_GetObjectItemCaseSensitive(j, "type");
	if (cJSON_IsString(type) && !strcmp(type->valuestring, "inclusion")) {
		uint64_t idx = 0, size = 0; /* jnum() writes them; gcc cannot tell it fails nonzero */
		unsigned char lh[32], calc[32], data[GAZ_TLOG_LEAF_MAX];
		const cJSON *ld = cJSON_GetObjectItemCaseSensitive(j, "leaf_data");
		size_t dn = 0;

		if ((rc = jnum(j, "leaf_index", &idx)) || (rc = jnum(j, "tree_size", &size)) ||
		    (rc = jhex(j, "leaf_hash", lh, 32)) || (rc = jpath(j, &p))) {
			cli_error(file, rc);
			goto end;
		}
		if (ld) {
			dn = cJSON_IsString(ld) ? strlen(ld->valuestring) / 2 : 0;
			if (!cJSON_IsString(ld) || dn > GAZ_TLOG_LEAF_MAX ||
			    gaz_unhex(ld->valuestring, data, dn)) {
				cli_error(file, gaz_fail(GAZ_EFORMAT, "\"leaf_data\" must be hex"));
				goto end;
			}
			gaz_tlog_leaf_hash(data, dn, calc);
			if (memcmp(calc, lh, 32)) {
				cli_error(file, gaz_fail(GAZ_ECORRUPT, "leaf_data does not hash to "
							 "leaf_hash"));
				goto end;
			}
		}
		if (size != sth.size) {
			cli_error(file, gaz_fail(GAZ_ECORRUPT, "the proof is for a tree of %llu, "
						 "the signed head for %llu",
						 (unsigned long long)size,
						 (unsigned long long)sth.size));
			goto end;
		}
		if ((rc = gaz_tlog_verify_inclusion(lh, idx, size, &p, sth.root))) {
			cli_error(file, rc);
			goto end;
		}
		printf("valid: leaf %llu is in the signed tree of %llu leaves\n",
		       (unsigned long long)idx, (unsigned long long)size);
		if (ld)
			print_entry(data, dn);
		ret = EXIT_OK;
	} else if (cJSON_IsString(type) && !strcmp(type->valuestring, "consistency")) {
		uint64_t m = 0, n = 0;
		unsigned char r1[32];
		const cJSON *f = cJSON_GetObjectItemCaseSensitive(j, "first_sth");

		if ((rc = jnum(j, "first", &m)) || (rc = jnum(j, "second", &n)) ||
		    (rc = jhex(j, "first_root", r1, 32)) || (rc = jpath(j, &p))) {
			cli_error(file, rc);
			goto end;
		}
		if (n != sth.size) {
			cli_error(file, gaz_fail(GAZ_ECORRUPT, "the proof is to a tree of %llu, "
						 "the signed head is of %llu",
						 (unsigned long long)n, (unsigned long long)sth.size));
			goto end;
		}
		/* the old root, when its head is given, must be signed too */
		if (cJSON_IsObject(f)) {
			if ((rc = jsth(f, &s1)) || (rc = gaz_tlog_sth_verify(&s1, pub))) {
				cli_error(file, rc);
				goto end;
			}
			if (s1.size != m || memcmp(s1.root, r1, 32)) {
				cli_error(file, gaz_fail(GAZ_ECORRUPT, "first_root is not the root "
							 "of first_sth"));
				goto end;
			}
		}
		if ((rc = gaz_tlog_verify_consistency(m, n, r1, sth.root, &p))) {
			cli_error(file, rc);
			goto end;
		}
		printf("valid: the tree of %llu leaves%s is a prefix of the signed tree of %llu\n",
		       (unsigned long long)m, cJSON_IsObject(f) ? " (signed)" : "",
		       (unsigned long long)n);
		ret = EXIT_OK;
	} else {
		cli_error(file, gaz_fail(GAZ_EFORMAT, "\"type\" must be inclusion or consistency"));
	}
end:
	cJSON_Delete(j);
	cJSON_Delete(sj);
	EVP_PKEY_free(pub);
	return ret;
}

int cmd_log(int argc, char **argv)
{
	const char *archive = NULL, *key = NULL, *pass = NULL, *sha = NULL, *size = NULL, *v;
	const char *verb = NULL, *arg1 = NULL, *arg2 = NULL;
	struct gaz_archive *a = NULL;
	MDB_txn *txn = NULL;
	int i, missing = 0, json = 0, rc, ret = EXIT_USAGE;

	if (argc >= 2 && !strcmp(argv[1], "verify-proof"))
		return verify_proof(argc, argv);
	for (i = 1; i < argc; i++) {
		AR_OPT("log", "--archive", archive)
		else AR_OPT("log", "--key", key)
		else AR_OPT("log", "--pass-file", pass)
		else AR_OPT("log", "--sha256", sha)
		else AR_OPT("log", "--size", size)
		else if (!strcmp(argv[i], "--json"))
			json = 1;
		else if (argv[i][0] == '-' && argv[i][1] == '-')
			return cli_usage("log", "unknown option %s", argv[i]);
		else if (!verb)
			verb = argv[i];
		else if (!arg1)
			arg1 = argv[i];
		else if (!arg2)
			arg2 = argv[i];
		else
			return cli_usage("log", "too many arguments");
	}
	(void)v;
	if (!verb)
		verb = "head";
	if (!strcmp(verb, "verify-proof"))
		return cli_usage("log", "verify-proof comes first: gazette log verify-proof FILE");
	if (strcmp(verb, "head") && strcmp(verb, "sign") && strcmp(verb, "leaf") &&
	    strcmp(verb, "inclusion") && strcmp(verb, "consistency"))
		return cli_usage("log", "unknown log command %s", verb);
	{
		/* what each command takes: nothing more is silently ignored */
		int max = !strcmp(verb, "consistency") ? 2 : !strcmp(verb, "leaf") ||
			  !strcmp(verb, "inclusion") ? 1 : 0;
		if ((max < 2 && arg2) || (max < 1 && arg1))
			return cli_usage("log", "%s: unexpected argument %s", verb,
					 max < 1 ? arg1 : arg2);
	}
	if ((ret = ar_cli_open(archive, strcmp(verb, "sign") ? GAZ_AR_READONLY : GAZ_AR_WRITE,
			       NULL, &a)))
		goto end;
	if (!strcmp(verb, "sign")) {
		ret = do_sign(a, key, pass);
		goto end;
	}
	if ((rc = gaz_archive_read_begin(a, &txn))) {
		ret = ar_cli_fail(archive, rc);
		goto end;
	}
	if (!strcmp(verb, "head"))
		ret = do_head(txn, json);
	else if (!strcmp(verb, "leaf"))
		ret = do_leaf(txn, arg1, json);
	else if (!strcmp(verb, "inclusion"))
		ret = do_inclusion(txn, arg1, sha, size, json);
	else
		ret = do_consistency(txn, arg1, arg2, json);
end:
	gaz_archive_read_end(a, txn);
	gaz_archive_close(a);
	return ret;
}

/* libFuzzer harness: search queries (parser, intersections, phrase checks,
 * snippets) against a small real index built once in a temporary LMDB
 * environment.  The first byte sets filters and pagination; the rest is the
 * query text. */
#include "gazette/search.h"

#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static MDB_env *env;
static char dir[64];

static void cleanup(void)
{
	char p[128];

	if (env)
		mdb_env_close(env);
	snprintf(p, sizeof p, "%s/data.mdb", dir);
	unlink(p);
	snprintf(p, sizeof p, "%s/lock.mdb", dir);
	unlink(p);
	rmdir(dir);
}

static void setup(void)
{
	static const char *texts[] = {
		"加快政府公报电子化进程，推进政府公报数据库建设。依据ＧＢ／Ｔ　９７０４－２０１２排版。",
		"政务公开，城市更新。做好舆情早报、日报、专报、快报、月报。2018年重点工作任务分解。",
		"政务公开工作要点：公开公开公开。政务，公开。〇一二三。abc ABC ａｂｃ 123",
	};
	struct gaz_search_writer *w = NULL;
	MDB_txn *txn;
	size_t i;

	strcpy(dir, "/tmp/gaz-fuzz-search-XXXXXX");
	if (!mkdtemp(dir) || mdb_env_create(&env) || mdb_env_set_maxdbs(env, GAZ_SEARCH_NDBI) ||
	    mdb_env_set_mapsize(env, 16u << 20) || mdb_env_open(env, dir, 0, 0600) ||
	    mdb_txn_begin(env, NULL, 0, &txn) || gaz_search_writer_new(txn, &w))
		abort();
	atexit(cleanup);
	for (i = 0; i < 40; i++) {
		struct gaz_search_doc d = { 0 };

		d.id = i + 1;
		d.title = i % 3 ? "关于政务公开的通知" : "政府公报";
		d.text = texts[i % 3];
		d.text_len = strlen(d.text);
		d.issuer = i % 2 ? "鞍山市人民政府办公室" : "广州市城市更新局";
		d.published = i % 2 ? "2023-07-04" : "2018-08-08";
		d.status = (enum gaz_search_status)(1 + i % 4);
		d.issue_year = 2023;
		d.issue_number = 1 + (uint32_t)(i % 3);
		if (gaz_search_writer_add(w, &d))
			abort();
	}
	if (gaz_search_writer_flush(w) || gaz_search_supersede(txn, 5) || mdb_txn_commit(txn))
		abort();
	gaz_search_writer_free(w);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct gaz_search_query q = { 0 };
	struct gaz_search_results *r = NULL;
	MDB_txn *txn;
	char text[GAZ_SEARCH_QUERY_MAX + 2];

	if (!env)
		setup();
	if (size < 1 || size - 1 > GAZ_SEARCH_QUERY_MAX + 1)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = 0;
	q.text = text;
	if (data[0] & 1)
		q.issuer = "鞍山市人民政府办公室";
	if (data[0] & 2)
		q.from = "2020-01-01";
	if (data[0] & 4)
		q.status = GAZ_ST_VALID;
	q.include_superseded = (data[0] & 8) != 0;
	q.offset = (data[0] >> 4) & 3;
	q.limit = 1 + (data[0] >> 6);
	q.snippet_chars = 1 + (data[0] & 31);
	if (mdb_txn_begin(env, NULL, MDB_RDONLY, &txn))
		abort();
	if (!gaz_search_query(txn, &q, &r)) {
		for (size_t i = 0; i < r->n; i++)
			for (size_t k = 0; k < r->hits[i].n_spans; k++)
				if (r->hits[i].spans[k].off + r->hits[i].spans[k].len >
				    strlen(r->hits[i].plain))
					abort(); /* a span outside its snippet */
		gaz_search_results_free(r);
	}
	mdb_txn_abort(txn);
	return 0;
}

/*
 * archive/search_query.h — the state of one query, shared by
 * search_query.c (parsing, intersection, ranking) and search_hit.c (phrase
 * matching in a document's units, snippets, hits).  Not installed.
 */
#ifndef GAZETTE_SEARCH_QUERY_H
#define GAZETTE_SEARCH_QUERY_H

#include "search_int.h"

#define QT_MAX 128          /* distinct terms in one query */
#define BM25_K1 1.2
#define BM25_B 0.75
#define SNIPPET_DEFAULT 80
#define LIMIT_DEFAULT 20
/* Documents an exact key (发文字号, 索引号, code) ranks first; beyond
 * these, its other copies are ordinary full-text hits. */
#define KEY_HITS_MAX 1000

struct qterm {
	char key[FTS_TERM_MAX];
	size_t len;
	struct piter it;
};

struct clause {
	struct unit *u;      /* the clause's units (query text) */
	size_t nu;
	int verify;          /* needs a phrase check against the text */
	char raw[GAZ_SEARCH_QUERY_MAX]; /* a run of CJK characters: its bytes */
	size_t rawlen;       /* 0 unless the clause is one such run */
	size_t terms[QT_MAX];/* indexes into the query's terms */
	size_t nt;
	double idf;
};

struct cand {
	uint64_t id;
	double score;
	int exact;           /* the query is its key: before every other hit */
};

struct qstate {
	MDB_txn *txn;
	struct fts_dbis d;
	struct fts_stats st;
	double avgdl;
	struct qterm *t;     /* QT_MAX */
	size_t nt, nreq;     /* nreq: terms that every hit must contain */
	struct clause c[GAZ_SEARCH_QUERY_TERMS];
	size_t nc;
	int verify;          /* some clause needs verification */
	uint32_t from, to;   /* column dates, 0 = open */
	enum gaz_search_status status;
	int superseded;      /* include superseded documents */
	uint64_t *exact;     /* ids whose key the query is (ascending), passing
				the filters; KEY_HITS_MAX */
	size_t nexact;
	/* column cache */
	uint64_t colkey;
	int col_ok;
	unsigned char col[FTS_COL_N * FTS_COL_SIZE];
	struct units du;     /* scratch: a document's units */
};

/* The column entry of id (*e NULL if the document is not indexed). */
int fts_col_entry(struct qstate *q, uint64_t id, const unsigned char **e);
/* Does clause c start at du->v[p]? */
int fts_match_at(const struct units *du, size_t p, const struct clause *c);
/* Tokenises a document (title, then body) into q->du. */
int fts_doc_units(struct qstate *q, const struct rec *r, const char *text);
/* The record of id (a posting naming a missing one is GAZ_ECORRUPT). */
int fts_load_rec(struct qstate *q, uint64_t id, struct rec *r);
/* Fills a hit: fields, status, snippet, spans, title match. */
int fts_fill_hit(struct qstate *q, const struct gaz_search_query *qq, const struct cand *c,
		 struct gaz_search_hit *h);

#endif

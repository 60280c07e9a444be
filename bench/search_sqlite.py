#!/usr/bin/env python3
"""The SQLite FTS5 (trigram) side of bench/search.sh.

  search_sqlite.py build CORPUS.jsonl DB
  search_sqlite.py query DB RUNS QUERY...

The same documents, the same fields: an FTS5 table over title and body with
tokenize='trigram' (the only FTS5 tokenizer that finds Chinese substrings;
it needs 3 characters) plus a table of the filter columns.  Queries are
top-20 by bm25 with a highlighted snippet, as `gazette search` returns.
Prints key=value lines.
"""
import json
import os
import resource
import sqlite3
import statistics
import sys
import time


def build(corpus, db):
    docs = []
    with open(corpus, encoding="utf-8") as f:
        for line in f:
            docs.append(json.loads(line))
    if os.path.exists(db):
        os.unlink(db)
    t0 = time.perf_counter()
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("CREATE TABLE meta(id INTEGER PRIMARY KEY, doc_no, issuer, subject, genre,"
                " written, published, status, issue_year, issue_number)")
    con.execute("CREATE VIRTUAL TABLE fts USING fts5(title, body, tokenize='trigram')")
    with con:
        con.executemany("INSERT INTO meta VALUES (?,?,?,?,?,?,?,?,?,?)",
                        ((d["id"], d["doc_no"], d["issuer"], d["subject"], d["genre"],
                          d["written"], d["published"], d["status"], d["issue_year"],
                          d["issue_number"]) for d in docs))
        con.executemany("INSERT INTO fts(rowid, title, body) VALUES (?,?,?)",
                        ((d["id"], d["title"], d["text"]) for d in docs))
    con.close()
    t1 = time.perf_counter()
    con = sqlite3.connect(db)
    total = os.path.getsize(db)
    try:
        idx = con.execute("SELECT SUM(pgsize) FROM dbstat WHERE name IN "
                          "('fts_data','fts_idx','fts_docsize','fts_config')").fetchone()[0]
    except sqlite3.Error:
        idx = -1
    con.close()
    # peak RSS includes the whole corpus, which this side loads first
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print("docs=%d\nbuild_s=%.3f\ntotal_bytes=%d\nindex_bytes=%d\npeak_rss_kb=%d"
          % (len(docs), t1 - t0, total, idx, rss))


def query(db, runs, qs):
    con = sqlite3.connect(db)
    sql = ("SELECT rowid, snippet(fts, 1, '【', '】', '…', 24) FROM fts "
           "WHERE fts MATCH ? ORDER BY bm25(fts) LIMIT 20")
    for q in qs:
        arg = '"' + q.replace('"', '""') + '"'
        times, rows = [], []
        for i in range(runs + 1):
            t0 = time.perf_counter()
            rows = con.execute(sql, (arg,)).fetchall()
            if i:
                times.append(time.perf_counter() - t0)
        print("query=%s\nms=%.3f\nrows=%d" % (q, statistics.median(times) * 1e3, len(rows)))
    con.close()


def main():
    a = sys.argv[1:]
    if len(a) == 3 and a[0] == "build":
        build(a[1], a[2])
    elif len(a) >= 4 and a[0] == "query":
        query(a[1], int(a[2]), a[3:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Turns a gen-corpus JSONL file into issue folders for `gazette publish`.

Usage: mkarchive.py CORPUS.jsonl OUTDIR DOCS_PER_ISSUE PDF_BYTES

Writes OUTDIR/issue-NNNNN/ (issue.conf + one .txt per document) and
OUTDIR/issue-NNNNN.pdf (a PDF-looking file of PDF_BYTES random bytes, so
that every issue's PDF is distinct; `gazette publish` takes only real
signed PDFs, which bench/serve.sh makes in its place), and
OUTDIR/issue-NNNNN.pages (the
page map).  Issues are numbered 1..12 per year from 2001 on.  Document
numbers are rebuilt as PREFIX〔YEAR〕ID号, unique per corpus line.
"""
import json
import os
import random
import sys


def main():
    corpus, out, per, size = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    os.makedirs(out, exist_ok=True)
    rnd = random.Random(7)
    docs = [json.loads(line) for line in open(corpus, encoding="utf-8")]
    n_issues = (len(docs) + per - 1) // per
    for k in range(n_issues):
        year, number = 2001 + k // 12, k % 12 + 1
        d = os.path.join(out, "issue-%05d" % k)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "issue.conf"), "w", encoding="utf-8") as f:
            f.write("刊名：政府公报\n年份：%d\n期号：%d\n总期号：%d\n出版日期：%d-%02d-28\n"
                    "栏目：文件\n主办：政府办公室（基准测试）\n编辑出版：政府公报编辑部\n"
                    "地址：示例市人民路1号\n邮编：100000\n电话：010-12345678\n"
                    "网址：https://gazette.example.gov.cn\n水印：政府公报\n"
                    % (year, number, k + 1, year, number))
        pages = []
        for i, doc in enumerate(docs[k * per:(k + 1) * per]):
            no = "%s〔%d〕%d号" % (doc["doc_no"].split("〔")[0], year, doc["id"])
            pub = "%d-%02d-%02d" % (year, number, 1 + i % 27)
            with open(os.path.join(d, "%03d.txt" % i), "w", encoding="utf-8") as f:
                f.write("索引号：BENCH0001/%d-%06d\n发文字号：%s\n文件标题：%s\n发布机构：%s\n"
                        "成文日期：%s\n发布日期：%s\n主题分类：%s\n体裁分类：%s\n有效性：有效\n"
                        "栏目：文件\n\n%s\n" % (year, doc["id"] % 1000000, no, doc["title"], doc["issuer"],
                                           pub, pub, doc["subject"], doc["genre"],
                                           doc["text"].replace("\n\n", "\n")))
            pages.append("%s=%d-%d" % (no, i + 1, i + 1))
        with open(d + ".pages", "w", encoding="utf-8") as f:
            f.write("\n".join(pages) + "\n")
        with open(d + ".pdf", "wb") as f:
            f.write(b"%PDF-1.7\n% issue " + str(k).encode() + b"\n")
            f.write(rnd.randbytes(max(0, size - 40)))
            f.write(b"\n%%EOF\n")
    print(n_issues)


if __name__ == "__main__":
    main()

#!/bin/bash
# gazette compile, end to end: the sample issue's PDF read back with
# poppler — every document's text extracted equals its source text, no
# extracted line starts or ends with forbidden punctuation, every page
# renders, two compiles are byte-identical — and every kind of bad input
# gives a clear error, a non-zero exit and no output file (an existing one
# is left untouched).
set -euo pipefail

: "${GAZETTE:?}" "${SRC:?}"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
SAMPLE="$SRC/tests/sample-issue"
fail() { echo "FAIL: $*" >&2; exit 1; }

for tool in pdftotext pdftoppm pdfinfo python3; do
	command -v "$tool" >/dev/null || fail "$tool not installed (see .ci/packages)"
done

# ---- the sample issue ------------------------------------------------------
"$GAZETTE" compile "$SAMPLE" -o "$T/a.pdf" >"$T/spans" 2>"$T/err" || { cat "$T/err"; fail "compile"; }
[ -s "$T/a.pdf" ] || fail "no PDF"
[ "$(wc -l <"$T/spans")" -eq 5 ] || fail "expected 5 document spans: $(cat "$T/spans")"

# Text: per document, the PDF pages of its span with the running head,
# page numbers and verification lines removed, whitespace removed, are its
# title, document number and body text exactly.
python3 - "$T/a.pdf" "$T/spans" "$SAMPLE" <<'EOF'
import re, subprocess, sys, os
pdf, spans, sample = sys.argv[1:4]
conf = {}
for line in open(os.path.join(sample, "issue.conf"), encoding="utf-8"):
    m = re.match(r"^([^#：:]+)[：:](.*)$", line.strip())
    if m: conf.setdefault(m.group(1).strip(), m.group(2).strip())
head = "%s · %s年第%s期" % (conf["刊名"], conf["年份"], conf["期号"])
ws = re.compile(r"[\s\u3000]+")
bad = 0
text = {}
for mode in ("-layout", "-raw"):
    out = subprocess.run(["pdftotext", mode, pdf, "-"], capture_output=True, text=True,
                         check=True)
    if out.stderr.strip():
        print("pdftotext warnings:", out.stderr[:300]); bad += 1
    text[mode] = out.stdout.split("\f")
for row in open(spans, encoding="utf-8"):
    name, pages, title = row.rstrip("\n").split("\t")
    first, last = map(int, re.search(r"PDF (\d+)-(\d+)", pages).groups())
    src = open(os.path.join(sample, name), encoding="utf-8").read()
    hdr, body = src.split("\n\n", 1)
    fields = dict(re.match(r"^([^：:]+)[：:](.*)$", l).groups() for l in hdr.splitlines())
    want = ws.sub("", fields["文件标题"] + fields["发文字号"] + body)
    for mode in text:
        keep = []
        for l in "\n".join(text[mode][first - 1:last]).splitlines():
            s = l.strip()
            if head in s or s == fields["栏目"] or re.fullmatch(r"— \S+ —", s) or "核验码" in s or "核验本文件" in s or "/verify/" in s:
                continue
            keep.append(l)
        got = ws.sub("", "".join(keep))
        if got != want:
            k = next((i for i in range(min(len(got), len(want))) if got[i] != want[i]),
                     min(len(got), len(want)))
            print("%s %s: extracted text differs at %d: got %r want %r"
                  % (name, mode, k, got[k:k+40], want[k:k+40]))
            bad += 1
sys.exit(1 if bad else 0)
EOF

# clreq: no extracted line starts or ends with forbidden punctuation.
pdftotext "$T/a.pdf" "$T/a.txt"
python3 - "$T/a.txt" <<'EOF'
import sys, re
no_start = set("，。、；：？！）》」』】〕〗〉”’…—·％")
no_end = set("（《「『【〔〖〈“‘")
bad = 0
n = 0
for l in open(sys.argv[1], encoding="utf-8"):
    s = l.strip().strip("\f")
    if not s or re.fullmatch(r"— \S+ —", s):
        continue
    n += 1
    if s[0] in no_start or s[-1] in no_end:
        print("forbidden at line edge:", s); bad += 1
if n < 500:
    print("only %d lines extracted" % n); bad += 1
sys.exit(1 if bad else 0)
EOF

# Every page renders.
pages=$(pdfinfo "$T/a.pdf" | awk '/^Pages:/ {print $2}')
[ "$pages" -gt 10 ] || fail "only $pages pages"
pdftoppm -r 10 -png "$T/a.pdf" "$T/page" 2>"$T/ppm.err" || fail "pdftoppm failed"
[ "$(ls "$T"/page-*.png | wc -l)" -eq "$pages" ] || fail "not every page rendered"
! grep -qi -e error -e warning "$T/ppm.err" || fail "pdftoppm: $(head -3 "$T/ppm.err")"

# The 目录 bookmark opens the contents page, and the page labels are what
# the pages print: 封面, then the contents in roman numerals, then the
# documents from 1, and 封底.
qpdf --json --json-key=pagelabels --json-key=outlines "$T/a.pdf" >"$T/nav.json"
python3 - "$T/nav.json" "$pages" <<'EOF' || fail "bookmarks/page labels"
import json, sys
j = json.load(open(sys.argv[1], encoding="utf-8"))
toc = [o for o in j["outlines"] if o["title"] == "目录"]
assert toc and toc[0]["destpageposfrom1"] == 2, "目录 opens page %r" % [o["destpageposfrom1"] for o in toc]
labels = [(l["index"], l["label"].get("/S"), l["label"].get("/P")) for l in j["pagelabels"]]
want = [(0, None, "u:封面"), (1, "/r", None), (2, "/D", None), (int(sys.argv[2]) - 1, None, "u:封底")]
assert labels == want, "page labels %r" % labels
EOF

# Deterministic.
"$GAZETTE" compile "$SAMPLE" -o "$T/b.pdf" >/dev/null 2>&1 || fail "second compile"
cmp -s "$T/a.pdf" "$T/b.pdf" || fail "two compiles differ"

# ---- bad input: clear error, non-zero exit, no output -----------------------
# Each case: a copy of the sample, broken one way; the output path holds an
# old file that must survive, and a fresh path must stay absent.
n_bad=0
bad_case() { # name, expected exit, grep pattern for stderr
	local name=$1 want=$2 pat=$3 rc=0
	echo old >"$T/old.pdf"
	"$GAZETTE" compile "$T/issue" -o "$T/old.pdf" >/dev/null 2>"$T/$name.err" || rc=$?
	[ "$rc" -eq "$want" ] || fail "$name: exit $rc, expected $want ($(head -3 "$T/$name.err"))"
	[ "$(cat "$T/old.pdf")" = old ] || fail "$name: existing output was changed"
	rc=0
	"$GAZETTE" compile "$T/issue" -o "$T/new.pdf" >/dev/null 2>>"$T/$name.err" || rc=$?
	[ "$rc" -eq "$want" ] || fail "$name: exit $rc on the second run"
	[ ! -e "$T/new.pdf" ] || fail "$name: an output file was written"
	ls "$T" | grep -q '^new.pdf' && fail "$name: a temporary output was left"
	grep -q -- "$pat" "$T/$name.err" || fail "$name: stderr lacks '$pat': $(head -5 "$T/$name.err")"
	n_bad=$((n_bad + 1))
}
fresh() { rm -rf "$T/issue"; cp -r "$SAMPLE" "$T/issue"; }
DOC=05-anshan-2023-17.txt

fresh; sed -i '/^文件标题/d' "$T/issue/$DOC"
bad_case missing-field 1 "$DOC"
fresh; sed -i 's/^成文日期：.*/成文日期：2023-02-30/' "$T/issue/$DOC"
bad_case bad-date 1 "$DOC:.*成文日期"
fresh; cp "$T/issue/$DOC" "$T/issue/06-copy.txt"
bad_case duplicate-number 1 "06-copy.txt"
fresh; printf '第二十一条 \xff\xfe 无效字节。\n' >>"$T/issue/$DOC"
bad_case invalid-utf8 1 "$DOC"
fresh; head -c 301 "$SAMPLE/$DOC" >"$T/issue/$DOC"
bad_case truncated 1 "$DOC"
fresh; printf '正文字体：/nonexistent/font.ttf\n' >>"$T/issue/issue.conf"
bad_case unreadable-font 1 "/nonexistent/font.ttf"
fresh; printf '本段有一个无法显示的字\xee\x80\x80。\n' >>"$T/issue/$DOC"
bad_case undrawable-char 1 "$DOC:[0-9]*: no font can draw U+E000"
fresh; rm "$T/issue"/*.txt
bad_case empty-issue 1 "empty issue"
rm -rf "$T/issue"
bad_case missing-dir 2 "issue"
[ "$n_bad" -eq 9 ] || fail "bad-input cases run: $n_bad"

# Usage and I/O errors: exit 2, nothing written.
rc=0; "$GAZETTE" compile "$SAMPLE" 2>/dev/null || rc=$?
[ "$rc" -eq 2 ] || fail "missing -o: exit $rc"
rc=0; "$GAZETTE" compile "$SAMPLE" -o 2>"$T/usage.err" || rc=$?
[ "$rc" -eq 2 ] && grep -q "needs a file name" "$T/usage.err" || fail "-o without a name: exit $rc"
rc=0; "$GAZETTE" compile "$SAMPLE" -o "$T/no/such/dir/x.pdf" >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 2 ] || fail "unwritable output: exit $rc"
[ ! -e "$T/no" ] || fail "unwritable output: something was created"
# -o never replaces a file of the issue, nor a device, pipe or directory
fresh
rc=0; "$GAZETTE" compile "$T/issue" -o "$T/issue/issue.conf" >/dev/null 2>"$T/usage.err" || rc=$?
[ "$rc" -eq 2 ] && grep -q "is also an input" "$T/usage.err" || fail "-o issue.conf: exit $rc"
cmp -s "$T/issue/issue.conf" "$SAMPLE/issue.conf" || fail "-o issue.conf replaced the config"
mkfifo "$T/fifo.pdf"
rc=0; "$GAZETTE" compile "$SAMPLE" -o "$T/fifo.pdf" >/dev/null 2>"$T/usage.err" || rc=$?
[ "$rc" -eq 2 ] && grep -q "not a regular file" "$T/usage.err" && [ -p "$T/fifo.pdf" ] ||
	fail "-o FIFO: exit $rc"
echo "ok: $pages pages, text equal, clreq clean, deterministic, $n_bad bad inputs refused"

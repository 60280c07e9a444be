#!/bin/bash
# The PDF writer checked from the PDF itself, by tools that are not ours:
# poppler (pdffonts, pdftotext, pdftoppm), qpdf, mupdf, PDFBox preflight
# (PDF/A-1b), zbar (the QR code).  The display list comes from test_pdfout.
set -euo pipefail

: "${BUILD:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$BUILD/tests/test_pdfout" "$tmp/a.pdf" "$tmp/a.txt" >/dev/null
"$BUILD/tests/test_pdfout" "$tmp/b.pdf" "$tmp/b.txt" >/dev/null
cmp -s "$tmp/a.pdf" "$tmp/b.pdf" || fail "two renders differ"
pdf=$tmp/a.pdf

# Every tool's stderr must be empty.  mupdf as packaged by Debian prints one
# fixed build notice ("ICC support is not available") and, for draw, a
# progress line per page; nothing else is tolerated.
quiet() {
	local err
	err=$("$@" 2>&1 >/dev/null | grep -v -e '^warning: ICC support is not available$' \
		-e '^page .* [0-9]*$' || true)
	[ -z "$err" ] || fail "$1 printed: $err"
}
quiet pdffonts "$pdf"
quiet pdftotext "$pdf" "$tmp/out.txt"
quiet qpdf --check "$pdf"
quiet mutool info "$pdf"
quiet mutool draw -o /dev/null "$pdf"
quiet pdftoppm -r 60 -png "$pdf" "$tmp/page"
qpdf --check "$pdf" >/dev/null || fail "qpdf --check"

# Fonts: every one embedded and subset, with a six-letter subset tag.
pdffonts "$pdf" | tail -n +3 >"$tmp/fonts"
[ "$(wc -l <"$tmp/fonts")" -ge 2 ] || fail "expected two fonts (body + fallback)"
while read -r name type1 type2 enc emb sub uni rest; do
	[ "$type1 $type2" = "CID TrueType" ] || fail "font $name is $type1 $type2"
	[ "$emb $sub $uni" = "yes yes yes" ] || fail "font $name: emb/sub/uni $emb $sub $uni"
	[[ $name =~ ^[A-Z]{6}\+ ]] || fail "font $name has no subset tag"
done <"$tmp/fonts"

# Text: equal to the source ignoring whitespace; lines justified with Tc
# (no whitespace in the source) come back verbatim, without spaces.
python3 - "$tmp/a.txt" "$tmp/out.txt" <<'EOF' || fail "extracted text differs"
import sys
want = open(sys.argv[1], encoding="utf-8").read()
got = open(sys.argv[2], encoding="utf-8").read()
if "".join(want.split()) != "".join(got.split()):
    print("want:", "".join(want.split()), "\ngot: ", "".join(got.split()), file=sys.stderr)
    sys.exit(1)
lines = set(got.splitlines())
for w in want.splitlines():
    if w and not any(c.isspace() for c in w) and w not in lines:
        print("line not extracted verbatim:", w, file=sys.stderr)
        sys.exit(1)
EOF
grep -q "样本" "$tmp/out.txt" && fail "watermark is extractable text"

# Bookmarks (UTF-16 titles, nesting, targets), page labels, the link.
qpdf --json --json-key=pagelabels --json-key=outlines "$pdf" >"$tmp/json"
python3 - "$tmp/json" <<'EOF' || fail "outlines/page labels"
import json, sys
j = json.load(open(sys.argv[1], encoding="utf-8"))
def walk(items, depth, out):
    for o in items:
        out.append((depth, o["title"], o["destpageposfrom1"]))
        walk(o["kids"], depth + 1, out)
    return out
got = walk(j["outlines"], 0, [])
want = [(0, "区政府文件", 1), (1, "关于加强管理的通知", 1), (2, "一、总则", 1), (1, "第二页", 2)]
if got != want:
    sys.exit("outlines %r" % got)
labels = [(l["index"], l["label"].get("/S"), l["label"].get("/P")) for l in j["pagelabels"]]
if labels != [(0, None, "u:封面"), (1, "/D", None)]:
    sys.exit("page labels %r" % labels)
EOF
qpdf --qdf --object-streams=disable "$pdf" "$tmp/qdf.pdf"
grep -a -A12 "/Subtype /Link" "$tmp/qdf.pdf" >/dev/null || fail "no link annotation"
python3 - "$tmp/qdf.pdf" <<'EOF' || fail "link annotation"
import re, sys
d = open(sys.argv[1], "rb").read()
objs = re.findall(rb"\d+ 0 obj\n(<<.*?\n>>)\nendobj", d, re.S)
links = [o for o in objs if b"/Subtype /Link" in o]
if len(links) != 1 or b"/F 4" not in links[0] or b"/Dest" not in links[0]:
    sys.exit("links: %r" % links)
EOF

# Size: fonts are subsets (libharu alone embeds ~550 KB per font).
size=$(stat -c %s "$pdf")
[ "$size" -lt 60000 ] || fail "PDF is $size bytes"

# Pixels: the watermark is visible (its grey under the body), U+3000 is
# blank (no box), the QR code decodes.
pdftoppm -r 60 -gray -f 1 -l 1 "$pdf" "$tmp/gray"
python3 - "$tmp"/gray-1.pgm <<'EOF' || fail "rendered page check"
import sys
d = open(sys.argv[1], "rb").read()
parts = d.split(maxsplit=4)
w, h = int(parts[1]), int(parts[2])
px = parts[4]
def at(x, y): return px[y * w + x]
s = 60 / 72
grey = sum(1 for v in px if 200 <= v <= 230)
if grey < 2000:
    sys.exit("watermark not visible (%d grey pixels)" % grey)
# U+3000 sits at x 88..104 pt on the baseline y = 604 pt.
for y in range(int((841.89 - 616) * s), int((841.89 - 602) * s)):
    for x in range(int(89 * s), int(103 * s)):
        if at(x, y) < 240:
            sys.exit("U+3000 is not blank at %d,%d" % (x, y))
# The ideograph before it is drawn.
if min(at(x, y) for y in range(int((841.89 - 616) * s), int((841.89 - 602) * s))
       for x in range(int(72 * s), int(88 * s))) > 100:
    sys.exit("text missing")
EOF
if command -v zbarimg >/dev/null; then
	qr=$(zbarimg -q --raw "$tmp/page-1.png" 2>/dev/null) || fail "zbarimg found no QR code"
	[ "$qr" = "https://gazette.example.gov.cn/d/2023-07-01" ] || fail "QR decodes to $qr"
fi

# PDF/A-1b by an independent validator (Apache PDFBox preflight).
cp=
for j in preflight pdfbox2 fontbox2 xmpbox commons-logging jaxb-api javax.activation; do
	[ -f "/usr/share/java/$j.jar" ] || fail "missing /usr/share/java/$j.jar"
	cp=$cp${cp:+:}/usr/share/java/$j.jar
done
java -cp "$cp" org.apache.pdfbox.preflight.Validator_A1b "$pdf" >"$tmp/preflight" 2>&1 || true
grep -q "is a valid PDF/A-1b file" "$tmp/preflight" || { cat "$tmp/preflight" >&2; fail "PDF/A-1b"; }
echo "ok: $size bytes, $(wc -l <"$tmp/fonts") subset fonts, PDF/A-1b valid"

#!/bin/bash
# bench/compile.sh — `gazette compile` against LibreOffice (the tool an office
# would otherwise use: `soffice --headless --convert-to pdf` on the same text
# as HTML), side by side in one run.
#
#   bench/compile.sh [RUNS]      (default 5 runs per side; medians printed)
#
# Content: the sample issue's documents repeated 5 times (the corpus texts ×5,
# ~116k Chinese characters), each copy with its own document number.  Then
# how our time and size grow with the issue, from ~10 to ~1,000 pages.
# Needs python3; installs libreoffice-writer if missing
# (big: only for this benchmark, not a project dependency).
set -euo pipefail

runs=${1:-5}
src=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$src/build-bench}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! command -v soffice >/dev/null; then
	echo "installing libreoffice-writer (benchmark peer)..." >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		libreoffice-writer >/dev/null
fi

cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j2 --target gazette >/dev/null
gazette=$build/bin/gazette

# make_issue DIR COPIES [MAXDOCS]: the sample issue with its documents
# repeated COPIES times (or only the first MAXDOCS documents), plus DIR.html
# with the same text for LibreOffice.
make_issue() {
	python3 - "$src/tests/sample-issue" "$1" "$2" "${3:-0}" <<'EOF'
import os, re, sys, html
src, dst, copies, maxdocs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
os.makedirs(dst)
with open(os.path.join(src, "issue.conf"), encoding="utf-8") as f:
    open(os.path.join(dst, "issue.conf"), "w", encoding="utf-8").write(f.read())
docs = sorted(n for n in os.listdir(src) if n.endswith(".txt"))
if maxdocs:
    docs = docs[:maxdocs]
out = ["<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'>"
       "<title>政府公报</title></head><body>"]
for k in range(copies):
    for name in docs:
        text = open(os.path.join(src, name), encoding="utf-8").read()
        head, _, body = text.partition("\n\n")
        if k:
            # A distinct document number and index number per copy.
            head = re.sub(r"(发文字号：.*〕)(\d+)号", lambda m: "%s%s%02d号" % (m.group(1), m.group(2), k), head)
            head = re.sub(r"(索引号：.*-)(\d{5})", lambda m: "%s%05d" % (m.group(1), (int(m.group(2)) + 1000 * k) % 100000), head)
        open(os.path.join(dst, "%02d-%s" % (k, name)), "w", encoding="utf-8").write(head + "\n\n" + body)
        title = re.search(r"文件标题：(.*)", head).group(1)
        number = re.search(r"发文字号：(.*)", head).group(1)
        out.append("<h1>%s</h1><p style='text-align:center'>%s</p>" % (html.escape(title), html.escape(number)))
        out += ["<p>%s</p>" % html.escape(p.strip()) for p in body.split("\n") if p.strip()]
out.append("</body></html>")
open(dst + ".html", "w", encoding="utf-8").write("\n".join(out))
EOF
}

median() { sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
pages() { python3 -c "import re,sys; d=open(sys.argv[1],'rb').read(); print(len(re.findall(rb'/Type\s*/Page[^s]', d)))" "$1"; }

# ours DIR OUT → prints "wall_s maxrss_kb cpu_s" of one compile.  CPU time
# (user + sys, children included) is printed too: on a shared machine the
# wall clock measures the neighbours as much as the program.
ours() {
	RUNSTAT_LOG=$work/c.log python3 "$src/bench/runstat.py" "$work/t" -- "$gazette" compile "$1" -o "$2" ||
		{ echo "gazette compile failed on $1:" >&2; tail -5 "$work/c.log" >&2; exit 1; }
	awk '{printf "%.3f %s %.3f\n", $1, $2, $3}' "$work/t"
}
lo() {
	local out
	out=$2/$(basename "${1%.html}").pdf
	rm -f "$out"
	RUNSTAT_LOG=$work/lo.log python3 "$src/bench/runstat.py" "$work/t" -- soffice \
		-env:UserInstallation=file://"$work"/lo --headless --convert-to pdf --outdir "$2" "$1" || true
	[ -s "$out" ] || { echo "LibreOffice failed on $1:" >&2; cat "$work/lo.log" >&2; exit 1; }
	awk '{printf "%.3f %s %.3f\n", $1, $2, $3}' "$work/t"
}

make_issue "$work/x5" 5
chars=$(python3 -c "import sys,re; t=open(sys.argv[1],encoding='utf-8').read(); print(len(re.findall(r'[\u4e00-\u9fff]', t)))" "$work/x5.html")
echo "== content: sample issue ×5, $chars Chinese characters"
mkdir -p "$work/lo-out"
lo "$work/x5.html" "$work/lo-out" >/dev/null # first start creates the profile
: >"$work/ours.t"
: >"$work/lo.t"
for i in $(seq "$runs"); do
	ours "$work/x5" "$work/x5.pdf" >>"$work/ours.t"
	lo "$work/x5.html" "$work/lo-out" >>"$work/lo.t"
done
col() { cut -d' ' -f"$1" "$2" | median; }
ot=$(col 1 "$work/ours.t"); om=$(col 2 "$work/ours.t"); oc=$(col 3 "$work/ours.t")
lt=$(col 1 "$work/lo.t"); lm=$(col 2 "$work/lo.t"); lc=$(col 3 "$work/lo.t")
os=$(stat -c %s "$work/x5.pdf")
ls_=$(stat -c %s "$work/lo-out/x5.pdf")
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
printf "%-22s %9s %9s %10s %7s %12s\n" "" "wall (s)" "CPU (s)" "bytes" "pages" "peak RSS KB"
printf "%-22s %9s %9s %10s %7s %12s\n" "gazette compile" "$ot" "$oc" "$os" "$(pages "$work/x5.pdf")" "$om"
printf "%-22s %9s %9s %10s %7s %12s\n" "LibreOffice (HTML)" "$lt" "$lc" "$ls_" "$(pages "$work/lo-out/x5.pdf")" "$lm"
awk -v a="$lt" -v b="$ot" -v ac="$lc" -v bc="$oc" -v c="$os" -v d="$ls_" -v m="$om" 'BEGIN {
	printf "speed: %.1fx faster by wall clock, %.1fx by CPU time (target >= 15x)\n", (b > 0 ? a / b : 0), (bc > 0 ? ac / bc : 0)
	printf "size:  %.2fx LibreOffice'"'"'s bytes (target <= 0.6x)\n", c / d
	printf "peak RSS: %.1f MB (target < 64 MB)\n", m / 1024 }'

# The same text set by LibreOffice the way we set it (GB/T 9704-2012: A4,
# margins 37/26/35/28 mm, 16 pt body on a 28.9 pt line, 22 pt titles): our
# output's size against a peer's on the same layout, not only the same
# text.  Size only (one conversion; LibreOffice's time is the same order).
sed -e 's|<title>|<style>@page{size:210mm 297mm;margin:37mm 26mm 35mm 28mm} body{font-size:16pt;line-height:28.9pt} h1{font-size:22pt}</style><title>|' \
	"$work/x5.html" >"$work/x5-9704.html"
lo "$work/x5-9704.html" "$work/lo-out" >/dev/null
l9=$(stat -c %s "$work/lo-out/x5-9704.pdf")
printf "%-22s %9s %9s %10s %7s\n" "LibreOffice, 9704 CSS" "" "" "$l9" "$(pages "$work/lo-out/x5-9704.pdf")"
awk -v c="$os" -v d="$l9" 'BEGIN { printf "size on the same layout: %.2fx LibreOffice'"'"'s bytes\n", c / d }'
# Where our bytes go: font programs, page content, the rest.
python3 - "$work/x5.pdf" <<'PY'
import re, sys, zlib
b = open(sys.argv[1], "rb").read()
font = content = 0
for m in re.finditer(rb"<<((?:(?!>>\s*stream).){0,600}?)>>\s*stream\r?\n", b, re.S):
    d = m.group(1)
    e = b.find(b"endstream", m.end())
    if e < 0:
        continue
    n = e - m.end()
    if b"/Length1" in d:
        font += n
    else:
        content += n
print("our bytes: font programs %d (%.0f%%), other streams %d (%.0f%%), the rest %d" %
      (font, 100.0 * font / len(b), content, 100.0 * content / len(b), len(b) - font - content))
PY

echo "== growth (median of $runs runs each)"
printf "%-10s %6s %9s %8s %10s %11s %12s\n" issue pages "wall (s)" "CPU (s)" bytes "bytes/page" "peak RSS KB"
for spec in "1 1" "1 0" "2 0" "5 0" "10 0" "18 0"; do
	set -- $spec
	d=$work/g-$1-$2
	make_issue "$d" "$1" "$2"
	: >"$work/g.t"
	for i in $(seq "$runs"); do ours "$d" "$d.pdf" >>"$work/g.t"; done
	t=$(col 1 "$work/g.t"); m=$(col 2 "$work/g.t"); c=$(col 3 "$work/g.t")
	s=$(stat -c %s "$d.pdf")
	p=$(pages "$d.pdf")
	label=$([ "$2" = 1 ] && echo "1 doc" || echo "docs x$1")
	printf "%-10s %6s %9s %8s %10s %11s %12s\n" "$label" "$p" "$t" "$c" "$s" "$((s / p))" "$m"
done

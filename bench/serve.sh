#!/bin/bash
# Web benchmark: `gazette serve` (PDFs straight from LMDB) against nginx
# (the same PDFs from disk with sendfile, written out by `gazette get`),
# side by side, same wrk command, alternating A/B runs; then search and
# document-page latency (p99) while downloads run.
#
#   bench/serve.sh [N_DOCS] [RUNS]    N_DOCS documents (default 100000) in
#                                     N_DOCS/100 issues of ~600 KB PDFs;
#                                     RUNS alternating runs each (default 3)
#   bench/serve.sh --prepare [N_DOCS] only build the archive and the export
#   THREADS=8 bench/serve.sh          gazette serve's thread pool (default 2)
#   SEARCH_CACHE=0 bench/serve.sh     searches computed afresh (--no-search-cache)
#
# Needs a built tree (cmake --build build), wrk, nginx (nginx-light) and
# python3.  Work files go to bench/out/ (ignored by git); the archive is
# built once (bench/gen-corpus → bench/mkarchive.py → gazette publish) and
# reused.  Every number printed is a median of RUNS runs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
build=${BUILD:-$src/build}
G=${GAZETTE:-$build/bin/gazette}
prepare_only=0
if [ "${1:-}" = --prepare ]; then
	prepare_only=1
	shift
fi
n=${1:-100000}
runs=${2:-3}
threads=${THREADS:-2}   # gazette serve --threads (nginx: 2 worker processes)
cache_opt=()            # SEARCH_CACHE=0: every search computed afresh
[ "${SEARCH_CACHE:-1}" = 0 ] && cache_opt=(--no-search-cache)
per=100
pdf_bytes=600000
out=$here/out/web-$n
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$G" ] || { echo "bench/serve.sh: build first (no $G)" >&2; exit 2; }
command -v wrk >/dev/null || { echo "bench/serve.sh: needs wrk (apt install wrk)" >&2; exit 2; }
[ -x "$NGINX" ] || { echo "bench/serve.sh: needs nginx (apt install nginx-light)" >&2; exit 2; }
unset http_proxy HTTP_PROXY https_proxy HTTPS_PROXY all_proxy ALL_PROXY || true
mkdir -p "$out"

# ---- the archive (built once) ----------------------------------------------------
if [ ! -f "$out/.archive-complete" ]; then
	rm -rf "$out/ar" "$out/issues" "$out/site"
	echo "building an archive of $n documents ($((n / per)) issues, ${pdf_bytes}-byte PDFs)..."
	[ -f "$out/corpus.jsonl" ] || python3 "$here/gen-corpus" "$n" "$out/corpus.jsonl"
	python3 "$here/mkarchive.py" "$out/corpus.jsonl" "$out/issues" "$per" "$pdf_bytes" >/dev/null
	export SOURCE_DATE_EPOCH=1700000000 USER=bench
	t0=$(date +%s)
	K=$src/keys-example
	for d in "$out"/issues/issue-*/; do
		d=${d%/}
		# publish takes only a real signed PDF with the pages the map
		# names: one page per document, padded to about pdf_bytes
		python3 "$src/tests/pdfgen.py" pages "$d.unsigned.pdf" "$per" $((pdf_bytes / 1024))
		"$G" sign "$d.unsigned.pdf" -o "$d.pdf" --key "$K/signer.key" --cert "$K/signer.pem" \
			--chain "$K/chain.pem" --pass-file "$K/passphrase.txt" --approval >/dev/null
		rm -f "$d.unsigned.pdf"
		"$G" publish "$d" --archive "$out/ar" --signed-pdf "$d.pdf" --page-map "$d.pages" \
			--map-size 8G >/dev/null
	done
	echo "published in $(( $(date +%s) - t0 )) s: $(du -sh "$out/ar" | cut -f1)"
	touch "$out/.archive-complete"
fi
if [ ! -f "$out/.site-complete" ]; then
	# nginx's copy: the same PDF bytes, written by `gazette get` (a full
	# export-static of 100,000 documents would be ~9 GB of pages)
	rm -rf "$out/site"
	t0=$(date +%s)
	for conf in "$out"/issues/issue-*/issue.conf; do
		y=$(sed -n 's/^年份：//p' "$conf")
		k=$(sed -n 's/^期号：//p' "$conf")
		mkdir -p "$out/site/issues/$y"
		"$G" get --archive "$out/ar" "$y/$k" -o "$out/site/issues/$y/$k.pdf" >/dev/null 2>&1
	done
	echo "PDFs copied out for nginx in $(( $(date +%s) - t0 )) s: $(du -sh "$out/site" | cut -f1)"
	touch "$out/.site-complete"
fi
[ "$prepare_only" = 1 ] && exit 0

# ---- URL lists ------------------------------------------------------------------------
python3 - "$out" <<'EOF'
import glob, os, sys, urllib.parse
out = sys.argv[1]
pdfs, docs = [], []
for conf in sorted(glob.glob(os.path.join(out, "issues", "issue-*", "issue.conf"))):
    kv = dict(l.split("：", 1) for l in open(conf, encoding="utf-8").read().splitlines() if "：" in l)
    pdfs.append("/issues/%s/%s.pdf" % (kv["年份"].strip(), kv["期号"].strip()))
for pages in sorted(glob.glob(os.path.join(out, "issues", "issue-*.pages")))[::7]:
    for line in open(pages, encoding="utf-8"):
        docs.append("/docs/" + urllib.parse.quote(line.split("=")[0]))
open(os.path.join(out, "pdfs.txt"), "w").write("\n".join(pdfs[:1000]) + "\n")
open(os.path.join(out, "pdf1.txt"), "w").write(pdfs[0] + "\n")
open(os.path.join(out, "docs.txt"), "w").write("\n".join(docs[:2000]) + "\n")
qs = ["政务公开", "城市更新", "公报", "规范性文件", "营商环境", "安全生产", "乡村振兴", "数字政府",
      "信息公开", "预算管理", "生态环境", "公共资源交易", "社会信用", "教育事业"]
with open(os.path.join(out, "search.txt"), "w") as f:
    for q in qs:
        f.write("/search?q=%s\n" % urllib.parse.quote(q))
        f.write("/search?q=%s&status=%s\n" % (urllib.parse.quote(q), urllib.parse.quote("有效")))
EOF
one=$(head -1 "$out/pdf1.txt")
size=$(stat -c %s "$out/site${one}")

# ---- servers ------------------------------------------------------------------------------
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
NP=$(free_port)
ng=$out/nginx
mkdir -p "$ng/logs" "$ng/tmp"
chmod 755 "$here/out" "$out" 2>/dev/null || true
cat >"$ng/nginx.conf" <<EOF
worker_processes 2;
pid $ng/nginx.pid;
error_log $ng/logs/error.log warn;
events { worker_connections 256; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    client_body_temp_path $ng/tmp/body;
    proxy_temp_path $ng/tmp/proxy;
    fastcgi_temp_path $ng/tmp/fastcgi;
    uwsgi_temp_path $ng/tmp/uwsgi;
    scgi_temp_path $ng/tmp/scgi;
    server {
        listen 127.0.0.1:$NP;
        root $out/site;
        index index.html;
    }
}
EOF
gpid=
cleanup() {
	"$NGINX" -p "$ng" -c "$ng/nginx.conf" -s stop 2>/dev/null || true
	[ -n "$gpid" ] && kill "$gpid" 2>/dev/null || true
	wait 2>/dev/null || true
}
trap cleanup EXIT
"$NGINX" -p "$ng" -c "$ng/nginx.conf"
"$G" serve --archive "$out/ar" --listen 127.0.0.1:0 --threads "$threads" "${cache_opt[@]}" --max-connections 100 \
	--max-per-ip 100 >"$out/serve.out" 2>&1 &
gpid=$!
for i in $(seq 1 100); do grep -q http:// "$out/serve.out" && break; sleep 0.1; done
GB=$(grep -o 'http://[^ ]*' "$out/serve.out" | sed 's,/$,,')
NB=http://127.0.0.1:$NP
curl -sf -o /dev/null "$NB$one" && curl -sf -o /dev/null "$GB$one" || { echo "servers not up" >&2; exit 2; }

# wrk_run BASE PATHSFILE [extra wrk args]: prints "req/s MB/s errors"
wrk_run() {
	local base=$1 paths=$2
	shift 2
	PATHS=$paths wrk -s "$here/rotate.lua" "$@" "$base" >"$out/wrk.txt" 2>&1 || true
	python3 - "$out/wrk.txt" <<'EOF'
import re, sys
t = open(sys.argv[1]).read()
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
m = re.search(r"Transfer/sec:\s+([\d.]+)(\w+)", t)
mb = float(m.group(1)) * {"B": 1e-6, "KB": 1e-3, "MB": 1, "GB": 1e3}[m.group(2)]
e = re.search(r"errors: status=(\d+) connect=(\d+) read=(\d+) write=(\d+) timeout=(\d+)", t)
errs = sum(map(int, e.groups())) if e else -1
p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", t)
p99ms = float(p99.group(1)) * {"us": 1e-3, "ms": 1, "s": 1e3}[p99.group(2)] if p99 else -1
print("%.1f %.1f %d %.2f" % (rps, mb, errs, p99ms))
EOF
}
median() { python3 -c 'import sys,statistics; print(statistics.median(map(float, sys.argv[1:])))' "$@"; }

echo "machine: $(nproc) cores; $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2); $("$NGINX" -v 2>&1 | cut -d' ' -f3)"
echo "archive: $n documents, $(wc -l <"$out/pdfs.txt") PDFs in rotation, single file $size bytes"
echo "gazette serve --threads $threads ${cache_opt[*]}; nginx worker_processes 2; load average $(cut -d' ' -f1-3 /proc/loadavg)"
WRK=(-t2 -c32 -d10s)
ab() { # LABEL PATHSFILE
	local label=$1 paths=$2 i g_r=() g_m=() n_r=() n_m=() g n errs=0
	# warm-up (page cache, verified-hash cache), not counted
	wrk_run "$NB" "$paths" -t2 -c32 -d3s >/dev/null
	wrk_run "$GB" "$paths" -t2 -c32 -d3s >/dev/null
	for i in $(seq 1 "$runs"); do
		read -r a b e _ < <(wrk_run "$NB" "$paths" "${WRK[@]}")
		n_r+=("$a"); n_m+=("$b"); errs=$((errs + e))
		read -r a b e _ < <(wrk_run "$GB" "$paths" "${WRK[@]}")
		g_r+=("$a"); g_m+=("$b"); errs=$((errs + e))
		echo "  run $i: nginx ${n_r[-1]} req/s ${n_m[-1]} MB/s | gazette ${g_r[-1]} req/s ${g_m[-1]} MB/s"
	done
	n=$(median "${n_r[@]}")
	g=$(median "${g_r[@]}")
	printf '%-26s nginx %9.1f req/s %8.1f MB/s | gazette %9.1f req/s %8.1f MB/s | ratio %.2fx (errors %d)\n' \
		"$label" "$n" "$(median "${n_m[@]}")" "$g" "$(median "${g_m[@]}")" \
		"$(python3 -c "print($g / $n)")" "$errs"
}
echo "== downloads, wrk ${WRK[*]}, alternating nginx/gazette, medians of $runs"
ab "one ~600 KB PDF" "$out/pdf1.txt"
ab "1,000 PDFs rotating" "$out/pdfs.txt"

echo "== latency of pages while downloads run (gazette: wrk -t1 -c16 rotating PDFs in the background)"
lat() { # LABEL PATHSFILE
	local label=$1 paths=$2 i p=() r=() errs=0
	for i in $(seq 1 "$runs"); do
		PATHS=$out/pdfs.txt wrk -s "$here/rotate.lua" -t1 -c16 -d12s "$GB" >"$out/bg.txt" 2>&1 &
		local bg=$!
		sleep 1
		read -r a _ e p99 < <(wrk_run "$GB" "$paths" -t1 -c4 -d10s --latency)
		wait "$bg" || true
		p+=("$p99"); r+=("$a"); errs=$((errs + e))
	done
	printf '%-26s p99 %7.2f ms  (%.0f req/s, errors %d)\n' "$label" "$(median "${p[@]}")" \
		"$(median "${r[@]}")" "$errs"
}
lat "search (28 queries)" "$out/search.txt"
lat "document pages" "$out/docs.txt"
echo "gazette serve memory after the run: $(grep -E 'RssAnon' /proc/$gpid/status | awk '{print $2, $3}') anonymous (the mapped archive is file-backed)"

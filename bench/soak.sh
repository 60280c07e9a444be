#!/bin/bash
# 60-second mixed soak of `gazette serve` (wrk: downloads, searches, pages,
# JSON, feed): prints throughput, every error count, and the server's RSS
# before and after; exits 1 on any failed request or an RSS growth over
# 16 MB between a warm-up run and the end of the soak.
#
#   bench/soak.sh [SECONDS] [ARCHIVE_DIR]
#
# Without ARCHIVE_DIR it uses the benchmark archive of bench/serve.sh
# (bench/out/web-100000) when built, else the small test fixture.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
build=${BUILD:-$src/build}
G=${GAZETTE:-$build/bin/gazette}
secs=${1:-60}
ar=${2:-}
unset http_proxy HTTP_PROXY https_proxy HTTPS_PROXY all_proxy ALL_PROXY || true
T=$(mktemp -d)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null || true
	wait 2>/dev/null || true
	rm -rf "$T"
}
trap cleanup EXIT
if [ -z "$ar" ] && [ -f "$here/out/web-100000/.archive-complete" ]; then
	ar=$here/out/web-100000/ar
fi
if [ -z "$ar" ]; then
	GAZETTE=$G SRC=$src bash "$src/tests/web-fixture.sh" "$T/fx"
	ar=$T/fx/ar
fi
"$G" serve --archive "$ar" --listen 127.0.0.1:0 --max-per-ip 64 --max-connections 100 \
	>"$T/serve.out" 2>&1 &
pid=$!
for i in $(seq 1 100); do grep -q http:// "$T/serve.out" && break; sleep 0.1; done
B=$(grep -o 'http://[^ ]*' "$T/serve.out" | sed 's,/$,,')
# paths: the newest issues' PDFs and pages, their documents, searches
python3 - "$B" "$T/paths" <<'EOF'
import json, sys, urllib.parse, urllib.request
B, out = sys.argv[1], sys.argv[2]
op = urllib.request.build_opener(urllib.request.ProxyHandler({}))
get = lambda p: json.load(op.open(B + p, timeout=30))
paths = []
for row in get("/api/v1/issues.json")[:20]:
    paths += [row["pdf"], row["url"], row["api"], "/issues/%d/%d.pdf" % (row["year"], row["number"])]
    for d in get(row["api"])["documents"][:5]:
        paths += [d["url"], d["api"]]
for q in ["规范性文件", "政务公开", "城市更新", "公报", "营商环境"]:
    paths += ["/search?q=" + urllib.parse.quote(q), "/api/v1/search.json?q=" + urllib.parse.quote(q)]
paths += ["/", "/issues/", "/feed.atom", "/log", "/api/v1/log.json", "/static/site.css"]
open(out, "w").write("\n".join(paths) + "\n")
print(len(paths), "paths in rotation")
EOF
rss() { awk '/RssAnon/ {print $2}' "/proc/$pid/status"; }   # heap; the archive map is file-backed
run() {
	PATHS=$T/paths wrk -s "$here/rotate.lua" -t2 -c16 -d"$1" --latency "$B" | tee "$T/wrk.txt"
	grep -q 'errors: status=0 connect=0 read=0 write=0 timeout=0' "$T/wrk.txt"
}
echo "== warm-up 10 s"
run 10s >/dev/null
r0=$(rss)
echo "== soak ${secs} s (RSS before: $r0 kB)"
ok=1
run "${secs}s" || ok=0
r1=$(rss)
echo "RSS before ${r0} kB, after ${r1} kB, growth $((r1 - r0)) kB"
[ "$ok" = 1 ] || { echo "soak: FAILED requests" >&2; exit 1; }
[ $((r1 - r0)) -le 16384 ] || { echo "soak: RSS grew" >&2; exit 1; }
echo "soak: no failed request, no memory growth"

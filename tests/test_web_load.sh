#!/bin/bash
# A short mixed load on `gazette serve` (wrk, 5 s: downloads, ranges of
# pages, searches, document pages, feed, JSON): no failed request, no
# socket error, and the server's memory does not keep growing (the
# anonymous RSS after a second identical run stays within 16 MB of the
# first; under ASan, LeakSanitizer at exit instead).  The 60-second soak is
# bench/soak.sh.
set -euo pipefail
: "${GAZETTE:?}" "${SRC:?}"
unset http_proxy HTTP_PROXY https_proxy HTTPS_PROXY all_proxy ALL_PROXY || true
if ! command -v wrk >/dev/null; then
	echo "FAIL: wrk is not installed (Debian package wrk, in .ci/packages)" >&2
	exit 1
fi
T=$(mktemp -d)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null || true
	wait 2>/dev/null || true
	rm -rf "$T"
}
trap cleanup EXIT
bash "$SRC/tests/web-fixture.sh" "$T/fx"
"$GAZETTE" serve --archive "$T/fx/ar" --listen 127.0.0.1:0 >"$T/serve.out" 2>&1 &
pid=$!
for i in $(seq 1 100); do grep -q http:// "$T/serve.out" && break; sleep 0.1; done
B=$(grep -o 'http://[^ ]*' "$T/serve.out" | sed 's,/$,,')
CODE=$("$GAZETTE" get --archive "$T/fx/ar" 2023/7 | grep -o 'code [0-9A-Z]*' | head -1 | cut -d' ' -f2)
cat >"$T/paths" <<EOF
/issues/2023/7.pdf
/issues/2023/7/v1.pdf
/
/issues/2023/7
/docs/$CODE
/search?q=%E8%A7%84%E8%8C%83%E6%80%A7%E6%96%87%E4%BB%B6
/search?q=%E6%94%BF%E5%8A%A1%E5%85%AC%E5%BC%80&status=%E6%9C%89%E6%95%88
/api/v1/issues/2023/7.json
/api/v1/search.json?q=%E5%85%AC%E6%8A%A5
/feed.atom
/log
/issues/2023/7/v2.pdf
EOF
rss() { awk '/RssAnon/ {print $2}' "/proc/$pid/status"; }   # heap; the archive map is file-backed
run() {
	PATHS=$T/paths wrk -s "$SRC/bench/rotate.lua" -t2 -c8 -d"$1" "$B" >"$T/wrk.txt" 2>&1
	cat "$T/wrk.txt"
	grep -q 'errors: status=0 connect=0 read=0 write=0 timeout=0' "$T/wrk.txt" || {
		echo "FAIL: failed requests or socket errors under load" >&2
		exit 1
	}
	if grep -q 'Non-2xx' "$T/wrk.txt"; then
		echo "FAIL: non-2xx responses under load" >&2
		exit 1
	fi
}
run 3s
r1=$(rss)
run 5s
r2=$(rss)
echo "RSS after warm-up ${r1} kB, after the 5 s run ${r2} kB"
# (ldd's output is read whole: `grep -q` could end the pipe early and, under
# pipefail, make ldd's SIGPIPE look like "no sanitizer")
libs=$(ldd "$GAZETTE")
if grep -q libasan <<<"$libs"; then
	# ASan holds freed memory in quarantine, so RSS says nothing here;
	# LeakSanitizer checks the exit below instead.
	echo "sanitizer build: RSS growth not judged; leaks are checked at exit"
elif [ $((r2 - r1)) -gt 16384 ]; then
	echo "FAIL: RSS grew by $((r2 - r1)) kB" >&2
	exit 1
fi
kill -TERM "$pid"
wait "$pid"
pid=
echo "load: ok"

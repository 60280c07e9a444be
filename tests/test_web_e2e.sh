#!/bin/bash
# End-to-end in headless Chromium, all from Debian packages: chromium,
# chromium-driver and python3-selenium (Debian's own /usr/bin/python3, whose
# dist-packages hold selenium).  tests/web_e2e.py drives the pages with
# JavaScript disabled; the downloaded PDF is then checked with
# `gazette verify`.  Screenshots stay in $BUILD/web-e2e/shots.
# Nothing is downloaded at test time.
set -euo pipefail
: "${GAZETTE:?}" "${SRC:?}" "${BUILD:?}"
unset http_proxy HTTP_PROXY https_proxy HTTPS_PROXY all_proxy ALL_PROXY || true
for f in /usr/bin/chromium /usr/bin/chromedriver; do
	if [ ! -x "$f" ]; then
		echo "FAIL: $f is missing (Debian packages chromium, chromium-driver; .ci/packages)" >&2
		exit 1
	fi
done
if ! /usr/bin/python3 -c 'import selenium' 2>/dev/null; then
	echo "FAIL: Debian's python3-selenium is missing (.ci/packages)" >&2
	exit 1
fi
E=$BUILD/web-e2e
mkdir -p "$E"
T=$(mktemp -d)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null || true
	wait 2>/dev/null || true
	rm -rf "$T"
}
trap cleanup EXIT
bash "$SRC/tests/web-fixture.sh" "$T/fx"
# a tampered copy: one byte of the signed content changed
python3 - "$T/fx/v2.pdf" "$T/tampered.pdf" <<'PY'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
d[len(d) // 3] ^= 0x20
open(sys.argv[2], "wb").write(d)
PY
"$GAZETTE" serve --archive "$T/fx/ar" --listen 127.0.0.1:0 --trust "$SRC/keys-example/root-ca.pem" \
	>"$T/serve.out" 2>&1 &
pid=$!
for i in $(seq 1 100); do grep -q http:// "$T/serve.out" && break; sleep 0.1; done
B=$(grep -o 'http://[^ ]*' "$T/serve.out" | sed 's,/$,,')
rm -rf "$E/shots"
mkdir -p "$E/shots"
timeout 300 /usr/bin/python3 "$SRC/tests/web_e2e.py" "$B" "$E/shots" "$T/tampered.pdf"
# the PDF the browser downloaded verifies with the command-line verifier
"$GAZETTE" verify "$E/shots/downloaded.pdf" --trust "$SRC/keys-example/root-ca.pem" >"$T/verify.out"
grep -q 'VALID' "$T/verify.out"
cmp "$E/shots/downloaded.pdf" "$T/fx/v2.pdf"
"$GAZETTE" verify "$T/tampered.pdf" --trust "$SRC/keys-example/root-ca.pem" >/dev/null && {
	echo "FAIL: the tampered PDF verifies" >&2
	exit 1
}
echo "downloaded PDF verified; screenshots in $E/shots"

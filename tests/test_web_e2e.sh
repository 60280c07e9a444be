#!/bin/bash
# End-to-end in headless Chromium (Debian chromium + playwright-core from
# npm, installed at test time into the build dir): tests/web_e2e.js drives
# the pages with JavaScript disabled; the downloaded PDF is then checked
# with `gazette verify`.  Screenshots stay in $BUILD/web-e2e/shots.
# Exit 77 (ctest: skipped) when npm cannot fetch playwright-core.
set -euo pipefail
: "${GAZETTE:?}" "${SRC:?}" "${BUILD:?}"
unset http_proxy HTTP_PROXY https_proxy HTTPS_PROXY all_proxy ALL_PROXY || true
if [ ! -x /usr/bin/chromium ]; then
	echo "FAIL: /usr/bin/chromium is missing (Debian package chromium, in .ci/packages)" >&2
	exit 1
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	echo "SKIP: node/npm not installed; the Chromium end-to-end test needs playwright-core" >&2
	exit 77
fi
E=$BUILD/web-e2e
mkdir -p "$E"
if [ ! -f "$E/node_modules/playwright-core/package.json" ]; then
	if ! (cd "$E" && timeout 300 npm install --no-audit --no-fund --silent \
		--no-package-lock playwright-core@1 >"$E/npm.log" 2>&1); then
		echo "SKIP: npm could not install playwright-core (registry unreachable?):" >&2
		tail -5 "$E/npm.log" >&2
		exit 77
	fi
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
NODE_PATH=$E/node_modules timeout 180 node "$SRC/tests/web_e2e.js" "$B" "$E/shots" "$T/tampered.pdf"
# the PDF the browser downloaded verifies with the command-line verifier
"$GAZETTE" verify "$E/shots/downloaded.pdf" --trust "$SRC/keys-example/root-ca.pem" >"$T/verify.out"
grep -q 'VALID' "$T/verify.out"
cmp "$E/shots/downloaded.pdf" "$T/fx/v2.pdf"
"$GAZETTE" verify "$T/tampered.pdf" --trust "$SRC/keys-example/root-ca.pem" >/dev/null && {
	echo "FAIL: the tampered PDF verifies" >&2
	exit 1
}
echo "downloaded PDF verified; screenshots in $E/shots"

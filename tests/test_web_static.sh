#!/bin/bash
# `gazette export-static` served by nginx, unchanged: a crawl from / finds
# every linked page, feed, JSON and PDF (no broken link), the PDFs are the
# archive's bytes, the JSON equals the live server's, and the exported
# inclusion proofs verify against the exported tree head (RFC 9162 math
# redone here in python, independent of our C code).
set -euo pipefail
: "${GAZETTE:?}" "${SRC:?}"
unset http_proxy HTTP_PROXY https_proxy HTTPS_PROXY all_proxy ALL_PROXY no_proxy || true
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
if [ ! -x "$NGINX" ]; then
	echo "FAIL: nginx is not installed (Debian package nginx-light, listed in .ci/packages)" >&2
	exit 1
fi
T=$(mktemp -d)
chmod 755 "$T"   # nginx workers run as another user when started by root
ngx=
srv=
cleanup() {
	[ -n "$ngx" ] && "$NGINX" -p "$T/ng" -c "$T/ng/nginx.conf" -s stop 2>/dev/null || true
	[ -n "$srv" ] && kill "$srv" 2>/dev/null || true
	wait 2>/dev/null || true
	rm -rf "$T"
}
trap cleanup EXIT
fails=0
checks=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
ok() { checks=$((checks + 1)); }

bash "$SRC/tests/web-fixture.sh" "$T/fx"
A=$T/fx/ar
K=$SRC/keys-example
# a signed tree head, as the office signs one after publishing
"$GAZETTE" log --archive "$A" sign --key "$K/log/log-key.pem" --pass-file "$K/log/passphrase" >/dev/null

# ---- export -------------------------------------------------------------------------
"$GAZETTE" export-static --archive "$A" "$T/site" >"$T/export.out"
grep -q 'exported [0-9]* files' "$T/export.out" && ok || fail "export output"
for f in index.html issues/index.html issues/2023/index.html issues/2023/7/index.html \
	issues/2023/7.pdf issues/2023/7/v1.pdf issues/2023/7/v2.pdf feed.atom robots.txt \
	static/site.css api/v1/issues.json api/v1/issues/2023/7.json api/v1/log.json \
	log/index.html verify/index.html; do
	[ -f "$T/site/$f" ] && ok || fail "export lacks $f"
done
cmp -s "$T/site/issues/2023/7/v1.pdf" "$T/fx/v1.pdf" && ok || fail "exported v1.pdf differs"
cmp -s "$T/site/issues/2023/7.pdf" "$T/fx/v2.pdf" && ok || fail "exported current PDF is not v2"
grep -q 'action="/search"' "$T/site/index.html" && fail "export links the live search" || ok
# refuses a non-empty target; leaves no temporary directory behind
"$GAZETTE" export-static --archive "$A" "$T/site" >/dev/null 2>&1 && fail "export over a non-empty dir" || ok
"$GAZETTE" export-static --archive "$T/none" "$T/site2" >/dev/null 2>&1 && fail "export of a missing archive" || ok
[ ! -e "$T/site2" ] && ok || fail "failed export left $T/site2"
ls -d "$T"/site2.tmp-* >/dev/null 2>&1 && fail "failed export left a temporary directory" || ok

# ---- nginx over the export, stock mime types ---------------------------------------------
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
TPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# the export over https too: a test CA and a certificate for "localhost"
mkdir -p "$T/tls"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/tls/ca.key" -out "$T/tls/ca.pem" \
	-days 2 -subj "/CN=test TLS root" >/dev/null 2>&1
openssl req -newkey rsa:2048 -nodes -keyout "$T/tls/srv.key" -out "$T/tls/srv.csr" \
	-subj "/CN=localhost" >/dev/null 2>&1
printf 'subjectAltName=DNS:localhost\n' >"$T/tls/ext"
openssl x509 -req -in "$T/tls/srv.csr" -CA "$T/tls/ca.pem" -CAkey "$T/tls/ca.key" \
	-CAcreateserial -days 2 -extfile "$T/tls/ext" -out "$T/tls/srv.pem" >/dev/null 2>&1
chmod 644 "$T/tls/srv.key"
mkdir -p "$T/ng/logs" "$T/ng/tmp"
cat >"$T/ng/nginx.conf" <<EOF
worker_processes 1;
pid $T/ng/nginx.pid;
error_log $T/ng/logs/error.log warn;
events { worker_connections 64; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    client_body_temp_path $T/ng/tmp/body;
    proxy_temp_path $T/ng/tmp/proxy;
    fastcgi_temp_path $T/ng/tmp/fastcgi;
    uwsgi_temp_path $T/ng/tmp/uwsgi;
    scgi_temp_path $T/ng/tmp/scgi;
    server {
        listen 127.0.0.1:$PORT;
        root $T/site;
        index index.html;
    }
    server {
        listen 127.0.0.1:$TPORT ssl;
        ssl_certificate $T/tls/srv.pem;
        ssl_certificate_key $T/tls/srv.key;
        root $T/site;
        index index.html;
    }
}
EOF
"$NGINX" -p "$T/ng" -c "$T/ng/nginx.conf"
ngx=1
N=http://127.0.0.1:$PORT
for i in $(seq 1 50); do
	curl -s -o /dev/null "$N/robots.txt" && break
	sleep 0.1
done

# ---- the live server on the same archive, for comparison -------------------------------------
"$GAZETTE" serve --archive "$A" --listen 127.0.0.1:0 >"$T/serve.out" 2>&1 &
srv=$!
for i in $(seq 1 100); do grep -q http:// "$T/serve.out" && break; sleep 0.1; done
B=$(grep -o 'http://[^ ]*' "$T/serve.out" | sed 's,/$,,')

python3 - "$N" "$B" "$T/fx" <<'EOF' || fail "crawl / comparison"
import hashlib, json, re, sys, urllib.parse, urllib.request
N, B, FX = sys.argv[1], sys.argv[2], sys.argv[3]
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
def get(base, path):
    with opener.open(base + path, timeout=10) as r:
        return r.status, r.headers, r.read(), r.geturl()
bad = []
seen, todo = set(), ["/"]
kinds = {}
while todo:
    p = todo.pop()
    if p in seen:
        continue
    seen.add(p)
    try:
        st, h, body, final = get(N, p)
    except Exception as e:
        bad.append((p, str(e)))
        continue
    ct = h.get("Content-Type", "")
    kinds[ct.split(";")[0]] = kinds.get(ct.split(";")[0], 0) + 1
    if ct.startswith("text/html"):
        for href in re.findall(r'href="([^"]+)"', body.decode()):
            href = href.replace("&amp;", "&")
            if href.startswith("/") and not href.startswith("//"):
                todo.append(href.split("#")[0])
print("crawled", len(seen), "URLs:", kinds)
assert not bad, bad
assert len(seen) >= 20, len(seen)
for t in ("text/html", "application/pdf", "application/json", "application/atom+xml", "text/css"):
    assert kinds.get(t), "no %s reached by the crawl" % t
# the same JSON as the live server
for p in ["/api/v1/issues.json", "/api/v1/issues/2023.json", "/api/v1/issues/2023/7.json",
          "/api/v1/log.json", "/api/v1/latest.json",
          "/api/v1/docs/" + urllib.parse.quote("西府办发〔2017〕38号") + ".json"]:
    a, b = json.loads(get(N, p)[2]), json.loads(get(B, p)[2])
    assert a == b, p
# the same PDFs
for p, f in [("/issues/2023/7/v1.pdf", "v1.pdf"), ("/issues/2023/7.pdf", "v2.pdf")]:
    st, h, body, _ = get(N, p)
    assert h["Content-Type"] == "application/pdf", h["Content-Type"]
    assert body == open(FX + "/" + f, "rb").read(), p
# the same document page content (the static one only lacks the live search form)
st, h, a, final = get(N, "/docs/" + urllib.parse.quote("西府办发〔2017〕38号"))
assert final.endswith("/"), final          # nginx's directory redirect
b = get(B, "/docs/" + urllib.parse.quote("西府办发〔2017〕38号"))[2]
strip = lambda s: re.sub(rb'<form class="quick".*?</form>\n|<li><a href="/search">.*?</li>\n', b"", s, flags=re.S)
assert strip(a) == strip(b), "document page differs"
# inclusion proofs of every leaf verify against the exported head (RFC 9162 2.1.3.2)
head = json.loads(get(N, "/api/v1/log.json")[2])
size = head["signed_head"]["size"] if "signed_head" in head else head["size"]
root = bytes.fromhex(head["signed_head"]["root"] if "signed_head" in head else head["root"])
H = lambda b: hashlib.sha256(b).digest()
for i in range(size):
    pr = json.loads(get(N, "/api/v1/log/inclusion/%d.json" % i)[2])
    leaf = bytes.fromhex(pr["leaf_data"])
    r = H(b"\0" + leaf)
    assert r.hex() == pr["leaf_hash"]
    fn, sn = i, size - 1
    for p in pr["proof"]:
        p = bytes.fromhex(p)
        assert sn != 0
        if fn & 1 or fn == sn:
            r = H(b"\1" + p + r)
            while not fn & 1 and fn:
                fn >>= 1; sn >>= 1
        else:
            r = H(b"\1" + r + p)
        fn >>= 1; sn >>= 1
    assert sn == 0 and r == root, "leaf %d does not verify" % i
print("inclusion proofs verified for", size, "leaves")
EOF
ok

# ---- gazette verify --archive URL, against the export and the live server -------------------
# expect CODE CMD...: the exit code
expect() {
	local want=$1 got=0
	shift
	"$@" >"$T/v.out" 2>"$T/v.err" || got=$?
	[ "$got" = "$want" ] && ok || { fail "exit $got, want $want: ${*:2}"; cat "$T/v.out" "$T/v.err" >&2; }
}
V=(verify --trust "$K/root-ca.pem")
PUB=$K/log/log-pub.pem
openssl genpkey -algorithm ed25519 -out "$T/other.key" 2>/dev/null
openssl pkey -in "$T/other.key" -pubout -out "$T/other.pub" 2>/dev/null
head -c -1 "$T/fx/v2.pdf" >"$T/cut.pdf"
for U in "$N" "$B"; do
	# v2 is current, but one of its documents was repealed on 2023-09-01
	expect 3 "$GAZETTE" "${V[@]}" "$T/fx/v2.pdf" --archive "$U" --log-key "$PUB"
	grep -q 'NOT  西府办发〔2017〕38号  废止' "$T/v.out" && ok || fail "$U: repealed document not shown"
	grep -q 'signature verified with --log-key' "$T/v.out" && ok || fail "$U: head not verified"
	# ... and in force before that
	expect 0 "$GAZETTE" "${V[@]}" "$T/fx/v2.pdf" --archive "$U/" --on 2023-08-01 --log-key "$PUB"
	# v1 is superseded by v2
	expect 3 "$GAZETTE" "${V[@]}" "$T/fx/v1.pdf" --archive "$U" --log-key "$PUB" --json
	python3 -c 'import json,sys; a=json.load(open(sys.argv[1]))["archive"]; assert a["superseded"] and a["superseded_by"]==2 and a["log_verified"] and a["signed_head_verified"], a' "$T/v.out" && ok || fail "$U: v1 JSON"
	# the same answer as from the archive directory
	"$GAZETTE" "${V[@]}" "$T/fx/v1.pdf" --archive "$A" --json >"$T/dir.json" || true
	python3 -c 'import json,sys; a=json.load(open(sys.argv[1]))["archive"]; b=json.load(open(sys.argv[2]))["archive"]; a.pop("signed_head_verified"); b.pop("signed_head_verified"); assert a==b, (a,b)' "$T/v.out" "$T/dir.json" && ok || fail "$U: URL and DIR answers differ"
	# a log key that is not the office's
	expect 1 "$GAZETTE" "${V[@]}" "$T/fx/v2.pdf" --archive "$U" --log-key "$T/other.pub"
	grep -q 'does not verify with the log' "$T/v.err" && ok || fail "$U: wrong log key message"
	# bytes the archive never published
	expect 1 "$GAZETTE" "${V[@]}" "$T/cut.pdf" --archive "$U" --log-key "$PUB"
	grep -q 'NOT a version published' "$T/v.out" && ok || fail "$U: unknown file message"
done
# a service that lies: a copy of the export with the leaf or the proof altered
python3 - "$T/site" "$T/fx/v2.pdf" <<'EOF'
import hashlib, json, shutil, sys
site, pdf = sys.argv[1], sys.argv[2]
sha = hashlib.sha256(open(pdf, "rb").read()).hexdigest()
leaf = json.load(open("%s/api/v1/sha256/%s.json" % (site, sha)))["log_index"]
for name in ("leaf", "proof"):
    dst = "%s-%s" % (site, name)
    shutil.copytree(site, dst)
    f = "%s/api/v1/log/inclusion/%d.json" % (dst, leaf)
    j = json.load(open(f))
    if name == "leaf":
        d = bytearray.fromhex(j["leaf_data"]); d[-1] ^= 1; j["leaf_data"] = d.hex()
        j["leaf_hash"] = hashlib.sha256(b"\0" + bytes(d)).hexdigest()
    else:
        p = bytearray.fromhex(j["proof"][0]); p[0] ^= 1; j["proof"][0] = p.hex()
    json.dump(j, open(f, "w"))
EOF
for what in leaf proof; do
	P2=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	python3 -m http.server "$P2" --bind 127.0.0.1 --directory "$T/site-$what" >/dev/null 2>&1 &
	liar=$!
	for i in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$P2/robots.txt" && break; sleep 0.1; done
	expect 1 "$GAZETTE" "${V[@]}" "$T/fx/v2.pdf" --archive "http://127.0.0.1:$P2" --log-key "$PUB"
	grep -q 'fails to prove this file' "$T/v.err" && ok || fail "altered $what not caught"
	kill "$liar" 2>/dev/null || true
	wait "$liar" 2>/dev/null || true
done
# https: the server's chain and host name are checked (SSL_CERT_FILE: the
# test CA instead of the system's trust store)
SSL_CERT_FILE=$T/tls/ca.pem expect 3 "$GAZETTE" "${V[@]}" "$T/fx/v2.pdf" \
	--archive "https://localhost:$TPORT" --log-key "$PUB"
grep -q 'signature verified with --log-key' "$T/v.out" && ok || fail "https: head not verified"
expect 2 "$GAZETTE" "${V[@]}" "$T/fx/v2.pdf" --archive "https://localhost:$TPORT"
grep -q 'certificate verify failed' "$T/v.err" && ok || fail "https: untrusted certificate accepted"
SSL_CERT_FILE=$T/tls/ca.pem expect 2 "$GAZETTE" "${V[@]}" "$T/fx/v2.pdf" \
	--archive "https://127.0.0.1:$TPORT"
# no service there; a scheme that is not http; --log-key without --archive
expect 2 "$GAZETTE" "${V[@]}" "$T/fx/v2.pdf" --archive "http://127.0.0.1:1"
expect 2 "$GAZETTE" "${V[@]}" "$T/fx/v2.pdf" --archive "ftp://127.0.0.1/x"
expect 2 "$GAZETTE" "${V[@]}" "$T/fx/v2.pdf" --log-key "$PUB"
echo "$checks passed, $fails failed"
[ "$fails" = 0 ]

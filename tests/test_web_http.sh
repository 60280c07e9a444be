#!/bin/bash
# HTTP tests of `gazette serve` on a real server on 127.0.0.1 (curl and a
# few raw sockets from python3): pages, downloads (ETag/304, Range/206/416,
# HEAD, Content-Disposition), 404s, every write method refused (405),
# oversize URL/headers/body (414/431/413), malformed encodings and path
# traversal (400), slowloris dropped by the header deadline, per-address
# connection limit, security headers on every response, the verify upload
# (valid, superseded, tampered), the archive left untouched, clean SIGTERM.
set -euo pipefail
: "${GAZETTE:?}" "${SRC:?}"
unset http_proxy HTTP_PROXY https_proxy HTTPS_PROXY all_proxy ALL_PROXY no_proxy || true
T=$(mktemp -d)
pid=
pid6=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null || true
	[ -n "$pid6" ] && kill "$pid6" 2>/dev/null || true
	wait 2>/dev/null || true
	rm -rf "$T"
}
trap cleanup EXIT
fails=0
checks=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
ok() { checks=$((checks + 1)); }
K=$SRC/keys-example

bash "$SRC/tests/web-fixture.sh" "$T/fx"
A=$T/fx/ar
sha_before=$(sha256sum "$A/data.mdb" | cut -d' ' -f1)

# start_server LISTEN OUTFILE [opts]: runs serve in the background, waits for its URL
start_server() {
	local listen=$1 outf=$2
	shift 2
	"$GAZETTE" serve --archive "$A" --listen "$listen" --trust "$K/root-ca.pem" "$@" \
		>"$outf" 2>"$outf.err" &
	local p=$! i
	for i in $(seq 1 100); do
		grep -q 'http://' "$outf" 2>/dev/null && break
		kill -0 "$p" 2>/dev/null || { cat "$outf.err" >&2; return 1; }
		sleep 0.1
	done
	grep -o 'http://[^ ]*' "$outf" | sed 's,/$,,' >"$outf.url"
	echo "$p" >"$outf.pid"
}
start_server 127.0.0.1:0 "$T/serve.out" --header-timeout 3 --max-per-ip 8
pid=$(cat "$T/serve.out.pid")
B=$(cat "$T/serve.out.url")
echo "server at $B"

# get URL: status into $T/code, headers into $T/h, body into $T/b
get() {
	rm -f "$T/b" "$T/h"
	curl -s --path-as-is -o "$T/b" -D "$T/h" -w '%{http_code}' "$@" >"$T/code" || echo 000 >"$T/code"
}
status_is() { # WANT URL [curl args]
	local want=$1
	shift
	get "$@"
	if [ "$(cat "$T/code")" = "$want" ]; then ok; else fail "$* -> $(cat "$T/code"), expected $want"; fi
	sec_headers "$*"
}
hdr() { grep -i "^$1:" "$T/h" | head -1 | cut -d' ' -f2- | tr -d '\r'; }
body_has() { if grep -qF -- "$1" "$T/b"; then ok; else fail "body of last request lacks '$1'"; fi; }
body_lacks() { if grep -qF -- "$1" "$T/b"; then fail "body of last request has '$1'"; else ok; fi; }
sec_headers() {
	[ -s "$T/h" ] || return 0
	hdr Content-Security-Policy | grep -q "default-src 'self'" || fail "$1: no CSP"
	[ "$(hdr X-Content-Type-Options)" = nosniff ] || fail "$1: no nosniff"
	[ "$(hdr X-Frame-Options)" = DENY ] || fail "$1: no X-Frame-Options"
	[ -n "$(hdr Referrer-Policy)" ] || fail "$1: no Referrer-Policy"
	ok
}

# ---- pages ----------------------------------------------------------------------
DOCNO_ENC=$(python3 -c 'import urllib.parse;print(urllib.parse.quote("西府办发〔2017〕38号"))')
CODE=$("$GAZETTE" get --archive "$A" 2023/7 | grep -o 'code [0-9A-Z]*' | head -1 | cut -d' ' -f2)
[ -n "$CODE" ] || fail "no verification code from gazette get"
for u in / /issues/ /issues/2023/ /issues/2023/7 /issues/2023/7/ "/docs/$CODE" "/verify/$CODE" \
	"/docs/$DOCNO_ENC" /search "/search?q=%E6%94%BF%E5%8A%A1%E5%85%AC%E5%BC%80" /verify /log \
	/feed.atom /robots.txt /static/site.css /api/v1/issues.json /api/v1/latest.json \
	/api/v1/issues/2023.json /api/v1/issues/2023/7.json "/api/v1/docs/$CODE.json" \
	/api/v1/log.json "/api/v1/search.json?q=%E6%94%BF%E5%8A%A1" \
	"/log/inclusion?index=0" "/log/consistency?first=1&second=2" \
	"/api/v1/log/inclusion.json?index=1&size=2" /api/v1/log/inclusion/0.json; do
	status_is 200 "$B$u"
done
get "$B/"
body_has '<html lang="zh-CN">'
body_has '<meta name="viewport"'
body_has '/issues/2023/7'
[ "$(hdr Content-Type)" = "text/html; charset=utf-8" ] || fail "home content type"
# pages, JSON and the feed carry a validator from their bytes: the same
# request gives the same tag, If-None-Match gives 304 without a body (and
# the 200's length); no Accept-Ranges on a page
for u in / /issues/2023/7 /feed.atom /api/v1/issues.json "/search?q=%E5%85%AC%E6%8A%A5"; do
	get "$B$u"
	tag=$(hdr ETag)
	case $tag in '"p-'*) ok ;; *) fail "$u: page ETag '$tag'" ;; esac
	len=$(stat -c %s "$T/b")
	[ -z "$(hdr Accept-Ranges)" ] || fail "$u: Accept-Ranges on a page"
	[ "$(hdr Cache-Control)" = no-cache ] || fail "$u: Cache-Control $(hdr Cache-Control)"
	get "$B$u"
	[ "$(hdr ETag)" = "$tag" ] || fail "$u: the same page got another tag"
	status_is 304 "$B$u" -H "If-None-Match: $tag"
	[ ! -s "$T/b" ] || fail "$u: a 304 with a body"
	[ "$(hdr Content-Length)" = "$len" ] || fail "$u: 304 Content-Length $(hdr Content-Length), not $len"
	status_is 200 "$B$u" -H 'If-None-Match: "p-0000"'
done
get "$B/issues/2023/7"
body_has '勘误：第3页标题错字'
body_has '已被第2版取代'
body_has '<th scope="col">'
# one <tbody> per section of the contents (a rowgroup header heads its own group)
python3 - "$T/b" <<'EOF' || fail "issue contents: sections do not each have their own <tbody>"
import re, sys
h = open(sys.argv[1], encoding="utf-8").read()
t = h[h.index("<h2>目录</h2>"):]
t = t[:t.index("</table>")]
groups = re.findall(r"<tbody>(.*?)</tbody>", t, re.S)
heads = re.findall(r'<th scope="rowgroup"', t)
assert len(heads) >= 2 and len(groups) == len(heads), (len(groups), len(heads))
assert all(g.lstrip().startswith('<tr><th scope="rowgroup"') for g in groups), groups
EOF
# WCAG 1.4.11: the focus outline and the field borders are >= 3:1 on white
get "$B/static/site.css"
python3 - "$T/b" <<'EOF' || fail "site.css: focus outline or field border below 3:1"
import re, sys
css = open(sys.argv[1], encoding="utf-8").read()
var = dict(re.findall(r"--([a-z]+):(#[0-9a-fA-F]{6})", css))
def colour(v):
    m = re.match(r"var\(--([a-z]+)\)", v)
    return var[m.group(1)] if m else v
def lum(h):
    c = [int(h[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    c = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in c]
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]
def ratio(h):
    return 1.05 / (lum(h) + 0.05)
focus = re.findall(r":focus[^{]*\{[^}]*outline:\s*\d+px solid ([^;}]+)", css)
field = re.findall(r"input,select,button\{[^}]*border:\s*1px solid ([^;}]+)", css)
assert focus and field, (focus, field)
for v in focus + field:
    assert ratio(colour(v)) >= 3, (v, colour(v), ratio(colour(v)))
EOF
get "$B/docs/$DOCNO_ENC"
body_has '西充县人民政府办公室关于印发'
body_has '废止'
body_has '西府办发〔2023〕1号'
body_has '被新的工作要点替代'
get "$B/api/v1/docs/$DOCNO_ENC.json"
python3 - "$T/b" <<'EOF' || fail "document JSON"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["doc_no"] == "西府办发〔2017〕38号", d["doc_no"]
assert d["status"] == "废止" and d["in_force"] is False
assert len(d["appearances"]) == 2 and d["text"]
EOF
get "$B/feed.atom"
[ "$(hdr Content-Type)" = "application/atom+xml; charset=utf-8" ] || fail "feed type"
python3 -c 'import sys,xml.dom.minidom as m; m.parse(sys.argv[1])' "$T/b" || fail "feed is not XML"
body_has '2023年第7期发布第2版'
body_has '西府办发〔2017〕38号'
body_has '2023-09-01起废止，依据西府办发〔2023〕1号。被新的工作要点替代'
# search: each document once (both versions hold it), marked matches
get "$B/api/v1/search.json?q=%E8%A7%84%E8%8C%83%E6%80%A7%E6%96%87%E4%BB%B6"
python3 - "$T/b" <<'EOF' || fail "search JSON"
import json, sys
d = json.load(open(sys.argv[1]))
nos = [h["doc_no"] for h in d["results"]]
assert d["total"] == 4 and len(nos) == 4 and len(set(nos)) == 4, d
h = d["results"][0]
assert all(h["snippet"].encode()[o:o+n].decode() == "规范性文件" for o, n in h["matches"]), h
EOF
get "$B/search?q=%E8%A7%84%E8%8C%83%E6%80%A7%E6%96%87%E4%BB%B6&status=%E5%BA%9F%E6%AD%A2"
body_has '共找到 1 篇文件'
body_has '<mark>规范性文件</mark>'
# the filters other than the query are folded away unless one is in use
body_has '<details class="more" open><summary>发布机构、主题、体裁、日期、效力状态（已用 1 项）'
body_has '<option selected>废止</option>'
get "$B/search?q=%E8%A7%84%E8%8C%83%E6%80%A7%E6%96%87%E4%BB%B6"
body_has '<details class="more"><summary>'
body_has 'name="status"'
# snippets: no window opens on a bare "，"; "…" where the text was cut; the
# JSON snippet is the same string, its matches still index it
for w in 规范性文件 政务公开 工作 信息 公开 政府 要点 部门 网站 依法 管理 建设; do
	wq=$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$w")
	get "$B/api/v1/search.json?q=$wq"
	cp "$T/b" "$T/sj"
	get "$B/search?q=$wq"
	python3 - "$T/sj" "$T/b" "$w" <<'EOF' || fail "snippets for $w"
import html, json, re, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
page = open(sys.argv[2], encoding="utf-8").read()
shown = [html.unescape(re.sub(r"</?mark>", "", x))
         for x in re.findall(r'<span class="snippet">(.*?)</span>', page, re.S)]
punct = set("，。、；：！？）」』】〕》〉”’,.;:!?) \u3000")
assert d["results"], "no results"
for h, sh in zip(d["results"], shown):
    s = h["snippet"]
    assert s == sh, (s, sh)            # page and API show the same text
    body = s[1:] if s.startswith("…") else s
    assert body and body[0] not in punct, "opens on punctuation: " + s[:20]
    assert not (s.endswith("…") and s[-2] in "，、；："), "dangling: " + s[-20:]
    for o, n in h["matches"]:
        assert s.encode()[o:o + n].decode() == sys.argv[3], (s, o, n)
print(sys.argv[3], len(d["results"]), "ok;", sum(h["snippet"].startswith("…") for h in d["results"]), "cut in front")
EOF
done
get "$B/api/v1/search.json?q=%E8%A7%84%E8%8C%83%E6%80%A7%E6%96%87%E4%BB%B6"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; assert any(h["snippet"].startswith("…") and h["snippet"].endswith("…") for h in r), r' "$T/b" || fail "no snippet shows its cuts with …"
# the <title> of a search: 检索, the query capped at 30 characters and …
longq=$(python3 -c 'print("政务公开" * 12)')
get "$B/search?q=$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$longq")"
grep -q "<title>检索：$(python3 -c 'print(("政务公开" * 12)[:30])')… — " "$T/b" && ok || fail "search title: $(grep -o '<title>.*</title>' "$T/b")"
get "$B/search?q=%E6%94%BF%E5%8A%A1"
grep -q '<title>检索：政务 — ' "$T/b" && ok || fail "short search title: $(grep -o '<title>.*</title>' "$T/b")"
status_is 400 "$B/search?q=%22unbalanced"
# by 文号, 索引号 or code, whole or in part, as people type them
enc() { python3 -c 'import sys,urllib.parse;print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }
CODE_TYPED=$(echo "$CODE" | tr 'A-Z' 'a-z' | sed 's/^\(....\)/\1-/')
CODE38=$("$GAZETTE" get --archive "$A" --doc '西府办发〔2017〕38号' --json |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["code"])')
for q in '西府办发〔2017〕38号' '西府办发[2017]38号' '西府办发（2017）38号' 008463152/2017-00213 \
	"$CODE38" "$(echo "$CODE38" | tr 'A-Z' 'a-z' | sed 's/^\(....\)/\1-/')" \
	西府办发 38号 008463152 穗更新; do
	get "$B/api/v1/search.json?q=$(enc "$q")"
	python3 - "$T/b" "$q" <<'EOF' || fail "search by number: $q"
import json, sys
d = json.load(open(sys.argv[1]))
q = sys.argv[2]
want = "穗更新〔2018〕21号" if q == "穗更新" else "西府办发〔2017〕38号"
r = d["results"]
assert r and r[0]["doc_no"] == want, (q, r)
whole = q not in ("西府办发", "38号", "008463152", "穗更新")
assert r[0]["exact"] == whole, (q, r[0])
EOF
done
get "$B/search?q=$(enc '西府办发[2017]38号')"
body_has '共找到 1 篇文件'
for k in '西府办发[2017]38号' '西府办发（2017）38号' '西府办发 〔2017〕 38号'; do
	status_is 301 "$B/docs/$(enc "$k")"
	[ "$(hdr Location)" = "/docs/$DOCNO_ENC" ] || fail "/docs/$k redirects to $(hdr Location)"
done
status_is 301 "$B/verify/$CODE_TYPED"
[ "$(hdr Location)" = "/verify/$CODE" ] || fail "$CODE_TYPED redirects to $(hdr Location)"
status_is 301 "$B/api/v1/docs/$(enc '西府办发[2017]38号').json"
[ "$(hdr Location)" = "/api/v1/docs/$DOCNO_ENC.json" ] || fail "API redirect to $(hdr Location)"
status_is 404 "$B/docs/$(enc '西府办发[2017]39号')"
# HTML escaping of what a visitor types
get "$B/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E%22"
body_lacks '<script>'
body_has '&lt;script&gt;'

# ---- downloads -----------------------------------------------------------------------
SHA1=$(sha256sum "$T/fx/v1.pdf" | cut -d' ' -f1)
LEN1=$(stat -c %s "$T/fx/v1.pdf")
status_is 200 "$B/issues/2023/7/v1.pdf"
cmp -s "$T/b" "$T/fx/v1.pdf" && ok || fail "v1.pdf bytes differ"
[ "$(hdr Content-Type)" = application/pdf ] || fail "pdf content type"
[ "$(hdr ETag)" = "\"sha256-$SHA1\"" ] || fail "ETag $(hdr ETag) is not the SHA-256"
[ "$(hdr Accept-Ranges)" = bytes ] || fail "no Accept-Ranges"
hdr Content-Disposition | grep -q "^attachment; filename=\"gazette-2023-07-v1.pdf\"; filename\*=UTF-8''" || fail "disposition: $(hdr Content-Disposition)"
python3 -c '
import sys, urllib.parse
v = sys.argv[1].split("filename*=UTF-8'"''"'")[1]
assert urllib.parse.unquote(v).endswith("2023年第7期（第1版）.pdf"), v' "$(hdr Content-Disposition)" || fail "UTF-8 file name"
status_is 200 "$B/issues/2023/7.pdf"
cmp -s "$T/b" "$T/fx/v2.pdf" && ok || fail "current PDF is not version 2"
status_is 304 "$B/issues/2023/7/v1.pdf" -H "If-None-Match: \"sha256-$SHA1\""
[ ! -s "$T/b" ] && ok || fail "304 with a body"
[ "$(hdr Content-Length)" = "$(stat -c %s "$T/fx/v1.pdf")" ] || fail "304 Content-Length $(hdr Content-Length)"
[ "$(hdr ETag)" = "\"sha256-$SHA1\"" ] || fail "304 without its ETag"
status_is 200 "$B/issues/2023/7/v1.pdf" -H 'If-None-Match: "sha256-0000"'
status_is 206 "$B/issues/2023/7/v1.pdf" -H 'Range: bytes=100-199'
[ "$(hdr Content-Range)" = "bytes 100-199/$LEN1" ] || fail "Content-Range $(hdr Content-Range)"
cmp -s "$T/b" <(tail -c +101 "$T/fx/v1.pdf" | head -c 100) && ok || fail "range bytes differ"
status_is 206 "$B/issues/2023/7/v1.pdf" -H 'Range: bytes=-10'
cmp -s "$T/b" <(tail -c 10 "$T/fx/v1.pdf") && ok || fail "suffix range bytes differ"
status_is 416 "$B/issues/2023/7/v1.pdf" -H "Range: bytes=$LEN1-"
[ "$(hdr Content-Range)" = "bytes */$LEN1" ] || fail "416 Content-Range $(hdr Content-Range)"
status_is 200 "$B/issues/2023/7/v1.pdf" -H 'Range: bytes=0-1,5-6'   # several ranges: whole file
# If-Range (RFC 9110 13.1.5): a download of version 1 resumed after the
# correction (勘误, version 2 is now current) gets the whole new file, never
# a mix; the matching tag resumes; a date cannot match (no Last-Modified)
SHA2=$(sha256sum "$T/fx/v2.pdf" | cut -d' ' -f1)
status_is 200 "$B/issues/2023/7.pdf" -H "If-Range: \"sha256-$SHA1\"" -H 'Range: bytes=100-199'
cmp -s "$T/b" "$T/fx/v2.pdf" && ok || fail "If-Range mismatch: not the whole current file"
[ -z "$(hdr Content-Range)" ] || fail "If-Range mismatch with Content-Range $(hdr Content-Range)"
status_is 206 "$B/issues/2023/7.pdf" -H "If-Range: \"sha256-$SHA2\"" -H 'Range: bytes=100-199'
cmp -s "$T/b" <(tail -c +101 "$T/fx/v2.pdf" | head -c 100) && ok || fail "If-Range match: range bytes differ"
status_is 200 "$B/issues/2023/7.pdf" -H 'If-Range: Sat, 21 Nov 2026 10:00:00 GMT' -H 'Range: bytes=100-199'
status_is 200 "$B/issues/2023/7.pdf" -H "If-Range: W/\"sha256-$SHA2\"" -H 'Range: bytes=100-199'
# If-Match: 412 unless the current bytes are the ones named
status_is 412 "$B/issues/2023/7.pdf" -H "If-Match: \"sha256-$SHA1\""
hdr Content-Disposition | grep -q attachment && fail "412 as an attachment" || ok
status_is 412 "$B/issues/2023/7.pdf" -H "If-Match: \"sha256-$SHA1\"" -I
status_is 200 "$B/issues/2023/7.pdf" -H "If-Match: \"sha256-$SHA2\""
cmp -s "$T/b" "$T/fx/v2.pdf" && ok || fail "If-Match match: not the current file"
status_is 206 "$B/issues/2023/7.pdf" -H "If-Match: *" -H 'Range: bytes=0-9'
# an end past 2^64 is an end past EOF: clamped
status_is 206 "$B/issues/2023/7/v1.pdf" -H 'Range: bytes=0-18446744073709551616'
[ "$(hdr Content-Range)" = "bytes 0-$((LEN1 - 1))/$LEN1" ] || fail "huge end: Content-Range $(hdr Content-Range)"
cmp -s "$T/b" "$T/fx/v1.pdf" && ok || fail "huge end: bytes differ"
status_is 200 "$B/issues/2023/7/v1.pdf" -I
[ "$(hdr Content-Length)" = "$LEN1" ] || fail "HEAD Content-Length $(hdr Content-Length)"
[ "$(hdr ETag)" = "\"sha256-$SHA1\"" ] || fail "HEAD ETag"
grep -q '%PDF' "$T/b" 2>/dev/null && fail "HEAD with a body" || ok

# ---- not found --------------------------------------------------------------------------
for u in /nope /issues/2023/8 /issues/1999/ /issues/2023/7/v9.pdf /issues/2023/7/v0.pdf \
	/issues/2023/07 /docs/NOSUCHDOC1 /verify/ZZZZZZZZZZ /static/x.css /api/v1/nope.json \
	/api/v1/docs/none.json /issues/2023/7.pdf/ /log/nope /robots.txt/; do
	status_is 404 "$B$u"
done
get "$B/api/v1/docs/none.json"
[ "$(hdr Content-Type)" = "application/json; charset=utf-8" ] || fail "API 404 is not JSON"
status_is 400 "$B/log/inclusion?index=99"
status_is 400 "$B/search?page=0"

# ---- read-only: every write method refused -----------------------------------------------
for u in / /issues/2023/7 /issues/2023/7.pdf "/docs/$CODE" /search /log /feed.atom \
	/api/v1/issues.json /static/site.css /verify "/verify/$CODE" /api/v1/verify; do
	for m in POST PUT DELETE PATCH; do
		case "$m $u" in "POST /verify" | "POST /api/v1/verify") continue ;; esac
		status_is 405 "$B$u" -X "$m" --data-binary x
		case $u in
		/api/v1/verify) [ "$(hdr Allow)" = "POST, OPTIONS" ] || fail "$m $u: Allow $(hdr Allow)" ;;
		*) hdr Allow | grep -q '^GET, HEAD' || fail "$m $u: Allow $(hdr Allow)" ;;
		esac
	done
done

# ---- API errors: JSON with the API's CORS header, whatever refused them ----------------
# api_error_is STATUS URL [curl args]: {"error": STATUS, "message": "..."} and CORS
api_error_is() {
	local want=$1
	status_is "$@"
	[ "$(hdr Content-Type)" = "application/json; charset=utf-8" ] || fail "$*: API error type $(hdr Content-Type)"
	[ "$(hdr Access-Control-Allow-Origin)" = "*" ] || fail "$*: API error without CORS"
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["error"]==int(sys.argv[2]) and d["message"], d' \
		"$T/b" "$want" || fail "$*: not a JSON error"
}
api_error_is 400 "$B/api/v1/verify" -H 'Content-Type: application/pdf' --data-binary ''
api_error_is 405 "$B/api/v1/issues.json" -X DELETE
hdr Allow | grep -q '^GET, HEAD' || fail "DELETE API: Allow $(hdr Allow)"
api_error_is 400 "$B/api/v1/docs/%zz.json"
api_error_is 404 "$B/api/v1/docs/none.json"
api_error_is 405 "$B/api/v1/verify"
[ "$(hdr Allow)" = "POST, OPTIONS" ] || fail "GET /api/v1/verify: Allow $(hdr Allow)"
get "$B/api/v1/$(head -c 10000 /dev/zero | tr '\0' a)"
[ "$(cat "$T/code")" = 414 ] && [ "$(hdr Access-Control-Allow-Origin)" = "*" ] &&
	grep -q '^{"error":414,"message":"' "$T/b" && ok || fail "10 kB API URL: not a 414 JSON error"
# the CORS preflight of a cross-site POST of application/pdf
status_is 204 "$B/api/v1/verify" -X OPTIONS -H 'Origin: https://example.org' \
	-H 'Access-Control-Request-Method: POST' -H 'Access-Control-Request-Headers: content-type'
[ "$(hdr Access-Control-Allow-Origin)" = "*" ] || fail "preflight: no Allow-Origin"
hdr Access-Control-Allow-Methods | grep -qw POST || fail "preflight: Allow-Methods $(hdr Access-Control-Allow-Methods)"
hdr Access-Control-Allow-Headers | grep -qiw Content-Type || fail "preflight: Allow-Headers $(hdr Access-Control-Allow-Headers)"
[ ! -s "$T/b" ] && ok || fail "preflight with a body"
status_is 405 "$B/issues/" -X OPTIONS
# the connection stays usable after a preflight (answered once the request is complete)
curl -s -o /dev/null -w '%{http_code} %{num_connects}\n' -X OPTIONS "$B/api/v1/verify" \
	--next -s -o /dev/null -w '%{http_code} %{num_connects}\n' "$B/api/v1/log.json" >"$T/pf"
[ "$(tr '\n' ' ' <"$T/pf")" = "204 1 200 0 " ] && ok || fail "preflight then GET: $(cat "$T/pf")"

# a GET with a body is refused (it would otherwise escape the deadlines)
status_is 400 "$B/" -X GET --data-binary 'xyz'
status_is 200 "$B/" -H 'Content-Length: 0'

# ---- bad encodings, traversal --------------------------------------------------------------
for u in '/%zz' '/a%0' '/docs/a%00b' '/..' '/issues/../etc/passwd' '/%2e%2e/%2e%2e/etc/passwd' \
	'/docs/%C0%AF' '/docs/%C0%AE%C0%AE' '/docs/%E0%80%AF' '/docs/%ED%A0%80' '/search?q=%C3' \
	'/search?q=%0d%0aSet-Cookie:x' '//etc/passwd' '/static/./site.css' '/docs/%FF'; do
	status_is 400 "$B$u"
	body_lacks '/work/'
	body_lacks "$A"
done

# ---- caps ---------------------------------------------------------------------------------
long=$(head -c 10000 /dev/zero | tr '\0' a)
status_is 414 "$B/$long"
huge=$(head -c 100000 /dev/zero | tr '\0' a)
get "$B/$huge"
[ "$(cat "$T/code")" = 414 ] && ok || fail "100 kB URL -> $(cat "$T/code")"
status_is 431 "$B/" -H "X-Big: $(head -c 20000 /dev/zero | tr '\0' b)"
get "$B/" -H "X-Big: $(head -c 100000 /dev/zero | tr '\0' b)"
[ "$(cat "$T/code")" = 431 ] && ok || fail "100 kB header -> $(cat "$T/code")"
# a 60 MB Content-Length is refused before any byte of the body is read
python3 - "$B" <<'EOF' || fail "oversize upload not refused with 413"
import socket, sys, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
def announce(path, ctype, end):
    """Sends only the headers of a 60 MB POST; the reply up to `end`."""
    s = socket.create_connection((u.hostname, u.port), timeout=10)
    s.sendall(b"POST " + path + b" HTTP/1.1\r\nHost: x\r\nContent-Type: " + ctype +
              b"\r\nContent-Length: 60000000\r\n\r\n")
    r = b""
    while end not in r:
        d = s.recv(4096)
        if not d:
            break
        r += d
    return r.decode("utf-8")


r = announce(b"/verify", b"multipart/form-data; boundary=b", b"</html>")
assert r.startswith("HTTP/1.1 413"), r[:80]
# the page names the limit in force (GAZ_HTTP_UPLOAD_MAX) and leads back to the form
assert "大小上限 50.0 MB（52428800 字节）" in r, r
assert '<a href="/verify">' in r, r
r = announce(b"/api/v1/verify", b"application/pdf", b"}")
assert r.startswith("HTTP/1.1 413"), r[:80]
assert "\r\nAccess-Control-Allow-Origin: *\r\n" in r, r
assert "application/json" in r and '"error":413' in r, r
EOF
ok

# ---- verify upload --------------------------------------------------------------------------
status_is 200 "$B/verify" -F "file=@$T/fx/v2.pdf;type=application/pdf"
body_has '有效：1 个签名'
# version 2 is current, but one of its documents was repealed (废止)
body_has '文件真实，但其中有文件已不再有效'
body_has '<span class="st st-repealed">废止</span>'
get "$B/verify" -F "file=@$T/fx/v1.pdf;type=application/pdf"
body_has '该版本已被第2版取代'
body_has '包含证明在大小为'
python3 - "$T/fx/v2.pdf" "$T/tampered.pdf" <<'EOF'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
i = d.find(b"Gazette")
if i < 0:
    i = len(d) // 3
d[i] ^= 0x01
open(sys.argv[2], "wb").write(d)
EOF
status_is 200 "$B/verify" -F "file=@$T/tampered.pdf;type=application/pdf"
body_has '✘'
body_has '不一致（档案中无此文件）'
get "$B/api/v1/verify" -H 'Content-Type: application/pdf' --data-binary "@$T/tampered.pdf"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["verdict"] in ("invalid","not_in_archive") and not d["archive"]["match"], d' "$T/b" || fail "API verdict on tampered"
get "$B/api/v1/verify" -H 'Content-Type: application/pdf' --data-binary "@$T/fx/v2.pdf"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["verdict"]=="not_in_force" and d["signature"]["valid"] and d["archive"]["version"]==2 and d["archive"]["current"] and d["archive"]["log"]["proven"], d' "$T/b" || fail "API verdict on v2"
status_is 200 "$B/api/v1/sha256/$SHA1.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["version"]==1 and not d["current"] and d["superseded_by"]==2 and len(d["documents"])==5, d' "$T/b" || fail "sha256 lookup"
status_is 404 "$B/api/v1/sha256/$(printf '0%.0s' $(seq 64)).json"
status_is 404 "$B/api/v1/sha256/xyz.json"
status_is 400 "$B/verify" -F "other=x"
# not a PDF at all: said so, not "tampered"; the API answers 400 / 415 in JSON
printf 'Hello, this is a Word file, not a PDF\n' >"$T/notpdf.docx"
: >"$T/empty.pdf"
status_is 400 "$B/verify" -F "file=@$T/notpdf.docx"
body_has '这不是PDF文件'
body_has 'notpdf.docx'
body_lacks '校验未通过'
body_lacks '被改动或签名无效'
status_is 400 "$B/verify" -F "file=@$T/empty.pdf;type=application/pdf"
body_has '这不是PDF文件'
body_has '空文件'
api_error_is 400 "$B/api/v1/verify" -H 'Content-Type: application/pdf' --data-binary "@$T/notpdf.docx"
body_lacks '"verdict"'
api_error_is 415 "$B/api/v1/verify" -F "file=@$T/fx/v2.pdf;type=application/pdf"
body_lacks '"verdict"'
status_is 303 "$B/verify?code=$CODE"
[ "$(hdr Location)" = "/verify/$CODE" ] || fail "code redirect to $(hdr Location)"
# a code as typed from paper: lower case, a hyphen, spaces, O for 0, l for 1
TYPED=$(python3 -c 'import sys; c=sys.argv[1]; t=(c[:5]+" - "+c[5:]).lower().replace("0","O").replace("1","l"); print(t.replace(" ","+"))' "$CODE")
status_is 303 "$B/verify?code=$TYPED"
[ "$(hdr Location)" = "/verify/$CODE" ] || fail "typed code redirect to $(hdr Location)"
TYPED_PATH=$(python3 -c 'import sys; c=sys.argv[1]; print((c[:5]+"-"+c[5:]).lower())' "$CODE")
# ... as a path: one address per page, so a 301 to the canonical code
status_is 301 "$B/verify/$TYPED_PATH"
[ "$(hdr Location)" = "/verify/$CODE" ] || fail "typed code path redirect to $(hdr Location)"
status_is 200 "$B/verify/$CODE"
body_has "$CODE"
# the document's <h1> comes before the verdict's <h2>
python3 - "$T/b" <<'EOF2' || fail "/verify/CODE: <h1> is not the first heading"
import re, sys
h = re.findall(r"<h([1-6])", open(sys.argv[1], encoding="utf-8").read())
assert h and h[0] == "1" and h.count("1") == 1, h
EOF2
# an 索引号 typed into the code box goes as typed (only trimmed), not
# "normalised" as if it were a code: its document page
status_is 303 "$B/verify?code=+008463152%2F2017-00213+"
[ "$(hdr Location)" = "/verify/008463152%2F2017-00213" ] || fail "索引号 redirect to $(hdr Location)"
status_is 200 "$B/verify/008463152%2F2017-00213"
# a long text that is no code is never cut (a cut could split a character
# and make the next request invalid): its page says no document has it
LONG=$(python3 -c 'import urllib.parse; print(urllib.parse.quote("中华人民共和国国务院办公厅关于"))')
status_is 303 "$B/verify?code=$LONG"
[ "$(hdr Location)" = "/verify/$LONG" ] || fail "long key redirect to $(hdr Location)"
status_is 404 "$B/verify/$LONG"
# an unknown code: its own page (404), in Chinese, the normalised code, the form again
status_is 303 "$B/verify?code=zzzzz-zzzzo"
[ "$(hdr Location)" = "/verify/ZZZZZZZZZ0" ] || fail "unknown code redirect to $(hdr Location)"
status_is 404 "$B/verify/ZZZZZZZZZ0"
body_has '档案中没有校验码为 <span class="code">ZZZZZ-ZZZZ0</span> 的文件'
body_has '这份文件可能不是本刊发布的真实文件'
body_has '<form action="/verify" method="get">'
body_has 'name="code"'
body_lacks '没有这个页面或文件'
python3 - "$T/b" <<'EOF2' || fail "unknown-code page: <h1> is not the first heading"
import re, sys
h = re.findall(r"<h([1-6])", open(sys.argv[1], encoding="utf-8").read())
assert h and h[0] == "1" and h.count("1") == 1, h
EOF2
status_is 404 "$B/verify/zzzzz-zzzz0"
body_has 'ZZZZZ-ZZZZ0'
status_is 404 "$B/verify/ABCU"
body_has '这不是一个有效的校验码'
body_has '<span class="code">ABCU</span>'

# ---- slowloris: one header byte a second is dropped by the 3 s header deadline -----------------
python3 - "$B" <<'EOF' || fail "slowloris connection was not dropped"
import socket, sys, time, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
s = socket.create_connection((u.hostname, u.port), timeout=30)
s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
t0 = time.time()
try:
    while time.time() - t0 < 20:
        s.sendall(b"X")      # never finishes the header
        s.settimeout(1.0)
        try:
            if s.recv(1) == b"":
                break        # closed by the server
        except socket.timeout:
            pass
    else:
        sys.exit("still open after 20 s")
except (BrokenPipeError, ConnectionResetError):
    pass
dt = time.time() - t0
print("slowloris dropped after %.1f s" % dt)
assert dt < 15, dt
EOF
status_is 200 "$B/"   # the server still answers

# ---- per-address connection limit (8) ------------------------------------------------------------
python3 - "$B" <<'EOF' || fail "per-address limit not enforced"
import socket, sys, time, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
socks = [socket.create_connection((u.hostname, u.port), timeout=5) for _ in range(12)]
time.sleep(0.5)
closed = 0
for s in socks:
    s.settimeout(0.3)
    try:
        s.sendall(b"GET /robots.txt HTTP/1.1\r\nHost: x\r\n\r\n")
        if s.recv(64) == b"":
            closed += 1
    except (socket.timeout,):
        pass
    except (ConnectionResetError, BrokenPipeError):
        closed += 1
print("connections refused over the limit:", closed)
assert closed >= 4, closed
EOF
status_is 200 "$B/"

# ---- IPv6 loopback ------------------------------------------------------------------------------
if python3 -c 'import socket; s=socket.socket(socket.AF_INET6); s.bind(("::1",0))' 2>/dev/null; then
	start_server '[::1]:0' "$T/serve6.out"
	pid6=$(cat "$T/serve6.out.pid")
	status_is 200 "$(cat "$T/serve6.out.url")/issues/2023/7"
	kill -TERM "$pid6"
	wait "$pid6" && ok || fail "IPv6 server exit code"
	pid6=
else
	echo "skip: no IPv6 loopback here"
fi

# ---- a writer publishes (and grows the map) while the server runs ---------------------
# The server keeps serving the snapshot it has and sees the new version on
# the next request; growing the map never remaps under its readers.
[ "$(sha256sum "$A/data.mdb" | cut -d' ' -f1)" = "$sha_before" ] && ok || fail "data.mdb changed by the server"
curl -s -o "$T/big" "$B/issues/2023/7/v1.pdf" &
dl=$!
SOURCE_DATE_EPOCH=1696118400 "$GAZETTE" publish "$SRC/tests/sample-issue" --archive "$A" \
	--key "$K/signer.key" --cert "$K/signer.pem" --chain "$K/chain.pem" \
	--pass-file "$K/passphrase.txt" -o "$T/v3.pdf" --map-size 4G --reason "第三版" >/dev/null
wait "$dl"
cmp -s "$T/big" "$T/fx/v1.pdf" && ok || fail "download during a publish"
status_is 200 "$B/issues/2023/7.pdf"
cmp -s "$T/b" "$T/v3.pdf" && ok || fail "new version not served after the publish"
status_is 200 "$B/issues/2023/7/v1.pdf"
cmp -s "$T/b" "$T/fx/v1.pdf" && ok || fail "v1 after the publish"
get "$B/issues/2023/7"
body_has '第三版'

# ---- search answers follow the archive ----------------------------------------------------
# The server keeps rendered searches per snapshot: a repeated search is
# answered from memory, and a status change (a write by another process)
# is seen by the very next request.  Both the page and the JSON API.
sq=$(python3 -c 'import urllib.parse; print(urllib.parse.urlencode({"q": "城市更新", "status": "废止"}))')
for round in 1 2; do
	status_is 200 "$B/api/v1/search.json?$sq"
	body_has '"total":0,'
	status_is 200 "$B/search?$sq"
	body_lacks '穗更新〔2018〕21号'
done
get "$B/feed.atom"
feed_tag=$(hdr ETag)
"$GAZETTE" status '穗更新〔2018〕21号' --archive "$A" --set 废止 --date 2023-11-01 \
	--by '穗府〔2023〕1号' --user test >/dev/null 2>&1 && ok || fail "status --set 废止"
# the feed changed (a status change is an entry): its old tag gets the new feed
status_is 200 "$B/feed.atom" -H "If-None-Match: $feed_tag"
[ "$(hdr ETag)" != "$feed_tag" ] || fail "feed tag unchanged after a status change"
status_is 200 "$B/api/v1/search.json?$sq"
body_has '"doc_no":"穗更新〔2018〕21号"'
body_lacks '"total":0,'
status_is 200 "$B/search?$sq"
body_has '穗更新〔2018〕21号'
sha_before=$(sha256sum "$A/data.mdb" | cut -d' ' -f1)

# ---- clean stop; archive untouched ---------------------------------------------------------------
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
pid=
[ "$rc" = 0 ] && ok || fail "serve exit code $rc after SIGTERM"
grep -q 'SIGTERM received' "$T/serve.out.err" && ok || fail "no stop message"
[ "$(sha256sum "$A/data.mdb" | cut -d' ' -f1)" = "$sha_before" ] && ok || fail "data.mdb changed"
# ---- a damaged stored PDF is never served -----------------------------------------------------
cp -a "$A" "$T/bad"
python3 - "$T/bad/data.mdb" "$T/fx/v1.pdf" <<'EOF'
import sys
db = bytearray(open(sys.argv[1], "rb").read())
pdf = open(sys.argv[2], "rb").read()
i = db.find(pdf)
assert i > 0, "v1.pdf not found in data.mdb"
db[i + len(pdf) // 2] ^= 0x01
open(sys.argv[1], "wb").write(db)
EOF
A=$T/bad start_server 127.0.0.1:0 "$T/bad.out"
pid=$(cat "$T/bad.out.pid")
BB=$(cat "$T/bad.out.url")
status_is 500 "$BB/issues/2023/7/v1.pdf"
grep -q '%PDF' "$T/b" && fail "damaged PDF bytes were sent" || ok
body_has '未通过完整性校验'
status_is 500 "$BB/issues/2023/7/v1.pdf" -H 'Range: bytes=0-10'
status_is 200 "$BB/issues/2023/7/v2.pdf"
cmp -s "$T/b" "$T/fx/v2.pdf" && ok || fail "intact v2 after damage to v1"
kill -TERM "$pid"
wait "$pid" || fail "serve exit code on the damaged archive"
pid=

# usage errors
"$GAZETTE" serve --archive "$A" >/dev/null 2>&1 && fail "serve without --listen" || ok
"$GAZETTE" serve --archive "$T/none" --listen 127.0.0.1:0 >/dev/null 2>&1 && fail "serve of a missing archive" || ok
"$GAZETTE" serve --archive "$A" --listen 127.0.0.1:99999 >/dev/null 2>&1 && fail "bad port accepted" || ok

echo "$checks passed, $fails failed"
[ "$fails" = 0 ]

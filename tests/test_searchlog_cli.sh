#!/bin/bash
# End-to-end: `gazette search` and `gazette log` on a real archive made by
# `gazette publish`: short Chinese queries, filters, pages, JSON; signed tree
# heads, inclusion and consistency proofs checked offline, and tampered
# proofs, wrong keys, missing heads refused.
set -euo pipefail

: "${GAZETTE:?}" "${SRC:?}"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export SOURCE_DATE_EPOCH=1690790400 USER=clerk
S=$SRC/tests/sample-issue
K=$SRC/keys-example/log
A=$T/ar
PAGES="黔江府办发〔2018〕67号=1-3,西府办发〔2017〕38号=4-5,穗更新〔2018〕21号=6-8,长新办发〔2020〕9号=9-10,05-anshan-2023-17.txt=11-14"
. "$SRC/tests/lib.sh"
json() { python3 -c "import json,sys; d=json.load(open('$T/out')); print($1)"; }

signed_pdf "$T/v1.pdf"
signed_pdf "$T/v2.pdf"
expect 0 "$GAZETTE" publish "$S" --archive "$A" --signed-pdf "$T/v1.pdf" --pages "$PAGES"

# --- search ---------------------------------------------------------------------
# 公报 (2 characters) is in exactly two sample documents, 报 in all five:
# SQLite's trigram index finds neither.
expect 0 "$GAZETTE" search --archive "$A" 公报
has out "共 2 条结果"
has out "【公报】"
expect 0 "$GAZETTE" search --archive "$A" 报 --json
[ "$(json 'd["total"]')" = 5 ] || fail "报: expected 5 documents"
[ "$(json 'd["total_exact"]')" = True ] || fail "报: total not exact"
expect 0 "$GAZETTE" search --archive "$A" 城市更新 --json
[ "$(json 'd["total"]')" = 1 ] || fail "城市更新: expected 1 document"
[ "$(json 'd["hits"][0]["doc_no"]')" = "穗更新〔2018〕21号" ] || fail "城市更新: wrong document"
[ "$(json 'd["hits"][0]["title_match"]')" = True ] || fail "城市更新: title match not flagged"
# highlight offsets (characters) point at the term in the snippet
[ "$(json 'd["hits"][0]["snippet"][d["hits"][0]["highlights"][0][0]:][:4]')" = 城市更新 ] ||
	fail "highlight offsets do not point at the term"
# a phrase and an AND
expect 0 "$GAZETTE" search --archive "$A" '"政务公开工作要点"' --json
[ "$(json 'd["total"]')" -ge 1 ] || fail "phrase: no result"
expect 0 "$GAZETTE" search --archive "$A" "公报 城市更新" --json
[ "$(json 'd["total"]')" = 0 ] || fail "公报 AND 城市更新: no document has both"
expect 0 "$GAZETTE" search --archive "$A" 鬼
has out "没有找到"
# by number: a part like a title word, the whole (any brackets) first and marked
expect 0 "$GAZETTE" search --archive "$A" 穗更新 --json
[ "$(json 'd["total"], d["hits"][0]["doc_no"], d["hits"][0]["exact"]')" = "1 穗更新〔2018〕21号 False" ] ||
	fail "穗更新: expected 穗更新〔2018〕21号, not exact"
expect 0 "$GAZETTE" search --archive "$A" '西府办发[2017]38号'
has out "西府办发〔2017〕38号"
has out "[文号/索引号/校验码相符]"
expect 0 "$GAZETTE" search --archive "$A" '００８４６３１５２／2017-00213' --json
[ "$(json 'd["hits"][0]["doc_no"], d["hits"][0]["exact"]')" = "西府办发〔2017〕38号 True" ] ||
	fail "索引号 with full-width digits: not an exact hit"
# filters
expect 0 "$GAZETTE" search --archive "$A" 公开 --issuer 广州市城市更新局 --json
[ "$(json 'd["total"]')" = 1 ] || fail "--issuer: expected 1"
expect 0 "$GAZETTE" search --archive "$A" --from 2020-01-01 --json
[ "$(json 'd["total"]')" = 2 ] || fail "--from 2020-01-01: expected 2 (2020, 2023)"
[ "$(json 'd["hits"][0]["published"] >= d["hits"][1]["published"]')" = True ] ||
	fail "filter-only listing is not newest first"
expect 0 "$GAZETTE" search --archive "$A" --issue 2023/7 --json
[ "$(json 'd["total"]')" = 5 ] || fail "--issue 2023/7: expected 5"
expect 0 "$GAZETTE" search --archive "$A" 报 --issue 2022 --json
[ "$(json 'd["total"]')" = 0 ] || fail "--issue 2022: expected 0"
# pages
expect 0 "$GAZETTE" search --archive "$A" 报 --per-page 2 --page 3 --json
[ "$(json 'len(d["hits"])')" = 1 ] || fail "page 3 of 5 by 2: expected 1 hit"
# status follows 立改废
expect 0 "$GAZETTE" search --archive "$A" 报 --status 废止
has out "没有找到"
expect 0 "$GAZETTE" status "穗更新〔2018〕21号" --archive "$A" --set 废止 --date 2024-01-01
expect 0 "$GAZETTE" search --archive "$A" 报 --status 废止 --json
[ "$(json 'd["total"]')" = 1 ] || fail "--status 废止 after the change: expected 1"
# bad input
expect 2 "$GAZETTE" search --archive "$A" '"政务公开'
has err "unbalanced quote"
expect 2 "$GAZETTE" search --archive "$A" 报 --from 2023-02-30
expect 2 "$GAZETTE" search --archive "$A" 报 --per-page 5000
expect 2 "$GAZETTE" search --archive "$A" 报 --status 作废
expect 2 "$GAZETTE" search --archive "$T/none" 报

# --- log ---------------------------------------------------------------------------
expect 0 "$GAZETTE" log --archive "$A"
has out "tree size 7"
has out "no signed tree head"
# a proof without a signed head proves nothing
expect 0 "$GAZETTE" log --archive "$A" inclusion 0 --json
cp "$T/out" "$T/unsigned.json"
has err "not signed"
expect 1 "$GAZETTE" log verify-proof "$T/unsigned.json" --pub "$K/log-pub.pem"
# sign: wrong passphrase, then the demo key
printf 'wrong\n' >"$T/badpass"
expect 2 "$GAZETTE" log --archive "$A" sign --key "$K/log-key.pem" --pass-file "$T/badpass"
expect 0 "$GAZETTE" log --archive "$A" sign --key "$K/log-key.pem" --pass-file "$K/passphrase"
has out "size 7"
GAZETTE_LOG_KEY_PASS=$(cat "$K/passphrase") SOURCE_DATE_EPOCH=1690790401 \
	expect 0 "$GAZETTE" log --archive "$A" sign --key "$K/log-key.pem"
expect 0 "$GAZETTE" log --archive "$A" head --json
[ "$(json 'd["sth"]["tree_size"]')" = 7 ] || fail "head: signed size"
# inclusion of the issue version, found by its PDF's SHA-256
sha=$(sha256sum "$T/v1.pdf" | cut -c1-64)
expect 0 "$GAZETTE" log --archive "$A" inclusion --sha256 "$sha" --json
cp "$T/out" "$T/incl.json"
expect 0 "$GAZETTE" log verify-proof "$T/incl.json" --pub "$K/log-pub.pem"
has out "valid: leaf 5 is in the signed tree of 7 leaves"
has out "issue 2023/7 version 1"
# every leaf's proof verifies offline
for i in 0 1 2 3 4 5 6; do
	expect 0 "$GAZETTE" log --archive "$A" inclusion $i --json
	cp "$T/out" "$T/p$i.json"
	expect 0 "$GAZETTE" log verify-proof "$T/p$i.json" --pub "$K/log-pub.pem"
done
# tampering: a path hash, the leaf data, the leaf index, the signature
python3 - "$T" <<'EOF'
import json, sys
t = sys.argv[1]
p = json.load(open(t + "/incl.json"))
def flip(h):
    return ("0" if h[0] != "0" else "1") + h[1:]
for name, change in [
    ("path", lambda q: q["path"].__setitem__(0, flip(q["path"][0]))),
    ("data", lambda q: q.__setitem__("leaf_data", q["leaf_data"][:-2] + "01")),
    ("index", lambda q: q.__setitem__("leaf_index", 4)),
    ("sig", lambda q: q["sth"].__setitem__("signature", flip(q["sth"]["signature"]))),
    ("root", lambda q: q["sth"].__setitem__("root_hash", flip(q["sth"]["root_hash"]))),
    ("size", lambda q: q.__setitem__("tree_size", 6)),
]:
    q = json.loads(json.dumps(p))
    change(q)
    json.dump(q, open("%s/bad-%s.json" % (t, name), "w"))
EOF
for b in path data index sig root size; do
	expect 1 "$GAZETTE" log verify-proof "$T/bad-$b.json" --pub "$K/log-pub.pem"
done
echo '{"type": "inclusion"' >"$T/broken.json"
expect 1 "$GAZETTE" log verify-proof "$T/broken.json" --pub "$K/log-pub.pem"
expect 2 "$GAZETTE" log verify-proof "$T/missing.json" --pub "$K/log-pub.pem"
expect 2 "$GAZETTE" log verify-proof "$T/incl.json"
# another key
openssl genpkey -algorithm ed25519 -out "$T/other.pem" 2>/dev/null
openssl pkey -in "$T/other.pem" -pubout -out "$T/other-pub.pem" 2>/dev/null
expect 1 "$GAZETTE" log verify-proof "$T/incl.json" --pub "$T/other-pub.pem"

# a correction (version 2) grows the log; the old head is a prefix of the new
expect 0 "$GAZETTE" publish "$S" --archive "$A" --signed-pdf "$T/v2.pdf" --pages "$PAGES" --reason 勘误
# search shows the corrected version's documents only, unless asked
expect 0 "$GAZETTE" search --archive "$A" 城市更新 --json
[ "$(json 'd["total"]')" = 1 ] || fail "after 勘误: expected 1 current document"
[ "$(json 'd["hits"][0]["superseded"]')" = False ] || fail "after 勘误: hit is superseded"
expect 0 "$GAZETTE" search --archive "$A" 城市更新 --all-versions --json
[ "$(json 'd["total"]')" = 2 ] || fail "--all-versions: expected both versions"
SOURCE_DATE_EPOCH=1690790500 \
	expect 0 "$GAZETTE" log --archive "$A" sign --key "$K/log-key.pem" --pass-file "$K/passphrase"
expect 0 "$GAZETTE" log --archive "$A" head --json
n=$(json 'd["tree_size"]')
[ "$n" -gt 7 ] || fail "log did not grow with version 2"
expect 0 "$GAZETTE" log --archive "$A" consistency 7 "$n" --json
cp "$T/out" "$T/cons.json"
expect 0 "$GAZETTE" log verify-proof "$T/cons.json" --pub "$K/log-pub.pem"
has out "valid: the tree of 7 leaves (signed) is a prefix of the signed tree of $n"
python3 - "$T" <<'EOF'
import json, sys
t = sys.argv[1]
p = json.load(open(t + "/cons.json"))
p["first_root"] = p["second_root"]
json.dump(p, open(t + "/bad-cons.json", "w"))
p = json.load(open(t + "/cons.json"))
p["first_sth"] = None
p["path"] = p["path"][:-1]
json.dump(p, open(t + "/short-cons.json", "w"))
EOF
expect 1 "$GAZETTE" log verify-proof "$T/bad-cons.json" --pub "$K/log-pub.pem"
expect 1 "$GAZETTE" log verify-proof "$T/short-cons.json" --pub "$K/log-pub.pem"
# an old proof checked against a newer head given with --sth fails (wrong size)
expect 0 "$GAZETTE" log --archive "$A" head --json
python3 -c "import json; d=json.load(open('$T/out')); json.dump(d['sth'], open('$T/sth.json','w'))"
expect 1 "$GAZETTE" log verify-proof "$T/incl.json" --pub "$K/log-pub.pem" --sth "$T/sth.json"
expect 0 "$GAZETTE" log --archive "$A" inclusion 5 --json
cp "$T/out" "$T/incl2.json"
expect 0 "$GAZETTE" log verify-proof "$T/incl2.json" --pub "$K/log-pub.pem" --sth "$T/sth.json"
expect 0 "$GAZETTE" log --archive "$A" leaf 5
has out "issue 2023/7 version 1"
expect 2 "$GAZETTE" log --archive "$A" leaf abc
has err "'abc' is not a number"
expect 2 "$GAZETTE" log --archive "$A" leaf 18446744073709551616
has err "is not a number from 0 to"
expect 2 "$GAZETTE" log --archive "$A" leaf 0 extra
has err "leaf: unexpected argument extra"
expect 2 "$GAZETTE" log --archive "$A" head extra
has err "head: unexpected argument extra"
expect 1 "$GAZETTE" log --archive "$A" leaf 999
expect 1 "$GAZETTE" log --archive "$A" inclusion 999
expect 2 "$GAZETTE" log --archive "$A" consistency 5
expect 2 "$GAZETTE" log --archive "$A" frobnicate
expect 0 "$GAZETTE" fsck --archive "$A"
has out "clean"

# --- heads signed by publish and status themselves (--log-key) -----------------------
# A wrong passphrase or a key that is not Ed25519 stops before anything is
# stored; then the new version and its head commit together.
cp -a "$A/data.mdb" "$T/before.mdb"
signed_pdf "$T/v3.pdf"
expect 2 "$GAZETTE" publish "$S" --archive "$A" --signed-pdf "$T/v3.pdf" --pages "$PAGES" \
	--reason "勘误" --log-key "$K/log-key.pem" --log-pass-file "$T/badpass"
expect 2 "$GAZETTE" publish "$S" --archive "$A" --signed-pdf "$T/v3.pdf" --pages "$PAGES" \
	--reason "勘误" --log-key "$SRC/keys-example/signer.key" \
	--log-pass-file "$SRC/keys-example/passphrase.txt"
expect 2 "$GAZETTE" publish "$S" --archive "$A" --signed-pdf "$T/v3.pdf" --pages "$PAGES" \
	--reason "勘误" --log-pass-file "$K/passphrase"
cmp -s "$A/data.mdb" "$T/before.mdb" || fail "a refused publish changed the archive"
expect 0 "$GAZETTE" log --archive "$A" head --json
size0=$(json 'd["tree_size"]')
expect 0 "$GAZETTE" publish "$S" --archive "$A" --signed-pdf "$T/v3.pdf" --pages "$PAGES" \
	--reason "勘误" --log-key "$K/log-key.pem" --log-pass-file "$K/passphrase"
has out "log tree head signed"
expect 0 "$GAZETTE" log --archive "$A" head --json
size1=$(json 'd["tree_size"]')
[ "$size1" -gt "$size0" ] || fail "publish appended no leaf"
[ "$(json 'd["sth"]["tree_size"]')" = "$size1" ] || fail "publish --log-key: head not of the new size"
# the new version is proven against that head right away, with the key
# (exit 1: this stand-in PDF carries no signature; the archive part is shown)
expect 1 "$GAZETTE" verify "$T/v3.pdf" --archive "$A" --log-key "$K/log-pub.pem"
has out "signature verified with --log-key"
# a key that is not the log's
openssl genpkey -algorithm ed25519 -out "$T/other.key" 2>/dev/null
openssl pkey -in "$T/other.key" -pubout -out "$T/other.pub" 2>/dev/null
expect 1 "$GAZETTE" verify "$T/v3.pdf" --archive "$A" --log-key "$T/other.pub"
has err "does not verify with"
# a status change signs the head of its own leaf too
GAZETTE_LOG_KEY_PASS=$(cat "$K/passphrase") \
	expect 0 "$GAZETTE" status "穗更新〔2018〕21号" --archive "$A" --set 已修改 \
	--date 2023-08-15 --log-key "$K/log-key.pem"
expect 0 "$GAZETTE" log --archive "$A" head --json
[ "$(json 'd["tree_size"]')" = $((size1 + 1)) ] || fail "status appended no leaf"
[ "$(json 'd["sth"]["tree_size"]')" = $((size1 + 1)) ] || fail "status --log-key: head not signed"
expect 2 "$GAZETTE" status "穗更新〔2018〕21号" --archive "$A" --log-key "$K/log-key.pem"
expect 0 "$GAZETTE" fsck --archive "$A"
has out "clean"

# A FIFO as a log key is refused at once, not waited on.
mkfifo "$T/key.fifo"
expect 2 timeout 10 "$GAZETTE" log sign --archive "$A" --key "$T/key.fifo"
has err "not a regular file"
expect 2 timeout 10 "$GAZETTE" log verify-proof "$T/key.fifo" --pub "$T/key.fifo"
has err "not a regular file"

if [ "$fails" != 0 ]; then
	echo "$fails failure(s)" >&2
	exit 1
fi
echo "search and log CLI: all checks passed"

#!/bin/bash
# End-to-end tests of the archive commands on a real LMDB environment:
# publish, correct, get, status, submissions, audit, fsck, backup; a corrupted
# byte in a stored PDF; refused overwrites; bad input (missing / read-only
# archive, full disk, a second writer, a damaged data file, unknown numbers).
# Crash safety and concurrency live in test_archive_crash.sh.
set -euo pipefail

: "${GAZETTE:?}" "${SRC:?}"
T=$(mktemp -d)
cleanup() {
	for m in "$T/full" "$T/ro"; do
		mountpoint -q "$m" 2>/dev/null && umount "$m" || true
	done
	rm -rf "$T"
}
trap cleanup EXIT
export SOURCE_DATE_EPOCH=1690790400 USER=clerk
S=$SRC/tests/sample-issue
A=$T/ar
PAGES="黔江府办发〔2018〕67号=1-3,西府办发〔2017〕38号=4-5,穗更新〔2018〕21号=6-8,长新办发〔2020〕9号=9-10,05-anshan-2023-17.txt=11-14"
. "$SRC/tests/lib.sh"

signed_pdf "$T/v1.pdf" 16 v1
signed_pdf "$T/v2.pdf" 16 v2
signed_pdf "$T/v3.pdf" 16 v3

# --- publish, correct -----------------------------------------------------------
expect 2 "$GAZETTE" get --archive "$T/none" 2023/7
has err "no archive here"
expect 0 "$GAZETTE" publish "$S" --archive "$A" --signed-pdf "$T/v1.pdf" --pages "$PAGES"
has out "stored 2023/7 version 1"
expect 1 "$GAZETTE" publish "$S" --archive "$A" --signed-pdf "$T/v2.pdf" --pages "$PAGES"
has err "needs a reason"
expect 1 "$GAZETTE" publish "$S" --archive "$A" --signed-pdf "$T/v1.pdf" --pages "$PAGES" --reason again
has err "already stored as issue 2023/7 version 1"
expect 1 "$GAZETTE" publish "$S" --archive "$A" --signed-pdf "$T/v2.pdf" --pages "黔江府办发〔2018〕67号=1-3" --reason x
has err "no pages given"
expect 1 "$GAZETTE" publish "$S" --archive "$A" --signed-pdf "$T/v2.pdf" --pages "$PAGES,无此文〔2023〕1号=1-1" --reason x
has err "no such document"
expect 1 "$GAZETTE" publish "$S" --archive "$A" --signed-pdf "$S/issue.conf" --pages "$PAGES" --reason x
has err "not a PDF"
# --pages takes the PDF's page ranges as given, not the PDF: it must be a
# well-formed PDF, signed, intact, with the pages the ranges name.
{ printf '%%PDF-1.4\n'; head -c 5000 /dev/urandom; } >"$T/garbage.pdf"
expect 1 "$GAZETTE" publish "$S" --archive "$A" --signed-pdf "$T/garbage.pdf" --pages "$PAGES" --reason x
has err "not published: malformed PDF"
python3 "$SRC/tests/pdfgen.py" pages "$T/unsigned14.pdf" 14
expect 1 "$GAZETTE" publish "$S" --archive "$A" --signed-pdf "$T/unsigned14.pdf" --pages "$PAGES" --reason x
has err "not published: no signature"
python3 - "$T/v2.pdf" "$T/flipped.pdf" <<'EOF'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
b[b.index(b"(Page 3)") + 3] ^= 0x20
open(sys.argv[2], "wb").write(b)
EOF
expect 1 "$GAZETTE" publish "$S" --archive "$A" --signed-pdf "$T/flipped.pdf" --pages "$PAGES" --reason x
has err "signature 1 is not intact"
python3 "$SRC/tests/pdfgen.py" pages "$T/short.pdf" 12
"$GAZETTE" sign "$T/short.pdf" -o "$T/short-signed.pdf" --key "$SRC/keys-example/signer.key" \
	--pass-file "$SRC/keys-example/passphrase.txt" --cert "$SRC/keys-example/signer.pem" >/dev/null
expect 1 "$GAZETTE" publish "$S" --archive "$A" --signed-pdf "$T/short-signed.pdf" --pages "$PAGES" --reason x
has err "a page range ends at page 14, the PDF has 12 pages"
expect 0 "$GAZETTE" get --archive "$A" 2023/7
has out "version 1 of 1"
expect 1 "$GAZETTE" publish "$S" --archive "$A" --signed-pdf "$T/v2.pdf" --trust "$SRC/keys-example/root-ca.pem"
has err "not a signed copy of"
printf '# page map\n%s\n' "$PAGES" | tr ',' '\n' >"$T/pages.map"
expect 0 "$GAZETTE" publish "$S" --archive "$A" --signed-pdf "$T/v2.pdf" --page-map "$T/pages.map" \
	--reason "勘误：第3页标题错字" --by editor
has out "stored 2023/7 version 2"

# a missing --archive names the subcommand
for c in audit fsck search log submissions; do
	expect 2 "$GAZETTE" "$c"
	has err "gazette $c: --archive DIR is required"
done
# a single-value option given twice is a usage error, not "the last one wins"
expect 2 "$GAZETTE" backup --archive "$A" --archive "$T/none" "$T/bk-twice"
has err "--archive given twice"
[ ! -e "$T/bk-twice" ] || fail "backup ran with --archive given twice"
expect 2 "$GAZETTE" get --archive "$A" 2023/7 -o "$T/x1.pdf" -o "$T/x2.pdf"
has err "-o given twice"

# --- get ------------------------------------------------------------------------------
# -o never replaces a device, pipe or directory, nor the archive's own files
mkfifo "$T/fifo.pdf"
mkdir "$T/adir"
expect 2 "$GAZETTE" get --archive "$A" 2023/7 -o "$T/fifo.pdf"
has err "not a regular file"
[ -p "$T/fifo.pdf" ] || fail "get -o replaced a FIFO"
expect 2 "$GAZETTE" get --archive "$A" 2023/7 -o "$T/adir"
has err "not a regular file"
expect 2 "$GAZETTE" get --archive "$A" 2023/7 -o "$A/data.mdb"
has err "inside the archive"
expect 0 "$GAZETTE" fsck --archive "$A"
# verify against an archive that cannot be opened says nothing of the file (2)
mkdir "$T/fakear"
head -c 16384 /dev/urandom >"$T/fakear/data.mdb"
expect 2 "$GAZETTE" verify "$T/v1.pdf" --trust "$SRC/keys-example/root-ca.pem" --archive "$T/fakear"
expect 0 "$GAZETTE" get --archive "$A" 2023/7
has out "version 2 of 2"
has out "勘误：第3页标题错字"
expect 0 "$GAZETTE" get --archive "$A" 2023/7/1 -o "$T/got1.pdf"
has out "SUPERSEDED by version 2: 勘误：第3页标题错字"
cmp "$T/got1.pdf" "$T/v1.pdf" || fail "version 1 PDF differs"
expect 0 "$GAZETTE" get --archive "$A" 2023/7/1 --json
has out '"superseded_by":	2'
has out '"superseded_reason":	"勘误：第3页标题错字"'
expect 0 "$GAZETTE" get --archive "$A" 2023/7 -o "$T/got2.pdf"
cmp "$T/got2.pdf" "$T/v2.pdf" || fail "version 2 PDF differs"
expect 1 "$GAZETTE" get --archive "$A" 2023/7/3
has err "version 3 is not in the archive"
expect 1 "$GAZETTE" get --archive "$A" 2023/8
expect 2 "$GAZETTE" get --archive "$A" 2023-7
expect 0 "$GAZETTE" get --archive "$A" --file "$T/v1.pdf"
has out "version 1 of 2"
SHA2=$(sha256sum "$T/v2.pdf" | cut -d' ' -f1)
expect 0 "$GAZETTE" get --archive "$A" --sha256 "$SHA2" --json
has out '"version":	2'
expect 1 "$GAZETTE" get --archive "$A" --file "$T/v3.pdf"
has err "no issue version has SHA-256"
expect 0 "$GAZETTE" get --archive "$A" --doc '鞍政办公开〔2023〕17号' --json
has out '"index_no":	"112103000012345678/2023-00017"'
has out '"issue":	"2023/7/1"'
has out '"first_page":	11'
CODE=$(sed -n 's/.*"code":\t"\([0-9A-Z]*\)".*/\1/p' "$T/out" | head -1)
[ -n "$CODE" ] || fail "no verification code in get --doc --json"
expect 0 "$GAZETTE" get --archive "$A" --code "$CODE"
has out "鞍政办公开〔2023〕17号"
expect 0 "$GAZETTE" get --archive "$A" --index 112103000012345678/2023-00017 -o "$T/bydoc.pdf"
cmp "$T/bydoc.pdf" "$T/v2.pdf" || fail "get --index -o is not the newest version's PDF"
expect 1 "$GAZETTE" get --archive "$A" --doc '无此文〔2099〕1号'
has err "no document with document number 无此文〔2099〕1号"
# --where: where each appearance is and the status, from the index
expect 0 "$GAZETTE" get --archive "$A" --doc '鞍政办公开〔2023〕17号' --where
has out "鞍政办公开〔2023〕17号  status 有效 (in force)"
has out "in issue  2023/7 version 1, document 3, pages 11-14"
has out "in issue  2023/7 version 2, document 3, pages 11-14"
hasnt out "issuer"
expect 0 "$GAZETTE" get --archive "$A" --code "$CODE" --where --json
has out '"code":	"'"$CODE"'"'
has out '"version":	2'
has out '"position":	2'
has out '"last_page":	14'
has out '"in_force":	true'
expect 0 "$GAZETTE" get --archive "$A" --index 112103000012345678/2023-00017 --where
has out "version 2, document 3"
expect 1 "$GAZETTE" get --archive "$A" --doc '无此文〔2099〕1号' --where
has err "no document with document number 无此文〔2099〕1号"
expect 2 "$GAZETTE" get --archive "$A" 2023/7 --where
has err "--where goes with --doc"
expect 2 "$GAZETTE" get --archive "$A" --doc '鞍政办公开〔2023〕17号' --where -o "$T/x.pdf"

# --- status (立改废) ---------------------------------------------------------------------
D='黔江府办发〔2018〕67号'
expect 0 "$GAZETTE" status "$D" --archive "$A"
has out "有效 — in force"
expect 0 "$GAZETTE" status "$D" --archive "$A" --set 已修改 --date 2020-03-01 --by '黔江府办发〔2020〕5号' --note 第三条修改
expect 0 "$GAZETTE" status "$D" --archive "$A" --set 废止 --date 2023-01-01 --by '黔江府发〔2022〕1号' --user chief
has out "废止 from 2023-01-01"
expect 0 "$GAZETTE" status "$D" --archive "$A" --on 2019-06-01
has out "有效 — in force"
expect 0 "$GAZETTE" status "$D" --archive "$A" --on 2021-06-01
has out "已修改 — in force"
expect 3 "$GAZETTE" status "$D" --archive "$A" --on 2023-01-01
has out "废止 — NOT in force"
expect 3 "$GAZETTE" status "$D" --archive "$A" --on 2018-07-19
has out "not yet published"
expect 3 "$GAZETTE" status "$D" --archive "$A" --json
has out '"in_force":	false'
has out '"by":	"黔江府办发〔2020〕5号"'
has out '"recorded_by":	"chief"'
expect 2 "$GAZETTE" status "$D" --archive "$A" --set 失效 --date 2024-01-01 --user $'\e[31mchief\r\n'
has err "--user contains a control character"
expect 2 "$GAZETTE" status "$D" --archive "$A" --set 失效 --date 2024-01-01 --note $'a\nb'
has err "--note contains a control character (U+000A)"
expect 1 "$GAZETTE" status "$D" --archive "$A" --set 废止 --date 2017-01-01
has err "before the document was published"
expect 2 "$GAZETTE" status "$D" --archive "$A" --set 作废 --date 2024-01-01
expect 2 "$GAZETTE" status "$D" --archive "$A" --set 废止 --date 2024-02-30
has err "not a date"
expect 2 "$GAZETTE" status "$D" --archive "$A" --on 2024-02-30
has err "not a date"
expect 1 "$GAZETTE" status '无此文〔2099〕1号' --archive "$A" --set 废止 --date 2024-01-01
has err "no document 无此文〔2099〕1号 in the archive"
expect 1 "$GAZETTE" status '无此文〔2099〕1号' --archive "$A"
expect 0 "$GAZETTE" get --archive "$A" --doc "$D"
has out "status    废止 (NOT in force)"
expect 0 "$GAZETTE" get --archive "$A" --doc "$D" --where
has out "status 废止 (NOT in force)"
expect 0 "$GAZETTE" get --archive "$A" 2023/7 --json
has out '"status":	"废止",'
has out '"in_force":	false'
has out '"status":	"有效",'

# --- submissions (应刊尽刊) --------------------------------------------------------------
printf '索引号：X-2023-1\n发文字号：测试办发〔2023〕1号\n文件标题：尚未刊登的文件\n发布机构：测试办\n\n正文。\n' >"$T/new.txt"
expect 0 "$GAZETTE" submissions add "$S/02-xichong-2017.txt" "$T/new.txt" --archive "$A" --by 收文员
expect 1 "$GAZETTE" submissions add "$T/new.txt" --archive "$A"
has err "already received"
# all files or none: a missing, bad or already received file among them
# leaves the good ones unrecorded, so the same command can be run again
printf '索引号：X-2023-2\n发文字号：测试办发〔2023〕2号\n文件标题：第二件\n发布机构：测试办\n\n正文。\n' >"$T/new2.txt"
expect 2 "$GAZETTE" submissions add "$T/new2.txt" "$T/nonexistent.txt" --archive "$A"
has err "nothing recorded"
expect 1 "$GAZETTE" submissions add "$T/new2.txt" "$T/new.txt" --archive "$A"
has err "already received"
has err "nothing recorded"
expect 1 "$GAZETTE" submissions add "$T/new2.txt" "$T/new2.txt" --archive "$A"
has err "already received"
expect 0 "$GAZETTE" submissions --archive "$A"
hasnt out "测试办发〔2023〕2号"
mkfifo "$T/fifo.txt"
expect 2 timeout 10 "$GAZETTE" submissions add "$T/fifo.txt" --archive "$A"
has err "not a regular file"
printf 'no header here\n' >"$T/bad.txt"
expect 1 "$GAZETTE" submissions add "$T/bad.txt" --archive "$A"
has err "no 发文字号"
expect 0 "$GAZETTE" submissions --archive "$A"
has out "西府办发〔2017〕38号"
has out "published in 2023/7 (version 1)"
has out "测试办发〔2023〕1号  尚未刊登的文件"
has out "2 received, 1 published, 1 waiting"
expect 0 "$GAZETTE" submissions --archive "$A" --waiting --json
has out '"published_in":	null'

# --- audit ---------------------------------------------------------------------------------
expect 0 "$GAZETTE" audit --archive "$A"
has out "clerk    publish  2023/7/1"
has out "editor   publish  2023/7/2  — 勘误：第3页标题错字"
has out "chief    status   黔江府办发〔2018〕67号  — 废止"
has out "收文员"
[ "$(wc -l <"$T/out")" = 6 ] || fail "audit has $(wc -l <"$T/out") entries, expected 6"

# --- fsck, backup ---------------------------------------------------------------------------
expect 0 "$GAZETTE" fsck --archive "$A"
has out "2 issue versions, 10 documents"
has out "clean"
expect 0 "$GAZETTE" backup --archive "$A" "$T/bk"
has out "fsck clean"
# 1 is kept for a copy that fails verification: a copy not made is 2
expect 2 "$GAZETTE" backup --archive "$A" "$T/bk"
has err "exists"
expect 2 "$GAZETTE" backup --archive "$A" ""
has err "DEST missing"
expect 2 "$GAZETTE" backup --archive "$A" "$T/no-such-dir/bk"
expect 0 "$GAZETTE" get --archive "$T/bk" 2023/7/1 -o "$T/bk1.pdf"
cmp "$T/bk1.pdf" "$T/v1.pdf" || fail "backup holds another version 1"

# --- a corrupted byte in a stored PDF ---------------------------------------------------------
cp -r "$A" "$T/damaged"
python3 - "$T/damaged/data.mdb" <<'EOF'
import sys
p = sys.argv[1]
b = bytearray(open(p, 'rb').read())
m = b'GAZETTE-MARKER-v1-END'
i = b.find(m)
assert i >= 0, 'marker not found in data.mdb'
n = 0
while i >= 0:
    b[i + 3] ^= 0x20  # 'E' -> 'e'
    n += 1
    i = b.find(m, i + 1)
open(p, 'wb').write(bytes(b))
print('flipped', n)
EOF
expect 1 "$GAZETTE" get --archive "$T/damaged" 2023/7/1 -o "$T/bad.pdf"
has err "do not match their SHA-256"
[ ! -e "$T/bad.pdf" ] || fail "a damaged PDF was written out"
expect 0 "$GAZETTE" get --archive "$T/damaged" 2023/7/2 -o "$T/good.pdf"
expect 1 "$GAZETTE" fsck --archive "$T/damaged"
has out "problem: blob"
has out "DAMAGED"
expect 0 "$GAZETTE" fsck --archive "$A"

# --- a damaged data file ------------------------------------------------------------------------
mkdir "$T/garbage"
head -c 65536 /dev/urandom >"$T/garbage/data.mdb"
expect 1 "$GAZETTE" get --archive "$T/garbage" 2023/7
has err "not a readable LMDB file"
expect 1 "$GAZETTE" fsck --archive "$T/garbage"
head -c 100 /dev/zero >"$T/garbage/data.mdb"
expect 1 "$GAZETTE" fsck --archive "$T/garbage"
has err "truncated"
: >"$T/garbage/data.mdb"
expect 2 "$GAZETTE" fsck --archive "$T/garbage"
has err "data.mdb is empty"
expect 2 "$GAZETTE" fsck --archive "$S/issue.conf"
has err "not a directory"

# --- a second writer ----------------------------------------------------------------------------
python3 -c 'import fcntl, sys, time
f = open(sys.argv[1], "a"); fcntl.flock(f, fcntl.LOCK_EX)
open(sys.argv[2], "w").close(); time.sleep(30)' "$A/writer.lock" "$T/locked" </dev/null >/dev/null 2>&1 &
HOLDER=$!
for _ in $(seq 100); do
	[ -e "$T/locked" ] && break
	sleep 0.05
done
[ -e "$T/locked" ] || fail "lock holder did not start"
expect 2 "$GAZETTE" publish "$S" --archive "$A" --signed-pdf "$T/v3.pdf" --pages "$PAGES" --reason third
has err "another process is writing to this archive"
expect 2 "$GAZETTE" status "$D" --archive "$A" --set 失效 --date 2024-01-01
has err "writer.lock is held"
expect 0 "$GAZETTE" get --archive "$A" 2023/7   # readers are not blocked
kill "$HOLDER"
wait "$HOLDER" 2>/dev/null || true
expect 0 "$GAZETTE" publish "$S" --archive "$A" --signed-pdf "$T/v3.pdf" --pages "$PAGES" --reason third
has out "version 3"

# --- read-only archive, full disk (need mount; skipped without) -----------------------------------
mkdir -p "$T/ro" "$T/full"
if mount -t tmpfs -o size=8m tmpfs "$T/ro" 2>/dev/null; then
	"$GAZETTE" backup --archive "$A" "$T/ro/ar" >/dev/null
	mount -o remount,ro "$T/ro"
	expect 0 "$GAZETTE" get --archive "$T/ro/ar" 2023/7/2 -o "$T/ro2.pdf"
	cmp "$T/ro2.pdf" "$T/v2.pdf" || fail "read-only archive gave another PDF"
	expect 0 "$GAZETTE" fsck --archive "$T/ro/ar"
	expect 2 "$GAZETTE" status "$D" --archive "$T/ro/ar" --set 失效 --date 2024-01-01
	has err "cannot write to the archive"
	umount "$T/ro"
else
	echo "SKIP: read-only archive (mount -t tmpfs not permitted)"
fi
if mount -t tmpfs -o size=1m tmpfs "$T/full" 2>/dev/null; then
	signed_pdf "$T/big.pdf" 3000
	expect 2 "$GAZETTE" publish "$S" --archive "$T/full/ar" --signed-pdf "$T/big.pdf" --pages "$PAGES"
	has err "the disk is probably full); nothing was written"
	if [ -e "$T/full/ar/data.mdb" ]; then
		expect 1 "$GAZETTE" get --archive "$T/full/ar" 2023/7
		expect 0 "$GAZETTE" fsck --archive "$T/full/ar"
	fi
	umount "$T/full"
else
	echo "SKIP: full disk (mount -t tmpfs not permitted)"
fi

# --- serve: an option without its value says so -----------------------------------
for o in --archive --listen --trust --threads --max-connections --max-per-ip \
	--header-timeout --idle-timeout; do
	expect 2 "$GAZETTE" serve --archive "$A" "$o"
	has err "$o needs a value"
done

# --- serve: a trust file it could never use stops it at start-up ---------------------
printf 'no certificate here\n' >"$T/nocert.pem"
for tf in "$T/no-such.pem" "$T/nocert.pem" "$T"; do
	expect 2 timeout 10 "$GAZETTE" serve --archive "$A" --listen 127.0.0.1:0 --trust "$tf"
	has err "$tf"
	hasnt out "http://"
done

if [ "$fails" != 0 ]; then
	echo "$fails failure(s)" >&2
	exit 1
fi
echo "test_archive.sh: all passed"

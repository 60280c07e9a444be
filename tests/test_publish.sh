#!/bin/bash
# gazette publish in one step (check -> compile -> sign -> store), and the
# signed-elsewhere path that re-compiles and compares the first revision.
set -euo pipefail
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
K="$SRC/keys-example"
S="$SRC/tests/sample-issue"
. "$SRC/tests/lib.sh"
SIGN=(--key "$K/signer.key" --cert "$K/signer.pem" --chain "$K/chain.pem" --pass-file "$K/passphrase.txt")

# One step: the archive holds a PDF that verifies, with pages from the compile.
expect 0 "$GAZETTE" publish "$S" --archive "$T/ar" "${SIGN[@]}" -o "$T/signed.pdf" --by clerk
has out "stored 2023/7 version 1 (5 documents)"
expect 0 "$GAZETTE" verify "$T/signed.pdf" --trust "$K/root-ca.pem"
has out "certification"
has out "reason:     政府公报 2023年第7期 标准文本"
"$GAZETTE" compile "$S" -o "$T/unsigned.pdf" >/dev/null
n=$(stat -c %s "$T/unsigned.pdf")
cmp -n "$n" "$T/unsigned.pdf" "$T/signed.pdf" || fail "first revision is not the compile output"
expect 0 "$GAZETTE" get --archive "$T/ar" 2023/7 -o "$T/got.pdf"
cmp "$T/got.pdf" "$T/signed.pdf" || fail "archive returned other bytes"
expect 0 "$GAZETTE" get --archive "$T/ar" 2023/7
has out "(pp. 3-13, code"
# The passphrase never appears anywhere.
pass=$(head -n1 "$K/passphrase.txt")
! grep -rqF -- "$pass" "$T/out" "$T/err" || fail "passphrase printed"
! grep -aqF -- "$pass" "$T/ar/data.mdb" || fail "passphrase stored in the archive"

# A correction needs a reason; with one it becomes version 2.  A refused
# publish writes no -o copy: a signed PDF the archive never published
# would pass for the standard text.
cp "$T/signed.pdf" "$T/keep.pdf"
expect 1 "$GAZETTE" publish "$S" --archive "$T/ar" "${SIGN[@]}" --time 2026-01-02T03:04:05Z \
	-o "$T/never.pdf"
has err "reason"
[ ! -e "$T/never.pdf" ] || fail "a refused publish wrote its -o copy"
expect 1 "$GAZETTE" publish "$S" --archive "$T/ar" "${SIGN[@]}" --time 2026-01-02T03:04:05Z \
	-o "$T/keep.pdf"
cmp "$T/keep.pdf" "$T/signed.pdf" || fail "a refused publish replaced an existing -o file"
# -o never replaces what publish reads or the archive's own files.
expect 2 "$GAZETTE" publish "$S" --archive "$T/ar" "${SIGN[@]}" --reason x -o "$T/ar/data.mdb"
has err "inside the archive"
expect 0 "$GAZETTE" fsck --archive "$T/ar"
expect 2 "$GAZETTE" publish "$S" --archive "$T/ar" "${SIGN[@]}" --reason x -o "$K/passphrase.txt"
has err "is also an input"
cp -r "$S" "$T/issue-copy"
expect 2 "$GAZETTE" publish "$T/issue-copy" --archive "$T/ar" "${SIGN[@]}" --reason x \
	-o "$T/issue-copy/issue.conf"
has err "is also an input"
cmp "$T/issue-copy/issue.conf" "$S/issue.conf" || fail "publish -o replaced issue.conf"
# One line of text for --reason/--by: a newline would forge audit entries.
expect 2 "$GAZETTE" publish "$S" --archive "$T/ar" "${SIGN[@]}" \
	--reason $'typo\n     9  2099-01-01T00:00:00Z  admin  publish  2023/7/9'
has err "control character (U+000A)"
expect 2 "$GAZETTE" publish "$S" --archive "$T/ar" "${SIGN[@]}" --reason x --by $'\e[31mroot'
has err "--by contains a control character (U+001B)"
expect 0 "$GAZETTE" audit --archive "$T/ar"
hasnt out "2099-01-01"
# A long reason goes into the archive and the signature's /Reason alike (it
# was refused as "out of memory" over 4 KB); past the archive's cap, a
# usage error before any work.
expect 0 "$GAZETTE" publish "$S" --archive "$T/ar-long" "${SIGN[@]}" --reason "$(printf '长%.0s' $(seq 2000))"
expect 2 "$GAZETTE" publish "$S" --archive "$T/ar-long" "${SIGN[@]}" --reason "$(printf '长%.0s' $(seq 6000))"
has err "at most 16384"
# A new archive only in a new or empty directory, never among other files.
expect 2 "$GAZETTE" publish "$S" --archive "$T/issue-copy" "${SIGN[@]}"
has err "not an archive, and not empty"
[ ! -e "$T/issue-copy/data.mdb" ] || fail "an archive was made among the issue's files"
expect 0 "$GAZETTE" publish "$S" --archive "$T/ar" "${SIGN[@]}" --time 2026-01-02T03:04:05Z --reason "勘误：重新签署"
has out "version 2"

# Signed elsewhere: accepted when its first revision is this issue's compile.
expect 2 "$GAZETTE" publish "$S" --archive "$T/ar2" --signed-pdf "$T/signed.pdf"
has err "needs --trust"
expect 0 "$GAZETTE" publish "$S" --archive "$T/ar2" --signed-pdf "$T/signed.pdf" --trust "$K/root-ca.pem"
has out "version 1"
expect 0 "$GAZETTE" get --archive "$T/ar2" 2023/7
has out "(pp. 3-13, code"
# ... and refused when it is not (a truncated copy, another PDF, the unsigned file).
head -c 100000 "$T/signed.pdf" >"$T/trunc.pdf"
expect 1 "$GAZETTE" publish "$S" --archive "$T/ar3" --signed-pdf "$T/trunc.pdf" --trust "$K/root-ca.pem"
has err "not a signed copy of"
expect 1 "$GAZETTE" publish "$S" --archive "$T/ar3" --signed-pdf "$T/unsigned.pdf" --trust "$K/root-ca.pem"
has err "not a signed copy of"
# ... and when its signature does not verify: another trust anchor, a damaged signature.
expect 1 "$GAZETTE" publish "$S" --archive "$T/ar3" --signed-pdf "$T/signed.pdf" --trust "$K/tsa.pem"
has err "its signature does not verify"
python3 - "$T/signed.pdf" "$T/damaged.pdf" "$n" <<'PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
start = b.index(b"/Contents <", int(sys.argv[3])) + 11 + 600   # a hex digit inside the CMS
b[start] = ord("0") if b[start] != ord("0") else ord("1")
open(sys.argv[2], "wb").write(b)
PY
expect 1 "$GAZETTE" publish "$S" --archive "$T/ar3" --signed-pdf "$T/damaged.pdf" --trust "$K/root-ca.pem"
has err "not published"
[ ! -e "$T/ar3/data.mdb" ] || [ "$("$GAZETTE" get --archive "$T/ar3" 2023/7 >/dev/null 2>&1; echo $?)" != 0 ] \
	|| fail "a refused publish stored something"

# Usage errors: both or neither way of signing, -o without signing, pages when signing here.
expect 2 "$GAZETTE" publish "$S" --archive "$T/ar4"
expect 2 "$GAZETTE" publish "$S" --archive "$T/ar4" "${SIGN[@]}" --signed-pdf "$T/signed.pdf"
expect 2 "$GAZETTE" publish "$S" --archive "$T/ar4" --signed-pdf "$T/signed.pdf" -o "$T/x.pdf"
expect 2 "$GAZETTE" publish "$S" --archive "$T/ar4" "${SIGN[@]}" --pages "a=1-2"
expect 2 "$GAZETTE" publish "$S" --archive "$T/ar4" "${SIGN[@]}" --trust "$K/root-ca.pem"
expect 2 "$GAZETTE" publish "$S" --archive "$T/ar4" --key "$K/signer.key" --pass secret
has err "never taken on the command line"
# A wrong passphrase: a clear error, nothing stored, no output file.
echo wrong >"$T/wrong.txt"
expect 2 "$GAZETTE" publish "$S" --archive "$T/ar5" --key "$K/signer.key" --cert "$K/signer.pem" \
	--pass-file "$T/wrong.txt" -o "$T/never.pdf"
[ ! -e "$T/never.pdf" ] || fail "output written despite the key error"
[ ! -e "$T/ar5/data.mdb" ] || fail "archive created despite the key error"
# An issue that fails check is not published.
cp -r "$S" "$T/bad"
sed -i 's/^成文日期：.*/成文日期：2023-02-30/' "$T/bad/01-qianjiang-2018-67.txt"
expect 1 "$GAZETTE" publish "$T/bad" --archive "$T/ar6" "${SIGN[@]}"
has err "not published"

echo "$((fails == 0 ? 1 : 0)) passed, $fails failed"
[ "$fails" = 0 ]

#!/bin/bash
# gazette verify --archive: which issue/version a file is, superseded or
# not, each document's status, and the transparency-log inclusion proof;
# exit 0 current, 3 authentic but superseded / not in force, 1 unpublished.
set -euo pipefail
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
K="$SRC/keys-example"
S="$SRC/tests/sample-issue"
. "$SRC/tests/lib.sh"
SIGN=(--key "$K/signer.key" --cert "$K/signer.pem" --chain "$K/chain.pem" --pass-file "$K/passphrase.txt")
V=("$GAZETTE" verify --trust "$K/root-ca.pem" --archive "$T/ar")

"$GAZETTE" publish "$S" --archive "$T/ar" "${SIGN[@]}" -o "$T/v1.pdf" --time 2023-07-31T08:00:00Z >/dev/null
expect 0 "${V[@]}" "$T/v1.pdf"
has out "version 1 of 1"
has out "current:    yes"
has out "inclusion proof"
has out "verified"

# A correction supersedes version 1: still authentic, exit 3, with the reason.
"$GAZETTE" publish "$S" --archive "$T/ar" "${SIGN[@]}" -o "$T/v2.pdf" --time 2023-08-02T08:00:00Z \
	--reason "勘误：第3页标题错字" >/dev/null
expect 3 "${V[@]}" "$T/v1.pdf"
has out "SUPERSEDED by version 2: 勘误：第3页标题错字"
expect 0 "${V[@]}" "$T/v2.pdf"

# A repealed document: exit 3 after the date, 0 on a date before it.
"$GAZETTE" status "鞍政办公开〔2023〕17号" --archive "$T/ar" --set 废止 --date 2024-01-01 \
	--by "鞍政办发〔2023〕99号" >/dev/null
expect 3 "${V[@]}" "$T/v2.pdf"
has out "NOT  鞍政办公开〔2023〕17号  废止"
expect 0 "${V[@]}" "$T/v2.pdf" --on 2023-12-31
expect 3 "${V[@]}" "$T/v2.pdf" --on 2024-01-01

# Validly signed by the office but never published: exit 1.
"$GAZETTE" compile "$S" -o "$T/u.pdf" >/dev/null
"$GAZETTE" sign "$T/u.pdf" -o "$T/draft.pdf" "${SIGN[@]}" --time 2023-09-01T00:00:00Z
expect 0 "$GAZETTE" verify --trust "$K/root-ca.pem" "$T/draft.pdf"
expect 1 "${V[@]}" "$T/draft.pdf"
has out "NOT a version published in the archive"
# A tampered file fails on the signature before the archive is asked.
cp "$T/v2.pdf" "$T/bad.pdf"
printf 'X' | dd of="$T/bad.pdf" bs=1 seek=5000 conv=notrunc 2>/dev/null
expect 1 "${V[@]}" "$T/bad.pdf"

# JSON carries the same verdict and the proof.
expect 3 "${V[@]}" "$T/v1.pdf" --json
python3 - "$T/out" <<'PY' || fail "json"
import json, sys
j = json.load(open(sys.argv[1]))["archive"]
assert j["found"] and j["superseded"] and j["superseded_by"] == 2, j
assert j["log_verified"] and len(j["inclusion_proof"]) >= 1, j
assert len(j["documents"]) == 5 and j["documents"][0]["first_page"] == 3, j
PY
# Usage: --on without --archive, a bad date, a missing archive.
expect 2 "$GAZETTE" verify "$T/v1.pdf" --on 2024-01-01
expect 2 "${V[@]}" "$T/v1.pdf" --on 2024-02-30
expect 2 "$GAZETTE" verify "$T/v1.pdf" --archive "$T/none"

echo "$((fails ? 0 : 1)) passed, $fails failed"
[ "$fails" = 0 ]

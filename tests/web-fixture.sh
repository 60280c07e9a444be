#!/bin/bash
# Builds a small archive for the web tests through the project's own
# commands, as the office would: `gazette publish` of the sample issue
# (check, compile, sign with the demo key, store) as version 1; a corrected
# version 2 (勘误); a status change (废止).
#   web-fixture.sh OUTDIR   → OUTDIR/ar (archive), OUTDIR/v1.pdf, OUTDIR/v2.pdf
# Needs $GAZETTE and $SRC.  Deterministic time: SOURCE_DATE_EPOCH.
set -euo pipefail
: "${GAZETTE:?}" "${SRC:?}"
out=$1
K=$SRC/keys-example
S=$SRC/tests/sample-issue
export SOURCE_DATE_EPOCH=1690790400 USER=clerk
unset GAZETTE_KEY_PASS || true
mkdir -p "$out"
SIGN=(--key "$K/signer.key" --cert "$K/signer.pem" --chain "$K/chain.pem"
      --pass-file "$K/passphrase.txt")
"$GAZETTE" publish "$S" --archive "$out/ar" "${SIGN[@]}" -o "$out/v1.pdf" >/dev/null
SOURCE_DATE_EPOCH=1690876800 "$GAZETTE" publish "$S" --archive "$out/ar" "${SIGN[@]}" \
	-o "$out/v2.pdf" --reason "勘误：第3页标题错字" >/dev/null
SOURCE_DATE_EPOCH=1693526400 "$GAZETTE" status "西府办发〔2017〕38号" --archive "$out/ar" \
	--set 废止 --date 2023-09-01 --by "西府办发〔2023〕1号" --note "被新的工作要点替代" >/dev/null

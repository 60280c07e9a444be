#!/bin/bash
# Builds a small archive for the web tests through the project's own
# commands: the sample issue's PDF (compiled when this gazette can, else a
# 14-page stand-in made with mutool), signed with the demo key, published
# as version 1; a corrected version 2; a status change (废止).
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

# unsigned LABEL OUT: the sample issue's PDF
unsigned() {
	if "$GAZETTE" help compile >/dev/null 2>&1 &&
	   "$GAZETTE" compile "$S" -o "$2" >/dev/null 2>&1; then
		return   # v2 differs by its signature (another /Reason)
	fi
	# one content stream per page: mutool create takes one file per page
	local args=()
	for p in $(seq 1 14); do
		printf '%%%%MediaBox 0 0 595 842\n%%%%Font F1 Helvetica\nBT /F1 20 Tf 72 760 Td (Gazette 2023-7 %s page %d) Tj ET\n' \
			"$1" "$p" >"$out/p$p.txt"
		args+=("$out/p$p.txt")
	done
	mutool create -o "$2" "${args[@]}"
	rm -f "$out"/p*.txt
}

sign() {
	"$GAZETTE" sign "$1" -o "$2" --key "$K/signer.key" --cert "$K/signer.pem" \
		--chain "$K/chain.pem" --pass-file "$K/passphrase.txt" --reason "$3" >/dev/null
}

PAGES="黔江府办发〔2018〕67号=1-3,西府办发〔2017〕38号=4-5,穗更新〔2018〕21号=6-8,长新办发〔2020〕9号=9-10,05-anshan-2023-17.txt=11-14"
unsigned v1 "$out/u1.pdf"
unsigned v2 "$out/u2.pdf"
sign "$out/u1.pdf" "$out/v1.pdf" "2023年第7期"
sign "$out/u2.pdf" "$out/v2.pdf" "2023年第7期 勘误"
rm -f "$out/u1.pdf" "$out/u2.pdf"
"$GAZETTE" publish "$S" --archive "$out/ar" --signed-pdf "$out/v1.pdf" --pages "$PAGES" >/dev/null
"$GAZETTE" publish "$S" --archive "$out/ar" --signed-pdf "$out/v2.pdf" --pages "$PAGES" \
	--reason "勘误：第3页标题错字" >/dev/null
SOURCE_DATE_EPOCH=1693526400 "$GAZETTE" status "西府办发〔2017〕38号" --archive "$out/ar" \
	--set 废止 --date 2023-09-01 --by "西府办发〔2023〕1号" --note "被新的工作要点替代" >/dev/null

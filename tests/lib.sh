# Shared by the command-line test scripts: source it after setting $T (the
# scratch directory).  Counts failures in $fails; end the script with
# `[ "$fails" = 0 ]` (or print the count first).
fails=0

fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

# expect CODE CMD...: runs CMD, checks its exit code, keeps stdout/stderr in
# $T/out and $T/err (shown when the code is wrong).
expect() {
	local want=$1 got=0
	shift
	"$@" >"$T/out" 2>"$T/err" || got=$?
	if [ "$got" != "$want" ]; then
		fail "exit $got (expected $want): $*"
		sed 's/^/  stdout: /' "$T/out" >&2
		sed 's/^/  stderr: /' "$T/err" >&2
	fi
}

# has out|err TEXT / hasnt out|err TEXT: the last expect's output holds TEXT or not.
has() { grep -qF -- "$2" "$T/$1" || fail "$1 lacks '$2'"; }
hasnt() { ! grep -qF -- "$2" "$T/$1" || fail "$1 has '$2'"; }

# signed_pdf OUT [PAD_KB [LABEL]]: a real, signed 14-page PDF (the sample
# issue's page ranges reach page 14), distinct on every call (random
# padding; the string GAZETTE-MARKER-LABEL-END with a LABEL), for `publish
# --signed-pdf ... --pages`, which refuses anything less.  Needs $GAZETTE,
# $SRC and $T.
signed_pdf() {
	local K=$SRC/keys-example
	python3 "$SRC/tests/pdfgen.py" pages "$T/unsigned.pdf" 14 "${2:-16}" ${3:+"$3"}
	"$GAZETTE" sign "$T/unsigned.pdf" -o "$1" --key "$K/signer.key" --cert "$K/signer.pem" \
		--chain "$K/chain.pem" --pass-file "$K/passphrase.txt" --approval >/dev/null
}

#!/bin/bash
# Verification benchmark: `gazette verify` (whole process, strict: chain,
# ESS, revisions) against `mutool sign -v` and `pdfsig` on the same signed
# files, side by side in one run.
#
#   bench/verify.sh [RUNS]     RUNS timed runs per command (default 30, min 15)
#
# Files: a 112-page, ~742 KB PDF (bench/make-bench-pdf.py) signed B-B by
# `gazette sign` and, separately, by `mutool sign`.  Uses hyperfine when
# installed (medians from its JSON), else a shell loop with medians.
# Needs an optimised build: BUILD (default build-release/, configured
# and built here with -DCMAKE_BUILD_TYPE=Release if missing).  Work files go
# to bench/out/.  Prints median ms per command and the ratios gazette/mutool
# and gazette/pdfsig (the issue's target: ≤ 0.5x mutool).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
build=${BUILD:-$src/build-release}
runs=${1:-30}
[ "$runs" -ge 15 ] || runs=15
out=$here/out/verify
mkdir -p "$out"
K=$src/keys-example

if [ ! -x "$build/bin/gazette" ]; then
	cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
	cmake --build "$build" -j2 --target gazette >/dev/null
fi
G=$build/bin/gazette
for t in mutool pdfsig openssl python3; do
	command -v "$t" >/dev/null || { echo "bench/verify.sh: needs $t" >&2; exit 2; }
done

# the files
python3 "$here/make-bench-pdf.py" "$out/plain.pdf"
"$G" sign "$out/plain.pdf" -o "$out/gazette.pdf" --key "$K/signer.key" --cert "$K/signer.pem" \
	--chain "$K/chain.pem" --pass-file "$K/passphrase.txt"
pass=$out/p12pass.txt
echo bench-only >"$pass"
openssl pkcs12 -export -inkey "$K/signer.key" -passin file:"$K/passphrase.txt" \
	-in "$K/signer.pem" -certfile "$K/chain.pem" -out "$out/signer.p12" -passout file:"$pass" \
	-keypbe PBE-SHA1-3DES -certpbe PBE-SHA1-3DES -macalg sha1
mutool sign -s "$out/signer.p12" -P "$(cat "$pass")" -o "$out/mutool.pdf" "$out/plain.pdf" 4 >/dev/null
# pdfsig trusts through an NSS db: give it the demo root so it does the same work
nss=$out/nss
rm -rf "$nss" && mkdir -p "$nss"
if command -v certutil >/dev/null; then
	certutil -N -d "sql:$nss" --empty-password
	certutil -A -d "sql:$nss" -n demo-root -t "CT,C,C" -i "$K/root-ca.pem"
fi
for f in gazette mutool; do
	"$G" verify "$out/$f.pdf" --trust "$K/chain.pem" >/dev/null ||
		{ echo "bench/verify.sh: $f.pdf does not verify" >&2; exit 1; }
done
echo "file: $(du -k "$out/plain.pdf" | cut -f1) KB, 112 pages; machine: $(nproc) cores"
echo "$(mutool -v 2>&1 | head -1); $(pdfsig -v 2>&1 | head -1)"

median_ms() { # median_ms CMD...: median wall time of RUNS runs in ms
	if command -v hyperfine >/dev/null; then
		hyperfine -N -i --warmup 3 --runs "$runs" --export-json "$out/hf.json" "$*" >/dev/null 2>&1
		python3 -c "import json; print('%.2f' % (json.load(open('$out/hf.json'))['results'][0]['median'] * 1000))"
	else
		local i t0 t1
		for i in $(seq "$runs"); do
			t0=$(date +%s%N)
			"$@" >/dev/null 2>&1 || true
			t1=$(date +%s%N)
			echo $(((t1 - t0) / 1000))
		done | sort -n | python3 -c "import sys; v=[int(x) for x in sys.stdin]; print('%.2f' % (v[len(v)//2] / 1000))"
	fi
}
ratio() { python3 -c "import sys; print('%.2fx' % (float(sys.argv[1]) / float(sys.argv[2])))" "$1" "$2"; }

printf '\n%-22s %14s %14s %14s %10s %10s\n' "signed by" "gazette ms" "mutool -v ms" "pdfsig ms" \
	"g/mutool" "g/pdfsig"
for f in gazette mutool; do
	a=$(median_ms "$G" verify "$out/$f.pdf" --trust "$K/chain.pem")
	b=$(median_ms mutool sign -v "$out/$f.pdf")
	c=$(median_ms pdfsig -nssdir "sql:$nss" "$out/$f.pdf")
	printf '%-22s %14s %14s %14s %10s %10s\n' "$f" "$a" "$b" "$c" "$(ratio "$a" "$b")" "$(ratio "$a" "$c")"
done
echo
echo "(medians of $runs runs each, whole processes; gazette verify also checks the chain,"
echo " signing-certificate-v2 and every later revision; mutool checks the digest and"
echo " reports edits, pdfsig checks digest and chain)"

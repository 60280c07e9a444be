#!/bin/bash
# Verification benchmark: `gazette verify` (whole process, strict: chain,
# ESS, revisions) against `mutool sign -v` and `pdfsig` on the same signed
# files, side by side, alternating runs.
#
#   bench/verify.sh [RUNS]     RUNS rounds (default 60, min 15)
#
# Files: a 112-page, ~742 KB PDF (bench/make-bench-pdf.py) signed B-B by
# `gazette sign` and, separately, by `mutool sign`.  Two gazette builds:
# BUILD (default build-release/, libcrypto.so as shipped) and BUILD_STATIC
# (default build-release-static/, -DGAZETTE_STATIC_OPENSSL=ON), each
# configured and built here (Release) if missing.  bench/alternate.py runs
# every command once per round, in turn; medians of CPU time (user +
# system) and wall time.  Work files go to bench/out/.  Prints the ratios
# to mutool and pdfsig (the issue's target: ≤ 0.5x mutool).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
build=${BUILD:-$src/build-release}
sbuild=${BUILD_STATIC:-$src/build-release-static}
runs=${1:-60}
[ "$runs" -ge 15 ] || runs=15
out=$here/out/verify
mkdir -p "$out"
K=$src/keys-example

if [ ! -x "$build/bin/gazette" ]; then
	cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
	cmake --build "$build" -j2 --target gazette >/dev/null
fi
if [ ! -x "$sbuild/bin/gazette" ]; then
	cmake -S "$src" -B "$sbuild" -DCMAKE_BUILD_TYPE=Release -DGAZETTE_STATIC_OPENSSL=ON >/dev/null
	cmake --build "$sbuild" -j2 --target gazette >/dev/null
fi
G=$build/bin/gazette
S=$sbuild/bin/gazette
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

ratio() { python3 -c "import sys; print('%.2fx' % (float(sys.argv[1]) / float(sys.argv[2])))" "$1" "$2"; }
field() { awk -v l="$1" -v f="$2" '$1 == l { print $f }' "$3"; }

load0=$(cut -d' ' -f1-3 /proc/loadavg)
printf '\n%-9s %-4s %8s %8s %10s %8s %9s %9s %9s %9s\n' "signed by" "ms" "gazette" "static" "mutool -v" \
	"pdfsig" "g/mutool" "s/mutool" "g/pdfsig" "s/pdfsig"
for f in gazette mutool; do
	python3 "$here/alternate.py" "$runs" \
		"gazette=$G verify $out/$f.pdf --trust $K/chain.pem" \
		"static=$S verify $out/$f.pdf --trust $K/chain.pem" \
		"mutool=mutool sign -v $out/$f.pdf" \
		"pdfsig=pdfsig -nssdir sql:$nss $out/$f.pdf" >"$out/times-$f.txt"
	for k in 3 2; do # CPU first, then wall
		t=$out/times-$f.txt
		a=$(field gazette $k "$t") b=$(field static $k "$t") m=$(field mutool $k "$t") p=$(field pdfsig $k "$t")
		printf '%-9s %-4s %8s %8s %10s %8s %9s %9s %9s %9s\n' "$([ $k = 3 ] && echo "$f")" \
			"$([ $k = 3 ] && echo cpu || echo wall)" "$a" "$b" "$m" "$p" \
			"$(ratio "$a" "$m")" "$(ratio "$b" "$m")" "$(ratio "$a" "$p")" "$(ratio "$b" "$p")"
	done
done
python3 "$here/alternate.py" "$runs" "gazette=$G --version" "static=$S --version" "true=true" \
	"mutool=mutool -v" >"$out/times-start.txt"
t=$out/times-start.txt
echo
echo "medians of $runs alternating rounds, whole processes, ms (cpu = user + system).  gazette ="
echo "\`gazette verify\` linked with libcrypto.so; static = the same with GAZETTE_STATIC_OPENSSL=ON."
echo "start-up alone, cpu ms: \`gazette --version\` $(field gazette 3 "$t"), static $(field static 3 "$t");" \
	"\`mutool -v\` $(field mutool 3 "$t"); \`true\` $(field true 3 "$t")."
echo "load average before: $load0; after: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
echo "gazette verify also checks the chain, signing-certificate-v2 and every later revision;"
echo "mutool checks the digest and reports edits; pdfsig checks digest and chain."

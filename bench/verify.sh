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
lean=$out/verify_lean
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -I"$src/include" "$here/verify_lean.c" \
	"$build/libgazette.a" -Wl,--as-needed $(pkg-config --libs libcjson openssl zlib) -lm -o "$lean"
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

# median_ms CMD...: "WALL CPU" — median wall time and mean user+system CPU time
# of RUNS runs, in ms.  On a shared, loaded machine the CPU time is the
# steadier figure.
median_ms() {
	if command -v hyperfine >/dev/null; then
		hyperfine -N -i --warmup 3 --runs "$runs" --export-json "$out/hf.json" "$*" >/dev/null 2>&1
		python3 -c "import json; r = json.load(open('$out/hf.json'))['results'][0]; print('%.2f %.2f' % (r['median'] * 1000, (r['user'] + r['system']) * 1000))"
	else
		local i
		for i in $(seq "$runs"); do
			/usr/bin/time -f '%e %U %S' "$@" 2>&1 >/dev/null | tail -1
		done | python3 -c "
import sys, statistics
v = [list(map(float, l.split())) for l in sys.stdin if l.strip()]
print('%.2f %.2f' % (statistics.median(x[0] for x in v) * 1000, statistics.mean(x[1] + x[2] for x in v) * 1000))"
	fi
}
ratio() { python3 -c "import sys; print('%.2fx' % (float(sys.argv[1]) / float(sys.argv[2])))" "$1" "$2"; }

floor=$(median_ms "$G" help)
printf '\n%-9s %-5s %9s %9s %10s %9s %9s %9s %9s\n' "signed by" "ms" "gazette" "lean" "mutool -v" "pdfsig" \
	"g/mutool" "l/mutool" "g/pdfsig"
for f in gazette mutool; do
	a=($(median_ms "$G" verify "$out/$f.pdf" --trust "$K/chain.pem"))
	l=($(median_ms "$lean" "$out/$f.pdf" "$K/chain.pem"))
	b=($(median_ms mutool sign -v "$out/$f.pdf"))
	c=($(median_ms pdfsig -nssdir "sql:$nss" "$out/$f.pdf"))
	for k in 0 1; do
		printf '%-9s %-5s %9s %9s %10s %9s %9s %9s %9s\n' "$([ $k = 0 ] && echo "$f")" \
			"$([ $k = 0 ] && echo wall || echo cpu)" "${a[$k]}" "${l[$k]}" "${b[$k]}" "${c[$k]}" \
			"$(ratio "${a[$k]}" "${b[$k]}")" "$(ratio "${l[$k]}" "${b[$k]}")" "$(ratio "${a[$k]}" "${c[$k]}")"
	done
done
floor=($floor)
echo
echo "median ms of $runs runs each, whole processes.  gazette = \`gazette verify\`; lean = the"
echo "same verification linked with only OpenSSL, zlib and cJSON (bench/verify_lean.c);"
echo "\`gazette help\` alone (start-up of the all-in-one binary): ${floor[0]} ms wall, ${floor[1]} ms CPU."
echo "load average now: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
echo "gazette verify also checks the chain, signing-certificate-v2 and every later revision;"
echo "mutool checks the digest and reports edits; pdfsig checks digest and chain."

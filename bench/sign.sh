#!/bin/bash
# Signing benchmark, side by side on the same PDF in one run:
#   gazette sign (PAdES B-B, whole process)  vs  mutool sign  vs
#   openssl cms -sign (CAdES detached over the whole file)  [vs node @signpdf]
# medians of RUNS runs (hyperfine), ratios to openssl cms -sign; then the
# in-process batch (bench_sign_batch): signatures per second on one core.
#
#   bench/sign.sh [PDF]        (default: a generated 112-page ~742 KB PDF)
#   RUNS=30 BATCH=1000 BUILD=build-bench bench/sign.sh
#
# Needs hyperfine, mutool, openssl, python3.  The demo key's passphrase is
# public; mutool takes it on its command line (its only way), gazette and
# openssl read it from the file.
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=$PWD
RUNS=${RUNS:-20}
BATCH=${BATCH:-1000}
BUILD=${BUILD:-build-bench}
K=$SRC/keys-example

cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" -j2 --target gazette bench_sign_batch >/dev/null
G=$SRC/$BUILD/bin/gazette

# Outputs go to tmpfs when there is one, so that no tool is timed on the
# disk (gazette fsyncs its output; the others do not).
base=/dev/shm
[ -d "$base" ] && [ -w "$base" ] || base=${TMPDIR:-/tmp}
W=$(mktemp -d "$base/gazette-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT

if [ $# -ge 1 ]; then
	cp "$1" "$W/in.pdf"
else
	python3 "$SRC/bench/make-bench-pdf.py" "$W/in.pdf" 112 $((742 * 1024))
fi
# mutool fills an existing empty signature field: the generated PDF has one
# (object 4); for a PDF given on the command line mutool is skipped.
field=$(python3 - "$W/in.pdf" <<'EOF'
import re, sys
d = open(sys.argv[1], 'rb').read()
m = re.search(rb'(\d+) 0 obj\s*<<[^>]*/FT\s*/Sig(?![^>]*/V)', d)
print(m.group(1).decode() if m else "")
EOF
)
pages=$(mutool info "$W/in.pdf" 2>/dev/null | sed -n 's/^Pages: //p')
echo "input: $(stat -c %s "$W/in.pdf") bytes, $pages pages; $RUNS runs each; outputs in $base"

cmds=(
	"$G sign $W/in.pdf -o $W/gazette.pdf --key $K/signer.key --cert $K/signer.pem --chain $K/chain.pem --pass-file $K/passphrase.txt"
	"openssl cms -sign -binary -in $W/in.pdf -signer $K/signer.pem -inkey $K/signer.key -passin file:$K/passphrase.txt -certfile $K/chain.pem -md sha256 -nosmimecap -cades -outform DER -out $W/openssl.der"
)
names=("gazette sign (B-B)" "openssl cms -sign")
if [ -n "$field" ]; then
	cmds+=("mutool sign -s $K/signer.p12 -P $(head -n1 "$K/passphrase.txt") -o $W/mutool.pdf $W/in.pdf $field")
	names+=("mutool sign")
fi
# node @signpdf, when installed (cd bench/node && npm install).  Its
# node-forge needs a legacy (3DES/SHA-1) PKCS#12; note that its signatures
# do not validate in pdfsig with the demo certificates (their UTF-8 names
# come out re-encoded), so it is timed, not checked.
if [ -f "$SRC/bench/node/signpdf.js" ] && [ -d "$SRC/bench/node/node_modules/@signpdf" ]; then
	GAZ_P=$(head -n1 "$K/passphrase.txt") openssl pkcs12 -export -inkey "$K/signer.key" \
		-passin "file:$K/passphrase.txt" -in "$K/signer.pem" -keypbe PBE-SHA1-3DES \
		-certpbe PBE-SHA1-3DES -macalg sha1 -passout env:GAZ_P -out "$W/legacy.p12"
	cmds+=("node $SRC/bench/node/signpdf.js $W/in.pdf $W/legacy.p12 $K/passphrase.txt $W/signpdf.pdf")
	names+=("node @signpdf")
fi

hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$W/h.json" "${cmds[@]}" >/dev/null 2>&1 ||
	hyperfine --warmup 3 --runs "$RUNS" --export-json "$W/h.json" "${cmds[@]}" >/dev/null

python3 - "$W/h.json" "${names[@]}" <<'EOF'
import json, statistics, sys
r = json.load(open(sys.argv[1]))["results"]
names = sys.argv[2:]
med = [x["median"] * 1000 for x in r]
# CPU (user + system) per run: what a loaded, shared machine distorts least.
cpu = [statistics.median([u + s for u, s in zip(x["user"], x["system"])]) * 1000
       if "user" in x and isinstance(x["user"], list) else (x["user"] + x["system"]) * 1000
       for x in r]
print("%-22s %14s %8s %14s %8s" % ("tool", "wall median ms", "ratio", "CPU ms (u+s)", "ratio"))
for n, m, c in zip(names, med, cpu):
    print("%-22s %14.2f %7.2fx %14.2f %7.2fx" % (n, m, m / med[1], c, c / cpu[1]))
print("target: gazette sign <= 1.2x openssl cms -sign: wall %.2fx (%s), CPU %.2fx (%s)" %
      (med[0] / med[1], "met" if med[0] <= 1.2 * med[1] else "NOT met",
       cpu[0] / cpu[1], "met" if cpu[0] <= 1.2 * cpu[1] else "NOT met"))
EOF

# Instructions executed (valgrind callgrind, user space): a measure the
# machine's load does not distort.  Startup alone is shown on its own line:
# the gazette binary maps every library of every subcommand.
if command -v valgrind >/dev/null; then
	ir() { valgrind --tool=callgrind --callgrind-out-file="$W/cg.out" "$@" 2>&1 >/dev/null |
		sed -n 's/.*Collected : \([0-9]*\).*/\1/p'; }
	# shellcheck disable=SC2086
	g_ir=$(ir ${cmds[0]}); o_ir=$(ir ${cmds[1]})
	gs_ir=$(ir "$G" --version); os_ir=$(ir openssl version)
	python3 - "$g_ir" "$o_ir" "$gs_ir" "$os_ir" <<'EOF'
import sys
g, o, gs, os_ = map(int, sys.argv[1:])
print("instructions (callgrind): gazette sign %.1f M, openssl cms -sign %.1f M: %.2fx (target <= 1.2x: %s)"
      % (g / 1e6, o / 1e6, g / o, "met" if g <= 1.2 * o else "NOT met"))
print("  of which process start-up: gazette --version %.1f M, openssl version %.1f M; "
      "signing work alone %.2fx" % (gs / 1e6, os_ / 1e6, (g - gs) / (o - os_)))
EOF
fi

# Sanity: the timed gazette output is a valid signature.
pdfsig "$W/gazette.pdf" 2>/dev/null | grep -q "Signature is Valid" ||
	{ echo "gazette output did not verify" >&2; exit 1; }

echo
echo "in-process batch, one thread (target >= 1000 signatures/s), RSA-2048 and ECDSA P-256 in turn, 3 rounds:"
for round in 1 2 3; do
	for key in signer signer-ec; do
		echo "$key: $("$SRC/$BUILD/bench/bench_sign_batch" "$W/in.pdf" "$K/$key.key" "$K/$key.pem" \
			"$K/chain.pem" "$K/passphrase.txt" "$BATCH" | tr '\n' ' ')"
	done
done | tee "$W/batch.txt"
python3 - "$W/batch.txt" <<'EOF2'
import re, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    key = line.split(":")[0]
    ours = float(re.search(r"CPU ([0-9.]+) ms each", line).group(1))
    ceil = float(re.search(r"ceiling.*?CPU ([0-9.]+) ms each", line).group(1))
    rows.setdefault(key, []).append((ours, ceil))
for key, v in rows.items():
    o = statistics.median(x for x, _ in v)
    c = statistics.median(y for _, y in v)
    print("%-9s median of %d: %.3f ms CPU per signature = %.0f/s; ceiling %.3f ms = %.0f/s; %.2fx the ceiling"
          % ("RSA-2048" if key == "signer" else "ECDSA", len(v), o, 1e3 / o, c, 1e3 / c, o / c))
EOF2

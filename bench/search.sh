#!/bin/bash
# Search benchmark: our LMDB index vs SQLite FTS5 (trigram) on the same
# synthetic corpus, side by side in one run.
#
#   bench/search.sh [N] [RUNS]      N documents (default 10000), RUNS timed
#                                   runs per query (default 9, after one warm-up)
#   SQLITE=0 bench/search.sh N      ours only (for sizes SQLite takes hours on)
#
# Builds the bench_search tool (bench/search_bench.c) in the build tree
# (BUILD, default ./build); needs python3 with sqlite3 (FTS5).
# Work files go to bench/out/ (ignored by git).  Prints build time, sizes,
# median top-20 latency for 政务公开, 城市更新, 公报 and the ratios
# ours/SQLite (below 1 means we are smaller/faster).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
build=${BUILD:-$src/build}
n=${1:-10000}
runs=${2:-9}
out=$here/out
mkdir -p "$out"
[ -f "$build/CMakeCache.txt" ] || cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target bench_search -j2 >/dev/null
tool=$build/bench/bench_search

corpus=$out/corpus-$n.jsonl
[ -f "$corpus" ] || "$here/gen-corpus" "$n" "$corpus"
echo "corpus: $n documents, $(du -m "$corpus" | cut -f1) MB of JSON ($corpus)"
echo "machine: $(nproc) cores, $(python3 -c 'import sqlite3; print("SQLite", sqlite3.sqlite_version)')"

rm -rf "$out/gaz-$n" "$out/sqlite-$n.db"
ours=$("$tool" build "$corpus" "$out/gaz-$n")
theirs="build_s=0"
[ "${SQLITE:-1}" = 0 ] || theirs=$(python3 "$here/search_sqlite.py" build "$corpus" "$out/sqlite-$n.db")
val() { sed -n "s/^$1=//p" <<<"$2" | head -1; }

queries=(政务公开 城市更新 公报)
oq=$("$tool" query "$out/gaz-$n" "$runs" "${queries[@]}")
sq=
[ "${SQLITE:-1}" = 0 ] || sq=$(python3 "$here/search_sqlite.py" query "$out/sqlite-$n.db" "$runs" "${queries[@]}")

ratio() { python3 -c "import sys; a,b=float(sys.argv[1] or 0),float(sys.argv[2] or 0); print('%.2fx' % (a/b) if b > 0 else 'n/a')" "$1" "$2"; }
kb() { [ -n "$1" ] && python3 -c "import sys; print('%.0f MB' % (int(sys.argv[1])/1e3))" "$1" || echo -; }
mb() { [ -n "$1" ] && python3 -c "import sys; print('%.1f MB' % (int(sys.argv[1])/1e6))" "$1" || echo -; }

printf '\n%-28s %16s %16s %8s\n' "" "gazette (LMDB)" "SQLite FTS5" "ratio"
printf '%-28s %16s %16s %8s\n' "build (s)" "$(val build_s "$ours")" "$(val build_s "$theirs")" \
	"$(ratio "$(val build_s "$ours")" "$(val build_s "$theirs")")"
printf '%-28s %16s %16s %8s\n' "on disk, total" "$(mb "$(val total_bytes "$ours")")" \
	"$(mb "$(val total_bytes "$theirs")")" \
	"$(ratio "$(val total_bytes "$ours")" "$(val total_bytes "$theirs")")"
printf '%-28s %16s %16s %8s\n' "on disk, index only" "$(mb "$(val index_bytes "$ours")")" \
	"$(mb "$(val index_bytes "$theirs")")" \
	"$(ratio "$(val index_bytes "$ours")" "$(val index_bytes "$theirs")")"
printf '%-28s %16s %16s\n' "peak RSS of the build" "$(kb "$(val peak_rss_kb "$ours")")" \
	"$(kb "$(val peak_rss_kb "$theirs")")"
printf '%-28s %16s %16s\n' "  (our records+deflated text)" "$(mb "$(val records_bytes "$ours")")" ""
for i in "${!queries[@]}"; do
	q=${queries[$i]}
	oms=$(awk -v q="$q" -F= '$1=="query"{cur=$2} $1=="ms"&&cur==q{print $2}' <<<"$oq")
	orows=$(awk -v q="$q" -F= '$1=="query"{cur=$2} $1=="rows"&&cur==q{print $2}' <<<"$oq")
	ototal=$(awk -v q="$q" -F= '$1=="query"{cur=$2} $1=="total"&&cur==q{print $2}' <<<"$oq")
	sms=$(awk -v q="$q" -F= '$1=="query"{cur=$2} $1=="ms"&&cur==q{print $2}' <<<"$sq")
	srows=$(awk -v q="$q" -F= '$1=="query"{cur=$2} $1=="rows"&&cur==q{print $2}' <<<"$sq")
	r=$(ratio "$oms" "$sms")
	if [ "$srows" = 0 ] && [ "$orows" != 0 ]; then r="n/a (SQLite finds nothing)"; fi
	printf '%-28s %16s %16s %8s\n' "top-20 $q (ms, median)" "$oms" "$sms" "$r"
	printf '%-28s %16s %16s\n' "  rows returned (total)" "$orows ($ototal)" "$srows"
done
echo
echo "total: documents matching (exact; '+' marks an upper bound when a phrase had more"
echo "candidates than GAZ_SEARCH_VERIFY_MAX to verify)."

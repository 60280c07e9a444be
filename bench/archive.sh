#!/bin/bash
# Archive benchmark: storing documents and exact look-ups by 发文字号, ours
# (the LMDB archive) against SQLite (a table indexed on doc_no), side by side
# in one run: the full record copied out (gaz_archive_find_docs against
# SELECT of every column) and "where" (gaz_archive_locate against SELECT id,
# year, number, version, pages), see bench/archive_bench.c and
# docs/archive.md.
#
#   bench/archive.sh [N] [RUNS] [LOOKUPS]   N documents (default 20000),
#                                           RUNS timed rounds (default 9) of
#                                           LOOKUPS random look-ups (100000)
#
# Our store also writes the search index and the transparency log in the
# same transactions (SQLite's does not), so the store times are not like for
# like; the look-ups are.  Needs a built tree (BUILD, default ./build: build
# it with -DCMAKE_BUILD_TYPE=RelWithDebInfo for figures) and libsqlite3-dev.
# REUSE=1 reuses the stores of an earlier run with the same N; SCHEMA=1
# stores in an archive of the older layout (no locators in the index).
# Work files go to bench/out/ (ignored by git; OUT=DIR elsewhere).  Prints medians and ratios
# ours/SQLite (below 1: we are faster); the look-ups also as CPU time, which
# other jobs on a shared machine disturb less than the wall clock.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
build=${BUILD:-$src/build}
n=${1:-20000}
runs=${2:-9}
lookups=${3:-100000}
out=${OUT:-$here/out}
mkdir -p "$out"
[ -f "$build/libgazette.a" ] || { echo "bench/archive.sh: build first (no $build/libgazette.a)" >&2; exit 2; }
tool=$out/archive_bench
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -I"$src/include" \
   -DGAZETTE_SAMPLE="\"$src/tests/sample-issue\"" "$here/archive_bench.c" "$build/libgazette.a" \
   $(pkg-config --cflags --libs libcjson lmdb openssl zlib sqlite3) -lm -lpthread -ldl -o "$tool"
work=$out/archive-$n${SCHEMA:+-s$SCHEMA}
# REUSE=1 keeps the stores of an earlier run with the same N (the look-ups
# only: storing 100,000 documents takes minutes)
[ "${REUSE:-0}" = 1 ] && [ -f "$work/stored" ] || { rm -rf "$work"; mkdir -p "$work"; }
r=$("$tool" "$work" "$n" "$runs" "$lookups" ${SCHEMA:-})
val() { sed -n "s/^$1=//p" <<<"$r"; }
echo "documents: $n; look-ups: $runs rounds of $lookups random 发文字号 (median per look-up)"
printf '%-44s %9s %9s %7s\n' "archive schema $(val schema)" ours SQLite ratio
if [ "$(val ours_store_s)" != - ]; then
	printf '%-44s %9s %9s %7.2f\n' "store (s)" "$(val ours_store_s)" "$(val sqlite_store_s)" \
		"$(python3 -c "print($(val ours_store_s)/$(val sqlite_store_s))")"
fi
row() { # label ours-key sqlite-key
	local o s
	o=$(val "$2") s=$(val "$3")
	printf '%-44s %9s %9s %7.2f\n' "$1" "$o" "$s" "$(python3 -c "print($o/$s)")"
}
row "full record, copied out (µs)" ours_full_us sqlite_full_us
row "  CPU time (µs)" ours_full_cpu_us sqlite_full_cpu_us
row "where: id, issue, version, pages (µs)" ours_locate_us sqlite_id_us
row "  CPU time (µs)" ours_locate_cpu_us sqlite_id_cpu_us
row "where, one read txn per round (µs)" ours_locate_tx_us sqlite_id_tx_us
row "  CPU time (µs)" ours_locate_tx_cpu_us sqlite_id_tx_cpu_us
printf '%-44s %9s %9s\n' "where + current status (µs)" "$(val ours_locate_status_us)" -
printf '%-44s %9s %9s\n' "  CPU time (µs)" "$(val ours_locate_status_cpu_us)" -
printf '%-44s %9s %9s\n' "size (MB)" "$(du -m "$work/gaz/data.mdb" | cut -f1)" "$(du -m "$work/sqlite.db" | cut -f1)"

#!/bin/bash
# Crash safety and concurrency of the archive, on a real LMDB environment.
#  1. fault injection: GAZETTE_FAULT_AFTER=N aborts `gazette publish` just
#     after its Nth LMDB call, for every N until the publish completes;
#  2. SIGKILL at random moments during `gazette publish` (many runs);
#  3. readers (get, fsck) running while publishes commit.
# After every crash the archive must open, fsck clean, and hold either the
# old state or the new one — never a partial issue.
set -euo pipefail

: "${GAZETTE:?}" "${SRC:?}"
# Crash safety here is about the process dying, not the machine: the page
# cache survives a SIGKILL, so a tmpfs (no fsync cost) tests the same thing
# faster.
if [ -d /dev/shm ] && [ -w /dev/shm ]; then T=$(mktemp -d -p /dev/shm); else T=$(mktemp -d); fi
trap 'rm -rf "$T"' EXIT
ulimit -c 0
export SOURCE_DATE_EPOCH=1690790400 USER=clerk
S=$SRC/tests/sample-issue
A=$T/ar
PAGES="01-qianjiang-2018-67.txt=1-3,02-xichong-2017.txt=4-5,03-guangzhou-gengxin-2018.txt=6-8,04-changchun-xinqu-2020.txt=9-10,05-anshan-2023-17.txt=11-14"
KILL_RUNS=${KILL_RUNS:-100}

die() { echo "FAIL: $*" >&2; exit 1; }

. "$SRC/tests/lib.sh"
# candidate PDFs: real signed files (publish refuses anything else), each
# with its own random padding: ~30 KB or ~600 KB
small() { signed_pdf "$T/cand.pdf" 30; }
big() { signed_pdf "$T/cand.pdf" 600; }

# The archive's newest version of 2023/7 (0 if none), checking on the way
# that the issue is whole: 5 documents, the PDF re-hashes, the audit trail
# has one entry per version.
state() {
	local j v docs
	"$GAZETTE" fsck --archive "$A" -q >"$T/fsck" 2>&1 || { cat "$T/fsck" >&2; die "fsck not clean ($1)"; }
	if ! j=$("$GAZETTE" get --archive "$A" 2023/7 --json -o "$T/got.pdf" 2>"$T/geterr"); then
		grep -q "not in the archive" "$T/geterr" || { cat "$T/geterr" >&2; die "get failed ($1)"; }
		echo 0
		return
	fi
	v=$(printf '%s\n' "$j" | sed -n 's/^\t"version":\t\([0-9]*\),$/\1/p')
	docs=$(printf '%s\n' "$j" | grep -c '"doc_no":')
	[ "$docs" = 5 ] || die "version $v has $docs documents ($1)"
	[ "$("$GAZETTE" audit --archive "$A" | grep -c ' publish ')" = "$v" ] || die "audit trail out of step ($1)"
	echo "$v"
}

# after a crash: the old state, or the new one holding exactly cand.pdf;
# prints "old N" or "new N"
judge() { # BEFORE LABEL
	local now
	now=$(state "$2")
	if [ "$now" = "$1" ]; then
		echo "old $now"
	elif [ "$now" = $(($1 + 1)) ]; then
		cmp -s "$T/got.pdf" "$T/cand.pdf" || die "new version holds another PDF ($2)"
		echo "new $now"
	else
		die "versions went from $1 to $now ($2)"
	fi
}

small 0
"$GAZETTE" publish "$S" --archive "$A" --signed-pdf "$T/cand.pdf" --pages "$PAGES" >/dev/null
[ "$(state setup)" = 1 ] || die "setup"

# --- 1. fault injection at every LMDB call --------------------------------------------
n=1
aborted=0
new_after_abort=0
before=1
while :; do
	small "f$n"
	rc=0
	GAZETTE_FAULT_AFTER=$n "$GAZETTE" publish "$S" --archive "$A" --signed-pdf "$T/cand.pdf" \
		--pages "$PAGES" --reason "fault $n" >/dev/null 2>&1 || rc=$?
	if [ "$rc" = 0 ]; then
		[ "$(state "fault $n done")" = $((before + 1)) ] || die "publish succeeded without a new version"
		break
	fi
	[ "$rc" = 134 ] || die "publish with GAZETTE_FAULT_AFTER=$n exited $rc (expected SIGABRT)"
	aborted=$((aborted + 1))
	r=$(judge "$before" "fault $n")
	[ "${r% *}" = new ] && new_after_abort=$((new_after_abort + 1))
	before=${r#* }
	n=$((n + 1))
	[ "$n" -lt 5000 ] || die "publish never completed"
done
# only an abort after the commit (the last call) may leave the new state
[ "$new_after_abort" = 1 ] || die "$new_after_abort aborts left the new state (expected exactly 1: after commit)"
echo "[$SECONDS s] fault injection: $aborted crash points, each left the old state except the one after commit"

# a status change (立改废) is one transaction too: its event, log leaf,
# search status and audit entry
D='黔江府办发〔2018〕67号'
events() { "$GAZETTE" status "$D" --archive "$A" --json | grep -c '"seq":' || true; }
n=1
ev_before=$(events)
while :; do
	rc=0
	GAZETTE_FAULT_AFTER=$n "$GAZETTE" status "$D" --archive "$A" --set 废止 --date 2024-01-01 \
		--by '黔江府发〔2023〕1号' >/dev/null 2>&1 || rc=$?
	"$GAZETTE" fsck --archive "$A" -q >"$T/fsck" 2>&1 || { cat "$T/fsck" >&2; die "fsck after status fault $n"; }
	ev_now=$(events)
	if [ "$rc" = 0 ]; then
		[ "$ev_now" = $((ev_before + 1)) ] || die "status change succeeded without an event"
		break
	fi
	[ "$rc" = 134 ] || die "status with GAZETTE_FAULT_AFTER=$n exited $rc"
	[ "$ev_now" = "$ev_before" ] || [ "$ev_now" = $((ev_before + 1)) ] || die "status fault $n: $ev_before -> $ev_now events"
	ev_before=$ev_now
	n=$((n + 1))
	[ "$n" -lt 1000 ] || die "status change never completed"
done
echo "[$SECONDS s] fault injection: status change crashed at each of its $((n - 1)) LMDB calls: old or new history, fsck clean"

# --- 2. SIGKILL at random moments ----------------------------------------------------------
big t0
t0=$(date +%s%N)
"$GAZETTE" publish "$S" --archive "$A" --signed-pdf "$T/cand.pdf" --pages "$PAGES" --reason timing >/dev/null
span=$((($(date +%s%N) - t0) / 1000))   # microseconds one publish takes here
span=$((span + span / 4 + 1))
old=0 new=0
before=$(state "before kill")
for i in $(seq "$KILL_RUNS"); do
	big "k$i"
	"$GAZETTE" publish "$S" --archive "$A" --signed-pdf "$T/cand.pdf" --pages "$PAGES" \
		--reason "kill $i" >/dev/null 2>&1 &
	pid=$!
	us=$(( (RANDOM * 32768 + RANDOM) % span ))
	sleep "$(printf '0.%06d' "$us")"
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	r=$(judge "$before" "kill $i after ${us}us")
	case ${r% *} in
	old) old=$((old + 1)) ;;
	new) new=$((new + 1)) ;;
	esac
	before=${r#* }
done
echo "[$SECONDS s] SIGKILL: $KILL_RUNS runs (0-${span}us): $old left the old state, $new the new one, none partial"

# --- 3. readers while publishes commit ------------------------------------------------------
start=$(state "before readers")
(
	for i in $(seq 8); do
		signed_pdf "$T/w$i.pdf" 500
		"$GAZETTE" publish "$S" --archive "$A" --signed-pdf "$T/w$i.pdf" --pages "$PAGES" \
			--reason "round $i" >/dev/null
	done
	touch "$T/writer.done"
) &
writer=$!
reads=0
while [ ! -e "$T/writer.done" ] || [ "$reads" -lt 5 ]; do
	"$GAZETTE" fsck --archive "$A" -q || die "fsck beside a writer"
	j=$("$GAZETTE" get --archive "$A" 2023/7 --json -o "$T/r.pdf") || die "get beside a writer"
	sha=$(printf '%s\n' "$j" | sed -n 's/^\t"pdf_sha256":\t"\([0-9a-f]*\)",$/\1/p')
	[ "$(sha256sum "$T/r.pdf" | cut -d' ' -f1)" = "$sha" ] || die "reader got a PDF that is not its version's"
	[ "$(printf '%s\n' "$j" | grep -c '"doc_no":')" = 5 ] || die "reader saw a partial issue"
	if [ $((reads % 3)) = 0 ]; then  # a hot backup, fsck'ed by the command itself
		"$GAZETTE" backup --archive "$A" "$T/bk$reads" >/dev/null || die "backup beside a writer"
		rm -rf "$T/bk$reads"
	fi
	reads=$((reads + 1))
done
wait "$writer" || die "writer failed"
[ "$(state after)" = $((start + 8)) ] || die "writer's versions missing"
echo "[$SECONDS s] concurrency: $reads consistent snapshots (get + fsck, a hot backup every third) while 8 versions were committed"
echo "test_archive_crash.sh: all passed"

#!/bin/bash
# `gazette check` end to end: the real binary on tests/bad-issues/<case>/
# (one folder per kind of bad input) and on the sample issue.  Each case
# asserts the exit code and the exact file:line[:col]: field: severity
# prefix of every diagnostic it must produce.
set -euo pipefail
: "${GAZETTE:?path of the gazette binary}" "${SRC:?source dir}"
cd "$SRC/tests"
scratch=$(mktemp -d)
trap 'chmod -R u+rwX "$scratch"; rm -rf "$scratch"' EXIT
failed=0

fail() {
	echo "FAIL: $*" >&2
	failed=$((failed + 1))
}

# run DIR: sets $out (stderr) and $rc
run() {
	set +e
	out=$("$GAZETTE" check "$1" 2>&1 >"$scratch/stdout")
	rc=$?
	set -e
	if [ -s "$scratch/stdout" ]; then
		fail "$1: check wrote to stdout"
	fi
}

# expect CASE_DIR EXIT_CODE 'diagnostic prefix'...
expect() {
	local dir=$1 want=$2 p
	shift 2
	run "$dir"
	if [ "$rc" != "$want" ]; then
		fail "$dir: exit $rc, expected $want"
		printf '%s\n' "$out" >&2
	fi
	for p in "$@"; do
		if ! grep -qF -- "$p" <<<"$out"; then
			fail "$dir: no line containing: $p"
			printf '%s\n' "$out" >&2
		fi
	done
}

# refuse DIR 'text': the output must not contain text
refuse() {
	if grep -qF -- "$2" <<<"$out"; then
		fail "$1: output contains: $2"
	fi
}

B=bad-issues

# The sample issue passes: exit 0, no error.
expect sample-issue 0 "sample-issue: 5 documents, 0 errors"

expect $B/missing-field 1 "$B/missing-field/01.txt:1: 发文字号: error: required field missing"
expect $B/bad-date 1 "$B/bad-date/01.txt:5: 成文日期: error: \"2023-02-30\" is not a real date"
expect $B/date-order 1 "$B/date-order/01.txt:6: 发布日期: error: 2023-07-04 is before 成文日期 2023-07-05"
expect $B/duplicate-number 1 \
	"$B/duplicate-number/02.txt:2: 发文字号: error: duplicate of $B/duplicate-number/01.txt:2"
expect $B/malformed-number 1 \
	"$B/malformed-number/01.txt:2: 发文字号: error: \"鞍政办公开[2023]17号\" is not of the form"
expect $B/unknown-section 1 "$B/unknown-section/01.txt:10: 栏目: error: \"领导讲话\" is not a 栏目"
expect $B/invalid-utf8 1 "$B/invalid-utf8/01.txt:13:26: 正文: error: invalid UTF-8 (2 bad bytes"
expect $B/truncated 1 \
	"$B/truncated/01.txt:15:22: 正文: error: the file ends inside a UTF-8 character" \
	"$B/truncated/01.txt:15: 正文: warning: the file may be truncated"
expect $B/truncated-sentence 0 "$B/truncated-sentence/01.txt:15: 正文: warning: the file may be truncated"
expect $B/control-char 1 \
	"$B/control-char/01.txt:2:17: 发文字号: error: invisible zero-width character U+200B" \
	"$B/control-char/01.txt:3:19: 文件标题: error: bidirectional control U+202E" \
	"$B/control-char/01.txt:13:26: 正文: error: control character U+0001"
expect $B/id-number 1 \
	"$B/id-number/01.txt:16:12: 正文: error: resident ID number 110105********1238 (valid check digit)" \
	"$B/id-number/01.txt:17:9: 正文: error: resident ID number 320102********1230"
refuse $B/id-number 110105198001011238
refuse $B/id-number 320102198506301230
expect $B/mobile-number 1 \
	"$B/mobile-number/01.txt:16:6: 正文: error: mobile phone number 139****5678" \
	"$B/mobile-number/01.txt:16:21: 正文: error: mobile phone number 138****8000" \
	"$B/mobile-number/issue.conf:9:4: 电话: error: mobile phone number 158****1111"
refuse $B/mobile-number 13912345678
refuse $B/mobile-number 15800001111
expect $B/empty-issue 1 "$B/empty-issue: error: empty issue: no document"
expect $B/missing-conf 1 "$B/missing-conf/issue.conf: error: cannot open"
run $B/missing-conf
if [ "$(grep -c 'error' <<<"$out")" != 2 ]; then # the error and the summary
	fail "missing issue.conf should give one error, not a cascade"
	printf '%s\n' "$out" >&2
fi
expect $B/published-after-issue 1 \
	"$B/published-after-issue/01.txt:6: 发布日期: error: 2023-08-02 is after the issue's 出版日期 2023-07-31"
expect $B/config-errors 1 \
	"$B/config-errors/issue.conf:2: 年份: error" \
	"$B/config-errors/issue.conf:3: 期号: error" \
	"$B/config-errors/issue.conf:4: 总期号: error" \
	"$B/config-errors/issue.conf:5: 出版日期: error" \
	"$B/config-errors/issue.conf:7: 栏目: error: \"政府办公室文件\" repeated (first on line 6)" \
	"$B/config-errors/issue.conf:8: 网址: error" \
	"$B/config-errors/issue.conf:9: 水印透明度: error" \
	"$B/config-errors/issue.conf:10: 水印角度: error" \
	"$B/config-errors/issue.conf:11: 正文字体: error: cannot read font file fonts/none.ttf" \
	"$B/config-errors/issue.conf:12: 标题字体: error: cannot read font file issue.conf"
# Font paths are read as compile reads them: relative to the working
# directory.  Run from inside the issue folder, they name its files.
(
	failed=0
	cd $B/bad-font
	expect . 1 \
		"./issue.conf:14: 正文字体: error: fonts/broken.ttf is not a TrueType/OpenType font file" \
		"./issue.conf:15: 标题字体: error: cannot read font file fonts/missing.ttf: No such file or directory" \
		"./issue.conf:16: 黑体字体: error: font collection /usr/share/fonts/truetype/arphic/uming.ttc has 4 faces: no face 9" \
		"./issue.conf:17: 备用字体: error: fonts/one.ttf is a single font: face 1 does not exist"
	refuse . "wqy-zenhei"
	[ "$failed" = 0 ]
) || fail "bad-font"
expect $B/title-repeat 0 \
	"$B/title-repeat/01.txt:12: 正文: warning: web page title" \
	"$B/title-repeat/01.txt:13: 正文: warning: 发文字号 repeated as a body line" \
	"$B/title-repeat/01.txt:14: 正文: warning: 文件标题 repeated over body lines 14–15"

# The corpus as crawled: two files as they are, three with a header in front.
C=$B/crawl-debris
expect $C 1 \
	"$C/000-raw.txt:1: 文件头: error: crawl debris (breadcrumb)" \
	"$C/000-raw.txt:2: 文件头: error: catalog record as the web page shows it" \
	"$C/000-raw.txt:10: 文件头: error: catalog record as the web page shows it" \
	"$C/001-raw.txt:1: 文件头: error: no header: a document starts with its catalog record" \
	"$C/001-raw.txt:1: 文件标题: error: required field missing" \
	"$C/000-raw.txt:96: 正文: warning: crawl debris (page button or link)" \
	"$C/000-raw.txt:96: 正文: warning: the file may be truncated" \
	"$C/002-debris.txt:10: 正文: warning: crawl debris (breadcrumb)" \
	"$C/002-debris.txt:12: 正文: warning: 文件标题 repeated as a body line" \
	"$C/002-debris.txt:14: 正文: warning: crawl debris (page information line" \
	"$C/002-debris.txt:54: 正文: warning: crawl debris (page template name)" \
	"$C/003-debris.txt:10: 正文: warning: crawl debris (site login links)" \
	"$C/003-debris.txt:12: 正文: warning: crawl debris (breadcrumb)" \
	"$C/004-debris.txt:12: 正文: warning: web page title" \
	"$C/004-debris.txt:15: 正文: warning: 文件标题 repeated as a body line" \
	"$C/004-debris.txt:16: 正文: warning: crawl debris (page information line" \
	"$C/002-debris.txt:16:42: 正文: warning: half-width '(' next to Chinese text: write '（'"
# The corpus's real numbers (dates, 〔2018〕, index numbers, 12345 hotline,
# 010- phones) are not personal data.
refuse $C "personal data"
refuse sample-issue "personal data"

# One file with many errors: every one is reported, not only the first.
M=$B/multi-error/01.txt
expect $B/multi-error 1 \
	"$M:1: 索引号: error" \
	"$M:2: 发文字号: error" \
	"$M:5: 成文日期: error" \
	"$M:9: 有效性: error: \"作废\" is not one of" \
	"$M:10: 栏目: error" \
	"$M:13:6: 正文: error: control character U+0007" \
	"$M:14:5: 正文: error: resident ID number 110105********1238" \
	"$M:15:5: 正文: error: mobile phone number 139****5678" \
	"$M:16:5: 正文: error: invalid UTF-8" \
	"$B/multi-error: 1 document, 9 errors"

# An unreadable document (made so in a scratch copy: git keeps no mode 000).
# Root reads it anyway: then the case runs as nobody through setpriv, or is
# skipped (and says so) where that is not possible.
u=$scratch/unreadable
cp -r $B/unreadable "$u"
chmod 755 "$scratch"
chmod -R a+rX "$u"
chmod 000 "$u/01.txt"
want="$u/01.txt: error: cannot open $u/01.txt: Permission denied"
if ! cat "$u/01.txt" >/dev/null 2>&1; then
	expect "$u" 1 "$want"
elif command -v setpriv >/dev/null &&
	setpriv --reuid=65534 --regid=65534 --clear-groups "$GAZETTE" check "$u" \
		>/dev/null 2>"$scratch/nobody.err"; [ -s "$scratch/nobody.err" ] &&
	! grep -q "setpriv:" "$scratch/nobody.err"; then
	echo "running as root: the unreadable-file case runs as nobody"
	set +e
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$GAZETTE" check "$u" 2>&1)
	rc=$?
	set -e
	[ "$rc" = 1 ] || fail "unreadable: exit $rc as nobody, expected 1"
	grep -qF -- "$want" <<<"$out" || { fail "unreadable: no line: $want"; printf '%s\n' "$out" >&2; }
else
	echo "SKIP unreadable-file case: running as root (chmod 000 does not stop root) and cannot switch to nobody"
fi

# A document in the wrong form next to the sample: warned about, not read.
cp -r sample-issue "$scratch/extra"
printf 'x' >"$scratch/extra/06-submitted.doc"
mkdir "$scratch/extra/fonts"
expect "$scratch/extra" 0 \
	"$scratch/extra/06-submitted.doc: warning: ignored: documents are UTF-8 text files named *.txt" \
	"$scratch/extra: 5 documents, 0 errors, 1 warning"

# A folder that does not exist: usage/I-O, exit 2.
expect $B/no-such-folder 2 "gazette: $B/no-such-folder: input/output error: cannot open issue folder"

# --json: the same diagnostics on stdout as one object, nothing on stderr,
# the same exit codes; personal data stays masked there too.
set +e
"$GAZETTE" check bad-issues/id-number --json >"$scratch/j" 2>"$scratch/e"; rc=$?
set -e
[ "$rc" = 1 ] || fail "check --json on id-number: exit $rc, expected 1"
[ -s "$scratch/e" ] && fail "check --json wrote to stderr: $(cat "$scratch/e")"
python3 - "$scratch/j" <<'EOF' || fail "check --json: wrong object"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["issue"] == "bad-issues/id-number" and d["documents"] == 1, d
assert d["errors"] == 2 and d["warnings"] == 0 and d["may_compile"] is False, d
p = d["problems"][0]
assert p["file"] == "bad-issues/id-number/01.txt" and p["line"] == 16 and p["column"] == 12, p
assert p["field"] == "正文" and p["severity"] == "error", p
assert "110105********1238" in p["message"] and "110105198001011238" not in open(sys.argv[1]).read(), p
EOF
set +e
"$GAZETTE" check sample-issue --json >"$scratch/j" 2>"$scratch/e"; rc=$?
set -e
[ "$rc" = 0 ] || fail "check --json on the sample: exit $rc, expected 0"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["may_compile"] and d["documents"]==5 and d["problems"]==[], d' "$scratch/j" ||
	fail "check --json on the sample: wrong object"

# A folder whose name is not UTF-8 (names are bytes): --json stays valid
# JSON, the bad byte shown as U+FFFD.
bad=$scratch/$(printf 'issue-\xff')
cp -r sample-issue "$bad"
set +e
"$GAZETTE" check "$bad" --json >"$scratch/j" 2>"$scratch/e"; rc=$?
set -e
[ "$rc" = 0 ] || fail "check --json on a non-UTF-8 folder name: exit $rc"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1], encoding="utf-8")); assert d["issue"].endswith("issue-\ufffd"), d["issue"]' \
	"$scratch/j" || fail "check --json on a non-UTF-8 folder name: not valid JSON"
rm -rf "$bad"

# Usage errors.
set +e
"$GAZETTE" check >/dev/null 2>&1; rc=$?
set -e
[ "$rc" = 2 ] || fail "check without ISSUE_DIR: exit $rc, expected 2"

# A FIFO as a text or as issue.conf is an error on that file (it is not
# opened blocking, so check does not wait for a writer forever).
for f in 06.txt issue.conf; do
	rm -rf "$scratch/fifo"
	cp -r sample-issue "$scratch/fifo"
	rm -f "$scratch/fifo/$f"
	mkfifo "$scratch/fifo/$f"
	set +e
	out=$(timeout 10 "$GAZETTE" check "$scratch/fifo" 2>&1 >/dev/null)
	rc=$?
	set -e
	if [ "$rc" != 1 ] || ! grep -qF "$scratch/fifo/$f: error: $scratch/fifo/$f is not a regular file" <<<"$out"; then
		fail "a FIFO as $f: exit $rc"
		printf '%s\n' "$out" >&2
	fi
done

if [ "$failed" != 0 ]; then
	echo "$failed failure(s)" >&2
	exit 1
fi
echo "test_check_cli: all cases passed"

#!/usr/bin/env bash
# End-to-end tests of `gazette verify`: genuine files signed by gazette sign
# (B-B, B-T, B-LT, certification, + DSS, + document timestamp), mutool and
# node's @signpdf (committed files, tests/interop/) must verify (exit 0); every attack
# file made by tests/pdfattack.py, an untrusted CA, an expired and a revoked
# signer must be invalid (exit 1); usage and I/O errors exit 2.
set -euo pipefail

T=$(mktemp -d)
LOG=$T/log
tsa_pid=
cleanup() {
	[ -n "$tsa_pid" ] && kill "$tsa_pid" 2>/dev/null && wait "$tsa_pid" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
K=$SRC/keys-example
failures=0
ok() { echo "ok   $*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }

# expect CODE WHAT FILE [verify options...]
expect() {
	local code=$1 what=$2 file=$3 rc=0
	shift 3
	"$GAZETTE" verify "$file" "$@" >"$T/out.txt" 2>&1 || rc=$?
	if [ "$rc" = "$code" ]; then
		ok "$what (exit $rc)"
	else
		fail "$what: exit $rc, expected $code"
		sed 's/^/     | /' "$T/out.txt" | head -40
	fi
}
# expect_msg CODE WHAT PATTERN FILE [options...]: also greps the report
expect_msg() {
	local code=$1 what=$2 pat=$3 file=$4
	shift 4
	expect "$code" "$what" "$file" "$@"
	grep -q -- "$pat" "$T/out.txt" || { fail "$what: no \"$pat\" in the report"; sed 's/^/     | /' "$T/out.txt" | head -40; }
}

TRUST=(--trust "$K/root-ca.pem")
SIGN=(--key "$K/signer.key" --cert "$K/signer.pem" --chain "$K/chain.pem" --pass-file "$K/passphrase.txt")
python3 "$SRC/tests/pdfgen.py" base "$T/base.pdf"
python3 "$SRC/tests/pdfgen.py" certify "$T/cbase.pdf"
python3 "$SRC/tests/pdfgen.py" plain "$T/plain.pdf"

# ---- a TSA for B-T / B-LT and document timestamps ------------------------
"$GAZETTE" tsa --key "$K/tsa.key" --cert "$K/tsa.pem" --chain "$K/chain.pem" \
	--pass-file "$K/passphrase.txt" --listen 127.0.0.1:0 >"$T/tsa.out" 2>>"$LOG" &
tsa_pid=$!
for _ in $(seq 50); do grep -q listening "$T/tsa.out" && break; sleep 0.1; done
URL=$(sed -n 's/.*listening on //p' "$T/tsa.out")
[ -n "$URL" ] || { fail "gazette tsa did not start"; exit 1; }

# ---- genuine files ----------------------------------------------------------
g() { "$GAZETTE" sign "$@" 2>>"$LOG"; }
g "$T/base.pdf" -o "$T/bb.pdf" "${SIGN[@]}"
g "$T/base.pdf" -o "$T/bt.pdf" "${SIGN[@]}" --level B-T --tsa "$URL"
g "$T/base.pdf" -o "$T/blt.pdf" "${SIGN[@]}" --level B-LT --tsa "$URL" \
	--crl "$K/root-ca.crl.pem" --crl "$K/intermediate-ca.crl.pem"
g "$T/cbase.pdf" -o "$T/cert.pdf" "${SIGN[@]}" --certify
g "$T/cbase.pdf" -o "$T/cert-lt.pdf" "${SIGN[@]}" --certify --level B-LT --tsa "$URL" \
	--crl "$K/root-ca.crl.pem" --crl "$K/intermediate-ca.crl.pem"
qpdf --object-streams=generate "$T/base.pdf" "$T/xs-base.pdf"
g "$T/xs-base.pdf" -o "$T/xs.pdf" "${SIGN[@]}" --level B-LT --tsa "$URL" \
	--crl "$K/root-ca.crl.pem" --crl "$K/intermediate-ca.crl.pem"
openssl x509 -in "$K/signer.pem" -outform DER -out "$T/signer.der"
python3 "$SRC/tests/pdfattack.py" dss "$T/bb.pdf" "$T/signer.der" "$T/bb-dss.pdf"
python3 "$SRC/tests/pdfattack.py" dts "$T/blt.pdf" "$K/tsa.pem" "$K/tsa.key" \
	"$K/passphrase.txt" "$K/chain.pem" "$T/blt-dts.pdf" 2>>"$LOG"
python3 "$SRC/tests/pdfattack.py" dts "$T/cert-lt.pdf" "$K/tsa.pem" "$K/tsa.key" \
	"$K/passphrase.txt" "$K/chain.pem" "$T/cert-dts.pdf" 2>>"$LOG"

expect_msg 0 "gazette B-B" "revision 2 of 2 (the whole file)" "$T/bb.pdf" "${TRUST[@]}"
expect_msg 0 "gazette B-T: timestamp verified" "timestamp:  ok, 20" "$T/bt.pdf" "${TRUST[@]}"
expect_msg 0 "gazette B-LT: DSS after the signature allowed" "catalog: /DSS added (allowed)" \
	"$T/blt.pdf" "${TRUST[@]}"
grep -q "revocation checked against CRLs for the whole chain" "$T/out.txt" ||
	fail "B-LT: CRLs from the DSS not used"
expect_msg 0 "gazette certification (DocMDP P=1)" "DocMDP P=1" "$T/cert.pdf" "${TRUST[@]}"
expect 0 "gazette certification + B-LT" "$T/cert-lt.pdf" "${TRUST[@]}"
expect_msg 0 "gazette B-LT on an xref-stream/object-stream file" "(xref stream)" "$T/xs.pdf" "${TRUST[@]}"
expect 0 "B-B + a DSS update written by another tool" "$T/bb-dss.pdf" "${TRUST[@]}"
expect_msg 0 "B-LT + document timestamp" "doc-timestamp, ETSI.RFC3161" "$T/blt-dts.pdf" "${TRUST[@]}"
expect 0 "certification P=1 + DSS + document timestamp" "$T/cert-dts.pdf" "${TRUST[@]}"

# JSON: the same verdict, machine-readable
"$GAZETTE" verify "$T/blt-dts.pdf" "${TRUST[@]}" --json >"$T/out.json"
python3 - "$T/out.json" <<'EOF' || fail "JSON report"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["valid"] is True and len(r["signatures"]) == 2, r
s = r["signatures"][0]
assert s["revision"] == 2 and s["revisions"] == 4 and not s["covers_whole_file"], s
assert s["checks"] == {"digest": "ok", "signature": "ok", "chain": "ok",
                       "signing_certificate": "ok", "timestamp": "ok"}, s["checks"]
assert s["changes_allowed"] and s["timestamp_time"].endswith("Z"), s
assert r["signatures"][1]["kind"] == "doc-timestamp" and r["signatures"][1]["covers_whole_file"]
assert [v["index"] for v in r["revisions"]] == [1, 2, 3, 4]
EOF
ok "--json report"
# a file name that is not UTF-8 (names are bytes): still valid JSON
cp "$T/blt-dts.pdf" "$T/$(printf 'name-\xff').pdf"
"$GAZETTE" verify "$T/$(printf 'name-\xff').pdf" "${TRUST[@]}" --json >"$T/out.json"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1], encoding="utf-8")); assert r["file"].endswith("name-\ufffd.pdf"), r["file"]' \
	"$T/out.json" && ok "--json with a non-UTF-8 file name" || fail "--json with a non-UTF-8 file name"

# other signers: a throwaway demo CA made here (never reuse these keys)
echo demo-pass >"$T/pass.txt"
cp "$T/pass.txt" "$T/pass-out.txt" # openssl reads line 2 when -passin/-passout share a file
openssl req -x509 -newkey rsa:2048 -keyout "$T/ca.key" -passout file:"$T/pass.txt" \
	-out "$T/ca.pem" -days 30 -subj "/CN=Throwaway Test CA" \
	-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>>"$LOG"
openssl req -newkey rsa:2048 -keyout "$T/s.key" -passout file:"$T/pass.txt" -out "$T/s.csr" \
	-subj "/CN=Throwaway Signer" 2>>"$LOG"
printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n' >"$T/ext.cnf"
openssl x509 -req -in "$T/s.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" -passin file:"$T/pass.txt" \
	-CAcreateserial -out "$T/s.pem" -days 30 -extfile "$T/ext.cnf" 2>>"$LOG"
p12() { # p12 KEY CERT PASSIN OUT: a PKCS#12 readable by mutool and node-forge
	openssl pkcs12 -export -inkey "$1" -passin file:"$3" -in "$2" -out "$4" \
		-passout file:"$T/pass-out.txt" -keypbe PBE-SHA1-3DES -certpbe PBE-SHA1-3DES -macalg sha1
}
p12 "$T/s.key" "$T/s.pem" "$T/pass.txt" "$T/s.p12"
p12 "$K/expired.key" "$K/expired.pem" "$K/passphrase.txt" "$T/expired.p12"
p12 "$K/revoked.key" "$K/revoked.pem" "$K/passphrase.txt" "$T/revoked.p12"
# mutool takes the PKCS#12 password as an argument: the throwaway value only
msign() { mutool sign -s "$1" -P "$(cat "$T/pass.txt")" -o "$3" "$2" 5 >>"$LOG" 2>&1; }
msign "$T/s.p12" "$T/base.pdf" "$T/mutool.pdf"
msign "$T/expired.p12" "$T/base.pdf" "$T/mutool-expired.pdf"
msign "$T/revoked.p12" "$T/base.pdf" "$T/mutool-revoked.pdf"
expect_msg 0 "mutool sign" "chain:      trusted" "$T/mutool.pdf" --trust "$T/ca.pem"

# node's @signpdf: files it signed, committed with the throwaway CA that
# issued their signer (tests/interop/make-signpdf.sh re-creates them; the
# tests download nothing).  @signpdf's string placeholder duplicates an
# existing /AcroForm key, which this verifier refuses as ambiguous.
I=$SRC/tests/interop
expect_msg 1 "@signpdf on a form: duplicate /AcroForm refused" "duplicate key /AcroForm" \
	"$I/signpdf-dupkey.pdf" --trust "$I/interop-ca.pem"
expect_msg 0 "@signpdf adbe.pkcs7.detached" "chain:      trusted" \
	"$I/signpdf-pkcs7.pdf" --trust "$I/interop-ca.pem"
expect_msg 0 "@signpdf ETSI.CAdES.detached" "ETSI.CAdES.detached" \
	"$I/signpdf-cades.pdf" --trust "$I/interop-ca.pem"
expect_msg 1 "@signpdf file, gazette root only" "not trusted" "$I/signpdf-pkcs7.pdf" "${TRUST[@]}"
# a flipped byte inside the signed range of the @signpdf file
python3 - "$I/signpdf-pkcs7.pdf" "$T/signpdf-flip.pdf" <<'PYFLIP'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
d[300] ^= 0x01
open(sys.argv[2], "wb").write(d)
PYFLIP
expect_msg 1 "@signpdf file with a flipped byte" "message digest does not match" "$T/signpdf-flip.pdf" \
	--trust "$I/interop-ca.pem"

# ---- trust ------------------------------------------------------------------
expect_msg 1 "no --trust: nothing is trusted" "not trusted" "$T/bb.pdf"
expect_msg 1 "another CA" "not trusted" "$T/bb.pdf" --trust "$T/ca.pem"
expect_msg 1 "mutool file, gazette root only" "not trusted" "$T/mutool.pdf" "${TRUST[@]}"
# mutool embeds no intermediate: the chain file supplies it
expect_msg 1 "expired signer" "certificate has expired" "$T/mutool-expired.pdf" --trust "$K/chain.pem"
expect_msg 1 "revoked signer (CRL from a trust file)" "certificate revoked" "$T/mutool-revoked.pdf" \
	--trust "$K/chain.pem" --trust "$K/intermediate-ca.crl.pem"
# Trust-file certificates are parsed only when a chain asks for their
# subject (docs/verify.md, "Start-up and certificates"): unrelated ones, and
# a decoy with the root's exact subject but another key, change nothing.
cat "$T/ca.pem" "$K/tsa.pem" "$K/expired.pem" "$K/chain.pem" "$K/intermediate-ca.crl.pem" >"$T/many.pem"
expect_msg 0 "trust file with unrelated certificates and a CRL" "chain:      trusted" "$T/bb.pdf" \
	--trust "$T/many.pem"
expect_msg 0 "mutool file: the intermediate from a crowded trust file" "chain:      trusted" \
	"$T/mutool.pdf" --trust "$T/ca.pem" --trust "$T/many.pem"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$T/decoy.key" 2>>"$LOG"
openssl x509 -x509toreq -in "$K/root-ca.pem" -signkey "$T/decoy.key" -out "$T/decoy.csr" 2>>"$LOG"
openssl x509 -req -in "$T/decoy.csr" -signkey "$T/decoy.key" -days 30 -out "$T/decoy.pem" 2>>"$LOG"
[ "$(openssl x509 -in "$T/decoy.pem" -noout -subject)" = "$(openssl x509 -in "$K/root-ca.pem" -noout -subject)" ] ||
	fail "the decoy root does not have the root's subject"
cat "$K/root-ca.pem" "$T/decoy.pem" >"$T/decoy-last.pem"
cat "$T/decoy.pem" "$K/root-ca.pem" >"$T/decoy-first.pem"
expect_msg 0 "decoy with the root's subject after the root" "chain:      trusted" "$T/bb.pdf" \
	--trust "$T/decoy-last.pem"
# OpenSSL takes the first anchor whose name matches (these demo certificates
# carry no key identifiers to tell them apart), as it did when every anchor
# was parsed up front: never trusted through the decoy
expect_msg 1 "decoy with the root's subject before the root" "certificate signature failure" \
	"$T/bb.pdf" --trust "$T/decoy-first.pem"
expect_msg 1 "decoy alone" "not trusted" "$T/bb.pdf" --trust "$T/decoy.pem"
# a CERTIFICATE block that is not a certificate is refused when read
{ echo "-----BEGIN CERTIFICATE-----"; head -c 300 /dev/urandom | base64; echo "-----END CERTIFICATE-----"; } \
	>"$T/notcert.pem"
cat "$K/root-ca.pem" "$T/notcert.pem" >"$T/root-and-junk.pem"
expect_msg 2 "trust file with a block that is not a certificate" "certificate 2 is not a DER certificate" \
	"$T/bb.pdf" --trust "$T/root-and-junk.pem"
# OpenSSL's error strings are loaded only when an error is shown: still text
printf -- '-----BEGIN CERTIFICATE-----\nMII!!!\n-----END CERTIFICATE-----\n' >"$T/badb64.pem"
expect_msg 2 "unreadable trust file: OpenSSL's reason in words" "PEM routines::bad base64 decode" \
	"$T/bb.pdf" --trust "$T/badb64.pem"

# ---- attacks ---------------------------------------------------------------
attack_dir() { # attack_dir DIR WHAT TRUST...
	local dir=$1 what=$2 n=0 f
	shift 2
	for f in "$dir"/*.pdf; do
		expect 1 "$what: $(basename "$f" .pdf)" "$f" "$@"
		n=$((n + 1))
	done
	[ "$n" -ge 25 ] || fail "$what: only $n attack files"
}
python3 "$SRC/tests/pdfattack.py" "$T/bb.pdf" "$T/att-gazette"
python3 "$SRC/tests/pdfattack.py" "$T/mutool.pdf" "$T/att-mutool"
python3 "$SRC/tests/pdfattack.py" "$T/cert.pdf" "$T/att-cert" --certified
attack_dir "$T/att-gazette" "attack on gazette B-B" "${TRUST[@]}"
attack_dir "$T/att-mutool" "attack on mutool" --trust "$T/ca.pem"
attack_dir "$T/att-cert" "attack on certification" "${TRUST[@]}"
# the reason, not just the exit code, for representative attacks
A=$T/att-gazette
expect_msg 1 "ISA content reason" "stream object 4 changed" "$A/isa-content.pdf" "${TRUST[@]}"
expect_msg 1 "ISA annotation reason" "/Annots of page of object 3 gains an entry" "$A/isa-annot.pdf" "${TRUST[@]}"
expect_msg 1 "ISA re-pointed font reason" "Font object 6 changed" "$A/isa-repoint-font.pdf" "${TRUST[@]}"
expect_msg 1 "SWA reason" "is not this signature's /Contents" "$A/swa-gap-widened.pdf" "${TRUST[@]}"
expect_msg 1 "digest reason" "message digest does not match" "$A/flip-range2-ws.pdf" "${TRUST[@]}"
expect_msg 1 "signature reason, OpenSSL's words" "CMS routines::verification failure" \
	"$A/flip-gap-cms.pdf" "${TRUST[@]}"
expect_msg 1 "USF reason" "/ByteRange does not start at 0" "$A/usf-byterange-not-zero.pdf" "${TRUST[@]}"
expect_msg 1 "certified P=1 form fill reason" "DocMDP P=1 allows no changes" \
	"$T/att-cert/certified-p1-form-fill.pdf" "${TRUST[@]}"
python3 "$SRC/tests/pdfattack.py" dts "$T/blt.pdf" "$K/tsa.pem" "$K/tsa.key" \
	"$K/passphrase.txt" "$K/chain.pem" "$T/dts-visible.pdf" --visible 2>>"$LOG"
expect_msg 1 "a visible document-timestamp widget" "not an invisible document timestamp" \
	"$T/dts-visible.pdf" "${TRUST[@]}"
# the same document timestamp with an untrusted TSA
expect 1 "document timestamp, TSA not trusted" "$T/blt-dts.pdf" --trust "$T/ca.pem"
# xref-stream file: a flipped byte
python3 - "$T/xs.pdf" "$T/xs-flip.pdf" <<'EOF'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
d[10] ^= 1
open(sys.argv[2], "wb").write(d)
EOF
expect_msg 1 "xref-stream file, byte flipped" "message digest does not match" "$T/xs-flip.pdf" "${TRUST[@]}"

# ---- not signed, not a PDF, usage --------------------------------------------
expect_msg 1 "unsigned PDF" "no signature" "$T/base.pdf" "${TRUST[@]}"
printf 'not a pdf' >"$T/junk.pdf"
expect_msg 1 "not a PDF" "malformed PDF" "$T/junk.pdf" "${TRUST[@]}"
head -c 3000 "$T/bb.pdf" >"$T/truncated.pdf"
expect 1 "truncated PDF" "$T/truncated.pdf" "${TRUST[@]}"
expect 2 "missing file" "$T/nope.pdf" "${TRUST[@]}"
expect 2 "missing trust file" "$T/bb.pdf" --trust "$T/nope.pem"
expect 2 "trust file without certificates" "$T/bb.pdf" --trust "$T/junk.pdf"
rc=0; "$GAZETTE" verify >/dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] && ok "no FILE: usage (exit 2)" || fail "no FILE: exit $rc"
# A FIFO is refused at once (exit 2), not waited on.
mkfifo "$T/fifo"
rc=0; timeout 10 "$GAZETTE" verify "$T/fifo" >"$T/out.txt" 2>&1 || rc=$?
if [ "$rc" = 2 ] && grep -qF "not a regular file" "$T/out.txt"; then ok "a FIFO: not a regular file (exit 2)"
else fail "a FIFO: exit $rc"; sed 's/^/     | /' "$T/out.txt"; fi
rc=0; "$GAZETTE" verify "$T/bb.pdf" --bogus >/dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] && ok "unknown option: usage (exit 2)" || fail "unknown option: exit $rc"

echo "$failures failure(s)"
[ "$failures" = 0 ]

#!/bin/bash
# End-to-end tests of `gazette sign` and `gazette tsa` against independent
# checkers: poppler's pdfsig (NSS db trusting the demo root), mutool sign -v,
# openssl cms -verify / asn1parse / ts -verify, qpdf --check.
set -euo pipefail

: "${GAZETTE:?}" "${SRC:?}"
K=$SRC/keys-example
T=$(mktemp -d)
tsa_pid=
cleanup() {
	[ -n "$tsa_pid" ] && kill "$tsa_pid" 2>/dev/null && wait "$tsa_pid" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
# The TSA is on 127.0.0.1: never through a proxy.
unset GAZETTE_KEY_PASS http_proxy HTTP_PROXY https_proxy HTTPS_PROXY all_proxy ALL_PROXY || true

fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }
PASS=$(head -n1 "$K/passphrase.txt")
LOG=$T/all-output.log   # every stdout/stderr of gazette, checked for the passphrase

g() { "$GAZETTE" "$@" 2>>"$LOG" | tee -a "$LOG"; }
SIGN=(--key "$K/signer.key" --cert "$K/signer.pem" --chain "$K/chain.pem"
      --pass-file "$K/passphrase.txt")

# ---- inputs -----------------------------------------------------------------
mutool create -o "$T/plain.pdf" /dev/stdin <<'EOF'
%%MediaBox 0 0 595 842
%%Font F1 Helvetica
BT /F1 24 Tf 72 720 Td (Gazette test page) Tj ET
EOF
qpdf --object-streams=generate "$T/plain.pdf" "$T/xrefstream.pdf"
python3 "$SRC/tests/make-form-pdf.py" "$T/form.pdf"
inputs=(plain xrefstream form)
if "$GAZETTE" help compile >/dev/null 2>&1; then
	if "$GAZETTE" compile "$SRC/tests/sample-issue" -o "$T/issue.pdf" >/dev/null 2>&1; then
		inputs+=(issue)
	else
		fail "gazette compile of the sample issue"
	fi
else
	echo "skip: this gazette has no compile command; the sample issue is not signed"
fi

NSS=$T/nss
mkdir "$NSS"
certutil -N -d "sql:$NSS" --empty-password
certutil -A -d "sql:$NSS" -n gazette-demo-root -t 'CT,C,C' -i "$K/root-ca.pem"

# extract PDF N OUT_RANGES OUT_CMS: the signed bytes and the CMS of the
# signature whose /ByteRange is the N-th (0-based) in the file.
extract() {
	python3 - "$@" <<'EOF'
import re, sys, binascii
d = open(sys.argv[1], 'rb').read()
m = list(re.finditer(rb'/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]', d))[int(sys.argv[2])]
a, b, c, e = map(int, m.groups())
assert a == 0 and d[b:b+1] == b'<' and d[c-1:c] == b'>', "gap is not the /Contents string"
open(sys.argv[3], 'wb').write(d[a:a+b] + d[c:c+e])
h = d[b+1:c-1]
# DER is self-delimiting: cut the zero padding after the outer length.
raw = binascii.unhexlify(h)
assert raw[0] == 0x30 and raw[1] == 0x82
n = 4 + (raw[2] << 8 | raw[3])
assert not any(raw[n:]), "non-zero bytes after the CMS"
open(sys.argv[4], 'wb').write(raw[:n])
EOF
}

# check_signed IN OUT LABEL [sig-index]: everything every signed file must pass.
check_signed() {
	local in=$1 out=$2 label=$3 idx=${4:-0} n
	n=$(stat -c %s "$in")
	if cmp -s -n "$n" "$in" "$out"; then ok "$label: original revision byte-identical"
	else fail "$label: original bytes changed"; fi
	pdfsig -nssdir "sql:$NSS" "$out" >"$T/pdfsig.txt" 2>&1 || true
	if grep -q "Signature Validation: Signature is Valid" "$T/pdfsig.txt" &&
	   grep -q "Certificate Validation: Certificate is Trusted" "$T/pdfsig.txt"; then
		ok "$label: pdfsig valid and trusted"
	else fail "$label: pdfsig:"; cat "$T/pdfsig.txt" >&2; fi
	mutool sign -v "$out" >"$T/mutool.txt" 2>&1 || true
	# mutool trusts only its built-in Adobe root, so it reports the demo
	# chain as self-signed; the digest check is what it can vouch for.
	if grep -q "The document is unchanged since signing\|The signature is valid but there have been edits" "$T/mutool.txt" &&
	   ! grep -qi "digest error" "$T/mutool.txt"; then
		ok "$label: mutool sign -v digest valid"
	else fail "$label: mutool:"; cat "$T/mutool.txt" >&2; fi
	extract "$out" "$idx" "$T/ranges.bin" "$T/sig.der"
	if openssl cms -verify -binary -inform DER -in "$T/sig.der" -content "$T/ranges.bin" \
		-CAfile "$K/root-ca.pem" -purpose any -out /dev/null 2>"$T/cms.txt"; then
		ok "$label: openssl cms -verify"
	else fail "$label: openssl cms -verify"; cat "$T/cms.txt" >&2; fi
	# Signed attributes: no signing-time (1.2.840.113549.1.9.5), and
	# signing-certificate-v2 (1.2.840.113549.1.9.16.2.47) present.
	# Only our SignerInfo: a B-T token (a SignedData of its own, whose
	# attributes OpenSSL's TSA chooses) starts at its attribute OID.
	local hex
	hex=$(od -An -tx1 -v "$T/sig.der" | tr -d ' \n')
	hex=${hex%%060b2a864886f70d010910020e*}
	openssl asn1parse -inform DER -in "$T/sig.der" | sed '/id-smime-aa-timeStampToken/,$d' >"$T/asn1.txt"
	if ! grep -q "signingTime" "$T/asn1.txt" && [[ $hex != *06092a864886f70d010905* ]]; then
		ok "$label: no signing-time attribute"
	else fail "$label: signing-time present"; fi
	if grep -q "id-smime-aa-signingCertificateV2" "$T/asn1.txt" &&
	   [[ $hex == *060b2a864886f70d010910022f* ]]; then
		ok "$label: signing-certificate-v2 present"
	else fail "$label: no signing-certificate-v2"; fi
	if qpdf --check "$out" >"$T/qpdf.txt" 2>&1; then ok "$label: qpdf --check"
	else fail "$label: qpdf --check"; cat "$T/qpdf.txt" >&2; fi
}

# ---- B-B on every input, RSA, PKCS#12 and ECDSA --------------------------------
for f in "${inputs[@]}"; do
	g sign "$T/$f.pdf" -o "$T/$f-bb.pdf" "${SIGN[@]}" --reason "发布 测试" --location 北京
	check_signed "$T/$f.pdf" "$T/$f-bb.pdf" "$f B-B"
done
g sign "$T/plain.pdf" -o "$T/p12.pdf" --key "$K/signer.p12" --pass-file "$K/passphrase.txt"
check_signed "$T/plain.pdf" "$T/p12.pdf" "PKCS#12"
GAZETTE_KEY_PASS=$PASS g sign "$T/xrefstream.pdf" -o "$T/ec.pdf" --key "$K/signer-ec.key" \
	--cert "$K/signer-ec.pem" --chain "$K/chain.pem"
check_signed "$T/xrefstream.pdf" "$T/ec.pdf" "ECDSA P-256 via GAZETTE_KEY_PASS"

# /Reason and /Location: UTF-16BE text strings with a byte order mark.
if python3 - "$T/plain-bb.pdf" <<'EOF'
import re, sys
d = open(sys.argv[1], 'rb').read()
def text(key):
    m = re.search(rb'/' + key + rb'\s*<([0-9A-Fa-f]+)>', d)
    b = bytes.fromhex(m.group(1).decode())
    assert b[:2] == b'\xfe\xff', b[:2]
    return b[2:].decode('utf-16-be')
assert text(b'Reason') == '发布 测试', text(b'Reason')
assert text(b'Location') == '北京', text(b'Location')
EOF
then ok "/Reason and /Location are UTF-16BE text strings"
else fail "/Reason or /Location text encoding"; fi
g sign "$T/plain.pdf" -o "$T/emoji.pdf" "${SIGN[@]}" --reason "seal 🔏 ok"
if python3 - "$T/emoji.pdf" <<'EOF'
import re, sys
d = open(sys.argv[1], 'rb').read()
b = bytes.fromhex(re.search(rb'/Reason\s*<([0-9A-Fa-f]+)>', d).group(1).decode())
assert b[2:].decode('utf-16-be') == 'seal 🔏 ok'
EOF
then ok "characters beyond the BMP become surrogate pairs"
else fail "non-BMP /Reason"; fi

# The update's xref is of the original's kind.
if tail -c 400 "$T/xrefstream-bb.pdf" | grep -aq "/Type/XRef" &&
   ! tail -c 400 "$T/xrefstream-bb.pdf" | grep -aq "^trailer"; then
	ok "xref stream input gets an xref stream update"
else fail "xref stream input: update is not an xref stream"; fi
if tail -c 400 "$T/plain-bb.pdf" | grep -aq "^trailer"; then
	ok "classic xref input gets a classic xref update"
else fail "classic xref input: no classic trailer"; fi

# ---- certification (the default), approval, second signatures ----------------
g sign "$T/form.pdf" -o "$T/cert.pdf" "${SIGN[@]}"
mutool show "$T/cert.pdf" trailer/Root/Perms/DocMDP >"$T/docmdp.txt" 2>&1 || true
if grep -Eq "/P 1$" "$T/docmdp.txt" && grep -Eq "/TransformMethod ?/DocMDP" "$T/docmdp.txt"; then
	ok "default is a certification: /Perms /DocMDP with P 1"
else fail "default signature is not a DocMDP P=1 certification"; fi
rc=0; "$GAZETTE" sign "$T/cert.pdf" -o "$T/cert2.pdf" "${SIGN[@]}" --approval 2>"$T/err" || rc=$?
if [ $rc -eq 1 ] && [ ! -e "$T/cert2.pdf" ] && grep -q "certified" "$T/err"; then
	ok "signing a certified file is refused (exit 1)"
else fail "signing a certified file: rc=$rc"; fi
g sign "$T/form.pdf" -o "$T/approval.pdf" "${SIGN[@]}" --approval
check_signed "$T/form.pdf" "$T/approval.pdf" "approval"
if [ "$(mutool show "$T/approval.pdf" trailer/Root/Perms 2>&1)" = null ] &&
   ! grep -aq "/DocMDP" "$T/approval.pdf"; then
	ok "--approval: no DocMDP"
else fail "--approval wrote a DocMDP"; fi
g sign "$T/approval.pdf" -o "$T/approval-2.pdf" "${SIGN[@]}" --approval
check_signed "$T/approval.pdf" "$T/approval-2.pdf" "second signature" 1
if [ "$(pdfsig -nssdir "sql:$NSS" "$T/approval-2.pdf" | grep -c 'Signature is Valid')" = 2 ]; then
	ok "both signatures valid in pdfsig"
else fail "second signature broke the first"; fi
rc=0; "$GAZETTE" sign "$T/approval.pdf" -o "$T/x.pdf" "${SIGN[@]}" --certify 2>"$T/err" || rc=$?
if [ $rc -eq 1 ] && [ ! -e "$T/x.pdf" ]; then ok "certifying a signed file is refused (exit 1)"
else fail "--certify after a signature: rc=$rc"; fi

# ---- visible seal ------------------------------------------------------------------
python3 "$SRC/tests/make-seal-png.py" "$T/seal.png"
g sign "$T/form.pdf" -o "$T/seal.pdf" "${SIGN[@]}" --seal "$T/seal.png"
check_signed "$T/form.pdf" "$T/seal.pdf" "visible seal"
red() { # PDF PAGE: red pixels when rendered at 36 dpi
	mutool draw -q -r 36 -o "$T/page.ppm" "$1" "$2" 2>/dev/null
	python3 - "$T/page.ppm" <<'EOF'
import sys
d = open(sys.argv[1], 'rb').read().split(b'\n', 3)
px = d[3]
print(sum(1 for i in range(0, len(px) - 2, 3) if px[i] > 150 and px[i+1] < 80 and px[i+2] < 80))
EOF
}
if [ "$(red "$T/form.pdf" 2)" -eq 0 ] && [ "$(red "$T/seal.pdf" 2)" -gt 200 ] &&
   mutool show "$T/seal.pdf" trailer/Root/AcroForm/Fields/2/AP >/dev/null 2>&1; then
	ok "visible seal: the last page shows the seal, the widget has /AP"
else fail "visible seal not rendered"; fi
ink() { # PDF PAGE: non-white pixels at 36 dpi
	mutool draw -q -r 36 -o "$T/page.ppm" "$1" "$2" 2>/dev/null
	python3 - "$T/page.ppm" <<'EOF'
import sys
px = open(sys.argv[1], 'rb').read().split(b'\n', 3)[3]
print(sum(1 for i in range(0, len(px) - 2, 3) if min(px[i:i+3]) < 128))
EOF
}
base_ink=$(ink "$T/plain.pdf" 1)
for mode in rgb gray graya palette; do
	python3 "$SRC/tests/make-seal-png.py" "$T/seal-$mode.png" 64 "$mode"
	if "$GAZETTE" sign "$T/plain.pdf" -o "$T/seal-$mode.pdf" "${SIGN[@]}" \
		--seal "$T/seal-$mode.png" 2>>"$LOG" &&
	   pdfsig -nssdir "sql:$NSS" "$T/seal-$mode.pdf" 2>&1 | grep -q "Signature is Valid" &&
	   [ "$(ink "$T/seal-$mode.pdf" 1)" -gt $((base_ink + 100)) ]; then
		ok "visible seal from a $mode PNG"
	else fail "seal from a $mode PNG"; fi
done
if [ "$(red "$T/plain-bb.pdf" 1)" -eq 0 ]; then ok "default signature is invisible"
else fail "default signature drew something"; fi

# A signed issue stays PDF/A-1b (independent validator: PDFBox preflight):
# the invisible widget has an (empty) appearance, the seal a hard mask.
if [ -f "$T/issue.pdf" ]; then
	pcp=
	for j in preflight pdfbox2 fontbox2 xmpbox commons-logging jaxb-api javax.activation; do
		pcp=$pcp${pcp:+:}/usr/share/java/$j.jar
	done
	g sign "$T/issue.pdf" -o "$T/issue-seal.pdf" "${SIGN[@]}" --seal "$T/seal.png"
	for f in issue-bb issue-seal; do
		java -cp "$pcp" org.apache.pdfbox.preflight.Validator_A1b "$T/$f.pdf" >"$T/pf.txt" 2>&1 || true
		if grep -q "is a valid PDF/A-1b file" "$T/pf.txt"; then ok "$f.pdf is valid PDF/A-1b"
		else fail "$f.pdf is not PDF/A-1b"; tail -5 "$T/pf.txt" >&2; fi
	done
fi

# ---- reproducibility: RSA PKCS#1 v1.5 is deterministic, /M comes from the clock
g sign "$T/plain.pdf" -o "$T/r1.pdf" "${SIGN[@]}" --time 2026-12-01T08:00:00Z
SOURCE_DATE_EPOCH=1796112000 g sign "$T/plain.pdf" -o "$T/r2.pdf" "${SIGN[@]}"
if cmp -s "$T/r1.pdf" "$T/r2.pdf" && grep -aq "/M(D:20261201080000+00'00')" "$T/r1.pdf"; then
	ok "fixed --time / SOURCE_DATE_EPOCH gives identical bytes"
else fail "signing is not reproducible with a fixed time"; fi

# ---- B-T and B-LT with our own TSA -------------------------------------------------
"$GAZETTE" tsa --key "$K/tsa.key" --cert "$K/tsa.pem" --chain "$K/chain.pem" \
	--pass-file "$K/passphrase.txt" --listen 127.0.0.1:0 --serial-file "$T/serial" \
	>"$T/tsa.out" 2>>"$LOG" &
tsa_pid=$!
for _ in $(seq 50); do grep -q listening "$T/tsa.out" && break; sleep 0.1; done
URL=$(sed -n 's/.*listening on //p' "$T/tsa.out")
[ -n "$URL" ] || { fail "gazette tsa did not start"; exit 1; }
ok "gazette tsa listening on $URL"

g sign "$T/plain.pdf" -o "$T/bt.pdf" "${SIGN[@]}" --level B-T --tsa "$URL"
check_signed "$T/plain.pdf" "$T/bt.pdf" "B-T"
# The token: the unsigned attribute's value, over the signature value.
python3 - "$T/sig.der" "$T/tst.der" "$T/sigvalue.bin" <<'EOF'
import sys
d = open(sys.argv[1], 'rb').read()
def tlv(b, i):
    t = b[i]; l = b[i+1]; h = 2
    if l & 0x80:
        k = l & 0x7f; l = int.from_bytes(b[i+2:i+2+k], 'big'); h = 2 + k
    return t, h, l
oid = bytes.fromhex('060b2a864886f70d010910020e')   # id-aa-signatureTimeStampToken
i = d.index(oid) + len(oid)
t, h, l = tlv(d, i)                                # SET
tok_at = i + h
t, h2, l2 = tlv(d, tok_at)                         # the token: ContentInfo
open(sys.argv[2], 'wb').write(d[tok_at:tok_at + h2 + l2])
# The signature value: the OCTET STRING immediately followed by the [1]
# unsigned attributes that enclose the token's OID.
at = d.index(oid)
for k in range(at, 0, -1):
    if d[k] != 0x04 or d[k + 1] not in (0x81, 0x82):
        continue
    t, h, l = tlv(d, k)
    j = k + h + l
    if j < at and d[j] == 0xa1:
        t1, h1, l1 = tlv(d, j)
        if j + h1 + l1 > at:
            open(sys.argv[3], 'wb').write(d[k + h:k + h + l])
            break
else:
    sys.exit("signature value not found")
EOF
if openssl ts -verify -token_in -in "$T/tst.der" -data "$T/sigvalue.bin" \
	-CAfile "$K/root-ca.pem" -untrusted "$K/intermediate-ca.pem" >"$T/ts.txt" 2>&1; then
	ok "B-T: openssl ts -verify of the token over the signature value"
else fail "B-T: token does not verify"; cat "$T/ts.txt" >&2; fi
if openssl ts -reply -token_in -in "$T/tst.der" -token_out -text 2>/dev/null | grep -q "Time stamp:" &&
   [ "$(cat "$T/serial")" -ge 1 ]; then
	ok "B-T: token has a time; serial counter file advanced to $(cat "$T/serial")"
else fail "B-T: token text or serial file"; fi

g sign "$T/xrefstream.pdf" -o "$T/blt.pdf" "${SIGN[@]}" --level B-LT --tsa "$URL" \
	--crl "$K/root-ca.crl.pem" --crl "$K/intermediate-ca.crl.pem"
check_signed "$T/xrefstream.pdf" "$T/blt.pdf" "B-LT certified"
mutool show "$T/blt.pdf" trailer/Root/DSS >"$T/dss.txt" 2>&1 || true
ncerts=$(mutool show "$T/blt.pdf" trailer/Root/DSS/Certs 2>/dev/null | grep -o "0 R" | wc -l)
ncrls=$(mutool show "$T/blt.pdf" trailer/Root/DSS/CRLs 2>/dev/null | grep -o "0 R" | wc -l)
# VRI key: uppercase hex SHA-1 of the /Contents bytes (padding included).
vri=$(python3 - "$T/blt.pdf" <<'EOF'
import re, sys, hashlib, binascii
d = open(sys.argv[1], 'rb').read()
m = re.search(rb'/ByteRange\s*\[\s*0\s+(\d+)\s+(\d+)', d)
print(hashlib.sha1(binascii.unhexlify(d[int(m.group(1)) + 1:int(m.group(2)) - 1])).hexdigest().upper())
EOF
)
# signer, intermediate, root, TSA = 4 certificates; 2 CRLs
if [ "$ncerts" -eq 4 ] && [ "$ncrls" -eq 2 ] && grep -q "/VRI" "$T/dss.txt" &&
   mutool show "$T/blt.pdf" "trailer/Root/DSS/VRI/$vri" | grep -q "/CRL"; then
	ok "B-LT: /DSS with 4 certificates, 2 CRLs, /VRI /$vri"
else fail "B-LT: DSS certs=$ncerts crls=$ncrls"; cat "$T/dss.txt" >&2; fi
if mutool show "$T/blt.pdf" trailer/Root/Perms/DocMDP | grep -Eq "/P 1$"; then
	ok "B-LT: certification kept through the DSS update"
else fail "B-LT: /Perms lost"; fi

if [ -f "$T/issue.pdf" ]; then
	g sign "$T/issue.pdf" -o "$T/issue-lt.pdf" "${SIGN[@]}" --level B-LT --tsa "$URL" \
		--crl "$K/root-ca.crl.pem" --crl "$K/intermediate-ca.crl.pem"
	java -cp "$pcp" org.apache.pdfbox.preflight.Validator_A1b "$T/issue-lt.pdf" >"$T/pf.txt" 2>&1 || true
	if grep -q "is a valid PDF/A-1b file" "$T/pf.txt"; then ok "B-LT issue is valid PDF/A-1b"
	else fail "B-LT issue is not PDF/A-1b"; tail -5 "$T/pf.txt" >&2; fi
fi

# The TSA's HTTP edges: wrong method 405, wrong type 415, oversize 413,
# garbage gets a rejection reply (status 2), not a crash.
codes=$(python3 - "$URL" <<'EOF'
import sys, urllib.request, urllib.error
url = sys.argv[1]
def code(method, ctype, body):
    req = urllib.request.Request(url, data=body, method=method)
    if ctype:
        req.add_header('Content-Type', ctype)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return '%d:%s' % (r.status, r.read()[:12].hex())
    except urllib.error.HTTPError as e:
        return str(e.code)
print(code('GET', None, None), code('POST', 'text/plain', b'x'),
      code('POST', 'application/timestamp-query', b'\0' * 20000),
      code('POST', 'application/timestamp-query', b'junk'))
EOF
)
read -r c_get c_type c_big c_junk <<<"$codes"
# 200 with a TimeStampResp whose PKIStatus is 2 (rejection): 30 xx 30 xx 02 01 02
if [ "$c_get" = 405 ] && [ "$c_type" = 415 ] && [ "$c_big" = 413 ] &&
   [[ $c_junk == 200:30??30??020102* ]]; then
	ok "TSA HTTP: 405, 415, 413, rejection for garbage"
else fail "TSA HTTP codes: $codes"; fi
kill "$tsa_pid" && wait "$tsa_pid" 2>/dev/null || true
tsa_pid=

# ---- errors: clear message, right exit code, no output file --------------------------
expect_fail() { # CODE LABEL PATTERN args...
	local code=$1 label=$2 pat=$3 rc=0
	shift 3
	rm -f "$T/out.pdf"
	"$GAZETTE" "$@" >"$T/out.txt" 2>"$T/err.txt" || rc=$?
	cat "$T/out.txt" "$T/err.txt" >>"$LOG"
	if [ "$rc" -eq "$code" ] && [ ! -e "$T/out.pdf" ] && grep -qi -- "$pat" "$T/err.txt" &&
	   ! ls "$T"/out.pdf.tmp.* >/dev/null 2>&1; then
		ok "$label: exit $code, no output"
	else fail "$label: rc=$rc (want $code)"; cat "$T/err.txt" >&2; fi
}
printf 'not-the-passphrase\n' >"$T/wrongpass"
printf 'plain text, not a PDF\n' >"$T/text.pdf"
head -c 300 "$T/plain.pdf" >"$T/truncated.pdf"
# two pages, the first of them no page (same length, so the xref still fits):
# the widget goes on the last page, but the whole tree is checked first
qpdf --empty --object-streams=disable --pages "$T/plain.pdf" "$T/plain.pdf" -- "$T/two.pdf"
python3 - "$T/two.pdf" "$T/badtree.pdf" <<'EOF'
import re, sys
d = open(sys.argv[1], "rb").read()
pages = list(re.finditer(rb"/Type\s*/Page(?![a-z])", d))
assert len(pages) == 2, len(pages)
i = pages[0].end() - 1
open(sys.argv[2], "wb").write(d[:i] + b"x" + d[i + 1:])
EOF
expect_fail 2 "wrong passphrase" "wrong passphrase" sign "$T/plain.pdf" -o "$T/out.pdf" \
	--key "$K/signer.key" --cert "$K/signer.pem" --pass-file "$T/wrongpass"
expect_fail 2 "wrong PKCS#12 passphrase" "wrong passphrase" sign "$T/plain.pdf" -o "$T/out.pdf" \
	--key "$K/signer.p12" --pass-file "$T/wrongpass"
expect_fail 2 "expired certificate" "expired" sign "$T/plain.pdf" -o "$T/out.pdf" \
	--key "$K/expired.key" --cert "$K/expired.pem" --pass-file "$K/passphrase.txt"
expect_fail 2 "no signing key usage" "key usage" sign "$T/plain.pdf" -o "$T/out.pdf" \
	--key "$K/nosign.key" --cert "$K/nosign.pem" --pass-file "$K/passphrase.txt"
expect_fail 2 "key/certificate mismatch" "does not match" sign "$T/plain.pdf" -o "$T/out.pdf" \
	--key "$K/signer.key" --cert "$K/mismatch.pem" --pass-file "$K/passphrase.txt"
expect_fail 2 "unreadable input" "cannot open" sign "$T/missing.pdf" -o "$T/out.pdf" "${SIGN[@]}"
expect_fail 1 "not a PDF" "not a PDF" sign "$T/text.pdf" -o "$T/out.pdf" "${SIGN[@]}"
expect_fail 1 "truncated PDF" "malformed" sign "$T/truncated.pdf" -o "$T/out.pdf" "${SIGN[@]}"
expect_fail 1 "broken page tree before the last page" "neither /Page nor /Pages" sign \
	"$T/badtree.pdf" -o "$T/out.pdf" "${SIGN[@]}"
# -o never replaces a device, pipe or directory, nor the key material
mkfifo "$T/fifo.pdf"
cp "$K/passphrase.txt" "$T/pass-copy.txt"
expect_fail 2 "output is a FIFO" "not a regular file" sign "$T/plain.pdf" -o "$T/fifo.pdf" "${SIGN[@]}"
[ -p "$T/fifo.pdf" ] && ok "the FIFO is still a FIFO" || fail "sign -o replaced a FIFO"
expect_fail 2 "output is the passphrase file" "is also an input" sign "$T/plain.pdf" \
	-o "$T/pass-copy.txt" --key "$K/signer.key" --cert "$K/signer.pem" --pass-file "$T/pass-copy.txt"
cmp -s "$T/pass-copy.txt" "$K/passphrase.txt" && ok "the passphrase file is untouched" ||
	fail "sign -o replaced the passphrase file"
expect_fail 2 "a newline in --reason" "control character" sign "$T/plain.pdf" -o "$T/out.pdf" \
	"${SIGN[@]}" --reason $'a\nb'
expect_fail 2 "--pass on the command line" "never taken on the command line" sign \
	"$T/plain.pdf" -o "$T/out.pdf" --key "$K/signer.key" --pass "$PASS"
expect_fail 2 "--password= on the command line" "never taken on the command line" sign \
	"$T/plain.pdf" -o "$T/out.pdf" --key "$K/signer.key" "--password=$PASS"
expect_fail 2 "no passphrase at all" "GAZETTE_KEY_PASS" sign "$T/plain.pdf" -o "$T/out.pdf" --key "$K/signer.key" --cert "$K/signer.pem"
expect_fail 2 "B-T without --tsa" "needs --tsa" sign "$T/plain.pdf" -o "$T/out.pdf" \
	"${SIGN[@]}" --level B-T
expect_fail 2 "https TSA" "only http" sign "$T/plain.pdf" -o "$T/out.pdf" "${SIGN[@]}" \
	--level B-T --tsa https://127.0.0.1:1/
# A TSA that refuses the connection fails at once (OpenSSL's client alone
# retried for GAZ_TSA_TIMEOUT_S), with the reason said once.
start=$SECONDS
expect_fail 2 "TSA refusing the connection" "connection refused" sign "$T/plain.pdf" \
	-o "$T/out.pdf" "${SIGN[@]}" --level B-T --tsa http://127.0.0.1:1/
if [ $((SECONDS - start)) -le 5 ] &&
   [ "$(grep -o 'time-stamp\|127.0.0.1:1/' "$T/err.txt" | wc -l)" -le 2 ]; then
	ok "refused TSA: reported within 5 s, message not repeated"
else fail "refused TSA: $((SECONDS - start)) s: $(cat "$T/err.txt")"; fi
# Times that do not exist are refused, not normalised or written malformed;
# the edges that exist are taken.
expect_fail 2 "--time 2023-02-30" "no such date" sign "$T/plain.pdf" -o "$T/out.pdf" \
	"${SIGN[@]}" --time 2023-02-30T00:00:00Z
expect_fail 2 "--time 2023-02-29" "no such date" sign "$T/plain.pdf" -o "$T/out.pdf" \
	"${SIGN[@]}" --time 2023-02-29T12:00:00Z
expect_fail 2 "--time with a leap second" "no such time" sign "$T/plain.pdf" -o "$T/out.pdf" \
	"${SIGN[@]}" --time 2016-12-31T23:59:60Z
expect_fail 2 "--time before 1970" "1970..9999" sign "$T/plain.pdf" -o "$T/out.pdf" \
	"${SIGN[@]}" --time 1969-12-31T23:59:59Z
expect_fail 2 "--time 1099511627775 (year 36812)" "after 9999-12-31" sign "$T/plain.pdf" \
	-o "$T/out.pdf" "${SIGN[@]}" --time 1099511627775
expect_fail 2 "--time 253402300800" "after 9999-12-31" sign "$T/plain.pdf" -o "$T/out.pdf" \
	"${SIGN[@]}" --time 253402300800
SOURCE_DATE_EPOCH=99999999999999 expect_fail 2 "SOURCE_DATE_EPOCH out of range" \
	"in SOURCE_DATE_EPOCH" sign "$T/plain.pdf" -o "$T/out.pdf" "${SIGN[@]}"
for t in 2024-02-29T00:00:00Z:20240229000000 253402300799:99991231235959 0:19700101000000; do
	g sign "$T/plain.pdf" -o "$T/t.pdf" "${SIGN[@]}" --time "${t%:*}" >/dev/null || true
	if grep -aq "/M(D:${t##*:}+00'00')" "$T/t.pdf" 2>/dev/null; then ok "--time ${t%:*} is /M ${t##*:}"
	else fail "--time ${t%:*} not written as ${t##*:}"; fi
	rm -f "$T/t.pdf"
done
expect_fail 2 "invalid UTF-8 in --reason" "UTF-8" sign "$T/plain.pdf" -o "$T/out.pdf" \
	"${SIGN[@]}" --reason "$(printf 'bad \xff byte')"
expect_fail 2 "seal that is not a PNG" "not a PNG" sign "$T/plain.pdf" -o "$T/out.pdf" \
	"${SIGN[@]}" --seal "$T/text.pdf"
expect_fail 2 "TSA with a signing certificate" "timeStamping" tsa --key "$K/signer.key" \
	--cert "$K/signer.pem" --pass-file "$K/passphrase.txt" --listen 127.0.0.1:0
# An option without its value says so, whatever option follows it in the
# parser (tsa used to call these unknown, or a passphrase on the command line).
for o in --key --cert --chain --listen --pass-file --policy --serial-file; do
	expect_fail 2 "tsa $o without a value" "$o needs a value" tsa "$o"
done
expect_fail 2 "sign -o without a value" "-o needs a value" sign "$T/plain.pdf" -o

# A FIFO as the input or the passphrase file is refused at once, not waited on.
mkfifo "$T/fifo"
for what in input pass-file; do
	rc=0
	if [ $what = input ]; then args=("$T/fifo" "${SIGN[@]}")
	else args=("$T/plain.pdf" --key "$K/signer.key" --cert "$K/signer.pem" --pass-file "$T/fifo"); fi
	timeout 10 "$GAZETTE" sign "${args[@]}" -o "$T/out.pdf" >"$T/out.txt" 2>"$T/err.txt" || rc=$?
	if [ $rc = 2 ] && grep -qF "$T/fifo is not a regular file" "$T/err.txt" && [ ! -e "$T/out.pdf" ]
	then ok "a FIFO as the $what: exit 2 at once"
	else fail "a FIFO as the $what: rc=$rc"; cat "$T/err.txt" >&2; fi
done

# A serial file the TSA could never use stops it at start-up (it used to
# listen and then refuse every request), naming the file.
printf 'not a number\n' >"$T/junk-serial"
for sf in "$T" "$T/no-such-dir/serial" "$T/junk-serial"; do
	rc=0
	timeout 10 "$GAZETTE" tsa --key "$K/tsa.key" --cert "$K/tsa.pem" --pass-file \
		"$K/passphrase.txt" --listen 127.0.0.1:0 --serial-file "$sf" >"$T/out.txt" \
		2>"$T/err.txt" || rc=$?
	if [ "$rc" = 2 ] && grep -qF "serial file" "$T/err.txt" && grep -qF "$sf" "$T/err.txt" &&
	   ! grep -q listening "$T/out.txt"; then ok "tsa --serial-file ${sf#"$T"/}: exit 2 at start-up"
	else fail "tsa --serial-file $sf: rc=$rc"; cat "$T/out.txt" "$T/err.txt" >&2; fi
done

# The machine's OpenSSL configuration is never read: a config that demands
# FIPS-only algorithms (none here) would make every fetch fail if it were.
cat >"$T/fips-only.cnf" <<'CNF'
openssl_conf = openssl_init
[openssl_init]
alg_section = algorithm_sect
[algorithm_sect]
default_properties = fips=yes
CNF
if OPENSSL_CONF=$T/fips-only.cnf openssl dgst -sha256 "$T/plain.pdf" >/dev/null 2>&1; then
	fail "the FIPS-only config does not bite openssl itself: test is void"
elif OPENSSL_CONF=$T/fips-only.cnf "$GAZETTE" sign "$T/plain.pdf" -o "$T/conf.pdf" "${SIGN[@]}" \
	>>"$LOG" 2>&1 &&
	OPENSSL_CONF=$T/fips-only.cnf "$GAZETTE" verify "$T/conf.pdf" --trust "$K/root-ca.pem" >>"$LOG" 2>&1; then
	ok "sign and verify ignore OPENSSL_CONF (built-in defaults)"
else fail "sign/verify depend on the machine's OpenSSL configuration"; fi

# The passphrase never shows in anything gazette printed (the --pass cases
# echo no value back either).
if grep -qF -- "$PASS" "$LOG"; then fail "the passphrase appeared in gazette's output"
else ok "the passphrase never appears in stdout/stderr"; fi

echo "$fails failure(s)"
[ "$fails" -eq 0 ]

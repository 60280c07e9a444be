#!/bin/bash
# keys-example/make-pki.sh re-creates a complete, valid demo PKI in a fresh
# directory, and gazette signs with it.
set -euo pipefail
: "${GAZETTE:?}" "${SRC:?}"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

bash "$SRC/keys-example/make-pki.sh" "$T/pki" >/dev/null
P=$T/pki
for f in passphrase.txt root-ca.pem intermediate-ca.pem chain.pem signer.pem signer.key \
	 signer.p12 signer-ec.pem signer-ec.key tsa.pem tsa.key root-ca.crl.pem \
	 intermediate-ca.crl.pem expired.pem nosign.pem mismatch.pem revoked.pem; do
	[ -s "$P/$f" ] || fail "missing $f"
done
for c in signer signer-ec tsa; do
	if openssl verify -CAfile "$P/root-ca.pem" -untrusted "$P/intermediate-ca.pem" \
		"$P/$c.pem" >/dev/null 2>&1; then ok "$c chains to the new root"
	else fail "$c does not chain"; fi
done
if ! openssl verify -CAfile "$P/root-ca.pem" -untrusted "$P/intermediate-ca.pem" \
	"$P/expired.pem" >/dev/null 2>&1; then ok "expired.pem is expired"
else fail "expired.pem verifies"; fi
openssl verify -crl_check -CRLfile "$P/intermediate-ca.crl.pem" -CAfile "$P/root-ca.pem" \
	-untrusted "$P/intermediate-ca.pem" "$P/revoked.pem" >"$T/rev.txt" 2>&1 || true
if grep -q "certificate revoked" "$T/rev.txt"; then
	ok "revoked.pem is listed in the intermediate's CRL"
else fail "revoked.pem not revoked"; fi
if openssl x509 -in "$P/signer.pem" -noout -ext keyUsage | grep -q "critical" &&
   openssl x509 -in "$P/signer.pem" -noout -ext keyUsage | grep -q "Digital Signature, Non Repudiation" &&
   openssl x509 -in "$P/signer.pem" -noout -subject -nameopt utf8 | grep -q "政府公报编辑部"; then
	ok "signer: critical digitalSignature+nonRepudiation, Chinese CN"
else fail "signer extensions or name"; fi
if openssl x509 -in "$P/tsa.pem" -noout -ext extendedKeyUsage | grep -q "critical" &&
   openssl x509 -in "$P/tsa.pem" -noout -ext extendedKeyUsage | grep -q "Time Stamping"; then
	ok "tsa: critical extendedKeyUsage timeStamping"
else fail "tsa extensions"; fi
grep -q "ENCRYPTED PRIVATE KEY" "$P/signer.key" && ok "signer key is encrypted PKCS#8" ||
	fail "signer key not encrypted PKCS#8"
for crl in root-ca intermediate-ca; do
	openssl crl -in "$P/$crl.crl.pem" -noout -verify \
		-CAfile <(cat "$P/root-ca.pem" "$P/intermediate-ca.pem") >"$T/crl.txt" 2>&1 || true
	if grep -q "verify OK" "$T/crl.txt"; then
		ok "$crl CRL signature verifies"
	else fail "$crl CRL"; fi
done
# gazette signs with the new set; openssl trusts only the new root.
mutool create -o "$T/in.pdf" /dev/stdin <<<'BT ET'
if "$GAZETTE" sign "$T/in.pdf" -o "$T/out.pdf" --key "$P/signer.p12" \
	--pass-file "$P/passphrase.txt" && [ -s "$T/out.pdf" ]; then
	ok "gazette signs with the re-created PKCS#12"
else fail "gazette sign with the new PKI"; fi
echo "$fails failure(s)"
[ "$fails" -eq 0 ]

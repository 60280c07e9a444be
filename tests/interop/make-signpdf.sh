#!/bin/bash
# Re-creates the @signpdf interop fixtures in this directory.  A maintainer
# tool, never run by the tests (they must not download anything): it needs
# node and npm, and installs @signpdf into a temporary directory.
#
#   tests/interop/make-signpdf.sh
#
# Inputs: tests/pdfgen.py's `plain` and `base` files, and a throwaway CA
# and signer made here with ASCII names (node-forge re-encodes the UTF-8
# names of the demo PKI, so its CMS would not name the demo signer).  The
# keys are discarded; only the CA certificate is kept (interop-ca.pem, valid
# 30 years), for `--trust`.  node-forge reads only a legacy 3DES/SHA-1
# PKCS#12.  Outputs, signed by node's @signpdf (tests/signpdf.js):
#   signpdf-pkcs7.pdf   plain file, SubFilter adbe.pkcs7.detached
#   signpdf-cades.pdf   plain file, SubFilter ETSI.CAdES.detached
#   signpdf-dupkey.pdf  a file with a form: @signpdf's string placeholder
#                       writes a second /AcroForm key into the catalog
# and VERSIONS, the tool versions used.  Commit all of them together.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
(cd "$T" && npm install --silent --no-audit --no-fund --prefix "$T/npm" \
	@signpdf/signpdf@3 @signpdf/signer-p12@3 @signpdf/placeholder-plain@3 node-forge@1)
python3 "$src/tests/pdfgen.py" plain "$T/plain.pdf"
python3 "$src/tests/pdfgen.py" base "$T/base.pdf"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/ca.key" -out "$here/interop-ca.pem" \
	-days 10958 -subj "/CN=Interop Fixture CA (throwaway)" \
	-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
openssl req -newkey rsa:2048 -nodes -keyout "$T/s.key" -out "$T/s.csr" \
	-subj "/CN=Interop Fixture Signer (throwaway)"
printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n' >"$T/ext.cnf"
openssl x509 -req -in "$T/s.csr" -CA "$here/interop-ca.pem" -CAkey "$T/ca.key" \
	-CAcreateserial -CAserial "$T/ca.srl" -out "$T/s.pem" -days 10957 -extfile "$T/ext.cnf"
openssl rand -hex 12 >"$T/p12pass.txt"
openssl pkcs12 -export -inkey "$T/s.key" -in "$T/s.pem" -out "$T/signer.p12" \
	-passout file:"$T/p12pass.txt" -keypbe PBE-SHA1-3DES -certpbe PBE-SHA1-3DES -macalg sha1
s() { NODE_PATH=$T/npm/node_modules node "$src/tests/signpdf.js" "$@"; }
s "$T/plain.pdf" "$T/signer.p12" "$T/p12pass.txt" "$here/signpdf-pkcs7.pdf"
s "$T/plain.pdf" "$T/signer.p12" "$T/p12pass.txt" "$here/signpdf-cades.pdf" ETSI.CAdES.detached
s "$T/base.pdf" "$T/signer.p12" "$T/p12pass.txt" "$here/signpdf-dupkey.pdf"
{
	echo "made by tests/interop/make-signpdf.sh on $(date -u +%Y-%m-%d)"
	echo "node $(node --version)"
	for p in signpdf signer-p12 placeholder-plain; do
		echo "@signpdf/$p $(node -p "require('$T/npm/node_modules/@signpdf/$p/package.json').version")"
	done
	echo "node-forge $(node -p "require('$T/npm/node_modules/node-forge/package.json').version")"
} >"$here/VERSIONS"
cat "$here/VERSIONS"

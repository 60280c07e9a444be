#!/bin/bash
# Re-creates the DEMO PKI of keys-example/ (FOR DEMOS AND TESTS ONLY — never
# production): a root CA, an intermediate CA, the gazette office's signing
# certificate (RSA-2048 and ECDSA P-256), a TSA certificate, CRLs for both CAs,
# and the deliberately broken certificates the error tests need.
#
#   keys-example/make-pki.sh [OUTDIR]     (default: the script's own folder)
#
# Every private key is encrypted (PKCS#8, AES-256-CBC) with the passphrase in
# OUTDIR/passphrase.txt (created with the demo value if absent).  Names and
# serial numbers are fixed; keys and signatures are new on every run.
set -euo pipefail

out=${1:-$(cd "$(dirname "$0")" && pwd)}
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

pass=$out/passphrase.txt
[ -s "$pass" ] || printf 'gazette-demo-passphrase-not-secret\n' >"$pass"
days=3650

newkey() { # FILE [ec]
	if [ "${2:-}" = ec ]; then
		openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
			-aes-256-cbc -pass "file:$pass" -out "$1" 2>/dev/null
	else
		openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
			-aes-256-cbc -pass "file:$pass" -out "$1" 2>/dev/null
	fi
}

cat >"$work/ca.cnf" <<'EOF'
[ ca ]
default_ca = the_ca

[ the_ca ]
dir = $ENV::CADIR
database = $dir/index.txt
serial = $dir/serial
crlnumber = $dir/crlnumber
new_certs_dir = $dir/new
default_md = sha256
policy = policy_any
unique_subject = no
preserve = yes
copy_extensions = none
email_in_dn = no
default_crl_days = 3650

[ policy_any ]
countryName = optional
organizationName = optional
organizationalUnitName = optional
commonName = supplied

[ req ]
distinguished_name = req_dn
string_mask = utf8only
utf8 = yes
prompt = no
[ req_dn ]
CN = unused

[ root_ext ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[ inter_ext ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ signer_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ nosign_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, keyEncipherment
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ tsa_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = critical, timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
EOF

setup_ca() { # DIR FIRST_SERIAL
	mkdir -p "$1/new"
	: >"$1/index.txt"
	echo "$2" >"$1/serial"
	echo 01 >"$1/crlnumber"
}

csr() { # KEY SUBJECT OUT.csr
	openssl req -new -config "$work/ca.cnf" -utf8 -key "$1" -passin "file:$pass" \
		-subj "$2" -out "$3"
}

# issue CADIR CAKEY CACERT CSR EXT OUT [startdate enddate]
issue() {
	local dates=(-days "$days")
	[ $# -ge 8 ] && dates=(-startdate "$7" -enddate "$8")
	CADIR=$1 openssl ca -batch -config "$work/ca.cnf" -utf8 -notext \
		-keyfile "$2" -cert "$3" -passin "file:$pass" -in "$4" \
		-extfile "$work/ca.cnf" -extensions "$5" "${dates[@]}" -out "$6" 2>/dev/null
}

root=$work/root inter=$work/inter
export CADIR=$root
setup_ca "$root" 1001
setup_ca "$inter" 2001

# Root CA (self-signed, via `ca -selfsign` so it is in the root's index).
newkey "$out/root-ca.key"
csr "$out/root-ca.key" "/C=CN/O=Gazette Demo PKI/CN=Gazette Demo Root CA (演示根证书)" "$work/root.csr"
CADIR=$root openssl ca -batch -selfsign -config "$work/ca.cnf" -utf8 -notext \
	-keyfile "$out/root-ca.key" -passin "file:$pass" -in "$work/root.csr" \
	-extfile "$work/ca.cnf" -extensions root_ext -days $((days + 365)) \
	-out "$out/root-ca.pem" 2>/dev/null

newkey "$out/intermediate-ca.key"
csr "$out/intermediate-ca.key" "/C=CN/O=Gazette Demo PKI/CN=Gazette Demo Intermediate CA (演示中级证书)" "$work/inter.csr"
issue "$root" "$out/root-ca.key" "$out/root-ca.pem" "$work/inter.csr" inter_ext "$out/intermediate-ca.pem"

ik=$out/intermediate-ca.key ic=$out/intermediate-ca.pem
office="/C=CN/O=政府公报编辑部/CN=政府公报编辑部 (演示)"

newkey "$out/signer.key"
csr "$out/signer.key" "$office" "$work/signer.csr"
issue "$inter" "$ik" "$ic" "$work/signer.csr" signer_ext "$out/signer.pem"

newkey "$out/signer-ec.key" ec
csr "$out/signer-ec.key" "/C=CN/O=政府公报编辑部/CN=政府公报编辑部 ECDSA (演示)" "$work/signer-ec.csr"
issue "$inter" "$ik" "$ic" "$work/signer-ec.csr" signer_ext "$out/signer-ec.pem"

newkey "$out/tsa.key"
csr "$out/tsa.key" "/C=CN/O=Gazette Demo PKI/CN=Gazette Demo TSA (演示时间戳)" "$work/tsa.csr"
issue "$inter" "$ik" "$ic" "$work/tsa.csr" tsa_ext "$out/tsa.pem"

# Error cases: expired signer, signer without a signing key usage, a valid
# signing certificate whose private key is thrown away (mismatch with any
# key here), and a revoked signer listed in the intermediate's CRL.
newkey "$out/expired.key"
csr "$out/expired.key" "/C=CN/O=政府公报编辑部/CN=Expired Signer (演示)" "$work/expired.csr"
issue "$inter" "$ik" "$ic" "$work/expired.csr" signer_ext "$out/expired.pem" \
	20200101000000Z 20210101000000Z

newkey "$out/nosign.key"
csr "$out/nosign.key" "/C=CN/O=政府公报编辑部/CN=No Signing Key Usage (演示)" "$work/nosign.csr"
issue "$inter" "$ik" "$ic" "$work/nosign.csr" nosign_ext "$out/nosign.pem"

newkey "$work/mismatch.key"
csr "$work/mismatch.key" "/C=CN/O=政府公报编辑部/CN=Mismatched Key (演示)" "$work/mismatch.csr"
issue "$inter" "$ik" "$ic" "$work/mismatch.csr" signer_ext "$out/mismatch.pem"

newkey "$out/revoked.key"
csr "$out/revoked.key" "/C=CN/O=政府公报编辑部/CN=Revoked Signer (演示)" "$work/revoked.csr"
issue "$inter" "$ik" "$ic" "$work/revoked.csr" signer_ext "$out/revoked.pem"
CADIR=$inter openssl ca -config "$work/ca.cnf" -keyfile "$ik" -cert "$ic" \
	-passin "file:$pass" -revoke "$out/revoked.pem" -crl_reason keyCompromise 2>/dev/null

CADIR=$root openssl ca -gencrl -config "$work/ca.cnf" -keyfile "$out/root-ca.key" \
	-cert "$out/root-ca.pem" -passin "file:$pass" -out "$out/root-ca.crl.pem" 2>/dev/null
CADIR=$inter openssl ca -gencrl -config "$work/ca.cnf" -keyfile "$ik" -cert "$ic" \
	-passin "file:$pass" -out "$out/intermediate-ca.crl.pem" 2>/dev/null

# The chain a signer passes with --chain (intermediate, then root), and the
# office key as PKCS#12 (OpenSSL 3 defaults: AES-256-CBC, PBKDF2).  The same
# file cannot be both -passin and -passout (OpenSSL then reads two lines).
GAZ_PKI_PASS=$(head -n1 "$pass")
export GAZ_PKI_PASS
cat "$ic" "$out/root-ca.pem" >"$out/chain.pem"
openssl pkcs12 -export -inkey "$out/signer.key" -in "$out/signer.pem" \
	-certfile "$out/chain.pem" -name "gazette-demo-signer" \
	-passin "file:$pass" -passout env:GAZ_PKI_PASS -out "$out/signer.p12"

# Sanity: every certificate that should chain does.
for c in signer signer-ec tsa revoked nosign mismatch; do
	openssl verify -CAfile "$out/root-ca.pem" -untrusted "$ic" "$out/$c.pem" >/dev/null
done
echo "demo PKI written to $out (FOR DEMOS AND TESTS ONLY)"

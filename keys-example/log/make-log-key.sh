#!/bin/bash
# Re-creates the DEMO transparency-log key (Ed25519), encrypted with the
# demo passphrase in ./passphrase.  NEVER use this key in production: its
# passphrase is public.  A production log key is made the same way with a
# passphrase kept outside the repository:
#   openssl genpkey -algorithm ed25519 -aes-256-cbc -pass file:PASSFILE -out log-key.pem
#   openssl pkey -in log-key.pem -passin file:PASSFILE -pubout -out log-pub.pem
set -euo pipefail
cd "$(dirname "$0")"
printf 'demo-log-passphrase-not-secret\n' > passphrase
openssl genpkey -algorithm ed25519 -aes-256-cbc -pass file:passphrase -out log-key.pem
openssl pkey -in log-key.pem -passin file:passphrase -pubout -out log-pub.pem
echo "wrote log-key.pem (encrypted), log-pub.pem, passphrase"

#!/bin/sh
# demo.sh - pkit's main job, end to end; run by setup.sh after the build.
# Everything it makes stays in ./demo (PKITPATH=./demo/.pkit).
set -eu
cd "$(dirname "$0")"
PKIT="$(pwd)/pkit"
DEMO="$(pwd)/demo"
rm -rf "$DEMO"
mkdir -p "$DEMO"
cd "$DEMO"
export PKITPATH="$DEMO/.pkit"
export PKIT_NONINTERACTIVE=1

step() { printf '\n== %s\n' "$*"; }

step "a password for the keys (random, 32 characters)"
"$PKIT" crypto rand --format alphanumeric 32 > password.txt
echo "password.txt"

step "an EC P-256 key pair, the private key encrypted"
"$PKIT" crypto keypair --password-file password.txt key.pub key.pem
"$PKIT" crypto key inspect key.pub

step "a self-signed certificate for that key"
"$PKIT" certificate create --profile self-signed --key key.pem \
	--password-file password.txt --san demo.example demo.example self.crt
"$PKIT" certificate inspect --short self.crt

step "a root CA, an intermediate and a leaf signed by it"
"$PKIT" certificate create --profile root-ca --password-file password.txt \
	"Demo Root CA" root.crt root.key
"$PKIT" certificate create --profile intermediate-ca --ca root.crt \
	--ca-key root.key --ca-password-file password.txt \
	--password-file password.txt "Demo Intermediate CA" int.crt int.key
"$PKIT" certificate create --ca int.crt --ca-key int.key \
	--ca-password-file password.txt --no-password --insecure --bundle \
	--san www.demo.example --not-after 24h www.demo.example leaf.crt leaf.key
"$PKIT" certificate inspect --short leaf.crt

step "the chain verifies (pkit and openssl)"
"$PKIT" certificate verify --roots root.crt --host www.demo.example leaf.crt && echo "verified by pkit"
openssl verify -CAfile root.crt -untrusted int.crt leaf.crt

step "lint, fingerprint, renewal check"
"$PKIT" certificate lint leaf.crt || true
"$PKIT" certificate fingerprint leaf.crt
if "$PKIT" certificate needs-renewal leaf.crt; then echo "needs renewal"; else echo "does not need renewal yet"; fi

step "a local online CA: ca init, then ca serve on 127.0.0.1"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
(PKITPATH="$DEMO/ca" "$PKIT" ca init --name "Demo CA" --dns localhost \
	--address "127.0.0.1:$PORT" --provisioner admin --password-file password.txt)
PKITPATH="$DEMO/ca" "$PKIT" ca serve --password-file password.txt 2>ca.log &
CA_PID=$!
trap 'kill $CA_PID 2>/dev/null; wait $CA_PID 2>/dev/null' EXIT
i=0
until grep -q "Serving HTTPS" ca.log; do
	i=$((i + 1)); [ $i -lt 100 ] || { cat ca.log; exit 1; }
	sleep 0.1
done
tail -n 1 ca.log

step "bootstrap trust in it, by the root's fingerprint"
FP=$(sed -n 's/.*"fingerprint": *"\([0-9a-f]*\)".*/\1/p' "$DEMO/ca/config/defaults.json")
"$PKIT" ca bootstrap --ca-url "https://localhost:$PORT" --fingerprint "$FP"
"$PKIT" ca health

step "a certificate from the CA (a one-time token, then /sign)"
"$PKIT" ca certificate --provisioner admin --provisioner-password-file password.txt \
	localhost site.crt site.key
"$PKIT" certificate inspect --short site.crt

step "renew it (mTLS to /renew): a new serial, a later expiry"
before=$(openssl x509 -in site.crt -noout -serial)
sleep 1
"$PKIT" ca renew --force site.crt site.key
"$PKIT" certificate inspect --short site.crt
after=$(openssl x509 -in site.crt -noout -serial)
[ "$before" != "$after" ] && echo "renewed: $before -> $after"

printf '\nDone: the files are in %s\n' "$DEMO"

#!/bin/sh
test_description='ACME server core: directory, nonces, accounts, orders

The directory and newNonce routes with curl; then acme-client.py, a
client that builds each JWS itself, walks the whole protocol (accounts
with ES256, ES384, RS256 and EdDSA keys, an order validated over http-01,
finalize, the PEM chain, account updates, revocation with the
certificate'"'"'s key, key change, deactivation), then tries what a hostile
client would; each answer must be the right problem document, and
nothing may be issued by the hostile run.'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-ca.sh"
. "$TEST_SRC_DIR/lib-acme.sh"

if ! test_have dnsmasq || ! "$SYS_PYTHON" -c "import cryptography" 2>/dev/null; then
	say "skip: dnsmasq or python3-cryptography missing"
	test_done
fi

sqlq() {
	"$SYS_PYTHON" -c 'import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' \
		db/pkit.db "$1"
}

test_expect_success 'set up' '
	acme_setup "{\"claims\": {\"defaultTLSCertDuration\": \"2h\"}}" &&
	acme_start
'

test_expect_success 'the directory' '
	test "$(get /acme/acme/directory)" = 200 &&
	jget out "d[\"newNonce\"]" >v &&
	test "$(cat v)" = "https://127.0.0.1:$PORT/acme/acme/new-nonce" &&
	for k in newAccount newOrder revokeCert keyChange; do
		jget out "d[\"$k\"]" >v && grep -q "^https://127.0.0.1:$PORT/acme/acme/" v || return 1
	done
'

test_expect_success 'the directory under /2.0/acme as step-ca mounts it too' '
	test "$(get /2.0/acme/acme/directory)" = 200 &&
	jget out "d[\"newOrder\"]" >v &&
	test "$(cat v)" = "https://127.0.0.1:$PORT/2.0/acme/acme/new-order"
'

test_expect_success 'newNonce: HEAD 200, GET 204, a fresh Replay-Nonce each time' '
	test "$(get /acme/acme/new-nonce -I)" = 200 &&
	n1=$(header Replay-Nonce) &&
	test "$(header Cache-Control)" = no-store &&
	header Link | grep -q "/acme/acme/directory>;rel=\"index\"" &&
	test "$(get /acme/acme/new-nonce)" = 204 &&
	n2=$(header Replay-Nonce) &&
	test -n "$n1" && test -n "$n2" && test "$n1" != "$n2"
'

test_expect_success 'an unknown provisioner, or a JWK one, is a 404' '
	test "$(get /acme/nope/directory)" = 404 &&
	test "$(get /acme/admin/directory)" = 404 &&
	test "$(get /1.0/acme/acme/directory)" = 404
'

test_expect_success 'the flow runs' '
	client flow &&
	! grep FAIL flow.out
'
out=flow.out
test_expect_success 'accounts with ES256, ES384, RS256 and EdDSA keys' '
	each register-ec256 register-ec384 register-rsa register-ed25519 \
		register-again-200 only-return-existing
'
test_expect_success 'order, http-01, finalize, the PEM chain' '
	each new-order validate order-ready finalize certificate-pem-chain \
		account-orders &&
	openssl verify -CAfile ca/root.crt -untrusted ca/int.crt flow.pem &&
	openssl x509 -in flow.pem -noout -ext subjectAltName >san &&
	grep -q "DNS:f1.test.internal, DNS:f2.test.internal" san
'
test_expect_success 'the provisioner'"'"'s claims apply: 2h (and a minute of backdate)' '
	nb=$(openssl x509 -in flow.pem -noout -startdate | sed "s/.*=//") &&
	na=$(openssl x509 -in flow.pem -noout -enddate | sed "s/.*=//") &&
	test $(( $(date -d "$na" +%s) - $(date -d "$nb" +%s) )) = 7260
'
test_expect_success 'an IP address identifier (RFC 8738) over http-01' '
	each ip-order ip-challenges ip-validate ip-csr-other-address \
		ip-finalize &&
	openssl verify -CAfile ca/root.crt -untrusted ca/int.crt ip.pem &&
	openssl x509 -in ip.pem -noout -ext subjectAltName >san &&
	grep -q "IP Address:127.0.0.1" san &&
	grep -q "DNS:f4.test.internal" san
'
test_expect_success 'account update, revocation, key change, deactivation' '
	each account-update contact-unsupported revoke-by-cert-key \
		revoke-again key-change old-key-refused new-key-works \
		old-key-no-account deactivate deactivated-refused &&
	test "$(sqlq "SELECT count(*) FROM pkit_revoked")" = 1 &&
	test "$(sqlq "SELECT reason_code FROM pkit_revoked")" = 1
'

test_expect_success 'the hostile run: nothing is issued' '
	sqlq "SELECT count(*) FROM pkit_certs" >before &&
	client hostile &&
	sqlq "SELECT count(*) FROM pkit_certs" >after &&
	test_cmp before after &&
	! grep FAIL hostile.out
'
out=hostile.out
test_expect_success 'hostile: nonces' '
	each first-use replayed-nonce forged-nonce no-nonce
'
test_expect_success 'hostile: wrong url header, another account'"'"'s key or objects' '
	each wrong-url other-accounts-key other-accounts-order \
		other-accounts-finalize other-account-update kid-unknown-account
'
test_expect_success 'hostile: finalize before authorization, CSRs outside the order' '
	each finalize-before-authz validate csr-extra-name csr-other-cn \
		csr-missing-name csr-garbage order-still-ready
'
test_expect_success 'hostile: oversized, content type, algorithms, JWS shape' '
	each oversized content-type alg-none alg-hs256 jwk-and-kid \
		order-with-jwk unprotected-header not-json
'
test_expect_success 'hostile: identifiers and accounts' '
	each bad-dns-name ip-as-dns-name email-identifier bad-ip-identifier subproblems \
		subproblems-listed \
		no-identifiers no-such-account \
		invalid-contact
'

test_expect_success 'the server kept serving and stops cleanly' '
	test "$(get /health)" = 200 &&
	ca_stop
'

test_expect_success 'a provisioner policy refuses an order at newOrder' '
	"$SYS_PYTHON" -c "import json
d = json.load(open(\"ca.json\"))
for p in d[\"authority\"][\"provisioners\"]:
    if p[\"type\"] == \"ACME\":
        p[\"policy\"] = {\"x509\": {\"deny\": {\"dns\": [\"denied.test.internal\"]}}}
json.dump(d, open(\"ca.json\", \"w\"), indent=1)" &&
	acme_start &&
	out=policy.out && client policy &&
	each policy-allowed policy-refused policy-names-it &&
	ca_stop
'

test_done

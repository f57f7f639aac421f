#!/bin/sh
test_description='ACME with dehydrated: an http-01 order

dehydrated (Debian'"'"'s, a shell client over curl and openssl) registers
with pkit ca serve'"'"'s ACME provisioner and completes an http-01 order,
its challenge files served by a small web server on a local port.'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-ca.sh"
. "$TEST_SRC_DIR/lib-acme.sh"

if ! test_have dehydrated || ! test_have dnsmasq; then
	say "skip: dehydrated or dnsmasq missing"
	test_done
fi

WEB_PID=
web_stop() {
	test -z "$WEB_PID" || kill "$WEB_PID" 2>/dev/null
	acme_cleanup
}
trap web_stop EXIT

dh() {
	CURL_CA_BUNDLE="$PWD/ca/root.crt" dehydrated -f "$PWD/dh.conf" "$@" \
		>>dehydrated.log 2>&1
}

test_expect_success 'set up: the CA, and a web server for the challenge files' '
	acme_setup &&
	acme_start &&
	mkdir -p www/.well-known/acme-challenge dh &&
	cat >dh.conf <<-CONF &&
	CA="$DIR_URL"
	CHALLENGETYPE="http-01"
	BASEDIR="$PWD/dh"
	WELLKNOWN="$PWD/www/.well-known/acme-challenge"
	KEY_ALGO=secp384r1
	CONTACT_EMAIL=test@example.com
	CONF
	{ "$SYS_PYTHON" -m http.server "$HTTP01_PORT" --bind 127.0.0.1 \
		--directory www >web.log 2>&1 & } &&
	WEB_PID=$!
'

test_expect_success 'dehydrated --register --accept-terms' '
	dh --register --accept-terms &&
	grep -q "Done" dehydrated.log
'

test_expect_success 'dehydrated -c: an http-01 order' '
	dh -c -d d.test.internal &&
	openssl verify -CAfile ca/root.crt -untrusted ca/int.crt \
		dh/certs/d.test.internal/cert.pem &&
	openssl x509 -in dh/certs/d.test.internal/cert.pem -noout \
		-ext subjectAltName | grep -q "DNS:d.test.internal" &&
	grep -q "acme-challenge" web.log
'

test_expect_success 'the server stops cleanly' '
	ca_stop
'

test_done

#!/bin/sh
test_description='ACME with lego: http-01, tls-alpn-01, dns-01 with a wildcard

lego (Debian'"'"'s) obtains certificates from pkit ca serve'"'"'s ACME
provisioner with each challenge type: http-01 and tls-alpn-01 answered on
local ports, dns-01 through lego'"'"'s exec provider, which writes the TXT
records into the test'"'"'s dnsmasq that the CA is told to ask.'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-ca.sh"
. "$TEST_SRC_DIR/lib-acme.sh"

if ! test_have lego || ! test_have dnsmasq; then
	say "skip: lego or dnsmasq missing"
	test_done
fi

lg() {
	LEGO_CA_CERTIFICATES="$PWD/ca/root.crt" lego --server "$DIR_URL" \
		--path "$PWD/lego" --accept-tos --email test@example.com "$@" \
		>>lego.log 2>&1
}

crt_ok() {
	openssl verify -CAfile ca/root.crt -untrusted ca/int.crt "$1" &&
	openssl x509 -in "$1" -noout -ext subjectAltName >san
}

test_expect_success 'set up: a CA with an ACME provisioner, dnsmasq' '
	acme_setup &&
	acme_start
'

test_expect_success 'lego: http-01' '
	lg --domains h.test.internal --http --http.port "127.0.0.1:$HTTP01_PORT" run &&
	crt_ok lego/certificates/h.test.internal.crt &&
	grep -q "DNS:h.test.internal" san &&
	grep -q "challenge=\"http-01 h.test.internal\"\|challenge=http-01 h.test.internal" serve.log
'

test_expect_success 'lego: tls-alpn-01' '
	lg --domains t.test.internal --tls --tls.port "127.0.0.1:$ALPN_PORT" run &&
	crt_ok lego/certificates/t.test.internal.crt &&
	grep -q "DNS:t.test.internal" san &&
	grep -q "tls-alpn-01 t.test.internal" serve.log
'

test_expect_success 'lego: dns-01 with a wildcard (exec provider into dnsmasq)' '
	EXEC_PATH="$PWD/dns-ctl.sh" EXEC_PROPAGATION_TIMEOUT=30 \
	EXEC_POLLING_INTERVAL=1 \
	lg --domains "*.w.test.internal" --domains w.test.internal \
		--dns exec --dns.resolvers "127.0.0.1:$DNS_PORT" \
		--dns.disable-cp run &&
	crt_ok "lego/certificates/_.w.test.internal.crt" &&
	grep -q "DNS:\*.w.test.internal" san &&
	grep -q "DNS:w.test.internal" san &&
	grep -q "dns-01 w.test.internal" serve.log
'

# lego 4.9 orders an IP address as a dns identifier (and puts it in its
# CSR and tls-alpn-01 certificate as a DNS name), which RFC 8738 does not
# allow: the order is refused.
test_expect_success 'lego: an IP address as a dns identifier is refused' '
	test_must_fail lg --domains 127.0.0.1 --http \
		--http.port "127.0.0.1:$HTTP01_PORT" run &&
	grep -q "rejectedIdentifier" lego.log &&
	test ! -f lego/certificates/127.0.0.1.crt
'

test_expect_success 'a wildcard cannot be had through http-01' '
	test_must_fail lg --domains "*.x.test.internal" --http \
		--http.port "127.0.0.1:$HTTP01_PORT" run &&
	test ! -f "lego/certificates/_.x.test.internal.crt"
'

test_expect_success 'a wrong answer invalidates the authorization' '
	EXEC_PATH=/bin/true lg --domains bad.test.internal --dns exec \
		--dns.resolvers "127.0.0.1:$DNS_PORT" --dns.disable-cp run;
	test ! -f lego/certificates/bad.test.internal.crt &&
	grep -q "_acme-challenge.bad.test.internal" lego.log
'

test_expect_success 'the server stops cleanly' '
	ca_stop
'

test_done

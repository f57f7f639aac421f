#!/bin/sh
test_description='ACME with certbot: certonly --standalone, renew, revoke

certbot (Debian'"'"'s) registers with pkit ca serve'"'"'s ACME provisioner,
answers http-01 on a local port for a name that the test'"'"'s dnsmasq
resolves to 127.0.0.1, renews with --force-renewal (reusing the valid
authorization: no new challenge) and revokes; openssl
verify accepts what it got, and the database records the revocation.'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-ca.sh"
. "$TEST_SRC_DIR/lib-acme.sh"

if ! test_have certbot || ! test_have dnsmasq; then
	say "skip: certbot or dnsmasq missing"
	test_done
fi

cb() {
	REQUESTS_CA_BUNDLE="$PWD/ca/root.crt" certbot "$@" \
		--config-dir "$PWD/cb/etc" --work-dir "$PWD/cb/work" \
		--logs-dir "$PWD/cb/logs" --non-interactive \
		--server "$DIR_URL" >>certbot.log 2>&1
}

sqlq() {
	"$SYS_PYTHON" -c 'import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' \
		db/pkit.db "$1"
}

test_expect_success 'set up: a CA with an ACME provisioner, dnsmasq' '
	acme_setup &&
	acme_start
'

LIVE=cb/etc/live/www.test.internal

test_expect_success 'certbot certonly --standalone (http-01)' '
	cb certonly --standalone -d www.test.internal \
		--http-01-port "$HTTP01_PORT" --http-01-address 127.0.0.1 \
		--agree-tos --register-unsafely-without-email &&
	test -f $LIVE/fullchain.pem &&
	openssl verify -CAfile ca/root.crt -untrusted ca/int.crt \
		$LIVE/cert.pem &&
	openssl x509 -in $LIVE/cert.pem -noout -ext subjectAltName >san &&
	grep -q "DNS:www.test.internal" san &&
	grep -q "order" serve.log
'

test_expect_success 'the chain is the leaf and the intermediate' '
	test "$(grep -c BEGIN $LIVE/fullchain.pem)" = 2 &&
	openssl x509 -in $LIVE/chain.pem -noout -subject >subj &&
	grep -q "Test Intermediate CA" subj
'

test_expect_success 'certbot renew --force-renewal gets a new certificate' '
	openssl x509 -in $LIVE/cert.pem -noout -serial >serial1 &&
	n1=$(grep -c "challenge=" serve.log) &&
	cb renew --force-renewal --no-random-sleep-on-renew --http-01-port "$HTTP01_PORT" \
		--http-01-address 127.0.0.1 &&
	openssl x509 -in $LIVE/cert.pem -noout -serial >serial2 &&
	! test_cmp serial1 serial2 &&
	openssl verify -CAfile ca/root.crt -untrusted ca/int.crt $LIVE/cert.pem &&
	: the order reused the valid authorization: no new challenge &&
	grep -q "reused=" serve.log &&
	test "$(grep -c "challenge=" serve.log)" = "$n1"
'

test_expect_success 'certbot revoke: the database records it' '
	cb revoke --cert-path $LIVE/cert.pem --reason keycompromise \
		--no-delete-after-revoke &&
	serial=$(sed "s/serial=//" serial2 | tr A-F a-f | sed "s/^0*//") &&
	test "$(sqlq "SELECT count(*) FROM pkit_revoked WHERE serial = '"'"'$serial'"'"'")" = 1
'

test_expect_success 'revoking again is alreadyRevoked' '
	test_must_fail cb revoke --cert-path $LIVE/cert.pem \
		--no-delete-after-revoke &&
	grep -q "alreadyRevoked" cb/logs/letsencrypt.log
'

test_expect_success 'the server stops cleanly' '
	ca_stop
'

test_done

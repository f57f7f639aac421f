#!/bin/sh
test_description='ACME: a new order reuses the account'"'"'s valid authorizations

acme-client.py orders a name, validates it and finalizes; its second
order for the name lists the same authorization and is ready at once
(and expires with it), an order with one more name needs a challenge for
that name only; another account, a wildcard of the name and a
deactivated authorization get new authorizations.  lego, ordering the
same name twice, skips the challenge the second time; a name validated
as a wildcard (dns-01) is not reused for the bare name, nor the other
way round.'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-ca.sh"
. "$TEST_SRC_DIR/lib-acme.sh"

if ! test_have dnsmasq || ! "$SYS_PYTHON" -c "import cryptography" 2>/dev/null; then
	say "skip: dnsmasq or python3-cryptography missing"
	test_done
fi

# lg LOG ARGS...: lego with one account (in lego/), its output in LOG
lg() {
	log=$1
	shift
	LEGO_CA_CERTIFICATES="$PWD/ca/root.crt" lego --server "$DIR_URL" \
		--path "$PWD/lego" --accept-tos --email test@example.com "$@" \
		>"$log" 2>&1
}

lg_http() {
	lg "$1" --domains "$2" --http --http.port "127.0.0.1:$HTTP01_PORT" run
}

lg_dns() {
	log=$1
	shift
	EXEC_PATH="$PWD/dns-ctl.sh" EXEC_PROPAGATION_TIMEOUT=30 \
	EXEC_POLLING_INTERVAL=1 \
	lg "$log" "$@" --dns exec --dns.resolvers "127.0.0.1:$DNS_PORT" \
		--dns.disable-cp run
}

test_expect_success 'set up' '
	acme_setup &&
	acme_start
'

test_expect_success 'the reuse run' '
	client reuse &&
	! grep FAIL reuse.out &&
	test "$(grep -c "^ok" reuse.out)" = 19
'
out=reuse.out
test_expect_success 'the second order is ready at once with the same authorization' '
	each first-pending first-validate first-finalize second-ready-at-once \
		second-same-authz second-expires-with-authz second-no-retry \
		second-finalize second-certificate &&
	openssl verify -CAfile ca/root.crt -untrusted ca/int.crt reuse.pem &&
	grep -q "reused=\"1 of 1 authorizations\"\|reused=1 of 1 authorizations" serve.log
'
test_expect_success 'an order with one more name: a challenge for that name only' '
	each mixed-pending mixed-validate mixed-ready
'
test_expect_success 'not for another account, a wildcard, or a deactivated authorization' '
	each other-account-new-authz other-account-cannot-read \
		wildcard-new-authz wildcard-dns-only deactivate-authz \
		deactivated-not-reused old-order-stays-valid
'

if test_have lego; then
	test_expect_success 'lego: the second run for a name skips the challenge' '
		lg_http lego1.log l.test.internal &&
		! grep -qi "already valid" lego1.log &&
		serial1=$(openssl x509 -in lego/certificates/l.test.internal.crt -noout -serial) &&
		lg_http lego2.log l.test.internal &&
		grep -qi "authorization already valid; skipping challenge" lego2.log &&
		! grep -q "use http-01 solver" lego2.log &&
		serial2=$(openssl x509 -in lego/certificates/l.test.internal.crt -noout -serial) &&
		test "$serial1" != "$serial2" &&
		openssl verify -CAfile ca/root.crt -untrusted ca/int.crt \
			lego/certificates/l.test.internal.crt
	'

	test_expect_success 'lego: a wildcard authorization is not the bare name'"'"'s, nor the reverse' '
		lg_dns legow1.log --domains "*.v.test.internal" &&
		! grep -qi "already valid" legow1.log &&
		lg_http legow2.log v.test.internal &&
		! grep -qi "already valid" legow2.log &&
		grep -q "use http-01 solver" legow2.log &&
		lg_dns legow3.log --domains "*.l.test.internal" &&
		! grep -qi "already valid" legow3.log &&
		lg_dns legow4.log --domains "*.v.test.internal" &&
		grep -qi "already valid" legow4.log
	'
fi

test_expect_success 'the server stops cleanly' '
	ca_stop
'

test_done

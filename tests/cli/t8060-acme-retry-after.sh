#!/bin/sh
test_description='ACME: Retry-After while a challenge is validated

RFC 8555 8.2: a client polling an object whose validation runs on the
worker threads is told when to come back.  acme-client.py starts an
http-01 validation against a responder that answers after 5 s: the
challenge (processing), its authorization and its order (pending) carry
Retry-After: 1; before the validation, after it succeeded and after it
failed, none of them does.'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-ca.sh"
. "$TEST_SRC_DIR/lib-acme.sh"

if ! test_have dnsmasq || ! "$SYS_PYTHON" -c "import cryptography" 2>/dev/null; then
	say "skip: dnsmasq or python3-cryptography missing"
	test_done
fi

test_expect_success 'set up' '
	acme_setup &&
	acme_start
'

test_expect_success 'the retry run' '
	client retry &&
	! grep FAIL retry.out
'
out=retry.out
test_expect_success 'no Retry-After before a validation starts' '
	each no-retry-new-order no-retry-pending-authz no-retry-pending-challenge
'
test_expect_success 'Retry-After: 1 on the challenge, authorization and order meanwhile' '
	each challenge-processing-retry challenge-poll-retry authz-retry \
		order-retry wrong-processing-retry
'
test_expect_success 'no Retry-After once valid (order ready) or invalid' '
	each authz-valid-no-retry challenge-valid-no-retry order-ready-no-retry \
		authz-invalid-no-retry order-invalid-no-retry
'

test_expect_success 'all 13 checks ran' '
	test "$(grep -c "^ok" retry.out)" = 13
'

test_expect_success 'the server stops cleanly' '
	ca_stop
'

test_done

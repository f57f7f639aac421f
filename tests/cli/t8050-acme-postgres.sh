#!/bin/sh
test_description='ACME on PostgreSQL

The ACME flow and hostile runs of t8000 (acme-client.py) with ca.json
naming a throwaway PostgreSQL server: accounts, orders, authorizations,
nonce replay ids and EAB keys live in the same key/value store; and
t8070'"'"'s authorization reuse.'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-ca.sh"
. "$TEST_SRC_DIR/lib-acme.sh"
. "$TEST_SRC_DIR/lib-pg.sh"

if ! test_have dnsmasq || ! "$SYS_PYTHON" -c "import cryptography" 2>/dev/null; then
	say "skip: dnsmasq or python3-cryptography missing"
	test_done
fi
pg_setup 'ACME on postgresql'
B_PID=

stop_all() {
	if test -n "$B_PID"; then
		kill -KILL "$B_PID" 2>/dev/null
		wait "$B_PID" 2>/dev/null
	fi
	acme_cleanup
	pg_stop
}
trap stop_all EXIT
trap 'exit 1' HUP INT TERM

test_expect_success 'start a throwaway PostgreSQL server' '
	pg_start
'

test_expect_success 'set up: the ACME provisioner on PostgreSQL' '
	acme_setup &&
	"$SYS_PYTHON" -c "import json, sys
d = json.load(open(\"ca.json\"))
d[\"db\"] = {\"type\": \"postgresql\", \"dataSource\": sys.argv[1]}
json.dump(d, open(\"ca.json\", \"w\"), indent=\"\t\")" "$DSN" &&
	acme_start
'

test_expect_success 'the ACME flow on PostgreSQL' '
	client flow &&
	! grep FAIL flow.out &&
	test "$(grep -c "^ok" flow.out)" = 27 &&
	openssl verify -CAfile ca/root.crt -untrusted ca/int.crt flow.pem
'

test_expect_success 'the hostile run on PostgreSQL: nothing issued' '
	n1=$(psql_q -c "SELECT count(*) FROM pkit_certs") &&
	client hostile &&
	! grep FAIL hostile.out &&
	test "$(grep -c "^ok" hostile.out)" -ge 34 &&
	n2=$(psql_q -c "SELECT count(*) FROM pkit_certs") &&
	test "$n1" = "$n2"
'

test_expect_success 'authorization reuse on PostgreSQL' '
	client reuse &&
	! grep FAIL reuse.out &&
	test "$(grep -c "^ok" reuse.out)" = 19 &&
	test "$(psql_q -c "SELECT count(*) FROM pkit_kv WHERE bucket = '"'"'acme.validauthz'"'"'")" -ge 1
'

test_expect_success 'the state is in PostgreSQL'"'"'s key/value store' '
	test "$(psql_q -c "SELECT count(*) FROM pkit_kv WHERE bucket = '"'"'acme.account'"'"'")" -ge 6 &&
	test "$(psql_q -c "SELECT count(*) FROM pkit_tokens WHERE id LIKE '"'"'acme-nonce:%'"'"'")" -ge 50
'

test_expect_success 'eab add on PostgreSQL' '
	pkit ca acme eab add --config ca.json acme pg1 >add.txt &&
	pkit ca acme eab list --config ca.json acme >list &&
	grep -q "^pg1	" list
'

test_expect_success 'the server stops cleanly' '
	ca_stop
'

test_done

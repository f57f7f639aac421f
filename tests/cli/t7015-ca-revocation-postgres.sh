#!/bin/sh
test_description='pkit ca serve: CRL and OCSP of two nodes on one PostgreSQL database

Two ca serve instances share a throwaway PostgreSQL server (Debian
package postgresql, started on a free loopback port as t6110 does): a
revocation on one is revoked at once in the OCSP answers of both, is in
the CRL of the node that recorded it at once and in the other'"'"'s within
PKIT_CA_CRL_CHECK seconds; revocations on both nodes at the same time
end in one CRL that both serve, its number claimed once.'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-ca.sh"
. "$TEST_SRC_DIR/lib-carevoke.sh"
. "$TEST_SRC_DIR/lib-pg.sh"

pg_setup 'CRL and OCSP on postgresql'

stop_all() {
	if test -n "$B_PID"; then
		kill -KILL "$B_PID" 2>/dev/null
		wait "$B_PID" 2>/dev/null
	fi
	ca_cleanup
	pg_stop
}
trap stop_all EXIT
trap 'exit 1' HUP INT TERM

# crl_of PORT FILE: GET /crl of a node.
crl_of() {
	curl -sS -f -o "$2" --cacert "$ROOT" "https://127.0.0.1:$1/crl"
}

crl_number() {
	openssl crl -inform DER -in "$1" -noout -text |
		sed -n '/CRL Number/{n;s/^ *//;p;}'
}

# status CERT PORT: what the OCSP responder of a node says about CERT.
status() {
	openssl ocsp -issuer "$INT" -cert "$1" -url "https://127.0.0.1:$2/ocsp" \
		-CAfile "$ROOT" 2>/dev/null | sed -n "s/^$1: //p"
}

# converge SECONDS: until both nodes serve the same CRL.
converge() {
	start=$(date +%s)
	while :; do
		crl_of "$PORT" a.der && crl_of "$B_PORT" b.der || return 1
		cmp -s a.der b.der && return 0
		test $(( $(date +%s) - start )) -le "$1" || return 1
		sleep 0.5
	done
}

test_expect_success 'start a throwaway PostgreSQL server; two nodes' '
	pg_start &&
	rv_init --db "$DSN" &&
	rv_conf "{\"crl\": {\"enabled\": true, \"generateOnRevoke\": true}, \"ocsp\": {\"enabled\": true}}" &&
	serve && node_b && rv_bootstrap &&
	rv_cert one && rv_cert two && rv_cert three &&
	converge 1 && test "$(crl_number a.der)" = 1
'

test_expect_success 'OCSP: good on both, then revoked on both at once' '
	test "$(status one.crt "$PORT")" = good &&
	test "$(status one.crt "$B_PORT")" = good &&
	rv_revoke one --reasonCode 3 &&
	test "$(status one.crt "$B_PORT")" = revoked &&
	test "$(status one.crt "$PORT")" = revoked &&
	test "$(status two.crt "$B_PORT")" = good
'

test_expect_success 'CRL: at once on the node that revoked, within 5 s on the other, the same bytes' '
	crl_of "$PORT" a.der &&
	openssl crl -inform DER -in a.der -noout -text | grep -q "Serial Number: $(serial_of one.crt)$" &&
	test "$(crl_number a.der)" = 2 &&
	converge 7
'

test_expect_success 'revocations on both nodes at once: one CRL with both, number claimed once' '
	printf "{\"serial\": \"%s\", \"passive\": true}" \
		"$("$SYS_PYTHON" -c "print(int(\"$(serial_of two.crt)\", 16))")" >r2.json &&
	printf "{\"serial\": \"%s\", \"passive\": true}" \
		"$("$SYS_PYTHON" -c "print(int(\"$(serial_of three.crt)\", 16))")" >r3.json ||
		return 1
	curl -sS -o o2 -w "%{http_code}\n" --cacert "$ROOT" --cert two.crt --key two.key \
		--data-binary @r2.json "https://127.0.0.1:$PORT/revoke" >c2 &
	p2=$!
	curl -sS -o o3 -w "%{http_code}\n" --cacert "$ROOT" --cert three.crt --key three.key \
		--data-binary @r3.json "https://127.0.0.1:$B_PORT/revoke" >c3 &
	p3=$!
	wait $p2 && wait $p3 &&
	test "$(cat c2 c3)" = "200
200" &&
	converge 7 &&
	openssl crl -inform DER -in a.der -noout -text >text &&
	test "$(grep -c "Serial Number:" text)" = 3 &&
	n=$(crl_number a.der) && test "$n" -ge 3 &&
	test "$(psql_q -c "SELECT count(*) FROM pkit_kv WHERE bucket = '"'"'crl.number'"'"'")" = "$n" &&
	openssl crl -inform DER -in a.der -CAfile "$CHAIN" -noout -verify
'

test_expect_success 'both nodes stop cleanly' '
	node_b_stop && ca_stop
'

test_done

#!/bin/sh
test_description='pkit ca serve: the certificate routes on PostgreSQL

The t6100 suite with ca.json naming a throwaway PostgreSQL server
(Debian package postgresql) that the script starts on a free loopback
port and stops on exit; then two ca serve instances sharing the one
database: a token used on one is refused by the other, a certificate
issued by one is renewed by the other, and one revoked on one is never
renewed by the other.'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-ca.sh"
. "$TEST_SRC_DIR/lib-casign.sh"
. "$TEST_SRC_DIR/lib-pg.sh"

pg_setup 'the certificate routes on postgresql'
B_PID=

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

test_expect_success 'start a throwaway PostgreSQL server' '
	pg_start
'

casign_suite --db "$DSN"

test_expect_success 'ca.json names the PostgreSQL database' '
	test "$(jget "$PKITPATH/config/ca.json" "d[\"db\"][\"type\"]")" = postgresql &&
	test "$(jget "$PKITPATH/config/ca.json" "d[\"db\"][\"dataSource\"]")" = "$DSN" &&
	test ! -e "$PKITPATH/db/pkit.db"
'

test_expect_success 'PostgreSQL holds the certificates, revocations and token ids' '
	test "$(psql_q -c "SELECT count(*) FROM pkit_certs")" -ge 28 &&
	test "$(psql_q -c "SELECT count(*) FROM pkit_revoked")" = 2 &&
	test "$(psql_q -c "SELECT count(*) FROM pkit_tokens")" -ge 25 &&
	test "$(psql_q -c "SELECT DISTINCT provisioner_name FROM pkit_certs")" = admin
'

PORT_B=$(free_port)

# post_b PATH FILE [CURL...]: post to the second instance.
post_b() {
	p=$1
	f=$2
	shift 2
	curl -sS -o out -D hdr -w '%{http_code}\n' --cacert "$PKITPATH/certs/root_ca.crt" \
		-H "Content-Type: application/json" --data-binary "@$f" "$@" \
		"https://127.0.0.1:$PORT_B$p"
}

test_expect_success 'two instances share the database' '
	: >b.log
	"$PKIT_BIN" ca serve --password-file pw.txt --address "127.0.0.1:$PORT_B" \
		>b.out 2>b.log &
	B_PID=$!
	ca_start --password-file pw.txt &&
	n=0 &&
	while ! grep -q "Serving HTTPS on" b.log
	do
		n=$((n + 1)) && test $n -lt 200 && sleep 0.05 || return 1
	done
'

test_expect_success 'a token used on one instance is refused by the other' '
	sign_req api.localhost.csr "$(token api.localhost)" &&
	test "$(post /sign req.json)" = 201 &&
	crt_of out a.crt &&
	test "$(post_b /sign req.json)" = 401 &&
	echo "$GENERIC_401" >want &&
	test_cmp want out
'

test_expect_success 'the same token sent to both at once: one certificate' '
	sign_req api.localhost.csr "$(token api.localhost)" || return 1
	curl -sS -o o1 -w "%{http_code}\n" --cacert "$PKITPATH/certs/root_ca.crt" \
		--data-binary @req.json "https://127.0.0.1:$PORT/sign" >c1 &
	p1=$!
	curl -sS -o o2 -w "%{http_code}\n" --cacert "$PKITPATH/certs/root_ca.crt" \
		--data-binary @req.json "https://127.0.0.1:$PORT_B/sign" >c2 &
	p2=$!
	wait $p1 && wait $p2 &&
	test "$(cat c1 c2 | sort | tr "\n" " ")" = "201 401 "
'

test_expect_success 'issued by one, renewed by the other; revoked on one, refused by both' '
	test "$(post_b /renew /dev/null --cert a.crt --key api.localhost.key)" = 201 &&
	crt_of out b.crt &&
	verify_chain b.crt &&
	s=$(serial_of b.crt) &&
	printf "{\"serial\": \"%s\", \"passive\": true}" "$s" >r.json &&
	test "$(post /revoke r.json --cert b.crt --key api.localhost.key)" = 200 &&
	test "$(post_b /renew /dev/null --cert b.crt --key api.localhost.key)" = 401 &&
	test "$(post /renew /dev/null --cert b.crt --key api.localhost.key)" = 401
'

test_expect_success 'both instances stop cleanly' '
	kill -TERM "$B_PID" &&
	wait "$B_PID" &&
	B_PID= &&
	ca_stop
'

test_done

#!/bin/sh
test_description='pkit ca serve: reload, certificate renewal, drain, memory'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-ca.sh"
SQ="'"

# wait_log PATTERN: until serve.log has a line matching PATTERN (10 s).
wait_log() {
	n=0
	while ! grep -q "$1" serve.log
	do
		n=$((n + 1))
		test $n -le 200 || { echo "no '$1' in serve.log" >&2; return 1; }
		sleep 0.05
	done
}

serial_of() {
	openssl x509 -inform DER -in "$1" -noout -serial
}

# rss_kib PID: resident memory of a process.
rss_kib() {
	sed -n "s/^VmRSS:[^0-9]*\([0-9]*\) kB/\1/p" "/proc/$1/status"
}

test_expect_success 'a server whose certificate lives 9 seconds' '
	ca_fixture &&
	ca_start --password-file ca/pw.txt --tls-duration 9s ca.json
'

test_expect_success 'it re-issues its certificate before expiry, without a restart' '
	client serial old.der 8 >status &&
	test "$(cat status)" = 200 &&
	client serial new.der &&
	test "$(serial_of old.der)" != "$(serial_of new.der)" &&
	grep -q "renewed the server certificate" serve.log &&
	openssl x509 -inform DER -in new.der -noout -checkend 3 &&
	get /health >/dev/null
'

test_expect_success 'SIGHUP reloads a changed ca.json' '
	ca_json "\"localhost\", \"127.0.0.1\", \"ca.example.test\"" \
		", {\"type\": \"SSHPOP\", \"name\": \"sshpop\"}" &&
	sed -i "s/\"format\": \"text\"/\"format\": \"json\"/" ca.json &&
	kill -HUP "$CA_PID" &&
	wait_log "reloaded .*ca.json" &&
	test "$(get /provisioners)" = 200 &&
	test "$(jget out "[p[\"name\"] for p in d[\"provisioners\"]]")" = \
		"[${SQ}admin${SQ}, ${SQ}acme${SQ}, ${SQ}sshpop${SQ}]" &&
	openssl s_client -connect "$ADDR" -CAfile ca/root.crt \
		-verify_return_error -verify_hostname ca.example.test \
		</dev/null >sclient 2>&1 &&
	grep -q "Verify return code: 0" sclient &&
	tail -n 1 serve.log >last &&
	test "$(jget last "d[\"path\"]")" = /provisioners
'

test_expect_success 'a ca.json that does not load is reported and ignored' '
	cp ca.json good.json &&
	echo "{ broken" >ca.json &&
	kill -HUP "$CA_PID" &&
	wait_log "keeping the configuration in use" &&
	test "$(get /provisioners)" = 200 &&
	test "$(jget out "len(d[\"provisioners\"])")" = 3 &&
	chmod 600 ca/root.key &&
	sed "s|ca/int.key|ca/root.key|" good.json >ca.json &&
	kill -HUP "$CA_PID" &&
	wait_log "does not match" &&
	test "$(get /health)" = 200 &&
	cp good.json ca.json
'

test_expect_success 'SIGTERM lets a request in flight finish, refuses new ones, exits 0' '
	client drain "$CA_PID" >drain &&
	printf "%s\n" "new connection refused" "200 close" >want &&
	test_cmp want drain &&
	wait "$CA_PID" &&
	CA_PID=
'

if ldd "$PKIT_BIN" 2>/dev/null | grep -q libasan; then
	test_skip 'memory: RSS idle and with 1,000 connections' \
		'a sanitizer build: RSS means nothing'
else
	test_expect_success 'memory: RSS idle and with 1,000 connections' '
		ca_start --password-file ca/pw.txt ca.json &&
		for i in 1 2 3 4 5; do get /roots >/dev/null || return 1; done &&
		idle=$(rss_kib "$CA_PID") &&
		{ client many 1000 30 holder.pid >many & } &&
		hold=$! &&
		n=0 &&
		while ! test -s holder.pid; do
			n=$((n + 1)); test $n -le 1200 || return 1; sleep 0.05
		done &&
		test "$(cat many)" = 1000 &&
		busy=$(rss_kib "$CA_PID") &&
		kill "$(cat holder.pid)" && { wait "$hold"; true; } &&
		say "RSS idle $((idle / 1024)) MiB ($idle KiB), with 1000 TLS connections $((busy / 1024)) MiB ($busy KiB)" &&
		echo "idle=$idle busy=$busy" >&2 &&
		test "$idle" -le $((48 * 1024)) &&
		test "$busy" -le $((64 * 1024)) &&
		test "$(get /health)" = 200 &&
		ca_stop
	'
fi

test_done

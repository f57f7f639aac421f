#!/bin/sh
test_description='two federated CAs: mTLS across them

Two `pkit ca serve` instances, A and B, each federated with the other by
`pkit ca federate --ca-url --fingerprint` and a SIGHUP.  A client that
bootstrapped A with --federation verifies a server certificate from B,
and the server (trusting B'"'"'s federation bundle) verifies the client'"'"'s
certificate from A: curl against openssl s_server, both ways checked.'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-ca.sh"

PORT_B=$(free_port)
PORT_S=$(free_port)
B_PID=
S_PID=
A=$PWD/A
B=$PWD/B

cleanup() {
	for p in $B_PID $S_PID
	do
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	ca_cleanup
}
trap cleanup EXIT

# wait_log FILE TEXT: until FILE has TEXT (10 s at most).
wait_log() {
	n=0
	while ! grep -q "$2" "$1" 2>/dev/null
	do
		test $n -lt 100 || return 1
		sleep 0.1
		n=$((n + 1))
	done
}

# on DIR ARGS...: pkit with PKITPATH=DIR.
on() {
	d=$1
	shift
	PKITPATH=$d "$PKIT_BIN" "$@"
}

start_b() {
	PKITPATH=$B "$PKIT_BIN" ca serve --password-file pw.txt >b.out 2>b.log &
	B_PID=$!
	wait_log b.log "Serving HTTPS on"
}

fp_of() {
	openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' |
		tr A-F a-f
}

test_expect_success 'setup: two CAs, A and B, each made by ca init' '
	echo "ca keys pw" >pw.txt &&
	on "$A" ca init --name A --dns localhost --dns 127.0.0.1 \
		--address "127.0.0.1:$PORT" --password-file pw.txt 2>/dev/null &&
	on "$B" ca init --name B --dns localhost --dns 127.0.0.1 \
		--address "127.0.0.1:$PORT_B" --password-file pw.txt 2>/dev/null &&
	FPA=$(fp_of "$A/certs/root_ca.crt") &&
	FPB=$(fp_of "$B/certs/root_ca.crt") &&
	test "$FPA" != "$FPB"
'

test_expect_success 'setup: both serve' '
	PKITPATH=$A &&
	ca_start --password-file pw.txt &&
	start_b
'

test_expect_success 'each federates with the other over the network, then reloads' '
	on "$A" ca federate --ca-url "https://localhost:$PORT_B" \
		--fingerprint "$FPB" 2>err &&
	grep -q "$FPB" err &&
	on "$B" ca federate --ca-url "https://localhost:$PORT" \
		--fingerprint "$FPA" 2>err &&
	: >serve.log &&
	kill -HUP "$CA_PID" &&
	wait_log serve.log reloaded &&
	: >b.log &&
	kill -HUP "$B_PID" &&
	wait_log b.log reloaded
'

test_expect_success 'a wrong fingerprint federates nothing' '
	cp "$A/config/ca.json" a.json &&
	test_expect_code 1 on "$A" ca federate \
		--ca-url "https://localhost:$PORT_B" --fingerprint "$FPA" 2>err &&
	test_one_line err &&
	cmp a.json "$A/config/ca.json"
'

test_expect_success 'clients bootstrap with --federation: both roots, either way' '
	on "$PWD/C" ca bootstrap --federation \
		--ca-url "https://localhost:$PORT" --fingerprint "$FPA" 2>err &&
	grep -q "federation bundle has been saved" err &&
	on "$PWD/D" ca bootstrap --federation \
		--ca-url "https://localhost:$PORT_B" --fingerprint "$FPB" 2>err &&
	for f in C D
	do
		openssl crl2pkcs7 -nocrl -certfile $f/certs/federation.crt |
			openssl pkcs7 -print_certs -noout >$f.subjects &&
		grep -q "CN *= *A Root CA" $f.subjects &&
		grep -q "CN *= *B Root CA" $f.subjects &&
		test "$(grep -c subject= $f.subjects)" = 2 || return 1
	done &&
	cmp "$A/certs/root_ca.crt" C/certs/root_ca.crt
'

test_expect_success 'a server certificate from B, a client certificate from A' '
	on "$B" ca certificate localhost srv.crt srv.key \
		--provisioner-password-file pw.txt 2>err &&
	on "$A" ca certificate client cli.crt cli.key \
		--provisioner-password-file pw.txt 2>err &&
	openssl verify -CAfile "$B/certs/root_ca.crt" -untrusted srv.crt srv.crt &&
	test_must_fail openssl verify -CAfile "$A/certs/root_ca.crt" \
		-untrusted srv.crt srv.crt
'

test_expect_success 'mTLS: a client of A verifies B'"'"'s server, which verifies A'"'"'s client' '
	openssl s_server -accept "127.0.0.1:$PORT_S" -cert srv.crt -key srv.key \
		-cert_chain srv.crt -CAfile D/certs/federation.crt -Verify 2 \
		-verify_return_error -www >s.out 2>s.log &
	S_PID=$! &&
	n=0 &&
	while ! curl -sk -o /dev/null "https://127.0.0.1:$PORT_S/" 2>/dev/null &&
		test $n -lt 100
	do
		sleep 0.1
		n=$((n + 1))
	done &&
	curl -sS --resolve "localhost:$PORT_S:127.0.0.1" \
		--cacert C/certs/federation.crt --cert cli.crt --key cli.key \
		"https://localhost:$PORT_S/" >page &&
	grep -q "Client certificate" page &&
	grep -q "CN *= *client" page
'

test_expect_success 'without federation: A'"'"'s root alone does not verify B'"'"'s server' '
	test_expect_code 60 curl -sS --resolve "localhost:$PORT_S:127.0.0.1" \
		--cacert C/certs/root_ca.crt --cert cli.crt --key cli.key \
		"https://localhost:$PORT_S/" 2>err
'

test_expect_success 'a client certificate from an unknown CA is refused' '
	openssl ecparam -name prime256v1 -genkey -noout -out rogue.key &&
	openssl req -x509 -new -key rogue.key -subj "/CN=rogue" -days 1 -out rogue.crt &&
	! curl -sS --resolve "localhost:$PORT_S:127.0.0.1" \
		--cacert C/certs/federation.crt --cert rogue.crt --key rogue.key \
		"https://localhost:$PORT_S/" >page 2>err &&
	! grep -q "CN *= *rogue" page
'

test_expect_success 'B accepts A'"'"'s client certificate for mTLS on its own routes' '
	curl -sS -o out -w "%{http_code}\n" --cacert D/certs/federation.crt \
		--cert cli.crt --key cli.key \
		"https://127.0.0.1:$PORT_B/federation" >code &&
	test "$(cat code)" = 201 &&
	grep -q "crts" out
'

test_expect_success 'both servers stop cleanly' '
	kill -TERM "$B_PID" &&
	wait "$B_PID" &&
	B_PID= &&
	ca_stop
'

test_done

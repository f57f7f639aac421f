#!/bin/sh
test_description='ca serve given huge CSRs and CSRs with 10,000 SANs: a bounded answer, and it keeps serving'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-ca.sh"

# Under ASan, freed blocks wait in a 256 MiB quarantine, which would count
# as growth in the memory bound below: keep it small in this script.
ASAN_OPTIONS="$ASAN_OPTIONS:quarantine_size_mb=16"
export ASAN_OPTIONS

load() {
	"$SYS_PYTHON" "$TEST_SRC_DIR/crash-load.py" "$@"
}

# one CSR: a /sign request for CSR with a valid token for load.example;
# prints "<status> <seconds>".
one() {
	load one "$PORT" "$ROOT" prov.json "$FP" "$CA_URL" "$1"
}

rss() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}

test_expect_success 'a CA made by ca init, and hostile CSRs' '
	ca_init_keys Csr &&
	load csr ok.csr 0 0 &&
	load csr sans.csr 10000 0 &&
	load csr sans2k.csr 2000 0 &&
	test $(wc -c <sans2k.csr) -lt 65536 &&
	load csr big.csr 0 600000 &&
	load csr toobig.csr 0 900000 &&
	test $(wc -c <sans.csr) -gt 200000 &&
	test $(wc -c <toobig.csr) -gt 1100000 &&
	ca_start --password-file pw.txt &&
	test "$(one ok.csr | cut -d" " -f1)" = 201 &&
	RSS0=$(rss $CA_PID)
'

test_expect_success 'a CSR with 10,000 SANs (270 KB): 400 at once, the size in the log' '
	one sans.csr >st &&
	read status secs <st &&
	test "$status" = 400 &&
	grep -q "\"status\":400" out &&
	test "${secs%.*}" -lt 10 &&
	grep -q "error decoding csr: [0-9]* bytes, over the 64 KiB" serve.log
'

test_expect_success 'a CSR with 2,000 SANs the token does not name: 403 within 10 s' '
	one sans2k.csr >st &&
	read status secs <st &&
	test "$status" = 403 &&
	grep -q "\"status\":403" out &&
	test "${secs%.*}" -lt 10
'

test_expect_success 'a CSR with a 600 KB extension (800 KB of PEM): 400 within 10 s' '
	one big.csr >st &&
	read status secs <st &&
	test "$status" = 400 &&
	test "${secs%.*}" -lt 10
'

test_expect_success 'a body over 1 MiB: 413 (or the connection closed), at once' '
	one toobig.csr >st &&
	read status secs <st &&
	case $status in 413|0) ;; *) cat out >&2; false ;; esac &&
	test "${secs%.*}" -lt 10
'

test_expect_success 'a notAfter in year 9999: 403 naming the duration, and it serves on' '
	EXTRA="{\"notAfter\": \"9999-12-31T23:59:59Z\"}" one ok.csr >st &&
	read status secs <st &&
	test "$status" = 403 &&
	grep -q "requested duration of [0-9]*s is more than the authorized maximum" out &&
	EXTRA="{\"notBefore\": \"-2562047h\", \"notAfter\": \"2562047h\"}" one ok.csr >st &&
	read status secs <st &&
	case $status in 400|403) ;; *) cat out >&2; false ;; esac &&
	test "$(one ok.csr | cut -d" " -f1)" = 201
'

test_expect_success 'twenty of each in a row: memory stays bounded, and it still issues' '
	i=0 &&
	while test $i -lt 20
	do
		one sans.csr >/dev/null && one sans2k.csr >/dev/null &&
		one big.csr >/dev/null || return 1
		i=$((i + 1))
	done &&
	rss1=$(rss $CA_PID) &&
	say "RSS $RSS0 kB -> $rss1 kB after 60 hostile CSRs" &&
	test $((rss1 - RSS0)) -lt 262144 &&
	test "$(one ok.csr | cut -d" " -f1)" = 201 &&
	ca_stop
'

test_done

#!/bin/sh
test_description='pkit ca serve: limits, timeouts and hostile clients'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-ca.sh"

# raw_status REQUEST: send the bytes (printf format) over TLS; print the
# status line that comes back (the server must close afterwards).
raw_status() {
	printf "$1" >req &&
	client raw req >resp &&
	head -n 1 resp | tr -d "\r"
}

wait_ready() {
	n=0
	while ! grep -q "Serving HTTPS on" serve.log
	do
		n=$((n + 1)); test $n -le 600 || return 1; sleep 0.05
	done
}

# between X LO HI: LO <= X <= HI (decimals allowed).
between() {
	"$SYS_PYTHON" -c 'import sys; x, lo, hi = map(float, sys.argv[1:]); sys.exit(not lo <= x <= hi)' "$@"
}

test_expect_success 'a server with short timeouts' '
	ca_fixture &&
	ca_start --password-file ca/pw.txt --read-timeout 2s \
		--write-timeout 2s --idle-timeout 3s ca.json
'

test_expect_success 'a body over 1 MiB is a 413 in step-ca'"'"'s JSON' '
	head -c 2097152 /dev/zero | tr "\0" x >big &&
	test "$(get /sign --data-binary @big -H "Content-Type: application/json")" = 413 &&
	printf "%s\n" "{\"status\":413,\"message\":\"Request Entity Too Large\"}" >want &&
	test_cmp want out &&
	test "$(header Connection)" = close &&
	test "$(get /sign --data-binary @big -H "Expect:")" = 413 &&
	test_cmp want out &&
	grep -q "path=/sign .*status=413" serve.log
'

test_expect_success 'a chunked body over the limit is a 413 too' '
	test "$(get /health -X GET -H "Transfer-Encoding: chunked" --data-binary @big)" = 413 &&
	test_cmp want out
'

test_expect_success 'bodies within the limit are read, chunked or not' '
	head -c 1048576 /dev/zero | tr "\0" y >max &&
	test "$(get /health -X GET --data-binary @max)" = 200 &&
	test "$(get /health -X GET -H "Transfer-Encoding: chunked" --data-binary @max)" = 200 &&
	grep -q ok out
'

test_expect_success 'Expect: 100-continue is honoured' '
	printf "GET /health HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi" >req &&
	client raw req >resp &&
	head -n 1 resp | grep -q "^HTTP/1.1 100 Continue" &&
	grep -q "^HTTP/1.1 200 OK" resp &&
	test "$(raw_status "GET /health HTTP/1.1\r\nHost: x\r\nExpect: magic\r\n\r\n")" = "HTTP/1.1 417 Expectation Failed"
'

test_expect_success 'malformed requests get 4xx/5xx and a closed connection' '
	while IFS="|" read -r want request
	do
		got=$(raw_status "$request") &&
		test "$got" = "HTTP/1.1 $want" ||
		{ echo "$request: got [$got], wanted [$want]" >&2; return 1; }
	done <<-\EOF
	400 Bad Request|garbage\r\n\r\n
	400 Bad Request|GET /health HTTP/1.1\r\n\r\n
	505 HTTP Version Not Supported|GET /health HTTP/2.0\r\nHost: x\r\n\r\n
	400 Bad Request|GET /health FTP/1.1\r\nHost: x\r\n\r\n
	400 Bad Request|GET  /health HTTP/1.1\r\nHost: x\r\n\r\n
	400 Bad Request|GET health HTTP/1.1\r\nHost: x\r\n\r\n
	400 Bad Request|GET /health HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n
	400 Bad Request|GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n
	400 Bad Request|GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n
	400 Bad Request|GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n
	400 Bad Request|GET /health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n
	501 Not Implemented|GET /health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n
	400 Bad Request|GET /health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n
	400 Bad Request|GET /health HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n
	400 Bad Request|GET /health HTTP/1.1\r\nHost: x\r\nA: b\r\n folded\r\n\r\n
	400 Bad Request|GET /health HTTP/1.1\r\nHost: x\r\nBad Name: b\r\n\r\n
	400 Bad Request|GET /health HTTP/1.1\r\nHost: x\r\nA: b\001c\r\n\r\n
	400 Bad Request|GET /he\000alth HTTP/1.1\r\nHost: x\r\n\r\n
	400 Bad Request|GET /%%00 HTTP/1.1\r\nHost: x\r\n\r\n
	EOF
'

test_expect_success 'oversized heads: 414 for the line, 431 for the headers' '
	long=$(head -c 70000 /dev/zero | tr "\0" a) &&
	test "$(raw_status "GET /$long HTTP/1.1\r\nHost: x\r\n\r\n")" = "HTTP/1.1 414 Request URI Too Long" &&
	test "$(raw_status "GET / HTTP/1.1\r\nHost: x\r\nX-Big: $long\r\n\r\n")" = "HTTP/1.1 431 Request Header Fields Too Large" &&
	hdrs=$(i=0; while test $i -lt 120; do printf "X-H$i: v\\\\r\\\\n"; i=$((i + 1)); done) &&
	test "$(raw_status "GET / HTTP/1.1\r\nHost: x\r\n$hdrs\r\n")" = "HTTP/1.1 431 Request Header Fields Too Large"
'

test_expect_success 'random bytes and plain HTTP on the TLS port are dropped' '
	test "$(client garbage 100000)" = closed &&
	test "$(client garbage 3)" = closed &&
	test_must_fail curl -sS -m 5 "http://127.0.0.1:$PORT/health" 2>err &&
	grep -q "TLS handshake error from 127.0.0.1:" serve.log &&
	test "$(get /health)" = 200
'

test_expect_success 'a client that sends half a request is cut off' '
	client slow "GET /health HTTP/1.1\r\nHost: x\r\n" >slow &&
	read how secs bytes <slow &&
	test "$how" = closed && test "$bytes" = 0 &&
	between "$secs" 1.5 5
'

test_expect_success 'a client that dribbles its request is cut off too' '
	client drip >drip &&
	read how secs <drip &&
	test "$how" = closed &&
	between "$secs" 1.5 6
'

test_expect_success 'connections that never start TLS are closed' '
	client tcp 50 >tcp &&
	between "$(cat tcp)" 1.5 6
'

test_expect_success 'a kept-alive connection serves requests, then idles out' '
	client keepalive 5 >ka &&
	read how secs <ka &&
	test "$how" = closed &&
	between "$secs" 2.5 6 &&
	curl -sS -v --cacert ca/root.crt "https://$ADDR/health" \
		"https://$ADDR/version" >out 2>err &&
	grep -q "Re-using existing connection" err
'

test_expect_success 'pipelined requests are answered in order' '
	client pipeline >got &&
	pkgver=$(pkit version | sed -n "1s/^pkit //p") &&
	cat >want <<-EOF &&
	200 {"status":"ok"}
	404 404 page not found
	200 {"version":"$pkgver"}
	EOF
	test_cmp want got
'

test_expect_success 'HTTP/1.0 closes unless asked to keep alive' '
	printf "GET /health HTTP/1.0\r\n\r\n" >req &&
	client raw req >resp &&
	grep -q "^Connection: close" resp &&
	printf "GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n" >req &&
	test_expect_code 3 client raw req 1 >resp &&
	grep -q "^Connection: keep-alive" resp
'

test_expect_success 'hundreds of connections at once, and health stays ok' '
	test "$(client many 300)" = 300 &&
	test "$(get /health)" = 200 &&
	grep -q ok out
'

test_expect_success 'the server is still healthy and stops with status 0' '
	test "$(get /1.0/health)" = 200 &&
	ca_stop
'

test_expect_success 'at its connection limit it queues, and serves when one frees' '
	ca_start --password-file ca/pw.txt --threads 1 --max-conns 2 \
		--read-timeout 2s ca.json &&
	{ client tcp 2 >tcp & } && idlers=$! &&
	sleep 0.5 &&
	start=$(date +%s) &&
	test "$(get /health)" = 200 &&
	end=$(date +%s) &&
	test $((end - start)) -ge 1 &&
	wait "$idlers" &&
	ca_stop
'

# Under ASan the sanitizer needs descriptors of its own at 64 open files,
# and the timing bounds below flaked in CI (issue 9 follow-up): run this
# step in release builds only.
if ldd "$PKIT_BIN" 2>/dev/null | grep -q libasan; then
	test_skip 'out of file descriptors, it pauses and recovers' \
		'a sanitizer build: fd exhaustion timing is not reliable there'
else
	test_expect_success 'out of file descriptors, it pauses and recovers' '
		: >serve.log &&
		(ulimit -n 64 && exec "$PKIT_BIN" ca serve --password-file ca/pw.txt \
			--max-conns 1000 --read-timeout 2s ca.json) >serve.out 2>serve.log &
		CA_PID=$! &&
		wait_ready &&
		client tcp 150 >tcp &&
		between "$(cat tcp)" 1.5 20 &&
		grep -q "accepting connections: Too many open files; pausing" serve.log &&
		test "$(get /health)" = 200 &&
		ca_stop
	'
fi

test_done

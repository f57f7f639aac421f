#!/bin/sh
test_description='pkit ca serve: the read-only routes, TLS, and the verb'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-ca.sh"
SQ="'"

test_expect_success 'a CA made with openssl, and its ca.json' '
	ca_fixture &&
	openssl verify -CAfile ca/root.crt ca/int.crt &&
	ROOT_FP=$(openssl x509 -in ca/root.crt -noout -fingerprint -sha256 |
		sed "s/.*=//; s/://g" | tr A-F a-f) &&
	FED_FP=$(openssl x509 -in ca/fed.crt -noout -fingerprint -sha256 |
		sed "s/.*=//; s/://g" | tr A-F a-f) &&
	test ${#ROOT_FP} -eq 64
'

test_expect_success 'usage errors exit 2 with one line' '
	test_expect_code 2 pkit ca serve --no-such-flag 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit ca serve a.json b.json 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit ca serve --read-timeout soon ca.json 2>err &&
	test_one_line err && grep -q -- "--read-timeout" err &&
	test_expect_code 2 pkit ca serve --log-format xml ca.json 2>err &&
	test_one_line err
'

test_expect_success 'a missing configuration fails naming the file' '
	test_must_fail pkit ca serve --password-file ca/pw.txt 2>err &&
	test_one_line err &&
	grep -q "$PKITPATH/config/ca.json" err &&
	test_must_fail pkit ca serve --password-file ca/pw.txt nope.json 2>err &&
	test_one_line err && grep -q "nope.json" err
'

test_expect_success 'a malformed configuration fails with its reason' '
	printf "{\"root\": \"x\",\n" >bad.json &&
	test_must_fail pkit ca serve bad.json 2>err &&
	test_one_line err && grep -q "bad.json: line" err &&
	sed "/\"address\"/d" ca.json >noaddr.json &&
	test_must_fail pkit ca serve noaddr.json 2>err &&
	test_one_line err && grep -q "noaddr.json: address is required" err &&
	sed "s/\"minVersion\": 1.2/\"minVersion\": 1.1/" ca.json >tls11.json &&
	test_must_fail pkit ca serve --password-file ca/pw.txt tls11.json 2>err &&
	test_one_line err && grep -q "TLS 1.1 is not supported" err
'

test_expect_success 'the intermediate key needs its password' '
	echo wrong >wrong.txt &&
	test_must_fail pkit ca serve --password-file wrong.txt ca.json 2>err &&
	test_one_line err && grep -q "int.key" err &&
	test_must_fail pkit ca serve ca.json 2>err &&
	test_one_line err && grep -q -- "--password-file" err
'

test_expect_success 'a key that is not the intermediate'"'"'s is refused' '
	sed "s|ca/int.key|ca/root.key|" ca.json >mismatch.json &&
	chmod 600 ca/root.key &&
	test_must_fail pkit ca serve mismatch.json 2>err &&
	test_one_line err && grep -q "does not match" err
'

test_expect_success 'it starts on 127.0.0.1 and says so' '
	ca_start --password-file ca/pw.txt ca.json &&
	grep -q "Serving HTTPS on $ADDR \.\.\." serve.log &&
	grep -q "X.509 Root Fingerprint: $ROOT_FP" serve.log
'

test_expect_success 'a second server on the same address fails' '
	test_must_fail pkit ca serve --password-file ca/pw.txt ca.json 2>err &&
	test_one_line err && grep -q "$ADDR" err
'

test_expect_success 'GET /health, bare and under /1.0' '
	for p in /health /1.0/health
	do
		test "$(get $p)" = 200 &&
		printf "{\"status\":\"ok\"}\n" >want &&
		test_cmp want out &&
		test "$(header Content-Type)" = application/json &&
		test "$(header Content-Length)" = 16 || return 1
	done
'

test_expect_success 'X-Request-Id is echoed, or generated' '
	get /health -H "X-Request-Id: abc-123" >/dev/null &&
	test "$(header X-Request-Id)" = abc-123 &&
	get /health -H "X-Smallstep-Id: legacy-7" >/dev/null &&
	test "$(header X-Request-Id)" = legacy-7 &&
	get /health >/dev/null &&
	header X-Request-Id | grep -Eq "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$" &&
	get /health -H "X-Request-Id: has space" >/dev/null &&
	header X-Request-Id | grep -Eq "^[0-9a-f]{8}-" &&
	grep -q "request-id=abc-123" serve.log
'

test_expect_success 'GET /version' '
	test "$(get /version)" = 200 &&
	test "$(jget out "d[\"version\"]")" = "$(pkit version | sed -n "1s/^pkit //p")" &&
	test "$(jget out "len(d)")" = 1
'

test_expect_success 'GET /roots and /1.0/roots: 201 and the root' '
	for p in /roots /1.0/roots
	do
		test "$(get $p)" = 201 &&
		test "$(jget out "len(d[\"crts\"])")" = 1 &&
		jget out "d[\"crts\"][0]" >got &&
		printf "\n" >>ca/root.nl && cat ca/root.crt ca/root.nl >want &&
		rm ca/root.nl && test_cmp want got || return 1
	done
'

test_expect_success 'GET /roots.pem: the PEM, as application/x-pem-file' '
	test "$(get /roots.pem)" = 200 &&
	test "$(header Content-Type)" = application/x-pem-file &&
	test_cmp ca/root.crt out
'

test_expect_success 'GET /root/{sha256}, in any case and with dashes' '
	test "$(get /root/$ROOT_FP)" = 200 &&
	jget out "d[\"ca\"]" >got && cat ca/root.crt >want && echo >>want &&
	test_cmp want got &&
	upper=$(echo "$ROOT_FP" | tr a-f A-F | sed "s/\(....\)/\1-/g; s/-$//") &&
	test "$(get /1.0/root/$upper)" = 200 &&
	test "$(get /root/$FED_FP)" = 200 &&
	jget out "d[\"ca\"]" | grep -q "BEGIN CERTIFICATE"
'

test_expect_success 'an unknown root is a 404 in step-ca'"'"'s words' '
	test "$(get /root/0000)" = 404 &&
	test "$(header Content-Type)" = application/json &&
	printf "%s\n" "{\"status\":404,\"message\":\"The requested resource could not be found. Please see the certificate authority logs for more info.\"}" >want &&
	test_cmp want out
'

test_expect_success 'GET /intermediates and /intermediates.pem' '
	test "$(get /intermediates)" = 201 &&
	test "$(jget out "len(d[\"crts\"])")" = 1 &&
	jget out "d[\"crts\"][0]" >got && cat ca/int.crt >want && echo >>want &&
	test_cmp want got &&
	test "$(get /1.0/intermediates.pem)" = 200 &&
	test "$(header Content-Type)" = application/x-pem-file &&
	test_cmp ca/int.crt out
'

test_expect_success 'GET /federation: the roots and the federated roots' '
	test "$(get /federation)" = 201 &&
	test "$(jget out "len(d[\"crts\"])")" = 2 &&
	jget out "d[\"crts\"][1]" >got && cat ca/fed.crt >want && echo >>want &&
	test_cmp want got &&
	get /roots >/dev/null && test "$(jget out "len(d[\"crts\"])")" = 1
'

test_expect_success 'GET /provisioners lists them as ca.json has them' '
	test "$(get /provisioners)" = 200 &&
	test "$(jget out "len(d[\"provisioners\"])")" = 2 &&
	test "$(jget out "d[\"nextCursor\"]")" = "" &&
	test "$(jget out "sorted(d)")" = "[${SQ}nextCursor${SQ}, ${SQ}provisioners${SQ}]" &&
	jget ca.json "d[\"authority\"][\"provisioners\"][0]" >want &&
	jget out "d[\"provisioners\"][0]" >got &&
	test_cmp want got &&
	test "$(jget out "d[\"provisioners\"][1][\"name\"]")" = acme
'

test_expect_success 'GET /provisioners pages with cursor and limit' '
	test "$(get "/provisioners?limit=1")" = 200 &&
	test "$(jget out "d[\"provisioners\"][0][\"name\"]")" = admin &&
	cursor=$(jget out "d[\"nextCursor\"]") &&
	test -n "$cursor" &&
	echo "$cursor" | grep -Eq "^1[0-9a-f]{32}$" &&
	test "$(get "/1.0/provisioners?limit=1&cursor=$cursor")" = 200 &&
	test "$(jget out "d[\"provisioners\"][0][\"name\"]")" = acme &&
	test "$(jget out "d[\"nextCursor\"]")" = "" &&
	test "$(get "/provisioners?limit=0")" = 200 &&
	test "$(jget out "len(d[\"provisioners\"])")" = 2 &&
	test "$(get "/provisioners?limit=-5&cursor=ffffffffffffffffffffffffffffffffffffffff")" = 200 &&
	test "$(jget out "len(d[\"provisioners\"])")" = 0
'

test_expect_success 'a limit that is not a number is a 400' '
	test "$(get "/provisioners?limit=ten")" = 400 &&
	printf "%s\n" "{\"status\":400,\"message\":\"The request could not be completed: limit ${SQ}ten${SQ} is not an integer.\"}" >want &&
	test_cmp want out
'

test_expect_success 'GET /provisioners/{kid}/encrypted-key' '
	test "$(get /provisioners/$CA_KID/encrypted-key)" = 200 &&
	test "$(jget out "d[\"key\"]")" = "$CA_EKEY" &&
	test "$(jget out "len(d)")" = 1 &&
	test "$(get /1.0/provisioners/nope/encrypted-key)" = 404 &&
	test "$(jget out "d[\"status\"]")" = 404 &&
	jget out "d[\"message\"]" | grep -q "^The requested resource could not be found"
'

test_expect_success 'HEAD answers every GET route without a body' '
	for p in /health /version /roots /roots.pem /intermediates /federation \
		/provisioners /root/$ROOT_FP /1.0/health /root/0000
	do
		want=$(get $p) && len=$(header Content-Length) &&
		test "$(get $p -I)" = "$want" &&
		test "$(header Content-Length)" = "$len" &&
		printf "HEAD $p HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" >req &&
		client raw req >resp &&
		head -n 1 resp | grep -q "^HTTP/1.1 $want " &&
		grep -q "^Content-Length: $len" resp &&
		test "$(tail -c 4 resp | od -An -c | tr -d " ")" = "\r\n\r\n" ||
		{ echo "HEAD $p" >&2; return 1; }
	done
'

test_expect_success 'an unknown route is step-ca'"'"'s plain 404' '
	for p in /nope /1.0/nope /1.0 /health/ /roots/x /2.0/health
	do
		test "$(get $p)" = 404 &&
		printf "404 page not found\n" >want && test_cmp want out &&
		test "$(header Content-Type)" = "text/plain; charset=utf-8" ||
		{ echo "$p" >&2; return 1; }
	done
'

test_expect_success 'a known route with another method is a 405' '
	test "$(get /health -X POST)" = 405 &&
	test "$(header Allow)" = GET &&
	test ! -s out &&
	test "$(get /1.0/roots -X DELETE)" = 405
'

test_expect_success 'the access log has one line per request, no secrets' '
	grep -q "level=info .*method=GET name=ca path=/health protocol=HTTP/1.1" serve.log &&
	grep -q "level=warning .*path=/nope .*status=404" serve.log &&
	grep -q "path=\"/provisioners?limit=ten\" .*status=400" serve.log &&
	grep -q "remote-address=127.0.0.1 " serve.log &&
	! grep -q "$CA_EKEY" serve.log &&
	! grep -q "int password" serve.log
'

test_expect_success 'the TLS certificate verifies and names the dnsNames' '
	openssl s_client -connect "$ADDR" -servername localhost \
		-CAfile ca/root.crt -verify_return_error -showcerts \
		</dev/null >sclient 2>&1 &&
	grep -q "Verify return code: 0 (ok)" sclient &&
	openssl s_client -connect "$ADDR" -CAfile ca/root.crt \
		-verify_return_error -verify_ip 127.0.0.1 </dev/null >/dev/null 2>&1 &&
	openssl s_client -connect "$ADDR" -CAfile ca/root.crt \
		-verify_return_error -verify_hostname localhost </dev/null >/dev/null 2>&1 &&
	test_must_fail openssl s_client -connect "$ADDR" -CAfile ca/root.crt \
		-verify_return_error -verify_hostname other.example </dev/null >/dev/null 2>&1 &&
	sed -n "/BEGIN CERT/,/END CERT/p" sclient >chain.pem &&
	test "$(grep -c "BEGIN CERT" chain.pem)" = 2 &&
	openssl x509 -in chain.pem -noout -text >leaf.txt &&
	grep -q "Subject: CN = Step Online CA" leaf.txt &&
	grep -q "Issuer: O = Test, CN = Test Intermediate CA" leaf.txt &&
	grep -q "DNS:localhost, IP Address:127.0.0.1" leaf.txt &&
	grep -q "TLS Web Server Authentication, TLS Web Client Authentication" leaf.txt &&
	grep -q "ASN1 OID: prime256v1" leaf.txt &&
	openssl x509 -in chain.pem -noout -checkend 86000 &&
	! openssl x509 -in chain.pem -noout -checkend 86500 &&
	curl -sS --cacert ca/root.crt --resolve "localhost:$PORT:127.0.0.1" \
		"https://localhost:$PORT/health" >out &&
	grep -q ok out
'

test_expect_success 'TLS 1.2 with step'"'"'s suites and TLS 1.3 work; TLS 1.1 does not' '
	openssl s_client -connect "$ADDR" -CAfile ca/root.crt -tls1_2 \
		-verify_return_error </dev/null >s12 2>&1 &&
	grep -Eq "Cipher is ECDHE-ECDSA-(CHACHA20-POLY1305|AES128-GCM-SHA256)" s12 &&
	test_must_fail openssl s_client -connect "$ADDR" -tls1_2 \
		-cipher ECDHE-ECDSA-AES256-GCM-SHA384 </dev/null >/dev/null 2>&1 &&
	openssl s_client -connect "$ADDR" -CAfile ca/root.crt -tls1_3 \
		-verify_return_error </dev/null >s13 2>&1 &&
	grep -q "TLSv1.3" s13 &&
	test_must_fail openssl s_client -connect "$ADDR" -tls1_1 \
		-cipher "DEFAULT:@SECLEVEL=0" </dev/null >s11 2>&1 &&
	! grep -q "Cipher is ECDHE" s11 &&
	test "$(get /health --tlsv1.2 --tls-max 1.2)" = 200
'

test_expect_success 'a client certificate is optional, and verified when given' '
	test "$(client mtls ca/client.crt ca/client.key)" = 200 &&
	test "$(client mtls ca/stranger.crt ca/client.key)" = refused &&
	test "$(get /health --cert ca/client.crt --key ca/client.key)" = 200 &&
	openssl s_client -connect "$ADDR" -CAfile ca/root.crt </dev/null 2>&1 |
		grep -A3 "Acceptable client certificate CA names" >names &&
	grep -q "CN = Test Root CA" names &&
	grep -q "CN = Test Intermediate CA" names
'

test_expect_success 'SIGTERM stops it with status 0' '
	ca_stop TERM &&
	grep -q "shutting down" serve.log &&
	test_must_fail curl -sS --cacert ca/root.crt "https://$ADDR/health" 2>/dev/null
'

test_expect_success 'relative paths in ca.json are taken from $PKITPATH' '
	mkdir -p "$PKITPATH/config" "$PKITPATH/certs" "$PKITPATH/secrets" &&
	cp ca/root.crt ca/int.crt ca/fed.crt "$PKITPATH/certs/" &&
	cp ca/int.key "$PKITPATH/secrets/intermediate_ca_key" &&
	sed -e "s|$PWD/ca/root.crt|certs/root.crt|; s|$PWD/ca/fed.crt|certs/fed.crt|" \
		-e "s|$PWD/ca/int.crt|certs/int.crt|" \
		-e "s|$PWD/ca/int.key|secrets/intermediate_ca_key|; s|$PWD/db|db|" \
		ca.json >"$PKITPATH/config/ca.json" &&
	! grep -q "$PWD" "$PKITPATH/config/ca.json" &&
	ca_start --password-file ca/pw.txt --log-format json &&
	test "$(get /roots.pem)" = 200 && test_cmp ca/root.crt out &&
	ca_stop INT
'

test_expect_success '--log-format json writes one JSON object per line' '
	grep "\"path\":\"/roots.pem\"" serve.log >line &&
	test "$(jget line "d[\"status\"], d[\"method\"], d[\"level\"]")" = "(200, ${SQ}GET${SQ}, ${SQ}info${SQ})" &&
	while read -r l
	do
		printf "%s\n" "$l" >one && jget one "d[\"time\"]" >/dev/null || return 1
	done <serve.log
'

test_expect_success '--address overrides ca.json'"'"'s' '
	PORT2=$(free_port) &&
	ca_start --password-file ca/pw.txt --address "127.0.0.1:$PORT2" ca.json &&
	grep -q "Serving HTTPS on 127.0.0.1:$PORT2" serve.log &&
	curl -sS --cacert ca/root.crt "https://127.0.0.1:$PORT2/health" >out &&
	grep -q ok out &&
	ca_stop
'

test_done

# lib-casign.sh - the certificate routes of `pkit ca serve` end to end:
# `pkit ca init`, then /sign, /renew, /rekey and /revoke driven with curl,
# tokens minted in the test with `pkit crypto jwt sign` and the
# provisioner key decrypted from ca.json's encryptedKey.  Source it after
# lib.sh and lib-ca.sh; casign_suite runs the steps (t6100 on SQLite,
# t6110 on PostgreSQL).
#
#   casign_suite INIT-ARGS...   the whole suite; INIT-ARGS go to ca init
#   token SUB [AUD] [JWT-ARGS...]   a sign token for SUB (sans [SUB])
#   sign_req CSR TOKEN [EXTRA-JSON] write req.json for /sign
#   post PATH FILE [CURL...]    POST FILE to PATH; status printed
#   csr NAME [SAN...]           NAME.key and NAME.csr (CN=NAME)

CA_URL=
GENERIC_401='{"status":401,"message":"The request lacked necessary authorization to be completed. Please see the certificate authority logs for more info."}'
# tlsOptions of step-ca 0.19's captured /sign answer (api/sign.body).
STEP_TLS='{"cipherSuites": ["TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"], "minVersion": 1.2, "maxVersion": 1.3, "renegotiation": false}'

# token SUB [AUD] [ARGS...]: a token for SUB with sans [SUB] and the root
# fingerprint, valid five minutes, unless ARGS say otherwise.
token() {
	t_sub=$1
	t_aud=${2:-$CA_URL/1.0/sign}
	shift
	test $# -gt 0 && shift
	printf '{"sans": ["%s"], "sha": "%s"}\n' "$t_sub" "$FP" >claims.json
	pkit crypto jwt sign --key prov.json --iss admin --aud "$t_aud" \
		--sub "$t_sub" --exp 5m "$@" claims.json
}

sign_req() {
	"$SYS_PYTHON" -c 'import json, sys
d = {"csr": open(sys.argv[1]).read(), "ott": sys.argv[2]}
if len(sys.argv) > 3:
    d.update(json.loads(sys.argv[3]))
json.dump(d, open("req.json", "w"))' "$@"
}

post() {
	p=$1
	f=$2
	shift 2
	curl -sS -o out -D hdr -w '%{http_code}\n' --cacert "$PKITPATH/certs/root_ca.crt" \
		-H "Content-Type: application/json" --data-binary "@$f" "$@" \
		"https://127.0.0.1:$PORT$p"
}

# alg_none TOKEN: the token with {"alg":"none"} and no signature.
alg_none() {
	"$SYS_PYTHON" - "$1" "$(cat kid)" <<-\EOF
	import base64, sys
	h, p, s = sys.argv[1].split(".")
	n = base64.urlsafe_b64encode(('{"alg":"none","kid":"%s"}' %
	    sys.argv[2]).encode()).rstrip(b"=").decode()
	print(n + "." + p + ".")
	EOF
}

# health: GET /health trusting the new root.
health() {
	curl -sS -o out -w '%{http_code}\n' --cacert "$PKITPATH/certs/root_ca.crt" \
		"https://127.0.0.1:$PORT/health"
}

csr() {
	n=$1
	shift
	san=
	for s in "$@"
	do
		san="${san:+$san,}DNS:$s"
	done
	openssl ecparam -name prime256v1 -genkey -noout -out "$n.key" 2>/dev/null &&
	openssl req -new -key "$n.key" -subj "/CN=$n" ${san:+-addext "subjectAltName=$san"} \
		-out "$n.csr" 2>/dev/null
}

# crt_of FILE OUT: the "crt" of a sign answer into OUT.
crt_of() {
	jget "$1" 'd["crt"]' >"$2.tmp" && sed '$d' "$2.tmp" >"$2" && rm -f "$2.tmp"
}

serial_of() {
	"$SYS_PYTHON" -c 'import sys; print(int(sys.argv[1], 16))' \
		"$(openssl x509 -in "$1" -noout -serial | sed 's/.*=//')"
}

verify_chain() {
	openssl verify -CAfile "$PKITPATH/certs/root_ca.crt" \
		-untrusted "$PKITPATH/certs/intermediate_ca.crt" "$1"
}

casign_suite() {
	CASIGN_INIT="$*"
	test_expect_success 'ca init makes the PKI' '
		echo "ca keys pw" >pw.txt &&
		pkit ca init --name Test --dns localhost --dns 127.0.0.1 \
			--address "$ADDR" --password-file pw.txt $CASIGN_INIT 2>init.log &&
		FP=$(jget "$PKITPATH/config/defaults.json" "d[\"fingerprint\"]") &&
		grep -q "Root fingerprint: $FP" init.log &&
		CA_URL=$(jget "$PKITPATH/config/defaults.json" "d[\"ca-url\"]") &&
		test "$CA_URL" = "https://localhost:$PORT"
	'

	test_expect_success 'the provisioner key comes out of encryptedKey' '
		jget "$PKITPATH/config/ca.json" \
			"d[\"authority\"][\"provisioners\"][0][\"encryptedKey\"]" >ek.jwe &&
		pkit crypto jwe decrypt --password-file pw.txt ek.jwe >prov.json &&
		chmod 600 prov.json &&
		jget prov.json "d[\"kid\"]" >kid &&
		test "$(cat kid)" = "$(jget "$PKITPATH/config/ca.json" \
			"d[\"authority\"][\"provisioners\"][0][\"key\"][\"kid\"]")"
	'

	test_expect_success 'ca serve starts with the new configuration' '
		ca_start --password-file pw.txt &&
		test "$(health)" = 200
	'

	test_expect_success 'POST /sign issues a certificate (201) with step'"'"'s body' '
		csr api.localhost api.localhost &&
		sign_req api.localhost.csr "$(token api.localhost)" &&
		test "$(post /sign req.json)" = 201 &&
		test "$(header Content-Type)" = application/json &&
		test -n "$(header X-Request-Id)" &&
		test "$(jget out "\",\".join(d)")" = crt,ca,certChain,tlsOptions &&
		test "$(jget out "d[\"certChain\"][0] == d[\"crt\"] and d[\"certChain\"][1] == d[\"ca\"] and len(d[\"certChain\"]) == 2")" = True &&
		echo "$STEP_TLS" >tls.json &&
		test "$(jget out "d[\"tlsOptions\"] == json.load(open(\"tls.json\"))")" = True &&
		test "$(jget out "d[\"ca\"] == open(\"$PKITPATH/certs/intermediate_ca.crt\").read()")" = True &&
		crt_of out api.crt &&
		cp out sign1.json &&
		verify_chain api.crt
	'

	test_expect_success 'the certificate is step'"'"'s leaf, from the provisioner' '
		pkit certificate inspect --short api.crt >short &&
		grep -q "Provisioner: admin \[ID: " short &&
		grep -q "Subject:     api.localhost" short &&
		openssl x509 -in api.crt -noout -ext keyUsage,extendedKeyUsage,subjectAltName >ext &&
		grep -q "Digital Signature" ext &&
		grep -q "TLS Web Server Authentication, TLS Web Client Authentication" ext &&
		grep -q "DNS:api.localhost" ext &&
		nb=$(openssl x509 -in api.crt -noout -startdate | sed "s/.*=//") &&
		na=$(openssl x509 -in api.crt -noout -enddate | sed "s/.*=//") &&
		test $(( $(date -d "$na" +%s) - $(date -d "$nb" +%s) )) -eq 86460 &&
		grep -q "path=/sign .*provisioner=admin.*status=201" serve.log
	'

	test_expect_success 'a token is used once: replayed, 401 with step'"'"'s body' '
		test "$(post /sign req.json)" = 401 &&
		echo "$GENERIC_401" >want &&
		test_cmp want out &&
		grep -q "token already used" serve.log
	'

	test_expect_success 'the log holds no token' '
		sig=$(jget req.json "d[\"ott\"].split(\".\")[2]") &&
		test -n "$sig" &&
		! grep -q -- "$sig" serve.log
	'

	test_expect_success 'each broken claim is refused with 401' '
		for how in wrong-aud revoke-aud wrong-sha expired not-yet-valid \
			future-iat long-life wrong-iss wrong-key bad-sig alg-none
		do
			case $how in
			wrong-aud) t=$(token api.localhost https://evil.example.com/1.0/sign) ;;
			revoke-aud) t=$(token api.localhost "$CA_URL/1.0/revoke") ;;
			wrong-sha) t=$(FP=00ff token api.localhost) ;;
			expired) t=$(token api.localhost "" --subtle --nbf -10m --iat -10m --exp -5m) ;;
			not-yet-valid) t=$(token api.localhost "" --nbf 10m --exp 15m) ;;
			future-iat) t=$(token api.localhost "" --iat 10m) ;;
			long-life) t=$(token api.localhost "" --exp 3h) ;;
			wrong-iss) t=$(pkit crypto jwt sign --key prov.json --iss mallory \
				--aud "$CA_URL/1.0/sign" --sub api.localhost --exp 5m) ;;
			wrong-key)
				pkit crypto jwk create --kid "$(cat kid)" --no-password --insecure \
					--force other.pub other.json 2>/dev/null &&
				t=$(pkit crypto jwt sign --key other.json --iss admin \
					--aud "$CA_URL/1.0/sign" --sub api.localhost --exp 5m) ;;
			bad-sig) t=$(token api.localhost | sed "s/.....$/AAAAA/") ;;
			alg-none) t=$(alg_none "$(token api.localhost)") ;;
			esac &&
			test -n "$t" &&
			sign_req api.localhost.csr "$t" &&
			st=$(post /sign req.json) &&
			if test "$st" != 401
			then
				echo "$how: $st" >&2
				cat out >&2
				return 1
			fi &&
			test_cmp want out || return 1
		done
	'

	test_expect_success 'names the token does not cover: 403' '
		csr evil.localhost evil.localhost &&
		sign_req evil.localhost.csr "$(token api.localhost)" &&
		test "$(post /sign req.json)" = 403 &&
		grep -q "The request was forbidden by the certificate authority: certificate request does not contain the valid common name - got evil.localhost, want \[api.localhost api.localhost\]\." out &&
		mkdir -p two && (cd two && csr api.localhost api.localhost evil.localhost) &&
		sign_req two/api.localhost.csr "$(token api.localhost)" &&
		test "$(post /sign req.json)" = 403 &&
		grep -q "valid DNS names - got \[api.localhost evil.localhost\], want \[api.localhost\]" out
	'

	test_expect_success 'bad requests: 400 as step answers them' '
		printf "{" >bad.json &&
		test "$(post /sign bad.json)" = 400 &&
		echo "{\"status\":400,\"message\":\"The request could not be completed: error decoding json.\"}" >want400 &&
		test_cmp want400 out &&
		echo "{\"ott\": \"x\"}" >nocsr.json &&
		test "$(post /sign nocsr.json)" = 400 &&
		grep -q "missing csr\." out &&
		sign_req api.localhost.csr "" &&
		test "$(post /sign req.json)" = 400 &&
		grep -q "missing ott\." out &&
		"$SYS_PYTHON" -c "import json; json.dump({\"csr\": \"-----BEGIN CERTIFICATE REQUEST-----\\nAAAA\\n-----END CERTIFICATE REQUEST-----\\n\", \"ott\": \"x\"}, open(\"junk.json\", \"w\"))" &&
		test "$(post /sign junk.json)" = 400 &&
		test_cmp want400 out &&
		openssl req -in api.localhost.csr -outform der |
			"$SYS_PYTHON" -c "import sys, base64
d = sys.stdin.buffer.read().replace(b\"api.localhost\", b\"apI.localhost\", 1)
print(\"-----BEGIN CERTIFICATE REQUEST-----\")
print(base64.encodebytes(d).decode(), end=\"\")
print(\"-----END CERTIFICATE REQUEST-----\")" >badsig.csr &&
		sign_req badsig.csr "$(token api.localhost)" &&
		test "$(post /sign req.json)" = 400 &&
		grep -q "The request could not be completed: invalid csr\." out &&
		sign_req api.localhost.csr "$(token api.localhost)" "{\"notAfter\": 5}" &&
		test "$(post /sign req.json)" = 400
	'

	test_expect_success 'durations outside the claims: 403, past: 400' '
		sign_req api.localhost.csr "$(token api.localhost)" "{\"notAfter\": \"48h\"}" &&
		test "$(post /sign req.json)" = 403 &&
		grep -q "more than the authorized maximum certificate duration of 24h1m0s" out &&
		sign_req api.localhost.csr "$(token api.localhost)" "{\"notAfter\": \"1m\"}" &&
		test "$(post /sign req.json)" = 403 &&
		sign_req api.localhost.csr "$(token api.localhost)" "{\"notBefore\": \"-3h\", \"notAfter\": \"1h\"}" &&
		test "$(post /sign req.json)" = 400 &&
		grep -q "notAfter cannot be in the past" out &&
		sign_req api.localhost.csr "$(token api.localhost)" "{\"notBefore\": \"1m\", \"notAfter\": \"1h\"}" &&
		test "$(post /sign req.json)" = 201 &&
		crt_of out short.crt &&
		nb=$(openssl x509 -in short.crt -noout -startdate | sed "s/.*=//") &&
		na=$(openssl x509 -in short.crt -noout -enddate | sed "s/.*=//") &&
		test $(( $(date -d "$na" +%s) - $(date -d "$nb" +%s) )) -eq 3600
	'

	test_expect_success 'POST /renew with the certificate itself (mTLS): a new one' '
		test "$(post /renew /dev/null --cert api.crt --key api.localhost.key)" = 201 &&
		crt_of out renewed.crt &&
		verify_chain renewed.crt &&
		test "$(serial_of renewed.crt)" != "$(serial_of api.crt)" &&
		test "$(openssl x509 -in renewed.crt -noout -subject)" = \
			"$(openssl x509 -in api.crt -noout -subject)" &&
		old=$(date -d "$(openssl x509 -in api.crt -noout -enddate | sed "s/.*=//")" +%s) &&
		new=$(date -d "$(openssl x509 -in renewed.crt -noout -enddate | sed "s/.*=//")" +%s) &&
		test "$new" -ge "$old" &&
		pkit certificate inspect --short renewed.crt | grep -q "Provisioner: admin" &&
		test "$(openssl x509 -in renewed.crt -noout -pubkey)" = \
			"$(openssl x509 -in api.crt -noout -pubkey)" &&
		test "$(jget out "\",\".join(d)")" = crt,ca,certChain,tlsOptions
	'

	test_expect_success '/renew under /1.0, and without a certificate: 400' '
		test "$(post /1.0/renew /dev/null --cert renewed.crt --key api.localhost.key)" = 201 &&
		test "$(post /renew /dev/null)" = 400 &&
		echo "{\"status\":400,\"message\":\"The request could not be completed: missing client certificate.\"}" >want &&
		test_cmp want out
	'

	test_expect_success 'POST /rekey: the new CSR'"'"'s key, over mTLS' '
		csr rekey.localhost &&
		"$SYS_PYTHON" -c "import json; json.dump({\"csr\": open(\"rekey.localhost.csr\").read()}, open(\"rekey.json\", \"w\"))" &&
		test "$(post /rekey rekey.json --cert renewed.crt --key api.localhost.key)" = 201 &&
		crt_of out rekeyed.crt &&
		verify_chain rekeyed.crt &&
		test "$(openssl x509 -in rekeyed.crt -noout -pubkey)" = \
			"$(openssl pkey -in rekey.localhost.key -pubout)" &&
		test "$(post /rekey rekey.json)" = 400
	'

	test_expect_success 'renewal with a renew token (step ca renew --mtls=false)' '
		der=$(openssl x509 -in rekeyed.crt -outform der | base64 -w0) &&
		der2=$(openssl x509 -in "$PKITPATH/certs/intermediate_ca.crt" -outform der | base64 -w0) &&
		openssl pkcs8 -topk8 -nocrypt -in rekey.localhost.key -out rk.pem &&
		rt=$(pkit crypto jwt sign --key rk.pem --iss step-ca-client/1.0 \
			--aud "$CA_URL/renew" --sub api.localhost --exp 5m \
			--header "x5cInsecure=[\"$der\",\"$der2\"]") &&
		test "$(post /renew /dev/null -H "Authorization: Bearer $rt")" = 201 &&
		crt_of out bearer.crt &&
		verify_chain bearer.crt &&
		test "$(post /renew /dev/null -H "Authorization: Bearer $rt")" = 401 &&
		rt=$(pkit crypto jwt sign --key rk.pem --iss step-ca-client/1.0 \
			--aud "$CA_URL/1.0/sign" --sub api.localhost --exp 5m \
			--header "x5cInsecure=[\"$der\"]") &&
		test "$(post /renew /dev/null -H "Authorization: Bearer $rt")" = 401
	'

	test_expect_success 'POST /revoke with a revoke token: 200 {"status":"ok"}' '
		serial=$(serial_of api.crt) &&
		t=$(token "$serial" "$CA_URL/1.0/revoke") &&
		printf "{\"serial\": \"%s\", \"ott\": \"%s\", \"reasonCode\": 4, \"reason\": \"superseded by test\", \"passive\": true}" \
			"$serial" "$t" >rev.json &&
		test "$(post /revoke rev.json)" = 200 &&
		echo "{\"status\":\"ok\"}" >want &&
		test_cmp want out &&
		grep -q "path=/revoke .*serial=$serial .*status=200" serve.log
	'

	test_expect_success 'a revoked certificate is never renewed (401, step'"'"'s body)' '
		test "$(post /renew /dev/null --cert api.crt --key api.localhost.key)" = 401 &&
		echo "$GENERIC_401" >want &&
		test_cmp want out &&
		grep -q "has been revoked" serve.log
	'

	test_expect_success 'revoking again: 400 already revoked; the token: used' '
		t=$(token "$serial" "$CA_URL/1.0/revoke") &&
		printf "{\"serial\": \"0x%s\", \"ott\": \"%s\", \"passive\": true}" \
			"$(openssl x509 -in api.crt -noout -serial | sed "s/.*=//")" "$t" >rev2.json &&
		test "$(post /revoke rev2.json)" = 400 &&
		grep -q "The request could not be completed: certificate with serial number '"'"'$serial'"'"' is already revoked\." out &&
		test "$(post /revoke rev.json)" = 401
	'

	test_expect_success 'revoke refusals: sub not the serial 403, active 501, no auth 400' '
		s2=$(serial_of renewed.crt) &&
		t=$(token "$serial" "$CA_URL/1.0/revoke") &&
		printf "{\"serial\": \"%s\", \"ott\": \"%s\", \"passive\": true}" "$s2" "$t" >r.json &&
		test "$(post /revoke r.json)" = 403 &&
		printf "{\"serial\": \"%s\", \"passive\": false}" "$s2" >r.json &&
		test "$(post /revoke r.json --cert renewed.crt --key api.localhost.key)" = 501 &&
		printf "{\"serial\": \"%s\", \"passive\": true}" "$s2" >r.json &&
		test "$(post /revoke r.json)" = 400 &&
		grep -q "missing ott or client certificate" out &&
		printf "{\"serial\": \"12x\", \"passive\": true}" >r.json &&
		test "$(post /revoke r.json)" = 400 &&
		printf "{\"serial\": \"%s\", \"reasonCode\": 11, \"passive\": true}" "$s2" >r.json &&
		test "$(post /revoke r.json)" = 400 &&
		grep -q "reasonCode out of bounds" out
	'

	test_expect_success 'POST /revoke over mTLS with the certificate itself' '
		s3=$(serial_of rekeyed.crt) &&
		printf "{\"serial\": \"%s\", \"passive\": true}" "$s2" >r.json &&
		test "$(post /revoke r.json --cert rekeyed.crt --key rekey.localhost.key)" = 403 &&
		grep -q "serial number in client certificate different than body" out &&
		printf "{\"serial\": \"%s\", \"reasonCode\": 1, \"passive\": true}" "$s3" >r.json &&
		test "$(post /1.0/revoke r.json --cert rekeyed.crt --key rekey.localhost.key)" = 200 &&
		test "$(post /rekey rekey.json --cert rekeyed.crt --key rekey.localhost.key)" = 401
	'

	test_expect_success 'a used token stays used after a restart' '
		sign_req api.localhost.csr "$(token api.localhost)" &&
		cp req.json keep.json &&
		test "$(post /sign keep.json)" = 201 &&
		ca_stop &&
		ca_start --password-file pw.txt &&
		test "$(post /sign keep.json)" = 401 &&
		sign_req api.localhost.csr "$(token api.localhost)" &&
		test "$(post /sign req.json)" = 201
	'

	test_expect_success 'concurrent requests are each answered once recorded' '
		i=0 &&
		while test $i -lt 20
		do
			sign_req api.localhost.csr "$(token api.localhost)" &&
			cp req.json "par$i.json" &&
			i=$((i + 1)) || return 1
		done &&
		i=0 &&
		pids= &&
		while test $i -lt 20
		do
			curl -sS -o "par$i.out" -w "%{http_code}\n" \
				--cacert "$PKITPATH/certs/root_ca.crt" \
				--data-binary "@par$i.json" "https://127.0.0.1:$PORT/sign" \
				>"par$i.code" &
			pids="$pids $!"
			i=$((i + 1))
		done &&
		for p in $pids; do wait $p; done &&
		test "$(cat par*.code | sort -u)" = 201 &&
		for f in par*.out; do jget "$f" "d[\"crt\"]"; done | grep -c "BEGIN CERT" >n &&
		test "$(cat n)" = 20
	'

	test_expect_success 'SIGTERM stops the server cleanly' '
		ca_stop
	'
}

#!/bin/sh
test_description='pkit ca serve: the OCSP responder (POST /ocsp, GET /ocsp/{request})

Off by default (404 as step-ca).  With "ocsp": {"enabled": true} leaves
carry AIA OCSP and caIssuers URLs; openssl ocsp gets good for a leaf,
revoked (with time and reason) after pkit ca revoke, unknown for a
serial the CA never issued and for another issuer; the nonce is echoed;
the GET form answers as POST; a malformed request gets malformedRequest;
a delegated OCSP signing certificate signs and is sent, and one without
the OCSPSigning usage refuses the configuration.'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-ca.sh"
. "$TEST_SRC_DIR/lib-carevoke.sh"

URL=
# ocsp CERT [ARGS...]: openssl ocsp for CERT against the CA; its output in
# ocsp.out (stdout and stderr).
ocsp() {
	c=$1
	shift
	openssl ocsp -issuer "$INT" -cert "$c" -url "$URL" -CAfile "$ROOT" \
		"$@" >ocsp.out 2>&1
}

test_expect_success 'disabled by default: 404 for POST and GET, no AIA' '
	rv_init && serve && rv_bootstrap &&
	URL=https://127.0.0.1:$PORT/ocsp &&
	echo hello >body &&
	test "$(curl -sS -o out -w "%{http_code}" --cacert "$ROOT" \
		--data-binary @body -H "Content-Type: application/ocsp-request" "$URL")" = 404 &&
	grep -q "\"status\":404" out &&
	test "$(curl -sS -o out -w "%{http_code}" --cacert "$ROOT" "$URL/MAA=")" = 404 &&
	test "$(curl -sS -o out -w "%{http_code}" --cacert "$ROOT" \
		"https://127.0.0.1:$PORT/1.0/intermediate.crt")" = 404 &&
	rv_cert plain &&
	! openssl x509 -in plain.crt -noout -text | grep -q "Authority Information Access" &&
	ca_stop
'

test_expect_success 'enabled: leaves carry AIA OCSP and caIssuers; caIssuers serves the intermediate' '
	rv_conf "{\"ocsp\": {\"enabled\": true}}" && serve &&
	rv_cert leaf && rv_cert other &&
	openssl x509 -in leaf.crt -noout -ext authorityInfoAccess >aia &&
	grep -q "OCSP - URI:https://localhost:$PORT/ocsp$" aia &&
	grep -q "CA Issuers - URI:https://localhost:$PORT/1.0/intermediate.crt$" aia &&
	! openssl x509 -in leaf.crt -noout -text | grep -q "CRL Distribution" &&
	curl -sS -o int.der -D hdr --cacert "$ROOT" \
		"https://127.0.0.1:$PORT/1.0/intermediate.crt" &&
	grep -qi "^content-type: application/pkix-cert" hdr &&
	openssl x509 -inform DER -in int.der -out int.pem && cmp int.pem "$INT"
'

test_expect_success 'good before revocation (nonce echoed)' '
	ocsp leaf.crt -nonce &&
	grep -q "Response verify OK" ocsp.out &&
	grep -q "^leaf.crt: good$" ocsp.out &&
	! grep -qi "nonce" ocsp.out &&
	ocsp leaf.crt -nonce -resp_text &&
	grep -q "OCSP Nonce" ocsp.out &&
	grep -q "Next Update" ocsp.out
'

test_expect_success 'a nonce is not invented: none asked, none sent' '
	ocsp leaf.crt -no_nonce -resp_text &&
	grep -q "^leaf.crt: good$" ocsp.out &&
	! grep -q "OCSP Nonce" ocsp.out
'

test_expect_success 'revoked after pkit ca revoke, with time and reason' '
	rv_revoke leaf --reasonCode 1 &&
	ocsp leaf.crt &&
	grep -q "Response verify OK" ocsp.out &&
	grep -q "^leaf.crt: revoked$" ocsp.out &&
	grep -q "Reason: keyCompromise" ocsp.out &&
	t=$(sed -n "s/.*Revocation Time: //p" ocsp.out) &&
	test $(( $(date +%s) - $(date -d "$t" +%s) )) -lt 120 &&
	ocsp other.crt && grep -q "^other.crt: good$" ocsp.out
'

test_expect_success 'unknown: a serial this CA never issued, another issuer' '
	openssl ecparam -name prime256v1 -genkey -noout -out stray.key &&
	openssl req -new -key stray.key -subj "/CN=stray" -out stray.csr &&
	openssl x509 -req -in stray.csr -CA "$INT" \
		-CAkey "$SERVER/secrets/intermediate_ca_key" -passin file:ca-pw.txt \
		-set_serial 12345 -days 1 -out stray.crt 2>/dev/null &&
	ocsp stray.crt && grep -q "^stray.crt: unknown$" ocsp.out &&
	openssl ocsp -issuer "$ROOT" -cert "$INT" -url "$URL" -CAfile "$ROOT" \
		-no_nonce -noverify >ocsp.out 2>&1 &&
	grep -q "unknown" ocsp.out
'

test_expect_success 'GET /ocsp/{base64} answers as POST' '
	openssl ocsp -issuer "$INT" -cert leaf.crt -no_nonce -reqout req.der &&
	b64=$("$SYS_PYTHON" -c "import base64, sys, urllib.parse
print(urllib.parse.quote(base64.b64encode(open(sys.argv[1], \"rb\").read()).decode(), safe=\"\"))" req.der) &&
	curl -sS -o resp.der -D hdr --cacert "$ROOT" "$URL/$b64" &&
	grep -qi "^content-type: application/ocsp-response" hdr &&
	grep -qi "^cache-control: max-age=3600, public, no-transform, must-revalidate" hdr &&
	openssl ocsp -respin resp.der -issuer "$INT" -CAfile "$ROOT" \
		-reqin req.der -resp_text >out 2>&1 &&
	grep -q "Response verify OK" out &&
	grep -q "Cert Status: revoked" out &&
	curl -sS -o resp2.der --cacert "$ROOT" \
		"https://127.0.0.1:$PORT/1.0/ocsp/$b64" &&
	openssl ocsp -respin resp2.der -issuer "$INT" -CAfile "$ROOT" \
		-resp_text >out 2>&1 &&
	grep -q "Cert Status: revoked" out
'

test_expect_success 'malformed requests get malformedRequest (status 200), the server stays up' '
	echo "not DER" >junk &&
	test "$(curl -sS -o resp.der -w "%{http_code}" --cacert "$ROOT" \
		--data-binary @junk -H "Content-Type: application/ocsp-request" "$URL")" = 200 &&
	{ openssl ocsp -respin resp.der -resp_text -noverify >out 2>&1 || :; } &&
	grep -qi "malformedrequest" out &&
	test "$(curl -sS -o resp.der -D hdr -w "%{http_code}" --cacert "$ROOT" "$URL/%%%")" = 200 &&
	! grep -qi "^cache-control" hdr &&
	{ openssl ocsp -respin resp.der -resp_text -noverify >out 2>&1 || :; } &&
	grep -qi "malformedrequest" out &&
	ocsp other.crt && grep -q "^other.crt: good$" ocsp.out
'

test_expect_success 'a delegated OCSP signing certificate signs, and is sent' '
	ca_stop &&
	openssl ecparam -name prime256v1 -genkey -noout -out ocsp.key &&
	openssl req -new -key ocsp.key -subj "/CN=Revoke OCSP" -out ocsp.csr &&
	printf "%s\n" "keyUsage=critical,digitalSignature" \
		"extendedKeyUsage=OCSPSigning" >ocsp.ext &&
	openssl x509 -req -in ocsp.csr -CA "$INT" \
		-CAkey "$SERVER/secrets/intermediate_ca_key" -passin file:ca-pw.txt \
		-days 30 -extfile ocsp.ext -out ocsp.crt 2>/dev/null &&
	rv_conf "{\"ocsp\": {\"enabled\": true, \"cert\": \"$PWD/ocsp.crt\", \"key\": \"$PWD/ocsp.key\", \"cacheDuration\": \"10m\"}}" &&
	serve &&
	ocsp other.crt -resp_text &&
	grep -q "Response verify OK" ocsp.out &&
	grep -q "^other.crt: good$" ocsp.out &&
	grep -q "Responder Id: CN = Revoke OCSP" ocsp.out &&
	grep -q "Subject: CN *= *Revoke OCSP" ocsp.out &&
	ocsp leaf.crt && grep -q "^leaf.crt: revoked$" ocsp.out &&
	t1=$(sed -n "s/.*This Update: //p" ocsp.out) &&
	t2=$(sed -n "s/.*Next Update: //p" ocsp.out) &&
	test $(( $(date -d "$t2" +%s) - $(date -d "$t1" +%s) )) -eq 600
'

test_expect_success 'a delegated certificate without OCSPSigning refuses the configuration' '
	ca_stop &&
	printf "%s\n" "keyUsage=critical,digitalSignature" \
		"extendedKeyUsage=serverAuth" >bad.ext &&
	openssl x509 -req -in ocsp.csr -CA "$INT" \
		-CAkey "$SERVER/secrets/intermediate_ca_key" -passin file:ca-pw.txt \
		-days 30 -extfile bad.ext -out bad.crt 2>/dev/null &&
	rv_conf "{\"ocsp\": {\"enabled\": true, \"cert\": \"$PWD/bad.crt\", \"key\": \"$PWD/ocsp.key\"}}" &&
	test_expect_code 1 "$PKIT_BIN" ca serve --password-file ca-pw.txt \
		"$SERVER/config/ca.json" 2>err &&
	test_one_line err && grep -q "OCSPSigning" err &&
	rv_conf "{\"ocsp\": {\"enabled\": true, \"cert\": \"$PWD/ocsp.crt\"}}" &&
	test_expect_code 1 "$PKIT_BIN" ca serve --password-file ca-pw.txt \
		"$SERVER/config/ca.json" 2>err &&
	test_one_line err && grep -q "go together" err
'

test_done

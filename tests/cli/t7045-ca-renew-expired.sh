#!/bin/sh
test_description='allowRenewalAfterExpiry against pkit ca serve

An expired certificate cannot be shown over mutual TLS: pkit ca renew
sends step'"'"'s x5cInsecure Bearer token to /renew instead.  The CA
refuses it unless the provisioner (or authority.claims) allows renewal
after expiry; pkit ca provisioner update and SIGHUP switch it.'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-ca.sh"

CONF=$PKITPATH/config/ca.json

wait_reloads() {
	n=0
	while test "$(grep -c "reloaded .*ca.json" serve.log)" -lt "$1"
	do
		n=$((n + 1))
		test $n -le 200 || { echo "no reload $1 in serve.log" >&2; return 1; }
		sleep 0.05
	done
}

enddate() {
	date -d "$(openssl x509 -in "$1" -noout -enddate | cut -d= -f2)" +%s
}

# expired NAME: NAME.crt and NAME.key, a certificate that expired (it
# lived 6 seconds).
expired() {
	pkit ca certificate "$1" "$1.crt" "$1.key" --not-after 6s \
		--provisioner admin --provisioner-password-file pw.txt 2>/dev/null &&
	while test "$(enddate "$1.crt")" -ge "$(date +%s)"
	do
		sleep 0.5
	done &&
	sleep 1
}

renew_posts() {
	grep -c "path=/renew" serve.log || :
}

# The renew token's chain is verified at the leaf's notAfter - 1m (as
# step-ca does), so the root and the intermediate must be older than
# that: both are backdated two hours.
test_expect_success 'a CA whose provisioner admin allows 5-second certificates' '
	echo "ca keys pw" >ca-pw.txt &&
	echo "prov pw" >pw.txt &&
	pkit certificate create --profile root-ca "Renew Root CA" root.crt root.key \
		--not-before -2h --no-password --insecure &&
	pkit ca init --name Renew --dns localhost --address "$ADDR" \
		--provisioner admin --password-file ca-pw.txt \
		--provisioner-password-file pw.txt --root root.crt --key root.key 2>init.log &&
	pkit certificate create --profile intermediate-ca "Renew Intermediate CA" \
		int.crt int.key --ca root.crt --ca-key root.key --not-before -2h \
		--password-file ca-pw.txt &&
	cp int.crt "$PKITPATH/certs/intermediate_ca.crt" &&
	cp int.key "$PKITPATH/secrets/intermediate_ca_key" &&
	pkit ca provisioner update admin --x509-min-dur 5s &&
	ca_start --password-file "$PWD/ca-pw.txt" &&
	expired a
'

test_expect_success 'refused by default: 401, over the Bearer token' '
	n=$(renew_posts) &&
	test_must_fail pkit ca renew --force a.crt a.key 2>err &&
	test_one_line err && grep -q "lacked necessary authorization" err &&
	test "$(renew_posts)" -eq $((n + 1)) &&
	grep "path=/renew" serve.log | tail -n 1 >last &&
	grep -q "error=\"certificate [0-9]* expired on" last &&
	test "$(enddate a.crt)" -lt "$(date +%s)"
'

test_expect_success 'allowed once the provisioner says so (update, SIGHUP)' '
	cp a.crt a.old &&
	pkit ca provisioner update admin --allow-renewal-after-expiry &&
	kill -HUP "$CA_PID" && wait_reloads 1 &&
	pkit ca renew --force a.crt a.key 2>err &&
	test "$(enddate a.crt)" -gt "$(date +%s)" &&
	test "$(openssl x509 -in a.crt -noout -serial)" != \
		"$(openssl x509 -in a.old -noout -serial)" &&
	test "$(openssl x509 -in a.crt -noout -subject)" = \
		"$(openssl x509 -in a.old -noout -subject)" &&
	test "$(openssl x509 -in a.crt -noout -pubkey)" = \
		"$(openssl pkey -in a.key -pubout)" &&
	openssl verify -CAfile "$PKITPATH/certs/root_ca.crt" \
		-untrusted "$PKITPATH/certs/intermediate_ca.crt" a.crt
'

test_expect_success 'the renew token is single use' '
	expired b &&
	der=$(openssl x509 -in b.crt -outform der | base64 -w0) &&
	int=$(openssl x509 -in "$PKITPATH/certs/intermediate_ca.crt" -outform der | base64 -w0) &&
	rt=$(pkit crypto jwt sign --key b.key --iss step-ca-client/1.0 \
		--aud "https://localhost:$PORT/renew" --sub b --exp 5m \
		--header "x5cInsecure=[\"$der\",\"$int\"]") &&
	post() {
		curl -sS -o out -w "%{http_code}\n" --cacert "$PKITPATH/certs/root_ca.crt" \
			-X POST -H "Authorization: Bearer $rt" "https://localhost:$PORT/renew"
	} &&
	test "$(post)" = 201 &&
	test "$(post)" = 401
'

test_expect_success 'refused again with =false, even when authority.claims allows it' '
	expired c &&
	pkit ca provisioner update admin --allow-renewal-after-expiry=false &&
	"$SYS_PYTHON" -c "import json, sys
d = json.load(open(sys.argv[1]))
d[\"authority\"][\"claims\"] = {\"allowRenewalAfterExpiry\": True}
json.dump(d, open(sys.argv[1], \"w\"), indent=\"\t\")" "$CONF" &&
	kill -HUP "$CA_PID" && wait_reloads 2 &&
	test_must_fail pkit ca renew --force c.crt c.key 2>err &&
	test_one_line err && grep -q "lacked necessary authorization" err
'

test_expect_success 'allowed by authority.claims when the provisioner says nothing' '
	"$SYS_PYTHON" -c "import json, sys
d = json.load(open(sys.argv[1]))
for p in d[\"authority\"][\"provisioners\"]:
    p.get(\"claims\", {}).pop(\"allowRenewalAfterExpiry\", None)
json.dump(d, open(sys.argv[1], \"w\"), indent=\"\t\")" "$CONF" &&
	kill -HUP "$CA_PID" && wait_reloads 3 &&
	pkit ca renew --force c.crt c.key 2>err &&
	test "$(enddate c.crt)" -gt "$(date +%s)"
'

test_expect_success 'never for a revoked certificate, nor with renewal disabled' '
	expired d &&
	serial=$("$SYS_PYTHON" -c "import sys; print(int(sys.argv[1], 16))" \
		"$(openssl x509 -in d.crt -noout -serial | sed "s/.*=//")") &&
	pkit ca revoke "$serial" --provisioner admin --provisioner-password-file pw.txt 2>/dev/null &&
	test_must_fail pkit ca renew --force d.crt d.key 2>err &&
	grep "path=/renew" serve.log | tail -n 1 | grep -q "has been revoked" &&
	expired e &&
	pkit ca provisioner update admin --disable-renewal &&
	kill -HUP "$CA_PID" && wait_reloads 4 &&
	test_must_fail pkit ca renew --force e.crt e.key 2>err &&
	grep "path=/renew" serve.log | tail -n 1 | grep -q "renew is disabled" &&
	ca_stop
'

test_done

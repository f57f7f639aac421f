#!/bin/sh
test_description='ca revoke --x5c-cert/--x5c-key (an X5C provisioner'"'"'s revoke token), ca revoke --offline and ca renew --offline (the CA'"'"'s ca.json, keys and database, no server)'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-ca.sh"

serial() {
	openssl x509 -in "$1" -noout -serial | cut -d= -f2 |
		"$SYS_PYTHON" -c "import sys; print(int(sys.stdin.read().strip(), 16))"
}

enddate() {
	date -d "$(openssl x509 -in "$1" -noout -enddate | cut -d= -f2)" +%s
}

test_expect_success 'setup: a CA with an X5C provisioner trusting a factory root' '
	echo "ca keys pw" >pw.txt &&
	pkit ca init --name Rev --dns localhost --dns 127.0.0.1 --address "$ADDR" \
		--provisioner admin --password-file pw.txt 2>init.log &&
	pkit certificate create --profile root-ca "Factory Root" factory.crt \
		factory.key --no-password --insecure &&
	pkit certificate create --profile root-ca "Other Root" other.crt \
		other.key --no-password --insecure &&
	"$SYS_PYTHON" -c "import base64, json, sys
p = sys.argv[1]
d = json.load(open(p))
d[\"authority\"][\"provisioners\"].append({\"type\": \"X5C\", \"name\": \"factory\",
    \"roots\": base64.b64encode(open(\"factory.crt\", \"rb\").read()).decode()})
json.dump(d, open(p, \"w\"), indent=\"\t\")" "$PKITPATH/config/ca.json" &&
	pkit certificate create device-001 birth.crt birth.key --ca factory.crt \
		--ca-key factory.key --not-after 2h --no-password --insecure &&
	pkit certificate create device-002 stranger.crt stranger.key --ca other.crt \
		--ca-key other.key --no-password --insecure &&
	ca_start --password-file "$PWD/pw.txt" &&
	jget "$PKITPATH/config/defaults.json" "d[\"fingerprint\"]" >fp
'

test_expect_success 'revoke --x5c-cert: the X5C provisioner revokes; renewal refused after' '
	pkit ca certificate device-001 d.crt d.key --x5c-cert birth.crt \
		--x5c-key birth.key 2>err &&
	S=$(serial d.crt) &&
	pkit ca revoke "$S" --x5c-cert birth.crt --x5c-key birth.key \
		--reasonCode KeyCompromise 2>err &&
	grep -q "^✔ Provisioner: factory (X5C)$" err &&
	grep -q "^Certificate with Serial Number $S has been revoked.$" err &&
	cp d.crt before.crt &&
	test_expect_code 1 pkit ca renew --force d.crt d.key 2>err &&
	test_one_line err && grep -q "Unauthorized\|lacked necessary authorization" err &&
	test_cmp before.crt d.crt
'

test_expect_success 'revoke --x5c-cert with a certificate of another root: refused, one line' '
	pkit ca certificate device-001 e.crt e.key --x5c-cert birth.crt \
		--x5c-key birth.key 2>/dev/null &&
	test_expect_code 1 pkit ca revoke "$(serial e.crt)" --x5c-cert stranger.crt \
		--x5c-key stranger.key 2>err &&
	test_one_line err &&
	pkit ca renew --force e.crt e.key 2>/dev/null
'

test_expect_success 'revoke --x5c-*: usage errors (exit 2, one line)' '
	test_expect_code 2 pkit ca revoke 1 --x5c-cert birth.crt 2>err &&
	test_one_line err && grep -q "x5c-key" err &&
	test_expect_code 2 pkit ca revoke --cert e.crt --key e.key \
		--x5c-cert birth.crt --x5c-key birth.key 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit ca revoke 1 --token x --x5c-cert birth.crt \
		--x5c-key birth.key 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit ca revoke 1 --offline --x5c-cert birth.crt \
		--x5c-key birth.key 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit ca revoke 1 --ca-password-file pw.txt 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit ca revoke --offline --cert e.crt --key e.key 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit ca renew --ca-config x.json e.crt e.key 2>err &&
	test_one_line err
'

test_expect_success 'certificates to revoke and renew while the server is down' '
	pkit ca certificate localhost g.crt g.key --provisioner admin \
		--provisioner-password-file pw.txt 2>/dev/null &&
	pkit ca certificate localhost h.crt h.key --provisioner admin \
		--provisioner-password-file pw.txt --not-after 1h 2>/dev/null &&
	ca_stop
'

test_expect_success 'revoke --offline: recorded in the database; twice is refused' '
	S=$(serial g.crt) &&
	pkit ca revoke --offline "$S" --provisioner-password-file pw.txt \
		--ca-password-file pw.txt --reason "host retired" 2>err &&
	grep -q "^✔ Provisioner: admin (JWK) \[kid: " err &&
	grep -q "^✔ CA: https://localhost:$PORT$" err &&
	grep -q "^Certificate with Serial Number $S has been revoked.$" err &&
	test_expect_code 1 pkit ca revoke --offline "$S" --provisioner-password-file pw.txt \
		--ca-password-file pw.txt 2>err &&
	test_one_line err &&
	echo "pkit: certificate with serial number '"'"'$S'"'"' is already revoked" >want &&
	test_cmp want err
'

test_expect_success 'revoke --offline: wrong CA password, a bad token: one line' '
	echo wrong >bad.txt &&
	S=$(serial h.crt) &&
	test_expect_code 1 pkit ca revoke --offline "$S" --provisioner-password-file pw.txt \
		--ca-password-file bad.txt 2>err &&
	test_one_line err &&
	test_expect_code 1 pkit ca revoke --offline "$S" --token not.a.token \
		--ca-password-file pw.txt 2>err &&
	test_one_line err && grep -q "token is not valid" err &&
	pkit ca token --offline --revoke 12345 --provisioner-password-file pw.txt >tok 2>/dev/null &&
	test_expect_code 1 pkit ca revoke --offline "$S" --token "$(cat tok)" \
		--ca-password-file pw.txt 2>err &&
	test_one_line err && grep -q "serial" err
'

test_expect_success 'renew --offline: a new serial, the same lifetime, the chain' '
	cp h.crt h-old.crt &&
	sleep 1 &&
	pkit ca renew --offline --force --ca-password-file pw.txt h.crt h.key 2>err &&
	grep -q "^Your certificate has been saved in h.crt.$" err &&
	test "$(serial h.crt)" != "$(serial h-old.crt)" &&
	test "$(enddate h.crt)" -gt "$(enddate h-old.crt)" &&
	openssl verify -CAfile "$PKITPATH/certs/root_ca.crt" -untrusted h.crt h.crt &&
	openssl x509 -in h.crt -noout -subject | grep -q "CN *= *localhost"
'

test_expect_success 'renew --offline of a revoked certificate: refused, file kept' '
	cp g.crt g-before.crt &&
	test_expect_code 1 pkit ca renew --offline --force --ca-password-file pw.txt \
		g.crt g.key 2>err &&
	test_one_line err &&
	test_cmp g-before.crt g.crt
'

test_expect_success 'renew --offline --daemon: renews again and again; TERM stops it (0)' '
	cp h.crt h-d0.crt && : >d.out &&
	{ "$PKIT_BIN" ca renew --offline --daemon --renew-period 1s \
		--ca-password-file pw.txt h.crt h.key >d.out 2>d.err & } &&
	pid=$! &&
	n=0 &&
	while test "$(grep -c "certificate renewed, next in" d.out)" -lt 2
	do
		n=$((n + 1)) && test $n -lt 300 || { kill $pid; return 1; }
		sleep 0.1
	done &&
	kill -TERM $pid && wait $pid &&
	grep -q "first renewal in" d.out &&
	test "$(serial h.crt)" != "$(serial h-d0.crt)" &&
	openssl verify -CAfile "$PKITPATH/certs/root_ca.crt" -untrusted h.crt h.crt
'

test_expect_success 'the server sees the offline revocation and renewal' '
	ca_start --password-file "$PWD/pw.txt" &&
	pkit ca bootstrap --ca-url "https://localhost:$PORT" --fingerprint "$(cat fp)" \
		--force 2>/dev/null &&
	test_expect_code 1 pkit ca renew --force g.crt g.key 2>err &&
	test_one_line err &&
	test_cmp g-before.crt g.crt &&
	pkit ca revoke "$(serial h.crt)" --provisioner admin \
		--provisioner-password-file pw.txt 2>/dev/null &&
	test_expect_code 1 pkit ca revoke --offline "$(serial h.crt)" \
		--provisioner-password-file pw.txt --ca-password-file pw.txt 2>err &&
	test_one_line err && grep -q "already revoked" err &&
	ca_stop
'

test_done

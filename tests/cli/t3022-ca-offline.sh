#!/bin/sh
test_description='ca token, ca certificate and ca sign --offline: the CA'"'"'s ca.json and keys used here, with the same checks and database as ca serve'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-ca.sh"

test_expect_success 'setup: ca init (no server running)' '
	echo "ca keys pw" >pw.txt &&
	pkit ca init --name Off --dns localhost --dns 127.0.0.1 --address "$ADDR" \
		--provisioner admin --password-file pw.txt 2>init.log &&
	jget "$PKITPATH/config/defaults.json" "d[\"fingerprint\"]" >fp
'
FP=$(cat fp 2>/dev/null)

test_expect_success 'token --offline: only the token on stdout; the claims of ca.json' '
	pkit ca token --offline localhost --provisioner-password-file pw.txt >tok 2>err &&
	test "$(wc -l <tok)" -eq 1 &&
	grep -q "^✔ Provisioner: admin (JWK) \[kid: " err &&
	"$SYS_PYTHON" -c "import base64, json, sys
p = open(\"tok\").read().strip().split(\".\")[1]
c = json.loads(base64.urlsafe_b64decode(p + \"=\" * (-len(p) % 4)))
assert c[\"aud\"] == \"https://localhost:$PORT/1.0/sign\", c
assert c[\"iss\"] == \"admin\" and c[\"sub\"] == \"localhost\", c
assert c[\"sha\"] == \"$FP\", c
assert c[\"sans\"] == [\"localhost\"], c"
'

test_expect_success 'certificate --offline: a chain to the root, the provisioner named' '
	pkit ca certificate --offline localhost a.crt a.key \
		--provisioner-password-file pw.txt --ca-password-file pw.txt 2>err &&
	grep -q "^✔ CA: https://localhost:$PORT$" err &&
	test_mode a.crt 600 && test_mode a.key 600 &&
	openssl verify -CAfile "$PKITPATH/certs/root_ca.crt" -untrusted a.crt a.crt &&
	pkit certificate inspect --short a.crt >short &&
	grep -q "^  Provisioner: admin \[ID: " short
'

test_expect_success 'an offline token is single-use: recorded in the database' '
	pkit ca certificate --offline localhost b.crt b.key --token "$(cat tok)" \
		--ca-password-file pw.txt 2>err &&
	test_expect_code 1 pkit ca certificate --offline localhost c.crt c.key \
		--token "$(cat tok)" --ca-password-file pw.txt 2>err &&
	test_one_line err && grep -q "lacked necessary authorization.*used" err &&
	test ! -e c.crt && test ! -e c.key
'

test_expect_success 'sign --offline an existing CSR; --not-after is applied' '
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout s.key -subj /CN=svc.local -addext subjectAltName=DNS:svc.local \
		-out s.csr 2>/dev/null &&
	pkit ca sign --offline s.csr s.crt --provisioner-password-file pw.txt \
		--ca-password-file pw.txt --not-after 2h 2>err &&
	openssl x509 -in s.crt -noout -subject | grep -q "CN *= *svc.local" &&
	nb=$(date -d "$(openssl x509 -in s.crt -noout -startdate | cut -d= -f2)" +%s) &&
	na=$(date -d "$(openssl x509 -in s.crt -noout -enddate | cut -d= -f2)" +%s) &&
	test $((na - nb)) -le 7260 && test $((na - nb)) -ge 7140
'

test_expect_success 'names the token does not cover: refused (403), no files' '
	pkit ca token --offline other.local --provisioner-password-file pw.txt >tok2 2>/dev/null &&
	test_expect_code 1 pkit ca sign --offline s.csr x.crt --token "$(cat tok2)" \
		--ca-password-file pw.txt 2>err &&
	test_one_line err && test ! -e x.crt
'

test_expect_success 'the CA key password: wrong, or none without a terminal: one line, no files' '
	echo wrong >bad.txt &&
	test_expect_code 1 pkit ca certificate --offline localhost d.crt d.key \
		--provisioner-password-file pw.txt --ca-password-file bad.txt 2>err &&
	test_one_line err &&
	test_expect_code 1 pkit ca certificate --offline localhost d.crt d.key \
		--provisioner-password-file pw.txt 2>err &&
	test_one_line err && grep -q -- "--ca-password-file" err &&
	test ! -e d.crt && test ! -e d.key
'

test_expect_success '--ca-config: another ca.json; a missing one is one line' '
	cp "$PKITPATH/config/ca.json" other.json &&
	pkit ca token --offline --ca-config other.json localhost \
		--provisioner-password-file pw.txt >/dev/null 2>&1 &&
	test_expect_code 1 pkit ca token --offline --ca-config nope.json localhost \
		--provisioner-password-file pw.txt 2>err &&
	test_one_line err && grep -q "nope.json" err &&
	test_expect_code 2 pkit ca token --ca-config other.json localhost 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit ca certificate --ca-password-file pw.txt localhost e.crt e.key 2>err &&
	test_one_line err && test ! -e e.crt
'

test_expect_success 'the server takes an offline token, and refuses one used offline' '
	ca_start --password-file "$PWD/pw.txt" &&
	pkit ca bootstrap --ca-url "https://localhost:$PORT" --fingerprint "$FP" --force 2>/dev/null &&
	pkit ca token --offline localhost --provisioner-password-file pw.txt >tok3 2>/dev/null &&
	pkit ca certificate localhost f.crt f.key --token "$(cat tok3)" 2>err &&
	openssl verify -CAfile "$PKITPATH/certs/root_ca.crt" -untrusted f.crt f.crt &&
	pkit ca token --offline localhost --provisioner-password-file pw.txt >tok4 2>/dev/null &&
	pkit ca certificate --offline localhost g.crt g.key --token "$(cat tok4)" \
		--ca-password-file pw.txt 2>/dev/null &&
	test_expect_code 1 pkit ca certificate localhost h.crt h.key --token "$(cat tok4)" 2>err &&
	test_one_line err && grep -q "lacked necessary authorization" err &&
	ca_stop
'

test_done

#!/bin/sh
test_description='ca init --context: a new CA in its own context (authorities/NAME, or --authority and --profile as step), recorded and made current, used by ca serve and the client verbs'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-ca.sh"

A=$PKITPATH/authorities

test_expect_success 'ca init --context lab: the files under authorities/lab, lab current' '
	echo "ca keys pw" >pw.txt &&
	pkit ca init --context lab --name Lab --dns localhost --dns 127.0.0.1 \
		--address "$ADDR" --password-file pw.txt 2>err &&
	for f in certs/root_ca.crt certs/intermediate_ca.crt secrets/root_ca_key \
		secrets/intermediate_ca_key config/ca.json config/defaults.json
	do
		test -f "$A/lab/$f" || return 1
	done &&
	test ! -e "$PKITPATH/certs" && test ! -e "$PKITPATH/config/ca.json" &&
	test_mode "$A/lab/secrets/intermediate_ca_key" 600 &&
	grep -q "^The context .lab. has been selected.$" err &&
	grep -q "^✔ Root certificate: $A/lab/certs/root_ca.crt$" err &&
	test "$(pkit context current)" = lab &&
	pkit context current --json >out &&
	echo "{\"name\":\"lab\",\"authority\":\"lab\",\"profile\":\"lab\"}" >want &&
	test_cmp want out &&
	test "$(cat "$PKITPATH/profiles/lab/config/defaults.json")" = "{}" &&
	test "$(pkit path)" = "$A/lab" &&
	jget "$A/lab/config/ca.json" "d[\"root\"]" >root &&
	test "$(cat root)" = "$A/lab/certs/root_ca.crt"
'

test_expect_success 'the client verbs and ca serve use the current context' '
	pkit ca token --offline localhost --provisioner-password-file pw.txt >tok 2>/dev/null &&
	"$SYS_PYTHON" -c "import base64, json
p = open(\"tok\").read().strip().split(\".\")[1]
c = json.loads(base64.urlsafe_b64decode(p + \"=\" * (-len(p) % 4)))
assert c[\"aud\"] == \"https://localhost:$PORT/1.0/sign\", c" &&
	ca_start --password-file "$PWD/pw.txt" &&
	pkit ca certificate localhost a.crt a.key --token "$(cat tok)" 2>err &&
	openssl verify -CAfile "$A/lab/certs/root_ca.crt" -untrusted a.crt a.crt &&
	ca_stop
'

test_expect_success 'a second ca init --context: both recorded, the new one current' '
	pkit ca init --context lab2 --name Lab2 --dns localhost --pki \
		--password-file pw.txt 2>err &&
	test -f "$A/lab2/certs/root_ca.crt" &&
	test "$(pkit context current)" = lab2 &&
	pkit context list >out &&
	printf "\342\226\266 lab2\nlab\n" >want &&
	test_cmp want out &&
	! cmp -s "$A/lab/certs/root_ca.crt" "$A/lab2/certs/root_ca.crt" &&
	pkit context select lab && test "$(pkit path)" = "$A/lab"
'

test_expect_success 'an existing CA is not replaced without --force; no terminal: one line' '
	cp "$A/lab/certs/root_ca.crt" before.crt &&
	test_expect_code 1 pkit ca init --context lab --name Again --dns localhost \
		--password-file pw.txt 2>err &&
	test_one_line err &&
	test_cmp before.crt "$A/lab/certs/root_ca.crt" &&
	pkit ca init --context lab --name Again --dns localhost \
		--password-file pw.txt --force 2>/dev/null &&
	! cmp -s before.crt "$A/lab/certs/root_ca.crt"
'

test_expect_success 'a bad context name: one line, nothing made, the current one kept' '
	test_expect_code 1 pkit ca init --context "../x" --name X --dns localhost \
		--password-file pw.txt 2>err &&
	test_one_line err && grep -q "context" err &&
	test ! -e "$PKITPATH/x" && test ! -e "$A/../x" &&
	test "$(pkit context current)" = lab &&
	test_expect_code 2 pkit ca init --context 2>err &&
	test_one_line err
'

test_expect_success '--authority and --profile: their directories, recorded, shown by context current/list' '
	pkit ca init --context ops --authority ops.example.com --profile team \
		--name Ops --dns localhost --address "$ADDR" --password-file pw.txt 2>err &&
	grep -q "^The context .ops. has been selected.$" err &&
	grep -q "^✔ Root certificate: $A/ops.example.com/certs/root_ca.crt$" err &&
	test -f "$A/ops.example.com/config/ca.json" &&
	test ! -e "$A/ops" && test ! -e "$PKITPATH/profiles/ops" &&
	test "$(cat "$PKITPATH/profiles/team/config/defaults.json")" = "{}" &&
	test_mode "$PKITPATH/profiles/team/config/defaults.json" 600 &&
	pkit context current --json >out &&
	echo "{\"name\":\"ops\",\"authority\":\"ops.example.com\",\"profile\":\"team\"}" >want &&
	test_cmp want out &&
	pkit context list >out &&
	printf "\342\226\266 ops\nlab\nlab2\n" >want &&
	test_cmp want out &&
	test "$(pkit path)" = "$A/ops.example.com" &&
	jget "$PKITPATH/contexts.json" "d[\"ops\"]" >entry &&
	test "$(cat entry)" = "{'"'"'authority'"'"': '"'"'ops.example.com'"'"', '"'"'profile'"'"': '"'"'team'"'"'}" &&
	jget "$A/ops.example.com/config/ca.json" "d[\"root\"]" >root &&
	test "$(cat root)" = "$A/ops.example.com/certs/root_ca.crt"
'

test_expect_success 'the context of --authority is the one ca serve and the client verbs use' '
	ca_start --password-file "$PWD/pw.txt" &&
	pkit ca certificate localhost o.crt o.key --provisioner admin \
		--provisioner-password-file pw.txt 2>err &&
	openssl verify -CAfile "$A/ops.example.com/certs/root_ca.crt" -untrusted o.crt o.crt &&
	pkit --context lab ca token --offline localhost \
		--provisioner-password-file pw.txt >tok 2>/dev/null &&
	test_expect_code 1 pkit ca certificate localhost p.crt p.key \
		--token "$(cat tok)" 2>err &&
	test_one_line err && test ! -e p.crt &&
	ca_stop
'

test_expect_success 'only --profile: the authority is the context name; another context may share it' '
	pkit ca init --context solo --profile team --name Solo --dns localhost \
		--pki --password-file pw.txt 2>err &&
	test -f "$A/solo/certs/root_ca.crt" &&
	pkit context current --json >out &&
	echo "{\"name\":\"solo\",\"authority\":\"solo\",\"profile\":\"team\"}" >want &&
	test_cmp want out &&
	pkit context select ops &&
	pkit context remove --force solo 2>err &&
	test ! -e "$A/solo" &&
	test -f "$PKITPATH/profiles/team/config/defaults.json"
'

test_expect_success '--authority or --profile without --context: usage, exit 2, nothing made' '
	test_expect_code 2 pkit ca init --authority x --name X --dns localhost \
		--password-file pw.txt 2>err &&
	test_one_line err && grep -q "need --context" err &&
	test_expect_code 2 pkit ca init --profile x --name X --dns localhost \
		--password-file pw.txt 2>err &&
	test_one_line err &&
	test ! -e "$A/x" && test ! -e "$PKITPATH/profiles/x" &&
	test ! -e "$PKITPATH/certs" &&
	test "$(pkit context current)" = ops
'

test_expect_success 'a bad authority or profile name: one line, nothing made, nothing recorded' '
	cp "$PKITPATH/contexts.json" contexts.before &&
	test_expect_code 1 pkit ca init --context bad --authority ../evil --name X \
		--dns localhost --password-file pw.txt 2>err &&
	test_one_line err && grep -q "authority" err &&
	test_expect_code 1 pkit ca init --context bad --profile "." --name X \
		--dns localhost --password-file pw.txt 2>err &&
	test_one_line err && grep -q "profile" err &&
	test ! -e "$PKITPATH/evil" && test ! -e "$A/bad" &&
	test_cmp contexts.before "$PKITPATH/contexts.json" &&
	test "$(pkit context current)" = ops
'

test_done

#!/bin/sh
test_description='pkit ca provisioner add, update, remove: editing ca.json

JWK (new key escrowed, --public-key, --private-key), X5C, ACME, OIDC and
SSHPOP provisioners and their claims; keys pkit does not know are kept,
duplicates and misfits refused with the file untouched; a running
pkit ca serve takes the change on SIGHUP.'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-ca.sh"
SQ="'"

CONF=$PKITPATH/config/ca.json

# wait_log PATTERN: until serve.log has a line matching PATTERN (10 s).
wait_log() {
	n=0
	while ! grep -q "$1" serve.log
	do
		n=$((n + 1))
		test $n -le 200 || { echo "no '$1' in serve.log" >&2; return 1; }
		sleep 0.05
	done
}

# prov NAME EXPR: EXPR of the provisioner NAME of ca.json (bound to p).
prov() {
	"$SYS_PYTHON" -c 'import json, sys
d = json.load(open(sys.argv[1]))
p = [p for p in d["authority"]["provisioners"] if p.get("name") == sys.argv[2]]
p = p[0] if p else None
print(eval(sys.argv[3]))' "$CONF" "$1" "$2"
}

# unchanged CMD...: CMD fails with one line and ca.json stays as it was.
unchanged() {
	cp "$CONF" before.json &&
	test_must_fail "$@" 2>err &&
	test_one_line err &&
	cmp before.json "$CONF"
}

test_expect_success 'a CA, and keys of ca.json that pkit does not model' '
	echo "ca keys pw" >ca-pw.txt &&
	echo "prov pw" >pw.txt &&
	pkit ca init --name Edit --dns localhost --address "$ADDR" \
		--provisioner admin --password-file ca-pw.txt 2>init.log &&
	"$SYS_PYTHON" -c "import json, sys
d = json.load(open(sys.argv[1]))
d[\"x-site\"] = {\"owner\": \"ops\"}
d[\"authority\"][\"x-note\"] = \"keep me\"
d[\"authority\"][\"provisioners\"].append({\"type\": \"Magic\", \"name\": \"m\"})
d[\"authority\"][\"provisioners\"][0][\"x-extra\"] = 7
json.dump(d, open(sys.argv[1], \"w\"), indent=\"\t\")" "$CONF"
'

test_expect_success 'add a JWK provisioner: a new key, escrowed encrypted' '
	pkit ca provisioner add ops --password-file pw.txt 2>err &&
	kid=$(sed -n "s/.*Key ID: //p" err) && test -n "$kid" &&
	test "$(prov ops "p[\"type\"]")" = JWK &&
	test "$(prov ops "p[\"key\"][\"kid\"]")" = "$kid" &&
	test "$(prov ops "sorted(p[\"key\"])")" = \
		"[${SQ}alg${SQ}, ${SQ}crv${SQ}, ${SQ}kid${SQ}, ${SQ}kty${SQ}, ${SQ}use${SQ}, ${SQ}x${SQ}, ${SQ}y${SQ}]" &&
	prov ops "p[\"encryptedKey\"]" >ek &&
	pkit crypto jwe decrypt --password-file pw.txt ek >ops.jwk &&
	test "$(jget ops.jwk "d[\"kid\"]")" = "$kid" &&
	test "$(jget ops.jwk "d[\"x\"]")" = "$(prov ops "p[\"key\"][\"x\"]")" &&
	jget ops.jwk "d[\"d\"]" >/dev/null
'

test_expect_success 'what pkit does not model is kept, in place' '
	test "$(jget "$CONF" "d[\"x-site\"][\"owner\"]")" = ops &&
	test "$(jget "$CONF" "d[\"authority\"][\"x-note\"]")" = "keep me" &&
	test "$(jget "$CONF" "d[\"authority\"][\"provisioners\"][0][\"x-extra\"]")" = 7 &&
	test "$(jget "$CONF" "[p[\"name\"] for p in d[\"authority\"][\"provisioners\"]]")" = \
		"[${SQ}admin${SQ}, ${SQ}m${SQ}, ${SQ}ops${SQ}]" &&
	sed -n 2p "$CONF" | grep -q "^	\"root\""
'

test_expect_success 'a name already used is refused, whatever its type' '
	unchanged pkit ca provisioner add ops --password-file pw.txt &&
	grep -q "already a provisioner called ${SQ}ops${SQ}" err &&
	unchanged pkit ca provisioner add m --type SSHPOP
'

test_expect_success 'JWK with --public-key (nothing escrowed) and --private-key (escrowed)' '
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out p384.pem &&
	chmod 600 p384.pem &&
	openssl pkey -in p384.pem -pubout -out p384.pub &&
	pkit ca provisioner add pub --public-key p384.pub 2>err &&
	test "$(prov pub "\"encryptedKey\" in p")" = False &&
	test "$(prov pub "p[\"key\"][\"alg\"]")" = ES384 &&
	test "$(prov pub "p[\"key\"][\"kid\"]")" = "$(sed -n "s/.*Key ID: //p" err)" &&
	pkit ca provisioner add priv --private-key p384.pem --password-file pw.txt &&
	prov priv "p[\"encryptedKey\"]" >ek2 &&
	pkit crypto jwe decrypt --password-file pw.txt ek2 >priv.jwk &&
	test "$(jget priv.jwk "d[\"x\"]")" = "$(prov pub "p[\"key\"][\"x\"]")" &&
	test_expect_code 2 pkit ca provisioner add both --public-key p384.pub \
		--private-key p384.pem 2>err && test_one_line err &&
	unchanged pkit ca provisioner add pk2 --private-key p384.pub --password-file pw.txt
'

test_expect_success 'X5C, ACME, OIDC and SSHPOP provisioners' '
	pkit certificate create --profile root-ca "Factory Root" factory.crt \
		factory.key --no-password --insecure &&
	pkit ca provisioner add factory --type X5C --x5c-root factory.crt &&
	"$SYS_PYTHON" -c "import base64, sys
assert base64.b64decode(sys.argv[1]) == open(\"factory.crt\", \"rb\").read()" \
		"$(prov factory "p[\"roots\"]")" &&
	pkit ca provisioner add acme2 --type ACME --challenge dns-01 \
		--challenge http-01 --force-cn --require-eab &&
	test "$(prov acme2 "(p[\"challenges\"], p[\"forceCN\"], p[\"requireEAB\"])")" = \
		"([${SQ}dns-01${SQ}, ${SQ}http-01${SQ}], True, True)" &&
	pkit ca provisioner add google --type OIDC --client-id cid.apps \
		--client-secret s3 --configuration-endpoint \
		https://accounts.google.com/.well-known/openid-configuration \
		--domain example.com --admin boss@example.com &&
	test "$(prov google "(p[\"clientID\"], p[\"clientSecret\"], p[\"domains\"], p[\"admins\"])")" = \
		"(${SQ}cid.apps${SQ}, ${SQ}s3${SQ}, [${SQ}example.com${SQ}], [${SQ}boss@example.com${SQ}])" &&
	pkit ca provisioner add sshpop --type SSHPOP --ssh &&
	test "$(prov sshpop "p[\"claims\"]")" = "{${SQ}enableSSHCA${SQ}: True}"
'

test_expect_success 'what a type needs, and what it cannot take' '
	unchanged pkit ca provisioner add f2 --type X5C &&
	grep -q "x5c-root" err &&
	unchanged pkit ca provisioner add f3 --type X5C --x5c-root pw.txt &&
	unchanged pkit ca provisioner add o2 --type OIDC --client-id x &&
	unchanged pkit ca provisioner add a2 --type ACME --challenge smtp-01 &&
	grep -q "smtp-01" err &&
	unchanged pkit ca provisioner add a3 --type ACME --x5c-root factory.crt &&
	grep -q "is ACME: roots (X5C) do not apply" err &&
	unchanged pkit ca provisioner update factory --force-cn &&
	unchanged pkit ca provisioner update google --create --password-file pw.txt
'

test_expect_success 'update: claims, flags set and cleared, rename' '
	pkit ca provisioner update factory --x509-min-dur 1m --x509-max-dur 48h \
		--x509-default-dur 2h --allow-renewal-after-expiry --disable-renewal &&
	test "$(prov factory "p[\"claims\"]")" = \
		"{${SQ}minTLSCertDuration${SQ}: ${SQ}1m0s${SQ}, ${SQ}maxTLSCertDuration${SQ}: ${SQ}48h0m0s${SQ}, ${SQ}defaultTLSCertDuration${SQ}: ${SQ}2h0m0s${SQ}, ${SQ}disableRenewal${SQ}: True, ${SQ}allowRenewalAfterExpiry${SQ}: True}" &&
	pkit ca provisioner update factory --disable-renewal=false --name plant &&
	test "$(prov plant "p[\"claims\"][\"disableRenewal\"]")" = False &&
	test "$(prov factory "p")" = None &&
	pkit ca provisioner update acme2 --force-cn=false &&
	test "$(prov acme2 "\"forceCN\" in p")" = False &&
	test "$(prov acme2 "p[\"requireEAB\"]")" = True
'

test_expect_success 'update refusals: out-of-range claims, bad flags, unknown names' '
	unchanged pkit ca provisioner update ops --x509-min-dur 48h &&
	grep -q "greater than max" err &&
	unchanged pkit ca provisioner update ops --name admin &&
	unchanged pkit ca provisioner update nobody --disable-renewal &&
	grep -q "no provisioner called ${SQ}nobody${SQ}" err &&
	unchanged pkit ca provisioner update m --disable-renewal &&
	cp "$CONF" before.json &&
	test_expect_code 2 pkit ca provisioner update ops --x509-min-dur soon 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit ca provisioner update ops --disable-renewal=maybe 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit ca provisioner add x --type Bogus 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit ca provisioner add 2>err &&
	test_one_line err &&
	cmp before.json "$CONF"
'

test_expect_success 'a new JWK key without a password file and without a terminal' '
	unchanged pkit ca provisioner add nopw &&
	grep -q -- "--password-file" err
'

test_expect_success 'remove, and --ca-config for another file (its mode kept)' '
	pkit ca provisioner remove pub &&
	test "$(prov pub "p")" = None &&
	unchanged pkit ca provisioner remove pub &&
	cp "$CONF" other.json && chmod 600 other.json &&
	pkit ca provisioner remove priv --ca-config other.json &&
	test_mode other.json 600 &&
	test "$(prov priv "p[\"name\"]")" = priv &&
	test "$(jget other.json "[p[\"name\"] for p in d[\"authority\"][\"provisioners\"] if p[\"name\"] == \"priv\"]")" = "[]" &&
	unchanged pkit ca provisioner remove x --ca-config nope.json &&
	echo "{ broken" >broken.json &&
	test_must_fail pkit ca provisioner remove ops --ca-config broken.json 2>err &&
	test_one_line err && grep -q "broken.json" err
'

test_expect_success 'concurrent edits are serialized: none is lost' '
	for i in 1 2 3 4 5 6
	do
		pkit ca provisioner add "par$i" --type SSHPOP 2>/dev/null &
	done &&
	wait &&
	test "$(jget "$CONF" "len([p for p in d[\"authority\"][\"provisioners\"] if p[\"name\"].startswith(\"par\")])")" = 6 &&
	for i in 1 2 3 4 5 6
	do
		pkit ca provisioner remove "par$i" 2>/dev/null || return 1
	done
'

test_expect_success 'ca serve loads the edited ca.json; SIGHUP takes the next edits' '
	ca_start --password-file "$PWD/ca-pw.txt" &&
	FP=$(jget "$PKITPATH/config/defaults.json" "d[\"fingerprint\"]") &&
	pkit ca provisioner list >list.json &&
	test "$(jget list.json "[p[\"name\"] for p in d]")" = \
		"[${SQ}admin${SQ}, ${SQ}ops${SQ}, ${SQ}priv${SQ}, ${SQ}plant${SQ}, ${SQ}acme2${SQ}, ${SQ}google${SQ}, ${SQ}sshpop${SQ}]" &&
	pkit ca provisioner add late --password-file pw.txt &&
	pkit ca provisioner remove google &&
	kill -HUP "$CA_PID" &&
	wait_log "reloaded .*ca.json" &&
	pkit ca provisioner list >list.json &&
	test "$(jget list.json "[p[\"name\"] for p in d]")" = \
		"[${SQ}admin${SQ}, ${SQ}ops${SQ}, ${SQ}priv${SQ}, ${SQ}plant${SQ}, ${SQ}acme2${SQ}, ${SQ}sshpop${SQ}, ${SQ}late${SQ}]" &&
	pkit ca certificate svc svc.crt svc.key --provisioner late \
		--provisioner-password-file pw.txt 2>err &&
	openssl verify -CAfile "$PKITPATH/certs/root_ca.crt" \
		-untrusted "$PKITPATH/certs/intermediate_ca.crt" svc.crt
'

test_expect_success 'a removed provisioner stops signing after SIGHUP' '
	t=$(pkit ca token svc2 --provisioner late --provisioner-password-file pw.txt 2>/dev/null) &&
	pkit ca provisioner remove late &&
	kill -HUP "$CA_PID" &&
	n=0 && while test "$(grep -c "reloaded .*ca.json" serve.log)" -lt 2
	do
		n=$((n + 1)); test $n -le 200 || break; sleep 0.05
	done &&
	test_must_fail pkit ca certificate svc2 s2.crt s2.key --token "$t" 2>err &&
	test_one_line err && grep -q "lacked necessary authorization" err &&
	ca_stop
'

test_done

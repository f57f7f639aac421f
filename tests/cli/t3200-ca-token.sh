#!/bin/sh
test_description='ca token: step-compatible one-time tokens, provisioner choice, passwords, the picker'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-caops.sh"

DRIVE="$SYS_PYTHON $TEST_SRC_DIR/tty-drive.py"
on_tty() {
	env -u PKIT_NONINTERACTIVE $DRIVE "$@"
}

test_expect_success 'setup: a CA with one JWK provisioner, bootstrapped' '
	mkprov admin "admin pw" &&
	echo "admin pw" >pw.txt &&
	echo "wrong" >bad.txt &&
	signing_ca ca &&
	pkit ca bootstrap --ca-url "$(url ca)" --fingerprint "$(fingerprint root.crt)" 2>err &&
	cat prov-admin.kid >kid
'
KID=$(cat kid 2>/dev/null)
URL=$(url ca 2>/dev/null)

test_expect_success 'only the token on stdout; the provisioner on stderr' '
	pkit ca token localhost --provisioner-password-file pw.txt >out 2>err &&
	test "$(wc -l <out)" -eq 1 &&
	grep -qE "^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$" out &&
	echo "✔ Provisioner: admin (JWK) [kid: $KID]" >want &&
	test_cmp want err
'

test_expect_success 'the header and claims are step'"'"'s' '
	T=$(cat out) &&
	test "$(jwt_header "$T" "\" \".join(sorted(h))")" = "alg kid typ" &&
	test "$(jwt_header "$T" "\" \".join((h[\"alg\"], h[\"kid\"], h[\"typ\"]))")" = "ES256 $KID JWT" &&
	test "$(claims "$T" "\" \".join(sorted(c))")" = "aud exp iat iss jti nbf sans sha sub" &&
	test "$(claims "$T" "c[\"aud\"]")" = "$URL/1.0/sign" &&
	test "$(claims "$T" "c[\"iss\"]")" = admin &&
	test "$(claims "$T" "c[\"sub\"]")" = localhost &&
	test "$(claims "$T" "\" \".join(c[\"sans\"])")" = localhost &&
	test "$(claims "$T" "c[\"sha\"]")" = "$(fingerprint root.crt)" &&
	test "$(claims "$T" "c[\"exp\"] - c[\"nbf\"], c[\"nbf\"] == c[\"iat\"]")" = "(300, True)" &&
	claims "$T" "c[\"jti\"]" | grep -qxE "[0-9a-f]{64}"
'

test_expect_success 'the token verifies with the provisioner'"'"'s public key' '
	"$SYS_PYTHON" -c "import json; d = json.load(open(\"provs.json\"))[0][\"key\"]; print(json.dumps(d))" >pub.json &&
	pkit crypto jwt verify --key pub.json --iss admin --aud "$URL/1.0/sign" <out >/dev/null
'

test_expect_success 'the key comes from the CA: provisioners, then the encrypted key' '
	requests ca | tail -2 >got &&
	printf "GET /provisioners?limit=100\nGET /provisioners/%s/encrypted-key\n" "$KID" >want &&
	test_cmp want got
'

test_expect_success 'each token has its own jti' '
	pkit ca token localhost --provisioner-password-file pw.txt >out2 2>/dev/null &&
	test "$(claims "$(cat out)" "c[\"jti\"]")" != "$(claims "$(cat out2)" "c[\"jti\"]")"
'

test_expect_success '--san is repeatable and replaces the default' '
	T=$(pkit ca token host --san a.example --san 10.0.0.1 --san me@example.com \
		--provisioner-password-file pw.txt 2>/dev/null) &&
	test "$(claims "$T" "\" \".join(c[\"sans\"])")" = "a.example 10.0.0.1 me@example.com" &&
	test "$(claims "$T" "c[\"sub\"]")" = host
'

test_expect_success '--not-before and --not-after bound the token' '
	T=$(pkit ca token host --not-after 30m --provisioner-password-file pw.txt 2>/dev/null) &&
	test "$(claims "$T" "1790 < c[\"exp\"] - c[\"nbf\"] <= 1800")" = True &&
	T=$(pkit ca token host --not-before 10m --provisioner-password-file pw.txt 2>/dev/null) &&
	test "$(claims "$T" "590 < c[\"nbf\"] - c[\"iat\"] <= 600, c[\"exp\"] - c[\"nbf\"]")" = "(True, 300)"
'

test_expect_success 'step'"'"'s limits on the token validity: usage errors, nothing asked' '
	n=$(requests ca | wc -l) &&
	test_expect_code 2 pkit ca token host --not-after 2h --provisioner-password-file pw.txt >out 2>err &&
	test_one_line err && grep -q -- "--not-after: a token may be valid for at most 1 hour" err &&
	test_expect_code 2 pkit ca token host --not-before 31m --provisioner-password-file pw.txt 2>err &&
	test_one_line err && grep -q -- "--not-before" err &&
	test_expect_code 2 pkit ca token host --not-after 5s --provisioner-password-file pw.txt 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit ca token host --not-after soon --provisioner-password-file pw.txt 2>err &&
	test_one_line err &&
	test ! -s out &&
	test "$(requests ca | wc -l)" -eq "$n"
'

test_expect_success '--revoke: aud /1.0/revoke, sub the decimal serial, no sans' '
	T=$(pkit ca token --revoke 231117447564892959547048245840438182452 \
		--provisioner-password-file pw.txt 2>/dev/null) &&
	test "$(claims "$T" "c[\"aud\"]")" = "$URL/1.0/revoke" &&
	test "$(claims "$T" "c[\"sub\"]")" = 231117447564892959547048245840438182452 &&
	test "$(claims "$T" "\"sans\" in c")" = False &&
	T=$(pkit ca token 0x1f --revoke --provisioner-password-file pw.txt 2>/dev/null) &&
	test "$(claims "$T" "c[\"sub\"]")" = 31
'

test_expect_success '--revoke refuses SANs and non-serials' '
	test_expect_code 2 pkit ca token 12 --revoke --san x --provisioner-password-file pw.txt 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit ca token host --revoke --provisioner-password-file pw.txt 2>err &&
	test_one_line err && grep -q "not a serial number" err
'

test_expect_success '--ssh: aud /1.0/ssh/sign and the step claim' '
	T=$(pkit ca token alice@example.com --ssh -n alice -n root --cert-not-after 1h \
		--provisioner-password-file pw.txt 2>/dev/null) &&
	test "$(claims "$T" "c[\"aud\"]")" = "$URL/1.0/ssh/sign" &&
	test "$(claims "$T" "json.dumps(c[\"step\"], sort_keys=True)")" = "{\"ssh\": {\"certType\": \"user\", \"keyID\": \"alice@example.com\", \"principals\": [\"alice\", \"root\"], \"validAfter\": \"\", \"validBefore\": \"1h0m0s\"}}" &&
	T=$(pkit ca token h.example --ssh --host --provisioner-password-file pw.txt 2>/dev/null) &&
	test "$(claims "$T" "c[\"step\"][\"ssh\"][\"certType\"]")" = host &&
	test_expect_code 2 pkit ca token h --host 2>err && test_one_line err &&
	test_expect_code 2 pkit ca token h --ssh --san x 2>err && test_one_line err
'

test_expect_success '--password-file works as step accepts it' '
	pkit ca token localhost --password-file pw.txt >out 2>/dev/null &&
	test -s out
'

test_expect_success 'a wrong password: one line, exit 1, no token' '
	test_expect_code 1 pkit ca token localhost --provisioner-password-file bad.txt >out 2>err &&
	test_one_line err &&
	grep -q "provisioner .admin.: cannot decrypt it: wrong password" err &&
	test ! -s out
'

test_expect_success 'no password and no terminal: the flag is named' '
	test_expect_code 1 pkit ca token localhost >out 2>err </dev/null &&
	test_one_line err &&
	grep -q -- "--provisioner-password-file" err &&
	test ! -s out
'

test_expect_success 'a missing password file' '
	test_expect_code 1 pkit ca token localhost --provisioner-password-file nope.txt 2>err &&
	test_one_line err && grep -q "nope.txt" err
'

test_expect_success '--key: the provisioner'"'"'s own key file, checked against the CA'"'"'s' '
	pkit ca token localhost --key prov-admin.json >out 2>err &&
	pkit crypto jwt verify --key pub.json --iss admin --aud "$URL/1.0/sign" <out >/dev/null &&
	test "$(requests ca | tail -1)" = "GET /provisioners?limit=100" &&
	pkit crypto jwk create --no-password --insecure other.pub other.json 2>/dev/null &&
	test_expect_code 1 pkit ca token localhost --key other.json >out 2>err &&
	test_one_line err && grep -q "other.json is not the key of provisioner .admin." err &&
	test ! -s out
'

test_expect_success '--key that others can read is refused' '
	cp prov-admin.json open.json && chmod 644 open.json &&
	test_expect_code 1 pkit ca token localhost --key open.json 2>err &&
	test_one_line err && grep -q "open.json" err
'

test_expect_success '--key encrypted, with --password-file' '
	pkit crypto jwk create --password-file pw.txt enc.pub enc.json 2>/dev/null &&
	test_expect_code 1 pkit ca token localhost --key enc.json --password-file pw.txt 2>err &&
	grep -q "is not the key of provisioner" err &&
	test_expect_code 1 pkit ca token localhost --key enc.json 2>err </dev/null &&
	test_one_line err && grep -q -- "--provisioner-password-file" err
'

test_expect_success '--output-file: the token alone, 0600; --force to replace' '
	pkit ca token localhost --provisioner-password-file pw.txt --output-file tok.txt >out 2>err &&
	test ! -s out && test_mode tok.txt 600 &&
	test "$(wc -l <tok.txt)" -eq 0 &&
	test "$(claims "$(cat tok.txt)" "c[\"sub\"]")" = localhost &&
	test_expect_code 1 pkit ca token localhost --provisioner-password-file pw.txt --output-file tok.txt 2>err &&
	test_one_line err && grep -q -- "--force" err &&
	pkit ca token localhost --provisioner-password-file pw.txt --output-file tok.txt --force 2>err
'

test_expect_success 'setup: a second JWK provisioner and an ACME one' '
	mkprov ops "ops pw" &&
	echo "ops pw" >ops.txt &&
	"$SYS_PYTHON" -c "import json; p = json.load(open(\"provs.json\")); p.insert(1, {\"type\": \"ACME\", \"name\": \"acme\"}); json.dump(p, open(\"provs.json\", \"w\"))" &&
	restart_ca ca
'
OPS=$(cat prov-ops.kid 2>/dev/null)

test_expect_success 'several provisioners, no terminal: --provisioner is needed (exit 2)' '
	test_expect_code 2 pkit ca token localhost --provisioner-password-file pw.txt >out 2>err &&
	test_one_line err &&
	grep -q "the CA has 2 JWK provisioners (admin, ops)" err &&
	grep -q -- "use --provisioner" err &&
	test ! -s out
'

test_expect_success '--provisioner (or --issuer) and --kid choose' '
	T=$(pkit ca token localhost --provisioner ops --provisioner-password-file ops.txt 2>err) &&
	test "$(claims "$T" "c[\"iss\"]")" = ops &&
	test "$(jwt_header "$T" "h[\"kid\"]")" = "$OPS" &&
	grep -q "Provisioner: ops (JWK)" err &&
	T=$(pkit ca token localhost --issuer admin --provisioner-password-file pw.txt 2>/dev/null) &&
	test "$(claims "$T" "c[\"iss\"]")" = admin &&
	T=$(pkit ca token localhost --kid "$OPS" --provisioner-password-file ops.txt 2>/dev/null) &&
	test "$(claims "$T" "c[\"iss\"]")" = ops
'

test_expect_success 'an unknown provisioner, and one that is not JWK' '
	test_expect_code 1 pkit ca token localhost --provisioner nobody 2>err &&
	test_one_line err && grep -q "the CA has no provisioner .nobody." err &&
	test_expect_code 1 pkit ca token localhost --provisioner acme 2>err &&
	test_one_line err && grep -q ".acme. is of type ACME: only JWK provisioners mint tokens" err &&
	test_expect_code 1 pkit ca token localhost --provisioner ops --kid "$KID" 2>err &&
	test_one_line err
'

test_expect_success 'on a terminal: the picker chooses with the arrow keys' '
	on_tty tr "What provisioner key do you want to use?" "$(printf "\033[B")" \
		-- "$PKIT_BIN" ca token localhost --provisioner-password-file ops.txt --output-file picked.txt &&
	grep -q "admin (JWK) \[kid: $KID\]" tr &&
	grep -q "ops (JWK) \[kid: $OPS\]" tr &&
	test "$(claims "$(cat picked.txt)" "c[\"iss\"]")" = ops
'

test_expect_success 'on a terminal: Enter takes the first; q cancels' '
	on_tty tr "What provisioner key" "" \
		-- "$PKIT_BIN" ca token localhost --provisioner-password-file pw.txt --output-file first.txt &&
	test "$(claims "$(cat first.txt)" "c[\"iss\"]")" = admin &&
	test_expect_code 1 on_tty tr "What provisioner key" "q" \
		-- "$PKIT_BIN" ca token localhost --provisioner-password-file pw.txt --output-file none.txt &&
	grep -q "no choice made" tr &&
	test ! -e none.txt
'

test_expect_success 'on a terminal: the provisioner password is asked with echo off' '
	on_tty tr "Please enter the password to decrypt the key of provisioner admin" "admin pw" \
		-- "$PKIT_BIN" ca token localhost --provisioner admin --output-file asked.txt &&
	! grep -q "admin pw" tr &&
	test "$(claims "$(cat asked.txt)" "c[\"iss\"]")" = admin
'

test_expect_success 'without a CA URL: a usage error' '
	(PKITPATH=$PWD/empty && export PKITPATH &&
	 test_expect_code 2 pkit ca token localhost 2>err) &&
	test_one_line err && grep -q -- "--ca-url" err
'

test_expect_success 'a CA that is down: one line, exit 1, no token' '
	test_expect_code 1 pkit ca token localhost --ca-url https://127.0.0.1:1 \
		--provisioner-password-file pw.txt >out 2>err &&
	test_one_line err && test ! -s out
'

test_expect_success 'bad flags: exit 2, one line' '
	test_expect_code 2 pkit ca token localhost --provisoner admin 2>err &&
	test_one_line err && grep -q "did you mean" err &&
	test_expect_code 2 pkit ca token 2>err && test_one_line err &&
	test_expect_code 2 pkit ca token a b 2>err && test_one_line err
'

test_done

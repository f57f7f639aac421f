#!/bin/sh
test_description='ca revoke: by serial with a token (minted or given), by mutual TLS; renewal refused after'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-caops.sh"

test_expect_success 'setup: a CA, bootstrapped, and certificates from it' '
	mkprov admin "admin pw" &&
	echo "admin pw" >pw.txt &&
	signing_ca ca &&
	pkit ca bootstrap --ca-url "$(url ca)" --fingerprint "$(fingerprint root.crt)" 2>err &&
	for n in one two three four; do
		pkit ca certificate $n.example $n.crt $n.key --provisioner-password-file pw.txt 2>err ||
		return 1
	done
'
URL=$(url ca 2>/dev/null)
KID=$(cat prov-admin.kid 2>/dev/null)

test_expect_success 'by serial: a revoke token is minted; step'"'"'s messages' '
	s=$(serial one.crt) &&
	pkit ca revoke "$s" --reason "key lost" --reasonCode "key compromise" \
		--provisioner-password-file pw.txt >out 2>err &&
	test ! -s out &&
	cat >want <<-EOF &&
	✔ Provisioner: admin (JWK) [kid: $KID]
	✔ CA: $URL
	Certificate with Serial Number $s has been revoked.
	EOF
	test_cmp want err
'

test_expect_success 'the request is step'"'"'s revoke request' '
	n=$(posts ca) && s=$(serial one.crt) &&
	test "$(body ca $n "\" \".join(sorted(b))")" = "ott passive reason reasonCode serial" &&
	test "$(body ca $n "b[\"serial\"]")" = "$s" &&
	test "$(body ca $n "b[\"reasonCode\"], b[\"reason\"], b[\"passive\"]")" = "(1, '"'"'key lost'"'"', True)" &&
	T=$(body ca $n "b[\"ott\"]") &&
	test "$(claims "$T" "c[\"aud\"]")" = "$URL/1.0/revoke" &&
	test "$(claims "$T" "c[\"sub\"]")" = "$s" &&
	test "$(claims "$T" "\"sans\" in c")" = False
'

test_expect_success 'a revoked certificate cannot be renewed: the CA'"'"'s message' '
	cp one.crt keep.crt &&
	test_expect_code 1 pkit ca renew --force one.crt one.key 2>err &&
	test_one_line err &&
	grep -q "^pkit: $URL/renew: The request lacked necessary authorization to be completed. Please see the certificate authority logs for more info.$" err &&
	cmp one.crt keep.crt
'

test_expect_success 'revoking it again: the CA says it is already revoked' '
	s=$(serial one.crt) &&
	test_expect_code 1 pkit ca revoke "$s" --provisioner-password-file pw.txt 2>err &&
	test_one_line err &&
	grep -q "certificate with serial number .$s. is already revoked" err
'

test_expect_success 'with --token from ca token --revoke; hex serials are sent in decimal' '
	s=$(serial two.crt) &&
	hex=$(openssl x509 -in two.crt -noout -serial | cut -d= -f2) &&
	T=$(pkit ca token --revoke "0x$hex" --provisioner-password-file pw.txt 2>/dev/null) &&
	pkit ca revoke --token "$T" "0x$hex" 2>err &&
	echo "✔ CA: $URL" >want && sed -n 1p err >got && test_cmp want got &&
	grep -q "Serial Number $s has been revoked" err &&
	test "$(body ca "$(posts ca)" "b[\"serial\"], b[\"reasonCode\"], b[\"reason\"]")" = "('"'"'$s'"'"', 0, '"'"''"'"')" &&
	test_expect_code 1 pkit ca renew --force two.crt two.key 2>err
'

test_expect_success 'a token for another serial: forbidden' '
	T=$(pkit ca token --revoke 12345 --provisioner-password-file pw.txt 2>/dev/null) &&
	test_expect_code 1 pkit ca revoke --token "$T" "$(serial three.crt)" 2>err &&
	test_one_line err && grep -q "forbidden" err
'

test_expect_success 'by mutual TLS with --cert and --key' '
	s=$(serial three.crt) &&
	pkit ca revoke --cert three.crt --key three.key --reasonCode Superseded 2>err &&
	grep -q "Serial Number $s has been revoked" err &&
	"$SYS_PYTHON" -c "import json
r = [json.loads(l) for l in open(\"ca.log\")][-1]
assert r[\"peer\"] == {\"commonName\": \"three.example\"}, r
b = json.loads(r[\"body\"])
assert b == {\"serial\": \"$s\", \"ott\": \"\", \"reasonCode\": 4, \"reason\": \"\", \"passive\": True}, b" &&
	test_expect_code 1 pkit ca renew --force three.crt three.key 2>err &&
	grep -q "lacked necessary authorization" err
'

test_expect_success '--cert with the serial of another certificate: a usage error' '
	test_expect_code 2 pkit ca revoke --cert four.crt --key four.key 999 2>err &&
	test_one_line err && grep -q "is not the serial number of four.crt" err &&
	pkit ca revoke --cert four.crt --key four.key "$(serial four.crt)" 2>err
'

test_expect_success 'usage errors: exit 2, one line, nothing sent' '
	n=$(posts ca) &&
	test_expect_code 2 pkit ca revoke 2>err && test_one_line err &&
	test_expect_code 2 pkit ca revoke --cert four.crt 2>err && test_one_line err &&
	test_expect_code 2 pkit ca revoke 12ab 2>err && test_one_line err &&
	test_expect_code 2 pkit ca revoke 12 --reasonCode 7 2>err && test_one_line err &&
	test_expect_code 2 pkit ca revoke 12 --reasonCode stolen 2>err && test_one_line err &&
	grep -q "reasonCode" err &&
	test_expect_code 2 pkit ca revoke 12 --token T --provisioner admin 2>err && test_one_line err &&
	test_expect_code 2 pkit ca revoke --cert four.crt --key four.key --token T 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit ca revoke 1 2 2>err && test_one_line err &&
	test "$(posts ca)" -eq "$n"
'

test_expect_success 'a wrong provisioner password, and the CA down' '
	echo wrong >bad.txt &&
	test_expect_code 1 pkit ca revoke 77 --provisioner-password-file bad.txt 2>err &&
	test_one_line err && grep -q "wrong password" err &&
	test_expect_code 1 pkit ca revoke 77 --token T --ca-url https://127.0.0.1:1 2>err &&
	test_one_line err
'

test_done

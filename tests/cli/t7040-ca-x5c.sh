#!/bin/sh
test_description='X5C provisioner: a device birth certificate from a separate factory root buys a certificate

pkit ca init, an X5C provisioner whose roots are a factory root the CA
does not otherwise trust, pkit ca serve; the device signs its token with
the key of its birth certificate (ca certificate --x5c-cert/--x5c-key,
ca token --x5c-cert); chain, key usage, signature, issuer, audience,
single use and the credential'"'"'s validity are checked by the CA.'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-ca.sh"

SERVER=$PWD/server

serve() {
	client=$PKITPATH
	PKITPATH=$SERVER
	ca_start --password-file "$PWD/ca-pw.txt" "$@"
	st=$?
	PKITPATH=$client
	return $st
}

enddate() {
	date -d "$(openssl x509 -in "$1" -noout -enddate | cut -d= -f2)" +%s
}

# handmade SUB AUD ISS: a token signed with the birth key, made by hand.
handmade() {
	pkit crypto jwt sign --key birth.key --x5c-cert birth.crt \
		--iss "$3" --aud "$2" --sub "$1" --exp 5m
}

# sign_with TOKEN NAME: POST /sign for device-001 through ca certificate
# --token, into NAME.crt and NAME.key.
sign_with() {
	pkit ca certificate device-001 "$2.crt" "$2.key" --token "$1" --force
}

# x5c_hdr CERT: the x5c header of CERT for pkit crypto jwt sign --header.
x5c_hdr() {
	echo "x5c=[\"$(openssl x509 -in "$1" -outform der | base64 -w0)\"]"
}

test_expect_success 'a CA, a factory root and an X5C provisioner trusting it' '
	echo "ca keys pw" >ca-pw.txt &&
	(PKITPATH=$SERVER && export PKITPATH &&
	 pkit ca init --name Device --dns localhost --dns 127.0.0.1 \
		--address "$ADDR" --provisioner admin \
		--password-file "$PWD/ca-pw.txt" 2>init.log) &&
	pkit certificate create --profile root-ca "Factory Root" factory.crt \
		factory.key --no-password --insecure &&
	pkit certificate create --profile root-ca "Other Root" other.crt \
		other.key --no-password --insecure &&
	"$SYS_PYTHON" -c "import base64, json, sys
p = sys.argv[1]
d = json.load(open(p))
d[\"authority\"][\"provisioners\"].append({\"type\": \"X5C\", \"name\": \"factory\",
    \"roots\": base64.b64encode(open(\"factory.crt\", \"rb\").read()).decode()})
json.dump(d, open(p, \"w\"), indent=\"\t\")" "$SERVER/config/ca.json" &&
	serve &&
	FP=$(jget "$SERVER/config/defaults.json" "d[\"fingerprint\"]") &&
	pkit ca bootstrap --ca-url "https://localhost:$PORT" --fingerprint "$FP" 2>err &&
	CA_URL=https://localhost:$PORT && echo "$CA_URL" >ca_url
'
CA_URL=$(cat ca_url 2>/dev/null)

test_expect_success 'the device birth certificates' '
	pkit certificate create device-001 birth.crt birth.key --ca factory.crt \
		--ca-key factory.key --not-after 2h --no-password --insecure &&
	pkit certificate create device-002 stranger.crt stranger.key --ca other.crt \
		--ca-key other.key --no-password --insecure &&
	openssl req -new -key birth.key -subj /CN=nosig -out nosig.csr &&
	printf "%s\n" "keyUsage=critical,keyEncipherment" \
		"extendedKeyUsage=clientAuth" >nosig.ext &&
	openssl x509 -req -in nosig.csr -CA factory.crt -CAkey factory.key \
		-CAcreateserial -days 1 -extfile nosig.ext -out nosig.crt 2>/dev/null &&
	pkit certificate create old old.crt old.key --ca factory.crt \
		--ca-key factory.key --not-before -48h --not-after -24h \
		--no-password --insecure
'

test_expect_success 'ca certificate --x5c-cert: the birth certificate buys a certificate' '
	pkit ca certificate device-001 dev.crt dev.key --x5c-cert birth.crt \
		--x5c-key birth.key 2>err &&
	grep -q "Provisioner: factory (X5C)" err &&
	openssl verify -CAfile "$PKITPATH/certs/root_ca.crt" \
		-untrusted "$SERVER/certs/intermediate_ca.crt" dev.crt &&
	openssl x509 -in dev.crt -noout -subject | grep -q "CN *= *device-001" &&
	openssl x509 -in dev.crt -noout -ext subjectAltName | grep -q "DNS:device-001"
'

test_expect_success 'the provisioner extension names X5C (type 7) and factory' '
	openssl asn1parse -in dev.crt >asn1 &&
	off=$(grep -A1 "1.3.6.1.4.1.37476.9000.64.1" asn1 | sed -n "2s/^ *\([0-9]*\):.*/\1/p") &&
	openssl asn1parse -in dev.crt -strparse "$off" >ext &&
	grep -q "INTEGER *:07" ext &&
	grep -q "OCTET STRING *:factory" ext
'

test_expect_success 'the certificate ends with the birth certificate (2h), not after the 24h default' '
	test "$(enddate dev.crt)" -le "$(enddate birth.crt)" &&
	test "$(enddate dev.crt)" -ge $(($(enddate birth.crt) - 5))
'

test_expect_success 'a longer --not-after than the credential is refused (403)' '
	test_must_fail pkit ca certificate device-001 long.crt long.key \
		--x5c-cert birth.crt --x5c-key birth.key --not-after 5h 2>err &&
	test_one_line err &&
	grep -q "after the expiration of the provisioning credential" err &&
	test ! -e long.crt && test ! -e long.key
'

test_expect_success 'ca token --x5c-cert: the token is step'"'"'s, and single use' '
	pkit ca token device-001 --x5c-cert birth.crt --x5c-key birth.key >tok 2>err &&
	grep -q "Provisioner: factory (X5C)" err &&
	"$SYS_PYTHON" -c "import base64, json, sys
t = open(\"tok\").read().strip().split(\".\")
h = json.loads(base64.urlsafe_b64decode(t[0] + \"==\"))
c = json.loads(base64.urlsafe_b64decode(t[1] + \"==\"))
assert h[\"alg\"] == \"ES256\" and len(h[\"x5c\"]) == 1 and h[\"kid\"], h
assert c[\"iss\"] == \"factory\" and c[\"sub\"] == \"device-001\", c
assert c[\"aud\"] == sys.argv[1] + \"/1.0/sign#x5c/factory\", c
assert c[\"sans\"] == [\"device-001\"] and len(c[\"jti\"]) == 64 and c[\"sha\"], c" "$CA_URL" &&
	sign_with "$(cat tok)" once &&
	test_must_fail sign_with "$(cat tok)" twice 2>err &&
	test_one_line err && grep -q "lacked necessary authorization" err
'

test_expect_success 'a chain to another root is refused (401)' '
	test_must_fail pkit ca certificate device-002 s.crt s.key \
		--x5c-cert stranger.crt --x5c-key stranger.key 2>err &&
	test_one_line err && grep -q "lacked necessary authorization" err &&
	grep -q "error verifying the x5c certificate chain" "$PWD/serve.log" &&
	test ! -e s.crt
'

test_expect_success 'a birth certificate without digitalSignature is refused' '
	test_expect_code 1 pkit ca certificate nosig n.crt n.key \
		--x5c-cert nosig.crt --x5c-key birth.key 2>err &&
	test_one_line err && grep -q "nosig.crt: .*digitalSignature" err &&
	t=$(pkit crypto jwt sign --key birth.key --header "$(x5c_hdr nosig.crt)" \
		--iss factory --aud "$CA_URL/1.0/sign#x5c/factory" --sub nosig --exp 5m) &&
	test_must_fail pkit ca certificate nosig n.crt n.key --token "$t" 2>err &&
	test_one_line err && grep -q "lacked necessary authorization" err &&
	grep -q "cannot be used for digital signature" serve.log &&
	test ! -e n.crt
'

test_expect_success 'an expired birth certificate is refused' '
	test_must_fail pkit ca certificate old o.crt o.key \
		--x5c-cert old.crt --x5c-key old.key 2>err &&
	test_one_line err && grep -q "lacked necessary authorization" err &&
	grep -q "certificate has expired" serve.log
'

test_expect_success 'hand-made tokens: wrong issuer, wrong audience fragment, JWK audience, forged signature' '
	aud="$CA_URL/1.0/sign#x5c/factory" &&
	t=$(handmade device-001 "$aud" admin) &&
	test_must_fail sign_with "$t" h1 2>err && test_one_line err &&
	grep -q "invalid issuer claim" serve.log &&
	t=$(handmade device-001 "$CA_URL/1.0/sign#x5c/other" factory) &&
	test_must_fail sign_with "$t" h2 2>err &&
	t=$(handmade device-001 "$CA_URL/1.0/revoke#x5c/factory" factory) &&
	test_must_fail sign_with "$t" h3 2>err &&
	grep -q "invalid audience claim" serve.log &&
	t=$(handmade device-001 "$CA_URL/1.0/sign" factory) &&
	sign_with "$t" h4 &&
	t=$(handmade device-001 "$aud" factory) &&
	forged=$("$SYS_PYTHON" -c "import sys
h, p, s = sys.argv[1].split(\".\")
s = (\"A\" if s[0] != \"A\" else \"B\") + s[1:]
print(h + \".\" + p + \".\" + s)" "$t") &&
	test_must_fail sign_with "$forged" h5 2>err && test_one_line err &&
	test ! -e h1.crt && test ! -e h2.crt && test ! -e h3.crt && test ! -e h5.crt
'

test_expect_success 'a token signed by another key than the certificate'"'"'s is refused' '
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out other.priv &&
	t=$(pkit crypto jwt sign --key other.priv --header "$(x5c_hdr birth.crt)" \
		--iss factory --aud "$CA_URL/1.0/sign#x5c/factory" --sub device-001 --exp 5m) &&
	test_must_fail sign_with "$t" k1 2>err && test_one_line err &&
	grep -q "invalid signature (provisioner factory)" serve.log
'

test_expect_success 'malformed x5c headers: not base64, trailing bytes, too many, not a list' '
	der=$(openssl x509 -in birth.crt -outform der | base64 -w0) &&
	junk=$( (openssl x509 -in birth.crt -outform der; printf x) | base64 -w0) &&
	for h in "x5c=[\"%%%\"]" "x5c=[\"$junk\"]" "x5c=\"$der\"" "x5c=[]" \
		"x5c=[\"$der\",\"$der\",\"$der\",\"$der\",\"$der\",\"$der\",\"$der\",\"$der\",\"$der\"]"
	do
		t=$(pkit crypto jwt sign --key birth.key --header "$h" --iss factory \
			--aud "$CA_URL/1.0/sign#x5c/factory" --sub device-001 --exp 5m) &&
		test_must_fail sign_with "$t" bad 2>err &&
		test_one_line err && grep -q "lacked necessary authorization" err ||
		return 1
	done &&
	test "$(grep -c "x5c token: x5c" serve.log)" -ge 4 &&
	test ! -e bad.crt
'

test_expect_success 'client errors: one flag without the other, a key that is not the certificate'"'"'s, no X5C provisioner of that name' '
	test_expect_code 2 pkit ca certificate a a.crt a.key --x5c-cert birth.crt 2>err &&
	test_one_line err && grep -q "go together" err &&
	test_expect_code 1 pkit ca certificate a a.crt a.key --x5c-cert birth.crt \
		--x5c-key stranger.key 2>err &&
	test_one_line err && grep -q "birth.crt: .*not for the signing key" err &&
	test_expect_code 1 pkit ca token a --x5c-cert birth.crt --x5c-key birth.key \
		--provisioner admin 2>err &&
	test_one_line err && grep -q "no X5C provisioner .admin." err &&
	test_expect_code 2 pkit ca certificate a a.crt a.key --token x --x5c-cert birth.crt \
		--x5c-key birth.key 2>err && test_one_line err &&
	test ! -e a.crt && test ! -e a.key
'

test_expect_success 'an encrypted birth key: --provisioner-password-file (or --password-file)' '
	echo "device pw" >kpw.txt &&
	openssl pkcs8 -topk8 -v2 aes256 -in birth.key -passout file:kpw.txt -out birth-enc.key &&
	pkit ca token device-001 --x5c-cert birth.crt --x5c-key birth-enc.key \
		--provisioner-password-file kpw.txt >t1 2>err &&
	sign_with "$(cat t1)" enc1 &&
	pkit ca certificate device-001 enc2.crt enc2.key --x5c-cert birth.crt \
		--x5c-key birth-enc.key --password-file kpw.txt 2>err &&
	test_expect_code 1 pkit ca token device-001 --x5c-cert birth.crt \
		--x5c-key birth-enc.key 2>err &&
	test_one_line err && grep -q -- "password-file" err
'

test_expect_success 'a certificate from X5C renews over mutual TLS, unless the provisioner disables it' '
	pkit ca renew --force dev.crt dev.key 2>err &&
	openssl verify -CAfile "$PKITPATH/certs/root_ca.crt" \
		-untrusted "$SERVER/certs/intermediate_ca.crt" dev.crt &&
	PKITPATH=$SERVER pkit ca provisioner update factory --disable-renewal &&
	kill -HUP "$CA_PID" &&
	n=0 && while ! grep -q "reloaded .*ca.json" serve.log
	do
		n=$((n + 1)); test $n -le 200 || return 1; sleep 0.05
	done &&
	test_must_fail pkit ca renew --force dev.crt dev.key 2>err &&
	grep "path=/renew" serve.log | tail -n 1 | grep -q "renew is disabled for provisioner factory" &&
	PKITPATH=$SERVER pkit ca provisioner update factory --disable-renewal=false &&
	kill -HUP "$CA_PID" &&
	n=0 && while test "$(grep -c "reloaded .*ca.json" serve.log)" -lt 2
	do
		n=$((n + 1)); test $n -le 200 || return 1; sleep 0.05
	done
'

test_expect_success 'revoke with an X5C token' '
	serial=$("$SYS_PYTHON" -c "import sys; print(int(sys.argv[1], 16))" \
		"$(openssl x509 -in dev.crt -noout -serial | sed "s/.*=//")") &&
	t=$(pkit ca token --revoke "$serial" --x5c-cert birth.crt --x5c-key birth.key 2>/dev/null) &&
	pkit ca revoke "$serial" --token "$t" 2>err &&
	test_must_fail pkit ca renew --force dev.crt dev.key 2>err
'

test_expect_success 'ca.json with X5C roots that are not PEM does not start' '
	"$SYS_PYTHON" -c "import json, sys
d = json.load(open(sys.argv[1]))
d[\"authority\"][\"provisioners\"][-1][\"roots\"] = \"bm90IHBlbQ==\"
json.dump(d, open(\"bad.json\", \"w\"))" "$SERVER/config/ca.json" &&
	test_must_fail pkit ca serve --password-file ca-pw.txt bad.json 2>err &&
	test_one_line err && grep -q "provisioner factory: roots" err
'

test_expect_success 'stop' '
	ca_stop
'

test_done

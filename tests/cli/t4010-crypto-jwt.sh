#!/bin/sh
test_description='crypto jwt: sign, verify, inspect; required claims, time checks, forgeries'
. "$(dirname "$0")/lib.sh"

umask 022
printf 'correct horse\n' >pw

fails() {
	code=$1
	shift
	test_expect_code "$code" "$@" 2>err &&
	test_one_line err
}

# b64url of stdin, no padding.
b64url() {
	base64 -w0 | tr '+/' '-_' | tr -d '='
}

# A token step 0.19 minted (step ca token), and its provisioner key from
# the ca.json step ca init wrote (research/step-0.19-captures).
STEP_TOKEN=eyJhbGciOiJFUzI1NiIsImtpZCI6IkFyamMyRGQtYU9ONjJxdWp6bGFrd0VncU1fN3FDQl94Q1g3TnJrTU81RFEiLCJ0eXAiOiJKV1QifQ.eyJhdWQiOiJodHRwczovL2xvY2FsaG9zdDo5NDQzLzEuMC9zaWduIiwiZXhwIjoxNzk1NjQ1NzgzLCJpYXQiOjE3OTU2NDU0ODMsImlzcyI6ImFkbWluIiwianRpIjoiN2U4ZWMzYTU1NDUzNTcxY2VkMTFmZGFmMDUwYzM2OWE3ODI4MjA4NjFlYzZlMWI1MjE0NmM3ODc4NTBjZWFkNSIsIm5iZiI6MTc5NTY0NTQ4Mywic2FucyI6WyJsb2NhbGhvc3QiXSwic2hhIjoiMzc2Mzc1ODBhYmZkZWJiMGY2YzlkYTBjMDc1ZTE2MGYzYjJlY2MzYTk5YzVjMzZjMTA5NWY0MzA4MmFlZDc3MCIsInN1YiI6ImxvY2FsaG9zdCJ9.F48VNOIz45Ffmmg2kfwjos6CqoklUAeKHYQRPqR_EIKljbhGE3fJ2C1N9fzFRxONsBIElPCWA2PAlwaXrY8S-A
cat >step.pub.json <<\EOF
{"use": "sig", "kty": "EC", "kid": "Arjc2Dd-aON62qujzlakwEgqM_7qCB_xCX7NrkMO5DQ", "crv": "P-256", "alg": "ES256", "x": "cCuliVX7sugQMd4QNSEIQEgIyfb3z99HjgwqUueKoQE", "y": "dXkSBOVpwMjwT132PqpHKqg1BLIX9y00uz3NBMCMJsU"}
EOF

test_expect_success 'setup: keys' '
	pkit crypto jwk create --password-file pw pub.json priv.json &&
	pkit crypto jwk create --kty oct --size 64 --kid hk --no-password --insecure hs.pub hs.json &&
	openssl genpkey -algorithm ed25519 -out ed.pem 2>/dev/null &&
	openssl pkey -in ed.pem -pubout -out ed.pub.pem &&
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.pem 2>/dev/null &&
	openssl pkey -in rsa.pem -pubout -out rsa.pub.pem &&
	chmod 600 ed.pem rsa.pem
'

test_expect_success 'inspect prints a step token exactly as step does' '
	cat >want <<-\EOF &&
	{
	  "header": {
	    "alg": "ES256",
	    "kid": "Arjc2Dd-aON62qujzlakwEgqM_7qCB_xCX7NrkMO5DQ",
	    "typ": "JWT"
	  },
	  "payload": {
	    "aud": "https://localhost:9443/1.0/sign",
	    "exp": 1795645783,
	    "iat": 1795645483,
	    "iss": "admin",
	    "jti": "7e8ec3a55453571ced11fdaf050c369a782820861ec6e1b52146c787850cead5",
	    "nbf": 1795645483,
	    "sans": [
	      "localhost"
	    ],
	    "sha": "37637580abfdebb0f6c9da0c075e160f3b2ecc3a99c5c36c1095f43082aed770",
	    "sub": "localhost"
	  },
	  "signature": "F48VNOIz45Ffmmg2kfwjos6CqoklUAeKHYQRPqR_EIKljbhGE3fJ2C1N9fzFRxONsBIElPCWA2PAlwaXrY8S-A"
	}
	EOF
	echo "$STEP_TOKEN" | pkit crypto jwt inspect --insecure >got &&
	test_cmp want got
'

test_expect_success 'inspect needs --insecure' '
	echo "$STEP_TOKEN" >step.tok &&
	fails 2 pkit crypto jwt inspect step.tok &&
	grep -q -- "--insecure" err
'

test_expect_success 'a token step minted verifies with the key from step'"'"'s ca.json' '
	pkit crypto jwt verify --key step.pub.json --iss admin \
		--aud https://localhost:9443/1.0/sign --insecure --no-exp-check \
		<step.tok >out &&
	test "$(jq -r .payload.sub out)" = localhost
'

test_expect_success 'sign requires iss, aud, sub and exp unless --subtle' '
	fails 2 pkit crypto jwt sign --key priv.json --password-file pw --aud a --sub s --exp 5m &&
	grep -q "'"'"'--iss'"'"' is required" err &&
	fails 2 pkit crypto jwt sign --key priv.json --password-file pw --iss i --sub s --exp 5m &&
	grep -q -- "--aud" err &&
	fails 2 pkit crypto jwt sign --key priv.json --password-file pw --iss i --aud a --exp 5m &&
	grep -q -- "--sub" err &&
	fails 2 pkit crypto jwt sign --key priv.json --password-file pw --iss i --aud a --sub s &&
	grep -q -- "--exp" err &&
	fails 2 pkit crypto jwt sign --key priv.json --password-file pw --iss i --aud a --sub s --exp 1000 &&
	grep -q "in the future" err &&
	pkit crypto jwt sign --key priv.json --password-file pw --subtle </dev/null >sub.tok &&
	pkit crypto jwt inspect --insecure sub.tok >out &&
	test "$(jq -r .payload.exp out)" = null
'

test_expect_success 'sign and verify: claims, header, kid and defaults' '
	now=$(date +%s) &&
	pkit crypto jwt sign --key priv.json --password-file pw --iss me --aud api \
		--sub alice --exp 5m >tok &&
	after=$(date +%s) &&
	pkit crypto jwt verify --key pub.json --iss me --aud api <tok >out &&
	test "$(jq -r .header.alg out)" = ES256 &&
	test "$(jq -r .header.typ out)" = JWT &&
	test "$(jq -r .header.kid out)" = "$(jq -r .kid pub.json)" &&
	test "$(jq -r .payload.aud out)" = api &&
	test "$(jq -r .payload.jti out | wc -c)" = 65 &&
	iat=$(jq -r .payload.iat out) && exp=$(jq -r .payload.exp out) &&
	test $((exp - iat)) = 300 &&
	test "$iat" -ge "$now" && test "$iat" -le "$after" &&
	test "$(jq -r .payload.nbf out)" = "$iat"
'

test_expect_success 'claims from the input; several audiences; --header' '
	echo "{\"role\":\"admin\",\"n\":1}" >claims.json &&
	pkit crypto jwt sign --key priv.json --password-file pw --iss me --aud a1 \
		--aud a2 --sub s --exp 1h --jti fixed --header x-test=1 \
		--header cty=\"jose\" claims.json >tok2 &&
	pkit crypto jwt inspect --insecure tok2 >out &&
	test "$(jq -r .payload.role out)" = admin &&
	test "$(jq -c .payload.aud out)" = "[\"a1\",\"a2\"]" &&
	test "$(jq -r .payload.jti out)" = fixed &&
	test "$(jq -r .header[\"x-test\"] out)" = 1 &&
	test "$(jq -r .header.cty out)" = jose &&
	pkit crypto jwt verify --key pub.json --iss me --aud a2 <tok2 >/dev/null &&
	echo "[1]" >notobj.json &&
	fails 1 pkit crypto jwt sign --key priv.json --password-file pw --subtle notobj.json
'

test_expect_success 'times: Unix seconds, RFC 3339 and durations' '
	pkit crypto jwt sign --key priv.json --password-file pw --subtle --exp 4102444800 \
		--nbf 2030-01-01T00:00:00Z --iat 1700000000 </dev/null >t3 &&
	pkit crypto jwt inspect --insecure t3 >out &&
	test "$(jq -r .payload.exp out)" = 4102444800 &&
	test "$(jq -r .payload.nbf out)" = 1893456000 &&
	test "$(jq -r .payload.iat out)" = 1700000000 &&
	fails 1 pkit crypto jwt sign --key priv.json --password-file pw --subtle --exp soon </dev/null
'

test_expect_success 'verify requires --iss and --aud unless --subtle or --insecure' '
	fails 2 pkit crypto jwt verify --key pub.json --aud api <tok &&
	grep -q -- "--iss" err &&
	fails 2 pkit crypto jwt verify --key pub.json --iss me <tok &&
	pkit crypto jwt verify --key pub.json --subtle <tok >/dev/null &&
	pkit crypto jwt verify --key pub.json --insecure <tok >/dev/null
'

test_expect_success 'verify: wrong issuer and audience, reported together' '
	fails 1 pkit crypto jwt verify --key pub.json --iss you --aud web <tok &&
	grep -q "invalid issuer claim (iss), invalid audience claim (aud)" err
'

test_expect_success 'verify: exp, nbf and iat with a one-minute skew' '
	now=$(date +%s) &&
	pkit crypto jwt sign --key priv.json --password-file pw --iss me --aud api --sub s \
		--subtle --exp $((now - 30)) >fresh &&
	pkit crypto jwt verify --key pub.json --iss me --aud api <fresh >/dev/null &&
	pkit crypto jwt sign --key priv.json --password-file pw --iss me --aud api --sub s \
		--subtle --exp $((now - 300)) >stale &&
	fails 1 pkit crypto jwt verify --key pub.json --iss me --aud api <stale &&
	grep -q "token is expired by" err &&
	pkit crypto jwt verify --key pub.json --iss me --aud api --insecure --no-exp-check \
		<stale >/dev/null &&
	fails 2 pkit crypto jwt verify --key pub.json --iss me --aud api --no-exp-check <stale &&
	pkit crypto jwt sign --key priv.json --password-file pw --iss me --aud api --sub s \
		--exp 1h --nbf $((now + 600)) >early &&
	fails 1 pkit crypto jwt verify --key pub.json --iss me --aud api <early &&
	grep -q "not valid yet (nbf)" err &&
	pkit crypto jwt sign --key priv.json --password-file pw --iss me --aud api --sub s \
		--exp 1h --iat $((now + 600)) >future &&
	fails 1 pkit crypto jwt verify --key pub.json --iss me --aud api <future &&
	grep -q "issued in the future (iat)" err
'

test_expect_success 'forgeries: a changed claim or signature does not verify' '
	h=$(cut -d. -f1 tok) && s=$(cut -d. -f3 tok) &&
	p=$(printf "{\"iss\":\"me\",\"aud\":\"api\",\"sub\":\"root\",\"exp\":4102444800}" | b64url) &&
	echo "$h.$p.$s" >forged &&
	fails 1 pkit crypto jwt verify --key pub.json --iss me --aud api <forged &&
	grep -q "invalid signature" err &&
	other=$(pkit crypto jwt sign --key priv.json --password-file pw --subtle </dev/null | cut -d. -f3) &&
	echo "$(cut -d. -f1-2 tok).$other" >swapped &&
	fails 1 pkit crypto jwt verify --key pub.json --iss me --aud api <swapped
'

test_expect_success 'alg none is refused, whatever the key' '
	h=$(printf "{\"alg\":\"none\",\"typ\":\"JWT\"}" | b64url) &&
	p=$(printf "{\"iss\":\"me\",\"aud\":\"api\",\"exp\":4102444800}" | b64url) &&
	echo "$h.$p." >none.tok &&
	fails 1 pkit crypto jwt verify --key pub.json --iss me --aud api <none.tok &&
	grep -q "none" err &&
	fails 1 pkit crypto jwt verify --key hs.json --alg none --iss me --aud api --insecure <none.tok &&
	grep -q "none" err
'

test_expect_success 'HS256 keyed with an RSA public key (alg confusion) is refused' '
	h=$(printf "{\"alg\":\"HS256\",\"typ\":\"JWT\"}" | b64url) &&
	p=$(printf "{\"iss\":\"me\",\"aud\":\"api\",\"exp\":4102444800}" | b64url) &&
	sig=$(printf "%s.%s" "$h" "$p" | openssl dgst -sha256 -mac HMAC -macopt key:"$(cat rsa.pub.pem)" -binary | b64url) &&
	echo "$h.$p.$sig" >confused.tok &&
	fails 1 pkit crypto jwt verify --key rsa.pub.pem --alg HS256 --iss me --aud api --insecure <confused.tok &&
	grep -q "does not suit" err
'

test_expect_success 'unknown crit headers are refused' '
	h=$(printf "{\"alg\":\"HS256\",\"crit\":[\"exp2\"],\"exp2\":1}" | b64url) &&
	p=$(printf "{\"iss\":\"me\",\"aud\":\"api\",\"exp\":4102444800}" | b64url) &&
	k=$(jq -r .k hs.json | tr "_-" "/+") &&
	hex=$(printf "%s==" "$k" | cut -c1-88 | base64 -d 2>/dev/null | od -An -tx1 | tr -d " \n") &&
	sig=$(printf "%s.%s" "$h" "$p" | openssl dgst -sha256 -mac HMAC -macopt hexkey:$hex -binary | b64url) &&
	echo "$h.$p.$sig" >crit.tok &&
	fails 1 pkit crypto jwt verify --key hs.json --iss me --aud api <crit.tok &&
	grep -q "critical header parameter \"exp2\"" err
'

test_expect_success 'HS256 with an oct JWK; the token alg must be the key'"'"'s' '
	pkit crypto jwt sign --key hs.json --iss me --aud api --sub s --exp 5m >hs.tok &&
	pkit crypto jwt inspect --insecure hs.tok >out &&
	test "$(jq -r .header.alg out)" = HS256 &&
	test "$(jq -r .header.kid out)" = hk &&
	pkit crypto jwt verify --key hs.json --iss me --aud api <hs.tok >/dev/null &&
	pkit crypto jwt sign --key hs.json --alg HS512 --subtle --iss me --aud api --sub s --exp 5m >hs512.tok &&
	fails 1 pkit crypto jwt verify --key hs.json --iss me --aud api <hs512.tok &&
	grep -q "not the expected" err &&
	fails 2 pkit crypto jwt sign --key hs.json --alg HS512 --iss me --aud api --sub s --exp 5m
'

test_expect_success 'PEM keys: Ed25519 picks EdDSA; RSA needs --alg to verify' '
	pkit crypto jwt sign --key ed.pem --subtle </dev/null >ed.tok &&
	pkit crypto jwt verify --key ed.pub.pem --subtle <ed.tok >out &&
	test "$(jq -r .header.alg out)" = EdDSA &&
	pkit crypto jwt sign --key rsa.pem --subtle </dev/null >rs.tok &&
	fails 1 pkit crypto jwt verify --key rsa.pub.pem --subtle <rs.tok &&
	grep -q -- "--alg" err &&
	pkit crypto jwt verify --key rsa.pub.pem --alg RS256 --subtle <rs.tok >/dev/null &&
	pkit crypto jwt sign --key rsa.pem --alg PS384 --subtle </dev/null >ps.tok &&
	pkit crypto jwt verify --key rsa.pub.pem --alg PS384 --subtle <ps.tok >/dev/null &&
	fails 1 pkit crypto jwt verify --key rsa.pub.pem --alg RS256 --subtle <ps.tok
'

test_expect_success 'a public key cannot sign; a wrong key cannot verify' '
	fails 1 pkit crypto jwt sign --key pub.json --subtle </dev/null &&
	grep -q "public key cannot sign" err &&
	fails 1 pkit crypto jwt verify --key ed.pub.pem --iss me --aud api <tok
'

test_expect_success '--jwks: the token kid picks the key' '
	pkit crypto jwk keyset add set.json <pub.json &&
	pkit crypto jwk keyset add set.json <step.pub.json &&
	pkit crypto jwt verify --jwks set.json --iss me --aud api <tok >/dev/null &&
	fails 1 pkit crypto jwt verify --jwks set.json --kid nope --iss me --aud api <tok &&
	fails 1 pkit crypto jwt sign --jwks set.json --kid hk --subtle </dev/null &&
	grep -q "no key with kid" err &&
	fails 2 pkit crypto jwt sign --jwks set.json --subtle </dev/null &&
	fails 2 pkit crypto jwt sign --key priv.json --jwks set.json --subtle </dev/null
'

test_expect_success '--jwks takes an https:// URL; a server that is not there is one line' '
	port=$(free_port) &&
	fails 1 pkit crypto jwt verify --jwks https://127.0.0.1:$port/jwks --iss me --aud api <tok &&
	grep -q "https://127.0.0.1:$port/jwks" err
'

test_expect_success '--x5c-cert puts the key'"'"'s certificate chain in the header' '
	openssl req -x509 -key ed.pem -subj /CN=signer -days 1 -out ed.crt 2>/dev/null &&
	pkit crypto jwt sign --key ed.pem --x5c-cert ed.crt --subtle </dev/null >x5c.tok &&
	pkit crypto jwt inspect --insecure x5c.tok >out &&
	test "$(jq -r ".header.x5c[0]" out)" = "$(openssl x509 -in ed.crt -outform DER | base64 -w0)" &&
	fails 1 pkit crypto jwt sign --key rsa.pem --x5c-cert ed.crt --subtle </dev/null &&
	grep -q "not for the signing key" err
'

test_expect_success 'an unencrypted private key readable by others is refused' '
	cp hs.json open.json && chmod 644 open.json &&
	fails 1 pkit crypto jwt sign --key open.json --subtle </dev/null &&
	pkit crypto jwt sign --key open.json --subtle --insecure </dev/null >/dev/null
'

test_expect_success 'malformed tokens, missing files, bad flags' '
	echo "not.a.token" >bad.tok &&
	fails 1 pkit crypto jwt verify --key pub.json --iss me --aud api <bad.tok &&
	echo "abc" >bad2.tok &&
	fails 1 pkit crypto jwt inspect --insecure bad2.tok &&
	fails 1 pkit crypto jwt verify --key nosuch.json --iss me --aud api <tok &&
	grep -q nosuch.json err &&
	fails 2 pkit crypto jwt sign --kee priv.json &&
	grep -q "did you mean .--key." err &&
	fails 2 pkit crypto jwt sign --subtle </dev/null
'

test_done

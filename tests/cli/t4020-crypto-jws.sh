#!/bin/sh
test_description='crypto jws: sign, verify, inspect; compact and JSON, detached, several signatures'
. "$(dirname "$0")/lib.sh"

umask 022

fails() {
	code=$1
	shift
	test_expect_code "$code" "$@" 2>err &&
	test_one_line err
}

b64url() {
	base64 -w0 | tr '+/' '-_' | tr -d '='
}

test_expect_success 'setup: keys and a payload with every byte' '
	pkit crypto jwk create --crv Ed25519 --no-password --insecure ed.pub ed.json &&
	pkit crypto jwk create --kty RSA --no-password --insecure rsa.pub rsa.json &&
	pkit crypto jwk create --crv P-384 --no-password --insecure ec.pub ec.json &&
	awk "BEGIN { for (i = 0; i < 256; i++) printf \"%c\", i }" >bytes &&
	test "$(wc -c <bytes)" = 256
'

test_expect_success 'compact: sign, verify prints the payload byte for byte' '
	pkit crypto jws sign --key ed.json bytes >b.jws &&
	test "$(tr -cd . <b.jws | wc -c)" = 2 &&
	pkit crypto jws verify --key ed.pub <b.jws >out &&
	cmp bytes out &&
	pkit crypto jws inspect --insecure b.jws >out2 &&
	cmp bytes out2
'

test_expect_success 'headers: kid, typ, cty, jku and an embedded jwk' '
	echo hello >msg &&
	pkit crypto jws sign --key ec.json --typ JOSE --cty text/plain \
		--jku https://keys.example/jwks --jwk msg >h.jws &&
	pkit crypto jws inspect --insecure --json h.jws >out &&
	test "$(jq -r .header.alg out)" = ES384 &&
	test "$(jq -r .header.kid out)" = "$(jq -r .kid ec.pub)" &&
	test "$(jq -r .header.typ out)" = JOSE &&
	test "$(jq -r .header.cty out)" = text/plain &&
	test "$(jq -r .header.jku out)" = https://keys.example/jwks &&
	test "$(jq -r .header.jwk.x out)" = "$(jq -r .x ec.pub)" &&
	test "$(jq -r .header.jwk.d out)" = null &&
	test "$(jq -r .payload out)" = "$(b64url <msg)" &&
	pkit crypto jws verify --key ec.pub --json <h.jws >out2 &&
	test_cmp out out2
'

test_expect_success 'JSON serialization, and a detached payload' '
	pkit crypto jws sign --key rsa.json --alg PS256 --subtle --json msg >j.jws &&
	test "$(jq -r .payload j.jws)" = "$(b64url <msg)" &&
	pkit crypto jws verify --key rsa.pub --alg PS256 <j.jws >out &&
	test_cmp msg out &&
	pkit crypto jws sign --key rsa.json --detached msg >d.jws &&
	test "$(cut -d. -f2 d.jws)" = "" &&
	fails 2 pkit crypto jws verify --key rsa.pub <d.jws &&
	grep -q -- "--payload" err &&
	pkit crypto jws verify --key rsa.pub --payload msg <d.jws >out &&
	test ! -s out &&
	echo other >msg2 &&
	fails 1 pkit crypto jws verify --key rsa.pub --payload msg2 <d.jws &&
	fails 2 pkit crypto jws verify --key rsa.pub --payload msg <j.jws &&
	pkit crypto jws sign --key rsa.json --detached --json msg >dj.jws &&
	test "$(jq -r .payload dj.jws)" = null &&
	pkit crypto jws verify --key rsa.pub --payload msg <dj.jws
'

test_expect_success 'RFC 7515 A.6: general JSON with two signatures verifies with either key' '
	cat >a6.jws <<-\EOF &&
	{"payload":"eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ","signatures":[{"protected":"eyJhbGciOiJSUzI1NiJ9","header":{"kid":"2010-12-29"},"signature":"cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw"},{"protected":"eyJhbGciOiJFUzI1NiJ9","header":{"kid":"e9bc097a-ce51-4036-9562-d2ade882db0d"},"signature":"DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q"}]}
	EOF
	cat >a2.json <<-\EOF &&
	{"kty":"RSA","n":"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ","e":"AQAB"}
	EOF
	cat >a3.json <<-\EOF &&
	{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}
	EOF
	pkit crypto jws verify --key a2.json --alg RS256 <a6.jws >p1 &&
	pkit crypto jws verify --key a3.json <a6.jws >p2 &&
	test_cmp p1 p2 &&
	grep -q "joe" p1 &&
	fails 1 pkit crypto jws verify --key ec.pub <a6.jws
'

test_expect_success 'forgeries: payload, header and signature changes fail' '
	pkit crypto jws sign --key ec.json msg >e.jws &&
	h=$(cut -d. -f1 e.jws) && p=$(cut -d. -f2 e.jws) && s=$(cut -d. -f3 e.jws) &&
	echo "$h.$(echo evil | b64url).$s" >f1 &&
	fails 1 pkit crypto jws verify --key ec.pub <f1 &&
	echo "$(printf "{\"alg\":\"ES384\",\"x\":1}" | b64url).$p.$s" >f2 &&
	fails 1 pkit crypto jws verify --key ec.pub <f2 &&
	echo "$h.$p.$(echo "$s" | rev)" >f3 &&
	fails 1 pkit crypto jws verify --key ec.pub <f3 &&
	echo "$h.$p.$(printf "x%.0s" $(seq 70) | b64url)" >f4 &&
	fails 1 pkit crypto jws verify --key ec.pub <f4 &&
	grep -q "ES384 needs 96" err
'

test_expect_success 'alg none and unknown crit are refused' '
	echo "$(printf "{\"alg\":\"none\"}" | b64url).$(b64url <msg)." >none.jws &&
	fails 1 pkit crypto jws verify --key ec.pub --insecure <none.jws &&
	grep -q "none" err &&
	fails 1 pkit crypto jws verify --key ec.pub --alg none <none.jws &&
	echo "$(printf "{\"alg\":\"ES384\",\"crit\":[\"b64\"],\"b64\":false}" | b64url).$(b64url <msg).AAAA" >crit.jws &&
	fails 1 pkit crypto jws verify --key ec.pub <crit.jws &&
	grep -q "critical" err
'

test_expect_success 'the key must suit the alg; an RSA key without alg needs --alg' '
	pkit crypto jws sign --key ec.json msg >e2.jws &&
	fails 1 pkit crypto jws verify --key ed.pub <e2.jws &&
	grep -q "does not suit" err &&
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out r.pem 2>/dev/null &&
	chmod 600 r.pem && openssl pkey -in r.pem -pubout -out r.pub &&
	pkit crypto jws sign --key r.pem msg >r.jws &&
	fails 1 pkit crypto jws verify --key r.pub <r.jws &&
	pkit crypto jws verify --key r.pub --alg RS256 <r.jws >/dev/null &&
	pkit crypto jws verify --key r.pub --insecure <r.jws >/dev/null
'

test_expect_success 'inspect needs --insecure; errors are one line' '
	fails 2 pkit crypto jws inspect <e.jws &&
	echo "a.b" >bad.jws &&
	fails 1 pkit crypto jws inspect --insecure bad.jws &&
	grep -q "bad.jws" err &&
	fails 1 pkit crypto jws sign --key nosuch.json msg &&
	fails 1 pkit crypto jws sign --key ec.json nosuch.txt &&
	grep -q nosuch.txt err &&
	fails 2 pkit crypto jws sign --key ec.json --jsno msg
'

test_done

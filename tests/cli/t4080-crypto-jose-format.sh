#!/bin/sh
test_description='crypto jose format: compact and JSON serializations of JWS, JWT and JWE'
. "$(dirname "$0")/lib.sh"

umask 077

fails() {
	code=$1
	shift
	test_expect_code "$code" "$@" 2>err &&
	test_one_line err
}

test_expect_success 'setup: keys, a JWS, a JWT and JWEs' '
	pkit crypto jwk create --crv Ed25519 --no-password --insecure ed.pub ed.json &&
	pkit crypto jwk create --use enc --no-password --insecure ec.pub ec.json &&
	pkit crypto jwk create --use enc --kty RSA --no-password --insecure rsa.pub rsa.json &&
	printf "hello world" >msg &&
	pkit crypto jws sign --key ed.json msg >c.jws &&
	pkit crypto jwt sign --key ed.json --subtle --sub me </dev/null >c.jwt &&
	pkit crypto jwe encrypt --key ec.pub msg >j.jwe &&
	pkit crypto jwe encrypt --compact --key rsa.pub msg >c.jwe
'

test_expect_success 'compact JWS and JWT to JSON and back, unchanged; the JSON verifies' '
	pkit crypto jose format c.jws >j.jws &&
	test "$(jq -r "keys | join(\",\")" j.jws)" = "payload,protected,signature" &&
	test "$(jq -r .signature j.jws)" = "$(cut -d. -f3 c.jws)" &&
	pkit crypto jws verify --key ed.pub j.jws >out && test_cmp msg out &&
	pkit crypto jose format j.jws >back && test_cmp c.jws back &&
	pkit crypto jose format <c.jwt | pkit crypto jose format - >back &&
	test_cmp c.jwt back
'

test_expect_success 'JWE: JSON to compact and back; both decrypt' '
	pkit crypto jose format j.jwe >c2.jwe &&
	test "$(tr -cd . <c2.jwe | wc -c)" = 4 &&
	pkit crypto jwe decrypt --key ec.json c2.jwe >out && test_cmp msg out &&
	pkit crypto jose format c.jwe >j2.jwe &&
	test "$(jq -r "keys | join(\",\")" j2.jwe)" = "ciphertext,encrypted_key,iv,protected,tag" &&
	pkit crypto jwe decrypt --key rsa.json j2.jwe >out && test_cmp msg out &&
	pkit crypto jose format j2.jwe >back && test_cmp c.jwe back
'

test_expect_success 'empty parts: a detached JWS, a JWE without an encrypted key' '
	pkit crypto jws sign --key ed.json --detached msg >d.jws &&
	pkit crypto jose format d.jws >dj.jws &&
	test "$(jq -r "has(\"payload\")" dj.jws)" = false &&
	pkit crypto jose format dj.jws >back && test_cmp d.jws back &&
	pkit crypto jwe encrypt --alg ECDH-ES --compact --key ec.pub msg >e.jwe &&
	test "$(cut -d. -f2 e.jwe)" = "" &&
	pkit crypto jose format e.jwe >ej.jwe &&
	test "$(jq -r "has(\"encrypted_key\")" ej.jwe)" = false &&
	pkit crypto jose format ej.jwe >back && test_cmp e.jwe back
'

test_expect_success 'general JSON with one signature or recipient becomes compact' '
	jq -c "{payload, signatures: [{protected, signature}]}" j.jws >g.jws &&
	pkit crypto jose format g.jws >back && test_cmp c.jws back &&
	pkit crypto jwk create --use enc --no-password --insecure ec2.pub ec2.json &&
	pkit crypto jwe encrypt --subtle --alg ECDH-ES+A128KW --key ec.pub msg >one.jwe &&
	jq -c "{protected, iv, ciphertext, tag, recipients: [{encrypted_key}]}" one.jwe >g1.jwe &&
	pkit crypto jose format g1.jwe >gc.jwe &&
	pkit crypto jwe decrypt --key ec.json gc.jwe >out && test_cmp msg out
'

test_expect_success 'what compact cannot carry is one line, exit 1' '
	pkit crypto jwe encrypt --subtle --alg ECDH-ES+A128KW --key ec.pub --key ec2.pub msg >two.jwe &&
	fails 1 pkit crypto jose format two.jwe &&
	grep -q "one recipient, this JWE has 2" err &&
	jq -c ". + {header: {kid: \"x\"}}" j.jws >u.jws &&
	fails 1 pkit crypto jose format u.jws &&
	grep -q "unprotected header" err &&
	jq -c ". + {aad: \"YWJj\"}" j.jwe >a.jwe &&
	fails 1 pkit crypto jose format a.jwe &&
	grep -q aad err
'

test_expect_success 'malformed input: one line, exit 1; bad flags exit 2' '
	printf "a.b\n" >x && fails 1 pkit crypto jose format x &&
	printf "a.b.c.d.e.f\n" >x && fails 1 pkit crypto jose format x &&
	printf "e30.e30.!!\n" >x && fails 1 pkit crypto jose format x &&
	printf "YWJj.e30.e30\n" >x && fails 1 pkit crypto jose format x &&
	printf "{\"protected\": 1}" >x && fails 1 pkit crypto jose format x &&
	printf "[1]" >x && fails 1 pkit crypto jose format x &&
	: >x && fails 1 pkit crypto jose format x &&
	fails 1 pkit crypto jose format nosuch &&
	grep -q nosuch err &&
	fails 2 pkit crypto jose format --json c.jws &&
	fails 2 pkit crypto jose format a b
'

test_done

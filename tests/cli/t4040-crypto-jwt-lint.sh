#!/bin/sh
test_description='crypto jwt lint: rules over header and claims, text and JSON, exit status'
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

# tok HEADER CLAIMS [SIGBYTES]: an unsigned-looking token with a dummy
# signature of SIGBYTES bytes (default 64).
tok() {
	printf '%s.%s.%s\n' "$(printf '%s' "$1" | b64url)" \
		"$(printf '%s' "$2" | b64url)" \
		"$(head -c "${3:-64}" /dev/zero | b64url)"
}

test_expect_success 'setup: a key and a sound token' '
	pkit crypto jwk create --no-password --insecure pub.json priv.json &&
	pkit crypto jwt sign --key priv.json --iss me --aud api --sub alice --exp 5m >good.tok
'

test_expect_success 'a sound token has no finding and exits 0' '
	pkit crypto jwt lint --key pub.json good.tok >out &&
	test "$(wc -l <out)" = 1 &&
	grep -q "^good.tok: 0 errors, 0 warnings, 0 notices" out
'

test_expect_success 'alg none: an error, exit 1, the rule id and its source' '
	tok "{\"alg\":\"none\",\"typ\":\"JWT\"}" "{\"iss\":\"me\"}" 0 >none.tok &&
	test_expect_code 1 pkit crypto jwt lint none.tok >out &&
	grep -q "^none.tok: error: header.alg.none: .*\[RFC 8725 3.1\]$" out &&
	grep -q "^none.tok: error: claims.exp.missing: " out
'

test_expect_success 'standard input is named so' '
	test_expect_code 1 pkit crypto jwt lint <none.tok >out &&
	grep -q "^standard input: error: header.alg.none" out
'

test_expect_success 'missing claims, long lifetime, nbf after exp, iat in the future' '
	now=$(date +%s) &&
	tok "{\"alg\":\"ES256\",\"typ\":\"JWT\"}" \
		"{\"nbf\":$((now + 100)),\"exp\":$((now + 50)),\"iat\":$((now + 3600))}" >t1.tok &&
	test_expect_code 1 pkit crypto jwt lint t1.tok >out &&
	for id in claims.nbf.after-exp claims.iat.future claims.iat.after-exp \
		claims.aud.missing claims.iss.missing claims.sub.missing claims.jti.missing
	do
		grep -q ": $id: " out || { echo "no $id" >&2; return 1; }
	done &&
	tok "{\"alg\":\"ES256\",\"typ\":\"JWT\"}" \
		"{\"iss\":\"a\",\"aud\":\"b\",\"iat\":$now,\"exp\":$((now + 7 * 86400))}" >long.tok &&
	pkit crypto jwt lint long.tok >out &&
	grep -q "warning: claims.lifetime: the token is valid for 168h0m0s, longer than 24h0m0s" out &&
	pkit crypto jwt lint --max-lifetime 720h long.tok >out &&
	! grep -q claims.lifetime out
'

test_expect_success 'key-injection headers, crit and typ' '
	now=$(date +%s) &&
	c="{\"iss\":\"a\",\"aud\":\"b\",\"sub\":\"c\",\"jti\":\"d\",\"iat\":$now,\"exp\":$((now + 60))}" &&
	tok "{\"alg\":\"ES256\",\"typ\":\"JWT\",\"jku\":\"https://evil/jwks\",\"x5u\":\"https://evil/c\",\"jwk\":{\"kty\":\"EC\"},\"crit\":[\"x\"],\"x\":1}" "$c" >inj.tok &&
	pkit crypto jwt lint inj.tok >out &&
	grep -q "warning: header.jku: " out &&
	grep -q "warning: header.x5u: " out &&
	grep -q "warning: header.jwk: " out &&
	grep -q "warning: header.crit: " out &&
	tok "{\"alg\":\"ES256\",\"typ\":\"at+jwt\"}" "$c" >at.tok &&
	pkit crypto jwt lint at.tok >out &&
	! grep -q "header.typ" out &&
	test_expect_code 1 pkit crypto jwt lint --typ JWT at.tok >out &&
	grep -q "error: header.typ.unexpected: typ is \"at+jwt\", expected \"JWT\"" out
'

test_expect_success 'with a key: HS256 shorter than the hash, alg confusion, bad signature' '
	printf "{\"kty\":\"oct\",\"k\":\"%s\"}" "$(printf short-key | b64url)" >short.json &&
	chmod 600 short.json &&
	pkit crypto jwt sign --key short.json --insecure --subtle </dev/null >hs.tok &&
	test_expect_code 1 pkit crypto jwt lint --key short.json hs.tok >out &&
	grep -q "error: key.hmac-short: the HS256 key is 9 bytes, shorter than the 32-byte hash" out &&
	! grep -q signature.invalid out &&
	test_expect_code 1 pkit crypto jwt lint --key pub.json hs.tok >out &&
	grep -q "error: key.alg-mismatch: " out &&
	pkit crypto jwk create --no-password --insecure other.pub other.json &&
	test_expect_code 1 pkit crypto jwt lint --key other.pub good.tok >out &&
	grep -q "error: signature.invalid: " out
'

test_expect_success 'with a JWK Set: a missing or unknown kid' '
	pkit crypto jwk keyset add set.json <pub.json &&
	pkit crypto jwt lint --jwks set.json good.tok >out &&
	! grep -q header.kid out &&
	test_expect_code 1 pkit crypto jwt lint --jwks set.json hs.tok >out &&
	grep -q "warning: header.kid.missing: " out &&
	pkit crypto jwt sign --key other.json --subtle </dev/null >other.tok &&
	test_expect_code 1 pkit crypto jwt lint --jwks set.json other.tok >out &&
	grep -q "error: header.kid.unknown: " out
'

test_expect_success 'a DER ECDSA signature, millisecond times, an oversized token' '
	now=$(date +%s) &&
	tok "{\"alg\":\"ES256\",\"typ\":\"JWT\"}" "{\"exp\":${now}000}" 71 >der.tok &&
	test_expect_code 1 pkit crypto jwt lint der.tok >out &&
	grep -q "error: signature.length: the ES256 signature is 71 bytes, not 64" out &&
	grep -q "warning: claims.time.millis: " out &&
	big=$(head -c 9000 /dev/zero | tr "\\0" a) &&
	tok "{\"alg\":\"ES256\",\"typ\":\"JWT\"}" "{\"x\":\"$big\"}" >big.tok &&
	test_expect_code 1 pkit crypto jwt lint --max-size 20000 big.tok >out &&
	! grep -q token.size out &&
	test_expect_code 1 pkit crypto jwt lint big.tok >out &&
	grep -q "warning: token.size: " out
'

test_expect_success 'tokens that cannot be decoded are findings, not failures' '
	echo "not a token" >junk.tok &&
	test_expect_code 1 pkit crypto jwt lint junk.tok >out 2>err &&
	test ! -s err &&
	grep -q "error: token.malformed: not three dot-separated parts" out &&
	echo "a.b.c.d.e" >jwe.tok &&
	test_expect_code 1 pkit crypto jwt lint jwe.tok >out &&
	grep -q "JWE" out &&
	tok "{\"alg\":\"ES256\",\"alg\":\"none\"}" "{}" >dup.tok &&
	test_expect_code 1 pkit crypto jwt lint dup.tok >out &&
	grep -q "error: token.duplicate-member: " out
'

test_expect_success '--format json has the counts and the findings' '
	test_expect_code 1 pkit crypto jwt lint --format json none.tok >out.json &&
	test "$(jq -r .file out.json)" = none.tok &&
	test "$(jq -r .errors out.json)" = "$(jq "[.findings[] | select(.severity == \"error\")] | length" out.json)" &&
	test "$(jq -r ".findings[0].id" out.json)" = header.alg.none &&
	test "$(jq -r ".findings[0].source" out.json)" = "RFC 8725 3.1"
'

test_expect_success '--list-rules: at least 20 rules, text and JSON' '
	pkit crypto jwt lint --list-rules >rules &&
	test "$(tail -n +2 rules | wc -l)" -ge 20 &&
	grep -q "^header.alg.none  *error" rules &&
	pkit crypto jwt lint --list-rules --format json >rules.json &&
	test "$(jq length rules.json)" = "$(tail -n +2 rules | wc -l)" &&
	fails 2 pkit crypto jwt lint --list-rules good.tok
'

test_expect_success 'usage errors and missing files' '
	fails 2 pkit crypto jwt lint --format xml good.tok &&
	fails 2 pkit crypto jwt lint --max-lifetme 1h good.tok &&
	fails 1 pkit crypto jwt lint --max-lifetime soon good.tok &&
	fails 1 pkit crypto jwt lint nosuch.tok &&
	grep -q nosuch.tok err &&
	fails 1 pkit crypto jwt lint --key nosuch.json good.tok
'

test_done

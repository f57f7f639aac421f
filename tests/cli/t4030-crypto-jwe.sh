#!/bin/sh
test_description='crypto jwe: encrypt and decrypt every alg/enc pair, passwords, serializations, rejections'
. "$(dirname "$0")/lib.sh"

umask 022
printf 'correct horse\n' >pw
printf 'wrong\n' >badpw

fails() {
	code=$1
	shift
	test_expect_code "$code" "$@" 2>err &&
	test_one_line err
}

b64url() {
	base64 -w0 | tr '+/' '-_' | tr -d '='
}

# b64url-decoded protected header of a JWE in flattened JSON.
protected() {
	s=$(jq -r .protected "$1" | tr '_-' '/+') &&
	case $((${#s} % 4)) in 2) s="$s==" ;; 3) s="$s=" ;; esac &&
	printf '%s' "$s" | base64 -d
}

ENCS="A128GCM A192GCM A256GCM A128CBC-HS256 A192CBC-HS384 A256CBC-HS512"

test_expect_success 'setup: keys for every key management family' '
	pkit crypto jwk create --kty RSA --use enc --no-password --insecure rsa.pub rsa.json &&
	pkit crypto jwk create --crv P-256 --use enc --no-password --insecure p256.pub p256.json &&
	pkit crypto jwk create --crv P-521 --use enc --no-password --insecure p521.pub p521.json &&
	pkit crypto jwk create --crv X25519 --use enc --no-password --insecure x.pub x.json &&
	for n in 16 24 32 48 64
	do
		pkit crypto jwk create --kty oct --size $n --use enc --no-password --insecure \
			o$n.pub o$n.json || return 1
	done &&
	printf "attack at dawn\n" >msg
'

test_expect_success 'the default: the key'"'"'s alg (ECDH-ES) and A256GCM, flattened JSON' '
	pkit crypto jwe encrypt --key p256.pub msg >d.jwe &&
	protected d.jwe >hdr &&
	test "$(jq -r .alg hdr)" = ECDH-ES &&
	test "$(jq -r .enc hdr)" = A256GCM &&
	test "$(jq -r .epk.crv hdr)" = P-256 &&
	test "$(jq -r .kid hdr)" = "$(jq -r .kid p256.pub)" &&
	test "$(jq -r .encrypted_key d.jwe)" = null &&
	pkit crypto jwe decrypt --key p256.json <d.jwe >out &&
	test_cmp msg out
'

# round KEYPUB KEYPRIV ALG: every enc in the compact form, then the
# flattened JSON form once.
round() {
	for enc in $ENCS
	do
		pkit crypto jwe encrypt --key "$1" --alg "$3" --enc $enc --subtle --compact msg >c.jwe &&
		test "$(tr -cd . <c.jwe | wc -c)" = 4 &&
		pkit crypto jwe decrypt --key "$2" c.jwe >out &&
		cmp -s msg out || { echo "failed: $3 $enc" >&2; return 1; }
	done &&
	pkit crypto jwe encrypt --key "$1" --alg "$3" --subtle msg >j.jwe &&
	test "$(jq -r .ciphertext j.jwe)" != null &&
	pkit crypto jwe decrypt --key "$2" <j.jwe >out &&
	cmp -s msg out || { echo "failed: $3 (JSON)" >&2; return 1; }
}

test_expect_success 'RSA-OAEP and RSA-OAEP-256 with every enc' '
	round rsa.pub rsa.json RSA-OAEP &&
	round rsa.pub rsa.json RSA-OAEP-256
'

test_expect_success 'ECDH-ES and ECDH-ES+A*KW on P-256, P-521 and X25519 with every enc' '
	for a in ECDH-ES ECDH-ES+A128KW ECDH-ES+A192KW ECDH-ES+A256KW
	do
		round p256.pub p256.json $a && round x.pub x.json $a || return 1
	done &&
	round p521.pub p521.json ECDH-ES+A256KW
'

test_expect_success 'A*KW and A*GCMKW with every enc' '
	round o16.json o16.json A128KW && round o24.json o24.json A192KW &&
	round o32.json o32.json A256KW && round o16.json o16.json A128GCMKW &&
	round o24.json o24.json A192GCMKW && round o32.json o32.json A256GCMKW
'

test_expect_success 'dir: the key length follows enc' '
	for pair in A128GCM:16 A192GCM:24 A256GCM:32 A128CBC-HS256:32 A192CBC-HS384:48 A256CBC-HS512:64
	do
		enc=${pair%%:*} n=${pair##*:} &&
		pkit crypto jwe encrypt --key o$n.json --alg dir --enc $enc --subtle msg >dir.jwe &&
		pkit crypto jwe decrypt --key o$n.json <dir.jwe >out &&
		test_cmp msg out || return 1
	done &&
	fails 1 pkit crypto jwe encrypt --key o16.json --alg dir --enc A256GCM --subtle msg &&
	grep -q "32-byte key" err
'

test_expect_success 'PBES2 with a password, every variant (600000 iterations)' '
	for a in PBES2-HS256+A128KW PBES2-HS384+A192KW PBES2-HS512+A256KW
	do
		pkit crypto jwe encrypt --alg $a --password-file pw msg >p.jwe &&
		protected p.jwe >hdr &&
		test "$(jq -r .p2c hdr)" = 600000 &&
		pkit crypto jwe decrypt --password-file pw <p.jwe >out &&
		test_cmp msg out || return 1
	done &&
	fails 1 pkit crypto jwe decrypt --password-file badpw <p.jwe &&
	grep -q "password" err &&
	fails 1 pkit crypto jwe decrypt <p.jwe &&
	grep -q -- "--password-file" err &&
	fails 2 pkit crypto jwe encrypt --alg PBES2-HS256+A128KW --key o16.json msg &&
	fails 2 pkit crypto jwe decrypt --key o16.json <p.jwe
'

test_expect_success 'a private JWK written by jwk create decrypts with jwe decrypt' '
	pkit crypto jwk create --password-file pw k.pub k.json &&
	pkit crypto jwe decrypt --password-file pw k.json >k.plain &&
	test "$(jq -r .kid k.plain)" = "$(jq -r .kid k.pub)"
'

test_expect_success 'the key must suit the alg; a sig key does not encrypt' '
	fails 1 pkit crypto jwe encrypt --key p256.pub --alg RSA-OAEP --subtle msg &&
	grep -q "does not suit" err &&
	fails 1 pkit crypto jwe encrypt --key o16.json --alg A256KW --subtle msg &&
	pkit crypto jwk create --no-password --insecure sig.pub sig.json &&
	fails 1 pkit crypto jwe encrypt --key sig.pub msg &&
	grep -q "not \"enc\"" err &&
	fails 2 pkit crypto jwe encrypt --key rsa.pub --alg RSA-OAEP msg &&
	grep -q -- "--subtle" err &&
	fails 1 pkit crypto jwe encrypt --key rsa.pub --alg RSA1_5 --subtle msg &&
	grep -q "RSA1_5" err
'

test_expect_success 'a GCM tag shorter than 128 bits is refused' '
	pkit crypto jwe encrypt --key o16.json --alg A128KW --enc A128GCM --subtle --compact msg >t.jwe &&
	tag=$(cut -d. -f5 t.jwe) &&
	echo "$(cut -d. -f1-4 t.jwe).$(echo "$tag" | cut -c1-16)" >short.jwe &&
	fails 1 pkit crypto jwe decrypt --key o16.json <short.jwe &&
	grep -q "128-bit authentication tag" err &&
	echo "$(cut -d. -f1-4 t.jwe).AA" >short2.jwe &&
	fails 1 pkit crypto jwe decrypt --key o16.json <short2.jwe
'

test_expect_success 'tampering, the wrong key and a bad IV all fail' '
	ct=$(cut -d. -f4 t.jwe) &&
	echo "$(cut -d. -f1-3 t.jwe).$(echo "$ct" | rev).$(cut -d. -f5 t.jwe)" >tamp.jwe &&
	fails 1 pkit crypto jwe decrypt --key o16.json <tamp.jwe &&
	grep -q "decryption failed" err &&
	pkit crypto jwk create --kty oct --size 16 --use enc --no-password --insecure other.pub other.json &&
	fails 1 pkit crypto jwe decrypt --key other.json <t.jwe &&
	echo "$(cut -d. -f1-2 t.jwe).AAAA.$(cut -d. -f4-5 t.jwe)" >iv.jwe &&
	fails 1 pkit crypto jwe decrypt --key o16.json <iv.jwe &&
	grep -q "IV" err
'

test_expect_success 'zip and unknown crit are refused' '
	p=$(printf "{\"alg\":\"A128KW\",\"enc\":\"A128GCM\",\"zip\":\"DEF\"}" | b64url) &&
	echo "$p.$(cut -d. -f2-5 t.jwe)" >zip.jwe &&
	fails 1 pkit crypto jwe decrypt --key o16.json <zip.jwe &&
	grep -q "zip" err &&
	p=$(printf "{\"alg\":\"A128KW\",\"enc\":\"A128GCM\",\"crit\":[\"x\"],\"x\":1}" | b64url) &&
	echo "$p.$(cut -d. -f2-5 t.jwe)" >crit.jwe &&
	fails 1 pkit crypto jwe decrypt --key o16.json <crit.jwe &&
	grep -q "critical" err
'

test_expect_success '--jwks: the JWE kid picks the key' '
	pkit crypto jwk keyset add set.json <p256.json &&
	pkit crypto jwk keyset add set.json <rsa.json &&
	pkit crypto jwe decrypt --jwks set.json <d.jwe >out &&
	test_cmp msg out &&
	pkit crypto jwe encrypt --jwks set.json --kid "$(jq -r .kid rsa.pub)" msg >r.jwe &&
	pkit crypto jwe decrypt --key rsa.json <r.jwe >out &&
	test_cmp msg out
'

test_expect_success 'malformed input, missing files and bad flags' '
	echo "a.b.c" >bad.jwe &&
	fails 1 pkit crypto jwe decrypt --key o16.json bad.jwe &&
	grep -q "bad.jwe" err &&
	fails 1 pkit crypto jwe decrypt --key nosuch.json <t.jwe &&
	fails 2 pkit crypto jwe encrypt --key o16.json --enc A512GCM msg &&
	fails 2 pkit crypto jwe encrypt --kye o16.json msg
'

test_done

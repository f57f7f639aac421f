#!/bin/sh
test_description='JOSE interop with node jose and python3-jwcrypto, both directions, every alg/enc pair'
. "$(dirname "$0")/lib.sh"

umask 077
PEERS="$PKIT_SRC_DIR/tests/interop"
printf 'correct horse\n' >pw

JWS_ALGS="HS256 HS384 HS512 RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 ES512 EdDSA"
ENCS="A128GCM A192GCM A256GCM A128CBC-HS256 A192CBC-HS384 A256CBC-HS512"
# key management algorithm:key file (dir is paired by enc below).
JWE_ALGS="RSA-OAEP:rsae RSA-OAEP-256:rsae A128KW:o16 A192KW:o24 A256KW:o32
A128GCMKW:o16 A192GCMKW:o24 A256GCMKW:o32 ECDH-ES:p256e ECDH-ES:p521e
ECDH-ES:x25519 ECDH-ES+A128KW:p384e ECDH-ES+A192KW:x25519 ECDH-ES+A256KW:p256e
PBES2-HS256+A128KW:pw PBES2-HS384+A192KW:pw PBES2-HS512+A256KW:pw"

have_node=
if test_have node && test -f "$PEERS/node_modules/jose/package.json"; then
	have_node=1
fi
have_jwcrypto=
if "$SYS_PYTHON" -c 'import jwcrypto.jwe, jwcrypto.jws' 2>/dev/null; then
	have_jwcrypto=1
fi

# The key a JWS algorithm is made with.
sigkey() {
	case $1 in
	HS*) echo hs ;;
	RS*|PS*) echo rsa ;;
	ES256) echo p256 ;;
	ES384) echo p384 ;;
	ES512) echo p521 ;;
	EdDSA) echo ed ;;
	esac
}

# The dir key for an enc: its length is the CEK's.
dirkey() {
	case $1 in
	A128GCM) echo o16 ;;
	A192GCM) echo o24 ;;
	A256GCM|A128CBC-HS256) echo o32 ;;
	A192CBC-HS384) echo o48 ;;
	A256CBC-HS512) echo o64 ;;
	esac
}

# Every JWE pair as "alg enc key".
jwe_pairs() {
	for ak in $JWE_ALGS
	do
		for enc in $ENCS
		do
			echo "${ak%%:*} $enc ${ak##*:}"
		done
	done
	for enc in $ENCS
	do
		echo "dir $enc $(dirkey $enc)"
	done
}

# task JSON for one file: op alg enc key in out
task() {
	if test "$4" = pw; then
		kp="\"password\": \"pw\""
	else
		kp="\"key\": \"$4.json\""
	fi
	printf '{"op": "%s", "alg": "%s", "enc": "%s", %s, "in": "%s", "out": "%s"}' \
		"$1" "$2" "$3" "$kp" "$5" "$6"
}

test_expect_success 'setup: keys of every type, as JWKs, and a step-style encrypted JWK' '
	mk() { name=$1; shift; pkit crypto jwk create --no-password --insecure "$@" $name.pub $name.json; } &&
	mk hs --kty oct --size 64 && mk rsa --kty RSA && mk p256 && mk p384 --crv P-384 &&
	mk p521 --crv P-521 && mk ed --crv Ed25519 &&
	mk rsae --kty RSA --use enc && mk p256e --use enc && mk p384e --crv P-384 --use enc &&
	mk p521e --crv P-521 --use enc && mk x25519 --crv X25519 --use enc &&
	for n in 16 24 32 48 64
	do
		mk o$n --kty oct --size $n --use enc || return 1
	done &&
	pkit crypto jwk create --password-file pw step.pub step.json &&
	printf "interop payload: \\360\\237\\224\\221 and a NUL \\000 byte\\n" >payload &&
	printf "{\\"hello\\":\\"jwe\\"}" >plain
'

test_expect_success 'pkit signs a JWS with every algorithm' '
	for alg in $JWS_ALGS
	do
		pkit crypto jws sign --key $(sigkey $alg).json --alg $alg --subtle payload \
			>pkit.$alg.jws || return 1
	done
'

test_expect_success 'pkit encrypts a JWE with every alg/enc pair' '
	jwe_pairs | while read -r alg enc key
	do
		if test $key = pw; then
			pkit crypto jwe encrypt --alg $alg --enc $enc --password-file pw \
				--p2c 10000 --compact plain >pkit.$alg.$enc.$key.jwe
		else
			pkit crypto jwe encrypt --key $key.pub --alg $alg --enc $enc --subtle \
				--compact plain >pkit.$alg.$enc.$key.jwe
		fi || { echo "pkit failed: $alg $enc" >&2; exit 1; }
	done
'

test_expect_success 'pkit mints a JWT' '
	pkit crypto jwt sign --key p256.json --iss pkit --aud peers --sub s --exp 5m >pkit.jwt
'

# Tasks for a peer that checks pkit's objects, and makes its own.
peer_tasks() {
	p=$1
	{
		echo "["
		for alg in $JWS_ALGS
		do
			task verify $alg "" $(sigkey $alg) pkit.$alg.jws $p.got.$alg.jws && echo "," &&
			task sign $alg "" $(sigkey $alg) payload $p.$alg.jws && echo ","
		done
		jwe_pairs | while read -r alg enc key
		do
			task decrypt $alg $enc $key pkit.$alg.$enc.$key.jwe $p.got.$alg.$enc.$key && echo "," &&
			if test $key = pw; then
				task encrypt $alg $enc pw plain $p.$alg.$enc.$key.jwe
			else
				task encrypt $alg $enc $key plain $p.$alg.$enc.$key.jwe
			fi && echo ","
		done
		task decrypt PBES2-HS256+A128KW A256GCM pw step.json $p.got.step.json && echo "," &&
		printf '{"op": "jwtverify", "alg": "ES256", "key": "p256.pub", "in": "pkit.jwt", "out": "%s.got.jwt", "iss": "pkit", "aud": "peers"},\n' $p
		printf '{"op": "jwtsign", "alg": "ES256", "key": "p256.json", "out": "%s.jwt", "iss": "%s", "aud": "pkit"}\n' $p $p
		echo "]"
	} >$p.tasks.json &&
	jq length $p.tasks.json >/dev/null
}

# Check what a peer produced: it read pkit's objects right, and pkit reads
# its objects.
check_peer() {
	p=$1
	for alg in $JWS_ALGS
	do
		cmp -s payload $p.got.$alg.jws || { echo "$p could not verify pkit $alg" >&2; return 1; }
		pkit crypto jws verify --key $(sigkey $alg).pub --alg $alg <$p.$alg.jws >out &&
		cmp -s payload out || { echo "pkit could not verify $p $alg" >&2; return 1; }
	done &&
	jwe_pairs >pairs &&
	while read -r alg enc key
	do
		cmp -s plain $p.got.$alg.$enc.$key ||
		{ echo "$p could not decrypt pkit $alg $enc" >&2; return 1; }
		if test $key = pw; then
			pkit crypto jwe decrypt --password-file pw <$p.$alg.$enc.$key.jwe >out
		else
			pkit crypto jwe decrypt --key $key.json <$p.$alg.$enc.$key.jwe >out
		fi &&
		cmp -s plain out || { echo "pkit could not decrypt $p $alg $enc" >&2; return 1; }
	done <pairs &&
	test "$(jq -r .kid $p.got.step.json)" = "$(jq -r .kid step.pub)" &&
	test "$(jq -r .d $p.got.step.json | wc -c)" = 44 &&
	grep -q "\"iss\": *\"pkit\"" $p.got.jwt &&
	pkit crypto jwt verify --key p256.pub --iss $p --aud pkit <$p.jwt >out &&
	test "$(jq -r .payload.role out)" = peer
}

if test -n "$have_node"; then
	test_expect_success 'node jose: verifies and decrypts what pkit made, makes its own' '
		peer_tasks node &&
		node "$PEERS/jose_peer.mjs" node.tasks.json
	'
	test_expect_success 'pkit verifies and decrypts what node jose made' '
		check_peer node
	'
else
	test_skip 'node jose interop' 'node or tests/interop/node_modules/jose missing (cd tests/interop && npm install)'
fi

if test -n "$have_jwcrypto"; then
	test_expect_success 'python3-jwcrypto: verifies and decrypts what pkit made, makes its own' '
		peer_tasks jwcrypto &&
		"$SYS_PYTHON" "$PEERS/jwcrypto_peer.py" jwcrypto.tasks.json
	'
	test_expect_success 'pkit verifies and decrypts what jwcrypto made' '
		check_peer jwcrypto
	'
else
	test_skip 'python3-jwcrypto interop' "python3-jwcrypto is not installed for $SYS_PYTHON"
fi

test_done

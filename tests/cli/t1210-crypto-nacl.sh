#!/bin/sh
test_description='crypto nacl box, secretbox, sign and auth'
. "$(dirname "$0")/lib.sh"

# flip FILE OFFSET: flip the lowest bit of one byte of FILE in place.
flip() {
	"$SYS_PYTHON" -c '
import sys
p, o = sys.argv[1], int(sys.argv[2])
b = bytearray(open(p, "rb").read())
b[o] ^= 1
open(p, "wb").write(b)' "$1" "$2"
}

# b64url_to_raw IN OUT: decode unpadded base64url.
b64url_to_raw() {
	"$SYS_PYTHON" -c '
import base64, sys
s = open(sys.argv[1]).read().strip()
open(sys.argv[2], "wb").write(base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)))' "$1" "$2"
}

test_expect_success 'setup: a binary message with NULs and no final newline' '
	printf "line one\n\000\001\002 binary \377 tail" >msg &&
	head -c 70000 /dev/urandom >big
'

# ---- box ------------------------------------------------------------------

test_expect_success 'box keypair writes 32-byte keys, the private one 0600' '
	pkit crypto nacl box keypair alice.pub alice.priv &&
	pkit crypto nacl box keypair bob.pub bob.priv &&
	test "$(wc -c <alice.pub)" -eq 32 &&
	test "$(wc -c <alice.priv)" -eq 32 &&
	test_mode alice.priv 600 &&
	test_mode alice.pub 644 &&
	! cmp -s alice.priv bob.priv
'

test_expect_success 'box keypair never overwrites without --force' '
	cp alice.priv alice.priv.orig && cp alice.pub alice.pub.orig &&
	test_expect_code 1 pkit crypto nacl box keypair new.pub alice.priv 2>err &&
	test_one_line err && grep -q -- "--force" err &&
	test ! -e new.pub &&
	test_expect_code 1 pkit crypto nacl box keypair alice.pub new.priv 2>err &&
	test_one_line err && test ! -e new.priv &&
	cmp alice.priv alice.priv.orig && cmp alice.pub alice.pub.orig &&
	pkit crypto nacl box keypair --force carol.pub alice.priv &&
	! cmp -s alice.priv alice.priv.orig && test_mode alice.priv 600 &&
	cp alice.priv.orig alice.priv && rm carol.pub &&
	test_expect_code 2 pkit crypto nacl box keypair same same 2>err &&
	test_one_line err && test ! -e same &&
	test_expect_code 2 pkit crypto nacl box keypair only 2>err &&
	test_one_line err
'

test_expect_success 'box seal and open round-trip a binary message (base64url)' '
	pkit crypto nacl box seal nonce1 alice.pub bob.priv <msg >box &&
	test "$(wc -l <box)" -eq 1 &&
	grep -Eqx "[A-Za-z0-9_-]+" box &&
	pkit crypto nacl box open nonce1 bob.pub alice.priv <box >out &&
	cmp msg out
'

test_expect_success 'box --raw output is MAC plus ciphertext, the same box' '
	pkit crypto nacl box seal --raw nonce1 alice.pub bob.priv <msg >box.raw &&
	test "$(wc -c <box.raw)" -eq $(( $(wc -c <msg) + 16 )) &&
	b64url_to_raw box box.dec && cmp box.raw box.dec &&
	pkit crypto nacl box open --raw nonce1 bob.pub alice.priv <box.raw >out &&
	cmp msg out &&
	pkit crypto nacl box seal --raw n2 alice.pub bob.priv <big >big.box &&
	pkit crypto nacl box open --raw n2 bob.pub alice.priv <big.box >out &&
	cmp big out
'

test_expect_success 'box nonces: string:, base64: and the zero padding agree as in step' '
	pkit crypto nacl box open string:nonce1 bob.pub alice.priv <box >out &&
	cmp msg out &&
	pkit crypto nacl box open base64:bm9uY2Ux bob.pub alice.priv <box >out &&
	cmp msg out &&
	pkit crypto nacl box open base64:bm9uY2UxAAAAAAAAAAAAAAAAAAAAAAAA \
		bob.pub alice.priv <box >out &&
	cmp msg out
'

test_expect_success 'box open fails on every tampered byte, wrong nonce or key' '
	for off in 0 15 16 20 $(( $(wc -c <box.raw) - 1 ))
	do
		cp box.raw t.raw && flip t.raw $off &&
		test_expect_code 1 pkit crypto nacl box open --raw nonce1 bob.pub \
			alice.priv <t.raw >out 2>err &&
		test_one_line err && test ! -s out || return 1
	done &&
	grep -q "does not open" err &&
	test_expect_code 1 pkit crypto nacl box open nonce2 bob.pub alice.priv \
		<box >out 2>err &&
	test_one_line err && test ! -s out &&
	pkit crypto nacl box keypair eve.pub eve.priv &&
	test_expect_code 1 pkit crypto nacl box open nonce1 eve.pub alice.priv \
		<box >out 2>err &&
	test_one_line err && test ! -s out &&
	test_expect_code 1 pkit crypto nacl box open nonce1 bob.pub eve.priv \
		<box >out 2>err &&
	test_one_line err && test ! -s out
'

test_expect_success 'box open rejects input that is not base64url, or too short' '
	echo "not base64!" >junk &&
	test_expect_code 1 pkit crypto nacl box open nonce1 bob.pub alice.priv \
		<junk >out 2>err &&
	test_one_line err && grep -q -- "--raw" err && test ! -s out &&
	printf short | test_expect_code 1 pkit crypto nacl box open --raw nonce1 \
		bob.pub alice.priv >out 2>err &&
	test_one_line err && test ! -s out
'

test_expect_success 'nonces longer than 24 bytes, empty or bad base64 fail with one line' '
	test_expect_code 1 pkit crypto nacl box seal 1234567890123456789012345 \
		alice.pub bob.priv <msg >out 2>err &&
	test_one_line err && grep -q "24" err && test ! -s out &&
	test_expect_code 1 pkit crypto nacl box seal "" alice.pub bob.priv \
		<msg >out 2>err &&
	test_one_line err && test ! -s out &&
	test_expect_code 1 pkit crypto nacl box seal base64:@@@@ alice.pub \
		bob.priv <msg >out 2>err &&
	test_one_line err && test ! -s out
'

test_expect_success 'key files of the wrong size fail with one line naming them' '
	head -c 31 alice.pub >short.pub &&
	test_expect_code 1 pkit crypto nacl box seal n short.pub bob.priv \
		<msg >out 2>err &&
	test_one_line err && grep -q "short.pub: not a box public key: 31 bytes, expected 32" err &&
	test ! -s out &&
	cat bob.priv bob.priv >long.priv && chmod 600 long.priv &&
	test_expect_code 1 pkit crypto nacl box seal n alice.pub long.priv \
		<msg >out 2>err &&
	test_one_line err && grep -q "long.priv" err && test ! -s out &&
	test_expect_code 1 pkit crypto nacl box seal n nosuch.pub bob.priv \
		<msg >out 2>err &&
	test_one_line err && grep -q "nosuch.pub" err &&
	test_expect_code 1 pkit crypto nacl box seal n - bob.priv <msg 2>err &&
	test_one_line err
'

test_expect_success 'private keys readable by others are refused unless --insecure' '
	cp bob.priv open.priv && chmod 644 open.priv &&
	test_expect_code 1 pkit crypto nacl box seal n alice.pub open.priv \
		<msg >out 2>err &&
	test_one_line err && grep -q -- "--insecure" err && test ! -s out &&
	pkit crypto nacl box seal --insecure n alice.pub open.priv <msg >out &&
	pkit crypto nacl box open n bob.pub alice.priv <out >plain &&
	cmp msg plain
'

test_expect_success 'bad flags and argument counts exit 2 with one line' '
	test_expect_code 2 pkit crypto nacl box seal --rwa n alice.pub bob.priv \
		<msg 2>err &&
	test_one_line err && grep -q "did you mean .--raw" err &&
	test_expect_code 2 pkit crypto nacl box open n bob.pub 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit crypto nacl box frobnicate 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit crypto nacl secretbox seal n 2>err &&
	test_one_line err
'

# ---- secretbox ------------------------------------------------------------

test_expect_success 'secretbox seal and open round-trip, base64url and raw' '
	head -c 32 /dev/urandom >shared.key && chmod 600 shared.key &&
	pkit crypto nacl secretbox seal n1 shared.key <msg >sbox &&
	grep -Eqx "[A-Za-z0-9_-]+" sbox &&
	pkit crypto nacl secretbox open n1 shared.key <sbox >out &&
	cmp msg out &&
	pkit crypto nacl secretbox seal --raw n1 shared.key <msg >sbox.raw &&
	b64url_to_raw sbox sbox.dec && cmp sbox.raw sbox.dec &&
	pkit crypto nacl secretbox open --raw base64:bjE= shared.key \
		<sbox.raw >out &&
	cmp msg out
'

test_expect_success 'a box private key serves as a secretbox key' '
	echo hello | pkit crypto nacl secretbox seal n1 alice.priv >s2 &&
	echo hello >want &&
	pkit crypto nacl secretbox open n1 alice.priv <s2 >out &&
	test_cmp want out
'

test_expect_success 'secretbox open fails on tampering, wrong nonce or key' '
	for off in 0 10 16 $(( $(wc -c <sbox.raw) - 1 ))
	do
		cp sbox.raw t.raw && flip t.raw $off &&
		test_expect_code 1 pkit crypto nacl secretbox open --raw n1 \
			shared.key <t.raw >out 2>err &&
		test_one_line err && test ! -s out || return 1
	done &&
	test_expect_code 1 pkit crypto nacl secretbox open n2 shared.key \
		<sbox >out 2>err &&
	test_one_line err && test ! -s out &&
	cp shared.key other.key && flip other.key 5 &&
	test_expect_code 1 pkit crypto nacl secretbox open n1 other.key \
		<sbox >out 2>err &&
	test_one_line err && test ! -s out &&
	test_expect_code 1 pkit crypto nacl secretbox open n1 alice.pub \
		<sbox >out 2>err &&
	test_one_line err && test ! -s out &&
	test_expect_code 1 pkit crypto nacl secretbox seal n1 short.pub \
		<msg >out 2>err &&
	test_one_line err && test ! -s out
'

# ---- sign ------------------------------------------------------------------

test_expect_success 'sign keypair writes a 32-byte public and 64-byte private key' '
	pkit crypto nacl sign keypair s.pub s.priv &&
	test "$(wc -c <s.pub)" -eq 32 &&
	test "$(wc -c <s.priv)" -eq 64 &&
	test_mode s.priv 600 && test_mode s.pub 644 &&
	cmp -i 32:0 s.priv s.pub &&
	test_expect_code 1 pkit crypto nacl sign keypair s.pub s2.priv 2>err &&
	test_one_line err && test ! -e s2.priv
'

test_expect_success 'sign then open gives back the message' '
	pkit crypto nacl sign sign s.priv <msg >signed &&
	grep -Eqx "[A-Za-z0-9_-]+" signed &&
	pkit crypto nacl sign open s.pub <signed >out &&
	cmp msg out &&
	pkit crypto nacl sign sign --raw s.priv <msg >signed.raw &&
	test "$(wc -c <signed.raw)" -eq $(( $(wc -c <msg) + 64 )) &&
	cmp -i 64:0 signed.raw msg &&
	pkit crypto nacl sign open --raw s.pub <signed.raw >out &&
	cmp msg out
'

test_expect_success 'sign open fails on every tampered byte and the wrong key' '
	for off in 0 31 32 63 64 $(( $(wc -c <signed.raw) - 1 ))
	do
		cp signed.raw t.raw && flip t.raw $off &&
		test_expect_code 1 pkit crypto nacl sign open --raw s.pub \
			<t.raw >out 2>err &&
		test_one_line err && test ! -s out || return 1
	done &&
	grep -q "signature does not verify" err &&
	pkit crypto nacl sign keypair o.pub o.priv &&
	test_expect_code 1 pkit crypto nacl sign open o.pub <signed >out 2>err &&
	test_one_line err && test ! -s out &&
	test_expect_code 1 pkit crypto nacl sign sign alice.priv <msg >out 2>err &&
	test_one_line err && grep -q "expected 64" err && test ! -s out
'

if test_have openssl
then
	test_expect_success 'openssl verifies the Ed25519 signature' '
		{ printf "\060\052\060\005\006\003\053\145\160\003\041\000" &&
		  cat s.pub; } >s.spki.der &&
		openssl pkey -pubin -inform DER -in s.spki.der -out s.pub.pem &&
		head -c 64 signed.raw >sig &&
		openssl pkeyutl -verify -pubin -inkey s.pub.pem -rawin -in msg \
			-sigfile sig &&
		flip sig 3 &&
		! openssl pkeyutl -verify -pubin -inkey s.pub.pem -rawin -in msg \
			-sigfile sig
	'
else
	test_skip 'openssl verifies the Ed25519 signature' 'no openssl'
fi

# ---- auth ------------------------------------------------------------------

test_expect_success 'auth digest prints 64 hex digits; verify accepts them' '
	pkit crypto nacl auth digest shared.key <msg >tag &&
	grep -Eqx "[0-9a-f]{64}" tag &&
	pkit crypto nacl auth verify shared.key "$(cat tag)" <msg >out &&
	echo ok >want && test_cmp want out
'

if test_have openssl
then
	test_expect_success 'the authenticator is HMAC-SHA-512 cut to 256 bits' '
		key=$(od -An -tx1 -v shared.key | tr -d " \n") &&
		openssl dgst -sha512 -mac HMAC -macopt hexkey:$key -r <msg |
			cut -c1-64 >want &&
		test_cmp want tag
	'
else
	test_skip 'the authenticator is HMAC-SHA-512 cut to 256 bits' 'no openssl'
fi

test_expect_success 'auth verify fails on a changed message, tag or key' '
	cp msg msg2 && flip msg2 3 &&
	test_expect_code 1 pkit crypto nacl auth verify shared.key "$(cat tag)" \
		<msg2 >out 2>err &&
	test_one_line err && test ! -s out &&
	badtag=$(sed "s/^./$(cut -c1 tag | tr 0-9a-f 1-9a-f0)/" tag) &&
	test_expect_code 1 pkit crypto nacl auth verify shared.key "$badtag" \
		<msg >out 2>err &&
	test_one_line err && test ! -s out &&
	test_expect_code 1 pkit crypto nacl auth verify other.key "$(cat tag)" \
		<msg >out 2>err &&
	test_one_line err && test ! -s out
'

test_expect_success 'auth verify rejects a malformed tag with one line' '
	test_expect_code 1 pkit crypto nacl auth verify shared.key abcd <msg 2>err &&
	test_one_line err && grep -q "64 hex digits" err &&
	test_expect_code 1 pkit crypto nacl auth verify shared.key \
		"$(cut -c1-63 tag)x" <msg 2>err &&
	test_one_line err &&
	test_expect_code 1 pkit crypto nacl auth digest short.pub <msg 2>err &&
	test_one_line err
'

test_expect_success 'help of every nacl verb shows its arguments' '
	pkit crypto nacl box seal --help >h &&
	grep -q "usage: pkit crypto nacl box seal \[options\] <nonce> <recipient-pub-file> <sender-priv-file>" h &&
	pkit crypto nacl auth verify --help >h &&
	grep -q "<key-file> <tag>" h &&
	pkit crypto nacl sign --help >h &&
	grep -q "keypair" h
'

test_done

#!/bin/sh
test_description='crypto otp generate and verify'
. "$(dirname "$0")/lib.sh"

# RFC 6238 Appendix B seeds in base32: 20, 32 and 64 bytes of "1234567890...".
SEED1=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ
SEED256=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA====
SEED512=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNA=

# An independent TOTP (Python's hmac) to check what pkit generates:
# totp_py SECRET_FILE TIME [DIGITS [ALG [PERIOD]]]
totp_py() {
	"$SYS_PYTHON" - "$@" <<-\EOF
	import base64, hashlib, hmac, struct, sys
	s = open(sys.argv[1]).read().strip()
	t = int(sys.argv[2])
	d = int(sys.argv[3]) if len(sys.argv) > 3 else 6
	a = sys.argv[4].lower() if len(sys.argv) > 4 else "sha1"
	p = int(sys.argv[5]) if len(sys.argv) > 5 else 30
	key = base64.b32decode(s + "=" * (-len(s) % 8))
	mac = hmac.new(key, struct.pack(">Q", t // p), getattr(hashlib, a)).digest()
	o = mac[-1] & 15
	v = struct.unpack(">I", mac[o:o + 4])[0] & 0x7fffffff
	print(str(v % 10 ** d).zfill(d))
	EOF
}

test_expect_success 'generate prints a new 160-bit base32 secret each time' '
	pkit crypto otp generate >s1 &&
	pkit crypto otp generate >s2 &&
	test "$(wc -l <s1)" -eq 1 &&
	grep -Eqx "[A-Z2-7]{32}" s1 &&
	! cmp -s s1 s2
'

test_expect_success 'generate --secret-size sets the size of the secret' '
	pkit crypto otp generate --secret-size 32 >s32 &&
	grep -Eqx "[A-Z2-7]{52}" s32 &&
	pkit crypto otp generate --secret-size 64 >s64 &&
	grep -Eqx "[A-Z2-7]{103}" s64
'

test_expect_success 'generate --url prints an otpauth key URI with encoded labels' '
	pkit crypto otp generate --url --issuer "Example Co" \
		--account alice@example.com >url &&
	grep -Eqx "otpauth://totp/Example%20Co:alice%40example\.com\?secret=[A-Z2-7]{32}&issuer=Example%20Co&algorithm=SHA1&digits=6&period=30" url
'

test_expect_success 'generate --url carries --alg, --digits, --period; --iss is --issuer' '
	pkit crypto otp generate --url --iss ACME --account bob --alg sha512 \
		--digits 8 --period 60 >url2 &&
	grep -q "^otpauth://totp/ACME:bob?secret=" url2 &&
	grep -q "&issuer=ACME&algorithm=SHA512&digits=8&period=60$" url2
'

test_expect_success 'generate rejects bad values and flags with exit 2 and one line' '
	test_expect_code 2 pkit crypto otp generate --url 2>err &&
	test_one_line err && grep -q -- "--account" err &&
	test_expect_code 2 pkit crypto otp generate --length 9 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit crypto otp generate --length 5 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit crypto otp generate --period 0 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit crypto otp generate --secret-size 8 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit crypto otp generate --alg MD5 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit crypto otp generate --isuer x 2>err &&
	test_one_line err && grep -q "did you mean .--issuer" err &&
	test_expect_code 2 pkit crypto otp generate extra 2>err &&
	test_one_line err
'

test_expect_success 'verify passes every RFC 6238 Appendix B vector' '
	echo $SEED1 >seed1 && echo $SEED256 >seed256 && echo $SEED512 >seed512 &&
	while read -r t sha1 sha256 sha512
	do
		pkit crypto otp verify --secret seed1 --length 8 --time $t $sha1 >out &&
		echo ok >want && test_cmp want out &&
		pkit crypto otp verify --secret seed256 --alg SHA256 --digits 8 \
			--time $t $sha256 &&
		pkit crypto otp verify --secret seed512 --algorithm sha512 --length 8 \
			--time $t $sha512 || return 1
	done <<-\EOF
	59 94287082 46119246 90693936
	1111111109 07081804 68084774 25091201
	1111111111 14050471 67062674 99943326
	1234567890 89005924 91819424 93441116
	2000000000 69279037 90698825 38618901
	20000000000 65353130 77737706 47863826
	EOF
'

test_expect_success 'a wrong code fails with exit 1 and one line' '
	test_expect_code 1 pkit crypto otp verify --secret seed1 --length 8 \
		--time 59 94287083 >out 2>err &&
	test_one_line err && grep -q "not valid" err && test ! -s out &&
	test_expect_code 1 pkit crypto otp verify --secret seed256 --length 8 \
		--time 59 46119246 2>err &&
	test_one_line err
'

test_expect_success 'a code of the wrong length or not digits fails with one line' '
	test_expect_code 1 pkit crypto otp verify --secret seed1 --time 59 94287082 2>err &&
	test_one_line err && grep -q "not 6 digits" err &&
	test_expect_code 1 pkit crypto otp verify --secret seed1 --time 59 28708x 2>err &&
	test_one_line err
'

test_expect_success 'verify reads the code from standard input without an argument' '
	echo 94287082 | pkit crypto otp verify --secret seed1 --length 8 --time 59 &&
	printf "287082\r\n" | pkit crypto otp verify --secret seed1 --time 59 &&
	test_expect_code 1 pkit crypto otp verify --secret seed1 --time 59 </dev/null 2>err &&
	test_one_line err
'

test_expect_success 'verify takes algorithm, digits and period from an otpauth URL' '
	echo "otpauth://totp/ACME%20Co:john@example.com?secret=$(echo $SEED256 | tr -d =)&issuer=ACME%20Co&algorithm=SHA256&digits=8&period=30" >u256 &&
	pkit crypto otp verify --secret u256 --time 1234567890 91819424 &&
	test_expect_code 1 pkit crypto otp verify --secret u256 --time 1234567890 \
		89005924 2>err &&
	test_one_line err &&
	echo "otpauth://totp/x?secret=$SEED1&period=60&digits=6" >u60 &&
	code=$(totp_py seed1 1234567890 6 sha1 60) &&
	pkit crypto otp verify --secret u60 --time 1234567890 $code &&
	test_expect_code 1 pkit crypto otp verify --secret u60 --period 30 \
		--time 1234567890 $code 2>err
'

test_expect_success 'flags override the URL parameters' '
	echo "otpauth://totp/x?secret=$SEED1&algorithm=SHA256&digits=6&period=60" >u1 &&
	test_expect_code 1 pkit crypto otp verify --secret u1 --time 59 287082 2>err &&
	pkit crypto otp verify --secret u1 --alg SHA1 --period 30 --time 59 287082 &&
	pkit crypto otp verify --secret u1 --alg SHA1 --period 30 --length 8 \
		--time 59 94287082
'

test_expect_success '--skew accepts neighbouring periods; above 1 needs --insecure' '
	test_expect_code 1 pkit crypto otp verify --secret seed1 --length 8 \
		--time 89 94287082 2>err &&
	pkit crypto otp verify --secret seed1 --length 8 --time 89 --skew 1 94287082 &&
	pkit crypto otp verify --secret seed1 --length 8 --time 29 --skew 1 94287082 &&
	test_expect_code 1 pkit crypto otp verify --secret seed1 --length 8 \
		--time 119 --skew 1 94287082 2>err &&
	test_expect_code 1 pkit crypto otp verify --secret seed1 --length 8 \
		--time 119 --skew 2 94287082 2>err &&
	test_one_line err && grep -q -- "--insecure" err &&
	pkit crypto otp verify --secret seed1 --length 8 --time 119 --skew 2 \
		--insecure 94287082 &&
	test_expect_code 2 pkit crypto otp verify --secret seed1 --skew 11 \
		--insecure 287082 2>err &&
	test_one_line err
'

test_expect_success 'generated secrets and URLs verify codes made by another TOTP' '
	pkit crypto otp generate >gen &&
	code=$(totp_py gen 1700000000) &&
	pkit crypto otp verify --secret gen --time 1700000000 $code &&
	pkit crypto otp generate --url --account a --alg SHA256 --length 8 \
		--period 45 --secret-size 32 >genurl &&
	sed -e "s/.*secret=//" -e "s/&.*//" genurl >genurl.b32 &&
	code=$(totp_py genurl.b32 1700000000 8 sha256 45) &&
	pkit crypto otp verify --secret genurl --time 1700000000 $code &&
	test_expect_code 1 pkit crypto otp verify --secret genurl \
		--time 1700000045 $code 2>err &&
	test_one_line err
'

test_expect_success 'verify uses the current time by default' '
	code=$(totp_py gen "$(date +%s)") &&
	pkit crypto otp verify --secret gen --skew 1 $code
'

test_expect_success 'the secret is never an argument: --secret is required' '
	test_expect_code 2 pkit crypto otp verify 123456 2>err &&
	test_one_line err && grep -q -- "--secret" err &&
	test_expect_code 2 pkit crypto otp verify --secret seed1 1 2 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit crypto otp verify --secret seed1 --time -1 123456 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit crypto otp verify --secret seed1 --time soon 123456 2>err &&
	test_one_line err
'

test_expect_success 'a missing or malformed secret file fails with one line naming it' '
	test_expect_code 1 pkit crypto otp verify --secret nosuch 123456 2>err &&
	test_one_line err && grep -q "nosuch" err &&
	echo "not a secret!" >bad &&
	test_expect_code 1 pkit crypto otp verify --secret bad 123456 2>err &&
	test_one_line err && grep -q "^pkit: bad: " err &&
	: >empty &&
	test_expect_code 1 pkit crypto otp verify --secret empty 123456 2>err &&
	test_one_line err &&
	echo "otpauth://hotp/x?secret=$SEED1&counter=0" >hotp &&
	test_expect_code 1 pkit crypto otp verify --secret hotp 123456 2>err &&
	test_one_line err && grep -q "hotp" err &&
	echo "otpauth://totp/x?secret=$SEED1&digits=9" >d9 &&
	test_expect_code 1 pkit crypto otp verify --secret d9 123456789 2>err &&
	test_one_line err &&
	echo "otpauth://totp/x?issuer=y" >nosecret &&
	test_expect_code 1 pkit crypto otp verify --secret nosecret 123456 2>err &&
	test_one_line err && grep -q "no secret" err
'

test_expect_success 'help shows the options and examples' '
	pkit crypto otp generate --help >help &&
	grep -q -- "--secret-size" help &&
	grep -q -- "--issuer, --iss" help &&
	pkit crypto otp verify --help >help &&
	grep -q -- "--skew" help &&
	grep -q "pkit crypto otp verify --secret" help
'

if test_have oathtool
then
	test_expect_success 'oathtool computes the same codes' '
		code=$(oathtool --totp -b -N @1234567890 "$(cat gen)") &&
		pkit crypto otp verify --secret gen --time 1234567890 $code
	'
else
	test_skip 'oathtool computes the same codes' 'oathtool is not installed'
fi

test_done

#!/bin/sh
test_description='crypto kdf hash|compare: scrypt checked by python hashlib, step vectors'
. "$(dirname "$0")/lib.sh"

# Printed by `step crypto kdf hash --insecure password` (smallstep/cli
# command/crypto/kdf/kdf.go examples).
STEP_SCRYPT='$scrypt$ln=15,r=8,p=1$U8Fl1sO6LWkFeXs5GQS0vA$Rj8nPeaBFQUzbU21N+hhm3I/s1WTxao7Dje4G6ZvO9Q'
STEP_ARGON2I='$argon2i$v=19$m=32768,t=3,p=4$H0IxAhFFO7fOu5K2RYTxxA$ULEz/79vh3BtCcm7W/zRfJSpiEGULirrZ+PnHfspWKA'
STEP_ARGON2ID='$argon2id$v=19$m=65536,t=1,p=4$HDi5gI15NwJrKveh2AAa9Q$30haKRwwUe5I4WfkPZPGmhJKTRTO+98x+sVnHhOHdK8'

# scrypt_check PHC PASSWORD: python's hashlib.scrypt (OpenSSL) agrees.
scrypt_check() {
	"$SYS_PYTHON" -c '
import base64, hashlib, re, sys
phc, pw = sys.argv[1], sys.argv[2].encode()
m = re.fullmatch(r"\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)", phc)
assert m, phc
ln, r, p = (int(x) for x in m.group(1, 2, 3))
d = lambda s: base64.b64decode(s + "=" * (-len(s) % 4))
salt, want = d(m.group(4)), d(m.group(5))
got = hashlib.scrypt(pw, salt=salt, n=2 ** ln, r=r, p=p, dklen=len(want),
    maxmem=256 * 1024 * 1024)
sys.exit(0 if got == want else 1)
' "$1" "$2"
}

test_expect_success 'setup: password files' '
	echo "correct horse" >pw.txt &&
	echo "wrong horse" >bad.txt &&
	printf "correct horse" >pw-no-newline.txt &&
	printf "password\n" >step-pw.txt
'

test_expect_success 'hash: scrypt by default, in step'"'"'s PHC form' '
	pkit crypto kdf hash --password-file pw.txt >out 2>err &&
	test ! -s err &&
	test "$(wc -l <out)" -eq 1 &&
	grep -Eqx "\\\$scrypt\\\$ln=15,r=8,p=1\\\$[A-Za-z0-9+/]{22}\\\$[A-Za-z0-9+/]{43}" out
'

test_expect_success 'hash: python hashlib.scrypt recomputes the hash' '
	phc=$(pkit crypto kdf hash --password-file pw.txt) &&
	scrypt_check "$phc" "correct horse" &&
	test_must_fail scrypt_check "$phc" "correct horsE"
'

test_expect_success 'compare: a scrypt string made by python' '
	phc=$("$SYS_PYTHON" -c "
import base64, hashlib
salt = bytes(range(16))
h = hashlib.scrypt(b\"correct horse\", salt=salt, n=2**14, r=8, p=2, dklen=32)
e = lambda b: base64.b64encode(b).decode().rstrip(\"=\")
print(\"\$scrypt\$ln=14,r=8,p=2\$\" + e(salt) + \"\$\" + e(h))
") &&
	pkit crypto kdf compare --password-file pw.txt "$phc" >out 2>err &&
	test ! -s out && test ! -s err &&
	test_expect_code 1 pkit crypto kdf compare --password-file bad.txt "$phc" 2>err &&
	test_one_line err
'

test_expect_success 'compare: hashes printed by step (scrypt, argon2i p=4, argon2id p=4)' '
	for phc in "$STEP_SCRYPT" "$STEP_ARGON2I" "$STEP_ARGON2ID"
	do
		pkit crypto kdf compare --password-file step-pw.txt "$phc" &&
		test_expect_code 1 pkit crypto kdf compare --password-file pw.txt \
			"$phc" 2>err &&
		test_one_line err || return 1
	done
'

test_expect_success 'hash then compare, for each algorithm' '
	for alg in scrypt argon2id argon2i
	do
		pkit crypto kdf hash --alg $alg --password-file pw.txt >phc &&
		grep -q "^\\\$$alg\\\$" phc &&
		pkit crypto kdf compare --password-file pw.txt "$(cat phc)" &&
		test_expect_code 1 pkit crypto kdf compare \
			--password-file bad.txt "$(cat phc)" >out 2>err &&
		test ! -s out &&
		test_one_line err &&
		grep -qx "pkit: password does not match the hash" err || return 1
	done
'

test_expect_success 'argon2 parameters are libsodium'"'"'s interactive ones' '
	pkit crypto kdf hash --alg argon2id --password-file pw.txt >phc &&
	grep -q "^\\\$argon2id\\\$v=19\\\$m=65536,t=2,p=1\\\$" phc &&
	pkit crypto kdf hash --alg ARGON2I --password-file pw.txt >phc &&
	grep -q "^\\\$argon2i\\\$v=19\\\$m=32768,t=4,p=1\\\$" phc
'

test_expect_success 'two hashes of one password differ (fresh salt)' '
	pkit crypto kdf hash --password-file pw.txt >a &&
	pkit crypto kdf hash --password-file pw.txt >b &&
	! test_cmp a b >/dev/null
'

test_expect_success 'the password file'"'"'s newline is not part of the password' '
	phc=$(pkit crypto kdf hash --password-file pw.txt) &&
	pkit crypto kdf compare --password-file pw-no-newline.txt "$phc" &&
	scrypt_check "$phc" "correct horse"
'

test_expect_success '- reads the password from standard input' '
	phc=$(pkit crypto kdf hash - <pw.txt) &&
	scrypt_check "$phc" "correct horse" &&
	pkit crypto kdf compare "$phc" - <pw-no-newline.txt &&
	test_expect_code 1 pkit crypto kdf compare "$phc" - <bad.txt 2>err &&
	test_one_line err
'

test_expect_success 'a password on the command line needs --insecure' '
	test_expect_code 1 pkit crypto kdf hash "correct horse" >out 2>err &&
	test ! -s out &&
	test_one_line err &&
	grep -q -- "--password-file" err &&
	grep -q -- "--insecure" err &&
	phc=$(pkit crypto kdf hash --insecure "correct horse") &&
	scrypt_check "$phc" "correct horse" &&
	test_expect_code 1 pkit crypto kdf compare "$phc" "correct horse" 2>err &&
	test_one_line err &&
	pkit crypto kdf compare --insecure "$phc" "correct horse" &&
	pkit crypto kdf compare --insecure "$STEP_SCRYPT" password
'

test_expect_success 'no password and no terminal: one line naming --password-file' '
	test_expect_code 1 pkit crypto kdf hash >out 2>err </dev/null &&
	test ! -s out &&
	test_one_line err &&
	grep -q -- "--password-file" err &&
	test_expect_code 1 pkit crypto kdf compare "$STEP_SCRYPT" 2>err </dev/null &&
	test_one_line err &&
	grep -q -- "--password-file" err
'

test_expect_success 'an empty password is refused by hash' '
	: >empty.txt &&
	test_expect_code 1 pkit crypto kdf hash --password-file empty.txt >out 2>err &&
	test ! -s out &&
	test_one_line err &&
	grep -q "empty" err
'

test_expect_success 'a missing password file: one line, exit 1' '
	test_expect_code 1 pkit crypto kdf hash --password-file nope.txt >out 2>err &&
	test ! -s out &&
	test_one_line err &&
	grep -q "nope.txt" err
'

test_expect_success 'malformed or unsupported hashes: one line, exit 1' '
	for phc in "" garbage "\$scrypt\$ln=15,r=8\$abc\$def" \
		"\$scrypt\$ln=15,r=8,p=1\$U8Fl1sO6LWkFeXs5GQS0vA\$Rj8n!!" \
		"\$scrypt\$ln=30,r=8,p=1\$U8Fl1sO6LWkFeXs5GQS0vA\$Rj8nPeaBFQUzbU21N+hhm3I/s1WTxao7Dje4G6ZvO9Q" \
		"\$argon2id\$v=19\$m=65536\$HDi5gI15NwJrKveh2AAa9Q\$30haKRwwUe5I4WfkPZPGmhJKTRTO+98x+sVnHhOHdK8" \
		"\$7\$C6..../....short" \
		"\$2a\$10\$EgTYeokp/EhvlMpaDYX56O67M/Ve4JyTl9DHwailYYFOBT3COSTuy"
	do
		test_expect_code 1 pkit crypto kdf compare --password-file step-pw.txt \
			"$phc" >out 2>err &&
		test ! -s out &&
		test_one_line err || { echo "accepted: [$phc]" >&2; return 1; }
	done &&
	grep -q "bcrypt hashes are not supported" err
'

test_expect_success 'usage errors: bad --alg, both input forms, too many arguments' '
	test_expect_code 2 pkit crypto kdf hash --alg bcrypt --password-file pw.txt \
		>out 2>err &&
	test ! -s out &&
	test_one_line err &&
	test_expect_code 2 pkit crypto kdf hash --password-file pw.txt - \
		</dev/null 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit crypto kdf compare 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit crypto kdf compare a b c 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit crypto kdf compare --alg scrypt "$STEP_SCRYPT" 2>err &&
	test_one_line err
'

test_done

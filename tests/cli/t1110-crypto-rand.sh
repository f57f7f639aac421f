#!/bin/sh
test_description='crypto rand: formats, lengths, uuid, uniformity'
. "$(dirname "$0")/lib.sh"

# only_chars FILE LENGTH CLASS: FILE is one line of LENGTH characters of
# the bracket expression CLASS.
only_chars() {
	test "$(wc -l <"$1")" -eq 1 &&
	test "$(tr -d "\n" <"$1" | wc -c)" -eq "$2" &&
	grep -qx "[$3]*" "$1" || { echo "bad output:" >&2; cat "$1" >&2; return 1; }
}

test_expect_success 'default: 32 printable ASCII characters and a newline' '
	pkit crypto rand >out 2>err &&
	test ! -s err &&
	test "$(wc -c <out)" -eq 33 &&
	only_chars out 32 "!-~"
'

test_expect_success 'each character set, and the length argument' '
	pkit crypto rand --format ascii 500 >out && only_chars out 500 "!-~" &&
	pkit crypto rand --format alphanumeric 500 >out && only_chars out 500 "0-9A-Za-z" &&
	pkit crypto rand --format alphabet 500 >out && only_chars out 500 "A-Za-z" &&
	pkit crypto rand --format hex 500 >out && only_chars out 500 "0-9a-f" &&
	pkit crypto rand --format dec 500 >out && only_chars out 500 "0-9" &&
	pkit crypto rand --format lower 500 >out && only_chars out 500 "a-z" &&
	pkit crypto rand --format upper 500 >out && only_chars out 500 "A-Z" &&
	pkit crypto rand --format HEX 16 >out && only_chars out 16 "0-9a-f"
'

test_expect_success 'ascii draws from all 94 printable characters' '
	pkit crypto rand 20000 | fold -w1 | sort -u | wc -l >count &&
	echo 94 >want &&
	test_cmp want count
'

test_expect_success 'two runs differ' '
	pkit crypto rand >a &&
	pkit crypto rand >b &&
	! test_cmp a b >/dev/null
'

test_expect_success 'raw: exactly <length> bytes, no newline' '
	pkit crypto rand --format raw 1000 >out &&
	test "$(wc -c <out)" -eq 1000 &&
	pkit crypto rand --format raw 1 >out &&
	test "$(wc -c <out)" -eq 1
'

test_expect_success 'base64 and base64url encode <length> random bytes' '
	pkit crypto rand --format base64 32 >out &&
	test "$(tr -d "\n" <out | wc -c)" -eq 44 &&
	base64 -d out >bytes &&
	test "$(wc -c <bytes)" -eq 32 &&
	pkit crypto rand --format base64url 32 >out &&
	only_chars out 43 "A-Za-z0-9_-" &&
	"$SYS_PYTHON" -c "
import base64, sys
s = open(\"out\").read().strip()
sys.exit(0 if len(base64.urlsafe_b64decode(s + \"=\")) == 32 else 1)
"
'

test_expect_success 'uuid: a version 4, RFC 9562 variant UUID (python uuid)' '
	pkit crypto rand --format uuid >out &&
	"$SYS_PYTHON" -c "
import sys, uuid
s = open(\"out\").read()
assert s.endswith(\"\n\") and s.count(\"\n\") == 1, repr(s)
s = s.strip()
u = uuid.UUID(s)
assert str(u) == s, s
assert u.version == 4, u.version
assert u.variant == uuid.RFC_4122, u.variant
" &&
	pkit crypto rand --format uuid >other &&
	! test_cmp out other >/dev/null
'

test_expect_success 'the 94 ascii characters are equally likely (chi-square, python)' '
	pkit crypto rand 188000 >out &&
	"$SYS_PYTHON" -c "
import collections, sys
s = open(\"out\").read().strip()
assert len(s) == 188000
c = collections.Counter(s)
alphabet = [chr(i) for i in range(33, 127)]
assert set(c) <= set(alphabet)
e = len(s) / 94
chi = sum((c[a] - e) ** 2 / e for a in alphabet)
print(\"chi2\", chi, file=sys.stderr)
# 93 degrees of freedom: above 200 has a probability under 1e-8, while a
# byte taken modulo 94 would give about 5000.
sys.exit(0 if chi < 200 else 1)
"
'

test_expect_success 'the largest length is 1 MiB' '
	pkit crypto rand --format dec 1048576 >out &&
	test "$(wc -c <out)" -eq 1048577
'

test_expect_success 'zero, negative, too large or garbage lengths are usage errors' '
	for len in 0 -1 1048577 abc 1.5 " 5" 5x 99999999999999999999 ""
	do
		test_expect_code 2 pkit crypto rand -- "$len" >out 2>err &&
		test ! -s out &&
		test_one_line err &&
		grep -q "is not a number from 1 to 1048576" err ||
		{ echo "length [$len] accepted" >&2; return 1; }
	done
'

test_expect_success 'a bad format, a length for uuid, two lengths: usage errors' '
	test_expect_code 2 pkit crypto rand --format emoji >out 2>err &&
	test ! -s out &&
	test_one_line err &&
	test_expect_code 2 pkit crypto rand --format uuid 16 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit crypto rand 4 5 2>err &&
	test_one_line err
'

test_done

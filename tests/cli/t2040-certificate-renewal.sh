#!/bin/sh
test_description='certificate needs-renewal: step exit statuses 0, 1, 2 and 255'
. "$(dirname "$0")/lib.sh"

mk() {
	pkit certificate create --profile self-signed --no-password --insecure \
		--not-before "$1" --not-after "$2" "$3" "$3.crt" "$3.key"
}

test_expect_success 'setup: fresh, old, expired and future certificates' '
	mk -1m 24h fresh.example &&
	mk -20h 4h old.example &&
	mk -2h -1h expired.example &&
	mk 1h 25h future.example
'

test_expect_success 'a fresh certificate does not need renewal: exit 1, silent' '
	test_expect_code 1 pkit certificate needs-renewal fresh.example.crt >out 2>err &&
	test ! -s out && test ! -s err
'

test_expect_success 'past 66% of its lifetime: exit 0' '
	test_expect_code 0 pkit certificate needs-renewal old.example.crt >out 2>err &&
	test ! -s out && test ! -s err
'

test_expect_success 'an expired certificate needs renewal' '
	test_expect_code 0 pkit certificate needs-renewal expired.example.crt &&
	test_expect_code 0 pkit certificate needs-renewal --expires-in 0s expired.example.crt
'

test_expect_success 'a certificate not yet valid does not' '
	test_expect_code 1 pkit certificate needs-renewal future.example.crt
'

test_expect_success '--expires-in as a percentage' '
	test_expect_code 1 pkit certificate needs-renewal --expires-in 90% old.example.crt &&
	test_expect_code 0 pkit certificate needs-renewal --expires-in 80% old.example.crt &&
	test_expect_code 0 pkit certificate needs-renewal --expires-in 0% fresh.example.crt &&
	test_expect_code 1 pkit certificate needs-renewal --expires-in 100% old.example.crt
'

test_expect_success '--expires-in as a duration' '
	test_expect_code 0 pkit certificate needs-renewal --expires-in 5h old.example.crt &&
	test_expect_code 1 pkit certificate needs-renewal --expires-in 3h old.example.crt &&
	test_expect_code 0 pkit certificate needs-renewal --expires-in 24h5m fresh.example.crt &&
	test_expect_code 1 pkit certificate needs-renewal --expires-in 1h30m fresh.example.crt
'

test_expect_success '--bundle checks every certificate; -v says why' '
	cat fresh.example.crt old.example.crt >both.crt &&
	test_expect_code 1 pkit certificate needs-renewal both.crt &&
	test_expect_code 0 pkit certificate needs-renewal --bundle both.crt &&
	test_expect_code 0 pkit certificate needs-renewal --bundle -v both.crt >out &&
	grep -q "^both.crt #0: does not need renewal: 0% of its lifetime used" out &&
	grep -q "^both.crt #1: needs renewal: 8[0-9]% of its lifetime used" out &&
	test_expect_code 1 pkit certificate needs-renewal -v fresh.example.crt >out &&
	grep -q "fresh.example.crt: does not need renewal.*expires 20" out
'

test_expect_success 'a missing file: exit 2' '
	test_expect_code 2 pkit certificate needs-renewal nope.crt 2>err &&
	test_one_line err && grep -q "nope.crt" err
'

test_expect_success 'a malformed file: exit 255' '
	echo garbage >junk.crt &&
	test_expect_code 255 pkit certificate needs-renewal junk.crt 2>err &&
	test_one_line err && grep -q "junk.crt" err
'

test_expect_success 'usage errors: exit 2' '
	test_expect_code 2 pkit certificate needs-renewal --expires-in 120% fresh.example.crt 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit certificate needs-renewal --expires-in soon fresh.example.crt 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit certificate needs-renewal 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit certificate needs-renewal --nope fresh.example.crt 2>err &&
	test_one_line err
'

test_expect_success 'the exit statuses are in the man page and --help' '
	pkit certificate needs-renewal --help >help &&
	grep -q "^ *255 *any other error" help &&
	grep -q "^ *2 *the file does not exist" help &&
	page="$PKIT_BUILD_DIR/man/gen/pkit-certificate-needs-renewal.1" &&
	MANWIDTH=80 man -l "$page" 2>/dev/null | sed -n "/^EXIT STATUS/,/^[A-Z]/p" >man.txt &&
	grep -q "255 *any other error" man.txt &&
	grep -q "0 *the certificate needs renewal" man.txt
'

test_done

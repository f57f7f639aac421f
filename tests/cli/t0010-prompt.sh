#!/bin/sh
test_description='prompts: echo-off passwords and overwrite questions on a terminal, none without one'
. "$(dirname "$0")/lib.sh"

DRIVE="$SYS_PYTHON $TEST_SRC_DIR/tty-drive.py"

# On a terminal pkit may prompt; PKIT_NONINTERACTIVE must be unset for that.
on_tty() {
	env -u PKIT_NONINTERACTIVE $DRIVE "$@"
}

test_expect_success 'keypair asks twice with echo off and encrypts with the answer' '
	on_tty out "Please enter the password" "s3cret pw" "Confirm the password" "s3cret pw" \
		-- "$PKIT_BIN" crypto keypair pub.pem priv.pem &&
	! grep -q "s3cret" out &&
	printf "s3cret pw" >pw &&
	openssl pkey -in priv.pem -passin file:pw -noout &&
	test_mode priv.pem 600
'

test_expect_success 'a confirmation that differs fails and writes nothing' '
	test_must_fail on_tty out "Please enter the password" "one" "Confirm the password" "two" \
		-- "$PKIT_BIN" crypto keypair a.pub a.key &&
	grep -q "do not match" out &&
	test ! -e a.pub && test ! -e a.key
'

test_expect_success 'an existing file is kept when the answer is no' '
	cp priv.pem before.pem &&
	printf "pw2" >pw2 &&
	test_must_fail on_tty out "overwrite" "n" \
		-- "$PKIT_BIN" crypto keypair --password-file pw2 new.pub priv.pem &&
	cmp priv.pem before.pem
'

test_expect_success 'and replaced when the answer is yes' '
	on_tty out "overwrite" "y" \
		-- "$PKIT_BIN" crypto keypair --password-file pw2 new.pub priv.pem &&
	! cmp -s priv.pem before.pem &&
	openssl pkey -in priv.pem -passin file:pw2 -noout
'

test_expect_success 'without a terminal nothing is asked and the flag is named' '
	test_must_fail pkit crypto keypair b.pub b.key </dev/null 2>err &&
	test_one_line err &&
	grep -q -- "--password-file" err &&
	test ! -e b.pub && test ! -e b.key
'

test_expect_success 'without a terminal an existing file needs --force' '
	test_must_fail pkit crypto keypair --password-file pw2 new.pub priv.pem 2>err &&
	test_one_line err &&
	grep -q -- "--force" err
'

test_done

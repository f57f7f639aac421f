#!/bin/sh
test_description='dispatcher: help, version, path, unknown commands and options'
. "$(dirname "$0")/lib.sh"

test_expect_success 'no arguments prints usage on stderr and exits 2' '
	test_expect_code 2 pkit >out 2>err &&
	test ! -s out &&
	grep -q "^usage: pkit <command>" err
'

test_expect_success '--help and help print the same on stdout' '
	pkit --help >a 2>err &&
	pkit help >b &&
	test ! -s err &&
	test_cmp a b &&
	grep -q "^  crypto " a
'

test_expect_success 'help for a group and a verb' '
	pkit help crypto >group &&
	grep -q "^usage: pkit crypto <command>" group &&
	pkit crypto --help >group2 &&
	test_cmp group group2 &&
	pkit help path >verb &&
	pkit path --help >verb2 &&
	pkit path -h >verb3 &&
	test_cmp verb verb2 &&
	test_cmp verb verb3 &&
	grep -q "^usage: pkit path \[options\]" verb
'

test_expect_success 'help reaches commands at any depth' '
	pkit help crypto nacl box seal >deep &&
	pkit crypto nacl box seal --help >deep2 &&
	test_cmp deep deep2 &&
	grep -q "^usage: pkit crypto nacl box seal" deep
'

test_expect_success 'a group without a command is a usage error' '
	test_expect_code 2 pkit crypto >out 2>err &&
	test ! -s out &&
	grep -q "^usage: pkit crypto" err
'

test_expect_success 'unknown command: one line, a suggestion, exit 2' '
	test_expect_code 2 pkit crytpo 2>err &&
	test_one_line err &&
	grep -q "'"'"'crytpo'"'"' is not a pkit command; did you mean '"'"'crypto'"'"'" err
'

test_expect_success 'unknown command with nothing close gets no suggestion' '
	test_expect_code 2 pkit zzzzzzzzzz 2>err &&
	test_one_line err &&
	! grep -q "did you mean" err
'

test_expect_success 'unknown option: one line, a suggestion, exit 2' '
	test_expect_code 2 pkit path --bsae 2>err &&
	test_one_line err &&
	grep -q "unknown option .--bsae.; did you mean .--base." err
'

test_expect_success 'help for an unknown command is a usage error' '
	test_expect_code 2 pkit help crypto nope 2>err &&
	test_one_line err
'

test_expect_success 'version names pkit and each library' '
	pkit version >out &&
	head -n1 out | grep -q "^pkit [0-9]" &&
	for lib in OpenSSL cjose jansson libcurl libsodium libevent SQLite readline
	do
		grep -q "^$lib [0-9]" out || return 1
	done &&
	pkit --version >out2 &&
	test_cmp out out2
'

test_expect_success 'path follows PKITPATH and defaults to ~/.pkit' '
	PKITPATH=/some/where pkit path >out &&
	echo /some/where >expect &&
	test_cmp expect out &&
	(unset PKITPATH; HOME=/home/x pkit path >out) &&
	echo /home/x/.pkit >expect &&
	test_cmp expect out &&
	PKITPATH=/p pkit path --base >out &&
	echo /p >expect &&
	test_cmp expect out
'

test_expect_success 'extra arguments are a usage error' '
	test_expect_code 2 pkit version extra 2>err &&
	test_one_line err
'

test_expect_success 'a full stdout is an error, not silence' '
	if test -w /dev/full; then
		test_expect_code 1 pkit version >/dev/full 2>err &&
		grep -q "write error" err
	fi
'

test_done

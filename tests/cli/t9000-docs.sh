#!/bin/sh
test_description='man pages, completions and the test list agree with the tables'
. "$(dirname "$0")/lib.sh"

MAN_DIR="$PKIT_BUILD_DIR/man/gen"

test_expect_success 'every command has a man page that renders cleanly' '
	pkit __list >paths &&
	test -s paths &&
	test -f "$MAN_DIR/pkit.1" &&
	while read -r path
	do
		page="$MAN_DIR/pkit-$(echo "$path" | tr " " -).1" &&
		test -f "$page" || { echo "no man page for $path" >&2; return 1; }
		LC_ALL=C.UTF-8 MANWIDTH=80 man -l -Tutf8 "$page" 2>warn >/dev/null || return 1
		if test -s warn; then cat warn >&2; return 1; fi
	done <paths
'

test_expect_success 'no man page exists for a command that is gone' '
	tr " -" "--" <paths >pages &&
	for page in "$MAN_DIR"/pkit-*.1
	do
		name=$(basename "$page" .1 | sed "s/^pkit-//") &&
		grep -qx -- "$name" pages ||
		{ echo "stale man page $page" >&2; return 1; }
	done
'

test_expect_success 'every verb answers -h on stdout with empty stderr' '
	while read -r path
	do
		pkit $path -h >out 2>err &&
		test ! -s err &&
		grep -q "^usage: pkit $path" out || { echo "bad -h: $path" >&2; return 1; }
	done <paths
'

test_expect_success 'the man SYNOPSIS matches the usage line of --help' '
	while read -r path
	do
		page="$MAN_DIR/pkit-$(echo "$path" | tr " " -).1" &&
		usage=$(pkit $path --help | sed -n "s/^usage: //p") &&
		syn=$(MANWIDTH=200 man -l "$page" 2>/dev/null | sed -n "/^SYNOPSIS/{n;p;}" |
			sed "s/^ *//") &&
		test "$usage" = "$syn" ||
		{ echo "synopsis differs for $path: [$usage] vs [$syn]" >&2; return 1; }
	done <paths
'

test_expect_success 'completion scripts are generated and valid' '
	pkit completion bash >c.bash &&
	bash -n c.bash &&
	cmp c.bash "$PKIT_BUILD_DIR/completions/pkit.bash" &&
	pkit completion zsh >c.zsh &&
	pkit completion fish >c.fish &&
	if test_have zsh; then zsh -n c.zsh; fi &&
	if test_have fish; then fish -n c.fish; fi &&
	test_expect_code 2 pkit completion tcsh 2>err &&
	test_one_line err
'

test_expect_success 'bash completion completes groups, verbs, options and values' '
	cat >drive.bash <<-\EOS &&
	. ./c.bash
	complete_at() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _pkit; echo "${COMPREPLY[*]}"; }
	complete_at pkit cr
	complete_at pkit help
	EOS
	bash drive.bash >got &&
	sed -n 1p got | grep -qx crypto
'

test_expect_success 'the build lists every test script' '
	for t in "$PKIT_SRC_DIR"/tests/cli/t[0-9]*.sh
	do
		grep -q "tests/cli/$(basename "$t")" "$PKIT_SRC_DIR/tests/cli/tests.am" \
			"$PKIT_SRC_DIR"/mk/*.am ||
		{ echo "$t is in neither tests/cli/tests.am nor mk/*.am" >&2; return 1; }
	done
'

test_expect_success 'test scripts find their helpers through TEST_SRC_DIR' '
	# lib.sh changes directory; a relative $0 (in-tree builds) then
	# points nowhere.
	! grep -n "dirname \"\$0\")/lib-" "$PKIT_SRC_DIR"/tests/cli/t*.sh
'

test_expect_success 'no banned function in src/' '
	! grep -nE "\<(strcpy|strcat|sprintf|vsprintf|gets|strtok|atoi|atol|sscanf|strncpy) *\(" \
		"$PKIT_SRC_DIR"/src/*.c "$PKIT_SRC_DIR"/src/*/*.c "$PKIT_SRC_DIR"/src/*/*/*.c
'

test_done

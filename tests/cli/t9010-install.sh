#!/bin/sh
test_description='make install puts the binary, man pages and completions in place'
. "$(dirname "$0")/lib.sh"

DEST="$TRASH/dest"

test_expect_success 'make install into a staging directory' '
	(unset MAKEFLAGS MFLAGS MAKELEVEL; make -s -C "$PKIT_BUILD_DIR" install DESTDIR="$DEST") >make.out 2>&1 ||
	{ cat make.out >&2; false; }
'

prefix=$(sed -n "s/^prefix = //p" "$PKIT_BUILD_DIR/Makefile")

test_expect_success 'the binary runs from where it was installed' '
	"$DEST$prefix/bin/pkit" version | grep -q "^pkit "
'

test_expect_success 'man pkit and man pkit-crypto-keypair are installed' '
	test -f "$DEST$prefix/share/man/man1/pkit.1" &&
	test -f "$DEST$prefix/share/man/man1/pkit-crypto-keypair.1" &&
	MANPATH="$DEST$prefix/share/man" man -w pkit-crypto-keypair >where &&
	grep -q "pkit-crypto-keypair.1" where
'

test_expect_success 'bash, zsh and fish completions are installed' '
	test -s "$DEST$prefix/share/bash-completion/completions/pkit" &&
	test -s "$DEST$prefix/share/zsh/site-functions/_pkit" &&
	test -s "$DEST$prefix/share/fish/vendor_completions.d/pkit.fish"
'

test_expect_success 'make uninstall removes them again' '
	(unset MAKEFLAGS MFLAGS MAKELEVEL; make -s -C "$PKIT_BUILD_DIR" uninstall DESTDIR="$DEST") >make.out 2>&1 &&
	test -z "$(find "$DEST" -type f)"
'

test_done

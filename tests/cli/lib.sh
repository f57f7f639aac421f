# lib.sh - the TAP harness shared by tests/cli/tNNNN-*.sh.
#
# A script sets test_description, sources this file, then runs steps:
#
#   test_expect_success 'title' '
#           pkit crypto keypair ... &&
#           test -f priv.pem
#   '
#
# Every step runs in the script's own trash directory, with its own HOME
# and PKITPATH, LC_ALL=C and TZ=UTC, and PKIT_NONINTERACTIVE=1 so that no
# prompt can hang a test.  Output of the steps goes to the test's .log;
# stdout carries only the TAP lines.  The trash directory is removed when
# every step passed and kept otherwise.

set -u

TEST_NAME=$(basename "$0" .sh)
TEST_SRC_DIR=$(cd "$(dirname "$0")" && pwd)
: "${PKIT_SRC_DIR:=$(cd "$TEST_SRC_DIR/../.." && pwd)}"
: "${PKIT_BUILD_DIR:=$PKIT_SRC_DIR}"
: "${PKIT_BIN:=$PKIT_BUILD_DIR/pkit}"
export PKIT_BIN PKIT_SRC_DIR PKIT_BUILD_DIR
TEST_DATA="$TEST_SRC_DIR/data"

TRASH="$PKIT_BUILD_DIR/tests/cli/trash.$TEST_NAME"
rm -rf "$TRASH"
mkdir -p "$TRASH" || exit 99
cd "$TRASH" || exit 99

export HOME="$TRASH"
export PKITPATH="$TRASH/.pkit"
export LC_ALL=C LANG=C TZ=UTC
export PKIT_NONINTERACTIVE=1
unset OPENSSL_CONF OPENSSL_MODULES OPENSSL_ENGINES SSL_CERT_FILE SSL_CERT_DIR \
	CURL_CA_BUNDLE XDG_CONFIG_HOME XDG_CACHE_HOME STEPPATH \
	http_proxy https_proxy HTTP_PROXY HTTPS_PROXY 2>/dev/null
# ASan reports go to stderr and fail the command (and so the step).
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:exitcode=99}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:exitcode=99}"

# PKIT_VALGRIND=1 (make check-valgrind): every pkit the script runs, also
# through "$PKIT_BIN", runs under valgrind's memcheck with a full leak
# check.  PKIT_BIN becomes a wrapper named pkit in valgrind.NAME/ of the
# build's tests/cli, next to one log per process.  An error or a definite
# or indirect leak makes that pkit exit 99 (which fails the step, as an
# ASan report does) and test_done adds one step that fails when any log
# holds a report, for the pkits whose status no step looks at.  Needs a
# build without the sanitizers (valgrind cannot run ASan binaries).
# PKIT_VALGRIND_OPTS adds options (e.g. --gen-suppressions=all).
VG_DIR=
if [ -n "${PKIT_VALGRIND:-}" ] && [ "$PKIT_VALGRIND" != 0 ]; then
	VG_DIR="$PKIT_BUILD_DIR/tests/cli/valgrind.$TEST_NAME"
	if ! command -v valgrind >/dev/null 2>&1; then
		echo "Bail out! PKIT_VALGRIND is set but valgrind is not installed"
		exit 99
	fi
	if ldd "$PKIT_BIN" 2>/dev/null | grep -q 'libasan\|libubsan'; then
		echo "Bail out! PKIT_VALGRIND needs a build without --enable-sanitizers"
		exit 99
	fi
	rm -rf "$VG_DIR"
	# Writable by all: a step may run pkit as another user (t2140).
	mkdir -p "$VG_DIR" && chmod 1777 "$VG_DIR" || exit 99
	cat >"$VG_DIR/pkit" <<EOF || exit 99
#!/bin/sh
exec valgrind --quiet --error-exitcode=99 --leak-check=full \\
	--show-leak-kinds=definite,indirect \\
	--errors-for-leak-kinds=definite,indirect --track-fds=no \\
	--num-callers=40 --suppressions="$TEST_SRC_DIR/valgrind.supp" \\
	--log-file="$VG_DIR/vg.%p.log" ${PKIT_VALGRIND_OPTS:-} \\
	"$PKIT_BIN" "\$@"
EOF
	chmod 755 "$VG_DIR/pkit" || exit 99
	PKIT_BIN=$VG_DIR/pkit
fi

test_count=0
test_failed=0
test_cleanup=':'
# Debian's system python, for peers such as python3-jwcrypto.
SYS_PYTHON=/usr/bin/python3

pkit() {
	"$PKIT_BIN" "$@"
}

say() {
	printf '# %s\n' "$*"
}

# test_when_finished 'cmd': run cmd after the current step, pass or fail.
test_when_finished() {
	test_cleanup="{ $*
	} && (exit \"\$eval_ret\"); eval_ret=\$?; $test_cleanup"
}

test_run_() {
	test_cleanup=':'
	eval "$1"
	eval_ret=$?
	eval "$test_cleanup"
	return $eval_ret
}

test_expect_success() {
	test_count=$((test_count + 1))
	if [ $# -ne 2 ]; then
		echo "bug in the test script: test_expect_success needs 2 arguments" >&2
		exit 99
	fi
	echo "=== $test_count - $1" >&2
	if test_run_ "$2" >&2; then
		echo "ok $test_count - $1"
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $1"
		printf '%s\n' "$2" | sed 's/^/#	/'
	fi
}

# test_skip 'title' 'reason': report a step as skipped.
test_skip() {
	test_count=$((test_count + 1))
	echo "ok $test_count - $1 # SKIP $2"
}

# test_must_fail cmd...: cmd must exit 1..125, not crash, not be missing.
test_must_fail() {
	"$@"
	ret=$?
	if [ $ret -eq 0 ]; then
		echo "test_must_fail: command succeeded: $*" >&2
		return 1
	elif [ $ret -gt 125 ] || [ $ret -eq 99 ]; then
		echo "test_must_fail: died (status $ret): $*" >&2
		return 1
	fi
	return 0
}

# test_expect_code N cmd...
test_expect_code() {
	want=$1
	shift
	"$@"
	ret=$?
	if [ $ret -ne "$want" ]; then
		echo "test_expect_code: wanted $want, got $ret: $*" >&2
		return 1
	fi
	return 0
}

test_cmp() {
	diff -u "$1" "$2"
}

# test_one_line FILE: FILE has exactly one line starting "pkit: ".
test_one_line() {
	if [ "$(wc -l < "$1")" -ne 1 ] || ! grep -q '^pkit: ' "$1"; then
		echo "test_one_line: expected one 'pkit: ' line in $1, got:" >&2
		cat "$1" >&2
		return 1
	fi
}

# test_mode FILE MODE: octal permission bits of FILE are MODE.
test_mode() {
	m=$(stat -c %a "$1")
	if [ "$m" != "$2" ]; then
		echo "test_mode: $1 has mode $m, wanted $2" >&2
		return 1
	fi
}

# free_port: print a TCP port free on 127.0.0.1.
free_port() {
	"$SYS_PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

test_have() {
	command -v "$1" >/dev/null 2>&1
}

# The valgrind logs: each pkit's errors and leaks, empty when clean.
test_valgrind_logs_() {
	bad=0
	for f in "$VG_DIR"/vg.*.log; do
		test -s "$f" || continue
		echo "valgrind: $f:" >&2
		cat "$f" >&2
		bad=1
	done
	return $bad
}

test_done() {
	if [ -n "$VG_DIR" ]; then
		test_expect_success 'valgrind: no errors or leaks in any pkit' \
			'test_valgrind_logs_'
	fi
	echo "1..$test_count"
	if [ $test_failed -eq 0 ]; then
		cd / && rm -rf "$TRASH" ${VG_DIR:+"$VG_DIR"}
		exit 0
	fi
	echo "# failed $test_failed of $test_count; kept $TRASH" >&2
	exit 1
}

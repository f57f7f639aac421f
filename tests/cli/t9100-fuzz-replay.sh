#!/bin/sh
test_description='every checked-in fuzz seed replays through its harness cleanly'
. "$(dirname "$0")/lib.sh"

# The harnesses are linked with tests/fuzz/driver.c in a normal build and
# with libFuzzer in a --enable-fuzzing one; both run files given by name.
CORPUS="$PKIT_SRC_DIR/tests/fuzz/corpus"

for name in x509 key jose jwk sshcert template ca
do
	test_expect_success "fuzz_$name replays its corpus" '
		bin="$PKIT_BUILD_DIR/tests/fuzz/fuzz_'$name'" &&
		test -x "$bin" &&
		ls "$CORPUS/'$name'" >seeds &&
		test -s seeds &&
		"$bin" "$CORPUS/'$name'"/* >out 2>err &&
		! grep -E "ERROR: (Address|Leak|Undefined)Sanitizer|runtime error" err
	'
done

test_expect_success 'the driver reports what it replayed and fails on a missing file' '
	"$PKIT_BUILD_DIR/tests/fuzz/fuzz_template" "$CORPUS/template" >out 2>err &&
	grep -q "inputs replayed" out &&
	test_must_fail "$PKIT_BUILD_DIR/tests/fuzz/fuzz_template" nonexistent 2>err
'

test_done

#!/bin/sh
test_description='contexts: ca bootstrap --context, pkit context current|list|select|remove, --context, PKIT_CONTEXT, global --ca-url/--root'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-fake-stepca.sh"

test_expect_success 'setup: two CAs' '
	mkroot root "Test Root CA" &&
	mkroot two "Second Root CA" &&
	mkserver srv root "IP:127.0.0.1,DNS:localhost" &&
	mkserver srv2 two "IP:127.0.0.1,DNS:localhost" &&
	fingerprint root.crt >fp && fingerprint two.crt >fp2 &&
	start_stepca one srv root &&
	start_stepca second srv2 two
'
FP=$(cat fp 2>/dev/null)
FP2=$(cat fp2 2>/dev/null)
A=$PKITPATH/authorities

test_expect_success 'without contexts: no current context, the base is the path' '
	test_expect_code 1 pkit context current 2>err &&
	test_one_line err && grep -q "no current context" err &&
	pkit context list >out && test ! -s out &&
	test "$(pkit path)" = "$PKITPATH" &&
	test "$(pkit path --base)" = "$PKITPATH"
'

test_expect_success 'bootstrap --context: the files under authorities/NAME, the context current' '
	pkit ca bootstrap --context one --ca-url "$(url one)" --fingerprint "$FP" 2>err &&
	test_cmp root.crt "$A/one/certs/root_ca.crt" &&
	test -f "$A/one/config/defaults.json" &&
	test ! -e "$PKITPATH/certs/root_ca.crt" &&
	grep -q "^The root certificate has been saved in $A/one/certs/root_ca.crt.$" err &&
	grep -q "^The context .one. has been selected.$" err &&
	test_mode "$PKITPATH/contexts.json" 600 &&
	test "$("$SYS_PYTHON" -c "import json; print(json.load(open(\"$PKITPATH/contexts.json\")))")" = \
		"{'"'"'one'"'"': {'"'"'authority'"'"': '"'"'one'"'"', '"'"'profile'"'"': '"'"'one'"'"'}}" &&
	test "$(cat "$PKITPATH/profiles/one/config/defaults.json")" = "{}" &&
	test "$(pkit context current)" = one &&
	test "$(pkit path)" = "$A/one" &&
	test "$(pkit path --base)" = "$PKITPATH" &&
	pkit ca roots >out && test_cmp root.crt out
'

test_expect_success 'a second context with its own authority name becomes current' '
	pkit ca bootstrap --context two --authority ca-two --ca-url "$(url second)" \
		--fingerprint "$FP2" 2>err &&
	test_cmp two.crt "$A/ca-two/certs/root_ca.crt" &&
	test "$(pkit context current)" = two &&
	pkit context current --json >out &&
	echo "{\"name\":\"two\",\"authority\":\"ca-two\",\"profile\":\"two\"}" >want &&
	test_cmp want out &&
	pkit ca roots >out && test_cmp two.crt out
'

test_expect_success 'context list: the current one first, marked' '
	pkit context list >out &&
	printf "\342\226\266 two\none\n" >want &&
	test_cmp want out
'

test_expect_success 'one run in another context: --context, pkit --context, PKIT_CONTEXT' '
	pkit ca roots --context one >out && test_cmp root.crt out &&
	pkit --context one ca roots >out && test_cmp root.crt out &&
	pkit --context=one ca roots >out && test_cmp root.crt out &&
	env PKIT_CONTEXT=one "$PKIT_BIN" ca roots >out && test_cmp root.crt out &&
	test "$(env PKIT_CONTEXT=one "$PKIT_BIN" path)" = "$A/one" &&
	test "$(pkit context current)" = two
'

test_expect_success 'context select switches for the commands that follow' '
	pkit context select one 2>err &&
	grep -q "one" err &&
	test "$(pkit context current)" = one &&
	pkit ca roots >out && test_cmp root.crt out
'

test_expect_success 'the profile defaults.json wins over the authority one' '
	echo "{\"ca-url\": \"$(url second)\", \"root\": \"$A/ca-two/certs/root_ca.crt\"}" \
		>"$PKITPATH/profiles/one/config/defaults.json" &&
	test_when_finished "echo {} >\"$PKITPATH/profiles/one/config/defaults.json\"" &&
	pkit ca roots >out && test_cmp two.crt out
'

test_expect_success 'global --ca-url and --root: below the verb flags, above the environment' '
	pkit --ca-url "$(url second)" --root two.crt ca roots >out &&
	test_cmp two.crt out &&
	env PKIT_CA_URL="$(url one)" PKIT_ROOT="$PWD/root.crt" \
		"$PKIT_BIN" --ca-url "$(url second)" --root two.crt ca roots >out &&
	test_cmp two.crt out &&
	pkit --ca-url "$(url second)" --root two.crt ca roots \
		--ca-url "$(url one)" --root root.crt >out &&
	test_cmp root.crt out &&
	env PKIT_CA_URL="$(url second)" PKIT_ROOT="$PWD/two.crt" \
		"$PKIT_BIN" ca roots >out &&
	test_cmp two.crt out
'

test_expect_success 'unknown contexts and bad names: one line, exit 1; a missing value: exit 2' '
	test_expect_code 1 pkit --context nope ca roots 2>err &&
	test_one_line err && grep -q "context .nope. not found" err &&
	test_expect_code 1 pkit ca roots --context nope 2>err &&
	test_one_line err && grep -q "context .nope. not found" err &&
	test_expect_code 1 env PKIT_CONTEXT=nope "$PKIT_BIN" ca roots 2>err &&
	test_one_line err &&
	test_expect_code 1 pkit context select nope 2>err &&
	test_one_line err && test "$(pkit context current)" = one &&
	test_expect_code 1 pkit ca bootstrap --context ../evil --ca-url "$(url one)" \
		--fingerprint "$FP" 2>err &&
	test_one_line err && grep -q "not a valid context name" err &&
	test ! -e "$PKITPATH/evil" &&
	test_expect_code 2 pkit --context 2>err && test_one_line err &&
	test_expect_code 2 pkit ca bootstrap --authority x --ca-url "$(url one)" \
		--fingerprint "$FP" 2>err &&
	test_one_line err && grep -q "need --context" err
'

test_expect_success 'a broken contexts.json: one line naming it' '
	cp "$PKITPATH/contexts.json" ctx.save &&
	test_when_finished "cp ctx.save \"$PKITPATH/contexts.json\"" &&
	echo "{broken" >"$PKITPATH/contexts.json" &&
	test_expect_code 1 pkit ca roots 2>err &&
	test_one_line err && grep -q "contexts.json" err
'

test_expect_success 'remove: not the current one; --force without a terminal; the files go' '
	test_expect_code 1 pkit context remove one 2>err &&
	test_one_line err && grep -q "cannot remove the current context" err &&
	test_expect_code 2 pkit context remove two 2>err &&
	test_one_line err && grep -q "use --force" err &&
	test -d "$A/ca-two" &&
	pkit context remove --force two &&
	test ! -e "$A/ca-two" && test ! -e "$PKITPATH/profiles/two" &&
	test -d "$A/one" &&
	pkit context list >out &&
	printf "\342\226\266 one\n" >want && test_cmp want out &&
	test_expect_code 1 pkit context remove two 2>err &&
	test_one_line err && grep -q "not found" err
'

test_expect_success 'a current context that is gone: refused, but pkit context can repair it' '
	echo "{\"context\": \"gone\"}" >"$PKITPATH/current-context.json" &&
	test_expect_code 1 pkit ca roots 2>err &&
	test_one_line err && grep -q "context .gone. not found" err &&
	pkit context list >out &&
	echo one >want && test_cmp want out &&
	pkit context select one 2>/dev/null &&
	pkit ca roots >out && test_cmp root.crt out
'

test_done

#!/bin/sh
test_description='every verb survives hostile files: a clear error, never a crash'
. "$(dirname "$0")/lib.sh"

# Verbs that change the system or wait for a peer are left to their own tests.
SKIP_VERBS='ca serve|certificate install|certificate uninstall|ssh login|ssh logout|ca renew'

test_expect_success 'hostile inputs' '
	: >empty &&
	head -c 4096 /dev/urandom >random.bin &&
	printf -- "-----BEGIN CERTIFICATE-----\nMIIB\n" >truncated.pem &&
	printf -- "-----BEGIN PRIVATE KEY-----\n%s\n-----END PRIVATE KEY-----\n" \
		"$(head -c 300 /dev/urandom | base64 -w0)" >badkey.pem &&
	printf "\060\202\377\377\060\003" >bad.der &&
	printf "{\"a\": [1, 2" >bad.json &&
	printf "eyJhbGciOiJub25lIn0.eyJ4Ijp9.!!" >bad.jwt &&
	mkdir adir &&
	pkit __list >paths
'

for input in empty random.bin truncated.pem badkey.pem bad.der bad.json bad.jwt adir nonexistent
do
	test_expect_success "every verb given $input: exit 1 or 2, one line, no crash" '
		while read -r path
		do
			pkit help $path | grep -q "^Commands:" && continue
			echo "$path" | grep -qE "^($SKIP_VERBS)\$" && continue
			pkit $path '"$input"' </dev/null >out 2>err
			rc=$?
			case $rc in
			0|1|2|255) ;;
			*) echo "pkit $path '"$input"': exit $rc" >&2; cat err >&2; return 1 ;;
			esac
			if grep -q "Sanitizer\|runtime error" err; then
				echo "pkit $path '"$input"': sanitizer report" >&2; cat err >&2; return 1
			fi
			if test $rc -ne 0 && test "$(grep -c . err)" -gt 1; then
				echo "pkit $path '"$input"': more than one line on stderr" >&2
				cat err >&2; return 1
			fi
		done <paths
	'
done

test_done

#!/bin/sh
test_description='ca root, roots, federation, health, provisioner list; flags > environment > defaults.json'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-fake-stepca.sh"

test_expect_success 'setup: two CAs, the first federated with the second' '
	mkroot root "Test Root CA" &&
	mkroot two "Second Root CA" &&
	mkserver srv root "IP:127.0.0.1,DNS:localhost" &&
	mkserver srv2 two "IP:127.0.0.1,DNS:localhost" &&
	FP=$(fingerprint root.crt) && echo "$FP" >fp &&
	FP2=$(fingerprint two.crt) && echo "$FP2" >fp2 &&
	start_stepca good srv root --federated two.crt &&
	start_stepca second srv2 two &&
	pkit ca bootstrap --ca-url "$(url good)" --fingerprint "$FP" 2>err
'
FP=$(cat fp 2>/dev/null)
FP2=$(cat fp2 2>/dev/null)

test_expect_success 'health prints ok' '
	pkit ca health >out 2>err &&
	echo ok >want &&
	test_cmp want out &&
	test ! -s err
'

test_expect_success 'health: a status other than ok is printed and fails' '
	route good /health 200 "{\"status\":\"degraded\"}" &&
	test_when_finished "rm -f good.routes" &&
	test_expect_code 1 pkit ca health >out &&
	echo degraded >want &&
	test_cmp want out
'

test_expect_success 'roots prints the PEM bundle' '
	pkit ca roots >out 2>err &&
	test_cmp root.crt out &&
	test ! -s err
'

test_expect_success 'roots into a file: 0600, a message, --force to replace' '
	pkit ca roots roots.pem 2>err &&
	test_cmp root.crt roots.pem &&
	test_mode roots.pem 600 &&
	echo "The root certificate bundle has been saved in roots.pem." >want &&
	test_cmp want err &&
	test_must_fail pkit ca roots roots.pem 2>err &&
	test_one_line err &&
	grep -q "roots.pem: file exists (use --force to overwrite)" err &&
	pkit ca roots --force roots.pem 2>err &&
	test_cmp root.crt roots.pem
'

test_expect_success 'federation: the roots and the federated roots' '
	cat root.crt two.crt >want &&
	pkit ca federation >out &&
	test_cmp want out &&
	pkit ca federation fed.pem 2>err &&
	test_cmp want fed.pem &&
	echo "The federation certificate bundle has been saved in fed.pem." >want &&
	test_cmp want err
'

test_expect_success 'root: by the fingerprint of defaults.json, checked' '
	pkit ca root >out 2>err &&
	test_cmp root.crt out &&
	pkit ca root r.crt 2>err &&
	test_cmp root.crt r.crt &&
	test_mode r.crt 600 &&
	echo "The root certificate has been saved in r.crt." >want &&
	test_cmp want err
'

test_expect_success 'root: a wrong fingerprint fails and writes nothing' '
	test_expect_code 1 pkit ca root --fingerprint "$FP2" r2.crt 2>err &&
	test_one_line err &&
	test ! -e r2.crt &&
	test_expect_code 1 pkit ca root --ca-url "$(url second)" r2.crt 2>err &&
	test_one_line err &&
	test ! -e r2.crt
'

test_expect_success 'provisioner list prints what step prints' '
	pkit ca provisioner list >out 2>err &&
	test_cmp "$STEPCA_API/provisioner-list.stdout" out &&
	test ! -s err
'

test_expect_success 'provisioner list follows the cursor across pages' '
	route good "/provisioners?limit=100" 200 \
		"{\"provisioners\":[{\"type\":\"JWK\",\"name\":\"one\"}],\"nextCursor\":\"a b/c\"}" &&
	route good "/provisioners?cursor=a%20b%2Fc&limit=100" 200 \
		"{\"provisioners\":[{\"type\":\"ACME\",\"name\":\"two\"}],\"nextCursor\":\"\"}" &&
	test_when_finished "rm -f good.routes" &&
	pkit ca provisioner list >out &&
	"$SYS_PYTHON" -c "import json,sys; print(\" \".join(p[\"name\"] for p in json.load(open(sys.argv[1]))))" out >names &&
	echo "one two" >want &&
	test_cmp want names
'

test_expect_success 'a 4xx error body is the CA message on one line' '
	route good /roots 401 "$(cat "$STEPCA_API/error-401.body")" &&
	test_when_finished "rm -f good.routes" &&
	test_expect_code 1 pkit ca roots >out 2>err &&
	echo "pkit: $(url good)/roots: The request lacked necessary authorization to be completed. Please see the certificate authority logs for more info." >want &&
	test_cmp want err &&
	test ! -s out
'

test_expect_success 'malformed JSON: one line, no output, no file' '
	route good /roots 201 "{\"crts\": [\"" &&
	route good /provisioners 200 "[1, 2" &&
	test_when_finished "rm -f good.routes" &&
	test_expect_code 1 pkit ca roots bad.pem >out 2>err &&
	test_one_line err &&
	grep -q "$(url good)/roots: the response (HTTP 201) is not valid JSON" err &&
	test ! -e bad.pem &&
	test_expect_code 1 pkit ca provisioner list >out 2>err &&
	test_one_line err &&
	test ! -s out
'

test_expect_success 'the wrong shape of JSON: one line' '
	route good /health 200 "{\"state\":\"ok\"}" &&
	test_when_finished "rm -f good.routes" &&
	test_expect_code 1 pkit ca health >out 2>err &&
	test_one_line err &&
	grep -q "has no \"status\" string" err
'

test_expect_success 'an unreachable CA: one line naming the URL' '
	port=$(free_port) &&
	test_expect_code 1 pkit ca health --ca-url "https://127.0.0.1:$port" 2>err &&
	test_one_line err &&
	grep -q "^pkit: https://127.0.0.1:$port/health: " err
'

test_expect_success 'a CA whose TLS certificate does not chain to --root fails' '
	test_expect_code 1 pkit ca roots --ca-url "$(url second)" 2>err &&
	test_one_line err &&
	grep -q "not trusted" err
'

test_expect_success 'precedence: defaults.json < environment < flag' '
	: >good.log && : >second.log &&
	pkit ca health >/dev/null &&
	test -s good.log && test ! -s second.log &&
	: >good.log &&
	env PKIT_CA_URL=$(url second) PKIT_ROOT=two.crt "$PKIT_BIN" ca health >/dev/null &&
	test -s second.log && test ! -s good.log &&
	: >second.log &&
	env PKIT_CA_URL=$(url second) PKIT_ROOT=two.crt \
		"$PKIT_BIN" ca health --ca-url "$(url good)" --root root.crt >/dev/null &&
	test -s good.log && test ! -s second.log &&
	: >good.log &&
	test_expect_code 1 env PKIT_CA_URL=$(url second) PKIT_ROOT=two.crt \
		"$PKIT_BIN" ca health --root root.crt 2>err &&
	test_one_line err &&
	grep -q "^pkit: $(url second)/health: .*not trusted" err &&
	test ! -s good.log
'

test_expect_success 'precedence of the fingerprint: environment over defaults.json, flag over both' '
	test_expect_code 1 env PKIT_FINGERPRINT=$FP2 "$PKIT_BIN" ca root 2>err &&
	test_one_line err &&
	env PKIT_FINGERPRINT=$FP2 "$PKIT_BIN" ca root --fingerprint "$FP" >out &&
	test_cmp root.crt out
'

test_expect_success 'empty environment values count as unset' '
	env PKIT_CA_URL= PKIT_ROOT= "$PKIT_BIN" ca health >out &&
	echo ok >want &&
	test_cmp want out
'

test_expect_success 'the root falls back to certs/root_ca.crt; a relative root is under PKITPATH' '
	echo ok >want &&
	cp "$PKITPATH/config/defaults.json" defaults.saved &&
	test_when_finished "cp defaults.saved \"$PKITPATH/config/defaults.json\"" &&
	printf "{\"ca-url\": \"%s\"}\n" "$(url good)" >"$PKITPATH/config/defaults.json" &&
	pkit ca health >out &&
	test_cmp want out &&
	printf "{\"ca-url\": \"%s\", \"root\": \"certs/root_ca.crt\"}\n" \
		"$(url good)" >"$PKITPATH/config/defaults.json" &&
	pkit ca health >out &&
	test_cmp want out
'

test_expect_success 'no URL or no root anywhere: usage error, exit 2' '
	test_expect_code 2 env PKITPATH="$PWD/empty" "$PKIT_BIN" ca roots 2>err &&
	test_one_line err &&
	grep -q "no CA URL" err &&
	test_expect_code 2 env PKITPATH="$PWD/empty" "$PKIT_BIN" ca health \
		--ca-url "$(url good)" 2>err &&
	test_one_line err &&
	grep -q "no root certificate" err &&
	test_expect_code 2 env PKITPATH="$PWD/empty" "$PKIT_BIN" ca root \
		--ca-url "$(url good)" 2>err &&
	grep -q "no root fingerprint" err
'

test_expect_success 'a missing --root file, a malformed defaults.json: one line' '
	test_expect_code 1 pkit ca roots --root nosuch.crt 2>err &&
	test_one_line err &&
	grep -q "nosuch.crt" err &&
	mkdir -p broken/config &&
	echo "{\"ca-url\": " >broken/config/defaults.json &&
	test_expect_code 1 env PKITPATH="$PWD/broken" "$PKIT_BIN" ca health 2>err &&
	test_one_line err &&
	grep -q "defaults.json: not valid JSON" err
'

test_expect_success 'bad flags and extra arguments: exit 2' '
	test_expect_code 2 pkit ca health extra 2>err &&
	test_expect_code 2 pkit ca roots a b 2>err &&
	test_expect_code 2 pkit ca provisioner list --bogus 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit ca provisioner lst 2>err
'

test_done

#!/bin/sh
test_description='pkit ca federate: another root into federatedRoots

From a root file: the root is saved under certs/, its path appended to
ca.json atomically (mode and unknown keys kept), a second time changes
nothing; own roots and non-CA certificates are refused; usage errors
exit 2.  After a SIGHUP the server lists it at /federation.'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-ca.sh"
. "$TEST_SRC_DIR/lib-casign.sh"
. "$TEST_SRC_DIR/lib-capolicy.sh"

capolicy_setup

fp_of() {
	openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' |
		tr A-F a-f
}

test_expect_success 'setup: another root, and a leaf that is not a CA' '
	openssl ecparam -name prime256v1 -genkey -noout -out other.key &&
	openssl req -x509 -new -key other.key -subj "/CN=Other Root" -days 30 \
		-addext "basicConstraints=critical,CA:true" -out other.crt &&
	OFP=$(fp_of other.crt) &&
	openssl req -x509 -new -key other.key -subj "/CN=leaf" -days 30 \
		-addext "basicConstraints=critical,CA:false" -out leaf.crt &&
	set_json "d[\"x-custom\"] = {\"kept\": True}" &&
	set_policy authority "{\"x509\": {\"allow\": {\"dns\": [\"*.localhost\"]}}}" &&
	set_policy prov "{\"ssh\": {\"user\": {\"allow\": {\"principal\": [\"*\"]}}}}" &&
	chmod 600 "$PKITPATH/config/ca.json"
'

test_expect_success 'a root file is saved and added to federatedRoots' '
	pkit ca federate other.crt 2>err &&
	saved="$PKITPATH/certs/federated-$OFP.crt" &&
	test "$(fp_of "$saved")" = "$OFP" &&
	grep -q "$OFP" err &&
	test "$(jget "$PKITPATH/config/ca.json" "d[\"federatedRoots\"] == [\"$saved\"]")" = True &&
	test "$(jget "$PKITPATH/config/ca.json" "d[\"x-custom\"][\"kept\"]")" = True &&
	test "$(jget "$PKITPATH/config/ca.json" "d[\"authority\"][\"policy\"][\"x509\"][\"allow\"][\"dns\"] == [\"*.localhost\"]")" = True &&
	test "$(jget "$PKITPATH/config/ca.json" "d[\"authority\"][\"provisioners\"][0][\"policy\"][\"ssh\"][\"user\"][\"allow\"][\"principal\"] == [\"*\"]")" = True &&
	test_mode "$PKITPATH/config/ca.json" 600 &&
	! ls "$PKITPATH/config/" | grep -q tmp
'

test_expect_success 'the same root again changes nothing' '
	cp "$PKITPATH/config/ca.json" before.json &&
	pkit ca federate other.crt 2>err &&
	grep -q "federated already" err &&
	cmp before.json "$PKITPATH/config/ca.json"
'

test_expect_success 'the CA'"'"'s own root is refused' '
	test_expect_code 1 pkit ca federate "$PKITPATH/certs/root_ca.crt" 2>err &&
	test_one_line err &&
	grep -q "own root" err &&
	cmp before.json "$PKITPATH/config/ca.json"
'

test_expect_success 'a certificate that is not a CA is refused' '
	test_expect_code 1 pkit ca federate leaf.crt 2>err &&
	test_one_line err &&
	grep -q "not a CA certificate" err &&
	cmp before.json "$PKITPATH/config/ca.json"
'

test_expect_success 'a missing or malformed root file: one line, exit 1' '
	test_expect_code 1 pkit ca federate nope.crt 2>err &&
	test_one_line err &&
	grep -q "nope.crt" err &&
	echo garbage >bad.crt &&
	test_expect_code 1 pkit ca federate bad.crt 2>err &&
	test_one_line err &&
	cmp before.json "$PKITPATH/config/ca.json"
'

test_expect_success 'usage errors exit 2' '
	test_expect_code 2 pkit ca federate 2>err &&
	test_expect_code 2 pkit ca federate --ca-url https://localhost:1 2>err &&
	test_expect_code 2 pkit ca federate --ca-url https://localhost:1 \
		--fingerprint "$OFP" other.crt 2>err &&
	test_expect_code 2 pkit ca federate --bogus other.crt 2>err &&
	test_expect_code 2 pkit ca federate a.crt b.crt 2>err
'

test_expect_success '--ca-config changes that file only' '
	cp before.json alt.json &&
	set_json "d[\"federatedRoots\"] = None" &&
	cp "$PKITPATH/config/ca.json" main.json &&
	openssl req -x509 -new -key other.key -subj "/CN=Third Root" -days 30 \
		-addext "basicConstraints=critical,CA:true" -out third.crt &&
	pkit ca federate --ca-config alt.json third.crt 2>err &&
	test "$(jget alt.json "len(d[\"federatedRoots\"])")" = 2 &&
	cmp main.json "$PKITPATH/config/ca.json"
'

test_expect_success 'a running CA serves the new root at /federation after SIGHUP' '
	ca_start --password-file pw.txt &&
	pkit ca federation fed1.pem 2>err &&
	test "$(grep -c "BEGIN CERTIFICATE" fed1.pem)" = 1 &&
	pkit ca federate other.crt 2>err &&
	reload &&
	pkit ca federation fed2.pem 2>err &&
	test "$(grep -c "BEGIN CERTIFICATE" fed2.pem)" = 2 &&
	openssl crl2pkcs7 -nocrl -certfile fed2.pem | openssl pkcs7 -print_certs -noout >subjects &&
	grep -q "CN *= *Other Root" subjects &&
	ca_stop
'

test_done

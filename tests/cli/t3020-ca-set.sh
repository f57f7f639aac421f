#!/bin/sh
test_description='ca certificate and ca sign --set and --set-file: templateData in /sign as step sends it'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-caops.sh"

test_expect_success 'setup: a CA with one JWK provisioner, bootstrapped' '
	mkprov admin "admin pw" &&
	echo "admin pw" >pw.txt &&
	signing_ca ca &&
	pkit ca bootstrap --ca-url "$(url ca)" --fingerprint "$(fingerprint root.crt)" 2>err
'

test_expect_success 'without --set there is no templateData' '
	pkit ca certificate a a.crt a.key --provisioner-password-file pw.txt 2>err &&
	test "$(body ca 1 "\"templateData\" in b")" = False
'

test_expect_success '--set: values as JSON when they parse, else strings; trimmed' '
	pkit ca certificate b b.crt b.key --provisioner-password-file pw.txt \
		--set role=web --set "count= 3" --set "flag=true" \
		--set "obj={\"k\": [1, 2]}" --set "quoted=\"x y\"" --set "sp=a b" 2>err &&
	test "$(body ca 2 "json.dumps(b[\"templateData\"], sort_keys=True)")" = \
		"{\"count\": 3, \"flag\": true, \"obj\": {\"k\": [1, 2]}, \"quoted\": \"x y\", \"role\": \"web\", \"sp\": \"a b\"}"
'

test_expect_success '--set-file, with --set winning over it (ca sign)' '
	echo "{\"role\": \"db\", \"team\": \"ops\"}" >data.json &&
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout c.key -subj /CN=c.internal -out c.csr 2>/dev/null &&
	pkit ca sign c.csr c.crt --provisioner-password-file pw.txt \
		--set-file data.json --set role=web 2>err &&
	test "$(body ca 3 "json.dumps(b[\"templateData\"], sort_keys=True)")" = \
		"{\"role\": \"web\", \"team\": \"ops\"}"
'

test_expect_success 'bad --set and --set-file: one line, nothing asked of the CA, no files' '
	n=$(posts ca) &&
	test_expect_code 2 pkit ca certificate d d.crt d.key \
		--provisioner-password-file pw.txt --set novalue 2>err &&
	test_one_line err && grep -q "novalue.*KEY=VALUE" err &&
	test_expect_code 2 pkit ca certificate d d.crt d.key \
		--provisioner-password-file pw.txt --set "=v" 2>err &&
	test_one_line err && grep -q "key is empty" err &&
	echo "[1, 2]" >arr.json &&
	test_expect_code 1 pkit ca certificate d d.crt d.key \
		--provisioner-password-file pw.txt --set-file arr.json 2>err &&
	test_one_line err && grep -q "arr.json: not a JSON object" err &&
	echo "{bad" >bad.json &&
	test_expect_code 1 pkit ca sign c.csr d.crt \
		--provisioner-password-file pw.txt --set-file bad.json 2>err &&
	test_one_line err && grep -q "^pkit: bad.json: " err &&
	test_expect_code 1 pkit ca sign c.csr d.crt \
		--provisioner-password-file pw.txt --set-file missing.json 2>err &&
	test_one_line err && grep -q "missing.json" err &&
	test "$(posts ca)" -eq "$n" &&
	test ! -e d.crt && test ! -e d.key
'

test_done

#!/bin/sh
test_description='certificate fingerprint, format, key and bundle'
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: a chain' '
	pkit certificate create --profile root-ca --no-password --insecure \
		"Misc Root" root.crt root.key &&
	pkit certificate create --profile intermediate-ca --ca root.crt \
		--ca-key root.key --no-password --insecure "Misc CA" int.crt int.key &&
	pkit certificate create --ca int.crt --ca-key int.key --no-password \
		--insecure leaf.example leaf.crt leaf.key &&
	pkit certificate create --csr --no-password --insecure csr.example \
		leaf.csr csr.key
'

test_expect_success 'fingerprint: SHA-256 of the DER, lower-case hex' '
	pkit certificate fingerprint leaf.crt >got &&
	openssl x509 -in leaf.crt -noout -fingerprint -sha256 |
		cut -d= -f2 | tr -d : | tr A-F a-f >want &&
	test_cmp want got &&
	test "$(wc -c <got)" = 65
'

test_expect_success 'fingerprint formats' '
	openssl x509 -in leaf.crt -outform DER | openssl dgst -sha256 -binary >md &&
	pkit certificate fingerprint --format base64 leaf.crt >got &&
	base64 -w0 md >want && echo >>want && test_cmp want got &&
	pkit certificate fingerprint --format base64-url leaf.crt >got &&
	base64 -w0 md | tr "+/" "-_" >want && echo >>want && test_cmp want got &&
	pkit certificate fingerprint --format base64-raw leaf.crt >got &&
	base64 -w0 md | tr -d = >want && echo >>want && test_cmp want got &&
	pkit certificate fingerprint --format base64-url-raw leaf.crt >got &&
	base64 -w0 md | tr "+/" "-_" | tr -d = >want && echo >>want && test_cmp want got &&
	pkit certificate fingerprint --format HEX leaf.crt >got &&
	pkit certificate fingerprint leaf.crt >want && test_cmp want got
'

test_expect_success 'fingerprint --sha1 needs --insecure' '
	test_expect_code 2 pkit certificate fingerprint --sha1 leaf.crt 2>err &&
	test_one_line err &&
	pkit certificate fingerprint --sha1 --insecure leaf.crt >got &&
	openssl x509 -in leaf.crt -noout -fingerprint -sha1 |
		cut -d= -f2 | tr -d : | tr A-F a-f >want &&
	test_cmp want got
'

test_expect_success 'fingerprint --bundle, DER input and standard input' '
	cat leaf.crt int.crt >chain.crt &&
	pkit certificate fingerprint --bundle chain.crt >got &&
	printf "0: %s\n1: %s\n" "$(pkit certificate fingerprint leaf.crt)" \
		"$(pkit certificate fingerprint int.crt)" >want &&
	test_cmp want got &&
	pkit certificate fingerprint chain.crt >got &&
	pkit certificate fingerprint leaf.crt >want && test_cmp want got &&
	openssl x509 -in leaf.crt -outform DER -out leaf.der &&
	pkit certificate fingerprint leaf.der >got && test_cmp want got &&
	pkit certificate fingerprint - <leaf.crt >got && test_cmp want got
'

test_expect_success 'fingerprint errors: missing and malformed files, bad format' '
	test_expect_code 1 pkit certificate fingerprint nope.crt 2>err &&
	test_one_line err && grep -q "nope.crt" err &&
	echo garbage >junk.crt &&
	test_expect_code 1 pkit certificate fingerprint junk.crt 2>err &&
	test_one_line err && grep -q "junk.crt" err &&
	test_expect_code 2 pkit certificate fingerprint --format emoji leaf.crt 2>err &&
	test_one_line err
'

test_expect_success 'format: PEM to DER and back, certificates and CSRs' '
	pkit certificate format leaf.crt >leaf.der2 &&
	cmp leaf.der leaf.der2 &&
	pkit certificate format leaf.der >back.pem &&
	test_cmp leaf.crt back.pem &&
	pkit certificate format --out leaf.csr.der leaf.csr &&
	openssl req -inform DER -in leaf.csr.der -noout -verify 2>&1 | grep -q "verify OK" &&
	pkit certificate format leaf.csr.der >csr.pem &&
	test_cmp leaf.csr csr.pem
'

test_expect_success 'format: refusals' '
	test_expect_code 1 pkit certificate format chain.crt >out 2>err &&
	test_one_line err && grep -q "DER holds one" err &&
	test_expect_code 1 pkit certificate format junk.crt >out 2>err &&
	test_one_line err &&
	test_expect_code 1 pkit certificate format nope.crt >out 2>err &&
	test_one_line err &&
	test_expect_code 1 pkit certificate format --out leaf.der2 leaf.crt 2>err &&
	test_one_line err && grep -q "force" err &&
	pkit certificate format -f --out leaf.der2 leaf.crt
'

test_expect_success 'key: the public key of a certificate or CSR' '
	pkit certificate key leaf.crt >got &&
	openssl x509 -in leaf.crt -noout -pubkey >want &&
	test_cmp want got &&
	pkit certificate key --out k.pem leaf.der &&
	test_cmp want k.pem &&
	pkit certificate key leaf.csr >got &&
	openssl req -in leaf.csr -noout -pubkey >want &&
	test_cmp want got &&
	test_expect_code 1 pkit certificate key nope.crt 2>err &&
	test_one_line err
'

test_expect_success 'bundle: leaf then issuer, verified by openssl' '
	pkit certificate bundle leaf.crt int.crt b.crt 2>err &&
	test ! -s err &&
	cat leaf.crt int.crt >want &&
	test_cmp want b.crt &&
	test_mode b.crt 644 &&
	openssl verify -CAfile root.crt -untrusted b.crt b.crt
'

test_expect_success 'bundle: a wrong issuer warns; existing output needs --force' '
	pkit certificate bundle leaf.crt root.crt w.crt 2>err &&
	grep -q "^pkit: warning: .*did not issue" err &&
	test_expect_code 1 pkit certificate bundle leaf.crt int.crt b.crt 2>err &&
	test_one_line err &&
	test_expect_code 1 pkit certificate bundle leaf.crt nope.crt n.crt 2>err &&
	test_one_line err && test ! -e n.crt &&
	test_expect_code 2 pkit certificate bundle leaf.crt int.crt 2>err &&
	test_one_line err
'

test_done

#!/bin/sh
test_description='pkit certificate verify --crl/--verify-crl and --ocsp/--verify-ocsp

Against a pkit ca serve with CRL and OCSP enabled: a leaf verifies with
its CRL (file, URL, or its distribution point) and its OCSP responder
(given or from its AIA), then fails once revoked, naming the reason and
time; a certificate the responder does not know fails; a certificate
without a distribution point or responder cannot be checked; a CRL of
another issuer is refused; usage errors.'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-ca.sh"
. "$TEST_SRC_DIR/lib-carevoke.sh"

v() {
	pkit certificate verify --roots "$ROOT" "$@"
}

test_expect_success 'a CA with CRL and OCSP; leaves' '
	rv_init &&
	rv_conf "{\"crl\": {\"enabled\": true, \"generateOnRevoke\": true}, \"ocsp\": {\"enabled\": true}}" &&
	serve && rv_bootstrap &&
	rv_cert leaf && rv_cert other &&
	cat leaf.crt "$INT" >leaf-chain.crt &&
	cat other.crt "$INT" >other-chain.crt &&
	pkit ca crl crl0.der 2>/dev/null
'

test_expect_success 'not revoked: CRL file, CRL URL, distribution point, OCSP' '
	v --crl crl0.der leaf-chain.crt &&
	v --crl "https://localhost:$PORT/1.0/crl" leaf-chain.crt &&
	v --crl-endpoint "https://127.0.0.1:$PORT/crl" leaf-chain.crt &&
	v --verify-crl leaf-chain.crt &&
	v --ocsp "https://127.0.0.1:$PORT/ocsp" leaf-chain.crt &&
	v --verify-ocsp --verify-crl -v leaf-chain.crt >out &&
	grep -q "^leaf-chain.crt: OK$" out &&
	grep -q "^  CRL: not revoked$" out &&
	grep -q "^  OCSP: good$" out
'

test_expect_success 'revoked: every way fails, naming the reason and the time' '
	rv_revoke leaf --reasonCode 1 &&
	test_expect_code 1 v --verify-crl leaf-chain.crt 2>err &&
	test_one_line err &&
	grep -q "^pkit: leaf-chain.crt: certificate revoked (keyCompromise, revoked at 20[0-9-]*T[0-9:]*Z)$" err &&
	pkit ca crl crl1.der 2>/dev/null &&
	test_expect_code 1 v --crl crl1.der leaf-chain.crt 2>err &&
	grep -q "certificate revoked" err &&
	test_expect_code 1 v --crl crl1.der -v leaf-chain.crt 2>err &&
	grep -q "certificate revoked .*(depth 0, CN=leaf)" err &&
	test_expect_code 1 v --verify-ocsp leaf-chain.crt 2>err &&
	test_one_line err &&
	grep -q "^pkit: leaf-chain.crt: certificate revoked (keyCompromise, revoked at .*, says https://localhost:$PORT/ocsp)$" err &&
	v --verify-crl --verify-ocsp other-chain.crt &&
	v --crl crl0.der leaf-chain.crt
'

test_expect_success 'unknown to the responder: fails' '
	openssl ecparam -name prime256v1 -genkey -noout -out stray.key &&
	openssl req -new -key stray.key -subj "/CN=stray" -out stray.csr &&
	printf "%s\n" "authorityInfoAccess=OCSP;URI:https://127.0.0.1:$PORT/ocsp" \
		"extendedKeyUsage=serverAuth" >stray.ext &&
	openssl x509 -req -in stray.csr -CA "$INT" \
		-CAkey "$SERVER/secrets/intermediate_ca_key" -passin file:ca-pw.txt \
		-days 1 -extfile stray.ext -out stray.crt 2>/dev/null &&
	cat stray.crt "$INT" >stray-chain.crt &&
	v --purpose any stray-chain.crt &&
	test_expect_code 1 v --purpose any --verify-ocsp stray-chain.crt 2>err &&
	test_one_line err && grep -q "unknown to the OCSP responder" err
'

test_expect_success 'nothing to check with: no distribution point, no responder' '
	test_expect_code 1 v --purpose any --verify-crl stray-chain.crt 2>err &&
	test_one_line err && grep -q "no CRL distribution point" err &&
	openssl req -new -key stray.key -subj "/CN=bare" -out bare.csr &&
	openssl x509 -req -in bare.csr -CA "$INT" \
		-CAkey "$SERVER/secrets/intermediate_ca_key" -passin file:ca-pw.txt \
		-days 1 -out bare.crt 2>/dev/null &&
	cat bare.crt "$INT" >bare-chain.crt &&
	test_expect_code 1 v --purpose any --verify-ocsp bare-chain.crt 2>err &&
	test_one_line err && grep -q "no OCSP responder" err
'

test_expect_success 'a CRL of another issuer, a file that is not a CRL, http://' '
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout o.key -subj "/CN=Other CA" -out o.crt 2>/dev/null &&
	printf "%s\n" "[ca]" "default_ca=d" "[d]" "database=index.txt" \
		"crlnumber=crlnumber" "default_md=sha256" "default_crl_days=1" >o.cnf &&
	: >index.txt && echo 01 >crlnumber &&
	openssl ca -config o.cnf -gencrl -keyfile o.key -cert o.crt -out o.crl 2>/dev/null &&
	test_expect_code 1 v --crl o.crl leaf-chain.crt 2>err &&
	test_one_line err && grep -q "unable to get certificate CRL" err &&
	test_expect_code 1 v --crl leaf.crt leaf-chain.crt 2>err &&
	test_one_line err && grep -q "leaf.crt: not a CRL" err &&
	test_expect_code 1 v --crl nothere.crl leaf-chain.crt 2>err &&
	test_one_line err &&
	test_expect_code 1 v --crl "http://127.0.0.1:$PORT/crl" leaf-chain.crt 2>err &&
	test_one_line err && grep -q "only https://" err
'

test_expect_success 'usage errors' '
	test_expect_code 2 v --crl crl0.der --verify-crl leaf-chain.crt 2>err &&
	test_expect_code 2 v --ocsp https://x --verify-ocsp leaf-chain.crt 2>err &&
	test_expect_code 2 v --crl 2>err
'

test_expect_success 'the server is still well' '
	ca_stop
'

test_done

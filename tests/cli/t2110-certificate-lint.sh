#!/bin/sh
test_description='certificate lint: known-bad certificates are flagged by the right rules, good ones pass'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-x509.sh"

{
	ossl_cnf_head &&
	cat <<\EOC &&
[leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = DNS:leaf.example.com
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ca_bc_not_critical]
basicConstraints = CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ca_no_certsign]
basicConstraints = critical, CA:TRUE
keyUsage = critical, digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[leaf_no_san]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[leaf_cn_not_in_san]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:other.example.com
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[leaf_certsign]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyCertSign
subjectAltName = DNS:leaf.example.com
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[leaf_any_eku]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth, anyExtendedKeyUsage
subjectAltName = DNS:leaf.example.com
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[leaf_nc]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
subjectAltName = DNS:leaf.example.com
nameConstraints = permitted;DNS:example.com
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[leaf_bad_dns]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
subjectAltName = DNS:leaf.example.com, DNS:bad_name..example.com
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[leaf_no_aki]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
subjectAltName = DNS:leaf.example.com
subjectKeyIdentifier = hash
authorityKeyIdentifier = none
EOC
	ossl_cnf_ca
} >ossl.cnf

# issue SECTION CN OUT [extra openssl x509 options]: a certificate for a
# fresh P-256 key, signed by root, with a random 128-bit serial unless
# SERIAL is set.
issue() {
	section=$1 cn=$2 out=$3
	shift 3
	openssl req -config ossl.cnf -new $EC -nodes -keyout "$out.key" \
		-subj "/CN=$cn" -out "$out.csr" &&
	openssl x509 -req -in "$out.csr" -CA root.crt -CAkey root.key \
		-extfile ossl.cnf -extensions "$section" -days 30 \
		-set_serial "${SERIAL:-0x$(openssl rand -hex 16)}" "$@" -out "$out"
}

# flags FILE RULE LEVEL [PROFILE]: lint reports RULE at LEVEL.
flags() {
	pkit certificate lint ${4:+--profile $4} "$1" >lint.out
	ret=$?
	cat lint.out
	grep -q "^$1: $3: $2: " lint.out || {
		echo "expected $3 $2 for $1" >&2; return 1; }
	if test "$3" = error; then test $ret = 1; else true; fi
}

test_expect_success 'openssl makes a root CA' '
	openssl req -x509 -config ossl.cnf -extensions root -new $EC -nodes \
		-keyout root.key -subj "/C=US/O=Test/CN=Test Root" -days 3650 \
		-out root.crt &&
	mkdir ca && : >ca/index.txt
'

test_expect_success 'a good openssl root and leaf pass (exit 0, no findings)' '
	pkit certificate lint root.crt >out &&
	grep -qx "root.crt: 0 errors, 0 warnings, 0 notices ([0-9]* rules applied, private profile)" out &&
	issue leaf leaf.example.com good.crt &&
	cat good.crt root.crt >good-chain.crt &&
	pkit certificate lint good-chain.crt >out &&
	grep -q "^good-chain.crt: 0 errors, 0 warnings, 0 notices" out
'

test_expect_success 'good pkit-made root, intermediate and leaf pass' '
	pkit certificate create --profile root-ca --no-password --insecure \
		"Pkit Root" p-root.crt p-root.key 2>/dev/null &&
	pkit certificate create --profile intermediate-ca --ca p-root.crt \
		--ca-key p-root.key --no-password --insecure "Pkit Int" \
		p-int.crt p-int.key 2>/dev/null &&
	pkit certificate create --ca p-int.crt --ca-key p-int.key \
		--no-password --insecure leaf.example.com p-leaf.crt p-leaf.key \
		2>/dev/null &&
	cat p-leaf.crt p-int.crt >p-chain.crt &&
	for f in p-root.crt p-int.crt p-chain.crt
	do
		pkit certificate lint $f >out &&
		grep -q "^$f: 0 errors, 0 warnings, 0 notices" out ||
		{ cat out >&2; return 1; }
	done
'

test_expect_success 'a SHA-1 signature: sig-no-sha1' '
	issue leaf leaf.example.com sha1.crt -sha1 &&
	flags sha1.crt sig-no-sha1 error
'

test_expect_success 'an RSA 1024 key: rsa-min-2048' '
	openssl req -config ossl.cnf -new -newkey rsa:1024 -nodes -keyout rsa.key \
		-subj "/CN=leaf.example.com" -out rsa.csr 2>/dev/null &&
	openssl x509 -req -in rsa.csr -CA root.crt -CAkey root.key -extfile ossl.cnf \
		-extensions leaf -days 30 -set_serial 0x$(openssl rand -hex 16) \
		-out rsa1024.crt 2>/dev/null &&
	flags rsa1024.crt rsa-min-2048 error
'

test_expect_success 'a CA whose basicConstraints is not critical: ca-bc-critical' '
	issue ca_bc_not_critical "Sub CA" bcnc.crt &&
	flags bcnc.crt ca-bc-critical error
'

test_expect_success 'a CA without keyCertSign: ca-key-cert-sign' '
	issue ca_no_certsign "Sub CA" nocs.crt &&
	flags nocs.crt ca-key-cert-sign error
'

test_expect_success 'a serial longer than 20 octets: serial-max-20-octets' '
	SERIAL=0x7f$(openssl rand -hex 20) issue leaf leaf.example.com long.crt &&
	flags long.crt serial-max-20-octets error
'

test_expect_success 'a short serial: serial-64-bit-entropy (warning, error on the web)' '
	SERIAL=1 issue leaf leaf.example.com short.crt &&
	flags short.crt serial-64-bit-entropy warning &&
	flags short.crt serial-64-bit-entropy error web
'

test_expect_success 'a negative serial: serial-positive' '
	SERIAL=-1234567890123456789 issue leaf leaf.example.com neg.crt &&
	flags neg.crt serial-positive error
'

test_expect_success 'a TLS leaf without SAN: tls-san-present (warning; error on the web)' '
	issue leaf_no_san leaf.example.com nosan.crt &&
	flags nosan.crt tls-san-present warning &&
	flags nosan.crt tls-san-present error web
'

test_expect_success 'a CN that is not a SAN: tls-cn-in-san' '
	issue leaf_cn_not_in_san leaf.example.com cn.crt &&
	flags cn.crt tls-cn-in-san warning &&
	flags cn.crt tls-cn-in-san error web
'

test_expect_success 'keyCertSign on a leaf: cert-sign-needs-ca' '
	issue leaf_certsign leaf.example.com cs.crt &&
	flags cs.crt cert-sign-needs-ca error
'

test_expect_success 'anyExtendedKeyUsage on a leaf: leaf-no-any-eku' '
	issue leaf_any_eku leaf.example.com any.crt &&
	flags any.crt leaf-no-any-eku notice &&
	flags any.crt leaf-no-any-eku error web
'

test_expect_success 'name constraints on a leaf, not critical: two rules' '
	issue leaf_nc leaf.example.com nc.crt &&
	flags nc.crt name-constraints-ca-only error &&
	flags nc.crt name-constraints-critical error
'

test_expect_success 'a malformed DNS name: san-dns-syntax' '
	issue leaf_bad_dns leaf.example.com dns.crt &&
	flags dns.crt san-dns-syntax error
'

test_expect_success 'no authority key identifier: aki-present' '
	issue leaf_no_aki leaf.example.com noaki.crt &&
	flags noaki.crt aki-present error
'

test_expect_success 'an expired certificate: not-expired' '
	openssl req -config ossl.cnf -new $EC -nodes -keyout old.key \
		-subj "/CN=leaf.example.com" -out old.csr &&
	echo 01 >ca/serial &&
	openssl ca -batch -config ossl.cnf -cert root.crt -keyfile root.key \
		-in old.csr -startdate 20200101000000Z -enddate 20200201000000Z \
		-extfile ossl.cnf -extensions leaf -notext -out old.crt 2>/dev/null &&
	flags old.crt not-expired error
'

test_expect_success 'more than 398 days is an error on the web only' '
	issue leaf leaf.example.com long-lived.crt -days 800 &&
	pkit certificate lint long-lived.crt >out &&
	! grep -q tls-validity-398-days out &&
	flags long-lived.crt tls-validity-398-days error web
'

test_expect_success 'a secp256k1 key: ec-curve-approved' '
	openssl req -config ossl.cnf -new -newkey ec -pkeyopt ec_paramgen_curve:secp256k1 \
		-nodes -keyout k1.key -subj "/CN=leaf.example.com" -out k1.csr &&
	openssl x509 -req -in k1.csr -CA root.crt -CAkey root.key -extfile ossl.cnf \
		-extensions leaf -days 30 -set_serial 0x$(openssl rand -hex 16) \
		-out k1.crt 2>/dev/null &&
	flags k1.crt ec-curve-approved warning &&
	flags k1.crt ec-curve-approved error web
'

test_expect_success 'the issuer after the leaf lets aki-matches-issuer run' '
	openssl req -x509 -config ossl.cnf -extensions root -new $EC -nodes \
		-keyout other.key -subj "/C=US/O=Test/CN=Test Root" -days 3650 \
		-out other.crt &&
	cat good.crt root.crt >ok-pair.crt &&
	pkit certificate lint --format json ok-pair.crt >ok.json &&
	pkit certificate lint --format json good.crt >alone.json &&
	$SYS_PYTHON -c "
import json
a, b = json.load(open(\"ok.json\")), json.load(open(\"alone.json\"))
assert a[\"rules_applied\"] == b[\"rules_applied\"] + 1, (a, b)
"
'

test_expect_success '--format json: findings with id, severity, source and message' '
	test_expect_code 1 pkit certificate lint --format json bcnc.crt >out &&
	$SYS_PYTHON -c "
import json
o = json.load(open(\"out\"))
assert o[\"file\"] == \"bcnc.crt\" and o[\"profile\"] == \"private\"
assert o[\"subject\"] == \"CN=Sub CA\"
f = [x for x in o[\"findings\"] if x[\"id\"] == \"ca-bc-critical\"][0]
assert f == {\"id\": \"ca-bc-critical\", \"severity\": \"error\",
    \"source\": \"RFC 5280 4.2.1.9\",
    \"message\": \"basicConstraints of a CA certificate is not critical\"}, f
assert o[\"errors\"] == len([x for x in o[\"findings\"] if x[\"severity\"] == \"error\"])
"
'

test_expect_success '--list-rules: at least 40 rules, each with a source, in text and JSON' '
	pkit certificate lint --list-rules >out &&
	test $(sed 1d out | wc -l) -ge 40 &&
	pkit certificate lint --list-rules --format json >out &&
	$SYS_PYTHON -c "
import json
rules = json.load(open(\"out\"))
assert len(rules) >= 40
ids = [r[\"id\"] for r in rules]
assert len(ids) == len(set(ids))
for r in rules:
    assert r[\"source\"].startswith((\"RFC\", \"BR\")), r
    assert r[\"private\"] in (\"error\", \"warning\", \"notice\", \"off\")
    assert r[\"web\"] in (\"error\", \"warning\", \"notice\", \"off\")
"
'

test_expect_success 'errors: missing file, malformed input, bad flag, bad profile' '
	test_must_fail pkit certificate lint nosuch.crt >out 2>err &&
	test_one_line err && test ! -s out &&
	echo junk >junk.crt &&
	test_must_fail pkit certificate lint junk.crt 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit certificate lint --bogus good.crt 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit certificate lint --profile intranet good.crt 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit certificate lint 2>err &&
	test_one_line err
'

test_done

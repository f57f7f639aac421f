#!/bin/sh
test_description='certificate interop: openssl verify/req/s_server, python cryptography, mixed CAs'
. "$(dirname "$0")/lib.sh"

test_expect_success 'mixed key types: RSA root, P-521 intermediate, Ed25519 leaf' '
	pkit certificate create --profile root-ca --kty RSA --size 3072 \
		--no-password --insecure "Mixed Root" root.crt root.key &&
	pkit certificate create --profile intermediate-ca --kty EC --crv P-521 \
		--ca root.crt --ca-key root.key --no-password --insecure \
		"Mixed CA" int.crt int.key &&
	pkit certificate create --kty OKP --crv Ed25519 --ca int.crt \
		--ca-key int.key --no-password --insecure ed.example ed.crt ed.key &&
	openssl x509 -in int.crt -noout -text | grep -q "Signature Algorithm: sha256WithRSAEncryption" &&
	openssl x509 -in ed.crt -noout -text | grep -q "Signature Algorithm: ecdsa-with-SHA512" &&
	openssl verify -x509_strict -CAfile root.crt -untrusted int.crt \
		-purpose sslserver -verify_hostname ed.example ed.crt
'

test_expect_success 'a chain of two intermediates under a pathlen-1 root' '
	pkit certificate create --csr --no-password --insecure "Level 1" l1.csr l1.key &&
	pkit certificate sign --profile intermediate-ca --path-len 0 \
		l1.csr root.crt root.key >l1.crt &&
	test_expect_code 1 pkit certificate create --profile intermediate-ca \
		--ca l1.crt --ca-key l1.key --no-password --insecure "Level 2" \
		l2.crt l2.key 2>err &&
	test_one_line err &&
	pkit certificate create --ca l1.crt --ca-key l1.key --no-password \
		--insecure deep.example deep.crt deep.key &&
	openssl verify -x509_strict -CAfile root.crt -untrusted l1.crt deep.crt
'

test_expect_success 'an openssl-made root (no keyUsage) signs through pkit' '
	openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
		-nodes -keyout oroot.key -subj "/O=OpenSSL/CN=OpenSSL Root" \
		-days 30 -out oroot.crt 2>/dev/null &&
	pkit certificate create --profile intermediate-ca --ca oroot.crt \
		--ca-key oroot.key --insecure --no-password "Under OpenSSL" oi.crt oi.key &&
	openssl x509 -in oi.crt -noout -issuer | grep -q "O = OpenSSL, CN = OpenSSL Root" &&
	pkit certificate create --ca oi.crt --ca-key oi.key --no-password \
		--insecure o.example o.crt o.key &&
	openssl verify -CAfile oroot.crt -untrusted oi.crt o.crt
'

test_expect_success 'openssl x509 -req signs a pkit CSR' '
	pkit certificate create --csr --no-password --insecure --san s.example \
		s.example s.csr s.key &&
	openssl req -in s.csr -noout -verify 2>&1 | grep -q "verify OK" &&
	openssl x509 -req -in s.csr -CA oroot.crt -CAkey oroot.key \
		-CAcreateserial -days 1 -copy_extensions copy -out s.crt 2>/dev/null &&
	openssl x509 -in s.crt -noout -ext subjectAltName | grep -q "DNS:s.example"
'

test_expect_success 'python cryptography parses pkit certificates and CSRs' '
	cat >check.py <<-\EOF &&
	import sys
	from cryptography import x509
	crt = x509.load_pem_x509_certificate(open("ed.crt", "rb").read())
	san = crt.extensions.get_extension_for_class(x509.SubjectAlternativeName)
	assert san.value.get_values_for_type(x509.DNSName) == ["ed.example"]
	ku = crt.extensions.get_extension_for_class(x509.KeyUsage)
	assert ku.critical and ku.value.digital_signature
	ca = x509.load_pem_x509_certificate(open("int.crt", "rb").read())
	bc = ca.extensions.get_extension_for_class(x509.BasicConstraints)
	assert bc.critical and bc.value.ca and bc.value.path_length == 0
	aki = crt.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier)
	ski = ca.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
	assert aki.value.key_identifier == ski.value.digest
	assert crt.serial_number > 0
	csr = x509.load_pem_x509_csr(open("s.csr", "rb").read())
	assert csr.is_signature_valid
	print("ok")
	EOF
	"$SYS_PYTHON" check.py >out &&
	grep -q "^ok$" out
'

test_expect_success 'openssl s_server serves a pkit chain that s_client verifies' '
	port=$(free_port) &&
	cat int.crt >chain.pem &&
	{ openssl s_server -accept "$port" -cert ed.crt -key ed.key \
		-cert_chain chain.pem -naccept 1 -quiet </dev/null >server.log 2>&1 & } &&
	spid=$! &&
	test_when_finished "kill $spid 2>/dev/null; wait $spid 2>/dev/null; true" &&
	ok=no && i=0 &&
	while test $i -lt 50
	do
		if echo Q | openssl s_client -connect "127.0.0.1:$port" \
			-servername ed.example -verify_hostname ed.example \
			-CAfile root.crt -verify_return_error -brief >client.log 2>&1
		then
			ok=yes; break
		fi
		i=$((i + 1)); sleep 0.1
	done &&
	cat client.log &&
	test $ok = yes &&
	grep -q "Verification: OK" client.log
'

test_done

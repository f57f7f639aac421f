#!/bin/sh
test_description='certificate verify: valid, expired, not yet valid, wrong root, missing intermediate, wrong host, bad signature'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-x509.sh"

{
	ossl_cnf_head &&
	cat <<\EOC &&
[leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:leaf.example.com, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectAltName = email:alice@example.com
EOC
	ossl_cnf_ca
} >ossl.cnf

# dated START END OUT: a leaf signed by int with these validity dates.
dated() {
	openssl ca -batch -config ossl.cnf -cert int.crt -keyfile int.key \
		-in leaf.csr -startdate "$1" -enddate "$2" -extfile ossl.cnf \
		-extensions leaf -notext -out "$3" 2>/dev/null
}

test_expect_success 'openssl makes two roots, an intermediate and leaves' '
	for r in root other
	do
		openssl req -x509 -config ossl.cnf -extensions root -new $EC -nodes \
			-keyout $r.key -subj "/O=Test/CN=Test Root $r" -days 3650 \
			-out $r.crt || return 1
	done &&
	openssl req -config ossl.cnf -new $EC -nodes -keyout int.key \
		-subj "/O=Test/CN=Test Intermediate" -out int.csr &&
	sign int.csr root.crt root.key int int.crt &&
	openssl req -config ossl.cnf -new $EC -nodes -keyout leaf.key \
		-subj "/CN=leaf.example.com" -out leaf.csr &&
	sign leaf.csr int.crt int.key leaf leaf.crt &&
	sign leaf.csr int.crt int.key client client.crt &&
	cat leaf.crt int.crt >chain.crt &&
	cat client.crt int.crt >client-chain.crt &&
	mkdir ca && : >ca/index.txt && echo 1000 >ca/serial &&
	dated 20200101000000Z 20200201000000Z expired.crt &&
	dated 20990101000000Z 21000101000000Z future.crt &&
	cat expired.crt int.crt >expired-chain.crt &&
	cat future.crt int.crt >future-chain.crt
'

test_expect_success 'a valid chain: exit 0, silent; --verbose prints the path' '
	pkit certificate verify --roots root.crt chain.crt >out 2>err &&
	test ! -s out && test ! -s err &&
	pkit certificate verify --roots root.crt --verbose chain.crt >out &&
	cat >want <<-\EOW &&
	chain.crt: OK
	  depth 0: CN=leaf.example.com
	  depth 1: O=Test,CN=Test Intermediate
	  depth 2: O=Test,CN=Test Root root
	EOW
	test_cmp want out &&
	openssl verify -CAfile root.crt -untrusted int.crt leaf.crt
'

test_expect_success 'an expired leaf: exit 1; --verbose names depth and subject' '
	test_must_fail pkit certificate verify --roots root.crt expired-chain.crt \
		>out 2>err &&
	test ! -s out &&
	echo "pkit: expired-chain.crt: certificate has expired" >want &&
	test_cmp want err &&
	test_must_fail pkit certificate verify --roots root.crt -v \
		expired-chain.crt 2>err &&
	echo "pkit: expired-chain.crt: certificate has expired (depth 0, CN=leaf.example.com)" >want &&
	test_cmp want err
'

test_expect_success 'a leaf not yet valid' '
	test_must_fail pkit certificate verify --roots root.crt -v future-chain.crt 2>err &&
	echo "pkit: future-chain.crt: certificate is not yet valid (depth 0, CN=leaf.example.com)" >want &&
	test_cmp want err
'

test_expect_success 'the wrong root' '
	test_must_fail pkit certificate verify --roots other.crt -v chain.crt 2>err &&
	test_one_line err &&
	grep -q "unable to get local issuer certificate (depth 1, O=Test,CN=Test Intermediate)" err
'

test_expect_success 'the system store does not know a private root' '
	test_must_fail pkit certificate verify chain.crt 2>err &&
	test_one_line err
'

test_expect_success 'a missing intermediate' '
	test_must_fail pkit certificate verify --roots root.crt -v leaf.crt 2>err &&
	test_one_line err &&
	grep -q "unable to get local issuer certificate (depth 0, CN=leaf.example.com)" err
'

test_expect_success 'the intermediate may also come from the roots file (any cert there is an anchor)' '
	cat root.crt int.crt >bundle.crt &&
	pkit certificate verify --roots bundle.crt leaf.crt &&
	pkit certificate verify --roots int.crt leaf.crt
'

test_expect_success 'a hashed directory of roots' '
	mkdir certs && cp root.crt certs/ && openssl rehash certs 2>/dev/null &&
	pkit certificate verify --roots certs chain.crt &&
	test_must_fail pkit certificate verify --roots nosuchdir chain.crt 2>err &&
	test_one_line err
'

test_expect_success '--host: a DNS name or an IP address of the leaf, and a wrong one' '
	pkit certificate verify --roots root.crt --host leaf.example.com chain.crt &&
	pkit certificate verify --roots root.crt --host 127.0.0.1 chain.crt &&
	test_must_fail pkit certificate verify --roots root.crt --host other.example.com \
		-v chain.crt 2>err &&
	grep -qx "pkit: chain.crt: hostname mismatch (depth 0, CN=leaf.example.com)" err &&
	test_must_fail pkit certificate verify --roots root.crt --host 10.0.0.1 chain.crt 2>err &&
	grep -qx "pkit: chain.crt: IP address mismatch" err
'

test_expect_success 'a bit-flipped signature' '
	openssl x509 -in leaf.crt -outform DER -out leaf.der &&
	$SYS_PYTHON -c "
d = bytearray(open(\"leaf.der\", \"rb\").read())
d[-3] ^= 0x01
open(\"flip.der\", \"wb\").write(d)
" &&
	openssl x509 -inform DER -in flip.der -out flip.crt &&
	cat flip.crt int.crt >flip-chain.crt &&
	test_must_fail pkit certificate verify --roots root.crt -v flip-chain.crt 2>err &&
	grep -qx "pkit: flip-chain.crt: certificate signature failure (depth 0, CN=leaf.example.com)" err
'

test_expect_success '--purpose: a client certificate is not a server certificate' '
	test_must_fail pkit certificate verify --roots root.crt client-chain.crt 2>err &&
	grep -qx "pkit: client-chain.crt: unsuitable certificate purpose" err &&
	pkit certificate verify --roots root.crt --purpose client client-chain.crt &&
	pkit certificate verify --roots root.crt --purpose any client-chain.crt
'

test_expect_success '--issuing-ca: the issuer must be that CA' '
	pkit certificate verify --roots root.crt --issuing-ca int.crt leaf.crt &&
	test_must_fail pkit certificate verify --roots root.crt --issuing-ca root.crt \
		chain.crt 2>err &&
	test_one_line err && grep -q "not issued by the CA in root.crt" err
'

tls_server 10

test_expect_success 'a live server: its chain and its address are verified' '
	pkit certificate verify --roots root.crt -v "tls://127.0.0.1:$PORT" >out &&
	grep -qx "  depth 0: CN=leaf.example.com" out &&
	pkit certificate verify --roots root.crt --servername leaf.example.com \
		"https://127.0.0.1:$PORT" &&
	test_must_fail pkit certificate verify --roots root.crt \
		--servername wrong.example.com "tls://127.0.0.1:$PORT" 2>err &&
	grep -q "hostname mismatch" err &&
	test_must_fail pkit certificate verify --roots other.crt "tls://127.0.0.1:$PORT" 2>err &&
	test_one_line err
'

test_expect_success 'errors: missing file, malformed input, missing roots, usage' '
	test_must_fail pkit certificate verify --roots root.crt nosuch.crt 2>err &&
	test_one_line err && grep -q nosuch.crt err &&
	head -c 200 leaf.der >trunc.der &&
	test_must_fail pkit certificate verify --roots root.crt trunc.der 2>err &&
	test_one_line err &&
	test_must_fail pkit certificate verify --roots nosuch.crt chain.crt 2>err &&
	test_one_line err && grep -q nosuch.crt err &&
	test_expect_code 2 pkit certificate verify 2>err && test_one_line err &&
	test_expect_code 2 pkit certificate verify --purpose spy chain.crt 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit certificate verify --servername x chain.crt 2>err &&
	test_one_line err
'

stop_tls_server
test_done

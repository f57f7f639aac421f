#!/bin/sh
test_description='certificate p12: modern and legacy PKCS#12, trust stores, --extract, errors'
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: a chain and passwords' '
	echo "p12 pass" >p12.pw &&
	echo "key pass" >key.pw &&
	pkit certificate create --profile root-ca --no-password --insecure \
		"P12 Root" root.crt root.key &&
	pkit certificate create --profile intermediate-ca --ca root.crt \
		--ca-key root.key --no-password --insecure "P12 CA" int.crt int.key &&
	pkit certificate create --ca int.crt --ca-key int.key \
		--password-file key.pw www.example www.crt www.key
'

test_expect_success 'p12 with key, certificate and CA: Modern2023 parameters' '
	pkit certificate p12 --password-file p12.pw --key-password-file key.pw \
		--ca int.crt www.p12 www.crt www.key 2>err &&
	grep -q "saved in www.p12" err &&
	test_mode www.p12 600 &&
	openssl pkcs12 -in www.p12 -info -noout -passin file:p12.pw >info 2>&1 &&
	grep -q "MAC: sha256, Iteration 2048" info &&
	grep -q "Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256" info &&
	grep -q "PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256" info &&
	test "$(grep -c "Certificate bag" info)" = 2
'

test_expect_success 'openssl pkcs12 reads back the same key and certificates' '
	openssl pkcs12 -in www.p12 -passin file:p12.pw -nokeys -clcerts -out c.pem &&
	openssl x509 -in c.pem -noout -fingerprint >a &&
	openssl x509 -in www.crt -noout -fingerprint >b &&
	test_cmp b a &&
	openssl pkcs12 -in www.p12 -passin file:p12.pw -nocerts -nodes -out k.pem &&
	openssl pkey -in k.pem -pubout >a &&
	openssl pkey -in www.key -passin file:key.pw -pubout >b &&
	test_cmp b a &&
	openssl pkcs12 -in www.p12 -passin file:p12.pw -nokeys -cacerts -out ca.pem &&
	openssl x509 -in ca.pem -noout -subject | grep -q "CN = P12 CA"
'

test_expect_success '--legacy: RC2/3DES and a SHA-1 MAC' '
	pkit certificate p12 --legacy --password-file p12.pw \
		--key-password-file key.pw old.p12 www.crt www.key &&
	openssl pkcs12 -legacy -in old.p12 -info -noout -passin file:p12.pw >info 2>&1 &&
	grep -q "MAC: sha1" info &&
	grep -q "pbeWithSHA1And40BitRC2-CBC" info &&
	grep -q "pbeWithSHA1And3-KeyTripleDES-CBC" info
'

test_expect_success '--no-password --insecure: an empty password' '
	test_expect_code 2 pkit certificate p12 --no-password \
		--key-password-file key.pw np.p12 www.crt www.key 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit certificate p12 --no-password --insecure \
		--password-file p12.pw --key-password-file key.pw np.p12 www.crt www.key 2>err &&
	test_one_line err &&
	pkit certificate p12 --no-password --insecure --key-password-file key.pw \
		np.p12 www.crt www.key &&
	openssl pkcs12 -in np.p12 -info -noout -passin pass: 2>&1 | grep -q "MAC: sha256"
'

test_expect_success 'a trust store from --ca alone' '
	cat root.crt int.crt >cas.pem &&
	pkit certificate p12 --password-file p12.pw --ca cas.pem trust.p12 &&
	openssl pkcs12 -in trust.p12 -passin file:p12.pw -nokeys -out t.pem &&
	test "$(grep -c "BEGIN CERTIFICATE" t.pem)" = 2 &&
	grep -q "2.16.840.1.113894.746875.1.1" t.pem &&
	! openssl pkcs12 -in trust.p12 -passin file:p12.pw -nocerts -nodes 2>/dev/null | grep -q PRIVATE
'

if test_have keytool; then
test_expect_success 'Java keytool reads the key store and the trust store' '
	keytool -list -storetype PKCS12 -keystore www.p12 -storepass "p12 pass" >kt 2>&1 &&
	grep -q "PrivateKeyEntry" kt &&
	keytool -list -storetype PKCS12 -keystore trust.p12 -storepass "p12 pass" >kt 2>&1 &&
	test "$(grep -c trustedCertEntry kt)" = 2
'
else
	test_skip 'Java keytool reads the key store and the trust store' 'no keytool'
fi

test_expect_success '--extract: certificates and key back as PEM' '
	pkit certificate p12 --extract --password-file p12.pw \
		--key-password-file key.pw www.p12 x.crt x.key &&
	test_mode x.key 600 &&
	grep -q "BEGIN ENCRYPTED PRIVATE KEY" x.key &&
	test "$(grep -c "BEGIN CERTIFICATE" x.crt)" = 2 &&
	pkit certificate fingerprint x.crt >a &&
	pkit certificate fingerprint www.crt >b &&
	test_cmp b a &&
	openssl pkey -in x.key -passin file:key.pw -pubout >a &&
	openssl pkey -in www.key -passin file:key.pw -pubout >b &&
	test_cmp b a
'

test_expect_success '--extract reads openssl-made files, legacy and modern' '
	openssl pkey -in www.key -passin file:key.pw -out plain.key &&
	openssl pkcs12 -export -in www.crt -inkey plain.key -certfile int.crt \
		-passout file:p12.pw -out o.p12 &&
	pkit certificate p12 --extract --password-file p12.pw --no-password \
		--insecure o.p12 o.crt o.key &&
	grep -q "BEGIN PRIVATE KEY" o.key &&
	openssl pkcs12 -export -legacy -in www.crt -inkey plain.key \
		-passout file:p12.pw -out ol.p12 &&
	pkit certificate p12 --extract --password-file p12.pw --no-password \
		--insecure ol.p12 ol.crt ol.key &&
	openssl pkey -in ol.key -pubout >a &&
	openssl pkey -in plain.key -pubout >b &&
	test_cmp b a &&
	pkit certificate p12 --extract np.p12 onlycert.crt &&
	test "$(grep -c "BEGIN CERTIFICATE" onlycert.crt)" = 1 &&
	pkit certificate p12 --extract --password-file p12.pw trust.p12 tcerts.pem &&
	test "$(grep -c "BEGIN CERTIFICATE" tcerts.pem)" = 2
'

test_expect_success '--extract errors: wrong password, no key, not a p12' '
	echo wrong >wrong.pw &&
	test_expect_code 1 pkit certificate p12 --extract --password-file wrong.pw \
		--no-password --insecure www.p12 e.crt e.key 2>err &&
	test_one_line err && grep -q "wrong password" err &&
	test_expect_code 1 pkit certificate p12 --extract www.p12 e.crt e.key 2>err &&
	test_one_line err && grep -q "password-file" err &&
	test_expect_code 1 pkit certificate p12 --extract --password-file p12.pw \
		--no-password --insecure trust.p12 e.crt e.key 2>err &&
	test_one_line err && grep -q "no private key" err &&
	test_expect_code 1 pkit certificate p12 --extract www.crt e.crt 2>err &&
	test_one_line err && grep -q "not a PKCS#12 file" err &&
	test ! -e e.crt && test ! -e e.key
'

test_expect_success 'create errors: mismatch, wrong key password, missing files' '
	test_expect_code 1 pkit certificate p12 --password-file p12.pw \
		int.p12 www.crt int.key 2>err &&
	test_one_line err && grep -q "does not match" err &&
	echo wrong >wrong.pw &&
	test_expect_code 1 pkit certificate p12 --password-file p12.pw \
		--key-password-file wrong.pw bad.p12 www.crt www.key 2>err &&
	test_one_line err &&
	test_expect_code 1 pkit certificate p12 --password-file p12.pw \
		--key-password-file key.pw bad.p12 nope.crt www.key 2>err &&
	test_one_line err && grep -q "nope.crt" err &&
	test_expect_code 1 pkit certificate p12 --password-file p12.pw \
		--ca nope.crt bad.p12 2>err &&
	test_one_line err &&
	test ! -e int.p12 && test ! -e bad.p12 &&
	test_expect_code 1 pkit certificate p12 --password-file p12.pw \
		--key-password-file key.pw www.p12 www.crt www.key 2>err &&
	test_one_line err && grep -q "force" err
'

test_expect_success 'usage errors exit 2' '
	test_expect_code 2 pkit certificate p12 only.p12 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit certificate p12 x.p12 www.crt 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit certificate p12 --extract www.p12 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit certificate p12 --extract --legacy www.p12 a b 2>err &&
	test_one_line err
'

test_done

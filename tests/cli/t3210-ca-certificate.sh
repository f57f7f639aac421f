#!/bin/sh
test_description='ca certificate and ca sign: key, CSR, token, POST /sign, files written atomically'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-caops.sh"

test_expect_success 'setup: a CA with one JWK provisioner, bootstrapped' '
	mkprov admin "admin pw" &&
	echo "admin pw" >pw.txt &&
	signing_ca ca &&
	pkit ca bootstrap --ca-url "$(url ca)" --fingerprint "$(fingerprint root.crt)" 2>err
'
KID=$(cat prov-admin.kid 2>/dev/null)
URL=$(url ca 2>/dev/null)

test_expect_success 'a key and a certificate with the chain, both 0600' '
	pkit ca certificate localhost leaf.crt leaf.key --provisioner-password-file pw.txt >out 2>err &&
	test ! -s out &&
	cat >want <<-EOF &&
	✔ Provisioner: admin (JWK) [kid: $KID]
	✔ CA: $URL
	✔ Certificate: leaf.crt
	✔ Private Key: leaf.key
	EOF
	test_cmp want err &&
	test_mode leaf.crt 600 && test_mode leaf.key 600 &&
	test "$(grep -c "BEGIN CERTIFICATE" leaf.crt)" -eq 2 &&
	openssl verify -CAfile root.crt -untrusted leaf.crt leaf.crt >/dev/null &&
	sed -n "/BEGIN/,/END/p" int.crt >int.pem &&
	awk "/BEGIN/{n++} n==2" leaf.crt | cmp - int.pem
'

test_expect_success 'the key is unencrypted PKCS#8 and matches the certificate' '
	head -1 leaf.key | grep -qx -- "-----BEGIN PRIVATE KEY-----" &&
	pubkey leaf.crt >a && pubkey leaf.key >b && test_cmp a b &&
	openssl pkey -in leaf.key -noout -text | grep -q "ASN1 OID: prime256v1"
'

test_expect_success 'the certificate: CN and SAN the subject, the provisioner named' '
	pkit certificate inspect --short leaf.crt >out &&
	grep -q "^  Subject:     localhost$" out &&
	grep -q "^  Provisioner: admin \[ID: " out &&
	openssl x509 -in leaf.crt -noout -ext subjectAltName | grep -q "DNS:localhost"
'

test_expect_success 'the request: a CSR and a token, nothing else' '
	test "$(body ca 1 "\" \".join(sorted(b))")" = "csr ott" &&
	body ca 1 "b[\"csr\"]" | openssl req -noout -verify 2>/dev/null &&
	body ca 1 "b[\"csr\"]" | openssl req -noout -subject | grep -q "CN *= *localhost" &&
	test "$(claims "$(body ca 1 "b[\"ott\"]")" "c[\"aud\"]")" = "$URL/1.0/sign"
'

test_expect_success '--san, --not-after and --kty' '
	pkit ca certificate web web.crt web.key --san web.example --san 10.0.0.7 \
		--not-after 1h --kty RSA --provisioner-password-file pw.txt 2>err &&
	openssl x509 -in web.crt -noout -ext subjectAltName >sans &&
	grep -q "DNS:web.example" sans && grep -q "IP Address:10.0.0.7" sans &&
	! grep -q "DNS:web$" sans &&
	openssl pkey -in web.key -noout -text | grep -q "Private-Key: (2048 bit" &&
	test "$(body ca 2 "b[\"notAfter\"]")" = "1h0m0s" &&
	test "$(body ca 2 "\"notBefore\" in b")" = False &&
	na=$(openssl x509 -in web.crt -noout -enddate | cut -d= -f2) &&
	nb=$(openssl x509 -in web.crt -noout -startdate | cut -d= -f2) &&
	test $(( $(date -d "$na" +%s) - $(date -d "$nb" +%s) )) -eq 3600
'

test_expect_success 'an Ed25519 key' '
	pkit ca certificate ed ed.crt ed.key --kty OKP --provisioner-password-file pw.txt 2>err &&
	openssl pkey -in ed.key -noout -text | grep -q ED25519 &&
	pubkey ed.crt >a && pubkey ed.key >b && test_cmp a b
'

test_expect_success '--token: no provisioner is needed' '
	n=$(requests ca | wc -l) &&
	T=$(pkit ca token tok.example --provisioner-password-file pw.txt 2>/dev/null) &&
	pkit ca certificate tok.example tok.crt tok.key --token "$T" 2>err &&
	echo "✔ CA: $URL" >want && sed -n 1p err >got && test_cmp want got &&
	test "$(requests ca | tail -1)" = "POST /sign" &&
	test "$(body ca "$(posts ca)" "b[\"ott\"]")" = "$T"
'

test_expect_success 'a token used twice: the CA'"'"'s message, nothing written' '
	T=$(pkit ca token again --provisioner-password-file pw.txt 2>/dev/null) &&
	pkit ca certificate again a1.crt a1.key --token "$T" 2>err &&
	test_expect_code 1 pkit ca certificate again a2.crt a2.key --token "$T" 2>err &&
	test_one_line err &&
	grep -q "$URL/sign: The request lacked necessary authorization to be completed" err &&
	test ! -e a2.crt && test ! -e a2.key
'

test_expect_success 'a token for other names is refused (403), nothing written' '
	T=$(pkit ca token other --provisioner-password-file pw.txt 2>/dev/null) &&
	test_expect_code 1 pkit ca certificate mine m.crt m.key --token "$T" 2>err &&
	test_one_line err &&
	grep -q "forbidden" err &&
	test ! -e m.crt && test ! -e m.key
'

test_expect_success 'existing files need --force; nothing is asked of the CA before' '
	cp leaf.crt leaf.crt.orig && cp leaf.key leaf.key.orig &&
	n=$(posts ca) &&
	test_expect_code 1 pkit ca certificate localhost leaf.crt leaf.key --provisioner-password-file pw.txt 2>err &&
	test_one_line err && grep -q "leaf.crt: file exists (use --force to overwrite)" err &&
	test_expect_code 1 pkit ca certificate localhost new.crt leaf.key --provisioner-password-file pw.txt 2>err &&
	test_one_line err && grep -q "leaf.key: file exists" err && test ! -e new.crt &&
	test "$(posts ca)" -eq "$n" &&
	cmp leaf.crt leaf.crt.orig && cmp leaf.key leaf.key.orig &&
	pkit ca certificate localhost leaf.crt leaf.key --force --provisioner-password-file pw.txt 2>err &&
	! cmp -s leaf.key leaf.key.orig &&
	pubkey leaf.crt >a && pubkey leaf.key >b && test_cmp a b
'

test_expect_success 'usage errors: exit 2, one line, no request' '
	n=$(posts ca) &&
	test_expect_code 2 pkit ca certificate x same same 2>err && test_one_line err &&
	test_expect_code 2 pkit ca certificate x x.crt x.key --token T --provisioner admin 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit ca certificate x x.crt x.key --not-after someday 2>err &&
	test_one_line err && grep -q -- "--not-after" err &&
	test_expect_code 2 pkit ca certificate x x.crt x.key --kty DSA 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit ca certificate x x.crt 2>err && test_one_line err &&
	test_expect_code 2 pkit ca certificate x - x.key 2>err && test_one_line err &&
	test "$(posts ca)" -eq "$n" && test ! -e x.crt && test ! -e x.key
'

test_expect_success 'a short RSA key is refused before anything is sent' '
	test_expect_code 1 pkit ca certificate x x.crt x.key --kty RSA --size 1024 \
		--provisioner-password-file pw.txt 2>err &&
	test_one_line err && test ! -e x.crt && test ! -e x.key
'

test_expect_success 'the CA down: one line, no files' '
	test_expect_code 1 pkit ca certificate x x.crt x.key --ca-url https://127.0.0.1:1 \
		--token T 2>err &&
	test_one_line err && test ! -e x.crt && test ! -e x.key
'

test_expect_success 'a CA that answers for another key is not believed' '
	T=$(pkit ca token stolen --provisioner-password-file pw.txt 2>/dev/null) &&
	openssl x509 -in leaf.crt >first.pem &&
	"$SYS_PYTHON" -c "import json; print(json.dumps({\"crt\": open(\"first.pem\").read(), \"ca\": open(\"int.crt\").read()}))" >resp.json &&
	route ca /sign 201 "$(cat resp.json)" &&
	test_expect_code 1 pkit ca certificate stolen s.crt s.key --token "$T" 2>err &&
	rm -f ca.routes &&
	test_one_line err && grep -q "the CA returned a certificate for another key" err &&
	test ! -e s.crt && test ! -e s.key
'

test_expect_success 'a malformed answer: one line, no files' '
	route ca /sign 201 "{\"crt\": \"nonsense\"}" &&
	test_expect_code 1 pkit ca certificate bad b.crt b.key --token T 2>err &&
	rm -f ca.routes &&
	test_one_line err && test ! -e b.crt && test ! -e b.key
'

test_expect_success 'ca sign: a certificate for an existing CSR, SANs from the CSR' '
	pkit certificate create --csr --no-password --insecure --san app.example \
		--san 10.1.2.3 app.example app.csr app.key 2>/dev/null &&
	pkit ca sign app.csr app.crt --provisioner-password-file pw.txt >out 2>err &&
	test ! -s out &&
	cat >want <<-EOF &&
	✔ Provisioner: admin (JWK) [kid: $KID]
	✔ CA: $URL
	✔ Certificate: app.crt
	EOF
	test_cmp want err &&
	test_mode app.crt 600 &&
	pubkey app.crt >a && pubkey app.key >b && test_cmp a b &&
	openssl x509 -in app.crt -noout -ext subjectAltName >sans &&
	grep -q "DNS:app.example" sans && grep -q "IP Address:10.1.2.3" sans &&
	T=$(body ca "$(posts ca)" "b[\"ott\"]") &&
	test "$(claims "$T" "\" \".join(c[\"sans\"])")" = "app.example 10.1.2.3" &&
	test "$(claims "$T" "c[\"sub\"]")" = app.example
'

test_expect_success 'ca sign: --force, --not-after, --token' '
	test_expect_code 1 pkit ca sign app.csr app.crt --provisioner-password-file pw.txt 2>err &&
	test_one_line err && grep -q -- "--force" err &&
	T=$(pkit ca token app.example --san app.example --san 10.1.2.3 \
		--provisioner-password-file pw.txt 2>/dev/null) &&
	pkit ca sign --force --token "$T" --not-after 2h app.csr app.crt 2>err &&
	test "$(body ca "$(posts ca)" "b[\"notAfter\"]")" = "2h0m0s"
'

test_expect_success 'ca sign: a CSR without names, a broken one, a forged one, a missing one' '
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout nn.key -out nn.csr -subj "/O=Nobody" 2>/dev/null &&
	test_expect_code 1 pkit ca sign nn.csr nn.crt --token T 2>err &&
	test_one_line err && grep -q "nn.csr: the request has neither a common name nor a SAN" err &&
	echo garbage >bad.csr &&
	test_expect_code 1 pkit ca sign bad.csr bad.crt --token T 2>err &&
	test_one_line err && grep -q "bad.csr" err &&
	openssl req -in app.csr -outform DER -out app.der &&
	"$SYS_PYTHON" -c "import sys; d = bytearray(open(\"app.der\", \"rb\").read()); d[-5] ^= 1; open(\"forged.der\", \"wb\").write(d)" &&
	test_expect_code 1 pkit ca sign forged.der f.crt --token T 2>err &&
	test_one_line err && grep -q "forged.der" err &&
	test_expect_code 1 pkit ca sign nope.csr n.crt --token T 2>err &&
	test_one_line err && grep -q "nope.csr" err &&
	test ! -e nn.crt && test ! -e bad.crt && test ! -e f.crt && test ! -e n.crt
'

test_done

#!/bin/sh
test_description='certificate sign: CSRs from openssl and pkit, profiles, templates, refusals'
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: a root and an intermediate' '
	echo "ca pass" >ca.pw &&
	pkit certificate create --profile root-ca --password-file ca.pw \
		"Sign Root" root.crt root.key &&
	pkit certificate create --profile intermediate-ca --ca root.crt \
		--ca-key root.key --ca-password-file ca.pw --password-file ca.pw \
		"Sign Intermediate" int.crt int.key
'

test_expect_success 'sign an openssl RSA CSR: PEM on stdout, subject and SANs kept' '
	openssl req -new -newkey rsa:2048 -nodes -keyout o.key \
		-subj "/C=DE/O=Acme/CN=openssl.example" \
		-addext "subjectAltName=DNS:openssl.example,DNS:alt.example,IP:10.0.0.1" \
		-out o.csr 2>/dev/null &&
	pkit certificate sign --password-file ca.pw o.csr int.crt int.key >o.crt 2>err &&
	test ! -s err &&
	test "$(grep -c "BEGIN CERTIFICATE" o.crt)" = 1 &&
	openssl x509 -in o.crt -noout -text >text &&
	grep -q "Subject: C = DE, O = Acme, CN = openssl.example" text &&
	grep -q "DNS:openssl.example, DNS:alt.example, IP Address:10.0.0.1" text &&
	grep -A1 "Key Usage: critical" text | grep -q "Digital Signature, Key Encipherment" &&
	grep -q "TLS Web Server Authentication, TLS Web Client Authentication" text &&
	openssl verify -CAfile root.crt -untrusted int.crt -purpose sslserver o.crt &&
	openssl x509 -in o.crt -noout -pubkey >a &&
	openssl pkey -in o.key -pubout >b &&
	test_cmp a b
'

test_expect_success 'sign an openssl EC CSR in DER; --bundle appends the issuer' '
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout e.key -subj "/CN=ec.example" -outform DER -out e.der 2>/dev/null &&
	pkit certificate sign --bundle --password-file ca.pw e.der int.crt int.key >e.crt &&
	test "$(grep -c "BEGIN CERTIFICATE" e.crt)" = 2 &&
	openssl verify -CAfile root.crt -untrusted e.crt e.crt
'

test_expect_success 'sign a pkit CSR; --not-after sets the validity' '
	pkit certificate create --csr --no-password --insecure p.example p.csr p.key &&
	pkit certificate sign --not-after 1h --password-file ca.pw p.csr int.crt int.key >p.crt &&
	nb=$(date -d "$(openssl x509 -noout -startdate -in p.crt | cut -d= -f2)" +%s) &&
	na=$(date -d "$(openssl x509 -noout -enddate -in p.crt | cut -d= -f2)" +%s) &&
	test $((na - nb)) -le 3600 && test $((na - nb)) -ge 3590 &&
	openssl verify -CAfile root.crt -untrusted int.crt p.crt
'

test_expect_success '--profile intermediate-ca with --path-len' '
	pkit certificate create --csr --no-password --insecure "Sub CA" sub.csr sub.key &&
	test_expect_code 1 pkit certificate sign --profile intermediate-ca \
		--password-file ca.pw sub.csr int.crt int.key >sub.crt 2>err &&
	test_one_line err && grep -q "pathLenConstraint is 0" err &&
	test_expect_code 1 pkit certificate sign --profile intermediate-ca \
		--path-len 1 --password-file ca.pw sub.csr root.crt root.key \
		>sub.crt 2>err &&
	test_one_line err && grep -q "pathLenConstraint is 1, so at most 0" err &&
	pkit certificate sign --profile intermediate-ca --password-file ca.pw \
		sub.csr root.crt root.key >sub.crt &&
	openssl x509 -in sub.crt -noout -text >text &&
	grep -A1 "Basic Constraints: critical" text | grep -q "CA:TRUE, pathlen:0" &&
	openssl verify -CAfile root.crt sub.crt
'

test_expect_success '--profile csr keeps the CSR extensions (and adds none)' '
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout c.key -subj "/CN=client" \
		-addext "extendedKeyUsage=clientAuth" \
		-addext "keyUsage=critical,digitalSignature" -out c.csr 2>/dev/null &&
	pkit certificate sign --profile csr --password-file ca.pw c.csr int.crt int.key >c.crt &&
	openssl x509 -in c.crt -noout -text >text &&
	grep -A1 "Extended Key Usage" text | grep -q "^ *TLS Web Client Authentication$" &&
	! grep -q "Subject Alternative Name" text &&
	openssl verify -CAfile root.crt -untrusted int.crt -purpose sslclient c.crt
'

test_expect_success '--template sees the CSR as .Insecure.CR (step example)' '
	cat >coyote.tpl <<-\EOF &&
	{
		"subject": {
			"country": "US",
			"organization": "Coyote Corporation",
			"commonName": "{{ .Subject.CommonName }}"
		},
		"emailAddresses": {{ toJson .Insecure.CR.EmailAddresses }},
		"keyUsage": ["digitalSignature"],
		"extKeyUsage": ["clientAuth"]
	}
	EOF
	pkit certificate create --csr --no-password --insecure coyote@acme.example \
		coyote.csr coyote.key &&
	pkit certificate sign --template coyote.tpl --password-file ca.pw \
		coyote.csr int.crt int.key >coyote.crt &&
	openssl x509 -in coyote.crt -noout -text >text &&
	grep -q "Subject: C = US, O = Coyote Corporation, CN = coyote@acme.example" text &&
	grep -q "email:coyote@acme.example" text &&
	grep -q "TLS Web Client Authentication" text
'

test_expect_success '--set data reaches a sign template' '
	echo "{\"subject\": {\"commonName\": {{ toJson .Insecure.User.name }}}}" >u.tpl &&
	pkit certificate sign --template u.tpl --set name=renamed --password-file ca.pw \
		p.csr int.crt int.key >u.crt &&
	openssl x509 -in u.crt -noout -subject | grep -q "CN = renamed"
'

test_expect_success 'a CSR whose signature does not verify is refused' '
	openssl req -in o.csr -outform DER -out o.der &&
	"$SYS_PYTHON" -c "import sys; d=bytearray(open(\"o.der\",\"rb\").read()); d[-5]^=1; open(\"t.der\",\"wb\").write(d)" &&
	test_expect_code 1 pkit certificate sign --password-file ca.pw t.der int.crt int.key >out 2>err &&
	test ! -s out &&
	test_one_line err &&
	grep -q "t.der: the CSR.s signature does not verify" err
'

test_expect_success 'errors: missing CSR, malformed CSR, wrong password, mismatched key' '
	test_expect_code 1 pkit certificate sign nope.csr int.crt int.key >out 2>err &&
	test_one_line err && grep -q "nope.csr" err &&
	echo "not a csr" >junk.csr &&
	test_expect_code 1 pkit certificate sign --password-file ca.pw junk.csr int.crt int.key >out 2>err &&
	test_one_line err && grep -q "junk.csr" err &&
	echo wrong >wrong.pw &&
	test_expect_code 1 pkit certificate sign --password-file wrong.pw p.csr int.crt int.key >out 2>err &&
	test_one_line err && grep -q "int.key" err &&
	test_expect_code 1 pkit certificate sign --password-file ca.pw p.csr int.crt root.key >out 2>err &&
	test_one_line err && grep -q "does not match" err &&
	test_expect_code 1 pkit certificate sign --password-file ca.pw p.csr o.crt o.key >out 2>err &&
	test_one_line err && grep -q "not a certificate authority" err &&
	test ! -s out
'

test_expect_success 'usage errors exit 2' '
	test_expect_code 2 pkit certificate sign p.csr int.crt 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit certificate sign --profile nope p.csr int.crt int.key 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit certificate sign --path-len 1 p.csr int.crt int.key 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit certificate sign --profile csr --template u.tpl p.csr int.crt int.key 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit certificate sign --profile intermediate-ca --path-len -2 \
		p.csr int.crt int.key 2>err &&
	test_one_line err
'

test_done

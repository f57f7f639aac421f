#!/bin/sh
test_description='certificate create: profiles, SANs, keys, validity, CSRs, templates and errors'
. "$(dirname "$0")/lib.sh"

# seconds between notBefore and notAfter of a certificate
lifetime() {
	nb=$(date -d "$(openssl x509 -noout -startdate -in "$1" | cut -d= -f2)" +%s) &&
	na=$(date -d "$(openssl x509 -noout -enddate -in "$1" | cut -d= -f2)" +%s) &&
	echo $((na - nb))
}

# no files left behind by a failed command
test_no_files() {
	for f in "$@"; do
		if test -e "$f"; then echo "unexpected file $f" >&2; return 1; fi
	done
	! ls .*.tmp.* *.tmp.* >/dev/null 2>&1
}

test_expect_success 'setup passwords' '
	echo "root pass" >root.pw &&
	echo "int pass" >int.pw &&
	echo "leaf pass" >leaf.pw
'

test_expect_success 'root-ca: self-signed CA, pathlen 1, 10 years, encrypted key' '
	pkit certificate create --profile root-ca --password-file root.pw \
		"Example Root" root.crt root.key 2>err &&
	grep -q "saved in root.crt" err &&
	test_mode root.crt 644 &&
	test_mode root.key 600 &&
	grep -q "BEGIN ENCRYPTED PRIVATE KEY" root.key &&
	openssl pkey -in root.key -passin file:root.pw -noout &&
	openssl x509 -in root.crt -noout -text >text &&
	grep -q "Subject: CN = Example Root" text &&
	grep -q "Issuer: CN = Example Root" text &&
	grep -A1 "Basic Constraints: critical" text | grep -q "CA:TRUE, pathlen:1" &&
	grep -A1 "Key Usage: critical" text | grep -q "Certificate Sign, CRL Sign" &&
	grep -q "Subject Key Identifier" text &&
	! grep -q "Authority Key Identifier" text &&
	! grep -q "Subject Alternative Name" text &&
	grep -q "Signature Algorithm: ecdsa-with-SHA256" text &&
	test "$(lifetime root.crt)" = $((87600 * 3600)) &&
	openssl verify -CAfile root.crt root.crt
'

test_expect_success 'intermediate-ca: pathlen 0, AKI is the root SKI' '
	pkit certificate create --profile intermediate-ca --ca root.crt \
		--ca-key root.key --ca-password-file root.pw --password-file int.pw \
		"Example Intermediate" int.crt int.key &&
	openssl x509 -in int.crt -noout -text >text &&
	grep -A1 "Basic Constraints: critical" text | grep -q "CA:TRUE, pathlen:0" &&
	grep -q "Issuer: CN = Example Root" text &&
	ski=$(openssl x509 -in root.crt -noout -text | grep -A1 "Subject Key Identifier" | tail -1 | tr -d " ") &&
	aki=$(grep -A1 "Authority Key Identifier" text | tail -1 | tr -d " " | sed "s/^keyid://") &&
	test -n "$ski" && test "$ski" = "$aki" &&
	test "$(lifetime int.crt)" = $((87600 * 3600)) &&
	openssl verify -CAfile root.crt int.crt
'

test_expect_success 'leaf: SAN defaults to the subject, 24h, serverAuth+clientAuth' '
	pkit certificate create --ca int.crt --ca-key int.key \
		--ca-password-file int.pw --no-password --insecure \
		www.example.com www.crt www.key &&
	grep -q "BEGIN PRIVATE KEY" www.key &&
	test_mode www.key 600 &&
	openssl x509 -in www.crt -noout -text >text &&
	grep -A1 "Subject Alternative Name" text | grep -q "DNS:www.example.com" &&
	grep -A1 "Key Usage: critical" text | grep -q "^ *Digital Signature$" &&
	grep -A1 "Extended Key Usage" text |
		grep -q "TLS Web Server Authentication, TLS Web Client Authentication" &&
	! grep -q "Basic Constraints" text &&
	grep -q "Authority Key Identifier" text &&
	test "$(lifetime www.crt)" = 86400 &&
	openssl verify -CAfile root.crt -untrusted int.crt -purpose sslserver \
		-verify_hostname www.example.com www.crt
'

test_expect_success 'serial numbers are random, positive and at most 17 octets' '
	s1=$(openssl x509 -in www.crt -noout -serial | cut -d= -f2) &&
	s2=$(openssl x509 -in int.crt -noout -serial | cut -d= -f2) &&
	test "$s1" != "$s2" &&
	test ${#s1} -ge 16 && test ${#s1} -le 34
'

test_expect_success '--san: DNS, IP, email and URI are detected' '
	pkit certificate create --ca int.crt --ca-key int.key \
		--ca-password-file int.pw --no-password --insecure \
		--san a.example --san 192.0.2.10 --san 2001:db8::1 \
		--san jane@example.com --san spiffe://example.org/svc \
		"Service A" sans.crt sans.key &&
	openssl x509 -in sans.crt -noout -ext subjectAltName >san &&
	grep -q "DNS:a.example, email:jane@example.com, IP Address:192.0.2.10, IP Address:2001:DB8:0:0:0:0:0:1, URI:spiffe://example.org/svc" san &&
	openssl verify -CAfile root.crt -untrusted int.crt -verify_ip 192.0.2.10 sans.crt
'

test_expect_success 'a subject that is not a name gets no default SAN' '
	pkit certificate create --profile self-signed --no-password --insecure \
		"My Laptop" ss.crt ss.key &&
	! openssl x509 -in ss.crt -noout -text | grep -q "Subject Alternative Name" &&
	openssl x509 -in ss.crt -noout -text | grep -q "Extended Key Usage" &&
	openssl verify -CAfile ss.crt ss.crt
'

test_expect_success 'key types: RSA (keyEncipherment), P-384, Ed25519' '
	pkit certificate create --profile self-signed --kty RSA --size 3072 \
		--no-password --insecure rsa.example rsa.crt rsa.key &&
	openssl x509 -in rsa.crt -noout -text >text &&
	grep -q "Public-Key: (3072 bit)" text &&
	grep -q "Signature Algorithm: sha256WithRSAEncryption" text &&
	grep -A1 "Key Usage: critical" text | grep -q "Digital Signature, Key Encipherment" &&
	pkit certificate create --profile self-signed --kty EC --crv P-384 \
		--no-password --insecure p384.example p384.crt p384.key &&
	openssl x509 -in p384.crt -noout -text | grep -q "ecdsa-with-SHA384" &&
	pkit certificate create --profile root-ca --kty OKP --crv Ed25519 \
		--no-password --insecure "Ed Root" ed.crt ed.key &&
	openssl x509 -in ed.crt -noout -text | grep -q "Signature Algorithm: ED25519" &&
	openssl verify -CAfile ed.crt ed.crt
'

test_expect_success '--not-before and --not-after: durations and RFC 3339' '
	pkit certificate create --ca int.crt --ca-key int.key \
		--ca-password-file int.pw --no-password --insecure \
		--not-before -1h --not-after 2160h short.example v1.crt v1.key &&
	test "$(lifetime v1.crt)" = $((2161 * 3600)) &&
	pkit certificate create --ca int.crt --ca-key int.key \
		--ca-password-file int.pw --no-password --insecure \
		--not-before 2030-01-01T00:00:00Z --not-after 2030-01-02T12:00:00+02:00 \
		future.example v2.crt v2.key &&
	openssl x509 -in v2.crt -noout -startdate | grep -q "Jan  1 00:00:00 2030 GMT" &&
	openssl x509 -in v2.crt -noout -enddate | grep -q "Jan  2 10:00:00 2030 GMT"
'

test_expect_success '--key reuses an existing (encrypted) key' '
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
		-aes256 -pass file:leaf.pw -out own.key 2>/dev/null &&
	pkit certificate create --ca int.crt --ca-key int.key \
		--ca-password-file int.pw --key own.key --password-file leaf.pw \
		own.example own.crt &&
	openssl x509 -in own.crt -noout -pubkey >a &&
	openssl pkey -in own.key -passin file:leaf.pw -pubout >b &&
	test_cmp a b
'

test_expect_success '--bundle writes the leaf then the issuer' '
	pkit certificate create --ca int.crt --ca-key int.key \
		--ca-password-file int.pw --no-password --insecure --bundle \
		b.example b.crt b.key &&
	test "$(grep -c "BEGIN CERTIFICATE" b.crt)" = 2 &&
	awk "/BEGIN/ { n++ } n == 2" b.crt >second &&
	openssl x509 -in second -noout -fingerprint >f1 &&
	openssl x509 -in int.crt -noout -fingerprint >f2 &&
	test_cmp f1 f2 &&
	openssl verify -CAfile root.crt -untrusted b.crt b.crt
'

test_expect_success '--csr writes a CSR that openssl verifies' '
	pkit certificate create --csr --no-password --insecure \
		--san host.example --san 10.1.2.3 host.example host.csr host.key &&
	grep -q "BEGIN CERTIFICATE REQUEST" host.csr &&
	openssl req -in host.csr -verify -noout -text >text 2>&1 &&
	grep -q "verify OK" text &&
	grep -q "Subject: CN = host.example" text &&
	grep -q "DNS:host.example, IP Address:10.1.2.3" text
'

test_expect_success '--template with --set and --set-file (step example)' '
	cat >int.tpl <<-\EOF &&
	{
		"subject": {
			"country": {{ toJson .Insecure.User.country }},
			"organization": {{ toJson .Insecure.User.organization }},
			"organizationalUnit": {{ toJson .Insecure.User.organizationUnit }},
			"commonName": {{ toJson .Subject.CommonName }}
		},
		"keyUsage": ["certSign", "crlSign"],
		"basicConstraints": {
			"isCA": true,
			"maxPathLen": 1
		}
	}
	EOF
	cat >org.json <<-\EOF &&
	{"country": "US", "organization": "Acme Corporation", "organizationUnit": "HQ"}
	EOF
	pkit certificate create --template int.tpl --ca root.crt --ca-key root.key \
		--ca-password-file root.pw --set-file org.json \
		--set organizationUnit=Engineering --no-password --insecure \
		"Acme Intermediate" tpl.crt tpl.key &&
	openssl x509 -in tpl.crt -noout -subject >subj &&
	grep -q "C = US, O = Acme Corporation, OU = Engineering, CN = Acme Intermediate" subj &&
	openssl x509 -in tpl.crt -noout -text | grep -A1 "Basic Constraints" | grep -q "pathlen:1" &&
	test "$(lifetime tpl.crt)" = 86400 &&
	openssl verify -CAfile root.crt tpl.crt
'

test_expect_success '--template for a CSR with conditionals and SANs' '
	cat >csr.tpl <<-\EOF &&
	{
		"subject": {"organization": "Coyote", "commonName": "{{ .Subject.CommonName }}"},
	{{- if .Insecure.User.client }}
		"extKeyUsage": ["clientAuth"],
	{{- end }}
		"sans": {{ toJson .SANs }}
	}
	EOF
	pkit certificate create --csr --template csr.tpl --set client=true \
		--san coyote@acme.example --no-password --insecure \
		"Wile E. Coyote" coyote.csr coyote.key &&
	openssl req -in coyote.csr -noout -text >text &&
	grep -q "O = Coyote, CN = Wile E. Coyote" text &&
	grep -q "email:coyote@acme.example" text &&
	grep -q "TLS Web Client Authentication" text
'

# template_fails TEMPLATE MESSAGE: create with TEMPLATE (in bad.tpl)
# exits 1 with one line on standard error, and that line holds MESSAGE.
template_fails() {
	echo "$1" >bad.tpl &&
	test_expect_code 1 pkit certificate create --template bad.tpl \
		--no-password --insecure x bad.crt bad.key 2>err &&
	test_one_line err &&
	grep -q "$2" err
}

test_expect_success 'template errors: one line, exit 1, no files' '
	template_fails "{ \"subject\": {{ nosuch .Subject }} }" \
		"bad.tpl:1: function \"nosuch\" not defined" &&
	template_fails "{ \"subject\": {{ .Subject " "unclosed action" &&
	template_fails "{ \"keyUsages\": [] }" "unknown field \"keyUsages\"" &&
	template_fails "{ \"subject\": \"{{ .Insecure.User.x }}\" x" \
		"not valid JSON" &&
	test_no_files bad.crt bad.key
'

test_expect_success 'a missing or malformed CA file: one line, exit 1, no files' '
	test_expect_code 1 pkit certificate create --ca nope.crt --ca-key int.key \
		--no-password --insecure x.example x.crt x.key 2>err &&
	test_one_line err &&
	grep -q "nope.crt" err &&
	echo "-----BEGIN CERTIFICATE-----" >garbage.crt &&
	echo "AAAA" >>garbage.crt &&
	echo "-----END CERTIFICATE-----" >>garbage.crt &&
	test_expect_code 1 pkit certificate create --ca garbage.crt --ca-key int.key \
		--no-password --insecure x.example x.crt x.key 2>err &&
	test_one_line err &&
	test_no_files x.crt x.key
'

test_expect_success 'a wrong CA key password: one line, exit 1, no files' '
	echo wrong >wrong.pw &&
	test_expect_code 1 pkit certificate create --ca int.crt --ca-key int.key \
		--ca-password-file wrong.pw --no-password --insecure \
		x.example x.crt x.key 2>err &&
	test_one_line err &&
	grep -qi "password" err &&
	test_no_files x.crt x.key
'

test_expect_success 'a --ca-key that does not match --ca: exit 1, no files' '
	test_expect_code 1 pkit certificate create --ca int.crt --ca-key root.key \
		--ca-password-file root.pw --no-password --insecure \
		x.example x.crt x.key 2>err &&
	test_one_line err &&
	grep -q "does not match" err &&
	test_no_files x.crt x.key
'

test_expect_success 'an issuer that is not a CA is refused' '
	test_expect_code 1 pkit certificate create --ca www.crt --ca-key www.key \
		--no-password --insecure x.example x.crt x.key 2>err &&
	test_one_line err &&
	grep -q "not a certificate authority" err &&
	test_expect_code 1 pkit certificate create --profile intermediate-ca \
		--ca int.crt --ca-key int.key --ca-password-file int.pw \
		--no-password --insecure "Sub CA" x.crt x.key 2>err &&
	test_one_line err &&
	grep -q "pathLenConstraint is 0" err &&
	test_no_files x.crt x.key
'

test_expect_success '--not-after before --not-before: exit 1, no files' '
	test_expect_code 1 pkit certificate create --profile self-signed \
		--not-before 2h --not-after 1h --no-password --insecure \
		x.example x.crt x.key 2>err &&
	test_one_line err &&
	grep -q "not-after" err &&
	test_expect_code 1 pkit certificate create --profile self-signed \
		--not-after tomorrow --no-password --insecure \
		x.example x.crt x.key 2>err &&
	test_one_line err &&
	test_no_files x.crt x.key
'

test_expect_success 'usage errors exit 2 with one line' '
	test_expect_code 2 pkit certificate create --no-password x.example x.crt x.key 2>err &&
	test_one_line err && grep -q "insecure" err &&
	test_expect_code 2 pkit certificate create --no-password --insecure x.example x.crt x.key 2>err &&
	test_one_line err && grep -q "needs --ca" err &&
	test_expect_code 2 pkit certificate create --csr --ca int.crt --ca-key int.key \
		--no-password --insecure x.example x.csr x.key 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit certificate create --profile root-ca --ca int.crt \
		--ca-key int.key --no-password --insecure R x.crt x.key 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit certificate create --profile nope x x.crt x.key 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit certificate create --profiel leaf x x.crt x.key 2>err &&
	test_one_line err && grep -q "did you mean .--profile." err &&
	test_expect_code 2 pkit certificate create x.example x.crt 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit certificate create x.example same same 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit certificate create --profile self-signed \
		--key own.key --kty RSA x y.crt 2>err &&
	test_one_line err &&
	test_no_files x.crt x.key x.csr y.crt
'

test_expect_success 'an invalid --san: exit 1 naming the flag' '
	test_expect_code 1 pkit certificate create --profile self-signed \
		--san "not a name" --no-password --insecure x x.crt x.key 2>err &&
	test_one_line err &&
	grep -q "^pkit: --san: .not a name. is not a valid DNS name" err &&
	test_no_files x.crt x.key
'

test_expect_success 'existing files are kept without --force, replaced with it' '
	cp www.crt keep.crt &&
	test_expect_code 1 pkit certificate create --profile self-signed \
		--no-password --insecure www.example.com www.crt new.key 2>err &&
	test_one_line err &&
	grep -q "use --force" err &&
	cmp www.crt keep.crt &&
	test_no_files new.key &&
	pkit certificate create --profile self-signed -f \
		--no-password --insecure www.example.com www.crt www.key &&
	! cmp -s www.crt keep.crt
'

test_expect_success 'without a terminal the key password must come from a file' '
	test_expect_code 1 pkit certificate create --profile self-signed \
		p.example p.crt p.key 2>err &&
	test_one_line err &&
	grep -q "password-file" err &&
	test_no_files p.crt p.key
'

test_done

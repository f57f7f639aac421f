#!/bin/sh
test_description='pkit ca serve: provisioner certificate templates

A provisioner'"'"'s options.x509.template (inline or templateFile) sees
step-ca'"'"'s data: .Subject, .SANs, .Token (every claim), the
provisioner'"'"'s templateData, .Insecure.CR (the CSR) and .Insecure.User
(the request'"'"'s templateData); it sets key usage, EKU, SANs and custom
extensions by OID, and openssl x509 -text shows them.'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-ca.sh"
. "$TEST_SRC_DIR/lib-casign.sh"
. "$TEST_SRC_DIR/lib-capolicy.sh"

capolicy_setup

# The template: an email SAN from a token claim, a custom extension whose
# value (a DER UTF8String, base64) comes from the provisioner's
# templateData, an OU from the request's templateData, the CSR's DNS names.
cat >leaf.tpl <<\EOF
{
	"subject": {
		"commonName": {{ toJson .Subject.CommonName }},
		"organization": {{ toJson .org }},
		"organizationalUnit": {{ toJson (required "templateData.team is required" .Insecure.User.team) }}
	},
	"dnsNames": {{ toJson .Insecure.CR.dnsNames }},
	"emailAddresses": [{{ toJson .Token.email }}],
	"keyUsage": ["digitalSignature", "keyAgreement"],
	"extKeyUsage": ["clientAuth", "codeSigning"],
	"extensions": [
		{"id": "1.3.6.1.4.1.55555.7.1", "critical": false, "value": {{ toJson .extValue }}}
	]
}
EOF

test_expect_success 'setup: the admin provisioner gets the template and templateData' '
	set_json "p = d[\"authority\"][\"provisioners\"][0]
p[\"options\"] = {\"x509\": {\"template\": open(\"leaf.tpl\").read(),
	\"templateData\": {\"org\": \"Template Org\", \"extValue\": \"DAdwa2l0LW9r\"}}}" &&
	ca_start --password-file pw.txt
'

test_expect_success 'the certificate has what the template says' '
	CLAIMS="\"email\": \"dev@example.com\"" \
	SIGN_EXTRA="{\"templateData\": {\"team\": \"blue\"}}" \
		sign_names tpl.localhost tpl.localhost >st &&
	test "$(cat st)" = 201 &&
	crt_of out tpl.crt &&
	verify_chain tpl.crt &&
	openssl x509 -in tpl.crt -noout -text >text &&
	grep -q "Subject: .*O = Template Org, OU = blue, CN = tpl.localhost" text &&
	grep -q "DNS:tpl.localhost, email:dev@example.com" text &&
	grep -q "Digital Signature, Key Agreement" text &&
	grep -q "TLS Web Client Authentication, Code Signing" text &&
	grep -A1 "1.3.6.1.4.1.55555.7.1:" text | grep -q "pkit-ok" &&
	grep -q "1.3.6.1.4.1.37476.9000.64.1:" text
'

test_expect_success 'a template failing on missing data is a 400 and nothing is issued' '
	CLAIMS="\"email\": \"dev@example.com\"" sign_names nouser.localhost nouser.localhost >st &&
	test "$(cat st)" = 400 &&
	jget out "d[\"status\"]" >status &&
	test "$(cat status)" = 400
'

test_expect_success 'templateFile works the same, after a reload' '
	sed "s/codeSigning/emailProtection/" leaf.tpl >"$PKITPATH/leaf2.tpl" &&
	set_json "p = d[\"authority\"][\"provisioners\"][0]
del p[\"options\"][\"x509\"][\"template\"]
p[\"options\"][\"x509\"][\"templateFile\"] = \"leaf2.tpl\"" &&
	reload &&
	CLAIMS="\"email\": \"ops@example.com\"" \
	SIGN_EXTRA="{\"templateData\": {\"team\": \"red\"}}" \
		sign_names file.localhost file.localhost >st &&
	test "$(cat st)" = 201 &&
	crt_of out file.crt &&
	openssl x509 -in file.crt -noout -text >text &&
	grep -q "OU = red" text &&
	grep -q "email:ops@example.com" text &&
	grep -q "TLS Web Client Authentication, E-mail Protection" text
'

test_expect_success 'a policy sees the names the template added' '
	set_policy authority "{\"x509\": {\"allow\": {\"dns\": [\"*.localhost\"]},
		\"deny\": {\"email\": [\"ops@example.com\"]}}}" &&
	reload &&
	CLAIMS="\"email\": \"ops@example.com\"" \
	SIGN_EXTRA="{\"templateData\": {\"team\": \"red\"}}" \
		sign_names pol.localhost pol.localhost >st &&
	test "$(cat st)" = 403 &&
	refused "email name \"ops@example.com\" not allowed"
'

test_expect_success 'a template that does not parse stops the start, naming it' '
	ca_stop &&
	echo "{ {{ .Subject " >"$PKITPATH/leaf2.tpl" &&
	test_must_fail pkit ca serve --password-file pw.txt 2>err &&
	test_one_line err &&
	grep -q "leaf2.tpl" err
'

test_done

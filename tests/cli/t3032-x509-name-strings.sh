#!/bin/sh
test_description='names in certificates encoded as Go (step) encodes them: PrintableString when the value allows it, else UTF8String; compared with step 0.19'"'"'s certificates'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-ca.sh"

# step 0.19's certificates (research/step-0.19-captures).
CAPT=$TEST_DATA/stepca-0.19

# strings FILE: "TYPE :value" for each string of the certificate's names
# (issuer, then subject), from openssl asn1parse.
strings_of() {
	openssl asn1parse -in "$1" |
		grep -A1 "OBJECT *:\(commonName\|organizationName\|countryName\|organizationalUnitName\|localityName\|stateOrProvinceName\|emailAddress\|serialNumber\)$" |
		grep "prim: [A-Z0-9]*STRING" |
		sed "s/^.*prim: *//; s/ *:/ :/"
}

# cn_type FILE: the string type of the subject's (last) common name.
cn_type() {
	strings_of "$1" | tail -n 1 | cut -d" " -f1
}

test_expect_success 'certificate create: printable names are PrintableString' '
	pkit certificate create --profile root-ca "Test Root CA" r.crt r.key \
		--no-password --insecure &&
	strings_of r.crt >out &&
	printf "PRINTABLESTRING :Test Root CA\nPRINTABLESTRING :Test Root CA\n" >want &&
	test_cmp want out
'

test_expect_success 'what PrintableString cannot hold is UTF8String (Go: *, &, @, non-ASCII)' '
	for cn in "*.example.com" "a&b" "ops@example.com" "café" "Ünïcode"
	do
		pkit certificate create --ca r.crt --ca-key r.key "$cn" l.crt l.key \
			--no-password --insecure --force --san example.com &&
		test "$(cn_type l.crt)" = UTF8STRING || { echo "$cn: $(cn_type l.crt)"; return 1; }
	done &&
	for cn in "host-1.example.com" "Acme (EU), Inc." "a=b/c:d?e+f" "O'"'"'Brien"
	do
		pkit certificate create --ca r.crt --ca-key r.key "$cn" l.crt l.key \
			--no-password --insecure --force --san example.com &&
		test "$(cn_type l.crt)" = PRINTABLESTRING || { echo "$cn: $(cn_type l.crt)"; return 1; }
	done
'

test_expect_success 'a template: each attribute by its own value' '
	cat >t.tpl <<-\EOT &&
	{ "subject": { "country": "DE", "organization": ["Acme & Co"],
	  "locality": ["München"], "commonName": "svc.example.com" },
	  "sans": [{"type": "dns", "value": "svc.example.com"}] }
	EOT
	pkit certificate create --ca r.crt --ca-key r.key --template t.tpl \
		svc.example.com t.crt t.key --no-password --insecure &&
	strings_of t.crt | tail -n 4 >out &&
	printf "%s\n" "PRINTABLESTRING :DE" "UTF8STRING :München" \
		"UTF8STRING :Acme & Co" "PRINTABLESTRING :svc.example.com" >want &&
	test_cmp want out
'

test_expect_success 'a CSR: as the one step ca certificate sent (PrintableString)' '
	pkit certificate create --csr api.localhost api.csr api.key \
		--no-password --insecure &&
	openssl asn1parse -in api.csr | grep -A1 "OBJECT *:commonName$" |
		sed -n "2s/^.*prim: *//p" >out &&
	echo "PRINTABLESTRING   :api.localhost" >want &&
	test_cmp want out &&
	pkit certificate create --csr "*.localhost" wc.csr wc.key \
		--no-password --insecure &&
	openssl asn1parse -in wc.csr | grep -A1 "OBJECT *:commonName$" |
		sed -n "2s/^.*prim: *//p" >out &&
	echo "UTF8STRING        :*.localhost" >want &&
	test_cmp want out
'

test_expect_success 'ca init: root and intermediate names as step ca init makes them' '
	echo "ca keys pw" >pw.txt &&
	pkit ca init --name Test --dns localhost --address "$ADDR" \
		--password-file pw.txt 2>/dev/null &&
	strings_of "$PKITPATH/certs/root_ca.crt" >out &&
	strings_of "$CAPT/root_ca.crt" >want &&
	test_cmp want out &&
	strings_of "$PKITPATH/certs/intermediate_ca.crt" >out &&
	strings_of "$CAPT/intermediate_ca.crt" >want &&
	test_cmp want out
'

test_expect_success 'the CA: issuer and subject of a leaf as step-ca 0.19 writes them' '
	pkit ca certificate --offline localhost a.crt a.key \
		--provisioner-password-file pw.txt --ca-password-file pw.txt 2>/dev/null &&
	strings_of a.crt >out &&
	strings_of "$CAPT/leaf.crt" >want &&
	test_cmp want out &&
	pkit ca certificate --offline "*.localhost" w.crt w.key \
		--provisioner-password-file pw.txt --ca-password-file pw.txt 2>/dev/null &&
	strings_of w.crt | tail -n 1 >out &&
	echo "UTF8STRING :*.localhost" >want &&
	test_cmp want out
'

test_done

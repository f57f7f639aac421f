#!/bin/sh
test_description='pkit ca init: the PKI and configuration of an online CA

The layout and files of step ca init under $PKITPATH: root and
intermediate CAs, their encrypted keys, ca.json with a JWK provisioner
whose key is escrowed as encryptedKey, defaults.json; the summary with
the root fingerprint; prompts on a terminal and none without one.'
. "$(dirname "$0")/lib.sh"

DRIVE="$SYS_PYTHON $TEST_SRC_DIR/tty-drive.py"
P=$PKITPATH
SQ="'"

jget() {
	"$SYS_PYTHON" -c 'import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
print(eval(sys.argv[2]))' "$1" "$2"
}

# jose_header FILE: the protected header of the compact JWE in FILE.
jose_header() {
	"$SYS_PYTHON" -c 'import base64, sys
h = open(sys.argv[1]).read().split(".")[0]
print(base64.urlsafe_b64decode(h + "=" * (-len(h) % 4)).decode())' "$1"
}

test_expect_success 'usage errors exit 2 with one line' '
	echo pw >pw.txt &&
	test_expect_code 2 pkit ca init --no-such-flag 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit ca init --name T --dns x --root a.crt \
		--password-file pw.txt 2>err &&
	test_one_line err && grep -q -- "--root and --key" err &&
	test_expect_code 2 pkit ca init --name T --dns x --address nope \
		--password-file pw.txt 2>err &&
	test_one_line err && grep -q -- "--address" err &&
	test_expect_code 2 pkit ca init --name T --dns "a@b.example" \
		--password-file pw.txt 2>err &&
	test_one_line err && grep -q "not a DNS name or IP address" err &&
	test_expect_code 2 pkit ca init --name T --dns x --kty RSA --crv P-256 \
		--password-file pw.txt 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit ca init extra 2>err &&
	test_one_line err &&
	test ! -e "$P"
'

test_expect_success 'without a terminal nothing is asked: the flag is named' '
	test_must_fail pkit ca init --dns ca.example.com --password-file pw.txt \
		</dev/null 2>err &&
	test_one_line err && grep -q -- "--name" err &&
	test_must_fail pkit ca init --name Test --password-file pw.txt 2>err &&
	test_one_line err && grep -q -- "--dns" err &&
	test_must_fail pkit ca init --name Test --dns ca.example.com 2>err &&
	test_one_line err && grep -q -- "--password-file" err &&
	: >empty.txt &&
	test_must_fail pkit ca init --name Test --dns ca.example.com \
		--password-file empty.txt 2>err &&
	test_one_line err && grep -q "cannot be empty" err &&
	test_must_fail pkit ca init --name Test --dns ca.example.com \
		--password-file missing.txt 2>err &&
	test_one_line err && grep -q "missing.txt" err &&
	test ! -e "$P"
'

test_expect_success 'ca init makes the PKI and prints step'"'"'s summary' '
	echo "ca keys pw" >pw.txt &&
	pkit ca init --name Test --dns ca.example.com,10.0.0.1 --dns localhost \
		--address 127.0.0.1:9443 --password-file pw.txt >out 2>err &&
	test ! -s out &&
	fp=$(openssl x509 -in "$P/certs/root_ca.crt" -noout -fingerprint -sha256 |
		sed "s/.*=//; s/://g" | tr A-F a-f) &&
	cat >want <<-EOF &&

	Generating root certificate... done!
	Generating intermediate certificate... done!

	✔ Root certificate: $P/certs/root_ca.crt
	✔ Root private key: $P/secrets/root_ca_key
	✔ Root fingerprint: $fp
	✔ Intermediate certificate: $P/certs/intermediate_ca.crt
	✔ Intermediate private key: $P/secrets/intermediate_ca_key
	✔ Database folder: $P/db
	✔ Default configuration: $P/config/defaults.json
	✔ Certificate Authority configuration: $P/config/ca.json

	Your PKI is ready to go. To generate certificates for individual services see '"'"'pkit help ca'"'"'.
	EOF
	test_cmp want err
'

test_expect_success 'the files and their modes' '
	test_mode "$P/secrets" 700 &&
	test_mode "$P/secrets/root_ca_key" 600 &&
	test_mode "$P/secrets/intermediate_ca_key" 600 &&
	test_mode "$P/db" 700 &&
	test_mode "$P/certs/root_ca.crt" 644 &&
	test_mode "$P/config/ca.json" 644 &&
	head -n 1 "$P/secrets/root_ca_key" | grep -q "BEGIN ENCRYPTED PRIVATE KEY" &&
	head -n 1 "$P/secrets/intermediate_ca_key" | grep -q "BEGIN ENCRYPTED PRIVATE KEY" &&
	openssl pkey -in "$P/secrets/intermediate_ca_key" -passin file:pw.txt -noout &&
	! openssl pkey -in "$P/secrets/root_ca_key" -passin pass:wrong -noout 2>/dev/null
'

test_expect_success 'the root and intermediate are step'"'"'s' '
	openssl verify -CAfile "$P/certs/root_ca.crt" "$P/certs/intermediate_ca.crt" &&
	openssl x509 -in "$P/certs/root_ca.crt" -noout -subject >s &&
	grep -q "O = Test, CN = Test Root CA" s &&
	openssl x509 -in "$P/certs/intermediate_ca.crt" -noout -subject -issuer >s &&
	grep -q "subject=O = Test, CN = Test Intermediate CA" s &&
	grep -q "issuer=O = Test, CN = Test Root CA" s &&
	openssl x509 -in "$P/certs/root_ca.crt" -noout -text >t &&
	grep -q "CA:TRUE, pathlen:1" t && grep -q "Certificate Sign, CRL Sign" t &&
	grep -A1 "Key Usage: critical" t | grep -q "Certificate Sign" &&
	grep -q "ASN1 OID: prime256v1" t &&
	openssl x509 -in "$P/certs/intermediate_ca.crt" -noout -text >t &&
	grep -q "CA:TRUE, pathlen:0" t &&
	nb=$(openssl x509 -in "$P/certs/root_ca.crt" -noout -startdate | sed "s/.*=//") &&
	na=$(openssl x509 -in "$P/certs/root_ca.crt" -noout -enddate | sed "s/.*=//") &&
	test $(( ($(date -d "$na" +%s) - $(date -d "$nb" +%s)) / 86400 )) -eq 3650
'

test_expect_success 'ca.json: step'"'"'s layout and key order' '
	c="$P/config/ca.json" &&
	test "$(jget "$c" "\",\".join(d)")" = \
		root,federatedRoots,crt,key,address,insecureAddress,dnsNames,logger,db,authority,tls &&
	test "$(jget "$c" "d[\"root\"]")" = "$P/certs/root_ca.crt" &&
	test "$(jget "$c" "d[\"federatedRoots\"]")" = None &&
	test "$(jget "$c" "d[\"key\"]")" = "$P/secrets/intermediate_ca_key" &&
	test "$(jget "$c" "d[\"address\"]")" = 127.0.0.1:9443 &&
	test "$(jget "$c" "\",\".join(d[\"dnsNames\"])")" = ca.example.com,10.0.0.1,localhost &&
	test "$(jget "$c" "d[\"db\"]")" = "{${SQ}type${SQ}: ${SQ}sqlite${SQ}, ${SQ}dataSource${SQ}: ${SQ}$P/db/pkit.db${SQ}}" &&
	test "$(jget "$c" "d[\"tls\"][\"minVersion\"], d[\"tls\"][\"maxVersion\"], d[\"tls\"][\"renegotiation\"]")" = "(1.2, 1.3, False)" &&
	grep -q "^	\"root\"" "$c" &&
	test "$(jget "$c" "\",\".join(d[\"authority\"][\"provisioners\"][0])")" = type,name,key,encryptedKey &&
	test "$(jget "$c" "\",\".join(d[\"authority\"][\"provisioners\"][0][\"key\"])")" = use,kty,kid,crv,alg,x,y &&
	test "$(jget "$c" "d[\"authority\"][\"provisioners\"][0][\"name\"]")" = admin
'

test_expect_success 'the provisioner key: escrowed as step escrows it' '
	c="$P/config/ca.json" &&
	jget "$c" "d[\"authority\"][\"provisioners\"][0][\"encryptedKey\"]" >ek &&
	jose_header ek >h &&
	test "$(jget h "d[\"alg\"], d[\"enc\"], d[\"cty\"], d[\"p2c\"]")" = \
		"(${SQ}PBES2-HS256+A128KW${SQ}, ${SQ}A256GCM${SQ}, ${SQ}jwk+json${SQ}, 600000)" &&
	test "$(tr -cd . <ek | wc -c)" = 4 &&
	pkit crypto jwe decrypt --password-file pw.txt ek >prov.json &&
	test "$(jget prov.json "d[\"kid\"]")" = \
		"$(jget "$c" "d[\"authority\"][\"provisioners\"][0][\"key\"][\"kid\"]")" &&
	test "$(jget prov.json "d[\"x\"]")" = \
		"$(jget "$c" "d[\"authority\"][\"provisioners\"][0][\"key\"][\"x\"]")" &&
	jget prov.json "{k: v for k, v in d.items() if k != \"d\"}" >pub.txt &&
	jget "$c" "d[\"authority\"][\"provisioners\"][0][\"key\"]" >want.txt &&
	test_cmp want.txt pub.txt &&
	jget "$c" "d[\"authority\"][\"provisioners\"][0][\"key\"]" | tr "${SQ}" "\"" >pubjwk.json &&
	pkit crypto jwk thumbprint <pubjwk.json >tp &&
	test "$(cat tp)" = "$(jget prov.json "d[\"kid\"]")" &&
	echo wrong >wrong.txt &&
	test_must_fail pkit crypto jwe decrypt --password-file wrong.txt ek 2>/dev/null
'

test_expect_success 'defaults.json for the clients' '
	d="$P/config/defaults.json" &&
	test "$(jget "$d" "\",\".join(d)")" = ca-url,ca-config,fingerprint,root &&
	test "$(jget "$d" "d[\"ca-url\"]")" = https://ca.example.com:9443 &&
	test "$(jget "$d" "d[\"fingerprint\"]")" = "$fp" &&
	test "$(jget "$d" "d[\"ca-config\"]")" = "$P/config/ca.json"
'

test_expect_success 'an existing PKI is kept without --force' '
	cp "$P/certs/root_ca.crt" before.crt &&
	test_must_fail pkit ca init --name Other --dns x.example --password-file pw.txt 2>err &&
	test_one_line err && grep -q -- "--force" err &&
	cmp before.crt "$P/certs/root_ca.crt"
'

test_expect_success '--force replaces it; defaults: :443 and admin' '
	echo "prov pw" >ppw.txt &&
	pkit ca init --force --name Other --dns x.example --password-file pw.txt \
		--provisioner-password-file ppw.txt 2>err &&
	! cmp -s before.crt "$P/certs/root_ca.crt" &&
	c="$P/config/ca.json" &&
	test "$(jget "$c" "d[\"address\"]")" = :443 &&
	test "$(jget "$P/config/defaults.json" "d[\"ca-url\"]")" = https://x.example &&
	jget "$c" "d[\"authority\"][\"provisioners\"][0][\"encryptedKey\"]" >ek &&
	pkit crypto jwe decrypt --password-file ppw.txt ek >/dev/null &&
	test_must_fail pkit crypto jwe decrypt --password-file pw.txt ek 2>/dev/null &&
	openssl pkey -in "$P/secrets/intermediate_ca_key" -passin file:pw.txt -noout
'

test_expect_success '--kty RSA: RSA CA keys, the provisioner stays ES256' '
	PKITPATH=$PWD/rsa pkit ca init --name R --dns r.example --kty RSA --size 3072 \
		--password-file pw.txt --provisioner ops@example.com --acme 2>/dev/null &&
	openssl x509 -in rsa/certs/root_ca.crt -noout -text | grep -q "Public-Key: (3072 bit)" &&
	openssl x509 -in rsa/certs/intermediate_ca.crt -noout -text | grep -q "rsaEncryption" &&
	test "$(jget rsa/config/ca.json "d[\"authority\"][\"provisioners\"][0][\"key\"][\"alg\"]")" = ES256 &&
	test "$(jget rsa/config/ca.json "d[\"authority\"][\"provisioners\"][0][\"name\"]")" = ops@example.com &&
	test "$(jget rsa/config/ca.json "d[\"authority\"][\"provisioners\"][1]")" = \
		"{${SQ}type${SQ}: ${SQ}ACME${SQ}, ${SQ}name${SQ}: ${SQ}acme${SQ}}"
'

test_expect_success '--root and --key: only the intermediate is made' '
	openssl ecparam -name prime256v1 -genkey -noout -out own.key &&
	openssl req -x509 -new -key own.key -subj "/CN=Own Root" -days 30 \
		-addext "basicConstraints=critical,CA:true,pathlen:1" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" -out own.crt &&
	openssl pkcs8 -topk8 -in own.key -passout pass:rootpw -out own.p8 &&
	echo rootpw >rootpw.txt &&
	PKITPATH=$PWD/own pkit ca init --name Own --dns o.example --root own.crt \
		--key own.p8 --key-password-file rootpw.txt --password-file pw.txt 2>err &&
	! grep -q "Root private key" err &&
	! grep -q "Generating root" err &&
	test ! -e own/secrets/root_ca_key &&
	cmp own.crt own/certs/root_ca.crt &&
	openssl verify -CAfile own.crt own/certs/intermediate_ca.crt &&
	test_must_fail env PKITPATH=$PWD/own2 "$PKIT_BIN" ca init --name Own --dns o.example \
		--root own.crt --key own.p8 --key-password-file wrong.txt \
		--password-file pw.txt 2>err &&
	test_one_line err && test ! -e own2/certs
'

test_expect_success 'a root that is not a CA is refused' '
	openssl req -x509 -new -key own.key -subj "/CN=Leaf" -days 30 \
		-addext "basicConstraints=critical,CA:false" -out leaf.crt &&
	chmod 600 own.key &&
	test_must_fail env PKITPATH=$PWD/own3 "$PKIT_BIN" ca init --name Own \
		--dns o.example --root leaf.crt --key own.key --password-file pw.txt 2>err &&
	test_one_line err && grep -q "not a certificate authority" err &&
	test ! -e own3/certs
'

test_expect_success '--pki: keys and certificates only; --db: PostgreSQL' '
	PKITPATH=$PWD/pki pkit ca init --pki --name P --password-file pw.txt 2>err &&
	test -f pki/certs/intermediate_ca.crt && test ! -e pki/config &&
	! grep -q "configuration" err &&
	PKITPATH=$PWD/pg pkit ca init --name P --dns p.example --password-file pw.txt \
		--db "postgresql://pkit@db.example/pkit" 2>err &&
	test "$(jget pg/config/ca.json "d[\"db\"][\"type\"]")" = postgresql &&
	grep -q "Database: postgresql" err &&
	test ! -e pg/db
'

test_expect_success 'on a terminal the missing values are asked for' '
	env -u PKIT_NONINTERACTIVE PKITPATH=$PWD/tty $DRIVE tty.out \
		"name your new PKI" "Prompted" \
		"DNS names or IP addresses" "ca.prompt.example, 10.9.8.7" \
		"bind to" "127.0.0.1:8443" \
		"first provisioner" "me@example.com" \
		"Choose a password" "tty pw" "Confirm the password" "tty pw" \
		-- "$PKIT_BIN" ca init &&
	c=tty/config/ca.json &&
	test "$(jget $c "\",\".join(d[\"dnsNames\"])")" = ca.prompt.example,10.9.8.7 &&
	test "$(jget $c "d[\"address\"]")" = 127.0.0.1:8443 &&
	test "$(jget $c "d[\"authority\"][\"provisioners\"][0][\"name\"]")" = me@example.com &&
	openssl x509 -in tty/certs/root_ca.crt -noout -subject | grep -q "CN = Prompted Root CA" &&
	printf "tty pw" >ttypw.txt &&
	openssl pkey -in tty/secrets/intermediate_ca_key -passin file:ttypw.txt -noout &&
	! grep -q "tty pw" tty.out
'

test_expect_success 'on a terminal an existing PKI needs a yes' '
	cp tty/certs/root_ca.crt keep.crt &&
	test_must_fail env -u PKIT_NONINTERACTIVE PKITPATH=$PWD/tty $DRIVE tty.out \
		"overwrite" "n" \
		-- "$PKIT_BIN" ca init --name X --dns x.example --password-file pw.txt &&
	cmp keep.crt tty/certs/root_ca.crt
'

test_done

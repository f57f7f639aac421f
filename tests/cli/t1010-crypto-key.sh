#!/bin/sh
test_description='crypto key public, inspect, format and fingerprint'
. "$(dirname "$0")/lib.sh"

umask 022
printf 'correct horse\n' >pw
printf 'battery staple\n' >pw2

fails() {
	code=$1
	shift
	test_expect_code "$code" "$@" 2>err &&
	test_one_line err
}

# b64fp FILE: SHA256: + padded base64 of the SHA-256 of FILE's bytes.
b64fp() {
	printf 'SHA256:%s\n' "$(openssl dgst -sha256 -binary "$1" | base64)"
}

test_expect_success 'setup: keys, a certificate and a CSR' '
	pkit crypto keypair --password-file pw pub.pem priv.pem &&
	pkit crypto keypair --kty RSA --no-password --insecure rsa.pub rsa.key &&
	pkit crypto keypair --crv Ed25519 --no-password --insecure ed.pub ed.key &&
	openssl req -new -x509 -key priv.pem -passin file:pw -subj /CN=t \
		-days 1 -out cert.pem 2>/dev/null &&
	openssl req -new -key priv.pem -passin file:pw -subj /CN=t -out csr.pem &&
	openssl x509 -in cert.pem -outform DER -out cert.der
'

test_expect_success 'public: from an encrypted key, a certificate, a CSR and stdin' '
	pkit crypto key public --password-file pw priv.pem >a &&
	test_cmp pub.pem a &&
	pkit crypto key public cert.pem >b &&
	test_cmp pub.pem b &&
	pkit crypto key public cert.der >c &&
	test_cmp pub.pem c &&
	pkit crypto key public csr.pem >d &&
	test_cmp pub.pem d &&
	pkit crypto key public - <pub.pem >e &&
	test_cmp pub.pem e
'

test_expect_success 'public --format der and ssh' '
	pkit crypto key public --format der pub.pem >pub.der &&
	openssl pkey -pubin -in pub.pem -outform DER | cmp - pub.der &&
	pkit crypto key public --format ssh ed.key >ed.ssh &&
	grep -q "^ssh-ed25519 AAAA[A-Za-z0-9+/=]*$" ed.ssh &&
	pkit crypto key public ed.ssh >ed2.pub &&
	test_cmp ed.pub ed2.pub
'

test_expect_success 'public and format to and from JWK' '
	pkit crypto key public --format jwk rsa.key >rsa.jwk &&
	"$SYS_PYTHON" -c "import json; j = json.load(open(\"rsa.jwk\")); assert j[\"kty\"] == \"RSA\" and j[\"e\"] == \"AQAB\" and \"d\" not in j" &&
	pkit crypto key public rsa.jwk | test_cmp rsa.pub - &&
	pkit crypto key fingerprint rsa.jwk >a &&
	pkit crypto key fingerprint rsa.pub >b &&
	test_cmp a b &&
	pkit crypto key format --jwk --password-file pw --out ed.jwe ed.key &&
	grep -q "\"ciphertext\"" ed.jwe &&
	test_mode ed.jwe 600 &&
	pkit crypto key inspect --password-file pw ed.jwe >t &&
	grep -qx "Private: (hidden, encrypted)" t &&
	pkit crypto key public --password-file pw ed.jwe | test_cmp ed.pub - &&
	fails 1 pkit crypto key public --password-file pw2 ed.jwe &&
	grep -q "^pkit: ed.jwe: " err &&
	fails 1 pkit crypto key public ed.jwe &&
	grep -q -- "--password-file" err &&
	fails 2 pkit crypto key format --jwk --pkcs1 rsa.key
'

test_expect_success 'public --out: 0644, kept without --force' '
	pkit crypto key public --out out.pem rsa.key &&
	test_mode out.pem 644 &&
	test_cmp rsa.pub out.pem &&
	fails 1 pkit crypto key public --out out.pem priv.pem &&
	test_cmp rsa.pub out.pem &&
	pkit crypto key public -f --output-file out.pem --password-file pw priv.pem &&
	test_cmp pub.pem out.pem
'

test_expect_success 'inspect: text for EC, RSA and Ed25519 keys' '
	pkit crypto key inspect --password-file pw priv.pem >t &&
	grep -qx "EC Private-Key: (256 bit)" t &&
	grep -qx "Curve: P-256" t &&
	grep -qx "Private: (hidden, encrypted)" t &&
	pkit crypto key inspect pub.pem >t &&
	grep -qx "EC Public-Key: (256 bit)" t &&
	! grep -q "^Private" t &&
	pkit crypto key inspect rsa.key >t &&
	grep -qx "RSA Private-Key: (2048 bit)" t &&
	grep -qx "Private: (hidden)" t &&
	grep -qx "Exponent: 65537 (0x10001)" t &&
	pkit crypto key inspect ed.pub >t &&
	grep -qx "Ed25519 Public-Key: (256 bit)" t &&
	grep -q "^SSH fingerprint: SHA256:" t
'

test_expect_success 'inspect shows the public point that openssl shows' '
	pkit crypto key inspect pub.pem | sed -n "/^X:/,/^Y:/p" | sed "1d;\$d" |
		tr -d " :\n" >x.pkit &&
	openssl pkey -pubin -in pub.pem -outform DER | tail -c 64 | head -c 32 |
		od -An -tx1 | tr -d " \n" >x.ossl &&
	test_cmp x.ossl x.pkit
'

test_expect_success 'inspect --format json' '
	pkit crypto key inspect --format json --password-file pw priv.pem >j &&
	"$SYS_PYTHON" - <<-\EOF
	import json
	j = json.load(open("j"))
	assert j["type"] == "EC" and j["curve"] == "P-256", j
	assert j["bits"] == 256 and j["private"] is True, j
	assert len(j["x"]) == 64 and len(j["y"]) == 64, j
	assert j["fingerprints"]["sha256"].startswith("SHA256:"), j
	assert "d" not in j
	EOF
	pkit crypto key inspect --format json rsa.pub >j &&
	"$SYS_PYTHON" -c "import json; j = json.load(open(\"j\")); assert j[\"exponent\"] == 65537 and \"curve\" not in j and j[\"private\"] is False"
'

test_expect_success 'fingerprint: SHA-256 of the subjectPublicKey, padded base64' '
	openssl pkey -pubin -in pub.pem -outform DER | tail -c 65 >spk &&
	b64fp spk >want &&
	pkit crypto key fingerprint pub.pem >got &&
	test_cmp want got &&
	grep -q "=$" got &&
	pkit crypto key fingerprint --password-file pw priv.pem >got2 &&
	test_cmp want got2 &&
	pkit crypto key fingerprint cert.pem >got3 &&
	test_cmp want got3 &&
	pkit crypto key fingerprint csr.pem >got4 &&
	test_cmp want got4
'

test_expect_success 'fingerprint --pkix hashes the whole SPKI; --raw prints the input' '
	b64fp pub.der >want &&
	pkit crypto key fingerprint --pkix pub.pem >got &&
	test_cmp want got &&
	pkit crypto key fingerprint --raw pub.pem >raw &&
	cmp raw spk &&
	pkit crypto key fingerprint --raw --pkix pub.pem | cmp - pub.der
'

test_expect_success 'fingerprint --format' '
	hex=$(openssl dgst -sha256 -binary spk | od -An -tx1 | tr -d " \n") &&
	test "$(pkit crypto key fingerprint --format hex pub.pem)" = "SHA256:$hex" &&
	pad=$(sed "s/^SHA256://" want) &&
	pkit crypto key fingerprint --format base64-raw --pkix pub.pem >r &&
	test "$(cat r)" = "SHA256:$(echo "$pad" | tr -d =)" &&
	pkit crypto key fingerprint --format base64-url --pkix pub.pem >u &&
	test "$(cat u)" = "SHA256:$(echo "$pad" | tr "+/" "-_")" &&
	pkit crypto key fingerprint --format base64url-raw --pkix pub.pem >ur &&
	test "$(cat ur)" = "SHA256:$(echo "$pad" | tr "+/" "-_" | tr -d =)" &&
	fails 2 pkit crypto key fingerprint --format emoji pub.pem
'

test_expect_success 'fingerprint --sha1 needs --insecure and is the subject key id' '
	fails 2 pkit crypto key fingerprint --sha1 cert.pem &&
	grep -q "insecure" err &&
	ski=$(openssl x509 -in cert.pem -noout -ext subjectKeyIdentifier |
		sed -n 2p | tr -d " :" | tr A-F a-f) &&
	test -n "$ski" &&
	test "$(pkit crypto key fingerprint --sha1 --insecure cert.pem)" = "SHA1:$ski"
'

test_expect_success 'fingerprint --pkix and --ssh do not go together' '
	fails 2 pkit crypto key fingerprint --pkix --ssh pub.pem
'

test_expect_success 'format: PEM becomes DER and DER becomes PEM' '
	pkit crypto key format pub.pem >f.der &&
	cmp f.der pub.der &&
	pkit crypto key format f.der >f.pem &&
	test_cmp pub.pem f.pem &&
	pkit crypto key format --der pub.der | cmp - pub.der &&
	pkit crypto key format --pem pub.pem | test_cmp pub.pem -
'

test_expect_success 'format a private key: encrypted PKCS#8 by default, 0600' '
	pkit crypto key format --pem --password-file pw --out k8.pem priv.pem &&
	test_mode k8.pem 600 &&
	head -n 1 k8.pem | grep -qx -- "-----BEGIN ENCRYPTED PRIVATE KEY-----" &&
	openssl pkey -in k8.pem -passin file:pw -noout &&
	pkit crypto key format --password-file pw --new-password-file pw2 --out k8.der priv.pem &&
	openssl pkey -inform DER -in k8.der -passin file:pw2 -noout &&
	! openssl pkey -inform DER -in k8.der -passin file:pw -noout 2>/dev/null
'

test_expect_success 'format --pkcs1: RSA only, legacy encryption in PEM' '
	pkit crypto key format --pem --pkcs1 --password-file pw --out r1.pem rsa.key &&
	head -n 1 r1.pem | grep -qx -- "-----BEGIN RSA PRIVATE KEY-----" &&
	grep -q "^DEK-Info: AES-256-CBC," r1.pem &&
	openssl rsa -in r1.pem -passin file:pw -noout -check &&
	pkit crypto key format --der --pkcs1 --no-password --insecure --out r1.der rsa.key &&
	openssl rsa -inform DER -in r1.der -noout -check &&
	fails 1 pkit crypto key format --der --pkcs1 --password-file pw --out r2.der rsa.key &&
	test ! -e r2.der &&
	pkit crypto key format --pem --pkcs1 rsa.pub | head -n 1 |
		grep -qx -- "-----BEGIN RSA PUBLIC KEY-----" &&
	fails 1 pkit crypto key format --pkcs1 --password-file pw --out e1.pem priv.pem &&
	grep -q "^pkit: priv.pem: PKCS#1 is a form of RSA keys only" err &&
	test ! -e e1.pem
'

test_expect_success 'format: conflicting flags are usage errors' '
	fails 2 pkit crypto key format --pem --der pub.pem &&
	fails 2 pkit crypto key format --pkcs1 --pkcs8 pub.pem &&
	fails 2 pkit crypto key format --ssh --pkcs1 pub.pem &&
	fails 2 pkit crypto key format --no-password rsa.key &&
	fails 2 pkit crypto key format --no-password --insecure --new-password-file pw rsa.key
'

test_expect_success 'format a private key with no password and no terminal' '
	fails 1 pkit crypto key format --out nt.pem rsa.key &&
	grep -q -- "--password-file" err &&
	test ! -e nt.pem
'

test_expect_success 'an unencrypted private key readable by others is refused' '
	cp rsa.key loose.key &&
	chmod 640 loose.key &&
	fails 1 pkit crypto key format --password-file pw --out x.pem loose.key &&
	grep -q "loose.key: private key is accessible by others" err &&
	test ! -e x.pem &&
	pkit crypto key format --insecure --password-file pw --out x.pem loose.key &&
	openssl pkey -in x.pem -passin file:pw -noout
'

test_expect_success 'format --out keeps an existing file without --force' '
	echo keep >kept &&
	fails 1 pkit crypto key format --out kept pub.pem &&
	test "$(cat kept)" = keep &&
	pkit crypto key format -f --out kept pub.pem &&
	cmp kept pub.der
'

test_expect_success 'wrong password: one line, exit 1' '
	echo wrong >bad &&
	for verb in public inspect fingerprint
	do
		fails 1 pkit crypto key $verb --password-file bad priv.pem &&
		grep -q "priv.pem: wrong password" err || return 1
	done &&
	fails 1 pkit crypto key format --password-file bad --out w.pem priv.pem &&
	test ! -e w.pem
'

test_expect_success 'encrypted key, no password file, no terminal: names --password-file' '
	for verb in public inspect fingerprint format
	do
		fails 1 pkit crypto key $verb priv.pem &&
		grep -q "no terminal.*--password-file" err || return 1
	done
'

test_expect_success 'missing file: one line, exit 1' '
	for verb in public inspect fingerprint format
	do
		fails 1 pkit crypto key $verb nope.pem &&
		grep -q "^pkit: nope.pem: " err || return 1
	done
'

test_expect_success 'malformed PEM and DER: one line, exit 1' '
	printf -- "-----BEGIN PRIVATE KEY-----\nAAAAgarbage\n-----END PRIVATE KEY-----\n" >bad.pem &&
	printf -- "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n" >cut.pem &&
	head -c 40 pub.der >cut.der &&
	printf "hello world\n" >text &&
	for f in bad.pem cut.pem cut.der text
	do
		for verb in public inspect fingerprint format
		do
			fails 1 pkit crypto key $verb $f &&
			grep -q "^pkit: $f: " err || return 1
		done
	done
'

test_expect_success 'an unsupported curve: one line, exit 1' '
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:secp256k1 -out k1.pem &&
	chmod 600 k1.pem &&
	fails 1 pkit crypto key inspect k1.pem &&
	grep -q "secp256k1 is not supported" err &&
	fails 1 pkit crypto key public --format ssh k1.pem &&
	grep -q "^pkit: k1.pem: .*no OpenSSH form" err
'

test_expect_success 'bad flags and arguments: usage errors' '
	fails 2 pkit crypto key inspect --fromat json pub.pem &&
	grep -q "did you mean .--format." err &&
	fails 2 pkit crypto key inspect --format yaml pub.pem &&
	fails 2 pkit crypto key public &&
	fails 2 pkit crypto key public a b &&
	fails 2 pkit crypto key pubilc pub.pem &&
	grep -q "did you mean .public." err
'

test_done

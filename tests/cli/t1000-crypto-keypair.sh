#!/bin/sh
test_description='crypto keypair: types, formats, passwords, modes, overwrites and errors'
. "$(dirname "$0")/lib.sh"

umask 022
printf 'correct horse\n' >pw
printf 'correct horse' >pw-nonl

# fails CODE cmd...: exits CODE with one "pkit: " line on stderr.
fails() {
	code=$1
	shift
	test_expect_code "$code" "$@" 2>err &&
	test_one_line err
}

test_expect_success 'default: EC P-256, encrypted PKCS#8, private key 0600' '
	pkit crypto keypair --password-file pw pub.pem priv.pem &&
	test_mode priv.pem 600 &&
	test_mode pub.pem 644 &&
	head -n 1 priv.pem | grep -qx -- "-----BEGIN ENCRYPTED PRIVATE KEY-----" &&
	head -n 1 pub.pem | grep -qx -- "-----BEGIN PUBLIC KEY-----" &&
	pkit crypto key inspect --password-file pw priv.pem >out &&
	grep -qx "EC Private-Key: (256 bit)" out &&
	grep -qx "Curve: P-256" out &&
	grep -qx "Private: (hidden, encrypted)" out
'

test_expect_success 'the password file loses its newline; PBES2 with 600000 iterations' '
	openssl pkey -in priv.pem -passin file:pw-nonl -noout &&
	openssl asn1parse -in priv.pem >asn &&
	grep -q "PBES2" asn &&
	grep -q "PBKDF2" asn &&
	grep -q "aes-256-cbc" asn &&
	grep -q "hmacWithSHA256" asn &&
	grep -q "INTEGER *:0927C0" asn &&
	grep "d=5 .*OCTET STRING" asn | grep -q ":[0-9A-F]\{32\}$"
'

test_expect_success 'the public key belongs to the private key' '
	openssl pkey -in priv.pem -passin file:pw -pubout >pub2.pem &&
	test_cmp pub.pem pub2.pem
'

for crv in P-384 P-521 Ed25519 X25519
do
	test_expect_success "--crv $crv alone makes a key on that curve" '
		pkit crypto keypair --crv '"$crv"' --password-file pw '"$crv"'.pub '"$crv"'.key &&
		pkit crypto key inspect '"$crv"'.pub >out &&
		grep -q "'"$crv"'" out
	'
done

test_expect_success '--kty OKP defaults to Ed25519, --kty RSA to 2048 bits' '
	pkit crypto keypair --kty OKP --password-file pw okp.pub okp.key &&
	pkit crypto key inspect okp.pub | grep -qx "Ed25519 Public-Key: (256 bit)" &&
	pkit crypto keypair --kty RSA --password-file pw rsa.pub rsa.key &&
	pkit crypto key inspect rsa.pub >out &&
	grep -qx "RSA Public-Key: (2048 bit)" out &&
	grep -qx "Exponent: 65537 (0x10001)" out
'

test_expect_success '--size 3072 and --format der' '
	pkit crypto keypair --kty RSA --size 3072 --format der --password-file pw r3.der r3k.der &&
	openssl pkey -inform DER -pubin -in r3.der -noout -text >txt &&
	grep -q "3072 bit" txt &&
	openssl pkey -inform DER -in r3k.der -passin file:pw -noout &&
	test_mode r3k.der 600
'

test_expect_success 'RSA under 2048 bits needs --insecure' '
	fails 1 pkit crypto keypair --kty RSA --size 1024 --password-file pw s.pub s.key &&
	grep -q "insecure" err &&
	test ! -e s.pub && test ! -e s.key &&
	pkit crypto keypair --kty RSA --size 1024 --insecure --password-file pw s.pub s.key &&
	pkit crypto key inspect s.pub | grep -qx "RSA Public-Key: (1024 bit)"
'

test_expect_success '--no-password --insecure writes the key in the clear' '
	pkit crypto keypair --no-password --insecure plain.pub plain.key &&
	head -n 1 plain.key | grep -qx -- "-----BEGIN PRIVATE KEY-----" &&
	test_mode plain.key 600 &&
	openssl pkey -in plain.key -noout
'

test_expect_success '--no-password without --insecure is a usage error, no files' '
	fails 2 pkit crypto keypair --no-password np.pub np.key &&
	grep -q "requires the .--insecure. flag" err &&
	test ! -e np.pub && test ! -e np.key
'

test_expect_success '--no-password and --password-file do not go together' '
	fails 2 pkit crypto keypair --no-password --insecure --password-file pw np.pub np.key &&
	test ! -e np.key
'

test_expect_success 'no password file and no terminal: the error names --password-file' '
	fails 1 pkit crypto keypair nt.pub nt.key &&
	grep -q "no terminal" err &&
	grep -q -- "--password-file" err &&
	test ! -e nt.pub && test ! -e nt.key
'

test_expect_success 'a missing or empty password file fails, no files' '
	fails 1 pkit crypto keypair --password-file nope mp.pub mp.key &&
	grep -q "^pkit: nope: " err &&
	: >empty &&
	fails 1 pkit crypto keypair --password-file empty mp.pub mp.key &&
	grep -q "empty" err &&
	test ! -e mp.pub && test ! -e mp.key
'

test_expect_success 'an existing file is kept without --force' '
	cp priv.pem priv.orig && cp pub.pem pub.orig &&
	fails 1 pkit crypto keypair --password-file pw pub.pem priv.pem &&
	grep -q -- "--force" err &&
	test_cmp priv.orig priv.pem &&
	test_cmp pub.orig pub.pem &&
	fails 1 pkit crypto keypair --password-file pw new.pub priv.pem &&
	test ! -e new.pub &&
	test_cmp priv.orig priv.pem
'

test_expect_success '--force replaces both files' '
	pkit crypto keypair -f --password-file pw pub.pem priv.pem &&
	! cmp -s priv.orig priv.pem &&
	! cmp -s pub.orig pub.pem &&
	test_mode priv.pem 600 &&
	openssl pkey -in priv.pem -passin file:pw -pubout | test_cmp pub.pem -
'

test_expect_success 'the public and private files must differ' '
	fails 2 pkit crypto keypair --password-file pw same.pem same.pem &&
	test ! -e same.pem &&
	ln -s priv.pem alias.pem &&
	cp priv.pem priv.orig &&
	fails 2 pkit crypto keypair -f --password-file pw alias.pem priv.pem &&
	test_cmp priv.orig priv.pem
'

test_expect_success 'bad flags and values are usage errors' '
	fails 2 pkit crypto keypair --kyt EC a b &&
	grep -q "did you mean .--kty." err &&
	fails 2 pkit crypto keypair --crv P-192 --password-file pw a b &&
	grep -q "P-192" err &&
	fails 2 pkit crypto keypair --kty DSA --password-file pw a b &&
	fails 2 pkit crypto keypair --format jks --password-file pw a b &&
	fails 2 pkit crypto keypair --size big --password-file pw a b &&
	fails 2 pkit crypto keypair only-one &&
	test ! -e a && test ! -e b
'

test_expect_success 'a curve that does not go with the type fails, no files' '
	fails 1 pkit crypto keypair --kty RSA --crv P-256 --password-file pw a b &&
	fails 1 pkit crypto keypair --kty EC --crv Ed25519 --password-file pw a b &&
	fails 1 pkit crypto keypair --kty EC --size 2048 --password-file pw a b &&
	test ! -e a && test ! -e b
'

test_expect_success '--format ssh: authorized_keys line, encrypted PKCS#8 for ECDSA' '
	pkit crypto keypair --format ssh --password-file pw id_ec.pub id_ec &&
	grep -q "^ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTY" id_ec.pub &&
	test "$(wc -l <id_ec.pub)" -eq 1 &&
	head -n 1 id_ec | grep -qx -- "-----BEGIN ENCRYPTED PRIVATE KEY-----" &&
	test_mode id_ec 600
'

test_expect_success '--format ssh without a password: openssh-key-v1' '
	pkit crypto keypair --crv Ed25519 --format ssh --no-password --insecure id_ed.pub id_ed &&
	grep -q "^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5" id_ed.pub &&
	head -n 1 id_ed | grep -qx -- "-----BEGIN OPENSSH PRIVATE KEY-----" &&
	test_mode id_ed 600 &&
	pkit crypto key fingerprint --ssh id_ed >a &&
	pkit crypto key fingerprint --ssh id_ed.pub >b &&
	test_cmp a b
'

test_expect_success '--format ssh refuses encrypted Ed25519 and any X25519, before asking' '
	fails 1 pkit crypto keypair --crv Ed25519 --format ssh e.pub e.key &&
	grep -q "ssh-keygen -p" err &&
	fails 1 pkit crypto keypair --crv X25519 --format ssh --no-password --insecure e.pub e.key &&
	grep -q "no OpenSSH form" err &&
	test ! -e e.pub && test ! -e e.key
'

test_expect_success '--format jwk: a public JWK and an encrypted private one' '
	pkit crypto keypair --format jwk --password-file pw k.pub.json k.json &&
	test_mode k.json 600 &&
	"$SYS_PYTHON" - <<-\EOF &&
	import base64, json
	pub = json.load(open("k.pub.json"))
	assert pub["kty"] == "EC" and pub["crv"] == "P-256" and "d" not in pub, pub
	jwe = json.load(open("k.json"))
	hdr = json.loads(base64.urlsafe_b64decode(jwe["protected"] + "=="))
	assert hdr["alg"] == "PBES2-HS256+A128KW" and hdr["enc"] == "A256GCM", hdr
	assert hdr["p2c"] == 600000 and hdr["cty"] == "jwk+json", hdr
	EOF
	pkit crypto key format --pem --password-file pw --out k.pem k.json &&
	openssl pkey -in k.pem -passin file:pw -pubout >k.pub.pem &&
	pkit crypto key public k.pub.json | test_cmp k.pub.pem -
'

test_expect_success 'a directory that does not exist: one line, no file' '
	fails 1 pkit crypto keypair --password-file pw nodir/a.pub nodir/a.key &&
	test ! -e nodir
'

test_done

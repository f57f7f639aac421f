#!/bin/sh
test_description='crypto change-pass: re-encrypt, decrypt, in place or to --out'
. "$(dirname "$0")/lib.sh"

umask 022
printf 'correct horse\n' >old
printf 'battery staple\n' >new
cp old old2

fails() {
	code=$1
	shift
	test_expect_code "$code" "$@" 2>err &&
	test_one_line err
}

test_expect_success 'setup' '
	pkit crypto keypair --password-file old pub.pem key.pem &&
	cp key.pem key.orig
'

test_expect_success 'in place: the new password works, the old one does not' '
	pkit crypto change-pass --password-file old --new-password-file new key.pem &&
	test_mode key.pem 600 &&
	! cmp -s key.orig key.pem &&
	openssl pkey -in key.pem -passin file:new -noout &&
	! openssl pkey -in key.pem -passin file:old -noout 2>/dev/null &&
	openssl pkey -in key.pem -passin file:new -pubout | test_cmp pub.pem -
'

test_expect_success 'the key file becomes 0600 even if it was not' '
	chmod 644 key.pem &&
	pkit crypto change-pass --password-file new --new-password-file old key.pem &&
	test_mode key.pem 600 &&
	openssl pkey -in key.pem -passin file:old -noout
'

test_expect_success 'wrong current password: one line, file untouched' '
	cp key.pem before &&
	fails 1 pkit crypto change-pass --password-file new --new-password-file new key.pem &&
	grep -q "key.pem: wrong password" err &&
	test_cmp before key.pem
'

test_expect_success 'no terminal for the new password: names --new-password-file' '
	fails 1 pkit crypto change-pass --password-file old key.pem &&
	grep -q -- "--new-password-file" err &&
	test_cmp before key.pem
'

test_expect_success 'no terminal for the current password: names --password-file' '
	fails 1 pkit crypto change-pass --new-password-file new key.pem &&
	grep -q -- "use --password-file" err &&
	test_cmp before key.pem
'

test_expect_success '--out writes elsewhere, 0600, and leaves the key alone' '
	pkit crypto change-pass --password-file old --new-password-file new --out other.pem key.pem &&
	test_cmp before key.pem &&
	test_mode other.pem 600 &&
	openssl pkey -in other.pem -passin file:new -noout
'

test_expect_success 'an existing --out needs --force' '
	cp other.pem other.orig &&
	fails 1 pkit crypto change-pass --password-file old --new-password-file new --out other.pem key.pem &&
	test_cmp other.orig other.pem &&
	pkit crypto change-pass -f --password-file old --new-password-file old2 --output-file other.pem key.pem &&
	openssl pkey -in other.pem -passin file:old -noout
'

test_expect_success '--no-password --insecure decrypts' '
	pkit crypto change-pass --password-file old --no-password --insecure --out plain.pem key.pem &&
	head -n 1 plain.pem | grep -qx -- "-----BEGIN PRIVATE KEY-----" &&
	test_mode plain.pem 600 &&
	openssl pkey -in plain.pem -noout
'

test_expect_success '--no-password needs --insecure; not with --new-password-file' '
	fails 2 pkit crypto change-pass --password-file old --no-password key.pem &&
	grep -q "requires the .--insecure. flag" err &&
	fails 2 pkit crypto change-pass --password-file old --no-password --insecure \
		--new-password-file new key.pem &&
	test_cmp before key.pem
'

test_expect_success 'an unencrypted key gets a password; a loose one needs --insecure' '
	cp plain.pem p2.pem &&
	pkit crypto change-pass --new-password-file new p2.pem &&
	openssl pkey -in p2.pem -passin file:new -noout &&
	cp plain.pem p3.pem && chmod 644 p3.pem && cp p3.pem p3.orig &&
	fails 1 pkit crypto change-pass --new-password-file new p3.pem &&
	grep -q "accessible by others" err &&
	test_cmp p3.orig p3.pem &&
	pkit crypto change-pass --insecure --new-password-file new p3.pem &&
	openssl pkey -in p3.pem -passin file:new -noout
'

test_expect_success 'a legacy encrypted PEM key comes out as PKCS#8' '
	openssl ec -in plain.pem -aes256 -passout file:old -out legacy.pem 2>/dev/null &&
	chmod 600 legacy.pem &&
	grep -q "^Proc-Type: 4,ENCRYPTED" legacy.pem &&
	pkit crypto change-pass --password-file old --new-password-file new legacy.pem &&
	head -n 1 legacy.pem | grep -qx -- "-----BEGIN ENCRYPTED PRIVATE KEY-----" &&
	openssl pkey -in legacy.pem -passin file:new -noout
'

test_expect_success 'a DER key stays DER' '
	pkit crypto keypair --format der --password-file old d.pub d.der &&
	pkit crypto change-pass --password-file old --new-password-file new d.der &&
	openssl pkey -inform DER -in d.der -passin file:new -noout
'

test_expect_success 'OpenSSH keys: stay OpenSSH unencrypted, PKCS#8 for ECDSA, Ed25519 refused' '
	pkit crypto keypair --format ssh --no-password --insecure ec.pub ec &&
	pkit crypto change-pass --no-password --insecure --out ec2 ec &&
	head -n 1 ec2 | grep -qx -- "-----BEGIN OPENSSH PRIVATE KEY-----" &&
	pkit crypto change-pass --new-password-file new ec &&
	head -n 1 ec | grep -qx -- "-----BEGIN ENCRYPTED PRIVATE KEY-----" &&
	pkit crypto keypair --crv Ed25519 --format ssh --no-password --insecure ed.pub ed &&
	cp ed ed.orig &&
	fails 1 pkit crypto change-pass --new-password-file new ed &&
	grep -q "^pkit: ed: .*ssh-keygen -p" err &&
	test_cmp ed.orig ed
'

test_expect_success 'missing file, malformed key, public key: one line, exit 1' '
	fails 1 pkit crypto change-pass --password-file old --new-password-file new nope.pem &&
	grep -q "^pkit: nope.pem: " err &&
	printf -- "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n" >bad.pem &&
	chmod 600 bad.pem &&
	fails 1 pkit crypto change-pass --new-password-file new bad.pem &&
	grep -q "^pkit: bad.pem: " err &&
	cp pub.pem pub.copy &&
	chmod 600 pub.copy &&
	fails 1 pkit crypto change-pass --new-password-file new pub.copy &&
	grep -q "public key" err &&
	test_cmp pub.pem pub.copy
'

test_expect_success 'standard input and bad flags are usage errors' '
	fails 2 pkit crypto change-pass --password-file old --new-password-file new - <key.pem &&
	fails 2 pkit crypto change-pass --new-pasword-file new key.pem &&
	grep -q "did you mean .--new-password-file." err &&
	fails 2 pkit crypto change-pass &&
	test_cmp before key.pem
'

test_done

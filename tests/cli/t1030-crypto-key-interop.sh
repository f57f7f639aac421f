#!/bin/sh
test_description='keys: openssl and OpenSSH read what pkit writes, pkit reads what they write'
. "$(dirname "$0")/lib.sh"

umask 077
printf 'correct horse\n' >pw
cp pw pw.out

# Every kind of key pkit makes, as keypair flags and a file stem.
KINDS='
--crv=P-256 p256
--crv=P-384 p384
--crv=P-521 p521
--crv=Ed25519 ed25519
--crv=X25519 x25519
--kty=RSA rsa
'

test_expect_success 'openssl pkey reads every key pkit writes (PEM and DER, encrypted and not)' '
	echo "$KINDS" | while read -r flag stem
	do
		test -n "$stem" || continue
		for fmt in pem der
		do
			form=$(echo $fmt | tr a-z A-Z) &&
			pkit crypto keypair $flag --format $fmt --password-file pw \
				$stem-enc.pub.$fmt $stem-enc.$fmt &&
			openssl pkey -inform $form -in $stem-enc.$fmt -passin file:pw -noout &&
			openssl pkey -inform $form -pubin -in $stem-enc.pub.$fmt -noout &&
			openssl pkey -inform $form -in $stem-enc.$fmt -passin file:pw \
				-pubout -outform $form | cmp - $stem-enc.pub.$fmt &&
			pkit crypto keypair $flag --format $fmt --no-password --insecure \
				$stem.pub.$fmt $stem.$fmt &&
			openssl pkey -inform $form -in $stem.$fmt -noout &&
			openssl pkey -inform $form -pubin -in $stem.pub.$fmt -noout &&
			openssl pkey -inform $form -in $stem.$fmt -pubout -outform $form |
				cmp - $stem.pub.$fmt ||
			{ echo "failed: $flag $fmt" >&2; return 1; }
		done || return 1
	done
'

test_expect_success 'pkit reads every key openssl genpkey writes, plain and -aes256' '
	for alg in "RSA -pkeyopt rsa_keygen_bits:2048" \
		"EC -pkeyopt ec_paramgen_curve:P-256" \
		"EC -pkeyopt ec_paramgen_curve:P-384" \
		"EC -pkeyopt ec_paramgen_curve:P-521" \
		ED25519 X25519
	do
		stem=$(echo "$alg" | tr -c "a-zA-Z0-9\n" _) &&
		openssl genpkey -algorithm $alg -out o-$stem.pem 2>/dev/null &&
		openssl genpkey -algorithm $alg -aes256 -pass file:pw \
			-out o-$stem-enc.pem 2>/dev/null &&
		openssl pkey -in o-$stem.pem -pubout >want.pem &&
		pkit crypto key public o-$stem.pem | test_cmp want.pem - &&
		openssl pkey -in o-$stem-enc.pem -passin file:pw -pubout >want.pem &&
		pkit crypto key public --password-file pw o-$stem-enc.pem |
			test_cmp want.pem - &&
		openssl pkey -in o-$stem-enc.pem -passin file:pw -outform DER \
			-out o-$stem.der &&
		pkit crypto key public o-$stem.der | test_cmp want.pem - &&
		pkit crypto change-pass --password-file pw --no-password --insecure \
			--out o-$stem-plain.pem o-$stem-enc.pem &&
		openssl pkey -in o-$stem-plain.pem -pubout | test_cmp want.pem - ||
		{ echo "failed: $alg" >&2; return 1; }
	done
'

test_expect_success 'pkit reads legacy encrypted PEM from openssl ec and openssl rsa -traditional' '
	openssl ec -in o-EC__pkeyopt_ec_paramgen_curve_P_256.pem -aes256 \
		-passout file:pw -out leg-ec.pem 2>/dev/null &&
	openssl rsa -in o-RSA__pkeyopt_rsa_keygen_bits_2048.pem -traditional -aes256 \
		-passout file:pw -out leg-rsa.pem 2>/dev/null &&
	for f in leg-ec.pem leg-rsa.pem
	do
		grep -q "^Proc-Type: 4,ENCRYPTED" $f &&
		grep -q "^DEK-Info: AES-256-CBC," $f &&
		openssl pkey -in $f -passin file:pw -pubout >want.pem &&
		pkit crypto key public --password-file pw $f | test_cmp want.pem - &&
		pkit crypto key inspect --password-file pw $f | grep -q "Private-Key" ||
		return 1
	done
'

test_expect_success 'openssl reads the PKCS#1 forms pkit writes' '
	pkit crypto key format --pem --pkcs1 --password-file pw --out p1.pem rsa.pem &&
	openssl rsa -in p1.pem -passin file:pw -noout -check &&
	pkit crypto key format --pem --pkcs1 rsa.pub.pem >p1pub.pem &&
	openssl rsa -RSAPublicKey_in -in p1pub.pem -noout
'

if ! test_have ssh-keygen
then
	test_skip 'OpenSSH interop' 'ssh-keygen is not installed'
	test_done
fi

SSH_KINDS='
--crv=P-256 ecdsa
--crv=P-384 ecdsa
--crv=P-521 ecdsa
--crv=Ed25519 ed25519
--kty=RSA rsa
'

test_expect_success 'ssh-keygen -l reads pkit OpenSSH public keys, same fingerprint' '
	echo "$SSH_KINDS" | while read -r flag name
	do
		test -n "$name" || continue
		stem=id-$(echo "$flag" | tr -c "a-zA-Z0-9\n" _) &&
		pkit crypto keypair $flag --format ssh --no-password --insecure \
			$stem.pub $stem &&
		ssh-keygen -l -E sha256 -f $stem.pub >l &&
		grep -qi "($name)" l &&
		fp=$(cut -d" " -f2 l) &&
		test "$(pkit crypto key fingerprint --ssh $stem.pub)" = "$fp" &&
		test "$(pkit crypto key fingerprint --ssh $stem)" = "$fp" ||
		{ echo "failed: $flag" >&2; cat l >&2; return 1; }
	done
'

test_expect_success 'ssh-keygen -y reads pkit openssh-key-v1 keys and gives the same public key' '
	for f in id-*.pub
	do
		ssh-keygen -y -f ${f%.pub} >y &&
		cut -d" " -f1,2 y | test_cmp $f - || return 1
	done
'

test_expect_success 'ssh-keygen -y reads the encrypted PKCS#8 pkit writes for ECDSA and RSA' '
	pkit crypto keypair --format ssh --password-file pw e1.pub e1 &&
	pkit crypto keypair --kty RSA --format ssh --password-file pw e2.pub e2 &&
	for k in e1 e2
	do
		ssh-keygen -y -P "correct horse" -f $k >y &&
		cut -d" " -f1,2 y | test_cmp $k.pub - || return 1
	done
'

test_expect_success 'pkit reads ssh-keygen keys' '
	for t in "ed25519" "ecdsa -b 256" "ecdsa -b 384" "ecdsa -b 521" "rsa -b 2048"
	do
		k=s-$(echo "$t" | tr -c "a-z0-9\n" _) &&
		ssh-keygen -q -t $t -N "" -C me@here -f $k &&
		pkit crypto key public --format ssh $k >p &&
		cut -d" " -f1,2 $k.pub | test_cmp - p &&
		pkit crypto key public --format ssh $k.pub | test_cmp p - &&
		fp=$(ssh-keygen -l -E sha256 -f $k.pub | cut -d" " -f2) &&
		test "$(pkit crypto key fingerprint --ssh $k)" = "$fp" &&
		pkit crypto key format --pem --no-password --insecure $k |
			openssl pkey -noout &&
		pkit crypto key format --ssh --no-password --insecure --out $k.again $k &&
		ssh-keygen -y -f $k.again | cut -d" " -f1,2 | test_cmp p - ||
		{ echo "failed: $t" >&2; return 1; }
	done
'

test_expect_success 'encrypted ssh-keygen keys: a clear error, but the public half reads' '
	ssh-keygen -q -t ecdsa -N "correct horse" -f enc &&
	test_expect_code 1 pkit crypto key format --password-file pw --out x enc 2>err &&
	test_one_line err &&
	grep -q "ssh-keygen -p -m PKCS8" err &&
	test ! -e x &&
	cp enc enc.orig &&
	test_expect_code 1 pkit crypto change-pass --password-file pw \
		--new-password-file pw enc 2>err &&
	test_one_line err &&
	grep -q "^pkit: enc: encrypted OpenSSH private keys are not supported" err &&
	test_cmp enc.orig enc &&
	pkit crypto key public --format ssh enc >p &&
	cut -d" " -f1,2 enc.pub | test_cmp - p &&
	ssh-keygen -p -m PKCS8 -P "correct horse" -N "correct horse" -f enc >/dev/null &&
	pkit crypto key public --format ssh --password-file pw enc | test_cmp p -
'

test_done

#!/bin/sh
test_description='secrets: no password on the command line, loose key files refused, nothing secret in logs or output'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-ca.sh"

test_expect_success 'no verb takes a password, passphrase or secret as an argument' '
	pkit __list >paths &&
	: >bad &&
	while read -r path
	do
		pkit help $path | grep -q "^Commands:" && continue
		pkit $path --help >help 2>&1 || { echo "$path: --help failed" >>bad; continue; }
		# option lines "  -x, --name <arg>  help": a secret may come
		# from a <file> (or a prompt), never as the value itself; an
		# OIDC client secret is public (step-ca serves it in /provisioners)
		sed -n "s/^ *\(-., \)\{0,1\}--\([a-z0-9-]*\)\(, --[a-z0-9-]*\)* <\([^>]*\)>.*/\2 \4/p" help |
		grep -i -e "pass[a-z-]* " -e "secret[a-z-]* " -e "pin " |
		grep -v -e " file\$" -e "-size " -e "^client-secret " |
		sed "s|^|$path: --|" >>bad
	done <paths &&
	test_cmp /dev/null bad
'

test_expect_success 'keys to load: plain and encrypted, in PEM and as JWK' '
	echo "key pw" >pw.txt &&
	pkit crypto keypair --no-password --insecure plain.pub plain.key &&
	pkit crypto keypair --password-file pw.txt enc.pub enc.key &&
	pkit crypto jwk create --no-password --insecure jwk.pub jwk.json &&
	pkit crypto jwk create --password-file pw.txt jwke.pub jwke.json &&
	pkit certificate create --profile root-ca --no-password --insecure \
		"Test Root" ca.crt ca.key &&
	pkit certificate create --csr --no-password --insecure leaf leaf.csr leaf.key &&
	test_mode plain.key 600 && test_mode enc.key 600 && test_mode jwke.json 600
'

# refused FILE CMD...: with FILE 0644 the command fails with one line
# naming FILE and the mode; with --insecure (appended) it works; 0600 too.
refused() {
	f=$1; shift
	chmod 644 "$f" &&
	test_expect_code 1 "$@" >out 2>err &&
	test_one_line err &&
	grep -q "$f: private key is accessible by others (mode 0644)" err &&
	"$@" --insecure >out 2>err &&
	chmod 600 "$f" &&
	"$@" >out 2>err
}

test_expect_success 'a group/world readable key file is refused, plain or encrypted' '
	refused enc.key pkit crypto key format --password-file pw.txt \
		--new-password-file pw.txt --force --out x.pem enc.key &&
	refused plain.key pkit crypto key format --new-password-file pw.txt \
		--force --out x.pem plain.key
'

test_expect_success 'the same for a CA key, JWKs and a token key' '
	refused ca.key pkit certificate sign leaf.csr ca.crt ca.key &&
	echo "{}" >claims.json &&
	refused jwk.json pkit crypto jwt sign --key jwk.json --iss a --aud b --sub c --exp 5m claims.json &&
	refused jwke.json pkit crypto jwt sign --key jwke.json --password-file pw.txt \
		--iss a --aud b --sub c --exp 5m claims.json
'

test_expect_success 'standard input is not a file to check' '
	pkit crypto jwt sign --key - --iss a --aud b --sub c --exp 5m <jwk.json >out
'

test_expect_success 'a CA, a certificate, a renewal, a revocation: the run' '
	echo "ca keys pw XYZZY-1" >capw.txt &&
	pkit ca init --name Secrets --dns localhost --dns 127.0.0.1 \
		--address "$ADDR" --password-file capw.txt >init.out 2>init.err &&
	ca_start --password-file capw.txt &&
	pkit ca certificate --provisioner-password-file capw.txt \
		--san localhost localhost s.crt s.key >cert.out 2>cert.err &&
	pkit ca token --provisioner-password-file capw.txt localhost >tok.out 2>tok.err &&
	pkit ca renew --force s.crt s.key >renew.out 2>renew.err &&
	pkit ca rekey --force s.crt s.key >rekey.out 2>rekey.err &&
	serial=$(openssl x509 -in s.crt -noout -serial | sed "s/.*=//") &&
	pkit ca revoke --provisioner-password-file capw.txt "0x$serial" \
		>revoke.out 2>revoke.err &&
	ca_stop
'

test_expect_success 'ca serve refuses an issuing key others can read' '
	k="$PKITPATH/secrets/intermediate_ca_key" &&
	chmod 640 "$k" &&
	test_expect_code 1 pkit ca serve --password-file capw.txt >out 2>err;
	st=$?; chmod 600 "$k" && test $st = 0 &&
	test_one_line err &&
	grep -q "intermediate_ca_key: private key is accessible by others (mode 0640)" err
'

test_expect_success 'the password, the keys and the tokens are in no log or output' '
	: >secrets &&
	echo "XYZZY-1" >>secrets &&
	# the CA keys decrypted, the leaf key, the provisioner key (d)
	for k in "$PKITPATH/secrets/intermediate_ca_key" "$PKITPATH/secrets/root_ca_key"
	do
		openssl pkey -in "$k" -passin file:capw.txt -outform DER |
		base64 -w0 | cut -c 20-60 >>secrets && echo >>secrets || return 1
	done &&
	openssl pkey -in s.key -outform DER | base64 -w0 | cut -c 20-60 >>secrets &&
	echo >>secrets &&
	jget "$PKITPATH/config/ca.json" \
		"d[\"authority\"][\"provisioners\"][0][\"encryptedKey\"]" >ek.jwe &&
	pkit crypto jwe decrypt --password-file capw.txt ek.jwe >prov.json &&
	jget prov.json "d[\"d\"]" >>secrets &&
	# the token'"'"'s signature
	cut -d. -f3 tok.out >>secrets &&
	sed -i "/^\$/d" secrets &&
	test $(wc -l <secrets) -ge 6 &&
	for f in serve.log serve.out init.out init.err cert.out cert.err tok.err \
		renew.out renew.err rekey.out rekey.err revoke.out revoke.err
	do
		test -f $f || { echo "no $f" >&2; return 1; }
		if grep -F -f secrets $f >found
		then
			echo "$f holds a secret:" >&2; cat found >&2; return 1
		fi
	done
'

test_done

#!/bin/sh
test_description='certificate install/uninstall: the trust directory and update program, without touching the system'
. "$(dirname "$0")/lib.sh"

# Never the real store: a directory here and a fake update program that
# logs its calls.
STORE="$TRASH/store"
export PKIT_CA_CERTIFICATES_DIR="$STORE"
cat >fake-update <<\EOS
#!/bin/sh
echo "update-ca-certificates $*" >>"$TRASH/update.log"
echo "Updating certificates in /etc/ssl/certs..."
exit 0
EOS
chmod +x fake-update
export PKIT_UPDATE_CA_CERTIFICATES="$TRASH/fake-update"
export TRASH

cat >ossl.cnf <<\EOC
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[root]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
EOC

mkroot() {
	openssl req -x509 -config ossl.cnf -extensions root -new -newkey ec \
		-pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" \
		-subj "$2" -days 3650 -out "$1.crt"
}

test_expect_success 'install copies the certificate as <CN>.crt and runs the update' '
	mkroot root "/O=Test/CN=Test Root CA" &&
	openssl x509 -in root.crt -outform DER -out root.der &&
	pkit certificate install root.der >out 2>err &&
	test ! -s out &&
	grep -q "has been installed as $STORE/Test_Root_CA.crt" err &&
	grep -q "^Updating certificates" err &&
	test_cmp root.crt "$STORE/Test_Root_CA.crt" &&
	test_mode "$STORE/Test_Root_CA.crt" 644 &&
	test "$(cat update.log)" = "update-ca-certificates "
'

test_expect_success 'installing the same certificate again changes nothing' '
	cp "$STORE/Test_Root_CA.crt" before &&
	pkit certificate install root.crt 2>err &&
	grep -q "was already installed" err &&
	test_cmp before "$STORE/Test_Root_CA.crt" &&
	test $(wc -l <update.log) = 2
'

test_expect_success 'another certificate under the same name needs --force' '
	mkroot other "/CN=Test Root CA" &&
	test_must_fail pkit certificate install other.crt 2>err &&
	test_one_line err && grep -q -- "--force" err &&
	test_cmp root.crt "$STORE/Test_Root_CA.crt" &&
	test $(wc -l <update.log) = 2 &&
	pkit certificate install --force other.crt 2>err &&
	test_cmp other.crt "$STORE/Test_Root_CA.crt"
'

test_expect_success '--prefix names the file' '
	pkit certificate install --prefix "my root" root.crt 2>err &&
	test_cmp root.crt "$STORE/my_root.crt"
'

test_expect_success 'uninstall removes it and runs the update; twice is an error' '
	pkit certificate uninstall --prefix "my root" root.crt 2>err &&
	test ! -e "$STORE/my_root.crt" &&
	grep -q "has been removed" err &&
	n=$(wc -l <update.log) &&
	test_must_fail pkit certificate uninstall --prefix "my root" root.crt 2>err &&
	test_one_line err && grep -q "not installed" err &&
	test $(wc -l <update.log) = $n
'

test_expect_success 'uninstall keeps a file that holds another certificate unless --force' '
	test_must_fail pkit certificate uninstall root.crt 2>err &&
	test_one_line err && grep -q "another certificate" err &&
	test -e "$STORE/Test_Root_CA.crt" &&
	pkit certificate uninstall --force root.crt 2>err &&
	test ! -e "$STORE/Test_Root_CA.crt"
'

test_expect_success 'a certificate without a common name gets a name from its fingerprint' '
	mkroot nocn "/O=No Name Inc" &&
	pkit certificate install nocn.crt 2>err &&
	ls "$STORE" | grep -qx "pkit-[0-9a-f]\{8\}\.crt"
'

test_expect_success 'a failing or missing update program is one line and exit 1' '
	printf "#!/bin/sh\nexit 3\n" >failing-update && chmod +x failing-update &&
	PKIT_UPDATE_CA_CERTIFICATES=$TRASH/failing-update \
		test_must_fail pkit certificate install --prefix f root.crt 2>err &&
	test_one_line err && grep -q "exit status 3" err &&
	PKIT_UPDATE_CA_CERTIFICATES=$TRASH/no-such-program \
		test_must_fail pkit certificate install --prefix f root.crt 2>err &&
	test_one_line err && grep -q "no-such-program" err
'

test_expect_success 'an empty PKIT_UPDATE_CA_CERTIFICATES runs nothing' '
	n=$(wc -l <update.log) &&
	PKIT_UPDATE_CA_CERTIFICATES= pkit certificate install --prefix quiet root.crt 2>err &&
	test -e "$STORE/quiet.crt" &&
	test $(wc -l <update.log) = $n
'

test_expect_success 'without root the store is refused with a clear message' '
	mkdir ro-store &&
	chmod 755 ro-store &&
	if test "$(id -u)" = 0
	then
		chmod 755 "$TRASH" &&
		setpriv --reuid=65534 --regid=65534 --clear-groups env \
			PKIT_CA_CERTIFICATES_DIR="$TRASH/ro-store" \
			"$PKIT_BIN" certificate install root.crt >out 2>err
	else
		chmod 555 ro-store &&
		PKIT_CA_CERTIFICATES_DIR="$TRASH/ro-store" \
			pkit certificate install root.crt >out 2>err
	fi
	test $? = 1 &&
	test_one_line err &&
	grep -q "needs root" err &&
	test -z "$(ls ro-store)"
'

test_expect_success 'the help documents the environment' '
	pkit certificate install --help >out &&
	grep -q PKIT_CA_CERTIFICATES_DIR out &&
	grep -q PKIT_UPDATE_CA_CERTIFICATES out &&
	pkit certificate uninstall --help | grep -q PKIT_CA_CERTIFICATES_DIR
'

test_expect_success 'errors: missing file, malformed file, usage' '
	test_must_fail pkit certificate install nosuch.crt 2>err &&
	test_one_line err && grep -q nosuch.crt err &&
	echo junk >junk.crt &&
	test_must_fail pkit certificate install junk.crt 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit certificate install 2>err && test_one_line err &&
	test_expect_code 2 pkit certificate uninstall --bogus root.crt 2>err &&
	test_one_line err
'

test_done

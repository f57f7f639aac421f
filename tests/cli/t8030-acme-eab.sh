#!/bin/sh
test_description='ACME External Account Binding: pkit ca acme eab, lego --eab

A provisioner with "requireEAB": true refuses accounts without a binding;
pkit ca acme eab add makes a key in the CA database, lego registers with
it (http-01 then issues), the key binds one account only; list and
remove; the command'"'"'s error classes.'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-ca.sh"
. "$TEST_SRC_DIR/lib-acme.sh"

if ! test_have lego || ! test_have dnsmasq; then
	say "skip: lego or dnsmasq missing"
	test_done
fi

lg() {
	dir=$1
	shift
	LEGO_CA_CERTIFICATES="$PWD/ca/root.crt" lego --server "$DIR_URL" \
		--path "$PWD/$dir" --accept-tos --email test@example.com "$@" \
		>>lego.log 2>&1
}

test_expect_success 'set up: an ACME provisioner with requireEAB' '
	acme_setup "{\"requireEAB\": true}" &&
	acme_start
'

test_expect_success 'the directory says externalAccountRequired' '
	test "$(get /acme/acme/directory)" = 200 &&
	jget out "d[\"meta\"][\"externalAccountRequired\"]" >v &&
	test "$(cat v)" = True
'

test_expect_success 'eab add: a key id and a base64url HMAC key' '
	pkit ca acme eab add --config ca.json acme web01 >add.txt &&
	grep -q "^Key ID: web01$" add.txt &&
	hmac=$(sed -n "s/^HMAC key: //p" add.txt) &&
	test ${#hmac} = 43 &&
	echo "$hmac" >hmac.txt
'

test_expect_success 'eab add --format json, with a random id' '
	pkit ca acme eab add --config ca.json acme --format json >add.json &&
	jget add.json "d[\"kid\"]" >kid2 &&
	test -s kid2 &&
	jget add.json "len(d[\"hmacKey\"])" >len &&
	test "$(cat len)" = 43
'

test_expect_success 'eab add refuses a key id that exists' '
	test_must_fail pkit ca acme eab add --config ca.json acme web01 2>err &&
	test_one_line err &&
	grep -q "exists already" err
'

test_expect_success 'lego without --eab is refused' '
	test_must_fail lg l1 --domains e1.test.internal --http \
		--http.port "127.0.0.1:$HTTP01_PORT" run &&
	grep -q "External Account Binding" lego.log &&
	test ! -f l1/certificates/e1.test.internal.crt
'

test_expect_success 'lego with a wrong HMAC key is refused' '
	test_must_fail lg l2 --eab --kid web01 \
		--hmac AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA \
		--domains e1.test.internal --http \
		--http.port "127.0.0.1:$HTTP01_PORT" run &&
	test ! -f l2/certificates/e1.test.internal.crt
'

test_expect_success 'lego --eab registers and gets a certificate' '
	lg l3 --eab --kid web01 --hmac "$(cat hmac.txt)" \
		--domains e1.test.internal --http \
		--http.port "127.0.0.1:$HTTP01_PORT" run &&
	openssl verify -CAfile ca/root.crt -untrusted ca/int.crt \
		l3/certificates/e1.test.internal.crt
'

test_expect_success 'the key binds one account only' '
	test_must_fail lg l4 --eab --kid web01 --hmac "$(cat hmac.txt)" \
		--domains e2.test.internal --http \
		--http.port "127.0.0.1:$HTTP01_PORT" run &&
	grep -q "bound" lego.log &&
	test ! -f l4/certificates/e2.test.internal.crt
'

test_expect_success 'eab list shows the keys and the bound account' '
	pkit ca acme eab list --config ca.json acme >list &&
	test "$(wc -l <list)" = 2 &&
	grep "^web01	" list >w &&
	! grep -q "	-$" w &&
	pkit ca acme eab list --config ca.json acme --format json >list.json &&
	jget list.json "len(d)" >n &&
	test "$(cat n)" = 2 &&
	! grep -q "$(cat hmac.txt)" list.json
'

test_expect_success 'eab remove' '
	pkit ca acme eab remove --config ca.json acme web01 &&
	pkit ca acme eab list --config ca.json acme >list &&
	test "$(wc -l <list)" = 1 &&
	test_must_fail pkit ca acme eab remove --config ca.json acme web01 2>err &&
	test_one_line err
'

test_expect_success 'errors: not an ACME provisioner, no ca.json, usage' '
	test_must_fail pkit ca acme eab list --config ca.json admin 2>err &&
	test_one_line err &&
	grep -q "no ACME provisioner named admin" err &&
	test_must_fail pkit ca acme eab list --config nope.json acme 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit ca acme eab add 2>err &&
	test_expect_code 2 pkit ca acme eab list --bogus acme 2>err &&
	test_expect_code 2 pkit ca acme eab remove acme 2>err
'

test_expect_success 'the server stops cleanly' '
	ca_stop
'

test_done

#!/bin/sh
test_description='pkit ca serve: /sign, /renew, /rekey and /revoke (SQLite)

The authority end to end: ca init, ca serve on 127.0.0.1, tokens minted
with pkit crypto jwt sign from the provisioner key in encryptedKey,
requests with curl, chains checked with openssl verify.  Bodies and
statuses are compared with step-ca 0.19'"'"'s captured answers.'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-ca.sh"
. "$TEST_SRC_DIR/lib-casign.sh"

casign_suite

sqlq() {
	"$SYS_PYTHON" -c 'import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' \
		"$PKITPATH/db/pkit.db" "$1"
}

test_expect_success 'SQLite holds the certificates, revocations and token ids' '
	test -f "$PKITPATH/db/pkit.db" &&
	n=$(sqlq "SELECT count(*) FROM pkit_certs") &&
	test "$n" -ge 28 &&
	test "$(sqlq "SELECT count(*) FROM pkit_revoked")" = 2 &&
	test "$(sqlq "SELECT count(*) FROM pkit_revoked WHERE mtls = 1")" = 1 &&
	test "$(sqlq "SELECT count(*) FROM pkit_tokens")" -ge 25 &&
	test "$(sqlq "SELECT provisioner_name FROM pkit_certs LIMIT 1")" = admin
'

test_expect_success 'without a db in ca.json: tokens are single-use in memory, revoke is 501' '
	"$SYS_PYTHON" -c "import json, sys
p = sys.argv[1]
d = json.load(open(p))
del d[\"db\"]
json.dump(d, open(\"nodb.json\", \"w\"), indent=1)" "$PKITPATH/config/ca.json" &&
	ca_start --password-file pw.txt nodb.json &&
	sign_req api.localhost.csr "$(token api.localhost)" &&
	test "$(post /sign req.json)" = 201 &&
	test "$(post /sign req.json)" = 401 &&
	t=$(token 5 "$CA_URL/1.0/revoke") &&
	printf "{\"serial\": \"5\", \"ott\": \"%s\", \"passive\": true}" "$t" >r.json &&
	test "$(post /revoke r.json)" = 501 &&
	ca_stop
'

test_expect_success 'a step-ca ca.json (db type badgerv2) keeps pkit.db in its folder' '
	sed "s|\"type\": \"sqlite\"|\"type\": \"badgerv2\"|; s|\"dataSource\": \"[^\"]*\"|\"dataSource\": \"$PWD/badger\"|" \
		"$PKITPATH/config/ca.json" >badger.json &&
	grep -q badgerv2 badger.json &&
	ca_start --password-file pw.txt badger.json &&
	sign_req api.localhost.csr "$(token api.localhost)" &&
	test "$(post /sign req.json)" = 201 &&
	ca_stop &&
	test -f badger/pkit.db
'

test_expect_success 'a database that cannot be opened stops the start' '
	sed "s|\"dataSource\": \"[^\"]*\"|\"dataSource\": \"/proc/nope/pkit.db\"|" \
		"$PKITPATH/config/ca.json" >baddb.json &&
	test_must_fail pkit ca serve --password-file pw.txt baddb.json 2>err &&
	test_one_line err &&
	grep -q "/proc/nope" err
'

test_done

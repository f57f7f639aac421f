#!/bin/sh
test_description='ca revoke --offline makes the CRL again; ca crl --offline

With no server running, an offline revocation is recorded and, when
ca.json enables the CRL, the CRL kept in the database is made again at
once by the server'"'"'s code (the next number, the new entry): openssl
reads the revoked serial in it and verify -crl_check refuses the
certificate.  pkit ca crl --offline prints that CRL, and a server started
later serves the same bytes.  Without the CRL enabled nothing is made.'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-ca.sh"
. "$TEST_SRC_DIR/lib-carevoke.sh"

trap ca_cleanup EXIT

DB=$SERVER/db/pkit.db

# stored FILE: the CRL crl.c keeps in the database (DER), into FILE.
stored() {
	"$SYS_PYTHON" -c 'import sqlite3, sys
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
row = db.execute("SELECT value FROM pkit_kv WHERE bucket = ? AND key = ?",
    ("crl", "current")).fetchone()
sys.exit(1) if row is None else open(sys.argv[2], "wb").write(row[0])' "$DB" "$1"
}

crl_text() {
	openssl crl -inform DER -in "$1" -noout -text
}

crl_number() {
	crl_text "$1" | sed -n '/CRL Number/{n;s/^ *//;p;}'
}

# off ARGS: pkit ARGS on the CA's host ($SERVER), the server down.
off() {
	PKITPATH=$SERVER pkit "$@"
}

test_expect_success 'setup: a CA with the CRL enabled (no generateOnRevoke), two leaves, CRL 1' '
	rv_init &&
	rv_conf "{\"crl\": {\"enabled\": true, \"cacheDuration\": \"2h\"}}" &&
	serve && rv_bootstrap &&
	rv_cert leaf && rv_cert other &&
	curl -sS -o crl1.der --cacert "$ROOT" "https://127.0.0.1:$PORT/crl" &&
	test "$(crl_number crl1.der)" = 1 &&
	ca_stop &&
	stored s1.der && cmp crl1.der s1.der
'

test_expect_success 'revoke --offline: the CRL in the database is made again, with the serial' '
	off ca revoke --offline "0x$(serial_of leaf.crt)" --provisioner admin \
		--provisioner-password-file ca-pw.txt --ca-password-file ca-pw.txt \
		--reasonCode KeyCompromise 2>err &&
	grep -q "has been revoked" err &&
	stored s2.der &&
	openssl crl -inform DER -in s2.der -CAfile "$CHAIN" -noout -verify 2>err &&
	grep -q "verify OK" err &&
	crl_text s2.der >text &&
	grep -q "Serial Number: $(serial_of leaf.crt)$" text &&
	grep -q "Key Compromise" text &&
	test "$(grep -c "Serial Number:" text)" = 1 &&
	test "$(crl_number s2.der)" = 2 &&
	grep -q "URI:https://localhost:$PORT/1.0/crl" text
'

test_expect_success 'openssl verify -crl_check refuses the revoked leaf, accepts the other' '
	openssl crl -inform DER -in s2.der -out s2.pem &&
	test_must_fail openssl verify -crl_check -CAfile "$ROOT" -untrusted "$INT" \
		-CRLfile s2.pem leaf.crt >out 2>&1 &&
	grep -q "certificate revoked" out &&
	openssl verify -crl_check -CAfile "$ROOT" -untrusted "$INT" \
		-CRLfile s2.pem other.crt
'

test_expect_success 'ca crl --offline: that CRL (no new number), PEM on stdout, DER into a file' '
	off ca crl --offline --ca-password-file ca-pw.txt >got.pem &&
	head -n 1 got.pem | grep -q "BEGIN X509 CRL" &&
	openssl crl -in got.pem -outform DER | cmp - s2.der &&
	off ca crl --offline --ca-password-file ca-pw.txt got.der 2>err &&
	grep -q "The certificate revocation list has been saved in got.der." err &&
	cmp got.der s2.der &&
	stored s2b.der && cmp s2.der s2b.der
'

test_expect_success 'a server started later serves the same bytes' '
	serve &&
	curl -sS -o served.der --cacert "$ROOT" "https://127.0.0.1:$PORT/crl" &&
	cmp s2.der served.der &&
	ca_stop
'

test_expect_success 'revoking a revoked serial again: refused, the CRL unchanged' '
	test_expect_code 1 off ca revoke --offline "0x$(serial_of leaf.crt)" \
		--provisioner admin --provisioner-password-file ca-pw.txt \
		--ca-password-file ca-pw.txt 2>err &&
	test_one_line err && grep -qi "already revoked" err &&
	stored s3.der && cmp s2.der s3.der
'

test_expect_success 'ca crl --offline: bad flags exit 2, a wrong password 1, no file' '
	test_expect_code 2 off ca crl --ca-password-file ca-pw.txt x.der 2>err &&
	test_one_line err && grep -q "need --offline" err &&
	test_expect_code 2 off ca crl --offline --ca-url https://localhost:1 x.der 2>err &&
	test_one_line err &&
	echo wrong >bad-pw.txt &&
	test_expect_code 1 off ca crl --offline --ca-password-file bad-pw.txt x.der 2>err &&
	test_one_line err &&
	test ! -e x.der
'

test_expect_success 'the CRL disabled: revoke --offline makes none, ca crl --offline says so' '
	rv_conf "{\"crl\": {\"enabled\": false}}" &&
	off ca revoke --offline "0x$(serial_of other.crt)" --provisioner admin \
		--provisioner-password-file ca-pw.txt --ca-password-file ca-pw.txt 2>err &&
	stored s4.der && cmp s2.der s4.der &&
	test_expect_code 1 off ca crl --offline --ca-password-file ca-pw.txt x.der 2>err &&
	test_one_line err && grep -q "not enabled" err &&
	test ! -e x.der
'

test_expect_success 'enabled again: ca crl --offline adds the revocation made meanwhile' '
	rv_conf "{\"crl\": {\"enabled\": true, \"cacheDuration\": \"2h\"}}" &&
	off ca crl --offline --ca-password-file ca-pw.txt --format der - >s5.der &&
	test "$(crl_number s5.der)" = 3 &&
	crl_text s5.der >text &&
	test "$(grep -c "Serial Number:" text)" = 2 &&
	grep -q "Serial Number: $(serial_of other.crt)$" text &&
	stored s5b.der && cmp s5.der s5b.der
'

test_done

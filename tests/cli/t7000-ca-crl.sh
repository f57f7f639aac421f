#!/bin/sh
test_description='pkit ca serve: the CRL (GET /crl, /1.0/crl), off by default

A CA made with pkit ca init serves no CRL (404 as step-ca) and its leaves
carry no distribution point until ca.json has "crl": {"enabled": true}.
Then /crl is a v2 CRL signed by the intermediate that openssl crl -verify
accepts, with a CRL number, the AKI and an issuing distribution point
that leaves name as their CRL distribution point; a revocation shows at
once with its reason and openssl verify -crl_check refuses the revoked
leaf (and accepts another); the CRL survives a restart byte for byte; a
second node on the same database serves the same CRL and sees the first
node'"'"'s revocations within PKIT_CA_CRL_CHECK seconds.'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-ca.sh"
. "$TEST_SRC_DIR/lib-carevoke.sh"

t7000_cleanup() {
	if test -n "$B_PID"; then
		kill -KILL "$B_PID" 2>/dev/null
		wait "$B_PID" 2>/dev/null
		B_PID=
	fi
	ca_cleanup
}
trap t7000_cleanup EXIT

# crl_get PATH FILE [PORT]: GET PATH into FILE; prints the status.
crl_get() {
	curl -sS -o "$2" -D hdr -w '%{http_code}\n' --cacert "$ROOT" \
		"https://127.0.0.1:${3:-$PORT}$1"
}

# crl_text FILE: openssl's text of a DER CRL.
crl_text() {
	openssl crl -inform DER -in "$1" -noout -text
}

crl_number() {
	crl_text "$1" | sed -n '/CRL Number/{n;s/^ *//;p;}'
}

test_expect_success 'disabled by default: /crl is a 404, leaves carry no CRL DP' '
	rv_init && serve && rv_bootstrap &&
	test "$(crl_get /crl out)" = 404 &&
	grep -q "\"status\":404" out &&
	test "$(crl_get /1.0/crl out)" = 404 &&
	rv_cert plain &&
	test_expect_code 1 pkit ca crl none.der 2>err &&
	test_one_line err && grep -q "/1.0/crl: .*" err &&
	test ! -e none.der &&
	! openssl x509 -in plain.crt -noout -text | grep -q "CRL Distribution" &&
	! openssl x509 -in plain.crt -noout -text | grep -q "Authority Information Access"
'

test_expect_success 'a malformed crl block refuses the configuration' '
	ca_stop &&
	cp "$SERVER/config/ca.json" ca.json.good &&
	rv_conf "{\"crl\": {\"enabled\": \"yes\"}}" &&
	test_expect_code 1 "$PKIT_BIN" ca serve --password-file ca-pw.txt \
		"$SERVER/config/ca.json" 2>err &&
	test_one_line err && grep -q "crl.enabled" err &&
	cp ca.json.good "$SERVER/config/ca.json"
'

test_expect_success 'enabled: a v2 CRL signed by the intermediate, empty, number 1' '
	rv_conf "{\"crl\": {\"enabled\": true, \"generateOnRevoke\": true, \"cacheDuration\": \"2h\"}}" &&
	serve &&
	test "$(crl_get /crl crl0.der)" = 200 &&
	grep -qi "^content-type: application/pkix-crl" hdr &&
	grep -qi "^content-disposition: attachment; filename=\"crl.crl\"" hdr &&
	expires=$(tr -d "\r" <hdr | sed -n "s/^expires: //Ip") &&
	openssl crl -inform DER -in crl0.der -CAfile "$CHAIN" -noout -verify 2>err &&
	grep -q "verify OK" err &&
	crl_text crl0.der >text &&
	grep -q "Version 2" text &&
	grep -q "Issuer: .*CN = Revoke Intermediate CA" text &&
	grep -q "No Revoked Certificates" text &&
	grep -q "Authority Key Identifier" text &&
	grep -q "Issuing Distribution Point: critical" text &&
	grep -q "URI:https://localhost:$PORT/1.0/crl" text &&
	test "$(crl_number crl0.der)" = 1 &&
	last=$(openssl crl -inform DER -in crl0.der -noout -lastupdate | cut -d= -f2) &&
	next=$(openssl crl -inform DER -in crl0.der -noout -nextupdate | cut -d= -f2) &&
	test $(( $(date -d "$next" +%s) - $(date -d "$last" +%s) )) -eq 7200 &&
	test "$(date -d "$expires" +%s)" = "$(date -d "$next" +%s)"
'

test_expect_success 'PEM with ?pem=true, the same CRL under /1.0' '
	test "$(crl_get "/1.0/crl?pem=true" crl0.pem)" = 200 &&
	grep -qi "^content-type: application/x-pem-file" hdr &&
	! grep -qi "^content-disposition" hdr &&
	head -n 1 crl0.pem | grep -q "BEGIN X509 CRL" &&
	openssl crl -in crl0.pem -outform DER -out crl0b.der &&
	cmp crl0.der crl0b.der &&
	test "$(crl_get /1.0/crl crl0c.der)" = 200 && cmp crl0.der crl0c.der
'

test_expect_success 'leaves carry the CRL distribution point of the IDP' '
	rv_cert leaf && rv_cert other &&
	openssl x509 -in leaf.crt -noout -ext crlDistributionPoints >dp &&
	grep -q "URI:https://localhost:$PORT/1.0/crl$" dp &&
	! openssl x509 -in leaf.crt -noout -text | grep -q "Authority Information Access" &&
	openssl verify -crl_check -CAfile "$ROOT" -untrusted "$INT" \
		-CRLfile crl0.pem leaf.crt
'

# tmpl_conf [CRLDP]: give the JWK provisioner an x509 template (setting
# crlDistributionPoints to CRLDP when given).
tmpl_conf() {
	"$SYS_PYTHON" - "$SERVER/config/ca.json" "${1:-}" <<-\EOF
	import json, sys
	p, dp = sys.argv[1], sys.argv[2]
	d = json.load(open(p))
	t = ('{"subject": {"commonName": {{ toJson .Subject.CommonName }}}, '
	     '"sans": {{ toJson .SANs }}, "keyUsage": ["digitalSignature"], '
	     '"extKeyUsage": ["serverAuth"]')
	if dp:
	    t += ', "crlDistributionPoints": ["%s"]' % dp
	d["authority"]["provisioners"][0]["options"] = {"x509": {"template": t + "}"}}
	json.dump(d, open(p, "w"), indent=1)
	EOF
}

test_expect_success 'a provisioner template gets the distribution point too, unless it sets one' '
	ca_stop &&
	cp "$SERVER/config/ca.json" ca.json.notmpl &&
	tmpl_conf && serve &&
	rv_cert tmpl &&
	! openssl x509 -in tmpl.crt -noout -text | grep -q "Client Authentication" &&
	openssl x509 -in tmpl.crt -noout -ext crlDistributionPoints >dp &&
	grep -q "URI:https://localhost:$PORT/1.0/crl$" dp &&
	ca_stop &&
	cp ca.json.notmpl "$SERVER/config/ca.json" &&
	tmpl_conf https://other/x.crl && serve &&
	rv_cert tmpl2 &&
	openssl x509 -in tmpl2.crt -noout -ext crlDistributionPoints >dp &&
	grep -q "URI:https://other/x.crl$" dp &&
	test "$(grep -c URI: dp)" = 1 &&
	ca_stop && cp ca.json.notmpl "$SERVER/config/ca.json" && serve
'

test_expect_success 'a revocation shows at once, with its reason; verify -crl_check refuses' '
	rv_revoke leaf --reasonCode 1 &&
	test "$(crl_get /crl crl1.der)" = 200 &&
	openssl crl -inform DER -in crl1.der -CAfile "$CHAIN" -noout -verify &&
	crl_text crl1.der >text &&
	grep -q "Serial Number: $(serial_of leaf.crt)$" text &&
	grep -q "Key Compromise" text &&
	test "$(grep -c "Serial Number:" text)" = 1 &&
	test "$(crl_number crl1.der)" = 2 &&
	openssl crl -inform DER -in crl1.der -out crl1.pem &&
	test_must_fail openssl verify -crl_check -CAfile "$ROOT" -untrusted "$INT" \
		-CRLfile crl1.pem leaf.crt >out 2>&1 &&
	grep -q "certificate revoked" out &&
	openssl verify -crl_check -CAfile "$ROOT" -untrusted "$INT" \
		-CRLfile crl1.pem other.crt
'

test_expect_success 'unspecified reason: an entry without a reason code' '
	rv_revoke other &&
	test "$(crl_get /crl crl2.der)" = 200 &&
	crl_text crl2.der >text &&
	test "$(grep -c "Serial Number:" text)" = 2 &&
	test "$(grep -c "Reason Code" text)" = 1 &&
	test "$(crl_number crl2.der)" = 3
'

test_expect_success 'served from cache: the same bytes again' '
	test "$(crl_get /crl again.der)" = 200 && cmp crl2.der again.der
'

test_expect_success 'a restart serves the same CRL (kept in the database)' '
	ca_stop && serve &&
	test "$(crl_get /crl restart.der)" = 200 && cmp crl2.der restart.der
'

test_expect_success 'a second node on the same database: the same CRL, and it sees revocations made on the first' '
	node_b &&
	test "$(crl_get /crl b0.der "$B_PORT")" = 200 && cmp crl2.der b0.der &&
	rv_cert third && rv_revoke third --reasonCode 4 &&
	test "$(crl_get /crl a3.der)" = 200 &&
	test "$(crl_number a3.der)" = 4 &&
	start=$(date +%s) &&
	while crl_get /crl b3.der "$B_PORT" >/dev/null && ! cmp -s a3.der b3.der; do
		test $(( $(date +%s) - start )) -le 8 || return 1
		sleep 0.5
	done &&
	crl_text b3.der | grep -q "Serial Number: $(serial_of third.crt)$" &&
	node_b_stop
'

test_expect_success 'pkit ca crl: DER into a file, PEM on standard output, --format' '
	pkit ca crl got.der 2>err &&
	grep -q "The certificate revocation list has been saved in got.der." err &&
	crl_get /crl now.der >/dev/null && cmp now.der got.der &&
	pkit ca crl >got.pem &&
	head -n 1 got.pem | grep -q "BEGIN X509 CRL" &&
	openssl crl -in got.pem -outform DER | cmp - now.der &&
	pkit ca crl --format der - >got2.der && cmp now.der got2.der &&
	pkit ca crl --format pem got3.pem 2>/dev/null && cmp got.pem got3.pem
'

test_expect_success 'pkit ca crl: errors (existing file, bad format, untrusted CA)' '
	echo keep >keep.der &&
	test_expect_code 1 pkit ca crl keep.der 2>err && test_one_line err &&
	echo keep | cmp - keep.der &&
	pkit ca crl --force keep.der 2>/dev/null && cmp now.der keep.der &&
	test_expect_code 2 pkit ca crl --format xml 2>err &&
	test_expect_code 1 pkit ca crl --root "$TEST_DATA/../data/../lib.sh" x.der 2>err &&
	test_one_line err && test ! -e x.der &&
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes 		-keyout other.key -subj "/CN=Other" -out other-root.crt 2>/dev/null &&
	test_expect_code 1 pkit ca crl --root other-root.crt y.der 2>err &&
	test_one_line err && test ! -e y.der
'

test_expect_success 'certificate inspect reads CRLs (PEM and DER, text and JSON)' '
	pkit certificate inspect now.der >text &&
	grep -q "^Certificate Revocation List (CRL):" text &&
	grep -q "Issuer: .*CN=Revoke Intermediate CA" text &&
	grep -q "Revoked Certificates: 3" text &&
	grep -q "Reason: keyCompromise (1)" text &&
	grep -q "Reason: superseded (4)" text &&
	pkit certificate inspect got.pem >text2 && test_cmp text text2 &&
	pkit certificate inspect --format json now.der >j &&
	test "$(jget j "d[\"number\"]")" = "$(crl_number now.der)" &&
	test "$(jget j "len(d[\"revoked_certificates\"])")" = 3 &&
	test "$(jget j "d[\"issuing_distribution_point\"][0]")" = "https://localhost:$PORT/1.0/crl" &&
	pkit certificate inspect --format pem now.der | cmp - got.pem &&
	head -c 100 now.der >cut.der &&
	test_expect_code 1 pkit certificate inspect cut.der 2>err && test_one_line err
'

test_expect_success 'a new intermediate: its CRL numbers go on from the old one'"'"'s' '
	before=$(crl_number now.der) &&
	ca_stop &&
	openssl ecparam -name prime256v1 -genkey -noout -out new.plain &&
	openssl pkcs8 -topk8 -v2 aes256 -in new.plain -passout file:ca-pw.txt \
		-out new.key &&
	openssl req -new -key new.plain -subj "/O=Revoke/CN=Revoke Intermediate CA 2" \
		-out new.csr &&
	printf "%s\n" "basicConstraints=critical,CA:true,pathlen:0" \
		"keyUsage=critical,keyCertSign,cRLSign" "subjectKeyIdentifier=hash" \
		"authorityKeyIdentifier=keyid" >new.ext &&
	openssl x509 -req -in new.csr -CA "$ROOT" \
		-CAkey "$SERVER/secrets/root_ca_key" -passin file:ca-pw.txt \
		-set_serial 77 -days 30 -extfile new.ext -out new.crt 2>/dev/null &&
	rv_conf "{\"crt\": \"$PWD/new.crt\", \"key\": \"$PWD/new.key\"}" &&
	serve &&
	test "$(crl_get /crl rot.der)" = 200 &&
	test "$(crl_number rot.der)" = $((before + 1)) &&
	cat "$ROOT" new.crt >newchain.pem &&
	openssl crl -inform DER -in rot.der -CAfile newchain.pem -noout -verify &&
	crl_text rot.der | grep -q "Issuer: .*CN = Revoke Intermediate CA 2" &&
	test "$(crl_text rot.der | grep -c "Serial Number:")" = 3
'

# until_status PATH CODE: wait (up to 10 s) until GET PATH answers CODE.
until_status() {
	i=0
	while test "$(crl_get "$1" reload.der)" != "$2"; do
		i=$((i + 1)); test $i -lt 100 || return 1; sleep 0.1
	done
}

test_expect_success 'SIGHUP: crl switched off (404) and on again (the same CRL)' '
	crl_get /crl before.der >/dev/null &&
	rv_conf "{\"crl\": {\"enabled\": false}}" &&
	kill -HUP "$CA_PID" && until_status /crl 404 &&
	rv_conf "{\"crl\": {\"enabled\": true, \"cacheDuration\": \"2h\"}}" &&
	kill -HUP "$CA_PID" && until_status /crl 200 &&
	cmp before.der reload.der
'

test_expect_success 'the server is still well' '
	ca_stop
'

test_done

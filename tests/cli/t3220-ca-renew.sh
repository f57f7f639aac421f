#!/bin/sh
test_description='ca renew and ca rekey, once: mutual TLS, --out, --expires-in, --exec, --pid, expired certificates'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-caops.sh"

test_expect_success 'setup: a CA, bootstrapped, and a certificate from it' '
	mkprov admin "admin pw" &&
	echo "admin pw" >pw.txt &&
	signing_ca ca &&
	pkit ca bootstrap --ca-url "$(url ca)" --fingerprint "$(fingerprint root.crt)" 2>err &&
	pkit ca certificate --san localhost --san 127.0.0.1 localhost leaf.crt leaf.key \
		--provisioner-password-file pw.txt 2>err
'
URL=$(url ca 2>/dev/null)

enddate() {
	date -d "$(openssl x509 -in "$1" -noout -enddate | cut -d= -f2)" +%s
}

test_expect_success 'renew --force: new serial, later end, same key and names' '
	cp leaf.crt old.crt &&
	sleep 1 &&
	pkit ca renew --force leaf.crt leaf.key >out 2>err &&
	test ! -s out &&
	echo "Your certificate has been saved in leaf.crt." >want &&
	test_cmp want err &&
	test "$(serial leaf.crt)" != "$(serial old.crt)" &&
	test "$(enddate leaf.crt)" -gt "$(enddate old.crt)" &&
	pubkey leaf.crt >a && pubkey old.crt >b && test_cmp a b &&
	openssl x509 -in leaf.crt -noout -subject -ext subjectAltName >s1 &&
	openssl x509 -in old.crt -noout -subject -ext subjectAltName >s2 &&
	test_cmp s2 s1 &&
	test_mode leaf.crt 600 &&
	test "$(grep -c "BEGIN CERTIFICATE" leaf.crt)" -eq 2 &&
	openssl verify -CAfile root.crt -untrusted leaf.crt leaf.crt >/dev/null
'

test_expect_success 'the same lifetime; the provisioner extension is kept' '
	d1=$(( $(enddate old.crt) - $(date -d "$(openssl x509 -in old.crt -noout -startdate | cut -d= -f2)" +%s) )) &&
	d2=$(( $(enddate leaf.crt) - $(date -d "$(openssl x509 -in leaf.crt -noout -startdate | cut -d= -f2)" +%s) )) &&
	test "$d1" -eq "$d2" &&
	pkit certificate inspect --short leaf.crt | grep -q "Provisioner: admin"
'

test_expect_success 'the request: mutual TLS with the certificate, an empty body' '
	test "$(requests ca | tail -1)" = "POST /renew" &&
	"$SYS_PYTHON" -c "import json, sys
r = [json.loads(l) for l in open(\"ca.log\")][-1]
assert r[\"peer\"] == {\"commonName\": \"localhost\"}, r[\"peer\"]
assert r[\"body\"] == \"\", r[\"body\"]
assert \"Authorization\" not in r[\"headers\"]"
'

test_expect_success 'without --force and no terminal: refused before asking the CA' '
	cp leaf.crt before.crt && n=$(posts ca) &&
	test_expect_code 1 pkit ca renew leaf.crt leaf.key 2>err &&
	test_one_line err && grep -q "leaf.crt: file exists (use --force to overwrite)" err &&
	cmp leaf.crt before.crt && test "$(posts ca)" -eq "$n"
'

test_expect_success '--out (or --output-file) writes elsewhere' '
	pkit ca renew leaf.crt leaf.key --out renewed.crt 2>err &&
	echo "Your certificate has been saved in renewed.crt." >want && test_cmp want err &&
	cmp leaf.crt before.crt &&
	test "$(serial renewed.crt)" != "$(serial leaf.crt)" &&
	pkit ca renew leaf.crt leaf.key --output-file renewed2.crt 2>err &&
	test -s renewed2.crt
'

test_expect_success '--expires-in: not due, nothing asked, exit 0' '
	n=$(posts ca) &&
	pkit ca renew --force --expires-in 1h leaf.crt leaf.key >out 2>err &&
	grep -qE "^certificate not renewed: expires in 2[34]h[0-9]+m[0-9]+s$" err &&
	cmp leaf.crt before.crt && test "$(posts ca)" -eq "$n"
'

test_expect_success '--expires-in: due, renewed' '
	pkit ca renew --force --expires-in 24h0m50s leaf.crt leaf.key 2>err &&
	grep -q "saved in leaf.crt" err &&
	! cmp -s leaf.crt before.crt
'

test_expect_success '--expires-in longer than the lifetime, bad durations: usage errors' '
	test_expect_code 2 pkit ca renew --force --expires-in 25h leaf.crt leaf.key 2>err &&
	test_one_line err && grep -q "must be shorter than the certificate" err &&
	test_expect_code 2 pkit ca renew --force --expires-in soon leaf.crt leaf.key 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit ca renew --force --expires-in -5m leaf.crt leaf.key 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit ca renew --force --renew-period 1h leaf.crt leaf.key 2>err &&
	test_one_line err && grep -q -- "--renew-period needs --daemon" err &&
	test_expect_code 2 pkit ca renew --daemon --renew-period 1h --expires-in 1h leaf.crt leaf.key 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit ca renew --pid 1 --pid-file p leaf.crt leaf.key 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit ca renew --signal NOPE leaf.crt leaf.key 2>err &&
	test_one_line err && grep -q -- "--signal" err &&
	test_expect_code 2 pkit ca renew --exec " " leaf.crt leaf.key 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit ca renew leaf.crt 2>err && test_one_line err &&
	test_expect_code 2 pkit ca renew --out leaf.key leaf.crt leaf.key 2>err &&
	test_one_line err && grep -q "over a key file" err &&
	test_expect_code 2 pkit ca rekey --out-cert leaf.key --out-key n.key leaf.crt leaf.key 2>err &&
	test_one_line err
'

test_expect_success '--exec runs after the renewal, split at spaces, no shell' '
	printf "#!/bin/sh\necho \"\$# \$*\" >>hook.log\n" >hook.sh && chmod +x hook.sh &&
	pkit ca renew --force --exec "./hook.sh one  two \$HOME" leaf.crt leaf.key 2>err &&
	echo "3 one two \$HOME" >want && test_cmp want hook.log
'

test_expect_success '--exec that fails: the certificate is saved, exit 1' '
	printf "#!/bin/sh\nexit 3\n" >fail.sh && chmod +x fail.sh &&
	cp leaf.crt prev.crt &&
	test_expect_code 1 pkit ca renew --force --exec ./fail.sh leaf.crt leaf.key 2>err &&
	grep -q "^pkit: --exec: ./fail.sh exited with status 3$" err &&
	! cmp -s leaf.crt prev.crt &&
	test_expect_code 1 pkit ca renew --force --exec ./missing.sh leaf.crt leaf.key 2>err &&
	grep -q "^pkit: --exec: cannot run ./missing.sh" err
'

test_expect_success '--pid and --pid-file with --signal' '
	"$SYS_PYTHON" -c "import os, signal, sys, time
got = []
for s in (signal.SIGHUP, signal.SIGUSR1):
    signal.signal(s, lambda n, f: open(\"sigs\", \"a\").write(\"%d\n\" % n))
open(\"waiter.pid\", \"w\").write(\"%d\n\" % os.getpid())
t = time.time()
while time.time() - t < 30 and not os.path.exists(\"stop\"):
    time.sleep(0.05)" &
	wpid=$! &&
	while test ! -s waiter.pid; do sleep 0.05; done &&
	pid=$(cat waiter.pid) &&
	pkit ca renew --force --pid "$pid" leaf.crt leaf.key 2>err &&
	pkit ca renew --force --pid-file waiter.pid --signal USR1 leaf.crt leaf.key 2>err &&
	pkit ca renew --force --pid "$pid" --signal SIGUSR1 leaf.crt leaf.key 2>err &&
	sleep 0.3 && touch stop && wait $wpid &&
	printf "1\n10\n10\n" >want && test_cmp want sigs
'

test_expect_success 'an encrypted key, with --password-file' '
	openssl pkey -in leaf.key -aes256 -passout file:pw.txt -out enc.key &&
	grep -q "ENCRYPTED PRIVATE KEY" enc.key &&
	pkit ca renew --force --password-file pw.txt leaf.crt enc.key 2>err &&
	test_expect_code 1 pkit ca renew --force leaf.crt enc.key 2>err </dev/null &&
	test_one_line err && grep -q -- "--password-file" err
'

test_expect_success 'a key that is not the certificate'"'"'s, a missing file, a bad certificate' '
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out other.key 2>/dev/null &&
	chmod 600 other.key && n=$(posts ca) &&
	test_expect_code 1 pkit ca renew --force leaf.crt other.key 2>err &&
	test_one_line err &&
	test_expect_code 1 pkit ca renew --force nope.crt leaf.key 2>err &&
	test_one_line err && grep -q nope.crt err &&
	echo junk >junk.crt &&
	test_expect_code 1 pkit ca renew --force junk.crt leaf.key 2>err &&
	test_one_line err && grep -q junk.crt err &&
	test "$(posts ca)" -eq "$n"
'

test_expect_success 'the CA down, and the CA refusing: one line, the file kept' '
	cp leaf.crt keep.crt &&
	test_expect_code 1 pkit ca renew --force --ca-url https://127.0.0.1:1 leaf.crt leaf.key 2>err &&
	test_one_line err &&
	route ca /renew 503 "{\"status\":503,\"message\":\"Service Unavailable\"}" &&
	test_expect_code 1 pkit ca renew --force leaf.crt leaf.key 2>err &&
	rm -f ca.routes &&
	test_one_line err && grep -q "$URL/renew: Service Unavailable" err &&
	cmp leaf.crt keep.crt
'

test_expect_success 'a certificate of another CA cannot even connect (TLS)' '
	openssl req -x509 -key leaf.key -subj /CN=self -days 1 -out self.crt 2>/dev/null &&
	test_expect_code 1 pkit ca renew --force self.crt leaf.key 2>err &&
	test_one_line err
'

test_expect_success 'rekey: a new key and a certificate for it, same names' '
	cp leaf.crt r0.crt && cp leaf.key r0.key &&
	pkit ca rekey --force leaf.crt leaf.key >out 2>err &&
	printf "Your certificate has been saved in leaf.crt.\nYour private key has been saved in leaf.key.\n" >want &&
	test_cmp want err &&
	! cmp -s leaf.key r0.key &&
	head -1 leaf.key | grep -qx -- "-----BEGIN PRIVATE KEY-----" &&
	test_mode leaf.key 600 && test_mode leaf.crt 600 &&
	pubkey leaf.crt >a && pubkey leaf.key >b && test_cmp a b &&
	pubkey r0.crt >c && ! cmp -s a c &&
	openssl x509 -in leaf.crt -noout -subject -ext subjectAltName >s1 &&
	openssl x509 -in r0.crt -noout -subject -ext subjectAltName >s2 &&
	test_cmp s2 s1 &&
	test "$(requests ca | tail -1)" = "POST /rekey" &&
	body ca "$(posts ca)" "b[\"csr\"]" | openssl req -noout -verify 2>/dev/null
'

test_expect_success 'rekey --out-cert/--out-key, --kty OKP' '
	pkit ca rekey --kty OKP --out-cert ed.crt --out-key ed.key leaf.crt leaf.key 2>err &&
	openssl pkey -in ed.key -noout -text | grep -q ED25519 &&
	pubkey ed.crt >a && pubkey ed.key >b && test_cmp a b &&
	test_expect_code 2 pkit ca rekey --out-cert same --out-key same leaf.crt leaf.key 2>err &&
	test_one_line err
'

test_expect_success 'rekey --private-key uses the given key' '
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out mine.key 2>/dev/null &&
	chmod 600 mine.key &&
	pkit ca rekey --private-key mine.key --out-cert m.crt --out-key m.key leaf.crt leaf.key 2>err &&
	pubkey m.crt >a && pubkey mine.key >b && test_cmp a b &&
	test_expect_code 2 pkit ca rekey --private-key mine.key --kty RSA leaf.crt leaf.key 2>err &&
	test_one_line err
'

test_expect_success 'an expired certificate is renewed with step'"'"'s x5c token, if the CA allows' '
	pkit ca certificate short short.crt short.key --not-before -10s --not-after 13s \
		--provisioner-password-file pw.txt 2>err &&
	sleep 4 &&
	test_expect_code 1 pkit ca renew --force short.crt short.key 2>err &&
	test_one_line err && grep -q "The request lacked necessary authorization" err &&
	"$SYS_PYTHON" -c "import json, base64
r = [json.loads(l) for l in open(\"ca.log\")][-1]
assert r[\"peer\"] is None
t = r[\"headers\"][\"Authorization\"].split()[1]
h = json.loads(base64.urlsafe_b64decode(t.split(\".\")[0] + \"==\"))
c = json.loads(base64.urlsafe_b64decode(t.split(\".\")[1] + \"==\"))
assert len(h[\"x5cInsecure\"]) == 2 and h[\"alg\"] == \"ES256\" and \"kid\" in h, h
assert c[\"iss\"] == \"step-ca-client/1.0\" and c[\"sub\"] == \"short\", c
assert c[\"aud\"].endswith(\"/renew\") and \"jti\" not in c, c" &&
	restart_ca ca --allow-renewal-after-expiry --backdate 0 &&
	pkit ca renew --force short.crt short.key 2>err &&
	test "$(enddate short.crt)" -gt "$(date +%s)"
'

test_expect_success 'rekey of an expired certificate: refused locally' '
	pkit ca certificate short2 s2.crt s2.key --not-before -10s --not-after 12s \
		--provisioner-password-file pw.txt 2>err &&
	sleep 3 && n=$(posts ca) &&
	test_expect_code 1 pkit ca rekey --force s2.crt s2.key 2>err &&
	test_one_line err && grep -q "has expired" err &&
	test "$(posts ca)" -eq "$n"
'

test_done

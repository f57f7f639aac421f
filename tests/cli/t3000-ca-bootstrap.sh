#!/bin/sh
test_description='ca bootstrap: trust a CA by fingerprint, against a fake step-ca'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-fake-stepca.sh"

test_expect_success 'setup: two CAs and servers, good and bad' '
	mkroot root "Test Root CA" &&
	mkroot two "Second Root CA" &&
	mkroot evil "Evil Root CA" &&
	mkserver srv root "IP:127.0.0.1,DNS:localhost" &&
	mkserver srv2 two "IP:127.0.0.1,DNS:localhost" &&
	mkserver srvevil evil "IP:127.0.0.1,DNS:localhost" &&
	mkserver srvname root "DNS:ca.example.com" &&
	FP=$(fingerprint root.crt) && echo "$FP" >fp &&
	FP2=$(fingerprint two.crt) && echo "$FP2" >fp2 &&
	test ${#FP} -eq 64 &&
	start_stepca good srv root &&
	start_stepca second srv2 two &&
	start_stepca evil srvevil root &&
	start_stepca badname srvname root
'
FP=$(cat fp 2>/dev/null)
FP2=$(cat fp2 2>/dev/null)

test_expect_success 'bootstrap saves the root and defaults.json, as step' '
	pkit ca bootstrap --ca-url "$(url good)" --fingerprint "$FP" >out 2>err &&
	test ! -s out &&
	cat >want <<-EOF &&
	The root certificate has been saved in $PKITPATH/certs/root_ca.crt.
	The authority configuration has been saved in $PKITPATH/config/defaults.json.
	EOF
	test_cmp want err &&
	test_cmp root.crt "$PKITPATH/certs/root_ca.crt" &&
	test_mode "$PKITPATH/certs/root_ca.crt" 600 &&
	test_mode "$PKITPATH/config/defaults.json" 644 &&
	cat >want <<-EOF &&
	{
	  "ca-url": "$(url good)",
	  "fingerprint": "$FP",
	  "root": "$PKITPATH/certs/root_ca.crt"
	}
	EOF
	test_cmp want "$PKITPATH/config/defaults.json"
'

test_expect_success 'first /root/<fp> without checks, then /health checked' '
	requests good >got &&
	printf "GET /root/%s\nGET /health\n" "$FP" >want &&
	test_cmp want got &&
	header good User-Agent >ua &&
	! grep -v "^pkit/[0-9]" ua &&
	header good X-Request-Id >ids &&
	test "$(sort -u ids | grep -c "^[0-9a-f-]\{36\}$")" -eq 2
'

test_expect_success 'the same bootstrap again needs no --force' '
	pkit ca bootstrap --ca-url "$(url good)" --fingerprint "$FP" 2>err &&
	test_cmp root.crt "$PKITPATH/certs/root_ca.crt"
'

test_expect_success 'another CA does not replace the files without --force' '
	cp "$PKITPATH/config/defaults.json" defaults.before &&
	test_must_fail pkit ca bootstrap --ca-url "$(url second)" \
		--fingerprint "$FP2" 2>err &&
	test_one_line err &&
	grep -q "root_ca.crt: file exists (use --force to overwrite)" err &&
	test_cmp root.crt "$PKITPATH/certs/root_ca.crt" &&
	test_cmp defaults.before "$PKITPATH/config/defaults.json"
'

test_expect_success '--force replaces both files' '
	pkit ca bootstrap -f --ca-url "$(url second)" --fingerprint "$FP2" 2>err &&
	test_cmp two.crt "$PKITPATH/certs/root_ca.crt" &&
	grep -q "\"fingerprint\": \"$FP2\"" "$PKITPATH/config/defaults.json" &&
	grep -q "\"ca-url\": \"$(url second)\"" "$PKITPATH/config/defaults.json" &&
	rm -rf "$PKITPATH"
'

test_expect_success 'the fingerprint may be upper case with colons; the URL is normalised' '
	COLONS=$(echo "$FP" | tr a-f A-F | sed "s/../&:/g; s/:$//") &&
	pkit ca bootstrap --ca-url "127.0.0.1:$(cat good.port)/some/path" \
		--fingerprint "$COLONS" 2>err &&
	grep -q "\"ca-url\": \"$(url good)\"" "$PKITPATH/config/defaults.json" &&
	grep -q "\"fingerprint\": \"$FP\"" "$PKITPATH/config/defaults.json" &&
	rm -rf "$PKITPATH"
'

test_expect_success 'an unknown fingerprint: the CA says so, nothing written' '
	test_expect_code 1 pkit ca bootstrap --ca-url "$(url good)" \
		--fingerprint "$FP2" >out 2>err &&
	test_one_line err &&
	test ! -s out &&
	grep -q "^pkit: $(url good)/root/$FP2: The requested resource could not be found" err &&
	nothing_written
'

test_expect_success 'a CA answering with another root than asked for: nothing written' '
	route good "/root/$FP" 200 "$(ca_json two.crt)" &&
	test_when_finished "rm -f good.routes" &&
	test_expect_code 1 pkit ca bootstrap --ca-url "$(url good)" \
		--fingerprint "$FP" 2>err &&
	test_one_line err &&
	grep -q "has fingerprint $FP2, not $FP" err &&
	nothing_written
'

test_expect_success 'a TLS certificate not from the fetched root: refused, nothing written' '
	: >evil.log &&
	test_expect_code 1 pkit ca bootstrap --ca-url "$(url evil)" \
		--fingerprint "$FP" 2>err &&
	test_one_line err &&
	grep -q "cannot confirm the CA.s TLS certificate with the root of fingerprint $FP" err &&
	grep -q "not trusted" err &&
	nothing_written &&
	requests evil >got &&
	printf "GET /root/%s\n" "$FP" >want &&
	test_cmp want got
'

test_expect_success 'a TLS certificate for another host name: refused, nothing written' '
	test_expect_code 1 pkit ca bootstrap --ca-url "$(url badname)" \
		--fingerprint "$FP" 2>err &&
	test_one_line err &&
	grep -q "cannot confirm the CA.s TLS certificate" err &&
	nothing_written
'

test_expect_success 'an unreachable CA: one line naming the URL, nothing written' '
	port=$(free_port) &&
	test_expect_code 1 pkit ca bootstrap --ca-url "https://127.0.0.1:$port" \
		--fingerprint "$FP" 2>err &&
	test_one_line err &&
	grep -q "^pkit: https://127.0.0.1:$port/root/$FP: .*connect" err &&
	nothing_written
'

test_expect_success 'malformed JSON from the CA: one line, nothing written' '
	route good "/root/$FP" 200 "{\"ca\": " &&
	test_when_finished "rm -f good.routes" &&
	test_expect_code 1 pkit ca bootstrap --ca-url "$(url good)" \
		--fingerprint "$FP" 2>err &&
	test_one_line err &&
	grep -q "$(url good)/root/$FP: the response (HTTP 200) is not valid JSON" err &&
	nothing_written
'

test_expect_success 'a response that is not a certificate: one line, nothing written' '
	route good "/root/$FP" 200 "{\"ca\": \"junk\"}" &&
	test_when_finished "rm -f good.routes" &&
	test_expect_code 1 pkit ca bootstrap --ca-url "$(url good)" \
		--fingerprint "$FP" 2>err &&
	test_one_line err &&
	nothing_written
'

test_expect_success 'a 4xx error body is the CA message on one line' '
	route good "/root/$FP" 401 "$(cat "$STEPCA_API/error-401.body")" &&
	test_when_finished "rm -f good.routes" &&
	test_expect_code 1 pkit ca bootstrap --ca-url "$(url good)" \
		--fingerprint "$FP" 2>err &&
	echo "pkit: $(url good)/root/$FP: The request lacked necessary authorization to be completed. Please see the certificate authority logs for more info." >want &&
	test_cmp want err &&
	nothing_written
'

test_expect_success 'a plain-text error body is shown with its status' '
	route good "/root/$FP" 502 "$(printf "<h1>Bad Gateway</h1>\n<p>x</p>")" text/html &&
	test_when_finished "rm -f good.routes" &&
	test_expect_code 1 pkit ca bootstrap --ca-url "$(url good)" \
		--fingerprint "$FP" 2>err &&
	echo "pkit: $(url good)/root/$FP: HTTP 502: <h1>Bad Gateway</h1>" >want &&
	test_cmp want err &&
	nothing_written
'

test_expect_success 'http:// and malformed fingerprints are refused before any request' '
	: >good.log &&
	test_expect_code 1 pkit ca bootstrap --ca-url "http://127.0.0.1:$(cat good.port)" \
		--fingerprint "$FP" 2>err &&
	test_one_line err &&
	grep -q "must use https" err &&
	test_expect_code 1 pkit ca bootstrap --ca-url "$(url good)" \
		--fingerprint "${FP}00" 2>err &&
	test_one_line err &&
	grep -q "is not a SHA-256 fingerprint" err &&
	test_expect_code 1 pkit ca bootstrap --ca-url "$(url good)" \
		--fingerprint "xyz" 2>err &&
	test_one_line err &&
	test ! -s good.log &&
	nothing_written
'

test_expect_success 'missing --ca-url or --fingerprint, or a bad flag: usage, exit 2' '
	test_expect_code 2 pkit ca bootstrap --fingerprint "$FP" 2>err &&
	test_one_line err &&
	grep -q "no CA URL" err &&
	test_expect_code 2 pkit ca bootstrap --ca-url "$(url good)" 2>err &&
	test_one_line err &&
	grep -q "no root fingerprint" err &&
	test_expect_code 2 pkit ca bootstrap --ca-url "$(url good)" \
		--fingerprint "$FP" --no-such-flag 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit ca bootstrap extra 2>err &&
	nothing_written
'

test_expect_success '--install: a store that cannot be written fails, nothing saved' '
	mkdir ro-store && chmod 500 ro-store &&
	test_when_finished "chmod 700 ro-store" &&
	if test -w ro-store; then
		echo "# running as root: a read-only directory is writable" >&2
	else
		test_expect_code 1 env PKIT_CA_CERTIFICATES_DIR="$PWD/ro-store" \
			PKIT_UPDATE_CA_CERTIFICATES= "$PKIT_BIN" ca bootstrap --install \
			--ca-url "$(url good)" --fingerprint "$FP" 2>err &&
		test_one_line err &&
		nothing_written
	fi
'

test_expect_success '--install puts the root in the store and runs the update' '
	mkdir store &&
	printf "#!/bin/sh\necho ran >\"%s/updated\"\n" "$PWD" >update.sh &&
	chmod +x update.sh &&
	env PKIT_CA_CERTIFICATES_DIR="$PWD/store" PKIT_UPDATE_CA_CERTIFICATES="$PWD/update.sh" \
		"$PKIT_BIN" ca bootstrap --install --ca-url "$(url good)" \
		--fingerprint "$FP" 2>err &&
	test_cmp root.crt "$PKITPATH/certs/root_ca.crt" &&
	ls store >files && test "$(wc -l <files)" -eq 1 &&
	openssl x509 -in "store/$(cat files)" -noout -fingerprint -sha256 >a &&
	openssl x509 -in root.crt -noout -fingerprint -sha256 >b &&
	test_cmp a b &&
	grep -qx ran updated &&
	grep -q "^Certificate $PKITPATH/certs/root_ca.crt has been installed as $PWD/store/" err &&
	env PKIT_CA_CERTIFICATES_DIR="$PWD/store" PKIT_UPDATE_CA_CERTIFICATES= \
		"$PKIT_BIN" ca bootstrap --install --ca-url "$(url good)" \
		--fingerprint "$FP" 2>err &&
	grep -q "was already installed" err &&
	rm -rf "$PKITPATH"
'

test_expect_success 'the URL and fingerprint may come from the environment' '
	env PKIT_CA_URL=$(url good) PKIT_FINGERPRINT=$FP "$PKIT_BIN" ca bootstrap 2>err &&
	test_cmp root.crt "$PKITPATH/certs/root_ca.crt" &&
	rm -rf "$PKITPATH"
'

test_expect_success 'flags win over the environment' '
	env PKIT_CA_URL=$(url second) PKIT_FINGERPRINT=$FP2 \
		"$PKIT_BIN" ca bootstrap --ca-url "$(url good)" --fingerprint "$FP" 2>err &&
	test_cmp root.crt "$PKITPATH/certs/root_ca.crt" &&
	rm -rf "$PKITPATH"
'

test_done

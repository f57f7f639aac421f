# lib-acme.sh - the ACME tests (t80xx): a CA with an ACME provisioner
# whose validations go to local ports and to a dnsmasq of the test's own
# that answers *.test.internal with 127.0.0.1.  Source it after lib.sh
# and lib-ca.sh.
#
#   acme_setup [PROV-JSON]  ca_fixture, the ACME provisioner "acme" with
#                           pkitDev (ports and resolver below) and the
#                           members of PROV-JSON (a JSON object) added,
#                           SQLite in db/; starts dnsmasq
#   acme_start              ca_start with the fixture's password
#   dns_txt NAME VALUE      add a TXT record (dnsmasq restarts)
#   dns_clear               drop the TXT records
#   DIR_URL                 the directory URL of the "acme" provisioner
#   client SCENARIO         run acme-client.py's SCENARIO against DIR_URL
#                           (output in SCENARIO.out, SCENARIO.err)
#   each NAME...            every named check of "$out" passed ("ok NAME")
#
# dns-ctl.sh (written here) does the TXT changes, so that lego's exec
# provider can call it too: dns-ctl.sh present|cleanup FQDN VALUE.

DNS_PORT=$(free_port)
HTTP01_PORT=$(free_port)
ALPN_PORT=$(free_port)
DIR_URL="https://127.0.0.1:$PORT/acme/acme/directory"
# Outside the trash directory, which is gone when the EXIT trap runs.
DNS_PID="$PKIT_BUILD_DIR/tests/cli/$TEST_NAME.dns.pid"

acme_cleanup() {
	ca_cleanup
	if test -f "$DNS_PID"; then
		kill "$(cat "$DNS_PID")" 2>/dev/null
		rm -f "$DNS_PID"
	fi
}
trap acme_cleanup EXIT

acme_setup() {
	acme_extra=${1:-}
	test -n "$acme_extra" || acme_extra='{}'
	ca_fixture &&
	"$SYS_PYTHON" - "$DNS_PORT" "$HTTP01_PORT" "$ALPN_PORT" "$acme_extra" "$PWD" <<-\EOF &&
	import json, sys
	d = json.load(open("ca.json"))
	d["db"] = {"type": "sqlite", "dataSource": sys.argv[5] + "/db/pkit.db"}
	for p in d["authority"]["provisioners"]:
	    if p["type"] == "ACME":
	        p["pkitDev"] = {"http01Port": int(sys.argv[2]),
	                        "tlsALPN01Port": int(sys.argv[3]),
	                        "resolver": "127.0.0.1:" + sys.argv[1]}
	        p.update(json.loads(sys.argv[4]))
	json.dump(d, open("ca.json", "w"), indent="\t")
	EOF
	mkdir -p db &&
	write_dns_ctl &&
	: >dns.txt &&
	./dns-ctl.sh restart
}

write_dns_ctl() {
	cat >dns-ctl.sh <<-EOF &&
	#!/bin/sh
	# dns-ctl.sh present|cleanup FQDN VALUE, or restart
	cd "$PWD" || exit 1
	case "\$1" in
	present) echo "--txt-record=\${2%.},\$3" >>dns.txt ;;
	cleanup) grep -v -F -x -e "--txt-record=\${2%.},\$3" dns.txt >dns.new; mv dns.new dns.txt ;;
	esac
	if test -f "$DNS_PID"; then
		kill "\$(cat "$DNS_PID")" 2>/dev/null
		n=0
		while kill -0 "\$(cat "$DNS_PID")" 2>/dev/null && test \$n -lt 100; do
			sleep 0.05; n=\$((n + 1))
		done
		rm -f "$DNS_PID"
	fi
	dnsmasq --port=$DNS_PORT --listen-address=127.0.0.1 --bind-interfaces \\
		--no-resolv --no-hosts --conf-file=/dev/null --user=\$(id -un) \\
		--address=/test.internal/127.0.0.1 --pid-file="$DNS_PID" \\
		--log-facility="$PWD/dns.log" \$(cat dns.txt) || exit 1
	n=0
	while ! test -s "$DNS_PID" && test \$n -lt 100; do
		sleep 0.05; n=\$((n + 1))
	done
	EOF
	chmod +x dns-ctl.sh
}

dns_txt() {
	./dns-ctl.sh present "$1" "$2"
}

dns_clear() {
	: >dns.txt && ./dns-ctl.sh restart
}

acme_start() {
	ca_start --password-file ca/pw.txt ca.json
}

client() {
	"$SYS_PYTHON" "$TEST_SRC_DIR/acme-client.py" "$DIR_URL" ca/root.crt \
		"$HTTP01_PORT" "$1" >"$1.out" 2>"$1.err"
}

# each NAME...: every named check passed
each() {
	for n in "$@"; do
		grep -q "^ok $n\$" "$out" || { grep "$n" "$out"; return 1; }
	done
}

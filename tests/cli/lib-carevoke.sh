# lib-carevoke.sh - a CA made with `pkit ca init` for the active
# revocation tests (t70xx): its own $PKITPATH ($SERVER), a client's
# ($PKITPATH), and the revocation blocks of ca.json.  Source it after
# lib.sh and lib-ca.sh.
#
#   rv_init [ARGS]        pkit ca init ARGS (password in ca-pw.txt);
#                         bootstrap comes later (rv_bootstrap)
#   rv_conf JSON          merge JSON ({"crl": ..., "ocsp": ...}) into
#                         $SERVER/config/ca.json (null deletes a key)
#   serve [ARGS]          lib-ca.sh's ca_start with the CA's $PKITPATH
#   rv_bootstrap          pkit ca bootstrap as the client
#   rv_cert NAME          pkit ca certificate NAME NAME.crt NAME.key
#   rv_revoke NAME [ARGS] pkit ca revoke --cert NAME.crt --key NAME.key
#   serial_of CRT         the serial of CRT in upper-case hex, as openssl
#                         prints it
#   INT, ROOT, CHAIN      the intermediate, the root, both (PEM files)

SERVER=$PWD/server
INT=$SERVER/certs/intermediate_ca.crt
ROOT=$SERVER/certs/root_ca.crt
CHAIN=$PWD/chain.pem

rv_init() {
	echo "ca keys pw" >ca-pw.txt &&
	(PKITPATH=$SERVER && export PKITPATH &&
	 pkit ca init --name Revoke --dns localhost --dns 127.0.0.1 \
		--address "$ADDR" --provisioner admin \
		--password-file "$PWD/ca-pw.txt" "$@" 2>init.log) &&
	cat "$ROOT" "$INT" >"$CHAIN"
}

rv_conf() {
	"$SYS_PYTHON" -c 'import json, sys
p = sys.argv[1]
d = json.load(open(p))
for k, v in json.loads(sys.argv[2]).items():
    if v is None:
        d.pop(k, None)
    else:
        d[k] = v
json.dump(d, open(p, "w"), indent="\t")' "$SERVER/config/ca.json" "$1"
}

serve() {
	rv_client=$PKITPATH
	PKITPATH=$SERVER
	ca_start --password-file "$PWD/ca-pw.txt" "$@"
	rv_st=$?
	PKITPATH=$rv_client
	return $rv_st
}

rv_bootstrap() {
	fp=$(jget "$SERVER/config/defaults.json" "d[\"fingerprint\"]") &&
	pkit ca bootstrap --ca-url "https://localhost:$PORT" --fingerprint "$fp" \
		--force 2>bootstrap.log
}

rv_cert() {
	pkit ca certificate "$1" "$1.crt" "$1.key" --provisioner admin \
		--provisioner-password-file ca-pw.txt 2>cert.log
}

rv_revoke() {
	n=$1
	shift
	pkit ca revoke --cert "$n.crt" --key "$n.key" "$@" 2>revoke.log
}

# node_b: a second `pkit ca serve` of the same ca.json on $B_PORT (its
# stderr in b.log); B_PID is its pid.
B_PORT=
B_PID=
node_b() {
	B_PORT=$(free_port) &&
	sed "s/127.0.0.1:$PORT/127.0.0.1:$B_PORT/" "$SERVER/config/ca.json" >b.json &&
	: >b.log &&
	{ PKITPATH=$SERVER "$PKIT_BIN" ca serve --password-file ca-pw.txt \
		b.json >b.out 2>b.log & } &&
	B_PID=$! &&
	n=0 && while ! grep -q "Serving HTTPS" b.log; do
		n=$((n + 1)); test $n -lt 300 || return 1; sleep 0.05; done
}

node_b_stop() {
	kill -TERM "$B_PID" && wait "$B_PID" && B_PID=
}

serial_of() {
	openssl x509 -in "$1" -noout -serial | cut -d= -f2
}

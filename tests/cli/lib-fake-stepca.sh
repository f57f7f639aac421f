# lib-fake-stepca.sh - certificates made with openssl and fake step-ca
# servers (fake-stepca.py) for the tests of the `pkit ca` client verbs.
# Source it after lib.sh.

STEPCA_API="$TEST_DATA/stepca-0.19"
stepca_pids=

# mkroot NAME CN: a self-signed EC P-256 root, NAME.crt and NAME.key.
mkroot() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$1.key" -out "$1.crt" -subj "/O=Test/CN=$2" -days 30 \
		-addext basicConstraints=critical,CA:TRUE,pathlen:1 \
		-addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
}

# mkserver NAME ISSUER SAN: a TLS server certificate NAME.crt (and key)
# signed by ISSUER.crt/.key for the subjectAltName SAN.
mkserver() {
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$1.key" -out "$1.csr" -subj "/CN=server" 2>/dev/null &&
	printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' \
		"$3" >"$1.ext" &&
	openssl x509 -req -in "$1.csr" -CA "$2.crt" -CAkey "$2.key" \
		-CAcreateserial -days 1 -extfile "$1.ext" -out "$1.crt" 2>/dev/null
}

# fingerprint FILE: the SHA-256 of the certificate's DER, lower-case hex.
fingerprint() {
	openssl x509 -in "$1" -outform DER | sha256sum | cut -d" " -f1
}

# start_stepca NAME CERT ROOT [ARGS...]: run fake-stepca.py presenting
# CERT.crt/.key and serving ROOT.crt as its root; NAME.port holds its port,
# NAME.log its requests (one JSON line each) and NAME.routes, when the test
# writes it, replies that override the defaults.
start_stepca() {
	name=$1 cert=$2 root=$3
	shift 3
	rm -f "$name.port" "$name.log"
	"$SYS_PYTHON" "$TEST_SRC_DIR/fake-stepca.py" --cert "$cert.crt" \
		--key "$cert.key" --root "$root.crt" --api "$STEPCA_API" \
		--routes "$PWD/$name.routes" --log "$PWD/$name.log" \
		--ready "$PWD/$name.port" "$@" >"$name.err" 2>&1 &
	stepca_pids="$stepca_pids $!"
	n=0
	while [ ! -s "$name.port" ]; do
		n=$((n + 1))
		if [ $n -gt 200 ]; then
			echo "start_stepca: $name did not start" >&2
			cat "$name.err" >&2
			return 1
		fi
		sleep 0.05
	done
}

stop_stepca() {
	for pid in $stepca_pids; do
		kill "$pid" 2>/dev/null
	done
	stepca_pids=
}
trap stop_stepca EXIT

# url NAME: the URL of server NAME.
url() {
	echo "https://127.0.0.1:$(cat "$1.port")"
}

# requests NAME: "METHOD PATH" of every request server NAME received.
requests() {
	test -f "$1.log" || return 0
	"$SYS_PYTHON" -c 'import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    print(r["method"], r["path"])' "$1.log"
}

# header NAME FIELD: that header of every request server NAME received.
header() {
	"$SYS_PYTHON" -c 'import json, sys
for line in open(sys.argv[1]):
    print(json.loads(line)["headers"].get(sys.argv[2], ""))' "$1.log" "$2"
}

# route NAME PATH STATUS BODY [TYPE]: server NAME answers PATH (with its
# query, if any) with STATUS and BODY (of TYPE, JSON by default) until the
# file NAME.routes is removed.  Several routes add up.
route() {
	"$SYS_PYTHON" -c 'import json, os, sys
name, path, status, body = sys.argv[1:5]
kind = sys.argv[5] if len(sys.argv) > 5 else "application/json"
routes = json.load(open(name)) if os.path.exists(name) else {}
routes[path] = {"status": int(status), "body": body, "type": kind}
json.dump(routes, open(name, "w"))' "$1.routes" "$2" "$3" "$4" ${5+"$5"}
}

# ca_json FILE: {"ca": <the PEM of FILE>}, as /root/<sha> answers.
ca_json() {
	"$SYS_PYTHON" -c 'import json, sys
print(json.dumps({"ca": open(sys.argv[1]).read()}))' "$1"
}

# nothing_written: bootstrap left no file in $PKITPATH.
nothing_written() {
	if test -e "$PKITPATH/certs/root_ca.crt" ||
	   test -e "$PKITPATH/config/defaults.json"; then
		echo "files were written:" >&2
		ls -lR "$PKITPATH" >&2
		return 1
	fi
}

# lib-ca.sh - a certificate authority made with openssl for the
# `pkit ca serve` tests (t60xx), and starting and stopping the server.
# Source it after lib.sh.
#
#   ca_fixture            ca/root.crt, ca/int.crt, ca/int.key (password in
#                         ca/pw.txt), ca/fed.crt (another root), ca.json
#   ca_start ARGS...      `pkit ca serve ARGS...` in the background; waits
#                         for "Serving HTTPS on"; its stderr is serve.log
#   ca_stop [SIG]         signal it (TERM) and wait: fails unless it exits 0
#   get PATH [CURL...]    curl https://127.0.0.1:$PORT$PATH; body in out,
#                         headers in hdr, status code printed
#   jget FILE EXPR        print the Python expression EXPR of the JSON in
#                         FILE (bound to d)
#   client ARGS...        the raw TLS client below (client.py)
#   ca_init_keys NAME     `pkit ca init` a CA named NAME on $ADDR (CA
#                         password "ca keys pw" in pw.txt); sets FP,
#                         CA_URL and ROOT; its provisioner key, decrypted,
#                         in prov.json (0600)
#
# The server is killed when the script exits, whatever happened.

PORT=$(free_port)
CA_PID=
ADDR="127.0.0.1:$PORT"

ca_cleanup() {
	if test -n "$CA_PID"; then
		kill -KILL "$CA_PID" 2>/dev/null
		wait "$CA_PID" 2>/dev/null
		CA_PID=
	fi
}
trap ca_cleanup EXIT

# The JWK provisioner of step-ca 0.19's captured ca.json (research/).
CA_KID=Arjc2Dd-aON62qujzlakwEgqM_7qCB_xCX7NrkMO5DQ
CA_EKEY=eyJhbGciOiJQQkVTMi1IUzI1NitBMTI4S1ciLCJjdHkiOiJqd2sranNvbiIsImVuYyI6IkEyNTZHQ00iLCJwMmMiOjEwMDAwMCwicDJzIjoieWdsMV8zUngxVGU1YXBNNnlyU3NaZyJ9.z20b0QSO7Zr64AYRTAfbXDBp42j4_wCHH5nQMVZ4BCWYAIvjMs73ZA.14ige457ixe9d-iT.xhrKfmrEUQS1L-m1IVkHBlp7OdTFcScFEh9_Mvr5mObCYOvFoub1nIMML1QPjuu5-5YaokbwY8AYqWGa5AKdF0ef-6a8SLp5Hu6lhVlFmasREMKPTLmm57qEaEFgFFS3c3h9qSuHI5Y24rfm6FYqEFrYIdEeSwiC8dWOGyYJpgHXgJvtNNtFQRraMFIXVF0-5V_d4Fncy27qE2J99buFGdwQnUKREKc9zt0i0J-U1ie5EjnSxyfW7Uo2w7yhXxE34gvXwik-AhDLNWaIdwe0ZfzXoKb6ikHL31I558r72LRgofwoBQ4GQESQB3YBqZf4DYIJV2NlLvTCYh02cOU.3P8jWvmL7lk2ZgpPlLMGyg

# ca_json [DNSNAMES] [EXTRA-PROVISIONERS]: write ca.json as step ca init
# writes it (tabs, step's key order), with absolute paths into ca/.
ca_json() {
	dns=${1:-'"localhost", "127.0.0.1"'}
	extra=${2:-}
	cat >ca.json <<EOF
{
	"root": "$PWD/ca/root.crt",
	"federatedRoots": ["$PWD/ca/fed.crt"],
	"crt": "$PWD/ca/int.crt",
	"key": "$PWD/ca/int.key",
	"address": "$ADDR",
	"insecureAddress": "",
	"dnsNames": [
		$dns
	],
	"logger": {
		"format": "text"
	},
	"db": {
		"type": "badgerv2",
		"dataSource": "$PWD/db",
		"badgerFileLoadingMode": ""
	},
	"authority": {
		"provisioners": [
			{
				"type": "JWK",
				"name": "admin",
				"key": {
					"use": "sig",
					"kty": "EC",
					"kid": "$CA_KID",
					"crv": "P-256",
					"alg": "ES256",
					"x": "cCuliVX7sugQMd4QNSEIQEgIyfb3z99HjgwqUueKoQE",
					"y": "dXkSBOVpwMjwT132PqpHKqg1BLIX9y00uz3NBMCMJsU"
				},
				"encryptedKey": "$CA_EKEY"
			},
			{
				"type": "ACME",
				"name": "acme"
			}$extra
		]
	},
	"tls": {
		"cipherSuites": [
			"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
			"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"
		],
		"minVersion": 1.2,
		"maxVersion": 1.3,
		"renegotiation": false
	}
}
EOF
}

ca_fixture() {
	mkdir -p ca &&
	(
		cd ca &&
		openssl ecparam -name prime256v1 -genkey -noout -out root.key &&
		openssl req -x509 -new -key root.key -subj "/O=Test/CN=Test Root CA" \
			-days 3650 -out root.crt \
			-addext "basicConstraints=critical,CA:true,pathlen:1" \
			-addext "keyUsage=critical,keyCertSign,cRLSign" &&
		echo "int password" >pw.txt &&
		openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
			-aes256 -pass file:pw.txt -out int.key &&
		openssl req -new -key int.key -passin file:pw.txt \
			-subj "/O=Test/CN=Test Intermediate CA" -out int.csr &&
		printf '%s\n' "basicConstraints=critical,CA:true,pathlen:0" \
			"keyUsage=critical,keyCertSign,cRLSign" \
			"subjectKeyIdentifier=hash" \
			"authorityKeyIdentifier=keyid" >int.ext &&
		openssl x509 -req -in int.csr -CA root.crt -CAkey root.key \
			-CAcreateserial -days 3650 -extfile int.ext -out int.crt &&
		openssl ecparam -name prime256v1 -genkey -noout -out fed.key &&
		openssl req -x509 -new -key fed.key -subj "/CN=Federated Root" \
			-days 3650 -out fed.crt &&
		# A client certificate from the intermediate, and one from a
		# CA the server does not know.
		openssl ecparam -name prime256v1 -genkey -noout -out client.key &&
		openssl req -new -key client.key -subj "/CN=client" -out client.csr &&
		printf '%s\n' "keyUsage=critical,digitalSignature" \
			"extendedKeyUsage=clientAuth" >client.ext &&
		openssl x509 -req -in client.csr -CA int.crt -CAkey int.key \
			-passin file:pw.txt -CAcreateserial -days 1 \
			-extfile client.ext -out client.crt &&
		openssl req -x509 -new -key client.key -subj "/CN=stranger" \
			-days 1 -out stranger.crt
	) >fixture.log 2>&1 &&
	chmod 600 ca/int.key &&
	ca_json &&
	write_client
}

ca_init_keys() {
	echo "ca keys pw" >pw.txt &&
	pkit ca init --name "$1" --dns localhost --dns 127.0.0.1 \
		--address "$ADDR" --password-file pw.txt 2>init.log &&
	FP=$(jget "$PKITPATH/config/defaults.json" "d[\"fingerprint\"]") &&
	CA_URL=$(jget "$PKITPATH/config/defaults.json" "d[\"ca-url\"]") &&
	ROOT=$PKITPATH/certs/root_ca.crt &&
	jget "$PKITPATH/config/ca.json" \
		"d[\"authority\"][\"provisioners\"][0][\"encryptedKey\"]" >ek.jwe &&
	pkit crypto jwe decrypt --password-file pw.txt ek.jwe >prov.json &&
	chmod 600 prov.json
}

ca_start() {
	: >serve.log
	"$PKIT_BIN" ca serve "$@" >serve.out 2>serve.log &
	CA_PID=$!
	n=0
	while ! grep -q "Serving HTTPS on" serve.log
	do
		if ! kill -0 "$CA_PID" 2>/dev/null; then
			wait "$CA_PID"
			echo "pkit ca serve exited with $?:" >&2
			cat serve.log >&2
			CA_PID=
			return 1
		fi
		n=$((n + 1))
		if test $n -gt 600; then
			echo "pkit ca serve did not start" >&2
			return 1
		fi
		sleep 0.05
	done
}

ca_stop() {
	test -n "$CA_PID" || return 1
	kill -"${1:-TERM}" "$CA_PID" || return 1
	wait "$CA_PID"
	st=$?
	CA_PID=
	if test $st -ne 0; then
		echo "pkit ca serve exited with $st" >&2
		cat serve.log >&2
		return 1
	fi
}

get() {
	p=$1
	shift
	curl -sS -o out -D hdr -w '%{http_code}\n' --cacert ca/root.crt \
		"$@" "https://127.0.0.1:$PORT$p"
}

jget() {
	"$SYS_PYTHON" -c 'import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
print(eval(sys.argv[2]))' "$1" "$2"
}

# header NAME: the value of a header in hdr (case-insensitive).
header() {
	tr -d '\r' <hdr | sed -n "s/^$1: //Ip" | head -n 1
}

client() {
	"$SYS_PYTHON" client.py "$PORT" "$@"
}

# client.py PORT MODE ...: a TLS client that does what curl will not.
write_client() {
	cat >client.py <<\EOF
import os, signal, socket, ssl, sys, time

port = int(sys.argv[1])
mode = sys.argv[2]
args = sys.argv[3:]


def tls(timeout=20, cert=None):
    ctx = ssl.create_default_context(cafile="ca/root.crt")
    if cert:
        ctx.load_cert_chain(cert[0], cert[1])
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    return ctx.wrap_socket(s, server_hostname="localhost")


def read_all(t, limit):
    """Read until the server closes; (bytes, seconds, how)."""
    start = time.time()
    out = b""
    t.settimeout(limit)
    try:
        while True:
            b = t.recv(65536)
            if not b:
                return out, time.time() - start, "closed"
            out += b
    except socket.timeout:
        return out, time.time() - start, "timeout"
    except (ConnectionResetError, ssl.SSLError, OSError):
        return out, time.time() - start, "closed"


def read_response(t, buf=b""):
    """One response, buf holding what was read already: (status, headers
    dict, body, bytes read past the response)."""
    while b"\r\n\r\n" not in buf:
        b = t.recv(65536)
        if not b:
            raise EOFError("closed")
        buf += b
    head, rest = buf.split(b"\r\n\r\n", 1)
    lines = head.decode().split("\r\n")
    status = int(lines[0].split()[1])
    hdrs = {}
    for l in lines[1:]:
        k, v = l.split(":", 1)
        hdrs[k.strip().lower()] = v.strip()
    n = int(hdrs.get("content-length", "0"))
    while len(rest) < n:
        b = t.recv(65536)
        if not b:
            break
        rest += b
    return status, hdrs, rest[:n], rest[n:]


if mode == "raw":
    # raw FILE [LIMIT]: send the file, print what comes back.
    t = tls()
    t.sendall(open(args[0], "rb").read())
    out, secs, how = read_all(t, float(args[1]) if len(args) > 1 else 10)
    sys.stdout.buffer.write(out)
    sys.exit(0 if how == "closed" else 3)
elif mode == "slow":
    # slow DATA: send DATA (a prefix of a request), wait for the close.
    t = tls()
    t.sendall(args[0].encode().decode("unicode_escape").encode())
    out, secs, how = read_all(t, 30)
    print("%s %.1f %d" % (how, secs, len(out)))
elif mode == "drip":
    # drip: a request one byte every 0.25 s; when does the server close?
    t = tls()
    start = time.time()
    req = b"GET /health HTTP/1.1\r\nHost: x\r\n" + b"X-Slow: " + b"a" * 400
    try:
        for ch in req:
            t.sendall(bytes([ch]))
            time.sleep(0.25)
        print("completed")
    except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
        print("closed %.1f" % (time.time() - start))
elif mode == "tcp":
    # tcp N: N plain TCP connections that never speak; when are they
    # all closed?
    socks = [socket.create_connection(("127.0.0.1", port)) for _ in
             range(int(args[0]))]
    start = time.time()
    for s in socks:
        s.settimeout(30)
        try:
            while s.recv(4096):
                pass
        except (socket.timeout, ConnectionResetError):
            pass
    print("%.1f" % (time.time() - start))
elif mode == "garbage":
    # garbage N: N random bytes on plain TCP; does the server close?
    s = socket.create_connection(("127.0.0.1", port), timeout=20)
    try:
        s.sendall(os.urandom(int(args[0])))
        while s.recv(4096):
            pass
        print("closed")
    except (ConnectionResetError, BrokenPipeError):
        print("closed")
    except socket.timeout:
        print("timeout")
elif mode == "many":
    # many N [HOLD-SECONDS PIDFILE]: N TLS connections, one request each,
    # kept open; print how many got 200.  With HOLD, stay connected that
    # long after writing PIDFILE (for the caller to measure).
    n = int(args[0])
    conns, ok = [], 0
    for i in range(n):
        t = tls()
        t.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        conns.append(t)
    for t in conns:
        status, h, body, extra = read_response(t)
        ok += status == 200 and body == b'{"status":"ok"}\n'
    print(ok)
    sys.stdout.flush()
    if len(args) > 1:
        open(args[2], "w").write("%d\n" % os.getpid())
        time.sleep(float(args[1]))
elif mode == "pipeline":
    # pipeline: three requests in one write; print the statuses.
    t = tls()
    t.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
              b"GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
              b"GET /1.0/version HTTP/1.1\r\nHost: x\r\n\r\n")
    rest = b""
    for i in range(3):
        status, h, body, rest = read_response(t, rest)
        print(status, body.decode().strip())
elif mode == "keepalive":
    # keepalive N: N requests on one connection, then how long until an
    # idle close.
    t = tls()
    for i in range(int(args[0])):
        t.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        status, h, body, extra = read_response(t)
        assert status == 200
    out, secs, how = read_all(t, 30)
    print("%s %.1f" % (how, secs))
elif mode == "serial":
    # serial: the server certificate's serial; then, on the same
    # connection after SECONDS, whether /health still answers.
    t = tls()
    der = t.getpeercert(binary_form=True)
    open(args[0], "wb").write(der)
    if len(args) > 1:
        time.sleep(float(args[1]))
        t.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        status, h, body, extra = read_response(t)
        print(status)
elif mode == "drain":
    # drain PID: start a request, SIGTERM the server, finish the request:
    # it must still be answered (Connection: close); a new client is
    # refused.
    t = tls()
    t.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n")
    time.sleep(0.3)
    os.kill(int(args[0]), signal.SIGTERM)
    time.sleep(0.5)
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
        print("new connection accepted")
    except OSError:
        print("new connection refused")
    t.sendall(b"hello")
    status, h, body, extra = read_response(t)
    print(status, h.get("connection"))
elif mode == "mtls":
    # mtls CERT KEY: /health with a client certificate.
    try:
        t = tls(cert=(args[0], args[1]))
        t.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        status, h, body, extra = read_response(t)
        print(status)
    except (ssl.SSLError, ConnectionResetError, EOFError, OSError) as e:
        print("refused")
EOF
}

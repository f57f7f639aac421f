# lib-caops.sh - a signing fake step-ca for the tests of `pkit ca token,
# certificate, sign, renew, rekey, revoke` (t32xx).  Source it after
# lib.sh; it sources lib-fake-stepca.sh.
#
#   signing_ca NAME [ARGS...]  root.crt, int.crt/.key (the intermediate
#                      that signs), srv.crt (the CA's TLS certificate),
#                      provs.json (JWK provisioners made by mkprov) and a
#                      fake step-ca NAME serving them (fake-stepca.py
#                      --issuer-cert ...; ARGS go to it, e.g. --lifetime)
#   restart_ca NAME [ARGS...]  stop NAME and start it again on its port
#   mkprov NAME PASSWORD       add a JWK provisioner to provs.json: its
#                      private JWK in prov-NAME.json (0600), its kid in
#                      prov-NAME.kid; the CA keeps the key encrypted with
#                      PASSWORD as step ca init does (a compact PBES2 JWE,
#                      made with python3-jwcrypto)
#   claims TOKEN EXPR / jwt_header TOKEN EXPR   a Python expression of the
#                      token's claims / header (bound to c / h)
#   body NAME N EXPR   EXPR of the JSON body of the Nth POST server NAME
#                      received (1-based; bound to b)
#   serial FILE        the serial of a certificate, in decimal
#   pubkey FILE        the public key of a certificate or key (PEM)

. "$TEST_SRC_DIR/lib-fake-stepca.sh"

# mkint NAME ISSUER CN: an intermediate CA NAME.crt/.key signed by ISSUER.
mkint() {
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$1.key" -out "$1.csr" -subj "/O=Test/CN=$3" 2>/dev/null &&
	printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n' \
		>"$1.ext" &&
	openssl x509 -req -in "$1.csr" -CA "$2.crt" -CAkey "$2.key" \
		-CAcreateserial -days 30 -extfile "$1.ext" -out "$1.crt" 2>/dev/null
}

mkprov() {
	"$SYS_PYTHON" - "$1" "$2" <<-\EOF
	import json, os, sys
	from jwcrypto import jwe, jwk
	name, password = sys.argv[1:3]
	k = jwk.JWK.generate(kty="EC", crv="P-256")
	priv = json.loads(k.export_private())
	kid = k.thumbprint()
	priv.update({"use": "sig", "kid": kid, "alg": "ES256"})
	pub = {m: priv[m] for m in ("use", "kty", "kid", "crv", "alg", "x", "y")}
	e = jwe.JWE(json.dumps(priv).encode(), protected=json.dumps(
	    {"alg": "PBES2-HS256+A128KW", "enc": "A256GCM", "cty": "jwk+json"}))
	e.add_recipient(jwk.JWK.from_password(password))
	provs = json.load(open("provs.json")) if os.path.exists("provs.json") else []
	provs.append({"type": "JWK", "name": name, "key": pub,
	              "encryptedKey": e.serialize(compact=True)})
	json.dump(provs, open("provs.json", "w"), indent=1)
	fd = os.open("prov-%s.json" % name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
	os.write(fd, json.dumps(priv).encode())
	os.close(fd)
	open("prov-%s.kid" % name, "w").write(kid + "\n")
	EOF
}

# The PKI of the signing CA: made once per script.
ca_pki() {
	test -f int.crt && return 0
	mkroot root "Test Root CA" &&
	mkint int root "Test Intermediate CA" &&
	mkserver srv root "IP:127.0.0.1,DNS:localhost"
}

signing_ca() {
	name=$1
	shift
	ca_pki &&
	start_stepca "$name" srv root --issuer-cert int.crt --issuer-key int.key \
		--provisioners provs.json --client-ca root.crt "$@"
}

restart_ca() {
	name=$1
	shift
	port=$(cat "$name.port")
	stop_stepca
	n=0
	while "$SYS_PYTHON" -c 'import socket, sys
s = socket.socket()
sys.exit(0 if s.connect_ex(("127.0.0.1", int(sys.argv[1]))) == 0 else 1)' "$port"
	do
		n=$((n + 1))
		test $n -lt 100 || return 1
		sleep 0.05
	done
	signing_ca "$name" --port "$port" "$@"
}

claims() {
	"$SYS_PYTHON" -c 'import base64, json, sys
p = sys.argv[1].split(".")[1]
c = json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)))
print(eval(sys.argv[2]))' "$1" "$2"
}

jwt_header() {
	"$SYS_PYTHON" -c 'import base64, json, sys
p = sys.argv[1].split(".")[0]
h = json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)))
print(eval(sys.argv[2]))' "$1" "$2"
}

body() {
	"$SYS_PYTHON" -c 'import json, sys
posts = [json.loads(l) for l in open(sys.argv[1]) if json.loads(l)["method"] == "POST"]
r = posts[int(sys.argv[2]) - 1]
b = json.loads(r["body"]) if r["body"] else {}
print(eval(sys.argv[3]))' "$1.log" "$2" "$3"
}

# posts NAME: how many POST requests server NAME received.
posts() {
	requests "$1" | grep -c '^POST ' || true
}

serial() {
	"$SYS_PYTHON" -c 'import sys
from cryptography import x509
print(x509.load_pem_x509_certificate(open(sys.argv[1], "rb").read()).serial_number)' "$1"
}

pubkey() {
	if grep -q "BEGIN CERTIFICATE" "$1"; then
		openssl x509 -in "$1" -noout -pubkey
	else
		openssl pkey -in "$1" -pubout
	fi
}

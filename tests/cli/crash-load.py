# crash-load.py - the load generator of t9110: POST /1.0/sign from several
# threads over kept-alive TLS, each request with a fresh one-time token
# minted here (python3-jwcrypto), until the server goes away.
#
#   crash-load.py load PORT ROOT PROV.json FP CA_URL OUT THREADS SECONDS
#       append "OK <serial-decimal> <token>" to OUT for every 201, as soon
#       as the answer is read (flushed: OUT survives the server's death)
#   crash-load.py replay PORT ROOT OUT
#       send every token of OUT again; print "<status> <count>" lines
#   crash-load.py one PORT ROOT PROV.json FP CA_URL [CSR]
#       one /sign request with a fresh token for load.example: print its
#       status and the seconds it took, and write the answer to "out";
#       $EXTRA (a JSON object) is merged into the request
#   crash-load.py csr OUT SANS EXTRA-BYTES
#       a CSR for load.example with SANS more DNS names and an unknown
#       extension of EXTRA-BYTES bytes
import http.client, json, os, ssl, sys, threading, time, uuid

from cryptography import x509
from jwcrypto import jwk, jwt

mode = sys.argv[1]
if mode != "csr":
    port = int(sys.argv[2])
    root = sys.argv[3]


def conn():
    ctx = ssl.create_default_context(cafile=root)
    ctx.check_hostname = False
    return http.client.HTTPSConnection("127.0.0.1", port, context=ctx,
                                       timeout=30)


def post(c, body):
    c.request("POST", "/1.0/sign", body=body,
              headers={"Content-Type": "application/json"})
    r = c.getresponse()
    return r.status, r.read()


def minter(keyfile, fp, ca_url):
    key = jwk.JWK.from_json(open(keyfile).read())

    def mint():
        now = int(time.time())
        t = jwt.JWT(header={"alg": "ES256", "kid": key.kid, "typ": "JWT"},
                    claims={"iss": "admin", "aud": ca_url + "/1.0/sign",
                            "sub": "load.example", "sans": ["load.example"],
                            "sha": fp, "jti": uuid.uuid4().hex,
                            "iat": now, "nbf": now, "exp": now + 300})
        t.make_signed_token(key)
        return t.serialize()
    return mint


if mode == "one":
    mint = minter(sys.argv[4], sys.argv[5], sys.argv[6])
    csrfile = sys.argv[7] if len(sys.argv) > 7 else "load.csr"
    req = {"csr": open(csrfile).read(), "ott": mint()}
    req.update(json.loads(os.environ.get("EXTRA", "{}")))
    body = json.dumps(req)
    start = time.time()
    try:
        st, answer = post(conn(), body)
    except (ConnectionError, http.client.HTTPException) as e:
        st, answer = 0, str(e).encode()
    open("out", "wb").write(answer)
    if len(sys.argv) > 7:
        print(st, "%.1f" % (time.time() - start))
    else:
        print(st)
elif mode == "csr":
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    key = ec.generate_private_key(ec.SECP256R1())
    names = [x509.DNSName("load.example")] + [
        x509.DNSName("h%d.load.example" % i) for i in range(int(sys.argv[3]))]
    b = x509.CertificateSigningRequestBuilder().subject_name(x509.Name(
        [x509.NameAttribute(NameOID.COMMON_NAME, "load.example")]))
    b = b.add_extension(x509.SubjectAlternativeName(names), critical=False)
    if int(sys.argv[4]) > 0:
        b = b.add_extension(x509.UnrecognizedExtension(
            x509.ObjectIdentifier("1.3.6.1.4.1.55555.1"),
            b"\x04\x00" + b"x" * int(sys.argv[4])), critical=False)
    csr = b.sign(key, hashes.SHA256())
    open(sys.argv[2], "wb").write(csr.public_bytes(serialization.Encoding.PEM))
elif mode == "load":
    mint = minter(sys.argv[4], sys.argv[5], sys.argv[6])
    out = sys.argv[7]
    nthreads, secs = int(sys.argv[8]), float(sys.argv[9])
    csr = open("load.csr").read()
    lock = threading.Lock()
    f = open(out, "a")
    end = time.time() + secs

    def worker():
        try:
            c = conn()
            while time.time() < end:
                tok = mint()
                st, body = post(c, json.dumps({"csr": csr, "ott": tok}))
                if st != 201:
                    with lock:
                        f.write("STATUS %d\n" % st)
                        f.flush()
                    continue
                crt = x509.load_pem_x509_certificate(
                    json.loads(body)["crt"].encode())
                with lock:
                    f.write("OK %d %s\n" % (crt.serial_number, tok))
                    f.flush()
        except Exception as e:          # the server died: stop
            with lock:
                f.write("STOP %s\n" % type(e).__name__)
                f.flush()

    ts = [threading.Thread(target=worker) for _ in range(nthreads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
elif mode == "replay":
    counts = {}
    c = conn()
    for line in open(sys.argv[4]):
        w = line.split()
        if w[0] != "OK":
            continue
        st, _ = post(c, json.dumps({"csr": open("load.csr").read(),
                                    "ott": w[2]}))
        counts[st] = counts.get(st, 0) + 1
    for st in sorted(counts):
        print(st, counts[st])

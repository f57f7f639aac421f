"""acme-client.py - a small RFC 8555 client with full control over the JWS,
for the ACME tests (t80xx).  Usage: acme-client.py DIR_URL ROOT HTTP01_PORT
SCENARIO; it prints one line per check, "ok NAME" or "FAIL NAME: why".
Only Debian's python3-cryptography is needed."""
import base64, hashlib, http.server, json, socket, ssl, sys, threading
import urllib.error, urllib.request

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa, padding
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import NameOID

DIR, ROOT, HTTP01 = sys.argv[1], sys.argv[2], int(sys.argv[3])
CTX = ssl.create_default_context(cafile=ROOT)
NS = "urn:ietf:params:acme:error:"


def b64(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def uint(n, size):
    return n.to_bytes(size, "big")


class Key:
    def __init__(self, kind="ec256"):
        self.kind = kind
        if kind == "ec256":
            self.k = ec.generate_private_key(ec.SECP256R1())
            self.alg = "ES256"
        elif kind == "ec384":
            self.k = ec.generate_private_key(ec.SECP384R1())
            self.alg = "ES384"
        elif kind == "rsa":
            self.k = rsa.generate_private_key(65537, 2048)
            self.alg = "RS256"
        else:
            self.k = ed25519.Ed25519PrivateKey.generate()
            self.alg = "EdDSA"

    def jwk(self):
        p = self.k.public_key()
        if self.kind.startswith("ec"):
            n = p.public_numbers()
            size = 32 if self.kind == "ec256" else 48
            return {"crv": "P-256" if size == 32 else "P-384", "kty": "EC",
                    "x": b64(uint(n.x, size)), "y": b64(uint(n.y, size))}
        if self.kind == "rsa":
            n = p.public_numbers()
            return {"e": b64(uint(n.e, 3)), "kty": "RSA",
                    "n": b64(uint(n.n, 256))}
        raw = p.public_bytes(serialization.Encoding.Raw,
                             serialization.PublicFormat.Raw)
        return {"crv": "Ed25519", "kty": "OKP", "x": b64(raw)}

    def thumb(self):
        j = json.dumps(self.jwk(), sort_keys=True, separators=(",", ":"))
        return b64(hashlib.sha256(j.encode()).digest())

    def sign(self, data):
        if self.kind.startswith("ec"):
            size = 32 if self.kind == "ec256" else 48
            h = hashes.SHA256() if size == 32 else hashes.SHA384()
            r, s = decode_dss_signature(self.k.sign(data, ec.ECDSA(h)))
            return uint(r, size) + uint(s, size)
        if self.kind == "rsa":
            return self.k.sign(data, padding.PKCS1v15(), hashes.SHA256())
        return self.k.sign(data)


class Resp:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        return json.loads(self.body)

    def problem(self):
        try:
            return self.json().get("type", "")[len(NS):]
        except Exception:
            return ""


def fetch(method, url, body=None, ctype="application/jose+json"):
    req = urllib.request.Request(url, data=body, method=method)
    if body is not None:
        req.add_header("Content-Type", ctype)
    try:
        with urllib.request.urlopen(req, context=CTX, timeout=30) as r:
            return Resp(r.status, r.headers, r.read())
    except urllib.error.HTTPError as e:
        return Resp(e.code, e.headers, e.read())


class Client:
    def __init__(self, key=None):
        self.key = key or Key()
        self.dir = fetch("GET", DIR).json()
        self.kid = None

    def nonce(self):
        return fetch("HEAD", self.dir["newNonce"]).headers["Replay-Nonce"]

    def jws(self, url, payload, nonce=None, key=None, kid=True, jwk=False,
            alg=None, extra=None):
        key = key or self.key
        prot = {"alg": alg or key.alg, "url": url}
        if nonce is not False:
            prot["nonce"] = nonce or self.nonce()
        if kid and self.kid and not jwk:
            prot["kid"] = self.kid
        else:
            prot["jwk"] = key.jwk()
        if extra:
            prot.update(extra)
        p = b64(json.dumps(prot).encode())
        pl = "" if payload is None else b64(json.dumps(payload).encode())
        sig = key.sign((p + "." + pl).encode())
        return {"protected": p, "payload": pl, "signature": b64(sig)}

    def post(self, url, payload, **kw):
        return fetch("POST", url, json.dumps(self.jws(url, payload, **kw))
                    .encode())

    def register(self, **payload):
        payload.setdefault("termsOfServiceAgreed", True)
        r = self.post(self.dir["newAccount"], payload, kid=False)
        if r.status in (200, 201):
            self.kid = r.headers["Location"]
        return r

    def order(self, *names):
        return self.post(self.dir["newOrder"], {"identifiers": [
            {"type": "dns", "value": n} for n in names]})

    def keyauth(self, token):
        return token + "." + self.key.thumb()


# ---- an http-01 responder --------------------------------------------------

TOKENS = {}
DELAY = {}      # token: seconds the responder waits before answering


class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        import time
        t = self.path.rsplit("/", 1)[-1]
        if t in DELAY:
            time.sleep(DELAY[t])
        if t in TOKENS:
            body = TOKENS[t].encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            self.send_response(404)
            self.end_headers()

    def log_message(self, *a):
        pass


def serve_http01():
    s = http.server.ThreadingHTTPServer(("127.0.0.1", HTTP01), H)
    threading.Thread(target=s.serve_forever, daemon=True).start()
    return s


def csr(key, *names, cn=None, ips=()):
    import ipaddress
    b = x509.CertificateSigningRequestBuilder().subject_name(x509.Name(
        [x509.NameAttribute(NameOID.COMMON_NAME, cn)] if cn else []))
    b = b.add_extension(x509.SubjectAlternativeName(
        [x509.DNSName(n) for n in names] +
        [x509.IPAddress(ipaddress.ip_address(i)) for i in ips]),
        critical=False)
    return b64(b.sign(key, hashes.SHA256()).public_bytes(
        serialization.Encoding.DER))


def validate(c, order):
    """Answer http-01 for each authorization of order; wait until valid."""
    import time
    for az in order["authorizations"]:
        a = c.post(az, None).json()
        ch = [x for x in a["challenges"] if x["type"] == "http-01"][0]
        TOKENS[ch["token"]] = c.keyauth(ch["token"])
        c.post(ch["url"], {})
        for i in range(100):
            a = c.post(az, None).json()
            if a["status"] != "pending":
                break
            time.sleep(0.1)
        if a["status"] != "valid":
            return a
    return None


RESULTS = []


def check(name, cond, why=""):
    print(("ok %s" % name) if cond else ("FAIL %s: %s" % (name, why)))
    sys.stdout.flush()


def expect(name, r, status, ptype):
    ok = (r.status == status and r.problem() == ptype and
          r.headers.get("Content-Type", "").startswith(
              "application/problem+json") and
          r.headers.get("Replay-Nonce"))
    check(name, ok, "%d %s" % (r.status, r.body[:300]))


def scenario_flow():
    """The happy paths: every account key type, an order through http-01,
    the certificate, account views, key change, revocation, deactivation."""
    serve_http01()
    for kind in ("ec256", "ec384", "rsa", "ed25519"):
        c = Client(Key(kind))
        r = c.register(contact=["mailto:a@example.com"])
        check("register-" + kind, r.status == 201 and
              r.json()["status"] == "valid", r.body)
    r = c.register()
    check("register-again-200", r.status == 200 and
          r.headers["Location"] == c.kid, r.status)
    r = c.post(c.dir["newAccount"], {"onlyReturnExisting": True}, kid=False)
    check("only-return-existing", r.status == 200 and
          r.headers["Location"] == c.kid, r.status)
    o = c.order("f1.test.internal", "f2.test.internal")
    check("new-order", o.status == 201 and o.json()["status"] == "pending"
          and len(o.json()["authorizations"]) == 2 and
          o.headers["Location"].startswith(DIR.rsplit("/", 1)[0] + "/order/"),
          o.body)
    oloc, order = o.headers["Location"], o.json()
    check("validate", validate(c, order) is None, "")
    r = c.post(oloc, None)
    check("order-ready", r.json()["status"] == "ready", r.body)
    k = ec.generate_private_key(ec.SECP256R1())
    r = c.post(order["finalize"], {"csr": csr(k, "f1.test.internal",
                                              "f2.test.internal")})
    check("finalize", r.status == 200 and r.json()["status"] == "valid" and
          "certificate" in r.json(), r.body)
    cr = c.post(r.json()["certificate"], None)
    check("certificate-pem-chain", cr.status == 200 and
          cr.headers["Content-Type"] == "application/pem-certificate-chain"
          and cr.body.count(b"BEGIN CERTIFICATE") == 2, cr.status)
    open("flow.pem", "wb").write(cr.body)
    leaf = x509.load_pem_x509_certificate(cr.body)
    # an IP identifier (RFC 8738) over http-01
    o = c.post(c.dir["newOrder"], {"identifiers": [
        {"type": "ip", "value": "127.0.0.1"},
        {"type": "dns", "value": "f4.test.internal"}]})
    check("ip-order", o.status == 201 and
          o.json()["identifiers"][0] == {"type": "ip", "value": "127.0.0.1"},
          o.body)
    a0 = c.post(o.json()["authorizations"][0], None).json()
    check("ip-challenges", sorted(x["type"] for x in a0["challenges"]) ==
          ["http-01", "tls-alpn-01"], a0)
    check("ip-validate", validate(c, o.json()) is None, "")
    ik = ec.generate_private_key(ec.SECP256R1())
    r = c.post(o.json()["finalize"], {"csr": csr(ik, "f4.test.internal",
                                                 ips=["127.0.0.2"])})
    expect("ip-csr-other-address", r, 400, "badCSR")
    r = c.post(o.json()["finalize"], {"csr": csr(ik, "f4.test.internal",
                                                 ips=["127.0.0.1"])})
    check("ip-finalize", r.status == 200 and r.json()["status"] == "valid",
          r.body)
    ipc = c.post(r.json()["certificate"], None)
    open("ip.pem", "wb").write(ipc.body)
    r = c.post(c.kid + "/orders", None)
    check("account-orders", r.status == 200 and oloc in r.json()["orders"],
          r.body)
    r = c.post(c.kid, {"contact": ["mailto:b@example.com"]})
    check("account-update", r.status == 200 and
          r.json()["contact"] == ["mailto:b@example.com"], r.body)
    r = c.post(c.kid, {"contact": ["tel:+1"]})
    expect("contact-unsupported", r, 400, "unsupportedContact")
    # revoke with the certificate's own key (jwk), then again
    der = b64(leaf.public_bytes(serialization.Encoding.DER))
    ck = Key()
    ck.k = k
    r = c.post(c.dir["revokeCert"], {"certificate": der, "reason": 1},
               key=ck, jwk=True)
    check("revoke-by-cert-key", r.status == 200, r.body)
    r = c.post(c.dir["revokeCert"], {"certificate": der})
    expect("revoke-again", r, 400, "alreadyRevoked")
    # key change
    new = Key()
    inner = c.jws(c.dir["keyChange"], {"account": c.kid,
                                       "oldKey": c.key.jwk()},
                  key=new, jwk=True, nonce=False)
    r = c.post(c.dir["keyChange"], inner)
    check("key-change", r.status == 200, r.body)
    r = c.post(c.kid, None)
    check("old-key-refused", r.status == 400, r.body)
    old = c.key
    c.key = new
    r = c.post(c.kid, None)
    check("new-key-works", r.status == 200, r.body)
    r = c.post(c.dir["newAccount"], {"onlyReturnExisting": True}, kid=False,
               key=old)
    expect("old-key-no-account", r, 400, "accountDoesNotExist")
    # deactivate
    r = c.post(c.kid, {"status": "deactivated"})
    check("deactivate", r.status == 200 and
          r.json()["status"] == "deactivated", r.body)
    r = c.order("f3.test.internal")
    expect("deactivated-refused", r, 401, "unauthorized")


def scenario_hostile():
    serve_http01()
    a, b = Client(), Client()
    a.register()
    b.register()
    # replayed and forged nonces
    n = a.nonce()
    r = a.post(a.dir["newOrder"], {"identifiers": [
        {"type": "dns", "value": "n1.test.internal"}]}, nonce=n)
    check("first-use", r.status == 201, r.body)
    r = a.post(a.dir["newOrder"], {"identifiers": [
        {"type": "dns", "value": "n1.test.internal"}]}, nonce=n)
    expect("replayed-nonce", r, 400, "badNonce")
    r = a.post(a.dir["newOrder"], {"identifiers": []}, nonce=b64(b"x" * 40))
    expect("forged-nonce", r, 400, "badNonce")
    r = a.post(a.dir["newOrder"], {"identifiers": []}, nonce=False)
    expect("no-nonce", r, 400, "badNonce")
    # the url header
    body = json.dumps(a.jws(a.dir["newAccount"], {"identifiers": [
        {"type": "dns", "value": "u.test.internal"}]})).encode()
    r = fetch("POST", a.dir["newOrder"], body)
    expect("wrong-url", r, 401, "unauthorized")
    # signed by another account's key with a's kid
    r = a.post(a.dir["newOrder"], {"identifiers": [
        {"type": "dns", "value": "k.test.internal"}]}, key=b.key)
    expect("other-accounts-key", r, 400, "malformed")
    # b reads and finalizes a's order
    o = a.order("o.test.internal")
    r = b.post(o.headers["Location"], None)
    expect("other-accounts-order", r, 403, "unauthorized")
    k = ec.generate_private_key(ec.SECP256R1())
    r = b.post(o.json()["finalize"], {"csr": csr(k, "o.test.internal")})
    expect("other-accounts-finalize", r, 403, "unauthorized")
    # finalize before authorization
    r = a.post(o.json()["finalize"], {"csr": csr(k, "o.test.internal")})
    expect("finalize-before-authz", r, 403, "orderNotReady")
    # a CSR with names outside the order
    v = validate(a, o.json())
    check("validate", v is None, v)
    r = a.post(o.json()["finalize"], {"csr": csr(k, "o.test.internal",
                                                 "evil.test.internal")})
    expect("csr-extra-name", r, 400, "badCSR")
    r = a.post(o.json()["finalize"], {"csr": csr(k, "o.test.internal",
                                                 cn="evil.test.internal")})
    expect("csr-other-cn", r, 400, "badCSR")
    r = a.post(o.json()["finalize"], {"csr": csr(k, "p.test.internal")})
    expect("csr-missing-name", r, 400, "badCSR")
    r = a.post(o.json()["finalize"], {"csr": "AAAA"})
    expect("csr-garbage", r, 400, "badCSR")
    r = a.post(o.headers["Location"], None)
    check("order-still-ready", r.json()["status"] == "ready", r.body)
    # oversized, wrong type, bad algs, jwk and kid
    big = {"identifiers": [{"type": "dns", "value": "x" * 200000}]}
    r = a.post(a.dir["newOrder"], big)
    expect("oversized", r, 413, "malformed")
    r = fetch("POST", a.dir["newOrder"], json.dumps(a.jws(
        a.dir["newOrder"], {})).encode(), ctype="application/json")
    expect("content-type", r, 415, "malformed")
    r = a.post(a.dir["newOrder"], {}, alg="none")
    expect("alg-none", r, 400, "badSignatureAlgorithm")
    r = a.post(a.dir["newOrder"], {}, alg="HS256")
    expect("alg-hs256", r, 400, "badSignatureAlgorithm")
    r = a.post(a.dir["newOrder"], {}, extra={"jwk": a.key.jwk()})
    expect("jwk-and-kid", r, 400, "malformed")
    r = a.post(a.dir["newOrder"], {}, jwk=True)
    expect("order-with-jwk", r, 400, "malformed")
    r = fetch("POST", a.dir["newOrder"], b'{"protected":"e30","payload":"",'
             b'"signature":"","header":{}}')
    expect("unprotected-header", r, 400, "malformed")
    r = fetch("POST", a.dir["newOrder"], b"not json")
    expect("not-json", r, 400, "malformed")
    # identifiers
    r = a.order("bad_name.test.internal")
    expect("bad-dns-name", r, 400, "rejectedIdentifier")
    r = a.order("127.0.0.1")
    expect("ip-as-dns-name", r, 400, "rejectedIdentifier")
    r = a.post(a.dir["newOrder"], {"identifiers": [
        {"type": "email", "value": "a@example.com"}]})
    expect("email-identifier", r, 400, "unsupportedIdentifier")
    r = a.post(a.dir["newOrder"], {"identifiers": [
        {"type": "ip", "value": "300.1.1.1"}]})
    expect("bad-ip-identifier", r, 400, "rejectedIdentifier")
    r = a.post(a.dir["newOrder"], {"identifiers": [
        {"type": "email", "value": "a@example.com"},
        {"type": "dns", "value": "-x.test.internal"},
        {"type": "dns", "value": "fine.test.internal"}]})
    expect("subproblems", r, 400, "rejectedIdentifier")
    sub = r.json().get("subproblems", [])
    check("subproblems-listed", len(sub) == 2 and
          sub[0]["type"] == NS + "unsupportedIdentifier" and
          sub[1]["identifier"]["value"] == "-x.test.internal", r.body)
    r = a.post(a.dir["newOrder"], {"identifiers": []})
    expect("no-identifiers", r, 400, "malformed")
    # accounts
    c = Client()
    r = c.post(c.dir["newAccount"], {"onlyReturnExisting": True}, kid=False)
    expect("no-such-account", r, 400, "accountDoesNotExist")
    r = c.post(c.dir["newAccount"], {"contact": ["mailto:nobody"]}, kid=False)
    expect("invalid-contact", r, 400, "invalidContact")
    r = b.post(a.kid, {"status": "deactivated"})
    expect("other-account-update", r, 401, "unauthorized")
    r = a.post(a.kid.rsplit("/", 1)[0] + "/nope", None)
    expect("kid-unknown-account", r, 401, "unauthorized")


def scenario_policy():
    """A provisioner policy denies denied.test.internal: newOrder refuses
    it before any challenge, with the name in the problem."""
    c = Client()
    c.register()
    r = c.order("ok.test.internal")
    check("policy-allowed", r.status == 201, r.body)
    r = c.order("ok.test.internal", "denied.test.internal")
    expect("policy-refused", r, 400, "rejectedIdentifier")
    check("policy-names-it", b"denied.test.internal" in r.body, r.body)


def scenario_retry():
    """Retry-After (RFC 8555 §8.2): while a validation runs (the
    responder answers after 5 s), the challenge, its authorization and its
    order carry Retry-After: 1; before and after, none does."""
    import time
    serve_http01()
    c = Client()
    c.register()
    o = c.order("slow.test.internal")
    oloc, order = o.headers["Location"], o.json()
    check("no-retry-new-order", o.status == 201 and
          "Retry-After" not in o.headers, o.headers)
    azurl = order["authorizations"][0]
    r = c.post(azurl, None)
    check("no-retry-pending-authz", r.json()["status"] == "pending" and
          "Retry-After" not in r.headers, r.headers)
    ch = [x for x in r.json()["challenges"] if x["type"] == "http-01"][0]
    r = c.post(ch["url"], None)
    check("no-retry-pending-challenge", r.json()["status"] == "pending" and
          "Retry-After" not in r.headers, r.headers)
    TOKENS[ch["token"]] = c.keyauth(ch["token"])
    DELAY[ch["token"]] = 5
    r = c.post(ch["url"], {})
    check("challenge-processing-retry", r.status == 200 and
          r.json()["status"] == "processing" and
          r.headers.get("Retry-After") == "1", (r.status, r.headers, r.body))
    r = c.post(ch["url"], None)
    check("challenge-poll-retry", r.json()["status"] == "processing" and
          r.headers.get("Retry-After") == "1", (r.headers, r.body))
    r = c.post(azurl, None)
    check("authz-retry", r.json()["status"] == "pending" and
          r.headers.get("Retry-After") == "1", (r.headers, r.body))
    r = c.post(oloc, None)
    check("order-retry", r.json()["status"] == "pending" and
          r.headers.get("Retry-After") == "1", (r.headers, r.body))
    for i in range(100):
        r = c.post(azurl, None)
        if r.json()["status"] != "pending":
            break
        time.sleep(0.2)
    check("authz-valid-no-retry", r.json()["status"] == "valid" and
          "Retry-After" not in r.headers, (r.headers, r.body))
    r = c.post(ch["url"], None)
    check("challenge-valid-no-retry", r.json()["status"] == "valid" and
          "Retry-After" not in r.headers, (r.headers, r.body))
    r = c.post(oloc, None)
    check("order-ready-no-retry", r.json()["status"] == "ready" and
          "Retry-After" not in r.headers, (r.headers, r.body))
    # a validation that fails: invalid, and no Retry-After either
    o = c.order("wrong.test.internal")
    a = c.post(o.json()["authorizations"][0], None).json()
    ch = [x for x in a["challenges"] if x["type"] == "http-01"][0]
    TOKENS[ch["token"]] = "not-the-key-authorization"
    r = c.post(ch["url"], {})
    check("wrong-processing-retry", r.headers.get("Retry-After") == "1",
          r.headers)
    for i in range(100):
        r = c.post(o.json()["authorizations"][0], None)
        if r.json()["status"] != "pending":
            break
        time.sleep(0.2)
    check("authz-invalid-no-retry", r.json()["status"] == "invalid" and
          "Retry-After" not in r.headers, (r.headers, r.body))
    r = c.post(o.headers["Location"], None)
    check("order-invalid-no-retry", r.json()["status"] == "invalid" and
          "Retry-After" not in r.headers, (r.headers, r.body))


def scenario_reuse():
    """Authorization reuse: an account's second order for a name it has a
    valid authorization for lists that authorization and is ready at
    once; another account, a wildcard, or a deactivated authorization get
    a new one."""
    serve_http01()
    a, b = Client(), Client()
    a.register()
    b.register()
    o1 = a.order("re.test.internal")
    first = o1.json()["authorizations"][0]
    check("first-pending", o1.status == 201 and
          o1.json()["status"] == "pending", o1.body)
    check("first-validate", validate(a, o1.json()) is None, "")
    k = ec.generate_private_key(ec.SECP256R1())
    r = a.post(o1.json()["finalize"], {"csr": csr(k, "re.test.internal")})
    check("first-finalize", r.status == 200 and r.json()["status"] == "valid",
          r.body)
    az = a.post(first, None).json()
    o2 = a.order("re.test.internal")
    check("second-ready-at-once", o2.status == 201 and
          o2.json()["status"] == "ready", o2.body)
    check("second-same-authz", o2.json()["authorizations"] == [first],
          o2.body)
    check("second-expires-with-authz", o2.json()["expires"] ==
          az["expires"], (o2.json()["expires"], az["expires"]))
    check("second-no-retry", "Retry-After" not in o2.headers, o2.headers)
    r = a.post(o2.json()["finalize"], {"csr": csr(k, "re.test.internal")})
    check("second-finalize", r.status == 200 and
          r.json()["status"] == "valid" and "certificate" in r.json(), r.body)
    cr = a.post(r.json()["certificate"], None)
    check("second-certificate", cr.status == 200 and
          cr.body.count(b"BEGIN CERTIFICATE") == 2, cr.status)
    open("reuse.pem", "wb").write(cr.body)
    # one name reused, one new: pending, the new one needs a challenge
    o3 = a.order("re.test.internal", "re2.test.internal")
    l3 = o3.json()["authorizations"]
    check("mixed-pending", o3.json()["status"] == "pending" and
          l3[0] == first and l3[1] != first, o3.body)
    check("mixed-validate", validate(a, {"authorizations": [l3[1]]}) is None,
          "")
    r = a.post(o3.headers["Location"], None)
    check("mixed-ready", r.json()["status"] == "ready", r.body)
    # another account: its own authorization
    ob = b.order("re.test.internal")
    check("other-account-new-authz", ob.json()["status"] == "pending" and
          ob.json()["authorizations"][0] != first, ob.body)
    r = b.post(first, None)
    expect("other-account-cannot-read", r, 403, "unauthorized")
    # a wildcard is not the name, nor the name the wildcard
    ow = a.post(a.dir["newOrder"], {"identifiers": [
        {"type": "dns", "value": "*.re.test.internal"}]})
    check("wildcard-new-authz", ow.status == 201 and
          ow.json()["status"] == "pending" and
          ow.json()["authorizations"][0] != first, ow.body)
    aw = a.post(ow.json()["authorizations"][0], None).json()
    check("wildcard-dns-only", aw.get("wildcard") is True and
          [x["type"] for x in aw["challenges"]] == ["dns-01"], aw)
    # a deactivated authorization is not reused
    r = a.post(first, {"status": "deactivated"})
    check("deactivate-authz", r.json()["status"] == "deactivated", r.body)
    o4 = a.order("re.test.internal")
    check("deactivated-not-reused", o4.json()["status"] == "pending" and
          o4.json()["authorizations"][0] != first, o4.body)
    r = a.post(o2.headers["Location"], None)
    check("old-order-stays-valid", r.json()["status"] == "valid", r.body)


if __name__ == "__main__":
    {"flow": scenario_flow, "hostile": scenario_hostile,
     "policy": scenario_policy, "retry": scenario_retry,
     "reuse": scenario_reuse}[sys.argv[4]]()

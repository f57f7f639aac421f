#!/usr/bin/python3
"""fake-stepca.py - a stand-in for step-ca's read-only routes, for the CLI
tests of the `pkit ca` client verbs.

It serves HTTPS on 127.0.0.1 with --cert/--key and answers:
  /root/<sha256 of --root>   {"ca": <--root PEM>}
  /roots, /federation        {"crts": [<--root>, <--federated>...]} (201)
  anything else              the step-ca 0.19 capture in --api (the file
                             _<path with / as _>.body, status from .headers)
with the /1.0 prefix accepted as step-ca does; an unknown /root/<sha> gets
the captured 404 (_root_0000) when --api has it.  --routes FILE (JSON) gives
replies that win over these: {"/path or /path?query": {"status": 401,
"body": "...", "type": "application/json"}}.  Each request is appended to
--log as one JSON line: method, path, headers, body, client certificate.
Once listening, the port is written to --ready.

With --issuer-cert/--issuer-key (an intermediate) and --provisioners (a
JSON list as /provisioners returns it: JWK provisioners with "key" and
"encryptedKey"), it is also a small signing CA for the tests of `pkit ca
certificate/sign/renew/rekey/revoke`, checking each request as step-ca
0.19 does and answering as it did (research/step-ca-api.md §1-§8):
  POST /sign    {"csr","ott",notBefore?,notAfter?}: the JWK token (kid,
                iss, aud .../1.0/sign or /sign, nbf/exp/iat with 1 minute
                of leeway, jti used once, sub, sans equal to the CSR's)
                -> 201 {"crt","ca","certChain","tlsOptions"}, the leaf
                with CN=sub, the token's SANs, serverAuth+clientAuth and
                step's provisioner extension
  POST /renew   the client certificate (mTLS), or an x5cInsecure token
                in "Authorization: Bearer" (expired certificates only
                with --allow-renewal-after-expiry) -> the same subject,
                SANs and key, the same lifetime from now, a new serial
  POST /rekey   mTLS and {"csr"} -> as /renew, with the CSR's key
  POST /revoke  {"serial","ott","reasonCode","reason","passive"}, by
                token (sub = serial) or mTLS (the certificate's serial)
A revoked serial cannot be renewed (401, the captured body).  Leaves
last --lifetime seconds (default 86400) after a --backdate (60).
"""

import argparse
import base64
import datetime
import hashlib
import json
import os
import secrets
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def pem_der(pem):
    return ssl.PEM_cert_to_DER_cert(pem)


def read(path):
    with open(path) as f:
        return f.read()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-stepca"

    def log_message(self, fmt, *args):
        pass

    def reply(self, status, body, ctype="application/json"):
        """Send one response; True, for handle_any's returns."""
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        rid = self.headers.get("X-Request-Id")
        if rid:
            self.send_header("X-Request-Id", rid)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        return True

    def record(self, body):
        opts = self.server.opts
        if not opts.log:
            return
        peer = None
        try:
            cert = self.connection.getpeercert()
            if cert:
                peer = dict(x[0] for x in cert.get("subject", ()))
        except (AttributeError, ValueError):
            pass
        entry = {"method": self.command, "path": self.path,
                 "headers": dict(self.headers.items()),
                 "body": body.decode("utf-8", "replace"), "peer": peer}
        with open(opts.log, "a") as f:
            f.write(json.dumps(entry) + "\n")

    def handle_any(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n > 0 else b""
        self.record(body)
        opts = self.server.opts
        path = self.path
        routes = self.server.routes()
        bare = path[4:] if path.startswith("/1.0/") else path
        for key in (path, bare, bare.split("?", 1)[0]):
            if key in routes:
                r = routes[key]
                return self.reply(r.get("status", 200), r.get("body", ""),
                                  r.get("type", "application/json"))
        route = bare.split("?", 1)[0]
        if self.command == "POST" and self.server.signer is not None and \
                route in ("/sign", "/renew", "/rekey", "/revoke"):
            return self.server.signer.handle(self, route, body)
        if route.startswith("/provisioners") and \
                self.server.signer is not None:
            return self.server.signer.provisioners(self, route)
        root = self.server.root
        if route.startswith("/root/"):
            want = route[len("/root/"):].lower().replace("-", "")
            for pem in [root] + self.server.federated:
                if hashlib.sha256(pem_der(pem)).hexdigest() == want:
                    return self.reply(200, json.dumps({"ca": pem}) + "\n")
            return self.capture("_root_0000") or self.reply(
                404, json.dumps({"status": 404, "message":
                                 "root certificate with fingerprint \"%s\" "
                                 "was not found" % want}) + "\n")
        if route == "/roots":
            return self.reply(201, json.dumps({"crts": [root]}) + "\n")
        if route == "/federation":
            return self.reply(201, json.dumps(
                {"crts": [root] + self.server.federated}) + "\n")
        if self.capture(route.replace("/", "_")):
            return True
        return self.reply(404, "404 page not found\n",
                          "text/plain; charset=utf-8")

    def capture(self, name):
        """Reply with the captured <name>.body and its status and type
        from <name>.headers; False when there is no such capture."""
        name = os.path.join(self.server.opts.api, name)
        if not os.path.exists(name + ".body"):
            return False
        status, ctype = 200, "application/json"
        for line in read(name + ".headers").splitlines():
            if line.startswith("HTTP/"):
                status = int(line.split()[1])
            elif line.lower().startswith("content-type:"):
                ctype = line.split(":", 1)[1].strip()
        with open(name + ".body", "rb") as f:
            self.reply(status, f.read(), ctype)
        return True

    do_GET = handle_any
    do_HEAD = handle_any
    do_POST = handle_any


# ---- the signing CA (--issuer-cert) ----------------------------------------

def b64u_json(part):
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


class Refused(Exception):
    """An answer other than success: status and step-ca's message."""

    def __init__(self, status, message, log):
        Exception.__init__(self, log)
        self.status = status
        self.message = message


def bad_request(why):
    return Refused(400, "The request could not be completed: %s." % why, why)


def forbidden(why):
    return Refused(403, "The request was forbidden by the certificate "
                   "authority: %s." % why, why)


def unauthorized(why):
    return Refused(401, "The request lacked necessary authorization to be "
                   "completed. Please see the certificate authority logs "
                   "for more info.", why)


class Signer:
    def __init__(self, opts):
        from cryptography import x509
        from cryptography.hazmat.primitives import serialization
        self.opts = opts
        with open(opts.issuer_cert, "rb") as f:
            self.issuer_pem = f.read().decode()
        self.issuer = x509.load_pem_x509_certificate(self.issuer_pem.encode())
        with open(opts.issuer_key, "rb") as f:
            self.issuer_key = serialization.load_pem_private_key(f.read(),
                                                                 None)
        with open(opts.provisioners) as f:
            self.provs = json.load(f)
        self.lock = threading.Lock()
        self.used = set()
        self.revoked = {}

    # -- replies

    def provisioners(self, h, route):
        parts = route.split("/")
        if route == "/provisioners":
            return h.reply(200, json.dumps({"provisioners": self.provs,
                                            "nextCursor": ""}) + "\n")
        if len(parts) == 4 and parts[3] == "encrypted-key":
            for p in self.provs:
                if p.get("key", {}).get("kid") == parts[2]:
                    return h.reply(200, json.dumps(
                        {"key": p["encryptedKey"]}) + "\n")
            return h.reply(404, json.dumps({"status": 404, "message":
                                            "Not Found"}) + "\n")
        return h.reply(404, "404 page not found\n", "text/plain")

    def handle(self, h, route, body):
        try:
            try:
                req = json.loads(body) if body else {}
            except ValueError:
                raise bad_request("error decoding json")
            if not isinstance(req, dict):
                raise bad_request("error decoding json")
            fn = {"/sign": self.sign, "/renew": self.renew,
                  "/rekey": self.rekey, "/revoke": self.revoke}[route]
            status, out = fn(h, req)
        except Refused as e:
            print("fake-stepca: %s: %d %s" % (route, e.status, e),
                  file=sys.stderr)
            return h.reply(e.status, json.dumps(
                {"status": e.status, "message": e.message}) + "\n")
        return h.reply(status, json.dumps(out) + "\n")

    # -- tokens

    def audience(self, h, claims, paths):
        aud = claims.get("aud")
        auds = aud if isinstance(aud, list) else [aud]
        host = (h.headers.get("Host") or "").split(":")[0]
        for a in auds:
            if not isinstance(a, str) or not a.startswith("https://"):
                continue
            rest = a[len("https://"):]
            hp, _, path = rest.partition("/")
            if hp.split(":")[0] in (host, "localhost", "127.0.0.1") and \
                    "/" + path in paths:
                return
        raise unauthorized("invalid token audience claim (aud): %r" % aud)

    def times(self, claims):
        now = time.time()
        if "exp" in claims and claims["exp"] < now - 60:
            raise unauthorized("token is expired")
        if "nbf" in claims and claims["nbf"] > now + 60:
            raise unauthorized("token not valid yet")
        if "iat" in claims and claims["iat"] > now + 60:
            raise unauthorized("token issued in the future")

    def use_once(self, tok, claims):
        key = claims.get("jti") or hashlib.sha256(tok.encode()).hexdigest()
        with self.lock:
            if key in self.used:
                raise unauthorized("token already used")
            self.used.add(key)

    def jwk_token(self, h, tok, paths):
        from jwcrypto import jwk, jws
        if not isinstance(tok, str) or tok.count(".") != 2:
            raise unauthorized("error parsing token")
        try:
            hdr = b64u_json(tok.split(".")[0])
            claims = b64u_json(tok.split(".")[1])
        except ValueError:
            raise unauthorized("error parsing token")
        prov = None
        for p in self.provs:
            if p.get("type") == "JWK" and p.get("name") == claims.get(
                    "iss") and p.get("key", {}).get("kid") == hdr.get("kid"):
                prov = p
        if prov is None:
            raise unauthorized("provisioner not found or invalid audience")
        self.use_once(tok, claims)
        try:
            j = jws.JWS()
            j.deserialize(tok)
            j.verify(jwk.JWK(**prov["key"]))
        except Exception as e:  # noqa: BLE001 - any failure is a 401
            raise unauthorized("error parsing jwk claims: %s" % e)
        self.times(claims)
        self.audience(h, claims, paths)
        if not claims.get("sub"):
            raise unauthorized("token subject cannot be empty")
        return prov, claims

    # -- certificates

    def peer(self, h):
        from cryptography import x509
        try:
            der = h.connection.getpeercert(binary_form=True)
        except (AttributeError, ValueError):
            der = None
        return x509.load_der_x509_certificate(der) if der else None

    def chain_reply(self, leaf):
        from cryptography.hazmat.primitives import serialization
        pem = leaf.public_bytes(serialization.Encoding.PEM).decode()
        return 201, {"crt": pem, "ca": self.issuer_pem,
                     "certChain": [pem, self.issuer_pem],
                     "tlsOptions": {"minVersion": 1.2, "maxVersion": 1.3,
                                    "renegotiation": False}}

    def issue(self, subject, sans, pub, nb, na, extensions):
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes
        from cryptography.x509.oid import ExtendedKeyUsageOID
        b = x509.CertificateBuilder()
        b = b.subject_name(subject).issuer_name(self.issuer.subject)
        b = b.public_key(pub).serial_number(
            int.from_bytes(secrets.token_bytes(16), "big") >> 1)
        b = b.not_valid_before(nb).not_valid_after(na)
        b = b.add_extension(x509.KeyUsage(True, False, False, False, False,
                                          False, False, False, False),
                            critical=True)
        b = b.add_extension(x509.ExtendedKeyUsage(
            [ExtendedKeyUsageOID.SERVER_AUTH,
             ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        b = b.add_extension(x509.SubjectKeyIdentifier.from_public_key(pub),
                            critical=False)
        b = b.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(
                self.issuer.public_key()), critical=False)
        if sans:
            b = b.add_extension(x509.SubjectAlternativeName(sans),
                                critical=False)
        for ext in extensions:
            b = b.add_extension(ext.value, critical=ext.critical)
        return b.sign(self.issuer_key, hashes.SHA256())

    def prov_ext(self, prov):
        from cryptography import x509
        name = prov["name"].encode()
        kid = prov["key"]["kid"].encode()
        body = b"\x02\x01\x01" + b"\x04" + bytes([len(name)]) + name + \
            b"\x04" + bytes([len(kid)]) + kid
        der = b"\x30" + bytes([len(body)]) + body
        return x509.UnrecognizedExtension(
            x509.ObjectIdentifier("1.3.6.1.4.1.37476.9000.64.1"), der)

    @staticmethod
    def san_objects(values):
        import ipaddress
        from cryptography import x509
        out = []
        for v in values:
            try:
                out.append(x509.IPAddress(ipaddress.ip_address(v)))
                continue
            except ValueError:
                pass
            if "@" in v and ":" not in v:
                out.append(x509.RFC822Name(v))
            elif ":" in v:
                out.append(x509.UniformResourceIdentifier(v))
            else:
                out.append(x509.DNSName(v))
        return out

    @staticmethod
    def csr_sans(csr):
        from cryptography import x509
        try:
            ext = csr.extensions.get_extension_for_class(
                x509.SubjectAlternativeName).value
        except x509.ExtensionNotFound:
            return []
        return list(ext)

    @staticmethod
    def when(s, base):
        """step's TimeDuration: RFC 3339 or a Go duration from base."""
        if not s:
            return None
        units = {"h": 3600, "m": 60, "s": 1, "ms": 0.001}
        try:
            return datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))
        except ValueError:
            pass
        total, num = 0.0, ""
        i = 0
        while i < len(s):
            c = s[i]
            if c.isdigit() or c in ".-":
                num += c
                i += 1
                continue
            u = s[i:i + 2] if s[i:i + 2] == "ms" else c
            total += float(num) * units[u]
            num = ""
            i += len(u)
        return base + datetime.timedelta(seconds=total)

    def sign(self, h, req):
        from cryptography import x509
        from cryptography.x509.oid import NameOID
        if not req.get("csr"):
            raise bad_request("missing csr")
        if not req.get("ott"):
            raise bad_request("missing ott")
        try:
            csr = x509.load_pem_x509_csr(req["csr"].encode())
        except ValueError:
            raise bad_request("invalid csr")
        if not csr.is_signature_valid:
            raise bad_request("invalid csr")
        prov, claims = self.jwk_token(h, req["ott"],
                                      ("/1.0/sign", "/sign"))
        sans = self.san_objects(claims.get("sans") or [claims["sub"]])
        want = set(repr(x) for x in sans)
        got = self.csr_sans(csr)
        for kind in set(type(x) for x in got):
            a = set(repr(x) for x in got if isinstance(x, kind))
            b = set(x for x in want if x.startswith("<" + kind.__name__))
            if a != b:
                raise forbidden("certificate request does not contain the "
                                "valid SANs")
        cns = csr.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        if cns and cns[0].value != claims["sub"] and \
                cns[0].value not in (claims.get("sans") or []):
            raise forbidden("certificate request does not contain the "
                            "valid common name")
        now = datetime.datetime.now(datetime.timezone.utc).replace(
            microsecond=0)
        nb = self.when(req.get("notBefore"), now) or \
            now - datetime.timedelta(seconds=self.opts.backdate)
        na = self.when(req.get("notAfter"), nb) or \
            now + datetime.timedelta(seconds=self.opts.lifetime)
        if na <= now:
            raise bad_request("notAfter cannot be in the past")
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME,
                                                claims["sub"])])
        leaf = self.issue(subject, sans, csr.public_key(), nb, na,
                          [x509.Extension(self.prov_ext(prov).oid, False,
                                          self.prov_ext(prov))])
        return self.chain_reply(leaf)

    def renewable(self, cert):
        with self.lock:
            if str(cert.serial_number) in self.revoked:
                raise unauthorized("certificate has been revoked")

    def again(self, old, pub):
        """Renew old (for pub): same subject, SANs and extensions."""
        from cryptography import x509
        self.renewable(old)
        now = datetime.datetime.now(datetime.timezone.utc).replace(
            microsecond=0)
        back = datetime.timedelta(seconds=self.opts.backdate)
        life = old.not_valid_after - old.not_valid_before - back
        keep = [e for e in old.extensions
                if isinstance(e.value, x509.UnrecognizedExtension)]
        sans = self.csr_sans(old)
        return self.chain_reply(self.issue(old.subject, sans, pub,
                                           now - back, now + life, keep))

    def renew(self, h, req):
        from cryptography import x509
        from cryptography.hazmat.primitives.asymmetric import ec
        from jwcrypto import jwk, jws
        old = self.peer(h)
        if old is None:
            auth = h.headers.get("Authorization") or ""
            if not auth.startswith("Bearer "):
                raise bad_request("missing client certificate")
            tok = auth[len("Bearer "):]
            try:
                hdr = b64u_json(tok.split(".")[0])
                claims = b64u_json(tok.split(".")[1])
                old = x509.load_der_x509_certificate(
                    base64.b64decode(hdr["x5cInsecure"][0]))
                j = jws.JWS()
                j.deserialize(tok)
                j.verify(jwk.JWK.from_pyca(old.public_key()))
            except Exception as e:  # noqa: BLE001
                raise unauthorized("error parsing x5c token: %s" % e)
            if old.issuer != self.issuer.subject:
                raise unauthorized("x5c: unknown issuer")
            try:
                self.issuer.public_key().verify(
                    old.signature, old.tbs_certificate_bytes,
                    ec.ECDSA(old.signature_hash_algorithm))
            except Exception:  # noqa: BLE001
                raise unauthorized("x5c: not signed by the intermediate")
            self.use_once(tok, {})
            self.times(claims)
            self.audience(h, claims, ("/1.0/renew", "/renew"))
            if claims.get("iss") != "step-ca-client/1.0":
                raise unauthorized("invalid issuer")
            if old.not_valid_after < datetime.datetime.utcnow() and \
                    not self.opts.allow_renewal_after_expiry:
                raise unauthorized("certificate expired")
        return self.again(old, old.public_key())

    def rekey(self, h, req):
        from cryptography import x509
        old = self.peer(h)
        if old is None:
            raise bad_request("missing client certificate")
        try:
            csr = x509.load_pem_x509_csr((req.get("csr") or "").encode())
        except ValueError:
            raise bad_request("invalid csr")
        if not csr.is_signature_valid:
            raise bad_request("invalid csr")
        return self.again(old, csr.public_key())

    def revoke(self, h, req):
        serial = req.get("serial")
        if not serial or not isinstance(serial, str):
            raise bad_request("missing serial")
        try:
            dec = str(int(serial, 0))
        except ValueError:
            raise bad_request("error parsing serial")
        code = req.get("reasonCode", 0)
        if not isinstance(code, int) or code < 0 or code > 10:
            raise bad_request("reasonCode out of bounds")
        if req.get("passive") is not True:
            raise Refused(501, "non-passive revocation not implemented",
                          "not passive")
        if req.get("ott"):
            _, claims = self.jwk_token(h, req["ott"],
                                       ("/1.0/revoke", "/revoke"))
            if claims["sub"] != dec:
                raise forbidden("token subject does not match serial")
        else:
            peer = self.peer(h)
            if peer is None:
                raise bad_request("missing ott or client certificate")
            if str(peer.serial_number) != dec:
                raise forbidden("serial number in client certificate "
                                "different than body")
        with self.lock:
            if dec in self.revoked:
                raise bad_request("certificate with serial number '%s' is "
                                  "already revoked" % dec)
            self.revoked[dec] = {"reasonCode": code,
                                 "reason": req.get("reason", "")}
        return 200, {"status": "ok"}


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client refusing our certificate is what some tests want.
        print("fake-stepca: %s: %s" % (client_address, sys.exc_info()[1]),
              file=sys.stderr)

    def routes(self):
        if not self.opts.routes or not os.path.exists(self.opts.routes):
            return {}
        with open(self.opts.routes) as f:
            return json.load(f)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--root", required=True)
    p.add_argument("--federated", action="append", default=[])
    p.add_argument("--api", required=True)
    p.add_argument("--routes")
    p.add_argument("--log")
    p.add_argument("--client-ca")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--ready", required=True)
    p.add_argument("--issuer-cert")
    p.add_argument("--issuer-key")
    p.add_argument("--provisioners")
    p.add_argument("--lifetime", type=int, default=86400)
    p.add_argument("--backdate", type=int, default=60)
    p.add_argument("--allow-renewal-after-expiry", action="store_true")
    opts = p.parse_args()

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(opts.cert, opts.key)
    if opts.client_ca:
        ctx.verify_mode = ssl.CERT_OPTIONAL
        ctx.load_verify_locations(opts.client_ca)

    srv = Server(("127.0.0.1", opts.port), Handler)
    srv.opts = opts
    srv.root = read(opts.root)
    srv.federated = [read(f) for f in opts.federated]
    srv.signer = Signer(opts) if opts.issuer_cert else None
    # The handshake happens in the request thread, so that a client that
    # stalls or fails it cannot block the accept loop.
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True,
                                 do_handshake_on_connect=False)
    tmp = opts.ready + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, opts.ready)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())

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
"""

import argparse
import hashlib
import json
import os
import ssl
import sys
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

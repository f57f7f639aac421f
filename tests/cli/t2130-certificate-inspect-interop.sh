#!/bin/sh
test_description='certificate inspect: openssl x509 -text and pkit agree on every field of certificates openssl makes'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-x509.sh"

# Two SCTs (RFC 6962 3.3) in a TLS-encoded list, wrapped in the OCTET
# STRING that is the extension's value, as openssl config "DER:" hex.
$SYS_PYTHON - >sct.hex <<\EOP
import struct
def sct(log_id, ms, sig):
    body = bytes([0]) + log_id + struct.pack(">Q", ms) + struct.pack(">H", 0)
    body += bytes([4, 3]) + struct.pack(">H", len(sig)) + sig
    return struct.pack(">H", len(body)) + body
sig = bytes.fromhex("3006020101020102")
scts = sct(bytes(range(32)), 1337, sig) + sct(bytes(range(100, 132)), 1700000000123, sig)
lst = struct.pack(">H", len(scts)) + scts
n = len(lst)
der = bytes([4]) + (bytes([n]) if n < 128 else bytes([0x81, n])) + lst
print(der.hex().upper())
EOP

cat >ossl.cnf <<EOC
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[root]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
policyConstraints = critical, requireExplicitPolicy:0, inhibitPolicyMapping:1
inhibitAnyPolicy = critical, 2
[int]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, digitalSignature, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
nameConstraints = critical, permitted;DNS:example.com, permitted;DNS:.example.org, permitted;IP:10.0.0.0/255.0.0.0, permitted;IP:2001:db8::/ffff:ffff::, permitted;email:example.com, permitted;URI:.example.com, permitted;dirName:nc_dir, excluded;DNS:bad.example.com, excluded;IP:192.168.0.0/255.255.0.0
certificatePolicies = 2.5.29.32.0
crlDistributionPoints = URI:http://crl.example.com/root.crl
authorityInfoAccess = caIssuers;URI:http://ca.example.com/root.crt
[nc_dir]
O = Test
[leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation, keyAgreement
extendedKeyUsage = serverAuth, clientAuth, codeSigning, emailProtection, timeStamping, OCSPSigning, 1.2.3.4.5.6
subjectAltName = DNS:leaf.example.com, DNS:*.leaf.example.com, IP:10.1.2.3, IP:2001:db8::1, email:ops@example.com, URI:https://leaf.example.com/id
issuerAltName = URI:http://ca.example.com, email:ca@example.com
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
certificatePolicies = 2.23.140.1.2.2, @pol
crlDistributionPoints = URI:http://crl.example.com/int.crl, URI:http://crl2.example.com/int.crl
authorityInfoAccess = OCSP;URI:http://ocsp.example.com, caIssuers;URI:http://ca.example.com/int.crt
1.3.6.1.4.1.11129.2.4.2 = DER:$(cat sct.hex)
[pol]
policyIdentifier = 1.3.6.1.4.1.99999.1
CPS.1 = http://cps.example.com/cps
userNotice.1 = @notice
[notice]
explicitText = "Test policy"
EOC

test_expect_success 'openssl makes certificates with unusual extensions' '
	openssl req -x509 -config ossl.cnf -extensions root -new -newkey rsa:3072 \
		-nodes -keyout root.key \
		-subj "/C=US/ST=California/L=San Francisco/O=Test/OU=PKI/CN=Test Root/emailAddress=pki@example.com" \
		-days 3650 -out root.crt &&
	openssl req -config ossl.cnf -new -newkey ec -pkeyopt ec_paramgen_curve:P-384 \
		-nodes -keyout int.key -subj "/DC=com/DC=example/O=Test/CN=Test Intermediate" \
		-out int.csr &&
	openssl x509 -req -in int.csr -CA root.crt -CAkey root.key -extfile ossl.cnf \
		-extensions int -days 1000 -set_serial 0x00f1e2d3c4b5a69788 -out int.crt &&
	openssl req -config ossl.cnf -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
		-nodes -keyout leaf.key -subj "/O=Test/CN=leaf.example.com" -out leaf.csr &&
	openssl x509 -req -in leaf.csr -CA int.crt -CAkey int.key -extfile ossl.cnf \
		-extensions leaf -days 30 -set_serial 4660 -out leaf.crt &&
	openssl x509 -in leaf.crt -noout -text | grep -q "Signed Certificate Timestamp"
'

# compare.py OPENSSL_TEXT PKIT_TEXT PKIT_JSON: extract every field from
# both texts, normalise the spelling, and compare; JSON is checked too.
cat >compare.py <<\EOP
import base64, datetime, ipaddress, json, re, sys

def parse(text):
    """Header fields, and the extensions as {name: (critical, [lines])}."""
    lines = text.splitlines()
    f = {"ext": {}}
    i = 0
    while i < len(lines):
        ln = lines[i]
        s = ln.strip()
        m = re.match(r"Serial Number:\s*(.*)$", s)
        if m:
            v = m.group(1)
            if v == "":
                i += 1
                v = lines[i].strip()
                f["serial"] = int(v.replace(":", ""), 16)
            else:
                f["serial"] = int(v.split()[0])
        for key in ("Issuer", "Subject"):
            if s.startswith(key + ":") and key not in f:
                f[key] = s[len(key) + 1:].strip()
        for key in ("Not Before", "Not After"):
            m = re.match(key + r"\s*: (.*)$", s)
            if m:
                t = " ".join(m.group(1).split()[:-1])
                f[key] = datetime.datetime.strptime(t, "%b %d %H:%M:%S %Y")
        m = re.match(r"Public-Key: \((\d+) bit\)", s)
        if m:
            f["bits"] = int(m.group(1))
        m = re.match(r"Exponent: (\d+)", s)
        if m:
            f["exponent"] = int(m.group(1))
        if s.startswith("Signature Algorithm:"):
            f.setdefault("sigalgs", []).append(s.split(":", 1)[1].strip())
        if s == "X509v3 extensions:":
            ind = len(ln) - len(ln.lstrip()) + 4
            i += 1
            while i < len(lines) and len(lines[i]) - len(lines[i].lstrip()) >= ind:
                h = lines[i].rstrip()
                name, _, rest = h.strip().partition(":")
                body = []
                i += 1
                while i < len(lines) and len(lines[i]) - len(lines[i].lstrip()) > ind:
                    if lines[i].strip():
                        body.append(lines[i].strip())
                    i += 1
                f["ext"][name] = ("critical" in rest, body)
            continue
        i += 1
    return f

def dn(s, sep, eq):
    names = {"SERIALNUMBER": "serialNumber", "STREET": "street"}
    out = []
    for part in s.split(sep):
        k, _, v = part.partition(eq)
        out.append((names.get(k.strip(), k.strip()), v.strip()))
    return out

def ip(v):
    return str(ipaddress.ip_address(v))

def names(body, sep):
    out = set()
    for line in body:
        for tok in line.split(sep):
            tok = tok.strip()
            t, _, v = tok.partition(":")
            if t == "IP Address":
                v = ip(v)
            out.add((t, v))
    return out

KU = {"Non Repudiation": "Content Commitment"}
EKU = {"TLS Web Server Authentication": "Server Authentication",
       "TLS Web Client Authentication": "Client Authentication"}
SIG = {"ecdsa-with-SHA256": "ECDSA-SHA256", "ecdsa-with-SHA384": "ECDSA-SHA384",
       "sha256WithRSAEncryption": "SHA256-RSA"}

def nc(body, openssl):
    out, where = set(), None
    for line in body:
        if line in ("Permitted:", "Excluded:"):
            where = line[:-1]
            continue
        if openssl:
            t, _, v = line.partition(":")
            t = {"email": "Email", "dirName": "DirName", "DirName": "DirName"}.get(t, t)
            vals = [v]
        else:
            t, _, v = line.partition(": ")
            t = {"IP Range": "IP"}.get(t, t)
            vals = v.split(", ")
        for v in vals:
            if t == "IP":
                a, _, m = v.partition("/")
                if ":" in m or "." in m:
                    m = bin(int(ipaddress.ip_address(m))).count("1")
                v = str(ipaddress.ip_network("%s/%s" % (a, m), strict=False))
            if t == "DirName":
                v = v.replace(" = ", "=").replace(", ", ",")
            out.add((where, t, v))
    return out

def sct(body, openssl):
    out, hexid = [], None
    for line in body:
        if openssl and line.startswith("Log ID"):
            hexid = line.split(":", 1)[1].strip()
            continue
        if openssl and hexid is not None and not line.startswith("Timestamp"):
            hexid += line
            continue
        if openssl and hexid is not None:
            out.append(["log", base64.b64encode(bytes.fromhex(
                hexid.replace(":", ""))).decode()])
            hexid = None
        if openssl and line.startswith("Timestamp"):
            t = " ".join(line.split(":", 1)[1].split()[:-1])
            out[-1].append(t)
            continue
        if not openssl and line.startswith("LogID: "):
            out.append(["log", line[7:]])
        if not openssl and line.startswith("Timestamp: "):
            out[-1].append(" ".join(line[11:].split()[:-1]))
    return out

def check(a, b, what):
    if a != b:
        print("MISMATCH %s:\n  openssl: %r\n  pkit:    %r" % (what, a, b))
        sys.exit(1)
    print("ok %s: %r" % (what, sorted(a) if isinstance(a, set) else a))

o = parse(open(sys.argv[1]).read())
p = parse(open(sys.argv[2]).read())
j = json.load(open(sys.argv[3]))

check(o["serial"], p["serial"], "serial")
check(str(o["serial"]), j["serial_number"], "serial (json)")
check(dn(o["Subject"], ", ", " = "), dn(p["Subject"], ",", "="), "subject")
check(dn(o["Issuer"], ", ", " = "), dn(p["Issuer"], ",", "="), "issuer")
check(o["Not Before"], p["Not Before"], "not before")
check(o["Not After"], p["Not After"], "not after")
check(o["Not Before"].strftime("%Y-%m-%dT%H:%M:%SZ"), j["validity"]["start"], "start (json)")
check(o["bits"], p["bits"], "key size")
check(o.get("exponent"), p.get("exponent"), "RSA exponent")
check([SIG.get(s, s) for s in o["sigalgs"]], p["sigalgs"], "signature algorithms")
check(set(o["ext"]) - {"CT Precertificate SCTs"},
      set(p["ext"]) - {"RFC6962 Certificate Transparency SCT"}, "extension list")
for name, (crit, body) in o["ext"].items():
    pname = {"CT Precertificate SCTs": "RFC6962 Certificate Transparency SCT"}.get(name, name)
    pc, pb = p["ext"][pname]
    check(crit, pc, name + " critical")
    if name == "X509v3 Key Usage":
        check({KU.get(x, x) for x in body[0].split(", ")}, set(pb[0].split(", ")), name)
    elif name == "X509v3 Extended Key Usage":
        check([EKU.get(x, x) for x in body[0].split(", ")], pb[0].split(", "), name)
    elif name in ("X509v3 Basic Constraints", "X509v3 Subject Key Identifier",
                  "X509v3 Inhibit Any Policy"):
        check(body, pb, name)
    elif name == "X509v3 Authority Key Identifier":
        check([x.replace("keyid:", "") for x in body], [x.replace("keyid:", "") for x in pb], name)
    elif name in ("X509v3 Subject Alternative Name", "X509v3 Issuer Alternative Name"):
        check(names(body, ","), names(pb, ","), name)
    elif name == "X509v3 Certificate Policies":
        body = [x.replace("X509v3 Any Policy", "2.5.29.32.0") for x in body]
        check([x for x in body if x.startswith(("Policy:", "CPS:"))],
              [x for x in pb if x.startswith(("Policy:", "CPS:"))], name)
        check(["Test policy" in x for x in body if "Explicit Text" in x],
              ["Test policy" in x for x in pb if "Explicit Text" in x], name + " notice")
    elif name == "X509v3 CRL Distribution Points":
        check([u for x in body for u in x.split(", ") if u.startswith("URI:")],
              [u for x in pb for u in x.split(", ") if u.startswith("URI:")], name)
    elif name == "Authority Information Access":
        check(body, pb, name)
    elif name == "X509v3 Name Constraints":
        check(nc(body, True), nc(pb, False), name)
    elif name == "X509v3 Policy Constraints":
        check([x.strip().replace(":", ": ") for line in body for x in line.split(",")],
              pb, name)
    elif name == "CT Precertificate SCTs":
        check(sct(body, True), sct(pb, False), name)
        check(len(sct(body, True)), len(j["extensions"]["signed_certificate_timestamps"]),
              name + " (json count)")
    else:
        print("MISSING a comparison for %s" % name)
        sys.exit(1)
print("all fields agree")
EOP

# agree CERT: the comparison above for one certificate.
agree() {
	openssl x509 -in "$1" -noout -text >"$1.openssl" &&
	pkit certificate inspect "$1" >"$1.pkit" &&
	pkit certificate inspect --format json "$1" >"$1.json" &&
	$SYS_PYTHON compare.py "$1.openssl" "$1.pkit" "$1.json"
}

test_expect_success 'a leaf with SANs of every kind, policies, AIA, CRL DP and SCTs' '
	agree leaf.crt >out &&
	grep -q "ok CT Precertificate SCTs: \[\[.log., .AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=., .Jan 1 00:00:01.337 1970" out &&
	grep -q "ok X509v3 CRL Distribution Points" out &&
	grep -q "ok Authority Information Access" out &&
	grep -q "ok X509v3 Certificate Policies" out &&
	grep -q "ok X509v3 Issuer Alternative Name" out
'

test_expect_success 'an intermediate with name constraints of every kind' '
	agree int.crt >out &&
	grep -q "ok X509v3 Name Constraints" out &&
	grep -q "DirName" out
'

test_expect_success 'an RSA root with policy constraints and inhibitAnyPolicy' '
	agree root.crt >out &&
	grep -q "ok X509v3 Policy Constraints" out &&
	grep -q "ok X509v3 Inhibit Any Policy" out &&
	grep -q "ok RSA exponent: 65537" out
'

test_expect_success 'the comparison fails when a field differs' '
	sed "s/DNS:leaf.example.com/DNS:leaf.example.net/" leaf.crt.pkit >bad.pkit &&
	test_must_fail $SYS_PYTHON compare.py leaf.crt.openssl bad.pkit leaf.crt.json >out &&
	grep -q "MISMATCH X509v3 Subject Alternative Name" out
'

test_expect_success 'JSON: SCTs, name constraints, policies, AIA and CRL DP by zcrypto name' '
	$SYS_PYTHON -c "
import json
l = json.load(open(\"leaf.crt.json\"))
e = l[\"extensions\"]
assert [s[\"timestamp\"] for s in e[\"signed_certificate_timestamps\"]] == [1337, 1700000000123]
assert e[\"crl_distribution_points\"] == [\"http://crl.example.com/int.crl\", \"http://crl2.example.com/int.crl\"]
assert e[\"authority_info_access\"] == {\"ocsp_urls\": [\"http://ocsp.example.com\"], \"issuer_urls\": [\"http://ca.example.com/int.crt\"]}
assert e[\"certificate_policies\"][1][\"cps\"] == [\"http://cps.example.com/cps\"]
assert e[\"certificate_policies\"][1][\"user_notice\"][0][\"explicit_text\"] == \"Test policy\"
assert e[\"extended_key_usage\"][\"unknown\"] == [\"1.2.3.4.5.6\"]
assert e[\"subject_alt_name\"][\"ip_addresses\"] == [\"10.1.2.3\", \"2001:db8::1\"]
assert l[\"validation_level\"] == \"OV\"
assert l[\"tbs_noct_fingerprint\"] != l[\"tbs_fingerprint\"]
i = json.load(open(\"int.crt.json\"))
n = i[\"extensions\"][\"name_constraints\"]
assert n[\"critical\"] is True
assert n[\"permitted_names\"] == [\"example.com\", \".example.org\"], n
assert n[\"excluded_names\"] == [\"bad.example.com\"]
assert [x[\"cidr\"] for x in n[\"permitted_ip_addresses\"]] == [\"10.0.0.0/8\", \"2001:db8::/32\"]
assert n[\"permitted_email_addresses\"] == [\"example.com\"]
assert n[\"permitted_directory_names\"] == [{\"organization\": [\"Test\"]}]
"
'

test_expect_success 'the step-ca certificate of the research captures agrees too' '
	step_certs &&
	cp step-leaf.crt step.crt &&
	openssl x509 -in step.crt -noout >/dev/null &&
	openssl x509 -in step.crt -noout -text >step.openssl &&
	sed "/1.3.6.1.4.1.37476.9000.64.1/,+1d" step.openssl >step.o2 &&
	pkit certificate inspect step.crt |
		sed "/X509v3 Step Provisioner/,+3d" >step.pkit &&
	pkit certificate inspect --format json step.crt >step.json &&
	$SYS_PYTHON compare.py step.o2 step.pkit step.json
'

test_done

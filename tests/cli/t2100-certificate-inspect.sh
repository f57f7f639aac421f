#!/bin/sh
test_description='certificate inspect: step layout, CSRs, chains, PKCS#12, servers'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-x509.sh"

# Certificates that step-ca 0.19 issued, and what step 0.19 printed for
# them (research/step-0.19-captures): pkit must print the same bytes.
step_certs
cat >want-text <<\EOF
Certificate:
    Data:
        Version: 3 (0x2)
        Serial Number: 146770306193534548046598102591034986440 (0x6e6aeec9a78356cd566ec5c91e598fc8)
    Signature Algorithm: ECDSA-SHA256
        Issuer: O=Test,CN=Test Intermediate CA
        Validity
            Not Before: Nov 25 22:23:43 2026 UTC
            Not After : Nov 26 22:24:43 2026 UTC
        Subject: CN=localhost
        Subject Public Key Info:
            Public Key Algorithm: ECDSA
                Public-Key: (256 bit)
                X:
                    0f:00:57:65:d1:c6:e5:cf:7b:c7:eb:b3:8d:09:26:
                    d9:b1:ac:52:d4:b6:01:fe:5c:20:25:b3:08:d3:33:
                    6f:9e
                Y:
                    59:b0:c2:79:3f:3b:a1:54:d7:ef:3a:73:f1:af:88:
                    17:5b:21:ef:31:c7:11:f4:16:88:e2:e4:16:43:25:
                    55:23
                Curve: P-256
        X509v3 extensions:
            X509v3 Key Usage: critical
                Digital Signature
            X509v3 Extended Key Usage:
                Server Authentication, Client Authentication
            X509v3 Subject Key Identifier:
                C3:7D:57:18:49:B4:AE:2A:16:0F:5B:15:1C:B0:AF:B8:C2:0F:4A:6D
            X509v3 Authority Key Identifier:
                keyid:C9:84:97:71:93:69:14:9A:AE:C8:8C:A5:11:E6:CD:09:13:4C:2D:4C
            X509v3 Subject Alternative Name:
                DNS:localhost
            X509v3 Step Provisioner:
                Type: JWK
                Name: admin
                CredentialID: Arjc2Dd-aON62qujzlakwEgqM_7qCB_xCX7NrkMO5DQ
    Signature Algorithm: ECDSA-SHA256
         30:45:02:20:36:09:80:d4:06:97:44:29:5e:69:ff:c0:ce:30:
         ff:1d:64:70:65:bc:7f:6d:c0:cc:35:67:f6:40:08:3d:e4:28:
         02:21:00:a6:74:9c:ae:8f:b7:6f:c2:62:af:3f:69:f7:e1:2f:
         e1:09:87:b9:af:c0:91:13:5f:60:c5:9c:ed:e2:d6:a7:91
EOF
cat >want-short <<\EOF
X.509v3 TLS Certificate (ECDSA P-256) [Serial: 1467...6440]
  Subject:     localhost
  Issuer:      Test Intermediate CA
  Provisioner: admin [ID: Arjc...O5DQ]
  Valid from:  2026-11-25T22:23:43Z
          to:  2026-11-26T22:24:43Z
EOF
cat >want-json <<\EOF
{
  "version": 3,
  "serial_number": "146770306193534548046598102591034986440",
  "signature_algorithm": {
    "name": "ECDSA-SHA256",
    "oid": "1.2.840.10045.4.3.2"
  },
  "issuer": {
    "common_name": [
      "Test Intermediate CA"
    ],
    "organization": [
      "Test"
    ]
  },
  "issuer_dn": "O=Test, CN=Test Intermediate CA",
  "validity": {
    "start": "2026-11-25T22:23:43Z",
    "end": "2026-11-26T22:24:43Z",
    "length": 86460
  },
  "subject": {
    "common_name": [
      "localhost"
    ]
  },
  "subject_dn": "CN=localhost",
  "subject_key_info": {
    "key_algorithm": {
      "name": "ECDSA"
    },
    "ecdsa_public_key": {
      "b": "WsY12Ko6k+ez671VdpiGvGUdBrDMU7D2O848PifSYEs=",
      "curve": "P-256",
      "gx": "axfR8uEsQkf4vOblY6RA8ncDfYEt6zOg9KE5RdiYwpY=",
      "gy": "T+NC4v4af5uO5+tKfA+eFivOM1drMV7Oy7ZAaDe/UfU=",
      "length": 256,
      "n": "/////wAAAAD//////////7zm+q2nF56E87nKwvxjJVE=",
      "p": "/////wAAAAEAAAAAAAAAAAAAAAD///////////////8=",
      "pub": "BA8AV2XRxuXPe8frs40JJtmxrFLUtgH+XCAlswjTM2+eWbDCeT87oVTX7zpz8a+IF1sh7zHHEfQWiOLkFkMlVSM=",
      "x": "DwBXZdHG5c97x+uzjQkm2bGsUtS2Af5cICWzCNMzb54=",
      "y": "WbDCeT87oVTX7zpz8a+IF1sh7zHHEfQWiOLkFkMlVSM="
    },
    "fingerprint_sha256": "ad498ddabe5eac558849a97fd9568b37865ad9b09398362212a28de0a39acf32"
  },
  "extensions": {
    "key_usage": {
      "digital_signature": true,
      "value": 1
    },
    "subject_alt_name": {
      "dns_names": [
        "localhost"
      ]
    },
    "authority_key_id": "c98497719369149aaec88ca511e6cd09134c2d4c",
    "subject_key_id": "c37d571849b4ae2a160f5b151cb0afb8c20f4a6d",
    "extended_key_usage": {
      "client_auth": true,
      "server_auth": true
    },
    "step_provisioner": {
      "credentialID": "Arjc2Dd-aON62qujzlakwEgqM_7qCB_xCX7NrkMO5DQ",
      "name": "admin",
      "type": "JWK"
    }
  },
  "signature": {
    "signature_algorithm": {
      "name": "ECDSA-SHA256",
      "oid": "1.2.840.10045.4.3.2"
    },
    "value": "MEUCIDYJgNQGl0QpXmn/wM4w/x1kcGW8f23AzDVn9kAIPeQoAiEApnScro+3b8Jirz9p9+Ev4QmHua/AkRNfYMWc7eLWp5E=",
    "valid": false,
    "self_signed": false
  },
  "fingerprint_md5": "f45d183780f908bce00944609bf691c7",
  "fingerprint_sha1": "6a77f49abdc8ec6e14c9d86c1faa4b07344f7e98",
  "fingerprint_sha256": "d47217a399af881911ffa4bd99e871a0fb0dadd260f89992360ea6dfbda24ca9",
  "tbs_noct_fingerprint": "103573d2998dc6073c2cfb0249ba41daff9edf52edac7d6f1604b313c4e841f0",
  "spki_subject_fingerprint": "dc25525c4ef375fa9c437d0e31f30d1b8fe8902e55e1c0183087a2546a77cf50",
  "tbs_fingerprint": "103573d2998dc6073c2cfb0249ba41daff9edf52edac7d6f1604b313c4e841f0",
  "validation_level": "unknown",
  "names": [
    "localhost"
  ],
  "redacted": false
}
EOF
cat >want-int-short <<\EOF
X.509v3 Intermediate CA Certificate (ECDSA P-256) [Serial: 2418...4259]
  Subject:     Test Intermediate CA
  Issuer:      Test Root CA
  Valid from:  2026-11-25T22:24:27Z
          to:  2036-11-22T22:24:27Z
EOF
cat >want-root-short <<\EOF
X.509v3 Root CA Certificate (ECDSA P-256) [Serial: 7236...5885]
  Subject:     Test Root CA
  Issuer:      Test Root CA
  Valid from:  2026-11-25T22:24:26Z
          to:  2036-11-22T22:24:26Z
EOF

# openssl's configuration for the certificates made below.
{
	ossl_cnf_head &&
	cat <<\EOC
[leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = DNS:localhost, DNS:www.localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[csr]
subjectAltName = DNS:api.example.com, email:ops@example.com, URI:spiffe://example.com/api
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
basicConstraints = critical, CA:FALSE
1.2.3.4.5 = ASN1:UTF8String:hello
EOC
} >ossl.cnf

test_expect_success 'openssl makes a root, an intermediate and a leaf' '
	openssl req -x509 -config ossl.cnf -extensions root -new $EC -nodes \
		-keyout root.key -subj "/O=Test/CN=Test Root" -days 3650 -out root.crt &&
	openssl req -config ossl.cnf -new $EC -nodes -keyout int.key \
		-subj "/O=Test/CN=Test Intermediate" -out int.csr &&
	sign int.csr root.crt root.key int int.crt &&
	openssl req -config ossl.cnf -new $EC -nodes -keyout leaf.key \
		-subj "/CN=localhost" -out leaf.csr &&
	sign leaf.csr int.crt int.key leaf leaf.crt &&
	cat leaf.crt int.crt >chain.crt &&
	openssl verify -CAfile root.crt -untrusted int.crt leaf.crt
'

test_expect_success 'the long text is what step prints, byte for byte' '
	pkit certificate inspect step-leaf.crt >out &&
	test_cmp want-text out
'

test_expect_success '--short is what step prints, for a leaf, an intermediate and a root' '
	pkit certificate inspect --short step-leaf.crt >out &&
	test_cmp want-short out &&
	pkit certificate inspect --short step-int.crt >out &&
	test_cmp want-int-short out &&
	pkit certificate inspect --short step-root.crt >out &&
	test_cmp want-root-short out
'

test_expect_success '--format json is what step prints (zcrypto field names)' '
	pkit certificate inspect --format json step-leaf.crt >out &&
	test_cmp want-json out
'

test_expect_success 'DER input, standard input and no argument read the same certificate' '
	openssl x509 -in step-leaf.crt -outform DER -out step-leaf.der &&
	pkit certificate inspect step-leaf.der >out &&
	test_cmp want-text out &&
	pkit certificate inspect - <step-leaf.der >out &&
	test_cmp want-text out &&
	pkit certificate inspect <step-leaf.crt >out &&
	test_cmp want-text out
'

test_expect_success 'the output does not depend on the time zone or the locale' '
	TZ=Asia/Kolkata LC_ALL=C.UTF-8 pkit certificate inspect step-leaf.crt >out &&
	test_cmp want-text out &&
	TZ=America/New_York pkit certificate inspect --short step-leaf.crt >out &&
	test_cmp want-short out
'

test_expect_success 'only the first certificate without --bundle; all of them with it' '
	pkit certificate inspect --short chain.crt >out &&
	test $(grep -c "^X.509v3" out) = 1 &&
	grep -q "^X.509v3 TLS Certificate (ECDSA P-256)" out &&
	pkit certificate inspect --bundle --short chain.crt >out &&
	test $(grep -c "^X.509v3" out) = 2 &&
	sed -n 2p out | grep -qx "  Subject:     localhost" &&
	sed -n 3p out | grep -qx "               www.localhost" &&
	sed -n 4p out | grep -qx "               127.0.0.1" &&
	grep -q "^X.509v3 Intermediate CA Certificate (ECDSA P-256)" out &&
	pkit certificate inspect --bundle chain.crt >out &&
	test $(grep -c "^Certificate:" out) = 2
'

test_expect_success '--bundle --format json is an array; one certificate is an object' '
	pkit certificate inspect --bundle --format json chain.crt >out &&
	$SYS_PYTHON -c "
import json, sys
a = json.load(open(\"out\"))
assert isinstance(a, list) and len(a) == 2, a
assert a[0][\"subject\"][\"common_name\"] == [\"localhost\"]
assert a[1][\"extensions\"][\"basic_constraints\"] == {\"is_ca\": True, \"max_path_len\": 0}
assert a[0][\"extensions\"][\"subject_alt_name\"][\"ip_addresses\"] == [\"127.0.0.1\"]
" &&
	pkit certificate inspect --bundle --format json leaf.crt >out &&
	$SYS_PYTHON -c "
import json
o = json.load(open(\"out\"))
assert isinstance(o, dict) and o[\"version\"] == 3
"
'

test_expect_success '--format json --pem adds the PEM of each certificate' '
	pkit certificate inspect --bundle --format json --pem chain.crt >out &&
	$SYS_PYTHON -c "
import json
a = json.load(open(\"out\"))
open(\"pems\", \"w\").write(\"\".join(c[\"pem\"] for c in a))
" &&
	test_cmp chain.crt pems
'

test_expect_success '--format pem writes PEM, also from DER' '
	openssl x509 -in leaf.crt -outform DER -out leaf.der &&
	pkit certificate inspect --format pem leaf.der >out &&
	test_cmp leaf.crt out &&
	pkit certificate inspect --format pem --bundle chain.crt >out &&
	test_cmp chain.crt out
'

test_expect_success 'JSON fingerprints agree with openssl' '
	pkit certificate inspect --format json leaf.crt >out &&
	openssl x509 -in leaf.crt -noout -fingerprint -sha256 |
		sed "s/.*=//; s/://g" | tr A-F a-f >want &&
	$SYS_PYTHON -c "import json; print(json.load(open(\"out\"))[\"fingerprint_sha256\"])" >got &&
	test_cmp want got &&
	openssl x509 -in leaf.crt -noout -serial | sed "s/serial=//" >want &&
	$SYS_PYTHON -c "import json; print(\"%X\" % int(json.load(open(\"out\"))[\"serial_number\"]))" >got &&
	test "$(sed "s/^0*//" want)" = "$(cat got)"
'

test_expect_success 'a CSR shows its requested extensions (which step does not)' '
	openssl req -config ossl.cnf -reqexts csr -new $EC -nodes -keyout csr.key \
		-subj "/O=Example/CN=api.example.com" -out req.csr &&
	pkit certificate inspect req.csr >out &&
	grep -qx "Certificate Request:" out &&
	grep -qx "        Version: 0 (0x0)" out &&
	grep -qx "        Subject: O=Example,CN=api.example.com" out &&
	grep -qx "        Requested Extensions:" out &&
	grep -qx "                DNS:api.example.com" out &&
	grep -qx "                email:ops@example.com" out &&
	grep -qx "                URI:spiffe://example.com/api" out &&
	grep -qx "            X509v3 Key Usage: critical" out &&
	grep -qx "                Digital Signature, Key Encipherment" out &&
	grep -qx "                Server Authentication" out &&
	grep -qx "                CA:FALSE" out &&
	grep -qx "            1.2.3.4.5:" out &&
	grep -qx "                ..hello" out &&
	grep -q "^    Signature Algorithm: ECDSA-SHA256$" out
'

test_expect_success 'a CSR in the short form, as JSON, and in DER' '
	pkit certificate inspect --short req.csr >out &&
	cat >want <<-\EOW &&
	X.509v3 Certificate Signing Request (ECDSA P-256)
	  Subject:     api.example.com
	               ops@example.com
	               spiffe://example.com/api
	EOW
	test_cmp want out &&
	pkit certificate inspect --format json req.csr >out &&
	$SYS_PYTHON -c "
import json
o = json.load(open(\"out\"))
e = o[\"extensions\"]
assert e[\"subject_alt_name\"][\"dns_names\"] == [\"api.example.com\"], e
assert e[\"key_usage\"] == {\"digital_signature\": True, \"key_encipherment\": True, \"value\": 5}, e
assert e[\"extended_key_usage\"] == {\"server_auth\": True}, e
assert o[\"unknown_extensions\"][0][\"id\"] == \"1.2.3.4.5\"
assert o[\"signature\"][\"valid\"] is True
" &&
	openssl req -in req.csr -outform DER -out req.der &&
	pkit certificate inspect req.der >out2 &&
	pkit certificate inspect req.csr >out &&
	test_cmp out out2 &&
	pkit certificate inspect --format pem req.der >out &&
	test_cmp req.csr out
'

test_expect_success 'RSA and Ed25519 certificates' '
	openssl req -x509 -config ossl.cnf -extensions root -new -newkey rsa:2048 \
		-nodes -keyout rsa.key -subj "/CN=RSA Root" -days 10 -out rsa.crt &&
	pkit certificate inspect rsa.crt >out &&
	grep -qx "            Public Key Algorithm: RSA" out &&
	grep -qx "                Public-Key: (2048 bit)" out &&
	grep -qx "                Exponent: 65537 (0x10001)" out &&
	grep -qx "    Signature Algorithm: SHA256-RSA" out &&
	pkit certificate inspect --short rsa.crt | grep -q "^X.509v3 Root CA Certificate (RSA 2048)" &&
	openssl req -x509 -config ossl.cnf -extensions root -new -newkey ed25519 \
		-nodes -keyout ed.key -subj "/CN=Ed Root" -days 10 -out ed.crt &&
	pkit certificate inspect ed.crt >out &&
	grep -qx "            Public Key Algorithm: Ed25519" out &&
	grep -qx "    Signature Algorithm: Ed25519" out &&
	pkit certificate inspect --short ed.crt | grep -q "(Ed25519 256)"
'

test_expect_success 'PKCS#12: read with --password-file; without it or wrong, one line and exit 1' '
	printf "p12 secret\n" >p12pw &&
	printf "wrong\n" >badpw &&
	openssl pkcs12 -export -in leaf.crt -inkey leaf.key -certfile int.crt \
		-passout file:p12pw -out leaf.p12 &&
	pkit certificate inspect --password-file p12pw --short --bundle leaf.p12 >out &&
	test $(grep -c "^X.509v3" out) = 2 &&
	sed -n 1p out | grep -q "^X.509v3 TLS Certificate" &&
	test_must_fail pkit certificate inspect leaf.p12 >out 2>err &&
	test_one_line err &&
	grep -q "password-file" err &&
	test ! -s out &&
	test_must_fail pkit certificate inspect --password-file badpw leaf.p12 2>err &&
	test_one_line err &&
	grep -q "leaf.p12" err
'

test_expect_success 'errors: missing, empty, garbage, truncated and bit-flipped input' '
	test_must_fail pkit certificate inspect nosuch.crt >out 2>err &&
	test_one_line err && grep -q "nosuch.crt" err && test ! -s out &&
	: >empty &&
	test_must_fail pkit certificate inspect empty 2>err &&
	test_one_line err &&
	echo "hello world" >garbage &&
	test_must_fail pkit certificate inspect garbage 2>err &&
	test_one_line err && grep -q "garbage" err &&
	head -c 300 leaf.der >trunc.der &&
	test_must_fail pkit certificate inspect trunc.der 2>err &&
	test_one_line err &&
	head -n 5 leaf.crt >trunc.pem && tail -n 1 leaf.crt >>trunc.pem &&
	test_must_fail pkit certificate inspect trunc.pem 2>err &&
	test_one_line err && grep -q "trunc.pem" err &&
	$SYS_PYTHON -c "
d = bytearray(open(\"leaf.der\", \"rb\").read())
d[1] ^= 0x40
open(\"flip.der\", \"wb\").write(d)
" &&
	test_must_fail pkit certificate inspect flip.der 2>err &&
	test_one_line err
'

test_expect_success 'usage errors exit 2 with one line' '
	test_expect_code 2 pkit certificate inspect --bogus leaf.crt 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit certificate inspect --format yaml leaf.crt 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit certificate inspect --short --format json leaf.crt 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit certificate inspect --pem leaf.crt 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit certificate inspect --roots root.crt leaf.crt 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit certificate inspect a b 2>err &&
	test_one_line err
'

# A TLS server on loopback that sends the leaf and the intermediate.
tls_server 20

test_expect_success 'a live server: its chain, verified against --roots' '
	pkit certificate inspect --short --roots root.crt --servername localhost \
		"tls://127.0.0.1:$PORT" >out &&
	pkit certificate inspect --short leaf.crt >want &&
	test_cmp want out &&
	pkit certificate inspect --bundle --format pem --roots root.crt \
		"https://127.0.0.1:$PORT/some/path" >out &&
	test_cmp chain.crt out
'

test_expect_success 'a live server that does not verify is refused unless --insecure' '
	test_must_fail pkit certificate inspect "https://127.0.0.1:$PORT" >out 2>err &&
	test_one_line err && grep -q -- "--insecure" err && test ! -s out &&
	test_must_fail pkit certificate inspect --roots root.crt \
		--servername other.example "tls://127.0.0.1:$PORT" 2>err &&
	test_one_line err &&
	pkit certificate inspect --insecure --short "tls://127.0.0.1:$PORT" >out &&
	grep -q "^  Subject:     localhost" out
'

test_expect_success 'an unreachable server is one line and exit 1' '
	DEAD=$(free_port) &&
	test_must_fail pkit certificate inspect --insecure "tls://127.0.0.1:$DEAD" 2>err &&
	test_one_line err && grep -q "127.0.0.1:$DEAD" err &&
	test_must_fail pkit certificate inspect "https://" 2>err &&
	test_one_line err
'

stop_tls_server
test_done

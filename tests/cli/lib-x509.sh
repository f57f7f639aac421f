# lib-x509.sh - fixtures of the certificate scripts (t2100-t2130): the
# certificates step-ca 0.19 issued, and the start of the openssl
# configuration the scripts make their own certificates with.  Source it
# after lib.sh.
#
#   step_certs                  step-leaf.crt (the leaf and the
#                               intermediate, as step-ca sends them),
#                               step-int.crt and step-root.crt
#   ossl_cnf_head               print the [req], [dn], [root] and [int]
#                               sections; a script appends its own
#   ossl_cnf_ca                 print the sections of `openssl ca` (the
#                               database in ./ca, any subject)
#   sign CSR CA KEY SECTION OUT a certificate for CSR with SECTION of
#                               ossl.cnf, 30 days, a random 128-bit serial
#   tls_server N                openssl s_server on 127.0.0.1:$PORT (a free
#                               port) sending leaf.crt (key leaf.key) and
#                               int.crt, for N connections; it is up when
#                               this returns and stopped when the script
#                               exits
#   $EC                         openssl req options for a new P-256 key

EC='-newkey ec -pkeyopt ec_paramgen_curve:P-256'

# What step-ca 0.19 issued (research/step-0.19-captures); the scripts
# compare pkit's rendering of them with what step 0.19 printed.
step_certs() {
	cat >step-leaf.crt <<\EOC &&
-----BEGIN CERTIFICATE-----
MIICFDCCAbqgAwIBAgIQbmruyaeDVs1WbsXJHlmPyDAKBggqhkjOPQQDAjAuMQ0w
CwYDVQQKEwRUZXN0MR0wGwYDVQQDExRUZXN0IEludGVybWVkaWF0ZSBDQTAeFw0y
NjExMjUyMjIzNDNaFw0yNjExMjYyMjI0NDNaMBQxEjAQBgNVBAMTCWxvY2FsaG9z
dDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABA8AV2XRxuXPe8frs40JJtmxrFLU
tgH+XCAlswjTM2+eWbDCeT87oVTX7zpz8a+IF1sh7zHHEfQWiOLkFkMlVSOjgdMw
gdAwDgYDVR0PAQH/BAQDAgeAMB0GA1UdJQQWMBQGCCsGAQUFBwMBBggrBgEFBQcD
AjAdBgNVHQ4EFgQUw31XGEm0rioWD1sVHLCvuMIPSm0wHwYDVR0jBBgwFoAUyYSX
cZNpFJquyIylEebNCRNMLUwwFAYDVR0RBA0wC4IJbG9jYWxob3N0MEkGDCsGAQQB
gqRkxihAAQQ5MDcCAQEEBWFkbWluBCtBcmpjMkRkLWFPTjYycXVqemxha3dFZ3FN
XzdxQ0JfeENYN05ya01PNURRMAoGCCqGSM49BAMCA0gAMEUCIDYJgNQGl0QpXmn/
wM4w/x1kcGW8f23AzDVn9kAIPeQoAiEApnScro+3b8Jirz9p9+Ev4QmHua/AkRNf
YMWc7eLWp5E=
-----END CERTIFICATE-----
EOC
	cat >step-int.crt <<\EOC &&
-----BEGIN CERTIFICATE-----
MIIBujCCAV+gAwIBAgIRALXwldDeds+Y2u2NGjNTNVMwCgYIKoZIzj0EAwIwJjEN
MAsGA1UEChMEVGVzdDEVMBMGA1UEAxMMVGVzdCBSb290IENBMB4XDTI2MTEyNTIy
MjQyN1oXDTM2MTEyMjIyMjQyN1owLjENMAsGA1UEChMEVGVzdDEdMBsGA1UEAxMU
VGVzdCBJbnRlcm1lZGlhdGUgQ0EwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAARv
U60eVtDp3d17O60QDzein9nQfWFCGbt+CyM5alEySidbYsJh1NGOV+pJsnVe2BRm
F0o9ccuMp8LX8K4xXjNmo2YwZDAOBgNVHQ8BAf8EBAMCAQYwEgYDVR0TAQH/BAgw
BgEB/wIBADAdBgNVHQ4EFgQUyYSXcZNpFJquyIylEebNCRNMLUwwHwYDVR0jBBgw
FoAUIuTeE3IWP0bcCCOkMg6/XFVw454wCgYIKoZIzj0EAwIDSQAwRgIhAL5X9Kg7
HgcPfx2ZViKavZpVH7XxuppzjQvoubnrzwsPAiEAqbowFCv+sy8JXymgKm79LJkR
K0fkDAqvhSDkGKq/Zlc=
-----END CERTIFICATE-----
EOC
	cat step-int.crt >>step-leaf.crt &&
	cat >step-root.crt <<\EOC
-----BEGIN CERTIFICATE-----
MIIBjjCCATWgAwIBAgIQNnEGqE4RCWiI4L0SaQPXjTAKBggqhkjOPQQDAjAmMQ0w
CwYDVQQKEwRUZXN0MRUwEwYDVQQDEwxUZXN0IFJvb3QgQ0EwHhcNMjYxMTI1MjIy
NDI2WhcNMzYxMTIyMjIyNDI2WjAmMQ0wCwYDVQQKEwRUZXN0MRUwEwYDVQQDEwxU
ZXN0IFJvb3QgQ0EwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAR05JLTFDmomNux
KGWC4uLPYIfgYLj982qJNt0CqT8z+ngD3sDoQYAkzEz5sTpI9f1Ymh4rfRpBxyVv
X3we2iGSo0UwQzAOBgNVHQ8BAf8EBAMCAQYwEgYDVR0TAQH/BAgwBgEB/wIBATAd
BgNVHQ4EFgQUIuTeE3IWP0bcCCOkMg6/XFVw454wCgYIKoZIzj0EAwIDRwAwRAIg
eE7LcBau8lk0KXjW6EqoCv0QSomBdQ61oTipdtAB8KECIChi/cOJKzD7vHsnejsG
3ZVrkrTHuh9igQTx8J0Nq+j+
-----END CERTIFICATE-----
EOC
}

ossl_cnf_head() {
	cat <<\EOC
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
[int]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
EOC
}

ossl_cnf_ca() {
	cat <<\EOC
[ca]
default_ca = ca_default
[ca_default]
dir = ca
database = ca/index.txt
new_certs_dir = ca
serial = ca/serial
default_md = sha256
policy = policy_any
unique_subject = no
[policy_any]
commonName = supplied
EOC
}

sign() {
	openssl x509 -req -in "$1" -CA "$2" -CAkey "$3" -extfile ossl.cnf \
		-extensions "$4" -days 30 -set_serial "0x$(openssl rand -hex 16)" \
		-out "$5" 2>/dev/null
}

tls_server() {
	PORT=$(free_port)
	openssl s_server -quiet -accept "127.0.0.1:$PORT" -cert leaf.crt \
		-key leaf.key -cert_chain int.crt -naccept "$1" -www \
		>server.log 2>&1 &
	SERVER=$!
	trap stop_tls_server EXIT
	i=0
	while ! $SYS_PYTHON -c "import socket; socket.create_connection(('127.0.0.1', $PORT), 1)" 2>/dev/null
	do
		i=$((i + 1)); test $i -lt 50 || break; sleep 0.1
	done
}

stop_tls_server() {
	kill "$SERVER" 2>/dev/null
	wait "$SERVER" 2>/dev/null
}

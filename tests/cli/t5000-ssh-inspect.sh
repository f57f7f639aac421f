#!/bin/sh
test_description='ssh inspect, fingerprint and needs-renewal against ssh-keygen'
. "$(dirname "$0")/lib.sh"

SSHSIGN="$PKIT_BUILD_DIR/tests/helper/sshsign"

if ! test_have ssh-keygen; then
	test_skip 'ssh inspect' 'ssh-keygen is not installed'
	test_done
fi

# ssh-keygen -L prints local time without a zone and trailing blanks
# after some labels; pkit prints UTC with a "Z".  With TZ=UTC the two
# must then be identical, line by line.
same_as_keygen() {
	ssh-keygen -L -f "$1" | sed "s/ *\$//" >kg.out &&
	pkit ssh inspect "$1" >pk.raw &&
	sed "s/\\([0-9][0-9]:[0-9][0-9]:[0-9][0-9]\\)Z/\\1/g" pk.raw >pk.out &&
	test_cmp kg.out pk.out
}

# Rewrite the certificate in $1 into $2 with python: $3 is a python
# expression over the decoded blob b.
mangle() {
	"$SYS_PYTHON" - "$1" "$2" "$3" <<-\EOF
	import base64, sys
	t, b64 = open(sys.argv[1]).read().split()[:2]
	b = bytearray(base64.b64decode(b64))
	b = eval(sys.argv[3])
	open(sys.argv[2], "w").write(t + " " + base64.b64encode(bytes(b)).decode() + "\n")
	EOF
}

test_expect_success 'set up CA and user keys of every type' '
	ssh-keygen -q -t ed25519 -N "" -C ca -f ca_ed25519 &&
	ssh-keygen -q -t ecdsa -b 256 -N "" -C ca -f ca_p256 &&
	ssh-keygen -q -t ecdsa -b 384 -N "" -C ca -f ca_p384 &&
	ssh-keygen -q -t ecdsa -b 521 -N "" -C ca -f ca_p521 &&
	ssh-keygen -q -t rsa -b 2048 -N "" -C ca -f ca_rsa &&
	ssh-keygen -q -t ed25519 -N "" -C joe@example.com -f u_ed25519 &&
	ssh-keygen -q -t ecdsa -N "" -C joe@example.com -f u_ecdsa &&
	ssh-keygen -q -t rsa -b 2048 -N "" -C joe@example.com -f u_rsa
'

test_expect_success 'certificates made by ssh-keygen: pkit ssh inspect matches ssh-keygen -L' '
	for ca in ed25519 p256 p384 p521 rsa
	do
		for k in ed25519 ecdsa rsa
		do
			cp u_$k.pub kg_${ca}_$k.pub &&
			ssh-keygen -q -s ca_$ca -I "key id $ca/$k" -n joe,admin \
				-V 20240102030405:20340102030405 -z 12345 \
				-O force-command=/usr/bin/id -O source-address=10.0.0.0/8 \
				kg_${ca}_$k.pub &&
			same_as_keygen kg_${ca}_$k-cert.pub || return 1
		done
	done &&
	grep -q "Signing CA: RSA SHA256:.* (using rsa-sha2-512)" pk.raw &&
	grep -q "Valid: from 2024-01-02T03:04:05Z to 2034-01-02T03:04:05Z" pk.raw
'

test_expect_success 'host certificates, open validity, odd options and rsa-sha2-256 from ssh-keygen' '
	cp u_ecdsa.pub h1.pub &&
	ssh-keygen -q -s ca_p384 -h -I host1 -n h1.example.com,10.1.2.3 h1.pub &&
	same_as_keygen h1-cert.pub &&
	grep -q "Type: ecdsa-sha2-nistp256-cert-v01@openssh.com host certificate" pk.raw &&
	grep -q "Valid: forever" pk.raw &&
	cp u_ed25519.pub h2.pub &&
	ssh-keygen -q -s ca_rsa -t rsa-sha2-256 -I odd -V 20240101000000:forever \
		-O clear -O no-pty -O extension:x@example.com=v -O critical:y@example.com \
		-O verify-required h2.pub &&
	same_as_keygen h2-cert.pub &&
	grep -q "(using rsa-sha2-256)" pk.raw &&
	grep -q "Valid: after 2024-01-01T00:00:00Z" pk.raw &&
	grep -q "x@example.com UNKNOWN OPTION: 0000000176 (len 5)" pk.out &&
	cp u_rsa.pub h3.pub &&
	ssh-keygen -q -s ca_ed25519 -I nobody -V always:20300101000000 h3.pub &&
	same_as_keygen h3-cert.pub &&
	grep -q "Principals: (none)" pk.raw
'

test_expect_success 'certificates made by pkit: ssh-keygen -L reads them, and agrees' '
	for ca in ed25519 p256 p384 p521 rsa
	do
		for k in ed25519 ecdsa rsa
		do
			"$SSHSIGN" -s ca_$ca -I "pkit $ca/$k" -n joe,admin -z 18446744073709551615 \
				-V 1700000000:1900000000 -O critical:force-command=/bin/true \
				-O x-ext@example.com=value u_$k.pub pk_${ca}_$k.pub &&
			same_as_keygen pk_${ca}_$k.pub &&
			"$SSHSIGN" -H -s ca_$ca -I "host $ca/$k" -n h.example.com \
				u_$k.pub pkh_${ca}_$k.pub &&
			same_as_keygen pkh_${ca}_$k.pub || return 1
		done
	done &&
	"$SSHSIGN" -s ca_rsa -a rsa-sha2-256 -I r256 -n joe u_ed25519.pub r256.pub &&
	same_as_keygen r256.pub &&
	grep -q "(using rsa-sha2-256)" pk.raw
'

test_expect_success 'user certificates get step'"'"'s default extensions' '
	"$SSHSIGN" -s ca_ed25519 -I step -n joe u_ecdsa.pub step.pub &&
	pkit ssh inspect step.pub >out &&
	sed -n "/Extensions:/,\$p" out >ext &&
	cat >want <<-\EOF &&
	        Extensions:
	                permit-X11-forwarding
	                permit-agent-forwarding
	                permit-port-forwarding
	                permit-pty
	                permit-user-rc
	EOF
	test_cmp want ext &&
	"$SSHSIGN" -H -s ca_ed25519 -I step -n h u_ecdsa.pub steph.pub &&
	pkit ssh inspect steph.pub | grep -q "Extensions: (none)"
'

test_expect_success 'inspect reads standard input and prints JSON' '
	pkit ssh inspect <kg_rsa_ecdsa-cert.pub >out &&
	head -n 1 out | grep -qx -- "-:" &&
	pkit ssh inspect --format json kg_rsa_ecdsa-cert.pub >out.json &&
	"$SYS_PYTHON" -c "
import json, sys
j = json.load(open(\"out.json\"))
assert j[\"Type\"] == \"user\", j
assert j[\"KeyID\"] == \"key id rsa/ecdsa\"
assert j[\"Serial\"] == 12345
assert j[\"Principals\"] == [\"joe\", \"admin\"]
assert j[\"CriticalOptions\"] == {\"force-command\": \"/usr/bin/id\", \"source-address\": \"10.0.0.0/8\"}, j
assert j[\"Signature\"][\"Type\"] == \"rsa-sha2-512\"
assert j[\"ValidAfter\"] == \"2024-01-02T03:04:05Z\"
" &&
	pkit ssh inspect --format json pk_p256_rsa.pub >big.json &&
	grep -q "\"Serial\": \"18446744073709551615\"" big.json
'

test_expect_success 'fingerprint matches ssh-keygen -l for keys and certificates' '
	for f in u_ed25519.pub u_ecdsa.pub u_rsa.pub ca_p521.pub kg_p384_rsa-cert.pub \
		pk_rsa_ecdsa.pub h1-cert.pub
	do
		ssh-keygen -l -f $f >want &&
		pkit ssh fingerprint $f >got &&
		test_cmp want got || return 1
	done &&
	grep -q "(ED25519-CERT)\$" got || grep -q "(ECDSA-CERT)\$" got
'

test_expect_success 'fingerprint: encodings, --certificate, private keys, stdin' '
	pkit ssh fingerprint --format hex u_ed25519.pub >hex &&
	want=$(awk "{print \$2}" u_ed25519.pub | base64 -d | sha256sum | cut -d" " -f1) &&
	grep -q "^256 SHA256:$want joe@example.com (ED25519)\$" hex &&
	pkit ssh fingerprint --certificate pk_ed25519_ed25519.pub >whole &&
	wantc=$(awk "{print \$2}" pk_ed25519_ed25519.pub | base64 -d | sha256sum | cut -d" " -f1) &&
	pkit ssh fingerprint --certificate --format hex pk_ed25519_ed25519.pub >wholehex &&
	grep -q "SHA256:$wantc no comment (ED25519-CERT)" wholehex &&
	! cmp -s whole hex &&
	pkit ssh fingerprint u_ecdsa >priv &&
	ssh-keygen -l -f u_ecdsa.pub | cut -d" " -f2 >fp &&
	grep -q "^256 $(cat fp) no comment (ECDSA)\$" priv &&
	pkit ssh fingerprint <u_rsa.pub >stdin &&
	ssh-keygen -l -f u_rsa.pub >want &&
	test_cmp want stdin
'

test_expect_success 'needs-renewal answers with step'"'"'s exit statuses' '
	"$SSHSIGN" -s ca_ed25519 -I fresh -n joe -V -60:+36000 u_ed25519.pub fresh.pub &&
	"$SSHSIGN" -s ca_ed25519 -I old -n joe -V -36000:+60 u_ed25519.pub old.pub &&
	"$SSHSIGN" -s ca_ed25519 -I gone -n joe -V -7200:-3600 u_ed25519.pub gone.pub &&
	test_expect_code 1 pkit ssh needs-renewal fresh.pub &&
	test_expect_code 0 pkit ssh needs-renewal old.pub &&
	test_expect_code 0 pkit ssh needs-renewal gone.pub &&
	test_expect_code 1 pkit ssh needs-renewal h1-cert.pub &&
	test_expect_code 0 pkit ssh needs-renewal --expires-in 11h fresh.pub &&
	test_expect_code 1 pkit ssh needs-renewal --expires-in 9h fresh.pub &&
	test_expect_code 0 pkit ssh needs-renewal --expires-in 0% fresh.pub &&
	pkit ssh needs-renewal -v old.pub >out &&
	grep -q "^old.pub: needs renewal: [19][0-9]*% of its lifetime used" out &&
	test_expect_code 2 pkit ssh needs-renewal missing.pub 2>err &&
	test_one_line err &&
	echo garbage >bad.pub &&
	test_expect_code 255 pkit ssh needs-renewal bad.pub 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit ssh needs-renewal --expires-in 101% fresh.pub 2>err &&
	test_one_line err
'

test_expect_success 'malformed certificates: one pkit: line and exit 1' '
	good=pk_p256_ed25519.pub &&
	mangle $good trunc.pub "b[:len(b) - 10]" &&
	mangle $good trunc2.pub "b[:40]" &&
	mangle $good trail.pub "b + b\"\\0\\0\\0\\0\"" &&
	mangle $good flipsig.pub "b[:-5] + bytes([b[-5] ^ 1]) + b[-4:]" &&
	mangle $good flipid.pub "b.replace(b\"pkit p256\", b\"pkit P256\")" &&
	mangle $good badtype.pub "b[:4] + b\"x\" + b[5:]" &&
	mangle $good bigstr.pub "b[:4] + b\"\\xff\" + b[5:]" &&
	awk "{print \$1, \"!!notbase64!!\"}" $good >b64.pub &&
	awk "{print \"ssh-rsa-cert-v01@openssh.com\", \$2}" $good >mismatch.pub &&
	: >empty.pub &&
	cat $good $good >two.pub &&
	for f in trunc.pub trunc2.pub trail.pub flipsig.pub flipid.pub badtype.pub \
		bigstr.pub b64.pub mismatch.pub empty.pub two.pub u_ed25519.pub ca_rsa
	do
		test_expect_code 1 pkit ssh inspect $f >out 2>err &&
		test_one_line err && test ! -s out || { echo "for $f" >&2; return 1; }
	done &&
	grep -q "does not verify" err || grep -q "not an SSH certificate" err &&
	pkit ssh inspect flipid.pub 2>err; grep -q "signature does not verify" err &&
	pkit ssh inspect trail.pub 2>err; grep -q "trailing data" err &&
	test_expect_code 1 pkit ssh fingerprint flipsig.pub 2>err &&
	test_one_line err
'

test_expect_success 'missing files and bad flags' '
	test_expect_code 1 pkit ssh inspect nosuch.pub 2>err &&
	test_one_line err &&
	test_expect_code 1 pkit ssh fingerprint nosuch.pub 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit ssh inspect --bogus x 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit ssh inspect --format yaml pk_p256_ed25519.pub 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit ssh fingerprint a b 2>err &&
	test_one_line err
'

test_done

#!/bin/sh
test_description='the SSH CA: ca init --ssh, the /ssh routes of ca serve, and ssh certificate, renew, rekey, revoke, hosts, config --roots'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-ca.sh"

ROOT=$PKITPATH/certs/root_ca.crt

# api METHOD PATH [BODY]: the CA's answer in out, the status printed.
api() {
	if test -n "${3:-}"; then
		curl -sS -m 20 -o out -w '%{http_code}\n' --cacert "$ROOT" -X "$1" \
			-H 'Content-Type: application/json' --data "$3" \
			"https://localhost:$PORT$2"
	else
		curl -sS -m 20 -o out -w '%{http_code}\n' --cacert "$ROOT" -X "$1" \
			"https://localhost:$PORT$2"
	fi
}

# b64 FILE: the base64 field of an OpenSSH key or certificate line.
b64() {
	awk '{print $2}' "$1"
}

# token ARGS...: an SSH sign token of the admin provisioner.
token() {
	pkit ca token --ssh --provisioner admin \
		--provisioner-password-file "$PWD/pw.txt" "$@" 2>/dev/null
}

# serial CERT: the serial of an SSH certificate, as ssh-keygen -L prints it.
serial() {
	ssh-keygen -L -f "$1" | awk '$1 == "Serial:" {print $2}'
}

if ! test_have ssh-keygen || ! test_have curl; then
	test_skip 'the SSH CA' 'ssh-keygen or curl is missing'
	test_done
fi

test_expect_success 'ca init --ssh: SSH CA keys and config in step layout' '
	echo "ca password" >pw.txt &&
	pkit ca init --name SSH --dns localhost --address "$ADDR" \
		--provisioner admin --password-file pw.txt --ssh 2>init.log &&
	grep -q "SSH user public key: $PKITPATH/certs/ssh_user_ca_key.pub" init.log &&
	grep -q "SSH host private key: $PKITPATH/secrets/ssh_host_ca_key" init.log &&
	test_mode "$PKITPATH/secrets/ssh_user_ca_key" 600 &&
	test_mode "$PKITPATH/secrets/ssh_host_ca_key" 600 &&
	grep -q "ENCRYPTED PRIVATE KEY" "$PKITPATH/secrets/ssh_user_ca_key" &&
	ssh-keygen -l -f "$PKITPATH/certs/ssh_user_ca_key.pub" | grep -q "(ECDSA)" &&
	ssh-keygen -l -f "$PKITPATH/certs/ssh_host_ca_key.pub" | grep -q "(ECDSA)" &&
	! cmp -s "$PKITPATH/certs/ssh_user_ca_key.pub" "$PKITPATH/certs/ssh_host_ca_key.pub" &&
	jget "$PKITPATH/config/ca.json" "d[\"ssh\"]" >ssh &&
	echo "{'"'"'hostKey'"'"': '"'"'$PKITPATH/secrets/ssh_host_ca_key'"'"', '"'"'userKey'"'"': '"'"'$PKITPATH/secrets/ssh_user_ca_key'"'"'}" >want &&
	test_cmp want ssh &&
	jget "$PKITPATH/config/ca.json" "[(p[\"type\"], p[\"name\"], p.get(\"claims\")) for p in d[\"authority\"][\"provisioners\"]]" >provs &&
	echo "[('"'"'JWK'"'"', '"'"'admin'"'"', {'"'"'enableSSHCA'"'"': True}), ('"'"'SSHPOP'"'"', '"'"'sshpop'"'"', {'"'"'enableSSHCA'"'"': True})]" >want &&
	test_cmp want provs
'

test_expect_success 'short minimum SSH durations for the expiry tests, then serve' '
	"$SYS_PYTHON" -c "import json, sys
p = sys.argv[1]
d = json.load(open(p))
for q in d[\"authority\"][\"provisioners\"]:
    q[\"claims\"].update({\"minUserSSHCertDuration\": \"1s\",
                         \"minHostSSHCertDuration\": \"1s\"})
json.dump(d, open(p, \"w\"), indent=1)" "$PKITPATH/config/ca.json" &&
	ca_start --password-file "$PWD/pw.txt"
'

test_expect_success '/ssh/roots and /ssh/federation: the CA keys, as base64 wire blobs' '
	test "$(api GET /ssh/roots)" = 200 &&
	jget out "d[\"userKey\"][0]" >got &&
	b64 "$PKITPATH/certs/ssh_user_ca_key.pub" >want &&
	test_cmp want got &&
	jget out "d[\"hostKey\"][0]" >got &&
	b64 "$PKITPATH/certs/ssh_host_ca_key.pub" >want &&
	test_cmp want got &&
	test "$(api GET /1.0/ssh/federation)" = 200 &&
	jget out "len(d[\"userKey\"]), len(d[\"hostKey\"])" >got &&
	echo "(1, 1)" >want && test_cmp want got
'

test_expect_success 'ssh config --roots and --host --roots print the keys from the CA' '
	pkit ssh config --roots >got &&
	test_cmp "$PKITPATH/certs/ssh_user_ca_key.pub" got &&
	pkit ssh config --host --roots >got &&
	test_cmp "$PKITPATH/certs/ssh_host_ca_key.pub" got &&
	pkit ssh config --dry-run >dry &&
	grep -q "^@cert-authority \* $(cat got)$" dry
'

test_expect_success 'ssh certificate: a user key pair and certificate (16h, step defaults)' '
	before=$(date +%s) &&
	pkit ssh certificate joe@example.com id_user --provisioner admin \
		--provisioner-password-file pw.txt --no-password --insecure 2>err &&
	grep -q "✔ Certificate: id_user-cert.pub" err &&
	test_mode id_user 600 &&
	ssh-keygen -y -f id_user >derived &&
	test "$(b64 derived)" = "$(b64 id_user.pub)" &&
	ssh-keygen -L -f id_user-cert.pub >L &&
	grep -q "Type: ecdsa-sha2-nistp256-cert-v01@openssh.com user certificate" L &&
	grep -q "Key ID: \"joe@example.com\"" L &&
	sed -n "/Principals:/,/Critical/p" L | sed 1d | sed "\$d" | tr -d " \t" >p &&
	printf "joe\njoe@example.com\n" >want && test_cmp want p &&
	grep -q "permit-pty" L &&
	ssh-keygen -L -f id_user-cert.pub | grep -q "Signing CA: ECDSA $(ssh-keygen -l -f "$PKITPATH/certs/ssh_user_ca_key.pub" | cut -d" " -f2)" &&
	pkit ssh inspect --format json id_user-cert.pub >j &&
	va=$(jget j "d[\"ValidAfter\"]") && vb=$(jget j "d[\"ValidBefore\"]") &&
	life=$(( $(date -d "$vb" +%s) - $(date -d "$va" +%s) )) &&
	test "$life" -eq $((16 * 3600 + 60))
'

test_expect_success 'ssh inspect agrees with ssh-keygen -L field by field' '
	for c in id_user-cert.pub
	do
		ssh-keygen -L -f "$c" | sed "s/ *\$//" >sk &&
		pkit ssh inspect "$c" >pk &&
		sed "s/\\([0-9][0-9]:[0-9][0-9]:[0-9][0-9]\\)Z/\\1/g" pk >pk2 &&
		test_cmp sk pk2 || return 1
	done
'

test_expect_success 'ssh certificate --host --sign: a host certificate for an existing key (30 days)' '
	ssh-keygen -q -t ed25519 -N "" -f hostkey &&
	pkit ssh certificate --host --sign --principal localhost \
		--principal 127.0.0.1 myhost hostkey.pub --provisioner admin \
		--provisioner-password-file pw.txt 2>err &&
	test ! -e hostkey.pub-cert.pub &&
	ssh-keygen -L -f hostkey-cert.pub | sed "s/ *\$//" >sk &&
	pkit ssh inspect hostkey-cert.pub >pk &&
	sed "s/\\([0-9][0-9]:[0-9][0-9]:[0-9][0-9]\\)Z/\\1/g" pk >pk2 &&
	test_cmp sk pk2 &&
	ssh-keygen -L -f hostkey-cert.pub >L &&
	grep -q "ssh-ed25519-cert-v01@openssh.com host certificate" L &&
	grep -q "Extensions: (none)" L &&
	pkit ssh inspect --format json hostkey-cert.pub >j &&
	life=$(( $(date -d "$(jget j "d[\"ValidBefore\"]")" +%s) - $(date -d "$(jget j "d[\"ValidAfter\"]")" +%s) )) &&
	test "$life" -eq $((720 * 3600 + 60))
'

test_expect_success '/ssh/hosts, ssh hosts and /ssh/check-host know the host' '
	pkit ssh hosts >got &&
	printf "127.0.0.1\nlocalhost\n" >want && test_cmp want got &&
	test "$(api POST /ssh/check-host "{\"type\":\"host\",\"principal\":\"localhost\"}")" = 200 &&
	test "$(jget out "d[\"exists\"]")" = True &&
	test "$(api POST /ssh/check-host "{\"type\":\"host\",\"principal\":\"nowhere\"}")" = 200 &&
	test "$(jget out "d[\"exists\"]")" = False &&
	test "$(api POST /ssh/check-host "{\"type\":\"user\",\"principal\":\"x\"}")" = 400 &&
	pkit ssh check-host localhost >got && echo true >want && test_cmp want got &&
	test_expect_code 1 pkit ssh check-host nowhere >got &&
	echo false >want && test_cmp want got &&
	test "$(api POST /ssh/bastion "{\"user\":\"u\",\"hostname\":\"h\"}")" = 200 &&
	test "$(jget out "d")" = "{'"'"'hostname'"'"': '"'"'h'"'"'}"
'

test_expect_success '/ssh/config: user and host templates' '
	test "$(api POST /ssh/config "{}")" = 200 &&
	jget out "[(t[\"name\"], t[\"type\"], t[\"path\"]) for t in d[\"userTemplates\"]]" >got &&
	cat >want <<-\EOF &&
	[('"'"'include.tpl'"'"', '"'"'snippet'"'"', '"'"'~/.ssh/config'"'"'), ('"'"'config.tpl'"'"', '"'"'file'"'"', '"'"'ssh/config'"'"'), ('"'"'known_hosts.tpl'"'"', '"'"'file'"'"', '"'"'ssh/known_hosts'"'"')]
	EOF
	test_cmp want got &&
	jget out "__import__(\"base64\").b64decode(d[\"userTemplates\"][2][\"content\"]).decode()" >kh &&
	grep -q "^@cert-authority \* $(cat "$PKITPATH/certs/ssh_host_ca_key.pub")" kh &&
	jget out "__import__(\"base64\").b64decode(d[\"userTemplates\"][1][\"content\"]).decode()" >cfg &&
	grep -q "UserKnownHostsFile \"~/.step/ssh/known_hosts\"" cfg &&
	test "$(api POST /ssh/config "{\"data\":{\"StepPath\":\"/p\"}}")" = 200 &&
	jget out "__import__(\"base64\").b64decode(d[\"userTemplates\"][0][\"content\"]).decode()" >inc &&
	grep -q "Include \"/p/ssh/config\"" inc &&
	test "$(api POST /ssh/config "{\"data\":{\"StepPath\":\"/p\\\"x\"}}")" = 400 &&
	grep -q "cannot be written in an ssh configuration file" out &&
	test "$(api POST /ssh/config "{\"data\":{\"StepPath\":1}}")" = 400 &&
	test "$(api POST /ssh/config "{\"data\":[]}")" = 400 &&
	test "$(api POST /ssh/config "{\"type\":\"other\"}")" = 400 &&
	test "$(api POST /ssh/config/host "{}")" = 200 &&
	jget out "__import__(\"base64\").b64decode(d[\"hostTemplates\"][1][\"content\"]).decode()" | sed "/^\$/d" >ca &&
	test_cmp "$PKITPATH/certs/ssh_user_ca_key.pub" ca
'

test_expect_success 'the token decides: type, principals and key id may not be contradicted (403)' '
	ssh-keygen -q -t ecdsa -N "" -f k2 &&
	T=$(token --principal root joe) &&
	test "$(api POST /ssh/sign "{\"publicKey\":\"$(b64 k2.pub)\",\"ott\":\"$T\",\"certType\":\"host\"}")" = 403 &&
	grep -q "type does not match" out &&
	T=$(token --principal root joe) &&
	test "$(api POST /ssh/sign "{\"publicKey\":\"$(b64 k2.pub)\",\"ott\":\"$T\",\"principals\":[\"admin\"]}")" = 403 &&
	T=$(token --principal root joe) &&
	test "$(api POST /ssh/sign "{\"publicKey\":\"$(b64 k2.pub)\",\"ott\":\"$T\",\"keyID\":\"mallory\"}")" = 403 &&
	T=$(token --principal root joe --cert-not-after 48h) &&
	test "$(api POST /ssh/sign "{\"publicKey\":\"$(b64 k2.pub)\",\"ott\":\"$T\"}")" = 403 &&
	grep -q "more than the authorized maximum" out
'

test_expect_success '/ssh/sign: a token is good once; an X.509 token or none is refused' '
	T=$(token --principal root joe) &&
	test "$(api POST /ssh/sign "{\"publicKey\":\"$(b64 k2.pub)\",\"ott\":\"$T\"}")" = 201 &&
	test "$(api POST /ssh/sign "{\"publicKey\":\"$(b64 k2.pub)\",\"ott\":\"$T\"}")" = 401 &&
	X=$(pkit ca token joe --provisioner admin --provisioner-password-file pw.txt 2>/dev/null) &&
	test "$(api POST /ssh/sign "{\"publicKey\":\"$(b64 k2.pub)\",\"ott\":\"$X\"}")" = 401 &&
	test "$(api POST /ssh/sign "{\"publicKey\":\"$(b64 k2.pub)\"}")" = 400 &&
	test "$(api POST /ssh/sign "{\"publicKey\":\"AAAA\",\"ott\":\"x\"}")" = 400 &&
	test "$(api POST /ssh/sign "{")" = 400 &&
	test "$(api GET /health)" = 200
'

test_expect_success 'hostile bodies on every SSH route: answered 4xx at once, the CA keeps serving' '
	for route in /ssh/sign /sign-ssh /ssh/renew /ssh/rekey /ssh/revoke \
		/ssh/config /ssh/check-host /ssh/bastion
	do
		for body in "" "[]" "{" "null" "{\"ott\":7}" \
			"{\"publicKey\":\"!!\",\"ott\":\"a.b.c\"}" \
			"{\"publicKey\":\"$(b64 k2.pub)\",\"ott\":\"a.b.c\",\"addUserPublicKey\":\"\"}" \
			"{\"ott\":\"eyJhbGciOiJub25lIn0.e30.\",\"publicKey\":\"$(b64 k2.pub)\"}" \
			"{\"serial\":\"1\",\"ott\":\"x.y.z\",\"passive\":true}" \
			"{\"principals\":[1,2],\"type\":[]}"
		do
			st=$(api POST $route "$body") &&
			case $route:$st in *:4??|/ssh/config:200) ;;
			*) echo "$route $body: $st" >&2; return 1;; esac || return 1
		done
	done &&
	test "$(api GET /health)" = 200
'

test_expect_success 'ssh renew: a host certificate, same key and names, new serial' '
	old=$(serial hostkey-cert.pub) &&
	cp hostkey-cert.pub host-old-cert.pub &&
	pkit ssh renew hostkey-cert.pub hostkey 2>err &&
	new=$(serial hostkey-cert.pub) &&
	test "$old" != "$new" &&
	ssh-keygen -L -f host-old-cert.pub | grep -v -e Serial -e Valid -e "^hostkey" -e "^host-old" >a &&
	ssh-keygen -L -f hostkey-cert.pub | grep -v -e Serial -e Valid -e "^hostkey" -e "^host-old" >b &&
	test_cmp a b
'

test_expect_success 'ssh rekey: a new key, the old certificate proves it' '
	pkit ssh rekey hostkey-cert.pub hostkey --out host2 --no-password --insecure 2>err &&
	ssh-keygen -y -f host2 >derived &&
	test "$(b64 derived)" = "$(b64 host2.pub)" &&
	ssh-keygen -L -f host2-cert.pub | grep -q "Public key: ECDSA-CERT $(ssh-keygen -l -f host2.pub | cut -d" " -f2)" &&
	ssh-keygen -L -f host2-cert.pub | grep -q "Key ID: \"myhost\""
'

# pop KEY CERT [AUD-FRAGMENT]: an SSHPOP renew token made by hand.
pop() {
	pkit crypto jwt sign --key "$1" --header "sshpop=$(b64 "$2")" \
		--iss sshpop --sub "$(serial "$2")" \
		--aud "https://localhost:$PORT/1.0/ssh/renew#${3:-sshpop/sshpop}" \
		--exp "$(($(date +%s) + 300))" 2>/dev/null
}

test_expect_success 'SSHPOP tokens made by hand: only the real one renews, once' '
	T=$(pop hostkey hostkey-cert.pub) &&
	test "$(api POST /ssh/renew "{\"ott\":\"$T\"}")" = 201 &&
	test "$(api POST /ssh/renew "{\"ott\":\"$T\"}")" = 401 &&
	ssh-keygen -q -t ed25519 -N "" -f intruder &&
	T=$(pop intruder hostkey-cert.pub) && test -n "$T" &&
	test "$(api POST /ssh/renew "{\"ott\":\"$T\"}")" = 401 &&
	grep -q "sshpop: error parsing sshpop token claims: invalid signature" serve.log &&
	ssh-keygen -q -t ed25519 -N "" -f otherca &&
	cp intruder.pub intruder2.pub &&
	ssh-keygen -q -s otherca -h -I myhost -n localhost intruder2.pub &&
	T=$(pop intruder intruder2-cert.pub) &&
	test "$(api POST /ssh/renew "{\"ott\":\"$T\"}")" = 401 &&
	grep -q "could not find valid ca signer" serve.log &&
	T=$(pop hostkey hostkey-cert.pub sshpop/other) &&
	test "$(api POST /ssh/renew "{\"ott\":\"$T\"}")" = 401 &&
	grep -q "sshpop token has invalid audience" serve.log &&
	T=$(pkit ca token x --provisioner admin --provisioner-password-file pw.txt 2>/dev/null) &&
	test "$(api POST /ssh/renew "{\"ott\":\"$T\"}")" = 401 &&
	test "$(api POST /ssh/renew "{}")" = 400
'

test_expect_success 'ssh renew of a valid user certificate: 400, as step-ca' '
	test_expect_code 1 pkit ssh renew id_user-cert.pub id_user 2>err &&
	test_one_line err &&
	grep -q "sshpop certificate must be a host ssh certificate" err
'

test_expect_success 'ssh revoke; the revoked user certificate is refused on renew (401)' '
	s=$(serial id_user-cert.pub) &&
	pkit ssh revoke "$s" --provisioner admin --provisioner-password-file pw.txt 2>err &&
	grep -q "serial number $s has been revoked" err &&
	test_expect_code 1 pkit ssh renew id_user-cert.pub id_user 2>err &&
	test_one_line err && grep -q "lacked necessary authorization" err &&
	grep -q "error=\"sshpop: certificate $s has been revoked\"" serve.log &&
	test_expect_code 1 pkit ssh revoke "$s" --provisioner admin \
		--provisioner-password-file pw.txt 2>err &&
	test_one_line err && grep -q "is already revoked" err
'

test_expect_success 'ssh revoke takes the serial in hex after 0x too (the CA gets decimal)' '
	pkit ssh certificate hex@example.com id_hex --provisioner admin \
		--provisioner-password-file pw.txt --no-password --insecure 2>err &&
	s=$(serial id_hex-cert.pub) &&
	x=$("$SYS_PYTHON" -c "import sys; print(hex(int(sys.argv[1])).upper().replace(\"0X\", \"0x\"))" "$s") &&
	pkit ssh revoke "$x" --provisioner admin --provisioner-password-file pw.txt 2>err &&
	grep -q "serial number $s has been revoked" err &&
	test_expect_code 1 pkit ssh revoke "$s" --provisioner admin \
		--provisioner-password-file pw.txt 2>err &&
	test_one_line err && grep -q "is already revoked" err &&
	test_expect_code 1 pkit ssh revoke "0$s" --provisioner admin \
		--provisioner-password-file pw.txt 2>err &&
	test_one_line err && grep -q "is already revoked" err
'

test_expect_success 'an expired user certificate is refused on renew (401)' '
	pkit ssh certificate short@example.com id_short --not-after 2s \
		--provisioner admin --provisioner-password-file pw.txt \
		--no-password --insecure 2>err &&
	sleep 3 &&
	test_expect_code 1 pkit ssh renew id_short-cert.pub id_short 2>err &&
	test_one_line err && grep -q "lacked necessary authorization" err &&
	grep -q "sshpop certificate validBefore is in the past" serve.log
'

test_expect_success 'a revoked or expired host certificate is refused on renew too' '
	s=$(serial host2-cert.pub) &&
	pkit ssh revoke --sshpop-cert host2-cert.pub --sshpop-key host2 2>err &&
	grep -q "serial number $s has been revoked" err &&
	test_expect_code 1 pkit ssh renew host2-cert.pub host2 2>err &&
	pkit ssh certificate --host --sign --principal h3 h3 k2.pub --not-after 2s \
		--provisioner admin --provisioner-password-file pw.txt 2>err &&
	sleep 3 &&
	test_expect_code 1 pkit ssh renew k2-cert.pub k2 2>err &&
	test_one_line err
'

test_expect_success 'an SSHPOP token revokes only its own certificate' '
	s=$(serial hostkey-cert.pub) &&
	test_expect_code 1 pkit ssh revoke 12345 --sshpop-cert hostkey-cert.pub \
		--sshpop-key hostkey 2>err &&
	test_one_line err &&
	pkit ssh revoke "$s" --sshpop-cert hostkey-cert.pub --sshpop-key hostkey
'

test_expect_success 'ssh login <identity>: a new key and certificate straight into the agent' '
	ssh-agent -a "$PWD/agent.sock" >agent.env &&
	AGENT_PID=$(sed -n "s/^SSH_AGENT_PID=\\([0-9]*\\);.*/\\1/p" agent.env) &&
	test_when_finished "kill $AGENT_PID" &&
	SSH_AUTH_SOCK="$PWD/agent.sock" pkit ssh login ann@example.com \
		--provisioner admin --provisioner-password-file pw.txt 2>err &&
	SSH_AUTH_SOCK="$PWD/agent.sock" ssh-add -L >keys &&
	grep -q "^ecdsa-sha2-nistp256-cert-v01@openssh.com .* ann@example.com$" keys &&
	grep "cert-v01" keys >ann-cert.pub &&
	ssh-keygen -L -f ann-cert.pub | grep -q "Key ID: \"ann@example.com\""
'

test_expect_success 'ssh certificate --add-user: the provisioner user certificate beside the key' '
	pkit ssh certificate au@example.com id_au --principal au --add-user \
		--provisioner admin --provisioner-password-file pw.txt \
		--no-password --insecure 2>err &&
	test_mode id_au-provisioner 600 &&
	ssh-keygen -y -f id_au-provisioner >derived &&
	test "$(b64 derived)" = "$(b64 id_au-provisioner.pub)" &&
	ssh-keygen -L -f id_au-provisioner-cert.pub >L &&
	grep -q "Key ID: \"au@example.com-provisioner\"" L &&
	grep -q "force-command sudo useradd -m au; nc -q0 localhost 22" L &&
	sed -n "/Principals:/{n;p}" L | tr -d " \t" >p &&
	echo provisioner >want && test_cmp want p
'

test_expect_success 'ssh certificate --kty OKP: an Ed25519 key in OpenSSH format' '
	pkit ssh certificate ed@example.com id_ed --kty OKP --no-password \
		--insecure --provisioner admin --provisioner-password-file pw.txt 2>err &&
	head -n 1 id_ed | grep -q "BEGIN OPENSSH PRIVATE KEY" &&
	ssh-keygen -L -f id_ed-cert.pub | grep -q "ssh-ed25519-cert-v01@openssh.com user certificate" &&
	test_expect_code 2 pkit ssh certificate ed2@example.com id_ed2 --kty OKP \
		--password-file pw.txt 2>err &&
	test_one_line err && test ! -e id_ed2
'

test_expect_success 'usage errors: exit 2, one line, nothing written' '
	test_expect_code 2 pkit ssh certificate onlyone 2>err && test_one_line err &&
	test_expect_code 2 pkit ca init --pki --ssh --name X --password-file pw.txt 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit ssh certificate a b --bogus 2>err && test_one_line err &&
	test_expect_code 2 pkit ssh certificate a nokey --no-password 2>err &&
	test_one_line err && test ! -e nokey &&
	test_expect_code 2 pkit ssh certificate a b --add-user --host 2>err && test_one_line err &&
	test_expect_code 2 pkit ssh revoke -5 2>err && test_one_line err &&
	for bad in 12abc " 5" +5 0x 0xg1 18446744073709551616 \
		0x10000000000000000 ""; do
		test_expect_code 2 pkit ssh revoke "$bad" 2>err &&
		test_one_line err && grep -q "not an SSH certificate serial" err ||
		return 1
	done &&
	test_expect_code 2 pkit ssh revoke 2>err && test_one_line err &&
	grep -q "serial-number> is needed unless --sshpop-cert" err &&
	test_expect_code 2 pkit ssh login 2>err && test_one_line err &&
	test_expect_code 2 pkit ssh certificate a nokey --not-after soon 2>err &&
	test_one_line err
'

test_expect_success 'refusals: one line, exit 1, no partial files' '
	test_expect_code 1 pkit ssh certificate joe@example.com refused \
		--token not.a.token --no-password --insecure 2>err &&
	test_one_line err && grep -q "lacked necessary authorization" err &&
	test ! -e refused && test ! -e refused.pub && test ! -e refused-cert.pub &&
	test_expect_code 1 pkit ssh certificate joe@example.com wrongpw \
		--provisioner admin --provisioner-password-file init.log \
		--no-password --insecure 2>err &&
	test_one_line err && test ! -e wrongpw &&
	test_expect_code 1 pkit ssh certificate --sign x missing.pub \
		--provisioner admin --provisioner-password-file pw.txt 2>err &&
	test_one_line err &&
	echo garbage >bad-cert.pub &&
	test_expect_code 1 pkit ssh renew bad-cert.pub hostkey 2>err && test_one_line err &&
	test_expect_code 1 pkit ssh renew hostkey-cert.pub id_user 2>err && test_one_line err &&
	test_expect_code 1 pkit ssh certificate joe@example.com id_user \
		--provisioner admin --provisioner-password-file pw.txt \
		--no-password --insecure 2>err && test_one_line err
'

test_expect_success 'ssh.keys: /ssh/roots adds the non-federated keys, /ssh/federation the federated ones' '
	ca_stop &&
	pkit crypto jwk create fed.pub fed.priv --no-password --insecure 2>/dev/null &&
	pkit crypto jwk create extra.pub extra.priv --kty OKP --crv Ed25519 \
		--no-password --insecure 2>/dev/null &&
	"$SYS_PYTHON" -c "import json, sys
p = sys.argv[1]
d = json.load(open(p))
d[\"ssh\"][\"keys\"] = [
    {\"type\": \"user\", \"federated\": True, \"key\": json.load(open(\"fed.pub\"))},
    {\"type\": \"host\", \"federated\": False, \"key\": json.load(open(\"extra.pub\"))}]
json.dump(d, open(p, \"w\"), indent=1)" "$PKITPATH/config/ca.json" &&
	ca_start --password-file "$PWD/pw.txt" &&
	test "$(api GET /ssh/roots)" = 200 &&
	test "$(jget out "len(d[\"userKey\"]), len(d[\"hostKey\"])")" = "(1, 2)" &&
	test "$(api GET /ssh/federation)" = 200 &&
	test "$(jget out "len(d[\"userKey\"]), len(d[\"hostKey\"])")" = "(2, 1)" &&
	pkit ssh config --roots --federation >fedroots &&
	test "$(wc -l <fedroots)" = 2 &&
	grep -q "^ecdsa-sha2-nistp256 " fedroots &&
	pkit ssh config --host --roots >hostroots &&
	grep -q "^ssh-ed25519 " hostroots &&
	grep -qx "$(cat "$PKITPATH/certs/ssh_host_ca_key.pub")" hostroots
'

test_expect_success 'an SSH policy in ca.json: a principal outside it is refused (403)' '
	ca_stop &&
	"$SYS_PYTHON" -c "import json, sys
p = sys.argv[1]
d = json.load(open(p))
d[\"authority\"][\"policy\"] = {\"ssh\": {\"user\": {\"allow\": {\"principal\": [\"joe\"]}}}}
json.dump(d, open(p, \"w\"), indent=1)" "$PKITPATH/config/ca.json" &&
	ca_start --password-file "$PWD/pw.txt" &&
	T=$(token --principal joe joe) &&
	test "$(api POST /ssh/sign "{\"publicKey\":\"$(b64 k2.pub)\",\"ott\":\"$T\"}")" = 201 &&
	T=$(token --principal root joe) &&
	test "$(api POST /ssh/sign "{\"publicKey\":\"$(b64 k2.pub)\",\"ott\":\"$T\"}")" = 403 &&
	grep -q "principal" out && grep -q "root" out &&
	ca_stop &&
	"$SYS_PYTHON" -c "import json, sys
p = sys.argv[1]
d = json.load(open(p))
del d[\"authority\"][\"policy\"]
json.dump(d, open(p, \"w\"), indent=1)" "$PKITPATH/config/ca.json" &&
	ca_start --password-file "$PWD/pw.txt"
'

test_expect_success 'a provisioner without enableSSHCA, or a CA without SSH keys, refuses' '
	ca_stop &&
	"$SYS_PYTHON" -c "import json, sys
p = sys.argv[1]
d = json.load(open(p))
d[\"authority\"][\"provisioners\"][0][\"claims\"][\"enableSSHCA\"] = False
json.dump(d, open(p, \"w\"), indent=1)" "$PKITPATH/config/ca.json" &&
	ca_start --password-file "$PWD/pw.txt" &&
	T=$(token --principal root joe) &&
	test "$(api POST /ssh/sign "{\"publicKey\":\"$(b64 k2.pub)\",\"ott\":\"$T\"}")" = 401 &&
	grep -q "sshCA is disabled for jwk provisioner" serve.log &&
	ca_stop &&
	"$SYS_PYTHON" -c "import json, sys
p = sys.argv[1]
d = json.load(open(p))
del d[\"ssh\"]
json.dump(d, open(p, \"w\"), indent=1)" "$PKITPATH/config/ca.json" &&
	ca_start --password-file "$PWD/pw.txt" &&
	test "$(api POST /ssh/sign "{}")" = 501 &&
	grep -q "ssh certificate flows are not enabled" out &&
	test "$(api GET /ssh/roots)" = 404 &&
	test_expect_code 1 pkit ssh config --roots 2>err && test_one_line err &&
	ca_stop
'

test_done

#!/bin/sh
test_description='a real sshd and ssh accept certificates pkit signed and configured'
. "$(dirname "$0")/lib.sh"

SSHSIGN="$PKIT_BUILD_DIR/tests/helper/sshsign"
SSHD=/usr/sbin/sshd

if ! test -x "$SSHD" || ! test_have ssh || ! test_have ssh-keygen ||
	! test_have ssh-agent; then
	test_skip 'sshd login with certificates' 'openssh-server or -client is not installed'
	test_done
fi
if [ "$(id -u)" -ne 0 ]; then
	test_skip 'sshd login with certificates' 'sshd must run as root'
	test_done
fi

PORT=$(free_port)
SSHD_PID=
AGENT_PID=

stop_servers() {
	if [ -n "$SSHD_PID" ]; then kill "$SSHD_PID" 2>/dev/null; wait "$SSHD_PID" 2>/dev/null; fi
	if [ -n "$AGENT_PID" ]; then kill "$AGENT_PID" 2>/dev/null; fi
	SSHD_PID= AGENT_PID=
}
trap stop_servers EXIT

# ssh with no configuration of its own but what the test gives.  Its
# known_hosts (the @cert-authority file) comes as $1.
try_ssh() {
	kh=$1
	shift
	ssh -F /dev/null -p "$PORT" -o BatchMode=yes -o StrictHostKeyChecking=yes \
		-o UserKnownHostsFile="$kh" -o GlobalKnownHostsFile=/dev/null \
		-o ConnectTimeout=10 -o LogLevel=ERROR "$@" root@127.0.0.1 \
		echo logged-in-as-\$\(id -un\)
}

# try_ssh must fail as ssh does (status 255) with message $1 on stderr.
refused() {
	msg=$1
	shift
	try_ssh "$@" >out 2>err
	ret=$?
	cat err >&2
	test $ret -eq 255 && test ! -s out && grep -q "$msg" err
}

test_expect_success 'set up the CAs, the host key and the user keys' '
	ssh-keygen -q -t ed25519 -N "" -C user-ca -f user_ca &&
	ssh-keygen -q -t ecdsa -b 384 -N "" -C host-ca -f host_ca &&
	ssh-keygen -q -t ed25519 -N "" -C other-ca -f other_ca &&
	ssh-keygen -q -t ed25519 -N "" -f hostkey &&
	ssh-keygen -q -t ecdsa -N "" -f userkey &&
	ssh-keygen -q -t rsa -b 2048 -N "" -f rsakey
'

test_expect_success 'pkit signs the host certificate and writes the sshd config' '
	"$SSHSIGN" -H -s host_ca -I test-host -n 127.0.0.1,localhost -V -300:+3600 \
		hostkey.pub hostkey-cert.pub &&
	pkit ssh config --host --user-ca user_ca.pub --dir "$PWD/etc" \
		--set Key="$PWD/hostkey" --set Certificate="$PWD/hostkey-cert.pub" &&
	awk "{print \$1, \$2}" user_ca.pub >want &&
	test_cmp want etc/ca.pub &&
	grep -qx "TrustedUserCAKeys \"$PWD/etc/ca.pub\"" etc/sshd_config &&
	cat >>etc/sshd_config <<-EOF &&
	Port $PORT
	ListenAddress 127.0.0.1
	PidFile $PWD/sshd.pid
	StrictModes no
	UsePAM no
	PermitRootLogin prohibit-password
	PasswordAuthentication no
	KbdInteractiveAuthentication no
	AuthorizedKeysFile none
	LogLevel VERBOSE
	EOF
	mkdir -p /run/sshd &&
	"$SSHD" -t -f etc/sshd_config
'

test_expect_success 'start sshd on a free loopback port' '
	"$SSHD" -D -e -f "$PWD/etc/sshd_config" >/dev/null 2>sshd.log &
	SSHD_PID=$! &&
	for i in $(seq 1 100)
	do
		"$SYS_PYTHON" -c "import socket; socket.create_connection((\"127.0.0.1\", $PORT), 1)" 2>/dev/null && break
		sleep 0.1
	done &&
	kill -0 "$SSHD_PID"
'

test_expect_success 'pkit ssh config writes the client side: known_hosts with @cert-authority' '
	pkit ssh config --host-ca host_ca.pub &&
	known="$PKITPATH/ssh/known_hosts" &&
	grep -q "^@cert-authority \* ecdsa-sha2-nistp384 " "$known" &&
	"$SSHSIGN" -s user_ca -I joe -n root -V -60:+3600 userkey.pub userkey-cert.pub
'

test_expect_success 'ssh logs in with a user certificate, host verified by its certificate' '
	try_ssh "$known" -i userkey -o CertificateFile=userkey-cert.pub \
		-o IdentitiesOnly=yes >out &&
	grep -qx logged-in-as-root out &&
	grep -q "Accepted publickey for root .* ECDSA-CERT SHA256:.* ID joe (serial 0) CA ED25519" sshd.log
'

test_expect_success 'the same through the ssh config that pkit ssh config wrote' '
	ssh -F "$HOME/.ssh/config" -G 127.0.0.1 >g &&
	grep -q "^userknownhostsfile $known " g &&
	ssh -F "$HOME/.ssh/config" -p "$PORT" -o BatchMode=yes -o StrictHostKeyChecking=yes \
		-o GlobalKnownHostsFile=/dev/null -o LogLevel=ERROR -i userkey \
		-o CertificateFile=userkey-cert.pub -o IdentitiesOnly=yes \
		root@127.0.0.1 true
'

test_expect_success 'an RSA user key with two principals and a serial' '
	"$SSHSIGN" -s user_ca -I rsa-user -n root,admin -V -60:+600 -z 77 rsakey.pub rsakey-cert.pub &&
	try_ssh "$known" -i rsakey -o CertificateFile=rsakey-cert.pub -o IdentitiesOnly=yes >out &&
	grep -qx logged-in-as-root out
'

test_expect_success 'refused: a certificate from another CA' '
	"$SSHSIGN" -s other_ca -I joe -n root -V -60:+3600 userkey.pub other-cert.pub &&
	refused "Permission denied (publickey)" "$known" -i userkey -o CertificateFile=other-cert.pub \
		-o IdentitiesOnly=yes &&
	other=$(ssh-keygen -l -f other_ca.pub | cut -d" " -f2) &&
	grep -q "Failed publickey for root .* ECDSA-CERT .* CA ED25519 $other" sshd.log
'

test_expect_success 'refused: an expired certificate' '
	"$SSHSIGN" -s user_ca -I joe -n root -V -7200:-3600 userkey.pub expired-cert.pub &&
	refused "Permission denied (publickey)" "$known" -i userkey -o CertificateFile=expired-cert.pub \
		-o IdentitiesOnly=yes &&
	grep -q "Certificate invalid: expired" sshd.log
'

test_expect_success 'refused: a certificate for another principal' '
	"$SSHSIGN" -s user_ca -I joe -n nobody,joe -V -60:+3600 userkey.pub wrongp-cert.pub &&
	refused "Permission denied (publickey)" "$known" -i userkey -o CertificateFile=wrongp-cert.pub \
		-o IdentitiesOnly=yes &&
	grep -q "Certificate invalid: name is not a listed principal" sshd.log
'

test_expect_success 'refused: a host certificate ssh has no CA for' '
	ssh-keygen -q -t ed25519 -N "" -f otherhostca &&
	"$SSHSIGN" -s user_ca -I joe -n root -V -60:+3600 userkey.pub userkey-cert.pub &&
	pkit ssh config --roots --host --host-ca otherhostca.pub >roots &&
	sed "s/^/@cert-authority * /" roots >wrong_known &&
	refused "Host key verification failed" wrong_known -i userkey -o CertificateFile=userkey-cert.pub \
		-o IdentitiesOnly=yes
'

test_expect_success 'ssh login puts key and certificate in an ssh-agent; ssh uses it' '
	ssh-agent -a "$PWD/agent.sock" >agent.env &&
	AGENT_PID=$(sed -n "s/^SSH_AGENT_PID=\\([0-9]*\\);.*/\\1/p" agent.env) &&
	test -n "$AGENT_PID" &&
	SSH_AUTH_SOCK="$PWD/agent.sock" pkit ssh login --key userkey joe@example.com &&
	SSH_AUTH_SOCK="$PWD/agent.sock" ssh-add -l >listed &&
	grep -q "joe@example.com (ECDSA-CERT)" listed &&
	try_ssh "$known" -o IdentityAgent="$PWD/agent.sock" -o IdentityFile=none >out &&
	grep -qx logged-in-as-root out
'

test_expect_success 'after ssh logout the agent no longer logs in' '
	SSH_AUTH_SOCK="$PWD/agent.sock" pkit ssh logout joe@example.com >out &&
	grep -qx "Identity removed: joe@example.com" out &&
	refused "Permission denied (publickey)" "$known" -o IdentityAgent="$PWD/agent.sock" -o IdentityFile=none
'

test_expect_success 'stop the servers' '
	cat sshd.log >&2 &&
	stop_servers &&
	test -z "$SSHD_PID"
'

test_done
